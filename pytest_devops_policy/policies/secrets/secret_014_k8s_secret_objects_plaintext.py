"""SECRET-014 k8s-secret-objects-plaintext: Secret objects and Helm values outside the
Kubernetes manifests hold no plaintext secrets."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import NamedFile, SecretsFile
from pytest_devops_policy.indexes.secrets_files import is_chart_values
from pytest_devops_policy.knowledge.secrets.fileclass import (
    helm_values_findings,
    secret_object_findings,
)
from pytest_devops_policy.masking import mask


def _yaml(secrets_file: SecretsFile) -> bool:
    """YAML the Kubernetes kind did not collect as manifests (K8S-017 judges those)."""
    return (
        not isinstance(secrets_file, NamedFile)
        and secrets_file.collected_as != "kubernetes"
        and secrets_file.source.relpath.lower().endswith((".yaml", ".yml"))
    )


def _applies(secrets_file: SecretsFile, context: Context) -> bool:
    if not _yaml(secrets_file):
        return False
    source = secrets_file.source
    return "Secret" in source.text or is_chart_values(context.cache, source.path)


@policy(
    id="SECRET-014",
    name="k8s-secret-objects-plaintext",
    title="Secret objects and Helm values outside the manifests hold no plaintext secrets",
    severity=Severity.CRITICAL,
    rationale=(
        "A Kubernetes Secret written out in YAML that is not a deployed manifest (a doc "
        "page, an Ansible task's definition, a chart's extraObjects, a values file) is "
        "still a committed credential: base64 in data is an encoding, not encryption. "
        "A Helm chart's values file with a literal password ships that password to every "
        "install that keeps the default. K8S-017 judges the manifests the Kubernetes kind "
        "collects; this policy covers the rest of the YAML."
    ),
    remediation=(
        "Encrypt the Secret (SOPS, Sealed Secrets) or fetch it at run time (External "
        "Secrets, the CSI secret store driver), and rotate the committed value. In a "
        "chart's values leave secrets empty and let the chart read an existing Secret "
        "(existingSecret: db-credentials) or take the value at install time "
        "(--set-file, a values file kept out of the repository)."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:kubernetes-secret-yaml",
        "trivy:AVD-KSV-0109",
    ),
    example="""\
# Ansible: the task creates the Secret from plaintext in the repository.
- name: Create the database credentials
  kubernetes.core.k8s:
    definition:
      apiVersion: v1
      kind: Secret
      metadata: {name: db-credentials, namespace: shop}
      stringData:
        password: Zq8vN2kLp4Wx7Ty
""",
    use_instead="""\
# Ansible: the value comes from an encrypted vault variable.
- name: Create the database credentials
  kubernetes.core.k8s:
    definition:
      apiVersion: v1
      kind: Secret
      metadata: {name: db-credentials, namespace: shop}
      stringData:
        password: "{{ vault_db_password }}"
""",
    applies=_applies,
)
def k8s_secret_objects_plaintext(
    secrets_file: SecretsFile, context: Context
) -> Iterator[Violation]:
    source = secrets_file.source
    found = secret_object_findings(source.text)
    if is_chart_values(context.cache, source.path):
        found += helm_values_findings(source.text)
    for f in sorted(found, key=lambda f: (f.line, f.col)):
        yield Violation(
            f"{f.message}: {mask(f.secret or '')}",
            line=f.line,
            col=f.col,
            severity=Severity.parse(f.severity) if f.severity else None,
            secret=f.secret,
        )
