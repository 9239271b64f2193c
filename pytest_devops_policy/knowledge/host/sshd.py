"""sshd's effective configuration (catalog §8.2-6), for HOST-001, HOST-002 and HOST-003.

Two sources give one model, ``Effective``: a list of contexts (the default one, plus one per
``Match`` block), each mapping a lowercase keyword to its settings (value, file, line).

* ``sshd -T`` prints what sshd would use, after ``Include``, compile defaults and crypto
  policies, but applies ``Match`` blocks only with ``-C user=…,host=…,addr=…``: so one ``-C``
  run per Match block.
* The fallback parser reads the files themselves (not root, the image profile, or ``sshd -T``
  failed for a reason other than the configuration): keywords are case-insensitive, the first
  value wins, ``Include`` globs (relative to /etc/ssh) expand recursively in lexical order,
  ``Match`` lasts to the next ``Match`` or the end of its file, and a Match block's value
  beats a global one for connections it matches.

The parser always runs when the files are readable: ``sshd -T`` has no line numbers, so the
parser names the ``file:line`` of the winning directive. An ``Include`` that cannot be read is
a hole: a lookup that reaches it before finding a value cannot tell the value.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.api import NotApplicable, Unknown
from pytest_devops_policy.hosts.probe import Host, NeedsRoot

__all__ = [
    "ALGORITHMS",
    "ALWAYS_DEFAULT_MACS",
    "CANONICAL",
    "DEFAULTS",
    "SSHD_T",
    "ConnInfo",
    "Context",
    "Directive",
    "Effective",
    "MatchBlock",
    "Setting",
    "algorithm_list",
    "default_algorithms",
    "effective",
    "match_contexts",
    "openssh_version",
    "parse_sshd_t",
    "parse_version",
    "password_logins",
    "read_config",
    "resolve",
    "seconds",
    "shown",
    "weak_algorithms",
]

SSHD_T = "sshd -T"
SSHD_V = "sshd -V"
SSHDIR = "/etc/ssh"  # where sshd takes a relative Include from
MAX_DEPTH = 16  # OpenSSH's limit on nested Includes

# Deprecated spellings sshd still reads; sshd -T prints only the new name.
ALIASES: Mapping[str, str] = {
    "challengeresponseauthentication": "kbdinteractiveauthentication",
    "skeyauthentication": "kbdinteractiveauthentication",
    "pubkeyacceptedkeytypes": "pubkeyacceptedalgorithms",
    "hostbasedacceptedkeytypes": "hostbasedacceptedalgorithms",
}
# Keywords whose lines add up instead of the first one winning.
MULTI = frozenset(
    {
        "hostkey",
        "hostcertificate",
        "listenaddress",
        "port",
        "acceptenv",
        "subsystem",
        "allowusers",
        "denyusers",
        "allowgroups",
        "denygroups",
    }
)
# Compile defaults (OpenSSH >= 7.0) of the keywords the ssh policies judge, as sshd -T prints.
DEFAULTS: Mapping[str, str] = {
    "permitrootlogin": "without-password",
    "passwordauthentication": "yes",
    "kbdinteractiveauthentication": "yes",
    "usepam": "no",
    "permitemptypasswords": "no",
    "authenticationmethods": "any",
    "maxauthtries": "6",
    "x11forwarding": "no",
    "permituserenvironment": "no",
    "hostbasedauthentication": "no",
    "ignorerhosts": "yes",
    "logingracetime": "120",
}
ALGORITHMS = ("ciphers", "macs", "kexalgorithms", "hostkeyalgorithms")
# The default lists of OpenSSH 8.8 to 9.x (myproposal.h). Older releases differ (ssh-rsa
# host keys until 8.7), so they count as unknown. 9.9 puts mlkem768x25519-sha256 first.
_MODERN: Mapping[str, tuple[str, ...]] = {
    "ciphers": (
        "chacha20-poly1305@openssh.com",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
    ),
    "macs": (
        "umac-64-etm@openssh.com",
        "umac-128-etm@openssh.com",
        "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com",
        "hmac-sha1-etm@openssh.com",
        "umac-64@openssh.com",
        "umac-128@openssh.com",
        "hmac-sha2-256",
        "hmac-sha2-512",
        "hmac-sha1",
    ),
    "kexalgorithms": (
        "sntrup761x25519-sha512@openssh.com",
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256",
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
        "diffie-hellman-group-exchange-sha256",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group18-sha512",
        "diffie-hellman-group14-sha256",
    ),
    "hostkeyalgorithms": (
        "ssh-ed25519-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com",
        "sk-ssh-ed25519-cert-v01@openssh.com",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "rsa-sha2-512-cert-v01@openssh.com",
        "rsa-sha2-256-cert-v01@openssh.com",
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
        "rsa-sha2-512",
        "rsa-sha2-256",
    ),
}
# Every OpenSSH release since 6.2 offers these MACs by default, whatever its version.
ALWAYS_DEFAULT_MACS = (
    "umac-64-etm@openssh.com",
    "hmac-sha1-etm@openssh.com",
    "umac-64@openssh.com",
    "hmac-sha1",
)
_BOOLEAN = frozenset(
    {
        "passwordauthentication",
        "kbdinteractiveauthentication",
        "usepam",
        "permitemptypasswords",
        "x11forwarding",
        "hostbasedauthentication",
        "ignorerhosts",
    }
)
_TIME = re.compile(r"(\d+)([smhdw]?)", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_BAD_CONFIG = re.compile(
    r"bad configuration option|bad configuration options|Bad Match condition|"
    r"Unsupported Match attribute|missing argument|Include nested too deep",
    re.IGNORECASE,
)


# -- the model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One keyword's value in one context, and where it comes from."""

    value: str  # normalised as sshd -T prints it ("without-password", "120", "yes")
    file: str | None = None
    line: int | None = None
    note: str = ""  # "compile default", "set outside the config files (...)"
    unknown: str = ""  # why the value cannot be told (an unreadable Include)
    written: str = ""  # the directive as written ("PermitRootLogin yes")

    @property
    def where(self) -> str:
        """Its evidence: ``file:line``, or what the value is when no line sets it."""
        if self.file is not None:
            return f"{self.file}:{self.line}"
        return self.note or "sshd -T"


