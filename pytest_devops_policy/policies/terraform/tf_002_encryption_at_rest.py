"""TF-002 encryption-at-rest: databases, volumes, file systems, caches, search domains,
streams and queues are encrypted."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.encryption import (
    CMK_ONLY,
    ENCRYPTION_AT_REST,
    db_replica,
)
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled or r.type not in ENCRYPTION_AT_REST:
        return False
    if r.type in CMK_ONLY and not context.options(TfOptions).require_cmk:
        return False  # encrypted by default with a provider-owned key
    if r.type == "aws_db_instance":
        # A read replica inherits the source's encryption: N/A.
        return db_replica(r, context.index(r)) is not True
    return True


@policy(
    id="TF-002",
    name="encryption-at-rest",
    title="Data is encrypted at rest",
    severity=Severity.HIGH,
    rationale=(
        "Unencrypted volumes, databases, snapshots and queues expose their data to anyone who "
        "gets the disk, a snapshot shared by mistake or a backup copy. Encryption at rest is "
        "free on every major cloud and cannot be added to an existing RDS instance or EBS "
        "volume without a copy and a cut-over, so it has to be on from the start. A "
        "customer-supplied key written in the configuration is no protection at all: it is in "
        "the repository and in the state."
    ),
    remediation=(
        "AWS: storage_encrypted = true on RDS/Aurora, encrypted = true on EBS volumes, "
        "instance and launch template block devices (or one aws_ebs_encryption_by_default), "
        "encrypted = true on EFS, at_rest_encryption_enabled = true on ElastiCache, "
        "sqs_managed_sse_enabled or kms_master_key_id on SQS, kms_master_key_id on SNS, "
        "encrypt_at_rest { enabled = true } on OpenSearch/Elasticsearch domains, "
        'storage_encrypted = true on DocumentDB and Neptune, encryption_type = "KMS" on '
        "Kinesis streams, server_side_encryption { enabled = true } on DAX, and never "
        "encrypted = false on Redshift. GCP: "
        "use Cloud KMS keys (kms_key_self_link), never raw_key/rsa_encrypted_key literals. "
        "Azure: keep encryption_settings and transparent data encryption on, and set "
        "infrastructure_encryption_enabled = true on storage accounts. With tf.require_cmk, "
        "name a customer-managed key on S3, DynamoDB and GCP resources."
    ),
    controls=(
        "CIS-AWS-2.2.1",
        "CIS-AWS-2.3.1",
        "CIS-AWS-2.4.1",
        "CIS-Azure-3.2",
        "NIST-800-53-SC-28",
        "NIST-800-53-SC-12",
    ),
    references=(
        "checkov:CKV_AWS_16",
        "checkov:CKV_AWS_96",
        "checkov:CKV_AWS_3",
        "checkov:CKV_AWS_8",
        "checkov:CKV_AWS_42",
        "checkov:CKV_AWS_29",
        "checkov:CKV_AWS_19",
        "checkov:CKV_AWS_119",
        "checkov:CKV_AWS_27",
        "checkov:CKV_AWS_26",
        "checkov:CKV_AWS_5",
        "checkov:CKV_AWS_74",
        "checkov:CKV_AWS_44",
        "checkov:CKV_AWS_43",
        "checkov:CKV_AWS_64",
        "checkov:CKV_AWS_47",
        "checkov:CKV_AZURE_2",
        "checkov:CKV2_AZURE_25",
        "trivy:AVD-AWS-0079",
        "trivy:AVD-AWS-0080",
        "trivy:AVD-AWS-0026",
        "trivy:AVD-AWS-0131",
        "trivy:AVD-AWS-0037",
        "trivy:AVD-AWS-0045",
        "trivy:AVD-AWS-0088",
        "trivy:AVD-AWS-0048",
        "trivy:AVD-AWS-0021",
        "trivy:AVD-AWS-0076",
        "trivy:AVD-AWS-0064",
        "trivy:AVD-AWS-0023",
        "trivy:AVD-GCP-0037",
        "trivy:AVD-AZU-0038",
    ),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  # storage_encrypted not set: the database and its snapshots are unencrypted
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = true
}
""",
)
def encryption_at_rest(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    require_cmk = context.options(TfOptions).require_cmk
    check = ENCRYPTION_AT_REST.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module, require_cmk)
