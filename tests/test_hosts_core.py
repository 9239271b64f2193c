"""Live hosts (issue 20): specs and labels, the facts probe, collection without contact, the
CONNECT item, profiles, timeouts, waivers by host label, JUnit, usage errors.

Runs here as CI runs: as root, in a container, without systemd, docker or network. Files
come from a tree under ``host.root``; commands from shims on PATH.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from conftest import parse_junit
from host_fake import DENIED, FakeProbe, fake_host
from host_shims import make_shim

from pytest_devops_policy.api import Unknown, Violation
from pytest_devops_policy.hosts.facts import facts_script, parse_facts
from pytest_devops_policy.hosts.spec import SpecError, parse_specs
from pytest_devops_policy.policies.host.host_004_no_extra_uid0_or_empty_passwords import (
    no_extra_uid0_or_empty_passwords as host_004,
)

pytest.importorskip("testinfra")

BASE = (
    "--devops-policy-only",
    "--devops-policy-ignore=SECRET",
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
)
# The tests that count outcomes judge HOST-004 alone: every other HOST policy adds an item.
ONLY_004 = (*BASE, "--devops-policy-select=HOST-004")
PASSWD_BAD = "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n"
PASSWD_GOOD = "root:x:0:0:root:/root:/bin/bash\nops:x:1001:1001::/home/ops:/bin/bash\n"
SHADOW_GOOD = "root:$y$j9T$abc$def:19000::::::\nops:!:19000::::::\n"


def _tree(
    pytester: pytest.Pytester, passwd: str, shadow: str = SHADOW_GOOD, extra: str = ""
) -> Path:
    root = pytester.path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text(passwd)
    (root / "etc/shadow").write_text(shadow)
    pytester.makefile(
        ".toml",
        pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\nprofile = "server"\n' + extra,
    )
    return root


# -- specs, labels, facts ------------------------------------------------------------------


def test_labels_drop_credentials_and_queries_and_stay_unique() -> None:
    specs = parse_specs(
        [
            "local://",
            "ssh://deploy:hunter2@web1:2222?sudo=true",
            "web2",
            "ssh://[::1]:22",
            "kubectl://pod?namespace=web&container=app",
            "chroot:///srv/img",
            "ssh://web1,ssh://web1",
        ]
    )
    labels = [s.label for s in specs]
    assert labels == [
        "local",
        "ssh://deploy@web1:2222",
        "paramiko://web2",
        "ssh://[0:0:0:0:0:0:0:1]:22",
        "kubectl://web/pod/app",
        "chroot:///srv/img",
        "ssh://web1",
        "ssh://web1~2",
    ]
    assert not any("hunter2" in label or "::" in label for label in labels)
    assert [s.profile for s in specs[:6]] == [
        "auto",
        "server",
        "server",
        "server",
        "container",
        "image",
    ]


@pytest.mark.parametrize("bad", ["ftp://x", "chroot://relative/path", "ssh://", ""])
def test_bad_specs(bad: str) -> None:
    with pytest.raises(SpecError):
        parse_specs([bad] if bad else [" "]) or (_ for _ in ()).throw(SpecError("empty"))


def test_facts_probe_on_this_machine(tmp_path: Path) -> None:
    """The probe is plain sh: run it here and read it back."""
    import subprocess

    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/os-release").write_text(
        'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n'
    )
    out = subprocess.run(
        ["/bin/sh", "-c", facts_script(str(tmp_path))], capture_output=True, text=True, check=True
    ).stdout
    facts = parse_facts(out)
    assert facts.complete and facts.uid == os.getuid()
    assert (facts.os_id, facts.os_version, facts.family) == ("debian", "12", "debian")
    assert facts.init == "none"  # the tree has no run/systemd/system
    assert facts.has("stat") and facts.timeout == "gnu"


def test_facts_families_and_containers() -> None:
    text = (
        'uid=1000\nos.ID=rocky\nos.ID_LIKE="rhel centos fedora"\n'
        "init=systemd\npid1=tini\nprobe=done\n"
    )
    facts = parse_facts(text)
    assert facts.family == "rhel" and not facts.root and facts.in_container
    assert parse_facts("os.ID=flatcar\nprobe=done\n").family == "immutable"
    assert not parse_facts("uid=0\n").complete


# -- HOST-004 on a fake host -----------------------------------------------------------------


def _run(probe: FakeProbe, **kw: object) -> list[Violation | Unknown]:
    return list(host_004(fake_host(probe, **kw)))  # type: ignore[arg-type]


def test_host_004_pass_fail_unknown() -> None:
    good = FakeProbe({"/etc/passwd": PASSWD_GOOD, "/etc/shadow": SHADOW_GOOD})
    assert _run(good) == []
    bad = FakeProbe(
        {
            "/etc/passwd": PASSWD_BAD + "bob::1000:1000::/home/bob:/bin/sh\n+::::::\n",
            "/etc/shadow": (
                "root:$1$salt$hashhashhash:1::::::\nops::1::::::\nlocked:!$6$x$y:1::::::\n"
            ),
        }
    )
    messages = [v.message for v in _run(bad) if isinstance(v, Violation)]
    assert any("'toor' has UID 0 (/etc/passwd:2)" in m for m in messages)
    assert any("'bob' has an empty password field" in m for m in messages)
    assert any("NIS" in m for m in messages)
    assert any("'root' has a MD5 ($1$) password hash $1$…(" in m for m in messages)
    assert any("'ops' has an empty password" in m for m in messages)
    assert not any("locked" in m for m in messages)
    assert not any("hashhashhash" in m for m in messages)  # hashes are never shown
    allowed = _run(
        FakeProbe({"/etc/passwd": PASSWD_BAD, "/etc/shadow": SHADOW_GOOD}),
        options={"accounts": {"uid0_allowed": ["toor"]}},
    )
    assert allowed == []
    unknown = _run(FakeProbe({"/etc/passwd": PASSWD_GOOD, "/etc/shadow": DENIED}), uid=1000)
    assert [type(r) for r in unknown] == [Unknown]
    assert "needs root on fake" in unknown[0].reason  # type: ignore[union-attr]
    # a passwd-side failure fails even when shadow cannot be read
    both = _run(FakeProbe({"/etc/passwd": PASSWD_BAD, "/etc/shadow": DENIED}), uid=1000)
    assert any(isinstance(r, Violation) for r in both)


# -- through pytest and testinfra's local backend ---------------------------------------------


def test_nothing_runs_on_any_host_unless_named(pytester: pytest.Pytester) -> None:
    _tree(pytester, PASSWD_BAD)
    result = pytester.runpytest(*BASE, "--collect-only", "-q")
    assert "host:" not in result.stdout.str()


def test_local_tree_fails_and_passes(pytester: pytest.Pytester) -> None:
    root = _tree(pytester, PASSWD_BAD)
    junit = pytester.path / "j.xml"
    result = pytester.runpytest(
        *ONLY_004,
        "--devops-policy-hosts=local://",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
    )
    result.assert_outcomes(passed=1, failed=1)  # CONNECT, HOST-004
    result.stdout.fnmatch_lines(
        [
            "*HOST-004 no-extra-uid0-or-empty-passwords [[]critical[]]: "
            "account 'toor' has UID 0 (/etc/passwd:2)",
            "  --> host:local",
        ]
    )
    case = parse_junit(junit)["host:local::HOST-004"]
    assert (case.properties["kind"], case.properties["resource"]) == ("host", "local")
    assert case.properties["policy_id"] == "HOST-004" and case.outcome == "failed"
    (root / "etc/passwd").write_text(PASSWD_GOOD)
    result = pytester.runpytest(*ONLY_004, "--devops-policy-hosts=local://")
    result.assert_outcomes(passed=2)


def test_selection_by_id_name_and_deselect(pytester: pytest.Pytester) -> None:
    _tree(pytester, PASSWD_BAD)
    hosts = "--devops-policy-hosts=local://"
    r = pytester.runpytest(*ONLY_004, hosts, "-k", "no-extra-uid0-or-empty-passwords")
    r.assert_outcomes(failed=1)
    r = pytester.runpytest(*ONLY_004, hosts, "--deselect", "host:local::HOST-004")
    r.assert_outcomes(passed=1)
    r = pytester.runpytest(*ONLY_004, hosts, "-m", "host and critical")
    r.assert_outcomes(failed=1)


def test_config_waiver_by_host_label(pytester: pytest.Pytester) -> None:
    waiver = (
        '\n[[tool.devops-policy.waivers]]\npolicy = "HOST-004"\nresource = "loc*"\n'
        'reason = "lab machine"\nowner = "ops"\nexpires = 2999-01-01\n'
    )
    root = pytester.path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text(PASSWD_BAD)
    pytester.makefile(
        ".toml",
        pyproject=f'[tool.devops-policy.host]\nroot = "{root}"\nprofile = "server"\n' + waiver,
    )
    result = pytester.runpytest(*ONLY_004, "--devops-policy-hosts=local://", "-rx")
    result.assert_outcomes(passed=1, xfailed=1)
    result.stdout.fnmatch_lines(['*waived by pyproject.toml:* (reason="lab machine"*'])


def test_unreachable_host_is_one_failure(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(pytester, PASSWD_BAD)
    shims = pytester.path / "shims"
    make_shim(shims, "docker", rc=1, stderr="Error: No such container: nope")
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    result = pytester.runpytest(*ONLY_004, "--devops-policy-hosts=docker://nope", "-rs")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*CONNECT [[]high[]]: cannot run commands on docker://nope: "
            "Error: No such container: nope*",
            "*UNKNOWN: host unreachable (see host:docker://nope::CONNECT)*",
        ]
    )


def test_collection_never_contacts_a_host(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(pytester, PASSWD_BAD)
    shims = pytester.path / "shims"
    make_shim(shims, "docker", rc=1, stderr="Error: No such container: nope")
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    result = pytester.runpytest(
        *BASE, "--devops-policy-hosts=docker://nope", "--collect-only", "-q"
    )
    result.stdout.fnmatch_lines(["host:docker://nope::CONNECT", "host:docker://nope::HOST-004"])
    assert not (shims / "shim.log").exists()


SLOW_POLICY = """
from pytest_devops_policy import policy, Severity, Violation

