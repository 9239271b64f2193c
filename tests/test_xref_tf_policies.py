"""XREF-004/007 logic: Terraform facts, pushed-tag classes, environment verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.indexes.xref_terraform import xref_terraform
from pytest_devops_policy.knowledge.xref.environments import (
    ManagedEnvironments,
    edit_distance,
    judge_environment,
    near_miss,
    repository_environments,
)
from pytest_devops_policy.knowledge.xref.refs import parse_ref
from pytest_devops_policy.knowledge.xref.registry_tags import (
    RunShape,
    classify_tag,
    immutable_for,
    registries_of,
)
from pytest_devops_policy.knowledge.xref.templated import split_template
from pytest_devops_policy.knowledge.xref.tf_facts import (
    EcrRepository,
    ExclusionFilter,
    GarRepository,
    GithubEnvironment,
    Opaque,
    TfFacts,
    Where,
)

UNIQUE = ("github.sha", "github.run_id", "CI_COMMIT_SHA", "GITHUB_RUN_ID")
BRANCH = RunShape(branch_runs=True, tag_only=False)
TAGS = RunShape(branch_runs=False, tag_only=True, tag_pushes=True)
W = Where("infra/main.tf", 1, "x.y")


@pytest.mark.parametrize(
    ("tag", "shape", "verdict"),
    [
        (None, BRANCH, "invariant"),
        ("latest", BRANCH, "invariant"),
        ("v1", TAGS, "invariant"),
        ("${{ github.sha }}", BRANCH, "unique"),
        ("build-$GITHUB_SHA", BRANCH, "unique"),
        ("${GITHUB_RUN_ID}", BRANCH, "unique"),
        ("${CI_COMMIT_SHA:0:8}", BRANCH, "unique"),
        ("${{ github.ref_name }}", BRANCH, "invariant"),
        ("$GITHUB_REF_NAME", TAGS, "unique"),
        ("${{ github.ref_name }}", RunShape(False, False), "unknown"),
        ("$(git rev-parse --short HEAD)", BRANCH, "unknown"),
        ("${{ inputs.version }}", BRANCH, "unknown"),
    ],
)
def test_classify_tag(tag: str | None, shape: RunShape, verdict: str) -> None:
    value = split_template(tag) if tag is not None else None
    assert classify_tag(value, shape, UNIQUE).verdict == verdict


def _ecr(mode: object, *filters: str) -> EcrRepository:
    return EcrRepository(
        W,
        "shop",
        mode,
        tuple(ExclusionFilter(f, "WILDCARD") for f in filters),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("repo", "tag", "immutable"),
    [
        (_ecr("IMMUTABLE"), "latest", True),
        (_ecr("MUTABLE"), "latest", False),
        (_ecr("IMMUTABLE_WITH_EXCLUSION", "latest"), "latest", False),
        (_ecr("IMMUTABLE_WITH_EXCLUSION", "release-*"), "release-1", False),
        (_ecr("IMMUTABLE_WITH_EXCLUSION", "release-*"), "main", True),
        (_ecr("IMMUTABLE_WITH_EXCLUSION", "latest"), None, False),  # no tag: latest
        (_ecr("IMMUTABLE_WITH_EXCLUSION", "latest"), "${{ github.ref_name }}", None),
        (_ecr(Opaque("var.mode")), "latest", None),
    ],
)
def test_immutable_for(repo: EcrRepository, tag: str | None, immutable: bool | None) -> None:
    value = split_template(tag) if tag is not None else None
    assert immutable_for(repo, value)[0] is immutable


def test_registries_of_ecr_and_gar() -> None:
    gar = GarRepository(W, "images", "us", "acme-prod", "DOCKER", True)
    facts = TfFacts(ecr=(_ecr("IMMUTABLE"),), gar=(gar,))
    host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    assert [s for _, s in registries_of(parse_ref(f"{host}/shop:1"), facts)] == [True]
    assert registries_of(parse_ref(f"{host}/other:1"), facts) == []
    assert registries_of(parse_ref("ghcr.io/acme/shop:1"), facts) == []
    assert [s for _, s in registries_of(parse_ref("$REGISTRY/shop:1"), facts)] == [None]
    found = registries_of(parse_ref("us-docker.pkg.dev/acme-prod/images/shop:1"), facts)
    assert [r for r, _ in found] == [gar]
    assert registries_of(parse_ref("europe-docker.pkg.dev/acme-prod/images/shop:1"), facts) == []
    assert registries_of(parse_ref("us-docker.pkg.dev/other/images/shop:1"), facts) == []
    # project = "" (a variable's empty default): the provider's project, not compared
    blank = TfFacts(gar=(GarRepository(W, "images", "us", "", "DOCKER", True),))
    assert [s for _, s in registries_of(parse_ref("us-docker.pkg.dev/p/images/a:1"), blank)] == [
        True
    ]


def _env(
    name: str | Opaque,
    reviewers: tuple[tuple[int, int], ...] = ((1, 0),),
    branch: tuple[bool, bool] | None = (True, False),
) -> GithubEnvironment:
    return GithubEnvironment(W, "shop", name, reviewers, 3, None, True, branch, 5)


def test_edit_distance_and_near_miss() -> None:
    assert edit_distance("prodution", "production") == 1
    envs = (_env("production"), _env("staging"))
    found = near_miss("prodution", envs)
    assert found is not None and found.environment == "production"
    assert near_miss("qa", envs) is None
    assert near_miss("production", envs) is None


def test_judge_environment() -> None:
    managed = ManagedEnvironments((_env("production"),), (), ())
    assert judge_environment("Production", managed) == []  # names are case-insensitive
    assert [f.rule for f in judge_environment("prodution", managed)] == ["missing"]
    bare = ManagedEnvironments((_env("production", (), None),), (), ())
    rules = sorted(f.rule for f in judge_environment("production", bare))
    assert rules == ["approval", "branches"]
    custom = ManagedEnvironments((_env("production", branch=(False, True)),), (), ())
    assert [f.severity for f in judge_environment("production", custom)] == ["medium"]
    opaque = ManagedEnvironments((), (_env(Opaque("each.key")),), ())
    assert [f.rule for f in judge_environment("production", opaque)] == ["unknown"]


def test_index_reads_terraform(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "envs" {\n  default = ["staging", "production"]\n}\n'
        'resource "github_repository" "shop" {\n  name = "shop"\n}\n'
        'resource "github_repository_environment" "env" {\n'
        "  for_each    = toset(var.envs)\n"
        "  repository  = github_repository.shop.name\n"
        "  environment = each.key\n"
        "  reviewers {\n    users = [1]\n  }\n"
        "}\n"
        'resource "aws_ecr_repository" "app" {\n  name = "app"\n'
        '  image_tag_mutability = "IMMUTABLE"\n}\n'
    )
    (tmp_path / "other.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    cache = ParseCache(str(tmp_path), [str(tmp_path)])
    facts = xref_terraform(cache)
    assert facts.files == ("main.tf",)  # other.tf names none of the types: not read
    assert [e.environment for e in facts.environments] == ["staging", "production"]
    assert {e.repository for e in facts.environments} == {"shop"}
    assert facts.ecr[0].mutability == "IMMUTABLE" and facts.ecr[0].where.line == 15
    managed = repository_environments(facts, "acme/shop")
    assert len(managed.envs) == 2 and not managed.opaque
    assert repository_environments(facts, "acme/other").envs == ()
