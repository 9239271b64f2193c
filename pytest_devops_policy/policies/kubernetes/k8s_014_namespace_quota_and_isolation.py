"""K8S-014: workloads stay out of the ``default`` namespace, and namespaces the
repository creates come with a ResourceQuota and a LimitRange.

Workloads: ``metadata.namespace: default`` (or a kustomization's
``namespace: default``) fails; a manifest with no namespace at all fails only
with ``k8s.require_namespace = true``, since the deploy may well point it
elsewhere. Namespaces: each ``Namespace`` object needs a ResourceQuota with
``spec.hard`` and a LimitRange with ``spec.limits`` in it, in its deployment
unit (one that sets no namespace may or may not be in it: Unknown); namespaces
created elsewhere are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, workloads
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import is_templated
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex
from pytest_devops_policy.options import K8sOptions

_DEFAULT = "default"


def _scope(subject: object) -> bool:
    """Workloads, and core ``Namespace`` objects."""
    if workloads(subject):
        return True
    return isinstance(subject, K8sObject) and subject.kind_name == "Namespace" and not subject.group


def _nonempty(entry: Entry, field: str, kind: type) -> bool:
    value = entry.spec.get(field)
    return isinstance(value, kind) and bool(value)


def _guard(
    index: K8sIndex, namespace: str, kind: str, field: str, shape: type
) -> Unknown | str | None:
    """Why ``namespace`` lacks an effective object of ``kind`` (Unknown when one may be
    there), or None."""
    found = index.in_namespace(kind, namespace).filter(lambda e: not e.group)
    if any(_nonempty(e, field, shape) for e in found):
        return None
    effective = found.filter(lambda e: _nonempty(e, field, shape))
    if effective.doubt:
        return Unknown(f"no {kind} is certainly in namespace {namespace}: {effective.doubt}")
    if not found:
        return f"no {kind}"
    refs = ", ".join(e.ref for e in found)
    return f"no effective {kind} ({refs} sets no spec.{field})"


def _namespace_object(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    name = k8s_object.name
    if name is None:
        return  # the API rejects a nameless Namespace; nothing to look up
    if is_templated(name):
        yield Unknown(f"the Namespace name is templated ({name!r}); render it first")
        return
    index: K8sIndex | None = context.index(k8s_object)
    if index is None:
        yield Unknown("no cross-object index to look up ResourceQuotas and LimitRanges in")
        return
    found = [
        _guard(index, name, "ResourceQuota", "hard", Mapping),
        _guard(index, name, "LimitRange", "limits", list),
    ]
    missing = [why for why in found if isinstance(why, str)]
    if missing:
        yield Violation(
            f"Namespace {name} is created here but has " + " and ".join(missing) + " in it",
            path=("metadata", "name"),
        )
        return
    yield from (why for why in found if isinstance(why, Unknown))


def _workload(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    written = k8s_object.metadata.get("namespace")
    index: K8sIndex | None = context.index(k8s_object)
    from_kustomize = index.kustomize_namespace(k8s_object.source.path) if index else None
    if is_templated(written):
        yield Unknown(f"metadata.namespace is templated ({written!r}); render it first")
        return
    if written == _DEFAULT:
        # kustomize's namespace transformer overrides what the base wrote.
        if from_kustomize is not None and from_kustomize != _DEFAULT:
            return
        yield Violation(
            f"{k8s_object.kind_name} runs in the default namespace (metadata.namespace: default)",
            path=("metadata", "namespace"),
        )
        return
    if written is not None and written != "":
        return
    if from_kustomize == _DEFAULT:
        yield Violation(
            f"{k8s_object.kind_name} runs in the default namespace "
            "(its kustomization sets namespace: default)",
            path=("metadata",),
        )
        return
    if from_kustomize is None and context.options(K8sOptions).require_namespace:
        yield Violation(
            f"{k8s_object.kind_name} sets no namespace (k8s.require_namespace = true): it lands "
            "in whatever namespace the deploy context uses, usually default",
            path=("metadata",),
        )


@policy(
    id="K8S-014",
    name="namespace-quota-and-isolation",
    title="Workloads must not use the default namespace; namespaces need a quota and limits",
    severity=Severity.LOW,
    rationale=(
        "Namespaces are the unit that RBAC, NetworkPolicies, quotas and Pod Security admission "
        "attach to. Workloads dumped into default share it with everything else nobody "
        "placed deliberately, so no boundary separates them. A namespace without a "
        "ResourceQuota lets one team's runaway Deployment take the whole cluster's capacity, "
        "and without a LimitRange containers that declare no resources run unbounded."
    ),
    remediation=(
        "Give every workload a dedicated namespace (metadata.namespace or the kustomization's "
        "namespace). Next to each Namespace you create, add a ResourceQuota with spec.hard "
        "(requests.cpu, requests.memory, limits.memory, pods...) and a LimitRange with "
        "default and defaultRequest values for containers. Set k8s.require_namespace = true "
        "to also fail manifests that name no namespace."
    ),
    controls=("CIS-K8s-5.7.1", "CIS-K8s-5.7.4", "NSA-K8s-Namespaces", "NSA-K8s-Resource-Policies"),
    references=(
        "checkov:CKV_K8S_21",
        "kube-linter:use-namespace",
        "trivy:AVD-KSV-0110",
        "trivy:AVD-KSV-0039",
        "trivy:AVD-KSV-0040",
    ),
    applies=_scope,
    example="""\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
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
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: shop-quota
  namespace: shop
spec:
  hard:
    requests.cpu: "8"
    requests.memory: 16Gi
    limits.memory: 32Gi
    pods: "50"
---
apiVersion: v1
kind: LimitRange
metadata:
  name: shop-limits
  namespace: shop
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
---
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
)
def namespace_quota_and_isolation(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    if k8s_object.kind_name == "Namespace" and not k8s_object.is_workload:
        yield from _namespace_object(k8s_object, context)
    else:
        yield from _workload(k8s_object, context)
