"""Terraform plan JSON (``terraform show -json plan.out > plan.json``) as Terraform subjects.

A plan holds what static reading cannot know: every variable, tfvars file, ``-var``, module
argument, ``count``/``for_each`` and data source already applied. Each managed resource
instance of ``planned_values`` (the root module and its ``child_modules``, recursively) is one
``PlanResource``, labelled by its plan address (``module.db.aws_db_instance.this[0]``), whose
``block`` holds the planned values. Data sources are not subjects; deleted resources are not
in ``planned_values``.

What a plan does not know stays unresolved, as an ``Expr`` the evaluator never resolves:

* a value known only after apply (``after_unknown`` in the matching ``resource_changes``
  entry): an ``Expr`` of kind ``"ref"`` naming the resource it comes from when the plan's
  ``configuration`` gives the attribute's expression references (``aws_kms_key.k.arn``,
  followed through a child module's ``var.*`` to its caller's argument, so links across
  modules work with full addresses: ``module.db.aws_kms_key.k.arn``), else an opaque one;
* a sensitive value (``sensitive_values`` / ``after_sensitive``): an opaque ``Expr`` with
  no trace of the value. The values themselves are handed to the engine as the file's
  secrets (``PlanFile.known_secrets``), so no excerpt of the plan text can show them.

Nested blocks are rendered by the plan as lists of objects (empty lists for absent ones),
single nested blocks as objects: each object in a list is a nested ``Block`` too (and the
attribute stays, for policies that read it as a value), and each object value is kept as a
would-be single block (``PlanBlock.singles``) that the plan's module offers to policies that
ask for that block (``indexes.terraform_plan.PlanModule.blocks``).

Positions: ``json`` gives exact JSON semantics and ``JSONDecodeError`` line and column for
a malformed plan; a small position-aware scanner (``_Scanner``) walks ``planned_values``
token by token, recording where each key and list element starts and ends, and hands every
other part of the document to the C scanner (``JSONDecoder.scan_once``). The YAML loader
(``formats/yamlload.py``) would also read JSON, with positions, but composes a node for
every value of the whole plan (resource_changes, prior_state and configuration repeat the
planned values two or three times), with YAML 1.1 scalar rules and libyaml's limits on
JSON escapes; plans run to megabytes. Terraform writes the plan on one line: positions are
then line 1 and a column, and a pretty-printed plan (``jq .``) gives real lines.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.terraform.model import Attribute, Block, Expr, TfFile, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.model import ParseError, Source, Subject

__all__ = [
    "AFTER_APPLY",
    "SENSITIVE",
    "PlanBlock",
    "PlanFile",
    "PlanResource",
    "from_plan",
    "is_plan_value",
    "parse_plan",
    "plan_marker",
]

AFTER_APPLY = "after-apply"  # Expr.op of a value known only after apply
SENSITIVE = "sensitive"  # Expr.op of a value the plan marks sensitive
_UNKNOWN_TEXT = "(known after apply)"
_SENSITIVE_TEXT = "(sensitive value)"
_SUPPORTED_MAJOR = ("0", "1")
_MAX_CHASE = 8  # var -> caller argument -> ... hops when following references

Path = tuple[PathPart, ...]
Span = tuple[int, int]  # start and end offsets in the text


def plan_marker(value: Value) -> str:
    """``AFTER_APPLY``, ``SENSITIVE`` or ``""``: what kind of plan placeholder a value is."""
    if (
        isinstance(value, Expr)
        and value.op in (AFTER_APPLY, SENSITIVE)
        and value.kind
        in (
            "ref",
            "other",
        )
    ):
        return value.op
    return ""


def is_plan_value(value: Value) -> bool:
    return bool(plan_marker(value))


def from_plan(subject: object) -> bool:
    """A resource read from a plan JSON: its values are resolved, but it has no meta-arguments
    (``lifecycle``, ``provider``, ``depends_on``) and no source line in the configuration."""
    return isinstance(subject, PlanResource)


# --------------------------------------------------------------------------- the model


@dataclass
class PlanBlock(Block):
    """A block built from planned values. ``singles``: each object-valued attribute read as
    one nested block (a single nested block renders as an object, a map attribute too:
    only a policy asking for the block by name tells them apart)."""

    singles: dict[str, Block] = field(default_factory=dict)
    at: tuple[PathPart, ...] = ()  # where its object is in the resource's planned values


class PlanResource(TfResource):
    """One managed resource instance of a plan; its label is the plan address."""

    kind: ClassVar[str] = "terraform"
    key: ClassVar[str] = "tf_resource"

    def __init__(
        self,
        source: Source,
        block: Block,
        plan_address: str,
        module_address: str,
        positions: Mapping[Path, Span],
        lines: _Lines,
    ) -> None:
        super().__init__(source, block)
        self.plan_address = plan_address
        self.module_address = module_address  # "" for the root module
        self.label = plan_address.replace("::", ":")
        self._positions = positions
        self._lines = lines

    @property
    def address(self) -> str:
        return self.plan_address

    @property
    def module_prefix(self) -> str:
        """``module.db.`` (``""`` at the root): what references from its module start with."""
        return f"{self.module_address}." if self.module_address else ""

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        """The planned value a key path names, or the deepest one that exists (where a
        missing setting belongs). ``("ingress", 1, "cidr_blocks")`` is the second object of
        the ``ingress`` list; ``("root_block_device", 0, "encrypted")`` also finds a
        single nested block rendered as an object."""
        found: Path = ()
        value: Any = _raw(self.block)
        parts = list(path)
        i = 0
        while i < len(parts):
            part = parts[i]
            in_object = isinstance(value, dict) and isinstance(part, str) and part in value
            if in_object or (
                isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
            ):
                value, found = value[part], (*found, part)
            elif isinstance(value, dict) and part == 0:
                pass  # a single nested block (an object) read as the first of its kind
            else:
                break
            i += 1
        while found and found not in self._positions:
            found = found[:-1]
        span = self._positions.get(found)
        if span is None:
            return (self.line, self.col)
        return self._lines.position(span[0])


def _raw(block: Block) -> dict[str, Any]:
    return {name: attr.value for name, attr in block.attributes.items()}


@dataclass
class PlanFile(TfFile):
    """A parsed plan: its resource instances are the subjects (no top-level blocks or
    attributes: a plan has no variables to resolve). ``known_secrets`` are the sensitive
    values the plan holds, in the forms the text spells them."""

    format_version: str = ""
    terraform_version: str = ""


class _Lines:
    """Offsets to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


