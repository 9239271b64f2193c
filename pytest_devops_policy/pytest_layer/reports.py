"""The pytest side of the reports: gather the items' records, write every format once.

Registered when a report is asked for. In an xdist run the workers' records arrive on the
controller with their reports, and each worker sends the metadata of the policies it ran
through ``workeroutput``; only the controller writes files, so a run gives one report.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import pytest

from pytest_devops_policy.reports import FORMATS
from pytest_devops_policy.reports.model import (
    ItemRecord,
    PolicyInfo,
    RunResults,
    VerdictRecord,
    WaiverInfo,
    item_from_wire,
)

if TYPE_CHECKING:
    from pytest_devops_policy.api import Policy
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

POLICIES_OUTPUT = "devops_policy_policies"


def policy_info(policy: Policy) -> PolicyInfo:
    from pytest_devops_policy.api import report_kind
    from pytest_devops_policy.docs import render_page
    from pytest_devops_policy.pytest_layer.render import is_builtin

    try:
        page = render_page(policy)
    except Exception:  # a plugin policy's odd metadata must not cost the whole report
        page = ""
    return PolicyInfo(
        id=policy.id,
        name=policy.name,
        title=policy.title,
        severity=str(policy.severity),
        kind=report_kind(policy),  # cross-artifact for an XREF policy (SARIF tags, controls)
        controls=tuple(policy.controls),
        references=tuple(policy.references),
        rationale=policy.rationale,
        remediation=policy.remediation,
        builtin=is_builtin(policy),
        page=page,
    )


def _outcome(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return "xfailed"
    return str(report.outcome)


def _from_properties(report: pytest.TestReport) -> ItemRecord | None:
    """A policy item that never ran its own code (skipped by a user's mark at setup, or
    failed by another plugin): its verdicts as its properties and outcome tell them."""
    props = {str(k): str(v) for k, v in report.user_properties}
    status = {"passed": "passed", "failed": "error", "skipped": "skipped"}[report.outcome]
    reason = ""
    if isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
    verdicts: list[VerdictRecord] = []
    if "policy_id" in props:
        verdicts.append(
            VerdictRecord(
                props["policy_id"],
                status,
                props.get("severity", "low"),
                int(props.get("line", "1") or 1),
                reason,
            )
        )
    else:
        for key, _ in report.user_properties:
            if "." in key or key in ("resource", "kind", "file", "line"):
                continue
            verdicts.append(
                VerdictRecord(
                    key,
                    status,
                    props.get(f"{key}.severity", "low"),
                    int(props.get("line", "1") or 1),
                    reason,
                )
            )
    if not verdicts:
        return None
    return ItemRecord(
        report.nodeid,
        props.get("kind", ""),
        props.get("resource", ""),
        props.get("file", ""),
        int(props.get("line", "1") or 1),
        _outcome(report),
        tuple(verdicts),
    )


class ReportRun:
    def __init__(self, state: DevopsPolicy) -> None:
        self.state = state
        self.config = state.config
        self.worker = hasattr(self.config, "workerinput")
        self.items: list[ItemRecord] = []
        self.policies: dict[str, PolicyInfo] = {}
        self.started = dt.datetime.now(dt.timezone.utc)
        self.written: list[str] = []  # what the terminal says about the files
        self.problems: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.worker:
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            data = getattr(report, "devops_policy", None)
            if isinstance(data, dict):
                self.items.append(item_from_wire(report.nodeid, _outcome(report), data))
                return
            props = report.user_properties
            if props and props[0][0] in ("policy_id", "resource"):
                record = _from_properties(report)
                if record is not None:
                    self.items.append(record)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        for data in output.get(POLICIES_OUTPUT) or []:
            info = PolicyInfo.from_wire(data)
            self.policies.setdefault(info.id, info)

    def _ran(self) -> list[Policy]:
        """The policies this process ran: those selected for a kind it scanned (or the HOST
        policies, when hosts are audited)."""
        kinds = set(self.state.scan.files)
        if self.config.pluginmanager.get_plugin("devops_policy_hosts") is not None:
            kinds.add("host")
        seen: dict[str, Policy] = {}
        for policy_set in self.state.policy_sets():
            for policy in policy_set.policies:
                if policy.kind in kinds or (policy.kind == "secrets" and kinds):
                    seen.setdefault(policy.id, policy)
        return list(seen.values())

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[POLICIES_OUTPUT] = [policy_info(p).to_wire() for p in self._ran()]
            return
        for policy in self._ran():
            if policy.id not in self.policies:
                self.policies[policy.id] = policy_info(policy)
        results = self.results()
        settings = self.state.settings.reports
        for name, path in settings.paths:
            fmt = next(f for f in FORMATS if f.name == name)
            try:
                parent = os.path.dirname(os.path.abspath(path))
                os.makedirs(parent, exist_ok=True)
                self.written.append(fmt.writer()(results, path))
            except OSError as exc:
                self.problems.append(f"cannot write the {name} report {path}: {exc.strerror}")
        if settings.github_active(os.environ):
            self._github(results)
        quiet = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.problems and session.exitstatus in quiet:
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def _github(self, results: RunResults) -> None:
        """Annotations and the job summary, once per run (here, on the controller)."""
        from pytest_devops_policy.reports import github

        try:
            self.written.extend(github.emit(results, os.environ))
        except OSError as exc:
            self.written.extend(getattr(exc, "lines", []))
            where = exc.filename or os.environ.get("GITHUB_STEP_SUMMARY", "")
            self.problems.append(f"cannot write the GitHub job summary {where}: {exc.strerror}")

    def results(self) -> RunResults:
        state = self.state
        ledger = state.ledger
        unused = set(ledger.unused(state._full_run()))
        waivers = []
        for source in sorted(ledger.declared):
            ids, origin, reason, owner, expires, ticket = ledger.details.get(
                source, ["", "", "", "", "", ""]
            )
            if source in ledger.used:
                status = "used"
            elif source in ledger.expired:
                status = "expired"
            elif source in unused:
                status = "unused"
            else:
                status = "not-considered"
            waivers.append(
                WaiverInfo(
                    source,
                    tuple(i for i in ids.split(",") if i),
                    origin,
                    reason,
                    owner,
                    expires,
                    ticket,
                    status,
                )
            )
        from pytest_devops_policy import __version__

        return RunResults(
            items=self.items,
            policies=self.policies,
            waivers=waivers,
            files_scanned=dict(state.scan.files),
            settings=state.settings.reports,
            root=str(self.config.rootpath),
            fail_on=str(state.settings.fail_on),
            today=state.settings.today,
            full_run=state._full_run(),
            started=self.started,
            finished=dt.datetime.now(dt.timezone.utc),
            tool_version=__version__,
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for line in self.written:
            terminalreporter.line(line)
        for problem in self.problems:
            terminalreporter.line(f"ERROR: devops-policy: {problem}", red=True)