@dataclass(frozen=True)
class MatchBlock:
    criteria: tuple[tuple[str, str], ...]  # (criterion in lowercase, pattern list)
    file: str
    line: int
    text: str  # the Match line as written
    parent: MatchBlock | None = None  # the block an Include of this block's file sits in

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Directive:
    keyword: str  # lowercase, aliases resolved
    args: tuple[str, ...]
    file: str
    line: int
    block: MatchBlock | None  # None: global
    written: str = ""  # the keyword as written
    hole: str = ""  # an Include that could not be read: what was refused


@dataclass(frozen=True)
class ConnInfo:
    """A connection as ``sshd -T -C`` takes it (and as the parser evaluates Match blocks)."""

    user: str
    host: str
    addr: str
    laddr: str = ""
    lport: str = ""
    rdomain: str = ""
    groups: tuple[str, ...] = ()

    @property
    def spec(self) -> str:
        parts = [f"user={self.user}", f"host={self.host}", f"addr={self.addr}"]
        parts += [f"{k}={v}" for k, v in (("laddr", self.laddr), ("lport", self.lport)) if v]
        if self.rdomain:
            parts.append(f"rdomain={self.rdomain}")
        return ",".join(parts)


@dataclass
class Context:
    name: str  # "default", or "Match User deploy (/etc/ssh/sshd_config:14)"
    conn: ConnInfo | None  # None: the default context (no Match block applies)
    source: str  # the command, or "the config files"
    settings: dict[str, list[Setting]] = field(default_factory=dict)

    def get(self, keyword: str) -> Setting:
        """The winning setting; the compile default when nothing sets it."""
        found = self.settings.get(keyword)
        if found:
            return found[0]
        return Setting(DEFAULTS.get(keyword, ""), note="compile default")

    def all(self, keyword: str) -> list[Setting]:
        return list(self.settings.get(keyword, []))

    @property
    def label(self) -> str:
        """The context and its evidence: ``default context (sshd -T)``."""
        if self.conn is None:
            return f"default context ({self.source})"
        return f"{self.name}, {self.source}"


