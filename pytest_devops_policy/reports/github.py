"""GitHub Actions: ``::error``/``::warning`` annotations and a Markdown job summary.

Active when ``GITHUB_ACTIONS=true`` (or ``--devops-policy-github=on``); the controller
calls ``emit`` once per run. The annotations are workflow commands the terminal prints:
an ``::error`` for each failing finding (status failed or error), a ``::warning`` for each
finding below the fail-on threshold (the run passes, the finding is worth seeing); waived
findings and Unknowns get none. GitHub shows at most 10 error and 10 warning annotations
per step, so the most severe are printed and one plain line counts the rest.

The summary goes to the file ``GITHUB_STEP_SUMMARY`` names (appended: earlier steps'
commands in the same step may have written to it). GitHub refuses a summary over 1 MiB, so
the lists are capped and the summary stops adding policies before the limit. Every text
that comes from a scanned file (already masked) is escaped for Markdown and HTML.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from pytest_devops_policy.reports import repo_root
from pytest_devops_policy.reports.model import SEVERITIES, STATUSES, RunResults

ANNOTATIONS_PER_LEVEL = 10  # GitHub: 10 error and 10 warning annotations per step
SUMMARY_LIMIT = 1024 * 1024  # GitHub: "supports content up to a size of 1024k"
SUMMARY_MARGIN = 8 * 1024  # room for the lines that say what was left out
PER_POLICY = 20  # findings listed under one policy
MESSAGE_CHARS = 300  # a message longer than this is cut in the summary
TABLE_ROWS = 200  # waivers, Unknowns, below-threshold rows
FAILING = ("failed", "error")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


class SummaryNotWritten(OSError):
    """The summary file could not be written; ``lines`` are the annotations to print anyway."""

    def __init__(self, exc: OSError, path: str, lines: list[str]) -> None:
        super().__init__(exc.errno, exc.strerror, path)
        self.lines = lines


@dataclass(frozen=True)
class Entry:
    """One annotated place: a finding, or a verdict that has none (a crash, a user's skip)."""

    policy_id: str
    status: str
    severity: str
    path: str  # relative to the checkout
    line: int
    col: int  # 0: no column
    end_col: int  # exclusive; 0: none
    message: str

    @property
    def rank(self) -> tuple[int, str, int, int]:
        return (_RANK.get(self.severity, len(_RANK)), self.path, self.line, self.col)


def entries(results: RunResults, statuses: Iterable[str], head: str = "") -> Iterator[Entry]:
    wanted = set(statuses)
    for item, v in results.verdicts():
        if v.status not in wanted:
            continue
        # A live host's finding is annotated without a file (it has none in the repository).
        path = repo_root.join(head, item.file) if item.file and item.in_repository else ""
        if v.findings:
            for f in v.findings:
                yield Entry(
                    v.policy_id, v.status, f.severity, path, f.line, f.col, f.end_col, f.message
                )
        else:
            message = v.reason or results.policy(v.policy_id).title
            yield Entry(v.policy_id, v.status, v.severity, path, v.line, 0, 0, message)


# -- workflow commands --------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A command's message, escaped as GitHub's toolkit escapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value: the message's escapes, and the separators ``:`` ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, props: Iterable[tuple[str, object]]) -> str:
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
    return f"::{level}{' ' + given if given else ''}::{escape_data(message)}"


def annotation(results: RunResults, level: str, e: Entry) -> str:
    policy = results.policy(e.policy_id)
    props: list[tuple[str, object]] = []
    if e.path:
        props += [("file", e.path), ("line", e.line), ("endLine", e.line)]
        if e.col:
            props.append(("col", e.col))
            if e.end_col > e.col:  # GitHub's end column is the last one, ours is past it
                props.append(("endColumn", e.end_col - 1))
    props.append(("title", f"{e.policy_id} {policy.name} [{e.severity}]"))
    return command(level, e.message, props)


def annotation_lines(results: RunResults, head: str, where: str) -> list[str]:
    """The most severe failing and below-threshold findings as workflow commands, and one
    line counting those GitHub would not show."""
    out: list[str] = []
    left: list[str] = []
    for level, statuses, what in (
        ("error", FAILING, "failing"),
        ("warning", ("below-threshold",), "below-threshold"),
    ):
        found = sorted(entries(results, statuses, head), key=lambda e: e.rank)
        out += [annotation(results, level, e) for e in found[:ANNOTATIONS_PER_LEVEL]]
        if len(found) > ANNOTATIONS_PER_LEVEL:
            left.append(f"{len(found) - ANNOTATIONS_PER_LEVEL} of {len(found)} {what}")
    if left:
        out.append(
            f"devops-policy: {' and '.join(left)} findings not annotated (GitHub shows "
            f"{ANNOTATIONS_PER_LEVEL} error and {ANNOTATIONS_PER_LEVEL} warning annotations "
            f"per step, the most severe first): {where}"
        )
    return out


# -- the job summary ----------------------------------------------------------------------

# Markdown that text from a scanned file could use: emphasis, links, code, tables, math,
# headings, emoji and mentions. Escaped with a backslash; < > & become entities (no HTML).
_MARKDOWN = re.compile(r"([\\`*_\[\](){}#|~!@:$^])")


def md(text: str, limit: int = 0) -> str:
    """``text`` as literal Markdown on one line (cut to ``limit`` characters first)."""
    text = " ".join(text.split())
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def linker(environ: Mapping[str, str]) -> Callable[[str, int], str]:
    """``path:line`` as a link to the file at the run's commit when GitHub says which."""
    server = environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    repo = environ.get("GITHUB_REPOSITORY", "")
    sha = environ.get("GITHUB_SHA", "")
    base = f"{server}/{quote(repo)}/blob/{quote(sha)}/" if server and repo and sha else ""

    def link(path: str, line: int) -> str:
        text = md(f"{path}:{line}") if path else md(f"line {line}")
        if not base or not path:
            return text
        return f"[{text}]({base}{quote(path)}#L{line})"

    return link


def _table(header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _capped(rows: list[tuple[object, ...]], width: int) -> list[tuple[object, ...]]:
    if len(rows) <= TABLE_ROWS:
        return rows
    more = f"… and {len(rows) - TABLE_ROWS} more"
    return [*rows[:TABLE_ROWS], (more, *[""] * (width - 1))]


def _head(results: RunResults, counts: Counter[str]) -> list[str]:
    failing = sum(counts[s] for s in FAILING)
    verdict = (
        f":x: **{failing} failing** (fail-on: {md(results.fail_on)})"
        if failing
        else f":white_check_mark: **nothing failing** (fail-on: {md(results.fail_on)})"
    )
    scanned = " · ".join(f"{md(k)} {n}" for k, n in sorted(results.files_scanned.items()))
    out = [
        "## pytest-devops-policy",
        "",
        f"{verdict} · {len(results.items)} items · {sum(counts.values())} verdicts",
        "",
    ]
    if scanned:
        out += [f"Files scanned: {scanned}", ""]
    if not results.full_run:
        out += ["_A partial run: some items were deselected._", ""]
    out += ["### Verdicts by status", ""]
    rows = [(s, counts[s]) for s in STATUSES if counts[s] or s == "failed"]
    out += _table(("Status", "Verdicts"), rows)
    by_severity: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for item, v in results.verdicts():
        if v.status in FAILING:
            by_severity[v.severity] += 1
            by_kind[results.kind_of(item, v) or "other"] += 1
    if failing:
        out += ["### Failing by severity", ""]
        order = [*SEVERITIES, *sorted(set(by_severity) - set(SEVERITIES))]
        out += _table(("Severity", "Failing"), [(md(s), by_severity[s]) for s in order])
        out += ["### Failing by kind", ""]
        out += _table(("Kind", "Failing"), [(md(k), n) for k, n in sorted(by_kind.items())])
    return out


def _policy_blocks(
    results: RunResults, head: str, link: Callable[[str, int], str]
) -> Iterator[tuple[int, list[str]]]:
    """Each failing policy's block (most severe policy first), with its finding count."""
    by_policy: dict[str, list[Entry]] = {}
    for e in entries(results, FAILING, head):
        by_policy.setdefault(e.policy_id, []).append(e)

    def order(pid: str) -> tuple[int, int, str]:
        policy = results.policy(pid)
        return (_RANK.get(policy.severity, len(_RANK)), -len(by_policy[pid]), pid)

    for pid in sorted(by_policy, key=order):
        found = sorted(by_policy[pid], key=lambda e: (e.path, e.line, e.col))
        policy = results.policy(pid)
        title = f"{pid} {policy.name}"
        lines = [
            f"#### {md(title)} · {md(policy.severity)} · {len(found)} finding"
            + ("s" if len(found) != 1 else ""),
            "",
        ]
        if policy.title:
            lines += [f"_{md(policy.title)}_", ""]
        for e in found[:PER_POLICY]:
            sev = f" \\[{md(e.severity)}\\]" if e.severity != policy.severity else ""
            lines.append(f"- {link(e.path, e.line)}{sev} {md(e.message, MESSAGE_CHARS)}")
        if len(found) > PER_POLICY:
            lines.append(f"- … and {len(found) - PER_POLICY} more")
        yield len(found), [*lines, ""]


def _waivers(results: RunResults) -> list[str]:
    if not results.waivers:
        return []
    counts = Counter(w.status for w in results.waivers)
    said = [f"{counts[s]} {s}" for s in ("used", "expired", "unused")]
    if counts["not-considered"]:
        said.append(f"{counts['not-considered']} not considered (their files were deselected)")
    out = ["### Waivers", "", " · ".join(said), ""]
    rows: list[tuple[object, ...]] = [
        (
            w.status,
            md(", ".join(w.ids)),
            md(w.source),
            md(w.reason, MESSAGE_CHARS),
            md(w.owner),
            md(w.expires),
            md(w.ticket),
        )
        for status in ("expired", "unused", "used")
        for w in results.waivers
        if w.status == status
    ]
    header = ("Status", "Policies", "Declared at", "Reason", "Owner", "Expires", "Ticket")
    return out + _table(header, _capped(rows, len(header)))


def _by_policy(results: RunResults, status: str) -> list[tuple[str, int, str]]:
    """(policy id, verdicts, first reason) of the verdicts with ``status``, most first."""
    count: Counter[str] = Counter()
    reason: dict[str, str] = {}
    for _, v in results.verdicts():
        if v.status == status:
            count[v.policy_id] += 1
            reason.setdefault(v.policy_id, v.reason)
    return [(pid, n, reason[pid]) for pid, n in sorted(count.items(), key=lambda x: (-x[1], x[0]))]


def _unknowns(results: RunResults) -> list[str]:
    found = _by_policy(results, "unknown")
    if not found:
        return []
    out = [
        "### Not checked statically (Unknown)",
        "",
        "A value these policies need is only known at deploy time (a variable without a "
        "default, a build argument...).",
        "",
    ]
    rows: list[tuple[object, ...]] = [
        (md(pid), md(results.policy(pid).name), n, md(why, MESSAGE_CHARS)) for pid, n, why in found
    ]
    header = ("Policy", "Name", "Unknown", "For example")
    return out + _table(header, _capped(rows, len(header)))


def _below(results: RunResults) -> list[str]:
    found = _by_policy(results, "below-threshold")
    if not found:
        return []
    out = [f"### Below the fail-on threshold ({md(results.fail_on)})", ""]
    rows: list[tuple[object, ...]] = [
        (md(pid), md(results.policy(pid).name), md(results.policy(pid).severity), n)
        for pid, n, _ in found
    ]
    header = ("Policy", "Name", "Severity", "Verdicts")
    return out + _table(header, _capped(rows, len(header)))


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8", "replace")) + 1 for line in lines)


def summary(results: RunResults, environ: Mapping[str, str], budget: int, where: str = "") -> str:
    """The summary's Markdown, at most ``budget`` bytes when it can be (the head, the
    waivers and the other tables are always there; failing policies are added, most
    severe first, while they fit)."""
    head = repo_root.prefix(results.root, environ.get("GITHUB_WORKSPACE"))
    counts = results.counts()
    top = _head(results, counts)
    rest = _waivers(results) + _below(results) + _unknowns(results)
    room = budget - _size(top) - _size(rest)
    body: list[str] = []
    skipped_policies = skipped_findings = 0
    for n, block in _policy_blocks(results, head, linker(environ)):
        size = _size(block)
        if skipped_policies or size > room:
            skipped_policies += 1
            skipped_findings += n
            continue
        room -= size
        body += block
    if body or skipped_policies:
        body = ["### Failing findings by policy", "", *body]
    if skipped_policies:
        body += [
            f"_… and {skipped_policies} more policies with {skipped_findings} failing "
            f"findings, left out to keep the summary under GitHub's 1 MiB limit"
            + (f": {md(where)}" if where else "")
            + "._",
            "",
        ]
    return "\n".join(top + body + rest) + "\n"


def elsewhere(results: RunResults, with_summary: bool) -> str:
    """Where every finding is: the job summary, the report files of this run, the log."""
    places = ["the job summary"] if with_summary else []
    places += [f"the {name} report {path}" for name, path in results.settings.paths]
    return "see " + (" and ".join(places) if places else "the test report in the log")


def emit(results: RunResults, environ: Mapping[str, str]) -> list[str]:
    """The lines to print (annotations, and where the summary went); appends the summary to
    ``GITHUB_STEP_SUMMARY``. Raises ``SummaryNotWritten`` (an OSError carrying the lines)
    when that file cannot be written."""
    head = repo_root.prefix(results.root, environ.get("GITHUB_WORKSPACE"))
    path = environ.get("GITHUB_STEP_SUMMARY", "")
    lines = annotation_lines(results, head, elsewhere(results, bool(path)))
    if not path:
        lines.append("devops-policy: GITHUB_STEP_SUMMARY is not set: no job summary written")
        return lines
    try:
        existing = os.path.getsize(path)
    except OSError:
        existing = 0
    budget = SUMMARY_LIMIT - SUMMARY_MARGIN - existing
    text = summary(results, environ, budget, elsewhere(results, False))
    if len(text.encode("utf-8", "replace")) > SUMMARY_LIMIT - existing:
        lines.append(
            f"devops-policy: no job summary written: {path} already holds {existing} bytes "
            "and GitHub refuses a step summary over 1 MiB"
        )
        return lines
    try:
        with open(path, "a", encoding="utf-8", errors="replace") as fh:
            fh.write(text)
    except OSError as exc:
        raise SummaryNotWritten(exc, path, lines) from exc
    lines.append(f"devops-policy: wrote the GitHub job summary to {path}")
    return lines
