"""K8S-023: a rolling update never takes too many pods down at once.

``maxUnavailable`` and ``maxSurge`` are resolved as the controllers resolve them
(formats/k8s_rollout.py): per kind defaults, and a percentage rounded down for a
Deployment's maxUnavailable but up for a DaemonSet's or StatefulSet's. R is the
workload's pod count at its low point (the HPA's minReplicas when one targets
it). DaemonSets run one pod per node, so only the rules that need no R apply.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import Replicas, replica_count
from pytest_devops_policy.indexes.kubernetes import K8sIndex
from pytest_devops_policy.knowledge.kubernetes.rollout import (
    IntOrPercent,
    RollingUpdate,
    Templated,
    rolling_update,
)
from pytest_devops_policy.options import K8sOptions


def _scope(subject: object) -> bool:
    return (
        isinstance(subject, K8sObject)
        and subject.is_workload
        and rolling_update(subject) is not None
    )


def _pods(count: int) -> str:
    return f"{count} pod{'' if count == 1 else 's'}"


def _against_replicas(
    name: str, value: IntOrPercent, rolling: RollingUpdate, replicas: Replicas, limit: int
) -> Iterator[Violation | Unknown]:
    path = rolling.field_path(name)
    r = replicas.value
    if r is None:
        # A percentage up to the limit never reaches R >= 2 pods; a count can.
        if replicas.problem is not None and not value.percent and value.number >= 2:
            yield Unknown(
                f"maxUnavailable {value} cannot be compared with the replica count: "
                f"{replicas.problem}"
            )
        return
    if r < 2:
        return  # a single replica is K8S-028's concern; any update takes it down
    down = value.scaled(r, round_up=rolling.unavailable_rounds_up)
    shown = f"{value} (= {_pods(down)} of {r})" if value.percent else str(value)
    if down >= r:
        yield Violation(
            f"maxUnavailable {shown} lets the rollout take down all {replicas.describe()} at "
            "once: the workload is unavailable during every update",
            path=path,
        )
    elif not value.percent and down * 100 > limit * r:
        yield Violation(
            f"maxUnavailable {value} is {down * 100 // r}% of {replicas.describe()}, above "
            f"k8s.max_unavailable_pct ({limit}%): most of the capacity may be down mid-rollout",
            path=path,
        )


@policy(
    id="K8S-023",
    name="rollout-max-unavailable-bounded",
    title="Rolling updates must keep most pods available",
    severity=Severity.MEDIUM,
    rationale=(
        "maxUnavailable bounds how many pods a rolling update may take down before their "
        "replacements are ready. When it resolves to the whole replica count, or to most of "
        "it, a rolling update is a Recreate in disguise: a bad image or a slow start takes "
        "the service down, and the remaining pods absorb more load than they were sized "
        "for. A value that is not an integer or a percentage, or a maxUnavailable and "
        "maxSurge that are both zero, is rejected by the API and the release never applies."
    ),
    remediation=(
        "Keep maxUnavailable at most k8s.max_unavailable_pct (default 50%) of the pods and "
        "below the replica count; for services that must not lose capacity use "
        "maxUnavailable: 0 with maxSurge: 1 or a percentage. Write percentages as strings "
        'with a percent sign ("25%").'
    ),
    controls=("NIST-800-53-CP-10",),
    references=(
        "kube-linter:no-rolling-update-strategy",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable",
    ),
    applies=_scope,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: "100%"
      maxSurge: "25"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
      maxSurge: "25%"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
)
def rollout_max_unavailable_bounded(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    rolling = rolling_update(k8s_object)
    if rolling is None:
        return
    limit = context.options(K8sOptions).max_unavailable_pct
    values: dict[str, IntOrPercent] = {}
    for name in ("maxUnavailable", "maxSurge"):
        if name == "maxSurge" and not rolling.has_surge:
            continue
        value = rolling.value(name)
        path = rolling.field_path(name)
        if isinstance(value, Templated):
            yield Unknown(f"{name} is templated ({value!r}); render it first")
        elif isinstance(value, str):
            yield Violation(f"{value}; the API rejects it", path=path)
        elif value is not None:
            if value.percent and value.number > 100:
                yield Violation(f"{name} {value} is above 100% (the API rejects it)", path=path)
                continue
            values[name] = value
    unavailable = values.get("maxUnavailable")
    surge = values.get("maxSurge")
    if unavailable is None:
        return
    path = rolling.field_path("maxUnavailable")
    if unavailable.percent and unavailable.number > limit:
        yield Violation(
            f"maxUnavailable {unavailable} is above k8s.max_unavailable_pct ({limit}%): "
            "most of the capacity may be down mid-rollout",
            path=path,
        )
    if unavailable.number == 0 and (surge is None or surge.number == 0):
        if rolling.has_surge and surge is not None:
            yield Violation(
                "maxUnavailable and maxSurge are both 0: the rollout can neither remove nor "
                "add a pod (the API rejects it)",
                path=path,
            )
        elif not rolling.has_surge:
            yield Violation(
                "maxUnavailable is 0: a StatefulSet rollout cannot update any pod "
                "(the API rejects it)",
                path=path,
            )
        return
    index: K8sIndex | None = context.index(k8s_object)
    replicas = replica_count(k8s_object, index)
    yield from _against_replicas("maxUnavailable", unavailable, rolling, replicas, limit)
    r = replicas.value
    if surge is not None and r is not None and r >= 1:
        down = unavailable.scaled(r, round_up=rolling.unavailable_rounds_up)
        if down == 0 and surge.scaled(r, round_up=True) == 0:
            yield Violation(
                f"maxUnavailable {unavailable} and maxSurge {surge} both resolve to 0 pods on "
                f"{replicas.describe()}: the rollout cannot progress without the controller "
                "overriding them",
                path=path,
            )
