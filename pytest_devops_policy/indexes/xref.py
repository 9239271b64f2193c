"""The run-wide cross-artifact index (catalog §9.2): the Kubernetes workloads and Services,
the Dockerfiles, the kustomizations and the unknown object sources of one run, for the
XREF policies.

Scope ``run`` (catalog §9.1): the files under the run's roots, found by the one walk the
Kubernetes index makes (``k8s_run.run_paths``) and classified as collection does
(``ParseCache.classify``). Built once per run (``xref_index``, ``ParseCache.memo``) from
per-file facts (``xref_facts``) read through ``ParseCache.facts``: content-keyed and kept
in the fact store, so a warm run builds the index without parsing a file.

What the index does not know is listed, never guessed (``unknown_sources``): Helm chart
directories (not rendered), kustomizations with remote bases or Helm charts. Names are
as written: ``workloads`` finds ``Deployment/web``; what kustomize makes of a directory
(``namePrefix``, ``namespace``, ``images``) is ``kustomize(dir)``, built on request, and
``rendered_workloads`` asks every root kustomization of the run. Workflows are not in the
index: a policy anchored on a job reads its own workflow.

``xref_token`` digests every input the index reads (the list of files, each file's facts,
the kustomization and patch files' contents, the unknown sources); ``xref_inputs`` lists
those files and directories (changed mode's dependencies).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.indexes.kubernetes import digest, facts_digest
from pytest_devops_policy.indexes.xref_facts import (
    FACTS_VERSION,
    dockerfile_facts,
    k8s_facts,
    object_facts,
)
from pytest_devops_policy.indexes.xref_inputs import xref_k8s_run, xref_paths
from pytest_devops_policy.knowledge.xref.kustomize import KustomizeBuild, build_kustomization
from pytest_devops_policy.safefile import read_bytes, read_text

__all__ = [
    "Container",
    "DockerfileFacts",
    "KustomizeSummary",
    "RenderedContainer",
    "RenderedWorkload",
    "Service",
    "StageFacts",
    "UnknownSource",
    "Workload",
    "XrefIndex",
    "xref_index",
    "xref_inputs",
    "xref_token",
]


# -- facts as the policies read them ----------------------------------------------


@dataclass(frozen=True)
class Container:
    """One container (or init container) of a workload, as written in its manifest."""

    name: str | None
    list_name: str  # containers / initContainers
    index: int
    kind: str  # container / init / sidecar
    image: str | None
    line: int
    image_line: int
    run_as_non_root: Any  # effective (pod, then container), as written; None: unset
    run_as_user: Any
    ports: tuple[Mapping[str, Any], ...]  # name, containerPort, protocol, line
    probes: Mapping[str, Mapping[str, Any]]  # livenessProbe -> type, port, path, line
    env: Mapping[str, str | None]  # ENV_NAMES literals; None: valueFrom
    command: tuple[str, ...] | None
    args: tuple[str, ...] | None
    memory_limit: Any
    env_from: bool = False  # envFrom: names the index cannot see may be set

    @property
    def ref(self) -> str:
        return f"{self.list_name}[{self.name if self.name is not None else self.index}]"


@dataclass(frozen=True)
class Workload:
    kind: str
    api_version: str
    name: str | None
    namespace: str | None  # as written (metadata.namespace)
    labels: Mapping[str, Any]
    pod_labels: Mapping[str, Any]
    pod: Mapping[str, Any]  # runAsNonRoot, runAsUser, os, windows
    containers: tuple[Container, ...]
    dockerfile_links: Mapping[str, str]  # container -> path[#stage] (annotation)
    path: str
    relpath: str
    line: int
    pod_spec_problem: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name or '~'} ({self.relpath}:{self.line})"

    def container(self, name: str) -> Container | None:
        """``containers`` or ``initContainers`` named ``name`` (kubectl set image reads both)."""
        return next((c for c in self.containers if c.name == name), None)


@dataclass(frozen=True)
class Service:
    name: str | None
    namespace: str | None
    labels: Mapping[str, Any]
    selector: Mapping[str, Any] | None
    ports: tuple[Mapping[str, Any], ...]  # name, port, targetPort, protocol, line
    path: str
    relpath: str
    line: int

    def selects(self, workload: Workload) -> bool:
        """A selector that matches the pod labels (an empty or absent one selects no pods:
        such a Service's endpoints are managed by hand)."""
        if not self.selector:
            return False
        return all(workload.pod_labels.get(k) == v for k, v in self.selector.items())


@dataclass(frozen=True)
class StageFacts:
    index: int
    name: str | None  # lower case
    line: int
    base: str
    user: Mapping[str, Any] | None  # effective USER (DOCKER-001/025); None: no USER
    root_image: Mapping[str, Any]  # text, resolved: the image the chain starts FROM
    expose: tuple[Mapping[str, Any], ...]  # port, port_end, protocol, resolved, line
    healthcheck: Mapping[str, Any] | None  # none | argv, shell, line, targets
    env: Mapping[str, Mapping[str, Any]]  # ENV_NAMES -> value, resolved, line
    entrypoint: Mapping[str, Any] | None  # argv, shell, line
    cmd: Mapping[str, Any] | None
    windows: bool

    @property
    def display(self) -> str:
        return f"'{self.name}'" if self.name is not None else f"#{self.index}"


@dataclass(frozen=True)
class DockerfileFacts:
    path: str
    relpath: str
    stages: tuple[StageFacts, ...]
    final: int
    pragma_target: int | None
    declared_images: tuple[Mapping[str, Any], ...]  # image, line

    def stage(self, ref: str | int | None = None) -> StageFacts | None:
        """A stage by name (case-insensitive) or index; None: the shipped one (the
        ``# devops-policy: target=`` pragma, else the last). An unknown name: None."""
        if ref is None:
            return self.stages[self.pragma_target if self.pragma_target is not None else -1]
        if isinstance(ref, int) or ref.isdigit():
            i = int(ref)
            return self.stages[i] if 0 <= i < len(self.stages) else None
        low = ref.lower()
        return next((s for s in self.stages if s.name == low), None)

    @property
    def shipped(self) -> StageFacts:
        found = self.stage(None)
        assert found is not None
        return found

    def has_stage(self, name: str) -> bool:
        return self.stage(name) is not None


@dataclass(frozen=True)
class UnknownSource:
    """Objects the index cannot read: a lookup that fails while one may hide the object
    is UNKNOWN, not FAIL (catalog §9.2-6)."""

    path: str  # relpath of the chart directory or the kustomization file
    reference: str
    reason: str
    kinds: frozenset[str] | None = None  # kinds it may contribute; None: any


@dataclass(frozen=True)
class RenderedContainer:
    name: str | None
    list_name: str
    index: int
    image: str | None  # after images: and patches
    original_image: str | None
    image_from: str  # manifest, patch or images


@dataclass(frozen=True)
class RenderedWorkload:
    """An object of ``kustomize build DIR``, summarised: transformed name, namespace and
    images, and where it was written."""

    kind: str
    name: str | None
    original_name: str | None
    namespace: str | None
    labels: Mapping[str, str]
    containers: tuple[RenderedContainer, ...]
    path: str
    relpath: str
    line: int
    unapplied: tuple[str, ...]

    def container(self, name: str) -> RenderedContainer | None:
        return next((c for c in self.containers if c.name == name), None)


@dataclass(frozen=True)
class KustomizeSummary:
    directory: str
    relpath: str
    objects: tuple[RenderedWorkload, ...]
    unknown: tuple[UnknownSource, ...]
    files: tuple[str, ...]  # every file read

    def find(self, kind: str, name: str, namespace: str | None = None) -> list[RenderedWorkload]:
        return [
            o
            for o in self.objects
            if o.kind == kind and o.name == name and (namespace is None or o.namespace == namespace)
        ]

    def may_hide(self, kind: str) -> bool:
        return any(u.kinds is None or kind in u.kinds for u in self.unknown)


# -- the index ---------------------------------------------------------------------


def _tuple(value: object) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else ()


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _container(c: Mapping[str, Any]) -> Container:
    command, args = c.get("command"), c.get("args")
    return Container(
        name=c.get("name"),
        list_name=str(c.get("list", "containers")),
        index=int(c.get("index", 0)),
        kind=str(c.get("kind", "container")),
        image=c.get("image"),
        line=int(c.get("line", 1)),
        image_line=int(c.get("image_line", c.get("line", 1))),
        run_as_non_root=c.get("runAsNonRoot"),
        run_as_user=c.get("runAsUser"),
        ports=_tuple(c.get("ports")),
        probes=_map(c.get("probes")),
        env=_map(c.get("env")),
        command=tuple(command) if isinstance(command, list) else None,
        args=tuple(args) if isinstance(args, list) else None,
        memory_limit=c.get("memory_limit"),
        env_from=bool(c.get("env_from")),
    )


def _object(fact: Mapping[str, Any], path: str, relpath: str) -> Workload | Service | None:
    try:
        kind = str(fact["kind"])
        if kind == "Service":
            return Service(
                name=fact.get("name"),
                namespace=fact.get("namespace"),
                labels=_map(fact.get("labels")),
                selector=fact.get("selector")
                if isinstance(fact.get("selector"), Mapping)
                else None,
                ports=_tuple(fact.get("ports")),
                path=path,
                relpath=relpath,
                line=int(fact.get("line", 1)),
            )
        return Workload(
            kind=kind,
            api_version=str(fact.get("apiVersion", "")),
            name=fact.get("name"),
            namespace=fact.get("namespace"),
            labels=_map(fact.get("labels")),
            pod_labels=_map(fact.get("pod_labels")),
            pod=_map(fact.get("pod")),
            containers=tuple(_container(_map(c)) for c in _tuple(fact.get("containers"))),
            dockerfile_links=_map(fact.get("dockerfile_links")),
            path=path,
            relpath=relpath,
            line=int(fact.get("line", 1)),
            pod_spec_problem=fact.get("pod_spec_problem"),
        )
    except (KeyError, TypeError, ValueError):  # a corrupt cached fact: leave it out
        return None


def workload_of(k8s_object: Any, relpath: str) -> Workload | None:
    """A ``K8sObject``'s facts as the index holds them (None: not a workload)."""
    fact = object_facts(k8s_object)
    obj = _object(fact, k8s_object.source.path, relpath) if fact is not None else None
    return obj if isinstance(obj, Workload) else None


def _stage(s: Mapping[str, Any]) -> StageFacts:
    return StageFacts(
        index=int(s["index"]),
        name=s.get("name"),
        line=int(s.get("line", 1)),
        base=str(s.get("base", "")),
        user=s.get("user") if isinstance(s.get("user"), Mapping) else None,
        root_image=_map(s.get("root_image")),
        expose=_tuple(s.get("expose")),
        healthcheck=s.get("healthcheck") if isinstance(s.get("healthcheck"), Mapping) else None,
        env=_map(s.get("env")),
        entrypoint=s.get("entrypoint") if isinstance(s.get("entrypoint"), Mapping) else None,
        cmd=s.get("cmd") if isinstance(s.get("cmd"), Mapping) else None,
        windows=bool(s.get("windows")),
    )


def _dockerfile(fact: Mapping[str, Any], path: str, relpath: str) -> DockerfileFacts | None:
    try:
        stages = tuple(_stage(_map(s)) for s in _tuple(fact.get("stages")))
        if not stages:
            return None
        pragma = fact.get("pragma_target")
        return DockerfileFacts(
            path=path,
            relpath=relpath,
            stages=stages,
            final=int(fact.get("final", len(stages) - 1)),
            pragma_target=int(pragma) if isinstance(pragma, int) else None,
            declared_images=_tuple(fact.get("declared_images")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _name_keys(relpath: str) -> set[str]:
    """The names the §9.2-4 heuristic links a Dockerfile to: its directory's name
    (``services/web-app/Dockerfile``), and the suffix or prefix of its file name
    (``Dockerfile.web-app``, ``web-app.Dockerfile``, ``web-app.dockerfile``)."""
    keys: set[str] = set()
    directory, name = os.path.split(relpath)
    if name.lower() == "dockerfile":
        if directory:
            keys.add(os.path.basename(directory).lower())
        return keys
    low = name.lower()
    if low.startswith("dockerfile.") or low.startswith("dockerfile-"):
        keys.add(low[len("dockerfile.") :])
    elif low.endswith(".dockerfile"):
        keys.add(low[: -len(".dockerfile")])
    return {k for k in keys if k}


def _content_digest(path: str) -> str:
    data = read_bytes(path)
    return "absent" if data is None else hashlib.blake2b(data, digest_size=16).hexdigest()


class XrefIndex:
    """The cross-artifact facts of one run (see the module docstring).

    Built in parts, each on first use: the Kubernetes facts of every manifest when a policy
    first asks for workloads or Services, a Dockerfile's facts when a policy asks for that
    Dockerfile. A policy that finds no link for its subject then reads (and parses) nothing
    else, and a cold run pays only for the links it follows.
    """

    def __init__(self, cache: ParseCache) -> None:
        self._cache = cache
        run = xref_k8s_run(cache)
        self.manifests: tuple[str, ...] = tuple(run.manifests)
        self.charts: tuple[str, ...] = tuple(run.charts)
        self.kustomizations: tuple[str, ...] = tuple(k.path for k in run.kustomize.kustomizations)
        self._kustomize_map = run.kustomize
        self.dockerfile_paths: tuple[str, ...] = tuple(
            sorted(
                p
                for p in xref_paths(cache)
                if (kind := cache.classify(PurePath(p))) is not None and kind.name == "dockerfile"
            )
        )
        self._relpaths = {cache.relpath(p): p for p in self.dockerfile_paths}
        # Names the §9.2-4 heuristic links, from the paths alone.
        self._by_key: dict[str, list[str]] = {}
        for relpath in self._relpaths:
            for key in _name_keys(relpath):
                self._by_key.setdefault(key, []).append(relpath)
        self._k8s_built = False
        self._k8s_digests: list[str] = []
        self._workloads: list[Workload] = []
        self._services: list[Service] = []
        self._by_name: dict[tuple[str, str | None], list[Workload]] = {}
        self._dockerfiles: dict[str, DockerfileFacts | None] = {}
        self._docker_digests: dict[str, str] = {}
        self._unknown = tuple(self._find_unknown())
        self._kustomized: dict[str, KustomizeSummary] = {}
        self._token: str | None = None

    def _k8s(self) -> None:
        """The Kubernetes facts of every manifest of the run (once)."""
        if self._k8s_built:
            return
        self._k8s_built = True
        cache = self._cache
        for path in self.manifests:
            relpath = cache.relpath(path)
            facts = cache.facts(path, "kubernetes", "xref.k8s", k8s_facts)
            self._k8s_digests.append(f"k8s:{relpath}={facts_digest(facts)}")
            for fact in facts if isinstance(facts, list) else ():
                obj = _object(_map(fact), path, relpath)
                if isinstance(obj, Workload):
                    self._workloads.append(obj)
                    self._by_name.setdefault((obj.kind, obj.name), []).append(obj)
                elif isinstance(obj, Service):
                    self._services.append(obj)

    def _docker(self, relpath: str) -> DockerfileFacts | None:
        """The facts of one Dockerfile of the run (once); None: not one, or no stage."""
        if relpath in self._dockerfiles:
            return self._dockerfiles[relpath]
        path = self._relpaths.get(relpath)
        found = None
        if path is not None:
            dfacts = self._cache.facts(path, "dockerfile", "xref.dockerfile", dockerfile_facts)
            self._docker_digests[relpath] = f"docker:{relpath}={facts_digest(dfacts)}"
            found = _dockerfile(dfacts, path, relpath) if isinstance(dfacts, Mapping) else None
        self._dockerfiles[relpath] = found
        return found

    @property
    def token(self) -> str:
        """A digest of every fact of the index (reads all of them; the result cache keys
        anchors on ``xref_inputs.run_token`` instead, which parses nothing)."""
        if self._token is None:
            self._k8s()
            for relpath in self._relpaths:
                self._docker(relpath)
            digests = [f"v{FACTS_VERSION}", *self._k8s_digests]
            digests += [self._docker_digests[r] for r in self._relpaths]
            cache = self._cache
            # Kustomizations and their patches are read as text (their build is lazy):
            # their contents count, as do the unknown sources.
            for k in self._kustomize_map.kustomizations:
                digests.append(f"kustomization:{cache.relpath(k.path)}={_content_digest(k.path)}")
                for patch in k.patches:
                    digests.append(f"patch:{cache.relpath(patch)}={_content_digest(patch)}")
            digests.extend(f"unknown:{u.path}|{u.reference}|{u.reason}" for u in self._unknown)
            self._token = digest(digests)
        return self._token

    # -- Kubernetes

    @property
    def has_kubernetes(self) -> bool:
        """Workloads or Services in the run, or sources that may hold some."""
        if self.kustomizations or self.charts:
            return True
        if not self.manifests:
            return False
        self._k8s()
        return bool(self._workloads or self._services)

    def workloads(
        self, kind: str | None = None, name: str | None = None, namespace: str | None = None
    ) -> list[Workload]:
        """Workloads of ``kind`` named ``name`` as written (None: any kind / any name) in
        ``namespace`` as written (None: any namespace)."""
        self._k8s()
        if kind is not None and name is not None:
            found: Iterable[Workload] = self._by_name.get((kind, name), ())
        else:
            found = (
                w
                for w in self._workloads
                if (kind is None or w.kind == kind) and (name is None or w.name == name)
            )
        return [w for w in found if namespace is None or w.namespace == namespace]

    def services(self, namespace: str | None = None) -> list[Service]:
        self._k8s()
        return [s for s in self._services if namespace is None or s.namespace == namespace]

    def services_selecting(self, workload: Workload) -> list[Service]:
        """Services in the workload's namespace (as written) whose selector matches its pods."""
        self._k8s()
        return [
            s for s in self._services if s.namespace == workload.namespace and s.selects(workload)
        ]

    def kustomize(self, directory: str) -> KustomizeSummary:
        """What ``kustomize build directory`` emits for the fields XREF reads (built on the
        first request, once per run)."""
        directory = os.path.normpath(os.path.join(self._cache.rootdir, directory))
        hit = self._kustomized.get(directory)
        if hit is None:
            hit = self._kustomized[directory] = self._summarise(
                build_kustomization(directory, read_text)
            )
        return hit

    def kustomize_roots(self) -> list[str]:
        """The directories of the run's root kustomizations (overlays and standalone ones)."""
        return [u.root.directory for u in self._kustomize_map.units]

    def rendered_workloads(
        self, kind: str, name: str, namespace: str | None = None
    ) -> list[RenderedWorkload]:
        """Objects named ``name`` after kustomize (``prod-web``) in any root kustomization
        of the run (each built on the first such request)."""
        return [
            o
            for root in self.kustomize_roots()
            for o in self.kustomize(root).find(kind, name, namespace)
        ]

    def _summarise(self, build: KustomizeBuild) -> KustomizeSummary:
        rel = self._cache.relpath
        objects = tuple(
            RenderedWorkload(
                kind=o.kind,
                name=o.name,
                original_name=o.original_name,
                namespace=o.namespace,
                labels=o.labels,
                containers=tuple(
                    RenderedContainer(
                        c.name, c.list_name, c.index, c.image, c.original_image, c.image_from
                    )
                    for c in o.containers
                ),
                path=o.source,
                relpath=rel(o.source),
                line=o.line,
                unapplied=o.unapplied,
            )
            for o in build.objects
        )
        unknown = tuple(
            UnknownSource(rel(u.kustomization), u.reference, u.reason, u.kinds)
            for u in build.unknown_sources
        )
        return KustomizeSummary(
            build.directory, rel(build.directory), objects, unknown, build.files
        )

    # -- Dockerfiles

    @property
    def has_dockerfiles(self) -> bool:
        return any(self._docker(r) is not None for r in self._relpaths)

    def dockerfile(self, relpath: str) -> DockerfileFacts | None:
        """The facts of the Dockerfile at ``relpath`` (relative to the rootdir, ``./`` and
        ``a/../`` forms accepted); None when the run has no such Dockerfile."""
        key = os.path.normpath(relpath).replace(os.sep, "/")
        return self._docker(key)

    def dockerfiles(self) -> list[DockerfileFacts]:
        """Every Dockerfile of the run (reads them all)."""
        return [d for r in self._relpaths if (d := self._docker(r)) is not None]

    def dockerfiles_named(self, name: str) -> list[DockerfileFacts]:
        """Dockerfiles the §9.2-4 name heuristic (low confidence) links to an image whose
        last path segment is ``name``: the directory name or the file name's suffix or
        prefix. A root ``Dockerfile`` links to the Git repository's name, which the caller
        knows: ``dockerfile("Dockerfile")``."""
        return [d for r in self._by_key.get(name.lower(), ()) if (d := self._docker(r)) is not None]

    def declared_dockerfiles(self, repository: str) -> list[DockerfileFacts]:
        """Dockerfiles whose ``# devops-policy: image=`` names ``repository`` (as written).
        Only files whose bytes hold the pragma are parsed."""
        found = []
        for relpath, path in self._relpaths.items():
            data = read_bytes(path)
            if data is None or b"devops-policy" not in data:
                continue
            d = self._docker(relpath)
            if d is not None and any(e.get("image") == repository for e in d.declared_images):
                found.append(d)
        return found

    # -- what the index cannot see

    def _find_unknown(self) -> Iterator[UnknownSource]:
        rel = self._cache.relpath
        for chart in self.charts:
            yield UnknownSource(
                rel(chart), rel(chart), "a Helm chart: its templates are not rendered"
            )
        for k in self._kustomize_map.kustomizations:
            for ref in k.remote:
                reason = (
                    "a Helm chart inflated by kustomize: its objects are not read"
                    if ref.startswith("helm chart ")
                    else "a remote base: its objects are not read"
                )
                yield UnknownSource(rel(k.path), ref, reason)

    def unknown_sources(self) -> tuple[UnknownSource, ...]:
        """Where objects may come from that the index does not hold (charts, remote bases)."""
        return self._unknown

    def inputs(self) -> list[str]:
        """Every file and directory the index read (changed mode's dependencies)."""
        patches = [p for k in self._kustomize_map.kustomizations for p in k.patches]
        return sorted(
            {*self.manifests, *self.kustomizations, *patches, *self.charts, *self.dockerfile_paths}
        )


def _build(cache: ParseCache, _: None) -> XrefIndex:
    return XrefIndex(cache)


def xref_index(cache: ParseCache) -> XrefIndex:
    """The index of the run, built once (``ParseCache.memo``)."""
    return cache.memo(_build, None)


def xref_token(cache: ParseCache) -> str:
    """One digest of every input the index read: the files, each file's facts, the
    kustomization and patch contents, the unknown sources."""
    return xref_index(cache).token


def xref_inputs(cache: ParseCache) -> list[str]:
    """The files and directories the index read (absolute paths)."""
    return xref_index(cache).inputs()
