"""``on:`` triggers (catalog §3.2-1): events, their filters, and GitHub's filter globs.

``on`` may be a string, a list, or a mapping whose values are null, filters
(``branches``, ``tags``, ``paths``, ``types``...) or, for ``schedule``, a list of crons.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.github_actions.values import as_mapping, as_strings, as_text
from pytest_devops_policy.formats.yamlload import Document
from pytest_devops_policy.model import ParseError

__all__ = ["Trigger", "Triggers", "github_glob_match", "parse_triggers"]

Path = tuple[PathPart, ...]


def github_glob_match(pattern: str, name: str) -> bool:
    """GitHub's filter glob: ``*`` stops at ``/``, ``**`` does not; ``?``, ``+``, ``[]`` too."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("?" if out else re.escape(ch))  # zero or one of the preceding char
        elif ch == "+":
            out.append("+" if out else re.escape(ch))
        elif ch == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                out.append(re.escape(ch))
            else:
                out.append(pattern[i : close + 1])
                i = close + 1
                continue
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.fullmatch("".join(out), name) is not None
    except re.error:
        return fnmatch.fnmatchcase(name, pattern)


def _filter_includes(patterns: Sequence[str], name: str) -> bool:
    """``branches``-style list: the last matching pattern wins; ``!`` negates."""
    included = False
    for p in patterns:
        if p.startswith("!"):
            if github_glob_match(p[1:], name):
                included = False
        elif github_glob_match(p, name):
            included = True
    return included


@dataclass(frozen=True)
class Trigger:
    """One event under ``on``; ``config`` is ``{}`` for ``push:`` or the string form."""

    event: str
    config: Mapping[str, Any]
    line: int
    raw: Any = None

    def filter(self, name: str) -> tuple[str, ...] | None:
        """A filter list (``branches``, ``tags``, ``paths``, ``types``...) or ``None`` if absent."""
        if name not in self.config:
            return None
        return as_strings(self.config[name])

    @property
    def crons(self) -> tuple[str, ...]:
        """``schedule`` crons."""
        if not isinstance(self.raw, list):
            return ()
        return tuple(c for c in (as_text(as_mapping(i).get("cron")) for i in self.raw) if c)

    @property
    def inputs(self) -> Mapping[str, Any]:
        """``workflow_dispatch`` / ``workflow_call`` inputs."""
        return as_mapping(self.config.get("inputs"))

    def _branch_side(self) -> bool:
        """Whether pushes of branches (not only tags) trigger."""
        has_b = "branches" in self.config or "branches-ignore" in self.config
        has_t = "tags" in self.config or "tags-ignore" in self.config
        return has_b or not has_t

    def _tag_side(self) -> bool:
        has_b = "branches" in self.config or "branches-ignore" in self.config
        has_t = "tags" in self.config or "tags-ignore" in self.config
        return has_t or not has_b

    def matches_branch(self, branch: str) -> bool:
        """For ``push``/``pull_request``-like events: does a ref of this branch trigger?"""
        if not self._branch_side():
            return False
        inc = self.filter("branches")
        if inc is not None:
            return _filter_includes(inc, branch)
        exc = self.filter("branches-ignore")
        if exc is not None:
            return not any(github_glob_match(p, branch) for p in exc)
        return True

    def matches_any_tag(self) -> bool:
        """For ``push``: do tag pushes trigger at all?"""
        if not self._tag_side():
            return False
        inc = self.filter("tags")
        return inc is None or any(not p.startswith("!") for p in inc)


@dataclass(frozen=True)
class Triggers:
    events: Mapping[str, Trigger] = field(default_factory=dict)

    def __contains__(self, event: object) -> bool:
        return event in self.events

    def __iter__(self) -> Iterator[str]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def get(self, event: str) -> Trigger | None:
        return self.events.get(event)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.events)

    def pushes_branch(self, branch: str) -> bool:
        push = self.events.get("push")
        return push is not None and push.matches_branch(branch)

    def pushes_tags(self) -> bool:
        push = self.events.get("push")
        return push is not None and push.matches_any_tag()


def parse_triggers(value: Any, doc: Document) -> Triggers:
    """``on:`` in any of its forms; a malformed one is a ``ParseError``."""
    events: dict[str, Trigger] = {}

    def line(path: Path) -> int:
        pos = doc.locate(path)
        return pos[0] if pos else 1

    if isinstance(value, str):
        events[value] = Trigger(value, {}, line(("on",)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            name = as_text(item)
            if name is None:
                pos = doc.locate(("on", i)) or (1, 1)
                raise ParseError(f"on[{i}] must be an event name, not {item!r}", *pos)
            events[name] = Trigger(name, {}, line(("on", i)))
    elif isinstance(value, dict):
        for name, cfg in value.items():
            events[name] = Trigger(name, as_mapping(cfg), line(("on", name)), cfg)
    elif value is not None:
        pos = doc.locate(("on",)) or (1, 1)
        raise ParseError(f"'on' must be an event name, a list or a mapping, not {value!r}", *pos)
    return Triggers(events)
