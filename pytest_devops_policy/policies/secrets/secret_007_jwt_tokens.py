"""SECRET-007 jwt-tokens: signed tokens (JWTs) are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-007",
    name="jwt-tokens",
    title="Signed tokens (JWTs) are not committed",
    severity=Severity.HIGH,
    rationale=(
        "A JSON web token is a bearer credential: until it expires (often never, for "
        "service tokens) anyone holding it is the subject it names."
    ),
    remediation=(
        "Revoke or let the token expire, rotate the signing key if the token does not "
        "expire, and fetch tokens at run time."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:jwt",
        "detect-secrets:JwtTokenDetector",
        "checkov:CKV_SECRET_9",
    ),
    example=(
        "api_token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        ".eyJzdWIiOiJkb2NzLWV4YW1wbGUiLCJpYXQiOjB9.ZmFrZXNpZ25hdHVyZWZvcmRvY3M\n"
    ),
    use_instead="""\
api_token_file: /var/run/secrets/api/token
""",
)
def jwt_tokens(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-007")
