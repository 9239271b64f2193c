"""Waivers: one grammar for every kind, and the rules for when one applies.

Forms:

* inline: ``# devops-policy: ignore[K8S-001,K8S-003] reason="..." expires=2027-03-31 owner=...``
  on the offending line or in the comment lines directly above the resource or
  the offending line;
* file-wide: ``# devops-policy: ignore-file[ID] reason="..."``;
* Kubernetes annotations ``devops-policy.io/ignore`` + ``devops-policy.io/ignore-reason``;
* config: ``[[tool.devops-policy.waivers]]`` with ``policy``, ``path``, ``resource``,
  ``reason``, ``expires``, ``owner``, ``ticket``.

A waiver without a reason, or with an unreadable date, is invalid: it waives
nothing and is reported as a failing item at its own location.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pytest_devops_policy.model import Source

_INLINE = re.compile(
    r"^(?:#|//|/\*)\s*devops-policy:\s*(ignore-file|ignore)\s*\[([^\]]*)\]", re.IGNORECASE
)
_KNOWN_ATTRS = {"reason", "expires", "owner", "ticket"}
MAX_WAIVER_TEXT = 2000  # characters of attributes read from one comment


def _attributes(text: str) -> tuple[dict[str, str], list[str]]:
    """``key=value`` pairs (values bare, "double" or 'single' quoted), in one linear pass,
    with the problems found (an unknown key, a stray quote, text that is no attribute)."""
    attrs: dict[str, str] = {}
    problems: list[str] = []
    if len(text) > MAX_WAIVER_TEXT:
        return attrs, [f"its attributes are over {MAX_WAIVER_TEXT} characters"]
    text = text.rstrip()
    if text.endswith("*/"):
        text = text[:-2].rstrip()  # the end of a /* block comment */
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and (text[i].isalnum() or text[i] in "_-"):
            i += 1
        key = text[start:i].lower()
        while i < n and text[i] in " \t":
            i += 1
        if not key or i >= n or text[i] != "=":
            problems.append(f"cannot read {text[start : start + 30]!r} as key=value")
            break
        i += 1
        while i < n and text[i] in " \t":
            i += 1
        value, i, problem = _value(text, i)
        if problem:
            problems.append(f"{key}: {problem}")
            break
        if key in _KNOWN_ATTRS:
            attrs[key] = value
        else:
            problems.append(f"unknown attribute {key!r}")
    return attrs, problems


def _value(text: str, i: int) -> tuple[str, int, str]:
    """The value at ``i``, the index after it, and a problem (empty if none)."""
    n = len(text)
    if i < n and text[i] in "\"'":
        quote, out = text[i], []
        i += 1
        while i < n and text[i] != quote:
            if quote == '"' and text[i] == "\\" and i + 1 < n:
                i += 1
            out.append(text[i])
            i += 1
        if i >= n:
            return "", i, "unclosed quote"
        i += 1
        if i < n and not text[i].isspace():
            return "", i, f"unexpected {text[i]!r} after the quoted value"
        return "".join(out), i, ""
    start = i
    while i < n and not text[i].isspace():
        i += 1
    value = text[start:i]
    if any(q in value for q in "\"'"):
        return "", i, f"stray quote in {value!r}"
    return value, i, ""


def spec_matches(spec: str, policy_id: str, name: str) -> bool:
    """A policy spec is an id (``K8S-001``), a prefix (``K8S``, ``K8S-0``) or a name."""
    spec = spec.strip()
    if not spec:
        return False
    if spec.lower() == name:
        return True
    upper = spec.upper()
    if policy_id == upper:
        return True
    if upper[-1].isdigit():
        return policy_id.startswith(upper)
    return policy_id.startswith(upper.rstrip("-") + "-")


@dataclass(frozen=True)
class Waiver:
    ids: tuple[str, ...]
    origin: str  # "inline", "file", "annotation" or "config"
    source: str  # where it is written: "deploy/web.yaml:12" or "pyproject.toml:40"
    path: str | None = None  # file the waiver sits in (relpath); None for config
    line: int | None = None
    reason: str | None = None
    expires: dt.date | None = None
    owner: str | None = None
    ticket: str | None = None
    path_glob: str | None = None  # config waivers only
    resource_glob: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def covers_policy(self, policy_id: str, name: str) -> bool:
        return any(spec_matches(s, policy_id, name) for s in self.ids)

    def describe(self) -> str:
        expires = self.expires.isoformat() if self.expires else ""
        return describe(self.ids, self.reason, self.owner, expires, self.ticket, self.source)


def describe(
    ids: Sequence[str],
    reason: str | None,
    owner: str | None,
    expires: str,
    ticket: str | None,
    source: str,
) -> str:
    """A waiver in one line, as the summary and the reports show it."""
    parts = [",".join(ids)]
    if reason:
        parts.append(f'reason="{reason}"')
    if owner:
        parts.append(f"owner={owner}")
    if expires:
        parts.append(f"expires={expires}")
    if ticket:
        parts.append(f"ticket={ticket}")
    return " ".join(parts) + f" ({source})"


def _make(
    ids: Sequence[str],
    attrs: Mapping[str, Any],
    *,
    origin: str,
    source: str,
    path: str | None = None,
    line: int | None = None,
    path_glob: str | None = None,
    resource_glob: str | None = None,
    extra_problems: Iterable[str] = (),
) -> Waiver:
    problems = list(extra_problems)
    clean_ids = tuple(i.strip() for i in ids if i and i.strip())
    if not clean_ids:
        problems.append("names no policy id")
    for key in ("reason", "owner", "ticket"):
        if attrs.get(key) is not None and not isinstance(attrs[key], str):
            problems.append(f"{key} must be a string, not {type(attrs[key]).__name__}")
    raw_reason = attrs.get("reason")
    reason = (raw_reason.strip() or None) if isinstance(raw_reason, str) else None
    if reason is None and (raw_reason is None or isinstance(raw_reason, str)):
        problems.append('has no reason (reason="..." is mandatory)')
    expires: dt.date | None = None
    raw_expires = attrs.get("expires")
    if raw_expires not in (None, ""):
        if isinstance(raw_expires, dt.datetime):  # a TOML date-time: expiry is by day
            problems.append(f"expires={raw_expires.isoformat()} is not a date (YYYY-MM-DD)")
        elif isinstance(raw_expires, dt.date):
            expires = raw_expires
        else:
            try:
                expires = dt.date.fromisoformat(str(raw_expires).strip())
            except ValueError:
                problems.append(f"expires={raw_expires!r} is not a date (YYYY-MM-DD)")
    return Waiver(
        ids=clean_ids,
        origin=origin,
        source=source,
        path=path,
        line=line,
        reason=reason,
        expires=expires,
        owner=_text(attrs.get("owner")),
        ticket=_text(attrs.get("ticket")),
        path_glob=path_glob,
        resource_glob=resource_glob,
        problems=tuple(problems),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def inline_waivers(
    source: Source, comments: Iterable[tuple[int, str]] | None = None
) -> list[Waiver]:
    """Every ``devops-policy: ignore[...]`` comment in a file. ``comments`` are the file's
    real comments as (line, text from the comment marker on), from its kind's syntax (a
    waiver inside a string value is data and waives nothing); without them, any ``#`` or
    ``//`` on a line counts."""
    if "devops-policy" not in source.text:  # the common case costs one substring search
        return []
    if comments is None:
        comments = _any_comments(source)
    relpath = source.relpath
    found: list[Waiver] = []
    for n, text in comments:
        if "devops-policy" not in text:
            continue
        m = _INLINE.match(text)
        if not m:
            continue
        attrs, problems = _attributes(text[m.end() :])
        found.append(
            _make(
                m.group(2).split(","),
                attrs,
                origin="file" if m.group(1).lower() == "ignore-file" else "inline",
                source=f"{relpath}:{n}",
                path=relpath,
                line=n,
                extra_problems=problems,
            )
        )
    return found


