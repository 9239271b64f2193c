"""``-k``, ``-m`` and ``--deselect`` for resource items, verdict by verdict.

A resource item holds many policies' verdicts, so pytest's own selection cannot be
right for it: ``-k K8S-001`` must keep the item but only that verdict, and
``-k "not K8S-001"`` must keep the item's other verdicts. While the other plugins
modify the items, ``-k``/``-m`` are hidden from them; afterwards every item is
matched here: a resource item keeps the verdicts whose own names and markers match
(its policy id, policy name and severity, with the file's and resource's names and
the kind markers), and any other item is matched exactly as pytest would.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from pathlib import Path

import pytest
from _pytest.mark import KeywordMatcher, MarkMatcher, _parse_expression
from _pytest.mark.expression import Expression
from _pytest.mark.structures import Mark

from pytest_devops_policy.api import XREF_MARKER, Severity, is_cross_artifact
from pytest_devops_policy.pytest_layer.nodes import ResourceItem
from pytest_devops_policy.pytest_layer.verdict import Verdict


def _compile(text: str, option: str) -> Expression | None:
    # pytest's own parser and message for a bad expression (one usage error at start-up)
    return _parse_expression(text, f"Wrong expression passed to '{option}'") if text else None


class VerdictSelection:
    def __init__(self, config: pytest.Config) -> None:
        # resource node id -> the policies named by ``file::resource::POLICY-ID`` arguments
        self.named: dict[str, set[str]] = _named_verdicts(config)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> Generator[None, None, None]:
        opt = config.option
        keyword = (getattr(opt, "keyword", "") or "").lstrip()
        markexpr = getattr(opt, "markexpr", "") or ""
        opt.keyword, opt.markexpr = "", ""
        try:
            yield
        finally:
            opt.keyword, opt.markexpr = keyword, markexpr
        kexpr = _compile(keyword, "-k")
        mexpr = _compile(markexpr, "-m")
        prefixes = tuple(config.getoption("deselect") or ())
        named = self.named
        if kexpr is None and mexpr is None and not prefixes and not named:
            return
        keep: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            if isinstance(item, ResourceItem):
                only = named.get(item.nodeid)
                item.selected = [
                    v
                    for v in item.verdicts
                    if (only is None or v.policy.id in only)
                    and _selects(item, v, kexpr, mexpr, prefixes)
                ]
                chosen = bool(item.selected)
            else:
                chosen = (kexpr is None or kexpr.evaluate(KeywordMatcher.from_item(item))) and (
                    mexpr is None or mexpr.evaluate(MarkMatcher.from_markers(item.iter_markers()))
                )
            (keep if chosen else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep


_SEVERITIES = frozenset(str(s) for s in Severity)
# Markers a verdict carries on its own, not every verdict of its item: its severity, and
# ``xref`` for a cross-artifact verdict.
_OWN = _SEVERITIES | {XREF_MARKER}
_POLICY_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{3}$")


def _named_verdicts(config: pytest.Config) -> dict[str, set[str]]:
    """``deploy/web.yaml::Deployment/web::K8S-001`` as an argument (an id the per-policy model,
    JUnit or an earlier run printed): collect the resource, judge only that policy there. The
    argument is rewritten to the resource's id, which pytest can collect."""
    named: dict[str, set[str]] = {}
    args = config.args
    for i, arg in enumerate(args):
        parts = str(arg).split("::")
        if len(parts) < 3 or not _POLICY_ID.match(parts[-1]):
            continue
        path = Path(config.invocation_params.dir, parts[0])
        try:
            rel = path.resolve().relative_to(config.rootpath.resolve()).as_posix()
        except ValueError:
            continue
        resource = "::".join([rel, *parts[1:-1]])
        named.setdefault(resource, set()).add(parts[-1])
        args[i] = "::".join(parts[:-1])
    return named


def _selects(
    item: ResourceItem,
    verdict: Verdict,
    kexpr: Expression | None,
    mexpr: Expression | None,
    prefixes: tuple[str, ...],
) -> bool:
    policy = verdict.policy
    if prefixes and f"{item.nodeid}::{policy.id}".startswith(prefixes):
        return False
    severity = str(verdict.severity)
    names, marks = _shared(item)
    xref = is_cross_artifact(policy)
    if kexpr is not None:
        words = names | {policy.id, policy.name, severity}
        if not kexpr.evaluate(KeywordMatcher(words | {XREF_MARKER} if xref else words)):
            return False
    if mexpr is not None:
        own = [*marks, getattr(pytest.mark, severity).mark]
        if xref:
            own.append(getattr(pytest.mark, XREF_MARKER).mark)
        if not mexpr.evaluate(MarkMatcher.from_markers(own)):
            return False
    return True


def _shared(item: ResourceItem) -> tuple[frozenset[str], tuple[Mark, ...]]:
    """What ``-k`` and ``-m`` see of the item as pytest reads it, less the severities and
    ``xref``: a verdict is matched with its own only. Computed once per item."""
    if item.match_base is None:
        # A directory or file named like one (xref/, high.yaml) still matches them all.
        own = _OWN - {node.name for node in item.listchain()}
        names = frozenset(KeywordMatcher.from_item(item)._names - own)
        marks = tuple(m for m in item.iter_markers() if m.name not in _OWN)
        item.match_base = (names, marks)
    return item.match_base
