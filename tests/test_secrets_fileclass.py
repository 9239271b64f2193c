"""The SECRET file-class rules (SECRET-011…014): the pure rules, the .gitignore matcher, and
how a run gives key stores and manifests their secrets subject."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.knowledge.gitignore import ignored, parse
from pytest_devops_policy.knowledge.secrets.fileclass import env_file_findings
from pytest_devops_policy.policies import builtin_by_id
from pytest_devops_policy.testing import actual

# Fake values, built at run time so the repository holds no literal a scanner flags.
PASSWORD = "hun" + "ter22"
API_KEY = "Q7vR2mKx" + "9pLw4TzB8nYc"


def _ignored(gitignore: str, path: str) -> bool:
    return ignored([("", parse(gitignore))], path)


@pytest.mark.parametrize(
    ("patterns", "path", "want"),
    [
        (".env\n", ".env", True),
        (".env\n", "app/.env", True),  # no slash: any depth
        ("/.env\n", "app/.env", False),  # anchored
        ("/.env\n", ".env", True),
        (".env*\n", ".env.local", True),
        (".env.*\n!.env.example\n", ".env.example", False),
        (".env.*\n!.env.example\n", ".env.production", True),
        ("*.env\n", "deploy/prod.env", True),
        ("config/\n", "config/.env", True),  # inside an ignored directory
        ("config/\n!config/.env\n", "config/.env", True),  # cannot re-include under it
        ("**/secrets/*.env\n", "a/b/secrets/x.env", True),
        ("secrets/**\n", "secrets/a/x.env", True),
        ("a/**/b.env\n", "a/b.env", True),
        ("a/**/b.env\n", "a/x/y/b.env", True),
        ("# .env\n", ".env", False),
        ("\\#.env\n", "#.env", True),
        (".env/\n", ".env", False),  # directories only
        ("[.]env\n", ".env", True),
        ("?env\n", ".env", True),
        ("*.ENV\n", "x.env", False),  # case-sensitive, as git on Linux
        ("node_modules\n", ".env", False),
    ],
)
def test_gitignore(patterns: str, path: str, want: bool) -> None:
    assert _ignored(patterns, path) is want


def test_gitignore_deeper_file_wins() -> None:
    files = [("", parse(".env\n")), ("app", parse("!.env\n"))]
    assert not ignored(files, "app/.env")
    assert ignored(files, "other/.env")


def _env(text: str, path: str = ".env") -> list[tuple[int, str | None]]:
    return [(f.line, f.secret) for f in env_file_findings(text, path)]


def test_env_values_under_secret_keys() -> None:
    text = (
        "APP=shop\n"
        f"DB_PASSWORD={PASSWORD}\n"
        f"export API_KEY='{API_KEY}'\n"
        "SHORT_SECRET=abc\n"  # short, but the file is its home: a value
        "TOKEN_TTL=3600\n"
        "PASSWORD_FILE=/run/secrets/db\n"
    )
    assert _env(text) == [(2, PASSWORD), (3, API_KEY), (4, "abc")]
    assert _env(text, ".envrc") == _env(text)
    assert _env(text, "deploy/prod.env") == _env(text)
    assert _env(text, "README.md") == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "${DB_PASSWORD}",
        "$DB_PASSWORD",
        "$(pass show db)",
        "changeme",
        "<password>",
        "your-password-here",
        "true",
        "vault:secret/data/db#password",
        "ENC[AES256_GCM,data:x]",
        "./secrets/db.txt",
    ],
)
def test_env_values_that_stand_for_one(value: str) -> None:
    assert _env(f"DB_PASSWORD={value}\n") == []


def test_env_pragma_allowlists_a_line() -> None:
    assert _env(f"DB_PASSWORD={PASSWORD} # pragma: allowlist secret\n") == []


def test_env_template_only_real_looking_values() -> None:
    text = f"DB_PASSWORD=pw1\nAPI_KEY={API_KEY}\nJWT_SECRET=changeme\n"
    # In a template a short word is an example value; the SECRET-009 gate decides.
    assert _env(text, ".env.example") == [(2, API_KEY)]
    assert _env(text, "config/.env.sample") == [(2, API_KEY)]


def _run(root: Path, name: str, text: str, policy: str) -> set[tuple[int, str]]:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return set(actual(path, builtin_by_id()[policy], rootdir=root).violations)


def test_env_gitignore_finding(tmp_path: Path) -> None:
    text = f"DB_PASSWORD={PASSWORD}\n"
    assert _run(tmp_path, "svc/.env", text, "SECRET-011") == {(1, "SECRET-011")}
    (tmp_path / ".gitignore").write_text("# nothing\n*.log\n", encoding="utf-8")
    finding = builtin_by_id()["SECRET-011"]
    result = actual(tmp_path / "svc/.env", finding, rootdir=tmp_path)
    assert result.violations == {(1, "SECRET-011")}


def test_env_gitignore_low_finding_severity(tmp_path: Path) -> None:
    from pytest_devops_policy.api import Severity
    from pytest_devops_policy.context import Context, ParseCache
    from pytest_devops_policy.formats.secrets import SecretsFile
    from pytest_devops_policy.model import Source
    from pytest_devops_policy.options import Options

    env = tmp_path / "svc" / ".env"
    env.parent.mkdir()
    text = f"DB_PASSWORD={PASSWORD}\n"
    env.write_text(text, encoding="utf-8")
    policy = builtin_by_id()["SECRET-011"]
    subject = SecretsFile(Source(str(env), "svc/.env", text))

    def severities() -> list[Severity | None]:
        context = Context(Options(), ParseCache(str(tmp_path)))
        return [v.severity for v in policy.func(subject, context)]

    assert severities() == [None, Severity.LOW]
    (tmp_path / ".gitignore").write_text(".env\n", encoding="utf-8")
    assert severities() == [None]
    # The chain stops at the repository's top: a .gitignore above .git does not count.
    (tmp_path / ".gitignore").unlink()
    (tmp_path / "svc" / ".git").mkdir()
    (tmp_path / ".gitignore").write_text(".env\n", encoding="utf-8")
    assert severities() == [None, Severity.LOW]
    (tmp_path / "svc" / ".gitignore").write_text("/.env\n", encoding="utf-8")
    assert severities() == [None]
