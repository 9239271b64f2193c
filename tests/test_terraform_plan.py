"""Terraform plan JSON (``terraform show -json plan.out > plan.json``) as an input (issue 17
point 4): recognised by content, planned values judged, values known only after apply and
sensitive values never guessed, and sensitive values never printed.

The plans are written by hand after the documented JSON output format (no terraform binary
here): ``planned_values`` (root and child modules), ``resource_changes`` with
``after_unknown``/``after_sensitive``, ``configuration`` with expression references and
module calls, ``prior_state``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath
from typing import Any

import pytest

from pytest_devops_policy import discovery, kinds
from pytest_devops_policy.formats.terraform.plan import (
    AFTER_APPLY,
    SENSITIVE,
    PlanResource,
    parse_plan,
)
from pytest_devops_policy.model import ParseError, Source

AWS = "registry.terraform.io/hashicorp/aws"
PASSWORD = "Tr0ub4dor-and-3-horses-STAPLE"
RUN = (
    "--devops-policy-only",
    "-p",
    "no:cacheprovider",
    "--devops-policy-items=policy",
    "-rA",
    "--devops-policy-ignore=SECRET",
)


# --------------------------------------------------------------------------- building plans


def resource(
    address: str,
    values: dict[str, Any],
    sensitive: dict[str, Any] | None = None,
    mode: str = "managed",
    provider: str = AWS,
) -> dict[str, Any]:
    """A ``planned_values`` resource; type, name and index from the address."""
    last = address.split(".")
    rtype, name = last[-2], last[-1]
    out: dict[str, Any] = {"address": address, "mode": mode, "type": rtype}
    if "[" in name:
        name, _, key = name.partition("[")
        out["index"] = json.loads(key.rstrip("]"))
    out.update(name=name, provider_name=provider, schema_version=0, values=values)
    out["sensitive_values"] = sensitive or {}
    return out


def change(
    planned: dict[str, Any], unknown: dict[str, Any], sensitive: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``resource_changes`` entry that creates a planned resource."""
    entry = {k: v for k, v in planned.items() if k not in ("values", "sensitive_values")}
    if entry["address"].startswith("module."):
        entry["module_address"] = entry["address"].rsplit(".", 2)[0]
    entry["change"] = {
        "actions": ["create"],
        "before": None,
        "after": planned["values"],
        "after_unknown": unknown,
        "before_sensitive": False,
        "after_sensitive": sensitive or planned["sensitive_values"],
    }
    return entry


def plan(
    root: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    configuration: dict[str, Any] | None = None,
    children: list[dict[str, Any]] | None = None,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    root_module: dict[str, Any] = {"resources": root}
    if children:
        root_module["child_modules"] = children
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": variables or {},
        "planned_values": {"root_module": root_module},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.5", "values": {}},
        "configuration": configuration or {"root_module": {}},
        "timestamp": "2024-09-01T10:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def db_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "allocated_storage": 100,
        "backup_retention_period": 14,
        "db_name": "orders",
        "deletion_protection": True,
        "engine": "postgres",
        "engine_version": "16.3",
        "instance_class": "db.t4g.medium",
        "kms_key_id": None,
        "multi_az": True,
        "password": PASSWORD,
        "publicly_accessible": False,
        "skip_final_snapshot": False,
        "storage_encrypted": True,
        "tags": {"env": "prod"},
        "username": "app",
    }
    values.update(overrides)
    return values


def write(directory: Path, name: str, data: dict[str, Any], indent: int | None = None) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # Terraform writes the plan on one line; ``jq .`` users pretty-print it.
    path.write_text(json.dumps(data, indent=indent), encoding="utf-8")
    return path


