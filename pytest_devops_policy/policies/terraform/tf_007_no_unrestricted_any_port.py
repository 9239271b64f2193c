"""TF-007 no-unrestricted-any-port: no rule opens every port to or from the internet."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.firewall import (
    ANY_PORT_TYPES,
    DEFAULT_GROUP,
    default_group_rules,
    egress_rules,
    ingress_rules,
    unrestricted,
)
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.options import TfOptions


@policy(
    id="TF-007",
    name="no-unrestricted-any-port",
    title="No firewall rule opens every port to the internet",
    severity=Severity.HIGH,
    rationale=(
        "A rule that admits the whole internet on every port and protocol exposes every "
        "service that ever listens on the host, including the ones added later without a "
        "review. Unrestricted egress lets a compromised workload reach any command-and-control "
        "server or exfiltrate data. The default security group is attached to anything "
        "launched without an explicit group, so it must carry no rules at all."
    ),
    remediation=(
        "Open only the ports a service needs (for example tcp 443), from the sources that need "
        "them; restrict egress to the destinations and ports the workload uses (VPC endpoints, "
        "proxies, known CIDRs); and manage aws_default_security_group with no ingress or "
        "egress rules."
    ),
    controls=(
        "CIS-AWS-5.4",
        "CIS-GCP-3.6",
        "CIS-Azure-6.1",
        "NIST-800-53-SC-7",
        "NIST-800-53-CM-7",
    ),
    references=(
        "checkov:CKV_AWS_277",
        "checkov:CKV_AWS_382",
        "checkov:CKV2_GCP_12",
        "checkov:CKV_AZURE_77",
        "trivy:AVD-AWS-0104",
        "trivy:AVD-AWS-0102",
        "trivy:AVD-AWS-0173",
        "trivy:AVD-GCP-0035",
        "trivy:AVD-GCP-0072",
        "trivy:AVD-AZU-0047",
        "trivy:AVD-AZU-0051",
    ),
    applies=lambda r: r.type in ANY_PORT_TYPES and not r.disabled,
    example="""\
resource "aws_security_group" "app" {
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
""",
    use_instead="""\
resource "aws_security_group" "app" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
""",
)
def no_unrestricted_any_port(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    options = context.options(TfOptions)
    worst_case = options.dynamic_worst_case
    yield from default_group_rules(tf_resource, module, worst_case)
    if tf_resource.type == DEFAULT_GROUP:
        return  # each of its rules is already a finding
    for rule in ingress_rules(tf_resource, module):
        yield from unrestricted(rule, worst_case, module)
    if options.flag_open_egress:
        for rule in egress_rules(tf_resource, module):
            yield from unrestricted(rule, worst_case, module, "egress", Severity.MEDIUM)
