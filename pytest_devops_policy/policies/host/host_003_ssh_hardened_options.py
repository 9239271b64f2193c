"""HOST-003 ssh-hardened-options: sshd's limits, forwarding, trust and algorithms (catalog
§8.3, §8.2-6)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host
from pytest_devops_policy.knowledge.host.sshd import (
    ALWAYS_DEFAULT_MACS,
    CANONICAL,
    READS,
    Context,
    Effective,
    algorithm_list,
    default_algorithms,
    effective,
    not_judged,
    openssh_version,
    seconds,
    shown,
    weak_algorithms,
)

# (keyword, the value that fails, why)
_FLAGS = (
    ("x11forwarding", "yes", "X11 forwarding exposes the client's display to the server"),
    ("hostbasedauthentication", "yes", "host-based trust lets another host vouch for users"),
    ("ignorerhosts", "no", ".rhosts and .shosts files are honoured"),
)

_KNOB = {
    "ciphers": "ssh.weak_ciphers",
    "macs": "ssh.weak_macs",
    "kexalgorithms": "ssh.weak_kex",
    "hostkeyalgorithms": "ssh.weak_hostkey_algorithms",
}


def _unknown(host: Host, ctx: Context, keyword: str, why: str) -> Unknown:
    return Unknown(
        f"needs root on {host.label} (run as root, or with --sudo): {why} "
        f"({CANONICAL[keyword]} in the {ctx.label})"
    )


@policy(
    id="HOST-003",
    name="ssh-hardened-options",
    title="sshd limits login attempts, forwards no X11, trusts no hosts and offers no weak "
    "algorithms",
    severity=Severity.MEDIUM,
    rationale=(
        "Each option narrows what an attacker gets from one connection: more guesses per "
        "connection (MaxAuthTries) and longer unauthenticated sessions (LoginGraceTime) help "
        "brute force; X11 forwarding, user environment files and host-based or rhosts trust "
        "hand the server or other hosts more than a login; CBC ciphers, SHA-1 and 64-bit-tag "
        "MACs, SHA-1 key exchanges and ssh-rsa/ssh-dss host keys are broken or weak. "
        "OpenSSH's default MAC list still offers umac-64 and hmac-sha1."
    ),
    remediation=(
        "In a drop-in that sorts first: MaxAuthTries 4, LoginGraceTime 60, X11Forwarding no, "
        "PermitUserEnvironment no, HostbasedAuthentication no, IgnoreRhosts yes, and explicit "
        "lists without weak entries, e.g. MACs hmac-sha2-512-etm@openssh.com,"
        "hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com (or MACs -umac-64*,hmac-sha1*). "
        "On RHEL choose the algorithms with the system crypto policy."
    ),
    controls=(
        "CIS-DIL-5.2.6",
        "CIS-DIL-5.2.7",
        "CIS-DIL-5.2.8",
        "CIS-DIL-5.2.9",
        "CIS-DIL-5.2.12",
        "CIS-DIL-5.2.13",
        "CIS-DIL-5.2.14",
        "CIS-DIL-5.2.15",
        "CIS-DIL-5.2.17",
        "CIS-U22-5.1.6",
        "CIS-U22-5.1.8",
        "CIS-U22-5.1.10",
        "CIS-U22-5.1.11",
        "CIS-U22-5.1.12",
        "CIS-U22-5.1.13",
        "CIS-U22-5.1.15",
        "CIS-U22-5.1.16",
        "CIS-U22-5.1.21",
        "NIST-800-53-AC-7",
        "NIST-800-53-SC-8",
        "NIST-800-53-SC-13",
        "CWE-327",
    ),
    references=(
        "stig:RHEL-09-255065",
        "stig:RHEL-09-255075",
        "stig:RHEL-09-255080",
        "stig:RHEL-09-255085",
        "stig:RHEL-09-255145",
        "stig:RHEL-09-255155",
        "stig:UBTU-22-255040",
        "stig:UBTU-22-255050",
        "stig:UBTU-22-255055",
        "dev-sec:sshd-01",
        "dev-sec:sshd-02",
        "dev-sec:sshd-03",
        "dev-sec:sshd-17",
        "dev-sec:sshd-19",
        "dev-sec:sshd-23",
        "dev-sec:sshd-25",
        "dev-sec:sshd-42",
        "lynis:SSH-7408",
    ),
    example="""\
# $ sshd -T
maxauthtries 6
logingracetime 120
x11forwarding yes
permituserenvironment no
hostbasedauthentication no
ignorerhosts yes
ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr
macs umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha1
kexalgorithms curve25519-sha256,diffie-hellman-group14-sha256
hostkeyalgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256
---
# /etc/ssh/sshd_config
X11Forwarding yes
""",
    use_instead="""\
