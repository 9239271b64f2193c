"""The GitLab anchors of XREF-005 and XREF-007: build paths resolved through the file's
variables, what may have made a missing path (script lines, artifacts, cache, no checkout),
what runs a job (rules, only/except) and conditional pushes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob, parse
from pytest_devops_policy.knowledge.xref import gl_builds
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.knowledge.xref.gl_pushes import pushed_tags, run_shape
from pytest_devops_policy.knowledge.xref.registry_tags import RunShape
from pytest_devops_policy.model import Source


def _jobs(tmp_path: Path, text: str) -> dict[str, GitLabJob]:
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(text, encoding="utf-8")
    parsed = parse(Source(path=str(path), relpath=".gitlab-ci.yml", text=text))
    return {s.name: s for s in parsed.subjects if isinstance(s, GitLabJob)}


@pytest.mark.parametrize(
    ("pattern", "rel", "hit"),
    [
        ("dist/", "dist", True),
        ("./dist", "dist/Dockerfile", True),
        ("dist/app.jar", "dist", True),  # an artifact inside creates the directory
        ("build/*.jar", "dist", False),
        ("**/target", "dist", True),
        ("$OUT_DIR", "dist", True),
        ("docs", "dist", False),
        ("distro", "dist", False),
    ],
)
def test_an_artifact_path_covers(pattern: str, rel: str, hit: bool) -> None:
    assert gl_builds.covers(pattern, rel) is hit


PIPELINE = """\
variables:
  CTX: services/api
stages: [compile, build]
compile:
  stage: compile
  script: [make]
  artifacts:
    paths: [gen/]
other:
  stage: compile
  script: [make docs]
  artifacts:
    paths: [site/]
plain:
  stage: build
  script:
    - docker build -t a:1 gen
    - /kaniko/executor --context $CI_PROJECT_DIR/$CTX --dockerfile $CI_PROJECT_DIR/$CTX/Dockerfile
none:
  stage: build
  dependencies: []
  script: [docker build -t a:1 gen]
needs-other:
  stage: build
  needs: [other]
  script: [docker build -t a:1 gen]
scripted:
  stage: build
  needs: []
  script:
    - mkdir -p gen && cp Dockerfile gen/
    - docker build -t a:1 gen
cached:
  stage: build
  needs: []
  cache:
    paths: [gen]
  script: [docker build -t a:1 gen]
no-checkout:
  stage: build
  needs: []
  variables:
    GIT_STRATEGY: none
  script: [docker build -t a:1 gen]
"""


def test_build_paths_resolve_through_variables(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, PIPELINE)
    kaniko = gl_builds.builds(jobs["plain"])[1]
    assert (kaniko.context_path, kaniko.dockerfile_path) == (
        "services/api",
        "services/api/Dockerfile",
    )


@pytest.mark.parametrize(
    ("job", "why"),
    [
        ("plain", "job 'compile' passes gen/ as artifacts"),
        ("none", None),  # dependencies: [] downloads nothing
        ("needs-other", None),  # needs: [other]: only site/ comes in
        ("scripted", "an earlier script line of job 'scripted' names 'gen'"),
        ("cached", "job 'cached' restores a cache of gen"),
        ("no-checkout", "the job checks out nothing (GIT_STRATEGY): its files come from artifacts"),
    ],
)
def test_what_may_have_made_a_missing_context(tmp_path: Path, job: str, why: str | None) -> None:
    gl_job = _jobs(tmp_path, PIPELINE)[job]
    build = gl_builds.builds(gl_job)[0]
    assert gl_builds.may_create(gl_job, build.origin, "gen") == why


@pytest.mark.parametrize(
    ("keywords", "shape"),
    [
        ("", RunShape(True, False, True)),  # branches and tags
        ("rules:\n    - if: $CI_COMMIT_TAG\n", RunShape(False, True, True)),
        ('rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n', RunShape(True, False, False)),
        (
            "rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n",
            RunShape(True, False, False),
        ),
        ("only: [tags]\n", RunShape(False, True, True)),
        ("only: [main]\n", RunShape(True, False, True)),
        ("only: [/^release-/]\n", RunShape(False, False, True)),  # unknown both ways
        ("except: [tags]\n", RunShape(True, False, False)),
        ("only: [tags, schedules]\n", RunShape(False, False, True)),
        ('rules:\n    - if: $RELEASE == "yes"\n', RunShape(False, False, False)),
    ],
)
def test_what_runs_a_job(tmp_path: Path, keywords: str, shape: RunShape) -> None:
    text = "job:\n  " + keywords.replace("\n    ", "\n    ") + "  script: [make]\n"
    assert run_shape(_jobs(tmp_path, text)["job"]) == shape


def test_guarded_and_conditional_pushes_are_maybe(tmp_path: Path) -> None:
    text = """\
