"""POSIX shell command lines as command words: what a RUN line actually invokes.

Policies match *command words*, never substrings: ``echo "no sudo"`` runs ``echo``,
and ``curl ... | sh`` is a pipeline of ``curl`` and ``sh``. The grammar is
``bashlex`` (a port of bash's own parser): it understands quoting, ``&&``/``||``/``;``,
pipelines, subshells, ``$(...)``, loops, conditionals and functions. It does not
implement ``case``, ``[[ ]]``, ``$(( ))`` or ``time``, which real Dockerfiles use; for
those a quote-aware tokenizer (the standard library's ``shlex``) splits the line on the
shell's control operators instead. Both yield the same :class:`Command` model.

Here-documents are cut out before either parser sees the text (bashlex mishandles some
quoted delimiters, and a body is data, not commands); a command that reads one gets
its text as :attr:`Command.stdin`. Redirections are kept (:attr:`Command.redirects`),
so that :meth:`Script.file_writes` can tell what ``echo ... > /etc/apt/sources.list``,
``printf ... | tee -a f`` or ``cat > f <<EOF`` put into a file.

Wrappers are looked through: ``sudo apt-get install x`` is a ``sudo`` command *and*
an ``apt-get`` command, and so are ``env A=1 x``, ``xargs x``, ``sh -c "x"`` and friends.

:attr:`Script.outline` reads the script in order, as written: each command with where its
words are in the text, between the control operators and reserved words around it
(``&&``, ``|``, newlines, ``if``, ``then``, ``fi``...). CI job classification reads
``run:`` scripts through it, so that CI jobs and Dockerfile RUN lines share one reader.

Nothing is ever executed: this module only reads text.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

__all__ = [
    "Command",
    "FileWrite",
    "Mark",
    "Redirect",
    "Script",
    "command_substitutions",
    "parse_argv",
    "parse_script",
    "pipefail_setting",
]

# ``sudo -u app -E cmd``: options of wrappers that take a value, so the value is
# not mistaken for the wrapped command.
_WRAPPER_VALUE_OPTS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
    "xargs": frozenset(
        {"-a", "-d", "-E", "-e", "-I", "-i", "-L", "-l", "-n", "-P", "-s", "--arg-file"}
    ),
    "su-exec": frozenset(),
    "gosu": frozenset(),
    "chroot": frozenset({"--userspec", "--groups"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o"}),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "builtin": frozenset(),
    "doas": frozenset({"-u", "-C"}),
}
# Wrappers whose first positional argument is not the command (timeout's duration,
# gosu's user, chroot's root directory).
_WRAPPER_SKIP_POSITIONAL = {"timeout": 1, "gosu": 1, "su-exec": 1, "chroot": 1}
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
_MAX_DEPTH = 4  # nested sh -c "sh -c ..." beyond this is not worth following
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\+?=")
_CONTROL = frozenset({"&&", "||", ";", ";;", ";&", ";;&", "&", "|", "|&", "(", ")", "\n"})
_RESERVED = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac",
     "{", "}", "!"}
)  # fmt: skip
_OPERATOR_CHARS = frozenset(";&|()\n")
_REDIRECT_CHARS = frozenset("<>&")
_HEREDOC_MARK = "__devops_policy_heredoc_{}__"
_HEREDOC_MARK_RE = re.compile(r"^__devops_policy_heredoc_(\d+)__$")
_SUB_MARK = "__devops_policy_sub_{}__"
_SUB_MARK_RE = re.compile(r"__devops_policy_sub_(\d+)__")
_FD_BEFORE_REDIRECT = re.compile(r"(^|[\s;&|(])\d+(?=[<>])")
_OUTPUT_OPS = frozenset({">", ">>", ">|", "&>", "&>>"})
_ECHO_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


@dataclass(frozen=True)
class Redirect:
    """One redirection: ``> /etc/x`` is ``Redirect(">", "/etc/x")``.

    ``fd`` is the explicit descriptor (``2>`` -> 2; None when not written). For a
    here-document (``<<EOF``) ``target`` is the delimiter word and ``heredoc`` its
    ordinal in the script (0 for the first); the body is the command's ``stdin``.
    ``2>&1`` has op ``>&`` and target ``1``.
    """

    op: str
    target: str
    fd: int | None = None
    heredoc: int | None = None

    @property
    def writes_file(self) -> bool:
        """Standard output goes to the file ``target`` (not ``2>`` and not ``>&2``)."""
        if self.op not in _OUTPUT_OPS:
            return False
        return self.fd in (None, 1) and bool(self.target)

    @property
    def appends(self) -> bool:
        return self.op in (">>", "&>>")


@dataclass(frozen=True)
class Command:
    """One simple command: its words with quotes removed, and where it sits."""

    words: tuple[str, ...]  # argv; leading VAR=value assignments are in ``assignments``
    assignments: tuple[str, ...]
    line: int  # 0-based line offset inside the script text
    pipeline: int  # commands with the same number are connected by ``|``
    piped: bool  # in a pipeline of two or more commands
    position: int  # index inside its pipeline
    wrapped_by: str | None = None  # "sudo" for the apt-get of ``sudo apt-get``
    redirects: tuple[Redirect, ...] = ()  # a wrapped command shares its wrapper's
    stdin: str | None = None  # the here-document (or ``<<<`` string) it reads, if any
    # Where the command is written in the parsed text: the offset of each word, and the
    # end of the command (redirections included). Empty and -1 when the grammar could
    # not tell (the tokenizer fallback) or the command is not in the text (``sh -c``).
    offsets: tuple[int, ...] = field(default=(), compare=False, repr=False)
    end: int = field(default=-1, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The program's base name (``/usr/bin/curl`` -> ``curl``); '' for bare assignments."""
        if not self.words:
            return ""
        return self.words[0].rsplit("/", 1)[-1]

    @property
    def args(self) -> tuple[str, ...]:
        return self.words[1:]

    def has_option(self, *options: str) -> bool:
        """``-k``/``--insecure`` style options, including ``--opt=value`` and short bundles.

        A short option such as ``-k`` also matches inside a bundle (``-fsSLk``).
        """
        for word in self.args:
            if word == "--":
                break
            for opt in options:
                if word == opt or (opt.startswith("--") and word.startswith(opt + "=")):
                    return True
                if (
                    len(opt) == 2
                    and opt[0] == "-"
                    and word.startswith("-")
                    and not word.startswith("--")
                    and opt[1] in word[1:]
                ):
                    return True
        return False

    def subcommand(self, skip_values: Iterable[str] = ()) -> str | None:
        """The first positional argument (``install`` of ``apt-get -y install``)."""
        takes_value = set(skip_values)
        it = iter(self.args)
        for word in it:
            if word in takes_value:
                next(it, None)
                continue
            if word.startswith("-"):
                continue
            return word
        return None

    def written(self, text: str, first: int = 0) -> str:
        """The command from its word ``first`` on, as written in ``text`` (the script it
        was parsed from), or as rendered from its words where its place is not known."""
        if len(self.offsets) == len(self.words) and first < len(self.words) and self.end >= 0:
            return text[self.offsets[first] : self.end]
        return str(replace(self, words=self.words[first:], assignments=()))

    def shell_script(self) -> str | None:
        """The script a ``sh -c '...'``, ``bash -ec '...'``, ``busybox sh -c`` or
        ``su -c '...'`` command runs (None for anything else, or ``sh script.sh``)."""
        name = self.name
        rest = list(self.args)
        if name == "busybox" and rest and rest[0] in _SHELLS:
            name, rest = rest[0], rest[1:]
        if name == "su":
            for i, w in enumerate(rest):
                if w in ("-c", "--command") and i + 1 < len(rest):
                    return rest[i + 1]
                if w.startswith("--command="):
                    return w.split("=", 1)[1]
            return None
        if name not in _SHELLS or name == "busybox":
            return None
        skip_value = False
        for i, w in enumerate(rest):
            if skip_value:  # the value of -o / +o / -O
                skip_value = False
                continue
            if w in ("-o", "+o", "-O", "+O"):
                skip_value = True
                continue
            if w.startswith("-") and not w.startswith("--") and "c" in w[1:]:
                return rest[i + 1] if i + 1 < len(rest) else None
            if w.startswith(("-", "+")):
                skip_value = w[0] in "-+" and not w.startswith("--") and w[-1] == "o"
                continue
            return None  # sh script.sh: a file we cannot see
        return None

    def __str__(self) -> str:
        words = [_quote(w) for w in (*self.assignments, *self.words)]
        for r in self.redirects:
            fd = "" if r.fd is None else str(r.fd)
            words.append(f"{fd}<<{r.target}" if r.heredoc is not None else f"{fd}{r.op} {r.target}")
        return " ".join(words)


