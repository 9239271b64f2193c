"""Settings: command line over ``[tool.devops-policy]`` over defaults, built once.

The result is a frozen dataclass stored in ``config.stash``; nothing else reads
options directly, and there are no module-level globals.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest

from pytest_devops_policy import kinds, tomlfile
from pytest_devops_policy.api import Severity
from pytest_devops_policy.gitbase import GitError, MergeBase, merge_base
from pytest_devops_policy.options import DockerOptions, OptionError, Options, split_flat
from pytest_devops_policy.reports import FORMATS
from pytest_devops_policy.reports.model import ReportSettings
from pytest_devops_policy.waivers import Waiver, config_waivers, spec_matches

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
# The top-level keys of [tool.devops-policy]; each kind's table is one more (kinds registry).
TOP_LEVEL_KEYS = (
    "select",
    "ignore",
    "fail_on",
    "strict_waivers",
    "max_file_size",
    "file_timeout",
    "file_memory",
    "cache",
    "protocol",
    "items",
    "jobs",
    "waivers",
    "today",
    "sarif_category",
    "report_suppressed",
    "github",
    *(f.name for f in FORMATS),
    # branch baseline (issue 22)
    "baseline",
    "baseline_ref",
    # branch changed (issue 22): changed-files mode
    "changed",
)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)


@dataclass(frozen=True)
class Settings:
    enabled: bool = False
    only: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    strict_waivers: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_timeout: float = 60.0  # seconds one file's analysis may take (0: unbounded)
    file_memory: int = 2 * 1024**3  # bytes one file's analysis may add (0: unbounded)
    waivers: tuple[Waiver, ...] = ()
    # Every kind's typed options (``[tool.devops-policy.<table>]``), validated at start-up.
    options: Options = field(default_factory=Options)
    config_path: str | None = None
    cache: bool = True  # reuse file results from pytest's cache directory
    lean: bool = True  # the lean runtest protocol for policy items (protocol.py)
    # One pytest item per resource (all its verdicts) or per (resource, policy): nodes.py
    items: str = "resource"
    # Processes that analyse files at collection (jobs.py); 1: this process alone; 0 (not
    # set): one per CPU when the run is big enough to gain (jobs.automatic).
    jobs: int = 0
    today: dt.date = field(default_factory=dt.date.today)
    reports: ReportSettings = field(default_factory=ReportSettings)
    # -- branch baseline (issue 22): the findings baseline and where it is read from --
    baseline: str = ""  # the baseline file read (absolute path); "" for none
    baseline_shown: str = ""  # the path as the user gave it (reasons quote it)
    baseline_write: str = ""  # --devops-policy-baseline-write (absolute path)
    baseline_write_shown: str = ""
    baseline_add: bool = False  # the rewrite also adds new failures
    # --devops-policy-baseline-ref: the baseline and the waivers as at the merge-base
    merge_base: MergeBase | None = None
    # -- branch changed (issue 22) --
    # Judge only the files changed since the merge-base with this git ref, and their
    # dependents (pytest_layer/changed.py); None: every file.
    changed: str | None = None

    def selects(self, policy_id: str, name: str) -> bool:
        """``select`` narrows (empty = everything); ``ignore`` removes."""
        if self.select and not any(spec_matches(s, policy_id, name) for s in self.select):
            return False
        return not any(spec_matches(s, policy_id, name) for s in self.ignore)


def parse_size(text: str | int) -> int:
    if isinstance(text, int):
        return text
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"cannot read size {text!r} (examples: 5MiB, 512k, 1048576)")
    number = float(m.group(1))
    unit = (m.group(2) or "b").lower()[:1]
    factor = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    return int(number * factor)


def _seconds(value: object) -> float:
    try:
        seconds = float(str(value).strip().removesuffix("s"))
    except ValueError:
        raise ValueError(
            f"cannot read a number of seconds from {value!r} (examples: 60, 2.5)"
        ) from None
    if seconds < 0:
        raise ValueError(f"a number of seconds must be >= 0, not {value!r}")
    return seconds


def _split(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in str(v).split(",") if p.strip())
    return tuple(out)


def _table_list(table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _normalise(table: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).replace("-", "_"): v for k, v in table.items()}


def load_table(path: str) -> dict[str, Any]:
    """``[tool.devops-policy]`` of a pyproject.toml (or the whole file for other TOML files)."""
    data = tomlfile.load(path)
    if os.path.basename(path) == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("devops-policy", {})
    else:
        table = data
    if not isinstance(table, dict):
        raise pytest.UsageError(f"{path}: [tool.devops-policy] must be a table")
    return table


def build(config: pytest.Config) -> Settings:
    opt = config.getoption
    config_path = opt("devops_policy_config")
    if config_path is None:
        candidate = config.rootpath / "pyproject.toml"
        config_path = str(candidate) if candidate.is_file() else None
    elif not os.path.isfile(config_path):
        raise pytest.UsageError(f"--devops-policy-config: no such file: {config_path}")
    raw: dict[str, Any] = {}
    if config_path:
        try:
            raw = load_table(config_path)
        except tomlfile.TOMLDecodeError as exc:
            raise pytest.UsageError(f"{config_path}: invalid TOML: {exc}") from None
    table = _normalise(raw)

    options = _options(config, raw, config_path)
    enabled = bool(
        opt("devops_policy") or opt("devops_policy_only") or config.getini("devops_policy")
    )
    fail_on_text = opt("devops_policy_fail_on") or table.get("fail_on") or "low"
    size_text = opt("devops_policy_max_file_size") or table.get("max_file_size")
    timeout_text = opt("devops_policy_file_timeout") or table.get("file_timeout")
    memory_text = opt("devops_policy_file_memory") or table.get("file_memory")
    try:
        fail_on = Severity.parse(fail_on_text)
        max_size = parse_size(size_text) if size_text is not None else DEFAULT_MAX_FILE_SIZE
        file_timeout = _seconds(timeout_text) if timeout_text is not None else 60.0
        file_memory = parse_size(memory_text) if memory_text is not None else 2 * 1024**3
    except ValueError as exc:
        raise pytest.UsageError(f"devops-policy: {exc}") from None

    select = _split(opt("devops_policy_select")) or tuple(_table_list(table, "select"))
    ignore = _split(opt("devops_policy_ignore")) + tuple(_table_list(table, "ignore"))
    today = _today(opt("devops_policy_today") or table.get("today"), config_path)
    waivers = config_waivers(raw.get("waivers", []), config_path or "pyproject.toml")
    base = _merge_base(config, table, config_path)
    if base is not None and config_path:
        waivers = _base_waivers(base, config_path)
    return Settings(
        enabled=enabled,
        only=bool(opt("devops_policy_only")),
        select=select,
        ignore=ignore,
        fail_on=fail_on,
        strict_waivers=bool(opt("devops_policy_strict_waivers") or table.get("strict_waivers")),
        cache=not opt("devops_policy_no_cache") and table.get("cache", True) is not False,
        lean=_choice(
            opt("devops_policy_protocol") or table.get("protocol"),
            PROTOCOLS,
            "protocol",
            config_path,
        )
        == "lean",
        items=_choice(
            opt("devops_policy_items")
            or table.get("items")
            or os.environ.get("DEVOPS_POLICY_ITEMS")
            or None,
            ITEM_MODELS,
            "items",
            config_path,
        ),
        jobs=_jobs(opt("devops_policy_jobs"), table.get("jobs"), config_path),
        max_file_size=max_size,
        file_timeout=file_timeout,
        file_memory=file_memory,
        waivers=tuple(waivers),
        options=options,
        config_path=config_path,
        today=today,
        reports=_reports(config, table, config_path),
        **_baseline(config, table, config_path),
        merge_base=base,
        changed=_changed(opt("devops_policy_changed"), table.get("changed"), config_path),
    )


# -- branch baseline (issue 22) -------------------------------------------------------------


def _merge_base(
    config: pytest.Config, table: Mapping[str, Any], config_path: str | None
) -> MergeBase | None:
    """``--devops-policy-baseline-ref`` (pyproject ``baseline_ref``): the merge-base of HEAD
    and the ref; not a repository or an unknown ref is a usage error."""
    cli = config.getoption("devops_policy_baseline_ref")
    ref = cli or table.get("baseline_ref")
    if ref is None or ref == "":
        return None
    if not isinstance(ref, str):
        _usage(config_path, None, f"baseline_ref must be a string, not {ref!r}", "baseline_ref")
    try:
        return merge_base(str(config.rootpath), ref.strip())
    except GitError as exc:
        raise pytest.UsageError(f"--devops-policy-baseline-ref: {exc}") from None


def _base_waivers(base: MergeBase, config_path: str) -> list[Waiver]:
    """The ``[[tool.devops-policy.waivers]]`` of the config file as it was at the merge-base
    (none when the file did not exist there): a pull request cannot waive its own findings."""
    text = base.text(config_path)
    if text is None:
        return []
    try:
        data = tomlfile.loads(text)
    except tomlfile.TOMLDecodeError:
        return []  # the base's config was broken: it waived nothing
    if os.path.basename(config_path) == "pyproject.toml" or "tool" in data:
        data = data.get("tool", {}).get("devops-policy", {})
    entries = data.get("waivers", []) if isinstance(data, dict) else []
    return config_waivers(entries, config_path, text=text)


def _baseline(
    config: pytest.Config, table: Mapping[str, Any], config_path: str | None
) -> dict[str, Any]:
    """The baseline read and written: a path on the command line is relative to the current
    directory, in the config file to the file's directory."""
    opt = config.getoption
    out: dict[str, Any] = {}
    cli = opt("devops_policy_baseline")
    value = cli or table.get("baseline")
    if value is not None and value != "":
        if not isinstance(value, str):
            _usage(config_path, None, f"baseline must be a path, not {value!r}", "baseline")
        if cli or not config_path:
            base = str(config.invocation_params.dir)
        else:
            base = os.path.dirname(config_path)
        out["baseline"] = os.path.join(base, value)
        out["baseline_shown"] = value
    write = opt("devops_policy_baseline_write")
    if write:
        out["baseline_write"] = os.path.join(str(config.invocation_params.dir), write)
        out["baseline_write_shown"] = write
    out["baseline_add"] = bool(opt("devops_policy_baseline_add"))
    if out["baseline_add"] and not write:
        raise pytest.UsageError(
            "--devops-policy-baseline-add needs --devops-policy-baseline-write=PATH"
        )
    return out


