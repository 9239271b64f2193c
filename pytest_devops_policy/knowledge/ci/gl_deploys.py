"""The GitLab side of ``knowledge.ci.deploys``: the one ``gl_job_class`` every GitLab
deploy-discipline policy (GL-001, 002, 004, 005, 013) asks, so a job is classified the
same way everywhere.

The GitLab options carry no classifier knobs yet, so the classifier runs with the catalog
defaults (``ClassifierConfig.from_settings({})``, the defaults of the ``gha.*`` knobs):
one idea of "deploy job", "test job" and "rollback" for both CI systems.
"""

from __future__ import annotations

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.config import ClassifierConfig
from pytest_devops_policy.knowledge.ci.gitlab import classify_gl_job
from pytest_devops_policy.knowledge.ci.jobs import JobClass

__all__ = ["explain_gl_job", "gl_classifier_config", "gl_job_class", "stage_order"]


def gl_classifier_config(context: Context | None = None) -> ClassifierConfig:
    return ClassifierConfig.from_settings({})


def gl_job_class(job: GitLabJob, context: Context) -> JobClass:
    """The job's classification, memoised per job and classifier config."""
    cfg = gl_classifier_config(context)
    return context.cache.memo_on(
        job, lambda: classify_gl_job(job, cfg), ("gl_deploys.job_class", id(cfg))
    )


def explain_gl_job(job: GitLabJob, context: Context) -> str:
    """How the classifier read the job (``@policy(detail=...)``, printed with ``-v``)."""
    return gl_job_class(job, context).explain()


def stage_order(job: GitLabJob) -> int | None:
    """The job's stage position in its pipeline (``None``: a stage the pipeline lacks)."""
    return job.pipeline.stage_index(job.stage)
