"""Live hosts as pytest items (catalog §8.1): ``host:<label>::CONNECT`` and ``::HOST-nnn``.

One collector per host named with ``--devops-policy-hosts`` hangs on the session; it holds
the CONNECT item, then one item per selected HOST policy its profile allows. Collection never
contacts a host: the connection and the facts probe happen when CONNECT (or the first item
of the host in this process) runs, once per host and process. A host that cannot be reached
is one failing CONNECT item, and its policy items are skipped as Unknown, never failed.
Verdicts go through the same ``Verdict`` as file items: waivers (config waivers matched by
the host label), the fail-on threshold, JUnit properties and the report records.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_devops_policy.api import NotApplicable, Policy, Unknown, Violation
from pytest_devops_policy.engine.analysis import Outcome, ResourceResult
from pytest_devops_policy.engine.evaluate import UNKNOWN_PREFIX, ResolvedViolation
from pytest_devops_policy.hosts.facts import facts_script, parse_facts
from pytest_devops_policy.hosts.probe import Host, HostBudgetSpent, NeedsRoot, TimedOut
from pytest_devops_policy.hosts.spec import HostSpec
from pytest_devops_policy.masking import Redactor
from pytest_devops_policy.model import FileText, RecentText, Source
from pytest_devops_policy.options import HostOptions
from pytest_devops_policy.pytest_layer.nodes import (
    PolicyFailed,
    _Base,
    _props,
    _skip_here,
    report_verdict,
)
from pytest_devops_policy.pytest_layer.render import FailureText
from pytest_devops_policy.pytest_layer.verdict import UNKNOWN, ResourceScope, Verdict
from pytest_devops_policy.waivers import FileWaivers

if TYPE_CHECKING:
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

# testinfra's connection options (its own command line), handed to every host.
TESTINFRA_OPTIONS = (
    "connection",
    "ssh_config",
    "ssh_extra_args",
    "ssh_identity_file",
    "sudo",
    "sudo_user",
    "ansible_inventory",
    "force_ansible",
)


@dataclass
class Connection:
    """A host once its CONNECT ran in this process: the subject, or why there is none."""

    host: Host | None = None
    error: str = ""
    facts_text: str = ""


class HostText(FileText):
    """A host has no file to show: failures name their evidence in the message."""

    def __init__(self, label: str) -> None:
        super().__init__("", f"host:{label}", RecentText())
        self._source = Source("", f"host:{label}", "")

    @property
    def source(self) -> Source:
        return self._source


def resolve_profile(spec: HostSpec, options: HostOptions, in_container: bool | None) -> str:
    """server, container or image; ``None`` for ``in_container`` at collection, where
    local:// is still ``auto`` (every profile's items exist until the facts say)."""
    if options.root.rstrip("/"):
        return "image"
    if options.profile != "auto":
        return options.profile
    if spec.profile != "auto":
        return spec.profile
    if in_container is None:
        return "auto"
    return "container" if in_container else "server"


class HostRun:
    """The hosts of a run: collectors at collection, connections at run time."""

    def __init__(self, state: DevopsPolicy, specs: list[HostSpec]) -> None:
        self.state = state
        self.specs = specs
        self.options = state.settings.options.of(HostOptions)
        config = state.config
        self.connection_options: dict[str, Any] = {}
        for name in TESTINFRA_OPTIONS:
            try:
                value = config.getoption(name)
            except ValueError:
                continue
            if value not in (None, False, ""):
                self.connection_options[name] = value
        self.connections: dict[str, Connection] = {}
        self.xdist = config.pluginmanager.hasplugin("xdist")

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        report = yield
        if isinstance(collector, pytest.Session) and report.passed:
            for spec in self.specs:
                report.result.append(
                    HostSession.from_parent(
                        collector,
                        name=spec.node_name,
                        nodeid=spec.node_name,  # not "::host:..." under the session's ""
                        path=collector.config.rootpath,
                    ).setup_host(spec, self)
                )
        return report

    def connection(self, spec: HostSpec) -> Connection:
        found = self.connections.get(spec.label)
        if found is None:
            found = self.connections[spec.label] = self._connect(spec)
        return found

    def _connect(self, spec: HostSpec) -> Connection:
        from pytest_devops_policy.hosts.testinfra_probe import TestinfraProbe

        opts = self.options
        try:
            probe = TestinfraProbe(spec, opts.connect_timeout, self.connection_options)
        except Exception as exc:  # a bad spec for the backend, a missing client library
            return Connection(error=f"cannot open a connection to {spec.label}: {exc}")
        try:
            result = probe.run(facts_script(opts.root), opts.connect_timeout + opts.command_timeout)
        except TimedOut as exc:
            return Connection(error=f"{spec.label} did not answer the facts probe: {exc}")
        except Exception as exc:  # ssh refused, name unknown, authentication failed...
            return Connection(error=f"cannot reach {spec.label}: {type(exc).__name__}: {exc}")
        facts = parse_facts(result.out)
        if not facts.complete:
            why = (result.err.strip().splitlines() or [f"exit status {result.rc}"])[0]
            if result.rc == 127:
                why += (
                    " (exit 127: a program was not found: the connection's client on this "
                    "machine, or /bin/sh on the target, which a distroless image lacks)"
                )
            return Connection(error=f"cannot run commands on {spec.label}: {why}")
        sudo = "sudo=true" in spec.spec.lower() or bool(self.connection_options.get("sudo"))
        if sudo and not facts.root and not self.connection_options.get("sudo_user"):
            return Connection(
                error=f"sudo was asked for on {spec.label}, but the commands ran as uid "
                f"{facts.uid}: sudo needs a password or is not allowed (sudo -n true fails)"
            )
        probe.timeout_flavour = facts.timeout
        profile = resolve_profile(spec, opts, facts.in_container)
        return Connection(Host(spec.label, probe, facts, profile, opts), facts_text=result.out)


