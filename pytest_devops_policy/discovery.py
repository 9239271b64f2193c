"""Which files are infrastructure files, by name (and, for one kind, a bounded peek).

The kinds registry (``kinds``) uses these predicates to recognise each kind's files.
Kubernetes candidates (``*.yaml``, ``*.yml``, ``*.json``) are confirmed later by
content sniffing in the Kubernetes format, because any YAML may be app config.
The one exception to "by name only" is a Terraform plan in JSON (``terraform show -json``):
any ``*.json`` may be one, so ``is_terraform_plan_path`` reads at most the first
``PLAN_PEEK`` bytes of a ``.json`` file (once per file and run) to tell.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

# Directories never worth descending into for infrastructure files.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".terraform",
        "vendor",
        "__pycache__",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)

# The plugin's own data directory: the registry-module stand-ins there
# (``data/terraform_modules``) are Terraform written to judge module calls, never
# infrastructure of the project being checked, whether the package is installed under the
# scanned tree or the scanned tree is this repository.
PACKAGE_DATA = os.path.join(os.path.dirname(os.path.realpath(__file__)), "data")


def is_package_data(path: PurePath) -> bool:
    """A path inside the plugin's own ``data`` directory (skipped by discovery)."""
    real = os.path.realpath(path)
    return real == PACKAGE_DATA or real.startswith(PACKAGE_DATA + os.sep)


# YAML/JSON that is never a Kubernetes manifest, whatever it contains.
_NOT_K8S_NAMES = (
    "docker-compose*.y*ml",
    "compose*.y*ml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    "mkdocs.y*ml",
    "package.json",
    "package-lock.json",
    "tsconfig*.json",
    "*.schema.json",
    ".gitlab-ci.yml",
    "*.gitlab-ci.yml",
    "Chart.yaml",
    "Chart.lock",
    "values*.y*ml",
    "kustomization.y*ml",
    "Kustomization",
    "dependabot.y*ml",
    "renovate.json*",
    "action.y*ml",
    ".yamllint*",
    "codecov.y*ml",
    "*.tfstate*",
    "*.tfvars.json",
)
_DOCKER_EXCLUDE = ("*.dockerignore", "*~")
# What a name ending in ``.<ext>`` is instead of a Dockerfile: source code
# (``cmd/cosign/cli/dockerfile.go``), templates (``Dockerfile.j2``, rendered before a build),
# documentation and data, patches and backups. A Dockerfile's own suffix names a variant
# (``Dockerfile.prod``, ``Dockerfile.ubuntu-22.04``), which no list could enumerate, so the
# rule is this denylist: ``Dockerfile.<ext>`` is a Dockerfile unless its last extension is
# a known file type. (``Dockerfile.go`` is a Go file by that rule: call a Go variant
# ``go.Dockerfile`` or ``Dockerfile.golang``.)
_NOT_DOCKERFILE_EXTENSIONS = frozenset(
    # source code and scripts
    {"go", "py", "pyi", "pyc", "rb", "js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx",
     "java", "kt", "kts", "scala", "groovy", "gradle", "rs", "c", "h", "cc", "cpp", "cxx",
     "hpp", "cs", "fs", "vb", "php", "pl", "pm", "lua", "swift", "dart", "ex", "exs", "erl",
     "hs", "clj", "ml", "nim", "zig", "r", "jl", "sh", "bash", "zsh", "fish", "ps1", "psm1",
     "bat", "cmd", "mk", "cmake", "nix", "tf", "hcl",
     # templates (rendered into a Dockerfile before a build)
     "template", "tmpl", "tpl", "j2", "jinja", "jinja2", "mustache", "hbs", "erb", "ejs",
     "liquid", "gotmpl", "in",
     # documentation and data
     "md", "markdown", "rst", "adoc", "txt", "html", "htm", "xml", "json", "jsonc", "yaml",
     "yml", "toml", "ini", "cfg", "conf", "csv", "lock", "log", "pdf", "png", "jpg", "jpeg",
     "gif", "svg", "ico", "zip", "gz", "tgz", "tar", "xz", "bz2", "zst",
     # patches, backups and editor files
     "patch", "diff", "orig", "rej", "bak", "backup", "old", "save", "swp", "swo", "tmp",
     "dockerignore",
     # test snapshots (aquasecurity/trivy has integration/testdata/dockerfile.json.golden)
     "golden", "snap", "snapshot"}
)  # fmt: skip


