"""DOCKER-013: packages are installed with their signatures checked."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Instruction
from pytest_devops_policy.knowledge.docker.run import findings_message, run_scripts, written_files
from pytest_devops_policy.knowledge.downloads import (
    AptSource,
    add_apt_repository_sources,
    apt_sources,
    is_apt_sources_path,
    signature_bypass,
    signature_bypass_in_config,
)
from pytest_devops_policy.options import DockerOptions


def _unsigned(sources: list[AptSource]) -> str | None:
    """``[trusted=yes]`` / ``allow-insecure=yes`` in APT sources, as a phrase."""
    for src in sources:
        if src.trusted or src.allow_insecure:
            option = "trusted=yes" if src.trusted else "allow-insecure=yes"
            where = f" for {src.uris[0]}" if src.uris else ""
            return f"an APT source with {option}{where}, which skips the signature check"
    return None


@policy(
    id="DOCKER-013",
    name="package-signatures-verified",
    title="Packages must be installed with their signatures verified",
    severity=Severity.HIGH,
    rationale=(
        "Package signatures are what make a mirror, a proxy or a network path unable to "
        "slip modified packages into the image. apk --allow-untrusted, apt-get "
        "--allow-unauthenticated, [trusted=yes] sources, --nogpgcheck, gpgcheck=0 and rpm "
        "--nosignature all install whatever arrives. This applies to every stage: a "
        "builder that installs an unverified compiler or library poisons everything it "
        "builds and copies into the final image."
    ),
    remediation=(
        "Import the repository's signing key and keep verification on: apt sources with "
        "signed-by=/usr/share/keyrings/<repo>.gpg, gpgcheck=1 with gpgkey= in .repo files, "
        "apk keys in /etc/apk/keys. For a package built in-house, sign it (abuild-sign, "
        "rpmsign, dpkg-sig) or build it in an earlier stage and COPY --from the result."
    ),
    controls=("CIS-Docker-4.11", "NIST-800-53-SI-7", "NIST-800-53-CM-14"),
    references=(
        "checkov:CKV2_DOCKER_7",
        "checkov:CKV2_DOCKER_8",
        "checkov:CKV2_DOCKER_9",
        "checkov:CKV2_DOCKER_10",
        "checkov:CKV2_DOCKER_11",
    ),
    example="""\
FROM debian:12.5-slim
RUN echo "deb [trusted=yes] http://apt.internal.example/debian bookworm main" \\
      > /etc/apt/sources.list.d/internal.list \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends --allow-unauthenticated internal-agent
""",
    use_instead="""\
FROM debian:12.5-slim
COPY keys/internal-archive.gpg /usr/share/keyrings/internal-archive.gpg
RUN echo "deb [signed-by=/usr/share/keyrings/internal-archive.gpg] \\
https://apt.internal.example/debian bookworm main" > /etc/apt/sources.list.d/internal.list \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends internal-agent=2.4.1-1 \\
 && rm -rf /var/lib/apt/lists/*
""",
)
def package_signatures_verified(dockerfile: Dockerfile, context: Context) -> Iterator[Violation]:
    build_args = context.options(DockerOptions).build_args
    found: dict[Instruction, list[tuple[int, str]]] = {}

    for rs in run_scripts(dockerfile, build_args):
        pieces = found.setdefault(rs.instruction, [])
        for c, line in rs.resolved_commands():
            why = signature_bypass(c)
            if why is None:
                unsigned = _unsigned(add_apt_repository_sources(c))
                why = f"adds {unsigned}" if unsigned is not None else None
            if why is not None:
                pieces.append((line, f"{rs.shown(c, line)} (line {line}) {why}"))

    for w in written_files(dockerfile, None, build_args):
        why = signature_bypass_in_config(w.path, w.text)
        if why is None and is_apt_sources_path(w.path):
            why = _unsigned(apt_sources(w.text, edit=w.mode == "edit"))
            why = f"adds {why}" if why is not None else None
        if why is not None:
            found.setdefault(w.instruction, []).append(
                (w.line, f"{w.shown} (line {w.line}) writes {w.path}: {why}")
            )

    for ins, pieces in sorted(found.items(), key=lambda item: item[0].line):
        if pieces:
            yield Violation(findings_message(ins, pieces), line=pieces[0][0])
