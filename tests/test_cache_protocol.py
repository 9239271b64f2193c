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


def _cache_root(pytester: pytest.Pytester) -> Path:
    return pytester.path / ".pytest_cache" / "d" / "devops-policy"


def _pack(pytester: pytest.Pytester) -> Path:
    """The one pack of the current settings generation."""
    (pack,) = _cache_root(pytester).glob("*/pack")
    return pack


def _lines(pack: Path) -> tuple[bytes, dict[str, tuple[bytes, bytes]]]:
    """A pack's header and its entries: name -> (mac, body)."""
    header, *lines = pack.read_bytes().rstrip(b"\n").split(b"\n")
    entries = {}
    for line in lines:
        mac, name, body = line.split(b" ", 2)
        entries[name.decode()] = (mac, body)
    return header, entries


def _entries(pytester: pytest.Pytester) -> dict[str, bytes]:
    """Result entries (not the per-file facts of the Kubernetes index): name -> body."""
    if not list(_cache_root(pytester).glob("*/pack")):
        return {}
    _, entries = _lines(_pack(pytester))
    return {n: body for n, (_, body) in entries.items() if not n.startswith("facts-")}


def _write_pack(pack: Path, header: bytes, entries: dict[str, tuple[bytes, bytes]]) -> None:
    lines = [header] + [mac + b" " + n.encode() + b" " + body for n, (mac, body) in entries.items()]
    pack.write_bytes(b"\n".join(lines) + b"\n")


def _outcomes(result: pytest.RunResult) -> dict[str, int]:
    return {k: v for k, v in result.parseoutcomes().items() if v}


def _mac(name: str, body: bytes) -> bytes:
    """What the plugin signs an entry with: this user's key."""
    import hashlib
    import hmac

    from pytest_devops_policy.engine.resultcache import user_key

    key = user_key()
    assert key is not None
    return hmac.new(key, name.encode() + b"\0" + body, hashlib.sha256).hexdigest().encode()


def _doctor(pytester: pytest.Pytester, name: str, *, sign: bool) -> None:
    """Rewrite one entry of the pack to report no violation (signed: as the plugin itself
    would; unsigned: as a commit of someone else could)."""
    pack = _pack(pytester)
    header, entries = _lines(pack)
    mac, body = entries[name]
    data = json.loads(body)
    for resource in data["resources"]:
        for outcome in resource[-1]:
            outcome[1] = []
    body = json.dumps(data).encode()
    entries[name] = (_mac(name, body) if sign else mac, body)
    _write_pack(pack, header, entries)


def test_warm_run_reuses_results_and_gives_the_same_outcomes(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(3):
        pytester.makefile(".yaml", **{f"d{i}": DEPLOYMENT.format(name=f"w{i}")})
    cold = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    entries = _entries(pytester)
    assert len(entries) == 3
    # Prove the second run reads the cache: doctor one entry to pass (signed with this
    # user's key, as the plugin itself would: an unsigned edit is a miss, below).
    _doctor(pytester, next(iter(entries)), sign=True)
    warm = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    assert _outcomes(cold) == {"failed": 3}
    assert _outcomes(warm) == {"failed": 2, "passed": 1}
    fresh = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "--devops-policy-no-cache")
    assert _outcomes(fresh) == {"failed": 3}


