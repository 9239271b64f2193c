"""``--devops-policy-jobs``: files analysed in forked processes judge exactly as one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Records every fork of the run and, at its end, which of those processes still exist
# (a zombie counts: os.kill(pid, 0) succeeds on one).
FORK_WATCH = """
import os

_forked = []
_real_fork = os.fork


def _fork():
    pid = _real_fork()
    if pid:
        _forked.append(pid)
    return pid


os.fork = _fork


def pytest_sessionfinish(session):
    alive = []
    for pid in _forked:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.append(pid)
    with open(os.path.join(str(session.config.rootpath), "forks.txt"), "w") as fh:
        fh.write(f"{len(_forked)} {alive}")
"""


@pytest.fixture(autouse=True)
def _default_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DEVOPS_POLICY_ITEMS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # the cache key lives here


def _summary(lines: list[str]) -> list[str]:
    """The devops-policy summary section and pytest's final counts (no timings)."""
    start = next(i for i, line in enumerate(lines) if "devops-policy summary" in line)
    body = [line for line in lines[start:] if not line.startswith("=")]
    final = lines[-1].split(" in ")[0]
    return [*body, final]


def test_jobs_judge_the_same_as_one_process(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    pytester.makeconftest(FORK_WATCH)
    runs = {}
    for jobs in ("1", "2"):
        shutil.rmtree(pytester.path / ".pytest_cache", ignore_errors=True)  # both cold
        runs[jobs] = pytester.runpytest_subprocess(
            "--devops-policy-only", f"--devops-policy-jobs={jobs}", "examples", "-rA"
        )
    one, two = runs["1"], runs["2"]
    assert _summary(one.outlines) == _summary(two.outlines)
    assert one.parseoutcomes() == two.parseoutcomes()
    assert sorted(x for x in one.outlines if x.startswith(("PASSED", "FAILED", "SKIPPED"))) == (
        sorted(x for x in two.outlines if x.startswith(("PASSED", "FAILED", "SKIPPED")))
    )
    forked, alive = (pytester.path / "forks.txt").read_text().split(" ", 1)
    assert int(forked) == 1  # one child, and none survives collection (nor a zombie)
    assert alive == "[]"
    journals = list((pytester.path / ".pytest_cache").rglob("journal-*"))
    assert journals == []  # the child's journal is gone; its results are in the pack
    (pack,) = (pytester.path / ".pytest_cache").rglob("pack")
    assert b" hint-" not in pack.read_bytes()  # the keys it named held for that run only


def test_a_warm_run_with_jobs_reads_the_cache(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    cold = pytester.runpytest_subprocess("--devops-policy-only", "--devops-policy-jobs=2")
    warm = pytester.runpytest_subprocess("--devops-policy-only", "--devops-policy-jobs=auto")
    assert cold.parseoutcomes() == warm.parseoutcomes()
    assert _summary(cold.outlines) == _summary(warm.outlines)


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_bad_jobs_value_is_one_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makefile(".yaml", web="apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n")
    result = pytester.runpytest("--devops-policy-only", f"--devops-policy-jobs={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--devops-policy-jobs must be a positive number or 'auto'*"])


def test_a_bad_jobs_value_in_pyproject_names_its_line(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.devops-policy]\njobs = "many"\n')
    result = pytester.runpytest("--devops-policy-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pyproject.toml:2: jobs must be a positive number*"])


def test_jobs_without_the_result_cache_run_serially_with_a_note(
    pytester: pytest.Pytester,
) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    pytester.makeconftest(FORK_WATCH.replace("config.rootpath", "config.invocation_params.dir"))
    serial = pytester.runpytest_subprocess("--devops-policy-only", "-p", "no:cacheprovider")
    jobs = pytester.runpytest_subprocess(
        "--devops-policy-only", "--devops-policy-jobs=2", "-p", "no:cacheprovider"
    )
    assert jobs.parseoutcomes() == serial.parseoutcomes()
    jobs.stdout.fnmatch_lines(["note: --devops-policy-jobs needs the result cache*"])
    assert (pytester.path / "forks.txt").read_text() == "0 []"


