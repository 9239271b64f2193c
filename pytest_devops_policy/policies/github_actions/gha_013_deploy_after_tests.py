"""GHA-013: every deploy job runs only after tests passed.

A deploy job passes when a job it needs (directly or transitively) runs tests and a failure
there keeps the deploy from running; test steps before the first deploy step of the job
itself count too (a failing step stops the job). A needed test job does not count when the
deploy job's ``if:`` can run after it failed (``always()``, ``!cancelled()``, ``failure()``,
``success() || failure()``, evaluated, not pattern-matched), when it has
``continue-on-error: true``, or when all its test steps do (or hide their failure with
``|| true``). Alternatives: ``on: workflow_run`` of a repository workflow with test jobs plus
an ``if:`` on ``github.event.workflow_run.conclusion`` (on the job or a job it needs); and,
with ``gha.assume_required_checks``, a workflow that only runs on push to the default
branches or on tags (branch protection made CI pass before the merge).

Reusable workflows: a caller job's ``needs`` gate every job of the called workflow, since
the whole called workflow starts only when the caller job does. A caller is judged for
the called workflow's deploy jobs (naming them); a job of a workflow that is only
``on: workflow_call`` passes in its own file when a caller in the repository is judged
instead, and is UNKNOWN when none is. A remote callee with no test job before the caller
is UNKNOWN: it may test before it deploys.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.workflow_gates import (
    TEST,
    Gate,
    classifier,
    describe_deploy,
    is_deploy,
    job_class,
    judge_gates,
    pushes_protected_refs_only,
    unneeded_gates,
    upstream_collector,
    where,
    workflow_run_gate,
)
from pytest_devops_policy.options import GhaOptions


def _applies(job: Job, context: Context) -> bool:
    return is_deploy(job, context)


def _any(gates: Sequence[Gate]) -> bool:
    return bool(gates)


def _alternatives(job: Job, context: Context, notes: list[str]) -> list[Gate]:
    if job.workflow.only_reusable:
        return []  # the caller's event decides, not this file's triggers
    gate, why = workflow_run_gate(job, context, TEST)
    notes += why
    if gate is not None:
        return [gate]
    wf = job.workflow
    if context.options(GhaOptions).assume_required_checks and pushes_protected_refs_only(
        wf, classifier(context)
    ):
        return [
            Gate(
                "the workflow only runs on push to protected branches or tags, and "
                "gha.assume_required_checks says branch protection requires CI"
            )
        ]
    return []


@policy(
    id="GHA-013",
    name="deploy-after-tests",
    title="Deploy jobs run only after tests passed",
    severity=Severity.HIGH,
    rationale=(
        "A deploy that does not wait for the tests ships whatever was pushed, including the "
        "commit that breaks production; a test job that may fail without stopping the deploy "
        "(always(), continue-on-error) is the same thing with more noise."
    ),
    remediation=(
        "Make the deploy job need the test job (needs: [test]) and keep its if: free of "
        "always(), !cancelled() and failure(); no continue-on-error on the test job. Or deploy "
        "from on: workflow_run of the CI workflow with if: "
        "github.event.workflow_run.conclusion == 'success'."
    ),
    controls=("NIST-800-53-SA-11", "NIST-800-53-CM-3", "SLSA-Build-L2", "CIS-SSCS-1.3"),
    references=(
        "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idneeds",
        "https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#workflow_run",
        "scorecard:CI-Tests",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: pytest\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: pytest\n"
        "  deploy:\n"
        "    needs: [test]\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
)
def deploy_after_tests(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    notes: list[str] = []
    alternatives = _alternatives(job, context, notes)
    verdict = judge_gates(job, context, upstream_collector(context, TEST), _any, alternatives)
    if verdict.unknown is not None:
        yield Unknown(f"{job.display} deploys, but {verdict.unknown}; no job it needs runs tests")
        return
    if not verdict.failing:
        return
    jc = job_class(job, context)
    cfg = classifier(context)
    examples = ", ".join(p.label for p in cfg.test_commands[:6])
    for leaf in verdict.failing:
        target = "" if leaf.job is job else f" for the called {where(leaf.job)}"
        message = (
            f"deploy {job.display} does not run after tests{target} "
            f"({describe_deploy(jc)}). No test job gates it: looked for a job it needs "
            f"(directly or transitively) that runs tests ({examples}, ...) or whose id names "
            "tests, and for test steps before its first deploy step"
        )
        spare = [j.id for j in unneeded_gates(job, context, TEST)]
        if spare:
            message += f". Test job(s) {', '.join(spare)} run beside it: add needs: [{spare[0]}]"
        elif "workflow_run" in job.workflow.on:
            message += (
                ". Add if: github.event.workflow_run.conclusion == 'success' to the job, "
                "triggered by the workflow that runs the tests"
            )
        else:
            message += (
                ". Add a test job and make this one need it: 'test:' with 'runs-on' and a step "
                f"running the tests, then 'needs: [test]' on '{job.id}'"
            )
        near = list(dict.fromkeys([*notes, *leaf.notes]))
        if near:
            message += ". Near misses: " + "; ".join(near)
        yield Violation(message, path=("uses",) if job.uses is not None else ())
