"""Stateful-data policies (TF-014, TF-015, TF-016, TF-018, TF-019): what golden fixtures
cannot show, i.e. per-finding severities, production and ephemeral paths, options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_devops_policy import kinds
from pytest_devops_policy.api import get_policy
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies import builtin_by_id

Finding = tuple[str, int, str]  # (address, line, severity or "unknown")


def run(
    root: Path, files: dict[str, str], pid: str, settings: dict[str, Any] | None = None
) -> list[Finding]:
    """Write ``files`` under ``root`` (the rootdir) and run policy ``pid`` on every
    ``.tf`` file; findings as (address, line, severity), unknowns as (address, 0, "unknown")."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    meta = get_policy(builtin_by_id()[pid])
    assert meta is not None
    options = Options.from_flat(settings or {}, kinds.option_classes())
    cache = ParseCache(str(root), [str(root)], options=options)
    context = Context(options, cache)
    out: list[Finding] = []
    for rel in sorted(files):
        if not rel.endswith(".tf"):
            continue
        parsed = cache.get(str(root / rel), meta.kind)
        parsed = kinds.by_name(meta.kind).format.adjust(parsed, context)
        for subject in parsed.subjects:
            if not kinds.judges(meta.subject, meta.id, subject.key):
                continue
            if not meta.applies_to(subject, context):
                continue
            finding = evaluate(meta, subject, context)
            for v in finding.violations:
                out.append((subject.label, v.line, str(v.severity or meta.severity)))
            if finding.unknowns and not finding.violations:
                out.append((subject.label, 0, "unknown"))
    return out


DB = """\
resource "aws_db_instance" "main" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}

resource "aws_kms_key" "main" {
  deletion_window_in_days = 7
}
"""


# --------------------------------------------------------------------------- TF-014


def test_deletion_protection_is_high_in_production_paths(tmp_path: Path) -> None:
    found = run(tmp_path, {"live/prod/db/main.tf": DB}, "TF-014")
    assert ("aws_db_instance.main", 1, "high") in found
    assert ("aws_kms_key.main", 7, "low") in found  # its own severity stays


def test_deletion_protection_is_medium_outside_production(tmp_path: Path) -> None:
    found = run(tmp_path, {"envs/staging/main.tf": DB}, "TF-014")
    assert ("aws_db_instance.main", 1, "medium") in found
    assert ("aws_kms_key.main", 7, "low") in found


def test_production_by_tag_provider_default_tags_and_setting(tmp_path: Path) -> None:
    tagged = DB.replace(
        '"db.t4g.medium"\n', '"db.t4g.medium"\n  tags = { Environment = "Production" }\n', 1
    )
    assert ("aws_db_instance.main", 1, "high") in run(tmp_path / "a", {"m.tf": tagged}, "TF-014")
    merged = DB.replace(
        '"db.t4g.medium"\n',
        '"db.t4g.medium"\n  tags = merge(var.common, { env = "prod-eu" })\n',
        1,
    )
    assert ("aws_db_instance.main", 1, "high") in run(tmp_path / "b", {"m.tf": merged}, "TF-014")
    provider = 'provider "aws" {\n  default_tags {\n    tags = { env = "prod" }\n  }\n}\n'
    found = run(tmp_path / "c", {"m.tf": DB, "providers.tf": provider}, "TF-014")
    assert ("aws_db_instance.main", 1, "high") in found
    found = run(tmp_path / "d", {"stacks/main/m.tf": DB}, "TF-014", {"tf.prod_paths": "main"})
    assert ("aws_db_instance.main", 1, "high") in found


def test_unresolved_tags_do_not_rule_production_out(tmp_path: Path) -> None:
    text = 'variable "tags" {}\n' + DB.replace(
        '"db.t4g.medium"\n', '"db.t4g.medium"\n  tags = var.tags\n', 1
    )
    assert ("aws_db_instance.main", 2, "high") in run(tmp_path, {"m.tf": text}, "TF-014")


def test_stateful_types_setting_selects_azure_lock_checks(tmp_path: Path) -> None:
    text = (
        'resource "azurerm_storage_account" "a" {\n  name = "a"\n  resource_group_name = "rg"\n}\n'
    )
    assert run(tmp_path / "a", {"m.tf": text}, "TF-014") == [
        ("azurerm_storage_account.a", 1, "medium")
    ]
    settings = {"tf.stateful_types": ["azurerm_key_vault"]}
    assert run(tmp_path / "b", {"m.tf": text}, "TF-014", settings) == []


def test_provider_alias_selects_its_features(tmp_path: Path) -> None:
    providers = """\
provider "azurerm" {
  features {}
}

provider "azurerm" {
  alias = "purging"
  features {
    key_vault {
      purge_soft_delete_on_destroy = true
    }
  }
}
"""
    vault = """\
resource "azurerm_management_lock" "all" {
  name       = "all"
  scope      = "/subscriptions/0000"
  lock_level = "CanNotDelete"
}

resource "azurerm_key_vault" "default" {
  name                     = "kv1"
  purge_protection_enabled = true
}

resource "azurerm_key_vault" "aliased" {
  provider                 = azurerm.purging
  name                     = "kv2"
  purge_protection_enabled = true
}
"""
    found = run(tmp_path, {"providers.tf": providers, "main.tf": vault}, "TF-014")
    assert found == [("azurerm_key_vault.aliased", 12, "medium")]
