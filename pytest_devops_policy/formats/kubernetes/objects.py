"""Kubernetes manifests (YAML or JSON) as ``K8sObject`` subjects.

Recognition (catalog §2.1): a document is a Kubernetes object iff it is a
mapping with a string ``apiVersion`` and a string ``kind``. ``*List`` kinds are
flattened into their items. Kustomizations, kubeconfigs and CRDs are recognised
but yield no subject. Files with no Kubernetes object at all (Helm values,
app config, ``Chart.yaml``...) come back with no subjects and
``recognised=False`` so collection can drop them quietly.

The object model (catalog §2.2) lives here so that policies share one reading
of it: which kinds carry a pod template and where, which containers a pod runs
(init containers vs native sidecars), and the effective security context.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from pytest_devops_policy.api import PathPart, Unknown
from pytest_devops_policy.formats.numbers import whole_number
from pytest_devops_policy.formats.yamlload import Document, load_documents
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.kubernetes import K8sIndex  # noqa: F401 (a base class's type)

__all__ = [
    "ANNOTATION_PREFIX",
    "CONTAINER_ONLY_FIELDS",
    "INHERITED_FIELDS",
    "POD_ONLY_FIELDS",
    "REPLICATED_KINDS",
    "Container",
    "K8sObject",
    "as_mapping",
    "is_templated",
    "is_true",
    "long_running_workloads",
    "looks_like_kubernetes",
    "non_negative_int",
    "parse",
    "workloads",
]

Path = tuple[PathPart, ...]

# Cheap pre-filter on the raw text (catalog §2.1). The second alternative
# catches minified JSON, where keys do not start a line.
_API_VERSION = re.compile(r"""(?m)^[ \t-]*["']?apiVersion["']?[ \t]*:|"apiVersion"\s*:""")
_KIND = re.compile(r"""(?m)^[ \t-]*["']?kind["']?[ \t]*:|"kind"\s*:""")

ANNOTATION_PREFIX = "devops-policy.io/"
_WAIVER_ATTRS = ("reason", "expires", "owner", "ticket")

_TEMPLATE: Path = ("spec", "template", "spec")
_CRONJOB: Path = ("spec", "jobTemplate", "spec", "template", "spec")

# The workload model table (catalog §2.2-7): kind -> (API group or None for
# "any group", pod spec path). Groups are checked only where a kind name is
# shared with an unrelated object (core Service vs Knative Service).
_WORKLOADS: dict[str, tuple[str | None, Path]] = {
    "Pod": (None, ("spec",)),
    "Deployment": (None, _TEMPLATE),
    "StatefulSet": (None, _TEMPLATE),
    "DaemonSet": (None, _TEMPLATE),
    "ReplicaSet": (None, _TEMPLATE),
    "ReplicationController": (None, _TEMPLATE),
    "Job": (None, _TEMPLATE),
    "CronJob": (None, _CRONJOB),
    "PodTemplate": (None, ("template", "spec")),
    "DeploymentConfig": (None, _TEMPLATE),
    "Rollout": ("argoproj.io", _TEMPLATE),
    "Service": ("serving.knative.dev", _TEMPLATE),
}
# Unknown kinds (operators' CRDs) count as workloads when one of these holds
# a pod spec with a containers list.
_FALLBACK_PATHS: tuple[Path, ...] = (_TEMPLATE, _CRONJOB)

# Long-running kinds (catalog §2.3 "LR"); bare Pods are decided by restartPolicy.
_LONG_RUNNING = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "DeploymentConfig",
        "Rollout",
        "Service",
    }
)
# Kinds whose replica count defaults to 1 when spec.replicas is absent.
REPLICATED_KINDS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "ReplicaSet",
        "ReplicationController",
        "DeploymentConfig",
        "Rollout",
    }
)

# Effective securityContext (catalog §2.2-9).
INHERITED_FIELDS = (
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "seLinuxOptions",
    "seccompProfile",
    "windowsOptions",
    "appArmorProfile",
)
CONTAINER_ONLY_FIELDS = (
    "privileged",
    "allowPrivilegeEscalation",
    "capabilities",
    "readOnlyRootFilesystem",
    "procMount",
)
POD_ONLY_FIELDS = ("fsGroup", "supplementalGroups", "sysctls")


