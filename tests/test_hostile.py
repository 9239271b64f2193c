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


# -- 15. only real comments waive ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "policy"),
    [
        (
            "Dockerfile",
            'FROM python:latest\nLABEL note="# devops-policy: ignore-file[DOCKER] reason=x"\n'
            'RUN echo "# devops-policy: ignore[DOCKER-003] reason=x"\nUSER 10001\n',
            "DOCKER-003",
        ),
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
            "    - name: a\n      image: nginx:latest\n      args:\n"
            '        - "# devops-policy: ignore-file[K8S] reason=x"\n'
            "      command: |\n        # devops-policy: ignore-file[K8S] reason=x\n",
            "K8S-015",
        ),
        (
            "main.tf",
            'resource "aws_s3_bucket" "b" {\n'
            '  acl = "public-read" # a real comment\n'
            '  tags = { note = "# devops-policy: ignore[TF-001] reason=x" }\n}\n',
            "TF-001",
        ),
    ],
)
def test_a_waiver_inside_a_string_waives_nothing(
    pytester: pytest.Pytester, name: str, text: str, policy: str
) -> None:
    (pytester.path / name).write_text(text)
    result = pytester.runpytest("--devops-policy-only", f"--devops-policy-select={policy}")
    result.assert_outcomes(failed=1)


def test_real_comments_still_waive(pytester: pytest.Pytester) -> None:
    (pytester.path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        '    - name: a  # devops-policy: ignore[K8S-015] reason="pinned by the registry"\n'
        "      image: nginx:latest\n"
    )
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=K8S-015")
    result.assert_outcomes(xfailed=1)


@pytest.mark.parametrize(
    ("attrs", "problem"),
    [
        ('reason="x""', "unexpected"),
        ('reason=x"y', "stray quote"),
        ('reason="never closed', "unclosed quote"),
        ("reason=x colour=red", "unknown attribute 'colour'"),
    ],
)
def test_malformed_waiver_attributes_are_invalid(
    pytester: pytest.Pytester, attrs: str, problem: str
) -> None:
    pytester.makefile(
        "", Dockerfile=f"# devops-policy: ignore[DOCKER-003] {attrs}\nFROM python:latest\n"
    )
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=DOCKER-003")
    result.assert_outcomes(failed=2)  # the finding stands, and WAIVER-INVALID says why
    assert problem in result.stdout.str()


def test_a_huge_waiver_comment_is_read_in_linear_time() -> None:
    import time

    from pytest_devops_policy.model import Source
    from pytest_devops_policy.waivers import inline_waivers

    def cost(n: int) -> float:
        text = "# devops-policy: ignore[X-001] " + "a" * n + "\n"
        start = time.perf_counter()
        (w,) = inline_waivers(Source("f", "f", text))
        assert not w.valid
        return time.perf_counter() - start

    cost(1000)
    assert cost(200_000) < 0.5


# -- 16. config waivers of the wrong types are WAIVER-INVALID, not internal errors ------------


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("expires = 2027-01-31T10:00:00", "is not a date"),
        ('reason = ["a", "b"]', "reason must be a string, not list"),
        ("owner = 7", "owner must be a string"),
    ],
)
def test_config_waivers_of_the_wrong_type_are_invalid(
    pytester: pytest.Pytester, entry: str, problem: str
) -> None:
    reason = "" if entry.startswith("reason") else 'reason = "ok"\n'
    pytester.makepyprojecttoml(
        f'[[tool.devops-policy.waivers]]\npolicy = "DOCKER-003"\n{reason}{entry}\n'
    )
    pytester.makefile("", Dockerfile="FROM python:latest\n")
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=DOCKER-003")
    out = result.stdout.str()
    assert "INTERNALERROR" not in out and "internal error" not in out
    assert "WAIVER-INVALID" in out and problem in out
