"""The tags a GitLab CI job pushes, resolved, and what runs the job (XREF-007's GitLab side).

Tags: every ``PushEvent`` of the job (``docker push``, kaniko ``--destination``, ``--push``
builds), its refs read through the file's ``variables:`` (unless the job's script may set
them: ``gl_resolve``);
``docker push --all-tags REPO`` stands for each tag the job built for REPO before it. A push
in a shell conditional (``if``, ``||``, ``case``), or in a job that looks the tag up in the
registry first (``docker manifest inspect``, ``crane``, ``skopeo``, ``regctl``, ``aws ecr
describe-images``...), is a "maybe" push: only UNKNOWN.

What runs the job (``run_shape``), for ref-name tags (``$CI_COMMIT_REF_NAME``/``_SLUG``,
``$CI_COMMIT_BRANCH``): its ``rules:`` (and ``workflow: rules:``), or ``only``/``except``
refs, read three-valued (``knowledge.ci.gl_rules``) in a branch push (for the default
branch, some branch, and each branch name the rules spell), a tag push, a schedule, a merge
request and a web/API/trigger pipeline. ``branch_runs`` only when a branch push surely runs
it; ``tag_only`` only when every non-tag pipeline surely does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.gl_rules import (
    MERGE_REQUEST,
    Scenario,
    Symbol,
    rules_run,
)
from pytest_devops_policy.knowledge.xref.events import BuildEvent, Event, PushEvent
from pytest_devops_policy.knowledge.xref.gl_resolve import resolve_script
from pytest_devops_policy.knowledge.xref.refs import parse_ref, same_repository
from pytest_devops_policy.knowledge.xref.registry_tags import (
    PushedTag,
    RunShape,
    TagClass,
    token_name,
)
from pytest_devops_policy.knowledge.xref.templated import Templated

__all__ = ["push_condition", "pushed_tags", "run_shape"]

_CONTROL = re.compile(r"(?:^|[;&|(\s])(?:if|case|while|until)\s|\|\|")
_LOOKUP = re.compile(
    r"\b(?:manifest\s+inspect|crane|skopeo|regctl|describe-images|batch-get-image|"
    r"list-images|artifacts\s+docker\s+tags\s+list)\b"
)
_QUOTED = re.compile(r"\"([^\"$]+)\"|'([^'$]+)'")
_DEFAULT = Symbol("default-branch")
_TAG = Symbol("a-new-tag")
_MR_NONE = {
    "CI_MERGE_REQUEST_ID": None,
    "CI_MERGE_REQUEST_IID": None,
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": None,
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": None,
    "CI_MERGE_REQUEST_EVENT_TYPE": None,
    "CI_EXTERNAL_PULL_REQUEST_IID": None,
}
_SOURCES = {
    "schedules": "schedule",
    "web": "web",
    "api": "api",
    "triggers": "trigger",
    "pipelines": "pipeline",
    "merge_requests": "merge_request_event",
    "external_pull_requests": "external_pull_request_event",
    "chat": "chat",
}


def _scenario(label: str, source: str, branch: Any, tag: Any) -> Scenario:
    ref = tag if tag is not None else branch
    return Scenario(
        label,
        {
            **_MR_NONE,
            "CI_PIPELINE_SOURCE": source,
            "CI_COMMIT_BRANCH": branch,
            "CI_COMMIT_TAG": tag,
            "CI_COMMIT_REF_NAME": ref,
            "CI_COMMIT_REF_SLUG": ref,
            "CI_DEFAULT_BRANCH": _DEFAULT,
        },
    )


def _only_refs(value: Any) -> tuple[list[str], bool]:
    if isinstance(value, Mapping):
        refs = value.get("refs")
        return [str(r) for r in refs] if isinstance(refs, list) else [], any(
            k != "refs" for k in value
        )
    if isinstance(value, list):
        return [str(r) for r in value], False
    return ([str(value)], False) if isinstance(value, str) else ([], False)


def _ref_hit(ref: str, sc: Scenario) -> bool | None:
    ref = ref.split("@", 1)[0]  # ``main@group/project``: main, in that project only
    source = str(sc.values["CI_PIPELINE_SOURCE"])
    name = sc.values["CI_COMMIT_REF_NAME"]
    if ref == "branches":
        return sc.values["CI_COMMIT_TAG"] is None and source != "merge_request_event"
    if ref == "tags":
        return sc.values["CI_COMMIT_TAG"] is not None
    if ref == "pushes":
        return bool(source == "push")
    if ref in _SOURCES:
        return source == _SOURCES[ref]
    if source == "merge_request_event":
        return False
    if ref.startswith("/"):
        return None  # a ref regex: whether it matches some branch is unknowable
    return ref == name if isinstance(name, str) else None


def _any(values: Iterable[bool | None]) -> bool | None:
    seen = set(values)
    return True if True in seen else (None if None in seen else False)


def _legacy(only: Any, except_: Any, sc: Scenario) -> bool | None:
    refs, extra = _only_refs(only) if only is not None else (["branches", "tags"], False)
    if not refs:
        refs = ["branches", "tags"]
    runs = _any(_ref_hit(r, sc) for r in refs)
    if runs is True and extra:
        runs = None
    if except_ is not None and runs is not False:
        ex_refs, ex_extra = _only_refs(except_)
        out = _any(_ref_hit(r, sc) for r in ex_refs)
        if out is True:
            return False
        if out is None or ex_extra:
            return None
    return runs


def _runs(job: GitLabJob, sc: Scenario) -> bool | None:
    sc = sc.with_user({**job.pipeline.variables, **job.variables})
    pipeline = job.pipeline
    flow = (
        rules_run(pipeline.workflow_rules, sc, "always").runs if pipeline.workflow_rules else True
    )
    if flow is False:
        return False
    if job.rules:
        mine = rules_run(job.rules, sc, job.when).runs
    elif "rules" in job.raw:
        mine = None  # rules that did not parse
    else:
        mine = _legacy(job.only, job.except_, sc)
    if mine is False:
        return False
    return True if flow is True and mine is True else None


def _branch_names(job: GitLabJob) -> list[str]:
    """Branch names the job's rules or refs spell (``$CI_COMMIT_BRANCH == "main"``)."""
    texts = [r.if_ for r in (*job.pipeline.workflow_rules, *job.rules) if r.if_]
    names = [a or b for t in texts for a, b in _QUOTED.findall(t)]
    refs = _only_refs(job.only)[0] if job.only is not None else []
    names += [r.split("@", 1)[0] for r in refs if r not in _SOURCES and not r.startswith("/")]
    return list(dict.fromkeys(n for n in names if n not in ("branches", "tags", "pushes")))


