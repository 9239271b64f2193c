"""The classifier's configuration: catalog defaults, extended or replaced by settings.

``ClassifierConfig.from_settings`` reads ``<prefix>.*`` settings (``gha.*`` for
GitHub Actions, ``gl.*`` for GitLab CI) and interns the result, so a config's
identity can key memoised verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pytest_devops_policy.knowledge.ci.patterns import (
    DEFAULT_BRANCH_PLACEHOLDER,
    DEFAULT_BRANCHES,
    DEPLOY_ACTIONS,
    DEPLOY_COMMANDS,
    DEPLOY_ENV_REGEX,
    DEPLOY_JOB_REGEX,
    PATH_PREFIX,
    PROD_ENV_REGEX,
    PROD_NAME_REGEX,
    RELEASE_ACTIONS,
    RELEASE_COMMANDS,
    RELEASE_NAME_REGEX,
    ROLLBACK_COMMANDS,
    SCAN_ACTIONS,
    SCAN_COMMANDS,
    STAGING_ENV_REGEX,
    TEST_COMMANDS,
    TEST_JOB_REGEX,
    VERIFY_ACTIONS,
    VERIFY_COMMANDS,
    ActionPattern,
    CommandPattern,
)
from pytest_devops_policy.options import GhaOptions

__all__ = ["ClassifierConfig", "config_of"]


def _setting(settings: Mapping[str, Any], prefix: str, key: str) -> Any:
    """``settings["gha.key"]``, or the nested ``settings["gha"]["key"]`` form."""
    for k in (f"{prefix}.{key}", f"{prefix}.{key.replace('_', '-')}"):
        if k in settings:
            return settings[k]
    table = settings.get(prefix)
    if isinstance(table, Mapping):
        for k in (key, key.replace("_", "-")):
            if k in table:
                return table[k]
    return None


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    raise ValueError(f"{name}: expected a string or a list of strings, got {value!r}")


def _compile(pattern: str, name: str, anchored: bool) -> re.Pattern[str]:
    try:
        if anchored:
            return re.compile(PATH_PREFIX + pattern.removeprefix("^"))
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{name}: invalid regex {pattern!r}: {exc}") from None


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


_KNOBS = (
    "deploy_patterns",
    "deploy_actions",
    "deploy_job_regex",
    "prod_env_regex",
    "prod_name_regex",
    "staging_env_regex",
    "default_branches",
    "test_patterns",
    "test_job_regex",
    "scan_patterns",
    "scan_actions",
    "rollback_patterns",
    "rollback_actions",
    "verify_patterns",
    "verify_actions",
    "deploy_env_regex",
    "release_patterns",
    "release_actions",
)


@dataclass(frozen=True)
class ClassifierConfig:
    """Compiled classifier patterns: catalog defaults plus user extensions."""

    deploy_job: re.Pattern[str] = field(default_factory=lambda: re.compile(DEPLOY_JOB_REGEX))
    deploy_commands: tuple[CommandPattern, ...] = DEPLOY_COMMANDS
    deploy_actions: tuple[ActionPattern, ...] = DEPLOY_ACTIONS
    prod_env: re.Pattern[str] = field(default_factory=lambda: re.compile(PROD_ENV_REGEX))
    prod_name: re.Pattern[str] = field(default_factory=lambda: re.compile(PROD_NAME_REGEX))
    staging_env: re.Pattern[str] = field(default_factory=lambda: re.compile(STAGING_ENV_REGEX))
    default_branches: tuple[str, ...] = DEFAULT_BRANCHES
    test_commands: tuple[CommandPattern, ...] = TEST_COMMANDS
    test_job: re.Pattern[str] = field(default_factory=lambda: re.compile(TEST_JOB_REGEX))
    scan_commands: tuple[CommandPattern, ...] = SCAN_COMMANDS
    scan_actions: tuple[ActionPattern, ...] = SCAN_ACTIONS
    rollback_commands: tuple[CommandPattern, ...] = ROLLBACK_COMMANDS
    rollback_actions: tuple[ActionPattern, ...] = ()
    verify_commands: tuple[CommandPattern, ...] = VERIFY_COMMANDS
    verify_actions: tuple[ActionPattern, ...] = VERIFY_ACTIONS
    deploy_env: re.Pattern[str] = field(default_factory=lambda: re.compile(DEPLOY_ENV_REGEX))
    release_name: re.Pattern[str] = field(default_factory=lambda: re.compile(RELEASE_NAME_REGEX))
    release_commands: tuple[CommandPattern, ...] = RELEASE_COMMANDS
    release_actions: tuple[ActionPattern, ...] = RELEASE_ACTIONS

    def is_default_branch(self, branch: str) -> bool:
        """A default branch, or the ``$default-branch`` placeholder of workflow templates
        (GitHub writes the repository's default branch there when the template is used)."""
        return branch in self.default_branches or branch == DEFAULT_BRANCH_PLACEHOLDER

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any] | None = None, prefix: str = "gha"
    ) -> ClassifierConfig:
        """Defaults extended by ``<prefix>.*`` settings (flat dotted keys or a nested table).

        Lists *add* to the defaults: ``deploy_patterns``, ``test_patterns``,
        ``rollback_patterns``, ``verify_patterns``, ``release_patterns`` (command regexes,
        anchored at a command start), ``deploy_actions``, ``rollback_actions``,
        ``verify_actions``, ``release_actions``
        (globs over ``owner/repo[/path]``), ``scan_patterns`` / ``scan_actions``
        (a list, category ``custom``, or a ``{category: [...]}`` table).
        Single regexes *replace* the defaults: ``deploy_job_regex``,
        ``prod_env_regex``, ``prod_name_regex``, ``staging_env_regex``,
        ``test_job_regex``, ``deploy_env_regex``; ``default_branches`` replaces
        ``["main", "master"]``.
        Invalid values raise ``ValueError`` naming the setting.
        """
        if not settings:
            return _default_config()
        key = tuple((k, _frozen(_setting(settings, prefix, k))) for k in _KNOBS)
        if all(v is None for _, v in key):
            return _default_config()
        return _build_config(prefix, key)

    @classmethod
    def from_options(cls, options: GhaOptions) -> ClassifierConfig:
        """The config of a run's typed, validated ``[tool.devops-policy.gha]`` options."""
        # One options object per run, asked once per job and policy: keyed by identity.
        hit = _BY_OPTIONS.get(id(options))
        if hit is not None and hit[0] is options:
            return hit[1]
        try:
            config = _config_of_options(options)
        except TypeError:  # an option holding a table is not hashable: build it (interned)
            config = cls._from_options(options)
        if len(_BY_OPTIONS) > 64:
            _BY_OPTIONS.clear()
        _BY_OPTIONS[id(options)] = (options, config)
        return config

    @classmethod
    def _from_options(cls, options: GhaOptions) -> ClassifierConfig:
        o = options
        knobs: dict[str, object] = {
            "deploy_patterns": o.deploy_patterns,
            "deploy_actions": o.deploy_actions,
            "deploy_job_regex": o.deploy_job_regex,
            "prod_env_regex": o.prod_env_regex,
            "prod_name_regex": o.prod_name_regex,
            "staging_env_regex": o.staging_env_regex,
            "default_branches": o.default_branches,
            "test_patterns": o.test_patterns,
            "test_job_regex": o.test_job_regex,
            "scan_patterns": o.scan_patterns,
            "scan_actions": o.scan_actions,
            "rollback_patterns": o.rollback_patterns,
            "rollback_actions": o.rollback_actions,
            "verify_patterns": o.verify_patterns,
            "verify_actions": o.verify_actions,
            "deploy_env_regex": o.deploy_env_regex,
            "release_patterns": o.release_patterns,
            "release_actions": o.release_actions,
        }
        return cls.from_settings({f"gha.{k}": v for k, v in knobs.items() if v not in (None, ())})


