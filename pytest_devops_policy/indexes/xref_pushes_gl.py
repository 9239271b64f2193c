"""GitLab CI facts for XREF-002 (``xref_pushes``): each job of a pipeline as ``JobFacts``,
and the refs a deploy job puts into a cluster or service.

Every GitLab job runs in a fresh environment on its runner (a new container, a new
``docker:dind`` service): an image one job builds without pushing is not in another job's
Docker daemon, and never in the cluster's (catalog §9.3 case (e)). Order (§9.2-5): a job
runs after every job of an earlier stage, or after its ``needs:`` only (``needs: []``: after
none), transitively (``gl_deploys.upstream``); jobs with no order either way run in
parallel (a race, case (c), unless a person starts the deploy job: ``when: manual``).

Refs are read through the file's ``variables:`` unless the script may set them
(``gl_resolve.resolve_script``). Read as opaque (may push, cannot be read): script
commands the GitHub side calls opaque (``make push``, ``./release.sh``, ``skaffold``...),
``trigger:`` jobs (a downstream pipeline), templates the file could not resolve. A push on
a line in a shell conditional is a "maybe" push. The whole pipeline is not visible when it
includes a project, remote, template or component file: an otherwise FAIL is UNKNOWN.

Not judged here: images of applied manifests (their tags are usually rewritten by the
script; the GitHub anchor reads them), digests of pushing builds.

A build in the deploy job itself may use the cluster's own image store (a shell executor
on a cluster node) unless the job runs a ``docker:dind`` service: then no FAIL (a).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob, Pipeline
from pytest_devops_policy.indexes.xref_pushes import Built, Decision, Deployed, JobFacts, Offer
from pytest_devops_policy.indexes.xref_pushes import Opaque as OpaqueStep
from pytest_devops_policy.indexes.xref_pushes_gha import (
    command_refs,
    is_deploy,
    next_apply,
    opaque_command,
)
from pytest_devops_policy.knowledge.ci.gl_deploys import manual_gate, upstream
from pytest_devops_policy.knowledge.ci.script_exprs import script_commands
from pytest_devops_policy.knowledge.xref.events import (
    BuildEvent,
    DeployEvent,
    Event,
    Origin,
    PushEvent,
    SideLoadEvent,
)
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.knowledge.xref.gl_pushes import push_condition
from pytest_devops_policy.knowledge.xref.gl_resolve import resolve_script
from pytest_devops_policy.knowledge.xref.refs import parse_ref, same_repository
from pytest_devops_policy.knowledge.xref.templated import Templated, split_template

__all__ = ["gl_job_facts", "judge_gl_job", "position"]

_SECTIONS = {"before_script": 0, "script": 1, "after_script": 2}
_DAEMON_SWITCH = re.compile(r"\b(?:minikube|podman)\s+(?:docker|podman)-env\b")
_DIND = re.compile(r"dind", re.I)


def position(section: str | None, index: int | None, command: int) -> int:
    """A place in a job's order: sections, script lines, commands within a line."""
    return _SECTIONS.get(section or "script", 1) * 10_000_000 + (index or 0) * 1_000 + command


def _pos(origin: Origin) -> int:
    return position(origin.section, origin.index, origin.command)


def _resolved(value: Templated, written: str) -> bool:
    return value != split_template(written)


def _origin(job: GitLabJob, section: str, index: int, command: int, text: str) -> Origin:
    found = job.locate((section, index))
    return Origin(
        file=job.source.relpath,
        job=job.name,
        step=None,
        section=section,
        index=index,
        command=command,
        script_line=1,
        path=(section, index),
        line=found[0] if found else job.line,
        text=text,
    )


def _job_origin(job: GitLabJob, key: str, text: str) -> Origin:
    found = job.locate((key,))
    return Origin(job.source.relpath, job.name, None, key, 0, 0, 1, (key,),
                  found[0] if found else job.line, text)  # fmt: skip


def _all_tags(job: GitLabJob, event: PushEvent, built: Sequence[Templated]) -> list[Templated]:
    assert event.all_tags is not None
    repos = resolve_script(event.all_tags, job)
    out = [
        b for b in built if any(same_repository(parse_ref(b), parse_ref(r)) is True for r in repos)
    ]
    unknown = Templated.of((*repos[0].parts, ":", *split_template("${PUSHED_TAGS}").parts))
    return out or [unknown]


