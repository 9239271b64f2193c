"""GitHub Actions workflows as ``Workflow`` and ``Job`` subjects.

Recognition and semantics follow catalog §3.1/§3.2:

* YAML 1.2 scalars (``on:`` stays the string key ``"on"``), aliases resolved
  by the loader; duplicate keys are a parse error, as they are for GitHub.
* ``on`` in all its forms (string, list, mapping with null values or filters,
  ``schedule`` list) becomes ``Triggers``.
* ``needs`` is normalised to a tuple; an unknown job id or a cycle is a parse
  error (§3.2-5). The workflow keeps the transitive closure.
* ``uses`` references are parsed into ``UsesRef`` (remote action, local
  action, ``docker://`` image, reusable workflow).
* ``${{ }}`` expressions are parsed by a small expression parser, so policies
  can ask which contexts an expression *outputs* (``flows``, for injection)
  versus merely *tests* (``contains(github.event.issue.title, 'x')`` yields a
  boolean), and can evaluate ``if:`` conditions in a failure scenario.

Nothing here executes anything from the file.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.images import ImageRef, parse_image
from pytest_devops_policy.formats.yamlload import Document, load_documents
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

__all__ = [
    "FAILED",
    "KIND",
    "STATUS_FUNCTIONS",
    "SUCCEEDED",
    "UNKNOWN",
    "BinOp",
    "Call",
    "Ctx",
    "Environment",
    "Expression",
    "ExpressionError",
    "Index",
    "Job",
    "Lit",
    "Not",
    "Permissions",
    "Step",
    "Trigger",
    "Triggers",
    "UsesRef",
    "Workflow",
    "WorkflowIndex",
    "build_index",
    "condition_node",
    "condition_outcome",
    "context_matches",
    "evaluate",
    "find_expressions",
    "github_glob_match",
    "has_expression",
    "index_scope",
    "normalize_context",
    "parse",
    "parse_expression",
    "parse_uses",
    "truthy",
]

KIND = "github-actions"
Path = tuple[PathPart, ...]

_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{7,39}$")
_VERSION_TAG = re.compile(r"^v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.-]+)?$")
_BRANCH_NAMES = frozenset({"main", "master", "develop", "dev", "trunk", "next", "stable", "latest"})
_WORKFLOW_FILE = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")


# --------------------------------------------------------------------------
# small value helpers


def _text(value: object) -> str | None:
    """A scalar as text (``true`` -> ``"true"``); containers and null give ``None``."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str_tuple(value: object) -> tuple[str, ...]:
    """A string-or-list filter (``branches: main`` or ``branches: [main]``)."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(t for t in (_text(v) for v in value) if t is not None)
    t = _text(value)
    return (t,) if t is not None else ()


def has_expression(value: object) -> bool:
    """Whether a scalar contains a ``${{ }}`` expression (its value is dynamic)."""
    return isinstance(value, str) and "${{" in value


# --------------------------------------------------------------------------
# uses: references (§3.2-10)


@dataclass(frozen=True)
class UsesRef:
    """A parsed ``uses:`` value.

    ``kind`` is one of ``action`` (``owner/repo[/path]@ref``), ``reusable-workflow``
    (``owner/repo/.github/workflows/f.yml@ref``), ``local`` (``./path``),
    ``local-workflow`` (``./.github/workflows/f.yml``), ``docker``
    (``docker://image``) or ``invalid``.
    """

    raw: str
    kind: str
    owner: str = ""
    repo: str = ""
    path: str = ""
    ref: str | None = None
    local_path: str = ""
    image: ImageRef | None = None

    @property
    def is_local(self) -> bool:
        return self.kind in ("local", "local-workflow")

    @property
    def is_remote(self) -> bool:
        return self.kind in ("action", "reusable-workflow")

    @property
    def is_docker(self) -> bool:
        return self.kind == "docker"

    @property
    def is_workflow(self) -> bool:
        return self.kind in ("reusable-workflow", "local-workflow")

    @property
    def slug(self) -> str:
        """``owner/repo`` of a remote reference ('' otherwise)."""
        return f"{self.owner}/{self.repo}" if self.is_remote else ""

    @property
    def name(self) -> str:
        """The reference without its ref: ``owner/repo/path``, ``./path`` or the image name."""
        if self.is_remote:
            return f"{self.slug}/{self.path}" if self.path else self.slug
        if self.is_local:
            return self.raw
        if self.image is not None:
            return self.image.name
        return self.raw

    @property
    def file_stem(self) -> str:
        """For reusable workflows, the file name without extension (``deploy-prod``)."""
        target = self.path if self.kind == "reusable-workflow" else self.local_path
        base = target.rsplit("/", 1)[-1]
        return re.sub(r"\.ya?ml$", "", base)

    @property
    def is_sha_pinned(self) -> bool:
        """A remote reference pinned to a full 40-hex commit SHA."""
        return self.is_remote and self.ref is not None and bool(_SHA.match(self.ref))

    @property
    def is_digest_pinned(self) -> bool:
        return self.image is not None and self.image.has_sha256_digest

    @property
    def ref_kind(self) -> str:
        """What the ref looks like.

        One of ``sha``, ``short-sha``, ``version-tag``, ``branch``, ``expression``,
        ``ref`` (a tag or a branch) or ``missing``.
        """
        ref = self.ref
        if not ref:
            return "missing"
        if "${{" in ref:
            return "expression"
        if _SHA.match(ref):
            return "sha"
        if _SHORT_SHA.match(ref) and not ref.isdigit():
            return "short-sha"
        if _VERSION_TAG.match(ref):
            return "version-tag"
        if ref.lower() in _BRANCH_NAMES or "/" in ref:
            return "branch"
        return "ref"


def parse_uses(value: str) -> UsesRef:
    """Parse a ``uses:`` string into a ``UsesRef`` (never raises)."""
    raw = value.strip()
    if raw.startswith("docker://"):
        return UsesRef(raw=raw, kind="docker", image=parse_image(raw[len("docker://") :]))
    if raw.startswith("./") or raw == ".":
        local = raw[2:].rstrip("/") if raw.startswith("./") else ""
        kind = "local-workflow" if _WORKFLOW_FILE.match(local) else "local"
        return UsesRef(raw=raw, kind=kind, local_path=local)
    target, at, ref = raw.partition("@")
    parts = target.split("/")
    if len(parts) < 2 or not all(parts[:2]) or " " in target:
        return UsesRef(raw=raw, kind="invalid", ref=ref if at else None)
    owner, repo, path = parts[0], parts[1], "/".join(parts[2:]).strip("/")
    kind = "reusable-workflow" if _WORKFLOW_FILE.match(path) else "action"
    return UsesRef(raw=raw, kind=kind, owner=owner, repo=repo, path=path, ref=ref if at else None)


# --------------------------------------------------------------------------
# expressions: ${{ ... }}


class ExpressionError(ValueError):
    """An expression the parser does not understand (callers fall back conservatively)."""


@dataclass(frozen=True)
class Lit:
    value: str | float | bool | None


@dataclass(frozen=True)
class Ctx:
    """A context reference, normalised.

    Segments are lowercase, ``['x']`` becomes ``.x`` and a dynamic ``[expr]`` becomes ``*``.
    """

    path: tuple[str, ...]
    # Expressions used as dynamic indexes (`github.event[inputs.key]`): read, not output.
    indexes: tuple[Node, ...] = field(default=(), compare=False)

    @property
    def text(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Call:
    name: str  # lowercase: GitHub function names are case-insensitive
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Index:
    """Property access on something that is not a plain context (``fromJSON(x).y``)."""

    base: Node
    index: Node


Node = Lit | Ctx | Call | Not | BinOp | Index

STATUS_FUNCTIONS = frozenset({"success", "failure", "always", "cancelled"})
# Functions whose result is a boolean or a hash: their arguments never reach the output text.
_OPAQUE_FUNCTIONS = STATUS_FUNCTIONS | {"contains", "startswith", "endswith", "hashfiles"}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^']|'')*')
  | (?P<num>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\].,*])
    """,
    re.VERBOSE,
)
# Real expressions are short; bounding them keeps the recursive parser and
# tree walks far from Python's recursion limit on hostile input.
_MAX_EXPRESSION = 20_000
_MAX_TOKENS = 400
_MAX_DEPTH = 40


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExpressionError(f"unexpected character {text[pos]!r} at offset {pos}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, m.group()))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > _MAX_EXPRESSION:
            raise ExpressionError("expression too long to analyse")
        self.tokens = _tokenize(text)
        if len(self.tokens) > _MAX_TOKENS:
            raise ExpressionError("expression too long to analyse")
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            want = repr(value) if value else "more input"
            raise ExpressionError(f"expected {want}, found {tok[1] if tok else 'end'!r}")
        self.pos += 1
        return tok

    def at(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "op" and tok[1] in values

    def parse(self) -> Node:
        node = self.or_()
        extra = self.peek()
        if extra is not None:
            raise ExpressionError(f"unexpected {extra[1]!r}")
        return node

    def or_(self) -> Node:
        self.enter()
        node = self.and_()
        while self.at("||"):
            self.take()
            node = BinOp("||", node, self.and_())
        self.depth -= 1
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ExpressionError("expression nests too deeply")

    def and_(self) -> Node:
        node = self.eq()
        while self.at("&&"):
            self.take()
            node = BinOp("&&", node, self.eq())
        return node

    def eq(self) -> Node:
        node = self.cmp()
        while self.at("==", "!="):
            op = self.take()[1]
            node = BinOp(op, node, self.cmp())
        return node

    def cmp(self) -> Node:
        node = self.unary()
        while self.at("<", "<=", ">", ">="):
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at("!"):
            self.take()
            self.enter()
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            if self.at("."):
                self.take()
                kind, value = self.take()
                if kind == "ident" or (kind == "op" and value == "*") or kind == "num":
                    node = _extend(node, Lit(value))
                else:
                    raise ExpressionError(f"expected a property name after '.', found {value!r}")
            elif self.at("["):
                self.take()
                if self.at("*"):
                    self.take()
                    index: Node = Lit("*")
                else:
                    index = self.or_()
                self.take("]")
                node = _extend(node, index)
            else:
                return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "op" and value == "(":
            node = self.or_()
            self.take(")")
            return node
        if kind == "str":
            return Lit(value[1:-1].replace("''", "'"))
        if kind == "num":
            return Lit(float(int(value, 16)) if "x" in value.lower() else float(value))
        if kind == "ident":
            low = value.lower()
            if self.at("("):
                self.take()
                args: list[Node] = []
                if not self.at(")"):
                    args.append(self.or_())
                    while self.at(","):
                        self.take()
                        args.append(self.or_())
                self.take(")")
                return Call(low, tuple(args))
            if low in ("true", "false"):
                return Lit(low == "true")
            if low == "null":
                return Lit(None)
            if low in ("nan", "infinity"):
                return Lit(float(low.replace("infinity", "inf")))
            return Ctx((low,))
        raise ExpressionError(f"unexpected {value!r}")


def _extend(base: Node, index: Node) -> Node:
    """``base.x`` / ``base['x']`` / ``base[0]``: contexts grow a segment, others become Index."""
    if isinstance(base, Ctx):
        if isinstance(index, Lit) and index.value is not None:
            value = index.value
            integral = isinstance(value, float) and value.is_integer()
            seg = str(int(value)) if integral else str(value)
            return Ctx((*base.path, seg.lower()), base.indexes)
        # A dynamic index selects "some" member.
        return Ctx((*base.path, "*"), (*base.indexes, index))
    return Index(base, index)


def parse_expression(text: str) -> Node:
    """Parse the inside of ``${{ }}`` (or an ``if:`` value). Raises ``ExpressionError``."""
    return _Parser(text).parse()


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Ctx):
        for i in node.indexes:
            yield from _walk(i)
    elif isinstance(node, Call):
        for a in node.args:
            yield from _walk(a)
    elif isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, BinOp):
        yield from _walk(node.left)
        yield from _walk(node.right)
    elif isinstance(node, Index):
        yield from _walk(node.base)
        yield from _walk(node.index)


