"""The index of one deployment unit's Kubernetes objects, for cross-object policies.

Policies such as "is this Deployment covered by a NetworkPolicy" or "does a
PodDisruptionBudget select these pods" need objects from other files. The
indexes are built once per process from small per-file *facts* (what each object
contributes: kind, name, namespace, labels, pod-template labels, replicas,
and, for the kinds other objects are judged against, the fields of the object
cross-object policies read: never metadata, Secret data or env values, and with
recognised credentials masked, since facts are cached on disk). Facts
are plain JSON, so they are cached by file content: a warm run builds the
indexes without parsing a single manifest, and under xdist every worker builds
the same ones.

The files of the run are found by walking the paths pytest was given
(``ParseCache.roots``) with the same name rules as collection, and grouped into
deployment units (``k8s_units.py``): one ``K8sIndex`` per unit. Objects of two
units are never related. The scope a policy sees (``k8s.scope``) narrows its
unit: ``session`` is the whole unit, ``dir`` the part in the subject's
directory, ``file`` its own file.

Namespaces, per unit: the namespace the unit's kustomizations give the file
(kustomize overrides the objects' own), else ``metadata.namespace``, else
``k8s.default_namespace``, else unset. An unset namespace is the namespace the
unit is applied to, unknown at scan time: it is the namespace of every other
unset object of the unit, and *maybe* the namespace an object names explicitly.
Queries return ``Matches``: the certain ones, and the maybe ones with the reason
(a policy answers Unknown rather than pass or fail on them).
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import stat
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Literal, TypeVar

from pytest_devops_policy import discovery, kinds
from pytest_devops_policy.formats.kubernetes.kustomize import (
    KustomizeMap,
    is_kustomization_name,
    read_kustomization,
)
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, as_mapping
from pytest_devops_policy.indexes.k8s_units import Unit
from pytest_devops_policy.knowledge.kubernetes.selectors import (
    label_pairs,
    label_selector_matches,
    label_selector_pairs,
    map_selector_matches,
    map_selector_pairs,
)
from pytest_devops_policy.knowledge.secrets.scan import text_secrets
from pytest_devops_policy.masking import redact
from pytest_devops_policy.model import ParsedFile, ParseError

__all__ = [
    "ANY_NAMESPACE",
    "FACTS_VERSION",
    "INDEXED_KINDS",
    "Entry",
    "K8sIndex",
    "Matches",
    "facts_digest",
    "file_facts",
    "kustomize_map",
    "pdb_selects",
    "run_files",
    "walk_run",
]

FACTS_VERSION = 2
# Kinds that other objects are judged against: their ``value`` is in the facts, reduced to
# the fields ``_VALUE_FIELDS`` that cross-object policies read.
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
# What of an indexed object cross-object policies read (``Entry.value``/``Entry.spec``):
# metadata (annotations), Secret data, env values and the rest stay out of the facts
# cache. A policy that reads another field of an indexed kind adds it here.
_VALUE_FIELDS = (
    "spec",
    "rules",
    "aggregationRule",
    "roleRef",
    "subjects",
    "automountServiceAccountToken",
)
# Label maps and selectors are matched against other objects' raw labels: kept as they are.
_MATCHED = frozenset(
    {"labels", "selector", "podSelector", "namespaceSelector", "matchLabels", "matchExpressions"}
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


class _Any(enum.Enum):
    NAMESPACE = "any"


# ``objects(kind)`` and ``workloads()`` without a namespace: every object of the unit.
ANY_NAMESPACE = _Any.NAMESPACE
AnyNamespace = Literal[_Any.NAMESPACE]


def _refs(entries: Sequence[Entry]) -> str:
    shown = ", ".join(e.ref for e in entries[:3])
    return shown + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")


_HOW = "set metadata.namespace, a kustomization namespace or k8s.default_namespace"


class Matches(list[Entry]):
    """The answer to "which objects of the unit are related to this one": the list holds
    the objects certainly related; ``maybe`` those that would be if the namespace an
    unset namespace stands for were known.

    ``doubt`` says why the absence of a certain match is itself uncertain: objects whose
    namespace relation is unknown, or resources the unit applies that the run cannot read.
    A policy passes on a certain match, answers Unknown with the doubt, else fails.
    """

    def __init__(
        self,
        sure: Iterable[Entry] = (),
        maybe: Iterable[Entry] = (),
        namespace: str | None = None,
        unit: Unit | None = None,
    ) -> None:
        super().__init__(sure)
        self.maybe: tuple[Entry, ...] = tuple(maybe)
        self.namespace = namespace  # the namespace asked about (None: unset)
        self.unit = unit

    def filter(self, keep: Callable[[Entry], bool]) -> Matches:
        return Matches(
            [e for e in self if keep(e)],
            [e for e in self.maybe if keep(e)],
            self.namespace,
            self.unit,
        )

    @property
    def namespace_doubt(self) -> str | None:
        """Why the ``maybe`` objects may or may not count (None when there are none)."""
        if not self.maybe:
            return None
        where = self.unit.label if self.unit is not None else "the unit"
        refs = _refs(self.maybe)
        if self.namespace is None:
            targets = sorted({e.namespace for e in self.maybe if e.namespace})
            return (
                f"{refs} would count if this object were applied into namespace "
                f"{' or '.join(targets)}, but it sets no namespace and nothing in {where} says "
                f"where it is applied ({_HOW})"
            )
        one = len(self.maybe) == 1
        return (
            f"{refs} would count, but {'sets' if one else 'set'} no namespace: "
            f"{'it lands' if one else 'they land'} wherever {where} is applied, which need "
            f"not be namespace {self.namespace} ({_HOW})"
        )

    @property
    def doubt(self) -> str | None:
        """Why finding no certain match is not a certain absence (None: it is)."""
        parts = [self.namespace_doubt] if self.maybe else []
        if self.unit is not None and self.unit.unseen:
            unseen = list(self.unit.unseen)
            more = f" and {len(unseen) - 3} more" if len(unseen) > 3 else ""
            parts.append(
                f"{self.unit.label} also applies {', '.join(unseen[:3])}{more}, which this run "
                "does not read"
            )
        return "; ".join(p for p in parts if p) or None


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
            fact["value"] = _indexed_value(subject.value)
        facts.append(fact)
    return facts


def _indexed_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an indexed object that other objects are judged against, with the
    credentials the shared detectors recognise masked (they are cached on disk)."""
    return {k: _masked(value[k]) for k in _VALUE_FIELDS if k in value}