_SAFE_WORD = re.compile(r"^[\w@%+=:,./-]+$")
_SUBSTITUTION_WORD = re.compile(r"^[<>]\(.*\)$", re.S)


def _quote(word: str) -> str:
    """Quote a word for display so that it reads as the shell would run it: expansions
    stay expansions (``"$(curl ...)"``, ``<(curl ...)``), everything else as shlex does."""
    if not word:
        return "''"
    if _SAFE_WORD.match(word) or _SUBSTITUTION_WORD.match(word):
        return word
    if ("$" in word or "`" in word) and not any(c in word for c in '"\\'):
        return f'"{word}"'
    return shlex.quote(word)


@dataclass(frozen=True)
class FileWrite:
    """Text a command puts into a file: ``echo x >> f``, ``printf ... | tee f``,
    ``cat > f <<EOF``, or the replacement text of ``sed -i``.

    ``mode`` is "write", "append" or "edit" (sed -i). The text is what the shell would
    write as far as it can be known statically (``printf`` formats are filled in,
    ``echo`` escapes such as ``\\n`` are applied); variables are left as written.
    """

    path: str
    text: str
    mode: str
    command: Command


@dataclass(frozen=True)
class Mark:
    """A control operator (``&&``, ``||``, ``;``, ``|``, ``&``, a newline, the ``(`` and ``)``
    of subshells and ``$(...)``) or a reserved word (``if``, ``!``, ``then``, ``fi``...)."""

    text: str
    line: int  # 0-based


@dataclass(frozen=True)
class Script:
    """Every command a script runs, in source order, nested ones included."""

    commands: tuple[Command, ...]
    exact: bool  # parsed by the shell grammar; False: the tokenizer fallback was used
    error: str | None = None  # why the grammar gave up, when it did
    # The script as written, in reading order: each command in its outermost form (the
    # commands of a ``$(...)`` follow the command holding it, between "(" and ")"
    # marks) and the marks between them. Commands a ``sh -c`` string runs are not here.
    outline: tuple[Command | Mark, ...] = ()

    def named(self, *names: str) -> list[Command]:
        wanted = set(names)
        return [c for c in self.commands if c.name in wanted]

    def runs(self, *names: str) -> bool:
        return bool(self.named(*names))

    def pipelines(self) -> list[list[Command]]:
        """Pipelines of two or more commands (``a | b``), outermost commands only."""
        groups: dict[int, list[Command]] = {}
        for c in self.commands:
            if c.piped and c.wrapped_by is None:
                groups.setdefault(c.pipeline, []).append(c)
        return [sorted(g, key=lambda c: c.position) for g in groups.values() if len(g) > 1]

    def in_pipeline(self, pipeline: int) -> tuple[Command, ...]:
        """The commands of one pipeline, in source order: looked up by pipeline, so a
        script of thousands of commands is not scanned once per command."""
        by_pipeline: dict[int, tuple[Command, ...]] | None = self.__dict__.get("_by_pipeline")
        if by_pipeline is None:
            groups: dict[int, list[Command]] = {}
            for c in self.commands:
                groups.setdefault(c.pipeline, []).append(c)
            by_pipeline = {k: tuple(v) for k, v in groups.items()}
            object.__setattr__(self, "_by_pipeline", by_pipeline)  # a cache of a frozen value
        return by_pipeline.get(pipeline, ())

    def pipeline_of(self, command: Command) -> list[Command]:
        return [c for c in self.in_pipeline(command.pipeline) if c.piped and c.wrapped_by is None]

    def stage_of(self, command: Command) -> list[Command]:
        """Every command at the same place of the same pipeline: ``sudo`` and the
        ``bash`` it wraps in ``curl ... | sudo bash``."""
        return [c for c in self.in_pipeline(command.pipeline) if c.position == command.position]

    def file_writes(self) -> list[FileWrite]:
        """What the script writes into files, where the text is visible (see FileWrite)."""
        # (pipeline, position) -> the last echo/printf/cat/tee there: what a `cat` or `tee`
        # later in the pipeline reads, found in constant time (5,000 `cat |` stay linear).
        writers: dict[tuple[int, int], Command] = {}
        for c in self.commands:
            if c.piped and c.name in _PIPE_WRITERS:
                writers[(c.pipeline, c.position)] = c
        out: list[FileWrite] = []
        for c in self.commands:
            if c.name == "sed":
                out.extend(_sed_writes(c))
                continue
            text = _output_text(c, writers)
            if text is None:
                continue
            for r in c.redirects:
                if r.writes_file and r.target != "/dev/null":
                    out.append(FileWrite(r.target, text, "append" if r.appends else "write", c))
            if c.name == "tee":
                append = False
                for w in c.args:
                    if w in ("-a", "--append") or (
                        w.startswith("-") and not w.startswith("--") and "a" in w
                    ):
                        append = True
                    elif not w.startswith("-") and w != "/dev/null":
                        out.append(FileWrite(w, text, "append" if append else "write", c))
        return out


