"""A pytest plugin for the harness's ``bound`` case: when a measured run's time goes.

Loaded with ``-p phases`` (the harness puts this directory on ``PYTHONPATH``). It writes
one JSON object to ``$DEVOPS_POLICY_BENCH_PHASES``: seconds since
``$DEVOPS_POLICY_BENCH_T0`` (the harness's clock just before it started the process) at
the start and end of collection, the end of the run loop and the end of the session
(``pytest_unconfigure``), and the time spent in ``Analyser.analyse``, which is what a
file's analysis or cache lookup costs, apart from reading the file, building its items and
pytest's collection machinery. Nothing else is changed; in a forked run only the parent's
time is counted.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from typing import Any

import pytest

_T0 = float(os.environ.get("DEVOPS_POLICY_BENCH_T0") or time.time())
_marks: dict[str, float] = {}
_analyse = [0.0]


def _mark(name: str) -> None:
    _marks[name] = time.time() - _T0


def _timed_analyse() -> None:
    try:
        from pytest_devops_policy.engine.analyser import Analyser
    except ImportError:  # a revision without it: only the phases are written
        return
    inner = Analyser.analyse

    def analyse(self: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return inner(self, *args, **kwargs)
        finally:
            _analyse[0] += time.perf_counter() - began

    Analyser.analyse = analyse  # type: ignore[method-assign]


_timed_analyse()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection(session: pytest.Session) -> Generator[None, object, object]:
    _mark("collect_start")
    try:
        return (yield)
    finally:
        _mark("collect_end")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, object, object]:
    try:
        return (yield)
    finally:
        _mark("loop_end")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    _mark("end")
    out = os.environ.get("DEVOPS_POLICY_BENCH_PHASES")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({**_marks, "analyse_s": _analyse[0]}, fh)
