"""HOST-013 automatic-security-updates: the host installs security updates by itself
(catalog §8.3, §8.2-9).

Choices the row leaves open:
* Commands are used where they describe the audited system (a live host, or ``chroot://``);
  a tree under ``host.root`` is read from its files instead: ``/var/lib/dpkg/info/*.list`` for
  installed packages, the ``apt.conf.d`` files in APT's order, and the systemd ``*.wants``
  links for enabled timers.
* When ``unattended-upgrades`` is not installed, that is the one failure named: the rest of its
  configuration comes with the package.
* Alpine's note ("no standard auto-update service") is part of its failure message.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.listing import LS, list_dir, matching
from pytest_devops_policy.knowledge.host.packages import (
    apt_conf,
    apt_config_dump,
    dpkg_installed,
    ini_values,
)
from pytest_devops_policy.options.host import HostOptions

DPKG_STATUS = "dpkg-query -W -f='${{Status}}' {pkg}"
APT_PERIODIC = "apt-config dump APT::Periodic"
APT_UNATTENDED = "apt-config dump Unattended-Upgrade"
IS_ENABLED = "systemctl is-enabled -- {unit}"
RPM_Q = "rpm -q {pkg}"
STAT = "stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' -- <paths>"
APT_COMPAT = "/etc/cron.daily/apt-compat"
DNF_CONF = "/etc/dnf/automatic.conf"
YUM_CRON_CONF = "/etc/yum/yum-cron.conf"
PERIODIC = ("15min", "hourly", "daily", "weekly", "monthly")
ENGINES = {
    "flatcar": "update_engine",
    "bottlerocket": "the Bottlerocket update API (updog)",
    "cos": "the COS auto-update service",
    "fedora-coreos": "Zincati",
    "talos": "talosctl upgrade",
}
# APT reads the apt.conf.d parts whose names hold only these characters, with no extension or
# .conf (apt-pkg/contrib/configuration.cc, ReadConfigDir), then apt.conf.
_APT_PART = re.compile(r"^[A-Za-z0-9_.-]+$")
_APK_UPGRADE = re.compile(r"\bapk\b[^\n#]*\bupgrade\b")


def _commands(host: Host) -> bool:
    """Commands describe the audited system: not for a tree read under host.root."""
    return host.root == ""


def _installed(host: Host, pkg: str, marker: str) -> bool:
    """dpkg-query / rpm -q where commands apply; else the package's file on disk."""
    if _commands(host) and host.has("dpkg-query") and host.facts.family == "debian":
        result = host.run(DPKG_STATUS.format(pkg=pkg))
        return result.ok and dpkg_installed(result.out)
    if _commands(host) and host.has("rpm") and host.facts.family == "rhel":
        return host.run(RPM_Q.format(pkg=pkg)).ok
    return host.stat([marker])[marker] is not None


def _enabled(host: Host, unit: str) -> bool:
    """A unit is enabled: ``systemctl is-enabled`` on a live systemd host, else a link in a
    ``*.wants`` directory of /etc/systemd/system (and not masked)."""
    if host.live and host.facts.init == "systemd" and host.has("systemctl"):
        result = host.run(IS_ENABLED.format(unit=shlex.quote(unit)))
        return result.out.strip() in ("enabled", "enabled-runtime", "alias")
    base = "/etc/systemd/system"
    wants = [f"{base}/{t}.wants/{unit}" for t in ("timers.target", "multi-user.target")]
    stats = host.stat([f"{base}/{unit}", *wants])
    own = stats[f"{base}/{unit}"]
    if own is not None and own.type.startswith("character special"):
        return False  # masked: a link to /dev/null
    return any(stats[w] is not None for w in wants)


def _apt_settings(host: Host) -> Mapping[str, list[str]]:
    if _commands(host) and host.has("apt-config"):
        out: dict[str, list[str]] = {}
        for command in (APT_PERIODIC, APT_UNATTENDED):
            result = host.run(command)
            if result.ok:
                out.update(apt_config_dump(result.out))
        return out
    parts = [
        p
        for p in matching(host, "/etc/apt/apt.conf.d", "*")
        if _APT_PART.match(p.rsplit("/", 1)[1])
        and "." not in p.rsplit("/", 1)[1].removesuffix(".conf")[1:]
    ]
    texts = [host.read_text(p) or "" for p in [*parts, "/etc/apt/apt.conf"]]
    return apt_conf(texts)


def _on(settings: Mapping[str, list[str]], key: str, default: str) -> bool:
    values = settings.get(key) or [default]
    return values[-1].strip() not in ("", "0", "false", "no")


