"""``pytest --devops-policy-list`` (issue 19, point 7): every policy as a table, then exit.

Like ``--devops-policy-explain`` it needs no ``--devops-policy``, sees plugin and conftest.py
policies through the hook and runs no test; unlike it, select/ignore (command line or
pyproject) narrow the table, and a spec that names no policy is the usual usage error.
"""

from __future__ import annotations

import re

import pytest
from conftest import OWNER_POLICY

from pytest_devops_policy.api import Policy, Severity, policy
from pytest_devops_policy.listing import render
from pytest_devops_policy.policies.catalog import CATALOG, lazy_builtin_policies

# One row of the list per policy: a policy on several anchors has a CATALOG row per anchor.
IDS = sorted({row[0] for row in CATALOG})
BOOM = "def test_boom():\n    raise AssertionError('a test ran')\n"


def _ids(text: str) -> list[str]:
    return re.findall(r"^([A-Z][A-Z0-9]*-\d+) ", text, flags=re.M)


def test_lists_every_builtin_and_runs_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_boom=BOOM)
    pytester.makefile("", Dockerfile="FROM alpine\n")
    result = pytester.runpytest("--devops-policy-list")
    assert result.ret == pytest.ExitCode.OK
    out = result.stdout.str()
    assert _ids(out) == IDS
    assert out.splitlines()[0].split() == ["ID", "NAME", "SEVERITY", "KIND", "CONTROLS"]
    result.stdout.fnmatch_lines(
        [
            "DOCKER-001  final-stage-non-root-user * high * dockerfile * "
            "CIS-Docker-4.1, NIST-800-53-AC-6",
            f"{len(IDS)} policies (*dockerfile 25, *)",
        ]
    )
    assert "a test ran" not in out and "test session starts" not in out
    assert "passed" not in out and "failed" not in out


def test_select_and_ignore_narrow_the_table(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--devops-policy-list",
        "--devops-policy-select=K8S-00,TF-001",
        "--devops-policy-ignore=K8S-003",
    )
    assert result.ret == pytest.ExitCode.OK
    ids = _ids(result.stdout.str())
    assert ids == [f"K8S-00{i}" for i in (1, 2, 4, 5, 6, 7, 8, 9)] + ["TF-001"]
    result.stdout.fnmatch_lines([f"9 policies (kubernetes 8, terraform 1); {len(IDS)} known, *"])


def test_pyproject_selection_applies(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.devops-policy]\nselect = ["GHA"]\nignore = ["GHA-002"]\n')
    result = pytester.runpytest("--devops-policy-list")
    assert result.ret == pytest.ExitCode.OK
    ids = _ids(result.stdout.str())
    assert ids and all(i.startswith("GHA-") for i in ids) and "GHA-002" not in ids
    assert len(ids) == sum(1 for i in IDS if i.startswith("GHA-")) - 1


@pytest.mark.parametrize(
    ("args", "pyproject", "error"),
    [
        (
            ["--devops-policy-select=K8S-0x"],
            "",
            "--devops-policy-select: 'K8S-0x' matches no policy",
        ),
        ([], '[tool.devops-policy]\nignore = ["GHA-1001"]\n', "'GHA-1001' matches no policy"),
    ],
)
def test_a_typo_in_the_selection_is_a_usage_error(
    pytester: pytest.Pytester, args: list[str], pyproject: str, error: str
) -> None:
    if pyproject:
        pytester.makepyprojecttoml(pyproject)
    result = pytester.runpytest("--devops-policy-list", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert error in result.stderr.str()
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_conftest_policy_is_listed(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    result = pytester.runpytest("--devops-policy-list", "--devops-policy-select=ACME,K8S-001")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "ACME-001  missing-owner-label  medium    kubernetes  -",
            "K8S-001 *run-as-non-root*",
            f"2 policies (kubernetes 2); {len(IDS) + 1} known, *",
        ]
    )


def test_plugin_metadata_cannot_drive_the_terminal() -> None:
    @policy(
        id="ACME-002",
        name="odd",
        title="t",
        severity=Severity.LOW,
        rationale="r",
        remediation="m",
        controls=("ACME-OPS-7\x1b[2J",),
    )
    def odd(k8s_object: object) -> list[object]:
        return []

    from pytest_devops_policy.api import get_policy

    meta = get_policy(odd)
    assert isinstance(meta, Policy)
    text = render([meta], 1, narrowed=False)
    assert "\x1b" not in text and "ACME-OPS-7\\x1b[2J" in text
    assert text.endswith("1 policy (kubernetes 1)\n")


def test_columns_are_aligned() -> None:
    lines = render(lazy_builtin_policies(), 0, narrowed=False).splitlines()
    table = lines[: lines.index("")]
    for column in ("NAME", "SEVERITY", "KIND", "CONTROLS"):
        start = table[0].index(column)
        assert all(line[start - 2 : start] == "  " and line[start] != " " for line in table)
