"""GHA-016: every deploy job has a rollback path (in-job step, rollback job, or built-in)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import BinOp, Call
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.knowledge.ci.classify import JobClass, shell_rollback
from pytest_devops_policy.knowledge.ci.conditions import (
    FAILED,
    SUCCEEDED,
    UNKNOWN,
    condition_node,
    condition_outcome,
)
from pytest_devops_policy.knowledge.ci.deploys import (
    classifier_config,
    explain_job,
    job_class,
    why_deploy,
)
from pytest_devops_policy.knowledge.ci.rollback import deploys_only_to_ecs, rollback_near_misses

# A reusable workflow called as the rollback job: judged by its file name.
_ROLLBACK_NAME = re.compile(r"(?i)roll-?back|revert|undo")


def _applies(job: Job, context: Context) -> bool:
    # Deploy jobs only, by the configured classifier; terraform-apply jobs roll back
    # by revert and re-apply, so the catalog makes them N/A.
    jc = job_class(job, context)
    return jc.is_deploy and not jc.terraform_only


# The YAML a finding proposes, by the deploy step's family (catalog GHA-016 (a) and (c)).
_ROLLBACK_FIX = {
    "kubectl": "- if: failure()\n  run: kubectl rollout undo deployment/<name>",
    "helm": "add --atomic (Helm 3) or --rollback-on-failure (Helm 4) to the helm upgrade",
    "argocd": "- if: failure()\n  run: argocd app rollback <app>",
    "gcloud": (
        "- if: failure()\n  run: gcloud run services update-traffic <service> "
        "--to-revisions=<previous revision>=100"
    ),
    "az": (
        "- if: failure()  # with the deploy going to a 'staging' slot that is then swapped in\n"
        "  run: az webapp deployment slot swap -g <group> -n <app> --slot staging"
    ),
    "vercel": "- if: failure()\n  run: vercel rollback",
    "cloudformation": "drop --disable-rollback (CloudFormation then rolls a failed update back)",
}
_GENERIC_FIX = "- if: failure()\n  run: <redeploy the previous version>"


def _fix(jc: JobClass) -> str:
    """The rollback to add after the last deploy step, as YAML where it is a step."""
    last = max(jc.deploy_steps, key=lambda h: h.index, default=None)
    if last is None:
        return f"add a step that rolls the deploy back on failure:\n{_GENERIC_FIX}"
    fix = _ROLLBACK_FIX.get(last.family, _GENERIC_FIX)
    if fix.startswith("- "):
        return f"add after {last.label}:\n{fix}"
    return fix


def _truthy_setting(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _runs_only_on_failure(
    condition: str | None, failed: Any, succeeded: Any, functions: Any
) -> bool:
    """The condition can hold when the deploy failed and cannot hold when everything succeeded."""
    return (
        condition_outcome(condition, failed, functions) is not False
        and condition_outcome(condition, succeeded, SUCCEEDED) is False
    )


def _step_condition_ok(job: Job, jc: JobClass, condition: str | None) -> bool:
    """A step ``if:`` that runs after the deploy (or a later check) failed, and only then."""
    first = min((h.index for h in jc.deploy_steps), default=0)
    watched = {s.id.lower(): s for s in job.steps[first:] if s.id}
    tolerant = bool(jc.deploy_steps) and all(
        _truthy_setting(job.steps[h.index].continue_on_error) for h in jc.deploy_steps
    )

    def failed(path: tuple[str, ...]) -> Any:
        if len(path) == 3 and path[0] == "steps" and path[2] in ("outcome", "conclusion"):
            step = watched.get(path[1])
            if step is None:
                return UNKNOWN
            # continue-on-error turns a failed outcome into a successful conclusion.
            if path[2] == "conclusion" and _truthy_setting(step.continue_on_error):
                return "success"
            return "failure"
        if path == ("job", "status"):
            return "success" if tolerant else "failure"
        return UNKNOWN

    def succeeded(path: tuple[str, ...]) -> Any:
        if len(path) == 3 and path[0] == "steps" and path[2] in ("outcome", "conclusion"):
            return "success"
        if path == ("job", "status"):
            return "success"
        return UNKNOWN

    functions = SUCCEEDED if tolerant else FAILED
    return _runs_only_on_failure(condition, failed, succeeded, functions)


def _job_condition_ok(deploy_id: str, condition: str | None, direct: bool = True) -> bool:
    """A job ``if:`` that runs when ``deploy_id`` failed, and not when it succeeded.

    The ``needs`` context only holds direct dependencies; for a job further down
    the graph ``needs.<deploy_id>`` is null, so only status functions can help.
    """
    me = deploy_id.lower()

    def failed(path: tuple[str, ...]) -> Any:
        if path[:2] == ("needs", me):
            return ("failure" if path[2:] == ("result",) else UNKNOWN) if direct else None
        return UNKNOWN

    def succeeded(path: tuple[str, ...]) -> Any:
        if path[:2] == ("needs", me) and not direct:
            return None
        if len(path) == 3 and path[0] == "needs" and path[2] == "result":
            return "success"
        return UNKNOWN

    return _runs_only_on_failure(condition, failed, succeeded, FAILED)


def _rollback_job(job: Job, context: Context, notes: list[str]) -> str | None:
    """(b): a later job that needs this one, runs on its failure, and rolls back."""
    for other in job.workflow.dependents(job.id, transitive=True):
        direct = job.id in other.needs
        rollback = job_class(other, context).rollback_steps
        what = rollback[0].describe("rollback command") if rollback else None
        if other.uses is not None and _ROLLBACK_NAME.search(other.uses.file_stem):
            what = f"calls '{other.uses.raw}'"
        if what is None:
            continue
        if _job_condition_ok(job.id, other.if_, direct):
            return f"{other.display} {what} when '{job.id}' fails"
        notes.append(
            f"{other.display} rolls back but its if: ({other.if_ or 'none, so success()'}) "
            f"does not make it run when '{job.id}' fails"
        )
    return None


def _in_job(job: Job, jc: JobClass, settings: Any, notes: list[str]) -> str | None:
    """(a): a rollback step gated on failure, or a failure branch inside a script."""
    first = min((h.index for h in jc.deploy_steps), default=-1)
    for hit in jc.rollback_steps:
        step = job.steps[hit.index]
        if hit.index < first:
            notes.append(f"{hit.label} rolls back before the first deploy step")
            continue
        if _step_condition_ok(job, jc, step.if_):
            return hit.describe("rollback command") + f" with if: {step.if_}"
        hint = ""
        node = condition_node(step.if_)
        if step.if_ and isinstance(node, BinOp) and node.left == Call("success", ()):
            hint = " (with no status function GitHub adds 'success() &&'; add failure())"
        notes.append(
            f"{hit.label} runs '{hit.what}' but its if: ({step.if_ or 'none, so success()'}) "
            f"does not make it run when the deploy fails{hint}"
        )
    for step in job.steps:
        if step.run:
            why = shell_rollback(step.run, settings)
            if why is not None:
                return f"{step.label}: {why}"
    return None


@policy(
    id="GHA-016",
    name="deploy-has-rollback",
    title="Deploy jobs have a rollback path",
    severity=Severity.HIGH,
    rationale=(
        "A deploy that fails half-way leaves production on a broken or mixed "
        "version. Without an automated way back, recovery becomes a manual, "
        "stressful fix-forward at the worst moment."
    ),
    remediation=(
        "Add a rollback that runs on failure: a step with 'if: failure()' running "
        "'kubectl rollout undo' / 'helm rollback', a rollback job that 'needs' the "
        "deploy job with 'if: failure()', or a deploy command that rolls back by "
        "itself ('helm upgrade --atomic', CloudFormation without --disable-rollback)."
    ),
    controls=("NIST-800-53-CP-10", "NIST-800-53-CM-3"),
    # No peer tool checks this (catalog §7.1); cite the behaviour the policy relies on.
    references=(
        "https://docs.github.com/en/actions/learn-github-actions/expressions#status-check-functions",
        "https://helm.sh/docs/helm/helm_upgrade/",
        "https://docs.aws.amazon.com/cli/latest/reference/cloudformation/deploy/index.html",
    ),
    applies=_applies,
    example=(
        "on: push\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "on: push\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - id: apply\n"
        "        run: kubectl apply -f k8s/ && kubectl rollout status deploy/web --timeout=5m\n"
        "      - if: failure()\n"
        "        run: kubectl rollout undo deploy/web\n"
    ),
    detail=explain_job,
)
def deploy_has_rollback(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    settings = classifier_config(context)
    jc = job_class(job, context)
    if not jc.is_deploy or jc.terraform_only:
        return
    notes: list[str] = []
    if _rollback_job(job, context, notes):
        return
    if job.uses is not None:
        if job.uses.is_local:
            return  # the called workflow's own jobs are judged in its file
        yield Unknown(
            f"{job.display} deploys through the remote reusable workflow "
            f"'{job.uses.raw}'; its rollback path is defined there"
        )
        return
    # This job may itself be another job's rollback (runs on its failure, rolls back).
    if jc.rollback_steps and any(_job_condition_ok(dep, job.if_) for dep in job.needs):
        return
    if _in_job(job, jc, settings, notes):
        return
    if jc.auto_rollback:
        return
    notes.extend(rollback_near_misses(jc))
    if deploys_only_to_ecs(jc):
        yield Unknown(
            f"{job.display} deploys to ECS; whether a failed deployment rolls back depends on "
            "the service's deployment circuit breaker (rollback = true, see TF-021), which "
            "is not in the workflow"
        )
        return
    examples = ", ".join(p.label for p in settings.rollback_commands[:3])
    why = why_deploy(jc)
    message = (
        f"deploy job '{job.id}' has no rollback path ({why}). Looked for: (a) a later step "
        f"with if: failure() running a rollback ({examples}, ...), or 'deploy || rollback' "
        f"in a script; (b) a job that needs '{job.id}' with if: failure() (or "
        f"needs.{job.id}.result == 'failure') that rolls back; (c) a deploy that rolls back "
        "by itself (helm --atomic / --rollback-on-failure; aws cloudformation deploy or sam "
        "deploy without --disable-rollback; actions/deploy-pages)"
    )
    if notes:
        message += ". Near misses: " + "; ".join(notes)
    message += f". Fix: {_fix(jc)}"
    yield Violation(message, path=())
