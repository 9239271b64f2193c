"""The GitHub Actions kind: a workflow and its jobs, judged with the repository's other
workflows (reusable workflows called with ``uses: ./.github/workflows/x.yml``)."""

from __future__ import annotations

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.github_actions import workflow
from pytest_devops_policy.formats.github_actions.workflow import WorkflowIndex
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options

__all__ = ["FORMAT"]


def _build(cache: ParseCache, scope: str) -> WorkflowIndex:
    return workflow.build_index(scope, cache)


class GitHubActionsFormat(FormatDefaults):
    keeps_parsed = True  # the index reads the other workflows' parsed files

    def parse(self, source: Source, options: Options) -> ParsedFile:
        return workflow.parse(source)

    def index(self, subject: Subject[object], context: Context) -> WorkflowIndex:
        return context.cache.memo(_build, workflow.index_scope(subject))

    def dependencies(self, path: str, context: Context) -> list[str]:
        return workflow.dependencies(path)


FORMAT = GitHubActionsFormat()
