"""Heredocs, read the same way by both HCL parsers.

A heredoc's body is raw text: this module cuts it out of the token as Terraform
does (``<<-`` removes the common indentation) and finds its interpolations.
"""

from __future__ import annotations

import re

from pytest_devops_policy.formats.numbers import whole_number
from pytest_devops_policy.formats.terraform.model import Expr, Template, Value, make_template

__all__ = ["closing_brace", "heredoc_body", "split_heredoc"]


_REF_TEXT = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$")
_REF_PART = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")


def _expr_from_text(text: str) -> Expr:
    """An interpolation found in raw heredoc text: a traversal, or opaque text."""
    text = text.strip().strip("~").strip()
    if _REF_TEXT.match(text):
        head = re.match(r"^[A-Za-z_][\w-]*", text)
        if head is None:  # unreachable: _REF_TEXT matched
            return Expr(text)
        parts: list[str | int] = [head.group(0)]
        for m in _REF_PART.finditer(text, head.end()):
            if m.group(1) is not None:
                parts.append(m.group(1))
                continue
            index = whole_number(m.group(2))
            if index is None:  # an index too big to keep: opaque text
                return Expr(text)
            parts.append(index)
        return Expr(text, "ref", ref=tuple(parts))
    return Expr(text)


_HEREDOC_START = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")


def heredoc_body(raw: str) -> str:
    """The value of a heredoc token ``<<[-]MARKER\n...\nMARKER``.

    Read from the raw token: python-hcl2 8.1 escapes quotes in ``<<-`` bodies even
    when asked for values. As in Terraform, the body keeps the newline that ends
    each content line, and ``<<-`` removes the smallest indentation of the
    non-blank lines.
    """
    match = _HEREDOC_START.match(raw)
    if match is None:
        return raw
    lines = raw[match.end() :].replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and lines[-1].strip() == match.group(2):
        lines.pop()
    if match.group(1):
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        cut = min(indents, default=0)
        lines = [line[cut:] for line in lines]
    return "".join(line + "\n" for line in lines)


def split_heredoc(body: str) -> Value:
    """Heredoc bodies are raw text: find ``${...}``/``%{...}``, honour ``$${``/``%%{`` escapes."""
    parts: list[Value] = []
    chunk: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        two = body[i : i + 2]
        three = body[i : i + 3]
        if three in ("$${", "%%{"):
            chunk.append(three[1:])
            i += 3
            continue
        if two in ("${", "%{"):
            end = closing_brace(body, i + 2)
            if end < 0:  # unbalanced: keep the rest as literal text
                chunk.append(body[i:])
                break
            if chunk:
                parts.append("".join(chunk))
                chunk = []
            inner = body[i + 2 : end]
            parts.append(_expr_from_text(inner) if two == "${" else Expr(body[i : end + 1]))
            i = end + 1
            continue
        chunk.append(body[i])
        i += 1
    if chunk:
        parts.append("".join(chunk))
    if not parts:
        return ""
    if len(parts) == 1 and isinstance(parts[0], str):
        return parts[0]
    merged = make_template(parts)
    # A heredoc is always a string; keep a lone interpolation as a template.
    if isinstance(merged, Expr):
        return Template((merged,))
    return merged


def closing_brace(text: str, start: int) -> int:
    """The ``}`` that closes a template sequence (``${``/``%{``) opened before ``start``,
    skipping quoted strings inside it (-1 if none)."""
    depth = 1
    quote = False
    i = start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                quote = False
        elif c == '"':
            quote = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1
