"""What the repo-level policies (GHA-015, GHA-023, GHA-027) read of a repository besides its
workflows: the package ecosystems present, and the Dependabot and Renovate configs.

``describe`` walks the repository once and returns its *facts* as a JSON text. That text is
what the repository subject is parsed from (``formats.github_actions.repository``), and the
bytes the result cache keys the repository's verdicts on: a changed ``dependabot.yml``, a
new ``go.mod`` or a removed Dockerfile changes the facts and so the key. The workflows the
policies also read are the format's ``dependencies`` (``indexes.workflows.workflow_files``).

The walk reads names only (no file content, except the configs), does not follow symlinked
directories, and skips what collection skips: ``discovery.SKIP_DIRS`` (``node_modules``,
``.git``, ``vendor``...), dot-directories other than ``.github``, ``build``, ``dist``,
``*.egg-info``, Go's ``testdata``, ``fixtures``, the directories below a ``test``/``tests``
directory (fixture projects; the test directory's own manifests count) and the run's
``--ignore``/``--ignore-glob`` paths. It
stops after ``MAX_ENTRIES`` directory entries (the facts say so).
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection

from pytest_devops_policy import discovery, safefile
from pytest_devops_policy.discovery import Excludes
from pytest_devops_policy.knowledge.ci.ecosystems import ecosystem_of

__all__ = [
    "CONFIG_FILES",
    "FACTS_VERSION",
    "MAX_ENTRIES",
    "Excludes",
    "describe",
    "facts_change",
    "fixture_of",
    "repository_root",
]

FACTS_VERSION = 1
MAX_ENTRIES = 200_000  # a bound on the walk's cost in a huge monorepo
MAX_CONFIG_BYTES = 1024 * 1024

# Dependabot's and Renovate's config files, relative to the repository root, in the order
# the tools look for them (Renovate takes the first it finds).
DEPENDABOT_FILES = (".github/dependabot.yml", ".github/dependabot.yaml")
RENOVATE_FILES = (
    "renovate.json",
    "renovate.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
)
# pre-commit.ci (a GitHub App, no workflow) lints pull requests when this file has ``ci:``.
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
CONFIG_FILES = DEPENDABOT_FILES + RENOVATE_FILES + (PRE_COMMIT_FILE,)

_SKIP_NAMES = frozenset({"build", "dist", "testdata", "fixtures", "__fixtures__"})
# Test directories: their own manifests are the tests' dependencies and count, but a
# project *below* one (``test/ecosystem/flask/pyproject.toml``, ``tests/e2e/app/Dockerfile``)
# is a fixture the tests build, not a dependency anybody ships (Renovate's recommended
# config ignores ``**/test/**`` and ``**/tests/**`` for the same reason).
_TEST_DIRS = frozenset({"test", "tests", "__tests__"})


def repository_root(path: str) -> str:
    """The repository a path belongs to: the nearest directory holding ``.github``
    (the path's own directory when none does)."""
    path = os.path.abspath(path)
    here = path if os.path.isdir(path) else os.path.dirname(path)
    while True:
        if os.path.basename(here) != ".github" and os.path.isdir(os.path.join(here, ".github")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return path if os.path.isdir(path) else os.path.dirname(path)
        here = parent


def _rel(root: str, directory: str) -> str:
    rel = os.path.relpath(directory, root).replace(os.sep, "/")
    return "." if rel in ("", ".") else rel


def _skip_dir(name: str) -> bool:
    return (
        name in discovery.SKIP_DIRS
        or name in _SKIP_NAMES
        or (name.startswith(".") and name != ".github")
        or name.endswith((".egg-info", ".egg"))
    )


def _walk(root: str, excludes: Excludes) -> tuple[dict[str, set[str]], list[str], bool]:
    """({ecosystem: relative directories}, top-level directories, truncated)."""
    found: dict[str, set[str]] = {}
    top: list[str] = []
    seen = 0
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError:
            continue
        seen += len(entries)
        if seen > MAX_ENTRIES:
            return found, sorted(top), True
        rel = _rel(root, directory)
        in_github = rel == ".github" or rel.startswith(".github/")
        in_tests = os.path.basename(directory) in _TEST_DIRS and rel != "."
        pip_here: list[str] = []
        uv_here = False
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if _skip_dir(name) or excludes.excluded(entry.path):
                    continue
                if rel == "." and not name.startswith("."):
                    top.append(name)
                if not in_tests:  # a project below a test directory is a fixture
                    stack.append(entry.path)
                continue
            if excludes.excluded(entry.path):
                continue
            if name in ("action.yml", "action.yaml"):
                found.setdefault("github-actions", set()).add(rel)
                continue
            if in_github:
                if rel == ".github/workflows" and name.endswith((".yml", ".yaml")):
                    found.setdefault("github-actions", set()).add(".")
                continue  # issue templates, configs: no ecosystem
            eco = ecosystem_of(name)
            if eco == "pip":
                pip_here.append(name)
            elif eco == "uv":
                uv_here = True
            elif eco is not None:
                found.setdefault(eco, set()).add(rel)
        if uv_here:
            found.setdefault("uv", set()).add(rel)
        elif pip_here:
            found.setdefault("pip", set()).add(rel)
    return found, sorted(top), False


def _config(root: str, relpath: str) -> dict[str, object] | None:
    path = os.path.join(root, *relpath.split("/"))
    if not os.path.lexists(path):
        return None
    data = safefile.read_bytes(path, MAX_CONFIG_BYTES)
    if data is None:
        return {"path": relpath, "error": "not a regular file of at most 1 MiB"}
    return {"path": relpath, "text": data.decode("utf-8", errors="replace")}


def _package_json_renovate(root: str) -> dict[str, object] | None:
    """The ``renovate`` key of the root ``package.json`` (Renovate reads it there only)."""
    data = safefile.read_bytes(os.path.join(root, "package.json"), MAX_CONFIG_BYTES)
    if data is None or b'"renovate"' not in data:
        return None
    try:
        doc = json.loads(data.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    if not isinstance(doc, dict) or "renovate" not in doc:
        return None
    return {"path": "package.json", "renovate": doc["renovate"]}


def fixture_of(root: str) -> str | None:
    """The path, from an enclosing repository, of a repository that is that repository's
    test data or vendored code (``checks/testdata`` holding a ``.github`` of its own): a
    directory the enclosing repository's walk skips (``testdata``, ``vendor``,
    ``node_modules``, fixtures, below ``tests``). GitHub never runs it; ``None`` otherwise."""
    root = os.path.abspath(root)
    here = os.path.dirname(root)
    while True:
        if os.path.isdir(os.path.join(here, ".github")):
            parts = os.path.relpath(root, here).split(os.sep)
            if any(_skip_dir(p) for p in parts) or any(p in _TEST_DIRS for p in parts[:-1]):
                return "/".join(parts)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def describe(root: str, excludes: Excludes | None = None) -> str:
    """The repository's facts as a JSON text (sorted, so equal trees give equal bytes)."""
    found, top, truncated = _walk(root, excludes or Excludes())
    configs = [c for c in (_config(root, rel) for rel in CONFIG_FILES) if c is not None]
    in_package = _package_json_renovate(root)
    if in_package is not None:
        configs.append(in_package)
    facts = {
        "version": FACTS_VERSION,
        "ecosystems": {eco: sorted(dirs) for eco, dirs in sorted(found.items())},
        "top_dirs": top,
        "truncated": truncated,
        "configs": configs,
    }
    fixture = fixture_of(root)
    if fixture is not None:
        facts["fixture"] = fixture
    return json.dumps(facts, sort_keys=True, indent=1, ensure_ascii=False)


def facts_change(root: str, path: str, listed: bool, listings: Collection[str] = ()) -> str | None:
    """Why a changed ``path`` changes the facts of the repository at ``root`` (None: it
    does not), for ``--devops-policy-changed``. ``listed``: the path was added or removed
    (the walk reads names), not only edited; ``listings``: the directories whose entries
    changed. The workflows are the format's dependencies."""
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    if rel.startswith("../") or rel == "..":
        return None
    if rel in CONFIG_FILES or rel == "package.json":
        return "a dependency-update config" if rel != "package.json" else "reads its renovate key"
    if not listed:
        return None
    parts = rel.split("/")
    name = parts[-1]
    if any(_skip_dir(p) for p in parts[:-1]) or any(p in _TEST_DIRS for p in parts[:-2]):
        return None  # the walk does not go there
    top = os.path.join(root, parts[0])
    if len(parts) > 1 and root in listings and top in listings and not parts[0].startswith("."):
        return "a top-level directory appeared or went"
    if name in ("action.yml", "action.yaml") or ecosystem_of(name) is not None:
        return "a package manifest"
    return None