def _flows(node: Node) -> list[str]:
    """Contexts whose value can end up in the expression's result text."""
    if isinstance(node, Ctx):
        return [node.text]
    if isinstance(node, BinOp):
        # `a || b` and `a && b` return an operand; comparisons return booleans.
        return [] if node.op in _COMPARISONS else _flows(node.left) + _flows(node.right)
    if isinstance(node, Call):
        if node.name in _OPAQUE_FUNCTIONS:
            return []
        return [c for a in node.args for c in _flows(a)]
    if isinstance(node, Index):
        return _flows(node.base)  # a field of a tainted object is tainted
    return []


_CTX_FALLBACK = re.compile(r"[A-Za-z_][\w-]*(?:\s*(?:\.\s*[\w*-]+|\[[^\]]*\]))+")


@dataclass(frozen=True)
class Expression:
    """One ``${{ }}`` occurrence inside a string."""

    text: str  # the full ``${{ … }}``
    body: str  # what is inside, stripped
    start: int  # offsets in the containing string
    end: int
    node: Node | None  # ``None`` when the parser gave up
    contexts: tuple[str, ...]  # every context referenced, normalised
    flows: tuple[str, ...]  # contexts whose value reaches the expanded text


def _expression(text: str, body: str, start: int, end: int) -> Expression:
    try:
        node: Node | None = parse_expression(body)
    except ExpressionError:
        node = None
    if node is None:
        # Unknown syntax: treat every context-looking token as used and output.
        found = tuple(
            dict.fromkeys(normalize_context(m.group()) for m in _CTX_FALLBACK.finditer(body))
        )
        return Expression(text, body, start, end, None, found, found)
    contexts = tuple(dict.fromkeys(n.text for n in _walk(node) if isinstance(n, Ctx)))
    flows = tuple(dict.fromkeys(_flows(node)))
    return Expression(text, body, start, end, node, contexts, flows)


