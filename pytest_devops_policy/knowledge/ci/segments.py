"""CI scripts as *command segments*: each simple command as written, ready for patterns.

A ``run:`` (or GitLab ``script:``) text is read by ``knowledge.shell``, the reader
Dockerfile RUN lines use; ``${{ }}`` expressions become the placeholder ``__EXPR__``
first, since GitHub pastes their values in before the shell runs. Each command
of the outline becomes a ``Segment``: its text from the first word that is not a
wrapper (``sudo``, ``env``, ``VAR=x``, ``timeout``, ``npx``, ``uv run``,
``bundle exec``...), with the operator before and after it and the shell keywords
that introduce it. Patterns are anchored at the start of a segment, so
``echo "kubectl apply"`` runs ``echo``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pytest_devops_policy.knowledge.ci.patterns import ActionPattern, CommandPattern
from pytest_devops_policy.knowledge.ci.scripts import substitute_expressions
from pytest_devops_policy.knowledge.shell import Mark, parse_script

__all__ = ["CommandMatch", "Segment", "command_segments", "match_action", "match_commands"]


@dataclass(frozen=True)
class Segment:
    """One simple command of a script, with wrappers and shell keywords peeled off."""

    text: str  # as written, from the first word that is not a wrapper
    line: int  # 1-based, inside the script
    op: str  # the operator before it: '', '\n', ';', '&&', '||', '|', '&', '(', ')'
    keywords: tuple[str, ...] = ()  # leading shell keywords removed: 'if', '!', 'then'...
    next_op: str = ""


# `${{ }}` is GitHub's, not the shell's: the shell sees the value GitHub pastes in.


def _replace_expressions(script: str) -> str:
    """Each ``${{ … }}`` as ``__EXPR__``: the shell sees the value GitHub pastes in."""
    return substitute_expressions(script, lambda _: "__EXPR__")[0] if "${{" in script else script


_OPERATORS = frozenset({"\n", ";", "&&", "||", "|", "|&", "&", "(", ")", "`", ";;", ";&", ";;&"})
# Reserved words that introduce the next command (shell_rollback reads if/!/then/else).
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{"})
# Reserved words that close a construct: segments of their own (`fi` closes an `if`).
_CLOSERS = frozenset({"fi", "done", "esac", "}"})
# Words that run the rest of the command line as it is, so patterns look past them.
_PREFIX_KEYWORDS = frozenset({"time", "exec", "nohup", "command", *_KEYWORDS})
_SUDO_VALUE_OPTIONS = frozenset({"-u", "-g", "-C", "-h", "-p", "-D", "-R", "-r", "-T"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_RUNNERS = frozenset({"uv", "poetry", "pipenv", "pdm", "hatch", "rye"})
# Options of `uv run`, `uvx`, `pipx run`... that take the next word as their value
# (`uv run --group lint ruff check`: the command is `ruff`, not `lint`).
_RUNNER_VALUE_OPTIONS = frozenset(
    {
        "--group", "--only-group", "--no-group", "--with", "--with-editable",
        "--with-requirements", "--python", "-p", "--extra", "--package", "--project",
        "--directory", "--env-file", "--index", "--default-index", "--index-url",
        "--extra-index-url", "--from", "--spec", "--config-file", "--cache-dir", "-e", "--env",
    }
)  # fmt: skip


def _options(words: Sequence[str], i: int, valued: frozenset[str] = frozenset()) -> int:
    """The index of the first word from ``i`` on that is not an option (``-x``); an option
    in ``valued`` (written without ``=``) takes the next word with it."""
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in valued else 1
    return i


def _wrapper(words: Sequence[str], i: int) -> int:
    """How many words from ``i`` are a wrapper that runs the command after them
    (``sudo -u app``, ``env -i``, ``timeout 5m``, ``uv run``, ``npx``, ``bundle exec``...);
    0 when ``words[i]`` starts the command itself."""
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    j = i
    if word == "sudo":
        j = i + 1
        while j < len(words) and words[j].startswith("-"):
            j += 2 if words[j] in _SUDO_VALUE_OPTIONS else 1
    elif word in ("env", "xvfb-run", "npx", "bunx"):
        j = _options(words, i + 1)
    elif word == "timeout":
        j = _options(words, i + 1)
        j = j + 1 if j < len(words) and words[j][:1].isdigit() else i
    elif (word in _RUNNERS and nxt == "run") or (word == "pipx" and nxt == "run"):
        j = _options(words, i + 2, _RUNNER_VALUE_OPTIONS)
    elif word in ("uvx", "pipx-run"):
        j = _options(words, i + 1, _RUNNER_VALUE_OPTIONS)
    elif (word in ("pnpm", "yarn") and nxt in ("exec", "dlx")) or (
        word == "bundle" and nxt == "exec"
    ):
        j = i + 2
    # A wrapper with nothing after it is the command itself.
    return j - i if i < j < len(words) else 0


def _peel(words: Sequence[str]) -> tuple[int, tuple[str, ...]]:
    """The index of the word that starts the command proper, and the keywords before it."""
    keywords: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _PREFIX_KEYWORDS:
            keywords.append(word)
            i += 1
        elif _ASSIGNMENT.match(word):
            i += 1
        else:
            n = _wrapper(words, i)
            if not n:
                break
            i += n
    return i, tuple(keywords)


def command_segments(script: str) -> list[Segment]:
    """The simple commands of a shell script, as ``knowledge.shell`` reads it (quotes,
    comments, here-documents, ``$(...)`` and compound commands understood)."""
    return list(_segments(script))


@lru_cache(maxsize=2048)
def _segments(script: str) -> tuple[Segment, ...]:
    text = _replace_expressions(script)
    # (text, line, op, keywords) of each segment, and the operator that ends each one
    found: list[tuple[str, int, str, tuple[str, ...]]] = []
    ends: list[str] = []
    op = ""
    keywords: list[str] = []
    for item in parse_script(text).outline:
        if isinstance(item, Mark):
            if item.text in _OPERATORS:
                if len(ends) < len(found):
                    ends.append(item.text)
                op = item.text
            elif item.text in _KEYWORDS:
                keywords.append(item.text)
            elif item.text in _CLOSERS:
                found.append((item.text, item.line + 1, op, tuple(keywords)))
                op, keywords = "", []
            continue
        first, peeled = _peel(item.words)
        keywords += peeled
        if first == len(item.words):
            continue  # assignments or keywords only: they introduce the next command
        found.append((item.written(text, first), item.line + 1, op, tuple(keywords)))
        op, keywords = "", []
    ends += [""] * (len(found) - len(ends))
    return tuple(
        Segment(seg_text, line, seg_op, kws, end)
        for (seg_text, line, seg_op, kws), end in zip(found, ends, strict=True)
    )


@dataclass(frozen=True)
class CommandMatch:
    pattern: CommandPattern
    segment: Segment
    text: str  # the matched command words, whitespace collapsed


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def match_commands(
    script: str | Sequence[Segment], patterns: Sequence[CommandPattern]
) -> list[CommandMatch]:
    """Every (segment, pattern) match, in script order."""
    segments = command_segments(script) if isinstance(script, str) else script
    out: list[CommandMatch] = []
    table = id(patterns)
    for seg in segments:
        key = (seg.text, table)
        hits = _COMMAND_MATCHES.get(key)
        if hits is None:
            hits = tuple((p, _shown(m.group())) for p in patterns if (m := p.regex.match(seg.text)))
            if len(_COMMAND_MATCHES) < 100_000:
                _TABLES.setdefault(table, patterns)
                _COMMAND_MATCHES[key] = hits
        out += [CommandMatch(p, seg, shown) for p, shown in hits]
    return out


# Memos keyed by (text, id of the pattern table): a run matches the same commands and actions
# against the same tables thousands of times (every job's classification, every policy that
# looks for a kind of command). Tables are long-lived tuples (interned configs); each is kept
# referenced in _TABLES so its id is never reused.
_COMMAND_MATCHES: dict[tuple[str, int], tuple[tuple[CommandPattern, str], ...]] = {}
_ACTION_MATCHES: dict[tuple[str, int], ActionPattern | None] = {}
_TABLES: dict[int, object] = {}


def match_action(name: str | None, patterns: Sequence[ActionPattern]) -> ActionPattern | None:
    """The first pattern matching an action name (``owner/repo[/path]``, no ref).

    Memoised: a run asks about the same few actions thousands of times (every job's
    classification, every policy that looks for a kind of action)."""
    if not name:
        return None
    key = (name, id(patterns))
    try:
        return _ACTION_MATCHES[key]
    except KeyError:
        pass
    found = next((p for p in patterns if p.matches(name)), None)
    if len(_ACTION_MATCHES) < 100_000:
        _TABLES.setdefault(id(patterns), patterns)
        _ACTION_MATCHES[key] = found
    return found
