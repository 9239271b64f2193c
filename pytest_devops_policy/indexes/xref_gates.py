"""XREF-010: the objects a production deploy applies pass the Kubernetes gate policies.

Kind-neutral, like ``xref_deploys``: the decision takes the job's ``JobView`` (its events and
how to read them), so a GitHub Actions job and a GitLab CI job share it.

For each ``kubectl apply|create|replace`` with ``-f``/``-k`` (or a piped ``kustomize build``)
the applied objects are read as XREF-006 reads them (``xref_deploys._Reader``). Each
manifest file they come from is judged again through the policy engine with only the gate
policies (``xref.gate_policies``): the same parse, the same ``adjust`` and the same
``analyse`` as the run's own K8S items, never their pytest reports, so the verdict does not
depend on which process ran which item (xdist). An object that a kustomization renders is
judged on the object its source file holds (the same file and line): kustomize's renames,
namespace and images do not change these verdicts, and a finding on an object that a
patch changes in fields the static render does not apply is UNKNOWN, not FAIL.

The K8S finding's own waivers are honoured: inline comments in the manifest and the
object's ``devops-policy.io/ignore`` annotation, with their expiry. Waivers in the
configuration (``[[tool.devops-policy.waivers]]``) are applied by the pytest layer at run
time and are not visible here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pytest_devops_policy.api import Policy
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.indexes.xref_deploys import (
    Applied,
    JobView,
    ManifestReader,
    Obj,
    Outcome,
    Settings,
    deploy_events,
)
from pytest_devops_policy.knowledge.xref.events import DeployEvent, Event
from pytest_devops_policy.waivers import FileWaivers, annotation_waiver, decide, inline_waivers

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.xref import XrefIndex
    from pytest_devops_policy.options import Options

__all__ = [
    "GateFinding",
    "ObjectVerdict",
    "check_gates",
    "gate_events",
    "gate_policies",
    "judge_file",
    "today",
]

# Commands that put the objects they read into the cluster.
_GATE_VERBS = frozenset({"apply", "create", "replace"})
# Policies whose verdict reads the image, which kustomize's images: may change.
_IMAGE_POLICIES = frozenset({"K8S-015"})
MAX_LISTED = 8  # findings listed in one message


def gate_events(events: Sequence[Event]) -> list[DeployEvent]:
    """The commands XREF-010 inspects: applies of ``-f``/``-k`` paths, not dry runs."""
    return [
        e
        for _, e in deploy_events(events)
        if e.verb in _GATE_VERBS and not e.dry_run and (e.files or e.kustomize_dirs)
    ]


def gate_policies(entries: Iterable[str]) -> tuple[Policy, ...]:
    """The built-in K8S policies that ``xref.gate_policies`` names (ids, ``K8S:<severity>``),
    by id. Only the Kubernetes policies' modules are loaded."""
    from pytest_devops_policy.policies.catalog import lazy_builtin_policies

    wanted = set(entries)
    severities = {e.partition(":")[2] for e in wanted if e.startswith("K8S:")}
    out: list[Policy] = []
    for p in lazy_builtin_policies():
        if not p.primary or p.kind != "kubernetes" or not p.id.startswith("K8S-"):
            continue
        if p.id in wanted or (severities and str(p.severity) in severities):
            out.append(p)
    return tuple(out)


def today(cache: ParseCache) -> dt.date:
    """The date waiver expiry is judged against: the run's (``--devops-policy-today``,
    pyproject ``today``, ``DEVOPS_POLICY_TODAY``), which the plugin gives the parse cache."""
    return cache.today


# -- the verdicts of one manifest file ------------------------------------------------------


@dataclass(frozen=True)
class GateFinding:
    """An unwaived failure of one gate policy on one object."""

    policy_id: str
    title: str
    line: int  # of the first remaining violation


@dataclass(frozen=True)
class ObjectVerdict:
    findings: tuple[GateFinding, ...] = ()
    undecided: tuple[str, ...] = ()  # gate policies that could not decide (id: why)


