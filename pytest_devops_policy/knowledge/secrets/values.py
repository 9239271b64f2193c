"""Is this *value* a credential? Pattern detectors for well-known secret formats.

The names and shapes follow the catalog's SECRET-001…008 rows (§6.2); the regexes are
our own. A detector answers for one value (an ENV value, a YAML scalar), so the
patterns are anchored on token shapes that are rare by accident: fixed prefixes
(``AKIA``, ``ghp_``, ``xoxb-``), PEM armour, a JWT's two base64url JSON segments, a
URL whose userinfo carries a password. Keyword-based and entropy-based guessing
(SECRET-009/010) are deliberately not here: their callers know the key name.

References (``${VAR}``, ``$(cmd)``, ``${{ secrets.X }}``), placeholders and public
material (certificates, public keys, image digests) never count.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from pytest_devops_policy.knowledge.secrets.names import is_placeholder

__all__ = ["SecretHit", "detect_secrets"]


@dataclass(frozen=True)
class SecretHit:
    """One credential found in a value: which catalog detector, and the matched text."""

    detector: str  # "SECRET-002"
    label: str  # "AWS access key id"
    match: str  # the secret text itself (callers must mask it)
    start: int


_DETECTORS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "SECRET-001",
        "private key",
        re.compile(
            r"-----BEGIN (?:(?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----"
            r"[\s\S]{64,}?(?:-----END[^-]*-----|$)"
            r"|PuTTY-User-Key-File-\d+:[^\n]*"
        ),
    ),
    (
        "SECRET-002",
        "AWS access key id",
        re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b"),
    ),
    ("SECRET-002", "Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    (
        "SECRET-002",
        "Azure storage account key",
        re.compile(r"AccountKey=[A-Za-z0-9+/=]{86,88}"),
    ),
    (
        "SECRET-002",
        "Azure shared access signature",
        re.compile(r"SharedAccessSignature=[^;\s]{0,1024}sig=[A-Za-z0-9%+/=]{20,}"),
    ),
    (
        "SECRET-002",
        "Azure AD client secret",
        re.compile(r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}\b"),
    ),
    (
        "SECRET-003",
        "GitHub token",
        re.compile(r"\b(?:gh[pousr]_[0-9A-Za-z]{36}|github_pat_\w{82})\b"),
    ),
    (
        "SECRET-003",
        "GitLab token",
        re.compile(r"\bgl(?:pat|rt|dt|ptt|cbt|oas|ft|imt|agent|soat)-[0-9A-Za-z_-]{20,}"),
    ),
    ("SECRET-004", "npm access token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("SECRET-004", "PyPI upload token", re.compile(r"\bpypi-AgEIcHlwaS5vcmc[\w-]{50,}")),
    ("SECRET-004", "RubyGems API key", re.compile(r"\brubygems_[0-9a-f]{48}\b")),
    ("SECRET-004", "NuGet API key", re.compile(r"\boy2[a-z0-9]{43}\b")),
    (
        "SECRET-005",
        "Slack token",
        re.compile(r"\bxox[baprs]-[0-9A-Za-z-]{10,}|\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+"),
    ),
    (
        "SECRET-005",
        "Slack webhook",
        re.compile(
            r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}"
        ),
    ),
    (
        "SECRET-005",
        "Discord webhook",
        re.compile(r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[\w-]{30,}"),
    ),
    ("SECRET-005", "Telegram bot token", re.compile(r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b")),
    (
        "SECRET-006",
        "Stripe key",
        re.compile(r"\b(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{16,}\b"),
    ),
    (
        "SECRET-006",
        "SendGrid API key",
        re.compile(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b"),
    ),
    ("SECRET-006", "Twilio API key", re.compile(r"\bSK[0-9a-f]{32}\b")),
    ("SECRET-006", "Mailchimp API key", re.compile(r"\b[0-9a-f]{32}-us\d{1,2}\b")),
    (
        "SECRET-006",
        "OpenAI API key",
        re.compile(
            r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,256}T3BlbkFJ[A-Za-z0-9_-]{20,}"
            r"|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}"
        ),
    ),
    (
        "SECRET-006",
        "Anthropic API key",
        re.compile(r"\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}"),
    ),
    ("SECRET-006", "Hugging Face token", re.compile(r"\bhf_[A-Za-z]{34}\b")),
    (
        "SECRET-006",
        "HashiCorp token",
        re.compile(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}|\bhv[sb]\.[A-Za-z0-9_-]{24,}"),
    ),
    (
        "SECRET-007",
        "JSON web token",
        # Tried only from the first ``\bey`` of a run of token characters (where a later
        # start in the run cannot match if the first does not): linear, not quadratic.
        re.compile(
            r"(?<![A-Za-z0-9_-])(?:(?!\bey)[A-Za-z0-9_-])*"
            r"(?P<tok>\bey[A-Za-z0-9_-]{17,}\.ey[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{10,})"
        ),
    ),
    (
        "SECRET-008",
        "password in URL",
        re.compile(r"\b[a-z][a-z0-9+.-]{0,31}://[^/\s:@]*:([^/\s@]+)@", re.I),
    ),
)

# AWS documents these ids in its examples; they are not credentials.
_AWS_EXAMPLES = frozenset({"AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DNLEXAMPLE", "ASIAIOSFODNN7EXAMPLE"})
_REFERENCE = re.compile(r"^\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_][A-Za-z0-9_]*)$|^\$\{\{.*\}\}$")
_QUICK = re.compile(
    r"PRIVATE KEY|PuTTY|AKIA|ASIA|ABIA|ACCA|A3T|AIza|AccountKey|SharedAccess|\dQ~|gh[pousr]_|"
    r"github_pat_|gl[a-z]+-|npm_|pypi-|rubygems_|oy2|xox|xapp-|hooks\.slack|discord|:AA|"
    r"_live_|_test_|_prod_|SG\.|SK[0-9a-f]|-us\d|sk-|hf_|atlasv1|hv[sb]\.|eyJ|ey[A-Za-z0-9]|://"
)


def _jwt_header_ok(token: str) -> bool:
    head = token.split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and "alg" in data


def detect_secrets(value: str) -> list[SecretHit]:
    """Every well-known credential in ``value`` (empty for references and placeholders): the
    SECRET engine's token families (``tokens``) and its JWT and URL-password rules
    (``generic``), one rule table for the kind policies and the SECRET policies alike."""
    from pytest_devops_policy.knowledge.secrets import generic, tokens

    if len(value) < 8:
        return []
    stripped = value.strip()
    if _REFERENCE.match(stripped) or is_placeholder(stripped):
        return []
    found = tokens.scan(value, "") + [
        h for h in generic.scan(value, "") if h.policy in ("SECRET-007", "SECRET-008")
    ]
    out = []
    for h in sorted(found, key=lambda h: h.start):
        match = h.secret if h.secret is not None else value[h.start : h.end]
        out.append(SecretHit(h.policy, h.label, match, h.start))
    return out
