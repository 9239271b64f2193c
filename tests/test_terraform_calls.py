"""Module calls (issue 17 point 3): a local call judges the child's resources with the
caller's arguments, at the call; a remote call is one skipped note saying why it is not read."""

from __future__ import annotations

from pathlib import Path

import pytest

CHILD = """\
variable "public" {
  type = bool
}

variable "protect" {
  default = false
}

resource "aws_db_instance" "this" {
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  publicly_accessible = var.public
  deletion_protection = var.protect
}
"""
ROOT = """\
variable "open" {
  default = true
}

variable "unset" {}

module "db" {
  source = "./modules/db"
  public = var.open
}

module "safe" {
  source  = "./modules/db"
  public  = false
  protect = true
}

module "unknown" {
  source = "./modules/db"
  public = var.unset
}

module "off" {
  source = "./modules/db"
  count  = 0
  public = true
}
"""
RUN = ("--devops-policy-only", "-p", "no:cacheprovider", "-rA")


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def calls(pytester: pytest.Pytester) -> pytest.Pytester:
    _tree(pytester.path, {"main.tf": ROOT, "modules/db/main.tf": CHILD})
    return pytester


def test_the_call_decides_the_child_resource(calls: pytest.Pytester) -> None:
    result = calls.runpytest(*RUN, "--devops-policy-select=TF-008")
    out = result.stdout.str()
    for line in (
        "FAILED main.tf::module.db.aws_db_instance.this*",
        "PASSED main.tf::module.safe.aws_db_instance.this*",
        "SKIPPED*main.tf:18:*module.unknown passes public = var.unset: var.unset has no default*",
    ):
        result.stdout.fnmatch_lines([line])
    assert "module.off" not in out  # count = 0 creates nothing
    # The child on its own: var.public has no default, so it cannot be judged.
    result.stdout.fnmatch_lines(["SKIPPED*var.public has no default*"])


def test_finding_points_at_the_argument(calls: pytest.Pytester) -> None:
    result = calls.runpytest(*RUN, "--devops-policy-select=TF-008", "--tb=line")
    result.stdout.fnmatch_lines(["main.tf:9:3: TF-008 *(at modules/db/main.tf:12)"])


def test_default_of_the_child_points_at_the_call(calls: pytest.Pytester) -> None:
    result = calls.runpytest(*RUN, "--devops-policy-select=TF-014", "--tb=line")
    # module.db does not pass protect: the child's default false, reported at the call.
    result.stdout.fnmatch_lines(["main.tf:7:1: TF-014 *(at modules/db/main.tf:13)"])


def test_nested_calls_follow_the_argument(pytester: pytest.Pytester) -> None:
    middle = """\
variable "expose" {}

module "db" {
  source = "../db"
  public = var.expose
}
"""
    root = """\
module "app" {
  source = "./modules/app"
  expose = true
}
"""
    _tree(
        pytester.path,
        {"main.tf": root, "modules/app/main.tf": middle, "modules/db/main.tf": CHILD},
    )
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-008", "--tb=line")
    result.stdout.fnmatch_lines(
        [
            "main.tf:3:3: TF-008 *(at modules/db/main.tf:12)",
            "FAILED main.tf::module.app.module.db.aws_db_instance.this*",
        ]
    )


def test_a_module_that_calls_itself_ends(pytester: pytest.Pytester) -> None:
    loop = CHILD + '\nmodule "again" {\n  source = "./"\n  public = true\n}\n'
    _tree(pytester.path, {"main.tf": 'module "a" {\n  source = "./m"\n  public = true\n}\n'})
    _tree(pytester.path, {"m/main.tf": loop})
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-008")
    assert result.ret in (0, 1)
    result.stdout.fnmatch_lines(["FAILED main.tf::module.a.aws_db_instance.this*"])


def test_remote_and_missing_modules_are_notes(pytester: pytest.Pytester) -> None:
    _tree(
        pytester.path,
        {
            "main.tf": """\
module "vpc" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.1.0"
}

module "gone" {
  source = "./not-here"
}
"""
        },
    )
    result = pytester.runpytest(*RUN, "--junitxml=out.xml")
    result.stdout.fnmatch_lines(
        [
            "SKIPPED*main.tf:1: module.vpc comes from terraform-aws-modules/eks/aws 20.1.0, a "
            "remote module*not checked*",
            "SKIPPED*main.tf:6: module.gone reads ./not-here, which is not a directory*",
        ]
    )
    xml = (pytester.path / "out.xml").read_text()
    assert 'name="module.vpc[not-read]"' in xml
    assert 'value="TF-MODULE-NOT-READ"' in xml


def test_module_calls_can_be_turned_off(calls: pytest.Pytester) -> None:
    calls.makepyprojecttoml("[tool.devops-policy.tf]\nmodule_calls = false\n")
    result = calls.runpytest(*RUN, "--devops-policy-select=TF-008")
    assert "module.db.aws_db_instance" not in result.stdout.str()


def test_waiver_inside_the_call(pytester: pytest.Pytester) -> None:
    root = """\
module "db" {
  # devops-policy: ignore[TF-008] reason="internal test database" expires=2099-01-01
  source = "./modules/db"
  public = true
}
"""
    _tree(pytester.path, {"main.tf": root, "modules/db/main.tf": CHILD})
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-008")
    out = result.stdout.str()
    assert "FAILED main.tf::module.db" not in out, out


