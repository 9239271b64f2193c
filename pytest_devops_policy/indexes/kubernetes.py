"""One index of every Kubernetes object in the run, for cross-object policies.

Policies such as "is this Deployment covered by a NetworkPolicy" or "does a
PodDisruptionBudget select these pods" need objects from other files. The
index is built once per process from small per-file *facts* (what each object
contributes: kind, name, namespace, labels, pod-template labels, replicas,
and the whole object for the kinds other objects are judged against). Facts
are plain JSON, so they are cached by file content: a warm run builds the
index without parsing a single manifest, and under xdist every worker builds
the same index from the same files.

The files of the run are found by walking the paths pytest was given
(``ParseCache.roots``) with the same name rules as collection. The scope a
policy sees (catalog ``k8s.scope``) is a view of that one index: the whole run
(``session``), the subject's directory (``dir``) or its own file (``file``).

Namespaces: the namespace a kustomization gives the file (kustomize overrides
the objects' own), else ``metadata.namespace``, else ``k8s.default_namespace``,
else unset. An unset namespace
matches any namespace: manifests without one are applied wherever the
deploy points them, and a coverage check must not fail on a guess.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pytest_devops_policy import discovery, kinds
from pytest_devops_policy.formats.kubernetes.kustomize import (
    KustomizeMap,
    is_kustomization_name,
    read_kustomization,
)
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, as_mapping
from pytest_devops_policy.knowledge.kubernetes.selectors import (
    label_selector_matches,
    map_selector_matches,
)
from pytest_devops_policy.model import ParsedFile, ParseError

__all__ = [
    "FACTS_VERSION",
    "INDEXED_KINDS",
    "Entry",
    "K8sIndex",
    "file_facts",
    "run_files",
]

FACTS_VERSION = 1
# Kinds that other objects are judged against: kept whole in the facts.
INDEXED_KINDS = frozenset(
    {
        "Service",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "LimitRange",
        "ResourceQuota",
        "Namespace",
        "ServiceAccount",
        "Certificate",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
    }
)
# The index never reads files larger than this (collection reports them as skipped).
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One object of the run as the index knows it."""

    kind: str
    api_version: str
    name: str | None
    namespace: str | None  # effective (see the module docstring); None = unset
    labels: Mapping[str, Any]
    pod_labels: Mapping[str, Any] | None  # workloads only
    replicas: int | None
    value: Mapping[str, Any]  # the whole object for INDEXED_KINDS, else {}
    path: str  # absolute path of its file
    relpath: str
    line: int

    @property
    def group(self) -> str:
        group, sep, _ = self.api_version.rpartition("/")
        return group if sep else ""

    @property
    def is_workload(self) -> bool:
        return self.pod_labels is not None

    @property
    def spec(self) -> Mapping[str, Any]:
        return as_mapping(self.value.get("spec"))

    @property
    def ref(self) -> str:
        """How messages name it: ``PodDisruptionBudget/web (deploy/pdb.yaml:3)``."""
        return f"{self.kind}/{self.name or '~'} ({self.relpath}:{self.line})"


