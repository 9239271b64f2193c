"""The TLS side of a host's web servers: which certificates and keys nginx, Apache and
HAProxy are configured with, and which protocol versions they enable (catalog §8.2-10).

Every setting keeps the ``file:line`` it was read from. The sources, in order:

* nginx: ``nginx -T`` (needs root: it loads the keys) prints every file it read after
  ``# configuration file <path>:``; otherwise ``host.paths.nginx_conf`` is parsed here with
  ``include`` globs relative to its directory. Directives: ``ssl_certificate``,
  ``ssl_certificate_key``, ``ssl_protocols``.
* Apache: ``apachectl -t -D DUMP_INCLUDES`` (or ``apache2ctl``) lists the files it reads;
  otherwise ``host.paths.apache_conf`` / ``httpd_conf`` with ``Include``/``IncludeOptional``
  relative to ``ServerRoot``. Directives: ``SSLCertificateFile``,
  ``SSLCertificateKeyFile``, ``SSLCertificateChainFile``, ``SSLProtocol``.
* HAProxy: ``host.paths.haproxy_cfg``: ``bind … ssl crt <file|dir>``, ``crt-list <file>``,
  ``crt-base``, ``ssl-min-ver``/``ssl-max-ver``, ``no-*``/``force-*`` version options, and
  ``ssl-default-bind-options`` in ``global``.

A path built from a variable (nginx ``$ssl_server_name``, Apache ``${VAR}``, HAProxy
``"${VAR}"``) cannot be resolved from the files: the endpoint carries ``variable=True``.
The parsers are pure functions of text; ``read_tls_config`` reads the host (cached per host,
so the private-key policy can share the reading).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.listing import expand, list_dir

__all__ = [
    "PROTOCOLS",
    "Directive",
    "Endpoint",
    "ProtocolSetting",
    "TlsConfig",
    "apache_directives",
    "apache_dump_includes",
    "apache_protocols",
    "canonical_protocol",
    "crt_list_entries",
    "haproxy_tls",
    "nginx_directives",
    "nginx_dump",
    "read_tls_config",
]

# Oldest first: HAProxy's ssl-min-ver/ssl-max-ver are ranges over this order.
PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
_CANONICAL = {p.lower(): p for p in PROTOCOLS} | {"tlsv1.0": "TLSv1"}
_VARIABLE = re.compile(r"\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")
NGINX_DUMP = "nginx -T"
APACHE_DUMP = ("apachectl -t -D DUMP_INCLUDES", "apache2ctl -t -D DUMP_INCLUDES")


def canonical_protocol(name: str) -> str | None:
    """``TLSv1.0`` and ``tlsv1`` are ``TLSv1``; None for a name that is no protocol."""
    return _CANONICAL.get(name.strip().lower())


@dataclass(frozen=True)
class Directive:
    name: str  # as written
    args: tuple[str, ...]
    file: str
    line: int
    scope: tuple[int, ...] = ()  # ids of the enclosing blocks, outermost first

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Endpoint:
    """A certificate a server is configured with (and its key and chain, when named)."""

    server: str  # nginx, apache, haproxy, cert_paths
    cert: str  # absolute path on the host (logical, without root)
    file: str  # where it is configured
    line: int
    key: str | None = None
    key_line: int | None = None
    chain: str | None = None
    variable: bool = False  # built from a variable: cannot be resolved from the files

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class ProtocolSetting:
    server: str
    text: str  # the directive as written
    enabled: frozenset[str]  # canonical protocol names
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class TlsConfig:
    endpoints: list[Endpoint] = field(default_factory=list)
    protocols: list[ProtocolSetting] = field(default_factory=list)
    servers: list[str] = field(default_factory=list)  # servers whose configuration was found
    unreadable: list[str] = field(default_factory=list)  # files the user may not read
    sources: list[str] = field(default_factory=list)  # how each server was read


# -- nginx ------------------------------------------------------------------------------------


def _nginx_tokens(text: str) -> Iterator[tuple[str, int, bool]]:
    """(token, line, quoted); ``;``, ``{`` and ``}`` are tokens of their own."""
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c in ";{}":
            yield c, line, False
            i += 1
        elif c in "\"'":
            start_line, j, buf = line, i + 1, []
            while j < n and text[j] != c:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                if text[j] == "\n":
                    line += 1
                buf.append(text[j])
                j += 1
            yield "".join(buf), start_line, True
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in ";{}":
                j += 1
            yield text[i:j], line, False
            i = j


Loader = Callable[[str], list[tuple[str, str]]]  # a glob -> [(file, text)]


def nginx_directives(
    text: str, file: str, load: Loader | None = None, prefix: str = "/etc/nginx"
) -> list[Directive]:
    """Every simple directive of an nginx configuration, with ``include`` expanded in place
    through ``load`` (relative globs are relative to ``prefix``), so that a directive knows
    the blocks (``http``, ``server``) around it wherever its file was included."""
    out: list[Directive] = []
    counter = [0]

    def walk(text: str, file: str, scope: tuple[int, ...], depth: int) -> None:
        words: list[str] = []
        first = 0
        for token, line, quoted in _nginx_tokens(text):
            if not quoted and token in ";{}":
                if token == "}":
                    scope = scope[:-1]
                    words = []
                    continue
                if words:
                    name, args = words[0], tuple(words[1:])
                    if token == "{":
                        counter[0] += 1
                        scope = (*scope, counter[0])
                    elif name == "include" and args and load is not None and depth < 16:
                        pattern = args[0]
                        if not pattern.startswith("/"):
                            pattern = posixpath.join(prefix, pattern)
                        for sub_file, sub_text in load(pattern):
                            walk(sub_text, sub_file, scope, depth + 1)
                    else:
                        out.append(Directive(name, args, file, first, scope))
                words = []
                continue
            if not words:
                first = line
            words.append(token)

    walk(text, file, (), 0)
    return out


def nginx_dump(text: str) -> list[tuple[str, str]]:
    """The files of ``nginx -T`` output, in the order nginx read them: (path, content).
    Each file follows a ``# configuration file <path>:`` line; nginx adds a newline after
    each file's content, which does not change its line numbers."""
    files: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("# configuration file ") and line.endswith(":"):
            files.append((line[len("# configuration file ") : -1], []))
        elif files:
            files[-1][1].append(line)
    return [(name, "\n".join(lines) + "\n") for name, lines in files]


