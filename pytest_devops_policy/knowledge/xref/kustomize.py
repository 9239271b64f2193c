"""Static kustomize transforms for cross-artifact links (catalog §9.2-6).

``build_kustomization(directory, read)`` gives the objects ``kustomize build DIR`` would
emit, for the fields XREF reads, without running kustomize: the resources of DIR,
recursively through in-repository bases (and components, read as bases), each object
parsed by the Kubernetes reader (formats/kubernetes/objects.py), and on each level, after
its bases:

* patches, applied only for ``containers[]`` / ``initContainers[]`` ``name`` and ``image``,
  matched by strategic-merge name (the patch's kind and ``metadata.name``, or its
  ``target``'s kind and name): a patch may change a container's image or add a container;
* ``namespace:`` (an outer kustomization re-namespaces its bases; cluster-scoped kinds keep
  none);
* ``namePrefix`` / ``nameSuffix`` on object names (``kubectl set image deployment/prod-web``
  must match the prefixed name), not on Namespaces or CRDs;
* ``images:`` (``name`` → ``newName`` / ``newTag`` / ``digest``), matched on the image name as
  written (the part before the tag or digest), in containers and initContainers;
* ``commonLabels`` / ``labels[].pairs`` on ``metadata.labels`` (selectors of ``set image -l``).

The kustomization file is loaded once (formats/kubernetes/kustomize.py ``load_kustomization``);
``kustomization_from`` reads resources, bases, components, namespace and remote references from
it, and the other keys are read here.

What cannot be done statically is recorded in ``unknown_sources`` with a reason, and the
kinds it may contribute (None: any kind), so "not found" can become UNKNOWN instead of FAIL:
remote bases (URLs, git), ``helmCharts``, missing or unreadable resources, generators
(``configMapGenerator`` → ConfigMap, ``secretGenerator`` → Secret; ``generators:``,
``transformers:``, ``replacements``, ``vars`` → any kind), JSON 6902 patches, patches that
select targets by label or regex. A strategic-merge patch that changes other fields than
container names and images leaves those fields as the base wrote them: the object lists
them in ``unapplied``.

Pure: files are read through the ``read`` callable (path → text or None); nothing runs.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.formats.kubernetes.kustomize import (
    KUSTOMIZATION_NAMES,
    Kustomization,
    kustomization_from,
    load_kustomization,
)
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, as_mapping
from pytest_devops_policy.formats.kubernetes.objects import parse as parse_manifest
from pytest_devops_policy.formats.yamlload import load_documents
from pytest_devops_policy.model import ParseError, Source

__all__ = [
    "CLUSTER_SCOPED_KINDS",
    "KustomizeBuild",
    "RenderedContainer",
    "RenderedObject",
    "UnknownSource",
    "build_kustomization",
]

CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "PersistentVolume",
        "StorageClass",
        "IngressClass",
        "PriorityClass",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "APIService",
    }
)
_UNPREFIXED = frozenset({"Namespace", "CustomResourceDefinition"})
_MAX_DEPTH = 20
_POD_SPECS = (("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"))


@dataclass(frozen=True)
class UnknownSource:
    """Something the kustomization applies that was not rendered here."""

    kustomization: str  # the kustomization file that names it
    reference: str
    reason: str
    kinds: frozenset[str] | None = None  # kinds it may contribute or change; None: any


@dataclass(frozen=True)
class RenderedContainer:
    name: str | None
    list_name: str  # containers / initContainers
    index: int
    image: str | None  # after kustomize images: and patches
    original_image: str | None  # as the manifest wrote it
    image_from: str = "manifest"  # manifest, patch or images


@dataclass(frozen=True)
class RenderedObject:
    kind: str
    api_version: str
    name: str | None  # after namePrefix / nameSuffix
    original_name: str | None
    namespace: str | None  # after the kustomizations' namespace:
    labels: Mapping[str, str]
    containers: tuple[RenderedContainer, ...]
    source: str  # the manifest file
    line: int
    object: K8sObject  # the object as written (for locate / messages)
    unapplied: tuple[str, ...] = ()  # patch changes not applied (fields other than images)


@dataclass(frozen=True)
class KustomizeBuild:
    directory: str
    objects: tuple[RenderedObject, ...]
    unknown_sources: tuple[UnknownSource, ...]
    files: tuple[str, ...]  # every file read (kustomizations, manifests, patches)

    def find(self, kind: str, name: str, namespace: str | None = None) -> list[RenderedObject]:
        """Objects of ``kind`` named ``name`` (in ``namespace`` when given)."""
        return [
            o
            for o in self.objects
            if o.kind == kind and o.name == name and (namespace is None or o.namespace == namespace)
        ]

    def may_hide(self, kind: str) -> bool:
        """An unknown source may contribute an object of ``kind``: a failed lookup is
        UNKNOWN, not FAIL."""
        return any(u.kinds is None or kind in u.kinds for u in self.unknown_sources)


# -- mutable working copy of one object -------------------------------------------


@dataclass
class _Work:
    obj: K8sObject
    value: dict[str, Any]
    original_name: str | None
    image_from: dict[tuple[str, int], str] = field(default_factory=dict)
    unapplied: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.value.get("kind") or "")

    @property
    def name(self) -> str | None:
        name = as_mapping(self.value.get("metadata")).get("name")
        return name if isinstance(name, str) else None

    def metadata(self) -> dict[str, Any]:
        meta = self.value.get("metadata")
        if not isinstance(meta, dict):
            meta = self.value["metadata"] = {}
        return meta

    def pod_spec(self) -> dict[str, Any] | None:
        for path in (("spec",), *_POD_SPECS):
            node: Any = self.value
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, dict) and isinstance(node.get("containers"), list):
                return node
        return None

    def containers(self) -> Iterator[tuple[str, int, dict[str, Any]]]:
        spec = self.pod_spec()
        if spec is None:
            return
        for list_name in ("containers", "initContainers"):
            items = spec.get(list_name)
            for i, c in enumerate(items if isinstance(items, list) else ()):
                if isinstance(c, dict):
                    yield list_name, i, c


class _Builder:
    def __init__(self, read: Callable[[str], str | None]) -> None:
        self.read = read
        self.unknown: list[UnknownSource] = []
        self.files: list[str] = []

    def _text(self, path: str) -> str | None:
        text = self.read(path)
        if text is not None:
            self.files.append(path)
        return text

    def _kustomization_file(self, directory: str) -> tuple[str, str] | None:
        for name in KUSTOMIZATION_NAMES:
            path = os.path.join(directory, name)
            text = self.read(path)
            if text is not None:
                self.files.append(path)
                return path, text
        return None

    def _unknown(self, where: str, ref: str, reason: str, kinds: set[str] | None = None) -> None:
        self.unknown.append(
            UnknownSource(where, ref, reason, frozenset(kinds) if kinds is not None else None)
        )

    # -- one level

    def build(self, directory: str, depth: int, active: frozenset[str]) -> list[_Work] | None:
        found = self._kustomization_file(directory)
        if found is None:
            return None
        path, text = found
        raw = load_kustomization(text)
        if raw is None:
            self._unknown(path, path, "the kustomization cannot be read")
            return []
        k = kustomization_from(path, raw)  # one YAML load for both readings
        works: list[_Work] = []
        for ref in k.resources:
            works.extend(self._resource(k, ref, depth, active | {directory}))
        for ref in k.remote:
            self._unknown(path, ref, "a remote base or Helm chart: its objects are not read")
        self._unsupported(path, raw)
        self._patches(path, raw, works)
        _namespace(k, works)
        _prefix_suffix(raw, works)
        _images(raw, works)
        _labels(raw, works)
        return works

    def _resource(
        self, k: Kustomization, ref: str, depth: int, active: frozenset[str]
    ) -> list[_Work]:
        if ref in active or depth >= _MAX_DEPTH:
            self._unknown(k.path, ref, "a cycle of bases (kustomize rejects it)")
            return []
        nested = self.build(ref, depth + 1, active)
        if nested is not None:
            return nested
        text = self._text(ref)
        if text is None:
            self._unknown(k.path, ref, "not found in the repository (or not readable)")
            return []
        try:
            parsed = parse_manifest(Source(ref, ref, text))
        except ParseError as exc:
            self._unknown(k.path, ref, f"cannot be parsed: {exc}")
            return []
        if parsed.skip_reason:
            self._unknown(k.path, ref, parsed.skip_reason)
        out = []
        for subject in parsed.subjects:
            if isinstance(subject, K8sObject):
                value = copy.deepcopy(dict(subject.value))
                work = _Work(subject, value, None)
                work.original_name = work.name
                out.append(work)
        return out

    def _unsupported(self, path: str, raw: Mapping[str, Any]) -> None:
        generated = {"configMapGenerator": "ConfigMap", "secretGenerator": "Secret"}
        for key, kind in generated.items():
            if raw.get(key):
                self._unknown(path, key, f"generated {kind}s are not built statically", {kind})
        for key in (
            "generators",
            "transformers",
            "replacements",
            "vars",
            "helmChartInflationGenerator",
        ):
            if raw.get(key):
                self._unknown(path, key, f"{key} are not applied statically")

    # -- patches

    def _patches(self, path: str, raw: Mapping[str, Any], works: list[_Work]) -> None:
        base = os.path.dirname(path)
        for entry in _list(raw.get("patchesStrategicMerge")):
            if isinstance(entry, str):
                self._smp(path, base, entry, None, works)
        for entry in _list(raw.get("patchesJson6902")):
            target = as_mapping(as_mapping(entry).get("target"))
            self._unknown(
                path,
                str(target.get("name") or "patchesJson6902"),
                "a JSON 6902 patch is not applied statically",
                _kinds(target),
            )
        for entry in _list(raw.get("patches")):
            if isinstance(entry, str):
                self._smp(path, base, entry, None, works)
            elif isinstance(entry, Mapping):
                target = as_mapping(entry.get("target"))
                body = entry.get("patch")
                if isinstance(entry.get("path"), str):
                    self._smp(path, base, entry["path"], target, works)
                elif isinstance(body, str):
                    self._apply_patch_text(path, "inline patch", body, target, works)

    def _smp(
        self,
        path: str,
        base: str,
        ref: str,
        target: Mapping[str, Any] | None,
        works: list[_Work],
    ) -> None:
        if "\n" in ref:  # an inline patch in patchesStrategicMerge
            self._apply_patch_text(path, "inline patch", ref, target, works)
            return
        file = os.path.normpath(os.path.join(base, ref))
        text = self._text(file)
        if text is None:
            self._unknown(path, ref, "a patch file that is not in the repository")
            return
        self._apply_patch_text(path, ref, text, target, works)

    def _apply_patch_text(
        self,
        path: str,
        ref: str,
        text: str,
        target: Mapping[str, Any] | None,
        works: list[_Work],
    ) -> None:
        try:
            docs = load_documents(text, yaml11=True)
        except ParseError:
            self._unknown(path, ref, "a patch that cannot be parsed", _kinds(target))
            return
        for doc in docs:
            patch = doc.value
            if isinstance(patch, list):  # JSON 6902 operations
                self._unknown(
                    path, ref, "a JSON 6902 patch is not applied statically", _kinds(target)
                )
                continue
            if not isinstance(patch, Mapping):
                continue
            target = target or {}
            if any(k in target for k in ("labelSelector", "annotationSelector")) or any(
                isinstance(v, str) and any(c in v for c in "*?[(|") for v in target.values()
            ):
                self._unknown(
                    path, ref, "a patch selecting targets by selector or regex", _kinds(target)
                )
                continue
            kind = target.get("kind") or patch.get("kind")
            name = target.get("name") or as_mapping(patch.get("metadata")).get("name")
            matched = [w for w in works if w.kind == kind and name in (w.name, w.original_name)]
            if not matched:
                self._unknown(
                    path,
                    ref,
                    f"a patch for {kind}/{name}, which is not among the resources",
                    {str(kind)} if kind else None,
                )
            for work in matched:
                _apply_smp(work, patch, ref)


def _kinds(target: Mapping[str, Any] | None) -> set[str] | None:
    kind = (target or {}).get("kind")
    return {kind} if isinstance(kind, str) and kind else None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


_IDENTITY = frozenset({"apiVersion", "kind", "metadata"})


def _apply_smp(work: _Work, patch: Mapping[str, Any], ref: str) -> None:
    """Merge a strategic-merge patch's container names and images; note the rest."""
    other = [k for k in patch if k not in _IDENTITY and k != "spec"]
    work.unapplied.extend(f"{ref}: {k}" for k in other)
    spec = work.pod_spec()
    patch_spec = _patch_pod_spec(patch)
    if patch_spec is None:
        if "spec" in patch:
            work.unapplied.append(f"{ref}: spec")
        return
    for list_name in ("containers", "initContainers"):
        for pc in _list(patch_spec.get(list_name)):
            if not isinstance(pc, Mapping) or not isinstance(pc.get("name"), str):
                continue
            extra = [k for k in pc if k not in ("name", "image")]
            work.unapplied.extend(f"{ref}: {list_name}[{pc['name']}].{k}" for k in extra)
            if spec is None:
                continue
            items = spec.setdefault(list_name, [])
            if not isinstance(items, list):
                continue
            for i, c in enumerate(items):
                if isinstance(c, dict) and c.get("name") == pc["name"]:
                    if "image" in pc:
                        c["image"] = pc["image"]
                        work.image_from[(list_name, i)] = "patch"
                    break
            else:
                items.append({k: pc[k] for k in ("name", "image") if k in pc})
                work.image_from[(list_name, len(items) - 1)] = "patch"


