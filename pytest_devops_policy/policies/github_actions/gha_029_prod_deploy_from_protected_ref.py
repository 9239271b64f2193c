"""GHA-029: a production deploy job runs only for protected refs (the default branch,
release branches, tags) or safe events.

How it decides: every trigger of the workflow that can start a run from code or input
nobody reviewed becomes concrete *scenarios* (``knowledge.ci.scenarios``): a pull
request (``pull_request``, ``pull_request_review[_comment]``: ``github.ref`` is
``refs/pull/N/merge``); ``pull_request_target``, ``issue_comment``, ``issues``,
``discussion[_comment]`` (they run on the default branch, so only ``github.event_name``
tells them apart); ``merge_group`` (a queue branch, not yet merged); ``push`` to a branch
its filters admit that is not protected (no filter, ``branches-ignore`` only and
``branches: ['**']`` admit ``feature``); ``workflow_dispatch`` from any branch when the
job has no ``environment`` (with one, the environment's deployment-branch rules decide,
as the catalog's PASS list says). ``release``, ``schedule``, ``workflow_run``,
``workflow_call``, ``repository_dispatch`` and tag pushes are safe.

The job's ``if:`` is evaluated in each scenario with the job's ``needs`` chain: a job
whose needed job is skipped there is skipped too (GitHub's implicit ``success()``),
unless its own ``if:`` calls ``always()`` or another status function. A job whose every
recognised deploy step is skipped there by the step's own ``if:`` does not deploy there (a
``terraform plan`` for pull requests, ``terraform apply`` for pushes to main). Branch names an
attacker could push are tried from samples and from the condition's own literals, so
``startsWith(github.ref, 'refs/heads/main')`` (a branch ``main-x``) and
``endsWith(github.ref, '/main')`` (``x/main``) do not count as restrictions.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.knowledge.ci.deploys import (
    classifier_config,
    environment_gated,
    job_class,
)
from pytest_devops_policy.knowledge.ci.jobs import JobClass
from pytest_devops_policy.knowledge.ci.scenarios import (
    Scenario,
    attacker_branches,
    condition_literals,
    job_outcome,
    matches_any,
    step_outcome,
)
from pytest_devops_policy.options import GhaOptions

# Pull-request events: the merge ref of a head branch anyone can open.
_PR_EVENTS = ("pull_request", "pull_request_review", "pull_request_review_comment")
# Events anyone can cause that run in the default branch's context.
_DEFAULT_BRANCH_EVENTS = (
    "pull_request_target",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
)


def _applies(job: Job, context: Context) -> bool:
    # Production deploy jobs; a deploy job whose environment is an expression may be one.
    jc = job_class(job, context)
    return jc.is_production or (jc.is_deploy and jc.environment_dynamic)


def _scenarios(job: Job, context: Context) -> Iterator[Scenario]:
    options = context.options(GhaOptions)
    cfg = classifier_config(context)
    defaults = cfg.default_branches or ("main",)
    globs = tuple(options.protected_branches)

    def protected(branch: str) -> bool:
        return cfg.is_default_branch(branch) or matches_any(globs, branch)

    on = job.workflow.on
    push = on.get("push")
    literals = condition_literals(job)
    if push is not None:
        for key in ("branches", "branches-ignore"):
            literals += list(push.filter(key) or ())
    branches = attacker_branches(literals, protected)
    main = defaults[0]
    for event in _PR_EVENTS:
        if event in on:
            for b in branches:
                yield Scenario(
                    event,
                    "refs/pull/1/merge",
                    f"a {event} event (from head branch '{b}')",
                    head_ref=b,
                    base_ref=main,
                )
    for event in _DEFAULT_BRANCH_EVENTS:
        if event in on:
            for b in branches if event == "pull_request_target" else [""]:
                yield Scenario(
                    event,
                    f"refs/heads/{main}",
                    f"a {event} event" + (f" (from head branch '{b}')" if b else ""),
                    head_ref=b,
                    base_ref=main if b else "",
                    ref_protected=True,
                )
    if "merge_group" in on:
        yield Scenario(
            "merge_group",
            f"refs/heads/gh-readonly-queue/{main}/pr-1-0000000",
            "a merge_group event (a merge-queue branch, not yet merged)",
        )
    if push is not None:
        for b in branches:
            if push.matches_branch(b):
                yield Scenario("push", f"refs/heads/{b}", f"a push to branch '{b}'")
    if "workflow_dispatch" in on and not environment_gated(job, context):
        for b in branches:
            yield Scenario(
                "workflow_dispatch",
                f"refs/heads/{b}",
                f"a manual run (workflow_dispatch) from branch '{b}', "
                "with no environment to gate it",
            )


def _deploys_in(job: Job, jc: JobClass, scenario: Scenario) -> bool:
    """Whether the job can deploy in the scenario: every recognised deploy step may be
    skipped there by its own ``if:`` (a ``terraform apply`` only for pushes to main, after
    a plan that runs for pull requests too)."""
    if not jc.deploy_steps:
        return True
    return any(step_outcome(job.steps[h.index].if_, scenario) is not False for h in jc.deploy_steps)


def _runs_in(job: Job, context: Context) -> tuple[Scenario, bool | None] | None:
    """The first unsafe scenario the job is not excluded from, and whether it surely runs."""
    jc = job_class(job, context)
    for scenario in _scenarios(job, context):
        result = job_outcome(job, scenario)
        if result is not False and _deploys_in(job, jc, scenario):
            return scenario, result
    return None


@policy(
    id="GHA-029",
    name="prod-deploy-from-protected-ref",
    title="Production deploys run only for protected refs",
    severity=Severity.HIGH,
    rationale=(
        "Branch protection, required reviews and tag rules only protect production if "
        "production is deployed from the refs they guard. A production deploy that a pull "
        "request, a comment or a push to any branch can start ships code nobody reviewed, "
        "with the production credentials in reach of that code."
    ),
    remediation=(
        "Trigger production deploys from protected refs only (on: push: branches: [main], "
        "tags, release), or restrict the job: if: github.ref == 'refs/heads/main' (or "
        "startsWith(github.ref, 'refs/tags/'), or github.event_name == 'push' when push is "
        "filtered to protected branches). For manual runs, set an environment with a "
        "deployment-branch rule."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-CM-5", "NIST-800-53-AC-3"),
    references=(
        "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches",
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/accessing-contextual-information-about-workflow-runs#github-context",
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#deployment-branches-and-tags",
    ),
    applies=_applies,
    example=(
        "name: Deploy\n"
        "on: [push, pull_request]\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "name: Deploy\n"
        "on: [push, pull_request]\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  deploy:\n"
        "    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
)
def prod_deploy_from_protected_ref(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    found = _runs_in(job, context)
    if found is None:
        return
    scenario, certain = found
    jc = job_class(job, context)
    triggers = ", ".join(job.workflow.on.names)
    if not jc.is_production:
        env = job.environment.describe() if job.environment else "an environment set at run time"
        yield Unknown(
            f"{job.display} deploys to {env} and can run for {scenario.label}; whether that "
            "is production is decided at run time"
        )
        return
    why = "; ".join(jc.production_reasons[:2])
    if job.if_:
        cond = f"its if: ({job.if_}) " + (
            "lets it run there" if certain else "does not exclude it there"
        )
    else:
        cond = "it has no if: restricting github.ref or github.event_name"
    if not job.if_ and job.needs:
        cond += ", and no job it needs is skipped there"
    main = (classifier_config(context).default_branches or ("main",))[0]
    guard = f"github.ref == 'refs/heads/{main}'"
    if scenario.event != "workflow_dispatch":
        guard = f"github.event_name == 'push' && {guard}"
    fix = (
        f"if: ({job.if_}) && {guard}" if job.if_ else f"if: {guard}"
    ) + " (or startsWith(github.ref, 'refs/tags/') for tag releases)"
    if scenario.event == "workflow_dispatch":
        fix += (
            ", or set 'environment: production' on the job with a deployment-branch rule in "
            "the repository settings"
        )
    yield Violation(
        f"production deploy {job.display} ({why}) can run for {scenario.label}: the workflow "
        f"is triggered by {triggers} and {cond}. Restrict it to the default or release "
        f"branches or tags; add to the job: {fix}",
        path=("if",) if job.if_ else (),
    )
