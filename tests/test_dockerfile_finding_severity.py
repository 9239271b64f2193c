"""Per-finding severities of Dockerfile policies (the golden fixtures check lines only)."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.api import Severity, Violation
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, parse
from pytest_devops_policy.model import Source
from pytest_devops_policy.policies import builtin_by_id

DIGEST = "sha256:" + "ab" * 32


def findings(policy_id: str, text: str) -> list[tuple[int | None, Severity]]:
    policy = builtin_by_id()[policy_id]
    source = Source(path="/x/Dockerfile", relpath="Dockerfile", text=textwrap.dedent(text))
    (subject,) = parse(source).subjects
    assert isinstance(subject, Dockerfile)
    results = policy.evaluate(subject, Context({}, ParseCache("/x")))
    return [(r.line, r.severity or policy.severity) for r in results if isinstance(r, Violation)]


@pytest.mark.parametrize(
    ("line", "severity"),
    [
        ("ADD app.py /app/", Severity.MEDIUM),
        ("ADD <<EOT /etc/motd\nhi\nEOT", Severity.MEDIUM),
        ("ADD https://example.com/a.bin /a", Severity.HIGH),
        (f"ADD --checksum={DIGEST} http://example.com/a.bin /a", Severity.HIGH),
        ("ADD https://github.com/o/r.git#main /src", Severity.HIGH),
        ("ADD app.py https://example.com/a.bin /app/", Severity.HIGH),  # the worst one
    ],
)
def test_docker_009_severities(line: str, severity: Severity) -> None:
    assert findings("DOCKER-009", f"FROM a:1\n{line}\n") == [(2, severity)]


def test_docker_021_severities() -> None:
    text = """\
        # syntax=docker/dockerfile:1
        FROM a:1
        RUN --network=host a
        RUN --security=insecure b
        RUN --security=insecure --network=host c
        """
    assert findings("DOCKER-021", text) == [
        (1, Severity.LOW),
        (3, Severity.MEDIUM),
        (4, Severity.HIGH),
        (5, Severity.HIGH),
    ]
    assert findings("DOCKER-021", "# syntax=acme/frontend:1\nFROM a:1\n") == [(1, Severity.HIGH)]
    pinned = f"# syntax=docker/dockerfile:1@{DIGEST}\nFROM a:1\n"
    assert findings("DOCKER-021", pinned) == []


@pytest.mark.parametrize(
    "policy_id", ["DOCKER-004", "DOCKER-017", "DOCKER-018", "DOCKER-019", "DOCKER-025"]
)
def test_low_policies_keep_their_severity(policy_id: str) -> None:
    assert builtin_by_id()[policy_id].severity == Severity.LOW
