"""GitLab CI files as ``Pipeline`` and ``GitLabJob`` subjects (catalog §4.1).

``config.py`` builds the merged configuration (includes, ``!reference``); this module
expands each job (``extends:`` in order, then ``default:``), models the keywords policies
read, and makes the subjects: one ``pipeline`` per file and one ``job:<name>`` per job
written in that file. Hidden jobs (``.name``) are templates, never subjects.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pytest_devops_policy.api import PathPart
from pytest_devops_policy.formats.gitlab_ci.config import (
    DEFAULT_KEYS,
    GLOBAL_DEFAULTS,
    GLOBAL_KEYWORDS,
    MAX_EXTENDS_DEPTH,
    Config,
    Include,
    as_list,
    build_config,
)
from pytest_devops_policy.formats.gitlab_ci.tree import Node, Origin, deep_merge, flatten, plain
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject

__all__ = [
    "DEFAULT_STAGES",
    "KIND",
    "Environment",
    "GitLabJob",
    "Need",
    "Pipeline",
    "PipelineFile",
    "Rule",
    "parse",
]

KIND = "gitlab-ci"
DEFAULT_STAGES = (".pre", "build", "test", "deploy", ".post")
WHEN_VALUES = ("on_success", "manual", "always", "on_failure", "delayed", "never")
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Environment:
    """``environment:`` as a name or ``{name, url, action, deployment_tier}``. ``dynamic``:
    the name holds a CI/CD variable (``review/$CI_COMMIT_REF_SLUG``)."""

    name: str
    url: str | None = None
    action: str | None = None
    deployment_tier: str | None = None

    @property
    def dynamic(self) -> bool:
        return "$" in self.name


@dataclass(frozen=True)
class Need:
    """One ``needs:`` entry: a job of this pipeline, or (``project``/``pipeline``) another's."""

    job: str
    optional: bool = False
    artifacts: bool = True
    project: str | None = None
    pipeline: str | None = None

    @property
    def local(self) -> bool:
        return self.project is None and self.pipeline is None


@dataclass(frozen=True)
class Rule:
    """One ``rules:`` entry, as written: conditions (``if``/``changes``/``exists``) and
    what it sets (``when``, ``allow_failure``, ``variables``, ``needs``)."""

    index: int
    if_: str | None = None
    changes: Any = None
    exists: Any = None
    when: str | None = None
    allow_failure: Any = None
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def unconditional(self) -> bool:
        return self.if_ is None and self.changes is None and self.exists is None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _environment(value: Any) -> Environment | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return Environment(
            _text(value.get("name")) or "",
            _text(value.get("url")),
            _text(value.get("action")),
            _text(value.get("deployment_tier")),
        )
    return Environment(_text(value) or "")


def _rules(value: Any) -> tuple[Rule, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Rule] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        variables = item.get("variables")
        out.append(
            Rule(
                i,
                _text(item.get("if")),
                item.get("changes"),
                item.get("exists"),
                _text(item.get("when")),
                item.get("allow_failure"),
                dict(variables) if isinstance(variables, dict) else {},
            )
        )
    return tuple(out)


def _script(value: Any) -> tuple[str, ...]:
    """A script keyword as its lines (nested lists flattened, as GitLab does)."""
    out: list[str] = []

    def add(v: Any) -> None:
        if isinstance(v, list):
            for item in v:
                add(item)
        elif v is not None and not isinstance(v, dict):
            out.append(_text(v) or "")

    add(value)
    return tuple(out)


# --------------------------------------------------------------------------
# subjects


class Pipeline(Subject[None]):
    """One GitLab CI file, with the merged configuration it sees (its local includes)."""

    kind: ClassVar[str] = KIND
    key: ClassVar[str] = "gl_pipeline"

    def __init__(self, source: Source, config: Config, line: int, col: int) -> None:
        super().__init__(source, "pipeline", line, col)
        self.config = config
        raw, origins = flatten(config.root)
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.origins: dict[Path, Origin] = origins
        stages = self.raw.get("stages")
        self.stages: tuple[str, ...] = (
            (
                ".pre",
                *[s for s in map(_text, as_list(stages)) if s and s not in (".pre", ".post")],
                ".post",
            )
            if stages is not None
            else DEFAULT_STAGES
        )
        self.variables: dict[str, Any] = _mapping(self.raw.get("variables"))
        workflow = _mapping(self.raw.get("workflow"))
        self.workflow_rules = _rules(workflow.get("rules"))
        self.includes: tuple[Include, ...] = tuple(config.includes)
        self.default: dict[str, Any] = _mapping(self.raw.get("default"))
        self.jobs: dict[str, GitLabJob] = {}  # every job of the merged pipeline
        self.templates: tuple[str, ...] = tuple(k for k in self.raw if k.startswith("."))

    def stage_index(self, stage: str | None) -> int | None:
        return self.stages.index(stage) if stage in self.stages else None

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return _locate(self.origins, tuple(path), self.source.relpath)

    def elsewhere(self, path: Sequence[PathPart] | None) -> str | None:
        return _elsewhere(self.origins, tuple(path or ()), self.source.relpath)


