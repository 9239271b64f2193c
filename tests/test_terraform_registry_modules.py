"""The shipped registry-module stand-ins (issue 17 point 3): the source table, and each
stand-in judged as a module whose variables a caller's arguments set (a terraform.tfvars
written next to a copy of it), with both HCL parsers."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from pytest_devops_policy import discovery, kinds, tomlfile
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.functions import call
from pytest_devops_policy.knowledge.terraform.references import MISSING
from pytest_devops_policy.knowledge.terraform.registry_modules import (
    STAND_IN_ROOT,
    mapped_sources,
    stand_in,
)
from pytest_devops_policy.model import ParseError
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies import builtin_policies

ROOT = Path(__file__).resolve().parent.parent
STAND_INS = sorted(m.directory for m in mapped_sources())
PARSERS = ("tree-sitter", "hcl2")
TF_POLICIES = [p for p in builtin_policies() if p.id.startswith("TF-")]

Outcome = tuple[str, str, str]  # (policy id, resource address, "fail" | "unknown")


def judge(
    name: str, tmp_path: Path, tfvars: str = "", parser: str = "tree-sitter", **settings: object
) -> set[Outcome]:
    """Every TF policy on a copy of stand-in ``name`` with ``tfvars`` as its arguments."""
    if parser == "hcl2":
        pytest.importorskip("hcl2")
    module = tmp_path / f"{name}-{parser}"
    shutil.copytree(os.path.join(STAND_IN_ROOT, name), module)
    if tfvars:
        (module / "terraform.tfvars").write_text(textwrap.dedent(tfvars), encoding="utf-8")
    flat = {"tf.hcl_parser": parser, **{f"tf.{k}": v for k, v in settings.items()}}
    options = Options.from_flat(flat, kinds.option_classes())
    cache = ParseCache(str(module), [str(module)], options=options)
    found: set[Outcome] = set()
    for tf in sorted(module.glob("*.tf")):
        for meta in TF_POLICIES:
            parsed = cache.get(str(tf), meta.kind)
            assert not isinstance(parsed, ParseError), f"{tf}: {parsed.message}"
            context = Context(options, cache)
            parsed = kinds.by_name(meta.kind).format.adjust(parsed, context)
            for subject in parsed.subjects:
                if not isinstance(subject, TfResource):
                    continue
                if not kinds.judges(meta.subject, meta.id, subject.key):
                    continue
                if not meta.applies_to(subject, context):
                    continue
                finding = evaluate(meta, subject, context)
                if finding.violations:
                    found.add((meta.id, subject.address, "fail"))
                elif finding.unknowns:
                    found.add((meta.id, subject.address, "unknown"))
    return found


def fails(found: set[Outcome], address: str) -> set[str]:
    return {p for p, a, o in found if a == address and o == "fail"}


def unknowns(found: set[Outcome]) -> set[str]:
    return {p for p, _, o in found if o == "unknown"}


# --------------------------------------------------------------------------- the table


def test_every_mapped_module_has_its_stand_in_with_a_header() -> None:
    assert STAND_INS == ["rds", "s3-bucket", "security-group", "vpc"]
    for module in mapped_sources():
        main = Path(module.path) / "main.tf"
        head = main.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert module.source in head, module.source
        assert module.read_at in head and f"v{max(module.majors)}" in head
        assert "Left out" in main.read_text(encoding="utf-8")
        assert (Path(module.path) / "variables.tf").is_file()
        name = module.source.split("/")[1]
        assert module.repository == f"terraform-aws-modules/terraform-aws-{name}"


@pytest.mark.parametrize(
    ("source", "version", "directory"),
    [
        ("terraform-aws-modules/rds/aws", None, "rds"),
        ("terraform-aws-modules/rds/aws", "~> 7.0", "rds"),
        ("terraform-aws-modules/rds/aws", "6.13.1", "rds"),
        ("terraform-aws-modules/rds/aws", ">= 5.0", "rds"),  # installs the newest: v7
        ("terraform-aws-modules/rds/aws", ">= 5.0, < 7.0", "rds"),  # v6
        ("terraform-aws-modules/rds/aws", "~> 5.9", None),  # defaults not checked
        ("terraform-aws-modules/rds/aws", "< 6", None),
        ("terraform-aws-modules/rds/aws", "~> 8.0", None),  # not released when written
        ("terraform-aws-modules/rds/aws", "latest please", None),
        ("registry.terraform.io/terraform-aws-modules/rds/aws", "~> 7.1", "rds"),
        ("Registry.Terraform.io/Terraform-AWS-Modules/RDS/AWS", None, "rds"),
        ("registry.opentofu.org/terraform-aws-modules/vpc/aws", "~> 6.0", "vpc"),
        ("terraform-aws-modules/vpc/aws", "4.0.2", "vpc"),
        ("terraform-aws-modules/vpc/aws", "~> 3.19", None),  # v3 defaults differ
        ("terraform-aws-modules/s3-bucket/aws", "~> 4.1", "s3-bucket"),
        ("terraform-aws-modules/s3-bucket/aws", "~> 2.0", None),  # public access open in v2
        ("terraform-aws-modules/security-group/aws", "~> 5.1", "security-group"),
        # submodules: other inputs and defaults than the root module
        ("terraform-aws-modules/rds/aws//modules/db_instance", "~> 7.0", None),
        ("terraform-aws-modules/security-group/aws//modules/ssh", "~> 5.0", None),
        # the same repositories through git
        ("github.com/terraform-aws-modules/terraform-aws-rds?ref=v7.2.0", None, "rds"),
        (
            "git::https://github.com/terraform-aws-modules/terraform-aws-rds.git?ref=v6.1.0",
            None,
            "rds",
        ),
        ("git@github.com:terraform-aws-modules/terraform-aws-vpc.git?ref=v6.6.0", None, "vpc"),
        ("git::ssh://git@github.com/terraform-aws-modules/terraform-aws-vpc.git", None, "vpc"),
        ("github.com/terraform-aws-modules/terraform-aws-rds?ref=v5.0.0", None, None),
        ("github.com/terraform-aws-modules/terraform-aws-rds?ref=3f1c2a9", None, None),
        ("github.com/terraform-aws-modules/terraform-aws-rds?ref=master", None, None),
        ("github.com/terraform-aws-modules/terraform-aws-rds//modules/db_instance", None, None),
        # not mapped at all
        ("terraform-aws-modules/eks/aws", "~> 20.0", None),
        ("someone/rds/aws", None, None),
        ("github.com/someone/terraform-aws-rds?ref=v7.2.0", None, None),
        ("./modules/db", None, None),
    ],
)
def test_stand_in_for_a_source(source: str, version: str | None, directory: str | None) -> None:
    found = stand_in(source, version)
    if directory is None:
        assert found is None
    else:
        assert found == os.path.join(STAND_IN_ROOT, directory)


def test_the_stand_ins_ship_in_the_wheel_and_are_never_collected() -> None:
    data = tomlfile.load(str(ROOT / "pyproject.toml"))["tool"]["setuptools"]["package-data"]
    globs = data["pytest_devops_policy"]
    package = ROOT / "pytest_devops_policy"
    shipped = {p for g in globs for p in package.glob(g)}
    for path in Path(STAND_IN_ROOT).rglob("*"):
        if path.is_file():
            assert path in shipped, path
    assert discovery.is_package_data(Path(STAND_IN_ROOT) / "rds" / "main.tf")
    assert not discovery.is_package_data(ROOT / "examples")


def test_scanning_the_package_data_collects_nothing(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--devops-policy-only", STAND_IN_ROOT, "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_collection_functions() -> None:
    assert call("lookup", ({"a": 1}, "a", 2)) == 1
    assert call("lookup", ({"a": 1}, "b", 2)) == 2
    assert call("lookup", ({"a": 1}, "b")) is MISSING
    assert call("keys", ({"b": 1, "a": 2},)) == ["a", "b"]
    assert call("length", ([1, 2],)) == 2
    assert call("contains", (["x"], "x")) is True
    assert call("split", (",", "a,,b")) == ["a", "", "b"]
    assert call("compact", (["a", "", None, "b"],)) == ["a", "b"]
    assert call("join", (",", ["a", "b"], ["c"])) == "a,b,c"
    assert call("coalesce", (None, "", "x")) == "x"
    assert call("coalesce", (None,)) is MISSING
    assert call("merge", ({"a": 1}, None, {"a": 2, "b": 3})) == {"a": 2, "b": 3}
    assert call("merge", ({"a": 1}, ["x"])) is MISSING


# --------------------------------------------------------------------------- rds

RDS = "aws_db_instance.this"
RDS_ARGS = """\
identifier     = "orders"
engine         = "postgres"
engine_version = "16.4"
family         = "postgres16"
"""


@pytest.mark.parametrize("parser", PARSERS)
def test_rds_defaults_are_the_real_modules(tmp_path: Path, parser: str) -> None:
    found = judge("rds", tmp_path, RDS_ARGS, parser)
    # storage_encrypted = true, publicly_accessible = false, auto_minor_version_upgrade =
    # true and a managed master password by default; deletion_protection = false, no
    # backup retention, no monitoring; no module can set prevent_destroy for its caller.
    assert fails(found, RDS) == {"TF-014", "TF-015", "TF-016", "TF-017", "TF-023"}
    assert not unknowns(found)


def test_rds_insecure_arguments_fail(tmp_path: Path) -> None:
    found = judge(
        "rds",
        tmp_path,
        RDS_ARGS
        + """\
