"""Reads the Terraform facts of ``indexes.xref_terraform`` from module directories.

Values through the module index (``indexes.terraform.index_of``: variables, tfvars, locals;
§5.2-2); one fact per instance of a literal ``for_each``/``count`` (``TfModule.views``).
Imported only when a run's Terraform file names one of the resource types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.terraform.model import Block, Expr, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule, index_of
from pytest_devops_policy.knowledge.xref.tf_facts import (
    DeploymentPolicy,
    EcrRepository,
    ExclusionFilter,
    Fact,
    GarRepository,
    GithubEnvironment,
    GithubRepository,
    Opaque,
    TfFacts,
    Where,
)

__all__ = ["read_facts"]

_REPO_ATTRS = ("name", "id", "full_name", "node_id", "repo_id")


def read_facts(cache: ParseCache, dirs: Sequence[str], files: tuple[str, ...]) -> TfFacts:
    """The facts of the resources in the module directories ``dirs``."""
    ecr: list[EcrRepository] = []
    gar: list[GarRepository] = []
    repos: list[GithubRepository] = []
    envs: list[GithubEnvironment] = []
    policies: list[DeploymentPolicy] = []
    for directory in dirs:
        module = index_of(directory, cache)
        reader = _Reader(module)
        for res, where in reader.instances("aws_ecr_repository"):
            ecr.append(reader.ecr(res, where))
        for res, where in reader.instances("google_artifact_registry_repository"):
            gar.append(reader.gar(res, where))
        for res, where in reader.instances("github_repository"):
            repos.append(GithubRepository(where, reader.fact(res.get("name"))))
        for res, where in reader.instances("github_repository_environment"):
            envs.append(reader.environment(res, where))
        for res, where in reader.instances("github_repository_environment_deployment_policy"):
            policies.append(
                DeploymentPolicy(
                    where,
                    reader.repository(res.get("repository")),
                    reader.env_name(res.get("environment")),
                    reader.fact(res.get("branch_pattern")),
                    reader.fact(res.get("tag_pattern")),
                )
            )
    return TfFacts(tuple(ecr), tuple(gar), tuple(repos), tuple(envs), tuple(policies), files)


def _scalar(value: Value) -> Fact:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return Opaque(hcl(value))


class _Reader:
    """Reads the facts of one module's resources (values through the module's evaluator)."""

    def __init__(self, module: TfModule) -> None:
        self.module = module

    def instances(self, rtype: str) -> Iterable[tuple[TfResource, Where]]:
        for res in self.module.by_type(rtype):
            if res.disabled:
                continue
            views = self.module.views(res)
            keys = self._keys(res, len(views))
            for view, key in zip(views, keys, strict=False):
                address = res.address + (f"[{key}]" if key is not None else "")
                yield view, Where(res.source.relpath, res.line, address)

    def _keys(self, res: TfResource, n: int) -> list[str | None]:
        if n <= 1 and not (res.has("for_each") or res.has("count")):
            return [None]
        for_each = self.module.resolve(res.get("for_each")) if res.has("for_each") else None
        keys: list[str | None] = []
        if isinstance(for_each, dict):
            keys += [f'"{k}"' for k in for_each]
        elif isinstance(for_each, list):
            keys += [hcl(v) for v in for_each]
        if keys:
            return keys[:n]
        return [str(i) for i in range(n)] if n > 1 else [None]

    def fact(self, value: Value) -> Fact:
        return _scalar(self.module.resolve(value))

    def upper(self, value: Value, default: str | None) -> Fact:
        found = self.fact(value)
        if found is None:
            return default
        return found.upper() if isinstance(found, str) else found

    def _ref(self, value: Value) -> tuple[str | int, ...] | None:
        resolved = self.module.resolve(value)
        if isinstance(resolved, Expr) and resolved.kind == "ref":
            return resolved.ref
        return None

    def repository(self, value: Value) -> Fact:
        """A repository name; ``github_repository.x.name`` (or its id) followed."""
        ref = self._ref(value)
        if ref is not None and len(ref) >= 3 and ref[0] == "github_repository":
            target = self.module.resource(f"github_repository.{ref[1]}")
            if target is not None and ref[-1] in _REPO_ATTRS and not target.has("for_each"):
                return self.fact(target.get("name"))
        return self.fact(value)

    def env_name(self, value: Value) -> Fact:
        """An environment name; ``github_repository_environment.x.environment`` followed."""
        ref = self._ref(value)
        if ref is not None and len(ref) == 3 and ref[0] == "github_repository_environment":
            target = self.module.resource(f"github_repository_environment.{ref[1]}")
            if target is not None and ref[2] == "environment" and not target.has("for_each"):
                return self.fact(target.get("environment"))
        return self.fact(value)

    def _count(self, value: Value) -> int | Opaque:
        resolved = self.module.resolve(value)
        if value is None:
            return 0
        if isinstance(resolved, list) and is_literal(resolved):
            return len(resolved)
        return Opaque(hcl(resolved))

    def ecr(self, res: TfResource, where: Where) -> EcrRepository:
        filters = tuple(
            ExclusionFilter(self.fact(b.get("filter")), self.upper(b.get("filter_type"), None))
            for b in self.module.blocks(res, "image_tag_mutability_exclusion_filter")
        )
        return EcrRepository(
            where,
            self.fact(res.get("name")),
            self.upper(res.get("image_tag_mutability"), "MUTABLE"),
            filters,
        )

    def gar(self, res: TfResource, where: Where) -> GarRepository:
        docker = self.module.first(res, "docker_config")
        immutable = self.fact(docker.get("immutable_tags")) if docker is not None else None
        return GarRepository(
            where,
            self.fact(res.get("repository_id")),
            self.fact(res.get("location")),
            self.fact(res.get("project")),
            self.upper(res.get("format"), None),
            immutable,
        )

    def environment(self, res: TfResource, where: Where) -> GithubEnvironment:
        reviewers: list[tuple[int | Opaque, int | Opaque]] = []
        blocks: list[Block] = self.module.blocks(res, "reviewers")
        dynamic = any(b.dynamic for b in blocks)
        for block in blocks:
            reviewers.append((self._count(block.get("users")), self._count(block.get("teams"))))
        policy = self.module.first(res, "deployment_branch_policy")
        dynamic = dynamic or (policy is not None and policy.dynamic)
        branch = (
            (
                self.fact(policy.get("protected_branches")),
                self.fact(policy.get("custom_branch_policies")),
            )
            if policy is not None
            else None
        )
        return GithubEnvironment(
            where,
            self.repository(res.get("repository")),
            self.fact(res.get("environment")),
            tuple(reviewers),
            blocks[0].line if blocks else None,
            self.fact(res.get("wait_timer")),
            self.fact(res.get("prevent_self_review")),
            branch,
            policy.line if policy is not None else None,
            dynamic,
        )
