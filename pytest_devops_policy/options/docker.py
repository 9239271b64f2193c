"""Dockerfile options: ``[tool.devops-policy.docker]``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Literal

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = ["DEFAULT_ALLOWED_FRONTENDS", "DEFAULT_MAX_FILES", "DockerOptions"]

DEFAULT_ALLOWED_FRONTENDS = ("docker/dockerfile:*",)
DEFAULT_MAX_FILES = 20_000  # entries visited per build-context walk


def _build_args(value: object) -> Mapping[str, str]:
    """A table of KEY = VALUE, or ["KEY=VALUE", ...] as on the command line."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): str(v) for k, v in value.items()})
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError("must be a table of KEY = VALUE")
    args: dict[str, str] = {}
    for item in items:
        key, sep, text = str(item).partition("=")
        if not sep:
            raise ValueError(f"expected KEY=VALUE, got {item!r}")
        args[key.strip()] = text
    return MappingProxyType(args)


def _optional_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _eol_date(value: object) -> str | dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "bundled", "today"):
            return text or "bundled"
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError('must be "bundled", "today" or a YYYY-MM-DD date')


@dataclass(frozen=True)
class DockerOptions(KindOptions):
    TABLE: ClassVar[str] = "docker"

    target: str | None = option(
        None,
        "The stage that is shipped (like `docker build --target`); default: the last stage.",
        parse=_optional_text,
        type_text="string",
    )
    build_args: Mapping[str, str] = option(
        MappingProxyType({}),
        "Build arguments used to resolve `ARG` values, like `docker build --build-arg` "
        '(a table `{BASE = "python:3.12"}` or a list of `"KEY=VALUE"`; also '
        "`--devops-policy-docker-build-arg`).",
        parse=_build_args,
        type_text="table of string",
    )
    context: str | None = option(
        None,
        "The build context, relative to the rootdir; default: the Dockerfile's directory "
        "(per file: a `# devops-policy: context= ../..` comment).",
        policies=("DOCKER-007", "DOCKER-008"),
        parse=_optional_text,
        type_text="string",
    )
    context_max_files: int = option(
        DEFAULT_MAX_FILES,
        "Entries visited per build-context walk; a larger context is 'cannot be checked'.",
        policies=("DOCKER-007", "DOCKER-008"),
        parse=positive_int,
        type_text="positive integer",
    )
    healthcheck: Literal["required", "off"] = option(
        "required",
        "`off` turns the HEALTHCHECK requirement off (orchestrators that probe instead).",
        policies=("DOCKER-005",),
    )
    healthcheck_inherited: tuple[str, ...] = option(
        (),
        "Base images (globs) known to define a HEALTHCHECK that the shipped stage inherits.",
        policies=("DOCKER-005",),
    )
    nonroot_base_allowlist: tuple[str, ...] = option(
        (),
        "Base images (globs) known to run as a non-root user, added to the built-in list; "
        '`"!glob"` excludes.',
        policies=("DOCKER-001",),
    )
    allowed_frontends: tuple[str, ...] = option(
        DEFAULT_ALLOWED_FRONTENDS,
        "`# syntax=` frontend images (globs) that are allowed; replaces the default.",
        policies=("DOCKER-021",),
    )
    allow_signed_http_apt: bool = option(
        True,
        "Accept plain-HTTP apt sources (their packages are signature-checked).",
        policies=("DOCKER-012",),
    )
    eol_table_date: str | dt.date = option(
        "bundled",
        "The date end-of-life is judged at: `bundled` (the shipped table's date, so results "
        "do not change by themselves), `today`, or a YYYY-MM-DD date.",
        policies=("DOCKER-023",),
        parse=_eol_date,
        type_text="string or date",
    )
