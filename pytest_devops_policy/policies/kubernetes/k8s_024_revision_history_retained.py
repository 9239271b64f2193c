"""K8S-024: workloads keep enough old revisions to roll back to.

``revisionHistoryLimit`` is how many old ReplicaSets (Deployment, Argo Rollout)
or ControllerRevisions (StatefulSet, DaemonSet) the controller keeps. Those are
what ``kubectl rollout undo`` and ``kubectl argo rollouts undo`` return to; with
0 there is nothing to return to, and a bad release has to be rebuilt and
re-deployed under pressure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, non_negative_int
from pytest_devops_policy.options import K8sOptions

_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})


def _scope(subject: object) -> bool:
    if not isinstance(subject, K8sObject) or not subject.is_workload:
        return False
    if subject.kind_name == "Rollout":
        return subject.group == "argoproj.io"
    return subject.kind_name in _KINDS and subject.group in ("apps", "extensions")


@policy(
    id="K8S-024",
    name="revision-history-retained",
    title="Workloads must keep old revisions for rollback",
    severity=Severity.HIGH,
    rationale=(
        "The controller keeps spec.revisionHistoryLimit old ReplicaSets or "
        "ControllerRevisions (10 by default) and deletes the rest. They are what kubectl "
        "rollout undo rolls back to. A limit of 0 deletes every previous revision as soon "
        "as a rollout finishes, and a limit of 1 keeps only the one before, so a bad "
        "release found a deploy later cannot be undone quickly: the old version has to be "
        "rebuilt and re-deployed during the incident."
    ),
    remediation=(
        "Remove spec.revisionHistoryLimit to keep the default of 10, or set it to at least "
        "k8s.min_revision_history (default 2)."
    ),
    controls=("NIST-800-53-CP-10", "NIST-800-53-CM-3"),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#revision-history-limit",
        "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_undo/",
    ),
    applies=_scope,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  revisionHistoryLimit: 0
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
  revisionHistoryLimit: 5
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
def revision_history_retained(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    spec = k8s_object.value.get("spec")
    if not isinstance(spec, Mapping) or spec.get("revisionHistoryLimit") is None:
        return  # the API default (10) is enough
    raw = non_negative_int("spec.revisionHistoryLimit", spec["revisionHistoryLimit"])
    floor = context.options(K8sOptions).min_revision_history
    path = ("spec", "revisionHistoryLimit")
    kind = k8s_object.kind_name
    if isinstance(raw, Unknown):
        yield raw
    elif isinstance(raw, str):
        yield Violation(raw, path=path)
    elif raw == 0:
        kept = "ControllerRevisions" if kind in ("StatefulSet", "DaemonSet") else "ReplicaSets"
        yield Violation(
            f"{kind} sets spec.revisionHistoryLimit: 0: old {kept} are deleted after each "
            "rollout, so kubectl rollout undo has nothing to return to",
            path=path,
        )
    elif raw < floor:
        yield Violation(
            f"{kind} sets spec.revisionHistoryLimit: {raw}, below k8s.min_revision_history "
            f"({floor}): too few old revisions are kept to roll back past a bad release",
            path=path,
        )
