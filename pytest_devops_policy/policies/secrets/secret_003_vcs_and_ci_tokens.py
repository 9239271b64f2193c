"""SECRET-003 vcs-and-ci-tokens: source-hosting and CI tokens are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-003",
    name="vcs-and-ci-tokens",
    title="Source-hosting and CI tokens are not committed",
    severity=Severity.CRITICAL,
    rationale=(
        "A GitHub or GitLab token acts as its owner: it can read private code, push to "
        "protected branches where the owner can, and change CI settings. Leaked tokens "
        "are the usual first step of supply-chain attacks."
    ),
    remediation=(
        "Revoke the token in the provider's settings, then use the CI system's own short-"
        "lived token (GITHUB_TOKEN, CI_JOB_TOKEN) or a secret variable, never a literal."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:github-pat",
        "gitleaks:github-fine-grained-pat",
        "gitleaks:gitlab-pat",
        "detect-secrets:GitHubTokenDetector",
        "detect-secrets:GitLabTokenDetector",
    ),
    example="""\
GITHUB_TOKEN=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
""",
    use_instead="""\
GITHUB_TOKEN=${GITHUB_TOKEN}
""",
)
def vcs_and_ci_tokens(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-003")
