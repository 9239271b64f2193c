"""SECRET-009 keyword-assigned-secrets: secret-named settings hold no literal values."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-009",
    name="keyword-assigned-secrets",
    title="Secret-named settings hold no literal values",
    severity=Severity.HIGH,
    rationale=(
        "A password, token or key written as the value of a setting (a YAML key, an .env "
        "line, a --password flag) is a credential committed with the code, whatever its "
        "format. It is copied to every clone, build log and image that carries the file."
    ),
    remediation=(
        "Read the value at run time from a secret store or the platform's secret "
        "mechanism (a Kubernetes Secret reference, a CI secret, a mounted file, an "
        "environment variable set by the deployment), and rotate the one that was "
        "committed."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "detect-secrets:KeywordDetector",
        "gitleaks:generic-api-key",
        "hadolint:DL3064",
        "kube-linter:env-var-secret",
    ),
    example="""\
DB_PASSWORD=Zq8vN2kLp4Wx7Ty
""",
    use_instead="""\
DB_PASSWORD=${DB_PASSWORD}
""",
)
def keyword_assigned_secrets(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-009")
