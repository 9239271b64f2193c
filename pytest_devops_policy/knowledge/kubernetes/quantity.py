"""Kubernetes resource quantities (``100m``, ``1.5``, ``128Mi``, ``1e3``...), parsed exactly.

The grammar follows ``k8s.io/apimachinery/pkg/api/resource``: a signed decimal
number followed by one optional suffix, which is a binary SI suffix
(``Ki`` … ``Ei``), a decimal SI suffix (``n u m "" k M G T P E``) or a decimal
exponent (``e3``, ``E-2``). Values are kept as ``Decimal`` so that ``0.1`` and
``100m`` compare equal and ``1Ei`` does not lose precision.

Two traps this module keeps visible instead of hiding:

* ``k`` is 1000 and ``Ki`` is 1024; an upper-case ``K`` is not a suffix at all.
* a lower-case ``m`` always means milli, also on memory: ``128m`` is 0.128 bytes.
  Callers that judge memory read ``suffix`` to report it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["InvalidQuantity", "Quantity", "parse_quantity", "try_parse_quantity"]

_BINARY: dict[str, int] = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL: dict[str, int] = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
# Sign, then digits with an optional fraction ("1", "1.", "1.5", ".5"), then the rest.
# The number is taken whole in a lookahead (atomic): backtracking into it, which can never
# help, would rescan the rest once per digit (quadratic on "000…0\nx").
_NUMBER = re.compile(r"^(?=([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)))\1(.*)$")
_EXPONENT = re.compile(r"^[eE][+-]?[0-9]{1,6}$")  # longer: no quantity (and no int())


class InvalidQuantity(ValueError):
    """The value is not a Kubernetes quantity."""


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity: ``value`` is in base units (cores, bytes)."""

    text: str
    number: Decimal
    suffix: str
    value: Decimal

    @property
    def is_zero(self) -> bool:
        return self.value == 0

    @property
    def is_binary(self) -> bool:
        return self.suffix in _BINARY

    @property
    def is_milli(self) -> bool:
        """Suffix ``m``: fine for CPU, almost certainly a typo for memory."""
        return self.suffix == "m"


def parse_quantity(value: object) -> Quantity:
    """Parse a YAML/JSON value (string, int or float) as a quantity.

    Raises ``InvalidQuantity`` for anything the API server would reject,
    including booleans (``yes`` under YAML 1.1) and ``None``.
    """
    # bool is an int subclass; ``cpu: yes`` is a type error, not 1 core.
    if isinstance(value, bool) or value is None:
        raise InvalidQuantity(f"{value!r} is not a quantity")
    if isinstance(value, int):
        return Quantity(str(value), Decimal(value), "", Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidQuantity(f"{value!r} is not a finite quantity")
        # repr() gives the shortest text that round-trips, so 0.1 stays 0.1.
        number = Decimal(repr(value))
        return Quantity(repr(value), number, "", number)
    if not isinstance(value, str):
        raise InvalidQuantity(f"{type(value).__name__} is not a quantity")
    text = value
    m = _NUMBER.match(text)
    if m is None:
        raise InvalidQuantity(f"{text!r} is not a quantity")
    digits, suffix = m.group(1), m.group(2)
    if suffix in _BINARY:
        shift, power = _BINARY[suffix], 0
    elif suffix in _DECIMAL:
        shift, power = 0, _DECIMAL[suffix]
    elif _EXPONENT.match(suffix):
        shift, power = 0, int(suffix[1:])
    else:
        raise InvalidQuantity(f"{text!r} has an unknown suffix {suffix!r}")
    try:
        number = Decimal(digits)
        scaled = (number * (1 << shift)).scaleb(power)
    except ArithmeticError:  # '1e99999999': beyond any sane (or representable) amount
        raise InvalidQuantity(f"{text!r} is out of range") from None
    return Quantity(text, number, suffix, scaled)


def try_parse_quantity(value: object) -> Quantity | None:
    """``parse_quantity`` that answers ``None`` instead of raising."""
    try:
        return parse_quantity(value)
    except InvalidQuantity:
        return None
