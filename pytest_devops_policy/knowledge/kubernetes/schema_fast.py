"""A fast "is it certainly valid?" for the stripped Kubernetes schemas (issue 15).

Most manifests are valid, and jsonschema's ``iter_errors`` walks every node of every object
through its generic machinery (``descend``/``evolve`` were the top functions of a cold run's
profile: about 12% of it). The schemas ``schema.py`` builds use ten keywords only (``type``,
``enum``, ``required``, ``properties``, ``additionalProperties``, ``items``, ``allOf``,
``anyOf``, ``oneOf``, ``not``), so a direct walk over them answers the common question at a
fraction of the cost. jsonschema still produces every error message: this check only lets a
valid object skip it.

It is conservative by construction: it answers True only when every keyword it meets is one
of the ten and is satisfied under JSON Schema 2020-12 semantics (``integer`` accepts an
integral float, booleans are neither integers nor numbers, ``enum`` tells ``1`` from
``true``); anything else, including a keyword it does not know or a value of a type JSON has
not (a YAML timestamp), answers False and the caller asks jsonschema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["certainly_valid"]

_KNOWN = frozenset(
    {
        "type",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
    }
)


def _type_ok(expected: str, value: Any) -> bool:
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "string":
        return isinstance(value, str)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if expected == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if expected == "number":
        return isinstance(value, (int, float))
    return False


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``1`` is not ``true``, ``1`` is ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if a is None or b is None:
        return a is None and b is None
    return False  # containers in an enum: let jsonschema decide


def certainly_valid(schema: Any, value: Any) -> bool:
    """True only when ``value`` surely satisfies ``schema`` (see the module docstring)."""
    if schema is True or schema == {}:
        return True
    if not isinstance(schema, Mapping) or not _KNOWN.issuperset(schema):
        return False
    expected = schema.get("type")
    if expected is not None:
        if isinstance(expected, str):
            if not _type_ok(expected, value):
                return False
        elif not (isinstance(expected, list) and any(_type_ok(t, value) for t in expected)):
            return False
    enum = schema.get("enum")
    if enum is not None and not (isinstance(enum, list) and any(_same(value, e) for e in enum)):
        return False
    if isinstance(value, dict):
        required = schema.get("required")
        if required is not None and not (
            isinstance(required, list) and all(k in value for k in required)
        ):
            return False
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if not isinstance(properties, Mapping):
            return False
        for key, item in value.items():
            sub = properties.get(key)
            if sub is not None:
                if not certainly_valid(sub, item):
                    return False
            elif extra is not True and (extra is False or not certainly_valid(extra, item)):
                return False
    if isinstance(value, list) and "items" in schema:
        items = schema["items"]
        if not all(certainly_valid(items, item) for item in value):
            return False
    for sub in schema.get("allOf", ()):
        if not certainly_valid(sub, value):
            return False
    if "anyOf" in schema and not any(certainly_valid(s, value) for s in schema["anyOf"]):
        return False
    if "oneOf" in schema:
        # Exactly one: sure when one sub-schema surely matches and every other one surely
        # fails on the value's type (Kubernetes' int-or-string is oneOf string, integer).
        subs = schema["oneOf"]
        matched = [s for s in subs if certainly_valid(s, value)]
        if len(matched) != 1 or not all(_wrong_type(s, value) for s in subs if s is not matched[0]):
            return False
    return "not" not in schema


def _wrong_type(schema: Any, value: Any) -> bool:
    """The value surely fails ``schema`` on its type alone."""
    if not isinstance(schema, Mapping):
        return False
    expected = schema.get("type")
    if isinstance(expected, str):
        return not _type_ok(expected, value)
    if isinstance(expected, list):
        return not any(_type_ok(t, value) for t in expected)
    return False
