"""Analyse one parsed file: run every applicable policy, keep only the outcomes.

Items then carry small, plain results instead of parsed documents. That keeps
memory flat (a parsed file can go as soon as its results exist) and lets results
be cached by content (``resultcache.py``).
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.api import Policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.engine.evaluate import ResolvedViolation, evaluate
from pytest_devops_policy.engine.registry import PolicySet
from pytest_devops_policy.knowledge.secrets.scan import assigned_secrets, text_secrets
from pytest_devops_policy.model import ParsedFile, Subject


@dataclass(frozen=True, slots=True)  # one per verdict, alive until the run ends: no __dict__
class Outcome:
    """One policy on one resource: what the item reports."""

    policy_id: str
    # Most verdicts pass: they share one empty tuple rather than two empty lists each
    # (about 110 bytes per verdict, tens of thousands of verdicts).
    violations: Sequence[ResolvedViolation] = ()
    unknowns: Sequence[str] = ()
    error: str | None = None  # the policy raised: a short traceback
    detail: str | None = None  # how the subject was read (``Policy.detail``), when it failed

    @property
    def passed(self) -> bool:
        return not self.violations and not self.unknowns and self.error is None

    @property
    def secrets(self) -> list[str]:
        return [v.secret for v in self.violations if v.secret]


@dataclass
class ResourceResult:
    label: str  # the subject's label (waiver globs match it)
    name: str  # the label made unique within the file: the node name
    line: int
    col: int
    waiver_lines: tuple[int, ...]
    annotations: list[tuple[str, dict[str, str]]]
    outcomes: list[Outcome]


@dataclass
class FileResult:
    kind: str
    resources: list[ResourceResult] = field(default_factory=list)
    parse_error: tuple[str, int, int] | None = None
    skip_reason: str | None = None
    recognised: bool = True  # False: not this kind's file after all (app config YAML...)
    internal_error: str | None = None  # the analysis itself failed: one failing item
    notes: list[tuple[str, str, int, str]] = field(default_factory=list)  # ParsedFile.notes
    # The secrets of this file (``file_secrets``): every output of the file is redacted
    # with all of them, whichever policy printed it. Values in memory, offsets in the cache.
    secrets: list[str] = field(default_factory=list)

    def reported_secrets(self) -> list[str]:
        return [s for r in self.resources for o in r.outcomes for s in o.secrets]


# policy id -> its passing outcome: most verdicts pass, and they all share it.
_PASSED: dict[str, Outcome] = {}


def outcome(
    policy_id: str,
    violations: Sequence[ResolvedViolation] = (),
    unknowns: Sequence[str] = (),
    error: str | None = None,
    detail: str | None = None,
) -> Outcome:
    """A policy's outcome; one shared object per policy id when it found nothing."""
    if violations or unknowns or error is not None or detail is not None:
        return Outcome(policy_id, violations or (), unknowns or (), error, detail)
    hit = _PASSED.get(policy_id)
    if hit is None:
        hit = _PASSED[policy_id] = Outcome(policy_id)
    return hit


def _run(policy: Policy, subject: Subject[Any], context: Context) -> Outcome:
    try:
        finding = evaluate(policy, subject, context)
    except MemoryError:
        raise  # the file's memory budget (engine/budget.py): the whole file fails, clearly
    except Exception as exc:  # a bug in a policy fails its item, never the run
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-4))
        return Outcome(policy.id, error=text)
    detail = None
    if finding.violations and policy.detail is not None:
        try:
            detail = policy.detail(subject, context)
        except Exception:  # an explanation must never fail the item it explains
            detail = None
    return outcome(policy.id, finding.violations, finding.unknowns, detail=detail)


SECRETS_SUBJECT = "secrets_file"


