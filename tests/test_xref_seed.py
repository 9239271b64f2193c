"""The S003 seed (catalog §7.3, §9.4 ``seed-s003``) through the plugin: its Dockerfile,
Deployment and workflow in one repository give each XREF policy the verdict of the catalog.

The three files are the project's source documents, verbatim (copied from
``../shared/seed-examples/s003`` into ``tests/golden/XREF-001/fail_seed_s003``, which this
test reads, so the suite is hermetic). One run over the repository; each XREF policy's
verdict is asserted by its own test below.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Case, parse_junit

SEED = Path(__file__).resolve().parent / "golden" / "XREF-001" / "fail_seed_s003"
SEED_FILES = (".github/workflows/deploy.yml", "Dockerfile", "k8s/deployment.yaml")


@pytest.fixture
def seed_run(pytester: pytest.Pytester) -> dict[str, Case]:
    """The JUnit cases of ``pytest --devops-policy`` over the seed repository."""
    for rel in SEED_FILES:
        target = pytester.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SEED / rel, target)
    junit = pytester.path / "out.xml"
    pytester.runpytest("--devops-policy", f"--junitxml={junit}", "-o", "junit_family=xunit1")
    return parse_junit(junit)


def _items(cases: dict[str, Case], policy_id: str) -> list[Case]:
    return [c for c in cases.values() if c.properties.get("policy_id") == policy_id]


def test_xref_001_fails_on_the_container_name(seed_run: dict[str, Case]) -> None:
    """``kubectl set image deployment/app-deployment app=...`` against a Deployment whose
    only container is ``web-app``: kubectl's 'unable to find container named "app"'."""
    (item,) = _items(seed_run, "XREF-001")
    assert item.outcome == "failed"
    assert item.properties["file"] == ".github/workflows/deploy.yml"
    assert item.properties["line"] == "14"
    assert item.properties["kind"] == "cross-artifact"
    assert ".github/workflows/deploy.yml:14 -> k8s/deployment.yaml:16" in item.properties["links"]
    assert 'unable to find container named "app"' in item.message
    assert ".github/workflows/deploy.yml:14" in item.message  # the workflow step
    assert "k8s/deployment.yaml:16" in item.message  # the Deployment's container
    assert "web-app" in item.message


def test_xref_002_fails_built_but_never_pushed(seed_run: dict[str, Case]) -> None:
    """``docker build -t app:${{ github.sha }} .`` then ``kubectl set image ...
    app=app:${{ github.sha }}`` with no push: the nodes cannot pull it (ErrImagePull)."""
    (item,) = _items(seed_run, "XREF-002")
    assert item.outcome == "failed"
    assert item.properties["file"] == ".github/workflows/deploy.yml"
    assert "ErrImagePull" in item.message
    assert ".github/workflows/deploy.yml:12" in item.message  # the build step
    assert ".github/workflows/deploy.yml:14" in item.message  # the deploy step


def test_the_other_verdicts_of_the_catalog(seed_run: dict[str, Case]) -> None:
    """XREF-005 PASS (./Dockerfile exists); XREF-009 PASS (EXPOSE 3000, containerPort
    3000, no probe, no Service); XREF-003 N/A (no runAsNonRoot); the rest N/A."""
    outcomes = {
        pid: [c.outcome for c in _items(seed_run, pid)]
        for pid in (f"XREF-{n:03d}" for n in range(1, 12))
    }
    assert outcomes == {
        "XREF-001": ["failed"],
        "XREF-002": ["failed"],
        "XREF-003": [],
        "XREF-004": [],
        "XREF-005": ["passed"],
        "XREF-006": [],
        "XREF-007": [],
        "XREF-008": [],
        "XREF-009": ["passed"],
        "XREF-010": [],
        "XREF-011": [],
    }


def test_the_same_verdicts_under_xdist(pytester: pytest.Pytester) -> None:
    """Catalog §9.4-4: two workers build the index each and give the same items and
    outcomes as one process."""
    pytest.importorskip("xdist")
    for rel in SEED_FILES:
        target = pytester.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SEED / rel, target)

    def outcomes(*args: str) -> dict[str, str]:
        junit = pytester.path / "out.xml"
        pytester.runpytest("--devops-policy-only", f"--junitxml={junit}", *args)
        return {
            k: c.outcome
            for k, c in parse_junit(junit).items()
            if c.properties.get("kind") == "cross-artifact"
        }

    serial = outcomes("--devops-policy-items=policy")
    assert serial and outcomes("--devops-policy-items=policy", "-n", "2") == serial