def _redactor(spec: HostSpec) -> Redactor:
    """The spec's password, if it has one, never reaches a report."""
    from urllib.parse import urlsplit

    try:
        password = urlsplit(spec.spec).password
    except ValueError:
        password = None
    return Redactor([password] if password else [])


class HostSession(pytest.Collector):
    spec: HostSpec
    run: HostRun

    def setup_host(self, spec: HostSpec, run: HostRun) -> HostSession:
        self.spec, self.run = spec, run
        return self

    def collect(self) -> Iterator[pytest.Item]:
        run = self.run
        state = run.state
        yield HostConnectItem.from_parent(self, name="CONNECT")
        policies = state.policies_at(Path(self.config.rootpath) / "conftest.py", self.ihook)
        profile = resolve_profile(self.spec, run.options, None)
        for policy in policies.policies:
            if policy.kind != "host":
                continue
            allowed = policy.profiles or ("server", "container", "image")
            if profile != "auto" and profile not in allowed:
                continue  # the catalog's ○: no item for this profile
            if not policy.applies_to(self.spec, state.analyser.context):
                continue
            yield HostPolicyItem.from_parent(self, name=policy.id, policy=policy)


class _HostItem(_Base):
    kind = "host"

    @property
    def session_node(self) -> HostSession:
        parent = self.parent
        assert isinstance(parent, HostSession)
        return parent

    @property
    def spec(self) -> HostSpec:
        return self.session_node.spec

    def _setup_host(
        self, policy_id: str, name: str, severity: str, controls: tuple[str, ...]
    ) -> None:
        parent = self.session_node
        self.state = parent.run.state
        self.redactor = _redactor(parent.spec)
        label = parent.spec.label
        self._setup_item(
            "host",
            severity,
            _props(policy_id, name, severity, "host", label, f"host:{label}", 1, controls),
        )
        if parent.run.xdist:  # --dist loadgroup: one worker owns a host, one connection
            self.add_marker(pytest.mark.xdist_group(f"host:{label}"))

    @property
    def _where(self) -> str:
        return f"host:{self.spec.label}"

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self._where, 0, self.name

    @property
    def location(self) -> tuple[str, int | None, str]:
        return (self._where, 0, self.name)

    @property
    def ihook(self) -> Any:
        return self.session.ihook


class HostConnectItem(_HostItem):
    policy_id = "CONNECT"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._setup_host("CONNECT", "connect", "high", ())

    def runtest(self) -> None:
        conn = self.session_node.run.connection(self.spec)
        if not conn.error:
            return
        label = self.spec.label
        message = self.redactor(conn.error, newlines=False)
        head = f"CONNECT [high]: {message}"
        text = FailureText(
            [head, f"  --> host:{label}"],
            [
                "  why: a host that cannot be reached or cannot run commands is not "
                "audited; each of its policy items is skipped as Unknown",
                "  fix: check the spec, the network, the credentials and that the target "
                "has /bin/sh (testinfra runs every command through it)",
            ],
            [f"host:{label}: CONNECT {message}"],
            "CONNECT",
        )
        self._record_one("host", f"host:{label}", "failed", "high", 1, head, message)
        raise PolicyFailed(text, head, self._where, 1)