def test_corrupt_or_partial_entries_are_misses(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    (name,) = _entries(pytester)
    # Entries signed with this user's key whose body is not an entry of this code.
    for garbage in (b"{not json", b"", b'{"v": 1}', b"[]", b'{"v": 999, "kind": "kubernetes"}'):
        pack = _pack(pytester)
        header, entries = _lines(pack)
        entries[name] = (_mac(name, garbage), garbage)
        _write_pack(pack, header, entries)
        result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
        assert _outcomes(result) == {"failed": 1}, garbage
        assert json.loads(_entries(pytester)[name])["v"]  # analysed again, stored again


def test_a_corrupt_partial_or_foreign_pack_is_a_miss(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(3):
        pytester.makefile(".yaml", **{f"d{i}": DEPLOYMENT.format(name=f"w{i}")})
    pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    for name in list(_entries(pytester)):
        _doctor(pytester, name, sign=True)  # a hit would now pass
    good = _pack(pytester).read_bytes()
    header, _, rest = good.partition(b"\n")
    damaged = {
        "truncated": good[: len(good) // 2],
        "no header": rest,
        "another format": header.replace(b"pack ", b"pack 9") + b"\n" + rest,
        "garbage": b"\x00\xff" * 1000,
        "empty": b"",
        "lines cut short": b"\n".join(line[:80] for line in good.split(b"\n")),
    }
    for what, data in damaged.items():
        pack = _pack(pytester)
        pack.write_bytes(data)
        result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
        if what == "truncated":  # the whole lines before the cut are still good entries
            assert _outcomes(result)["failed"] >= 1, what
        else:
            assert _outcomes(result) == {"failed": 3}, what
        assert len(_entries(pytester)) == 3, what  # written again, whole
        for name in list(_entries(pytester)):
            _doctor(pytester, name, sign=True)
    # Not a regular file: not read (a FIFO would block), and replaced at the end.
    pack = _pack(pytester)
    pack.unlink()
    pack.mkdir()
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"failed": 3}


def test_a_tampered_pack_entry_is_ignored_and_the_others_kept(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(3):
        pytester.makefile(".yaml", **{f"d{i}": DEPLOYMENT.format(name=f"w{i}")})
    pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    first, second, _ = _entries(pytester)
    _doctor(pytester, first, sign=True)  # a genuine entry: trusted
    _doctor(pytester, second, sign=False)  # edited without the key: ignored
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    assert _outcomes(result) == {"failed": 2, "passed": 1}


def test_cache_clear_empties_the_pack(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(2):
        pytester.makefile(".yaml", **{f"d{i}": DEPLOYMENT.format(name=f"w{i}")})
    pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    for name in _entries(pytester):
        _doctor(pytester, name, sign=True)
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"passed": 2}
    cleared = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "--cache-clear")
    assert _outcomes(cleared) == {"failed": 2}
    assert all(json.loads(body)["resources"][0][-1][0][1] for body in _entries(pytester).values())


def test_edits_and_policy_changes_invalidate(pytester: pytest.Pytester) -> None:
    conftest = pytester.makeconftest(OWNER_POLICY)
    doc = pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"failed": 1}
    doc.write_text(DEPLOYMENT.format(name="w0").replace("app: w0\n", "app: w0\n    owner: t\n", 1))
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"passed": 1}
    # The policy's module is part of the key: a changed conftest policy runs again.
    conftest.write_text(OWNER_POLICY.replace('"owner" not in', '"team" not in'))
    assert _outcomes(pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")) == {"failed": 1}


def test_the_built_in_code_data_and_parsers_are_part_of_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Results of an older plugin are never reused: every policy module, parser and data
    table is hashed (not only the engine's own package), and the parsers' versions."""
    from pytest_devops_policy.engine import resultcache

    names = {
        p.relative_to(resultcache._PACKAGE_DIR).as_posix() for p in resultcache.package_files()
    }
    assert "policies/kubernetes/k8s_001_run_as_non_root.py" in names
    assert "formats/yamlload.py" in names and "engine/resultcache.py" in names
    assert "data/kubernetes_eol.json" in names
    assert any(n.startswith("data/terraform_modules/") and n.endswith(".tf") for n in names)
    before = resultcache.package_digest()
    monkeypatch.setattr(resultcache, "_file_digest", lambda path: "edited")
    assert resultcache.package_digest() != before
    monkeypatch.undo()
    monkeypatch.setattr(resultcache.importlib.metadata, "version", lambda dist: "99")
    assert resultcache.package_digest() != before


def test_yaml_read_only_for_secrets_is_cached_too(pytester: pytest.Pytester) -> None:
    """App-config YAML found among manifests (judged for secrets only) was analysed again
    on every warm run: its entry says kind "secrets" and was refused as another kind's."""
    log = pytester.path / "fresh.log"
    pytester.makeconftest(
        "from pytest_devops_policy.engine import analyser\n"
        "_fresh = analyser.Analyser._fresh\n"
        "def _logged(self, key, path, *args):\n"
        f"    with open({str(log)!r}, 'a') as fh:\n"
        "        fh.write(path + '\\n')\n"
        "    return _fresh(self, key, path, *args)\n"
        "analyser.Analyser._fresh = _logged\n"
    )
    pytester.makefile(".yaml", settings="server:\n  port: 8080\n  name: web\n")
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    cold = pytester.runpytest_subprocess("--devops-policy-only", "-rA")
    assert sorted(Path(p).name for p in log.read_text().split()) == ["d0.yaml", "settings.yaml"]
    log.unlink()
    warm = pytester.runpytest_subprocess("--devops-policy-only", "-rA")
    assert not log.exists()  # both from the cache
    assert _outcomes(warm) == _outcomes(cold)


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
    assert entries and SECRET not in _pack(pytester).read_text()
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


# A conftest hook printing whether the lean protocol's run loop takes this run.
LOOP_IS_OURS = """
def pytest_collection_finish(session):
    lean = session.config.pluginmanager.get_plugin("devops_policy_protocol")
    print("LOOP-IS-OURS", lean._loop_is_ours(session))
"""


def test_the_run_loop_calls_the_lean_protocol_and_keeps_warnings(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        OWNER_POLICY
        + LOOP_IS_OURS
        + """
import warnings

def pytest_runtest_logreport(report):
    if report.when == "call" and "::" in report.nodeid:
        warnings.warn("seen " + report.nodeid.rsplit("::", 1)[-1], UserWarning)
"""
    )
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    pytester.makepyfile(test_p="def test_py():\n    pass\n")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-s", "-p", "no:randomly")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*LOOP-IS-OURS True*", "*warnings summary*"])
    assert "UserWarning: seen ACME-001" in result.stdout.str()  # the policy item's
    assert "UserWarning: seen test_py" in result.stdout.str()  # the Python test's, via the hook


