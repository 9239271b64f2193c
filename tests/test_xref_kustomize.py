"""knowledge.xref.kustomize: static kustomize transforms for cross-artifact links (§9.2-6)."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.knowledge.xref.kustomize import (
    KustomizeBuild,
    RenderedObject,
    build_kustomization,
)

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: base-ns
  labels: {app: web}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: app:1
      containers:
        - name: web
          image: app:1
        - name: sidecar
          image: ghcr.io/o/proxy@sha256:aaaa
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
---
apiVersion: v1
kind: Namespace
metadata:
  name: web-ns
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: app
"""

BASE_K = """\
resources:
  - deployment.yaml
"""


def _tree(files: dict[str, str]) -> dict[str, str]:
    return {f"/repo/{k}": textwrap.dedent(v) for k, v in files.items()}


def _build(files: dict[str, str], directory: str) -> KustomizeBuild:
    tree = _tree(files)
    return build_kustomization(f"/repo/{directory}", tree.get)


def _obj(b: KustomizeBuild, kind: str) -> RenderedObject:
    (found,) = [o for o in b.objects if o.kind == kind]
    return found


def _images(o: RenderedObject) -> dict[str, str | None]:
    return {c.name or "": c.image for c in o.containers}


def test_plain_base() -> None:
    b = _build({"base/kustomization.yaml": BASE_K, "base/deployment.yaml": DEPLOYMENT}, "base")
    assert [o.kind for o in b.objects] == ["Deployment", "Service", "Namespace", "CronJob"]
    d = _obj(b, "Deployment")
    assert (d.name, d.namespace, d.original_name) == ("web", "base-ns", "web")
    assert _images(d) == {
        "migrate": "app:1",
        "web": "app:1",
        "sidecar": "ghcr.io/o/proxy@sha256:aaaa",
    }
    assert [c.list_name for c in d.containers] == ["containers", "containers", "initContainers"]
    assert d.source == "/repo/base/deployment.yaml" and d.line == 1
    assert b.unknown_sources == ()
    assert b.find("Deployment", "web") == [d]
    assert b.find("Deployment", "web", "other") == []
    assert not b.may_hide("Deployment")
    assert set(b.files) == {"/repo/base/kustomization.yaml", "/repo/base/deployment.yaml"}


OVERLAY = {
    "base/kustomization.yaml": BASE_K,
    "base/deployment.yaml": DEPLOYMENT,
    "overlays/prod/kustomization.yml": """\
        resources:
          - ../../base
        namespace: prod
        namePrefix: prod-
        nameSuffix: -v2
        commonLabels:
          env: prod
        images:
          - name: app
            newName: ghcr.io/acme/app
            newTag: "2.0"
          - name: ghcr.io/o/proxy
            newTag: "9"
    """,
}


def test_overlay_in_another_directory() -> None:
    b = _build(OVERLAY, "overlays/prod")
    d = _obj(b, "Deployment")
    assert (d.name, d.original_name, d.namespace) == ("prod-web-v2", "web", "prod")
    assert d.labels == {"app": "web", "env": "prod"}
    # newName + newTag; a digest is replaced by the new tag
    assert _images(d) == {
        "web": "ghcr.io/acme/app:2.0",
        "migrate": "ghcr.io/acme/app:2.0",
        "sidecar": "ghcr.io/o/proxy:9",
    }
    web = next(c for c in d.containers if c.name == "web")
    assert (web.original_image, web.image_from) == ("app:1", "images")
    assert _obj(b, "Service").name == "prod-web-v2"
    ns = _obj(b, "Namespace")
    assert (ns.name, ns.namespace) == ("web-ns", None)  # cluster-scoped, never prefixed
    assert _images(_obj(b, "CronJob")) == {"job": "ghcr.io/acme/app:2.0"}
    assert b.find("Deployment", "web") == []
    assert b.find("Deployment", "prod-web-v2", "prod") == [d]
    assert "/repo/base/deployment.yaml" in b.files


@pytest.mark.parametrize(
    ("entry", "image"),
    [
        ("{name: app, newTag: v3}", "app:v3"),
        ("{name: app, newName: registry.local:5000/app}", "registry.local:5000/app:1"),
        ("{name: app, digest: 'sha256:bbbb'}", "app@sha256:bbbb"),
        (
            "{name: app, newName: x/app, digest: 'sha256:bbbb', newTag: ignored}",
            "x/app@sha256:bbbb",
        ),
        ("{name: other, newTag: v3}", "app:1"),
        ("{name: 'app:1', newTag: v3}", "app:1"),  # names match without the tag
    ],
)
def test_images_entries(entry: str, image: str) -> None:
    files = {
        "k/kustomization.yaml": f"resources: [d.yaml]\nimages:\n  - {entry}\n",
        "k/d.yaml": DEPLOYMENT,
    }
    assert _images(_obj(_build(files, "k"), "Deployment"))["web"] == image


def test_outer_namespace_wins_and_inner_prefix_stacks() -> None:
    files = {
        "base/kustomization.yaml": "resources: [deployment.yaml]\nnamespace: in\nnamePrefix: a-\n",
        "base/deployment.yaml": DEPLOYMENT,
        "mid/kustomization.yaml": "resources: [../base]\nnamePrefix: b-\n",
        "top/kustomization.yaml": "resources: [../mid]\nnamespace: outer\n",
    }
    d = _obj(_build(files, "top"), "Deployment")
    assert (d.name, d.namespace) == ("b-a-web", "outer")
    d_mid = _obj(_build(files, "mid"), "Deployment")
    assert (d_mid.name, d_mid.namespace) == ("b-a-web", "in")


