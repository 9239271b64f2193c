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


def test_word_like_secrets_do_not_garble_paths() -> None:
    text = (
        "env[MYSQL_ROOT_PASSWORD] has value migration at "
        "databases/backup-migration/manifests/mysql-client.yaml, --password=migration"
    )
    out = redact(text, ["migration"])
    assert "databases/backup-migration/manifests/mysql-client.yaml" in out
    assert out.count(mask("migration")) == 2
    assert "value migration" not in out and "=migration" not in out
    token = "Qx7pLmN2vB8rT5yZ"  # random-looking: masked even inside a path
    assert token not in redact(f"at deploy/{token}/app.yaml", [token])


def test_secrets_are_not_masked_inside_masks() -> None:
    message = f"env[X_PASSWORD] has a literal value {mask('chars')}: at x.yaml:1"
    assert redact(message, ["chars"]) == message
    assert redact("value chars here", ["chars"]) == f"value {mask('chars')} here"


def test_tiny_values_do_not_garble_line_numbers() -> None:
    message = f"env[FLAG_PASSWORD] has a literal value {mask('1')} at x.yaml:1"
    assert redact(message, ["1"]) == message


def test_masks_show_no_clear_text_for_short_values() -> None:
    assert mask("abc").startswith("…(3 chars")
    assert mask("0123456789abcdef").startswith("0123…(16 chars")


def test_long_line_excerpt_redacts_a_head_no_secret_straddles() -> None:
    """A one-line plan or minified manifest: the excerpt redacts a bounded head of the line,
    cut past any secret that crosses it, never a partial secret in clear."""
    from pytest_devops_policy.masking import Redactor

    secret = "Xq7-Straddling-Secret-Value-9"
    for offset in range(0, 600, 7):
        line = "a" * offset + secret + "b" * 5000 + secret
        out = Redactor([secret]).line(line, 160)
        assert secret[:12] not in out and secret[-8:] not in out, offset
        assert out.endswith("…") and len(out) < 260