def _debian(host: Host) -> Iterator[Violation]:
    pkg = "unattended-upgrades"
    if not _installed(host, pkg, f"/var/lib/dpkg/info/{pkg}.list"):
        yield Violation(
            f"{pkg} is not installed ({DPKG_STATUS.format(pkg=pkg)}): nothing installs "
            "security updates"
        )
        return
    settings = _apt_settings(host)
    source = APT_PERIODIC if _commands(host) and host.has("apt-config") else "/etc/apt/apt.conf.d"
    if not _on(settings, "APT::Periodic::Enable", "1"):
        yield Violation(f"APT::Periodic::Enable is 0 ({source}): the periodic apt jobs are off")
    for key in ("Update-Package-Lists", "Unattended-Upgrade"):
        if not _on(settings, f"APT::Periodic::{key}", "0"):
            yield Violation(
                f'APT::Periodic::{key} is not set or "0" ({source}): set it to "1" '
                "(dpkg-reconfigure unattended-upgrades writes 20auto-upgrades)"
            )
    systemd_image = not host.live and any(
        s is not None
        for s in host.stat(
            ["/lib/systemd/system/apt-daily.timer", "/usr/lib/systemd/system/apt-daily.timer"]
        ).values()
    )
    if (host.live and host.facts.init == "systemd") or systemd_image:
        for timer in ("apt-daily.timer", "apt-daily-upgrade.timer"):
            if not _enabled(host, timer):
                yield Violation(f"{timer} is not enabled: the periodic apt jobs never run")
    elif host.stat([APT_COMPAT])[APT_COMPAT] is None:
        yield Violation(
            f"no systemd and no {APT_COMPAT}: nothing runs the periodic apt jobs (is cron "
            "installed?)"
        )
    origins = [
        *settings.get("Unattended-Upgrade::Origins-Pattern", []),
        *settings.get("Unattended-Upgrade::Allowed-Origins", []),
    ]
    if not any("security" in o.lower() for o in origins):
        where = APT_UNATTENDED if source == APT_PERIODIC else source
        yield Violation(
            "unattended-upgrades is not allowed to install from the security suite: no "
            f"Origins-Pattern or Allowed-Origins names -security ({where})"
        )


def _rhel(host: Host) -> Iterator[Violation]:
    if _installed(host, "dnf-automatic", "/usr/bin/dnf-automatic"):
        if _enabled(host, "dnf-automatic-install.timer"):
            return
        if not _enabled(host, "dnf-automatic.timer"):
            yield Violation(
                "dnf-automatic is installed but neither dnf-automatic-install.timer nor "
                "dnf-automatic.timer is enabled"
            )
            return
        conf = ini_values(host.read_text(DNF_CONF) or "")
        apply = conf.get("commands.apply_updates", "no").lower()
        kind = conf.get("commands.upgrade_type", "default").lower()
        if apply not in ("yes", "true", "1", "on"):
            yield Violation(
                f"dnf-automatic.timer is enabled but {DNF_CONF} has apply_updates = {apply}: "
                "updates are downloaded or reported, never installed"
            )
        elif kind not in ("default", "security"):
            yield Violation(f"{DNF_CONF} has upgrade_type = {kind} (default or security)")
        return
    if _installed(host, "yum-cron", "/usr/sbin/yum-cron"):
        conf = ini_values(host.read_text(YUM_CRON_CONF) or "")
        if not _enabled(host, "yum-cron.service"):
            yield Violation("yum-cron is installed but yum-cron.service is not enabled")
        elif conf.get("commands.apply_updates", "no").lower() not in ("yes", "true", "1"):
            yield Violation(f"{YUM_CRON_CONF} does not set apply_updates = yes")
        return
    yield Violation(
        f"dnf-automatic is not installed ({RPM_Q.format(pkg='dnf-automatic')}; nor yum-cron on "
        "EL7): nothing installs security updates"
    )


def _alpine(host: Host) -> Iterator[Violation | Unknown]:
    refused = []
    jobs = [f"/etc/periodic/{p}" for p in PERIODIC]
    try:
        files = matching(host, "/etc/crontabs", "*")
    except NeedsRoot:
        files, refused = [], ["/etc/crontabs"]
    for d in jobs:
        files.extend(f"{d}/{n}" for n in list_dir(host, d) or [])
    for path in files:
        try:
            text = host.read_text(path) or ""
        except NeedsRoot:
            refused.append(path)
            continue
        lines = [line.split("#", 1)[0] for line in text.splitlines()]
        if any(_APK_UPGRADE.search(line) for line in lines):
            return
    if refused:
        yield Unknown(
            f"needs root on {host.label} (run as root, or with --sudo): read "
            f"{', '.join(refused)}; no readable job runs apk upgrade"
        )
        return
    yield Violation(
        "no cron or periodic job runs apk upgrade (/etc/crontabs, /etc/periodic/*): Alpine "
        "has no standard auto-update service, so a job must do it (for example "
        "/etc/periodic/daily/apk-upgrade running 'apk upgrade --update-cache')"
    )


