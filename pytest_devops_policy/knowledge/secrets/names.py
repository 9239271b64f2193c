"""Is this variable name meant to hold a secret? Shared by the Dockerfile, Kubernetes and
GitHub Actions policies (ARG/ENV, container ``env``, workflow ``env``).

Three pure tests:

* ``is_secret_name``: the name looks like it holds a credential (a keyword regex, plus a
  list of well-known credential variables the regex would miss or that tools read);
* ``is_allowed_name``: the name only *points at* a secret or configures one (a file path,
  a URL without credentials, an id, a numeric setting such as ``TOKEN_TTL``);
* ``is_placeholder``: the value is obviously not a real secret (empty, ``changeme``,
  ``<your-token>``, a ``${VAR}`` reference).
"""

from __future__ import annotations

import re

__all__ = [
    "KNOWN_SECRET_NAMES",
    "SECRET_NAME_RE",
    "is_allowed_name",
    "is_known_secret_name",
    "is_placeholder",
    "is_reference",
    "is_secret_like",
    "is_secret_name",
]

SECRET_NAME_RE = re.compile(
    r"(?i)(passw(or)?d|secret|token|api_?key|private_?key|access_?key|client_?secret|credentials?)"
)

# Variables that tools read credentials from. Several escape the keyword regex
# (PGPASS..., *_PASS, *_AUTH, RAILS_MASTER_KEY); the rest are listed so that a
# placeholder in them is still reported (at medium), see DOCKER-006.
KNOWN_SECRET_NAMES = frozenset(
    {
        # cloud providers
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AZURE_CLIENT_SECRET",
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_CONNECTION_STRING",
        "ARM_CLIENT_SECRET",
        "ARM_ACCESS_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_CREDENTIALS",
        "DIGITALOCEAN_ACCESS_TOKEN",
        "CLOUDFLARE_API_TOKEN",
        "HEROKU_API_KEY",
        # source hosting, CI and registries
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITLAB_TOKEN",
        "CI_JOB_TOKEN",
        "BITBUCKET_APP_PASSWORD",
        "NPM_TOKEN",
        "NPM_AUTH_TOKEN",
        "NODE_AUTH_TOKEN",
        "NPM_CONFIG__AUTH",
        "NPM_CONFIG__AUTHTOKEN",
        "YARN_NPM_AUTH_TOKEN",
        "PYPI_TOKEN",
        "PYPI_PASSWORD",
        "TWINE_PASSWORD",
        "POETRY_PYPI_TOKEN_PYPI",
        "GEM_HOST_API_KEY",
        "NUGET_API_KEY",
        "CARGO_REGISTRY_TOKEN",
        "COMPOSER_AUTH",
        "DOCKER_PASSWORD",
        "DOCKER_AUTH_CONFIG",
        "DOCKERHUB_TOKEN",
        "REGISTRY_PASSWORD",
        "CR_PAT",
        "SONAR_TOKEN",
        "CODECOV_TOKEN",
        "SNYK_TOKEN",
        "COSIGN_PASSWORD",
        "COSIGN_PRIVATE_KEY",
        "GPG_PASSPHRASE",
        "SSH_PRIVATE_KEY",
        # secret stores
        "VAULT_TOKEN",
        "CONSUL_HTTP_TOKEN",
        "NOMAD_TOKEN",
        "TF_TOKEN",
        "TFE_TOKEN",
        "OP_SERVICE_ACCOUNT_TOKEN",
        "DOPPLER_TOKEN",
        # databases and brokers
        "MYSQL_PASSWORD",
        "MYSQL_ROOT_PASSWORD",
        "MARIADB_ROOT_PASSWORD",
        "POSTGRES_PASSWORD",
        "PGPASSWORD",
        "MONGO_INITDB_ROOT_PASSWORD",
        "REDIS_PASSWORD",
        "RABBITMQ_DEFAULT_PASS",
        "MSSQL_SA_PASSWORD",
        "SA_PASSWORD",
        # application frameworks and SaaS
        "SECRET_KEY",
        "SECRET_KEY_BASE",
        "DJANGO_SECRET_KEY",
        "FLASK_SECRET_KEY",
        "RAILS_MASTER_KEY",
        "JWT_SECRET",
        "SESSION_SECRET",
        "NEXTAUTH_SECRET",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "STRIPE_SECRET_KEY",
        "STRIPE_API_KEY",
        "SENDGRID_API_KEY",
        "TWILIO_AUTH_TOKEN",
        "SLACK_TOKEN",
        "SLACK_BOT_TOKEN",
        "SENTRY_AUTH_TOKEN",
        "DATADOG_API_KEY",
        "DD_API_KEY",
        "DD_APP_KEY",
        "NEW_RELIC_LICENSE_KEY",
        "NEW_RELIC_API_KEY",
    }
)

