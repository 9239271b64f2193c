"""HOST-007 no-world-writable-files: nothing in the system directories is writable by every
user, and no world-writable directory lacks the sticky bit (catalog §8.3)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host, TimedOut
from pytest_devops_policy.knowledge.host.worldwritable import (
    TEMP_MOUNTS,
    parse_walk,
    sticky_command,
    system_command,
)
from pytest_devops_policy.options.host import HostOptions

_DEFAULTS = HostOptions()


@policy(
    id="HOST-007",
    name="no-world-writable-files",
    title="No world-writable files in system directories, no world-writable directory "
    "without the sticky bit",
    severity=Severity.HIGH,
    rationale=(
        "A world-writable file under /etc, /usr or /opt can be rewritten by any local "
        "user or compromised service: a script root runs, a library it loads, a "
        "configuration it trusts. A world-writable directory without the sticky bit lets "
        "anyone delete or replace the files of others in it, the classic symlink and "
        "race attacks on shared temporary directories."
    ),
    remediation=(
        "Remove write access for others (chmod o-w PATH); give shared directories the "
        "sticky bit (chmod +t DIR, as /tmp has 1777); find out which package or script "
        "created the mode. A path that must stay world-writable goes in "
        "host.world_writable_allow (globs)."
    ),
    controls=(
        "CIS-DIL-1.1.21",
        "CIS-DIL-6.1.10",
        "CIS-U22-7.1.11",
        "NIST-800-53-AC-3",
        "CWE-732",
    ),
    references=(
        "stig:RHEL-09-232240",
        "stig:RHEL-09-232245",
        "stig:UBTU-22-232145",
        "lynis:FILE-6362",
        "lynis:FILE-6363",
    ),
    example=f"""\
# $ {system_command("", _DEFAULTS.system_dirs)}
/etc/app/config.yml
---
# $ {sticky_command("", (*_DEFAULTS.sticky_roots, *TEMP_MOUNTS))}
/srv/uploads
""",
    use_instead=f"""\
# $ {system_command("", _DEFAULTS.system_dirs)}
---
# $ {sticky_command("", (*_DEFAULTS.sticky_roots, *TEMP_MOUNTS))}
""",
    commands=(
        system_command("", _DEFAULTS.system_dirs) + "  (host.system_dirs, slow timeout)",
        sticky_command("", (*_DEFAULTS.sticky_roots, *TEMP_MOUNTS))
        + "  (host.sticky_roots + /tmp /var/tmp /dev/shm, slow timeout)",
    ),
    reads=("the file tree of host.system_dirs and host.sticky_roots (metadata only)",),
    needs_root=("/root", "directories of other users"),
    profiles=("server", "container", "image"),
)
def no_world_writable_files(host: Host) -> Iterator[Violation | Unknown]:
    opts = host.options
    walks = (
        ("world-writable", system_command(host.root, opts.system_dirs)),
        (
            "a world-writable directory without the sticky bit",
            sticky_command(host.root, (*opts.sticky_roots, *TEMP_MOUNTS)),
        ),
    )
    found: dict[str, str] = {}
    denied = 0
    notes: list[str] = []
    for what, command in walks:
        try:
            result = host.run(command, slow=True)
        except TimedOut as exc:  # the other walk can still fail the item
            notes.append(str(exc))
            continue
        if result.missing:
            yield Unknown(f"find is not available on {host.label}")
            return
        walk = parse_walk(result.out, result.err, host.root, opts.world_writable_allow)
        denied += walk.denied
        for path in walk.hits:
            found.setdefault(path, what)
    for path, what in found.items():
        yield Violation(f"{path} is {what} (find -perm -0002)")
    if denied and not found:
        notes.append(
            f"needs root on {host.label} (run as root, or with --sudo): {denied} "
            "directories not readable by find"
        )
    if notes:
        yield Unknown("; ".join(notes))
