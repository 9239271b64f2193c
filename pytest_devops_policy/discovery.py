"""Which files are infrastructure files, and of which kind. Names only: no file is read here.

Kubernetes candidates (``*.yaml``, ``*.yml``, ``*.json``) are confirmed later by
content sniffing in the Kubernetes format, because any YAML may be app config.
"""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from pathlib import Path

DOCKERFILE = "dockerfile"
KUBERNETES = "kubernetes"
GITHUB_ACTIONS = "github-actions"
TERRAFORM = "terraform"
HELM_TEMPLATE = "helm-template"

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
)
_DOCKER_EXCLUDE = ("*.dockerignore", "*.md", "*.j2", "*.tmpl", "*.tpl", "*.txt")


def is_dockerfile_name(name: str) -> bool:
    low = name.lower()
    if any(fnmatch.fnmatchcase(low, pat) for pat in _DOCKER_EXCLUDE):
        return False
    return (
        low in ("dockerfile", "containerfile")
        or low.startswith(("dockerfile.", "containerfile."))
        or low.endswith(".dockerfile")
    )


def is_workflow_path(path: Path) -> bool:
    return (
        path.suffix in (".yml", ".yaml")
        and path.parent.name == "workflows"
        and path.parent.parent.name == ".github"
    )


@lru_cache(maxsize=4096)
def _chart_root(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "Chart.yaml"))


def in_helm_templates(path: Path) -> bool:
    """True for files under ``<chart>/templates/`` of a directory holding ``Chart.yaml``."""
    parts = path.parts
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == "templates" and _chart_root(str(Path(*parts[:i]))):
            return True
    return False


def classify(path: Path) -> str | None:
    """The kind of an infrastructure file by its path, or ``None``."""
    name = path.name
    if is_dockerfile_name(name):
        return DOCKERFILE
    suffix = path.suffix.lower()
    if suffix == ".tf":
        return TERRAFORM
    if suffix not in (".yaml", ".yml", ".json"):
        return None
    if is_workflow_path(path):
        return GITHUB_ACTIONS
    if ".github" in path.parts:
        return None  # issue templates, dependabot config, ...
    if any(fnmatch.fnmatchcase(name, pat) for pat in _NOT_K8S_NAMES):
        return None
    if in_helm_templates(path):
        return HELM_TEMPLATE
    return KUBERNETES


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
