"""Benchmark harness for pytest-devops-policy.

    python benchmarks/run.py --files 2000

Generates (or reuses) a realistic mixed repository, then runs each case as separate processes
and reports wall time, CPU time (user+sys, child processes included), peak RSS, the number of
items and of failed items, and whether each target is met. Raw numbers, machine information
and the targets go to a JSON file (default ``benchmarks/results/latest.json``).

Cases (default: cold, warm, floor, checkov, xdist, serial):

* ``cold``: the plugin with default options, after deleting TREE/.pytest_cache (from 200
  files on the default analyses in one process per CPU: ``--devops-policy-jobs``);
* ``warm``: again, keeping the cache (cold/warm shows what the cache saves);
* ``floor``: parsing every file once with the plugin's parsers, plus bare pytest collecting
  and running as many do-nothing items from as many files (cold / floor, target <= 1.5);
* ``checkov``: Checkov on the same tree (speed >= 10x, peak memory <= 1/3);
* ``xdist``: the cold run with ``-n 2`` (against ``serial`` when measured, else ``cold``;
  speed-up >= 1.4x, meant for >= 5,000 files);
* ``serial``: the cold run in one process (``--devops-policy-jobs=1``): what the default's
  use of every CPU gains (speed-up >= 1.4x, meant for >= 5,000 files);
* ``jobs``: the cold run with ``--devops-policy-jobs=2``, explicitly;
* ``failures``: the ``clean`` and ``dirty`` profiles of the same tree (dirty/clean <= 2x,
  meant for >= 5,000 failing items);
* ``linear``: the cold run at two sizes (per-file cost ratio <= 1.2).

Every measured run is its own process, started from here; CPU and peak RSS come from
``os.wait4``. Noise on shared machines is easily 20-30%: use ``--repeat`` and trust ratios more
than absolute times.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import floor
import generate

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Generated trees are cached here, keyed by size/profile/seed and the generator's source.
CACHE_ROOT = Path(
    os.environ.get("DEVOPS_POLICY_BENCH_CACHE")
    or Path(tempfile.gettempdir()) / "pytest-devops-policy-bench"
)
CASES = (
    "cold",
    "warm",
    "floor",
    "checkov",
    "serial",  # before xdist, which compares with it
    "bound",
    "xdist",
    "jobs",
    "policy-items",
    "failures",
    "linear",
)
DEFAULT_CASES = ("cold", "warm", "floor", "checkov", "xdist", "serial")
# The tree of the unmeasured first run (``Harness.prime``): every kind, every violation site.
PRIME_FILES = 60
CHECKOV_FRAMEWORKS = ("dockerfile", "kubernetes", "github_actions", "terraform")


@dataclass(frozen=True)
class Target:
    """A goal for one derived number: ``value <op> threshold``."""

    description: str
    op: str  # "<=" or ">="
    threshold: float
    unit: str = "x"
    applies: str = ""  # the condition under which the target is meant to hold

    def met(self, value: float) -> bool:
        return value <= self.threshold if self.op == "<=" else value >= self.threshold


TARGETS: dict[str, Target] = {
    "floor_ratio": Target("plugin cold wall / floor wall", "<=", 1.5),
    "checkov_speedup": Target("Checkov wall / plugin cold wall", ">=", 10.0),
    "checkov_memory": Target("plugin peak RSS / Checkov peak memory", "<=", 1 / 3, unit=""),
    "xdist_speedup": Target(
        "plugin cold one-process wall / plugin cold -n 2 wall", ">=", 1.4, applies="files >= 5000"
    ),
    "serial_speedup": Target(
        "plugin cold --devops-policy-jobs=1 wall / plugin cold wall (default: every CPU)",
        ">=",
        1.4,
        applies="files >= 5000",
    ),
    "jobs_speedup": Target(
        "plugin cold wall / plugin cold --devops-policy-jobs=2 wall",
        ">=",
        1.4,
        applies="files >= 5000",
    ),
    "failures_ratio": Target(
        "dirty wall / clean wall (same tree)", "<=", 2.0, applies="dirty failures >= 5000"
    ),
    "linear_ratio": Target("per-file cost, large / small size", "<=", 1.2),
    "linear_rss": Target("peak RSS growth, MB per 1,000 files", "<=", 60.0, unit=""),
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    """One process run. CPU and RSS include every child process it waited for."""

    wall_s: float
    user_s: float | None
    sys_s: float | None
    peak_rss_mb: float | None  # the largest single process of the tree
    tree_mb: float | None = None  # sampled peak of the summed PSS of the whole tree
    exit_code: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cpu_s(self) -> float | None:
        if self.user_s is None or self.sys_s is None:
            return None
        return self.user_s + self.sys_s

    @property
    def items(self) -> int | None:
        c = self.counts
        if not c:  # not a pytest run
            return None
        return sum(c.get(k, 0) for k in ("passed", "failed", "skipped", "xfailed", "xpassed"))

    @property
    def failed(self) -> int | None:
        return self.counts.get("failed", 0) if self.counts else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(cpu_s=self.cpu_s, items=self.items, failed=self.failed)
        return data


def _maxrss_mb(ru_maxrss: int) -> float:
    # Linux reports kilobytes, macOS bytes.
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


class TreeSampler:
    """Samples the summed memory (PSS, else RSS) of a process and its descendants (Linux).

    A single peak RSS under-counts tools that fork workers (Checkov, xdist); summing RSS
    over-counts memory the forks share, PSS does not.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.available = os.path.isdir("/proc/self")
        if self.available:
            self._thread.start()

    def _tree(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read().decode(errors="replace")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(parents.get(pid, ()))
        return tree

    @staticmethod
    def _memory_kb(pid: int) -> int:
        for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
            try:
                with open(f"/proc/{pid}/{name}") as fh:
                    for line in fh:
                        if line.startswith(key):
                            return int(line.split()[1])
            except OSError:
                continue
        return 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            total = sum(self._memory_kb(pid) for pid in self._tree())
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> float | None:
        if not self.available:
            return None
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024 if self.peak_kb else None


def precompile(path: Path, env: Mapping[str, str]) -> None:
    """Compile the measured plugin's bytecode before the first measured run."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(path)],
        env=dict(env),
        check=False,
        stdout=subprocess.DEVNULL,
    )


def child_env(pythonpath: Sequence[str] = ()) -> dict[str, str]:
    """The environment of measured runs: no PYTEST_* leaking in from an outer pytest."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(COLUMNS="120", PY_COLORS="0", NO_COLOR="1")
    # Installed packages run from compiled bytecode; a PYTHONDONTWRITEBYTECODE=1 shell
    # would charge every measured run about a second of compiling the plugin. The
    # bytecode goes to the bench cache, never into the source tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE_ROOT / "pycache")
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([*pythonpath, env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    return env


def measure(
    cmd: Sequence[str],
    log: Path,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    sample_tree: bool = False,
) -> Measurement:
    """Run ``cmd`` to completion with stdout+stderr in ``log``."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=dict(env or child_env())
        )
        sampler = TreeSampler(proc.pid) if sample_tree else None
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            user, sys_, rss = usage.ru_utime, usage.ru_stime, _maxrss_mb(usage.ru_maxrss)
        else:  # Windows: no per-child rusage without third-party modules
            proc.wait()
            wall = time.perf_counter() - start
            user = sys_ = rss = None
        tree = sampler.stop() if sampler else None
    return Measurement(wall, user, sys_, rss, tree, proc.returncode)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_COUNT = re.compile(
    r"(\d+) (failed|passed|skipped|deselected|xfailed|xpassed|warnings?|errors?|rerun)\b"
)
_DURATION = re.compile(r"\bin (\d+(?:\.\d+)?)s\b")


def parse_summary(text: str) -> dict[str, int] | None:
    """Counts from pytest's final line, e.g. ``=== 12 failed, 300 passed, 4 skipped,
    2 xfailed in 1.23s (0:00:01) ===`` or ``no tests ran in 0.01s``; None if absent."""
    for line in reversed(_ANSI.sub("", text).splitlines()):
        line = line.strip().strip("=").strip()
        if not _DURATION.search(line):
            continue
        found = _COUNT.findall(line)
        if not found and "no tests ran" not in line:
            continue
        counts: dict[str, int] = {}
        for number, word in found:
            key = {"warning": "warnings", "error": "errors"}.get(word, word)
            counts[key] = counts.get(key, 0) + int(number)
        return counts
    return None


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class BenchError(RuntimeError):
    pass


# --------------------------------------------------------------------------- trees


def _generator_hash() -> str:
    digest = hashlib.sha256()
    for name in ("generate.py", "emit.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:10]


def generated_tree(files: int, profile: str, seed: int, quiet: bool = False) -> Path:
    """A generated tree in the cache, keyed by size/profile/seed and the generator's source."""
    key = f"files{files}-{profile}-seed{seed}-{_generator_hash()}"
    home = CACHE_ROOT / key
    tree = home / "tree"
    if (home / "manifest.json").is_file() and tree.is_dir():
        return tree
    if not quiet:
        print(f"generating {files} files ({profile}, seed {seed}) into {tree} ...", flush=True)
    home.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="tree-", dir=home))
    result = generate.generate(scratch / "t", files, profile, seed)
    if tree.exists():
        shutil.rmtree(tree)
    os.replace(scratch / "t", tree)  # atomic: a half-written tree is never reused
    shutil.rmtree(scratch, ignore_errors=True)
    manifest = {"files": files, "profile": profile, "seed": seed, **result.to_json()}
    (home / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return tree


def tree_info(tree: Path) -> dict[str, Any]:
    manifest = tree.parent / "manifest.json"
    if manifest.is_file() and tree.name == "tree":
        data: dict[str, Any] = json.loads(manifest.read_text())
        data["path"] = str(tree)
        return data
    files = total = 0
    for _, _, names in os.walk(tree):
        files += len(names)
    for path in tree.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
    return {"path": str(tree), "files": files, "bytes": total}


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def plugin_source(rev: str) -> tuple[Path, str]:
    """The plugin package as of git revision ``rev``, extracted (once) into the cache.

    Measured runs put it first on PYTHONPATH, ahead of the installed (editable) plugin, so an
    older commit can be measured without reinstalling: ``--plugin-rev`` for "before" numbers.
    """
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    if not commit:
        raise SystemExit(f"--plugin-rev: not a commit of {REPO}: {rev}")
    dest = CACHE_ROOT / f"src-{commit[:12]}"
    if not (dest / "pytest_devops_policy" / "__init__.py").is_file():
        CACHE_ROOT.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit, "pytest_devops_policy"],
            capture_output=True,
            check=True,
        ).stdout
        scratch = Path(tempfile.mkdtemp(prefix="src-", dir=CACHE_ROOT))
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(scratch, filter="data")
            else:  # Python < 3.10.12: our own repository's archive, trusted
                tar.extractall(scratch)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(scratch, dest)
    return dest, commit


