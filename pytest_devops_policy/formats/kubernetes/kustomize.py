"""What ``kustomization.yaml`` files say about the manifests next to them (catalog §2.2-5).

Three facts matter to policies, and none needs ``kustomize build``:

* files referenced as patches (``patches[].path``, ``patchesStrategicMerge``,
  ``patchesJson6902[].path``) are fragments, not objects: judging them as
  whole objects would fail every field they leave out;
* which files are applied together: a kustomization that no other one uses
  (an overlay, or a standalone kustomization) is a *root*, and everything it
  reaches through ``resources``, ``bases`` and ``components`` is one
  ``KustomizeUnit``. A base used by two overlays belongs to both units;
* the namespace of every resource in a unit: the outermost kustomization that
  sets ``namespace`` wins (an overlay re-namespaces its base), so one file may
  have a different namespace in each unit.

What a unit applies but the run cannot read (remote bases, ``helmCharts``) is
recorded as ``unseen``: cross-object verdicts that rest on an absence are then
not certain.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.formats.yamlload import load_documents
from pytest_devops_policy.model import ParseError

__all__ = [
    "KUSTOMIZATION_NAMES",
    "Kustomization",
    "KustomizeMap",
    "KustomizeUnit",
    "is_kustomization_name",
    "kustomization_from",
    "load_kustomization",
    "read_kustomization",
]

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True)
class Kustomization:
    path: str  # absolute path of the kustomization file
    namespace: str | None
    resources: tuple[str, ...]  # absolute paths (files or directories); URLs dropped
    patches: tuple[str, ...]  # absolute paths of patch files
    remote: tuple[str, ...] = ()  # what it applies that is not a local file (URLs, helmCharts)

    @property
    def directory(self) -> str:
        return os.path.dirname(self.path)


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _local(base: str, ref: str) -> str | None:
    """A reference as an absolute local path; remote bases (URLs, git) are not ours."""
    ref = ref.strip()
    if not ref or _is_remote(ref) or "\n" in ref:
        return None
    return os.path.normpath(os.path.join(base, ref))


def _is_remote(ref: str) -> bool:
    return "://" in ref or ref.startswith(("git@", "github.com/", "gitlab.com/", "bitbucket.org/"))


def _helm_charts(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    names = (c.get("name") for c in value if isinstance(c, Mapping))
    return [f"helm chart {n}" for n in names if isinstance(n, str) and n]


def load_kustomization(text: str) -> Mapping[str, Any] | None:
    """A kustomization file's mapping; None when it is broken or not a mapping."""
    try:
        docs = load_documents(text, yaml11=True)
    except ParseError:
        return None
    data = docs[0].value if docs else None
    return data if isinstance(data, Mapping) else None


def read_kustomization(path: str, text: str) -> Kustomization | None:
    """The facts of one kustomization file; None when it is not one (or is broken)."""
    data = load_kustomization(text)
    return kustomization_from(path, data) if data is not None else None


def kustomization_from(path: str, data: Mapping[str, Any]) -> Kustomization:
    """The facts of a kustomization already loaded (``load_kustomization``)."""
    base = os.path.dirname(path)
    refs = _strings(data.get("resources")) + _strings(data.get("bases"))
    refs += _strings(data.get("components"))
    resources = tuple(p for p in (_local(base, r) for r in refs) if p)
    remote = tuple(r.strip() for r in refs if _is_remote(r.strip()))
    remote += tuple(_helm_charts(data.get("helmCharts")))
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
        remote=remote,
    )


@dataclass(frozen=True)
class KustomizeUnit:
    """What one root kustomization applies: every resource file it reaches, with the
    namespace kustomize gives that file here (None: no kustomization on the way sets one)."""

    root: Kustomization
    files: Mapping[str, str | None]
    # References that are not files or kustomizations of the run (remote bases, helm
    # charts, directories outside the scanned paths): resources the run cannot read.
    unresolved: tuple[str, ...]


@dataclass
class KustomizeMap:
    """Patch files, units and per-unit namespaces of every kustomization in a run."""

    kustomizations: list[Kustomization]
    patch_of: dict[str, str] = field(default_factory=dict)  # patch file -> kustomization
    units: list[KustomizeUnit] = field(default_factory=list)
    _reached: dict[str, list[tuple[KustomizeUnit, str | None]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_dir = {k.directory: k for k in self.kustomizations}
        used: set[str] = set()
        for k in self.kustomizations:
            for patch in k.patches:
                self.patch_of.setdefault(patch, k.path)
            used.update(r for r in k.resources if r in by_dir and by_dir[r] is not k)
        roots = [k for k in self.kustomizations if k.directory not in used]
        reached: set[str] = set()
        for root in sorted(roots, key=lambda k: k.path):
            self._add_unit(root, by_dir, reached)
        # Kustomizations only reachable from each other (a cycle, which kustomize rejects)
        # still apply their files somewhere: each becomes a root of its own.
        for k in sorted(self.kustomizations, key=lambda k: k.path):
            if k.path not in reached:
                self._add_unit(k, by_dir, reached)

    def _add_unit(
        self, root: Kustomization, by_dir: Mapping[str, Kustomization], reached: set[str]
    ) -> None:
        files: dict[str, str | None] = {}
        unresolved: list[str] = []
        self._walk(root, root.namespace, by_dir, set(), files, unresolved, reached)
        unit = KustomizeUnit(root, files, tuple(dict.fromkeys(unresolved)))
        self.units.append(unit)
        for path, namespace in files.items():
            self._reached.setdefault(path, []).append((unit, namespace))

    def _walk(
        self,
        k: Kustomization,
        namespace: str | None,
        by_dir: Mapping[str, Kustomization],
        active: set[str],
        files: dict[str, str | None],
        unresolved: list[str],
        reached: set[str],
    ) -> None:
        if k.path in active:  # a cycle of bases: kustomize rejects it, we just stop
            return
        active.add(k.path)
        reached.add(k.path)
        unresolved.extend(k.remote)
        for ref in k.resources:
            child = by_dir.get(ref)
            if child is not None:
                # The outer namespace wins over the one the base declares.
                ns = namespace or child.namespace
                self._walk(child, ns, by_dir, active, files, unresolved, reached)
            else:
                files.setdefault(ref, namespace)
        active.discard(k.path)

    def units_of(self, path: str) -> list[tuple[KustomizeUnit, str | None]]:
        """The units that apply ``path``, with the namespace each gives it."""
        return self._reached.get(os.path.normpath(path), [])

    def namespace(self, path: str) -> str | None:
        """The namespace kustomize gives the objects of ``path`` when every unit that
        applies it agrees on one (what the object's own label shows); else None."""
        found = {n for _, n in self.units_of(path)}
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
