"""K8S-031: the object is what the API server accepts, and its YAML is unambiguous.

Validated against the OpenAPI schemas kubernetes-validate ships (offline), for
``k8s.version`` (default 1.35). ``k8s.schema_strict`` (default true) also
reports unknown fields, which the API server drops silently unless the client
asks for strict field validation: a misspelt ``readinesProbe`` is a probe that
never runs. Duplicate keys are reported here too, schema or not: PyYAML keeps
the last value, other clients the first or an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.knowledge.kubernetes.schema import (
    resolve_version,
    schema_errors,
    supported_versions,
)
from pytest_devops_policy.knowledge.schema_errors import dotted
from pytest_devops_policy.options import K8sOptions

MAX_REPORTED = 20
_TEMPLATE_MARK = re.compile(r"\{\{|\$\{")


def _duplicates(k8s_object: K8sObject) -> Iterator[Violation]:
    base = k8s_object.base
    for path, line in k8s_object.document.duplicate_keys:
        if tuple(path[: len(base)]) != base:
            continue  # another item of the same List document
        inner = tuple(path[len(base) :])
        yield Violation(
            f"duplicate key {dotted(inner)} (line {line}): YAML clients disagree on which "
            "value wins, and strict field validation rejects the object",
            line=line,
        )


@policy(
    id="K8S-031",
    name="schema-valid",
    title="Manifests must match the Kubernetes API schema",
    severity=Severity.HIGH,
    rationale=(
        "A manifest the API server rejects fails at apply time, in the middle of a deploy. "
        "Worse are the ones it accepts: an unknown field (a misspelt readinessProbe, a "
        "securityContext one level too deep) is dropped silently, so the protection the "
        "author wrote never exists, and every other policy that read the field was misled. "
        "Quoted booleans and numbers are rejected, and duplicate keys mean different things "
        "to different YAML clients."
    ),
    remediation=(
        "Fix the field named in the message: correct its spelling or nesting, give it the "
        "type the API expects (unquoted true/false and numbers), add the missing required "
        "field, and keep each key once. Set k8s.version to the cluster's Kubernetes version; "
        "k8s.schema_strict = false stops reporting unknown fields."
    ),
    controls=("NIST-800-53-CM-6", "NIST-800-53-SI-10"),
    references=(
        "kubeconform:-strict",
        "kubectl:--validate=strict",
        "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
    ),
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: "3"
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.2.0
          readinesProbe:
            httpGet: {path: /ready, port: 8080}
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.2.0
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
""",
)
def schema_valid(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    duplicates = list(_duplicates(k8s_object))
    yield from duplicates
    wanted = context.options(K8sOptions).version
    version = resolve_version(wanted)
    if version is None:
        shipped = supported_versions()
        span = f"{shipped[0]}-{shipped[-1]}" if shipped else "none (kubernetes-validate missing)"
        if not duplicates:
            yield Unknown(f"no schemas for Kubernetes {wanted}; installed: {span}")
        return
    strict = context.options(K8sOptions).schema_strict
    errors = schema_errors(k8s_object.value, version, strict)
    if errors is None:
        if not duplicates:
            yield Unknown(
                f"no schema for {k8s_object.api_version} {k8s_object.kind_name} in Kubernetes "
                f"{version}; custom resources are not validated"
            )
        return
    real = []
    for error in errors:
        # `replicas: {{ n }}` (envsubst, mustache) parses as a mapping: the file is a
        # template, and the field's real value is unknown until it is rendered.
        pos = k8s_object.locate(error.path)
        line = k8s_object.source.line_text(pos[0]) if pos else ""
        if _TEMPLATE_MARK.search(line):
            yield Unknown(f"{dotted(error.path)} is a template expression: {line.strip()}")
        else:
            real.append(error)
    errors = real
    for error in errors[:MAX_REPORTED]:
        yield Violation(f"{dotted(error.path)}: {error.message}", path=error.path)
    if len(errors) > MAX_REPORTED:
        yield Violation(
            f"… and {len(errors) - MAX_REPORTED} more schema errors", path=errors[MAX_REPORTED].path
        )
