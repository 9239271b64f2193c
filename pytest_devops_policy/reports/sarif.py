"""``--devops-policy-sarif=PATH``: the run as one SARIF 2.1.0 log, for GitHub code scanning.

One run. Its rules are the policies that ran (and the PARSE-ERROR, INTERNAL-ERROR and
WAIVER-INVALID pseudo rules when a result needs one); its results are the failing findings,
one per finding, located by file (relative to the repository root, ``%SRCROOT%``), line
and column, and keyed by the finding's fingerprint, which does not change when lines move.

Choices (the README documents them):

- level: critical and high are ``error``, medium ``warning``, low ``note``; GitHub shows
  the rule's ``security-severity`` (9.5, 8.0, 5.5, 3.0: inside GitHub's critical, high,
  medium and low bands) next to it, since every rule is tagged ``security``;
- precision: ``high`` for the policies (each is a deterministic reading of the file, not a
  guess), ``very-high`` for the pseudo rules (a file that does not parse is a fact);
- waived and below-threshold findings are left out (GitHub ignores ``suppressions`` and
  would open alerts for them); ``include_suppressed`` writes them with ``suppressions``;
- Unknowns, skips and passes are never results: their counts are in ``run.properties``
  (not notifications, which GitHub shows as problems of the tool itself);
- GitHub's limits: what fits is written, most severe first, and the line printed says
  what was left out and why (also ``run.properties.devopsPolicy.resultsLeftOut``).

Every text is the model's, already masked; the scanned files are never read here.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import pathlib
import urllib.parse
from collections.abc import Iterable
from typing import Any

from pytest_devops_policy.fingerprint import finding_key
from pytest_devops_policy.reports.model import (
    PSEUDO_POLICIES,
    ItemRecord,
    PolicyInfo,
    RunResults,
    VerdictRecord,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "pytest-devops-policy"
FINGERPRINT_KEY = "devopsPolicy/v1"  # bump the tail with fingerprint.VERSION

# GitHub code scanning's limits on one upload (its "SARIF results exceed limit" and "SARIF
# file too large" pages): over them the upload is rejected.
MAX_RESULTS = 25_000  # per run (GitHub then displays the 5,000 most severe)
MAX_RULES = 25_000  # per run
MAX_TAGS = 20  # per rule (GitHub displays 10)
MAX_LOCATIONS = 1_000  # per result: we write exactly one
MAX_GZIP_BYTES = 10_000_000  # the gzipped file: "10 MB", read as the smaller of 10^7 and 10 MiB

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_REPORTED = frozenset({"failed", "error"})
_SUPPRESSED = frozenset({"waived", "below-threshold", "baselined"})


def _severity(*candidates: str) -> str:
    return next((s for s in candidates if s in _RANK), "medium")


def _utc(moment: dt.datetime | None) -> str | None:
    """SARIF's date-time form: UTC, with a Z."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def _information_uri() -> str | None:
    """The project's URL as the installed package declares it (``[project.urls]``); a
    made-up address would be worse than none."""
    try:
        from importlib.metadata import metadata

        meta = metadata(TOOL_NAME)
    except Exception:  # not installed (a source checkout on PYTHONPATH)
        return None
    urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
    urls += meta.get_all("Home-page") or []
    return next((u for u in urls if u.startswith(("https://", "http://"))), None)


def _bag(**values: Any) -> dict[str, Any]:
    """A property bag without empty strings (a pseudo rule has no kind, a PARSE-ERROR item
    no resource): GitHub's SARIF checks dislike empty values."""
    return {k: v for k, v in values.items() if v != ""}


# -- rules ---------------------------------------------------------------------------------


def _help_text(p: PolicyInfo) -> str:
    parts = [p.title.rstrip(".") + "." if p.title else p.id]
    if p.rationale:
        parts.append("Why: " + p.rationale)
    if p.remediation:
        parts.append("How to fix: " + p.remediation)
    parts.append(f"More: pytest --devops-policy-explain={p.id}")
    return "\n\n".join(parts)


def _help_markdown(p: PolicyInfo) -> str:
    if p.page.strip():
        return p.page
    parts = [f"# {p.id} {p.name}", p.title]
    if p.rationale:
        parts += ["## Why", p.rationale]
    if p.remediation:
        parts += ["## How to fix", p.remediation]
    parts.append(f"`pytest --devops-policy-explain={p.id}`")
    return "\n\n".join(parts)


def _tags(p: PolicyInfo, severity: str) -> list[str]:
    tags: list[str] = []
    for tag in (p.kind, "security", severity, *p.controls):
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def rule(p: PolicyInfo) -> dict[str, Any]:
    severity = _severity(p.severity)
    out: dict[str, Any] = {
        "id": p.id,
        "name": p.name or p.id.lower(),
        "shortDescription": {"text": p.title or p.id},
        "fullDescription": {"text": p.rationale or p.title or p.id},
        "help": {"text": _help_text(p), "markdown": _help_markdown(p)},
    }
    uri = next((r for r in p.references if r.startswith(("https://", "http://"))), None)
    if uri is not None:
        out["helpUri"] = uri
    out["defaultConfiguration"] = {"level": LEVELS[severity]}
    out["properties"] = _bag(
        tags=_tags(p, severity),
        precision="very-high" if p.id in PSEUDO_POLICIES else "high",
        kind=p.kind,
        severity=severity,
        controls=list(p.controls),
    )
    out["properties"]["security-severity"] = SECURITY_SEVERITY[severity]
    return out


