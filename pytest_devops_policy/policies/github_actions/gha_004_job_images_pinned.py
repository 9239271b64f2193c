"""GHA-004: job containers and service containers name a version (a tag other than latest, or
a digest)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import (
    BinOp,
    Ctx,
    Lit,
    Node,
    find_expressions,
)
from pytest_devops_policy.formats.github_actions.values import as_text
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.formats.images import parse_image

_UNKNOWN = None  # a candidate value only known at run time


def _matrix_candidates(job: Job, key: str) -> list[str | None]:
    """The values ``matrix.<key>`` takes: its list and each ``include`` entry's value; '' for
    combinations that do not set it (GitHub then runs no container / skips the service)."""
    matrix = job.strategy.get("matrix")
    if not isinstance(matrix, Mapping):
        return [_UNKNOWN]
    out: list[str | None] = []
    base = matrix.get(key)
    if isinstance(base, list):
        out.extend(as_text(v) for v in base)
    elif base is not None:
        return [_UNKNOWN]  # fromJSON(...) or another expression
    else:
        out.append("")
    include = matrix.get("include", [])
    if not isinstance(include, list):
        return [*out, _UNKNOWN]
    for entry in include:
        if not isinstance(entry, Mapping):
            out.append(_UNKNOWN)
        elif key in entry:
            out.append(as_text(entry[key]))
    return [v if v is None or "${{" not in v else _UNKNOWN for v in out]


def _candidates(node: Node, job: Job) -> list[str | None]:
    """The strings an image expression can produce: literals, static matrix values and the
    branches of ``a && 'x' || 'y'``; ``None`` stands for a value set at run time."""
    if isinstance(node, Lit):
        return [node.value] if isinstance(node.value, str) else [""]
    if isinstance(node, Ctx):
        if len(node.path) == 2 and node.path[0] == "matrix":
            return _matrix_candidates(job, node.path[1])
        return [_UNKNOWN]
    if isinstance(node, BinOp) and node.op == "||":
        return _candidates(node.left, job) + _candidates(node.right, job)
    if isinstance(node, BinOp) and node.op == "&&":
        # falsy left side: the result is that falsy value, which is no image
        return _candidates(node.right, job)
    if isinstance(node, BinOp):
        return [""]  # a comparison gives a boolean, not an image name
    return [_UNKNOWN]


def _expression_images(text: str, job: Job) -> list[str | None] | None:
    """The image names a value that is exactly one ``${{ }}`` can take (``None``: it is more
    than one expression, or text around one)."""
    exprs = find_expressions(text)
    if len(exprs) != 1 or exprs[0].text != text or exprs[0].node is None:
        return None
    return list(dict.fromkeys(_candidates(exprs[0].node, job)))


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
        if "${{" not in text:
            yield from _judge(what, text, path)
            continue
        candidates = _expression_images(text, job)
        known = [c for c in candidates or [] if c]
        found = [v for c in known for v in _judge(what, c, path, via=text)]
        yield from found
        if not found and (candidates is None or _UNKNOWN in candidates):
            yield Unknown(f"{what} image is an expression ({text}): its tag is set at run time")


def _judge(
    what: str, text: str, path: tuple[PathPart, ...], via: str | None = None
) -> Iterator[Violation]:
    ref = parse_image(text.removeprefix("docker://"))
    if ref.digest or "${{" in text:
        return
    shown = f"'{text}' (a value of {via})" if via else f"'{text}'"
    if ref.tag is None:
        yield Violation(
            f"{what} image {shown} has no tag: it runs whatever '{ref.name}:latest' "
            "is when the job starts",
            path=path,
        )
    elif ref.tag == "latest":
        yield Violation(f"{what} image {shown} is tagged latest, which moves", path=path)
