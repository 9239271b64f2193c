"""GitHub Actions workflows as ``Workflow`` and ``Job`` subjects (catalog §3.1/§3.2).

* YAML 1.2 scalars (``on:`` stays the string key ``"on"``), aliases resolved
  by the loader; duplicate keys are a parse error, as they are for GitHub.
* ``on`` becomes ``Triggers`` (``triggers.py``); ``uses`` values become
  ``UsesRef`` (``uses.py``); ``${{ }}`` expressions are parsed in ``expressions.py``.
* ``needs`` is normalised to a tuple; an unknown job id or a cycle is a parse
  error (§3.2-5). The workflow keeps the transitive closure.
* ``parse`` returns a ``WorkflowFile``: the subjects plus the typed workflow.

Reading the other workflows of a repository (reusable-workflow callees) is
run-wide I/O, in ``indexes.workflows``. Nothing here executes anything from the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.github_actions.expressions import has_expression
from pytest_devops_policy.formats.github_actions.triggers import parse_triggers
from pytest_devops_policy.formats.github_actions.uses import UsesRef, parse_uses
from pytest_devops_policy.formats.github_actions.values import as_mapping, as_text
from pytest_devops_policy.formats.yamlload import Document, load_documents
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.workflows import WorkflowIndex  # noqa: F401 (a base class's type)

__all__ = [
    "KIND",
    "Environment",
    "Job",
    "Permissions",
    "Step",
    "Workflow",
    "WorkflowFile",
    "parse",
]

KIND = "github-actions"
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Permissions:
    """A ``permissions`` key as written (at workflow or job level).

    ``kind``: ``absent`` (no key), ``null`` (``permissions:`` with no value),
    ``read-all``, ``write-all``, ``none`` (``{}``), ``scopes`` (a mapping) or
    ``invalid``. Once any scope is listed, unlisted scopes are ``none``.
    """

    present: bool
    raw: Any = None

    @property
    def declared(self) -> bool:
        """A usable declaration: the key is present and not null."""
        return self.present and self.raw is not None

    @property
    def kind(self) -> str:
        if not self.present:
            return "absent"
        raw = self.raw
        if raw is None:
            return "null"
        if isinstance(raw, dict):
            return "scopes" if raw else "none"
        if raw in ("read-all", "write-all"):
            return str(raw)
        return "invalid"

    def scope(self, name: str) -> str:
        """The access of one scope: ``read``, ``write`` or ``none`` (``unknown`` if undeclared)."""
        kind = self.kind
        if kind == "read-all":
            return "read"
        if kind == "write-all":
            return "write"
        if kind in ("none", "scopes"):
            return str(self.raw.get(name, "none"))
        return "unknown"

    @property
    def scopes(self) -> Mapping[str, str]:
        return {str(k): str(v) for k, v in self.raw.items()} if self.kind == "scopes" else {}


@dataclass(frozen=True)
class Environment:
    """``environment:`` as a string, a ``{name, url}`` mapping, or an expression.

    ``name`` is the literal name, or ``None`` when it is ``dynamic`` (contains
    ``${{ }}``) or missing; ``text`` is the name as written.
    """

    text: str
    dynamic: bool
    url: str | None = None

    @property
    def name(self) -> str | None:
        return None if self.dynamic or not self.text else self.text

    def describe(self) -> str:
        if self.dynamic:
            return f"environment '{self.text}' (dynamic)"
        return f"environment '{self.text}'" if self.text else "environment (no name)"


def _environment(value: Any) -> Environment | None:
    if value is None:
        return None
    if isinstance(value, dict):
        name = as_text(value.get("name")) or ""
        return Environment(name, has_expression(name), as_text(value.get("url")))
    text = as_text(value) or ""
    return Environment(text, has_expression(text))


# --------------------------------------------------------------------------
# steps, jobs, workflows


class Step:
    """One entry of ``jobs.<id>.steps``. ``index`` is 0-based (key paths); ``number`` 1-based."""

    def __init__(self, index: int, raw: Mapping[str, Any], line: int, col: int) -> None:
        self.index = index
        self.raw = raw
        self.line = line
        self.col = col
        self.name = as_text(raw.get("name"))
        self.id = as_text(raw.get("id"))
        uses = as_text(raw.get("uses"))
        self.uses: UsesRef | None = parse_uses(uses) if uses is not None else None
        run = raw.get("run")
        self.run: str | None = as_text(run) if run is not None else None
        self.shell = as_text(raw.get("shell"))
        self.with_: Mapping[str, Any] = as_mapping(raw.get("with"))
        self.env: Mapping[str, Any] = as_mapping(raw.get("env"))
        self.if_ = as_text(raw.get("if"))
        self.continue_on_error: Any = raw.get("continue-on-error", False)
        self.timeout_minutes: Any = raw.get("timeout-minutes")
        self.working_directory = as_text(raw.get("working-directory"))

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def label(self) -> str:
        """``step 3`` or ``step 3 ('Deploy')`` for messages."""
        title = self.name or self.id
        return f"step {self.number} ('{title}')" if title else f"step {self.number}"

    def path(self, *keys: PathPart) -> Path:
        """A key path relative to the job: ``("steps", index, *keys)``."""
        return ("steps", self.index, *keys)

    def __repr__(self) -> str:
        return f"<Step {self.number} line {self.line}>"


class Workflow(Subject["WorkflowIndex"]):
    """The whole workflow file (workflow-level policies), and the job graph."""

    kind: ClassVar[str] = KIND
    key: ClassVar[str] = "workflow"

    def __init__(self, source: Source, document: Document, line: int, col: int) -> None:
        super().__init__(source, "workflow", line, col)
        raw: dict[str, Any] = document.value
        self.document = document
        self.raw = raw
        self.name = as_text(raw.get("name"))
        self.run_name = as_text(raw.get("run-name"))
        self.on = parse_triggers(raw.get("on"), document)
        self.permissions = Permissions("permissions" in raw, raw.get("permissions"))
        self.env: Mapping[str, Any] = as_mapping(raw.get("env"))
        self.defaults: Mapping[str, Any] = as_mapping(raw.get("defaults"))
        self.concurrency: Any = raw.get("concurrency")
        self.jobs: dict[str, Job] = {}
        self._closure: dict[str, frozenset[str]] = {}
        pos = document.locate(("jobs",))
        self.jobs_line = pos[0] if pos else line

    def dispose(self) -> None:
        # Each job points back here (``Job.workflow``): without the jobs, no cycle is left.
        self.jobs = {}
        self._closure = {}

    @property
    def is_reusable(self) -> bool:
        """Callable by other workflows (``on: workflow_call``)."""
        return "workflow_call" in self.on

    @property
    def only_reusable(self) -> bool:
        """``workflow_call`` is the only trigger, so permissions always come from a caller."""
        return self.on.names == ("workflow_call",)

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return self.document.locate(tuple(path))

    def waiver_lines(self) -> Iterable[int]:
        # A comment above `jobs:` is the catalog's workflow-wide waiver.
        return tuple(dict.fromkeys((self.line, self.jobs_line)))

    def needs_closure(self, job_id: str) -> frozenset[str]:
        """Every job ``job_id`` waits for, directly or transitively."""
        return self._closure.get(job_id, frozenset())

    def dependents(self, job_id: str, transitive: bool = False) -> list[Job]:
        """Jobs that need ``job_id`` (directly, or at any distance)."""
        return [
            j
            for j in self.jobs.values()
            if (job_id in self.needs_closure(j.id) if transitive else job_id in j.needs)
        ]

    def _compute_closure(self) -> None:
        state: dict[str, int] = {}  # 1 = visiting, 2 = done
        stack: list[str] = []
        for jid in self.jobs:
            self._visit_needs(jid, state, stack)

    # A method, not a closure calling itself: that would be a reference cycle holding the
    # workflow until the cyclic collector runs (paused while files are analysed).
    def _visit_needs(self, jid: str, state: dict[str, int], stack: list[str]) -> frozenset[str]:
        if state.get(jid) == 2:
            return self._closure[jid]
        if state.get(jid) == 1:
            cycle = [*stack[stack.index(jid) :], jid]
            job = self.jobs[jid]
            raise ParseError(
                "jobs form a 'needs' cycle: " + " -> ".join(cycle), *job.needs_position()
            )
        state[jid] = 1
        stack.append(jid)
        acc: set[str] = set()
        for dep in self.jobs[jid].needs:
            acc.add(dep)
            acc |= self._visit_needs(dep, state, stack)
        stack.pop()
        state[jid] = 2
        self._closure[jid] = frozenset(acc)
        return self._closure[jid]


class Job(Subject["WorkflowIndex"]):
    """One entry of ``jobs``; ``workflow`` gives the rest of the file."""

    kind: ClassVar[str] = KIND
    key: ClassVar[str] = "job"

    def __init__(
        self, workflow: Workflow, job_id: str, raw: dict[str, Any], line: int, col: int
    ) -> None:
        super().__init__(workflow.source, f"job:{job_id}", line, col)
        self.workflow = workflow
        self.id = job_id
        self.raw = raw
        self.name = as_text(raw.get("name"))
        self.runs_on: Any = raw.get("runs-on")
        self.needs = self._needs(raw.get("needs"))
        self.if_ = as_text(raw.get("if"))
        self.environment = _environment(raw.get("environment"))
        self.permissions = Permissions("permissions" in raw, raw.get("permissions"))
        uses = as_text(raw.get("uses"))
        self.uses: UsesRef | None = parse_uses(uses) if uses is not None else None
        self.with_: Mapping[str, Any] = as_mapping(raw.get("with"))
        self.secrets: Any = raw.get("secrets")
        self.concurrency: Any = raw.get("concurrency")
        self.timeout_minutes: Any = raw.get("timeout-minutes")
        self.strategy: Mapping[str, Any] = as_mapping(raw.get("strategy"))
        self.continue_on_error: Any = raw.get("continue-on-error", False)
        self.env: Mapping[str, Any] = as_mapping(raw.get("env"))
        self.container: Any = raw.get("container")
        self.services: Mapping[str, Any] = as_mapping(raw.get("services"))
        self.outputs: Mapping[str, Any] = as_mapping(raw.get("outputs"))
        self.steps = self._steps(raw.get("steps"))
        # (classifier config, its verdict): set by knowledge.ci.classify.classify_job, so a job is
        # classified once per run however many policies and other jobs ask.
        self.classified: tuple[Any, Any] | None = None

    # -- construction helpers

    def _pos(self, *path: PathPart) -> tuple[int, int]:
        return self.workflow.document.locate(("jobs", self.id, *path)) or (self.line, self.col)

    def needs_position(self) -> tuple[int, int]:
        return self._pos("needs")

    def _needs(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list):
            out: list[str] = []
            for i, item in enumerate(value):
                t = as_text(item)
                if t is None:
                    raise ParseError(
                        f"job '{self.id}': needs[{i}] must be a job id", *self._pos("needs", i)
                    )
                out.append(t)
            return tuple(dict.fromkeys(out))
        raise ParseError(
            f"job '{self.id}': needs must be a job id or a list of ids", *self._pos("needs")
        )

    def _steps(self, value: Any) -> list[Step]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ParseError(f"job '{self.id}': steps must be a list", *self._pos("steps"))
        steps: list[Step] = []
        for i, item in enumerate(value):
            line, col = self._pos("steps", i)
            if not isinstance(item, dict):
                raise ParseError(f"job '{self.id}': steps[{i}] must be a mapping", line, col)
            steps.append(Step(i, item, line, col))
        return steps

    # -- Subject

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return self.workflow.document.locate(("jobs", self.id, *path))

    def waiver_lines(self) -> Iterable[int]:
        # The job key line, plus `jobs:` for the catalog's workflow-wide waiver.
        return tuple(dict.fromkeys((self.line, self.workflow.jobs_line)))

    # -- model helpers

    @property
    def display(self) -> str:
        """``job 'build'`` or ``job 'build' ('Build and test')`` for messages."""
        if self.name and self.name != self.id:
            return f"job '{self.id}' ('{self.name}')"
        return f"job '{self.id}'"

    @property
    def is_caller(self) -> bool:
        """A reusable-workflow caller (``jobs.<id>.uses``)."""
        return self.uses is not None

    @property
    def effective_permissions(self) -> Permissions:
        """Job-level permissions replace workflow-level ones; there is no merge."""
        return self.permissions if self.permissions.declared else self.workflow.permissions

    @cached_property
    def needs_closure(self) -> frozenset[str]:
        return self.workflow.needs_closure(self.id)

    def step_by_id(self, step_id: str) -> Step | None:
        for s in self.steps:
            if s.id == step_id:
                return s
        return None

    def env_value(self, name: str, step: Step | None = None) -> tuple[Any, Path] | None:
        """The ``env`` value a step sees for ``name`` (step > job > workflow), with its path.

        The path is relative to the job for step/job env and absolute
        (``("env", name)``) for workflow env; callers use it for messages only.
        """
        if step is not None and name in step.env:
            return step.env[name], step.path("env", name)
        if name in self.env:
            return self.env[name], ("env", name)
        if name in self.workflow.env:
            return self.workflow.env[name], ("env", name)
        return None


def _first_key_position(doc: Document) -> tuple[int, int]:
    value = doc.value
    if isinstance(value, dict) and value:
        first = next(iter(value))
        pos = doc.lines.get((first,))
        if pos:
            return pos
    return doc.lines.get((), (doc.start_line, 1))


@dataclass
class WorkflowFile(ParsedFile):
    """A parsed workflow file: its subjects, plus the ``Workflow`` and its YAML document
    (both ``None`` when the file is skipped as not a workflow)."""

    workflow: Workflow | None = None
    document: Document | None = None

    def release(self, final: bool = False) -> None:
        super().release(final)
        if final and self.workflow is not None:
            self.workflow.dispose()


def _skipped(source: Source, reason: str) -> WorkflowFile:
    return WorkflowFile(source=source, kind=KIND, subjects=[], skip_reason=reason)


def _type_name(value: object) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"


def _not_a_workflow(source: Source) -> WorkflowFile:
    return WorkflowFile(source=source, kind=KIND, subjects=[], recognised=False)


def is_sniffed_workflow(docs: Sequence[Document]) -> bool:
    """A workflow found outside ``.github/workflows`` (``gha.workflow_dirs``, catalog §3.1):
    one document whose top level holds a ``jobs`` mapping and an ``on`` key. (A YAML 1.1
    loader turns ``on`` into ``True``; this one keeps the string key.)"""
    if len(docs) != 1 or not isinstance(docs[0].value, dict):
        return False
    value = docs[0].value
    return isinstance(value.get("jobs"), dict) and "on" in value


def parse(source: Source, sniffed: bool = False) -> WorkflowFile:
    """Parse a workflow file into a ``Workflow`` subject plus one ``Job`` subject per job.

    ``sniffed``: the file is not in ``.github/workflows`` but in a directory the options
    name; one that is no workflow by content is not recognised (dropped quietly)."""
    docs = load_documents(source.text, yaml11=False)
    if sniffed and not is_sniffed_workflow(docs):
        return _not_a_workflow(source)
    if not docs:
        return _skipped(source, "not a workflow: the file holds no YAML document")
    if len(docs) > 1:
        raise ParseError(
            "a workflow file must hold a single YAML document, found another one here",
            docs[1].start_line,
        )
    doc = docs[0]
    value = doc.value
    if not isinstance(value, dict):
        return _skipped(
            source, f"not a workflow: the top level is {_type_name(value)}, not a mapping"
        )
    if "jobs" not in value:
        return _skipped(source, "not a workflow: there is no top-level 'jobs' mapping")
    if not isinstance(value["jobs"], dict):
        return _skipped(
            source, f"not a workflow: 'jobs' is {_type_name(value['jobs'])}, not a mapping"
        )
    if doc.duplicate_keys:
        path, line = doc.duplicate_keys[0]
        shown = ".".join(str(p) for p in path)
        raise ParseError(f"duplicate key '{shown}' (GitHub rejects the workflow)", line)

    wline, wcol = _first_key_position(doc)
    workflow = Workflow(source, doc, wline, wcol)
    for job_id, raw in value["jobs"].items():
        pos = doc.locate(("jobs", job_id)) or (wline, 1)
        if not isinstance(raw, dict):
            raise ParseError(f"job '{job_id}' must be a mapping, not {_type_name(raw)}", *pos)
        workflow.jobs[job_id] = Job(workflow, job_id, raw, *pos)
    for job in workflow.jobs.values():
        for i, dep in enumerate(job.needs):
            if dep not in workflow.jobs:
                where = doc.locate(("jobs", job.id, "needs", i)) or job.needs_position()
                raise ParseError(f"job '{job.id}' needs unknown job '{dep}'", *where)
    workflow._compute_closure()
    subjects: list[Subject[Any]] = [workflow, *workflow.jobs.values()]
    return WorkflowFile(
        source=source, kind=KIND, subjects=subjects, workflow=workflow, document=doc
    )
