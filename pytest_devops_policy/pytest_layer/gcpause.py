"""Keep CPython's cyclic garbage collector off the heap the run builds once.

Collection builds tens of thousands of long-lived objects (nodes, parsed files,
results); each full collection pass walks all of them again, and the interpreter's
final pass at exit walks them once more. Measured on the benchmark tree, those
passes were about a quarter of a cold run. So the collector is paused while items
are collected, and everything alive after collection (and after the run loop) is
moved to the permanent generation with ``gc.freeze()``: later passes only walk
what the run creates after that. The cost is the cyclic garbage made during
collection, which is kept instead of freed: the parsed models whose objects point
back at their parents, 32 MB on the 2,000-file benchmark tree (a full pass to free
them before freezing costs about 1 s there and lowers the peak by about 10 MB). So
run-wide structures avoid reference cycles (a closure over the object holding it, a
tuple holding itself): a cycle keeps everything it reaches until the run ends.
"""

from __future__ import annotations

import gc
from collections.abc import Generator

import pytest


class GcPause:
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> Generator[None, object, object]:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return (yield)
        finally:
            gc.freeze()
            if was_enabled:
                gc.enable()

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        try:
            return (yield)
        finally:
            gc.freeze()  # nothing left for the interpreter's last pass to walk