# -- results -------------------------------------------------------------------------------


def _uri(relpath: str) -> str:
    return urllib.parse.quote(relpath.replace("\\", "/"), safe="/")


def _justification(v: VerdictRecord) -> str:
    """Why a waived finding is accepted: the waiver's reason, owner, expiry and place."""
    w = v.waiver
    if w is None:
        return v.reason or "waived"
    parts = [w.reason or "waived"]
    for label, value in (("owner", w.owner), ("expires", w.expires), ("ticket", w.ticket)):
        if value:
            parts.append(f"{label}: {value}")
    parts.append(f"waiver at {w.source}")
    return "; ".join(parts)


def _suppression(results: RunResults, item: ItemRecord, v: VerdictRecord) -> dict[str, str]:
    if v.status == "waived":
        source = v.waiver.source if v.waiver else ""
        # an inline comment or annotation sits in the scanned file; pyproject's does not
        in_source = bool(source) and source.rpartition(":")[0] == item.file
        kind, justification = ("inSource" if in_source else "external"), _justification(v)
    elif v.status == "baselined" or v.baselined:
        kind, justification = "external", _in_baseline(v.reason)
    else:
        kind, justification = "external", f"below --devops-policy-fail-on={results.fail_on}"
    return {"kind": kind, "status": "accepted", "justification": justification}


def _in_baseline(reason: str) -> str:
    """ "in baseline PATH", from a baselined verdict's reason ("in baseline PATH: ...") or a
    failing one's ("... (2 more in baseline PATH)")."""
    at = reason.rfind("in baseline ")
    if at < 0:
        return "in baseline"
    text = reason[at:]
    return text.split(": ", 1)[0].removesuffix(")") if ": " in text else text.removesuffix(")")


class _Candidate:
    """A result before the limits are applied: its sort key and its SARIF object."""

    __slots__ = ("key", "obj", "rule_id")

    def __init__(self, key: tuple[Any, ...], obj: dict[str, Any], rule_id: str) -> None:
        self.key = key
        self.obj = obj
        self.rule_id = rule_id


def _candidates(results: RunResults) -> tuple[list[_Candidate], int]:
    """Every result the run may write, and how many suppressed findings were left out."""
    out: list[_Candidate] = []
    left_out = 0
    include = results.settings.include_suppressed
    for item in results.items:
        if not item.in_repository:
            continue  # a live host's findings have no file in the repository to sit on
        uri = _uri(item.file or item.nodeid.partition("::")[0])
        for v in item.verdicts:
            suppressed = v.status in _SUPPRESSED
            if v.status not in _REPORTED and not suppressed:
                continue
            if suppressed and not include:
                left_out += max(1, len(v.findings))
                continue
            if v.baselined and not include:
                left_out += len(v.baselined)  # a failing verdict's baselined findings
            policy = results.policy(v.policy_id)
            kind = results.kind_of(item, v)
            base = _bag(
                nodeid=item.nodeid,
                resource=item.resource,
                kind=kind,
                status=v.status,
                controls=list(policy.controls),
            )
            if v.findings:
                spots = [
                    (f.line, f.col, f.end_line, f.end_col, f.severity, f.message, f.fingerprint)
                    for f in v.findings
                ]
            else:  # a crash or another plugin's failure: the verdict is all we have
                key = finding_key(v.policy_id, item.file, item.resource, v.reason)
                line = max(1, v.line or item.line)
                spots = [(line, 1, line, 0, v.severity, "", key)]
            marked = [suppressed] * len(spots)
            if include and v.baselined and not suppressed:
                spots.extend(
                    (f.line, f.col, f.end_line, f.end_col, f.severity, f.message, f.fingerprint)
                    for f in v.baselined
                )
                marked.extend([True] * len(v.baselined))
            for spot, suppressed in zip(spots, marked, strict=True):
                line, col, end_line, end_col, severity, message, fingerprint = spot
                sev = _severity(severity, v.severity, policy.severity)
                line, col = max(1, line), max(1, col)
                region: dict[str, int] = {
                    "startLine": line,
                    "startColumn": col,
                    "endLine": max(line, end_line),
                }
                if end_col > 0:  # unknown for a bare verdict: SARIF then means "to the end"
                    region["endColumn"] = end_col if end_line > line else max(col, end_col)
                text = message or v.reason or policy.title or v.policy_id
                obj: dict[str, Any] = {
                    "ruleId": v.policy_id,
                    "ruleIndex": -1,
                    "level": LEVELS[sev],
                    "message": {"text": text},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                "region": region,
                            }
                        }
                    ],
                    "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
                    "properties": {**base, "severity": sev},
                }
                if suppressed:
                    obj["suppressions"] = [_suppression(results, item, v)]
                order = (suppressed, _RANK[sev], item.file, line, col, v.policy_id, fingerprint)
                out.append(_Candidate(order, obj, v.policy_id))
    out.sort(key=lambda c: c.key)
    return out, left_out


