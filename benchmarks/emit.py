"""Tiny, deterministic YAML and HCL writers for the benchmark generator.

Hand-written instead of ``yaml.safe_dump`` so that the output looks like files people write
(block style, two-space indents, ``on:`` unquoted, ``terraform fmt`` alignment, comments) and so
that ``benchmarks/`` needs nothing outside the standard library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Annotated",
    "Comment",
    "Expr",
    "Flow",
    "Heredoc",
    "hcl_attributes",
    "hcl_block",
    "hcl_value",
    "yaml_document",
    "yaml_stream",
]


# --------------------------------------------------------------------------- YAML


class Flow(tuple):  # type: ignore[type-arg]
    """A short sequence written in flow style: ``[ALL]``, ``[main]``."""


class Comment(str):
    """A mapping key that is written as a ``# comment`` line (its value is ignored)."""

    __slots__ = ()


@dataclass(frozen=True)
class Annotated:
    """A scalar followed by a trailing comment: ``uses: actions/checkout@<sha>  # v4.2.2``."""

    value: Any
    comment: str


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
# YAML 1.1 turns these into booleans/null; Kubernetes tooling still loads YAML 1.1.
_YAML11_WORDS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
    r"on|On|ON|off|Off|OFF|null|Null|NULL|~)$"
)
_NUMBERISH = re.compile(
    r"^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$"  # ints, floats, 1e3
    r"|^[-+]?0[xXoObB]"  # hex/octal/binary
    r"|^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$"
    r"|^[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?$"  # YAML 1.1 sexagesimal: 22:22
)
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")


def _plain_ok(text: str) -> bool:
    """Whether a string can be written as a plain scalar and read back as the same string."""
    return not (
        not text
        or text[0] in _INDICATORS
        or text[0] == " "
        or text[-1] == " "
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or "\n" in text
        or "\t" in text
        or not text.isprintable()
        or _YAML11_WORDS.match(text)
        or _NUMBERISH.match(text)
    )


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return text if _plain_ok(text) else json.dumps(text)


def _flow_scalar(value: Any) -> str:
    text = _scalar(value)
    # Inside [...] a plain scalar must not contain flow indicators.
    if text[:1] != '"' and any(ch in text for ch in ",[]{}"):
        return json.dumps(str(value))
    return text


def _key(key: Any) -> str:
    text = str(key)
    return text if _PLAIN_KEY.match(text) else json.dumps(text)


def _inline(value: Any) -> str | None:
    """The one-line form of a value, or None when it needs a block."""
    if isinstance(value, Annotated):
        return f"{_scalar(value.value)}  # {value.comment}"
    if isinstance(value, Flow):
        return "[" + ", ".join(_flow_scalar(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{}" if not value else None
    if isinstance(value, list):
        return "[]" if not value else None
    if isinstance(value, str) and "\n" in value:
        return None
    return _scalar(value)


def _block_scalar(text: str, indent: int) -> list[str]:
    style = "|" if text.endswith("\n") else "|-"
    pad = " " * indent
    return [style] + [pad + line if line else "" for line in text.rstrip("\n").split("\n")]


def _mapping(value: Mapping[Any, Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for key, item in value.items():
        if isinstance(key, Comment):
            out.append(f"{pad}# {key}")
            continue
        head = f"{pad}{_key(key)}:"
        one = _inline(item)
        if one is not None:
            out.append(f"{head} {one}")
        elif isinstance(item, str):
            block = _block_scalar(item, indent + 2)
            out.append(f"{head} {block[0]}")
            out.extend(block[1:])
        elif isinstance(item, Mapping):
            out.append(head)
            out.extend(_mapping(item, indent + 2))
        else:
            out.append(head)
            out.extend(_sequence(item, indent + 2))
    return out


def _sequence(value: Sequence[Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for item in value:
        one = _inline(item)
        if one is not None:
            out.append(f"{pad}- {one}")
        elif isinstance(item, str):
            block = _block_scalar(item, indent + 2)
            out.append(f"{pad}- {block[0]}")
            out.extend(block[1:])
        elif isinstance(item, Mapping):
            lines = _mapping(item, indent + 2)
            out.append(f"{pad}- {lines[0][indent + 2 :]}")
            out.extend(lines[1:])
        else:
            lines = _sequence(item, indent + 2)
            out.append(f"{pad}- {lines[0][indent + 2 :]}")
            out.extend(lines[1:])
    return out


def yaml_document(value: Mapping[Any, Any]) -> str:
    return "\n".join(_mapping(value, 0)) + "\n"


def yaml_stream(documents: Sequence[Mapping[Any, Any]], header: Sequence[str] = ()) -> str:
    """A multi-document file: ``---`` between documents, optional ``#`` header lines."""
    head = "".join(f"# {line}\n" for line in header)
    return head + "---\n".join(yaml_document(d) for d in documents)


# --------------------------------------------------------------------------- HCL


@dataclass(frozen=True)
class Expr:
    """A raw HCL expression: ``var.name``, ``aws_s3_bucket.this.id``, ``length(var.azs)``."""

    text: str


@dataclass(frozen=True)
class Heredoc:
    """``<<-EOT`` ... ``EOT``."""

    text: str
    tag: str = "EOT"


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _hcl_key(key: str) -> str:
    return key if _IDENT.match(key) else json.dumps(key)


def hcl_value(value: Any, indent: int = 0) -> str:
    """A Python value as HCL; ``indent`` is the column of the line the value starts on."""
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, Heredoc):
        pad = " " * (indent + 2)
        body = "\n".join(pad + line if line else "" for line in value.text.rstrip("\n").split("\n"))
        return f"<<-{value.tag}\n{body}\n{' ' * indent}{value.tag}"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        lines = _attribute_lines([(str(k), v) for k, v in value.items()], indent + 2)
        return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"
    if isinstance(value, Sequence):
        items = [hcl_value(v, indent + 2) for v in value]
        one = "[" + ", ".join(items) + "]"
        if len(one) <= 60 and "\n" not in one:
            return one
        pad = " " * (indent + 2)
        return "[\n" + "".join(f"{pad}{i},\n" for i in items) + " " * indent + "]"
    raise TypeError(f"no HCL form for {value!r}")


def _attribute_lines(items: Sequence[tuple[str, Any]], indent: int) -> list[str]:
    """``name = value`` lines with the '=' aligned, as ``terraform fmt`` does."""
    if not items:
        return []
    width = max(len(_hcl_key(name)) for name, _ in items)
    pad = " " * indent
    return [f"{pad}{_hcl_key(name).ljust(width)} = {hcl_value(v, indent)}" for name, v in items]


def hcl_block(header: str, items: Sequence[tuple[str, Any]]) -> str:
    """``header { name = value ... }``, e.g. ``hcl_block("locals", [...])``."""
    return header + " {\n" + "\n".join(_attribute_lines(items, 2)) + "\n}"


def hcl_attributes(items: Sequence[tuple[str, Any]]) -> str:
    """Top-level ``name = value`` lines (a ``.tfvars`` file)."""
    return "\n".join(_attribute_lines(items, 0)) + "\n"
