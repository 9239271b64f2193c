"""``.gitignore`` patterns, as git reads them (gitignore(5)), for one question: would git
ignore this path? Pure: the caller reads the files (``indexes.gitignore``).

* Blank lines and ``#`` comments are skipped; ``\\#`` and ``\\!`` escape a leading ``#``/``!``;
  trailing spaces are dropped unless escaped.
* ``!`` re-includes; the last matching pattern wins, and a deeper ``.gitignore`` comes after
  the ones above it.
* A trailing ``/`` matches directories only. A ``/`` at the start or in the middle anchors
  the pattern to the ``.gitignore``'s directory; otherwise it matches a name at any depth.
* ``*`` and ``?`` never match ``/``; ``[...]`` is a class; ``**/`` is any directories,
  ``/**`` everything inside, ``/**/`` zero or more directories.
* A path inside an ignored directory is ignored, whatever a later ``!`` says (git does not
  descend into an ignored directory).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Pattern", "ignored", "parse"]


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool
    anchored: bool  # matched against the path relative to the file's directory, else a name


def parse(text: str) -> list[Pattern]:
    """The patterns of one ``.gitignore``, in order."""
    out = []
    for raw in text.splitlines():
        line = _strip_trailing_spaces(raw)
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated or line.startswith(("\\#", "\\!")):
            line = line[1:]
        directory_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        out.append(Pattern(re.compile(_translate(line)), negated, directory_only, anchored))
    return out


def _strip_trailing_spaces(line: str) -> str:
    end = len(line)
    while end > 0 and line[end - 1] == " " and not (end > 1 and line[end - 2] == "\\"):
        end -= 1
    out = line[:end]
    return out[:-2] + " " if out.endswith("\\ ") else out


def _translate(pattern: str) -> str:
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        at_segment = i == 0 or pattern[i - 1] == "/"
        if pattern.startswith("**/", i) and at_segment:
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i) and at_segment and i + 2 == n:
            out.append(".*")
            i += 2
        elif c == "*":
            while i < n and pattern[i] == "*":
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end < 0:
                out.append(re.escape(c))
                i += 1
                continue
            body = pattern[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            body = body.replace("\\", "\\\\").replace("[", "\\[")
            out.append(f"[{'^/' if negate else ''}{body}]")
            i = end + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out) + r"\Z"


def _matches(pattern: Pattern, relpath: str, is_dir: bool) -> bool:
    if pattern.directory_only and not is_dir:
        return False
    subject = relpath if pattern.anchored else relpath.rsplit("/", 1)[-1]
    return pattern.regex.match(subject) is not None


def _verdict(
    files: Sequence[tuple[str, Sequence[Pattern]]], relpath: str, is_dir: bool
) -> bool | None:
    """True: ignored, False: re-included, None: no pattern says."""
    verdict: bool | None = None
    for base, patterns in files:
        if base and not relpath.startswith(base + "/"):
            continue
        local = relpath[len(base) + 1 :] if base else relpath
        for pattern in patterns:
            if _matches(pattern, local, is_dir):
                verdict = not pattern.negated
    return verdict


def ignored(files: Sequence[tuple[str, Sequence[Pattern]]], relpath: str) -> bool:
    """Would git ignore the file ``relpath`` (``/``-separated, relative to the repository)?
    ``files``: each ``.gitignore``'s directory (relative, ``""`` for the top) and its
    patterns, shallowest first."""
    parts = relpath.split("/")
    for depth in range(1, len(parts)):
        if _verdict(files, "/".join(parts[:depth]), True):
            return True  # git never looks inside an ignored directory
    return bool(_verdict(files, relpath, False))
