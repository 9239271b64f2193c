"""Every built-in policy is complete, unique, documented by metadata and reachable by the hook."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_devops_policy.api import SUBJECT_KINDS, XREF_PREFIX, Severity
from pytest_devops_policy.kinds import KINDS
from pytest_devops_policy.options import declared
from pytest_devops_policy.policies import KIND_PACKAGES, builtin_policies

CATALOG_PREFIX = {k.name: k.prefix for k in KINDS}
PEER_REF = re.compile(r"^[a-z][a-z-]*:\S+$")


def test_builtins_are_found() -> None:
    assert len(builtin_policies()) >= 16
    assert set(KIND_PACKAGES) == {
        "dockerfile",
        "kubernetes",
        "github_actions",
        "gitlab_ci",
        "terraform",
        "secrets",
        "host",
    }


def test_ids_and_names_are_unique() -> None:
    # A policy on several anchors (``api.also_anchored``) has one primary function.
    ids = [p.id for p in builtin_policies() if p.primary]
    names = [(p.kind, p.name) for p in builtin_policies()]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))


@pytest.mark.parametrize("policy", builtin_policies(), ids=lambda p: p.id)
def test_metadata_is_complete(policy) -> None:  # type: ignore[no-untyped-def]
    # A cross-artifact policy is of its anchor's kind, whatever that kind's prefix.
    assert policy.id.startswith((CATALOG_PREFIX[policy.kind] + "-", XREF_PREFIX))
    assert policy.subject in SUBJECT_KINDS
    assert isinstance(policy.severity, Severity)
    # Another anchor (``api.also_anchored``) shares the texts; the examples are the primary's.
    fields = ("title", "rationale", "remediation")
    for field in (*fields, "example", "use_instead") if policy.primary else fields:
        value = getattr(policy, field)
        assert isinstance(value, str) and len(value.strip()) >= 10, f"{policy.id}.{field}"
    assert policy.references, f"{policy.id} cites no peer rule or reference"
    for ref in policy.references:
        assert PEER_REF.match(ref) or ref.startswith("https://"), ref
    assert all(c and "," not in c for c in policy.controls)


def test_one_policy_per_module() -> None:
    modules = [p.func.__module__ for p in builtin_policies()]
    assert len(modules) == len(set(modules))
    for p in builtin_policies():
        stem = p.func.__module__.rsplit(".", 1)[1]
        assert stem.startswith(p.id.lower().replace("-", "_") + "_"), stem
        assert stem.endswith(p.name.replace("-", "_")), stem


def test_the_kinds_registry_is_consistent() -> None:
    for field in ("name", "prefix", "marker", "title"):
        values = [getattr(k, field) for k in KINDS]
        assert len(values) == len(set(values)), field
    assert len({k.options.TABLE for k in KINDS}) == len(KINDS)
    for kind in KINDS:
        assert kind.marker.isidentifier(), kind.name
        if kind.load_format is not None:  # a collected kind is complete
            assert kind.recognise and kind.subjects and kind.package and kind.example_file


def test_every_option_is_documented_and_names_real_policies() -> None:
    ids = {p.id for p in builtin_policies()}
    for kind in KINDS:
        for spec in declared(kind.options):
            assert len(spec.doc) >= 20, spec.key
            assert set(spec.policies) <= ids, spec.key
            # The CI classifier's knobs (gha) are GitLab CI's too: one idea of a deploy job.
            prefixes = (kind.prefix + "-", "GL-") if kind.prefix == "GHA" else (kind.prefix + "-",)
            assert all(i.startswith(prefixes) for i in spec.policies), spec.key


def test_every_option_is_read_somewhere() -> None:
    """A declared option that nothing reads would be accepted and silently ignored."""
    package = Path(__file__).resolve().parent.parent / "pytest_devops_policy"
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in package.rglob("*.py")
        if "options" not in p.parts and p.name != "docs.py"
    )
    unread = [
        spec.key
        for kind in KINDS
        for spec in declared(kind.options)
        if not re.search(rf"\.{spec.name}\b", source)
    ]
    assert not unread


def test_the_catalog_matches_the_policy_modules() -> None:
    """The built-ins a run selects and validates before importing them (issue 15)."""
    from pytest_devops_policy.policies.catalog import CATALOG, catalog_rows, module_name

    real = builtin_policies()
    rows = [(p.id, p.name, p.subject) for p in real]
    assert list(CATALOG) == rows, (
        "regenerate: python -m pytest_devops_policy.policies.catalog\n"
        + ("\n".join(catalog_rows(real)))
    )
    for p in real:
        assert module_name(p.id, p.name, p.subject) == p.func.__module__
