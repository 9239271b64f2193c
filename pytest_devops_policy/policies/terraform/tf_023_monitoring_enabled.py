"""TF-023 monitoring-enabled: services emit metrics and logs, and someone is alerted."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.monitoring import MONITORING, SERVICE_TYPES, alerting
from pytest_devops_policy.options import TfOptions


@policy(
    id="TF-023",
    name="monitoring-enabled",
    title="Services are monitored and alerted on",
    severity=Severity.MEDIUM,
    rationale=(
        "Monitoring precedes features: a service whose metrics, access logs and traces are "
        "off cannot be diagnosed, and a service nobody is alerted about fails silently until "
        "users complain. Database, container, load balancer and cluster telemetry, and at "
        "least one alert per module that runs a service, are the minimum."
    ),
    remediation=(
        "RDS: monitoring_interval > 0 with monitoring_role_arn, or Performance Insights. ECS: "
        'setting { name = "containerInsights", value = "enabled" }. ALB/NLB: '
        "access_logs { enabled = true }. EC2: monitoring = true. Lambda: tracing_config "
        '{ mode = "Active" }. GKE: keep logging/monitoring on. AKS: oms_agent or '
        "monitor_metrics. Define an aws_cloudwatch_metric_alarm, google_monitoring_alert_policy "
        "or azurerm_monitor_metric_alert next to each service (or set tf.monitoring_external)."
    ),
    controls=("NIST-800-53-SI-4", "NIST-800-53-AU-12", "NIST-800-53-AU-6"),
    references=(
        "checkov:CKV_AWS_118",
        "checkov:CKV_AWS_353",
        "checkov:CKV_AWS_65",
        "checkov:CKV_AWS_91",
        "checkov:CKV_AWS_126",
        "checkov:CKV_GCP_1",
        "checkov:CKV_GCP_8",
        "checkov:CKV_AZURE_4",
        "trivy:AVD-AWS-0034",
        "trivy:AVD-AWS-0133",
        "trivy:AVD-AWS-0066",
        "trivy:AVD-GCP-0052",
        "trivy:AVD-GCP-0060",
        "trivy:AVD-AZU-0040",
    ),
    applies=lambda r: (r.type in MONITORING or r.type in SERVICE_TYPES) and not r.disabled,
    example="""\
resource "aws_ecs_cluster" "main" {
  name = "main"
}
""",
    use_instead="""\
resource "aws_ecs_cluster" "main" {
  name = "main"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
""",
)
def monitoring_enabled(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = MONITORING.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
    if tf_resource.type in SERVICE_TYPES and not context.options(TfOptions).monitoring_external:
        yield from alerting(tf_resource, module)
