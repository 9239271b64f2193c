"""Is this *value* a credential? The SECRET engine's shape detectors, for one value.

A kind policy (DOCKER-006, K8S-016/017, GHA-005, TF-011/027) asks about one value (an ENV
value, a YAML scalar); ``detect_secrets`` answers with the same rule table the SECRET
policies use: the token families of SECRET-001…006 (``tokens``: fixed prefixes, checksums,
the randomness gate that drops placeholders) and the JWT and URL-password rules of
SECRET-007/008 (``generic.scan_shaped``). Keyword-based and entropy-based guessing
(SECRET-009/010) are deliberately not here: their callers know the key name.

References (``${VAR}``, ``$(cmd)``, ``${{ secrets.X }}``), placeholders and public
material (certificates, public keys, image digests) never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_devops_policy.knowledge.secrets import generic, tokens
from pytest_devops_policy.knowledge.secrets.hits import Hit
from pytest_devops_policy.knowledge.secrets.names import is_placeholder

__all__ = ["SecretHit", "detect_secrets", "shape_hits"]


@dataclass(frozen=True)
class SecretHit:
    """One credential found in a value: which catalog detector, and the matched text."""

    detector: str  # "SECRET-002"
    label: str  # "AWS access key id"
    match: str  # the secret text itself (callers must mask it)
    start: int


_REFERENCE = re.compile(r"^\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_][A-Za-z0-9_]*)$|^\$\{\{.*\}\}$")


def shape_hits(text: str) -> list[Hit]:
    """The SECRET engine's hits that need no key name, in text order: the token families of
    SECRET-001…006 and the JWTs and URL passwords of SECRET-007/008."""
    found = tokens.scan(text, "") + generic.scan_shaped(text, "")
    return sorted(found, key=lambda h: h.start)


def detect_secrets(value: str) -> list[SecretHit]:
    """Every well-known credential in ``value`` (empty for references and placeholders): the
    SECRET engine's token families (``tokens``) and its JWT and URL-password rules
    (``generic``), one rule table for the kind policies and the SECRET policies alike."""
    if len(value) < 8:
        return []
    stripped = value.strip()
    if _REFERENCE.match(stripped) or is_placeholder(stripped):
        return []
    out = []
    for h in shape_hits(value):
        match = h.secret if h.secret is not None else value[h.start : h.end]
        out.append(SecretHit(h.policy, h.label, match, h.start))
    return out
