"""HOST-015 time-synchronized: one time daemon runs and says the clock is synchronized
(catalog §8.3).

Choices the row leaves open:
* A daemon counts as active when its unit is active (systemd), its OpenRC service is
  started, or its process runs. ``ntpd`` is told apart by its control program: ``ntpctl``
  (OpenNTPD), ``ntpq`` (ntpd, ntpsec), neither (BusyBox ``ntpd``, which has no status
  interface: it passes, and its note is dropped).
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.services import PS, running
from pytest_devops_policy.knowledge.host.timesync import (
    chrony_tracking,
    key_values,
    ntpctl_synced,
    ntpq_synced,
)

TIMEDATECTL = "timedatectl show -p NTP -p NTPSynchronized"
CHRONYC = "chronyc -n tracking"
NTPQ = "ntpq -pn"
NTPCTL = "ntpctl -s status"
# daemon -> (systemd units / OpenRC services, process names)
DAEMONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "systemd-timesyncd": (("systemd-timesyncd.service",), ("systemd-timesyncd",)),
    "chronyd": (("chronyd.service", "chrony.service"), ("chronyd",)),
    "ntpd": (("ntp.service", "ntpd.service", "ntpsec.service", "openntpd.service"), ("ntpd",)),
}


def _refused(command: str, err: str, rc: int) -> Unknown:
    first = (err.strip().splitlines() or [f"exit status {rc}"])[0]
    return Unknown(f"{command} was refused: {first}")


def _check(host: Host, daemon: str) -> Violation | Unknown | None:
    if daemon == "systemd-timesyncd":
        result = host.run(TIMEDATECTL)
        if not result.ok:
            return _refused(TIMEDATECTL, result.err, result.rc)
        values = key_values(result.out)
        if values.get("NTP") != "yes" or values.get("NTPSynchronized") != "yes":
            return Violation(
                f"systemd-timesyncd runs but the clock is not synchronized ({TIMEDATECTL}: "
                f"NTP={values.get('NTP', '?')}, NTPSynchronized="
                f"{values.get('NTPSynchronized', '?')})"
            )
        return None
    if daemon == "chronyd":
        result = host.run(CHRONYC)
        if not result.ok or "Cannot talk to daemon" in result.out + result.err:
            return _refused(CHRONYC, result.err or result.out, result.rc)
        leap, offset = chrony_tracking(result.out)
        limit = host.options.time_max_offset_ms
        if leap != "Normal":
            return Violation(
                f"chronyd runs but the clock is not synchronized ({CHRONYC}: Leap status "
                f": {leap or '?'})"
            )
        if offset is None:
            return Unknown(f"{CHRONYC} shows no System time offset")
        if offset > limit:
            return Violation(
                f"the clock is {offset:.0f} ms off NTP time ({CHRONYC}), more than {limit} "
                "ms (host.time.max_offset_ms)"
            )
        return None
    if host.has("ntpctl"):
        result = host.run(NTPCTL)
        synced = ntpctl_synced(result.out) if result.ok else None
        if synced is None:
            return _refused(NTPCTL, result.err or result.out, result.rc)
        if not synced:
            return Violation(f"OpenNTPD runs but the clock is not synchronized ({NTPCTL})")
        return None
    if host.has("ntpq"):
        result = host.run(NTPQ)
        if not result.ok or "refused" in result.err:
            return _refused(NTPQ, result.err, result.rc)
        if not ntpq_synced(result.out):
            return Violation(f"ntpd runs but has no system peer ('*' in {NTPQ})")
        return None
    return None  # BusyBox ntpd: no status interface (a note, dropped)


@policy(
    id="HOST-015",
    name="time-synchronized",
    title="One time daemon keeps the clock synchronized",
    severity=Severity.MEDIUM,
    rationale=(
        "Logs, audit trails, TLS validity, Kerberos tickets and TOTP codes all trust the "
        "clock: a host that drifts produces logs nobody can correlate with the rest of the "
        "fleet and rejects (or accepts) certificates at the wrong time. Two daemons fighting "
        "over the clock are as bad as none."
    ),
    remediation=(
        "Run exactly one time daemon: systemd-timesyncd (timedatectl set-ntp true) or chrony "
        "(systemctl enable --now chronyd), with reachable servers; disable the others. "
        "Check with timedatectl or chronyc tracking."
    ),
    controls=(
        "CIS-DIL-2.2.1.1",
        "CIS-DIL-2.2.1.2",
        "CIS-DIL-2.2.1.3",
        "CIS-DIL-2.2.1.4",
        "CIS-U22-2.3.1.1",
        "CIS-U22-2.3.2.2",
        "CIS-U22-2.3.3.3",
        "NIST-800-53-AU-8",
    ),
    references=(
        "stig:RHEL-09-252010",
        "stig:RHEL-09-252015",
        "stig:UBTU-22-215015",
        "stig:UBTU-22-252010",
        "stig:UBTU-22-252015",
        "lynis:TIME-3104",
        "lynis:TIME-3106",
        "lynis:TIME-3185",
    ),
    example="""\
# $ ps -eo pid=,args=
    1 /sbin/init
  530 /usr/sbin/chronyd -F 1
---
# $ chronyc -n tracking
Reference ID    : 00000000 ()
Stratum         : 0
System time     : 0.000000000 seconds fast of NTP time
Leap status     : Not synchronised
""",
    use_instead="""\
# $ ps -eo pid=,args=
    1 /sbin/init
  530 /usr/sbin/chronyd -F 1
---
# $ chronyc -n tracking
Reference ID    : C0A80001 (192.168.0.1)
Stratum         : 3
System time     : 0.000012345 seconds slow of NTP time
Leap status     : Normal
""",
    commands=(
        PS,
        *(f"systemctl is-active -- {u}" for units, _ in DAEMONS.values() for u in units),
        *(
            f"rc-service {u.removesuffix('.service')} status"
            for units, _ in DAEMONS.values()
            for u in units
        ),
        TIMEDATECTL,
        CHRONYC,
        NTPQ,
        NTPCTL,
    ),
    profiles=("server",),
)
def time_synchronized(host: Host) -> Iterator[Violation | Unknown]:
    active: list[str] = []
    blind = False
    for daemon, (units, names) in DAEMONS.items():
        state = running(host, units, names)
        if state:
            active.append(daemon)
        elif state is None:
            blind = True
    if len(active) > 1:
        yield Violation(
            f"{len(active)} time daemons are active ({', '.join(active)}): they fight over "
            "the clock; keep one"
        )
    if not active:
        if blind:
            yield Unknown(f"cannot tell which time daemon runs on {host.label}")
        else:
            yield Violation(
                f"no time daemon is active (looked for {', '.join(DAEMONS)}): the clock drifts"
            )
        return
    for daemon in active:
        finding = _check(host, daemon)
        if finding is not None:
            yield finding
