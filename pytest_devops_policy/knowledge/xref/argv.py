"""A command's words as options and positional arguments, the way CLI flag parsers read them.

``docker build -t a -t b --push .`` gives the options ``(-t, a), (-t, b), (--push, None)``
and the positionals ``build .``. Which options take a value is the caller's table (a flag
not in it is a switch, so an unknown switch never swallows an argument); ``--x=v`` and an
attached short value (``-nprod``) carry theirs. ``--`` ends the options.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pytest_devops_policy.knowledge.xref.events import Origin

__all__ = ["Argv", "Call", "parse_argv"]

_FALSE = frozenset({"false", "0", "no", "off"})


@dataclass(frozen=True)
class Argv:
    positionals: tuple[str, ...]
    options: tuple[tuple[str, str | None], ...]

    def values(self, *names: str) -> list[str]:
        """Every value given to any of ``names`` (``-t``, ``--tag``), in order."""
        return [v for n, v in self.options if n in names and v is not None]

    def last(self, *names: str) -> str | None:
        found = self.values(*names)
        return found[-1] if found else None

    def has(self, *names: str) -> bool:
        """A switch is on: present (``--push``, ``--push=true``, ``-R`` inside ``-qR``) and
        not turned off (``--push=false``)."""
        on = False
        for n, v in self.options:
            if n in names or _in_bundle(n, v, names):
                on = v is None or v.strip().lower() not in _FALSE
        return on

    def given(self, *names: str) -> bool:
        return any(n in names for n, _ in self.options)


def _in_bundle(word: str, value: str | None, names: Iterable[str]) -> bool:
    if value is not None or word.startswith("--") or len(word) < 3:
        return False
    return any(len(n) == 2 and n[0] == "-" and n[1] in word[1:] for n in names)


def parse_argv(words: Sequence[str], valued: Iterable[str]) -> Argv:
    """Split ``words`` (the arguments, without the program) into positionals and options;
    an option in ``valued`` takes the next word (or its ``=value``, or an attached short
    value) as its value."""
    takes = frozenset(valued)
    positionals: list[str] = []
    options: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word == "--":
            positionals += words[i:]
            break
        if not word.startswith("-") or word == "-":
            positionals.append(word)
            continue
        if word.startswith("--") and "=" in word:
            name, value = word.split("=", 1)
            options.append((name, value))
        elif word in takes:
            options.append((word, words[i] if i < len(words) else ""))
            i += 1
        elif not word.startswith("--") and word[:2] in takes:
            options.append((word[:2], word[2:].removeprefix("=")))
        elif not word.startswith("--") and "=" in word:
            name, value = word.split("=", 1)  # -n=prod
            options.append((name, value))
        else:
            options.append((word, None))
    return Argv(tuple(positionals), tuple(options))


@dataclass(frozen=True)
class Call:
    """One command as the event readers see it: its words as written (expressions put
    back), where it is, the working directory, and the commands piped into it."""

    words: tuple[str, ...]
    origin: Origin
    cwd: str | None
    pipe: tuple[tuple[str, ...], ...] = ()
    redirects: tuple[tuple[str, str], ...] = ()  # (op, target): `<`, `>`, `>>`

    @property
    def args(self) -> tuple[str, ...]:
        return self.words[1:]
