"""A per-file budget: whatever a bound in a parser or policy misses, one file cannot take the
whole run's time or memory. Past the budget the file's analysis is abandoned and the file
becomes one failing item saying which budget it exceeded; the run goes on.

Time is enforced with ``SIGALRM`` (POSIX, main thread), memory with a temporary
``RLIMIT_AS`` of the current address space plus the budget (Linux and macOS): both are
process-wide mechanisms, lent to one file's analysis at a time. Where neither is available
(Windows, a non-main thread), the analysis runs unbounded, as before. Code running inside a C
extension (a regular expression, libyaml) notices the timer only when it returns.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

__all__ = ["Budget", "BudgetExceeded"]


class BudgetExceeded(BaseException):
    """The analysis of one file went over its budget. A BaseException, like
    KeyboardInterrupt, so that the per-policy guards (``except Exception``) let it through
    to the analyser, which fails the whole file."""


@dataclass(frozen=True)
class Budget:
    seconds: float  # 0: no time budget
    memory: int  # bytes; 0: no memory budget

    @contextlib.contextmanager
    def enforced(self) -> Iterator[None]:
        with self._timer(), self._memory():
            try:
                yield
            except MemoryError:
                raise BudgetExceeded(
                    f"analysis needed more than {self.memory // (1024 * 1024)} MB "
                    "(--devops-policy-file-memory)"
                ) from None

    @contextlib.contextmanager
    def _timer(self) -> Iterator[None]:
        usable = (
            self.seconds > 0
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )
        if not usable:
            yield
            return
        seconds = self.seconds

        def expire(signum: int, frame: FrameType | None) -> None:
            raise BudgetExceeded(
                f"analysis took more than {seconds:g} s (--devops-policy-file-timeout)"
            )

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    @contextlib.contextmanager
    def _memory(self) -> Iterator[None]:
        try:
            import resource
        except ImportError:  # Windows
            yield
            return
        if self.memory <= 0:
            yield
            return
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space() + self.memory
        if limit <= 0 or (hard != resource.RLIM_INFINITY and limit > hard):
            yield
            return
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            yield
            return
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    """This process's current virtual size in bytes (0 when it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    import resource

    return pages * resource.getpagesize()
