"""ONBUILD triggers: the policies that judge RUN, COPY and ADD as build steps judge a
trigger's wrapped instruction too, and say so; the policies about what the shipped image
itself holds, and those that read the build context, leave triggers to the child build."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies import builtin_by_id

# Each policy that judges triggers, with a trigger it must fail (at line 3).
JUDGED = {
    "DOCKER-009": "ONBUILD ADD . /app/",
    "DOCKER-010": "ONBUILD RUN sudo make install",
    "DOCKER-011": "ONBUILD RUN curl -k -o /x https://example.com/x",
    "DOCKER-012": "ONBUILD RUN curl -fsSL https://get.example.com/install.sh | sh",
    "DOCKER-013": "ONBUILD RUN apk add --allow-untrusted /tmp/x.apk",
    "DOCKER-015": "ONBUILD RUN apt-get update",
    "DOCKER-016": "ONBUILD RUN pip install --no-cache-dir flask",
    "DOCKER-017": "ONBUILD COPY app.py app/",
    "DOCKER-021": "ONBUILD RUN --network=host make",
    "DOCKER-022": "ONBUILD RUN ls | wc -l",
}

# Each policy that leaves triggers alone, with a trigger that would fail as an instruction.
NOT_JUDGED = {
    "DOCKER-001": "ONBUILD USER root",
    "DOCKER-002": "ONBUILD RUN npm ci && npm run build",
    "DOCKER-003": "ONBUILD COPY --from=nginx:latest /etc/nginx /etc/nginx",
    "DOCKER-005": "ONBUILD HEALTHCHECK NONE",
    "DOCKER-006": "ONBUILD ENV API_TOKEN=hunter2hunter2hunter2",
    "DOCKER-007": "ONBUILD COPY .env /app/.env",
    "DOCKER-008": "ONBUILD COPY . /app",
    "DOCKER-014": "ONBUILD RUN apt-get install -y --no-install-recommends openssh-server",
    "DOCKER-018": "ONBUILD CMD node server.js",
    "DOCKER-019": 'ONBUILD CMD ["a"]',
    "DOCKER-020": "ONBUILD COPY --from=assets /dist /srv",
}

BASE = """\
FROM debian:12.5-slim@sha256:{digest}
USER 10001
{trigger}
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/server"]
"""


def _messages(tmp_path: Path, policy_id: str, text: str) -> tuple[list[str], list[str]]:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    (tmp_path / ".env").write_text("TOKEN=x\n")
    options = Options.from_flat({}, kinds.option_classes())
    cache = ParseCache(str(tmp_path), options=options)
    parsed = cache.get(str(path), "dockerfile")
    assert not isinstance(parsed, Exception), parsed
    finding = evaluate(builtin_by_id()[policy_id], parsed.subjects[0], Context(options, cache))
    return [v.message for v in finding.violations], finding.unknowns


def _file(trigger: str) -> str:
    return BASE.format(digest="a" * 64, trigger=trigger)


@pytest.mark.parametrize(("policy_id", "trigger"), sorted(JUDGED.items()))
def test_judged_triggers_are_marked(tmp_path: Path, policy_id: str, trigger: str) -> None:
    messages, _unknowns = _messages(tmp_path, policy_id, _file(trigger))
    assert messages, f"{policy_id} did not judge {trigger!r}"
    assert all(m.startswith("ONBUILD trigger: ") for m in messages), messages
    # The same instruction without ONBUILD fails unmarked.
    plain, _ = _messages(tmp_path, policy_id, _file(trigger.removeprefix("ONBUILD ")))
    assert plain and not any(m.startswith("ONBUILD") for m in plain), plain


@pytest.mark.parametrize(("policy_id", "trigger"), sorted(NOT_JUDGED.items()))
def test_triggers_left_to_the_child_build(tmp_path: Path, policy_id: str, trigger: str) -> None:
    messages, unknowns = _messages(tmp_path, policy_id, _file(trigger))
    assert not messages and not unknowns, (messages, unknowns)


def test_a_trigger_is_reported_at_its_own_line(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        FROM debian:12.5-slim
        ONBUILD RUN apt-get update \\
         && apt-get install -y curl
        RUN true
        """
    )
    messages, _ = _messages(tmp_path, "DOCKER-015", text)
    assert messages == [
        "ONBUILD trigger: apt-get install (line 2) has no --no-install-recommends, so "
        "recommended packages come along; does not remove /var/lib/apt/lists/* afterwards in "
        "the same RUN, so the package lists stay in the layer"
    ]


def test_trigger_variables_are_the_child_build(tmp_path: Path) -> None:
    # This build's ARG is not the child's: the URL's scheme is unknown there; the image's
    # ENV is known.
    text = _file(
        "ARG MIRROR=https://mirror.example.com\n"
        "ENV INDEX=http://pypi.internal.example/simple\n"
        'ONBUILD ADD "$MIRROR/tool.tgz" /opt/\n'
        "ONBUILD RUN pip install --index-url $INDEX flask==3.0.2"
    )
    messages, unknowns = _messages(tmp_path, "DOCKER-012", text)
    assert any("ONBUILD trigger: RUN" in m and "plaintext" in m for m in messages), messages
    assert unknowns == [
        'ONBUILD trigger: ADD "$MIRROR/tool.tgz" (line 5) depends on MIRROR, which has no '
        "default (the build FROM this image may set it)"
    ]
