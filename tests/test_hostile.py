"""Hostile and malformed input (issue 14): every cost bounded, nothing read outside the scanned
root, no string waives a finding, and one bad file never stops the run."""

from __future__ import annotations

import pytest
from conftest import DEPLOYMENT, Linear

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
        start = time.process_time()
        (w,) = inline_waivers(Source("f", "f", text))
        assert not w.valid
        return time.process_time() - start

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


# -- 8. nothing outside the scanned paths is read ---------------------------------------------


def test_symlinks_out_of_the_scanned_paths_are_skipped(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "Dockerfile").write_text("FROM secret-base:1\nUSER root\n")
    (outside / "deploy").mkdir()
    (outside / "deploy" / "pod.yaml").write_text(DEPLOYMENT.format(name="outside"))
    repo = pytester.path / "repo"
    repo.mkdir()
    (repo / "Dockerfile.passwd").symlink_to(outside / "Dockerfile")
    (repo / "linked").symlink_to(outside / "deploy", target_is_directory=True)
    (repo / "pod.yaml").write_text(DEPLOYMENT.format(name="inside"))
    result = pytester.runpytest("--devops-policy-only", "repo", "--tb=short")
    out = result.stdout.str()
    assert "secret-base" not in out and "Deployment/outside" not in out
    assert "Dockerfile.passwd: it resolves outside the scanned paths" in out
    assert "linked/: it resolves outside the scanned paths" in out
    assert (
        "Deployment/inside"
        in pytester.runpytest("--devops-policy-only", "repo", "--co", "-q").stdout.str()
    )


# -- 9. a build context stays inside the repository -------------------------------------------


def test_a_context_pragma_cannot_walk_out_of_the_repository(pytester: pytest.Pytester) -> None:
    (pytester.path / "svc").mkdir()
    (pytester.path / "svc" / "Dockerfile").write_text(
        "# devops-policy: context= ../../../../../../..\nFROM python:3.12\nCOPY . /app\n"
    )
    result = pytester.runpytest(
        "--devops-policy-only", "--devops-policy-select=DOCKER-008", "-rs", "--tb=short"
    )
    out = result.stdout.str()
    assert "outside the repository root" in out
    assert "etc/" not in out and "/usr" not in out


# -- 18. a lone CR stays inside its Dockerfile line, as in BuildKit ---------------------------


def test_a_lone_cr_does_not_hide_an_instruction(pytester: pytest.Pytester) -> None:
    (pytester.path / "Dockerfile").write_bytes(
        b'FROM python:3.12-slim\n# just a comment\rUSER 1000\nCMD ["python"]\n'
    )
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=DOCKER-001")
    result.assert_outcomes(failed=1)  # BuildKit sees no USER: the image runs as root


# -- 22/23. odd names and encodings ---------------------------------------------------------


def test_utf16_files_say_what_they_are(pytester: pytest.Pytester) -> None:
    (pytester.path / "pod.yaml").write_bytes("apiVersion: v1\nkind: Pod\n".encode("utf-16"))
    result = pytester.runpytest("--devops-policy-only", "-rs")
    result.stdout.fnmatch_lines(["*pod.yaml is UTF-16LE text (it starts with a byte-order mark)*"])


def test_a_file_name_that_is_not_utf8_is_left_out(pytester: pytest.Pytester) -> None:
    import os

    name = os.fsencode(str(pytester.path)) + b"/bad\xff.Dockerfile"
    with open(name, "wb") as fh:
        fh.write(b"FROM python:3.12\n")
    junit = pytester.path / "j.xml"
    result = pytester.runpytest("--devops-policy-only", f"--junitxml={junit}")
    assert result.ret in (0, 5)
    assert "skipped a file whose name is not UTF-8" in result.stdout.str()
    assert junit.exists()


# -- 7. a per-file budget -------------------------------------------------------------------

SLOW_POLICY = """
import time
from pytest_devops_policy import policy, Severity, Violation

@policy(id="ACME-004", name="slow", title="Takes forever on one object", severity="low",
        rationale="Some bug.", remediation="None.")
def slow(k8s_object):
    if k8s_object.name == "slow":
        while True:
            time.sleep(0.01)
    return []

def pytest_devops_policy_add_policies(config):
    return [slow]
"""


