"""The SECRET file-class rules (catalog §6.2, SECRET-011…014): files that should not be in a
repository at all, judged by their name and, where the rule says so, their content.

* SECRET-011 ``env_file_findings``: an environment file (``.env``, ``.env.local``,
  ``*.env``, ``.envrc``) with a value under a secret-like key; its template
  (``.env.example``, ``.sample``, ``.template``, ``.dist``) with a real-looking one.

Pure functions over a file's path and text; the policies add what needs the file system
(``indexes.secrets_files``). Each finding carries the value to mask (never printed).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pytest_devops_policy.knowledge.secrets.generic import (
    env_assignments,
    env_file_class,
    is_secret_key,
    literal_ok,
    stands_for_a_value,
)

__all__ = ["FileFinding", "Lines", "env_file_findings"]

# The detector pragmas the engine honours (``engine._PRAGMA``): a line that carries one is
# allowlisted for every SECRET rule.
PRAGMA = re.compile(r"pragma:\s*allowlist[ -]secret|gitleaks:allow", re.I)


@dataclass(frozen=True)
class FileFinding:
    """One finding of a file-class rule: what (never the value), where, the value to mask."""

    message: str
    line: int = 1
    col: int = 1
    secret: str | None = None
    severity: str | None = None  # overrides the policy's: "high" for a Helm value


class Lines:
    """Offsets to 1-based lines and columns, and the text of a line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        at = text.find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]

    def allowlisted(self, line: int) -> bool:
        return PRAGMA.search(self.line_text(line)) is not None


# --------------------------------------------------------------------------- SECRET-011


def env_file_findings(text: str, path: str) -> list[FileFinding]:
    """A committed environment file's values under secret-like keys: any value that is not
    a reference, a placeholder or empty (the file is the secret's home, so a short or
    weak-looking password counts too); in a template only a value that passes the
    SECRET-009 gate (a real-looking credential left in the example)."""
    cls = env_file_class(path)
    if cls is None:
        return []
    lines = Lines(text)
    out = []
    for key, value, start, _end in env_assignments(text):
        v = value.strip()
        if not v or not is_secret_key(key, v):
            continue
        if cls == "env" and stands_for_a_value(key, v):
            continue
        if cls == "example" and not literal_ok(key, v, quoted=True):
            continue
        line, col = lines.position(start + (len(value) - len(value.lstrip())))
        if lines.allowlisted(line):
            continue
        where = "a template of an environment file" if cls == "example" else "an environment file"
        out.append(FileFinding(f"{key} has a value in {where}", line, col, v))
    return out
