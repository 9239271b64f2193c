"""Deployment units: which manifests of a run are applied together.

Cross-object policies relate objects only inside a unit; objects of two units are never
applied together as far as the scan can tell (two kustomize overlays are alternatives,
two directories are two ``kubectl apply -f`` calls, possibly to two clusters).

* **Kustomize.** Each root kustomization (one that no other kustomization of the run uses)
  is a unit of everything it reaches through ``resources``, ``bases`` and ``components``.
  A base reached from two overlays belongs to both units, with the namespace each overlay
  gives it.
* **Helm** (rendered with ``k8s.helm_render``): a chart's rendered templates are one unit.
* **Directories.** Every other manifest belongs to the unit of its own directory, as
  ``kubectl apply -f DIR`` applies it: subdirectories are units of their own (kubectl does
  not recurse without ``-R``). ``k8s.unit_roots`` names directories (relative to the
  rootdir, a glob per path segment) whose whole tree is applied as one unit
  (``kubectl apply -R -f DIR``); the outermost one that matches wins.

A unit also records what it applies but the run cannot read (remote bases, kustomize
``helmCharts``, resources outside the scanned paths): verdicts that rest on something
being absent are not certain there.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pytest_devops_policy.formats.kubernetes.kustomize import KustomizeMap

__all__ = ["Member", "Unit", "UnitMap", "directory_unit", "group_units"]

# (file, the namespace a kustomization gives it in this unit, or None)
Member = tuple[str, str | None]


@dataclass(frozen=True)
class Unit:
    """One deployment unit: what is applied together."""

    key: str  # stable and unique: "kustomize:<file>", "dir:<dir>", "tree:<dir>", "helm:<chart>"
    label: str  # how messages name it: "kustomization deploy/overlays/prod"
    unseen: tuple[str, ...] = ()  # applied, but not read by this run


@dataclass(frozen=True)
class UnitMap:
    """The units of a run, their members in run order, and the units of each file."""

    members: Mapping[Unit, Sequence[Member]]
    of_path: Mapping[str, Sequence[Unit]]

    def units_of(self, path: str) -> Sequence[Unit]:
        return self.of_path.get(os.path.normpath(path), ())


def directory_unit(path: str, relpath: Callable[[str], str]) -> Unit:
    """The unit of a file applied on its own directory's terms."""
    directory = os.path.dirname(os.path.normpath(path))
    return Unit("dir:" + directory, f"directory {_shown(relpath(directory))}")


def _shown(rel: str) -> str:
    return "./" if rel in ("", ".") else rel.rstrip("/") + "/"


def _tree_root(
    path: str, patterns: Sequence[str], relpath: Callable[[str], str], memo: dict[str, str | None]
) -> str | None:
    """The outermost ancestor directory of ``path`` that ``k8s.unit_roots`` names."""
    directory = os.path.dirname(os.path.normpath(path))
    chain: list[str] = []
    while True:
        chain.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    found: str | None = None
    for d in chain:  # innermost first; the last match is the outermost
        if d not in memo:
            rel = relpath(d).rstrip("/") or "."
            # Directories outside the rootdir (relpath keeps them absolute) match nothing.
            hit = not os.path.isabs(rel) and any(_matches(rel, p) for p in patterns)
            memo[d] = d if hit else None
        found = memo[d] or found
    return found


def _matches(rel: str, pattern: str) -> bool:
    """A glob per path segment: ``deploy/*`` is every directory right under deploy/."""
    if pattern == "." or rel == ".":
        return pattern == rel
    parts, globs = rel.split("/"), pattern.split("/")
    return len(parts) == len(globs) and all(map(fnmatch.fnmatchcase, parts, globs))


def _normalise(patterns: Iterable[str]) -> list[str]:
    out = []
    for p in patterns:
        p = p.strip().replace("\\", "/").rstrip("/")
        p = p[2:] if p.startswith("./") else p
        out.append(p or ".")
    return out


def group_units(
    manifests: Sequence[str],
    kustomize: KustomizeMap,
    relpath: Callable[[str], str],
    unit_roots: Iterable[str] = (),
    rendered: Mapping[str, str] | None = None,
) -> UnitMap:
    """Every manifest (and rendered Helm template, ``template -> chart``) in its units.

    Patch files are fragments of a kustomization, in no unit.
    """
    members: dict[Unit, list[Member]] = {}
    of_path: dict[str, list[Unit]] = {}
    known = {os.path.normpath(m) for m in manifests}
    kustomizations = {k.directory for k in kustomize.kustomizations}

    def add(unit: Unit, path: str, namespace: str | None) -> None:
        members.setdefault(unit, []).append((path, namespace))
        of_path.setdefault(os.path.normpath(path), []).append(unit)

    by_root = {}
    for ku in kustomize.units:
        unseen = list(ku.unresolved)
        # A reference that is neither a manifest of the run nor a kustomization of it lies
        # outside the scanned paths (or is not a manifest the scan reads).
        unseen += [relpath(f) for f in ku.files if f not in known and f not in kustomizations]
        label = f"kustomization {_shown(relpath(ku.root.directory))}"
        by_root[ku.root.path] = Unit("kustomize:" + ku.root.path, label, tuple(unseen))

    patterns = _normalise(unit_roots)
    memo: dict[str, str | None] = {}
    for path in manifests:
        if kustomize.patch(path) is not None:
            continue
        reached = kustomize.units_of(path)
        for ku, namespace in reached:
            add(by_root[ku.root.path], path, namespace)
        if reached:
            continue
        tree = _tree_root(path, patterns, relpath, memo) if patterns else None
        if tree is not None:
            add(Unit("tree:" + tree, f"directory tree {_shown(relpath(tree))}"), path, None)
        else:
            add(directory_unit(path, relpath), path, None)
    for template, chart in (rendered or {}).items():
        add(Unit("helm:" + chart, f"chart {_shown(relpath(chart))}"), template, None)
    ordered = {u: members[u] for u in sorted(members, key=lambda u: u.key)}
    return UnitMap(ordered, {p: sorted(us, key=lambda u: u.key) for p, us in of_path.items()})
