"""HOST-001/002/003 (sshd): the sshd -T and config-file parsers, the policies on a fake host
for every case of their catalog rows, and two runs through pytest and testinfra's local
backend (an sshd shim on PATH; a tree under host.root)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from host_fake import DENIED, FakeProbe, fake_host
from host_shims import make_shim

from pytest_devops_policy.api import NotApplicable, Severity, Unknown, Violation
from pytest_devops_policy.hosts.probe import TimedOut
from pytest_devops_policy.knowledge.host import sshd
from pytest_devops_policy.policies.host.host_001_ssh_root_login_disabled import (
    ssh_root_login_disabled as host_001,
)
from pytest_devops_policy.policies.host.host_002_ssh_password_auth_disabled import (
    ssh_password_auth_disabled as host_002,
)
from pytest_devops_policy.policies.host.host_003_ssh_hardened_options import (
    ssh_hardened_options as host_003,
)

DATA = Path(__file__).parent / "data" / "host" / "sshd"
DEBIAN_T = (DATA / "debian12-sshd-T.txt").read_text()
NO_HOSTKEYS = (1, "", "sshd: no hostkeys available -- exiting.\n")
BROKEN = (
    255,
    "",
    "/etc/ssh/sshd_config line 3: Bad configuration option: PermitRootLogn\n"
    "/etc/ssh/sshd_config: terminating, 1 bad configuration options\n",
)


def tree(name: str) -> dict[str, str | bytes | object]:
    """A golden tree's files as the fake host shows them (``/etc/ssh/...``)."""
    base = DATA / name
    return {
        "/" + str(p.relative_to(base)): p.read_text()
        for p in sorted(base.rglob("*"))
        if p.is_file()
    }


def t_output(**changes: str) -> str:
    """The stock Debian 12 ``sshd -T`` output with some keywords changed."""
    lines = []
    for line in DEBIAN_T.splitlines():
        key = line.split(" ", 1)[0]
        lines.append(f"{key} {changes.pop(key)}" if key in changes else line)
    lines += [f"{k} {v}" for k, v in changes.items()]
    return "\n".join(lines) + "\n"


HARDENED_T = t_output(
    permitrootlogin="no",
    passwordauthentication="no",
    x11forwarding="no",
    maxauthtries="4",
    logingracetime="60",
    macs="hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com",
)


