"""HOST-013 … HOST-017 (patching, pending updates, time, audit, logs): their parsers, every
PASS/FAIL/UNKNOWN/N/A case of the catalog rows on a fake host, and one run each through
pytest and testinfra's local backend (shims on PATH, or a tree under host.root).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from host_fake import DENIED, FakeProbe, fake_host, file_stat

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation
from pytest_devops_policy.hosts.probe import Host, NeedsRoot, TimedOut, parse_stat
from pytest_devops_policy.knowledge.host import audit, packages, timesync
from pytest_devops_policy.knowledge.host import logging as logs
from pytest_devops_policy.options.host import DEFAULT_AUDIT_WATCH_PATHS
from pytest_devops_policy.policies.host.host_013_automatic_security_updates import (
    automatic_security_updates as host_013,
)
from pytest_devops_policy.policies.host.host_014_no_pending_security_updates import (
    APK,
    APT,
    DNF,
    DPKG_KERNELS,
    NEEDS_RESTARTING,
)
from pytest_devops_policy.policies.host.host_014_no_pending_security_updates import (
    no_pending_security_updates as host_014,
)
from pytest_devops_policy.policies.host.host_015_time_synchronized import (
    time_synchronized as host_015,
)
from pytest_devops_policy.policies.host.host_016_audit_logging_active import (
    audit_logging_active as host_016,
)
from pytest_devops_policy.policies.host.host_017_logs_persistent_and_retained import (
    logs_persistent_and_retained as host_017,
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
Result = list[Violation | Unknown]


def golden(name: str) -> str:
    return (DATA / name).read_text()


def messages(results: Result) -> list[str]:
    return [r.message for r in results if isinstance(r, Violation)]


def reasons(results: Result) -> list[str]:
    return [r.reason for r in results if isinstance(r, Unknown)]


def with_uname(host: Host, release: str) -> Host:
    host.facts = dataclasses.replace(host.facts, uname=f"Linux {release}")
    return host


# -- the core's stat carries the modification time ---------------------------------------------


def test_stat_lines_carry_mtime() -> None:
    found = parse_stat("/r/etc/a|b|644|0|0|root|root|regular file|1700000000\n", "/r")
    assert found["/etc/a|b"].mtime == 1700000000 and found["/etc/a|b"].octal == "0644"
    assert parse_stat("/etc/x|644|0|0|root|root|regular file\n", "") == {}  # old format


# -- HOST-014 parsers ----------------------------------------------------------------------------


def test_apt_pending_security_origins() -> None:
    found = packages.apt_pending(golden("apt-get-s-dist-upgrade.txt"))
    assert [p.package for p in found if p.security] == [
        "linux-image-6.1.0-21-amd64",
        "linux-image-amd64",
        "liblzma-dev",
        "liblzma5",
    ]
    assert {p.package for p in found if not p.security} == {"tzdata", "curl", "libcurl4"}
    lzma = next(p for p in found if p.package == "liblzma-dev")
    assert (lzma.installed, lzma.candidate) == ("5.4.1-1", "5.4.1-1+deb12u2")
    assert lzma.origin == "Debian-Security:12/oldstable-security"
    new = found[0]
    assert new.installed == "" and new.describe().startswith("linux-image-6.1.0-21-amd64 6.1.90")
    ubuntu = packages.apt_pending(golden("apt-get-s-ubuntu.txt"))
    assert [p.package for p in ubuntu if p.security] == ["openssl"]


def test_dnf_and_apk_and_kernels() -> None:
    dnf = packages.dnf_security_pending(golden("dnf-updateinfo-security.txt"))
    assert [p.package for p in dnf][:2] == [
        "kernel-5.14.0-427.13.1.el9_4.x86_64",
        "openssl-1:3.0.7-27.el9.x86_64",
    ]
    assert dnf[0].origin == "RHSA-2024:2394, Important" and all(p.security for p in dnf)
    apk = packages.apk_pending(golden("apk-version-l.txt"))
    assert [(p.package, p.installed, p.candidate) for p in apk] == [
        ("busybox", "1.36.1-r5", "1.36.1-r15"),
        ("libcrypto3", "3.1.4-r1", "3.1.4-r6"),
    ]
    assert packages.newest_kernel(["6.1.0-9-amd64", "6.1.0-21-amd64", "6.1.0-18-amd64"]) == (
        "6.1.0-21-amd64"
    )
    assert packages.dpkg_kernels(
        "linux-image-6.1.0-18-amd64 install ok installed\n"
        "linux-image-6.1.0-9-amd64 deinstall ok config-files\n"
    ) == ["6.1.0-18-amd64"]
    assert packages.rpm_kernels(
        "kernel-5.14.0-362.el9.x86_64\npackage kernel is not installed"
    ) == ["5.14.0-362.el9.x86_64"]


# -- HOST-014 on a fake host ---------------------------------------------------------------------

LISTS = "/var/lib/apt/lists"
INRELEASE = f"{LISTS}/deb.debian.org_debian-security_dists_bookworm-security_InRelease"
CLEAN_APT = "Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove.\n"


def _deb(
    apt: tuple[int, str, str] | str = (0, CLEAN_APT, ""),
    index_age: float = 1,
    files: dict[str, object] | None = None,
    stats: dict[str, object] | None = None,
    commands: dict[str, tuple[int, str, str] | str] | None = None,
    **kw: object,
) -> Result:
    probe = FakeProbe(
        files=dict(files or {}),
        stats={INRELEASE: file_stat(INRELEASE, age_days=index_age), **(stats or {})},  # type: ignore[dict-item]
        commands={APT: apt, **(commands or {})},
    )
    host = fake_host(probe, commands=["apt-get", "dpkg-query"], **kw)  # type: ignore[arg-type]
    return list(host_014(with_uname(host, "6.1.0-21-amd64")))


def test_014_debian_pass_and_fail() -> None:
    assert _deb() == []
    found = _deb(apt=(0, golden("apt-get-s-dist-upgrade.txt"), ""))
    assert len(messages(found)) == 4 and not reasons(found)
    assert (
        "security update pending: liblzma-dev 5.4.1-1 -> 5.4.1-1+deb12u2 "
        "(Debian-Security:12/oldstable-security) (apt-get -s -o Debug::NoLocking=true "
        "dist-upgrade)"
    ) in messages(found)
    assert not any("tzdata" in m or "curl" in m for m in messages(found))


def test_014_index_age() -> None:
    stale = _deb(index_age=30)
    assert [type(r) for r in stale] == [Unknown]
    assert reasons(stale)[0].startswith(f"package index is 30 days old ({INRELEASE}; more than 7")
    # pending security updates fail whatever the index age; the age is a note
    failing = _deb(apt=(0, golden("apt-get-s-ubuntu.txt"), ""), index_age=30)
    assert (
        len(messages(failing)) == 1
        and "note: package index is 30 days old" in (messages(failing)[0])
    )
    assert not reasons(failing)
    # the periodic stamp counts as a refresh too; the newest wins
    stamp = "/var/lib/apt/periodic/update-success-stamp"
    fresh = file_stat(stamp, age_days=2, kind="regular empty file")
    assert _deb(index_age=30, stats={stamp: fresh}) == []
    assert _deb(index_age=30, options={"updates": {"max_index_age_days": 60}}) == []
    none = list(
        host_014(fake_host(FakeProbe(commands={APT: (0, CLEAN_APT, "")}), commands=["apt-get"]))
    )
    assert reasons(none) == [
        "no package index was found (never refreshed, or the lists were cleaned)"
    ]


def test_014_unknown_sources() -> None:
    probe = FakeProbe(stats={INRELEASE: file_stat(INRELEASE)})
    missing = list(host_014(fake_host(probe)))
    assert reasons(missing) == ["apt-get is not on fake's PATH: pending updates cannot be read"]
    broken = _deb(apt=(100, "", "E: The package lists or status file could not be parsed\n"))
    assert reasons(broken) == [
        f"{APT} failed: E: The package lists or status file could not be parsed"
    ]
    with pytest.raises(TimedOut):  # the item turns it into Unknown "timed out after N s"
        _deb(apt="timeout")
    for os_id in ("opensuse-leap", "arch", ""):
        res = list(host_014(fake_host(FakeProbe(), os_id=os_id)))
        assert [type(r) for r in res] == [Unknown], os_id
    na = list(host_014(fake_host(FakeProbe(), os_id="flatcar")))
    assert [type(r) for r in na] == [NotApplicable]


def test_014_tree_judges_the_index_only() -> None:
    root = "/img"
    probe = FakeProbe(stats={root + INRELEASE: file_stat(INRELEASE, age_days=40)})
    host = fake_host(probe, profile="image", options={"root": root}, commands=["apt-get"])
    found = reasons(list(host_014(host)))
    assert found[0].startswith("pending updates cannot be simulated in a tree (/img)")
    assert found[1].startswith("package index is 40 days old")
    assert APT not in probe.ran


def test_014_rhel_and_alpine() -> None:
    solv = "/var/cache/dnf/baseos.solv"
    system = "/var/cache/dnf/@System.solv"
    rhel = FakeProbe(
        stats={solv: file_stat(solv, age_days=20), system: file_stat(system)},
        commands={DNF: (0, golden("dnf-updateinfo-security.txt"), "")},
    )
    found = list(host_014(fake_host(rhel, os_id="rocky", commands=["dnf"])))
    assert len(messages(found)) == 3  # @System.solv is the rpm database, not an index
    assert "kernel-5.14.0-427.13.1.el9_4.x86_64 (RHSA-2024:2394, Important)" in messages(found)[0]
    assert "note: package index is 20 days old" in messages(found)[0]
    user = FakeProbe(
        stats={solv: file_stat(solv)},
        commands={DNF: (1, "", "Error: Cache-only enabled but no cache for 'baseos'\n")},
    )
    res = reasons(list(host_014(fake_host(user, uid=1000, os_id="rhel", commands=["dnf"]))))
    assert "no cache for 'baseos' (dnf keeps a separate, empty cache" in res[0]
    index = "/var/cache/apk/APKINDEX.5022a8a2.tar.gz"
    alpine = FakeProbe(
        stats={index: file_stat(index)}, commands={APK: (0, golden("apk-version-l.txt"), "")}
    )
    found = list(host_014(fake_host(alpine, os_id="alpine", init="openrc", commands=["apk"])))
    assert len(messages(found)) == 2
    assert all(isinstance(v, Violation) and v.severity == Severity.MEDIUM for v in found)
    off = fake_host(
        alpine,
        os_id="alpine",
        commands=["apk"],
        options={"updates": {"alpine_all_count": False}},
    )
    assert "2 updates pending" in reasons(list(host_014(off)))[0]
    clean = FakeProbe(
        stats={index: file_stat(index)}, commands={APK: (0, "Installed: Available:\n", "")}
    )
    assert list(host_014(fake_host(clean, os_id="alpine", commands=["apk"]))) == []


def test_014_reboot_pending() -> None:
    flag = "/var/run/reboot-required"
    old = {flag: file_stat(flag, age_days=10)}
    pkgs = {flag + ".pkgs": "linux-image-6.1.0-21-amd64\nlibc6\n"}
    found = _deb(stats=old, files=pkgs)
    assert messages(found) == [
        "a reboot has been pending for 10 days for libc6, linux-image-6.1.0-21-amd64 "
        "(/var/run/reboot-required; grace 7 days, host.updates.reboot_grace_days)"
    ]
    assert found[0].severity == Severity.MEDIUM  # type: ignore[union-attr]
    assert _deb(stats={flag: file_stat(flag, age_days=2)}) == []
    assert _deb(stats=old, options={"updates": {"reboot_grace_days": 30}}) == []
    # no flag: the running kernel against the newest installed one
    modules = "/lib/modules/6.1.0-25-amd64"
    kernels = {
        DPKG_KERNELS: (
            0,
            "linux-image-6.1.0-21-amd64 install ok installed\n"
            "linux-image-6.1.0-25-amd64 install ok installed\n",
            "",
        )
    }
    found = _deb(
        commands=kernels, stats={modules: file_stat(modules, kind="directory", age_days=9)}
    )
    assert messages(found) == [
        "a reboot has been pending for 9 days: kernel 6.1.0-25-amd64 is installed "
        "(/lib/modules/6.1.0-25-amd64) and 6.1.0-21-amd64 runs (uname -r; grace 7 days, "
        "host.updates.reboot_grace_days)"
    ]
    # the same kernel runs: nothing pending
    same = {DPKG_KERNELS: (0, "linux-image-6.1.0-21-amd64 install ok installed\n", "")}
    assert _deb(commands=same) == []
    # RHEL: needs-restarting -r (exit 1 = reboot needed), dated by the kernel or rpmdb
    solv = "/var/cache/dnf/baseos.solv"
    rpmdb = "/var/lib/rpm/rpmdb.sqlite"
    base = {solv: file_stat(solv), rpmdb: file_stat(rpmdb, age_days=12)}
    probe = FakeProbe(
        stats=base,
        commands={
            DNF: (0, "", ""),
            NEEDS_RESTARTING: (
                1,
                "Core libraries or services have been updated since boot-up:\n  * glibc\n",
                "",
            ),
        },
    )
    host = fake_host(probe, os_id="rocky", commands=["dnf", "needs-restarting"])
    found = list(host_014(with_uname(host, "5.14.0-362.el9.x86_64")))
    assert len(messages(found)) == 1
    assert messages(found)[0].startswith("a reboot has been pending for at least 12 days")
    probe.commands = {**probe.commands, NEEDS_RESTARTING: (0, "No core libraries", "")}
    assert list(host_014(with_uname(host, "5.14.0-362.el9.x86_64"))) == []
    # not root: needs-restarting still answers; the container profile has no item
    assert "container" not in host_014.__devops_policy__.profiles  # type: ignore[attr-defined]


# -- HOST-014 through pytest and testinfra's local backend --------------------------------------


def _is_debian() -> bool:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return False
    return any(
        line.split("=", 1)[1].strip('"') in ("debian", "ubuntu")
        for line in text.splitlines()
        if line.startswith(("ID=", "ID_LIKE="))
    )


@pytest.mark.skipif(not _is_debian(), reason="the facts must say Debian/Ubuntu (os-release)")
def test_014_local_apt_get_shim(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_hosts_core import make_shim

    shims = pytester.path / "shims"
    make_shim(shims, "apt-get", golden("apt-get-s-dist-upgrade.txt"))
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    pytester.makefile(".toml", pyproject='[tool.devops-policy.host]\nprofile = "server"\n')
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "-k", "HOST-014")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*HOST-014 no-pending-security-updates [[]high[]]: security update pending: "
            "linux-image-6.1.0-21-amd64 6.1.90-1 (Debian-Security:12/stable-security)*",
            "*security update pending: liblzma5 5.4.1-1 -> 5.4.1-1+deb12u2*",
        ]
    )
    assert "tzdata" not in result.stdout.str()
    log = (shims / "shim.log").read_text()
    assert log.splitlines() == ["apt-get -s -o Debug::NoLocking=true dist-upgrade"]


# -- HOST-016 audit-logging-active ---------------------------------------------------------------

PS_AUDITD = "    1 /sbin/init\n  612 /sbin/auditd\n  700 /usr/sbin/sshd -D\n"
PS_PLAIN = "    1 /sbin/init\n  700 /usr/sbin/sshd -D\n"


def _audit(
    ps: str | None = PS_AUDITD,
    status: tuple[int, str, str] | None = (0, "", ""),
    rules: str = "",
    files: dict[str, object] | None = None,
    auditctl: bool = True,
    **kw: object,
) -> Result:
    commands: dict[str, tuple[int, str, str] | str] = {}
    if ps is not None:
        commands["ps -eo pid=,args="] = (0, ps, "")
    if status is not None:
        commands["auditctl -s"] = (
            status
            if status[1] or status[0]
            else (
                0,
                golden("auditctl-s.txt"),
                "",
            )
        )
        commands["auditctl -l"] = (0, rules or golden("auditctl-l.txt"), "")
    names = ["ps", *(["auditctl"] if auditctl else [])]
    host = fake_host(FakeProbe(files=dict(files or {}), commands=commands), commands=names, **kw)  # type: ignore[arg-type]
    return list(host_016(host))


def test_audit_parsers() -> None:
    watches, controls = audit.audit_rules(golden("auditctl-l.txt") + "-e 2\n")
    assert audit.missing_watches(watches, DEFAULT_AUDIT_WATCH_PATHS) == []
    assert audit.watched_perms(watches, "/etc/sudoers.d/90-cloud-init-users") == {"w", "a"}
    assert audit.immutable(controls) and not audit.immutable(["2", "1"])
    partial, _ = audit.audit_rules(
        "-w /etc/passwd -p w\n-w /etc/passwd -p a\n-w /etc/shadow -p r\n"
        "-a never,exit -F path=/etc/group -F perm=wa\n-w /etc/security/ -p wa\n"
        "-a always,exit -F arch=b64 -S openat -F path=/etc/gshadow\n"
    )
    assert audit.missing_watches(
        partial,
        ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/security/opasswd"],
    ) == ["/etc/shadow", "/etc/group", "/etc/gshadow"]
    assert audit.watched_perms(audit.audit_rules("-w /etc/sudoers")[0], "/etc/sudoers") == set(
        "rwxa"
    )
    old = audit.auditctl_status("AUDIT_STATUS: enabled=2 flag=1 pid=612 rate_limit=0\n")
    assert (old["enabled"], old["pid"]) == ("2", "612")
    assert audit.auditctl_status(golden("auditctl-s.txt"))["loginuid_immutable"] == "0"
    assert audit.key_values("max_log_file_action = KEEP_LOGS # rotate\n") == {
        "max_log_file_action": "KEEP_LOGS"
    }


def test_016_pass_and_fail() -> None:
    assert _audit() == []
    found = _audit(rules="-w /etc/passwd -p wa -k identity\n")
    assert messages(found) == [
        "the audit rules do not watch writes and attribute changes (-p wa) of /etc/shadow, "
        "/etc/group, /etc/gshadow, /etc/security/opasswd, /etc/sudoers, /etc/sudoers.d "
        "(auditctl -l) (also: the rules are not immutable (no -e 2); audit logs are neither "
        "shipped off-host (au-remote active = yes) nor kept (max_log_file_action = keep_logs "
        "in /etc/audit/auditd.conf))"
    ]
    kept = {
        "/etc/audit/auditd.conf": "max_log_file_action = keep_logs\n",
        "/etc/audit/plugins.d/au-remote.conf": "active = yes\n",
    }
    found = _audit(rules="No rules\n", files=kept)
    assert messages(found)[0].endswith("(also: the rules are not immutable (no -e 2))")
    off = _audit(status=(0, "enabled 0\nfailure 1\npid 612\n", ""))
    assert messages(off) == [
        "auditing is disabled (auditctl -s: enabled 0): auditd runs but the kernel records nothing"
    ]
    narrowed = _audit(options={"audit": {"watch_paths": ["/etc/passwd"]}}, rules="-w /etc -p wa")
    assert narrowed == []


def test_016_not_running_or_absent() -> None:
    stopped = _audit(ps=PS_PLAIN, status=(0, "enabled 1\npid 0\n", ""))
    assert messages(stopped) == [
        "auditd is not running (auditctl -s: pid 0) and no alternative of "
        "host.audit.alternatives runs: nothing records changes to accounts and privileges"
    ]
    absent = _audit(ps=PS_PLAIN, status=None, auditctl=False)
    assert messages(absent)[0].startswith("auditd is not installed (services)")
    # pid 0 decides where the process table cannot be read (no ps, no /proc)
    blind = _audit(ps=None, status=(0, "enabled 1\npid 0\n", ""), init="none")
    assert messages(blind)[0].startswith("auditd is not running (auditctl -s: pid 0)")
    # a FAIL never needs root: the process table shows auditd stopped
    user = _audit(ps=PS_PLAIN, status=(4, "", "You must be root to run this program.\n"), uid=1000)
    assert messages(user)[0].startswith("auditd is not running (services)")


def test_016_alternatives_and_immutable() -> None:
    falco = PS_PLAIN + "  900 /usr/bin/falco --pidfile=/var/run/falco.pid\n"
    assert _audit(ps=falco, status=None, auditctl=False) == []
    assert _audit(ps=PS_PLAIN, status=None, auditctl=False, options={"audit": {"alternatives": []}})
    strict = {"audit": {"require_immutable": True}}
    found = _audit(options=strict)
    assert messages(found) == [
        "the audit rules are not immutable (auditctl -s: enabled 1): a root attacker can "
        "delete them (host.audit.require_immutable) (also: audit logs are neither shipped "
        "off-host (au-remote active = yes) nor kept (max_log_file_action = keep_logs in "
        "/etc/audit/auditd.conf))"
    ]
    locked = (0, golden("auditctl-s.txt").replace("enabled 1", "enabled 2"), "")
    assert _audit(status=locked, options=strict) == []


def test_016_unknown() -> None:
    user = _audit(status=(4, "", "You must be root to run this program.\n"), uid=1000)
    assert reasons(user) == [
        "needs root on fake (run as root, or with --sudo): auditctl -s, auditctl -l"
    ]
    container = _audit(status=(1, "", "Error sending status request (Protocol not supported)\n"))
    assert reasons(container) == [
        "auditctl -s failed: Error sending status request (Protocol not supported)"
    ]
    blind = _audit(ps=None, status=None, auditctl=False, init="none")
    assert reasons(blind) == [
        "auditctl is not on fake's PATH and whether auditd runs cannot be told"
    ]
    probe = FakeProbe(
        commands={
            "ps -eo pid=,args=": (0, PS_AUDITD, ""),
            "auditctl -s": (0, golden("auditctl-s.txt"), ""),
            "auditctl -l": (
                1,
                "",
                "Error sending rule list data request (Operation not permitted)",
            ),
        }
    )
    assert reasons(list(host_016(fake_host(probe, commands=["ps", "auditctl"])))) == [
        "auditctl -l failed: Error sending rule list data request (Operation not permitted)"
    ]


def test_016_image_rules_on_disk() -> None:
    d = "/etc/audit/rules.d"
    good = {f"{d}/50-identity.rules": golden("auditctl-l.txt"), f"{d}/99-finalize.rules": "-e 2\n"}
    host = fake_host(FakeProbe(files=good), profile="image")
    assert list(host_016(host)) == []
    strict = fake_host(
        FakeProbe(files={f"{d}/50-identity.rules": golden("auditctl-l.txt")}),
        profile="image",
        options={"audit": {"require_immutable": True}},
    )
    assert messages(list(host_016(strict)))[0].startswith(
        f"the audit rules are not immutable ({d}/50-identity.rules: no final -e 2)"
    )
    compiled = fake_host(
        FakeProbe(files={"/etc/audit/audit.rules": "-w /etc/passwd -p wa\n"}), profile="image"
    )
    assert "(/etc/audit/audit.rules)" in messages(list(host_016(compiled)))[0]
    empty = list(host_016(fake_host(FakeProbe(), profile="image")))
    assert messages(empty)[0].startswith("no audit rules on disk (/etc/audit/rules.d/*.rules")
    denied = fake_host(FakeProbe(files={f"{d}/50-identity.rules": DENIED}), profile="image")
    assert reasons(list(host_016(denied))) == [
        f"needs root on fake (run as root, or with --sudo): read {d}/50-identity.rules"
    ]
    assert "container" not in host_016.__devops_policy__.profiles  # type: ignore[attr-defined]


# -- HOST-013 automatic-security-updates ---------------------------------------------------------

DPKG_UU = "dpkg-query -W -f='${Status}' unattended-upgrades"
PERIODIC = "apt-config dump APT::Periodic"
UNATTENDED = "apt-config dump Unattended-Upgrade"


def _enabled(unit: str, state: str = "enabled") -> dict[str, tuple[int, str, str]]:
    return {f"systemctl is-enabled -- {unit}": (0 if state == "enabled" else 1, state + "\n", "")}


def _apt_host(**over: object) -> Result:
    commands: dict[str, tuple[int, str, str] | str] = {
        DPKG_UU: (0, "install ok installed", ""),
        PERIODIC: (0, golden("apt-config-dump-periodic.txt"), ""),
        UNATTENDED: (0, golden("apt-config-dump-unattended.txt"), ""),
        **_enabled("apt-daily.timer"),
        **_enabled("apt-daily-upgrade.timer"),
    }
    commands.update(over.pop("commands", {}))  # type: ignore[arg-type]
    names = ["dpkg-query", "apt-config", "systemctl"]
    probe = FakeProbe(files=over.pop("files", {}), commands=commands)  # type: ignore[arg-type]
    return list(host_013(fake_host(probe, commands=names, **over)))  # type: ignore[arg-type]


def test_apt_conf_parser_matches_apt_config_dump() -> None:
    files = packages.apt_conf(
        [
            'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
            golden("50unattended-upgrades"),
            'APT { Periodic { Enable "0"; }; };\n',
        ]
    )
    dump = packages.apt_config_dump(
        golden("apt-config-dump-periodic.txt") + golden("apt-config-dump-unattended.txt")
    )
    for key in ("Unattended-Upgrade::Origins-Pattern", "APT::Periodic::Unattended-Upgrade"):
        assert files[key] == dump[key], key
    assert len(files["Unattended-Upgrade::Origins-Pattern"]) == 3  # comments dropped
    assert files["APT::Periodic::Enable"] == ["0"]
    assert "Unattended-Upgrade::Package-Blacklist" not in files  # only a comment inside
    cleared = packages.apt_conf([golden("50unattended-upgrades"), "#clear Unattended-Upgrade;\n"])
    assert not any(k.startswith("Unattended-Upgrade") for k in cleared)


def test_013_debian_pass_and_each_missing_piece() -> None:
    assert _apt_host() == []
    absent = _apt_host(commands={DPKG_UU: (1, "", "dpkg-query: no packages found matching")})
    assert messages(absent) == [
        f"unattended-upgrades is not installed ({DPKG_UU}): nothing installs security updates"
    ]
    off = golden("apt-config-dump-periodic.txt").replace('Upgrade "1"', 'Upgrade "0"')
    off += 'APT::Periodic::Enable "0";\n'
    found = _apt_host(commands={PERIODIC: (0, off, "")})
    assert messages(found) == [
        "APT::Periodic::Enable is 0 (apt-config dump APT::Periodic): the periodic apt jobs are off",
        'APT::Periodic::Unattended-Upgrade is not set or "0" (apt-config dump APT::Periodic): '
        'set it to "1" (dpkg-reconfigure unattended-upgrades writes 20auto-upgrades)',
    ]
    timers = _apt_host(commands=_enabled("apt-daily-upgrade.timer", "disabled"))
    assert messages(timers) == [
        "apt-daily-upgrade.timer is not enabled: the periodic apt jobs never run"
    ]
    updates_only = golden("apt-config-dump-unattended.txt").replace("Security", "Updates")
    found = _apt_host(commands={UNATTENDED: (0, updates_only.replace("-security", ""), "")})
    assert messages(found) == [
        "unattended-upgrades is not allowed to install from the security suite: no "
        "Origins-Pattern or Allowed-Origins names -security (apt-config dump Unattended-Upgrade)"
    ]
    # without systemd, cron's apt-compat runs the periodic jobs
    compat = {"/etc/cron.daily/apt-compat": "#!/bin/sh\n"}
    assert _apt_host(init="none", files=compat) == []
    assert messages(_apt_host(init="none"))[0].startswith(
        "no systemd and no /etc/cron.daily/apt-compat"
    )


def test_013_debian_tree() -> None:
    r = "/img"
    files: dict[str, object] = {
        f"{r}/var/lib/dpkg/info/unattended-upgrades.list": "/.\n",
        f"{r}/etc/apt/apt.conf.d/20auto-upgrades": (
            'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n'
        ),
        f"{r}/etc/apt/apt.conf.d/50unattended-upgrades": golden("50unattended-upgrades"),
        # APT ignores parts with other extensions
        f"{r}/etc/apt/apt.conf.d/20auto-upgrades.dpkg-old": 'APT::Periodic::Enable "0";\n',
        f"{r}/lib/systemd/system/apt-daily.timer": "[Timer]\n",
        f"{r}/etc/systemd/system/timers.target.wants/apt-daily.timer": "[Timer]\n",
        f"{r}/etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer": "[Timer]\n",
    }
    tree = FakeProbe(files=files)
    host = fake_host(tree, profile="image", options={"root": r}, commands=["apt-config"])
    assert list(host_013(host)) == []
    assert not any(c.startswith(("apt-config", "dpkg-query", "systemctl")) for c in tree.ran)
    masked = file_stat("/etc/systemd/system/apt-daily.timer", kind="character special file")
    tree.stats = {f"{r}/etc/systemd/system/apt-daily.timer": masked}
    assert messages(list(host_013(host))) == [
        "apt-daily.timer is not enabled: the periodic apt jobs never run"
    ]


def test_013_rhel() -> None:
    def run(commands: dict[str, tuple[int, str, str]], files: dict[str, object]) -> Result:
        base = {"rpm -q dnf-automatic": (0, "dnf-automatic-4.14.0-9.el9.noarch\n", "")}
        probe = FakeProbe(files=files, commands={**base, **commands})
        return list(host_013(fake_host(probe, os_id="rocky", commands=["rpm", "systemctl"])))

    assert run(_enabled("dnf-automatic-install.timer"), {}) == []
    conf = "[commands]\nupgrade_type = security\napply_updates = no\n"
    found = run(_enabled("dnf-automatic.timer"), {"/etc/dnf/automatic.conf": conf})
    assert messages(found) == [
        "dnf-automatic.timer is enabled but /etc/dnf/automatic.conf has apply_updates = no: "
        "updates are downloaded or reported, never installed"
    ]
    applied = {"/etc/dnf/automatic.conf": conf.replace("= no", "= yes")}
    assert run(_enabled("dnf-automatic.timer"), applied) == []
    assert messages(run({}, {}))[0].startswith("dnf-automatic is installed but neither")
    missing = FakeProbe(
        commands={"rpm -q dnf-automatic": (1, "", ""), "rpm -q yum-cron": (1, "", "")}
    )
    found = list(host_013(fake_host(missing, os_id="centos", commands=["rpm"])))
    assert messages(found)[0].startswith("dnf-automatic is not installed (rpm -q dnf-automatic")
    el7 = FakeProbe(
        files={"/etc/yum/yum-cron.conf": "[commands]\napply_updates = yes\n"},
        commands={
            "rpm -q dnf-automatic": (1, "", ""),
            "rpm -q yum-cron": (0, "yum-cron-3.4.3\n", ""),
            **_enabled("yum-cron.service"),
        },
    )
    assert list(host_013(fake_host(el7, os_id="centos", commands=["rpm", "systemctl"]))) == []


def test_013_alpine_and_others() -> None:
    job = {"/etc/periodic/daily/apk-upgrade": "#!/bin/sh\napk upgrade --update-cache -q\n"}
    assert list(host_013(fake_host(FakeProbe(files=job), os_id="alpine", init="openrc"))) == []
    cron = {"/etc/crontabs/root": "0 3 * * * apk -U upgrade\n"}
    assert list(host_013(fake_host(FakeProbe(files=cron), os_id="alpine"))) == []
    commented = {"/etc/crontabs/root": "# 0 3 * * * apk upgrade\n"}
    found = list(host_013(fake_host(FakeProbe(files=commented), os_id="alpine")))
    assert "Alpine has no standard auto-update service" in messages(found)[0]
    denied = FakeProbe(files={"/etc/crontabs/root": DENIED})
    found = list(host_013(fake_host(denied, os_id="alpine", uid=1000)))
    assert reasons(found)[0].startswith("needs root on fake (run as root, or with --sudo): read")
    for os_id in ("sles", "arch", ""):
        assert [type(r) for r in host_013(fake_host(FakeProbe(), os_id=os_id))] == [Unknown]
    na = list(host_013(fake_host(FakeProbe(), os_id="bottlerocket")))
    assert [type(r) for r in na] == [NotApplicable] and "updog" in na[0].reason  # type: ignore[union-attr]


def test_013_patching_removes_the_item() -> None:
    from pytest_devops_policy.api import get_policy
    from pytest_devops_policy.context import Context, ParseCache

    meta = get_policy(host_013)
    assert meta is not None and "container" not in meta.profiles
    for value, applies in (("auto", True), ("managed", False), ("immutable", False)):
        context = Context({"host.patching": value}, ParseCache("."))
        assert meta.applies_to(None, context) is applies, value


# -- HOST-017 logs-persistent-and-retained -------------------------------------------------------

JOURNALD = "/etc/systemd/journald.conf"
PS_RSYSLOG = "    1 /sbin/init\n  480 /usr/sbin/rsyslogd -n -iNONE\n"
DEBIAN_LOGS = {
    JOURNALD: golden("journald.conf"),
    "/etc/logrotate.conf": golden("logrotate.conf"),
    "/etc/logrotate.d/rsyslog": golden("logrotate-rsyslog"),
}
JOURNAL_DIR = {"/var/log/journal": file_stat("/var/log/journal", kind="directory")}


def _logs(
    files: dict[str, object],
    ps: str | None = PS_RSYSLOG,
    stats: dict[str, object] | None = None,
    commands: dict[str, tuple[int, str, str]] | None = None,
    **kw: object,
) -> Result:
    all_commands: dict[str, tuple[int, str, str] | str] = dict(commands or {})
    if ps is not None:
        all_commands["ps -eo pid=,args="] = (0, ps, "")
    probe = FakeProbe(files=files, stats=dict(stats or JOURNAL_DIR), commands=all_commands)  # type: ignore[arg-type]
    names = ["ps", "systemctl"]
    return list(host_017(fake_host(probe, commands=names, **kw)))  # type: ignore[arg-type]


def test_logging_parsers() -> None:
    settings = logs.journald_settings(
        [
            ("/etc/systemd/journald.conf", "[Journal]\nStorage=volatile\nMaxRetentionSec=1w\n"),
            ("/usr/lib/systemd/journald.conf.d/10-a.conf", "[Journal]\nStorage=persistent\n"),
            ("/etc/systemd/journald.conf.d/20-b.conf", "[Journal]\nMaxRetentionSec=\n"),
            ("/etc/systemd/journald.conf.d/30-c.conf", "[Upload]\nStorage=none\n"),
        ]
    )
    assert settings["Storage"].where == "/usr/lib/systemd/journald.conf.d/10-a.conf:2"
    assert "MaxRetentionSec" not in settings  # an empty assignment resets to the default
    assert logs.timespan_seconds("90d") == 90 * 86400
    assert logs.timespan_seconds("3month") == 3 * 2629800
    assert logs.timespan_seconds("1y 2w") == 31557600 + 2 * 604800
    assert logs.timespan_seconds("7776000") == 7776000
    assert logs.timespan_seconds("5m") == 300 and logs.timespan_seconds("5M") == 2629800 * 5
    assert logs.timespan_seconds("ten days") is None and logs.timespan_seconds("1x") is None
    legacy = "*.* @@logs:514\nauth.* @10.0.0.5\n*.* :omrelp:relp.example:2514\n# *.* @old\n"
    assert [n for n, _ in logs.rsyslog_forwards(legacy)] == [1, 2, 3]
    assert [n for n, _ in logs.rsyslog_forwards(golden("rsyslog-forward.conf"))] == [3]
    local = '*.*;auth,authpriv.none -/var/log/syslog\nmodule(load="imjournal")\n'
    assert logs.rsyslog_forwards(local) == [] and logs.rsyslog_reads_journal(local)
    assert not logs.rsyslog_reads_journal('#module(load="imjournal")\n')
    assert logs.syslog_ng_network_destinations(golden("syslog-ng.conf")) == ["d_central"]


def test_logrotate_retention() -> None:
    def include(target: str) -> list[tuple[str, str]]:
        assert target == "/etc/logrotate.d"
        return [("/etc/logrotate.d/rsyslog", golden("logrotate-rsyslog"))]

    blocks = logs.logrotate_rotations("/etc/logrotate.conf", golden("logrotate.conf"), include)
    assert len(blocks) == 1 and blocks[0].matches("/var/log/auth.log")
    assert blocks[0].days() == 28 and blocks[0].where == "/etc/logrotate.d/rsyslog:7"
    text = (
        "daily\nrotate 400\n/var/log/messages {\n  maxage 30\n}\n"
        "/var/log/secure {\n  size 100M\n}\n"
        '"/var/log/a b.log" /var/log/*.log {\n  hourly\n  rotate 48\n}\n'
        "/var/log/keep {\n  rotate -1\n}\n"
    )
    found = logs.logrotate_rotations("/etc/logrotate.conf", text, lambda t: [])
    assert [b.days() for b in found] == [30, None, 2, float("inf")]
    assert found[2].matches("/var/log/a b.log") and found[2].matches("/var/log/x.log")
    assert found[1].explain() == "size 100M (/etc/logrotate.conf:6)"
    # global directives set before a block apply to it, later ones do not
    order = logs.logrotate_rotations("/c", "/var/log/x {\n}\nmonthly\nrotate 9\n", lambda t: [])
    assert order[0].days() is None


def test_017_pass_and_fail() -> None:
    fail = _logs(DEBIAN_LOGS)
    assert messages(fail) == [
        "(b) logs do not leave the host (no rsyslog or syslog-ng forwarding, journal upload or "
        "log shipper of host.log_shippers) and local retention is 28 days, less than 90 "
        "(min_log_retention_days): journald MaxRetentionSec unset (SystemMaxUse gives no time "
        "guarantee); logrotate weekly x rotate 4 (/etc/logrotate.d/rsyslog:7)"
    ]
    assert _logs(DEBIAN_LOGS, options={"min_log_retention_days": 28}) == []
    forward = {**DEBIAN_LOGS, "/etc/rsyslog.d/90-forward.conf": golden("rsyslog-forward.conf")}
    assert _logs(forward) == []
    # the forwarding daemon must run
    assert messages(_logs(forward, ps="    1 /sbin/init\n"))
    ng = {**DEBIAN_LOGS, "/etc/syslog-ng/syslog-ng.conf": golden("syslog-ng.conf")}
    assert _logs(ng, ps="    1 init\n  300 /usr/sbin/syslog-ng -F\n") == []
    assert _logs(DEBIAN_LOGS, ps=PS_RSYSLOG + "  900 /usr/bin/vector --config /etc/vector\n") == []
    upload = {**DEBIAN_LOGS, "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs\n"}
    active = {"systemctl is-active -- systemd-journal-upload.service": (0, "active\n", "")}
    assert _logs(upload, commands=active) == []
    assert messages(_logs(upload))  # configured but not active
    retained = {
        **DEBIAN_LOGS,
        "/etc/systemd/journald.conf.d/50-keep.conf": ("[Journal]\nMaxRetentionSec=3month\n"),
    }
    assert _logs(retained) == []


def test_017_persistence() -> None:
    volatile = {
        **DEBIAN_LOGS,
        "/etc/systemd/journald.conf.d/10-mem.conf": ("[Journal]\nStorage=volatile\n"),
        "/etc/rsyslog.d/90-forward.conf": golden("rsyslog-forward.conf"),
    }
    # Debian's journald forwards to syslog by default, and rsyslogd writes files
    assert _logs(volatile) == []
    lost = messages(_logs(volatile, ps="    1 /sbin/init\n"))
    assert lost[0] == (
        "(a) logs are lost on reboot: journald Storage=volatile "
        "(/etc/systemd/journald.conf.d/10-mem.conf:2) (the journal is in memory), and no "
        "syslog daemon receives the journal"
    )
    assert lost[1].startswith("(b) logs do not leave the host")  # rsyslogd does not run
    # upstream builds do not forward unless told; rsyslog's imjournal reads the journal
    rhel = messages(_logs(volatile, os_id="rocky"))
    assert rhel[0].startswith("(a) logs are lost on reboot") and "ForwardToSyslog=no" in rhel[0]
    imjournal = {**volatile, "/etc/rsyslog.conf": 'module(load="imjournal")\n'}
    assert _logs(imjournal, os_id="rocky") == []
    # Storage=auto keeps the journal only where /var/log/journal exists
    no_dir = _logs(DEBIAN_LOGS, stats={"/x": file_stat("/x")}, ps="    1 /sbin/init\n")
    assert messages(no_dir)[0].startswith(
        "(a) logs are lost on reboot: journald Storage=auto (/etc/systemd/journald.conf: "
        "default) and /var/log/journal does not exist"
    )
    # no journald (no systemd): a syslog daemon writes the files
    busybox = {"/etc/logrotate.conf": "daily\nrotate 120\n/var/log/messages {\n}\n"}
    assert _logs(busybox, init="openrc", ps="    1 init\n  200 /sbin/syslogd -Z\n") == []
    none = _logs(busybox, init="openrc", ps="    1 init\n")
    assert messages(none) == [
        "(a) logs are lost on reboot: no journald and no syslog daemon (rsyslogd, syslog-ng, "
        "syslogd) runs"
    ]


def test_017_unknown() -> None:
    sized = {**DEBIAN_LOGS, "/etc/logrotate.d/rsyslog": "/var/log/syslog {\n  size 50M\n}\n"}
    assert reasons(_logs(sized)) == [
        "(b) logs do not leave the host and logrotate rotates the system logs by size only: "
        "their retention in days cannot be told (journald MaxRetentionSec unset (SystemMaxUse "
        "gives no time guarantee); logrotate size 50M (/etc/logrotate.d/rsyslog:1))"
    ]
    blind = _logs(DEBIAN_LOGS, ps=None)
    assert [type(r) for r in blind] == [Unknown]
    assert reasons(blind)[0].startswith("(b) cannot tell whether a log shipper runs on fake")
    volatile = {**DEBIAN_LOGS, "/etc/systemd/journald.conf.d/1.conf": "[Journal]\nStorage=none\n"}
    assert reasons(_logs(volatile, ps=None))[0] == (
        "(a) cannot tell whether a syslog daemon receives the journal on fake"
    )
    with pytest.raises(NeedsRoot):  # the item reports: needs root ... read /etc/rsyslog.conf
        _logs({**DEBIAN_LOGS, "/etc/rsyslog.conf": DENIED}, uid=1000)
    assert "container" not in host_017.__devops_policy__.profiles  # type: ignore[attr-defined]


def test_017_dropin_order() -> None:
    files = {
        **DEBIAN_LOGS,
        "/usr/lib/systemd/journald.conf.d/60-vendor.conf": "[Journal]\nMaxRetentionSec=1y\n",
        "/etc/systemd/journald.conf.d/60-vendor.conf": "[Journal]\nMaxRetentionSec=1d\n",
        "/run/systemd/journald.conf.d/50-run.conf": "[Journal]\nMaxRetentionSec=2y\n",
    }
    # /etc's 60-vendor.conf replaces /usr/lib's and sorts after /run's 50-run.conf
    found = messages(_logs(files))
    assert (
        "journald MaxRetentionSec=1d (/etc/systemd/journald.conf.d/60-vendor.conf:2)" in (found[0])
    )


def test_017_local_tree(pytester: pytest.Pytester) -> None:
    root = pytester.path / "root"
    (root / "etc/systemd").mkdir(parents=True)
    (root / "etc/logrotate.d").mkdir(parents=True)
    (root / "var/log/journal").mkdir(parents=True)
    (root / "etc/systemd/journald.conf").write_text(golden("journald.conf"))
    (root / "etc/logrotate.conf").write_text(golden("logrotate.conf"))
    (root / "etc/logrotate.d/rsyslog").write_text(golden("logrotate-rsyslog"))
    (root / "etc/logrotate.d/rsyslog.dpkg-old").write_text("/var/log/syslog {\n rotate 99\n}\n")
    (root / "etc/rsyslog.conf").write_text("*.*;auth,authpriv.none -/var/log/syslog\n")
    (root / "etc/os-release").write_text("ID=debian\nVERSION_ID=12\n")
    pytester.makefile(".toml", pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\n')
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "-k", "HOST-017")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*HOST-017 logs-persistent-and-retained [[]medium[]]: (b) logs do not leave the "
            "host*local retention is 28 days, less than 90*logrotate weekly x rotate 4 "
            "(/etc/logrotate.d/rsyslog:7)*"
        ]
    )
    (root / "etc/systemd/journald.conf.d").mkdir()
    (root / "etc/systemd/journald.conf.d/50-keep.conf").write_text(
        "[Journal]\nMaxRetentionSec=90d\n"
    )
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "-k", "HOST-017")
    result.assert_outcomes(passed=1)
    (root / "etc/rsyslog.d").mkdir()
    (root / "etc/rsyslog.d/90-forward.conf").write_text(golden("rsyslog-forward.conf"))
    (root / "etc/systemd/journald.conf.d/50-keep.conf").write_text("[Journal]\nStorage=none\n")
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "-k", "HOST-017")
    result.assert_outcomes(passed=1)  # shipped, and rsyslog (Debian) receives the journal


# -- HOST-015 time-synchronized ------------------------------------------------------------------

TIMEDATECTL = "timedatectl show -p NTP -p NTPSynchronized"
CHRONYC = "chronyc -n tracking"


def _time(ps: str | None, commands: dict[str, tuple[int, str, str]], **kw: object) -> Result:
    all_commands: dict[str, tuple[int, str, str] | str] = dict(commands)
    if ps is not None:
        all_commands["ps -eo pid=,args="] = (0, "    1 /sbin/init\n" + ps, "")
    names = kw.pop("names", ["ps", "timedatectl", "chronyc"])
    probe = FakeProbe(commands=all_commands)
    return list(host_015(fake_host(probe, commands=names, **kw)))  # type: ignore[arg-type]


def test_timesync_parsers() -> None:
    leap, offset = timesync.chrony_tracking(golden("chronyc-tracking.txt"))
    assert leap == "Normal" and offset == pytest.approx(0.023418)
    assert timesync.chrony_tracking("System time : 1.5 seconds slow of NTP time\n")[1] == 1500
    assert timesync.ntpq_synced(golden("ntpq-pn.txt"))
    assert not timesync.ntpq_synced(golden("ntpq-pn.txt").replace("*192", " 192"))
    assert timesync.ntpctl_synced("4/4 peers valid, clock synced, stratum 3\n") is True
    assert timesync.ntpctl_synced("0/4 peers valid, clock unsynced\n") is False
    assert timesync.key_values("NTP=yes\nNTPSynchronized=no\n")["NTPSynchronized"] == "no"


def test_015_pass_and_fail() -> None:
    timesyncd = "  400 /lib/systemd/systemd-timesyncd\n"
    chronyd = "  530 /usr/sbin/chronyd -F 1\n"
    synced = {TIMEDATECTL: (0, "NTP=yes\nNTPSynchronized=yes\n", "")}
    assert _time(timesyncd, synced) == []
    unsynced = {TIMEDATECTL: (0, "NTP=yes\nNTPSynchronized=no\n", "")}
    assert messages(_time(timesyncd, unsynced)) == [
        "systemd-timesyncd runs but the clock is not synchronized (timedatectl show -p NTP "
        "-p NTPSynchronized: NTP=yes, NTPSynchronized=no)"
    ]
    tracking = {CHRONYC: (0, golden("chronyc-tracking.txt"), "")}
    assert _time(chronyd, tracking) == []
    far = golden("chronyc-tracking.txt").replace("0.000023418 seconds fast", "0.9 seconds fast")
    assert messages(_time(chronyd, {CHRONYC: (0, far, "")})) == [
        "the clock is 900 ms off NTP time (chronyc -n tracking), more than 500 ms "
        "(host.time.max_offset_ms)"
    ]
    assert _time(chronyd, {CHRONYC: (0, far, "")}, options={"time": {"max_offset_ms": 1000}}) == []
    leap = golden("chronyc-tracking.txt").replace("Normal", "Not synchronised")
    assert "Leap status : Not synchronised" in messages(_time(chronyd, {CHRONYC: (0, leap, "")}))[0]
    both = _time(timesyncd + chronyd, {**synced, **tracking})
    assert messages(both) == [
        "2 time daemons are active (systemd-timesyncd, chronyd): they fight over the clock; "
        "keep one"
    ]
    assert messages(_time("  700 /usr/sbin/cron -f\n", {})) == [
        "no time daemon is active (looked for systemd-timesyncd, chronyd, ntpd): the clock drifts"
    ]


def test_015_ntpd_flavours() -> None:
    ntpd = "  600 /usr/sbin/ntpd -p /run/ntpd.pid -g -u 105:111\n"
    ntpq = {"ntpq -pn": (0, golden("ntpq-pn.txt"), "")}
    assert _time(ntpd, ntpq, names=["ps", "ntpq"]) == []
    lost = {"ntpq -pn": (0, golden("ntpq-pn.txt").replace("*", " "), "")}
    assert messages(_time(ntpd, lost, names=["ps", "ntpq"])) == [
        "ntpd runs but has no system peer ('*' in ntpq -pn)"
    ]
    openntpd = {"ntpctl -s status": (0, "0/2 peers valid, clock unsynced\n", "")}
    assert messages(_time(ntpd, openntpd, names=["ps", "ntpctl"])) == [
        "OpenNTPD runs but the clock is not synchronized (ntpctl -s status)"
    ]
    synced = {"ntpctl -s status": (0, "2/2 peers valid, clock synced, stratum 2\n", "")}
    assert _time(ntpd, synced, names=["ps", "ntpctl"]) == []
    # BusyBox ntpd has no status interface: it passes (its note is dropped)
    busybox = "  600 /usr/sbin/ntpd -N -p pool.ntp.org\n"
    assert _time(busybox, {}, names=["ps"], os_id="alpine", init="openrc") == []


def test_015_unknown_and_profiles() -> None:
    refused = {CHRONYC: (1, "506 Cannot talk to daemon\n", "")}
    assert reasons(_time("  530 /usr/sbin/chronyd\n", refused)) == [
        "chronyc -n tracking was refused: 506 Cannot talk to daemon"
    ]
    bus = {TIMEDATECTL: (1, "", "Failed to connect to bus: No such file or directory\n")}
    assert reasons(_time("  400 /lib/systemd/systemd-timesyncd\n", bus)) == [
        "timedatectl show -p NTP -p NTPSynchronized was refused: Failed to connect to bus: "
        "No such file or directory"
    ]
    ntpq = {"ntpq -pn": (1, "", "ntpq: read: Connection refused\n")}
    assert reasons(_time("  600 /usr/sbin/ntpd -g\n", ntpq, names=["ps", "ntpq"])) == [
        "ntpq -pn was refused: ntpq: read: Connection refused"
    ]
    assert reasons(_time(None, {}, init="none")) == ["cannot tell which time daemon runs on fake"]
    # systemd says it too: a unit active without a readable process table
    active = {"systemctl is-active -- chronyd.service": (0, "active\n", "")}
    tracking = {CHRONYC: (0, golden("chronyc-tracking.txt"), "")}
    assert _time(None, {**active, **tracking}, names=["systemctl", "chronyc"]) == []
    assert host_015.__devops_policy__.profiles == ("server",)  # type: ignore[attr-defined]
