"""Kubernetes OpenAPI schemas, offline, from the files kubernetes-validate ships.

``kubernetes_validate.validate()`` reads and compiles the schema on every call
(12-19 ms per object) and stops at the first error. We read the same files
once: the ~1.5 MB definitions file per (version, strict), stripped to the
validating keywords and with every ``$ref`` replaced by the definition itself,
and one ``Draft202012Validator`` per (version, strict, apiVersion, kind) over
it. A cached validation then costs about a millisecond and yields every error
with its path; an object ``schema_fast`` finds certainly valid (the common case)
skips jsonschema's walk. Nothing is fetched: a kind without a shipped schema (a
custom resource) is reported as such, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

# Imported with this module, not lazily: the validators cached below hold their
# classes, which must stay the ones every later call uses.
import jsonschema

from pytest_devops_policy.knowledge.kubernetes.schema_fast import certainly_valid
from pytest_devops_policy.knowledge.schema_errors import SchemaError, describe

__all__ = [
    "DEFAULT_VERSION",
    "SchemaError",
    "builtin_kinds",
    "resolve_version",
    "schema_errors",
    "supported_versions",
    "validator_for",
]

DEFAULT_VERSION = "1.35"
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")
# kubernetes-validate names files <kind>-<group without domain>-<version>.json.
_GROUP_DOMAIN = re.compile(r"^([^./]*)(?:\.[^/]*)?/")


@lru_cache(maxsize=1)
def _root() -> Path | None:
    try:
        base = resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")
    except ModuleNotFoundError:
        return None
    path = Path(str(base))
    return path if path.is_dir() else None


@lru_cache(maxsize=1)
def supported_versions() -> tuple[str, ...]:
    """The Kubernetes minor versions whose schemas are installed, oldest first."""
    root = _root()
    if root is None:
        return ()
    found = set()
    for entry in root.iterdir():
        m = re.match(r"^v(\d+)\.(\d+)\.\d+-local$", entry.name)
        if m:
            found.add((int(m.group(1)), int(m.group(2))))
    return tuple(f"{a}.{b}" for a, b in sorted(found))


@lru_cache(maxsize=1)
def builtin_kinds() -> frozenset[str]:
    """The lower-case names of the kinds (and object types) Kubernetes itself defines, from
    the shipped schema files' names; a kind not among them is a custom resource."""
    directory = _directory(DEFAULT_VERSION, False)
    if directory is None:
        return frozenset()
    return frozenset(p.name.split("-", 1)[0] for p in directory.glob("*-*.json"))


def resolve_version(text: object) -> str | None:
    """``"1.33"``, ``"v1.33"`` or ``"1.33.2"`` -> ``"1.33"`` if its schemas are installed."""
    m = _VERSION.match(str(text).strip())
    if m is None:
        return None
    version = f"{int(m.group(1))}.{int(m.group(2))}"
    return version if version in supported_versions() else None


def _directory(version: str, strict: bool) -> Path | None:
    root = _root()
    if root is None:
        return None
    path = root / f"v{version}.0-local{'-strict' if strict else ''}"
    return path if path.is_dir() else None


# The keywords these schemas validate with. Descriptions, formats (no format checker
# runs, as with kubectl's client-side validation) and x-kubernetes-* annotations are
# dropped when a schema is loaded: fewer keys per sub-schema is less work per node.
_VALIDATING = frozenset(
    {"type", "$ref", "additionalProperties", "properties", "items", "required", "enum"}
    | {"oneOf", "anyOf", "allOf", "not"}
)
_DEFS = "$defs/"


def _strip(schema: Any, names: bool = False) -> Any:
    """A copy of ``schema`` with the validating keywords only (``names``: the value is
    a ``properties`` mapping, whose keys are field names, not keywords)."""
    if isinstance(schema, list):
        return [_strip(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if names:
        return {key: _strip(value) for key, value in schema.items()}
    return {
        key: _strip(value, key == "properties")
        for key, value in schema.items()
        if key in _VALIDATING
    }


def _link(schema: Any, definitions: dict[str, Any], seen: set[int]) -> Any:
    """Replace every ``{"$ref": ".../$defs/X"}`` with the definition object itself.

    jsonschema then descends plain dicts instead of resolving a reference at
    every node, which halves the cost of a validation. Recursive definitions
    become cycles of dicts; validation only follows them as deep as the object.
    """
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            schema[i] = _link(item, definitions, seen)
        return schema
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if ref is not None:
        target = definitions.get(ref.split(_DEFS, 1)[-1]) if isinstance(ref, str) else None
        if target is None:
            raise LookupError(f"unresolvable schema reference {ref!r}")
        if len(schema) == 1:
            return target
        siblings = {k: _link(v, definitions, seen) for k, v in schema.items() if k != "$ref"}
        return {"allOf": [target, siblings]}
    if id(schema) in seen:
        return schema
    seen.add(id(schema))
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            for name, sub in value.items():
                value[name] = _link(sub, definitions, seen)
        else:
            schema[key] = _link(value, definitions, seen)
    return schema


@lru_cache(maxsize=8)
def _definitions(version: str, strict: bool) -> dict[str, Any] | None:
    """The shared definitions of one schema set, stripped and linked."""
    directory = _directory(version, strict)
    if directory is None:
        return None
    with open(directory / "_definitions.json", encoding="utf-8") as fh:
        raw = json.load(fh).get("$defs", {})
    definitions: dict[str, Any] = {name: _strip(sub) for name, sub in raw.items()}
    seen: set[int] = set()
    try:
        for name in definitions:
            definitions[name] = _link(definitions[name], definitions, seen)
    except LookupError:
        return None
    return definitions


@lru_cache(maxsize=1024)
def validator_for(version: str, strict: bool, api_version: str, kind: str) -> Any:
    """The compiled validator for one kind, or None when no schema ships for it."""
    directory = _directory(version, strict)
    definitions = _definitions(version, strict)
    if directory is None or definitions is None or not kind or "/" in kind:
        return None
    group_version = _GROUP_DOMAIN.sub(r"\1-", api_version)
    name = f"{kind.lower()}-{group_version}.json"
    path = directory / name
    try:
        if "/" in name or not path.is_file():
            return None
    except OSError:  # a kind no schema file could be named after ("File name too long")
        return None
    with open(path, encoding="utf-8") as fh:
        schema = json.load(fh)
    # The file name drops the group's domain: apps.example.com/v1 Deployment must not
    # be judged as apps/v1 Deployment. The schema names the apiVersion it accepts.
    accepted = schema.get("properties", {}).get("apiVersion", {}).get("enum")
    if isinstance(accepted, list) and api_version not in accepted:
        return None
    try:
        linked = _link(_strip(schema), definitions, set())
    except LookupError:
        return None  # a schema we cannot read whole is no schema: skipped, never guessed
    return jsonschema.Draft202012Validator(linked)


def schema_errors(obj: Mapping[str, Any], version: str, strict: bool) -> list[SchemaError] | None:
    """Every schema violation of ``obj``; None when no schema ships for its kind."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    validator = validator_for(version, strict, api_version, kind)
    if validator is None:
        return None
    if certainly_valid(validator.schema, obj):  # the common case, without jsonschema's walk
        return []
    found: list[SchemaError] = []
    for error in validator.iter_errors(obj):
        found.extend(describe(error, hint_quoted=" (quoted in YAML: the API does not convert it)"))
    return sorted(found, key=lambda e: [str(p) for p in e.path])
