"""Failure text: plain lines, no traceback, secrets masked.

K8S-001 run-as-non-root [high]: container 'web' may run as root
  --> deploy/web.yaml:14:9
   |
14 |       - name: web
   |
  why: ...
  fix: ...
  see: pytest --devops-policy-explain=K8S-001
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pytest_devops_policy.api import Policy
from pytest_devops_policy.engine.evaluate import ResolvedViolation
from pytest_devops_policy.masking import redact
from pytest_devops_policy.model import Source

MAX_EXCERPT_WIDTH = 160


def excerpt(source: Source, line: int, secrets: Iterable[str] = ()) -> list[str]:
    text = source.line_text(line).rstrip()
    if len(text) > MAX_EXCERPT_WIDTH:
        text = text[:MAX_EXCERPT_WIDTH] + " …"
    text = redact(text, secrets)
    gutter = " " * len(str(line))
    return [f"{gutter} |", f"{line} | {text}", f"{gutter} |"]


def is_builtin(policy: Policy) -> bool:
    return policy.func.__module__.startswith("pytest_devops_policy.policies.")


def headline(policy: Policy, severity: object, message: str) -> str:
    return f"{policy.id} {policy.name} [{severity}]: {message}"


@dataclass(frozen=True)
class FailureText:
    """One failing item's text in the shapes ``--tb`` asks for.

    ``short``: each finding with its location and source line (and notes); the default adds
    ``explain`` (why, fix, where to read more), which the item prints only for the first
    failure of its policy in a run; ``lines``: one ``file:line:col: ID message`` per finding.
    """

    short: list[str]
    explain: list[str]
    lines: list[str]
    policy_id: str = ""

    def render(self, style: str, explained: bool) -> str:
        if style == "line":
            return "\n".join(self.lines)
        if style == "short" or not self.explain:
            return "\n".join(self.short)
        if explained:
            more = f"  see: pytest --devops-policy-explain={self.policy_id} (why and how to fix)"
            return "\n".join([*self.short, more])
        return "\n".join([*self.short, *self.explain])


def finding_text(
    policy: Policy,
    source: Source,
    violations: Sequence[ResolvedViolation],
    secrets: Sequence[str],
    notes: Iterable[str] = (),
) -> FailureText:
    """The failure of one item, secrets masked in every shape."""
    short: list[str] = []
    lines: list[str] = []
    for i, v in enumerate(violations):
        if i == 0:
            short.append(headline(policy, v.severity, v.message))
        else:
            short.append(f"  also [{v.severity}]: {v.message}")
        short.append(f"  --> {source.relpath}:{v.line}:{v.col}")
        short.extend(excerpt(source, v.line, secrets))
        lines.append(f"{source.relpath}:{v.line}:{v.col}: {policy.id} [{v.severity}] {v.message}")
    short.extend(f"  note: {n}" for n in notes)
    explain = [f"  why: {policy.rationale}", f"  fix: {policy.remediation}"]
    if is_builtin(policy):
        # Installed users have no policies/ folder; the option prints the page anywhere.
        explain.append(f"  see: pytest --devops-policy-explain={policy.id}")
    else:
        urls = [r for r in policy.references if r.startswith(("http://", "https://"))]
        explain.append(
            f"  see: {urls[0]}" if urls else f"  see: pytest --devops-policy-explain={policy.id}"
        )

    def masked(block: list[str]) -> list[str]:
        return redact("\n".join(block), secrets).split("\n")

    return FailureText(masked(short), masked(explain), masked(lines), policy.id)


def one_line(
    policy: Policy, relpath: str, violations: Sequence[ResolvedViolation], secrets: Sequence[str]
) -> str:
    """A single line for xfail reasons, JUnit messages and ``-r`` summaries."""
    if not violations:
        return f"{policy.id} {policy.name}"
    first = violations[0]
    more = f" (+{len(violations) - 1} more)" if len(violations) > 1 else ""
    text = (
        f"{policy.id} {policy.name} [{first.severity}]: "
        f"{first.message} at {relpath}:{first.line}{more}"
    )
    return redact(text, secrets)
