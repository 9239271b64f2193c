"""The active plugin: registered in ``pytest_configure`` only when policy checks are enabled.

Keeping collection hooks on this object (the pytest-mypy pattern) means a
plain ``pytest`` run never calls them, never imports a parser and pays nothing.
"""

from __future__ import annotations

import gc
import inspect
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy import discovery
from pytest_devops_policy.engine.analysis import FileResult, analyse
from pytest_devops_policy.engine.evaluate import Context, ParseCache, contextualise, format_module
from pytest_devops_policy.engine.registry import PolicyConflict, PolicySet, build_policy_set
from pytest_devops_policy.engine.resultcache import ResultCache, settings_key
from pytest_devops_policy.model import ParseError
from pytest_devops_policy.pytest_layer.nodes import ConfigWaivers, PolicyFile
from pytest_devops_policy.pytest_layer.summary import Tally, WaiverLedger, render
from pytest_devops_policy.settings import Settings

STATE_KEY = pytest.StashKey["DevopsPolicy"]()
# How long an xdist worker waits for a result its peer is analysing before it
# stops sharing and analyses everything itself (the peer crashed or diverged).
SHARD_TIMEOUT = 60.0
LEDGER_OUTPUT = "devops_policy_ledger"


def _is_policy_report(report: pytest.TestReport) -> bool:
    props = report.user_properties
    return bool(props) and props[0][0] == "policy_id"


def _policy_props(report: pytest.TestReport) -> dict[str, str] | None:
    if not _is_policy_report(report):
        return None
    return {str(k): str(v) for k, v in report.user_properties}