def same_namespace(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


# -- facts ----------------------------------------------------------------------


def file_facts(parsed: ParsedFile | ParseError) -> list[dict[str, Any]]:
    """What one parsed manifest contributes to the index (plain JSON)."""
    if isinstance(parsed, ParseError):
        return []
    facts: list[dict[str, Any]] = []
    for subject in parsed.subjects:
        if not isinstance(subject, K8sObject):
            continue
        kind = subject.kind_name
        fact: dict[str, Any] = {
            "kind": kind,
            "apiVersion": subject.api_version,
            "name": subject.name,
            "namespace": subject.namespace,
            "labels": dict(subject.labels),
            "line": subject.line,
        }
        if subject.is_workload:
            fact["pod_labels"] = dict(as_mapping(subject.pod_template_metadata.get("labels")))
            fact["replicas"] = subject.replicas
        if kind in INDEXED_KINDS:
            fact["value"] = dict(subject.value)
        facts.append(fact)
    return facts


# -- the files of a run ----------------------------------------------------------

_NORECURSE = ("build", "dist")


def run_files(roots: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """(Kubernetes candidate files, kustomization files, Helm chart directories)
    under ``roots``, sorted.

    Mirrors collection: the discovery name rules, pytest's default
    ``norecursedirs`` (dot-directories, build, dist), no symlink loops.
    """
    manifests: set[str] = set()
    kustomizations: set[str] = set()
    charts: set[str] = set()
    seen_dirs: set[str] = set()
    helm = discovery.HelmCharts()

    def _manifest(path: Path) -> bool:
        kind = kinds.classify(path)
        return kind is not None and kind.name == "kubernetes" and not helm.is_template(path)

    def visit_file(path: str) -> None:
        name = os.path.basename(path)
        if name == "Chart.yaml":
            if os.path.isdir(os.path.join(os.path.dirname(path), "templates")):
                charts.add(os.path.dirname(path))
        elif is_kustomization_name(name):
            kustomizations.add(path)
        elif _manifest(Path(path)):
            try:
                st = os.stat(path)
            except OSError:
                return
            if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_BYTES:
                manifests.add(path)

    for root in roots:
        root = os.path.abspath(root)
        if os.path.isfile(root):
            visit_file(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            real = os.path.realpath(dirpath)
            if real in seen_dirs:
                dirnames[:] = []
                continue
            seen_dirs.add(real)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in discovery.SKIP_DIRS
                and not d.startswith(".")
                and d not in _NORECURSE
                and not d.endswith(".egg")
            )
            for name in filenames:
                visit_file(os.path.join(dirpath, name))
    # Vendored subcharts render as part of their parent.
    top = {c for c in charts if not any(c.startswith(o + os.sep) for o in charts if o != c)}
    return sorted(manifests), sorted(kustomizations), sorted(top)


# -- the index -------------------------------------------------------------------


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


_T = TypeVar("_T")


class K8sIndex:
    """The objects of one scope, with the queries cross-object policies ask."""

    def __init__(
        self,
        entries: list[Entry],
        kustomize: KustomizeMap,
        default_namespace: str | None,
        file_digests: Mapping[str, str] | None = None,
    ) -> None:
        self.entries = entries
        self.kustomize = kustomize
        self.default_namespace = default_namespace
        # path -> digest of what the file contributes (its facts and namespace)
        self.file_digests: Mapping[str, str] = file_digests or {}
        self.facts_digest = _digest(
            [f"v{FACTS_VERSION}", f"ns={default_namespace}"]
            + [f"{p}={d}" for p, d in sorted(self.file_digests.items())]
        )
        # Buckets so a query reads its namespace, not the whole run: a run-wide scan
        # per object would make the cross-object policies quadratic in the repo size.
        self._by_kind: dict[str, list[Entry]] = {}
        self._by_kind_ns: dict[tuple[str | None, str | None], list[Entry]] = {}
        for e in entries:
            self._by_kind.setdefault(e.kind, []).append(e)
            self._by_kind_ns.setdefault((e.kind, e.namespace), []).append(e)
            if e.pod_labels is not None:
                self._by_kind_ns.setdefault((None, e.namespace), []).append(e)
        self._workloads = [e for e in entries if e.pod_labels is not None]
        self._position = {id(e): i for i, e in enumerate(entries)}
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[K8sIndex], _T]) -> _T:
        """A value derived from this index (a lookup table a policy needs for every
        object), computed once per index and shared by all its queries."""
        if key not in self._memo:
            self._memo[key] = build(self)
        value: _T = self._memo[key]
        return value

    def in_run_order(self, entries: Iterable[Entry]) -> list[Entry]:
        return sorted(entries, key=lambda e: self._position.get(id(e), 0))

    def _merged(self, a: Iterable[Entry], b: Iterable[Entry]) -> Iterator[Entry]:
        """Two buckets in run order (messages list objects as the files do)."""
        return heapq.merge(a, b, key=lambda e: self._position[id(e)])

    # -- building ---------------------------------------------------------------

    @classmethod
    def build(
        cls,
        files: Iterable[tuple[str, str, list[dict[str, Any]]]],
        kustomize: KustomizeMap,
        default_namespace: str | None,
    ) -> K8sIndex:
        """From ``(path, relpath, facts)`` per file; patch files contribute nothing."""
        entries: list[Entry] = []
        digests: dict[str, str] = {}
        for path, relpath, facts in files:
            if kustomize.patch(path) is not None:
                continue
            # kustomize's namespace overrides the objects' own (its namespace transformer).
            override = kustomize.namespace(path)
            file_ns = override or default_namespace
            for fact in facts:
                entry = _entry(fact, path, relpath, override, default_namespace)
                if entry is not None:
                    entries.append(entry)
            digests[relpath] = _digest(
                [f"{file_ns}", json.dumps(facts, sort_keys=True, default=str)]
            )
        return cls(entries, kustomize, default_namespace, digests)

    def restricted(self, keep: Callable[[str], bool]) -> K8sIndex:
        """A view of the objects whose file passes ``keep`` (the file and dir scopes)."""
        entries = [e for e in self.entries if keep(e.path)]
        paths = {e.relpath for e in entries}
        digests = {p: d for p, d in self.file_digests.items() if p in paths}
        return K8sIndex(entries, self.kustomize, self.default_namespace, digests)

    # -- namespaces -------------------------------------------------------------

    def namespace_of(self, obj: Any) -> str | None:
        """The effective namespace of a ``K8sObject`` (see the module docstring)."""
        override = self.kustomize.namespace(obj.source.path)
        return override or (str(obj.namespace) if obj.namespace else self.default_namespace)

    # -- queries ----------------------------------------------------------------

    def objects(self, kind: str | None = None, namespace: str | None = None) -> Iterator[Entry]:
        """Objects of ``kind`` (all kinds when None) that may share ``namespace``."""
        if namespace is None:
            return iter(self.entries if kind is None else self._by_kind.get(kind, ()))
        if kind is None:
            return (e for e in self.entries if same_namespace(e.namespace, namespace))
        # An object without a namespace may be in any, so it joins every bucket's answer.
        return self._merged(
            self._by_kind_ns.get((kind, namespace), ()), self._by_kind_ns.get((kind, None), ())
        )

    def workloads(self, namespace: str | None = None) -> Iterator[Entry]:
        """Objects with a pod template (or bare pods) that may share ``namespace``."""
        if namespace is None:
            return iter(self._workloads)
        return self._merged(
            self._by_kind_ns.get((None, namespace), ()), self._by_kind_ns.get((None, None), ())
        )

    def entry_for(self, obj: Any) -> Entry | None:
        """The index's own entry for a ``K8sObject`` (same file and line)."""
        for e in self._by_kind.get(obj.kind_name, ()):
            if e.path == obj.source.path and e.line == obj.line:
                return e
        return None

    def services_selecting(self, obj: Any) -> list[Entry]:
        """Core Services in the namespace whose selector matches the pod template labels."""
        labels = as_mapping(obj.pod_template_metadata.get("labels"))
        ns = self.namespace_of(obj)
        return [
            s
            for s in self.objects("Service", ns)
            if s.group == "" and map_selector_matches(s.spec.get("selector"), labels)
        ]

    def network_policies_selecting(self, obj: Any) -> list[Entry]:
        labels = as_mapping(obj.pod_template_metadata.get("labels"))
        ns = self.namespace_of(obj)
        return [
            p
            for p in self.objects("NetworkPolicy", ns)
            if p.group == "networking.k8s.io"
            and "podSelector" in p.spec
            and label_selector_matches(p.spec.get("podSelector"), labels)
        ]

    def pdbs_selecting(self, obj: Any) -> list[Entry]:
        labels = as_mapping(obj.pod_template_metadata.get("labels"))
        ns = self.namespace_of(obj)
        return [p for p in self.objects("PodDisruptionBudget", ns) if pdb_selects(p, labels)]

    def hpas_targeting(self, obj: Any) -> list[Entry]:
        """HorizontalPodAutoscalers whose ``scaleTargetRef`` names the object."""
        ns = self.namespace_of(obj)
        found = []
        for h in self.objects("HorizontalPodAutoscaler", ns):
            ref = as_mapping(h.spec.get("scaleTargetRef"))
            if ref.get("kind") == obj.kind_name and ref.get("name") == obj.name:
                found.append(h)
        return found

    def workloads_selected_by(self, pdb: Entry) -> list[Entry]:
        """Workloads in the PDB's namespace whose pods the PDB's selector matches."""
        return [
            w
            for w in self.workloads(pdb.namespace)
            if w.pod_labels is not None and pdb_selects(pdb, w.pod_labels)
        ]

    def hpas_for(self, workload: Entry) -> list[Entry]:
        found = []
        for h in self.objects("HorizontalPodAutoscaler", workload.namespace):
            ref = as_mapping(h.spec.get("scaleTargetRef"))
            if ref.get("kind") == workload.kind and ref.get("name") == workload.name:
                found.append(h)
        return found

    def service_account(self, namespace: str | None, name: str) -> Entry | None:
        for sa in self.objects("ServiceAccount", namespace):
            if sa.name == name and sa.group == "":
                return sa
        return None

    def created_namespaces(self) -> dict[str, Entry]:
        """Namespaces created by a ``Namespace`` object in the scope."""
        return {e.name: e for e in self._by_kind.get("Namespace", ()) if e.name and e.group == ""}

    def in_namespace(self, kind: str, namespace: str) -> list[Entry]:
        """Objects of ``kind`` that are certainly in ``namespace`` (set explicitly or inherited)."""
        return [e for e in self._by_kind.get(kind, ()) if e.namespace == namespace]