def _changed(cli: object, value: object, config_path: str | None) -> str | None:
    """A git ref (branch, tag, sha) to compare with; checked against git at start-up."""
    if cli is not None:
        text = str(cli).strip()
        if not text:
            raise pytest.UsageError("--devops-policy-changed needs a git ref (e.g. origin/main)")
        return text
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        _usage(config_path, None, f"changed must be a git ref, not {value!r}", "changed")
    return value.strip()


def _reports(config: pytest.Config, table: Mapping[str, Any], path: str | None) -> ReportSettings:
    """The report files and their options; a path relative in pyproject is relative to the
    pyproject's directory, on the command line to the current directory."""
    opt = config.getoption
    base = os.path.dirname(path) if path else str(config.rootpath)
    paths: list[tuple[str, str]] = []
    for fmt in FORMATS:
        given = opt(fmt.dest)
        if given:
            for p in given if isinstance(given, list) else [given]:
                paths.append((fmt.name, str(p)))
            continue
        value = table.get(fmt.name)
        if value is None:
            continue
        values = value if isinstance(value, list) and fmt.repeat else [value]
        for v in values:
            if not isinstance(v, str) or not v.strip():
                kind = "a path or a list of paths" if fmt.repeat else "a path"
                _usage(path, None, f"{fmt.name} must be {kind}, not {v!r}", fmt.name)
            paths.append((fmt.name, os.path.join(base, v)))
    category = opt("devops_policy_sarif_category") or table.get("sarif_category") or ""
    if not isinstance(category, str):
        _usage(path, None, f"sarif_category must be a string, not {category!r}", "sarif_category")
    suppressed = opt("devops_policy_report_suppressed")
    if suppressed is None:
        suppressed = table.get("report_suppressed", False)
        if not isinstance(suppressed, bool):
            _usage(
                path,
                None,
                f"report_suppressed must be true or false, not {suppressed!r}",
                "report_suppressed",
            )
    github = _choice(
        opt("devops_policy_github") or table.get("github"), GITHUB_MODES, "github", path
    )
    return ReportSettings(tuple(paths), category.strip(), bool(suppressed), github)


