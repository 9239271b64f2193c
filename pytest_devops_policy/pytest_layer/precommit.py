"""The pre-commit hook (``.pre-commit-hooks.yaml``): check the files a commit changes.

pre-commit passes the changed files' names. Given to pytest as arguments, a file would be
judged alone: a Deployment whose PodDisruptionBudget sits in another file of its directory
fails K8S-026, a Terraform resource misses its module's other files, and a name the plugin
does not collect is pytest's "not found" error. So this runs pytest on the current
directory (pre-commit runs hooks from the repository root), collects only the directories
that hold a changed file (not their subdirectories: a directory is the Kubernetes
deployment unit and the Terraform module), and deselects every item outside the changed
files. A commit that changes nothing the plugin checks exits 0, not pytest's 5.

Usage: ``python -m pytest_devops_policy.pytest_layer.precommit [PYTEST OPTIONS] [--] FILES``.
Without ``--``, arguments starting with ``-`` are pytest options (give values as
``--opt=value``) and the others are files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path

import pytest


def split_arguments(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """pytest options and file names: around ``--`` if given, else by a leading ``-``."""
    if "--" in argv:
        cut = list(argv).index("--")
        return list(argv[:cut]), list(argv[cut + 1 :])
    options = [a for a in argv if a.startswith("-")]
    return options, [a for a in argv if not a.startswith("-")]


class ChangedFiles:
    """A pytest plugin: collect the changed files' directories, keep the changed files' items."""

    def __init__(self, files: Iterable[str]) -> None:
        self.files = {os.path.abspath(f) for f in files if os.path.isfile(f)}
        self.dirs = {os.path.dirname(f) for f in self.files}
        # Every directory pytest walks through on its way to a changed file's directory.
        self.ancestors = set(self.dirs)
        for directory in self.dirs:
            parent = os.path.dirname(directory)
            while parent not in self.ancestors and parent != directory:
                self.ancestors.add(parent)
                directory, parent = parent, os.path.dirname(parent)

    def pytest_configure(self, config: pytest.Config) -> None:
        from pytest_devops_policy.pytest_layer.collector import PARTIAL_RUN

        # Files outside the changed directories are not collected: a waiver of theirs
        # matching nothing here is not unused (strict-waivers would fail every commit).
        config.stash[PARTIAL_RUN] = True

    @pytest.hookimpl(wrapper=True)
    def pytest_ignore_collect(self, collection_path: Path) -> Generator[None, object, object]:
        # A wrapper, so that it also overrides the plugin's own answer (which always
        # collects .github); where the path is wanted, the plugin's answer stands.
        verdict = yield
        path = str(collection_path)
        if collection_path.is_dir():
            return verdict if path in self.ancestors else True
        return verdict if os.path.dirname(path) in self.dirs else True

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            # A directory is the repository node (.github::repository): it is collected only
            # when a file under .github changed, and judges every workflow.
            path = item.path
            wanted = str(path) in self.files or path.is_dir()
            (keep if wanted else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep


def main(argv: Sequence[str] | None = None) -> int:
    options, files = split_arguments(sys.argv[1:] if argv is None else argv)
    plugin = ChangedFiles(files)
    if not plugin.files:
        return 0  # deleted files only: nothing to check
    code = pytest.main(
        [
            "--devops-policy-only",
            f"--rootdir={os.curdir}",
            # This module imported the plugin's package before pytest could mark it for
            # assertion rewriting; the plugin uses no assert, so say nothing about it.
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
            # Workers would not have this plugin; --devops-policy-jobs parallelises instead.
            "-p",
            "no:xdist",
            *options,
            os.curdir,
        ],
        plugins=[plugin],
    )
    return 0 if code == pytest.ExitCode.NO_TESTS_COLLECTED else int(code)


if __name__ == "__main__":
    sys.exit(main())
