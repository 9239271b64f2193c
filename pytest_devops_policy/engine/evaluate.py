"""Parse files and evaluate policies, without pytest.

The pytest nodes (``nodes.py``) and the golden-fixture tests both go through
this module, so what the tests check is exactly what users run.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

from pytest_devops_policy.api import Policy, Severity, Unknown, Violation
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

FORMAT_MODULES: dict[str, str] = {
    "dockerfile": "pytest_devops_policy.formats.dockerfile.parser",
    "kubernetes": "pytest_devops_policy.formats.kubernetes.objects",
    "github-actions": "pytest_devops_policy.formats.github_actions.workflow",
    "terraform": "pytest_devops_policy.indexes.terraform",
    # a Helm template as helm rendered it (formats/helm.py), judged as Kubernetes
    "helm-rendered": "pytest_devops_policy.formats.kubernetes.helm",
}


def format_module(kind: str) -> ModuleType:
    """The parser module of a kind, imported on first use (parsers load lazily)."""
    return importlib.import_module(FORMAT_MODULES[kind])


def decode(data: bytes) -> str:
    """Bytes to text: strip a UTF-8 BOM, normalise CRLF/CR, never fail on bad bytes."""
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_source(source: Source, kind: str) -> ParsedFile:
    """Parse one source. Raises ``ParseError`` for recognised-but-broken files."""
    module = format_module(kind)
    parsed: ParsedFile = module.parse(source)
    return parsed


class FactStore(Protocol):
    """Where per-file facts for cross-file indexes persist between runs (``resultcache``)."""

    def load_facts(self, key: str) -> Any: ...

    def store_facts(self, key: str, value: Any) -> None: ...


class ParseCache:
    """Parse each file once per process; cross-file indexes read from here too.

    ``roots`` are the paths the run was asked to check (pytest's arguments):
    run-wide indexes walk them. ``shared`` holds such run-wide structures, so
    they are built once per process whatever asks first.
    """

    def __init__(
        self, rootdir: str, roots: Sequence[str] = (), facts: FactStore | None = None
    ) -> None:
        self.rootdir = rootdir
        self.roots = list(roots) or [rootdir]
        self.fact_store = facts
        self.shared: dict[Any, Any] = {}
        self._files: dict[tuple[str, str], ParsedFile | ParseError] = {}

    def relpath(self, path: str) -> str:
        try:
            rel = os.path.relpath(path, self.rootdir)
        except ValueError:  # another drive on Windows
            rel = path
        if rel.startswith(".."):
            rel = path
        return rel.replace(os.sep, "/")

    def get(self, path: str, kind: str, text: str | None = None) -> ParsedFile | ParseError:
        key = (path, kind)
        hit = self._files.get(key)
        if hit is None:
            if text is None:
                with open(path, "rb") as fh:
                    text = decode(fh.read())
            source = Source(path=path, relpath=self.relpath(path), text=text)
            try:
                hit = parse_source(source, kind)
            except ParseError as exc:
                hit = exc
            self._files[key] = hit
        return hit

    def release(self, path: str, kind: str) -> None:
        self._files.pop((path, kind), None)

    def facts(
        self, path: str, kind: str, name: str, extract: Callable[[ParsedFile | ParseError], Any]
    ) -> Any:
        """``extract(parsed file)``, remembered by file content across runs when a
        fact store is set: a warm run reads facts without parsing."""
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return extract(ParseError(f"cannot read {path}"))
        key = None
        if self.fact_store is not None:
            h = hashlib.blake2b(digest_size=20)
            for part in (name, kind, self.relpath(path), data):
                raw = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
                h.update(len(raw).to_bytes(8, "little"))
                h.update(raw)
            key = h.hexdigest()
            hit = self.fact_store.load_facts(key)
            if hit is not None:
                return hit
        value = extract(self.get(path, kind, decode(data)))
        if key is not None and self.fact_store is not None:
            self.fact_store.store_facts(key, value)
        return value


@dataclass
class Context:
    """What a policy may read besides its subject: settings and cross-object indexes.

    Indexes are built once per scope (for Terraform, the module directory) and
    shared by every item in that scope.
    """

    settings: Mapping[str, Any]
    cache: ParseCache
    subject: Subject | None = None
    _indexes: dict[tuple[str, str], Any] = field(default_factory=dict)

    def option(self, name: str, default: Any = None) -> Any:
        return self.settings.get(name, default)

    def index(self, subject: Subject) -> Any:
        """The cross-object index of the subject's kind and scope (built lazily, once).

        A format's ``index_scope(subject[, context])`` names the scope and
        ``build_index(scope, cache[, context])`` builds it; the optional context
        parameter lets scopes follow settings (``k8s.scope``).
        """
        module = format_module(subject.kind)
        scope_of: Callable[..., str] | None = getattr(module, "index_scope", None)
        build: Callable[..., Any] | None = getattr(module, "build_index", None)
        if scope_of is None or build is None:
            return None
        scope = scope_of(subject, self) if _arity(scope_of) >= 2 else scope_of(subject)
        key = (subject.kind, scope)
        if key not in self._indexes:
            if _arity(build) >= 3:
                self._indexes[key] = build(scope, self.cache, self)
            else:
                self._indexes[key] = build(scope, self.cache)
        return self._indexes[key]

    def for_subject(self, subject: Subject) -> Context:
        return Context(self.settings, self.cache, subject, self._indexes)


_ARITY: dict[Any, int] = {}


def _arity(function: Callable[..., Any]) -> int:
    n = _ARITY.get(function)
    if n is None:
        n = _ARITY[function] = len(inspect.signature(function).parameters)
    return n


def contextualise(parsed: ParsedFile, context: Context) -> ParsedFile:
    """Let the format adjust a parsed file to the run (a Kubernetes patch file named by
    a kustomization is not judged; its namespace comes from the kustomization)."""
    adjust: Callable[[ParsedFile, Context], ParsedFile] | None = getattr(
        format_module(parsed.kind), "contextualise", None
    )
    return adjust(parsed, context) if adjust is not None else parsed


UNKNOWN_PREFIX = "cannot be checked statically: "


@dataclass(frozen=True)
class ResolvedViolation:
    message: str
    line: int
    col: int
    severity: Severity
    secret: str | None = None


@dataclass
class Finding:
    """The outcome of one policy on one subject."""

    policy: Policy
    subject: Subject
    violations: list[ResolvedViolation]
    unknowns: list[str]

    @property
    def failed(self) -> bool:
        return bool(self.violations)

    @property
    def severity(self) -> Severity:
        if not self.violations:
            return self.policy.severity
        return max(v.severity for v in self.violations)

    @property
    def line(self) -> int:
        return self.violations[0].line if self.violations else self.subject.line

    @property
    def secrets(self) -> list[str]:
        return [v.secret for v in self.violations if v.secret]


def resolve(policy: Policy, subject: Subject, v: Violation) -> ResolvedViolation:
    line, col = subject.line, subject.col
    if v.line is not None:
        line, col = v.line, v.col or 1
    elif v.path is not None:
        pos = subject.locate(v.path)
        if pos is not None:
            line, col = pos
    return ResolvedViolation(
        message=v.message,
        line=line,
        col=col,
        severity=v.severity or policy.severity,
        secret=v.secret,
    )


def evaluate(policy: Policy, subject: Subject, context: Context) -> Finding:
    """Run one policy on one subject and resolve every violation to a position."""
    results = policy.evaluate(subject, context.for_subject(subject))
    violations = sorted(
        (resolve(policy, subject, r) for r in results if isinstance(r, Violation)),
        key=lambda v: (v.line, v.col),
    )
    # The item adds the "cannot be checked statically" preamble; policies need not.
    unknowns = [r.reason.removeprefix(UNKNOWN_PREFIX) for r in results if isinstance(r, Unknown)]
    return Finding(policy, subject, violations, unknowns)
