"""The sudoers grammar, as far as HOST-005 needs it (catalog §8.3), and doas.conf.

``parse`` turns one file into items in file order: aliases, ``Defaults`` lines, include
directives and one ``Grant`` per command of a user specification, with the runas list and
the ``NOPASSWD``/``PASSWD`` tag each command inherits from the commands before it in the
same entry. ``read_sudoers`` follows ``@include``/``#include`` and ``@includedir``/
``#includedir`` on a host, as sudo does (files whose name ends in ``~`` or contains ``.`` are
skipped; a relative path is relative to the including file's directory).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.files import list_dirs

__all__ = [
    "DoasRule",
    "Grant",
    "Include",
    "SudoDefault",
    "Sudoers",
    "expand",
    "group_members",
    "parse",
    "parse_doas",
    "read_sudoers",
    "runas_includes_root",
    "shell_like",
    "split_command",
]

ALIAS_KINDS = ("User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias")
TAGS = frozenset(
    {
        "NOPASSWD",
        "PASSWD",
        "NOEXEC",
        "EXEC",
        "SETENV",
        "NOSETENV",
        "LOG_INPUT",
        "NOLOG_INPUT",
        "LOG_OUTPUT",
        "NOLOG_OUTPUT",
        "MAIL",
        "NOMAIL",
        "FOLLOW",
        "NOFOLLOW",
        "INTERCEPT",
        "NOINTERCEPT",
    }
)
_OPTION = re.compile(
    r"^(?:CWD|CHROOT|ROLE|TYPE|TIMEOUT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)"
    r"=(?:\"[^\"]*\"|\S+)\s*"
)
_TAG = re.compile(r"^([A-Z_]+):\s*")
_DIGEST = re.compile(r"^(?:sha224|sha256|sha384|sha512):\s*\S+\s+")
_INCLUDE = re.compile(r"^[@#](include|includedir)\s+(.+)$")
_DEFAULTS = re.compile(r"^Defaults(?:([:@>!])\s*(.*?))?(?:\s+(.*))?$")
_ALIAS_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_MAX_DEPTH = 128  # sudo's own limit on nested includes


@dataclass(frozen=True)
class Include:
    kind: str  # include | includedir
    path: str
    file: str
    line: int


@dataclass(frozen=True)
class SudoDefault:
    scope: str  # "" (global), ":" users, "@" hosts, ">" runas, "!" commands
    targets: tuple[str, ...]
    settings: tuple[str, ...]
    file: str
    line: int

    @property
    def no_authenticate(self) -> bool:
        """``!authenticate`` (any odd number of ``!``) among the settings."""
        for s in self.settings:
            m = re.fullmatch(r"(!*)\s*authenticate", s.strip())
            if m and len(m.group(1)) % 2 == 1:
                return True
        return False


@dataclass(frozen=True)
class Grant:
    """One command of a user specification with what it inherits."""

    users: tuple[str, ...]
    hosts: tuple[str, ...]
    runas_users: tuple[str, ...] | None  # None: omitted (root); () with groups only
    runas_groups: tuple[str, ...]
    nopasswd: bool | None  # None: no tag (the Defaults decide)
    command: str  # as written (an alias name, ALL, or a path with arguments)
    negated: bool
    file: str
    line: int


@dataclass
class Sudoers:
    aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    defaults: list[SudoDefault] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # read, in order
    unreadable: list[str] = field(default_factory=list)  # exist but refused (not root)
    unresolved: list[str] = field(default_factory=list)  # includes we cannot follow: why

    def alias(self, kind: str) -> Mapping[str, tuple[str, ...]]:
        return self.aliases.get(kind, {})


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines joined at a trailing backslash, comments removed, with the first line's number."""
    start, buf = 0, ""
    for number, raw in enumerate(text.splitlines(), 1):
        if not buf:
            start = number
        if raw.endswith("\\") and not raw.endswith("\\\\"):
            buf += raw[:-1] + " "
            continue
        line = _strip_comment(buf + raw)
        buf = ""
        if line:
            yield start, line
    if buf and (line := _strip_comment(buf)):
        yield start, line


def _strip_comment(line: str) -> str:
    s = line.strip()
    if re.match(r"^#(include|includedir)\s", s):
        return s
    out = []
    escaped = False
    for i, ch in enumerate(s):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif (
            ch == "#"
            and (i == 0 or s[i - 1] in " \t,(=:!")
            and not s[i + 1 : i + 2].isdigit()  # "#1000" is a uid, not a comment
        ):
            break
        out.append(ch)
    return "".join(out).strip()


