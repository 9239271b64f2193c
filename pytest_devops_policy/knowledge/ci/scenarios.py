"""Can a condition hold for a kind of run? The one engine GHA-018, 020, 024 and 029 ask.

All of it evaluates ``${{ }}`` expressions with ``knowledge.ci.conditions.evaluate``
(three-valued, GitHub's coercions) after folding the string functions GitHub offers for refs
(``startsWith``, ``endsWith``, ``contains``, ``format``, ``fromJSON`` of a literal, ``join``)
once their arguments are known (``evaluate_in``), so ``!startsWith(github.ref, 'refs/tags/')``
evaluates instead of staying unknown. Two ways to fix what is known:

* A *scenario* (``Scenario``) is one concrete kind of run: ``github.event_name``,
  ``github.ref`` (and ``ref_name``, ``ref_type``, ``ref_protected``), ``github.head_ref`` and
  ``github.base_ref``. Everything else (``inputs.*``, ``github.actor``...) stays unknown, so a
  condition is *excluded* by a scenario only when it is ``false`` there for sure (``outcome``,
  ``job_outcome``, ``step_outcome``; GHA-020, GHA-029).
* A *search* (``may_be_true``) gives every context an expression reads a small domain: the
  values a caller knows (``github.event_name`` is one of the workflow's events), or else
  every literal the expressions mention, the empty string and one "other" value. Equality and
  the folded string functions only distinguish a value by those literals, so trying each
  combination decides whether the expression can be true while its assumptions (the job's
  ``if:``) hold; it sees that ``github.ref == 'refs/heads/main' && github.ref !=
  'refs/heads/main'`` never is (GHA-018: can ``cancel-in-progress`` be true for this deploy?
  GHA-024: can the job run for a Friday schedule?).

``job_outcome`` also follows ``needs``: a job whose direct need is skipped in the
scenario is skipped too, unless its ``if:`` calls a status function (``always()``)
that overrides GitHub's implicit ``success()``.

Attacker-chosen names (a branch pushed by anyone with write access, a fork's head
branch) are tried from ``attacker_branches``: fixed samples plus variations of every
string literal the conditions compare with (``main`` gives ``main-x``, ``x/main``...),
so ``endsWith(github.ref, '/main')`` and ``contains(github.ref, 'release')`` are seen
through. Nothing here executes anything from the file.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import (
    BinOp,
    Call,
    Ctx,
    Lit,
    Node,
    Not,
    find_expressions,
    walk,
)
from pytest_devops_policy.formats.github_actions.triggers import github_glob_match
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.knowledge.ci.conditions import (
    UNKNOWN,
    condition_node,
    evaluate,
    truthy,
)

__all__ = [
    "OTHER",
    "STATUS_NORMAL",
    "Scenario",
    "attacker_branches",
    "condition_literals",
    "evaluate_in",
    "job_outcome",
    "matches_any",
    "may_be_true",
    "outcome",
    "possible_values",
    "step_outcome",
    "value_in",
]

Lookup = Callable[[tuple[str, ...]], Any]


@dataclass(frozen=True)
class Scenario:
    """One kind of run: the ``github`` context values fixed when it starts."""

    event: str
    ref: str
    label: str  # for messages: "a pull_request event", "a push to branch 'feature'"
    head_ref: str = ""
    base_ref: str = ""
    ref_protected: bool = False

    @property
    def ref_name(self) -> str:
        for prefix in ("refs/heads/", "refs/tags/", "refs/pull/"):
            if self.ref.startswith(prefix):
                return self.ref[len(prefix) :]
        return self.ref

    @property
    def ref_type(self) -> str:
        return "tag" if self.ref.startswith("refs/tags/") else "branch"

    def lookup(self, path: tuple[str, ...]) -> Any:
        """The value of a context path (lowercase segments) in this scenario, or ``UNKNOWN``."""
        if len(path) == 2 and path[0] == "github":
            name = path[1]
            values: dict[str, Any] = {
                "event_name": self.event,
                "ref": self.ref,
                "ref_name": self.ref_name,
                "ref_type": self.ref_type,
                "ref_protected": self.ref_protected,
                "head_ref": self.head_ref,
                "base_ref": self.base_ref,
            }
            return values.get(name, UNKNOWN)
        if path == ("github", "event", "ref") and self.event in ("push", "create", "delete"):
            return self.ref
        return UNKNOWN


# --------------------------------------------------------------------------
# folding the ref functions


def _text(value: Any) -> str:
    """GitHub's string coercion for the ref functions."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _array(node: Node) -> list[Any] | None:
    """``fromJSON('["push", "release"]')``: a literal JSON array, else ``None``."""
    if isinstance(node, Call) and node.name == "fromjson" and len(node.args) == 1:
        arg = node.args[0]
        if isinstance(arg, Lit) and isinstance(arg.value, str):
            try:
                value = json.loads(arg.value)
            except ValueError:
                return None
            if isinstance(value, list):
                return value
    return None