def find_expressions(text: str) -> list[Expression]:
    """Every ``${{ … }}`` in ``text``; quote-aware, so ``'}}'`` inside a literal does not end it."""
    out: list[Expression] = []
    pos = 0
    while True:
        start = text.find("${{", pos)
        if start < 0:
            return out
        i = start + 3
        in_str = False
        end = len(text)
        while i < len(text):
            ch = text[i]
            if in_str:
                if ch == "'":
                    if text.startswith("''", i):
                        i += 2
                        continue
                    in_str = False
            elif ch == "'":
                in_str = True
            elif text.startswith("}}", i):
                end = i + 2
                break
            i += 1
        closed = text.startswith("}}", end - 2) and end - 2 >= start + 3
        body = text[start + 3 : end - 2] if closed else text[start + 3 :]
        out.append(_expression(text[start:end], body.strip(), start, end))
        pos = end


def normalize_context(text: str) -> str:
    """``github.event['issue'][ 'title' ]`` -> ``github.event.issue.title`` (lowercase)."""
    try:
        node = parse_expression(text)
    except ExpressionError:
        node = None
    if isinstance(node, Ctx):
        return node.text
    return re.sub(r"\s+", "", text).lower()


def context_matches(context: str, pattern: str) -> bool:
    """Whether a normalised context is, contains, or lies inside ``pattern``.

    ``*`` in the pattern matches one segment. A context that is a *prefix* of
    the pattern (``github.event.issue``) matches, because the object holds the
    field; so does one that extends it (``github.event.head_commit.author.name``
    for ``...author.*``).
    """
    c = context.split(".")
    p = pattern.lower().split(".")
    return all(ps in ("*", cs) or cs == "*" for cs, ps in zip(c, p, strict=False))


