"""DOCKER-001: the shipped stage runs as a non-root user."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    image_matches,
    is_root_user,
)
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.options import DockerOptions

# Base images that already run as a non-root user. A leading "!" excludes: the
# Chainguard "-dev" variants add a shell and package manager and run as root.
DEFAULT_NONROOT_BASES = (
    "gcr.io/distroless/*:*nonroot*",
    "cgr.dev/chainguard/*",
    "!cgr.dev/chainguard/*:*-dev",
    "*:*nonroot*",
)


def _allowlisted(image_text: str, patterns: Sequence[str]) -> bool:
    image = parse_image(image_text)
    allowed = [p for p in patterns if not p.startswith("!")]
    denied = [p[1:] for p in patterns if p.startswith("!")]
    return any(image_matches(image, p) for p in allowed) and not any(
        image_matches(image, p) for p in denied
    )


@policy(
    id="DOCKER-001",
    name="final-stage-non-root-user",
    title="The shipped image must run as a non-root user",
    severity=Severity.HIGH,
    rationale=(
        "A process running as uid 0 inside the container is root on the host's kernel: one "
        "container escape, writable host mount or kernel bug away from owning the node. "
        "Only the stage that is shipped matters; builder stages may need root to install "
        "packages. The effective user is the last USER of the shipped stage and of the stages "
        "it is built FROM; without any USER the base image decides, and most base images "
        "(and scratch) run as root."
    ),
    remediation=(
        "Create an unprivileged user in the final stage and switch to it last, preferably by "
        "numeric UID (RUN adduser -S -u 10001 app, then USER 10001:10001), or start from a "
        "base image that already runs as non-root (distroless :nonroot, Chainguard). Further "
        'non-root bases can be added to docker.nonroot_base_allowlist ("!pattern" '
        "entries exclude)."
    ),
    controls=("CIS-Docker-4.1", "NIST-800-53-AC-6"),
    references=(
        "hadolint:DL3002",
        "checkov:CKV_DOCKER_8",
        "checkov:CKV_DOCKER_3",
        "trivy:AVD-DS-0002",
    ),
    example="""\
FROM node:20.11-alpine AS build
RUN npm ci && npm run build

FROM node:20.11-alpine AS runtime
COPY --from=build /app/dist /app
USER root
CMD ["node", "/app/server.js"]
""",
    use_instead="""\
FROM node:20.11-alpine AS build
RUN npm ci && npm run build

FROM node:20.11-alpine AS runtime
COPY --from=build /app/dist /app
USER 10001:10001
CMD ["node", "/app/server.js"]
""",
)
def final_stage_non_root_user(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    settings = context.options(DockerOptions)
    build_args = settings.build_args
    stage = dockerfile.target_stage(settings.target)
    where = dockerfile.shipped_title(stage)

    user = dockerfile.effective_user(stage, build_args)
    if user is not None:
        ins = user.instruction
        inherited = "" if user.stage is stage else f", inherited from stage {user.stage.display}"
        if not user.expansion.resolved:
            why = user.expansion.why("which has no value in this Dockerfile")
            yield Unknown(
                f"{where} runs as USER {ins.args} (line {ins.line}{inherited}), which depends "
                f"on {why} (a build arg or the base image sets it)"
            )
            return
        if is_root_user(user.name):
            shown = ins.args if user.expansion.text == ins.args else f"{ins.args} (= {user.name})"
            yield Violation(
                f"{where} runs as root: USER {shown} (line {ins.line}{inherited})", line=ins.line
            )
        return

    # No USER anywhere in the chain: the root image's default user applies.
    root, image = dockerfile.root_image(stage, build_args)
    if not image.resolved:
        yield Unknown(
            f"{where} has no USER and its base image FROM {root.base} (line {root.from_line}) "
            f"depends on {image.why()}"
        )
        return
    text = image.text.strip()
    if text.lower() == "scratch":
        yield Violation(
            f"{where} has no USER and is built FROM scratch (line {root.from_line}), which "
            "runs as uid 0",
            line=stage.from_line,
        )
        return
    # docker.nonroot_base_allowlist extends the defaults; "!pattern" entries exclude.
    extra = context.options(DockerOptions).nonroot_base_allowlist
    if _allowlisted(text, [*DEFAULT_NONROOT_BASES, *extra]):
        return
    yield Violation(
        f"{where} has no USER, so it runs as the default user of '{text}' "
        f"(FROM line {root.from_line}), which is not known to be non-root",
        line=stage.from_line,
    )
