"""GHA-018: deploy jobs are serialised by a concurrency group that never cancels a running
deploy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import (
    ExpressionError,
    Node,
    find_expressions,
    parse_expression,
)
from pytest_devops_policy.formats.github_actions.values import as_text
from pytest_devops_policy.formats.github_actions.workflow import Job, Workflow
from pytest_devops_policy.knowledge.ci.conditions import condition_node
from pytest_devops_policy.knowledge.ci.deploys import job_class, why_deploy
from pytest_devops_policy.knowledge.ci.scenarios import may_be_true

# Values unique to each run (or each commit): a group built from them never holds two runs.
PER_RUN = {
    "github.run_id": "per-run",
    "github.run_number": "per-run",
    "github.run_attempt": "per-run",
    "github.sha": "per-commit",
}
_GLOB = frozenset("*?[]!+")


@dataclass(frozen=True)
class _Level:
    """One ``concurrency`` key: at job or workflow level."""

    where: str  # 'job-level' / 'workflow-level'
    raw: Any
    workflow: Workflow
    job_level: bool

    @property
    def mapping(self) -> Mapping[str, Any]:
        return self.raw if isinstance(self.raw, Mapping) else {}

    @property
    def group(self) -> str | None:
        if isinstance(self.raw, Mapping):
            return as_text(self.raw.get("group"))
        return as_text(self.raw)

    def at(self, *keys: str) -> dict[str, Any]:
        """``Violation`` position arguments for this key (a workflow key by its line)."""
        keys = keys if keys and keys[0] in self.mapping else ()
        if self.job_level:
            return {"path": ("concurrency", *keys)}
        pos = self.workflow.locate(("concurrency", *keys))
        return {"line": pos[0]} if pos else {"path": ()}


def _levels(job: Job) -> list[_Level]:
    wf = job.workflow
    out = []
    if "concurrency" in job.raw:
        out.append(_Level("job-level", job.concurrency, wf, True))
    if "concurrency" in wf.raw:
        out.append(_Level("workflow-level", wf.concurrency, wf, False))
    return out


def _unique_values(group: str) -> list[str]:
    """The per-run (or per-commit) contexts a group reads, found by the expression reader."""
    found: list[str] = []
    for expr in find_expressions(group):
        found += [c for c in expr.contexts if c in PER_RUN and c not in found]
    return found


def _literal_branches(wf: Workflow) -> list[str] | None:
    """The branches of a workflow run only by pushes to literally named branches."""
    if wf.on.names != ("push",):
        return None
    push = wf.on.get("push")
    if push is None or not set(push.config) <= {"branches", "paths", "paths-ignore"}:
        return None
    branches = push.filter("branches")
    if not branches or any(ch in _GLOB for b in branches for ch in b):
        return None
    return list(branches)


def _domains(wf: Workflow) -> dict[tuple[str, ...], Sequence[Any]]:
    """What the workflow's triggers fix about the contexts a cancel expression may read."""
    domains: dict[tuple[str, ...], Sequence[Any]] = {}
    names = wf.on.names
    if names and "workflow_call" not in names:  # a callee sees its caller's event
        domains[("github", "event_name")] = names
    branches = _literal_branches(wf)
    if branches is not None:
        domains[("github", "ref")] = [f"refs/heads/{b}" for b in branches]
        domains[("github", "ref_name")] = branches
    return domains


