"""The job classifier with the repository at hand: the one ``job_class`` every
deploy-discipline policy (GHA-012 … GHA-029) asks, so a job is classified the same way
everywhere. Callers of local reusable workflows are judged by the callee's jobs (catalog
§3.3 (e), §3.2-4): ``uses: ./.github/workflows/deploy.yml`` is a deploy job exactly when
that file's jobs deploy.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.triggers import Trigger
from pytest_devops_policy.formats.github_actions.uses import UsesRef
from pytest_devops_policy.formats.github_actions.workflow import Job, Workflow
from pytest_devops_policy.knowledge.ci.config import ClassifierConfig
from pytest_devops_policy.knowledge.ci.github import classify_job
from pytest_devops_policy.knowledge.ci.jobs import JobClass
from pytest_devops_policy.knowledge.ci.releases import job_publish
from pytest_devops_policy.options import GhaOptions

__all__ = [
    "CI_EVENTS",
    "callee_of",
    "ci_trigger",
    "classifier_config",
    "environment_gated",
    "is_deploy",
    "job_class",
    "publish_step",
    "release_workflow",
    "why_deploy",
]


def classifier_config(context: Context) -> ClassifierConfig:
    return ClassifierConfig.from_options(context.options(GhaOptions))


def _local_call(job: Job) -> bool:
    return job.uses is not None and job.uses.kind == "local-workflow"


def callee_of(job: Job, context: Context) -> Workflow | None:
    """The local reusable workflow a caller job runs (``None``: not a caller, remote, missing)."""
    if not _local_call(job):
        return None
    index = context.index(job)  # the workflow index (indexes.workflows), or None
    if index is None or job.uses is None:
        return None
    found: Workflow | None = index.resolve(job.uses)
    return found


def job_class(job: Job, context: Context) -> JobClass:
    """The job's classification, the one every deploy-discipline policy uses.

    A caller of a local reusable workflow is a deploy job exactly when the callee's jobs
    deploy (§3.3 (e)), resolved through the workflow index and memoised per job and
    classifier config; any other job's verdict is memoised on the job by ``classify_job``.
    For a remote (or missing) callee the callee's file name decides.
    """
    cfg = classifier_config(context)
    if not _local_call(job):
        return classify_job(job, cfg)
    resolve: Callable[[UsesRef], Workflow | None] = context.index(job).resolve

    def build() -> JobClass:
        return classify_job(job, cfg, resolve)

    return context.cache.memo_on(job, build, ("deploys.job_class", id(cfg)))


def explain_job(job: Job, context: Context) -> str:
    """How the classifier read the job and the jobs it needs (``@policy(detail=...)``: printed
    under a failing deploy-discipline item with ``-v``)."""
    parts = [job_class(job, context).explain()]
    for dep in sorted(job.needs_closure):
        other = job.workflow.jobs.get(dep)
        if other is not None:
            parts.append("needs " + job_class(other, context).explain())
    return "\n".join(parts)


def is_deploy(job: Job, context: Context) -> bool:
    return job_class(job, context).is_deploy


def environment_gated(job: Job, context: Context) -> bool:
    """An environment on the job, or on every deploy job of the local workflow it calls
    (a caller cannot carry one): where approvals and deployment-branch rules apply."""
    if job.environment is not None:
        return True
    callee = callee_of(job, context)
    if callee is None:
        return False
    deploys = [j for j in callee.jobs.values() if is_deploy(j, context)]
    return bool(deploys) and all(j.environment is not None for j in deploys)


def why_deploy(jc: JobClass, limit: int = 2) -> str:
    """Why the job counts as a deploy job, for messages."""
    reasons = list(jc.deploy_reasons[:limit])
    more = len(jc.deploy_reasons) - limit
    if more > 0:
        reasons.append(f"+{more} more")
    return "; ".join(reasons)


CI_EVENTS = ("push", "pull_request", "merge_group")


def publish_step(job: Job) -> str | None:
    """The first step that publishes a release artifact, described; ``None`` if none.
    Release jobs publish an artifact (the shared release table, ``knowledge.ci.releases``):
    they are neither CI jobs (no CI timeout bound) nor, unless the classifier says so,
    deploy jobs."""
    found = job_publish(job)
    return found.label if found is not None else None


def _push_side(trigger: Trigger) -> tuple[bool, bool]:
    """(branch pushes trigger, tag pushes trigger) for a ``push`` trigger."""
    cfg = trigger.config
    has_b = "branches" in cfg or "branches-ignore" in cfg
    has_t = "tags" in cfg or "tags-ignore" in cfg
    return has_b or not has_t, has_t or not has_b


def release_workflow(wf: Workflow) -> bool:
    """Run by a release, or by tag pushes only."""
    push = wf.on.get("push")
    tags_only = push is not None and not _push_side(push)[0]
    return "release" in wf.on or tags_only


def ci_trigger(wf: Workflow) -> str | None:
    """The first CI event (push of branches, pull_request, merge_group) that runs the workflow."""
    for event in CI_EVENTS:
        trig = wf.on.get(event)
        if trig is None or (event == "push" and not _push_side(trig)[0]):
            continue
        return event
    return None
