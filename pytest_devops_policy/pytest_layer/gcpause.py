"""Keep CPython's cyclic garbage collector off the heap the run builds once.

Collection builds tens of thousands of long-lived objects (nodes, parsed files,
results); each full collection pass walks all of them again, and the interpreter's
final pass at exit walks them once more. Measured on the benchmark tree, those
passes were about a quarter of a cold run. So the collector is paused while items
are collected, and everything alive after collection (and after the run loop) is
moved to the permanent generation with ``gc.freeze()``: later passes only walk
what the run creates after that. The cost would be the cyclic garbage made during
collection, kept instead of freed: a cycle keeps everything it reaches until the run
ends. So analysis makes none (a closure calling itself or over the object holding it,
a tuple holding itself, a child pointing back at its parent while the parent holds it):
parsed models break their back-references when the parse cache drops them
(``Subject.release``/``dispose``), and ``tests/test_reference_cycles.py`` checks that a
collection leaves no cycle of this package's objects. On the 2,000-file benchmark tree
0.3 MB of cyclic garbage is left at the end of a cold collection.
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
