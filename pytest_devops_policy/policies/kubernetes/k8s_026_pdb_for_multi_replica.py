"""K8S-026: replicated Deployments, StatefulSets and Rollouts have a PodDisruptionBudget.

R is the HPA's ``minReplicas`` when an autoscaler targets the workload, else
``spec.replicas`` (indexes/k8s_workloads.py). Only R >= 2 is judged: a single
replica cannot survive a drain whatever budget it has. Budgets come from the
workload's deployment unit; one whose namespace may or may not be the workload's
makes the answer Unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import pod_labels_path, replica_count
from pytest_devops_policy.indexes.kubernetes import K8sIndex, pdb_selects

_KINDS = frozenset({"Deployment", "StatefulSet", "Rollout"})


def _scope(subject: object) -> bool:
    if not isinstance(subject, K8sObject) or subject.kind_name not in _KINDS:
        return False
    return subject.is_workload and (
        subject.kind_name != "Rollout" or subject.group == "argoproj.io"
    )


@policy(
    id="K8S-026",
    name="pdb-for-multi-replica",
    title="Replicated workloads must have a PodDisruptionBudget",
    severity=Severity.MEDIUM,
    rationale=(
        "Node drains (upgrades, autoscaler scale-down, patching) evict pods without regard "
        "for the service they belong to. Without a PodDisruptionBudget a drain may evict "
        "every replica of a Deployment at once, and running several replicas buys no "
        "availability during exactly the maintenance it was meant to survive."
    ),
    remediation=(
        "Add a policy/v1 PodDisruptionBudget in the workload's namespace whose selector "
        "matches the pod template labels, with maxUnavailable: 1 (or a minAvailable below "
        "the replica count) and unhealthyPodEvictionPolicy: AlwaysAllow."
    ),
    references=(
        "kube-score:deployment-has-poddisruptionbudget",
        "kube-score:statefulset-has-poddisruptionbudget",
        "polaris:missingPodDisruptionBudget",
    ),
    applies=_scope,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
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
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {app: web}
""",
)
def pdb_for_multi_replica(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    index: K8sIndex | None = context.index(k8s_object)
    if index is None:
        yield Unknown("no cross-object index to look PodDisruptionBudgets up in")
        return
    replicas = replica_count(k8s_object, index)
    if replicas.problem is not None:
        yield Unknown(replicas.problem)
        return
    if replicas.value is None or replicas.value < 2:
        return
    budgets = index.pdbs_selecting(k8s_object)
    if budgets:
        return
    ns = index.namespace_of(k8s_object)
    where = "namespace " + ns if ns else "its namespace"
    if budgets.doubt:
        yield Unknown(
            f"{k8s_object.kind_name} runs {replicas.describe()} but no PodDisruptionBudget "
            f"certainly in {where} selects its pods: {budgets.doubt}"
        )
        return
    labels = k8s_object.pod_template_metadata.get("labels")
    labels = labels if isinstance(labels, Mapping) else {}
    notes: list[str] = []
    for pdb in index.objects("PodDisruptionBudget", ns):
        selector = pdb.spec.get("selector")
        empty = not isinstance(selector, Mapping) or not (
            selector.get("matchLabels") or selector.get("matchExpressions")
        )
        if pdb.api_version == "policy/v1beta1" and empty:
            notes.append(
                f"{pdb.ref} is policy/v1beta1 with an empty selector, which selects no pods"
            )
    # A budget that would match from another namespace is a common slip.
    if ns is not None:
        notes += [
            f"{pdb.ref} matches the labels but is in namespace {pdb.namespace}"
            for pdb in index.objects("PodDisruptionBudget")
            if pdb.namespace is not None and pdb.namespace != ns and pdb_selects(pdb, labels)
        ]
    message = (
        f"{k8s_object.kind_name} runs {replicas.describe()} but no PodDisruptionBudget in "
        f"{where} selects its pods"
    )
    if notes:
        message += " (" + "; ".join(notes) + ")"
    yield Violation(message, path=pod_labels_path(k8s_object))
