"""What an item hands the report formats: its verdicts as plain records (reports/model.py).

Made only when a report is asked for (``DevopsPolicy.pending`` is not None), from the same
``Judged`` outcome the item reports, and put on the item's call report by the collector.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_devops_policy.fingerprint import finding_key
from pytest_devops_policy.pytest_layer.verdict import (
    BASELINED,
    BELOW,
    FAILED,
    WAIVED,
    Judged,
    Verdict,
)

_WITH_FINDINGS = frozenset({FAILED, WAIVED, BELOW, BASELINED})
_WAIVER_KEYS = ("reason", "expires", "owner", "ticket", "source", "status")


def end_col(lines: Sequence[str], line: int, col: int) -> int:
    """SARIF's exclusive end column: the end of the finding's line (we locate a finding by
    its start only), and never before its start."""
    text = lines[line - 1].rstrip() if 1 <= line <= len(lines) else ""
    return max(len(text) + 1, col + 1)


def finding(
    policy_id: str,
    relpath: str,
    resource: str,
    lines: Sequence[str],
    line: int,
    col: int,
    severity: str,
    message: str,
    secret: str | None = None,
) -> list[Any]:
    line, col = max(1, line), max(1, col)
    key = finding_key(policy_id, relpath, resource, message, secret)
    return [line, col, line, end_col(lines, line, col), severity, message, key]


def waivers_of(props: Sequence[tuple[str, str]]) -> list[list[str]]:
    """The waivers in a ``Judged``'s properties (``waiver_props``: six per waiver)."""
    out: list[list[str]] = []
    current: dict[str, str] = {}
    for key, value in props:
        current[key.removeprefix("waiver_")] = str(value)
        if key == "waiver_status":
            out.append(
                [current.get(k, "") for k in ("source", "reason", "owner", "expires", "ticket")]
                + [current.get("status", "")]
            )
            current = {}
    return out


def verdict_record(v: Verdict, j: Judged) -> list[Any]:
    scope = v.scope
    pid = v.policy.id
    findings: list[list[Any]] = []
    listed: list[list[Any]] = []  # findings the baseline lists, besides ``findings``
    if j.status in _WITH_FINDINGS and v.findings:
        relpath, label = scope.file_text.relpath, scope.result.label
        clean = scope.redactor.with_secrets(v.outcome.secrets)
        lines = scope.file_text
        split = j.status != BASELINED and bool(j.baselined)
        for i, (f, key) in enumerate(zip(v.findings, v.keys(), strict=True)):
            message = clean(f.message, newlines=False)
            severity = str(f.severity)
            row = finding(pid, relpath, label, lines, f.line, f.col, severity, message, f.secret)
            row[6] = key  # numbered over all the verdict's findings (Verdict.keys)
            (listed if split and i in j.baselined else findings).append(row)
    record = [
        pid,
        j.status,
        str(v.severity),
        j.line or v.line,
        j.reason,
        findings,
        waivers_of(j.waiver_props),
    ]
    if listed or j.fixed:  # the baseline's part, only when it has one (issue 22)
        record.append({"baselined": listed, "fixed": [e.describe() for e in j.fixed]})
    return record
