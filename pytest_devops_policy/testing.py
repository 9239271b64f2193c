"""Golden-fixture helpers: compare a policy's findings with annotations in the fixture.

Annotations (comments in the fixture file):

* ``# expect: K8S-001`` at the end of the offending line (YAML, HCL);
* ``# expect-next: DOCKER-001`` on the line above the offending line, for formats
  whose comments must be whole lines (Dockerfiles);
* ``# expect-unknown: DOCKER-003`` anywhere: the policy must answer "cannot be
  checked statically" (a skip) and report no violation.

Organisation policies can use these helpers for their own fixtures.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .api import Policy, get_policy
from .engine import Context, ParseCache, evaluate
from .model import ParseError

_EXPECT = re.compile(r"(?:#|//)\s*expect(-next|-unknown)?:\s*([A-Z0-9, -]+?)\s*$")


@dataclass(frozen=True)
class GoldenResult:
    violations: frozenset[tuple[int, str]]
    unknown: frozenset[str]


def case_settings(case: str | os.PathLike[str]) -> dict[str, Any]:
    """Optional per-case settings: a sibling ``<case>.toml`` with flat, quoted keys."""
    cfg = os.fspath(case) + ".toml"
    if not os.path.exists(cfg):
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    with open(cfg, "rb") as fh:
        return tomllib.load(fh)


def expected(text: str) -> GoldenResult:
    lines = text.splitlines()
    found: set[tuple[int, str]] = set()
    unknown: set[str] = set()
    for n, line in enumerate(lines, start=1):
        m = _EXPECT.search(line)
        if not m:
            continue
        ids = [i.strip() for i in m.group(2).split(",") if i.strip()]
        if m.group(1) == "-unknown":
            unknown.update(ids)
            continue
        target = n
        if m.group(1) == "-next":
            target = n + 1
            while target <= len(lines) and _EXPECT.search(lines[target - 1]):
                target += 1
        found.update((target, i) for i in ids)
    return GoldenResult(frozenset(found), frozenset(unknown))


def actual(
    path: str | os.PathLike[str], policy: Any, settings: Mapping[str, Any] | None = None
) -> GoldenResult:
    meta = get_policy(policy)
    if meta is None:
        raise TypeError(f"{policy!r} is not a policy")
    path = os.fspath(path)
    cache = ParseCache(os.path.dirname(path))
    parsed = cache.get(path, meta.kind)
    if isinstance(parsed, ParseError):
        raise AssertionError(f"{path}:{parsed.line}:{parsed.col}: {parsed.message}")
    context = Context(settings or {}, cache)
    return _run(meta, parsed.subjects, context)


def _run(meta: Policy, subjects: Iterable[Any], context: Context) -> GoldenResult:
    found: set[tuple[int, str]] = set()
    unknown: set[str] = set()
    for subject in subjects:
        if subject.key != meta.subject or not meta.applies_to(subject, context):
            continue
        finding = evaluate(meta, subject, context)
        found.update((v.line, meta.id) for v in finding.violations)
        if finding.unknowns and not finding.violations:
            unknown.add(meta.id)
    return GoldenResult(frozenset(found), frozenset(unknown))