def _masked(node: Any) -> Any:
    if isinstance(node, str):
        spans = text_secrets(node) if len(node) >= 8 else []
        return redact(node, [node[at : at + n] for at, n in spans]) if spans else node
    if isinstance(node, Mapping):
        return {k: (v if k in _MATCHED else _masked(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_masked(v) for v in node]
    return node


# -- the files of a run ----------------------------------------------------------

_NORECURSE = ("build", "dist")


def walk_run(roots: Iterable[str]) -> list[str]:
    """Every file under ``roots`` as collection walks them: pytest's default
    ``norecursedirs`` (dot-directories, build, dist), the discovery skip list, no symlink
    loops and no symlinks out of the scanned paths. Walked once per run (``k8s_run.run_paths``)
    and shared by the run-wide indexes that classify files (Kubernetes, cross-artifact)."""
    found: list[str] = []
    seen_dirs: set[str] = set()
    real_roots = [os.path.realpath(r) for r in roots]

    def inside(real: str) -> bool:  # symlinks out of the scanned paths are not followed
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots)

    for root in roots:
        root = os.path.abspath(root)
        if os.path.isfile(root):
            found.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            real = os.path.realpath(dirpath)
            if real in seen_dirs or not inside(real):
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
                path = os.path.join(dirpath, name)
                if inside(os.path.realpath(path)):
                    found.append(path)
    return found


def run_files(
    roots: Iterable[str],
    classify: Callable[[PurePath], kinds.Kind | None] = kinds.classify,
    paths: Iterable[str] | None = None,
) -> tuple[list[str], list[str], list[str]]:
    """(Kubernetes candidate files, kustomization files, Helm chart directories)
    under ``roots`` (or among ``paths``, what ``walk_run(roots)`` gave), sorted.

    Mirrors collection: the discovery name rules and ``walk_run``'s directory rules.
    """
    manifests: set[str] = set()
    kustomizations: set[str] = set()
    charts: set[str] = set()
    helm = discovery.HelmCharts()

    def _manifest(path: Path) -> bool:
        kind = classify(path)
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

    for path in walk_run(roots) if paths is None else paths:
        visit_file(path)
    # Vendored subcharts render as part of their parent.
    top = {c for c in charts if not any(c.startswith(o + os.sep) for o in charts if o != c)}
    return sorted(manifests), sorted(kustomizations), sorted(top)


# -- the index -------------------------------------------------------------------


def digest(parts: Iterable[str]) -> str:
    """One digest of several strings (length-prefixed, so the split points count)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


_digest = digest


def facts_digest(facts: Any) -> str:
    """What a file contributes, as one digest (computed once per file, used by each unit)."""
    return _digest([json.dumps(facts, sort_keys=True, default=str)])


_T = TypeVar("_T")
# Bucket groups besides kind names (which contain neither character).
_ALL_KINDS = "*"
_WORKLOADS = "<workload>"


def _target_of(hpa: Entry) -> tuple[object, object]:
    ref = as_mapping(hpa.spec.get("scaleTargetRef"))
    return ref.get("kind"), ref.get("name")


def _hashable(key: object) -> bool:
    try:
        hash(key)
    except TypeError:  # a list or map where a name belongs: only the exact check decides
        return False
    return True


Keys = Callable[[Entry], Sequence[Hashable] | None]


class _Candidates:
    """One list of related objects filed by the keys a query compares, so that a lookup
    reads the objects that can match instead of the whole list: a linear filter per
    object made the cross-object policies quadratic in the size of a namespace (issue 15).
    The query still checks every candidate exactly; the keys only leave out objects that
    cannot match, and candidates come in list order, as a filter would give them.

    ``every=False``: an object matches when all its keys are among the wanted ones (a
    selector's pairs within a pod's labels, a name): it is filed under its rarest key only.
    ``every=True``: an object matches when it has every wanted key (a pod's labels holding
    a selector's pairs): it is filed under each of its keys. An object without keys
    (``keys`` gives None) is always a candidate in the first mode, never in the second.
    """

    def __init__(self, entries: Sequence[Entry], keys: Keys, every: bool) -> None:
        self.entries = entries
        self._rest: list[Entry] = []
        self._by_key: dict[Hashable, list[Entry]] = {}
        self._position = {id(e): i for i, e in enumerate(entries)}
        placed = []
        for e in entries:
            found = keys(e)
            if found and all(_hashable(k) for k in found):
                placed.append((e, found))
            else:
                self._rest.append(e)
        counts = Counter(k for _, found in placed for k in found)
        for e, found in placed:
            for k in found if every else (min(found, key=counts.__getitem__),):
                self._by_key.setdefault(k, []).append(e)

    def any_of(self, wanted: Iterable[Hashable]) -> list[Entry]:
        """Candidates whose every key is among ``wanted`` (and those without keys)."""
        found = list(self._rest)
        for k in wanted:
            found += self._by_key.get(k, ())
        if len(found) > 1:
            found.sort(key=lambda e: self._position[id(e)])
        return found

    def all_of(self, required: Sequence[Hashable] | None) -> Sequence[Entry]:
        """Candidates filed under every key of ``required`` (all of them when None)."""
        if not required or not all(_hashable(k) for k in required):
            return self.entries
        return min((self._by_key.get(k, ()) for k in required), key=len)


def _service_keys(e: Entry) -> Sequence[Hashable] | None:
    return map_selector_pairs(e.spec.get("selector"))


def _network_policy_keys(e: Entry) -> Sequence[Hashable] | None:
    return label_selector_pairs(e.spec.get("podSelector"))


def _pdb_keys(e: Entry) -> Sequence[Hashable] | None:
    return label_selector_pairs(e.spec.get("selector"))


def _hpa_keys(e: Entry) -> Sequence[Hashable] | None:
    return (_target_of(e),)


def _name_keys(e: Entry) -> Sequence[Hashable] | None:
    return (e.name,)


def _pod_label_keys(e: Entry) -> Sequence[Hashable] | None:
    return list(label_pairs(e.pod_labels)) if e.pod_labels is not None else None


class K8sIndex:
    """The objects of one deployment unit (or the part of it ``k8s.scope`` shows), with
    the queries cross-object policies ask.

    Namespaces are the unit's own: a base file reached from two overlays has a different
    namespace in each overlay's index. An object that sets no namespace (and is given none
    by a kustomization or ``k8s.default_namespace``) is in "the namespace the unit is
    applied to": the same as every other such object of the unit, and possibly, but not
    certainly, the namespace an object names explicitly. Queries answer with ``Matches``.

    ``units`` lists the indexes of every unit the file asked about belongs to (itself
    first): policies judge a file reached from several overlays in each of them.
    """

    def __init__(
        self,
        entries: list[Entry],
        unit: Unit,
        default_namespace: str | None = None,
        file_digests: Mapping[str, str] | None = None,
        file_namespaces: Mapping[str, str | None] | None = None,
    ) -> None:
        self.entries = entries
        self.unit = unit
        self.default_namespace = default_namespace
        # path -> the namespace the unit's kustomizations give the file (None: none)
        self.file_namespaces: Mapping[str, str | None] = file_namespaces or {}
        # relpath -> digest of what the file contributes here (its facts and namespace)
        self.file_digests: Mapping[str, str] = file_digests or {}
        self.facts_digest = _digest(
            [f"v{FACTS_VERSION}", unit.key, "|".join(unit.unseen), f"ns={default_namespace}"]
            + [f"{p}={d}" for p, d in sorted(self.file_digests.items())]
        )
        # (self,) unless several units apply the file (``units``): not stored as (self,),
        # which would make every index a reference cycle that only the cyclic collector,
        # paused during collection, could free (with all its entries).
        self._units: tuple[K8sIndex, ...] | None = None
        # Buckets so a query reads its namespace, not the whole unit: a scan per object
        # would make the cross-object policies quadratic in the size of a unit.
        self._by_ns: dict[tuple[str, str | None], list[Entry]] = {}
        self._explicit: dict[str, list[Entry]] = {}  # group -> objects that name a namespace
        self._by_kind: dict[str, list[Entry]] = {}
        for e in entries:
            self._by_kind.setdefault(e.kind, []).append(e)
            groups = (e.kind, _ALL_KINDS, _WORKLOADS) if e.is_workload else (e.kind, _ALL_KINDS)
            for group in groups:
                self._by_ns.setdefault((group, e.namespace), []).append(e)
                if e.namespace is not None:
                    self._explicit.setdefault(group, []).append(e)
        self._workloads = [e for e in entries if e.is_workload]
        self._position = {id(e): i for i, e in enumerate(entries)}
        self._memo: dict[str, Any] = {}
        self._candidates: dict[tuple[str, str, str, str | None], _Candidates] = {}

    @property
    def units(self) -> tuple[K8sIndex, ...]:
        return self._units if self._units is not None else (self,)

    @units.setter
    def units(self, value: tuple[K8sIndex, ...]) -> None:
        self._units = value

    def memo(self, key: str, build: Callable[[K8sIndex], _T]) -> _T:
        """A value derived from this index (a lookup table a policy needs for every
        object), computed once per index and shared by all its queries."""
        if key not in self._memo:
            self._memo[key] = build(self)
        value: _T = self._memo[key]
        return value

    def in_run_order(self, entries: Iterable[Entry]) -> list[Entry]:
        return sorted(entries, key=lambda e: self._position.get(id(e), 0))

    # -- building ---------------------------------------------------------------

    @classmethod
    def build(
        cls,
        unit: Unit,
        files: Iterable[tuple[str, str, list[dict[str, Any]], str, str | None]],
        default_namespace: str | None,
    ) -> K8sIndex:
        """One unit from ``(path, relpath, facts, facts digest, kustomize namespace)`` per
        member file."""
        entries: list[Entry] = []
        digests: dict[str, str] = {}
        namespaces: dict[str, str | None] = {}
        for path, relpath, facts, facts_digest, override in files:
            namespaces[os.path.normpath(path)] = override
            for fact in facts:
                entry = _entry(fact, path, relpath, override, default_namespace)
                if entry is not None:
                    entries.append(entry)
            digests[relpath] = _digest([f"{override or default_namespace}", facts_digest])
        return cls(entries, unit, default_namespace, digests, namespaces)

    def restricted(self, keep: Callable[[str], bool]) -> K8sIndex:
        """A view of the objects whose file passes ``keep`` (the file and dir scopes)."""
        entries = [e for e in self.entries if keep(e.path)]
        paths = {e.relpath for e in entries}
        digests = {p: d for p, d in self.file_digests.items() if p in paths}
        return K8sIndex(entries, self.unit, self.default_namespace, digests, self.file_namespaces)

    # -- namespaces -------------------------------------------------------------

    def kustomize_namespace(self, path: str) -> str | None:
        """The namespace this unit's kustomizations give the objects of ``path``."""
        return self.file_namespaces.get(os.path.normpath(path))

    def namespace_of(self, obj: Any) -> str | None:
        """The effective namespace of a ``K8sObject`` in this unit (None: unset)."""
        override = self.kustomize_namespace(obj.source.path)
        return override or (str(obj.namespace) if obj.namespace else self.default_namespace)

    # -- queries ----------------------------------------------------------------

    def _related_lists(
        self, group: str, namespace: str | None
    ) -> tuple[tuple[str, str | None], tuple[str, str | None]]:
        """Where ``_related`` finds the certain and the maybe objects: ``("ns", ns)`` is
        ``_by_ns[(group, ns)]``, ``("explicit", None)`` is ``_explicit[group]``."""
        if namespace is None:
            return ("ns", None), ("explicit", None)
        return ("ns", namespace), ("ns", None)

    def _list(self, group: str, where: tuple[str, str | None]) -> Sequence[Entry]:
        if where[0] == "explicit":
            return self._explicit.get(group, ())
        return self._by_ns.get((group, where[1]), ())

    def _related(self, group: str, namespace: str | None) -> Matches:
        sure, maybe = self._related_lists(group, namespace)
        return Matches(self._list(group, sure), self._list(group, maybe), namespace, self.unit)

    def _lookup(
        self,
        query: str,
        group: str,
        namespace: str | None,
        keys: Keys,
        pick: Callable[[_Candidates], Sequence[Entry]],
        keep: Callable[[Entry], bool],
        every: bool = False,
    ) -> Matches:
        """``_related(group, namespace).filter(keep)``, reading only the candidates
        ``pick`` takes from the lists filed by ``keys`` (built once per index)."""
        found: list[list[Entry]] = []
        for where in self._related_lists(group, namespace):
            memo_key = (query, group, *where)
            filed = self._candidates.get(memo_key)
            if filed is None:
                filed = self._candidates[memo_key] = _Candidates(
                    self._list(group, where), keys, every
                )
            found.append([e for e in pick(filed) if keep(e)])
        return Matches(found[0], found[1], namespace, self.unit)

    def related(self, kind: str | None, namespace: str | None) -> Matches:
        """Objects of ``kind`` (every kind when None) in the namespace ``namespace``
        (None: the unset namespace of this unit), with those that may be."""
        return self._related(kind or _ALL_KINDS, namespace)

    def objects(
        self, kind: str | None = None, namespace: str | AnyNamespace | None = ANY_NAMESPACE
    ) -> Iterator[Entry]:
        """Objects of ``kind`` (all kinds when None) certainly in ``namespace`` (every
        object of the unit when no namespace is given)."""
        if namespace is ANY_NAMESPACE:
            return iter(self.entries if kind is None else self._by_kind.get(kind, ()))
        return iter(self._by_ns.get((kind or _ALL_KINDS, namespace), ()))

    def workloads(self, namespace: str | AnyNamespace | None = ANY_NAMESPACE) -> Iterator[Entry]:
        """Objects with a pod template (or bare pods) certainly in ``namespace``."""
        if namespace is ANY_NAMESPACE:
            return iter(self._workloads)
        return iter(self._by_ns.get((_WORKLOADS, namespace), ()))

    def entry_for(self, obj: Any) -> Entry | None:
        """The index's own entry for a ``K8sObject`` (same file and line)."""
        for e in self._by_kind.get(obj.kind_name, ()):
            if e.path == obj.source.path and e.line == obj.line:
                return e
        return None

    def services_selecting(self, obj: Any) -> Matches:
        """Core Services whose selector matches the pod template labels."""
        labels = as_mapping(obj.pod_template_metadata.get("labels"))
        pairs = label_pairs(labels)
        return self._lookup(
            "services",
            "Service",
            self.namespace_of(obj),
            _service_keys,
            lambda filed: filed.any_of(pairs),
            lambda s: s.group == "" and map_selector_matches(s.spec.get("selector"), labels),
        )

    def network_policies_selecting(self, obj: Any) -> Matches:
        labels = as_mapping(obj.pod_template_metadata.get("labels"))
        pairs = label_pairs(labels)
        return self._lookup(
            "network-policies",
            "NetworkPolicy",
            self.namespace_of(obj),
            _network_policy_keys,
            lambda filed: filed.any_of(pairs),
            lambda p: (
                p.group == "networking.k8s.io"
                and "podSelector" in p.spec
                and label_selector_matches(p.spec.get("podSelector"), labels)
            ),
        )

    def pdbs_selecting(self, obj: Any) -> Matches:
        labels = as_mapping(obj.pod_template_metadata.get("labels"))
        pairs = label_pairs(labels)
        return self._lookup(
            "pdbs",
            "PodDisruptionBudget",
            self.namespace_of(obj),
            _pdb_keys,
            lambda filed: filed.any_of(pairs),
            lambda p: pdb_selects(p, labels),
        )

    def hpas_targeting(self, obj: Any) -> Matches:
        """HorizontalPodAutoscalers whose ``scaleTargetRef`` names the object."""
        return self._hpas((obj.kind_name, obj.name), self.namespace_of(obj))

    def workloads_selected_by(self, pdb: Entry) -> Matches:
        """Workloads whose pods the PDB's selector matches."""
        required = _pdb_keys(pdb)
        return self._lookup(
            "pod-labels",
            _WORKLOADS,
            pdb.namespace,
            _pod_label_keys,
            lambda filed: filed.all_of(required),
            lambda w: w.pod_labels is not None and pdb_selects(pdb, w.pod_labels),
            every=True,
        )

    def hpas_for(self, workload: Entry) -> Matches:
        return self._hpas((workload.kind, workload.name), workload.namespace)

    def _hpas(self, target: tuple[object, object], namespace: str | None) -> Matches:
        wanted = (target,) if _hashable(target) else ()
        return self._lookup(
            "hpas",
            "HorizontalPodAutoscaler",
            namespace,
            _hpa_keys,
            lambda filed: filed.any_of(wanted) if wanted else filed.entries,
            lambda h: _target_of(h) == target,
        )

    def named(self, kind: str, name: str, namespace: str | None) -> Matches:
        """Objects of ``kind`` called ``name`` (what a reference by name resolves to)."""
        wanted = (name,) if _hashable(name) else ()
        return self._lookup(
            "names",
            kind or _ALL_KINDS,
            namespace,
            _name_keys,
            lambda filed: filed.any_of(wanted) if wanted else filed.entries,
            lambda e: e.name == name,
        )

    def service_accounts(self, namespace: str | None, name: str) -> Matches:
        return self.named("ServiceAccount", name, namespace).filter(lambda e: e.group == "")

    def service_account(self, namespace: str | None, name: str) -> Entry | None:
        found = self.service_accounts(namespace, name)
        return found[0] if found else None

    def created_namespaces(self) -> dict[str, Entry]:
        """Namespaces created by a ``Namespace`` object in the scope."""
        return {e.name: e for e in self._by_kind.get("Namespace", ()) if e.name and e.group == ""}

    def in_namespace(self, kind: str, namespace: str) -> Matches:
        """Objects of ``kind`` certainly in ``namespace`` (set explicitly or inherited), and
        those of the unit that set none."""
        return self.related(kind, namespace)


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
