"""The benchmark harness (benchmarks/) keeps working. Nothing here is timed.

Small trees only (30 files): determinism of the generator, identical pytest items for the
clean and dirty profiles, the expected outcomes of both, and one end-to-end run of run.py.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from pytest_devops_policy import kinds

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
N_FILES = 30
# Implemented policies the clean profile is written to satisfy. New policies may fail on it
# (their fix belongs in the generator), so only these are asserted to pass.
CLEAN_POLICIES = frozenset(
    {
        "DOCKER-001",
        "DOCKER-003",
        "DOCKER-005",
        "DOCKER-006",
        "K8S-001",
        "K8S-002",
        "K8S-010",
        "K8S-012",
        "K8S-015",
        "GHA-001",
        "GHA-003",
        "GHA-008",
        "GHA-016",
        "TF-001",
        "TF-006",
        "TF-017",
    }
)
_FAILED = re.compile(r"^FAILED (\S+?)(?: - .*)?$", re.M)


def _env() -> dict[str, str]:
    # An outer pytest (or xdist worker) must not leak its options into the runs under test.
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=False
    )


def _pytest(tree: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    ini = tree.parent / f"{tree.name}.ini"
    ini.write_text("[pytest]\n")
    return _run(
        ["-m", "pytest", "--devops-policy-only", str(tree), "-q", "-p", "no:randomly",
         "-p", "no:cacheprovider", "--rootdir", str(tree), "-c", str(ini), *extra],
        tree,
    )  # fmt: skip


@pytest.fixture(scope="module")
def generate() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))  # the benchmarks are scripts, imported by their file name
    try:
        yield importlib.import_module("generate")
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def trees(generate: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bench-trees")
    out = {}
    for profile in ("clean", "dirty"):
        generate.generate(root / profile, N_FILES, profile, seed=0)
        out[profile] = root / profile
    return out


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_generator_is_deterministic(tmp_path: Path) -> None:
    # Separate processes with different hash seeds: nothing may depend on set/dict order.
    def cli(name: str, seed: int, hashseed: str) -> dict[str, bytes]:
        env = {**_env(), "PYTHONHASHSEED": hashseed}
        args = [str(BENCH / "generate.py"), str(tmp_path / name), "--files", str(N_FILES)]
        subprocess.run(
            [sys.executable, *args, "--seed", str(seed)], env=env, check=True, capture_output=True
        )
        return _snapshot(tmp_path / name)

    first = cli("a", 0, "1")
    assert len(first) == N_FILES
    assert cli("b", 0, "2") == first
    assert cli("c", 1, "1") != first


def test_file_mix_and_violation_shares(generate: ModuleType, tmp_path: Path) -> None:
    counts = generate.split_counts(N_FILES)
    assert sum(counts.values()) == N_FILES
    assert all(counts[kind] > 0 for kind in generate.KINDS)
    results = {p: generate.generate(tmp_path / p, N_FILES, p) for p in generate.PROFILES}
    assert results["clean"].violations == 0
    assert results["dirty"].violating_files == N_FILES  # every file, every site
    assert results["dirty"].violations == results["dirty"].violation_sites
    assert 0 < results["mixed"].violating_files < N_FILES
    # Same plan in every profile: same files, same number of violation sites.
    assert {r.violation_sites for r in results.values()} == {results["clean"].violation_sites}
    assert results["mixed"].by_kind == results["clean"].by_kind == counts


def test_profiles_collect_the_same_items(trees: dict[str, Path]) -> None:
    ids = {}
    for profile, tree in trees.items():
        proc = _pytest(tree, "--collect-only")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        # Cross-artifact items exist where a link does (XREF-011 needs a HEALTHCHECK, which
        # the dirty profile's Dockerfiles lack): the same files, not the same links.
        ids[profile] = sorted(
            line for line in proc.stdout.splitlines() if "::" in line and "::XREF-" not in line
        )
    assert ids["clean"], "nothing collected"
    assert ids["clean"] == ids["dirty"]


def test_dirty_fails_in_every_kind_and_clean_passes(trees: dict[str, Path]) -> None:
    failed: dict[str, list[str]] = {}
    for profile, tree in trees.items():
        proc = _pytest(tree, "-rf", "--tb=no")
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        failed[profile] = _FAILED.findall(proc.stdout)

    def kind(nodeid: str) -> str | None:
        path = Path(nodeid.split("::", 1)[0])
        if path.name == ".github":
            return "github-actions"  # a repository's node (repo-level policies)
        found = kinds.classify(path)
        return found.name if found is not None else None

    assert {kind(n) for n in failed["dirty"]} == {
        "dockerfile",
        "kubernetes",
        "github-actions",
        "terraform",
    }
    clean_known = [n for n in failed["clean"] if n.rsplit("::", 1)[-1] in CLEAN_POLICIES]
    assert clean_known == []
    assert len(failed["clean"]) < len(failed["dirty"])


def test_run_py_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    env = {**_env(), "DEVOPS_POLICY_BENCH_CACHE": str(tmp_path / "cache")}
    args = ["--files", str(N_FILES), "--cases", "cold,floor,bound", "--json", str(out)]
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cold/floor" in proc.stdout
    report = json.loads(out.read_text())
    assert report["schema"] == 1
    assert {"tree", "options", "machine", "targets", "results", "checks"} <= report.keys()
    assert report["tree"]["files"] == N_FILES
    assert {"cpu_count", "python", "platform", "plugin_version", "git_commit"} <= set(
        report["machine"]
    )
    cold = report["results"]["cold"]["median"]
    assert {"wall_s", "cpu_s", "peak_rss_mb", "items", "failed"} <= cold.keys()
    assert cold["items"] > 0
    floor_ = report["results"]["floor"]
    assert floor_["bare"]["median"]["items"] == cold["items"]
    assert floor_["parse"]["runs"][0]["extra"]["files"] >= N_FILES
    assert floor_["floor_s"] > 0
    assert [c["target"] for c in report["checks"]] == ["floor_ratio"]
    assert "floor_ratio" in report["targets"]
    # bound: phases.py timed a one-process cold run and a warm run of the same items
    bound = report["results"]["bound"]
    for run in ("serial", "warm"):
        phases = bound[run]["runs"][0]["extra"]["phases"]
        assert 0 < phases["collect_start"] < phases["collect_end"] <= phases["end"]
        assert bound[run]["median"]["items"] == cold["items"]
    assert bound["warm"]["runs"][0]["extra"]["phases"]["analyse_s"] > 0
    assert 0 < bound["warm_bound_s"] <= bound["cold_bound_s"]
    assert "bound: cold" in proc.stdout


@pytest.fixture(scope="module")
def run_module() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 failed, 300 passed, 4 skipped, 2 xfailed in 1.23s", {"failed": 12, "passed": 300,
         "skipped": 4, "xfailed": 2}),
        ("==== 1 failed, 2 passed, 1 warning in 62.34s (0:01:02) ====", {"failed": 1,
         "passed": 2, "warnings": 1}),
        ("collected\n\n5 passed, 3 deselected in 0.10s\n", {"passed": 5, "deselected": 3}),
        ("1 error in 0.20s", {"errors": 1}),
        ("no tests ran in 0.01s", {}),
        ("\x1b[32m3 passed\x1b[0m\x1b[32m in 0.05s\x1b[0m", {"passed": 3}),
        ("internal error, no summary", None),
    ],
)  # fmt: skip
def test_parse_summary(run_module: ModuleType, text: str, expected: dict[str, int] | None) -> None:
    assert run_module.parse_summary(text) == expected


def test_bound_splits_analysis_but_not_building(run_module: ModuleType) -> None:
    serial = {"collect_start": 0.5, "collect_end": 10.5, "end": 12.0, "analyse_s": 8.0}
    warm = {"collect_start": 0.4, "collect_end": 3.4, "end": 5.0, "analyse_s": 1.0}
    b = run_module.bound(serial, warm)
    assert b["build_s"] == pytest.approx(2.0)  # 3.0 s of warm collection, 1.0 s lookups
    assert b["analysis_s"] == pytest.approx(8.0)  # 10.0 s of cold collection, less building
    assert b["tail_s"] == pytest.approx(1.6)
    assert b["cold_bound_s"] == pytest.approx(0.4 + (8.0 + 2.0) / 2 + 1.6)
    assert b["warm_bound_s"] == pytest.approx(0.4 + 2.0 + 1.6)
    # building alone longer than half of everything: the parent's share is the bound
    slow = run_module.bound({**serial, "collect_end": 4.0}, {**warm, "analyse_s": 0.0})
    assert slow["cold_bound_s"] == pytest.approx(0.4 + 3.0 + 1.6)
    median = run_module.median_phases(
        {"runs": [{"extra": {"phases": {"end": t}}} for t in (1.0, 3.0, 2.0)]}
    )
    assert median == {"end": 2.0}


def test_checkov_counts(run_module: ModuleType) -> None:
    report = {"check_type": "terraform", "summary": {"failed": 3, "passed": 5, "resource_count": 2}}
    empty = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0}
    counts, extra = run_module.checkov_counts(json.dumps([report, {**report, "check_type": "x"}]))
    assert counts["failed"] == 6 and counts["passed"] == 10
    assert set(extra["by_framework"]) == {"terraform", "x"}
    counts, _ = run_module.checkov_counts("log line\n" + json.dumps(empty))
    assert counts["failed"] == 0


def test_gha_py_reports_per_workflow_cost(trees: dict[str, Path], tmp_path: Path) -> None:
    # benchmarks/gha.py (issue 16): every GHA policy over the tree's workflows, without
    # zizmor here (it is optional); the numbers are not asserted, only that it runs and counts.
    out = tmp_path / "gha.json"
    result = _run(
        [str(BENCH / "gha.py"), str(trees["dirty"]), "--repeat", "1", "--zizmor", "",
         "--json", str(out)],
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["workflows"] > 0
    assert data["ours"]["policies"] >= 29
    assert data["ours"]["violations"] > 0  # the dirty profile fails GHA policies
    assert "not found" in data["zizmor"]


def test_tf_py_reports_per_file_cost(trees: dict[str, Path], tmp_path: Path) -> None:
    # benchmarks/tf.py (issue 17): every TF policy over the tree's Terraform files, without
    # Checkov here (it is optional); the numbers are not asserted, only that it runs and counts.
    out = tmp_path / "tf.json"
    result = _run(
        [str(BENCH / "tf.py"), str(trees["dirty"]), "--repeat", "1", "--checkov", "",
         "--json", str(out)],
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["files"] > 0
    assert data["ours"]["policies"] >= 30
    assert data["ours"]["violations"] > 0  # the dirty profile fails TF policies
    assert "not found" in data["checkov"]


def test_secrets_py_reports_speed_and_recall(trees: dict[str, Path], tmp_path: Path) -> None:
    # benchmarks/secrets.py (issue 18): the secret scan over the files the plugin reads for
    # secrets, without detect-secrets here (it is optional); recall on the SECRET fixtures and
    # the fake tree. The numbers are not asserted, only that it runs and counts.
    out = tmp_path / "secrets.json"
    fixtures = str(Path(__file__).parent / "golden" / "SECRET-*" / "fail_*")
    result = _run(
        [str(BENCH / "secrets.py"), str(trees["dirty"]), "--repeat", "1",
         "--detect-secrets", "", "--recall", fixtures, "--fakes", "--json", str(out)],
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["files"] > 0 and data["bytes"] > 0
    assert data["ours"]["files_per_s"] > 0 and data["ours"]["mb_per_s"] > 0
    assert data["ours"]["hits"] > 0  # the dirty profile holds secret literals
    assert "not found" in data["detect_secrets"]
    totals = data["recall"]["totals"]
    assert totals["expected"] >= 10 and totals["ours"] == totals["expected"]
    fakes = data["recall_fakes"]["totals"]
    assert fakes["ours"] == fakes["families"] >= 25
