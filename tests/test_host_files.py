"""HOST-005…008: sudo, system file permissions, world-writable files, exposed secrets.

FakeHost cases for every PASS, FAIL, UNKNOWN and N/A case of the rows (catalog §8.3), the
parsers on golden texts under ``tests/data/host/``, and pytester runs through testinfra's
real ``local://`` backend over a tree under ``host.root`` (real modes and owners: CI is
root).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from host_fake import DENIED, FakeProbe, fake_host

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation
from pytest_devops_policy.hosts.probe import FileStat
from pytest_devops_policy.knowledge.host.envsecrets import (
    parse_docker_env,
    parse_list_units,
    parse_systemctl_env,
    secret_kind,
)
from pytest_devops_policy.knowledge.host.sudoers import (
    expand,
    parse,
    parse_doas,
    runas_includes_root,
    shell_like,
)
from pytest_devops_policy.knowledge.host.worldwritable import (
    parse_walk,
    sticky_command,
    system_command,
)
from pytest_devops_policy.options.host import HostOptions
from pytest_devops_policy.policies.host.host_005_sudo_no_passwordless_root import (
    sudo_no_passwordless_root as host_005,
)
from pytest_devops_policy.policies.host.host_006_system_file_permissions import (
    system_file_permissions as host_006,
)
from pytest_devops_policy.policies.host.host_007_no_world_writable_files import (
    no_world_writable_files as host_007,
)
from pytest_devops_policy.policies.host.host_008_secrets_not_exposed import (
    secrets_not_exposed as host_008,
)

DATA = Path(__file__).parent / "data" / "host"
BASE = (
    "--devops-policy-only",
    "--devops-policy-ignore=SECRET",
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
)
Result = Violation | Unknown


def _run(func: Callable[..., Iterable[Result]], probe: FakeProbe, **kw: Any) -> list[Result]:
    return list(func(fake_host(probe, **kw)))


def _messages(results: Iterable[Result]) -> list[str]:
    return [r.message for r in results if isinstance(r, Violation)]


def _reasons(results: Iterable[Result]) -> list[str]:
    return [r.reason for r in results if isinstance(r, Unknown)]


def _ls(*dirs: str) -> str:
    return f"find {' '.join(dirs)} -mindepth 1 -maxdepth 1 -print"


# -- HOST-005: the sudoers grammar -------------------------------------------------------


SHELL_LIKE = HostOptions().sudo_shell_like_commands


def test_sudoers_parser_aliases_tags_runas() -> None:
    s = parse((DATA / "sudoers_complex").read_text(), "/etc/sudoers")
    by = {(g.users, g.command): g for g in s.grants}
    admins = [g for g in s.grants if g.users == ("ADMINS",)]
    # NOPASSWD holds for the following commands of the entry until PASSWD:
    assert [g.nopasswd for g in admins] == [True, True, False]
    assert by[(("deploy",), "/opt/deploy/bin/*")].runas_users is None  # omitted = root
    assert runas_includes_root(by[(("deploy",), "/opt/deploy/bin/*")], {})
    runas = s.alias("Runas_Alias")
    assert not runas_includes_root(by[(("dba",), "ALL")], runas)
    assert not runas_includes_root(by[(("grp",), "/bin/sh")], runas)  # (:adm)
    assert not runas_includes_root(by[(("svc",), "ALL")], runas)  # (ALL, !root)
    # recursive alias expansion
    assert expand(["ADMINS"], s.alias("User_Alias")) == ["alice", "bob", "%ops", "carol"]
    assert expand(["ROOTISH"], s.alias("Cmnd_Alias")) == [
        "/bin/sh",
        "/bin/bash",
        "/usr/bin/python3",
    ]
    # a continuation line belongs to its alias; #1000 is a uid, not a comment
    assert len(s.alias("Cmnd_Alias")["RESTART"]) == 2
    assert by[(("#1000",), "/usr/bin/find")].nopasswd is True
    # a second host section of the same entry
    assert [g.hosts for g in s.grants if g.users == ("erin",)] == [("web1",), ("web2",)]
    assert [(i.kind, i.path) for i in s.includes] == [
        ("includedir", "/etc/sudoers.d"),
        ("include", "extra.conf"),
    ]
    assert [d.scope for d in s.defaults] == ["", "", ":"]
    assert not any(d.no_authenticate for d in s.defaults)


def test_alias_loops_are_cut() -> None:
    assert expand(["A"], {"A": ("B", "x"), "B": ("A", "!y")}) == ["A", "!y", "x"]


@pytest.mark.parametrize(
    ("command", "bad"),
    [
        ("ALL", True),
        ("/bin/bash", True),
        ("/usr/bin/su -", True),
        ("/bin/bash /opt/deploy.sh", False),  # a fixed script
        ("/usr/bin/python3", True),
        ("/usr/bin/python3 /opt/x.py", False),
        ("/usr/bin/python3 /opt/x.py *", True),
        ("/usr/bin/less /var/log/syslog", True),  # a pager escapes whatever it shows
        ("/usr/bin/vim /etc/app.conf", True),
        ("/usr/bin/systemctl", True),
        ("/usr/bin/systemctl restart app.service", False),
        ("/usr/bin/systemctl restart *", True),
        ('/usr/bin/systemctl ""', False),  # "" = no arguments at all
        ("/usr/bin/find /var/log -name *.gz", True),
        ("/usr/bin/docker ps", False),
        ("/opt/deploy/bin/*", True),
        ("/usr/local/bin/", True),
        ("/usr/bin/id", False),
    ],
)
def test_shell_like(command: str, bad: bool) -> None:
    assert (shell_like(command, SHELL_LIKE) is not None) is bad


def test_doas_parser() -> None:
    rules = parse_doas(
        "permit persist :wheel\npermit nopass setenv { PATH } ops as root cmd /bin/sh\n"
        "permit nopass backup cmd /usr/bin/rsync args --server\n# comment\ndeny ops\n"
    )
    assert [(r.action, r.identity, r.target, r.command) for r in rules] == [
        ("permit", ":wheel", None, None),
        ("permit", "ops", "root", "/bin/sh"),
        ("permit", "backup", None, "/usr/bin/rsync"),
        ("deny", "ops", None, None),
    ]
    assert rules[1].options == ("nopass",) and rules[2].args == ("--server",)


# -- HOST-005 on a fake host ---------------------------------------------------------------

GROUP = "root:x:0:\nsudo:x:27:alice,bob\nops:x:1001:carol\n"


def _sudo(
    files: Mapping[str, object], outputs: Mapping[str, Any] | None = None, **kw: Any
) -> list[Result]:
    probe = FakeProbe({"/etc/group": GROUP, **files}, commands=dict(outputs or {}))
    kw.setdefault("commands", ["sudo", "find"])
    return _run(host_005, probe, **kw)


def test_host_005_pass() -> None:
    good = (
        "root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n"
        "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app.service\n"
        "dba ALL=(postgres) NOPASSWD: ALL\n"
    )
    assert _sudo({"/etc/sudoers": good}) == []


def test_host_005_fail_cloud_init_default_through_includedir() -> None:
    main = "root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n"
    listing = "/etc/sudoers.d/90-cloud-init-users\n/etc/sudoers.d/README\n/etc/sudoers.d/x~\n"
    files = {
        "/etc/sudoers": main,
        "/etc/sudoers.d/90-cloud-init-users": "ubuntu ALL=(ALL) NOPASSWD:ALL\n",
        "/etc/sudoers.d/README": "# nothing\n",
        "/etc/sudoers.d/x~": "mallory ALL=NOPASSWD: ALL\n",  # skipped as sudo does
        "/etc/sudoers.d/a.conf": "mallory ALL=NOPASSWD: ALL\n",  # has a dot: skipped
    }
    found = _sudo(files, {_ls("/etc/sudoers.d"): (0, listing, "")})
    assert _messages(found) == [
        "ubuntu may run ALL commands as (ALL) without a password "
        "(/etc/sudoers.d/90-cloud-init-users:1: NOPASSWD ALL)"
    ]
    assert found[0].line == 1  # type: ignore[union-attr]
    # deliberately allowed
    allowed = _sudo(
        files,
        {_ls("/etc/sudoers.d"): (0, listing, "")},
        options={"sudo": {"nopasswd_allowed": ["ubuntu"]}},
    )
    assert allowed == []


def test_host_005_fail_cases_from_golden_file() -> None:
    files = {
        "/etc/sudoers": (DATA / "sudoers_complex").read_text(),
        "/etc/extra.conf": "%sudo ALL=(ALL) NOPASSWD: /usr/bin/vi\n",
    }
    listing = {_ls("/etc/sudoers.d"): (0, "", "")}
    messages = _messages(_sudo(files, listing))
    text = "\n".join(messages)
    # tag inheritance: less is NOPASSWD (inherited), bash is not (PASSWD:)
    assert "alice, bob, %ops (members: carol), carol may run /usr/bin/less" in text
    assert "/bin/bash" not in text.split("ROOTISH")[0]
    assert "deploy may run the wildcard path /opt/deploy/bin/* as root (runas omitted)" in text
    assert "erin may run the shell /bin/sh" in text and "erin may run /usr/bin/python3" in text
    assert "#1000 may run /usr/bin/find" in text
    assert "frank may run /usr/bin/find" in text and "docker ps" not in text
    # an @include relative to the including file's directory, group members named
    assert "%sudo (members: alice, bob) may run /usr/bin/vi" in text
    assert "/etc/extra.conf:1" in text
    # runas without root, groups only, and !root in the list pass
    assert not any(m.startswith(("dba ", "grp ", "svc ")) for m in messages)
    assert "restart app.service" not in text


def test_host_005_defaults_not_authenticate() -> None:
    text = (
        "Defaults !authenticate\nDefaults:alice !authenticate\nDefaults>root !authenticate\n"
        "Defaults!/usr/bin/vim !authenticate\nDefaults!/usr/bin/id !authenticate\n"
        "Defaults:svc authenticate\n"
    )
    messages = _messages(_sudo({"/etc/sudoers": text}))
    assert len(messages) == 4
    assert messages[0].startswith("Defaults !authenticate (/etc/sudoers:1)")
    assert "Defaults:alice !authenticate (/etc/sudoers:2)" in messages[1]
    assert "Defaults>root" in messages[2] and "/usr/bin/vim" in messages[3]
    allowed = _sudo(
        {"/etc/sudoers": "Defaults:alice !authenticate\n"},
        options={"sudo": {"nopasswd_allowed": ["alice"]}},
    )
    assert allowed == []


def test_host_005_not_applicable_and_unknown() -> None:
    # no sudo command on a live host, no doas
    na = _sudo({"/etc/sudoers": "x ALL=NOPASSWD: ALL\n"}, commands=[])
    assert len(na) == 1 and isinstance(na[0], NotApplicable)
    # not root: sudoers is 0440
    unknown = _sudo({"/etc/sudoers": DENIED}, uid=1000)
    assert [type(r) for r in unknown] == [Unknown]
    assert _reasons(unknown) == [
        "needs root on fake (run as root, or with --sudo): read /etc/sudoers"
    ]
    # sudoers.d refused: Unknown when nothing else fails ...
    refused = {_ls("/etc/sudoers.d"): (1, "", "find: '/etc/sudoers.d': Permission denied\n")}
    main = "root ALL=(ALL) ALL\n#includedir /etc/sudoers.d\n"
    partial = _sudo({"/etc/sudoers": main}, refused, uid=1000)
    assert [type(r) for r in partial] == [Unknown]
    assert "/etc/sudoers.d/" in _reasons(partial)[0]
    # ... and a failure plus the note when the readable part fails
    failing = _sudo({"/etc/sudoers": main + "bob ALL=NOPASSWD: ALL\n"}, refused, uid=1000)
    assert _messages(failing) and _reasons(failing)
    # a host name include cannot be followed
    hostname = _sudo({"/etc/sudoers": "root ALL=(ALL) ALL\n#include /etc/sudoers.%h\n"})
    assert "host name is not expanded" in _reasons(hostname)[0]


def test_host_005_doas() -> None:
    doas = (
        "permit persist :wheel\npermit nopass ops as root\n"
        "permit nopass backup cmd /usr/bin/python3\n"
        "permit nopass rsync cmd /usr/bin/rsync\n"
    )
    found = _sudo({"/etc/doas.conf": doas}, commands=[])
    assert _messages(found) == [
        "ops may run any command as root without a password (/etc/doas.conf:2: permit nopass)",
        "backup may run /usr/bin/python3 (any arguments) as any user (root included) "
        "without a password (/etc/doas.conf:3: permit nopass)",
    ]
    assert _sudo({"/etc/doas.conf": "permit nopass ops cmd /usr/bin/id\n"}, commands=[]) == []
    assert _sudo({"/etc/doas.conf": "permit nopass ops\ndeny ops\n"}, commands=[]) == []


def test_host_005_image_profile_reads_the_tree_only() -> None:
    # in a tree, sudo counts as installed when its sudoers exists; no command is needed
    found = _sudo({"/etc/sudoers": "bob ALL=NOPASSWD: /bin/sh\n"}, commands=[], profile="image")
    assert _messages(found) == [
        "bob may run the shell /bin/sh as root (runas omitted) without a password "
        "(/etc/sudoers:1: NOPASSWD /bin/sh)"
    ]
    assert isinstance(_sudo({}, commands=[], profile="image")[0], NotApplicable)


# -- HOST-006 on a fake host ---------------------------------------------------------------

LISTED_DIRS = (
    "/etc/cron.d /etc/cron.daily /etc/cron.hourly /etc/cron.monthly /etc/cron.weekly "
    "/etc/crontabs /etc/periodic /etc/ssh/sshd_config.d /etc/sudoers.d /etc/systemd/system"
)
LIST_006 = f"find {LISTED_DIRS} -mindepth 1 -maxdepth 1 -print"


def _st(
    path: str,
    mode: int,
    owner: str = "root",
    group: str = "root",
    kind: str = "regular file",
) -> FileStat:
    ids = {"root": 0, "shadow": 42, "crontab": 107, "bob": 1000, "adm": 4}
    return FileStat(path, mode, ids.get(owner, 1), ids.get(group, 1), owner, group, kind)


DEBIAN_STATS = {
    s.path: s
    for s in (
        _st("/etc/passwd", 0o644),
        _st("/etc/passwd-", 0o644),
        _st("/etc/group", 0o644),
        _st("/etc/shadow", 0o640, group="shadow"),
        _st("/etc/gshadow", 0o640, group="shadow"),
        _st("/etc/security/opasswd", 0o600),
        _st("/etc/sudoers", 0o440),
        _st("/etc/sudoers.d", 0o750, kind="directory"),
        _st("/etc/sudoers.d/README", 0o440),
        _st("/etc/ssh/sshd_config", 0o644),  # other-read: a low note only
        _st("/etc/ssh/sshd_config.d/50-cloud-init.conf", 0o600),
        _st("/etc/crontab", 0o644),  # CIS asks 0600: a low note only
        _st("/etc/cron.d", 0o755, kind="directory"),
        _st("/etc/cron.d/e2scrub_all", 0o644),
        _st("/etc/cron.daily", 0o755, kind="directory"),
        _st("/etc/cron.daily/dpkg", 0o755),
        _st("/var/spool/cron", 0o755, kind="directory"),
        _st("/var/spool/cron/crontabs", 0o1730, group="crontab", kind="directory"),
        _st("/etc/systemd/system/app.service", 0o644),
        # a masked unit: stat -L shows /dev/null's 0666, which is no writable unit
        _st("/etc/systemd/system/ctrl-alt-del.target", 0o666, kind="character special file"),
        _st("/etc/systemd/system/apt.timer", 0o666, kind="character special file"),
    )
}
DEBIAN_LISTING = (
    "/etc/sudoers.d/README\n/etc/ssh/sshd_config.d/50-cloud-init.conf\n"
    "/etc/cron.d/e2scrub_all\n/etc/cron.daily/dpkg\n/etc/systemd/system/app.service\n"
    "/etc/systemd/system/ctrl-alt-del.target\n/etc/systemd/system/apt.timer\n"
    "/etc/systemd/system/multi-user.target.wants\n"
)


def _perms(
    stats: Mapping[str, object], listing: tuple[int, str, str] | None = None, **kw: Any
) -> list[Result]:
    probe = FakeProbe(stats=stats, commands={LIST_006: listing or (0, DEBIAN_LISTING, "")})
    return _run(host_006, probe, **kw)


def test_host_006_pass_debian_and_rhel_defaults() -> None:
    assert _perms(DEBIAN_STATS) == []
    rhel = {
        **DEBIAN_STATS,
        "/etc/shadow": _st("/etc/shadow", 0o000),
        "/etc/gshadow": _st("/etc/gshadow", 0o000),
        "/var/spool/cron": _st("/var/spool/cron", 0o700, kind="directory"),
    }
    assert _perms(rhel, os_id="rocky") == []
    assert _perms({}, (0, "", "")) == []  # nothing there: nothing to judge


def test_host_006_fail_each_rule() -> None:
    bad = {
        **DEBIAN_STATS,
        "/etc/passwd": _st("/etc/passwd", 0o666),
        "/etc/group": _st("/etc/group", 0o644, owner="bob"),
        "/etc/shadow": _st("/etc/shadow", 0o644, group="shadow"),
        "/etc/gshadow": _st("/etc/gshadow", 0o640, group="adm"),
        "/etc/sudoers.d/README": _st("/etc/sudoers.d/README", 0o666),
        "/etc/ssh/sshd_config.d/50-cloud-init.conf": _st(
            "/etc/ssh/sshd_config.d/50-cloud-init.conf", 0o664
        ),
        "/etc/cron.d": _st("/etc/cron.d", 0o777, kind="directory"),
        "/var/spool/cron/crontabs": _st(
            "/var/spool/cron/crontabs", 0o1730, group="root", kind="directory"
        ),
        "/etc/systemd/system/app.service": _st("/etc/systemd/system/app.service", 0o646),
    }
    found = [r for r in _perms(bad) if isinstance(r, Violation)]
    by_path = {v.message.split()[0]: v for v in found}
    assert set(by_path) == {
        "/etc/passwd",
        "/etc/group",
        "/etc/shadow",
        "/etc/gshadow",
        "/etc/sudoers.d/README",
        "/etc/ssh/sshd_config.d/50-cloud-init.conf",
        "/etc/cron.d",
        "/var/spool/cron/crontabs",
        "/etc/systemd/system/app.service",
    }
    assert by_path["/etc/passwd"].message.startswith(
        "/etc/passwd 0666 root:root → ≤0644, owner root, group root: others can write it; "
        "group root can write it (identity file); also more than the benchmarks ask (low): "
        "/etc/crontab 0644 root:root (≤0600 asked); "
    )
    critical = {p for p, v in by_path.items() if v.severity is Severity.CRITICAL}
    # world-writable identity, sudoers and cron files are critical; units and sshd are high
    assert critical == {"/etc/passwd", "/etc/sudoers.d/README", "/etc/cron.d"}
    assert "owned by bob, who can change it" in by_path["/etc/group"].message
    assert "others can read it (password hashes)" in by_path["/etc/shadow"].message
    assert "group adm" in by_path["/etc/gshadow"].message
    assert "group root can write it" in by_path["/var/spool/cron/crontabs"].message
    assert "≤0440 (0640 tolerated)" in by_path["/etc/sudoers.d/README"].message
    # the low notes ride on the first failure only
    notes = [v.message for v in found if "more than the benchmarks ask (low)" in v.message]
    assert len(notes) == 1 and "/etc/crontab 0644 root:root" in notes[0]
    assert "/etc/ssh/sshd_config 0644" in notes[0]


def test_host_006_unknown_without_root() -> None:
    denied = (1, "", "find: '/etc/sudoers.d': Permission denied\n")
    # nothing readable fails: Unknown, naming the listing
    result = _perms(DEBIAN_STATS, denied, uid=1000)
    assert [type(r) for r in result] == [Unknown]
    assert _reasons(result) == [
        "needs root on fake (run as root, or with --sudo): list /etc/sudoers.d"
    ]
    # a refused stat is dropped from the batch; the rest is still judged
    refused = {**DEBIAN_STATS, "/etc/security/opasswd": DENIED}
    assert "stat /etc/security/opasswd" in _reasons(_perms(refused, uid=1000))[0]
    worse = {**refused, "/etc/shadow": _st("/etc/shadow", 0o644, group="shadow")}
    found = _perms(worse, uid=1000)
    assert _messages(found) and _reasons(found)  # a FAIL never needs root
    # without find, the drop-ins are not known
    assert "not listed" in _reasons(_perms(DEBIAN_STATS, (127, "", "sh: find: not found")))[0]


# -- HOST-007 on a fake host ---------------------------------------------------------------

DEFAULTS = HostOptions()
WALK_A = system_command("", DEFAULTS.system_dirs)
WALK_B = sticky_command("", (*DEFAULTS.sticky_roots, "/tmp", "/var/tmp", "/dev/shm"))


def _walks(a: Any, b: Any, **kw: Any) -> list[Result]:
    return _run(host_007, FakeProbe(commands={WALK_A: a, WALK_B: b}), **kw)


def test_host_007_commands_are_the_rows() -> None:
    assert WALK_A.startswith("find /etc /usr /bin /sbin /lib /lib32 /lib64 /libx32 /boot /opt ")
    assert WALK_A.endswith(
        "-prune -o ! -type l \\( -type f -o -type d ! -perm -1000 \\) -perm -0002 -print"
    )
    assert WALK_B.startswith("find / /tmp /var/tmp /dev/shm -xdev ")
    assert WALK_B.endswith("-type d -perm -0002 ! -perm -1000 -print")
    for excluded in ("/proc", "/sys", "/dev", "/run/user", "/var/lib/docker"):
        assert f"-path {excluded} " in WALK_B


def test_host_007_pass_fail() -> None:
    assert _walks((0, "", ""), (0, "", "")) == []
    missing_dirs = "find: '/lib32': No such file or directory\n"
    found = _walks(
        (1, "/etc/app/config.yml\n/opt/tool/bin/run\n/srv/drop/x\n", missing_dirs),
        (0, "/srv/uploads\n/opt/tool/bin\n/dev/mqueue\n/proc/1/x\n/srv/uploads\n", ""),
        options={"world_writable_allow": ["/opt/tool/*"]},
    )
    assert _messages(found) == [
        "/etc/app/config.yml is world-writable (find -perm -0002)",
        "/srv/drop/x is world-writable (find -perm -0002)",
        "/srv/uploads is a world-writable directory without the sticky bit (find -perm -0002)",
    ]


def test_host_007_unknown() -> None:
    denied = (1, "", "find: '/root': Permission denied\nfind: '/var/lib/x': Permission denied\n")
    result = _walks(denied, (0, "", ""), uid=1000)
    assert _reasons(result) == [
        "needs root on fake (run as root, or with --sudo): 2 directories not readable by find"
    ]
    assert not _messages(result)
    # something found fails anyway
    failing = _walks((1, "/etc/x\n", denied[2]), (0, "", ""), uid=1000)
    assert _messages(failing) and not _reasons(failing)
    assert _reasons(_walks((127, "", "sh: find: not found"), (0, "", ""))) == [
        "find is not available on fake"
    ]
    # a walk past the slow timeout: Unknown, unless the other one found something
    assert "timed out after 300 s" in _reasons(_walks("timeout", (0, "", "")))[0]
    both = _walks("timeout", (0, "/srv/uploads\n", ""))
    assert _messages(both) and "timed out" in _reasons(both)[0]


def test_world_writable_parser_strips_the_root() -> None:
    walk = parse_walk("/t/r/etc/x\n/t/r/dev/shm/y\n/t/r/dev/z\n", "", "/t/r", ())
    assert walk.hits == ("/etc/x", "/dev/shm/y")


# -- HOST-008: the readers --------------------------------------------------------------------


def test_service_env_parsers() -> None:
    units = parse_list_units((DATA / "systemctl_list_units.txt").read_text())
    assert units == ["app.service", "cron.service", "broken.service", "worker.service"]
    env = parse_systemctl_env((DATA / "systemctl_show_env.txt").read_text())
    assert ("app.service", "GREETING", "hello world") in [(e.owner, e.name, e.value) for e in env]
    secrets = {e.name for e in env if secret_kind(e.name, e.value)}
    # placeholders, pointers and settings are no secrets (the DOCKER-006 rules)
    assert secrets == {"DB_PASSWORD", "AWS_ACCESS_KEY_ID"}
    docker = parse_docker_env('/web ["PATH=/usr/bin","GITHUB_TOKEN=ghp_x"]\n/db null\n')
    assert [(e.owner, e.name) for e in docker] == [("web", "PATH"), ("web", "GITHUB_TOKEN")]
    # any name, when the value has a credential's shape
    assert secret_kind("NOTE", "AKIAZ3MQWERTYUPL7XJ4") == "an AWS access key id"


# -- HOST-008 on a fake host ---------------------------------------------------------------

SSHD_T = "hostkey /etc/ssh/ssh_host_ed25519_key\nhostkey /etc/ssh/ssh_host_rsa_key\nport 22\n"
NGINX = "http {\n  include /etc/nginx/sites-enabled/*;\n}\n"
SITE = (
    "server {\n  listen 443 ssl;\n  ssl_certificate_key /etc/ssl/private/site.key;\n"
    "  ssl_certificate /etc/ssl/certs/site.pem;\n}\n"
)
LIST_UNITS = "systemctl list-units --type=service --all --no-legend --plain"
SHOW = "systemctl show -p Id -p Environment app.service"
KEYS_OK = {
    s.path: s
    for s in (
        _st("/etc/ssh/ssh_host_ed25519_key", 0o600),
        _st("/etc/ssh/ssh_host_rsa_key", 0o640, group="ssh_keys"),  # RHEL passes
        _st("/etc/ssl/private/site.key", 0o640, group="ssl-cert"),
        _st("/srv/app/.env", 0o600),
    )
}


def _secrets(
    stats: Mapping[str, object],
    outputs: Mapping[str, Any] | None = None,
    files: Mapping[str, object] | None = None,
    **kw: Any,
) -> list[Result]:
    commands = {
        "sshd -T": (0, SSHD_T, ""),
        "ls -1A -- /etc/nginx/sites-enabled/": (0, "site\n", ""),  # HOST-018's reader
        _ls("/srv/app"): (0, "/srv/app/.env\n/srv/app/main.py\n", ""),
        LIST_UNITS: (0, "app.service loaded active running App\n", ""),
        SHOW: (0, "Id=app.service\nEnvironment=PORT=80\n", ""),
        **(outputs or {}),
    }
    probe = FakeProbe(
        {"/etc/nginx/nginx.conf": NGINX, "/etc/nginx/sites-enabled/site": SITE, **(files or {})},
        stats,
        commands,
    )
    kw.setdefault("commands", ["sshd", "systemctl", "find"])
    kw.setdefault("options", {"secret_files": ["/srv/app/.env*"]})
    return _run(host_008, probe, **kw)


def test_host_008_pass() -> None:
    assert _secrets(KEYS_OK) == []
    # the image profile runs no command that describes the live machine
    probe_outputs = {_ls("/etc/ssh"): (0, "/etc/ssh/ssh_host_ed25519_key\n", "")}
    assert _secrets(KEYS_OK, probe_outputs, profile="image") == []


def test_host_008_fail_keys_and_secret_files() -> None:
    bad = {
        **KEYS_OK,
        "/etc/ssh/ssh_host_ed25519_key": _st("/etc/ssh/ssh_host_ed25519_key", 0o644),
        "/etc/ssh/ssh_host_rsa_key": _st("/etc/ssh/ssh_host_rsa_key", 0o640, group="adm"),
        "/etc/ssl/private/site.key": _st("/etc/ssl/private/site.key", 0o644),
        "/srv/app/.env": _st("/srv/app/.env", 0o640, group="adm"),
    }
    messages = _messages(_secrets(bad))
    assert messages == [
        "ssh host private key /etc/ssh/ssh_host_ed25519_key 0644 root:root → ≤0600 root:root "
        "(or ≤0640 root:ssh_keys): readable or writable by others than root (from sshd -T)",
        "ssh host private key /etc/ssh/ssh_host_rsa_key 0640 root:adm → ≤0600 root:root "
        "(or ≤0640 root:ssh_keys): readable or writable by others than root (group adm) "
        "(from sshd -T)",
        "/etc/ssl/private/site.key 0644 root:root → no access for others, group in root, "
        "ssl-cert, ssh_keys: others can read it (named by ssl_certificate_key "
        "(/etc/nginx/sites-enabled/site:3))",
        "/srv/app/.env 0640 root:adm → no access for others, group in root, ssl-cert, "
        "ssh_keys: group adm can read it (named by host.secret_files)",
    ]
    # without sshd -T (not root), the usual key names in /etc/ssh
    fallback = _secrets(
        bad,
        {
            "sshd -T": (1, "", "sshd: no hostkeys available -- exiting.\n"),
            _ls("/etc/ssh"): (0, "/etc/ssh/ssh_host_ed25519_key\n/etc/ssh/moduli\n", ""),
        },
    )
    assert "(from /etc/ssh/ssh_host_*_key)" in _messages(fallback)[0]


def test_host_008_fail_service_environment_masked() -> None:
    show = (0, (DATA / "systemctl_show_env.txt").read_text(), "")
    units = (0, (DATA / "systemctl_list_units.txt").read_text(), "")
    command = (
        "systemctl show -p Id -p Environment app.service cron.service broken.service worker.service"
    )
    docker_ps = (0, "f00d\n", "")
    inspect = "docker inspect --format '{{.Name}} {{json .Config.Env}}' f00d"
    env = '/web ["POSTGRES_PASSWORD=hunter2hunter2","POSTGRES_USER=app"]\n'
    found = _secrets(
        KEYS_OK,
        {LIST_UNITS: units, command: show, "docker ps -q": docker_ps, inspect: (0, env, "")},
        commands=["sshd", "systemctl", "docker"],
    )
    violations = [r for r in found if isinstance(r, Violation)]
    text = "\n".join(v.message for v in violations)
    assert "systemd unit app.service sets DB_PASSWORD=" in text
    assert "worker.service sets AWS_ACCESS_KEY_ID=" in text
    assert "container web sets POSTGRES_PASSWORD=" in text
    assert "Sup3rS3cretValue" not in text and "hunter2" not in text  # masked
    assert {v.secret for v in violations} == {
        "Sup3rS3cretValue!",
        "AKIAIOSFODNN7EXAMPLE",
        "hunter2hunter2",
    }


def test_host_008_unknown() -> None:
    # not root: the key directory cannot be stat'ed
    refused = {**KEYS_OK, "/etc/ssl/private/site.key": DENIED}
    result = _secrets(refused, uid=1000)
    assert [type(r) for r in result] == [Unknown]
    assert "stat /etc/ssl/private/site.key" in _reasons(result)[0]
    # the readable part still fails
    worse = {**refused, "/srv/app/.env": _st("/srv/app/.env", 0o644)}
    assert _messages(_secrets(worse, uid=1000)) and _reasons(_secrets(worse, uid=1000))
    # the docker CLI refuses a user outside the docker group
    denied = (1, "", "permission denied while trying to connect to the Docker daemon socket")
    result = _secrets(KEYS_OK, {"docker ps -q": denied}, uid=1000, commands=["docker", "sshd"])
    assert "membership of the docker group" in _reasons(result)[0]
    # no daemon: no running container, nothing to judge (a pass, not an Unknown)
    stopped = (
        1,
        "",
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?",
    )
    assert _secrets(KEYS_OK, {"docker ps -q": stopped}, commands=["docker", "sshd"]) == []
    # an unreadable web-server configuration
    result = _secrets(KEYS_OK, files={"/etc/nginx/sites-enabled/site": DENIED})
    assert "read /etc/nginx/sites-enabled/site" in _reasons(result)[0]


# -- through pytest and testinfra's local backend, over a tree -------------------------------


def _tree(pytester: pytest.Pytester, extra: str = "") -> Path:
    pytest.importorskip("testinfra")
    root = pytester.path / "root"
    (root / "etc").mkdir(parents=True)
    pytester.makefile(".toml", pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\n' + extra)
    return root


def _put(root: Path, rel: str, text: str, mode: int, uid: int = 0, gid: int = 0) -> Path:
    path = root / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    if os.getuid() == 0:
        os.chown(path, uid, gid)
    return path


def _policy_run(pytester: pytest.Pytester, policy_id: str) -> pytest.RunResult:
    return pytester.runpytest(
        *BASE, "--devops-policy-hosts=local://", f"--devops-policy-select={policy_id}", "-rs"
    )


def test_host_005_through_local_tree(pytester: pytest.Pytester) -> None:
    root = _tree(pytester)
    _put(root, "etc/group", GROUP, 0o644)
    _put(root, "etc/sudoers", "root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n", 0o440)
    cloud = _put(
        root, "etc/sudoers.d/90-cloud-init-users", "ubuntu ALL=(ALL) NOPASSWD:ALL\n", 0o440
    )
    _put(root, "etc/sudoers.d/README", "# read me\n", 0o440)
    result = _policy_run(pytester, "HOST-005")
    result.assert_outcomes(passed=1, failed=1)  # CONNECT, HOST-005
    result.stdout.fnmatch_lines(
        [
            "*HOST-005 sudo-no-passwordless-root [[]high[]]: ubuntu may run ALL commands as "
            "(ALL) without a password (/etc/sudoers.d/90-cloud-init-users:1: NOPASSWD ALL)*"
        ]
    )
    cloud.write_text("ubuntu ALL=(ALL) NOPASSWD: /usr/bin/systemctl restart app.service\n")
    _policy_run(pytester, "HOST-005").assert_outcomes(passed=2)
    # no sudoers in the tree: sudo is not installed there
    (root / "etc/sudoers").unlink()
    result = _policy_run(pytester, "HOST-005")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*N/A: sudo is not installed on local*"])


def test_host_006_through_local_tree(pytester: pytest.Pytester) -> None:
    root = _tree(pytester)
    passwd = _put(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0o644)
    shadow = _put(root, "etc/shadow", "root:*:19000::::::\n", 0o640)
    _put(root, "etc/sudoers", "root ALL=(ALL) ALL\n", 0o440)
    drop_in = _put(root, "etc/sudoers.d/ops", "ops ALL=(ALL) ALL\n", 0o440)
    _put(root, "etc/crontab", "", 0o644)  # more than CIS asks: a note, no failure
    (root / "etc/cron.d").mkdir(mode=0o755)
    result = _policy_run(pytester, "HOST-006")
    result.assert_outcomes(passed=2)
    shadow.chmod(0o644)
    drop_in.chmod(0o666)
    if os.getuid() == 0:
        os.chown(passwd, 4242, 0)
    result = _policy_run(pytester, "HOST-006")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert (
        "/etc/shadow 0644 root:root → ≤0640, owner root, group root or shadow: others can " in out
    )
    assert "/etc/sudoers.d/ops 0666 root:root" in out and "others can write it" in out
    assert "[critical]" in out  # a world-writable sudoers file
    if os.getuid() == 0:
        assert "/etc/passwd 0644 " in out and "who can change it" in out


def test_host_007_through_local_tree(pytester: pytest.Pytester) -> None:
    # with a root, the walks start under it: system_dirs = /etc is <root>/etc
    root = _tree(pytester, 'system_dirs = ["/etc"]\n')
    _put(root, "etc/app.conf", "x = 1\n", 0o644)
    tmp = root / "tmp"
    tmp.mkdir()
    tmp.chmod(0o1777)  # sticky: passes
    result = _policy_run(pytester, "HOST-007")
    result.assert_outcomes(passed=2)
    (root / "etc/app.conf").chmod(0o666)
    drop = root / "srv/drop"
    drop.mkdir(parents=True)
    drop.chmod(0o777)
    result = _policy_run(pytester, "HOST-007")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*/etc/app.conf is world-writable (find -perm -0002)*"])
    out = result.stdout.str()
    assert "/srv/drop is a world-writable directory without the sticky bit" in out
    assert f"{root}/" not in out  # logical paths, without the root
    (pytester.path / "pyproject.toml").write_text(
        f'[tool.devops-policy.host]\nroot = "{root}"\nsystem_dirs = ["/etc"]\n'
        'world_writable_allow = ["/etc/app.conf", "/srv/*"]\n'
    )
    _policy_run(pytester, "HOST-007").assert_outcomes(passed=2)


def test_host_008_through_local_tree(pytester: pytest.Pytester) -> None:
    root = _tree(pytester, 'secret_files = ["/srv/app/.env"]\n')
    key = _put(root, "etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n", 0o600)
    _put(root, "etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAA\n", 0o644)
    _put(root, "etc/nginx/nginx.conf", "http { include sites/*.conf; }\n", 0o644)
    _put(
        root,
        "etc/nginx/sites/a.conf",
        "server { ssl_certificate a.pem; ssl_certificate_key keys/a.key; }\n",
        0o644,
    )
    tls = _put(root, "etc/nginx/keys/a.key", "-----BEGIN PRIVATE KEY-----\n", 0o600)
    _put(root, "srv/app/.env", "DB_PASSWORD=x\n", 0o600)
    _policy_run(pytester, "HOST-008").assert_outcomes(passed=2)
    key.chmod(0o644)
    tls.chmod(0o604)
    result = _policy_run(pytester, "HOST-008")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert f"{root}/" not in out
    assert "ssh host private key /etc/ssh/ssh_host_ed25519_key 0644" in out
    assert "/etc/nginx/keys/a.key 0604" in out and "(/etc/nginx/sites/a.conf:1)" in out
