"""Helm's rendered output read back onto the chart's templates (pure: no helm, no I/O).

``split`` divides ``helm template`` output by its ``# Source:`` comments; ``align`` maps each
rendered line to the template line that produced it (exact text first, then the same key), so
a finding points at the template; ``parse_rendered`` parses one template's rendered objects
with those positions. Running helm is ``indexes/helm.py``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace

from pytest_devops_policy.formats.kubernetes.objects import K8sFile
from pytest_devops_policy.formats.kubernetes.objects import parse as parse_manifest
from pytest_devops_policy.model import Source

__all__ = ["align", "parse_rendered", "split"]

_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.M)
_KEY = re.compile(r"^\s*(?:-\s+)?([^:#\s][^:#]*?)\s*:(?:\s|$)")


def split(chart: str, output: str) -> dict[str, list[str]]:
    """``# Source: <chart-name>/templates/x.yaml`` -> the template file in ``chart``.

    The first path component is the chart's name, whatever its directory is
    called; subchart sources (``<name>/charts/<sub>/templates/...``) map the same way.
    """
    docs: dict[str, list[str]] = {}
    for chunk in re.split(r"(?m)^---\s*$", output):
        m = _SOURCE.search(chunk)
        if m is None:
            continue
        _, _, rest = m.group(1).partition("/")
        target = os.path.normpath(os.path.join(chart, rest))
        docs.setdefault(target, []).append(chunk.strip("\n") + "\n")
    return docs


# -- positions: rendered lines back onto the template -----------------------------


def _key(line: str) -> str | None:
    m = _KEY.match(line)
    return m.group(1) if m else None


def align(rendered: Sequence[str], template: Sequence[str]) -> list[int]:
    """For each rendered line (0-based list), the 1-based template line it came from.

    Template lines are consumed in order, so a key that repeats (``name:``)
    maps to its own occurrence. An unmatched line maps to the last match.
    """
    stripped = [t.strip() for t in template]
    keys = [_key(t) for t in template]
    out: list[int] = []
    cursor = 0  # next template line (0-based) that may match
    last = 1
    for line in rendered:
        text = line.strip()
        found = None
        if text and not text.startswith("#"):
            window = range(cursor, min(len(template), cursor + 400))
            found = next((i for i in window if stripped[i] == text), None)
            if found is None:
                key = _key(line)
                if key is not None:
                    found = next((i for i in window if keys[i] == key), None)
        if found is not None:
            cursor = found + 1
            last = found + 1
        out.append(last)
    return out


def parse_rendered(source: Source, template: Sequence[str]) -> K8sFile:
    """Rendered objects of one template (``source.text`` is helm's output for it, ``template``
    the template file's lines), positioned on the template file at ``source.path``."""
    parsed = parse_manifest(source)
    mapping = align(source.text.splitlines(), template)

    def remap(line: int) -> int:
        return mapping[line - 1] if 1 <= line <= len(mapping) else 1

    for doc in parsed.documents:
        doc.lines = {path: (remap(line), col) for path, (line, col) in doc.lines.items()}
        doc.start_line = remap(doc.start_line)
    for subject in parsed.subjects:
        subject.line = remap(subject.line)
    return replace(parsed, unjudged=[(k, remap(n)) for k, n in parsed.unjudged])