def run(policy: Any, files: dict[str, Any], outputs: dict[str, Any] | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    """The policy on a fake host with these files and command outputs (``commands``: the
    commands that exist, sshd by default)."""
    kw.setdefault("commands", ["sshd"])
    probe = FakeProbe(files, commands=outputs or {})
    results = list(policy(fake_host(probe, **kw)))
    return results, probe


def violations(results: list[Any]) -> list[Violation]:
    return [r for r in results if isinstance(r, Violation)]


def unknowns(results: list[Any]) -> list[str]:
    return [r.reason for r in results if type(r) is Unknown]


# -- parsers --------------------------------------------------------------------------------


def test_sshd_t_golden_debian12() -> None:
    parsed = sshd.parse_sshd_t(DEBIAN_T)
    assert parsed["permitrootlogin"] == ["without-password"]
    assert parsed["passwordauthentication"] == ["yes"]
    assert parsed["kbdinteractiveauthentication"] == ["no"]
    assert parsed["usepam"] == ["yes"] and parsed["x11forwarding"] == ["yes"]
    assert len(parsed["hostkey"]) == 3 and parsed["acceptenv"] == ["LANG", "LC_*"]
    macs = parsed["macs"][0].split(",")
    assert sshd.weak_algorithms(macs, ["umac-64*", "hmac-sha1*"]) == [
        "umac-64-etm@openssh.com",
        "hmac-sha1-etm@openssh.com",
        "umac-64@openssh.com",
        "hmac-sha1",
    ]
    # the compile defaults the fallback parser assumes agree with a real 9.2
    for key in ("ciphers", "macs", "kexalgorithms", "hostkeyalgorithms"):
        assert tuple(parsed[key][0].split(",")) == sshd.default_algorithms(key, (9, 2)), key
    for key in ("permitrootlogin", "maxauthtries", "logingracetime", "permitemptypasswords"):
        assert parsed[key] == [sshd.DEFAULTS[key]], key


def _read(files: dict[str, Any]):  # type: ignore[no-untyped-def]
    def read(path: str) -> str | None:
        value = files.get(path)
        if value is DENIED:
            from pytest_devops_policy.hosts.probe import NeedsRoot

            raise NeedsRoot(f"read {path}")
        return value  # type: ignore[no-any-return]

    return read


def _glob(files: dict[str, Any]):  # type: ignore[no-untyped-def]
    import fnmatch

    def glob(pattern: str) -> list[str]:
        return sorted(
            p
            for p in files
            if fnmatch.fnmatchcase(p, pattern)
            and not os.path.basename(p).startswith(".")
            and p.count("/") == pattern.count("/")
        )

    return glob


def test_fallback_parser_includes_order_first_value_and_match_scoping() -> None:
    files = tree("tree")
    ds = sshd.read_config("/etc/ssh/sshd_config", _read(files), _glob(files))
    default = sshd.resolve(ds, None)
    # relative Include under /etc/ssh, drop-ins in lexical order; the first value wins
    prl = default["permitrootlogin"][0]
    assert (prl.value, prl.file, prl.line) == (
        "without-password",  # prohibit-password, as sshd -T prints it
        "/etc/ssh/sshd_config.d/10-hardening.conf",
        1,
    )
    assert default["passwordauthentication"][0].file.endswith("50-cloud-init.conf")
    # ChallengeResponseAuthentication is the old name of KbdInteractiveAuthentication
    kbd = default["kbdinteractiveauthentication"][0]
    assert (kbd.value, kbd.line) == ("no", 2)
    # keywords are case-insensitive, Keyword=value works, multi-value keywords add up
    assert [s.value for s in default["port"]] == ["22", "2222"]
    assert default["macs"][0].value == "-umac-64*,hmac-sha1*"  # the comment is dropped
    # the Match in 50-cloud-init.conf ends with its file: no effect outside Match contexts
    assert not any(d.file.endswith(("README", ".hidden.conf")) for d in ds)
    # Match all applies without a connection too (LoginGraceTime 2m = 120 s)
    assert default["logingracetime"][0].value == "120"
    assert default["x11forwarding"][0].value == "no"
    deploy = sshd.ConnInfo("deploy", "probe.invalid", "192.0.2.1")
    in_match = sshd.resolve(ds, deploy)
    assert in_match["passwordauthentication"][0].line == 13
    assert in_match["x11forwarding"][0].value == "yes"
    # an Include inside a Match block belongs to the block
    inside = sshd.resolve(ds, sshd.ConnInfo("root", "h", "10.1.2.3"))
    assert inside["permitrootlogin"][0].file == "/etc/ssh/match.d/root.conf"
    excluded = sshd.resolve(ds, sshd.ConnInfo("root", "h", "10.9.9.9"))
    assert excluded["permitrootlogin"][0].value == "without-password"
    backup = sshd.resolve(ds, sshd.ConnInfo("backup", "h", "192.0.2.1"))
    assert backup["permitrootlogin"][0].line == 4  # a Match value beats the global one


def test_tokens_quotes_comments_and_equals() -> None:
    files = {
        "/etc/ssh/sshd_config": (
            'AuthorizedKeysFile ".ssh/authorized keys" # a comment\n'
            "  PERMITROOTLOGIN   =   No\n"
            "# PasswordAuthentication no\n"
            "PasswordAuthentication=yes\n"
        )
    }
    ds = sshd.read_config("/etc/ssh/sshd_config", _read(files), _glob(files))
    assert [(d.keyword, d.args) for d in ds] == [
        ("authorizedkeysfile", (".ssh/authorized keys",)),
        ("permitrootlogin", ("No",)),
        ("passwordauthentication", ("yes",)),
    ]
    assert sshd.resolve(ds, None)["permitrootlogin"][0].value == "no"


def test_unreadable_include_is_a_hole() -> None:
    files: dict[str, Any] = {
        "/etc/ssh/sshd_config": "PermitRootLogin yes\nInclude /etc/ssh/sshd_config.d/*.conf\n"
        "PasswordAuthentication no\n",
        "/etc/ssh/sshd_config.d/50-cloud-init.conf": DENIED,
    }
    ds = sshd.read_config("/etc/ssh/sshd_config", _read(files), _glob(files))
    settings = sshd.resolve(ds, None)
    assert settings["permitrootlogin"][0].value == "yes"  # before the hole: certain
    pw = settings["passwordauthentication"][0]
    assert pw.unknown == "read /etc/ssh/sshd_config.d/50-cloud-init.conf"
    assert settings["x11forwarding"][0].unknown  # unset after a hole: unknown too


def test_algorithm_modifiers() -> None:
    default = sshd.default_algorithms("macs", (9, 2))
    assert sshd.default_algorithms("macs", (8, 4)) is None
    assert sshd.algorithm_list("hmac-sha2-256,hmac-sha1", None) == (
        ["hmac-sha2-256", "hmac-sha1"],
        False,
    )
    assert sshd.algorithm_list("+hmac-md5", None) == (None, True)
    added, _ = sshd.algorithm_list("+hmac-md5", default)
    assert added is not None and added[-1] == "hmac-md5" and len(added) == 11
    removed, _ = sshd.algorithm_list("-umac-64*,hmac-sha1*", default)
    assert removed is not None and not sshd.weak_algorithms(removed, ["umac-64*", "hmac-sha1*"])
    first, _ = sshd.algorithm_list("^hmac-sha2-512", default)
    assert first is not None and first[0] == "hmac-sha2-512" and len(first) == 10
    assert sshd.seconds("1h30m") == 5400 and sshd.seconds("2m") == 120
    assert sshd.seconds("90") == 90 and sshd.seconds("soon") is None
    assert sshd.parse_version("unknown option -- V\nOpenSSH_9.2p1 Debian-2+deb12u3") == (9, 2)


def test_match_probe_contexts() -> None:
    files = {
        "/etc/ssh/sshd_config": (
            "Match User deploy,!root\n X11Forwarding yes\n"
            "Match Group admins\n X11Forwarding yes\n"
            "Match Address 10.0.0.0/8 LocalPort 2222\n X11Forwarding yes\n"
            "Match Host *.example.com\n X11Forwarding yes\n"
            "Match User !root\n X11Forwarding yes\n"
        )
    }
    ds = sshd.read_config("/etc/ssh/sshd_config", _read(files), _glob(files))
    members = {"admins": ("alice",)}
    found = sshd.match_contexts(
        ds,
        probe_address="192.0.2.1",
        groups_of=lambda u: ("admins",) if u == "alice" else (),
        members_of=lambda g: members.get(g, ()),
    )
    specs = [c.spec for _, c in found]
    assert specs == [
        "user=deploy,host=probe.invalid,addr=192.0.2.1",
        "user=alice,host=probe.invalid,addr=192.0.2.1",
        "user=probe-user,host=probe.invalid,addr=10.0.0.1,lport=2222",
        "user=probe-user,host=probe.example.com,addr=192.0.2.1",
    ]  # "Match User !root" gives probe-user again: one context
    as_root = sshd.match_contexts(ds, probe_address="192.0.2.1", user="root")
    assert [c.spec for _, c in as_root] == [
        "user=root,host=probe.invalid,addr=10.0.0.1,lport=2222",
        "user=root,host=probe.example.com,addr=192.0.2.1",
    ]


# -- HOST-001 -------------------------------------------------------------------------------


def test_host_001_debian_stock_passes() -> None:
    results, probe = run(host_001, tree("debian12"), {"sshd -T": (0, DEBIAN_T, "")})
    assert results == [] and probe.ran == ["sshd -T"]


def test_host_001_fails_in_a_match_context_for_root() -> None:
    files = {
        "/etc/ssh/sshd_config": "PermitRootLogin no\nMatch User deploy\n  PermitRootLogin yes\n"
        "Match Address 10.0.0.0/8\n  PermitRootLogin yes\n"
    }
    commands = {
        "sshd -T": (0, t_output(permitrootlogin="no"), ""),
        "sshd -T -C user=root,host=probe.invalid,addr=10.0.0.1": (
            0,
            t_output(permitrootlogin="yes"),
            "",
        ),
    }
    results, probe = run(host_001, files, commands)
    # the Match User deploy block cannot apply to root: no context for it
    assert probe.ran == ["sshd -T", "sshd -T -C user=root,host=probe.invalid,addr=10.0.0.1"]
    [v] = violations(results)
    assert v.message.startswith(
        "root can log in over ssh: Match Address 10.0.0.0/8 (/etc/ssh/sshd_config:4), "
        "sshd -T -C user=root,host=probe.invalid,addr=10.0.0.1: "
        "PermitRootLogin yes (/etc/ssh/sshd_config:5); passwords are accepted there too: "
        "PasswordAuthentication yes"
    )
    assert v.severity is Severity.CRITICAL and v.line == 5


def test_host_001_yes_without_passwords_is_high_and_strict_profile() -> None:
    commands = {"sshd -T": (0, t_output(permitrootlogin="yes", passwordauthentication="no"), "")}
    [v] = violations(run(host_001, {"/etc/ssh/sshd_config": "UsePAM yes\n"}, commands)[0])
    assert v.severity is None and "PermitRootLogin yes (set outside the config files" in v.message
    # no config file to read: sshd -T is the only evidence
    [v] = violations(run(host_001, {}, commands)[0])
    assert v.message.endswith("default context (sshd -T): PermitRootLogin yes (sshd -T)")
    strict = {"ssh": {"root_login_allowed": ["no"]}}
    [v] = violations(
        run(host_001, tree("debian12"), {"sshd -T": (0, DEBIAN_T, "")}, options=strict)[0]
    )
    assert "PermitRootLogin without-password (sshd -T, no line in the config files)" in v.message
    # prohibit-password and without-password are one value
    alias = {"ssh": {"root_login_allowed": ["no", "prohibit-password"]}}
    assert run(host_001, {}, {"sshd -T": (0, DEBIAN_T, "")}, options=alias)[0] == []


def test_broken_configuration() -> None:
    files = {"/etc/ssh/sshd_config": "PermitRootLogn no\n"}
    [v] = run(host_001, files, {"sshd -T": BROKEN})[0]
    assert isinstance(v, Violation)
    assert v.message == (
        "sshd configuration does not parse; the next restart will fail: /etc/ssh/sshd_config "
        "line 3: Bad configuration option: PermitRootLogn (sshd -T)"
    )
    for policy in (host_002, host_003):
        [u] = run(policy, files, {"sshd -T": BROKEN})[0]
        assert type(u) is Unknown and "does not parse" in u.reason


def test_not_root_falls_back_to_the_files() -> None:
    files = tree("debian12")
    files["/etc/ssh/sshd_config.d/50-cloud-init.conf"] = "PermitRootLogin yes\n"
    results, probe = run(host_001, files, {"sshd -T": NO_HOSTKEYS}, uid=1000)
    [v] = violations(results)
    assert "default context (the config files): PermitRootLogin yes " in v.message
    assert "(/etc/ssh/sshd_config.d/50-cloud-init.conf:1)" in v.message
    assert probe.ran == ["sshd -T"]


def test_other_sshd_t_failures_fall_back() -> None:
    privsep = (255, "", "Missing privilege separation directory: /run/sshd\n")
    results, probe = run(host_002, tree("debian12"), {"sshd -T": privsep})
    [v] = violations(results)
    assert "default context (the config files): PasswordAuthentication yes (compile default)" in (
        v.message
    )
    assert probe.ran == ["sshd -T"]


def test_not_root_and_an_unreadable_include_is_unknown() -> None:
    files = tree("debian12")
    files["/etc/ssh/sshd_config.d/50-cloud-init.conf"] = DENIED
    for policy in (host_001, host_002):
        results, _ = run(policy, files, {"sshd -T": NO_HOSTKEYS}, uid=1000)
        [reason] = unknowns(results)
        assert reason.startswith(
            "needs root on fake (run as root, or with --sudo): read "
            "/etc/ssh/sshd_config.d/50-cloud-init.conf"
        )
    # the main file unreadable: nothing can be told
    results, _ = run(host_001, {"/etc/ssh/sshd_config": DENIED}, {"sshd -T": NO_HOSTKEYS}, uid=1000)
    assert unknowns(results) == [
        "needs root on fake (run as root, or with --sudo): read /etc/ssh/sshd_config "
        "(sshd -T failed: sshd: no hostkeys available -- exiting.)"
    ]
    # a FAIL needs no root: the winning line comes before the unreadable Include
    files = {
        "/etc/ssh/sshd_config": "PermitRootLogin yes\nInclude /etc/ssh/sshd_config.d/*.conf\n",
        "/etc/ssh/sshd_config.d/x.conf": DENIED,
    }
    assert violations(run(host_001, files, {"sshd -T": NO_HOSTKEYS}, uid=1000)[0])


def test_sshd_not_installed_is_not_applicable() -> None:
    for policy in (host_001, host_002, host_003):
        [na] = run(policy, {}, commands=[])[0]
        assert isinstance(na, NotApplicable) and "sshd is not installed on fake" in na.reason
        [na] = run(policy, {}, profile="image")[0]
        assert isinstance(na, NotApplicable) and "image profile" in na.reason


def test_image_profile_reads_the_files_only() -> None:
    results, probe = run(host_001, tree("tree"), {"sshd -T": (0, HARDENED_T, "")}, profile="image")
    assert probe.ran == []  # no command describes a tree
    [v] = violations(results)
    assert v.message.startswith(
        "root can log in over ssh: Match Address 10.0.0.0/8,!10.9.9.9 "
        "(/etc/ssh/sshd_config:16), the config files: PermitRootLogin yes "
        "(/etc/ssh/match.d/root.conf:1); passwords are accepted there too"
    )


def test_timeout_propagates_as_unknown_for_the_item() -> None:
    with pytest.raises(TimedOut):
        run(host_001, tree("debian12"), {"sshd -T": "timeout"})


# -- HOST-002 -------------------------------------------------------------------------------


def test_host_002_debian_stock_fails_on_the_compile_default() -> None:
    results, _ = run(host_002, tree("debian12"), {"sshd -T": (0, DEBIAN_T, "")})
    [v] = violations(results)
    assert v.message == (
        "password logins are accepted: default context (sshd -T): PasswordAuthentication yes "
        "(sshd -T, no line in the config files)"
    )


def test_host_002_match_user_context() -> None:
    files = {
        "/etc/ssh/sshd_config": "PasswordAuthentication no\n\nMatch User deploy\n"
        "    PasswordAuthentication yes\n"
    }
    commands = {
        "sshd -T": (0, HARDENED_T, ""),
        "sshd -T -C user=deploy,host=probe.invalid,addr=192.0.2.1": (0, DEBIAN_T, ""),
    }
    [v] = violations(run(host_002, files, commands)[0])
    assert v.message == (
        "password logins are accepted: Match User deploy (/etc/ssh/sshd_config:3), sshd -T -C "
        "user=deploy,host=probe.invalid,addr=192.0.2.1: PasswordAuthentication yes "
        "(/etc/ssh/sshd_config:4)"
    )


@pytest.mark.parametrize(
    ("changes", "fails"),
    [
        ({}, False),
        ({"authenticationmethods": "publickey"}, False),
        ({"passwordauthentication": "yes", "authenticationmethods": "publickey,password"}, False),
        ({"passwordauthentication": "yes", "authenticationmethods": "publickey password"}, True),
        ({"kbdinteractiveauthentication": "yes"}, True),
        ({"kbdinteractiveauthentication": "yes", "usepam": "no"}, False),
        ({"permitemptypasswords": "yes"}, True),
    ],
)
def test_host_002_rules(changes: dict[str, str], fails: bool) -> None:
    output = t_output(**{"passwordauthentication": "no", **changes})
    results, _ = run(host_002, {}, {"sshd -T": (0, output, "")})
    assert bool(violations(results)) is fails
    if "permitemptypasswords" in changes:
        [v] = violations(results)
        assert v.severity is Severity.CRITICAL and "empty password" in v.message


def test_host_002_fallback_alias_and_disagreement() -> None:
    files = {
        "/etc/ssh/sshd_config": "PasswordAuthentication no\nChallengeResponseAuthentication yes\n"
        "UsePAM yes\n"
    }
    [v] = violations(run(host_002, files, {}, commands=[])[0])
    assert "ChallengeResponseAuthentication yes (/etc/ssh/sshd_config:2)" in v.message
    assert "UsePAM yes (/etc/ssh/sshd_config:3)" in v.message
    # sshd -T disagrees with the files: it wins, and says where the value is not
    commands = {"sshd -T": (0, t_output(passwordauthentication="yes"), "")}
    [v] = violations(
        run(host_002, {"/etc/ssh/sshd_config": "PasswordAuthentication no\n"}, commands)[0]
    )
    assert "PasswordAuthentication yes (set outside the config files (command line or crypto" in (
        v.message
    )


# -- HOST-003 -------------------------------------------------------------------------------


def test_host_003_debian_stock_fails() -> None:
    results, _ = run(host_003, tree("debian12"), {"sshd -T": (0, DEBIAN_T, "")})
    messages = [v.message for v in violations(results)]
    assert len(messages) == 4 and not unknowns(results)
    assert messages[0].startswith("6 password or key attempts per connection, more than 4")
    assert "120 s, more than 60 s" in messages[1]
    assert "X11Forwarding yes (/etc/ssh/sshd_config:19)" in messages[2]
    assert messages[3].startswith(
        "sshd offers weak MACs: umac-64-etm@openssh.com, hmac-sha1-etm@openssh.com, "
        "umac-64@openssh.com, hmac-sha1 (host.ssh.weak_macs)"
    )


def test_host_003_hardened_passes_and_knobs() -> None:
    assert run(host_003, {}, {"sshd -T": (0, HARDENED_T, "")})[0] == []
    loose = {"ssh": {"max_auth_tries": 6, "max_login_grace": 120, "weak_macs": ["hmac-md5*"]}}
    output = t_output(x11forwarding="no")
    assert run(host_003, {}, {"sshd -T": (0, output, "")}, options=loose)[0] == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"logingracetime": "0"}, "may stay no limit"),
        ({"permituserenvironment": "yes"}, "~/.ssh/environment"),
        ({"hostbasedauthentication": "yes"}, "host-based trust"),
        ({"ignorerhosts": "no"}, ".rhosts"),
        ({"ciphers": "aes128-ctr,aes256-cbc"}, "weak Ciphers: aes256-cbc"),
        ({"kexalgorithms": "curve25519-sha256,diffie-hellman-group14-sha1"}, "weak KexAlg"),
        ({"hostkeyalgorithms": "ssh-ed25519,ssh-rsa"}, "weak HostKeyAlgorithms: ssh-rsa"),
    ],
)
def test_host_003_each_check(changes: dict[str, str], expected: str) -> None:
    output = HARDENED_T + "".join(f"{k} {v}\n" for k, v in changes.items())
    # sshd -T has one line per keyword: drop the hardened one
    lines = [ln for ln in output.splitlines() if ln.split(" ")[0] not in changes]
    lines += [f"{k} {v}" for k, v in changes.items()]
    [v] = violations(run(host_003, {}, {"sshd -T": (0, "\n".join(lines), "")})[0])
    assert expected in v.message


