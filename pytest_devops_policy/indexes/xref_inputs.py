"""What cross-artifact verdicts depend on, known before any file is parsed (issue 23).

An XREF verdict on a workflow job or a workload reads other files: the manifests a job
deploys, the Dockerfile an image is built from, the Terraform that declares a registry. The
result cache must then key the anchor's file on those files too, or a warm run would keep a
stale verdict after the linked file changed (catalog §9.1). ``run_token`` is that part of the
key: one digest of the bytes of every file the anchor's kind may link to in the run, and of
``.git/config`` (the repository name). It hashes bytes and parses nothing, so it costs a read
of each file once per run, whatever the cache holds.

* A workflow job (GitHub Actions, GitLab CI) may link to anything: Kubernetes manifests,
  kustomizations and their patches, Helm charts, Dockerfiles, other workflows, Terraform.
* A Kubernetes workload links to Dockerfiles (its images), the workflows that build them,
  and the kustomizations that rename its images. Other manifests are not inputs here: the
  Services and objects of its deployment units are already in the Kubernetes kind's own key
  (``k8s_run.cache_token``), and editing one manifest then does not re-judge all.

It is deliberately coarse: any change to a linked file re-judges every anchor that could
read it. Finer keys would need each anchor's links before its analysis, which is the
analysis itself. Changed mode (``--devops-policy-changed``) reads the same lists.

``relevant`` tells, from a file's bytes, whether its XREF verdicts can read other files at
all: a workflow that never builds, pushes, deploys or names an environment has no
cross-artifact item, so its cached result needs no token (and a workflows-only run never
computes one).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import PurePath

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.indexes.k8s_run import K8sRun, run_of, run_paths, the_run
from pytest_devops_policy.options.xref import XrefOptions
from pytest_devops_policy.safefile import read_bytes

__all__ = [
    "LINKED_KINDS",
    "input_paths",
    "is_link_source",
    "linked_kinds",
    "relevant",
    "run_files",
    "run_token",
    "xref_k8s_run",
    "xref_paths",
    "xref_roots",
]

# The kinds whose files an XREF policy may read, by the kind of its anchor.
LINKED_KINDS = frozenset({"kubernetes", "dockerfile", "github-actions", "gitlab-ci", "terraform"})
_WORKLOAD_LINKS = frozenset({"dockerfile", "github-actions", "gitlab-ci"})


def linked_kinds(anchor: str) -> frozenset[str]:
    """The kinds of file an XREF verdict on an ``anchor``-kind subject may read."""
    return _WORKLOAD_LINKS if anchor == "kubernetes" else LINKED_KINDS


# A workflow's XREF items come from build, push, side-load, deploy and login commands, and
# from deployment environments (XREF-004): without any of these words it has none.
_WORKFLOW_WORDS = re.compile(
    rb"kubectl|helm|kustomize|docker|podman|buildah|kaniko|gcloud|\baz\b|build-push|"
    rb"skaffold|\bko\b|jib|\bpack\b|crane|skopeo|kind\s+load|minikube|k3d|\becs\b|"
    rb"amazon-ecs|\becr\b|amazon-ecr|environment|registry",
    re.I,
)


def relevant(kind: str, data: bytes) -> bool:
    """Can this file's XREF verdicts depend on other files? (Workflows: only when they
    mention a build, push, deploy or environment; manifests: only when they hold a pod
    template, whose containers link to images; other anchors: always.)"""
    if kind in ("github-actions", "gitlab-ci"):
        return _WORKFLOW_WORDS.search(data) is not None
    if kind == "kubernetes":
        return b"containers" in data
    return True


def _links(kind: str, path: str) -> bool:
    """Can this file be the other end of a link? (A workflow that never builds, pushes or
    deploys links to nothing.)"""
    if kind not in ("github-actions", "gitlab-ci"):
        return True
    data = read_bytes(path)
    return data is None or relevant(kind, data)


def is_link_source(kind: str, path: str) -> bool:
    """Is a changed file at ``path`` (absent: deleted) one that XREF verdicts may read?"""
    return kind in LINKED_KINDS and (not os.path.exists(path) or _links(kind, path))


def _repository(cache: ParseCache) -> bool:
    return cache.options.of(XrefOptions).scope == "repo"


def xref_roots(cache: ParseCache) -> list[str]:
    """Where the index looks (``xref.scope``): the run's roots, or the rootdir."""
    return [cache.rootdir] if _repository(cache) else list(cache.roots)


