"""Who analyses which file of a forked run (``--devops-policy-jobs``): units of work handed
out in collection order from one counter in memory shared by the parent and its children.

A unit is a run of ``UNIT_FILES`` consecutive candidate files: neighbours mostly share a
directory, whose indexes (a Terraform module, a build context, a repository's workflows)
one process then builds rather than each. Children take units in order; the parent takes
the unit it reaches when nobody has, and, when it reaches a unit a child is still
analysing, takes the next free unit rather than wait (work it needs soon). So both
processes work near the parent's collection point, and neither is left alone with the
other's half at the end.

Only the counter is locked (``lockf``: a POSIX record lock belongs to a process, so the
parent and its forked children exclude each other through one inherited descriptor).
A unit's state byte is written by its owner alone once it is taken.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["CHILD", "DONE", "FREE", "PARENT", "Claims", "units"]

# A unit's state.
FREE, PARENT, CHILD, DONE, SKIPPED = 0, 1, 2, 3, 4

# Small enough that the last unit a child takes keeps the parent waiting little (about
# 0.15 s of analysis), large enough to keep neighbours together: on the 2,000-file
# benchmark and the GKE samples, 32 and 64 measured alike, 8 or a directory each slower.
UNIT_FILES = 32

_COUNTER = 8  # bytes of the counter, before the states


def units(count: int, size: int = 0) -> list[range]:
    """The candidate files' indexes, in runs of ``size`` (``UNIT_FILES``) consecutive files."""
    size = size or UNIT_FILES
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class Claims:
    def __init__(self, files: Sequence[tuple[Path, str]], unit_files: int = 0) -> None:
        self.files = list(files)
        self.units = units(len(self.files), unit_files)
        self.unit_of = {str(self.files[i][0]): u for u, unit in enumerate(self.units) for i in unit}
        # A file, not anonymous memory: lockf needs a descriptor, and the mapping is shared
        # with every process forked from this one.
        self._fd, name = tempfile.mkstemp(prefix="devops-policy-claims-")
        try:
            os.unlink(name)
            size = _COUNTER + len(self.units)
            os.ftruncate(self._fd, size)
            self._map = mmap.mmap(self._fd, size)
        except BaseException:
            os.close(self._fd)
            raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._map.close()
        with contextlib.suppress(OSError):
            os.close(self._fd)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fcntl.lockf(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def _counter(self) -> int:
        return int.from_bytes(self._map[:_COUNTER], "little")

    def state(self, unit: int) -> int:
        return self._map[_COUNTER + unit]

    def set(self, unit: int, state: int) -> None:
        """Its owner's word on a unit it took (``DONE``, ``SKIPPED``)."""
        self._map[_COUNTER + unit] = state

    def take(self, owner: int) -> int | None:
        """The next free unit, now ``owner``'s; None when every unit is taken."""
        with self._locked():
            unit = self._counter()
            if unit >= len(self.units):
                return None
            self._map[_COUNTER + unit] = owner
            self._map[:_COUNTER] = (unit + 1).to_bytes(_COUNTER, "little")
        return unit

    def reach(self, unit: int) -> int:
        """The parent reached ``unit``: take it unless someone has; its state either way.
        Units before it still free are ones the parent did not collect (an ``--ignore``
        the listing missed): nobody needs them."""
        with self._locked():
            counter = self._counter()
            if counter <= unit:
                for skipped in range(counter, unit):
                    self._map[_COUNTER + skipped] = SKIPPED
                self._map[_COUNTER + unit] = PARENT
                self._map[:_COUNTER] = (unit + 1).to_bytes(_COUNTER, "little")
                return PARENT
        return self.state(unit)

    def files_of(self, unit: int) -> list[tuple[Path, str]]:
        return [self.files[i] for i in self.units[unit]]


def alive(pid: int) -> bool:
    """Whether a forked child still runs (reaping it if it ended)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0