# --------------------------------------------------------------------------- scanning


_WS = re.compile(r"[ \t\n\r]*")


_SPACE = frozenset(" \t\n\r")


def _skip(text: str, i: int) -> int:
    """Past the JSON whitespace at ``i`` (none, most of the time: Terraform writes no
    whitespace)."""
    if i >= len(text) or text[i] not in _SPACE:
        return i
    m = _WS.match(text, i)
    return m.end() if m is not None else i


class _Scanner:
    """JSON with the spans of every key and list element under ``planned_values``; other
    members are read by the C scanner without positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        # The C scanner the json module decodes with (typeshed types it as a class).
        decoder: Any = json.JSONDecoder()
        self.scan_once: Callable[[str, int], tuple[Any, int]] = decoder.scan_once
        self.spans: dict[Path, Span] = {}

    def document(self) -> Any:
        text = self.text
        i = _skip(text, 0)
        if text.startswith("\ufeff", i):
            i = _skip(text, i + 1)
        if i >= len(text) or text[i] != "{":
            value, i = self.scan_once(text, i)
        else:
            value, i = self._object(i, (), top=True)
        if _skip(text, i) != len(text):
            raise ValueError("extra data")
        return value

    def _value(self, i: int, path: Path) -> tuple[Any, int]:
        c = self.text[i]
        if c == "{":
            return self._object(i, path)
        if c == "[":
            first = self.text[_skip(self.text, i + 1)]
            if first not in "[{":  # scalars only: no position inside is ever asked for
                value, end = self.scan_once(self.text, i)
                return value, end
            return self._array(i, path)
        value, end = self.scan_once(self.text, i)
        return value, end

    def _object(self, i: int, path: Path, top: bool = False) -> tuple[dict[str, Any], int]:
        text = self.text
        out: dict[str, Any] = {}
        i = _skip(text, i + 1)
        if text[i] == "}":
            return out, i + 1
        while True:
            if text[i] != '"':
                raise ValueError("expected a key")
            start = i
            key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = _skip(text, i)
            if text[i] != ":":
                raise ValueError("expected ':'")
            i = _skip(text, i + 1)
            sub = (*path, key)
            if top and key != "planned_values":
                out[key], i = self.scan_once(text, i)
            else:
                out[key], i = self._value(i, sub)
                self.spans[sub] = (start, i)
            i = _skip(text, i)
            if text[i] == ",":
                i = _skip(text, i + 1)
                continue
            if text[i] == "}":
                return out, i + 1
            raise ValueError("expected ',' or '}'")

    def _array(self, i: int, path: Path) -> tuple[list[Any], int]:
        text = self.text
        out: list[Any] = []
        i = _skip(text, i + 1)
        if text[i] == "]":
            return out, i + 1
        while True:
            start, sub = i, (*path, len(out))
            value, i = self._value(i, sub)
            self.spans[sub] = (start, i)
            out.append(value)
            i = _skip(text, i)
            if text[i] == ",":
                i = _skip(text, i + 1)
                continue
            if text[i] == "]":
                return out, i + 1
            raise ValueError("expected ',' or ']'")


def _load(text: str) -> tuple[Any, dict[Path, Span]]:
    scanner = _Scanner(text)
    try:
        return scanner.document(), scanner.spans
    except (ValueError, StopIteration, IndexError):
        pass
    try:  # the json module's own message and position
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid plan JSON: {exc.msg}", exc.lineno, exc.colno) from None
    raise ParseError("invalid plan JSON")  # pragma: no cover - the scanner is stricter


# --------------------------------------------------------------------------- parsing


def parse_plan(source: Source) -> PlanFile:
    """One subject per managed resource instance of the plan's ``planned_values``."""
    data, spans = _load(source.text)
    if not isinstance(data, dict):
        raise ParseError("not a Terraform plan: the JSON is not an object")
    version = str(data.get("format_version") or "")
    plan = PlanFile(
        source=source,
        kind="terraform",
        subjects=[],
        format_version=version,
        terraform_version=str(data.get("terraform_version") or ""),
    )
    if version and version.split(".", 1)[0] not in _SUPPORTED_MAJOR:
        plan.skip_reason = f"plan JSON format_version {version} is not supported (1.x is)"
        return plan
    lines = _Lines(source.text)
    by_resource = _spans_by_resource(spans)
    config = _Config(data.get("configuration"))
    changes = _changes(data.get("resource_changes"))
    subjects: list[Subject[Any]] = []
    planned = data.get("planned_values")
    root = planned.get("root_module") if isinstance(planned, dict) else None
    if isinstance(root, dict):
        for module_path, module in _modules(root, ("planned_values", "root_module")):
            module_address = str(module.get("address") or "")
            resources = module.get("resources")
            if not isinstance(resources, list):
                continue
            for index, res in enumerate(resources):
                if not isinstance(res, dict) or res.get("mode", "managed") != "managed":
                    continue
                at = (*module_path, "resources", index)
                subject = _resource(
                    source, res, at, module_address, spans, by_resource, lines, changes, config
                )
                if subject is not None:
                    subjects.append(subject)
    plan.subjects = subjects
    plan.known_secrets = tuple(_secret_forms(_sensitive_strings(data, config)))
    return plan


