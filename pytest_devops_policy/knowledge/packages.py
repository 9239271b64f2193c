"""Package-manager invocations: which packages a command installs, and how.

Shared by the Dockerfile policies on toolchains (DOCKER-002/024), SSH and sudo
packages (DOCKER-010/014), cache hygiene (DOCKER-015) and version pins (DOCKER-016).
Each manager has its own option grammar; options that take a separate value are
listed so that the value (``apk add --virtual .build-deps``, ``pip install -r
req.txt``) is never taken for a package name.

Everything here is a fact about one command (or one package spec); what a whole
Dockerfile does with them (variables, stages) lives in ``docker_build``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pytest_devops_policy.knowledge.shell import Command

__all__ = [
    "CACHE_CLEANUP_PATHS",
    "INSTALL_ACTIONS",
    "NPM_CI_ACTIONS",
    "OS_FAMILIES",
    "Install",
    "Package",
    "cleans_cache",
    "is_ssh_server_package",
    "option_values",
    "parse_install",
]


@dataclass(frozen=True)
class Package:
    """One requested package: ``name`` and the version spec as written ('' if none)."""

    raw: str
    name: str
    version: str
    pinned: bool  # an exact version (or a lockfile / local path: nothing floats)

    @property
    def dynamic(self) -> bool:
        """The spec still holds a shell expansion (``$PKG``, ``$(cat list)``): unknown."""
        return "$" in self.raw or "`" in self.raw


@dataclass(frozen=True)
class Install:
    """``apt-get install -y curl``: manager, action, options and packages."""

    manager: str  # apt-get, apt, aptitude, apk, yum, dnf, microdnf, tdnf, zypper, pip, uv,
    # npm, yarn, pnpm, gem, go (the command as invoked; ``python -m pip`` is "pip")
    action: str  # install, add, ci, update, upgrade, ... (bare ``yarn`` is "install")
    options: tuple[str, ...]  # every option word, values included (--opt=value kept whole)
    packages: tuple[Package, ...]
    command: Command
    files: tuple[str, ...] = ()  # -r requirements.txt, -c constraints.txt, ...
    family: str = ""  # apt, apk, rpm, zypper, pip, npm, yarn, pnpm, gem, go
    global_install: bool = False  # npm -g, yarn global add, pnpm -g: outside any project
    targets: tuple[str, ...] = ()  # the words after the action (``apk del .build-deps``)

    @property
    def installs(self) -> bool:
        """The action installs packages (``apt-get install``, ``apk add``, ``npm ci``...)."""
        return self.action in INSTALL_ACTIONS.get(self.family, frozenset())

    @property
    def os_level(self) -> bool:
        """A distribution package manager (apt, apk, rpm family, zypper)."""
        return self.family in OS_FAMILIES

    def has_option(self, *names: str) -> bool:
        for word in self.options:
            for name in names:
                if word == name or (name.startswith("--") and word.startswith(name + "=")):
                    return True
                if len(name) != 2 or name[0] != "-" or word.startswith("--"):
                    continue
                if _has_attached_value(word, self.family):
                    if word[:2] == name:  # -rrequirements.txt
                        return True
                elif word.startswith("-") and name[1] in word[1:]:  # a bundle: -qy
                    return True
        return False

    @property
    def dev_dependencies(self) -> str | None:
        """For a JavaScript project install: "omit" when its options leave devDependencies
        out (``npm ci --omit=dev``, ``yarn --production``, ``pnpm i --prod``), "include"
        when they force them in (``--include=dev``, ``--production=false``), else None
        (the environment decides: NODE_ENV=production omits them)."""
        if self.family not in ("npm", "yarn", "pnpm"):
            return None
        if "dev" in self.option_values("--include") or any(
            w in ("--production=false", "--prod=false") for w in self.options
        ):
            return "include"
        if self.family == "npm" and (
            "dev" in self.option_values("--omit")
            or any(v in ("prod", "production") for v in self.option_values("--only"))
        ):
            return "omit"
        prod = ("--production", "--prod", "-P") if self.family == "pnpm" else ("--production",)
        if any(w in prod or w in ("--production=true", "--prod=true") for w in self.options):
            return "omit"
        return None

    def option_values(self, *names: str) -> list[str]:
        """Values of ``-o X``, ``-oX``, ``--opt X`` and ``--opt=X``, in order."""
        return option_values(self.options, names, self.family)

    def describe(self) -> str:
        """``apt-get install`` / ``python3 -m pip install``: how messages name it."""
        words = self.command.words
        head = list(words[: len(words) - len(self._rest())])
        if self.family == "yarn" and self.global_install:
            head.append("global")
        return " ".join([*head, self.action] if self.action else head)

    def _rest(self) -> tuple[str, ...]:
        name = self.command.name
        args = self.command.args
        if _PYTHON.match(name) and len(args) >= 2 and args[0] == "-m":
            return args[2:]
        if name == "uv" and args[:1] == ("pip",):
            return args[1:]
        return args


# Options that consume the next word, per manager family.
_VALUE_OPTS: dict[str, frozenset[str]] = {
    "apt": frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file",
                      "-a", "--host-architecture"}),
    "apk": frozenset({"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch",
                      "--cache-dir", "--keys-dir", "--repositories-file"}),
    "rpm": frozenset({"--enablerepo", "--disablerepo", "--setopt", "-c", "--config",
                      "--installroot", "--releasever", "--exclude", "-x", "--repo",
                      "--repofrompath", "--forcearch", "--downloaddir", "-d", "-e"}),
    "zypper": frozenset({"-r", "--repo", "--from", "-t", "--type", "-R", "--root"}),
    "pip": frozenset({"-r", "--requirement", "-c", "--constraint", "-i", "--index-url",
                      "--extra-index-url", "--trusted-host", "-e", "--editable", "-t",
                      "--target", "--prefix", "-f", "--find-links", "--root", "--platform",
                      "--python-version", "--implementation", "--abi", "--src",
                      "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log",
                      "--proxy", "--retries", "--timeout", "--cert", "--client-cert",
                      "--only-binary", "--no-binary", "--global-option", "--config-settings",
                      "-C", "--report", "--python", "-p", "--index", "--default-index"}),
    "npm": frozenset({"--prefix", "--registry", "-w", "--workspace", "--cache", "--userconfig",
                      "--omit", "--include", "--tag", "--loglevel"}),
    "yarn": frozenset({"--cwd", "--registry", "--modules-folder", "--cache-folder",
                       "--network-timeout", "--mutex"}),
    "gem": frozenset({"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s",
                      "--source", "--platform", "-P", "--trust-policy"}),
    "go": frozenset({"-o", "-modfile", "-tags", "-ldflags", "-gcflags", "-p"}),
}  # fmt: skip
_VALUE_OPTS["pnpm"] = _VALUE_OPTS["npm"] | {"--filter", "-F", "--dir", "-C"}

OS_FAMILIES = frozenset({"apt", "apk", "rpm", "zypper"})
# The actions that put packages (or a project's dependencies) on disk.
INSTALL_ACTIONS: dict[str, frozenset[str]] = {
    "apt": frozenset({"install", "reinstall"}),
    "apk": frozenset({"add"}),
    "rpm": frozenset({"install", "in", "reinstall", "localinstall", "groupinstall"}),
    "zypper": frozenset({"install", "in"}),
    "pip": frozenset({"install"}),
    "npm": frozenset({"install", "i", "in", "add", "isntall", "ci", "clean-install", "ic",
                      "install-clean", "isntall-clean"}),
    "yarn": frozenset({"install", "add"}),
    "pnpm": frozenset({"install", "i", "add"}),
    "gem": frozenset({"install"}),
    "go": frozenset({"install", "get"}),
}  # fmt: skip
# ``npm ci`` and its aliases: installs exactly the lockfile.
NPM_CI_ACTIONS = frozenset({"ci", "clean-install", "ic", "install-clean", "isntall-clean"})
_APT = frozenset({"apt-get", "apt", "aptitude"})
_RPM = frozenset({"yum", "dnf", "dnf5", "dnf-3", "microdnf", "tdnf"})
_PIP = re.compile(r"^pip[0-9.]*$")
_PYTHON = re.compile(r"^python[0-9.]*$")
_PIP_PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(===?|~=|!=|<=|>=|<|>)\s*(.+)$"
)
_HEX_COMMIT = re.compile(r"[0-9a-f]{7,40}")
_HEX40 = re.compile(r"[0-9a-f]{40}")
# apt/apk/zypper: name, then a comparison operator, then the version.
_OS_SPEC = re.compile(r"^(?P<name>[^=<>~!]+)(?P<op>=~|~=|==|=|~|>=|<=|>|<|!=)(?P<version>.*)$")
# npm: an exact semver (``1.2.3``, ``v1.2.3``, ``=1.2.3-rc.1``); anything else is a range
# or a dist-tag, which moves.
_SEMVER = re.compile(r"^[=v]?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
# go: a semantic version or pseudo-version, or a commit hash.
_GO_VERSION = re.compile(r"^v\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.+-]+)?$")


def _has_attached_value(word: str, family: str) -> bool:
    """``-oAPT::Foo=1`` is ``-o`` with a value, not a bundle of short flags."""
    return len(word) > 2 and word[:2] in _VALUE_OPTS.get(family, frozenset())


def option_values(options: Sequence[str], names: Iterable[str], family: str = "") -> list[str]:
    """Values given to any of ``names`` in an option list as ``Install.options`` keeps it
    (a value-taking option is followed by its value)."""
    wanted = set(names)
    takes_value = _VALUE_OPTS.get(family, frozenset())
    out: list[str] = []
    i = 0
    while i < len(options):
        word = options[i]
        if word in takes_value:
            if word in wanted and i + 1 < len(options):
                out.append(options[i + 1])
            i += 2
            continue
        name, sep, value = word.partition("=")
        if sep and name.startswith("--") and name in wanted:
            out.append(value)
        elif not word.startswith("--") and len(word) > 2 and word[:2] in wanted:
            out.append(word[2:])  # -oAPT::Get::Assume-Yes=true
        i += 1
    return out


def _split(words: Iterable[str], family: str) -> tuple[list[str], list[str], list[str]]:
    """(options, positionals, files named by -r/-c/--requirement/--constraint)."""
    takes_value = _VALUE_OPTS.get(family, frozenset())
    options: list[str] = []
    positionals: list[str] = []
    files: list[str] = []
    it = iter(words)
    for word in it:
        if word == "--":
            positionals.extend(it)
            break
        if word.startswith("-") and len(word) > 1:
            options.append(word)
            name, sep, value = word.partition("=")
            if not sep and word in takes_value:
                value = next(it, "")
                options.append(value)
            elif family == "pip" and not sep and word[:2] in ("-r", "-c", "-e") and len(word) > 2:
                name, value = word[:2], word[2:]  # -rrequirements.txt
            elif not sep:
                continue
            if family == "pip" and name in ("-r", "--requirement", "-c", "--constraint"):
                files.append(value)
            elif family == "pip" and name in ("-e", "--editable"):
                positionals.append(value)
            continue
        positionals.append(word)
    return options, positionals, files


def _is_local(spec: str) -> bool:
    return spec.startswith((".", "/", "~", "file:")) or spec.endswith(
        (".whl", ".tar.gz", ".zip", ".tgz", ".deb", ".rpm", ".apk")
    )


def _dynamic(spec: str) -> Package:
    return Package(spec, spec, "", False)


def _pip_package(spec: str) -> Package:
    if "$" in spec or "`" in spec:
        return _dynamic(spec)
    if _is_local(spec):
        return Package(spec, spec, "", True)
    name_part, at, url = spec.partition(" @ ")  # PEP 508: "pkg @ https://..."
    if at:
        spec_url = url.strip()
    else:
        name_part, spec_url = "", spec
    if "://" in spec_url or spec_url.startswith("git+"):
        # git+https://host/repo@<sha>#egg=x pins a commit; a branch or tag may move. An
        # archive URL names one file.
        after_host = spec_url.split("://", 1)[-1]
        ref = spec_url.rsplit("@", 1)[-1].split("#")[0] if "@" in after_host else ""
        archive = _is_local(spec_url.split("#")[0])
        name = name_part.strip() or spec_url
        return Package(spec, name, ref, bool(_HEX40.fullmatch(ref)) or archive)
    base = spec.split(";", 1)[0].strip()  # environment markers
    m = _PIP_PIN.match(base)
    if m is None:
        return Package(spec, base.split("[", 1)[0], "", False)
    op, version = m.group(3), m.group(4).strip()
    exact = op in ("==", "===") and "*" not in version and "," not in version
    return Package(spec, m.group(1), f"{op}{version}", exact)


def _npm_package(spec: str) -> Package:
    if "$" in spec or "`" in spec:
        return _dynamic(spec)
    if _is_local(spec) or spec.startswith(("git+", "git:", "http:", "https:", "github:")):
        commit = spec.rsplit("#", 1)[-1] if "#" in spec else ""
        pinned = _is_local(spec) or bool(_HEX40.fullmatch(commit))
        return Package(spec, spec, commit, pinned)
    # @scope/name@version: the version separator is the last "@" after position 0
    at = spec.find("@", 1)
    if at <= 0:
        return Package(spec, spec, "", False)
    name, version = spec[:at], spec[at + 1 :]
    if version.startswith("npm:"):  # alias@npm:real@1.2.3
        return Package(spec, name, version, _npm_package(version[4:]).pinned)
    return Package(spec, name, version, bool(_SEMVER.fullmatch(version)))


def _os_package(spec: str, family: str) -> Package:
    """apt ``curl=7.88*``, apk ``curl=8.5.0-r0`` / ``curl~8.5``, zypper ``curl=8``."""
    if "$" in spec or "`" in spec:
        return _dynamic(spec)
    if _is_local(spec) or "://" in spec:
        return Package(spec, spec, "", _is_local(spec))
    text = spec
    if family == "apk" and "@" in text:
        text = text.split("@", 1)[0]  # curl@edge: a repository tag, not a version
    m = _OS_SPEC.match(text)
    if m is None:
        name = text.split("/", 1)[0] if family == "apt" else text  # pkg/bookworm: a release
        if family == "zypper":
            return _rpm_package(spec)
        return Package(spec, name.split(":", 1)[0] if family == "apt" else name, "", False)
    name, op, version = m.group("name"), m.group("op"), m.group("version")
    if family == "apt":
        name = name.split(":", 1)[0]  # libc6:amd64
    # Only an exact version (or apk's fuzzy "~") names what gets installed; ranges float.
    exact_ops = {"apt": ("=",), "apk": ("=", "~", "~=", "=~"), "zypper": ("=", "==")}
    pinned = op in exact_ops.get(family, ("=",)) and any(c.isdigit() for c in version)
    return Package(spec, name, f"{op}{version}", pinned)


def _rpm_package(spec: str) -> Package:
    """``curl-7.76.1-26.el9``: name-version[-release], the version starts with a digit.

    Names contain digits too (``java-17-openjdk``), so the version is the longest tail of
    ``-`` segments that all start with a digit; a name ending in a word is unversioned.
    """
    if "$" in spec or "`" in spec:
        return _dynamic(spec)
    if _is_local(spec) or "://" in spec:
        return Package(spec, spec, "", _is_local(spec))
    parts = spec.split("-")
    cut = len(parts)
    while cut > 1 and parts[cut - 1][:1].isdigit():
        cut -= 1
    if cut == len(parts):
        return Package(spec, spec, "", False)
    return Package(spec, "-".join(parts[:cut]), "-".join(parts[cut:]), True)


def _gem_package(spec: str, version_option: str | None) -> Package:
    if "$" in spec or "`" in spec:
        return _dynamic(spec)
    name, _sep, version = spec.partition(":")
    if version_option is not None and not version:
        version = version_option
    # "~> 2.4", ">= 1" are requirements, not versions.
    pinned = bool(version) and not version.lstrip().startswith(("~", ">", "<", "!"))
    return Package(spec, name, version, pinned or _is_local(spec) or spec.endswith(".gem"))


def _go_package(spec: str, action: str) -> Package:
    if "$" in spec or "`" in spec:
        return _dynamic(spec)
    mod, _sep, version = spec.partition("@")
    if _is_local(spec) or spec in (".", "all"):
        return Package(spec, mod, version, True)
    if not version:
        # go install pkg (no @version) builds inside the main module: go.mod pins it;
        # go get pkg means "the latest version".
        return Package(spec, mod, "", action == "install")
    pinned = bool(_GO_VERSION.fullmatch(version) or _HEX_COMMIT.fullmatch(version))
    return Package(spec, mod, version, pinned)


def _identify(command: Command) -> tuple[str, str, list[str]] | None:
    """(manager, family, arguments after the manager) of a package-manager command."""
    name = command.name
    args = list(command.args)
    if _PYTHON.match(name):
        if len(args) >= 2 and args[0] == "-m" and _PIP.match(args[1]):
            return "pip", "pip", args[2:]
        return None
    if name == "uv":
        return ("uv", "pip", args[1:]) if args[:1] == ["pip"] else None
    if _PIP.match(name):
        return "pip", "pip", args
    if name in _APT:
        return name, "apt", args
    if name in _RPM:
        return name, "rpm", args
    if name in ("apk", "zypper", "npm", "yarn", "pnpm", "gem", "go"):
        return name, name, args
    return None


def parse_install(command: Command) -> Install | None:
    """The install (or other package operation) a command performs, if it is one."""
    found = _identify(command)
    if found is None:
        return None
    manager, family, args = found
    options, positionals, files = _split(args, family)
    global_install = False
    if family == "yarn" and positionals[:1] == ["global"]:
        positionals, global_install = positionals[1:], True
    if not positionals:
        # Bare ``yarn`` is ``yarn install``; other managers print their help.
        action = "install" if family == "yarn" else ""
        return Install(manager, action, tuple(options), (), command, tuple(files), family,
                       global_install)  # fmt: skip
    action, specs = positionals[0], positionals[1:]
    if family == "rpm" and action in ("group", "groups") and specs[:1] == ["install"]:
        action, specs = "groupinstall", specs[1:]  # dnf group install "Development Tools"
    inst = Install(manager, action, tuple(options), (), command, tuple(files), family)
    if family in ("npm", "pnpm"):
        global_install = inst.has_option("-g", "--global", "--location=global")
    packages: list[Package] = []
    if inst.installs:
        if family in ("apt", "apk", "zypper"):
            packages = [_os_package(s, family) for s in specs]
        elif family == "rpm":
            packages = [_rpm_package(s) for s in specs]
        elif family == "pip":
            packages = [_pip_package(s) for s in specs]
        elif family in ("npm", "yarn", "pnpm"):
            packages = [_npm_package(s) for s in specs]
        elif family == "gem":
            versions = inst.option_values("-v", "--version")
            packages = [_gem_package(s, versions[-1] if versions else None) for s in specs]
        else:
            packages = [_go_package(s, action) for s in specs]
    return Install(manager, action, tuple(options), tuple(packages), command, tuple(files),
                   family, global_install, tuple(specs))  # fmt: skip


# --------------------------------------------------------------------------- package facts

# Packages that put an SSH *server* on the image, per family. Alpine's and openSUSE's
# ``openssh`` are meta packages that pull in the server; on Debian/Ubuntu the ``ssh``
# meta package does. The RPM ``openssh`` package is only the shared base (ssh-keygen).
_SSH_SERVERS: dict[str, frozenset[str]] = {
    "apt": frozenset({"openssh-server", "ssh", "dropbear", "dropbear-bin", "dropbear-run",
                      "tinysshd", "lsh-server"}),
    "apk": frozenset({"openssh", "openssh-server", "openssh-server-pam", "dropbear",
                      "dropbear-openrc", "tinyssh"}),
    "rpm": frozenset({"openssh-server", "dropbear", "tinyssh"}),
    "zypper": frozenset({"openssh", "openssh-server", "dropbear"}),
}  # fmt: skip


def is_ssh_server_package(install: Install, package: Package) -> bool:
    """Whether installing ``package`` with ``install``'s manager adds an SSH daemon."""
    return package.name.lower() in _SSH_SERVERS.get(install.family, frozenset())