def _split(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside parentheses and quotes, honouring ``\\`` escapes."""
    parts, cur, depth, quote, escaped = [], [], 0, "", False
    for ch in text:
        if escaped:
            cur.append(ch)
            escaped = False
            continue
        if ch == "\\":
            cur.append(ch)
            escaped = True
        elif quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
        elif ch == '"':
            cur.append(ch)
            quote = ch
        elif ch == "(":
            depth += 1
            cur.append(ch)
        elif ch == ")":
            depth = max(0, depth - 1)
            cur.append(ch)
        elif ch == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


def _list(text: str) -> tuple[str, ...]:
    return tuple(p.strip().strip('"') for p in _split(text, ",") if p.strip())


def _sections(rhs: str) -> list[str]:
    """``Cmnd_Spec_List : Host_List = Cmnd_Spec_List ...`` split at the ``:`` that are not
    a tag's (``NOPASSWD:``) nor inside a runas ``(root : wheel)``."""
    parts, cur, depth, escaped = [], [], 0, False
    for ch in rhs:
        if escaped:
            escaped = False
            cur.append(ch)
            continue
        if ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0:
            word = re.search(r"([A-Za-z_]+)$", "".join(cur))
            before = "".join(cur)
            if not (word and word.group(1) in TAGS) and not re.search(
                r"(?:^|\s)(?:sha224|sha256|sha384|sha512)$", before
            ):
                parts.append(before)
                cur = []
                continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def parse(text: str, path: str) -> Sudoers:
    """One sudoers file (its includes are listed, not followed)."""
    out = Sudoers(files=[path])
    for number, line in _logical_lines(text):
        if m := _INCLUDE.match(line):
            target = m.group(2).strip()
            if len(target) >= 2 and target[0] == target[-1] == '"':
                target = target[1:-1].replace('\\"', '"')
            out.includes.append(Include(m.group(1), target, path, number))
            continue
        head = line.split(None, 1)[0]
        if head.startswith("Defaults") and (head == "Defaults" or head[len("Defaults")] in ":@>!"):
            normal = re.sub(r"\s*,\s*", ",", line)
            d = _DEFAULTS.match(normal)
            if d:
                scope = d.group(1) or ""
                targets = _list(d.group(2) or "") if scope else ()
                settings = _list(d.group(3) or "")
                out.defaults.append(SudoDefault(scope, targets, settings, path, number))
            continue
        if head in ALIAS_KINDS:
            kind = "Cmnd_Alias" if head == "Cmd_Alias" else head
            for definition in _split(line[len(head) :], ":"):
                name, eq, members = definition.partition("=")
                if eq and _ALIAS_NAME.match(name.strip()):
                    out.aliases.setdefault(kind, {})[name.strip()] = _list(members)
            continue
        out.grants.extend(_user_spec(line, path, number))
    return out


def _user_spec(line: str, path: str, number: int) -> Iterator[Grant]:
    sections = _sections(line)
    first, eq, rhs = sections[0].partition("=")
    if not eq:
        return
    lhs = re.sub(r"\s*,\s*", ",", first.strip()).split(None, 1)
    if len(lhs) != 2:
        return
    users = _list(lhs[0])
    chunks = [(_list(lhs[1]), rhs)]
    for section in sections[1:]:
        hosts, eq, specs = section.partition("=")
        if eq:
            chunks.append((_list(hosts), specs))
    for host_list, specs in chunks:
        runas_users: tuple[str, ...] | None = None
        runas_groups: tuple[str, ...] = ()
        nopasswd: bool | None = None
        for spec in _split(specs, ","):
            rest = spec.strip()
            if rest.startswith("("):
                close = rest.find(")")
                inner, rest = rest[1:close], rest[close + 1 :].strip()
                u, colon, g = inner.partition(":")
                runas_users = _list(u) if u.strip() or not colon else ()
                runas_groups = _list(g)
            while True:
                if m := _OPTION.match(rest):
                    rest = rest[m.end() :]
                elif (m := _TAG.match(rest)) and m.group(1) in TAGS:
                    if m.group(1) == "NOPASSWD":
                        nopasswd = True
                    elif m.group(1) == "PASSWD":
                        nopasswd = False
                    rest = rest[m.end() :]
                else:
                    break
            rest = _DIGEST.sub("", rest, count=1).strip()
            if not rest:
                continue
            negated = rest.startswith("!")
            command = rest.lstrip("!").strip()
            yield Grant(
                users,
                host_list,
                runas_users,
                runas_groups,
                nopasswd,
                command,
                negated,
                path,
                number,
            )


def expand(items: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> list[str]:
    """Alias names replaced by their members, recursively (``!`` carried onto the members;
    a loop is cut where it closes)."""
    out: list[str] = []

    def walk(item: str, negated: bool, seen: frozenset[str]) -> None:
        neg = negated
        while item.startswith("!"):
            neg, item = not neg, item[1:].strip()
        if item in aliases and item not in seen:
            for member in aliases[item]:
                walk(member, neg, seen | {item})
            return
        out.append(("!" if neg else "") + item)

    for it in items:
        walk(it, False, frozenset())
    return out


def runas_includes_root(grant: Grant, aliases: Mapping[str, Sequence[str]]) -> bool:
    """Whether the command may run as root: runas omitted, or a list whose last item that
    names root (ALL, root, #0) is not negated. Groups alone (``(:wheel)``) keep the
    invoking user."""
    if grant.runas_users is None:
        return True
    result = False
    for item in expand(grant.runas_users, aliases):
        neg = item.startswith("!")
        name = item.lstrip("!")
        if name in ("ALL", "root", "#0"):
            result = not neg
    return result


def group_members(group_text: str) -> dict[str, list[str]]:
    """``/etc/group``: the listed members of each group."""
    out: dict[str, list[str]] = {}
    for line in group_text.splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[0] and not line.startswith("#"):
            out[parts[0]] = [m for m in parts[3].split(",") if m]
    return out


def _included_name_ok(name: str) -> bool:
    return not name.endswith("~") and "." not in name


def read_sudoers(host: Host, main: str) -> Sudoers | None:
    """``main`` and everything it includes, in sudo's order; None when ``main`` does not
    exist. ``NeedsRoot`` when ``main`` itself cannot be read."""
    text = host.read_text(main)
    if text is None:
        return None
    out = Sudoers()
    _merge(host, out, main, text, 0)
    return out


def _merge(host: Host, out: Sudoers, path: str, text: str, depth: int) -> None:
    one = parse(text, path)
    out.files.append(path)
    for kind, table in one.aliases.items():
        out.aliases.setdefault(kind, {}).update(table)
    out.grants.extend(one.grants)
    out.defaults.extend(one.defaults)
    out.includes.extend(one.includes)
    for inc in one.includes:
        target = inc.path
        where = f"{inc.file}:{inc.line}"
        if "%h" in target:
            out.unresolved.append(f"{target} ({where}: the host name is not expanded)")
            continue
        if not target.startswith("/"):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if depth >= _MAX_DEPTH or target in out.files:
            out.unresolved.append(f"{target} ({where}: include loop)")
            continue
        if inc.kind == "include":
            _follow(host, out, target, depth)
            continue
        listing = list_dirs(host, [target])
        if listing.failed:
            out.unresolved.append(f"{target}/ ({where}: {listing.failed})")
        elif target in listing.denied:
            out.unreadable.append(target + "/")
        for name in listing.names.get(target, []):
            if _included_name_ok(name):
                _follow(host, out, posixpath.join(target, name), depth)


def _follow(host: Host, out: Sudoers, path: str, depth: int) -> None:
    try:
        text = host.read_text(path)
    except NeedsRoot:
        out.unreadable.append(path)
        return
    if text is not None:
        _merge(host, out, path, text, depth + 1)


# -- doas --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoasRule:
    action: str  # permit | deny
    options: tuple[str, ...]
    identity: str  # user or :group
    target: str | None  # None: any user (root included)
    command: str | None  # None: any command
    args: tuple[str, ...] | None  # None: any arguments; () with a bare "args"
    line: int


def parse_doas(text: str) -> list[DoasRule]:
    """``/etc/doas.conf`` rules: ``permit|deny [options] identity [as target] [cmd command
    [args ...]]`` (``setenv { ... }`` is skipped)."""
    rules: list[DoasRule] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        line = re.sub(r"setenv\s*\{[^}]*\}", "", line)
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if not words or words[0] not in ("permit", "deny"):
            continue
        action, rest = words[0], words[1:]
        options: list[str] = []
        while rest and rest[0] in ("nopass", "nolog", "persist", "keepenv"):
            options.append(rest.pop(0))
        if not rest:
            continue
        identity = rest.pop(0)
        target = command = None
        args: tuple[str, ...] | None = None
        while rest:
            word = rest.pop(0)
            if word == "as" and rest:
                target = rest.pop(0)
            elif word == "cmd" and rest:
                command = rest.pop(0)
            elif word == "args":
                args = tuple(rest)
                rest = []
        rules.append(DoasRule(action, tuple(options), identity, target, command, args, number))
    return rules


# -- which commands amount to a root shell ---------------------------------------------

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "fish", "su"})
_WILD = frozenset("*?[")


