"""TF-030 certificates-auto-renew: TLS certificates are issued and renewed by the platform."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.certificates import CERTIFICATES
from pytest_devops_policy.knowledge.terraform.module import Findings


def _applies(r: TfResource, context: Context) -> bool:
    return not r.disabled and r.type in CERTIFICATES


@policy(
    id="TF-030",
    name="certificates-auto-renew",
    title="TLS certificates renew automatically",
    severity=Severity.MEDIUM,
    rationale=(
        "An expired certificate takes a service down as surely as a crash, and certificates "
        "renewed by hand expire the year the person who knew about them has left. Managed, "
        "DNS-validated or Private-CA certificates are renewed by the platform before expiry."
    ),
    remediation=(
        'Use ACM certificates with validation_method = "DNS" and keep their validation '
        "records in Terraform (or issue them from AWS Private CA), with lifecycle "
        "{ create_before_destroy = true }; replace IAM server certificates and imported "
        "certificates with ACM; use google_compute_managed_ssl_certificate or Certificate "
        "Manager managed certificates on GCP; on Azure give Key Vault certificates an "
        "AutoRenew lifetime action and use App Service managed certificates."
    ),
    controls=("NIST-800-53-SC-12", "NIST-800-53-SC-17"),
    references=("checkov:CKV_AWS_233", "trivy:AVD-AWS-0168"),
    applies=_applies,
    example="""\
resource "aws_acm_certificate" "web" {
  domain_name       = "www.example.com"
  validation_method = "EMAIL"
}
""",
    use_instead="""\
resource "aws_acm_certificate" "web" {
  domain_name       = "www.example.com"
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "web_validation" {
  for_each = {
    for dvo in aws_acm_certificate.web.domain_validation_options : dvo.domain_name => dvo
  }
  zone_id = aws_route53_zone.main.zone_id
  name    = each.value.resource_record_name
  type    = each.value.resource_record_type
  records = [each.value.resource_record_value]
  ttl     = 60
}
""",
)
def certificates_auto_renew(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = CERTIFICATES.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
