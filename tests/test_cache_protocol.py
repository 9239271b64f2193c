"""The result cache, the lean runtest protocol and xdist work sharing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DEPLOYMENT, OWNER_POLICY, parse_junit

NO_BUILTIN = ("-p", "no:devops_policy.builtin")
SECRET = "s3cr3tValue9xQ7pLm2"
DOCKERFILE = f"""\
FROM python:3.12-slim@sha256:{"a" * 64}
ARG API_KEY={SECRET}
RUN echo build
USER 10001
"""


def _entries(pytester: pytest.Pytester) -> list[Path]:
    """Result entries (not the per-file facts of the Kubernetes index)."""
    root = pytester.path / ".pytest_cache" / "d" / "devops-policy"
    found = root.glob("*/*.json") if root.is_dir() else ()
    return sorted(p for p in found if not p.name.startswith("facts-"))


def _outcomes(result: pytest.RunResult) -> dict[str, int]:
    return {k: v for k, v in result.parseoutcomes().items() if v}


def _resign(entry: Path, payload: str) -> bytes:
    import hashlib
    import hmac

    from pytest_devops_policy.engine.resultcache import user_key

    key = user_key()
    assert key is not None
    body = payload.encode()
    mac = hmac.new(key, entry.stem.encode() + b"\0" + body, hashlib.sha256).hexdigest()
    return mac.encode() + b"\n" + body


def test_warm_run_reuses_results_and_gives_the_same_outcomes(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(3):
        pytester.makefile(".yaml", **{f"d{i}": DEPLOYMENT.format(name=f"w{i}")})
    cold = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    entries = _entries(pytester)
    assert len(entries) == 3
    # Prove the second run reads the cache: doctor one entry to pass (signed with this
    # user's key, as the plugin itself would: an unsigned edit is a miss, test_hostile.py).
    _, _, body = entries[0].read_bytes().partition(b"\n")
    data = json.loads(body)
    for resource in data["resources"]:
        for outcome in resource[-1]:
            outcome[1] = []
    entries[0].write_bytes(_resign(entries[0], json.dumps(data)))
    warm = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    assert _outcomes(cold) == {"failed": 3}
    assert _outcomes(warm) == {"failed": 2, "passed": 1}
    fresh = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "--devops-policy-no-cache")
    assert _outcomes(fresh) == {"failed": 3}


def test_corrupt_or_partial_entries_are_misses(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    for garbage in ("{not json", "", '{"v": 1}', "[]", '{"v": 999, "kind": "kubernetes"}'):
        for entry in _entries(pytester):
            entry.write_text(garbage)
        result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
        assert _outcomes(result) == {"failed": 1}, garbage


def test_edits_and_policy_changes_invalidate(pytester: pytest.Pytester) -> None:
    conftest = pytester.makeconftest(OWNER_POLICY)
    doc = pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"failed": 1}
    doc.write_text(DEPLOYMENT.format(name="w0").replace("app: w0\n", "app: w0\n    owner: t\n", 1))
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"passed": 1}
    # The policy's module is part of the key: a changed conftest policy runs again.
    conftest.write_text(OWNER_POLICY.replace('"owner" not in', '"team" not in'))
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"failed": 1}


def test_settings_are_part_of_the_key(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    args = ("--devops-policy-only", "--devops-policy-select", "K8S-001")
    first = pytester.runpytest(*args)
    second = pytester.runpytest(*args, "--devops-policy-option", "k8s.require_digest=true")
    assert len(_entries(pytester)) == 1  # one settings generation at a time
    assert first.parseoutcomes() == second.parseoutcomes()


def test_secrets_never_reach_the_cache_and_stay_masked_when_warm(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile("", Dockerfile=DOCKERFILE)
    args = ("--devops-policy-only", "--devops-policy-select", "DOCKER-006", "-rf")
    cold = pytester.runpytest(*args)
    cold.assert_outcomes(failed=1)
    entries = _entries(pytester)
    assert entries and all(SECRET not in e.read_text() for e in entries)
    warm = pytester.runpytest(*args)
    warm.assert_outcomes(failed=1)
    for result in (cold, warm):
        assert SECRET not in result.stdout.str()
    cold_text = [line for line in cold.stdout.lines if "DOCKER-006" in line]
    warm_text = [line for line in warm.stdout.lines if "DOCKER-006" in line]
    assert cold_text == warm_text


def test_terraform_module_siblings_are_part_of_the_key(pytester: pytest.Pytester) -> None:
    (pytester.path / "main.tf").write_text(
        'resource "aws_security_group" "web" {\n'
        '  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
        "    cidr_blocks = var.allowed\n  }\n}\n"
    )
    variables = pytester.path / "variables.tf"
    variables.write_text('variable "allowed" {\n  default = ["10.0.0.0/8"]\n}\n')
    args = ("--devops-policy-only", "--devops-policy-select", "TF-006")
    assert _outcomes(pytester.runpytest(*args)) == {"passed": 1}
    variables.write_text('variable "allowed" {\n  default = ["0.0.0.0/0"]\n}\n')
    assert _outcomes(pytester.runpytest(*args)) == {"failed": 1}


def test_a_policy_that_raises_fails_its_item_only(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY.replace('if "owner" not in k8s_object.labels:', "if 1 / 0:"))
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    for _ in range(2):  # cold, then from the cache
        result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*internal error while checking*", "*ZeroDivisionError*"])


# -- the lean protocol ---------------------------------------------------------------------


def test_lean_and_standard_protocols_report_the_same(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    pytester.makefile(
        ".yaml",
        d1=DEPLOYMENT.format(name="w1").replace(
            "  name: w1\n",
            "  name: w1\n  annotations:\n    devops-policy.io/ignore: ACME-001\n"
            '    devops-policy.io/ignore-reason: "legacy"\n',
        ),
    )
    pytester.makefile(
        ".yaml", d2=DEPLOYMENT.format(name="w2").replace("app: w2\n", "app: w2\n    owner: t\n", 1)
    )
    reports = {}
    for protocol in ("lean", "standard"):
        xml = pytester.path / f"{protocol}.xml"
        result = pytester.runpytest(
            *NO_BUILTIN,
            "--devops-policy-only",
            "--devops-policy-no-cache",
            f"--devops-policy-protocol={protocol}",
            f"--junitxml={xml}",
            "-rA",
        )
        result.assert_outcomes(failed=1, passed=1, xfailed=1)
        reports[protocol] = parse_junit(xml)
    assert reports["lean"] == reports["standard"]


def test_lean_items_tear_down_python_fixtures_in_order(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    pytester.makepyfile(
        test_a="""
        import pytest
        EVENTS = []

        @pytest.fixture(scope="module")
        def res():
            EVENTS.append("up")
            yield
            EVENTS.append("down")

        def test_one(res):
            pass
        """,
    )
    pytester.makefile(".yaml", b=DEPLOYMENT.format(name="w0"))
    pytester.makepyfile(
        test_c="""
        import test_a

        def test_after():
            assert test_a.EVENTS == ["up", "down"]
        """
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)


def test_marked_items_take_the_standard_protocol(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        OWNER_POLICY
        + """