def _any_comments(source: Source) -> Iterator[tuple[int, str]]:
    for n, line in enumerate(source.lines, start=1):
        at = min((i for i in (line.find("#"), line.find("//")) if i >= 0), default=-1)
        if at >= 0:
            yield n, line[at:]


def annotation_waiver(ids_csv: str, attrs: Mapping[str, str], relpath: str, line: int) -> Waiver:
    return _make(
        ids_csv.split(","),
        attrs,
        origin="annotation",
        source=f"{relpath}:{line}",
        path=relpath,
        line=line,
    )


def config_waivers(entries: Any, config_path: str, text: str | None = None) -> list[Waiver]:
    """``[[tool.devops-policy.waivers]]`` entries, each with the line of its table header
    (in ``text`` when given: the file as it was at a merge-base, not as it is on disk)."""
    if not entries:
        return []
    if not isinstance(entries, list):
        entries = [entries]
    header_lines: list[int] = []
    try:
        if text is None:
            with open(config_path, encoding="utf-8") as fh:
                text = fh.read()
        for n, row in enumerate(text.splitlines(), start=1):
            if re.match(r"\s*\[\[\s*tool\.devops-policy\.waivers\s*\]\]", row):
                header_lines.append(n)
    except OSError:
        pass
    name = os.path.basename(config_path)
    out: list[Waiver] = []
    for i, entry in enumerate(entries):
        line = header_lines[i] if i < len(header_lines) else None
        source = f"{name}:{line}" if line else f"{name} waivers[{i}]"
        if not isinstance(entry, dict):
            out.append(
                _make(
                    [],
                    {},
                    origin="config",
                    source=source,
                    line=line,
                    extra_problems=["is not a table"],
                )
            )
            continue
        spec = entry.get("policy", entry.get("id", ""))
        ids = spec if isinstance(spec, list) else str(spec).split(",")
        out.append(
            _make(
                [str(x) for x in ids],
                entry,
                origin="config",
                source=source,
                line=line,
                path_glob=str(entry["path"]) if entry.get("path") else None,
                resource_glob=str(entry["resource"]) if entry.get("resource") else None,
            )
        )
    return out


