"""Failure text: plain lines, no traceback, secrets masked.

K8S-001 run-as-non-root [high]: container 'web' may run as root
  --> deploy/web.yaml:14:9
   |
14 |       - name: web
   |
  why: ...
  fix: ...
  see: policies/K8S-001.md (or: pytest --devops-policy-explain=K8S-001)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def finding_text(
    policy: Policy,
    source: Source,
    violations: Sequence[ResolvedViolation],
    secrets: Sequence[str],
    notes: Iterable[str] = (),
) -> str:
    """The whole failure block for one item."""
    out: list[str] = []
    for i, v in enumerate(violations):
        if i == 0:
            out.append(headline(policy, v.severity, v.message))
        else:
            out.append(f"  also [{v.severity}]: {v.message}")
        out.append(f"  --> {source.relpath}:{v.line}:{v.col}")
        out.extend(excerpt(source, v.line, secrets))
    out.extend(f"  note: {n}" for n in notes)
    out.append(f"  why: {policy.rationale}")
    out.append(f"  fix: {policy.remediation}")
    if is_builtin(policy):
        # The page lives in this project's repository; the option prints it anywhere.
        out.append(f"  see: {policy.doc_path} (or: pytest --devops-policy-explain={policy.id})")
    else:
        urls = [r for r in policy.references if r.startswith(("http://", "https://"))]
        if urls:
            out.append(f"  see: {urls[0]}")
    return redact("\n".join(out), secrets)


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