def workloads(subject: object) -> bool:
    """``applies=`` predicate: pod-bearing objects (catalog "WL")."""
    return isinstance(subject, K8sObject) and subject.is_workload


def long_running_workloads(subject: object) -> bool:
    """``applies=`` predicate: workloads whose pods keep running (catalog "LR")."""
    return isinstance(subject, K8sObject) and subject.is_long_running


# Helm/Go templates, envsubst and shell-style substitutions: the real value is only
# known after rendering, so policies answer Unknown rather than judge the placeholder.
_TEMPLATED = re.compile(r"\{\{|\$\(|\$\{")


def is_templated(value: object) -> bool:
    """A string holding a template expression (``{{ .Values.x }}``, ``${VAR}``)."""
    return isinstance(value, str) and _TEMPLATED.search(value) is not None


def _as_written(raw: object) -> str:
    """A value as the manifest spells it (``true``, not Python's ``True``)."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return repr(raw)


def non_negative_int(where: str, raw: object) -> int | Unknown | str:
    """A count or a number of seconds as the API reads it: the value, Unknown for a
    template, or why the API rejects it (``where`` names the field in messages)."""
    if is_templated(raw):
        return Unknown(f"{where} is templated ({raw!r}); render it first")
    if not isinstance(raw, int) or isinstance(raw, bool):
        return f"{where} {_as_written(raw)} is not an integer (type mismatch; the API rejects it)"
    if raw < 0:
        return f"{where} {raw} is negative (the API rejects it)"
    return raw


def is_true(value: object) -> bool:
    """Only a real boolean ``true`` counts: the API rejects the string ``"true"``."""
    return value is True


def looks_like_kubernetes(text: str) -> bool:
    """The cheap raw-text test: both ``apiVersion:`` and ``kind:`` keys appear."""
    return _API_VERSION.search(text) is not None and _KIND.search(text) is not None


def as_mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one (manifests hold anything anywhere)."""
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    """A name-like scalar as text (``name: 123`` is still a name); None otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _get(root: object, path: Path) -> Any:
    node: Any = root
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return None
            node = node[part]
        else:
            if not isinstance(node, Mapping):
                return None
            node = node.get(part)
    return node


@dataclass(frozen=True, eq=False)
class Container:
    """One container of a pod spec, as policies see it.

    ``kind`` is ``container``, ``init`` (runs to completion before the others)
    or ``sidecar`` (an init container with ``restartPolicy: Always``, which
    runs for the pod's lifetime). ``path`` is relative to the object root, so
    ``Violation(path=c.path)`` points at the container's list item.
    """

    name: str | None
    list_name: str  # "containers" or "initContainers"
    index: int
    kind: str
    path: Path
    raw: Mapping[str, Any]
    security_context: Mapping[str, Any]
    # Where each effective securityContext field was written (object-root path).
    security_context_sources: Mapping[str, Path] = field(repr=False)

    @property
    def ref(self) -> str:
        """How messages name the container: ``containers[web]``, ``initContainers[0]``."""
        return f"{self.list_name}[{self.name if self.name is not None else self.index}]"

    @property
    def image(self) -> str | None:
        image = self.raw.get("image")
        return image if isinstance(image, str) else None

    @property
    def long_running(self) -> bool:
        return self.kind != "init"

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def at(self, *keys: PathPart) -> Path:
        """An object-root path below this container, for ``Violation(path=...)``."""
        return (*self.path, *keys)

    def security_context_path(self, name: str) -> Path:
        """Where the effective field ``name`` (``windowsOptions.hostProcess`` for a
        sub-field) is written; the container's own ``securityContext`` when unset."""
        return self.security_context_sources.get(name, self.at("securityContext", *name.split(".")))

    def inherits(self, name: str) -> bool:
        """The effective field comes from the pod's securityContext."""
        source = self.security_context_sources.get(name)
        return source is not None and source[: len(self.path)] != self.path


class K8sObject(Subject["K8sIndex"], Mapping[str, Any]):
    """One Kubernetes object. Reads like the parsed mapping (``obj["spec"]``)."""

    kind: ClassVar[str] = "kubernetes"
    key: ClassVar[str] = "k8s_object"

    def __init__(
        self,
        source: Source,
        label: str,
        value: Mapping[str, Any],
        document: Document,
        base: Path = (),
    ) -> None:
        line, col = document.locate(base) or (document.start_line, 1)
        super().__init__(source, label, line, col)
        self.value = value
        self.document = document
        self.base = base  # path of this object inside its document (List items)
        # Set by ``contextualise``: the namespace a kustomization gives the object
        # (it overrides metadata.namespace) and k8s.default_namespace.
        self.kustomize_namespace: str | None = None
        self.default_namespace: str | None = None

    # -- Mapping --------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        return self.value[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)

    # Mapping would compare by content; two identical objects in two files are
    # still two subjects, and subjects must stay hashable.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    # -- Subject --------------------------------------------------------------

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return self.document.locate((*self.base, *path))

    def waiver_lines(self) -> Iterator[int]:
        seen: set[int] = set()
        for path in ((), ("kind",), ("metadata", "name")):
            pos = self.document.lines.get((*self.base, *path))
            line = pos[0] if pos else (self.line if not path else None)
            if line is not None and line not in seen:
                seen.add(line)
                yield line

    def annotation_waivers(self) -> Iterator[tuple[str, dict[str, str]]]:
        annotations = self.annotations
        ids = _text(annotations.get(ANNOTATION_PREFIX + "ignore"))
        if ids is None or not ids.strip():
            return
        # Absent attributes are left out: the waiver engine rejects a missing reason.
        attrs: dict[str, str] = {}
        for attr in _WAIVER_ATTRS:
            value = _text(annotations.get(f"{ANNOTATION_PREFIX}ignore-{attr}"))
            if value is not None:
                attrs[attr] = value
        yield ids, attrs

    # -- metadata -------------------------------------------------------------

    @property
    def api_version(self) -> str:
        return str(self.value.get("apiVersion", ""))

    @property
    def group(self) -> str:
        """The API group (``""`` for the core group ``v1``)."""
        group, sep, _ = self.api_version.rpartition("/")
        return group if sep else ""

    @property
    def kind_name(self) -> str:
        """The Kubernetes ``kind`` (``Subject.kind`` is the artifact kind)."""
        return str(self.value.get("kind", ""))

    @property
    def metadata(self) -> Mapping[str, Any]:
        return as_mapping(self.value.get("metadata"))

    @property
    def name(self) -> str | None:
        return _text(self.metadata.get("name"))

    @property
    def namespace(self) -> str | None:
        return _text(self.metadata.get("namespace"))

    @property
    def effective_namespace(self) -> str | None:
        """The kustomization's namespace, else ``metadata.namespace``, else the configured
        default, else None."""
        return self.kustomize_namespace or self.namespace or self.default_namespace

    @property
    def labels(self) -> Mapping[str, Any]:
        return as_mapping(self.metadata.get("labels"))

    @property
    def annotations(self) -> Mapping[str, Any]:
        return as_mapping(self.metadata.get("annotations"))

    @property
    def document_index(self) -> int:
        return self.document.index

    # -- workload model -------------------------------------------------------

    @cached_property
    def _table_path(self) -> Path | None:
        """The pod spec path when the kind (and, where it matters, group) is in the table."""
        entry = _WORKLOADS.get(self.kind_name)
        if entry is None:
            return None
        group, path = entry
        return path if group is None or self.group == group else None

    @cached_property
    def pod_spec_path(self) -> Path | None:
        """Where the pod spec is (or must be) for a workload; None for other objects."""
        if self._table_path is not None:
            return self._table_path
        for path in _FALLBACK_PATHS:
            if isinstance(_get(self.value, (*path, "containers")), list):
                return path
        return None

    @property
    def is_workload(self) -> bool:
        """A pod-bearing kind (catalog "WL")."""
        return self.pod_spec_path is not None

    @property
    def pod_spec(self) -> Mapping[str, Any] | None:
        path = self.pod_spec_path
        if path is None:
            return None
        spec = _get(self.value, path)
        return spec if isinstance(spec, Mapping) else None

    @property
    def pod_template_metadata(self) -> Mapping[str, Any]:
        """The pod's own metadata (labels, annotations), which for a Pod is the object's."""
        path = self.pod_spec_path
        if path is None:
            return {}
        return as_mapping(_get(self.value, (*path[:-1], "metadata")))

    @property
    def pod_spec_problem(self) -> str | None:
        """Why a workload's pod spec cannot be read statically, or None."""
        if not self.is_workload or self.pod_spec is not None:
            return None
        if self.kind_name == "Rollout" and "workloadRef" in as_mapping(self.value.get("spec")):
            return "the Rollout takes its pod template from spec.workloadRef (another object)"
        where = ".".join(str(p) for p in self.pod_spec_path or ())
        return f"no pod spec at {where} (a partial manifest or kustomize patch?)"

    @property
    def is_long_running(self) -> bool:
        """Catalog "LR": controllers that keep pods running, and bare Pods that restart."""
        if not self.is_workload:
            return False
        kind = self.kind_name
        if kind == "Pod":
            restart = as_mapping(self.value.get("spec")).get("restartPolicy")
            return restart is None or restart == "Always"
        # Unknown kinds found by the fallback are not assumed to keep pods running.
        return kind in _LONG_RUNNING and self._table_path is not None

    @property
    def replicas(self) -> int | None:
        """Declared or defaulted replica count; None when not a fixed number
        (DaemonSet, Job, autoscaled Knative) or not a literal integer."""
        kind = self.kind_name
        if kind == "Pod" and self.is_workload:
            return 1
        if self._table_path is None or kind not in REPLICATED_KINDS:
            return None
        spec = as_mapping(self.value.get("spec"))
        if "replicas" not in spec or spec["replicas"] is None:
            return 1
        value = spec["replicas"]
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def is_windows(self) -> bool:
        return as_mapping(as_mapping(self.pod_spec).get("os")).get("name") == "windows"

    def containers(
        self, kinds: Collection[str] = ("container", "init", "sidecar")
    ) -> Iterator[Container]:
        """The pod's containers (C+I by default; ephemeral containers are never included).

        Pass ``kinds=("container", "sidecar")`` for the long-running set that
        probe policies judge.
        """
        return (c for c in self._containers if c.kind in kinds)

    @cached_property
    def _containers(self) -> tuple[Container, ...]:
        # Built once per object: every policy item of the object reads the same views.
        spec, spec_path = self.pod_spec, self.pod_spec_path
        if spec is None or spec_path is None:
            return ()
        pod_sc = as_mapping(spec.get("securityContext"))
        pod_sc_path = (*spec_path, "securityContext")
        found: list[Container] = []
        for list_name in ("containers", "initContainers"):
            items = spec.get(list_name)
            if not isinstance(items, list):
                continue
            for index, raw in enumerate(items):
                if not isinstance(raw, Mapping):
                    continue
                if list_name == "containers":
                    ckind = "container"
                else:
                    ckind = "sidecar" if raw.get("restartPolicy") == "Always" else "init"
                path = (*spec_path, list_name, index)
                sc, sources = _effective_security_context(pod_sc, pod_sc_path, raw, path)
                found.append(
                    Container(
                        name=_text(raw.get("name")),
                        list_name=list_name,
                        index=index,
                        kind=ckind,
                        path=path,
                        raw=raw,
                        security_context=sc,
                        security_context_sources=sources,
                    )
                )
        return tuple(found)


def _effective_security_context(
    pod_sc: Mapping[str, Any],
    pod_sc_path: Path,
    container: Mapping[str, Any],
    container_path: Path,
) -> tuple[dict[str, Any], dict[str, Path]]:
    own = as_mapping(container.get("securityContext"))
    own_path = (*container_path, "securityContext")
    out: dict[str, Any] = {}
    sources: dict[str, Path] = {}
    for name in (*INHERITED_FIELDS, *POD_ONLY_FIELDS):
        if name in pod_sc and pod_sc[name] is not None:
            out[name] = pod_sc[name]
            sources[name] = (*pod_sc_path, name)
    for name in (*INHERITED_FIELDS, *CONTAINER_ONLY_FIELDS):
        if name in own and own[name] is not None:
            out[name] = own[name]
            sources[name] = (*own_path, name)
    # The kubelet merges windowsOptions field by field, not as a whole.
    pod_win, own_win = pod_sc.get("windowsOptions"), own.get("windowsOptions")
    if isinstance(pod_win, Mapping) and isinstance(own_win, Mapping):
        merged = dict(pod_win)
        for key, value in own_win.items():
            if value is not None:
                merged[key] = value
                sources[f"windowsOptions.{key}"] = (*own_path, "windowsOptions", key)
        for key in pod_win:
            sources.setdefault(f"windowsOptions.{key}", (*pod_sc_path, "windowsOptions", key))
        out["windowsOptions"] = merged
    else:
        win = out.get("windowsOptions")
        origin = sources.get("windowsOptions")
        if isinstance(win, Mapping) and origin is not None:
            for key in win:
                sources[f"windowsOptions.{key}"] = (*origin, key)
    return out, sources


# -- parsing ------------------------------------------------------------------


def _unjudged(value: Mapping[str, Any]) -> bool:
    """Recognised, but not a cluster object any policy judges (kustomize, kubeconfig, CRD)."""
    kind, api = value["kind"], value["apiVersion"]
    if kind in ("Kustomization", "Component") and api.startswith("kustomize.config.k8s.io/"):
        return True
    return kind in ("Config", "CustomResourceDefinition")


def _is_object(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("apiVersion"), str)
        and isinstance(value.get("kind"), str)
    )


