"""knowledge.xref.resolve: literal-only variable resolution in workflows (catalog §9.2-3)."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.formats.github_actions.workflow import parse as parse_workflow
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.formats.gitlab_ci.pipeline import parse as parse_pipeline
from pytest_devops_policy.knowledge.xref.refs import parse_ref
from pytest_devops_policy.knowledge.xref.resolve import (
    GhaResolver,
    equal,
    github_env_writes,
    github_repository_from_config,
    matrix_combinations,
    read_github_repository,
    repository_from_url,
    resolve_gha,
    resolve_gitlab,
)
from pytest_devops_policy.knowledge.xref.templated import ECR_REGISTRY, split_template
from pytest_devops_policy.model import Source

WORKFLOW = """\
on: push
env:
  REGISTRY: ghcr.io
  IMAGE: ${{ env.REGISTRY }}/x
  NAME: wf-name
  REPO_IMAGE: ghcr.io/${{ github.repository }}
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      NAME: job-name
      TAG: ${{ github.sha }}
      FULL: ${{ env.REGISTRY }}/acme/${{ env.NAME }}
    steps:
      - id: login
        uses: aws-actions/amazon-ecr-login@v2
      - id: other
        uses: docker/metadata-action@v5
      - run: |
          echo "APP=web" >> $GITHUB_ENV
          echo "VERSION=1.${{ github.run_number }}" >> "$GITHUB_ENV"
          printf 'PRINTED=%s\\n' printed-value >> "$GITHUB_ENV"
          echo "DERIVED=$NAME-d" >> $GITHUB_ENV
          echo "FROM_CMD=$(git rev-parse HEAD)" >> $GITHUB_ENV
          echo "NOT_ENV=x" >> other.txt
      - if: github.event_name == 'push'
        run: echo "COND=maybe" >> $GITHUB_ENV
      - run: echo "APP=api" >> $GITHUB_ENV
      - name: use
        env:
          NAME: step-name
          STEP_IMG: ${{ env.FULL }}-s
        run: docker push $REGISTRY/$APP:$TAG
  matrix:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        svc: [web, api]
        arch: [amd64, arm64]
        exclude:
          - svc: api
            arch: arm64
        include:
          - svc: web
            extra: yes
          - svc: worker
            arch: amd64
    steps:
      - run: echo
  dynamic:
    runs-on: ubuntu-latest
    strategy:
      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - run: echo