publicly_accessible         = true
storage_encrypted           = false
manage_master_user_password = false
password_wo                 = "hunter2hunter2"
auto_minor_version_upgrade  = false
skip_final_snapshot         = true
backup_retention_period     = 1
""",
    )
    assert {"TF-002", "TF-003", "TF-008", "TF-011", "TF-012", "TF-014", "TF-016", "TF-017"} | {
        "TF-025"
    } <= fails(found, RDS)


def test_rds_secure_arguments_pass(tmp_path: Path) -> None:
    found = judge(
        "rds",
        tmp_path,
        RDS_ARGS
        + """\
deletion_protection          = true
delete_automated_backups     = false
backup_retention_period      = 14
performance_insights_enabled = true
multi_az                     = true
""",
    )
    assert fails(found, RDS) == {"TF-015"}  # prevent_destroy is the caller's to set, and cannot be
    assert not unknowns(found)


def test_rds_parameter_group_of_the_call(tmp_path: Path) -> None:
    mysql = """\
identifier = "orders"
engine     = "mysql"
family     = "mysql8.0"
"""
    assert "TF-005" in fails(judge("rds", tmp_path / "a", mysql), RDS)
    forced = mysql + 'parameters = [{ name = "require_secure_transport", value = "1" }]\n'
    assert "TF-005" not in fails(judge("rds", tmp_path / "b", forced), RDS)


def test_rds_replica_inherits_encryption(tmp_path: Path) -> None:
    replica = """\