def _objects(value: Mapping[str, Any], base: Path) -> Iterator[tuple[Mapping[str, Any], Path]]:
    """The object, or the items of a ``*List`` (recursively), with their paths."""
    items = value.get("items")
    if value["kind"].endswith("List") and isinstance(items, list):
        for i, item in enumerate(items):
            if _is_object(item):
                yield from _objects(item, (*base, "items", i))
        return
    yield value, base


def _label(value: Mapping[str, Any]) -> str:
    meta = as_mapping(value.get("metadata"))
    name = _text(meta.get("name")) or "~"
    namespace = _text(meta.get("namespace"))
    kind = value["kind"] or "~"
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


@dataclass
class K8sFile(ParsedFile):
    """A parsed manifest: its YAML documents, and the objects recognised but not judged
    (kustomizations, CRDs...) as (kind, line). ``recognised`` is false for YAML that holds
    no Kubernetes object at all (app config)."""

    recognised: bool = True
    documents: list[Document] = field(default_factory=list)
    unjudged: list[tuple[str, int]] = field(default_factory=list)


def _unrecognised(source: Source) -> K8sFile:
    return K8sFile(source=source, kind="kubernetes", subjects=[], recognised=False)


def _load(source: Source) -> list[Document]:
    text = source.text
    if not source.relpath.lower().endswith(".json"):
        return load_documents(text, yaml11=True)
    # JSON is YAML (once tabs, which JSON only allows as whitespace, are
    # spaces), and the YAML loader gives us a line for every key.
    spaced = text.replace("\t", " ")
    try:
        return load_documents(spaced, yaml11=True, retry=False)
    except ParseError:
        pass
    # Several values back to back (a stream, which kubectl accepts), or one the C YAML
    # loader refuses: each value is loaded alone, at its place in the file.
    values = _json_values(text)
    starts = _positions(text, [start for start, _, _ in values])
    return [
        _json_document(spaced[start:end], value, index, *starts[index])
        for index, (start, end, value) in enumerate(values)
    ]


