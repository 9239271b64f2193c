"""Structure- and keyword-based secret detection over a whole file's text (catalog §6.2,
SECRET-007…011): the families that are not a provider's token prefix.

* SECRET-007 ``jwt``: three base64url segments whose decoded header is a JSON object with
  ``alg`` and ``typ`` (or, without ``typ``, whose payload is a JSON object too). An unsigned
  token (``alg: none``) under a test directory is a fixture: medium.
* SECRET-008 ``url-password``: ``scheme://user:password@host`` with a literal password (not a
  reference, a template, a placeholder or ``****``); ``redis://:pass@host`` too. The span is
  the password.
* SECRET-009 ``keyword-assignment`` / ``cli-flag``: a literal assigned to a secret-like key
  (YAML ``key: value``, JSON ``"key": "value"``, HCL/TOML ``key = "value"``, INI, properties,
  ``.env``, shell ``export KEY=value``, Dockerfile ``ENV``/``ARG``, XML ``<password>``,
  ``name``/``value`` pairs, URL query parameters, ``;Password=…;`` connection strings) or
  given to a secret-like command-line flag (``--password=…``, ``--token …``, ``-p…`` after
  ``docker login``/``mysql``). The key list is the catalog's; the value gate is
  ``gates.credential_shaped`` plus the §6.1 allowlist. The span is the value.
* SECRET-010 ``high-entropy-*`` (opt-in): a quoted string of >= 20 base64 characters with
  Shannon entropy >= 4.5, or of hex characters with entropy >= 3.0; never lockfile hashes,
  digests, git SHAs, UUIDs or integrity values.
* SECRET-011's helpers: ``env_file_class`` (is this an environment file, or its template?)
  and ``env_assignments`` (the ``KEY=value`` pairs of one).

Every function is pure over the text. A keyword prefilter (``str.find`` over the lowercased
text) picks the candidate lines before any regex runs. The provider-token families
(SECRET-001…006) are not here; where a value is both a token and a keyword-assigned literal
the two hits have the same span, and the engine keeps the token's.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from pytest_devops_policy.knowledge.secrets.gates import credential_shaped, entropy
from pytest_devops_policy.knowledge.secrets.hits import Hit
from pytest_devops_policy.knowledge.secrets.names import (
    is_allowed_name,
    is_known_secret_name,
    is_placeholder,
    is_reference,
)

__all__ = [
    "env_assignments",
    "env_file_class",
    "is_secret_key",
    "scan",
    "scan_entropy",
    "scan_shaped",
    "stands_for_a_value",
]

# --------------------------------------------------------------------------- candidate lines


def _line_starts(text: str, low: str, needles: Iterable[str]) -> list[int]:
    """Sorted starts of the lines of ``text`` that hold one of ``needles`` (in ``low``)."""
    starts: set[int] = set()
    for needle in needles:
        at = low.find(needle)
        while at >= 0:
            start = low.rfind("\n", 0, at) + 1
            starts.add(start)
            end = low.find("\n", at)
            if end < 0:
                break
            at = low.find(needle, end + 1)
    return sorted(starts)


def _lines(text: str, starts: list[int]) -> Iterator[tuple[int, str]]:
    for start in starts:
        end = text.find("\n", start)
        yield start, text[start : end if end >= 0 else len(text)]


_TEST_DIR = re.compile(r"(?:^|/)(?:tests?|__tests__|testdata|test_data|spec)/", re.I)


def _under_tests(path: str) -> bool:
    return _TEST_DIR.search(path.replace("\\", "/")) is not None


# --------------------------------------------------------------------------- SECRET-007 JWT

# Tried only from the start of a run of token characters, so a long run that is no token
# costs one attempt, not one per character.
_JWT = re.compile(
    r"(?<![A-Za-z0-9_-])(?:(?!ey)[A-Za-z0-9_-])*"
    r"(?P<tok>ey[A-Za-z0-9_-]{17,}\.ey[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{10,})(?![A-Za-z0-9_.-])"
)


def _b64json(segment: str) -> object:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _jwt_hits(text: str, starts: list[int], path: str) -> list[Hit]:
    hits = []
    for offset, line in _lines(text, starts):
        for m in _JWT.finditer(line):
            token = m.group("tok")
            head_seg, payload_seg, _ = token.split(".", 2)
            header = _b64json(head_seg)
            if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
                continue
            if "typ" not in header and not isinstance(_b64json(payload_seg), dict):
                continue
            alg = str(header["alg"])
            unsigned = alg.lower() == "none"
            severity = "medium" if unsigned and _under_tests(path) else None
            note = "unsigned (alg none) test fixture" if severity else "header decodes with alg"
            start = offset + m.start("tok")
            hits.append(
                Hit(
                    "SECRET-007",
                    "jwt",
                    "JSON web token",
                    start,
                    start + len(token),
                    severity,
                    None,
                    note,
                )
            )
    return hits


# --------------------------------------------------------------------------- SECRET-008 URLs

_URL_CRED = re.compile(
    r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}://"
    r"(?P<user>[^/\s:@\"'<>]*):(?P<pw>[^/\s@\"'<>]+)@(?P<after>[A-Za-z0-9]*:?)"
)
# Template syntaxes of every kind: Python format/percent, Jinja/Go/Helm, ERB, shell, Octopus.
_TEMPLATE = re.compile(r"\$|\{|\}|%\(|%s\b|<%|<[^<>]*>|#\{|__[A-Z0-9_]+__|@@")
_URL_WORDY = re.compile(r"secret|passw|token|key|pass\b")
_URL_PLACEHOLDER_WORDS = frozenset(
    {"pass", "passwd", "password", "pwd", "pw", "secret", "token", "apikey", "api_key", "key"}
)
# The catalog's §6.1 placeholder regex (``names`` has its own, narrower list).
_CATALOG_PLACEHOLDER = re.compile(
    r"(?i)^(changeme|change_me|example|dummy|sample|test|xxx+|\*+|<[^>]+>|your[-_].*|"
    r"placeholder|redacted|none|null|todo|secret|password)$"
)


def _templated(value: str) -> bool:
    return _TEMPLATE.search(value) is not None


# In plain configuration (YAML, JSON, TOML, INI, properties, XML, HCL) nothing expands a bare
# ``$word``: a ``$`` is a template only before ``{``, ``(`` or an UPPER_CASE variable name
# (``${X}``, ``$(cmd)``, ``$DB_PASS``); ``Cl1ent$ecret!`` and ``P4$$w0rd`` are literals
# (prometheus' test configuration). Shell, env files and Dockerfiles keep every ``$``.
_TEMPLATE_PLAIN = re.compile(_TEMPLATE.pattern.replace(r"\$|", r"\$(?=[{(A-Z_])|", 1))
_PLAIN_CONFIG = re.compile(r"(?i)\.(?:ya?ml|json|toml|properties|ini|cfg|conf|xml|tf|tfvars|hcl)$")
_EXPANDING_CONFIG = re.compile(
    r"(?i)(?:^|/)(?:docker-)?compose[^/]*\.ya?ml$|gitlab-ci[^/]*\.ya?ml$"
)


def _expands_dollar(path: str) -> bool:
    """Does a bare ``$word`` in a value of this file expand (shell, env, Dockerfile, Compose,
    GitLab CI), or is it a literal character (plain configuration)?"""
    p = path.replace("\\", "/")
    return _PLAIN_CONFIG.search(p) is None or _EXPANDING_CONFIG.search(p) is not None


def _url_password_ok(user: str, password: str, after: str) -> bool:
    if after.lower() in ("sha256:", "sha512:", "sha384:"):
        return False  # image@digest: docker://alpine:3.19@sha256:…
    if _templated(password) or is_placeholder(password) or _CATALOG_PLACEHOLDER.match(password):
        return False
    low = password.lower()
    if low in _URL_PLACEHOLDER_WORDS or set(low) <= {"x", "*", "."}:
        return False
    if len(password) < 4 or password == user:
        return False  # a, foo; postgres:postgres (an image's documented default)
    if _IDENTIFIER.fullmatch(password) and _URL_WORDY.search(low):
        return False  # secret-token, test-password: wording, not a credential
    if "." in user and password.isdigit() and len(password) <= 5:
        return False  # host:port@… (a malformed URL, not a user's password)
    # %DB_PASSWORD% (Windows batch / Symfony) is a reference too.
    return not (password.startswith("%") and password.endswith("%"))


def _url_hits(text: str, starts: list[int]) -> list[Hit]:
    hits = []
    for offset, line in _lines(text, starts):
        if "@" not in line:
            continue
        for m in _URL_CRED.finditer(line):
            if not _url_password_ok(m.group("user"), m.group("pw"), m.group("after")):
                continue
            start = offset + m.start("pw")
            hits.append(
                Hit(
                    "SECRET-008",
                    "url-password",
                    "password in URL",
                    start,
                    start + len(m.group("pw")),
                    note="URL userinfo carries a literal password",
                )
            )
    return hits


# --------------------------------------------------------------------------- SECRET-009 keys

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")
# The catalog's key list (detect-secrets' keyword denylist + token, credential(s),
# client_secret, access_key, sas), over the name normalised to UPPER_SNAKE. A keyword must
# end a word (TOKENIZER, SECRETARY, PASSWORD_FILE's PASSWORD does, and is excluded below
# as a pointer), but may start inside one (DBPASSWORD, MYSQLPASSWORD).
_SECRET_KEY = re.compile(
    r"(?:API|AUTH|SERVICE|ACCOUNT|DB|DATABASE|PRIV|PRIVATE|CLIENT|ACCESS|SECRET)_?KEY(?![A-Z])"
    r"|(?:DB|DATABASE|KEY|STORE)_?PASS(?![A-Z])"
    r"|PASSWORDS?(?![A-Z])|PASSWD(?![A-Z])|PWD(?![A-Z])|SECRETS?(?![A-Z])"
    r"|TOKEN(?![A-Z])|CREDENTIALS?(?![A-Z])|CLIENT_?SECRET(?![A-Z])"
    r"|(?<![A-Z])SAS(?![A-Z])"
)
# Names about a secret rather than holding one: what it is called, where it is, how it is
# made or checked (secretName, passwordSecretRef, token_endpoint, PASSWORD_HASH…).
_SETTING_SUFFIXES = (
    "_NAME",
    "_NAMES",
    "_REF",
    "_REFS",
    "_ARN",
    "_TYPE",
    "_MODE",
    "_KIND",
    "_HEADER",
    "_FIELD",
    "_PROVIDER",
    "_PROVIDER_CLASS",
    "_LOCATION",
    "_ENDPOINT",
    "_POLICY",
    "_PREFIX",
    "_SUFFIX",
    "_PATTERN",
    "_REGEX",
    "_FORMAT",
    "_ALGORITHM",
    "_ALG",
    "_METHOD",
    "_STORE",
    "_MANAGER",
    "_ROTATION",
    "_LABEL",
    "_DESCRIPTION",
    "_TEMPLATE",
    "_SOURCE",
    "_SELECTOR",
    "_PARAM",
    "_PARAMETER",
    "_HASH",
    "_HASHED",
    "_DIGEST",
    "_SALT_ROUNDS",
    "_MOUNT",
    "_VOLUME",
    "_ENV",
    "_VAR",
    "_VARIABLE",
    "_SCOPE",
    "_SCOPES",
    "_AUDIENCE",
    "_ISSUER",
    "_CLAIM",
    "_STRATEGY",
    "_HOST",
    "_PORT",
    "_USER",
    "_USERNAME",
    "_HINT",
    "_PROMPT",
    "_MESSAGE",
    "_TEXT",
    "_TITLE",
    "_PLACEHOLDER",
    "_ERROR",
    "_RESET",
    "_STATUS",
    "_COMMAND",
    "_CMD",
    "_SCRIPT",
    "_STDIN",
    "_FROM",
    "_KEY_REF",
    "_SECRET_REF",
    "_SECRET_NAME",
    "_PASSWORD_KEY",
    "_TOKEN_KEY",
    "_SECRET_KEY_NAME",
    "_REQUIRED",
    "_EXPIRE",
    "_EXPIRED",
    "_EXPIRE_AT",
    "_EXPIRES_AT",
    "_EXPIRES_IN",
    "_UPDATED_AT",
    "_CREATED_AT",
)
_SETTING_PREFIXES = (
    "EXISTING_",
    "USE_",
    "ENABLE_",
    "DISABLE_",
    "CREATE_",
    "MANAGE_",
    "GENERATE_",
    "SHOW_",
    "HIDE_",
    "FORGOT_",
    "RESET_",
    "VALIDATE_",
    "VERIFY_",
    "ROTATE_",
    "AUTOMOUNT_",
    "REQUIRE_",
)
_SETTING_NAMES = frozenset(
    {"VALUE_FROM", "SECRET_KEY_REF", "SECRET_REF", "SECRETS", "CREDENTIALS_SOURCE"}
)
# What may follow the secret word in a name that still holds the secret: API_KEY_PROD,
# DB_PASSWORD_2, SECRET_VALUE, PASSWORD_WO (Terraform write-only), TOKEN_B64. Anything else
# makes a name about the secret (TOKEN_PERMISSIONS, PASSWORD_POLICY, SECRET_NAME).
_VALUE_TAIL = re.compile(
    r"(?:_?(?:\d+|V\d+|VALUE|VAL|STRING|STR|PLAIN|PLAINTEXT|CLEARTEXT|B64|BASE64|RAW|DATA|"
    r"BYTES|HEX|JSON|PEM|CONTENT|CONTENTS|LITERAL|STATIC|WO|KEY|SECRET|TOKEN|PASSWORD|PASS|PWD|"
    r"CONFIRM|CONFIRMATION|AGAIN|REPEAT|DEFAULT|PROD|PRODUCTION|DEV|DEVELOPMENT|STAGING|STAGE|"
    r"QA|UAT|TEST|LIVE|LOCAL|OLD|NEW|CURRENT|PREVIOUS|NEXT|PRIMARY|SECONDARY|MAIN|BACKUP|"
    r"ADMIN|ROOT|MASTER|USER|PROXY))*"
)
# A hash or a ciphertext of a password is not the password.
_DERIVED = re.compile(r"(?:^|_)(?:HASHED|HASH|ENCRYPTED|BCRYPT|SALTED|DIGEST)_")


def _norm_key(key: str) -> str:
    k = key.strip().strip("\"'$@")
    k = _CAMEL.sub(r"\1_\2", k)
    return _NON_WORD.sub("_", k).strip("_").upper()


def is_secret_key(key: str, value: str | None = None) -> bool:
    """``key`` names a credential (the catalog's SECRET-009 key list, or a well-known
    credential variable) and is not a name *about* one (``secretName``, ``PASSWORD_FILE``,
    ``token_endpoint``, ``TOKEN_TTL``). Dotted keys are judged by their last part
    (``spring.datasource.password``)."""
    n = _norm_key(key)
    if not n:
        return False
    last = _norm_key(key.rsplit(".", 1)[-1]) if "." in key else n
    if not (_SECRET_KEY.search(n) or is_known_secret_name(n)):
        return False
    if is_known_secret_name(n) or is_known_secret_name(last):
        return True
    if n in _SETTING_NAMES or last in _SETTING_NAMES:
        return False
    if last.endswith(_SETTING_SUFFIXES) or last.startswith(_SETTING_PREFIXES):
        return False
    if _DERIVED.search(last):
        return False
    # The secret word ends the leaf name, but for value-ish qualifiers (DB_PASSWORD_PROD);
    # password.encoder or TOKEN_PERMISSIONS are about a secret.
    if not any(_VALUE_TAIL.fullmatch(last, m.end()) for m in _SECRET_KEY.finditer(last)):
        return False
    return not is_allowed_name(last, value)


# Values that name a secret held elsewhere (§6.1 references), beyond names.is_reference.
_REFERENCE_MARKERS = re.compile(
    r"(?i)^(?:ENC\[|!vault|vault:|ref\+|arn:|projects/[^/]+/secrets/|op://|sm://|"
    r"azurekeyvault|@Microsoft\.KeyVault\(|secretsmanager:|ssm:|awssm|keyvault:|"
    r"(?:var|data|local|module|each|self|env|secrets|vars|inputs|process\.env)\.)"
)
# Placeholder wording anywhere in the value: "your-api-key-here", "<token>", "xxxx".
_PLACEHOLDER_WORDS = re.compile(
    r"(?i)example|placeholder|change[_-]?me|replace[_-]?(?:me|with|this)|your[_-]|yourtoken|"
    r"yourpassword|yoursecret|yourkey|dummy|redacted|x{4,}|\*{3,}|\.\.\.|insert[_-]|"
    r"enter[_-]your|put[_-]your|<[^<>]+>|^[._-]+$"
)
# Lowercase words joined by separators: an identifier (a Secret's name, a key in one, a
# Helm release), not a credential: db-credentials, admin-password, my.app.secret.
_IDENTIFIER = re.compile(r"[a-z]+(?:[-_.][a-z]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
# Unquoted code: a call, an index, a dotted attribute (self.password, config.token).
_EXPRESSION = re.compile(r"[()\[\]{}\"'`]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$|^[-+]|[,;]$")
_FILE_VALUE = re.compile(
    r"(?i)\.(?:json|pem|key|crt|cer|p12|pfx|jks|keystore|txt|ya?ml|env|ini|conf|cfg|toml|"
    r"properties|xml|gpg|asc|pub|der|kdbx|enc)$"
)
_BOOL_NULL = re.compile(r"(?i)^(?:true|false|yes|no|on|off|null|nil|none|undefined)$")


def literal_ok(key: str, value: str, *, quoted: bool, expands: bool = True) -> bool:
    """The SECRET-009 value gate for a literal under a secret-like key: long enough, not an
    allowlisted reference, template or placeholder, and credential-shaped. ``expands``: a
    bare ``$word`` is an expansion where the value is (``_expands_dollar``)."""
    v = value.strip()
    if len(v) < 8 or _BOOL_NULL.match(v):
        return False
    template = _templated(v) if expands else _TEMPLATE_PLAIN.search(v) is not None
    if v.startswith("$") or is_reference(v) or template or _REFERENCE_MARKERS.match(v):
        return False
    if is_placeholder(v, _norm_key(key)) or _CATALOG_PLACEHOLDER.match(v):
        return False
    if _PLACEHOLDER_WORDS.search(v) or _FILE_VALUE.search(v):
        return False
    if not quoted and _EXPRESSION.search(v):
        return False
    if _IDENTIFIER.fullmatch(v) and not is_known_secret_name(_norm_key(key)):
        return False
    if _MARKER.fullmatch(v) or _alphabet_pattern(v):
        return False  # "nvapi-NVKEY", "mysecret", "A1B2C3D4E5F6G7H8I9J0"
    if _names_itself(key, v) or entropy(v) < MIN_ENTROPY_ANY:
        return False  # CREDENTIALS = "credentials", PASSWORD_1 = "password1", "11111111"
    if sum(ord(ch) > 127 for ch in v) * 2 > len(v):
        return False  # prose in another script, not a credential
    return credential_shaped(_norm_key(key), v)


def stands_for_a_value(key: str, value: str) -> bool:
    """``value`` is not a credential whatever its length: empty, a boolean or null, a
    reference (``$X``, ``${X}``, ``vault:``, ``ENC[...]``), a template, a placeholder
    (``changeme``, ``<token>``, ``your-api-key``) or a file name. What an environment file
    (SECRET-011) may hold under a secret-like key: anything else is a value."""
    v = value.strip()
    if not v or _BOOL_NULL.match(v):
        return True
    if v.startswith("$") or is_reference(v) or _templated(v) or _REFERENCE_MARKERS.match(v):
        return True
    if is_placeholder(v, _norm_key(key)) or _CATALOG_PLACEHOLDER.match(v):
        return True
    return bool(_PLACEHOLDER_WORDS.search(v) or _FILE_VALUE.search(v))


# Placeholders real repositories use (issue 18, point 7): a provider prefix then a capitalised
# marker a deploy step replaces (``nvapi-NVKEY``, ``sk-OPENAIKEY``), and ``my`` plus one
# secret word (``mysecret``, ``my-api-key``; the catalog's ``your-...`` counterpart).
_MARKER = re.compile(
    r"[a-z]{2,10}[-_][A-Z]{3,16}|(?i:my[-_]?(?:secret|password|passwd|pass|token|key|"
    r"api[-_]?key|access[-_]?key|secret[-_]?key))"
)


def _alphabet_pattern(value: str) -> bool:
    """Letters and digits that each run up the alphabet, interleaved or not:
    ``A1B2C3D4E5F6G7H8I9J0``, ``abcd1234``. A test pattern, not a key."""
    if not value.isalnum() or not value.isascii():
        return False
    letters = [ord(c) for c in value.lower() if c.isalpha()]
    digits = [int(c) for c in value if c.isdigit()]
    if len(letters) < 4 or len(digits) < 4:
        return False
    return all(b == a + 1 for a, b in itertools.pairwise(letters)) and all(
        b == (a + 1) % 10 for a, b in itertools.pairwise(digits)
    )


MIN_ENTROPY_ANY = 2.0  # even under a well-known name: "aaaaaaaa", "1111-1111-1111"
_NOT_ALNUM = re.compile(r"[\W_]+")


def _names_itself(key: str, value: str) -> bool:
    """The value spells the key (or the secret word in it), perhaps with a number:
    ``hashed_password = hashed_password``, ``PASSWORD_1 = "password1"``."""
    core = _NOT_ALNUM.sub("", value.lower()).rstrip("0123456789")
    name = _NOT_ALNUM.sub("", key.lower())
    return len(core) >= 4 and core in name


_DQ = r"\"(?P<dv>(?:[^\"\\\n]|\\.){0,4096})\""
_SQ = r"'(?P<sv>[^'\n]{0,4096})'"
# Anywhere in a line: a quoted value after a (quoted or bare) key and ``:``, ``=``, ``:=`` or
# ``=>``. JSON, YAML flow and quoted scalars, HCL/TOML, INI, code (kwargs, dict literals).
_INLINE = re.compile(
    r"(?:(?P<kq>[\"'])(?P<qkey>[A-Za-z0-9_.\- ]{1,100})(?P=kq)"
    r"|(?<![A-Za-z0-9_.\-])(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,100}))"
    r"[ \t]*(?::=|=>|:|=)[ \t]*(?:" + _DQ + "|" + _SQ + ")"
)
# At a line's start: an unquoted value (YAML, INI, properties, .env, shell, Dockerfile).
_BARE = re.compile(
    r"^[ \t]*(?:-[ \t]+)?(?:(?:export|ENV|ARG|set|readonly|declare)[ \t]+)?"
    r"(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,100}|\"[^\"\n]{1,100}\"|'[^'\n]{1,100}')"
    r"(?:[ \t]*=[ \t]*(?P<ev>[^\s\"'#;&|`][^\s;&|`]*)"
    r"|[ \t]*:[ \t]+(?P<yv>[^\s\"'#|>&*!{\[%][^\n]*))"
)
# Name/value pairs (Kubernetes and ECS ``env``, CloudFormation ``Parameters``): the secret-like
# key is the ``name``, the literal the ``value`` on the same or one of the next lines.
_NAME_FIELD = re.compile(
    r"(?i)(?<![\w-])[\"']?name[\"']?[ \t]*[:=][ \t]*[\"']?(?P<key>[A-Za-z_][A-Za-z0-9_.-]{0,100})"
)
_VALUE_FIELD = re.compile(
    r"(?i)(?<![\w-])[\"']?value[\"']?[ \t]*[:=][ \t]*(?:"
    + _DQ
    + "|"
    + _SQ
    + r"|(?P<bv>[^\s\"'#,{}\[\]|>&*!][^\s,{}]*))"
)
_PAIR_LOOKAHEAD = 3  # lines after the name line where its value may be
# URL query parameters (``?password=…&``, ``&access_token=…``, JDBC ``?user=u&password=…``).
_QUERY = re.compile(r"[?&](?P<key>[A-Za-z_][A-Za-z0-9_.-]{0,60})=(?P<v>[^&#\s\"'<>;]{1,1024})")
# Connection strings (ADO.NET, ODBC, JDBC properties): ``…;User ID=app;Password=…;``.
_CONNECTION = re.compile(
    r"(?i)(?<![\w-])(?P<key>password|pwd|passwd)[ \t]*=[ \t]*"
    r"(?P<v>[^;\"'\s]{1,1024})(?=[ \t]*(?:;|\"|'|$))"
)
# Two ``key=value;`` pairs in a row: a connection string, not a statement ending in ``;``.
_PAIRS = re.compile(r"=[^;=\n]{0,200};[ \t]*[A-Za-z][A-Za-z ]{0,40}=")
# Dockerfile's legacy ``ENV KEY value`` form.
_ENV_SPACE = re.compile(
    r"^[ \t]*ENV[ \t]+(?P<key>[A-Za-z_][A-Za-z0-9_]*)[ \t]+(?P<v>[^\s=][^\n]*)$"
)
# XML elements: <password>…</password> (Maven settings, .NET configs).
_XML = re.compile(r"<(?P<key>[A-Za-z_][A-Za-z0-9_.:-]{0,60})>(?P<v>[^<\n]{1,1024})</(?P=key)>")
# Command-line flags with a value: --password=…, --token …, -storepass … .
_FLAG = re.compile(
    r"(?<![\w-])--?(?P<key>[A-Za-z][A-Za-z0-9_-]{0,60})(?:=|[ \t]+)"
    r"(?:" + _DQ + "|" + _SQ + r"|(?P<bv>[^\s\"'`;|&()<>\\-][^\s\"'`;|&()<>\\]*))"
)
# ``-p…`` of docker login / sshpass (``-p value``) and of the MySQL clients (``-pvalue``).
_DASH_P_SPACED = re.compile(
    r"(?<![\w-])-p(?:[ \t]+|(?=[^\s-]))"
    r"(?:" + _DQ + "|" + _SQ + r"|(?P<bv>[^\s\"'`;|&()<>\\-][^\s\"'`;|&()<>\\]*))"
)
_DASH_P_ATTACHED = re.compile(
    r"(?<![\w-])-p(?:" + _DQ + "|" + _SQ + r"|(?P<bv>[^\s\"'`;|&()<>\\]+))"
)
_SPACED_P_COMMANDS = re.compile(r"\bdocker[ \t]+login\b|\bsshpass\b|\bpodman[ \t]+login\b")
_ATTACHED_P_COMMANDS = re.compile(r"\bmysql(?:dump|admin|import|sh|check)?\b|\bmariadb(?:-dump)?\b")
# openssl -passin/-passout take ``pass:<literal>`` (env:, file:, fd:, stdin name sources).
_OPENSSL_PASS = re.compile(r"^pass:")

_KEY_NEEDLES = ("pass", "pwd", "secret", "token", "key", "credential", "sas", "_auth", "cr_pat")
_CLI_NEEDLES = ("docker login", "podman login", "sshpass", "mysql", "mariadb")

_HCL_EXT = (".tf", ".hcl", ".tfvars", ".nomad")
_CODE_EXT = (
    ".py",
    ".js",
    ".mjs",
    ".cjs",
    ".ts",
    ".jsx",
    ".tsx",
    ".go",
    ".java",
    ".kt",
    ".kts",
    ".rb",
    ".php",
    ".cs",
    ".rs",
    ".scala",
    ".swift",
    ".c",
    ".cc",
    ".cpp",
    ".h",
    ".hpp",
    ".groovy",
    ".gradle",
    ".json",
    ".jsonc",
    ".json5",
    ".tfstate",
    ".ipynb",
)


def _bare_allowed(path: str) -> bool:
    """Unquoted values are literals in YAML, INI, .env, shell; in HCL, JSON and code they
    are expressions (``var.x``, ``true``, a variable)."""
    low = path.lower()
    return not low.endswith(_HCL_EXT + _CODE_EXT) and ".tfstate" not in low


def _is_dockerfile(path: str) -> bool:
    name = posixpath.basename(path.replace("\\", "/")).lower()
    return "dockerfile" in name or "containerfile" in name


def _quoted_value(m: re.Match[str]) -> tuple[str, int] | None:
    for group in ("dv", "sv"):
        if m.group(group) is not None:
            return m.group(group), m.start(group)
    return None


def _trim_yaml(value: str) -> str:
    """A bare YAML/INI value up to a `` #`` comment, without trailing blanks."""
    cut = value.find(" #")
    if cut >= 0:
        value = value[:cut]
    tab = value.find("\t#")
    if tab >= 0:
        value = value[:tab]
    return value.rstrip()


