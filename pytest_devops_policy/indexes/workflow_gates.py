"""What gates a GitHub Actions deploy job: tests and scans before it, verification after it.

Shared by GHA-012 (environment), GHA-013 (tests), GHA-014 (scans) and GHA-017
(verification). The pieces:

* ``job_class`` (``knowledge.ci.deploys``, shared by every deploy-discipline policy): the
  classifier's verdict, with local reusable workflows resolved (a caller job deploys when
  its callee's jobs do, §3.3 (e)).
* ``can_run_after``: can a job still run when a job it needs failed (or was
  skipped)? Evaluated on the ``if:`` expressions with three-valued logic
  (``conditions.py``), following the skip down the ``needs`` graph: GitHub skips a
  job whose needs failed unless its ``if:`` says otherwise (``always()``,
  ``!cancelled()``, ``failure()``...).
* ``leaves``: the jobs that really deploy behind a job. A local reusable-workflow
  caller stands for its callee's deploy jobs (recursively); what the caller's own
  workflow contributes (the jobs the caller needs, or the jobs that need it) is
  inherited by each of them, since the whole called workflow runs when the
  caller job runs.
* ``workflow_run_guard``: the "deploy after CI succeeded" pattern (§7.2-9).

Where a reusable workflow's deploy job is judged (so a defect is reported once):

* in its own file, always, when its workflow also has triggers of its own;
* when the workflow is only ``on: workflow_call``, GHA-013/014/017 pass it there if
  a caller in the repository is judged instead (``callers``), and are UNKNOWN when
  no caller is in the repository: the gate is decided by callers we cannot see;
* on the caller, naming the callee job and its file:line, for callee jobs that are
  not judged in their own file (``judged_elsewhere``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.indexes.workflows import WorkflowIndex
from pytest_devops_policy.knowledge.ci.classify import ClassifierConfig, JobClass
from pytest_devops_policy.knowledge.ci.conditions import (
    FAILED,
    SUCCEEDED,
    UNKNOWN,
    condition_outcome,
)
from pytest_devops_policy.knowledge.ci.deploys import (
    callee_of,
    classifier_config,
    is_deploy,
    job_class,
    why_deploy,
)
from pytest_devops_policy.knowledge.ci.jobs import StepHit
from pytest_devops_policy.knowledge.ci.patterns import CommandPattern
from pytest_devops_policy.knowledge.ci.segments import command_segments

__all__ = [
    "SKIPPED",
    "Gate",
    "Leaf",
    "callee_of",
    "callers",
    "can_run_after",
    "classifier",
    "describe_deploy",
    "in_run",
    "is_deploy",
    "job_class",
    "judged_elsewhere",
    "leaves",
    "truthy_setting",
    "where",
    "workflow_index",
    "workflow_run_guard",
    "workflow_run_sources",
]

# Status functions when a needed job was skipped (not failed): only always() holds.
SKIPPED = {"failure": False, "success": False, "always": True, "cancelled": False}
_MAX_DEPTH = 5  # reusable workflows nest at most 4 levels deep on GitHub


classifier = classifier_config


def workflow_index(job: Job, context: Context) -> WorkflowIndex | None:
    index: WorkflowIndex | None = context.index(job)
    return index


def callers(workflow: Workflow, context: Context) -> list[Job]:
    """Jobs of the repository's workflows that call ``workflow`` (``uses: ./…``)."""
    jobs = list(workflow.jobs.values())
    if not jobs:
        return []
    index = workflow_index(jobs[0], context)
    if index is None:
        return []
    return [
        j
        for wf in index.workflows.values()
        for j in wf.jobs.values()
        if j.uses is not None and index.resolve(j.uses) is workflow
    ]


def in_run(context: Context, path: str) -> bool:
    """Whether the run checks ``path`` (so its own items report what is wrong in it)."""
    real = os.path.realpath(path)
    for root in context.cache.roots:
        r = os.path.realpath(root)
        if real == r or real.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


def where(job: Job) -> str:
    """``job 'deploy' (.github/workflows/deploy.yml:12)`` for messages about another file."""
    return f"{job.display} ({job.source.relpath}:{job.line})"


describe_deploy = why_deploy


