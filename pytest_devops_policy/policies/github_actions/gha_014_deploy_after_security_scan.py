"""GHA-014: every deploy job runs only after a security scan passed.

A deploy job passes when a job it needs (directly or transitively) has a security-scan step
(catalog §3.3), or the job runs a scan step before its first deploy step. The gate must
hold as it does for tests (GHA-013): a deploy ``if:`` that runs after the scan job failed,
``continue-on-error: true`` on the scan job or on all its scan steps, or ``scan || true``
do not count. ``gha.required_scan_kinds`` (sast, deps, image, iac, secrets) demands those
categories across every scan that gates the job. ``on: workflow_run`` of a repository
workflow that scans, with a guard on ``github.event.workflow_run.conclusion``, counts as for
GHA-013. Reusable workflows are followed as for GHA-013.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.workflow_gates import (
    SCAN,
    Gate,
    describe_deploy,
    is_deploy,
    job_class,
    judge_gates,
    unneeded_gates,
    upstream_collector,
    where,
    workflow_run_gate,
)
from pytest_devops_policy.options import GhaOptions


def _applies(job: Job, context: Context) -> bool:
    return is_deploy(job, context)


def _covered(gates: Sequence[Gate]) -> frozenset[str]:
    return frozenset(c for g in gates for c in g.categories)


@policy(
    id="GHA-014",
    name="deploy-after-security-scan",
    title="Deploy jobs run only after a security scan passed",
    severity=Severity.HIGH,
    rationale=(
        "A deploy that does not wait for a security scan ships known-vulnerable dependencies, "
        "images with critical CVEs, leaked secrets or insecure infrastructure straight to "
        "production; a scan that cannot stop the deploy only documents the problem."
    ),
    remediation=(
        "Run a scan (trivy, grype, pip-audit, npm audit, semgrep, CodeQL, gitleaks, checkov, "
        "...) in a job the deploy job needs (needs: [scan]), or as a step before the first "
        "deploy step, without continue-on-error or '|| true'. Set gha.required_scan_kinds to "
        "demand categories (for example deps and image)."
    ),
    controls=("NIST-800-53-RA-5", "NIST-800-53-SI-2", "CIS-SSCS-2.3", "SLSA-Build-L2"),
    references=(
        "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idneeds",
        "https://github.com/aquasecurity/trivy-action",
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
        "      - run: docker build -t registry.example.com/app:${{ github.sha }} .\n"
        "      - run: kubectl set image deploy/app app=registry.example.com/app:${{ github.sha }}\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  scan:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: trivy fs --exit-code 1 --severity CRITICAL,HIGH .\n"
        "  deploy:\n"
        "    needs: [scan]\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: docker build -t registry.example.com/app:${{ github.sha }} .\n"
        "      - run: trivy image --exit-code 1 registry.example.com/app:${{ github.sha }}\n"
        "      - run: kubectl set image deploy/app app=registry.example.com/app:${{ github.sha }}\n"
    ),
)
def deploy_after_security_scan(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    required = frozenset(context.options(GhaOptions).required_scan_kinds)

    def satisfied(gates: Sequence[Gate]) -> bool:
        return bool(gates) and required <= _covered(gates)

    notes: list[str] = []
    alternatives: list[Gate] = []
    if not job.workflow.only_reusable:
        gate, why = workflow_run_gate(job, context, SCAN)
        notes += why
        alternatives = [gate] if gate is not None else []
    verdict = judge_gates(job, context, upstream_collector(context, SCAN), satisfied, alternatives)
    if verdict.unknown is not None:
        yield Unknown(
            f"{job.display} deploys, but {verdict.unknown}; no job it needs runs a security scan"
        )
        return
    jc = job_class(job, context)
    for leaf in verdict.failing:
        target = "" if leaf.job is job else f" for the called {where(leaf.job)}"
        head = f"deploy {job.display} ({describe_deploy(jc)})"
        if leaf.gates:
            found = _covered(leaf.gates)
            missing = sorted(required - found)
            message = (
                f"{head} runs after security scans{target} that miss the required "
                f"categories {', '.join(missing)} (gha.required_scan_kinds); found: "
                + "; ".join(g.what for g in leaf.gates)
                + f" (categories: {', '.join(sorted(found)) or 'none'})"
            )
        else:
            message = (
                f"{head} does not run after a security scan{target}. No security scan gates "
                "it: looked for a job it needs (directly or transitively) with a scan step "
                "(trivy, grype, snyk, npm audit, pip-audit, semgrep, CodeQL, gitleaks, checkov, "
                "...), and for a scan step before its first deploy step"
            )
            spare = [j.id for j in unneeded_gates(job, context, SCAN)]
            if spare:
                message += (
                    f". Scan job(s) {', '.join(spare)} run beside it: add needs: [{spare[0]}]"
                )
            else:
                message += (
                    ". Add a scan job and 'needs: [scan]' on this one, or a scan step before "
                    "the first deploy step, e.g.\n- uses: aquasecurity/trivy-action@<sha>\n"
                    "  with: {scan-type: fs, exit-code: '1', severity: 'CRITICAL,HIGH'}"
                )
        near = list(dict.fromkeys([*notes, *leaf.notes]))
        if near:
            message += ". Near misses: " + "; ".join(near)
        yield Violation(message, path=("uses",) if job.uses is not None else ())
