"""HOST-005 sudo-no-passwordless-root: no rule gives a root shell without a password
(catalog §8.3)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.files import LIST_COMMAND
from pytest_devops_policy.knowledge.host.sudoers import (
    Grant,
    Sudoers,
    expand,
    group_members,
    parse_doas,
    read_sudoers,
    runas_includes_root,
    shell_like,
)

DOAS_CONF = "/etc/doas.conf"


def _who(users: Sequence[str], members: Mapping[str, list[str]]) -> str:
    shown = []
    for u in users:
        if u.startswith("%") and not u.startswith(("%:", "%#")):
            names = members.get(u[1:], [])
            shown.append(f"{u} (members: {', '.join(names) or 'none listed'})")
        else:
            shown.append(u)
    return ", ".join(shown)


def _allowed(users: Sequence[str], written: Sequence[str], allowed: set[str]) -> bool:
    """Every principal of the rule (or the alias it was written as) is allowed."""
    positive = [u for u in users if not u.startswith("!")]
    if positive and all(u in allowed for u in positive):
        return True
    return bool(written) and all(w in allowed for w in written)


def _grants(host: Host, sudoers: Sudoers, members: Mapping[str, list[str]]) -> Iterator[Violation]:
    allowed = set(host.options.sudo_nopasswd_allowed)
    patterns = host.options.sudo_shell_like_commands
    user_alias = sudoers.alias("User_Alias")
    runas_alias = sudoers.alias("Runas_Alias")
    cmnd_alias = sudoers.alias("Cmnd_Alias")
    seen: set[tuple[str, int, str]] = set()
    for g in sudoers.grants:
        if g.negated or g.nopasswd is not True:
            continue
        if not runas_includes_root(g, runas_alias):
            continue
        users = expand(g.users, user_alias)
        if _allowed(users, g.users, allowed):
            continue
        for command in expand([g.command], cmnd_alias):
            if command.startswith("!"):
                continue
            why = shell_like(command, patterns)
            key = (g.file, g.line, command)
            if why is None or key in seen:
                continue
            seen.add(key)
            yield Violation(
                f"{_who(users, members)} may run {why} as {_runas(g)} without a password "
                f"({g.file}:{g.line}: NOPASSWD {g.command})",
                line=g.line,
            )


def _runas(g: Grant) -> str:
    if g.runas_users is None:
        return "root (runas omitted)"
    return f"({', '.join(g.runas_users)})"


def _defaults(host: Host, sudoers: Sudoers) -> Iterator[Violation]:
    allowed = set(host.options.sudo_nopasswd_allowed)
    patterns = host.options.sudo_shell_like_commands
    user_alias = sudoers.alias("User_Alias")
    cmnd_alias = sudoers.alias("Cmnd_Alias")
    for d in sudoers.defaults:
        if not d.no_authenticate:
            continue
        where = f"{d.file}:{d.line}"
        if d.scope == "":
            yield Violation(
                f"Defaults !authenticate ({where}): every sudo rule runs without a password",
                line=d.line,
            )
        elif d.scope == ":":
            users = expand(d.targets, user_alias)
            if not _allowed(users, d.targets, allowed):
                yield Violation(
                    f"Defaults:{','.join(d.targets)} !authenticate ({where}): "
                    f"{', '.join(users)} run every sudo rule without a password",
                    line=d.line,
                )
        elif d.scope == "!":
            for command in expand(d.targets, cmnd_alias):
                why = shell_like(command.lstrip("!"), patterns)
                if why and not command.startswith("!"):
                    yield Violation(
                        f"Defaults!{','.join(d.targets)} !authenticate ({where}): {why} "
                        "runs without a password for whoever may run it",
                        line=d.line,
                    )
        else:
            kind = "runas users" if d.scope == ">" else "hosts"
            yield Violation(
                f"Defaults{d.scope}{','.join(d.targets)} !authenticate ({where}): every "
                f"sudo rule for these {kind} runs without a password",
                line=d.line,
            )


def _doas(host: Host, text: str) -> Iterator[Violation]:
    allowed = set(host.options.sudo_nopasswd_allowed)
    patterns = host.options.sudo_shell_like_commands
    rules = parse_doas(text)
    for i, r in enumerate(rules):
        if r.action != "permit" or "nopass" not in r.options or r.identity in allowed:
            continue
        if r.target not in (None, "root"):
            continue
        # doas: the last matching rule wins; a later blanket deny of the identity cancels it
        if any(
            later.action == "deny" and later.identity == r.identity and later.command is None
            for later in rules[i + 1 :]
        ):
            continue
        if r.command is None:
            why: str | None = "any command"
        else:
            args = "" if r.args is None else " ".join(r.args) or '""'
            why = shell_like(f"{r.command} {args}".strip(), patterns)
        if why:
            target = "root" if r.target else "any user (root included)"
            yield Violation(
                f"{r.identity} may run {why} as {target} without a password "
                f"({DOAS_CONF}:{r.line}: permit nopass)",
                line=r.line,
            )


@policy(
    id="HOST-005",
    name="sudo-no-passwordless-root",
    title="sudo and doas do not give a root shell without a password",
    severity=Severity.HIGH,
    rationale=(
        "A NOPASSWD rule for ALL, a shell or a program that opens one (an interpreter, an "
        "editor, a pager, find, docker) makes every process of that user root: a stolen "
        "session, a malicious package or a compromised web app running as the user needs "
        "no password to take the machine. Cloud images ship such a rule for their default "
        "user (/etc/sudoers.d/90-cloud-init-users); it should be a decision, not a default."
    ),
    remediation=(
        "Require the password (drop NOPASSWD:) or limit NOPASSWD to fixed commands with "
        "fixed arguments (/usr/bin/systemctl restart app.service); remove Defaults "
        "!authenticate; edit with visudo -f. A principal that must keep passwordless root "
        "(an automation account with its own controls) goes in host.sudo.nopasswd_allowed."
    ),
    controls=(
        "CIS-U22-5.2.4",
        "CIS-U22-5.2.5",
        "NIST-800-53-AC-6",
        "NIST-800-53-IA-11",
        "CWE-250",
    ),
    references=(
        "stig:RHEL-09-611085",
        "stig:RHEL-09-432025",
        "stig:UBTU-22-432010",
        "lynis:AUTH-9250",
        "lynis:AUTH-9409",
    ),
    example="""\
