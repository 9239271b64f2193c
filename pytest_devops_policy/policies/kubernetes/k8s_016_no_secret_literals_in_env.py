"""K8S-016: no secret values written literally into container environment variables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, workloads
from pytest_devops_policy.knowledge.secrets.names import (
    is_allowed_name,
    is_placeholder,
    is_secret_name,
)
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.masking import mask
from pytest_devops_policy.options import K8sOptions

# Helm/Go templates and envsubst: the manifest is rendered before it is applied, and the
# rendered value lands in the object as a literal. Kubernetes' own $(VAR) expansion is a
# reference to another variable of the container (judged on its own), not a template.
_TEMPLATED = re.compile(r"\{\{|\$\{|^\s*\$[A-Za-z_]")
# Names that point at a Kubernetes object rather than hold a value: TLS_SECRET_NAME,
# secretRef. (secretnames.is_allowed_name covers *_FILE, *_PATH, *_URL, *_ID...)
_OBJECT_POINTER = re.compile(r"(?i)(name|ref)$")


def _a(label: str) -> str:
    return f"{'an' if label[:1] in 'AEIOUaeiou' else 'a'} {label}"


def _text(value: object) -> str | None:
    """A literal env value as text. The API only accepts strings; a YAML number is still a
    value written into the manifest, while true/false cannot be a credential."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _secret_named(name: str, value: str) -> bool:
    if not is_secret_name(name) or is_allowed_name(name, value):
        return False
    return _OBJECT_POINTER.search(name.replace("-", "_").rstrip("_")) is None


def _literal(c: Container, i: int, name: str, raw: object) -> Violation | Unknown | None:
    value = _text(raw)
    if value is None:
        return None
    where = c.at("env", i, "value")
    field = f"{c.ref} env[{name}]"
    hits = detect_secrets(value)
    if hits:
        hit = hits[0]
        return Violation(
            f"{field} holds {_a(hit.label)} ({hit.detector}): {mask(hit.match)}",
            path=where,
            secret=hit.match,
        )
    if not _secret_named(name, value):
        return None
    if _TEMPLATED.search(value):
        return Unknown(
            f"{field} is set from a template expression; the rendered value is a literal"
        )
    if is_placeholder(value, name):
        return None
    return Violation(
        f"{field} has a literal value {mask(value)}: anyone who can read the workload (or"
        " the repository) can read it",
        path=where,
        secret=value,
    )


def _env(c: Container, as_files: bool) -> Iterator[Violation | Unknown]:
    env = c.get("env")
    seen: dict[str, int] = {}
    for i, item in enumerate(env if isinstance(env, list) else ()):
        if not isinstance(item, Mapping):
            continue
        name = item.get("name")
        if not isinstance(name, str):
            continue
        if name in seen:
            # The catalog asks for a warning; there is no warning outcome, so a duplicate is
            # a low-severity finding. Only the last entry takes effect.
            yield Violation(
                f"{c.ref} env[{name}] is defined twice (first as env[{seen[name]}]);"
                " only the last value takes effect",
                path=c.at("env", i, "name"),
                severity=Severity.LOW,
            )
        else:
            seen[name] = i
        if "value" in item:
            found = _literal(c, i, name, item["value"])
            if found is not None:
                yield found
        source = item.get("valueFrom")
        if as_files and isinstance(source, Mapping) and source.get("secretKeyRef") is not None:
            yield Violation(
                f"{c.ref} env[{name}] reads a Secret into an environment variable;"
                " k8s.secrets_as_files asks for a mounted secret volume",
                path=c.at("env", i, "valueFrom", "secretKeyRef"),
                severity=Severity.MEDIUM,
            )
    env_from = c.get("envFrom")
    if not as_files:
        return
    for i, item in enumerate(env_from if isinstance(env_from, list) else ()):
        if isinstance(item, Mapping) and item.get("secretRef") is not None:
            yield Violation(
                f"{c.ref} envFrom[{i}] loads a whole Secret into environment variables;"
                " k8s.secrets_as_files asks for a mounted secret volume",
                path=c.at("envFrom", i, "secretRef"),
                severity=Severity.MEDIUM,
            )


@policy(
    id="K8S-016",
    name="no-secret-literals-in-env",
    title="No secret literals in container environment variables",
    severity=Severity.CRITICAL,
    rationale=(
        "A value written into env[].value is part of the workload object: it is in version "
        "control, in every rendered manifest and CI log, and readable by anyone who may get "
        "the Deployment, which is a far wider group than those who may read Secrets. It "
        "cannot be rotated without a commit and a rollout. Environment variables also leak "
        "into crash dumps, child processes and debug endpoints, which is why CIS prefers "
        "secrets mounted as files."
    ),
    remediation=(
        "Keep the value in a Secret (created by a secrets manager, External Secrets, Sealed "
        "Secrets or SOPS, not committed in plain text) and reference it with "
        "valueFrom.secretKeyRef, or better mount it as a file from a secret volume or the "
        "Secrets Store CSI driver. Set k8s.secrets_as_files = true to require files."
    ),
    controls=("CIS-K8s-5.4.1", "NIST-800-53-IA-5"),
    references=(
        "checkov:CKV_K8S_35",
        "kube-linter:env-var-secret",
        "kube-linter:read-secret-from-env-var",
        "polaris:sensitiveContainerEnvVar",
        "kube-score:environment-variable-key-duplication",
    ),
    applies=workloads,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.2.0
          env:
            - name: DB_PASSWORD
              value: "pr0d-Passw0rd!"
            - name: DATABASE_URL
              value: postgres://app:pr0d-Passw0rd!@db:5432/app
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.2.0
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: api-db, key: password}
            - name: DATABASE_URL
              value: postgres://app:$(DB_PASSWORD)@db:5432/app
""",
)
def no_secret_literals_in_env(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    as_files = context.options(K8sOptions).secrets_as_files
    for c in k8s_object.containers():
        yield from _env(c, as_files)