PATCHED = {
    "base/kustomization.yaml": BASE_K,
    "base/deployment.yaml": DEPLOYMENT,
    "o/kustomization.yaml": """\
        resources: [../base]
        namePrefix: prod-
        patches:
          - path: image.yaml
          - target: {kind: Deployment, name: web}
            patch: |
              apiVersion: apps/v1
              kind: Deployment
              metadata: {name: ignored}
              spec:
                template:
                  spec:
                    containers:
                      - name: debug
                        image: busybox
        patchesStrategicMerge:
          - |-
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
    """,
    "o/image.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - name: web
                  image: ghcr.io/acme/web:patched
                  resources: {limits: {memory: 1Gi}}
    """,
}


def test_strategic_merge_patches_for_container_images() -> None:
    b = _build(PATCHED, "o")
    d = _obj(b, "Deployment")
    assert d.name == "prod-web"
    assert _images(d)["web"] == "ghcr.io/acme/web:patched"
    assert _images(d)["debug"] == "busybox"  # a container added by a patch
    web = next(c for c in d.containers if c.name == "web")
    assert web.image_from == "patch" and web.original_image == "app:1"
    debug = next(c for c in d.containers if c.name == "debug")
    assert debug.original_image is None
    # what the patches change beyond names and images is listed, not applied
    assert "image.yaml: containers[web].resources" in d.unapplied
    assert "inline patch: spec" in d.unapplied
    assert b.unknown_sources == ()
    assert "/repo/o/image.yaml" in b.files


@pytest.mark.parametrize(
    ("kustomization", "reason", "kinds"),
    [
        (
            "resources: [d.yaml, 'https://github.com/acme/base//deploy?ref=v1']",
            "remote base",
            None,
        ),
        ("resources: [d.yaml, github.com/acme/base/deploy]", "remote base", None),
        ("resources: [d.yaml, missing.yaml]", "not found", None),
        ("resources: [d.yaml, ../nowhere]", "not found", None),
        (
            "resources: [d.yaml]\nconfigMapGenerator:\n  - name: cfg\n    literals: [a=b]",
            "generated ConfigMaps",
            frozenset({"ConfigMap"}),
        ),
        (
            "resources: [d.yaml]\nsecretGenerator:\n  - name: s\n    literals: [a=b]",
            "generated Secrets",
            frozenset({"Secret"}),
        ),
        ("resources: [d.yaml]\ntransformers: [t.yaml]", "transformers", None),
        ("resources: [d.yaml]\nreplacements: [{path: r.yaml}]", "replacements", None),
        (
            "resources: [d.yaml]\nhelmCharts:\n  - name: redis\n    repo: https://charts",
            "Helm chart",
            None,
        ),
        (
            "resources: [d.yaml]\npatchesJson6902:\n  - target: {kind: Deployment, name: web}\n"
            "    path: p.yaml",
            "JSON 6902",
            frozenset({"Deployment"}),
        ),
        (
            "resources: [d.yaml]\npatches:\n  - target: {kind: Deployment, name: web}\n"
            "    patch: '[{op: replace, path: /spec/replicas, value: 2}]'",
            "JSON 6902",
            frozenset({"Deployment"}),
        ),
        (
            "resources: [d.yaml]\npatches:\n  - target: {kind: Deployment, labelSelector: a=b}\n"
            "    path: p.yaml",
            "selector",
            frozenset({"Deployment"}),
        ),
        ("resources: [d.yaml]\npatches:\n  - path: nothere.yaml", "not in the repository", None),
    ],
)
def test_unknown_sources(kustomization: str, reason: str, kinds: frozenset[str] | None) -> None:
    files = {
        "k/kustomization.yaml": kustomization + "\n",
        "k/d.yaml": DEPLOYMENT,
        "k/p.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
    }
    b = _build(files, "k")
    assert _obj(b, "Deployment").name == "web"  # what is readable is still there
    (unknown,) = b.unknown_sources
    assert reason in unknown.reason
    assert unknown.kinds == kinds
    assert unknown.kustomization == "/repo/k/kustomization.yaml"
    assert b.may_hide("Deployment") is (kinds is None or "Deployment" in kinds)


def test_patch_for_an_absent_object_is_unknown() -> None:
    files = {
        "k/kustomization.yaml": "resources: [d.yaml]\npatches: [{path: p.yaml}]\n",
        "k/d.yaml": DEPLOYMENT,
        "k/p.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n",
    }
    (unknown,) = _build(files, "k").unknown_sources
    assert "Deployment/api" in unknown.reason


def test_no_kustomization_and_cycles() -> None:
    b = _build({"x/d.yaml": DEPLOYMENT}, "x")
    assert b.objects == () and "no kustomization" in b.unknown_sources[0].reason
    cyc = _build(
        {
            "a/kustomization.yaml": "resources: [../b, d.yaml]\n",
            "a/d.yaml": DEPLOYMENT,
            "b/kustomization.yaml": "resources: [../a]\n",
        },
        "a",
    )
    assert "cycle" in cyc.unknown_sources[0].reason
    assert len([o for o in cyc.objects if o.kind == "Deployment"]) == 1


def test_templated_manifest_is_unknown() -> None:
    files = {
        "k/kustomization.yaml": "resources: [d.yaml, t.yaml]\n",
        "k/d.yaml": DEPLOYMENT,
        "k/t.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  {{- if .x }}\n",
    }
    (unknown,) = _build(files, "k").unknown_sources
    assert unknown.reference == "/repo/k/t.yaml"
