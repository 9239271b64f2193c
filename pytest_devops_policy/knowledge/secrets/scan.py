"""Which parts of a whole file's text are credentials: the spans every output masks.

``detect_secrets`` answers for one value a policy looked at; ``text_secrets`` runs the same
detectors over a file's whole text once, so that a token a policy never looked at (a
``ghp_…`` inside a ``RUN curl``, a workflow ``run:``, an annotation) is masked wherever the
file's text is printed: in excerpts, in any policy's message, in the cache.

``assigned_secrets`` is the name-based guess for text no policy read (a file that does not
parse): ``DB_PASSWORD=…``, ``api_key: …``. It over-masks on purpose and is meant for the few
lines a parse error prints, not for parsed files (whose policies know what a value is).
"""

from __future__ import annotations

import re

from pytest_devops_policy.knowledge.secrets.names import (
    is_placeholder,
    is_reference,
    is_secret_like,
)
from pytest_devops_policy.knowledge.secrets.values import _DETECTORS, detect_secrets

__all__ = ["MULTILINE_MARKERS", "assigned_secrets", "candidate_lines", "text_secrets"]

# An HTTP credential in a header, whatever its shape: ``Authorization: Bearer <x>``,
# ``Authorization: token <x>``, ``Bearer <x>`` on its own (curl -H, wget --header).
_AUTH_HEADER = re.compile(
    r"(?i)authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|digest)\s+"
    r"([A-Za-z0-9._~+/=:-]{8,})"
    r"|\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)"
)
# NAME=value, NAME: value, NAME value (Dockerfile ENV), "name": "value".
_KEYWORD = re.compile(r"(?i)pass|secret|token|key|credential|auth")
_ASSIGNED = re.compile(
    r"(?i)(?P<name>[A-Za-z0-9_.-]*(?:pass|secret|token|key|credential|auth)[A-Za-z0-9_.-]*)"
    r"[\"']?(?:[ \t]*[=:][ \t]*|[ \t]+)[\"']?(?P<value>[^\s\"'#,;}{]+)"
)


# Substrings without which a detector cannot match, by detector label: a file's text is
# searched for these (``str.find``, fast) and the detectors run only on the lines that hold
# one. Running every detector over every byte of every file would cost ~10% of a cold run.
# A new detector in ``values.py`` needs its entry here (tests/test_secret_outputs.py checks).
NEEDLES: dict[str, tuple[str, ...]] = {
    "private key": ("PRIVATE KEY", "PuTTY-User-Key-File-"),
    "AWS access key id": ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
    "Google API key": ("AIza",),
    "Azure storage account key": ("AccountKey=",),
    "Azure shared access signature": ("SharedAccessSignature=",),
    "Azure AD client secret": ("Q~",),
    "GitHub token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    "GitLab token": tuple(
        f"gl{t}-" for t in ("pat", "rt", "dt", "ptt", "cbt", "oas", "ft", "imt", "agent", "soat")
    ),
    "npm access token": ("npm_",),
    "PyPI upload token": ("pypi-AgEIcHlwaS5vcmc",),
    "RubyGems API key": ("rubygems_",),
    "NuGet API key": ("oy2",),
    "Slack token": ("xox", "xapp-"),
    "Slack webhook": ("hooks.slack.com",),
    "Discord webhook": ("discord",),
    "Telegram bot token": (":AA",),
    "Stripe key": ("_live_", "_test_", "_prod_"),
    "SendGrid API key": ("SG.",),
    "Twilio API key": ("SK",),
    "Mailchimp API key": ("-us",),
    "OpenAI API key": ("sk-",),
    "Anthropic API key": ("sk-ant-",),
    "Hugging Face token": ("hf_",),
    "HashiCorp token": (".atlasv1.", "hvs.", "hvb."),
    "JSON web token": (".ey",),
    "password in URL": (),  # _URL_PASSWORD below
}
_URL_PASSWORD = re.compile(r"://[^/\s:@]*:[^/\s@]+@")
MULTILINE_MARKERS = ("PRIVATE KEY", "PuTTY-User-Key-File-")  # a secret that spans lines


def _needles() -> tuple[str, ...]:
    labels = {label for _, label, _ in _DETECTORS}
    found = {n for label in labels for n in NEEDLES.get(label, ("",))}
    # "" (a detector without needles) makes every line a candidate: slow but never blind.
    return tuple(sorted(found))


_NEEDLES = _needles()


def candidate_lines(text: str) -> set[int]:
    """Starts of the lines that hold a needle (or a URL with a password)."""
    starts: set[int] = set()

    def add(at: int) -> int:
        starts.add(text.rfind("\n", 0, at) + 1)
        end = text.find("\n", at)
        return -1 if end < 0 else end + 1

    for needle in _NEEDLES:
        at = text.find(needle)
        while at >= 0:
            nxt = add(at)
            at = -1 if nxt < 0 else text.find(needle, nxt)
    if "://" in text:
        for m in _URL_PASSWORD.finditer(text):
            add(m.start())
    return starts


def _spans_ok(value: str) -> bool:
    return not (value.startswith("$") or is_reference(value) or is_placeholder(value))


def text_secrets(text: str) -> list[tuple[int, int]]:
    """``(start, length)`` of every credential the shared detectors recognise in ``text``,
    and of every credential sent in an HTTP ``Authorization``/``Bearer`` header."""
    spans: list[tuple[int, int]] = []
    if any(marker in text for marker in MULTILINE_MARKERS):  # a key spans lines: the whole text
        spans += [(hit.start, len(hit.match)) for hit in detect_secrets(text)]
    else:
        for start in sorted(candidate_lines(text)):
            end = text.find("\n", start)
            line = text[start : end if end >= 0 else len(text)]
            spans += [(start + hit.start, len(hit.match)) for hit in detect_secrets(line)]
    if "earer" in text or "uthorization" in text or "EARER" in text or "UTHORIZATION" in text:
        for m in _AUTH_HEADER.finditer(text):
            group = 1 if m.group(1) is not None else 2
            value = m.group(group)
            if _spans_ok(value):
                spans.append((m.start(group), len(value)))
    return spans


def assigned_secrets(text: str) -> list[tuple[int, int]]:
    """``(start, length)`` of each literal value assigned to a secret-like name in ``text``
    (``ENV DB_PASSWORD=…``, ``api_key: …``, ``"token": "…"``), references and placeholders
    excepted."""
    if _KEYWORD.search(text) is None:
        return []
    spans = []
    for m in _ASSIGNED.finditer(text):
        name, value = m.group("name"), m.group("value")
        ok = is_secret_like(name, value) and _spans_ok(value)
        if ok and not is_placeholder(value, name):
            spans.append((m.start("value"), len(value)))
    return spans
