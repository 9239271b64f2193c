"""HOST-014 no-pending-security-updates: the local package index knows of no security update
that is not installed, and no reboot has waited past its grace (catalog §8.3, §8.2-9).

Choices the row leaves open:
* Only the local index is read (never ``apt-get update``). A stale index can hide updates but
  never invents one, so pending security updates FAIL whatever the index age (the message says
  the index is old); an index older than ``updates.max_index_age_days`` with nothing pending is
  Unknown.
* The package simulation describes the machine it runs on: a tree under ``host.root`` cannot
  be simulated (Unknown; ``chroot://`` runs the image's own apt-get). Reboots are not judged
  on images (no running kernel).
* A reboot pending with no datable flag (``needs-restarting -r`` without a newer kernel to
  date it) is dated by the last package transaction, a lower bound of its age: it fails only
  when even that bound is past the grace.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.listing import LS, list_dir, matching
from pytest_devops_policy.knowledge.host.packages import (
    Pending,
    apk_pending,
    apt_pending,
    dnf_security_pending,
    dpkg_kernels,
    kernel_key,
    newest_kernel,
    rpm_kernels,
)

APT = "apt-get -s -o Debug::NoLocking=true dist-upgrade"
DNF = "dnf -C -q updateinfo list --security --available"
APK = "apk version -l '<'"
NEEDS_RESTARTING = "needs-restarting -r"
DPKG_KERNELS = "dpkg-query -W -f='${Package} ${Status}\\n' 'linux-image-[0-9]*'"
RPM_KERNELS = "rpm -q kernel"
STAT = "stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' -- <paths>"

# Where each family keeps its index: (directory, name glob), and single files.
INDEXES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "debian": (
        (("/var/lib/apt/lists", "*_InRelease"),),
        ("/var/lib/apt/periodic/update-success-stamp",),
    ),
    "rhel": ((("/var/cache/dnf", "*.solv"),), ()),
    "alpine": ((("/var/cache/apk", "APKINDEX.*"),), ()),
}
# The package database: its last change dates the last transaction (a pending reboot's
# youngest possible age).
RPMDB = (
    "/var/lib/rpm/rpmdb.sqlite",
    "/var/lib/rpm/Packages",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
)
DAY = 86400.0


def _days(seconds: float) -> int:
    return max(0, int(seconds // DAY))


def _index_age(host: Host, family: str) -> tuple[float | None, str]:
    """Seconds since the newest index file changed, and that file (None: no index)."""
    globs, files = INDEXES[family]
    paths = [p for d, g in globs for p in matching(host, d, g) if not p.endswith("/@System.solv")]
    stats = host.stat([*paths, *files])
    # stat's %F says "regular empty file" for the periodic stamp
    found = [
        (s.mtime, p) for p, s in stats.items() if s is not None and s.type.startswith("regular")
    ]
    if not found:
        return None, ""
    mtime, path = max(found)
    return time.time() - mtime, path


def _pending(host: Host, family: str) -> tuple[list[Pending], str] | Unknown:
    """The pending updates and the command that listed them."""
    if family == "debian":
        command, need, parse = APT, "apt-get", apt_pending
    elif family == "rhel":
        command, need, parse = DNF, "dnf", dnf_security_pending
    else:
        command, need, parse = APK, "apk", apk_pending
    if not host.has(need):
        return Unknown(f"{need} is not on {host.label}'s PATH: pending updates cannot be read")
    result = host.run(command, slow=True)
    if result.missing:
        return Unknown(f"{need} is not on {host.label}'s PATH: pending updates cannot be read")
    if not result.ok:
        first = (result.err.strip().splitlines() or [f"exit status {result.rc}"])[0]
        hint = ""
        if family == "rhel" and not host.is_root:
            hint = " (dnf keeps a separate, empty cache for other users: run as root)"
        return Unknown(f"{command} failed: {first}{hint}")
    return parse(result.out), command


def _security_findings(
    host: Host, family: str, pending: Sequence[Pending], command: str, stale: str
) -> Iterator[Violation | Unknown]:
    if family != "alpine":
        for i, p in enumerate(x for x in pending if x.security):
            yield Violation(
                f"security update pending: {p.describe()} ({command}){stale if i == 0 else ''}"
            )
        return
    if not pending:
        return
    if not host.options.updates_alpine_all_count:
        yield Unknown(
            f"{len(pending)} updates pending ({command}) and apk has no security "
            "classification; they are not counted (host.updates.alpine_all_count = false)"
        )
        return
    for i, p in enumerate(pending):
        yield Violation(
            f"update pending: {p.describe()} ({command}; apk has no security "
            f"classification, so every pending update counts){stale if i == 0 else ''}",
            severity=Severity.MEDIUM,
        )


def _installed_kernels(host: Host, family: str) -> list[str]:
    if family == "debian" and host.has("dpkg-query"):
        result = host.run(DPKG_KERNELS)
        if result.ok:
            return dpkg_kernels(result.out)
    if family == "rhel" and host.has("rpm"):
        result = host.run(RPM_KERNELS)
        if result.ok:
            return rpm_kernels(result.out)
    return [n for n in list_dir(host, "/lib/modules") or [] if n[:1].isdigit()]


def _reboot(host: Host, family: str) -> Iterator[Violation]:
    """(b) A reboot pending longer than the grace."""
    grace = host.options.updates_reboot_grace_days
    flag = host.path("reboot_required")
    stats = host.stat([flag])
    if stats[flag] is not None:
        pkgs = host.read_text(flag + ".pkgs") or ""
        names = sorted({n.strip() for n in pkgs.splitlines() if n.strip()})
        age = time.time() - stats[flag].mtime  # type: ignore[union-attr]
        if age > grace * DAY:
            what = f" for {', '.join(names[:10])}" if names else ""
            yield Violation(
                f"a reboot has been pending for {_days(age)} days{what} ({flag}; grace "
                f"{grace} days, host.updates.reboot_grace_days)",
                severity=Severity.MEDIUM,
            )
        return
    running = host.facts.uname.split()[1] if len(host.facts.uname.split()) > 1 else ""
    if family == "rhel" and host.has("needs-restarting"):
        result = host.run(NEEDS_RESTARTING)
        if result.rc == 0 or result.missing or result.rc not in (0, 1):
            return
        why = " ".join(result.out.split())[:200]
        dates: list[str] = []
        newest = newest_kernel(_installed_kernels(host, family))
        if "kernel" in result.out and newest and newest != running:
            dates = [f"/lib/modules/{newest}"]
        stats = host.stat(dates or list(RPMDB))
        times = [s.mtime for s in stats.values() if s is not None]
        if times and time.time() - max(times) > grace * DAY:
            yield Violation(
                f"a reboot has been pending for at least {_days(time.time() - max(times))} "
                f"days ({NEEDS_RESTARTING}: {why}; grace {grace} days, "
                "host.updates.reboot_grace_days)",
                severity=Severity.MEDIUM,
            )
        return
    newest = newest_kernel(_installed_kernels(host, family))
    if not running or not newest or kernel_key(newest) <= kernel_key(running):
        return
    modules = f"/lib/modules/{newest}"
    stat = host.stat([modules])[modules]
    if stat is None:
        return
    age = time.time() - stat.mtime
    if age > grace * DAY:
        yield Violation(
            f"a reboot has been pending for {_days(age)} days: kernel {newest} is installed "
            f"({modules}) and {running} runs (uname -r; grace {grace} days, "
            "host.updates.reboot_grace_days)",
            severity=Severity.MEDIUM,
        )


@policy(
    id="HOST-014",
    name="no-pending-security-updates",
    title="No security update is pending and no reboot waits past its grace",
    severity=Severity.HIGH,
    rationale=(
        "A security update that the package index already offers is a published, "
        "exploitable flaw on a machine whose owners could have fixed it. An installed kernel "
        "or C library fixes nothing until the host reboots: the old code keeps running. A "
        "stale index hides both, which is why its age is part of the verdict."
    ),
    remediation=(
        "Install the security updates (apt-get dist-upgrade, dnf upgrade --security, apk "
        "upgrade) or let HOST-013's automatic updates do it, and schedule the reboot the "
        "flag asks for (Debian/Ubuntu /var/run/reboot-required, RHEL needs-restarting -r). "
        "Keep the index fresh (apt-daily.timer, dnf makecache.timer) so that the next check "
        "can see new updates."
    ),
    controls=("CIS-DIL-1.8", "CIS-U22-1.2.2.1", "NIST-800-53-SI-2", "NIST-800-53-RA-5"),
    references=(
        "stig:RHEL-09-211015",
        "lynis:PKGS-7392",
        "lynis:PKGS-7394",
        "lynis:PKGS-7395",
        "lynis:KRNL-5830",
        "lynis:KRNL-5788",
    ),
    example="""\