def _patch_pod_spec(patch: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for path in (("spec",), *_POD_SPECS):
        node: Any = patch
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping) and ("containers" in node or "initContainers" in node):
            return node
    return None


# -- the other transforms


def _namespace(k: Kustomization, works: list[_Work]) -> None:
    if k.namespace is None:
        return
    for w in works:
        if w.kind not in CLUSTER_SCOPED_KINDS:
            w.metadata()["namespace"] = k.namespace


def _prefix_suffix(raw: Mapping[str, Any], works: list[_Work]) -> None:
    prefix = raw.get("namePrefix") if isinstance(raw.get("namePrefix"), str) else ""
    suffix = raw.get("nameSuffix") if isinstance(raw.get("nameSuffix"), str) else ""
    if not prefix and not suffix:
        return
    for w in works:
        if w.name is not None and w.kind not in _UNPREFIXED:
            w.metadata()["name"] = f"{prefix}{w.name}{suffix}"


def _image_name(image: str) -> str:
    """The name part of an image as written: without tag and digest."""
    ref = parse_image(image)
    return ref.name


def _images(raw: Mapping[str, Any], works: list[_Work]) -> None:
    entries = [e for e in _list(raw.get("images")) if isinstance(e, Mapping)]
    if not entries:
        return
    for w in works:
        for list_name, i, c in w.containers():
            image = c.get("image")
            if not isinstance(image, str):
                continue
            for e in entries:
                if e.get("name") != _image_name(image):
                    continue
                ref = parse_image(image)
                new_name = str(e.get("newName") or ref.name)
                if e.get("digest"):
                    c["image"] = f"{new_name}@{e['digest']}"
                elif e.get("newTag") is not None:
                    c["image"] = f"{new_name}:{e['newTag']}"
                else:
                    tail = (f":{ref.tag}" if ref.tag else "") + (
                        f"@{ref.digest}" if ref.digest else ""
                    )
                    c["image"] = new_name + tail
                w.image_from[(list_name, i)] = "images"
                break


