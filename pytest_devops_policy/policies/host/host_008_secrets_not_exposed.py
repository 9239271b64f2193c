"""HOST-008 secrets-not-exposed: private keys and secret files are readable by their owners
alone, and no service definition carries a secret every local user can read (catalog §8.3)."""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Iterator, Sequence

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import FileStat, Host
from pytest_devops_policy.knowledge.host.envsecrets import (
    EnvEntry,
    parse_docker_env,
    parse_list_units,
    parse_systemctl_env,
    secret_kind,
)
from pytest_devops_policy.knowledge.host.files import (
    LIST_COMMAND,
    expand_globs,
    list_dirs,
    stat_some,
)
from pytest_devops_policy.knowledge.host.perms import describe
from pytest_devops_policy.knowledge.host.webservers import (
    APACHE_DUMP,
    NGINX_DUMP,
    read_tls_config,
)
from pytest_devops_policy.masking import mask

SSHD_T = "sshd -T"
LIST_UNITS = "systemctl list-units --type=service --all --no-legend --plain"
SHOW_ENV = "systemctl show -p Id -p Environment"
PS = "ps -q"
INSPECT = "inspect --format '{{.Name}} {{json .Config.Env}}'"


def _ssh_host_keys(host: Host) -> tuple[list[str], str, str]:
    """The host private keys sshd uses (``sshd -T``), else the usual names in /etc/ssh;
    and why they could not be listed."""
    if host.live and host.has("sshd"):
        result = host.run(SSHD_T)
        keys = [
            line.split(None, 1)[1].strip()
            for line in result.out.splitlines()
            if line.startswith("hostkey ") and result.ok
        ]
        if keys:
            return keys, SSHD_T, ""
    listing = list_dirs(host, ["/etc/ssh"])
    keys = [p for p in listing.files("/etc/ssh") if fnmatch.fnmatchcase(p, "*/ssh_host_*_key")]
    # sshd installed and its keys not found: say so (without sshd there may be no keys)
    problem = ""
    if host.has("sshd") or not host.live:
        if listing.failed:
            problem = f"ssh host keys not listed: {listing.failed}"
        elif listing.denied:
            problem = "list /etc/ssh"
    return keys, "/etc/ssh/ssh_host_*_key", problem


def _tls_keys(host: Host) -> tuple[list[tuple[str, str]], list[str]]:
    """(key path, the directive naming it) from nginx, Apache and HAProxy (the reading
    HOST-018 makes, shared through the host cache); the files that could not be read. A
    HAProxy ``crt`` PEM holds its key."""
    config = read_tls_config(host)
    keys: list[tuple[str, str]] = []
    for ep in config.endpoints:
        if ep.variable:
            continue
        if ep.key is not None:
            name = "ssl_certificate_key" if ep.server == "nginx" else "SSLCertificateKeyFile"
            keys.append((ep.key, f"{name} ({ep.file}:{ep.key_line or ep.line})"))
        elif ep.server == "haproxy":
            keys.append((ep.cert, f"bind … crt ({ep.where})"))
    return list(dict.fromkeys(keys)), config.unreadable


def _ssh_key_bad(st: FileStat) -> str | None:
    mode = st.mode & 0o7777
    if st.uid != 0:
        return f"owned by {st.owner or st.uid}"
    if mode & 0o077 == 0 or (st.group == "ssh_keys" and mode & 0o037 == 0):
        return None
    return "readable or writable by others than root" + (
        "" if mode & 0o007 else f" (group {st.group})"
    )


def _key_bad(st: FileStat, groups: Sequence[str]) -> str | None:
    mode = st.mode & 0o7777
    why = []
    if mode & 0o004:
        why.append("others can read it")
    if mode & 0o022:
        why.append("group or others can write it")
    if mode & 0o040 and st.group not in groups:
        why.append(f"group {st.group} can read it")
    return "; ".join(why) or None


def _env_findings(entries: Sequence[EnvEntry], where: str, who: str) -> Iterator[Violation]:
    for e in entries:
        kind = secret_kind(e.name, e.value)
        if kind:
            yield Violation(
                f"{where} {e.owner} sets {e.name}={mask(e.value)} ({kind}): {who}",
                secret=e.value,
            )


def _systemd(host: Host) -> Iterator[Violation | Unknown]:
    listed = host.run(LIST_UNITS)
    if not listed.ok:
        yield Unknown(f"{LIST_UNITS} failed: {listed.err.strip()[:200]}")
        return
    units = parse_list_units(listed.out)
    if not units:
        return
    shown = host.run(f"{SHOW_ENV} {' '.join(shlex.quote(u) for u in units)}")
    if not shown.ok:
        yield Unknown(f"{SHOW_ENV} failed: {shown.err.strip()[:200]}")
        return
    yield from _env_findings(
        parse_systemctl_env(shown.out),
        "systemd unit",
        "systemctl show prints it to any local user (use LoadCredential= or an "
        "EnvironmentFile= with mode 0600)",
    )


def _containers(host: Host) -> Iterator[Violation | Unknown]:
    cli = "docker" if host.has("docker") else "podman"
    running = host.run(f"{cli} {PS}")
    if not running.ok:
        if "is the docker daemon running" in running.err.lower():
            return  # no daemon, no running container, nothing exposed
        if "permission denied" in running.err.lower():
            yield Unknown(
                f"needs root on {host.label} (or membership of the {cli} group): {cli} {PS}"
            )
        elif not running.missing:
            yield Unknown(f"{cli} {PS} failed: {running.err.strip()[:200]}")
        return
    ids = running.out.split()
    if not ids:
        return
    inspected = host.run(f"{cli} {INSPECT} {' '.join(ids)}")
    if not inspected.ok:
        yield Unknown(f"{cli} inspect failed: {inspected.err.strip()[:200]}")
        return
    yield from _env_findings(
        parse_docker_env(inspected.out),
        "container",
        f"{cli} inspect shows it to everyone in the {cli} group",
    )


