"""What a Dockerfile's build does: build steps, toolchains and package operations.

Shared by the multi-stage and lean-image policies (DOCKER-002, DOCKER-024) and by the
package policies (DOCKER-014/015/016):

* ``build_command(cmd)`` names the compile or bundle step a command runs (``go build``,
  ``npm run build``, ``./gradlew bootJar``...), looking through ``npx``/``bundle exec``;
* ``is_toolchain_package`` knows compilers, SDKs and ``-dev`` headers per package family;
* ``package_ops`` lists the package-manager commands of RUN instructions, with ``$VAR``
  package lists expanded from the ARG/ENV values visible at that RUN (a value that is not
  known statically stays unresolved, and policies answer UNKNOWN);
* ``scan_build`` puts these together for a set of RUN instructions.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Instruction,
    Unresolved,
    image_matches,
    why_no_value,
)
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.knowledge.docker.run import RunScript
from pytest_devops_policy.knowledge.packages import Install, Package, parse_install
from pytest_devops_policy.knowledge.shell import Command

__all__ = [
    "BuildScan",
    "BuildStep",
    "PackageOp",
    "build_command",
    "env_value",
    "is_toolchain_package",
    "mounted_cache",
    "package_ops",
    "scan_build",
    "ssh_daemon",
    "toolchain_image",
    "toolchain_packages",
    "unresolved_names",
    "unresolved_why",
]

# --------------------------------------------------------------------------- build commands

# ``npm run <script>``: scripts that produce build output.
_BUILD_SCRIPT = re.compile(r"^(build|compile|dist)([:_-].*)?$")
# Programs that compile or bundle whatever their arguments are.
_COMPILERS = frozenset(
    {"gcc", "g++", "cc", "c++", "clang", "clang++", "javac", "kotlinc", "rustc", "tsc",
     "webpack", "esbuild", "rollup", "tsup", "make", "gmake", "cmake", "ninja", "msbuild"}
)  # fmt: skip
# Programs whose ``build`` subcommand is the build (``vite build``, ``go build``...).
_BUILD_SUBCOMMAND: dict[str, frozenset[str]] = {
    "vite": frozenset({"build"}),
    "next": frozenset({"build"}),
    "nuxt": frozenset({"build", "generate"}),
    "nuxi": frozenset({"build", "generate"}),
    "ng": frozenset({"build"}),
    "react-scripts": frozenset({"build"}),
    "vue-cli-service": frozenset({"build"}),
    "parcel": frozenset({"build"}),
    "gatsby": frozenset({"build"}),
    "astro": frozenset({"build"}),
    "go": frozenset({"build", "install"}),
    "cargo": frozenset({"build", "install"}),
    "dotnet": frozenset({"build", "publish", "pack"}),
    "poetry": frozenset({"build"}),
    "uv": frozenset({"build"}),
    "hatch": frozenset({"build"}),
    "pdm": frozenset({"build"}),
    "bazel": frozenset({"build"}),
    "bazelisk": frozenset({"build"}),
    "meson": frozenset({"compile"}),
    "swift": frozenset({"build"}),
    "mix": frozenset({"compile", "release"}),
    "bun": frozenset({"build"}),
}
_MAVEN = frozenset({"mvn", "mvnw", "mvn.cmd", "mvnw.cmd"})
_MAVEN_GOALS = frozenset({"compile", "package", "install", "verify", "deploy"})
_GRADLE = frozenset({"gradle", "gradlew", "gradlew.bat"})
_GRADLE_TASKS = frozenset(
    {"build", "assemble", "jar", "bootjar", "bootwar", "war", "shadowjar", "installdist",
     "distzip", "disttar", "compilejava", "compilekotlin", "classes", "nativecompile"}
)  # fmt: skip
_SETUP_PY_BUILD = frozenset({"build", "build_ext", "bdist_wheel", "bdist", "bdist_egg", "sdist"})
_PYTHON = re.compile(r"^python[0-9.]*$")
# Runners that execute another program: ``npx tsc``, ``bundle exec rake``, ``yarn dlx x``.
_RUNNERS: dict[tuple[str, ...], frozenset[str]] = {
    ("npx",): frozenset({"-p", "--package", "-c", "--call"}),
    ("pnpx",): frozenset(),
    ("bunx",): frozenset(),
    ("npm", "exec"): frozenset({"-p", "--package", "-c", "--call", "-w", "--workspace"}),
    ("pnpm", "exec"): frozenset(),
    ("pnpm", "dlx"): frozenset(),
    ("yarn", "exec"): frozenset(),
    ("yarn", "dlx"): frozenset({"-p", "--package"}),
    ("bundle", "exec"): frozenset(),
    ("poetry", "run"): frozenset(),
    ("uv", "run"): frozenset(),
    ("pipenv", "run"): frozenset(),
}
# yarn and pnpm run a script (or a dependency's binary) named by their first argument.
_JS_MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_JS_MANAGER_VALUE_OPTS = frozenset({"--filter", "-F", "--cwd", "--dir", "-C", "-w", "--workspace"})
_JS_NON_SCRIPTS = frozenset(
    {"install", "i", "add", "ci", "remove", "rm", "uninstall", "prune", "exec", "dlx", "x",
     "init", "create", "config", "cache", "set", "global", "link", "pack", "publish",
     "audit", "outdated", "up", "upgrade", "update", "why", "list", "ls", "info", "test",
     "start", "fetch", "import", "rebuild", "dedupe", "store", "version", "login", "node"}
)  # fmt: skip


def _replace_words(command: Command, words: Sequence[str]) -> Command:
    return dataclasses.replace(command, words=tuple(words), assignments=())


def _after_options(words: Sequence[str], takes_value: frozenset[str]) -> list[str]:
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            return list(words[i + 1 :])
        if not w.startswith("-"):
            break
        i += 2 if w in takes_value else 1
    return list(words[i:])


def _js_script(command: Command) -> tuple[str, list[str]] | None:
    """(script, arguments) for ``npm run build``, ``yarn build``, ``pnpm -r run build``."""
    rest = _after_options(command.args, _JS_MANAGER_VALUE_OPTS)
    if command.name == "yarn" and rest[:1] == ["workspace"] and len(rest) > 2:
        rest = rest[2:]  # yarn workspace <name> build
    if not rest:
        return None
    if rest[0] in ("run", "run-script", "run-s"):
        rest = _after_options(rest[1:], _JS_MANAGER_VALUE_OPTS)
        return (rest[0], rest[1:]) if rest else None
    if command.name == "npm" or rest[0] in _JS_NON_SCRIPTS:
        return None  # npm needs "run"; the others are manager subcommands
    return rest[0], rest[1:]


def build_command(command: Command, _depth: int = 0) -> str | None:
    """What ``command`` builds with, for messages (``go build``, ``npm run build``), or None.

    A build step compiles, bundles or packages sources: compilers (gcc, javac, tsc),
    bundlers (webpack, vite build), language build tools (go build, cargo build, mvn
    package, gradle bootJar, dotnet publish, make, python -m build, pip wheel) and the
    project's own ``build`` script run through npm, yarn or pnpm.
    """
    name = command.name
    args = list(command.args)
    if not name or _depth > 2:
        return None
    for prefix, takes_value in _RUNNERS.items():
        if (name, *args[: len(prefix) - 1]) == prefix:
            inner = _after_options(args[len(prefix) - 1 :], takes_value)
            return build_command(_replace_words(command, inner), _depth + 1) if inner else None
    if name in _COMPILERS:
        return name
    sub = command.subcommand()
    if name in _BUILD_SUBCOMMAND and sub in _BUILD_SUBCOMMAND[name]:
        return f"{name} {sub}"
    if name in _JS_MANAGERS:
        script = _js_script(command)
        if script is None:
            return None
        target, rest = script
        if _BUILD_SCRIPT.match(target):
            return f"{name} {'run ' if name == 'npm' else ''}{target}"
        # yarn tsc / pnpm webpack: a dependency's binary
        return build_command(_replace_words(command, [target, *rest]), _depth + 1)
    if name in _MAVEN:
        goals = {a.rsplit(":", 1)[-1] for a in args if not a.startswith("-")}
        hit = sorted(goals & _MAVEN_GOALS)
        return f"{command.words[0]} {hit[0]}" if hit else None
    if name in _GRADLE:
        for a in args:
            if not a.startswith("-") and a.rsplit(":", 1)[-1].lower() in _GRADLE_TASKS:
                return f"{command.words[0]} {a}"
        return None
    if _PYTHON.match(name):
        if args[:2] == ["-m", "build"]:
            return f"{name} -m build"
        if len(args) >= 2 and args[0] == "-m" and re.match(r"^pip[0-9.]*$", args[1]):
            return f"{name} -m pip wheel" if "wheel" in args[2:3] else None
        if args[:1] == ["setup.py"] and _SETUP_PY_BUILD & set(args[1:]):
            return f"{name} setup.py {sorted(_SETUP_PY_BUILD & set(args[1:]))[0]}"
        return None
    if re.match(r"^pip[0-9.]*$", name) and sub == "wheel":
        return f"{name} wheel"
    if name in ("rake", "rails") and "assets:precompile" in args:
        return f"{name} assets:precompile"
    return None


# --------------------------------------------------------------------------- toolchains

# Compilers, SDKs and build systems, by package name (all families).
_TOOLCHAIN_NAMES = frozenset(
    {"build-essential", "build-base", "alpine-sdk", "gcc", "g++", "gcc-c++", "cpp", "clang",
     "llvm", "make", "cmake", "ninja", "ninja-build", "meson", "autoconf", "automake",
     "libtool", "pkg-config", "pkgconf", "binutils", "bison", "flex", "gfortran",
     "linux-headers", "kernel-headers", "golang", "golang-go", "go", "rust", "rustc",
     "cargo", "rust-all", "maven", "gradle", "ant", "default-jdk", "default-jdk-headless",
     "dotnet-sdk", "nasm",
     # package groups and patterns: dnf group install "Development Tools", zypper devel_basis
     "development-tools", "development tools", "c-development", "devel_basis"}
)  # fmt: skip
_TOOLCHAIN_PATTERNS = (
    re.compile(r"^.+-dev$"),  # Debian/Alpine headers: libpq-dev, musl-dev, python3-dev
    re.compile(r"^.+-devel$"),  # RPM headers: openssl-devel, java-17-openjdk-devel
    re.compile(r"^(gcc|g\+\+|clang|llvm|cpp)-\d+(\.\d+)*$"),  # gcc-12, clang-17
    re.compile(r"^.+-jdk(-headless)?$"),  # openjdk-17-jdk, temurin-21-jdk
    re.compile(r"^openjdk\d+(-jdk)?$"),  # Alpine: openjdk17 is the JDK (-jre is not)
    re.compile(r"^dotnet-sdk-[\d.]+$"),
    re.compile(r"^golang-\d+(\.\d+)*(-go)?$"),
)
_VCS_NAMES = frozenset({"git", "git-core", "git-all"})


def is_toolchain_package(name: str, *, vcs: bool = False) -> bool:
    """A compiler, SDK, build system or development headers package (``vcs``: git too)."""
    low = name.lower().lstrip("@")
    if vcs and low in _VCS_NAMES:
        return True
    return low in _TOOLCHAIN_NAMES or any(p.match(low) for p in _TOOLCHAIN_PATTERNS)


def toolchain_packages(install: Install, *, vcs: bool = False) -> list[Package]:
    """The toolchain packages a distribution package install adds."""
    if not install.os_level or not install.installs:
        return []
    return [p for p in install.packages if is_toolchain_package(p.name, vcs=vcs)]


# Images that *are* a toolchain: shipping them ships the compiler.
# (A pattern without a tag matches every tag.)
_TOOLCHAIN_IMAGES = (
    "golang",
    "rust",
    "maven",
    "gradle",
    "gcc",
    "buildpack-deps",
    "mcr.microsoft.com/dotnet/sdk",
    "eclipse-temurin:*jdk*",
    "openjdk:*jdk*",
    "sapmachine:*jdk*",
)


def toolchain_image(image_text: str) -> bool:
    """An official build image (``golang``, ``maven``, ``dotnet/sdk``, a ``*-jdk`` tag)."""
    image = parse_image(image_text)
    return any(image_matches(image, p) for p in _TOOLCHAIN_IMAGES)


# --------------------------------------------------------------------------- package operations


@dataclass(frozen=True)
class PackageOp:
    """One package-manager command of a RUN, with ARG/ENV references expanded."""

    run: RunScript
    index: int  # position among ``run.commands`` (for "is X done later in this RUN")
    line: int  # absolute line in the Dockerfile
    install: Install
    unresolved: tuple[str, ...] = ()  # package words that have no static value
    too_large: tuple[str, ...] = ()  # variables among them whose value passed MAX_EXPANDED

    @property
    def instruction(self) -> Instruction:
        return self.run.instruction

    @property
    def from_stdin(self) -> bool:
        """``xargs apt-get install -y < list``: the packages are not in the Dockerfile."""
        return self.install.command.wrapped_by == "xargs" and not self.install.packages

    @property
    def unknown_packages(self) -> bool:
        return bool(self.unresolved) or (self.install.installs and self.from_stdin)


_VAR_NAME = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _expand(dockerfile: Dockerfile, ins: Instruction, words: Sequence[str],
            build_args: Mapping[str, str] | None,
            too_large: list[str]) -> list[str]:  # fmt: skip
    """Expand ``$VAR`` in words as the RUN's shell would: ARG and ENV are its environment.
    A word that does not resolve is kept as written; an expansion is split on blanks.
    Variables left unresolved because their value is too large are added to ``too_large``."""
    out: list[str] = []
    for word in words:
        if "$" not in word or "$(" in word or "`" in word:
            out.append(word)
            continue
        exp = dockerfile.resolve(word, ins, build_args)
        if exp.resolved:
            out.extend(exp.text.split())
        else:
            out.append(word)
            too_large.extend(exp.too_large)
    return out


def package_ops(dockerfile: Dockerfile, runs: Iterable[RunScript],
                build_args: Mapping[str, str] | None = None) -> list[PackageOp]:  # fmt: skip
    """Every package-manager command of ``runs``, in order."""
    out: list[PackageOp] = []
    for run in runs:
        memo = dockerfile.memo
        key = ("package_ops", id(run), tuple(sorted(build_args.items())) if build_args else ())
        hit: list[PackageOp] | None = memo.get(key)
        if hit is None:
            hit = memo[key] = _run_package_ops(dockerfile, run, build_args)
        out.extend(hit)
    return out


def _run_package_ops(dockerfile: Dockerfile, run: RunScript,
                     build_args: Mapping[str, str] | None) -> list[PackageOp]:  # fmt: skip
    out: list[PackageOp] = []
    for index, (command, line) in enumerate(run.commands):
        words = command.words
        too_large: list[str] = []
        if any("$" in w for w in words):
            words = tuple(_expand(dockerfile, run.instruction, words, build_args, too_large))
            command = dataclasses.replace(command, words=words)
        install = parse_install(command)
        if install is None:
            continue
        unresolved = tuple(p.raw for p in install.packages if p.dynamic)
        big = tuple(dict.fromkeys(too_large)) if unresolved else ()
        out.append(PackageOp(run, index, line, install, unresolved, big))
    return out


def _unresolved_names(op: PackageOp) -> list[str]:
    names: list[str] = []
    for raw in op.unresolved:
        found = _VAR_NAME.findall(raw)
        names.extend(found if found and "$(" not in raw and "`" not in raw else [raw])
    return list(dict.fromkeys(names))


def unresolved_names(op: PackageOp) -> str:
    """``PKGS, $(cat list)`` for messages: what the package list depends on."""
    names = _unresolved_names(op)
    if op.from_stdin and not names:
        names.append("the input of xargs")
    return ", ".join(names)


def unresolved_why(op: PackageOp, plain: str = "which has no default here") -> str:
    """``PKGS, which has no default here`` for messages: what the package list depends on
    and why it has no value (``why_no_value``); the input of xargs when it is read there."""
    names = _unresolved_names(op)
    if not names:
        return "the input of xargs" if op.from_stdin else ""
    return why_no_value(names, op.too_large, plain)


def env_value(
    dockerfile: Dockerfile,
    run: RunScript,
    command_index: int,
    name: str,
    build_args: Mapping[str, str] | None = None,
) -> str | Unresolved | None:
    """The value of environment variable ``name`` for the command at ``command_index`` of
    ``run``: a ``NAME=v cmd`` prefix, an earlier ``export NAME=v`` in the same RUN, or an
    ENV/ARG visible at the RUN. None: not set; ``Unresolved``: not known statically."""
    commands = [c for c, _line in run.commands]
    target = commands[command_index]
    for assignment in target.assignments:
        key, _sep, value = assignment.partition("=")
        if key == name:
            return value
    for c in reversed(commands[:command_index]):
        if c.name == "export":
            for w in c.args:
                key, sep, value = w.partition("=")
                if key == name and sep:
                    return value
    scope = dockerfile.scope(run.instruction, build_args)
    if name in scope.env:
        return scope.env[name]
    if name in scope.args:
        return scope.args[name]
    return None  # not declared here (a base image's ENV is not visible statically)


def mounted_cache(run: RunScript, *paths: str) -> bool:
    """A ``--mount=type=cache`` (or tmpfs) covers one of ``paths``: writes there never reach
    the image layer."""
    for mount in run.instruction.mounts:
        if mount.get("type") not in ("cache", "tmpfs"):
            continue
        target = mount.get("target") or mount.get("dst") or mount.get("destination") or ""
        target = target.rstrip("/")
        if target and any(p == target or p.startswith(target + "/") for p in paths):
            return True
    return False


# --------------------------------------------------------------------------- build scan


@dataclass(frozen=True)
class BuildStep:
    """A RUN command that compiles, bundles or installs a toolchain."""

    run: RunScript
    line: int
    what: str  # "go build", "apt-get install gcc, make"
    packages: tuple[str, ...] = ()  # the toolchain packages, for an install

    @property
    def toolchain(self) -> bool:
        """Installs toolchain packages (rather than running a build)."""
        return bool(self.packages)

    def describe(self) -> str:
        return f"{self.what} (line {self.line})"


@dataclass(frozen=True)
class BuildScan:
    steps: tuple[BuildStep, ...]
    unresolved: tuple[PackageOp, ...]  # OS installs whose package list is not known


_REMOVE_ACTIONS = frozenset({"del", "remove", "rm", "purge", "erase", "autoremove"})


class _Removals:
    """What each RUN removes again, read once for all its installs: for each (RUN, package
    family), the last command index that removes each name, and the last that removes
    everything (``apt-mark auto`` earlier, then ``--auto-remove``)."""

    def __init__(self, ops: Sequence[PackageOp]) -> None:
        self.names: dict[tuple[int, str], dict[str, int]] = {}
        self.everything: dict[tuple[int, str], int] = {}
        marks: dict[int, int] = {}  # RUN -> index of its first `apt-mark auto`
        for op in ops:
            inst = op.install
            if inst.action not in _REMOVE_ACTIONS:
                continue
            key = (id(op.run), inst.family)
            names = self.names.setdefault(key, {})
            for target in inst.targets:
                names[re.split(r"[=<>~:]", target, maxsplit=1)[0].lower()] = op.index
            if inst.family == "apt" and (
                inst.action == "autoremove" or inst.has_option("--auto-remove", "--autoremove")
            ):
                if id(op.run) not in marks:
                    marks[id(op.run)] = next(
                        (
                            i
                            for i, (c, _line) in enumerate(op.run.commands)
                            if c.name == "apt-mark" and c.subcommand() == "auto"
                        ),
                        1 << 62,
                    )
                if marks[id(op.run)] < op.index:
                    self.everything[key] = op.index

    def later(self, op: PackageOp) -> tuple[Callable[[str], bool], bool]:
        """(whether a package name is removed later in the same RUN, whether *every*
        package is), in constant time per question.

        ``apk add --virtual .build-deps gcc && ... && apk del .build-deps`` and the official
        images' ``apt-mark auto '.*' && ... && apt-get purge -y --auto-remove`` remove the
        toolchain before the layer is committed, so it never ships.
        """
        key = (id(op.run), op.install.family)
        names = self.names.get(key, {})
        index = op.index

        def removed(name: str) -> bool:
            return names.get(name, -1) > index

        return removed, self.everything.get(key, -1) > index


def scan_build(
    dockerfile: Dockerfile,
    runs: Sequence[RunScript],
    build_args: Mapping[str, str] | None = None,
    *,
    vcs: bool = False,
) -> BuildScan:
    """Build commands and toolchain installs (``vcs``: installing git counts too).

    A toolchain removed again in the same RUN (``apk del .build-deps``) is not counted.
    """
    steps: list[tuple[tuple[int, int], BuildStep]] = []  # (RUN line, command index), step
    for run in runs:
        for index, (command, line) in enumerate(run.commands):
            # ``sudo make`` is a ``sudo`` command and a ``make`` command: counted once.
            what = build_command(command)
            if what is not None:
                steps.append(((run.instruction.line, index), BuildStep(run, line, what)))
    unresolved: list[PackageOp] = []
    ops = package_ops(dockerfile, runs, build_args)
    removals = _Removals(ops)
    for op in ops:
        inst = op.install
        if not inst.os_level or not inst.installs:
            continue
        removed, everything = removals.later(op)
        virtual = {v.lower() for v in inst.option_values("-t", "--virtual")}
        if everything or (inst.family == "apk" and any(removed(v) for v in virtual)):
            continue
        found = [
            p.name
            for p in toolchain_packages(inst, vcs=vcs)
            if not removed(p.name.lower()) and not removed(p.raw.lower())
        ]
        if found:
            what = f"{inst.describe()} {', '.join(found)}"
            step = BuildStep(op.run, op.line, what, tuple(found))
            steps.append(((op.run.instruction.line, op.index), step))
        if op.unknown_packages:
            unresolved.append(op)
    steps.sort(key=lambda item: item[0])
    return BuildScan(tuple(step for _key, step in steps), tuple(unresolved))


# --------------------------------------------------------------------------- SSH daemons

_INITS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "s6-svscan"})
_SSH_DAEMONS = frozenset({"sshd", "dropbear", "tinysshd"})
_SSH_SERVICES = frozenset({"ssh", "sshd", "dropbear", "openssh"})


def ssh_daemon(command: Command) -> str | None:
    """``sshd`` when ``command`` starts an SSH server (``/usr/sbin/sshd -D``, ``service ssh
    start``, ``/etc/init.d/ssh start``, ``rc-service sshd start``), else None."""
    if not command.words:  # CMD [], ENTRYPOINT [], a bare assignment: nothing runs
        return None
    name = command.name
    args = command.args
    if name in _SSH_DAEMONS:
        return command.words[0]
    if name in _INITS:
        inner = _after_options(args, frozenset({"-s", "-p", "-e", "-r", "--rewrite"}))
        return ssh_daemon(_replace_words(command, inner)) if inner else None
    first = command.words[0]
    if re.search(r"/init\.d/[^/]+$", first) and name in _SSH_SERVICES:
        return f"{first} {' '.join(args)}".strip()
    positionals = [a for a in args if not a.startswith("-")]
    if name in ("service", "rc-service") and positionals[:1] and positionals[0] in _SSH_SERVICES:
        return f"{name} {' '.join(positionals[:2])}"
    if name == "systemctl" and len(positionals) >= 2 and positionals[0] in ("start", "enable"):
        unit = positionals[1].removesuffix(".service")
        if unit in _SSH_SERVICES:
            return f"systemctl {positionals[0]} {positionals[1]}"
    return None