def db_plan(retention: Any = 14, unknown: dict[str, Any] | None = None) -> dict[str, Any]:
    """A root aws_db_instance whose retention comes from a variable the plan resolved."""
    values = db_values(backup_retention_period=retention)
    if retention is None:
        del values["backup_retention_period"]
    db = resource("aws_db_instance.orders", values, {"password": True, "tags": {}})
    after_unknown = {"id": True, "arn": True, "endpoint": True, **(unknown or {})}
    configuration = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_db_instance.orders",
                    "mode": "managed",
                    "type": "aws_db_instance",
                    "name": "orders",
                    "provider_config_key": "aws",
                    "expressions": {
                        "backup_retention_period": {
                            "references": ["random_integer.days.result", "random_integer.days"]
                            if retention is None
                            else ["var.retention_days"]
                        },
                        "password": {"references": ["var.db_password"]},
                        "engine": {"constant_value": "postgres"},
                    },
                    "schema_version": 2,
                }
            ],
            "variables": {"retention_days": {}, "db_password": {"sensitive": True}},
        }
    }
    return plan(
        [db],
        [change(db, after_unknown)],
        configuration,
        variables={"retention_days": {"value": retention}, "db_password": {"value": PASSWORD}},
    )


# --------------------------------------------------------------------------- recognition


def test_recognised_by_content(tmp_path: Path) -> None:
    write(tmp_path, "tfplan.json", db_plan())
    write(tmp_path, "x.json", db_plan(), indent=2)
    # jq -S: keys sorted, format_version after a long configuration
    (tmp_path / "sorted.json").write_text(json.dumps(db_plan(), sort_keys=True))
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    write(tmp_path, "deploy.json", deployment)
    write(tmp_path, "package.json", {"name": "web", "version": "1.0.0", "scripts": {}})
    state = {"format_version": "1.0", "terraform_version": "1.9.5", "values": {}}
    write(tmp_path, "state.json", state)
    write(tmp_path, ".terraform/plan.json", db_plan())
    write(tmp_path, "main.tf.json", {"resource": {}})
    terraform = kinds.by_name("terraform")
    assert kinds.classify(PurePath(tmp_path / "tfplan.json")) is terraform
    assert kinds.classify(PurePath(tmp_path / "x.json")) is terraform
    assert kinds.classify(PurePath(tmp_path / "sorted.json")) is terraform
    assert kinds.classify(PurePath(tmp_path / "deploy.json")) is kinds.by_name("kubernetes")
    # (read for secrets only, as any JSON file)
    assert kinds.classify(PurePath(tmp_path / "package.json")) is kinds.by_name("secrets")
    assert kinds.classify(PurePath(tmp_path / "state.json")) is not terraform
    assert not discovery.is_terraform_plan_path(PurePath(tmp_path / ".terraform/plan.json"))
    assert not discovery.is_terraform_plan_path(PurePath(tmp_path / "main.tf.json"))
    assert not discovery.is_terraform_plan_path(PurePath(tmp_path / "missing.json"))


def test_variables_filling_the_peek_are_read_on(tmp_path: Path) -> None:
    data = db_plan()
    data["variables"] = {f"v{i}": {"value": "x" * 100} for i in range(200)}  # ~24 KB first
    path = write(tmp_path, "big-vars.json", data)
    assert discovery.is_terraform_plan_path(PurePath(path))


def test_collected_plans_and_not_other_json(pytester: pytest.Pytester) -> None:
    write(pytester.path, "tfplan.json", db_plan())
    write(pytester.path, "plans/x.json", db_plan(), indent=2)
    write(pytester.path, "package.json", {"name": "web", "version": "1.0.0"})
    deployment = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    write(pytester.path, "deploy/cm.json", deployment)
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-017", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "files scanned: terraform 2",
            "PASSED plans/x.json::aws_db_instance.orders::TF-017",
            "PASSED tfplan.json::aws_db_instance.orders::TF-017",
        ]
    )


# --------------------------------------------------------------------------- values


MAIN_TF = """\
variable "retention_days" {}

variable "db_password" {
  sensitive = true
}

resource "aws_db_instance" "orders" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = var.retention_days
  password                = var.db_password
}
"""