"""


@pytest.fixture(scope="module")
def jobs() -> dict[str, Job]:
    parsed = parse_workflow(Source("/r/.github/workflows/w.yml", "w.yml", WORKFLOW))
    assert parsed.workflow is not None
    return parsed.workflow.jobs


def _one(job: Job, text: str, step: int | None = None, shell: bool = False) -> str:
    r = GhaResolver(job, github_repository="Acme/Web")
    return r.resolve_one(text, job.steps[step] if step is not None else None, shell=shell).text


@pytest.mark.parametrize(
    ("text", "step", "shell", "expected"),
    [
        # workflow -> job -> step env precedence
        ("${{ env.NAME }}", None, False, "job-name"),
        ("${{ env.NAME }}", 5, False, "step-name"),
        ("$NAME", 5, True, "step-name"),
        ("${NAME}", 0, True, "job-name"),
        ("${{ env.name }}", 0, False, "job-name"),  # expressions fold case
        ("$name", 0, True, "${name}"),  # the shell does not
        ("${{ env.REGISTRY }}", 0, False, "ghcr.io"),
        ("${{ env.IMAGE }}", 0, False, "${{ env.registry }}/x"),  # workflow env reads no env
        ("${{ env.FULL }}", 0, False, "ghcr.io/acme/wf-name"),  # job env reads the workflow's
        ("${{ env.STEP_IMG }}", 5, False, "ghcr.io/acme/wf-name-s"),
        ("$TAG", 0, True, "${{ github.sha }}"),
        # $X is read only by a shell
        ("$NAME", 0, False, "${NAME}"),
        # $GITHUB_ENV writes in earlier steps of the same job
        ("$APP", 3, True, "web"),
        ("$APP", 2, True, "${APP}"),  # the writing step does not see it
        ("$APP", 5, True, "api"),  # the last write wins
        ("${{ env.VERSION }}", 3, False, "1.${{ github.run_number }}"),
        ("${{ env.PRINTED }}", 3, False, "printed-value"),
        ("${{ env.DERIVED }}", 3, False, "job-name-d"),
        ("${{ env.FROM_CMD }}", 3, False, "$(git rev-parse HEAD)"),
        ("${{ env.NOT_ENV }}", 3, False, "${{ env.not_env }}"),
        ("${{ env.COND }}", 5, False, "${{ env.cond }}"),  # written under if:
        ("$REGISTRY/$APP:$TAG", 5, True, "ghcr.io/api:${{ github.sha }}"),
        # aliases
        ("$GITHUB_SHA", 0, True, "${{ github.sha }}"),
        ("$GITHUB_RUN_ID", 0, True, "${{ github.run_id }}"),
        ("$GITHUB_REF_NAME", 0, True, "${{ github.ref_name }}"),
        ("${{ github.ref_name }}", 0, False, "${{ github.ref_name }}"),
        # github.repository from the given value
        ("${{ github.repository }}", 0, False, "Acme/Web"),
        ("${{ github.repository_owner }}", 0, False, "Acme"),
        ("${{ github.event.repository.name }}", 0, False, "Web"),
        ("$GITHUB_REPOSITORY", 0, True, "Acme/Web"),
        ("${{ env.REPO_IMAGE }}", 0, False, "ghcr.io/Acme/Web"),
        # the ecr-login output is "some ECR host"; other outputs stay tokens
        ("${{ steps.login.outputs.registry }}/web", 2, False, "<ecr-registry>/web"),
        ("${{ steps.other.outputs.registry }}", 2, False, "${{ steps.other.outputs.registry }}"),
        (
            "${{ steps.login.outputs.docker_username_x }}",
            2,
            False,
            "${{ steps.login.outputs.docker_username_x }}",
        ),
        # tokens that stay tokens
        ("${{ secrets.TOKEN }}", 0, False, "${{ secrets.token }}"),
        ("${{ vars.IMAGE }}", 0, False, "${{ vars.image }}"),
        ("${{ inputs.tag }}", 0, False, "${{ inputs.tag }}"),
        ("${{ needs.plan.outputs.tag }}", 0, False, "${{ needs.plan.outputs.tag }}"),
        ("${{ env.A || 'x' }}", 0, False, "${{ env.A || 'x' }}"),
        ("${{ 'lit' }}", 0, False, "lit"),
        ("$(date +%s)", 0, True, "$(date +%s)"),
        ("${NAME:-x}", 0, True, "${NAME:-x}"),
        ("${{ matrix.svc }}", 0, False, "${{ matrix.svc }}"),  # no matrix in this job
    ],
)
def test_gha_resolution(
    jobs: dict[str, Job], text: str, step: int | None, shell: bool, expected: str
) -> None:
    assert _one(jobs["build"], text, step, shell) == expected


def test_ecr_login_token_is_the_shared_one(jobs: dict[str, Job]) -> None:
    job = jobs["build"]
    value = GhaResolver(job).resolve_one("${{ steps.login.outputs.registry }}/web:1")
    assert value.parts[0] == ECR_REGISTRY
    assert parse_ref(value).ecr is not None


def test_no_repository_keeps_the_token(jobs: dict[str, Job]) -> None:
    r = GhaResolver(jobs["build"])
    assert r.resolve_one("${{ github.repository }}").text == "${{ github.repository }}"


def test_github_env_writes(jobs: dict[str, Job]) -> None:
    writes = github_env_writes(jobs["build"].steps[2])
    assert [n for n, _ in writes] == ["APP", "VERSION", "PRINTED", "DERIVED", "FROM_CMD"]
    assert dict(writes)["VERSION"] == "1.${{ github.run_number }}"


def test_github_env_heredoc_is_a_token() -> None:
    text = textwrap.dedent(
        """\
        on: push
        jobs:
          j:
            runs-on: x
            steps:
              - run: |
                  cat >> "$GITHUB_ENV" <<EOF
                  SIMPLE=one
                  MULTI<<END
                  a
                  END
                  EOF
              - run: echo
        """
    )
    wf = parse_workflow(Source("/r/w.yml", "w.yml", text)).workflow
    assert wf is not None
    job = wf.jobs["j"]
    assert github_env_writes(job.steps[0])[:2] == [("SIMPLE", "one"), ("MULTI", None)]
    assert _one(job, "$SIMPLE", 1, True) == "one"
    assert _one(job, "$MULTI", 1, True) == "${MULTI}"


def test_matrix_expansion(jobs: dict[str, Job]) -> None:
    r = resolve_gha("app-${{ matrix.svc }}:${{ matrix.arch }}", jobs["matrix"])
    assert [v.text for v in r.values] == [
        "app-web:amd64",
        "app-web:arm64",
        "app-api:amd64",
        "app-worker:amd64",
    ]
    assert not r.capped
    extra = resolve_gha("${{ matrix.extra }}", jobs["matrix"])
    assert {v.text for v in extra.values} == {"yes", "${{ matrix.extra }}"}
    dynamic = resolve_gha("app-${{ matrix.svc }}", jobs["dynamic"])
    assert [v.text for v in dynamic.values] == ["app-${{ matrix.svc }}"]
    assert dynamic.single is not None


def test_matrix_combinations_rules() -> None:
    combos, total = matrix_combinations({"a": [1, 2], "b": ["x"]})
    assert combos == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}] and total == 2
    only_include, _ = matrix_combinations({"include": [{"a": 1}, {"a": 2, "b": 3}]})
    assert only_include == [{"a": 1}, {"a": 2, "b": 3}]
    # GitHub's documented example: includes extend original combinations, added values
    # may be overwritten, original ones never; added combinations take no later include
    combos, _ = matrix_combinations(
        {
            "fruit": ["apple", "pear"],
            "animal": ["cat", "dog"],
            "include": [
                {"color": "green"},
                {"color": "pink", "animal": "cat"},
                {"fruit": "apple", "shape": "circle"},
                {"fruit": "banana"},
                {"fruit": "banana", "animal": "cat"},
            ],
        }
    )
    assert combos == [
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    ]
    partial, _ = matrix_combinations({"a": "${{ fromJSON(x) }}", "b": [1]})
    assert partial == [{"b": 1}]
    assert matrix_combinations("${{ fromJSON(x) }}") == (None, 0)


def test_matrix_cap() -> None:
    text = "on: push\njobs:\n  j:\n    runs-on: x\n    strategy:\n      matrix:\n"
    text += "".join(f"        k{i}: [a, b]\n" for i in range(7))  # 128 combinations
    text += "    steps:\n      - run: echo\n"
    wf = parse_workflow(Source("/r/w.yml", "w.yml", text)).workflow
    assert wf is not None
    r = resolve_gha("${{ matrix.k0 }}${{ matrix.k6 }}", wf.jobs["j"])
    assert r.capped and "128 matrix combinations" in r.notes[0]
    small = resolve_gha("${{ matrix.k6 }}", wf.jobs["j"], cap=3)
    assert small.capped and len(small.values) == 2


def test_equality_after_resolution(jobs: dict[str, Job]) -> None:
    job = jobs["build"]
    r = GhaResolver(job)
    built = r.resolve_one("ghcr.io/acme/${{ env.NAME }}:${{ env.TAG }}", job.steps[0])
    deployed = r.resolve_one("ghcr.io/acme/job-name:$GITHUB_SHA", job.steps[0], shell=True)
    assert equal(built, deployed) is True
    assert equal(built, split_template("ghcr.io/acme/job-name:abc")) is None
    assert equal(built, split_template("ghcr.io/acme/other:${{ github.sha }}")) is False


# -- .git/config -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/Acme/Web.git", "Acme/Web"),
        ("https://github.com/acme/web", "acme/web"),
        ("https://user:tok@github.com/acme/web.git/", "acme/web"),
        ("git@github.com:acme/web.git", "acme/web"),
        ("ssh://git@github.com/acme/web.git", "acme/web"),
        ("ssh://git@github.com:22/acme/web", "acme/web"),
        ("git://github.com/acme/web.git", "acme/web"),
        ("github.com:acme/web", "acme/web"),
        ("https://github.com/acme", None),
        ("/srv/repos/web.git", None),
    ],
)
def test_repository_from_url(url: str, repo: str | None) -> None:
    assert repository_from_url(url) == repo


CONFIG = """\
[core]
\trepositoryformatversion = 0
[remote "upstream"]
\turl = https://github.com/other/fork.git
[remote "origin"]
\t# a comment
\turl = git@github.com:Acme/Web.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
"""


def test_github_repository_from_config() -> None:
    assert github_repository_from_config(CONFIG) == "Acme/Web"
    assert github_repository_from_config("[core]\n\tbare = false\n") is None


def test_read_github_repository_plain_and_worktree() -> None:
    files = {"/repo/.git/config": CONFIG}
    assert read_github_repository("/repo", files.get) == "Acme/Web"
    worktree = {
        "/wt/.git": "gitdir: /repo/.git/worktrees/wt\n",
        "/repo/.git/worktrees/wt/commondir": "../..\n",
        "/repo/.git/worktrees/wt/../../config": CONFIG,
    }
    assert read_github_repository("/wt", worktree.get) == "Acme/Web"
    assert read_github_repository("/nothing", {}.get) is None


# -- GitLab CI -------------------------------------------------------------------------

PIPELINE = """\
variables:
  REGISTRY: registry.example.com
  IMAGE: $REGISTRY/group/app
  RAW:
    value: $REGISTRY
    expand: false
