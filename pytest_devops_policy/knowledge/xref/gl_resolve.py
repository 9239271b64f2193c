"""A GitLab CI job's ``$VAR`` in a script line, read through the file's ``variables:``
unless the job may have changed it.

``resolve.resolve_gitlab`` reads the file's definitions; a script can override them
(``TAG=$(git describe)``, ``export TAG=...``, ``for TAG in ...``, ``read TAG``), and some
scripts can set anything (``. ./config.env``, ``source``, ``eval``, ``set -a``), as can the
``artifacts: reports: dotenv`` of the jobs it downloads from (dotenv variables win over the
file's). Such a variable stays a token (UNKNOWN), never the file's value.
"""

from __future__ import annotations

import re

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.xref.resolve import resolve_gitlab
from pytest_devops_policy.knowledge.xref.templated import Templated, split_template

__all__ = ["resolve_script", "shadowed"]

_ASSIGN = re.compile(
    r"(?<![\w$-])(?:(?:export|readonly|local|declare|typeset)\s+(?:-\w+\s+)*)?"
    r"([A-Za-z_][A-Za-z0-9_]*)\+?="
)
_LOOP = re.compile(r"\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b")
_READ = re.compile(r"\bread\s+(?:-\w+\s+(?:\S+\s+)?)*([A-Za-z_][A-Za-z0-9_]*)")
# A command that can set any variable, at the start of a command (not `build .`).
_ANY = re.compile(
    r"(?:^|[;&|(]|\bthen|\bdo|\belse)\s*(?:\.|source|eval)\s+\S|\bset\s+-\w*a|export\s+\$\(",
    re.M,
)
_NAME = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _dotenv(job: GitLabJob) -> bool:
    from pytest_devops_policy.knowledge.xref.gl_builds import artifact_sources

    sources, _ = artifact_sources(job)
    for other in sources:
        artifacts = other.raw.get("artifacts")
        reports = artifacts.get("reports") if isinstance(artifacts, dict) else None
        if isinstance(reports, dict) and "dotenv" in reports:
            return True
    return False


def shadowed(job: GitLabJob) -> set[str] | None:
    """The variables the job's scripts (may) set; None: any variable may be set."""
    names: set[str] = set()
    for _, _, line in job.scripts():
        if _ANY.search(line):
            return None
        for pattern in (_ASSIGN, _LOOP, _READ):
            names.update(pattern.findall(line))
    return None if _dotenv(job) else names


def resolve_script(text: str, job: GitLabJob) -> list[Templated]:
    """The values a script word takes (``resolve_gitlab``), or the word as written when
    it reads a variable the job may have set itself."""
    names = set(_NAME.findall(text))
    shadow = shadowed(job) if names else set()
    if shadow is None and any(not n.startswith(("CI_", "GITLAB_")) for n in names):
        return [split_template(text, dollar_escape=False)]
    if shadow and names & shadow:
        return [split_template(text, dollar_escape=False)]
    return list(resolve_gitlab(text, job, script=True).values)