def _format(template: str, args: Sequence[Any]) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if template.startswith("{{", i) or template.startswith("}}", i):
            out.append(ch)
            i += 2
            continue
        if ch == "{":
            close = template.find("}", i)
            index = template[i + 1 : close] if close > 0 else ""
            if not index.isdigit() or int(index) >= len(args):
                return None
            out.append(_text(args[int(index)]))
            i = close + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


_FOLDED = frozenset({"startswith", "endswith", "contains", "format", "join"})


def _fold(
    node: Node, lookup: Callable[[tuple[str, ...]], Any], functions: Mapping[str, Any]
) -> Node:
    """``node`` with the ref functions whose arguments are known replaced by their value."""
    if isinstance(node, Not):
        return Not(_fold(node.operand, lookup, functions))
    if isinstance(node, BinOp):
        return BinOp(
            node.op, _fold(node.left, lookup, functions), _fold(node.right, lookup, functions)
        )
    if not isinstance(node, Call) or node.name not in _FOLDED:
        return node
    args = tuple(_fold(a, lookup, functions) for a in node.args)
    same = Call(node.name, args)
    if node.name == "contains" and len(args) == 2:
        items = _array(args[0])
        needle = evaluate(args[1], lookup, functions)
        if items is not None:
            if needle is UNKNOWN:
                return same
            return Lit(any(_text(i).lower() == _text(needle).lower() for i in items))
    values = [evaluate(a, lookup, functions) for a in args]
    if any(v is UNKNOWN for v in values) or not values:
        return same
    if node.name in ("startswith", "endswith", "contains") and len(values) == 2:
        hay, needle_text = _text(values[0]).lower(), _text(values[1]).lower()
        if node.name == "startswith":
            return Lit(hay.startswith(needle_text))
        if node.name == "endswith":
            return Lit(hay.endswith(needle_text))
        return Lit(needle_text in hay)
    if node.name == "format":
        text = _format(_text(values[0]), values[1:])
        return same if text is None else Lit(text)
    return same


def evaluate_in(node: Node, lookup: Lookup, functions: Mapping[str, Any]) -> Any:
    """The value of an expression where ``lookup`` gives the known contexts (a scenario's
    ``lookup``, or one combination of a search); ``UNKNOWN`` where it depends on more."""
    return evaluate(_fold(node, lookup, functions), lookup, functions)


@lru_cache(maxsize=1024)
def _condition(condition: str | None) -> Node | None:
    return condition_node(condition)


def outcome(condition: str | None, scenario: Scenario, functions: Mapping[str, Any]) -> bool | None:
    """Would ``if: condition`` hold in the scenario? ``None`` when it depends on unknowns
    (or does not parse)."""
    node = _condition(condition)
    if node is None:
        return None
    return truthy(evaluate_in(node, scenario.lookup, functions))


def value_in(value: Any, scenario: Scenario) -> Any:
    """A ``with:`` input's value in a scenario: a literal as is, a ``${{ }}`` value
    evaluated (a template of text and expressions rendered), ``UNKNOWN`` when it depends
    on more than the scenario knows."""
    if not isinstance(value, str):
        return value
    exprs = find_expressions(value)
    if not exprs:
        return value
    functions: Mapping[str, Any] = {}
    parts: list[str] = []
    pos = 0
    for e in exprs:
        if e.node is None:
            return UNKNOWN
        v = evaluate_in(e.node, scenario.lookup, functions)
        if v is UNKNOWN:
            return UNKNOWN
        if len(exprs) == 1 and e.start == 0 and e.end == len(value.strip()):
            return v
        parts += [value[pos : e.start], _text(v)]
        pos = e.end
    parts.append(value[pos:])
    return "".join(parts)


