"""Rolling-update arithmetic: IntOrString parsing, rounding and per-kind defaults."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.formats.kubernetes.objects import K8sObject, parse
from pytest_devops_policy.knowledge.kubernetes.rollout import (
    IntOrPercent,
    Templated,
    int_or_percent,
    rolling_update,
)
from pytest_devops_policy.model import Source


def _one(text: str) -> K8sObject:
    parsed = parse(Source(path="/repo/app.yaml", relpath="app.yaml", text=textwrap.dedent(text)))
    (obj,) = parsed.subjects
    assert isinstance(obj, K8sObject)
    return obj


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, IntOrPercent(0, False)),
        (3, IntOrPercent(3, False)),
        ("25%", IntOrPercent(25, True)),
        ("0%", IntOrPercent(0, True)),
        ("150%", IntOrPercent(150, True)),  # parsed; callers apply the field's upper bound
    ],
)
def test_int_or_percent_parses(raw: object, expected: IntOrPercent) -> None:
    assert int_or_percent("maxUnavailable", raw) == expected


@pytest.mark.parametrize("raw", ["25", "-1", "25 %", "1.5%", 1.5, True, None, [1]])
def test_int_or_percent_rejects_what_the_api_rejects(raw: object) -> None:
    message = int_or_percent("maxSurge", raw)
    assert isinstance(message, str) and not isinstance(message, Templated)
    assert message.startswith("maxSurge")


def test_negative_and_templated() -> None:
    assert int_or_percent("maxUnavailable", -1) == "maxUnavailable -1 is negative"
    value = int_or_percent("maxUnavailable", "{{ .Values.max }}")
    assert isinstance(value, Templated) and value == "{{ .Values.max }}"


@pytest.mark.parametrize(
    ("value", "total", "up", "expected"),
    [
        (IntOrPercent(25, True), 3, False, 0),  # maxUnavailable rounds down
        (IntOrPercent(25, True), 3, True, 1),  # maxSurge rounds up
        (IntOrPercent(50, True), 5, False, 2),
        (IntOrPercent(50, True), 5, True, 3),
        (IntOrPercent(100, True), 4, False, 4),
        (IntOrPercent(2, False), 10, False, 2),  # counts are not scaled
    ],
)
def test_scaled(value: IntOrPercent, total: int, up: bool, expected: int) -> None:
    assert value.scaled(total, round_up=up) == expected


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  %s
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "registry.example.com/web:1.0.0"}]}
"""


def test_deployment_defaults_are_25_percent() -> None:
    rolling = rolling_update(_one(DEPLOYMENT % ""))
    assert rolling is not None
    assert rolling.value("maxUnavailable") == IntOrPercent(25, True)
    assert rolling.value("maxSurge") == IntOrPercent(25, True)
    assert not rolling.unavailable_rounds_up and rolling.has_surge
    assert not rolling.written("maxUnavailable")
    assert rolling.field_path("maxUnavailable") == ("spec",)


def test_written_values_point_at_their_key() -> None:
    obj = _one(DEPLOYMENT % "strategy: {rollingUpdate: {maxUnavailable: 1}}")
    rolling = rolling_update(obj)
    assert rolling is not None
    assert rolling.value("maxUnavailable") == IntOrPercent(1, False)
    assert rolling.field_path("maxUnavailable") == (
        "spec",
        "strategy",
        "rollingUpdate",
        "maxUnavailable",
    )
    assert rolling.field_path("maxSurge") == ("spec", "strategy", "rollingUpdate")


@pytest.mark.parametrize("strategy", ["strategy: {type: Recreate}", "strategy: {type: Custom}"])
def test_non_rolling_strategies_have_no_parameters(strategy: str) -> None:
    assert rolling_update(_one(DEPLOYMENT % strategy)) is None


def test_daemonset_and_statefulset_defaults() -> None:
    daemonset = _one(
        """\
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec: {containers: [{name: agent, image: "registry.example.com/agent:1.0.0"}]}
        """
    )
    rolling = rolling_update(daemonset)
    assert rolling is not None and rolling.unavailable_rounds_up
    assert rolling.value("maxUnavailable") == IntOrPercent(1, False)
    assert rolling.value("maxSurge") == IntOrPercent(0, False)
    statefulset = _one(
        """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          updateStrategy: {type: OnDelete}
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: "registry.example.com/db:1.0.0"}]}
        """
    )
    assert rolling_update(statefulset) is None


def test_argo_canary_reads_like_a_deployment() -> None:
    rollout = _one(
        """\
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          strategy: {canary: {maxSurge: "10%"}}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "registry.example.com/web:1.0.0"}]}
        """
    )
    rolling = rolling_update(rollout)
    assert rolling is not None
    assert rolling.value("maxSurge") == IntOrPercent(10, True)
    assert rolling.value("maxUnavailable") == IntOrPercent(25, True)
    assert rolling.field_path("maxSurge") == ("spec", "strategy", "canary", "maxSurge")
