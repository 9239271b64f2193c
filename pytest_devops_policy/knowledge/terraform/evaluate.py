"""What a Terraform value is, as far as it can be known without running Terraform (§5.2-2).

Resolution is shallow and deterministic: ``var.x`` -> tfvars, then ``default``;
``local.x`` -> its value (depth <= 5); ``data`` policy documents -> the JSON they
render; the functions and operators of ``functions.py`` on literal arguments;
conditionals whose condition resolves. Anything else stays an ``Expr``.

On top of that, the tri-state questions policies ask: what values may an
attribute take (``candidates``: both branches of an unresolved conditional, each
instance of a resource with a literal ``for_each``/``count``), and does a test
hold for all of them (``decide``)? ``explain`` says in a few words why a value
does not resolve.

``Evaluator`` is built from the module's variables, locals and data sources; the
module index (``indexes.terraform``) gathers them from the files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pytest_devops_policy.formats.terraform.model import (
    Attribute,
    Block,
    Expr,
    Template,
    Value,
    is_literal,
    make_template,
)
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.dynamic import nested
from pytest_devops_policy.knowledge.terraform.functions import binary, call
from pytest_devops_policy.knowledge.terraform.iam import data_document
from pytest_devops_policy.knowledge.terraform.references import (
    MISSING,
    Lookup,
    Missing,
    first_unresolved,
    mentions,
    substitute,
    walk,
)

__all__ = ["MAX_CANDIDATES", "MAX_DEPTH", "Evaluator", "Variable"]

MAX_DEPTH = 5  # local -> local -> ... (§5.2-2)
MAX_CANDIDATES = 32  # instances or branches considered before giving up on a value
MAX_RESOLVED = 64 * 1024
"""A resolved local or variable may stand for this many characters and values; past it it
stays unresolved. Locals that each repeat the previous one sixty times stand for 60**5
copies at MAX_DEPTH; each local is resolved once (per depth) and measured without
copying what it shares, so such a module costs what its text costs."""


def _error(ref: tuple[str | int, ...], why: str) -> Expr:
    """A reference Terraform would reject (``kind="error"``): never a value."""
    text = ".".join(str(p) for p in ref)
    return Expr(text, "error", op=f"{text}: {why}")


def _uses_instance(block: Block) -> bool:
    return any(mentions(a.value, ("each", "count")) for a in block.attributes.values()) or any(
        _uses_instance(b) for b in block.blocks
    )


def _substituted(block: Block, lookup: Lookup) -> Block:
    attributes = {
        name: replace(attr, value=substitute(attr.value, lookup))
        for name, attr in block.attributes.items()
    }
    return replace(
        block, attributes=attributes, blocks=[_substituted(b, lookup) for b in block.blocks]
    )


def _length(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) == 1 and isinstance(args[0], (list, dict)):
        return len(args[0])
    return MISSING


def _lookup(args: tuple[Value, ...]) -> Value | Missing:
    if len(args) in (2, 3) and isinstance(args[0], dict) and isinstance(args[1], str):
        if args[1] in args[0]:
            return args[0][args[1]]
        if len(args) == 3 and all(is_literal(v) for v in args[0].values()):
            return args[2]  # every key of a literal map is known: the default applies
    return MISSING


_STRUCTURAL = {"length": _length, "lookup": _lookup}


@dataclass
class Variable:
    """``variable "name" { default = ... }``; ``value`` is the tfvars value or the default."""

    name: str
    line: int
    source: str
    has_value: bool
    value: Value = None


class Evaluator:
    """Resolves and judges values against one module's variables, locals and data sources."""

    def __init__(
        self,
        variables: Mapping[str, Variable],
        locals: Mapping[str, Attribute],
        data: Mapping[tuple[str, str], Block],
        call: str = "",
    ) -> None:
        self.variables = variables
        # The call's address (``module.db``) when this is a module as one call creates it.
        self.call = call
        self.locals = locals
        self.data = data
        # (name, depth) -> the local's resolved value; the values are shared, not copied.
        self._locals_memo: dict[tuple[str, int], Value] = {}
        # id -> size of each memoised value (kept alive by the memo, so ids stay theirs)
        self._sizes: dict[int, int] = {}
        self.too_large: set[str] = set()  # locals past MAX_RESOLVED, for explain()

    # -- values

    def resolve(self, value: Value, _depth: int = 0) -> Value:
        """Substitute what can be known statically; unresolved parts stay ``Expr``."""
        if isinstance(value, list):
            return [self.resolve(v, _depth) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, _depth) for k, v in value.items()}
        if isinstance(value, Template):
            return make_template(
                p if isinstance(p, str) else self.resolve(p, _depth) for p in value.parts
            )
        if not isinstance(value, Expr):
            return value
        if value.kind == "ref":
            return self._resolve_ref(value, _depth)
        if value.kind == "call" and value.op == "try":
            return self._try(value, _depth)
        args = tuple(self.resolve(a, _depth) for a in value.args)
        if value.kind == "cond":
            cond, if_true, if_false = args
            if isinstance(cond, bool):
                return if_true if cond else if_false
            if is_literal(if_true) and if_true == if_false:
                return if_true
        elif value.kind == "call" and all(is_literal(a) for a in args):
            result = call(value.op, args)
            if not isinstance(result, Missing):
                return result
        elif value.kind == "call" and value.op in _STRUCTURAL:
            # A list's length and a map's known key are known while some values are not
            # (``count = length(var.rules)``, ``lookup(var.rules[count.index], "port", 0)``).
            result = _STRUCTURAL[value.op](args)
            if not isinstance(result, Missing):
                return result
        elif value.kind == "binary" and all(is_literal(a) for a in args):
            result = binary(value.op, args[0], args[1])
            if not isinstance(result, Missing):
                return result
        elif value.kind == "unary" and is_literal(args[0]):
            if value.op == "!" and isinstance(args[0], bool):
                return not args[0]
        elif value.kind in ("getattr", "index") and is_literal(args[0]):
            key = args[1]
            if isinstance(key, (str, int)):
                found = walk(args[0], [key])
                if not isinstance(found, Missing):
                    return found
        return replace(value, args=args) if args != value.args else value

    def _try(self, value: Expr, depth: int) -> Value:
        """``try(a, b, ...)``: the first argument that resolves; one that is known to fail
        (a key the instance's literal ``each.value`` lacks) is passed over; one that does not
        resolve leaves the whole call unresolved."""
        args = tuple(self.resolve(a, depth) for a in value.args)
        for arg in args:
            if isinstance(arg, Expr) and arg.kind == "error":
                continue
            if is_literal(arg):
                return arg
            break
        return replace(value, args=args) if args != value.args else value

    def _resolve_ref(self, value: Expr, depth: int) -> Value:
        ref = value.ref
        if len(ref) >= 2 and ref[0] == "var" and isinstance(ref[1], str):
            var = self.variables.get(ref[1])
            if var is None or not var.has_value or depth > MAX_DEPTH:
                return value
            found = walk(self.resolve(var.value, depth + 1), ref[2:])
            return value if isinstance(found, Missing) else found
        if len(ref) >= 2 and ref[0] == "local" and isinstance(ref[1], str):
            attr = self.locals.get(ref[1])
            if attr is None or depth >= MAX_DEPTH:
                return value
            base = self._local(ref[1], attr, depth + 1)
            if base is None:
                return value
            if len(ref) == 2:
                return base  # may still be an expression: useful for linking
            found = walk(base, ref[2:])
            return value if isinstance(found, Missing) else found
        if len(ref) == 4 and ref[0] == "data" and depth < MAX_DEPTH:
            block = self.data.get((str(ref[1]), str(ref[2])))
            if block is not None:
                doc = data_document(block, str(ref[3]), self.resolve)
                if doc is not None:
                    resolved = self.resolve(doc, depth + 1)
                    # Literal documents become the JSON string; others stay a
                    # jsonencode() call whose argument policies can still inspect.
                    encoded = call("jsonencode", (resolved,)) if is_literal(resolved) else MISSING
                    if isinstance(encoded, Missing):
                        return Expr(value.text, "call", op="jsonencode", args=(resolved,))
                    return encoded
        return value

    def _local(self, name: str, attr: Attribute, depth: int) -> Value | None:
        """``local.name`` resolved at ``depth``, once; None past MAX_RESOLVED."""
        key = (name, depth)
        if key in self._locals_memo:
            return self._locals_memo[key]
        resolved: Value | None = self.resolve(attr.value, depth)
        size = self._measure(resolved)
        if size > MAX_RESOLVED:
            self.too_large.add(name)
            resolved = None
        self._locals_memo[key] = resolved
        if resolved is not None:
            self._sizes[id(resolved)] = size
        return resolved

    def _measure(self, value: object, limit: int = MAX_RESOLVED) -> int:
        """Characters and values ``value`` stands for, counting a memoised part by its
        known size; stops counting past ``limit``."""
        if isinstance(value, str):
            return len(value)
        known = self._sizes.get(id(value))
        if known is not None:
            return known
        children: Any
        if isinstance(value, (list, tuple)):
            children = value
        elif isinstance(value, dict):
            children = value.values()
        elif isinstance(value, Template):
            children = value.parts
        elif isinstance(value, Expr):
            children = value.args
        else:
            return 1
        total = 1
        for child in children:
            total += self._measure(child, limit - total)
            if total > limit:
                break
        return total

    def blocks(self, owner: Block | TfResource, name: str) -> list[Block]:
        """``owner``'s nested ``name`` blocks, ``dynamic`` ones expanded through this
        module's values (``dynamic.nested``)."""
        return nested(owner, name, self.resolve)

    def first(self, owner: Block | TfResource, name: str) -> Block | None:
        found = self.blocks(owner, name)
        return found[0] if found else None

    # -- every value an attribute may take

    def instances(self, value: Value, within: TfResource | None = None) -> list[Value]:
        """One value per instance when ``within`` has a literal ``for_each``/``count``
        and the value uses ``each.*``/``count.index``; otherwise just the value."""
        if within is not None and mentions(value, ("each", "count")):
            return self._instances(value, within)
        return [value]

    def _instances(self, value: Value, resource: TfResource) -> list[Value]:
        lookups = self._lookups(resource)
        return [substitute(value, lookup) for lookup in lookups] if lookups else [value]

    def _lookups(self, resource: TfResource) -> list[Lookup]:
        """One reference lookup (``each.key``/``each.value``/``count.index``) per instance
        of a resource whose ``for_each``/``count`` resolves; none otherwise."""
        if resource.has("for_each"):
            for_each = self.resolve(resource.get("for_each"))
            if not is_literal(for_each):
                return []
            items: list[tuple[Value, Value]]
            if isinstance(for_each, dict):
                items = list(for_each.items())
            elif isinstance(for_each, list):
                items = [(v, v) for v in for_each]  # for_each takes sets: key == value
            else:
                return []
            out: list[Lookup] = []
            for key, item in items[:MAX_CANDIDATES]:

                def each(
                    ref: tuple[str | int, ...], k: Value = key, v: Value = item
                ) -> Value | Missing:
                    if len(ref) >= 2 and ref[0] == "each":
                        if ref[1] == "key" and len(ref) == 2:
                            return k
                        if ref[1] == "value":
                            found = walk(v, ref[2:])
                            if isinstance(found, Missing) and is_literal(v) and len(ref) > 2:
                                # Terraform errors here; try() goes on to its next argument
                                return _error(ref, "each.value has no such key")
                            return found
                    return MISSING

                out.append(each)
            return out
        count = self.resolve(resource.get("count"))
        if isinstance(count, int) and not isinstance(count, bool) and 0 < count <= MAX_CANDIDATES:
            results: list[Lookup] = []
            for index in range(count):

                def counter(ref: tuple[str | int, ...], i: int = index) -> Value | Missing:
                    return i if ref == ("count", "index") else MISSING

                results.append(counter)
            return results
        return []

    def views(self, resource: TfResource) -> list[TfResource]:
        """The resource once per instance, ``count.index``/``each.*`` replaced in every
        argument (nested blocks included), when its ``count``/``for_each`` resolves and
        it uses them; else just the resource. For policies that read a resource as a whole
        (a rule resource per ``count.index`` of a list of rules)."""
        if not _uses_instance(resource.block):
            return [resource]
        lookups = self._lookups(resource)
        if not lookups:
            return [resource]
        return [TfResource(resource.source, _substituted(resource.block, lk)) for lk in lookups]

    def alternatives(self, value: Value) -> list[Value]:
        """The resolved value, or both branches of a conditional whose condition does
        not resolve (recursively): exactly one of them will be used."""
        found = self._branches(self.resolve(value), 0)
        return found if len(found) <= MAX_CANDIDATES else [self.resolve(value)]

    def candidates(self, value: Value, within: TfResource | None = None) -> list[Value]:
        """Every value the attribute may take, over instances and alternatives."""
        return [alt for inst in self.instances(value, within) for alt in self.alternatives(inst)]

    def _branches(self, value: Value, depth: int) -> list[Value]:
        if isinstance(value, Expr) and value.kind == "cond" and depth < MAX_DEPTH:
            return self._branches(value.args[1], depth + 1) + self._branches(
                value.args[2], depth + 1
            )
        return [value]

    # -- tri-state verdicts

    def decide(
        self,
        value: Value,
        test: Callable[[Value], bool | None],
        within: TfResource | None = None,
    ) -> bool | None:
        """Does ``test`` (a "this value is fine" check) hold? Tri-state:

        * alternatives of an unresolved conditional must agree, otherwise ``None``
          (§5.2-2: UNKNOWN unless both branches pass or both fail);
        * instances of a resource with a literal ``for_each``/``count`` all exist, so
          one instance that definitely fails makes the answer ``False``;
        * an unresolved value gives ``None``.
        """
        verdicts: list[bool | None] = []
        for instance in self.instances(value, within):
            results: list[bool | None] = [
                test(alt) if is_literal(alt) else None for alt in self.alternatives(instance)
            ]
            if None in results:
                verdicts.append(None)
            elif all(results):
                verdicts.append(True)
            elif not any(results):
                verdicts.append(False)
            else:
                verdicts.append(None)
        if False in verdicts:
            return False
        if None in verdicts:
            return None
        return True

    def violates(
        self,
        value: Value,
        bad: Callable[[Value], bool | None],
        within: TfResource | None = None,
    ) -> bool | None:
        """The mirror of ``decide`` for a test that recognises a *bad* value:
        ``True`` when some instance is definitely bad."""

        def fine(candidate: Value) -> bool | None:
            verdict = bad(candidate)
            return None if verdict is None else not verdict

        verdict = self.decide(value, fine, within)
        return None if verdict is None else not verdict

    def explain(self, value: Value) -> str:
        """Why a value cannot be resolved, in a few words."""
        expr = first_unresolved(self.resolve(value))
        if expr is None:
            return "it is not a literal value"
        if expr.kind in ("foreign", "error"):  # a caller's unresolved argument; a bad reference
            return expr.op
        if expr.kind == "ref" and expr.ref:
            root = expr.ref[0]
            name = expr.ref[1] if len(expr.ref) > 1 else ""
            if root == "var":
                if name not in self.variables:
                    return f"var.{name} is not declared in this module"
                if self.call:
                    return f"var.{name} is not passed by {self.call} and has no default"
                return f"var.{name} has no default"
            if root == "local":
                if name in self.too_large:
                    return f"local.{name} expands to more than {MAX_RESOLVED // 1024} Ki values"
                return f"local.{name} does not resolve to a literal"
            if root in ("each", "count"):
                return f"{expr.text} differs per instance"
            if root == "data":
                return f"{expr.text} is only known at plan time"
            if root in ("module", "path", "terraform", "self"):
                return f"{expr.text} is not resolved statically"
            if name in ("key", "value") and "_" not in str(root):
                return f"{expr.text} is a dynamic block iterator whose for_each does not resolve"
            return f"{expr.text} is only known after apply"
        if expr.kind == "call":
            return f"{expr.op}() is not evaluated statically"
        return f"{expr.text} is not evaluated statically"
