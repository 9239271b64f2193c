"""jsonschema errors as our messages, shared by the schema-validity policies (K8S-031,
GL-014).

Values are named by their type, never quoted: a mistyped field may hold a credential.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema.exceptions

__all__ = ["SchemaError", "describe", "dotted"]


@dataclass(frozen=True)
class SchemaError:
    """One schema violation: where (a key path inside the document) and what."""

    path: tuple[str | int, ...]
    message: str


def dotted(path: tuple[str | int, ...], whole: str = "(object)") -> str:
    """A key path as written in messages: ``spec.containers[0].image``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or whole


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "mapping"
    return type(value).__name__


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _expected(types: object) -> str:
    names = [t for t in (types if isinstance(types, list) else [types]) if t != "null"]
    words = {"object": "a mapping", "array": "a list", "integer": "an integer"}
    return " or ".join(words.get(str(t), f"a {t}") for t in names) or "null"


def describe(error: Any, descend: bool = False, hint_quoted: str = "") -> Iterator[SchemaError]:
    """Our message(s) for one jsonschema error. ``descend``: for ``oneOf``/``anyOf``, report
    the alternative that came closest (jsonschema's ``best_match``) rather than "not valid
    here" (schemas written with many alternatives, such as GitLab's). ``hint_quoted`` is
    added when a string stands where a boolean or integer belongs."""
    path = tuple(error.absolute_path)
    validator = error.validator
    if validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        unknown = [
            k
            for k in instance
            if k not in known and not any(re.search(p, str(k)) for p in patterns)
        ]
        for key in unknown:
            yield SchemaError((*path, key), f"unknown field {key!r}")
        if not unknown:
            yield SchemaError(path, "holds a field that is not allowed here")
        return
    if validator == "type":
        expected = _expected(error.validator_value)
        got = _type_name(error.instance)
        hint = ""
        if isinstance(error.instance, str) and expected in ("a boolean", "an integer"):
            hint = hint_quoted
        yield SchemaError(path, f"expected {expected}, got {_a(got)}{hint}")
        return
    if validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value if v is not None)
        value = error.instance if isinstance(error.instance, str) else _type_name(error.instance)
        yield SchemaError(path, f"{value!r} is not one of {allowed}")
        return
    if validator == "const":
        yield SchemaError(path, f"must be {error.validator_value!r}")
        return
    if validator == "required":
        missing = [
            k
            for k in error.validator_value
            if not (isinstance(error.instance, Mapping) and k in error.instance)
        ]
        for key in missing:
            yield SchemaError(path, f"missing required field {key!r}")
        return
    if validator in ("oneOf", "anyOf"):
        # The alternative whose type matched failed deeper: that is what the author meant.
        typed = [e for e in error.context if e.validator != "type"] or list(error.context)
        best = jsonschema.exceptions.best_match(typed) if descend else None
        if best is not None and best.validator not in ("oneOf", "anyOf"):
            yield from describe(best, descend, hint_quoted)
            return
        yield SchemaError(path, f"{_a(_type_name(error.instance))} is not valid here")
        return
    if validator in ("pattern", "format", "minLength", "maxLength"):
        yield SchemaError(path, f"this {_type_name(error.instance)} is not in the expected form")
        return
    if validator in ("minItems", "maxItems", "minimum", "maximum", "uniqueItems"):
        yield SchemaError(path, f"fails the schema's {validator} ({error.validator_value!r})")
        return
    yield SchemaError(path, str(error.message)[:200])
