"""Typed, validated options: each kind declares its knobs as a frozen dataclass.

A field is declared with ``option(default, doc, policies=...)``: its type annotation says
what values it takes, ``doc`` documents it (the policy pages list each policy's options
from the same declaration), and an optional ``parse`` turns a raw value into the typed one.
``[tool.devops-policy.<TABLE>]`` in pyproject.toml, ``--devops-policy-option TABLE.key=VALUE``
and the golden fixtures' ``<case>.toml`` all go through ``Options.from_tables``, once, at
start-up: a wrong type or an unknown key is an ``OptionError`` naming the key and the closest
valid one, which settings turn into a ``pytest.UsageError``.

Policies read typed values: ``context.options(K8sOptions).min_revision_history``.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType, UnionType
from typing import Any, Literal, TypeVar, get_args, get_origin

from pytest_devops_policy.options.docker import DockerOptions
from pytest_devops_policy.options.github_actions import GhaOptions
from pytest_devops_policy.options.gitlab_ci import GitLabOptions
from pytest_devops_policy.options.host import HostOptions
from pytest_devops_policy.options.kubernetes import K8sOptions
from pytest_devops_policy.options.secrets import SecretsOptions
from pytest_devops_policy.options.spec import KindOptions, NoOptions, OptionError, option
from pytest_devops_policy.options.terraform import TfOptions
from pytest_devops_policy.options.xref import XrefOptions

__all__ = [
    "DockerOptions",
    "GhaOptions",
    "GitLabOptions",
    "HostOptions",
    "K8sOptions",
    "KindOptions",
    "NoOptions",
    "OptionError",
    "OptionSpec",
    "Options",
    "SecretsOptions",
    "TfOptions",
    "XrefOptions",
    "declared",
    "option",
]

T = TypeVar("T", bound=KindOptions)
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


@dataclass(frozen=True)
class OptionSpec:
    """One declared option, for validation and the docs."""

    table: str
    name: str
    type_text: str
    default: object
    doc: str
    policies: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.table}.{self.name}"


def _type_text(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return " or ".join(f'"{a}"' for a in get_args(tp))
    if origin in (typing.Union, UnionType):
        return " or ".join(_type_text(a) for a in get_args(tp))
    if origin is tuple:
        return f"list of {_type_text(get_args(tp)[0])}"
    if origin in (Mapping, dict) or tp is Mapping:
        args = get_args(tp)
        return f"table of {_type_text(args[1])}" if args else "table"
    if tp is type(None):
        return "none"
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _hints(cls: type[KindOptions]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def declared(cls: type[KindOptions]) -> tuple[OptionSpec, ...]:
    """The options a dataclass declares, in declaration order."""
    hints = _hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        default: object = f.default
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        out.append(
            OptionSpec(
                cls.TABLE,
                f.name,
                str(f.metadata.get("type_text") or _type_text(hints[f.name])),
                default,
                str(f.metadata.get("doc", "")),
                tuple(f.metadata.get("policies", ())),
            )
        )
    return tuple(out)


# -- coercion: a raw TOML or command-line value to the declared type -------------------------


def _coerce(tp: Any, value: object) -> object:
    """``value`` as type ``tp``; ``ValueError`` says what was expected. Command-line values
    arrive as strings, so scalars also accept their text."""
    origin = get_origin(tp)
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError("must be true or false")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        raise ValueError("must be an integer")
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise ValueError("must be a number")
    if tp is str:
        if isinstance(value, str):
            return value
        raise ValueError("must be a string")
    if tp is type(None):
        if value is None:
            return None
        raise ValueError("must be empty")
    if origin is Literal:
        choices = get_args(tp)
        text = str(value).strip().lower() if isinstance(value, str) else value
        if text in choices:
            return text
        names = [str(c) for c in choices]
        raise ValueError(f"must be {', '.join(names[:-1])} or {names[-1]}")
    if origin in (typing.Union, UnionType):
        problems = []
        for arg in get_args(tp):
            try:
                return _coerce(arg, value)
            except ValueError as exc:
                problems.append(str(exc))
        raise ValueError(" or ".join(dict.fromkeys(problems)))
    if origin is tuple:
        item = get_args(tp)[0]
        # A single value is a one-element list (what a command-line KEY=VALUE gives).
        items = value if isinstance(value, (list, tuple)) else [value]
        out = []
        for i, v in enumerate(items):
            try:
                out.append(_coerce(item, v))
            except ValueError as exc:
                raise ValueError(f"item {i + 1} ({v!r}): {exc}") from None
        return tuple(out)
    if origin in (Mapping, dict):
        key_t, value_t = get_args(tp)
        if not isinstance(value, Mapping):
            raise ValueError("must be a table")
        return MappingProxyType({_coerce(key_t, k): _coerce(value_t, v) for k, v in value.items()})
    raise TypeError(f"option type {tp!r} is not supported")  # a declaration bug, not a user's


def _suggest(name: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _flattened(raw: Mapping[str, object], fields: Mapping[str, object]) -> dict[str, object]:
    """Sub-tables as prefixed keys: ``ssh.max_auth_tries = 4`` (a TOML dotted key, or
    ``host.ssh.max_auth_tries=4`` on the command line) is the option ``ssh_max_auth_tries``.
    A table that is itself an option (``paths``, ``sysctl.expected``) stays a table."""
    out: dict[str, object] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        if "." in name:
            out[name.replace(".", "_")] = value
        elif isinstance(value, Mapping) and name not in fields:
            # the fields under this prefix: a table-valued one (sysctl.expected) stays a table
            prefix = f"{name}_"
            inner_fields = {k[len(prefix) :]: v for k, v in fields.items() if k.startswith(prefix)}
            for sub, inner in _flattened(value, inner_fields).items():
                out[f"{name}_{sub}"] = inner
        else:
            out[name] = value
    return out


def build(cls: type[T], raw: Mapping[str, object]) -> T:
    """An instance of ``cls`` from a raw table (keys may use ``-`` for ``_``)."""
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, object] = {}
    for key, value in _flattened(raw, fields).items():
        name = str(key).replace("-", "_")
        f = fields.get(name)
        if f is None:
            valid = sorted(fields)
            raise OptionError(
                f"{cls.TABLE}.{key}",
                "is not an option"
                + _suggest(name, valid)
                + (f" (valid: {', '.join(valid)})" if valid else f" ({cls.TABLE} has no options)"),
            )
        parse: Callable[[object], object] | None = f.metadata.get("parse")
        try:
            values[name] = parse(value) if parse is not None else _coerce(hints[name], value)
        except ValueError as exc:
            raise OptionError(f"{cls.TABLE}.{name}", f"{exc}, not {value!r}") from None
    return cls(**values)


class Options:
    """Every kind's options for one run, validated once."""

    def __init__(self, values: Mapping[type[KindOptions], KindOptions] | None = None) -> None:
        self._values: dict[type[KindOptions], KindOptions] = dict(values or {})
        self._defaults: dict[type[KindOptions], KindOptions] = {}  # asked for, not configured

    def of(self, cls: type[T]) -> T:
        hit = self._values.get(cls) or self._defaults.get(cls)
        if hit is None:
            hit = self._defaults[cls] = cls()
        assert isinstance(hit, cls)
        return hit

    @classmethod
    def from_tables(
        cls, tables: Mapping[str, Mapping[str, object]], classes: Iterable[type[KindOptions]]
    ) -> Options:
        """From ``{TABLE: {key: value}}``; a table no class claims is an ``OptionError``."""
        by_table = {c.TABLE: c for c in classes}
        values: dict[type[KindOptions], KindOptions] = {}
        for table, raw in tables.items():
            target = by_table.get(table)
            if target is None:
                raise OptionError(
                    table,
                    "is not an option table"
                    + _suggest(table, by_table)
                    + f" (tables: {', '.join(sorted(by_table))})",
                )
            if not isinstance(raw, Mapping):
                raise OptionError(table, f"must be a table, got {raw!r}")
            values[target] = build(target, raw)
        return cls(values)

    @classmethod
    def from_flat(cls, flat: Mapping[str, object], classes: Iterable[type[KindOptions]]) -> Options:
        """From dotted keys (``{"k8s.scope": "file"}``), as on the command line."""
        return cls.from_tables(split_flat(flat), classes)

    def digest_items(self) -> list[tuple[str, object]]:
        """What was configured, as sorted (key, value) pairs (for the result cache key)."""
        out: list[tuple[str, object]] = []
        for value in self._values.values():
            for spec in declared(type(value)):
                out.append((spec.key, _plain(getattr(value, spec.name))))
        return sorted(out, key=lambda kv: kv[0])


def split_flat(flat: Mapping[str, object]) -> dict[str, dict[str, object]]:
    tables: dict[str, dict[str, object]] = {}
    for key, value in flat.items():
        table, sep, name = str(key).partition(".")
        if not sep or not name:
            raise OptionError(str(key), "must be TABLE.KEY (for example k8s.min_replicas)")
        tables.setdefault(table, {})[name] = value
    return tables


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return str(value)