def truthy_setting(value: Any) -> bool:
    """A literal true ``continue-on-error`` (an expression may be false: not counted)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return value is True


# --------------------------------------------------------------------------
# conditions along the needs graph


def _by_lower(job: Job) -> dict[str, str]:
    return {d.lower(): d for d in job.needs}


def can_run_after(job: Job, source: str, result: str = "failure") -> bool:
    """Can ``job`` run when ``source`` (a job it needs, at any distance) ended with ``result``
    (``failure`` or ``skipped``)? Jobs between them are skipped when their own ``if:`` cannot
    hold, and ``needs.<id>.result`` says so to the jobs after them."""
    after = _After(job.workflow, source, result)
    return condition_outcome(job.if_, after.lookup(job), after.functions) is not False


class _After:
    """The ``needs.<id>.result`` each job between ``source`` and a job would see (an object,
    not mutually recursive closures: those would be a reference cycle holding the workflow)."""

    def __init__(self, wf: Workflow, source: str, result: str) -> None:
        self.wf, self.source, self.result = wf, source, result
        self.functions = FAILED if result == "failure" else SKIPPED
        self.memo: dict[str, Any] = {}

    def res(self, jid: str) -> Any:
        if jid == self.source:
            return self.result
        other = self.wf.jobs.get(jid)
        if other is None or self.source not in other.needs_closure:
            return UNKNOWN
        memo = self.memo
        if jid not in memo:
            memo[jid] = UNKNOWN  # no cycles (the parser rejects them), but stay safe
            ran = condition_outcome(other.if_, self.lookup(other), self.functions)
            memo[jid] = "skipped" if ran is False else UNKNOWN
        return memo[jid]

    def lookup(self, of: Job) -> Callable[[tuple[str, ...]], Any]:
        direct = _by_lower(of)
        res = self.res

        def ctx(path: tuple[str, ...]) -> Any:
            if len(path) == 3 and path[0] == "needs" and path[2] == "result":
                dep = direct.get(path[1])
                return res(dep) if dep is not None else None
            return UNKNOWN

        return ctx


def step_runs_after_failure(step: Step) -> bool:
    """Can ``step`` run after an earlier step of its job failed (``if: always()``...)?"""
    return condition_outcome(step.if_, None, FAILED) is not False


def runs_on_success(condition: str | None, context: Callable[[tuple[str, ...]], Any]) -> bool:
    """Can a step or job with this ``if:`` run when everything before it succeeded?"""
    return condition_outcome(condition, context, SUCCEEDED) is not False


# --------------------------------------------------------------------------
# reusable workflows: the jobs that really deploy


@dataclass(frozen=True)
class Gate:
    """Something that gates a deploy: a test or scan job before it, a verification after it."""

    what: str
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Leaf:
    """A job that deploys itself (not through a local reusable workflow), reached from the
    judged job; ``gates`` holds what its callers' workflows contribute plus its own."""

    job: Job
    gates: tuple[Gate, ...] = ()
    notes: tuple[str, ...] = ()
    # why it cannot be followed: a remote or missing reusable workflow
    unresolved: str | None = None
    via: tuple[Job, ...] = field(default=())  # callers between the judged job and this one


def leaves(
    job: Job,
    context: Context,
    collect: Callable[[Job, bool], tuple[list[Gate], list[str]]],
    inherited: Sequence[Gate] = (),
    notes: Sequence[str] = (),
    via: tuple[Job, ...] = (),
) -> list[Leaf]:
    """The deploying jobs behind ``job`` with their gates.

    ``collect(job, leaf)`` gives the gates (and near misses) ``job``'s own workflow
    contributes; ``leaf`` is true when ``job`` deploys itself, so its steps count too.
    """
    if job.uses is None or len(via) >= _MAX_DEPTH:
        own, why = collect(job, True)
        return [Leaf(job, (*inherited, *own), (*notes, *why), None, via)]
    own, why = collect(job, False)
    gates, more = (*inherited, *own), (*notes, *why)
    if job.uses.kind != "local-workflow":
        reason = f"it calls the remote reusable workflow '{job.uses.raw}'"
        return [Leaf(job, gates, more, reason, via)]
    callee = callee_of(job, context)
    if callee is None:
        reason = f"the reusable workflow '{job.uses.raw}' is not in the repository"
        return [Leaf(job, gates, more, reason, via)]
    deploys = [j for j in callee.jobs.values() if is_deploy(j, context)]
    if not deploys:  # a deploy job by its name only: the caller is all we know
        return [Leaf(job, gates, more, None, via)]
    out: list[Leaf] = []
    for d in deploys:
        out += leaves(d, context, collect, gates, more, (*via, job))
    return out