def _glob_match(pattern: str, relpath: str) -> bool:
    # fnmatch's '*' already crosses '/', so '**/' only needs to also match nothing.
    return fnmatch.fnmatchcase(relpath, pattern) or (
        pattern.startswith("**/") and fnmatch.fnmatchcase(relpath, pattern[3:])
    )


def _comment_block_above(lines: Sequence[str], target: int) -> set[int]:
    """The target line plus the run of comment-only lines directly above it."""
    block = {target}
    n = target - 1
    while n >= 1:
        stripped = lines[n - 1].strip() if n - 1 < len(lines) else ""
        if not stripped.startswith(("#", "//")):
            break
        block.add(n)
        n -= 1
    return block


@dataclass
class FileWaivers:
    """The waivers that may apply to the items of one file."""

    relpath: str
    lines: Sequence[str]
    inline: list[Waiver] = field(default_factory=list)
    config: Sequence[Waiver] = ()
    # Secrets-baseline entries matched to this file's hits, each on its hit's line: always
    # finding by finding, never the whole item (another hit of the policy still fails).
    baseline: list[Waiver] = field(default_factory=list)

    def for_item(
        self,
        policy_id: str,
        name: str,
        label: str,
        subject_lines: Iterable[int],
        extra: Iterable[Waiver] = (),
    ) -> tuple[list[Waiver], list[Waiver]]:
        """(waivers covering the whole item, line-scoped waivers to test per finding)."""
        whole: list[Waiver] = []
        scoped: list[Waiver] = []
        anchors: set[int] = set()
        for line in subject_lines:
            anchors |= _comment_block_above(self.lines, line)
        for w in self.inline:
            if not w.covers_policy(policy_id, name):
                continue
            if w.origin == "file" or (w.line is not None and w.line in anchors):
                whole.append(w)
            else:
                scoped.append(w)
        scoped.extend(w for w in self.baseline if w.covers_policy(policy_id, name))
        for w in extra:
            if w.covers_policy(policy_id, name):
                whole.append(w)
        for w in self.config:
            if not w.covers_policy(policy_id, name):
                continue
            if w.path_glob and not _glob_match(w.path_glob, self.relpath):
                continue
            if w.resource_glob and not fnmatch.fnmatchcase(label, w.resource_glob):
                continue
            whole.append(w)
        return whole, scoped

    def covers(self, waiver: Waiver, finding: _Located) -> bool:
        """A line-scoped waiver covers a finding on its line or on an entry enclosing it."""
        return any(self.covers_line(waiver, n) for n in (finding.line, *finding.anchors))

    def covers_line(self, waiver: Waiver, line: int) -> bool:
        return waiver.line is not None and waiver.line in _comment_block_above(self.lines, line)


# -- the decision: what the waivers make of one item's findings ----------------------------

_V = TypeVar("_V", bound="_Located")


class _Located(Protocol):
    @property
    def line(self) -> int: ...

    @property
    def anchors(self) -> tuple[int, ...]: ...


@dataclass(frozen=True)
class Decision(Generic[_V]):
    """What applies to one item. ``waived_by`` set: the item is waived (xfail). Otherwise
    it fails with ``remaining`` (or is below the threshold), noting ``waived_lines`` findings
    waived line by line and the ``expired`` waivers. ``considered``, ``used`` and
    ``expired`` feed the run's waiver ledger."""

    waived_by: Waiver | None
    remaining: tuple[_V, ...]
    used: tuple[Waiver, ...]
    expired: tuple[Waiver, ...]
    considered: tuple[Waiver, ...]


def decide(
    findings: Sequence[_V],
    whole: Sequence[Waiver],
    scoped: Sequence[Waiver],
    covers: Callable[[Waiver, _V], bool],
    today: dt.date,
) -> Decision[_V]:
    """Apply an item's waivers (``FileWaivers.for_item``) to its findings, as of ``today``.

    A valid, unexpired waiver of the whole item waives it. Otherwise each finding is waived
    by the first line-scoped waiver that covers its line; when every finding is, the first of
    those waives the item. Expired waivers never apply; a failing item reports them.
    """
    considered: list[Waiver] = []
    expired: list[Waiver] = []

    def live(ws: Iterable[Waiver]) -> list[Waiver]:
        ws = list(ws)
        considered.extend(ws)
        usable = [w for w in ws if w.valid]
        expired.extend(w for w in usable if w.expired(today))
        return [w for w in usable if not w.expired(today)]

    active = live(whole)
    if active:
        return Decision(active[0], (), (active[0],), (), _unique(considered))
    remaining: list[_V] = []
    used: list[Waiver] = []
    for v in findings:
        covering = live(w for w in scoped if covers(w, v))
        if covering:
            used.append(covering[0])
        else:
            remaining.append(v)
    if not remaining:
        first = used[0]
        return Decision(first, (), (first,), (), _unique(considered))
    return Decision(None, tuple(remaining), tuple(used), _unique(expired), _unique(considered))


def _unique(ws: Iterable[Waiver]) -> tuple[Waiver, ...]:
    return tuple(dict.fromkeys(ws))