identifier          = "orders-replica"
replicate_source_db = "orders"
storage_encrypted   = false
"""
    assert "TF-002" not in fails(judge("rds", tmp_path, replica), RDS)


def test_rds_v6_password_input(tmp_path: Path) -> None:
    v6 = RDS_ARGS + 'manage_master_user_password = false\npassword = "hunter2hunter2"\n'
    assert {"TF-011", "TF-012"} <= fails(judge("rds", tmp_path, v6), RDS)


# --------------------------------------------------------------------------- s3-bucket

BUCKET = "aws_s3_bucket.this"
PUBLIC_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::uploads/*",
            }
        ],
    }
)
PAB = "aws_s3_bucket_public_access_block.this"


@pytest.mark.parametrize("parser", PARSERS)
def test_s3_defaults_are_the_real_modules(tmp_path: Path, parser: str) -> None:
    found = judge("s3-bucket", tmp_path, 'bucket = "uploads"\n', parser)
    # all four public-access-block settings true; no versioning, no TLS-only policy
    assert fails(found, BUCKET) == {"TF-005", "TF-015", "TF-018"}
    assert fails(found, PAB) == set()
    assert not unknowns(found)


def test_s3_insecure_arguments_fail(tmp_path: Path) -> None:
    found = judge(
        "s3-bucket",
        tmp_path,
        """\
