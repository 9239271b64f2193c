"""``pytest --devops-policy-list``: every policy of the run as one plain-text table.

The policies are those the hook returns (built-ins, pytest11 plugins, the rootdir's and the
given paths' conftest.py), narrowed by select/ignore as a run would narrow them. Plugin
metadata is shown as it is, with control characters escaped so that it cannot drive the
terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pytest_devops_policy.api import Policy, is_cross_artifact, report_kind
from pytest_devops_policy.masking import escape_controls

COLUMNS = ("ID", "NAME", "SEVERITY", "KIND", "CONTROLS")


def _kind(policy: Policy) -> str:
    # An XREF policy is listed as cross-artifact, with the anchor kind its items belong to.
    return f"{report_kind(policy)} ({policy.kind})" if is_cross_artifact(policy) else policy.kind


def _cells(policy: Policy) -> tuple[str, ...]:
    return tuple(
        escape_controls(text, newlines=False)
        for text in (
            policy.id,
            policy.name,
            str(policy.severity),
            _kind(policy),
            ", ".join(policy.controls) or "-",
        )
    )


def render(chosen: Sequence[Policy], total: int, narrowed: bool) -> str:
    """The table (sorted by id, columns padded to their widest cell) and a count line."""
    rows = [COLUMNS, *(_cells(p) for p in sorted(chosen, key=lambda p: p.id))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in rows
    ]
    kinds = Counter(report_kind(p) for p in chosen)
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    count = f"{len(chosen)} {'policy' if len(chosen) == 1 else 'policies'}"
    count += f" ({by_kind})" if by_kind else ""
    if narrowed:
        count += f"; {total} known, the others left out by select/ignore"
    lines += ["", count]
    return "\n".join(lines) + "\n"
