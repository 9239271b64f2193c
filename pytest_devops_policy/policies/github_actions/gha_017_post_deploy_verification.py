"""GHA-017: a deploy is checked after it happens (rollout status, a health check, smoke tests).

After the job's LAST deploy step there must be a verification step (classifier
``verify_steps``): later in the same job, in the same step after the deploy command
(``helm upgrade --wait`` on the deploy command itself counts), or in a job that needs the
deploy job (directly or transitively) and runs when it succeeded. A verification before the
deploy, one that only runs on failure, or one with ``continue-on-error: true`` does not
count. A job that deploys only by its name or environment (no recognised deploy step) passes
with a verification step anywhere in it. ``terraform``/``tofu apply`` jobs are N/A, as for
GHA-016: apply waits for the provider to report each resource created and fails the job
otherwise, and the catalog's verification forms (rollout status, health URLs, smoke tests)
are about the application a later deploy step ships.

Reusable workflows are followed as for GHA-013: jobs that need the caller job verify every
deploy job of the called workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.indexes.workflow_gates import (
    Gate,
    callee_of,
    classifier,
    describe_deploy,
    job_class,
    judge_gates,
    runs_on_success,
    truthy_setting,
    where,
)
from pytest_devops_policy.knowledge.ci.classify import JobClass, StepHit, command_segments
from pytest_devops_policy.knowledge.ci.conditions import UNKNOWN
from pytest_devops_policy.knowledge.ci.deploys import explain_job
from pytest_devops_policy.knowledge.ci.segments import Segment


def _applies(job: Job, context: Context) -> bool:
    jc = job_class(job, context)
    return jc.is_deploy and not jc.terraform_only


def _segment_index(segments: Sequence[Segment], regexes: Sequence[Any], last: bool) -> int:
    found = [i for i, s in enumerate(segments) if any(r.match(s.text) for r in regexes)]
    if not found:
        return -1
    return found[-1] if last else found[0]


def _verifies_after_in_step(step: Step, context: Context) -> bool:
    """In the deploy step itself: a verification command at or after the last deploy command
    (``helm upgrade --wait`` is both)."""
    if not step.run:
        return False
    cfg = classifier(context)
    segments = command_segments(step.run)
    deploy = _segment_index(segments, [p.regex for p in cfg.deploy_commands], last=True)
    verify = [
        i
        for i, s in enumerate(segments)
        if any(p.regex.match(s.text) for p in cfg.verify_commands)
        and s.next_op != "|"  # `curl -f … | sh` downloads, it does not verify
    ]
    return deploy >= 0 and any(i >= deploy for i in verify)


def _usable(job: Job, hit: StepHit, notes: list[str]) -> bool:
    step = job.steps[hit.index]
    if truthy_setting(step.continue_on_error):
        notes.append(f"{job.display} {hit.label} runs '{hit.what}' with continue-on-error: true")
        return False
    if not runs_on_success(step.if_, lambda _p: UNKNOWN):
        notes.append(f"{job.display} {hit.label} runs '{hit.what}' only on failure")
        return False
    return True


def _in_job(job: Job, jc: JobClass, context: Context, notes: list[str]) -> list[Gate]:
    last = max((h.index for h in jc.deploy_steps), default=None)
    gates: list[Gate] = []
    for hit in jc.verify_steps:
        if last is not None and hit.index < last:
            notes.append(f"{job.display} {hit.label} runs '{hit.what}' before the last deploy step")
            continue
        if (
            last is not None
            and hit.index == last
            and not _verifies_after_in_step(job.steps[last], context)
        ):
            notes.append(f"{job.display} {hit.label} runs '{hit.what}' before its deploy command")
            continue
        if _usable(job, hit, notes):
            gates.append(Gate(f"{job.display}: {hit.describe('verification')}"))
    return gates


def _job_verifies(other: Job, context: Context, notes: list[str], depth: int = 0) -> Gate | None:
    """A verification step anywhere in ``other`` (or in the workflow it calls)."""
    callee = callee_of(other, context)
    if callee is not None and depth < 4:
        for j in callee.jobs.values():
            gate = _job_verifies(j, context, notes, depth + 1)
            if gate is not None:
                return Gate(
                    f"{other.display} calls '{other.uses.raw if other.uses else ''}': " + gate.what
                )
        return None
    for hit in job_class(other, context).verify_steps:
        if _usable(other, hit, notes):
            return Gate(f"{other.display}: {hit.describe('verification')}")
    return None


def _succeeded(deployed: Job, other: Job) -> Callable[[tuple[str, ...]], Any]:
    direct = {d.lower() for d in other.needs}

    def ctx(path: tuple[str, ...]) -> Any:
        if len(path) == 3 and path[0] == "needs" and path[2] == "result":
            return "success" if path[1] in direct else None
        return UNKNOWN

    return ctx


def _downstream(job: Job, context: Context, notes: list[str]) -> list[Gate]:
    gates: list[Gate] = []
    for other in job.workflow.dependents(job.id, transitive=True):
        gate = _job_verifies(other, context, notes)
        if gate is None:
            continue
        if not runs_on_success(other.if_, _succeeded(job, other)):
            notes.append(
                f"{other.display} verifies, but its if: ({other.if_}) skips it "
                f"when {job.display} succeeds"
            )
            continue
        gates.append(gate)
    return gates


def _collector(context: Context) -> Callable[[Job, bool], tuple[list[Gate], list[str]]]:
    def collect(job: Job, leaf: bool) -> tuple[list[Gate], list[str]]:
        notes: list[str] = []
        gates = _downstream(job, context, notes)
        if leaf:
            jc = job_class(job, context)
            if jc.terraform_only:
                gates.append(Gate("terraform apply (GHA-017 does not apply)"))
            else:
                gates += _in_job(job, jc, context, notes)
        return gates, notes

    return collect


def _any(gates: Sequence[Gate]) -> bool:
    return bool(gates)


@policy(
    id="GHA-017",
    name="post-deploy-verification",
    title="Deploys are verified after they happen",
    severity=Severity.MEDIUM,
    rationale=(
        "Most deploy commands return as soon as the platform accepted the change, not when "
        "the new version is up: without a rollout wait, a health check or a smoke test, a "
        "crash-looping release, a bad config or a missing image shows up as a green workflow "
        "and is found by users instead."
    ),
    remediation=(
        "After the last deploy step, wait for the rollout and check the service: kubectl "
        "rollout status deploy/web --timeout=5m (always give a --timeout), helm upgrade "
        "--install --wait, aws ecs wait services-stable, curl --fail https://…/healthz, or "
        "smoke tests (npm run smoke, pytest -m smoke, k6 run, playwright test), in the same "
        "job or in a job that needs the deploy job."
    ),
    controls=("NIST-800-53-SI-6", "NIST-800-53-CM-3"),
    references=(
        "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_status/",
        "https://helm.sh/docs/helm/helm_upgrade/",
        "https://docs.aws.amazon.com/cli/latest/reference/ecs/wait/services-stable.html",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl set image deploy/web web=registry.example.com/web:${{ github.sha }}\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl set image deploy/web web=registry.example.com/web:${{ github.sha }}\n"
        "      - run: kubectl rollout status deploy/web --timeout=5m\n"
        "  smoke:\n"
        "    needs: deploy\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: curl --fail --retry 5 https://app.example.com/healthz\n"
    ),
    detail=explain_job,
)
def post_deploy_verification(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    verdict = judge_gates(job, context, _collector(context), _any)
    if verdict.unknown is not None:
        yield Unknown(
            f"{job.display} deploys, but {verdict.unknown}; no job that needs it verifies "
            "the deploy"
        )
        return
    cfg = classifier(context)
    examples = ", ".join(p.label for p in cfg.verify_commands[:6])
    jc = job_class(job, context)
    for leaf in verdict.failing:
        target = leaf.job
        ljc = job_class(target, context)
        path: tuple[PathPart, ...] = ()
        if target is not job:
            what = f"the called {where(target)}"
            path = ("uses",)
        elif ljc.deploy_steps:
            last = max(ljc.deploy_steps, key=lambda h: h.index)
            what = f"its last deploy step, {last.describe('deploy')}"
            path = job.steps[last.index].path()
        else:
            what = "it (no deploy step is recognised, so anywhere in the job)"
            path = ("uses",) if job.uses is not None else ()
        message = (
            f"deploy {job.display} ({describe_deploy(jc)}) is not verified: no verification "
            f"step follows {what}. Looked for, later in the same job or in a job "
            f"that needs '{job.id}': {examples}, ..., health-check actions. Add, e.g., "
            "'- run: kubectl rollout status deploy/<name> --timeout=5m' or "
            "'- run: curl --fail --retry 5 https://<host>/healthz' after the deploy"
        )
        near = list(dict.fromkeys(leaf.notes))
        if near:
            message += ". Near misses: " + "; ".join(near)
        yield Violation(message, path=path)
