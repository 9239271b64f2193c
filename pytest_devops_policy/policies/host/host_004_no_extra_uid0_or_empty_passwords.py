"""HOST-004 no-extra-uid0-or-empty-passwords: only root is root, and every login needs a
password (catalog §8.3)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.accounts import (
    is_locked,
    passwd_entries,
    shadow_entries,
    shown_hash,
    weak_scheme,
)


@policy(
    id="HOST-004",
    name="no-extra-uid0-or-empty-passwords",
    title="Only root has UID 0, no account has an empty or weak password hash",
    severity=Severity.CRITICAL,
    rationale=(
        "A second UID 0 account is a second root that audits and sudo rules do not name. "
        "An empty password field lets anyone log in as the account wherever PAM allows "
        "nullok; a hash in the world-readable /etc/passwd, or a DES or MD5 hash anywhere, "
        "is cracked offline in minutes. Legacy NIS '+' entries pull accounts from a "
        "directory nobody audits."
    ),
    remediation=(
        "Give each extra UID 0 account its own UID (or remove it) and grant what it needs "
        "through sudo; lock accounts without a password (passwd -l NAME); move hashes to "
        "/etc/shadow (pwconv); re-hash weak passwords with yescrypt or SHA-512 (passwd NAME); "
        "remove '+' lines. An account that must keep UID 0 goes in host.accounts_uid0_allowed."
    ),
    controls=(
        "CIS-DIL-6.2.1",
        "CIS-DIL-6.2.2",
        "CIS-DIL-6.2.5",
        "CIS-U22-7.2.1",
        "NIST-800-53-AC-6",
        "NIST-800-53-IA-5",
    ),
    references=(
        "stig:RHEL-09-411100",
        "stig:RHEL-09-611025",
        "stig:UBTU-22-411015",
        "dev-sec:os-03b",
        "dev-sec:os-07",
        "lynis:AUTH-9204",
        "lynis:AUTH-9208",
        "lynis:AUTH-9229",
        "lynis:AUTH-9283",
    ),
    example="""\
# /etc/passwd
root:x:0:0:root:/root:/bin/bash
toor:x:0:0:backdoor:/root:/bin/sh
""",
    use_instead="""\
# /etc/passwd
root:x:0:0:root:/root:/bin/bash
ops:x:1001:1001:ops:/home/ops:/bin/bash
""",
    reads=("host.paths.passwd (/etc/passwd)", "host.paths.shadow (/etc/shadow)"),
    needs_root=("/etc/shadow",),
    profiles=("server", "container", "image"),
)
def no_extra_uid0_or_empty_passwords(host: Host) -> Iterator[Violation | Unknown]:
    allowed = {"root", *host.options.accounts_uid0_allowed}
    passwd_path = host.path("passwd")
    text = host.read_text(passwd_path)
    if text is None:
        yield Unknown(f"{passwd_path} does not exist on {host.label}")
        return
    for acc in passwd_entries(text):
        where = f"{passwd_path}:{acc.line}"
        if acc.nis:
            yield Violation(f"a legacy NIS '{acc.name[:1]}' entry ({where})", line=acc.line)
            continue
        if acc.uid.strip().isdigit() and int(acc.uid) == 0 and acc.name not in allowed:
            yield Violation(f"account '{acc.name}' has UID 0 ({where})", line=acc.line)
        if acc.password == "":
            yield Violation(
                f"account '{acc.name}' has an empty password field ({where}): it logs in "
                "without a password",
                line=acc.line,
            )
        elif not is_locked(acc.password):
            yield Violation(
                f"account '{acc.name}' keeps its password hash {shown_hash(acc.password)} in "
                f"the world-readable {where}",
                line=acc.line,
                secret=acc.password,
            )
    shadow_path = host.path("shadow")
    try:
        shadow = host.read_text(shadow_path)
    except NeedsRoot:
        yield Unknown(
            f"needs root on {host.label} (run as root, or with --sudo): read {shadow_path}"
        )
        return
    if shadow is None:
        return
    for acc in shadow_entries(shadow):
        where = f"{shadow_path}:{acc.line}"
        if acc.nis:
            yield Violation(f"a legacy NIS '{acc.name[:1]}' entry ({where})", line=acc.line)
        elif acc.password == "":
            yield Violation(
                f"account '{acc.name}' has an empty password ({where}): it logs in without "
                "one wherever PAM allows nullok",
                line=acc.line,
            )
        elif not is_locked(acc.password) and (scheme := weak_scheme(acc.password)):
            yield Violation(
                f"account '{acc.name}' has a {scheme} password hash "
                f"{shown_hash(acc.password)} ({where}), cracked offline in minutes",
                line=acc.line,
                secret=acc.password,
            )
