"""Every DOCKER policy judges degenerate but parseable Dockerfiles without an exception.

``tests/data/degenerate.Dockerfile`` holds the shapes that once crashed a policy (``CMD []``
made DOCKER-014 index an empty argv) and their relatives: empty exec-form arrays, empty
strings, instructions without arguments, bare program names, ONBUILD triggers of each. The
engine turns a policy's exception into an "internal error" item; none may appear, whichever
stage is shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.analysis import analyse
from pytest_devops_policy.engine.registry import PolicySet
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile
from pytest_devops_policy.knowledge.docker.build import build_command, ssh_daemon
from pytest_devops_policy.knowledge.downloads import (
    add_apt_repository_sources,
    assignments,
    command_downloads,
    pip_words,
    reads_program_from_stdin,
    signature_bypass,
    substituted_into_interpreter,
    tls_bypass,
)
from pytest_devops_policy.knowledge.packages import cleans_cache, parse_install
from pytest_devops_policy.knowledge.shell import Command, parse_argv, parse_script
from pytest_devops_policy.model import ParseError
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies import builtin_policies

FIXTURE = Path(__file__).parent / "data" / "degenerate.Dockerfile"
DOCKER = tuple(p for p in builtin_policies() if p.id.startswith("DOCKER-"))


def _stages() -> list[str]:
    cache = ParseCache(str(FIXTURE.parent))
    parsed = cache.get(str(FIXTURE), "dockerfile")
    assert not isinstance(parsed, ParseError), parsed
    dockerfile = parsed.subjects[0]
    assert isinstance(dockerfile, Dockerfile)
    return [st.label for st in dockerfile.stages]


@pytest.mark.parametrize("target", _stages())
def test_no_policy_raises(target: str) -> None:
    options = Options.from_flat({"docker.target": target}, kinds.option_classes())
    cache = ParseCache(str(FIXTURE.parent), options=options)
    parsed = cache.get(str(FIXTURE), "dockerfile")
    assert not isinstance(parsed, ParseError), parsed
    policies = PolicySet(DOCKER, {"dockerfile": DOCKER})
    result = analyse(parsed, policies, Context(options, cache))
    outcomes = [o for r in result.resources for o in r.outcomes]
    assert {o.policy_id for o in outcomes} == {p.id for p in DOCKER}
    errors = {o.policy_id: o.error for o in outcomes if o.error is not None}
    assert not errors, "\n".join(f"{k}:\n{v}" for k, v in errors.items())


# Command-level helpers get the commands of CMD [], RUN A=1, RUN > file: no words at all,
# or a lone empty word.
_EMPTY_COMMANDS = [
    *parse_argv(()).commands,
    *parse_argv(("",)).commands,
    *parse_script("A=1 > /tmp/x").commands,
]
_HELPERS: list[Callable[[Command], object]] = [
    ssh_daemon,
    build_command,
    parse_install,
    command_downloads,
    substituted_into_interpreter,
    add_apt_repository_sources,
    assignments,
    tls_bypass,
    signature_bypass,
    reads_program_from_stdin,
    pip_words,
    lambda c: cleans_cache(c, "apt"),
    lambda c: c.name or c.args or c.subcommand() or c.shell_script(),
]


@pytest.mark.parametrize("command", _EMPTY_COMMANDS, ids=["empty-argv", "empty-word", "bare"])
@pytest.mark.parametrize("helper", _HELPERS)
def test_command_helpers_accept_empty_commands(
    helper: Callable[[Command], object], command: Command
) -> None:
    found = helper(command)
    assert not found or (helper is assignments and command.assignments)