def is_dockerfile_name(name: str) -> bool:
    """``Dockerfile``, ``Containerfile``, ``Dockerfile.<variant>``, ``Containerfile.<variant>``,
    ``<variant>.Dockerfile`` (any case), unless the name ends in a known non-Dockerfile
    extension (``dockerfile.go``, ``Dockerfile.j2``, ``Dockerfile.prod.bak``)."""
    low = name.lower()
    if any(fnmatch.fnmatchcase(low, pat) for pat in _DOCKER_EXCLUDE):
        return False
    if low in ("dockerfile", "containerfile") or low.endswith(".dockerfile"):
        return True
    if not low.startswith(("dockerfile.", "containerfile.")):
        return False
    return low.rsplit(".", 1)[1] not in _NOT_DOCKERFILE_EXTENSIONS


def is_secrets_candidate(path: PurePath) -> bool:
    """A file the default ``secrets.include`` names (``.env``, ``*.pem``, config files):
    read for secrets only. The run's own ``secrets.include`` adds files (``Kind.claims``)
    and the format drops those it no longer names."""
    from pytest_devops_policy.formats.secrets import LOCKFILES, included
    from pytest_devops_policy.options.secrets import DEFAULT_INCLUDE

    if path.name.lower() in LOCKFILES:
        return False  # integrity hashes, not credentials
    return included(str(path), DEFAULT_INCLUDE)


def secrets_dot_dirs(globs: Iterable[str]) -> frozenset[str]:
    """The hidden directories ``secrets.include`` names literally (``**/.docker/config.json``
    -> ``.docker``): pytest's default ``norecursedirs`` (``.*``) would hide them."""
    names = set()
    for glob in globs:
        for part in glob.replace("\\", "/").split("/")[:-1]:
            if part.startswith(".") and part not in (".", "..") and not set("*?[") & set(part):
                names.add(part)
    return frozenset(names - SKIP_DIRS)


def is_dockerfile_path(path: PurePath) -> bool:
    return is_dockerfile_name(path.name)


def is_terraform_path(path: PurePath) -> bool:
    """``*.tf`` and ``*.tf.json`` (Terraform's JSON syntax), and plan JSON recognised by
    content; variable files are read with their module, not collected."""
    suffix = path.suffix.lower()
    if suffix == ".tf" or (suffix == ".json" and path.name.lower().endswith(".tf.json")):
        return True
    return is_terraform_plan_path(path)


# --------------------------------------------------------------------------- plan JSON

PLAN_PEEK = 8 * 1024
"""Bytes of a ``.json`` file read to tell a Terraform plan (more only when they cannot
decide: a plan whose ``variables`` fill them, up to ``PLAN_PEEK_MAX``)."""
PLAN_PEEK_MAX = 64 * 1024
# Top-level members of ``terraform show -json`` output for a plan. ``format_version`` and
# ``terraform_version`` come first in Terraform's own order; ``jq -S`` sorts them after
# ``applyable``/``complete``/``configuration``.
_PLAN_KEYS = re.compile(
    r'"(format_version|terraform_version|planned_values|resource_changes|resource_drift|'
    r"output_changes|prior_state|configuration|applyable|complete|errored|root_module|"
    r'provider_config|values)"\s*:'
)
_PLAN_ONLY = frozenset({"planned_values", "resource_changes", "resource_drift", "output_changes"})
_PLAN_SORTED = frozenset({"applyable", "complete", "errored"})
_peeked: dict[tuple[str, int, int], bool] = {}


