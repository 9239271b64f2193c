"""Kubernetes label selectors (catalog §2.2-10), matched the way the API server does.

Two shapes exist: the plain map of a Service or ReplicationController
(``selector: {app: web}``) and the ``LabelSelector`` of most other objects
(``matchLabels`` plus ``matchExpressions``). They differ on emptiness: an empty
Service selector selects nothing (the Service has no managed endpoints), while
an empty ``LabelSelector`` selects everything, except in the few APIs that say
otherwise (``policy/v1beta1`` PodDisruptionBudgets), which callers state with
``empty_matches``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "label_pairs",
    "label_selector_matches",
    "label_selector_pairs",
    "map_selector_matches",
    "map_selector_pairs",
    "selector_text",
]


def _label(value: object) -> str | None:
    """A label value as the API sees it; YAML 1.1 scalars are strings after decoding."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def map_selector_matches(selector: object, labels: Mapping[str, Any]) -> bool:
    """A Service-style ``{key: value}`` selector; empty or absent selects nothing."""
    if not isinstance(selector, Mapping) or not selector:
        return False
    return all(
        k in labels and _label(labels[k]) == _label(v) and _label(v) is not None
        for k, v in selector.items()
    )


# Pairs as the matchers compare them, for indexes that look up candidates by a pair instead
# of trying every selector (the matchers above still decide).
LabelPair = tuple[Any, "str | None"]


def label_pairs(labels: Mapping[str, Any]) -> set[LabelPair]:
    """Every ``(key, value)`` of a label map, the value as the matchers compare it."""
    return {(k, _label(v)) for k, v in labels.items()}


def map_selector_pairs(selector: object) -> list[LabelPair] | None:
    """The pairs a label map must hold for ``map_selector_matches`` (None: the selector
    names no pair, and matches nothing)."""
    if not isinstance(selector, Mapping) or not selector:
        return None
    return [(k, _label(v)) for k, v in selector.items()]


def label_selector_pairs(selector: object) -> list[LabelPair] | None:
    """The ``matchLabels`` pairs a label map must hold for ``label_selector_matches``
    (None: the selector requires no pair: it has only expressions, is empty or malformed)."""
    if not isinstance(selector, Mapping):
        return None
    match_labels = selector.get("matchLabels")
    if not isinstance(match_labels, Mapping) or not match_labels:
        return None
    return [(k, _label(v)) for k, v in match_labels.items()]


def _expression(expr: object, labels: Mapping[str, Any]) -> bool:
    if not isinstance(expr, Mapping):
        return False  # the API rejects it: it selects nothing
    key = expr.get("key")
    operator = expr.get("operator")
    values = expr.get("values")
    wanted = {_label(v) for v in values} if isinstance(values, list) else set()
    present = isinstance(key, str) and key in labels
    value = _label(labels[key]) if present and isinstance(key, str) else None
    if operator == "In":
        return present and value in wanted
    if operator == "NotIn":
        return not present or value not in wanted
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    return False  # Gt/Lt exist only for node selectors; unknown operators select nothing


def label_selector_matches(
    selector: object, labels: Mapping[str, Any], *, empty_matches: bool = True
) -> bool:
    """A ``LabelSelector`` (``matchLabels`` + ``matchExpressions``, ANDed).

    ``None``/absent and ``{}`` are the empty selector: everything when
    ``empty_matches`` (NetworkPolicy ``podSelector: {}``, PDB ``policy/v1``),
    nothing otherwise (PDB ``policy/v1beta1``).
    """
    if selector is None:
        selector = {}
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if not match_labels and not expressions:
        return empty_matches
    if match_labels is not None and not isinstance(match_labels, Mapping):
        return False
    for key, value in (match_labels or {}).items():
        if key not in labels or _label(labels[key]) != _label(value):
            return False
    if expressions is not None and not isinstance(expressions, list):
        return False
    return all(_expression(e, labels) for e in expressions or ())


def selector_text(selector: object) -> str:
    """A selector for messages: ``app=web,tier in (api)``."""
    if not isinstance(selector, Mapping) or not selector:
        return "{}"
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return ",".join(f"{k}={_label(v)}" for k, v in selector.items())
    parts = [f"{k}={_label(v)}" for k, v in (selector.get("matchLabels") or {}).items()]
    for e in selector.get("matchExpressions") or ():
        if isinstance(e, Mapping):
            values = e.get("values")
            vals = ",".join(str(v) for v in values) if isinstance(values, list) else ""
            parts.append(f"{e.get('key')} {e.get('operator')} ({vals})".replace(" ()", ""))
    return ",".join(parts) or "{}"
