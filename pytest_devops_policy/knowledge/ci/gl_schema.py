"""GitLab's own JSON schema of ``.gitlab-ci.yml``, offline (GL-014).

The schema (``data/gitlab_ci/ci.schema.json``, draft-07, GitLab's MIT-licensed file as
check-jsonschema vendors it) is read and compiled once per process. A file is validated as
written: its own document (no includes merged; a ``!reference`` tag stands for what it
resolves to in the merged configuration) and its ``spec:`` header, each error mapped back
onto the line of the key it concerns.
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
# boolean there. We load GitLab files as YAML 1.2 (they stay strings), so the value GitLab
# validates is restored here. (Quoted, they would be strings to GitLab too: rare enough.)
_PSYCH_BOOLEANS = {"yes": True, "on": True, "no": False, "off": False}


@lru_cache(maxsize=1)
def _validator() -> Any:
    text = resources.files("pytest_devops_policy").joinpath("data/gitlab_ci/ci.schema.json")
    schema = json.loads(text.read_text(encoding="utf-8"))
    # No format checker: "uri"/"date" formats are advice in GitLab's editor, not errors.
    return jsonschema.Draft7Validator(schema)


def _as_gitlab_reads(node: Node, resolved: Node | None) -> Any:
    """The value GitLab validates. A ``!reference`` is replaced by what it resolved to
    (``resolved``: the node at the same path of the merged configuration) or left out when
    that is unknown; a list item that is a reference is left out (GitLab splices its list
    in); a key set to null is left out, as GitLab treats it as unset."""
    value = node.value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            peer = resolved.get(key) if resolved is not None else None
            if isinstance(child.value, Ref):
                if peer is None or peer.value is None:
                    continue
                out[key] = _as_gitlab_reads(peer, peer)
            elif child.value is not None:
                out[key] = _as_gitlab_reads(child, peer)
        return out
    if isinstance(value, list):
        # Indexes shift once references are spliced in: list items are read on their own.
        # GitLab flattens nested lists (``rules: [*common_rules, ...]`` with an anchor that
        # is a list, ``needs`` likewise), and an empty item of such an anchor is no entry.
        out_list: list[Any] = []
        for item in value:
            if isinstance(item.value, Ref) or item.value is None:
                continue
            read = _as_gitlab_reads(item, None)
            out_list.extend(read if isinstance(read, list) else [read])
        return out_list
    if isinstance(value, str):
        return _PSYCH_BOOLEANS.get(value.lower(), value)
    return value


def _reported(error: SchemaError, document: Any) -> bool:
    """Only errors we can name precisely: "this is not valid here" after every alternative
    failed would send a user hunting, and an empty list is accepted by GitLab. A job with
    ``extends:`` gets keys from its templates, so a "missing" one may be inherited."""
    if error.message.endswith("is not valid here") or "minItems" in error.message:
        return False
    if error.message.startswith("missing required field") and error.path:
        job = document.get(error.path[0]) if isinstance(document, dict) else None
        return not (isinstance(job, dict) and "extends" in job)
    return True


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


def schema_errors(
    document: Node | None, header: Node | None = None, merged: Node | None = None
) -> list[tuple[SchemaError, Origin]]:
    """Every violation of GitLab's schema in the file's document (``merged``: the same
    file's merged configuration, where its references were resolved) and its header, in
    file order."""
    validator = _validator()
    found: list[tuple[SchemaError, Origin]] = []
    for doc, resolved in ((document, merged), (header, None)):
        if doc is None:
            continue
        value = _as_gitlab_reads(doc, resolved)
        for error in validator.iter_errors(value):
            for item in describe(error, descend=True):
                if _reported(item, value):
                    found.append((item, _origin(doc, item.path)))
    unique = {(e.path, e.message): (e, o) for e, o in found}
    return sorted(unique.values(), key=lambda eo: (eo[1].line, eo[1].col))
