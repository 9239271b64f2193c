"""``on:`` triggers (catalog §3.2-1): events, their filters, and GitHub's filter globs.

``on`` may be a string, a list, or a mapping whose values are null, filters
(``branches``, ``tags``, ``paths``, ``types``...) or, for ``schedule``, a list of crons.
"""

from __future__ import annotations

import fnmatch
import functools
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


# A compiled glob: one step per element, ``(test, repeat)`` where ``test`` is a
# character, a compiled one-character class, or ``_SEGMENT`` / ``_ANY`` for ``*`` / ``**``,
# and ``repeat`` is ``"1"`` (exactly once), ``"?"`` (at most once) or ``"*"`` (any number).
_SEGMENT = "*"
_ANY = "**"


def _glob_steps(pattern: str) -> list[tuple[str | re.Pattern[str], str]] | None:
    """The steps of ``pattern``, or ``None`` when a ``[...]`` class is not a valid class."""
    steps: list[tuple[str | re.Pattern[str], str]] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            steps.append((_ANY, "*"))
            i += 2
            continue
        if ch == "*":
            steps.append((_SEGMENT, "*"))
        elif ch in "?+" and steps:
            # zero or one / one or more of the preceding character; after a
            # quantifier it changes nothing (the lazy/possessive regex spelling).
            test, repeat = steps[-1]
            if repeat == "1":
                if ch == "?":
                    steps[-1] = (test, "?")
                else:
                    steps.append((test, "*"))
        elif ch == "[" and pattern.find("]", i + 1) >= 0:
            close = pattern.find("]", i + 1)
            try:
                steps.append((_char_class(pattern[i : close + 1]), "1"))
            except re.error:
                return None
            i = close + 1
            continue
        else:
            steps.append((ch, "1"))
        i += 1
    return steps


@functools.lru_cache(maxsize=256)
def _char_class(text: str) -> re.Pattern[str]:
    """A ``[...]`` class: only ever matched against one character, so it cannot backtrack."""
    return re.compile(text)


def _step_accepts(test: str | re.Pattern[str], ch: str) -> bool:
    if test is _ANY:
        return True
    if test is _SEGMENT:
        return ch != "/"
    if isinstance(test, str):
        return test == ch
    return test.fullmatch(ch) is not None


def github_glob_match(pattern: str, name: str) -> bool:
    """GitHub's filter glob: ``*`` stops at ``/``, ``**`` does not; ``?``, ``+``, ``[]`` too.

    Matched by simulating all positions in the pattern at once (a Thompson NFA), so the
    time is at most ``len(pattern) * len(name)`` steps, whatever the pattern: a regex
    translation backtracks exponentially on ``**`` repeated (issue: hostile input).
    """
    steps = _glob_steps(pattern)
    if steps is None:
        return fnmatch.fnmatchcase(name, pattern)  # the stdlib translation is backtracking-safe

    def closure(states: set[int]) -> set[int]:
        # a step that may repeat zero times can be skipped
        todo = list(states)
        while todo:
            k = todo.pop()
            if k < len(steps) and steps[k][1] != "1" and k + 1 not in states:
                states.add(k + 1)
                todo.append(k + 1)
        return states

    states = closure({0})
    for ch in name:
        following: set[int] = set()
        for k in states:
            if k < len(steps):
                test, repeat = steps[k]
                if _step_accepts(test, ch):
                    following.add(k if repeat == "*" else k + 1)
        if not following:
            return False
        states = closure(following)
    return len(steps) in states


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
