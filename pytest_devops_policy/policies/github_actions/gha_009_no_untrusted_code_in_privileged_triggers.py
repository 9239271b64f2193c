"""GHA-009: workflows that run with the base repository's privileges (pull_request_target,
workflow_run) never run the pull request's code, nor let its data into $GITHUB_ENV."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.checkout import (
    PRIVILEGED_TRIGGERS,
    UNTRUSTED_REFS,
    env_lookup,
    later_execution,
    untrusted_checkout,
    untrusted_contexts,
)
from pytest_devops_policy.knowledge.ci.conditions import UNKNOWN, condition_outcome
from pytest_devops_policy.knowledge.ci.scripts import RunScript, env_references, run_script
from pytest_devops_policy.knowledge.ci.taint import TAINTED, context_matches
from pytest_devops_policy.knowledge.downloads import assignments
from pytest_devops_policy.knowledge.shell import Command

_ENV_FILES = ("GITHUB_ENV", "GITHUB_PATH")
# Data an outsider controls: the event's text fields, and the pull request's refs.
_EVENT_DATA = (*TAINTED, *UNTRUSTED_REFS)
# Steps that fetch artifacts a triggering (untrusted) run uploaded.
_ARTIFACT_ACTIONS = frozenset({"dawidd6/action-download-artifact"})
_INLINE_WRITERS = frozenset({"echo", "printf"})
# Values no repository literal can equal: what a fork's run sees.
_FOREIGN = {
    ("github", "repository"): "\0a-fork/of-the-repository",
    ("github", "repository_owner"): "\0a-fork-owner",
}


@dataclass(frozen=True)
class _Finding:
    severity: Severity
    step: Step
    key: tuple[PathPart, ...]
    message: str


def _any_match(ctx: str, patterns: Sequence[str]) -> bool:
    return any(context_matches(ctx, p) for p in patterns)


def _written_env_files(c: Command) -> list[str]:
    targets = [r.target for r in c.redirects if r.writes_file]
    if c.name == "tee":
        targets += [w for w in c.args if not w.startswith("-")]
    return [f for f in _ENV_FILES if any(f in t for t in targets)]


def _downloads_artifacts(step: Step) -> bool:
    uses = step.uses
    if uses is not None and uses.is_remote:
        name = uses.name.lower()
        if name in _ARTIFACT_ACTIONS:
            return True
        if name == "actions/download-artifact" and "run-id" in step.with_:
            return True
        if name == "actions/github-script":
            script = str(step.with_.get("script", ""))
            return "downloadArtifact" in script or "listWorkflowRunArtifacts" in script
    if step.run is not None:
        return any(
            c.name == "gh" and c.words[1:3] == ("run", "download")
            for c in run_script(step.run).script.commands
        )
    return False


class _ScriptTaint:
    """Where event data sits in one script: ``${{ }}``, ``env`` entries, and the
    script's own variables assigned from them (name -> the context)."""

    def __init__(self, rs: RunScript, env: Mapping[str, Any], lookup: Any) -> None:
        self.rs = rs
        self.env = env
        self.lookup = lookup
        self.shell: dict[str, str] = {}

    def sources(self, text: str) -> list[str]:
        texts = [e.text for e in self.rs.expressions_in(text)]
        texts += [str(v) for _n, v in env_references(text, self.env) if v is not None]
        found = [
            c for t in texts for c in untrusted_contexts(t, _EVENT_DATA, self.lookup, _any_match)
        ]
        return found + [self.shell[n] for n, _v in env_references(text, self.shell)]


def _env_writes(steps: Sequence[Step], job: Job, env: Mapping[str, Any]) -> Iterator[_Finding]:
    """A script writing event data (or a fetched artifact's content) to $GITHUB_ENV/PATH.

    Event data is followed through ``${{ }}``, ``env`` entries and the script's own
    variables (``msg=$(echo "$TITLE" | ...)`` then ``echo "$msg" >> $GITHUB_PATH``)."""
    artifacts: str | None = None
    for step in steps:
        if step.run is not None:
            rs = run_script(step.run)
            merged = {**env, **{str(k): v for k, v in step.env.items()}}
            lookup = env_lookup(job, step)

            taint = _ScriptTaint(rs, merged, lookup)
            for c in rs.script.commands:
                for name, value in assignments(c):
                    hit = taint.sources(value)
                    if hit:
                        taint.shell[name] = hit[0]
                files = _written_env_files(c)
                if not files:
                    continue
                pipeline = rs.script.in_pipeline(c.pipeline) if c.piped else (c,)
                found = [x for p in pipeline for w in p.words for x in taint.sources(w)]
                target = " and ".join(f"${f}" for f in files)
                if found:
                    yield _Finding(
                        Severity.HIGH,
                        step,
                        ("run",),
                        f"{step.label} writes {found[0]} (set by whoever opens the pull "
                        f"request or triggers the run) to {target}: a crafted value sets "
                        "variables such as LD_PRELOAD or BASH_ENV, or a PATH entry, for "
                        "every later step of the privileged job",
                    )
                    break
                computed = any(p.name not in _INLINE_WRITERS for p in pipeline) or any(
                    "$(" in w or "`" in w for p in pipeline for w in p.words
                )
                if artifacts is not None and computed:
                    yield _Finding(
                        Severity.HIGH,
                        step,
                        ("run",),
                        f"{step.label} writes computed content to {target} after "
                        f"{artifacts} fetched artifacts of the triggering run: their "
                        "content is the pull request author's, and it sets variables or "
                        "a PATH entry for every later step",
                    )
                    break
        if artifacts is None and _downloads_artifacts(step):
            artifacts = step.label