class HostPolicyItem(_HostItem):
    def __init__(self, *, policy: Policy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self.policy_id = policy.id
        self.extra_keyword_matches.add(policy.name)
        self._setup_host(policy.id, policy.name, str(policy.severity), tuple(policy.controls))

    def _evaluate(self, host: Host) -> tuple[Outcome, str | None]:
        """The policy's outcome, or the N/A reason when it turned out not to apply."""
        policy = self.policy
        label = host.label
        allowed = policy.profiles or ("server", "container", "image")
        if host.profile not in allowed:
            why = ", ".join(host.facts.container_markers) or f"profile {host.profile}"
            return Outcome(policy.id), (
                f"N/A: {policy.id} does not apply to the {host.profile} profile ({why})"
            )
        host.evidence = []
        try:
            results = policy.evaluate(host, self.state.analyser.context)
        except NeedsRoot as exc:
            results = [Unknown(f"needs root on {label} (run as root, or with --sudo): {exc.what}")]
        except (TimedOut, HostBudgetSpent) as exc:
            results = [Unknown(str(exc))]
        except Exception as exc:  # a bug in a policy fails its item, never the run
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-4))
            return Outcome(policy.id, error=text), None
        violations = [r for r in results if isinstance(r, Violation)]
        if not violations:
            na = [r.reason for r in results if isinstance(r, NotApplicable)]
            if na:
                return Outcome(policy.id), "N/A: " + "; ".join(na)
        cap = host.options.max_findings
        resolved = [
            ResolvedViolation(
                v.message,
                v.line or 1,
                v.col or 1,
                v.severity or policy.severity,
                v.secret,
            )
            for v in violations[:cap]
        ]
        if len(violations) > cap:
            last = resolved[-1]
            resolved[-1] = ResolvedViolation(
                f"{last.message} (and {len(violations) - cap} more findings: host.max_findings)",
                last.line,
                last.col,
                last.severity,
                last.secret,
            )
        unknowns = [r.reason for r in results if isinstance(r, Unknown)]
        return Outcome(policy.id, resolved, unknowns), None

    def runtest(self) -> None:
        spec = self.spec
        conn = self.session_node.run.connection(spec)
        if conn.host is None:
            reason = f"UNKNOWN: host unreachable (see host:{spec.label}::CONNECT)"
            self._record_one("host", f"host:{spec.label}", "unknown", "low", 1, reason)
            _skip_here(reason, self.redactor)
        host = conn.host
        outcome, not_applicable = self._evaluate(host)
        if not_applicable is not None:
            reason = self.redactor(not_applicable, newlines=False)
            self._record_one("host", f"host:{spec.label}", "skipped", "low", 1, reason)
            _skip_here(reason, self.redactor)
        result = ResourceResult(spec.label, spec.label, 1, 1, (), [], [outcome])
        waivers = FileWaivers(f"host:{spec.label}", [], [], self.state.settings.waivers)
        redactor = self.redactor.with_secrets(outcome.secrets)
        scope = ResourceScope(result, HostText(spec.label), waivers, [], redactor)
        verdict = Verdict(self.policy, outcome, scope, self.state)
        judged = verdict.judge(self.state)
        if judged.status == UNKNOWN:  # a live host is not read statically: say what it is
            judged.reason = "UNKNOWN: " + judged.reason.removeprefix(UNKNOWN_PREFIX)
        report_verdict(self, verdict, judged, "host", spec.label)


def host_specs(config: pytest.Config, options: HostOptions) -> list[HostSpec]:
    """The hosts of the run (command line over ini over pyproject); ``@testinfra`` takes
    testinfra's own --hosts (or ansible://all with only --ansible-inventory)."""
    from pytest_devops_policy.hosts.spec import SpecError, parse_specs

    given = list(config.getoption("devops_policy_hosts") or [])
    if not given:
        given = [str(v) for v in config.getini("devops_policy_hosts") or []]
    if not given:
        given = list(options.hosts)
    expanded: list[str] = []
    for entry in given:
        for part in str(entry).split(","):
            if part.strip() != "@testinfra":
                expanded.append(part)
                continue
            try:
                theirs = config.getoption("hosts")
                inventory = config.getoption("ansible_inventory")
            except ValueError:
                theirs, inventory = None, None
            if theirs:
                expanded.extend(str(theirs).split(","))
            elif inventory:
                expanded.append("ansible://all")
            else:
                raise pytest.UsageError(
                    "--devops-policy-hosts: @testinfra takes testinfra's --hosts (or "
                    "--ansible-inventory), and neither is given"
                )
    try:
        return parse_specs(expanded)
    except SpecError as exc:
        raise pytest.UsageError(f"--devops-policy-hosts: {exc}") from None


def facts_lines(conn: Connection) -> Mapping[str, str]:
    return conn.host.describe() if conn.host is not None else {}