bucket            = "uploads"
acl               = "public-read"
force_destroy     = true
block_public_acls = false
versioning        = { status = "Suspended" }
attach_policy     = true
"""
        + f"policy = {json.dumps(PUBLIC_READ)}\n",
    )
    assert {"TF-001", "TF-005", "TF-009", "TF-014", "TF-018"} <= fails(found, BUCKET)
    assert fails(found, PAB) == {"TF-001"}


def test_s3_secure_arguments_pass(tmp_path: Path) -> None:
    found = judge(
        "s3-bucket",
        tmp_path,
        """\
bucket                                = "uploads"
versioning                            = { enabled = true, mfa_delete = true }
attach_deny_insecure_transport_policy = true
server_side_encryption_configuration = {
  rule = {
    apply_server_side_encryption_by_default = {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c"
    }
  }
}
""",
        require_cmk=True,
    )
    assert fails(found, BUCKET) == {"TF-015"}
    assert fails(found, PAB) == set()
    assert not unknowns(found)


def test_s3_without_the_public_access_block(tmp_path: Path) -> None:
    found = judge("s3-bucket", tmp_path, 'bucket = "site"\nattach_public_policy = false\n')
    # count = 0: the block does not exist, so the bucket itself has none.
    assert "TF-001" in fails(found, BUCKET)


def test_s3_sse_s3_is_not_a_customer_key(tmp_path: Path) -> None:
    args = """\
bucket = "uploads"
server_side_encryption_configuration = {
  rule = { apply_server_side_encryption_by_default = { sse_algorithm = "AES256" } }
}
"""
    assert "TF-002" in fails(judge("s3-bucket", tmp_path, args, require_cmk=True), BUCKET)


# --------------------------------------------------------------------------- security-group

SG = "aws_security_group.this"


@pytest.mark.parametrize("parser", PARSERS)
def test_security_group_named_rule_open_to_the_internet(tmp_path: Path, parser: str) -> None:
    found = judge(
        "security-group",
        tmp_path,
        """\
name                = "bastion"
ingress_rules       = ["ssh-tcp", "https-443-tcp"]
ingress_cidr_blocks = ["0.0.0.0/0"]
""",
        parser,
    )
    assert fails(found, SG) == {"TF-006"}


def test_security_group_defaults_open_nothing(tmp_path: Path) -> None:
    found = judge("security-group", tmp_path, 'name = "empty"\n')
    assert fails(found, SG) == set()
    assert not unknowns(found)


@pytest.mark.parametrize("parser", PARSERS)
def test_security_group_rules_as_maps(tmp_path: Path, parser: str) -> None:
    found = judge(
        "security-group",
        tmp_path,
        """\
name = "db"
ingress_with_cidr_blocks = [
  { rule = "postgresql-tcp", cidr_blocks = "10.0.0.0/8,0.0.0.0/0" },
  { from_port = 8000, to_port = 8000, protocol = "tcp", cidr_blocks = "0.0.0.0/0" },
]
ingress_with_ipv6_cidr_blocks = [{ rule = "all-all", ipv6_cidr_blocks = "::/0" }]
egress_rules = ["all-all"]
""",
        parser,
    )
    assert fails(found, SG) == {"TF-006", "TF-007"}


def test_security_group_secure_rules_pass(tmp_path: Path) -> None:
    found = judge(
        "security-group",
        tmp_path,
        """\
