"""XREF-005 on GitLab CI jobs: the Dockerfile, context and target a job builds exist.

The GitLab anchor of ``policies/github_actions/xref_005_build_dockerfile_exists.py`` (one
policy, ``api.also_anchored``): the job's builds (``knowledge.xref.gl_builds``: docker,
buildah, podman, kaniko ``--context``/``--dockerfile``/``--target``, variables of the file
resolved, ``$CI_PROJECT_DIR`` the repository root) are judged by the same CI-neutral
``indexes.xref_builds.judge_builds``. A missing path the job may have received (earlier
script lines, artifacts of earlier-stage or needed jobs, its cache, no checkout) is UNKNOWN;
``trigger:`` jobs give no item.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Unknown, Violation, also_anchored
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.indexes.xref_builds import gitlab_root, judge_builds
from pytest_devops_policy.knowledge.xref import gl_builds
from pytest_devops_policy.knowledge.xref.events import BuildEvent
from pytest_devops_policy.policies.github_actions.xref_005_build_dockerfile_exists import (
    build_dockerfile_exists,
)


def _applies(gl_job: GitLabJob) -> bool:
    return bool(gl_builds.builds(gl_job))


@also_anchored(build_dockerfile_exists, applies=_applies)
def build_dockerfile_exists_gitlab(
    gl_job: GitLabJob, context: Context
) -> Iterator[Violation | Unknown]:
    def where(build: BuildEvent) -> str:
        return gl_builds.where(gl_job, build)

    def may_create(build: BuildEvent, rel: str) -> str | None:
        return gl_builds.may_create(gl_job, build.origin, rel)

    root = gitlab_root(gl_job.source.path, context.cache)
    yield from judge_builds(gl_builds.builds(gl_job), root, context.cache, where, may_create)