# Variables whose value is by definition a file path, although the name matches the regex.
_PATH_VALUED = frozenset({"GOOGLE_APPLICATION_CREDENTIALS", "AWS_SHARED_CREDENTIALS_FILE"})
# A file, a directory, or which version of a stored secret to read (SECRET_VERSION=latest).
_POINTER_SUFFIXES = ("_FILE", "_PATH", "_DIR", "_VERSION")
_URL_SUFFIXES = ("_URL", "_URI")
# Settings *about* a secret, not the secret: PASSWORD_MIN_LENGTH=12, TOKEN_TTL=3600.
_NUMERIC_SUFFIXES = (
    "_TTL",
    "_TIMEOUT",
    "_LENGTH",
    "_LEN",
    "_SIZE",
    "_BITS",
    "_ROUNDS",
    "_ITERATIONS",
    "_COUNT",
    "_RETRIES",
    "_AGE",
    "_EXPIRY",
    "_EXPIRES",
    "_EXPIRATION",
    "_LIFETIME",
    "_INTERVAL",
)
# Counts and limits that merely mention a secret word: MAX_TOTAL_TOKENS=4096 and
# MAX_INPUT_TOKENS (LLM servers count tokens), MIN_PASSWORD_LENGTH, NUM_KEYS.
_NUMERIC_PREFIXES = ("MAX_", "MIN_", "NUM_", "TOTAL_")
_COUNTED = re.compile(r"(?:^|_)TOKENS(?:_|$)")
# Switches about a secret, not a secret: MYSQL_ALLOW_EMPTY_PASSWORD=1,
# MYSQL_RANDOM_ROOT_PASSWORD=yes, REDIS_PASSWORD_ENABLED=true.
_FLAG_WORD = re.compile(
    r"(?:^|_)(?:ALLOW|ALLOWED|ENABLE|ENABLED|DISABLE|DISABLED|USE|RANDOM|GENERATE|REQUIRE|"
    r"REQUIRED|SKIP|EMPTY|IS)(?:_|$)"
)
_BOOLEAN = re.compile(r"(?i)^(?:0|1|true|false|yes|no|on|off|y|n)$")
_CAPITALS = re.compile(r"[A-Z][A-Z0-9_]*")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?(?:ms|s|m|h|d|w)?$", re.I)
_USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#\s]*@", re.I)
_REFERENCE = re.compile(r"^(?:\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^{}]*\}|\$\{\{.*\}\}|\$\(.*\))$", re.S)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:change[-_]?me|example|dummy|sample|placeholder|redacted|todo|tbd|none|null|"
    r"x{3,}|\*+|\.{3}|<[^<>]*>|your[-_].*|your(?:own)?[a-z]*(?:pass(?:word)?|secret|key|token))$"
)


def _norm(name: str) -> str:
    return name.strip().upper().replace("-", "_")


def is_known_secret_name(name: str) -> bool:
    """One of the well-known credential variables (``GITHUB_TOKEN``, ``PGPASSWORD``...)."""
    n = _norm(name)
    return n in KNOWN_SECRET_NAMES or n.startswith("TF_TOKEN_")


def is_secret_name(name: str) -> bool:
    """The name suggests a credential (keyword regex or the known list)."""
    # Normalised first, so that YAML-style keys (api-key) match like API_KEY.
    return bool(SECRET_NAME_RE.search(_norm(name))) or is_known_secret_name(name)


def is_allowed_name(name: str, value: str | None = None) -> bool:
    """The variable points at or configures a secret rather than holding one.

    ``value`` refines two cases: a ``*_URL`` is allowed only without ``user[:pass]@``,
    a numeric setting (``TOKEN_TTL``) only with a number (or no value at all), and a
    count (``MAX_TOTAL_TOKENS``, ``MIN_PASSWORD_LENGTH``) only with a number.
    """
    n = _norm(name)
    if n == "AWS_ACCESS_KEY_ID":  # an id, but half of a credential pair
        return False
    if n in _PATH_VALUED or n.endswith(_POINTER_SUFFIXES) or n.endswith("_ID"):
        return True
    if n.endswith(_URL_SUFFIXES):
        return value is None or not _USERINFO.search(value.strip())
    if n.endswith(_NUMERIC_SUFFIXES):
        return value is None or bool(_NUMBER.match(value.strip()))
    if value is not None and _FLAG_WORD.search(n) and _BOOLEAN.match(value.strip()):
        return True
    if n.startswith(_NUMERIC_PREFIXES) or _COUNTED.search(n):
        return value is not None and bool(_NUMBER.match(value.strip()))
    return False


def is_secret_like(name: str, value: str | None = None) -> bool:
    """A secret name that is not one of the allowed pointer/setting names."""
    return is_secret_name(name) and not is_allowed_name(name, value)


def is_reference(value: str) -> bool:
    """The value is a reference: ``$X``, ``${X}``, ``${{ secrets.X }}`` or ``$(cmd)``."""
    return bool(_REFERENCE.match(value.strip()))


def is_placeholder(value: str, name: str | None = None) -> bool:
    """Empty, a dummy word, an ``<angle-bracket>`` hint, or a reference: not a real secret.

    With the variable's ``name``, also its own name in capitals, alone or with a suffix
    (``GOOGLE_API_KEY=GOOGLE_API_KEY_VAL``): a marker that a deploy script replaces.
    """
    v = value.strip().strip("'\"").strip()
    if v == "" or _PLACEHOLDER.match(v) or is_reference(v):
        return True
    return name is not None and _CAPITALS.fullmatch(v) is not None and v.startswith(_norm(name))