def judged_elsewhere(leaf: Leaf, judged: Job, context: Context) -> bool:
    """A callee deploy job that its own file's item judges, so the caller does not report it:
    its workflow has triggers of its own and its file is in the run."""
    wf = leaf.job.workflow
    if wf is judged.workflow:
        return False
    return not wf.only_reusable and in_run(context, wf.source.path)


# --------------------------------------------------------------------------
# on: workflow_run


def workflow_run_sources(workflow: Workflow, index: WorkflowIndex | None) -> list[Workflow]:
    """The workflows ``on: workflow_run: workflows: [...]`` names, found in the repository by
    their ``name:`` (or, for an unnamed workflow, its file path or name, which GitHub shows)."""
    trigger = workflow.on.get("workflow_run")
    if trigger is None or index is None:
        return []
    wanted = trigger.filter("workflows") or ()
    found: list[Workflow] = []
    for rel, wf in index.workflows.items():
        names = {wf.name} if wf.name else {rel, rel.rsplit("/", 1)[-1], _stem(rel)}
        if any(w in names for w in wanted) and wf not in found:
            found.append(wf)
    return found


def _stem(rel: str) -> str:
    base = rel.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0]


def _conclusion_failed(path: tuple[str, ...]) -> Any:
    if path == ("github", "event", "workflow_run", "conclusion"):
        return "failure"
    return UNKNOWN


def workflow_run_guard(job: Job) -> str | None:
    """The ``if:`` that keeps ``job`` from running when the triggering run failed: its own, or
    one of a job it needs (which is then skipped, and so is ``job`` unless ``always()``)."""
    if condition_outcome(job.if_, _conclusion_failed, SUCCEEDED) is False:
        return f"{job.display} has if: {job.if_}"
    wf = job.workflow
    for jid in _ordered(wf, job.needs_closure):
        up = wf.jobs[jid]
        if condition_outcome(up.if_, _conclusion_failed, SUCCEEDED) is False and not (
            can_run_after(job, jid, "skipped")
        ):
            return f"{up.display}, which it needs, has if: {up.if_}"
    return None


def _ordered(wf: Workflow, ids: Iterable[str]) -> list[str]:
    wanted = set(ids)
    return [j for j in wf.jobs if j in wanted]


def ordered_needs(job: Job) -> list[Job]:
    """The jobs ``job`` needs, directly or not, in file order."""
    wf = job.workflow
    return [wf.jobs[j] for j in _ordered(wf, job.needs_closure)]


def ordered_dependents(job: Job) -> list[Job]:
    """The jobs that need ``job``, directly or not, in file order."""
    return job.workflow.dependents(job.id, transitive=True)


# --------------------------------------------------------------------------
# tests and scans before a deploy (GHA-013, GHA-014)

TEST = "test"
SCAN = "scan"
# What a `cmd || <this>` turns into success, hiding the command's failure.
_SWALLOW = ("true", ":", "exit 0", "echo", "printf")


def _swallowed(run: str, patterns: Sequence[CommandPattern]) -> bool:
    """Every matching command in the script is followed by ``|| true`` (or echo...)."""
    segments = command_segments(run)
    found = False
    for i, seg in enumerate(segments):
        if not any(p.regex.match(seg.text) for p in patterns):
            continue
        found = True
        nxt = segments[i + 1].text.strip() if i + 1 < len(segments) else ""
        if not (seg.next_op == "||" and (nxt in _SWALLOW or nxt.startswith(_SWALLOW[3:]))):
            return False
    return found


def _counted_steps(
    job: Job, hits: Iterable[StepHit], kind: str, cfg: ClassifierConfig
) -> tuple[list[StepHit], list[str]]:
    """The hits whose failure fails the job: not continue-on-error, not ``|| true``."""
    patterns = cfg.test_commands if kind == TEST else cfg.scan_commands
    kept: list[StepHit] = []
    notes: list[str] = []
    for h in hits:
        step = job.steps[h.index]
        if truthy_setting(step.continue_on_error):
            notes.append(f"{job.display} {h.label} runs '{h.what}' with continue-on-error: true")
        elif h.via == "run" and step.run and _swallowed(step.run, patterns):
            notes.append(f"{job.display} {h.label} runs '{h.what}' but '|| …' hides its failure")
        else:
            kept.append(h)
    return kept, notes


