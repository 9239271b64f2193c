"""Dockerfile items are named after the shipped stage (design doc: node ids)."""

from __future__ import annotations

import pytest

STAGES = """\
FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir -w /wheels flask==3.0.2
FROM python:3.12-slim AS runtime
COPY --from=build /wheels /wheels
USER 10001
FROM runtime
"""


def _ids(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = pytester.runpytest(
        "--devops-policy-only", "--co", "-q", "--devops-policy-select=DOCKER-001", *args
    )
    return [line for line in result.stdout.lines if "::" in line]


def test_a_named_shipped_stage_names_the_items(pytester: pytest.Pytester) -> None:
    (pytester.path / "Dockerfile").write_text("FROM python:3.12-slim AS runtime\nUSER 10001\n")
    assert _ids(pytester) == ["Dockerfile::stage:runtime::DOCKER-001"]


def test_an_unnamed_shipped_stage_is_named_by_its_index(pytester: pytest.Pytester) -> None:
    (pytester.path / "Dockerfile").write_text(STAGES)
    assert _ids(pytester) == ["Dockerfile::stage:2::DOCKER-001"]


def test_the_target_pragma_names_the_items(pytester: pytest.Pytester) -> None:
    (pytester.path / "Dockerfile").write_text("# devops-policy: target=runtime\n" + STAGES)
    assert _ids(pytester) == ["Dockerfile::stage:runtime::DOCKER-001"]


def test_the_target_setting_names_the_items(pytester: pytest.Pytester) -> None:
    (pytester.path / "Dockerfile").write_text(STAGES)
    ids = _ids(pytester, "--devops-policy-option", "docker.target=runtime")
    assert ids == ["Dockerfile::stage:runtime::DOCKER-001"]
