"""Local accounts: ``/etc/passwd`` and ``/etc/shadow`` lines (catalog HOST-004).

Only the local files are read (NSS, LDAP and SSSD accounts are out of scope). A password
hash is never kept whole: ``shown_hash`` gives its scheme and length, which is all a finding
needs to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Account", "is_locked", "passwd_entries", "shadow_entries", "shown_hash", "weak_scheme"]

# Fields that lock an account or say "no password here" (the hash lives in shadow).
_LOCKED = re.compile(r"^(?:!.*|\*.*|\*LK\*.*|x)$")
_DES = re.compile(r"^[./0-9A-Za-z]{13}$")


@dataclass(frozen=True)
class Account:
    name: str
    password: str  # the second field (never printed)
    uid: str
    line: int
    nis: bool = False  # a legacy NIS "+" / "-" entry


def _entries(text: str, min_fields: int) -> Iterator[tuple[int, list[str]]]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split(":")
        if len(fields) >= min_fields or line.startswith(("+", "-")):
            yield n, fields


def passwd_entries(text: str) -> list[Account]:
    out = []
    for n, f in _entries(text, 4):
        name = f[0]
        nis = name.startswith(("+", "-"))
        out.append(Account(name, f[1] if len(f) > 1 else "", f[2] if len(f) > 2 else "", n, nis))
    return out


def shadow_entries(text: str) -> list[Account]:
    out = []
    for n, f in _entries(text, 2):
        name = f[0]
        nis = name.startswith(("+", "-"))
        out.append(Account(name, f[1] if len(f) > 1 else "", "", n, nis))
    return out


def is_locked(field: str) -> bool:
    """``!``, ``!!``, ``*``, ``!*``, ``*LK*``, a ``!`` before a hash: nobody logs in with it."""
    return bool(_LOCKED.match(field))


def weak_scheme(field: str) -> str | None:
    """The name of a broken hash scheme, or None."""
    if field.startswith("$1$"):
        return "MD5 ($1$)"
    if _DES.match(field):
        return "DES crypt"
    return None


def shown_hash(field: str) -> str:
    """``$6$…(106 chars)``: the scheme and the length, never the hash."""
    m = re.match(r"^(\$[^$]+\$)", field)
    head = m.group(1) if m else ""
    return f"{head}…({len(field)} chars)"
