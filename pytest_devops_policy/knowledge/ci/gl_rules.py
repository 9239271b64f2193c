"""GitLab ``rules:`` read for one kind of pipeline: can this job (or pipeline) run there?

A *scenario* is one kind of pipeline with what its predefined variables are known to hold
(``$CI_PIPELINE_SOURCE == "push"``, ``$CI_COMMIT_BRANCH`` set to some feature branch,
``$CI_MERGE_REQUEST_IID`` unset...). ``if:`` expressions are evaluated three-valued: True,
False, or ``None`` when the answer depends on what the file cannot show (a commit message,
a project variable, a regex over a branch name). Rules are then read in order, as GitLab
does: the first matching rule decides; no match leaves the job out.

GitLab's expression language: ``$VAR``, ``==``/``!=`` against a string, another variable or
``null``, ``=~``/``!~`` against ``/regex/flags``, ``&&``, ``||`` and parentheses.
``changes:`` and ``exists:`` are treated as matching (on a branch push with an open merge
request both pipelines see the same changed files), so only ``if:`` restricts a rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.formats.gitlab_ci.pipeline import Rule

__all__ = [
    "BRANCH_PUSH",
    "MERGE_REQUEST",
    "Scenario",
    "Symbol",
    "evaluate",
    "legacy_runs",
    "rules_run",
]


@dataclass(frozen=True)
class Symbol:
    """A defined, non-empty value the file cannot spell out: some feature branch's name.
    Two symbols are equal only when they are the same symbol; a ``specific`` symbol (a
    branch that has a merge request open) never equals a literal branch name: such
    branches are not ``main`` or ``release/1.2``, which are merge request targets."""

    name: str
    specific: bool = False


UNKNOWN = object()  # defined or not: the file cannot tell
Value = Any  # None (unset), str, Symbol, or UNKNOWN


@dataclass(frozen=True)
class Scenario:
    label: str
    values: Mapping[str, Value]
    user: Mapping[str, Value] = field(default_factory=dict)

    def with_user(self, variables: Mapping[str, Any]) -> Scenario:
        """The pipeline's ``variables:`` (literal values; ``$`` references unknown)."""
        user: dict[str, Value] = {}
        for name, raw in variables.items():
            value = raw.get("value") if isinstance(raw, Mapping) else raw
            if value is None or isinstance(value, (list, Mapping)):
                user[name] = UNKNOWN
            else:
                text = str(value).lower() if isinstance(value, bool) else str(value)
                user[name] = UNKNOWN if "$" in text else text
        return Scenario(self.label, self.values, user)

    def lookup(self, name: str) -> Value:
        if name in self.values:
            return self.values[name]
        if name.startswith(("CI_", "GITLAB_")):
            return UNKNOWN
        # A variable the file never defines is unset (a project variable could set it:
        # the documented default is assumed).
        return self.user.get(name)


_FEATURE = Symbol("feature-branch", specific=True)
_DEFAULT = Symbol("default-branch")
_MR_COMMON: dict[str, Value] = {
    "CI_COMMIT_TAG": None,
    "CI_COMMIT_REF_NAME": _FEATURE,
    "CI_COMMIT_REF_SLUG": _FEATURE,
    "CI_DEFAULT_BRANCH": _DEFAULT,
    "CI_OPEN_MERGE_REQUESTS": Symbol("open-merge-requests"),
    "CI_EXTERNAL_PULL_REQUEST_IID": None,
}
_MR_VARS = (
    "CI_MERGE_REQUEST_ID",
    "CI_MERGE_REQUEST_IID",
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_MERGE_REQUEST_EVENT_TYPE",
    "CI_MERGE_REQUEST_PROJECT_ID",
    "CI_MERGE_REQUEST_TITLE",
    "CI_MERGE_REQUEST_LABELS",
)

# A merge request pipeline for a feature branch.
MERGE_REQUEST = Scenario(
    "merge request pipeline",
    {
        **_MR_COMMON,
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_COMMIT_BRANCH": None,
        **{v: Symbol(v) for v in _MR_VARS},
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": _FEATURE,
    },
)
# A branch pipeline for a push to that feature branch, while its merge request is open.
BRANCH_PUSH = Scenario(
    "branch pipeline",
    {
        **_MR_COMMON,
        "CI_PIPELINE_SOURCE": "push",
        "CI_COMMIT_BRANCH": _FEATURE,
        **{v: None for v in _MR_VARS},
    },
)