# Paths whose removal (``rm -rf <path>``) in the same RUN cleans a manager's caches. A
# trailing ``/*`` is optional: removing the directory itself works as well.
CACHE_CLEANUP_PATHS: dict[str, tuple[str, ...]] = {
    "apt": ("/var/lib/apt/lists",),
    "apk": ("/var/cache/apk", "/etc/apk/cache"),
    "yum": ("/var/cache/yum",),
    "dnf": ("/var/cache/dnf", "/var/cache/libdnf5"),
    "dnf5": ("/var/cache/libdnf5", "/var/cache/dnf"),
    "microdnf": ("/var/cache/yum", "/var/cache/dnf"),
    "tdnf": ("/var/cache/tdnf",),
    "zypper": ("/var/cache/zypp",),
    "pip": ("/root/.cache/pip", "/root/.cache", "~/.cache/pip", "~/.cache",
            "$HOME/.cache/pip", "${HOME}/.cache/pip", "$HOME/.cache", "${HOME}/.cache"),
    "uv": ("/root/.cache/uv", "/root/.cache", "~/.cache/uv", "~/.cache",
           "$HOME/.cache/uv", "${HOME}/.cache/uv"),
}  # fmt: skip


def _path_covers(arg: str, roots: Iterable[str]) -> bool:
    """``rm`` of the cache directory, its contents (``dir/*``) or a parent of it (but not of
    a top-level directory such as ``/var``: nobody deletes that to clean a cache)."""
    a = arg.rstrip("/")
    if a.endswith("/*"):
        a = a[:-2].rstrip("/")
    return any(a == r or (r.startswith(a + "/") and a.count("/") >= 2) for r in roots)


