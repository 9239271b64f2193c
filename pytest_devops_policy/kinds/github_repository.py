"""The GitHub Actions kind's second reading: a repository (repo-level policies, catalog §3.1).

A repository is no file: ``pytest_layer.repository`` makes one node per collected
``.github`` directory and hands the analyser the repository's *facts* as its bytes
(``indexes.repository.describe``: ecosystems found, Dependabot/Renovate configs). This
format parses them into the ``Repository`` subject. The result cache keys a repository's
verdicts on those facts, plus (``dependencies``) every workflow of the repository, whose
triggers and steps GHA-015/GHA-023 read through the kind's ``WorkflowIndex``, and the local
composite actions those workflows call.

A format instance carries the run's ``--ignore``/``--ignore-glob`` paths (``excludes``),
which the walk leaves out as collection does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from pytest_devops_policy.context import Context
from pytest_devops_policy.indexes.repository import Excludes, describe
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source
from pytest_devops_policy.options import Options

__all__ = ["REPOSITORY", "VARIANT", "RepositoryFormat"]

VARIANT = "github-repository"  # the result cache keeps repositories apart from workflows


class RepositoryFormat(FormatDefaults):
    def __init__(self, excludes: Excludes | None = None) -> None:
        self.excludes = excludes if excludes is not None else Excludes()

    def facts(self, root: str) -> str:
        """The facts text of the repository at ``root`` (what ``parse`` reads)."""
        return describe(root, self.excludes)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.formats.github_actions.repository import parse

        return parse(source)

    def dependencies(self, path: str, context: Context) -> list[str]:
        from pytest_devops_policy.indexes.workflows import dependencies, workflow_files

        # ``path`` is the .github directory: its workflows decide GHA-015/GHA-023, and the
        # listing of .github/workflows notices a workflow that appears or goes; the local
        # composite actions they call (a linter or a scan inside one counts) are read too.
        root = os.path.dirname(path)
        files = workflow_files(root)
        reached = dependencies(files[0], context.cache) if files else []
        return [os.path.join(path, "workflows"), *dict.fromkeys([*files, *reached])]

    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return ()  # the facts are no file a user writes in


REPOSITORY = RepositoryFormat()
