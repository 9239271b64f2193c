"""The repository as a subject: what the repo-level policies (GHA-015, GHA-023, GHA-027) judge.

Catalog §3.1: repo-level items run once per repository root, the directory holding
``.github/``. A ``Repository`` is parsed from the repository's *facts*, a JSON text that
``indexes.repository.describe`` makes by walking the tree once (package ecosystems and
where their manifests are, top-level directories, the Dependabot and Renovate configs'
text). Its source path is the ``.github`` directory, so its items are
``.github::repository::GHA-0NN`` (``pytest_layer.repository``) and a config waiver names
``path = ".github"``. Findings have no line of their own: they are reported at line 1.

The workflows are not in the facts: policies read them from the kind's index,
``context.index(repository)`` (``indexes.workflows.WorkflowIndex``), like a job does.

Config readers here are pure (text in, model out) and never raise: a config that cannot be
read is kept with its ``error``, which policies report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.github_actions.triggers import github_glob_match
from pytest_devops_policy.formats.github_actions.values import as_strings, as_text
from pytest_devops_policy.formats.github_actions.workflow import KIND
from pytest_devops_policy.formats.yamlload import load_documents
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.workflows import WorkflowIndex  # noqa: F401 (a base class's type)

__all__ = [
    "DependabotConfig",
    "DependabotUpdate",
    "RenovateConfig",
    "Repository",
    "parse",
    "parse_dependabot",
    "parse_renovate",
]


def _norm_dir(value: str) -> str:
    """A Dependabot directory as a path relative to the root (``/`` -> ``""``)."""
    return value.strip().strip("/")


@dataclass(frozen=True)
class DependabotUpdate:
    """One entry of ``updates``: its ``package-ecosystem`` (lowercase) and directories."""

    ecosystem: str
    directories: tuple[str, ...]  # relative, "" = the root; may hold globs

    def covers_dir(self, rel: str) -> bool:
        """Whether the entry's ``directory``/``directories`` name ``rel`` (``.`` = root)."""
        rel = "" if rel == "." else rel
        for d in self.directories:
            if self.ecosystem == "github-actions" and d == ".github/workflows":
                d = ""  # Dependabot reads both "/" and "/.github/workflows" as the workflows
            if d == rel or github_glob_match(d, rel):
                return True
        return False


