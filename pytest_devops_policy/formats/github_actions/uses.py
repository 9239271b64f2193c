"""``uses:`` references (catalog §3.2-10): remote and local actions, reusable workflows,
``docker://`` images, and what their ref looks like (a SHA, a tag, a branch...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from pytest_devops_policy.formats.images import ImageRef, parse_image

__all__ = ["UsesRef", "parse_uses"]

_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{7,39}$")
_VERSION_TAG = re.compile(r"^v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.-]+)?$")
_BRANCH_NAMES = frozenset({"main", "master", "develop", "dev", "trunk", "next", "stable", "latest"})
_WORKFLOW_FILE = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")


@dataclass(frozen=True)
class UsesRef:
    """A parsed ``uses:`` value.

    ``kind`` is one of ``action`` (``owner/repo[/path]@ref``), ``reusable-workflow``
    (``owner/repo/.github/workflows/f.yml@ref``), ``local`` (``./path``),
    ``local-workflow`` (``./.github/workflows/f.yml``), ``docker``
    (``docker://image``) or ``invalid``.

    The self-repository form ``$/path`` (``$/.github/workflows/f.yml``) is local too, with
    ``self_repo`` set: GitHub resolves it in the workflow's own repository at the commit that
    is running, with no checkout, so it is pinned by construction and is never code that a
    job checked out.
    """

    raw: str
    kind: str
    owner: str = ""
    repo: str = ""
    path: str = ""
    ref: str | None = None
    local_path: str = ""
    image: ImageRef | None = None
    self_repo: bool = False

    @property
    def is_local(self) -> bool:
        return self.kind in ("local", "local-workflow")

    @property
    def is_remote(self) -> bool:
        return self.kind in ("action", "reusable-workflow")

    @property
    def is_docker(self) -> bool:
        return self.kind == "docker"

    @property
    def is_workflow(self) -> bool:
        return self.kind in ("reusable-workflow", "local-workflow")

    @cached_property  # read by every policy; the ref never changes
    def slug(self) -> str:
        """``owner/repo`` of a remote reference ('' otherwise)."""
        return f"{self.owner}/{self.repo}" if self.is_remote else ""

    @cached_property  # read by every policy; the ref never changes
    def name(self) -> str:
        """The reference without its ref: ``owner/repo/path``, ``./path`` or the image name."""
        if self.is_remote:
            return f"{self.slug}/{self.path}" if self.path else self.slug
        if self.is_local:
            return self.raw
        if self.image is not None:
            return self.image.name
        return self.raw

    @property
    def file_stem(self) -> str:
        """For reusable workflows, the file name without extension (``deploy-prod``)."""
        target = self.path if self.kind == "reusable-workflow" else self.local_path
        base = target.rsplit("/", 1)[-1]
        return re.sub(r"\.ya?ml$", "", base)

    @property
    def is_sha_pinned(self) -> bool:
        """A remote reference pinned to a full 40-hex commit SHA."""
        return self.is_remote and self.ref is not None and bool(_SHA.match(self.ref))

    @property
    def is_digest_pinned(self) -> bool:
        return self.image is not None and self.image.has_sha256_digest

    @property
    def ref_kind(self) -> str:
        """What the ref looks like.

        One of ``sha``, ``short-sha``, ``version-tag``, ``branch``, ``expression``,
        ``ref`` (a tag or a branch) or ``missing``.
        """
        ref = self.ref
        if not ref:
            return "missing"
        if "${{" in ref:
            return "expression"
        if _SHA.match(ref):
            return "sha"
        if _SHORT_SHA.match(ref) and not ref.isdigit():
            return "short-sha"
        if _VERSION_TAG.match(ref):
            return "version-tag"
        if ref.lower() in _BRANCH_NAMES or "/" in ref:
            return "branch"
        return "ref"


def parse_uses(value: str) -> UsesRef:
    """Parse a ``uses:`` string into a ``UsesRef`` (never raises)."""
    raw = value.strip()
    if raw.startswith("docker://"):
        return UsesRef(raw=raw, kind="docker", image=parse_image(raw[len("docker://") :]))
    if raw.startswith("./") or raw == ".":
        local = raw[2:].rstrip("/") if raw.startswith("./") else ""
        kind = "local-workflow" if _WORKFLOW_FILE.match(local) else "local"
        return UsesRef(raw=raw, kind=kind, local_path=local)
    if raw.startswith("$/"):
        # Self-repository reference: the same repository at the running commit; a trailing
        # @ref has no effect on what runs.
        local = raw[2:].partition("@")[0].strip().rstrip("/")
        kind = "local-workflow" if _WORKFLOW_FILE.match(local) else "local"
        return UsesRef(raw=raw, kind=kind, local_path=local, self_repo=True)
    target, at, ref = raw.partition("@")
    parts = target.split("/")
    if len(parts) < 2 or not all(parts[:2]) or " " in target:
        return UsesRef(raw=raw, kind="invalid", ref=ref if at else None)
    # GitHub ignores empty and '.' path segments: actions/checkout/.@ref is actions/checkout.
    owner, repo = parts[0], parts[1]
    path = "/".join(p for p in parts[2:] if p not in ("", "."))
    kind = "reusable-workflow" if _WORKFLOW_FILE.match(path) else "action"
    return UsesRef(raw=raw, kind=kind, owner=owner, repo=repo, path=path, ref=ref if at else None)
