"""SECRET-011 env-file-committed: environment files with secret values are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.indexes.secrets_files import gitignore_covers
from pytest_devops_policy.knowledge.secrets.fileclass import env_file_findings
from pytest_devops_policy.knowledge.secrets.generic import env_file_class
from pytest_devops_policy.masking import mask


def _env_file(secrets_file: SecretsFile) -> bool:
    return env_file_class(secrets_file.source.relpath) is not None


@policy(
    id="SECRET-011",
    name="env-file-committed",
    title="Environment files with secret values are not committed",
    severity=Severity.HIGH,
    rationale=(
        "A .env or .envrc file is where a developer keeps the credentials of their own "
        "environment: committed, every one of them is shared with everyone who can clone "
        "the repository, and stays in its history. Unlike a setting in a config file, a "
        "value in an environment file is meant to be the real one, so any value under a "
        "secret-like name counts, however short. A template (.env.example) is meant to be "
        "shipped, with placeholders only. A .gitignore that does not cover the file lets "
        "the next one be committed too."
    ),
    remediation=(
        "Remove the file from the repository (git rm --cached), rotate the credentials it "
        "held, and add the file to .gitignore (.env, .env.*, !.env.example). Ship a "
        ".env.example with placeholders or references (API_KEY=, API_KEY=${API_KEY}) "
        "instead, and load the real values from a secret store or the deployment."
    ),
    controls=("CWE-798", "CWE-312", "CWE-538", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=("gitleaks:generic-api-key", "detect-secrets:KeywordDetector"),
    example="""\
DATABASE_URL_HOST=db.internal
DB_PASSWORD=hunter22
""",
    use_instead="""\
DATABASE_URL_HOST=db.internal
DB_PASSWORD=${DB_PASSWORD}
""",
    applies=_env_file,
)
def env_file_committed(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    source = secrets_file.source
    found = env_file_findings(source.text, source.relpath)
    for f in found:
        yield Violation(
            f"{f.message}: {mask(f.secret or '')}", line=f.line, col=f.col, secret=f.secret
        )
    if (
        found
        and env_file_class(source.relpath) == "env"
        and not gitignore_covers(context.cache, source.path)
    ):
        yield Violation(
            f"no .gitignore pattern covers {source.relpath.rsplit('/', 1)[-1]}: nothing keeps "
            "the next copy out of the repository (add .env and .env.* to .gitignore)",
            line=1,
            severity=Severity.LOW,
        )