GITHUB_MODES = ("auto", "on", "off")


def _options(config: pytest.Config, raw: Mapping[str, Any], config_path: str | None) -> Options:
    """Each kind's table of the config file, then the command line over it, validated once."""
    opt = config.getoption
    table_names = {cls.TABLE for cls in kinds.option_classes()}
    for key in raw:
        name = str(key).replace("-", "_")
        if name not in TOP_LEVEL_KEYS and name not in table_names:
            valid = sorted({*TOP_LEVEL_KEYS, *table_names})
            _usage(config_path, None, f"{key} is not a setting{_suggest(name, valid)}")
    tables: dict[str, dict[str, Any]] = {}
    for table in table_names:
        sub = raw.get(table)
        if sub is None:
            continue
        if not isinstance(sub, dict):
            _usage(config_path, table, f"[tool.devops-policy.{table}] must be a table")
        tables[table] = dict(sub)
    cli: dict[str, Any] = {}
    for item in opt("devops_policy_option") or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise pytest.UsageError(f"--devops-policy-option expects KEY=VALUE, got {item!r}")
        cli[key.strip()] = value.strip()
    for flag, key in (
        ("devops_policy_k8s_scope", "k8s.scope"),
        ("devops_policy_k8s_version", "k8s.version"),
        ("devops_policy_hcl_parser", "tf.hcl_parser"),
    ):
        if opt(flag):
            cli[key] = opt(flag)
    if opt("devops_policy_helm_render"):
        cli["k8s.helm_render"] = True
    tf_var_files = list(opt("devops_policy_tf_var_file") or [])
    tf_vars: dict[str, str] = {}
    for item in opt("devops_policy_tf_var") or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise pytest.UsageError(f"--devops-policy-tf-var expects NAME=VALUE, got {item!r}")
        tf_vars[name.strip()] = value
    build_args = list(opt("devops_policy_docker_build_arg") or [])
    for item in build_args:
        if "=" not in item:
            raise pytest.UsageError(
                f"--devops-policy-docker-build-arg expects KEY=VALUE, got {item!r}"
            )
    try:
        from_cli = split_flat(cli)
    except OptionError as exc:
        raise pytest.UsageError(f"--devops-policy-option: {exc}") from None
    merged = {t: dict(v) for t, v in tables.items()}
    for table, values in from_cli.items():
        merged.setdefault(table, {}).update(values)
    if tf_var_files or tf_vars:  # after the configured ones, as on terraform's command line
        tf = merged.setdefault("tf", {})
        if tf_var_files:
            tf["var_files"] = [*(tf.get("var_files") or []), *tf_var_files]
        if tf_vars:
            tf["vars"] = {**(tf.get("vars") or {}), **tf_vars}
    if build_args:  # added to the configured build args, as docker build --build-arg does
        docker = merged.setdefault("docker", {})
        base = Options.from_tables(
            {"docker": {"build_args": docker.get("build_args", {})}}, kinds.option_classes()
        )
        args = dict(base.of(DockerOptions).build_args)
        for item in build_args:
            key, _, value = item.partition("=")
            args[key.strip()] = value
        docker["build_args"] = args
    if "hcl_parser" not in merged.get("tf", {}):
        from pytest_devops_policy.formats.terraform.parser import hcl_parser_from_env

        parser = hcl_parser_from_env()  # the older variable, now the option's default
        if parser != "tree-sitter":
            merged.setdefault("tf", {})["hcl_parser"] = parser
    try:
        return Options.from_tables(merged, kinds.option_classes())
    except OptionError as exc:
        table, _, rest = exc.key.partition(".")
        option = rest or None
        from_command_line = table in from_cli and (option is None or option in from_cli[table])
        if from_command_line:
            raise pytest.UsageError(f"devops-policy option {exc}") from None
        _usage(config_path, table, str(exc), option)
        raise AssertionError("unreachable") from None


