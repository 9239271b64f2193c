"""The secrets found in one file's text, once, for every SECRET policy (catalog §6.1).

``file_hits`` runs the detectors over the whole text, then:

* drops hits on lines that carry a detector pragma of our peers: ``pragma: allowlist
  secret`` (detect-secrets) and ``gitleaks:allow`` (our own ``# devops-policy:
  ignore[SECRET-nnn] reason="..."`` is a waiver, with a reason, and is reported as one);
* keeps one hit per span: where two rules find the same (or an overlapping) text, the more
  specific one wins: the provider token families (SECRET-001…008) before the keyword rule
  (SECRET-009), and that before the entropy rule (SECRET-010);
* gives each hit its line and column.

The detectors are pure functions ``scan(text, path) -> list[Hit]`` (``SCANNERS``). Nothing
here prints a secret: policies report ``masking.mask`` of it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pytest_devops_policy.api import Severity, Violation
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.hits import Hit
from pytest_devops_policy.knowledge.secrets.scan import MULTILINE_MARKERS, candidate_lines
from pytest_devops_policy.knowledge.secrets.values import SecretHit, detect_secrets
from pytest_devops_policy.masking import mask

__all__ = ["SCANNERS", "Located", "file_hits", "findings", "known_shapes"]

Scanner = Callable[[str, str], list[Hit]]

_PRAGMA = re.compile(r"pragma:\s*allowlist[ -]secret|gitleaks:allow", re.I)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def known_shapes(text: str, path: str) -> list[Hit]:
    """The well-known token shapes of ``knowledge.secrets.values`` (SECRET-001…008) over a
    whole text: the lines that hold a prefix (``candidate_lines``), or the whole text when a
    private key may span lines."""
    hits: list[Hit] = []

    def add(found: Sequence[SecretHit], base: int) -> None:
        for h in found:
            start = base + h.start
            hits.append(Hit(h.detector, _slug(h.label), h.label, start, start + len(h.match)))

    if any(marker in text for marker in MULTILINE_MARKERS):
        add(detect_secrets(text), 0)
        return hits
    for start in sorted(candidate_lines(text)):
        end = text.find("\n", start)
        add(detect_secrets(text[start : end if end >= 0 else len(text)]), start)
    return hits


SCANNERS: tuple[Scanner, ...] = (known_shapes,)


@dataclass(frozen=True)
class Located:
    """A hit with its 1-based line and column."""

    hit: Hit
    line: int
    col: int

    @property
    def policy(self) -> str:
        return self.hit.policy


def _rank(hit: Hit) -> tuple[int, int]:
    """Which of two overlapping hits to keep: the lower policy number (the more specific
    rule), then the longer match."""
    number = int(hit.policy.rsplit("-", 1)[-1]) if hit.policy[-3:].isdigit() else 999
    return (number, -(hit.end - hit.start))


def file_hits(
    text: str, path: str, scanners: Sequence[Scanner] = SCANNERS, entropy: bool = False
) -> list[Located]:
    """Every secret in ``text`` (see the module docstring), in text order. ``entropy``
    keeps SECRET-010 hits (off by default)."""
    found = [h for scan in scanners for h in scan(text, path)]
    if not entropy:
        found = [h for h in found if h.policy != "SECRET-010"]
    if not found:
        return []
    starts = _line_starts(text)
    kept: list[Hit] = []
    for hit in sorted(found, key=_rank):
        if any(hit.start < k.end and k.start < hit.end for k in kept):
            continue  # the same text, already reported by a more specific rule
        line = bisect.bisect_right(starts, hit.start) - 1
        end = starts[line + 1] if line + 1 < len(starts) else len(text)
        if _PRAGMA.search(text, starts[line], end):
            continue
        kept.append(hit)
    out = []
    for hit in sorted(kept, key=lambda h: h.start):
        line = bisect.bisect_right(starts, hit.start) - 1
        out.append(Located(hit, line + 1, hit.start - starts[line] + 1))
    return out


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def findings(subject: SecretsFile, policy_id: str) -> Iterator[Violation]:
    """One violation per hit of ``policy_id`` in the file: the rule, the mask, where it is.
    The file is scanned once, for all the SECRET policies."""
    if subject.hits is None:
        subject.hits = file_hits(
            subject.source.text, subject.source.relpath, entropy=subject.entropy
        )
    text = subject.source.text
    for found in subject.hits:
        hit = found.hit
        if hit.policy != policy_id:
            continue
        secret = hit.secret if hit.secret is not None else text[hit.start : hit.end]
        note = f" ({hit.note})" if hit.note else ""
        yield Violation(
            f"{hit.label}: {mask(secret)}{note}",
            line=found.line,
            col=found.col,
            severity=Severity.parse(hit.severity) if hit.severity else None,
            secret=secret,
        )