def split_command(command: str) -> tuple[str, list[str]]:
    """A sudoers command as its path and arguments (``\\,`` style escapes undone)."""
    words = re.split(r"(?<!\\)\s+", command.strip())
    unescaped = [re.sub(r"\\(.)", r"\1", w) for w in words if w]
    return (unescaped[0], unescaped[1:]) if unescaped else ("", [])


def shell_like(command: str, patterns: Sequence[str]) -> str | None:
    """Why ``command`` (one sudoers command, aliases already expanded) gives a root shell,
    or None for a fixed non-shell command.

    ``patterns`` (sudo.shell_like_commands) are globs on the program's name; a program
    counts when its arguments are free (none written, so sudo allows any, or a wildcard),
    or with any arguments when the pattern ends in `` *`` (editors and pagers escape to a
    shell whatever file they open).
    """
    if command == "ALL":
        return "ALL commands"
    path, args = split_command(command)
    name = posixpath.basename(path)
    if path.endswith("/"):
        return f"every command in the directory {path}"
    if any(c in _WILD for c in name):
        return f"the wildcard path {path}"
    free = args != ['""'] and (not args or any(any(c in _WILD for c in a) for a in args))
    if name in SHELLS and (free or not args[0].startswith("/")):
        return f"the shell {path}"
    for pattern in patterns:
        prog, _, rest = pattern.strip().partition(" ")
        if fnmatch.fnmatchcase(name, prog) and (free or rest.strip() == "*"):
            return f"{path} ({'any arguments' if free else 'it escapes to a shell'})"
    return None
