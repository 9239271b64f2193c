"""GL-012: a push to a branch with an open merge request does not run a job twice, once in
a branch pipeline and once in a merge request pipeline.

A job duplicates when its ``rules:`` admit both a merge request pipeline
(``$CI_PIPELINE_SOURCE == "merge_request_event"``) and a push pipeline for a feature branch
(a rule with no ``if``, ``if: $CI_COMMIT_BRANCH``, ``$CI_PIPELINE_SOURCE == "push"``,
``when: always``...), and ``workflow: rules:`` keep both pipelines. Rules are read in order
per pipeline kind (``knowledge.ci.gl_rules``): ``$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS``
→ ``when: never`` removes the push pipeline; rules that admit only ``main``, tags or the
default branch never see a merge request's source branch. Peer: checkov CKV_GITLABCI_2
(which counts ``merge_request_event``/``push`` rules in one job).

Decisions where the catalog is silent (precision first):

* A job is flagged only when both answers are certain. A condition the file cannot decide
  (a commit message, a project variable, a regex over the branch name) makes the item
  UNKNOWN when no job is certain to duplicate; workflow rules that cannot be decided make
  certain duplicates UNKNOWN too.
* Jobs with ``only``/``except`` (or neither: GitLab's default ``only: [branches, tags]``)
  never run in merge request pipelines unless they name ``merge_requests``, so they do not
  duplicate. A pipeline that mixes such jobs with merge-request-only jobs runs two pipelines
  but each job once: not flagged.
* GitLab's ``Workflows/MergeRequest-Pipelines`` and ``Workflows/Branch-Pipelines``
  templates set deduplicating workflow rules. Without ``workflow: rules:`` in the read files,
  includes the checker cannot read (project, remote, other templates, components) may set
  them: UNKNOWN.
* Only the project's CI configuration (``gl.ci_config_path``) gets an item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.config import Include
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob, Pipeline, Rule
from pytest_devops_policy.knowledge.ci.gl_rules import (
    BRANCH_PUSH,
    MERGE_REQUEST,
    Scenario,
    Verdict,
    legacy_runs,
    rules_run,
)
from pytest_devops_policy.options.gitlab_ci import GitLabOptions

_WORKFLOW_TEMPLATE = re.compile(
    r"(?i)^workflows/(?:mergerequest|branch)-pipelines(?:\.latest)?\.gitlab-ci\.ya?ml$"
)


@dataclass(frozen=True)
class _Reading:
    job: GitLabJob
    mr: Verdict
    push: Verdict


def _applies(gl_pipeline: Pipeline, context: Context) -> bool:
    """The project's CI configuration only (``gl.ci_config_path``)."""
    return gl_pipeline.source.relpath == context.options(GitLabOptions).ci_config_path


def _read(job: GitLabJob, mr: Scenario, push: Scenario) -> _Reading:
    if "rules" in job.raw:
        return _Reading(
            job, rules_run(job.rules, mr, job.when), rules_run(job.rules, push, job.when)
        )
    return _Reading(
        job,
        Verdict(legacy_runs(job.only, job.except_, mr)),
        Verdict(legacy_runs(job.only, job.except_, push)),
    )


def _unread(inc: Include) -> bool:
    if inc.kind == "template":
        return not _WORKFLOW_TEMPLATE.match(inc.target)
    return inc.kind in ("project", "remote", "component") or inc.problem is not None


def _rule_text(rule: Rule | None) -> str:
    if rule is None:
        return "its only/except"
    cond = f"if: {rule.if_}" if rule.if_ is not None else "no if"
    when = f", when: {rule.when}" if rule.when else ""
    return f"rules[{rule.index}] ({cond}{when})"


def _where(job: GitLabJob, rule: Rule | None, pipeline: Pipeline) -> tuple[int | None, str]:
    """(the line in this file to point at, or None; a note when the rule is elsewhere)."""
    path: tuple[PathPart, ...] = ("rules", rule.index) if rule is not None else ()
    if rule is None and "only" in job.raw:
        path = ("only",)
    origin = job.origin(path)
    if origin is None:
        return None, ""
    if origin.file != pipeline.source.relpath:
        own = job.origin(())
        line = own.line if own is not None and own.file == pipeline.source.relpath else None
        return line, f" (written at {origin})"
    return origin.line, ""


