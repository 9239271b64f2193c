"""The tags a GitHub Actions job pushes, resolved (XREF-007's CI side).

From the job's events (``gha_events.job_events``): every ``PushEvent`` ref, resolved with
``GhaResolver`` (env, ``$GITHUB_ENV``, matrices, the ``amazon-ecr-login`` registry output);
``docker push --all-tags REPO`` stands for every tag the job built for REPO before it; and
``${{ steps.<id>.outputs.tags }}`` of a ``docker/metadata-action`` step is expanded from its
``images``, ``tags`` and ``flavor`` inputs:

* ``type=raw,value=V``: V as a tag (``{{sha}}`` run-unique, other ``{{...}}`` UNKNOWN);
* ``type=ref,event=branch`` and ``type=edge``: the branch name (run-invariant on branch
  pushes); ``type=ref,event=tag``, ``type=semver|pep440|match``, ``type=sha``: run-unique;
  ``type=ref,event=pr`` and ``type=schedule``: UNKNOWN when those events run the workflow;
* ``latest``: ``flavor: latest=true`` always; ``latest=auto`` (the default) on tag pushes when
  a tag rule is present (the action's README table: a tag push gives ``v1.2.3, latest``);
* no ``tags`` input: the action's defaults (schedule, branch, tag, pr rules).

A push whose ``push:`` is an expression is a "maybe" push, except the usual
``github.event_name != 'pull_request'``, which pushes on every push event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.knowledge.xref.events import BuildEvent, Event, PushEvent
from pytest_devops_policy.knowledge.xref.gha_events import input_list
from pytest_devops_policy.knowledge.xref.refs import parse_ref, same_repository
from pytest_devops_policy.knowledge.xref.registry_tags import PushedTag, RunShape, TagClass
from pytest_devops_policy.knowledge.xref.resolve import GhaResolver
from pytest_devops_policy.knowledge.xref.templated import Templated

__all__ = ["METADATA_ACTIONS", "pushed_tags", "run_shape"]

METADATA_ACTIONS = frozenset({"docker/metadata-action", "crazy-max/ghaction-docker-meta"})
_OUTPUT_TAGS = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$")
_NOT_PR = re.compile(r"^\$\{\{\s*github\.event_name\s*!=\s*['\"]pull_request['\"]\s*\}\}$")
_DEFAULT_RULES = (
    "type=schedule",
    "type=ref,event=branch",
    "type=ref,event=tag",
    "type=ref,event=pr",
)
_TAG_RULES = frozenset({"semver", "pep440", "match"})
_UNIQUE = TagClass("unique", "")


def _push_side(config: Mapping[str, object]) -> tuple[bool, bool]:
    has_b = "branches" in config or "branches-ignore" in config
    has_t = "tags" in config or "tags-ignore" in config
    return has_b or not has_t, has_t or not has_b


def run_shape(wf: Workflow) -> RunShape:
    """What runs the workflow, for ref-name tags (``registry_tags.RunShape``)."""
    push = wf.on.get("push")
    branches, tags = _push_side(push.config) if push is not None else (False, False)
    explicit_tags = push is not None and ("tags" in push.config or "tags-ignore" in push.config)
    branch_runs = branches or "schedule" in wf.on
    others = set(wf.on.names) - {"push", "release"}
    tag_only = not others and not branches and (tags or "release" in wf.on)
    return RunShape(branch_runs, tag_only, explicit_tags or "release" in wf.on)


def _maybe(job: Job, event: PushEvent) -> str | None:
    if not event.maybe:
        return None
    step = job.steps[event.origin.step] if event.origin.step is not None else None
    raw = step.with_.get("push") if step is not None else None
    text = str(raw).strip() if raw is not None else ""
    if _NOT_PR.match(text):
        return None  # pushes on every event but pull requests
    return f"push: {text}" if text else "a run-time condition holds"


def _step(job: Job, index: int | None) -> Step | None:
    return job.steps[index] if index is not None and 0 <= index < len(job.steps) else None


def _metadata_step(job: Job, step_id: str) -> Step | None:
    for s in job.steps:
        if s.id == step_id and s.uses is not None and s.uses.slug.lower() in METADATA_ACTIONS:
            return s
    return None


def _rule(line: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for cell in line.split(","):
        key, _, value = cell.partition("=")
        out[key.strip().lower()] = value.strip()
    return out


def _images(res: GhaResolver, step: Step) -> Iterator[Templated]:
    for entry in input_list(step.with_.get("images"), commas=False):
        cells = _rule(entry) if "name=" in entry else {"name": entry.split(",")[0]}
        if cells.get("enable", "true").lower() == "false":
            continue
        yield from res.resolve(cells.get("name", ""), step).values


def _raw_value(res: GhaResolver, step: Step, value: str) -> list[tuple[Templated, TagClass | None]]:
    if "{{" in value:
        body = re.sub(r"\s+", "", value)
        if "{{sha}}" in body:
            return [
                (Templated.literal_text(value), TagClass("unique", f"'{value}' holds the commit"))
            ]
        return [(Templated.literal_text(value), TagClass("unknown", f"'{value}' is a pattern"))]
    return [(v, None) for v in res.resolve(value, step).values]


def _metadata_tags(
    res: GhaResolver, step: Step, shape: RunShape, wf: Workflow
) -> list[tuple[Templated | None, TagClass | None, str]]:
    """(tag, fixed class, how) for each tag the metadata step makes."""
    lines = input_list(step.with_.get("tags"), commas=False) or _DEFAULT_RULES
    out: list[tuple[Templated | None, TagClass | None, str]] = []
    tag_rule = False
    ref_name = Templated.of(tuple(res.resolve("${{ github.ref_name }}").values[0].parts))
    for line in lines:
        rule = _rule(line)
        kind = rule.get("type", "")
        how = f"metadata-action {line.strip()}"
        enable = rule.get("enable", "true")
        if enable.lower() == "false":
            continue
        if enable.lower() != "true":
            out.append((None, TagClass("unknown", f"'{line}' is enabled by {enable}"), how))
            continue
        event = rule.get("event", "")
        if kind == "raw":
            out += [(t, c, how) for t, c in _raw_value(res, step, rule.get("value", ""))]
        elif (kind == "ref" and event == "branch") or kind == "edge":
            out.append((ref_name, None, how))
        elif (kind == "ref" and event == "tag") or kind in _TAG_RULES:
            tag_rule = True
            out.append((None, TagClass("unique", "the pushed Git tag, new on every release"), how))
        elif kind == "sha":
            out.append((None, TagClass("unique", "type=sha, the commit"), how))
        elif kind == "ref" and event == "pr" and "pull_request" in wf.on.names:
            out.append(
                (
                    None,
                    TagClass("unknown", "pr-<number>, the same for every commit of a pull request"),
                    how,
                )
            )
        elif kind == "schedule" and "schedule" in wf.on.names:
            out.append(
                (None, TagClass("unknown", "the schedule pattern (nightly by default)"), how)
            )
    latest = "auto"
    for entry in input_list(step.with_.get("flavor"), commas=False):
        key, _, value = entry.partition("=")
        if key.strip().lower() == "latest":
            latest = value.strip().lower()
    if latest == "true" or (latest == "auto" and tag_rule and shape.tag_pushes):
        how = f"metadata-action flavor latest={latest}"
        out.append((Templated.literal_text("latest"), None, how))
    elif latest not in ("true", "false", "auto"):
        out.append(
            (None, TagClass("unknown", f"the latest flavor is {latest}"), "metadata-action flavor")
        )
    return out


def pushed_tags(
    job: Job, events: Sequence[Event], github_repository: str | None = None
) -> list[PushedTag]:
    """Every tag the job pushes, with its ref resolved (see the module docstring)."""
    res = GhaResolver(job, github_repository=github_repository)
    shape = run_shape(job.workflow)
    out: list[PushedTag] = []
    built: list[tuple[Templated, str]] = []
    for event in events:
        step = _step(job, event.origin.step)
        shell = event.origin.section == "run"
        if isinstance(event, BuildEvent):
            for tag in event.tags:
                built += [(v, tag) for v in res.resolve(tag, step, shell=shell).values]
            continue
        if not isinstance(event, PushEvent):
            continue
        maybe = _maybe(job, event)
        if event.all_tags is not None:
            for repo in res.resolve(event.all_tags, step, shell=shell).values:
                target = parse_ref(repo)
                for value, written in built:
                    ref = parse_ref(value)
                    if same_repository(ref, target) is not False:
                        how = f"docker push --all-tags (built as {written})"
                        out.append(PushedTag(ref, ref.tag, event.origin, how, None, maybe))
            continue
        for written in event.refs:
            m = _OUTPUT_TAGS.match(written.strip())
            meta = _metadata_step(job, m.group(1)) if m else None
            if meta is not None:
                tags = _metadata_tags(res, meta, shape, job.workflow)
                for image in _images(res, meta):
                    for made, fixed, how in tags:
                        full = image + Templated.literal_text(":") + made if made else image
                        ref = parse_ref(full)
                        label = made or Templated.literal_text("?")
                        out.append(PushedTag(ref, label, event.origin, how, fixed, maybe))
                continue
            for value in res.resolve(written, step, shell=shell).values:
                ref = parse_ref(value)
                if ref.digest is not None and ref.tag is None:
                    continue  # pushed by digest: no tag to collide
                how = f"{event.tool} pushes {written}"
                out.append(PushedTag(ref, ref.tag, event.origin, how, None, maybe))
    return out