@dataclass(frozen=True)
class FileVerdicts:
    by_line: Mapping[int, ObjectVerdict]  # the object's first line -> its verdict
    skipped: str | None = None  # why the file's objects are not judged


class _All:
    """A selection of every policy offered (the gate list has already chosen them)."""

    def selects(self, policy_id: str, name: str) -> bool:
        return True


def judge_file(
    path: str, context: Context, policies: Sequence[Policy], on: dt.date
) -> FileVerdicts:
    """The gate verdicts of each object of one manifest, after its in-file waivers (as of
    ``on``); once per run for each file, policy list and date."""
    return context.cache.memo(_memo, (path, tuple(policies), on, context.all_options))


def _memo(cache: ParseCache, key: tuple[str, tuple[Policy, ...], dt.date, Options]) -> FileVerdicts:
    path, policies, on, options = key
    return _judge(path, Context(options, cache), policies, on)


def _judge(path: str, context: Context, policies: Sequence[Policy], on: dt.date) -> FileVerdicts:
    """(``context`` has no subject, as the analyser's.)"""
    from pytest_devops_policy import kinds
    from pytest_devops_policy.engine.analysis import analyse
    from pytest_devops_policy.engine.registry import build_policy_set
    from pytest_devops_policy.model import ParseError

    fmt = kinds.by_name("kubernetes").format
    parsed = context.cache.get(path, "kubernetes")
    if isinstance(parsed, ParseError):
        return FileVerdicts({}, "does not parse")
    parsed = fmt.adjust(parsed, context)
    if parsed.skip_reason:
        return FileVerdicts({}, str(parsed.skip_reason))
    result = analyse(parsed, build_policy_set([list(policies)], _All()), context)
    source = parsed.source
    waivers = FileWaivers(
        source.relpath, source.lines, inline_waivers(source, fmt.comments(source))
    )
    by_id = {p.id: p for p in policies}
    verdicts: dict[int, ObjectVerdict] = {}
    for resource in result.resources:
        annotations = [
            w
            for ids, attrs in resource.annotations
            if (w := annotation_waiver(ids, attrs, source.relpath, resource.line)).valid
        ]
        findings: list[GateFinding] = []
        undecided: list[str] = []
        for outcome in resource.outcomes:
            policy = by_id[outcome.policy_id]
            if outcome.error is not None:
                undecided.append(f"{policy.id}: the policy failed to run")
            elif outcome.violations:
                whole, scoped = waivers.for_item(
                    policy.id,
                    policy.name,
                    resource.label,
                    resource.waiver_lines,
                    extra=annotations,
                )
                decision = decide(outcome.violations, whole, scoped, waivers.covers, on)
                if decision.waived_by is None:
                    line = min(v.line for v in decision.remaining)
                    findings.append(GateFinding(policy.id, policy.title, line))
            elif outcome.unknowns:
                undecided.append(f"{policy.id}: {outcome.unknowns[0]}")
        verdicts[resource.line] = ObjectVerdict(tuple(findings), tuple(undecided))
    return FileVerdicts(verdicts)


# -- the decision over one job ----------------------------------------------------------------


def _rendering_differs(applied: Applied, obj: Obj, policy_id: str) -> str | None:
    """Why the object kustomize renders may differ from its source for ``policy_id``'s
    verdict: patch changes the static render leaves out, or (for image policies) images
    that a patch or ``images:`` replaces."""
    if obj.via == obj.relpath:
        return None
    for summary in applied.summaries:
        for w in summary.objects:
            if w.relpath != obj.relpath or w.line != obj.line:
                continue
            if w.unapplied:
                return f"{obj.via} patches {', '.join(w.unapplied[:2])}"
            if policy_id in _IMAGE_POLICIES and any(
                c.image_from != "manifest" for c in w.containers
            ):
                return f"{obj.via} replaces its images"
    return None


