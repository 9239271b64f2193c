"""What a ``$VAR`` in a GitLab CI keyword can stand for, from the file's ``variables:``.

GitLab expands ``$NAME`` and ``${NAME}`` (``$$`` is a literal ``$``) in keywords such as
``image:`` and ``services:`` with the CI/CD variables the job sees. The file gives some of
them: the job's ``variables:`` (after ``extends:``), else the global ``variables:`` (unless
``inherit: variables:`` excludes it) or a ``workflow: rules: variables:`` value; a job's
``rules: variables:`` override both when their rule matches, so every value they set is a
candidate. Values may name other variables (expanded, except ``{value: ..., expand:
false}``). Anything else (project or group settings, predefined variables the caller does not
describe, a rule that sets nothing) is only known at run time: it becomes ``UNSET`` in the
expanded text, so a caller can still read the literal parts around it.

Project CI/CD variables take precedence over the file's at run time; like the other GL
policies, we judge what the file says.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob

__all__ = ["UNSET", "Expansion", "expand_variables", "variable_values"]

UNSET = "\x00"  # a run-time value, in an expanded text
MAX_DEPTH = 10  # variables naming variables naming ...
MAX_EXPANSIONS = 32  # candidate combinations kept per text

_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Expansion:
    """One value a text can take: ``text`` with ``UNSET`` for each run-time value; ``unset``
    names those variables, ``used`` the file's variables that gave the rest (``NAME=value``)."""

    text: str
    unset: tuple[str, ...] = ()
    used: tuple[str, ...] = ()


def _scalar(value: Any) -> tuple[str, bool] | None:
    """(text, expand) of a variable definition; ``None`` when it is no scalar."""
    expand = True
    if isinstance(value, Mapping):
        expand = value.get("expand") is not False
        value = value.get("value")
    if isinstance(value, bool):
        return ("true" if value else "false"), expand
    if isinstance(value, (str, int, float)):
        return str(value), expand
    return None


def _inherits_global(job: GitLabJob, name: str) -> bool:
    inherit = job.raw.get("inherit")
    setting = inherit.get("variables") if isinstance(inherit, Mapping) else None
    if setting is False:
        return False
    if isinstance(setting, list):
        return name in [str(v) for v in setting]
    return True


def variable_values(job: GitLabJob, name: str) -> list[tuple[str, bool] | None]:
    """The definitions of ``name`` the job may see, as (text, expand); ``None`` stands for
    "not set by the file" in some case. An empty list: the file never sets it."""
    out: list[tuple[str, bool] | None] = [
        _scalar(rule.variables[name]) for rule in job.rules if name in rule.variables
    ]
    base: list[tuple[str, bool] | None] = []
    if name in job.variables:
        base.append(_scalar(job.variables[name]))
    elif _inherits_global(job, name):
        pipeline = job.pipeline
        base = [
            _scalar(rule.variables[name])
            for rule in pipeline.workflow_rules
            if name in rule.variables
        ]
        if name in pipeline.variables:
            base.append(_scalar(pipeline.variables[name]))
        elif base:
            base.append(None)  # another workflow rule sets nothing
    if out and not base:
        base.append(None)  # no rule matched: the variable is unset
    return list(dict.fromkeys([*out, *base]))


def expand_variables(
    text: str, job: GitLabJob, predefined: Mapping[str, str] | None = None
) -> list[Expansion]:
    """The values ``text`` can take in ``job`` (at most ``MAX_EXPANSIONS``). ``predefined``
    gives sample values for run-time variables whose shape the caller knows (used when the
    file does not set them)."""
    return _expand(text, job, predefined or {}, ())


def _expand(
    text: str, job: GitLabJob, predefined: Mapping[str, str], chain: tuple[str, ...]
) -> list[Expansion]:
    parts: list[list[Expansion]] = []
    pos = 0
    for m in _REF.finditer(text):
        parts.append([Expansion(text[pos : m.start()])])
        pos = m.end()
        if m.group(0) == "$$":
            parts.append([Expansion("$")])
            continue
        parts.append(_variable(m.group(1) or m.group(2), job, predefined, chain))
    parts.append([Expansion(text[pos:])])
    out: list[Expansion] = []
    for combo in itertools.product(*parts):
        out.append(
            Expansion(
                "".join(e.text for e in combo),
                tuple(dict.fromkeys(n for e in combo for n in e.unset)),
                tuple(dict.fromkeys(u for e in combo for u in e.used)),
            )
        )
        if len(out) >= MAX_EXPANSIONS:
            break
    return list(dict.fromkeys(out))


def _variable(
    name: str, job: GitLabJob, predefined: Mapping[str, str], chain: tuple[str, ...]
) -> list[Expansion]:
    if name in chain or len(chain) >= MAX_DEPTH:
        return [Expansion(UNSET, (name,))]
    values = variable_values(job, name)
    if not values:
        if name in predefined:
            return [Expansion(predefined[name])]
        return [Expansion(UNSET, (name,))]
    out: list[Expansion] = []
    for value in values:
        if value is None:
            out.append(Expansion(UNSET, (name,)))
            continue
        text, expand = value
        used = f"{name}={text}"
        if not expand:
            out.append(Expansion(text, (), (used,)))
            continue
        for e in _expand(text, job, predefined, (*chain, name)):
            out.append(Expansion(e.text, e.unset, (used, *e.used)))
    return out
