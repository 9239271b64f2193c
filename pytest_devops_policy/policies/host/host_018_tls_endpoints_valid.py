"""HOST-018 tls-endpoints-valid: every certificate a TLS server on the host is configured
with is valid for a while yet, and no server enables a weak protocol (catalog §8.3)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.certificates import Certificate, parse_certificates
from pytest_devops_policy.knowledge.host.cron import read_cron
from pytest_devops_policy.knowledge.host.listing import expand, has_magic, list_dir
from pytest_devops_policy.knowledge.host.webservers import (
    APACHE_DUMP,
    NGINX_DUMP,
    Endpoint,
    read_tls_config,
)

# Where an ACME client that renews on its own shows itself (Q17).
RENEWAL_FILES = (
    "/etc/cron.d/certbot",
    "/etc/systemd/system/timers.target.wants/certbot.timer",
    "/etc/systemd/system/timers.target.wants/snap.certbot.renew.timer",
    "/usr/bin/lego",
    "/usr/local/bin/lego",
    "/usr/bin/dehydrated",
    "/usr/local/bin/dehydrated",
    "/etc/dehydrated/config",
    "/usr/bin/caddy",
    "/usr/local/bin/caddy",
    "/etc/caddy/Caddyfile",
)
ACME_SH = "/root/.acme.sh/acme.sh"  # in /root: only root can see it
RENEWAL_WORDS = ("certbot", "acme.sh", "lego", "dehydrated", "caddy")
NO_RENEWAL = (
    "; no automated renewal found (no certbot timer or cron job, acme.sh, lego, dehydrated "
    "or caddy)"
)

EXPIRED = """\
-----BEGIN CERTIFICATE-----
MIIBITCByaADAgECAgEBMAoGCCqGSM49BAMCMBsxGTAXBgNVBAMMEHNob3AuZXhh
bXBsZS5jb20wHhcNMjMwMTAxMDAwMDAwWhcNMjQwMTAxMDAwMDAwWjAbMRkwFwYD
VQQDDBBzaG9wLmV4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
3J3uVCcRzydfXbsD5Fltz7jRGOK3D7L4PqdcPLBjl2gmhzMAgkeg9s51bdDIQcue
2Jcly17ogsT0C+GPq8cMsDAKBggqhkjOPQQDAgNHADBEAiBfPDG58Vv5agh2SQxU
eW3xEm2nCWp7GdzuJ/Rt3vBN4AIgCf4DRwD1xcbzweyQvcAwEFkJLrCsIcty3jUy
r412hhQ=
-----END CERTIFICATE-----
"""
VALID_TO_2125 = """\
-----BEGIN CERTIFICATE-----
MIIBJDCBy6ADAgECAgEBMAoGCCqGSM49BAMCMBsxGTAXBgNVBAMMEHNob3AuZXhh
bXBsZS5jb20wIBcNMjUwMTAxMDAwMDAwWhgPMjEyNTAxMDEwMDAwMDBaMBsxGTAX
BgNVBAMMEHNob3AuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AATcne5UJxHPJ19duwPkWW3PuNEY4rcPsvg+p1w8sGOXaCaHMwCCR6D2znVt0MhB
y57YlyXLXuiCxPQL4Y+rxwywMAoGCCqGSM49BAMCA0gAMEUCIEmt4eQju4xZpap7
eQZwFCMK5OA8lucjOTfJGE2ZOMjCAiEAlk1m2j8spQit8da8MXS+GGJk6E3oFLoe
U1vlW4ZOGJg=
-----END CERTIFICATE-----
"""
_SITE = """\
# /etc/nginx/nginx.conf
http {
    server {
        listen 443 ssl;
        server_name shop.example.com;
        ssl_certificate /etc/ssl/certs/shop.pem;
        ssl_certificate_key /etc/ssl/private/shop.key;
        ssl_protocols %s;
    }
}
---
# $ ls -1A -- /etc/ssl/private/
shop.key
---
# /etc/ssl/certs/shop.pem
"""


@policy(
    id="HOST-018",
    name="tls-endpoints-valid",
    title="TLS certificates on the host are valid for weeks yet, and no weak protocol is on",
    severity=Severity.HIGH,
    rationale=(
        "An expired certificate takes the service down for every client that checks it, "
        "and teaches users to click through warnings. ACME clients renew 30 days before "
        "expiry, so a certificate with less than three weeks left means renewal is failing "
        "silently. A certificate file that is missing or unparseable stops the server at its "
        "next reload. SSLv3, TLS 1.0 and TLS 1.1 have known attacks (POODLE, BEAST) and "
        "weak ciphers; enabling them lets a downgrade expose the traffic."
    ),
    remediation=(
        "Renew the certificate (certbot renew, or your ACME client) and make renewal "
        "automatic: enable certbot.timer or a cron job, and check that the web server "
        "reloads afterwards (a deploy hook). Replace an expired intermediate with the "
        "issuer's current chain. Allow only TLS 1.2 and 1.3: 'ssl_protocols TLSv1.2 "
        "TLSv1.3;' (nginx), 'SSLProtocol -all +TLSv1.2 +TLSv1.3' (Apache), "
        "'ssl-default-bind-options ssl-min-ver TLSv1.2' (HAProxy)."
    ),
    controls=(
        "NIST-800-53-SC-8",
        "NIST-800-53-SC-12",
        "NIST-800-53-SC-13",
        "NIST-800-53-SC-17",
        "CWE-298",
        "CWE-326",
        "CWE-327",
    ),
    references=("lynis:CRYP-7902",),
    example=_SITE % "TLSv1 TLSv1.1 TLSv1.2" + EXPIRED,
    use_instead=_SITE % "TLSv1.2 TLSv1.3" + VALID_TO_2125,
    commands=(
        NGINX_DUMP,
        *APACHE_DUMP,
        "ls -1A -- <directory>/ (include globs, crt directories, key directories, cron)",
        "stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y' <haproxy crt paths> <renewal files>",
    ),
    reads=(
        "host.paths.nginx_conf (/etc/nginx/nginx.conf) and its includes",
        "host.paths.apache_conf (/etc/apache2/apache2.conf) or host.paths.httpd_conf "
        "(/etc/httpd/conf/httpd.conf) and their includes",
        "host.paths.haproxy_cfg (/etc/haproxy/haproxy.cfg) and its crt-list files",
        "the certificate files those configurations and host.cert_paths name",
        "cron files (renewal jobs)",
    ),
    # nginx -T needs root too, but without it the files are parsed instead.
    needs_root=("certificate and configuration files in root-only directories",),
    profiles=("server", "container", "image"),
)
def tls_endpoints_valid(host: Host) -> Iterator[Violation | Unknown]:
    config = read_tls_config(host)
    endpoints = list(config.endpoints)
    missing_globs: list[str] = []
    for pattern in host.options.cert_paths:
        try:
            paths = expand(host, pattern)
        except NeedsRoot as exc:
            yield Unknown(f"needs root on {host.label} (run as root, or with --sudo): {exc.what}")
            continue
        if not paths and has_magic(pattern):
            missing_globs.append(pattern)
        endpoints += [Endpoint("cert_paths", p, "host.cert_paths", 0) for p in paths]
    for path in dict.fromkeys(config.unreadable):
        yield Unknown(f"needs root on {host.label} (run as root, or with --sudo): read {path}")
    if not endpoints and not config.protocols:
        if not config.unreadable:
            servers = ", ".join(config.servers) or "no nginx, Apache or HAProxy configuration"
            yield NotApplicable(
                f"no TLS server configuration found ({servers}; host.cert_paths "
                + ("matches no file" if missing_globs else "is empty")
                + ")"
            )
        return
    now = datetime.now(timezone.utc)
    horizon = now + timedelta(days=host.options.tls_min_days_left)
    expiring: list[tuple[str, Severity, int | None]] = []
    seen: set[str] = set()
    for ep in endpoints:
        if ep.variable:
            yield Unknown(
                f"{ep.server} names certificate {ep.cert} ({ep.where}): a path built from "
                "variables cannot be resolved from the configuration"
            )
            continue
        if ep.cert in seen:
            continue
        seen.add(ep.cert)
        certs, problem = _load(host, ep.cert)
        if isinstance(problem, Unknown):
            yield problem
            continue
        if problem is not None:
            yield Violation(
                f"{ep.server} names certificate {ep.cert} ({ep.where}), which {problem}: the "
                "server will not start or reload",
                line=ep.line or None,
                severity=Severity.CRITICAL,
            )
            continue
        leaf = certs[0]
        what = f"certificate {ep.cert} (CN {leaf.subject}; {ep.server} {ep.where})"
        finding = _validity(what, leaf, now, horizon, host.options.tls_min_days_left)
        if finding is not None:
            expiring.append((*finding, ep.line or None))
        chain = certs[1:]
        if ep.chain:
            chain_certs, chain_problem = _load(host, ep.chain)
            if isinstance(chain_problem, Unknown):
                yield chain_problem
            elif chain_problem is not None:
                yield Violation(
                    f"{ep.server} names chain file {ep.chain} ({ep.where}), which "
                    f"{chain_problem}: the server will not start or reload",
                    line=ep.line or None,
                    severity=Severity.CRITICAL,
                )
            chain += chain_certs
        for inter in chain:
            if inter.not_after < now:
                yield Violation(
                    f"intermediate certificate '{inter.subject}' in the chain of {ep.cert} "
                    f"({ep.where}) expired on {inter.not_after:%Y-%m-%d}: clients cannot "
                    "build a trusted path",
                    line=ep.line or None,
                    severity=Severity.HIGH,
                )
    if expiring:
        renewal = "" if _renewal_found(host) else NO_RENEWAL
        for message, severity, line in expiring:
            yield Violation(message + renewal, line=line, severity=severity)
    yield from _missing_keys(host, endpoints, seen)
    weak = set(host.options.tls_weak_protocols)
    for setting in config.protocols:
        bad = [p for p in setting.enabled if p in weak]
        if bad:
            order = sorted(bad, key=lambda p: p.lower())
            yield Violation(
                f"{setting.server} enables {', '.join(order)} ({setting.text!r} at "
                f"{setting.where}; tls.weak_protocols)",
                line=setting.line,
                severity=Severity.MEDIUM,
            )


def _load(host: Host, path: str) -> tuple[list[Certificate], str | Unknown | None]:
    """The certificates of a file, or why there are none (a failure text or an Unknown)."""
    try:
        data = host.read(path)
    except NeedsRoot:
        return [], Unknown(f"needs root on {host.label} (run as root, or with --sudo): read {path}")
    if data is None:
        return [], "does not exist"
    if len(data) > host.options.max_read_bytes:
        return [], Unknown(f"{path} is larger than host.max_read_bytes: not parsed")
    try:
        certs = parse_certificates(data)
    except ValueError as exc:
        return [], f"holds no parseable certificate ({str(exc).split('.')[0]})"
    return certs, None


def _validity(
    what: str, leaf: Certificate, now: datetime, horizon: datetime, days: int
) -> tuple[str, Severity] | None:
    if leaf.not_after < now:
        ago = (now - leaf.not_after).days
        return (
            f"{what} expired on {leaf.not_after:%Y-%m-%d} ({ago} days ago)",
            Severity.CRITICAL,
        )
    if leaf.not_before > now:
        return (
            f"{what} is not valid before {leaf.not_before:%Y-%m-%d %H:%M} UTC (clock or "
            "issuance error)",
            Severity.CRITICAL,
        )
    if leaf.not_after < horizon:
        left = (leaf.not_after - now).days
        return (
            f"{what} expires on {leaf.not_after:%Y-%m-%d}, in {left} days (fewer than "
            f"tls.min_days_left = {days}: renewal is failing)",
            Severity.HIGH,
        )
    return None


def _missing_keys(host: Host, endpoints: list[Endpoint], read: set[str]) -> Iterator[Violation]:
    """A key file that is not there stops the server. Keys live in root-only directories, so
    their directory is listed (nothing is read); when it cannot be, nothing is claimed."""
    for ep in endpoints:
        if not ep.key or ep.key in read or "$" in ep.key:
            continue
        try:
            names = list_dir(host, posixpath.dirname(ep.key))
        except NeedsRoot:
            continue
        if names is None or posixpath.basename(ep.key) not in names:
            yield Violation(
                f"{ep.server} names private key {ep.key} ({ep.file}:{ep.key_line}), which "
                "does not exist: the server will not start or reload",
                line=ep.key_line,
                severity=Severity.CRITICAL,
            )


def _renewal_found(host: Host) -> bool:
    found = host.stat(RENEWAL_FILES)
    if any(v is not None for v in found.values()):
        return True
    try:
        if host.stat([ACME_SH]).get(ACME_SH) is not None:
            return True
    except NeedsRoot:
        pass
    jobs = read_cron(host).jobs
    return any(word in job.command for job in jobs for word in RENEWAL_WORDS)
