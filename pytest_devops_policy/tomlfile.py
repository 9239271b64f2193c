"""Reading TOML: the standard library's ``tomllib`` (3.11+) or its backport ``tomli``."""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["TOMLDecodeError", "load", "loads"]

TOMLDecodeError = tomllib.TOMLDecodeError


def load(path: str) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def loads(text: str) -> dict[str, Any]:
    return tomllib.loads(text)
