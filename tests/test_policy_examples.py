"""Policy examples are executable documentation.

Every built-in policy's ``example`` (rendered under "Example" in ``policies/<ID>.md``) must
produce a violation of that policy, and its ``use_instead`` must be judged by the policy and
produce nothing. Each text is written as it stands to the file name its kind is discovered
under, in an empty directory that is also the rootdir: examples are complete files, not
fragments, and bring any second object they need (a Service, a PodDisruptionBudget) along.
A repo-level example (GHA-015/023/027) may be several files: YAML documents each opening
with a ``# <path>`` comment (``# .github/dependabot.yml``). A live-host example (HOST) is
what the host shows: chunks separated by ``---`` lines, each opening with ``# /path`` (a
file's content) or ``# $ command`` (a command's output), judged on a fake host; the output
of the batched ``# $ stat -Lc '%n|%a|%u|%g|%U|%G|%F|%Y'`` gives the files' modes and owners.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy.api import Policy, Violation, is_cross_artifact
from pytest_devops_policy.hosts.probe import FileStat, parse_stat
from pytest_devops_policy.kinds import KINDS
from pytest_devops_policy.policies import builtin_by_id, builtin_policies
from pytest_devops_policy.testing import GoldenResult, actual

# Where an example of each kind is written, relative to the rootdir (the kinds registry).
EXAMPLE_FILES = {k.name: k.example_file for k in KINDS if k.example_file}

# Each policy's examples once: from its primary anchor (``api.also_anchored``).
POLICIES = tuple(p for p in builtin_policies() if p.primary)
# Opt-in policies judge their examples with the option that turns them on.
SETTINGS: dict[str, dict[str, Any]] = {
    "SECRET-010": {"secrets.entropy": True},
    # The example tree has no .git/config: the repository is named instead.
    "XREF-004": {"xref.github_repository": "acme/shop"},
    "XREF-010": {"xref.gate_deploys": True},
}
# File-class policies judge files by their names: their examples are written under one.
EXAMPLE_NAMES: dict[str, str] = {
    "SECRET-012": ".npmrc",
    "SECRET-013": "kubeconfig.yaml",
    "SECRET-014": "ansible/roles/db/tasks/main.yml",
}
CASES = [pytest.param(p, id=p.id) for p in POLICIES]


def _write(policy: Policy, text: str, root: Path) -> Path:
    assert text.strip(), f"{policy.id} has no text here"
    if policy.subject == "repository" or is_cross_artifact(policy):
        return _write_tree(policy, text, root)
    path = root / EXAMPLE_NAMES.get(policy.id, EXAMPLE_FILES[policy.kind])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _write_tree(policy: Policy, text: str, root: Path) -> Path:
    """A repo-level or cross-artifact example is a small repository: YAML documents
    (``---``), each opening with a ``# <path>`` comment naming its file (the kind's example
    file without one)."""
    first: Path | None = None
    for chunk in text.split("\n---\n"):
        head = chunk.split("\n", 1)[0]
        rel = head[2:].strip() if head.startswith("# ") and "/" in head else None
        path = root / (rel or EXAMPLE_FILES[policy.kind])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(chunk if chunk.endswith("\n") else chunk + "\n", encoding="utf-8")
        first = first or path
    assert first is not None
    return first


def _flag_everything(subject: Any) -> list[Violation]:
    return [Violation("judged")]


def _judged(policy: Policy, path: Path, root: Path) -> bool:
    """Whether the policy judges anything in the file: no parse skip, a subject it applies to."""
    probe = dataclasses.replace(policy, func=_flag_everything, wants_context=False)
    return bool(actual(path, probe, SETTINGS.get(policy.id), rootdir=root).violations)


def _show(result: GoldenResult) -> str:
    return f"violations {sorted(result.violations)}, unknown {sorted(result.unknown)}"


def test_every_kind_has_an_example_file() -> None:
    assert POLICIES
    assert {p.kind for p in POLICIES if p.kind != "host"} <= EXAMPLE_FILES.keys()


def _host_results(policy: Policy, text: str) -> list[Any]:
    """The policy on a fake host showing ``text`` (files and command outputs)."""
    from host_fake import FakeProbe, fake_host

    files: dict[str, str] = {}
    commands: dict[str, tuple[int, str, str]] = {}
    stats: dict[str, FileStat] = {}
    for chunk in text.split("\n---\n"):
        head, _, body = chunk.partition("\n")
        assert head.startswith("# "), f"{policy.id}: a host example chunk starts with # /path"
        what = head[2:].strip()
        if what.startswith("$ stat -Lc "):  # the batched stat: its lines are the stats
            stats.update(parse_stat(body, ""))
        elif what.startswith("$ "):
            commands[what[2:]] = (0, body, "")
        else:
            files[what] = body
    probe = FakeProbe(files, stats, commands=commands)
    host = fake_host(probe, commands=[c.split()[0] for c in commands])
    return list(policy.func(host))


@pytest.mark.parametrize("policy", CASES)
def test_example_is_flagged(policy: Policy, tmp_path: Path) -> None:
    if policy.kind == "host":
        found = _host_results(policy, policy.example)
        assert any(isinstance(r, Violation) for r in found), f"{policy.id}: {found}"
        return
    path = _write(policy, policy.example, tmp_path)
    result = actual(path, policy.func, SETTINGS.get(policy.id), rootdir=tmp_path)
    assert result.violations, f"the example of {policy.id} is not flagged: {_show(result)}"


@pytest.mark.parametrize("policy", CASES)
def test_use_instead_passes(policy: Policy, tmp_path: Path) -> None:
    if policy.kind == "host":
        assert _host_results(policy, policy.use_instead) == [], policy.id
        return
    path = _write(policy, policy.use_instead, tmp_path)
    assert _judged(policy, path, tmp_path), f"{policy.id} does not judge its use_instead at all"
    result = actual(path, policy.func, SETTINGS.get(policy.id), rootdir=tmp_path)
    assert not result.violations and not result.unknown, (
        f"the use_instead of {policy.id} does not pass: {_show(result)}"
    )


SCHEMA_ID = "K8S-031"
# The example of K8S-031 itself is invalid on purpose.
MANIFEST_TEXTS = [
    pytest.param(p, text, id=f"{p.id}-{text}")
    for p in POLICIES
    if p.kind == "kubernetes"
    for text in ("example", "use_instead")
    if (p.id, text) != (SCHEMA_ID, "example")
]


@pytest.mark.parametrize(("policy", "text"), MANIFEST_TEXTS)
def test_kubernetes_text_is_schema_valid(policy: Policy, text: str, tmp_path: Path) -> None:
    """Whatever an example shows, it shows a manifest the API server accepts.

    Custom resources, which K8S-031 cannot validate, answer unknown and are accepted.
    """
    path = _write(policy, getattr(policy, text), tmp_path)
    result = actual(path, builtin_by_id()[SCHEMA_ID].func, rootdir=tmp_path)
    assert not result.violations, f"the {text} of {policy.id} fails {SCHEMA_ID}: {_show(result)}"