_BY_OPTIONS: dict[int, tuple[GhaOptions, ClassifierConfig]] = {}


@lru_cache(maxsize=16)
def _config_of_options(options: GhaOptions) -> ClassifierConfig:
    # Options are frozen and hashable; every policy asks for the config of every job.
    return ClassifierConfig._from_options(options)


@lru_cache(maxsize=1)
def _default_config() -> ClassifierConfig:
    return ClassifierConfig()


def _extra_commands(prefix: str, name: str, value: Any, family: str) -> tuple[CommandPattern, ...]:
    full = f"{prefix}.{name}"
    return tuple(
        CommandPattern(p, _compile(p, full, anchored=True), family) for p in _strings(value, full)
    )


def _extra_actions(prefix: str, name: str, value: Any, family: str) -> tuple[ActionPattern, ...]:
    return tuple(ActionPattern(g, family) for g in _strings(value, f"{prefix}.{name}"))


def _categorised(value: Any) -> list[tuple[str, Any]]:
    if (
        isinstance(value, tuple)
        and value
        and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) for v in value)
    ):  # a frozen {category: [...]} table
        return list(value)
    return [("custom", value)]


@lru_cache(maxsize=64)
def _build_config(prefix: str, key: tuple[tuple[str, Any], ...]) -> ClassifierConfig:
    s = dict(key)
    base = ClassifierConfig()

    def regex(name: str, default: re.Pattern[str]) -> re.Pattern[str]:
        value = s.get(name)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ValueError(f"{prefix}.{name}: expected one regex string, got {value!r}")
        return _compile(value, f"{prefix}.{name}", anchored=False)

    scan_cmds = list(base.scan_commands)
    scan_acts = list(base.scan_actions)
    if s.get("scan_patterns") is not None:
        for cat, vals in _categorised(s["scan_patterns"]):
            full = f"{prefix}.scan_patterns"
            scan_cmds += [
                CommandPattern(p, _compile(p, full, anchored=True), "custom", frozenset({cat}))
                for p in _strings(vals, full)
            ]
    if s.get("scan_actions") is not None:
        for cat, vals in _categorised(s["scan_actions"]):
            scan_acts += [
                ActionPattern(g, "custom", frozenset({cat}))
                for g in _strings(vals, f"{prefix}.scan_actions")
            ]
    branches = s.get("default_branches")
    return ClassifierConfig(
        deploy_job=regex("deploy_job_regex", base.deploy_job),
        deploy_commands=base.deploy_commands
        + _extra_commands(prefix, "deploy_patterns", s.get("deploy_patterns"), "custom"),
        deploy_actions=base.deploy_actions
        + _extra_actions(prefix, "deploy_actions", s.get("deploy_actions"), "custom"),
        prod_env=regex("prod_env_regex", base.prod_env),
        prod_name=regex("prod_name_regex", base.prod_name),
        staging_env=regex("staging_env_regex", base.staging_env),
        default_branches=_strings(branches, f"{prefix}.default_branches")
        if branches is not None
        else base.default_branches,
        test_commands=base.test_commands
        + _extra_commands(prefix, "test_patterns", s.get("test_patterns"), "custom"),
        test_job=regex("test_job_regex", base.test_job),
        scan_commands=tuple(scan_cmds),
        scan_actions=tuple(scan_acts),
        rollback_commands=base.rollback_commands
        + _extra_commands(prefix, "rollback_patterns", s.get("rollback_patterns"), "custom"),
        rollback_actions=base.rollback_actions
        + _extra_actions(prefix, "rollback_actions", s.get("rollback_actions"), "custom"),
        verify_commands=base.verify_commands
        + _extra_commands(prefix, "verify_patterns", s.get("verify_patterns"), "custom"),
        verify_actions=base.verify_actions
        + _extra_actions(prefix, "verify_actions", s.get("verify_actions"), "custom"),
        deploy_env=regex("deploy_env_regex", base.deploy_env),
        release_commands=base.release_commands
        + _extra_commands(prefix, "release_patterns", s.get("release_patterns"), "custom"),
        release_actions=base.release_actions
        + _extra_actions(prefix, "release_actions", s.get("release_actions"), "custom"),
    )


def config_of(settings: Mapping[str, Any] | ClassifierConfig | None) -> ClassifierConfig:
    """A compiled config from dotted settings (or the config itself)."""
    if isinstance(settings, ClassifierConfig):
        return settings
    return ClassifierConfig.from_settings(settings)