class GitLabJob(Subject[None]):
    """One job after ``extends:`` and ``default:``; ``origins`` says where each key was set
    (a key inherited from a template points at the template's line, maybe in another file)."""

    kind: ClassVar[str] = KIND
    key: ClassVar[str] = "gl_job"

    def __init__(
        self,
        pipeline: Pipeline,
        name: str,
        raw: dict[str, Any],
        origins: dict[Path, Origin],
        line: int,
        col: int,
        unresolved_extends: tuple[str, ...] = (),
    ) -> None:
        super().__init__(pipeline.source, f"job:{name}", line, col)
        self.pipeline = pipeline
        self.name = name
        self.raw = raw
        self.origins = origins
        self.unresolved_extends = unresolved_extends
        self.extends: tuple[str, ...] = tuple(
            t for t in map(_text, as_list(raw.get("extends"))) if t
        )
        stage = raw.get("stage")
        self.stage: str = _text(stage) or "test"
        self.script = _script(raw.get("script"))
        self.before_script = _script(raw.get("before_script"))
        self.after_script = _script(raw.get("after_script"))
        self.environment = _environment(raw.get("environment"))
        when = _text(raw.get("when"))
        self.when: str = when or "on_success"
        self.allow_failure: Any = raw.get("allow_failure", False)
        self.rules = _rules(raw.get("rules"))
        self.only: Any = raw.get("only")
        self.except_: Any = raw.get("except")
        self.needs: tuple[Need, ...] | None = _needs(raw.get("needs"), "needs" in raw)
        self.image: Any = raw.get("image")
        self.services: list[Any] = as_list(raw.get("services"))
        self.timeout: Any = raw.get("timeout")
        self.resource_group = _text(raw.get("resource_group"))
        self.cache: Any = raw.get("cache")
        self.variables: dict[str, Any] = _mapping(raw.get("variables"))
        self.trigger: Any = raw.get("trigger")
        self.tags: list[Any] = as_list(raw.get("tags"))

    @property
    def needs_nothing(self) -> bool:
        """``needs: []``: starts at once, ignoring the stage order."""
        return self.needs == ()

    @property
    def display(self) -> str:
        return f"job '{self.name}'"

    def scripts(self) -> Iterable[tuple[str, int, str]]:
        """Every script line: (keyword, index, line)."""
        for key in ("before_script", "script", "after_script"):
            for i, line in enumerate(getattr(self, key)):
                yield key, i, line

    def origin(self, path: Sequence[PathPart]) -> Origin | None:
        return _nearest(self.origins, tuple(path))

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int] | None:
        return _locate(self.origins, tuple(path), self.source.relpath)

    def elsewhere(self, path: Sequence[PathPart] | None) -> str | None:
        return _elsewhere(self.origins, tuple(path or ()), self.source.relpath)


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _needs(value: Any, present: bool) -> tuple[Need, ...] | None:
    if not present:
        return None
    out: list[Need] = []
    for item in as_list(value):
        if isinstance(item, dict):
            job = _text(item.get("job"))
            if job is None:
                continue
            out.append(
                Need(
                    job,
                    item.get("optional") is True,
                    item.get("artifacts") is not False,
                    _text(item.get("project")),
                    _text(item.get("pipeline")),
                )
            )
        elif _text(item) is not None:
            out.append(Need(_text(item) or ""))
    return tuple(out)


def _nearest(origins: dict[Path, Origin], path: Path) -> Origin | None:
    while True:
        found = origins.get(path)
        if found is not None or not path:
            return found
        path = path[:-1]


