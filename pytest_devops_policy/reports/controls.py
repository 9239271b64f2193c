"""``--devops-policy-controls-report=PATH``: the run's evidence by control, for an auditor.

For each framework the policies cite (``pytest_devops_policy/controls.py``), each control
with the policies that check it, the counts of their verdicts by status, the failing
resources and the waivers of those policies; then the controls of no known framework, the
policies that cite no control and the files that could not be checked. A path ending in
``.json`` gets JSON (every failing resource); any other path gets Markdown (tables, at most
``MARKDOWN_CAP`` failing resources per policy and framework). The option may be repeated to
write both.

The counts are verdicts (one policy on one resource), the same records the JUnit XML
reports: in the ``policy`` item model one test case each, in the ``resource`` model one
``<POLICY-ID>`` property each. Every text from a scanned file is masked in the model and
escaped here, so a message cannot break a table or inject HTML.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.controls import FRAMEWORKS, Framework, framework_of
from pytest_devops_policy.reports.model import (
    PSEUDO_POLICIES,
    ItemRecord,
    PolicyInfo,
    RunResults,
    VerdictRecord,
    WaiverInfo,
)
from pytest_devops_policy.waivers import spec_matches

SCHEMA = "pytest-devops-policy/controls-report"
SCHEMA_VERSION = 1
MARKDOWN_CAP = 10  # failing resources shown per policy and section; JSON has them all
MESSAGE_CAP = 300  # characters of a message in a Markdown cell
FAILING = ("failed", "error")
# The columns of the tables: every status, in the order an auditor reads them.
COLUMNS = ("passed", "failed", "waived", "below-threshold", "unknown", "error", "skipped")
HEADINGS = {
    "passed": "Passed",
    "failed": "Failed",
    "waived": "Waived",
    "below-threshold": "Below threshold",
    "unknown": "Unknown",
    "error": "Error",
    "skipped": "Not checked",
}
# Control ids of no known framework (a plugin's ACME-OPS-7): kept, shown as they are.
OTHER = Framework("other", "", "Other controls", "{rest}")


@dataclass
class PolicyEvidence:
    info: PolicyInfo
    counts: Counter[str] = field(default_factory=Counter)
    failing: list[tuple[ItemRecord, VerdictRecord]] = field(default_factory=list)
    waivers: list[WaiverInfo] = field(default_factory=list)


@dataclass
class ControlEvidence:
    id: str
    title: str
    policies: list[PolicyEvidence]

    def counts(self) -> Counter[str]:
        return _sum(p.counts for p in self.policies)


@dataclass
class Section:
    framework: Framework
    controls: list[ControlEvidence]

    def policies(self) -> list[PolicyEvidence]:
        """Each policy of the section once, so that a verdict counts once per framework."""
        seen: dict[str, PolicyEvidence] = {}
        for control in self.controls:
            for p in control.policies:
                seen.setdefault(p.info.id, p)
        return [seen[k] for k in sorted(seen)]

    def counts(self) -> Counter[str]:
        return _sum(p.counts for p in self.policies())


@dataclass
class Evidence:
    sections: list[Section]  # known frameworks in table order, then "other controls"
    no_control: list[PolicyEvidence]
    problems: list[PolicyEvidence]  # PARSE-ERROR, INTERNAL-ERROR, WAIVER-INVALID
    policies: dict[str, PolicyEvidence]


def _sum(counters: Iterable[Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for c in counters:
        total.update(c)
    return total


def _natural(control: str) -> list[tuple[int, str]]:
    """CIS-Docker-4.9 before CIS-Docker-4.10."""
    return [(int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", control)]


def gather(results: RunResults) -> Evidence:
    """One pass over the verdicts, one over the waivers per policy; the rest is grouping."""
    policies: dict[str, PolicyEvidence] = {
        pid: PolicyEvidence(info) for pid, info in results.policies.items()
    }
    for item, v in results.verdicts():
        evidence = policies.get(v.policy_id)
        if evidence is None:
            evidence = policies[v.policy_id] = PolicyEvidence(results.policy(v.policy_id))
        evidence.counts[v.status] += 1
        if v.status in FAILING:
            evidence.failing.append((item, v))
    for evidence in policies.values():  # xdist delivers items in any order; reports do not
        evidence.failing.sort(key=lambda iv: (iv[0].file, _where(*iv)[0], iv[0].resource))
    for w in results.waivers:
        for evidence in policies.values():
            info = evidence.info
            if any(spec_matches(spec, info.id, info.name) for spec in w.ids):
                evidence.waivers.append(w)
    by_framework: dict[str, dict[str, list[PolicyEvidence]]] = {}
    no_control: list[PolicyEvidence] = []
    problems: list[PolicyEvidence] = []
    for pid in sorted(policies):
        evidence = policies[pid]
        if pid in PSEUDO_POLICIES:
            problems.append(evidence)
            continue
        if not evidence.info.controls:
            no_control.append(evidence)
        for control in dict.fromkeys(evidence.info.controls):
            fw = framework_of(control) or OTHER
            by_framework.setdefault(fw.key, {}).setdefault(control, []).append(evidence)
    sections = []
    for fw in (*FRAMEWORKS, OTHER):
        controls = by_framework.get(fw.key)
        if not controls:
            continue
        sections.append(
            Section(
                fw,
                [
                    ControlEvidence(c, fw.control_title(c) if fw is not OTHER else c, controls[c])
                    for c in sorted(controls, key=_natural)
                ],
            )
        )
    return Evidence(sections, no_control, problems, policies)


def _where(item: ItemRecord, v: VerdictRecord) -> tuple[int, str]:
    """The line and message of a failing verdict: its first finding, else its reason."""
    if v.findings:
        return v.findings[0].line, v.findings[0].message
    return v.line or item.line, v.reason


# -- JSON -----------------------------------------------------------------------------------


def _counts(counts: Counter[str]) -> dict[str, int]:
    return {s: counts[s] for s in COLUMNS}


def _failing_json(policies: Sequence[PolicyEvidence]) -> list[dict[str, Any]]:
    out = []
    for p in policies:
        for item, v in p.failing:
            line, message = _where(item, v)
            out.append(
                {
                    "policy_id": v.policy_id,
                    "status": v.status,
                    "severity": v.severity,
                    "file": item.file,
                    "line": line,
                    "resource": item.resource,
                    "nodeid": item.nodeid,
                    "message": message,
                    "findings": [
                        {"line": f.line, "column": f.col, "message": f.message} for f in v.findings
                    ],
                }
            )
    return out


def _waivers(policies: Sequence[PolicyEvidence]) -> list[tuple[WaiverInfo, list[str]]]:
    """Each waiver of these policies once, with the ones it covers among them."""
    found: dict[str, tuple[WaiverInfo, list[str]]] = {}
    for p in policies:
        for w in p.waivers:
            found.setdefault(w.source, (w, []))[1].append(p.info.id)
    return [found[k] for k in sorted(found, key=_natural)]


def _waivers_json(policies: Sequence[PolicyEvidence]) -> list[dict[str, Any]]:
    return [
        {**w.to_json(), "policies": covered, "specs": list(w.ids)}
        for w, covered in _waivers(policies)
    ]


def _group_json(policies: Sequence[PolicyEvidence]) -> dict[str, Any]:
    return {
        "policies": [p.info.id for p in policies],
        "counts": _counts(_sum(p.counts for p in policies)),
        "failing": _failing_json(policies),
        "waivers": _waivers_json(policies),
    }


def _run(results: RunResults) -> dict[str, Any]:
    return {
        "root": results.root,
        "started": results.started.isoformat() if results.started else None,
        "finished": results.finished.isoformat() if results.finished else None,
        "fail_on": results.fail_on,
        "today": results.today.isoformat(),
        "full_run": results.full_run,
        "files_scanned": dict(sorted(results.files_scanned.items())),
    }


def document(results: RunResults, evidence: Evidence | None = None) -> dict[str, Any]:
    evidence = evidence or gather(results)
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "tool": {"name": "pytest-devops-policy", "version": results.tool_version},
        "run": _run(results),
        "frameworks": [
            {
                "key": s.framework.key,
                "name": s.framework.name,
                "prefix": s.framework.prefix or None,
                "counts": _counts(s.counts()),
                "controls": [
                    {"id": c.id, "title": c.title, **_group_json(c.policies)} for c in s.controls
                ],
            }
            for s in evidence.sections
        ],
        "no_control": _group_json(evidence.no_control),
        "problems": _group_json(evidence.problems),
        "policies": {
            pid: {
                "name": p.info.name,
                "title": p.info.title,
                "severity": p.info.severity,
                "kind": p.info.kind,
                "builtin": p.info.builtin,
                "controls": list(p.info.controls),
                "counts": _counts(p.counts),
            }
            for pid, p in sorted(evidence.policies.items())
        },
    }


# -- Markdown -------------------------------------------------------------------------------

# Inside a table cell only these change the rendering ("#", "!" or "(" need a line start
# or a "]" before them); "<", ">" and "&" become entities, so no HTML gets through.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def cell(text: str, cap: int = 0) -> str:
    """Text as one Markdown table cell: one line, no HTML, no table or emphasis syntax."""
    text = " ".join(text.split())
    if cap and len(text) > cap:
        text = text[: cap - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    return [_row(head), _row("---" for _ in head), *(_row(r) for r in rows)]


def _anchor(name: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", name.lower()).replace(" ", "-")


def _count_cells(counts: Counter[str]) -> list[object]:
    return [f"**{counts[s]}**" if s in FAILING and counts[s] else counts[s] for s in COLUMNS]


def _policy_names(policies: Sequence[PolicyEvidence]) -> str:
    return ", ".join(cell(p.info.id) for p in policies)


def _header(results: RunResults, evidence: Evidence) -> list[str]:
    when = results.finished or results.started
    date = when.strftime("%Y-%m-%d %H:%M UTC") if when else results.today.isoformat()
    scanned = ", ".join(f"{cell(k)} {n}" for k, n in sorted(results.files_scanned.items()))
    total = results.counts()
    verdicts = ", ".join(f"{total[s]} {HEADINGS[s].lower()}" for s in COLUMNS if total[s])
    scope = (
        "complete: every collected policy item ran"
        if results.full_run
        else "**partial**: items were deselected (-k, -m, --lf or a plugin)"
    )
    rows = [
        ("Date", date),
        ("Repository root", cell(results.root)),
        ("Tool", f"pytest-devops-policy {cell(results.tool_version)}"),
        ("Fails on", f"severity {cell(results.fail_on)} and above"),
        ("Waiver expiry judged as of", results.today.isoformat()),
        ("Scope", scope),
        ("Files scanned", scanned or "none"),
        ("Policies that ran", str(len(evidence.policies) - len(evidence.problems))),
        ("Verdicts", f"{sum(total.values())} ({verdicts})" if verdicts else "0"),
    ]
    out = ["# Compliance evidence by control", "", *_table(("Run", ""), rows), ""]
    if not results.full_run:
        out += [
            "> **Partial evidence.** This run did not run every collected item, so the counts "
            "cover only the items that ran, and a waiver that matched nothing is not called "
            "unused. Run the whole suite for complete evidence.",
            "",
        ]
    out += [
        "Each count is a verdict: one policy's judgement of one resource (a Dockerfile "
        "stage, a Kubernetes object, a workflow job, a Terraform resource, a file's secrets). "
        "A control's counts are those of the policies that check it. "
        "**Passed**: the resource complies. **Failed**: it does not, and the run fails. "
        "**Waived**: it does not, but a waiver accepts the risk (listed with each "
        "framework). **Below threshold**: a finding of a severity below the fail-on level. "
        "**Unknown**: the files do not say (a value only known at deploy time). "
        "**Error**: the check itself failed. **Not checked**: skipped, with a reason. "
        "A control whose counts are all 0 had no resource to judge in this run.",
        "",
    ]
    return out


def _failing_md(policies: Sequence[PolicyEvidence], controls: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for p in policies:
        if not p.failing:
            continue
        cited = controls.get(p.info.id)
        what = f"{cell(p.info.id)} {cell(p.info.name)}"
        if cited:
            what += f" (controls {', '.join(cell(c) for c in cited)})"
        rows = []
        for item, v in p.failing[:MARKDOWN_CAP]:
            line, message = _where(item, v)
            rows.append(
                (
                    f"{cell(item.file)}:{line}",
                    cell(item.resource) or "(file)",
                    cell(v.severity),
                    cell(message, MESSAGE_CAP),
                )
            )
        out += [
            f"**{what}**: {len(p.failing)} failing",
            "",
            *_table(("Location", "Resource", "Severity", "Message"), rows),
        ]
        more = len(p.failing) - MARKDOWN_CAP
        if more > 0:
            out.append(f"\nand {more} more (the JSON report lists them all)")
        out.append("")
    return out


def _waivers_md(policies: Sequence[PolicyEvidence]) -> list[str]:
    found = _waivers(policies)
    if not found:
        return []
    rows = [
        (
            cell(w.source),
            ", ".join(cell(i) for i in covered),
            cell(w.reason) or "(none)",
            cell(w.owner) or "(none)",
            cell(w.expires) or "never",
            f"**{w.status}**" if w.status == "expired" else w.status,
        )
        for w, covered in found
    ]
    return [
        "Waivers:",
        "",
        *_table(("Source", "Policies", "Reason", "Owner", "Expires", "Status"), rows),
        "",
    ]


def _section_md(section: Section) -> list[str]:
    fw = section.framework
    intro = (
        [
            "Control ids of no framework this version knows (a plugin's own), as the policies "
            "cite them.",
            "",
        ]
        if fw is OTHER
        else []
    )
    rows = [
        (
            cell(c.id) if fw is OTHER else f"{cell(fw.short(c.id))} ({cell(c.id)})",
            _policy_names(c.policies),
            *_count_cells(c.counts()),
        )
        for c in section.controls
    ]
    cited: dict[str, list[str]] = {}
    for c in section.controls:
        for p in c.policies:
            cited.setdefault(p.info.id, []).append(c.id)
    policies = section.policies()
    return [
        f"## {cell(fw.name)}",
        "",
        *intro,
        *_table(("Control", "Policies", *(HEADINGS[s] for s in COLUMNS)), rows),
        "",
        *_failing_md(policies, cited),
        *_waivers_md(policies),
    ]


def _group_md(heading: str, intro: str, policies: Sequence[PolicyEvidence]) -> list[str]:
    if not policies:
        return []
    rows = [
        (cell(p.info.id), cell(p.info.name), cell(p.info.severity), *_count_cells(p.counts))
        for p in policies
    ]
    return [
        f"## {heading}",
        "",
        intro,
        "",
        *_table(("Policy", "Name", "Severity", *(HEADINGS[s] for s in COLUMNS)), rows),
        "",
        *_failing_md(policies, {}),
        *_waivers_md(policies),
    ]


def markdown(results: RunResults, evidence: Evidence | None = None) -> str:
    evidence = evidence or gather(results)
    out = _header(results, evidence)
    if evidence.sections:
        rows = []
        for s in evidence.sections:
            name = s.framework.name
            failing = sum(1 for c in s.controls if any(c.counts()[x] for x in FAILING))
            link = f"[{cell(name)}](#{_anchor(name)})"
            rows.append((link, len(s.controls), failing, *_count_cells(s.counts())))
        out += [
            "## Frameworks",
            "",
            *_table(
                ("Framework", "Controls", "Controls failing", *(HEADINGS[s] for s in COLUMNS)),
                rows,
            ),
            "",
        ]
    for section in evidence.sections:
        out += _section_md(section)
    out += _group_md(
        "Policies that cite no control",
        "These policies ran but map to no control; their verdicts are evidence of nothing above.",
        evidence.no_control,
    )
    out += _group_md(
        "Files that could not be checked",
        "A file that cannot be parsed or analysed was judged by no policy: its evidence is "
        "missing from every control above.",
        evidence.problems,
    )
    return "\n".join(out).rstrip("\n") + "\n"


# -- the writer -----------------------------------------------------------------------------


def write(results: RunResults, path: str) -> str:
    as_json = path.lower().endswith(".json")
    evidence = gather(results)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        if as_json:
            json.dump(document(results, evidence), fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        else:
            fh.write(markdown(results, evidence))
    os.replace(tmp, path)
    controls = sum(len(s.controls) for s in evidence.sections)
    what = "JSON" if as_json else "Markdown"
    return f"devops-policy: wrote controls report ({what}) {path} ({controls} controls)"
