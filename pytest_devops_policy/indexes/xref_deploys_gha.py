"""The GitHub Actions side of XREF-001/006: a job as ``xref_deploys.JobView``, and the
decisions' outcomes as policy results."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_builds import gha_may_create, repository_of
from pytest_devops_policy.indexes.xref_deploys import JobView, Outcome, Settings
from pytest_devops_policy.knowledge.ci.script_exprs import script_commands
from pytest_devops_policy.knowledge.xref.events import Origin, join_path
from pytest_devops_policy.knowledge.xref.gha_events import job_events, step_cwd
from pytest_devops_policy.knowledge.xref.resolve import GhaResolver
from pytest_devops_policy.options.xref import XrefOptions, confidence_rank

__all__ = ["job_view", "report", "settings"]

_BLOCK = re.compile(r"\brun:\s*[|>]")
# kustomize edit commands that change names or namespaces (set image is an event).
EDITS = re.compile(r"kustomize\s+edit\s+(?!set\s+image)")


# Actions that only prepare the runner or reach a cluster: they create no object.
_QUIET_ACTIONS = re.compile(
    r"^(?:actions/(?:checkout|cache|upload-artifact|github-script)|[\w.-]+/setup-[\w.-]+|"
    r"docker/(?:login-action|metadata-action)|aws-actions/(?:configure-aws-credentials|"
    r"amazon-ecr-login)|google-github-actions/(?:auth|get-gke-credentials)|azure/(?:login|"
    r"aks-set-context|k8s-set-context)|[\w.-]+/(?:kind-action|setup-minikube))$",
    re.I,
)
# Commands that may create cluster objects that no event shows.
DEPLOYERS = re.compile(
    r"(?:^|[\s;&|(])(?:kubectl\s+(?:[\w=-]+\s+)*(?:run|expose|autoscale)\b|skaffold\b|"
    r"tilt\b|kapp\b|helmfile\b|argocd\b|flux\b|kpt\b|kn\b|pulumi\b|terraform\b|"
    r"ansible(?:-playbook)?\b|make\b|task\b|just\b|(?:bash|sh|zsh)\s+\S|\.{0,2}/[\w./-]+\.sh\b)"
)


def _opaque(job: Job) -> tuple[str, ...]:
    """Steps that may create cluster objects the events do not show: actions other than
    setup ones, scripts and deploy tools (``make deploy``, ``./deploy.sh``, ``skaffold run``,
    ``kubectl run``...)."""
    out = []
    for step in job.steps:
        if step.uses is not None:
            name = f"{step.uses.owner}/{step.uses.repo}".strip("/")
            if step.uses.is_local or not _QUIET_ACTIONS.match(name):
                out.append(f"{step.label} ({step.uses.raw})")
        elif step.run and (m := DEPLOYERS.search(step.run)):
            out.append(f"{step.label} ({' '.join(m.group(0).split())}...)")
    return tuple(out)


_WRITES = frozenset({">", ">>", ">|", "&>", "&>>"})
_COPIES = frozenset({"cp", "mv", "install", "rsync"})


def _written_paths(job: Job, before: Origin) -> list[tuple[str, str, bool]]:
    """(path as written, where, fuzzy) for each file a ``run:`` script writes before the
    command at ``before``: redirections, ``tee``, ``cp``/``mv`` destinations. ``fuzzy``:
    the script changes directory, so the path is compared by its last part only."""
    out: list[tuple[str, str, bool]] = []
    last = before.step if before.step is not None else len(job.steps) - 1
    for step in job.steps[: last + 1]:
        if step.run is None:
            continue
        cwd = step_cwd(job, step)
        fuzzy = cwd is None or bool(re.search(r"(?:^|[;&|(\s])(?:cd|pushd)\s", step.run))
        for n, cmd in enumerate(script_commands(step.run)):
            if step.index == before.step and n >= before.command:
                break
            words = [cmd.shown(w) for w in cmd.command.words]
            targets = [r.target for r in cmd.command.redirects if r.op in _WRITES]
            name = words[0].rsplit("/", 1)[-1] if words else ""
            if name == "tee":
                targets += [w for w in words[1:] if not w.startswith("-")]
            elif name in _COPIES and len(words) > 2:
                targets.append(words[-1])
            for t in targets:
                full = join_path(cwd, t) if cwd is not None else None
                out.append((full or t, step.label, fuzzy or full is None))
    return out


def job_view(job: Job, context: Context) -> JobView:
    resolver = GhaResolver(
        job, github_repository=context.options(XrefOptions).github_repository or None
    )
    lines = job.source.text.splitlines()

    def resolve(text: str, origin: Origin) -> str | None:
        step = job.steps[origin.step] if origin.step is not None else None
        value = resolver.resolve(text, step, shell=origin.section == "run").single
        return value.literal if value is not None else None

    def line(origin: Origin) -> int:
        at = origin.line
        if origin.section == "run" and 0 < at <= len(lines) and _BLOCK.search(lines[at - 1]):
            return at + origin.script_line
        return at

    def where(origin: Origin) -> str:
        return f"{origin.file}:{line(origin)}"

    def label(origin: Origin) -> str:
        if origin.step is None:
            return f"job '{job.id}'"
        return job.steps[origin.step].label

    def written(rel: str, origin: Origin) -> str | None:
        for path, where, fuzzy in _written_paths(job, origin):
            same = path == rel or path.startswith(rel.rstrip("/") + "/")
            if same or (fuzzy and path.rsplit("/", 1)[-1] == rel.rsplit("/", 1)[-1]):
                return f"{where} writes {path}"
        return None

    def created(rel: str, origin: Origin) -> str | None:
        # earlier steps (any that names the path, or an action); earlier commands of
        # the same step that write it
        before = origin.step if origin.step is not None else len(job.steps)
        return gha_may_create(job, before, rel) or written(rel, origin)

    scripts = " ".join(s.run or "" for s in job.steps)
    return JobView(
        events=job_events(job),
        root=repository_of(job.workflow.source.path, context.cache),
        resolve=resolve,
        may_create=created,
        written=written,
        opaque=_opaque(job),
        where=where,
        label=label,
        edits_kustomizations=bool(EDITS.search(scripts)),
    )


def settings(context: Context) -> Settings:
    options = context.options(XrefOptions)
    return Settings(
        manifests_complete=options.manifests_complete,
        external_objects=options.external_objects,
        cluster_scoped_kinds=options.cluster_scoped_kinds,
        # An object named in the command is an explicit, high-confidence link.
        trusted=confidence_rank("high") <= confidence_rank(options.min_link_confidence),
    )


def report(outcomes: list[Outcome]) -> Iterator[Violation | Unknown]:
    for o in outcomes:
        if o.status == "unknown":
            yield Unknown(o.message)
        else:
            yield Violation(
                o.message,
                path=o.origin.path,
                links=o.links,
                severity=Severity.LOW if o.status == "note" else None,
            )
