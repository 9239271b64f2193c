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

from pytest_devops_policy.options.spec import KindOptions, option

__all__ = ["PIN_MODES", "GhaOptions"]

PIN_MODES = ("hash-pin", "ref-pin", "any")
_CLASSIFIER = ("GHA-016",)


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


def _pattern_list(doc: str) -> tuple[str, ...]:
    return option((), doc, policies=_CLASSIFIER, parse=_regexes, type_text="list of regex")  # type: ignore[no-any-return]


def _action_list(doc: str) -> tuple[str, ...]:
    return option((), doc, policies=_CLASSIFIER, parse=_strings, type_text="list of glob")  # type: ignore[no-any-return]


def _one_regex(doc: str) -> str | None:
    return option(None, doc, policies=_CLASSIFIER, parse=_regex, type_text="regex")  # type: ignore[no-any-return]


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

    # -- GHA-006 no-secret-overexposure (helper gha-secrets)
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