# $ sudo -V
Sudo version 1.9.13p3
---
# /etc/sudoers
root ALL=(ALL:ALL) ALL
@includedir /etc/sudoers.d
---
# $ find /etc/sudoers.d -mindepth 1 -maxdepth 1 -print
/etc/sudoers.d/90-cloud-init-users
---
# /etc/sudoers.d/90-cloud-init-users
ubuntu ALL=(ALL) NOPASSWD:ALL
""",
    use_instead="""\
# $ sudo -V
Sudo version 1.9.13p3
---
# /etc/sudoers
root ALL=(ALL:ALL) ALL
%sudo ALL=(ALL:ALL) ALL
deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app.service
""",
    commands=(LIST_COMMAND + " (each @includedir directory)",),
    reads=(
        "host.paths.sudoers (/etc/sudoers) and the files it includes",
        "host.paths.group (/etc/group)",
        DOAS_CONF,
    ),
    needs_root=("/etc/sudoers", "/etc/sudoers.d"),
    profiles=("server", "container", "image"),
)
def sudo_no_passwordless_root(host: Host) -> Iterator[Violation | Unknown]:
    main = host.path("sudoers")
    try:
        sudoers = read_sudoers(host, main)
    except NeedsRoot:
        sudoers = None
        refused = True
    else:
        refused = False
    try:
        doas = host.read_text(DOAS_CONF)
    except NeedsRoot:
        doas, doas_refused = None, True
    else:
        doas_refused = False
    # On a live host sudo is installed when the command is; in a tree, when its config is.
    sudo_installed = host.has("sudo") if host.live else (refused or sudoers is not None)
    if not sudo_installed and doas is None and not doas_refused:
        yield NotApplicable(f"sudo is not installed on {host.label} (nor doas)")
        return
    found: list[Violation] = []
    unknown: list[str] = []
    if sudo_installed:
        if refused:
            unknown.append(f"read {main}")
        elif sudoers is None:
            unknown.append(f"{main} does not exist although sudo is installed")
        else:
            group_text = ""
            with contextlib.suppress(NeedsRoot):  # members are only shown
                group_text = host.read_text(host.path("group")) or ""
            members = group_members(group_text)
            found.extend(_defaults(host, sudoers))
            found.extend(_grants(host, sudoers, members))
            unknown.extend(f"read {p}" for p in sudoers.unreadable)
            unknown.extend(f"cannot follow include {p}" for p in sudoers.unresolved)
    if doas is not None:
        found.extend(_doas(host, doas))
    elif doas_refused:
        unknown.append(f"read {DOAS_CONF}")
    yield from found
    if unknown:  # beside a failure too: it names what could not be read
        needs_root = any(u.startswith("read ") for u in unknown)
        prefix = f"needs root on {host.label} (run as root, or with --sudo): " if needs_root else ""
        yield Unknown(prefix + "; ".join(unknown))