def _spans_by_resource(spans: Mapping[Path, Span]) -> dict[Path, dict[Path, Span]]:
    """The spans inside each resource's ``values``, relative to them, keyed by the
    resource's path (``planned_values, root_module, (child_modules, n)*, resources, i``):
    one pass, whatever the number of resources."""
    out: dict[Path, dict[Path, Span]] = {}
    for path, span in spans.items():
        # Module paths hold only planned_values/root_module/child_modules/<n>: the first
        # "resources" is the resource list, whatever the values hold.
        try:
            j = path.index("resources")
        except ValueError:
            continue
        if len(path) > j + 2 and path[j + 2] == "values":
            out.setdefault(path[: j + 2], {})[path[j + 3 :]] = span
    return out


def _modules(module: dict[str, Any], path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    yield path, module
    children = module.get("child_modules")
    if isinstance(children, list):
        for index, child in enumerate(children):
            if isinstance(child, dict):
                yield from _modules(child, (*path, "child_modules", index))


def _changes(raw: Any) -> dict[str, dict[str, Any]]:
    """``resource_changes`` by address: each one's ``change`` object."""
    out: dict[str, dict[str, Any]] = {}
    if isinstance(raw, list):
        for entry in raw:
            managed = isinstance(entry, dict) and entry.get("mode", "managed") == "managed"
            if managed and isinstance(entry.get("change"), dict):
                out[str(entry.get("address"))] = entry["change"]
    return out


def _resource(
    source: Source,
    res: dict[str, Any],
    at: Path,
    module_address: str,
    spans: Mapping[Path, Span],
    by_resource: Mapping[Path, dict[Path, Span]],
    lines: _Lines,
    changes: Mapping[str, dict[str, Any]],
    config: _Config,
) -> PlanResource | None:
    address, rtype, name = res.get("address"), res.get("type"), res.get("name")
    if not (isinstance(address, str) and isinstance(rtype, str) and isinstance(name, str)):
        return None
    values = res.get("values")
    values = values if isinstance(values, dict) else {}
    change = changes.get(address, {})
    unknown = change.get("after_unknown")
    sensitive = _union(res.get("sensitive_values"), change.get("after_sensitive"))
    segments = _module_segments(module_address)
    exprs = config.resource_expressions(segments, rtype, name)
    resolver = _References(config, segments)
    merged = _merge(values, unknown, sensitive, exprs, resolver)
    positions = dict(by_resource.get(at, {}))  # relative to its values: what locate walks
    start, end = spans.get(at, (0, 0))
    # The resource's line is the one that names it ("address": ...), its end the object's.
    named = spans.get((*at, "address"), (start, end))[0]
    line, col = lines.position(named)
    end_line = lines.position(max(start, end - 1))[0]
    positions[()] = (named, end)
    block = _block(rtype, (rtype, name), merged if isinstance(merged, dict) else {}, (), ())
    block.line, block.col, block.end_line = line, col, end_line
    _place(block, positions, lines)
    return PlanResource(source, block, address, module_address, positions, lines)


def _block(
    name: str, labels: tuple[str, ...], values: dict[str, Value], path: Path, at: Path
) -> PlanBlock:
    """``values`` as a block: each object of a list of objects is a nested block, each
    object value a would-be single block; every value stays an attribute too."""
    block = PlanBlock(name, labels=labels, path=path, at=at)
    for key, value in values.items():
        if value is None:
            continue  # the plan lists every attribute; null is unset, as in the .tf
        block.attributes[key] = Attribute(key, value, 0)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                assert isinstance(item, dict)
                block.blocks.append(_block(key, (), item, (*path, key, index), (*at, key, index)))
        elif isinstance(value, dict):
            block.singles[key] = _block(key, (), value, (*path, key, 0), (*at, key))
    return block


def _place(block: PlanBlock, positions: Mapping[Path, Span], lines: _Lines) -> None:
    """Give the attributes and nested blocks of ``block`` their positions in the text."""
    base = block.at
    for name, attr in block.attributes.items():
        span = positions.get((*base, name)) or positions.get(base) or (0, 0)
        attr.line, attr.col = lines.position(span[0])
        attr.end_line = lines.position(max(span[0], span[1] - 1))[0]
    for child in [*block.blocks, *block.singles.values()]:
        assert isinstance(child, PlanBlock)
        span = positions.get(child.at) or positions.get(base) or (0, 0)
        child.line, child.col = lines.position(span[0])
        child.end_line = lines.position(max(span[0], span[1] - 1))[0]
        _place(child, positions, lines)


# --------------------------------------------------------------------------- values


def _union(a: Any, b: Any) -> Any:
    """Two sensitivity (or unknown) marker structures combined: ``True`` wins."""
    if a is True or b is True:
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _union(a.get(k), b.get(k)) for k in {*a, *b}}
    if isinstance(a, list) and isinstance(b, list):
        return [_union(x, y) for x, y in zip(a, b, strict=False)] + (
            a[len(b) :] if len(a) > len(b) else b[len(a) :]
        )
    return a if a not in (None, False) else b


