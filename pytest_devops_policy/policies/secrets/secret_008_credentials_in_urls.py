"""SECRET-008 credentials-in-urls: uRLs carry no passwords."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-008",
    name="credentials-in-urls",
    title="URLs carry no passwords",
    severity=Severity.HIGH,
    rationale=(
        "A password in a connection URL is copied wherever the URL goes: logs, error "
        "messages, process lists and monitoring. It is also committed with the code that "
        "holds it."
    ),
    remediation=(
        "Keep the password out of the URL: pass it separately from a secret store (an "
        "environment variable read at run time, a mounted file), or use a reference such "
        "as ${DB_PASSWORD}."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "detect-secrets:BasicAuthDetector",
        "checkov:CKV_SECRET_4",
        "gitleaks:curl-auth-user",
    ),
    example="""\
DATABASE_URL=postgres://app:Wq7fakeDocsPass9@db.internal:5432/app
""",
    use_instead="""\
DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app
""",
)
def credentials_in_urls(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-008")
