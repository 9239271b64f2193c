"""The Kubernetes run: which manifests, kustomizations and charts it holds, the index of
every object per ``k8s.scope``, and what kustomize does to a file.

Built once per run through ``ParseCache.memo``; per-file facts are cached by content, so a
warm run builds the index without parsing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.kubernetes.kustomize import KustomizeMap
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.indexes import helm
from pytest_devops_policy.indexes.kubernetes import K8sIndex, file_facts, kustomize_map, run_files
from pytest_devops_policy.model import ParsedFile, ParseError, Source
from pytest_devops_policy.options import K8sOptions

__all__ = ["K8sRun", "adjust", "cache_token", "index_for", "run_index", "the_run"]


@dataclass(frozen=True)
class K8sRun:
    """The files of the run, found once."""

    manifests: list[str]
    kustomize: KustomizeMap
    charts: list[str]


def _read_text(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def _find(cache: ParseCache, _: None) -> K8sRun:
    manifests, kustomizations, charts = run_files(cache.roots)
    return K8sRun(manifests, kustomize_map(kustomizations, _read_text), charts)


def the_run(cache: ParseCache) -> K8sRun:
    return cache.memo(_find, None)


def _rendered_facts(cache: ParseCache) -> list[tuple[str, str, Any]]:
    """Objects of the run's Helm charts (rendered with ``k8s.helm_render``)."""
    found: list[tuple[str, str, Any]] = []
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
            found.append((template, source.relpath, facts))
    return found


def _build(cache: ParseCache, key: tuple[str | None, bool]) -> K8sIndex:
    default_ns, render = key
    run = the_run(cache)
    files = [
        (path, cache.relpath(path), cache.facts(path, "kubernetes", "k8s-facts", file_facts))
        for path in run.manifests
    ]
    if render:
        files += _rendered_facts(cache)
    return K8sIndex.build(files, run.kustomize, default_ns)


def _default_namespace(options: K8sOptions) -> str | None:
    return options.default_namespace or None


def run_index(context: Context) -> K8sIndex:
    """Every object of the run, built once from per-file facts (cached by content)."""
    options = context.options(K8sOptions)
    return context.cache.memo(_build, (_default_namespace(options), options.helm_render))


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


def index_for(path: str, context: Context) -> K8sIndex:
    """The index a file's policies see: ``k8s.scope`` = the whole run (default), the file's
    directory, or the file itself."""
    full = run_index(context)
    scope = _scope(path, context.options(K8sOptions))
    if scope == "session":
        return full
    return context.cache.memo(_view, (full, scope))


def adjust(parsed: ParsedFile, context: Context) -> ParsedFile:
    """Patch files named by a kustomization are fragments: not judged as objects.
    Other objects take the kustomization's namespace (which overrides their own)."""
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
    how kustomize treats it, and the cross-object index of its scope."""
    kustomize = the_run(context.cache).kustomize
    index = index_for(path, context)
    return "|".join(
        (
            str(kustomize.patch(path)),
            str(kustomize.namespace(path)),
            str(_default_namespace(context.options(K8sOptions))),
            index.facts_digest,
        )
    )
