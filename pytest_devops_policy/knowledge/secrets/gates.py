"""The SECRET-009 value gate (catalog §6.2): does a literal under a secret-like name look
like a credential, rather than a word, a path or a URL?

Shared by the policies that judge a value by its key (K8S-017 ConfigMap keys, GHA-005
workflow ``env``): long enough, no whitespace, not a path or URL, and mixed letters and
digits or random-looking (Shannon entropy >= 3.0), or a well-known credential variable.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from pytest_devops_policy.knowledge.secrets.names import is_known_secret_name

__all__ = ["credential_shaped", "entropy"]

_POINTER_VALUE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|\.{0,2}/)", re.I)
MIN_LENGTH = 8
MIN_ENTROPY = 3.0


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


_REFERENCES = re.compile(
    r"\$\{\{.*?\}\}|\$\{[^{}]*\}|\$[A-Z_][A-Z0-9_]*\b|\$\([^()]*\)|\$\[\[.*?\]\]"
)


def credential_shaped(key: str, value: str) -> bool:
    """The SECRET-009 value gate for a secret-named key: long enough and not prose, a
    path or a URL, and mixed letters and digits or random-looking (or a well-known
    credential variable)."""
    v = value.strip()
    if len(v) < MIN_LENGTH or any(ch.isspace() for ch in v) or _POINTER_VALUE.match(v):
        return False
    # "${REPO_TOKEN}:@": references (env-style names: "P4$$w0rd" is no reference) with a
    # little glue; what is written is no credential
    if len(_REFERENCES.sub("", v)) < MIN_LENGTH:
        return False
    mixed = any(ch.isalpha() for ch in v) and any(ch.isdigit() for ch in v)
    return mixed or entropy(v) >= MIN_ENTROPY or is_known_secret_name(key)