# -- the log -------------------------------------------------------------------------------


def _rules(results: RunResults, written: Iterable[_Candidate]) -> list[PolicyInfo]:
    """The policies that ran, and whatever the written results name besides; if there are
    more than GitHub takes, the ones with results first."""
    used = list(dict.fromkeys(c.rule_id for c in written))
    ids = sorted({*results.policies, *used})
    if len(ids) > MAX_RULES:
        keep = set(used)
        keep.update([i for i in ids if i not in keep][: MAX_RULES - len(keep)])
        ids = [i for i in ids if i in keep]
    return [results.policy(i) for i in ids]


def _automation_id(category: str) -> str | None:
    """GitHub reads ``runAutomationDetails.id`` as ``category/run-id`` and keeps what is
    before the last "/": a bare ``changed-files`` is taken as ``changed-files/`` (the upload
    action does the same with its ``category`` input)."""
    category = category.strip()
    if not category:
        return None
    return category if "/" in category else category + "/"


def document(
    results: RunResults, candidates: list[_Candidate], extra: dict[str, Any]
) -> dict[str, Any]:
    rules = _rules(results, candidates)
    index = {p.id: i for i, p in enumerate(rules)}
    for c in candidates:
        c.obj["ruleIndex"] = index[c.rule_id]
    driver: dict[str, Any] = {"name": TOOL_NAME}
    if results.tool_version:
        driver["version"] = results.tool_version
        driver["semanticVersion"] = results.tool_version
    info = _information_uri()
    if info is not None:
        driver["informationUri"] = info
    driver["rules"] = [rule(p) for p in rules]

    counts = results.counts()
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(
            v.policy_id == "INTERNAL-ERROR" for _, v in results.verdicts()
        )
    }
    for key, moment in (("startTimeUtc", results.started), ("endTimeUtc", results.finished)):
        stamp = _utc(moment)
        if stamp is not None:
            invocation[key] = stamp
    root = pathlib.Path(os.path.abspath(results.root or ".")).as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
        "columnKind": "unicodeCodePoints",
        "results": [c.obj for c in candidates],
        "properties": {
            "devopsPolicy": {
                "verdicts": {s: counts[s] for s in sorted(counts)},
                "failOn": results.fail_on,
                "includeSuppressed": results.settings.include_suppressed,
                "filesScanned": dict(sorted(results.files_scanned.items())),
                **extra,
            }
        },
    }
    automation = _automation_id(results.settings.sarif_category)
    if automation is not None:
        run["automationDetails"] = {"id": automation}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _encode(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _gzipped(data: bytes) -> int:
    if len(data) <= MAX_GZIP_BYTES:  # JSON only shrinks: no need to compress to know
        return len(data)
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def render(results: RunResults) -> tuple[bytes, int, int, str]:
    """The file's bytes, the results written, the results left out by the limits and the
    reason; a run over a limit keeps its most severe results."""
    candidates, suppressed_out = _candidates(results)
    total = len(candidates)
    why = ""
    if total > MAX_RESULTS:
        candidates = candidates[:MAX_RESULTS]
        why = f"GitHub code scanning rejects a run of more than {MAX_RESULTS:,} results"

    def build(kept: list[_Candidate]) -> bytes:
        extra: dict[str, Any] = {"suppressedLeftOut": suppressed_out}
        if len(kept) < total:
            extra["resultsLeftOut"] = total - len(kept)
            extra["leftOutBecause"] = why
        return _encode(document(results, kept, extra))

    data = build(candidates)
    size = _gzipped(data)
    while size > MAX_GZIP_BYTES and candidates:
        # cut in proportion to the excess (a little more, so one or two passes do)
        keep = min(len(candidates) - 1, int(len(candidates) * MAX_GZIP_BYTES / size * 0.95))
        candidates = candidates[: max(0, keep)]
        too_big = f"GitHub code scanning rejects a file over {MAX_GZIP_BYTES:,} bytes gzipped"
        why = f"{why}; {too_big}" if why and too_big not in why else why or too_big
        data = build(candidates)
        size = _gzipped(data)
    if size > MAX_GZIP_BYTES:  # the rules alone are too big: say so, GitHub will refuse it
        why += f"; even without results this file is {size:,} bytes gzipped"
    return data, len(candidates), total - len(candidates), why


def write(results: RunResults, path: str) -> str:
    data, written, cut, why = render(results)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    line = f"devops-policy: wrote SARIF report {path} ({written} results)"
    if cut:
        line += (
            f"; LEFT OUT the {cut:,} least severe of {written + cut:,} results: {why}"
            " (select fewer policies or paths, or raise --devops-policy-fail-on)"
        )
    elif why:
        line += f"; WARNING: {why}"
    return line