import pytest

def pytest_collection_modifyitems(items):
    for item in items:
        if item.name == "ACME-001":
            item.add_marker(pytest.mark.skip(reason="not today"))
"""
    )
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*not today*"])


def test_exitfirst_and_last_failed_work_with_the_lean_protocol(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(3):
        pytester.makefile(".yaml", **{f"d{i}": DEPLOYMENT.format(name=f"w{i}")})
    pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "-x").assert_outcomes(failed=1)
    lf = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "--lf")
    lf.assert_outcomes(failed=1)


# -- xdist ---------------------------------------------------------------------------------


def test_xdist_workers_share_analysis_and_agree_with_a_serial_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(12):
        name = f"w{i}"
        text = DEPLOYMENT.format(name=name)
        if i % 3 == 0:
            text = text.replace(f"app: {name}\n", f"app: {name}\n    owner: t\n", 1)
        pytester.makefile(".yaml", **{f"d{i:02d}": text})
    serial = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "--devops-policy-no-cache")
    parallel = pytester.runpytest_subprocess(*NO_BUILTIN, "--devops-policy-only", "-n", "2")
    assert _outcomes(serial) == _outcomes(parallel) == {"failed": 8, "passed": 4}
    # Each file was analysed once, by one of the two workers.
    assert len(_entries(pytester)) == 12


def test_every_indexed_format_names_its_dependencies() -> None:
    # Without ``dependencies`` or a ``cache_token`` a kind with a cross-file index is never
    # cached (safe, but slow).
    from pytest_devops_policy.kinds import KINDS
    from pytest_devops_policy.kinds.base import FormatDefaults

    for kind in KINDS:
        if kind.load_format is None:
            continue
        fmt = type(kind.format)
        if fmt.index is not FormatDefaults.index:
            named = (
                fmt.dependencies is not FormatDefaults.dependencies
                or fmt.cache_token is not FormatDefaults.cache_token
            )
            assert named, kind.name


def test_workflow_dependencies_are_the_repository_workflows(tmp_path: Path) -> None:
    from pytest_devops_policy.indexes import workflows as github_actions

    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    for name in ("b.yml", "a.yaml", "notes.txt"):
        (wf / name).write_text("on: push\n")
    deps = github_actions.dependencies(str(wf / "b.yml"))
    assert [Path(p).name for p in deps] == ["a.yaml", "b.yml"]


# -- Dockerfiles read their build context ----------------------------------------------------

PROTECTIVE = ".git\n.env*\n*.pem\n*.key\n"


@pytest.fixture
def docker_dependencies() -> None:
    """The dockerfile kind names its build-context dependencies."""
    from pytest_devops_policy.kinds import by_name
    from pytest_devops_policy.kinds.base import FormatDefaults

    assert type(by_name("dockerfile").format).dependencies is not FormatDefaults.dependencies


def _docker_run(pytester: pytest.Pytester, policy_id: str, *extra: str) -> dict[str, int]:
    args = ("--devops-policy-only", "--devops-policy-select", policy_id, *extra)
    return _outcomes(pytester.runpytest(*args))


def test_a_changed_dockerignore_invalidates_the_cached_result(
    pytester: pytest.Pytester, docker_dependencies: None
) -> None:
    pytester.makefile("", Dockerfile="FROM python:3.12-slim\nCOPY . /app\n")
    ignore = pytester.path / ".dockerignore"
    ignore.write_text(PROTECTIVE)
    assert _docker_run(pytester, "DOCKER-008") == {"passed": 1}
    assert _docker_run(pytester, "DOCKER-008") == {"passed": 1}
    assert len(_entries(pytester)) == 1  # the unchanged second run was a hit
    ignore.write_text(PROTECTIVE + "!server.key\n")
    assert _docker_run(pytester, "DOCKER-008") == {"failed": 1}
    ignore.unlink()
    assert _docker_run(pytester, "DOCKER-008") == {"failed": 1}
    ignore.write_text(PROTECTIVE)
    assert _docker_run(pytester, "DOCKER-008") == {"passed": 1}
    # The Dockerfile-specific ignore file appears and wins over .dockerignore.
    (pytester.path / "Dockerfile.dockerignore").write_text(".git\n")
    assert _docker_run(pytester, "DOCKER-008") == {"failed": 1}


def test_a_new_secret_file_matching_a_copy_glob_invalidates(
    pytester: pytest.Pytester, docker_dependencies: None
) -> None:
    pytester.makefile("", Dockerfile="FROM python:3.12-slim\nCOPY config/*.json /etc/app/\n")
    config = pytester.path / "config"
    config.mkdir()
    (config / "app.json").write_text("{}\n")
    assert _docker_run(pytester, "DOCKER-007") == {"passed": 1}
    assert _docker_run(pytester, "DOCKER-007") == {"passed": 1}
    assert len(_entries(pytester)) == 1
    (config / "credentials.json").write_text("{}\n")  # same bytes everywhere else
    assert _docker_run(pytester, "DOCKER-007") == {"failed": 1}
    (config / "credentials.json").unlink()
    assert _docker_run(pytester, "DOCKER-007") == {"passed": 1}


def test_a_new_secret_file_deep_in_a_copied_directory_invalidates(
    pytester: pytest.Pytester, docker_dependencies: None
) -> None:
    pytester.makefile("", Dockerfile="FROM python:3.12-slim\nCOPY src/ /app/\n")
    (pytester.path / "src" / "pkg").mkdir(parents=True)
    (pytester.path / "src" / "pkg" / "main.py").write_text("")
    assert _docker_run(pytester, "DOCKER-007") == {"passed": 1}
    (pytester.path / "src" / "pkg" / ".env").write_text("A=1\n")
    assert _docker_run(pytester, "DOCKER-007") == {"failed": 1}


def test_dockerfile_dependencies_follow_the_context_setting(
    pytester: pytest.Pytester, docker_dependencies: None
) -> None:
    docker = pytester.path / "docker"
    docker.mkdir()
    (docker / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    ignore = pytester.path / ".dockerignore"
    ignore.write_text(PROTECTIVE)
    args = ("--devops-policy-option", "docker.context=.")
    assert _docker_run(pytester, "DOCKER-008", *args) == {"passed": 1}
    assert _docker_run(pytester, "DOCKER-008") == {"failed": 1}  # context: docker/
    ignore.write_text(".git\n")
    assert _docker_run(pytester, "DOCKER-008", *args) == {"failed": 1}