# --------------------------------------------------------------------------
# expressions

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<var>\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<re>/(?:[^/\\]|\\.)*/[a-z]*)
    | (?P<op>==|!=|=~|!~|&&|\|\||\(|\))
    | (?P<null>null\b)
    )""",
    re.VERBOSE,
)


class _Unreadable(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _Unreadable(text[pos:])
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _regex(literal: str) -> re.Pattern[str] | None:
    body, _, flags = literal[1:].rpartition("/")
    try:
        return re.compile(body, re.IGNORECASE if "i" in flags else 0)
    except re.error:
        return None


def _not(v: bool | None) -> bool | None:
    return None if v is None else not v


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return True if a is True and b is True else None


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return False if a is False and b is False else None


def _equal(a: Value, b: Value) -> bool | None:
    if a is UNKNOWN or b is UNKNOWN:
        return None
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, Symbol) and isinstance(b, Symbol):
        return True if a == b else (False if a.specific or b.specific else None)
    sym = a if isinstance(a, Symbol) else b
    return False if sym.specific else None


def _matches(a: Value, pattern: re.Pattern[str] | None) -> bool | None:
    if a is UNKNOWN or pattern is None:
        return None
    if a is None:
        return False
    if isinstance(a, str):
        return pattern.search(a) is not None
    return None  # some branch name: whether it matches is unknowable


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], scenario: Scenario) -> None:
        self.tokens = tokens
        self.pos = 0
        self.scenario = scenario

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise _Unreadable("unexpected end")
        self.pos += 1
        return tok

    def parse(self) -> bool | None:
        value = self.or_()
        if self.peek() is not None:
            raise _Unreadable(self.peek()[1])  # type: ignore[index]
        return value

    def or_(self) -> bool | None:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            value = _or(value, self.and_())
        return value

    def and_(self) -> bool | None:
        value = self.atom()
        while self.peek() == ("op", "&&"):
            self.take()
            value = _and(value, self.atom())
        return value

    def operand(self) -> Value:
        kind, text = self.take()
        if kind == "var":
            return self.scenario.lookup(text.strip("${}"))
        if kind == "str":
            return text[1:-1]
        if kind == "null":
            return None
        raise _Unreadable(text)

    def atom(self) -> bool | None:
        if self.peek() == ("op", "("):
            self.take()
            value = self.or_()
            if self.take() != ("op", ")"):
                raise _Unreadable("missing )")
            return value
        left = self.operand()
        nxt = self.peek()
        if nxt is None or nxt[0] != "op" or nxt[1] not in ("==", "!=", "=~", "!~"):
            # A lone variable: true when set and not empty.
            if left is UNKNOWN:
                return None
            if isinstance(left, Symbol):
                return True
            return bool(left)
        op = self.take()[1]
        if op in ("==", "!="):
            result = _equal(left, self.operand())
        else:
            kind, text = self.take()
            if kind == "re":
                result = _matches(left, _regex(text))
            elif kind == "var":
                result = None  # a pattern held in a variable
            else:
                raise _Unreadable(text)
        return _not(result) if op in ("!=", "!~") else result


def evaluate(condition: str, scenario: Scenario) -> bool | None:
    """Whether an ``if:`` holds in the scenario (``None``: cannot tell, or unreadable)."""
    try:
        return _Parser(_tokens(condition), scenario).parse()
    except _Unreadable:
        return None


# --------------------------------------------------------------------------
# rules


@dataclass(frozen=True)
class Verdict:
    """Whether something runs in a scenario: ``runs`` True/False/None, and the rule that
    decides it when known (``None``: no rule, or not decided by one rule)."""

    runs: bool | None
    rule: Rule | None = None


def rules_run(rules: Iterable[Rule], scenario: Scenario, default_when: str) -> Verdict:
    """How ``rules:`` decide in the scenario: the first matching rule's ``when`` (its own,
    else ``default_when``) runs it unless ``never``; no matching rule leaves it out."""
    possible: set[bool] = set()
    decided_by: Rule | None = None
    for rule in rules:
        match = evaluate(rule.if_, scenario) if rule.if_ is not None else True
        if match is False:
            continue
        runs = (rule.when or default_when) != "never"
        if match is True:
            possible.add(runs)
            if len(possible) == 1:
                return Verdict(runs, rule if decided_by is None else None)
            return Verdict(None)
        possible.add(runs)
        decided_by = decided_by or rule
    possible.add(False)
    return Verdict(possible.pop() if len(possible) == 1 else None)


_BRANCH_REFS = frozenset({"branches", "pushes"})
_MR_REFS = frozenset({"merge_requests"})


def _refs(value: Any) -> tuple[list[str], bool]:
    """(the refs of an ``only``/``except``, whether it also has other conditions)."""
    if isinstance(value, Mapping):
        refs = value.get("refs")
        extra = any(k for k in value if k != "refs")
        return ([str(r) for r in refs] if isinstance(refs, list) else []), extra
    if isinstance(value, list):
        return [str(r) for r in value], False
    if isinstance(value, str):
        return [value], False
    return [], False


def _ref_hit(refs: list[str], scenario: Scenario) -> bool | None:
    mr = scenario.values.get("CI_PIPELINE_SOURCE") == "merge_request_event"
    hit: bool | None = False
    for ref in refs:
        if ref in (_MR_REFS if mr else _BRANCH_REFS):
            return True
        if not mr and ref.startswith("/"):
            hit = None  # a branch-name regex: may match the feature branch
    return hit


def legacy_runs(only: Any, except_: Any, scenario: Scenario) -> bool | None:
    """``only``/``except`` (no ``rules``): GitLab's default is ``only: [branches, tags]``,
    so such jobs never run in merge request pipelines unless they name
    ``merge_requests``."""
    refs, extra = _refs(only) if only is not None else (["branches", "tags"], False)
    if only is not None and not refs:
        refs = ["branches", "tags"]  # `only: {variables: ...}` keeps the default refs
    runs = _ref_hit(refs, scenario)
    if runs is True and extra:
        runs = None
    if except_ is not None and runs is not False:
        ex_refs, ex_extra = _refs(except_)
        excluded = _ref_hit(ex_refs, scenario)
        if excluded is True:
            return False
        if excluded is None or ex_extra:
            return None
    return runs
