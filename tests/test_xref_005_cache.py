"""XREF-005 through the plugin: a workflow's cached verdict follows the Dockerfiles and
contexts its builds name (they are the workflow file's dependencies)."""

from __future__ import annotations

import pytest

WORKFLOW = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build -f docker/api.Dockerfile --target runtime -t api .
"""
RUN = ("--devops-policy-only", "--devops-policy-select=XREF-005", "-v")


def test_the_cached_verdict_follows_the_dockerfile(pytester: pytest.Pytester) -> None:
    wf = pytester.path / ".github" / "workflows" / "build.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(WORKFLOW, encoding="utf-8")
    first = pytester.runpytest(*RUN)
    first.stdout.fnmatch_lines(["*build.yml::job:build::XREF-005 FAILED*"])
    first.stdout.fnmatch_lines(["*Dockerfile docker/api.Dockerfile, which is not in the*"])
    dockerfile = pytester.path / "docker" / "api.Dockerfile"
    dockerfile.parent.mkdir()
    dockerfile.write_text("FROM alpine:3.20 AS build\n", encoding="utf-8")
    second = pytester.runpytest(*RUN)  # the file appeared: the cached failure is not reused
    second.stdout.fnmatch_lines(["*--target runtime, which is not a stage of*"])
    dockerfile.write_text("FROM alpine:3.20 AS runtime\n", encoding="utf-8")
    pytester.runpytest(*RUN).assert_outcomes(passed=1)  # the stage appeared
    pytester.runpytest(*RUN, "--devops-policy-no-cache").assert_outcomes(passed=1)


def test_a_workflow_without_builds_has_no_item(pytester: pytest.Pytester) -> None:
    wf = pytester.path / ".github" / "workflows" / "ci.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(WORKFLOW.replace("docker build -f docker/api.Dockerfile", "echo"), "utf-8")
    pytester.runpytest(*RUN).assert_outcomes()


def test_a_gitlab_job_verdict_follows_the_dockerfile(pytester: pytest.Pytester) -> None:
    """The GitLab anchor: the pipeline file depends on the paths its builds name too."""
    (pytester.path / ".gitlab-ci.yml").write_text(
        "build:\n  script:\n    - docker build -f docker/api.Dockerfile --target runtime .\n",
        encoding="utf-8",
    )
    first = pytester.runpytest(*RUN)
    first.stdout.fnmatch_lines(["*.gitlab-ci.yml::job:build::XREF-005 FAILED*"])
    dockerfile = pytester.path / "docker" / "api.Dockerfile"
    dockerfile.parent.mkdir()
    dockerfile.write_text("FROM alpine:3.20 AS runtime\n", encoding="utf-8")
    pytester.runpytest(*RUN).assert_outcomes(passed=1)