@dataclass
class Effective:
    contexts: list[Context]
    source: str  # "sshd -T" or "the config files"
    broken: str = ""  # sshd -T rejected the configuration: its first error line
    unknown: str = ""  # nothing can be told (the main file unreadable...)
    not_applicable: str = ""  # sshd is not installed
    notes: list[str] = field(default_factory=list)
    version: tuple[int, int] | None = None  # OpenSSH's, when known
    fallback_reason: str = ""  # why sshd -T was not the source

    @property
    def from_files(self) -> bool:
        return self.source == "the config files"


# -- parsing --------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """Words of a config line: quotes group, an unquoted word starting with # ends the line."""
    out: list[str] = []
    word = ""
    quote = ""
    started = False
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
            else:
                word += ch
            continue
        if ch in "\"'":
            quote = ch
            started = True
        elif ch.isspace():
            if started:
                out.append(word)
            word, started = "", False
        elif ch == "#" and not started:
            break
        else:
            word += ch
            started = True
    if started:
        out.append(word)
    return out


def _split_line(raw: str) -> tuple[str, list[str]] | None:
    line = raw.strip()
    if not line or line.startswith("#"):
        return None
    m = re.match(r"([^\s=]+)\s*(?:=\s*|\s+|$)(.*)$", line)
    if m is None:
        return None
    return m.group(1), _tokens(m.group(2))


