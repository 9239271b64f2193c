"""The events of a GitHub Actions job, step by step (catalog §9.2-1, §9.2-7).

``run:`` steps are read by ``script_events`` from the step's working directory: the
workspace root, then ``defaults.run.working-directory`` (the job's replaces the
workflow's), then the step's ``working-directory``; ``cd``/``pushd`` inside the script
move it further. Action steps (which ignore ``working-directory``) are read from their
inputs:

* ``docker/build-push-action`` (and its drop-in ``depot/build-push-action``): ``context``
  (default: the Git context, the repository at the ref, rooted at ``.``), ``file``
  (default ``{context}/Dockerfile``), ``tags`` (a YAML list, CSV or one per line),
  ``target``, ``build-args`` (one per line), ``push`` (default false; an expression makes
  it None, "may push"), ``load``, ``outputs`` (``type=registry`` pushes, ``type=docker``
  loads);
* ``docker/login-action`` ``registry`` (default Docker Hub); ``aws-actions/amazon-ecr-login``
  (its ``steps.<id>.outputs.registry``: some ECR host);
* ``aws-actions/amazon-ecs-render-task-definition`` (``image``, ``container-name``,
  ``task-definition``), ``google-github-actions/deploy-cloudrun`` (``image``, ``service``),
  ``azure/container-apps-deploy-action`` (``imageToDeploy``, ``containerAppName``),
  ``azure/k8s-deploy`` (``manifests``, ``images``, ``namespace``).

Deliberately UNKNOWN: other actions (kaniko and bake actions, composite and local actions,
reusable workflows: their steps are not read here); every value is kept as written.
"""

from __future__ import annotations

import csv
import weakref
from collections.abc import Mapping
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import (
    ExpressionError,
    Lit,
    find_expressions,
    parse_expression,
)
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.xref.events import (
    ECR_LOGIN_ACTION,
    BuildEvent,
    DeployEvent,
    Event,
    LoginEvent,
    Origin,
    PushEvent,
    ecr_registry_token,
    join_path,
)
from pytest_devops_policy.knowledge.xref.script_events import script_events

__all__ = ["input_flag", "input_list", "job_events", "step_cwd", "step_events"]

_BUILD_PUSH = frozenset({"docker/build-push-action", "depot/build-push-action"})


# Several XREF policies, the link scan and the build inputs read one job's events: they are
# read once per job (and forgotten with it). Events are frozen, the list is not handed out.
_EVENTS: weakref.WeakKeyDictionary[Job, tuple[Event, ...]] = weakref.WeakKeyDictionary()


def job_events(job: Job) -> list[Event]:
    """Every event of the job's steps, in order (a reusable-workflow caller has none)."""
    found = _EVENTS.get(job)
    if found is None:
        found = _EVENTS[job] = tuple(e for step in job.steps for e in step_events(job, step))
    return list(found)


def _defaults_dir(raw: Any) -> str | None:
    run = raw.get("run") if isinstance(raw, Mapping) else None
    value = run.get("working-directory") if isinstance(run, Mapping) else None
    return str(value) if isinstance(value, (str, int, float)) else None


def step_cwd(job: Job, step: Step) -> str | None:
    """The directory a ``run:`` step starts in, repository-relative (§9.2-7)."""
    cwd: str | None = "."
    default = _defaults_dir(job.raw.get("defaults"))
    if default is None:
        default = _defaults_dir(job.workflow.defaults)
    for directory in (default, step.working_directory):
        if directory:
            cwd = join_path(cwd, directory)
    return cwd


def _origin(job: Job, step: Step, section: str, n: int, line: int, text: str) -> Origin:
    path = step.path(section)
    found = job.locate(path)
    return Origin(
        file=job.source.relpath,
        job=job.id,
        step=step.index,
        section=section,
        index=0,
        command=n,
        script_line=line,
        path=path,
        line=found[0] if found else step.line,
        text=text,
    )


