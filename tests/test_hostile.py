"""Hostile and malformed input (issue 14): every cost bounded, nothing read outside the scanned
root, no string waives a finding, and one bad file never stops the run."""

from __future__ import annotations

import pytest
from conftest import DEPLOYMENT

RAISING_APPLIES = """
from pytest_devops_policy import policy, Severity, Violation

def boom(k8s_object):
    if k8s_object.name == "bad":
        raise RuntimeError("applies exploded")
    return True

@policy(id="ACME-003", name="applies-boom", title="An applies predicate that raises",
        severity=Severity.LOW, rationale="Bugs happen.", remediation="None.", applies=boom)
def check(k8s_object):
    return []

def pytest_devops_policy_add_policies(config):
    return [check]
"""


def test_an_exception_outside_a_policy_fails_its_file_only(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(RAISING_APPLIES)
    pytester.makefile(
        ".yaml", good=DEPLOYMENT.format(name="good"), bad=DEPLOYMENT.format(name="bad")
    )
    result = pytester.runpytest("--devops-policy-only", "-p", "no:devops_policy.builtin", "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED bad.yaml::INTERNAL-ERROR*"])
    assert "applies exploded" in result.stdout.str()


def test_disabling_the_plugin_leaves_pytest_working(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest("-p", "no:devops_policy")
    result.assert_outcomes(passed=1)
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
