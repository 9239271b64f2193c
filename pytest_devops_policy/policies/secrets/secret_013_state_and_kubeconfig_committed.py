"""SECRET-013 state-and-kubeconfig-committed: Terraform state and kubeconfigs with
credentials are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import NamedFile, SecretsFile
from pytest_devops_policy.knowledge.secrets.fileclass import (
    is_kubeconfig,
    kubeconfig_findings,
    state_file,
)
from pytest_devops_policy.masking import mask


def _applies(secrets_file: SecretsFile) -> bool:
    if state_file(secrets_file.source.relpath):
        return True
    # A kubeconfig is known by its content, whatever its name; a name-only file has none.
    return not isinstance(secrets_file, NamedFile) and is_kubeconfig(secrets_file.source.text)


@policy(
    id="SECRET-013",
    name="state-and-kubeconfig-committed",
    title="Terraform state and kubeconfigs with credentials are not committed",
    severity=Severity.CRITICAL,
    rationale=(
        "Terraform state records every attribute of every resource in plaintext, the "
        "sensitive ones included: database passwords, generated private keys, access keys, "
        "connection strings. A kubeconfig with a token, a client key or a password is a "
        "login to the cluster. Committed, either hands that access to everyone who can read "
        "the repository, and stays in its history."
    ),
    remediation=(
        "Keep state in a remote backend with encryption and access control (S3 with a "
        "DynamoDB lock, GCS, azurerm, Terraform Cloud), remove the state files from the "
        "repository and the history, rotate the secrets they held, and ignore *.tfstate*. "
        "Give kubeconfigs short-lived credentials through an exec plugin (aws eks "
        "get-token, gke-gcloud-auth-plugin, kubelogin) instead of embedded ones."
    ),
    controls=("CWE-798", "CWE-312", "CWE-522", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=("gitleaks:kubernetes-secret-yaml",),
    example="""\
apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster:
      server: https://k8s.example.com
contexts:
  - name: prod
    context: {cluster: prod, user: deployer}
current-context: prod
users:
  - name: deployer
    user:
      token: c2VydmljZWFjY291bnQtdG9rZW4tZm9yLWRvY3M
""",
    use_instead="""\
apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster:
      server: https://k8s.example.com
contexts:
  - name: prod
    context: {cluster: prod, user: deployer}
current-context: prod
users:
  - name: deployer
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: aws
        args: [eks, get-token, --cluster-name, prod]
""",
    applies=_applies,
)
def state_and_kubeconfig_committed(
    secrets_file: SecretsFile, context: Context
) -> Iterator[Violation]:
    source = secrets_file.source
    if state_file(source.relpath):
        name = source.relpath.rsplit("/", 1)[-1]
        yield Violation(
            f"Terraform state ({name}) is committed: it holds every resource attribute, "
            "secrets included, in plaintext",
            line=1,
        )
        return
    for f in kubeconfig_findings(source.text):
        yield Violation(
            f"{f.message}: {mask(f.secret or '')}", line=f.line, col=f.col, secret=f.secret
        )
