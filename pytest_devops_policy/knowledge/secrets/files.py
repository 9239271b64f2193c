"""Is this file, by its name, one that carries credentials? Shared by DOCKER-007 (files copied
into an image) and meant for the SECRET file-class policies.

Names only: nothing here reads a file. Matching is case-insensitive (``ID_RSA``, ``tls.KEY``
from a Windows checkout are the same files), on the basename, except for the few
credential files that are only recognisable with their directory (``.aws/credentials``).
"""

from __future__ import annotations

import fnmatch
import posixpath

__all__ = ["SECRET_FILE_ENVS", "secret_file_kind"]

# Environment variables whose value is the *path* of a credential file: ``COPY $VAR ...``
# copies that file. Trivy DS031's list (GOOGLE_APPLICATION_CREDENTIALS, AWS_CONFIG_FILE,
# HF_TOKEN_PATH) plus the other well-known pointers tools read credentials from.
SECRET_FILE_ENVS = frozenset(
    {
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_GHA_CREDS_PATH",
        "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "HF_TOKEN_PATH",
        "KUBECONFIG",
        "NPM_CONFIG_USERCONFIG",
        "NETRC",
        "DOCKER_CONFIG",
    }
)

# .env.example and friends document the variables; they are meant to be shipped.
_ENV_TEMPLATES = frozenset({"example", "sample", "template", "dist"})

# (basename pattern, description); first match wins.
_NAME_RULES: tuple[tuple[str, str], ...] = (
    (".env", "an environment file"),
    ("*.pem", "a PEM key file"),
    ("*.key", "a private key file"),
    ("*.p12", "a PKCS#12 key store"),
    ("*.pfx", "a PKCS#12 key store"),
    ("*.jks", "a Java key store"),
    ("*.keystore", "a Java key store"),
    # The catalog lists id_rsa*, id_ecdsa*, id_ed25519*; id_dsa* is the same kind of file.
    ("id_rsa*", "an SSH private key"),
    ("id_dsa*", "an SSH private key"),
    ("id_ecdsa*", "an SSH private key"),
    ("id_ed25519*", "an SSH private key"),
    (".npmrc", "npm registry credentials"),
    (".pypirc", "PyPI credentials"),
    (".netrc", "netrc login credentials"),
    (".git-credentials", "git credentials"),
    # kubeconfig.yaml / prod.kubeconfig are the same file under another name.
    ("kubeconfig", "a kubeconfig"),
    ("kubeconfig.*", "a kubeconfig"),
    ("*.kubeconfig", "a kubeconfig"),
    ("*.tfstate*", "Terraform state"),
    ("credentials.json", "a credentials file"),
    ("*service-account*.json", "a service-account key"),
    ("*service_account*.json", "a service-account key"),
)

# Credential files recognisable only with their directory: (path suffix, description).
_PATH_RULES: tuple[tuple[str, str], ...] = (
    (".aws/credentials", "AWS credentials"),
    (".docker/config.json", "Docker registry credentials"),
    (".kube/config", "a kubeconfig"),
)


def secret_file_kind(path: str) -> str | None:
    """What kind of credential file ``path`` (``/``-separated, any depth) is, or None.

    ``.env.*`` counts except the templates ``.env.example``/``.sample``/``.template``/
    ``.dist`` (judged by the last suffix, so ``.env.production.example`` is a template too).
    An SSH *public* key (``id_rsa.pub``) is not secret-bearing.
    """
    low = path.replace("\\", "/").lower().rstrip("/")
    name = posixpath.basename(low)
    for suffix, what in _PATH_RULES:
        if low == suffix or low.endswith("/" + suffix):
            return what
    if name.startswith(".env."):
        return None if name.rsplit(".", 1)[1] in _ENV_TEMPLATES else "an environment file"
    if name.startswith("id_") and name.endswith(".pub"):
        return None
    for pattern, what in _NAME_RULES:
        if fnmatch.fnmatchcase(name, pattern):
            return what
    return None