def _walk_repository(cache: ParseCache, _: None) -> list[str]:
    from pytest_devops_policy.indexes.kubernetes import walk_run

    return [p for p in walk_run([cache.rootdir]) if not cache.excludes.excluded(p)]


def xref_paths(cache: ParseCache) -> list[str]:
    """The files under ``xref_roots`` (walked once per run; the run's own walk in the
    default scope)."""
    if _repository(cache):
        return cache.memo(_walk_repository, None)
    return run_paths(cache)


def _repository_run(cache: ParseCache, _: None) -> K8sRun:
    return run_of(cache, xref_roots(cache), xref_paths(cache))


def xref_k8s_run(cache: ParseCache) -> K8sRun:
    """The Kubernetes files, kustomizations and charts the index reads (``xref.scope``)."""
    if _repository(cache):
        return cache.memo(_repository_run, None)
    return the_run(cache)


def _run_files(cache: ParseCache, _: None) -> tuple[str, ...]:
    from pytest_devops_policy.indexes.workflows import workflow_files

    paths = list(xref_paths(cache))
    for root in xref_roots(cache):
        if os.path.isdir(root):
            paths += workflow_files(os.path.abspath(root))
    return tuple(dict.fromkeys(paths))


def run_files(cache: ParseCache) -> tuple[str, ...]:
    """The files the cross-artifact index sees: ``xref_paths`` (which skip dot-directories)
    plus the workflows in ``<root>/.github/workflows`` of each root, as collection finds
    them (once per run)."""
    return cache.memo(_run_files, None)


def _inputs(cache: ParseCache, anchor: str) -> tuple[str, ...]:
    wanted = linked_kinds(anchor)
    found: set[str] = set()
    from pytest_devops_policy.indexes.xref_sources import is_link_source_name

    for path in run_files(cache):
        kind = cache.classify(PurePath(path))
        if (
            kind is not None and kind.name in wanted and _links(kind.name, path)
        ) or is_link_source_name(os.path.basename(path)):
            found.add(path)
    # Kustomizations rename a workload's images (its links) and shape what a job applies.
    run = xref_k8s_run(cache)
    for k in run.kustomize.kustomizations:
        found.add(k.path)
        found.update(k.patches)
    if "kubernetes" in wanted:  # a job's deploys may also read charts
        found.update(run.charts)
    found.add(os.path.join(cache.rootdir, ".git", "config"))
    return tuple(sorted(found))


def input_paths(cache: ParseCache, anchor: str) -> tuple[str, ...]:
    """The files (and chart directories) that XREF verdicts on an ``anchor``-kind subject
    may read, absolute (once per run)."""
    return cache.memo(_inputs, "kubernetes" if anchor == "kubernetes" else "job")


def _digest(cache: ParseCache, anchor: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in input_paths(cache, anchor):
        if os.path.isdir(path):
            # A chart directory: the index reads it as an unknown source by its name only.
            h.update(f"dir:{cache.relpath(path)}\0".encode())
            continue
        data = read_bytes(path)
        h.update(f"{cache.relpath(path)}\0".encode())
        h.update(b"absent" if data is None else hashlib.blake2b(data, digest_size=16).digest())
    return "xref:" + h.hexdigest()


def run_token(cache: ParseCache, anchor: str) -> str:
    """One digest of the bytes of every input of ``input_paths`` (once per run and anchor
    kind). With ``xref.gate_deploys`` on, a job's token also holds the run's date: XREF-010
    honours the Kubernetes findings' waivers, whose expiry is judged as of that date."""
    token = cache.memo(_digest, "kubernetes" if anchor == "kubernetes" else "job")
    if anchor != "kubernetes" and cache.options.of(XrefOptions).gate_deploys:
        token += f"|today={cache.today.isoformat()}"
    return token
