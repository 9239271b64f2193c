"""HOST-009 firewall-default-deny-inbound: what is not allowed in is dropped (catalog §8.3,
§8.2-7)."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import CommandResult, Host, NeedsRoot
from pytest_devops_policy.knowledge.host.firewall import (
    FAMILIES,
    ChainView,
    UfwState,
    docker_published,
    firewalld_zones,
    iptables_input,
    nft_input_chains,
    ufw_from_files,
    ufw_status,
)
from pytest_devops_policy.knowledge.host.sysctl import parse_values, values_command
from pytest_devops_policy.options import HostOptions

NFT = "nft -j list ruleset"
IPTABLES = {"IPv4": "iptables -w 5 -S INPUT", "IPv6": "ip6tables -w 5 -S INPUT"}
UFW = "ufw status verbose"
UFW_CONF = "/etc/ufw/ufw.conf"
UFW_DEFAULTS = "/etc/default/ufw"
FWD_STATE = "firewall-cmd --state"
FWD_ACTIVE = "firewall-cmd --get-active-zones"
FWD_DEFAULT = "firewall-cmd --get-default-zone"
DOCKER_PS = "docker ps --format '{{.Ports}}'"
DISABLE_IPV6 = "net.ipv6.conf.all.disable_ipv6"
_OK_TARGETS = frozenset({"default", "DROP", "%%REJECT%%", "REJECT"})


def _required(spec: Any, context: Any) -> bool:
    """No item when cloud security groups do the filtering (host.firewall = "external")."""
    if context is None or not hasattr(context, "options"):
        return True
    return bool(context.options(HostOptions).firewall != "external")


def _refused(result: CommandResult) -> bool:
    text = (result.err + result.out).lower()
    return not result.ok and any(
        w in text
        for w in ("permission denied", "operation not permitted", "must be root", "need to be root")
    )


def _ipv6_enabled(host: Host) -> bool:
    """IPv6 counts unless net.ipv6.conf.all.disable_ipv6 = 1 (absent: no IPv6 in the kernel)."""
    result = host.run(values_command(host.options.paths["proc_sys"], [DISABLE_IPV6]))
    value = parse_values(result.out).get(DISABLE_IPV6) if result.ok else None
    if value == "?":
        return False
    return value != "1"


class _Kernel:
    """What nft and iptables show: every base input chain, or why they cannot be read."""

    def __init__(self) -> None:
        self.chains: list[ChainView] = []
        self.read: list[str] = []  # the commands whose answer was read
        self.refused: list[str] = []  # the commands that needed root
        self.failed: list[str] = []  # other errors: "command: first stderr line"

    def denying(self, family: str) -> list[ChainView]:
        return [c for c in self.chains if family in c.families and c.denies]

    def covering(self, family: str) -> list[ChainView]:
        return [c for c in self.chains if family in c.families]


def _kernel(host: Host) -> _Kernel:
    seen = _Kernel()
    if host.has("nft"):
        result = host.run(NFT)
        chains = nft_input_chains(result.out) if result.ok else None
        if chains is not None:
            seen.chains += chains
            seen.read.append(NFT)
        elif _refused(result):
            seen.refused.append(NFT)
        elif not result.missing:
            seen.failed.append(_error(NFT, result))
    # iptables too: legacy rules are a separate hook that nft does not show; nft-backed
    # ones repeat what nft showed, which changes no verdict.
    for family, command in IPTABLES.items():
        if not host.has(command.split()[0]):
            continue
        result = host.run(command)
        view = iptables_input(result.out, family) if result.ok else None
        if view is not None:
            seen.read.append(command)
            if view.denies or view.rules or view.policy != "accept":
                seen.chains.append(view)
        elif _refused(result):
            seen.refused.append(command)
        elif not result.missing:
            seen.failed.append(_error(command, result))
    return seen


def _error(command: str, result: CommandResult) -> str:
    first = (result.err.strip() or result.out.strip() or f"exit status {result.rc}").splitlines()
    return f"{command}: {first[0]}"


def _ufw(host: Host) -> UfwState | None:
    if not host.has("ufw"):
        return None
    result = host.run(UFW)
    state = ufw_status(result.out) if result.ok else None
    if state is not None:
        return state
    # Not root: what the configuration says (the runtime state is not readable).
    try:
        conf = host.read_text(UFW_CONF)
        defaults = host.read_text(UFW_DEFAULTS)
    except NeedsRoot:
        return None
    if conf is None:
        return None
    return ufw_from_files(conf, defaults or "")


def _firewalld(host: Host) -> tuple[bool | None, dict[str, str]]:
    """(running, zone -> target); running is None when firewall-cmd cannot be asked."""
    if not host.has("firewall-cmd"):
        return False, {}
    state = host.run(FWD_STATE)
    if state.out.strip() == "not running" or state.rc == 252:
        return False, {}
    if state.out.strip() != "running":
        return None, {}
    active = host.run(FWD_ACTIVE)
    default = host.run(FWD_DEFAULT)
    targets: dict[str, str] = {}
    for zone in firewalld_zones(active.out if active.ok else "", default.out if default.ok else ""):
        got = host.run(f"firewall-cmd --zone={shlex.quote(zone)} --get-target")
        targets[zone] = got.out.strip() if got.ok else ""
    return True, targets


def _docker_note(host: Host) -> str:
    """Published container ports skip INPUT (DNAT to FORWARD): said with every finding."""
    if not host.has("docker"):
        return ""
    result = host.run(DOCKER_PS)
    ports = docker_published(result.out.splitlines()) if result.ok else []
    if not ports:
        return ""
    return (
        f"; note: containers publish port(s) {', '.join(ports)} on every address "
        f"({DOCKER_PS}): published ports are DNAT'ed through FORWARD, not INPUT, so filter "
        "them in the DOCKER-USER chain"
    )


def _chains_text(chains: list[ChainView]) -> str:
    return "; ".join(f"{c.name}: {c.why}" for c in chains) or "no base chain on the input hook"


@policy(
    id="HOST-009",
    name="firewall-default-deny-inbound",
    title="Inbound traffic is denied by default, for IPv4 and IPv6",
    severity=Severity.HIGH,
    rationale=(
        "Without a default-deny inbound filter every service that binds a public address, "
        "now or after the next package install, is reachable from the network: one "
        "forgotten debug port or database is enough. A packet passes every base chain on "
        "the input hook, so one chain that drops by default protects the family; IPv6 is a "
        "second way in when only IPv4 is filtered. Containers publishing ports on 0.0.0.0 "
        "bypass INPUT rules (DNAT through FORWARD): HOST-010 reports their docker-proxy "
        "listeners, and a failure here repeats the published ports as a note."
    ),
    remediation=(
        "Drop inbound by default and allow what the host serves: nftables 'chain input { "
        "type filter hook input priority 0; policy drop; ct state established,related "
        "accept; iif lo accept; tcp dport 22 accept; }' in an inet table (covers IPv4 and "
        "IPv6), or 'ufw default deny incoming && ufw enable', or a firewalld zone with "
        "target DROP/default. Filter published container ports in DOCKER-USER. When cloud "
        'security groups do the filtering, set host.firewall = "external".'
    ),
    controls=(
        "CIS-DIL-3.5.1.1",
        "CIS-DIL-3.5.2.1",
        "CIS-DIL-3.5.3",
        "CIS-U22-4.1.3",
        "CIS-U22-4.1.7",
        "CIS-U22-4.2.8",
        "CIS-U22-4.3.2.1",
        "CIS-U22-4.3.3.1",
        "NIST-800-53-SC-7",
        "NIST-800-53-SC-7(5)",
    ),
    references=(
        "stig:RHEL-09-251010",
        "stig:RHEL-09-251015",
        "stig:RHEL-09-251020",
        "stig:UBTU-22-251010",
        "stig:UBTU-22-251015",
        "stig:UBTU-22-251020",
        "lynis:FIRE-4508",
        "lynis:FIRE-4512",
        "lynis:FIRE-4536",
        "lynis:FIRE-4540",
        "lynis:FIRE-4590",
    ),
    example="""\
