"""Which parts of a whole file's text are credentials: the spans every output masks.

``values.detect_secrets`` answers for one value a policy looked at; ``text_secrets`` runs the
same detectors (the SECRET engine's shape rules, ``values.shape_hits``) over a file's whole
text once, so that a token a policy never looked at (a ``ghp_…`` inside a ``RUN curl``, a
workflow ``run:``, an annotation) is masked wherever the file's text is printed: in
excerpts, in any policy's message, in the cache.

``assigned_secrets`` is the name-based guess for text no policy read (a file that does not
parse): ``DB_PASSWORD=…``, ``api_key: …``. It over-masks on purpose and is meant for the few
lines a parse error prints, not for parsed files (whose policies know what a value is).
"""

from __future__ import annotations

import re

from pytest_devops_policy.knowledge.secrets.names import (
    is_placeholder,
    is_reference,
    is_secret_like,
)
from pytest_devops_policy.knowledge.secrets.values import shape_hits

__all__ = ["assigned_secrets", "text_secrets"]

# An HTTP credential in a header, whatever its shape: ``Authorization: Bearer <x>``,
# ``Authorization: token <x>``, ``Bearer <x>`` on its own (curl -H, wget --header).
_AUTH_HEADER = re.compile(
    r"(?i)authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|digest)\s+"
    r"([A-Za-z0-9._~+/=:-]{8,})"
    r"|\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)"
)
# NAME=value, NAME: value, NAME value (Dockerfile ENV), "name": "value".
_KEYWORD = re.compile(r"(?i)pass|secret|token|key|credential|auth")
_ASSIGNED = re.compile(
    r"(?i)(?P<name>[A-Za-z0-9_.-]*(?:pass|secret|token|key|credential|auth)[A-Za-z0-9_.-]*)"
    r"[\"']?(?:[ \t]*[=:][ \t]*|[ \t]+)[\"']?(?P<value>[^\s\"'#,;}{]+)"
)


def _spans_ok(value: str) -> bool:
    return not (value.startswith("$") or is_reference(value) or is_placeholder(value))


def text_secrets(text: str) -> list[tuple[int, int]]:
    """``(start, length)`` of every credential the shared detectors recognise in ``text``,
    and of every credential sent in an HTTP ``Authorization``/``Bearer`` header."""
    spans = [(hit.start, hit.end - hit.start) for hit in shape_hits(text)]
    if "earer" in text or "uthorization" in text or "EARER" in text or "UTHORIZATION" in text:
        for m in _AUTH_HEADER.finditer(text):
            group = 1 if m.group(1) is not None else 2
            value = m.group(group)
            if _spans_ok(value):
                spans.append((m.start(group), len(value)))
    return spans


def assigned_secrets(text: str) -> list[tuple[int, int]]:
    """``(start, length)`` of each literal value assigned to a secret-like name in ``text``
    (``ENV DB_PASSWORD=…``, ``api_key: …``, ``"token": "…"``), references and placeholders
    excepted."""
    if _KEYWORD.search(text) is None:
        return []
    spans = []
    for m in _ASSIGNED.finditer(text):
        name, value = m.group("name"), m.group("value")
        ok = is_secret_like(name, value) and _spans_ok(value)
        if ok and not is_placeholder(value, name):
            spans.append((m.start("value"), len(value)))
    return spans
