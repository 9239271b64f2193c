"""K8S-028: serving Deployments and StatefulSets run enough replicas, and an HPA
that scales one is sound and not fought by ``spec.replicas``.

"Serving" means selected by a Service of the workload's deployment unit, or
annotated ``devops-policy.io/ha: "true"``; other workloads get no item. The floor
is ``k8s.min_replicas`` (default 2), for ``spec.replicas`` and for the HPA's
``minReplicas`` alike. Only HPAs of the same unit count, and a Service or HPA
whose namespace may or may not be the workload's makes the answer Unknown.

HorizontalPodAutoscalers are judged too: one whose ``scaleTargetRef`` names no
object of its unit (in its namespace) scales nothing, and the workload it was
meant for runs without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import (
    ANNOTATION_PREFIX,
    REPLICATED_KINDS,
    K8sObject,
    as_mapping,
)
from pytest_devops_policy.indexes.k8s_verdicts import each_unit, unless_doubtful
from pytest_devops_policy.indexes.k8s_workloads import is_templated
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex, Matches
from pytest_devops_policy.options import K8sOptions

_KINDS = frozenset({"Deployment", "StatefulSet"})
HA_ANNOTATION = ANNOTATION_PREFIX + "ha"
_NAME: tuple[PathPart, ...] = ("metadata", "name")


def _annotated(subject: K8sObject) -> bool:
    # Annotation values are strings; a YAML boolean is a type mismatch the API rejects.
    return subject.annotations.get(HA_ANNOTATION) == "true"


def _is_hpa(subject: object) -> bool:
    return (
        isinstance(subject, K8sObject)
        and subject.kind_name == "HorizontalPodAutoscaler"
        and subject.group == "autoscaling"
    )


def _scope(subject: object, context: Context | None) -> bool:
    """Serving workloads (annotated, or selected by a Service of a unit that applies them,
    certainly or maybe), and HorizontalPodAutoscalers (whose target must exist)."""
    if _is_hpa(subject):
        return True
    if not isinstance(subject, K8sObject) or subject.kind_name not in _KINDS:
        return False
    if not subject.is_workload:
        return False
    if _annotated(subject):
        return True
    index: K8sIndex | None = context.index(subject) if context is not None else None
    if index is None:
        return False
    for unit in index.units:
        found = unit.services_selecting(subject)
        if found or found.maybe:
            return True
    return False


def _int_field(owner: str, field: str, raw: object) -> int | Unknown | str:
    """A literal integer, Unknown for a template, or a type-mismatch message."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if is_templated(raw):
        return Unknown(f"{field} of {owner} is templated ({raw!r}); render it first")
    return f"{field} {raw!r} of {owner} is not an integer (type mismatch; the API rejects it)"


def _hpa_problems(hpa: Entry, floor: int) -> Iterator[Violation | Unknown]:
    raw_min = hpa.spec.get("minReplicas")
    low = _int_field(hpa.ref, "minReplicas", 1 if raw_min is None else raw_min)
    if isinstance(low, (Unknown, str)):
        yield low if isinstance(low, Unknown) else Violation(low, path=_NAME)
        return
    shown = "absent (defaults to 1)" if raw_min is None else str(low)
    if low < floor:
        yield Violation(
            f"{hpa.ref} has minReplicas {shown}, below k8s.min_replicas ({floor}): it may "
            "scale the workload down to a single point of failure",
            path=_NAME,
        )
    raw_max = hpa.spec.get("maxReplicas")
    if raw_max is None:
        yield Violation(f"{hpa.ref} sets no maxReplicas (the API requires it)", path=_NAME)
        return
    high = _int_field(hpa.ref, "maxReplicas", raw_max)
    if isinstance(high, (Unknown, str)):
        yield high if isinstance(high, Unknown) else Violation(high, path=_NAME)
    elif high <= low:
        yield Violation(
            f"{hpa.ref} has maxReplicas {high}, not above minReplicas {low}: it cannot scale out",
            path=_NAME,
        )


