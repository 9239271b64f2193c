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
from dataclasses import dataclass, field

from pytest_devops_policy.api import Policy
from pytest_devops_policy.engine.evaluate import ResolvedViolation
from pytest_devops_policy.masking import Redactor
from pytest_devops_policy.model import Source

MAX_EXCERPT_WIDTH = 160

# Every text below leaves the plugin through a ``Redactor``: the secrets of the file
# masked (all of them, not only those the printing policy reported), terminal controls
# escaped. A plain list of secrets is accepted and made into one.
Secrets = Redactor | Iterable[str]


def redactor(secrets: Secrets) -> Redactor:
    return secrets if isinstance(secrets, Redactor) else Redactor(secrets)


def excerpt(source: Source, line: int, secrets: Secrets = ()) -> list[str]:
    """The source line, redacted and escaped *before* it is cut to the width, so that a
    secret across the cut is masked whole. A line the file does not have (a repository's
    findings, at line 1 of its ``.github`` directory) shows none."""
    if line > len(source.lines) or "\x00" in source.text[:8192]:
        return []  # (a binary file judged by its name, a key store: nothing to show)
    text = redactor(secrets).line(source.line_text(line).rstrip(), MAX_EXCERPT_WIDTH)
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
    detail: list[str] = field(default_factory=list)  # how the subject was read: with -v

    def render(self, style: str, explained: bool, verbose: bool = False) -> str:
        if style == "line":
            return "\n".join(self.lines)
        if verbose and self.detail:
            return "\n".join(
                [
                    FailureText(self.short, self.explain, self.lines, self.policy_id).render(
                        style, explained
                    ),
                    *self.detail,
                ]
            )
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
    secrets: Secrets,
    notes: Iterable[str] = (),
    detail: str | None = None,
) -> FailureText:
    """The failure of one item, secrets masked in every shape."""
    clean = redactor(secrets).with_secrets(v.secret for v in violations if v.secret)
    short: list[str] = []
    lines: list[str] = []
    for i, v in enumerate(violations):
        if i == 0:
            short.append(headline(policy, v.severity, v.message))
        else:
            short.append(f"  also [{v.severity}]: {v.message}")
        # A live host has no file here: its findings name their evidence themselves.
        where = f"{source.relpath}:{v.line}:{v.col}" if source.path else source.relpath
        short.append(f"  --> {where}")
        short.extend(excerpt(source, v.line, clean))
        lines.append(f"{where}: {policy.id} [{v.severity}] {v.message}")
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
        return clean("\n".join(block)).split("\n")

    shown = ["  how it was read:", *(f"    {d}" for d in detail.splitlines())] if detail else []
    return FailureText(masked(short), masked(explain), masked(lines), policy.id, masked(shown))


def one_line(
    policy: Policy, relpath: str, violations: Sequence[ResolvedViolation], secrets: Secrets
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
    clean = redactor(secrets).with_secrets(v.secret for v in violations if v.secret)
    return clean(text, newlines=False)
