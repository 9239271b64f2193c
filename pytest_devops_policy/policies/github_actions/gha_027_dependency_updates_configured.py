"""GHA-027: Dependabot or Renovate updates every package ecosystem the repository uses."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.repository import Repository, runs_on_github
from pytest_devops_policy.knowledge.ci.ecosystems import (
    DEPENDABOT_KNOWN,
    ECOSYSTEMS,
    dependabot_entries,
    renovate_covers,
    renovate_gaps,
)


def _dirs(dirs: tuple[str, ...], limit: int = 4) -> str:
    shown = ", ".join("/" if d == "." else d for d in dirs[:limit])
    return shown + (f" (+{len(dirs) - limit} more)" if len(dirs) > limit else "")


def _found(repository: Repository) -> list[str]:
    return [e for e in ECOSYSTEMS if e in repository.ecosystems]


@policy(
    id="GHA-027",
    name="dependency-updates-configured",
    title="Dependabot or Renovate updates every ecosystem the repository uses",
    severity=Severity.LOW,
    rationale=(
        "Pinned actions, base images and lockfiles are only safe while something keeps "
        "bumping them: without automated update PRs, pins turn into known-vulnerable "
        "versions that nobody notices."
    ),
    remediation=(
        "Add a .github/dependabot.yml with an updates entry (package-ecosystem, directory, "
        "schedule) for every ecosystem listed, or a Renovate config (renovate.json) whose "
        "enabledManagers, if set, include them."
    ),
    controls=("NIST-800-53-SI-2", "NIST-800-53-RA-5", "OpenSSF-Scorecard-Dependency-Update-Tool"),
    references=(
        "scorecard:Dependency-Update-Tool",
        "zizmor:dependabot-cooldown",
        "https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference",
        "https://docs.renovatebot.com/configuration-options/#enabledmanagers",
    ),
    applies=runs_on_github,
    example=(
        "# .github/workflows/ci.yml\n"
        "on: pull_request\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: make test\n"
    ),
    use_instead=(
        "# .github/workflows/ci.yml\n"
        "on: pull_request\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: make test\n"
        "---\n"
        "# .github/dependabot.yml\n"
        "version: 2\n"
        "updates:\n"
        "  - package-ecosystem: github-actions\n"
        "    directory: /\n"
        "    schedule:\n"
        "      interval: weekly\n"
    ),
)
def dependency_updates_configured(
    repository: Repository, context: Context
) -> Iterator[Violation | Unknown]:
    found = _found(repository)
    if not found:
        return  # nothing to keep updated
    present = ", ".join(f"{e} ({_dirs(repository.ecosystems[e])})" for e in found)
    dependabot, renovate = repository.dependabot, repository.renovate
    if dependabot is None and renovate is None:
        yield Violation(
            f"no Dependabot (.github/dependabot.yml) or Renovate config (renovate.json...) in "
            f"{repository.display}, so nothing proposes updates for: {present}"
        )
        return
    uncovered: list[str] = []
    partial: list[str] = []
    not_renovated: list[str] = []  # ecosystems none of whose managers Renovate runs
    ignored: list[str] = []  # directories Renovate's ignorePaths/includePaths leave out
    readable = renovate is not None and renovate.error is None
    for eco in found:
        dirs = repository.ecosystems[eco]
        if renovate is not None and readable:
            if renovate_covers(renovate, eco):
                # Renovate finds its managers' files in every directory it reads.
                dirs = tuple(d for d in dirs if not renovate.reads_dir(d))
                if not dirs:
                    continue
                ignored.append(f"{eco} in {_dirs(dirs)}")
            else:
                not_renovated.append(eco)
        entries = dependabot_entries(dependabot, eco) if dependabot is not None else []
        if not entries:
            uncovered.append(f"{eco} ({_dirs(dirs)})")
            continue
        missed = tuple(d for d in dirs if not any(u.covers_dir(d) for u in entries))
        if missed:
            listed = sorted({"/" + d for u in entries for d in u.directories}) or ["none"]
            partial.append(f"{eco} in {_dirs(missed)} (its entries cover {', '.join(listed)})")
    if not uncovered and not partial:
        return
    if renovate is not None and renovate.error is not None:
        yield Unknown(f"{renovate.error}; it may cover {', '.join(uncovered or partial)}")
        return
    configs = " and ".join(c.path for c in (dependabot, renovate) if c is not None)
    parts = []
    if uncovered:
        parts.append(f"nothing updates {', '.join(uncovered)}")
    if partial:
        parts.append("no Dependabot entry for the directories of " + "; ".join(partial))
    why: list[str] = renovate_gaps(renovate, not_renovated) if renovate is not None else []
    if ignored and renovate is not None:
        why.append(
            f"the ignorePaths/includePaths of {renovate.path} leave out {'; '.join(ignored)}"
        )
    if dependabot is not None:
        if dependabot.error is not None:
            why.append(dependabot.error)
        unknown = sorted({u.ecosystem for u in dependabot.updates} - DEPENDABOT_KNOWN)
        if unknown:
            why.append(
                f"{dependabot.path} names package-ecosystem {', '.join(repr(u) for u in unknown)}, "
                "which Dependabot does not know (yarn and pnpm are 'npm'; pipenv and poetry "
                "are 'pip'), so it rejects the file"
            )
        if any(u.startswith("uv ") for u in uncovered) and dependabot_entries(dependabot, "pip"):
            why.append("a uv.lock needs package-ecosystem 'uv': the pip updater does not update it")
    message = f"{configs}: " + "; ".join(parts)
    if why:
        message += " (" + "; ".join(why) + ")"
    if repository.truncated:
        message += " (the repository was only partly walked: it has too many files)"
    yield Violation(message)
