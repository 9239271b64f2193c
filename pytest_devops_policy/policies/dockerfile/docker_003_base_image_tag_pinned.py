"""DOCKER-003: every external image a Dockerfile pulls names a version."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile
from pytest_devops_policy.options import DockerOptions


@policy(
    id="DOCKER-003",
    name="base-image-tag-pinned",
    title="External images must carry a version tag or digest",
    severity=Severity.HIGH,
    rationale=(
        "An image without a tag is the 'latest' tag, and 'latest' moves: the same Dockerfile "
        "builds a different image tomorrow, a rebuild can pull in a new major version, and "
        "an old release cannot be rebuilt as it was. This holds for FROM lines and equally "
        "for images pulled by COPY --from and RUN --mount from=. A registry port "
        "(localhost:5000/app) is not a tag."
    ),
    remediation=(
        "Name an explicit version tag (node:20.11-alpine), ideally with its digest "
        "(node:20.11-alpine@sha256:...), and let Dependabot or Renovate raise the pin. "
        "When the image comes from a build arg, give the ARG a pinned default."
    ),
    controls=("NIST-800-53-CM-2",),
    references=(
        "hadolint:DL3006",
        "hadolint:DL3007",
        "checkov:CKV_DOCKER_7",
        "trivy:AVD-DS-0001",
    ),
    example="""\
FROM golang AS build
RUN go build -o /app ./cmd/app

FROM localhost:5000/base
COPY --from=build /app /app
COPY --from=busybox:latest /bin/wget /usr/local/bin/wget
""",
    use_instead="""\
FROM golang:1.22.1 AS build
RUN go build -o /app ./cmd/app

FROM localhost:5000/base:2024.03
COPY --from=build /app /app
COPY --from=busybox:1.36.1 /bin/wget /usr/local/bin/wget
""",
)
def base_image_tag_pinned(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    build_args = context.options(DockerOptions).build_args
    for ref, image, unknown in dockerfile.pulled_images(build_args):
        if image is None:
            yield Unknown(unknown or ref.describe())
            continue
        line = ref.instruction.line
        if image.digest:
            continue
        if image.tag is None:
            yield Violation(
                f"{ref.describe()} has no tag, so it pulls 'latest' (line {line})", line=line
            )
        elif image.tag == "latest":
            yield Violation(
                f"{ref.describe()} uses the moving 'latest' tag (line {line})", line=line
            )
