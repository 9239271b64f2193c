"""TF-008 no-public-datastores-or-instances: databases, instances and cluster APIs stay private."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.exposure import PUBLIC_EXPOSURE, Exposure
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.options import TfOptions


@policy(
    id="TF-008",
    name="no-public-datastores-or-instances",
    title="Databases, instances and cluster APIs are not reachable from the internet",
    severity=Severity.HIGH,
    rationale=(
        "A database with a public address, a VM with an external IP or a Kubernetes API "
        "endpoint open to 0.0.0.0/0 is one leaked password, unpatched CVE or misconfigured "
        "firewall away from a breach, and is brute-forced around the clock. Datastores and "
        "control planes belong in private networks, reached through private endpoints, "
        "bastions or authorized networks."
    ),
    remediation=(
        "Set publicly_accessible = false (RDS, Redshift), drop public IPs from instances and "
        "non-public subnets, make the EKS endpoint private or restrict public_access_cidrs, "
        "disable the Cloud SQL public IP or authorize only known networks, use private GKE "
        "nodes with master authorized networks, set public_network_access_enabled = false on "
        "Azure databases (private endpoints), drop 0.0.0.0 firewall rules, and make AKS "
        "private or restrict its authorized IP ranges."
    ),
    controls=(
        "CIS-AWS-2.3.3",
        "CIS-GCP-6.5",
        "CIS-GCP-6.6",
        "CIS-GCP-4.9",
        "CIS-Azure-4.1.2",
        "NIST-800-53-SC-7",
        "NIST-800-53-AC-3",
    ),
    references=(
        "checkov:CKV_AWS_17",
        "checkov:CKV_AWS_88",
        "checkov:CKV_AWS_38",
        "checkov:CKV_AWS_39",
        "checkov:CKV_GCP_11",
        "checkov:CKV_GCP_60",
        "checkov:CKV_GCP_40",
        "checkov:CKV_GCP_25",
        "checkov:CKV_GCP_20",
        "checkov:CKV_AZURE_113",
        "checkov:CKV_AZURE_68",
        "checkov:CKV_AZURE_6",
        "checkov:CKV_AZURE_115",
        "trivy:AVD-AWS-0180",
        "trivy:AVD-AWS-0009",
        "trivy:AVD-AWS-0164",
        "trivy:AVD-AWS-0040",
        "trivy:AVD-AWS-0041",
        "trivy:AVD-GCP-0017",
        "trivy:AVD-GCP-0031",
        "trivy:AVD-GCP-0053",
        "trivy:AVD-GCP-0059",
        "trivy:AVD-GCP-0061",
        "trivy:AVD-AZU-0022",
        "trivy:AVD-AZU-0029",
        "trivy:AVD-AZU-0041",
        "trivy:AVD-AZU-0065",
    ),
    applies=lambda r: r.type in PUBLIC_EXPOSURE and not r.disabled,
    example="""\
resource "aws_db_instance" "orders" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  publicly_accessible = true
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine                 = "postgres"
  instance_class         = "db.t4g.medium"
  publicly_accessible    = false
  db_subnet_group_name   = "private-db-subnets"
  vpc_security_group_ids = ["sg-0123456789abcdef0"]
}
""",
)
def no_public_datastores_or_instances(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    settings = Exposure(context.options(TfOptions).public_subnet_tags)
    yield from PUBLIC_EXPOSURE[tf_resource.type](tf_resource, module, settings)
