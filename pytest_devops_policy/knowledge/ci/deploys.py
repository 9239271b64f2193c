"""The job classifier with the repository at hand: callers of local reusable workflows are
judged by the callee's jobs (catalog §3.3 (e), §3.2-4).

``classify_job`` without a resolver falls back to the callee's file name; policies that
have a ``Context`` use ``job_class`` so ``uses: ./.github/workflows/deploy.yml`` is a
deploy job exactly when that file's jobs deploy. Shared by GHA-018, 019, 021, 024, 025.
"""

from __future__ import annotations

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.triggers import Trigger
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
    "job_class",
    "publish_step",
    "release_workflow",
    "why_deploy",
]


def classifier_config(context: Context) -> ClassifierConfig:
    return ClassifierConfig.from_options(context.options(GhaOptions))


def callee_of(job: Job, context: Context) -> Workflow | None:
    """The local reusable workflow a caller job runs (``None``: not a caller, remote, missing)."""
    if job.uses is None or job.uses.kind != "local-workflow":
        return None
    found: Workflow | None = context.index(job).resolve(job.uses)
    return found


def job_class(job: Job, context: Context) -> JobClass:
    """The job's classification; a local caller is resolved through the workflow index."""
    cfg = classifier_config(context)
    if job.uses is None or job.uses.kind != "local-workflow":
        return classify_job(job, cfg)
    index = context.index(job)

    def build() -> JobClass:
        return classify_job(job, cfg, index.resolve)

    return context.cache.memo_on(job, build, ("deploys.job_class", id(cfg)))


def why_deploy(jc: JobClass, limit: int = 2) -> str:
    """Why the job counts as a deploy job, for messages."""
    reasons = list(jc.deploy_reasons[:limit])
    if len(jc.deploy_reasons) > limit:
        reasons.append("...")
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