class DevopsPolicy:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.results = self._result_cache(config, settings)
        self.cache = ParseCache(str(config.rootpath), _run_roots(config), self.results)
        self.context = Context(settings.options, self.cache)
        self.ledger = WaiverLedger()
        self.ledger.declare(list(settings.waivers))
        self.tally = Tally()
        self.notes: list[str] = []
        self.deselected = 0
        self._policies: dict[Path, PolicySet] = {}
        self._markers: dict[str, pytest.MarkDecorator] = {}
        # xdist: (this worker's index, worker count) while workers share analysis.
        self.shard: tuple[int, int] | None = None
        self._files_seen = 0
        self._dependency_arity: dict[Any, bool] = {}
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None and self.results is not None:
            worker = str(workerinput.get("workerid", ""))
            count = int(workerinput.get("workercount", 1) or 1)
            if worker.startswith("gw") and worker[2:].isdigit() and count > 1:
                self.shard = (int(worker[2:]), count)

    @staticmethod
    def _result_cache(config: pytest.Config, settings: Settings) -> ResultCache | None:
        cache = getattr(config, "cache", None)  # absent with -p no:cacheprovider
        if cache is None or not settings.cache:
            return None
        try:
            directory = cache.mkdir("devops-policy")
        except OSError:
            return None
        hcl = os.environ.get("DEVOPS_POLICY_HCL_PARSER", "")
        return ResultCache(directory, settings_key(dict(settings.options), [f"hcl={hcl}"]))

    # -- analysis: parse once, evaluate once, reuse across runs and workers --------------

    def analyse(
        self, path: str, relpath: str, kind: str, data: bytes, text: str, policies: PolicySet
    ) -> FileResult:
        module = format_module(kind)
        dependencies = getattr(module, "dependencies", None)
        token_of = getattr(module, "cache_token", None)
        # Formats whose index keeps parsed files (Terraform modules) must not free them;
        # a facts-based index (Kubernetes) has already taken what it needs.
        indexed = hasattr(module, "build_index") and token_of is None
        results = self.results
        # A kind with a cross-file index is cached only if it names what it reads.
        key = None
        if results is not None and (
            dependencies is not None or token_of is not None or not indexed
        ):
            deps = self._dependencies(dependencies, path)
            token = self._token(token_of, path)
            if deps is not None and token is not None:
                key = results.key(kind, relpath, data, policies, deps, token)
        if key is not None and results is not None:
            index = self._files_seen
            self._files_seen += 1
            hit = results.load(key, kind, text)
            if hit is None and self.shard is not None and index % self.shard[1] != self.shard[0]:
                hit = results.wait(key, kind, text, SHARD_TIMEOUT)
                if hit is None:
                    self.shard = None  # the owner did not deliver: analyse everything here
            if hit is not None:
                if not indexed:
                    self.cache.release(path, kind)  # ``dependencies`` may have parsed it
                return hit
        # Parsing allocates many small acyclic objects; the cyclic GC would rescan the
        # whole (growing) heap again and again meanwhile (~15% of a cold run).
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            parsed = self.cache.get(path, kind, text)
            if isinstance(parsed, ParseError):
                result = FileResult(kind, parse_error=(parsed.message, parsed.line, parsed.col))
            else:
                result = analyse(contextualise(parsed, self.context), policies, self.context)
        finally:
            if paused:
                gc.enable()
        if key is not None and results is not None:
            results.store(key, result, text)
        if not indexed:
            self.cache.release(path, kind)  # nothing else reads it: free the documents
        return result

    def _token(self, function: Any, path: str) -> list[str] | None:
        """A format's ``cache_token(path, context)``: run-wide inputs of a file's outcome
        (the Kubernetes index); [] without one, None when it cannot be computed."""
        if function is None:
            return []
        try:
            return [str(function(path, self.context))]
        except Exception:  # analyse uncached rather than fail collection
            return None

    def _dependencies(self, function: Any, path: str) -> list[str] | None:
        """The other files and directories a file's outcomes depend on (none without a
        ``dependencies`` function; None: not cacheable). A two-parameter ``dependencies``
        also receives the run context, for dependencies that follow settings (the build
        context of a Dockerfile follows ``docker.context``)."""
        if function is None:
            return []
        wants_context = self._dependency_arity.get(function)
        if wants_context is None:
            try:
                wants_context = len(inspect.signature(function).parameters) >= 2
            except (TypeError, ValueError):
                wants_context = False
            self._dependency_arity[function] = wants_context
        try:
            found = function(path, self.context) if wants_context else function(path)
            return [str(p) for p in found]
        except Exception:  # a broken reader must not break collection: analyse, uncached
            return None

    # -- shared state for nodes --------------------------------------------------------

    def marker(self, name: str) -> pytest.MarkDecorator:
        mark = self._markers.get(name)
        if mark is None:
            mark = self._markers[name] = getattr(pytest.mark, name)
        return mark

    def policies_for(self, node: pytest.Collector) -> PolicySet:
        """Hook results through the file's ``ihook``: conftest scoping, cached per directory."""
        directory = node.path.parent
        hit = self._policies.get(directory)
        if hit is None:
            results = node.ihook.pytest_devops_policy_add_policies(config=self.config)
            try:
                hit = build_policy_set(results, self.settings)
            except PolicyConflict as exc:
                raise node.CollectError(str(exc)) from None
            self._policies[directory] = hit
        return hit

    # -- collection --------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path: Path, config: pytest.Config) -> bool | None:
        name = collection_path.name
        if collection_path.is_dir():
            if name in discovery.SKIP_DIRS:
                return True
            if discovery.symlink_loop(collection_path):
                self.notes.append(
                    f"skipped symlink loop: {self.cache.relpath(str(collection_path))}"
                )
                return True
            if name == ".github" and not self._user_ignored(collection_path, config):
                # pytest's default norecursedirs ('.*') would hide .github/workflows.
                return False
            return None
        if self.settings.only and discovery.classify(collection_path) is None:
            return True  # --devops-policy-only: never import the user's Python tests
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

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> Any:
        kind = discovery.classify(file_path)
        if kind is None:
            return None
        return PolicyFile.from_parent(parent, path=file_path, kind=kind)

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        if any(not w.valid for w in self.settings.waivers) and self.settings.config_path:
            holder = ConfigWaivers.from_parent(session, path=Path(self.settings.config_path))
            items[:0] = list(holder.collect())

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    # -- reporting ---------------------------------------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and (report.when != "setup" or report.passed):
            return  # the cheap test first: this runs three times per item
        props = _policy_props(report)
        if props is None:
            return
        if report.passed:
            outcome = "passed"
        elif report.failed:
            outcome = "failed"
        elif hasattr(report, "wasxfail"):
            outcome = "waived" if "waiver_status" in props else "below-threshold"
        else:
            outcome = "skipped"
        self.tally.add(props, outcome)

    def _full_run(self) -> bool:
        opt = self.config.option
        return not (
            self.deselected
            or getattr(opt, "lf", False)
            or getattr(opt, "keyword", "")
            or getattr(opt, "markexpr", "")
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.tally.outcomes or self.ledger.declared:
            terminalreporter.section("devops-policy summary")
            for line in render(
                self.tally, self.ledger, self._full_run(), self.settings.strict_waivers
            ):
                terminalreporter.line(line)
        for note in self.notes:
            terminalreporter.line(f"note: {note}")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: hand the ledger to the controller
            workeroutput[LEDGER_OUTPUT] = self.ledger.to_json()
            return
        unused = self.settings.strict_waivers and self.ledger.unused(self._full_run())
        if unused and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
    """Keeps pytest's failure summary linear in the number of failures.

    pytest prints teardown sections for each failure by scanning every stored
    passing setup/teardown report (``stats[""]``): failures x reports. Policy
    items have no teardown output, so their phase reports are dropped first.
    """

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
        data = getattr(node, "workeroutput", {}).get(LEDGER_OUTPUT)
        if data:
            self.state.ledger.merge(data)
