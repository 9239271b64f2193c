"""HOST-002 ssh-password-auth-disabled: no context of sshd accepts a password (catalog §8.3,
§8.2-6)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.sshd import (
    CANONICAL,
    READS,
    effective,
    not_judged,
    password_logins,
    shown,
)


@policy(
    id="HOST-002",
    name="ssh-password-auth-disabled",
    title="sshd accepts no password logins",
    severity=Severity.HIGH,
    rationale=(
        "A password is guessable from the internet; a key is not. sshd takes passwords "
        "through PasswordAuthentication and through keyboard-interactive over PAM, and both "
        "default to yes, so a configuration that says nothing accepts passwords (stock "
        "Debian 12 does). A Match block for one user or address can turn them back on."
    ),
    remediation=(
        "Set PasswordAuthentication no, KbdInteractiveAuthentication no and "
        "PermitEmptyPasswords no in a drop-in that sorts before the others (first value "
        "wins; cloud-init's 50-cloud-init.conf often sets PasswordAuthentication yes), and "
        "in every Match block. Or require a key in every AuthenticationMethods list "
        "(publickey, or publickey,keyboard-interactive for a second factor)."
    ),
    controls=("CIS-DIL-5.2.11", "CIS-U22-5.1.19", "NIST-800-53-IA-2", "NIST-800-53-IA-5"),
    references=(
        "stig:RHEL-09-255040",
        "stig:UBTU-22-255025",
        "dev-sec:sshd-27",
        "dev-sec:sshd-28",
        "dev-sec:sshd-29",
    ),
    example="""\
# $ sshd -T
permitrootlogin without-password
passwordauthentication yes
kbdinteractiveauthentication no
usepam yes
permitemptypasswords no
authenticationmethods any
---
# /etc/ssh/sshd_config.d/50-cloud-init.conf
PasswordAuthentication yes
---
# /etc/ssh/sshd_config
Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
""",
    use_instead="""\
# $ sshd -T
permitrootlogin without-password
passwordauthentication no
kbdinteractiveauthentication no
usepam yes
permitemptypasswords no
authenticationmethods any
---
# /etc/ssh/sshd_config.d/10-no-passwords.conf
PasswordAuthentication no
---
# /etc/ssh/sshd_config.d/50-cloud-init.conf
PasswordAuthentication yes
---
# /etc/ssh/sshd_config
Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
""",
    commands=(
        "sshd -T",
        "sshd -T -C user=<user>,host=<host>,addr=<address>[,laddr=<a>,lport=<p>,rdomain=<d>] "
        "(one per Match block)",
    ),
    reads=READS,
    needs_root=(
        "sshd -T (host keys; without root the config files are parsed instead, and only an "
        "unreadable Include makes the item Unknown)",
    ),
    profiles=("server", "container", "image"),
)
def ssh_password_auth_disabled(host: Host) -> Iterator[Violation | Unknown]:
    eff = effective(host)
    blocked = not_judged(eff)
    if blocked is not None:
        yield blocked
        return
    for ctx in eff.contexts:
        found, unknown = password_logins(ctx)
        if found:
            empty = any(k == "permitemptypasswords" for k, _ in found)
            what = "; ".join(shown(k, s) for k, s in found)
            more = " (critical: accounts with an empty password log in)" if empty else ""
            yield Violation(
                f"password logins are accepted: {ctx.label}: {what}{more}",
                line=next((s.line for _, s in found if s.line), None),
                severity=Severity.CRITICAL if empty else None,
            )
        elif unknown:
            names = ", ".join(CANONICAL[k] for k, _ in unknown)
            yield Unknown(
                f"needs root on {host.label} (run as root, or with --sudo): "
                f"{unknown[0][1].unknown} ({names} in the {ctx.label})"
            )
