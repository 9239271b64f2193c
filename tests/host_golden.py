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

    [stats]                      # what one batched stat shows (host.stat); others: absent
    "/var/run/docker.sock" = { mode = "0660", owner = "root", group = "docker", type = "socket" }

    [commands]                   # a command that runs out of time (before the tables below)
    "sshd -V" = "timeout"
    # (or the short form: "0640 root:shadow [directory]", or "denied": refused)

    [commands."ss -H -tulnp"]    # an exact command's answer; others exit 127
    out = "..."                  # or out_file = "ss.txt": the answer in a file of the case
    err = ""
    rc = 0

    [commands.sysctl]            # a command too long for a key: a label, and the command
    command = '''P=/proc/sys; for k in ...; done'''
    out_file = "sysctl.txt"

    [expect]                     # fail_* cases: each string is in one finding, one each
    violations = ["account 'toor' has UID 0"]  # or { has = "...", severity = "critical" }
    unknown = ["needs root"]     # substrings of the Unknown reasons (any case)
    not_applicable = "no sshd"   # the case is N/A: the reason holds this

A ``pass_*`` case must give no violation, no Unknown and no N/A. As on a real host's item,
a ``NeedsRoot`` the policy does not catch, a timeout or a spent budget is an Unknown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from host_fake import DENIED, FakeProbe, fake_host

from pytest_devops_policy import tomlfile
from pytest_devops_policy.api import NotApplicable, Policy, Unknown, Violation
from pytest_devops_policy.hosts.probe import FileStat, HostBudgetSpent, NeedsRoot, TimedOut

FACT_KEYS = ("uid", "profile", "init", "os_id")


def load(case: Path) -> dict[str, Any]:
    return tomlfile.load(str(case / "host.toml"))


def _commands(case: Path, spec: dict[str, Any]) -> dict[str, tuple[int, str, str] | str]:
    commands: dict[str, tuple[int, str, str] | str] = {}
    for key, answer in (spec.get("commands") or {}).items():
        if answer == "timeout":
            commands[key] = "timeout"
            continue
        out = answer.get("out", "")
        if "out_file" in answer:
            out = (case / answer["out_file"]).read_text()
        command = answer.get("command", key)
        commands[command] = (int(answer.get("rc", 0)), out, answer.get("err", ""))
    return commands


def _stats(spec: dict[str, Any]) -> dict[str, FileStat | object]:
    out: dict[str, FileStat | object] = {}
    for path, st in (spec.get("stats") or {}).items():
        if isinstance(st, str):  # the short form
            out[path] = _stat(path, st)
            continue
        owner, group = st.get("owner", "root"), st.get("group", "root")
        out[path] = FileStat(
            path,
            int(st["mode"], 8),
            int(st.get("uid", 0 if owner == "root" else 1000)),
            int(st.get("gid", 0 if group == "root" else 1000)),
            owner,
            group,
            st.get("type", "regular file"),
        )
    return out


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
    commands = _commands(case, spec)
    present = list(spec.get("present", [])) + [c.split()[0] for c in commands]
    facts = {k: spec[k] for k in FACT_KEYS if k in spec}
    probe = FakeProbe(files, _stats(spec), commands)
    host = fake_host(probe, commands=present, options=spec.get("options"), **facts)
    # What the item does with what the policy lets through (pytest_layer/hosts.py).
    try:
        return list(policy.evaluate(host, None))
    except NeedsRoot as exc:
        return [Unknown(f"needs root on {host.label} (run as root, or with --sudo): {exc.what}")]
    except (TimedOut, HostBudgetSpent) as exc:
        return [Unknown(str(exc))]


def _wanted(item: str | dict[str, str]) -> tuple[str, str | None]:
    """An expected violation: its text, and its severity when the case names one."""
    if isinstance(item, str):
        return item, None
    return item["has"], item.get("severity")


def check(policy: Policy, case: Path) -> None:
    got = results(policy, case)
    found = [r for r in got if isinstance(r, Violation)]
    violations = [r.message for r in found]
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
    wanted = [_wanted(w) for w in expect.get("violations", [])]
    assert len(found) == len(wanted), f"{policy.id} {case.name}: got {violations}"
    left = list(found)
    for text, severity in wanted:
        hit = next((v for v in left if text in v.message), None)
        assert hit is not None, (
            f"{policy.id} {case.name}: no finding with {text!r} in {[v.message for v in left]}"
        )
        if severity is not None:
            assert str(hit.severity or policy.severity) == severity, (
                f"{policy.id} {case.name}: {hit.message!r} is {hit.severity or policy.severity}"
            )
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
