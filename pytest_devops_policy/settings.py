"""Settings: command line over ``[tool.devops-policy]`` over defaults, built once.

The result is a frozen dataclass stored in ``config.stash``; nothing else reads
options directly, and there are no module-level globals.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_devops_policy.api import Severity
from pytest_devops_policy.waivers import Waiver, config_waivers, spec_matches

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
KIND_TABLES = ("docker", "k8s", "gha", "gl", "tf", "secrets")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)


@dataclass(frozen=True)
class Settings:
    enabled: bool = False
    only: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    strict_waivers: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    waivers: tuple[Waiver, ...] = ()
    # Per-kind knobs flattened to dotted keys: {"docker.healthcheck": "off", ...}
    options: Mapping[str, Any] = field(default_factory=dict)
    config_path: str | None = None
    cache: bool = True  # reuse file results from pytest's cache directory
    lean: bool = True  # the lean runtest protocol for policy items (protocol.py)
    today: dt.date = field(default_factory=dt.date.today)

    def selects(self, policy_id: str, name: str) -> bool:
        """``select`` narrows (empty = everything); ``ignore`` removes."""
        if self.select and not any(spec_matches(s, policy_id, name) for s in self.select):
            return False
        return not any(spec_matches(s, policy_id, name) for s in self.ignore)


def parse_size(text: str | int) -> int:
    if isinstance(text, int):
        return text
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"cannot read size {text!r} (examples: 5MiB, 512k, 1048576)")
    number = float(m.group(1))
    unit = (m.group(2) or "b").lower()[:1]
    factor = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    return int(number * factor)


def _split(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in str(v).split(",") if p.strip())
    return tuple(out)


def _table_list(table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _normalise(table: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).replace("-", "_"): v for k, v in table.items()}


def load_table(path: str) -> dict[str, Any]:
    """``[tool.devops-policy]`` of a pyproject.toml (or the whole file for other TOML files)."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    if os.path.basename(path) == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("devops-policy", {})
    else:
        table = data
    if not isinstance(table, dict):
        raise pytest.UsageError(f"{path}: [tool.devops-policy] must be a table")
    return table


def build(config: pytest.Config) -> Settings:
    opt = config.getoption
    config_path = opt("devops_policy_config")
    if config_path is None:
        candidate = config.rootpath / "pyproject.toml"
        config_path = str(candidate) if candidate.is_file() else None
    elif not os.path.isfile(config_path):
        raise pytest.UsageError(f"--devops-policy-config: no such file: {config_path}")
    raw: dict[str, Any] = {}
    if config_path:
        try:
            raw = load_table(config_path)
        except tomllib.TOMLDecodeError as exc:
            raise pytest.UsageError(f"{config_path}: invalid TOML: {exc}") from None
    table = _normalise(raw)

    options: dict[str, Any] = {}
    for kind in KIND_TABLES:
        sub = raw.get(kind)
        if isinstance(sub, dict):
            for key, value in sub.items():
                options[f"{kind}.{str(key).replace('-', '_')}"] = value
    for item in opt("devops_policy_option") or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise pytest.UsageError(f"--devops-policy-option expects KEY=VALUE, got {item!r}")
        options[key.strip()] = _scalar(value.strip())
    if opt("devops_policy_k8s_scope"):
        options["k8s.scope"] = opt("devops_policy_k8s_scope")
    if opt("devops_policy_k8s_version"):
        options["k8s.version"] = opt("devops_policy_k8s_version")
    if opt("devops_policy_helm_render"):
        options["k8s.helm_render"] = True
    scope = options.get("k8s.scope", "session")
    if scope not in ("session", "dir", "file"):
        raise pytest.UsageError(f"k8s.scope must be session, dir or file, not {scope!r}")
    build_args = dict(options.get("docker.build_args", {}) or {})
    for item in opt("devops_policy_docker_build_arg") or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise pytest.UsageError(
                f"--devops-policy-docker-build-arg expects KEY=VALUE, got {item!r}"
            )
        build_args[key.strip()] = value
    if build_args:
        options["docker.build_args"] = build_args

    enabled = bool(
        opt("devops_policy") or opt("devops_policy_only") or config.getini("devops_policy")
    )
    fail_on_text = opt("devops_policy_fail_on") or table.get("fail_on") or "low"
    size_text = opt("devops_policy_max_file_size") or table.get("max_file_size")
    try:
        fail_on = Severity.parse(fail_on_text)
        max_size = parse_size(size_text) if size_text is not None else DEFAULT_MAX_FILE_SIZE
    except ValueError as exc:
        raise pytest.UsageError(f"devops-policy: {exc}") from None

    select = _split(opt("devops_policy_select")) or tuple(_table_list(table, "select"))
    ignore = _split(opt("devops_policy_ignore")) + tuple(_table_list(table, "ignore"))
    today = dt.date.today()
    if os.environ.get("DEVOPS_POLICY_TODAY"):  # lets tests and audits replay a date
        today = dt.date.fromisoformat(os.environ["DEVOPS_POLICY_TODAY"])
    waivers = config_waivers(raw.get("waivers", []), config_path or "pyproject.toml")
    return Settings(
        enabled=enabled,
        only=bool(opt("devops_policy_only")),
        select=select,
        ignore=ignore,
        fail_on=fail_on,
        strict_waivers=bool(opt("devops_policy_strict_waivers") or table.get("strict_waivers")),
        cache=not opt("devops_policy_no_cache") and table.get("cache", True) is not False,
        lean=(opt("devops_policy_protocol") or table.get("protocol") or "lean") == "lean",
        max_file_size=max_size,
        waivers=tuple(waivers),
        options=options,
        config_path=config_path,
        today=today,
    )


def _scalar(text: str) -> Any:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(text)
    except ValueError:
        return text