def parse_script(text: str, heredocs: Sequence[str] = ()) -> Script:
    """The commands of a POSIX shell script (memoised: identical RUN lines are common).

    ``heredocs`` are here-document bodies that are *not* in ``text``: a Dockerfile
    ``RUN cat <<EOF > f`` line keeps its bodies apart. The n-th ``<<WORD`` of the text
    reads the n-th body; later ones read their body from the text as a shell does.
    """
    return _parse_cached(text, tuple(heredocs))


def parse_argv(argv: Iterable[str]) -> Script:
    """An exec-form command (``["sh", "-c", "..."]``): no shell parses it, but wrappers run."""
    builder = _Builder("")
    words = list(argv)
    assignments: list[str] = []
    command = builder.emit(assignments, words, 0, (builder._next_pipeline(), False, 0), 0)
    return Script(tuple(builder.out), exact=True, outline=(command,))


def pipefail_setting(words: Sequence[str]) -> bool | None:
    """What shell options in ``words`` do to ``pipefail``: True (``-o pipefail``,
    ``-euxo pipefail``, ``-Eeo pipefail``), False (``+o pipefail``), None (untouched).

    ``words`` are the arguments of ``set`` or of a shell invocation (``bash -o pipefail
    -c ...``, a ``SHELL`` array without its program); scanning stops at ``-c``'s script,
    at ``--`` and at the first operand.
    """
    state: bool | None = None
    it = iter(words)
    for w in it:
        if w in ("--", "-"):
            break
        if len(w) < 2 or w[0] not in "-+" or w.startswith("--"):
            if w.startswith("--"):
                continue  # bash --noprofile, --norc, ...
            break
        letters = w[1:]
        if "o" in letters:
            name = next(it, "")
            if name == "pipefail":
                state = w[0] == "-"
        if "c" in letters:
            break  # the script follows
    return state


def command_substitutions(word: str) -> list[str]:
    """The scripts of ``$(...)``, backquotes, ``<(...)`` and ``>(...)`` in a word
    (outermost only; single-quoted text is literal)."""
    out: list[str] = []
    i, n = 0, len(word)
    quote = ""
    while i < n:
        c = word[i]
        if quote == "'":
            if c == "'":
                quote = ""
            i += 1
            continue
        if c == "\\":
            i += 2
            continue
        if c == "'" and not quote:
            quote = "'"
            i += 1
            continue
        if c == '"':
            quote = "" if quote == '"' else '"'
            i += 1
            continue
        if c in "$<>" and word.startswith("(", i + 1) and not word.startswith("((", i + 1):
            end = _matching_paren(word, i + 2)
            out.append(word[i + 2 : end])
            i = end + 1
            continue
        if c == "`":
            end = word.find("`", i + 1)
            end = n if end < 0 else end
            out.append(word[i + 1 : end])
            i = end + 1
            continue
        i += 1
    return out


# --------------------------------------------------------------------------- preparing


@dataclass(frozen=True)
class _Prepared:
    text: str  # here-document bodies blanked, ``<<WORD`` replaced by ``< marker``
    bodies: tuple[str, ...]
    delimiters: tuple[str, ...]
    # (offset in ``text``, offset in the original) after each cut, to map positions back
    anchors: tuple[tuple[int, int], ...] = ()

    def original(self, pos: int) -> int:
        """The offset in the original text of the offset ``pos`` in ``text``."""
        anchors = self.anchors
        if not anchors or pos < anchors[0][0]:
            return pos
        k = bisect.bisect_right(anchors, (pos, 1 << 62)) - 1
        at, orig = anchors[k]
        return orig + (pos - at)


