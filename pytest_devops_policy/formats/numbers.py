"""Numbers written in scanned files, converted without letting a hostile one escape.

A file can write an integer of any length. CPython refuses to convert more than 4300
decimal digits between ``int`` and ``str`` (``ValueError``, not a parse error), converts
other bases without limit, and a huge ``int`` then fails wherever it is printed,
hashed into a cache key or turned into a ``float``. Every parser converts integers
through ``whole_number``: past ``MAX_INT_BITS`` the text is not a number we keep, and the
parser keeps the text (YAML, JSON) or an unresolved value (HCL) instead.
"""

from __future__ import annotations

MAX_INT_BITS = 1023
"""Integers up to this many bits (about 308 decimal digits) are kept: every one of them
also converts to a ``float`` and back to decimal text. No real file writes a larger one."""

_MAX_DIGITS = MAX_INT_BITS + 1  # base 2 needs the most digits; any longer text is too big


def whole_number(text: str, base: int = 10) -> int | None:
    """The integer ``text`` writes in ``base`` (as ``int()`` reads it), or ``None`` if it is
    not one or is over ``MAX_INT_BITS``; never raises for any text."""
    if len(text) > _MAX_DIGITS and len(text.strip().lstrip("+-0").replace("_", "")) > _MAX_DIGITS:
        return None  # too big in any base, and not worth converting
    try:
        value = int(text, base)
    except ValueError:
        return None
    return value if value.bit_length() <= MAX_INT_BITS else None
