"""Dependency installs, dependency caches and publish steps in CI jobs (GHA-020).

**Installs** (a job that installs dependencies): the setup actions
``actions/setup-node|python|java|go|dotnet``, ``ruby/setup-ruby``, ``astral-sh/setup-uv``,
or a ``run:`` command segment ``npm ci|install``, ``pnpm i|install``, ``yarn [install]``,
``bun install``, ``pip install`` *of a project or requirements* (``-r``/``--requirement``,
``-e``/``--editable``, a local path such as ``.`` or ``.[test]``, or a built wheel or
sdist such as ``dist/app-*.tar.gz``; ``pip install
pre-commit`` installs a tool, not the project's dependencies, and a cache would hold one
wheel), ``poetry install``, ``pipenv install|sync``, ``pdm install|sync``, ``uv sync``,
``go mod download``, ``mvn``/``mvnw``, ``gradle``/``gradlew``, ``bundle install``,
``cargo build``, ``composer install``, ``dotnet restore``. ``npm install -g x`` installs a
tool and does not count either. setup-node/python/java/dotnet and setup-ruby install a
toolchain only: they count when the job also runs a package manager (one of the commands
above, ``tox``/``nox``, ``hatch run``, ``dotnet build|test``...), since their cache holds
what it downloads (``job_installs``).

**Caches** (``CACHE_ACTIONS``): an action, the input that turns its cache on (or off), and
its default, which for some actions depends on the major version:

* ``cache:`` of setup-node/python/java (a package manager name), setup-dotnet (a boolean);
* setup-go ``cache:`` is on by default since v4;
* setup-ruby ``bundler-cache: true``; setup-uv ``enable-cache``, on by default since v5
  (``auto``: on GitHub-hosted runners, off on ``self-hosted`` ones);
* setup-node since v5 caches npm by itself when ``package.json`` names npm as its
  ``packageManager``, unless ``package-manager-cache: false``: that depends on a file
  the workflow does not show, so it is *maybe*;
* ``golangci/golangci-lint-action`` caches Go's build and module caches unless
  ``skip-cache: true``;
* ``actions/cache``, ``actions/cache/restore``, ``Swatinem/rust-cache``,
  ``gradle/actions/setup-gradle`` (on unless ``cache-disabled: true``), ``jdx/mise-action``
  (``cache``, on by default); ``docker/build-push-action`` ``cache-from`` (restores) and
  ``cache-to`` (writes). ``actions/cache/save`` only writes.

A version comes from the ref (``@v4``, ``@v4.1.0``) or, for a SHA pin, from the trailing
``# v4.2.2`` comment; with neither (a bare SHA, a branch) the action is taken to behave as
its current release does, since a ref resolved today most likely is one.

**Publish steps** (a job that releases) are the shared release table's
(``knowledge.ci.releases``): PyPI, npm, crates, RubyGems, Maven, NuGet, GitHub releases,
goreleaser, changesets with ``publish``, and container-image pushes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.patterns import CommandPattern, _c
from pytest_devops_policy.knowledge.ci.segments import command_segments, match_commands

__all__ = [
    "CACHE_ACTIONS",
    "INSTALL_COMMANDS",
    "SETUP_ACTIONS",
    "TOOLCHAIN_ACTIONS",
    "CacheAction",
    "action_major",
    "cache_action",
    "installs",
    "job_installs",
    "script_installs",
]

SETUP_ACTIONS = frozenset(
    {
        "actions/setup-node",
        "actions/setup-python",
        "actions/setup-java",
        "actions/setup-go",
        "actions/setup-dotnet",
        "ruby/setup-ruby",
        "astral-sh/setup-uv",
    }
)

# Setup actions that install only a toolchain (an interpreter, a JDK, an SDK): their cache
# holds what a package manager downloads, so they count as installing dependencies only in
# a job that runs one. setup-go and setup-uv count by themselves: ``go build|test`` and
# ``uv run`` fetch the modules and packages implicitly.
TOOLCHAIN_ACTIONS = frozenset(
    {
        "actions/setup-node",
        "actions/setup-python",
        "actions/setup-java",
        "actions/setup-dotnet",
        "ruby/setup-ruby",
    }
)

INSTALL_COMMANDS: tuple[CommandPattern, ...] = (
    _c("npm ci/install", r"npm{O}\s+(?:ci|install|i|clean-install)(?=\s|$)", "npm"),
    _c("pnpm install", r"pnpm{O}\s+(?:i|install)(?=\s|$)", "pnpm"),
    _c("yarn install", r"yarn(?:{O}\s+install)?{O}\s*$", "yarn"),
    _c("bun install", r"bun{O}\s+(?:i|install)(?=\s|$)", "bun"),
    _c("pip install", r"(?:python[\d.]*{O}\s+-m\s+|uv{O}\s+)?pip[\d.]*{O}\s+install\b", "pip"),
    _c("poetry install", r"poetry{O}\s+install\b", "poetry"),
    _c("pipenv install/sync", r"pipenv{O}\s+(?:install|sync)\b", "pipenv"),
    _c("pdm install/sync", r"pdm{O}\s+(?:install|sync)\b", "pdm"),
    _c("uv sync", r"uv{O}\s+sync\b", "uv"),
    _c("go mod download", r"go{O}\s+mod{O}\s+download\b", "go"),
    _c("mvn", r"mvnw?(?:\.cmd)?(?=\s|$)", "maven"),
    _c("gradle", r"gradlew?(?:\.bat)?(?=\s|$)", "gradle"),
    _c("bundle install", r"bundle{O}\s+install\b", "bundler"),
    _c("cargo build", r"cargo{O}\s+build\b", "cargo"),
    _c("composer install", r"composer{O}\s+install\b", "composer"),
    _c("dotnet restore", r"dotnet{O}\s+restore\b", "nuget"),
)

# Commands that download dependencies on the way (not installs of their own, but with a
# toolchain setup action they make its cache useful).
IMPLICIT_INSTALL_COMMANDS: tuple[CommandPattern, ...] = (
    _c(
        "dotnet build/test/run/publish/pack",
        r"dotnet{O}\s+(?:build|test|run|publish|pack)\b",
        "nuget",
    ),
    _c("tox/nox", r"(?:python[\d.]*{O}\s+-m\s+)?(?:tox|nox)\b", "pip"),
    _c("hatch run/test", r"hatch{O}\s+(?:run|test)\b", "pip"),
)

# `pip install -r requirements.txt`, `-e .`, `.`, `.[test]`, `./pkg`: the project's dependencies.
_PIP_PROJECT = re.compile(
    r"\s(?:-r|--requirements?|-e|--editable)(?:[=\s]|\S)"
    r"|\s['\"]?(?:\.{1,2}(?:/\S*)?|\.\[[^\]]*\])['\"]?(?=\s|$)"
    # a built distribution of the project (`pip install dist/app-*.tar.gz`): its dependencies
    r"|\s['\"]?[\w.*/-]+\.(?:whl|tar\.gz|zip)['\"]?(?=\s|$)"
)
_NPM_GLOBAL = re.compile(r"\s(?:-g|--global)(?=\s|$)")

# --------------------------------------------------------------------------
# caches


@dataclass(frozen=True)
class CacheAction:
    """An action that restores (or writes) a cache, and how its inputs turn that on.

    ``mode``: ``always`` (the action is a cache), ``name`` (on when ``key`` names a
    package manager, i.e. is not empty), ``flag`` (on when ``key`` is true), ``off-flag``
    (on unless ``key`` is true). ``default_since``: the major version from which the cache
    is on when ``key`` is absent (0: always; ``None``: never).
    """

    name: str
    mode: str
    key: str | None = None
    default_since: int | None = None
    restores: bool = True


CACHE_ACTIONS: dict[str, CacheAction] = {
    a.name: a
    for a in (
        CacheAction("actions/cache", "always"),
        CacheAction("actions/cache/restore", "always"),
        CacheAction("swatinem/rust-cache", "always"),
        CacheAction("actions/setup-node", "name", "cache"),
        CacheAction("actions/setup-python", "name", "cache"),
        CacheAction("actions/setup-java", "name", "cache"),
        CacheAction("actions/setup-dotnet", "flag", "cache"),
        CacheAction("actions/setup-go", "flag", "cache", default_since=4),
        CacheAction("ruby/setup-ruby", "flag", "bundler-cache"),
        CacheAction("astral-sh/setup-uv", "flag", "enable-cache", default_since=5),
        CacheAction("gradle/actions/setup-gradle", "off-flag", "cache-disabled", default_since=0),
        CacheAction("gradle/gradle-build-action", "off-flag", "cache-disabled", default_since=0),
        CacheAction("jdx/mise-action", "flag", "cache", default_since=0),
        CacheAction("docker/build-push-action", "name", "cache-from"),
        # caches the Go build and module caches besides its own, unless skip-cache
        CacheAction("golangci/golangci-lint-action", "off-flag", "skip-cache", default_since=0),
    )
}
# docker/build-push-action `cache-to` writes a cache (it counts as caching in CI).
WRITE_ONLY_INPUTS = {"docker/build-push-action": "cache-to", "actions/cache/save": None}


def cache_action(step: Step) -> CacheAction | None:
    uses = step.uses
    if uses is None or not uses.is_remote:
        return None
    return CACHE_ACTIONS.get(uses.name.lower())


_MAJOR = re.compile(r"^v?(\d+)(?:\.|$)")
_COMMENT_VERSION = re.compile(r"#\s*(?:tag[=:\s]*)?v?(\d+)(?:\.\d+)*\b")


def action_major(step: Step, job: Job) -> int | None:
    """The action's major version: from its ref, else from a ``# v4.2.2`` comment after a
    pinned SHA; ``None`` when neither says."""
    uses = step.uses
    if uses is None or not uses.ref:
        return None
    m = _MAJOR.match(uses.ref)
    if m:
        return int(m.group(1))
    pos = job.locate(step.path("uses"))
    if pos is None:
        return None
    lines = job.source.text.splitlines()
    line = lines[pos[0] - 1] if 0 < pos[0] <= len(lines) else ""
    hash_at = line.find(" #")
    found = _COMMENT_VERSION.search(line[hash_at:]) if hash_at >= 0 else None
    return int(found.group(1)) if found else None


def value_enables(action: CacheAction, value: Any) -> bool:
    """Whether a (known, evaluated) input value turns the cache on."""
    if action.mode == "name":
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() not in ("", "false", "none")
    text = str(value).strip().lower() if not isinstance(value, bool) else str(value).lower()
    on = text in ("true", "1", "yes", "on", "auto")
    return not on if action.mode == "off-flag" else on


def default_enabled(action: CacheAction, major: int | None) -> bool:
    """Whether the cache is on with its input absent (unknown versions: current behaviour)."""
    if action.mode == "always":
        return True
    since = action.default_since
    if since is None:
        return False
    return major is None or major >= since


def setup_node_auto(step: Step, job: Job) -> bool:
    """setup-node v5+ may cache npm by itself (``packageManager`` in package.json)."""
    uses = step.uses
    if uses is None or uses.name.lower() != "actions/setup-node" or "cache" in step.with_:
        return False
    setting = step.with_.get("package-manager-cache")
    if setting is not None and str(setting).strip().lower() == "false":
        return False
    major = action_major(step, job)
    return major is None or major >= 5


def self_hosted(job: Job) -> bool:
    runs_on = job.runs_on
    labels = runs_on if isinstance(runs_on, list) else [runs_on]
    return any(str(label).strip().lower() == "self-hosted" for label in labels)


# --------------------------------------------------------------------------
# installs


def _install_hits(step: Step) -> list[str]:
    return script_installs(step.run) if step.run else []


def script_installs(script: str) -> list[str]:
    """The dependency installs a shell script runs (a GitHub ``run:``, a GitLab
    ``script:``), as the matched command text."""
    out: list[str] = []
    for m in match_commands(command_segments(script), INSTALL_COMMANDS):
        text = m.segment.text
        family = m.pattern.family
        if family == "pip" and not _PIP_PROJECT.search(text):
            continue  # a tool (`pip install pre-commit`), not the project's dependencies
        if family == "npm" and _NPM_GLOBAL.search(text):
            continue
        if re.search(r"\s(?:--help|-h|--version|-v)(?=\s|$)", text):
            continue
        out.append(m.text)
    return out


def installs(step: Step) -> str | None:
    """What the step installs dependencies with (for messages), or ``None``. A toolchain
    setup action counts here; ``job_installs`` keeps it only with a package manager run."""
    uses = step.uses
    if uses is not None and uses.is_remote and uses.name.lower() in SETUP_ACTIONS:
        return uses.name
    hits = _install_hits(step)
    return hits[0] if hits else None


def _implicit_install(step: Step) -> bool:
    return bool(step.run) and bool(
        match_commands(command_segments(step.run or ""), IMPLICIT_INSTALL_COMMANDS)
    )


def job_installs(job: Job) -> list[tuple[Step, str]]:
    """The job's dependency installs, in step order: install commands, setup-go and
    setup-uv, and a toolchain setup action (``TOOLCHAIN_ACTIONS``) when a step of the job
    runs a package manager (an install command, ``tox``, ``dotnet build``...). A job that
    sets up Python only to run a scanner action installs no dependencies: ``cache: pip``
    would have nothing to cache (and fails without a lockfile)."""
    found = [(s, what) for s in job.steps if (what := installs(s)) is not None]
    if any(what.lower() not in TOOLCHAIN_ACTIONS for _, what in found) or any(
        _implicit_install(s) for s in job.steps
    ):
        return found
    return []