_RULE = "keyword-assignment"


class _Add(Protocol):
    def __call__(
        self, key: str, value: str, start: int, *, quoted: bool, rule: str = _RULE
    ) -> None: ...


def _kv_hit(key: str, start: int, value: str, rule: str = "keyword-assignment") -> Hit:
    label = "secret passed on a command line" if rule == "cli-flag" else "secret assigned to a key"
    shown = _norm_key(key)[:60]
    return Hit("SECRET-009", rule, label, start, start + len(value), note=f"literal under {shown}")


def _pair_hits(text: str, offset: int, line: str, add: _Add) -> None:
    """``name: DB_PASSWORD`` then ``value: …`` within the next lines (or the same line)."""
    m = _NAME_FIELD.search(line)
    if m is None or not is_secret_key(m.group("key")):
        return
    key = m.group("key")
    at = offset + m.end()
    for _ in range(_PAIR_LOOKAHEAD + 1):
        end = text.find("\n", at)
        chunk = text[at : end if end >= 0 else len(text)]
        v = _VALUE_FIELD.search(chunk)
        other = _NAME_FIELD.search(chunk)
        if v is not None and (other is None or v.start() < other.start()):
            got = _quoted_value(v)
            if got is None:
                value = _trim_yaml(v.group("bv")).rstrip(",;")
                add(key, value, at + v.start("bv"), quoted=False)
            else:
                add(key, got[0], at + got[1], quoted=True)
            return
        if other is not None or end < 0:
            return
        at = end + 1