def _hits(jc: JobClass, kind: str) -> tuple[StepHit, ...]:
    return jc.test_steps if kind == TEST else jc.scan_steps


def _gate_of(job: Job, hits: Sequence[StepHit], kind: str) -> Gate:
    cats = frozenset(c for h in hits for c in h.categories)
    if hits:
        role = "tests" if kind == TEST else "security scan: " + ", ".join(sorted(cats))
        return Gate(f"{job.display}: {hits[0].describe(role)}", cats)
    return Gate(f"{job.display} (its id names a test job)", cats)


def gating_job(
    job: Job, context: Context, kind: str, depth: int = 0
) -> tuple[Gate | None, list[str]]:
    """Whether ``job`` is a test (or scan) job whose failure fails it: the gate, or near misses."""
    cfg = classifier(context)
    jc = job_class(job, context)
    if truthy_setting(job.continue_on_error):
        if jc.is_test if kind == TEST else jc.scan_steps:
            return None, [f"{job.display} runs {kind}s but has continue-on-error: true"]
        return None, []
    callee = callee_of(job, context)
    if callee is not None and depth < _MAX_DEPTH:
        notes: list[str] = []
        for j in callee.jobs.values():
            gate, why = gating_job(j, context, kind, depth + 1)
            notes += why
            if gate is not None:
                return Gate(
                    f"{job.display} calls '{job.uses.raw if job.uses else ''}', where " + gate.what,
                    gate.categories,
                ), []
        return None, notes
    hits = _hits(jc, kind)
    kept, notes = _counted_steps(job, hits, kind, cfg)
    if kept:
        return _gate_of(job, kept, kind), []
    if kind == TEST and not hits and cfg.test_job.search(job.id):
        return _gate_of(job, (), kind), []
    return None, notes


def upstream_gates(job: Job, context: Context, kind: str) -> tuple[list[Gate], list[str]]:
    """The jobs ``job`` needs (transitively) that gate it: a test/scan job whose failure keeps
    ``job`` from running."""
    gates: list[Gate] = []
    notes: list[str] = []
    for n in ordered_needs(job):
        gate, why = gating_job(n, context, kind)
        notes += why
        if gate is None:
            continue
        if can_run_after(job, n.id, "failure"):
            notes.append(
                f"{job.display} needs {n.display}, but its if: ({job.if_}) lets it run "
                f"when {n.display} fails"
            )
            continue
        gates.append(gate)
    return gates, notes


def in_job_gates(job: Job, context: Context, kind: str) -> tuple[list[Gate], list[str]]:
    """Test/scan steps before the job's first deploy step (any of them when no deploy step is
    recognised: the job deploys by its name or environment, through a script)."""
    cfg = classifier(context)
    jc = job_class(job, context)
    first = min((h.index for h in jc.deploy_steps), default=None)
    hits = [h for h in _hits(jc, kind) if first is None or h.index < first]
    kept, notes = _counted_steps(job, hits, kind, cfg)
    if kept and first is not None and step_runs_after_failure(job.steps[first]):
        step = job.steps[first]
        return [], [
            *notes,
            f"{job.display} {step.label} deploys with if: {step.if_}, so it runs even when "
            f"the {kind} step before it fails",
        ]
    return ([_gate_of(job, kept, kind)] if kept else []), notes


def upstream_collector(
    context: Context, kind: str
) -> Callable[[Job, bool], tuple[list[Gate], list[str]]]:
    def collect(job: Job, leaf: bool) -> tuple[list[Gate], list[str]]:
        gates, notes = upstream_gates(job, context, kind)
        if leaf:
            more, why = in_job_gates(job, context, kind)
            gates += more
            notes += why
        return gates, notes

    return collect


