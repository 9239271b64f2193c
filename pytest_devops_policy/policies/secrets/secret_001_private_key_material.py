"""SECRET-001 private-key-material: private keys are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-001",
    name="private-key-material",
    title="Private keys are not committed",
    severity=Severity.CRITICAL,
    rationale=(
        "A private key in a repository is readable by everyone who can clone it, forever: "
        "it stays in the history after the file is deleted, in every fork and every CI "
        "cache. Whoever has it can impersonate the server, sign as the user or decrypt "
        "the traffic it protected. An encrypted key still has no place there: its "
        "passphrase is usually one leak away."
    ),
    remediation=(
        "Remove the key, rotate it (issue a new key pair and revoke the old one), and "
        "purge it from the history (git filter-repo). Keep keys in a secret manager or "
        "the platform's secret store and mount them at run time."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:private-key",
        "detect-secrets:PrivateKeyDetector",
        "checkov:CKV_SECRET_13",
    ),
    example="""\
tls.key: |
  -----BEGIN RSA PRIVATE KEY-----
  MIIEowIBAAKCAQEAq3d0ZXN0a2V5ZGF0YWZvcnRoZWRvY3Nvbmx5MDEyMzQ1Njc4OWFiY2RlZg==
  -----END RSA PRIVATE KEY-----
""",
    use_instead="""\
tls.key: ""  # mounted from a secret store at run time
""",
)
def private_key_material(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-001")