@policy(
    id="K8S-028",
    name="replicas-and-autoscaling",
    title="Serving workloads must run several replicas or a sound autoscaler",
    severity=Severity.MEDIUM,
    rationale=(
        "A workload behind a Service with a single replica goes down with its node, its "
        "rollout and every crash. An HorizontalPodAutoscaler whose minReplicas is 1 scales it "
        "back to that state at the first quiet hour, and one whose maxReplicas does not "
        "exceed minReplicas cannot react to load. When an HPA manages the workload, a "
        "spec.replicas in the manifest resets the scaled count on every apply, which can "
        "halve capacity in the middle of an incident."
    ),
    remediation=(
        "Set spec.replicas to at least k8s.min_replicas (default 2). With an "
        "HorizontalPodAutoscaler, remove spec.replicas from the workload and set the HPA's "
        "minReplicas to at least 2 and maxReplicas above it."
    ),
    references=(
        "kube-score:deployment-replicas",
        "kube-score:deployment-targeted-by-hpa-does-not-have-replicas-configured",
        "kube-score:horizontalpodautoscaler-replicas",
        "kube-linter:minimum-three-replicas",
        "kube-linter:hpa-minimum-three-replicas",
        "polaris:deploymentMissingReplicas",
        "polaris:hpaMinAvailability",
        "polaris:hpaMaxAvailability",
    ),
    applies=_scope,
    example="""\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
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
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
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
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
""",
)
def replicas_and_autoscaling(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    index: K8sIndex | None = context.index(k8s_object)
    if _is_hpa(k8s_object):
        yield from _hpa_target(k8s_object, index)
        return
    services = index.services_selecting(k8s_object) if index is not None else Matches()
    doubt = None  # why serving at all is uncertain in this unit
    if services:
        why = "selected by " + ", ".join(s.ref for s in services)
    elif _annotated(k8s_object):
        why = f'annotated {HA_ANNOTATION}: "true"'
    elif services.maybe:
        why = "selected by " + ", ".join(s.ref for s in services.maybe)
        doubt = f"whether it serves is uncertain: {services.namespace_doubt}"
    else:
        return  # no Service selects it in this unit: not a serving workload here
    yield from unless_doubtful(_replicas(k8s_object, context, index, why), doubt)


def _replicas(
    k8s_object: K8sObject, context: Context, index: K8sIndex | None, why: str
) -> Iterator[Violation | Unknown]:
    floor = context.options(K8sOptions).min_replicas
    hpas = index.hpas_targeting(k8s_object) if index is not None else Matches()
    if hpas.maybe:
        yield Unknown(
            f"{k8s_object.kind_name} is {why}; whether a HorizontalPodAutoscaler manages it "
            f"is uncertain: {hpas.namespace_doubt}"
        )
        return
    raw_spec = k8s_object.value.get("spec")
    spec: Mapping[str, object] = raw_spec if isinstance(raw_spec, Mapping) else {}
    raw = spec.get("replicas")
    if hpas:
        if len(hpas) > 1:
            refs = ", ".join(h.ref for h in hpas)
            yield Violation(
                f"{k8s_object.kind_name} is targeted by {len(hpas)} HorizontalPodAutoscalers "
                f"({refs}), which fight over its replica count",
                path=_NAME,
            )
        for hpa in hpas:
            yield from _hpa_problems(hpa, floor)
        if raw is not None:
            yield Violation(
                f"{k8s_object.kind_name} sets spec.replicas although {hpas[0].ref} manages "
                "the count: re-applying the manifest resets the scaled replica count",
                path=("spec", "replicas"),
            )
        return
    if raw is None:
        if floor > 1:
            yield Violation(
                f"{k8s_object.kind_name} is {why} but sets no spec.replicas (defaults to 1, "
                f"below k8s.min_replicas {floor}) and no HorizontalPodAutoscaler targets it",
                path=("spec",),
            )
        return
    value = _int_field(k8s_object.kind_name, "spec.replicas", raw)
    if isinstance(value, Unknown):
        yield value
    elif isinstance(value, str):
        yield Violation(value, path=("spec", "replicas"))
    elif value < floor:
        yield Violation(
            f"{k8s_object.kind_name} is {why} but runs spec.replicas: {value}, "
            f"below k8s.min_replicas ({floor})",
            path=("spec", "replicas"),
        )


def _hpa_target(hpa: K8sObject, index: K8sIndex | None) -> Iterator[Violation | Unknown]:
    """An autoscaler whose ``scaleTargetRef`` names nothing in its deployment unit scales
    nothing, and the workload it was meant for runs without it."""
    ref = as_mapping(as_mapping(hpa.value.get("spec")).get("scaleTargetRef"))
    kind, name = ref.get("kind"), ref.get("name")
    if is_templated(kind) or is_templated(name):
        yield Unknown(f"scaleTargetRef is templated ({kind}/{name}); render it first")
        return
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return  # an incomplete reference is the schema's finding (K8S-031)
    if index is None:
        return
    ns = index.namespace_of(hpa)
    found = index.named(kind, name, ns)
    if found:
        return
    target = f"{kind}/{name}"
    if found.doubt:
        yield Unknown(
            f"scaleTargetRef {target} is not certainly in the same namespace: {found.doubt}"
        )
        return
    where = f"namespace {ns} of {index.unit.label}" if ns else index.unit.label
    same_kind = index.related(kind, ns)
    if kind not in REPLICATED_KINDS and not same_kind:
        # A custom resource's objects may come from an operator or another deploy.
        yield Unknown(f"scaleTargetRef {target} is not in {where}, which has no {kind} at all")
        return
    names = sorted({str(e.name) for e in same_kind if e.name})
    hint = f" (its {kind}s: {', '.join(names)})" if names else ""
    yield Violation(
        f"scaleTargetRef names {target}, which is not in {where}{hint}: the autoscaler scales "
        "nothing, and the workload it was meant for is not autoscaled",
        path=("spec", "scaleTargetRef", "name"),
    )
