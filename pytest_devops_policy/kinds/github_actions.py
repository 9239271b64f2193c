"""The GitHub Actions kind: a workflow and its jobs, judged with the repository's other
workflows (reusable workflows called with ``uses: ./.github/workflows/x.yml``)."""

from __future__ import annotations

from collections.abc import Iterable

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import yaml_comments
from pytest_devops_policy.formats.github_actions.workflow import parse
from pytest_devops_policy.indexes.workflows import WorkflowIndex, dependencies, index_for
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options

__all__ = ["FORMAT"]


class GitHubActionsFormat(FormatDefaults):
    keeps_parsed = True  # the index reads the other workflows' parsed files

    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return yaml_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        return parse(source)

    def index(self, subject: Subject[object], context: Context) -> WorkflowIndex:
        return index_for(subject, context.cache)

    def dependencies(self, path: str, context: Context) -> list[str]:
        # The repository's workflows: a called reusable workflow decides a verdict here.
        return dependencies(path)


FORMAT = GitHubActionsFormat()