def _prepare(text: str, given: tuple[str, ...]) -> _Prepared:
    """Cut here-document bodies out of ``text``, keeping every newline (line numbers).

    Quote-, comment- and arithmetic-aware: ``echo "<<EOF"`` and ``$((1 << 2))`` are not
    here-documents.
    """
    if "<<" not in text:
        return _Prepared(text, (), ())
    out: list[str] = []
    bodies: list[str] = []
    delimiters: list[str] = []
    anchors: list[tuple[int, int]] = []
    pending: list[tuple[int, str, bool]] = []  # (ordinal, delimiter, strip tabs)
    i, n = 0, len(text)
    quote = ""
    word_start = True
    while i < n:
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\" and quote == '"' and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == quote:
                quote = ""
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
            word_start = False
            continue
        if c in "'\"":
            quote = c
            out.append(c)
            i += 1
            word_start = False
            continue
        if c == "#" and word_start:
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(text[i:end])
            i = end
            continue
        if c == "$" and text.startswith("((", i + 1):
            end = _matching_paren(text, i + 3, depth=2)
            out.append(text[i : end + 1])
            i = end + 1
            word_start = False
            continue
        if text.startswith("<<<", i):  # a here-string, not a here-document
            out.append("<<<")
            i += 3
            word_start = False
            continue
        if c == "<" and text.startswith("<", i + 1):
            j = i + 2
            strip = False
            if j < n and text[j] == "-":
                strip, j = True, j + 1
            while j < n and text[j] in " \t":
                j += 1
            k = j
            while k < n and text[k] not in " \t\n;&|()<>":
                if text[k] in "'\"":
                    close = text.find(text[k], k + 1)
                    k = n if close < 0 else close + 1
                else:
                    k += 1
            raw = text[j:k]
            delimiter = raw.replace("'", "").replace('"', "").replace("\\", "")
            if delimiter:
                ordinal = len(bodies) + len(pending)
                pending.append((ordinal, delimiter, strip))
                out.append("< " + _HEREDOC_MARK.format(ordinal))
                i = k
                anchors.append((sum(map(len, out)), i))
                word_start = False
                continue
        if c == "\n":
            out.append("\n")
            i += 1
            word_start = True
            for ordinal, delimiter, strip in pending:
                if ordinal < len(given):
                    bodies.append(given[ordinal])
                    delimiters.append(delimiter)
                    continue
                lines: list[str] = []
                while i < n:
                    end = text.find("\n", i)
                    line = text[i:] if end < 0 else text[i:end]
                    i = n if end < 0 else end + 1
                    out.append("\n" if end >= 0 else "")
                    probe = line.lstrip("\t") if strip else line
                    if probe.rstrip() == delimiter:
                        break
                    lines.append(probe)
                bodies.append("".join(line + "\n" for line in lines))
                delimiters.append(delimiter)
                anchors.append((sum(map(len, out)), i))
            pending = []
            continue
        word_start = c in " \t;&|()"
        out.append(c)
        i += 1
    # Bodies given from outside (Dockerfile heredocs) follow the only line there is.
    for ordinal, delimiter, _strip in pending:
        bodies.append(given[ordinal] if ordinal < len(given) else "")
        delimiters.append(delimiter)
    return _Prepared("".join(out), tuple(bodies), tuple(delimiters), tuple(anchors))


def _matching_paren(text: str, i: int, depth: int = 1) -> int:
    """Index of the ``)`` closing ``depth`` open parentheses before ``i`` (quote-aware);
    len(text) when unbalanced."""
    n = len(text)
    quote = ""
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c == "\\":
            i += 2
            continue
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return n


def _bashlex_trees(text: str) -> list[Any]:
    """What ``bashlex.parse(text)`` returns, by the same steps (bashlex is pinned to 0.18),
    without the class ``parse`` defines on every call and never uses: a class is a
    reference cycle, so each parse left garbage that only the cyclic collector frees,
    and it is paused while files are analysed."""
    # deferred: building its parser costs ~150 ms, only paid with scripts
    from bashlex import ast, parser

    def end(tree: Any) -> int:  # past a heredoc, which may follow its command's end
        finder = parser._endfinder()
        finder.visit(tree)
        return int(max(tree.pos[1], finder.end)) + 1

    trees = [parser._parser(text).parse()]
    index = end(trees[-1])
    while index < len(text):
        part = parser._parser(text[index:]).parse()
        if not isinstance(part, ast.node):
            break
        ast.posshifter(index).visit(part)
        trees.append(part)
        index = end(part)
    return trees


@lru_cache(maxsize=4096)
def _parse_cached(text: str, given: tuple[str, ...] = ()) -> Script:
    prepared = _prepare(text, given)
    builder = _Builder(prepared.text, prepared)
    try:
        builder.from_bashlex()
        return Script(tuple(builder.out), exact=True, outline=tuple(builder.outline))
    except RecursionError:
        error = "nested too deeply"
    except Exception as exc:  # bashlex raises several unrelated types on unsupported syntax
        error = f"{type(exc).__name__}: {exc}"
    builder = _Builder(prepared.text, prepared)
    with contextlib.suppress(RecursionError):  # thousands of nested $(...): keep what was found
        builder.from_tokens(prepared.text, 0, depth=0)
    return Script(tuple(builder.out), exact=False, error=error, outline=tuple(builder.outline))


