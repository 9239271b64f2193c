"""The Terraform block subject (provider, terraform, module, variable) and module-level facts:
root modules (§5.1), the stand-in settings block, the lock file check of TF-027."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytest_devops_policy.formats.terraform.blocks import TfBlock
from pytest_devops_policy.formats.terraform.parser import parse
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.model import Source
from pytest_devops_policy.policies import builtin_by_id
from pytest_devops_policy.testing import actual

TEXT = """\
provider "aws" {
  alias  = "west"
  region = "us-west-2" # devops-policy: ignore[TF-011] reason="x"
}

terraform {
  backend "s3" {
    bucket = "b"
  }
}

module "db" {
  source = "./modules/db"
}

variable "token" {}

resource "aws_s3_bucket" "b" {}
"""


def test_blocks_are_subjects_with_addresses() -> None:
    parsed = parse(Source("/x/main.tf", "main.tf", TEXT))
    labels = [(type(s).__name__, s.label, s.line) for s in parsed.subjects]
    assert labels == [
        ("TfBlock", "provider.aws.west", 1),
        ("TfBlock", "terraform", 6),
        ("TfBlock", "module.db", 12),
        ("TfBlock", "var.token", 16),
        ("TfResource", "aws_s3_bucket.b", 18),
    ]
    provider = parsed.subjects[0]
    assert isinstance(provider, TfBlock) and list(provider.waiver_lines()) == [1, 2, 3, 4]
    terraform = parsed.subjects[1]
    assert isinstance(terraform, TfBlock)
    assert terraform.locate(("backend", 0, "bucket")) == (8, 5)
    assert terraform.locate(("backend", 0, "encrypt")) == (7, 3)
    assert isinstance(parsed.subjects[4], TfResource)


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


ROOT = """\
terraform {
  required_version = ">= 1.10"
  backend "gcs" {
    bucket = "state"
  }
}
"""


def test_the_lock_file_is_required_in_a_git_checkout(tmp_path: Path) -> None:
    policy = builtin_by_id()["TF-027"]
    _write(tmp_path, {"infra/main.tf": ROOT})
    main = tmp_path / "infra" / "main.tf"
    # Not a git checkout: whether the lock file is committed cannot be told.
    assert actual(main, policy, rootdir=tmp_path).violations == frozenset()
    (tmp_path / ".git").mkdir()
    assert actual(main, policy, rootdir=tmp_path).violations == {(1, "TF-027")}
    (tmp_path / "infra" / ".terraform.lock.hcl").write_text("# lock\n", encoding="utf-8")
    assert actual(main, policy, rootdir=tmp_path).violations == frozenset()


def test_a_module_without_terraform_block_has_its_item_on_its_first_file(tmp_path: Path) -> None:
    policy = builtin_by_id()["TF-027"]
    _write(
        tmp_path,
        {
            "b.tf": 'provider "aws" {}\n',
            "a.tf": 'resource "aws_vpc" "v" {}\n',
        },
    )
    assert actual(tmp_path / "a.tf", policy).violations == {(1, "TF-027")}
    assert actual(tmp_path / "b.tf", policy).violations == frozenset()


def test_child_modules_are_not_judged(tmp_path: Path) -> None:
    policy = builtin_by_id()["TF-027"]
    _write(
        tmp_path,
        {
            "modules/net/main.tf": 'provider "aws" {}\n',
            "live/main.tf": 'resource "aws_vpc" "v" {}\n',
            "stacks/app/main.tf": 'resource "aws_vpc" "v" {}\n',
        },
    )
    result = actual(tmp_path / "modules/net/main.tf", policy, rootdir=tmp_path)
    assert result.violations == frozenset()
    # No provider and no backend: a child module, unless tf.root_modules lists it.
    assert actual(tmp_path / "live/main.tf", policy, rootdir=tmp_path).violations == frozenset()
    listed = {"tf.root_modules": ["stacks/*", "modules/net"]}
    for rel in ("stacks/app/main.tf", "modules/net/main.tf"):
        found = actual(tmp_path / rel, policy, listed, rootdir=tmp_path).violations
        assert found == {(1, "TF-027")}, rel


def test_module_sources_and_constraints() -> None:
    from pytest_devops_policy.knowledge.terraform.pinning import (
        constraint_pins,
        git_ref,
        source_kind,
    )

    assert source_kind("./modules/db") == "local"
    assert source_kind("../x") == "local"
    assert source_kind("git::https://example.com/x.git?ref=v1") == "git"
    assert source_kind("github.com/acme/x") == "git"
    assert source_kind("git@github.com:acme/x.git") == "git"
    assert source_kind("terraform-aws-modules/vpc/aws") == "registry"
    assert source_kind("terraform-aws-modules/iam/aws//modules/iam-role") == "registry"
    assert source_kind("app.terraform.io/acme/net/aws") == "registry"
    assert source_kind("s3::https://s3.amazonaws.com/b/x.zip") == "archive"
    assert source_kind("https://example.com/x.zip") == "archive"
    assert git_ref("git::https://e.com/x.git//sub?depth=1&ref=v1.2.0") == "v1.2.0"
    assert git_ref("github.com/acme/x") is None
    assert [constraint_pins(c) for c in ("1.2.3", "= 1.2.3", "~> 1.2", ">= 1, < 2")] == [True] * 4
    assert [constraint_pins(c) for c in (">= 1.0", "> 2", "!= 1.0", "")] == [False] * 4
    assert constraint_pins("latest") is None