name                     = "web"
ingress_rules            = ["https-443-tcp", "http-80-tcp"]
ingress_cidr_blocks      = ["0.0.0.0/0"]
ingress_with_cidr_blocks = [{ rule = "ssh-tcp", cidr_blocks = "10.0.0.0/8" }]
egress_with_cidr_blocks  = [{ rule = "https-443-tcp" }]
""",
    )
    assert fails(found, SG) == set()
    assert not unknowns(found)


def test_security_group_rule_outside_the_table_is_unknown(tmp_path: Path) -> None:
    found = judge(
        "security-group",
        tmp_path,
        """\
name                = "kafka"
ingress_rules       = ["kafka-broker-tcp"]
ingress_cidr_blocks = ["0.0.0.0/0"]
""",
    )
    assert fails(found, SG) == set()
    assert {"TF-006", "TF-007"} <= unknowns(found)


# --------------------------------------------------------------------------- vpc

NACL = "aws_default_network_acl.this"
DEFAULT_SG = "aws_default_security_group.this"
SUBNET = "aws_subnet.public"


@pytest.mark.parametrize("parser", PARSERS)
def test_vpc_defaults_are_the_real_modules(tmp_path: Path, parser: str) -> None:
    found = judge("vpc", tmp_path, 'name = "main"\npublic_subnets = ["10.0.1.0/24"]\n', parser)
    # The module adopts the default network ACL with allow-all rules from and to 0.0.0.0/0
    # and ::/0 (as AWS's own default ACL): TF-006 and TF-007 judge them like written rules.
    assert fails(found, NACL) == {"TF-006", "TF-007"}
    # The adopted default security group has no rules; no public IPs on launch.
    assert fails(found, DEFAULT_SG) == set()
    assert fails(found, SUBNET) == set()
    assert not unknowns(found)


def test_vpc_insecure_arguments_fail(tmp_path: Path) -> None:
    found = judge(
        "vpc",
        tmp_path,
        """\
name                           = "main"
public_subnets                 = ["10.0.1.0/24"]
map_public_ip_on_launch        = true
public_subnet_suffix           = "edge"
default_security_group_ingress = [
  { cidr_blocks = "0.0.0.0/0", from_port = 22, to_port = 22, protocol = "tcp" },
]
""",
    )
    assert fails(found, DEFAULT_SG) == {"TF-006", "TF-007"}
    assert fails(found, SUBNET) == {"TF-008"}


def test_vpc_secure_arguments_pass(tmp_path: Path) -> None:
    found = judge(
        "vpc",
        tmp_path,
        """\
name                        = "main"
public_subnets              = ["10.0.1.0/24"]
map_public_ip_on_launch     = true
enable_flow_log             = true
default_network_acl_ingress = [
  {
    rule_no = 100, action = "allow", protocol = "tcp", from_port = 443, to_port = 443,
    cidr_block = "0.0.0.0/0",
  },
  {
    rule_no = 110, action = "allow", protocol = "-1", from_port = 0, to_port = 0,
    cidr_block = "10.0.0.0/16",
  },
]
default_network_acl_egress = [
  {
    rule_no = 100, action = "allow", protocol = "tcp", from_port = 443, to_port = 443,
    cidr_block = "0.0.0.0/0",
  },
]
""",
    )
    # public subnets carry the module's "<name>-public" Name tag: the public tier
    assert {p for p, _, o in found if o == "fail"} == set()
    assert not unknowns(found)


def test_vpc_unmanaged_defaults_are_not_judged(tmp_path: Path) -> None:
    found = judge(
        "vpc",
        tmp_path,
        """\
name                         = "main"
manage_default_network_acl   = false
manage_default_security_group = false
default_security_group_ingress = [{ cidr_blocks = "0.0.0.0/0" }]
""",
    )
    assert fails(found, NACL) == set()
    assert fails(found, DEFAULT_SG) == set()
