"""The Kubernetes run: which manifests, kustomizations and charts it holds, how they group
into deployment units, the index of every unit per ``k8s.scope``, and what kustomize does
to a file.

Built once per run through ``ParseCache.memo``; per-file facts are cached by content, so a
warm run builds the indexes without parsing.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.kubernetes.kustomize import KustomizeMap
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.indexes import helm
from pytest_devops_policy.indexes.k8s_units import Unit, UnitMap, directory_unit, group_units
from pytest_devops_policy.indexes.kubernetes import (
    K8sIndex,
    facts_digest,
    file_facts,
    kustomize_map,
    run_files,
    walk_run,
)
from pytest_devops_policy.model import ParsedFile, ParseError, Source
from pytest_devops_policy.options import K8sOptions
from pytest_devops_policy.safefile import read_text

__all__ = [
    "K8sRun",
    "K8sUnits",
    "ScopeInputs",
    "adjust",
    "cache_token",
    "index_for",
    "run_index",
    "run_paths",
    "scope_inputs",
    "the_run",
    "unit_indexes",
]


@dataclass(frozen=True)
class K8sRun:
    """The files of the run, found once."""

    manifests: list[str]
    kustomize: KustomizeMap
    charts: list[str]


def _read_text(path: str) -> str | None:
    # A kustomization is named by the tree: a FIFO or a link to /dev/zero reads as absent.
    return read_text(path)


def _walk(cache: ParseCache, _: None) -> list[str]:
    return walk_run(cache.roots)


def run_paths(cache: ParseCache) -> list[str]:
    """Every file under the run's roots (``walk_run``), walked once per run."""
    return cache.memo(_walk, None)


def _find(cache: ParseCache, _: None) -> K8sRun:
    return run_of(cache, cache.roots, run_paths(cache))


def run_of(cache: ParseCache, roots: list[str], paths: list[str]) -> K8sRun:
    """The Kubernetes files among ``paths`` (walked from ``roots``)."""
    manifests, kustomizations, charts = run_files(roots, cache.classify, paths)
    return K8sRun(manifests, kustomize_map(kustomizations, _read_text), charts)


def the_run(cache: ParseCache) -> K8sRun:
    return cache.memo(_find, None)


# (path, relpath, facts, digest of the facts) of one file of the run
_FileFacts = tuple[str, str, list[dict[str, Any]], str]


def _rendered_facts(cache: ParseCache) -> tuple[list[_FileFacts], dict[str, str]]:
    """Objects of the run's Helm charts (rendered with ``k8s.helm_render``), and the
    chart of each rendered template."""
    found: list[_FileFacts] = []
    charts: dict[str, str] = {}
    for chart in the_run(cache).charts:
        rendered = helm.rendered_chart(cache, chart)
        if rendered is None or rendered.error:
            continue
        for template in sorted(rendered.documents):
            text = rendered.text_for(template) or ""
            source = Source(template, cache.relpath(template), text)
            try:
                facts = file_facts(helm.parse_rendered(source))
            except ParseError:
                continue
            found.append((template, source.relpath, facts, facts_digest(facts)))
            charts[template] = chart
    return found, charts


@dataclass(frozen=True, eq=False)  # memo keys compare by identity
class K8sUnits:
    """The deployment units of the run and the index of each (the ``session`` scope)."""

    units: UnitMap
    indexes: Mapping[Unit, K8sIndex]
    default_namespace: str | None


def _file_facts(cache: ParseCache, path: str) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = cache.facts(path, "kubernetes", "k8s-facts", file_facts)
    return facts


def prime(context: Context, mine: Callable[[str], bool]) -> None:
    """The facts of the manifests ``mine`` accepts, into the fact store (forked jobs and
    their parent split the manifests: each takes the facts the others published when its
    index is built, and parses the rest)."""
    cache = context.cache
    manifests = the_run(cache).manifests
    xref = cache.prime_xref
    if xref:
        from pytest_devops_policy.indexes.xref_facts import k8s_facts
    for path in filter(mine, manifests):
        _file_facts(cache, path)
        if xref:  # the cross-artifact index reads every manifest too: from the same parse
            cache.facts(path, "kubernetes", "xref.k8s", k8s_facts)


