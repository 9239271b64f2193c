"""SECRET-004 package-registry-tokens: package registry tokens are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-004",
    name="package-registry-tokens",
    title="Package registry tokens are not committed",
    severity=Severity.CRITICAL,
    rationale=(
        "A registry token publishes packages under the project's name: whoever holds it "
        "can ship a malicious release to every user. Docker config auth entries are a "
        "user name and password in base64, which is not encryption."
    ),
    remediation=(
        "Revoke the token at the registry and use trusted publishing (OIDC) or a CI "
        "secret instead; never commit .npmrc, .pypirc or .docker/config.json with "
        "credentials."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:npm-access-token",
        "gitleaks:pypi-upload-token",
        "gitleaks:rubygems-api-token",
        "detect-secrets:NpmDetector",
        "detect-secrets:PypiTokenDetector",
        "checkov:CKV_SECRET_12",
    ),
    example="""\
//registry.npmjs.org/:_authToken=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
""",
    use_instead="""\
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
""",
)
def package_registry_tokens(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-004")
