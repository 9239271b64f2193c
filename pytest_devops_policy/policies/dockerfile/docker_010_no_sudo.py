"""DOCKER-010: no sudo in the build, and none shipped in the image."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Instruction
from pytest_devops_policy.knowledge.docker.run import findings_message, run_scripts, written_files
from pytest_devops_policy.knowledge.packages import parse_install
from pytest_devops_policy.options import DockerOptions

# doas is sudo's OpenBSD-style twin (Alpine ships it): same risk, same finding.
_ESCALATORS = frozenset({"sudo", "doas"})
_PACKAGES = frozenset({"sudo", "sudo-ldap", "sudo-rs", "doas", "opendoas", "doas-sudo-shim"})
_OS_MANAGERS = frozenset(
    {"apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "tdnf", "zypper"}
)


def _is_sudoers(path: str) -> bool:
    return path.startswith(("/etc/sudoers", "/etc/doas.conf", "/etc/doas.d"))


@policy(
    id="DOCKER-010",
    name="no-sudo",
    title="No sudo in RUN steps or in the shipped image",
    severity=Severity.MEDIUM,
    rationale=(
        "Build steps run as root until the first USER, so sudo in a RUN adds nothing but "
        "a setuid-root binary, its configuration and a TTY/signal-handling layer that "
        "behaves badly in containers; it usually means a USER switch is in the wrong "
        "place. Shipped in the image, sudo (or doas) with a sudoers rule lets any process "
        "of the non-root user become root again, undoing the non-root policy."
    ),
    remediation=(
        "Drop sudo from RUN steps: run the steps that need root before USER app (or wrap "
        "them in USER root ... USER app). Do not install the sudo or doas package in the "
        "shipped stage and do not write sudoers rules; if an entrypoint must drop "
        "privileges at start-up, use gosu, su-exec or setpriv instead."
    ),
    controls=("CIS-Docker-4.8", "NIST-800-53-AC-6"),
    references=("hadolint:DL3004", "checkov:CKV2_DOCKER_1", "trivy:AVD-DS-0010"),
    example="""\
FROM debian:12.5-slim
RUN apt-get update && apt-get install -y --no-install-recommends sudo \\
 && rm -rf /var/lib/apt/lists/*
RUN useradd -u 10001 app && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app
USER app
RUN sudo mkdir -p /srv/data && sudo chown app /srv/data
CMD ["/usr/local/bin/app"]
""",
    use_instead="""\
FROM debian:12.5-slim
RUN useradd -u 10001 app && mkdir -p /srv/data && chown app /srv/data
USER 10001
CMD ["/usr/local/bin/app"]
""",
)
def no_sudo(dockerfile: Dockerfile, context: Context) -> Iterator[Violation]:
    settings = context.options(DockerOptions)
    build_args = settings.build_args
    shipped = dockerfile.target_stage(settings.target)
    chain = dockerfile.chain(shipped, build_args)
    in_chain = {st.index for st in chain}
    where = dockerfile.shipped_title(shipped)
    found: dict[Instruction, list[tuple[int, str]]] = {}  # -> (line, what is wrong)

    for rs in run_scripts(dockerfile, build_args):
        pieces = found.setdefault(rs.instruction, [])
        for c, line in rs.resolved_commands():
            if c.name in _ESCALATORS:
                pieces.append((line, f"{rs.shown(c, line)} (line {line}) runs {c.name}"))
            if rs.onbuild or rs.stage.index not in in_chain:
                # A builder stage's packages are not shipped; a trigger's land in whichever
                # image is built FROM this one.
                continue
            install = parse_install(c)
            if install is None or install.manager not in _OS_MANAGERS:
                continue
            for pkg in install.packages:
                if pkg.name in _PACKAGES:
                    pieces.append(
                        (
                            line,
                            f"{rs.shown(c, line)} (line {line}) installs {pkg.name} into {where}",
                        )
                    )

    # A sudoers rule is what turns an installed (or base-image) sudo into root access.
    for w in written_files(dockerfile, chain, build_args, triggers=False):
        if _is_sudoers(w.path):
            found.setdefault(w.instruction, []).append(
                (w.line, f"{w.shown} (line {w.line}) writes {w.path} in {where}")
            )
    for st in chain:
        for ins in st.find("COPY", "ADD"):
            if ins.heredocs:
                continue  # their text was looked at above
            dest = dockerfile.resolve(dockerfile.copy_paths(ins).dest, ins, build_args).text
            if _is_sudoers(dest):
                found.setdefault(ins, []).append(
                    (ins.line, f"{ins.args} (line {ins.line}) puts sudo rules into {where}")
                )

    for ins, pieces in sorted(found.items(), key=lambda item: item[0].line):
        if pieces:
            yield Violation(findings_message(ins, pieces), line=pieces[0][0])
