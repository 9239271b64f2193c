"""GL-003: the pipeline runs SAST, dependency scanning, secret detection and (with
Dockerfiles) container scanning.

A category is covered by GitLab's templates (``include: template: Jobs/SAST.gitlab-ci.yml``
or ``Security/…``, ``.latest`` variants too; ``Auto-DevOps.gitlab-ci.yml`` covers all), by
a CI/CD catalog component (``…/components/sast/sast@2``...), or by a job running a scanner:
the shared classifier's ``scan_steps`` (catalog §3.3) over every job of the merged pipeline
(local includes read), with the run's classifier knobs (``[tool.devops-policy.gha]``
``scan_patterns``, shared by both CI systems).
Whether the repository has Dockerfiles comes from the repository facts GHA-015 reads
(``indexes.gitlab_repository``).

Decisions where the catalog is silent:

* Only the project's CI configuration (``gl.ci_config_path``) gets an item: included
  fragments and child-pipeline files are parts of a pipeline, not pipelines.
* ``<CATEGORY>_DISABLED`` (``SAST_DISABLED``, ``DEPENDENCY_SCANNING_DISABLED``,
  ``CONTAINER_SCANNING_DISABLED``, ``SECRET_DETECTION_DISABLED``) set true in the global
  ``variables:`` turns the template's jobs off: the category is missing.
* Scanners that read Dockerfiles (hadolint, checkov, trivy config) count as container
  scanning, as in GHA-015.
* A category missing while the pipeline includes files the checker cannot read (project
  and remote includes, unrecognised components) -> UNKNOWN: they may hold the scanners.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.config import Include
from pytest_devops_policy.formats.gitlab_ci.pipeline import Pipeline
from pytest_devops_policy.indexes.gitlab_repository import dockerfile_dirs
from pytest_devops_policy.knowledge.ci.gl_deploys import gl_job_class
from pytest_devops_policy.knowledge.ci.jobs import StepHit
from pytest_devops_policy.options.gitlab_ci import GitLabOptions

_TEMPLATE = re.compile(
    r"(?i)^(?:jobs|security)/(sast|dependency-scanning|container-scanning|secret-detection)"
    r"(?:\.latest|\.v\d+)?\.gitlab-ci\.ya?ml$"
)
_COMPONENT = re.compile(
    r"(?i)/components/(sast|dependency-scanning|container-scanning|secret-detection)/"
)
_AUTO_DEVOPS = re.compile(r"(?i)^auto-devops(?:\.latest)?\.gitlab-ci\.ya?ml$")
_CATEGORY = {
    "sast": "sast",
    "dependency-scanning": "deps",
    "container-scanning": "container",
    "secret-detection": "secrets",
}
_DISABLED = {
    "sast": "SAST_DISABLED",
    "deps": "DEPENDENCY_SCANNING_DISABLED",
    "container": "CONTAINER_SCANNING_DISABLED",
    "secrets": "SECRET_DETECTION_DISABLED",
}
_WANTED = {
    "sast": "SAST (include template Jobs/SAST.gitlab-ci.yml, the components/sast "
    "component, or a job running semgrep, bandit, gosec...)",
    "deps": "dependency scanning (Jobs/Dependency-Scanning.gitlab-ci.yml, or a job running "
    "npm audit, pip-audit, osv-scanner, trivy fs...)",
    "container": "container scanning (Jobs/Container-Scanning.gitlab-ci.yml, or a job "
    "running trivy image, grype, hadolint...)",
    "secrets": "secret detection (Jobs/Secret-Detection.gitlab-ci.yml, or a job running "
    "gitleaks, trufflehog...)",
}
# Scanners that read Dockerfiles rather than images: container scanning too (as GHA-015).
_DOCKERFILE_SCANNERS = frozenset({"hadolint", "checkov", "devops-policy"})


def _from_include(inc: Include) -> frozenset[str]:
    if inc.kind == "template":
        if _AUTO_DEVOPS.match(inc.target):
            return frozenset(_CATEGORY.values())
        m = _TEMPLATE.match(inc.target)
        return frozenset({_CATEGORY[m.group(1).lower()]}) if m else frozenset()
    if inc.kind == "component":
        m = _COMPONENT.search(inc.target)
        return frozenset({_CATEGORY[m.group(1).lower()]}) if m else frozenset()
    return frozenset()


def _unread(inc: Include) -> bool:
    """An include whose content the checker does not see and that may hold scanners."""
    if inc.kind in ("project", "remote"):
        return True
    return inc.kind == "component" and not _from_include(inc)


def _scan_categories(hit: StepHit) -> frozenset[str]:
    cats = {"container" if c == "image" else c for c in hit.categories}
    if hit.family in _DOCKERFILE_SCANNERS or (hit.family == "trivy" and "iac" in cats):
        cats.add("container")
    return frozenset(cats)


def _truthy(value: object) -> bool:
    if isinstance(value, dict):
        value = value.get("value")
    return str(value).strip().lower() in ("true", "1", "yes")


def _applies(gl_pipeline: Pipeline, context: Context) -> bool:
    """The project's CI configuration only (``gl.ci_config_path``)."""
    return gl_pipeline.source.relpath == context.options(GitLabOptions).ci_config_path


