"""Secrets in service environments: systemd ``Environment=`` and container env (HOST-008).

What counts as a secret is the file policies' rule (DOCKER-006, the shared
``knowledge.secrets``): a secret-looking name (``is_secret_name``) that is not a pointer or a
setting (``is_allowed_name``) with a value that is no placeholder or reference
(``is_placeholder``), or any name whose value has a well-known credential shape
(``detect_secrets``).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from pytest_devops_policy.knowledge.secrets.names import (
    is_allowed_name,
    is_placeholder,
    is_secret_name,
)
from pytest_devops_policy.knowledge.secrets.values import detect_secrets

__all__ = [
    "EnvEntry",
    "parse_docker_env",
    "parse_list_units",
    "parse_systemctl_env",
    "secret_kind",
]


@dataclass(frozen=True)
class EnvEntry:
    owner: str  # the unit or container
    name: str
    value: str


def secret_kind(name: str, value: str) -> str | None:
    """Why ``name=value`` holds a secret (``a secret-named variable``, ``an AWS access key
    id``...), or None."""
    if is_secret_name(name):
        if is_allowed_name(name, value) or is_placeholder(value, name):
            return None
        return "a literal in a secret-named variable"
    hits = detect_secrets(value)
    if not hits:
        return None
    label = hits[0].label
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def parse_list_units(text: str) -> list[str]:
    """Unit names from ``systemctl list-units --type=service --all --no-legend --plain``."""
    out = []
    for line in text.splitlines():
        words = [w for w in line.split() if w not in ("●", "*")]
        if words and words[0].endswith(".service"):
            out.append(words[0])
    return out


def _assignments(value: str) -> Iterator[tuple[str, str]]:
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    for word in words:
        name, eq, val = word.partition("=")
        if eq and name:
            yield name, val


def parse_systemctl_env(text: str) -> list[EnvEntry]:
    """``systemctl show -p Id -p Environment u1 u2 …``: blocks separated by blank lines."""
    out: list[EnvEntry] = []
    unit, env = "", ""
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            out.extend(EnvEntry(unit, n, v) for n, v in _assignments(env))
            unit, env = "", ""
        elif line.startswith("Id="):
            unit = line[3:].strip()
        elif line.startswith("Environment="):
            env = line[len("Environment=") :]
    return out


def parse_docker_env(text: str) -> list[EnvEntry]:
    """``docker inspect --format '{{.Name}} {{json .Config.Env}}' …``: one container a line."""
    out: list[EnvEntry] = []
    for line in text.splitlines():
        name, _, raw = line.strip().partition(" ")
        try:
            env = json.loads(raw) if raw else []
        except ValueError:
            continue
        for item in env if isinstance(env, list) else []:
            n, eq, v = str(item).partition("=")
            if eq:
                out.append(EnvEntry(name.lstrip("/"), n, v))
    return out