def _cancel_node(value: Any) -> Node | bool | None:
    """``True``/``False`` for a fixed setting, the expression, or ``None`` when unreadable."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip()
    exprs = find_expressions(text)
    if not exprs:
        return text.lower() != "false"  # GitHub takes a boolean; anything else may cancel
    if len(exprs) == 1 and exprs[0].start == 0 and exprs[0].end == len(text):
        try:
            return parse_expression(exprs[0].body)
        except ExpressionError:
            return None
    return True  # text around an expression: a non-empty string, truthy


def _cancels(level: _Level, job: Job) -> str | None:
    """Why cancel-in-progress can be true when this deploy job runs (``None``: it cannot)."""
    raw = level.mapping.get("cancel-in-progress")
    node = _cancel_node(raw)
    if node is False:
        return None
    if node is True:
        shown = str(raw).lower() if isinstance(raw, bool) else raw
        return f"cancel-in-progress: {shown}"
    if node is None:
        return f"cancel-in-progress: {raw} (an expression this check cannot read)"
    assumption = condition_node(job.if_)
    assumptions = [assumption] if assumption is not None else []
    verdict = may_be_true(node, assumptions, _domains(job.workflow))
    if verdict is False:
        return None
    return (
        f"cancel-in-progress: {raw}, which can be true for a run where '{job.id}' deploys "
        f"(triggers: {', '.join(job.workflow.on.names) or 'none'})"
    )


def _group_for(job: Job) -> str:
    """A group name for the fix: the deploy target (its environment), else the job."""
    env = job.environment
    return f"deploy-{env.text.strip() if env is not None and env.text else job.id}"


def _applies(job: Job, context: Context) -> bool:
    return job_class(job, context).is_deploy


@policy(
    id="GHA-018",
    name="deploy-concurrency",
    title="Deploy jobs are serialised and never cancelled mid-way",
    severity=Severity.MEDIUM,
    rationale=(
        "Two deploys to the same target running at once race each other: the older commit "
        "can finish last and win, and migrations or rollouts interleave. A concurrency group "
        "queues them. cancel-in-progress on that group kills a running deploy when the next "
        "one starts, leaving half-applied manifests, a stuck rollout or a locked state file."
    ),
    remediation=(
        "Add a concurrency group at job or workflow level keyed by what is deployed, not by "
        "the run (concurrency: {group: deploy-${{ inputs.environment || 'production' }}, "
        "cancel-in-progress: false}). Never build the group from github.run_id, run_number, "
        "run_attempt or github.sha, and keep cancel-in-progress false for deploy groups."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-SI-7"),
    references=(
        "zizmor:concurrency-limits",
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions: {}\n"
        "concurrency:\n"
        "  group: ${{ github.workflow }}-${{ github.ref }}\n"
        "  cancel-in-progress: true\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions: {}\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    concurrency:\n"
        "      group: deploy-production\n"
        "      cancel-in-progress: false\n"
        "    steps:\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
)
def deploy_concurrency(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    jc = job_class(job, context)
    if not jc.is_deploy:
        return
    why = why_deploy(jc)
    serialising: list[_Level] = []
    problems: list[str] = []
    for level in _levels(job):
        group = level.group
        if not group or not group.strip():
            problems.append(f"the {level.where} concurrency has no group")
            continue
        unique = _unique_values(group)
        if unique:
            kinds = sorted({PER_RUN[c] for c in unique})
            problems.append(
                f"the {level.where} group '{group}' reads {', '.join(unique)} "
                f"({'/'.join(kinds)} values), so every run gets a group of its own"
            )
            continue
        serialising.append(level)
    if not serialising:
        if job.workflow.only_reusable and not problems:
            yield Unknown(
                f"deploy job '{job.id}' is in a reusable workflow without concurrency; its "
                "callers may serialise it"
            )
            return
        if job.uses is not None and job.uses.is_remote and not problems:
            yield Unknown(
                f"deploy job '{job.id}' calls '{job.uses.raw}', which may serialise its own "
                "jobs; nothing serialises it here"
            )
            return
        detail = "; ".join(problems) or "there is no concurrency at job or workflow level"
        levels = _levels(job)
        where = levels[0].at("group") if levels else {"path": ()}
        yield Violation(
            f"deploy job '{job.id}' is not serialised ({why}): {detail}. Two runs can deploy "
            "at once and the older commit may land last; add to the job a concurrency group "
            f"keyed by the target:\nconcurrency:\n  group: {_group_for(job)}\n"
            "  cancel-in-progress: false",
            **where,
        )
        return
    for level in serialising:
        cancels = _cancels(level, job)
        if cancels is not None:
            yield Violation(
                f"deploy job '{job.id}' ({why}) is in the {level.where} concurrency group "
                f"'{level.group}' with {cancels}: a newer run cancels a deploy mid-way and "
                "leaves partial state; set cancel-in-progress: false for deploy groups",
                **level.at("cancel-in-progress"),
            )
