"""The secrets found in one file's text, once, for every SECRET policy (catalog §6.1).

``file_hits`` runs the detectors over the whole text, then:

* drops hits on lines that carry a detector pragma of our peers: ``pragma: allowlist
  secret`` (detect-secrets) and ``gitleaks:allow`` (our own ``# devops-policy:
  ignore[SECRET-nnn] reason="..."`` is a waiver, with a reason, and is reported as one);
* keeps one hit per span: where two rules find the same (or an overlapping) text, the more
  specific one wins: the provider token families (SECRET-001…008) before the keyword rule
  (SECRET-009), and that before the entropy rule (SECRET-010);
* gives each hit its line and column.

The detectors are pure functions ``scan(text, path) -> list[Hit]``: ``tokens`` (the
provider token families) and ``generic`` (JWTs, URL passwords, keyword assignments,
entropy). Nothing
here prints a secret: policies report ``masking.mask`` of it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pytest_devops_policy.api import Severity, Violation
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets import generic, tokens
from pytest_devops_policy.knowledge.secrets.hits import Hit
from pytest_devops_policy.masking import mask

__all__ = ["Located", "Scanner", "file_hits", "findings"]

Scanner = Callable[[str, str], list[Hit]]

_PRAGMA = re.compile(r"pragma:\s*allowlist[ -]secret|gitleaks:allow", re.I)


def _scanners(entropy: bool) -> tuple[Scanner, ...]:
    """The detectors: the provider token families (SECRET-001…006, ``tokens``) and the
    structure, keyword and entropy rules (SECRET-007…010, ``generic``)."""

    def generic_scan(text: str, path: str) -> list[Hit]:
        return generic.scan(text, path, entropy=entropy)

    return (tokens.scan, generic_scan)


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
    text: str, path: str, entropy: bool = False, scanners: Sequence[Scanner] | None = None
) -> list[Located]:
    """Every secret in ``text`` (see the module docstring), in text order. ``entropy``
    adds SECRET-010's high-entropy strings (off by default)."""
    chosen = _scanners(entropy) if scanners is None else scanners
    found = [h for scan in chosen for h in scan(text, path)]
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
