"""Who analyses which file of a forked run (``--devops-policy-jobs``): units of work
claimed in memory shared by the parent and its children.

A unit is a run of ``UNIT_FILES`` consecutive candidate files: neighbours mostly share a
directory, whose indexes (a Terraform module, a build context, a repository's workflows)
one process then builds rather than each. Each process has its *own* units (the parent
the even ones, a child the odd ones): it extracts their run-wide facts before analysis
(``Analyser.prepare``) and keeps those parses for analysing them. Units are taken near
the parent's collection point: a child takes the first free unit after it, its own
first; the parent takes the unit it reaches when nobody has, and, when it reaches one a
child is still analysing, takes the next free unit rather than wait (work it needs soon).
So both processes work close to where pytest collects, and neither is left alone with
the other's half at the end.

The claims are one byte per unit after the parent's position, under a ``lockf`` lock (a
POSIX record lock belongs to a process, so the parent and its forked children exclude
each other through one inherited descriptor). Once taken, a unit's byte is written by
its owner alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["CHILD", "DONE", "FREE", "PARENT", "SKIPPED", "Claims", "units"]

# A unit's state.
FREE, PARENT, CHILD, DONE, SKIPPED = 0, 1, 2, 3, 4

# Small enough that the last unit a child takes keeps the parent waiting little (about
# 0.15 s of analysis), large enough to keep neighbours together: on the 2,000-file
# benchmark and the GKE samples, 32 and 64 measured alike, 8 or a directory each slower.
UNIT_FILES = 32

_HEADER = 8  # the parent's position (the unit it collects), before the states
_FREE = bytes([FREE])


def units(count: int, size: int = 0) -> list[range]:
    """The candidate files' indexes, in runs of ``size`` (``UNIT_FILES``) consecutive files."""
    size = size or UNIT_FILES
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class Claims:
    def __init__(
        self, files: Sequence[tuple[Path, str]], processes: int = 2, unit_files: int = 0
    ) -> None:
        self.files = list(files)
        self.units = units(len(self.files), unit_files)
        self.unit_of = {str(self.files[i][0]): u for u, unit in enumerate(self.units) for i in unit}
        self.processes = max(processes, 1)
        self.rank = 0  # this process's: 0 is the parent, a child sets its own
        # A file, not anonymous memory: lockf needs a descriptor, and the mapping is shared
        # with every process forked from this one.
        self._fd, name = tempfile.mkstemp(prefix="devops-policy-claims-")
        try:
            os.unlink(name)
            size = _HEADER + len(self.units)
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

    def mine(self, path: str) -> bool:
        """Whether ``path`` is in one of this process's own units (files not listed are
        the parent's)."""
        unit = self.unit_of.get(path)
        if unit is None:
            return self.rank == 0
        return unit % self.processes == self.rank

    def _position(self) -> int:
        return int.from_bytes(self._map[:_HEADER], "little")

    def state(self, unit: int) -> int:
        return self._map[_HEADER + unit]

    def set(self, unit: int, state: int) -> None:
        """Its owner's word on a unit it took (``DONE``)."""
        self._map[_HEADER + unit] = state

    def take(self, owner: int) -> int | None:
        """The first free unit from the parent's position on (this process's own first),
        now ``owner``'s; None when every unit is taken."""
        with self._locked():
            start = _HEADER + self._position()
            found = self._map.find(_FREE, start)
            if found < 0:
                return None
            own = found
            while own >= 0 and (own - _HEADER) % self.processes != self.rank:
                own = self._map.find(_FREE, own + 1)
            at = own if own >= 0 else found
            self._map[at] = owner
        return at - _HEADER

    def reach(self, unit: int) -> int:
        """The parent collects ``unit``: take it unless someone has; its state either way.
        Units before it still free are ones the parent did not collect (an ``--ignore``
        the listing missed): nobody needs them."""
        with self._locked():
            position = self._position()
            if unit > position:
                for skipped in range(_HEADER + position, _HEADER + unit):
                    if self._map[skipped] == FREE:
                        self._map[skipped] = SKIPPED
                self._map[:_HEADER] = unit.to_bytes(_HEADER, "little")
            if self.state(unit) == FREE:
                self._map[_HEADER + unit] = PARENT
                return PARENT
        return self.state(unit)

    def files_of(self, unit: int) -> list[tuple[Path, str]]:
        return [self.files[i] for i in self.units[unit]]