@pytest.mark.parametrize(("retention", "outcome"), [(14, "passed"), (1, "failed")])
def test_plan_resolves_what_static_reading_cannot(
    pytester: pytest.Pytester, retention: int, outcome: str
) -> None:
    pytester.makefile(".tf", main=MAIN_TF)
    write(pytester.path, "plan.json", db_plan(retention), indent=2)
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-017")
    # The .tf alone: var.retention_days has no default; the plan knows it.
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped") == 1
    assert outcomes.get(outcome) == 1
    result.stdout.fnmatch_lines(["*retention_days*"])
    if outcome == "failed":
        result.stdout.fnmatch_lines(
            ["*TF-017*backup_retention_period*", "*--> plan.json:*", "*aws_db_instance.orders*"]
        )


def test_known_only_after_apply_is_unknown_with_the_reason(pytester: pytest.Pytester) -> None:
    write(pytester.path, "plan.json", db_plan(None, {"backup_retention_period": True}))
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-017")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*backup_retention_period = random_integer.days.result "
            "(random_integer.days.result is known only after apply)*"
        ]
    )


def test_model_of_a_plan(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.json", db_plan(None, {"backup_retention_period": True}), 2)
    parsed = parse_plan(Source(str(path), "plan.json", path.read_text()))
    (db,) = parsed.subjects
    assert isinstance(db, PlanResource)
    assert (db.label, db.type, db.name) == ("aws_db_instance.orders", "aws_db_instance", "orders")
    retention = db.get("backup_retention_period")
    assert getattr(retention, "op", "") == AFTER_APPLY
    assert getattr(retention, "ref", ()) == ("random_integer", "days", "result")
    password = db.get("password")
    assert getattr(password, "op", "") == SENSITIVE and PASSWORD not in repr(password)
    assert not db.has("kms_key_id")  # null in the plan: unset, as in the .tf
    assert PASSWORD in parsed.known_secrets
    lines = path.read_text().splitlines()
    assert '"address": "aws_db_instance.orders"' in lines[db.line - 1]  # the line naming it
    line, _ = db.locate(("storage_encrypted",)) or (0, 0)
    assert '"storage_encrypted": true' in lines[line - 1]


# --------------------------------------------------------------------------- sensitive values


def test_sensitive_values_never_appear_in_any_output(pytester: pytest.Pytester) -> None:
    data = db_plan(1)  # fails TF-017 on the resource that holds the password
    data["prior_state"]["values"] = {"root_module": {"resources": []}}
    write(pytester.path, "plan.json", data)  # one line: every excerpt is that line
    write(pytester.path, "pretty/plan.json", data, indent=2)
    junit = pytester.path / "out" / "junit.xml"
    result = pytester.runpytest(
        "--devops-policy-only", "-vv", "-rA", "--devops-policy-items=policy", f"--junitxml={junit}"
    )
    assert result.parseoutcomes().get("failed", 0) >= 2
    assert PASSWORD not in result.stdout.str() + result.stderr.str()
    assert PASSWORD not in junit.read_text(encoding="utf-8")
    written = [
        p
        for p in pytester.path.rglob("*")
        if p.is_file() and p.name != "plan.json" and p.suffix != ".py"
    ]
    assert any(".pytest_cache" in p.parts for p in written)
    for path in written:
        assert PASSWORD.encode() not in path.read_bytes(), path
    # A second (cached) run prints the same, still masked.
    again = pytester.runpytest("--devops-policy-only", "-vv", "-rA")
    assert PASSWORD not in again.stdout.str()


# --------------------------------------------------------------------------- modules, links


def storage_plan(with_block: bool) -> dict[str, Any]:
    """``module.storage`` creates a bucket and (optionally) its public access block, whose
    ``bucket`` is known only after apply: the configuration says it is the bucket's id."""
    bucket = resource(
        "module.storage.aws_s3_bucket.this",
        {"bucket": "acme-assets", "force_destroy": False, "tags": None},
    )
    block = resource(
        "module.storage.aws_s3_bucket_public_access_block.this",
        {
            "block_public_acls": True,
            "block_public_policy": True,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
    )
    module_resources: list[dict[str, Any]] = [
        {
            "address": "aws_s3_bucket.this",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "this",
            "expressions": {"bucket": {"references": ["var.name"]}},
        }
    ]
    if with_block:
        module_resources.append(
            {
                "address": "aws_s3_bucket_public_access_block.this",
                "mode": "managed",
                "type": "aws_s3_bucket_public_access_block",
                "name": "this",
                "expressions": {
                    "bucket": {"references": ["aws_s3_bucket.this.id", "aws_s3_bucket.this"]},
                    "block_public_acls": {"constant_value": True},
                },
            }
        )
    configuration = {
        "root_module": {
            "module_calls": {
                "storage": {
                    "source": "./modules/storage",
                    "expressions": {"name": {"constant_value": "acme-assets"}},
                    "module": {"resources": module_resources, "variables": {"name": {}}},
                }
            }
        }
    }
    resources = [bucket, block] if with_block else [bucket]
    changes = [change(bucket, {"id": True, "arn": True})]
    if with_block:
        changes.append(change(block, {"id": True, "bucket": True}))
    children = [{"address": "module.storage", "resources": resources}]
    return plan([], changes, configuration, children)


@pytest.mark.parametrize(("with_block", "outcome"), [(True, "passed"), (False, "failed")])
def test_child_module_resources_and_links(
    pytester: pytest.Pytester, with_block: bool, outcome: str
) -> None:
    write(pytester.path, "plan.json", storage_plan(with_block), indent=2)
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-001", "-v")
    # the bucket, and the public access block when there is one
    result.assert_outcomes(passed=2) if with_block else result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*module::storage::aws_s3_bucket::this::TF-001 {outcome.upper()}*"]
    )


def test_links_use_full_addresses(tmp_path: Path) -> None:
    from pytest_devops_policy.context import ParseCache
    from pytest_devops_policy.indexes.terraform import index_for
    from pytest_devops_policy.options import Options

    path = write(tmp_path, "plan.json", storage_plan(True))
    cache = ParseCache(
        str(tmp_path), [str(tmp_path)], options=Options.from_flat({}, kinds.option_classes())
    )
    parsed = cache.get(str(path), "terraform")
    assert not isinstance(parsed, ParseError)
    bucket, block = parsed.subjects
    module = index_for(bucket, cache)
    assert module.resource("module.storage.aws_s3_bucket.this") is bucket
    assert block.get("bucket").text == "module.storage.aws_s3_bucket.this.id"  # type: ignore[union-attr]
    assert module.linked(bucket, ["aws_s3_bucket_public_access_block"], "bucket") == [block]
    assert "known only after apply" in module.explain(block.get("bucket"))


# --------------------------------------------------------------------------- broken plans


def test_malformed_plan_is_one_parse_error(pytester: pytest.Pytester) -> None:
    text = json.dumps(db_plan(), indent=2)
    broken = text.replace('"engine": "postgres",', '"engine": "postgres"', 1)
    assert broken != text
    (pytester.path / "plan.json").write_text(broken)
    line = next(n for n, t in enumerate(broken.splitlines(), 1) if '"engine": "postgres"' in t)
    result = pytester.runpytest(
        "--devops-policy-only", "-p", "no:cacheprovider", "-rA", "--devops-policy-ignore=SECRET"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "PARSE-ERROR *: cannot parse plan.json *invalid plan JSON*",
            f"  --> plan.json:{line + 1}:*",
        ]
    )


def test_unsupported_format_version_is_skipped(tmp_path: Path) -> None:
    data = db_plan()
    data["format_version"] = "2.0"
    path = write(tmp_path, "plan.json", data)
    parsed = parse_plan(Source(str(path), "plan.json", path.read_text()))
    assert parsed.skip_reason and "2.0" in parsed.skip_reason and not parsed.subjects


def test_discovery_reads_a_bounded_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The peek reads a few KB of a .json file, never all of it."""
    path = write(tmp_path, "data.json", {"name": "app", "blob": "y" * 2_000_000})
    reads: list[int] = []
    real_read = os.read

    def counting(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counting)
    assert not discovery.is_terraform_plan_path(PurePath(path))
    assert sum(reads) <= discovery.PLAN_PEEK