def _step_findings(steps: Sequence[Step], job: Job) -> Iterator[_Finding]:
    workflow = job.workflow
    env = {
        **{str(k): v for k, v in workflow.env.items()},
        **{str(k): v for k, v in job.env.items()},
    }
    for step in steps:
        found = untrusted_checkout(step, env, env_lookup(job, step))
        if found is None:
            continue
        runner = later_execution(steps, found)
        if runner is None:
            continue
        yield _Finding(
            Severity.CRITICAL,
            step,
            found.key,
            f"{step.label} checks out untrusted code ({found.what}) and {runner}: code "
            "the pull request author wrote runs with the base repository's token and "
            "secrets",
        )
    yield from _env_writes(steps, job, env)


def _guarded(job: Job) -> bool:
    """The job (or a job it needs) only runs in the base repository."""

    def context(path: tuple[str, ...]) -> Any:
        if path in _FOREIGN:
            return _FOREIGN[path]
        if path[:5] == ("github", "event", "pull_request", "head", "repo") or path[:4] == (
            "github",
            "event",
            "workflow_run",
            "head_repository",
        ):
            return "\0attacker/fork"
        return UNKNOWN

    workflow = job.workflow
    for jid in (job.id, *job.needs_closure):
        other = workflow.jobs.get(jid)
        if other is not None and other.if_ and condition_outcome(other.if_, context) is False:
            return True
    return False


def _note(job: Job) -> Violation | None:
    workflow = job.workflow
    events = [e for e in PRIVILEGED_TRIGGERS if e in workflow.on]
    triggers = [workflow.on.get(e) for e in events]
    filtered = all(t is not None and t.filter("branches") is not None for t in triggers)
    if filtered and _guarded(job):
        return None
    missing = []
    if not filtered:
        missing.append("a 'branches' filter on " + " and ".join(events))
    if not _guarded(job):
        missing.append("an \"if: github.repository == '<owner>/<repo>'\" guard")
    first = triggers[0]
    return Violation(
        f"{job.display} runs on {' and '.join(events)}, with the base repository's token "
        f"and secrets whoever opens a pull request or triggers the run, and it lacks "
        f"{' and '.join(missing)}. Keep such jobs small, and never check out or run "
        "the pull request's code in them",
        line=first.line if first is not None else None,
        severity=Severity.MEDIUM,
    )


def _applies(job: Job) -> bool:
    return any(e in job.workflow.on for e in PRIVILEGED_TRIGGERS)


@policy(
    id="GHA-009",
    name="no-untrusted-code-in-privileged-triggers",
    title="Privileged triggers never run the pull request's code",
    severity=Severity.CRITICAL,
    rationale=(
        "pull_request_target and workflow_run jobs run in the base repository with its "
        "secrets and a token that can write, even for a pull request from a fork. "
        "Checking out the pull request's head and then running anything (a build, tests, "
        "npm install, a local action) runs the author's code with those privileges "
        "(critical, a 'pwn request'). Writing event data or a fetched artifact's content "
        "to $GITHUB_ENV or $GITHUB_PATH lets the author set LD_PRELOAD, BASH_ENV or a "
        "PATH entry for later steps (high). The trigger alone deserves a branches filter "
        "and a github.repository guard (medium)."
    ),
    remediation=(
        "Build and test untrusted code under 'on: pull_request' (no secrets, read-only "
        "token). If a privileged follow-up is needed, use workflow_run, exchange only "
        "data through artifacts, treat that data as untrusted (validate it, never write "
        "it to $GITHUB_ENV/$GITHUB_PATH), and do not check out the head ref. Add "
        "'branches: [main]' to the trigger and 'if: github.repository == "
        "'<owner>/<repo>'' to the job."
    ),
    controls=("CWE-829", "CWE-94", "OpenSSF-Scorecard-Dangerous-Workflow"),
    references=(
        "zizmor:dangerous-triggers",
        "zizmor:github-env",
        "scorecard:Dangerous-Workflow",
        "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
    ),
    applies=_applies,
    example=(
        "on: pull_request_target\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: npm ci && npm test\n"
    ),
    use_instead=(
        "on:\n"
        "  pull_request_target:\n"
        "    branches: [main]\n"
        "permissions:\n"
        "  pull-requests: write\n"
        "jobs:\n"
        "  label:\n"
        "    if: github.repository == 'octo-org/octo-repo'\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/labeler@v5\n"
    ),
)
def no_untrusted_code_in_privileged_triggers(
    job: Job, context: Context
) -> Iterator[Violation | Unknown]:
    found = list(_step_findings(job.steps, job))
    for f in found:
        yield Violation(f.message, path=f.step.path(*f.key), severity=f.severity)
    if job.uses is not None:
        callee = context.index(job).resolve(job.uses)
        if callee is not None:
            for callee_job in callee.jobs.values():
                for f in _step_findings(callee_job.steps, callee_job):
                    found.append(f)
                    yield Violation(
                        f"{job.display} calls {job.uses.raw}, whose {callee_job.display}: "
                        f"{f.message}",
                        path=("uses",),
                        severity=f.severity,
                    )
    if not found:
        note = _note(job)
        if note is not None:
            yield note