def with_secrets_subject(parsed: ParsedFile, wanted: bool, context: Context) -> ParsedFile:
    """The parsed file plus its secrets subject (``formats.secrets.SecretsFile``) when SECRET
    policies are selected and the file is read for secrets (catalog §6.1): every collected
    file of any kind, and a candidate its kind did not recognise (app-config YAML) when
    ``secrets.include`` names it. Such a file then counts as a secrets file. ``wanted``: a
    SECRET policy is selected."""
    if not wanted or parsed.skip_reason:
        return parsed
    from dataclasses import replace

    from pytest_devops_policy.formats.secrets import (
        NamedFile,
        SecretsFile,
        in_scope,
        included,
        judged_by_name,
    )
    from pytest_devops_policy.options import SecretsOptions

    options = context.options(SecretsOptions)
    source = parsed.source
    if not parsed.recognised and not included(source.relpath, options.include):
        return parsed
    size = len(source.text.encode("utf-8", "surrogatepass"))
    collected_as = parsed.kind if parsed.recognised else "secrets"
    subject: SecretsFile
    skipped = in_scope(
        source.relpath, source.text[:8192].encode("utf-8", "replace"), size, options.max_bytes
    )
    if skipped is None:
        subject = SecretsFile(source, options.entropy, collected_as)
    elif judged_by_name(source.relpath) and not skipped.startswith("a lockfile"):
        # A key store (binary) or a big state file: judged by its name, its bytes unread.
        subject = NamedFile(source, skipped, collected_as)
    else:
        return parsed
    if not parsed.recognised:
        return replace(parsed, kind="secrets", subjects=[subject], recognised=True)
    return replace(parsed, subjects=[*parsed.subjects, subject])


def analyse(parsed: ParsedFile, policies: PolicySet, context: Context) -> FileResult:
    """Every resource of a parsed file with the outcome of each policy that applies."""
    skip = parsed.skip_reason
    if skip:
        return FileResult(parsed.kind, skip_reason=str(skip))
    result = FileResult(
        parsed.kind,
        recognised=parsed.recognised,
        notes=list(parsed.notes),
        secrets=list(parsed.known_secrets),
    )
    seen: dict[str, int] = {}
    for subject in parsed.subjects:
        chosen = [p for p in policies.for_subject(subject.key) if p.applies_to(subject, context)]
        annotations = [(ids, dict(attrs)) for ids, attrs in subject.annotation_waivers()]
        if not chosen and not annotations:
            continue
        label = name = subject.label
        if chosen:
            count = seen.get(label, 0) + 1
            seen[label] = count
            if count > 1:  # formats try to keep labels unique; never collide in node ids
                name = f"{label}#{count}"
        result.resources.append(
            ResourceResult(
                label,
                name,
                subject.line,
                subject.col,
                tuple(subject.waiver_lines()),
                annotations,
                [_run(p, subject, context) for p in chosen],
            )
        )
    return result


def secret_spans(text: str, result: FileResult) -> list[tuple[int, int]]:
    """Where the secrets of a file are in its text: what the shared detectors recognise
    anywhere in it, what any policy reported as a secret (``Violation.secret``) wherever it
    occurs, and, for a file that does not parse (no policy read it), the values assigned to
    secret-like names. Sorted, without duplicates."""
    # A binary file (a key store judged by its name) is never scanned as text.
    spans = set(text_secrets(text)) if "\x00" not in text[:8192] else set()
    if result.parse_error is not None:
        spans.update(assigned_secrets(text))
    for secret in dict.fromkeys(result.reported_secrets()):
        at = text.find(secret)
        if at >= 0:
            spans.add((at, len(secret)))
    return sorted(spans)


def with_secrets(result: FileResult, text: str) -> FileResult:
    """``result`` with the secrets of its file set (see ``secret_spans``); a reported
    secret that is not in the text as such (decoded base64) is kept too."""
    found = [text[at : at + n] for at, n in secret_spans(text, result)]
    # The format's own (a plan's sensitive values) first, then what detectors and policies found.
    result.secrets = list(dict.fromkeys([*result.secrets, *found, *result.reported_secrets()]))
    return result
