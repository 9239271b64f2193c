"""Rolling-update arithmetic shared by the rollout and disruption policies
(K8S-022, K8S-023, K8S-027).

Kubernetes writes ``maxUnavailable``, ``maxSurge`` and the PodDisruptionBudget
bounds as an IntOrString: a non-negative integer or a ``"N%"`` string. A bare
``"25"`` is neither (the API rejects it), and a percentage is scaled against the
pod count with a rounding direction that depends on the field and the kind:

=================================  ==============  ==============  ===========
strategy                            maxUnavailable  maxSurge        defaults
=================================  ==============  ==============  ===========
Deployment, Argo Rollout (canary)   rounds down     rounds up       25% / 25%
DaemonSet                           rounds up       rounds up       1 / 0
StatefulSet (MaxUnavailableSts)     rounds up       —               1
=================================  ==============  ==============  ===========
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, as_mapping, is_templated

__all__ = [
    "IntOrPercent",
    "RollingUpdate",
    "Templated",
    "int_or_percent",
    "rolling_update",
]

_PERCENT = re.compile(r"^([0-9]{1,9})%$")  # more digits: no percentage (and no int())
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class IntOrPercent:
    """A parsed IntOrString: ``number`` pods, or ``number`` percent of them."""

    number: int
    percent: bool

    def __str__(self) -> str:
        return f"{self.number}%" if self.percent else str(self.number)

    def scaled(self, total: int, round_up: bool) -> int:
        """The pod count this value stands for out of ``total`` pods."""
        if not self.percent:
            return self.number
        exact = self.number * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)


class Templated(str):
    """The raw text of a templated value (decided only after rendering)."""


def int_or_percent(field: str, raw: object) -> IntOrPercent | Templated | str:
    """Parse an IntOrString the way the API validates it.

    Returns the value, ``Templated`` when a template expression stands in for
    it, or a message saying why the API rejects it.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        return IntOrPercent(raw, False) if raw >= 0 else f"{field} {raw} is negative"
    if is_templated(raw):
        return Templated(str(raw))
    if isinstance(raw, str):
        match = _PERCENT.match(raw.strip())
        if match is None:
            return f'{field} {raw!r} is neither an integer nor a percentage such as "25%"'
        return IntOrPercent(int(match.group(1)), True)
    return f"{field} {raw!r} is neither an integer nor a percentage (type mismatch)"


@dataclass(frozen=True)
class _Rules:
    unavailable_default: IntOrPercent
    unavailable_rounds_up: bool
    surge_default: IntOrPercent | None  # None: the strategy has no surge


_DEPLOYMENT = _Rules(IntOrPercent(25, True), False, IntOrPercent(25, True))
_DAEMONSET = _Rules(IntOrPercent(1, False), True, IntOrPercent(0, False))
_STATEFULSET = _Rules(IntOrPercent(1, False), True, None)


@dataclass(frozen=True)
class RollingUpdate:
    """Where a workload keeps its rolling-update parameters and how to read them."""

    path: Path  # the rollingUpdate (or canary) mapping, written or not
    values: Mapping[str, Any]
    rules: _Rules

    def value(self, name: str) -> IntOrPercent | Templated | str | None:
        """``maxUnavailable``/``maxSurge`` as written, else the kind's default;
        None for a surge the strategy does not have."""
        if name in self.values:
            return int_or_percent(name, self.values[name])
        if name == "maxUnavailable":
            return self.rules.unavailable_default
        return self.rules.surge_default

    def written(self, name: str) -> bool:
        return name in self.values

    def field_path(self, name: str) -> Path:
        """The key a Violation points at: the field when written, else the nearest parent."""
        if name in self.values:
            return (*self.path, name)
        return self.path

    @property
    def unavailable_rounds_up(self) -> bool:
        return self.rules.unavailable_rounds_up

    @property
    def has_surge(self) -> bool:
        return self.rules.surge_default is not None


def _nearest(root: Mapping[str, Any], path: Path) -> Path:
    """The longest written prefix of ``path`` (so a line number exists for it)."""
    node: object = root
    for depth, part in enumerate(path):
        if not isinstance(node, Mapping) or part not in node:
            return path[:depth]
        node = node[part]
    return path


def rolling_update(obj: K8sObject) -> RollingUpdate | None:
    """The rolling-update parameters of a workload that rolls pods in place, or
    None when its strategy does not (Recreate, OnDelete, blue-green, a kind
    without a strategy)."""
    spec = as_mapping(obj.value.get("spec"))
    kind = obj.kind_name
    if kind == "Deployment":
        strategy, key, rules = "strategy", "RollingUpdate", _DEPLOYMENT
    elif kind == "DaemonSet":
        strategy, key, rules = "updateStrategy", "RollingUpdate", _DAEMONSET
    elif kind == "StatefulSet":
        strategy, key, rules = "updateStrategy", "RollingUpdate", _STATEFULSET
    elif kind == "Rollout" and obj.group == "argoproj.io":
        canary = as_mapping(spec.get("strategy")).get("canary")
        if not isinstance(canary, Mapping):
            return None
        path: Path = ("spec", "strategy", "canary")
        return RollingUpdate(path, canary, _DEPLOYMENT)
    else:
        return None
    block = as_mapping(spec.get(strategy))
    # An absent or empty type defaults to RollingUpdate.
    if block.get("type") not in (None, "", key):
        return None
    path = _nearest(obj.value, ("spec", strategy, "rollingUpdate"))
    return RollingUpdate(path or ("spec",), as_mapping(block.get("rollingUpdate")), rules)
