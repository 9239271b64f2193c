"""The public policy API: ``@policy``, ``Severity``, ``Violation`` and ``Unknown``.

A policy is a plain function. Its metadata lives on the function (the pluggy
"marker attaches metadata" idiom), so defining a policy registers nothing; it
only becomes active when a ``pytest_devops_policy_add_policies`` hook returns it.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.kinds import KINDS

__all__ = [
    "CROSS_ARTIFACT",
    "SUBJECT_KINDS",
    "XREF_MARKER",
    "XREF_PREFIX",
    "NotApplicable",
    "Policy",
    "Severity",
    "Unknown",
    "Violation",
    "also_anchored",
    "get_policy",
    "is_cross_artifact",
    "policy",
    "report_kind",
]


class Severity(enum.IntEnum):
    """Ordered severities; ``str()`` gives the lowercase name used in markers and reports."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            choices = ", ".join(str(s) for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {choices})") from None


PathPart = str | int


@dataclass(frozen=True)
class Violation:
    """One finding inside a subject.

    ``path`` is a key path inside the subject (``("spec", "containers", 0)``);
    the subject's format turns it into ``file:line:col``. ``line`` (and ``col``)
    pin a source line directly, which is what line-oriented formats such as
    Dockerfiles use. ``severity`` overrides the policy's severity for this one
    finding. ``secret`` is a value that must never be printed: every report
    masks it, including the source excerpt. ``links`` are the cross-artifact links the
    finding rests on, each ``"path:line -> path:line"`` (repository-relative; XREF policies,
    JUnit property ``links``).
    """

    message: str
    path: tuple[PathPart, ...] | None = None
    line: int | None = None
    col: int | None = None
    severity: Severity | None = None
    secret: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unknown:
    """The policy cannot decide statically (``FROM $BASE`` with no default, ...).

    An item whose policy yields only ``Unknown`` results is skipped with the
    reason "cannot be checked statically: ...", never passed silently.
    """

    reason: str


@dataclass(frozen=True)
class NotApplicable(Unknown):
    """The policy does not apply to this subject, which only shows at run time (a live host
    without sshd for the ssh policies). Reported as a skip "N/A: ...", never a failure."""


# The first parameter name of a policy function names its subject, the way a
# pytest fixture name selects a fixture (the kinds registry declares them).
SUBJECT_KINDS: dict[str, str] = {s.param: k.name for k in KINDS for s in k.subjects}

_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Policy:
    """A policy function plus its metadata."""

    id: str
    name: str
    title: str
    severity: Severity
    rationale: str
    remediation: str
    subject: str
    kind: str
    func: Callable[..., Iterable[Violation | Unknown] | None] = field(compare=False, repr=False)
    wants_context: bool = False
    applies: Callable[..., bool] | None = field(default=None, compare=False, repr=False)
    applies_wants_context: bool = False
    controls: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    example: str = ""
    use_instead: str = ""
    # (subject, context) -> how the subject was read, printed under a failing item with -v
    # (the job classifier's reasons); computed only when the policy fails.
    detail: Callable[[Any, Any], str | None] | None = field(default=None, compare=False, repr=False)
    # Live-host policies (catalog §8): the read-only commands they may run and files they
    # may read (shown by --devops-policy-explain for the auditors of the audited hosts),
    # what needs root, and the profiles (server, container, image) they generate items for.
    commands: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    needs_root: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    # Another anchor of a policy declared once (``also_anchored``): the same id and
    # metadata on a second kind's subject (an XREF policy on GitHub and GitLab jobs). The
    # docs, the list and the reports show the policy once, from its primary function.
    primary: bool = field(default=True, compare=False)

    @property
    def origin(self) -> str:
        """Where the function is defined, for duplicate-id errors."""
        func = inspect.unwrap(self.func)
        try:
            file = inspect.getsourcefile(func) or "?"
            line = inspect.getsourcelines(func)[1]
        except (OSError, TypeError):
            return f"{func.__module__}.{func.__qualname__}"
        return f"{func.__module__}.{func.__qualname__} ({file}:{line})"

    def resolved(self) -> Policy:
        """This policy with its module loaded: itself, except for a built-in that the
        catalog stands in for until it is needed (``policies.catalog``)."""
        return self

    @property
    def doc_path(self) -> str:
        return f"policies/{self.id}.md"

    def applies_to(self, subject: Any, context: Any = None) -> bool:
        if self.applies is None:
            return True
        if self.applies_wants_context:
            return bool(self.applies(subject, context))
        return bool(self.applies(subject))

    def evaluate(self, subject: Any, context: Any) -> list[Violation | Unknown]:
        result = self.func(subject, context) if self.wants_context else self.func(subject)
        if result is None:
            return []
        out = list(result)
        for r in out:
            if not isinstance(r, (Violation, Unknown)):
                raise TypeError(
                    f"policy {self.id} yielded {type(r).__name__}; "
                    "policies must yield Violation or Unknown"
                )
        return out


# Cross-artifact policies (catalog §9): a policy of an anchor's kind (its first parameter
# is the anchor's subject, so its items, node ids, waivers, cache and selection are that
# kind's) which judges links to artifacts of other kinds. The id prefix alone says so.
XREF_PREFIX = "XREF-"
XREF_MARKER = "xref"
CROSS_ARTIFACT = "cross-artifact"  # the kind reports give its verdicts