def _json_int(text: str) -> int | str:
    """A JSON integer, or its text if too big to keep (as the YAML loader keeps it)."""
    number = whole_number(text)
    return text if number is None else number


_JSON = json.JSONDecoder(parse_int=_json_int)
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _json_values(text: str) -> list[tuple[int, int, Any]]:
    """(start, end, value) of each top-level JSON value; ParseError if one is invalid."""
    found: list[tuple[int, int, Any]] = []
    pos = _after_space(text, 0)
    while pos < len(text):
        try:
            value, end = _JSON.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except ValueError as exc:  # pragma: no cover - parse_int keeps every integer
            raise ParseError(f"invalid JSON: {exc}") from None
        except RecursionError:
            raise ParseError("JSON nesting is too deep to analyse") from None
        found.append((pos, end, value))
        pos = _after_space(text, end)
    return found


def _after_space(text: str, pos: int) -> int:
    match = _JSON_SPACE.match(text, pos)
    return match.end() if match else pos


def _positions(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """1-based (line, column) of increasing offsets, counting the text once."""
    out: list[tuple[int, int]] = []
    line, line_start, done = 1, 0, 0
    for offset in offsets:
        line += text.count("\n", done, offset)
        newline = text.rfind("\n", done, offset)
        if newline >= 0:
            line_start = newline + 1
        done = offset
        out.append((line, offset - line_start + 1))
    return out


def _json_document(chunk: str, value: Any, index: int, line: int, col: int) -> Document:
    try:
        docs = load_documents(chunk, yaml11=True)
    except ParseError:
        docs = []
    if len(docs) == 1:
        return docs[0].moved(index, line, col)
    # Valid JSON the YAML loaders refuse (a key over 1024 characters): only its start is known.
    return Document(value=value, index=index, start_line=line, lines={(): (line, col)})


# Template markers outside quoted strings and comments: Go/Helm ``{{ }}`` and Jinja ``{% %}``.
_QUOTED = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'""")
_COMMENT = re.compile(r"(?:^|\s)#.*")
_MARKERS = (("{{", "}}"), ("{%", "%}"))


def _template_marker(text: str, last_line: int) -> tuple[str, int] | None:
    """The first template marker (and its line) that could have broken the YAML: outside
    quotes and comments, closed further on, on or before ``last_line``."""
    offset = 0
    for number, line in enumerate(text.split("\n")[:last_line], start=1):
        if "{" in line:
            bare = _COMMENT.sub("", _QUOTED.sub('""', line))
            for opener, closer in _MARKERS:
                if opener in bare and text.find(closer, offset) >= 0:
                    return f"{opener} {closer}", number
        offset += len(line) + 1
    return None


def _template(source: Source, error: ParseError) -> K8sFile | None:
    """A file that fails to parse because template markers are not YAML yet is a template
    to render, not a broken manifest: a skipped file saying how to check it."""
    marker = _template_marker(source.text, error.line)
    if marker is None:
        return None
    shown, line = marker
    reason = (
        f"a template ({shown} markers from line {line}), not YAML until rendered "
        f"(as written, line {error.line}: {error.message}); render it (helm template, "
        "envsubst, your templating tool) and scan the output to check the result"
    )
    return K8sFile(source=source, kind="kubernetes", subjects=[], skip_reason=reason)


def parse(source: Source) -> K8sFile:
    """Parse a YAML or JSON file into ``K8sObject`` subjects (see the module docstring)."""
    if not looks_like_kubernetes(source.text):
        return _unrecognised(source)
    # The text looks like Kubernetes, so a file that fails to load is a template
    # (skipped, with how to check it) or a broken manifest: ParseError propagates.
    try:
        documents = _load(source)
    except ParseError as error:
        template = _template(source, error)
        if template is None:
            raise
        return template
    subjects: list[Subject[Any]] = []
    unjudged: list[tuple[str, int]] = []
    recognised = False
    seen: dict[str, int] = {}
    for doc in documents:
        if not _is_object(doc.value):
            continue
        recognised = True
        for value, base in _objects(doc.value, ()):
            if _unjudged(value):
                pos = doc.locate(base)
                unjudged.append((value["kind"], pos[0] if pos else doc.start_line))
                continue
            label = _label(value)
            count = seen.get(label, 0) + 1
            seen[label] = count
            if count > 1:
                label = f"{label}#{count}"
            subjects.append(K8sObject(source, label, value, doc, base))
    if not recognised:
        return _unrecognised(source)
    return K8sFile(
        source=source,
        kind="kubernetes",
        subjects=subjects,
        documents=documents,
        unjudged=unjudged,
    )
