"""Helm charts: skipped with a reason, or rendered by helm (opt-in) and judged on the template."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest

from pytest_devops_policy.formats.kubernetes.helm import align
from pytest_devops_policy.formats.kubernetes.helm import split as _split
from pytest_devops_policy.indexes.helm import chart_root

TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          securityContext:
            runAsUser: 0
"""
RENDERED = """\
---
# Source: shop/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-shop
  labels:
    app.kubernetes.io/name: shop
    app.kubernetes.io/instance: release
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: "registry.example.com/shop:latest"
          securityContext:
            runAsUser: 0
"""


def _chart(root: Path) -> Path:
    chart = root / "charts-src" / "shop"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("replicas: 2\n")
    (chart / "templates" / "deploy.yaml").write_text(TEMPLATE)
    return chart


def _fake_helm(bindir: Path, output: str, status: int = 0) -> None:
    bindir.mkdir(parents=True, exist_ok=True)
    out = bindir / "rendered.txt"
    out.write_text(output)
    script = bindir / "helm"
    body = f'cat "{out}"' if status == 0 else f'echo "Error: {output}" >&2; exit {status}'
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


RUN = ("--devops-policy-only", "-p", "no:cacheprovider", "-rs", "--devops-policy-ignore=SECRET")
RENDER = ("--devops-policy-helm-render",)


def test_templates_are_skipped_with_how_to_render(pytester: pytest.Pytester) -> None:
    _chart(pytester.path)
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*Helm chart template*--devops-policy-helm-render*"])


def test_render_without_helm_says_so(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chart(pytester.path)
    monkeypatch.setenv("PATH", str(pytester.path / "empty-bin"))
    result = pytester.runpytest(*RUN, *RENDER)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs the helm binary, which is not on PATH*"])


def test_rendered_findings_point_at_the_template(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chart(pytester.path)
    _fake_helm(pytester.path / "bin", RENDERED)
    monkeypatch.setenv("PATH", f"{pytester.path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = pytester.runpytest(*RUN, *RENDER, "--devops-policy-select", "K8S-001,K8S-015")
    result.assert_outcomes(failed=2)
    # runAsUser: 0 is line 15 of the template (line 18 of helm's output).
    result.stdout.fnmatch_lines(
        [
            "*Deployment/release-shop::K8S-001*",
            "*--> charts-src/shop/templates/deploy.yaml:15*",
        ]
    )
    result.stdout.fnmatch_lines(["*--> charts-src/shop/templates/deploy.yaml:13*"])


def test_render_errors_are_the_skip_reason(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chart(pytester.path)
    _fake_helm(pytester.path / "bin", "found in Chart.yaml, but missing in charts/ directory", 1)
    monkeypatch.setenv("PATH", f"{pytester.path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = pytester.runpytest(*RUN, *RENDER)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*helm template failed: Error: found in Chart.yaml*"])


def test_split_maps_sources_to_template_files(tmp_path: Path) -> None:
    out = RENDERED + "---\n# Source: shop/charts/db/templates/svc.yaml\nkind: Service\n"
    docs = _split(str(tmp_path), out)
    assert sorted(os.path.relpath(p, tmp_path) for p in docs) == [
        "charts/db/templates/svc.yaml",
        "templates/deploy.yaml",
    ]


def test_align_follows_the_template_in_order() -> None:
    template = textwrap.dedent(
        """\
        a:
          name: {{ .x }}
        b:
          name: fixed
        """
    ).splitlines()
    rendered = ["# Source: c/templates/t.yaml", "a:", "  name: one", "b:", "  name: fixed"]
    assert align(rendered, template) == [1, 1, 2, 3, 4]


def test_chart_root(tmp_path: Path) -> None:
    chart = _chart(tmp_path)
    assert chart_root(str(chart / "templates" / "deploy.yaml")) == str(chart)
    assert chart_root(str(tmp_path / "templates" / "x.yaml")) is None


PDB_RENDERED = """\
---
# Source: shop/templates/pdb.yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: release-shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: shop}
"""


def test_rendered_objects_join_the_cross_object_index(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart = _chart(pytester.path)
    (chart / "templates" / "pdb.yaml").write_text("{{- if .Values.pdb }}\n...\n{{- end }}\n")
    labelled = RENDERED.replace(
        "  template:\n", "  template:\n    metadata:\n      labels: {app: shop}\n"
    )
    _fake_helm(pytester.path / "bin", labelled + PDB_RENDERED)
    monkeypatch.setenv("PATH", f"{pytester.path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = pytester.runpytest(*RUN, *RENDER, "--devops-policy-select", "K8S-026")
    result.assert_outcomes(passed=1)  # the Deployment's PDB comes from another template
    _fake_helm(pytester.path / "bin", labelled)
    result = pytester.runpytest(*RUN, *RENDER, "--devops-policy-select", "K8S-026")
    result.assert_outcomes(failed=1, skipped=1)  # pdb.yaml now renders nothing: a note