# --------------------------------------------------------------------------- the harness


class Harness:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.ini = work / "pytest.ini"
        # An empty ini: the measured run must not pick up a pytest configuration from a
        # directory above the tree (the plugin still reads TREE/pyproject.toml).
        self.ini.write_text("[pytest]\n")
        self.results: dict[str, Any] = {}
        self._log_n = 0
        self.pythonpath: list[str] = []  # --plugin-rev: the plugin source to measure
        self.env = child_env()
        precompile(REPO / "pytest_devops_policy", self.env)

    def use_plugin_source(self, path: Path) -> None:
        self.pythonpath = [str(path)]
        self.env = child_env(self.pythonpath)
        precompile(path, self.env)

    def prime(self) -> None:
        """One unmeasured run over a small generated tree. pytest rewrites the asserts of a
        plugin's modules and caches that bytecode apart from ``compileall``'s, on first
        import: without this the first measured run pays it (about a second here), which
        no later run, and no user's second run, does."""
        tree = generated_tree(PRIME_FILES, "dirty", 0, quiet=True)
        shutil.rmtree(tree / ".pytest_cache", ignore_errors=True)
        measure(self.pytest_cmd(tree), self.log("prime"), tree, self.env)

    def log(self, name: str) -> Path:
        self._log_n += 1
        return self.work / f"{self._log_n:02d}-{name}.log"

    # -- running ---------------------------------------------------------------------

    def pytest_cmd(
        self, tree: Path, extra: Sequence[str] = (), profile: str | None = None
    ) -> list[str]:
        head = [sys.executable]
        if profile:
            head += ["-m", "cProfile", "-o", profile]
        return [
            *head,
            "-m",
            "pytest",
            "--devops-policy-only",
            str(tree),
            "-q",
            "-p",
            "no:randomly",
            "--rootdir",
            str(tree),
            "-c",
            str(self.ini),
            *extra,
        ]

    def run_pytest(
        self,
        name: str,
        cmd: Sequence[str],
        cwd: Path,
        env: Mapping[str, str] | None = None,
        sample_tree: bool = False,
    ) -> Measurement:
        log = self.log(name)
        m = measure(cmd, log, cwd, env, sample_tree)
        counts = parse_summary(log.read_text(errors="replace"))
        if m.exit_code not in (0, 1) or counts is None:
            raise BenchError(f"{name}: pytest exited with {m.exit_code}; log {log}:\n{_tail(log)}")
        m.counts = counts
        return m

    def plugin_run(
        self, name: str, tree: Path, cold: bool, extra: Sequence[str] = (), sample: bool = False
    ) -> Measurement:
        if cold:
            shutil.rmtree(tree / ".pytest_cache", ignore_errors=True)
        cmd = self.pytest_cmd(tree, extra)
        return self.run_pytest(name, cmd, tree, self.env, sample_tree=sample)

    def repeated(self, fn: Callable[[], Measurement]) -> dict[str, Any]:
        runs = [fn() for _ in range(self.args.repeat)]
        return summarize(runs)

    # -- cases -----------------------------------------------------------------------

    def case_cold(self, tree: Path) -> dict[str, Any]:
        return self.repeated(lambda: self.plugin_run("cold", tree, cold=True))

    def case_warm(self, tree: Path) -> dict[str, Any]:
        if not (tree / ".pytest_cache").is_dir():
            self.plugin_run("warm-prime", tree, cold=True)
        result = self.repeated(lambda: self.plugin_run("warm", tree, cold=False))
        cold = self.results["cold"]["median"]["wall_s"]
        result["cold_over_warm"] = cold / result["median"]["wall_s"]
        return result

    def case_floor(self, tree: Path) -> dict[str, Any]:
        items = self.results["cold"]["median"]["items"]

        def parse_run() -> Measurement:
            log = self.log("floor-parse")
            cmd = [sys.executable, str(HERE / "floor.py"), "parse", str(tree)]
            m = measure(cmd, log, tree, self.env)
            if m.exit_code != 0:
                raise BenchError(f"floor parse failed; log {log}:\n{_tail(log)}")
            m.extra = json.loads(log.read_text().strip().splitlines()[-1])
            return m

        bare_home = self.work / "bare"
        shutil.rmtree(bare_home, ignore_errors=True)
        bare_tree, bare_files = floor.write_bare_tree(tree, bare_home, items)
        bare_cmd = [
            sys.executable,
            "-m",
            "pytest",
            str(bare_tree),
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:devops_policy",
            "-p",
            "no:devops_policy.builtin",
            "-p",
            floor.BARE_PLUGIN_NAME,
            "--rootdir",
            str(bare_tree),
            "-c",
            str(self.ini),
        ]
        env = child_env([str(bare_home / "plugin"), *self.pythonpath])

        def bare_run() -> Measurement:
            shutil.rmtree(bare_tree / ".pytest_cache", ignore_errors=True)
            return self.run_pytest("floor-bare", bare_cmd, bare_tree, env)

        parse = self.repeated(parse_run)
        bare = self.repeated(bare_run)
        parse_s = statistics.median(
            r["extra"]["import_s"] + r["extra"]["parse_s"] for r in parse["runs"]
        )
        floor_s = parse_s + bare["median"]["wall_s"]
        if bare["median"]["items"] != items:
            raise BenchError(f"bare pytest ran {bare['median']['items']} items, wanted {items}")
        return {
            "parse": parse,
            "bare": bare,
            "bare_files": bare_files,
            "parse_s": parse_s,
            "floor_s": floor_s,
            "ratio": self.results["cold"]["median"]["wall_s"] / floor_s,
        }

    def case_checkov(self, tree: Path) -> dict[str, Any]:
        exe = find_checkov(self.args.checkov)
        if exe is None:
            return {"skipped": "Checkov not found (looked on PATH and next to the Python)"}
        version = _version_of([exe, "--version"])

        def checkov_run() -> Measurement:
            out = self.log("checkov-json")
            log = self.log("checkov")
            # --skip-download: no network (no policy metadata download); stdout is the JSON.
            cmd = [
                exe,
                "-d",
                str(tree),
                "--framework",
                *CHECKOV_FRAMEWORKS,
                "-o",
                "json",
                "--quiet",
                "--skip-download",
            ]
            with open(out, "wb") as stdout, open(log, "wb") as stderr:
                start = time.perf_counter()
                proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, cwd=tree)
                sampler = TreeSampler(proc.pid)
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
                proc.returncode = os.waitstatus_to_exitcode(status)
                tree_mb = sampler.stop()
            m = Measurement(
                wall,
                usage.ru_utime,
                usage.ru_stime,
                _maxrss_mb(usage.ru_maxrss),
                tree_mb,
                proc.returncode,
            )
            if m.exit_code not in (0, 1):
                raise BenchError(f"checkov exited with {m.exit_code}; log {log}:\n{_tail(log)}")
            m.counts, m.extra = checkov_counts(out.read_text(errors="replace"))
            return m

        if not hasattr(os, "wait4"):
            return {"skipped": "needs os.wait4 (Unix)"}
        result = self.repeated(checkov_run)
        plugin = self.results["cold"]["median"]
        memory = _memory(result["median"])
        result.update(
            version=version,
            executable=exe,
            speedup=result["median"]["wall_s"] / plugin["wall_s"],
            memory_ratio=(plugin["peak_rss_mb"] / memory) if memory else None,
            checkov_memory_mb=memory,
        )
        return result

    def phased_run(
        self, name: str, tree: Path, cold: bool, extra: Sequence[str] = ()
    ) -> Measurement:
        """A plugin run with ``phases.py`` loaded: its timeline lands in ``extra["phases"]``."""
        if cold:
            shutil.rmtree(tree / ".pytest_cache", ignore_errors=True)
        out = self.work / f"phases-{self._log_n + 1:02d}.json"
        env = child_env([str(HERE), *self.pythonpath])
        env.update(DEVOPS_POLICY_BENCH_PHASES=str(out), DEVOPS_POLICY_BENCH_T0=repr(time.time()))
        cmd = self.pytest_cmd(tree, [*extra, "-p", "phases"])
        m = self.run_pytest(name, cmd, tree, env)
        try:
            m.extra["phases"] = json.loads(out.read_text())
        except (OSError, ValueError) as exc:
            raise BenchError(f"{name}: phases.py wrote no timeline ({exc})") from exc
        return m

    def case_bound(self, tree: Path) -> dict[str, Any]:
        """What this design could reach at best, from a one-process cold run and a warm run
        with their phases timed (``bound``, below)."""
        serial = self.repeated(
            lambda: self.phased_run(
                "bound-serial", tree, cold=True, extra=("--devops-policy-jobs=1",)
            )
        )
        if not (tree / ".pytest_cache").is_dir():
            self.plugin_run("warm-prime", tree, cold=True)
        warm = self.repeated(lambda: self.phased_run("bound-warm", tree, cold=False))
        result: dict[str, Any] = dict(bound(median_phases(serial), median_phases(warm)))
        result.update(serial=serial, warm=warm)
        cold = self.results["cold"]["median"]["wall_s"]
        result["cold_over_warm_bound"] = cold / result["warm_bound_s"]
        checkov = self.results.get("checkov")
        if checkov and "skipped" not in checkov:
            result["checkov_over_cold_bound"] = checkov["median"]["wall_s"] / result["cold_bound_s"]
        return result

    def case_xdist(self, tree: Path) -> dict[str, Any]:
        if importlib.util.find_spec("xdist") is None:
            return {"skipped": "pytest-xdist is not installed"}
        result = self.repeated(
            lambda: self.plugin_run("xdist", tree, cold=True, extra=("-n", "2"), sample=True)
        )
        base = self.results.get("serial") or self.results["cold"]
        result["speedup"] = base["median"]["wall_s"] / result["median"]["wall_s"]
        return result

    def case_serial(self, tree: Path) -> dict[str, Any]:
        """The cold run in one process: what the default's use of every CPU saves."""
        result = self.repeated(
            lambda: self.plugin_run("serial", tree, cold=True, extra=("--devops-policy-jobs=1",))
        )
        result["speedup"] = result["median"]["wall_s"] / self.results["cold"]["median"]["wall_s"]
        return result

    def case_jobs(self, tree: Path) -> dict[str, Any]:
        """The cold run analysing files in two processes at collection (issue 15)."""
        result = self.repeated(
            lambda: self.plugin_run(
                "jobs", tree, cold=True, extra=("--devops-policy-jobs=2",), sample=True
            )
        )
        result["speedup"] = self.results["cold"]["median"]["wall_s"] / result["median"]["wall_s"]
        return result

    def case_policy_items(self, tree: Path) -> dict[str, Any]:
        """The other item model (one item per resource and policy), cold, beside the default."""
        result = self.repeated(
            lambda: self.plugin_run(
                "policy-items", tree, cold=True, extra=("--devops-policy-items=policy",)
            )
        )
        result["ratio"] = result["median"]["wall_s"] / self.results["cold"]["median"]["wall_s"]
        return result

    def case_failures(self, tree: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for profile in ("clean", "dirty"):
            t = generated_tree(self.args.files, profile, self.args.seed)
            out[profile] = self.repeated(lambda t=t, p=profile: self.plugin_run(p, t, cold=True))
            out[f"{profile}_tree"] = str(t)
        clean, dirty = out["clean"]["median"], out["dirty"]["median"]
        if clean["items"] != dirty["items"]:
            raise BenchError(
                f"clean and dirty trees have {clean['items']} and {dirty['items']} items"
            )
        out.update(
            files=self.args.files,
            ratio=dirty["wall_s"] / clean["wall_s"],
            dirty_failed=dirty["failed"],
            clean_failed=clean["failed"],
        )
        return out

    def case_linear(self, tree: Path) -> dict[str, Any]:
        sizes = self.args.linear_sizes
        out: dict[str, Any] = {"sizes": sizes}
        per_file = []
        for size in sizes:
            t = generated_tree(size, self.args.profile, self.args.seed)
            result = self.repeated(lambda t=t, s=size: self.plugin_run(f"linear-{s}", t, cold=True))
            result["per_file_ms"] = result["median"]["wall_s"] / size * 1000
            result["per_item_ms"] = (
                result["median"]["wall_s"] / max(1, result["median"]["items"]) * 1000
            )
            per_file.append(result["per_file_ms"])
            out[str(size)] = result
        out["ratio"] = per_file[-1] / per_file[0]
        small, large = (out[str(n)]["median"].get("peak_rss_mb") for n in (sizes[0], sizes[-1]))
        if small is not None and large is not None and sizes[-1] > sizes[0]:
            out["rss_mb_per_1000_files"] = (large - small) / (sizes[-1] - sizes[0]) * 1000
        return out

    def profile_run(self, tree: Path, path: Path) -> dict[str, Any]:
        shutil.rmtree(tree / ".pytest_cache", ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        cmd = self.pytest_cmd(tree, profile=str(path))
        m = self.run_pytest("cprofile", cmd, tree, self.env)
        report = {}
        for order in ("cumulative", "tottime"):
            buf = io.StringIO()
            stats = pstats.Stats(str(path), stream=buf)
            stats.strip_dirs().sort_stats(order).print_stats(25)
            report[order] = buf.getvalue()
        return {"path": str(path), "wall_s": m.wall_s, "report": report}


def _memory(median: Mapping[str, Any]) -> float | None:
    """Checkov forks workers: its footprint is the summed tree, or at least its largest process."""
    values = [v for v in (median.get("tree_mb"), median.get("peak_rss_mb")) if v]
    return max(values) if values else None


def summarize(runs: Sequence[Measurement]) -> dict[str, Any]:
    """Every run, plus the median of each number (items and failures are the same in all)."""
    raw = [r.to_json() for r in runs]
    median: dict[str, Any] = {}
    for key in ("wall_s", "cpu_s", "user_s", "sys_s", "peak_rss_mb", "tree_mb", "items", "failed"):
        values = [r[key] for r in raw if r.get(key) is not None]
        median[key] = statistics.median(values) if values else None
    for key in ("items", "failed"):
        if median[key] is not None:
            median[key] = int(median[key])
    return {"median": median, "runs": raw}


def median_phases(summary: Mapping[str, Any]) -> dict[str, float]:
    """The median of each phase mark of a ``repeated`` set of phased runs."""
    marks = [r["extra"]["phases"] for r in summary["runs"]]
    return {k: statistics.median(m[k] for m in marks) for k in marks[0]}


def bound(serial: Mapping[str, float], warm: Mapping[str, float]) -> dict[str, float]:
    """The best cold and warm runs this design allows, from measured phases.

    ``startup`` (process start to collection) and ``tail`` (the run loop, the summary
    and exit) are the warm run's: neither depends on what collection analysed. Of a warm
    collection, ``build`` is what is not ``analyse`` (walking, reading, items and pytest's
    collection machinery), and the one-process cold collection minus ``build`` is the
    ``analysis``. Analysis can be split over two processes, building items cannot (they
    live in the process that runs them), so a cold run on two cores takes at least
    ``startup + max(build, (analysis + build) / 2) + tail``, with no fork cost and a
    perfect split; a warm run whose cache lookups cost nothing, ``startup + build + tail``.
    """
    startup = warm["collect_start"]
    build = (warm["collect_end"] - warm["collect_start"]) - warm["analyse_s"]
    tail = warm["end"] - warm["collect_end"]
    analysis = (serial["collect_end"] - serial["collect_start"]) - build
    return {
        "startup_s": startup,
        "build_s": build,
        "analysis_s": analysis,
        "tail_s": tail,
        "warm_lookup_s": warm["analyse_s"],
        "cold_bound_s": startup + max(build, (analysis + build) / 2) + tail,
        "warm_bound_s": startup + build + tail,
    }


def checkov_counts(text: str) -> tuple[dict[str, int], dict[str, Any]]:
    """Failed/passed checks from Checkov's JSON: one report (a dict) or a list of them."""
    start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    if start < 0:
        raise BenchError("Checkov printed no JSON")
    data = json.loads(text[start:])
    reports = data if isinstance(data, list) else [data]
    counts = {"failed": 0, "passed": 0, "skipped": 0, "parsing_errors": 0, "resources": 0}
    by_framework: dict[str, dict[str, int]] = {}
    for report in reports:
        summary = report.get("summary", report)  # an empty run is a bare summary
        failed = summary.get("failed")
        if failed is None:
            failed = len(report.get("results", {}).get("failed_checks", []))
        entry = {
            "failed": int(failed),
            "passed": int(summary.get("passed", 0)),
            "skipped": int(summary.get("skipped", 0)),
            "parsing_errors": int(summary.get("parsing_errors", 0)),
            "resources": int(summary.get("resource_count", 0)),
        }
        for key, value in entry.items():
            counts[key] += value
        by_framework[str(report.get("check_type", "unknown"))] = entry
    return counts, {"by_framework": dict(sorted(by_framework.items()))}


def find_checkov(explicit: str | None) -> str | None:
    if explicit:
        path = shutil.which(explicit) or (explicit if os.access(explicit, os.X_OK) else None)
        if path is None:
            raise SystemExit(f"--checkov: not an executable: {explicit}")
        return path
    found = shutil.which("checkov")
    if found:
        return found
    beside = Path(sys.executable).parent / ("checkov.exe" if os.name == "nt" else "checkov")
    return str(beside) if beside.is_file() else None


def _version_of(cmd: Sequence[str]) -> str | None:
    try:
        out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[-1].strip() if lines else None


def _dist_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info(env: Mapping[str, str], plugin_commit: str | None) -> dict[str, Any]:
    """The machine, the interpreter, and which plugin code the measured runs import."""
    probe = subprocess.run(
        [sys.executable, "-c", "import pytest_devops_policy as p; print(p.__file__)"],
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=tempfile.gettempdir(),  # not the repository: '' on sys.path would shadow --plugin-rev
        check=False,
    )
    affinity = getattr(os, "sched_getaffinity", None)
    status = _git("status", "--porcelain", "--", "pytest_devops_policy")
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(affinity(0)) if affinity else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "plugin_version": _dist_version("pytest-devops-policy"),
        "plugin_path": str(Path(probe.stdout.strip()).parent) if probe.returncode == 0 else None,
        "pytest_version": _dist_version("pytest"),
        "xdist_version": _dist_version("pytest-xdist"),
        "git_commit": plugin_commit or _git("rev-parse", "HEAD"),
        # Uncommitted changes in the package being measured (never for --plugin-rev).
        "git_dirty": False if plugin_commit else (bool(status) if status is not None else None),
    }


# --------------------------------------------------------------------------- reporting


def checks(results: Mapping[str, Any], files: int) -> list[dict[str, Any]]:
    """Each target with its value, verdict and a note when the size is not the one it is for."""
    out: list[dict[str, Any]] = []

    def add(key: str, value: float | None, note: str = "") -> None:
        if value is None:
            return
        target = TARGETS[key]
        out.append(
            {
                "target": key,
                "description": target.description,
                "value": value,
                "op": target.op,
                "threshold": target.threshold,
                "met": target.met(value),
                "note": note,
            }
        )

    floor_ = results.get("floor")
    if floor_:
        add("floor_ratio", floor_["ratio"])
    checkov = results.get("checkov")
    if checkov and "skipped" not in checkov:
        add("checkov_speedup", checkov["speedup"])
        add("checkov_memory", checkov["memory_ratio"])
    xdist = results.get("xdist")
    if xdist and "skipped" not in xdist:
        note = "" if files >= 5000 else f"meant for >= 5,000 files; this tree has {files:,}"
        add("xdist_speedup", xdist["speedup"], note)
    serial = results.get("serial")
    if serial and "skipped" not in serial:
        note = "" if files >= 5000 else f"meant for >= 5,000 files; this tree has {files:,}"
        add("serial_speedup", serial["speedup"], note)
    jobs = results.get("jobs")
    if jobs and "skipped" not in jobs:
        note = "" if files >= 5000 else f"meant for >= 5,000 files; this tree has {files:,}"
        add("jobs_speedup", jobs["speedup"], note)
    failures = results.get("failures")
    if failures:
        n = failures["dirty_failed"]
        note = "" if n >= 5000 else f"meant for >= 5,000 failing items; dirty has {n:,}"
        add("failures_ratio", failures["ratio"], note)
    linear = results.get("linear")
    if linear:
        sizes = f"sizes {linear['sizes'][0]:,} and {linear['sizes'][-1]:,}"
        add("linear_ratio", linear["ratio"], sizes)
        if linear.get("rss_mb_per_1000_files") is not None:
            add("linear_rss", linear["rss_mb_per_1000_files"], sizes)
    return out


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def table(results: Mapping[str, Any], verdicts: Sequence[Mapping[str, Any]]) -> str:
    rows: list[tuple[str, Mapping[str, Any], str]] = []
    for case in CASES:
        r = results.get(case)
        if r is None:
            continue
        if "skipped" in r:
            rows.append((case, {}, f"skipped: {r['skipped']}"))
        elif case == "cold":
            rows.append(("cold", r["median"], ""))
        elif case == "warm":
            rows.append(("warm", r["median"], f"cold/warm {r['cold_over_warm']:.2f}x"))
        elif case == "floor":
            parse, bare = r["parse"]["median"], r["bare"]["median"]
            rows.append(("floor: parse", parse, f"import+parse {r['parse_s']:.2f} s in-process"))
            rows.append(("floor: bare pytest", bare, f"{r['bare_files']} files"))
            rows.append(("floor", {"wall_s": r["floor_s"]}, f"cold/floor {r['ratio']:.2f}x"))
        elif case == "checkov":
            m = r["median"]
            note = f"{r['speedup']:.1f}x slower than cold"
            if m.get("tree_mb"):
                note += f"; tree memory {m['tree_mb']:.0f} MB"
            rows.append(("checkov", m, note))
        elif case == "xdist":
            note = f"speed-up {r['speedup']:.2f}x"
            if r["median"].get("tree_mb"):
                note += f"; tree memory {r['median']['tree_mb']:.0f} MB"
            rows.append(("xdist -n 2", r["median"], note))
        elif case == "jobs":
            rows.append(("jobs=2", r["median"], f"speed-up {r['speedup']:.2f}x"))
        elif case == "serial":
            rows.append(("jobs=1", r["median"], f"{r['speedup']:.2f}x the cold run's wall"))
        elif case == "bound":
            parts = (
                f"startup {r['startup_s']:.2f} + build {r['build_s']:.2f} + "
                f"analysis {r['analysis_s']:.2f} + tail {r['tail_s']:.2f} s"
            )
            rows.append(("bound: phases", {}, parts))
            note = ""
            if r.get("checkov_over_cold_bound") is not None:
                note = f"Checkov/bound {r['checkov_over_cold_bound']:.2f}x"
            rows.append(("bound: cold", {"wall_s": r["cold_bound_s"]}, note))
            note = f"cold/bound {r['cold_over_warm_bound']:.2f}x"
            rows.append(("bound: warm", {"wall_s": r["warm_bound_s"]}, note))
        elif case == "policy-items":
            rows.append(("items=policy", r["median"], f"{r['ratio']:.2f}x the cold run"))
        elif case == "failures":
            rows.append(("failures: clean", r["clean"]["median"], ""))
            rows.append(("failures: dirty", r["dirty"]["median"], f"dirty/clean {r['ratio']:.2f}x"))
        elif case == "linear":
            for size in r["sizes"]:
                s = r[str(size)]
                rows.append((f"linear: {size}", s["median"], f"{s['per_file_ms']:.2f} ms/file"))
    head = f"{'case':<20}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}{'items':>8}{'failed':>8}  notes"
    lines = [head, "-" * len(head)]
    for name, m, note in rows:
        items = m.get("items")
        lines.append(
            f"{name:<20}{_fmt(m.get('wall_s')):>9}{_fmt(m.get('cpu_s')):>9}"
            f"{_fmt(m.get('peak_rss_mb'), '.0f'):>9}{'-' if items is None else items:>8}"
            f"{'-' if m.get('failed') is None else m['failed']:>8}  {note}"
        )
    if verdicts:
        lines.append("")
        head = f"{'target':<44}{'value':>8}  {'goal':<9}result"
        lines += [head, "-" * len(head)]
        for v in verdicts:
            goal = f"{v['op']} {v['threshold']:.2f}"
            verdict = "PASS" if v["met"] else "FAIL"
            note = f"  ({v['note']})" if v["note"] else ""
            lines.append(f"{v['description']:<44}{v['value']:>8.2f}  {goal:<9}{verdict}{note}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def _csv(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        items = [c.strip() for c in text.split(",") if c.strip()]
        bad = [c for c in items if c not in choices]
        if bad:
            raise argparse.ArgumentTypeError(
                f"unknown: {', '.join(bad)} (choose from {', '.join(choices)})"
            )
        return items

    return parse


def _sizes(text: str) -> list[int]:
    sizes = [int(s) for s in text.split(",") if s.strip()]
    if len(sizes) != 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError("two positive sizes, e.g. 1000,20000")
    return sorted(sizes)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark pytest-devops-policy (see benchmarks/README.md).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--files", type=int, default=2000, help="size of the generated tree")
    where.add_argument("--dir", type=Path, help="benchmark an existing directory instead")
    parser.add_argument("--profile", choices=generate.PROFILES, default="mixed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cases", type=_csv(CASES), default=list(DEFAULT_CASES), help=f"comma list of {CASES}"
    )
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--checkov", help="Checkov executable (default: on PATH or beside python)")
    parser.add_argument("--linear-sizes", type=_sizes, default=[1000, 20000])
    parser.add_argument("--profile-run", type=Path, metavar="PATH", help="cProfile a cold run")
    parser.add_argument(
        "--plugin-rev",
        metavar="REV",
        help="measure the plugin as of this git revision (e.g. a commit before a change) "
        "instead of the installed one",
    )
    parser.add_argument("--keep-work", action="store_true", help="keep logs and scratch files")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.files < 1:
        parser.error("--files must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.dir is not None:
        tree = args.dir.resolve()
        if not tree.is_dir():
            raise SystemExit(f"--dir: not a directory: {tree}")
        for case in ("failures", "linear"):
            if case in args.cases:
                print(f"note: {case} uses generated trees, not --dir", file=sys.stderr)
    else:
        tree = generated_tree(args.files, args.profile, args.seed)
    info = tree_info(tree)
    files = int(info.get("files", 0))
    cases = [c for c in CASES if c in args.cases]
    needs_cold = {
        "cold",
        "warm",
        "floor",
        "checkov",
        "xdist",
        "jobs",
        "serial",
        "policy-items",
        "bound",
    }
    if needs_cold & set(cases) and "cold" not in cases:
        cases.insert(0, "cold")  # the other cases are ratios against it

    work = Path(tempfile.mkdtemp(prefix="run-", dir=CACHE_ROOT if CACHE_ROOT.is_dir() else None))
    harness = Harness(args, work)
    plugin_commit = None
    if args.plugin_rev:
        src, plugin_commit = plugin_source(args.plugin_rev)
        harness.use_plugin_source(src)
    harness.prime()
    machine = machine_info(harness.env, plugin_commit)
    print(f"tree: {tree} ({files:,} files)", flush=True)
    failed = False
    try:
        for case in cases:
            print(f"running {case} ...", flush=True)
            try:
                harness.results[case] = getattr(harness, "case_" + case.replace("-", "_"))(tree)
            except BenchError as exc:
                print(f"error: {exc}", file=sys.stderr)
                harness.results[case] = {"skipped": f"error: {str(exc).splitlines()[0]}"}
                failed = True
        profile = None
        if args.profile_run:
            print("running cold under cProfile ...", flush=True)
            profile = harness.profile_run(tree, args.profile_run.resolve())
    finally:
        if args.keep_work or failed:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    verdicts = checks(harness.results, files)
    checkov = harness.results.get("checkov", {})
    machine["checkov_version"] = checkov.get("version")
    report = {
        "schema": 1,
        "command": ["benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)],
        "tree": info,
        "options": {
            "profile": args.profile,
            "seed": args.seed,
            "repeat": args.repeat,
            "cases": cases,
            "linear_sizes": args.linear_sizes,
            "plugin_rev": args.plugin_rev,
        },
        "machine": machine,
        "targets": {k: asdict(t) for k, t in TARGETS.items()},
        "results": harness.results,
        "checks": verdicts,
    }
    if profile:
        report["profile"] = {"path": profile["path"], "wall_s": profile["wall_s"]}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")

    by_kind = info.get("by_kind") or {}
    kinds = " · ".join(f"{n} {k}" for k, n in sorted(by_kind.items()))
    size = f"{info['bytes'] / 1e6:.1f} MB" if info.get("bytes") else ""
    print()
    print(f"{files:,} files ({info.get('profile', 'existing tree')}): {kinds} {size}".rstrip())
    print(
        f"machine: {machine['cpu_count']} CPUs, {machine['implementation']} {machine['python']}, "
        f"{machine['platform']}; plugin {machine['plugin_version']} @ "
        f"{(machine['git_commit'] or '?')[:10]}{' (dirty)' if machine['git_dirty'] else ''}"
    )
    print()
    print(table(harness.results, verdicts))
    if profile:
        for order, text in profile["report"].items():
            print(f"\ncProfile of the cold run, top 25 by {order} ({profile['path']}):")
            print(text.strip("\n"))
    print(f"\nresults: {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