def is_cross_artifact(policy: Policy | str) -> bool:
    """Whether a policy (or a bare policy id: the report records carry ids only) is a
    cross-artifact XREF policy. The id prefix decides, for built-in and plugin policies
    alike, so every layer (markers, JUnit, reports, docs) answers the same."""
    return (policy if isinstance(policy, str) else policy.id).startswith(XREF_PREFIX)


def report_kind(policy: Policy) -> str:
    """The kind reports and JUnit give a policy's verdicts: ``cross-artifact`` for an XREF
    policy, otherwise its own kind (the anchor's kind stays ``policy.kind``)."""
    return CROSS_ARTIFACT if is_cross_artifact(policy) else policy.kind


_ATTR = "__devops_policy__"


def policy(
    *,
    id: str,
    name: str,
    title: str,
    severity: Severity | str,
    rationale: str,
    remediation: str,
    controls: Iterable[str] = (),
    references: Iterable[str] = (),
    applies: Callable[..., bool] | None = None,
    kind: str | None = None,
    example: str = "",
    use_instead: str = "",
    detail: Callable[[Any, Any], str | None] | None = None,
    commands: Iterable[str] = (),
    reads: Iterable[str] = (),
    needs_root: Iterable[str] = (),
    profiles: Iterable[str] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Attach policy metadata to a function; the function itself is returned unchanged.

    The first parameter's name selects the subject (``dockerfile``, ``k8s_object``,
    ``workflow``, ``job`` or ``tf_resource``). An optional second parameter
    receives the run context (settings and cross-object indexes).
    ``applies`` is a predicate over the subject (and optionally the context, for
    settings); where it is false, no item is generated at all (the catalog's N/A).
    ``detail`` (subject, context) returns how the subject was read (for example why a job
    counts as a deploy job); it runs only when the policy fails, and the text is printed
    under the failure with ``-v``. ``commands``, ``reads``, ``needs_root`` and ``profiles``
    declare what a live-host policy may run and read (catalog §8).
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(func).parameters)
        if not params or len(params) > 2:
            raise TypeError(
                f"policy {id}: {func.__qualname__} must take (subject) or (subject, context)"
            )
        subject = params[0]
        subject_kind = SUBJECT_KINDS.get(subject)
        if subject_kind is None:
            known = ", ".join(SUBJECT_KINDS)
            raise TypeError(
                f"policy {id}: first parameter {subject!r} names no subject (one of: {known})"
            )
        if kind is not None and kind != subject_kind:
            raise TypeError(f"policy {id}: kind {kind!r} does not match subject {subject!r}")
        if not _ID_RE.match(id):
            raise ValueError(f"policy id {id!r} must look like PREFIX-NNN (e.g. ACME-001)")
        if not _NAME_RE.match(name):
            raise ValueError(f"policy {id}: name {name!r} must be kebab-case")
        meta = Policy(
            id=id,
            name=name,
            title=title,
            severity=Severity.parse(severity),
            rationale=rationale,
            remediation=remediation,
            subject=subject,
            kind=subject_kind,
            func=func,
            wants_context=len(params) == 2,
            applies=applies,
            applies_wants_context=(
                applies is not None and len(inspect.signature(applies).parameters) >= 2
            ),
            controls=tuple(controls),
            references=tuple(references),
            example=example,
            use_instead=use_instead,
            detail=detail,
            commands=tuple(commands),
            reads=tuple(reads),
            needs_root=tuple(needs_root),
            profiles=tuple(profiles),
        )
        setattr(func, _ATTR, meta)
        return func

    return decorate


def also_anchored(
    of: Callable[..., Any],
    *,
    applies: Callable[..., bool] | None = None,
    detail: Callable[[Any, Any], str | None] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``func`` as a second anchor of the policy ``of``: the same id, name, severity
    and texts, judged on another kind's subject (its first parameter, as for ``@policy``).

    A cross-artifact policy anchors where the fix belongs; for a CI job that is a GitHub
    Actions job or a GitLab CI job, and the two functions share the decision logic. Each
    anchor is a policy of its kind (items, node ids, waivers, cache); the id is one policy
    in the docs, the list, selection and the reports.
    """
    primary = get_policy(of)
    if primary is None:
        raise TypeError(f"also_anchored: {of!r} is not a policy")

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(func).parameters)
        subject = params[0] if params else ""
        subject_kind = SUBJECT_KINDS.get(subject)
        if subject_kind is None or len(params) > 2:
            raise TypeError(
                f"policy {primary.id}: {func.__qualname__} must take (subject) or "
                "(subject, context) with a known subject"
            )
        if subject == primary.subject:
            raise TypeError(f"policy {primary.id}: a second anchor needs another subject")
        meta = dataclasses.replace(
            primary,
            subject=subject,
            kind=subject_kind,
            func=func,
            wants_context=len(params) == 2,
            applies=applies,
            applies_wants_context=(
                applies is not None and len(inspect.signature(applies).parameters) >= 2
            ),
            detail=detail,
            example="",
            use_instead="",
            primary=False,
        )
        setattr(func, _ATTR, meta)
        return func

    return decorate


def get_policy(obj: Any) -> Policy | None:
    """The metadata of a decorated policy function (or ``None``)."""
    if isinstance(obj, Policy):
        return obj
    meta = getattr(obj, _ATTR, None)
    return meta if isinstance(meta, Policy) else None