def unneeded_gates(job: Job, context: Context, kind: str) -> list[Job]:
    """Test/scan jobs of the workflow that ``job`` does not need (what to add to ``needs``)."""
    wf = job.workflow
    out = []
    for other in wf.jobs.values():
        if other is job or other.id in job.needs_closure or job.id in other.needs_closure:
            continue
        if is_deploy(other, context):
            continue  # tests after its own deploy step: not a job to wait for
        if gating_job(other, context, kind)[0] is not None:
            out.append(other)
    return out


def workflow_run_gate(job: Job, context: Context, kind: str) -> tuple[Gate | None, list[str]]:
    """``on: workflow_run`` of a repository workflow that runs tests/scans, with a guard on
    ``github.event.workflow_run.conclusion`` (catalog GHA-013 alternative 1)."""
    wf = job.workflow
    if "workflow_run" not in wf.on:
        return None, []
    sources = workflow_run_sources(wf, workflow_index(job, context))
    if not sources:
        names = ", ".join(wf.on.get("workflow_run").filter("workflows") or ()) or "none"  # type: ignore[union-attr]
        return None, [f"on: workflow_run names workflow(s) ({names}) not found in the repository"]
    gates: list[tuple[Workflow, Gate]] = [
        (src, g)
        for src in sources
        for j in src.jobs.values()
        for g in [gating_job(j, context, kind)[0]]
        if g is not None
    ]
    if not gates:
        shown = ", ".join(f"'{s.name or s.source.relpath}'" for s in sources)
        return None, [f"the workflow(s) {shown} that trigger this one run no {kind} job"]
    src, first = gates[0]
    after = f"workflow '{src.name or src.source.relpath}' ({first.what})"
    guard = workflow_run_guard(job)
    if guard is None:
        return None, [
            f"it runs on workflow_run after {after}, but no if: checks "
            "github.event.workflow_run.conclusion == 'success', so it also runs after a "
            "failed run"
        ]
    cats = frozenset(c for _, g in gates for c in g.categories)
    return Gate(f"on: workflow_run after {after}; {guard}", cats), []


def pushes_protected_refs_only(workflow: Workflow, cfg: ClassifierConfig) -> bool:
    """``on: push`` is the only trigger, restricted to the default branches and/or tags."""
    if workflow.on.names != ("push",):
        return False
    push = workflow.on.get("push")
    if push is None or "branches-ignore" in push.config:
        return False
    branches = push.filter("branches")
    if branches is None:
        return "tags" in push.config or "tags-ignore" in push.config  # tags only
    positive = [b for b in branches if not b.startswith("!")]
    return all(cfg.is_default_branch(b) for b in positive)


@dataclass(frozen=True)
class GateVerdict:
    """What a deploy-gating policy reports: nothing, findings (with the leaves' notes), or why
    it cannot tell."""

    failing: tuple[Leaf, ...] = ()
    unknown: str | None = None
    notes: tuple[str, ...] = ()


def judge_gates(
    job: Job,
    context: Context,
    collect: Callable[[Job, bool], tuple[list[Gate], list[str]]],
    satisfied: Callable[[Sequence[Gate]], bool],
    alternatives: Sequence[Gate] = (),
) -> GateVerdict:
    """Follow ``job`` to the jobs that really deploy and check each is gated.

    ``alternatives`` are workflow-wide gates (workflow_run, required checks) that hold for
    every leaf. A callee job of a workflow that is only ``on: workflow_call`` defers to its
    callers when some are in the repository (they are judged, with what they need), and is
    UNKNOWN otherwise.
    """
    if alternatives and satisfied(alternatives):
        return GateVerdict()
    failing: list[Leaf] = []
    unknown: str | None = None
    for leaf in leaves(job, context, collect, tuple(alternatives)):
        if satisfied(leaf.gates):
            continue
        if leaf.unresolved is not None:
            unknown = unknown or leaf.unresolved
            continue
        if leaf.job is not job and judged_elsewhere(leaf, job, context):
            continue
        failing.append(leaf)
    if failing and job.workflow.only_reusable:
        if callers(job.workflow, context):
            return GateVerdict()  # each caller is judged with what it needs
        return GateVerdict(
            unknown="the workflow only runs on: workflow_call and no workflow of this "
            "repository calls it: its callers decide what runs before it"
        )
    if failing:
        return GateVerdict(tuple(failing))
    if unknown is not None:
        return GateVerdict(unknown=unknown)
    return GateVerdict()
