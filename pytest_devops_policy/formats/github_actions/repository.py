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
import re
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
    "loads_json5",
    "parse",
    "parse_dependabot",
    "parse_renovate",
    "runs_on_github",
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
            if d.endswith("/**") and d[:-3] == rel:  # `/apps/**` takes in `/apps` too
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
    ignore_paths: tuple[str, ...] = ()  # ignorePaths written in this file
    include_paths: tuple[str, ...] = ()  # includePaths written in this file

    def enables(self, manager: str) -> bool:
        if self.error is not None or not self.enabled or manager in self.disabled:
            return False
        return self.managers is None or manager in self.managers

    def reads_dir(self, rel: str) -> bool:
        """Whether Renovate looks at the files of directory ``rel`` (``.`` = the root):
        not left out by ``ignorePaths`` and, when given, inside ``includePaths``. Only
        the entries written in this file are known (a preset's are not)."""
        probe = "" if rel == "." else rel
        if any(_renovate_path_match(p, probe, True) for p in self.ignore_paths):
            return False
        return not self.include_paths or any(
            _renovate_path_match(p, probe, False) for p in self.include_paths
        )


def _renovate_path_match(pattern: str, rel: str, ignore: bool) -> bool:
    """Whether a Renovate path entry takes in the files of directory ``rel``: as Renovate
    matches a file path, an ``ignorePaths`` entry that occurs in it (an ``includePaths``
    entry it starts with), or a glob matching it."""
    pattern = pattern.strip()
    if not pattern:
        return False
    where = f"{rel}/" if rel else ""  # the directory part of its files' paths
    if (pattern in where) if ignore else where.startswith(pattern.rstrip("/") + "/"):
        return True
    glob = pattern.removeprefix("./").removeprefix("/")
    return github_glob_match(glob, where + "x") or github_glob_match(glob, rel)


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


# JSON5 (https://spec.json5.org): JSON plus comments, trailing commas, unquoted (identifier)
# keys, single-quoted strings, hexadecimal, signed and dotted numbers, Infinity and NaN. A
# text that is not JSON5 raises ValueError with where it stopped.

_JSON5_ESCAPES = {
    "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0",
    "'": "'", '"': '"', "\\": "\\", "/": "/",
}  # fmt: skip
_JSON5_NUMBER = re.compile(
    r"[+-]?(?:Infinity|NaN|0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
)
_JSON5_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_MAX_JSON5_DEPTH = 200


