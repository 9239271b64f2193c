"""Helm chart templates, rendered by the real ``helm`` binary when the user opts in.

Templates are Go templates, not YAML, so they are never parsed as manifests.
With ``k8s.helm_render`` (``--devops-policy-helm-render``) and ``helm`` on
PATH, each chart is rendered once per process with ``helm template`` and the
chart's own default values; ``# Source:`` comments split the output back into
templates. Each template's rendered objects are judged as Kubernetes objects,
and their positions are mapped back onto the template file by aligning the
rendered lines with the template's lines in order (exact text first, then the
same key), so a finding points at the template line that produced it.

The chart is rendered without network access: ``helm template`` of a local
chart needs none, unless the chart declares dependencies that are not vendored
under ``charts/``; then helm's own error is the skip reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.engine.evaluate import Context, ParseCache
from pytest_devops_policy.formats.kubernetes import objects as kubernetes
from pytest_devops_policy.model import ParsedFile, Source

__all__ = ["RenderedChart", "chart_root", "parse", "render_chart", "rendered_template"]

RENDER_TIMEOUT = 120  # seconds per chart
_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.M)
_KEY = re.compile(r"^\s*(?:-\s+)?([^:#\s][^:#]*?)\s*:(?:\s|$)")


@dataclass
class RenderedChart:
    """One chart's ``helm template`` output, split by source template (absolute path)."""

    chart: str
    documents: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None

    def text_for(self, template: str) -> str | None:
        docs = self.documents.get(os.path.normpath(template))
        return None if docs is None else "---\n".join(docs)


def chart_root(path: str) -> str | None:
    """The chart directory of a file under ``<chart>/templates/``."""
    parts = os.path.normpath(path).split(os.sep)
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == "templates":
            root = os.sep.join(parts[:i]) or os.sep
            if os.path.isfile(os.path.join(root, "Chart.yaml")):
                return root
    return None


def helm_binary() -> str | None:
    return shutil.which("helm")


def _split(chart: str, output: str) -> dict[str, list[str]]:
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


def render_chart(chart: str, helm: str, timeout: float = RENDER_TIMEOUT) -> RenderedChart:
    """Run ``helm template`` once for the chart (no shell, no network flags, default values)."""
    try:
        proc = subprocess.run(
            [helm, "template", "devops-policy", chart],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return RenderedChart(chart, error=f"helm template could not run: {exc}")
    if proc.returncode != 0:
        message = (proc.stderr or proc.stdout).strip().splitlines()
        first = message[0] if message else f"exit status {proc.returncode}"
        return RenderedChart(chart, error=f"helm template failed: {first}")
    return RenderedChart(chart, _split(chart, proc.stdout))


def rendered_chart(cache: ParseCache, chart: str) -> RenderedChart | None:
    """The chart rendered once per process; None when helm is not on PATH."""
    key = ("helm-chart", chart)
    hit: RenderedChart | None = cache.shared.get(key)
    if hit is None:
        helm = helm_binary()
        if helm is None:
            return None
        hit = cache.shared[key] = render_chart(chart, helm)
    return hit


def rendered_template(path: str, context: Context) -> str | RenderedChart | None:
    """What ``helm template`` made of one template file: its text, or the chart
    (carrying the error) when rendering failed, or None when helm is absent."""
    chart = chart_root(path)
    if chart is None:
        return None
    rendered = rendered_chart(context.cache, chart)
    if rendered is None or rendered.error:
        return rendered
    return rendered.text_for(path) or ""


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


def parse(source: Source) -> ParsedFile:
    """Rendered objects of one template (``source.text`` is helm's output for it),
    positioned on the template file at ``source.path``."""
    parsed = kubernetes.parse(source)
    try:
        with open(source.path, encoding="utf-8", errors="replace") as fh:
            template = fh.read().splitlines()
    except OSError:
        template = []
    mapping = align(source.text.splitlines(), template)

    def remap(line: int) -> int:
        return mapping[line - 1] if 1 <= line <= len(mapping) else 1

    for doc in parsed.extra.get("documents", ()):
        doc.lines = {path: (remap(line), col) for path, (line, col) in doc.lines.items()}
        doc.start_line = remap(doc.start_line)
    for subject in parsed.subjects:
        subject.line = remap(subject.line)
    parsed.extra["unjudged"] = [(k, remap(n)) for k, n in parsed.extra.get("unjudged", ())]
    return parsed


# The rendered objects are Kubernetes objects: same run, same kustomize rules.
contextualise = kubernetes.contextualise


def cache_token(path: str, context: Context) -> str:
    """The chart is part of the key through the rendered text; the run index as for manifests."""
    return kubernetes.cache_token(path, context)