def _locate(origins: dict[Path, Origin], path: Path, file: str) -> tuple[int, int] | None:
    found = _nearest(origins, path)
    if found is None:
        return None
    if found.file != file:
        # Set in another file: the item's line stays that of the subject's own key.
        own = origins.get(())
        return (own.line, own.col) if own is not None and own.file == file else None
    return found.line, found.col


def _elsewhere(origins: dict[Path, Origin], path: Path, file: str) -> str | None:
    found = _nearest(origins, path)
    return str(found) if found is not None and found.file != file else None


# --------------------------------------------------------------------------
# extends: and default:


def _expand(
    name: str,
    root: dict[str, Node],
    strict: bool,
    cache: dict[str, tuple[Node, tuple[str, ...]]],
    chain: tuple[str, ...] = (),
) -> tuple[Node, tuple[str, ...]]:
    """The job (or template) ``name`` with its ``extends:`` merged in order; also the
    templates it names that are not in the configuration (when not ``strict``)."""
    if name in cache:
        return cache[name]
    node = root[name]
    if name in chain:
        raise ParseError(
            "circular dependency in extends: " + " -> ".join((*chain, name)),
            node.origin.line,
            node.origin.col,
        )
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ParseError(
            f"extends nests more than {MAX_EXTENDS_DEPTH} levels", node.origin.line, node.origin.col
        )
    ext = node.get("extends")
    targets = [t for t in map(_text, as_list(plain(ext) if ext is not None else None)) if t]
    missing: list[str] = []
    merged: Node | None = None
    for target in targets:
        if target not in root or not isinstance(root[target].value, dict):
            if strict:
                where = ext.origin if ext is not None else node.origin
                raise ParseError(
                    f"job '{name}' extends '{target}', which is not in the configuration",
                    where.line,
                    where.col,
                )
            missing.append(target)
            continue
        base, more = _expand(target, root, strict, cache, (*chain, name))
        missing.extend(more)
        merged = base if merged is None else deep_merge(merged, base)
    result = node if merged is None else deep_merge(merged, node)
    cache[name] = (result, tuple(dict.fromkeys(missing)))
    return cache[name]


def _defaults(root: dict[str, Node]) -> dict[str, Node]:
    """What ``default:`` (or the deprecated top-level keywords) gives every job."""
    out: dict[str, Node] = {k: root[k] for k in GLOBAL_DEFAULTS if k in root}
    default = root.get("default")
    if default is not None and isinstance(default.value, dict):
        out.update({k: v for k, v in default.value.items() if k in DEFAULT_KEYS})
    return out


def _apply_defaults(job: Node, defaults: dict[str, Node]) -> Node:
    value: dict[str, Node] = job.value
    inherit = value.get("inherit")
    inherited = inherit.get("default") if inherit is not None else None
    allowed: set[str] | None = None
    if inherited is not None:
        if inherited.value is False:
            return job
        if isinstance(inherited.value, list):
            allowed = {str(n.value) for n in inherited.value}
    extra = {
        k: v for k, v in defaults.items() if k not in value and (allowed is None or k in allowed)
    }
    return Node({**value, **extra}, job.origin) if extra else job


# --------------------------------------------------------------------------
# parsing


@dataclass
class PipelineFile(ParsedFile):
    pipeline: Pipeline | None = None


def looks_like_pipeline(value: Any) -> bool:
    """Sniffing (catalog §4.1): ``stages``, or a job mapping with ``script``/``trigger``."""
    if not isinstance(value, dict):
        return False
    if "stages" in value or "include" in value:
        return True
    return any(
        isinstance(v, dict) and ("script" in v or "trigger" in v or "extends" in v)
        for k, v in value.items()
        if k not in GLOBAL_KEYWORDS
    )


def repo_root_of(source: Source) -> str | None:
    """The repository root: the rootdir that ``relpath`` is relative to."""
    parts = source.relpath.split("/")
    root = os.path.abspath(source.path)
    for _ in parts:
        root = os.path.dirname(root)
    return root if os.path.isdir(root) else None


