"""Module sources and version constraints: what pins a Terraform dependency (TF-028).

* ``source_kind``: how Terraform fetches a module source (local path, git, registry, an
  archive or bucket);
* ``git_ref``: the ``?ref=`` of a git source, and whether it is a commit SHA or a semver tag;
* ``constraint_pins``: whether a version constraint (``"~> 5.0"``, ``">= 1.2, < 2.0"``)
  has an upper bound.
* ``locked_providers``: the provider versions ``.terraform.lock.hcl`` records (read as text,
  never parsed as configuration).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

__all__ = [
    "constraint_pins",
    "git_ref",
    "is_semver_tag",
    "is_sha",
    "locked_providers",
    "source_kind",
]

_GIT_PREFIXES = ("git::", "github.com/", "git@", "bitbucket.org/", "git+ssh://", "ssh://git@")
_ARCHIVE_PREFIXES = ("hg::", "s3::", "gcs::", "http://", "https://", "hg+")
_REGISTRY_PART = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]*$")
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SHORT_SHA = re.compile(r"^[0-9a-f]{7,39}$")
_SEMVER_TAG = re.compile(r"^v?\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]+)?$")


def source_kind(source: str) -> str:
    """``local``, ``git``, ``registry``, ``archive`` (hg, s3, gcs, http) or ``unknown``."""
    s = source.strip()
    if s.startswith(("./", "../", ".\\", "..\\")) or s in (".", ".."):
        return "local"
    low = s.lower()
    if low.startswith(_GIT_PREFIXES):
        return "git"
    if low.startswith(_ARCHIVE_PREFIXES) or "::" in s:
        return "archive"
    parts = s.split("//", 1)[0].split("/")
    if len(parts) == 4 and "." in parts[0] and all(_REGISTRY_PART.match(p) for p in parts):
        return "registry"
    if len(parts) == 3 and all(_REGISTRY_PART.match(p) for p in parts):
        return "registry"
    return "unknown"


def git_ref(source: str) -> str | None:
    """The ``ref`` query argument of a git source (``None`` without one)."""
    _, _, query = source.partition("?")
    if not query:
        return None
    values = parse_qs(query, keep_blank_values=True).get("ref")
    return values[-1] if values else None


def is_sha(ref: str) -> bool:
    """A full commit id (SHA-1, or SHA-256 for sha256 repositories)."""
    return bool(_SHA.match(ref.lower()))


def is_short_sha(ref: str) -> bool:
    return bool(_SHORT_SHA.match(ref.lower())) and not ref.isdigit()


def is_semver_tag(ref: str) -> bool:
    """``v1.2.3``, ``1.2.3``, ``v1.2``, ``v2.0.0-rc.1``."""
    return bool(_SEMVER_TAG.match(ref))


_OPERATOR = re.compile(r"^(~>|>=|<=|!=|=|>|<)?v?(\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.+-]+)?)$")


def constraint_pins(constraint: str) -> bool | None:
    """Whether a version constraint has an upper bound: an exact version (``1.2.3``,
    ``= 1.2.3``), a pessimistic one (``~> 1.2``) or a ``<``/``<=`` bound. ``None`` for text
    that is not a constraint."""
    parts = [p for p in constraint.split(",") if p.strip()]
    if not parts:
        return False
    bounded = False
    for part in parts:
        m = _OPERATOR.match("".join(part.split()))  # "~> 1.2" -> "~>1.2"
        if m is None:
            return None
        op = m.group(1) or "="
        if op in ("=", "~>", "<", "<="):
            bounded = True
    return bounded


_LOCK_PROVIDER = re.compile(r'provider\s+"([^"]+)"\s*\{[^{}]*?\bversion\s*=\s*"([^"]+)"', re.S)


def locked_providers(text: str) -> dict[str, str]:
    """``{"registry.terraform.io/hashicorp/aws": "5.31.0"}`` from a lock file's text."""
    return {m.group(1).lower(): m.group(2) for m in _LOCK_PROVIDER.finditer(text)}
