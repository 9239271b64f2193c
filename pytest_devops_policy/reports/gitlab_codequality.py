"""``--devops-policy-gitlab-codequality=PATH``: a GitLab Code Quality report.

GitLab reads a JSON list of issues (``artifacts:reports:codequality``) and shows, in the
merge request widget, the issues the branch adds or resolves against its target; it
tells issues apart by ``fingerprint``. Each issue has ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location`` (``path`` relative to the repository,
``lines.begin``); ``type`` and ``categories`` come from the Code Climate format GitLab's
is a subset of.

- One issue per failing finding (status failed or error); a verdict without findings
  (a crash) is one issue at its line.
- The fingerprint is the finding's key (``fingerprint.py``: no line numbers, so an issue
  survives edits above it), made unique within the report when two findings share one.
- Severity: critical → ``blocker``, high → ``critical``, medium → ``major``, low →
  ``minor``. ``info`` is left for suppressed findings: GitLab has no suppression field, so
  waived and below-threshold findings are left out, unless ``report_suppressed`` asks for
  them, and then they are ``info`` issues whose description says why they do not fail.
- Unknowns are never issues (nothing was found). Messages are masked as on the terminal.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from typing import Any

from pytest_devops_policy.fingerprint import finding_key
from pytest_devops_policy.reports import repo_root
from pytest_devops_policy.reports.model import ItemRecord, RunResults, VerdictRecord

SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor"}
SUPPRESSED = "info"
FAILING = ("failed", "error")
# Controls from these frameworks make a policy a security check; the others (probes,
# disruption budgets, parse errors) are reliability: Code Climate's "Bug Risk".
SECURITY_CONTROLS = ("CWE-", "CIS-", "NSA-", "NIST-", "PSS-", "OpenSSF-")


def _categories(results: RunResults, policy_id: str) -> list[str]:
    controls = results.policy(policy_id).controls
    if any(c.startswith(SECURITY_CONTROLS) for c in controls):
        return ["Security"]
    return ["Bug Risk"]


def _why(v: VerdictRecord) -> str:
    if v.status == "waived":
        w = v.waiver
        said = f"waived by {w.source}: {w.reason}" if w is not None else "waived"
        return f" ({said})"
    if v.status == "baselined":
        return f" ({v.reason.split(': ', 1)[0]})"
    return " (below the fail-on threshold)"


def _issues(
    results: RunResults, item: ItemRecord, v: VerdictRecord, head: str
) -> Iterator[dict[str, Any]]:
    policy = results.policy(v.policy_id)
    suppressed = v.status not in FAILING
    why = _why(v) if suppressed else ""
    path = repo_root.join(head, item.file)
    places = [(f.line, f.severity, f.message, f.fingerprint) for f in v.findings]
    if not places:
        message = v.reason or policy.title
        key = finding_key(v.policy_id, item.file, item.resource, message)
        places = [(v.line, v.severity, message, key)]
    for line, severity, message, key in places:
        yield {
            "type": "issue",
            "check_name": v.policy_id,
            "description": f"{v.policy_id} {policy.name}: {message}{why}",
            "categories": _categories(results, v.policy_id),
            "severity": SUPPRESSED if suppressed else SEVERITY.get(severity, "major"),
            "fingerprint": key,
            "location": {"path": path, "lines": {"begin": max(1, line)}},
        }


def issues(results: RunResults, checkout: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """The report's issues, and how many findings had no file to put them on."""
    head = repo_root.prefix(results.root, checkout)
    statuses = set(FAILING)
    if results.settings.include_suppressed:
        statuses |= {"waived", "below-threshold", "baselined"}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    nowhere = 0
    for item, v in results.verdicts():
        if v.status not in statuses:
            continue
        if not item.file or not item.in_repository:
            # GitLab requires a repository path (a live host has none): in the JUnit XML
            nowhere += max(1, len(v.findings))
            continue
        for issue in _issues(results, item, v, head):
            key, n = issue["fingerprint"], 1
            while key in seen:  # the same finding key twice (two resources with one label)
                n += 1
                raw = f"{issue['fingerprint']}\0{n}".encode()
                key = hashlib.sha256(raw).hexdigest()[:32]
            seen.add(key)
            issue["fingerprint"] = key
            out.append(issue)
    return out, nowhere


def write(results: RunResults, path: str) -> str:
    found, nowhere = issues(results, os.environ.get("CI_PROJECT_DIR"))
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", errors="replace") as fh:
        # one issue a line: readable in a diff, and json's fast encoder (no indent)
        fh.write("[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in found) + "\n]\n")
    os.replace(tmp, path)
    left = f"; {nowhere} without a file left out" if nowhere else ""
    return f"devops-policy: wrote GitLab Code Quality report {path} ({len(found)} issues{left})"
