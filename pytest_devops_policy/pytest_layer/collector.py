"""The active plugin: registered in ``pytest_configure`` only when policy checks are enabled.

Keeping collection hooks on this object (the pytest-mypy pattern) means a
plain ``pytest`` run never calls them, never imports a parser and pays nothing.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Generator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy import discovery, kinds
from pytest_devops_policy.engine.analyser import Analyser, Shard
from pytest_devops_policy.engine.budget import Budget
from pytest_devops_policy.engine.registry import PolicyConflict, PolicySet, build_policy_set
from pytest_devops_policy.model import RecentText
from pytest_devops_policy.pytest_layer.nodes import ConfigWaivers, PolicyFile
from pytest_devops_policy.pytest_layer.summary import ScanTally, Tally, WaiverLedger, render
from pytest_devops_policy.secretsbaseline import Baseline
from pytest_devops_policy.settings import Settings

LEDGER_OUTPUT = "devops_policy_ledger"
SCAN_OUTPUT = "devops_policy_scan"
CHANGED_OUTPUT = "devops_policy_changed"  # what a worker pulled in (--devops-policy-changed)
# Set by a plugin that narrows the run without deselecting (the pre-commit hook collects
# only the changed files' directories): waivers of files left out are not "unused".
PARTIAL_RUN = pytest.StashKey[bool]()


def _is_policy_report(report: pytest.TestReport) -> bool:
    props = report.user_properties
    return bool(props) and props[0][0] in ("policy_id", "resource")


# A resource item's own properties; every other key without a dot is a policy id.
_RESOURCE_KEYS = frozenset({"resource", "kind", "file", "line"})
# A verdict's status, as the summary counts it.
_TALLY_OUTCOME = {"unknown": "skipped", "error": "failed"}
# The outcomes whose policy, severity and place the summary reads (summary.Tally.add).
_TALLY_DETAILED = frozenset({"failed", "skipped"})
_NO_PROPS: dict[str, str] = {}


def _secrets_baseline(rootdir: str, settings: Settings) -> Baseline:
    """The secrets baseline (``secrets.baseline``); a broken one is one usage error."""
    from pytest_devops_policy.options import SecretsOptions
    from pytest_devops_policy.secretsbaseline import BaselineError, load

    shown = settings.options.of(SecretsOptions).baseline
    path = shown if os.path.isabs(shown) else os.path.join(rootdir, shown)
    try:
        return load(path, shown)
    except BaselineError as exc:
        raise pytest.UsageError(f"devops-policy: {exc}") from None


class DevopsPolicy:
    """The plugin while a run is active: adapts the analyser's results to pytest."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.analyser = Analyser(
            str(config.rootpath),
            _run_roots(config),
            settings.options,
            _cache_dir(config, settings),
            _shard(config),
            Budget(settings.file_timeout, settings.file_memory),
        )
        # Tree walks of run-wide indexes (TF-022's trail search) leave out what pytest does.
        self.analyser.cache.today = settings.today
        self.analyser.cache.excludes = discovery.run_excludes(
            config.getoption("ignore"), config.getoption("ignore_glob")
        )
        self.charts = discovery.HelmCharts()
        self.recent = RecentText()
        self.ledger = WaiverLedger()
        self.ledger.declare(list(settings.waivers))
        self.secrets_baseline = _secrets_baseline(str(config.rootpath), settings)
        self.ledger.declare(list(self.secrets_baseline.waivers.values()))
        # The findings baseline (issue 22): the one read, and the files this run judged
        # (None when no baseline is read or written: nothing to track).
        from pytest_devops_policy.pytest_layer import baseline

        self.baseline = baseline.load_read(settings)
        self.baseline_written = baseline.load_written(settings)
        self.baseline_files: set[str] = set()
        self.tracks_files = self.baseline is not None or bool(settings.baseline_write)
        self.baseline_counts: Counter[str] = Counter()
        base = settings.merge_base
        if base is not None and self.baseline is None:
            self.notes.append(f"waivers read at {base.short} (the merge-base with {base.ref})")
        self.tally = Tally()
        self.scan = ScanTally()
        self.notes: list[str] = []
        # Policies whose why/fix a failure has printed in this run (printed once per policy).
        self.explained: set[str] = set()
        self.deselected = 0
        self._policies: dict[Path, PolicySet] = {}
        # Directories whose conftest scopes offer the same policy objects share one set
        # (built once, not once per directory); the hook results are kept to pin the ids.
        self._policy_sets: dict[tuple[tuple[int, ...], ...], tuple[PolicySet, object]] = {}
        # nodeid -> the record of what the item judged, until its call report takes it
        # (reports/model.py); None when no report format is asked for: items record nothing.
        self.pending: dict[str, dict[str, Any]] | None = (
            {} if settings.reports.wanted(os.environ) or settings.baseline_write else None
        )
        from pytest_devops_policy.options import SecretsOptions

        self._secret_dirs = discovery.secrets_dot_dirs(settings.options.of(SecretsOptions).include)
        self._markers: dict[str, pytest.MarkDecorator] = {}
        # --devops-policy-changed: the files judged (None: all); a partial run.
        from pytest_devops_policy.pytest_layer.changed import from_settings

        self.changed = from_settings(
            str(config.rootpath),
            settings.changed,
            self.analyser.context,
            settings.config_path,
            _xref_kinds(settings) if settings.changed else frozenset(),
        )
        if self.changed is not None:
            config.stash[PARTIAL_RUN] = True

    # -- shared state for nodes --------------------------------------------------------

    def marker(self, name: str) -> pytest.MarkDecorator:
        mark = self._markers.get(name)
        if mark is None:
            mark = self._markers[name] = getattr(pytest.mark, name)
        return mark

    def policies_for(self, node: pytest.Collector) -> PolicySet:
        """Hook results through the file's ``ihook``: conftest scoping, cached per directory."""
        try:
            return self.policies_at(node.path, node.ihook)
        except PolicyConflict as exc:
            raise node.CollectError(str(exc)) from None

    def policies_at(self, path: Path, ihook: Any) -> PolicySet:
        """The policies of a file's directory, through ``ihook`` (its conftest scope)."""
        directory = path.parent
        hit = self._policies.get(directory)
        if hit is None:
            results = ihook.pytest_devops_policy_add_policies(config=self.config)
            offered = tuple(tuple(map(id, r or ())) for r in results)
            shared = self._policy_sets.get(offered)
            if shared is None:
                shared = self._policy_sets[offered] = (
                    build_policy_set(results, self.settings),
                    results,
                )
            hit = self._policies[directory] = shared[0]
        return hit

    # -- collection --------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session) -> Generator[None, object, object]:
        from pytest_devops_policy.pytest_layer import jobs

        running = jobs.start(self, session)
        completed = False
        try:
            result = yield
            completed = True
            return result
        finally:
            if running is not None:
                running.stop(completed)  # every file is collected: no job has anything to do

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path: Path, config: pytest.Config) -> bool | None:
        name = collection_path.name
        if collection_path.is_dir():
            if name in discovery.SKIP_DIRS or discovery.is_package_data(collection_path):
                return True
            if collection_path.is_symlink() and not self._inside_roots(collection_path):
                self.notes.append(
                    f"skipped {self.analyser.relpath(str(collection_path))}/: it resolves "
                    "outside the scanned paths (a symlink), so it is not read"
                )
                return True
            if discovery.symlink_loop(collection_path):
                self.notes.append(
                    f"skipped symlink loop: {self.analyser.relpath(str(collection_path))}"
                )
                return True
            if name == ".github" and not self._user_ignored(collection_path, config):
                # pytest's default norecursedirs ('.*') would hide .github/workflows.
                return False
            if name in self._secret_dirs and not self._user_ignored(collection_path, config):
                return False  # .docker/config.json, .aws/credentials: read for secrets
            return None
        if not self.settings.only and self.changed is None:
            return None
        kind = self.analyser.cache.classify(collection_path)
        if kind is None:
            # --devops-policy-only: never import the user's Python tests
            return True if self.settings.only else None
        if self.changed is not None and not self.changed.wants(str(collection_path), kind):
            return True  # neither changed nor reading a changed file: not even parsed
        return None

    @staticmethod
    def _user_ignored(path: Path, config: pytest.Config) -> bool:
        import fnmatch

        for item in config.getoption("ignore") or []:
            if Path(item).resolve() == path.resolve():
                return True
        for glob in config.getoption("ignore_glob") or []:
            if fnmatch.fnmatch(str(path), str(Path(glob).absolute())):
                return True
        return False

    @pytest.hookimpl(tryfirst=True)
    def pytest_collect_directory(self, path: Path, parent: pytest.Collector) -> Any:
        if self.settings.only:
            # A plain Dir, never a Package: a package's __init__.py must not be imported.
            return pytest.Dir.from_parent(parent, path=path)
        return None

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        report = yield
        if isinstance(collector, pytest.Directory) and collector.path.name == ".github":
            # Its files, then its repository's node (repo-level policies, catalog §3.1).
            from pytest_devops_policy.pytest_layer.repository import repository_node

            changed = self.changed
            if report.passed and (changed is None or changed.wants_repository(str(collector.path))):
                report.result.append(repository_node(collector, self))
        return report

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> Any:
        kind = self.analyser.cache.classify(file_path)
        if kind is None:
            return None
        if not _utf8_name(file_path):
            # pytest's cache and JUnit writers fail on such node ids: leave the file out.
            self.notes.append(f"skipped a file whose name is not UTF-8: {str(file_path)!a}")
            return None
        if not self._inside_roots(file_path):
            if os.path.realpath(file_path) == os.path.abspath(file_path):
                # Not a symlink, just not under a scanned path: pytest lists an ancestor
                # directory's files on its way to a deeper argument. Nothing to say.
                return None
            self.notes.append(
                f"skipped {self.analyser.relpath(str(file_path))}: it resolves outside the "
                "scanned paths (a symlink), so it is not read"
            )
            return None
        return PolicyFile.from_parent(parent, path=file_path, kind=kind.name, state=self)

    @cached_property
    def _real_roots(self) -> tuple[str, ...]:
        return tuple(os.path.realpath(r) for r in self.analyser.cache.roots)

    def _inside_roots(self, path: Path) -> bool:
        real = os.path.realpath(path)
        return any(
            real == root or real.startswith(root.rstrip(os.sep) + os.sep)
            for root in self._real_roots
        )

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        if any(not w.valid for w in self.settings.waivers) and self.settings.config_path:
            holder = ConfigWaivers.from_parent(
                session, path=Path(self.settings.config_path), state=self
            )
            items[:0] = list(holder.collect())
        if self.baseline is not None:
            from pytest_devops_policy.pytest_layer.baseline import stale_items

            stale_items(self, session, items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.analyser.cache.forget()

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    # -- reporting ---------------------------------------------------------------------

    def policy_sets(self) -> list[PolicySet]:
        """The policy sets this process built (one per distinct conftest scope)."""
        return [shared for shared, _ in self._policy_sets.values()]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.pending and report.when == "call":
            # Before xdist sends the report to the controller: the record travels with it.
            record = self.pending.pop(report.nodeid, None)
            if record is not None:
                report.devops_policy = record  # type: ignore[attr-defined]
        if self._junit is not None and (
            report.when == "call" or (report.when == "setup" and not report.passed)
        ):
            self._junit_line(report)
        if report.when != "call" and (report.when != "setup" or report.passed):
            return  # the cheap test first: this runs three times per item
        if not _is_policy_report(report):
            return
        if self.baseline is not None:
            from pytest_devops_policy.pytest_layer.baseline import count

            count(self.baseline_counts, report.user_properties)
        if report.user_properties[0][0] == "resource":  # one tally entry per verdict
            self._tally_verdicts(report)
            return
        props = {str(k): str(v) for k, v in report.user_properties}
        if report.passed:
            outcome = "passed"
        elif report.failed:
            outcome = "failed"
        elif hasattr(report, "wasxfail"):
            if props.get("baseline_status") == "baselined":
                outcome = "baselined"
            else:
                outcome = "waived" if "waiver_status" in props else "below-threshold"
        else:
            outcome = "skipped"
        self.tally.add(props, outcome)

    def _tally_verdicts(self, report: pytest.TestReport) -> None:
        """A resource item's verdicts, from its properties (the controller of an xdist run
        sees only those): ``K8S-001 = failed``, ``K8S-001.severity = high``..."""
        props = report.user_properties
        values: dict[str, str] | None = None
        for key, value in props:
            if "." in key or key in _RESOURCE_KEYS:
                continue
            outcome = _TALLY_OUTCOME.get(str(value), str(value))
            if outcome not in _TALLY_DETAILED:
                self.tally.add(_NO_PROPS, outcome)  # counted only: most verdicts pass
                continue
            if values is None:
                values = {k: str(v) for k, v in props}
            kind = values.get("kind", "")
            self.tally.add(
                {
                    "policy_id": key,
                    "policy_name": values.get(f"{key}.name", ""),
                    "severity": values.get(f"{key}.severity", ""),
                    "kind": values.get(f"{key}.kind", kind),  # an XREF verdict's own
                    "file": values.get("file", ""),
                    "line": values.get(f"{key}.line", values.get("line", "")),
                },
                outcome,
            )

    @cached_property
    def _junit(self) -> Any:
        from _pytest.junitxml import xml_key

        return self.config.stash.get(xml_key, None)

    def _junit_line(self, report: pytest.TestReport) -> None:
        """xunit1's ``line`` attribute is pytest's 0-based location (for IDEs); give the
        testcase the same 1-based line as its ``line`` property instead."""
        props = report.user_properties
        if not _is_policy_report(report):
            return
        for key, value in props:
            if key == "line":
                self._junit.node_reporter(report).add_attribute("line", str(value))
                return

    def _full_run(self) -> bool:
        opt = self.config.option
        return not (
            self.config.stash.get(PARTIAL_RUN, False)
            or self.deselected
            or getattr(opt, "lf", False)
            or getattr(opt, "keyword", "")
            or getattr(opt, "markexpr", "")
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.tally.outcomes or self.ledger.declared or self.scan.files or self.changed:
            terminalreporter.section("devops-policy summary")
            if self.changed is not None:
                terminalreporter.line(self.changed.summary())
            for line in render(
                self.tally,
                self.ledger,
                self._full_run(),
                self.settings.strict_waivers,
                self.scan,
            ):
                terminalreporter.line(line)
            from pytest_devops_policy.pytest_layer.baseline import summary

            for line in summary(self.baseline, self.baseline_counts):
                terminalreporter.line(line)
        for note in self.notes:
            terminalreporter.line(f"note: {note}")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.analyser.close()  # the result cache writes its pack once, here
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: hand the ledger to the controller
            workeroutput[LEDGER_OUTPUT] = self.ledger.to_json()
            workeroutput[SCAN_OUTPUT] = self.scan.to_json()
            if self.changed is not None:
                workeroutput[CHANGED_OUTPUT] = dict(self.changed.pulled)
            return
        if (
            self.changed is not None
            and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
            and not session.testscollected
        ):
            session.exitstatus = pytest.ExitCode.OK  # a change that touches nothing checked
        unused = self.settings.strict_waivers and self.ledger.unused(self._full_run())
        if unused and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept as surrogate escapes
        return False
    return True


def _cache_dir(config: pytest.Config, settings: Settings) -> Path | None:
    cache = getattr(config, "cache", None)  # absent with -p no:cacheprovider
    if cache is None or not settings.cache:
        return None
    try:
        return Path(cache.mkdir("devops-policy"))
    except OSError:
        return None


def _shard(config: pytest.Config) -> Shard | None:
    """This xdist worker's share of the analysis (None outside xdist)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        return None
    worker = str(workerinput.get("workerid", ""))
    count = int(workerinput.get("workercount", 1) or 1)
    if worker.startswith("gw") and worker[2:].isdigit() and count > 1:
        return Shard(int(worker[2:]), count)
    return None


def _run_roots(config: pytest.Config) -> list[str]:
    """The paths this run checks (pytest's arguments without ``::`` node parts)."""
    roots = []
    for arg in config.args or ():
        path = Path(str(arg).split("::", 1)[0])
        if not path.is_absolute():
            path = Path(config.invocation_params.dir) / path
        if path.exists():
            roots.append(str(path))
    return roots or [str(config.rootpath)]


class ReportTrimmer:
    """Keeps pytest's failure summary linear in the number of failures, and the reports
    it keeps few.

    pytest prints teardown sections for each failure by scanning every stored
    passing setup/teardown report (``stats[""]``): failures x reports. Policy
    items have no setup or teardown output, so their passing phase reports are not
    kept at all: the terminal reporter has counted them when this hook runs.
    """

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or not report.passed or not _is_policy_report(report):
            return
        reporter = self._terminal
        phase_reports = reporter.stats.get("") if reporter is not None else None
        if phase_reports and phase_reports[-1] is report:
            phase_reports.pop()

    _terminal: Any = None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._terminal = session.config.pluginmanager.get_plugin("terminalreporter")

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Generator[None, None, None]:
        phase_reports = terminalreporter.stats.get("")
        if phase_reports:
            terminalreporter.stats[""] = [r for r in phase_reports if not _is_policy_report(r)]
        return (yield)


class XdistLedger:
    """Controller side of the ledger hand-over (registered only when xdist is present)."""

    def __init__(self, state: DevopsPolicy) -> None:
        self.state = state

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {})
        data = output.get(LEDGER_OUTPUT)
        if data:
            self.state.ledger.merge(data)
        scan = output.get(SCAN_OUTPUT)
        if scan:
            self.state.scan.merge(scan)
        pulled = output.get(CHANGED_OUTPUT)
        if pulled and self.state.changed is not None:  # each worker collected every file
            self.state.changed.pulled.update(pulled)


def _xref_kinds(settings: Settings) -> frozenset[str]:
    """The kinds that anchor a selected built-in cross-artifact policy (changed mode pulls
    their files in when a file they link to changed). Read from the catalog: no module is
    imported."""
    from pytest_devops_policy.api import is_cross_artifact
    from pytest_devops_policy.policies.catalog import CATALOG

    found: set[str] = set()
    for pid, name, subject in CATALOG:
        kind = kinds.kind_of_subject(subject)
        if kind is not None and is_cross_artifact(pid) and settings.selects(pid, name):
            found.add(kind.name)
    return frozenset(found)
