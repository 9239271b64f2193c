"""DOCKER-021: no insecure BuildKit entitlements, and only trusted, pinned frontends."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, image_matches
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.options import DockerOptions

# The official Dockerfile frontend, under both of its names (image_matches treats
# docker.io/docker/dockerfile and docker/dockerfile alike).


def _allowed_frontends(context: Context) -> tuple[str, ...]:
    # The setting replaces the default (catalog §7.4), so a team can allow only its mirror.
    return context.options(DockerOptions).allowed_frontends


def _run_findings(dockerfile: Dockerfile) -> Iterator[Violation]:
    for stage in dockerfile.stages:
        # A trigger's RUN asks for the entitlement in every build FROM this stage.
        for ins in stage.find("RUN", triggers=True):
            problems: list[str] = []
            severity: Severity | None = None
            security = (ins.flag("security") or "").strip().lower()
            network = (ins.flag("network") or "").strip().lower()
            if security == "insecure":
                problems.append(
                    "--security=insecure runs the step as a privileged container with full "
                    "access to the build host (the security.insecure entitlement)"
                )
            if network == "host":
                problems.append(
                    "--network=host gives the step the build host's network, including "
                    "services listening on localhost"
                )
                if security != "insecure":
                    severity = Severity.MEDIUM
            if problems:
                flags = [f"--security={security}"] if security == "insecure" else []
                flags += [f"--network={network}"] if network == "host" else []
                command = ins.args if len(ins.args) <= 60 else ins.args[:57] + "..."
                yield Violation(
                    ins.mark(
                        f"RUN {' '.join(flags)} {command} (line {ins.line}): {'; '.join(problems)}"
                    ),
                    line=ins.line,
                    severity=severity,
                )


@policy(
    id="DOCKER-021",
    name="no-insecure-build-features",
    title="No insecure build entitlements, and only a trusted, digest-pinned frontend",
    severity=Severity.HIGH,
    rationale=(
        "RUN --security=insecure runs a build step as a privileged container: anything it "
        "executes (a compromised package's install script, say) owns the build host and the "
        "credentials on it. RUN --network=host puts the step on the host's network, where "
        "cloud metadata endpoints and local services are reachable. The '# syntax=' "
        "directive names the frontend image that parses the Dockerfile and drives the whole "
        "build with the builder's privileges; any image other than Docker's own is code from "
        "a third party, and an unpinned tag can change under you."
    ),
    remediation=(
        "Remove --security=insecure (build what needs privileges outside the Dockerfile) "
        "and --network=host (use the default network, or --network=none for steps that need "
        "none). Use the official frontend and pin it by digest: # syntax=docker/dockerfile:1"
        "@sha256:<digest>. Frontends your organisation vets can be listed in "
        "docker.allowed_frontends (image patterns, such as "
        '"registry.example.com/frontends/dockerfile:*"); the list replaces the default '
        '["docker/dockerfile:*"].'
    ),
    controls=("NIST-800-53-AC-6", "NIST-800-53-SR-3"),
    references=(
        "https://docs.docker.com/build/buildkit/frontend/",
        "https://docs.docker.com/reference/dockerfile/#run---security",
        "https://docs.docker.com/reference/dockerfile/#run---network",
    ),
    example="""\
# syntax=example/dockerfile-frontend:latest
FROM debian:12
RUN --security=insecure mount -t tmpfs none /mnt
RUN --network=host curl -fsS http://localhost:8080/artifact -o /artifact
""",
    use_instead="""\
# syntax=docker/dockerfile:1@sha256:06ef933a552057e0b6825a2de66c5d0bc710f8a91cdda854ab3884fe95378a4a
FROM debian:12
RUN --mount=type=tmpfs,target=/mnt ls /mnt
COPY artifact /artifact
""",
)
def no_insecure_build_features(dockerfile: Dockerfile, context: Context) -> Iterator[Violation]:
    syntax = dockerfile.directive("syntax")
    if syntax is not None:
        value, line = syntax
        # BuildKit reads the image from the first word; the rest are frontend options.
        text = value.split()[0] if value.split() else value
        image = parse_image(text)
        allowed = _allowed_frontends(context)
        trusted = any(image_matches(image, p) for p in allowed)
        pinned = image.has_sha256_digest
        if not trusted:
            pin_note = "" if pinned else "; it is not pinned by digest either"
            yield Violation(
                f"# syntax={text} (line {line}) selects a frontend image, which runs the whole "
                "build, that is not on docker.allowed_frontends "
                f"({', '.join(allowed) or 'empty'}){pin_note}",
                line=line,
            )
        elif not pinned:
            yield Violation(
                f"# syntax={text} (line {line}) does not pin the frontend image by digest; "
                "add @sha256:<digest> so that a re-pushed tag cannot change the build",
                line=line,
                severity=Severity.LOW,
            )
    yield from _run_findings(dockerfile)
