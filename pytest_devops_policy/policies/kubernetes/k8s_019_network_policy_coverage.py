"""K8S-019: every workload's pods are selected by a NetworkPolicy that governs ingress.

NetworkPolicies come from the workload's deployment unit; one whose namespace may or
may not be the workload's makes the answer Unknown. A NetworkPolicy governs ingress
when its ``policyTypes`` lists ``Ingress``, or
when ``policyTypes`` is absent or empty: the API then always sets ``Ingress``
(and adds ``Egress`` only when egress rules are given). A policy that lists
only ``Egress`` leaves the pods open to every inbound connection.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_true, workloads
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import pod_labels_path
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex
from pytest_devops_policy.knowledge.kubernetes.selectors import label_selector_matches

_EXEMPT_NAMESPACES = frozenset({"kube-system"})


def _namespaces(subject: K8sObject, context: Context | None) -> set[str | None]:
    """The subject's namespace in each deployment unit that applies it."""
    index: K8sIndex | None = context.index(subject) if context is not None else None
    if index is None:
        return {subject.effective_namespace}
    return {unit.namespace_of(subject) for unit in index.units}


def _scope(subject: object, context: Context | None) -> bool:
    if not isinstance(subject, K8sObject) or not workloads(subject):
        return False
    if _namespaces(subject, context) <= _EXEMPT_NAMESPACES:
        return False
    # NetworkPolicies do not apply to host-network pods (they use the node's
    # network namespace); K8S-006 is the finding for those.
    return not is_true((subject.pod_spec or {}).get("hostNetwork"))


def governs_ingress(entry: Entry) -> bool:
    types = entry.spec.get("policyTypes")
    if types is None or types == []:
        return True
    return isinstance(types, list) and "Ingress" in types


def _why_not(entry: Entry) -> str:
    """Why a NetworkPolicy that selects the pods does not isolate their ingress."""
    types = entry.spec.get("policyTypes")
    if isinstance(types, list):
        return f"{entry.ref} selects them for {', '.join(map(str, types))} only"
    return f"{entry.ref} has policyTypes {types!r}, not a list (the API rejects it)"


_Lookup = tuple[dict[tuple[str, str], list[Entry]], list[Entry]]


def _ingress_policies(index: K8sIndex) -> _Lookup:
    """Ingress NetworkPolicies with a namespace, by one of their matchLabels pairs
    (a policy can only select pods that carry every pair), plus those without
    matchLabels. Built once per index: the cross-namespace hint below would
    otherwise scan every policy of the run for every uncovered workload."""
    by_pair: dict[tuple[str, str], list[Entry]] = {}
    rest: list[Entry] = []
    for p in index.objects("NetworkPolicy"):
        if p.group != "networking.k8s.io" or p.namespace is None or not governs_ingress(p):
            continue
        selector = p.spec.get("podSelector")
        pairs = selector.get("matchLabels") if isinstance(selector, Mapping) else None
        if isinstance(pairs, Mapping) and pairs:
            key, value = next(iter(pairs.items()))
            by_pair.setdefault((str(key), str(value)), []).append(p)
        else:
            rest.append(p)
    return by_pair, rest


def _elsewhere(index: K8sIndex, labels: Mapping[str, object], ns: str) -> list[Entry]:
    """Ingress policies in other namespaces whose selector matches ``labels``."""
    by_pair, rest = index.memo("K8S-019/ingress-policies", _ingress_policies)
    candidates = list(rest)
    for key, value in labels.items():
        candidates += by_pair.get((str(key), str(value)), ())
    return index.in_run_order(
        p
        for p in candidates
        if p.namespace != ns and label_selector_matches(p.spec.get("podSelector"), labels)
    )


def _labels_text(labels: Mapping[str, object]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in labels.items()) + "}"


@policy(
    id="K8S-019",
    name="network-policy-coverage",
    title="Every workload must be covered by an ingress NetworkPolicy",
    severity=Severity.MEDIUM,
    rationale=(
        "Pods no NetworkPolicy selects accept connections from every pod in the cluster, in "
        "every namespace. One compromised or misbehaving workload can then reach databases, "
        "admin endpoints and internal APIs that were never meant to be reachable from it, "
        "and nothing stops lateral movement. Isolation starts when a policy selects the pods "
        "for Ingress; from then on only what it allows gets in."
    ),
    remediation=(
        "Add a NetworkPolicy in the workload's namespace whose podSelector matches the pod "
        "template labels (or a namespace-wide default-deny with podSelector: {} and "
        "policyTypes: [Ingress]), then allow only the sources the workload needs."
    ),
    controls=("CIS-K8s-5.3.2", "NSA-K8s-Network-Policies"),
    references=(
        "checkov:CKV2_K8S_6",
        "kube-linter:non-isolated-pod",
        "kube-score:pod-networkpolicy",
        "polaris:missingNetworkPolicy",
        "trivy:AVD-KSV-0038",
    ),
    applies=_scope,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
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
  namespace: shop
spec:
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
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
      ports:
        - port: 8080
""",
)
def network_policy_coverage(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    index: K8sIndex | None = context.index(k8s_object)
    if index is None:
        yield Unknown("no cross-object index to look NetworkPolicies up in")
        return
    ns = index.namespace_of(k8s_object)
    if ns in _EXEMPT_NAMESPACES:
        return  # in this unit it runs in kube-system
    selecting = index.network_policies_selecting(k8s_object)
    if any(governs_ingress(p) for p in selecting):
        return
    labels = k8s_object.pod_template_metadata.get("labels")
    labels = labels if isinstance(labels, Mapping) else {}
    where = f"namespace {ns}" if ns else "its namespace"
    pods = f"the pod labels {_labels_text(labels)}" if labels else "its pods (they have no labels)"
    doubt = selecting.filter(governs_ingress).doubt
    if doubt:
        yield Unknown(f"no NetworkPolicy certainly in {where} selects {pods} for Ingress: {doubt}")
        return
    message = f"no NetworkPolicy in {where} selects {pods} for Ingress"
    notes = [_why_not(p) for p in selecting]
    # Policies that would match but live in another namespace are a common slip.
    if ns is not None:
        notes += [
            f"{p.ref} matches them but is in namespace {p.namespace}"
            for p in _elsewhere(index, labels, ns)
        ]
    if notes:
        message += " (" + "; ".join(notes) + ")"
    yield Violation(message, path=pod_labels_path(k8s_object))
