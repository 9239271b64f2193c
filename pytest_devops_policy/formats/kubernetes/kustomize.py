"""What ``kustomization.yaml`` files say about the manifests next to them (catalog §2.2-5).

Two facts matter to policies, and neither needs ``kustomize build``:

* files referenced as patches (``patches[].path``, ``patchesStrategicMerge``,
  ``patchesJson6902[].path``) are fragments, not objects: judging them as
  whole objects would fail every field they leave out;
* a kustomization's ``namespace`` is the namespace of every resource beneath
  it, and the outermost kustomization wins (an overlay re-namespaces its base).

A file reached from several overlays with different namespaces has no single
namespace; it is then treated as unset, which cross-object policies read as
"any namespace".
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pytest_devops_policy.formats.yamlload import load_documents
from pytest_devops_policy.model import ParseError

__all__ = [
    "KUSTOMIZATION_NAMES",
    "Kustomization",
    "KustomizeMap",
    "is_kustomization_name",
    "read_kustomization",
]

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True)
class Kustomization:
    path: str  # absolute path of the kustomization file
    namespace: str | None
    resources: tuple[str, ...]  # absolute paths (files or directories); URLs dropped
    patches: tuple[str, ...]  # absolute paths of patch files

    @property
    def directory(self) -> str:
        return os.path.dirname(self.path)


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _local(base: str, ref: str) -> str | None:
    """A reference as an absolute local path; remote bases (URLs, git) are not ours."""
    ref = ref.strip()
    if not ref or "://" in ref or ref.startswith(("git@", "github.com/")) or "\n" in ref:
        return None
    return os.path.normpath(os.path.join(base, ref))


def read_kustomization(path: str, text: str) -> Kustomization | None:
    """The facts of one kustomization file; None when it is not one (or is broken)."""
    try:
        docs = load_documents(text, yaml11=True)
    except ParseError:
        return None
    data = docs[0].value if docs else None
    if not isinstance(data, Mapping):
        return None
    base = os.path.dirname(path)
    refs = _strings(data.get("resources")) + _strings(data.get("bases"))
    refs += _strings(data.get("components"))
    resources = tuple(p for p in (_local(base, r) for r in refs) if p)
    patch_refs: list[str] = []
    for entry in data.get("patches") or ():
        if isinstance(entry, Mapping) and isinstance(entry.get("path"), str):
            patch_refs.append(entry["path"])
        elif isinstance(entry, str):
            patch_refs.append(entry)
    for entry in data.get("patchesJson6902") or ():
        if isinstance(entry, Mapping) and isinstance(entry.get("path"), str):
            patch_refs.append(entry["path"])
    # patchesStrategicMerge holds paths or inline YAML; inline patches have newlines.
    patch_refs += _strings(data.get("patchesStrategicMerge"))
    patches = tuple(p for p in (_local(base, r) for r in patch_refs) if p)
    namespace = data.get("namespace")
    return Kustomization(
        path=path,
        namespace=namespace if isinstance(namespace, str) and namespace else None,
        resources=resources,
        patches=patches,
    )


@dataclass
class KustomizeMap:
    """Patch files and inherited namespaces of every kustomization in a run."""

    kustomizations: list[Kustomization]
    patch_of: dict[str, str] = field(default_factory=dict)  # patch file -> kustomization
    _namespaces: dict[str, set[str | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_dir = {k.directory: k for k in self.kustomizations}
        for k in self.kustomizations:
            for patch in k.patches:
                self.patch_of.setdefault(patch, k.path)
        for root in self.kustomizations:
            self._walk(root, root.namespace, by_dir, set())

    def _walk(
        self,
        k: Kustomization,
        namespace: str | None,
        by_dir: Mapping[str, Kustomization],
        active: set[str],
    ) -> None:
        if k.path in active:  # a cycle of bases: kustomize rejects it, we just stop
            return
        active.add(k.path)
        for ref in k.resources:
            child = by_dir.get(ref)
            if child is not None:
                # The outer namespace wins over the one the base declares.
                self._walk(child, namespace or child.namespace, by_dir, active)
            else:
                self._namespaces.setdefault(ref, set()).add(namespace)
        active.discard(k.path)

    def namespace(self, path: str) -> str | None:
        """The namespace kustomize gives the objects of ``path``, if there is exactly one."""
        found = {n for n in self._namespaces.get(os.path.normpath(path), ()) if n}
        return next(iter(found)) if len(found) == 1 else None

    def patch(self, path: str) -> str | None:
        """The kustomization that uses ``path`` as a patch, if any."""
        return self.patch_of.get(os.path.normpath(path))

    def digest_parts(self) -> Iterable[str]:
        """What of the map can change an outcome, for the result cache key."""
        for k in sorted(self.kustomizations, key=lambda k: k.path):
            yield f"{k.path}|{k.namespace}|{','.join(k.resources)}|{','.join(k.patches)}"


def is_kustomization_name(name: str) -> bool:
    return name in KUSTOMIZATION_NAMES