# $ apt-get -s -o Debug::NoLocking=true dist-upgrade
Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following packages will be upgraded:
  liblzma5
1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
Inst liblzma5 [5.4.1-0.2] (5.4.1-1+deb12u1 Debian-Security:12/stable-security [amd64])
Conf liblzma5 (5.4.1-1+deb12u1 Debian-Security:12/stable-security [amd64])
---
# /var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease
Origin: Debian
""",
    use_instead="""\
# $ apt-get -s -o Debug::NoLocking=true dist-upgrade
Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
---
# /var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease
Origin: Debian
""",
    commands=(
        APT,
        DNF,
        APK,
        NEEDS_RESTARTING,
        DPKG_KERNELS,
        RPM_KERNELS,
        LS.format(dir="/var/lib/apt/lists"),
        LS.format(dir="/var/cache/dnf"),
        LS.format(dir="/var/cache/apk"),
        LS.format(dir="/lib/modules"),
        STAT,
    ),
    reads=(
        "/var/lib/apt/lists/*_InRelease, /var/lib/apt/periodic/update-success-stamp, "
        "/var/cache/dnf/*.solv, /var/cache/apk/APKINDEX.* (modification times: index age)",
        "host.paths.reboot_required (/var/run/reboot-required) and its .pkgs",
        "/lib/modules/* (installed kernels)",
        "/var/lib/rpm/rpmdb.sqlite (last package transaction)",
    ),
    needs_root=("dnf -C (other users have their own, empty cache)",),
    profiles=("server", "image"),
)
def no_pending_security_updates(host: Host) -> Iterator[Violation | Unknown]:
    family = host.facts.family
    if family == "immutable":
        yield NotApplicable(
            f"{host.facts.os_id} is an image-based OS: its update engine replaces the whole "
            "system (no package-level updates to judge)"
        )
        return
    if family not in INDEXES:
        yield Unknown(
            f"pending updates are not read on the {family} family ({host.facts.os_id or 'no '}"
            "os-release ID): only Debian/Ubuntu, RHEL/Fedora and Alpine are supported"
        )
        return
    age, newest = _index_age(host, family)
    limit = host.options.updates_max_index_age_days
    stale = ""
    if age is None:
        stale = "no package index was found (never refreshed, or the lists were cleaned)"
    elif age > limit * DAY:
        stale = (
            f"package index is {_days(age)} days old ({newest}; more than {limit} days, "
            "host.updates.max_index_age_days): a stale index hides updates"
        )
    findings: list[Violation | Unknown] = []
    security: list[Violation | Unknown] = []
    if host.root:
        findings.append(
            Unknown(
                f"pending updates cannot be simulated in a tree ({host.root}): the package "
                "manager would describe this machine; use chroot:// to run the image's own"
            )
        )
    else:
        got = _pending(host, family)
        if isinstance(got, Unknown):
            findings.append(got)
        else:
            pending, command = got
            note = f" (note: {stale})" if stale else ""
            security = list(_security_findings(host, family, pending, command, note))
            findings.extend(security)
    if host.live:
        findings.extend(_reboot(host, family))
    yield from findings
    if stale and not any(isinstance(f, Violation) for f in security):
        yield Unknown(stale)