def cleans_cache(command: Command, cache: str) -> bool:
    """Whether ``command`` empties ``cache`` (a key of ``CACHE_CLEANUP_PATHS``).

    ``rm -rf /var/lib/apt/lists/*`` cleans apt; ``dnf clean all``, ``zypper clean``/``cc``,
    ``pip cache purge`` and ``find <dir> -delete`` clean their own caches. ``apt-get clean``
    does *not* clean apt: it removes downloaded .debs, not the package lists; apt 2.7's
    ``apt-get dist-clean`` (Debian trixie, Ubuntu 24.04) removes the lists as well.
    """
    name = command.name
    roots = CACHE_CLEANUP_PATHS.get(cache, ())
    positionals = [w for w in command.args if not w.startswith("-")]
    if name == "rm":
        return any(_path_covers(a, roots) for a in command.args if not a.startswith("-"))
    if name == "find":
        return (
            command.args[:1] != ()
            and _path_covers(command.args[0], roots)
            and ("-delete" in command.args or "-exec" in command.args)
        )
    if cache == "uv":
        return name == "uv" and positionals[:2] in (["cache", "clean"], ["cache", "prune"])
    inst = parse_install(command)
    if inst is None:
        return False
    if cache in ("yum", "dnf", "dnf5", "microdnf", "tdnf"):
        # ``dnf clean all``: the same manager, and "all" (metadata and packages).
        return inst.manager == cache and positionals[:2] == ["clean", "all"]
    if cache == "zypper":
        return inst.manager == "zypper" and inst.action in ("clean", "cc")
    if cache == "apk":
        return inst.manager == "apk" and positionals[:2] in (["cache", "clean"], ["cache", "purge"])
    if cache == "pip":
        return inst.manager == "pip" and positionals[-2:] == ["cache", "purge"]
    if cache == "apt":
        return inst.family == "apt" and inst.action == "dist-clean"
    return False
