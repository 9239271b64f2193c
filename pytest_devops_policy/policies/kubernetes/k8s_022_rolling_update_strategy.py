"""K8S-022: workloads roll their pods over instead of replacing them all at once.

A Deployment with ``Recreate`` stops every old pod before any new one starts; a
StatefulSet or DaemonSet with ``OnDelete`` never updates a pod until someone
deletes it by hand; a StatefulSet partition at or above the replica count keeps
every ordinal on the old revision. An Argo Rollout must name its canary or
blue-green strategy. OpenShift DeploymentConfigs are read the same way
(``Rolling`` is their rolling strategy).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import (
    K8sObject,
    as_mapping,
    is_templated,
    non_negative_int,
)
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import replica_count
from pytest_devops_policy.indexes.kubernetes import K8sIndex, Matches

Path = tuple[PathPart, ...]

# kind -> (strategy field, rolling type, types the API accepts)
_STRATEGIES: dict[str, tuple[str, str, frozenset[str]]] = {
    "Deployment": ("strategy", "RollingUpdate", frozenset({"RollingUpdate", "Recreate"})),
    "StatefulSet": ("updateStrategy", "RollingUpdate", frozenset({"RollingUpdate", "OnDelete"})),
    "DaemonSet": ("updateStrategy", "RollingUpdate", frozenset({"RollingUpdate", "OnDelete"})),
    "DeploymentConfig": ("strategy", "Rolling", frozenset({"Rolling", "Recreate", "Custom"})),
}

_CONSEQUENCE = {
    "Recreate": "every old pod is stopped before a new one starts, so each rollout is an outage",
    "OnDelete": "pods are only updated when someone deletes them, so a rollout never happens "
    "by itself and old and new revisions linger side by side",
}


def _scope(subject: object) -> bool:
    if not isinstance(subject, K8sObject) or not subject.is_workload:
        return False
    if subject.kind_name == "Rollout":
        return subject.group == "argoproj.io"
    if subject.kind_name == "DeploymentConfig":
        return subject.group == "apps.openshift.io" or subject.api_version == "v1"
    return subject.kind_name in _STRATEGIES and subject.group in ("apps", "extensions")


def _argo(spec: Mapping[str, Any]) -> Iterator[Violation]:
    strategy = as_mapping(spec.get("strategy"))
    if isinstance(strategy.get("canary"), Mapping) or isinstance(
        strategy.get("blueGreen"), Mapping
    ):
        return
    path: Path = ("spec", "strategy") if "strategy" in spec else ("spec",)
    yield Violation(
        "Rollout names neither spec.strategy.canary nor spec.strategy.blueGreen: Argo "
        "Rollouts refuses it, and the progressive delivery it exists for never happens",
        path=path,
    )


def _volume_hint(k8s_object: K8sObject) -> str:
    """Recreate is the honest choice for a single ReadWriteOnce volume; say how to waive it."""
    volumes = (k8s_object.pod_spec or {}).get("volumes")
    if isinstance(volumes, list) and any(
        isinstance(v, Mapping) and "persistentVolumeClaim" in v for v in volumes
    ):
        return (
            " (if the pod needs exclusive access to a ReadWriteOnce volume, waive this "
            "finding with that reason)"
        )
    return ""


def _partition(
    k8s_object: K8sObject, spec: Mapping[str, Any], context: Context
) -> Iterator[Violation | Unknown]:
    rolling = as_mapping(as_mapping(spec.get("updateStrategy")).get("rollingUpdate"))
    if "partition" not in rolling:
        return
    raw = non_negative_int("rollingUpdate.partition", rolling["partition"])
    path: Path = ("spec", "updateStrategy", "rollingUpdate", "partition")
    if isinstance(raw, Unknown):
        yield raw
        return
    if isinstance(raw, str):
        yield Violation(raw, path=path)
        return
    if raw == 0:
        return
    index: K8sIndex | None = context.index(k8s_object)
    hpas = index.hpas_targeting(k8s_object) if index is not None else Matches()
    if hpas.maybe:
        yield Unknown(
            f"rollingUpdate.partition {raw} cannot be compared with the pod count: a "
            f"HorizontalPodAutoscaler may manage it: {hpas.namespace_doubt}"
        )
        return
    if hpas:
        # The autoscaler moves the pod count; pods above the partition exist only if
        # it can scale past it.
        tops = [h.spec.get("maxReplicas") for h in hpas]
        counts = [t for t in tops if isinstance(t, int) and not isinstance(t, bool)]
        if len(counts) != len(tops):
            yield Unknown(
                f"rollingUpdate.partition {raw} cannot be compared with the pod count: "
                "the maxReplicas of " + ", ".join(h.ref for h in hpas) + " is not a literal integer"
            )
            return
        total = max(counts)
        source = "maxReplicas of " + ", ".join(h.ref for h in hpas)
    else:
        count = replica_count(k8s_object, None)
        if count.value is None:
            yield Unknown(
                f"rollingUpdate.partition {raw} cannot be compared with the pod count: "
                f"{count.problem or count.source}"
            )
            return
        total, source = count.value, count.source
    if raw >= total:
        yield Violation(
            f"rollingUpdate.partition {raw} is not below the replica count {total} ({source}): "
            "only ordinals at or above the partition are updated, so no pod ever gets the "
            "new revision",
            path=path,
        )


@policy(
    id="K8S-022",
    name="rolling-update-strategy",
    title="Workloads must roll out with a rolling update",
    severity=Severity.HIGH,
    rationale=(
        "A Deployment with strategy Recreate terminates every running pod before the first "
        "new one is ready, so every release, including a rollback, takes the service down. "
        "A StatefulSet or DaemonSet with updateStrategy OnDelete never updates its pods on "
        "its own: the manifest says the new version is deployed while the old one keeps "
        "running until each pod is deleted by hand. A StatefulSet partition at or above its "
        "replica count has the same effect. An Argo Rollout without a canary or blue-green "
        "strategy is rejected by its controller."
    ),
    remediation=(
        "Use strategy.type: RollingUpdate (the default) on Deployments and "
        "updateStrategy.type: RollingUpdate on StatefulSets and DaemonSets, keep a "
        "StatefulSet's rollingUpdate.partition below its replica count (0 once a staged "
        "rollout is finished), and give an Argo Rollout a canary or blueGreen strategy. "
        "If a pod really needs exclusive access to a ReadWriteOnce volume, keep Recreate "
        "and waive this finding with that reason."
    ),
    controls=("NIST-800-53-CP-10", "NIST-800-53-SI-2"),
    references=(
        "kube-linter:no-rolling-update-strategy",
        "kube-score:deployment-strategy",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy",
    ),
    applies=_scope,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: Recreate
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
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
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
def rolling_update_strategy(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    spec = as_mapping(k8s_object.value.get("spec"))
    kind = k8s_object.kind_name
    if kind == "Rollout":
        yield from _argo(spec)
        return
    field, rolling, accepted = _STRATEGIES[kind]
    strategy = as_mapping(spec.get(field))
    raw = strategy.get("type")
    path: Path = ("spec", field, "type")
    if raw is None or raw == "" or raw == rolling:
        if kind == "StatefulSet":
            yield from _partition(k8s_object, spec, context)
        return
    if is_templated(raw):
        yield Unknown(f"{field}.type is templated ({raw!r}); render it first")
    elif raw == "Custom":
        yield Unknown(
            "strategy.type Custom runs a user-supplied deployer image; whether it rolls "
            "pods over cannot be told from the manifest"
        )
    elif isinstance(raw, str) and raw in accepted:
        hint = _volume_hint(k8s_object) if raw == "Recreate" else ""
        yield Violation(
            f"{kind} sets {field}.type: {raw}: {_CONSEQUENCE[str(raw)]}{hint}", path=path
        )
    else:
        names = " or ".join(sorted(accepted))
        yield Violation(
            f"{field}.type {raw!r} is not a strategy the API accepts ({names})", path=path
        )