# --------------------------------------------------------------------------
# jobs and their needs


def _status_functions(skipped: bool | None) -> dict[str, Any]:
    """Status functions for a run where every needed job that ran succeeded.

    ``success()`` is false when a needed job was skipped; ``failure()`` stays unknown
    (a needed job may fail), so an ``if: failure()`` job is not taken as excluded.
    """
    success: Any = UNKNOWN if skipped is None else not skipped
    return {"success": success, "always": True, "cancelled": False, "failure": UNKNOWN}


def job_outcome(
    job: Job, scenario: Scenario, _memo: dict[str, bool | None] | None = None
) -> bool | None:
    """Can ``job`` run in the scenario? ``False`` only when its ``if:`` (or a needed job's,
    through GitHub's implicit ``success()``) excludes it for sure."""
    memo = {} if _memo is None else _memo
    if job.id in memo:
        return memo[job.id]
    memo[job.id] = None  # cycles are a parse error already; this only guards recursion
    deps = [job.workflow.jobs[d] for d in job.needs if d in job.workflow.jobs]
    results = [job_outcome(d, scenario, memo) for d in deps]
    skipped: bool | None = False
    if any(r is False for r in results):
        skipped = True
    elif any(r is None for r in results):
        skipped = None
    result = outcome(job.if_, scenario, _status_functions(skipped))
    memo[job.id] = result
    return result


def step_outcome(condition: str | None, scenario: Scenario) -> bool | None:
    """Can a step with ``if: condition`` run in the scenario (earlier steps succeeded)?"""
    return outcome(condition, scenario, _status_functions(False))


# --------------------------------------------------------------------------
# attacker-chosen branch names


def _literals_of(text: str | None) -> Iterator[str]:
    if not text:
        return
    node = condition_node(text)
    if node is None:
        return
    for n in walk(node):
        if isinstance(n, Lit) and isinstance(n.value, str) and n.value:
            yield n.value
            if n.value.lstrip().startswith("["):  # fromJSON('["main", "dev"]')
                try:
                    items = json.loads(n.value)
                except ValueError:
                    continue
                if isinstance(items, list):
                    yield from (str(i) for i in items)


def condition_literals(job: Job) -> list[str]:
    """The string literals of the ``if:`` of a job and of every job it needs."""
    seen: dict[str, None] = {}
    jobs = [
        job,
        *(job.workflow.jobs[j] for j in sorted(job.needs_closure) if j in job.workflow.jobs),
    ]
    for j in jobs:
        for lit in _literals_of(j.if_):
            seen[lit] = None
    return list(seen)


def _instances(pattern: str) -> Iterator[str]:
    """Concrete names a glob matches (``release/*`` -> ``release/x``)."""
    text = pattern.lstrip("!")
    yield text.replace("**", "x/y").replace("*", "x").replace("?", "").replace("+", "")


def attacker_branches(literals: Iterable[str], protected: Callable[[str], bool]) -> list[str]:
    """Branch names anyone with write access could push, not protected, to try against
    conditions: samples plus variations of the literals the conditions compare with."""
    out: dict[str, None] = {}

    def add(name: str) -> None:
        name = name.strip().strip("/")
        if name and " " not in name and not protected(name):
            out[name] = None

    for sample in ("feature", "feature/x", "dependabot/npm_and_yarn/x"):
        add(sample)
    for lit in literals:
        core = lit
        for prefix in ("refs/heads/", "refs/tags/"):
            core = core.removeprefix(prefix)
        core = core.strip("/")
        for inst in _instances(core):
            for name in (inst, f"{inst}-x", f"x-{inst}", f"x/{inst}", f"x{inst}", f"{inst}x"):
                add(name)
        add(f"x/{lit}")
    return list(out)


def matches_any(patterns: Iterable[str], name: str) -> bool:
    """Whether ``name`` matches one of GitHub's filter globs."""
    return any(github_glob_match(p, name) for p in patterns)


# --------------------------------------------------------------------------
# searching the values contexts may take