def test_a_file_over_its_time_budget_fails_alone(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SLOW_POLICY)
    pytester.makefile(
        ".yaml", fast=DEPLOYMENT.format(name="fast"), slow=DEPLOYMENT.format(name="slow")
    )
    result = pytester.runpytest(
        "--devops-policy-only",
        "-p",
        "no:devops_policy.builtin",
        "--devops-policy-file-timeout=0.5",
        "-rf",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED slow.yaml::INTERNAL-ERROR*"])
    assert "analysis took more than 0.5 s" in result.stdout.str()


def test_a_file_over_its_memory_budget_fails_alone(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        SLOW_POLICY.replace(
            "while True:\n            time.sleep(0.01)",
            "x = [bytearray(1 << 20) for _ in range(4096)]",
        )
    )
    pytester.makefile(
        ".yaml", fast=DEPLOYMENT.format(name="fast"), slow=DEPLOYMENT.format(name="slow")
    )
    result = pytester.runpytest_subprocess(
        "--devops-policy-only",
        "-p",
        "no:devops_policy.builtin",
        "--devops-policy-file-memory=256MiB",
        "-rf",
    )
    result.assert_outcomes(passed=1, failed=1)
    assert "analysis needed more than 256 MB" in result.stdout.str()


# -- 17. a forged result-cache entry is not trusted -------------------------------------------


def test_a_forged_cache_entry_does_not_turn_a_failure_into_a_pass(
    pytester: pytest.Pytester,
) -> None:
    import json

    pytester.makefile("", Dockerfile="FROM python:latest\nUSER 10001\n")
    args = ("--devops-policy-only", "--devops-policy-select=DOCKER-003")
    pytester.runpytest(*args).assert_outcomes(failed=1)
    (pack,) = (pytester.path / ".pytest_cache" / "d" / "devops-policy").glob("*/pack")
    header, *lines = pack.read_bytes().rstrip(b"\n").split(b"\n")
    forged = [header]
    for line in lines:
        mac, name, body = line.split(b" ", 2)
        if not name.startswith(b"facts-"):
            data = json.loads(body)
            for resource in data["resources"]:
                for outcome in resource[-1]:
                    outcome[1] = []  # no violations: what an attacker would commit
            body = json.dumps(data).encode()
        forged.append(b" ".join([mac, name, body]))
    assert len(forged) > 1
    pack.write_bytes(b"\n".join(forged) + b"\n")
    pytester.runpytest(*args).assert_outcomes(failed=1)


# -- 20. a wrong type in a manifest is a finding or Unknown, never an internal error ----------


def test_odd_types_never_raise_in_a_policy(pytester: pytest.Pytester) -> None:
    from pathlib import Path

    odd = Path(__file__).parent / "data" / "odd_types.yaml"
    (pytester.path / "odd.yaml").write_text(odd.read_text())
    pytester.makefile("", Dockerfile="FROM alpine:3.20\nADD http://[]localhost/x.tgz /x\n")
    result = pytester.runpytest("--devops-policy-only", "--tb=short")
    out = result.stdout.str()
    assert "internal error" not in out and "INTERNAL-ERROR" not in out


def test_the_kubernetes_index_does_not_follow_symlinks_out(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside-pdb")
    (outside / "pdb.yaml").write_text(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n"
        "spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n"
    )
    (pytester.path / "deploy").mkdir()
    (pytester.path / "deploy" / "web.yaml").write_text(DEPLOYMENT.format(name="web"))
    (pytester.path / "deploy" / "linked").symlink_to(outside, target_is_directory=True)
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=K8S-026")
    result.assert_outcomes(failed=1)  # the PDB outside the scanned paths covers nothing


@pytest.mark.parametrize(
    "value", ["1e" + "9" * 5000, "9" * 5000 + "%"], ids=["quantity-exponent", "percentage"]
)
def test_numbers_of_thousands_of_digits_are_not_internal_errors(
    pytester: pytest.Pytester, value: str
) -> None:
    (pytester.path / "web.yaml").write_text(
        DEPLOYMENT.format(name="web")
        + f"          resources: {{limits: {{cpu: '{value}'}}}}\n"
        + f"  strategy: {{rollingUpdate: {{maxUnavailable: '{value}'}}}}\n"
    )
    out = pytester.runpytest("--devops-policy-only", "--tb=short").stdout.str()
    assert "internal error" not in out and "INTERNAL-ERROR" not in out


# -- 6. one RUN of thousands of commands costs linear time ------------------------------------


def test_many_download_pipelines_in_one_run_are_linear(
    tmp_path: object, assert_linear: Linear
) -> None:
    from pathlib import Path

    from pytest_devops_policy.policies import builtin_by_id
    from pytest_devops_policy.testing import actual

    root = Path(str(tmp_path))
    policy = builtin_by_id()["DOCKER-012"]
    for n in (150, 1200):
        run = " && ".join(f"sudo curl -fsSL http://example.com/{i}.sh | sudo sh" for i in range(n))
        (root / f"Dockerfile.{n}").write_text(f"FROM alpine:3.20\nRUN {run}\nUSER 1000\n")

    def cost(n: int) -> None:
        assert actual(root / f"Dockerfile.{n}", policy).violations

    assert_linear(cost, 150)
