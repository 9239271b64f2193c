"""GitLab's own JSON schema of ``.gitlab-ci.yml``, offline (GL-014).

The schema (``data/gitlab_ci/ci.schema.json``, draft-07, GitLab's MIT-licensed file as
check-jsonschema vendors it) is read and compiled once per process. A file is validated as
written: its own document (no includes merged; a ``!reference`` tag is the list of keys it
names, as GitLab's editor sees it) and its ``spec:`` header, each error mapped back onto the
line of the key it concerns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

# Imported with this module, not lazily: the cached validator holds its classes.
import jsonschema

from pytest_devops_policy.formats.gitlab_ci.tree import Node, Origin, Ref
from pytest_devops_policy.knowledge.schema_errors import SchemaError, describe

__all__ = ["schema_errors"]


# GitLab reads YAML with Ruby's Psych, a YAML 1.1 parser: an unquoted yes/no/on/off is a
# boolean there. We load GitLab files as YAML 1.2 (so they stay strings here); a boolean
# keyword holding one is what GitLab sees as a boolean, not an error. (true/false load as
# booleans already: a quoted "false" stays a string, which GitLab rejects, and so do we.)
_PSYCH_BOOLEANS = frozenset({"yes", "no", "on", "off"})


def _boolean(checker: Any, instance: object) -> bool:
    return isinstance(instance, bool) or (
        isinstance(instance, str) and instance.lower() in _PSYCH_BOOLEANS
    )


@lru_cache(maxsize=1)
def _validator() -> Any:
    text = resources.files("pytest_devops_policy").joinpath("data/gitlab_ci/ci.schema.json")
    schema = json.loads(text.read_text(encoding="utf-8"))
    base = jsonschema.Draft7Validator
    cls = jsonschema.validators.extend(
        base, type_checker=base.TYPE_CHECKER.redefine("boolean", _boolean)
    )
    # No format checker: "uri"/"date" formats are advice in GitLab's editor, not errors.
    return cls(schema)


def _plain(node: Node) -> Any:
    value = node.value
    if isinstance(value, Ref):
        return list(value.path)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _origin(node: Node, path: Sequence[str | int]) -> Origin:
    """The origin of the deepest node on ``path`` (a missing key: its parent's)."""
    for part in path:
        value = node.value
        child: Node | None = None
        if isinstance(value, dict) and isinstance(part, str):
            child = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            child = value[part]
        if child is None:
            break
        node = child
    return node.origin


def schema_errors(*documents: Node | None) -> list[tuple[SchemaError, Origin]]:
    """Every violation of GitLab's schema in the documents, in file order."""
    validator = _validator()
    found: list[tuple[SchemaError, Origin]] = []
    for doc in documents:
        if doc is None:
            continue
        for error in validator.iter_errors(_plain(doc)):
            for item in describe(error, descend=True):
                found.append((item, _origin(doc, item.path)))
    unique = {(e.path, e.message): (e, o) for e, o in found}
    return sorted(unique.values(), key=lambda eo: (eo[1].line, eo[1].col))