def _labels(raw: Mapping[str, Any], works: list[_Work]) -> None:
    pairs: dict[str, str] = {}
    common = raw.get("commonLabels")
    if isinstance(common, Mapping):
        pairs.update({str(k): str(v) for k, v in common.items()})
    for entry in _list(raw.get("labels")):
        if isinstance(entry, Mapping) and isinstance(entry.get("pairs"), Mapping):
            pairs.update({str(k): str(v) for k, v in entry["pairs"].items()})
    if not pairs:
        return
    for w in works:
        labels = w.metadata().setdefault("labels", {})
        if isinstance(labels, dict):
            labels.update(pairs)


def _rendered(w: _Work) -> RenderedObject:
    originals = {(c.list_name, c.index): c.image for c in w.obj.containers()}
    containers = tuple(
        RenderedContainer(
            name=c.get("name") if isinstance(c.get("name"), str) else None,
            list_name=list_name,
            index=i,
            image=c.get("image") if isinstance(c.get("image"), str) else None,
            original_image=originals.get((list_name, i)),
            image_from=w.image_from.get((list_name, i), "manifest"),
        )
        for list_name, i, c in w.containers()
    )
    meta = as_mapping(w.value.get("metadata"))
    labels = as_mapping(meta.get("labels"))
    namespace = meta.get("namespace")
    return RenderedObject(
        kind=w.kind,
        api_version=str(w.value.get("apiVersion") or ""),
        name=w.name,
        original_name=w.original_name,
        namespace=namespace if isinstance(namespace, str) else None,
        labels={str(k): str(v) for k, v in labels.items()},
        containers=containers,
        source=w.obj.source.path,
        line=w.obj.line,
        object=w.obj,
        unapplied=tuple(dict.fromkeys(w.unapplied)),
    )


def build_kustomization(directory: str, read: Callable[[str], str | None]) -> KustomizeBuild:
    """The objects ``kustomize build directory`` emits, for the fields XREF reads (see the
    module docstring). A directory without a kustomization gives one unknown source."""
    directory = os.path.normpath(directory)
    builder = _Builder(read)
    works = builder.build(directory, 0, frozenset())
    if works is None:
        builder._unknown(directory, directory, "no kustomization.yaml in this directory")
        works = []
    return KustomizeBuild(
        directory,
        tuple(_rendered(w) for w in works),
        tuple(dict.fromkeys(builder.unknown)),
        tuple(dict.fromkeys(builder.files)),
    )
