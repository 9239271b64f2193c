"""HOST-022 resource-limits-set: running containers and the named systemd units have memory
and process-count limits (and CPU limits when required) (catalog §8.3)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import NotApplicable, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.containers import CLIS, lines, run_cli
from pytest_devops_policy.knowledge.host.systemd import parse_show, show_command

INSPECT = (
    "{cli} inspect --format '{{{{.Name}}}} {{{{.HostConfig.Memory}}}} "
    "{{{{.HostConfig.NanoCpus}}}} {{{{.HostConfig.CpuQuota}}}} {{{{.HostConfig.PidsLimit}}}}' "
    "$({cli} ps -q)"
)
UNIT_LIMITS = ("Id", "MemoryMax", "MemoryHigh", "TasksMax", "CPUQuotaPerSecUSec")
_NO_CONTAINERS = "requires at least 1 argument"


@policy(
    id="HOST-022",
    name="resource-limits-set",
    title="Containers and named services have memory and process limits",
    severity="medium",
    rationale=(
        "A container or service without a memory limit can take all of the host's memory: "
        "the kernel's OOM killer then picks a victim, which may be the database next to it. "
        "Without a process limit a fork bomb or a thread leak exhausts the host's PIDs and "
        "nothing new can start, not even an ssh session to fix it."
    ),
    remediation=(
        "Start containers with --memory and --pids-limit (compose: mem_limit, pids_limit; "
        "and --cpus when CPU must be shared fairly). For systemd services set MemoryMax= "
        "(or MemoryHigh=) and TasksMax= in a drop-in (systemctl edit UNIT)."
    ),
    controls=("CIS-Docker-5.10", "CIS-Docker-5.28", "NIST-800-53-SC-6", "CWE-770"),
    references=("https://docs.docker.com/engine/containers/resource_constraints/",),
    example="""\
# $ docker inspect --format '{{.Name}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} \
{{.HostConfig.CpuQuota}} {{.HostConfig.PidsLimit}}' $(docker ps -q)
/web 0 0 0 <nil>
""",
    use_instead="""\
# $ docker inspect --format '{{.Name}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} \
{{.HostConfig.CpuQuota}} {{.HostConfig.PidsLimit}}' $(docker ps -q)
/web 536870912 1000000000 0 256
""",
    commands=(
        *(INSPECT.format(cli=cli) for cli in CLIS),
        show_command(UNIT_LIMITS, ["<units of limits.units>"]),
    ),
    reads=(),
    needs_root=("docker inspect (root or the docker group)",),
    profiles=("server",),
)
def resource_limits_set(host: Host) -> Iterator[Violation | Unknown]:
    judged = False
    require_cpu = host.options.limits_require_cpu
    for cli in CLIS:
        answer = run_cli(host, INSPECT.format(cli=cli))
        if answer.denied:
            judged = True  # there are containers to judge; they cannot be seen
            yield Unknown(
                f"needs root on {host.label} (run as root, or with --sudo): {cli} inspect "
                f"({answer.why})"
            )
            continue
        if answer.result is None:
            judged = judged or _NO_CONTAINERS in answer.why
            continue
        judged = True
        for line in lines(answer.result):
            yield from _container(cli, line, require_cpu)
    units = host.options.limits_units
    if units:
        judged = True
        yield from _units(host, units, require_cpu)
    if not judged:
        yield NotApplicable("no usable container CLI (docker, podman) and no host.limits.units")


def _container(cli: str, line: str, require_cpu: bool) -> Iterator[Violation]:
    words = line.split()
    if len(words) != 5:
        return
    name, memory, nano_cpus, cpu_quota, pids = words
    name = name.lstrip("/")
    where = f"({cli} inspect)"
    if memory == "0":
        yield Violation(f"container {name} has no memory limit (HostConfig.Memory = 0) {where}")
    if not pids.lstrip("-").isdigit() or int(pids) <= 0:
        yield Violation(
            f"container {name} has no process limit (HostConfig.PidsLimit = {pids}) {where}"
        )
    if require_cpu and nano_cpus in ("0", "<nil>") and cpu_quota in ("0", "-1", "<nil>"):
        yield Violation(
            f"container {name} has no CPU limit (NanoCpus and CpuQuota unset; "
            f"limits.require_cpu) {where}"
        )


def _units(host: Host, units: tuple[str, ...], require_cpu: bool) -> Iterator[Violation | Unknown]:
    if not (host.live and host.facts.init == "systemd" and host.has("systemctl")):
        yield Unknown(
            f"host.limits.units names {', '.join(units)}, and {host.label} has no systemd to ask"
        )
        return
    command = show_command(UNIT_LIMITS, units)
    result = host.run(command)
    shown = {p.get("Id", ""): p for p in parse_show(result.out)} if result.ok else {}
    for unit in units:
        props = shown.get(unit)
        if props is None:
            yield Unknown(f"systemctl show did not describe {unit} ({command})")
            continue
        if props.get("MemoryMax") == "infinity" and props.get("MemoryHigh") == "infinity":
            yield Violation(
                f"unit {unit} has no memory limit (MemoryMax and MemoryHigh = infinity)"
            )
        if props.get("TasksMax") == "infinity":
            yield Violation(f"unit {unit} has no task limit (TasksMax = infinity)")
        if require_cpu and props.get("CPUQuotaPerSecUSec") == "infinity":
            yield Violation(
                f"unit {unit} has no CPU limit (CPUQuotaPerSecUSec = infinity; limits.require_cpu)"
            )
