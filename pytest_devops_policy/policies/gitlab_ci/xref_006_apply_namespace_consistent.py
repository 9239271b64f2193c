"""XREF-006 on GitLab CI jobs: ``kubectl apply -n NS`` reads no object of another namespace.

The GitLab anchor of ``policies/github_actions/xref_006_apply_namespace_consistent.py``
(one policy, ``api.also_anchored``): the same kind-neutral decision (``indexes.xref_deploys.
check_namespaces``) over the job's script events, with the job described by
``indexes.xref_deploys_gl``.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Unknown, Violation, also_anchored
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.indexes.xref_deploys import check_namespaces, namespace_events
from pytest_devops_policy.indexes.xref_deploys_gha import report, settings
from pytest_devops_policy.indexes.xref_deploys_gl import gl_job_view
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.policies.github_actions.xref_006_apply_namespace_consistent import (
    apply_namespace_consistent,
)


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    """A job with such commands, in a run with Kubernetes manifests (else N/A: no item)."""
    if gl_job.trigger is not None or not namespace_events(gitlab_job_events(gl_job)):
        return False
    from pytest_devops_policy.indexes.xref import xref_index  # only for deploying jobs

    index = xref_index(context.cache)
    return bool(index.manifests or index.kustomizations)


@also_anchored(apply_namespace_consistent, applies=_applies)
def apply_namespace_consistent_gitlab(
    gl_job: GitLabJob, context: Context
) -> Iterator[Violation | Unknown]:
    from pytest_devops_policy.indexes.xref import xref_index

    index = xref_index(context.cache)
    view = gl_job_view(gl_job, context)
    yield from report(check_namespaces(view, context.cache, index, settings(context)))