def _match_criteria(args: Sequence[str]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        name = args[i].lower()
        if name == "all":
            out.append(("all", ""))
            i += 1
            continue
        out.append((name, args[i + 1] if i + 1 < len(args) else ""))
        i += 2
    return tuple(out)


def read_config(
    main: str,
    read: Callable[[str], str | None],
    glob: Callable[[str], list[str]],
) -> list[Directive]:
    """Every directive of ``main`` and what it includes, in sshd's order. ``read`` gives a
    file's text (None: absent; raises ``NeedsRoot`` when refused), ``glob`` expands a
    pattern (raises ``NeedsRoot`` when a directory cannot be listed). The main file must be
    readable (its ``NeedsRoot`` is not caught)."""
    text = read(main)
    if text is None:
        return []
    return _parse_file(main, text, None, read, glob, 0)


def _parse_file(
    path: str,
    text: str,
    outer: MatchBlock | None,
    read: Callable[[str], str | None],
    glob: Callable[[str], list[str]],
    depth: int,
) -> list[Directive]:
    out: list[Directive] = []
    block = outer
    for n, raw in enumerate(text.splitlines(), start=1):
        parsed = _split_line(raw)
        if parsed is None:
            continue
        written, args = parsed
        keyword = ALIASES.get(written.lower(), written.lower())
        if keyword == "match":
            criteria = _match_criteria(args)
            block = MatchBlock(criteria, path, n, raw.strip(), outer)
            continue
        if keyword == "include":
            for pattern in args:
                full = pattern if pattern.startswith("/") else f"{SSHDIR}/{pattern}"
                out += _include(full, path, n, block, read, glob, depth)
            continue
        out.append(Directive(keyword, tuple(args), path, n, block, written))
    return out


def _include(
    pattern: str,
    path: str,
    line: int,
    block: MatchBlock | None,
    read: Callable[[str], str | None],
    glob: Callable[[str], list[str]],
    depth: int,
) -> list[Directive]:
    if depth >= MAX_DEPTH:
        return [Directive("include", (pattern,), path, line, block, "Include", hole=pattern)]
    try:
        files = glob(pattern)
    except NeedsRoot as exc:
        return [Directive("include", (pattern,), path, line, block, "Include", hole=exc.what)]
    out: list[Directive] = []
    for name in files:
        try:
            text = read(name)
        except NeedsRoot as exc:
            out.append(Directive("include", (name,), path, line, block, "Include", hole=exc.what))
            continue
        if text is not None:
            out += _parse_file(name, text, block, read, glob, depth + 1)
    return out


def parse_sshd_t(text: str) -> dict[str, list[str]]:
    """``sshd -T`` output: lowercase ``keyword value`` lines (a keyword may repeat)."""
    out: dict[str, list[str]] = {}
    for raw in text.splitlines():
        key, _, value = raw.strip().partition(" ")
        if key:
            out.setdefault(key.lower(), []).append(value.strip())
    return out


def parse_version(text: str) -> tuple[int, int] | None:
    """``OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15`` → (9, 2)."""
    m = re.search(r"OpenSSH_(\d+)\.(\d+)", text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def seconds(value: str) -> int | None:
    """sshd's time format (``90``, ``2m``, ``1h30m``) in seconds; None when it is not one."""
    text = value.strip()
    if not text or _TIME.sub("", text):
        return None
    return sum(int(n) * _UNITS[u.lower()] for n, u in _TIME.findall(text))


def normalise(keyword: str, args: Sequence[str]) -> str:
    """A directive's value as sshd -T would print it."""
    value = " ".join(args)
    if keyword in _BOOLEAN:
        return value.lower()
    if keyword == "permitrootlogin":
        lowered = value.lower()
        return "without-password" if lowered == "prohibit-password" else lowered
    if keyword == "logingracetime":
        n = seconds(value)
        return value if n is None else str(n)
    if keyword == "authenticationmethods":
        return value.lower()
    return value


# -- Match evaluation -----------------------------------------------------------------------


def _pattern_list(value: str, patterns: str, *, fold: bool = False) -> bool:
    """OpenSSH's pattern lists: a matching ``!pattern`` refuses at once, else any match."""
    if fold:
        value = value.lower()
    matched = False
    for pattern in patterns.split(","):
        pattern = pattern.strip()
        negated = pattern.startswith("!")
        pattern = pattern[1:] if negated else pattern
        if fold:
            pattern = pattern.lower()
        if fnmatch.fnmatchcase(value, pattern):
            if negated:
                return False
            matched = True
    return matched


def _address_list(addr: str, patterns: str) -> bool:
    matched = False
    for pattern in patterns.split(","):
        pattern = pattern.strip()
        negated = pattern.startswith("!")
        pattern = pattern[1:] if negated else pattern
        if "/" in pattern:
            try:
                hit = ipaddress.ip_address(addr) in ipaddress.ip_network(pattern, strict=False)
            except ValueError:
                hit = False
        else:
            hit = fnmatch.fnmatchcase(addr, pattern)
        if hit:
            if negated:
                return False
            matched = True
    return matched


def block_matches(block: MatchBlock | None, conn: ConnInfo) -> bool:
    """Does this block (and every block it is included from) apply to ``conn``?"""
    while block is not None:
        for name, patterns in block.criteria:
            if not _criterion(name, patterns, conn):
                return False
        block = block.parent
    return True


def _criterion(name: str, patterns: str, conn: ConnInfo) -> bool:
    if name == "all":
        return True
    if name == "user":
        return _pattern_list(conn.user, patterns)
    if name == "group":
        return any(_pattern_list(g, patterns) for g in conn.groups)
    if name == "host":
        return _pattern_list(conn.host, patterns, fold=True)
    if name == "address":
        return _address_list(conn.addr, patterns)
    if name == "localaddress":
        return bool(conn.laddr) and _address_list(conn.laddr, patterns)
    if name == "localport":
        return bool(conn.lport) and _pattern_list(conn.lport, patterns)
    if name == "rdomain":
        return bool(conn.rdomain) and _pattern_list(conn.rdomain, patterns)
    return False  # sshd refuses unknown criteria: such a block applies to nobody


def _candidates(patterns: str, fallback: str, address: bool = False) -> list[str]:
    """Values that a pattern list may match: its literals, wildcards filled in, then the
    fallback (for lists of negations only)."""
    out: list[str] = []
    for pattern in patterns.split(","):
        pattern = pattern.strip()
        if not pattern or pattern.startswith("!"):
            continue
        if address and "/" in pattern:
            try:
                net = ipaddress.ip_network(pattern, strict=False)
            except ValueError:
                continue
            out.append(str(next(net.hosts(), net.network_address)))
            continue
        fill = "1" if address else "probe"
        out.append(pattern.replace("*", fill).replace("?", fill[0]))
    out.append(fallback)
    return out


def match_contexts(
    directives: Iterable[Directive],
    *,
    probe_address: str,
    user: str | None = None,
    groups_of: Callable[[str], tuple[str, ...]] = lambda _u: (),
    members_of: Callable[[str], tuple[str, ...]] = lambda _g: (),
) -> list[tuple[MatchBlock, ConnInfo]]:
    """One probe connection per Match block, chosen so that the block applies to it (``user``
    fixes the user: root for HOST-001, whose blocks that cannot apply to root are left out)."""
    blocks: list[MatchBlock] = []
    for d in directives:
        if d.block is not None and d.block not in blocks:
            blocks.append(d.block)
    out: list[tuple[MatchBlock, ConnInfo]] = []
    seen: set[ConnInfo] = set()
    for block in blocks:
        conn = _probe_for(block, probe_address, user, groups_of, members_of)
        if conn is not None and conn not in seen:
            seen.add(conn)
            out.append((block, conn))
    return out


def _probe_for(
    block: MatchBlock,
    probe_address: str,
    user: str | None,
    groups_of: Callable[[str], tuple[str, ...]],
    members_of: Callable[[str], tuple[str, ...]],
) -> ConnInfo | None:
    criteria: dict[str, str] = {}
    chain: MatchBlock | None = block
    while chain is not None:
        for name, patterns in chain.criteria:
            criteria.setdefault(name, patterns)
        chain = chain.parent
    users = [user] if user else _candidates(criteria.get("user", ""), "probe-user")
    if "group" in criteria and not user:
        for g in _candidates(criteria["group"], ""):
            users += list(members_of(g)) if g else []
    hosts = _candidates(criteria.get("host", ""), "probe.invalid")
    addrs = _candidates(criteria.get("address", ""), probe_address, address=True)
    for extra in ("198.51.100.1", "203.0.113.1"):
        addrs.append(extra)
    laddrs = (
        _candidates(criteria["localaddress"], "", address=True)
        if "localaddress" in criteria
        else [""]
    )
    lports = _candidates(criteria["localport"], "22") if "localport" in criteria else [""]
    rdomains = _candidates(criteria["rdomain"], "") if "rdomain" in criteria else [""]
    for u in users:
        for h in hosts:
            for a in addrs:
                for la in laddrs:
                    for lp in lports:
                        for rd in rdomains:
                            conn = ConnInfo(u, h, a, la, lp, rd, groups_of(u))
                            if block_matches(block, conn):
                                return conn
    return None


# -- resolution -----------------------------------------------------------------------------


def _always(block: MatchBlock | None) -> bool:
    """The block (and every block it sits in) is ``Match all``: it applies like global lines,
    without a connection too."""
    while block is not None:
        if block.criteria != (("all", ""),):
            return False
        block = block.parent
    return True


def resolve(directives: Sequence[Directive], conn: ConnInfo | None) -> dict[str, list[Setting]]:
    """Every keyword's settings in one context. Values of the Match blocks that apply to
    ``conn`` (``Match all`` too) beat global ones, which ``Match all`` lines join in file
    order; within each, the first wins (MULTI keywords add up). A hole reached before a
    single-valued keyword's first value makes it unknown."""
    out: dict[str, list[Setting]] = {}
    holes: list[str] = []  # refused Includes seen so far, in order
    phases: list[list[Directive]] = []
    if conn is not None:
        # A refused global Include may hold Match blocks: it counts in this phase too.
        phases.append(
            [
                d
                for d in directives
                if (d.block is None and d.hole)
                or (d.block is not None and block_matches(d.block, conn))
            ]
        )
    # Without a connection sshd applies no Match block but ``Match all`` (chains of them).
    phases.append([d for d in directives if _always(d.block)])
    final: set[str] = set()
    used: set[int] = set()
    for phase in phases:
        for d in phase:
            if d.hole:
                holes.append(d.hole)
                continue
            if id(d) in used:
                continue  # a Match all line, seen in both phases
            used.add(id(d))
            key = d.keyword
            if key in final:
                continue
            written = f"{d.written} {' '.join(d.args)}".strip()
            if holes and key not in out:
                out[key] = [Setting("", d.file, d.line, unknown=holes[0], written=written)]
                final.add(key)
                continue
            setting = Setting(normalise(key, d.args), d.file, d.line, written=written)
            out.setdefault(key, []).append(setting)
            if key not in MULTI:
                final.add(key)
    if holes:
        for key in DEFAULTS.keys() | set(ALGORITHMS):
            out.setdefault(key, [Setting("", unknown=holes[0])])
    return out


def algorithm_list(value: str, default: Sequence[str] | None) -> tuple[list[str] | None, bool]:
    """The algorithms a ``Ciphers``/``MACs``/``KexAlgorithms``/``HostKeyAlgorithms`` value
    gives, and whether it used a ``+``/``-``/``^`` modifier. None when it needs the default
    list and that is unknown."""
    value = value.strip()
    if not value or value[0] not in "+-^":
        return [a for a in value.split(",") if a], False
    if default is None:
        return None, True
    items = [a for a in value[1:].split(",") if a]
    if value[0] == "+":
        return list(default) + [a for a in items if a not in default], True
    if value[0] == "^":
        return items + [a for a in default if a not in items], True
    return [a for a in default if not any(fnmatch.fnmatchcase(a, p) for p in items)], True


def default_algorithms(keyword: str, version: tuple[int, int] | None) -> tuple[str, ...] | None:
    """The compile default list of an OpenSSH version, when known."""
    if version is not None and version >= (8, 8):
        return _MODERN[keyword]
    return None


def weak_algorithms(algorithms: Iterable[str], patterns: Iterable[str]) -> list[str]:
    pats = list(patterns)
    return [a for a in algorithms if any(fnmatch.fnmatchcase(a, p) for p in pats)]


# -- the host -------------------------------------------------------------------------------


def _cached_run(host: Host, command: str) -> tuple[int, str, str]:
    key = f"sshd:run:{command}"
    hit = host.cache.get(key)
    if hit is None:
        result = host.run(command)
        hit = (result.rc, result.out, result.err)
        host.cache[key] = hit
    assert isinstance(hit, tuple)
    return hit


@dataclass
class _Files:
    directives: list[Directive]
    exists: bool
    refused: str = ""  # the main file could not be read


def _files(host: Host) -> _Files:
    hit = host.cache.get("sshd:files")
    if isinstance(hit, _Files):
        return hit
    main = host.path("sshd_config")

    def read(path: str) -> str | None:
        return host.read_text(path)

    try:
        text = host.read_text(main)
    except NeedsRoot as exc:
        files = _Files([], True, exc.what)
    else:
        if text is None:
            files = _Files([], False)
        else:
            files = _Files(_parse_file(main, text, None, read, host.glob, 0), True)
    host.cache["sshd:files"] = files
    return files


def _accounts(
    host: Host,
) -> tuple[Callable[[str], tuple[str, ...]], Callable[[str], tuple[str, ...]]]:
    """Who is in which group, from /etc/group and /etc/passwd (for ``Match Group``)."""
    members: dict[str, set[str]] = {}
    gid_names: dict[str, str] = {}
    try:
        group = host.read_text(host.path("group")) or ""
        passwd = host.read_text(host.path("passwd")) or ""
    except NeedsRoot:
        group = passwd = ""
    for line in group.splitlines():
        f = line.split(":")
        if len(f) >= 4 and not line.startswith("#"):
            gid_names[f[2]] = f[0]
            members.setdefault(f[0], set()).update(u for u in f[3].split(",") if u)
    for line in passwd.splitlines():
        f = line.split(":")
        if len(f) >= 4 and f[3] in gid_names:
            members.setdefault(gid_names[f[3]], set()).add(f[0])

    def groups_of(user: str) -> tuple[str, ...]:
        return tuple(sorted(g for g, us in members.items() if user in us))

    def members_of(group: str) -> tuple[str, ...]:
        return tuple(
            sorted(u for g, us in members.items() if fnmatch.fnmatchcase(g, group) for u in us)
        )

    return groups_of, members_of


def _context_name(block: MatchBlock | None) -> str:
    return "default" if block is None else f"{block.text} ({block.where})"


def _same(keyword: str, ran: str, parsed: Setting) -> bool:
    if parsed.unknown:
        return False
    if keyword in ALGORITHMS and parsed.value[:1] in ("+", "-", "^"):
        return True  # a modified list: the line is the winner whatever the result
    return ran.strip().lower() == parsed.value.strip().lower()


def _attribute(
    keyword: str, values: list[str], parsed: list[Setting] | None, files_read: bool
) -> list[Setting]:
    """sshd -T's value, located by the parser's winning directive when they agree."""
    first = parsed[0] if parsed else None
    out: list[Setting] = []
    for i, value in enumerate(values):
        if not files_read:
            out.append(Setting(value, note=SSHD_T))
        elif first is not None and first.unknown:
            out.append(Setting(value, note=f"{SSHD_T}; {first.unknown} could not be read"))
        elif first is not None and first.file is not None and _same(keyword, value, first):
            out.append(Setting(value, first.file, first.line, written=first.written))
        elif first is None and (keyword not in DEFAULTS or DEFAULTS[keyword] == value):
            out.append(Setting(value, note=f"{SSHD_T}, no line in the config files"))
        elif i == 0:
            out.append(
                Setting(value, note="set outside the config files (command line or crypto policy)")
            )
        else:
            out.append(Setting(value, note=SSHD_T))
    return out


def effective(host: Host, *, user: str | None = None) -> Effective:
    """sshd's effective configuration on ``host``: the default context plus one per Match
    block (each for ``user`` when given: HOST-001 asks for root)."""
    files = _files(host)
    live = host.live and host.has("sshd")
    if not live and not files.exists:
        command = "" if host.live else f"the {host.profile} profile runs no command, "
        return Effective(
            [],
            "",
            not_applicable=f"sshd is not installed on {host.label} ({command}no sshd "
            f"command, no {host.path('sshd_config')})",
        )
    probe_address = host.options.ssh_match_probe_address
    groups_of, members_of = (
        _accounts(host)
        if any(
            d.block is not None and any(n == "group" for n, _ in d.block.criteria)
            for d in files.directives
        )
        else ((lambda _u: ()), (lambda _g: ()))
    )
    blocks = match_contexts(
        files.directives,
        probe_address=probe_address,
        user=user,
        groups_of=groups_of,
        members_of=members_of,
    )
    why = ""
    if live:
        rc, out, err = _cached_run(host, SSHD_T)
        first_err = (err.strip().splitlines() or [f"exit status {rc}"])[0]
        if rc == 0:
            return _from_sshd_t(host, files, out, blocks)
        if _BAD_CONFIG.search(err):
            return Effective([], SSHD_T, broken=first_err)
        why = f"{SSHD_T} failed: {first_err}"
    elif not host.live:
        why = f"the {host.profile} profile reads the files only"
    else:
        why = f"no sshd command on {host.label}"
    return _from_files(host, files, blocks, why)


def _from_sshd_t(
    host: Host, files: _Files, out: str, blocks: list[tuple[MatchBlock, ConnInfo]]
) -> Effective:
    eff = Effective([], SSHD_T)
    default = Context("default", None, SSHD_T)
    parsed = resolve(files.directives, None)
    read = files.exists and not files.refused
    default.settings = {
        k: _attribute(k, v, parsed.get(k), read) for k, v in parse_sshd_t(out).items()
    }
    eff.contexts.append(default)
    if files.refused:
        eff.notes.append(f"{files.refused} refused: no Match block could be evaluated")
    for block, conn in blocks:
        command = f"{SSHD_T} -C {conn.spec}"
        rc, text, err = _cached_run(host, command)
        name = _context_name(block)
        if rc != 0:
            first_err = (err.strip().splitlines() or [f"exit status {rc}"])[0]
            if _BAD_CONFIG.search(err):
                return Effective([], SSHD_T, broken=first_err)
            ctx = Context(name, conn, "the config files")
            ctx.settings = resolve(files.directives, conn)
            eff.notes.append(f"{command} failed ({first_err}): {name} read from the files")
        else:
            ctx = Context(name, conn, command)
            parsed = resolve(files.directives, conn)
            ctx.settings = {
                k: _attribute(k, v, parsed.get(k), read) for k, v in parse_sshd_t(text).items()
            }
        eff.contexts.append(ctx)
    return eff


def _from_files(
    host: Host, files: _Files, blocks: list[tuple[MatchBlock, ConnInfo]], why: str
) -> Effective:
    main = host.path("sshd_config")
    if files.refused:
        reason = f"needs root on {host.label} (run as root, or with --sudo): {files.refused}"
        return Effective([], "the config files", unknown=reason + (f" ({why})" if why else ""))
    if not files.exists:
        return Effective(
            [],
            "the config files",
            unknown=f"{main} does not exist" + (f" and {why}" if why else ""),
        )
    eff = Effective([], "the config files", fallback_reason=why)
    default = Context("default", None, "the config files")
    default.settings = resolve(files.directives, None)
    eff.contexts.append(default)
    for block, conn in blocks:
        ctx = Context(_context_name(block), conn, "the config files")
        ctx.settings = resolve(files.directives, conn)
        eff.contexts.append(ctx)
    return eff


def openssh_version(host: Host) -> tuple[int, int] | None:
    """The installed OpenSSH version from ``sshd -V`` (live hosts only; any exit status:
    releases without -V print it in their usage text)."""
    if not (host.live and host.has("sshd")):
        return None
    _rc, out, err = _cached_run(host, SSHD_V)
    return parse_version(out + "\n" + err)


# -- what the policies share ----------------------------------------------------------------

# How the keywords the policies name are written in sshd_config.
CANONICAL: Mapping[str, str] = {
    "permitrootlogin": "PermitRootLogin",
    "passwordauthentication": "PasswordAuthentication",
    "kbdinteractiveauthentication": "KbdInteractiveAuthentication",
    "usepam": "UsePAM",
    "permitemptypasswords": "PermitEmptyPasswords",
    "authenticationmethods": "AuthenticationMethods",
    "maxauthtries": "MaxAuthTries",
    "x11forwarding": "X11Forwarding",
    "permituserenvironment": "PermitUserEnvironment",
    "hostbasedauthentication": "HostbasedAuthentication",
    "ignorerhosts": "IgnoreRhosts",
    "logingracetime": "LoginGraceTime",
    "ciphers": "Ciphers",
    "macs": "MACs",
    "kexalgorithms": "KexAlgorithms",
    "hostkeyalgorithms": "HostKeyAlgorithms",
}


def shown(keyword: str, setting: Setting) -> str:
    """``PasswordAuthentication yes (/etc/ssh/sshd_config:14)``: the directive as written when
    a line sets it (an alias shows as written), else the keyword, value and origin."""
    if setting.file is not None and setting.written:
        return f"{setting.written} ({setting.where})"
    return f"{CANONICAL.get(keyword, keyword)} {setting.value} ({setting.where})"


def _publickey_everywhere(methods: str) -> bool:
    """Every AuthenticationMethods list needs a public key (``publickey,password`` too)."""
    lists = methods.split()
    if not lists or methods.strip() == "any":
        return False
    return all("publickey" in [m.split(":")[0] for m in lst.split(",")] for lst in lists)


def password_logins(ctx: Context) -> tuple[list[tuple[str, Setting]], list[tuple[str, Setting]]]:
    """What lets a password through in one context (HOST-002's logic, HOST-001's critical
    case): the (keyword, setting) pairs that do, and those whose value cannot be told."""
    methods = ctx.get("authenticationmethods")
    if not methods.unknown and _publickey_everywhere(methods.value):
        return [], []
    pw, kbd, pam, empty = (
        ctx.get(k)
        for k in (
            "passwordauthentication",
            "kbdinteractiveauthentication",
            "usepam",
            "permitemptypasswords",
        )
    )
    found: list[tuple[str, Setting]] = []
    unknown: list[tuple[str, Setting]] = []
    if pw.unknown:
        unknown.append(("passwordauthentication", pw))
    elif pw.value == "yes":
        found.append(("passwordauthentication", pw))
    # keyboard-interactive carries a password only through PAM
    pair = (("kbdinteractiveauthentication", kbd), ("usepam", pam))
    if all(v.value == "yes" for _, v in pair):
        found += pair
    elif all(v.unknown or v.value == "yes" for _, v in pair):
        unknown += [(k, v) for k, v in pair if v.unknown]
    if empty.unknown:
        unknown.append(("permitemptypasswords", empty))
    elif empty.value == "yes":
        found.append(("permitemptypasswords", empty))
    if methods.unknown and (found or unknown):
        return [], [*unknown, ("authenticationmethods", methods)]
    return found, unknown


# What HOST-001…003 read (their pages list it for the owners of the audited hosts).
READS = (
    "host.paths.sshd_config (/etc/ssh/sshd_config) and every file it Includes",
    "host.paths.group, host.paths.passwd (only for Match Group)",
)


def not_judged(eff: Effective) -> Unknown | None:
    """Why HOST-002 and HOST-003 cannot judge the configuration: sshd is not there (N/A),
    sshd rejects the configuration (HOST-001 fails it), or a decisive file is unreadable."""
    if eff.not_applicable:
        return NotApplicable(eff.not_applicable)
    if eff.broken:
        return Unknown(f"sshd configuration does not parse (sshd -T: {eff.broken}); see HOST-001")
    if eff.unknown:
        return Unknown(eff.unknown)
    return None