OTHER = "\x00other"  # a value equal to no literal of the expressions
# Status functions on the normal path (the needed jobs succeeded, nothing was cancelled).
STATUS_NORMAL: Mapping[str, bool] = {
    "success": True,
    "always": True,
    "failure": False,
    "cancelled": False,
}


def _literals(nodes: Iterable[Node]) -> list[Any]:
    found: list[Any] = []
    for root in nodes:
        for n in walk(root):
            if isinstance(n, Lit) and n.value not in found:
                found.append(n.value)
    return found


def may_be_true(
    node: Node,
    assumptions: Sequence[Node] = (),
    domains: Mapping[tuple[str, ...], Sequence[Any]] | None = None,
    status: Mapping[str, bool] = STATUS_NORMAL,
    limit: int = 4096,
) -> bool | None:
    """Whether some values of the contexts make ``node`` true (or unknown) while no
    assumption is false. ``domains`` fixes the possible values of some contexts (paths as
    in ``Ctx.path``). ``None``: too many combinations to try."""
    nodes = [node, *assumptions]
    paths: list[tuple[str, ...]] = []
    for root in nodes:
        for n in walk(root):
            if isinstance(n, Ctx) and n.path not in paths:
                paths.append(n.path)
    literals = [v for v in _literals(nodes) if v not in ("", OTHER)]
    generic = [*literals, "", OTHER]
    choices = [list((domains or {}).get(p, generic)) or [OTHER] for p in paths]
    if math.prod(len(c) for c in choices) > limit:
        return None
    for values in itertools.product(*choices):
        env = dict(zip(paths, values, strict=True))

        def lookup(path: tuple[str, ...], env: dict[tuple[str, ...], Any] = env) -> Any:
            return env.get(path, UNKNOWN)

        if any(truthy(evaluate_in(a, lookup, status)) is False for a in assumptions):
            continue
        if truthy(evaluate_in(node, lookup, status)) is not False:
            return True
    return False


# --------------------------------------------------------------------------
# the values an expression can give

_TRUTHY, _FALSY, _ANY = (object(), object(), object())  # some value, known only so far


def _split(values: list[Any]) -> tuple[list[Any], list[Any]]:
    """(the values that may be truthy, the values that may be falsy)."""
    yes: list[Any] = []
    no: list[Any] = []
    for v in values:
        if v is _ANY:
            yes.append(_TRUTHY)
            no.append(_FALSY)
        elif v is _TRUTHY or v is _FALSY:
            (yes if v is _TRUTHY else no).append(v)
        else:
            (yes if truthy(v) else no).append(v)
    return yes, no


def _values(node: Node, lookup: Callable[[tuple[str, ...]], list[Any] | None]) -> list[Any]:
    if isinstance(node, Lit):
        return [node.value]
    if isinstance(node, Ctx):
        found = lookup(node.path)
        return list(found) if found is not None else [_ANY]
    if isinstance(node, BinOp) and node.op in ("&&", "||"):
        yes, no = _split(_values(node.left, lookup))
        if node.op == "&&":
            return [*no, *(_values(node.right, lookup) if yes else [])]
        return [*yes, *(_values(node.right, lookup) if no else [])]
    if isinstance(node, Call) and node.name == "fromjson" and len(node.args) == 1:
        out: list[Any] = []
        for v in _values(node.args[0], lookup):
            try:
                out.append(json.loads(v) if isinstance(v, str) else _ANY)
            except ValueError:
                out.append(_ANY)
        return out
    return [_ANY]


def possible_values(
    node: Node, lookup: Callable[[tuple[str, ...]], list[Any] | None] | None = None
) -> list[Any] | None:
    """Every value ``node`` can give, or ``None`` when one depends on something unknown.

    ``&&`` and ``||`` give one of their operands, so ``matrix.pgo && 60 || 30`` gives 60 or
    30 whatever ``matrix.pgo`` is; ``lookup(path)`` lists a context's possible values
    (``None``: unknown), and ``fromJSON`` of a known text is read.
    """
    found = _values(node, lookup or (lambda _path: None))
    if any(v is _ANY or v is _TRUTHY or v is _FALSY for v in found):
        return None
    unique: list[Any] = []
    for v in found:
        if not any(type(v) is type(u) and v == u for u in unique):
            unique.append(v)
    return unique
