"""The web servers' TLS directives, from their configuration files (catalog §8.2-10).

A small reader, shared by HOST-008 (private keys) and HOST-018 (certificates, protocols):
nginx (``host.paths.nginx_conf`` and its ``include`` globs, relative to its directory),
Apache (``host.paths.apache_conf``/``httpd_conf`` and ``Include``/``IncludeOptional``,
relative to ``ServerRoot``) and HAProxy (``host.paths.haproxy_cfg``, ``bind … crt``). It reads
files only, so it works on a tree under ``host.root`` too. Values holding ``$variables`` are
reported as unresolved, never guessed.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.files import expand_globs

__all__ = [
    "Directive",
    "WebConfig",
    "parse_apache",
    "parse_haproxy",
    "parse_nginx",
    "read_web_configs",
]

_MAX_FILES = 500  # includes followed per server, at most


@dataclass(frozen=True)
class Directive:
    server: str  # nginx | apache | haproxy
    name: str  # as written (Apache names are case-insensitive: compare .lower())
    args: tuple[str, ...]
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class WebConfig:
    directives: list[Directive] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    bases: dict[str, str] = field(default_factory=dict)  # file -> where its relative paths start

    def resolve(self, d: Directive, value: str) -> str:
        """``value`` of directive ``d`` as an absolute path."""
        if value.startswith("/"):
            return value
        base = self.bases.get(d.file, posixpath.dirname(d.file))
        return posixpath.normpath(f"{base}/{value}")

    def named(self, server: str, *names: str) -> Iterator[Directive]:
        wanted = {n.lower() for n in names}
        for d in self.directives:
            if d.server == server and d.name.lower() in wanted:
                yield d


def parse_nginx(text: str, path: str) -> list[Directive]:
    """Simple directives (``name args;``) and block openers (``name args {``)."""
    out: list[Directive] = []
    words: list[str] = []
    start = 0
    for m in re.finditer(r"#[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|[;{}]|[^\s;{}#]+", text):
        token = m.group(0)
        if token.startswith("#"):
            continue
        if token in (";", "{", "}"):
            if words:
                out.append(Directive("nginx", words[0], tuple(words[1:]), path, start))
            words = []
            continue
        if not words:
            start = text.count("\n", 0, m.start()) + 1
        if token[0] in "\"'" and len(token) >= 2:
            token = token[1:-1]
        words.append(token)
    return out


def parse_apache(text: str, path: str) -> list[Directive]:
    out: list[Directive] = []
    buf, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not buf:
            start = number
        if raw.endswith("\\"):
            buf += raw[:-1] + " "
            continue
        line, buf = (buf + raw).strip(), ""
        if not line or line.startswith(("#", "<")):
            continue
        try:
            words = shlex.split(line, comments=False)
        except ValueError:
            words = line.split()
        if words:
            out.append(Directive("apache", words[0], tuple(words[1:]), path, start))
    return out


def parse_haproxy(text: str, path: str) -> list[Directive]:
    out: list[Directive] = []
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if words:
            out.append(Directive("haproxy", words[0], tuple(words[1:]), path, number))
    return out


def _read(host: Host, path: str, config: WebConfig) -> str | None:
    try:
        text = host.read_text(path)
    except NeedsRoot:
        config.unreadable.append(path)
        return None
    if text is not None:
        config.files.append(path)
    return text


Parser = Callable[[str, str], list[Directive]]


def _follow(
    host: Host, config: WebConfig, main: str, parse: Parser, include_names: Iterable[str]
) -> None:
    """Breadth-first over ``main`` and its includes (one listing per level). Relative
    paths are taken from ``ServerRoot`` (Apache) or the main file's directory (nginx)."""
    names = {n.lower() for n in include_names}
    pending: list[str] = [main]
    seen: set[str] = set()
    base = posixpath.dirname(main)
    while pending and len(seen) < _MAX_FILES:
        patterns: list[str] = []
        for path in pending:
            if path in seen:
                continue
            seen.add(path)
            text = _read(host, path, config)
            if text is None:
                continue
            found = parse(text, path)
            for d in found:
                if d.name.lower() == "serverroot" and d.args:
                    base = d.args[0].rstrip("/")
            config.directives.extend(found)
            config.bases[path] = base
            for d in found:
                if d.name.lower() in names and d.args and "$" not in d.args[0]:
                    patterns.append(config.resolve(d, d.args[0]))
        paths = expand_globs(host, patterns)[0] if patterns else []
        pending = [posixpath.normpath(p) for p in paths if p not in seen]


def read_web_configs(host: Host) -> WebConfig:
    """Every nginx, Apache and HAProxy directive of the host's configuration files."""
    config = WebConfig()
    _follow(host, config, host.path("nginx_conf"), parse_nginx, ("include",))
    for name in ("apache_conf", "httpd_conf"):
        _follow(host, config, host.path(name), parse_apache, ("Include", "IncludeOptional"))
    _follow(host, config, host.path("haproxy_cfg"), parse_haproxy, ())
    return config
