"""The shared release table (``knowledge.ci.releases``) and its five readers: the classifier,
GHA-002's scope justification, GHA-019's release-job test, GHA-020's release jobs and
GHA-028's image pushes."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_devops_policy.formats.github_actions.workflow import Job, WorkflowFile, parse
from pytest_devops_policy.knowledge.ci.classify import classify_job
from pytest_devops_policy.knowledge.ci.deploys import publish_step
from pytest_devops_policy.knowledge.ci.images import image_pushes
from pytest_devops_policy.knowledge.ci.permissions import justification
from pytest_devops_policy.knowledge.ci.releases import job_publish, step_publishes
from pytest_devops_policy.model import Source


def _job(step: dict[str, Any] | str) -> Job:
    if isinstance(step, str):
        body = f"      - run: {step}\n"
    else:
        body = f"      - uses: {step['uses']}\n"
        if step.get("with"):
            body += "        with:\n" + "".join(
                f"          {k}: {v}\n" for k, v in step["with"].items()
            )
    text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + body
    parsed = parse(Source("/r/.github/workflows/ci.yml", ".github/workflows/ci.yml", text))
    assert isinstance(parsed, WorkflowFile) and parsed.workflow is not None
    return parsed.workflow.jobs["build"]


@pytest.mark.parametrize(
    ("step", "family"),
    [
        ("python -m twine upload dist/*", "pypi"),
        ("uv publish", "pypi"),
        ("npm publish --access public", "npm"),
        ("yarn npm publish", "npm"),
        ("./gradlew publishToMavenCentral", "maven"),
        ("mvn -B deploy", "maven"),
        ("dotnet nuget push out/*.nupkg", "nuget"),
        ("gh release create v1 dist/*", "github-release"),
        ("goreleaser release --clean", "goreleaser"),
        ("helm push chart.tgz oci://ghcr.io/o", "helm-chart"),
        ("docker push ghcr.io/o/a:1", "image"),
        ("docker buildx build --push -t ghcr.io/o/a:1 .", "image"),
        ("docker buildx imagetools create -t ghcr.io/o/a:1 ghcr.io/o/a@sha256:0", "image"),
        ({"uses": "pypa/gh-action-pypi-publish@release/v1"}, "pypi"),
        ({"uses": "softprops/action-gh-release@v2"}, "github-release"),
        ({"uses": "changesets/action@v1", "with": {"publish": "pnpm release"}}, "npm"),
        ({"uses": "docker/build-push-action@v6", "with": {"push": "true"}}, "image"),
        ({"uses": "redhat-actions/push-to-registry@v2"}, "image"),
    ],
)
def test_publishes(step: dict[str, Any] | str, family: str) -> None:
    job = _job(step)
    found = job_publish(job)
    assert found is not None and found.family == family
    assert publish_step(job) == found.label  # GHA-019 reads the same table
    assert classify_job(job).is_release  # and so does the classifier


@pytest.mark.parametrize(
    "step",
    [
        "cargo publish --dry-run",
        "npm publish --dry-run",
        "goreleaser release --snapshot --clean",
        "goreleaser check",
        "twine upload --help",
        "docker build -t app .",
        "docker push --help",
        {"uses": "changesets/action@v1"},  # a version pull request, no publish
        {"uses": "docker/build-push-action@v6", "with": {"push": "false"}},
    ],
)
def test_does_not_publish(step: dict[str, Any] | str) -> None:
    job = _job(step)
    assert step_publishes(job.steps[0], job) == []
    assert publish_step(job) is None


@pytest.mark.parametrize(
    ("step", "pushes_new_content"),
    [
        ("docker push ghcr.io/o/a:1", True),
        ("crane push img.tar ghcr.io/o/a:1", True),
        ("docker buildx imagetools create -t ghcr.io/o/a:1 ghcr.io/o/a@sha256:0", False),
        ("docker manifest push ghcr.io/o/a:1", False),
        ("crane copy docker.io/library/alpine ghcr.io/o/alpine", False),
        ("skopeo copy docker://a docker://b", False),
    ],
)
def test_gha_028_judges_new_content_only(step: str, pushes_new_content: bool) -> None:
    job = _job(step)
    assert [p.family == "image" for p in step_publishes(job.steps[0], job)] == [True]
    assert bool(image_pushes(job)) is pushes_new_content


@pytest.mark.parametrize(
    ("step", "contents", "packages"),
    [
        ("gh release create v1", True, False),
        ("goreleaser release --clean", True, True),
        ("npm publish", False, True),
        ("docker buildx imagetools create -t ghcr.io/o/a:1 ghcr.io/o/a:2", False, True),
        ("uv publish", False, False),  # PyPI: neither scope (id-token)
        ({"uses": "ncipollo/release-action@v1"}, True, False),
        ({"uses": "docker/bake-action@v5", "with": {"push": "true"}}, False, True),
        ({"uses": "aevea/action-kaniko@v0"}, False, True),
    ],
)
def test_gha_002_justifies_by_family(
    step: dict[str, Any] | str, contents: bool, packages: bool
) -> None:
    steps = _job(step).steps
    assert (justification("contents", steps) is not None) is contents
    assert (justification("packages", steps) is not None) is packages


def test_one_table() -> None:
    from pytest_devops_policy.knowledge.ci import caching, deploys, images, patterns

    assert images.PUSH_COMMANDS is patterns.IMAGE_PUSH_COMMANDS
    assert set(patterns.RELEASE_COMMANDS) >= set(patterns.PACKAGE_RELEASE_COMMANDS)
    for module in (caching, deploys):
        assert not hasattr(module, "PUBLISH_COMMANDS")
        assert not hasattr(module, "PUBLISH_ACTIONS")