class _UnitIndexes(Mapping[Unit, K8sIndex]):
    """Each unit's index, built when first asked for: a run that judges a few manifests
    (``--devops-policy-changed``) reads the facts of their units' files only."""

    def __init__(
        self,
        cache: ParseCache,
        units: UnitMap,
        rendered: dict[str, _FileFacts],
        default_ns: str | None,
    ) -> None:
        self._cache = cache
        self._units = units
        self._rendered = rendered
        self._default_ns = default_ns
        self._built: dict[Unit, K8sIndex] = {}

    def _facts(self, path: str) -> _FileFacts:
        hit = self._rendered.get(os.path.normpath(path))
        if hit is not None:
            return hit
        facts = _file_facts(self._cache, path)
        return (path, self._cache.relpath(path), facts, facts_digest(facts))

    def __getitem__(self, unit: Unit) -> K8sIndex:
        hit = self._built.get(unit)
        if hit is None:
            members = self._units.members[unit]  # KeyError: not a unit of the run
            hit = self._built[unit] = K8sIndex.build(
                unit,
                ((*self._facts(path), namespace) for path, namespace in members),
                self._default_ns,
            )
        return hit

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.members)

    def __len__(self) -> int:
        return len(self._units.members)


def _build(cache: ParseCache, key: tuple[str | None, bool, tuple[str, ...]]) -> K8sUnits:
    default_ns, render, unit_roots = key
    run = the_run(cache)
    rendered: dict[str, _FileFacts] = {}
    charts: dict[str, str] = {}
    if render:
        found, charts = _rendered_facts(cache)
        rendered = {os.path.normpath(f[0]): f for f in found}
    units = group_units(run.manifests, run.kustomize, cache.relpath, unit_roots, charts)
    return K8sUnits(units, _UnitIndexes(cache, units, rendered, default_ns), default_ns)


def _default_namespace(options: K8sOptions) -> str | None:
    return options.default_namespace or None


def unit_indexes(context: Context) -> K8sUnits:
    """Every unit of the run, built once from per-file facts (cached by content)."""
    options = context.options(K8sOptions)
    key = (_default_namespace(options), options.helm_render, tuple(options.unit_roots))
    return context.cache.memo(_build, key)


def _union(cache: ParseCache, run: K8sUnits) -> K8sIndex:
    entries = [e for index in run.indexes.values() for e in index.entries]
    return K8sIndex(entries, Unit("run", "the run"), run.default_namespace)


def run_index(context: Context) -> K8sIndex:
    """Every object of every unit in one index, for inspection: a base reached from two
    overlays appears once per overlay. Policies never see it (they see their unit)."""
    return context.cache.memo(_union, unit_indexes(context))


def _scope(path: str, options: K8sOptions) -> str:
    if options.scope == "file":
        return "file:" + path
    if options.scope == "dir":
        return "dir:" + os.path.dirname(path)
    return "session"


def _view(cache: ParseCache, key: tuple[K8sIndex, str]) -> K8sIndex:
    full, scope = key
    kind, _, where = scope.partition(":")
    if kind == "file":
        return full.restricted(lambda p: p == where)
    return full.restricted(lambda p: os.path.dirname(p) == where)


def _views(cache: ParseCache, key: tuple[K8sUnits, tuple[Unit, ...], str]) -> K8sIndex:
    run, units, scope = key
    views = []
    for unit in units:
        full = run.indexes.get(unit) or K8sIndex([], unit, run.default_namespace)
        views.append(full if scope == "session" else cache.memo(_view, (full, scope)))
    if len(views) == 1:
        return views[0]
    # A file several units apply: the first unit's index, knowing the others. A shallow
    # copy, so the shared per-unit index keeps ``units == (itself,)``.
    first = copy.copy(views[0])
    first.units = tuple(views)
    return first


def index_for(path: str, context: Context) -> K8sIndex:
    """The index a file's policies see: its deployment unit, narrowed by ``k8s.scope``
    (the whole unit by default, the part in the file's directory, or the file itself).
    ``.units`` holds one index per unit when several apply the file."""
    run = unit_indexes(context)
    units = tuple(run.units.units_of(path)) or (directory_unit(path, context.cache.relpath),)
    scope = _scope(path, context.options(K8sOptions))
    return context.cache.memo(_views, (run, units, scope))