@policy(id="ACME-100", name="slow-probe", title="A slow command", severity=Severity.LOW,
        rationale="Tests the command timeout.", remediation="None.",
        commands=("sleep 10",), profiles=("server",))
def slow_probe(host):
    host.run("sleep 10")
    yield Violation("never reached")

def pytest_devops_policy_add_policies(config):
    return [slow_probe]
"""


def test_commands_time_out_as_unknown(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml", pyproject='[tool.devops-policy.host]\nprofile = "server"\ncommand_timeout = 1\n'
    )
    pytester.makeconftest(SLOW_POLICY)
    began = time.monotonic()
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "-rs", "-k", "ACME")
    assert time.monotonic() - began < 8
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*timed out after 1 s: sleep 10*"])


def test_profiles_decide_items_and_na(pytester: pytest.Pytester) -> None:
    _tree(pytester, PASSWD_GOOD)
    pytester.makeconftest(SLOW_POLICY)  # a server-only policy
    (pytester.path / "pyproject.toml").write_text(
        (pytester.path / "pyproject.toml").read_text().replace('"server"', '"container"')
    )
    # an explicit root makes the profile 'image': the server-only policy has no item
    result = pytester.runpytest(*BASE, "--devops-policy-hosts=local://", "--collect-only", "-q")
    assert "ACME-100" not in result.stdout.str()
    assert "host:local::HOST-004" in result.stdout.str()


def test_usage_errors(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(pytester, PASSWD_GOOD)
    r = pytester.runpytest(*BASE, "--devops-policy-hosts=ftp://x")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*unknown host scheme ftp://*"])
    r = pytester.runpytest(*BASE, "--devops-policy-hosts=winrm://box")
    r.stderr.fnmatch_lines(["*HOST policies support Linux targets only*"])
    r = pytester.runpytest(*BASE, "--devops-policy-hosts=@testinfra")
    r.stderr.fnmatch_lines(["*@testinfra takes testinfra's --hosts*"])
    import pytest_devops_policy.hosts.testinfra_probe as adapter

    monkeypatch.setattr(adapter, "testinfra_available", lambda: False)
    r = pytester.runpytest(*BASE, "--devops-policy-hosts=local://")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*pip install 'pytest-devops-policy[[]host[]]'*"])
    assert "Traceback" not in r.stderr.str()


def test_testinfra_hosts_are_reused_only_when_asked(pytester: pytest.Pytester) -> None:
    _tree(pytester, PASSWD_BAD)
    r = pytester.runpytest(*BASE, "--hosts=local://", "--collect-only", "-q")
    assert "host:" not in r.stdout.str()
    r = pytester.runpytest(*ONLY_004, "--hosts=local://", "--devops-policy-hosts=@testinfra", "-q")
    r.assert_outcomes(passed=1, failed=1)


@pytest.mark.skipif(
    "xdist" not in sys.modules and not __import__("importlib").util.find_spec("xdist"),
    reason="needs pytest-xdist",
)
def test_xdist_loadgroup_one_worker_per_host(pytester: pytest.Pytester) -> None:
    _tree(pytester, PASSWD_BAD)
    result = pytester.runpytest(
        *ONLY_004, "--devops-policy-hosts=local://,local://", "-n", "2", "--dist", "loadgroup"
    )
    result.assert_outcomes(passed=2, failed=2)


def test_host_verdicts_in_the_reports(pytester: pytest.Pytester) -> None:
    """JSON and the controls report carry host verdicts; SARIF and Code Quality, which place
    findings on repository files, leave them out."""
    import json

    _tree(pytester, PASSWD_BAD)
    pytester.runpytest(
        *BASE,
        "--devops-policy-hosts=local://",
        "--devops-policy-json=out/r.json",
        "--devops-policy-sarif=out/r.sarif",
        "--devops-policy-gitlab-codequality=out/cq.json",
        "--devops-policy-controls-report=out/c.md",
    )
    doc = json.loads((pytester.path / "out/r.json").read_text())
    (host,) = [r for r in doc["results"] if r["policy_id"] == "HOST-004"]
    assert (host["kind"], host["resource"], host["status"]) == ("host", "local", "failed")
    assert doc["policies"]["HOST-004"]["name"] == "no-extra-uid0-or-empty-passwords"
    sarif = json.loads((pytester.path / "out/r.sarif").read_text())
    assert sarif["runs"][0]["results"] == []
    assert json.loads((pytester.path / "out/cq.json").read_text()) == []
    assert (
        "| 6.2.1 (CIS-DIL-6.2.1) | HOST-004 | 0 | **1** |"
        in (pytester.path / "out/c.md").read_text()
    )


def test_last_failed_reselects_host_items(pytester: pytest.Pytester) -> None:
    _tree(pytester, PASSWD_BAD)
    args = ("--devops-policy-only", "--devops-policy-select=HOST-004", "-p", "no:randomly")
    first = pytester.runpytest(*args, "--devops-policy-hosts=local://")
    first.assert_outcomes(passed=1, failed=1)
    again = pytester.runpytest(*args, "--devops-policy-hosts=local://", "--lf")
    again.assert_outcomes(failed=1, deselected=1)
