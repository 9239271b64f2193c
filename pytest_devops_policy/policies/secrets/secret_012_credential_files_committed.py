"""SECRET-012 credential-files-committed: credential files are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import NamedFile, SecretsFile
from pytest_devops_policy.knowledge.secrets.fileclass import (
    credential_file,
    credential_file_findings,
)
from pytest_devops_policy.masking import mask


def _text(secrets_file: SecretsFile) -> str | None:
    # A key store judged by its name: its bytes are never read as text.
    return None if isinstance(secrets_file, NamedFile) else secrets_file.source.text


def _credential_file(secrets_file: SecretsFile) -> bool:
    return credential_file(secrets_file.source.relpath, _text(secrets_file))


@policy(
    id="SECRET-012",
    name="credential-files-committed",
    title="Credential files are not committed",
    severity=Severity.CRITICAL,
    rationale=(
        "Some files are credentials by their nature: an SSH or PuTTY private key, a PKCS#12 "
        "or Java key store, a PEM file with a private key, a tool's login file (.npmrc, "
        ".pypirc, .netrc, .git-credentials, ~/.docker/config.json with auths), an AWS "
        "credentials file, a GCP service-account key, an Azure publish settings file. "
        "Committed, the file hands its access to everyone who can read the repository, "
        "whatever the format of the secret inside (a key store's password does not help: "
        "it is cracked offline), and stays in the history after it is deleted."
    ),
    remediation=(
        "Remove the file and purge it from the history (git filter-repo), revoke and "
        "reissue the credential, and add the name to .gitignore. Give CI and deployments "
        "their credentials through the platform (OIDC federation, a secret store, a "
        "mounted secret) and keep tool configs free of auth entries (npm: "
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN})."
    ),
    controls=("CWE-798", "CWE-312", "CWE-522", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:private-key",
        "gitleaks:pkcs12-file",
        "detect-secrets:PrivateKeyDetector",
        "checkov:CKV_SECRET_13",
    ),
    example="""\
registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=Zt3kQ9vW2mLx8pRb
""",
    use_instead="""\
registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
""",
    applies=_credential_file,
)
def credential_files_committed(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    for f in credential_file_findings(secrets_file.source.relpath, _text(secrets_file)):
        shown = f": {mask(f.secret)}" if f.secret is not None else " is committed"
        yield Violation(f"{f.message}{shown}", line=f.line, col=f.col, secret=f.secret)
