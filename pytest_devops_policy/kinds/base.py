"""What most formats answer: no run-time adjustment, no index, no other files read."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pytest_devops_policy.context import Context
    from pytest_devops_policy.model import ParsedFile, Source, Subject

__all__ = ["FormatDefaults"]


class FormatDefaults:
    """Defaults a ``Format`` may inherit and override (see ``kinds.Format``)."""

    keeps_parsed = False
    lone_cr_newline = True

    def adjust(self, parsed: ParsedFile, context: Context) -> ParsedFile:
        return parsed

    def index(self, subject: Subject[object], context: Context) -> object:
        return None

    def dependencies(self, path: str, context: Context) -> list[str]:
        return []

    def cache_token(self, path: str, context: Context) -> str:
        return ""

    def prime(self, context: Context, mine: Callable[[str], bool]) -> None:
        return None  # no run-wide index

    def comments(self, source: Source) -> Iterable[tuple[int, str]] | None:
        return None  # no syntax known: a '#' or '//' anywhere on a line counts
