"""K8S-027: a PodDisruptionBudget leaves room for at least one eviction.

The budget is read the way the disruption controller reads it: the pods it
guards are those of every workload of its deployment unit that its selector
matches (one whose namespace may or may not be the budget's leaves the count
unknown), counted at R (the HPA's ``minReplicas`` when one targets the
workload, else ``spec.replicas``);
a percentage ``minAvailable`` is rounded up, a percentage ``maxUnavailable``
too. Eviction is impossible when ``maxUnavailable`` is 0 or when
``minAvailable`` reaches the total, so a node drain (and with it cluster
patching) hangs until someone deletes the budget by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import (
    Replicas,
    entry_replicas,
    is_templated,
)
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex
from pytest_devops_policy.knowledge.kubernetes.rollout import (
    IntOrPercent,
    Templated,
    int_or_percent,
)
from pytest_devops_policy.knowledge.kubernetes.selectors import (
    label_selector_matches,
    selector_text,
)

_EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


def _scope(subject: object) -> bool:
    return (
        isinstance(subject, K8sObject)
        and subject.kind_name == "PodDisruptionBudget"
        and subject.group == "policy"
    )


def _budget(field: str, raw: object) -> IntOrPercent | Unknown | str:
    """The parsed value, Unknown for a template, or why the API rejects it."""
    value = int_or_percent(field, raw)
    if isinstance(value, Templated):
        return Unknown(f"spec.{field} is templated ({raw!r}); render it first")
    if isinstance(value, IntOrPercent) and value.percent and value.number > 100:
        return f"{field} {raw!r} is above 100%"
    return value


def _custom_resource(entry: Entry) -> bool:
    # Built-in API groups are "" (core), dot-less (apps, batch, policy...) or *.k8s.io.
    return "." in entry.group and not entry.group.endswith(".k8s.io")


def _operated_by(index: K8sIndex, selector: object, namespace: str | None) -> list[Entry]:
    """Custom resources in the namespace whose own labels the selector matches.

    Operators (Prometheus, Alertmanager, Kafka, databases...) create the pods of a
    custom resource and commonly copy its labels onto them; a budget written for
    those pods selects nothing among the manifests, yet protects real pods.
    """
    return [
        e
        for e in index.objects(None, namespace)
        if _custom_resource(e) and label_selector_matches(selector, e.labels, empty_matches=False)
    ]


def _pods(workloads: Sequence[tuple[Entry, Replicas]]) -> str:
    return "; ".join(f"{w.ref}: {r.describe()}" for w, r in workloads)


def _min_available(
    budget: IntOrPercent, matched: Sequence[tuple[Entry, Replicas]], path: tuple[PathPart, ...]
) -> Iterator[Violation | Unknown]:
    if budget.percent and budget.number >= 100:
        yield Violation(
            f"minAvailable {budget} keeps every selected pod: no pod can ever be evicted, "
            "so node drains hang",
            path=path,
        )
        return
    if budget.number == 0:
        return  # minAvailable 0 guards nothing; every pod may go
    known = [(w, r) for w, r in matched if r.value is not None]
    unknown = [r for _, r in matched if r.value is None]
    total = sum(r.value or 0 for _, r in known)
    if not matched or (total == 0 and not unknown):
        return  # nothing selected (reported below) or every workload scaled to zero

    def desired(pods: int) -> int:
        # The disruption controller rounds a percentage minAvailable up.
        return budget.scaled(pods, round_up=True)

    # More pods only make room: if the known ones leave some, all of them do.
    if desired(total) < total:
        return
    if unknown:
        reasons = "; ".join(r.problem or r.source for r in unknown)
        yield Unknown(f"minAvailable {budget} cannot be compared with the pod count: {reasons}")
        return
    rounding = f" (rounded up to {desired(total)})" if budget.percent else ""
    yield Violation(
        f"minAvailable {budget}{rounding} is not below the {total} "
        f"pod{'' if total == 1 else 's'} it guards "
        f"({_pods(known)}): no pod can ever be evicted, so node drains hang",
        path=path,
    )


@policy(
    id="K8S-027",
    name="pdb-allows-eviction",
    title="PodDisruptionBudgets must allow at least one eviction",
    severity=Severity.MEDIUM,
    rationale=(
        "A PodDisruptionBudget that allows no disruption (maxUnavailable: 0, minAvailable: "
        "100%, or a minAvailable equal to the replica count) makes every eviction of its pods "
        "fail. kubectl drain, node upgrades and the cluster autoscaler then stall on that node "
        "until someone deletes the budget by hand, so a well-meant budget ends up blocking "
        "the regular patching it was supposed to make safe. A budget whose selector matches "
        "nothing protects nothing."
    ),
    remediation=(
        "Set exactly one of maxUnavailable (preferably 1 or a percentage) or minAvailable "
        "below the replica count (the HPA's minReplicas when one targets the workload), make "
        "the selector match the workload's pod template labels, and set "
        "unhealthyPodEvictionPolicy: AlwaysAllow so pods that never became ready do not "
        "block drains."
    ),
    controls=("NIST-800-53-SI-2",),
    references=(
        "kube-linter:pdb-max-unavailable",
        "kube-linter:pdb-min-available",
        "kube-linter:pdb-unhealthy-pod-eviction-policy",
        "kube-score:poddisruptionbudget-has-policy",
        "polaris:pdbDisruptionsIsZero",
        "polaris:pdbMinAvailableGreaterThanHPAMinReplicas",
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
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 3
  selector:
    matchLabels: {app: web}
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
def pdb_allows_eviction(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    raw_spec = k8s_object.value.get("spec")
    spec: Mapping[str, object] = raw_spec if isinstance(raw_spec, Mapping) else {}
    index: K8sIndex | None = context.index(k8s_object)
    entry = index.entry_for(k8s_object) if index is not None else None
    if index is None or entry is None:
        yield Unknown("the PodDisruptionBudget is not in the cross-object index")
        return
    workloads = index.workloads_selected_by(entry)
    matched = [(w, entry_replicas(w, index)) for w in workloads]
    if workloads.maybe:
        # Pods that may or may not be the budget's: how many it guards is not known. One
        # entry carries the doubt, which names all of them.
        doubt = f"the pods it guards are uncertain: {workloads.namespace_doubt}"
        matched.append((workloads.maybe[0], Replicas(None, doubt, problem=doubt)))

    has_min = spec.get("minAvailable") is not None
    has_max = spec.get("maxUnavailable") is not None
    if has_min and has_max:
        yield Violation(
            "sets both minAvailable and maxUnavailable; the API accepts only one",
            path=("spec", "maxUnavailable"),
        )
    elif not has_min and not has_max:
        yield Violation("sets neither minAvailable nor maxUnavailable", path=("spec",))
    else:
        field = "minAvailable" if has_min else "maxUnavailable"
        path: tuple[PathPart, ...] = ("spec", field)
        budget = _budget(field, spec.get(field))
        if isinstance(budget, Unknown):
            yield budget
        elif isinstance(budget, str):
            yield Violation(f"{budget}; the API rejects it", path=path)
        elif field == "maxUnavailable":
            if budget.number == 0:
                yield Violation(
                    f"maxUnavailable {budget} never allows an eviction, so node drains hang",
                    path=path,
                )
        else:
            yield from _min_available(budget, matched, path)

    # A budget over nothing: no workload to protect (low, the catalog's "warning").
    selector = spec.get("selector")
    if not workloads and not is_templated(selector):
        ns = index.namespace_of(k8s_object)
        operated = _operated_by(index, selector, ns)
        if k8s_object.api_version == "policy/v1beta1" and not (
            isinstance(selector, Mapping)
            and (selector.get("matchLabels") or selector.get("matchExpressions"))
        ):
            yield Violation(
                "policy/v1beta1 reads an empty selector as selecting no pods",
                path=("spec", "selector") if "selector" in spec else ("spec",),
                severity=Severity.LOW,
            )
        elif workloads.doubt:
            yield Unknown(
                f"selector {selector_text(selector)} matches no workload certainly in its "
                f"namespace: {workloads.doubt}"
            )
        elif operated:
            yield Unknown(
                f"selector {selector_text(selector)} matches no workload in the run, but "
                f"{', '.join(e.ref for e in operated[:3])} carries those labels: its operator "
                "creates the pods, which only exist in the cluster"
            )
        else:
            where = f"namespace {ns}" if ns else "its namespace"
            yield Violation(
                f"selector {selector_text(selector)} matches no workload's pods in {where}",
                path=("spec", "selector") if "selector" in spec else ("spec",),
                severity=Severity.LOW,
            )

    eviction = spec.get("unhealthyPodEvictionPolicy")
    if k8s_object.api_version == "policy/v1beta1":
        # policy/v1beta1 (removed in Kubernetes 1.25) never had the field.
        yield Violation(
            "uses policy/v1beta1, removed in Kubernetes 1.25; move to policy/v1 and set "
            "unhealthyPodEvictionPolicy: AlwaysAllow",
            path=("apiVersion",),
            severity=Severity.LOW,
        )
    elif eviction is None:
        yield Violation(
            "sets no unhealthyPodEvictionPolicy: pods that never became ready still count "
            "against the budget and can block drains; set it to AlwaysAllow",
            path=("spec",),
            severity=Severity.LOW,
        )
    elif eviction not in _EVICTION_POLICIES:
        yield Violation(
            f"unhealthyPodEvictionPolicy {eviction!r} is not AlwaysAllow or IfHealthyBudget; "
            "the API rejects it",
            path=("spec", "unhealthyPodEvictionPolicy"),
        )
