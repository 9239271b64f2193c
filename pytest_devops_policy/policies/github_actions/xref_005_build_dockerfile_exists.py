"""XREF-005: the Dockerfile, build context and target stage a workflow builds exist.

The first cross-artifact policy (catalog §9.3): anchored on the job that builds, it reads the
job's build events (``knowledge.xref.gha_events``: ``docker build``/``buildx``/``podman``/
``buildah``, kaniko, ``docker/build-push-action``) and checks them against the repository:

* the Dockerfile (``-f`` relative to the step's directory; the default ``<context>/Dockerfile``;
  build-push-action's ``file`` relative to the workspace) is a file of the repository;
* the context directory exists;
* ``--target``/``target:`` names a stage of that Dockerfile (case-insensitive).

Each failure stops the build at once. UNKNOWN rather than FAIL (§9.1: no noise from guessing):
a path holding a template token (``${{ }}``, ``$VAR``), an absolute path, an unknown working
directory, a Git-URL or stdin context; and a missing path the job may have created itself:
after ``actions/download-artifact``, a cache restore, a second checkout, any other action,
or a command that names the path's first directory (``mkdir build``, ``git clone ... src``).
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_builds import gha_may_create, judge_builds, repository_of
from pytest_devops_policy.knowledge.xref.events import BuildEvent
from pytest_devops_policy.knowledge.xref.gha_events import job_events


def _builds(job: Job) -> list[BuildEvent]:
    return [
        e
        for e in job_events(job)
        if isinstance(e, BuildEvent) and e.context_kind in ("path", "git")
    ]


def _applies(job: Job) -> bool:
    return bool(_builds(job))


@policy(
    id="XREF-005",
    name="build-dockerfile-exists",
    title="Workflow builds name a Dockerfile, context and target that exist",
    severity=Severity.MEDIUM,
    rationale=(
        "A build step whose Dockerfile was moved or renamed, whose context directory is "
        "gone, or whose --target names a stage the Dockerfile no longer has fails on the "
        "runner, after checkout and setup, and only on the branch that deploys. Each side "
        "looks fine alone: the workflow is valid YAML, the Dockerfile is valid."
    ),
    remediation=(
        "Point -f/file: at the Dockerfile's current path (relative to the step's working "
        "directory for docker build, to the workspace for docker/build-push-action), the "
        "context at an existing directory, and --target at a stage name the Dockerfile "
        "declares (FROM ... AS <name>)."
    ),
    controls=("NIST-800-53-CM-3", "SLSA-Build-L2-scripted"),
    references=(
        "https://docs.docker.com/reference/cli/docker/buildx/build/",
        "https://github.com/docker/build-push-action#inputs",
    ),
    applies=_applies,
    example=(
        "# .github/workflows/ci.yml\n"
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker build -f docker/api.Dockerfile --target prod -t api .\n"
        "---\n"
        "# docker/api.Dockerfile\n"
        "FROM python:3.12-slim AS build\n"
        "FROM python:3.12-slim AS runtime\n"
    ),
    use_instead=(
        "# .github/workflows/ci.yml\n"
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker build -f docker/api.Dockerfile --target runtime -t api .\n"
        "---\n"
        "# docker/api.Dockerfile\n"
        "FROM python:3.12-slim AS build\n"
        "FROM python:3.12-slim AS runtime\n"
    ),
)
def build_dockerfile_exists(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    root = repository_of(job.workflow.source.path, context.cache)

    def where(build: BuildEvent) -> str:
        index = build.origin.step
        return job.steps[index].label if index is not None else f"job '{job.id}'"

    def may_create(build: BuildEvent, rel: str) -> str | None:
        before = build.origin.step if build.origin.step is not None else len(job.steps)
        return gha_may_create(job, before, rel)

    yield from judge_builds(_builds(job), root, context.cache, where, may_create)
