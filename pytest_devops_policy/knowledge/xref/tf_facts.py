"""Terraform facts the cross-artifact policies read (catalog §9.2-1 "Terraform"): the model.

``indexes.xref_terraform`` reads them from the run's files; ``registry_tags`` (XREF-007)
and ``environments`` (XREF-004) judge them. A value Terraform decides only at plan time is
an ``Opaque`` (its HCL text), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DeploymentPolicy",
    "EcrRepository",
    "ExclusionFilter",
    "Fact",
    "GarRepository",
    "GithubEnvironment",
    "GithubRepository",
    "Opaque",
    "Scalar",
    "TfFacts",
    "Where",
]


@dataclass(frozen=True)
class Opaque:
    """A value Terraform decides at plan time (an unresolved expression), as written."""

    text: str

    def __str__(self) -> str:
        return self.text


Scalar = str | int | float | bool | None
Fact = Scalar | Opaque


@dataclass(frozen=True)
class Where:
    """A resource instance: ``file:line`` and its address (``[key]`` for an instance)."""

    relpath: str
    line: int
    address: str

    def __str__(self) -> str:
        return f"{self.relpath}:{self.line}"


@dataclass(frozen=True)
class ExclusionFilter:
    filter: Fact
    filter_type: Fact


@dataclass(frozen=True)
class EcrRepository:
    where: Where
    name: Fact
    mutability: Fact  # upper case; "MUTABLE" when unset
    exclusions: tuple[ExclusionFilter, ...]


@dataclass(frozen=True)
class GarRepository:
    where: Where
    repository_id: Fact
    location: Fact
    project: Fact  # None: the provider's project (not compared)
    format: Fact  # upper case
    immutable_tags: Fact  # None: unset (false)


@dataclass(frozen=True)
class GithubRepository:
    where: Where
    name: Fact


@dataclass(frozen=True)
class GithubEnvironment:
    """``reviewers``: (users, teams) per block, each a count of literal entries, or Opaque
    when the list is an expression. ``branch_policy``: None when there is no
    ``deployment_branch_policy`` block, else (protected_branches, custom_branch_policies)."""

    where: Where
    repository: Fact  # the repository's name (a github_repository reference followed)
    environment: Fact
    reviewers: tuple[tuple[int | Opaque, int | Opaque], ...]
    reviewers_line: int | None
    wait_timer: Fact
    prevent_self_review: Fact
    branch_policy: tuple[Fact, Fact] | None
    branch_policy_line: int | None
    dynamic_blocks: bool = False  # a dynamic reviewers/branch policy block: unread


@dataclass(frozen=True)
class DeploymentPolicy:
    where: Where
    repository: Fact
    environment: Fact
    branch_pattern: Fact
    tag_pattern: Fact


@dataclass(frozen=True)
class TfFacts:
    ecr: tuple[EcrRepository, ...] = ()
    gar: tuple[GarRepository, ...] = ()
    repositories: tuple[GithubRepository, ...] = ()
    environments: tuple[GithubEnvironment, ...] = ()
    deployment_policies: tuple[DeploymentPolicy, ...] = ()
    files: tuple[str, ...] = ()  # the .tf files read (relpaths)
