"""HOST-018…022 (operations): TLS endpoints, monitoring, backups, health, resource limits.

The parsers are tested on text; the policies on a fake host (files, listings and command
outputs from dicts); HOST-018 also through pytest and testinfra's local backend on a tree
under ``host.root``. Certificates are made here with ``cryptography``: no network and no
``openssl``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from host_fake import DENIED, FakeProbe, fake_host

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation
from pytest_devops_policy.hosts.probe import FileStat
from pytest_devops_policy.knowledge.host import backups, cron, systemd, webservers
from pytest_devops_policy.knowledge.host.listing import list_command
from pytest_devops_policy.options import HostOptions, OptionError, build
from pytest_devops_policy.policies.host.host_018_tls_endpoints_valid import (
    tls_endpoints_valid as host_018,
)
from pytest_devops_policy.policies.host.host_019_monitoring_agent_running import (
    monitoring_agent_running as host_019,
)
from pytest_devops_policy.policies.host.host_020_backups_scheduled_encrypted_verified import (
    SHOW_MONOTONIC,
)
from pytest_devops_policy.policies.host.host_020_backups_scheduled_encrypted_verified import (
    backups_scheduled_encrypted_verified as host_020,
)
from pytest_devops_policy.policies.host.host_021_services_healthy import (
    services_healthy as host_021,
)
from pytest_devops_policy.policies.host.host_022_resource_limits_set import (
    INSPECT,
    UNIT_LIMITS,
)
from pytest_devops_policy.policies.host.host_022_resource_limits_set import (
    resource_limits_set as host_022,
)

pytest.importorskip("cryptography")

NOW = datetime.now(timezone.utc)
Result = Violation | Unknown


# -- helpers ----------------------------------------------------------------------------------


def make_cert(
    cn: str,
    days: float,
    *,
    start_days: float = -30,
    issuer: tuple[str, Any] | None = None,
) -> str:
    """A PEM certificate for ``cn`` that ends ``days`` from now (negative: in the past),
    self-signed unless ``issuer`` = (name, key) is given."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name = subject
    sign_key = key
    if issuer is not None:
        issuer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer[0])])
        sign_key = issuer[1]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + timedelta(days=start_days))
        .not_valid_after(NOW + timedelta(days=days))
        .sign(sign_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def listings(files: Mapping[str, object], root: str = "") -> dict[str, tuple[int, str, str]]:
    """The ``ls`` answers of a host holding ``files``: every ancestor directory lists its
    children (what ``knowledge.host.listing`` asks)."""
    children: dict[str, set[str]] = {}
    for path in files:
        parts = path.strip("/").split("/")
        for i in range(len(parts)):
            parent = "/" + "/".join(parts[:i])
            children.setdefault(parent, set()).add(parts[i])
    return {
        list_command(root + d): (0, "".join(f"{n}\n" for n in sorted(names)), "")
        for d, names in children.items()
    }


def host_with(
    files: Mapping[str, object],
    answers: Mapping[str, tuple[int, str, str] | str] | None = None,
    stats: Mapping[str, FileStat] | None = None,
    **kw: Any,
) -> Any:
    """A fake host holding ``files`` (listable), ``answers`` to commands, ``stats``;
    ``kw`` goes to ``fake_host`` (uid, commands that exist, options...)."""
    every: dict[str, tuple[int, str, str] | str] = dict(listings(files))
    every.update(answers or {})
    probe = FakeProbe(files, dict(stats or {}), every)
    return fake_host(probe, **kw)


def violations(results: list[Result]) -> list[Violation]:
    return [r for r in results if isinstance(r, Violation)]


def unknowns(results: list[Result]) -> list[Unknown]:
    return [r for r in results if isinstance(r, Unknown) and not isinstance(r, NotApplicable)]


def na(results: list[Result]) -> bool:
    return bool(results) and all(isinstance(r, NotApplicable) for r in results)


def stat_of(path: str, kind: str = "regular file") -> FileStat:
    return FileStat(path, 0o644, 0, 0, "root", "root", kind)


# -- web server configuration readers ------------------------------------------------------------

NGINX_MAIN = """\
user www-data;
http {
    ssl_certificate_key /etc/ssl/private/default.key;  # inherited by the servers
    include /etc/nginx/conf.d/*.conf;
    include sites-enabled/*;
}
"""
NGINX_SITE = """\
server {
    listen 443 ssl;
    ssl_certificate "/etc/ssl/certs/shop.pem";
    ssl_certificate     /etc/ssl/certs/shop-ecdsa.pem;
    ssl_certificate_key /etc/ssl/private/shop.key;
    ssl_certificate_key /etc/ssl/private/shop-ecdsa.key;
    ssl_protocols TLSv1.2 TLSv1.3;
}
server {
    ssl_certificate certs/api.pem;
}
"""


def _load(files: Mapping[str, str]) -> webservers.Loader:
    import fnmatch

    def load(pattern: str) -> list[tuple[str, str]]:
        return [(f, t) for f, t in sorted(files.items()) if fnmatch.fnmatchcase(f, pattern)]

    return load


def test_nginx_directives_follow_includes_and_blocks() -> None:
    files = {"/etc/nginx/sites-enabled/shop": NGINX_SITE}
    found = webservers.nginx_directives(NGINX_MAIN, "/etc/nginx/nginx.conf", _load(files))
    eps = webservers._endpoints(
        "nginx", found, "ssl_certificate", "ssl_certificate_key", "/etc/nginx"
    )
    assert [(e.cert, e.key, e.where) for e in eps] == [
        ("/etc/ssl/certs/shop.pem", "/etc/ssl/private/shop.key", "/etc/nginx/sites-enabled/shop:3"),
        (
            "/etc/ssl/certs/shop-ecdsa.pem",
            "/etc/ssl/private/shop-ecdsa.key",
            "/etc/nginx/sites-enabled/shop:4",
        ),
        # relative to the prefix; the key comes from the http block
        (
            "/etc/nginx/certs/api.pem",
            "/etc/ssl/private/default.key",
            "/etc/nginx/sites-enabled/shop:10",
        ),
    ]
    protocols = [d for d in found if d.name == "ssl_protocols"]
    assert protocols[0].where == "/etc/nginx/sites-enabled/shop:7"


def test_nginx_dump_keeps_file_boundaries_and_lines() -> None:
    dump = (
        "# configuration file /etc/nginx/nginx.conf:\n"
        + NGINX_MAIN
        + "\n# configuration file /etc/nginx/sites-enabled/shop:\n"
        + NGINX_SITE
        + "\n"
    )
    files = webservers.nginx_dump(dump)
    assert [f for f, _ in files] == ["/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/shop"]
    found = webservers.nginx_directives(files[1][1], files[1][0])
    assert [d.line for d in found if d.name == "ssl_protocols"] == [7]


APACHE_MAIN = """\
ServerRoot "/etc/apache2"
IncludeOptional sites-enabled/*.conf
Include conf-enabled/
"""
APACHE_SITE = """\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile      /etc/ssl/certs/www.pem
    SSLCertificateKeyFile   /etc/ssl/private/www.key
    SSLCertificateChainFile chain.pem
    SSLProtocol all \\
        -SSLv3
</VirtualHost>
"""


def test_apache_directives_and_protocols() -> None:
    files = {
        "/etc/apache2/sites-enabled/www.conf": APACHE_SITE,
        "/etc/apache2/conf-enabled/ssl.conf": "SSLProtocol -all +TLSv1.2 +TLSv1.3\n",
    }
    found = webservers.apache_directives(
        APACHE_MAIN, "/etc/apache2/apache2.conf", _load({**files, "/etc/apache2/conf-enabled/": ""})
    )
    eps = webservers._endpoints(
        "apache",
        found,
        "sslcertificatefile",
        "sslcertificatekeyfile",
        "/etc/apache2",
        chain="sslcertificatechainfile",
    )
    assert [(e.cert, e.key, e.chain, e.line) for e in eps] == [
        ("/etc/ssl/certs/www.pem", "/etc/ssl/private/www.key", "/etc/apache2/chain.pem", 3)
    ]
    protocol = next(d for d in found if d.name == "SSLProtocol")
    assert protocol.line == 6 and protocol.args == ("all", "-SSLv3")
    ap = webservers.apache_protocols
    assert ap(["all", "-SSLv3"]) == {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}
    assert ap(["-all", "+TLSv1.2", "+TLSv1.3"]) == {"TLSv1.2", "TLSv1.3"}
    assert ap(["TLSv1", "TLSv1.2"]) == {"TLSv1.2"}  # a bare name replaces
    dump = (
        "Included configuration files:\n  (*) /etc/apache2/apache2.conf\n"
        "    (146) /etc/apache2/mods-enabled/ssl.load\n"
        "      (2) /etc/apache2/sites-enabled/www.conf\n"
    )
    assert webservers.apache_dump_includes(dump) == [
        "/etc/apache2/apache2.conf",
        "/etc/apache2/mods-enabled/ssl.load",
        "/etc/apache2/sites-enabled/www.conf",
    ]


HAPROXY = """\
global
    crt-base /etc/haproxy/certs
    ssl-default-bind-options ssl-min-ver TLSv1.0 no-tlsv10
frontend web
    bind :80
    bind :443 ssl crt site.pem crt /etc/haproxy/live/ alpn h2
    bind :8443 ssl crt-list /etc/haproxy/list.txt force-tlsv11
    bind :9443 ssl crt "${CERT_DIR}/x.pem" ssl-min-ver TLSv1.2
backend app
    server a 10.0.0.1:443 ssl crt client.pem
"""


def test_haproxy_binds_crt_lists_and_versions() -> None:
    lists = {"/etc/haproxy/list.txt": [("/etc/haproxy/certs/a.pem", 1), ("b.pem", 3)]}
    eps, settings = webservers.haproxy_tls(HAPROXY, "/etc/haproxy/haproxy.cfg", lists.get)
    assert [(e.cert, e.where, e.variable) for e in eps] == [
        ("/etc/haproxy/certs/site.pem", "/etc/haproxy/haproxy.cfg:6", False),
        ("/etc/haproxy/live", "/etc/haproxy/haproxy.cfg:6", False),
        ("/etc/haproxy/certs/a.pem", "/etc/haproxy/list.txt:1", False),
        ("/etc/haproxy/certs/b.pem", "/etc/haproxy/list.txt:3", False),
        ("${CERT_DIR}/x.pem", "/etc/haproxy/haproxy.cfg:8", True),
    ]
    assert [(s.line, sorted(s.enabled)) for s in settings] == [
        (3, ["TLSv1.1", "TLSv1.2", "TLSv1.3"]),  # min 1.0 less no-tlsv10
        (7, ["TLSv1.1"]),
        (8, ["TLSv1.2", "TLSv1.3"]),
    ]


def test_cron_files() -> None:
    jobs = cron.parse_crontab(
        "SHELL=/bin/sh\n# m h dom mon dow user command\n17 * * * * root cd / && run-parts "
        "--report /etc/cron.hourly\n@daily postgres /usr/local/bin/pg-backup.sh\n",
        "/etc/crontab",
        with_user=True,
    )
    assert [(j.line, j.schedule, j.command) for j in jobs] == [
        (3, "17 * * * *", "cd / && run-parts --report /etc/cron.hourly"),
        (4, "@daily", "/usr/local/bin/pg-backup.sh"),
    ]
    user = cron.parse_crontab("0 3 * * * restic backup /srv\n", "/var/spool/cron/root", False)
    assert user[0].command == "restic backup /srv"
    ana = cron.parse_anacrontab("1\t5\tcron.daily\trun-parts /etc/cron.daily\n", "/etc/anacrontab")
    assert ana[0].schedule == "1 5 cron.daily"


# -- HOST-018 on a fake host ----------------------------------------------------------------------

SITE = """\
http {
    server {
        listen 443 ssl;
        ssl_certificate /etc/ssl/certs/site.pem;
        ssl_certificate_key /etc/ssl/private/site.key;
        ssl_protocols %s;
    }
}
"""


def _tls(
    cert: str | object | None,
    protocols: str = "TLSv1.2 TLSv1.3",
    extra: Mapping[str, object] | None = None,
    **kw: Any,
) -> list[Result]:
    files: dict[str, object] = {
        "/etc/nginx/nginx.conf": SITE % protocols,
        "/etc/ssl/private/site.key": "(key)",
    }
    if cert is not None:
        files["/etc/ssl/certs/site.pem"] = cert
    files.update(extra or {})
    return list(host_018(host_with(files, **kw)))


def test_host_018_pass_with_90_days_left() -> None:
    assert _tls(make_cert("shop", 90)) == []


def test_host_018_expiring_fails_high_and_names_missing_renewal() -> None:
    found = violations(_tls(make_cert("shop", 5)))
    assert len(found) == 1 and found[0].severity == Severity.HIGH
    message = found[0].message
    assert "certificate /etc/ssl/certs/site.pem (CN shop; nginx /etc/nginx/nginx.conf:4)" in message
    assert "in 4 days (fewer than tls.min_days_left = 21" in message
    assert "no automated renewal found" in message
    # a certbot cron job: renewal exists, the expiry still fails
    renewed = violations(
        _tls(make_cert("shop", 5), stats={"/etc/cron.d/certbot": stat_of("/etc/cron.d/certbot")})
    )
    assert renewed and "no automated renewal" not in renewed[0].message
    # a renewal job in a user's crontab counts too
    spool = {"/var/spool/cron/crontabs/root": "0 */12 * * * /root/.acme.sh/acme.sh --cron\n"}
    assert (
        "no automated renewal" not in violations(_tls(make_cert("shop", 5), extra=spool))[0].message
    )
    # the threshold is a knob
    assert _tls(make_cert("shop", 5), options={"tls": {"min_days_left": 3}}) == []


def test_host_018_expired_and_not_yet_valid_are_critical() -> None:
    expired = violations(_tls(make_cert("shop", -2)))
    assert expired[0].severity == Severity.CRITICAL and "expired on" in expired[0].message
    future = violations(_tls(make_cert("shop", 400, start_days=3)))
    assert future[0].severity == Severity.CRITICAL and "is not valid before" in future[0].message


def test_host_018_missing_unparseable_and_key() -> None:
    missing = violations(_tls(None))
    assert "which does not exist: the server will not start or reload" in missing[0].message
    assert missing[0].severity == Severity.CRITICAL
    broken = violations(_tls("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
    assert "holds no parseable certificate" in broken[0].message
    files = {
        "/etc/nginx/nginx.conf": SITE % "TLSv1.2",
        "/etc/ssl/certs/site.pem": make_cert("a", 90),
    }
    nokey = violations(list(host_018(host_with(files))))
    assert [v.message for v in nokey] == [
        "nginx names private key /etc/ssl/private/site.key (/etc/nginx/nginx.conf:5), which does "
        "not exist: the server will not start or reload"
    ]


def test_host_018_der_bundles_and_expired_intermediate() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf = make_cert("shop", 90, issuer=("Old Intermediate", ca_key))
    inter = make_cert("Old Intermediate", -1)
    found = violations(_tls(leaf + inter))
    assert [v.severity for v in found] == [Severity.HIGH]
    assert "intermediate certificate 'Old Intermediate'" in found[0].message
    der = x509.load_pem_x509_certificate(make_cert("shop", 90).encode()).public_bytes(
        serialization.Encoding.DER
    )
    assert _tls(der) == []


def test_host_018_weak_protocols() -> None:
    found = violations(_tls(make_cert("shop", 90), protocols="TLSv1 TLSv1.1 TLSv1.2"))
    assert [v.severity for v in found] == [Severity.MEDIUM]
    assert found[0].message == (
        "nginx enables TLSv1, TLSv1.1 ('ssl_protocols TLSv1 TLSv1.1 TLSv1.2' at "
        "/etc/nginx/nginx.conf:6; tls.weak_protocols)"
    )
    relaxed = _tls(
        make_cert("shop", 90),
        protocols="TLSv1.1 TLSv1.2",
        options={"tls": {"weak_protocols": ["SSLv3", "TLSv1.0"]}},
    )
    assert relaxed == []


def test_host_018_nginx_dump_is_used_as_root_only() -> None:
    cert = make_cert("shop", 5)
    dump = "# configuration file /etc/nginx/nginx.conf:\n" + SITE % "TLSv1.2" + "\n"
    files = {"/etc/ssl/certs/site.pem": cert, "/etc/ssl/private/site.key": "k"}
    host = host_with(files, {"nginx -T": (0, dump, "")}, commands=["nginx"])
    found = violations(list(host_018(host)))
    assert "in 4 days" in found[0].message and "nginx -T" in host.probe.ran
    # not root: nginx -T is not run (it loads the keys), the files are read instead
    host = host_with(files, {"nginx -T": (0, dump, "")}, commands=["nginx"], uid=1000)
    assert na(list(host_018(host))) and "nginx -T" not in host.probe.ran


def test_host_018_apache_dump_includes_and_haproxy_directories() -> None:
    files: dict[str, object] = {
        "/etc/apache2/apache2.conf": "Include sites-enabled/\n",
        "/etc/apache2/sites-enabled/www.conf": APACHE_SITE.replace(
            "    SSLCertificateChainFile chain.pem\n", ""
        ),
        "/etc/ssl/certs/www.pem": make_cert("www", 90),
        "/etc/ssl/private/www.key": "k",
        "/etc/haproxy/haproxy.cfg": "frontend f\n    bind :443 ssl crt /etc/haproxy/certs\n",
        "/etc/haproxy/certs/a.pem": make_cert("a", 90),
        "/etc/haproxy/certs/a.pem.key": "not a certificate",
        "/etc/haproxy/certs/b.pem": make_cert("b", -1),
    }
    dump = (
        "Included configuration files:\n  (*) /etc/apache2/apache2.conf\n"
        "    (1) /etc/apache2/sites-enabled/www.conf\n"
    )
    host = host_with(
        files,
        {"apachectl -t -D DUMP_INCLUDES": (0, dump, "Syntax OK\n")},
        {"/etc/haproxy/certs": stat_of("/etc/haproxy/certs", "directory")},
        commands=["apachectl"],
    )
    found = violations(list(host_018(host)))
    assert [v.message.split(" (")[0] for v in found] == [
        "certificate /etc/haproxy/certs/b.pem",
        "apache enables TLSv1, TLSv1.1",
    ]
    assert "/etc/apache2/sites-enabled/www.conf:5" in found[1].message
    assert "apachectl -t -D DUMP_INCLUDES" in host.probe.ran
    # the fallback parser finds the same without apachectl
    found = violations(
        list(
            host_018(
                host_with(
                    files, stats={"/etc/haproxy/certs": stat_of("/etc/haproxy/certs", "directory")}
                )
            )
        )
    )
    assert len(found) == 2


def test_host_018_unknown_cases() -> None:
    variable = _tls(
        make_cert("shop", 90),
        extra={
            "/etc/nginx/nginx.conf": "server { ssl_certificate /etc/ssl/$ssl_server_name.pem; }\n"
        },
    )
    assert [type(r) for r in variable] == [Unknown]
    assert "built from variables" in variable[0].reason
    denied = _tls(DENIED, uid=1000)
    assert [type(r) for r in denied] == [Unknown]
    assert "needs root on fake" in denied[0].reason  # type: ignore[union-attr]
    hidden = {
        "/etc/nginx/nginx.conf": "http { include /etc/nginx/private/*.conf; }\n",
        "/etc/nginx/private/x.conf": "",
    }
    host = host_with(
        hidden,
        {
            list_command("/etc/nginx/private"): (
                2,
                "",
                "ls: cannot open directory '/etc/nginx/private/': Permission denied\n",
            )
        },
        uid=1000,
    )
    found = list(host_018(host))
    assert [type(r) for r in found] == [Unknown] and "list /etc/nginx/private" in found[0].reason


def test_host_018_not_applicable_and_cert_paths() -> None:
    assert na(list(host_018(host_with({}))))
    plain = {"/etc/nginx/nginx.conf": "http { server { listen 80; } }\n"}
    result = list(host_018(host_with(plain)))
    assert na(result) and "nginx" in result[0].reason
    files = {"/etc/pki/tls/certs/a.crt": make_cert("a", 5), "/etc/pki/tls/certs/b.crt": "x"}
    found = list(host_018(host_with(files, options={"cert_paths": ["/etc/pki/tls/certs/*.crt"]})))
    assert sorted(v.message.split(" (")[0] for v in violations(found)) == [
        "cert_paths names certificate /etc/pki/tls/certs/b.crt",
        "certificate /etc/pki/tls/certs/a.crt",
    ]
    nothing = list(host_018(host_with({}, options={"cert_paths": ["/srv/*.pem"]})))
    assert na(nothing) and "matches no file" in nothing[0].reason


def test_host_018_options_are_checked() -> None:
    with pytest.raises(OptionError, match=r"tls_weak_protocols .*'TLSv9' is no protocol"):
        build(HostOptions, {"tls": {"weak_protocols": ["TLSv9"]}})
    with pytest.raises(OptionError, match="is not an absolute path"):
        build(HostOptions, {"cert_paths": ["certs/*.pem"]})
    assert build(HostOptions, {"tls.weak_protocols": "tlsv1.0"}).tls_weak_protocols == ("TLSv1",)


# -- HOST-018 through pytest and testinfra's local backend ----------------------------------------

BASE = ("--devops-policy-only", "--devops-policy-select=HOST-018", "-p", "no:randomly")


def test_host_018_local_tree(pytester: pytest.Pytester) -> None:
    pytest.importorskip("testinfra")
    root = pytester.path / "root"
    sites = root / "etc/nginx/sites-enabled"
    sites.mkdir(parents=True)
    (root / "etc/nginx/nginx.conf").write_text("http {\n    include sites-enabled/*;\n}\n")
    (sites / "shop").write_text(
        "server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/shop.pem;\n"
        "    ssl_certificate_key /etc/ssl/shop.key;\n}\n"
    )
    (sites / "api").write_text(
        "server {\n    ssl_certificate /etc/ssl/api.pem;\n"
        "    ssl_certificate_key /etc/ssl/api.key;\n}\n"
    )
    ssl = root / "etc/ssl"
    ssl.mkdir()
    (ssl / "shop.pem").write_text(make_cert("shop.example.com", 5))
    (ssl / "api.pem").write_text(make_cert("api.example.com", 90))
    (ssl / "shop.key").write_text("k")
    (ssl / "api.key").write_text("k")
    pytester.makefile(".toml", pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\n')
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=1, failed=1)  # CONNECT, HOST-018
    result.stdout.fnmatch_lines(
        [
            "*HOST-018 tls-endpoints-valid [[]high[]]: certificate /etc/ssl/shop.pem "
            "(CN shop.example.com; nginx /etc/nginx/sites-enabled/shop:3) expires on *, in 4 "
            "days*no automated renewal found*"
        ]
    )
    assert "api.pem" not in result.stdout.str()
    (ssl / "shop.pem").write_text(make_cert("shop.example.com", 90))
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=2)
    (ssl / "api.pem").unlink()
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*certificate /etc/ssl/api.pem*which does not exist*"])


# -- HOST-020 -------------------------------------------------------------------------------

PS = "ps -eo pid=,args="
POSTGRES = " 812 /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main\n"
TIMERS = (
    "Tue 2026-12-08 02:30:00 UTC 13h left Mon 2026-12-07 02:30:04 UTC 10h ago backup.timer "
    "backup.service\n"
    "n/a n/a n/a n/a snapper-boot.timer snapper-boot.service\n"
)


def _show(result: str = "success", status: str = "0", ended_at: float = 3600.0) -> str:
    block = (
        "Id={id}\nExecStart={{ path=/usr/bin/{tool} ; argv[]=/usr/bin/{tool} {args} ; "
        "ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; "
        "status=0/0 }}\nResult={result}\nExecMainStatus={status}\n"
        "ExecMainExitTimestamp=Mon 2026-12-07 02:30:09 UTC\n"
        "ExecMainExitTimestampMonotonic={mono}\n"
    )
    return (
        block.format(
            id="backup.service",
            tool="restic",
            args="backup /srv",
            result=result,
            status=status,
            mono=int(ended_at * 1e6),
        )
        + "\n"
        + block.format(
            id="snapper-boot.service",
            tool="snapper",
            args="create",
            result="success",
            status="0",
            mono=0,
        )
    )


def _backups(
    files: Mapping[str, object],
    ps: str | None = POSTGRES,
    answers: Mapping[str, tuple[int, str, str] | str] | None = None,
    **kw: Any,
) -> list[Result]:
    every: dict[str, tuple[int, str, str] | str] = {}
    if ps is not None:
        every[PS] = (0, ps, "")
    every.update(answers or {})
    return list(host_020(host_with(files, every, **kw)))


CRON_GOOD = {
    "/etc/cron.d/backup": (
        "30 2 * * * postgres pg_dump app | restic backup --stdin\n0 5 * * 0 postgres restic check\n"
    )
}


def test_backup_parsers() -> None:
    assert backups.encrypts("pg_dump app | gpg -e -r ops > /b/app.gpg")
    assert backups.encrypts("borg create ::x /srv") and not backups.encrypts(
        "borg create --encryption none ::x /srv"
    )
    assert not backups.encrypts("duplicity --no-encryption /srv file:///b")
    assert backups.encrypts("aws s3 cp /b/x s3://b/x --sse aws:kms")
    assert not backups.encrypts("aws s3 cp /b/x s3://b/x")
    assert backups.encrypts("rclone sync /b secret:b", crypt_remotes={"secret"})
    assert not backups.encrypts("rclone sync /b plain:b", crypt_remotes={"secret"})
    assert backups.encrypts("pgbackrest --stanza=db backup", ["aes-256-cbc"])
    assert not backups.encrypts("pgbackrest --stanza=db backup", ["none"])
    assert backups.rclone_crypt_remotes("[s3]\ntype = s3\n[secret]\ntype = crypt\n") == {"secret"}
    assert backups.named_scripts("cd / && /usr/local/bin/db-backup.sh >/var/log/b 2>&1") == [
        "/usr/local/bin/db-backup.sh",
        "/var/log/b",
    ]
    assert systemd.parse_timers(TIMERS) == [
        systemd.Timer("backup.timer", "backup.service"),
        systemd.Timer("snapper-boot.timer", "snapper-boot.service"),
    ]
    shown = systemd.parse_show(_show())
    assert [s["Id"] for s in shown] == ["backup.service", "snapper-boot.service"]
    assert systemd.exec_argv(shown[0]["ExecStart"]) == ["/usr/bin/restic backup /srv"]


def test_host_020_pass_on_cron_restic_with_check() -> None:
    assert _backups(CRON_GOOD) == []


def test_host_020_no_job_fails_high() -> None:
    found = _backups({"/etc/crontab": "17 * * * * root run-parts /etc/cron.hourly\n"})
    assert [v.severity for v in violations(found)] == [None]
    assert violations(found)[0].message.startswith(
        "stateful service postgres (pid 812) runs and no backup job is scheduled"
    )


def test_host_020_unencrypted_and_unverified_fail_medium() -> None:
    found = violations(_backups({"/etc/cron.d/dump": "0 1 * * * postgres pg_dumpall > /b/x\n"}))
    assert [v.severity for v in found] == [Severity.MEDIUM, Severity.MEDIUM]
    assert "backup job /etc/cron.d/dump:1 stores its data unencrypted: 'pg_dumpall > /b/x'" in (
        found[0].message
    )
    assert found[1].message.startswith("no scheduled backup verification")


def test_host_020_scripts_are_read_one_level_deep() -> None:
    files = {
        "/etc/cron.d/backup": "0 1 * * * root /usr/local/bin/db-backup.sh\n",
        "/usr/local/bin/db-backup.sh": "#!/bin/sh\npg_dump app | age -r age1xyz > /b/a.age\n"
        "borg check /repo\n",
    }
    assert _backups(files) == []
    daily = {"/etc/cron.daily/pg": "#!/bin/sh\nmysqldump --all-databases | gpg -e > /b/x\n"}
    assert [v.message[:30] for v in violations(_backups(daily))] == [
        "no scheduled backup verificati"
    ]


def test_host_020_pgbackrest_and_rclone_configuration() -> None:
    jobs = {
        "/etc/cron.d/pgbr": "0 1 * * * postgres pgbackrest --stanza=db backup\n"
        "0 6 * * * postgres pgbackrest --stanza=db verify\n"
    }
    ciphered = {
        **jobs,
        "/etc/pgbackrest/pgbackrest.conf": "[global]\nrepo1-cipher-type=aes-256-cbc\n",
    }
    assert _backups(ciphered) == []
    plain = {**jobs, "/etc/pgbackrest/pgbackrest.conf": "[global]\nrepo1-cipher-type=none\n"}
    assert len(violations(_backups(plain))) == 1
    hidden = {**jobs, "/root/.config/rclone/rclone.conf": DENIED}
    assert [type(r) for r in _backups(hidden, uid=1000)] == [Unknown]


def test_host_020_timers_last_result_and_age() -> None:
    show = show_command_for_timers()
    uptime = {"/proc/uptime": "90000.00 170000.00\n"}  # 25 h
    check = {"/etc/cron.d/check": "0 5 * * 0 root restic check\n", **uptime}
    kw: dict[str, Any] = {"commands": ["systemctl"]}
    ok = {systemd.LIST_TIMERS: (0, TIMERS, ""), show: (0, _show(ended_at=80000), "")}
    assert _backups(check, answers=ok, **kw) == []
    failed = {systemd.LIST_TIMERS: (0, TIMERS, ""), show: (0, _show("exit-code", "1"), "")}
    found = violations(_backups(check, answers=failed, **kw))
    assert [v.message for v in found] == [
        "backup backup.timer (backup.service) last ended with Result=exit-code (exit status 1, "
        "Mon 2026-12-07 02:30:09 UTC)"
    ]
    old = {systemd.LIST_TIMERS: (0, TIMERS, ""), show: (0, _show(ended_at=3600), "")}
    assert _backups(check, answers=old, **kw) == []  # 24 hours ago: within 48
    aged = violations(_backups({**check, "/proc/uptime": "400000.00 1.0\n"}, answers=old, **kw))
    assert "last finished 110 hours ago" in aged[0].message
    never = {systemd.LIST_TIMERS: (0, TIMERS, ""), show: (0, _show(ended_at=0), "")}
    found = violations(_backups({**check, "/proc/uptime": "400000 1\n"}, answers=never, **kw))
    assert "has not run since the host booted 111 hours ago" in found[0].message


def show_command_for_timers() -> str:
    return systemd.show_command(SHOW_MONOTONIC, ["backup.service", "snapper-boot.service"])


def test_host_020_not_applicable_and_unknown() -> None:
    assert na(_backups({}, options={"backup": {"required": False}}))
    nothing = _backups({}, ps=" 1 /sbin/init\n 40 /usr/sbin/sshd -D\n")
    assert na(nothing) and "no stateful service runs" in nothing[0].reason
    tree = list(host_020(fake_host(FakeProbe({}), profile="image")))
    assert na(tree)
    # the process table cannot be read: ps and /proc both fail
    assert [type(r) for r in _backups({}, ps=None)] == [Unknown]
    # the spools cannot be listed as a user, and nothing else schedules a backup
    denied = {
        list_command("/var/spool/cron/crontabs"): (2, "", "ls: Permission denied\n"),
    }
    found = _backups({}, answers=denied, uid=1000)
    assert [type(r) for r in found] == [Unknown]
    assert "needs root on fake" in found[0].reason and "/var/spool/cron/crontabs" in found[0].reason


def test_host_020_required_agents_and_stateful_knobs() -> None:
    required = _backups({}, ps=" 1 /sbin/init\n", options={"backup": {"required": "true"}})
    assert violations(required)[0].message.startswith("host.backup.required = true and no")
    es = " 90 /usr/share/es/jdk/bin/java -Xms1g org.elasticsearch.bootstrap.Elasticsearch\n"
    assert "elasticsearch (pid 90)" in violations(_backups({}, ps=es))[0].message
    agent = POSTGRES + " 95 /usr/sbin/bacula-fd -fP -c /etc/bacula/bacula-fd.conf\n"
    assert _backups({}, ps=agent) == []
    custom = _backups(
        {},
        ps=" 7 /opt/tsdb/bin/vmstorage\n",
        options={"backup": {"stateful_processes": ["vmstorage"]}},
    )
    assert violations(custom)
    with pytest.raises(OptionError, match="is not a regular expression"):
        build(HostOptions, {"backup": {"patterns": ["(unclosed"]}})


def test_host_020_local_tree(pytester: pytest.Pytester) -> None:
    pytest.importorskip("testinfra")
    root = pytester.path / "root"
    (root / "etc/cron.d").mkdir(parents=True)
    (root / "etc/cron.d/dump").write_text("0 1 * * * root mysqldump --all-databases > /b/x\n")
    pytester.makefile(
        ".toml",
        pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\nbackup.required = true\n',
    )
    args = ("--devops-policy-only", "--devops-policy-select=HOST-020", "-p", "no:randomly")
    result = pytester.runpytest(*args, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*backup job /etc/cron.d/dump:1 stores its data unencrypted*", "*no scheduled backup*"]
    )
    (root / "etc/cron.d/dump").write_text(
        "0 1 * * * root mysqldump --all-databases | gpg -e -r ops > /b/x.gpg\n"
        "0 4 * * * root /usr/local/sbin/restore-test\n"
    )
    pytester.makefile(
        ".toml",
        pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\nbackup.required = true\n'
        'backup.verify_patterns = ["restore-test"]\n',
    )
    result = pytester.runpytest(*args, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=2)


# -- HOST-021 -------------------------------------------------------------------------------

FAILED = "systemctl list-units --failed --no-legend --plain"
UNHEALTHY = "docker ps --filter health=unhealthy --format '{{.Names}}'"
RESTARTING = "docker ps --filter status=restarting --format '{{.Names}}'"
RESTARTS = "docker inspect --format '{{.Name}} {{.RestartCount}}' $(docker ps -q)"
CURL = "curl -fsS -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/healthz"


def _health(answers: Mapping[str, tuple[int, str, str] | str], **kw: Any) -> list[Result]:
    return list(host_021(host_with({}, answers, **kw)))


def test_host_021_failed_units_minus_ignored() -> None:
    out = (
        "● certbot.service loaded failed failed Certbot\n"
        "systemd-networkd-wait-online.service loaded failed failed Wait for Network\n"
    )
    found = violations(_health({FAILED: (0, out, "")}, commands=["systemctl"]))
    assert [v.message for v in found] == [
        f"failed systemd units: certbot.service, systemd-networkd-wait-online.service ({FAILED})"
    ]
    ignored = {"health": {"ignore_units": ["systemd-networkd-*", "certbot.service"]}}
    assert _health({FAILED: (0, out, "")}, commands=["systemctl"], options=ignored) == []
    assert _health({FAILED: (0, "", "")}, commands=["systemctl"]) == []


def test_host_021_required_units() -> None:
    req = {"health": {"required_units": ["nginx.service"]}}
    answers = {FAILED: (0, "", ""), "systemctl is-active -- nginx.service": (3, "inactive\n", "")}
    found = violations(_health(answers, commands=["systemctl"], options=req))
    assert found[0].message.startswith("required unit nginx.service is inactive")
    answers["systemctl is-active -- nginx.service"] = (0, "active\n", "")
    assert _health(answers, commands=["systemctl"], options=req) == []
    openrc = {"rc-service nginx.service status": (3, " * status: stopped\n", "")}
    found = _health(openrc, init="openrc", options=req)
    assert "is not started" in violations(found)[0].message
    none = _health({}, init="none", options=req)
    assert [type(r) for r in none] == [Unknown] and "no systemd or OpenRC" in none[0].reason


def test_host_021_containers() -> None:
    answers = {
        UNHEALTHY: (0, "api\n", ""),
        RESTARTING: (0, "worker\n", ""),
        RESTARTS: (0, "/api 0\n/worker 17\n", ""),
    }
    found = violations(_health(answers, init="none", commands=["docker"]))
    assert [(v.message.split(" (")[0], v.severity) for v in found] == [
        ("unhealthy containers: api", None),
        ("containers restarting: worker", None),
        ("container worker has restarted 17 times", Severity.LOW),
    ]
    clean = {UNHEALTHY: (0, "", ""), RESTARTING: (0, "", ""), RESTARTS: (0, "/api 1\n", "")}
    assert _health(clean, init="none", commands=["docker"]) == []
    denied = {
        UNHEALTHY: (
            1,
            "",
            "permission denied while trying to connect to the Docker daemon socket at "
            "unix:///var/run/docker.sock\n",
        )
    }
    found = _health(denied, init="none", commands=["docker"], uid=1000)
    assert [type(r) for r in found] == [Unknown] and "needs root" in found[0].reason
    down = {
        UNHEALTHY: (1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n")
    }
    assert na(_health(down, init="none", commands=["docker"]))


def test_host_021_urls_and_profiles() -> None:
    urls = {"health": {"urls": ["http://127.0.0.1:8080/healthz"]}}
    assert _health({CURL: (0, "200", "")}, init="none", options=urls) == []
    found = violations(
        _health(
            {CURL: (22, "503", "curl: (22) The requested URL returned error: 503\n")},
            init="none",
            options=urls,
        )
    )
    assert found[0].message.startswith(
        "health URL http://127.0.0.1:8080/healthz does not answer: HTTP 503"
    )
    refused = violations(
        _health({CURL: (7, "000", "curl: (7) Failed to connect\n")}, init="none", options=urls)
    )
    assert "curl: (7) Failed to connect" in refused[0].message
    assert [type(r) for r in _health({}, init="none", options=urls)] == [Unknown]  # no curl
    # the container profile judges the URLs only
    assert (
        _health(
            {CURL: (0, "204", ""), FAILED: (0, "x.service loaded failed failed X\n", "")},
            profile="container",
            commands=["systemctl"],
            options=urls,
        )
        == []
    )
    assert na(_health({}, profile="container"))
    assert na(_health({}, init="none"))
    with pytest.raises(OptionError, match="is not a loopback"):
        build(HostOptions, {"health": {"urls": ["http://10.0.0.5/healthz"]}})
    with pytest.raises(OptionError, match="is not a loopback"):
        build(HostOptions, {"health.urls": "file:///etc/shadow"})
    assert build(HostOptions, {"health.urls": ["http://[::1]:9000/"]}).health_urls


def test_host_021_local_with_shims(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("testinfra")
    from test_hosts_core import make_shim

    shims = pytester.path / "shims"
    make_shim(shims, "curl", stdout="503", rc=22, stderr="curl: (22) error: 503\n")
    # whatever this machine runs, its own units and containers stay out of the test
    for name in ("systemctl", "docker", "podman"):
        make_shim(shims, name)
    monkeypatch.setenv("PATH", f"{shims}:{os.environ['PATH']}")
    pytester.makefile(
        ".toml",
        pyproject='[tool.devops-policy.host]\nprofile = "server"\n'
        'health.urls = ["http://127.0.0.1:8080/healthz"]\n',
    )
    args = ("--devops-policy-only", "--devops-policy-select=HOST-021", "-p", "no:randomly")
    result = pytester.runpytest(*args, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*health URL http://127.0.0.1:8080/healthz does not answer: HTTP 503*"]
    )
    assert "curl -fsS -m 5 -o /dev/null -w %{http_code} http://127.0.0.1:8080/healthz" in (
        (shims / "shim.log").read_text()
    )


# -- HOST-019 -------------------------------------------------------------------------------

NODE_EXPORTER = " 702 /usr/bin/prometheus-node-exporter --collector.systemd\n"
METRICS = "curl -fsS -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:9100/metrics"


def _monitoring(
    ps: str | None, answers: Mapping[str, Any] | None = None, **kw: Any
) -> list[Result]:
    every: dict[str, Any] = dict(answers or {})
    if ps is not None:
        every[PS] = (0, ps, "")
    return list(host_019(host_with({}, every, **kw)))


def test_host_019_agents() -> None:
    assert _monitoring(NODE_EXPORTER) == []
    datadog = " 900 /opt/datadog-agent/bin/agent/agent run -p /opt/datadog-agent/run/agent.pid\n"
    assert _monitoring(datadog) == []
    found = violations(_monitoring(" 1 /sbin/init\n 640 /usr/sbin/sshd -D\n"))
    assert found[0].message.startswith("no monitoring agent runs (searched the process table")
    assert "node_exporter" in found[0].message
    custom = _monitoring(
        " 5 /opt/acme/bin/acme-probe\n", options={"monitoring": {"agents": ["acme-probe"]}}
    )
    assert custom == []


def test_host_019_unknown_and_systemd_fallback() -> None:
    assert [type(r) for r in _monitoring(None)] == [Unknown]
    agents = {"monitoring": {"agents": ["node_exporter", "telegraf"]}}
    active = {
        "systemctl is-active -- node_exporter.service telegraf.service": (
            3,
            "inactive\nactive\n",
            "",
        )
    }
    assert _monitoring(None, active, commands=["systemctl"], options=agents) == []
    inactive = {
        "systemctl is-active -- node_exporter.service telegraf.service": (
            3,
            "inactive\ninactive\n",
            "",
        )
    }
    assert violations(_monitoring(None, inactive, commands=["systemctl"], options=agents))


def test_host_019_endpoints() -> None:
    endpoints = {"monitoring": {"endpoints": ["http://127.0.0.1:9100/metrics"]}}
    assert _monitoring(NODE_EXPORTER, {METRICS: (0, "200", "")}, options=endpoints) == []
    found = violations(_monitoring(NODE_EXPORTER, {METRICS: (0, "302", "")}, options=endpoints))
    assert (
        found[0].message
        == "monitoring endpoint http://127.0.0.1:9100/metrics does not answer 2xx: HTTP 302"
    )
    down = violations(
        _monitoring(
            NODE_EXPORTER, {METRICS: (7, "000", "curl: (7) Failed to connect\n")}, options=endpoints
        )
    )
    assert "curl: (7)" in down[0].message
    with pytest.raises(OptionError, match=r"monitoring_endpoints .*is not a loopback"):
        build(HostOptions, {"monitoring": {"endpoints": ["https://metrics.example.com/"]}})


def test_host_019_local_with_a_ps_shim(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("testinfra")
    from test_hosts_core import make_shim

    shims = pytester.path / "shims"
    make_shim(shims, "ps", stdout="    1 /sbin/init\n  640 /usr/sbin/sshd -D\n")
    monkeypatch.setenv("PATH", f"{shims}:{os.environ['PATH']}")
    pytester.makefile(".toml", pyproject='[tool.devops-policy.host]\nprofile = "server"\n')
    args = ("--devops-policy-only", "--devops-policy-select=HOST-019", "-p", "no:randomly")
    result = pytester.runpytest(*args, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*HOST-019 monitoring-agent-running [[]medium[]]: no monitoring*"])
    make_shim(shims, "ps", stdout="    1 /sbin/init\n  702 /usr/local/bin/node_exporter\n")
    result = pytester.runpytest(*args, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=2)


# -- HOST-022 -------------------------------------------------------------------------------

DOCKER_INSPECT = INSPECT.format(cli="docker")
UNITS_SHOW = systemd.show_command(UNIT_LIMITS, ["app.service", "worker.service"])


def _limits(answers: Mapping[str, Any], **kw: Any) -> list[Result]:
    return list(host_022(host_with({}, answers, **kw)))


def test_host_022_containers() -> None:
    out = "/web 536870912 1000000000 0 256\n/cache 0 0 0 <nil>\n/batch 1073741824 0 -1 -1\n"
    found = violations(_limits({DOCKER_INSPECT: (0, out, "")}, commands=["docker"]))
    assert [v.message for v in found] == [
        "container cache has no memory limit (HostConfig.Memory = 0) (docker inspect)",
        "container cache has no process limit (HostConfig.PidsLimit = <nil>) (docker inspect)",
        "container batch has no process limit (HostConfig.PidsLimit = -1) (docker inspect)",
    ]
    strict = violations(
        _limits(
            {DOCKER_INSPECT: (0, out, "")},
            commands=["docker"],
            options={"limits": {"require_cpu": True}},
        )
    )
    assert sum("no CPU limit" in v.message for v in strict) == 2  # cache and batch, not web
    good = "/web 536870912 1000000000 0 256\n"
    assert _limits({DOCKER_INSPECT: (0, good, "")}, commands=["docker"]) == []
    # no running container: docker inspect gets no argument
    empty = {DOCKER_INSPECT: (1, "", '"docker inspect" requires at least 1 argument.\n')}
    assert _limits(empty, commands=["docker"]) == []
    denied = {
        DOCKER_INSPECT: (
            1,
            "",
            "permission denied while trying to connect to the Docker daemon socket\n",
        )
    }
    found = _limits(denied, commands=["docker"], uid=1000)
    assert [type(r) for r in found] == [Unknown] and "needs root on fake" in found[0].reason


def test_host_022_units_and_na() -> None:
    opts = {"limits": {"units": ["app.service", "worker.service"]}}
    shown = (
        "Id=app.service\nMemoryMax=infinity\nMemoryHigh=infinity\nTasksMax=infinity\n"
        "CPUQuotaPerSecUSec=infinity\n\n"
        "Id=worker.service\nMemoryMax=infinity\nMemoryHigh=1073741824\nTasksMax=512\n"
        "CPUQuotaPerSecUSec=500ms\n"
    )
    found = violations(_limits({UNITS_SHOW: (0, shown, "")}, commands=["systemctl"], options=opts))
    assert [v.message for v in found] == [
        "unit app.service has no memory limit (MemoryMax and MemoryHigh = infinity)",
        "unit app.service has no task limit (TasksMax = infinity)",
    ]
    no_systemd = _limits({}, init="none", options=opts)
    assert [type(r) for r in no_systemd] == [Unknown]
    assert na(_limits({}))
    down = {
        DOCKER_INSPECT: (
            1,
            "",
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n",
        )
    }
    assert na(_limits(down, commands=["docker"]))


def test_host_022_local_with_a_docker_shim(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("testinfra")
    from test_hosts_core import make_shim

    shims = pytester.path / "shims"
    make_shim(shims, "docker", stdout="/cache 0 0 0 <nil>\n")
    make_shim(shims, "podman", rc=125, stderr="Error: cannot connect to Podman\n")
    monkeypatch.setenv("PATH", f"{shims}:{os.environ['PATH']}")
    pytester.makefile(".toml", pyproject='[tool.devops-policy.host]\nprofile = "server"\n')
    args = ("--devops-policy-only", "--devops-policy-select=HOST-022", "-p", "no:randomly")
    result = pytester.runpytest(*args, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*container cache has no memory limit*"])
    assert "docker inspect --format" in (shims / "shim.log").read_text()
