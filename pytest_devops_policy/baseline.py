"""The findings baseline (issue 22): accepted failures, keyed without line numbers.

Not the detect-secrets baseline (``secretsbaseline.py``): this file lists failing
findings of every policy, each by the ONE finding key (``fingerprint.finding_key``, the
SARIF ``partialFingerprints`` and JSON ``fingerprint``), so edits elsewhere in a file do not
break an entry and a secret is keyed by its hash, never its value. A run reading it turns
a baselined failure into an xfail and a baselined finding that is gone into a failure
(the ratchet); ``--devops-policy-baseline-write`` rewrites it, removing what is fixed.

    {"version": 1, "tool": "pytest-devops-policy", "entries": [
      {"policy": ..., "file": ..., "resource": ..., "key": ..., "message": ..., "severity": ...}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

VERSION = 1
TOOL = "pytest-devops-policy"
_FIELDS = ("policy", "file", "resource", "key", "message", "severity")
# Items that are no policy's verdict: they cannot be baselined (a file that does not parse
# is not checked at all; a malformed waiver is fixed, not accepted).
PSEUDO = frozenset({"PARSE-ERROR", "INTERNAL-ERROR", "WAIVER-INVALID", "BASELINE-STALE"})


class BaselineError(Exception):
    """The baseline file cannot be used (unreadable, not JSON, wrong shape)."""


@dataclass(frozen=True, order=True)
class Entry:
    """One accepted finding. ``message`` (masked, first line) is for humans; ``key`` is
    what matches."""

    file: str
    resource: str
    policy: str
    key: str
    message: str = field(default="", compare=False)
    severity: str = field(default="", compare=False)

    @property
    def triple(self) -> tuple[str, str, str]:
        return (self.file, self.resource, self.policy)

    def describe(self) -> str:
        return f"{self.policy} {self.resource or self.file}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in _FIELDS}


@dataclass
class Baseline:
    """The entries of one baseline file, indexed by (file, resource, policy)."""

    shown: str  # the path as the user gave it: what reasons and messages quote
    entries: list[Entry] = field(default_factory=list)
    exists: bool = True
    note: str = ""  # said in the summary (a baseline missing at the merge-base...)
    _by_triple: dict[tuple[str, str, str], dict[str, Entry]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        for e in self.entries:
            self._by_triple.setdefault(e.triple, {})[e.key] = e

    def of(self, relpath: str, resource: str, policy_id: str) -> Mapping[str, Entry]:
        return self._by_triple.get((relpath, resource, policy_id), {})

    def triples(self) -> Iterable[tuple[str, str, str]]:
        return self._by_triple.keys()


def parse(text: str, shown: str) -> Baseline:
    """A baseline from its text; any mistake is one ``BaselineError`` naming the file."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"baseline {shown} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BaselineError(f'baseline {shown}: expected an object with an "entries" list')
    if data.get("version") != VERSION:
        raise BaselineError(
            f"baseline {shown}: version {data.get('version')!r} is not supported "
            f"(this plugin writes version {VERSION})"
        )
    entries = []
    for i, raw in enumerate(data["entries"]):
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(k), str) for k in ("policy", "file", "resource", "key")
        ):
            raise BaselineError(
                f"baseline {shown}: entries[{i}] needs policy, file, resource and key strings"
            )
        entries.append(
            Entry(
                raw["file"],
                raw["resource"],
                raw["policy"],
                raw["key"],
                str(raw.get("message", "")),
                str(raw.get("severity", "")),
            )
        )
    return Baseline(shown, entries)


def load(path: str, shown: str, *, missing_ok: bool) -> Baseline:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        if missing_ok:
            return Baseline(shown, exists=False)
        raise BaselineError(f"baseline {shown} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {shown}: {exc}") from None
    return parse(text, shown)


def dumps(entries: Iterable[Entry]) -> str:
    """The file's text: sorted, one entry per line, so a diff shows entries come and go."""
    rows = [json.dumps(e.to_json(), ensure_ascii=False) for e in sorted(set(entries))]
    body = ",\n".join(f"    {r}" for r in rows)
    head = f'{{\n  "version": {VERSION},\n  "tool": "{TOOL}",\n  "entries": ['
    return head + (f"\n{body}\n  ]\n}}\n" if rows else "]\n}\n")


@dataclass
class Observed:
    """What a run saw, for the rewrite: per judged verdict, the keys still found (after
    waivers); the verdicts it could not judge (Unknown, error); the files it judged."""

    current: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    failing: list[Entry] = field(default_factory=list)
    undecided: set[tuple[str, str, str]] = field(default_factory=set)
    files: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {"files": sorted(self.files)}

    def merge(self, data: Mapping[str, Any]) -> None:
        self.files.update(str(f) for f in data.get("files", []))


def rewrite(
    old: Baseline | None,
    seen: Observed,
    *,
    add: bool,
    full_run: bool,
    gone: Iterable[str] = (),
    selected: Any = None,
) -> tuple[list[Entry], int, int]:
    """The new entries, how many were removed and how many added.

    An old entry stays unless this run shows it fixed: its verdict was judged and no longer
    finds its key, or (full runs only) its file was judged but the verdict no longer exists,
    or its file is ``gone`` (deleted or renamed). New failures are added when ``add`` or
    when there is no baseline yet."""
    kept: list[Entry] = []
    removed = 0
    gone_files = set(gone)
    for e in old.entries if old is not None and old.exists else []:
        triple = e.triple
        if triple in seen.current:
            fixed = e.key not in seen.current[triple]
        elif triple in seen.undecided:
            fixed = False
        elif e.file in seen.files:
            fixed = full_run and (selected is None or selected(e.policy))
        else:
            fixed = full_run and e.file in gone_files
        if fixed:
            removed += 1
        else:
            kept.append(e)
    added = 0
    if add or old is None or not old.exists:
        have = {(e.triple, e.key) for e in kept}
        for e in seen.failing:
            if (e.triple, e.key) not in have:
                have.add((e.triple, e.key))
                kept.append(e)
                added += 1
    return sorted(kept), removed, added
