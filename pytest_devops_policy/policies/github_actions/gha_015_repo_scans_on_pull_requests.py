"""GHA-015: pull requests get SAST, dependency and (with Dockerfiles) image scanning."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.repository import Repository, runs_on_github
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.classify import ClassifierConfig, StepHit, classify_job
from pytest_devops_policy.knowledge.ci.pull_requests import (
    called_actions,
    pr_events,
    ran_jobs,
    workflow_path,
)
from pytest_devops_policy.options import GhaOptions

# What each required category means, with examples of what satisfies it.
_WANTED = {
    "sast": "SAST (github/codeql-action/analyze, semgrep, bandit, gosec, snyk code test)",
    "deps": (
        "dependency scanning (actions/dependency-review-action, osv-scanner, pip-audit, "
        "npm audit, govulncheck, trivy fs, or a Dependabot or Renovate config)"
    ),
    "image": (
        "image or Dockerfile scanning (trivy image/config, grype, docker/scout-action, "
        "hadolint, checkov)"
    ),
}
# Scanners that read Dockerfiles rather than built images: they satisfy (c) too.
_DOCKERFILE_SCANNERS = frozenset({"hadolint", "checkov", "devops-policy"})
_DOCKERFILE_ACTIONS = ("hadolint/hadolint-action", "jbergstroem/hadolint-gh-action")


def _categories(hit: StepHit) -> frozenset[str]:
    cats = set(hit.categories)
    if hit.family in _DOCKERFILE_SCANNERS or (hit.family == "trivy" and "iac" in cats):
        cats.add("image")
    return frozenset(cats)


@policy(
    id="GHA-015",
    name="repo-scans-on-pull-requests",
    title="Pull requests run SAST, dependency and image scanning",
    severity=Severity.MEDIUM,
    rationale=(
        "Vulnerable code, dependencies and base images are cheapest to stop before they are "
        "merged; a scan that only runs later (or never) lets them reach the default branch "
        "and every deploy built from it."
    ),
    remediation=(
        "Add a workflow triggered on pull_request (or merge_group) that runs SAST "
        "(github/codeql-action/analyze or semgrep), dependency scanning "
        "(actions/dependency-review-action, or a Dependabot or Renovate config) and, when the "
        "repository has Dockerfiles, an image or Dockerfile scan (trivy, hadolint)."
    ),
    controls=("NIST-800-53-RA-5", "NIST-800-53-SA-11", "OpenSSF-Scorecard-SAST"),
    references=(
        "scorecard:SAST",
        "scorecard:Dependency-Update-Tool",
        "https://docs.github.com/en/code-security/code-scanning",
        "https://github.com/actions/dependency-review-action",
    ),
    applies=runs_on_github,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: make test\n"
    ),
    use_instead=(
        "on:\n"
        "  pull_request:\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  codeql:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions:\n"
        "      security-events: write\n"
        "    steps:\n"
        "      - uses: github/codeql-action/init@v3\n"
        "      - uses: github/codeql-action/analyze@v3\n"
        "  dependencies:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/dependency-review-action@v4\n"
    ),
)
def repo_scans_on_pull_requests(
    repository: Repository, context: Context
) -> Iterator[Violation | Unknown]:
    options = context.options(GhaOptions)
    cfg = ClassifierConfig.from_options(options)
    index = context.index(repository)
    found: dict[str, str] = {}
    remote: list[str] = []
    pr_files: list[str] = []
    for wf in index.workflows.values():
        events = pr_events(wf)
        if not events:
            continue
        pr_files.append(workflow_path(wf))
        for event in events:
            for ran in ran_jobs(wf, event, index.resolve, remote):
                units: list[tuple[Job, list[Step], str]] = [
                    (ran.job, list(ran.steps(event)), ran.where())
                ]
                units += [
                    (called.job, list(called.steps(event)), called.where)
                    for called in called_actions(ran, event, index.resolve_action)
                ]
                for job, steps, where in units:
                    _scans(job, steps, where, cfg, found)
    if "deps" not in found and options.dependabot_counts_as_scan:
        tool = _update_tool(repository)
        if tool is not None:
            found["deps"] = tool
    wanted = ["sast", "deps"]
    docker_dirs = repository.ecosystems.get("docker", ())
    if docker_dirs:
        wanted.append("image")
    missing = [c for c in wanted if c not in found]
    if not missing:
        return
    needs = "; ".join(_WANTED[c] for c in missing)
    if not pr_files:
        yield Violation(
            f"no workflow runs on pull requests (pull_request or merge_group) in "
            f"{repository.display}, so nothing scans a change before it is merged; "
            f"missing: {needs}"
            + (f" (the repository has Dockerfiles in {_dirs(docker_dirs)})" if docker_dirs else "")
        )
        return
    have = ", ".join(f"{c}: {found[c]}" for c in wanted if c in found)
    if remote:
        yield Unknown(
            f"the pull-request workflows run no {', '.join(missing)} scan that can be read "
            f"here, but {'; '.join(remote[:3])}: a remote reusable workflow may run it"
        )
        return
    tool = _update_tool(repository)
    ignored = (
        f"; {tool} does not count (gha.dependabot_counts_as_scan = false)"
        if "deps" in missing and tool is not None and not options.dependabot_counts_as_scan
        else ""
    )
    yield Violation(
        f"the pull-request workflows ({_dirs(tuple(pr_files))}) do not run {needs}"
        + (
            f"; the repository has Dockerfiles in {_dirs(docker_dirs)}"
            if "image" in missing
            else ""
        )
        + ignored
        + (f". Found: {have}" if have else "")
    )


def _scans(
    job: Job, steps: list[Step], where: str, cfg: ClassifierConfig, found: dict[str, str]
) -> None:
    """Record the scan categories that ``steps`` (the ones that run, of ``job`` or of a
    composite action it calls) cover, with where they are, into ``found``."""
    run_steps = {s.index for s in steps}
    for hit in classify_job(job, cfg).scan_steps:
        if hit.index in run_steps:
            for cat in _categories(hit):
                found.setdefault(cat, f"{where} {hit.describe(cat)}")
    for step in steps:
        name = step.uses.name.lower() if step.uses is not None else ""
        if name.startswith(_DOCKERFILE_ACTIONS):
            found.setdefault("image", f"{where} {step.label} uses '{name}'")


def _update_tool(repository: Repository) -> str | None:
    """The Dependabot or Renovate config that proposes updates (and, with them, security
    fixes), which (b) counts with ``gha.dependabot_counts_as_scan``."""
    dependabot, renovate = repository.dependabot, repository.renovate
    if dependabot is not None and dependabot.error is None and dependabot.updates:
        return dependabot.path
    if renovate is not None and renovate.error is None and renovate.enabled:
        return renovate.path
    return None


def _dirs(dirs: tuple[str, ...]) -> str:
    shown = ", ".join("/" if d == "." else d for d in dirs[:5])
    return shown + (f" (+{len(dirs) - 5} more)" if len(dirs) > 5 else "")