PROTOCOLS = ("lean", "standard")
ITEM_MODELS = ("resource", "policy")


def _choice(value: object, choices: tuple[str, ...], key: str, config_path: str | None) -> str:
    """One of ``choices`` (the first when unset); anything else is a usage error."""
    if value is None:
        return choices[0]
    text = str(value).strip().lower()
    if text not in choices:
        _usage(
            config_path,
            None,
            f"{key} must be one of {', '.join(choices)}, not {value!r}"
            + _suggest(text, list(choices)),
            key,
        )
    return text


def usable_cpus() -> int:
    """The CPUs this process may use: its affinity mask (``taskset``, cpusets), and a
    container's CPU quota (cgroups), which leaves the mask whole: a runner limited to 2
    CPUs on a 64-CPU host must not fork 64 jobs."""
    try:
        count = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        count = max(1, os.cpu_count() or 1)
    quota = cgroup_cpu_quota()
    return count if quota is None else max(1, min(count, math.ceil(quota)))


CGROUP_ROOT = "/sys/fs/cgroup"
PROC_CGROUP = "/proc/self/cgroup"


def cgroup_cpu_quota() -> float | None:
    """CPUs' worth of time a cgroup quota allows this process (v2 ``cpu.max``, v1
    ``cpu.cfs_quota_us``/``cpu.cfs_period_us``), or None: no quota, or none readable."""
    own: list[str] = []
    with contextlib.suppress(OSError), open(PROC_CGROUP, encoding="utf-8") as fh:
        for line in fh:
            fields = line.rstrip("\n").split(":", 2)
            if len(fields) == 3 and (fields[1] == "" or "cpu" in fields[1].split(",")):
                own.append(fields[2].strip("/"))
    for rel in [*own, ""]:
        for base in (CGROUP_ROOT, f"{CGROUP_ROOT}/cpu", f"{CGROUP_ROOT}/cpu,cpuacct"):
            folder = os.path.join(base, rel) if rel else base
            try:
                with open(os.path.join(folder, "cpu.max"), encoding="utf-8") as fh:
                    quota, _, period = fh.read().strip().partition(" ")
            except OSError:
                try:
                    with open(os.path.join(folder, "cpu.cfs_quota_us"), encoding="utf-8") as fh:
                        quota = fh.read().strip()
                    with open(os.path.join(folder, "cpu.cfs_period_us"), encoding="utf-8") as fh:
                        period = fh.read().strip()
                except OSError:
                    continue
            try:
                q, p = int(quota), int(period)
            except ValueError:
                return None  # "max": no quota
            return q / p if q > 0 and p > 0 else None
    return None


