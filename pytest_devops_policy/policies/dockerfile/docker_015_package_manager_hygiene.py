"""DOCKER-015: package managers in the shipped image leave no caches and ask no questions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Instruction,
    Unresolved,
    why_no_value,
)
from pytest_devops_policy.knowledge.docker.build import (
    PackageOp,
    env_value,
    mounted_cache,
    package_ops,
)
from pytest_devops_policy.knowledge.docker.run import RunScript, stage_run_scripts
from pytest_devops_policy.knowledge.packages import cleans_cache, option_values
from pytest_devops_policy.options import DockerOptions

# apt actions that read the package lists (and so need them cleaned up afterwards).
_APT_INSTALLS = frozenset(
    {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep"}
)
_APT_PROMPTS = _APT_INSTALLS | {"remove", "purge", "autoremove"}
# dnf/yum/zypper actions that fill the metadata cache, and those that ask for confirmation.
_RPM_CACHING = frozenset(
    {"install", "in", "reinstall", "localinstall", "groupinstall", "update", "upgrade",
     "distro-sync", "downgrade", "makecache"}
)  # fmt: skip
_RPM_PROMPTS = (_RPM_CACHING - {"makecache"}) | {"remove", "erase", "autoremove"}
_ZYPPER_CACHING = frozenset(
    {"install", "in", "update", "up", "patch", "dist-upgrade", "dup", "refresh", "ref"}
)
_ZYPPER_PROMPTS = (_ZYPPER_CACHING - {"refresh", "ref"}) | {"remove", "rm"}
_RPM_CACHE_DIRS = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/tdnf")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
# pip reads PIP_NO_CACHE_DIR with strtobool and, for backwards compatibility, disables the
# cache for *every* valid boolean, "false" and "0" included; other values are an error.
_PIP_BOOL = frozenset({"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"})
# apt.conf settings that stand in for --no-install-recommends and -y.
_APT_CONF = {
    "no-recommends": re.compile(r"APT::Install-Recommends\s*(?:\"\s*)?(0|false|no|off)\b", re.I),
    "assume-yes": re.compile(r"APT::Get::Assume-Yes\s*(?:\"\s*)?(1|true|yes|on)\b", re.I),
}


def _apt_option(op: PackageOp, key: str) -> str | None:
    """The value of ``-o Key=value`` (apt option names are case-insensitive)."""
    for value in op.install.option_values("-o", "--option"):
        k, _sep, v = value.partition("=")
        if k.strip().lower() == key.lower():
            return v.strip().strip("\"'").lower()
    return None


def _apt_problems(op: PackageOp, later_install: bool, config: set[str]) -> list[str]:
    inst = op.install
    out: list[str] = []
    if inst.manager in ("apt", "aptitude"):
        out.append(
            f"uses {inst.manager}, an interactive front end whose command line is not "
            "stable in scripts; use apt-get"
        )
    if inst.action == "update" and not later_install:
        out.append(
            "runs without an install in the same RUN, so the lists are cached in their own "
            "layer and a later install uses stale ones"
        )
    if inst.action in _APT_PROMPTS and not (
        "assume-yes" in config
        or inst.has_option("-y", "--yes", "--assume-yes")
        or _apt_option(op, "APT::Get::Assume-Yes") in _TRUE
    ):
        quiet = any(w.startswith("-") and not w.startswith("--") and w.count("q") >= 2
                    for w in inst.options) or inst.has_option("--quiet=2", "-q=2")  # fmt: skip
        if quiet:
            # apt-get(8): "quiet level 2 implies -y; you should never use -qq without a
            # no-action modifier".
            out.append("relies on -qq implying -y, which apt-get(8) warns against; add -y")
        else:
            out.append("has no -y, so it aborts at the confirmation prompt")
    if inst.action in ("install", "reinstall") and not (
        "no-recommends" in config
        or inst.has_option("--no-install-recommends", "--without-recommends")
        or (inst.manager == "aptitude" and inst.has_option("-R"))
        or _apt_option(op, "APT::Install-Recommends") in _FALSE
    ):
        out.append("has no --no-install-recommends, so recommended packages come along")
    return out


def _apt_config(ins: Instruction, run: RunScript | None, before: int | None) -> set[str]:
    """apt.conf settings (``APT::Install-Recommends "false";``) written by ``ins``: in a
    heredoc body, or as a word of a command (``echo '...' > /etc/apt/apt.conf.d/x``) before
    command ``before`` when ``ins`` is the RUN being checked."""
    texts = [h.body for h in ins.heredocs]
    if run is not None:
        for i, (command, _line) in enumerate(run.commands):
            if before is not None and i >= before:
                break
            texts.extend(command.words)
    return {key for key, pattern in _APT_CONF.items() if any(pattern.search(t) for t in texts)}


def _cleaned_later(
    op: PackageOp, cache: str, memo: dict[tuple[int, str], int] | None = None
) -> bool:
    """Whether a later command of the op's RUN cleans ``cache``. ``memo`` (one per
    policy call, keyed by the RUN's id) keeps the index of the last cleaning command,
    so a RUN of N installs is read once, not N times."""
    key = (id(op.run), cache)
    last = memo.get(key) if memo is not None else None
    if last is None:
        last = -1
        for i, (c, _line) in enumerate(op.run.commands):
            if cleans_cache(c, cache):
                last = i
        if memo is not None:
            memo[key] = last
    return last > op.index


def _apt_configs(ins: Instruction, run: RunScript, indexes: Sequence[int]) -> list[set[str]]:
    """``_apt_config(ins, run, i)`` for each increasing ``i`` of ``indexes``, reading the
    commands once."""
    texts = [h.body for h in ins.heredocs]
    found = {key for key, pattern in _APT_CONF.items() if any(pattern.search(t) for t in texts)}
    out: list[set[str]] = []
    commands = iter(enumerate(run.commands))
    pending = next(commands, None)
    for index in indexes:
        while pending is not None and pending[0] < index:
            words = pending[1][0].words
            found |= {
                k
                for k, p in _APT_CONF.items()
                if k not in found and any(p.search(w) for w in words)
            }
            pending = next(commands, None)
        out.append(set(found))
    return out


def _pip_cache_off(
    dockerfile: Dockerfile,
    op: PackageOp,
    build_args: Mapping[str, str],
    cleaned: dict[tuple[int, str], int] | None = None,
) -> bool | str:
    """True when pip (or uv) keeps no cache in the layer; the variable, with why it has no
    value, when that depends on a value that is not known statically."""
    inst = op.install
    uv = inst.manager == "uv"
    if inst.has_option(*(("--no-cache", "-n") if uv else ("--no-cache-dir",))):
        return True
    home = "/.cache/uv" if uv else "/.cache/pip"
    for mount in op.run.instruction.mounts:
        target = mount.get("target") or mount.get("dst") or mount.get("destination") or ""
        target = target.rstrip("/")
        if mount.get("type") in ("cache", "tmpfs") and target.endswith((home, "/.cache")):
            return True
    if _cleaned_later(op, "uv" if uv else "pip", cleaned):
        return True
    name = "UV_NO_CACHE" if uv else "PIP_NO_CACHE_DIR"
    value = env_value(dockerfile, op.run, op.index, name, build_args)
    if isinstance(value, Unresolved):  # the variable's name, and why it has no value
        return why_no_value([name], [name] if value is Unresolved.TOO_LARGE else [])
    return value is not None and value.strip().lower() in (_TRUE if uv else _PIP_BOOL)


def _rpm_yes(op: PackageOp) -> bool:
    inst = op.install
    if inst.has_option("-y", "--assumeyes"):
        return True
    return any(
        v.replace(" ", "").lower() in {f"assumeyes={t}" for t in _TRUE}
        for v in option_values(inst.options, ("--setopt",), "rpm")
    )


def _apt_findings(
    ops: Sequence[PackageOp], config_before: set[str], problems: dict[int, list[str]]
) -> None:
    apt = [op for op in ops if op.install.family == "apt"]
    if not apt:
        return
    run = apt[0].run
    # Linear in the RUN's commands: the config before each op is accumulated, and whether
    # an install follows is known from the last install's position.
    last_install = max(
        (n for n, o in enumerate(apt) if o.install.action in _APT_INSTALLS), default=-1
    )
    configs = _apt_configs(run.instruction, run, [op.index for op in apt])
    for n, op in enumerate(apt):
        later = last_install > n
        problems[op.index] += _apt_problems(op, later, config_before | configs[n])
    # The lists are cleaned once per RUN, after its last update or install.
    caching = [op for op in apt if op.install.action in _APT_INSTALLS | {"update"}]
    if not caching or _cleaned_later(caching[-1], "apt"):
        return
    if mounted_cache(run, "/var/lib/apt/lists", "/var/cache/apt"):
        return
    clean = any(
        c.name in ("apt-get", "apt") and c.subcommand() == "clean" for c, _l in run.commands
    )
    hint = " (apt-get clean removes downloaded .debs, not the lists)" if clean else ""
    problems[caching[-1].index].append(
        "does not remove /var/lib/apt/lists/* afterwards in the same RUN, so the package "
        f"lists stay in the layer{hint}"
    )


def _apk_pip_findings(
    dockerfile: Dockerfile,
    ops: Sequence[PackageOp],
    problems: dict[int, list[str]],
    build_args: Mapping[str, str],
) -> Iterator[tuple[PackageOp, str]]:
    """Adds to ``problems``; yields (command, variable) where a variable decides."""
    cleaned: dict[tuple[int, str], int] = {}
    for op in ops:
        inst = op.install
        if inst.family == "apk" and inst.action in ("add", "upgrade", "update"):
            # --no-network installs from what is already there and fetches no index
            if not (
                inst.has_option("--no-cache", "--no-network")
                or mounted_cache(op.run, "/var/cache/apk", "/etc/apk/cache")
                or _cleaned_later(op, "apk", cleaned)
            ):
                problems[op.index].append(
                    "stores the package index in /var/cache/apk; use apk add --no-cache"
                    if inst.action == "update"
                    else "has no --no-cache, so the package index stays in /var/cache/apk"
                )
        elif inst.family == "pip" and inst.action == "install":
            off = _pip_cache_off(dockerfile, op, build_args, cleaned)
            if isinstance(off, str):
                yield op, off
            elif not off:
                problems[op.index].append(
                    "has no --no-cache (or UV_NO_CACHE), so uv's cache stays in the layer"
                    if inst.manager == "uv"
                    else "has no --no-cache-dir (or PIP_NO_CACHE_DIR), so pip's download "
                    "cache stays in the layer"
                )


def _rpm_findings(ops: Sequence[PackageOp], problems: dict[int, list[str]]) -> None:
    for family, caching_actions, prompts in (
        ("rpm", _RPM_CACHING, _RPM_PROMPTS),
        ("zypper", _ZYPPER_CACHING, _ZYPPER_PROMPTS),
    ):
        mine = [op for op in ops if op.install.family == family]
        for op in mine:
            inst = op.install
            if inst.action not in prompts or inst.manager == "microdnf":  # never prompts
                continue
            if family == "rpm" and not _rpm_yes(op):
                problems[op.index].append("has no -y, so it aborts at the confirmation prompt")
            if family == "zypper" and not inst.has_option(
                "-n", "--non-interactive", "-y", "--no-confirm"
            ):
                problems[op.index].append(
                    "has neither -n (--non-interactive) nor -y, so it aborts at the prompt"
                )
        # The cache is cleaned once per RUN and manager, after its last caching command.
        for manager in dict.fromkeys(op.install.manager for op in mine):
            filling = [o for o in mine if o.install.manager == manager
                       and o.install.action in caching_actions]  # fmt: skip
            if not filling:
                continue
            cache = {"dnf-3": "dnf"}.get(manager, manager)
            dirs = ("/var/cache/zypp",) if family == "zypper" else _RPM_CACHE_DIRS
            if _cleaned_later(filling[-1], cache) or mounted_cache(filling[-1].run, *dirs):
                continue
            cleanup = "zypper clean --all" if family == "zypper" else f"{manager} clean all"
            problems[filling[-1].index].append(
                f"is not followed by {cleanup} in the same RUN, so the metadata cache stays "
                "in the layer"
            )


def _run_problems(
    dockerfile: Dockerfile,
    ops: Sequence[PackageOp],
    config_before: set[str],
    build_args: Mapping[str, str],
) -> Iterator[tuple[PackageOp, list[str] | str]]:
    """(command, its problems), or (command, variable) when a variable decides; ``ops`` are
    the package commands of one RUN."""
    problems: dict[int, list[str]] = {op.index: [] for op in ops}
    _apt_findings(ops, config_before, problems)
    yield from _apk_pip_findings(dockerfile, ops, problems, build_args)
    _rpm_findings(ops, problems)
    for op in ops:
        if problems[op.index]:
            yield op, problems[op.index]


@policy(
    id="DOCKER-015",
    name="package-manager-hygiene",
    title="Package managers in the shipped image leave no caches and ask no questions",
    severity=Severity.LOW,
    rationale=(
        "Package indexes and download caches written by a RUN stay in that layer forever, "
        "even when a later RUN deletes them: the image grows by tens of megabytes and ships "
        "stale repository metadata. An apt-get update in its own RUN is cached by the "
        "builder and later installs use outdated lists. Without -y the install aborts at "
        "the confirmation prompt; recommended packages widen the attack surface; apt's "
        "interactive front end has no stable command line. Only the shipped stage and the "
        "stages it is built FROM matter: builder-stage caches do not ship."
    ),
    remediation=(
        "Install and clean up in one RUN: apt-get update && apt-get install -y "
        "--no-install-recommends <pkgs> && rm -rf /var/lib/apt/lists/*; apk add --no-cache "
        "<pkgs>; pip install --no-cache-dir <pkgs> (or ENV PIP_NO_CACHE_DIR=1); dnf install "
        "-y <pkgs> && dnf clean all; zypper -n install <pkgs> && zypper clean --all. With "
        "BuildKit, a --mount=type=cache on the cache directory also keeps it out of the "
        "layer."
    ),
    controls=("CIS-Docker-4.7", "NIST-800-53-CM-2"),
    references=(
        "hadolint:DL3009",
        "hadolint:DL3014",
        "hadolint:DL3015",
        "hadolint:DL3019",
        "hadolint:DL3027",
        "hadolint:DL3030",
        "hadolint:DL3032",
        "hadolint:DL3036",
        "hadolint:DL3040",
        "hadolint:DL3042",
        "hadolint:DL3060",
        "checkov:CKV_DOCKER_5",
        "checkov:CKV_DOCKER_9",
        "trivy:AVD-DS-0015",
        "trivy:AVD-DS-0017",
        "trivy:AVD-DS-0019",
        "trivy:AVD-DS-0020",
        "trivy:AVD-DS-0021",
        "trivy:AVD-DS-0025",
        "trivy:AVD-DS-0027",
        "trivy:AVD-DS-0029",
    ),
    example="""\
