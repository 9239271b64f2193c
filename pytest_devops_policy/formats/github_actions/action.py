"""Actions' metadata files (``action.yml``/``action.yaml``, catalog §3.1) as subjects.

A file of that name is an action when its top level holds a ``runs`` mapping with a
``using`` key; any other file of that name (a test fixture, some tool's config) is not
recognised and dropped quietly. A composite action (``runs.using: composite``) gives one
subject, ``ActionJob``, whose steps are ``runs.steps``: it is a ``Job`` of the stand-in
workflow ``Action``, so the step-level job policies (``kinds.COMPOSITE_ACTION_POLICIES``)
read it unchanged; key paths relative to it (``("steps", 0, "run")``) locate under
``runs``. JavaScript and Docker actions have no steps: they are recognised, with no
subject. Nothing here executes anything from the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.github_actions.values import as_mapping, as_text
from pytest_devops_policy.formats.github_actions.workflow import KIND, Job, Workflow
from pytest_devops_policy.formats.yamlload import Document, load_documents
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

__all__ = ["Action", "ActionFile", "ActionJob", "is_action_document", "parse_action"]


class Action(Workflow):
    """An action's metadata. It stands in for the workflow of its steps (``job.workflow``):
    no triggers, no workflow ``env``, no permissions, no jobs. ``inputs`` are the action's
    inputs (set by the calling workflow: GHA-008 reads ``inputs.*`` as it does a
    ``workflow_call`` input's)."""

    def __init__(self, source: Source, document: Document, line: int, col: int) -> None:
        super().__init__(source, document, line, col)
        self.label = "action"
        raw = self.raw
        self.description = as_text(raw.get("description"))
        self.inputs: Mapping[str, Any] = as_mapping(raw.get("inputs"))
        self.outputs: Mapping[str, Any] = as_mapping(raw.get("outputs"))
        self.runs: Mapping[str, Any] = as_mapping(raw.get("runs"))
        self.using = (as_text(self.runs.get("using")) or "").strip()
        pos = document.locate(("runs",))
        self.runs_line, self.runs_col = pos if pos else (line, col)

    @property
    def is_composite(self) -> bool:
        return self.using.lower() == "composite"

    @property
    def display(self) -> str:
        """``composite action 'Setup'`` (its ``name``) or ``composite action <dir>``."""
        what = "composite action" if self.is_composite else f"action ({self.using})"
        if self.name:
            return f"{what} '{self.name}'"
        directory = self.source.relpath.rpartition("/")[0] or "."
        return f"{what} {directory}"


class ActionJob(Job):
    """A composite action's ``runs.steps``, judged like a job's steps (node id
    ``<path>/action.yml::action::<policy>``). Job-level fields are empty: an action has no
    ``runs-on``, ``needs``, ``environment``, ``permissions``, ``env`` or container."""

    key: ClassVar[str] = "action"

    def __init__(self, action: Action) -> None:
        # The ``runs`` mapping plays the job's part: ``steps`` is the only job key it holds.
        runs = {"steps": action.runs.get("steps")}
        super().__init__(action, "action", runs, action.runs_line, action.runs_col)
        self.label = "action"
        self.action = action
        self.name = action.name

    def _pos(self, *path: PathPart) -> tuple[int, int]:
        return self.action_locate(path) or (self.line, self.col)

    def action_locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        # ``self.workflow`` is the action (set before the steps are read).
        return self.workflow.document.locate(("runs", *path))

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return self.action_locate(path)

    def waiver_lines(self) -> Iterable[int]:
        # ``runs:`` plays the job key's part; the first line, the workflow-wide one.
        return tuple(dict.fromkeys((self.line, self.workflow.line)))

    @property
    def display(self) -> str:
        action = self.workflow
        return action.display if isinstance(action, Action) else "composite action"


@dataclass
class ActionFile(ParsedFile):
    """A parsed action metadata file (``action`` is ``None`` when it is not an action)."""

    action: Action | None = None
    document: Document | None = None


def is_action_document(value: object) -> bool:
    """An action's metadata: a top-level ``runs`` mapping with ``using``."""
    if not isinstance(value, dict):
        return False
    runs = value.get("runs")
    return isinstance(runs, dict) and "using" in runs


def _not_an_action(source: Source) -> ActionFile:
    return ActionFile(source=source, kind=KIND, subjects=[], recognised=False)


def parse_action(source: Source) -> ActionFile:
    """Parse ``action.yml``: an ``ActionJob`` subject for a composite action."""
    docs = load_documents(source.text, yaml11=False)
    if len(docs) != 1 or not is_action_document(docs[0].value):
        return _not_an_action(source)  # some other file that happens to have that name
    doc = docs[0]
    if doc.duplicate_keys:
        path, line = doc.duplicate_keys[0]
        shown = ".".join(str(p) for p in path)
        raise ParseError(f"duplicate key '{shown}' (GitHub rejects the action)", line)
    value = doc.value
    first = next(iter(value))
    line, col = doc.lines.get((first,), (doc.start_line, 1))
    action = Action(source, doc, line, col)
    subjects: list[Subject[Any]] = []
    if action.is_composite:
        steps = action.runs.get("steps")
        if not isinstance(steps, list):
            where = doc.locate(("runs", "steps")) or (action.runs_line, action.runs_col)
            raise ParseError("a composite action's runs.steps must be a list of steps", *where)
        subjects.append(ActionJob(action))
    return ActionFile(source=source, kind=KIND, subjects=subjects, action=action, document=doc)