@pytest.mark.parametrize(
    ("args", "ours"),
    [(("-p", "no:faulthandler"), True), (("-o", "faulthandler_timeout=30"), False)],
)
def test_faulthandler_settings_and_the_run_loop(
    pytester: pytest.Pytester, args: tuple[str, ...], ours: bool
) -> None:
    # A per-item timeout keeps pytest's loop (its wrapper arms the timer); without the
    # faulthandler plugin its option does not exist, which must not break the check.
    pytester.makeconftest(OWNER_POLICY + LOOP_IS_OURS)
    pytester.makefile(".yaml", d0=DEPLOYMENT.format(name="w0"))
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "-s", *args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*LOOP-IS-OURS {ours}*"])


def test_a_plugin_around_the_protocol_keeps_pytests_loop(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        OWNER_POLICY
        + """
import pytest
SEEN = []

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item):
    SEEN.append(item.nodeid)
    return (yield)

def pytest_sessionfinish(session):
    print("WRAPPED", len(SEEN))
"""
    )
    for i in range(3):
        pytester.makefile(".yaml", **{f"d{i}": DEPLOYMENT.format(name=f"w{i}")})
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "-s", "--maxfail=2")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*WRAPPED 2*"])


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
    # The workers' journals are gone once their packs are written.
    assert sorted(p.name for p in _pack(pytester).parent.iterdir()) == [".lock", "pack"]


def test_xdist_workers_analyse_each_file_once_and_a_warm_run_none(
    pytester: pytest.Pytester,
) -> None:
    log = pytester.path / "evaluated.log"
    pytester.makeconftest(
        OWNER_POLICY.replace(
            '    if "owner" not in k8s_object.labels:',
            f"    with open({str(log)!r}, 'a') as fh:\n"
            "        fh.write(k8s_object.name + '\\n')\n"
            '    if "owner" not in k8s_object.labels:',
        )
    )
    for i in range(10):
        pytester.makefile(".yaml", **{f"d{i:02d}": DEPLOYMENT.format(name=f"w{i}")})
    args = (*NO_BUILTIN, "--devops-policy-only", "-n", "2")
    assert _outcomes(pytester.runpytest_subprocess(*args)) == {"failed": 10}
    assert sorted(log.read_text().split()) == sorted(f"w{i}" for i in range(10))
    log.unlink()
    assert _outcomes(pytester.runpytest_subprocess(*args)) == {"failed": 10}
    assert not log.exists()  # every result came from the pack


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


