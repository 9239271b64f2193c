"""SECRET-002 cloud-access-keys: cloud access keys are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-002",
    name="cloud-access-keys",
    title="Cloud access keys are not committed",
    severity=Severity.CRITICAL,
    rationale=(
        "A cloud access key opens the account it belongs to: its data, its bills and its "
        "infrastructure. Keys pushed to a public repository are found and used by "
        "scanners within minutes; in a private one they spread to every clone, fork and "
        "build log."
    ),
    remediation=(
        "Delete the key in the cloud console (deactivating is not enough once it leaked), "
        "create a new one, and give workloads short-lived credentials instead: IAM roles "
        "and OIDC federation on AWS, workload identity on GCP, managed identities on "
        "Azure."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:aws-access-token",
        "gitleaks:gcp-api-key",
        "gitleaks:azure-ad-client-secret",
        "detect-secrets:AWSKeyDetector",
        "detect-secrets:AzureStorageKeyDetector",
        "checkov:CKV_SECRET_2",
        "checkov:CKV_SECRET_3",
        "trivy:AVD-AWS-0029",
    ),
    example="""\
[default]
aws_access_key_id = AKIAJGJJVTTFBFUJOAMZ
""",
    use_instead="""\
[default]
credential_process = aws-vault export --format=json app
""",
)
def cloud_access_keys(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-002")