class _Builder:
    def __init__(self, text: str, prepared: _Prepared | None = None) -> None:
        self.text = text
        self.prepared = prepared
        self.out: list[Command] = []
        self.outline: list[Command | Mark] = []
        self._pipeline = 0
        self._newlines: list[int] | None = None
        self._nested_scripts: set[str] = set()
        self._last_line = 0  # where the last outline item ended

    # -- shared --------------------------------------------------------------------------

    def _line_of(self, pos: int) -> int:
        if self._newlines is None:  # bisect instead of counting: no quadratic blow-up
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._newlines, max(0, pos))

    def _original(self, pos: int) -> int:
        """An offset in the parsed (prepared) text as an offset in the text as given."""
        return self.prepared.original(pos) if self.prepared is not None else pos

    def _place(self, item: Command | Mark, line: int, end_line: int) -> None:
        """Append to the outline; the grammar keeps no newline tokens, so a newline mark
        goes wherever an item starts on a later line than the previous one ended."""
        if line > self._last_line:
            self.outline.append(Mark("\n", self._last_line))
        self.outline.append(item)
        self._last_line = end_line

    def _redirect(self, op: str, target: str, fd: int | None) -> tuple[Redirect, str | None]:
        """The Redirect for ``op target``; here-document markers become ``<<`` + stdin."""
        m = _HEREDOC_MARK_RE.match(target)
        if op == "<" and m and self.prepared is not None:
            ordinal = int(m.group(1))
            if ordinal < len(self.prepared.bodies):
                return (
                    Redirect("<<", self.prepared.delimiters[ordinal], fd, ordinal),
                    self.prepared.bodies[ordinal],
                )
        if op == "<<<":
            return Redirect(op, target, fd), target + "\n"
        return Redirect(op, target, fd), None

    def emit(
        self, assignments: list[str], words: list[str], line: int, pipe: tuple[int, bool, int],
        depth: int, redirects: tuple[Redirect, ...] = (), stdin: str | None = None,
        offsets: tuple[int, ...] = (), end: int = -1,
    ) -> Command:  # fmt: skip
        pipeline, piped, position = pipe
        command = Command(
            tuple(words),
            tuple(assignments),
            line,
            pipeline,
            piped,
            position,
            redirects=redirects,
            stdin=stdin,
            offsets=offsets,
            end=end,
        )
        self.out.append(command)
        self._unwrap(words, line, pipe, depth, redirects, stdin, offsets, end)
        return command

    def _unwrap(
        self, words: list[str], line: int, pipe: tuple[int, bool, int], depth: int,
        redirects: tuple[Redirect, ...] = (), stdin: str | None = None,
        offsets: tuple[int, ...] = (), end: int = -1,
    ) -> None:  # fmt: skip
        """Add the command a wrapper runs (sudo x, env A=1 x, sh -c 'x')."""
        if not words or depth >= _MAX_DEPTH:
            return
        probe = Command(tuple(words), (), line, 0, False, 0)
        script = probe.shell_script()
        if script is not None:
            self._nested_scripts.add(script)
            self._nested(script, line, depth + 1)
            return
        name = probe.name
        rest = words[1:]
        if (name in _SHELLS and name != "busybox") or name == "su":
            return  # sh script.sh: a file we cannot see
        if name == "busybox" and rest:
            inner = rest
        elif name in _WRAPPER_VALUE_OPTS:
            inner = self._after_options(name, rest)
        else:
            return
        env: list[str] = []
        while inner and _ASSIGNMENT.match(inner[0]) and name in ("env", "sudo", "doas"):
            env.append(inner.pop(0))
        if not inner:
            return
        pipeline, piped, position = pipe
        inner_offsets = offsets[len(words) - len(inner) :] if offsets else ()
        self.out.append(
            Command(
                tuple(inner),
                tuple(env),
                line,
                pipeline,
                piped,
                position,
                wrapped_by=name,
                redirects=redirects,
                stdin=stdin,
                offsets=inner_offsets,
                end=end,
            )
        )
        self._unwrap(inner, line, pipe, depth + 1, redirects, stdin, inner_offsets, end)

    @staticmethod
    def _after_options(name: str, rest: list[str]) -> list[str]:
        takes_value = _WRAPPER_VALUE_OPTS[name]
        skip = _WRAPPER_SKIP_POSITIONAL.get(name, 0)
        i = 0
        while i < len(rest):
            w = rest[i]
            if w == "--":
                i += 1
                break
            if w.startswith("-") and len(w) > 1:
                i += 2 if w in takes_value else 1
                continue
            if skip:
                skip -= 1
                i += 1
                continue
            break
        return list(rest[i:])

    def _nested(self, script: str, line: int, depth: int) -> None:
        # Each level is a strictly shorter string, so this terminates; depth bounds the cost.
        self._adopt(_parse_cached(script), line, "sh -c")

    def _adopt(self, nested: Script, line: int, wrapped_by: str | None) -> list[Command | Mark]:
        """Append commands parsed from another text (``sh -c``, ``$(...)``) at ``line``;
        returns that text's outline as adopted (its offsets are not this text's)."""
        base = self._pipeline + 1
        commands = nested.commands
        adopted: dict[int, Command] = {}
        for c in commands:
            moved = replace(
                c,
                line=line + c.line,
                pipeline=base + c.pipeline,
                wrapped_by=c.wrapped_by or wrapped_by,
                offsets=(),
                end=-1,
            )
            adopted[id(c)] = moved
            self.out.append(moved)
        if commands:
            self._pipeline = base + max(c.pipeline for c in commands) + 1
        return [
            adopted.get(id(item), item)
            if isinstance(item, Command)
            else Mark(item.text, line + item.line)
            for item in nested.outline
        ]

    # -- bashlex -------------------------------------------------------------------------

    def from_bashlex(self) -> None:
        for tree in _bashlex_trees(self.text):
            self._visit(tree, None)

    def _next_pipeline(self) -> int:
        self._pipeline += 1
        return self._pipeline

    def _mark(self, text: str, pos: int) -> None:
        line = self._line_of(pos)
        self._place(Mark(text, line), line, line)

    def _visit(self, node: Any, pipe: tuple[int, bool, int] | None) -> None:
        kind = node.kind
        if kind == "pipeline":
            commands = [p for p in node.parts if p.kind not in ("pipe", "reservedword")]
            number = self._next_pipeline()
            piped = len(commands) > 1
            position = 0
            for part in node.parts:
                if part.kind == "pipe":
                    self._mark(part.pipe, part.pos[0])
                elif part.kind == "reservedword":  # `!`
                    self._mark(part.word, part.pos[0])
                else:
                    self._visit(part, (number, piped, position))
                    position += 1
            return
        if kind == "command":
            self._command(node, pipe or (self._next_pipeline(), False, 0))
            return
        if kind == "reservedword":
            if isinstance(node.word, str):
                self._mark(node.word, node.pos[0])
                return
            # bashlex quirk: a second `elif` holds its keyword and clause as a list of nodes
            for child in node.word:
                if hasattr(child, "kind"):
                    self._visit(child, None)
            return
        if kind == "operator":
            self._mark(node.op, node.pos[0])
            return
        if kind in ("commandsubstitution", "processsubstitution"):
            start, end = node.pos
            quote = self.text[start] == "`"
            self._mark("`" if quote else "(", start)
            for child in _children(node):
                self._visit(child, None)
            self._mark("`" if quote else ")", max(start, end - 1))
            return
        for child in _children(node):
            self._visit(child, None)

    def _word(self, part: Any) -> str:
        # bashlex drops every backslash inside double quotes ("a\nb" -> "anb") and does
        # not know $'...'; where a backslash is involved the word is unquoted here instead.
        raw = self.text[part.pos[0] : part.pos[1]]
        return _unquote(raw) if "\\" in raw else str(part.word)

    def _command(self, node: Any, pipe: tuple[int, bool, int]) -> None:
        assignments: list[str] = []
        words: list[str] = []
        offsets: list[int] = []
        redirects: list[Redirect] = []
        stdin: str | None = None
        for part in node.parts:
            if part.kind == "assignment" and not words:
                assignments.append(self._word(part))
            elif part.kind in ("word", "assignment"):
                words.append(self._word(part))
                offsets.append(self._original(part.pos[0]))
            elif part.kind == "redirect":
                target = part.output
                text = target.word if hasattr(target, "word") else str(target)
                fd = part.input if isinstance(getattr(part, "input", None), int) else None
                r, body = self._redirect(part.type, text, fd)
                redirects.append(r)
                stdin = body if body is not None else stdin
        self._nested_scripts = set()
        start, end = node.pos
        line = self._line_of(start)
        command = self.emit(assignments, words, line, pipe, 0, tuple(redirects), stdin,
                            tuple(offsets), self._original(end))  # fmt: skip
        self._place(command, line, self._line_of(end))
        nested = self._nested_scripts
        # $(...) and <(...) inside words and redirections run commands too; those inside
        # a ``sh -c`` script were already followed by the nested parse.
        for part in node.parts:
            if part.kind in ("word", "assignment") and part.word in nested:
                continue
            for child in _children(part):
                self._visit(child, None)

    # -- fallback tokenizer --------------------------------------------------------------

    def from_tokens(self, text: str, line0: int, depth: int) -> None:
        text, subs = _protect_substitutions(_drop_comments(_join_continuations(text)))
        text = _FD_BEFORE_REDIRECT.sub(r"\1", text)
        # Newlines are control operators too, so they are punctuation here.
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()<>\n")
        lexer.whitespace = " \t\r"
        lexer.whitespace_split = True  # words end only at blanks and operators, as in sh
        lexer.commenters = ""  # done by _drop_comments, which keeps the newline
        try:
            tokens = list(lexer)
        except ValueError:  # an unterminated quote: keep what can be split on blanks
            tokens = text.replace("\n", " \n ").split(" ")
        self.outline = _Tokens(self, tokens, subs, line0, depth).run()


