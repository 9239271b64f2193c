"""Fuzzing (hypothesis): no input makes a parser or a policy raise anything but a ParseError.

Fixed seed and a small budget by default, so CI stays fast and repeatable; run a larger
budget by hand with ``DEVOPS_POLICY_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.kinds import by_name, option_classes
from pytest_devops_policy.model import ParseError, Source
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies import builtin_policies

EXAMPLES = int(os.environ.get("DEVOPS_POLICY_FUZZ_EXAMPLES", "40"))
GOLDEN = Path(__file__).parent / "golden"
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FILES = {
    "dockerfile": "Dockerfile",
    "kubernetes": "fuzz.yaml",
    "github-actions": ".github/workflows/fuzz.yml",
    "terraform": "main.tf",
}


def _seeds(kind: str) -> list[str]:
    prefix = by_name(kind).prefix + "-"
    texts = []
    for path in sorted(GOLDEN.glob(f"{prefix}*/*")):
        if path.is_file() and not path.name.endswith(".toml"):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts[:60]


def _parse(kind: str, text: str) -> object:
    fmt = by_name(kind).format
    source = Source(path=f"/fuzz/{FILES[kind]}", relpath=FILES[kind], text=text)
    try:
        return fmt.parse(source, Options())
    except ParseError:
        return None


@st.composite
def _mutated(draw: st.DrawFn, kind: str) -> str:
    """A golden file with lines dropped, duplicated, swapped or garbled."""
    lines = draw(st.sampled_from(_seeds(kind))).split("\n")
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "swap", "garble", "indent"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "garble":
            lines[i] = draw(st.text(max_size=40))
        else:
            lines[i] = "  " + lines[i]
    return "\n".join(lines)


@pytest.mark.parametrize("kind", sorted(FILES))
@FUZZ
@given(data=st.data())
def test_parsers_only_raise_parse_errors(kind: str, data: st.DataObject) -> None:
    text = data.draw(st.one_of(st.text(max_size=300), _mutated(kind)))
    _parse(kind, text)


@pytest.mark.parametrize("kind", sorted(FILES))
@FUZZ
@given(data=st.data())
def test_policies_never_raise_on_mutated_fixtures(kind: str, data: st.DataObject) -> None:
    text = data.draw(_mutated(kind))
    parsed = _parse(kind, text)
    if parsed is None:
        return
    options = Options.from_flat({}, option_classes())
    context = Context(options, ParseCache("/fuzz", options=options))
    for policy in builtin_policies():
        if policy.kind != kind:
            continue
        for subject in parsed.subjects:  # type: ignore[attr-defined]
            if subject.key == policy.subject and policy.applies_to(subject, context):
                evaluate(policy, subject, context)  # raises on a policy bug
