"""Golden host cases: a HOST policy's fixtures, as files under tests/golden/HOST-nnn/.

A case is a directory ``pass_<what>/`` or ``fail_<what>/`` holding ``host.toml`` (what the
host shows and what the policy must say) and, optionally, ``tree/``: files of the host, by
their absolute path under it (``tree/etc/passwd`` is ``/etc/passwd``). ``host.toml``:

    uid = 0                      # the facts of the fake host (these are the defaults)
    profile = "server"
    init = "systemd"
    os_id = "debian"
    present = ["sshd"]           # commands that exist (besides those answered below)

    [options]                    # [tool.devops-policy.host] knobs
    accounts_uid0_allowed = ["toor"]

    [files]                      # more files, inline ("denied" as a value: unreadable)
    "/etc/shadow" = "denied"

    [stats]                      # what the batched stat shows ("denied": refused)
    "/etc/shadow" = "0640 root:shadow"   # mode owner:group [directory]

    [commands."ss -H -tulnp"]    # an exact command's answer; others exit 127
    out = "..."
    rc = 0

    [expect]                     # fail_* cases: each string is in one finding, one each
    violations = ["account 'toor' has UID 0"]
    unknown = ["needs root"]     # substrings of the Unknown reasons (any case)
    not_applicable = "no sshd"   # the case is N/A: the reason holds this

A ``pass_*`` case must give no violation, no Unknown and no N/A.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from host_fake import DENIED, FakeProbe, fake_host

from pytest_devops_policy import tomlfile
from pytest_devops_policy.api import NotApplicable, Policy, Unknown, Violation
from pytest_devops_policy.hosts.probe import FileStat

FACT_KEYS = ("uid", "profile", "init", "os_id")


def load(case: Path) -> dict[str, Any]:
    return tomlfile.load(str(case / "host.toml"))


def _stat(path: str, text: str) -> FileStat | object:
    """``0644 root:shadow [directory]``: root is uid/gid 0, any other name 1000."""
    if text == "denied":
        return DENIED
    mode, owner_group, *kind = text.split()
    owner, _, group = owner_group.partition(":")
    return FileStat(
        path,
        int(mode, 8),
        0 if owner == "root" else 1000,
        0 if group == "root" else 1000,
        owner,
        group,
        " ".join(kind) or "regular file",
    )


def results(policy: Policy, case: Path) -> list[Any]:
    spec = load(case)
    files: dict[str, Any] = {}
    tree = case / "tree"
    if tree.is_dir():
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                files["/" + path.relative_to(tree).as_posix()] = path.read_bytes()
    for path, text in (spec.get("files") or {}).items():
        files[path] = DENIED if text == "denied" else text
    commands: dict[str, tuple[int, str, str] | str] = {}
    for command, answer in (spec.get("commands") or {}).items():
        if answer == "timeout":
            commands[command] = "timeout"
        else:
            commands[command] = (
                int(answer.get("rc", 0)),
                answer.get("out", ""),
                answer.get("err", ""),
            )
    present = list(spec.get("present", [])) + [c.split()[0] for c in commands]
    facts = {k: spec[k] for k in FACT_KEYS if k in spec}
    stats = {p: _stat(p, t) for p, t in (spec.get("stats") or {}).items()}
    host = fake_host(
        FakeProbe(files, stats, commands=commands),
        commands=present,
        options=spec.get("options"),
        **facts,
    )
    return list(policy.func(host))


def check(policy: Policy, case: Path) -> None:
    got = results(policy, case)
    violations = [r.message for r in got if isinstance(r, Violation)]
    not_applicable = [r.reason for r in got if isinstance(r, NotApplicable)]
    unknown = [r.reason for r in got if isinstance(r, Unknown) and not isinstance(r, NotApplicable)]
    expect = load(case).get("expect") or {}
    if case.name.startswith("pass"):
        assert not expect, "pass cases carry no [expect]"
        assert (violations, unknown, not_applicable) == ([], [], []), (
            f"{policy.id} {case.name}: {violations or unknown or not_applicable}"
        )
        return
    assert expect, "fail cases need an [expect] table"
    wanted = list(expect.get("violations", []))
    assert len(violations) == len(wanted), f"{policy.id} {case.name}: got {violations}"
    left = list(violations)
    for text in wanted:
        hit = next((v for v in left if text in v), None)
        assert hit is not None, f"{policy.id} {case.name}: no finding with {text!r} in {left}"
        left.remove(hit)
    for text in expect.get("unknown", []):
        assert any(text.lower() in u.lower() for u in unknown), f"{case.name}: {unknown}"
    if not expect.get("unknown"):
        assert not unknown or wanted, f"{policy.id} {case.name}: unexpected Unknown {unknown}"
    na = expect.get("not_applicable")
    if na:
        assert any(na.lower() in r.lower() for r in not_applicable), (
            f"{case.name}: {not_applicable}"
        )
    else:
        assert not not_applicable, f"{policy.id} {case.name}: unexpected N/A {not_applicable}"