def step_events(job: Job, step: Step) -> list[Event]:
    """The events of one step: its script's commands, or its action's."""
    if step.run is not None:

        def where(n: int, line: int, text: str) -> Origin:
            return _origin(job, step, "run", n, line, text)

        return script_events(step.run, where, step_cwd(job, step))[0]
    uses = step.uses
    if uses is None or not uses.is_remote:
        return []
    name = uses.slug.lower()
    origin = _origin(job, step, "uses", 0, 1, uses.raw)
    if name in _BUILD_PUSH:
        return _build_push(step, origin, name)
    if name == "docker/login-action":
        registry = _text(step.with_.get("registry"))
        return [LoginEvent(origin=origin, cwd=".", tool=name, registry=registry)]
    if name == ECR_LOGIN_ACTION:
        token = ecr_registry_token(step.id)
        return [LoginEvent(origin=origin, cwd=".", tool=name, registry=token, ecr=True)]
    deploy = _deploy_action(step, origin, uses.name.lower())
    return [deploy] if deploy is not None else []


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (Mapping, list)):
        return None
    text = str(value).strip()
    return text or None


def input_list(value: Any, commas: bool = True) -> tuple[str, ...]:
    """An action's list input as the Docker actions read it: a YAML list, or one item per
    line, each line also split on commas (CSV, quotes honoured) unless ``commas`` is
    False (``build-args`` values may hold commas)."""
    if value is None:
        return ()
    lines = [str(v) for v in value] if isinstance(value, list) else str(value).splitlines()
    out: list[str] = []
    for line in lines:
        cells = next(csv.reader([line], skipinitialspace=True), []) if commas else [line]
        out += [c.strip() for c in cells if c.strip()]
    return tuple(out)


def input_flag(value: Any, default: bool) -> bool | None:
    """A boolean input: True/False, ``default`` when absent, None when an expression
    decides (``push: ${{ github.event_name != 'pull_request' }}``)."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    exprs = find_expressions(text)
    if not exprs:
        return text.lower() == "true"
    if len(exprs) == 1 and exprs[0].start == 0 and exprs[0].end == len(text):
        try:
            node = parse_expression(exprs[0].body)
        except ExpressionError:
            return None
        if isinstance(node, Lit):
            return node.value not in (False, None, "", 0.0, "false")
    return None


def _build_push(step: Step, origin: Origin, name: str) -> list[Event]:
    with_ = step.with_
    context = _text(with_.get("context"))
    file = _text(with_.get("file"))
    outputs = " ".join(input_list(with_.get("outputs"), commas=False))
    push = input_flag(with_.get("push"), False)
    if push is False and ("type=registry" in outputs or "push=true" in outputs):
        push = True
    load = input_flag(with_.get("load"), False) is True or "type=docker" in outputs
    args = []
    for item in input_list(with_.get("build-args"), commas=False):
        key, eq, val = item.partition("=")
        args.append((key.strip(), val if eq else None))
    tags = input_list(with_.get("tags"))
    build = BuildEvent(
        origin=origin,
        cwd=".",
        tool=name,
        dockerfile=file
        or ("Dockerfile" if context is None else f"{context.rstrip('/')}/Dockerfile"),
        dockerfile_default=file is None,
        context=context or ".",
        context_kind="git" if context is None else ("url" if "://" in context else "path"),
        target=_text(with_.get("target")),
        build_args=tuple(args),
        tags=tags,
        push=push,
        load=load,
    )
    if push is False:
        return [build]
    push_event = PushEvent(
        origin=origin, cwd=".", tool=name, refs=tags, maybe=push is None, via_build=True
    )
    return [build, push_event]


def _default_file(context: str | None) -> str:
    return "Dockerfile" if context is None else f"{context.rstrip('/')}/Dockerfile"


def _deploy_action(step: Step, origin: Origin, name: str) -> DeployEvent | None:
    with_ = step.with_
    if name == "aws-actions/amazon-ecs-render-task-definition":
        verb, image, service = "ecs-render", "image", "container-name"
    elif name.startswith("google-github-actions/deploy-cloudrun"):
        verb, image, service = "gcloud-run", "image", "service"
    elif name.startswith("azure/container-apps-deploy-action"):
        verb, image, service = "az-containerapp", "imageToDeploy", "containerAppName"
    elif name.startswith("azure/k8s-deploy"):
        return DeployEvent(
            origin=origin,
            cwd=".",
            tool=name,
            verb="apply",
            files=input_list(with_.get("manifests")),
            images=tuple(("", ref) for ref in input_list(with_.get("images"))),
            namespace=_text(with_.get("namespace")),
        )
    else:
        return None
    task = _text(with_.get("task-definition"))
    return DeployEvent(
        origin=origin,
        cwd=".",
        tool=name,
        verb=verb,
        image=_text(with_.get(image)),
        service=_text(with_.get(service)),
        files=(task,) if task else (),
    )