def _keyword_hits(text: str, low: str, path: str) -> list[Hit]:
    starts = _line_starts(text, low, _KEY_NEEDLES)
    cli_starts = _line_starts(text, low, _CLI_NEEDLES)
    found: dict[tuple[int, int], Hit] = {}
    expands = _expands_dollar(path)

    def add(key: str, value: str, start: int, *, quoted: bool, rule: str = _RULE) -> None:
        span = (start, start + len(value))
        if not value or span in found or not is_secret_key(key, value):
            return
        if literal_ok(key, value, quoted=quoted, expands=expands):
            found[span] = _kv_hit(key, start, value, rule)

    if env_file_class(path) is not None:
        for key, value, start, _end in env_assignments(text):
            add(key, value, start, quoted=True)
        return list(found.values())

    bare = _bare_allowed(path)
    dockerfile = _is_dockerfile(path)
    netrc = posixpath.basename(path.replace("\\", "/")).lower() in (".netrc", "_netrc")
    for offset, line in _lines(text, starts):
        for m in _INLINE.finditer(line):
            got = _quoted_value(m)
            if got is not None:
                key = m.group("qkey") or m.group("key")
                add(key, got[0], offset + got[1], quoted=True)
        if bare:
            m2 = _BARE.match(line)
            if m2 is not None:
                key = m2.group("key").strip("\"'")
                if m2.group("ev") is not None:
                    add(key, m2.group("ev"), offset + m2.start("ev"), quoted=False)
                elif m2.group("yv") is not None:
                    value = _trim_yaml(m2.group("yv"))
                    add(key, value, offset + m2.start("yv"), quoted=False)
        if dockerfile:
            m3 = _ENV_SPACE.match(line)
            if m3 is not None:
                value = m3.group("v").rstrip()
                quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
                start = offset + m3.start("v") + (1 if quoted else 0)
                add(m3.group("key"), value[1:-1] if quoted else value, start, quoted=True)
        if "ame" in line or "AME" in line:
            _pair_hits(text, offset, line, add)
        if "=" in line and ("?" in line or "&" in line):
            for mq in _QUERY.finditer(line):
                add(mq.group("key"), mq.group("v"), offset + mq.start("v"), quoted=False)
        if ";" in line and _PAIRS.search(line):
            for mc in _CONNECTION.finditer(line):
                add(mc.group("key"), mc.group("v"), offset + mc.start("v"), quoted=False)
        if "<" in line:
            for m4 in _XML.finditer(line):
                add(m4.group("key"), m4.group("v"), offset + m4.start("v"), quoted=True)
        if "-" in line:
            for m5 in _FLAG.finditer(line):
                got = _quoted_value(m5)
                if got is None:
                    got = (m5.group("bv"), m5.start("bv"))
                value, at = got
                if _OPENSSL_PASS.match(value):
                    value, at = value[5:], at + 5
                add(m5.group("key"), value, offset + at, quoted=True, rule="cli-flag")
        if netrc:
            for m6 in re.finditer(r"(?<!\S)password[ \t]+(\S+)", line):
                add("password", m6.group(1), offset + m6.start(1), quoted=True)
    for offset, line in _lines(text, cli_starts):
        for commands, pattern in (
            (_SPACED_P_COMMANDS, _DASH_P_SPACED),
            (_ATTACHED_P_COMMANDS, _DASH_P_ATTACHED),
        ):
            command = commands.search(line)
            if command is None:
                continue
            for m7 in pattern.finditer(line, command.end()):
                got = _quoted_value(m7) or (m7.group("bv"), m7.start("bv"))
                add("password", got[0], offset + got[1], quoted=True, rule="cli-flag")
    return list(found.values())