@policy(
    id="GL-003",
    name="security-scanning-included",
    title="The pipeline includes security scanning",
    severity=Severity.MEDIUM,
    rationale=(
        "Vulnerable code, dependencies, leaked credentials and vulnerable base images are "
        "cheapest to stop in the pipeline that builds them. GitLab ships scanners as CI "
        "templates and components; a pipeline that includes none of them (and runs no "
        "scanner of its own) lets all of these reach the default branch and every deploy."
    ),
    remediation=(
        "Include GitLab's scanners: include: - template: Jobs/SAST.gitlab-ci.yml, "
        "Jobs/Dependency-Scanning.gitlab-ci.yml, Jobs/Secret-Detection.gitlab-ci.yml and, "
        "when the repository builds images, Jobs/Container-Scanning.gitlab-ci.yml (or the "
        "matching CI/CD catalog components), or add jobs that run scanners of your choice "
        "(semgrep, osv-scanner, gitleaks, trivy image)."
    ),
    controls=("NIST-800-53-RA-5", "NIST-800-53-SA-11", "OpenSSF-Scorecard-SAST"),
    references=(
        "https://docs.gitlab.com/user/application_security/sast/",
        "https://docs.gitlab.com/user/application_security/dependency_scanning/",
        "https://docs.gitlab.com/user/application_security/secret_detection/pipeline/",
        "https://docs.gitlab.com/user/application_security/container_scanning/",
    ),
    applies=_applies,
    example=(
        "stages: [build, test]\n"
        "build:\n"
        "  stage: build\n"
        "  script:\n"
        "    - make build\n"
        "test:\n"
        "  stage: test\n"
        "  script:\n"
        "    - make test\n"
    ),
    use_instead=(
        "include:\n"
        "  - template: Jobs/SAST.gitlab-ci.yml\n"
        "  - template: Jobs/Dependency-Scanning.gitlab-ci.yml\n"
        "  - template: Jobs/Secret-Detection.gitlab-ci.yml\n"
        "stages: [build, test]\n"
        "build:\n"
        "  stage: build\n"
        "  script:\n"
        "    - make build\n"
        "test:\n"
        "  stage: test\n"
        "  script:\n"
        "    - make test\n"
    ),
)
def security_scanning_included(
    gl_pipeline: Pipeline, context: Context
) -> Iterator[Violation | Unknown]:
    docker = dockerfile_dirs(gl_pipeline, context.cache)
    wanted = ["sast", "deps", "secrets"] + (["container"] if docker else [])
    covered: set[str] = set()
    for inc in gl_pipeline.includes:
        covered |= _from_include(inc)
    for job in gl_pipeline.jobs.values():
        for hit in gl_job_class(job, context).scan_steps:
            covered |= _scan_categories(hit)
    disabled = [c for c in wanted if _truthy(gl_pipeline.variables.get(_DISABLED[c]))]
    missing = [c for c in wanted if c not in covered or c in disabled]
    if not missing:
        return
    unread = [i for i in gl_pipeline.includes if _unread(i)]
    names = "; ".join(_WANTED[c] for c in missing)
    if unread and not disabled:
        shown = ", ".join(f"{i.kind} {i.target}" for i in unread[:3])
        yield Unknown(f"no {names} found, but the pipeline includes files not read ({shown})")
        return
    why = (
        f" ({', '.join(_DISABLED[c] for c in disabled)} set in variables: turns it off)"
        if disabled
        else ""
    )
    docker_note = f"; the repository has Dockerfiles in {', '.join(docker)}" if docker else ""
    yield Violation(
        f"the pipeline runs no {names}{why}{docker_note}",
        path=("include",) if "include" in gl_pipeline.raw else None,
    )