def test_host_003_x11_in_a_match_context() -> None:
    files = {"/etc/ssh/sshd_config": "X11Forwarding no\nMatch User dev\n  X11Forwarding yes\n"}
    commands = {
        "sshd -T": (0, HARDENED_T, ""),
        "sshd -T -C user=dev,host=probe.invalid,addr=192.0.2.1": (
            0,
            HARDENED_T.replace("x11forwarding no", "x11forwarding yes"),
            "",
        ),
    }
    [v] = violations(run(host_003, files, commands)[0])
    assert "Match User dev (/etc/ssh/sshd_config:2)" in v.message
    assert "X11Forwarding yes (/etc/ssh/sshd_config:3)" in v.message


def test_host_003_fallback_algorithms() -> None:
    hardened = (
        "MaxAuthTries 3\nLoginGraceTime 30\nX11Forwarding no\n"
        "Ciphers aes256-gcm@openssh.com\nKexAlgorithms curve25519-sha256\n"
        "HostKeyAlgorithms ssh-ed25519\n"
    )
    files = {"/etc/ssh/sshd_config": hardened + "MACs -umac-64*,hmac-sha1*\n"}
    # a modifier with a known version (sshd -V): judged on 9.2's default list
    version = {"sshd -T": NO_HOSTKEYS, "sshd -V": (1, "", "OpenSSH_9.2p1 Debian-2+deb12u3")}
    assert run(host_003, files, version, uid=1000)[0] == []
    # without a version (the image profile): Unknown
    results, _ = run(host_003, files, profile="image")
    assert unknowns(results) == [
        "MACs: MACs -umac-64*,hmac-sha1* (/etc/ssh/sshd_config:7) modifies OpenSSH's default "
        "list, which is unknown for this version (the image profile reads the files only)"
    ]
    # no MACs line: every release's default offers umac-64 and hmac-sha1
    results, _ = run(host_003, {"/etc/ssh/sshd_config": hardened}, profile="image")
    [v] = violations(results)
    assert "weak MACs" in v.message and "compile default" in v.message
    # no Ciphers line and no version: Unknown
    results, _ = run(host_003, {"/etc/ssh/sshd_config": "MaxAuthTries 3\n"}, profile="image")
    assert any(r.startswith("Ciphers: no line sets it") for r in unknowns(results))
    # RHEL: the crypto policy is invisible to the parser
    results, _ = run(host_003, files, {"sshd -T": NO_HOSTKEYS}, uid=1000, os_id="rocky")
    assert len([r for r in unknowns(results) if "crypto policy" in r]) == 4