def _shown(obj: Obj) -> str:
    via = f", via {obj.via}" if obj.via != obj.relpath else ""
    return f"{obj.kind}/{obj.name or '?'} ({obj.relpath}:{obj.line}{via})"


def check_gates(
    view: JobView,
    cache: ParseCache,
    index: XrefIndex,
    context: Context,
    settings: Settings,
    gates: Sequence[str],
    on: dt.date,
) -> list[Outcome]:
    """XREF-010 over one production deploy job's events (see the module docstring)."""
    policies = gate_policies(gates)
    reader = ManifestReader(view, cache, index)
    shown_gates = ", ".join(gates)
    out: list[Outcome] = []
    for position, e in deploy_events(view.events):
        if e not in gate_events([e]):
            continue
        applied = reader.applied(e, position)
        unknown = list(dict.fromkeys(applied.unknown))
        failing: list[tuple[Obj, GateFinding]] = []
        seen: set[tuple[str, int]] = set()
        for obj in applied.objects:
            if (obj.relpath, obj.line) in seen:
                continue
            seen.add((obj.relpath, obj.line))
            verdicts = judge_file(os.path.join(view.root, obj.relpath), context, policies, on)
            if verdicts.skipped is not None:
                why = f"{obj.relpath} ({verdicts.skipped})"
                if why not in unknown:
                    unknown.append(why)
                continue
            verdict = verdicts.by_line.get(obj.line)
            if verdict is None:
                continue  # no gate policy applies to this kind
            for f in verdict.findings:
                differs = _rendering_differs(applied, obj, f.policy_id)
                if differs is None:
                    failing.append((obj, f))
                else:
                    unknown.append(f"{_shown(obj)} fails {f.policy_id} as written, but {differs}")
            unknown += [f"{_shown(obj)} {u}" for u in verdict.undecided]
        label = view.label(e.origin)
        here = view.where(e.origin)
        if failing:
            out.append(_failure(e, label, here, failing, unknown, shown_gates, settings))
        elif unknown:
            out.append(
                Outcome(
                    "unknown",
                    f"{label}: {e.origin.text.strip()} ({here}) applies objects whose gate "
                    f"verdicts cannot be read: {'; '.join(unknown[:4])}"
                    + (f" and {len(unknown) - 4} more" if len(unknown) > 4 else ""),
                    e.origin,
                )
            )
    return out


def _failure(
    e: DeployEvent,
    label: str,
    here: str,
    failing: list[tuple[Obj, GateFinding]],
    unknown: list[str],
    shown_gates: str,
    settings: Settings,
) -> Outcome:
    listed = "; ".join(
        f"{_shown(o)} -> {f.policy_id} {f.title}"
        + (f" (line {f.line})" if f.line != o.line else "")
        for o, f in failing[:MAX_LISTED]
    )
    more = f"; and {len(failing) - MAX_LISTED} more" if len(failing) > MAX_LISTED else ""
    also = f" Not read: {'; '.join(unknown[:2])}." if unknown else ""
    first = failing[0][1].policy_id
    status: Literal["fail", "unknown"] = "fail" if settings.trusted else "unknown"
    return Outcome(
        status,
        f"{label}: {e.origin.text.strip()} ({here}) deploys to production objects that fail "
        f"the deploy gates (xref.gate_policies: {shown_gates}): {listed}{more}. The cluster "
        "gets what the K8S items reject; the verdicts are the K8S policies' own, recomputed "
        f"for the applied objects with the manifests' inline and annotation waivers.{also} "
        "Link: the paths the command applies (high confidence). Fix: correct the manifests "
        "(the K8S items say how), or waive the K8S finding in the manifest (an inline "
        f"'# devops-policy: ignore[{first}] reason=\"...\"' comment or the object's "
        "devops-policy.io/ignore annotation): a waiver in pyproject.toml does not clear "
        "XREF-010",
        e.origin,
        tuple(dict.fromkeys(f"{here} -> {o.relpath}:{o.line}" for o, _ in failing)),
    )
