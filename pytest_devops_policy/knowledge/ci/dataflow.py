"""How untrusted data travels inside a workflow before it reaches a script (GHA-008).

A context is tainted when it is attacker-controlled (``taint.TAINTED``), a workflow input
(``taint.INPUTS``, medium), or when its value was built from such a context along one of the
paths GitHub gives data between ``${{ }}`` expansions:

* ``env.X``: the ``env`` entry the step sees (step > job > workflow), or a ``X=…`` line an
  earlier step of the job appended to ``$GITHUB_ENV``;
* ``steps.<id>.outputs.<name>``: an earlier ``run`` step that writes ``<name>=…`` to
  ``$GITHUB_OUTPUT`` (or the old ``::set-output``) from tainted data, or an action whose
  outputs carry attacker-chosen text (``TAINTED_ACTION_OUTPUTS``);
* ``needs.<job>.outputs.<name>``: the job output's own expression, followed into that job;
* ``matrix.<key>``: a matrix (or one of its values) built from a tainted expression.

Only what a script can *see* counts: a step output written from ``github.sha`` is clean, and
an output of an unknown action is not assumed tainted (precision first). Each hop is followed
at most ``_MAX_DEPTH`` deep, and cycles end the search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import Severity
from pytest_devops_policy.formats.github_actions.expressions import Expression, find_expressions
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.taint import (
    INPUTS,
    TAINTED,
    context_matches,
    flows,
    input_is_typed_safe,
)

__all__ = ["TAINTED_ACTION_OUTPUTS", "Taint", "TaintTracker"]

_MAX_DEPTH = 6

# Actions whose outputs repeat text an outsider chose (file or branch names of a pull
# request), by lowercase owner/repo: the output names, or "*" for all of them.
TAINTED_ACTION_OUTPUTS: Mapping[str, tuple[str, ...]] = {
    "tj-actions/changed-files": ("*",),
    "tj-actions/branch-names": ("current_branch", "head_ref_branch", "ref_branch"),
    "xt0rted/pull-request-comment-branch": ("head_ref", "base_ref"),
    "dorny/paths-filter": ("*_files",),
}

# `name=value` written to $GITHUB_OUTPUT / $GITHUB_ENV on one line (echo, printf, cat <<).
_ASSIGN = re.compile(r"""(?:^|[\s"'(;])([A-Za-z_][\w-]*)(=|<<)""")
_SET_OUTPUT = re.compile(r"::set-output\s+name=([\w-]+)::")
_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Taint:
    """Why a context is dangerous: the original source and the hops it took."""

    source: str  # the untrusted context (github.event.issue.title) or action output
    why: str  # "attacker-controlled", "a workflow input, …"
    severity: Severity | None  # None: the policy's own severity
    via: tuple[str, ...] = ()  # env.TITLE, steps.meta.outputs.title, …

    def describe(self, ctx: str) -> str:
        if not self.via and ctx == self.source:
            return f"{ctx} ({self.why})"
        hops = " <- ".join((ctx, *self.via[1:])) if self.via else ctx
        return f"{hops}, set from {self.source} ({self.why}),"

    def through(self, hop: str) -> Taint:
        return Taint(self.source, self.why, self.severity, (hop, *self.via))


def _lookup(mapping: Mapping[str, Any], name: str) -> tuple[str, Any] | None:
    for key, value in mapping.items():
        if str(key).lower() == name:
            return str(key), value
    return None


def _writes(script: str, target: str) -> Iterator[tuple[str, str]]:
    """(name, rest of the line) for each ``name=…`` a script appends to ``$<target>``."""
    for line in script.splitlines():
        if target in line and ">>" in line:
            for m in _ASSIGN.finditer(line):
                yield m.group(1).lower(), line[m.end() :]
        if target == "GITHUB_OUTPUT":
            for m in _SET_OUTPUT.finditer(line):
                yield m.group(1).lower(), line[m.end() :]


class TaintTracker:
    """Answers "is this context tainted, and how?" for the steps of one job."""

    def __init__(self, job: Job, extra: Sequence[str] = ()) -> None:
        self.job = job
        self.extra = tuple(extra)
        self._jobs: dict[str, Job] = getattr(job.workflow, "jobs", {})

    # -- entry points

    def of_text(self, text: str, step: Step | None) -> Iterator[tuple[Expression, str, Taint]]:
        """(expression, context, taint) for each tainted context an expression in ``text``
        outputs."""
        for expr in find_expressions(text):
            for ctx in flows(expr):
                hit = self.of_context(ctx, step)
                if hit is not None:
                    yield expr, ctx, hit

    def of_context(self, ctx: str, step: Step | None, depth: int = 0) -> Taint | None:
        return self._context(self.job, ctx, step, depth, frozenset())

    # -- the hops

    def _context(
        self, job: Job, ctx: str, step: Step | None, depth: int, seen: frozenset[str]
    ) -> Taint | None:
        for pattern in (*TAINTED, *self.extra):
            if context_matches(ctx, pattern):
                return Taint(ctx, "attacker-controlled", None)
        for pattern in INPUTS:
            if context_matches(ctx, pattern) and not input_is_typed_safe(job.workflow, ctx):
                who = (
                    "an action input, set by the workflow that uses the action"
                    if job.key == "action"
                    else "a workflow input, set by whoever triggers the run"
                )
                return Taint(ctx, who, Severity.MEDIUM)
        key = f"{job.id}:{step.index if step else -1}:{ctx}"
        if depth >= _MAX_DEPTH or key in seen:
            return None
        seen = seen | {key}
        parts = ctx.split(".")
        hit: Taint | None = None
        # Longer paths are fields of the value (fromJSON(steps.x.outputs.y).z): they carry
        # whatever the value carries.
        if parts[0] == "env" and len(parts) >= 2:
            hit = self._env(job, parts[1], step, depth, seen)
        elif parts[0] == "steps" and len(parts) >= 4 and parts[2] == "outputs":
            hit = self._step_output(job, parts[1], parts[3], step, depth, seen)
        elif parts[0] == "needs" and len(parts) >= 4 and parts[2] == "outputs":
            hit = self._job_output(job, parts[1], parts[3], depth, seen)
        elif parts[0] == "matrix" and len(parts) >= 2:
            hit = self._matrix(job, parts[1], depth, seen)
        return hit.through(ctx) if hit is not None else None

    def _expr_taint(
        self, job: Job, text: Any, step: Step | None, depth: int, seen: frozenset[str]
    ) -> Taint | None:
        if not isinstance(text, str):
            return None
        for expr in find_expressions(text):
            for inner in flows(expr):
                hit = self._context(job, inner, step, depth + 1, seen)
                if hit is not None:
                    return hit
        return None

    def _env(
        self, job: Job, name: str, step: Step | None, depth: int, seen: frozenset[str]
    ) -> Taint | None:
        envs = [step.env] if step is not None else []
        for env in (*envs, job.env, job.workflow.env):
            entry = _lookup(env, name)
            if entry is not None:
                return self._expr_taint(job, entry[1], step, depth, seen)
        # An earlier step of the job appended `NAME=…` to $GITHUB_ENV.
        for earlier in self._before(job, step):
            if earlier.run is None:
                continue
            for written, rest in _writes(earlier.run, "GITHUB_ENV"):
                if written == name:
                    hit = self._line_taint(job, earlier, rest, depth, seen)
                    if hit is not None:
                        return hit
        return None

    def _step_output(
        self,
        job: Job,
        step_id: str,
        name: str,
        step: Step | None,
        depth: int,
        seen: frozenset[str],
    ) -> Taint | None:
        producer = next(
            (s for s in self._before(job, step) if s.id and s.id.lower() == step_id), None
        )
        if producer is None:
            return None
        if producer.uses is not None and producer.uses.is_remote:
            names = TAINTED_ACTION_OUTPUTS.get(producer.uses.name.lower(), ())
            if any(
                n == "*" or n == name or (n.startswith("*") and name.endswith(n[1:])) for n in names
            ):
                return Taint(
                    f"steps.{step_id}.outputs.{name}",
                    f"'{producer.uses.name}' repeats names an outsider chose",
                    None,
                )
            return None
        if producer.run is None:
            return None
        for written, rest in _writes(producer.run, "GITHUB_OUTPUT"):
            if written == name:
                hit = self._line_taint(job, producer, rest, depth, seen)
                if hit is not None:
                    return hit
        return None

    def _line_taint(
        self, job: Job, step: Step, rest: str, depth: int, seen: frozenset[str]
    ) -> Taint | None:
        """Taint of the value part of a ``name=value`` line: an expression, or a shell
        variable the step's environment fills from tainted data."""
        hit = self._expr_taint(job, rest, step, depth, seen)
        if hit is not None:
            return hit
        for m in _SHELL_VAR.finditer(rest):
            var = m.group(1).lower()
            if var.startswith("github_"):
                continue  # the runner's own variables ($GITHUB_OUTPUT, $GITHUB_SHA)
            hit = self._context(job, f"env.{var}", step, depth + 1, seen)
            if hit is not None:
                return hit
        return None

    def _job_output(
        self, job: Job, job_id: str, name: str, depth: int, seen: frozenset[str]
    ) -> Taint | None:
        other = next((j for jid, j in self._jobs.items() if jid.lower() == job_id), None)
        if other is None or other.id not in job.needs_closure:
            return None
        entry = _lookup(other.outputs, name)
        if entry is None:
            return None
        return self._expr_taint(other, entry[1], None, depth, seen)

    def _matrix(self, job: Job, key: str, depth: int, seen: frozenset[str]) -> Taint | None:
        matrix = job.strategy.get("matrix")
        if isinstance(matrix, str):  # matrix: ${{ fromJSON(…) }}
            return self._expr_taint(job, matrix, None, depth, seen)
        if not isinstance(matrix, Mapping):
            return None
        values: list[Any] = []
        entry = _lookup(matrix, key)
        if entry is not None:
            values.append(entry[1])
        for extra in ("include", "exclude"):
            more = matrix.get(extra)
            if isinstance(more, str):
                values.append(more)
            elif isinstance(more, list):
                for row in more:
                    if isinstance(row, Mapping):
                        found = _lookup(row, key)
                        if found is not None:
                            values.append(found[1])
                    elif isinstance(row, str):
                        values.append(row)
        for value in values:
            items = value if isinstance(value, list) else [value]
            for item in items:
                hit = self._expr_taint(job, item, None, depth, seen)
                if hit is not None:
                    return hit
        return None

    @staticmethod
    def _before(job: Job, step: Step | None) -> Sequence[Step]:
        return job.steps if step is None else job.steps[: step.index]