# -- through pytest and testinfra's local backend ---------------------------------------------

BASE = (
    "--devops-policy-only",
    "--devops-policy-select=HOST-001,HOST-002,HOST-003",
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
)


def test_sshd_shim_gets_a_match_context_for_root(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("testinfra")
    etc = pytester.path / "etc-ssh"
    etc.mkdir()
    (etc / "sshd_config").write_text(
        "PermitRootLogin prohibit-password\nMatch Address 10.20.0.0/16\n  PermitRootLogin yes\n"
    )
    pytester.makefile(
        ".toml",
        pyproject='[tool.devops-policy.host]\nprofile = "server"\n'
        f'[tool.devops-policy.host.paths]\nsshd_config = "{etc}/sshd_config"\n',
    )
    shims = pytester.path / "shims"
    make_shim(shims, "sshd", stdout=t_output(permitrootlogin="yes"))
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "-rs")
    result.assert_outcomes(passed=1, failed=3)
    log = (shims / "shim.log").read_text().splitlines()
    assert "sshd -T -C user=root,host=probe.invalid,addr=10.20.0.1" in log
    assert "sshd -T" in log
    result.stdout.fnmatch_lines(
        [
            "*HOST-001 ssh-root-login-disabled [[]critical[]]: root can log in over ssh: "
            "default context (sshd -T): PermitRootLogin yes (set outside the config files*",
        ]
    )


