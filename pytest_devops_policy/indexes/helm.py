"""Helm charts rendered by the real ``helm`` binary, when the user opts in.

Templates are Go templates, not YAML, so they are never parsed as manifests.
With ``k8s.helm_render`` (``--devops-policy-helm-render``) and ``helm`` on
PATH, each chart is rendered once per run with ``helm template`` and the
chart's own default values; ``# Source:`` comments split the output back into
templates, and each template's rendered objects are judged as Kubernetes objects
positioned on the template (``formats/kubernetes/helm.py``).

The chart is rendered without network access: ``helm template`` of a local
chart needs none, unless the chart declares dependencies that are not vendored
under ``charts/``; then helm's own error is the skip reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.kubernetes.helm import parse_rendered as _parse_rendered
from pytest_devops_policy.formats.kubernetes.helm import split
from pytest_devops_policy.formats.kubernetes.objects import K8sFile
from pytest_devops_policy.model import Source
from pytest_devops_policy.safefile import read_text

__all__ = [
    "RenderedChart",
    "chart_root",
    "parse_rendered",
    "render_chart",
    "rendered_chart",
    "rendered_template",
]

RENDER_TIMEOUT = 120  # seconds per chart


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
    return RenderedChart(chart, split(chart, proc.stdout))


def _render(cache: ParseCache, chart: str) -> RenderedChart | None:
    helm = helm_binary()
    return render_chart(chart, helm) if helm is not None else None


def rendered_chart(cache: ParseCache, chart: str) -> RenderedChart | None:
    """The chart rendered once per run; None when helm is not on PATH."""
    return cache.memo(_render, chart)


def rendered_template(path: str, cache: ParseCache) -> str | RenderedChart | None:
    """What ``helm template`` made of one template file: its text, or the chart
    (carrying the error) when rendering failed, or None when helm is absent."""
    chart = chart_root(path)
    if chart is None:
        return None
    rendered = rendered_chart(cache, chart)
    if rendered is None or rendered.error:
        return rendered
    return rendered.text_for(path) or ""


def parse_rendered(source: Source) -> K8sFile:
    """``source.text`` is helm's output for the template at ``source.path``."""
    text = read_text(source.path)  # the template, named by the tree: regular files only
    template = [] if text is None else text.splitlines()
    return _parse_rendered(source, template)
