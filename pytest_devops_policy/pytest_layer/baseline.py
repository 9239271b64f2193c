"""The pytest side of the findings baseline (issue 22; the file itself: ``baseline.py``).

* start-up: the baseline read (from disk, or from the merge-base with
  ``--devops-policy-baseline-ref``) and the one written; a broken file is one usage error;
* collection: inline waivers absent at the merge-base are not honoured; entries whose file
  or resource no longer exists become one failing item of the baseline file (``::stale``);
* the end: ``--devops-policy-baseline-write`` rewrites the file from the items' records, the
  same records the report formats read, which travel with xdist's reports, so only the
  controller writes; the summary counts baselined, fixed and new findings.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_devops_policy import baseline as bl
from pytest_devops_policy.model import Source
from pytest_devops_policy.reports.model import ItemRecord, item_from_wire
from pytest_devops_policy.waivers import Waiver, inline_waivers

if TYPE_CHECKING:
    from pytest_devops_policy.kinds import Format
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy
    from pytest_devops_policy.settings import Settings

FILES_OUTPUT = "devops_policy_baseline_files"
STALE = "BASELINE-STALE"
_COUNTED = ("baselined", "fixed", "new")


def load_read(settings: Settings) -> bl.Baseline | None:
    """The baseline a run judges with, or None; its problems are usage errors."""
    if not settings.baseline:
        return None
    shown = settings.baseline_shown
    base = settings.merge_base
    try:
        if base is None:
            writing = os.path.abspath(settings.baseline) == os.path.abspath(
                settings.baseline_write or "\0"
            )
            found = bl.load(settings.baseline, shown, missing_ok=writing)
            if not found.exists:
                found.note = f"baseline {shown} does not exist yet: every finding is new"
            return found
        text = base.text(settings.baseline)
        if text is None:
            return bl.Baseline(
                shown,
                exists=False,
                note=f"baseline {shown} does not exist at {base.short} (the merge-base with "
                f"{base.ref}): every finding is new",
            )
        found = bl.parse(text, f"{shown} at {base.short}")
        found.shown = shown
        found.note = (
            f"baseline {shown} and waivers read at {base.short} (merge-base with {base.ref})"
        )
        return found
    except bl.BaselineError as exc:
        raise pytest.UsageError(f"devops-policy: {exc}") from None


def load_written(settings: Settings) -> bl.Baseline | None:
    """The baseline file ``--devops-policy-baseline-write`` rewrites (None: none yet)."""
    if not settings.baseline_write:
        return None
    try:
        found = bl.load(settings.baseline_write, settings.baseline_write_shown, missing_ok=True)
    except bl.BaselineError as exc:
        raise pytest.UsageError(f"devops-policy: {exc}") from None
    return found if found.exists else None


def honoured_inline(
    state: DevopsPolicy, source: Source, fmt: Format, inline: list[Waiver]
) -> list[Waiver]:
    """With a merge-base, an inline waiver counts only when the file had the same waiver
    (same policy ids and reason) there: a pull request cannot waive its own findings."""
    base = state.settings.merge_base
    if base is None or not inline:
        return inline
    text = base.text(source.path)
    present: set[tuple[tuple[str, ...], str | None]] = set()
    if text is not None:
        then = Source(source.path, source.relpath, text)
        present = {(w.ids, w.reason) for w in inline_waivers(then, fmt.comments(then))}
    kept = []
    for w in inline:
        if not w.valid or (w.ids, w.reason) in present:
            kept.append(w)
        else:
            state.notes.append(
                f"{w.source}: waiver {','.join(w.ids)} is not in this file at {base.short} "
                f"(the merge-base with {base.ref}): not honoured"
            )
    return kept


# formats.kubernetes.ANNOTATION_PREFIX + "ignore", not imported: judging a Dockerfile must not
# load the Kubernetes reader (a test keeps the spellings equal).
ANNOTATION_KEY = "devops-policy.io/ignore"


def honoured_annotations(state: DevopsPolicy, path: str, waivers: list[Waiver]) -> list[Waiver]:
    """With a merge-base, a Kubernetes annotation waiver counts only when the file held it
    there: its ``devops-policy.io/ignore`` key, its ids and its reason, as written."""
    base = state.settings.merge_base
    if base is None or not waivers:
        return waivers
    text = base.text(path) or ""
    kept = []
    for w in waivers:
        written = ANNOTATION_KEY in text and all(i in text for i in w.ids)
        if not w.valid or (written and (w.reason or "") in text):
            kept.append(w)
        else:
            state.notes.append(
                f"{w.source}: annotation waiver {','.join(w.ids)} is not in this file at "
                f"{base.short} (the merge-base with {base.ref}): not honoured"
            )
    return kept


def _inside(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def gone_files(state: DevopsPolicy, files: Iterable[str]) -> list[str]:
    """Of the entries' files, those under the run's paths that no longer exist."""
    root = str(state.config.rootpath)
    roots = [os.path.abspath(r) for r in state.analyser.cache.roots]
    out = []
    for f in files:
        path = os.path.abspath(os.path.join(root, f))
        if _inside(path, roots) and not os.path.exists(path):
            out.append(f)
    return out


def stale_entries(state: DevopsPolicy, items: list[pytest.Item]) -> list[bl.Entry]:
    """Entries no verdict of this run can match: their file was judged but the resource or
    the verdict is gone, or their file is gone. Entries of policies not selected stay."""
    baseline = state.baseline
    if baseline is None or not baseline.entries:
        return []
    from pytest_devops_policy.pytest_layer.nodes import PolicyItem, ResourceItem

    seen: set[tuple[str, str, str]] = set()
    for item in items:
        verdicts = (
            [item.verdict]
            if isinstance(item, PolicyItem)
            else item.verdicts
            if isinstance(item, ResourceItem)
            else []
        )
        for v in verdicts:
            scope = v.scope
            seen.add((scope.file_text.relpath, scope.result.label, v.policy.id))
    files = {e.file for e in baseline.entries if e.triple not in seen}
    gone = set(gone_files(state, files))
    return [
        e
        for e in baseline.entries
        if e.triple not in seen
        and (e.file in state.baseline_files or e.file in gone)
        and state.settings.selects(e.policy, "")
    ]


def stale_items(state: DevopsPolicy, session: pytest.Session, items: list[pytest.Item]) -> None:
    """One failing item for the baseline file listing its stale entries."""
    entries = stale_entries(state, items)
    if not entries or state.baseline is None:
        return
    from pytest_devops_policy.pytest_layer.nodes import BaselineFile

    holder = BaselineFile.from_parent(
        session, path=Path(state.settings.baseline), state=state, entries=entries
    )
    items.extend(holder.collect())


class BaselineWrite:
    """``--devops-policy-baseline-write``: the rewrite, on the controller only."""

    def __init__(self, state: DevopsPolicy, old: bl.Baseline | None) -> None:
        self.state = state
        self.old = old
        self.worker = hasattr(state.config, "workerinput")
        self.items: list[ItemRecord] = []
        self.said: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.worker or report.when != "call":
            return
        data = getattr(report, "devops_policy", None)
        if isinstance(data, dict):
            self.items.append(item_from_wire(report.nodeid, "", data))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        self.state.baseline_files.update(output.get(FILES_OUTPUT) or [])

    def observed(self) -> bl.Observed:
        seen = bl.Observed(files=set(self.state.baseline_files))
        for item in self.items:
            for v in item.verdicts:
                if v.policy_id in bl.PSEUDO:
                    continue
                triple = (item.file, item.resource, v.policy_id)
                if v.status in ("unknown", "error", "skipped"):
                    seen.undecided.add(triple)
                    continue
                keys = seen.current.setdefault(triple, set())
                if v.status in ("passed", "waived"):
                    continue  # (a waived finding needs no entry)
                for f in (*v.findings, *v.baselined):
                    keys.add(f.fingerprint)
                    if v.status != "below-threshold":
                        seen.failing.append(
                            bl.Entry(
                                item.file,
                                item.resource,
                                v.policy_id,
                                f.fingerprint,
                                f.message.splitlines()[0] if f.message else "",
                                f.severity,
                            )
                        )
        return seen

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        state = self.state
        workeroutput = getattr(state.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[FILES_OUTPUT] = sorted(state.baseline_files)
            return
        settings = state.settings
        old = self.old
        gone = gone_files(state, {e.file for e in old.entries}) if old is not None else []
        entries, removed, added = bl.rewrite(
            old,
            self.observed(),
            add=settings.baseline_add,
            full_run=state._full_run(),
            gone=gone,
            selected=lambda pid: settings.selects(pid, ""),
        )
        path = settings.baseline_write
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            tmp = f"{path}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(bl.dumps(entries))
            os.replace(tmp, path)
        except OSError as exc:
            self.said.append(
                f"ERROR: devops-policy: cannot write the baseline {path}: {exc.strerror}"
            )
            if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
                session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
            return
        kept_new = "" if old is None or settings.baseline_add else ", new failures not added"
        self.said.append(
            f"devops-policy: wrote baseline {settings.baseline_write_shown} ({len(entries)} "
            f"entries: {removed} removed as fixed, {added} added{kept_new})"
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for line in self.said:
            terminalreporter.line(line)


def count(counts: Counter[str], props: Iterable[tuple[str, object]]) -> None:
    """Add an item's baseline properties (``baseline_fixed``, ``K8S-001.baseline_new``...)
    to the run's counts: the controller of an xdist run sees only the reports."""
    for key, value in props:
        name = str(key).rpartition(".")[2]
        if name.startswith("baseline_") and name[9:] in _COUNTED:
            counts[name[9:]] += int(str(value) or 0)


def summary(baseline: bl.Baseline | None, counts: Counter[str]) -> Iterator[str]:
    if baseline is None:
        return
    yield (
        f"baseline: {counts['baselined']} baselined, {counts['fixed']} fixed (remove them), "
        f"{counts['new']} new ({baseline.shown})"
    )
    if baseline.note:
        yield f"  {baseline.note}"