# Kleene logic for `if:` conditions.
class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def _truthy(value: Any) -> bool | None:
    if value is UNKNOWN:
        return None
    if value is None or value is False:
        return False
    if isinstance(value, float):
        return value != 0.0
    if isinstance(value, str):
        return value != ""
    return True


def _loose_eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()  # GitHub compares strings case-insensitively
    return bool(a == b)


def evaluate(
    node: Node,
    context: Callable[[tuple[str, ...]], Any],
    functions: Mapping[str, Any],
) -> Any:
    """Evaluate an expression with three-valued logic.

    ``context(path)`` gives a context's value or ``UNKNOWN``; ``functions``
    maps lowercase function names to their (constant) results. Anything not
    known evaluates to ``UNKNOWN``, and unknown operands propagate.
    """
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Ctx):
        return context(node.path)
    if isinstance(node, Call):
        return functions.get(node.name, UNKNOWN)
    if isinstance(node, Not):
        t = _truthy(evaluate(node.operand, context, functions))
        return UNKNOWN if t is None else not t
    if isinstance(node, Index):
        return UNKNOWN
    left = evaluate(node.left, context, functions)
    if node.op in ("&&", "||"):
        lt = _truthy(left)
        if node.op == "&&" and lt is False:
            return left
        if node.op == "||" and lt is True:
            return left
        right = evaluate(node.right, context, functions)
        if lt is not None:
            return right
        rt = _truthy(right)
        if node.op == "&&":
            return False if rt is False else UNKNOWN
        return True if rt is True else UNKNOWN
    right = evaluate(node.right, context, functions)
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if node.op == "==":
        return _loose_eq(left, right)
    if node.op == "!=":
        return not _loose_eq(left, right)
    try:
        return {
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[node.op]
    except TypeError:
        return UNKNOWN


def condition_node(condition: str | None) -> Node | None:
    """The effective ``if:`` expression, with GitHub's implicit ``success() &&``.

    ``if:`` may omit ``${{ }}``. A value that mixes text with ``${{ }}`` is a
    string template, which is always truthy, so it becomes ``true``. ``None``
    (no ``if:``) means ``success()``. Unparseable conditions give ``None``.
    """
    if condition is None:
        return Call("success", ())
    text = condition.strip()
    exprs = find_expressions(text)
    if exprs:
        if len(exprs) == 1 and exprs[0].start == 0 and exprs[0].end == len(text):
            text = exprs[0].body
        else:
            return Lit(True)
    try:
        node = parse_expression(text) if text else Lit(True)
    except ExpressionError:
        return None
    if not any(isinstance(n, Call) and n.name in STATUS_FUNCTIONS for n in _walk(node)):
        node = BinOp("&&", Call("success", ()), node)
    return node


# Status-function results in the two scenarios policies usually ask about.
FAILED: Mapping[str, bool] = {"failure": True, "success": False, "always": True, "cancelled": False}
SUCCEEDED: Mapping[str, bool] = {
    "failure": False,
    "success": True,
    "always": True,
    "cancelled": False,
}


def truthy(value: Any) -> bool | None:
    """GitHub truthiness of an evaluated value; ``None`` for ``UNKNOWN``."""
    return _truthy(value)


def condition_outcome(
    condition: str | None,
    context: Callable[[tuple[str, ...]], Any] | None = None,
    functions: Mapping[str, Any] = SUCCEEDED,
) -> bool | None:
    """Would ``if: condition`` run? ``True``/``False``, or ``None`` when it depends on unknowns.

    ``context`` supplies the values the scenario fixes (``needs.deploy.result``);
    everything else is unknown. Unparseable conditions give ``None``.
    """
    node = condition_node(condition)
    if node is None:
        return None
    lookup = context or (lambda _path: UNKNOWN)
    return _truthy(evaluate(node, lookup, functions))


# --------------------------------------------------------------------------
# triggers (§3.2-1)


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
        return _str_tuple(self.config[name])

    @property
    def crons(self) -> tuple[str, ...]:
        """``schedule`` crons."""
        if not isinstance(self.raw, list):
            return ()
        return tuple(c for c in (_text(_mapping(i).get("cron")) for i in self.raw) if c)

    @property
    def inputs(self) -> Mapping[str, Any]:
        """``workflow_dispatch`` / ``workflow_call`` inputs."""
        return _mapping(self.config.get("inputs"))

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


def _triggers(value: Any, doc: Document) -> Triggers:
    events: dict[str, Trigger] = {}

    def line(path: Path) -> int:
        pos = doc.locate(path)
        return pos[0] if pos else 1

    if isinstance(value, str):
        events[value] = Trigger(value, {}, line(("on",)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            name = _text(item)
            if name is None:
                pos = doc.locate(("on", i)) or (1, 1)
                raise ParseError(f"on[{i}] must be an event name, not {item!r}", *pos)
            events[name] = Trigger(name, {}, line(("on", i)))
    elif isinstance(value, dict):
        for name, cfg in value.items():
            events[name] = Trigger(name, _mapping(cfg), line(("on", name)), cfg)
    elif value is not None:
        pos = doc.locate(("on",)) or (1, 1)
        raise ParseError(f"'on' must be an event name, a list or a mapping, not {value!r}", *pos)
    return Triggers(events)


# --------------------------------------------------------------------------
# permissions, environment (§3.2-3, §3.2-7)


@dataclass(frozen=True)
class Permissions:
    """A ``permissions`` key as written (at workflow or job level).

    ``kind``: ``absent`` (no key), ``null`` (``permissions:`` with no value),
    ``read-all``, ``write-all``, ``none`` (``{}``), ``scopes`` (a mapping) or
    ``invalid``. Once any scope is listed, unlisted scopes are ``none``.
    """

    present: bool
    raw: Any = None

    @property
    def declared(self) -> bool:
        """A usable declaration: the key is present and not null."""
        return self.present and self.raw is not None

    @property
    def kind(self) -> str:
        if not self.present:
            return "absent"
        raw = self.raw
        if raw is None:
            return "null"
        if isinstance(raw, dict):
            return "scopes" if raw else "none"
        if raw in ("read-all", "write-all"):
            return str(raw)
        return "invalid"

    def scope(self, name: str) -> str:
        """The access of one scope: ``read``, ``write`` or ``none`` (``unknown`` if undeclared)."""
        kind = self.kind
        if kind == "read-all":
            return "read"
        if kind == "write-all":
            return "write"
        if kind in ("none", "scopes"):
            return str(self.raw.get(name, "none"))
        return "unknown"

    @property
    def scopes(self) -> Mapping[str, str]:
        return {str(k): str(v) for k, v in self.raw.items()} if self.kind == "scopes" else {}


@dataclass(frozen=True)
class Environment:
    """``environment:`` as a string, a ``{name, url}`` mapping, or an expression.

    ``name`` is the literal name, or ``None`` when it is ``dynamic`` (contains
    ``${{ }}``) or missing; ``text`` is the name as written.
    """

    text: str
    dynamic: bool
    url: str | None = None

    @property
    def name(self) -> str | None:
        return None if self.dynamic or not self.text else self.text

    def describe(self) -> str:
        if self.dynamic:
            return f"environment '{self.text}' (dynamic)"
        return f"environment '{self.text}'" if self.text else "environment (no name)"


def _environment(value: Any) -> Environment | None:
    if value is None:
        return None
    if isinstance(value, dict):
        name = _text(value.get("name")) or ""
        return Environment(name, has_expression(name), _text(value.get("url")))
    text = _text(value) or ""
    return Environment(text, has_expression(text))


# --------------------------------------------------------------------------
# steps, jobs, workflows


class Step:
    """One entry of ``jobs.<id>.steps``. ``index`` is 0-based (key paths); ``number`` 1-based."""

    def __init__(self, index: int, raw: Mapping[str, Any], line: int, col: int) -> None:
        self.index = index
        self.raw = raw
        self.line = line
        self.col = col
        self.name = _text(raw.get("name"))
        self.id = _text(raw.get("id"))
        uses = _text(raw.get("uses"))
        self.uses: UsesRef | None = parse_uses(uses) if uses is not None else None
        run = raw.get("run")
        self.run: str | None = _text(run) if run is not None else None
        self.shell = _text(raw.get("shell"))
        self.with_: Mapping[str, Any] = _mapping(raw.get("with"))
        self.env: Mapping[str, Any] = _mapping(raw.get("env"))
        self.if_ = _text(raw.get("if"))
        self.continue_on_error: Any = raw.get("continue-on-error", False)
        self.timeout_minutes: Any = raw.get("timeout-minutes")
        self.working_directory = _text(raw.get("working-directory"))

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def label(self) -> str:
        """``step 3`` or ``step 3 ('Deploy')`` for messages."""
        title = self.name or self.id
        return f"step {self.number} ('{title}')" if title else f"step {self.number}"

    def path(self, *keys: PathPart) -> Path:
        """A key path relative to the job: ``("steps", index, *keys)``."""
        return ("steps", self.index, *keys)

    def __repr__(self) -> str:
        return f"<Step {self.number} line {self.line}>"


class Workflow(Subject):
    """The whole workflow file (workflow-level policies), and the job graph."""

    kind: ClassVar[str] = KIND
    key: ClassVar[str] = "workflow"

    def __init__(self, source: Source, document: Document, line: int, col: int) -> None:
        super().__init__(source, "workflow", line, col)
        raw: dict[str, Any] = document.value
        self.document = document
        self.raw = raw
        self.name = _text(raw.get("name"))
        self.run_name = _text(raw.get("run-name"))
        self.on = _triggers(raw.get("on"), document)
        self.permissions = Permissions("permissions" in raw, raw.get("permissions"))
        self.env: Mapping[str, Any] = _mapping(raw.get("env"))
        self.defaults: Mapping[str, Any] = _mapping(raw.get("defaults"))
        self.concurrency: Any = raw.get("concurrency")
        self.jobs: dict[str, Job] = {}
        self._closure: dict[str, frozenset[str]] = {}
        pos = document.locate(("jobs",))
        self.jobs_line = pos[0] if pos else line

    @property
    def is_reusable(self) -> bool:
        """Callable by other workflows (``on: workflow_call``)."""
        return "workflow_call" in self.on

    @property
    def only_reusable(self) -> bool:
        """``workflow_call`` is the only trigger, so permissions always come from a caller."""
        return self.on.names == ("workflow_call",)

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return self.document.locate(tuple(path))

    def waiver_lines(self) -> Iterable[int]:
        # A comment above `jobs:` is the catalog's workflow-wide waiver.
        return tuple(dict.fromkeys((self.line, self.jobs_line)))

    def needs_closure(self, job_id: str) -> frozenset[str]:
        """Every job ``job_id`` waits for, directly or transitively."""
        return self._closure.get(job_id, frozenset())

    def dependents(self, job_id: str, transitive: bool = False) -> list[Job]:
        """Jobs that need ``job_id`` (directly, or at any distance)."""
        return [
            j
            for j in self.jobs.values()
            if (job_id in self.needs_closure(j.id) if transitive else job_id in j.needs)
        ]

    def _compute_closure(self) -> None:
        state: dict[str, int] = {}  # 1 = visiting, 2 = done
        stack: list[str] = []

        def visit(jid: str) -> frozenset[str]:
            if state.get(jid) == 2:
                return self._closure[jid]
            if state.get(jid) == 1:
                cycle = [*stack[stack.index(jid) :], jid]
                job = self.jobs[jid]
                raise ParseError(
                    "jobs form a 'needs' cycle: " + " -> ".join(cycle), *job.needs_position()
                )
            state[jid] = 1
            stack.append(jid)
            acc: set[str] = set()
            for dep in self.jobs[jid].needs:
                acc.add(dep)
                acc |= visit(dep)
            stack.pop()
            state[jid] = 2
            self._closure[jid] = frozenset(acc)
            return self._closure[jid]

        for jid in self.jobs:
            visit(jid)


class Job(Subject):
    """One entry of ``jobs``; ``workflow`` gives the rest of the file."""

    kind: ClassVar[str] = KIND
    key: ClassVar[str] = "job"

    def __init__(
        self, workflow: Workflow, job_id: str, raw: dict[str, Any], line: int, col: int
    ) -> None:
        super().__init__(workflow.source, f"job:{job_id}", line, col)
        self.workflow = workflow
        self.id = job_id
        self.raw = raw
        self.name = _text(raw.get("name"))
        self.runs_on: Any = raw.get("runs-on")
        self.needs = self._needs(raw.get("needs"))
        self.if_ = _text(raw.get("if"))
        self.environment = _environment(raw.get("environment"))
        self.permissions = Permissions("permissions" in raw, raw.get("permissions"))
        uses = _text(raw.get("uses"))
        self.uses: UsesRef | None = parse_uses(uses) if uses is not None else None
        self.with_: Mapping[str, Any] = _mapping(raw.get("with"))
        self.secrets: Any = raw.get("secrets")
        self.concurrency: Any = raw.get("concurrency")
        self.timeout_minutes: Any = raw.get("timeout-minutes")
        self.strategy: Mapping[str, Any] = _mapping(raw.get("strategy"))
        self.continue_on_error: Any = raw.get("continue-on-error", False)
        self.env: Mapping[str, Any] = _mapping(raw.get("env"))
        self.container: Any = raw.get("container")
        self.services: Mapping[str, Any] = _mapping(raw.get("services"))
        self.outputs: Mapping[str, Any] = _mapping(raw.get("outputs"))
        self.steps = self._steps(raw.get("steps"))
        # (classifier config, its verdict): set by ci_classify.classify_job, so a job is
        # classified once per run however many policies and other jobs ask.
        self.classified: tuple[Any, Any] | None = None

    # -- construction helpers

    def _pos(self, *path: PathPart) -> tuple[int, int]:
        return self.workflow.document.locate(("jobs", self.id, *path)) or (self.line, self.col)

    def needs_position(self) -> tuple[int, int]:
        return self._pos("needs")

    def _needs(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list):
            out: list[str] = []
            for i, item in enumerate(value):
                t = _text(item)
                if t is None:
                    raise ParseError(
                        f"job '{self.id}': needs[{i}] must be a job id", *self._pos("needs", i)
                    )
                out.append(t)
            return tuple(dict.fromkeys(out))
        raise ParseError(
            f"job '{self.id}': needs must be a job id or a list of ids", *self._pos("needs")
        )

    def _steps(self, value: Any) -> list[Step]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ParseError(f"job '{self.id}': steps must be a list", *self._pos("steps"))
        steps: list[Step] = []
        for i, item in enumerate(value):
            line, col = self._pos("steps", i)
            if not isinstance(item, dict):
                raise ParseError(f"job '{self.id}': steps[{i}] must be a mapping", line, col)
            steps.append(Step(i, item, line, col))
        return steps

    # -- Subject

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return self.workflow.document.locate(("jobs", self.id, *path))

    def waiver_lines(self) -> Iterable[int]:
        # The job key line, plus `jobs:` for the catalog's workflow-wide waiver.
        return tuple(dict.fromkeys((self.line, self.workflow.jobs_line)))

    # -- model helpers

    @property
    def display(self) -> str:
        """``job 'build'`` or ``job 'build' ('Build and test')`` for messages."""
        if self.name and self.name != self.id:
            return f"job '{self.id}' ('{self.name}')"
        return f"job '{self.id}'"

    @property
    def is_caller(self) -> bool:
        """A reusable-workflow caller (``jobs.<id>.uses``)."""
        return self.uses is not None

    @property
    def effective_permissions(self) -> Permissions:
        """Job-level permissions replace workflow-level ones; there is no merge."""
        return self.permissions if self.permissions.declared else self.workflow.permissions

    @cached_property
    def needs_closure(self) -> frozenset[str]:
        return self.workflow.needs_closure(self.id)

    def step_by_id(self, step_id: str) -> Step | None:
        for s in self.steps:
            if s.id == step_id:
                return s
        return None

    def env_value(self, name: str, step: Step | None = None) -> tuple[Any, Path] | None:
        """The ``env`` value a step sees for ``name`` (step > job > workflow), with its path.

        The path is relative to the job for step/job env and absolute
        (``("env", name)``) for workflow env; callers use it for messages only.
        """
        if step is not None and name in step.env:
            return step.env[name], step.path("env", name)
        if name in self.env:
            return self.env[name], ("env", name)
        if name in self.workflow.env:
            return self.workflow.env[name], ("env", name)
        return None


def _first_key_position(doc: Document) -> tuple[int, int]:
    value = doc.value
    if isinstance(value, dict) and value:
        first = next(iter(value))
        pos = doc.lines.get((first,))
        if pos:
            return pos
    return doc.lines.get((), (doc.start_line, 1))


def _skipped(source: Source, reason: str) -> ParsedFile:
    return ParsedFile(source=source, kind=KIND, subjects=[], skip_reason=reason)


def _type_name(value: object) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"


def parse(source: Source) -> ParsedFile:
    """Parse a workflow file into a ``Workflow`` subject plus one ``Job`` subject per job."""
    docs = load_documents(source.text, yaml11=False)
    if not docs:
        return _skipped(source, "not a workflow: the file holds no YAML document")
    if len(docs) > 1:
        raise ParseError(
            "a workflow file must hold a single YAML document, found another one here",
            docs[1].start_line,
        )
    doc = docs[0]
    value = doc.value
    if not isinstance(value, dict):
        return _skipped(
            source, f"not a workflow: the top level is {_type_name(value)}, not a mapping"
        )
    if "jobs" not in value:
        return _skipped(source, "not a workflow: there is no top-level 'jobs' mapping")
    if not isinstance(value["jobs"], dict):
        return _skipped(
            source, f"not a workflow: 'jobs' is {_type_name(value['jobs'])}, not a mapping"
        )
    if doc.duplicate_keys:
        path, line = doc.duplicate_keys[0]
        shown = ".".join(str(p) for p in path)
        raise ParseError(f"duplicate key '{shown}' (GitHub rejects the workflow)", line)

    wline, wcol = _first_key_position(doc)
    workflow = Workflow(source, doc, wline, wcol)
    for job_id, raw in value["jobs"].items():
        pos = doc.locate(("jobs", job_id)) or (wline, 1)
        if not isinstance(raw, dict):
            raise ParseError(f"job '{job_id}' must be a mapping, not {_type_name(raw)}", *pos)
        workflow.jobs[job_id] = Job(workflow, job_id, raw, *pos)
    for job in workflow.jobs.values():
        for i, dep in enumerate(job.needs):
            if dep not in workflow.jobs:
                where = doc.locate(("jobs", job.id, "needs", i)) or job.needs_position()
                raise ParseError(f"job '{job.id}' needs unknown job '{dep}'", *where)
    workflow._compute_closure()
    subjects: list[Subject] = [workflow, *workflow.jobs.values()]
    return ParsedFile(
        source=source, kind=KIND, subjects=subjects, extra={"workflow": workflow, "document": doc}
    )


# --------------------------------------------------------------------------
# cross-file index: local reusable workflows (§3.1, §3.2-4)


@dataclass
class WorkflowIndex:
    """The workflows of one repository, by path relative to the repository root."""

    root: str
    workflows: dict[str, Workflow] = field(default_factory=dict)

    def resolve(self, ref: UsesRef) -> Workflow | None:
        """The callee of ``uses: ./.github/workflows/x.yml`` (``None`` if remote or not found)."""
        if ref.kind != "local-workflow":
            return None
        return self.workflows.get(ref.local_path)


def index_scope(subject: Subject) -> str:
    """The repository root: the directory holding ``.github`` (else the file's directory)."""
    return _scope_of(subject.source.path)


def _scope_of(source_path: str) -> str:
    path = os.path.abspath(source_path)
    parts = path.replace(os.sep, "/").split("/")
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] == ".github":
            return os.sep.join(parts[:i]) or os.sep
    return os.path.dirname(path)


def workflow_files(scope: str) -> list[str]:
    """Every workflow directly in ``<scope>/.github/workflows``, sorted."""
    wf_dir = os.path.join(scope, ".github", "workflows")
    try:
        names = sorted(os.listdir(wf_dir))
    except OSError:
        return []
    paths = (os.path.join(wf_dir, n) for n in names if n.endswith((".yml", ".yaml")))
    return [p for p in paths if os.path.isfile(p)]


def dependencies(path: str) -> list[str]:
    """The files a workflow's outcomes depend on (reusable workflows it calls): the result
    cache keys on their content too."""
    return workflow_files(_scope_of(path))


def build_index(scope: str, cache: Any) -> WorkflowIndex:
    """Parse (through the shared cache) every workflow directly in ``<scope>/.github/workflows``."""
    index = WorkflowIndex(scope)
    for path in workflow_files(scope):
        name = os.path.basename(path)
        parsed = cache.get(path, KIND)
        if isinstance(parsed, ParseError):
            continue
        wf = parsed.extra.get("workflow")
        if isinstance(wf, Workflow):
            index.workflows[f".github/workflows/{name}"] = wf
    return index
