"""HOST-001 ssh-root-login-disabled: root cannot log in over ssh with a password, in any
context sshd evaluates (catalog §8.3, §8.2-6)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.sshd import READS, effective, password_logins, shown

# sshd -T prints prohibit-password as its older name.
_ALIAS = {"prohibit-password": "without-password"}


@policy(
    id="HOST-001",
    name="ssh-root-login-disabled",
    title="sshd does not let root log in (or only with a key)",
    severity=Severity.HIGH,
    rationale=(
        "root is the one account name every attacker knows, and a root login leaves no trace "
        "of which person used it. With a password it is guessed from the internet. sshd "
        "applies Match blocks per connection, so a block for one address or user can let "
        "root in while the main settings say no; and a configuration sshd cannot parse "
        "stops the server at its next restart."
    ),
    remediation=(
        "Set PermitRootLogin no (or prohibit-password, for key-only root logins) in a drop-in "
        "that sorts before the others, since the first value wins, and in every Match block "
        "that may apply to root; log in as a named user and use sudo. For the strict CIS/STIG "
        'form set host.ssh.root_login_allowed = ["no"]. Fix a configuration sshd -T rejects '
        "before restarting sshd."
    ),
    controls=("CIS-DIL-5.2.10", "CIS-U22-5.1.20", "NIST-800-53-AC-6", "NIST-800-53-IA-2"),
    references=("stig:RHEL-09-255045", "dev-sec:sshd-06", "lynis:SSH-7408"),
    example="""\
# $ sshd -T
permitrootlogin yes
passwordauthentication yes
kbdinteractiveauthentication no
usepam yes
permitemptypasswords no
authenticationmethods any
---
# /etc/ssh/sshd_config
Include /etc/ssh/sshd_config.d/*.conf
PermitRootLogin yes
""",
    use_instead="""\
# $ sshd -T
permitrootlogin no
passwordauthentication no
kbdinteractiveauthentication no
usepam yes
permitemptypasswords no
authenticationmethods any
---
# /etc/ssh/sshd_config
Include /etc/ssh/sshd_config.d/*.conf
PermitRootLogin no
PasswordAuthentication no
""",
    commands=(
        "sshd -T",
        "sshd -T -C user=root,host=<host>,addr=<address>[,laddr=<a>,lport=<p>,rdomain=<d>] "
        "(one per Match block that can apply to root)",
    ),
    reads=READS,
    needs_root=(
        "sshd -T (host keys; without root the config files are parsed instead, and only an "
        "unreadable Include makes the item Unknown)",
    ),
    profiles=("server", "container", "image"),
)
def ssh_root_login_disabled(host: Host) -> Iterator[Violation | Unknown]:
    eff = effective(host, user="root")
    if eff.not_applicable:
        yield NotApplicable(eff.not_applicable)
        return
    if eff.broken:
        yield Violation(
            f"sshd configuration does not parse; the next restart will fail: {eff.broken} (sshd -T)"
        )
        return
    if eff.unknown:
        yield Unknown(eff.unknown)
        return
    allowed = {_ALIAS.get(v, v) for v in host.options.ssh_root_login_allowed}
    for ctx in eff.contexts:
        setting = ctx.get("permitrootlogin")
        if setting.unknown:
            yield Unknown(
                f"needs root on {host.label} (run as root, or with --sudo): {setting.unknown} "
                f"(PermitRootLogin in the {ctx.label})"
            )
            continue
        if setting.value in allowed:
            continue
        found, _ = password_logins(ctx)
        critical = setting.value == "yes" and bool(found)
        message = f"root can log in over ssh: {ctx.label}: {shown('permitrootlogin', setting)}"
        if critical:
            how = ", ".join(shown(k, s) for k, s in found)
            message += f"; passwords are accepted there too: {how}"
        yield Violation(
            message, line=setting.line, severity=Severity.CRITICAL if critical else None
        )
