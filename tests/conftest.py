from __future__ import annotations

import importlib
import os
import pkgutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import pytest_devops_policy


def _import_plugin_modules() -> None:
    """Import every plugin module before the first in-process pytester run.

    pytester restores ``sys.modules`` after each in-process run, so a module first
    imported inside one (the plugin loads formats and policies lazily) is imported
    again afterwards, and isinstance checks between the two copies' classes fail
    depending on test order.
    """
    for info in pkgutil.walk_packages(pytest_devops_policy.__path__, "pytest_devops_policy."):
        importlib.import_module(info.name)


_import_plugin_modules()

# Most tests assert on verdict-level node ids (``file::resource::POLICY``): they run the
# ``policy`` item model. tests/test_item_models.py covers the default ``resource`` model
# and the equivalence of the two. DEVOPS_POLICY_TEST_ITEMS=resource runs them all in the
# resource model, to see what that model changes.
os.environ["DEVOPS_POLICY_ITEMS"] = os.environ.get("DEVOPS_POLICY_TEST_ITEMS", "policy")


def assert_linear(cost: Callable[[int], object], n: int) -> None:
    """Fail when ``cost(8n)`` takes more than 24 times ``cost(n)``.

    Linear growth is about 8x and quadratic about 64x, so the bound tolerates a loaded
    CI machine (two xdist workers on two cores) without letting a quadratic shape pass.
    Time is this process's CPU time, which other processes' load does not inflate
    (a loaded CI machine made wall-clock ratios flaky); the two sizes are timed
    alternately, best of five each; the floor keeps timer noise on tiny inputs from
    failing the test.
    """
    small = big = float("inf")
    for _ in range(5):
        start = time.process_time()
        cost(n)
        middle = time.process_time()
        cost(8 * n)
        end = time.process_time()
        small, big = min(small, middle - start), min(big, end - middle)
    assert big <= 24 * max(small, 2e-4), f"cost({n}) = {small:.4f}s, cost({8 * n}) = {big:.4f}s"


Linear = Callable[[Callable[[int], object], int], None]


@pytest.fixture(name="assert_linear")
def _assert_linear_fixture() -> Linear:
    return assert_linear


OWNER_POLICY = """
from pytest_devops_policy import policy, Severity, Violation

@policy(id="ACME-001", name="missing-owner-label", title="Object has no owner label",
        severity=Severity.MEDIUM, rationale="Every object needs an owner to page.",
        remediation="Add metadata.labels.owner.")
def missing_owner_label(k8s_object):
    if "owner" not in k8s_object.labels:
        yield Violation("metadata.labels.owner is missing", path=("metadata", "labels"))

def pytest_devops_policy_add_policies(config):
    return [missing_owner_label]
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


@pytest.fixture(params=[[], ["-n", "2"]], ids=["no-xdist", "xdist"])
def xdist_args(request: pytest.FixtureRequest) -> list[str]:
    """Run a test with and without pytest-xdist (the pytest-mypy pattern)."""
    return list(request.param)


@dataclass
class Case:
    name: str
    classname: str
    outcome: str  # passed | failed | skipped
    message: str
    properties: dict[str, str]


def parse_junit(path: Path) -> dict[str, Case]:
    root = ET.parse(path).getroot()
    cases: dict[str, Case] = {}
    for tc in root.iter("testcase"):
        props = {p.get("name", ""): p.get("value", "") for p in tc.iter("property")}
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            el = tc.find(tag)
            if el is not None:
                outcome = "failed" if tag != "skipped" else "skipped"
                message = (el.get("message") or "") + "\n" + (el.text or "")
        key = f"{tc.get('classname')}::{tc.get('name')}"
        cases[key] = Case(tc.get("name", ""), tc.get("classname", ""), outcome, message, props)
    return cases


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Short summary lines are cut to the terminal width; keep them whole for matching.
    monkeypatch.setenv("COLUMNS", "240")


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # When this suite itself runs in GitHub Actions, the runs it starts must not print
    # annotations or append to the real job summary (tests that want them set their own).
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        monkeypatch.delenv(name, raising=False)
