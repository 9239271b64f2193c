"""The GitLab CI adapter of the shared job classifier (catalog §4.1, §3.3).

One idea of "deploy job", "test job" and "rollback" for both CI systems: a GitLab job's
``before_script``, ``script`` and ``after_script`` become the classifier's steps (one per
section, so a finding names the section), its ``environment:`` the environment. §4.1 adds
one GitLab rule: a job in a stage named like a deployment (``deploy``, ``release``,
``prod``...) is a deploy job even when its commands are not recognised.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.config import ClassifierConfig, config_of
from pytest_devops_policy.knowledge.ci.jobs import JobClass, JobFacts, StepFacts, classify

__all__ = ["DEPLOY_STAGE", "classify_gl_job", "gl_job_facts"]

DEPLOY_STAGE = re.compile(r"(?i)deploy|release|prod")
_SECTIONS = ("before_script", "script", "after_script")


def gl_job_facts(job: GitLabJob) -> JobFacts:
    steps: list[StepFacts] = []
    for section in _SECTIONS:
        lines: list[str] = getattr(job, section)
        if lines:
            steps.append(StepFacts(index=len(steps), label=section, run="\n".join(lines)))
    env = job.environment
    stop = env is not None and env.action == "stop"  # tears an environment down
    return JobFacts(
        id=job.name,
        name=job.name,
        environment=env.name if env is not None and env.name and not stop else None,
        environment_dynamic=bool(env and env.dynamic),
        environment_url=env.url if env is not None else None,
        steps=tuple(steps),
        workflow_name=None,
    )


def classify_gl_job(
    job: GitLabJob, settings: Mapping[str, Any] | ClassifierConfig | None = None
) -> JobClass:
    """The job's classification, with the stage rule of §4.1 added to its reasons."""
    cfg = config_of(settings)
    found = classify(gl_job_facts(job), cfg)
    if not found.is_deploy and DEPLOY_STAGE.search(job.stage) and (job.script or job.trigger):
        reason = f"its stage '{job.stage}' names a deployment (catalog §4.1)"
        found = dataclasses.replace(found, deploy_reasons=(reason,))
    return found
