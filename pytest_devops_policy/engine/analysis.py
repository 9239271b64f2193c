"""Analyse one file: run every applicable policy at collection, keep only the outcomes.

Items then carry small, plain results instead of parsed documents. That keeps
memory flat (a parsed file can go as soon as its results exist), lets results
be cached by content (``resultcache.py``), and lets xdist workers share the
work: each analyses half of the files and reads the other half from the cache.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.api import Policy, Severity
from pytest_devops_policy.engine.evaluate import Context, ResolvedViolation, evaluate
from pytest_devops_policy.engine.registry import PolicySet
from pytest_devops_policy.masking import redact
from pytest_devops_policy.model import ParsedFile, Subject

FORMAT_VERSION = 1  # bump when the shape below changes: old cache entries become misses


@dataclass
class Outcome:
    """One policy on one resource: what the item reports."""

    policy_id: str
    violations: list[ResolvedViolation] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    error: str | None = None  # the policy raised: a short traceback

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


def _run(policy: Policy, subject: Subject, context: Context) -> Outcome:
    try:
        finding = evaluate(policy, subject, context)
    except Exception as exc:  # a bug in a policy fails its item, never the run
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-4))
        return Outcome(policy.id, error=text)
    return Outcome(policy.id, finding.violations, finding.unknowns)


def analyse(parsed: ParsedFile, policies: PolicySet, context: Context) -> FileResult:
    """Every resource of a parsed file with the outcome of each policy that applies."""
    skip = parsed.skip_reason
    if skip:
        return FileResult(parsed.kind, skip_reason=str(skip))
    result = FileResult(parsed.kind)
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


# --------------------------------------------------------------------------- plain data
#
# JSON, not pickle: the cache directory may sit inside the scanned repository,
# and loading it must never execute anything. Secrets are not written: a
# violation keeps the offset of its secret in the file text, and the value is
# read back from the (unchanged, same-hash) text when the entry is loaded.


def to_json(result: FileResult, text: str) -> dict[str, Any]:
    resources = []
    for r in result.resources:
        outcomes = []
        for o in r.outcomes:
            secrets = o.secrets
            violations = []
            for v in o.violations:
                span = None
                if v.secret:
                    at = text.find(v.secret)
                    span = [at, len(v.secret)] if at >= 0 else None
                message = redact(v.message, secrets) if secrets else v.message
                violations.append([message, v.line, v.col, int(v.severity), span])
            outcomes.append([o.policy_id, violations, o.unknowns, o.error])
        annotations = [list(a) for a in r.annotations]
        resources.append(
            [r.label, r.name, r.line, r.col, list(r.waiver_lines), annotations, outcomes]
        )
    return {
        "v": FORMAT_VERSION,
        "kind": result.kind,
        "parse_error": list(result.parse_error) if result.parse_error else None,
        "skip_reason": result.skip_reason,
        "resources": resources,
    }


def from_json(data: Mapping[str, Any], text: str) -> FileResult:
    """The inverse of ``to_json``; raises (any error) on a malformed entry."""
    if data["v"] != FORMAT_VERSION:
        raise ValueError("old cache format")
    error = data["parse_error"]
    result = FileResult(
        str(data["kind"]),
        parse_error=(str(error[0]), int(error[1]), int(error[2])) if error else None,
        skip_reason=data["skip_reason"],
    )
    for label, name, line, col, wlines, notes, outcomes in data["resources"]:
        parsed_outcomes = []
        for policy_id, violations, unknowns, err in outcomes:
            resolved = []
            for message, vline, vcol, severity, span in violations:
                secret = text[span[0] : span[0] + span[1]] if span else None
                resolved.append(
                    ResolvedViolation(
                        str(message), int(vline), int(vcol), Severity(severity), secret
                    )
                )
            parsed_outcomes.append(Outcome(str(policy_id), resolved, list(unknowns), err))
        result.resources.append(
            ResourceResult(
                str(label),
                str(name),
                int(line),
                int(col),
                tuple(int(n) for n in wlines),
                [(str(ids), dict(attrs)) for ids, attrs in notes],
                parsed_outcomes,
            )
        )
    return result
