"""HOST-012 kernel-sysctl-hardening: the running kernel parameters are the hardened ones
(catalog §8.3)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.services import running
from pytest_devops_policy.knowledge.host.sysctl import (
    FORWARDING_KEYS,
    LOW_KEYS,
    boot_files_command,
    boot_values,
    parse_expectation,
    parse_values,
    values_command,
)
from pytest_devops_policy.options.host import DEFAULT_SYSCTL_EXPECTED

# What makes forwarding a host's job under sysctl.allow_forwarding = "auto".
_FORWARDER_UNITS = ("docker.service", "containerd.service", "kubelet.service", "libvirtd.service")
_FORWARDER_PROCESSES = (
    "dockerd",
    "containerd",
    "kubelet",
    "libvirtd",
    "podman",
    "conmon",
    "netavark",
    "aardvark-dns",
)


def _forwarding_allowed(host: Host) -> tuple[bool | None, str]:
    """(allowed, why); allowed is None when 'auto' cannot tell."""
    setting = host.options.sysctl_allow_forwarding
    if setting != "auto":
        return setting == "true", f"sysctl.allow_forwarding = {setting}"
    if host.options.role == "router":
        return True, 'host.role = "router"'
    for cli in ("docker", "podman"):
        if host.has(cli):
            return True, f"{cli} is installed"
    state = running(host, _FORWARDER_UNITS, _FORWARDER_PROCESSES)
    if state:
        return True, "a container or VM runtime runs"
    if state is None:
        return None, "the process table cannot be read"
    return False, ""


@policy(
    id="HOST-012",
    name="kernel-sysctl-hardening",
    title="Kernel parameters are set to their hardened values",
    severity=Severity.MEDIUM,
    rationale=(
        "The kernel's defaults favour compatibility: ICMP redirects and source routing let a "
        "neighbour reroute traffic, a host that forwards packets is a router nobody "
        "firewalled as one, without ASLR and SYN cookies exploits and floods get easier, "
        "and ptrace, hard/soft-link and core-dump settings decide whether one compromised "
        "account reads another's memory and secrets. The running values are judged (the "
        "files only say what the next boot sets); a failing key also says what the boot "
        "files set, because a value fixed by hand is lost on reboot."
    ),
    remediation=(
        "Set the values in /etc/sysctl.d/60-hardening.conf (kernel.randomize_va_space = 2, "
        "net.ipv4.conf.all.accept_redirects = 0, ...) and load them with 'sysctl --system'. "
        "A container host or router that must forward packets keeps "
        'sysctl.allow_forwarding = "auto" (container runtimes are recognised) or sets '
        'host.role = "router"; other keys are changed or disabled in host.sysctl.expected.'
    ),
    controls=(
        "CIS-DIL-1.5.1",
        "CIS-DIL-1.5.3",
        "CIS-DIL-3.1.1",
        "CIS-DIL-3.1.2",
        "CIS-DIL-3.2.1",
        "CIS-DIL-3.2.2",
        "CIS-DIL-3.2.3",
        "CIS-DIL-3.2.8",
        "CIS-U22-1.5.1",
        "CIS-U22-1.5.2",
        "CIS-U22-1.5.3",
        "CIS-U22-3.3.1",
        "CIS-U22-3.3.2",
        "CIS-U22-3.3.5",
        "CIS-U22-3.3.6",
        "CIS-U22-3.3.8",
        "CIS-U22-3.3.10",
        "NIST-800-53-CM-6",
        "NIST-800-53-SC-7",
    ),
    references=(
        "dev-sec:sysctl-01",
        "dev-sec:sysctl-11",
        "dev-sec:sysctl-13",
        "dev-sec:sysctl-14",
        "dev-sec:sysctl-15",
        "dev-sec:sysctl-16",
        "dev-sec:sysctl-19",
        "dev-sec:sysctl-20",
        "dev-sec:sysctl-31a",
        "dev-sec:sysctl-31b",
        "dev-sec:sysctl-32",
        "dev-sec:sysctl-34",
        "dev-sec:sysctl-35",
        "stig:RHEL-09-213010",
        "stig:RHEL-09-213030",
        "stig:RHEL-09-213035",
        "stig:RHEL-09-213070",
        "stig:RHEL-09-213080",
        "stig:RHEL-09-253010",
        "stig:RHEL-09-253015",
        "stig:RHEL-09-253020",
        "stig:RHEL-09-253040",
        "stig:RHEL-09-253045",
        "stig:RHEL-09-253065",
        "stig:RHEL-09-253070",
        "stig:RHEL-09-253075",
        "stig:RHEL-09-254015",
        "stig:RHEL-09-254025",
        "stig:UBTU-22-213010",
        "stig:UBTU-22-213020",
        "stig:UBTU-22-253010",
        "lynis:KRNL-6000",
        "lynis:KRNL-5820",
    ),
    example=f"""\
