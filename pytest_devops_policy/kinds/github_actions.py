"""The GitHub Actions kind: a workflow and its jobs, judged with the repository's other
workflows (reusable workflows called with ``uses: ./.github/workflows/x.yml``).

The parser and the index are imported on first use, like the other kinds' (issue 15).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING

from pytest_devops_policy import discovery
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import yaml_comments
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.workflows import WorkflowIndex

__all__ = ["FORMAT"]


class GitHubActionsFormat(FormatDefaults):
    keeps_parsed = True  # the index reads the other workflows' parsed files

    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return yaml_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.formats.github_actions.workflow import parse

        # The kind holds three sorts of files, told apart by path (``discovery``).
        path = PurePath(source.path)
        if discovery.is_workflow_path(path):
            return parse(source)
        if discovery.is_action_path(path):
            from pytest_devops_policy.formats.github_actions.action import parse_action

            return parse_action(source)
        return parse(source, sniffed=True)  # a YAML file in a ``gha.workflow_dirs`` directory

    def index(self, subject: Subject[object], context: Context) -> WorkflowIndex:
        from pytest_devops_policy.indexes.workflows import index_for

        return index_for(subject, context.cache)

    def dependencies(self, path: str, context: Context) -> list[str]:
        from pytest_devops_policy.indexes.workflows import dependencies, repository_root
        from pytest_devops_policy.indexes.xref_builds import build_inputs

        # The repository's workflows (a called reusable workflow decides a verdict here)
        # and the local actions they use; the Dockerfiles and contexts its builds name
        # (XREF-005).
        cache = context.cache
        builds = build_inputs(path, repository_root(path, cache.rootdir), cache)
        return [*dependencies(path, cache), *builds]


FORMAT = GitHubActionsFormat()