@dataclass(frozen=True)
class DependabotConfig:
    path: str  # relative to the repository root
    updates: tuple[DependabotUpdate, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class RenovateConfig:
    path: str  # relative to the repository root ("package.json" for its "renovate" key)
    enabled: bool = True
    managers: frozenset[str] | None = None  # enabledManagers; None: every manager
    disabled: frozenset[str] = frozenset()  # "<manager>": {"enabled": false}
    error: str | None = None

    def enables(self, manager: str) -> bool:
        if self.error is not None or not self.enabled or manager in self.disabled:
            return False
        return self.managers is None or manager in self.managers


def parse_dependabot(path: str, text: str) -> DependabotConfig:
    """``.github/dependabot.yml``: version 2 with a list of ``updates``."""
    try:
        docs = load_documents(text, yaml11=False)
    except ParseError as exc:
        return DependabotConfig(path, error=f"{path}:{exc.line}: {exc.message}")
    value = docs[0].value if docs else None
    if not isinstance(value, dict):
        return DependabotConfig(path, error=f"{path} is not a mapping")
    updates = value.get("updates")
    if not isinstance(updates, list):
        return DependabotConfig(path, error=f"{path} has no 'updates' list")
    out: list[DependabotUpdate] = []
    for entry in updates:
        if not isinstance(entry, dict):
            continue
        written = as_text(entry.get("package-ecosystem"))
        if not written:
            continue
        dirs = [*as_strings(entry.get("directories")), *as_strings(entry.get("directory"))]
        out.append(DependabotUpdate(written.strip().lower(), tuple(_norm_dir(d) for d in dirs)))
    return DependabotConfig(path, tuple(out))


# JSON5, conservatively: comments and trailing commas are removed outside strings, then the
# text must be JSON. Anything else JSON5 allows (unquoted keys, single quotes) is reported.


def _strip_json5(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            if ch == ",":
                k = i + 1
                while k < n and text[k].isspace():
                    k += 1
                if k < n and text[k] in "}]":
                    ch = ""  # a trailing comma
            out.append(ch)
            i += 1
    return "".join(out)


def _renovate_from(path: str, value: Any) -> RenovateConfig:
    if not isinstance(value, dict):
        return RenovateConfig(path, error=f"{path}: the Renovate config is not an object")
    enabled = value.get("enabled", True) is not False
    managers = value.get("enabledManagers")
    chosen = (
        frozenset(str(m) for m in managers) if isinstance(managers, list) and managers else None
    )
    disabled = frozenset(
        k for k, v in value.items() if isinstance(v, dict) and v.get("enabled") is False
    )
    return RenovateConfig(path, enabled, chosen, disabled)


def parse_renovate(path: str, text: str | None, value: Any = None) -> RenovateConfig:
    """A Renovate config file (JSON, or JSON5 read conservatively), or the value of the
    ``renovate`` key of ``package.json`` (``text`` None)."""
    if text is None:
        return _renovate_from(path, value)
    try:
        doc = json.loads(_strip_json5(text) if path.endswith(("json5", ".renovaterc")) else text)
    except ValueError as exc:
        try:  # a .json file with comments: Renovate reads it as JSON5 too
            doc = json.loads(_strip_json5(text))
        except ValueError:
            return RenovateConfig(path, error=f"cannot read {path} as JSON or JSON5 ({exc})")
    return _renovate_from(path, doc)


def _has_ci_table(text: str) -> bool:
    try:
        docs = load_documents(text, yaml11=False)
    except ParseError:
        return False
    value = docs[0].value if docs else None
    return isinstance(value, dict) and isinstance(value.get("ci"), dict)


class Repository(Subject["WorkflowIndex"]):
    """One repository: the directory holding ``.github`` (``root``).

    ``ecosystems`` maps each ecosystem found to the directories (relative to the root,
    ``"."`` for the root) holding its manifests; ``top_dirs`` are the root's
    directories; ``dependabot`` and ``renovate`` are the configs found (or ``None``).
    """

    kind: ClassVar[str] = KIND
    key: ClassVar[str] = "repository"

    def __init__(self, source: Source, facts: Mapping[str, Any]) -> None:
        super().__init__(source, "repository", 1, 1)
        self.root = os.path.dirname(source.path)
        raw = facts.get("ecosystems") or {}
        self.ecosystems: dict[str, tuple[str, ...]] = {
            str(k): tuple(str(d) for d in v) for k, v in raw.items() if isinstance(v, list)
        }
        self.top_dirs: tuple[str, ...] = tuple(str(d) for d in facts.get("top_dirs") or ())
        self.truncated = bool(facts.get("truncated"))
        self.dependabot: DependabotConfig | None = None
        self.renovate: RenovateConfig | None = None
        self.config_errors: list[str] = []
        # A .pre-commit-config.yaml with a top-level `ci:` table: pre-commit.ci lints PRs.
        self.pre_commit_ci = False
        for config in facts.get("configs") or ():
            self._add_config(config)

    def _add_config(self, config: Mapping[str, Any]) -> None:
        path = str(config.get("path", ""))
        error = config.get("error")
        is_dependabot = path.startswith(".github/dependabot.")
        if path == ".pre-commit-config.yaml":
            self.pre_commit_ci = error is None and _has_ci_table(str(config.get("text", "")))
            return
        if error is not None:
            self.config_errors.append(f"{path}: {error}")
            if is_dependabot and self.dependabot is None:
                self.dependabot = DependabotConfig(path, error=f"{path}: {error}")
            return
        if is_dependabot:
            if self.dependabot is None:  # .yml wins over .yaml, as for Dependabot
                self.dependabot = parse_dependabot(path, str(config.get("text", "")))
        elif self.renovate is None:  # Renovate reads the first config it finds
            text = config.get("text")
            self.renovate = parse_renovate(
                path, str(text) if text is not None else None, config.get("renovate")
            )

    @property
    def relroot(self) -> str:
        """The repository root as reports show it (``.`` for the rootdir)."""
        return os.path.dirname(self.source.relpath) or "."

    @property
    def display(self) -> str:
        """``the repository`` or ``the repository 'services/api'`` for messages."""
        rel = self.relroot
        return "the repository" if rel == "." else f"the repository '{rel}'"

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return None


@dataclass
class RepositoryFile(ParsedFile):
    """The parsed facts: one ``Repository`` subject."""

    repository: Repository | None = field(default=None)


def parse(source: Source) -> RepositoryFile:
    """The ``Repository`` of a facts text (``indexes.repository.describe``)."""
    try:
        facts = json.loads(source.text)
    except ValueError as exc:
        raise ParseError(f"repository facts are not JSON: {exc}") from None
    if not isinstance(facts, dict):
        raise ParseError("repository facts are not a JSON object")
    repo = Repository(source, facts)
    return RepositoryFile(source=source, kind=KIND, subjects=[repo], repository=repo)
