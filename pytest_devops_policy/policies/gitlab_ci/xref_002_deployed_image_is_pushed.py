"""XREF-002 on GitLab CI jobs: an image the pipeline builds and a job deploys is pushed
before the deploy.

The GitLab anchor of ``policies/github_actions/xref_002_deployed_image_is_pushed.py`` (one
policy, ``api.also_anchored``): the same CI-neutral decision (``indexes.xref_pushes.judge``)
over the pipeline's jobs (``indexes.xref_pushes_gl``). The typical GitLab failure is case
(e) of the catalog: an image built without a push in one job and deployed in another; jobs
run on separate runners, so the image exists only in the build job's Docker daemon.
Happens-before is an earlier stage or ``needs:`` (``needs: []`` waits for nothing).
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Unknown, Violation, also_anchored
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.indexes.xref_pushes_gha import is_deploy
from pytest_devops_policy.indexes.xref_pushes_gl import judge_gl_job
from pytest_devops_policy.knowledge.xref.events import Origin
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.policies.github_actions.xref_002_deployed_image_is_pushed import (
    deployed_image_is_pushed,
    push_verdicts,
)


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    if gl_job.trigger is not None or not any(is_deploy(e) for e in gitlab_job_events(gl_job)):
        return False
    return bool(judge_gl_job(gl_job, context.cache))


@also_anchored(deployed_image_is_pushed, applies=_applies)
def deployed_image_is_pushed_gitlab(
    gl_job: GitLabJob, context: Context
) -> Iterator[Violation | Unknown]:
    def step(origin: Origin) -> str:
        return f"{gl_job.display} {origin.section}[{origin.index}]"

    judged = judge_gl_job(gl_job, context.cache)
    yield from push_verdicts(judged, step, gl_job.display, context)