def _at(marks: Any, key: str | int) -> Any:
    if isinstance(marks, dict) and isinstance(key, str):
        return marks.get(key)
    if isinstance(marks, list) and isinstance(key, int) and 0 <= key < len(marks):
        return marks[key]
    return None


def _expr_at(exprs: Any, key: str | int) -> Any:
    """The configuration expression of a member: ``{"references": [...]}`` or
    ``{"constant_value": ...}`` for an attribute, a list of expression objects for a
    nested block."""
    if isinstance(exprs, dict) and isinstance(key, str):
        return exprs.get(key)
    if isinstance(exprs, list) and isinstance(key, int) and 0 <= key < len(exprs):
        return exprs[key]
    return None


def _merge(value: Any, unknown: Any, sensitive: Any, exprs: Any, refs: _References) -> Value:
    """The planned value with unknown and sensitive parts replaced by placeholders."""
    if sensitive is True:
        if unknown is True:
            return refs.after_apply(exprs)
        return Expr(_SENSITIVE_TEXT, "other", op=SENSITIVE)
    if unknown is True:
        return refs.after_apply(exprs)
    if isinstance(value, dict) or (
        value is None and isinstance(unknown, dict) and _has_unknown(unknown)
    ):
        source = value if isinstance(value, dict) else {}
        out: dict[str, Value] = {}
        for key, item in source.items():
            out[key] = _merge(
                item, _at(unknown, key), _at(sensitive, key), _expr_at(exprs, key), refs
            )
        if isinstance(unknown, dict):
            for key, mark in unknown.items():
                if key in out or not _has_unknown(mark):
                    continue
                if mark is True and _unset(exprs, key):
                    continue  # computed by the provider, not set: absent, as in the .tf
                out[key] = _merge(None, mark, _at(sensitive, key), _expr_at(exprs, key), refs)
        return out
    if isinstance(value, list):
        return [
            _merge(item, _at(unknown, i), _at(sensitive, i), _expr_at(exprs, i), refs)
            for i, item in enumerate(value)
        ]
    if value is None and isinstance(unknown, list) and _has_unknown(unknown):
        return refs.after_apply(exprs)
    return value  # type: ignore[no-any-return]