def gl_job_facts(job: GitLabJob) -> JobFacts:
    """The job as ``JobFacts``: builds, pushes and side-loads, opaque commands."""
    if job.trigger is not None:
        origin = _job_origin(job, "trigger", "trigger")
        return JobFacts(job.name, opaque=(OpaqueStep("a downstream pipeline", origin, 0),))
    builds: list[Built] = []
    offers: list[Offer] = []
    built_tags: list[Templated] = []
    for event in gitlab_job_events(job):
        pos = _pos(event.origin)
        if isinstance(event, BuildEvent):
            for tag in event.tags:
                for value in resolve_script(tag, job):
                    builds.append(Built(value, tag, event.origin, pos, _resolved(value, tag)))
                    built_tags.append(value)
        elif isinstance(event, PushEvent):
            kind = "build-push" if event.via_build else "push"
            refs = [v for r in event.refs for v in resolve_script(r, job)]
            if event.all_tags is not None:
                kind, refs = "all-tags", _all_tags(job, event, built_tags)
            maybe = event.maybe or push_condition(job, event) is not None
            offers.append(Offer(kind, tuple(refs), event.origin, pos, maybe))
        elif isinstance(event, SideLoadEvent):
            refs = [v for r in event.refs for v in resolve_script(r, job)]
            offers.append(Offer("sideload", tuple(refs), event.origin, pos))
    opaque = [
        OpaqueStep(f"template {t}, whose scripts are not read", _job_origin(job, "extends", t), 0)
        for t in job.unresolved_extends
    ]
    for section, index, line in job.scripts():
        if _DAEMON_SWITCH.search(line):
            origin = _origin(job, section, index, 0, "docker-env")
            offers.append(Offer("cluster-daemon", (), origin, _pos(origin)))
        for n, cmd in enumerate(script_commands(line)):
            words = [cmd.shown(w) for w in cmd.command.words]
            reason = opaque_command(words)
            if reason is not None:
                origin = _origin(job, section, index, n, " ".join(words))
                opaque.append(OpaqueStep(reason, origin, _pos(origin)))
    offers.sort(key=lambda o: o.pos)
    return JobFacts(job.name, tuple(builds), tuple(offers), tuple(opaque))


def deploy_refs(job: GitLabJob) -> list[Deployed]:
    """Every ref the job's deploy commands put into a cluster or service."""
    events: list[Event] = list(gitlab_job_events(job))
    out: list[Deployed] = []
    for i, event in enumerate(events):
        if not isinstance(event, DeployEvent) or not is_deploy(event):
            continue
        pos = _pos(event.origin)
        refs = command_refs(event)
        if event.verb == "kustomize-set-image":
            at = next_apply(events, i)
            if at is None:
                continue  # committed for a GitOps tool, or never applied here
            pos, refs = _pos(at.origin), [ref for _, ref in event.images]
        for ref in refs:
            out += [
                Deployed(v, ref, event.origin, pos, None, _resolved(v, ref))
                for v in resolve_script(ref, job)
                if v.text.strip()
            ]
    return out


def _blockers(pipeline: Pipeline) -> list[str]:
    return [
        f"the pipeline includes {inc.kind} {inc.target}, whose jobs are not read"
        for inc in pipeline.includes
        if inc.kind != "local"
    ]


def _shared_store(job: GitLabJob, facts: JobFacts) -> str | None:
    if not facts.builds or any(_DIND.search(str(s)) for s in job.services):
        return None
    return (
        f"{job.display} builds the image itself without a docker:dind service: its runner "
        "may build with the cluster's own image store (a shell executor on a cluster node)"
    )


def pipeline_facts(pipeline: Pipeline, cache: ParseCache) -> dict[str, JobFacts]:
    """Every job of the pipeline as ``JobFacts``, once per run."""

    def build() -> dict[str, JobFacts]:
        return {name: gl_job_facts(j) for name, j in pipeline.jobs.items()}

    return cache.memo_on(pipeline, build, ("xref-002-gl-jobs",))


def judge_gl_job(job: GitLabJob, cache: ParseCache) -> list[tuple[Deployed, Decision]]:
    """(deployed ref, decision) for every in-scope ref the job deploys."""
    from pytest_devops_policy.indexes.xref_pushes import judge

    deployed = deploy_refs(job)
    if not deployed:
        return []
    jobs = pipeline_facts(job.pipeline, cache)
    mine = jobs[job.name]
    facts = JobFacts(mine.id, mine.builds, mine.offers, mine.opaque, _shared_store(job, mine))
    closure = {j.name for j in upstream(job)}
    before = [jobs[n] for n in jobs if n in closure]
    after = [
        jobs[n]
        for n, other in job.pipeline.jobs.items()
        if n != job.name and job.name in {u.name for u in upstream(other)}
    ]
    later = {f.id for f in after}
    parallel = [jobs[n] for n in jobs if n != job.name and n not in closure and n not in later]
    blockers = _blockers(job.pipeline)
    out: list[tuple[Deployed, Decision]] = []
    manual, _ = manual_gate(job)
    for d in deployed:
        decision = judge(d, facts, before, after, parallel, blockers)
        if decision is not None and decision.case == "c" and manual:
            # A person starts the deploy, as a rule once the pipeline's pushes are done.
            why = f"{decision.reason}, but {job.display} starts by hand (when: manual)"
            decision = replace(decision, status="unknown", case=None, reason=why)
        if decision is not None:
            out.append((d, decision))
    return out