# --------------------------------------------------------------------------- SECRET-010

_LOCKFILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "uv.lock",
        "pipfile.lock",
        "cargo.lock",
        "go.sum",
        ".terraform.lock.hcl",
        "gemfile.lock",
        "composer.lock",
        "packages.lock.json",
        "pdm.lock",
        "bun.lockb",
        "flake.lock",
        "mix.lock",
        "podfile.lock",
    }
)
_QUOTED_RUN = re.compile(
    r"\"(?P<d>[A-Za-z0-9+/=_-]{20,})\"|'(?P<s>[A-Za-z0-9+/=_-]{20,})'|`(?P<b>[A-Za-z0-9+/=_-]{20,})`"
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Public base64: integrity values, ssh public key bodies, embedded images and fonts.
_PUBLIC_B64 = re.compile(
    r"^(?:sha(?:1|256|384|512)-|AAAA[BC]3NzaC1|AAAAE2VjZHNh|iVBORw0KGgo|R0lGOD|/9j/|PHN2Zy|"
    r"d09GR|AAEAAAA|UklGR|LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS|LS0tLS1CRUdJTiBQVUJMSUMgS0VZ|"
    # DER public keys (SubjectPublicKeyInfo): EC P-256, RSA, Ed25519
    r"MFkwEwYHKoZIzj0CAQ|MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A|MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A|MCowBQYDK2Vw)"
)
# Names rather than keys: lowercase words and numbers joined by separators
# (gke-search-infra-custom-96-253440), UPPER_SNAKE constants, slash-separated paths.
_NAME_LIKE = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+){2,}|[A-Z0-9]+(?:_[A-Z0-9]+){2,}")
_PATH_SEGMENT = re.compile(r"[A-Za-z_-]{2,}")
_HASH_LENGTHS = frozenset({32, 40, 64, 96, 128})


