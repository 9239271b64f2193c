"""Secret masking: reports show a fingerprint of a secret, never the secret."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

# Below this length a secret is also an ordinary word ("mysql", "admin"):
# it is masked only where it stands alone, not inside a path, name or word,
# or every file path and container name that shares it would be garbled.
_SHORT = 8


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
    """Replace each occurrence of each secret in ``text`` by its mask (short
    secrets only where they are not part of a longer word or path)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if secret not in text:
            continue
        if len(secret) >= _SHORT:
            text = text.replace(secret, mask(secret))
        else:
            standalone = re.compile(r"(?<![\w./-])" + re.escape(secret) + r"(?![\w./-])")
            text = standalone.sub(mask(secret).replace("\\", "\\\\"), text)
    return text
