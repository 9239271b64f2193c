"""TF-021 deployment-auto-rollback: a failed deployment is rolled back without a human."""

from __future__ import annotations

from pytest_devops_policy.api import Severity, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform.environment import production
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.rollback import (
    ROLLBACK,
    WEB_APP_SLOTS,
    verified_canary,
    web_app,
)
from pytest_devops_policy.options import TfOptions

_CLOUD_DEPLOY = "google_clouddeploy_delivery_pipeline"


def _production(r: TfResource, context: Context) -> bool | None:
    module: TfModule = context.index(r)
    return production(r, module, module.files, context.options(TfOptions).prod_paths)


def _applies(r: TfResource, context: Context) -> bool:
    if r.disabled:
        return False
    if r.type == "aws_autoscaling_group":
        return bool(r.block.entries("instance_refresh"))  # no refresh: nothing to roll back
    if r.type in WEB_APP_SLOTS:
        return _production(r, context) is not False  # non-production apps: N/A
    if r.type == _CLOUD_DEPLOY:
        return verified_canary(r, context.index(r))  # a PASS; other pipelines are N/A
    return r.type in ROLLBACK


@policy(
    id="TF-021",
    name="deployment-auto-rollback",
    title="Deployments roll back automatically when they fail",
    severity=Severity.HIGH,
    rationale=(
        "A deployment that fails half-way leaves production running a mix of versions, or "
        "none at all, until someone notices and reverts by hand. ECS circuit breakers, "
        "CodeDeploy auto rollback, instance refresh rollback and CloudFormation rollback "
        "return the service to the last version that worked, without waiting for a human."
    ),
    remediation=(
        "ECS: deployment_circuit_breaker { enable = true, rollback = true } (and "
        "alarms { rollback = true }). CODE_DEPLOY services and every CodeDeploy group: "
        'auto_rollback_configuration { enabled = true, events = ["DEPLOYMENT_FAILURE"] } '
        "(+ DEPLOYMENT_STOP_ON_ALARM with alarm_configuration). ASG instance_refresh: "
        "preferences { auto_rollback = true }. CloudFormation: keep rollback on. Azure: deploy "
        "production App Services through a staging slot and swap."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-SI-2", "NIST-800-53-CP-10"),
    references=(
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html",
        "https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html",
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html",
        "https://cloud.google.com/deploy/docs/deployment-strategies/canary",
        "https://learn.microsoft.com/en-us/azure/app-service/deploy-staging-slots",
    ),
    applies=_applies,
    example="""\
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 3
}
""",
    use_instead="""\
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 3

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
""",
)
def deployment_auto_rollback(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    if tf_resource.type in WEB_APP_SLOTS:
        yield from web_app(tf_resource, module, _production(tf_resource, context))
        return
    check = ROLLBACK.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)