@policy(
    id="GL-012",
    name="no-duplicate-pipelines",
    title="Jobs do not run in both branch and merge request pipelines",
    severity=Severity.LOW,
    rationale=(
        "A job whose rules admit both merge request pipelines and branch pipelines runs "
        "twice for every push to a branch with an open merge request: once in the branch "
        "pipeline, once in the merge request pipeline. That doubles CI time and runner cost, "
        "and two pipelines report status for the same commit (a deploy or publish job can "
        "even run twice)."
    ),
    remediation=(
        "Add workflow: rules: that keep one pipeline per push, e.g. "
        "'- if: $CI_PIPELINE_SOURCE == \"merge_request_event\"', then "
        "'- if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS' with 'when: never', then "
        "'- if: $CI_COMMIT_BRANCH'; or include the Workflows/MergeRequest-Pipelines template; "
        "or give the job rules that admit only one of the two pipeline kinds."
    ),
    controls=("NIST-800-53-SC-5",),
    references=(
        "checkov:CKV_GITLABCI_2",
        "https://docs.gitlab.com/ci/jobs/job_rules/#avoid-duplicate-pipelines",
        "https://docs.gitlab.com/ci/yaml/workflow/#switch-between-branch-pipelines-and-merge-request-pipelines",
    ),
    applies=_applies,
    example=(
        "test:\n"
        "  script:\n"
        "    - pytest -q\n"
        "  rules:\n"
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n'
        '    - if: $CI_PIPELINE_SOURCE == "push"\n'
    ),
    use_instead=(
        "workflow:\n"
        "  rules:\n"
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n'
        "    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS\n"
        "      when: never\n"
        "    - if: $CI_COMMIT_BRANCH\n"
        "test:\n"
        "  script:\n"
        "    - pytest -q\n"
        "  rules:\n"
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n'
        '    - if: $CI_PIPELINE_SOURCE == "push"\n'
    ),
)
def no_duplicate_pipelines(
    gl_pipeline: Pipeline, context: Context
) -> Iterator[Violation | Unknown]:
    mr = MERGE_REQUEST.with_user(gl_pipeline.variables)
    push = BRANCH_PUSH.with_user(gl_pipeline.variables)
    workflow_note = ""
    if gl_pipeline.workflow_rules:
        wf_mr = rules_run(gl_pipeline.workflow_rules, mr, "always")
        wf_push = rules_run(gl_pipeline.workflow_rules, push, "always")
        if wf_mr.runs is False or wf_push.runs is False:
            return  # the workflow keeps at most one of the two pipelines
        if wf_mr.runs is None or wf_push.runs is None:
            workflow_note = "workflow: rules: whose conditions cannot be decided here"
    elif any(
        i.kind == "template" and _WORKFLOW_TEMPLATE.match(i.target) for i in gl_pipeline.includes
    ):
        return
    else:
        unread = [i for i in gl_pipeline.includes if _unread(i)]
        if unread:
            shown = ", ".join(f"{i.kind} {i.target}" for i in unread[:3])
            workflow_note = f"included files not read ({shown}), which may set workflow: rules:"

    readings = [_read(job, mr, push) for job in gl_pipeline.jobs.values()]
    certain = [r for r in readings if r.mr.runs is True and r.push.runs is True]
    maybe = [r for r in readings if r.mr.runs is not False and r.push.runs is not False]
    if not certain:
        if maybe:
            names = ", ".join(f"'{r.job.name}'" for r in maybe[:5])
            yield Unknown(
                f"whether job(s) {names} run in both the branch pipeline and the merge "
                "request pipeline of a push depends on conditions the file cannot decide"
            )
        return
    if workflow_note:
        names = ", ".join(f"'{r.job.name}'" for r in certain[:5])
        yield Unknown(
            f"job(s) {names} run in both branch and merge request pipelines, but the pipeline "
            f"has {workflow_note}"
        )
        return
    why = (
        "workflow: rules: keep both pipelines"
        if gl_pipeline.workflow_rules
        else "there are no workflow: rules:"
    )
    for r in certain:
        line, note = _where(r.job, r.push.rule or r.mr.rule, gl_pipeline)
        same = r.mr.rule == r.push.rule
        admits = (
            f"{_rule_text(r.mr.rule)} admits both"
            if same
            else f"{_rule_text(r.mr.rule)} admits the merge request pipeline and "
            f"{_rule_text(r.push.rule)} the branch pipeline"
        )
        yield Violation(
            f"job '{r.job.name}' runs twice for every push to a branch with an open merge "
            f"request: {admits}{note}, and {why}. Add workflow: rules: that drop branch "
            "pipelines when a merge request is open ('- if: $CI_COMMIT_BRANCH && "
            "$CI_OPEN_MERGE_REQUESTS' with 'when: never'), or restrict the job's rules to one "
            "pipeline kind",
            line=line,
        )
