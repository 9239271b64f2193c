"""The SECRET file-class rules (catalog §6.2, SECRET-011…014): files that should not be in a
repository at all, judged by their name and, where the rule says so, their content.

* SECRET-011 ``env_file_findings``: an environment file (``.env``, ``.env.local``,
  ``*.env``, ``.envrc``) with a value under a secret-like key; its template
  (``.env.example``, ``.sample``, ``.template``, ``.dist``) with a real-looking one.
* SECRET-012 ``credential_file_findings``: a file whose very presence leaks a credential:
  SSH and PuTTY private keys, key stores, a PEM file holding a private key, tool configs
  with auth entries (``.npmrc``, ``.pypirc``, ``.netrc``, ``.git-credentials``, Docker's
  ``config.json``), AWS credentials files, GCP service-account keys, Azure publish
  settings.
* SECRET-013 ``state_file`` / ``kubeconfig_findings``: Terraform state (by name), and a
  kubeconfig (``apiVersion: v1``, ``kind: Config``) whose users carry a token, a client
  key, a password or an auth-provider secret (an ``exec`` plugin only is fine).
* SECRET-014 ``secret_object_findings`` / ``helm_values_findings``: YAML the Kubernetes
  kind does not collect (docs, Helm values, Ansible vars) that holds a ``kind: Secret``
  object with plaintext ``data``/``stringData`` (at any depth: an Ansible ``definition:``,
  a chart's ``extraObjects``), and a Helm chart's values with literal secrets.

Pure functions over a file's path and text; the policies add what needs the file system
(``indexes.secrets_files``). Each finding carries the value to mask (never printed).
"""

from __future__ import annotations

import bisect
import fnmatch
import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_devops_policy.knowledge.secrets.generic import (
    env_assignments,
    env_file_class,
    is_secret_key,
    literal_ok,
    stands_for_a_value,
)

if TYPE_CHECKING:
    from pytest_devops_policy.formats.yamlload import Document

__all__ = [
    "FileFinding",
    "Lines",
    "credential_file",
    "credential_file_findings",
    "env_file_findings",
    "helm_values_findings",
    "is_kubeconfig",
    "kubeconfig_findings",
    "secret_object_findings",
    "state_file",
]

# The detector pragmas the engine honours (``engine._PRAGMA``): a line that carries one is
# allowlisted for every SECRET rule.
PRAGMA = re.compile(r"pragma:\s*allowlist[ -]secret|gitleaks:allow", re.I)


@dataclass(frozen=True)
class FileFinding:
    """One finding of a file-class rule: what (never the value), where, the value to mask."""

    message: str
    line: int = 1
    col: int = 1
    secret: str | None = None
    severity: str | None = None  # overrides the policy's: "high" for a Helm value


