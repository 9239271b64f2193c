"""A lean runtest protocol for policy items.

pytest's default protocol costs about 0.35 ms per item, mostly hook dispatch
through setup/call/teardown and makereport. A policy item has no fixtures, no
output to capture and an outcome computed at collection, so this protocol
builds its reports directly. What reporters see: logstart, a call and a
teardown ``TestReport`` through ``pytest_runtest_logreport`` (JUnit reads
properties from the teardown report), then logfinish; the passing setup
report, which no reporter shows, is left out. ``pytest.xfail`` becomes ``wasxfail`` as the skipping
plugin would do it.

Items with skip/xfail/usefixtures marks, ``--pdb``/``--trace``, ``--runxfail``
and ``--devops-policy-protocol=standard`` take pytest's own protocol.

The run loop too: dispatching ``pytest_runtest_protocol`` through pluggy and its
wrappers cost about 26 µs per item (a fifth of the loop). When every plugin that
implements that hook or the run loop is one this module knows (pytest's own, with no
``faulthandler_timeout``), the loop calls the protocol above directly for policy items,
inside one ``catch_warnings`` for the run instead of one per item; other items still
go through the hook. Any other plugin there (xdist's loops, pytest-timeout,
pytest-rerunfailures...) keeps pytest's loop for the whole run.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any, Literal

import pytest
from _pytest._code.code import ExceptionInfo
from _pytest.outcomes import OutcomeException

from pytest_devops_policy.pytest_layer.nodes import _Base

try:  # pytest 9: a report parses its node id string into a NodeId unless handed one
    from _pytest.nodeid import NodeId as _NodeId

    NODE_ID: type | None = _NodeId
except ImportError:  # pytest 8
    NODE_ID = None

# The plugins whose ``pytest_runtest_protocol`` does nothing a policy item needs (the
# assertion hooks, unittest's and pytester's own items, pytest's default protocol, this
# one; warnings are caught once for the loop). A wrapper of ``pytest_runtestloop`` still
# wraps the loop below; of the loops themselves, only pytest's may be replaced.
_KNOWN_PROTOCOL = frozenset(
    {"runner", "assertion", "unittest", "warnings", "faulthandler", "pytester"}
)
_KNOWN_LOOP = frozenset({"main"})
_OWN = "devops_policy_protocol"

# Marks whose meaning lives in hooks this protocol skips.
_HOOKED_MARKS = frozenset({"skip", "skipif", "xfail", "usefixtures", "filterwarnings", "timeout"})


class LeanProtocol:
    def __init__(self, config: pytest.Config) -> None:
        opt = config.option
        self.enabled = not (
            getattr(opt, "usepdb", False)
            or getattr(opt, "trace", False)
            or getattr(opt, "runxfail", False)
        )

    def _loop_is_ours(self, session: pytest.Session) -> bool:
        """Only pytest's own plugins (and this one) act around the protocol or the loop:
        anything else keeps pytest's loop, whose hook calls it may rely on."""
        config = session.config
        if not self.enabled or hasattr(config, "workerinput"):
            return False
        if getattr(config.option, "dist", "no") not in ("no", None):
            return False
        try:
            timeout = float(config.getini("faulthandler_timeout") or 0)
        except ValueError:  # -p no:faulthandler: the option is not even declared
            timeout = 0.0
        if timeout > 0:
            return False  # its wrapper arms a timer around each item
        manager = config.pluginmanager
        for hook, known in (
            (config.hook.pytest_runtest_protocol, _KNOWN_PROTOCOL),
            (config.hook.pytest_runtestloop, _KNOWN_LOOP),
        ):
            for impl in hook.get_hookimpls():
                if known is _KNOWN_LOOP and (impl.wrapper or impl.hookwrapper):
                    continue
                name = manager.get_name(impl.plugin) or ""
                if name != _OWN and name not in known:
                    return False
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        """pytest's loop (main.py), calling this protocol directly for policy items."""
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            return None  # pytest's loop reports the collection errors
        if session.config.option.collectonly or not self._loop_is_ours(session):
            return None
        items = session.items
        hook = session.config.hook
        last = len(items) - 1
        with self._warnings(session.config):
            for i, item in enumerate(items):
                nextitem = items[i + 1] if i < last else None
                if self.pytest_runtest_protocol(item, nextitem) is None:
                    hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                if session.shouldfail:
                    raise session.Failed(session.shouldfail)
                if session.shouldstop:
                    raise session.Interrupted(session.shouldstop)
        return True

    @staticmethod
    @contextlib.contextmanager
    def _warnings(config: pytest.Config) -> Iterator[None]:
        """The warnings plugin's per-item capture, once for the loop: what policy items
        warn reaches the warnings summary (items through the hook still get their own)."""
        if not config.pluginmanager.has_plugin("warnings"):  # -p no:warnings: not captured
            yield
            return
        try:
            from _pytest.warnings import catch_warnings_for_item
        except ImportError:  # pragma: no cover - a pytest without it
            yield
            return
        with catch_warnings_for_item(config, ihook=config.hook, when="runtest", item=None):
            yield

    def _applies(self, item: pytest.Item) -> bool:
        if not self.enabled or not isinstance(item, _Base):
            return False
        return not any(m.name in _HOOKED_MARKS for m in item.own_markers)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Any:
        if not self._applies(item):
            return None
        ihook = item.ihook
        nodeid, location = item.nodeid, item.location
        # The item's own NodeId: two parsed copies per item otherwise, the call report's
        # kept until the run ends.
        ident = getattr(item, "_id", None)
        report_id: Any = ident if NODE_ID is not None and isinstance(ident, NODE_ID) else nodeid
        keywords: dict[str, Literal[1]] = {m.name: 1 for m in item.own_markers}
        keywords[item.name] = 1
        ihook.pytest_runtest_logstart(nodeid=nodeid, location=location)

        def report(
            when: str,
            outcome: str,
            longrepr: Any,
            start: float,
            took: float,
            wasxfail: str | None = None,
        ) -> pytest.TestReport:
            rep = pytest.TestReport(
                report_id,
                location,
                keywords,
                outcome,  # type: ignore[arg-type]
                longrepr,
                when,  # type: ignore[arg-type]
                (),
                took,
                start=start,
                stop=start + took,
                user_properties=item.user_properties,
            )
            if wasxfail is not None:  # what the skipping plugin does for pytest.xfail()
                rep.wasxfail = wasxfail
            ihook.pytest_runtest_logreport(report=rep)
            return rep

        now = time.time()
        # No setup report: a policy item sets nothing up, and a passing setup report only
        # reaches every reporter to be counted as nothing (a third of this protocol's cost).
        # The call report opens the JUnit testcase, the teardown report closes it.
        began = time.perf_counter()
        outcome, xfail_reason = "passed", None
        longrepr: Any = None
        try:
            item.runtest()
        except pytest.xfail.Exception as exc:
            outcome, xfail_reason = "skipped", exc.msg or ""
        except pytest.skip.Exception as exc:
            path, line, _ = item.reportinfo()
            outcome = "skipped"
            longrepr = (os.fspath(path), (line or 0) + 1, f"Skipped: {exc.msg}")
        except (Exception, OutcomeException) as exc:  # not KeyboardInterrupt / Exit
            outcome = "failed"
            longrepr = item.repr_failure(ExceptionInfo.from_exception(exc))
        took = time.perf_counter() - began
        call = report("call", outcome, longrepr, now, took, xfail_reason)
        # The terminal keeps every call report to the end: it shares the item's properties
        # (equal to its copy, and the item outlives it) instead of holding a copy.
        call.user_properties = item.user_properties
        # Tear down what an earlier Python test left that the next item does not share
        # (pytest's standard teardown step); policy items themselves set nothing up.
        teardown_outcome, teardown_repr = "passed", None
        setupstate = getattr(item.session, "_setupstate", None)
        if setupstate is not None and getattr(setupstate, "stack", None):
            try:
                setupstate.teardown_exact(nextitem)
            except Exception as exc:
                teardown_outcome = "failed"
                teardown_repr = item.repr_failure(ExceptionInfo.from_exception(exc))
        report("teardown", teardown_outcome, teardown_repr, now + took, 0.0)
        ihook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
        return True
