"""Container-image pushes and container-image scans in CI steps (GHA-028, GHA-020).

A *push* puts an image into a registry, where clusters and users pull it from. The forms
are the image part of the shared release table (``patterns.IMAGE_PUSH_COMMANDS`` and
``IMAGE_PUSH_ACTIONS``, which the classifier, GHA-002, GHA-019 and GHA-020 read too):

* ``run:`` commands (matched per command segment, like the classifier's patterns):
  ``docker push`` / ``docker image|manifest push``, ``docker [buildx] build … --push`` (or
  ``--output type=registry`` / ``push=true``), ``docker buildx bake … --push``, ``docker
  buildx imagetools create``, ``docker compose push``, ``podman push`` / ``podman manifest
  push``, ``buildah push``, ``nerdctl push``, ``crane push|copy``, ``skopeo copy|sync``,
  ``ko build|publish|resolve|apply``, ``gcloud builds submit``, ``pack build … --publish``,
  ``earthly … --push``, ``devcontainer build … --push``, Jib's ``mvn … jib:build`` /
  ``gradle … jib``;
* actions: ``docker/build-push-action``, ``docker/bake-action``, their ``depot/``
  replacements and ``int128/kaniko-action`` with ``push:`` true or an expression (``push: ${{
  github.event_name != 'pull_request' }}`` *may* push, which counts), or ``outputs:
  type=registry``; ``mr-smithers-excellent/docker-build-push`` (pushes unless ``pushImage:
  false``); ``redhat-actions/push-to-registry``, ``elgohr/publish-docker-github-action``,
  ``aevea/action-kaniko``, ``macbre/push-to-ghcr``,
  ``pmorelli92/github-container-registry-build-push``.

GHA-028 judges pushes of newly built content (``image_pushes``): a manifest list
(``docker buildx imagetools create``, ``docker manifest push``) or a copy (``crane copy``,
``skopeo copy``) republishes images pushed before. What the table cannot say is decided
here: ``--help`` prints and pushes nothing; ko keeps
the image local with ``--push=false``, ``--local``/``-L`` or ``KO_DOCKER_REPO=ko.local``.

A *container scan* is one of the classifier's scan steps of category ``image``
(``trivy image``, ``grype <image>``, ``snyk container test``, ``anchore/scan-action``,
``snyk/actions/docker``...), narrowed where an action's inputs say it scans something
else: ``aquasecurity/trivy-action`` needs ``scan-type: image`` (its default) and an
``image-ref`` or ``input`` (a saved image); ``docker/scout-action`` needs ``cves`` in
its ``command``; ``anchore/scan-action`` with only ``path``/``sbom`` scans files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import (
    ExpressionError,
    find_expressions,
    parse_expression,
)
from pytest_devops_policy.formats.github_actions.expressions import Lit as _Lit
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.config import ClassifierConfig
from pytest_devops_policy.knowledge.ci.jobs import JobClass, StepHit
from pytest_devops_policy.knowledge.ci.patterns import IMAGE_PUSH_ACTIONS, IMAGE_PUSH_COMMANDS
from pytest_devops_policy.knowledge.ci.segments import Segment, command_segments, match_commands

__all__ = [
    "PUSH_ACTIONS",
    "PUSH_COMMANDS",
    "ImagePush",
    "image_pushes",
    "image_scans",
    "scan_order",
    "step_pushes",
]

# The push table is the release table's image part (``patterns.IMAGE_PUSH_*``, shared with
# the classifier, GHA-002, GHA-019 and GHA-020); this module adds what the table cannot say.
PUSH_COMMANDS = IMAGE_PUSH_COMMANDS
PUSH_ACTIONS = IMAGE_PUSH_ACTIONS
REPUBLISH_FAMILIES = frozenset({"manifest", "copy"})


@dataclass(frozen=True)
class ImagePush:
    """A step that pushes (or may push) an image."""

    step: Step
    what: str  # the command or action, for messages
    maybe: bool = False  # pushes depending on an expression
    segment: int = 0  # the command's position in the step's script
    family: str = "action"  # the table's family (``docker``, ``manifest``, ``copy``...)

    @property
    def builds(self) -> bool:
        """Pushes newly built content (not a manifest list, not a copy of a pushed image)."""
        return self.family not in REPUBLISH_FAMILIES

    @property
    def order(self) -> tuple[int, int]:
        """Where it runs: (step index, command position in the script)."""
        return (self.step.index, self.segment)

    @property
    def label(self) -> str:
        how = "runs" if self.step.run is not None else "uses"
        cond = " (depending on an expression)" if self.maybe else ""
        return f"{self.step.label} {how} '{self.what}'{cond}"


_HELP = re.compile(r"\s(?:--help|-h)(?=\s|$)")


def _ko_local(seg: Segment) -> bool:
    text = seg.text
    return bool(
        re.search(r"\s(?:--push=false|--local\b|-L\b)", text)
        or re.search(r"\s--push\s+false\b", text)
    )


def _ko_local_env(step: Step, job: Job | None) -> bool:
    """``KO_DOCKER_REPO=ko.local`` in the step's env (or inline) keeps the image local."""
    if job is not None:
        found = job.env_value("KO_DOCKER_REPO", step)
        value = str(found[0]) if found is not None else ""
    else:
        value = str(step.env.get("KO_DOCKER_REPO", ""))
    return value.startswith(("ko.local", "kind.local"))