# -- the pack, directly ----------------------------------------------------------------------

KEY = b"k" * 32


def _cache(directory: Path, *, shared: bool = False, key: bytes = KEY) -> object:
    from pytest_devops_policy.engine.resultcache import ResultCache

    return ResultCache(directory, "settings", key, shared=shared)


def _result(name: str) -> object:
    from pytest_devops_policy.engine.analysis import FileResult

    return FileResult("kubernetes", skip_reason=name)


def _hit(cache: object, key: str) -> str | None:
    result = cache.load(key, "kubernetes", "")  # type: ignore[attr-defined]
    return None if result is None else str(result.skip_reason)


def test_two_writers_merge_their_entries(tmp_path: Path) -> None:
    first, second = _cache(tmp_path), _cache(tmp_path)
    assert _hit(first, "a") is None and _hit(second, "b") is None  # both read the pack
    first.store("a", _result("A"), "")  # type: ignore[attr-defined]
    first.store_facts("fa", {"x": 1})  # type: ignore[attr-defined]
    second.store("b", _result("B"), "")  # type: ignore[attr-defined]
    first.close()  # type: ignore[attr-defined]
    second.close()  # type: ignore[attr-defined]  # merges what ``first`` wrote meanwhile
    third = _cache(tmp_path)
    assert (_hit(third, "a"), _hit(third, "b")) == ("A", "B")
    assert third.load_facts("fa") == {"x": 1}  # type: ignore[attr-defined]
    # Another user's key: every entry is ignored.
    stranger = _cache(tmp_path, key=b"s" * 32)
    assert _hit(stranger, "a") is None and stranger.load_facts("fa") is None  # type: ignore[attr-defined]


def _write_many(directory: str, worker: int, rounds: int) -> None:
    for r in range(rounds):
        cache = _cache(Path(directory))
        for i in range(20):
            cache.store(f"w{worker}-r{r}-{i}", _result(f"{worker}"), "")  # type: ignore[attr-defined]
        cache.close()  # type: ignore[attr-defined]


def test_concurrent_writers_never_leave_an_invalid_pack(tmp_path: Path) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(str(tmp_path), w, 15)) for w in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    (pack,) = tmp_path.glob("*/pack")
    header, entries = _lines(pack)
    assert header.startswith(b"pytest-devops-policy result pack")
    cache = _cache(tmp_path)
    # Every line is whole and signed, and each writer's last round survived (it merged).
    assert all(_hit(cache, name) is not None for name in entries)
    for w in range(3):
        assert _hit(cache, f"w{w}-r14-0") == str(w)
    assert not list(tmp_path.glob("*/.pack*.tmp"))


def test_the_pack_is_bounded_and_keeps_what_the_last_run_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_devops_policy.engine import resultcache

    monkeypatch.setattr(resultcache, "MIN_KEPT_ENTRIES", 10)
    cache = _cache(tmp_path)
    for i in range(30):
        cache.store(f"old{i}", _result("old"), "")  # type: ignore[attr-defined]
    cache.close()  # type: ignore[attr-defined]
    (pack,) = tmp_path.glob("*/pack")
    assert len(_lines(pack)[1]) == 30  # all used by that run: kept
    cache = _cache(tmp_path)
    for i in range(4):
        cache.store(f"new{i}", _result("new"), "")  # type: ignore[attr-defined]
    assert _hit(cache, "old29") == "old"
    cache.close()  # type: ignore[attr-defined]
    names = list(_lines(pack)[1])
    assert len(names) == 10  # max(MIN_KEPT_ENTRIES, 2 x the 5 used)
    assert names[:5] == ["new0", "new1", "new2", "new3", "old29"]  # this run's first


