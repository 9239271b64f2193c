"""GHA-004: job containers and service containers name a version (a tag other than latest, or
a digest)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.formats.images import parse_image


def _images(job: Job) -> Iterator[tuple[str, Any, tuple[PathPart, ...]]]:
    """(what it is, the image value, its job-relative path) for the job's container and each
    service. A container may be a bare image string or a mapping with ``image``."""
    container = job.container
    if isinstance(container, Mapping):
        if "image" in container:
            yield "the job container", container["image"], ("container", "image")
    elif container is not None:
        yield "the job container", container, ("container",)
    for name, service in job.services.items():
        if isinstance(service, Mapping) and "image" in service:
            yield f"service '{name}'", service["image"], ("services", name, "image")


def _applies(job: Job) -> bool:
    """Only jobs that run a container or services (no item for the others)."""
    return next(_images(job), None) is not None


@policy(
    id="GHA-004",
    name="job-images-pinned",
    title="Job and service container images are pinned",
    severity=Severity.MEDIUM,
    rationale=(
        "A job container or service image without a tag, or tagged latest, is whatever the "
        "registry serves on the day the job runs: a rebuilt upstream image, a breaking major "
        "version or a compromised push changes what runs beside your code and secrets "
        "without any change in the repository, and a failure cannot be reproduced."
    ),
    remediation=(
        "Name a version: postgres:16.4 (or an image digest, postgres:16.4@sha256:…, "
        "refreshed by Dependabot or Renovate)."
    ),
    controls=("SLSA-Build-L3-hermetic", "OpenSSF-Scorecard-Pinned-Dependencies"),
    references=("zizmor:unpinned-images",),
    applies=_applies,
    example=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    container: node\n"
        "    services:\n"
        "      db:\n"
        "        image: postgres:latest\n"
        "    steps:\n"
        "      - run: npm test\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    container: node:20.11-bookworm\n"
        "    services:\n"
        "      db:\n"
        "        image: postgres:16.4\n"
        "    steps:\n"
        "      - run: npm test\n"
    ),
)
def job_images_pinned(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    for what, value, path in _images(job):
        text = str(value).strip() if value is not None else ""
        if not text:
            continue  # GitHub rejects an empty image; nothing to judge here
        if "${{" in text:
            yield Unknown(f"{what} image is an expression ({text}): its tag is set at run time")
            continue
        ref = parse_image(text.removeprefix("docker://"))
        if ref.digest:
            continue
        if ref.tag is None:
            yield Violation(
                f"{what} image '{text}' has no tag: it runs whatever '{ref.name}:latest' "
                "is when the job starts",
                path=path,
            )
        elif ref.tag == "latest":
            yield Violation(f"{what} image '{text}' is tagged latest, which moves", path=path)