# (assignments, words, line, pipeline, position, redirects, stdin) of a command in the making
_Pending = tuple[list[str], list[str], int, int, int, tuple[Redirect, ...], str | None]


_HEADER = -1  # a pending entry that is no command, only words with substitutions
# A run of operator characters as the tokenizer returns it (";\n", ");;") into operators.
_OPERATOR_PIECE = re.compile(r";;&|;;|;&|&&|\|\||\|&|[;&|()\n]")


class _Tokens:
    """The fallback's state machine over shlex tokens: commands, pipelines, redirects,
    ``case`` patterns, ``[[ ]]`` tests, ``for`` headers and function definitions."""

    def __init__(
        self, builder: _Builder, tokens: list[str], subs: list[str], line0: int, depth: int
    ) -> None:
        self.b = builder
        self.tokens = [t for t in tokens if t != ""]
        self.subs = subs
        self.line = line0
        self.depth = depth
        self.assignments: list[str] = []
        self.words: list[str] = []
        self.redirects: list[Redirect] = []
        self.stdin: str | None = None
        self.number = builder._next_pipeline()
        self.position = 0
        self.piped_numbers: set[int] = set()
        self.pending: list[_Pending] = []
        # The outline in the making: marks, and commands as their index in ``pending``.
        self.sequence: list[Mark | int] = []
        self.case_depth = 0
        self.in_pattern = False

    def mark(self, text: str) -> None:
        self.sequence.append(Mark(text, self.line))

    def flush(self) -> None:
        if self.words or self.assignments or self.redirects:
            self.sequence.append(len(self.pending))
            self.pending.append(
                (self.assignments, self.words, self.line, self.number, self.position,
                 tuple(self.redirects), self.stdin)
            )  # fmt: skip
        self.assignments, self.words, self.redirects, self.stdin = [], [], [], None

    def new_pipeline(self) -> None:
        self.number = self.b._next_pipeline()
        self.position = 0

    def restore(self, word: str) -> str:
        if "__devops_policy_sub_" not in word:
            return word
        return _SUB_MARK_RE.sub(lambda m: self.subs[int(m.group(1))], word)

    def run(self) -> list[Command | Mark]:
        """Emit the commands; returns the outline."""
        tokens = self.tokens
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            i += 1
            if self.in_pattern:  # case patterns: `a|b)` is not a pipeline
                self.line += tok.count("\n")
                if tok == "esac":
                    self.case_depth -= 1
                    self.in_pattern = False
                elif set(tok) <= _OPERATOR_CHARS and ")" in tok:
                    self.in_pattern = False
                continue
            if _is_redirect_op(tok):
                target = self.restore(tokens[i]) if i < n else ""
                if i < n and not (set(tokens[i]) <= _OPERATOR_CHARS | _REDIRECT_CHARS):
                    i += 1
                else:
                    target = ""
                r, body = self.b._redirect(tok, target, None)
                self.redirects.append(r)
                self.stdin = body if body is not None else self.stdin
                continue
            if tok in ("|", "|&"):
                self.flush()
                self.mark(tok)
                self.piped_numbers.add(self.number)
                self.position += 1
                continue
            if tok in _CONTROL or set(tok) <= _OPERATOR_CHARS:
                self.flush()
                for piece in _OPERATOR_PIECE.findall(tok):
                    self.mark(piece)
                    self.line += piece == "\n"
                self.new_pipeline()
                if self.case_depth and tok.startswith((";;", ";&")):
                    self.in_pattern = True
                continue
            if not self.words and not self.assignments:
                if (
                    tok in _RESERVED
                    or tok in ("case", "for", "select")
                    or (tok == "esac" and self.case_depth)
                ):
                    self.mark(tok)
                if tok == "case":
                    i = self._skip_until(i, ("in",))
                    self.case_depth += 1
                    self.in_pattern = True
                    continue
                if tok in ("for", "select"):
                    i = self._skip_until(i, (";", "\n", "do"))
                    continue
                if tok == "function":
                    i = min(n, i + 1)
                    continue
                if tok == "[[":
                    i = self._test(i)
                    continue
                if i + 1 < n and tokens[i] == "(" and tokens[i + 1] == ")":
                    i += 2  # name() { ...; }: a definition, not a call
                    continue
                if tok in _RESERVED:
                    continue
                if tok == "esac" and self.case_depth:
                    self.case_depth -= 1
                    continue
            if not self.words and _ASSIGNMENT.match(tok):
                self.assignments.append(self.restore(tok))
                continue
            self.words.append(self.restore(tok))
        self.flush()
        placed: list[list[Command | Mark]] = []
        for a, w, ln, num, pos, redirects, stdin in self.pending:
            self.b._nested_scripts = set()
            here: list[Command | Mark] = []
            if num != _HEADER:
                here.append(self.b.emit(a, w, ln, (num, num in self.piped_numbers, pos),
                                        self.depth, redirects, stdin))  # fmt: skip
            here += self._substitutions(w, a, ln)
            placed.append(here)
        return [
            part
            for item in self.sequence
            for part in ((item,) if isinstance(item, Mark) else placed[item])
        ]

    def _skip_until(self, i: int, stops: tuple[str, ...]) -> int:
        """Skip a header (``case WORD in``, ``for x in a b``) up to a stop token; the
        command substitutions in it (``case "$(uname -m)" in``) still run."""
        tokens = self.tokens
        header: list[str] = []
        line = self.line
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            if tok in stops:
                if tok == "\n":
                    self.line += 1
                break
            header.append(self.restore(tok))
        self.sequence.append(len(self.pending))
        self.pending.append(([], header, line, _HEADER, 0, (), None))
        return i

    def _test(self, i: int) -> int:
        """``[[ ... ]]``: operators inside are part of the test, not control operators."""
        self.words.append("[[")
        tokens = self.tokens
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            self.words.append(self.restore(tok))
            if tok == "]]":
                break
        return i

    def _substitutions(
        self, words: list[str], assignments: list[str], line: int
    ) -> list[Command | Mark]:
        """Emit the commands of the substitutions in a command's words; their outline."""
        nested = self.b._nested_scripts
        outline: list[Command | Mark] = []
        for w in (*assignments, *words):
            if w in nested:
                continue
            for script in command_substitutions(w):
                outline.append(Mark("(", line))
                outline += self.b._adopt(_parse_cached(script), line, None)
                outline.append(Mark(")", line))
        return outline


