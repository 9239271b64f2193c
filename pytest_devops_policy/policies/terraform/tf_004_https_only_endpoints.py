"""TF-004 https-only-endpoints: public endpoints serve HTTPS only, with TLS >= 1.2."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.https import ENDPOINTS
from pytest_devops_policy.knowledge.terraform.module import Findings


def _applies(r: TfResource, context: Context) -> bool:
    return not r.disabled and r.type in ENDPOINTS


@policy(
    id="TF-004",
    name="https-only-endpoints",
    title="Endpoints serve HTTPS only, with TLS 1.2 or later",
    severity=Severity.HIGH,
    rationale=(
        "A listener, CDN or web app that still answers plain HTTP, or accepts TLS 1.0/1.1, "
        "lets anyone on the network path read or alter sessions, tokens and form posts. "
        "Redirecting HTTP to HTTPS and pinning a TLS >= 1.2 policy removes the downgrade."
    ),
    remediation=(
        "Redirect HTTP listeners to HTTPS and give HTTPS/TLS listeners a TLS >= 1.2 ssl_policy "
        "(ELBSecurityPolicy-TLS13-1-2-2021-06); set CloudFront viewer_protocol_policy to "
        "redirect-to-https, minimum_protocol_version to TLSv1.2_2021 and custom origins to "
        "https-only; use TLS_1_2 on API Gateway domains; give OpenSearch/Elasticsearch domains "
        "domain_endpoint_options { enforce_https = true, tls_security_policy = "
        "Policy-Min-TLS-1-2-2019-07 (or -PFS-2023-10) }; on GCP redirect HTTP proxies with "
        "default_url_redirect { https_redirect = true } and attach a MODERN/RESTRICTED SSL "
        "policy with TLS_1_2; on Azure set https_only = true, minimum TLS 1.2, FTPS only, and "
        "redirect Application Gateway HTTP listeners to an HTTPS listener."
    ),
    controls=("NIST-800-53-SC-8", "NIST-800-53-SC-13", "CIS-Azure-9.2", "CIS-Azure-9.3"),
    references=(
        "checkov:CKV_AWS_2",
        "checkov:CKV_AWS_103",
        "checkov:CKV2_AWS_20",
        "checkov:CKV_AWS_378",
        "checkov:CKV_AWS_34",
        "checkov:CKV_AWS_174",
        "checkov:CKV2_AWS_54",
        "checkov:CKV2_AWS_72",
        "checkov:CKV_AWS_83",
        "checkov:CKV_AWS_228",
        "checkov:CKV_GCP_4",
        "checkov:CKV_AZURE_14",
        "checkov:CKV_AZURE_15",
        "checkov:CKV_AZURE_78",
        "trivy:AVD-AWS-0054",
        "trivy:AVD-AWS-0047",
        "trivy:AVD-AWS-0012",
        "trivy:AVD-AWS-0013",
        "trivy:AVD-AWS-0046",
        "trivy:AVD-AWS-0126",
        "trivy:AVD-GCP-0039",
        "trivy:AVD-AZU-0004",
        "trivy:AVD-AZU-0006",
        "trivy:AVD-AZU-0071",
        "trivy:AVD-AZU-0072",
    ),
    applies=_applies,
    example="""\
resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
""",
    use_instead="""\
resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
""",
)
def https_only_endpoints(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = ENDPOINTS.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