def parse(source: Source, *, root_config: bool = True) -> PipelineFile:
    """Parse one GitLab CI file. ``root_config``: the project's CI configuration file
    (``.gitlab-ci.yml`` at the root or ``gl.ci_config_path``), where a template or reference
    that names nothing is a parse error, as GitLab rejects it. In other files (included by
    one) they are recorded, since the including file may define them."""
    config, _header = build_config(
        source.text, source.relpath, repo_root_of(source), strict=root_config
    )
    if config is None:
        return PipelineFile(source, KIND, [], skip_reason="the file holds no YAML document")
    root = config.root
    if not isinstance(root.value, dict):
        raise ParseError(
            "a GitLab CI configuration is a mapping of jobs and keywords",
            root.origin.line,
            root.origin.col,
        )
    nodes: dict[str, Node] = root.value
    line, col = _first_key(root, source.relpath)
    pipeline = Pipeline(source, config, line, col)
    defaults = _defaults(nodes)
    cache: dict[str, tuple[Node, tuple[str, ...]]] = {}
    strict = root_config and config.complete
    own: list[GitLabJob] = []
    for name, node in nodes.items():
        if name in GLOBAL_KEYWORDS or name.startswith("."):
            continue
        if not isinstance(node.value, dict):
            if node.origin.file == source.relpath:
                raise ParseError(
                    f"job '{name}' must be a mapping of keywords",
                    node.origin.line,
                    node.origin.col,
                )
            continue
        expanded, missing = _expand(name, nodes, strict, cache)
        expanded = _apply_defaults(expanded, defaults)
        _check_scripts(name, expanded, source.relpath)
        raw, origins = flatten(expanded)
        origins[()] = node.origin  # the job's key line, not its first template's
        job = GitLabJob(pipeline, name, raw, origins, node.origin.line, node.origin.col, missing)
        pipeline.jobs[name] = job
        if node.origin.file == source.relpath:
            own.append(job)
    _check_needs(pipeline, strict)
    subjects: list[Subject[Any]] = [pipeline, *own]
    notes = [
        ("pipeline", "GL-UNRESOLVED", origin.line, message)
        for origin, message in config.unresolved
        if origin.file == source.relpath
    ]
    return PipelineFile(source, KIND, subjects, notes=notes, pipeline=pipeline)


SCRIPT_KEYS = ("before_script", "script", "after_script")
MAX_SCRIPT_NESTING = 10  # GitLab's limit for nested script arrays


def _check_scripts(name: str, job: Node, file: str) -> None:
    """GitLab rejects a script that is not a string or nested arrays of strings. The usual
    cause is an unquoted line holding ``": "`` (``- echo a: b``), which YAML reads as a
    mapping; reading it as no command at all would hide it from every policy."""

    def check(key: str, node: Node, depth: int) -> None:
        value = node.value
        if isinstance(value, list):
            if depth > MAX_SCRIPT_NESTING:
                _fail(f"job '{name}' {key} nests arrays more than {MAX_SCRIPT_NESTING} deep", node)
            for item in value:
                check(key, item, depth + 1)
        elif isinstance(value, dict):
            first = next(iter(value), "")
            _fail(
                f"job '{name}' {key} holds a mapping, not a command: YAML reads an unquoted "
                f"line with ': ' as a key ('{first}: ...'); quote the whole line",
                node,
            )

    def _fail(message: str, node: Node) -> None:
        if node.origin.file == file:  # an included file reports its own error
            raise ParseError(message, node.origin.line, node.origin.col)

    for key in SCRIPT_KEYS:
        child = job.get(key)
        if child is not None:
            check(key, child, 0)


def _first_key(root: Node, file: str) -> tuple[int, int]:
    for child in root.value.values():
        if child.origin.file == file:
            return child.origin.line, child.origin.col
    return root.origin.line, root.origin.col


_MATRIX_INSTANCE = re.compile(r": \[[^\]]*\]$")


def _check_needs(pipeline: Pipeline, strict: bool) -> None:
    """A ``needs:`` naming a job that is not in the pipeline is an error in GitLab, unless
    the need is ``optional: true``. Not checked when an include was not read (the job may
    come from it)."""
    if not strict:
        return
    for job in pipeline.jobs.values():
        for i, need in enumerate(job.needs or ()):
            # "build: [linux, amd64]": one instance of a parallel:matrix job
            base = _MATRIX_INSTANCE.sub("", need.job)
            if need.local and not need.optional and base not in pipeline.jobs:
                line, col = job.locate(("needs", i)) or (job.line, job.col)
                raise ParseError(
                    f"job '{job.name}' needs '{need.job}', which is not a job of the pipeline",
                    line,
                    col,
                )
