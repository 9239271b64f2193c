"""XREF-001 on GitLab CI jobs: the objects a job's deploy commands name exist as named.

The GitLab anchor of ``policies/github_actions/xref_001_deploy_target_exists.py`` (one
policy, ``api.also_anchored``): the same kind-neutral decision (``indexes.xref_deploys.
check_targets``) over the job's script events (``gl_events.gitlab_job_events``), with the
job described by ``indexes.xref_deploys_gl`` (variables of the file, artifacts and cache it
receives, opaque scripts).
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Unknown, Violation, also_anchored
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.indexes.xref_deploys import check_targets, target_events
from pytest_devops_policy.indexes.xref_deploys_gha import report, settings
from pytest_devops_policy.indexes.xref_deploys_gl import gl_job_view
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.policies.github_actions.xref_001_deploy_target_exists import (
    deploy_target_exists,
)


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    """A job with such commands, in a run with Kubernetes manifests (else N/A: no item)."""
    if gl_job.trigger is not None or not target_events(gitlab_job_events(gl_job)):
        return False
    from pytest_devops_policy.indexes.xref import xref_index  # only for deploying jobs

    return bool(xref_index(context.cache).has_kubernetes)


@also_anchored(deploy_target_exists, applies=_applies)
def deploy_target_exists_gitlab(
    gl_job: GitLabJob, context: Context
) -> Iterator[Violation | Unknown]:
    from pytest_devops_policy.indexes.xref import xref_index

    index = xref_index(context.cache)
    view = gl_job_view(gl_job, context)
    yield from report(check_targets(view, context.cache, index, settings(context)))
