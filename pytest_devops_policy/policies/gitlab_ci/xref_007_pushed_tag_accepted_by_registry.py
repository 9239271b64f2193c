"""XREF-007 on GitLab CI jobs: a job does not push a run-invariant tag to a registry with
immutable tags.

The GitLab anchor of ``policies/github_actions/xref_007_pushed_tag_accepted_by_registry.py``
(one policy, ``api.also_anchored``): the job's pushed tags (``knowledge.xref.gl_pushes``:
``docker push``, kaniko ``--destination``, ``--push`` builds, ``$VAR`` read through the
file's ``variables:``) and what runs it (``rules:``/``only:`` read for branch and tag
pipelines) go to the CI-neutral ``knowledge.xref.registry_tags.judge_tags``.
``$CI_COMMIT_REF_NAME``/``_SLUG``/``$CI_COMMIT_BRANCH`` fail only when a branch push surely
runs the job; a tag-only job pushes a new tag each time; anything else is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Unknown, Violation, also_anchored
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.indexes.xref_terraform import xref_terraform
from pytest_devops_policy.knowledge.xref.events import PushEvent
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.knowledge.xref.gl_pushes import pushed_tags, run_shape
from pytest_devops_policy.knowledge.xref.registry_tags import judge_tags
from pytest_devops_policy.options.xref import XrefOptions
from pytest_devops_policy.policies.github_actions.xref_007_pushed_tag_accepted_by_registry import (
    pushed_tag_accepted_by_registry,
    tag_verdicts,
)

_GL_UNIQUE = "$CI_COMMIT_SHA, $CI_PIPELINE_ID, or $CI_COMMIT_TAG in a job only tag pipelines run"


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    # The job side first: Terraform is read only for jobs that push.
    if gl_job.trigger is not None:
        return False
    if not any(isinstance(e, PushEvent) for e in gitlab_job_events(gl_job)):
        return False
    facts = xref_terraform(context.cache)
    return bool(facts.ecr or facts.gar)


@also_anchored(pushed_tag_accepted_by_registry, applies=_applies)
def pushed_tag_accepted_by_registry_gitlab(
    gl_job: GitLabJob, context: Context
) -> Iterator[Violation | Unknown]:
    facts = xref_terraform(context.cache)
    shape = run_shape(gl_job)
    pushed = pushed_tags(gl_job, gitlab_job_events(gl_job), shape)
    unique = context.options(XrefOptions).run_unique_tokens
    findings = judge_tags(pushed, facts, shape, unique)
    yield from tag_verdicts(findings, _GL_UNIQUE)
