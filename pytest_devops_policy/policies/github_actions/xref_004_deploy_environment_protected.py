"""XREF-004: a production deploy job's environment is one Terraform protects.

Cross-artifact (catalog §9.3): the production deploy job (the §3.3 classifier GHA-012/021
use) names ``environment: E``; Terraform's GitHub provider manages this repository's
environments (``indexes.xref_terraform``; the repository is ``xref.github_repository`` or
``.git/config``'s origin). The decision is ``knowledge.xref.environments`` (CI-neutral):

* (1) no ``github_repository_environment`` named E: GitHub creates E on the first
  deployment, without protection rules, so a typo or a rename silently removes the gate
  (a deploy job whose environment misspells a managed production one is judged too);
* (2) E has no reviewers and no ``wait_timer`` > 0;
* (3) medium: no ``deployment_branch_policy``, or custom branch policies with no deployment
  policy for the default or release branches; ``prevent_self_review`` not true: low.

UNKNOWN: E is an expression whose values are unknown (the managed production environments
are still checked for (2)/(3)); repositories or names Terraform decides at plan time. No
item when Terraform manages no environment of this repository.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_terraform import github_repository, xref_terraform
from pytest_devops_policy.knowledge.ci.deploys import classifier_config, explain_job, job_class
from pytest_devops_policy.knowledge.ci.github import expression_values
from pytest_devops_policy.knowledge.xref.environments import (
    EnvFinding,
    ManagedEnvironments,
    judge_environment,
    judge_protection,
    near_miss,
    repository_environments,
)

_SEVERITY = {"high": Severity.HIGH, "medium": Severity.MEDIUM, "low": Severity.LOW}


def _applies(job: Job, context: Context) -> bool:
    if job.uses is not None or job.environment is None:
        return False
    # The job side first: Terraform is read only for deploy jobs with an environment.
    if not job_class(job, context).is_deploy:
        return False
    return bool(xref_terraform(context.cache).environments)


def _names(job: Job) -> list[str] | None:
    """The environment names the job can deploy to; None when only the run knows."""
    env = job.environment
    assert env is not None
    if not env.dynamic:
        return [env.text] if env.text else []
    values = expression_values(env.text, job)
    if values is None or not all(isinstance(v, str) and v for v in values):
        return None
    return [str(v) for v in values]


def _production(name: str, managed: ManagedEnvironments, job: Job, context: Context) -> bool:
    """A production name, the name of a job the classifier calls production, or a misspelling
    of a managed production environment."""
    prod = classifier_config(context).prod_env
    if prod.search(name) or job_class(job, context).is_production:
        return True
    meant = near_miss(name, managed.envs)
    return meant is not None and bool(prod.search(str(meant.environment)))


@policy(
    id="XREF-004",
    name="deploy-environment-protected",
    title="Production deploys use an environment Terraform protects",
    severity=Severity.HIGH,
    rationale=(
        "The approval gate of a deployment lives in the GitHub environment's protection "
        "rules. When they are managed in Terraform, the workflow and the Terraform code must "
        "agree: GitHub creates an environment a job names that does not exist, with no "
        "protection at all, so a typo or a rename in the workflow silently deploys without "
        "approval; and an environment Terraform declares without reviewers or branch rules "
        "gates nothing."
    ),
    remediation=(
        "Deploy to the environment name Terraform manages, and give its "
        "github_repository_environment reviewers { users/teams } (or a wait_timer), "
        "deployment_branch_policy { protected_branches = true } (or custom branch "
        "policies with a github_repository_environment_deployment_policy for the default "
        "branch), and prevent_self_review = true."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-AC-5", "CIS-SSCS-1.1"),
    references=(
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/"
        "managing-deployments/managing-environments-for-deployment",
        "https://registry.terraform.io/providers/integrations/github/latest/docs/resources/"
        "repository_environment",
    ),
    applies=_applies,
    detail=explain_job,
    example=(
        "# .github/workflows/deploy.yml\n"
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: prodution\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
        "---\n"
        "# infra/github.tf\n"
        'resource "github_repository_environment" "production" {\n'
        '  repository  = "shop"\n'
        '  environment = "production"\n'
        "  prevent_self_review = true\n"
        "  reviewers {\n"
        "    teams = [42]\n"
        "  }\n"
        "  deployment_branch_policy {\n"
        "    protected_branches     = true\n"
        "    custom_branch_policies = false\n"
        "  }\n"
        "}\n"
    ),
    use_instead=(
        "# .github/workflows/deploy.yml\n"
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
        "---\n"
        "# infra/github.tf\n"
        'resource "github_repository_environment" "production" {\n'
        '  repository  = "shop"\n'
        '  environment = "production"\n'
        "  prevent_self_review = true\n"
        "  reviewers {\n"
        "    teams = [42]\n"
        "  }\n"
        "  deployment_branch_policy {\n"
        "    protected_branches     = true\n"
        "    custom_branch_policies = false\n"
        "  }\n"
        "}\n"
    ),
)
def deploy_environment_protected(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    facts = xref_terraform(context.cache)
    repo = github_repository(job.workflow.source.path, context.cache)
    if repo is None:
        yield Unknown(
            "Terraform manages GitHub environments, but this repository's owner/name is not "
            "known (no origin remote in .git/config): set xref.github_repository"
        )
        return
    managed = repository_environments(facts, repo)
    if not managed.envs and not managed.opaque:
        return  # Terraform manages no environment of this repository: GHA-012's advice stands
    line = job.locate(("environment",))
    here = f"{job.source.relpath}:{line[0] if line else job.line}"
    names = _names(job)
    findings: list[tuple[str, EnvFinding]] = []
    if names is None:
        prod = classifier_config(context).prod_env
        for env in managed.envs:
            if prod.search(str(env.environment)):
                findings += [(str(env.environment), f) for f in judge_protection(env, managed)]
        checked = ", ".join(f"'{e.environment}'" for e in managed.envs)
        yield Unknown(
            f"{job.display} deploys to {job.environment.describe() if job.environment else '?'}"
            f": which of the managed environments ({checked}) it names is known only at run "
            "time"
        )
    else:
        for name in names:
            if _production(name, managed, job, context):
                findings += [(name, f) for f in judge_environment(name, managed)]
    for name, f in findings:
        if f.rule == "unknown" or f.severity is None:
            yield Unknown(f"{job.display} deploys to '{name}': {f.message}")
            continue
        # (1) rests on the managed environments: link the one it misspells, else the first.
        anchor = f.env or managed.envs[0]
        links = (f"{here} -> {anchor.where.relpath}:{f.line or anchor.where.line}",)
        how = f"linked through github_repository_environment.repository = {repo}"
        yield Violation(
            f"{job.display} ({here}) deploys to environment '{name}' ({how}): {f.message}",
            path=("environment",),
            severity=_SEVERITY[f.severity],
            links=links,
        )