def test_a_warm_run_does_not_rewrite_the_pack(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    cache.store("a", _result("A"), "")  # type: ignore[attr-defined]
    cache.close()  # type: ignore[attr-defined]
    (pack,) = tmp_path.glob("*/pack")
    before = pack.stat()
    cache = _cache(tmp_path)
    assert _hit(cache, "a") == "A"
    cache.close()  # type: ignore[attr-defined]
    after = pack.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_xdist_peers_read_each_other_through_journals_then_the_pack(tmp_path: Path) -> None:
    owner, peer = _cache(tmp_path, shared=True), _cache(tmp_path, shared=True)
    assert _hit(peer, "a") is None
    owner.store("a", _result("A"), "")  # type: ignore[attr-defined]
    owner.store("b", _result("B"), "")  # type: ignore[attr-defined]
    found = peer.wait("a", "kubernetes", "", 5.0)  # type: ignore[attr-defined]
    assert found is not None and found.skip_reason == "A"  # from the owner's journal
    assert peer.wait("missing", "kubernetes", "", 0.05) is None  # type: ignore[attr-defined]
    owner.store("c", _result("C"), "")  # type: ignore[attr-defined]
    owner.close()  # type: ignore[attr-defined]  # the journal goes, the pack has it all
    assert sorted(p.name for p in next(tmp_path.iterdir()).iterdir()) == [".lock", "pack"]
    found = peer.wait("c", "kubernetes", "", 5.0)  # type: ignore[attr-defined]
    assert found is not None and found.skip_reason == "C"
    # A half-written journal line (a worker in the middle of a write) is not read yet.
    journal = next(tmp_path.iterdir()) / "journal-1-x"
    whole = owner._line("d", '{"half":')  # type: ignore[attr-defined]
    journal.write_bytes(whole[:-3])
    assert peer.wait("d", "kubernetes", "", 0.05) is None  # type: ignore[attr-defined]


def test_key_hints_reach_peers_of_this_run_and_never_the_pack(tmp_path: Path) -> None:
    """A forked job names the keys it computed (jobs.py), so its parent need not compute
    them again. A hint holds only for the run that wrote it (a later run's files may
    differ): it is never kept in the pack, and a later run never finds one, even in a
    journal a killed run left behind."""
    from pytest_devops_policy.engine.registry import PolicySet

    child, parent = _cache(tmp_path, shared=True), _cache(tmp_path, shared=True)
    parent.run_id = child.run_id  # type: ignore[attr-defined]  # as fork() would have it
    parent.polling = True  # type: ignore[attr-defined]
    policies = PolicySet(())
    pod, job = b"kind: Pod\n", b"kind: Job\n"
    name = child.hint_name("kubernetes", "k8s/a.yaml", pod, policies)  # type: ignore[attr-defined]
    assert name == parent.hint_name("kubernetes", "k8s/a.yaml", pod, policies)  # type: ignore[attr-defined]
    assert name != parent.hint_name("kubernetes", "k8s/a.yaml", job, policies)  # type: ignore[attr-defined]
    assert parent.hint(name) is None  # type: ignore[attr-defined]
    child.store("k1", _result("A"), "")  # type: ignore[attr-defined]
    child.put_hint(name, "k1")  # type: ignore[attr-defined]
    assert parent.hint(name) == "k1"  # type: ignore[attr-defined]
    assert not parent.has(name)  # type: ignore[attr-defined]  # not an entry
    parent.store("k2", _result("B"), "")  # type: ignore[attr-defined]  # something to write
    parent.close()  # type: ignore[attr-defined]
    pack = next(tmp_path.iterdir()) / "pack"
    assert b"hint-" not in pack.read_bytes()
    # A later run: the child's journal is still there (a killed run), and a signed hint
    # line is even put into the pack; neither is found.
    pack.write_bytes(pack.read_bytes() + child._line(name, "k1") + b"\n")  # type: ignore[attr-defined]
    later = _cache(tmp_path, shared=True)
    again = later.hint_name("kubernetes", "k8s/a.yaml", pod, policies)  # type: ignore[attr-defined]
    assert again != name and later.hint(again) is None  # type: ignore[attr-defined]
    # And with the journal gone, the pack's line is not read as a hint (or an entry).
    for journal in next(tmp_path.iterdir()).glob("journal-*"):
        journal.unlink()
    same = _cache(tmp_path, shared=True)
    same.run_id = child.run_id  # type: ignore[attr-defined]
    assert same.hint(name) is None and not same.has(name)  # type: ignore[attr-defined]