def _flag(value: Any) -> bool | None:
    """An input's truth: ``True``/``False``, or ``None`` for an expression (may be either)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    exprs = find_expressions(text)
    if exprs:
        if len(exprs) == 1 and exprs[0].start == 0 and exprs[0].end == len(text):
            try:
                node = parse_expression(exprs[0].body)
            except ExpressionError:
                return None
            if isinstance(node, _Lit):
                return node.value not in (False, None, "", 0.0, "false")
        return None
    return text.lower() in ("true", "1", "yes", "on")


def step_pushes(step: Step, job: Job | None = None) -> Iterator[ImagePush]:
    """The image pushes of one step (none, one per matching command, or the action).
    Without its ``job``, only the step's own ``env`` is read (``KO_DOCKER_REPO``)."""
    if step.run:
        segments = command_segments(step.run)
        for m in match_commands(segments, PUSH_COMMANDS):
            if _HELP.search(m.segment.text):
                continue  # `docker push --help` prints, it does not push
            if m.pattern.family == "ko" and (
                _ko_local(m.segment)
                or _ko_local_env(step, job)
                or "KO_DOCKER_REPO=ko.local" in step.run
            ):
                continue
            yield ImagePush(
                step, m.text, segment=segments.index(m.segment), family=m.pattern.family
            )
    uses = step.uses
    if uses is None or not uses.is_remote:
        return
    name = uses.slug.lower()
    if name not in PUSH_ACTIONS:
        return
    key, default = PUSH_ACTIONS[name]
    pushes: bool | None = default
    if key is not None and key in step.with_:
        pushes = _flag(step.with_[key])
    outputs = str(step.with_.get("outputs", ""))
    if pushes is False and ("type=registry" in outputs or "push=true" in outputs):
        pushes = True
    if pushes is not False:
        yield ImagePush(step, uses.name, maybe=pushes is None)


def image_pushes(job: Job) -> list[ImagePush]:
    """Every push of newly built image content in a job, in step order (GHA-028: a
    manifest list or a copy of images pushed before is no new content to scan)."""
    return [p for s in job.steps for p in step_pushes(s, job) if p.builds]


def _text_input(step: Step, key: str) -> str:
    value = step.with_.get(key)
    return "" if value is None else str(value).strip()


def _action_scans_image(step: Step, hit: StepHit) -> bool:
    """Narrow the classifier's action-based image scans by their inputs."""
    if hit.family == "trivy":
        kind = (_text_input(step, "scan-type") or "image").lower()
        return kind == "image" and bool(
            _text_input(step, "image-ref") or _text_input(step, "input")
        )
    if hit.family == "scout":
        commands = {c.strip().lower() for c in _text_input(step, "command").split(",")}
        return "cves" in commands
    if hit.family == "grype":
        has_files = bool(_text_input(step, "path") or _text_input(step, "sbom"))
        return bool(_text_input(step, "image")) or not has_files
    return True


def image_scans(job: Job, jc: JobClass) -> list[StepHit]:
    """The job's container-image scan steps (classifier hits of category ``image``)."""
    out: list[StepHit] = []
    for hit in jc.scan_steps:
        if "image" not in hit.categories:
            continue
        if hit.via == "uses" and not _action_scans_image(job.steps[hit.index], hit):
            continue
        out.append(hit)
    return out


def scan_order(job: Job, hit: StepHit, settings: ClassifierConfig) -> tuple[int, int]:
    """Where a scan runs, comparable with ``ImagePush.order``: a scan command's position
    in its script (``docker build && trivy image && docker push`` scans first)."""
    step = job.steps[hit.index]
    if hit.via != "run" or not step.run:
        return (hit.index, -1)
    segments = command_segments(step.run)
    for m in match_commands(segments, settings.scan_commands):
        if "image" in m.pattern.categories:
            return (hit.index, segments.index(m.segment))
    return (hit.index, -1)
