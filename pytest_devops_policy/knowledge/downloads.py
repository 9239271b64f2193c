"""Downloads in shell commands: what a command fetches, from where, and what happens to it.

Policy-independent facts shared by the Dockerfile policies on transport security
(DOCKER-011 TLS, DOCKER-012 plaintext and pipe-to-shell, DOCKER-013 signatures):

* :func:`parse_url`, :func:`is_loopback_host`: schemes and hosts (``localhost``,
  ``*.localhost``, ``127.0.0.0/8``, ``::1`` are loopback);
* :func:`command_downloads`: the URLs ``curl``, ``wget``, ``git``, ``pip`` (and
  ``python -m pip``, ``uv pip``) and ``npm``/``yarn``/``pnpm`` fetch, with where the
  body goes (``-o file``, standard output);
* :func:`options`: an option scanner that knows which options of curl, wget, git and
  pip take a value, so that ``curl -o out.tgz`` or ``-H "x: y"`` is never a URL;
* :func:`piped_to_interpreter`, :func:`substituted_into_interpreter`,
  :func:`downloaded_then_run`: downloaded content executed as a program;
* :func:`verification`: a checksum or signature check (``sha256sum -c``, ``gpg
  --verify``, ``cosign verify-blob``, ``minisign -V``...);
* :func:`apt_sources`: the entries of an APT sources text (one-line and deb822);
* :func:`tls_bypass`, :func:`tls_bypass_setting`, :func:`tls_bypass_in_config`: commands,
  environment variables and config-file lines that switch certificate checks off;
* :func:`signature_bypass`, :func:`signature_bypass_in_config`: package installs without
  signature checks.

Nothing here knows about Dockerfiles: the same facts serve any shell a pipeline runs.

Only URLs with an explicit ``scheme://`` are judged: curl and wget default to
http for a bare ``host/path``, but a bare word is too often a file name to call it
a URL without false alarms.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.knowledge.shell import (
    _SHELLS,
    Command,
    Script,
    command_substitutions,
    parse_script,
)

__all__ = [
    "INTERPRETERS",
    "PLAINTEXT_SCHEMES",
    "TLS_BYPASS_VARIABLES",
    "URL_ENV_VARS",
    "AptSource",
    "Download",
    "Option",
    "Url",
    "add_apt_repository_sources",
    "apt_sources",
    "assignments",
    "command_downloads",
    "downloaded_then_run",
    "embedded_urls",
    "is_apt_sources_path",
    "is_loopback_host",
    "options",
    "parse_url",
    "pip_words",
    "piped_to_interpreter",
    "reads_program_from_stdin",
    "signature_bypass",
    "signature_bypass_in_config",
    "substituted_into_interpreter",
    "tls_bypass",
    "tls_bypass_in_config",
    "tls_bypass_setting",
    "verification",
]

# Transports without encryption or server authentication.
PLAINTEXT_SCHEMES = frozenset({"http", "ftp", "git"})
_PYTHON = re.compile(r"^(python|pypy)[0-9.]*$")
INTERPRETERS = frozenset(
    (_SHELLS - {"busybox"}) | {"perl", "ruby", "node", "nodejs", "bun", "php", "lua", "Rscript"}
)
# Environment variables that name the index or registry a package manager downloads from.
URL_ENV_VARS = {
    "PIP_INDEX_URL": "pip",
    "PIP_EXTRA_INDEX_URL": "pip",
    "PIP_FIND_LINKS": "pip",
    "UV_INDEX_URL": "uv",
    "UV_EXTRA_INDEX_URL": "uv",
    "UV_DEFAULT_INDEX": "uv",
    "UV_INDEX": "uv",
    "NPM_CONFIG_REGISTRY": "npm",
    "YARN_REGISTRY": "yarn",
    "YARN_NPM_REGISTRY_SERVER": "yarn",
}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#\s]*)")
_EMBEDDED_URL = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+)")


@dataclass(frozen=True)
class Url:
    """A URL as written: ``scheme`` in lower case ("git+http" for pip's VCS form)."""

    text: str
    scheme: str
    host: str  # without userinfo and port, lower case; IPv6 without brackets

    @property
    def transport(self) -> str:
        """``git+https`` -> ``https``: the protocol that actually carries the bytes."""
        return self.scheme.rsplit("+", 1)[-1]

    @property
    def plaintext(self) -> bool:
        return self.transport in PLAINTEXT_SCHEMES

    @property
    def loopback(self) -> bool:
        return is_loopback_host(self.host)


def parse_url(text: str) -> Url | None:
    """A URL with an explicit scheme (None for anything else, ``git@host:x`` included)."""
    m = _SCHEME.match(text.strip())
    if m is None:
        return None
    netloc = m.group(2).rsplit("@", 1)[-1]
    host = netloc[1:].split("]", 1)[0] if netloc.startswith("[") else netloc.split(":", 1)[0]
    return Url(text.strip(), m.group(1).lower(), host.lower())


def embedded_urls(text: str) -> list[Url]:
    """URLs anywhere in a text (``pkg @ http://...``, a config line)."""
    out: list[Url] = []
    for m in _EMBEDDED_URL.finditer(text):
        url = parse_url(m.group(1))
        if url is not None:
            out.append(url)
    return out


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``*.localhost`` (RFC 6761), ``127.0.0.0/8`` and ``::1``."""
    h = host.strip().strip("[]").rstrip(".").lower()
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


# --------------------------------------------------------------------------- options


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class _Spec:
    short_values: str  # short options that take a value
    long_values: frozenset[str]  # long options that take a value (without "--")


_CURL = _Spec(
    "AbcCdDeEFHKmoPQrTtuUwxXyYz",
    _names(
        """abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers
        config connect-timeout connect-to continue-at cookie cookie-jar create-file-mode
        curves data data-ascii data-binary data-raw data-urlencode delegation dns-interface
        dns-ipv4-addr dns-ipv6-addr dns-servers doh-url dump-header ech egd-file engine
        etag-compare etag-save expect100-timeout form form-string ftp-account
        ftp-alternative-to-user ftp-method ftp-port ftp-ssl-ccc-mode happy-eyeballs-timeout-ms
        haproxy-clientip header hostpubmd5 hostpubsha256 hsts interface ip-tos ipfs-gateway
        json keepalive-cnt keepalive-time key key-type krb libcurl limit-rate local-port
        login-options mail-auth mail-from mail-rcpt max-filesize max-redirs max-time
        netrc-file noproxy oauth2-bearer output output-dir pass pinnedpubkey preproxy proto
        proto-default proto-redir proxy proxy-cacert proxy-capath proxy-cert proxy-cert-type
        proxy-ciphers proxy-crlfile proxy-header proxy-key proxy-key-type proxy-pass
        proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers proxy-tlsauthtype
        proxy-tlspassword proxy-tlsuser proxy-user proxy1.0 pubkey quote random-file range
        rate referer request request-target resolve retry retry-delay retry-max-time
        sasl-authzid service-name socks4 socks4a socks5 socks5-gssapi-service
        socks5-hostname speed-limit speed-time stderr telnet-option tftp-blksize tls-max
        tls13-ciphers tlsauthtype tlspassword tlsuser trace trace-ascii trace-config
        unix-socket upload-file url url-query user user-agent variable write-out"""
    ),
)
_WGET = _Spec(
    "aABDeiIlOoPQRtTUwX",
    _names(
        """accept accept-regex append-output base bind-address body-data body-file
        ca-certificate ca-directory certificate certificate-type ciphers config connect-timeout
        crl-file cut-dirs default-page directory-prefix dns-timeout domains egd-file
        exclude-directories exclude-domains execute ftp-password ftp-user header
        http-password http-user include-directories input-file level limit-rate load-cookies
        local-encoding max-redirect method output-document output-file password pinnedpubkey
        post-data post-file private-key private-key-type progress proxy-password proxy-user
        quota random-file read-timeout referer reject reject-regex remote-encoding
        report-speed restrict-file-names retry-on-http-error save-cookies secure-protocol
        timeout tries use-askpass user user-agent wait waitretry warc-file"""
    ),
)
_GIT = _Spec(
    "bcCjou",
    _names(
        """branch config depth jobs origin reference reference-if-able separate-git-dir
        shallow-exclude shallow-since template upload-pack filter server-option bundle-uri
        ref-format git-dir work-tree namespace config-env"""
    ),
)
_PIP = _Spec(
    "rcieftC",
    _names(
        """requirement constraint index-url extra-index-url trusted-host editable target
        prefix find-links root platform python-version implementation abi src
        upgrade-strategy progress-bar cache-dir log proxy retries timeout cert client-cert
        only-binary no-binary global-option config-settings report python
        allow-insecure-host index default-index keyring-provider"""
    ),
)
_NPM = _Spec(
    "w",
    _names(
        """prefix registry workspace cache userconfig omit include tag loglevel cwd
        modules-folder cache-folder network-timeout mutex"""
    ),
)
SPECS = {"curl": _CURL, "wget": _WGET, "git": _GIT, "pip": _PIP, "npm": _NPM}


@dataclass(frozen=True)
class Option:
    """``-o file`` is Option("-o", "file"); ``-fsSL`` is four Options without value."""

    name: str  # "-o", "--output"
    value: str | None = None


@dataclass(frozen=True)
class _Scanned:
    options: tuple[Option, ...]
    operands: tuple[str, ...]

    def values(self, *names: str) -> list[str]:
        return [o.value for o in self.options if o.name in names and o.value is not None]

    def has(self, *names: str) -> bool:
        return any(o.name in names for o in self.options)


def options(words: Sequence[str], tool: str) -> _Scanned:
    """Options and operands of ``words`` (a command's arguments) for ``tool`` (a key of
    SPECS): short bundles (``-fsSLo out``), ``--opt=value`` and ``--opt value``."""
    spec = SPECS[tool]
    opts: list[Option] = []
    operands: list[str] = []
    it = iter(words)
    for w in it:
        if w == "--":
            operands.extend(it)
            break
        if w.startswith("--"):
            name, sep, value = w.partition("=")
            if sep:
                opts.append(Option(name, value))
            elif name[2:] in spec.long_values:
                opts.append(Option(name, next(it, "")))
            else:
                opts.append(Option(name))
            continue
        if w.startswith("-") and len(w) > 1:
            letters = w[1:]
            for i, letter in enumerate(letters):
                if letter in spec.short_values:
                    rest = letters[i + 1 :]
                    opts.append(Option("-" + letter, rest if rest else next(it, "")))
                    break
                opts.append(Option("-" + letter))
            continue
        operands.append(w)
    return _Scanned(tuple(opts), tuple(operands))


def pip_words(c: Command) -> list[str] | None:
    """The arguments of a pip invocation (``pip3``, ``python -m pip``, ``uv pip``), from
    the subcommand on; None when ``c`` is not pip."""
    name, args = c.name, list(c.args)
    if _PYTHON.match(name) and len(args) >= 2 and args[0] == "-m" and args[1] in ("pip", "pip3"):
        return args[2:]
    if name == "uv" and args[:1] == ["pip"]:
        return args[1:]
    if re.fullmatch(r"pip[0-9.]*", name):
        return args
    return None


# --------------------------------------------------------------------------- downloads


@dataclass(frozen=True)
class Download:
    """One URL a command fetches. ``output`` is where the body goes: "-" for standard
    output, a path, or None (the tool stores it itself: a clone, an install)."""

    tool: str  # curl, wget, git, pip, npm, yarn, pnpm
    url: str
    command: Command
    option: str | None = None  # the option that gave the URL (--index-url), None: operand
    output: str | None = None

    @property
    def parsed(self) -> Url | None:
        return parse_url(self.url)


def command_downloads(c: Command) -> list[Download]:
    """The URLs ``c`` downloads from (explicit ``scheme://`` URLs only)."""
    name = c.name
    if name == "curl":
        return _curl(c)
    if name == "wget":
        return _wget(c)
    if name == "git":
        return _git(c)
    pip = pip_words(c)
    if pip is not None:
        return _pip(c, pip)
    if name in ("npm", "yarn", "pnpm"):
        return _npm(c)
    return []


def _remote_name(url: str) -> str:
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    return posixpath.basename(path.split("/", 1)[1]) if "/" in path else ""


def _url_operand(word: str) -> bool:
    """``https://x/y``, or a variable that stands for the whole URL (``$URL``,
    ``${BASE}/x``): the caller resolves it or reports it as unknown."""
    return "://" in word or word.startswith("$")


def _curl(c: Command) -> list[Download]:
    scanned = options(c.args, "curl")
    urls = [*scanned.values("--url"), *(w for w in scanned.operands if _url_operand(w))]
    outputs = scanned.values("-o", "--output")
    remote = scanned.has("-O", "--remote-name", "--remote-name-all")
    out_dir = (scanned.values("--output-dir") or [""])[-1]
    result: list[Download] = []
    for i, url in enumerate(urls):
        if i < len(outputs):
            output: str | None = outputs[i]
        elif remote:
            output = posixpath.join(out_dir, _remote_name(url)) if out_dir else _remote_name(url)
        else:
            output = "-"
        if output == "/dev/stdout":
            output = "-"
        result.append(Download("curl", url, c, "--url" if url in scanned.values("--url") else None,
                               output))  # fmt: skip
    return result


def _wget(c: Command) -> list[Download]:
    scanned = options(c.args, "wget")
    docs = scanned.values("-O", "--output-document")
    prefix = (scanned.values("-P", "--directory-prefix") or [""])[-1]
    result: list[Download] = []
    for url in (w for w in scanned.operands if _url_operand(w)):
        if docs:
            output: str | None = "-" if docs[-1] in ("-", "/dev/stdout") else docs[-1]
        else:
            name = _remote_name(url) or "index.html"
            output = posixpath.join(prefix, name) if prefix else name
        result.append(Download("wget", url, c, None, output))
    return result


_GIT_FETCHING = frozenset({"clone", "fetch", "pull", "submodule", "remote", "ls-remote", "archive"})


def _git(c: Command) -> list[Download]:
    scanned = options(c.args, "git")
    if not scanned.operands or scanned.operands[0] not in _GIT_FETCHING:
        return []
    sub = options(scanned.operands[1:], "git")
    if scanned.operands[0] == "clone":
        urls = [w for w in sub.operands[:1] if _url_operand(w)]  # clone URL [directory]
    else:
        urls = [w for w in sub.operands if "://" in w]
    urls += [v for v in sub.values("--remote") if "://" in v]
    return [Download("git", url, c) for url in urls]


_PIP_URL_OPTIONS = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links",
                    "--index", "--default-index", "-r", "--requirement")  # fmt: skip


def _pip(c: Command, words: list[str]) -> list[Download]:
    scanned = options(words, "pip")
    result: list[Download] = []
    for o in scanned.options:
        if o.name in _PIP_URL_OPTIONS and o.value and "://" in o.value:
            result.append(Download("pip", o.value, c, o.name))
    operands = list(scanned.operands)
    if operands[:1] in (["install"], ["download"], ["wheel"]):
        for spec in operands[1:]:
            result.extend(Download("pip", u.text, c) for u in embedded_urls(spec))
    elif operands[:2] == ["config", "set"] and len(operands) >= 4:
        key, value = operands[2], operands[3]
        if key.rsplit(".", 1)[-1] in ("index-url", "extra-index-url", "find-links"):
            result.extend(Download("pip", u.text, c, key) for u in embedded_urls(value))
    return result


def _npm(c: Command) -> list[Download]:
    scanned = options(c.args, "npm")
    result = [
        Download(c.name, v, c, "--registry") for v in scanned.values("--registry") if "://" in v
    ]
    operands = list(scanned.operands)
    if operands[:1] in (["install"], ["i"], ["add"]):
        result.extend(Download(c.name, w, c) for w in operands[1:] if "://" in w)
    elif operands[:1] == ["config"] or operands[:1] == ["set"]:
        rest = operands[2:] if operands[:1] == ["config"] else operands[1:]
        if operands[:1] == ["config"] and operands[1:2] != ["set"]:
            rest = []
        if rest:
            key, _sep, value = rest[0].partition("=")
            value = value or (rest[1] if len(rest) > 1 else "")
            if key in ("registry", "npmRegistryServer") and "://" in value:
                result.append(Download(c.name, value, c, key))
    return result


# --------------------------------------------------------------------------- execution


def reads_program_from_stdin(c: Command) -> bool:
    """``sh``, ``bash -s -- -y``, ``sudo -E bash -``'s bash, ``python3 -``, ``node``: an
    interpreter that takes its program from standard input. ``python3 -c '...'``
    reading JSON from the pipe, or ``sh install.sh``, do not."""
    name = c.name
    if name == "busybox":
        return False
    if not (name in INTERPRETERS or _PYTHON.match(name)):
        return False
    args = list(c.args)
    if name in _SHELLS:
        skip = False
        for w in args:
            if skip:
                skip = False
                continue
            if w in ("-s", "-", "--", "/dev/stdin"):
                return True
            if w.startswith(("-", "+")) and not w.startswith("--"):
                if "c" in w[1:]:
                    return False
                skip = w[-1] in "oO"
                continue
            if w.startswith("--"):
                continue
            return False
        return True
    # Options that run inline code (no stdin program) or take a value.
    inline = {"-c", "-e", "-E", "-r", "-p", "--eval", "--print", "-m"}
    valued = {"-W", "-X", "-I", "-M", "--require", "--import", "-d", "-l"}
    skip = False
    for w in args:
        if skip:
            skip = False
            continue
        if w in ("-", "/dev/stdin"):
            return True
        if w in inline or w.startswith(("--eval=", "--print=")):
            return False
        if w in valued:
            skip = True
            continue
        if w.startswith("-"):
            continue
        return False  # a script file
    return True


def _stdout_downloads(script_text: str) -> list[Download]:
    out: list[Download] = []
    for c in parse_script(script_text).commands:
        out.extend(d for d in command_downloads(c) if d.output == "-")
    return out


def piped_to_interpreter(script: Script) -> list[tuple[Download, Command]]:
    """``curl -fsSL URL | sh``, ``wget -qO- URL | sudo bash -s``, ``curl URL | tee x |
    python3``: a download to standard output, later in the same pipeline an interpreter
    reading its program from standard input (``xargs`` does not pass the pipe on)."""
    stages: dict[int, dict[int, list[Command]]] = {}
    for c in script.commands:
        if c.piped:
            stages.setdefault(c.pipeline, {}).setdefault(c.position, []).append(c)
    out: list[tuple[Download, Command]] = []
    for by_position in stages.values():
        positions = sorted(by_position)
        for p in positions:
            downloads = [d for c in by_position[p] for d in command_downloads(c) if d.output == "-"]
            if not downloads:
                continue
            for q in positions:
                if q <= p:
                    continue
                runner = _stdin_runner(by_position[q])
                if runner is not None:
                    out.extend((d, runner) for d in downloads)
                    break
    return out


def _stdin_runner(stage: Sequence[Command]) -> Command | None:
    for c in stage:  # the wrapper first, then what it wraps
        if c.name == "xargs":
            return None
        if reads_program_from_stdin(c):
            return c
    return None


_SOURCE_BUILTINS = frozenset({"eval", "source", "."})


def substituted_into_interpreter(c: Command) -> list[Download]:
    """``sh -c "$(curl URL)"``, ``bash <(curl URL)``, ``eval "$(wget -qO- URL)"``,
    ``source <(curl URL)``, ``python3 -c "$(curl URL)"``: downloaded text becomes the
    program through command or process substitution."""
    words = list(c.words)
    if not words:
        return []
    name = c.name
    candidates: list[str] = []
    if words[0].startswith(("$(", "`")):
        candidates.append(words[0])  # $(curl URL): the output runs as a command
    elif name in _SOURCE_BUILTINS:
        candidates.extend(words[1:])
    elif name in INTERPRETERS or _PYTHON.match(name):
        script = c.shell_script()
        if script is not None:
            candidates.append(script)
        else:
            for i, w in enumerate(words[1:], start=1):
                if w in ("-c", "-e", "-E", "--eval") and i + 1 < len(words):
                    candidates.append(words[i + 1])
                    break
                if not w.startswith("-"):
                    candidates.append(w)  # the script operand: bash <(curl URL)
                    break
    out: list[Download] = []
    for word in candidates:
        for sub in command_substitutions(word):
            out.extend(_stdout_downloads(sub))
    return out


def _same_file(a: str, b: str) -> bool:
    a, b = posixpath.normpath(a), posixpath.normpath(b)
    if a == b:
        return True
    # a relative name may be the same file seen from another directory
    relative = not a.startswith("/") or not b.startswith("/")
    return relative and posixpath.basename(a) == posixpath.basename(b)


def downloaded_then_run(commands: Sequence[Command]) -> list[tuple[Download, Command]]:
    """``curl -o install.sh URL && sh install.sh`` or ``wget URL/x.sh && chmod +x x.sh &&
    ./x.sh``: a file downloaded earlier in the script, later run by an interpreter or by
    its path (a bare command name is looked up in PATH and is not matched)."""
    saved: list[Download] = []
    out: list[tuple[Download, Command]] = []
    for c in commands:
        target = _runs_file(c)
        for d in saved if target is not None else ():
            if d.output is not None and _same_file(target or "", d.output):
                out.append((d, c))
                break
        saved.extend(d for d in command_downloads(c) if d.output not in (None, "-", ""))
    return out


def _runs_file(c: Command) -> str | None:
    if not c.words:
        return None
    if "/" in c.words[0] and c.name not in INTERPRETERS:
        return c.words[0]
    if c.name in INTERPRETERS or _PYTHON.match(c.name):
        if c.shell_script() is not None:
            return None
        skip = False
        for w in c.args:
            if skip:
                skip = False
                continue
            if w in ("-c", "-e", "-E", "-m", "--eval"):
                return None
            if w in ("-o", "+o", "-O", "-W", "-X", "-I", "-r", "--require"):
                skip = True
                continue
            if w.startswith(("-", "+")):
                continue
            return w
    return None


_HASH_TOOLS = re.compile(r"^(sha(224|256|384|512)sum|b2sum|sha3sum|shasum|rhash)$")


def verification(commands: Iterable[Command]) -> Command | None:
    """The first command that checks a download's integrity or signature: ``sha256sum
    -c``, ``shasum -a 256 -c``, ``gpg --verify``, ``gpgv``, ``cosign verify-blob``,
    ``minisign -V``, ``signify -V``, ``ssh-keygen -Y verify``, ``openssl dgst -verify``,
    or a computed digest compared in ``[ "$(sha256sum f ...)" = ... ]``.

    ``md5sum -c`` and ``sha1sum -c`` do not count: both hashes are broken.
    """
    for c in commands:
        name = c.name
        args = c.args
        if _HASH_TOOLS.match(name) and c.has_option("-c", "--check"):
            if name == "shasum" and _shasum_sha1(args):
                continue
            return c
        if name in ("gpg", "gpg2") and c.has_option("--verify", "--verify-files"):
            return c
        if name == "gpgv":
            return c
        if name == "cosign" and args[:1] in (("verify-blob",), ("verify-blob-attestation",)):
            return c
        if name in ("minisign", "signify") and c.has_option("-V"):
            return c
        if name == "ssh-keygen" and "-Y" in args and "verify" in args:
            return c
        if name == "openssl" and args[:1] == ("dgst",) and "-verify" in args:
            return c
        if name == "slsa-verifier" and args[:1] == ("verify-artifact",):
            return c
        if name == "gh" and args[:2] == ("attestation", "verify"):
            return c
        if name in ("[", "[[", "test") and any(
            _HASH_TOOLS.match(s.strip().split(" ", 1)[0])
            for w in args
            for s in command_substitutions(w)
        ):
            return c
    return None


def _shasum_sha1(args: Sequence[str]) -> bool:
    """``shasum -a 1 -c``: SHA-1 (without -a, shasum -c picks the algorithm from the
    digest length in the check file)."""
    for i, w in enumerate(args):
        if w in ("-a", "--algorithm") and i + 1 < len(args):
            return args[i + 1] == "1"
        if w.startswith("--algorithm="):
            return w.split("=", 1)[1] == "1"
        if w.startswith("-a") and len(w) > 2:
            return w[2:] == "1"
    return False


# --------------------------------------------------------------------------- apt sources


@dataclass(frozen=True)
class AptSource:
    """One APT source: ``deb [trusted=yes] http://host/debian bookworm main`` or a deb822
    stanza (``URIs:``, ``Trusted: yes``). ``line`` is 0-based in the text."""

    uris: tuple[str, ...]
    options: dict[str, str] = field(default_factory=dict, hash=False)
    line: int = 0

    def _yes(self, *keys: str) -> bool:
        return any(self.options.get(k, "").lower() in ("yes", "true", "1") for k in keys)

    @property
    def trusted(self) -> bool:
        """``trusted=yes``: APT accepts the repository without a valid signature."""
        return self._yes("trusted")

    @property
    def allow_insecure(self) -> bool:
        """``allow-insecure=yes`` / ``allow-weak=yes``: unsigned or weakly signed is fine."""
        return self._yes("allow-insecure", "allow-weak", "allow-downgrade-to-insecure")


_ONE_LINE = re.compile(r"^\s*(?:deb|deb-src)\s+(?:\[([^\]]*)\]\s*)?([^\s\[]\S*)")
_OPTION = re.compile(r"(?<![A-Za-z-])([A-Za-z-]+)\s*[+-]?=\s*([^\s\]]+)")


def apt_sources(text: str, edit: bool = False) -> list[AptSource]:
    """The sources in an APT sources text (``sources.list``, ``*.list``, ``*.sources``).

    ``edit`` is for the inserted text of ``sed -i``, which is rarely a whole line:
    ``trusted=yes`` or a URL anywhere counts.
    """
    out: list[AptSource] = []
    stanza: dict[str, str] = {}
    stanza_line = 0
    lines = text.splitlines()
    for n, raw in enumerate([*lines, ""]):
        line = raw.split("#", 1)[0] if not raw.lstrip().startswith("#") else ""
        m = _ONE_LINE.match(line)
        if m:
            opts = {k.lower(): v for k, v in _OPTION.findall(m.group(1) or "")}
            out.append(AptSource((m.group(2),), opts, n))
            continue
        field_m = re.match(r"^([A-Za-z][A-Za-z0-9-]*):(?!//)\s*(.*)$", line)
        if field_m:
            if not stanza:
                stanza_line = n
            stanza[field_m.group(1).lower()] = field_m.group(2).strip()
            continue
        if not line.strip() and stanza:
            if "uris" in stanza:
                uris = tuple(stanza.pop("uris").split())
                out.append(AptSource(uris, dict(stanza), stanza_line))
            stanza = {}
        elif edit and line.strip():
            opts = {k.lower(): v for k, v in _OPTION.findall(line)}
            urls = tuple(u.text for u in embedded_urls(line))
            if urls or opts:
                out.append(AptSource(urls, opts, n))
    return out


def is_apt_sources_path(path: str) -> bool:
    """``/etc/apt/sources.list``, ``/etc/apt/sources.list.d/*.list`` or ``*.sources``."""
    return "sources.list" in path or (path.endswith(".sources") and "/apt/" in path)


def add_apt_repository_sources(c: Command) -> list[AptSource]:
    """``add-apt-repository "deb [trusted=yes] http://host/x stable main"`` writes a
    sources line; a ``ppa:`` shortcut names an HTTPS Launchpad archive."""
    if c.name not in ("add-apt-repository", "apt-add-repository"):
        return []
    operands = [w for w in c.args if not w.startswith("-")]
    if not operands:
        return []
    spec = operands[0]
    if spec.lstrip().startswith(("deb ", "deb-src ")):
        return apt_sources(spec)
    if "://" in spec:
        return [AptSource((spec.split()[0],))]
    return []


# --------------------------------------------------------------------------- TLS bypass

_FALSE = frozenset({"false", "no", "off", "0"})
_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_DECLARERS = frozenset({"export", "declare", "typeset", "readonly", "local"})


def _strip_quotes(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v


def _hosts_outside_loopback(value: str) -> list[str]:
    return [h for h in re.split(r"[\s,]+", value) if h and not is_loopback_host(h.split(":")[0])]


# Environment variables that can turn TLS verification off (upper case; npm's and yarn's
# own variables are case-insensitive).
TLS_BYPASS_VARIABLES = frozenset(
    {"GIT_SSL_NO_VERIFY", "NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY", "PIP_TRUSTED_HOST",
     "UV_INSECURE_HOST", "NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL", "YARN_ENABLE_STRICT_SSL",
     "GOINSECURE"}
)  # fmt: skip


def tls_bypass_setting(name: str, value: str) -> str | None:
    """Why the environment variable ``name=value`` turns TLS verification off (None: it
    does not). ``GIT_SSL_NO_VERIFY`` does with any value, even an empty one."""
    v = _strip_quotes(value)
    low = v.lower()
    upper = name.upper()
    if name == "GIT_SSL_NO_VERIFY":
        return "makes git skip certificate verification (any value does)"
    if name == "NODE_TLS_REJECT_UNAUTHORIZED" and v == "0":
        return "makes Node.js accept any certificate"
    if name == "PYTHONHTTPSVERIFY" and v == "0":
        return "makes Python's ssl module skip certificate verification"
    if name in ("PIP_TRUSTED_HOST", "UV_INSECURE_HOST") and _hosts_outside_loopback(v):
        return f"makes {'pip' if name.startswith('PIP') else 'uv'} trust {v} without TLS checks"
    if upper in ("NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL", "YARN_ENABLE_STRICT_SSL") and (
        low in _FALSE
    ):
        return "makes npm/yarn accept any registry certificate"
    if name == "GOINSECURE" and v:
        return f"lets go fetch modules matching {v} without HTTPS or certificate checks"
    return None


def assignments(c: Command) -> list[tuple[str, str]]:
    """``NAME=value`` pairs a command sets: its prefix assignments (``A=1 cmd``, ``env
    A=1 cmd``, a bare ``A=1``) and ``export``/``declare -x`` arguments."""
    out: list[tuple[str, str]] = []
    for a in c.assignments:
        m = _ASSIGN.match(a)
        if m:
            out.append((m.group(1), m.group(2)))
    if c.name in _DECLARERS:
        for w in c.args:
            m = _ASSIGN.match(w)
            if m:
                out.append((m.group(1), m.group(2)))
    return out


_GIT_SSL_KEY = re.compile(r"^http(\..+)?\.sslverify$", re.I)
_SETOPT_SSL = re.compile(r"^(?:[\w.*:-]+\.)?sslverify\s*=\s*(\S*)$", re.I)
_APT_VERIFY = re.compile(r"^Acquire::https(?:::[^:=]+)?::Verify-(?:Peer|Host)\s*=\s*(\S*)$", re.I)
_RPM_TOOLS = frozenset({"yum", "dnf", "dnf5", "microdnf", "tdnf", "yum-config-manager"})
_APT_TOOLS = frozenset({"apt-get", "apt", "aptitude", "apt-cache"})


def _option_values(args: Sequence[str], *names: str) -> list[str]:
    """Values of ``--name=v``, ``--name v``, ``-o v`` and ``-ov`` among ``args``."""
    out: list[str] = []
    it = iter(args)
    for w in it:
        for name in names:
            if w == name:
                out.append(next(it, ""))
            elif name.startswith("--") and w.startswith(name + "="):
                out.append(w.split("=", 1)[1])
            elif len(name) == 2 and w.startswith(name) and len(w) > 2 and w[2] != "-":
                out.append(w[2:].lstrip("="))
    return out


def tls_bypass(c: Command) -> str | None:
    """Why the command turns TLS certificate verification off, as a short phrase (None:
    it does not). Environment assignments are :func:`tls_bypass_setting`'s business."""
    name, args = c.name, list(c.args)
    if name == "curl":
        scanned = options(args, "curl")
        for opt in ("-k", "--insecure", "--proxy-insecure", "--doh-insecure"):
            if scanned.has(opt):
                return f"skips certificate verification ({opt})"
        return None
    if name == "wget":
        if "--no-check-certificate" in args:
            return "skips certificate verification (--no-check-certificate)"
        for cmd in _option_values(args, "-e", "--execute"):
            key, _sep, value = cmd.partition("=")
            if key.strip().replace("-", "_") == "check_certificate" and (
                value.strip().lower() in _FALSE
            ):
                return f"skips certificate verification (-e {cmd})"
        return None
    pip = pip_words(c)
    if pip is not None:
        scanned = options(pip, "pip")
        hosts = [h for v in scanned.values("--trusted-host") for h in _hosts_outside_loopback(v)]
        if hosts:
            return f"trusts {', '.join(hosts)} without TLS checks (--trusted-host)"
        if scanned.values("--allow-insecure-host"):
            return "trusts hosts without TLS checks (--allow-insecure-host)"
        ops = list(scanned.operands)
        trusted = (
            ops[:2] == ["config", "set"] and len(ops) >= 4 and ops[2].endswith(".trusted-host")
        )
        if trusted and _hosts_outside_loopback(ops[3]):
            return f"configures trusted-host {ops[3]} (no TLS checks)"
        return None
    if name == "uv" and _option_values(args, "--allow-insecure-host"):
        return "trusts hosts without TLS checks (--allow-insecure-host)"
    if name in ("npm", "yarn", "pnpm"):
        return _npm_tls(args)
    if name == "git":
        return _git_tls(args)
    if name in _RPM_TOOLS or (name == "dnf" and args[:1] == ["config-manager"]):
        values = _option_values(args, "--setopt")
        if args[:2] in (["config-manager", "setopt"],):
            values += args[2:]
        for v in values:
            m = _SETOPT_SSL.match(v)
            if m and m.group(1).lower() in _FALSE:
                return f"turns off repository certificate checks (--setopt={v})"
        return None
    if name in _APT_TOOLS:
        for v in _option_values(args, "-o", "--option"):
            m = _APT_VERIFY.match(v)
            if m and _strip_quotes(m.group(1)).lower() in _FALSE:
                return f"turns off certificate checks for apt (-o {v})"
        return None
    if name in ("conda", "mamba", "micromamba"):
        for i, w in enumerate(args):
            if w == "--set" and args[i + 1 : i + 2] == ["ssl_verify"]:
                value = args[i + 2] if i + 2 < len(args) else ""
                if value.lower() in _FALSE:
                    return "turns off certificate checks for conda (ssl_verify false)"
        return None
    if name == "poetry" and args[:1] == ["config"]:
        ops = [w for w in args[1:] if not w.startswith("-")]
        if (
            len(ops) >= 2
            and re.fullmatch(r"certificates\..+\.cert", ops[0])
            and (ops[1].lower() in _FALSE)
        ):
            return f"turns off certificate checks for poetry ({ops[0]} false)"
    return None


def _npm_tls(args: Sequence[str]) -> str | None:
    for w in args:
        if w == "--no-strict-ssl":
            return "turns off registry certificate checks (--no-strict-ssl)"
        if w.startswith("--strict-ssl=") and w.split("=", 1)[1].lower() in _FALSE:
            return f"turns off registry certificate checks ({w})"
    for i, w in enumerate(args):
        if w == "--strict-ssl" and i + 1 < len(args) and args[i + 1].lower() in _FALSE:
            return "turns off registry certificate checks (--strict-ssl false)"
    ops = [w for w in args if not w.startswith("-")]
    if ops[:2] == ["config", "set"]:
        ops = ops[2:]
    elif ops[:1] == ["set"]:
        ops = ops[1:]
    else:
        return None
    if not ops:
        return None
    key, sep, value = ops[0].partition("=")
    value = value if sep else (ops[1] if len(ops) > 1 else "")
    if key in ("strict-ssl", "enableStrictSsl") and value.lower() in _FALSE:
        return f"turns off registry certificate checks ({key} {value})"
    return None


def _git_tls(args: Sequence[str]) -> str | None:
    scanned = options(args, "git")
    configs = scanned.values("-c")
    ops = list(scanned.operands)
    if ops[:1] == ["config"]:
        # git config's own options (--file f, --type bool) are not git's global ones
        rest = _drop_config_options(args[args.index("config") + 1 :])
        if rest[:1] == ["set"]:
            rest = rest[1:]
        if len(rest) >= 2:
            configs.append(f"{rest[0]}={rest[1]}")
    elif ops:
        configs += options(ops[1:], "git").values("-c", "--config")
    for kv in configs:
        key, _sep, value = kv.partition("=")
        if _GIT_SSL_KEY.match(key.strip()) and value.strip().lower() in _FALSE:
            return f"turns off certificate checks for git ({key.strip()}={value.strip()})"
    return None


def _drop_config_options(words: Sequence[str]) -> list[str]:
    """``git config --global --type=bool -f x key value`` -> ``key value``."""
    out: list[str] = []
    it = iter(words)
    for w in it:
        if w in ("-f", "--file", "--blob", "--type", "--default", "--comment"):
            next(it, None)
        elif w.startswith("-"):
            continue
        else:
            out.append(w)
    return out


_CONFIG_TLS_RULES: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = (
    (re.compile(r"(^|/)[._]?curlrc$"), re.compile(r"^\s*(-k|(--)?insecure)\b"),
     "tells curl to skip certificate verification"),
    (re.compile(r"(^|/)\.?wgetrc$"),
     re.compile(r"^\s*check[_-]certificate\s*=\s*(off|no|0|false)\b", re.I),
     "tells wget to skip certificate verification"),
    (re.compile(r"(^|/)\.?npmrc$"), re.compile(r"^\s*strict-ssl\s*=\s*(false|0)\b", re.I),
     "turns off npm's registry certificate checks"),
    (re.compile(r"(^|/)\.yarnrc$"), re.compile(r"^\s*strict-ssl\s+\"?(false|0)\b", re.I),
     "turns off yarn's registry certificate checks"),
    (re.compile(r"(^|/)\.yarnrc\.yml$"), re.compile(r"^\s*enableStrictSsl:\s*false\b", re.I),
     "turns off yarn's registry certificate checks"),
    (re.compile(r"(^|/)(\.gitconfig|gitconfig|\.git/config)$"),
     re.compile(r"^\s*sslverify\s*=\s*(false|no|off|0)\b", re.I),
     "turns off git's certificate checks"),
    (re.compile(r"(\.repo|(^|/)(yum|dnf|tdnf)\.conf)$"),
     re.compile(r"^\s*sslverify\s*=\s*(false|no|0)\b", re.I),
     "turns off repository certificate checks"),
    (re.compile(r"/apt\.conf(\.d/.*)?$"),
     re.compile(r"Verify-(Peer|Host)\s*\"?(false|no|0)\b", re.I),
     "turns off apt's certificate checks"),
    (re.compile(r"(^|/)\.condarc$"), re.compile(r"^\s*ssl_verify:\s*(false|no)\b", re.I),
     "turns off conda's certificate checks"),
)  # fmt: skip


def tls_bypass_in_config(path: str, text: str) -> str | None:
    """Why writing ``text`` into the file ``path`` (``~/.curlrc``, ``pip.conf``, a yum
    ``.repo`` file...) turns TLS verification off (None: it does not)."""
    if _PIP_CONF.search(path):
        # trusted-host = a.example b.example, possibly continued on indented lines
        lines = text.splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"^\s*trusted-host\s*=(.*)$", line, re.I)
            if m is None:
                continue
            value = [m.group(1)]
            value += list(_indented(lines[i + 1 :]))
            hosts = _hosts_outside_loopback(" ".join(value))
            if hosts:
                return f"makes pip trust {', '.join(hosts)} without TLS checks (trusted-host)"
        return None
    return _config_rule(_CONFIG_TLS_RULES, path, text)


_PIP_CONF = re.compile(r"(^|/)pip\.(conf|ini)$")


def _indented(lines: Sequence[str]) -> Iterator[str]:
    for line in lines:
        if not line[:1].isspace() or not line.strip():
            return
        yield line


# --------------------------------------------------------------------------- signatures

_TRUE = frozenset({"true", "yes", "1", "on", "enable"})
_APT_UNSIGNED = re.compile(
    r"^(APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories"
    r"|Acquire::AllowDowngradeToInsecureRepositories|Acquire::AllowWeakRepositories)"
    r"\s*=\s*(\S*)$",
    re.I,
)
_SETOPT_GPG = re.compile(r"^(?:[\w.*:-]+\.)?gpgcheck\s*=\s*(\S*)$", re.I)
_RPM_INSTALL = frozenset({"-i", "-U", "-F", "--install", "--upgrade", "--freshen", "--reinstall"})
_RPM_NO_CHECK = ("--nosignature", "--nodigest", "--noverify", "--nofiledigest")
_DNF_TOOLS = frozenset({"yum", "dnf", "dnf5", "microdnf", "tdnf", "yum-config-manager"})


def signature_bypass(c: Command) -> str | None:
    """Why the command installs (or allows installing) packages whose signature is not
    checked, as a short phrase (None: it does not)."""
    name, args = c.name, list(c.args)
    if name == "apk":
        if "--allow-untrusted" in args:
            return "accepts unsigned packages (--allow-untrusted)"
        return None
    if name in _APT_TOOLS:
        for flag in ("--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"):
            if flag in args:
                return f"accepts unsigned packages or repositories ({flag})"
        if name == "aptitude" and "--allow-untrusted" in args:
            return "accepts unsigned packages (--allow-untrusted)"
        for v in _option_values(args, "-o", "--option"):
            m = _APT_UNSIGNED.match(v)
            if m and _strip_quotes(m.group(2)).lower() in _TRUE:
                return f"accepts unsigned packages or repositories (-o {v})"
        return None
    if name in _DNF_TOOLS or (name == "dnf" and args[:1] == ["config-manager"]):
        for flag in ("--nogpgcheck", "--no-gpgchecks"):
            if flag in args:
                return f"installs packages without checking signatures ({flag})"
        values = _option_values(args, "--setopt")
        if args[:2] == ["config-manager", "setopt"]:
            values += args[2:]
        for v in values:
            m = _SETOPT_GPG.match(v)
            if m and m.group(1).lower() in _FALSE:
                return f"turns off package signature checks (--setopt={v})"
        return None
    if name == "zypper":
        if "--no-gpg-checks" in args:
            return "installs packages without checking signatures (--no-gpg-checks)"
        ops = [w for w in args if not w.startswith("-")]
        if ops[:1] in (["ar"], ["addrepo"], ["mr"], ["modifyrepo"]) and (
            "-G" in args or "--no-gpgcheck" in args
        ):
            return "adds a repository without signature checks (--no-gpgcheck)"
        return None
    if name == "rpm":
        installing = any(
            w in _RPM_INSTALL or (len(w) > 1 and w[0] == "-" and w[1] in "iUF") for w in args
        )
        if installing:
            for flag in _RPM_NO_CHECK:
                if flag in args:
                    return f"installs a package without checking it ({flag})"
        return None
    return None


_CONFIG_SIGNATURE_RULES: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = (
    (re.compile(r"(\.repo|(^|/)(yum|dnf|tdnf|zypp)\.conf)$"),
     re.compile(r"^\s*gpgcheck\s*=\s*(0|false|no)\b", re.I),
     "turns off package signature checks"),
    (re.compile(r"/apt\.conf(\.d/.*)?$"),
     re.compile(r"(AllowUnauthenticated|AllowInsecureRepositories|AllowWeakRepositories"
                r"|AllowDowngradeToInsecureRepositories)\s*\"?(true|yes|1)\b", re.I),
     "makes apt accept unsigned packages or repositories"),
    (re.compile(r"(^|/)pacman\.conf$"), re.compile(r"^\s*SigLevel\s*=.*\bNever\b", re.I),
     "turns off pacman's signature checks"),
)  # fmt: skip


def signature_bypass_in_config(path: str, text: str) -> str | None:
    """Why writing ``text`` into ``path`` turns package signature checks off (None: it
    does not). APT sources (``[trusted=yes]``) are :func:`apt_sources`' business."""
    return _config_rule(_CONFIG_SIGNATURE_RULES, path, text)


def _config_rule(
    rules: Sequence[tuple[re.Pattern[str], re.Pattern[str], str]], path: str, text: str
) -> str | None:
    """The first rule whose file pattern matches ``path`` and whose line pattern a line of
    ``text`` matches, as "why (the line)"."""
    for path_re, line_re, why in rules:
        if not path_re.search(path):
            continue
        for line in text.splitlines():
            if line_re.search(line):
                return f"{why} ({line.strip()})"
    return None
