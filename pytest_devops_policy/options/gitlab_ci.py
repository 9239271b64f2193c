"""GitLab CI options: ``[tool.devops-policy.gl]`` (catalog §4, issue 21)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = ["DEFAULT_CI_CONFIG_PATH", "GitLabOptions"]

DEFAULT_CI_CONFIG_PATH = ".gitlab-ci.yml"


def _strings(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise ValueError("must be a list of strings")
    return tuple(v.strip() for v in items if v.strip())


def _optional_minutes(value: object) -> int | None:
    return None if value is None else positive_int(value)


def _config_path(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value.strip().startswith(".."):
        raise ValueError("must be a path relative to the repository root")
    return value.strip().removeprefix("./")


@dataclass(frozen=True)
class GitLabOptions(KindOptions):
    TABLE: ClassVar[str] = "gl"

    ci_config_path: str = option(
        DEFAULT_CI_CONFIG_PATH,
        "The project's CI/CD configuration file, relative to the repository root (GitLab's "
        "'CI/CD configuration file' project setting). Files named *.gitlab-ci.yml are "
        "always read.",
        parse=_config_path,
    )

    # -- gl-deploy: GL-001 (deploy-job-environment)
    protected_environments: bool = option(
        False,
        "The project's production environments are protected environments with approval "
        "rules (a project setting GitLab CI files cannot show): production deploy jobs then "
        "need no 'when: manual'.",
        policies=("GL-001",),
    )
    # -- gl-misc: GL-009 (no-ci-token-exfiltration)
    allowed_hosts: tuple[str, ...] = option(
        ("gitlab.com",),
        "Hosts (globs; a name also covers its subdomains) that may receive CI credentials "
        "besides $CI_SERVER_HOST and $CI_API_V4_URL: your GitLab instance's other names, "
        "package registries that accept a job token.",
        policies=("GL-009",),
        parse=_strings,
        type_text="list of glob",
    )
    masked_variables: tuple[str, ...] = option(
        (),
        "More CI/CD variable names that hold credentials (masked in the project settings), "
        "besides the predefined $CI_JOB_TOKEN, $CI_REGISTRY_PASSWORD, $CI_DEPLOY_PASSWORD... "
        "and secret-like names.",
        policies=("GL-009",),
        parse=_strings,
        type_text="list of string",
    )
    # -- gl6: GL-006 (job-timeout-bounded), GL-012 (no-duplicate-pipelines)
    assume_project_timeout_minutes: int | None = option(
        None,
        "The project's job timeout (Settings > CI/CD > General pipelines; GitLab's default is "
        "60), which jobs without a 'timeout' get. Unset: such jobs fail GL-006, since the file "
        "cannot show it; set: it is judged like a timeout the job sets.",
        policies=("GL-006",),
        parse=_optional_minutes,
        type_text="integer (minutes)",
    )
    ci_job_timeout_max: int = option(
        10,
        "The longest timeout a CI job (not a deploy or release job) may have, in minutes.",
        policies=("GL-006",),
        parse=positive_int,
        type_text="integer (minutes)",
    )
    deploy_job_timeout_max: int = option(
        30,
        "The longest timeout a deploy job may have, in minutes.",
        policies=("GL-006",),
        parse=positive_int,
        type_text="integer (minutes)",
    )
