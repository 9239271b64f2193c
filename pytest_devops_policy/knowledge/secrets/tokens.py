"""Token-shaped secrets in a file's text: the provider families of SECRET-001…006 (catalog §6.2).

``scan(text, path)`` returns a :class:`Hit` for every private key, cloud key, VCS/CI token,
registry token, chat webhook and SaaS API key found in ``text``. The rules are written from
the formats' public descriptions (fixed prefixes, lengths, alphabets, and the structure a
format allows checking: GitHub's and npm's CRC32 checksum, the DER/OpenSSH header of a key
body, a Docker ``auth`` that decodes to ``user:password``, a Discord bot token whose first
part is a base64 user id); none is copied from another tool's rule file.

Precision first:

* every rule runs only when one of its *needles* (a literal without which it cannot match:
  ``AKIA``, ``ghp_``, ``hooks.slack.com``) is in the text, a ``str`` search, so most files
  cost a few substring searches and no regex at all;
* the random part of a token must look random: placeholders (``ghp_xxxx…``, ``AKIA…EXAMPLE``,
  ``<your-token>``, sequential ``abcdef…``/``123456…`` runs, few distinct characters) are not
  reported (§6.1 allowlist);
* keyword rules (Datadog, CircleCI, Travis…) need the provider's name in the key of an
  assignment (or on the line above it, for a nested YAML key) and a value of the provider's
  shape; references (``${VAR}``, ``$(cmd)``, ``{{ … }}``) are never values;
* public material is skipped: PEM certificates and public keys are not matched at all, a
  base64 PEM that decodes to a certificate is ignored, Azure's documented storage-emulator
  key and AWS's documented example keys are allowlisted.

GitHub/npm checksum decision: a ``ghp_…``/``npm_…`` token whose last six characters are not
the base62 CRC32 of the thirty before them cannot be a token GitHub issued (every token since
2021 carries it). It is still reported, at ``medium`` with the note "checksum does not
match", rather than dropped: a human may have altered or truncated a real token by a
character (a half-hearted redaction still leaks 35 of 36 characters), and test data in other
tools' fixtures uses such tokens; a valid checksum is reported at the policy's severity with
the note "checksum valid". Placeholders never reach the checksum (the randomness gate above).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pytest_devops_policy.knowledge.secrets.hits import Hit

__all__ = ["KEYWORD_RULES", "PATTERNS", "RULES", "checksum_ok", "looks_fake", "scan"]

# --- randomness gate -----------------------------------------------------------------------

_PLACEHOLDER_WORDS = (
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "changeme",
    "your",
    "xxxx",
    "****",
    "....",
    "<",
    ">",
    "{{",
    "${",
    "$(",
    "insert",
    "replace",
    "fake",
)
_SEQUENCES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


def _entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _has_run(value: str) -> bool:
    """Six ascending alphabet/digit characters in a row, or five equal ones."""
    same = 1
    for a, b in itertools.pairwise(value):
        same = same + 1 if a == b else 1
        if same >= 5:
            return True
    for seq in _SEQUENCES:
        for i in range(len(seq) - 5):
            if seq[i : i + 6] in value:
                return True
    return False


def looks_fake(body: str) -> bool:
    """The random part of a token is a placeholder or a made-up pattern, not a secret."""
    low = body.lower()
    if any(word in low for word in _PLACEHOLDER_WORDS):
        return True
    if _has_run(body):
        return True
    distinct = len(set(body))
    return distinct < min(8, max(3, len(body) // 2))


# --- checks ------------------------------------------------------------------------------

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _B62[r] + out
    return out.rjust(width, "0")


def checksum_ok(body: str) -> bool:
    """GitHub/npm token format: the last 6 characters are the base62 CRC32 of the rest."""
    head, tail = body[:-6], body[-6:]
    return _base62(zlib.crc32(head.encode("ascii")), 6) == tail


def _b64decode(value: str) -> bytes | None:
    v = value.strip().replace("\\n", "").replace("\n", "")
    v = v.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(v + "=" * (-len(v) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


_REF = re.compile(r"\$\{|\$\(|\{\{|^\$[A-Za-z_]|^<.*>$|^%\(|^#\{")
_PLACEHOLDER_VALUE = re.compile(
    r"(?i)^(?:changeme|change_me|example|dummy|sample|test|xxx+|\*+|<[^>]+>|your[-_].*|"
    r"placeholder|redacted|none|null|todo|secret|password)$"
)


def _is_reference_or_placeholder(value: str) -> bool:
    v = value.strip().strip("'\"")
    return not v or bool(_REF.search(v)) or bool(_PLACEHOLDER_VALUE.match(v))


# --- the rule table ------------------------------------------------------------------------

# A check gets the match and the text; it returns None (not a secret) or (severity, note,
# secret override). ``_ok`` is the common "random-looking body" gate.
Verdict = tuple[str | None, str, str | None]
Check = Callable[[re.Match[str], str], "Verdict | None"]


@dataclass(frozen=True)
class Rule:
    policy: str
    rule: str
    label: str
    needles: tuple[str, ...]  # literals; the rule runs only if one occurs in the text
    pattern: re.Pattern[str]  # group "val" (or the whole match) is the secret
    check: Check | None = None  # default: the "body" group (or the secret) must look random
    # characters that must not precede the match (a token boundary), checked in Python: a
    # leading look-behind would keep ``re`` from its fast search for the literal prefix
    not_after: frozenset[str] = frozenset()
    window: bool = False  # match only around needle occurrences (a slow, rare pattern)


def _secret(m: re.Match[str]) -> str:
    return m.group("val") if "val" in m.re.groupindex and m.group("val") else m.group(0)


def _body(m: re.Match[str]) -> str:
    if "body" in m.re.groupindex and m.group("body"):
        return m.group("body")
    return _secret(m)


def _random(m: re.Match[str], _text: str) -> Verdict | None:
    return None if looks_fake(_body(m)) else (None, "", None)


_NOT_TOKEN_BEFORE = r"(?<![A-Za-z0-9_])"
_NOT_TOKEN_AFTER = r"(?![A-Za-z0-9_])"


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# --- SECRET-001 private keys ---------------------------------------------------------------

_PEM_BEGIN = _rx(
    r"-----BEGIN (?P<kind>(?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP|ANY) )?PRIVATE KEY(?: BLOCK)?-----"
)
_PEM_HEADER_LINE = _rx(r"(?m)^[ \t]*[A-Za-z][A-Za-z-]{1,30}:[^\n]*$")
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_BODY_LINE = _rx(r"[ \t\"',|>-]*[A-Za-z0-9+/=]{1,200}[ \t\"',]*(?:\\n)?")
_MAX_KEY = 65536


def _pem_body(text: str, begin: re.Match[str]) -> tuple[str, int] | None:
    """The armour body after a BEGIN line, and where the whole key ends.

    The body ends at the next ``-----`` (base64 never holds one): the END line, or the next
    armour when a paste was truncated; so consecutive BEGIN lines cost one pass, not one
    pass each."""
    start = begin.end()
    nxt = text.find("-----", start, start + _MAX_KEY)
    if nxt >= 0 and text.startswith("-----END", nxt):
        close = text.find("-----", nxt + 8, nxt + 80)
        stop = close + 5 if close >= 0 else nxt + 8
        return text[start:nxt], stop
    # No END line (a truncated paste): the base64 lines that follow.
    limit = nxt if nxt >= 0 else min(len(text), start + _MAX_KEY)
    pos = start
    lines = []
    while pos < limit:
        nl = text.find("\n", pos, limit)
        line_end = limit if nl < 0 else nl
        line = text[pos:line_end]
        if line.strip() and not _BODY_LINE.fullmatch(line.strip()) and pos > start:
            break
        lines.append(line)
        pos = line_end + 1
    return "\n".join(lines), min(pos, limit)


def pem_verdict(kind: str, body: str) -> tuple[bool, str | None, str]:
    """Is ``body`` a private key's armour body? (is_key, severity override, note)."""
    cleaned = body.replace("\\n", "\n").replace("\\r", "\n")
    encrypted = kind == "ENCRYPTED " or "Proc-Type: 4,ENCRYPTED" in cleaned
    cleaned = _PEM_HEADER_LINE.sub("", cleaned)
    compact = "".join(cleaned.split())
    b64 = sum(1 for ch in compact if ch in _B64_CHARS)
    other = len(compact) - b64
    if b64 < 64 or other > max(4, b64 // 20):
        return False, None, ""
    chars = "".join(ch for ch in compact if ch in _B64_CHARS)
    if _entropy(chars) < 4.2:  # "AAAA…", "MIIE…" * n: a filler, not a key
        return False, None, ""
    note = "private key armour with a body"
    if kind == "OPENSSH ":
        raw = _b64decode(chars[:200] if len(chars) >= 200 else chars)
        if raw is not None and raw.startswith(b"openssh-key-v1\0") and len(raw) > 19:
            size = int.from_bytes(raw[15:19], "big")
            cipher = raw[19 : 19 + size]
            if cipher and cipher != b"none":
                encrypted = True
    if encrypted:
        return True, "high", "encrypted private key: still no place in the repository"
    return True, None, note


@dataclass(frozen=True)
class _Found:
    hit: Hit
    priority: int


def _private_keys(text: str, out: list[_Found]) -> None:
    for m in _PEM_BEGIN.finditer(text):
        got = _pem_body(text, m)
        if got is None:
            continue
        body, stop = got
        is_key, severity, note = pem_verdict(m.group("kind") or "", body)
        if is_key:
            hit = Hit("SECRET-001", "private-key", "private key", m.start(), stop, severity)
            out.append(_Found(Hit(**{**hit.__dict__, "note": note}), 50))


_PUTTY = _rx(r"PuTTY-User-Key-File-\d: [^\r\n]{1,40}")
_PUTTY_LINES = _rx(r"Private-Lines: (\d{1,3})")


def _putty_keys(text: str, out: list[_Found]) -> None:
    for m in _PUTTY.finditer(text):
        window = text[m.end() : m.end() + _MAX_KEY]
        lines = _PUTTY_LINES.search(window)
        if lines is None:
            continue
        count = int(lines.group(1))
        rest = window[lines.end() :].lstrip("\r\n").splitlines()[:count]
        body = "".join("".join(rest).split())
        if len(body) < 40 or any(ch not in _B64_CHARS for ch in body) or looks_fake(body):
            continue
        stop = m.end() + lines.end()
        mac = window.find("Private-MAC:", lines.end())
        if mac >= 0:
            eol = window.find("\n", mac)
            stop = m.end() + (len(window) if eol < 0 else eol)
        enc = re.search(r"Encryption: (\S+)", window[: lines.start()])
        severity = "high" if enc is not None and enc.group(1) != "none" else None
        note = "PuTTY private key" + (" (encrypted)" if severity else "")
        out.append(
            _Found(Hit("SECRET-001", "putty-key", "PuTTY private key", m.start(), stop,
                       severity, None, note), 50)
        )  # fmt: skip


# base64 of "-----BEGIN" at offset 0: a PEM inside a YAML/JSON value (kubeconfig
# client-key-data, a Secret's tls.key), decoded one level.
_PEM_B64 = _rx(r"(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,}={0,2}")


def _encoded_keys(text: str, out: list[_Found]) -> None:
    for m in _PEM_B64.finditer(text):
        raw = _b64decode(m.group(0))
        if raw is None:
            continue
        decoded = raw.decode("utf-8", "replace")
        begin = _PEM_BEGIN.search(decoded)
        if begin is None:  # a certificate, a public key: public material
            continue
        got = _pem_body(decoded, begin)
        if got is None:
            continue
        is_key, severity, _ = pem_verdict(begin.group("kind") or "", got[0])
        if is_key:
            out.append(
                _Found(
                    Hit(
                        "SECRET-001",
                        "private-key-base64",
                        "base64-encoded private key",
                        m.start(),
                        m.end(),
                        severity,
                        m.group(0),
                        "base64 value decodes to a private key",
                    ),
                    50,
                )
            )


# --- SECRET-002 cloud keys -----------------------------------------------------------------

# sha256 of Azure's documented storage-emulator (Azurite) account key, the same for everyone.
_AZURITE_KEY_SHA256 = "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059"


def _aws_key_id(m: re.Match[str], _text: str) -> Verdict | None:
    body = m.group("body")
    if "EXAMPLE" in body or looks_fake(body):
        return None
    temporary = m.group("val").startswith("ASIA")
    return (None, "temporary (STS) access key id" if temporary else "", None)


_ASSIGN_AFTER_KEY = r"[\"']?[ \t]{0,8}(?:=>|:=|[:=])[ \t]{0,8}[\"']?"
_AWS_SECRET = _rx(
    r"(?i)(?:(?:aws[_.-]?)?secret[_.-]?access[_.-]?key|aws[_.-]?secret[_.-]?key)"
    + _ASSIGN_AFTER_KEY
    + r"(?P<val>(?-i:[A-Za-z0-9/+]{40}))(?![A-Za-z0-9/+=])"
)
# Where the keyword can be: aws_secret_access_key, SecretAccessKey, AWS_SECRET_KEY, ...
_AWS_SECRET_NEEDLES = (
    "ecret_access", "ecretAccess", "ecret-access", "ECRET_ACCESS", "ecret_key", "ECRET_KEY",
    "ecretKey", "ecret-key", "ecretaccess",
)  # fmt: skip
_FORTY = _rx(r"(?<![A-Za-z0-9/+=])(?P<val>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")


def _aws_secret_shape(value: str) -> bool:
    classes = sum(
        (
            any(c.isupper() for c in value),
            any(c.islower() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return (
        classes == 3 and "EXAMPLE" not in value and not looks_fake(value) and _entropy(value) >= 4.0
    )


def _aws_secret(m: re.Match[str], _text: str) -> Verdict | None:
    return (None, "", None) if _aws_secret_shape(m.group("val")) else None


def _aws_nearby_secrets(text: str, ids: list[Hit], out: list[_Found]) -> None:
    """A 40-character secret key on a line near an access key id, without a keyword."""
    seen: set[int] = set()
    for hit in ids:
        lo = max(0, hit.start - 400)
        hi = min(len(text), hit.end + 400)
        for m in _FORTY.finditer(text, lo, hi):
            if m.start() in seen or not _aws_secret_shape(m.group("val")):
                continue
            seen.add(m.start())
            out.append(
                _Found(
                    Hit("SECRET-002", "aws-secret-access-key", "AWS secret access key",
                        m.start(), m.end(), None, None,
                        "40-character key next to an access key id"),
                    40,
                )
            )  # fmt: skip


_GCP_TYPE = _rx(r"\\?\"type\\?\"\s{0,4}:\s{0,4}\\?\"service_account\\?\"")
_GCP_KEY = _rx(r"\\?\"private_key\\?\"\s{0,4}:\s{0,4}\\?\"")


def _gcp_service_accounts(text: str, out: list[_Found]) -> None:
    if _GCP_TYPE.search(text) is None:
        return
    for m in _GCP_KEY.finditer(text):
        begin = _PEM_BEGIN.match(text, m.end())
        if begin is None:
            continue
        got = _pem_body(text, begin)
        if got is None:
            continue
        body, stop = got
        is_key, _, _ = pem_verdict(begin.group("kind") or "", body)
        if is_key:
            out.append(
                _Found(
                    Hit("SECRET-002", "gcp-service-account-key", "GCP service-account key",
                        begin.start(), stop, None, None,
                        "service-account key JSON with its private key"),
                    10,
                )
            )  # fmt: skip


def _azure_account_key(m: re.Match[str], _text: str) -> Verdict | None:
    val = m.group("val")
    if hashlib.sha256(val.encode()).hexdigest() == _AZURITE_KEY_SHA256:
        return None
    if len(val) not in (86, 87, 88) or looks_fake(val):
        return None
    raw = _b64decode(val)
    return None if raw is None or len(raw) < 60 else (None, "", None)


_SAS_CONTEXT = _rx(r"(?:^|[?&;\s\"'])(?:sv=[0-9][0-9.-]{2,12}|SharedAccessSignature=)")


def _azure_sas(m: re.Match[str], text: str) -> Verdict | None:
    val = m.group("val")
    # the same URL or connection string, before sig=: sv=<version> or SharedAccessSignature=
    lo = m.start()
    while lo > 0 and m.start() - lo < 1500 and text[lo - 1] not in " \t\r\n\"'<>`":
        lo -= 1
    before = text[lo : m.start()]
    if _SAS_CONTEXT.search(before) is None and "SharedAccessSignature" not in before:
        return None
    if looks_fake(val.replace("%2B", "+").replace("%2F", "/").replace("%3D", "")):
        return None
    return (None, "shared access signature (sig=)", None)


# --- SECRET-003 GitHub / npm checksummed tokens ----------------------------------------------


def _checksummed(m: re.Match[str], _text: str) -> Verdict | None:
    body = m.group("body")
    if looks_fake(body):
        return None
    if checksum_ok(body):
        return (None, "checksum valid", None)
    return ("medium", "checksum does not match: made up or altered", None)


# --- SECRET-004 Docker auths / npmrc ---------------------------------------------------------

_DOCKER_AUTH = _rx(
    r"\\?\"(?P<key>auth|identitytoken)\\?\"\s{0,4}:\s{0,4}\\?\"(?P<val>[A-Za-z0-9+/=_.-]{8,4096})\\?\""
)


def _docker_auth(m: re.Match[str], text: str) -> Verdict | None:
    val = m.group("val")
    if "auths" not in text[max(0, m.start() - 4096) : m.start()]:
        return None
    if m.group("key") == "identitytoken":
        return None if looks_fake(val) else (None, "registry identity token", None)
    raw = _b64decode(val)
    if raw is None:
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    user, sep, password = decoded.partition(":")
    if not sep or not user or not password or _is_reference_or_placeholder(password):
        return None
    if not password.isprintable():
        return None
    return (None, "base64 decodes to user:password", None)


def _npmrc(m: re.Match[str], _text: str) -> Verdict | None:
    val = m.group("val")
    if _is_reference_or_placeholder(val) or looks_fake(val):
        return None
    if m.group("key") == "_auth":
        raw = _b64decode(val)
        if raw is None or b":" not in raw:
            return None
        return (None, "_auth decodes to user:password", None)
    return (None, "literal registry credential", None)


# --- SECRET-005 chat -------------------------------------------------------------------------


def _discord_bot(m: re.Match[str], _text: str) -> Verdict | None:
    raw = _b64decode(m.group("id"))
    if raw is None or not raw.isdigit() or not 17 <= len(raw) <= 20:
        return None
    if looks_fake(m.group("body")):
        return None
    return (None, "first part decodes to a Discord user id", None)


def _teams_workflow(m: re.Match[str], text: str) -> Verdict | None:
    return None if looks_fake(m.group("body")) else (None, "", None)


# --- SECRET-006 --------------------------------------------------------------------------------


def _stripe(m: re.Match[str], _text: str) -> Verdict | None:
    if looks_fake(m.group("body")):
        return None
    if m.group("mode") == "test":
        return ("medium", "test-mode key", None)
    return (None, "", None)


def _openai(m: re.Match[str], _text: str) -> Verdict | None:
    body = m.group("body")
    if body.startswith("ant-") or looks_fake(body):
        return None
    if "T3BlbkFJ" in body:
        return (None, "OpenAI key marker", None)
    if m.group("kind") and len(body) >= 40:
        return (None, "", None)
    return None


def _r(
    policy: str,
    rule: str,
    label: str,
    needles: tuple[str, ...],
    pattern: str,
    check: Check | None = None,
    flags: int = 0,
) -> Rule:
    not_after: frozenset[str] = frozenset()
    for prefix, chars in ((_B, _WORD), (_BD, _WORD | {"-"})):
        if pattern.startswith(prefix):
            pattern, not_after = pattern[len(prefix) :], chars
    window = rule == "aws-secret-access-key"
    return Rule(policy, rule, label, needles, _rx(pattern, flags), check, not_after, window)


_B = _NOT_TOKEN_BEFORE
_A = _NOT_TOKEN_AFTER
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_BD = r"(?<![A-Za-z0-9_-])"  # tokens whose alphabet has "-"
_AD = r"(?![A-Za-z0-9_-])"

RULES: tuple[Rule, ...] = (
    # SECRET-001 ------------------------------------------------------------------------
    _r("SECRET-001", "age-secret-key", "age secret key", ("AGE-SECRET-KEY-1",),
       r"AGE-SECRET-KEY-1(?P<body>[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})" + _A),
    # SECRET-002 ------------------------------------------------------------------------
    _r("SECRET-002", "aws-access-key-id", "AWS access key id",
       ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
       r"(?<![A-Za-z0-9])(?P<val>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])(?P<body>[A-Z2-7]{16}))"
       r"(?![A-Za-z0-9])", _aws_key_id),
    _r("SECRET-002", "aws-secret-access-key", "AWS secret access key", _AWS_SECRET_NEEDLES,
       _AWS_SECRET.pattern, _aws_secret),
    _r("SECRET-002", "aws-session-token", "AWS session token",
       ("IQoJb3JpZ2lu", "FwoGZXIvYXdz", "FQoGZXIvYXdz"),
       r"(?i)(?:aws[_.-]?)?session[_.-]?token" + _ASSIGN_AFTER_KEY
       + r"(?P<val>(?-i:(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]{80,2000}))"),
    _r("SECRET-002", "gcp-api-key", "Google API key", ("AIza",),
       _BD + r"(?P<val>AIza(?P<body>[0-9A-Za-z_-]{35}))" + _AD),
    _r("SECRET-002", "gcp-oauth-client-secret", "Google OAuth client secret", ("GOCSPX-",),
       _BD + r"(?P<val>GOCSPX-(?P<body>[0-9A-Za-z_-]{28}))" + _AD),
    _r("SECRET-002", "azure-storage-account-key", "Azure storage account key", ("AccountKey=",),
       r"AccountKey=(?P<val>[A-Za-z0-9+/]{84,88}={0,2})(?![A-Za-z0-9+/=])", _azure_account_key),
    _r("SECRET-002", "azure-shared-access-key", "Azure shared access key",
       ("SharedAccessKey=",),
       r"SharedAccessKey=(?P<val>[A-Za-z0-9+/]{42,44}={0,2})(?![A-Za-z0-9+/=])"),
    _r("SECRET-002", "azure-sas-signature", "Azure shared access signature", ("sig=",),
       r"[?&;]sig=(?P<val>[A-Za-z0-9%+/_-]{30,120}(?:=|%3[Dd]){0,2})(?![A-Za-z0-9%+/=_-])",
       _azure_sas),
    _r("SECRET-002", "azure-ad-client-secret", "Azure AD client secret", ("Q~",),
       r"(?<![A-Za-z0-9_~.-])(?P<val>[A-Za-z0-9_~.-]{3}\dQ~(?P<body>[A-Za-z0-9_~.-]{31,34}))"
       r"(?![A-Za-z0-9_~.-])"),
    # SECRET-003 ------------------------------------------------------------------------
    _r("SECRET-003", "github-token", "GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
       _B + r"(?P<val>gh[pousr]_(?P<body>[A-Za-z0-9]{36}))" + _A, _checksummed),
    _r("SECRET-003", "github-fine-grained-pat", "GitHub fine-grained token", ("github_pat_",),
       _B + r"(?P<val>github_pat_(?P<body>[A-Za-z0-9]{22}_[A-Za-z0-9]{59}))" + _A),
    _r("SECRET-003", "gitlab-token", "GitLab token",
       ("glpat-", "gldt-", "glrt-", "glrtr-", "glptt-", "glcbt-", "glft-", "glimt-",
        "glagent-", "glsoat-", "gloas-", "glffct-", "glwt-"),
       _BD + r"(?P<val>gl(?:pat|dt|rtr?|ptt|cbt|ft|imt|agent|soat|oas|ffct|wt)-"
       r"(?P<body>[A-Za-z0-9_-]{20,300})(?:\.[0-9a-z]{2}\.[0-9a-z]{7,12})?)" + _AD),
    _r("SECRET-003", "gitlab-runner-registration-token", "GitLab runner registration token",
       ("GR1348941",), _B + r"(?P<val>GR1348941(?P<body>[A-Za-z0-9_-]{20}))" + _AD),
    _r("SECRET-003", "atlassian-token", "Atlassian/Bitbucket token",
       ("ATBB", "ATATT3", "ATCTT3"),
       _B + r"(?P<val>(?:ATBB(?P<body>[A-Za-z0-9_=.-]{28,40})|AT[AC]TT3(?P<body2>"
       r"[A-Za-z0-9_=-]{100,300})))" + _AD),
    _r("SECRET-003", "circleci-token", "CircleCI token", ("CCIPAT_", "CCIPRJ_"),
       _B + r"(?P<val>CCIP(?:AT|RJ)_(?P<body>[A-Za-z0-9]{22}_[0-9a-f]{40}))" + _A),
    # SECRET-004 ------------------------------------------------------------------------
    _r("SECRET-004", "npm-token", "npm access token", ("npm_",),
       _B + r"(?P<val>npm_(?P<body>[A-Za-z0-9]{36}))" + _A, _checksummed),
    _r("SECRET-004", "npmrc-auth", "npm registry credential",
       ("_authToken", "_auth", "_password", "npmAuthToken", "npmAuthIdent"),
       r"(?P<key>:_authToken|_auth|:_password|npmAuthToken|npmAuthIdent)[ \t]*[=:][ \t]*"
       r"[\"']?(?P<val>[^\s\"'#;]{8,4096})", _npmrc),
    _r("SECRET-004", "pypi-token", "PyPI upload token",
       ("pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"),
       _BD + r"(?P<val>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)"
       r"(?P<body>[A-Za-z0-9_-]{50,}))"),
    _r("SECRET-004", "rubygems-token", "RubyGems API key", ("rubygems_",),
       _B + r"(?P<val>rubygems_(?P<body>[0-9a-f]{48}))" + _A),
    _r("SECRET-004", "nuget-api-key", "NuGet API key", ("oy2",),
       _B + r"(?P<val>oy2(?P<body>[a-z0-9]{43}))" + _A),
    _r("SECRET-004", "crates-io-token", "crates.io token", ("cio",),
       _B + r"(?P<val>cio(?P<body>[A-Za-z0-9]{32}))" + _A),
    _r("SECRET-004", "jfrog-api-key", "JFrog Artifactory API key", ("AKCp",),
       _B + r"(?P<val>AKCp(?P<body>[A-Za-z0-9]{69}))" + _A),
    _r("SECRET-004", "docker-config-auth", "Docker registry auth", ("auths",),
       _DOCKER_AUTH.pattern, _docker_auth),
    # SECRET-005 ------------------------------------------------------------------------
    _r("SECRET-005", "slack-token", "Slack token",
       ("xoxb-", "xoxa-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"),
       _BD + r"(?P<val>xox[abposr]-(?:[0-9]{1,16}-){1,3}(?P<body>[A-Za-z0-9]{8,64})"
       r"(?:-[A-Za-z0-9]{8,64})?)" + _AD),
    _r("SECRET-005", "slack-refresh-token", "Slack refresh/config token", ("xoxe",),
       _BD + r"(?P<val>xoxe(?:\.xox[bp])?-\d-(?P<body>[A-Za-z0-9]{60,300}))" + _AD),
    _r("SECRET-005", "slack-app-token", "Slack app token", ("xapp-",),
       _BD + r"(?P<val>xapp-\d-[A-Z0-9]{6,14}-\d{6,16}-(?P<body>[a-f0-9]{64}))" + _AD),
    _r("SECRET-005", "slack-webhook", "Slack webhook URL", ("hooks.slack.com",),
       r"(?P<val>https?://hooks\.slack\.com/(?:services/T[A-Z0-9]{6,14}/B[A-Z0-9]{6,14}/"
       r"(?P<body>[A-Za-z0-9]{20,32})|(?:workflows|triggers)/T[A-Z0-9]{6,14}/A[A-Z0-9]{6,14}/"
       r"\d{6,24}/(?P<body2>[A-Za-z0-9]{24,40})))" + _AD),
    _r("SECRET-005", "teams-webhook", "Microsoft Teams webhook URL",
       (".webhook.office.com", "outlook.office.com/webhook", "outlook.office365.com/webhook"),
       r"(?P<val>https://(?:[A-Za-z0-9-]{1,60}\.webhook\.office\.com/webhookb2|"
       r"outlook\.office(?:365)?\.com/webhook)/[0-9a-fA-F-]{36}@[0-9a-fA-F-]{36}/IncomingWebhook/"
       r"(?P<body>[0-9a-fA-F]{32})/[0-9a-fA-F-]{36}(?:/[A-Za-z0-9_-]{8,80})?)", _teams_workflow),
    _r("SECRET-005", "discord-webhook", "Discord webhook URL", ("discord",),
       r"(?P<val>https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/(?:v\d{1,2}/)?webhooks/"
       r"\d{17,20}/(?P<body>[A-Za-z0-9_-]{60,68}))" + _AD),
    _r("SECRET-005", "discord-bot-token", "Discord bot token", ("discord", "Discord", "DISCORD"),
       r"(?<![A-Za-z0-9_.-])(?P<val>(?P<id>[MNO][A-Za-z0-9_-]{23,27})\.[A-Za-z0-9_-]{6}\."
       r"(?P<body>[A-Za-z0-9_-]{27,38}))(?![A-Za-z0-9_.-])", _discord_bot),
    _r("SECRET-005", "telegram-bot-token", "Telegram bot token", (":AA",),
       r"(?<![0-9])(?P<val>\d{8,10}:(?P<body>AA[A-Za-z0-9_-]{33}))" + _AD),
    # SECRET-006 ------------------------------------------------------------------------
    _r("SECRET-006", "stripe-key", "Stripe secret key",
       ("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
       _B + r"(?P<val>[sr]k_(?P<mode>live|test|prod)_(?P<body>[A-Za-z0-9]{20,247}))" + _A, _stripe),
    _r("SECRET-006", "stripe-webhook-secret", "Stripe webhook signing secret", ("whsec_",),
       _B + r"(?P<val>whsec_(?P<body>[A-Za-z0-9+/]{32,64}))" + _A),
    _r("SECRET-006", "sendgrid-api-key", "SendGrid API key", ("SG.",),
       _BD + r"(?P<val>SG\.(?P<body>[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}))" + _AD),
    _r("SECRET-006", "twilio-api-key", "Twilio API key", ("SK",),
       _B + r"(?P<val>SK(?P<body>[0-9a-f]{32}))" + _A),
    _r("SECRET-006", "mailchimp-api-key", "Mailchimp API key", ("-us",),
       r"(?<![0-9A-Za-z])(?P<val>(?P<body>[0-9a-f]{32})-us\d{1,2})(?![0-9A-Za-z])"),
    _r("SECRET-006", "openai-api-key", "OpenAI API key", ("sk-",),
       _BD + r"(?P<val>sk-(?:(?P<kind>proj|svcacct|admin)-)?(?P<body>[A-Za-z0-9_-]{20,300}))"
       + _AD, _openai),
    _r("SECRET-006", "anthropic-api-key", "Anthropic API key", ("sk-ant-",),
       _BD + r"(?P<val>sk-ant-(?:api|admin)\d\d-(?P<body>[A-Za-z0-9_-]{80,120}))" + _AD),
    _r("SECRET-006", "huggingface-token", "Hugging Face token", ("hf_", "api_org_"),
       _B + r"(?P<val>(?:hf|api_org)_(?P<body>[A-Za-z]{34}))" + _A),
    _r("SECRET-006", "newrelic-key", "New Relic key", ("NRAK-", "NRII-", "NRRA-", "NRAL"),
       _BD + r"(?P<val>NRAK-(?P<body>[A-Z0-9]{27})|NRII-(?P<body2>[A-Za-z0-9_-]{32})"
       r"|NRRA-(?P<body3>[a-f0-9]{42})|(?P<body4>[a-f0-9]{36})NRAL)" + _AD),
    _r("SECRET-006", "sentry-token", "Sentry auth token", ("sntrys_", "sntryu_"),
       _B + r"(?P<val>sntrys_(?P<body>eyJ[A-Za-z0-9+/=_]{60,400})|sntryu_(?P<body2>[a-f0-9]{64}))"
       + _AD),
    _r("SECRET-006", "doppler-token", "Doppler token", ("dp.",),
       _BD + r"(?P<val>dp\.(?:pt|st|sa|ct|scim|audit)\.(?P<body>[A-Za-z0-9]{40,44}))" + _AD),
    _r("SECRET-006", "terraform-cloud-token", "Terraform Cloud/Enterprise token", (".atlasv1.",),
       r"(?<![A-Za-z0-9])(?P<val>[A-Za-z0-9]{14}\.atlasv1\.(?P<body>[A-Za-z0-9_=-]{60,70}))" + _AD),
    _r("SECRET-006", "vault-token", "HashiCorp Vault token", ("hvs.", "hvb.", "hvr."),
       _BD + r"(?P<val>hv[sbr]\.(?P<body>[A-Za-z0-9_-]{24,300}))" + _AD),
    _r("SECRET-006", "shopify-token", "Shopify token", ("shpat_", "shpca_", "shppa_", "shpss_"),
       _B + r"(?P<val>shp(?:at|ca|pa|ss)_(?P<body>[a-fA-F0-9]{32}))" + _A),
    _r("SECRET-006", "digitalocean-token", "DigitalOcean token", ("dop_v1_", "doo_v1_", "dor_v1_"),
       _B + r"(?P<val>do[opr]_v1_(?P<body>[a-f0-9]{64}))" + _A),
    _r("SECRET-006", "postman-api-key", "Postman API key", ("PMAK-",),
       _BD + r"(?P<val>PMAK-(?P<body>[a-f0-9]{24}-[a-f0-9]{34}))" + _AD),
    _r("SECRET-006", "linear-api-key", "Linear API key", ("lin_api_",),
       _B + r"(?P<val>lin_api_(?P<body>[A-Za-z0-9]{40}))" + _A),
    _r("SECRET-006", "grafana-token", "Grafana token", ("glsa_", "glc_"),
       _B + r"(?P<val>glsa_(?P<body>[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})"
       r"|glc_(?P<body2>[A-Za-z0-9+/]{32,400}={0,2}))(?![A-Za-z0-9_+/=])"),
    _r("SECRET-006", "pulumi-token", "Pulumi access token", ("pul-",),
       _BD + r"(?P<val>pul-(?P<body>[a-f0-9]{40}))" + _AD),
    _r("SECRET-006", "databricks-token", "Databricks token", ("dapi",),
       _B + r"(?P<val>dapi(?P<body>[a-f0-9]{32})(?:-\d)?)" + _AD),
    _r("SECRET-006", "planetscale-token", "PlanetScale token",
       ("pscale_tkn_", "pscale_oauth_", "pscale_pw_"),
       _B + r"(?P<val>pscale_(?:tkn|oauth|pw)_(?P<body>[A-Za-z0-9_.-]{32,64}))" + _AD),
    _r("SECRET-006", "groq-api-key", "Groq API key", ("gsk_",),
       _B + r"(?P<val>gsk_(?P<body>[A-Za-z0-9]{52}))" + _A),
    _r("SECRET-006", "replicate-token", "Replicate API token", ("r8_",),
       _B + r"(?P<val>r8_(?P<body>[A-Za-z0-9]{37}))" + _A),
)  # fmt: skip


# --- keyword-context rules -------------------------------------------------------------------
#
# (policy, rule, label, provider words (lowercase), value shape). The key of an assignment
# (``DD_API_KEY=…``, ``circle_token: …``, ``"travisToken": "…"``) must name the provider and a
# secret (token/key/secret/pass/auth), or the provider may be the parent YAML key one or two
# lines above (``datadog:\n  api_key: …``).

_SECRET_WORD = re.compile(r"(?i)token|key|secret|pass|auth|pat\b|pat_|credential")


@dataclass(frozen=True)
class KeywordRule:
    policy: str
    rule: str
    label: str
    providers: tuple[str, ...]
    value: re.Pattern[str]


KEYWORD_RULES: tuple[KeywordRule, ...] = (
    KeywordRule("SECRET-003", "bitbucket-app-password", "Bitbucket app password",
                ("bitbucket",), _rx(r"[A-Za-z0-9]{18,40}")),
    KeywordRule("SECRET-003", "circleci-token", "CircleCI token", ("circle",),
                _rx(r"[0-9a-f]{40}")),
    KeywordRule("SECRET-003", "travis-token", "Travis CI token", ("travis",),
                _rx(r"[A-Za-z0-9_-]{22}")),
    KeywordRule("SECRET-005", "telegram-bot-token", "Telegram bot token", ("telegram",),
                _rx(r"\d{8,10}:[A-Za-z0-9_-]{35}")),
    KeywordRule("SECRET-006", "twilio-auth-token", "Twilio auth token", ("twilio",),
                _rx(r"[0-9a-f]{32}")),
    KeywordRule("SECRET-006", "datadog-key", "Datadog API/application key",
                ("datadog", "dd_ap", "dd-ap"),
                _rx(r"[0-9a-f]{32}|[0-9a-f]{40}")),
    KeywordRule("SECRET-006", "newrelic-key", "New Relic key", ("newrelic", "new_relic",
                "new-relic"), _rx(r"[0-9a-f]{40}|[A-Za-z0-9]{32}")),
    KeywordRule("SECRET-006", "sentry-token", "Sentry auth token", ("sentry",),
                _rx(r"[0-9a-f]{64}")),
    KeywordRule("SECRET-006", "doppler-token", "Doppler token", ("doppler",),
                _rx(r"dp\.[a-z]{2,5}\.[A-Za-z0-9]{40,44}")),
    KeywordRule("SECRET-006", "heroku-api-key", "Heroku API key", ("heroku",),
                _rx(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|HRKU-[A-Za-z0-9_-]{30,80}")),
)  # fmt: skip

_ASSIGNMENT = _rx(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_.-]{0,80})[\"']?[ \t]{0,8}(?:=>|:=|[:=])[ \t]{0,8}"
    r"(?:\"|'|)(?P<val>[^\s\"',;}]{8,200})"
)
_PARENT_KEY = _rx(r"^[ \t-]*(?P<key>[A-Za-z_][A-Za-z0-9_.-]{0,80}):[ \t]*$")


def _lines(text: str, low: str, needle: str) -> Iterator[tuple[int, int]]:
    at = low.find(needle)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        yield start, end
        at = low.find(needle, end)


def _parent_names(text: str, start: int) -> str:
    """The keys of the (up to two) lines above ``start`` that open a YAML mapping."""
    names = []
    pos = start
    for _ in range(2):
        if pos <= 0:
            break
        prev = text.rfind("\n", 0, pos - 1) + 1
        m = _PARENT_KEY.match(text, prev, pos - 1)
        if m is not None:
            names.append(m.group("key"))
        pos = prev
    return " ".join(names).lower()


def _keyword_hits(text: str, low: str, out: list[_Found]) -> None:
    for kr in KEYWORD_RULES:
        seen: set[int] = set()
        for word in kr.providers:
            if word not in low:
                continue
            for start, end in _lines(text, low, word):
                if start in seen:
                    continue
                seen.add(start)
                _keyword_line(text, start, end, kr, out)
        # a provider named only in a parent key: ``datadog:\n  api_key: <hex>``
        for word in kr.providers:
            if word not in low:
                continue
            for _start, end in _lines(text, low, word):
                nxt = end + 1
                for _ in range(2):
                    if nxt >= len(text):
                        break
                    stop = text.find("\n", nxt)
                    stop = len(text) if stop < 0 else stop
                    if nxt not in seen:
                        seen.add(nxt)
                        _keyword_line(text, nxt, stop, kr, out, parent=True)
                    nxt = stop + 1


def _keyword_line(
    text: str, start: int, end: int, kr: KeywordRule, out: list[_Found], parent: bool = False
) -> None:
    if _SECRET_WORD.search(text, start, end) is None:
        return
    for m in _ASSIGNMENT.finditer(text, start, end):
        key = m.group("key")
        low_key = key.lower()
        if _SECRET_WORD.search(key) is None:
            continue
        named = any(p in low_key for p in kr.providers)
        above = parent and any(p in _parent_names(text, start) for p in kr.providers)
        if not named and not above:
            continue
        if low_key.endswith(("_id", "-id", "id", "_url", "_file", "_path", "_name")):
            continue
        val = m.group("val")
        if kr.value.fullmatch(val) is None or _is_reference_or_placeholder(val):
            continue
        if looks_fake(val):
            continue
        if kr.rule == "aws-secret-access-key" and not _aws_secret_shape(val):
            continue
        out.append(
            _Found(
                Hit(kr.policy, kr.rule, kr.label, m.start("val"), m.end("val"), None, None,
                    f"value of {key!r} has the provider's key shape"),
                1000,
            )
        )  # fmt: skip


# --- scan ----------------------------------------------------------------------------------

_SOPS = "ENC[AES256_GCM,"


def _in_sops(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    return text.find(_SOPS, line_start, at) >= 0


def _matches(text: str, rule: Rule) -> Iterator[re.Match[str]]:
    if not rule.window:
        yield from rule.pattern.finditer(text)
        return
    last = -1
    for needle in rule.needles:
        at = text.find(needle)
        while at >= 0:
            m = rule.pattern.search(text, max(0, at - 8, last + 1), at + 160)
            if m is not None and m.start() > last:
                last = m.start()
                yield m
            at = text.find(needle, at + 1)


def _rule_hits(text: str, rule: Rule, priority: int, out: list[_Found]) -> None:
    check = rule.check or _random
    for m in _matches(text, rule):
        if rule.not_after and m.start() > 0 and text[m.start() - 1] in rule.not_after:
            continue
        verdict = check(m, text)
        if verdict is None:
            continue
        severity, note, secret = verdict
        group = "val" if "val" in rule.pattern.groupindex and m.group("val") else 0
        start, end = m.start(group), m.end(group)
        for extra in ("body2", "body3", "body4"):
            if extra in rule.pattern.groupindex and m.group(extra) and looks_fake(m.group(extra)):
                break
        else:
            out.append(
                _Found(
                    Hit(rule.policy, rule.rule, rule.label, start, end, severity, secret, note),
                    priority,
                )
            )


def _trie(words: set[str]) -> str:
    """One regex for many literals, factored by prefix: ``gh(?:p_|o_|…)``. ``re`` tries the
    alternatives of a plain ``a|b|c…`` one by one at each position (slow for ~100 literals);
    a prefix tree fails after one character for most of them."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        if "" in node:  # a shorter needle is a prefix: it is enough
            return ""
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree)


_FIXED_NEEDLES = ("PRIVATE KEY", "PuTTY-User-Key-File-", "LS0tLS1CRUdJTi")
_NEEDLE_RULES: dict[str, list[int]] = {}
for _i, _rule in enumerate(RULES):
    for _n in _rule.needles:
        _NEEDLE_RULES.setdefault(_n, []).append(_i)
_ALL_NEEDLES = set(_NEEDLE_RULES) | set(_FIXED_NEEDLES)
_NEEDLE_RX = _rx(_trie(_ALL_NEEDLES))
_ALWAYS = tuple(i for i, r in enumerate(RULES) if not r.needles)
# A found trie prefix stands for every needle it starts (the trie stops at the shortest).
_PREFIXES: dict[str, tuple[str, ...]] = {}
for _n in _ALL_NEEDLES:
    _short = min((m for m in _ALL_NEEDLES if _n.startswith(m)), key=len)
    _PREFIXES[_short] = (*_PREFIXES.get(_short, ()), _n)
_PROVIDERS = tuple(sorted({w for kr in KEYWORD_RULES for w in kr.providers}))


def scan(text: str, path: str) -> list[Hit]:
    """Every token-shaped secret of SECRET-001…006 in ``text`` (``path``: the file's relpath),
    in text order, with overlapping findings reduced to the most specific one."""
    del path  # no path-dependent rule yet: kept for the interface (context rules)
    found: list[_Found] = []
    present: set[str] = set()
    for m in _NEEDLE_RX.finditer(text):
        present.update(_PREFIXES[m.group(0)])
    if "PRIVATE KEY" in present:
        if "service_account" in text:
            _gcp_service_accounts(text, found)
        _private_keys(text, found)
    if "PuTTY-User-Key-File-" in present:
        _putty_keys(text, found)
    if "LS0tLS1CRUdJTi" in present:
        _encoded_keys(text, found)
    todo = set(_ALWAYS)
    for needle in present:
        todo.update(_NEEDLE_RULES.get(needle, ()))
    for i in sorted(todo):
        rule = RULES[i]
        priority = 30 if rule.rule.startswith("aws-s") else 100 + i
        _rule_hits(text, rule, priority, found)
    ids = [f.hit for f in found if f.hit.rule == "aws-access-key-id"]
    if ids:
        _aws_nearby_secrets(text, ids, found)
    low = text.lower()
    if any(word in low for word in _PROVIDERS):
        _keyword_hits(text, low, found)
    return _reduce(text, found)


def _reduce(text: str, found: list[_Found]) -> list[Hit]:
    """Drop SOPS ciphertext and any hit inside (or equal to) a more specific one."""
    ordered = sorted(found, key=lambda f: (f.hit.start, -(f.hit.end - f.hit.start), f.priority))
    kept: list[Hit] = []
    cover_end = -1
    for f in ordered:
        hit = f.hit
        if hit.end <= cover_end:
            continue
        if _SOPS in text and _in_sops(text, hit.start):
            continue
        kept.append(hit)
        cover_end = max(cover_end, hit.end)
    return kept


# Every regex of the rule tables, for tests/test_redos.py's static shape check.
PATTERNS: tuple[re.Pattern[str], ...] = tuple(r.pattern for r in RULES) + tuple(
    k.value for k in KEYWORD_RULES
)