FROM debian:12.5-slim
RUN apt-get update
RUN apt install curl=7.88.1-10+deb12u5
RUN pip install flask==3.0.2
""",
    use_instead="""\
FROM debian:12.5-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \\
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir flask==3.0.2
""",
)
def package_manager_hygiene(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    settings = context.options(DockerOptions)
    build_args = settings.build_args
    stage = dockerfile.target_stage(settings.target)
    chain = dockerfile.chain(stage, build_args)
    multi = len(dockerfile.stages) > 1
    # APT::Install-Recommends "false" / APT::Get::Assume-Yes "true" written to apt.conf.d by
    # an earlier instruction of the chain count like --no-install-recommends / -y.
    configured: set[str] = set()
    for st in chain:
        # A stage's ONBUILD triggers follow its instructions: they run in the builds FROM
        # it, whose layers keep their caches just the same.
        scripts = {r.instruction: r for r in stage_run_scripts(dockerfile, st, build_args)}
        for ins in st.steps:
            run = scripts.get(ins)
            if run is not None and run.posix:  # PowerShell / cmd: not checked
                ops = package_ops(dockerfile, [run], build_args)
                for op, found in _run_problems(dockerfile, ops, configured, build_args):
                    where = f"{op.install.describe()} (line {op.line}"
                    where += f", stage {st.display})" if multi else ")"
                    if isinstance(found, str):
                        yield Unknown(
                            ins.mark(
                                f"{where} keeps no cache only if it is told to by {found} "
                                f"({ins.value_hint})"
                            )
                        )
                    else:
                        yield Violation(ins.mark(f"{where} {'; '.join(found)}"), line=op.line)
            if ins.keyword in ("RUN", "COPY", "ADD"):
                configured |= _apt_config(ins, run, None)