def _jobs(cli: object, value: object, config_path: str | None) -> int:
    """A positive count, or ``auto``: one per CPU (unset: 0, decided by the run's size)."""
    if cli is not None:
        value = cli
    if value is None:
        return 0
    text = str(value).strip().lower()
    if text == "auto":
        return usable_cpus()
    if not isinstance(value, bool) and text.isdigit() and int(text) >= 1:
        return int(text)
    message = f"jobs must be a positive number or 'auto', not {value!r}"
    if cli is not None:
        raise pytest.UsageError(f"--devops-policy-{message}")
    _usage(config_path, None, message, "jobs")


def _today(value: object, config_path: str | None) -> dt.date:
    """The date waivers expire against: ``--devops-policy-today``, ``today`` in the config,
    or the ``DEVOPS_POLICY_TODAY`` variable (audits and tests replay a date); else today."""
    if value is None:
        value = os.environ.get("DEVOPS_POLICY_TODAY") or None
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        _usage(config_path, None, f"today must be a YYYY-MM-DD date, not {value!r}", "today")


def _suggest(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _usage(path: str | None, table: str | None, message: str, key: str | None = None) -> NoReturn:
    """A usage error that says where: ``pyproject.toml:12: k8s.min_replica is not ...``."""
    where = path or "[tool.devops-policy]"
    line = _line_of(path, table, key) if path else None
    raise pytest.UsageError(f"{where}:{line}: {message}" if line else f"{where}: {message}")


def _line_of(path: str, table: str | None, key: str | None) -> int | None:
    """The line of ``key`` in ``[tool.devops-policy.<table>]`` (or of the table), if found."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    headers = [f"tool.devops-policy.{table}", str(table)] if table else ["tool.devops-policy"]
    header = re.compile(r"^\s*\[\s*(?:" + "|".join(re.escape(h) for h in headers) + r")\s*\]")
    any_header = re.compile(r"^\s*\[")
    inside = False
    for n, text in enumerate(lines, start=1):
        if header.match(text):
            if key is None:
                return n
            inside = True
            continue
        if inside and any_header.match(text):
            inside = False
        if inside and key is not None:
            spelled = (re.escape(key), re.escape(key.replace("_", "-")))
            if re.match(r"^\s*[\"']?(?:" + "|".join(spelled) + r")[\"']?\s*=", text):
                return n
    return None
