"""HOST-009 … HOST-012 (network and kernel): the firewall, listening sockets, the container
daemon's API and sockets, kernel parameters.

Parsers on golden outputs (tests/data/host/), policies on a fake host (PASS, FAIL, UNKNOWN,
N/A), and through pytest with testinfra's local backend: real loopback listeners for
HOST-010, a fixture /proc/sys tree for HOST-012, shims on PATH for the firewall commands.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from host_fake import DENIED, FakeProbe, fake_host

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation
from pytest_devops_policy.hosts.probe import FileStat
from pytest_devops_policy.knowledge.host import container_daemon as cd
from pytest_devops_policy.knowledge.host import firewall, sockets, sysctl
from pytest_devops_policy.options import HostOptions, build
from pytest_devops_policy.options.spec import OptionError
from pytest_devops_policy.policies.host.host_009_firewall_default_deny_inbound import (
    DISABLE_IPV6,
)
from pytest_devops_policy.policies.host.host_009_firewall_default_deny_inbound import (
    firewall_default_deny_inbound as host_009,
)
from pytest_devops_policy.policies.host.host_010_listeners_allowlisted import (
    listeners_allowlisted as host_010,
)
from pytest_devops_policy.policies.host.host_011_container_daemon_not_exposed import (
    container_daemon_not_exposed as host_011,
)
from pytest_devops_policy.policies.host.host_012_kernel_sysctl_hardening import (
    kernel_sysctl_hardening as host_012,
)

DATA = Path(__file__).parent / "data" / "host"
BASE = (
    "--devops-policy-only",
    "--devops-policy-ignore=SECRET",
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
)


def golden(name: str) -> str:
    return (DATA / name).read_text()


def results(func: Any, probe: FakeProbe, **kw: Any) -> list[Violation | Unknown]:
    return list(func(fake_host(probe, **kw)))


def violations(found: list[Violation | Unknown]) -> list[Violation]:
    return [r for r in found if isinstance(r, Violation)]


def only_unknown(found: list[Violation | Unknown]) -> str:
    assert found and all(isinstance(r, Unknown) for r in found), found
    return " | ".join(r.reason for r in found if isinstance(r, Unknown))


# -- options ---------------------------------------------------------------------------------


def test_network_options_parse_and_refuse() -> None:
    opts = build(
        HostOptions,
        {
            "firewall": "external",
            "listen_allow": ["tcp:8000-8100:gunicorn*", "*:53:*"],
            "critical_ports": [6379, "2379-2380"],
            "sysctl": {
                "expected": {"fs.suid_dumpable": 2, "kernel": {"dmesg_restrict": False}},
                "allow_forwarding": True,
            },
            "role": "router",
        },
    )
    assert opts.firewall == "external" and opts.role == "router"
    assert opts.sysctl_expected["fs.suid_dumpable"] == "2"
    assert "kernel.dmesg_restrict" not in opts.sysctl_expected
    assert opts.sysctl_expected["kernel.yama.ptrace_scope"] == ">=1"  # merged over defaults
    assert opts.sysctl_allow_forwarding == "true"
    defaults = HostOptions()
    # critical ports come from the Terraform options (admin and database ports) plus etcd
    from pytest_devops_policy.options.terraform import TfOptions

    tf = TfOptions()
    assert set(defaults.critical_ports) == {*tf.admin_ports, *tf.db_ports, "2379-2380"}
    for bad in (
        {"listen_allow": ["22"]},
        {"listen_allow": ["tcp:99999:x"]},
        {"listen_allow": ["tcp:30-20:x"]},
        {"sysctl": {"expected": {"fs.suid_dumpable": "two"}}},
        {"sysctl": {"allow_forwarding": "maybe"}},
        {"role": "printer"},
        {"firewall": "none"},
    ):
        with pytest.raises(OptionError):
            build(HostOptions, bad)


# -- HOST-009 parsers ------------------------------------------------------------------------


def test_nft_json_inet_drop_and_ip_only() -> None:
    chains = firewall.nft_input_chains(golden("nft-inet-drop.json"))
    assert chains is not None and len(chains) == 1  # forward and output are not input
    assert chains[0].name == "inet filter input" and chains[0].denies
    assert chains[0].families == ("IPv4", "IPv6")
    mixed = firewall.nft_input_chains(golden("nft-ip-only-reject.json"))
    assert mixed is not None
    by_name = {c.name: c for c in mixed}
    # iptables-nft's "-j REJECT" is an xt target after a counter: unconditional
    assert by_name["ip filter INPUT"].denies
    # a final drop with a match is conditional
    assert not by_name["ip6 filter INPUT"].denies
    assert firewall.nft_input_chains("") == []  # an empty ruleset prints nothing
    assert firewall.nft_input_chains("not json") is None


def test_iptables_s_policy_and_final_rule() -> None:
    view = firewall.iptables_input(golden("iptables-drop.txt"), "IPv4")
    assert view is not None and view.denies and view.rules == 3
    final = firewall.iptables_input(golden("iptables-accept-final-reject.txt"), "IPv4")
    assert final is not None and final.denies and "REJECT" in final.why
    open_v6 = firewall.iptables_input(golden("ip6tables-open.txt"), "IPv6")
    assert open_v6 is not None and not open_v6.denies  # "-p tcp -j REJECT" has a match
    assert firewall.iptables_input("", "IPv4") is None


def test_ufw_status_files_and_firewalld_zones() -> None:
    active = firewall.ufw_status(golden("ufw-active.txt"))
    assert active is not None and active.active and active.denies
    allow = firewall.ufw_status(golden("ufw-allow.txt"))
    assert allow is not None and allow.active and not allow.denies
    assert firewall.ufw_status("Status: inactive\n") == firewall.UfwState(False, "")
    conf = firewall.ufw_from_files("ENABLED=yes\n", 'IPV6=no\nDEFAULT_INPUT_POLICY="REJECT"\n')
    assert conf.active and conf.denies and conf.ipv6 is False
    zones = firewall.firewalld_zones(
        "public\n  interfaces: eth0\ntrusted\n  sources: 10.0.0.0/8\n", "public\n"
    )
    assert zones == ["public", "trusted"]
    assert firewall.docker_published(["0.0.0.0:8080->80/tcp, :::8080->80/tcp", ""]) == ["8080"]
    assert firewall.docker_published(["127.0.0.1:5432->5432/tcp"]) == []


# -- HOST-009 on a fake host -----------------------------------------------------------------

IPV6_CMD = sysctl.values_command("/proc/sys", [DISABLE_IPV6])
NFT = "nft -j list ruleset"
IPT = "iptables -w 5 -S INPUT"
IP6T = "ip6tables -w 5 -S INPUT"
ROOT_ONLY = (1, "", "Error: Could not process rule: Operation not permitted\n")


def fw(commands: dict[str, Any], files: dict[str, Any] | None = None, **kw: Any) -> Any:
    names = sorted({c.split()[0] for c in commands if c != IPV6_CMD} | set(kw.pop("extra", ())))
    commands = {IPV6_CMD: (0, f"{DISABLE_IPV6}=0\n", ""), **commands}
    return results(host_009, FakeProbe(files or {}, commands=commands), commands=names, **kw)


def test_host_009_pass_on_nft_inet_drop() -> None:
    assert fw({NFT: (0, golden("nft-inet-drop.json"), "")}) == []


def test_host_009_fail_ipv6_uncovered_and_pass_when_ipv6_disabled() -> None:
    found = fw({NFT: (0, golden("nft-ip-only-reject.json"), "")})
    messages = [v.message for v in violations(found)]
    assert len(messages) == 1 and messages[0].startswith("inbound IPv6 is accepted by default")
    assert "ip6 filter INPUT: policy accept" in messages[0]
    commands = {
        IPV6_CMD: (0, f"{DISABLE_IPV6}=1\n", ""),
        NFT: (0, golden("nft-ip-only-reject.json"), ""),
    }
    probe = FakeProbe({}, commands=commands)
    assert results(host_009, probe, commands=["nft"]) == []


def test_host_009_fail_empty_ruleset_with_docker_note() -> None:
    found = fw(
        {
            NFT: (0, "", ""),
            IPT: (0, "-P INPUT ACCEPT\n", ""),
            "ufw status verbose": (0, "Status: inactive\n", ""),
            "docker ps --format '{{.Ports}}'": (0, "0.0.0.0:8080->80/tcp\n", ""),
        }
    )
    (v,) = violations(found)
    assert v.message.startswith("no active firewall: nft -j list ruleset, iptables -w 5 -S")
    assert "ufw is inactive" in v.message
    assert "publish port(s) 8080" in v.message and "DOCKER-USER" in v.message


def test_host_009_iptables_without_nft() -> None:
    assert fw({IPT: (0, golden("iptables-drop.txt"), ""), IP6T: (0, "-P INPUT DROP\n", "")}) == []
    found = fw(
        {
            IPT: (0, golden("iptables-accept-final-reject.txt"), ""),
            IP6T: (0, golden("ip6tables-open.txt"), ""),
        }
    )
    (v,) = violations(found)
    assert "inbound IPv6 is accepted by default: ip6tables INPUT" in v.message


def test_host_009_front_ends_must_each_deny() -> None:
    found = fw(
        {
            NFT: (0, golden("nft-inet-drop.json"), ""),
            "ufw status verbose": (0, golden("ufw-allow.txt"), ""),
        }
    )
    assert [v.message for v in violations(found)] == [
        "ufw is active with default 'allow (incoming)' (ufw status verbose): inbound traffic is "
        "accepted by default"
    ]
    firewalld = {
        NFT: (0, golden("nft-inet-drop.json"), ""),
        "firewall-cmd --state": (0, "running\n", ""),
        "firewall-cmd --get-active-zones": (
            0,
            "public\n  interfaces: eth0\ntrusted\n  interfaces: eth1\n",
            "",
        ),
        "firewall-cmd --get-default-zone": (0, "public\n", ""),
        "firewall-cmd --zone=public --get-target": (0, "default\n", ""),
        "firewall-cmd --zone=trusted --get-target": (0, "ACCEPT\n", ""),
    }
    (v,) = violations(fw(firewalld))
    assert "firewalld zone 'trusted' has target ACCEPT" in v.message
    firewalld["firewall-cmd --zone=trusted --get-target"] = (0, "DROP\n", "")
    assert fw(firewalld) == []


def test_host_009_not_root_reads_ufw_files_or_is_unknown() -> None:
    refused = {
        NFT: ROOT_ONLY,
        IPT: (
            4,
            "",
            "iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: "
            "Permission denied (you must be root)\n",
        ),
        "ufw status verbose": (1, "", "ERROR: You need to be root to run this script\n"),
    }
    files = {
        "/etc/ufw/ufw.conf": "ENABLED=yes\n",
        "/etc/default/ufw": 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\n',
    }
    assert fw(refused, files, uid=1000) == []  # configured; runtime state not readable
    files["/etc/default/ufw"] = 'IPV6=no\nDEFAULT_INPUT_POLICY="DROP"\n'
    (v,) = violations(fw(refused, files, uid=1000))
    assert "IPv6 is enabled but ufw does not filter it" in v.message
    reason = only_unknown(fw({NFT: ROOT_ONLY}, uid=1000))
    assert reason.startswith("needs root on fake (run as root, or with --sudo): nft -j list")
    reason = only_unknown(
        fw(
            {**refused, "ufw status verbose": refused["ufw status verbose"]},
            {"/etc/ufw/ufw.conf": DENIED},
            uid=1000,
        )
    )
    assert "needs root" in reason


def test_host_009_no_tool_fails() -> None:
    (v,) = violations(fw({}))
    assert v.message.startswith("no firewall tool is installed")


def test_host_009_external_firewall_has_no_item(pytester: pytest.Pytester) -> None:
    pytest.importorskip("testinfra")
    args = (*BASE, "--devops-policy-hosts=local://", "--collect-only", "-q")
    pytester.makefile(".toml", pyproject='[tool.devops-policy.host]\nprofile = "server"\n')
    assert "host:local::HOST-009" in pytester.runpytest(*args).stdout.str()
    pytester.makefile(
        ".toml",
        pyproject='[tool.devops-policy.host]\nprofile = "server"\nfirewall = "external"\n',
    )
    out = pytester.runpytest(*args).stdout.str()
    assert "host:local::HOST-009" not in out and "host:local::HOST-010" in out


# -- HOST-010 parsers ------------------------------------------------------------------------


def test_ss_lines_and_loopback_forms() -> None:
    found = sockets.parse_ss(golden("ss-tulnp.txt"))
    shown = {s.shown: s.loopback for s in found}
    assert shown == {
        "udp 127.0.0.53%lo:53 (systemd-resolve)": True,
        "udp 0.0.0.0:68 (dhclient)": False,
        "udp [fe80::1%eth0]:546 (dhclient)": False,  # link-local counts
        "tcp 0.0.0.0:22 (sshd)": False,
        "tcp [::]:22 (sshd)": False,
        "tcp 127.0.0.1:6379 (redis-server)": True,
        "tcp *:9100 (node_exporter)": False,
        "tcp 0.0.0.0:8080 (docker-proxy)": False,
        "tcp [::ffff:127.0.0.1]:8125 (statsd)": True,
        "tcp 10.0.0.5:5432 (postgres)": False,
        "tcp [::1]:631 (cupsd)": True,
    }
    assert sockets.parse_ss("tcp LISTEN 0 128 0.0.0.0:2024 0.0.0.0:*\n")[0].processes == ()


def test_netstat_fallback_lines() -> None:
    found = sockets.parse_netstat(golden("netstat-tulnp.txt"))
    assert [(s.proto, s.address, s.port, s.processes) for s in found] == [
        ("tcp", "0.0.0.0", 22, ("sshd",)),
        ("tcp", "127.0.0.1", 6379, ("redis-server",)),
        ("tcp", "::", 9100, ("node_exporter",)),
        ("tcp", "::", 3306, ()),
        ("udp", "0.0.0.0", 68, ("dhclient",)),
        ("udp", "fe80::1", 546, ()),
    ]


def test_allow_rules_and_ports() -> None:
    rules = sockets.parse_allow(["tcp:22:sshd", "udp:68:*", "tcp:8000-8100:gunicorn*"])
    ssh = sockets.Listener("tcp", "0.0.0.0", 22, ("sshd",))
    nameless = sockets.Listener("tcp", "0.0.0.0", 22, ())
    assert rules[0].matches(ssh) is True
    assert rules[0].matches(nameless) is None  # not visible: cannot tell
    assert rules[1].matches(sockets.Listener("udp", "0.0.0.0", 68, ())) is True
    assert rules[2].matches(sockets.Listener("tcp", "::", 8080, ("gunicorn: worker",))) is True
    assert rules[2].matches(sockets.Listener("udp", "::", 8080, ("gunicorn",))) is False
    assert sockets.in_ports(2379, ["2379-2380"]) and not sockets.in_ports(2381, [22, "2379-2380"])
    assert sockets.container_ports("web 0.0.0.0:8080->80/tcp, :::8080->80/tcp\n") == {8080: "web"}


# -- HOST-010 on a fake host -----------------------------------------------------------------

SS_CMD = "ss -H -tulnp"


def test_host_010_fail_lists_sockets_with_severity() -> None:
    probe = FakeProbe(
        commands={
            SS_CMD: (0, golden("ss-tulnp.txt"), ""),
            "docker ps --format '{{.Names}} {{.Ports}}'": (0, "web 0.0.0.0:8080->80/tcp\n", ""),
        }
    )
    found = results(host_010, probe, commands=["ss", "docker"])
    by_msg = {v.message.split(" listens")[0]: v for v in violations(found)}
    assert set(by_msg) == {
        "tcp *:9100 (node_exporter)",
        "tcp 0.0.0.0:8080 (docker-proxy)",
        "tcp 10.0.0.5:5432 (postgres)",
    }
    assert by_msg["tcp 10.0.0.5:5432 (postgres)"].severity == Severity.CRITICAL
    assert by_msg["tcp *:9100 (node_exporter)"].severity is None  # the policy's high
    assert "docker container 'web'" in by_msg["tcp 0.0.0.0:8080 (docker-proxy)"].message
    assert "(ss -H -tulnp)" in by_msg["tcp *:9100 (node_exporter)"].message


def test_host_010_pass_with_allow_list() -> None:
    probe = FakeProbe(commands={SS_CMD: (0, golden("ss-tulnp.txt"), "")})
    allow = [
        "tcp:22:sshd",
        "udp:68:*",
        "udp:546:*",
        "tcp:9100:node_exporter",
        "tcp:8080:docker-proxy",
        "tcp:5432:postgres",
    ]
    assert results(host_010, probe, commands=["ss"], options={"listen_allow": allow}) == []


def test_host_010_not_root_unknown_and_netstat_and_no_tool() -> None:
    text = "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\nudp UNCONN 0 0 0.0.0.0:68 0.0.0.0:*\n"
    probe = FakeProbe(commands={SS_CMD: (0, text, "")})
    reason = only_unknown(results(host_010, probe, commands=["ss"], uid=1000))
    assert "owner of tcp 0.0.0.0:22 (process not visible) is not visible (needs root" in reason
    assert "only for sshd" in reason
    # a nameless socket on a port nobody allows fails whatever its owner
    probe = FakeProbe(commands={SS_CMD: (0, "tcp LISTEN 0 5 0.0.0.0:3306 0.0.0.0:*\n", "")})
    (v,) = violations(results(host_010, probe, commands=["ss"], uid=1000))
    assert v.severity == Severity.CRITICAL and "3306" in v.message
    probe = FakeProbe(commands={"netstat -tulnp": (0, golden("netstat-tulnp.txt"), "")})
    found = results(host_010, probe, commands=["netstat"])
    assert [v.message.split(" listens")[0] for v in violations(found)] == [
        "tcp [::]:9100 (node_exporter)",
        "tcp [::]:3306 (process not visible)",
    ]
    reason = only_unknown(results(host_010, FakeProbe()))
    assert reason == "neither ss nor netstat can list the sockets of fake"


# -- HOST-010 through pytest: real loopback listeners ----------------------------------------


def _existing_allow() -> list[str]:
    """The machine's own non-loopback listeners, allowed so that only the test's decides."""
    out = subprocess.run(["ss", "-H", "-tuln"], capture_output=True, text=True).stdout
    return [f"{s.proto}:{s.port}:*" for s in sockets.parse_ss(out)]


@pytest.fixture
def listener() -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(address: str) -> int:
        code = (
            "import socket, sys, time\n"
            f"s = socket.socket(); s.bind(({address!r}, 0)); s.listen()\n"
            "print(s.getsockname()[1], flush=True); time.sleep(60)\n"
        )
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None
        return int(proc.stdout.readline())

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


@pytest.mark.skipif(
    not any(Path(d, "ss").exists() for d in os.environ["PATH"].split(os.pathsep)),
    reason="needs ss",
)
def test_host_010_real_listeners(pytester: pytest.Pytester, listener: Any) -> None:
    pytest.importorskip("testinfra")
    base_allow = _existing_allow()

    def configure(extra: list[str]) -> None:
        allow = ", ".join(f'"{a}"' for a in [*base_allow, *extra])
        pytester.makefile(
            ".toml",
            pyproject=f'[tool.devops-policy.host]\nprofile = "server"\nlisten_allow = [{allow}]\n',
        )

    args = (*BASE, "--devops-policy-hosts=local://", "-k", "HOST-010")
    listener("127.0.0.1")
    configure([])
    pytester.runpytest(*args).assert_outcomes(passed=1)
    port = listener("0.0.0.0")
    result = pytester.runpytest(*args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*tcp 0.0.0.0:{port} (python*) listens beyond loopback*"])
    configure([f"tcp:{port}:python*"])
    pytester.runpytest(*args).assert_outcomes(passed=1)


# -- HOST-012 --------------------------------------------------------------------------------

KEYS = sorted(HostOptions().sysctl_expected)
VALUES_CMD = sysctl.values_command("/proc/sys", KEYS)
GOOD = {k: v.removeprefix(">=") for k, v in HostOptions().sysctl_expected.items()}


def _values(**changed: str) -> str:
    values = {**GOOD, **{k.replace("__", "."): v for k, v in changed.items()}}
    return "".join(f"{k}={v}\n" for k, v in values.items())


def test_sysctl_parsers() -> None:
    assert sysctl.parse_values("a.b=1\nkernel.x=4096\t131072  6291456\nbad line\n") == {
        "a.b": "1",
        "kernel.x": "4096 131072 6291456",
    }
    assert sysctl.parse_expectation(">=1").met("2") and not sysctl.parse_expectation("1").met("2")
    assert sysctl.parse_expectation(2).met("x") is None
    text = (
        "==> /usr/lib/sysctl.d/50-default.conf\nnet.ipv4.ip_forward = 0\nfs.suid_dumpable=2\n"
        "==> /etc/sysctl.d/50-default.conf\nnet.ipv4.ip_forward = 1\n"
        "==> /etc/sysctl.d/99-local.conf\n# comment\n-kernel/dmesg_restrict = 1\n"
        "==> /etc/sysctl.conf\nfs.suid_dumpable = 0\n"
    )
    boot = sysctl.boot_values(text)
    # /etc/sysctl.d/50-default.conf hides /usr/lib's file of the same name
    assert boot["net.ipv4.ip_forward"] == ("1", "/etc/sysctl.d/50-default.conf:1")
    assert boot["kernel.dmesg_restrict"] == ("1", "/etc/sysctl.d/99-local.conf:2")
    assert boot["fs.suid_dumpable"] == ("0", "/etc/sysctl.conf:1")  # read last


def test_sysctl_values_command_runs_on_a_tree(tmp_path: Path) -> None:
    (tmp_path / "kernel").mkdir()
    (tmp_path / "kernel/randomize_va_space").write_text("2\n")
    cmd = sysctl.values_command(str(tmp_path), ["kernel.randomize_va_space", "kernel.nope"])
    out = subprocess.run(["/bin/sh", "-c", cmd], capture_output=True, text=True).stdout
    assert sysctl.parse_values(out) == {"kernel.randomize_va_space": "2", "kernel.nope": "?"}


def _sysctl_host(values: str, *, boot: str = "", **kw: Any) -> list[Violation | Unknown]:
    commands: dict[str, Any] = {VALUES_CMD: (0, values, "")}
    if boot:
        commands[sysctl.boot_files_command()] = (0, boot, "")
    return results(host_012, FakeProbe(commands=commands), **kw)


def test_host_012_pass_fail_low_and_boot_drift() -> None:
    assert _sysctl_host(_values()) == []
    found = _sysctl_host(
        _values(
            kernel__randomize_va_space="0",
            kernel__dmesg_restrict="0",
            net__ipv4__conf__all__accept_redirects="1",
        ),
        boot=(
            "==> /etc/sysctl.d/10-hardening.conf\nkernel.randomize_va_space = 2\n"
            "net.ipv4.conf.all.accept_redirects=1\n"
        ),
    )
    by_key = {v.message.split("=")[0]: v for v in violations(found)}
    assert set(by_key) == {
        "kernel.randomize_va_space",
        "kernel.dmesg_restrict",
        "net.ipv4.conf.all.accept_redirects",
    }
    assert by_key["kernel.randomize_va_space"].message == (
        "kernel.randomize_va_space=0 (expected 2) in /proc/sys/kernel/randomize_va_space; "
        "/etc/sysctl.d/10-hardening.conf:1 sets 2 at boot, so the running value drifted"
    )
    assert (
        "10-hardening.conf:2 sets it at boot"
        in by_key["net.ipv4.conf.all.accept_redirects"].message
    )
    assert "no sysctl file sets it" in by_key["kernel.dmesg_restrict"].message
    assert by_key["kernel.dmesg_restrict"].severity == Severity.LOW
    # absent keys (no IPv6, no Yama) are skipped
    assert _sysctl_host(_values(kernel__yama__ptrace_scope="?")) == []
    # the per-key override and null
    relaxed = _sysctl_host(
        _values(fs__suid_dumpable="2"), options={"sysctl": {"expected": {"fs.suid_dumpable": 2}}}
    )
    assert relaxed == []


def test_host_012_forwarding_auto_role_and_unknown() -> None:
    forwarding = _values(net__ipv4__ip_forward="1")
    # auto, nothing forwards for containers, process table readable: FAIL
    commands = {VALUES_CMD: (0, forwarding, ""), "ps -eo pid=,args=": (0, "1 /sbin/init\n", "")}
    (v,) = violations(results(host_012, FakeProbe(commands=commands), commands=["ps"]))
    assert v.message.startswith("net.ipv4.ip_forward=1 (expected 0)")
    # a docker host
    commands["ps -eo pid=,args="] = (0, "1 /sbin/init\n40 /usr/bin/dockerd -H fd://\n", "")
    assert results(host_012, FakeProbe(commands=commands), commands=["ps"]) == []
    # a router, and the explicit settings
    assert _sysctl_host(forwarding, options={"role": "router"}) == []
    assert _sysctl_host(forwarding, options={"sysctl": {"allow_forwarding": True}}) == []
    assert violations(
        _sysctl_host(forwarding, options={"sysctl": {"allow_forwarding": False}, "role": "router"})
    )
    # auto and the process table cannot be read: cannot tell
    reason = only_unknown(_sysctl_host(forwarding, init="none"))
    assert "cannot tell whether this host forwards" in reason


def test_host_012_unreadable_and_failed_loop() -> None:
    reason = only_unknown(_sysctl_host(_values(kernel__kptr_restrict="!"), uid=1000))
    assert reason.startswith("needs root on fake") and "/proc/sys/kernel/kptr_restrict" in reason
    probe = FakeProbe(commands={VALUES_CMD: (2, "", "sh: 1: tr: not found\n")})
    reason = only_unknown(results(host_012, probe))
    assert reason == "cannot read /proc/sys on fake: sh: 1: tr: not found"


def test_host_012_through_pytest_on_a_proc_sys_tree(pytester: pytest.Pytester) -> None:
    pytest.importorskip("testinfra")
    proc = pytester.path / "proc/sys"
    for key, value in GOOD.items():
        path = proc / key.replace(".", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + "\n")
    pytester.makefile(
        ".toml",
        pyproject=(
            f'[tool.devops-policy.host]\nprofile = "server"\npaths = {{ proc_sys = "{proc}" }}\n'
        ),
    )
    args = (*BASE, "--devops-policy-hosts=local://", "-k", "HOST-012")
    pytester.runpytest(*args).assert_outcomes(passed=1)
    (proc / "kernel/randomize_va_space").write_text("1\n")
    result = pytester.runpytest(*args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*kernel.randomize_va_space=1 (expected 2) in {proc}/kernel/*"])


def test_host_policies_declare_their_profiles() -> None:
    from pytest_devops_policy.api import get_policy

    for func, profiles in (
        (host_009, ("server",)),
        (host_011, ("server", "image")),
        (host_010, ("server", "container")),
        (host_012, ("server",)),
    ):
        meta = get_policy(func)
        assert meta is not None and meta.profiles == profiles and meta.commands


# -- HOST-011 --------------------------------------------------------------------------------

PS_CMD = "ps -eo pid=,args="
SOCK = "/var/run/docker.sock"


def test_container_daemon_parsers() -> None:
    flags = cd.dockerd_flags(
        "/usr/bin/dockerd -H fd:// -H=tcp://127.0.0.1:2375 -Htcp://:2377 --host unix:///x "
        "--host=tcp://[::1]:2378 --tlsverify=false --tlscacert /etc/ca.pem"
    )
    assert flags.hosts == [
        "fd://",
        "tcp://127.0.0.1:2375",
        "tcp://:2377",
        "unix:///x",
        "tcp://[::1]:2378",
    ]
    assert flags.tlsverify is False and flags.tlscacert == "/etc/ca.pem"
    assert cd.dockerd_flags("dockerd --tlsverify").tlsverify is True
    ends = [cd.tcp_endpoint(h) for h in flags.hosts]
    assert ends[0] is None and ends[3] is None
    assert [(e.address, e.port, e.loopback) for e in ends if e is not None] == [
        ("127.0.0.1", 2375, True),
        ("", 2377, False),
        ("::1", 2378, True),
    ]
    assert cd.tcp_endpoint("tcp:0.0.0.0:8888") == cd.Endpoint("tcp:0.0.0.0:8888", "0.0.0.0", 8888)
    config = cd.daemon_json('{"hosts": "tcp://0.0.0.0:2376", "tlsverify": true}')
    assert config is not None and config.hosts == ["tcp://0.0.0.0:2376"] and config.tlsverify
    assert cd.daemon_json("[1]") is None and cd.daemon_json("") == cd.DaemonConfig([])
    unit = (
        "# /lib/systemd/system/docker.service\n[Service]\n"
        "ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n"
        "# /etc/systemd/system/docker.service.d/override.conf\n[Service]\nExecStart=\n"
        "ExecStart=/usr/bin/dockerd \\\n  -H tcp://0.0.0.0:2375\n"
    )
    assert cd.exec_start(unit) == "/usr/bin/dockerd -H tcp://0.0.0.0:2375"
    assert cd.shell_var(
        '# x\nDOCKER_OPTS="-H tcp://0.0.0.0:2375 --dns 8.8.8.8"\n', "DOCKER_OPTS"
    ) == ("-H tcp://0.0.0.0:2375 --dns 8.8.8.8")
    assert cd.podman_service_endpoints("/usr/bin/podman system service -t 0 tcp:0.0.0.0:8888") == [
        "tcp:0.0.0.0:8888"
    ]
    assert cd.podman_service_endpoints("podman run -p tcp:1 x") == []
    assert cd.containerd_tcp('version = 2\n[grpc]\n  tcp_address = "0.0.0.0:1234"\n') == (
        "0.0.0.0:1234",
        False,
    )
    assert cd.containerd_tcp('[grpc]\ntcp_address = ""\n') is None
    assert cd.group_members(
        "root:x:0:\ndocker:x:998:alice,bob\n", "ci:x:1005:998::/home/ci:/bin/sh\n", "docker"
    ) == ["alice", "bob", "ci"]


def _sock(mode: int, owner: str = "root", group: str = "docker", path: str = SOCK) -> FileStat:
    return FileStat(path, mode, 0 if owner == "root" else 1000, 998, owner, group, "socket")


def daemon(
    files: dict[str, Any] | None = None,
    ps: str = "1 /sbin/init\n",
    stats: dict[str, FileStat] | None = None,
    commands: dict[str, Any] | None = None,
    **kw: Any,
) -> list[Violation | Unknown]:
    all_commands = {PS_CMD: (0, ps, "") if ps else (1, "", "ps: error"), **(commands or {})}
    probe = FakeProbe(files or {}, stats or {}, all_commands)
    names = sorted({c.split()[0] for c in all_commands})
    return results(host_011, probe, commands=names, **kw)


def test_host_011_not_applicable_without_a_daemon() -> None:
    (na,) = daemon()
    assert isinstance(na, NotApplicable) and "no container daemon" in na.reason


def test_host_011_tcp_api_critical_high_and_tls_pass() -> None:
    (v,) = violations(daemon({"/etc/docker/daemon.json": '{"hosts": ["tcp://0.0.0.0:2375"]}'}))
    assert v.severity is None  # the policy's critical
    assert v.message.startswith(
        "the Docker API listens on tcp://0.0.0.0:2375 without TLS client verification "
        "(/etc/docker/daemon.json)"
    )
    (v,) = violations(daemon(ps="1 /sbin/init\n812 /usr/bin/dockerd -H tcp://127.0.0.1:2375\n"))
    assert v.severity == Severity.HIGH and "dockerd argv (ps -eo pid=,args=, pid 812)" in v.message
    tls = '{"hosts": ["tcp://0.0.0.0:2376"], "tlsverify": true, "tlscacert": "/etc/ca.pem"}'
    assert daemon({"/etc/docker/daemon.json": tls}, stats={SOCK: _sock(0o660)}) == []


def test_host_011_unit_opts_listener_podman_containerd() -> None:
    unit = "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n"
    found = daemon(
        {"/etc/default/docker": 'DOCKER_OPTS="-H tcp://10.0.0.5:2375"\n'},
        commands={"systemctl cat docker.service": (0, unit, "")},
    )
    messages = sorted(v.message for v in violations(found))
    assert any("tcp://0.0.0.0:2375" in m and "(ExecStart (systemctl cat" in m for m in messages)
    assert any(
        "tcp://10.0.0.5:2375" in m and "DOCKER_OPTS (/etc/default/docker)" in m for m in messages
    )
    # a dockerd TCP socket that no configuration explains
    ss_out = 'tcp LISTEN 0 4096 *:2375 *:* users:(("dockerd",pid=812,fd=9))\n'
    found = daemon(ps="812 /usr/bin/dockerd\n", commands={"ss -H -tulnp": (0, ss_out, "")})
    (v,) = violations(found)
    assert v.message.startswith("dockerd listens on *:2375") and "(ss -H -tulnp)" in v.message
    found = daemon(ps="77 /usr/bin/podman system service --time=0 tcp:0.0.0.0:8888\n")
    (v,) = violations(found)
    assert v.message.startswith("the Podman API listens on tcp:0.0.0.0:8888")
    found = daemon({"/etc/containerd/config.toml": '[grpc]\ntcp_address = "127.0.0.1:7777"\n'})
    (v,) = violations(found)
    assert "containerd's gRPC API listens on tcp://127.0.0.1:7777" in v.message
    assert v.severity == Severity.HIGH


def test_host_011_sockets_and_docker_group() -> None:
    found = daemon(stats={SOCK: _sock(0o666)})
    (v,) = violations(found)
    assert v.message == (
        "/var/run/docker.sock is 0666 root:docker: world-writable, so every local user is root"
    )
    assert v.severity is None
    found = daemon(stats={SOCK: _sock(0o664, owner="app", group="app")})
    assert sorted(v.message.split(": ", 1)[1][:20] for v in violations(found)) == [
        "members of group app",
        "mode wider than 0660",
        "not owned by root",
    ]
    group = {"/etc/group": "docker:x:998:alice,deploy\n", "/etc/passwd": ""}
    assert daemon(group, stats={SOCK: _sock(0o660)}) == []  # members alone: a note
    found = daemon(group, stats={SOCK: _sock(0o660)}, options={"docker_group_allowed": ["deploy"]})
    (v,) = violations(found)
    assert v.message.startswith("account 'alice' is in the docker group (/etc/group)")
    found = daemon(group, stats={SOCK: _sock(0o666)})
    assert (
        "note: the docker group (root-equivalent) has alice, deploy" in violations(found)[0].message
    )


def test_host_011_unknown_when_config_unreadable_and_no_argv() -> None:
    reason = only_unknown(daemon({"/etc/docker/daemon.json": DENIED}, ps="", uid=1000))
    assert reason.startswith("needs root on fake") and "/etc/docker/daemon.json" in reason


def test_host_011_on_an_image_tree(pytester: pytest.Pytester) -> None:
    pytest.importorskip("testinfra")
    root = pytester.path / "root"
    (root / "etc/docker").mkdir(parents=True)
    (root / "etc/docker/daemon.json").write_text('{"hosts": ["tcp://0.0.0.0:2375"]}')
    (root / "lib/systemd/system").mkdir(parents=True)
    (root / "lib/systemd/system/docker.service").write_text(
        "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n"
    )
    pytester.makefile(".toml", pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\n')
    args = (*BASE, "--devops-policy-hosts=local://", "-k", "HOST-011")
    result = pytester.runpytest(*args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the Docker API listens on tcp://0.0.0.0:2375*"])
    (root / "etc/docker/daemon.json").write_text('{"hosts": ["unix:///var/run/docker.sock"]}')
    pytester.runpytest(*args).assert_outcomes(passed=1)
