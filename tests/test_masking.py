"""Masking: secrets never appear in reports; short ones do not garble paths and names."""

from __future__ import annotations

from pytest_devops_policy.masking import mask, redact


def test_long_secrets_are_masked_everywhere() -> None:
    secret = "hunter2secretvalue"
    out = redact(f"value {secret} in {secret}.yaml", [secret])
    assert secret not in out
    assert out.count(mask(secret)) == 2


def test_short_secrets_are_masked_only_where_they_stand_alone() -> None:
    out = redact("env[DB_PASSWORD] = mysql at db/mysql/mysql-pod.yaml (mysql)", ["mysql"])
    assert "db/mysql/mysql-pod.yaml" in out
    assert out.count(mask("mysql")) == 2
    assert " mysql " not in out and "(mysql)" not in out


def test_masks_show_no_clear_text_for_short_values() -> None:
    assert mask("abc").startswith("…(3 chars")
    assert mask("0123456789abcdef").startswith("0123…(16 chars")
