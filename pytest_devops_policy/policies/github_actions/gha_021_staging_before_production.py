"""GHA-021: a production deploy job needs (transitively) a staging deploy job."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import Ctx, find_expressions
from pytest_devops_policy.formats.github_actions.values import as_text
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.knowledge.ci.deploys import (
    callee_of,
    classifier_config,
    job_class,
    why_deploy,
)
from pytest_devops_policy.knowledge.ci.github import expression_values
from pytest_devops_policy.options import GhaOptions

PROMOTION_EVENTS = frozenset({"workflow_dispatch", "release", "workflow_run"})


def _reference(text: str) -> tuple[str, ...] | None:
    """The context path when ``text`` is exactly one ``${{ context }}`` reference."""
    exprs = find_expressions(text.strip())
    if len(exprs) != 1 or exprs[0].text != text.strip():
        return None
    node = exprs[0].node
    return node.path if isinstance(node, Ctx) else None


def _env_names(job: Job, env_text: str, inputs: Mapping[str, Any]) -> list[str] | None:
    """The environment names a dynamic ``environment`` takes: what the expression can give
    with the matrix's literal values (the classifier's reading: ``${{ matrix.X }}``,
    ``${{ a && 'production' || 'staging' }}``), or ``${{ inputs.X }}`` given literally by a
    caller. ``None``: not knowable."""
    values = expression_values(env_text, job)
    if values is not None and all(v is None or isinstance(v, str) for v in values):
        return [v for v in values if v]
    path = _reference(env_text)
    if path is not None and len(path) == 2 and path[0] == "inputs":
        given = as_text(inputs.get(path[1]))
        return [given] if given is not None and "${{" not in given else None
    return None


def _targets(job: Job, context: Context) -> list[tuple[Job, list[str] | None]]:
    """Each job that deploys on behalf of ``job`` (itself, or a local callee's jobs) with
    its environment names (``None`` when only known at run time; ``[]`` for none)."""
    callee = callee_of(job, context)
    if callee is None:
        env = job.environment
        if env is None:
            return [(job, [])]
        return [(job, [env.text] if not env.dynamic else _env_names(job, env.text, {}))]
    inputs = {k.lower(): v for k, v in job.with_.items()}
    out: list[tuple[Job, list[str] | None]] = []
    for inner in callee.jobs.values():
        env = inner.environment
        if env is not None and job_class(inner, context).is_deploy:
            names = [env.text] if not env.dynamic else _env_names(inner, env.text, inputs)
            out.append((inner, names))
    return out


def _staging(job: Job, context: Context) -> tuple[str | None, bool]:
    """(why the job deploys to staging, whether its target is unknown: a dynamic name)."""
    jc = job_class(job, context)
    if not jc.is_deploy:
        return None, False
    if jc.is_staging:
        return f"{job.display}: {jc.staging_reason}", False
    regex = classifier_config(context).staging_env
    dynamic = False
    for inner, names in _targets(job, context):
        if names is None:
            dynamic = True
            continue
        for name in names:
            if name and regex.search(name):
                via = (
                    ""
                    if inner is job
                    else f" through job '{inner.id}' of '{inner.workflow.source.relpath}'"
                )
                return f"{job.display} deploys to environment '{name}'{via}", False
    return None, dynamic


def _production(job: Job, context: Context) -> tuple[bool, bool]:
    """(is a production deploy, its target is only known at run time)."""
    jc = job_class(job, context)
    if not jc.is_deploy:
        return False, False
    if job.uses is None and job.environment is not None and job.environment.dynamic:
        names = _targets(job, context)[0][1]
        if names is None:
            return False, True
        # A matrix leg to production makes it a production deploy, even beside staging.
        return any(classifier_config(context).prod_env.search(n) for n in names), False
    if _staging(job, context)[0]:
        return False, False
    return jc.is_production, False


def _callee_orders_itself(job: Job, context: Context) -> bool:
    """A caller whose local callee runs staging before each of its production jobs."""
    callee = callee_of(job, context)
    if callee is None:
        return False
    prod = [j for j in callee.jobs.values() if job_class(j, context).is_production]
    return bool(prod) and all(
        any(_staging(callee.jobs[d], context)[0] for d in p.needs_closure) for p in prod
    )


def _applies(job: Job, context: Context) -> bool:
    # Production deploys, and deploys whose environment name is only known at run time.
    return any(_production(job, context))


@policy(
    id="GHA-021",
    name="staging-before-production",
    title="Production deploys come after a staging deploy",
    severity=Severity.MEDIUM,
    rationale=(
        "A change that reaches production without first running in a staging environment "
        "meets real configuration, data and traffic for the first time in front of users. "
        "Making the production job need the staging job means a failed staging deploy "
        "stops the pipeline before production."
    ),
    remediation=(
        "Deploy to a staging environment in an earlier job and make the production job "
        "need it (needs: deploy-staging), or run production deploys from a promotion-only "
        "workflow (workflow_dispatch, release, workflow_run) with "
        "gha.promotion_workflows_ok = true."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-CM-4"),
    references=(
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions: {}\n"
        "jobs:\n"
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
        "permissions: {}\n"
        "jobs:\n"
        "  deploy-staging:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: staging\n"
        "    steps:\n"
        "      - run: kubectl --context staging apply -f k8s/\n"
        "  deploy-production:\n"
        "    needs: deploy-staging\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl --context production apply -f k8s/\n"
    ),
)
def staging_before_production(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    jc = job_class(job, context)
    production, dynamic_target = _production(job, context)
    if not (production or dynamic_target):
        return
    wf = job.workflow
    unknown_targets: list[str] = []
    for dep in sorted(job.needs_closure):
        found, dynamic = _staging(wf.jobs[dep], context)
        if found:
            return
        if dynamic:
            unknown_targets.append(dep)
    if _callee_orders_itself(job, context):
        return
    names = set(wf.on.names)
    if names and names <= PROMOTION_EVENTS and context.options(GhaOptions).promotion_workflows_ok:
        return
    if dynamic_target:
        yield Unknown(
            f"{job.display} deploys to {job.environment.describe() if job.environment else '?'}"
            ": whether it is production is only known at run time"
        )
        return
    if unknown_targets:
        shown = ", ".join(f"'{d}'" for d in unknown_targets)
        yield Unknown(
            f"{job.display} needs {shown}, whose environment is only known at run time; "
            "one of them may be the staging deploy"
        )
        return
    if wf.only_reusable:
        yield Unknown(
            f"{job.display} is in a reusable workflow: its callers decide what runs before it"
        )
        return
    regex = classifier_config(context).staging_env.pattern
    needed = [
        f"'{d}' (a deploy job, not to staging)"
        if job_class(wf.jobs[d], context).is_deploy
        else f"'{d}' (not a deploy job)"
        for d in sorted(job.needs_closure)
    ]
    has = f"it needs {', '.join(needed)}" if needed else "it needs no job"
    others = [
        j.id
        for j in wf.jobs.values()
        if j.id != job.id and j.id not in job.needs_closure and _staging(j, context)[0]
    ]
    if others:
        has += f"; {', '.join(repr(o) for o in others)} deploy(s) to staging but run independently"
    promo = ""
    if names and names <= PROMOTION_EVENTS:
        promo = (
            " (this workflow only promotes: set gha.promotion_workflows_ok = true to accept "
            "promotion workflows)"
        )
    yield Violation(
        f"production deploy job '{job.id}' ({'; '.join(jc.production_reasons[:2])}; deploy job: "
        f"{why_deploy(jc)}) does not run after a staging deploy: no job it needs, directly "
        f"or transitively, deploys to an environment matching {regex!r}; {has}. Add a "
        f"staging deploy job and 'needs: <it>' on '{job.id}'{promo}",
        path=("needs",) if job.needs else (),
    )
