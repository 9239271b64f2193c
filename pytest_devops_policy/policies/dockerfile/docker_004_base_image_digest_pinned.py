"""DOCKER-004: every external image a Dockerfile pulls is pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Instruction
from pytest_devops_policy.options import DockerOptions


@policy(
    id="DOCKER-004",
    name="base-image-digest-pinned",
    title="External images must be pinned by sha256 digest",
    severity=Severity.LOW,
    rationale=(
        "A tag is a pointer the publisher can move: node:20.11-alpine is rebuilt for every "
        "Alpine patch, and a compromised registry account can push anything under an "
        "existing tag. Only a digest names exact bytes, so only a digest makes a rebuild "
        "reproducible and a pulled image verifiable. This holds for the base image, for "
        "every other FROM, and for images pulled by COPY --from and RUN --mount from=. "
        "Pinning is safe only with automated bumps (Dependabot or Renovate, GHA-027)."
    ),
    remediation=(
        "Append the digest to the tag: FROM node:20.11-alpine@sha256:<64 hex digits> (tag "
        "and digest together keep the version readable; the digest wins). Look it up with "
        "docker buildx imagetools inspect node:20.11-alpine, and let Dependabot or Renovate "
        "raise it. When the image comes from a build arg, pin the ARG's default."
    ),
    controls=(
        "NIST-800-53-CM-2",
        "NIST-800-53-SI-7",
        "OpenSSF-Scorecard-Pinned-Dependencies",
    ),
    references=(
        "scorecard:Pinned-Dependencies",
        "hadolint:DL3026",
        "checkov:CKV_K8S_43",
    ),
    example="""\
FROM golang:1.22 AS build
RUN go build -o /app ./cmd/app

FROM alpine:3.20
COPY --from=build /app /app
COPY --from=busybox:1.36 /bin/wget /usr/local/bin/wget
""",
    use_instead="""\
FROM golang:1.22@sha256:54f4c6b6e931c43108524078a23491adcab8f475943038b3054ec70372189e44 AS build
RUN go build -o /app ./cmd/app

FROM alpine:3.20@sha256:5107354ea7525365a97517cec0500aac9a874dbff96ffe5456a75e6807d5bddf
COPY --from=build /app /app
COPY --from=busybox:1.36@sha256:46abb03da4c3edcf61b2ae06e4c364b1dca0ab87e51ad67af9a73a9a5e46ea3f \\
     /bin/wget /usr/local/bin/wget
""",
)
def base_image_digest_pinned(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    build_args = context.options(DockerOptions).build_args
    # One finding per instruction: a RUN may mount several images.
    problems: dict[Instruction, list[str]] = {}
    for ref, image, unknown in dockerfile.pulled_images(build_args):
        if image is None:
            yield Unknown(unknown or ref.describe())
            continue
        line = ref.instruction.line
        if image.has_sha256_digest:
            continue
        if image.digest:
            # BuildKit rejects upper-case hex and short digests; other algorithms are not
            # what registries serve, so they cannot pin anything either.
            problem = (
                f"{ref.describe()} has a malformed digest @{image.digest} (line {line}); "
                "expected @sha256: followed by 64 lower-case hex digits"
            )
        else:
            what = f"tag '{image.tag}'" if image.tag else "no tag ('latest')"
            problem = f"{ref.describe()} is not pinned by digest, only by {what} (line {line})"
        problems.setdefault(ref.instruction, []).append(problem)
    for ins, texts in problems.items():
        yield Violation("; ".join(texts), line=ins.line)