class Lines:
    """Offsets to 1-based lines and columns, and the text of a line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        at = text.find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]

    def allowlisted(self, line: int) -> bool:
        return PRAGMA.search(self.line_text(line)) is not None


# --------------------------------------------------------------------------- SECRET-011


def env_file_findings(text: str, path: str) -> list[FileFinding]:
    """A committed environment file's values under secret-like keys: any value that is not
    a reference, a placeholder or empty (the file is the secret's home, so a short or
    weak-looking password counts too); in a template only a value that passes the
    SECRET-009 gate (a real-looking credential left in the example)."""
    cls = env_file_class(path)
    if cls is None:
        return []
    lines = Lines(text)
    out = []
    for key, value, start, _end in env_assignments(text):
        v = value.strip()
        if not v or not is_secret_key(key, v):
            continue
        if cls == "env" and stands_for_a_value(key, v):
            continue
        if cls == "example" and not literal_ok(key, v, quoted=True):
            continue
        line, col = lines.position(start + (len(value) - len(value.lstrip())))
        if lines.allowlisted(line):
            continue
        where = "a template of an environment file" if cls == "example" else "an environment file"
        out.append(FileFinding(f"{key} has a value in {where}", line, col, v))
    return out


# --------------------------------------------------------------------------- SECRET-012

_SSH_KEYS = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})
# (basename glob, what): presence is enough.
_PRESENCE: tuple[tuple[str, str], ...] = (
    ("*.ppk", "a PuTTY private key file"),
    ("*.p12", "a PKCS#12 key store"),
    ("*.pfx", "a PKCS#12 key store"),
    ("*.jks", "a Java key store"),
    ("*.keystore", "a Java key store"),
    ("*.publishsettings", "an Azure publish settings file (management certificate)"),
)
# Tool configs whose auth entries are the credential (basename, rule name).
_CONFIGS = {
    ".npmrc": "npmrc",
    ".pypirc": "pypirc",
    ".netrc": "netrc",
    "_netrc": "netrc",
    ".git-credentials": "git-credentials",
}
_PRIVATE_BLOCK = re.compile(r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_NPM_AUTH = re.compile(
    r"^[ \t]*(?:[^\s=]*:)?(?P<key>_authToken|_auth|_password)[ \t]*=[ \t]*(?P<v>[^\s#;]+)",
    re.M,
)
_PYPI_PASSWORD = re.compile(r"^[ \t]*password[ \t]*[=:][ \t]*(?P<v>\S[^\n]*?)[ \t]*$", re.M)
_NETRC_PASSWORD = re.compile(r"(?:^|\s)password[ \t]+(?P<v>\S+)")
_GIT_CREDENTIAL = re.compile(r"^[ \t]*[A-Za-z][A-Za-z0-9+.-]*://[^:/\s@]*:(?P<v>[^@\s]+)@", re.M)
_AWS_SECTION = re.compile(r"^[ \t]*\[[^\]\n]+\]", re.M)
_AWS_SECRET = re.compile(r"^[ \t]*aws_secret_access_key[ \t]*=[ \t]*(?P<v>[^\s#;]+)", re.M | re.I)


def _path_kind(relpath: str) -> str | None:
    """Which SECRET-012 rule the file's name selects (None: only a JSON key file may
    still be one, by its content)."""
    low = relpath.replace("\\", "/").lower()
    name = posixpath.basename(low)
    if name in _SSH_KEYS:
        return "ssh"
    if name in _CONFIGS:
        return _CONFIGS[name]
    if low == ".docker/config.json" or low.endswith("/.docker/config.json"):
        return "docker"
    if name == "credentials" or low == ".aws/config" or low.endswith("/.aws/config"):
        return "aws"
    if name.endswith(".pem"):
        return "pem"
    if any(fnmatch.fnmatchcase(name, p) for p, _ in _PRESENCE):
        return "presence"
    if name.endswith(".json"):
        return "json"
    return None


def credential_file(relpath: str, text: str | None) -> bool:
    """``applies=`` of SECRET-012: a credential file by name, or (``text`` given) a JSON
    file that may be a GCP service-account key."""
    kind = _path_kind(relpath)
    if kind == "json":
        return text is not None and '"service_account"' in text
    return kind is not None


def _value_findings(
    lines: Lines, pattern: re.Pattern[str], key: str, what: str
) -> Iterator[FileFinding]:
    for m in pattern.finditer(lines.text):
        value = m.group("v").strip().strip("\"'")
        if stands_for_a_value(key, value):
            continue
        line, col = lines.position(m.start("v"))
        if not lines.allowlisted(line):
            yield FileFinding(what, line, col, value)


def _json_value_line(lines: Lines, value: str) -> tuple[int, int]:
    at = lines.text.find(json.dumps(value)[1:-1])
    return lines.position(at) if at >= 0 else (1, 1)


def _docker_auths(lines: Lines) -> Iterator[FileFinding]:
    try:
        data = json.loads(lines.text)
    except ValueError:
        return
    auths = data.get("auths") if isinstance(data, Mapping) else None
    if not isinstance(auths, Mapping):
        return
    for registry, entry in auths.items():
        if not isinstance(entry, Mapping):
            continue
        for field in ("auth", "identitytoken", "password"):
            value = entry.get(field)
            if isinstance(value, str) and value.strip() and not stands_for_a_value(field, value):
                line, col = _json_value_line(lines, value)
                if not lines.allowlisted(line):
                    yield FileFinding(
                        f"Docker credentials for {registry} ({field})", line, col, value
                    )


def _service_account(lines: Lines) -> Iterator[FileFinding]:
    try:
        data = json.loads(lines.text)
    except ValueError:
        return
    if not isinstance(data, Mapping) or data.get("type") != "service_account":
        return
    key = data.get("private_key")
    if isinstance(key, str) and _PRIVATE_BLOCK.search(key):
        line, col = _json_value_line(lines, key)
        if not lines.allowlisted(line):
            email = data.get("client_email")
            whose = f" of {email}" if isinstance(email, str) and email else ""
            yield FileFinding(f"a GCP service-account key file{whose}", line, col, key)


def credential_file_findings(relpath: str, text: str | None) -> list[FileFinding]:
    """What makes the file a committed credential (``text`` None: not read, a binary key
    store judged by its name)."""
    kind = _path_kind(relpath)
    name = posixpath.basename(relpath.replace("\\", "/"))
    if kind == "ssh":
        return [FileFinding(f"an SSH private key file ({name})")]
    if kind == "presence":
        low = name.lower()
        what = next(w for p, w in _PRESENCE if fnmatch.fnmatchcase(low, p))
        return [FileFinding(f"{what} ({name})")]
    if text is None or kind is None:
        return []
    lines = Lines(text)
    if kind == "pem":
        m = _PRIVATE_BLOCK.search(text)
        if m is None:
            return []  # certificates and public keys
        line, col = lines.position(m.start())
        return (
            []
            if lines.allowlisted(line)
            else [FileFinding(f"a private key file ({name})", line, col)]
        )
    rules: dict[str, tuple[re.Pattern[str], str, str]] = {
        "npmrc": (_NPM_AUTH, "_authToken", "an npm registry auth entry"),
        "pypirc": (_PYPI_PASSWORD, "password", "a PyPI password"),
        "netrc": (_NETRC_PASSWORD, "password", "a netrc login password"),
        "git-credentials": (_GIT_CREDENTIAL, "password", "a stored git credential"),
    }
    if kind in rules:
        pattern, key, what = rules[kind]
        return list(_value_findings(lines, pattern, key, what))
    if kind == "docker":
        return list(_docker_auths(lines))
    if kind == "aws":
        if not _AWS_SECTION.search(text):
            return []
        return list(
            _value_findings(lines, _AWS_SECRET, "aws_secret_access_key", "an AWS secret access key")
        )
    return list(_service_account(lines))


# --------------------------------------------------------------------------- SECRET-013

_STATE_NAME = re.compile(r"\.tfstate(?:\.\d+)?(?:\.backup)?$")
_KUBECONFIG_KIND = re.compile(r"^kind:[ \t]*[\"']?Config[\"']?[ \t]*(?:#.*)?$", re.M)
_KUBECONFIG_VERSION = re.compile(r"^apiVersion:[ \t]*[\"']?v1[\"']?[ \t]*(?:#.*)?$", re.M)
# users[].user fields that are the credential itself (paths such as client-key or
# tokenFile point at a file kept elsewhere).
_USER_SECRETS = {
    "token": "a bearer token",
    "client-key-data": "a client private key",
    "password": "a password",
}
_AUTH_PROVIDER_SECRETS = frozenset(
    {"client-secret", "refresh-token", "id-token", "access-token", "secret"}
)


def state_file(relpath: str) -> bool:
    """Terraform state: ``*.tfstate``, ``*.tfstate.backup`` (and Terraform's numbered
    backups), anything under ``terraform.tfstate.d/`` (workspaces)."""
    low = relpath.replace("\\", "/").lower()
    return bool(_STATE_NAME.search(low)) or "terraform.tfstate.d/" in f"/{low}"


def is_kubeconfig(text: str) -> bool:
    """The text declares a kubeconfig (``apiVersion: v1`` and ``kind: Config`` at the top
    level): the cheap test before it is parsed."""
    return bool(_KUBECONFIG_KIND.search(text) and _KUBECONFIG_VERSION.search(text))


def _plain(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or stands_for_a_value("token", value):
        return None
    return value


def kubeconfig_findings(text: str) -> list[FileFinding]:
    """The credentials a kubeconfig's users carry in the file."""
    from pytest_devops_policy.formats.yamlload import load_documents
    from pytest_devops_policy.model import ParseError

    try:
        documents = load_documents(text, yaml11=True)
    except ParseError:
        return []
    lines = Lines(text)
    out = []
    for doc in documents:
        data = doc.value
        if not isinstance(data, Mapping) or data.get("kind") != "Config":
            continue
        users = data.get("users")
        if not isinstance(users, list):
            continue
        for i, entry in enumerate(users):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("user"), Mapping):
                continue
            user = entry["user"]
            name = entry.get("name") if isinstance(entry.get("name"), str) else f"users[{i}]"
            found: list[tuple[tuple[str | int, ...], str, str]] = []
            for field, what in _USER_SECRETS.items():
                value = _plain(user.get(field))
                if value is not None:
                    found.append(((field,), what, value))
            provider = user.get("auth-provider")
            config = provider.get("config") if isinstance(provider, Mapping) else None
            if isinstance(config, Mapping):
                for key, raw in config.items():
                    value = _plain(raw)
                    if value is not None and str(key).lower() in _AUTH_PROVIDER_SECRETS:
                        found.append(
                            (
                                ("auth-provider", "config", str(key)),
                                f"an auth-provider {key}",
                                value,
                            )
                        )
            for path, what, value in found:
                pos = doc.locate(("users", i, "user", *path))
                line, col = pos if pos is not None else (doc.start_line, 1)
                if lines.allowlisted(line):
                    continue
                out.append(FileFinding(f"kubeconfig user {name} holds {what}", line, col, value))
    return out