class _Json5:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> ValueError:
        line = self.text.count("\n", 0, self.pos) + 1
        col = self.pos - (self.text.rfind("\n", 0, self.pos) + 1) + 1
        return ValueError(f"{what} at line {line} column {col}")

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch.isspace() or ch == "\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated comment")
                self.pos = end + 2
            else:
                return

    def document(self) -> Any:
        value = self.value(0)
        self.skip()
        if self.pos != len(self.text):
            raise self.fail("unexpected text after the value")
        return value

    def value(self, depth: int) -> Any:
        if depth > _MAX_JSON5_DEPTH:
            raise self.fail("nested too deeply")
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("unexpected end")
        ch = self.text[self.pos]
        if ch == "{":
            return self.container(depth, "}")
        if ch == "[":
            return self.container(depth, "]")
        if ch in "\"'":
            return self.string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return val
        m = _JSON5_NUMBER.match(self.text, self.pos)
        if m is None:
            raise self.fail(f"unexpected {ch!r}")
        self.pos = m.end()
        word = m.group(0)
        sign = -1 if word.startswith("-") else 1
        body = word.lstrip("+-")
        if body in ("Infinity", "NaN"):
            return sign * float("inf") if body == "Infinity" else float("nan")
        if body[:2].lower() == "0x":
            return sign * int(body, 16)
        number = float(body)
        return sign * int(body) if body.isdigit() else sign * number

    def container(self, depth: int, close: str) -> Any:
        self.pos += 1
        items: list[Any] = []
        obj: dict[str, Any] = {}
        while True:
            self.skip()
            if self.text.startswith(close, self.pos):
                self.pos += 1
                return obj if close == "}" else items
            if close == "}":
                key = self.key()
                self.skip()
                if not self.text.startswith(":", self.pos):
                    raise self.fail("expected ':'")
                self.pos += 1
                obj[key] = self.value(depth + 1)
            else:
                items.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith(close, self.pos):
                raise self.fail(f"expected ',' or '{close}'")

    def key(self) -> str:
        if self.pos < len(self.text) and self.text[self.pos] in "\"'":
            return self.string()
        m = _JSON5_IDENT.match(self.text, self.pos)
        if m is None:
            raise self.fail("expected a key")
        self.pos = m.end()
        return m.group(0)

    def string(self) -> str:
        text, quote = self.text, self.text[self.pos]
        out: list[str] = []
        i = self.pos + 1
        while True:
            j = i
            while j < len(text) and text[j] not in (quote, "\\", "\n"):
                j += 1
            out.append(text[i:j])
            if j >= len(text) or text[j] == "\n":
                self.pos = j
                raise self.fail("unterminated string")
            if text[j] == quote:
                self.pos = j + 1
                return "".join(out)
            esc = text[j + 1 : j + 2]
            if esc in ("\n", "\r"):  # a line continuation
                i = j + 2 + (esc == "\r" and text[j + 2 : j + 3] == "\n")
            elif esc in ("u", "x"):
                width = 4 if esc == "u" else 2
                digits = text[j + 2 : j + 2 + width]
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError:
                    self.pos = j
                    raise self.fail("bad escape") from None
                i = j + 2 + width
            else:
                out.append(_JSON5_ESCAPES.get(esc, esc))
                i = j + 2


def loads_json5(text: str) -> Any:
    """A JSON5 text's value (JSON is JSON5); ValueError when it is not JSON5."""
    return _Json5(text).document()


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
    ignore = tuple(str(p) for p in value.get("ignorePaths") or () if isinstance(p, str))
    include = tuple(str(p) for p in value.get("includePaths") or () if isinstance(p, str))
    return RenovateConfig(path, enabled, chosen, disabled, None, ignore, include)


def parse_renovate(path: str, text: str | None, value: Any = None) -> RenovateConfig:
    """A Renovate config file (JSON or JSON5), or the value of the
    ``renovate`` key of ``package.json`` (``text`` None)."""
    if text is None:
        return _renovate_from(path, value)
    try:  # Renovate reads every config file as JSON5 (a .json file with comments too)
        doc = loads_json5(text)
    except (ValueError, RecursionError) as exc:
        return RenovateConfig(path, error=f"cannot read {path} as JSON5 ({exc})")
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
        # Set for a repository that is test data of an enclosing one (``checks/testdata``):
        # GitHub never runs it, so the repo-level policies do not apply.
        fixture = facts.get("fixture")
        self.fixture: str | None = str(fixture) if fixture else None
        self.dependabot: DependabotConfig | None = None
        self.renovate: RenovateConfig | None = None
        self.config_errors: list[str] = []
        # A .pre-commit-config.yaml with a top-level `ci:` table: pre-commit.ci lints PRs.
        self.pre_commit_ci = False
        self.pre_commit_config = False  # a .pre-commit-config.yaml exists
        for config in facts.get("configs") or ():
            self._add_config(config)

    def _add_config(self, config: Mapping[str, Any]) -> None:
        path = str(config.get("path", ""))
        error = config.get("error")
        is_dependabot = path.startswith(".github/dependabot.")
        if path == ".pre-commit-config.yaml":
            self.pre_commit_config = True
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


def runs_on_github(repository: Repository) -> bool:
    """Whether GitHub may run the repository: not the test data of an enclosing one
    (``Repository.fixture``). The repo-level policies apply only then."""
    return repository.fixture is None


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