def test_a_changed_child_changes_the_callers_cached_result(calls: pytest.Pytester) -> None:
    args = ("--devops-policy-only", "--devops-policy-select=TF-008", "-rA")
    calls.runpytest(*args).stdout.fnmatch_lines(["PASSED main.tf::module.safe*"])
    child = calls.path / "modules/db/main.tf"
    child.write_text(CHILD.replace("var.public", "true"))
    calls.runpytest(*args).stdout.fnmatch_lines(["FAILED main.tf::module.safe*"])


def test_caller_names_never_link_inside_the_child(pytester: pytest.Pytester) -> None:
    """The caller's aws_s3_bucket.this is not the child's: a public access block the child
    attaches to the caller's bucket does not cover the child's own bucket."""
    child = """\
variable "other" {}

resource "aws_s3_bucket" "this" {
  bucket = "child-bucket"
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = var.other
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"""
    root = """\
resource "aws_s3_bucket" "this" {
  bucket = "root-bucket"
}

module "b" {
  source = "./modules/b"
  other  = aws_s3_bucket.this.id
}
"""
    _tree(pytester.path, {"main.tf": root, "modules/b/main.tf": child})
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-001")
    out = result.stdout.str()
    assert "PASSED main.tf::module.b.aws_s3_bucket.this" not in out, out
    # ... and the root bucket may be covered by it: unknown, not a failure.
    assert "FAILED main.tf::aws_s3_bucket.this" not in out, out
    result.stdout.fnmatch_lines(["*module.b passes other = aws_s3_bucket.this.id*"])


def test_a_secret_argument_is_reported_once(pytester: pytest.Pytester) -> None:
    child = """\
variable "password" {}

resource "aws_db_instance" "this" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  password       = var.password
}
"""
    root = """\
module "db" {
  source   = "./modules/db"
  password = "Corr3ct-Horse-Battery"
}
"""
    _tree(pytester.path, {"main.tf": root, "modules/db/main.tf": child})
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-011", "--tb=line")
    out = result.stdout.str()
    assert out.count("TF-011 [critical]") == 1, out
    result.stdout.fnmatch_lines(["main.tf:3:3: TF-011 *module.db password*"])
    assert "Corr3ct-Horse-Battery" not in out


def test_count_resolved_with_the_arguments(pytester: pytest.Pytester) -> None:
    child = """\
variable "create" {
  default = true
}

variable "rules" {
  default = []
}

resource "aws_db_instance" "this" {
  count               = var.create ? 1 : 0
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  publicly_accessible = true
}

resource "aws_security_group_rule" "in" {
  count             = length(var.rules)
  type              = "ingress"
  security_group_id = "sg-1"
  protocol          = "tcp"
  from_port         = lookup(var.rules[count.index], "port", 443)
  to_port           = lookup(var.rules[count.index], "port", 443)
  cidr_blocks       = ["0.0.0.0/0"]
}
"""
    root = """\
module "off" {
  source = "./modules/db"
  create = false
}

module "rules" {
  source = "./modules/db"
  create = false
  rules  = [{ port = 22 }, { name = "https" }]
}
"""
    _tree(pytester.path, {"main.tf": root, "modules/db/main.tf": child})
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-008,TF-006", "--tb=line")
    out = result.stdout.str()
    assert "module.off.aws_db_instance" not in out and "module.off.aws_security" not in out
    # length() and lookup() resolve through count.index: port 22 is open to the world.
    result.stdout.fnmatch_lines(["main.tf:6:1: TF-006 *port 22 (ssh)*(at modules/db/main.tf:23)"])
    # On its own the child has no rules (length([]) = 0): the rule resource does not exist.
    assert "modules/db/main.tf::aws_security_group_rule" not in out


def test_mapped_registry_modules_are_judged_through_their_stand_in(
    pytester: pytest.Pytester,
) -> None:
    root = """\
module "db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 6.0"

  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.large"
  publicly_accessible = true
}

module "db_instance" {
  source = "terraform-aws-modules/rds/aws//modules/db_instance"
}
"""
    _tree(pytester.path, {"main.tf": root})
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-008", "--tb=line")
    result.stdout.fnmatch_lines(
        ["main.tf:8:3: TF-008 *(at the stand-in data/terraform_modules/rds/main.tf:*)"]
    )
    # A submodule is not mapped: one note, not a guess.
    result.stdout.fnmatch_lines(
        ["SKIPPED*main.tf:11: module.db_instance comes from *rds/aws//modules/db_instance*"]
    )


def test_try_passes_over_keys_an_instance_lacks(pytester: pytest.Pytester) -> None:
    main = """\
resource "aws_security_group_rule" "rules" {
  for_each = {
    https = { from_port = 443, cidr_blocks = ["10.0.0.0/8"] }
    ssh   = { from_port = 22, cidr_blocks = ["0.0.0.0/0"] }
  }

  type              = "ingress"
  security_group_id = "sg-1"
  protocol          = "tcp"
  from_port         = each.value.from_port
  to_port           = try(each.value.to_port, each.value.from_port)
  cidr_blocks       = try(each.value.cidr_blocks, null)
  ipv6_cidr_blocks  = try(each.value.ipv6_cidr_blocks, null)
}
"""
    _tree(pytester.path, {"main.tf": main})
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-006", "--tb=line")
    result.stdout.fnmatch_lines(["main.tf:*: TF-006 *port 22 (ssh)*"])