# $ nft -j list ruleset
{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
 {"table": {"family": "inet", "name": "filter", "handle": 1}},
 {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1,
  "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}]}
""",
    use_instead="""\
# $ nft -j list ruleset
{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
 {"table": {"family": "inet", "name": "filter", "handle": 1}},
 {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1,
  "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
 {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 4,
  "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}},
  {"accept": null}]}}]}
""",
    applies=_required,
    commands=(
        values_command("/proc/sys", [DISABLE_IPV6]),
        NFT,
        *IPTABLES.values(),
        UFW,
        FWD_STATE,
        FWD_ACTIVE,
        FWD_DEFAULT,
        "firewall-cmd --zone=<zone> --get-target",
        DOCKER_PS,
    ),
    reads=(
        "host.paths.proc_sys/net/ipv6/conf/all/disable_ipv6",
        f"{UFW_CONF} (without root)",
        f"{UFW_DEFAULTS} (without root)",
    ),
    needs_root=(NFT, *IPTABLES.values(), UFW),
    profiles=("server",),
)
def firewall_default_deny_inbound(host: Host) -> Iterator[Violation | Unknown]:
    families = FAMILIES if _ipv6_enabled(host) else FAMILIES[:1]
    kernel = _kernel(host)
    ufw = _ufw(host)
    fwd_running, zones = _firewalld(host)
    findings: list[str] = []

    # Each active front end must deny on its own.
    if ufw is not None and ufw.active and not ufw.denies:
        findings.append(
            f"ufw is active with default '{ufw.incoming or 'unknown'} (incoming)' "
            f"({ufw.where}): inbound traffic is accepted by default"
        )
    if ufw is not None and ufw.active and ufw.ipv6 is False and "IPv6" in families:
        findings.append(f"IPv6 is enabled but ufw does not filter it (IPV6=no in {UFW_DEFAULTS})")
    for zone, target in zones.items():
        if target and target not in _OK_TARGETS:
            findings.append(
                f"firewalld zone '{zone}' has target {target} "
                f"(firewall-cmd --zone={zone} --get-target): it accepts everything"
            )

    ufw_denies = ufw is not None and ufw.active and ufw.denies
    fwd_denies = bool(fwd_running) and bool(zones) and all(t in _OK_TARGETS for t in zones.values())
    off = _front_ends_off(host, ufw, fwd_running)
    if kernel.read and not kernel.chains:
        findings.append(
            f"no active firewall: {', '.join(kernel.read)} show no input filtering" + off
        )
    elif kernel.read:
        # The kernel's own view decides: one denying base chain per family is enough.
        for family in families:
            if not kernel.denying(family):
                findings.append(
                    f"inbound {family} is accepted by default: "
                    f"{_chains_text(kernel.covering(family))} ({', '.join(kernel.read)})"
                )
    elif not kernel.refused and not (ufw_denies or fwd_denies):
        # No packet filter to read at all: what the front ends say is all there is.
        if not any(host.has(c) for c in ("nft", "iptables", "ip6tables", "ufw", "firewall-cmd")):
            findings.append(
                "no firewall tool is installed (nft, iptables, ip6tables, ufw, firewall-cmd): "
                "nothing filters inbound traffic"
            )
        elif off and fwd_running is not None:
            findings.append("no active firewall" + off)
    if findings:
        note = _docker_note(host)
        for text in findings:
            yield Violation(text + note)
        return
    if kernel.read or ufw_denies or fwd_denies:
        return  # the kernel denies, or a front end does while the kernel is hidden
    if fwd_running is None:
        yield Unknown(f"{FWD_STATE} did not answer on {host.label}")
        return
    if not kernel.refused:
        yield Unknown(
            f"cannot read the packet filter on {host.label}: "
            + ("; ".join(kernel.failed) or "no nft or iptables answer")
        )
        return
    refused = ", ".join(kernel.refused)
    yield Unknown(
        f"needs root on {host.label} (run as root, or with --sudo): {refused}, and no "
        "readable firewall configuration (ufw) says inbound is denied"
    )


def _front_ends_off(host: Host, ufw: UfwState | None, fwd_running: bool | None) -> str:
    parts = []
    if ufw is not None and not ufw.active:
        parts.append(f"ufw is inactive ({ufw.where})")
    if fwd_running is False and host.has("firewall-cmd"):
        parts.append(f"firewalld is not running ({FWD_STATE})")
    return "".join(f"; {p}" for p in parts)