def looks_like_plan(head: str) -> bool | None:
    """Whether the start of a JSON text is a Terraform plan (``terraform show -json``):
    True, False, or None when this much text cannot tell (only ``format_version``,
    ``terraform_version`` and ``variables`` seen so far)."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    keys = {m.group(1) for m in _PLAN_KEYS.finditer(text)}
    versioned = "format_version" in keys or "terraform_version" in keys
    if keys & _PLAN_ONLY and (versioned or keys & _PLAN_SORTED):
        return True
    if (
        keys & _PLAN_SORTED
        and "configuration" in keys
        and keys & {"root_module", "provider_config"}
    ):
        return True  # jq -S: applyable, checks, complete, configuration, ... format_version
    if versioned and "values" not in keys and "prior_state" not in keys:
        return None  # a state file has "values" where a plan has "planned_values"
    return False


def is_plan_text(text: str) -> bool:
    """``looks_like_plan`` on a whole text, deciding as the bounded peek at discovery does."""
    verdict = looks_like_plan(text[:PLAN_PEEK])
    if verdict is None:
        verdict = looks_like_plan(text[:PLAN_PEEK_MAX])
    return verdict is True


def is_terraform_plan_path(path: PurePath) -> bool:
    """A ``*.json`` file (not ``*.tf.json`` configuration, not under ``.terraform/``) whose
    first bytes show a plan. A bounded read, remembered per (path, mtime, size)."""
    name = path.name.lower()
    if not name.endswith(".json") or name.endswith(".tf.json") or ".terraform" in path.parts:
        return False
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    if not stat.S_ISREG(st.st_mode):
        return False  # a FIFO would block the read
    key = (str(path), st.st_mtime_ns, st.st_size)
    hit = _peeked.get(key)
    if hit is None:
        if len(_peeked) > 65536:
            _peeked.clear()
        hit = _peeked[key] = _peek_plan(str(path))
    return hit


def _peek_plan(path: str) -> bool:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return False
    try:
        data = os.read(fd, PLAN_PEEK)
        while True:
            verdict = looks_like_plan(data.decode("utf-8", errors="replace"))
            if verdict is not None:
                return verdict
            if len(data) >= PLAN_PEEK_MAX:
                return False
            more = os.read(fd, PLAN_PEEK_MAX - len(data))
            if not more:
                return False
            data += more
    except OSError:
        return False
    finally:
        os.close(fd)


def _yaml_or_json(path: PurePath) -> bool:
    return path.suffix.lower() in (".yaml", ".yml", ".json")


def is_workflow_path(path: PurePath) -> bool:
    return (
        path.suffix in (".yml", ".yaml")
        and path.parent.name == "workflows"
        and path.parent.parent.name == ".github"
    )


# What GitHub reads as an action's metadata in a directory (case-sensitive, like the runner).
ACTION_FILE_NAMES = ("action.yml", "action.yaml")


def is_action_path(path: PurePath) -> bool:
    """``action.yml``/``action.yaml`` anywhere: confirmed by content (a ``runs`` mapping with
    ``using``) in the GitHub Actions format; other files of that name are dropped quietly."""
    return path.name in ACTION_FILE_NAMES


def is_github_actions_path(path: PurePath) -> bool:
    """A workflow (``.github/workflows/*.yml``) or an action's ``action.yml``."""
    return is_workflow_path(path) or is_action_path(path)


GITLAB_CI_SUFFIX = ".gitlab-ci.yml"


def is_gitlab_ci_path(path: PurePath) -> bool:
    """``.gitlab-ci.yml`` and ``*.gitlab-ci.yml`` anywhere (catalog §4.1). Files reached by
    a local ``include:`` and ``gl.ci_config_path`` are claimed from the options."""
    return path.name.endswith(GITLAB_CI_SUFFIX)


def _glob_parts(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Segment-wise glob: ``*``/``?``/``[..]`` within one segment, ``**`` any number of them."""
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_glob_parts(rest, parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _glob_parts(rest, parts[1:])


def workflow_dir_parts(pattern: str) -> tuple[str, ...]:
    """A ``gha.workflow_dirs`` pattern as path segments (``./ci/`` -> ``("ci",)``)."""
    return tuple(p for p in pattern.replace("\\", "/").split("/") if p not in ("", "."))


def in_workflow_dirs(rootdir: str, patterns: tuple[str, ...]) -> Callable[[PurePath], bool]:
    """Whether a YAML file lies directly in a directory that matches one of ``patterns``
    (globs relative to ``rootdir``): ``gha.workflow_dirs``, the opt-in sniffing of workflows
    outside ``.github/workflows`` (catalog §3.1). The content decides later (``jobs`` and
    ``on``); a YAML file there that is no workflow is dropped quietly."""
    compiled = [workflow_dir_parts(p) for p in patterns]
    root = os.path.abspath(rootdir)

    def matches(path: PurePath) -> bool:
        if path.suffix not in (".yml", ".yaml"):
            return False
        try:
            rel = os.path.relpath(os.path.abspath(str(path.parent)), root)
        except ValueError:  # another drive on Windows
            return False
        parts = tuple(PurePath(rel).parts) if rel != "." else ()
        if parts[:1] == ("..",):
            return False
        return any(_glob_parts(p, parts) for p in compiled)

    return matches


def is_manifest_candidate(path: PurePath) -> bool:
    """YAML or JSON that may hold Kubernetes objects (confirmed later by content).

    Helm chart templates are candidates too: ``HelmCharts`` tells them apart.
    """
    if not _yaml_or_json(path) or ".github" in path.parts:
        return False  # .github: issue templates, dependabot config, ...
    return not any(fnmatch.fnmatchcase(path.name, pat) for pat in _NOT_K8S_NAMES)


class HelmCharts:
    """Which files are Helm chart templates: under ``<chart>/templates/`` of a directory that
    holds ``Chart.yaml``. One per run: it remembers which directories are chart roots."""

    def __init__(self) -> None:
        self._roots: dict[str, bool] = {}

    def _chart_root(self, directory: str) -> bool:
        hit = self._roots.get(directory)
        if hit is None:
            hit = self._roots[directory] = os.path.isfile(os.path.join(directory, "Chart.yaml"))
        return hit

    def is_template(self, path: PurePath) -> bool:
        parts = path.parts
        for i in range(len(parts) - 1, 0, -1):
            if parts[i] == "templates" and self._chart_root(str(PurePath(*parts[:i]))):
                return True
        return False


def symlink_loop(path: Path) -> bool:
    """A symlinked directory that points at itself or one of its ancestors."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
        parent = path.parent.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling or an ELOOP chain
        return True
    return target == parent or target in parent.parents


@dataclass(frozen=True)
class Excludes:
    """The run's ``--ignore`` paths (absolute, resolved) and ``--ignore-glob`` patterns
    (absolute), which tree walks (the repository's facts, TF-022's trail search) leave out
    as collection does."""

    paths: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()

    def excluded(self, path: str) -> bool:
        if self.paths and os.path.realpath(path) in self.paths:
            return True
        return any(fnmatch.fnmatch(path, g) for g in self.globs)


def run_excludes(ignore: Iterable[str] | None, ignore_glob: Iterable[str] | None) -> Excludes:
    """``Excludes`` from pytest's ``--ignore`` and ``--ignore-glob`` option values."""
    paths = tuple(os.path.realpath(p) for p in ignore or ())
    globs = tuple(str(Path(g).absolute()) for g in ignore_glob or ())
    return Excludes(paths, globs)
