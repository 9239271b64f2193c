"""SECRET-010 high-entropy-strings: no random-looking strings that no other rule explains."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings
from pytest_devops_policy.options import SecretsOptions


def _applies(secrets_file: SecretsFile, context: Context) -> bool:
    return context.options(SecretsOptions).entropy  # opt-in: noisy in infrastructure code


@policy(
    id="SECRET-010",
    name="high-entropy-strings",
    title="No random-looking strings that no other rule explains",
    severity=Severity.LOW,
    rationale=(
        "A long random string in a config file is usually a credential of a kind no rule "
        "names (an internal token, a signing key). This rule is noisy in infrastructure "
        "code (ids, hashes, encoded data), so it is off unless secrets.entropy = true."
    ),
    remediation=(
        "If the string is a credential, move it to a secret store and rotate it; if it is "
        "not (an id, a hash), waive the finding with a reason, or turn the rule off "
        "again."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "detect-secrets:Base64HighEntropyString",
        "detect-secrets:HexHighEntropyString",
        "checkov:CKV_SECRET_6",
        "checkov:CKV_SECRET_19",
    ),
    applies=_applies,
    example="""\
signing = "q7Vw9ZtR2mXp4LkB8nYc3HsJ6fDg1QaE5uWo0TvK"
""",
    use_instead="""\
signing_ref = "vault:secret/data/app#signing"
""",
)
def high_entropy_strings(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-010")
