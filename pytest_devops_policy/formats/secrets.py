"""The secrets subject: one file's text as the SECRET policies see it (catalog §6).

Every file the run collects (a Dockerfile, a manifest, a workflow, a ``.tf``) and every file
``secrets.include`` names (``.env``, ``*.pem``, config files) gets one more subject, labelled
``secrets``: ``Dockerfile::secrets``, ``deploy/app.env::secrets::SECRET-009``. Its hits are
computed once (``knowledge.secrets.engine.findings``) and each SECRET policy reports its
own, one finding per hit at ``line:col``, the value masked.

``in_scope`` says whether a file is read for secrets at all (§6.1): not binary, not over
``secrets.max_bytes``, not a lockfile. A key store or a state file that is not read (binary,
too large) is still judged by its name (``judged_by_name``): it gets a ``NamedFile``, a
subject whose text nobody reads, judged only by the file-class policies that lend it
(SECRET-012, SECRET-013; ``kinds.SubjectSpec.borrows``).
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from pytest_devops_policy.model import Source, Subject

__all__ = [
    "LABEL",
    "LOCKFILES",
    "NamedFile",
    "SecretsFile",
    "in_scope",
    "included",
    "judged_by_name",
]

LABEL = "secrets"  # the subject's label: ``<file>::secrets``

# Integrity hashes in lockfiles are high-entropy noise, never credentials (§6.1).
LOCKFILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "pipfile.lock",
        "cargo.lock",
        "go.sum",
        "gemfile.lock",
        "composer.lock",
        "packages.lock.json",
        "flake.lock",
        ".terraform.lock.hcl",
    }
)


def in_scope(relpath: str, head: bytes, size: int, max_bytes: int) -> str | None:
    """Why the file is not read for secrets (``None``: it is). ``head``: its first 8 KiB."""
    name = posixpath.basename(relpath).lower()
    if name in LOCKFILES:
        return "a lockfile (integrity hashes, not credentials)"
    if size > max_bytes:
        return f"larger than secrets.max_bytes ({max_bytes} bytes)"
    if b"\x00" in head[:8192]:
        return "binary"
    return None


# Credential and state files recognisable by name alone, judged even when their bytes are
# not read (a PKCS#12 or Java key store is binary; a state file may be over max_bytes).
_BY_NAME = ("*.p12", "*.pfx", "*.jks", "*.keystore", "*.tfstate", "*.tfstate.backup")


def judged_by_name(relpath: str) -> bool:
    """A file the SECRET file-class policies judge by its name when it is not read for
    secrets (binary, too large): key stores and Terraform state."""
    path = relpath.replace("\\", "/").lower()
    name = posixpath.basename(path)
    if name in LOCKFILES:
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in _BY_NAME) or (
        "terraform.tfstate.d/" in f"/{path}"
    )


def included(relpath: str, globs: Sequence[str]) -> bool:
    """Does ``secrets.include`` name the file (globs relative to the rootdir; ``**/`` also
    matches no directory)?"""
    return _matcher(tuple(globs))(relpath.replace("\\", "/")) is not None


@functools.cache
def _matcher(globs: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    # One regex for all the globs: every file of the tree is asked (collection).
    parts = []
    for pattern in globs:
        parts.append(fnmatch.translate(pattern))
        if pattern.startswith("**/"):
            parts.append(fnmatch.translate(pattern[3:]))
    return re.compile("|".join(f"(?:{p})" for p in parts)).match


class SecretsFile(Subject[None]):
    """A file's text as the SECRET policies read it; ``knowledge.secrets.engine`` scans it
    once (``hits`` keeps the result for the other policies)."""

    kind: ClassVar[str] = "secrets"
    key: ClassVar[str] = "secrets_file"

    def __init__(
        self, source: Source, entropy: bool = False, collected_as: str = "secrets"
    ) -> None:
        super().__init__(source, LABEL, 1, 1)
        self.entropy = entropy
        # The kind the file was collected as ("kubernetes" for a manifest; "secrets" for a
        # file only secrets.include names): SECRET-014 leaves manifests to K8S-017.
        self.collected_as = collected_as
        self.hits: list[Any] | None = None  # knowledge.secrets.engine.Located, once scanned

    def waiver_lines(self) -> Iterable[int]:
        return (1,)  # a waiver on line 1 covers the file's findings of its policy


class NamedFile(SecretsFile):
    """A file judged by its name only (``judged_by_name``): its bytes are not read as text
    (binary, over ``secrets.max_bytes``). Only the policies that lend themselves to this
    subject judge it (``kinds``: SECRET-012, SECRET-013)."""

    key: ClassVar[str] = "secrets_named_file"

    def __init__(self, source: Source, reason: str, collected_as: str = "secrets") -> None:
        super().__init__(source, False, collected_as)
        self.reason = reason  # why the text is not read: "binary", "larger than ..."