def test_an_interrupted_collection_leaves_no_child(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    pytester.makeconftest(
        FORK_WATCH
        + """

def pytest_collectreport(report):
    if report.nodeid.endswith(".yaml"):
        raise KeyboardInterrupt
"""
    )
    result = pytester.runpytest_subprocess("--devops-policy-only", "--devops-policy-jobs=2")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    forked, alive = (pytester.path / "forks.txt").read_text().split(" ", 1)
    assert int(forked) == 1
    assert alive == "[]"


SUBDIR_POLICY = """
from pytest_devops_policy import policy, Severity, Violation


@policy(
    id="ACME-001",
    name="missing-owner-label",
    title="Workload has no owner label",
    severity=Severity.MEDIUM,
    rationale="On-call must know whom to page.",
    remediation="Add metadata.labels.owner.",
    applies=lambda o: o.is_workload,
)
def missing_owner_label(k8s_object):
    if "owner" not in k8s_object.labels:
        yield Violation("metadata.labels.owner is missing", path=("metadata", "labels"))


def pytest_devops_policy_add_policies(config):
    return [missing_owner_label]
"""


def test_a_conftest_the_child_did_not_load_still_judges_its_files(
    pytester: pytest.Pytester,
) -> None:
    # The child is forked before pytest imports team/conftest.py: it computes another key
    # for team/ files (a miss, never awaited) and the parent analyses them itself.
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    shutil.copytree(EXAMPLES / "insecure", pytester.path / "team")
    (pytester.path / "team" / "conftest.py").write_text(SUBDIR_POLICY, encoding="utf-8")
    runs = {}
    for jobs in ("1", "2"):
        shutil.rmtree(pytester.path / ".pytest_cache", ignore_errors=True)
        runs[jobs] = pytester.runpytest_subprocess(
            "--devops-policy-only", f"--devops-policy-jobs={jobs}", "-rA"
        )
    assert runs["1"].parseoutcomes() == runs["2"].parseoutcomes()
    assert _summary(runs["1"].outlines) == _summary(runs["2"].outlines)
    assert "ACME-001" in runs["2"].stdout.str()


@pytest.mark.parametrize("threshold", [3, 100_000])
def test_unset_jobs_use_every_cpu_from_the_size_threshold_on(
    pytester: pytest.Pytester, threshold: int
) -> None:
    from pytest_devops_policy.settings import usable_cpus

    if usable_cpus() < 2:
        pytest.skip("one usable CPU: an unset jobs setting stays serial")
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    pytester.makeconftest(
        FORK_WATCH
        + "\nfrom pytest_devops_policy.pytest_layer import jobs\n"
        + f"jobs.AUTO_MIN_FILES = {threshold}\n"
    )
    auto = pytester.runpytest_subprocess("--devops-policy-only", "examples", "-rA")
    forked, alive = (pytester.path / "forks.txt").read_text().split(" ", 1)
    assert int(forked) == (usable_cpus() - 1 if threshold == 3 else 0)
    assert alive == "[]"
    assert not any("devops-policy-jobs" in line for line in auto.outlines)  # no note
    shutil.rmtree(pytester.path / ".pytest_cache")
    serial = pytester.runpytest_subprocess(
        "--devops-policy-only", "--devops-policy-jobs=1", "examples", "-rA"
    )
    assert (pytester.path / "forks.txt").read_text() == "0 []"
    assert _summary(auto.outlines) == _summary(serial.outlines)
    assert sorted(x for x in auto.outlines if x.startswith(("PASSED", "FAILED"))) == sorted(
        x for x in serial.outlines if x.startswith(("PASSED", "FAILED"))
    )


def test_a_warm_run_on_the_same_files_forks_nothing(pytester: pytest.Pytester) -> None:
    """After a collection the jobs ran to its end, the same files (paths, sizes, mtimes)
    are cached: a child would only find that out, file by file."""
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    pytester.makeconftest(FORK_WATCH)
    args = ("--devops-policy-only", "--devops-policy-jobs=2", "examples", "-rA")

    def forks() -> int:
        return int((pytester.path / "forks.txt").read_text().split(" ", 1)[0])

    cold = pytester.runpytest_subprocess(*args)
    assert forks() == 1
    warm = pytester.runpytest_subprocess(*args)
    assert forks() == 0
    assert _summary(warm.outlines) == _summary(cold.outlines)
    # Another selection has other results (selection is not part of the cache generation).
    pytester.runpytest_subprocess(*args, "--devops-policy-select", "K8S")
    assert forks() == 1
    (pytester.path / "examples" / "new.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n"
    )
    pytester.runpytest_subprocess(*args)
    assert forks() == 1  # a new file: forked again


@pytest.mark.parametrize(
    ("proc", "files", "quota"),
    [
        ("0::/ci.slice\n", {"ci.slice/cpu.max": "200000 100000\n"}, 2.0),
        ("0::/\n", {"cpu.max": "max 100000\n"}, None),
        (
            "4:cpu,cpuacct:/\n1:name=systemd:/\n",
            {
                "cpu,cpuacct/cpu.cfs_quota_us": "150000\n",
                "cpu,cpuacct/cpu.cfs_period_us": "100000\n",
            },
            1.5,
        ),
        (
            "4:cpu,cpuacct:/\n",
            {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"},
            None,
        ),
        ("garbage\n", {}, None),
    ],
)
def test_a_container_cpu_quota_caps_the_default_jobs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    proc: str,
    files: dict[str, str],
    quota: float | None,
) -> None:
    """A runner limited to 2 CPUs on a big host keeps its whole affinity mask; the cgroup
    quota is what says how many jobs pay."""
    from pytest_devops_policy import settings

    (tmp_path / "cgroup").write_text(proc)
    for rel, text in files.items():
        (tmp_path / "fs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "fs" / rel).write_text(text)
    monkeypatch.setattr(settings, "PROC_CGROUP", str(tmp_path / "cgroup"))
    monkeypatch.setattr(settings, "CGROUP_ROOT", str(tmp_path / "fs"))
    assert settings.cgroup_cpu_quota() == quota
    monkeypatch.setattr(settings.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert settings.usable_cpus() == (64 if quota is None else 2)


# -- claims: who analyses which unit of files ------------------------------------------


def _files(count: int) -> list[tuple[Path, str]]:
    return [(Path(f"/r/d{i // 3}/f{i}.yaml"), "kubernetes") for i in range(count)]


def test_units_are_runs_of_consecutive_files() -> None:
    from pytest_devops_policy.pytest_layer.claims import units

    assert units(7, 3) == [range(0, 3), range(3, 6), range(6, 7)]
    assert units(0, 3) == []


def test_each_process_takes_its_own_units_first_near_the_parent() -> None:
    from pytest_devops_policy.pytest_layer import claims as c

    claims = c.Claims(_files(10), processes=2, unit_files=2)  # five units of two files
    try:
        assert claims.unit_of[str(claims.files[3][0])] == 1
        assert claims.mine(str(claims.files[0][0]))  # unit 0: the parent's own
        assert not claims.mine(str(claims.files[3][0]))
        assert claims.mine("/not/listed.yaml")  # the parent analyses what was not listed
        claims.rank = 1  # as the child sees them
        assert claims.mine(str(claims.files[3][0]))
        assert claims.take(c.CHILD) == 1  # its own (odd) units first
        claims.rank = 0
        assert claims.reach(0) == c.PARENT  # free: the parent's now
        assert claims.reach(1) == c.CHILD  # taken: left to the child
        assert claims.reach(3) == c.PARENT
        assert claims.state(2) == c.SKIPPED  # passed over: the parent did not collect it
        claims.rank = 1
        assert claims.take(c.CHILD) == 4  # no own unit free after the parent: any one
        claims.set(4, c.DONE)
        claims.rank = 0
        assert claims.reach(4) == c.DONE
        assert claims.take(c.PARENT) is None  # all taken
    finally:
        claims.close()


def test_processes_never_take_the_same_unit() -> None:
    import os

    from pytest_devops_policy.pytest_layer import claims as c

    claims = c.Claims(_files(3000), unit_files=1)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        claims.rank = 1
        taken = []
        while (unit := claims.take(c.CHILD)) is not None:
            taken.append(unit)
        os.write(write, ",".join(map(str, taken)).encode())
        os._exit(0)
    os.close(write)
    mine = []
    while (unit := claims.take(c.PARENT)) is not None:
        mine.append(unit)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    claims.close()
    theirs = [int(x) for x in b"".join(chunks).decode().split(",") if x]
    assert sorted(mine + theirs) == list(range(3000))  # each once, none lost


# A child that is slow, dies or hangs after taking its first unit: the parent analyses the
# other units ahead, or itself, and judges exactly as one process.
SLOW_OR_DEAD_CHILD = """
import os, time
from pytest_devops_policy.pytest_layer import claims, jobs

claims.UNIT_FILES = 1
jobs.WAIT_LIMIT = 0.5
PARENT = os.getpid()
_publish = jobs._publish
_ahead = jobs.Jobs._analyse_ahead


def publish(state, session, path, kind, keep=False):
    if os.getpid() != PARENT:
        if MODE == "dead":
            os._exit(0)
        time.sleep(3600 if MODE == "hung" else 0.3)
    return _publish(state, session, path, kind, keep)


def analyse_ahead(self, unit):
    with open(os.path.join(str(self.state.config.rootpath), "ahead.txt"), "a") as fh:
        fh.write(f"{unit}\\n")
    return _ahead(self, unit)


jobs._publish = publish
jobs.Jobs._analyse_ahead = analyse_ahead
"""


@pytest.mark.parametrize("mode", ["slow", "dead", "hung"])
def test_the_parent_works_ahead_of_a_slow_dead_or_hung_child(
    pytester: pytest.Pytester, mode: str
) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "examples")
    pytester.makeconftest(FORK_WATCH + f"\nMODE = {mode!r}\n" + SLOW_OR_DEAD_CHILD)
    runs = {}
    for jobs in ("1", "2"):
        shutil.rmtree(pytester.path / ".pytest_cache", ignore_errors=True)
        runs[jobs] = pytester.runpytest_subprocess(
            "--devops-policy-only", f"--devops-policy-jobs={jobs}", "examples", "-rA"
        )
    one, two = runs["1"], runs["2"]
    assert _summary(one.outlines) == _summary(two.outlines)
    assert sorted(x for x in one.outlines if x.startswith(("PASSED", "FAILED"))) == sorted(
        x for x in two.outlines if x.startswith(("PASSED", "FAILED"))
    )
    ahead = (pytester.path / "ahead.txt").read_text().split()
    assert ahead  # the parent took units ahead rather than wait for the child's
    assert len(ahead) == len(set(ahead))
    forked, alive = (pytester.path / "forks.txt").read_text().split(" ", 1)
    assert (int(forked), alive) == (1, "[]")