def test_image_tree_under_root(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("testinfra")
    import shutil

    root = pytester.path / "root"
    shutil.copytree(DATA / "tree", root)
    pytester.makefile(
        ".toml", pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\nprofile = "image"\n'
    )
    shims = pytester.path / "shims"
    make_shim(shims, "sshd", stdout=HARDENED_T)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "-rs")
    result.assert_outcomes(passed=1, failed=3)
    assert not (shims / "shim.log").exists()  # the image profile runs no sshd
    result.stdout.fnmatch_lines(
        [
            "*HOST-001 ssh-root-login-disabled [[]critical[]]: root can log in over ssh: "
            "Match Address 10.0.0.0/8,!10.9.9.9 (/etc/ssh/sshd_config:16), the config files: "
            "PermitRootLogin yes (/etc/ssh/match.d/root.conf:1)*",
        ]
    )
    out = result.stdout.str()
    assert "PasswordAuthentication yes (/etc/ssh/sshd_config.d/50-cloud-init.conf:1)" in out
    assert "X11Forwarding yes (/etc/ssh/sshd_config:14)" in out


def test_match_group_uses_the_hosts_groups() -> None:
    config = "PermitRootLogin no\nMatch Group wheel\n  PermitRootLogin yes\n"
    spec = "sshd -T -C user=root,host=probe.invalid,addr=192.0.2.1"
    outputs = {"sshd -T": (0, HARDENED_T, ""), spec: (0, t_output(permitrootlogin="yes"), "")}
    files = {"/etc/ssh/sshd_config": config, "/etc/group": "root:x:0:\nwheel:x:10:root,ops\n"}
    results, probe = run(host_001, files, outputs)
    assert probe.ran == ["sshd -T", spec]
    [v] = violations(results)
    assert "Match Group wheel (/etc/ssh/sshd_config:2)" in v.message
    # root is not in wheel: the block cannot apply to root, and HOST-002 probes a member
    files["/etc/group"] = "root:x:0:\nwheel:x:10:ops\n"
    results, probe = run(host_001, files, outputs)
    assert results == [] and probe.ran == ["sshd -T"]
    _, probe = run(host_002, files, {"sshd -T": (0, HARDENED_T, "")})
    assert probe.ran == ["sshd -T", "sshd -T -C user=ops,host=probe.invalid,addr=192.0.2.1"]