plain:
  script: [docker push r/a:1]
conditional:
  script: ['if [ "$X" = 1 ]; then docker push r/a:1; fi']
guarded:
  script:
    - crane digest r/a:1 || true
    - docker push r/a:1
"""
    jobs = _jobs(tmp_path, text)
    shape = RunShape(True, False)
    maybe = {
        name: [p.maybe for p in pushed_tags(job, gitlab_job_events(job), shape)]
        for name, job in jobs.items()
    }
    assert maybe["plain"] == [None]
    assert maybe["conditional"] == ["the script's condition on that line holds"]
    assert maybe["guarded"] == ["the tag is not in the registry yet (the job looks it up first)"]


@pytest.mark.parametrize(
    ("script", "values"),
    [
        ("docker push r/a:$TAG", ["r/a:latest"]),
        ("TAG=$(git describe); docker push r/a:$TAG", ["r/a:${TAG}"]),
        ("export TAG=v1\n    - docker push r/a:$TAG", ["r/a:${TAG}"]),
        (". ./build.env\n    - docker push r/a:$TAG", ["r/a:${TAG}"]),
        ("for TAG in a b; do docker push r/a:$TAG; done", ["r/a:${TAG}"]),
    ],
)
def test_a_variable_the_script_sets_is_not_the_files(
    tmp_path: Path, script: str, values: list[str]
) -> None:
    from pytest_devops_policy.knowledge.xref.gl_resolve import resolve_script

    text = f"job:\n  variables:\n    TAG: latest\n  script:\n    - {script}\n"
    job = _jobs(tmp_path, text)["job"]
    assert [v.text for v in resolve_script("r/a:$TAG", job)] == values


def test_a_dotenv_report_upstream_may_set_any_variable(tmp_path: Path) -> None:
    from pytest_devops_policy.knowledge.xref.gl_resolve import shadowed

    text = """\
version:
  stage: build
  script: [echo TAG=v1 > build.env]
  artifacts:
    reports:
      dotenv: build.env
push:
  stage: deploy
  variables:
    TAG: latest
  script: [docker push r/a:$TAG]
"""
    assert shadowed(_jobs(tmp_path, text)["push"]) is None


def test_a_ref_of_one_project_is_its_branch(tmp_path: Path) -> None:
    text = "job:\n  only: [master@acme/shop, tags]\n  script: [make]\n"
    assert run_shape(_jobs(tmp_path, text)["job"]) == RunShape(True, False, True)


def test_a_deploy_job_that_builds_without_dind_may_share_the_clusters_store(
    tmp_path: Path,
) -> None:
    """A shell executor on a cluster node builds into the cluster's own image store: the
    image built in the deploy job itself is not judged missing (catalog case (e) is across
    jobs)."""
    from pytest_devops_policy.context import ParseCache
    from pytest_devops_policy.indexes.xref_pushes_gl import judge_gl_job

    text = """\
deploy:
  script:
    - docker build -t registry.example.com/web:1 .
    - kubectl set image deployment/web web=registry.example.com/web:1
deploy-dind:
  services: [docker:27-dind]
  script:
    - docker build -t registry.example.com/api:1 .
    - kubectl set image deployment/api api=registry.example.com/api:1
"""
    jobs = _jobs(tmp_path, text)
    cache = ParseCache(str(tmp_path))
    shell = judge_gl_job(jobs["deploy"], cache)
    assert [d.status for _, d in shell] == ["unknown"]
    assert "shell executor" in shell[0][1].reason
    dind = judge_gl_job(jobs["deploy-dind"], cache)
    assert [(d.status, d.case) for _, d in dind] == [("fail", "a")]


@pytest.mark.parametrize(("when", "status"), [("on_success", "fail"), ("manual", "unknown")])
def test_a_race_with_a_push_is_unknown_when_a_person_starts_the_deploy(
    tmp_path: Path, when: str, status: str
) -> None:
    from pytest_devops_policy.context import ParseCache
    from pytest_devops_policy.indexes.xref_pushes_gl import judge_gl_job

    text = f"""\
build:
  stage: deploy
  services: [docker:27-dind]
  script:
    - docker build -t registry.example.com/web:1 .
    - docker push registry.example.com/web:1
deploy:
  stage: deploy
  when: {when}
  script:
    - kubectl set image deployment/web web=registry.example.com/web:1
"""
    judged = judge_gl_job(_jobs(tmp_path, text)["deploy"], ParseCache(str(tmp_path)))
    assert [d.status for _, d in judged] == [status]
