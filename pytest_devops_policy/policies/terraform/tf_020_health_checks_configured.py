"""TF-020 health-checks-configured: load balancers and orchestrators can tell a broken instance."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.health import HEALTH_CHECKS, applies_to
from pytest_devops_policy.knowledge.terraform.module import Findings


def _applies(r: TfResource, context: Context) -> bool:
    return r.type in HEALTH_CHECKS and applies_to(r, context.index(r))


@policy(
    id="TF-020",
    name="health-checks-configured",
    title="Load-balanced and managed compute has health checks",
    severity=Severity.MEDIUM,
    rationale=(
        "A load balancer keeps sending requests to an instance that is up but broken, and an "
        "Auto Scaling group or instance group never replaces it, unless a health check that "
        "exercises the application says so. Health checks are what make self-healing, rolling "
        "deployments and failover work."
    ),
    remediation=(
        "AWS: give HTTP(S) target groups health_check { path, matcher }, set "
        'health_check_type = "ELB" and a grace period on load-balanced ASGs, '
        "health_check_grace_period_seconds on ECS services behind a load balancer, a "
        "healthCheck on essential containers and a health_check_id on failover records. GCP: "
        "health_checks on backend services, auto_healing_policies on instance group managers, "
        "probes on Cloud Run containers. Azure: a probe_id on load balancer rules, a probe "
        "for each Application Gateway backend setting, site_config.health_check_path on App "
        "Services and probes on container apps."
    ),
    controls=("NIST-800-53-SI-4", "NIST-800-53-CP-10", "NIST-800-53-SC-5"),
    references=(
        "checkov:CKV_AWS_261",
        "checkov:CKV2_AWS_15",
        "checkov:CKV_AZURE_213",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
        "https://cloud.google.com/load-balancing/docs/health-check-concepts",
    ),
    applies=_applies,
    example="""\
resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}
""",
    use_instead="""\
resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id

  health_check {
    path    = "/healthz"
    matcher = "200"
  }
}
""",
)
def health_checks_configured(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = HEALTH_CHECKS.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
