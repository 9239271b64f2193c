"""Package ecosystems and the dependency-update tools that cover them (GHA-027).

An *ecosystem* is named as Dependabot names it (``package-ecosystem``): ``pip``, ``uv``,
``npm``, ``gomod``, ``cargo``, ``maven``, ``gradle``, ``bundler``, ``composer``, ``nuget``,
``docker``, ``terraform``, ``github-actions``. A file's ecosystem is decided by its name
alone (``ecosystem_of``); nothing is read. Renovate names *managers* instead; a Renovate
config covers an ecosystem when one of its managers is enabled (``RENOVATE_MANAGERS``).

Decisions where the tools leave room:

* ``uv.lock`` makes its directory a ``uv`` project: Dependabot's ``pip`` updater does not
  update a uv lockfile, so only ``package-ecosystem: "uv"`` covers it, and the directory's
  ``pyproject.toml`` belongs to uv then, not to pip.
* ``Pipfile``/``poetry.lock``/``requirements*.txt``/``*.in`` are ``pip`` (Dependabot's pip
  updater handles pip, pip-compile, pipenv and poetry).
* ``yarn.lock`` and ``pnpm-lock.yaml`` are ``npm`` (Dependabot's npm updater handles them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pytest_devops_policy import discovery
from pytest_devops_policy.formats.github_actions.repository import (
    DependabotConfig,
    DependabotUpdate,
    RenovateConfig,
)

__all__ = [
    "DEPENDABOT_ECOSYSTEMS",
    "DEPENDABOT_KNOWN",
    "ECOSYSTEMS",
    "RENOVATE_MANAGERS",
    "dependabot_entries",
    "ecosystem_of",
    "renovate_covers",
    "renovate_gaps",
]

# Every ecosystem GHA-027 detects, in the order messages list them.
ECOSYSTEMS = (
    "github-actions",
    "docker",
    "terraform",
    "pip",
    "uv",
    "npm",
    "gomod",
    "cargo",
    "maven",
    "gradle",
    "bundler",
    "composer",
    "nuget",
)

_EXACT: Mapping[str, str] = {
    "setup.py": "pip",
    "setup.cfg": "pip",
    "pyproject.toml": "pip",
    "pipfile": "pip",
    "pipfile.lock": "pip",
    "poetry.lock": "pip",
    "uv.lock": "uv",
    "package.json": "npm",
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "yarn.lock": "npm",
    "pnpm-lock.yaml": "npm",
    "go.mod": "gomod",
    "cargo.toml": "cargo",
    "pom.xml": "maven",
    "build.gradle": "gradle",
    "build.gradle.kts": "gradle",
    "settings.gradle": "gradle",
    "settings.gradle.kts": "gradle",
    "gemfile": "bundler",
    "gemfile.lock": "bundler",
    "composer.json": "composer",
    "packages.config": "nuget",
    "directory.packages.props": "nuget",
}
_NUGET_SUFFIXES = (".csproj", ".fsproj", ".vbproj")

# Dependabot's ``package-ecosystem`` values for the ecosystems above (yarn and pnpm are
# "npm", pipenv and poetry "pip": other spellings make Dependabot reject the config).
DEPENDABOT_ECOSYSTEMS: Mapping[str, str] = {e: e for e in ECOSYSTEMS}
# Every value Dependabot accepts (others make it reject the whole config).
DEPENDABOT_KNOWN = frozenset(
    {*ECOSYSTEMS, "bun", "bazel", "conda", "devcontainers", "docker-compose", "dotnet-sdk",
     "elm", "gitsubmodule", "helm", "julia", "mix", "opentofu", "pre-commit", "pub",
     "rust-toolchain", "swift", "vcpkg"}
)  # fmt: skip

# Renovate managers that update each ecosystem's files.
RENOVATE_MANAGERS: Mapping[str, frozenset[str]] = {
    "github-actions": frozenset({"github-actions"}),
    "docker": frozenset({"dockerfile"}),
    "terraform": frozenset({"terraform"}),
    "pip": frozenset(
        {"pip_requirements", "pip_setup", "setup-cfg", "pep621", "poetry", "pipenv", "pip-compile"}
    ),
    "uv": frozenset({"pep621"}),
    "npm": frozenset({"npm"}),
    "gomod": frozenset({"gomod"}),
    "cargo": frozenset({"cargo"}),
    "maven": frozenset({"maven", "maven-wrapper"}),
    "gradle": frozenset({"gradle", "gradle-wrapper"}),
    "bundler": frozenset({"bundler"}),
    "composer": frozenset({"composer"}),
    "nuget": frozenset({"nuget"}),
}


def ecosystem_of(name: str) -> str | None:
    """The ecosystem a file belongs to by its name (``None``: none). Workflows and
    composite actions (``github-actions``) are recognised by their place, not here."""
    low = name.lower()
    hit = _EXACT.get(low)
    if hit is not None:
        return hit
    # Cheap tests first: this runs for every file of the repository.
    if low.endswith(".tf"):
        return "terraform"
    if low.startswith("requirements") and low.endswith((".txt", ".in")):
        return "pip"
    if low.endswith(_NUGET_SUFFIXES):
        return "nuget"
    if ("dockerfile" in low or "containerfile" in low) and discovery.is_dockerfile_name(name):
        return "docker"
    return None


def dependabot_entries(config: DependabotConfig, ecosystem: str) -> list[DependabotUpdate]:
    """The ``updates`` entries of an ecosystem (Dependabot's aliases resolved)."""
    return [u for u in config.updates if DEPENDABOT_ECOSYSTEMS.get(u.ecosystem) == ecosystem]


def renovate_covers(config: RenovateConfig, ecosystem: str) -> bool:
    """Whether Renovate updates the ecosystem: one of its managers is enabled."""
    return any(config.enables(m) for m in RENOVATE_MANAGERS.get(ecosystem, ()))


def renovate_gaps(config: RenovateConfig, ecosystems: Sequence[str]) -> list[str]:
    """Why a Renovate config does not update these ecosystems (for messages), one reason
    per cause: turned off, ``enabledManagers`` leaving managers out, managers disabled."""
    if not ecosystems:
        return []
    if not config.enabled:
        return [f"{config.path} turns Renovate off (enabled: false)"]
    out: list[str] = []
    left_out: list[str] = []
    off: set[str] = set()
    for eco in ecosystems:
        managers = RENOVATE_MANAGERS.get(eco, frozenset())
        if config.managers is not None and not managers & config.managers:
            left_out.append(f"{eco} ({', '.join(sorted(managers))})")
        else:
            off |= managers & config.disabled
    if left_out:
        out.append(
            f"the enabledManagers of {config.path} ({', '.join(sorted(config.managers or ()))}) "
            f"leave out the managers of {'; '.join(left_out)}"
        )
    if off:
        out.append(
            f"{config.path} disables the {', '.join(sorted(off))} manager"
            + ("s" if len(off) > 1 else "")
        )
    return out
