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

from pytest_devops_policy.api import NotApplicable, Unknown, Violation
from pytest_devops_policy.knowledge.host.sudoers import (
    expand,
    parse,
    parse_doas,
    runas_includes_root,
    shell_like,
)
from pytest_devops_policy.options.host import HostOptions
from pytest_devops_policy.policies.host.host_005_sudo_no_passwordless_root import (
    sudo_no_passwordless_root as host_005,
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
