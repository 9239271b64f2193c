"""TF-015 prevent-destroy-on-stateful: Terraform refuses to plan the destruction of data.

Not judged on a Terraform plan JSON: a plan carries no ``lifecycle`` meta-arguments, so it
cannot tell; the ``.tf`` files it was planned from are judged.
"""

from __future__ import annotations

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.model import hcl, is_literal
from pytest_devops_policy.formats.terraform.plan import from_plan
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.environment import on_ephemeral_path
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.values import to_bool
from pytest_devops_policy.options import TfOptions

_WHY = "a plan that replaces or destroys it (a renamed resource, a changed ForceNew argument) runs"


def _applies(r: TfResource, context: Context) -> bool:
    options = context.options(TfOptions)
    if r.disabled or r.type not in options.stateful_types or from_plan(r):
        return False  # a plan JSON has no lifecycle block to read
    # prevent_destroy would block the legitimate teardown of examples and dev stacks
    return not on_ephemeral_path(r, options.ephemeral_paths)


@policy(
    id="TF-015",
    name="prevent-destroy-on-stateful",
    title="Stateful resources carry lifecycle prevent_destroy",
    severity=Severity.MEDIUM,
    rationale=(
        "Provider-side deletion protection does not stop Terraform from planning a "
        "replacement: renaming a resource, moving it between modules or changing an argument "
        "that forces a new resource plans a destroy of the database or bucket, and an apply "
        "with a hurried approval executes it. lifecycle { prevent_destroy = true } makes "
        "Terraform refuse such a plan, so an irreversible change needs an explicit code "
        "change first."
    ),
    remediation=(
        "Add lifecycle { prevent_destroy = true } (a literal; Terraform rejects variables "
        "there) to every database, bucket, key and vault. Use moved blocks for renames. "
        "Stacks that are meant to be torn down (examples, dev) belong under tf.ephemeral_paths."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-CP-9"),
    references=("checkov:CKV_GCP_82",),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = true
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = true

  lifecycle {
    prevent_destroy = true
  }
}
""",
)
def prevent_destroy_on_stateful(tf_resource: TfResource, context: Context) -> Findings:
    # Meta-arguments are read as written: Terraform rejects expressions and dynamic
    # blocks in lifecycle (catalog §5.2-7), so nothing needs resolving.
    lifecycle = next((b for b in tf_resource.block.blocks if b.type == "lifecycle"), None)
    if lifecycle is None:
        yield Violation(f"no lifecycle {{ prevent_destroy = true }}: {_WHY}")
        return
    path = ("lifecycle", "prevent_destroy")
    if not lifecycle.has("prevent_destroy"):
        yield Violation(f"lifecycle has no prevent_destroy = true: {_WHY}", path=path)
        return
    raw = lifecycle.get("prevent_destroy")
    if not is_literal(raw):
        yield Violation(
            f"lifecycle.prevent_destroy = {hcl(raw)}: Terraform accepts only a literal here "
            "(no variables or expressions), so this configuration does not validate",
            path=path,
        )
        return
    verdict = to_bool(raw, default=False)
    if verdict is True:
        return
    yield Violation(f"lifecycle.prevent_destroy = {hcl(raw)}: {_WHY}", path=path)