_EXPRESSION_KEYS = frozenset({"references", "constant_value"})


def _unset(exprs: Any, key: str) -> bool:
    """The configuration of a block is known (``exprs`` maps its attributes to expressions)
    and does not set ``key``."""
    if not isinstance(exprs, dict) or key in exprs:
        return False
    return not (exprs and set(exprs) <= _EXPRESSION_KEYS)  # an expression, not a block


def _has_unknown(mark: Any) -> bool:
    if mark is True:
        return True
    if isinstance(mark, dict):
        return any(_has_unknown(v) for v in mark.values())
    if isinstance(mark, list):
        return any(_has_unknown(v) for v in mark)
    return False


# --------------------------------------------------------------------------- configuration

_REF_PART = re.compile(r'\.([A-Za-z_][\w-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
_MODULE_SEGMENT = re.compile(r'module\.([A-Za-z_][\w-]*)((?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?)')
_NOT_RESOURCES = frozenset(
    {"var", "local", "each", "count", "path", "terraform", "self", "data", "module"}
)

Segment = tuple[str, str]  # (call name, instance key text such as '["a"]' or '[0]' or '')


def _module_segments(address: str) -> tuple[Segment, ...]:
    return tuple((m.group(1), m.group(2)) for m in _MODULE_SEGMENT.finditer(address))


def _prefix(segments: Sequence[Segment]) -> str:
    return "".join(f"module.{name}{key}." for name, key in segments)


def _ref_parts(text: str) -> tuple[str | int, ...]:
    head = re.split(r"[.\[]", text, maxsplit=1)[0]
    parts: list[str | int] = [head]
    for m in _REF_PART.finditer(text, len(head)):
        if m.group(1) is not None:
            parts.append(m.group(1))
        elif m.group(2) is not None:
            parts.append(int(m.group(2)))
        else:
            parts.append(m.group(3))
    return tuple(parts)


class _Config:
    """The plan's ``configuration``: expressions of resources, module call arguments and
    module outputs, looked up by module path."""

    def __init__(self, raw: Any) -> None:
        root = raw.get("root_module") if isinstance(raw, dict) else None
        self.root: dict[str, Any] = root if isinstance(root, dict) else {}

    def module(self, segments: Sequence[Segment]) -> dict[str, Any] | None:
        current: Any = self.root
        for name, _ in segments:
            calls = current.get("module_calls") if isinstance(current, dict) else None
            call = calls.get(name) if isinstance(calls, dict) else None
            current = call.get("module") if isinstance(call, dict) else None
            if not isinstance(current, dict):
                return None
        return current if isinstance(current, dict) else None

    def resource_expressions(self, segments: Sequence[Segment], rtype: str, name: str) -> Any:
        module = self.module(segments)
        resources = module.get("resources") if module is not None else None
        if not isinstance(resources, list):
            return None
        for res in resources:
            if (
                isinstance(res, dict)
                and res.get("type") == rtype
                and res.get("name") == name
                and res.get("mode", "managed") == "managed"
            ):
                found = res.get("expressions")
                return found if isinstance(found, dict) else {}
        return None

    def call_argument(self, segments: Sequence[Segment], variable: str) -> Any:
        """The expression the caller of the module at ``segments`` passes to ``variable``."""
        parent = self.module(segments[:-1])
        calls = parent.get("module_calls") if parent is not None else None
        call = calls.get(segments[-1][0]) if isinstance(calls, dict) else None
        exprs = call.get("expressions") if isinstance(call, dict) else None
        return exprs.get(variable) if isinstance(exprs, dict) else None

    def output(self, segments: Sequence[Segment], name: str) -> Any:
        module = self.module(segments)
        outputs = module.get("outputs") if module is not None else None
        out = outputs.get(name) if isinstance(outputs, dict) else None
        return out.get("expression") if isinstance(out, dict) else None

    def sensitive_variables(self) -> list[str]:
        variables = self.root.get("variables")
        if not isinstance(variables, dict):
            return []
        return [k for k, v in variables.items() if isinstance(v, dict) and v.get("sensitive")]


class _References:
    """Turns an attribute known only after apply into the reference it comes from."""

    def __init__(self, config: _Config, segments: tuple[Segment, ...]) -> None:
        self.config = config
        self.segments = segments

    def after_apply(self, expression: Any) -> Expr:
        refs = expression.get("references") if isinstance(expression, dict) else None
        found = self._resource_ref(refs, self.segments, 0) if isinstance(refs, list) else None
        if found is None:
            return Expr(_UNKNOWN_TEXT, "other", op=AFTER_APPLY)
        return Expr(found, "ref", ref=_ref_parts(found), op=AFTER_APPLY)

    def _resource_ref(
        self, refs: Iterable[Any], segments: tuple[Segment, ...], depth: int
    ) -> str | None:
        if depth > _MAX_CHASE:
            return None
        for ref in refs:
            if not isinstance(ref, str) or not ref:
                continue
            parts = _ref_parts(ref)
            root = parts[0]
            if root == "var" and len(parts) >= 2 and segments:
                argument = self.config.call_argument(segments, str(parts[1]))
                inner = argument.get("references") if isinstance(argument, dict) else None
                if isinstance(inner, list):
                    found = self._resource_ref(inner, segments[:-1], depth + 1)
                    if found is not None:
                        return found
                continue
            if root == "module" and len(parts) >= 3 and isinstance(parts[1], str):
                key = f"[{parts[2]}]" if isinstance(parts[2], int) else ""
                rest = parts[3:] if key else parts[2:]
                if rest and isinstance(rest[0], str):
                    child = (*segments, (parts[1], key))
                    expression = self.config.output(child, rest[0])
                    inner = expression.get("references") if isinstance(expression, dict) else None
                    if isinstance(inner, list):
                        found = self._resource_ref(inner, child, depth + 1)
                        if found is not None:
                            return found
                continue
            if (
                isinstance(root, str)
                and root not in _NOT_RESOURCES
                and "_" in root
                and len(parts) > 1
            ):
                return _prefix(segments) + ref
        return None


# --------------------------------------------------------------------------- secrets


def _sensitive_strings(data: dict[str, Any], config: _Config) -> Iterator[str]:
    """Every string the plan marks sensitive, wherever it is: planned, prior and changed
    values, outputs, and the values of sensitive root variables."""
    planned = data.get("planned_values")
    for state in (planned, _at_key(data.get("prior_state"), "values")):
        if not isinstance(state, dict):
            continue
        root = state.get("root_module")
        if isinstance(root, dict):
            for _, module in _modules(root, ()):
                for res in module.get("resources") or ():
                    if isinstance(res, dict):
                        yield from _marked(res.get("values"), res.get("sensitive_values"))
        outputs = state.get("outputs")
        if isinstance(outputs, dict):
            for out in outputs.values():
                if isinstance(out, dict) and out.get("sensitive"):
                    yield from _marked(out.get("value"), True)
    for key in ("resource_changes", "resource_drift"):
        for entry in data.get(key) or ():
            change = entry.get("change") if isinstance(entry, dict) else None
            if isinstance(change, dict):
                yield from _marked(change.get("before"), change.get("before_sensitive"))
                yield from _marked(change.get("after"), change.get("after_sensitive"))
    outputs = data.get("output_changes")
    if isinstance(outputs, dict):
        for change in outputs.values():
            if isinstance(change, dict):
                yield from _marked(change.get("before"), change.get("before_sensitive"))
                yield from _marked(change.get("after"), change.get("after_sensitive"))
    variables = data.get("variables")
    if isinstance(variables, dict):
        for name in config.sensitive_variables():
            yield from _marked(_at_key(variables.get(name), "value"), True)


def _at_key(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _marked(value: Any, marks: Any) -> Iterator[str]:
    if marks is True:
        yield from _strings(value)
    elif isinstance(marks, dict) and isinstance(value, dict):
        for key, mark in marks.items():
            yield from _marked(value.get(key), mark)
    elif isinstance(marks, list) and isinstance(value, list):
        for item, mark in zip(value, marks, strict=False):
            yield from _marked(item, mark)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        yield json.dumps(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _secret_forms(values: Iterable[str]) -> Iterator[str]:
    """Each value as decoded and as JSON spells it in the text (Terraform's encoder escapes
    ``<``, ``>`` and ``&``; an edited plan may escape non-ASCII), so every copy is masked."""
    seen: set[str] = set()
    for value in values:
        inner = json.dumps(value, ensure_ascii=False)[1:-1]
        for form in (
            value,
            inner,
            json.dumps(value)[1:-1],
            inner.translate(_GO_ESCAPES),
            inner.replace("/", "\\/"),
        ):
            if form and form not in seen:
                seen.add(form)
                yield form
