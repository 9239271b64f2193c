"""TF-007/TF-008: per-finding severities, and the "every port" arithmetic of firewall.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.api import Severity, get_policy
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.knowledge.terraform.firewall import covers_all
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies.terraform.tf_007_no_unrestricted_any_port import (
    no_unrestricted_any_port,
)
from pytest_devops_policy.policies.terraform.tf_008_no_public_datastores_or_instances import (
    no_public_datastores_or_instances,
)


@pytest.mark.parametrize(
    ("reach", "expected"),
    [
        ([(0, 65535)], True),
        ([(1, 65535)], True),
        ([(1, 1000), (1001, 65535)], True),
        ([(1000, 65535), (0, 1200)], True),
        ([(2, 65535)], False),
        ([(0, 1000), (1002, 65535)], False),
        ([(0, 65534)], False),
        ([], False),
    ],
)
def test_covers_all(reach: list[tuple[int, int]], expected: bool) -> None:
    assert covers_all(reach) is expected


def _severities(
    tmp_path: Path, text: str, policy: Any = no_unrestricted_any_port
) -> list[tuple[str, Severity | None]]:
    path = tmp_path / "main.tf"
    path.write_text(text, encoding="utf-8")
    meta = get_policy(policy)
    assert meta is not None
    options = Options.from_flat({}, kinds.option_classes())
    cache = ParseCache(str(tmp_path), [str(path)], options=options)
    context = Context(options, cache)
    parsed = cache.get(str(path), meta.kind)
    out: list[tuple[str, Severity | None]] = []
    for subject in parsed.subjects:  # type: ignore[union-attr]
        if meta.applies_to(subject, context):
            out.extend((v.message, v.severity) for v in evaluate(meta, subject, context).violations)
    return out


def test_open_egress_is_medium_and_open_ingress_high(tmp_path: Path) -> None:
    found = _severities(
        tmp_path,
        """
resource "aws_security_group" "sg" {
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
""",
    )
    assert sorted((m.split(" ")[0], s) for m, s in found) == [
        ("egress", Severity.MEDIUM),
        ("ingress", Severity.HIGH),
    ]


def test_public_exposure_severities(tmp_path: Path) -> None:
    found = _severities(
        tmp_path,
        """
resource "aws_instance" "web" {
  ami                         = "ami-0123456789abcdef0"
  associate_public_ip_address = true
}
resource "azurerm_mssql_firewall_rule" "all" {
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}
resource "azurerm_mssql_firewall_rule" "azure" {
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}
resource "aws_db_instance" "db" {
  publicly_accessible = true
}
""",
        no_public_datastores_or_instances,
    )
    assert sorted(s for _, s in found if s is not None) == sorted(
        [Severity.MEDIUM, Severity.CRITICAL, Severity.MEDIUM, Severity.HIGH]
    )