def _applies(spec: object, context: Context) -> bool:
    """No item when patching is managed centrally or hosts are replaced (host.patching)."""
    return context.options(HostOptions).patching == "auto"


@policy(
    id="HOST-013",
    name="automatic-security-updates",
    title="The host installs security updates automatically",
    severity=Severity.MEDIUM,
    rationale=(
        "Most intrusions use flaws whose fixes were published weeks earlier. A host that "
        "waits for someone to log in and upgrade stays open for as long as nobody does; "
        "unattended-upgrades, dnf-automatic or a scheduled apk upgrade close the gap within "
        "a day. Hosts patched by a central tool or replaced by rebuilt images say so with "
        "host.patching."
    ),
    remediation=(
        "Debian/Ubuntu: apt-get install unattended-upgrades, then dpkg-reconfigure "
        "unattended-upgrades (APT::Periodic::Update-Package-Lists and Unattended-Upgrade "
        '"1"), and keep the -security origin in 50unattended-upgrades. RHEL/Fedora: dnf '
        "install dnf-automatic; systemctl enable --now dnf-automatic-install.timer. Alpine: "
        "a daily periodic job running 'apk upgrade --update-cache'. Centrally patched hosts: "
        'host.patching = "managed"; replaced by images: host.patching = "immutable".'
    ),
    controls=("CIS-DIL-1.8", "CIS-U22-1.2.2.1", "NIST-800-53-SI-2"),
    references=("stig:RHEL-09-211015", "stig:UBTU-22-214015", "lynis:PKGS-7420"),
    applies=_applies,
    example="""\
# $ dpkg-query -W -f='${Status}' unattended-upgrades
install ok installed
---
# $ apt-config dump APT::Periodic
APT::Periodic "";
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "0";
---
# $ apt-config dump Unattended-Upgrade
Unattended-Upgrade "";
Unattended-Upgrade::Allowed-Origins "";
Unattended-Upgrade::Allowed-Origins:: "${distro_id}:${distro_codename}-updates";
---
# $ systemctl is-enabled -- apt-daily.timer
enabled
---
# $ systemctl is-enabled -- apt-daily-upgrade.timer
enabled
""",
    use_instead="""\
# $ dpkg-query -W -f='${Status}' unattended-upgrades
install ok installed
---
# $ apt-config dump APT::Periodic
APT::Periodic "";
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
---
# $ apt-config dump Unattended-Upgrade
Unattended-Upgrade "";
Unattended-Upgrade::Allowed-Origins "";
Unattended-Upgrade::Allowed-Origins:: "${distro_id}:${distro_codename}-security";
---
# $ systemctl is-enabled -- apt-daily.timer
enabled
---
# $ systemctl is-enabled -- apt-daily-upgrade.timer
enabled
""",
    commands=(
        DPKG_STATUS.format(pkg="unattended-upgrades"),
        APT_PERIODIC,
        APT_UNATTENDED,
        *(
            IS_ENABLED.format(unit=u)
            for u in (
                "apt-daily.timer",
                "apt-daily-upgrade.timer",
                "dnf-automatic-install.timer",
                "dnf-automatic.timer",
                "yum-cron.service",
            )
        ),
        RPM_Q.format(pkg="dnf-automatic"),
        RPM_Q.format(pkg="yum-cron"),
        LS.format(dir="/etc/apt/apt.conf.d"),
        LS.format(dir="/etc/crontabs"),
        *(LS.format(dir=f"/etc/periodic/{p}") for p in PERIODIC),
        STAT,
    ),
    reads=(
        "/etc/apt/apt.conf.d/*, /etc/apt/apt.conf (trees, where apt-config is not used)",
        "/var/lib/dpkg/info/unattended-upgrades.list (trees)",
        "/etc/systemd/system/*.wants/<timer> (trees and hosts without systemctl)",
        f"{APT_COMPAT}, {DNF_CONF}, {YUM_CRON_CONF}",
        "/etc/crontabs/*, /etc/periodic/*/* (Alpine)",
    ),
    needs_root=("/etc/crontabs/* (Alpine)",),
    profiles=("server", "image"),
)
def automatic_security_updates(host: Host) -> Iterator[Violation | Unknown]:
    family = host.facts.family
    if family == "immutable":
        engine = ENGINES.get(host.facts.os_id, "its update engine")
        yield NotApplicable(
            f"{host.facts.os_id or 'this'} is an image-based OS: it is updated as a whole by "
            f"{engine}, not by package updates"
        )
        return
    if family == "debian":
        yield from _debian(host)
    elif family == "rhel":
        yield from _rhel(host)
    elif family == "alpine":
        yield from _alpine(host)
    else:
        yield Unknown(
            f"automatic updates are not judged on the {family} family "
            f"({host.facts.os_id or 'no os-release ID'}): only Debian/Ubuntu, RHEL/Fedora "
            "and Alpine are supported"
        )