_ANSI_C = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f",
           "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}  # fmt: skip


def _unquote(raw: str) -> str:
    """POSIX quote removal of one word (with bash's ``$'...'``); ``$(...)`` and
    backquoted text are kept verbatim, as bashlex keeps them."""
    out: list[str] = []
    i, n = 0, len(raw)
    quote = ""
    while i < n:
        c = raw[i]
        if quote == "'":
            if c == "'":
                quote = ""
            else:
                out.append(c)
            i += 1
        elif quote == "$'":
            if c == "'":
                quote = ""
            elif c == "\\" and i + 1 < n:
                out.append(_ANSI_C.get(raw[i + 1], "\\" + raw[i + 1]))
                i += 1
            else:
                out.append(c)
            i += 1
        elif c == "\\" and i + 1 < n:
            nxt = raw[i + 1]
            if quote == '"' and nxt not in '$`"\\\n':
                out.append(c + nxt)
            elif nxt != "\n":
                out.append(nxt)
            i += 2
        elif c == "$" and raw.startswith("(", i + 1):
            end = _matching_paren(raw, i + 2)
            out.append(raw[i : end + 1])
            i = end + 1
        elif c == "`":
            end = raw.find("`", i + 1)
            end = n - 1 if end < 0 else end
            out.append(raw[i : end + 1])
            i = end + 1
        elif c == '"':
            quote = "" if quote else '"'
            i += 1
        elif c == "'" and not quote:
            quote = "'"
            i += 1
        elif c == "$" and raw.startswith("'", i + 1) and not quote:
            quote = "$'"
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _is_redirect_op(tok: str) -> bool:
    """``>``, ``>>``, ``<``, ``<<<``, ``>&``, ``&>``, ``&>>``, ``>|``, ``<>``..."""
    if not set(tok) <= _REDIRECT_CHARS | {"|"}:
        return False
    return tok[0] in "<>" or tok.startswith("&>")


def _children(node: Any) -> Iterator[Any]:
    for attr in ("parts", "list"):
        value = getattr(node, attr, None)
        if isinstance(value, list):
            yield from value
    for attr in ("command", "output"):
        value = getattr(node, attr, None)
        if value is not None and hasattr(value, "kind") and value.kind != "heredoc":
            yield value


def _protect_substitutions(text: str) -> tuple[str, list[str]]:
    """Replace ``$(...)``, ``<(...)``, backquotes and ``$((...))`` by placeholder words, so
    that the tokenizer does not split them on their parentheses; the originals come back
    in the words and their scripts are parsed on their own."""
    if not any(ch in text for ch in "$`<>"):
        return text, []
    out: list[str] = []
    subs: list[str] = []
    i, n = 0, len(text)
    quote = ""
    while i < n:
        c = text[i]
        if quote == "'":
            out.append(c)
            if c == "'":
                quote = ""
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "'" and not quote:
            quote = "'"
            out.append(c)
            i += 1
            continue
        if c == '"':
            quote = "" if quote else '"'
            out.append(c)
            i += 1
            continue
        end = -1
        if c == "$" and text.startswith("((", i + 1):
            end = _matching_paren(text, i + 3, depth=2)
        elif c in "$<>" and text.startswith("(", i + 1):
            end = _matching_paren(text, i + 2)
        elif c == "`":
            end = text.find("`", i + 1)
            end = n - 1 if end < 0 else end
        if end >= 0:
            original = text[i : end + 1]
            out.append(_SUB_MARK.format(len(subs)))
            subs.append(original.replace("\n", " "))
            i = end + 1
            continue
        out.append(c)
        i += 1
    return "".join(out), subs