def _sequence(value: str, run: int = 8) -> bool:
    """An ascending run such as ``abcdefgh`` or ``01234567``: a test alphabet, not a key."""
    count = 1
    for a, b in itertools.pairwise(value):
        count = count + 1 if ord(b) == ord(a) + 1 else 1
        if count >= run:
            return True
    return False


def _not_a_key(value: str) -> bool:
    if _UUID.search(value) or _PUBLIC_B64.match(value) or _NAME_LIKE.fullmatch(value):
        return True
    if _PLACEHOLDER_WORDS.search(value):
        return True  # AWS's documented ...EXAMPLEKEY
    parts = value.split("/")
    if len(parts) >= 3 and all(_PATH_SEGMENT.fullmatch(p) for p in parts if p):
        return True
    return _sequence(value)


BASE64_LIMIT = 4.5
HEX_LIMIT = 3.0


def scan_entropy(text: str, path: str) -> list[Hit]:
    """SECRET-010 (opt-in): quoted strings of >= 20 base64 characters with Shannon entropy
    >= 4.5, or hex characters with entropy >= 3.0. Never in lockfiles; never for git SHAs,
    checksums in a hash context, UUIDs, integrity values or public base64 material."""
    if posixpath.basename(path.replace("\\", "/")).lower() in _LOCKFILES:
        return []
    if '"' not in text and "'" not in text and "`" not in text:
        return []
    hits = []
    for m in _QUOTED_RUN.finditer(text):
        group = "d" if m.group("d") is not None else "s" if m.group("s") is not None else "b"
        value = m.group(group)
        if _not_a_key(value):
            continue
        if _HEX.fullmatch(value):
            if value.isdigit() or len(value) in _HASH_LENGTHS:
                continue  # a number; a digest, a git SHA, an object id (md5/sha1/sha256 long)
            score, limit, rule, kind = entropy(value), HEX_LIMIT, "high-entropy-hex", "hex"
        else:
            score, limit, rule, kind = entropy(value), BASE64_LIMIT, "high-entropy-base64", "base64"
        if score < limit:
            continue
        hits.append(
            Hit(
                "SECRET-010",
                rule,
                f"high-entropy {kind} string",
                m.start(group),
                m.end(group),
                note=f"{kind} entropy {score:.2f} >= {limit}",
            )
        )
    return hits


