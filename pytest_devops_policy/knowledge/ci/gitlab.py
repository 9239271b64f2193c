"""The GitLab CI adapter of the shared job classifier (catalog §4.1, §3.3).

One idea of "deploy job", "test job" and "rollback" for both CI systems: a GitLab job's
``before_script``, ``script`` and ``after_script`` become the classifier's steps (one per
section, so a finding names the section), its ``environment:`` the environment. §4.1 adds
one GitLab rule: a job in a stage named like a deployment (``deploy``, ``prod``...) is a
deploy job even when its commands are not recognised. A stage named only ``release`` or
``publish`` makes a release job instead (GitHub's rule for the word alone: signing,
announcements and uploads deploy nothing), and a job that stops or prepares an environment
deploys nothing whatever its stage.
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
# A stage named only for releasing (``release``, ``publish``) holds release jobs, as the word
# alone does for GitHub jobs: announcements, signing, package uploads deploy nothing.
RELEASE_STAGE = re.compile(r"(?i)^(?!.*(?:deploy|prod)).*(?:release|publish)")
# Environment actions that deploy nothing (GitLab's ``environment:action``).
_NON_DEPLOY_ACTIONS = ("stop", "prepare", "access", "verify")
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
    if found.is_deploy or not DEPLOY_STAGE.search(job.stage) or not (job.script or job.trigger):
        return found
    env = job.environment
    if env is not None and env.action in _NON_DEPLOY_ACTIONS:
        return found  # stops or prepares an environment: nothing is deployed
    if RELEASE_STAGE.search(job.stage):
        reason = f"its stage '{job.stage}' names a release"
        return dataclasses.replace(found, release_reasons=(*found.release_reasons, reason))
    reason = f"its stage '{job.stage}' names a deployment (catalog §4.1)"
    return dataclasses.replace(found, deploy_reasons=(reason,))
