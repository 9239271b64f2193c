"""GitHub Actions options: ``[tool.devops-policy.gha]``.

The job classifier's pattern knobs (``*_patterns``, ``*_actions``, ``*_regex``,
``default_branches``) are shared by every deploy-discipline policy: lists *add* to the
built-in patterns, single regexes *replace* them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = ["PIN_MODES", "SCAN_KINDS", "GhaOptions"]

PIN_MODES = ("hash-pin", "ref-pin", "any")
# Every policy that classifies jobs (deploy, production, staging, test, scan, release).
_CLASSIFIER = (
    "GHA-012",
    "GHA-013",
    "GHA-014",
    "GHA-016",
    "GHA-017",
    "GHA-018",
    "GHA-019",
    "GHA-020",
    "GHA-021",
    "GHA-024",
    "GHA-025",
    "GHA-028",
    "GHA-029",
    # GitLab CI reads the same knobs: one idea of a deploy job for both CI systems.
    "GL-001",
    "GL-002",
    "GL-003",
    "GL-004",
    "GL-005",
    "GL-006",
    "GL-013",
)
# The security-scan categories of the job classifier (catalog §3.3).
SCAN_KINDS = ("sast", "deps", "image", "iac", "secrets")


def _strings(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise ValueError("must be a list of strings")
    return tuple(items)


def _regexes(value: object) -> tuple[str, ...]:
    out = _strings(value)
    for text in out:
        _compile(text)
    return out


def _compile(text: str) -> None:
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"{text!r} is not a regular expression ({exc})") from None


def _regex(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be one regular expression (a string)")
    _compile(value)
    return value


def _optional_strings(value: object) -> tuple[str, ...] | None:
    return None if value is None else _strings(value)


def _categorised(value: object) -> tuple[str, ...] | Mapping[str, tuple[str, ...]] | None:
    """A list (category ``custom``) or a ``{category: [...]}`` table."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _strings(v) for k, v in value.items()})
    return _strings(value)


def _scan_kinds(value: object) -> tuple[str, ...]:
    kinds = tuple(k.strip().lower() for k in _strings(value))
    bad = [k for k in kinds if k not in SCAN_KINDS]
    if bad:
        raise ValueError(
            f"unknown scan kind(s) {', '.join(map(repr, bad))}; expected any of: "
            + ", ".join(SCAN_KINDS)
        )
    return tuple(dict.fromkeys(kinds))


