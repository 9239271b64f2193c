"""Whether a step publishes a release: the one reader of the shared release table.

The table is ``patterns.PACKAGE_RELEASE_*`` (packages and GitHub releases) plus the image
pushes of ``knowledge.ci.images`` (``patterns.IMAGE_PUSH_*`` with their input logic). It
serves GHA-019 (a release job is no CI job), GHA-020 (a release job restores no cache) and
GHA-002 (what justifies ``contents: write`` or ``packages: write``, by family); the
classifier matches the same table as regexes (``RELEASE_COMMANDS``/``RELEASE_ACTIONS``).

Narrower than the classifier on one form: ``changesets/action`` publishes only when its
``publish`` input names a command (without it, it opens a version pull request).
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.images import step_pushes
from pytest_devops_policy.knowledge.ci.patterns import (
    PACKAGE_RELEASE_ACTIONS,
    PACKAGE_RELEASE_COMMANDS,
)
from pytest_devops_policy.knowledge.ci.segments import (
    command_segments,
    match_action,
    match_commands,
)

__all__ = ["IMAGE", "Publish", "job_publish", "step_publishes"]

IMAGE = "image"  # the family of an image push


@dataclass(frozen=True)
class Publish:
    """One publishing step: what publishes (for messages) and its family (``pypi``,
    ``npm``, ``github-release``, ``goreleaser``, ``image``...)."""

    step: Step
    what: str
    family: str

    @property
    def label(self) -> str:
        how = "uses" if self.step.run is None else "runs"
        return f"{self.step.label} {how} '{self.what}'"


def step_publishes(step: Step, job: Job | None = None) -> list[Publish]:
    """What the step publishes: package or GitHub releases, then image pushes."""
    out: list[Publish] = []
    uses = step.uses
    if uses is not None and uses.is_remote:
        p = match_action(uses.name, PACKAGE_RELEASE_ACTIONS)
        if p is not None and (p.glob != "changesets/action" or step.with_.get("publish")):
            out.append(Publish(step, uses.name, p.family))
    if step.run:
        for m in match_commands(command_segments(step.run), PACKAGE_RELEASE_COMMANDS):
            out.append(Publish(step, m.text, m.pattern.family))
    for push in step_pushes(step, job):
        out.append(Publish(step, push.what, IMAGE))
    return out


def job_publish(job: Job) -> Publish | None:
    """The job's first publishing step, or ``None``."""
    for step in job.steps:
        found = step_publishes(step, job)
        if found:
            return found[0]
    return None
