"""TF-006 no-open-admin-or-db-ports: no ingress from the internet to admin or database ports."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.firewall import RULE_TYPES, exposures, ingress_rules
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.network import (
    sensitive_ports,
)
from pytest_devops_policy.options import TfOptions


@policy(
    id="TF-006",
    name="no-open-admin-or-db-ports",
    title="No internet ingress to admin or database ports",
    severity=Severity.CRITICAL,
    rationale=(
        "SSH, RDP, WinRM, the Docker and Kubernetes APIs and database listeners reachable from "
        "0.0.0.0/0 are found by internet-wide scanners within minutes and then brute-forced or "
        "exploited. Administrative and data ports belong behind a bastion, VPN, private endpoint "
        "or an allow-list of known networks."
    ),
    remediation=(
        "Restrict the source to known CIDRs, a security group, a service tag such as "
        "VirtualNetwork, or remove the rule and use a bastion / SSM Session Manager / IAP "
        "tunnel. Narrow port ranges and avoid protocol -1/all on internet-facing rules."
    ),
    controls=(
        "CIS-AWS-5.1",
        "CIS-AWS-5.2",
        "CIS-AWS-5.3",
        "CIS-GCP-3.6",
        "CIS-GCP-3.7",
        "CIS-Azure-6.1",
        "CIS-Azure-6.2",
        "NIST-800-53-SC-7",
        "NIST-800-53-AC-17",
    ),
    references=(
        "checkov:CKV_AWS_24",
        "checkov:CKV_AWS_25",
        "checkov:CKV_AWS_260",
        "checkov:CKV_GCP_2",
        "checkov:CKV_GCP_3",
        "checkov:CKV_GCP_88",
        "checkov:CKV_AZURE_9",
        "checkov:CKV_AZURE_10",
        "trivy:AVD-AWS-0107",
        "trivy:AVD-AWS-0105",
        "trivy:AVD-GCP-0027",
        "trivy:AVD-GCP-0070",
        "trivy:AVD-GCP-0071",
        "trivy:AVD-AZU-0048",
        "trivy:AVD-AZU-0050",
        "trivy:AVD-AZU-0074",
    ),
    applies=lambda r: r.type in RULE_TYPES and not r.disabled,
    example="""\
resource "aws_security_group" "bastion" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
""",
    use_instead="""\
resource "aws_security_group" "bastion" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"] # office VPN egress
  }
}
""",
)
def no_open_admin_or_db_ports(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    options = context.options(TfOptions)
    sensitive = sensitive_ports(options.admin_ports, options.db_ports)
    worst_case = options.dynamic_worst_case
    for rule in ingress_rules(tf_resource, module):
        yield from exposures(rule, sensitive, worst_case, module)