def _nginx_protocols(d: Directive) -> ProtocolSetting:
    enabled = frozenset(p for a in d.args if (p := canonical_protocol(a)))
    return ProtocolSetting("nginx", " ".join((d.name, *d.args)), enabled, d.file, d.line)


def _paired(
    directives: Sequence[Directive], cert: str, key: str
) -> list[tuple[Directive, Directive | None]]:
    """Each certificate directive with the key directive of the same block, in order (nginx
    and Apache allow an RSA and an ECDSA pair side by side); failing that, the nearest key of
    an enclosing block, which the block inherits."""
    keys_by_scope: dict[tuple[int, ...], list[Directive]] = {}
    for d in directives:
        if d.name.lower() == key:
            keys_by_scope.setdefault(d.scope, []).append(d)
    seen: dict[tuple[int, ...], int] = {}
    out: list[tuple[Directive, Directive | None]] = []
    for d in directives:
        if d.name.lower() != cert:
            continue
        index = seen.get(d.scope, 0)
        seen[d.scope] = index + 1
        match: Directive | None = None
        same = keys_by_scope.get(d.scope, [])
        if index < len(same):
            match = same[index]
        else:
            scope = d.scope
            while scope and match is None:
                scope = scope[:-1]
                inherited = keys_by_scope.get(scope, [])
                match = inherited[0] if inherited else None
        out.append((d, match))
    return out


def _absolute(path: str, base: str) -> str:
    return posixpath.normpath(path if path.startswith("/") else posixpath.join(base, path))


def _endpoints(
    server: str,
    directives: Sequence[Directive],
    cert: str,
    key: str,
    base: str,
    chain: str | None = None,
) -> list[Endpoint]:
    chains = {d.scope: d for d in directives if chain and d.name.lower() == chain and d.args}
    out = []
    for c, k in _paired(directives, cert, key):
        if not c.args:
            continue
        path = c.args[0]
        key_path = k.args[0] if k is not None and k.args else None
        chain_d = chains.get(c.scope)
        out.append(
            Endpoint(
                server,
                path if _VARIABLE.search(path) else _absolute(path, base),
                c.file,
                c.line,
                None
                if key_path is None
                else key_path
                if _VARIABLE.search(key_path)
                else _absolute(key_path, base),
                k.line if k is not None else None,
                None if chain_d is None else _absolute(chain_d.args[0], base),
                variable=bool(_VARIABLE.search(path)),
            )
        )
    return out


# -- Apache -----------------------------------------------------------------------------------