def pdb_selects(pdb: Entry, labels: Mapping[str, Any]) -> bool:
    """policy/v1 reads an empty selector as every pod; policy/v1beta1 as none."""
    return label_selector_matches(
        pdb.spec.get("selector"), labels, empty_matches=pdb.api_version != "policy/v1beta1"
    )


def _entry(
    fact: Mapping[str, Any],
    path: str,
    relpath: str,
    override: str | None,
    default: str | None,
) -> Entry | None:
    try:
        ns = override or fact.get("namespace") or default
        pod_labels = fact.get("pod_labels")
        replicas = fact.get("replicas")
        return Entry(
            kind=str(fact["kind"]),
            api_version=str(fact["apiVersion"]),
            name=fact.get("name"),
            namespace=str(ns) if ns else None,
            labels=as_mapping(fact.get("labels")),
            pod_labels=as_mapping(pod_labels) if "pod_labels" in fact else None,
            replicas=replicas if isinstance(replicas, int) else None,
            value=as_mapping(fact.get("value")),
            path=path,
            relpath=relpath,
            line=int(fact.get("line", 1)),
        )
    except (KeyError, TypeError, ValueError):  # a corrupt cached fact: leave it out
        return None


def kustomize_map(paths: Iterable[str], read: Callable[[str], str | None]) -> KustomizeMap:
    """Every readable kustomization among ``paths``."""
    found = []
    for path in paths:
        text = read(path)
        if text is None:
            continue
        k = read_kustomization(path, text)
        if k is not None:
            found.append(k)
    return KustomizeMap(found)