# --------------------------------------------------------------------------- SECRET-014

_SOPS_VALUE = re.compile(r"^ENC\[AES256_GCM,")
_PUBLIC = re.compile(
    r"^\s*(?:-----BEGIN CERTIFICATE-----|(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+) AAAA)"
)
_SEALED = "sealedsecrets.bitnami.com/"
_MAX_DEPTH = 64


def _documents(text: str) -> list[Document] | None:
    from pytest_devops_policy.formats.yamlload import load_documents
    from pytest_devops_policy.model import ParseError

    try:
        return list(load_documents(text, yaml11=True))
    except ParseError:
        return None


def _is_secret_object(node: Mapping[object, object]) -> bool:
    return node.get("kind") == "Secret" and node.get("apiVersion", "v1") == "v1"


def _sealed(node: Mapping[object, object]) -> bool:
    """SOPS metadata on the object, or a Sealed Secrets annotation."""
    if isinstance(node.get("sops"), Mapping):
        return True
    meta = node.get("metadata")
    notes = meta.get("annotations") if isinstance(meta, Mapping) else None
    return isinstance(notes, Mapping) and any(str(k).startswith(_SEALED) for k in notes)


def _decoded(value: str) -> str:
    import base64
    import binascii

    try:
        return base64.b64decode("".join(value.split()), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return value  # not base64 (or binary): judged as written


def _plaintext(section: str, value: object) -> str | None:
    """The value as written when it is a plaintext secret, else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    if _SOPS_VALUE.match(value.strip()) or "{{" in value:
        return None
    plain = _decoded(value) if section == "data" else value
    if stands_for_a_value("password", plain) or _PUBLIC.match(plain):
        return None
    return value


def _walk(
    node: object, path: tuple[str | int, ...], prune: bool = False, depth: int = 0
) -> Iterator[tuple[tuple[str | int, ...], Mapping[object, object]]]:
    """Every mapping under ``node`` with its path (not below ``_MAX_DEPTH``); ``prune``:
    not the Secret objects, nor anything inside them."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, Mapping):
        if prune and _is_secret_object(node):
            return
        yield path, node
        for key, child in node.items():
            if isinstance(child, (Mapping, list)):
                yield from _walk(child, (*path, str(key)), prune, depth + 1)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _walk(child, (*path, i), prune, depth + 1)


def secret_object_findings(text: str) -> list[FileFinding]:
    """Plaintext values of the ``kind: Secret`` objects in a YAML text, at any depth."""
    if "Secret" not in text:
        return []
    docs = _documents(text)
    if not docs:
        return []
    lines = Lines(text)
    out = []
    for doc in docs:
        value = doc.value
        if isinstance(value, Mapping) and isinstance(value.get("sops"), Mapping):
            continue  # a SOPS-encrypted file
        for path, node in _walk(value, ()):
            if not _is_secret_object(node) or _sealed(node):
                continue
            meta = node.get("metadata")
            name = meta.get("name") if isinstance(meta, Mapping) else None
            label = f"Secret {name}" if isinstance(name, str) else "a Secret"
            for section in ("data", "stringData"):
                entries = node.get(section)
                if not isinstance(entries, Mapping):
                    continue
                for key, raw in entries.items():
                    secret = _plaintext(section, raw)
                    if secret is None:
                        continue
                    pos = doc.locate((*path, section, str(key)))
                    line, col = pos if pos is not None else (1, 1)
                    if lines.allowlisted(line):
                        continue
                    how = " (base64 is an encoding, not encryption)" if section == "data" else ""
                    out.append(
                        FileFinding(
                            f"{label} {section}[{key}] is plaintext{how}", line, col, secret
                        )
                    )
    return out


def helm_values_findings(text: str) -> list[FileFinding]:
    """Literal secrets in a Helm chart's values: a secret-like key whose value passes the
    SECRET-009 gate, at any depth (``postgresql.auth.password``). Secret objects in the
    values are ``secret_object_findings``'."""
    docs = _documents(text)
    if not docs:
        return []
    lines = Lines(text)
    out = []
    for doc in docs:
        for path, node in _walk(doc.value, (), prune=True):
            for key, raw in node.items():
                if not isinstance(key, str) or not isinstance(raw, str):
                    continue
                if not is_secret_key(key, raw) or not literal_ok(key, raw, quoted=True):
                    continue
                pos = doc.locate((*path, key))
                line, col = pos if pos is not None else (1, 1)
                if lines.allowlisted(line):
                    continue
                dotted = ".".join(str(p) for p in (*path, key))
                out.append(
                    FileFinding(
                        f"Helm value {dotted} holds a literal secret", line, col, raw, "high"
                    )
                )
    return out