# --------------------------------------------------------------------------- scan


def _overlaps(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(hit.start < end and start < hit.end for start, end in spans)


def scan_shaped(text: str, path: str) -> list[Hit]:
    """SECRET-007 and -008 hits only (a JWT, a password in a URL): the shapes that need no key
    name, for callers that judge a bare value or mask a whole text (``values``, ``scan``)."""
    hits: list[Hit] = []
    if ".ey" in text:
        hits += _jwt_hits(text, _line_starts(text, text, (".ey",)), path)
    if "://" in text:
        hits += _url_hits(text, _line_starts(text, text, ("://",)))
    return hits


def scan(text: str, path: str, *, entropy: bool = False) -> list[Hit]:
    """SECRET-007, -008 and -009 hits in a file's ``text`` (``path``: its relpath, for the
    context rules), and SECRET-010 with ``entropy=True``. A keyword-assigned value that is
    a JWT or a URL password here is reported once, as the more specific family."""
    if not text:
        return []
    low = text.lower()
    hits = scan_shaped(text, path)
    specific = [(h.start, h.end) for h in hits]
    hits += [h for h in _keyword_hits(text, low, path) if not _overlaps(h, specific)]
    if entropy:
        found = [(h.start, h.end) for h in hits]
        hits += [h for h in scan_entropy(text, path) if not _overlaps(h, found)]
    return sorted(hits, key=lambda h: (h.start, h.policy))


# --------------------------------------------------------------------------- SECRET-011

_ENV_TEMPLATES = frozenset({"example", "sample", "template", "dist", "tmpl", "tpl", "defaults"})


def env_file_class(path: str) -> str | None:
    """``'env'`` for an environment file (``.env``, ``.env.local``, ``.env.production``,
    ``*.env``, ``.envrc``), ``'example'`` for its template (``.env.example``, ``.sample``,
    ``.template``, ``.dist``, also ``prod.env.example`` and ``example.env``), else None."""
    name = posixpath.basename(path.replace("\\", "/")).lower()
    if name in (".env", ".envrc"):
        return "env"
    parts = name.split(".")
    if name.startswith(".env.") or ".env." in name:
        return "example" if parts[-1] in _ENV_TEMPLATES else "env"
    if name.endswith(".env") and len(name) > 4:
        return "example" if parts[0] in _ENV_TEMPLATES else "env"
    return None


_ENV_LINE = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*", re.M
)