def run_shape(job: GitLabJob) -> RunShape:
    """What runs the job, for ref-name tags (see the module docstring)."""
    branches = [_DEFAULT, Symbol("some-branch"), *_branch_names(job)]
    pushes = [_runs(job, _scenario("branch push", "push", b, None)) for b in branches]
    others = [
        _runs(job, _scenario(source, source, b, None))
        for source in ("schedule", "web", "api", "trigger", "pipeline")
        for b in (_DEFAULT, Symbol("some-branch"))
    ]
    others.append(_runs(job, MERGE_REQUEST))
    tag = _runs(job, _scenario("tag push", "push", None, _TAG))
    branch_runs = _any(pushes) is True
    tag_only = _any([*pushes, *others]) is False and tag is not False
    return RunShape(branch_runs, tag_only, tag is not False)


def push_condition(job: GitLabJob, event: PushEvent) -> str | None:
    """Why a push may not run: a shell conditional on its line, or a registry look-up in
    the job (None: it runs whenever the line does)."""
    o = event.origin
    lines: tuple[str, ...] = getattr(job, o.section or "script", ())
    line = lines[o.index] if o.index is not None and 0 <= o.index < len(lines) else ""
    if _CONTROL.search(line):
        return "the script's condition on that line holds"
    if any(_LOOKUP.search(text) for _, _, text in job.scripts()):
        return "the tag is not in the registry yet (the job looks it up first)"
    return None


def _tag_class(tag: Templated | None, shape: RunShape) -> TagClass | None:
    """``$CI_COMMIT_TAG`` is the pushed Git tag: new on every run of a tag-only job (on a
    branch pipeline it is empty, which the classifier leaves UNKNOWN)."""
    if tag is None or not tag.tokens or not shape.tag_only:
        return None
    if all(token_name(t) == "CI_COMMIT_TAG" for t in tag.tokens):
        return TagClass("unique", f"'{tag.text}' is the pushed Git tag (tag-only job)")
    return None


def pushed_tags(job: GitLabJob, events: Sequence[Event], shape: RunShape) -> list[PushedTag]:
    """Every tag the job pushes, with its ref resolved (see the module docstring)."""
    out: list[PushedTag] = []
    built: list[tuple[Templated, str]] = []
    for event in events:
        if isinstance(event, BuildEvent):
            for tag in event.tags:
                built += [(v, tag) for v in resolve_script(tag, job)]
            continue
        if not isinstance(event, PushEvent):
            continue
        maybe = push_condition(job, event)
        if event.all_tags is not None:
            for repo in resolve_script(event.all_tags, job):
                target = parse_ref(repo)
                for value, written in built:
                    ref = parse_ref(value)
                    if same_repository(ref, target) is not False:
                        how = f"docker push --all-tags (built as {written})"
                        fixed = _tag_class(ref.tag, shape)
                        out.append(PushedTag(ref, ref.tag, event.origin, how, fixed, maybe))
            continue
        for written in event.refs:
            for value in resolve_script(written, job):
                ref = parse_ref(value)
                if ref.digest is not None and ref.tag is None:
                    continue  # pushed by digest: no tag to collide
                how = f"{event.tool} pushes {written}"
                fixed = _tag_class(ref.tag, shape)
                out.append(PushedTag(ref, ref.tag, event.origin, how, fixed, maybe))
    return out