# $ {values_command("/proc/sys", sorted(DEFAULT_SYSCTL_EXPECTED))}
kernel.randomize_va_space=0
net.ipv4.conf.all.accept_redirects=1
""",
    use_instead=f"""\
# $ {values_command("/proc/sys", sorted(DEFAULT_SYSCTL_EXPECTED))}
kernel.randomize_va_space=2
net.ipv4.conf.all.accept_redirects=0
""",
    commands=(
        values_command("/proc/sys", ["<each key of host.sysctl.expected>"]),
        boot_files_command(),
        "ps -eo pid=,args=",
        "systemctl is-active -- <docker|containerd|kubelet|libvirtd>.service",
    ),
    reads=("host.paths.proc_sys (/proc/sys; not under host.root)",),
    profiles=("server",),
)
def kernel_sysctl_hardening(host: Host) -> Iterator[Violation | Unknown]:
    expected = host.options.sysctl_expected
    proc_sys = host.options.paths["proc_sys"]
    result = host.run(values_command(proc_sys, sorted(expected)))
    if not result.ok:
        why = (result.err.strip() or f"exit status {result.rc}").splitlines()[0]
        yield Unknown(f"cannot read {proc_sys} on {host.label}: {why}")
        return
    values = parse_values(result.out)
    failing: list[tuple[str, str, str]] = []  # key, actual, expected
    for key in sorted(expected):
        actual = values.get(key, "?")
        if actual == "?":
            continue  # the kernel has no such key (IPv6 disabled, no Yama): nothing to judge
        if actual == "!":
            yield Unknown(
                f"needs root on {host.label} (run as root, or with --sudo): read "
                f"{proc_sys}/{key.replace('.', '/')}"
            )
            continue
        want = parse_expectation(expected[key])
        met = want.met(actual)
        if met is None:
            yield Unknown(f"{key}={actual} is not a number (expected {want.text})")
            continue
        if key in FORWARDING_KEYS and not met:
            allowed, why = _forwarding_allowed(host)
            if allowed:
                continue
            if allowed is None:
                yield Unknown(
                    f"{key}={actual}: cannot tell whether this host forwards for containers "
                    f"({why}); set sysctl.allow_forwarding or host.role"
                )
                continue
        if not met:
            failing.append((key, actual, want.text))
    if not failing:
        return
    # The boot-time value of each failing key: is it persisted, or drifted from the files?
    boot = boot_values(host.run(boot_files_command()).out)
    for key, actual, wanted in failing:
        at_boot = boot.get(key)
        if at_boot is None:
            persisted = "; no sysctl file sets it"
        elif at_boot[0] == actual:
            persisted = f"; {at_boot[1]} sets it at boot"
        else:
            persisted = f"; {at_boot[1]} sets {at_boot[0]} at boot, so the running value drifted"
        yield Violation(
            f"{key}={actual} (expected {wanted}) in {proc_sys}/{key.replace('.', '/')}{persisted}",
            severity=Severity.LOW if key in LOW_KEYS else None,
        )
