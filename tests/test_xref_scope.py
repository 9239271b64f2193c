"""``xref.scope`` (catalog §9.1, §9.4-3): the index reads the run's files, or the whole
repository. A partial run (``pytest deploy/``) sees fewer links, so a workload whose image
only a workflow links to its Dockerfile is judged on a weaker link; ``scope = "repo"``
reads the workflow anyway."""

from __future__ import annotations

import pytest

WORKFLOW = """\
on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build -f images/app.Dockerfile -t ghcr.io/acme/api:1 .
"""
DOCKERFILE = "FROM node:22-alpine\nUSER nodeuser\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: api
          image: ghcr.io/acme/api:1
"""
RUN = ("--devops-policy-only", "--devops-policy-select=XREF-003", "-v", "-rs")


def _repo(pytester: pytest.Pytester) -> None:
    files = {
        ".github/workflows/image.yml": WORKFLOW,
        "images/app.Dockerfile": DOCKERFILE,
        "deploy/api.yaml": DEPLOYMENT,
    }
    for rel, text in files.items():
        path = pytester.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_whole_run_links_through_the_workflow(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*non-numeric user*nodeuser*"])


def test_a_partial_run_sees_only_its_files(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    # deploy/ and images/ only: no workflow of the run builds the image; the one Dockerfile
    # and the one in-house image link by name only, which is too weak to fail on.
    result = pytester.runpytest(*RUN, "deploy", "images")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*linked by name only*"])


def test_scope_repo_reads_the_whole_repository(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    pytester.makepyprojecttoml('[tool.devops-policy.xref]\nscope = "repo"\n')
    result = pytester.runpytest(*RUN, "deploy")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*images/app.Dockerfile*"])


def test_a_bad_scope_is_a_usage_error(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    pytester.makepyprojecttoml('[tool.devops-policy.xref]\nscope = "everything"\n')
    result = pytester.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*xref.scope*"])


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("images/missing.Dockerfile", "there is no file images/missing.Dockerfile"),
        ("images/app.Dockerfile#runtime", "has no stage 'runtime'"),
    ],
)
def test_a_declared_link_to_nothing_is_a_usage_error(
    pytester: pytest.Pytester, target: str, problem: str
) -> None:
    _repo(pytester)
    pytester.makepyprojecttoml(
        f'[tool.devops-policy.xref]\nimage_map = {{"ghcr.io/acme/api" = "{target}"}}\n'
    )
    result = pytester.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*xref.image_map*{problem}*"])


def test_a_declared_link_decides(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    pytester.makepyprojecttoml(
        '[tool.devops-policy.xref]\nimage_map = {"ghcr.io/acme/api" = "images/app.Dockerfile"}\n'
    )
    result = pytester.runpytest(*RUN, "deploy", "images")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*declared in xref.image_map*"])