def _pin_policy(value: object) -> Mapping[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("must be a table of pattern = mode")
    out: dict[str, str] = {}
    for pattern, mode in value.items():
        m = str(mode).strip().lower()
        if m not in PIN_MODES:
            raise ValueError(f"{pattern!r} = {mode!r}; expected one of {', '.join(PIN_MODES)}")
        out[str(pattern).lower()] = m  # action names match case-insensitively
    return MappingProxyType(out)


def _input_table(value: object) -> Mapping[str, tuple[str, ...]] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("must be a table of action = [input names]")
    return MappingProxyType({str(k).lower(): _strings(v) for k, v in value.items()})


def _pattern_list(doc: str) -> tuple[str, ...]:
    return option((), doc, policies=_CLASSIFIER, parse=_regexes, type_text="list of regex")  # type: ignore[no-any-return]


def _action_list(doc: str) -> tuple[str, ...]:
    return option((), doc, policies=_CLASSIFIER, parse=_strings, type_text="list of glob")  # type: ignore[no-any-return]


def _one_regex(doc: str) -> str | None:
    return option(None, doc, policies=_CLASSIFIER, parse=_regex, type_text="regex")  # type: ignore[no-any-return]


def _workflow_dirs(value: object) -> tuple[str, ...]:
    """Directory globs relative to the rootdir: a list, or one comma-separated string (the
    command line's ``gha.workflow_dirs=ci,deployments``)."""
    items = [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else value
    out = _strings(items)
    for pattern in out:
        parts = pattern.replace("\\", "/").split("/")
        if not pattern.strip() or all(p in ("", ".") for p in parts):
            raise ValueError(
                f"item {pattern!r} names no directory (.github/workflows is always read)"
            )
        if pattern.startswith(("/", "\\")) or (len(pattern) > 1 and pattern[1] == ":"):
            raise ValueError(f"item {pattern!r} must be relative to the rootdir")
        if ".." in parts:
            raise ValueError(f"item {pattern!r} must stay inside the rootdir (no '..')")
    return out


@dataclass(frozen=True)
class GhaOptions(KindOptions):
    TABLE: ClassVar[str] = "gha"

    callee_must_declare: bool = option(
        True,
        "Jobs of a workflow that is only reusable (on: workflow_call) must declare their own "
        "permissions; false trusts the caller's token.",
        policies=("GHA-001",),
    )
    pin_policy: Mapping[str, str] | None = option(
        None,
        'How actions must be pinned, by owner/repo glob: `{"actions/*" = "ref-pin", '
        '"*" = "hash-pin"}` (modes: hash-pin, ref-pin, any; default: hash-pin for all).',
        policies=("GHA-003",),
        parse=_pin_policy,
        type_text="table of mode",
    )
    tainted_contexts: tuple[str, ...] = option(
        (),
        "More expression contexts (globs such as `inputs.*`) that an attacker controls.",
        policies=("GHA-008",),
    )
    code_inputs: Mapping[str, tuple[str, ...]] | None = option(
        None,
        'More action inputs that run as code (template-injection sinks): `{"octo/run-action" '
        '= ["script"]}`.',
        policies=("GHA-008",),
        parse=_input_table,
        type_text="table of list of string",
    )
    deploy_patterns: tuple[str, ...] = _pattern_list("More commands that deploy (regexes).")
    deploy_actions: tuple[str, ...] = _action_list("More actions that deploy (globs).")
    deploy_job_regex: str | None = _one_regex("Job names that count as deploy jobs (replaces).")
    prod_env_regex: str | None = _one_regex("Environment names that are production (replaces).")
    prod_name_regex: str | None = _one_regex("Job names that deploy to production (replaces).")
    staging_env_regex: str | None = _one_regex("Environment names that are staging (replaces).")
    default_branches: tuple[str, ...] | None = option(
        None,
        'The branches that deploy to production (replaces ["main", "master"]).',
        policies=_CLASSIFIER,
        parse=_optional_strings,
        type_text="list of string",
    )
    test_patterns: tuple[str, ...] = _pattern_list("More commands that run tests (regexes).")
    test_job_regex: str | None = _one_regex("Job names that count as test jobs (replaces).")
    scan_patterns: tuple[str, ...] | Mapping[str, tuple[str, ...]] | None = option(
        None,
        "More security-scan commands: a list, or a table of category = list.",
        policies=_CLASSIFIER,
        parse=_categorised,
        type_text="list or table of regex",
    )
    scan_actions: tuple[str, ...] | Mapping[str, tuple[str, ...]] | None = option(
        None,
        "More security-scan actions: a list, or a table of category = list.",
        policies=_CLASSIFIER,
        parse=_categorised,
        type_text="list or table of glob",
    )
    rollback_patterns: tuple[str, ...] = _pattern_list("More commands that roll back (regexes).")
    rollback_actions: tuple[str, ...] = _action_list("More actions that roll back (globs).")
    verify_patterns: tuple[str, ...] = _pattern_list(
        "More commands that verify a deploy (regexes)."
    )
    verify_actions: tuple[str, ...] = _action_list("More actions that verify a deploy (globs).")
    deploy_env_regex: str | None = _one_regex(
        "Environment names that are deployment targets, so that an environment alone makes a "
        "job a deploy job (replaces; an environment with a url always counts)."
    )
    release_patterns: tuple[str, ...] = _pattern_list(
        "More commands that publish a release: a package, an image (regexes)."
    )
    release_actions: tuple[str, ...] = _action_list("More actions that publish a release (globs).")

    # -- GHA-029
    protected_branches: tuple[str, ...] = option(
        ("release/**", "releases/**"),
        "Branch globs that only reviewed changes reach, besides `default_branches` "
        "(a production deploy may run for pushes to them).",
        policies=("GHA-029",),
        parse=_strings,
        type_text="list of glob",
    )

    # -- GHA-019 job-timeouts-bounded, GHA-021 staging-before-production
    ci_job_timeout_max: int = option(
        10,
        "The largest timeout-minutes a CI job (not a deploy or release job, in a workflow "
        "run by push, pull_request or merge_group) may set.",
        policies=("GHA-019",),
        parse=positive_int,
        type_text="integer (minutes)",
    )
    deploy_job_timeout_max: int = option(
        30,
        "The largest timeout-minutes a deploy job may set.",
        policies=("GHA-019",),
        parse=positive_int,
        type_text="integer (minutes)",
    )
    promotion_workflows_ok: bool = option(
        False,
        "A production deploy in a promotion-only workflow (run only by workflow_dispatch, "
        "release or workflow_run) needs no staging job in the same workflow.",
        policies=("GHA-021",),
    )

    # -- GHA-013, GHA-014 (deploy gating)
    assume_required_checks: bool = option(
        False,
        "Branch protection requires the CI checks before a merge: a workflow that only runs on "
        "push to the default branches (or on tags) deploys tested code (GHA-013), and no "
        "push-triggered check run is needed on the default branch (GHA-023).",
        policies=("GHA-013", "GHA-023"),
    )
    required_scan_kinds: tuple[str, ...] = option(
        (),
        "Security-scan categories every deploy job must be gated by, across the scan jobs it "
        f"needs and its own scan steps (any of: {', '.join(SCAN_KINDS)}).",
        policies=("GHA-014",),
        parse=_scan_kinds,
        type_text="list of string",
    )

    # -- discovery: workflows outside .github/workflows (catalog §3.1)
    workflow_dirs: tuple[str, ...] = option(
        (),
        "More directories whose YAML files are workflows when they hold a top-level `jobs` "
        "mapping and an `on` key (globs relative to the rootdir, e.g. "
        '`["workflow-templates"]`; on the command line, comma-separated).',
        parse=_workflow_dirs,
        type_text="list of glob",
    )
    # -- repo-level policies (GHA-015, GHA-023) --
    dependabot_counts_as_scan: bool = option(
        True,
        "A .github/dependabot.yml with update entries, or a Renovate config that is not "
        "turned off, counts as dependency scanning on pull requests (GHA-015 (b)).",
        policies=("GHA-015",),
    )
    lint_patterns: tuple[str, ...] = option(
        (),
        "More commands that lint or check formatting (regexes, matched at a command start).",
        policies=("GHA-023",),
        parse=_regexes,
        type_text="list of regex",
    )
    lint_actions: tuple[str, ...] = option(
        (),
        "More actions that lint (globs over owner/repo[/path]).",
        policies=("GHA-023",),
        parse=_strings,
        type_text="list of glob",
    )

    # -- GHA-006 no-secret-overexposure
    allowed_secret_hosts: tuple[str, ...] = option(
        (),
        "Hosts (globs such as `*.example.com`) that run steps may send secrets to with curl "
        "or wget; the job's own GITHUB_TOKEN may always go to GitHub's hosts.",
        policies=("GHA-006",),
        parse=_strings,
        type_text="list of glob",
    )
    secrets_require_environment: bool = option(
        False,
        "Secrets other than GITHUB_TOKEN may only be used in jobs that set an `environment` "
        "(findings at medium).",
        policies=("GHA-006",),
    )