@policy(
    id="HOST-008",
    name="secrets-not-exposed",
    title="Private keys and secrets are readable by their owners alone",
    severity=Severity.HIGH,
    rationale=(
        "An ssh host key readable by a local user lets them impersonate the server to "
        "every client; a TLS private key readable by others lets them decrypt or "
        "impersonate the site. A secret in a systemd Environment= line is printed by "
        "systemctl show to any local user, and a container's env by docker inspect to "
        "everyone in the docker group: a web-app compromise becomes a database or cloud "
        "compromise."
    ),
    remediation=(
        "chown root:root and chmod 600 the ssh host keys (RHEL: 640 root:ssh_keys); chmod "
        "600 (or 640 with group ssl-cert) the TLS keys and the files of host.secret_files; "
        "move service secrets to LoadCredential=/LoadCredentialEncrypted= or an "
        "EnvironmentFile= with mode 0600, and container secrets to mounted secret files."
    ),
    controls=(
        "CIS-DIL-5.2.2",
        "CIS-DIL-5.2.3",
        "CIS-U22-5.1.2",
        "CIS-U22-5.1.3",
        "NIST-800-53-IA-5",
        "NIST-800-53-SC-12",
        "CWE-522",
    ),
    references=("stig:RHEL-09-255120", "stig:RHEL-09-255125"),
    example=f"""\
# $ {LIST_UNITS}
app.service loaded active running Payments API
---
# $ {SHOW_ENV} app.service
Id=app.service
Environment=PORT=8080 DB_PASSWORD=Sup3rS3cretValue!
""",
    use_instead=f"""\
# $ {LIST_UNITS}
app.service loaded active running Payments API
---
# $ {SHOW_ENV} app.service
Id=app.service
Environment=PORT=8080 DB_PASSWORD_FILE=/run/credentials/app.service/db
""",
    commands=(
        SSHD_T,
        LIST_COMMAND + " (/etc/ssh, the directories of host.secret_files globs)",
        NGINX_DUMP,
        *APACHE_DUMP,
        "ls -1A -- <directory>/ (web-server include globs and crt directories, as HOST-018)",
        "stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' -- <the keys and host.secret_files>",
        LIST_UNITS,
        f"{SHOW_ENV} <unit> <unit> …",
        f"docker {PS}",
        f"docker {INSPECT} <container> …",
        f"podman {PS}",
        f"podman {INSPECT} <container> …",
    ),
    reads=(
        "host.paths.nginx_conf, apache_conf, httpd_conf, haproxy_cfg and their includes "
        "(the reading HOST-018 makes)",
        "/etc/ssh/ssh_host_*_key (metadata)",
        "host.secret_files (metadata)",
    ),
    needs_root=("sshd -T", "nginx -T", "/etc/ssl/private (0710 root:ssl-cert on Debian)"),
    profiles=("server", "container", "image"),
)
def secrets_not_exposed(host: Host) -> Iterator[Violation | Unknown]:
    ssh_keys, ssh_source, ssh_problem = _ssh_host_keys(host)
    tls_keys, unreadable = _tls_keys(host)
    secret_paths, listing = expand_globs(host, host.options.secret_files)
    stats, refused = stat_some(host, [*ssh_keys, *(p for p, _ in tls_keys), *secret_paths])
    found: list[Violation] = []
    for path in ssh_keys:
        st = stats.get(path)
        if st is not None and (why := _ssh_key_bad(st)):
            found.append(
                Violation(
                    f"ssh host private key {describe(path, st)} → ≤0600 root:root (or ≤0640 "
                    f"root:ssh_keys): {why} (from {ssh_source})"
                )
            )
    groups = host.options.key_groups
    for path, where in [*tls_keys, *((p, "host.secret_files") for p in secret_paths)]:
        st = stats.get(path)
        if st is not None and st.type != "directory" and (why := _key_bad(st, groups)):
            found.append(
                Violation(
                    f"{describe(path, st)} → no access for others, group in "
                    f"{', '.join(groups)}: {why} (named by {where})"
                )
            )
    unknown: list[str] = []
    if host.live and host.facts.init == "systemd" and host.has("systemctl"):
        for r in _systemd(host):
            if isinstance(r, Violation):
                found.append(r)
            else:
                unknown.append(r.reason)
    if host.live and (host.has("docker") or host.has("podman")):
        for r in _containers(host):
            if isinstance(r, Violation):
                found.append(r)
            else:
                unknown.append(r.reason)
    yield from dict.fromkeys(found)
    denied = [f"stat {p}" for p in refused] + [f"read {p}" for p in unreadable]
    denied += [f"list {d}" for d in listing.denied]
    if ssh_problem == "list /etc/ssh":
        denied.append(ssh_problem)
    elif ssh_problem:
        unknown.append(ssh_problem)
    if denied:
        unknown.insert(
            0, f"needs root on {host.label} (run as root, or with --sudo): {', '.join(denied)}"
        )
    if unknown:
        yield Unknown("; ".join(unknown))
