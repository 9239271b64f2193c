"""Secret masking: reports show a fingerprint of a secret, never the secret."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

# Below this length a secret is also an ordinary word ("mysql", "admin"):
# it is masked only where it stands alone, not inside a path, name or word,
# or every file path and container name that shares it would be garbled.
_SHORT = 8
_TINY = 4
# Lowercase words, hyphenated or with a few trailing digits ("migration", "admin-2024"),
# are ordinary words however long: they too are masked only where they stand alone
# (a password "migration" must not garble databases/backup-migration/...). A random
# token (mixed case, digits inside) is masked wherever it appears.
_WORDLIKE = re.compile(r"[a-z]+(?:[-_][a-z]+)*[0-9]{0,4}")


def mask(value: str) -> str:
    """``'hunter2secret'`` -> ``'hunt…(13 chars, sha256:3f2a9c1b)'``.

    Four leading characters help a human find the value; the length and a short
    hash let two reports be compared without revealing it. Short values show
    nothing in clear, since four characters would be most of them.
    """
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:8]
    head = value[:4] if len(value) >= 12 else ""
    return f"{head}…({len(value)} chars, sha256:{digest})"


# A mask already in the text (a message built with ``mask()``): left as it is, so a
# short secret such as "1" is not masked again inside "(1 chars, ...)".
_MASK = r"…\(\d+ chars, sha256:[0-9a-f]{8}\)"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace each occurrence of each secret in ``text`` by its mask (short and
    word-like secrets only where they are not part of a longer word or path).

    One pass over the text: masks, inserted or already present, are never
    searched again.
    """
    # One to three characters ("1", "yes") protect nothing and collide with every line
    # number and word: policies never print them (they show mask()), and free text is
    # not searched for them.
    wanted = sorted({s for s in secrets if len(s) >= _TINY and s in text}, key=len, reverse=True)
    if not wanted:
        return text
    anywhere = [re.escape(s) for s in wanted if len(s) >= _SHORT and not _WORDLIKE.fullmatch(s)]
    alone = [re.escape(s) for s in wanted if len(s) < _SHORT or _WORDLIKE.fullmatch(s)]
    parts = [f"(?P<mask>{_MASK})"]
    if anywhere:
        parts.append("(?P<any>" + "|".join(anywhere) + ")")
    if alone:
        parts.append(r"(?<![\w./-])(?P<alone>" + "|".join(alone) + r")(?![\w./-])")
    pattern = re.compile("|".join(parts))

    def replace(m: re.Match[str]) -> str:
        if m.group("mask") is not None:
            return m.group(0)
        return mask(m.group(0))

    return pattern.sub(replace, text)


# Terminal controls from scanned files (``\033[2J``, an OSC title sequence, a bell, a CSI
# as one C1 character) must not reach a terminal, a JUnit file or an HTML report: every
# C0 control but tab and newline, DEL, and the C1 controls are shown escaped (``\x1b``).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_AND_NEWLINES = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def escape_controls(text: str, *, newlines: bool = True) -> str:
    """``'a\\x1b[2Jb'`` -> ``'a\\\\x1b[2Jb'``; tab is kept, newline too unless ``newlines=False``
    (a single-line field such as a source line or a JUnit property)."""
    pattern = _CONTROLS if newlines else _CONTROLS_AND_NEWLINES
    return pattern.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _cut_between_secrets(text: str, cut: int, secrets: Iterable[str]) -> int:
    """``cut`` moved forward past every occurrence of a secret that straddles it, so the
    text before it redacts exactly as the same part of the whole text does."""
    moved = True
    while moved and cut < len(text):
        moved = False
        for secret in secrets:
            n = len(secret)
            at = text.find(secret, max(0, cut - n + 1), cut + n - 1)
            if 0 <= at < cut < at + n:
                cut, moved = at + n, True
    return cut


_MASK_RE = re.compile(_MASK)


def truncate(text: str, width: int, ellipsis: str = " …") -> str:
    """``text`` cut to ``width`` characters (plus ``ellipsis``), never inside a mask."""
    if len(text) <= width:
        return text
    cut = width
    for m in _MASK_RE.finditer(text, max(0, width - 50), width + 50):
        # The head of a mask (up to 4 characters) sits before the "…"; a cut within it
        # or within the mask keeps the whole mask.
        if m.start() - 4 < cut < m.end():
            cut = m.end()
            break
    return text if cut >= len(text) else text[:cut] + ellipsis


class Redactor:
    """The one last step text takes before it leaves the plugin: the secrets of a file
    (every value a detector recognises in it and every value a policy reported in it)
    masked, then terminal controls escaped. Idempotent: a redacted text is unchanged by a
    second pass, so cached (already redacted) messages can go through it again.
    """

    __slots__ = ("secrets",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Tiny values are never searched (see ``redact``): drop them once.
        self.secrets: tuple[str, ...] = tuple(sorted({s for s in secrets if len(s) >= _TINY}))

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def with_secrets(self, more: Iterable[str]) -> Redactor:
        extra = [s for s in more if s and s not in self.secrets]
        return Redactor([*self.secrets, *extra]) if extra else self

    def __call__(self, text: str, *, newlines: bool = True) -> str:
        if self.secrets:
            text = redact(text, self.secrets)
        return escape_controls(text, newlines=newlines)

    def line(self, text: str, width: int | None = None) -> str:
        """One line of a scanned file (an excerpt): redacted, escaped, then truncated, so a
        secret past the cut is masked whole rather than cut into a clear prefix."""
        if width is not None and len(text) > 4 * width + 100:
            # A very long line (a minified plan or manifest is one line): redact only a
            # head that no secret straddles, not the whole file for every excerpt.
            cut = _cut_between_secrets(text, 2 * width + 100, self.secrets)
            if cut < len(text):
                out = self(text[:cut], newlines=False)
                return truncate(out, width) if len(out) > width else out + " …"
        out = self(text, newlines=False)
        return truncate(out, width) if width is not None else out
