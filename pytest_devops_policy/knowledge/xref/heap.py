"""The heap maximum a container's runtime will use (XREF-008), read from files only.

Sources, lowest precedence first (catalog §9.3 XREF-008), with the runtimes' own rules:

* the environment: the image's ``ENV`` overlaid by the container's ``env`` (one value per
  name; the container's wins, and a later duplicate in ``env`` wins). ``JAVA_TOOL_OPTIONS``
  (read by every JVM) then ``JDK_JAVA_OPTIONS`` (read by the ``java`` launcher) come before
  the command line; ``_JAVA_OPTIONS`` after it (HotSpot reads it last). ``NODE_OPTIONS``
  comes before node's command line. ``JAVA_OPTS`` is a convention, not a JVM variable: it
  counts only where the command line expands ``$JAVA_OPTS``.
* the command line: the container's ``command``/``args`` replacing the image's
  ENTRYPOINT/CMD as Kubernetes does (``command`` drops both, ``args`` only CMD; a
  shell-form ENTRYPOINT ignores both CMD and args), ``$(VAR)`` expanded from the container
  env, and ``$VAR`` from the process env where a shell runs the line (``sh -c``, shell-form
  CMD).

JVM: the last ``-Xmx<size>`` / ``-XX:MaxHeapSize=<size>`` wins (bytes, or ``k``/``m``/``g``/
``t``); ``-XX:MaxRAMPercentage`` (or the older ``MaxRAMFraction``) counts only without an
explicit maximum. Only the options before the main class or ``-jar`` are the JVM's. Node:
the last ``--max-old-space-size=<MiB>``.

What may change the answer and cannot be read is a ``Doubt``. A *strong* doubt is a heap
setting of unknown value (``JAVA_TOOL_OPTIONS`` from a ``valueFrom``, ``-Xmx$HEAP``); a weak
one only may be a setting (``envFrom``, an unknown ``$X`` among the JVM options). A doubt
after the effective setting may override it; before it, it is overridden. Without a
setting, only a strong doubt counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pytest_devops_policy.knowledge.kubernetes.quantity import try_parse_quantity
from pytest_devops_policy.knowledge.shell import Command, parse_argv

__all__ = [
    "HEAP_ENV",
    "CommandLine",
    "ContainerSide",
    "Doubt",
    "EnvEntry",
    "Heap",
    "HeapFlag",
    "ImageSide",
    "effective_heaps",
    "flag_setting",
    "java_size",
    "memory_limit",
]

HEAP_ENV = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "NODE_OPTIONS", "JAVA_OPTS")
_RUNTIMES = {"java": "jvm", "node": "node", "nodejs": "node"}
# Init processes that run their arguments as the command (tini -- java ...).
_INITS = frozenset({"tini", "tini-static", "dumb-init", "catatonit"})
_JAVA_SIZE = re.compile(r"^([0-9]+)([kKmMgGtT]?)$")
_SCALE = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_PERCENT = re.compile(r"^[0-9]+(?:\.[0-9]*)?$")
_FRACTION = re.compile(r"^[1-9][0-9]*$")
_NODE_FLAG = re.compile(r"^--max[-_]old[-_]space[-_]size(?:=(.*))?$")
# java launcher options that take the next word as their value.
_JAVA_VALUED = frozenset(
    {
        "-cp",
        "-classpath",
        "--class-path",
        "-p",
        "--module-path",
        "--upgrade-module-path",
        "--add-modules",
        "--limit-modules",
        "--add-reads",
        "--add-exports",
        "--add-opens",
        "--patch-module",
        "--enable-native-access",
        "--source",
    }
)
_K8S_VAR = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")
_SHELL_VAR = re.compile(
    r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\})"
)


def java_size(text: str) -> int | None:
    """``2g`` → 2 GiB in bytes; a plain number is bytes (the JVM's ``-Xmx`` grammar)."""
    m = _JAVA_SIZE.match(text)
    if m is None:
        return None
    return int(m.group(1)) * _SCALE[m.group(2).lower()]


def memory_limit(value: object) -> int | str:
    """``limits.memory`` in bytes, or why it cannot be judged (a template, a milli-byte
    ``m`` suffix that K8S-011 reports, no quantity)."""
    q = try_parse_quantity(value)
    if q is None:
        return f"limits.memory {value!r} is not a quantity"
    if q.suffix in ("m", "u", "n"):
        return f"limits.memory {q.text} is a fraction of a byte per unit (K8S-011 reports it)"
    if q.value <= 0:
        return f"limits.memory {q.text} is not positive"
    return int(q.value.to_integral_value())


# -- the model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    source: str  # "ENV JAVA_TOOL_OPTIONS", "env NODE_OPTIONS", "CMD", "args"...
    where: str  # path:line
    image: bool  # from the image (its ENV or ENTRYPOINT/CMD)


@dataclass(frozen=True)
class HeapFlag:
    """One heap setting: ``max_bytes`` (an explicit maximum) or ``percent`` (of the
    container's memory)."""

    runtime: str  # jvm | node
    text: str  # the option as written
    origin: Origin
    max_bytes: int | None = None
    percent: Decimal | None = None

    @property
    def shown(self) -> str:
        return f"{self.origin.where} {self.origin.source} {self.text}"


@dataclass(frozen=True)
class Doubt:
    """Something that may set the heap and cannot be read."""

    runtime: str | None  # None: either runtime
    text: str
    reason: str
    origin: Origin
    strong: bool  # surely a heap setting (of unknown value)

    @property
    def shown(self) -> str:
        where = f"{self.origin.where} " if self.origin.where else ""
        return f"{where}{self.origin.source} {self.text}: {self.reason}"


@dataclass(frozen=True)
class Heap:
    """The effective setting of one runtime; ``doubt``: what may override it (or, without
    a setting, a setting of unknown value); ``replaced``: the settings it overrides;
    ``condition``: why the setting may not apply at all (JAVA_OPTS with an unseen command
    line)."""

    runtime: str
    setting: HeapFlag | None
    doubt: Doubt | None = None
    replaced: tuple[HeapFlag, ...] = ()
    condition: str | None = None

    @property
    def from_image(self) -> bool:
        """The verdict rests on the image: its setting or its doubt comes from it."""
        return any(x is not None and x.origin.image for x in (self.setting, self.doubt))


@dataclass(frozen=True)
class EnvEntry:
    value: str | None  # None: unknown (valueFrom, an unresolved ARG)
    origin: Origin


@dataclass(frozen=True)
class CommandLine:
    """An ENTRYPOINT/CMD or command/args: exec-form words, or shell-form text."""

    words: tuple[str, ...] | None
    text: str | None
    origin: Origin

    @property
    def shell_form(self) -> bool:
        return self.words is None

    @property
    def argv(self) -> tuple[str, ...]:
        if self.words is not None:
            return self.words
        return ("/bin/sh", "-c", self.text) if self.text is not None else ()


@dataclass(frozen=True)
class ImageSide:
    env: Mapping[str, EnvEntry]  # HEAP_ENV names the Dockerfile sets
    entrypoint: CommandLine | None
    cmd: CommandLine | None


@dataclass(frozen=True)
class ContainerSide:
    env: tuple[tuple[str, EnvEntry], ...]  # every env entry, in order
    env_from: bool  # envFrom: any name may be set, unseen
    command: CommandLine | None
    args: CommandLine | None


# -- single options ------------------------------------------------------------------


def flag_setting(word: str, nxt: str | None = None) -> tuple[str, int | Decimal | None] | None:
    """What one option sets: ``("max", bytes)``, ``("percent", p)`` or ``("node", bytes)``,
    the value None when it cannot be read (``-Xmx$HEAP``); None for any other word.
    ``nxt`` is the next word (``--max-old-space-size 512``)."""
    if word.startswith("-Xmx"):
        return "max", java_size(word[4:])
    if word.startswith("-XX:MaxHeapSize="):
        return "max", java_size(word[len("-XX:MaxHeapSize=") :])
    if word.startswith("-XX:MaxRAMPercentage="):
        value = word.split("=", 1)[1]
        return "percent", Decimal(value) if _PERCENT.match(value) else None
    if word.startswith("-XX:MaxRAMFraction="):
        value = word.split("=", 1)[1]
        return "percent", Decimal(100) / int(value) if _FRACTION.match(value) else None
    m = _NODE_FLAG.match(word)
    if m:
        mib: str | None = m.group(1) if m.group(1) is not None else nxt
        if mib is not None and mib.isascii() and mib.isdigit():
            return "node", int(mib) << 20
        return "node", None
    return None


def _flag(word: str, nxt: str | None, origin: Origin) -> HeapFlag | Doubt | None:
    found = flag_setting(word, nxt)
    if found is None:
        return None
    kind, value = found
    runtime = "node" if kind == "node" else "jvm"
    if value is None:
        return Doubt(runtime, word, "its size is not a literal", origin, strong=True)
    if kind == "percent":
        assert isinstance(value, Decimal)
        return HeapFlag(runtime, word, origin, percent=value)
    return HeapFlag(runtime, word, origin, max_bytes=int(value))


def _option_string(text: str, origin: Origin) -> list[HeapFlag | Doubt]:
    """The heap options of an option variable (JAVA_TOOL_OPTIONS, NODE_OPTIONS)."""
    words = text.split()
    out: list[HeapFlag | Doubt] = []
    for i, word in enumerate(words):
        found = _flag(word, words[i + 1] if i + 1 < len(words) else None, origin)
        if found is not None:
            out.append(found)
        elif "$" in word:
            out.append(Doubt(None, word, "an unresolved variable", origin, strong=False))
    return out


# -- the environment ----------------------------------------------------------------


class _Env:
    """The process environment as far as the files show it."""

    def __init__(self, env_from: bool) -> None:
        self.values: dict[str, EnvEntry] = {}
        self.env_from = env_from

    def get(self, name: str) -> EnvEntry | str | None:
        """The entry; None when surely unset; why it is unknown."""
        entry = self.values.get(name)
        if entry is not None:
            return entry
        if self.env_from:
            return "envFrom may set it"
        if name in HEAP_ENV:
            return None  # a conventional placeholder: empty unless set
        return "not set in the files"

    def options(self, name: str, env_from_doubt: bool = True) -> list[HeapFlag | Doubt]:
        runtime = "node" if name == "NODE_OPTIONS" else "jvm"
        got = self.get(name)
        if got is None:
            return []
        if isinstance(got, str):
            if not env_from_doubt:
                return []
            return [Doubt(runtime, name, got, Origin("envFrom", "", False), strong=False)]
        out: list[HeapFlag | Doubt]
        if got.value is None:
            reason = "its value is not a literal"
            out = [Doubt(runtime, name, reason, got.origin, strong=True)]
        else:
            out = _option_string(got.value, got.origin)
        if got.origin.image and self.env_from and env_from_doubt:
            # The pod's envFrom replaces an image ENV of the same name, unseen.
            hidden = Doubt(runtime, name, "envFrom may set it", Origin("envFrom", "", False), False)
            out.append(hidden)
        return out


def _k8s_expand(word: str, env: Mapping[str, EnvEntry]) -> str | None:
    """Kubernetes ``$(VAR)`` expansion from the container env; None when a referenced
    value is unknown."""
    unknown = False

    def sub(m: re.Match[str]) -> str:
        nonlocal unknown
        if m.group(0) == "$$":
            return "$"
        entry = env.get(m.group(1))
        if entry is None or entry.value is None:
            unknown = True
            return m.group(0)
        return entry.value

    out = _K8S_VAR.sub(sub, word)
    return None if unknown else out


@dataclass(frozen=True)
class _Word:
    text: str
    origin: Origin


def _shell_expand(word: _Word, env: _Env) -> tuple[list[_Word], str | None, set[str]]:
    """``$VAR`` expansion of one shell word: the words it becomes (split as an unquoted
    expansion is), why it cannot be read (None: it can) and the names it expanded."""
    if "$" not in word.text:
        return [word], None, set()
    unknown: str | None = None
    names: set[str] = set()
    only: EnvEntry | None = None  # the word is one variable: its words come from there

    def sub(m: re.Match[str]) -> str:
        nonlocal unknown, only
        name = m.group(1) or m.group(2)
        names.add(name)
        got = env.get(name)
        value: str | None = None
        if isinstance(got, str):
            unknown = f"${name}: {got}"
            return ""
        if got is not None:
            if got.value is None:
                unknown = f"${name} is not a literal"
                return ""
            value = got.value
            if m.group(0) == word.text:
                only = got
        op, default = m.group(3), m.group(4)
        if op is not None and (value is None or (op == ":-" and value == "")):
            return default or ""
        return value or ""

    text = _SHELL_VAR.sub(sub, word.text)
    if unknown is None and "$" in text:
        unknown = "an expansion that is not read"
    origin = only.origin if only is not None else word.origin
    return [_Word(w, origin) for w in text.split()], unknown, names


# -- the command line ---------------------------------------------------------------


def _effective_argv(container: ContainerSide, image: ImageSide | None) -> tuple[list[_Word], bool]:
    """The words the container runs, and whether their start is unseen (no image facts
    and no ``command``)."""

    def words(line: CommandLine | None) -> list[_Word]:
        return [_Word(w, line.origin) for w in line.argv] if line is not None else []

    if container.command is not None:
        return words(container.command) + words(container.args), False
    if image is None:
        return words(container.args), True
    entry = image.entrypoint
    if entry is not None and entry.shell_form:
        return words(entry), False
    rest = container.args if container.args is not None else image.cmd
    return words(entry) + words(rest), False


def _runtime_at(words: Sequence[str]) -> int | None:
    """Where ``java``/``node`` starts in a command's words (after ``tini --``)."""
    for i, w in enumerate(words):
        base = w.rsplit("/", 1)[-1]
        if base in _RUNTIMES:
            return i
        if i == 0 and base not in _INITS:
            return None
        if i > 0 and not w.startswith("-"):
            return None
    return None


def _options(runtime: str, args: Sequence[_Word]) -> Iterator[int]:
    """The indexes of the runtime's own options in ``args`` (before the main class,
    ``-jar``, ``-m`` or the script)."""
    i = 0
    while i < len(args):
        w = args[i].text
        if runtime == "jvm":
            if w in ("-jar", "-m", "--module") or w.startswith("--module="):
                return
            if not w.startswith(("-", "@", "$?")):
                return
            yield i
            i += 2 if w in _JAVA_VALUED else 1
        else:
            if not w.startswith(("-", "$?")) or w == "--":
                return
            yield i
            i += 1


class _CommandLineReader:
    def __init__(self, env: _Env) -> None:
        self.env = env
        self.expanded: set[str] = set()  # variables the command line expands
        self.runtimes: set[str] = set()  # runtimes it starts

    def read(self, argv: Sequence[_Word]) -> list[HeapFlag | Doubt]:
        texts = [w.text for w in argv]
        out: list[HeapFlag | Doubt] = []
        for command in parse_argv(texts).commands if texts else ():
            words = self._words(command, argv)
            if words is None:
                continue
            out.extend(self._command(words))
        return out

    def _words(self, command: Command, argv: Sequence[_Word]) -> list[_Word] | None:
        """The command's words with their origins, ``$VAR``-expanded when a shell runs it."""
        at = _runtime_at(command.words)
        if at is None:
            return None
        n = len(command.words)
        if tuple(w.text for w in argv[len(argv) - n :]) == command.words:
            return list(argv[len(argv) - n + at :])  # exec form: no shell expands
        # From a shell script (sh -c, shell form): the word that holds the script.
        first = command.words[at]
        holder = max(
            (w for w in argv if first in w.text and " " in w.text),
            key=lambda w: len(w.text),
            default=argv[-1],
        )
        out: list[_Word] = []
        for text in command.words[at:]:
            words, unknown, names = _shell_expand(_Word(text, holder.origin), self.env)
            self.expanded |= names
            if unknown is not None:
                out.append(_Word(f"$?{text}", holder.origin))  # read as a doubt
                continue
            out.extend(words)
        return out

    def _command(self, words: list[_Word]) -> Iterator[HeapFlag | Doubt]:
        runtime = _RUNTIMES[words[0].text.rsplit("/", 1)[-1]]
        self.runtimes.add(runtime)
        args = words[1:]
        for i in _options(runtime, args):
            w = args[i]
            nxt = args[i + 1].text if i + 1 < len(args) else None
            found = _flag(w.text, nxt, w.origin)
            if found is not None:
                yield found
            elif w.text.startswith("$?"):
                text = w.text[2:]
                strong = flag_setting(text) is not None
                reason = "an unresolved variable, read among the options"
                yield Doubt(runtime, text, reason, w.origin, strong)
            elif w.text.startswith("@"):
                yield Doubt(runtime, w.text, "an argument file", w.origin, strong=False)


def _orphans(argv: Sequence[_Word]) -> list[HeapFlag | Doubt]:
    """Heap options on a command line whose runtime is not visible (an entrypoint script,
    an unseen ENTRYPOINT): nothing but a JVM or node reads ``-Xmx``; ``-jar`` ends them."""
    out: list[HeapFlag | Doubt] = []
    for i, w in enumerate(argv):
        if w.text == "-jar":
            break
        found = _flag(w.text, argv[i + 1].text if i + 1 < len(argv) else None, w.origin)
        if found is not None:
            out.append(found)
    return out


def _resolve(runtime: str, sequence: Sequence[HeapFlag | Doubt]) -> Heap | None:
    mine = [x for x in sequence if x.runtime in (runtime, None)]
    flags = [x for x in mine if isinstance(x, HeapFlag)]
    explicit = [f for f in flags if f.max_bytes is not None]
    chosen = explicit or [f for f in flags if f.percent is not None]
    setting = chosen[-1] if chosen else None
    after = mine[mine.index(setting) + 1 :] if setting is not None else mine
    doubts = [d for d in after if isinstance(d, Doubt)]
    if setting is None:
        doubts = [d for d in doubts if d.strong and d.runtime == runtime]
        if not doubts:
            return None
    return Heap(runtime, setting, doubts[0] if doubts else None, tuple(chosen[:-1]))


def effective_heaps(container: ContainerSide, image: ImageSide | None) -> list[Heap]:
    """The effective heap setting of each runtime that shows one (empty: no heap setting
    anywhere). ``image`` None: the image is not known (no link): judged on what the
    container shows."""
    env = _Env(container.env_from)
    if image is not None:
        env.values.update(image.env)
    k8s_env: dict[str, EnvEntry] = {}
    for name, entry in container.env:
        if entry.value is not None and "$(" in entry.value:
            entry = EnvEntry(_k8s_expand(entry.value, k8s_env), entry.origin)
        k8s_env[name] = entry
        env.values[name] = entry

    argv: list[_Word] = []
    cmdline: list[HeapFlag | Doubt] = []
    words, unseen_start = _effective_argv(container, image)
    for w in words:
        if "$(" in w.text and not w.origin.image:
            expanded = _k8s_expand(w.text, k8s_env)
            if expanded is None:
                hit = flag_setting(w.text)
                runtime = None if hit is None else "node" if hit[0] == "node" else "jvm"
                reason = "an unresolved $(VAR)"
                cmdline.append(Doubt(runtime, w.text, reason, w.origin, hit is not None))
                continue
            w = _Word(expanded, w.origin)
        argv.append(w)
    reader = _CommandLineReader(env)
    cmdline.extend(reader.read(argv))
    if not reader.runtimes:
        cmdline.extend(_orphans(argv))

    heaps: list[Heap] = []
    # envFrom may hide any name; only the common ones count as doubts (a ConfigMap that
    # sets JDK_JAVA_OPTIONS or _JAVA_OPTIONS next to an explicit env setting is rare).
    jvm = [
        *env.options("JAVA_TOOL_OPTIONS"),
        *env.options("JDK_JAVA_OPTIONS", env_from_doubt=False),
        *cmdline,
        *env.options("_JAVA_OPTIONS", env_from_doubt=False),
    ]
    node = [*env.options("NODE_OPTIONS"), *cmdline]
    for runtime, sequence in (("jvm", jvm), ("node", node)):
        heap = _resolve(runtime, sequence)
        if heap is not None:
            heaps.append(heap)
    if "JAVA_OPTS" not in reader.expanded and not any(h.runtime == "jvm" for h in heaps):
        heaps.extend(_java_opts(env, unseen_start or not reader.runtimes))
    return heaps


def _java_opts(env: _Env, unseen: bool) -> list[Heap]:
    """``JAVA_OPTS`` set with a heap option while the command line that would expand it is
    not visible: a conditional setting (its verdict counts only when harmless)."""
    got = env.values.get("JAVA_OPTS")
    if not unseen or got is None or got.value is None:
        return []
    heap = _resolve("jvm", _option_string(got.value, got.origin))
    if heap is None or heap.setting is None:
        return []
    condition = (
        "JAVA_OPTS is read only by a command line that expands $JAVA_OPTS, and the "
        "command line is not visible (an entrypoint script or an unlinked image)"
    )
    return [Heap("jvm", heap.setting, heap.doubt, heap.replaced, condition)]