def _apache_lines(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines (backslash continuations joined) with their first line number."""
    buf: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not buf:
            start = number
        if raw.endswith("\\"):
            buf.append(raw[:-1])
            continue
        buf.append(raw)
        yield start, " ".join(buf).strip()
        buf = []
    if buf:
        yield start, " ".join(buf).strip()


def _apache_words(line: str) -> list[str]:
    words: list[str] = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\S+)', line):
        words.append(m.group(1) if m.group(1) is not None else m.group(2))
    return words


def apache_directives(
    text: str, file: str, load: Loader | None = None, server_root: str = "/etc/apache2"
) -> list[Directive]:
    """Every directive of an Apache configuration, with ``<Section>`` scopes and, given
    ``load``, ``Include``/``IncludeOptional`` expanded in place (relative to ServerRoot, a
    directory meaning every file in it)."""
    out: list[Directive] = []
    counter = [0]
    root = [server_root]

    def walk(text: str, file: str, scope: tuple[int, ...], depth: int) -> None:
        for line, content in _apache_lines(text):
            if not content or content.startswith("#"):
                continue
            if content.startswith("</"):
                scope = scope[:-1]
                continue
            if content.startswith("<"):
                counter[0] += 1
                scope = (*scope, counter[0])
                continue
            words = _apache_words(content)
            name, args = words[0], tuple(words[1:])
            lower = name.lower()
            if lower == "serverroot" and args:
                root[0] = args[0]
            if lower in ("include", "includeoptional") and args and load is not None:
                if depth < 16:
                    pattern = _absolute(args[0], root[0])
                    for sub_file, sub_text in load(pattern):
                        walk(sub_text, sub_file, scope, depth + 1)
                continue
            out.append(Directive(name, args, file, line, scope))

    walk(text, file, (), 0)
    return out


def apache_dump_includes(text: str) -> list[str]:
    """The files of ``apachectl -t -D DUMP_INCLUDES``: ``  (*) /etc/apache2/apache2.conf``
    for the main file, ``    (146) /etc/apache2/ports.conf`` for each included one."""
    return [
        m.group(1).strip()
        for m in re.finditer(r"^\s*\((?:\*|\d+)\)\s+(\S.*)$", text, flags=re.MULTILINE)
    ]


# ``all`` as Apache 2.4 with an OpenSSL built without SSLv3 (every current distribution).
_APACHE_ALL = frozenset({"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"})


def apache_protocols(args: Sequence[str]) -> frozenset[str]:
    """What ``SSLProtocol`` enables: ``+X``/``-X`` add and remove, a bare name replaces
    what came before (mod_ssl warns about it), ``all`` is every protocol but SSLv3."""
    enabled: set[str] = set()
    for arg in args:
        sign = arg[0] if arg[:1] in ("+", "-") else ""
        name = arg[1:] if sign else arg
        one = canonical_protocol(name)
        which = set(_APACHE_ALL) if name.lower() == "all" else {one} if one else set()
        if sign == "-":
            enabled -= which
        elif sign == "+":
            enabled |= which
        else:
            enabled = which
    return frozenset(enabled)


# -- HAProxy ----------------------------------------------------------------------------------


_HAPROXY_VERSIONS = {
    "sslv3": "SSLv3",
    "tlsv10": "TLSv1",
    "tlsv11": "TLSv1.1",
    "tlsv12": "TLSv1.2",
    "tlsv13": "TLSv1.3",
}


def _haproxy_enabled(options: Sequence[str]) -> frozenset[str] | None:
    """The protocols a set of bind options enables, None when they set no version (HAProxy's
    own default, TLS 1.2 and later since 2.2, then applies)."""
    lowest: str | None = None
    highest: str | None = None
    forced: str | None = None
    removed: set[str] = set()
    i = 0
    while i < len(options):
        opt = options[i].lower()
        if opt in ("ssl-min-ver", "ssl-max-ver") and i + 1 < len(options):
            version = canonical_protocol(options[i + 1])
            if opt == "ssl-min-ver":
                lowest = version
            else:
                highest = version
            i += 2
            continue
        kind, _, name = opt.partition("-")
        if kind in ("force", "no") and (version := _HAPROXY_VERSIONS.get(name)):
            if kind == "force":
                forced = version
            else:
                removed.add(version)
        i += 1
    if forced:
        return frozenset({forced})
    if lowest is None and highest is None:
        return None
    order = list(PROTOCOLS)
    low = order.index(lowest) if lowest else order.index("TLSv1.2")
    high = order.index(highest) if highest else len(order) - 1
    return frozenset(p for p in order[low : high + 1] if p not in removed)


def haproxy_tls(
    text: str, file: str, crt_list: Callable[[str], list[tuple[str, int]] | None]
) -> tuple[list[Endpoint], list[ProtocolSetting]]:
    """Endpoints and protocol settings of ``bind … ssl`` lines. ``crt_list(path)`` returns
    the certificate paths of a crt-list file with their line numbers (None: it does not
    exist). A ``crt`` may name a directory: the caller lists it (each file in it is a
    certificate of its own)."""
    endpoints: list[Endpoint] = []
    settings: list[ProtocolSetting] = []
    crt_base = ""
    section = ""
    for number, raw in enumerate(text.splitlines(), 1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        words = content.split()
        head = words[0].lower()
        if head in ("global", "defaults", "frontend", "listen", "backend", "peers", "resolvers"):
            section = head
            continue
        if section == "global" and head == "crt-base" and len(words) > 1:
            crt_base = words[1].strip("\"'")
        elif section == "global" and head == "ssl-default-bind-options":
            enabled = _haproxy_enabled(words[1:])
            if enabled is not None:
                settings.append(ProtocolSetting("haproxy", content, enabled, file, number))
        elif head == "bind" and section in ("frontend", "listen"):
            opts = [w.strip("\"'") for w in words[2:]]
            if "ssl" not in [o.lower() for o in opts]:
                continue
            own = _haproxy_enabled(opts)
            if own is not None:
                settings.append(ProtocolSetting("haproxy", content, own, file, number))
            i = 0
            while i < len(opts) - 1:
                opt, value = opts[i].lower(), opts[i + 1]
                if opt in ("crt", "crt-list"):
                    variable = bool(_VARIABLE.search(value))
                    path = value if variable else _absolute(value, crt_base or "/etc/haproxy")
                    if opt == "crt" or variable:
                        endpoints.append(Endpoint("haproxy", path, file, number, variable=variable))
                    else:
                        listed = crt_list(path)
                        if listed is None:
                            endpoints.append(Endpoint("haproxy", path, file, number))
                        for cert, line in listed or []:
                            var = bool(_VARIABLE.search(cert))
                            endpoints.append(
                                Endpoint(
                                    "haproxy",
                                    cert if var else _absolute(cert, crt_base or "/etc/haproxy"),
                                    path,
                                    line,
                                    variable=var,
                                )
                            )
                    i += 2
                    continue
                i += 1
    return endpoints, settings


def crt_list_entries(text: str) -> list[tuple[str, int]]:
    """The certificate (first field) of each line of a crt-list file."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        content = raw.split("#", 1)[0].strip()
        if content:
            out.append((content.split()[0].strip("\"'"), number))
    return out


# -- reading the host -------------------------------------------------------------------------


def _loader(host: Host, config: TlsConfig) -> Loader:
    """Reads the files a glob names on the host (unreadable ones are recorded)."""

    def load(pattern: str) -> list[tuple[str, str]]:
        out = []
        try:
            paths = expand(host, pattern)
        except NeedsRoot as exc:
            config.unreadable.append(exc.what)
            return []
        for path in paths:
            try:
                text = host.read_text(path)
            except NeedsRoot:
                config.unreadable.append(path)
                continue
            if text is None:
                # absent, or an Apache Include of a directory: every file in it
                try:
                    names = list_dir(host, path)
                except NeedsRoot:
                    config.unreadable.append(path)
                    continue
                for name in names or []:
                    out.extend(load(posixpath.join(path, name)))
                continue
            out.append((path, text))
        return out

    return load


def _read_nginx(host: Host, config: TlsConfig) -> None:
    main = host.path("nginx_conf")
    prefix = posixpath.dirname(main)
    directives: list[Directive] | None = None
    if host.live and host.is_root and host.has("nginx"):
        result = host.run(NGINX_DUMP)
        files = nginx_dump(result.out) if result.ok else []
        if files:
            dumped = dict(files)
            main_file, main_text = files[0]
            prefix = posixpath.dirname(main_file)

            def from_dump(pattern: str) -> list[tuple[str, str]]:
                return [(f, t) for f, t in files if fnmatch.fnmatchcase(f, pattern)]

            directives = nginx_directives(main_text, main_file, from_dump, prefix)
            config.sources.append(f"nginx: {NGINX_DUMP} ({len(dumped)} files)")
    if directives is None:
        try:
            text = host.read_text(main)
        except NeedsRoot:
            config.unreadable.append(main)
            return
        if text is None:
            return
        directives = nginx_directives(text, main, _loader(host, config), prefix)
        config.sources.append(f"nginx: {main} and its includes")
    config.servers.append("nginx")
    config.endpoints += _endpoints(
        "nginx", directives, "ssl_certificate", "ssl_certificate_key", prefix
    )
    config.protocols += [_nginx_protocols(d) for d in directives if d.name == "ssl_protocols"]


def _server_root(main: str) -> str:
    """Where a config's relative paths start: /etc/apache2 for /etc/apache2/apache2.conf,
    /etc/httpd for /etc/httpd/conf/httpd.conf (the compiled-in ServerRoot of each)."""
    base = posixpath.dirname(main)
    return posixpath.dirname(base) if posixpath.basename(base) == "conf" else base


def _read_apache(host: Host, config: TlsConfig) -> None:
    directives: list[Directive] | None = None
    server_root = ""
    if host.live:
        for command in APACHE_DUMP:
            if not host.has(command.split()[0]):
                continue
            result = host.run(command)
            files = apache_dump_includes(result.out + "\n" + result.err) if result.ok else []
            if not files:
                continue
            server_root = _server_root(files[0])
            directives = []
            for path in files:
                try:
                    text = host.read_text(path)
                except NeedsRoot:
                    config.unreadable.append(path)
                    continue
                if text is not None:
                    directives += apache_directives(text, path, None, server_root)
            config.sources.append(f"apache: {command} ({len(files)} files)")
            break
    if directives is None:
        for name in ("apache_conf", "httpd_conf"):
            main = host.path(name)
            try:
                text = host.read_text(main)
            except NeedsRoot:
                config.unreadable.append(main)
                continue
            if text is None:
                continue
            server_root = _server_root(main)
            directives = apache_directives(text, main, _loader(host, config), server_root)
            config.sources.append(f"apache: {main} and its includes")
            break
    if directives is None:
        return
    for d in directives:  # a ServerRoot directive wins over the compiled-in one
        if d.name.lower() == "serverroot" and d.args:
            server_root = d.args[0]
    config.servers.append("apache")
    config.endpoints += _endpoints(
        "apache",
        directives,
        "sslcertificatefile",
        "sslcertificatekeyfile",
        server_root,
        chain="sslcertificatechainfile",
    )
    for d in directives:
        if d.name.lower() == "sslprotocol":
            config.protocols.append(
                ProtocolSetting(
                    "apache",
                    " ".join((d.name, *d.args)),
                    apache_protocols(d.args),
                    d.file,
                    d.line,
                )
            )


def _read_haproxy(host: Host, config: TlsConfig) -> None:
    path = host.path("haproxy_cfg")
    try:
        text = host.read_text(path)
    except NeedsRoot:
        config.unreadable.append(path)
        return
    if text is None:
        return

    def crt_list(listed: str) -> list[tuple[str, int]] | None:
        try:
            body = host.read_text(listed)
        except NeedsRoot:
            config.unreadable.append(listed)
            return []
        return None if body is None else crt_list_entries(body)

    endpoints, settings = haproxy_tls(text, path, crt_list)
    config.servers.append("haproxy")
    config.sources.append(f"haproxy: {path}")
    config.protocols += settings
    # ``crt <dir>`` loads every certificate file in the directory (HAProxy skips these
    # suffixes): one stat of every crt tells the directories apart.
    direct = [ep for ep in endpoints if ep.file == path and not ep.variable]
    try:
        kinds = host.stat(ep.cert for ep in direct)
    except NeedsRoot:
        kinds = {}
    for ep in endpoints:
        found = kinds.get(ep.cert) if ep in direct else None
        if found is None or found.type != "directory":
            config.endpoints.append(ep)
            continue
        try:
            names = list_dir(host, ep.cert) or []
        except NeedsRoot:
            config.unreadable.append(ep.cert)
            continue
        for name in names:
            if not name.endswith((".key", ".ocsp", ".issuer", ".sctl", ".csr")):
                config.endpoints.append(
                    Endpoint("haproxy", posixpath.join(ep.cert, name), ep.file, ep.line)
                )


def read_tls_config(host: Host) -> TlsConfig:
    """The TLS configuration of nginx, Apache and HAProxy on the host (cached per host)."""
    cached = host.cache.get("webservers")
    if isinstance(cached, TlsConfig):
        return cached
    config = TlsConfig()
    _read_nginx(host, config)
    _read_apache(host, config)
    _read_haproxy(host, config)
    host.cache["webservers"] = config
    return config
