"""TF-014 deletion-protection: stateful resources cannot be deleted by one destroy or click."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.deletion import (
    DELETION_CHECKS,
    azure_stateful,
    features_findings,
    lock_coverage,
    resource_group_feature_set,
    with_severity,
)
from pytest_devops_policy.knowledge.terraform.environment import (
    production,
    provider_block,
    provider_file,
)
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.options import TfOptions


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled:
        return False
    if r.type in DELETION_CHECKS:
        return True
    if r.type in azure_stateful(context.options(TfOptions).stateful_types):
        return True
    if r.type == "azurerm_resource_group":
        # judged only where the provider changes what destroying a group deletes
        module: TfModule = context.index(r)
        return resource_group_feature_set(provider_block(r, module.files))
    return False


@policy(
    id="TF-014",
    name="deletion-protection",
    title="Stateful resources are protected against deletion",
    severity=Severity.HIGH,
    rationale=(
        "A renamed resource, a wrong workspace or a stray terraform destroy deletes a database, "
        "a bucket with its objects or a key vault in seconds, and with it the data it holds. "
        "Deletion protection, delete locks and purge protection turn that irreversible change "
        "into an error that someone has to remove on purpose first. Outside production the "
        "findings are medium."
    ),
    remediation=(
        "AWS: deletion_protection = true on RDS/Aurora/DocumentDB/Neptune, "
        "deletion_protection_enabled = true on DynamoDB, enable_deletion_protection = true on "
        "load balancers, no force_destroy on buckets, deletion_window_in_days = 30 on KMS keys, "
        'deletion_protection = "ACTIVE" on Cognito user pools. GCP: keep deletion_protection '
        "(the default true), enable settings.deletion_protection_enabled on Cloud SQL, no "
        'force_destroy on buckets. Azure: an azurerm_management_lock (lock_level = "CanNotDelete") '
        "on each stateful resource or its resource group, purge protection on key vaults, and "
        "no provider features that purge vaults or delete non-empty resource groups."
    ),
    controls=(
        "NIST-800-53-CP-9",
        "NIST-800-53-CM-3",
        "NIST-800-53-SI-12",
    ),
    references=(
        "checkov:CKV_AWS_293",
        "checkov:CKV_AWS_139",
        "checkov:CKV_AWS_150",
        "checkov:CKV2_AWS_58",
        "checkov:CKV_GCP_119",
        "checkov:CKV_GCP_121",
        "checkov:CKV_GCP_122",
        "checkov:CKV_AZURE_110",
        "checkov:CKV_AZURE_42",
        "trivy:AVD-AWS-0177",
        "trivy:AVD-AWS-0343",
        "trivy:AVD-AZU-0016",
    ),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  # deletion_protection not set: defaults to false
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = true
}
""",
)
def deletion_protection(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    options = context.options(TfOptions)
    findings: list[Findings] = []
    check = DELETION_CHECKS.get(tf_resource.type)
    if check is not None:
        findings.append(check(tf_resource, module))
    if tf_resource.type in azure_stateful(options.stateful_types):
        findings.append(lock_coverage(tf_resource, module))
    if tf_resource.type.startswith("azurerm_"):
        provider = provider_block(tf_resource, module.files)
        where = provider_file(provider, module.files) if provider is not None else ""
        findings.append(features_findings(tf_resource, module, provider, where))
    prod = production(tf_resource, module, module.files, options.prod_paths)
    for found in findings:
        # Outside production (catalog §5.2-10) the findings are medium; when the tags that
        # would say so do not resolve, production is not ruled out.
        yield from found if prod is not False else with_severity(found, Severity.MEDIUM)
