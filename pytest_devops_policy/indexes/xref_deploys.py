"""What a CI job's deploy commands name, checked against the run's objects (XREF-001, XREF-006).

Kind-neutral: the decisions take the job's events (``knowledge.xref.events``) and a
``JobView`` of what they need of the job (value resolution, "may the job have made this
path", where a command is), so a GitHub Actions job and a GitLab CI job share them.

XREF-001 (``check_targets``): each object a ``kubectl set image``/``rollout``/``scale``/
``patch``/``wait`` (or ``kubectl argo rollouts``) names is looked up in the index, as written
and as the run's kustomizations render it (``namePrefix``...), in the ``-n`` namespace (an
object written without a namespace takes it; no ``-n``: any namespace). A local Helm chart
needs its ``Chart.yaml`` and every ``-f`` values file; ``kustomize edit set image NAME=``
needs an image NAME among that kustomization's resources.

XREF-006 (``check_namespaces``): ``kubectl apply|create|replace|delete|diff -n NS`` with
``-f``/``-k`` (or a piped ``kustomize build``) aborts when an object it reads has another
``metadata.namespace`` (after kustomize's ``namespace:``). Cluster-scoped kinds have none.

Precision first (catalog §9): a lookup that fails while something the index cannot read
may hold the object (a Helm chart, a remote base, a URL, a path the job writes, a piped
script) is UNKNOWN, never FAIL; so are values known only at run time.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.knowledge.xref.events import (
    DeployEvent,
    Event,
    Origin,
    Rewrite,
    Target,
    join_path,
    normalise_kind,
)

if TYPE_CHECKING:  # the index and the Kubernetes readers load only when a job deploys
    from pytest_devops_policy.indexes.xref import KustomizeSummary, XrefIndex

__all__ = [
    "APPLY_VERBS",
    "JobView",
    "Outcome",
    "Settings",
    "check_namespaces",
    "check_targets",
    "kustomize_matches",
    "namespace_events",
    "target_events",
]

# Commands that name objects XREF-001 looks up.
_LOOKUP_VERBS = frozenset({"set-image", "rollout", "scale", "patch", "wait"})
# Commands that read objects from -f / -k (XREF-006; and "the job applies manifests").
APPLY_VERBS = frozenset({"apply", "create", "replace", "delete", "diff"})
_CREATING = frozenset({"apply", "create", "replace"})
# Kinds the index holds (indexes.xref_facts.WORKLOAD_KINDS and Services); other kinds
# are not judged.
WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
     "CronJob", "Pod", "Rollout"}
)  # fmt: skip
_INDEXED = WORKLOAD_KINDS | {"Service"}
_MANIFEST_EXT = (".yaml", ".yml", ".json")
_FOR_DELETE = re.compile(r"--for[=\s]+['\"]?delete\b")
_UNSET_CONFIRM = "explicit object name in the command (high confidence)"


@dataclass(frozen=True)
class Outcome:
    """One finding of a decision: ``fail``, ``note`` (low-severity finding) or ``unknown``."""

    status: Literal["fail", "note", "unknown"]
    message: str
    origin: Origin
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class JobView:
    """What the decisions need of a CI job.

    ``resolve(text, origin)``: the literal value of a word as written at ``origin`` (None
    when a template token remains). ``may_create(rel, origin)``: why a repository path that
    is not there may have been made by the job before ``origin`` (None: nothing did).
    ``where(origin)``: ``file:line`` of the command; ``label(origin)``: the step, for
    messages. ``written(rel, origin)``: why a repository path may have been overwritten by
    the job before ``origin`` (``> file``, ``tee``, ``cp``). ``edits_kustomizations``: the
    job runs ``kustomize edit`` commands other than ``set image`` (namespace, prefixes...),
    which no event records. ``opaque``: steps that may create cluster objects no event
    shows (scripts, deploy tools, actions): an object missing from the index may be theirs."""

    events: Sequence[Event]
    root: str
    resolve: Callable[[str, Origin], str | None]
    may_create: Callable[[str, Origin], str | None]
    where: Callable[[Origin], str]
    label: Callable[[Origin], str]
    edits_kustomizations: bool = False
    written: Callable[[str, Origin], str | None] = lambda rel, origin: None
    opaque: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    manifests_complete: bool = False
    external_objects: tuple[str, ...] = ()
    cluster_scoped_kinds: tuple[str, ...] = ()
    trusted: bool = True  # explicit names meet xref.min_link_confidence


# -- which events -------------------------------------------------------------------


def deploy_events(events: Iterable[Event]) -> Iterator[tuple[int, DeployEvent]]:
    for i, e in enumerate(events):
        if isinstance(e, DeployEvent):
            yield i, e


def target_events(events: Sequence[Event]) -> list[DeployEvent]:
    """The events XREF-001 inspects: named objects, local Helm charts and values, and
    ``kustomize edit set image``."""
    return [e for _, e in deploy_events(events) if _names_objects(e)]


def _names_objects(e: DeployEvent) -> bool:
    if e.verb in _LOOKUP_VERBS:
        return bool(e.targets or (e.verb == "set-image" and e.files))
    if e.verb == "helm":
        return e.chart is not None
    return e.verb == "kustomize-set-image" and bool(e.images)


def namespace_events(events: Sequence[Event]) -> list[DeployEvent]:
    """The events XREF-006 inspects: ``-n NS`` with ``-f``/``-k``."""
    return [
        e
        for _, e in deploy_events(events)
        if e.verb in APPLY_VERBS and e.namespace and (e.files or e.kustomize_dirs)
    ]


# -- reading what a command applies ------------------------------------------------------


@dataclass(frozen=True)
class Obj:
    """An object a command reads or names, where it was written."""

    kind: str
    name: str | None
    namespace: str | None
    relpath: str
    line: int
    containers: tuple[tuple[str, int], ...] = ()  # (name, line), containers + init
    via: str = ""  # "k8s/overlays/prod (kustomize)" when rendered
    original_name: str | None = None


@dataclass
class Applied:
    objects: list[Obj] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # why some objects cannot be read
    local: bool = False  # read at least one manifest or kustomization of the repository
    summaries: list[KustomizeSummary] = field(default_factory=list)


class ManifestReader:
    """Reads the objects of -f/-k arguments through the parse cache and the index."""

    def __init__(self, view: JobView, cache: ParseCache, index: XrefIndex) -> None:
        self.view = view
        self.cache = cache
        self.index = index

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.view.root).replace(os.sep, "/")

    def _inside(self, rel: str | None) -> bool:
        return rel is not None and not os.path.isabs(rel) and not rel.startswith("..")

    def rewritten(self, before: int, rels: Iterable[str]) -> str | None:
        """A Rewrite event before event ``before`` that touches one of ``rels`` (a file,
        or a file under a directory)."""
        wanted = list(rels)
        for e in self.view.events[:before]:
            if not isinstance(e, Rewrite):
                continue
            for f in (*e.files, *([e.kustomization] if e.kustomization else [])):
                done = join_path(e.cwd, f) if f != e.kustomization else f
                if done is None:
                    return f"{self.view.label(e.origin)} rewrites {f}"
                for w in wanted:
                    if (
                        done == w
                        or done.startswith(w.rstrip("/") + "/")
                        or w.startswith(done.rstrip("/") + "/")
                    ):
                        return f"{self.view.label(e.origin)} rewrites {done}"
        return None

    def word(self, text: str, origin: Origin) -> str | None:
        return text if "$" not in text and "{{" not in text else self.view.resolve(text, origin)

    def manifests(self, event: DeployEvent, position: int, out: Applied) -> None:
        """The objects of ``-f`` arguments (files, directories, globs; ``-`` from a piped
        ``kustomize build``)."""
        for written in event.files:
            if written == "-":
                if event.stdin_kustomize is None:
                    shown = " | ".join(event.stdin_from) or "standard input"
                    out.unknown.append(f"objects piped in from {shown}")
                elif event.stdin_rewritten:
                    out.unknown.append("objects of a kustomize build rewritten on the way")
                else:
                    self.kustomization(event, event.stdin_kustomize, position, out)
                continue
            if "://" in written:
                out.unknown.append(f"{written} (a URL)")
                continue
            value = self.word(written, event.origin)
            rel = join_path(event.cwd, value) if value is not None else None
            if value is None or rel is None or not self._inside(rel):
                out.unknown.append(f"{written} (known only at run time)")
                continue
            self._path(event, position, rel, out)

    def _path(self, event: DeployEvent, position: int, rel: str, out: Applied) -> None:
        why = self.rewritten(position, [rel]) or self.view.written(rel, event.origin)
        if why is not None:
            out.unknown.append(f"{rel} ({why})")
            return
        full = os.path.join(self.view.root, rel)
        if any(c in rel for c in "*?[") and not os.path.exists(full):
            files = sorted(glob.glob(full))
        elif os.path.isdir(full):
            files = _directory(full, event.recursive)
        elif os.path.isfile(full):
            files = [full]
        else:
            made = self.view.may_create(rel, event.origin)
            out.unknown.append(f"{rel} ({made or 'not in the repository'})")
            return
        for path in files:
            self._file(path, out)

    def _file(self, path: str, out: Applied) -> None:
        from pytest_devops_policy.formats.kubernetes.objects import K8sObject
        from pytest_devops_policy.model import ParseError

        if not path.endswith(_MANIFEST_EXT):
            return
        parsed = self.cache.get(path, "kubernetes")
        rel = self.rel(path)
        if isinstance(parsed, ParseError):
            out.unknown.append(f"{rel} (does not parse)")
            return
        out.local = True
        for s in parsed.subjects:
            if isinstance(s, K8sObject) and s.kind_name:
                written = self.index.workloads(s.kind_name, s.name)
                match = next((w for w in written if w.relpath == rel and w.line == s.line), None)
                containers = (
                    tuple((c.name, c.line) for c in match.containers if c.name) if match else ()
                )
                out.objects.append(
                    Obj(s.kind_name, s.name, s.namespace, rel, s.line, containers, rel, s.name)
                )

    def kustomization(self, event: DeployEvent, written: str, position: int, out: Applied) -> None:
        value = self.word(written, event.origin)
        rel = join_path(event.cwd, value) if value is not None else None
        if value is None or rel is None or not self._inside(rel):
            out.unknown.append(f"kustomization {written} (known only at run time)")
            return
        if "://" in written or written.startswith("github.com/"):
            out.unknown.append(f"kustomization {written} (remote)")
            return
        summary = self.index.kustomize(rel)
        if any(u.reference == summary.relpath for u in summary.unknown):
            made = self.view.may_create(rel, event.origin)
            out.unknown.append(f"kustomization {rel} ({made or 'no kustomization.yaml there'})")
            return
        files = [self.rel(f) for f in summary.files]
        why = self.rewritten(position, files) or next(
            (w for f in files if (w := self.view.written(f, event.origin)) is not None), None
        )
        if why is None and self.view.edits_kustomizations:
            why = "the job runs kustomize edit"
        if why is not None:
            out.unknown.append(f"kustomization {rel} ({why})")
            return
        out.local = True
        out.summaries.append(summary)
        for u in summary.unknown:
            out.unknown.append(f"{u.reference} in {u.path} ({u.reason})")
        for o in summary.objects:
            lines = _container_lines(self.index, o.kind, o.original_name, o.relpath)
            out.objects.append(
                Obj(
                    o.kind,
                    o.name,
                    o.namespace,
                    o.relpath,
                    o.line,
                    tuple((c.name, lines.get(c.name, o.line)) for c in o.containers if c.name),
                    f"kustomize build {summary.relpath}",
                    o.original_name,
                )
            )

    def applied(self, event: DeployEvent, position: int) -> Applied:
        out = Applied()
        self.manifests(event, position, out)
        for d in event.kustomize_dirs:
            self.kustomization(event, d, position, out)
        return out


def _directory(full: str, recursive: bool) -> list[str]:
    """kubectl -f DIR: the manifests in DIR, and below it only with -R."""
    if not recursive:
        return sorted(
            os.path.join(full, n) for n in os.listdir(full) if os.path.isfile(os.path.join(full, n))
        )
    found = []
    for top, dirs, files in os.walk(full):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(top, n) for n in files]
    return sorted(found)


def _container_lines(index: XrefIndex, kind: str, name: str | None, relpath: str) -> dict[str, int]:
    for w in index.workloads(kind, name):
        if w.relpath == relpath:
            return {c.name: c.line for c in w.containers if c.name}
    return {}


# -- XREF-001 ------------------------------------------------------------------------------


def _ns_ok(obj_ns: str | None, ns: str | None) -> bool:
    return ns is None or obj_ns is None or obj_ns == ns


def _external(settings: Settings, kind: str, ns: str | None, name: str) -> str | None:
    for g in settings.external_objects:
        gk, gn, gname = g.split("/")
        if (
            fnmatch.fnmatchcase(kind.lower(), gk.lower())
            and (ns is None or fnmatch.fnmatchcase(ns, gn))
            and fnmatch.fnmatchcase(name, gname)
        ):
            return g
    return None


class _Targets:
    """XREF-001 over one job."""

    def __init__(
        self, view: JobView, cache: ParseCache, index: XrefIndex, settings: Settings
    ) -> None:
        self.view = view
        self.index = index
        self.settings = settings
        self.reader = ManifestReader(view, cache, index)
        self.out: list[Outcome] = []
        self._job_applies: Applied | None = None

    def unknown(self, origin: Origin, message: str) -> None:
        self.out.append(Outcome("unknown", f"{self.view.label(origin)}: {message}", origin))

    def fail(self, origin: Origin, message: str, links: Sequence[str]) -> None:
        if not self.settings.trusted:
            self.unknown(origin, f"{message} (below xref.min_link_confidence)")
            return
        self.out.append(
            Outcome("fail", f"{self.view.label(origin)}: {message}", origin, tuple(links))
        )

    # what the whole job applies (rule (2))
    def job_applies(self) -> Applied:
        if self._job_applies is None:
            total = Applied()
            for i, e in deploy_events(self.view.events):
                if e.verb in _CREATING and (e.files or e.kustomize_dirs) and not e.dry_run:
                    part = self.reader.applied(e, i)
                    total.objects += part.objects
                    total.unknown += part.unknown
                    total.local = total.local or part.local
                    total.summaries += part.summaries
                elif e.verb == "create" and e.targets and not e.dry_run:
                    for t in e.targets:
                        if t.kind and t.name:
                            total.objects.append(Obj(t.kind, t.name, e.namespace, "", 0))
                elif e.verb == "helm" and not e.dry_run:
                    total.unknown.append(
                        f"the Helm release {e.release or '?'} of {self.view.label(e.origin)}"
                    )
            self._job_applies = total
        return self._job_applies

    def candidates(self, kind: str, name: str, ns: str | None) -> tuple[list[Obj], list[Obj]]:
        """(objects named ``name`` in ``ns``, those the job's kustomize applies rename)."""
        applied = self.job_applies()
        renamed = [
            Obj(o.kind, o.name, o.namespace, o.relpath, o.line, (), s.relpath, o.original_name)
            for s in applied.summaries
            for o in s.objects
            if o.kind == kind and o.original_name == name and o.name != name
        ]
        hidden = {(o.relpath, o.line) for o in renamed}
        found: dict[tuple[str, int, str | None], Obj] = {}
        for w in self.index.workloads(kind, name) if kind != "Service" else ():
            if _ns_ok(w.namespace, ns) and (w.relpath, w.line) not in hidden:
                found[(w.relpath, w.line, w.name)] = Obj(
                    kind,
                    w.name,
                    w.namespace,
                    w.relpath,
                    w.line,
                    tuple((c.name, c.line) for c in w.containers if c.name),
                )
        if kind == "Service":
            for s in self.index.services():
                if s.name == name and _ns_ok(s.namespace, ns):
                    found[(s.relpath, s.line, s.name)] = Obj(
                        kind, s.name, s.namespace, s.relpath, s.line
                    )
        rendered = [
            Obj(
                r.kind,
                r.name,
                r.namespace,
                r.relpath,
                r.line,
                tuple(
                    (c.name, lines.get(c.name, r.line))
                    for c in r.containers
                    if c.name
                    for lines in [_container_lines(self.index, kind, r.original_name, r.relpath)]
                ),
                f"kustomize build {summary.relpath}",
                r.original_name,
            )
            for root in self.index.kustomize_roots()
            for summary in [self.index.kustomize(root)]
            for r in summary.find(kind, name)
        ]
        rendered += [o for o in applied.objects if o.kind == kind and o.name == name]
        for o in rendered:
            if _ns_ok(o.namespace, ns):
                found[(o.relpath, o.line, o.name)] = o  # the rendering wins over the file
        return list(found.values()), renamed

    def elsewhere(self, kind: str, name: str) -> list[Obj]:
        every, _ = self.candidates(kind, name, None)
        return every

    def lookups(self) -> None:
        for i, e in deploy_events(self.view.events):
            if e.verb in _LOOKUP_VERBS:
                self.lookup(i, e)
            elif e.verb == "helm" and e.chart is not None:
                self.helm(e)
            elif e.verb == "kustomize-set-image" and e.images:
                self.kustomize_edit(e)

    def lookup(self, position: int, e: DeployEvent) -> None:
        if e.verb == "wait" and _FOR_DELETE.search(e.origin.text):
            return  # waiting for an object to go away: it need not exist
        ns: str | None = None
        if e.namespace and not e.all_namespaces:
            ns = self.reader.word(e.namespace, e.origin)
            if ns is None:
                if e.targets or e.files:
                    self.unknown(e.origin, f"the namespace {e.namespace} is known only at run time")
                return
        if e.verb == "set-image" and not e.targets and e.files:
            applied = self.reader.applied(e, position)
            if applied.unknown:
                self.unknown(e.origin, f"sets images in {'; '.join(applied.unknown)}")
            for o in applied.objects:
                if o.kind in WORKLOAD_KINDS and o.name:
                    self.containers(e, o.kind, o.name, [o])
            return
        for t in e.targets:
            self.target(e, t, ns)

    def target(self, e: DeployEvent, t: Target, ns: str | None) -> None:
        if t.name is None:
            return  # -l SELECTOR / --all: no named object to look up
        kind = t.kind
        if kind is None and ("$" in t.type or "{{" in t.type):
            typed = self.reader.word(t.type, e.origin)
            kind = normalise_kind(typed) if typed else None
            if typed is None:
                self.unknown(e.origin, f"the resource type {t.type} is known only at run time")
                return
        if kind is None or kind not in _INDEXED:
            return  # a kind the index does not hold (ConfigMap, a CRD...)
        name = self.reader.word(t.name, e.origin)
        if name is None:
            self.unknown(e.origin, f"{t.type}/{t.name}: the name is known only at run time")
            return
        found, renamed = self.candidates(kind, name, ns)
        if not found:
            self.absent(e, t, kind, name, ns, renamed)
        elif e.verb == "set-image":
            self.containers(e, kind, name, found)

    def containers(self, e: DeployEvent, kind: str, name: str, found: list[Obj]) -> None:
        for written, _image in e.images:
            container = self.reader.word(written, e.origin)
            if container is None:
                self.unknown(e.origin, f"the container name {written} is known only at run time")
                continue
            if container == "*":
                continue
            lacking = [o for o in found if container not in {c for c, _ in o.containers}]
            if not lacking:
                continue
            if len(lacking) < len(found):
                shown = ", ".join(f"{o.relpath}:{o.line}" for o in lacking)
                self.unknown(
                    e.origin,
                    f"{kind}/{name} is defined several times and only some have a container "
                    f"'{container}' (not in {shown})",
                )
                continue
            here = self.view.where(e.origin)
            parts, links = [], []
            for o in found:
                names = ", ".join(f"{c} ({o.relpath}:{line})" for c, line in o.containers)
                via = f" as rendered by {o.via}" if o.via and o.via != o.relpath else ""
                parts.append(f"{o.relpath}:{o.line}{via}: containers {names or 'none'}")
                first = o.containers[0][1] if o.containers else o.line
                links.append(f"{here} -> {o.relpath}:{first}")
            self.fail(
                e.origin,
                f"{e.origin.text.strip()} ({here}) sets the image of container "
                f"'{container}' of {kind}/{name}, which has no such container or init "
                f"container ({'; '.join(parts)}). kubectl exits with 'error: unable to find "
                f'container named "{container}"\' and nothing is deployed. Link: '
                f"{_UNSET_CONFIRM}. Fix: name the container as the manifest does "
                f"({', '.join(c for c, _ in found[0].containers) or 'none'}=...), or rename "
                "the container in the manifest",
                links,
            )

    def absent(
        self,
        e: DeployEvent,
        t: Target,
        kind: str,
        name: str,
        ns: str | None,
        renamed: list[Obj],
    ) -> None:
        if _external(self.settings, kind, ns, name) is not None:
            return
        ref = f"{t.type}/{name}" + (f" (namespace {ns})" if ns else "")
        other = self.elsewhere(kind, name) if ns is not None else []
        if other:
            shown = ", ".join(f"{o.namespace} ({o.relpath}:{o.line})" for o in other[:3])
            self.unknown(e.origin, f"{ref} is defined only in other namespaces: {shown}")
            return
        hiding = [
            f"{u.reference} ({u.reason})"
            for u in self.index.unknown_sources()
            if u.kinds is None or kind in u.kinds
        ]
        applied = self.job_applies()
        if not self.settings.manifests_complete:
            hiding += [f"{o}, which may create it" for o in self.view.opaque]
            # An operator makes objects from the custom resources the job applies (a
            # Prometheus resource becomes a StatefulSet): the name may be its.
            from pytest_devops_policy.knowledge.kubernetes.schema import builtin_kinds

            builtin = builtin_kinds()
            hiding += [
                f"{o.kind}/{o.name} ({o.relpath}:{o.line}), a custom resource whose "
                "controller may create it"
                for o in applied.objects
                if builtin and o.kind.lower() not in builtin
            ][:1]
        if hiding or applied.unknown:
            shown = "; ".join([*hiding, *applied.unknown][:3])
            self.unknown(
                e.origin,
                f"{ref} is not among the objects this run reads, and it may come from "
                f"what the index cannot read: {shown}",
            )
            return
        if not (self.settings.manifests_complete or applied.local):
            self.unknown(
                e.origin,
                f"{ref} is not defined in this repository; if it lives elsewhere, list it in "
                f'xref.external_objects ("{kind}/{ns or "*"}/{name}")',
            )
            return
        here = self.view.where(e.origin)
        why = (
            "xref.manifests_complete says every deployed object is defined here"
            if not applied.local
            else "this job applies the repository's manifests"
        )
        links = []
        detail = ""
        if renamed:
            shown = ", ".join(
                f"{o.kind}/{o.name} ({o.relpath}:{o.line}, via {o.via})" for o in renamed[:3]
            )
            detail = f"; the job's kustomize build renames it: {shown}"
            links = [f"{here} -> {o.relpath}:{o.line}" for o in renamed[:3]]
        self.fail(
            e.origin,
            f"{e.origin.text.strip()} ({here}) names {ref}, which no manifest of this run "
            f"defines ({why}){detail}. kubectl fails with 'Error from server (NotFound): "
            f'{_resource(kind)} "{name}" not found\'. Link: {_UNSET_CONFIRM}. Fix: name the '
            "object as the applied manifests do"
            + (f" ({renamed[0].name})" if renamed else "")
            + f', or list it in xref.external_objects ("{kind}/{ns or "*"}/{name}")',
            links,
        )

    # (3) local Helm charts and values files
    def helm(self, e: DeployEvent) -> None:
        assert e.chart is not None
        chart = self.reader.word(e.chart, e.origin)
        here = self.view.where(e.origin)
        if chart is None:
            self.unknown(e.origin, f"the chart {e.chart} is known only at run time")
        elif not (e.chart_repo or "://" in chart):
            self.chart(e, chart, here)
        for written in e.values_files:
            if "://" in written:
                continue
            value = self.reader.word(written, e.origin)
            rel = join_path(e.cwd, value) if value is not None else None
            if value is None or rel is None or rel.startswith(("/", "..")):
                self.unknown(e.origin, f"the values file {written} is known only at run time")
                continue
            if os.path.isfile(os.path.join(self.view.root, rel)):
                continue
            if self.view.written(rel, e.origin) is not None:
                continue  # the job writes it before this command
            made = self.view.may_create(rel, e.origin)
            if made is not None:
                self.unknown(
                    e.origin, f"the values file {rel} is not in the repository, but {made}"
                )
                continue
            self.fail(
                e.origin,
                f"{e.origin.text.strip()} ({here}) reads the values file {rel}, which is not "
                f"in the repository: helm fails with 'Error: open {written}: no such file or "
                "directory'. Fix: point -f at an existing values file",
                [f"{here} -> {rel}:0"],
            )

    def chart(self, e: DeployEvent, chart: str, here: str) -> None:
        rel = join_path(e.cwd, chart)
        if rel is None or rel.startswith(("/", "..")):
            return
        full = os.path.join(self.view.root, rel)
        explicit = chart.startswith((".", "/")) or chart == "."
        if os.path.isfile(full):
            return  # a packaged chart
        if os.path.isdir(full):
            if os.path.isfile(os.path.join(full, "Chart.yaml")):
                return
            missing, error = f"{rel}/Chart.yaml", "Error: Chart.yaml file is missing"
        elif chart.endswith((".tgz", ".tar.gz")):
            self.unknown(
                e.origin, f"the packaged chart {rel} is not in the repository (built in CI?)"
            )
            return
        elif explicit:
            missing, error = rel, f'Error: path "{chart}" not found'
        else:
            return  # REPO/CHART from a helm repo alias
        made = self.view.may_create(missing, e.origin)
        if made is not None:
            self.unknown(e.origin, f"the chart {missing} is not in the repository, but {made}")
            return
        self.fail(
            e.origin,
            f"{e.origin.text.strip()} ({here}) installs the local chart {rel}, but {missing} "
            f"is not in the repository: helm fails with '{error}'. Fix: point the command "
            "at the chart directory (the one holding Chart.yaml)",
            [f"{here} -> {missing}:0"],
        )

    # (4) kustomize edit set image NAME=...
    def kustomize_edit(self, e: DeployEvent) -> None:
        if not e.kustomize_dirs:
            self.unknown(e.origin, "kustomize edit runs in a directory known only at run time")
            return
        rel = e.kustomize_dirs[0]
        summary = self.index.kustomize(rel)
        if any(u.reference == summary.relpath for u in summary.unknown):
            return  # no kustomization there: kustomize edit fails on its own, or the job made it
        images = [(c.original_image, c.image, o) for o in summary.objects for c in o.containers]
        here = self.view.where(e.origin)
        for written, _new in e.images:
            name = self.reader.word(written, e.origin)
            if name is None:
                self.unknown(e.origin, f"the image name {written} is known only at run time")
                continue
            written_images = {i for a, b, _ in images for i in (a, b) if i}
            names = {_image_name(i) for i in written_images}
            if any(kustomize_matches(name, i) for i in written_images):
                continue
            if any("$" in n or "{{" in n for n in names) or summary.unknown:
                hidden = "; ".join(f"{u.reference} ({u.reason})" for u in summary.unknown[:3])
                self.unknown(
                    e.origin,
                    f"no image named {name} among the resources of {summary.relpath} that the "
                    f"index reads ({hidden or 'some images are known only at run time'})",
                )
                continue
            shown = ", ".join(sorted(names)) or "none"
            sample = [o for _, _, o in images][:3]
            links = [f"{here} -> {o.relpath}:{o.line}" for o in sample] or [
                f"{here} -> {summary.relpath}/kustomization.yaml:0"
            ]
            self.fail(
                e.origin,
                f"{e.origin.text.strip()} ({here}) sets the image {name} in "
                f"{summary.relpath}, but no container of its resources uses an image named "
                f"{name} (images: {shown}): kustomize adds an images: entry that matches "
                "nothing and the deploy keeps the old image. Link: the kustomization the "
                "command runs in (high confidence). Fix: use the image name as the manifests "
                "write it (before the tag)",
                links,
            )

    # (5) rollout status of an object the job did not update
    def rollout_notes(self) -> None:
        updated: set[tuple[str, str]] = set()
        opaque = False
        for _, e in deploy_events(self.view.events):
            if e.verb in APPLY_VERBS or e.verb == "helm":
                opaque = True
            if e.verb == "rollout" and e.action == "status" and not opaque and updated:
                for t in e.targets:
                    name = self.reader.word(t.name, e.origin) if t.name else None
                    if t.kind and name and (t.kind, name) not in updated:
                        done = ", ".join(f"{k}/{n}" for k, n in sorted(updated))
                        here = self.view.where(e.origin)
                        self.out.append(
                            Outcome(
                                "note",
                                f"{self.view.label(e.origin)}: {e.origin.text.strip()} "
                                f"({here}) waits for {t.kind}/{name}, but this job updates "
                                f"only {done}: the check watches an object the deploy did not "
                                "change. Fix: wait for the updated object",
                                e.origin,
                            )
                        )
            if e.verb in ("set-image", "patch", "scale") or (
                e.verb == "rollout" and e.action in ("restart", "undo")
            ):
                for t in e.targets:
                    name = self.reader.word(t.name, e.origin) if t.name else None
                    if t.kind is None or name is None:
                        opaque = True
                    else:
                        updated.add((t.kind, name))
                if not e.targets:
                    opaque = True


# kustomize's image matcher: the name, then an optional tag and digest (a name written
# with its tag, `gcr.io/p/app:TAG=...`, matches that image exactly).
_IMAGE_TAIL = re.compile(r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?")


def kustomize_matches(name: str, image: str) -> bool:
    """Whether ``kustomize edit set image NAME=`` (an ``images:`` name) matches ``image``."""
    return image.startswith(name) and _IMAGE_TAIL.fullmatch(image[len(name) :]) is not None


def _image_name(image: str) -> str:
    from pytest_devops_policy.formats.images import parse_image

    return parse_image(image).name


def _resource(kind: str) -> str:
    """kubectl's resource.group spelling in NotFound errors."""
    plural = {
        "Service": "services",
        "Pod": "pods",
        "ReplicationController": "replicationcontrollers",
    }
    if kind in plural:
        return plural[kind]
    group = {"Job": "batch", "CronJob": "batch", "Rollout": "argoproj.io"}.get(kind, "apps")
    return f"{kind.lower()}s.{group}"


def check_targets(
    view: JobView, cache: ParseCache, index: XrefIndex, settings: Settings
) -> list[Outcome]:
    """XREF-001 over one job's events (see the module docstring)."""
    check = _Targets(view, cache, index, settings)
    check.lookups()
    check.rollout_notes()
    return check.out


# -- XREF-006 ------------------------------------------------------------------------------


def check_namespaces(
    view: JobView, cache: ParseCache, index: XrefIndex, settings: Settings
) -> list[Outcome]:
    """XREF-006 over one job's events (see the module docstring)."""
    from pytest_devops_policy.knowledge.xref.kustomize import CLUSTER_SCOPED_KINDS

    reader = ManifestReader(view, cache, index)
    scoped = CLUSTER_SCOPED_KINDS | set(settings.cluster_scoped_kinds)
    out: list[Outcome] = []
    for position, e in deploy_events(view.events):
        if e not in namespace_events([e]):
            continue
        label = view.label(e.origin)
        assert e.namespace is not None
        ns = reader.word(e.namespace, e.origin)
        if ns is None:
            out.append(
                Outcome(
                    "unknown",
                    f"{label}: the namespace {e.namespace} is known only at run time",
                    e.origin,
                )
            )
            continue
        applied = reader.applied(e, position)
        wrong: list[Obj] = []
        tokens: list[Obj] = []
        for o in applied.objects:
            if o.kind in scoped or not o.namespace:
                continue
            if "$" in o.namespace or "{{" in o.namespace:
                tokens.append(o)
            elif o.namespace != ns:
                wrong.append(o)
        here = view.where(e.origin)
        if wrong:
            first = wrong[0].namespace
            shown = "; ".join(
                f"{o.kind}/{o.name} namespace {o.namespace} ({o.relpath}:{o.line}"
                + (f", via {o.via}" if o.via != o.relpath else "")
                + ")"
                for o in wrong[:5]
            )
            more = f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""
            status: Literal["fail", "unknown"] = "fail" if settings.trusted else "unknown"
            out.append(
                Outcome(
                    status,
                    f"{label}: {e.origin.text.strip()} ({here}) runs with -n {ns} but reads "
                    f"objects of another namespace: {shown}{more}. kubectl aborts with 'the "
                    f'namespace from the provided object "{first}" does not match the '
                    f"namespace \"{ns}\". You must pass '--namespace={first}' to perform this "
                    "operation.' Link: the paths the command reads (high confidence). Fix: "
                    f"drop -n {ns} (the objects carry their namespace), or remove "
                    "metadata.namespace from the manifests (or set the kustomization's "
                    "namespace:) so they take the one given",
                    e.origin,
                    tuple(f"{here} -> {o.relpath}:{o.line}" for o in wrong),
                )
            )
        elif tokens or applied.unknown:
            why = [f"{o.relpath}:{o.line} namespace {o.namespace}" for o in tokens]
            out.append(
                Outcome(
                    "unknown",
                    f"{label}: -n {ns} with objects the index cannot read: "
                    f"{'; '.join([*why, *applied.unknown][:4])}",
                    e.origin,
                )
            )
    return out
