"""Override files (catalog §5.2-8): merged over the module before anything is judged."""

from __future__ import annotations

import pytest

from pytest_devops_policy.formats.terraform.model import Attribute, Block
from pytest_devops_policy.formats.terraform.overrides import is_override, merge

MAIN = """\
resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    prevent_destroy       = true
    create_before_destroy = true
  }
}
"""
OVERRIDE = """\
resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""


def test_names() -> None:
    assert is_override("/x/override.tf")
    assert is_override("/x/db_override.tf")
    assert is_override("/x/override.tf.json")
    assert not is_override("/x/overrides.tf")
    assert not is_override("/x/override_db.tf")


def test_merge_replaces_arguments_and_block_types_and_merges_lifecycle() -> None:
    base = Block(
        "resource",
        ("aws_x", "y"),
        attributes={"a": Attribute("a", 1, 2), "b": Attribute("b", 2, 3)},
        blocks=[
            Block("ingress", attributes={"p": Attribute("p", 443, 5)}),
            Block("ingress", attributes={"p": Attribute("p", 80, 6)}),
            Block("egress"),
            Block(
                "lifecycle", attributes={"prevent_destroy": Attribute("prevent_destroy", True, 9)}
            ),
        ],
    )
    over = Block(
        "resource",
        ("aws_x", "y"),
        attributes={"b": Attribute("b", 5, 2)},
        blocks=[
            Block("ingress", attributes={"p": Attribute("p", 22, 3)}),
            Block("lifecycle", attributes={"ignore_changes": Attribute("ignore_changes", [], 4)}),
        ],
    )
    merged, names = merge(base, over)
    assert merged.get("a") == 1 and merged.get("b") == 5
    assert [b.get("p") for b in merged.entries("ingress")] == [22]  # all replaced
    assert len(merged.entries("egress")) == 1
    (life,) = merged.entries("lifecycle")
    assert life.get("prevent_destroy") is True and life.has("ignore_changes")
    assert names == {"b", "ingress", "lifecycle"}


def test_an_override_is_judged_in_the_original_file(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("main.tf").write_text(MAIN)
    pytester.path.joinpath("web_override.tf").write_text(OVERRIDE)
    result = pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-select=TF-006",
        "-p",
        "no:cacheprovider",
        "--tb=line",
        "-rA",
    )
    # The override's SSH rule replaces the HTTPS one; one item, in main.tf.
    result.stdout.fnmatch_lines(["main.tf:1:1: TF-006 *22*(at web_override.tf:*)"])
    result.assert_outcomes(failed=1)
    assert "web_override.tf::" not in result.stdout.str()
