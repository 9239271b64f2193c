"""Where a file's real comments are, in the syntax of its kind: only those can waive.

A ``# devops-policy: ignore[...]`` inside a string value (a ``LABEL``, a ``RUN echo``, a
ConfigMap script, a workflow ``run:`` block, a Terraform string) is data, not a comment: the
file's own tools never read it as one, so it must not waive anything. Each scanner is a single
pass over the text (no regex backtracking) and errs on the side of "not a comment".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["dockerfile_comments", "hcl_comments", "yaml_comments"]

Comment = tuple[int, str]  # (1-based line, the comment text from its marker on)

_HEREDOC = re.compile(r"<<(-?)[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
# A YAML block scalar indicator ends the line: `key: |`, `- >-`, `run: |2+  # comment`.
_BLOCK = re.compile(r"(?:^|[\s:\-])[|>][0-9+\-]{0,3}[ \t]*(?:#.*)?$")


def dockerfile_comments(text: str) -> Iterator[Comment]:
    """Whole-line comments (Dockerfiles have no trailing comments), outside heredoc bodies."""
    ends: list[tuple[str, bool]] = []  # heredoc terminators still open, with their `<<-`
    for n, line in enumerate(text.split("\n"), start=1):
        if ends:
            word, dash = ends[0]
            if (line.strip() if dash else line) == word:
                ends.pop(0)
            continue
        stripped = line.lstrip()
        if stripped.startswith("#"):
            yield n, stripped
            continue
        ends.extend((m.group(2), m.group(1) == "-") for m in _HEREDOC.finditer(line))


def yaml_comments(text: str) -> Iterator[Comment]:
    """``#`` comments outside quoted scalars and block scalars."""
    block_indent: int | None = None  # inside a block scalar deeper than this indentation
    quote = ""  # an open multi-line quoted scalar
    for n, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue  # block content (or a blank line inside it)
            block_indent = None
        col, quote = _yaml_comment_start(line, quote)
        if col is not None:
            yield n, line[col:]
        code = line if col is None else line[:col]
        if not quote and _BLOCK.search(code.rstrip()) and not code.lstrip().startswith("#"):
            block_indent = indent


def _yaml_comment_start(line: str, quote: str) -> tuple[int | None, str]:
    """Where a comment starts on the line (None), and the quote still open at its end."""
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quote:
            if quote == '"' and ch == "\\":
                i += 2
                continue
            if ch == quote:
                if quote == "'" and i + 1 < n and line[i + 1] == "'":
                    i += 2  # '' is an escaped quote
                    continue
                quote = ""
        elif ch in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i, quote
        i += 1
    return None, quote


def hcl_comments(text: str) -> Iterator[Comment]:
    """``#``, ``//`` and ``/* */`` comments outside strings and heredocs."""
    lines = text.split("\n")
    heredoc: tuple[str, bool] | None = None
    in_block = False
    for n, line in enumerate(lines, start=1):
        if heredoc is not None:
            word, dash = heredoc
            if (line.strip() if dash else line) == word:
                heredoc = None
            continue
        i, size, in_string = 0, len(line), False
        while i < size:
            ch = line[i]
            if in_block:
                if line.startswith("*/", i):
                    in_block = False
                    i += 2
                    continue
                i += 1
                continue
            if in_string:
                if ch == "\\":
                    i += 2
                    continue
                if ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "#" or line.startswith("//", i):
                yield n, line[i:]
                break
            elif line.startswith("/*", i):
                yield n, line[i:]
                in_block = True
                i += 2
                continue
            elif line.startswith("<<", i):
                m = _HEREDOC.match(line, i)
                if m is not None:
                    heredoc = (m.group(2), m.group(1) == "-")
                    break
            i += 1
