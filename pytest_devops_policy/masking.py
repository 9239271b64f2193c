"""Secret masking: reports show a fingerprint of a secret, never the secret."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def mask(value: str) -> str:
    """``'hunter2secret'`` -> ``'hunt…(13 chars, sha256:3f2a9c1b)'``.

    Four leading characters help a human find the value; the length and a short
    hash let two reports be compared without revealing it. Short values show
    nothing in clear, since four characters would be most of them.
    """
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:8]
    head = value[:4] if len(value) >= 12 else ""
    return f"{head}…({len(value)} chars, sha256:{digest})"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` by its mask."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, mask(secret))
    return text
