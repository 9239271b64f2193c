"""Container image references: ``[host[:port]/]path[:tag][@digest]``.

Shared by the Dockerfile and Kubernetes policies. The tag is the part after
the last ``:`` of the *last* path segment, so a registry port
(``localhost:5000/app``) is never mistaken for a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True)
class ImageRef:
    raw: str
    registry: str | None
    path: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.path}" if self.registry else self.path

    @property
    def has_sha256_digest(self) -> bool:
        return bool(self.digest and re.fullmatch(r"sha256:[0-9a-f]{64}", self.digest))

    @property
    def pinned(self) -> bool:
        """A version is named: a digest, or a tag other than ``latest``."""
        return bool(self.digest) or (self.tag is not None and self.tag != "latest")


def parse_image(ref: str) -> ImageRef:
    raw = ref.strip()
    rest, digest = raw, None
    if "@" in rest:
        rest, _, digest = rest.partition("@")
        digest = digest or None
    registry = None
    first, sep, remainder = rest.partition("/")
    # Docker's rule: the first segment is a registry if it has a '.' or ':' or is 'localhost'.
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, rest = first, remainder
    tag = None
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > last_slash:
        rest, tag = rest[:colon], rest[colon + 1 :] or None
    return ImageRef(raw=raw, registry=registry, path=rest, tag=tag, digest=digest)


def is_valid_digest(digest: str) -> bool:
    return bool(_DIGEST.match(digest))