def _join_continuations(text: str) -> str:
    """Backslash-newline outside single quotes joins two lines into one command, as the
    shell reads it (shlex would keep the newline as a word). The newlines removed are put
    back at the end of the command's last line, so later commands keep their line numbers
    (an empty line is no command)."""
    if "\\\n" not in text:
        return text
    out: list[str] = []
    owed = 0
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
        elif ch == "\\" and i + 1 < n:
            if text[i + 1] == "\n":
                owed += 1
                out.append(" ")
                i += 2
                continue
            out.append(text[i : i + 2])
            i += 2
            continue
        elif ch in "'\"" and not quote:
            quote = ch
        elif ch == quote:
            quote = ""
        elif ch == "\n" and owed and not quote:
            out.append("\n" * owed)
            owed = 0
        out.append(ch)
        i += 1
    out.append("\n" * owed)
    return "".join(out)


def _drop_comments(text: str) -> str:
    """Remove ``# ...`` to the end of the line where ``#`` starts a word outside quotes."""
    if "#" not in text:
        return text
    out: list[str] = []
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"' and i + 1 < n:
                out.append(text[i : i + 2])
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
            continue
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n;&|()"):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        out.append(ch)
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------- file content


_PIPE_WRITERS = frozenset({"echo", "printf", "cat", "tee"})


def _output_text(
    c: Command, writers: Mapping[tuple[int, int], Command], depth: int = 0
) -> str | None:
    """What ``c`` writes to standard output, when that is visible in the script."""
    name = c.name
    if name == "echo":
        return _echo_text(c.args)
    if name == "printf":
        return _printf_text(c.args)
    if name in ("cat", "tee"):
        if c.stdin is not None:
            return c.stdin
        files = [w for w in c.args if not w.startswith("-")]
        if name == "cat" and files:
            return None  # cat some-file: content not visible here
        if c.piped and c.position > 0 and depth < 8:
            before = writers.get((c.pipeline, c.position - 1))
            if before is not None:
                return _output_text(before, writers, depth + 1)
    return None


def _unescape(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in _ECHO_ESCAPES:
            out.append(_ECHO_ESCAPES[text[i + 1]])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _echo_text(args: Sequence[str]) -> str:
    words = list(args)
    newline = True
    while words and re.fullmatch(r"-[neE]+", words[0]):
        newline = newline and "n" not in words[0]
        words.pop(0)
    # dash's echo always interprets \n; bash's only with -e. Either way a line break
    # is what a reader of the file would look for.
    return _unescape(" ".join(words)) + ("\n" if newline else "")


def _printf_text(args: Sequence[str]) -> str:
    words = list(args)
    if words and words[0] == "--":
        words.pop(0)
    if not words:
        return ""
    fmt, values = words[0], words[1:]
    used = 0

    def fill(m: re.Match[str]) -> str:
        nonlocal used
        if m.group(0) == "%%":
            return "%"
        value = values[used] if used < len(values) else ""
        used += 1
        return _unescape(value) if m.group(0).endswith("b") else value

    text = re.sub(r"%%|%[-+ #0-9.]*[sbdiuxXcfgeE]", fill, _unescape(fmt))
    rest = values[used:]
    return text + ("\n" + " ".join(rest) if rest else "")


_SED_VALUE_OPTS = frozenset({"-e", "--expression", "-f", "--file", "-l", "--line-length"})


def _sed_writes(c: Command) -> list[FileWrite]:
    """``sed -i 's/a/b/' f``: the replacement and inserted text, as an edit of f."""
    args = list(c.args)
    in_place = False
    scripts: list[str] = []
    files: list[str] = []
    i = 0
    while i < len(args):
        w = args[i]
        if w in ("-e", "--expression") and i + 1 < len(args):
            scripts.append(args[i + 1])
            i += 2
            continue
        if w.startswith("--expression="):
            scripts.append(w.split("=", 1)[1])
        elif w in ("-f", "--file") or w.startswith("--file="):
            return []  # the script is in a file: what it inserts is not visible
        elif w in _SED_VALUE_OPTS:
            i += 2
            continue
        elif w.startswith("--in-place") or (w.startswith("-") and w[1:2] == "i"):
            in_place = True
        elif w.startswith("-") and not w.startswith("--") and "i" in w[1:] and len(w) > 1:
            in_place = True  # -Ei, -ni
        elif not w.startswith("-"):
            files.append(w)
        i += 1
    if not in_place:
        return []
    if not scripts and files:
        scripts.append(files.pop(0))
    text = "".join(_sed_inserted(s) for s in scripts)
    return [FileWrite(f, text, "edit", c) for f in files] if text else []


def _sed_inserted(script: str) -> str:
    """The text a sed script puts into the file: ``s`` replacements, ``a``/``i``/``c`` text."""
    out: list[str] = []
    i, n = 0, len(script)
    while i < n:
        c = script[i]
        if c in " \t;\n}{!":
            i += 1
            continue
        if c == "/" or c == "\\":  # an address regex
            delim = script[i + 1] if c == "\\" and i + 1 < n else "/"
            j = i + (2 if c == "\\" else 1)
            while j < n and script[j] != delim:
                j += 2 if script[j] == "\\" else 1
            i = j + 1
            continue
        if c.isdigit() or c in "$,~+":
            i += 1
            continue
        if c == "s" and i + 1 < n:
            delim = script[i + 1]
            parts: list[str] = []
            j = i + 2
            cur: list[str] = []
            while j < n and len(parts) < 2:
                ch = script[j]
                if ch == "\\" and j + 1 < n:
                    nxt = script[j + 1]
                    cur.append("\n" if nxt == "n" else nxt if nxt == delim else ch + nxt)
                    j += 2
                    continue
                if ch == delim:
                    parts.append("".join(cur))
                    cur = []
                else:
                    cur.append(ch)
                j += 1
            if len(parts) == 2:
                out.append(parts[1] + "\n")
            while j < n and script[j] not in ";\n}":
                j += 1
            i = j
            continue
        if c in "aic":
            j = script.find("\n", i)
            j = n if j < 0 else j
            body = script[i + 1 : j].lstrip()
            body = body[1:].lstrip() if body.startswith("\\") else body
            out.append(_unescape(body) + "\n")
            i = j
            continue
        j = i
        while j < n and script[j] not in ";\n":
            j += 1
        i = j + 1
    return "".join(out)