build:
  variables:
    TAG: $CI_COMMIT_SHORT_SHA
  script:
    - docker push $IMAGE:$TAG
deploy:
  variables:
    REGISTRY: job.example.com
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        TAG: $CI_COMMIT_TAG
    - when: on_success
  script: [echo]
matrix:
  parallel:
    matrix:
      - SVC: [web, api]
        ENV: prod
  script: [echo]
"""


@pytest.fixture(scope="module")
def gl_jobs() -> dict[str, GitLabJob]:
    pf = parse_pipeline(Source("/r/.gitlab-ci.yml", ".gitlab-ci.yml", PIPELINE))
    return {s.name: s for s in pf.subjects if isinstance(s, GitLabJob)}


@pytest.mark.parametrize(
    ("job", "text", "expected"),
    [
        ("build", "$IMAGE:$TAG", ["registry.example.com/group/app:${CI_COMMIT_SHORT_SHA}"]),
        ("deploy", "${IMAGE}", ["job.example.com/group/app"]),  # job overrides global
        ("build", "$RAW", ["$REGISTRY"]),  # expand: false
        ("build", "$$IMAGE", ["$IMAGE"]),
        ("deploy", "$TAG", ["${CI_COMMIT_TAG}", "${TAG}"]),  # a rule sets it, or nothing
        ("build", "$CI_PIPELINE_ID", ["${CI_PIPELINE_ID}"]),
        ("matrix", "$SVC-$ENV", ["web-prod", "api-prod"]),
    ],
)
def test_gitlab_resolution(
    gl_jobs: dict[str, GitLabJob], job: str, text: str, expected: list[str]
) -> None:
    assert [v.text for v in resolve_gitlab(text, gl_jobs[job]).values] == expected


def test_gitlab_script_dollar_dollar_is_the_shells(gl_jobs: dict[str, GitLabJob]) -> None:
    value = resolve_gitlab("echo $$", gl_jobs["build"], script=True).values[0]
    assert value.text == "echo $$"
    assert resolve_gitlab("$$X", gl_jobs["build"], script=True).values[0].text == "$${X}"


def test_gitlab_cap(gl_jobs: dict[str, GitLabJob]) -> None:
    r = resolve_gitlab("$SVC", gl_jobs["matrix"], cap=1)
    assert r.capped and [v.text for v in r.values] == ["web"]