# $ sshd -T
maxauthtries 4
logingracetime 60
x11forwarding no
permituserenvironment no
hostbasedauthentication no
ignorerhosts yes
ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes256-ctr
macs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com
kexalgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256
hostkeyalgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256
---
# /etc/ssh/sshd_config
MaxAuthTries 4
LoginGraceTime 60
X11Forwarding no
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com
""",
    commands=(
        "sshd -T",
        "sshd -T -C user=<user>,host=<host>,addr=<address>[,laddr=<a>,lport=<p>,rdomain=<d>] "
        "(one per Match block)",
        "sshd -V (only when the config files are the source and a list needs OpenSSH's defaults)",
    ),
    reads=READS,
    needs_root=(
        "sshd -T (host keys; it also sees RHEL's crypto policy: without root the config "
        "files are parsed instead, and RHEL's algorithm checks are Unknown)",
    ),
    profiles=("server", "container", "image"),
)
def ssh_hardened_options(host: Host) -> Iterator[Violation | Unknown]:
    eff = effective(host)
    blocked = not_judged(eff)
    if blocked is not None:
        yield blocked
        return
    default = eff.contexts[0]
    yield from _limits(host, default)
    for ctx in eff.contexts:
        # X11 forwarding is judged in every context (a Match block may turn it on)
        keyword, bad, why = _FLAGS[0]
        setting = ctx.get(keyword)
        if setting.unknown:
            yield _unknown(host, ctx, keyword, setting.unknown)
        elif setting.value == bad:
            yield Violation(f"{why}: {ctx.label}: {shown(keyword, setting)}", line=setting.line)
    for keyword, bad, why in _FLAGS[1:]:
        setting = default.get(keyword)
        if setting.unknown:
            yield _unknown(host, default, keyword, setting.unknown)
        elif setting.value == bad:
            yield Violation(f"{why}: {default.label}: {shown(keyword, setting)}", line=setting.line)
    setting = default.get("permituserenvironment")
    if setting.unknown:
        yield _unknown(host, default, "permituserenvironment", setting.unknown)
    elif setting.value.lower() != "no":
        yield Violation(
            "users' ~/.ssh/environment can set LD_PRELOAD and the like for sshd's children: "
            f"{default.label}: {shown('permituserenvironment', setting)}",
            line=setting.line,
        )
    yield from _algorithms(host, eff, default)


def _limits(host: Host, ctx: Context) -> Iterator[Violation | Unknown]:
    tries = ctx.get("maxauthtries")
    most = host.options.ssh_max_auth_tries
    if tries.unknown:
        yield _unknown(host, ctx, "maxauthtries", tries.unknown)
    elif not tries.value.isdigit():
        yield Unknown(f"MaxAuthTries is not a number: {shown('maxauthtries', tries)}")
    elif int(tries.value) > most:
        yield Violation(
            f"{tries.value} password or key attempts per connection, more than "
            f"{most} (host.ssh.max_auth_tries): {ctx.label}: {shown('maxauthtries', tries)}",
            line=tries.line,
        )
    grace = ctx.get("logingracetime")
    limit = host.options.ssh_max_login_grace
    if grace.unknown:
        yield _unknown(host, ctx, "logingracetime", grace.unknown)
        return
    n = seconds(grace.value)
    if n is None:
        yield Unknown(f"LoginGraceTime is not a time: {shown('logingracetime', grace)}")
    elif n == 0 or n > limit:
        amount = "no limit" if n == 0 else f"{n} s"
        yield Violation(
            f"an unauthenticated connection may stay {amount}, more than {limit} s "
            f"(host.ssh.max_login_grace): {ctx.label}: {shown('logingracetime', grace)}",
            line=grace.line,
        )


def _algorithms(host: Host, eff: Effective, ctx: Context) -> Iterator[Violation | Unknown]:
    opts = host.options
    weak = {
        "ciphers": opts.ssh_weak_ciphers,
        "macs": opts.ssh_weak_macs,
        "kexalgorithms": opts.ssh_weak_kex,
        "hostkeyalgorithms": opts.ssh_weak_hostkey_algorithms,
    }
    for keyword, patterns in weak.items():
        name = CANONICAL[keyword]
        setting = ctx.get(keyword)
        if setting.unknown:
            yield _unknown(host, ctx, keyword, setting.unknown)
            continue
        if eff.from_files and host.facts.family == "rhel":
            yield Unknown(
                f"{name}: RHEL's crypto policy sets sshd's algorithms outside sshd_config, "
                f"and only sshd -T (root) sees it ({eff.fallback_reason or 'files only'})"
            )
            continue
        offered: list[str] | None
        if not eff.from_files:
            offered = [a for a in setting.value.split(",") if a]
        elif setting.file is None:  # nothing sets it: OpenSSH's compile default
            defaults = default_algorithms(keyword, openssh_version(host))
            if defaults is None and keyword == "macs":
                defaults = ALWAYS_DEFAULT_MACS  # in every release's default list
            offered = None if defaults is None else list(defaults)
            if offered is None:
                yield Unknown(
                    f"{name}: no line sets it and the default list of this OpenSSH version "
                    f"is unknown ({eff.fallback_reason or 'sshd -V gave no version'})"
                )
                continue
        else:
            modified = setting.value[:1] in ("+", "-", "^")
            defaults = default_algorithms(keyword, openssh_version(host)) if modified else None
            offered, _ = algorithm_list(setting.value, defaults)
            if offered is None:
                yield Unknown(
                    f"{name}: {shown(keyword, setting)} modifies OpenSSH's default list, "
                    f"which is unknown for this version ({eff.fallback_reason})"
                )
                continue
        bad = weak_algorithms(offered, patterns)
        if bad:
            origin = f"{setting.written} ({setting.where})" if setting.file else setting.where
            yield Violation(
                f"sshd offers weak {name}: {', '.join(bad)} (host.{_KNOB[keyword]}): "
                f"{ctx.label}: {origin}",
                line=setting.line,
            )
