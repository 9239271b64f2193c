"""``--devops-policy-json=PATH``: every verdict of the run as one JSON document.

The schema is ``pytest_devops_policy/data/report.schema.json`` (``schema`` names it and
its version); the README documents each field. One entry in ``results`` per verdict (a
policy on a resource, or a file's PARSE-ERROR or note), carrying the pytest item it belongs
to, so a consumer never parses JUnit. Messages are masked as on the terminal.
"""

from __future__ import annotations

import json
import os
from typing import Any

from pytest_devops_policy.reports.model import (
    FindingRecord,
    RunResults,
    VerdictRecord,
    WaiverRecord,
)

SCHEMA = "pytest-devops-policy/report"
SCHEMA_VERSION = 1


def _waiver(w: WaiverRecord) -> dict[str, Any]:
    return {
        "source": w.source,
        "reason": w.reason,
        "owner": w.owner or None,
        "expires": w.expires or None,
        "ticket": w.ticket or None,
        "status": w.status,
    }


def _finding(f: FindingRecord) -> dict[str, Any]:
    return {
        "line": f.line,
        "column": f.col,
        "end_line": f.end_line,
        "end_column": f.end_col,
        "severity": f.severity,
        "message": f.message,
        "fingerprint": f.fingerprint,
    }


def _result(results: RunResults, item: Any, v: VerdictRecord) -> dict[str, Any]:
    policy = results.policy(v.policy_id)
    first = v.findings[0] if v.findings else None
    applied = v.waiver
    return {
        "nodeid": item.nodeid,
        "item_outcome": item.outcome,
        "policy_id": v.policy_id,
        "policy_name": policy.name,
        "severity": v.severity,
        "kind": results.kind_of(item, v),
        "resource": item.resource,
        "file": item.file,
        "line": first.line if first else v.line,
        "column": first.col if first else 1,
        "status": v.status,
        "reason": v.reason,
        "messages": [f.message for f in v.findings],
        "findings": [_finding(f) for f in v.findings],
        # the findings baseline (issue 22): a failing verdict's findings it lists, and its
        # entries whose findings are gone
        "baselined_findings": [_finding(f) for f in v.baselined],
        "baseline_fixed": list(v.fixed),
        "waiver": _waiver(applied) if applied is not None else None,
        "expired_waivers": [_waiver(w) for w in v.waivers if w.status == "expired"],
        "controls": list(policy.controls),
    }


def document(results: RunResults, with_results: bool = True) -> dict[str, Any]:
    counts = results.counts()
    used = {v.policy_id for _, v in results.verdicts()}
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "tool": {"name": "pytest-devops-policy", "version": results.tool_version},
        "run": {
            "root": results.root,
            "started": results.started.isoformat() if results.started else None,
            "finished": results.finished.isoformat() if results.finished else None,
            "fail_on": results.fail_on,
            "today": results.today.isoformat(),
            "full_run": results.full_run,
            "files_scanned": dict(sorted(results.files_scanned.items())),
        },
        "summary": {
            "items": len(results.items),
            "results": sum(counts.values()),
            "by_status": {s: counts[s] for s in sorted(counts)},
        },
        "policies": {
            pid: {
                "name": p.name,
                "title": p.title,
                "severity": p.severity,
                "kind": p.kind,
                "controls": list(p.controls),
                "references": list(p.references),
            }
            for pid in sorted({*results.policies, *used})
            for p in (results.policy(pid),)
        },
        "results": [],
        "waivers": [w.to_json() for w in results.waivers],
    }
    if with_results:
        doc["results"] = [_result(results, item, v) for item, v in results.verdicts()]
    return doc


def write(results: RunResults, path: str) -> str:
    # The results are streamed one by one: a big run has tens of thousands, and one
    # document holding them all would double the run's memory for a moment. Compact
    # separators: indenting costs three times the time for no consumer's benefit.
    head = json.dumps(document(results, with_results=False), ensure_ascii=False)
    before, marker, after = head.partition('"results": []')
    assert marker, "the document has a results list"
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(before + '"results": [')
        for item, v in results.verdicts():
            fh.write((",\n" if count else "\n") + dumps(_result(results, item, v)))
            count += 1
        fh.write("\n]" + after + "\n")
    os.replace(tmp, path)
    return f"devops-policy: wrote JSON report {path} ({count} results)"