def adjust(parsed: ParsedFile, context: Context) -> ParsedFile:
    """Patch files named by a kustomization are fragments: not judged as objects.
    Other objects take the kustomization's namespace (which overrides their own) when
    every unit that applies them agrees on it."""
    if not parsed.subjects:
        return parsed
    kustomize = the_run(context.cache).kustomize
    path = parsed.source.path
    owner = kustomize.patch(path)
    if owner is not None:
        where = context.cache.relpath(owner)
        reason = (
            f"a kustomize patch applied by {where}: a fragment, judged as part of the "
            "kustomize output rather than as whole objects "
            "(run kustomize build and scan the output to check the result)"
        )
        return replace(parsed, skip_reason=reason)
    override = kustomize.namespace(path)
    default = _default_namespace(context.options(K8sOptions))
    if override or default:
        for subject in parsed.subjects:
            if isinstance(subject, K8sObject):
                subject.kustomize_namespace = override
                subject.default_namespace = default
    return parsed


def cache_token(path: str, context: Context) -> str:
    """What besides the file itself its outcomes depend on (the result-cache key):
    how kustomize treats it, and every object of each unit (in its scope) that applies it."""
    kustomize = the_run(context.cache).kustomize
    index = index_for(path, context)
    return "|".join(
        (
            str(kustomize.patch(path)),
            str(kustomize.namespace(path)),
            str(_default_namespace(context.options(K8sOptions))),
            *(view.facts_digest for view in index.units),
        )
    )


@dataclass(frozen=True)
class ScopeInputs:
    """What a file's Kubernetes index is built from, found without parsing a manifest
    (``--devops-policy-changed``): the files its units apply (narrowed by ``k8s.scope``),
    the kustomizations that shape them, and the directories whose manifests a directory
    unit applies (``trees``: with their subdirectories, ``k8s.unit_roots``)."""

    files: frozenset[str]
    kustomizations: frozenset[str]
    directories: frozenset[str]
    trees: frozenset[str]


def _grouped(cache: ParseCache, unit_roots: tuple[str, ...]) -> UnitMap:
    run = the_run(cache)
    return group_units(run.manifests, run.kustomize, cache.relpath, unit_roots)


def _kustomizations_of(kustomize: KustomizeMap, root: str) -> set[str]:
    """The kustomization files a root kustomization reaches (itself included)."""
    by_dir = {k.directory: k for k in kustomize.kustomizations}
    by_path = {k.path: k for k in kustomize.kustomizations}
    seen: set[str] = set()
    queue = [by_path[root]] if root in by_path else []
    while queue:
        k = queue.pop()
        if k.path in seen:
            continue
        seen.add(k.path)
        queue.extend(by_dir[r] for r in k.resources if r in by_dir)
    return seen


def scope_inputs(path: str, context: Context) -> ScopeInputs:
    """The inputs of the index ``index_for(path)`` gives, from file names and kustomizations
    only (no manifest is parsed)."""
    options = context.options(K8sOptions)
    cache = context.cache
    units_map = cache.memo(_grouped, tuple(options.unit_roots))
    kustomize = the_run(cache).kustomize
    norm = os.path.normpath(path)
    units = tuple(units_map.units_of(path)) or (directory_unit(path, cache.relpath),)
    files: set[str] = {norm}
    kustomizations: set[str] = set()
    directories: set[str] = set()
    trees: set[str] = set()
    owner = kustomize.patch(path)
    if owner is not None:
        kustomizations.add(owner)
    by_root = {"kustomize:" + ku.root.path: ku for ku in kustomize.units}
    for unit in units:
        kind, _, where = unit.key.partition(":")
        files.update(os.path.normpath(m) for m, _ in units_map.members.get(unit, ()))
        if kind == "kustomize" and unit.key in by_root:
            files.update(os.path.normpath(f) for f in by_root[unit.key].files)
            kustomizations |= _kustomizations_of(kustomize, where)
        elif kind == "dir":
            directories.add(where)
        elif kind == "tree":
            trees.add(where)
    if options.scope == "file":
        files, directories, trees = {norm}, set(), set()
    elif options.scope == "dir":
        here = os.path.dirname(norm)
        files = {f for f in files if os.path.dirname(f) == here}
        directories = {d for d in directories if d == here}
        trees = {t for t in trees if here == t or here.startswith(t.rstrip(os.sep) + os.sep)}
        if trees:  # narrowed to the file's own directory
            directories.add(here)
            trees = set()
    return ScopeInputs(
        frozenset(files), frozenset(kustomizations), frozenset(directories), frozenset(trees)
    )
