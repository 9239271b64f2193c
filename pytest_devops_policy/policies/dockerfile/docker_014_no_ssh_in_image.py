"""DOCKER-014: the shipped image runs no SSH server."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Instruction,
    Stage,
)
from pytest_devops_policy.knowledge.docker.build import package_ops, ssh_daemon, unresolved_why
from pytest_devops_policy.knowledge.docker.run import RunScript, stage_run_scripts
from pytest_devops_policy.knowledge.packages import is_ssh_server_package
from pytest_devops_policy.knowledge.shell import parse_argv, parse_script
from pytest_devops_policy.options import DockerOptions

_SSH_PORT = 22
_META_PACKAGES = {("apk", "openssh"), ("zypper", "openssh"), ("apt", "ssh")}


def _expose(
    dockerfile: Dockerfile, ins: Instruction, build_args: Mapping[str, str]
) -> Iterator[Violation | Unknown]:
    for word in ins.args.split():
        exp = dockerfile.resolve(word, ins, build_args)
        shown = word if exp.text == word else f"{word} (= {exp.text})"
        if not exp.resolved:
            yield Unknown(
                f"EXPOSE {word} (line {ins.line}) depends on {exp.why()} "
                "(docker.build_args can supply one)"
            )
            continue
        for spec in exp.text.split():
            port, _sep, proto = spec.partition("/")
            # sshd listens on TCP only: 22/udp (or sctp) is not SSH.
            if proto and proto.lower() != "tcp":
                continue
            low, _dash, high = port.partition("-")
            try:
                first, last = int(low), int(high or low)
            except ValueError:
                continue  # not a port: docker build rejects it
            if first <= _SSH_PORT <= last:
                what = "publishes the SSH port" if first == last else "includes the SSH port 22"
                yield Violation(f"EXPOSE {shown} (line {ins.line}) {what}", line=ins.line)


def _installs(
    dockerfile: Dockerfile, runs: Sequence[RunScript], build_args: Mapping[str, str]
) -> Iterator[Violation | Unknown]:
    for op in package_ops(dockerfile, runs, build_args):
        inst = op.install
        if not inst.os_level or not inst.installs:
            continue
        servers = [p for p in inst.packages if is_ssh_server_package(inst, p)]
        if servers:
            names = ", ".join(
                f"{p.name} (a meta package that includes the server)"
                if (inst.family, p.name) in _META_PACKAGES
                else p.name
                for p in servers
            )
            yield Violation(
                f"{inst.describe()} (line {op.line}) installs an SSH server: {names}",
                line=op.line,
            )
        if op.unknown_packages:
            source = "xargs input" if op.from_stdin else unresolved_why(op)
            yield Unknown(
                f"{inst.describe()} (line {op.line}) installs packages from {source}; it may "
                "install an SSH server"
            )
    for run in runs:
        if run.posix:
            continue
        # Windows: Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0
        for command, line in run.commands:
            if command.name.lower() == "add-windowscapability" and any(
                a.lower().startswith("openssh.server") for a in command.args
            ):
                yield Violation(
                    f"Add-WindowsCapability OpenSSH.Server (line {line}) installs an SSH server",
                    line=line,
                )


def _effective(chain: Sequence[Stage], keyword: str) -> tuple[Instruction, int] | None:
    found: tuple[Instruction, int] | None = None
    for pos, st in enumerate(chain):
        for ins in st.find(keyword):
            found = (ins, pos)
    return found


def _startup(chain: Sequence[Stage]) -> Iterator[Violation]:
    entry = _effective(chain, "ENTRYPOINT")
    cmd = _effective(chain, "CMD")
    if entry is not None and cmd is not None and cmd[1] < entry[1]:
        cmd = None  # an ENTRYPOINT resets the CMD inherited from the stage it is built FROM
    for found in (entry, cmd):
        if found is None:
            continue
        ins = found[0]
        script = parse_argv(ins.exec_form) if ins.exec_form is not None else parse_script(ins.args)
        for command in script.commands:
            daemon = ssh_daemon(command)
            if daemon is not None:
                shown = ins.args if len(ins.args) <= 60 else ins.args[:57] + "..."
                yield Violation(
                    f"{ins.keyword} {shown} (line {ins.line}) starts an SSH server: {daemon}",
                    line=ins.line,
                )
                break


@policy(
    id="DOCKER-014",
    name="no-ssh-in-image",
    title="The shipped image must not run or expose an SSH server",
    severity=Severity.HIGH,
    rationale=(
        "An SSH daemon in a container is a second way in that bypasses the orchestrator: it "
        "needs keys or passwords baked into or mounted into the image, it is rarely patched "
        "with the application, and every exec-style action through it escapes the audit "
        "trail of docker exec / kubectl exec. Containers are replaced, not logged into. The "
        "shipped stage counts with the stages it is built FROM: EXPOSE 22 (or a range or "
        "variable that covers it), an installed openssh-server or dropbear, or sshd started "
        "by CMD or ENTRYPOINT."
    ),
    remediation=(
        "Remove the SSH server, its EXPOSE and its start-up command. Debug with docker exec "
        "or kubectl exec / kubectl debug (ephemeral containers), copy files with docker cp "
        "or kubectl cp, and keep an SSH client (openssh-client) only if the application "
        "itself connects out."
    ),
    controls=("CIS-Docker-5.6", "CIS-Docker-4.3", "NIST-800-53-CM-7", "NIST-800-53-AC-17"),
    references=(
        "checkov:CKV_DOCKER_1",
        "trivy:AVD-DS-0004",
        "hadolint:DL3001",
        "kube-linter:ssh-port",
    ),
    example="""\
FROM ubuntu:24.04
RUN apt-get update \\
 && apt-get install -y --no-install-recommends openssh-server \\
 && rm -rf /var/lib/apt/lists/*
EXPOSE 22 8080
CMD ["/usr/sbin/sshd", "-D"]
""",
    use_instead="""\
FROM ubuntu:24.04
RUN apt-get update \\
 && apt-get install -y --no-install-recommends openssh-client \\
 && rm -rf /var/lib/apt/lists/*
EXPOSE 8080
CMD ["/app/server"]
""",
)
def no_ssh_in_image(dockerfile: Dockerfile, context: Context) -> Iterator[Violation | Unknown]:
    settings = context.options(DockerOptions)
    build_args = settings.build_args
    stage = dockerfile.target_stage(settings.target)
    chain = dockerfile.chain(stage, build_args)
    for st in chain:
        for ins in st.find("EXPOSE"):
            yield from _expose(dockerfile, ins, build_args)
    # What the shipped image holds: an ONBUILD trigger installs into the images built FROM
    # it, each of which is checked where it is built.
    runs = [
        r for st in chain for r in stage_run_scripts(dockerfile, st, build_args, triggers=False)
    ]
    yield from _installs(dockerfile, runs, build_args)
    yield from _startup(chain)
