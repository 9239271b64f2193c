"""A finding's identity that survives edits elsewhere in the file.

SARIF's ``partialFingerprints``, the JSON report and the baseline (issue 22) key a finding by
this one function, so that the three agree on which finding is which. The key leaves out
line and column numbers (a finding does not change when lines above it move): it is the
policy id, the file, the resource's label and the finding's message with the line numbers
it quotes (``(line 12)``, ``file.tf:30``) taken out. A secret finding adds a hash of the
secret, never the value, so two different secrets on one resource stay two findings.
"""

from __future__ import annotations

import hashlib
import re

# "line 12", "lines 3-5", "(line 12)", "file.tf:30", "file.tf:30:4", "L12"
_LINE_REFS = re.compile(
    r"\blines?\s+\d+(?:\s*(?:-|–|,|and)\s*\d+)*|(?<=\w):\d+(?::\d+)?\b|\bL\d+\b"
)
VERSION = "1"  # bump when the key changes: consumers then see every finding as new


def normalise(message: str) -> str:
    """The message without the line numbers it quotes, spaces collapsed."""
    return " ".join(_LINE_REFS.sub("#", message).split())


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def finding_key(
    policy_id: str, relpath: str, resource: str, message: str, secret: str | None = None
) -> str:
    """The stable key of one finding: 32 hex digits."""
    parts = [VERSION, policy_id, relpath.replace("\\", "/"), resource, normalise(message)]
    if secret:
        parts.append(secret_hash(secret))
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def numbered(keys: list[str]) -> list[str]:
    """Equal keys in one item (the same message twice) told apart by their order:
    ``key``, ``key:2``, ``key:3``..."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        n = seen[key] = seen.get(key, 0) + 1
        out.append(key if n == 1 else f"{key}:{n}")
    return out
