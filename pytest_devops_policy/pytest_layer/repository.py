"""The repository node: repo-level GitHub Actions policies (GHA-015, GHA-023, GHA-027) as items.

Catalog §3.1: they run once per repository root, the directory holding ``.github/``. When
pytest collects a ``.github`` directory, the plugin adds one ``RepositoryFile`` for the
repository after the directory's own children (``workflows/``...), so the items read

* ``.github::repository::GHA-015`` (``--devops-policy-items=policy``), or
* ``.github::repository`` holding every repo-level verdict (``--devops-policy-items=resource``),

``sub/project/.github::repository::GHA-027`` for a repository below the rootdir.

When the node exists: pytest collects the ``.github`` directory itself, i.e. the run's
paths include the repository root or ``.github`` (``pytest --devops-policy``, ``pytest
--devops-policy .github``). A run given only a subdirectory, ``.github/workflows`` or one
workflow file judges those files, not the repository; ``--ignore=.github`` leaves it out.
A repository with a ``.github`` directory but no workflows still gets its node (GHA-015
and GHA-023 then fail: no workflow runs on pull requests). pytest cannot select a node
under a directory by a node-id argument: use ``-k repository``, ``-k GHA-027`` or
``--deselect .github::repository::GHA-027``.

The repository is analysed like a file (``Analyser.analyse``): its "bytes" are its facts
(``indexes.repository.describe``) and its dependencies the workflows, so the result cache
and xdist sharing work unchanged. Waivers: a config waiver with ``path = ".github"`` (the
repository's ``.github`` relative to the rootdir) and optionally ``resource =
"repository"``; or an inline ``# devops-policy: ignore[GHA-027] reason="..."`` comment
anywhere in ``.github/dependabot.yml``, which waives the repository's item(s) whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_devops_policy import discovery, safefile
from pytest_devops_policy.discovery import Excludes
from pytest_devops_policy.formats.comments import yaml_comments
from pytest_devops_policy.indexes.repository import DEPENDABOT_FILES
from pytest_devops_policy.kinds.github_repository import VARIANT, RepositoryFormat
from pytest_devops_policy.masking import Redactor
from pytest_devops_policy.model import FileText, ParseError, Source, decode
from pytest_devops_policy.pytest_layer.nodes import (
    InternalErrorItem,
    ParseErrorItem,
    PolicyFile,
    WaiverErrorItem,
)
from pytest_devops_policy.waivers import FileWaivers, Waiver, inline_waivers

if TYPE_CHECKING:
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

__all__ = ["RepositoryFile", "repository_node", "run_excludes"]

KIND = "github-actions"
RESOURCE = "repository"


def repository_node(directory: pytest.Directory, state: DevopsPolicy) -> RepositoryFile:
    """The node of the repository whose ``.github`` directory ``directory`` collects: added
    after the directory's own children (``DevopsPolicy.pytest_make_collect_report``)."""
    return RepositoryFile.from_parent(directory, path=directory.path, state=state, kind=KIND)


def run_excludes(config: pytest.Config) -> Excludes:
    """The run's ``--ignore``/``--ignore-glob`` paths, as tree walks leave them out."""
    return discovery.run_excludes(config.getoption("ignore"), config.getoption("ignore_glob"))


class RepositoryFile(PolicyFile):
    """The repository of one ``.github`` directory (its path), judged once."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        state = self.state
        policies = state.policies_for(self)
        if not policies.for_subject(RESOURCE):
            return  # no repo-level policy selected: do not even walk the tree
        path = str(self.path)
        relpath = state.analyser.relpath(path)
        fmt = RepositoryFormat(run_excludes(self.config))
        text = fmt.facts(os.path.dirname(path))
        data = text.encode("utf-8", "surrogatepass")
        result = state.analyser.analyse(path, relpath, KIND, fmt, data, text, policies, VARIANT)
        if result.internal_error is not None:
            yield InternalErrorItem.from_parent(
                self, name="INTERNAL-ERROR", kind=KIND, relpath=relpath, text=result.internal_error
            )
            return
        redactor = Redactor(result.secrets)
        if result.parse_error is not None:  # facts are ours: only a bug gets here
            message, line, col = result.parse_error
            yield ParseErrorItem.from_parent(
                self,
                name="PARSE-ERROR",
                kind=KIND,
                source=Source(path, relpath, ""),
                error=ParseError(message, line, col),
                redactor=redactor,
            )
            return
        # Findings are at line 1 of the .github "file": it reads as empty, so no excerpt.
        file_text = FileText(path, relpath, state.recent)
        file_waivers = FileWaivers(relpath, file_text, [], state.settings.waivers)
        inline = self._dependabot_waivers(os.path.dirname(path))
        state.ledger.declare(inline)
        for w in inline:
            if not w.valid:
                yield WaiverErrorItem.from_parent(
                    self, name=f"WAIVER-INVALID-L{w.line}", waiver=w, kind=KIND, redactor=redactor
                )
        valid = [w for w in inline if w.valid]
        yield from self._resources(result, policies, file_text, file_waivers, redactor, valid)

    def _dependabot_waivers(self, root: str) -> list[Waiver]:
        """``# devops-policy: ignore[...]`` comments in the repository's dependabot.yml."""
        for rel in DEPENDABOT_FILES:
            full = os.path.join(root, *rel.split("/"))
            data = safefile.read_bytes(full)
            if data is None:
                continue
            text = decode(data)
            source = Source(full, self.state.analyser.relpath(full), text)
            return inline_waivers(source, yaml_comments(text))
        return []