def env_assignments(text: str) -> list[tuple[str, str, int, int]]:
    """``(key, value, start, end)`` of each ``KEY=value`` of a .env file, ``text[start:end]
    == value``: an ``export`` prefix is allowed, quotes are not part of the value (a double-
    or single-quoted value may span lines; escapes are kept as written), an unquoted value
    ends at a `` #`` comment or the line's end. Comment lines are skipped."""
    out: list[tuple[str, str, int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _ENV_LINE.search(text, pos)
        if m is None:
            break
        at = m.end()
        if at < n and text[at] in "\"'":
            quote = text[at]
            i = at + 1
            while i < n and text[i] != quote:
                i += 2 if text[i] == "\\" and quote == '"' else 1
            end = min(i, n)
            out.append((m.group("key"), text[at + 1 : end], at + 1, end))
            nl = text.find("\n", end)
        else:
            nl = text.find("\n", at)
            line_end = n if nl < 0 else nl
            raw = text[at:line_end]
            cut = len(raw)
            for marker in (" #", "\t#"):
                c = raw.find(marker)
                if c >= 0:
                    cut = min(cut, c)
            if raw.startswith("#"):
                cut = 0
            value = raw[:cut].rstrip()
            out.append((m.group("key"), value, at, at + len(value)))
        if nl < 0:
            break
        pos = nl + 1
    return out
