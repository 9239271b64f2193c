"""GitLab jobs through the shared CI classifier (issue 21, catalog §4.1): one idea of
deploy, production, test and rollback for both CI systems."""

from __future__ import annotations

from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob, parse
from pytest_devops_policy.knowledge.ci.gitlab import classify_gl_job, gl_job_facts
from pytest_devops_policy.model import Source

PIPELINE = """\
stages: [test, deploy, release, prod-rollout]
unit:
  stage: test
  script: [pytest -q]
deploy-prod:
  stage: deploy
  environment: {name: production, url: https://example.com}
  before_script: [echo start]
  script:
    - helm upgrade --install --atomic web ./chart
stop-review:
  stage: deploy
  environment: {name: review/$CI_COMMIT_REF_SLUG, action: stop}
  script: [echo bye]
  when: manual
publish:
  stage: release
  script: [echo publishing]
roll:
  stage: prod-rollout
  script: [./rollout.sh]
docs:
  stage: test
  script: ['echo "kubectl apply is documented here"']
"""


def _jobs() -> dict[str, GitLabJob]:
    pipeline = parse(Source("/x/.gitlab-ci.yml", ".gitlab-ci.yml", PIPELINE)).pipeline
    return dict(pipeline.jobs)


def test_sections_are_the_classifiers_steps() -> None:
    facts = gl_job_facts(_jobs()["deploy-prod"])
    assert [s.label for s in facts.steps] == ["before_script", "script"]
    assert facts.environment == "production"


def test_deploy_production_test_and_the_stage_rule() -> None:
    jobs = {name: classify_gl_job(job) for name, job in _jobs().items()}
    assert jobs["unit"].is_test and not jobs["unit"].is_deploy
    assert jobs["deploy-prod"].is_deploy and jobs["deploy-prod"].is_production
    assert jobs["deploy-prod"].deploy_steps[0].auto_rollback  # helm --atomic rolls back
    # stage 'release': a release job, as the word alone makes one for GitHub jobs
    assert jobs["publish"].is_release and not jobs["publish"].is_deploy
    assert "stage 'release'" in jobs["publish"].release_reasons[-1]
    assert jobs["roll"].is_deploy  # stage 'prod-rollout' names a deployment (§4.1)
    assert "stage 'prod-rollout'" in jobs["roll"].deploy_reasons[0]
    assert not jobs["docs"].is_deploy  # an echo is not a deploy
    assert not jobs["stop-review"].is_production  # tearing an environment down
