"""The shared CI job classifier: decisions and their explanations."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.formats.github_actions.workflow import Job, parse
from pytest_devops_policy.knowledge.ci.classify import (
    ClassifierConfig,
    JobClass,
    JobFacts,
    StepFacts,
    builtin_rollback,
    classify,
    classify_job,
    command_segments,
    match_commands,
    shell_rollback,
)
from pytest_devops_policy.model import Source

DEFAULT = ClassifierConfig.from_settings(None)


def _jobs(text: str) -> dict[str, Job]:
    body = textwrap.dedent(text).lstrip("\n")
    parsed = parse(Source("/r/.github/workflows/w.yml", ".github/workflows/w.yml", body))
    return parsed.workflow.jobs  # type: ignore[union-attr]


def _run(*scripts: str, job_id: str = "build", **facts: object) -> JobClass:
    steps = tuple(StepFacts(index=i, label=f"step {i + 1}", run=s) for i, s in enumerate(scripts))
    return classify(JobFacts(id=job_id, steps=steps, **facts))  # type: ignore[arg-type]


def _texts(script: str, patterns: object) -> list[str]:
    return [m.text for m in match_commands(script, patterns)]  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# command segments


def test_segments_split_on_operators_outside_quotes() -> None:
    script = 'make build && kubectl apply -f k8s/ || echo "a; b && c" | tee log; ls\n  pwd'
    segs = command_segments(script)
    assert [s.text for s in segs] == [
        "make build",
        "kubectl apply -f k8s/",
        'echo "a; b && c"',
        "tee log",
        "ls",
        "pwd",
    ]
    assert [s.op for s in segs] == ["", "&&", "||", "|", ";", "\n"]
    assert segs[-1].line == 2
    assert segs[2].next_op == "|"


def test_segments_strip_wrappers_keywords_comments_and_heredocs() -> None:
    script = textwrap.dedent(
        """\
        # kubectl apply -f ignored.yml
        FOO=1 BAR="x y" sudo -E env -i kubectl -n prod apply -f a.yml  # trailing
        if ! helm upgrade web ./chart; then
          REV=$(kubectl rollout undo deploy/web)
        fi
        cat <<'EOF' > notes.txt
        kubectl apply -f not-a-command.yml
        EOF
        uv run pytest -q
        """
    )
    segs = command_segments(script)
    assert [s.text for s in segs] == [
        "kubectl -n prod apply -f a.yml",
        "helm upgrade web ./chart",
        "kubectl rollout undo deploy/web",
        "fi",
        "cat <<'EOF' > notes.txt",
        "pytest -q",
    ]
    assert segs[1].keywords == ("if", "!")
    assert [s.line for s in segs] == [2, 3, 4, 5, 6, 9]


def test_expressions_become_placeholders() -> None:
    segs = command_segments("kubectl set image deploy/app app=app:${{ github.sha }} && echo '}}'")
    assert segs[0].text == "kubectl set image deploy/app app=app:__EXPR__"


# --------------------------------------------------------------------------
# deploy (a)-(e) with explanations


def test_deploy_by_command_with_explanation() -> None:
    jc = _run("make build", "npm ci && npm test", "kubectl apply -f k8s/")
    assert jc.is_deploy
    assert jc.deploy_reasons == ("step 3 runs 'kubectl apply' (deploy command)",)
    assert [(h.index, h.family, h.via) for h in jc.deploy_steps] == [(2, "kubectl", "run")]


@pytest.mark.parametrize(
    "script",
    [
        'echo "no kubectl apply"',
        "echo kubectl apply",
        "# kubectl apply -f x",
        "kubectl get pods -o name",
        "helm template web ./chart",
        "terraform plan",
        "grep 'helm upgrade' README.md",
        "vercel build",
        "netlify deploy",
    ],
)
def test_not_deploy_commands(script: str) -> None:
    assert not _run(script).is_deploy


@pytest.mark.parametrize(
    ("script", "shown"),
    [
        ("kubectl --context prod -n web apply -f k8s/", "kubectl --context prod -n web apply"),
        ("/usr/local/bin/kubectl set image deploy/a a=b", "/usr/local/bin/kubectl set image"),
        ("kubectl rollout restart deploy/web", "kubectl rollout restart"),
        ("kustomize build overlays/prod | kubectl apply -f -", "kubectl apply"),
        ("helm upgrade --install web ./chart", "helm upgrade"),
        ("terraform -chdir=infra apply -auto-approve", "terraform -chdir=infra apply"),
        ("tofu apply", "tofu apply"),
        ("pulumi up --yes", "pulumi up"),
        ("npx cdk deploy --all", "cdk deploy"),
        (
            "aws --region eu-west-1 ecs update-service --force-new-deployment",
            "aws --region eu-west-1 ecs update-service",
        ),
        ("aws s3 sync dist/ s3://bucket", "aws s3 sync"),
        ("sam deploy --no-confirm-changeset", "sam deploy"),
        ("gcloud beta run deploy web --image x", "gcloud beta run deploy"),
        ("az webapp up --name x", "az webapp up"),
        ("flyctl deploy --remote-only", "flyctl deploy"),
        ("npx serverless deploy --stage prod", "serverless deploy"),
        ("argocd app sync web", "argocd app sync"),
        ("vercel deploy --prod", "vercel deploy --prod"),
        ("netlify deploy --dir dist --prod", "netlify deploy --dir dist --prod"),
        ("docker stack deploy -c compose.yml web", "docker stack deploy"),
        ("ssh deploy@host 'docker compose up -d'", "ssh deploy@host 'docker"),
        ("ansible-playbook -i inv site.yml", "ansible-playbook"),
    ],
)
def test_deploy_commands(script: str, shown: str) -> None:
    jc = _run(script)
    assert jc.deploy_reasons == (f"step 1 runs '{shown}' (deploy command)",)


def test_deploy_by_environment_and_name() -> None:
    jc = _run("./release.sh", job_id="publish-docs", environment="github-pages", name="Ship it")
    assert jc.deploy_reasons == (
        "environment 'github-pages' is set",
        "job id 'publish-docs' matches the deploy-name pattern",
        "job name 'Ship it' matches the deploy-name pattern",
    )
    dynamic = _run(environment="${{ inputs.env }}", environment_dynamic=True)
    assert dynamic.deploy_reasons == ("environment '${{ inputs.env }}' is set (dynamic)",)
    assert dynamic.environment_dynamic


@pytest.mark.parametrize("job_id", ["deploy", "deploy_prod", "prod", "promote-staging", "ship"])
def test_deploy_names(job_id: str) -> None:
    assert _run(job_id=job_id).is_deploy


@pytest.mark.parametrize("job_id", ["release", "publish-docs", "prepare-release"])
def test_release_names(job_id: str) -> None:
    jc = _run(job_id=job_id)
    assert jc.is_release and not jc.is_deploy


@pytest.mark.parametrize("job_id", ["build", "unit-tests", "deployment-docs-lint"])
def test_non_deploy_names(job_id: str) -> None:
    # `deploy\w*` needs a word boundary after it, and '-' is one: deployment-docs is a deploy.
    assert _run(job_id=job_id).is_deploy is (job_id == "deployment-docs-lint")


def test_deploy_by_action() -> None:
    facts = JobFacts(
        id="web",
        steps=(
            StepFacts(0, "step 1", action="actions/checkout"),
            StepFacts(1, "step 2 ('Ship')", action="azure/webapps-deploy"),
        ),
    )
    jc = classify(facts)
    assert jc.deploy_reasons == ("step 2 ('Ship') uses 'azure/webapps-deploy' (deploy action)",)


def test_deploy_by_reusable_workflow_name() -> None:
    jobs = _jobs(
        """
        on: push
        jobs:
          call-remote:
            uses: octo/infra/.github/workflows/deploy-prod.yml@v1
          call-local:
            uses: ./.github/workflows/lint.yml
        """
    )
    jc = classify_job(jobs["call-remote"])
    assert jc.deploy_reasons == (
        "calls reusable workflow 'octo/infra/.github/workflows/deploy-prod.yml@v1', "
        "whose file name matches the deploy-name pattern",
    )
    assert not classify_job(jobs["call-local"]).is_deploy


def test_gha_adapter_end_to_end() -> None:
    jobs = _jobs(
        """
        name: Deploy to Production
        on:
          push:
            branches: [main]
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v3
              - name: Build Docker image
                run: docker build -t app:${{ github.sha }} .
              - name: Deploy to Kubernetes
                run: kubectl set image deployment/app app=app:${{ github.sha }}
        """
    )
    jc = classify_job(jobs["deploy"])
    assert jc.deploy_reasons == (
        "job id 'deploy' matches the deploy-name pattern",
        "step 3 ('Deploy to Kubernetes') runs 'kubectl set image' (deploy command)",
    )
    assert jc.is_production
    assert jc.production_reasons == (
        "workflow name 'Deploy to Production' matches the production-name pattern",
        "the workflow runs on push to 'main'",
    )
    text = jc.explain()
    assert text.splitlines()[0] == "job 'deploy': deploy job"
    assert "  - step 3 ('Deploy to Kubernetes') runs 'kubectl set image' (deploy command)" in text
    assert "  production deploy:" in text


# --------------------------------------------------------------------------
# production


@pytest.mark.parametrize(
    ("facts", "production", "reasons"),
    [
        (
            {"environment": "production"},
            True,
            ["environment 'production' matches the production pattern"],
        ),
        ({"environment": "Live"}, True, ["environment 'Live' matches the production pattern"]),
        ({"environment": "staging", "push_branches": ("main",)}, False, []),
        ({"environment": "prod-eu"}, False, []),
        (
            {"environment": "${{ inputs.env }}", "environment_dynamic": True, "on_tags": True},
            True,
            ["the workflow runs on tag pushes"],
        ),
        (
            {"job_id": "deploy-prod"},
            True,
            ["job id 'deploy-prod' matches the production-name pattern"],
        ),
        ({"on_release": True}, True, ["the workflow runs on release events"]),
        ({"push_branches": ("master",)}, True, ["the workflow runs on push to 'master'"]),
        ({}, False, []),
    ],
)
def test_production(facts: dict[str, object], production: bool, reasons: list[str]) -> None:
    job_id = str(facts.pop("job_id", "deploy"))
    jc = _run("kubectl apply -f k8s/", job_id=job_id, **facts)
    assert jc.is_deploy
    assert jc.is_production is production
    assert list(jc.production_reasons) == reasons


@pytest.mark.parametrize(
    ("environment", "staging"),
    [("staging", True), ("pre-prod", True), ("uat-eu", True), ("production", False), (None, False)],
)
def test_staging(environment: str | None, staging: bool) -> None:
    jc = _run("kubectl apply -f k8s/", environment=environment)
    assert jc.is_staging is staging
    if staging:
        assert jc.staging_reason == f"environment '{environment}' matches the staging pattern"
        assert f"  staging deploy: environment '{environment}'" in jc.explain()


def test_not_production_when_not_deploy() -> None:
    jc = _run("make", push_branches=("main",), workflow_name="prod checks")
    assert not jc.is_deploy and not jc.is_production


def test_production_by_push_filter() -> None:
    jobs = _jobs(
        """
        on:
          push:
            branches: ['release/**']
            tags: ['v*']
        jobs:
          deploy:
            runs-on: x
            steps:
              - run: helm upgrade web ./chart
        """
    )
    jc = classify_job(jobs["deploy"])
    assert jc.production_reasons == ("the workflow runs on tag pushes",)
    custom = classify_job(jobs["deploy"], {"gha.default_branches": ["release/1.x"]})
    assert custom.production_reasons == (
        "the workflow runs on push to 'release/1.x'",
        "the workflow runs on tag pushes",
    )


# --------------------------------------------------------------------------
# tests, scans, rollback, verification


@pytest.mark.parametrize(
    "script",
    [
        "pytest -q",
        "python3 -m pytest tests/",
        "uv run pytest",
        "tox -e py311",
        "nox -s tests",
        "npm test",
        "pnpm run test:unit",
        "yarn test --ci",
        "npx jest",
        "vitest run",
        "go test ./...",
        "cargo nextest run",
        "mvn -B verify",
        "./gradlew :app:test",
        "dotnet test",
        "make lint test",
        "bundle exec rspec",
        "rake test",
        "vendor/bin/phpunit",
        "ctest --output-on-failure",
        "bats test/",
    ],
)
def test_test_commands(script: str) -> None:
    jc = _run(script)
    assert jc.is_test
    assert jc.test_reasons[0].startswith("step 1 runs '") and jc.test_reasons[0].endswith(
        "(test command)"
    )


@pytest.mark.parametrize(
    ("job_id", "is_test"),
    [
        ("test", True),
        ("unit_tests", True),
        ("tests-e2e", True),
        ("contest", False),
        ("attest", False),
    ],
)
def test_test_job_by_id(job_id: str, is_test: bool) -> None:
    assert _run(job_id=job_id).is_test is is_test


@pytest.mark.parametrize(
    ("script", "categories"),
    [
        ("trivy image app:1", {"image"}),
        ("trivy fs --scanners vuln .", {"deps", "secrets"}),
        ("trivy config infra/", {"iac"}),
        ("grype app:1", {"image"}),
        ("grype dir:.", {"deps"}),
        ("snyk test", {"deps"}),
        ("snyk container test app:1", {"image"}),
        ("snyk code test", {"sast"}),
        ("npm audit --audit-level=high", {"deps"}),
        ("pip-audit -r requirements.txt", {"deps"}),
        ("safety scan", {"deps"}),
        ("bandit -r src", {"sast"}),
        ("semgrep ci", {"sast"}),
        ("govulncheck ./...", {"deps"}),
        ("cargo deny check", {"deps"}),
        ("checkov -d .", {"iac"}),
        ("hadolint Dockerfile", {"iac"}),
        ("gitleaks detect", {"secrets"}),
        ("pytest --devops-policy", {"iac"}),
    ],
)
def test_scan_commands(script: str, categories: set[str]) -> None:
    jc = _run(script)
    assert jc.scan_categories == categories


def test_scan_actions_and_trivy_scan_type() -> None:
    facts = JobFacts(
        id="scan",
        steps=(
            StepFacts(0, "step 1", action="github/codeql-action/analyze"),
            StepFacts(1, "step 2", action="github/codeql-action/init"),
            StepFacts(
                2, "step 3", action="aquasecurity/trivy-action", with_={"scan-type": "config"}
            ),
            StepFacts(3, "step 4", action="snyk/actions/node"),
            StepFacts(4, "step 5", action="google/osv-scanner-action/osv-scanner-action"),
            StepFacts(5, "step 6", action="gitleaks/gitleaks-action"),
        ),
    )
    jc = classify(facts)
    assert [(h.index, sorted(h.categories)) for h in jc.scan_steps] == [
        (0, ["sast"]),
        (2, ["iac"]),
        (3, ["deps"]),
        (4, ["deps"]),
        (5, ["secrets"]),
    ]
    explained = jc.explain()
    assert "scan: step 1 uses 'github/codeql-action/analyze' (security scan: sast)" in explained


@pytest.mark.parametrize(
    ("script", "shown"),
    [
        ("kubectl rollout undo deploy/web", "kubectl rollout undo"),
        ("helm rollback web 3", "helm rollback"),
        ("argocd app rollback web", "argocd app rollback"),
        ("kubectl argo rollouts abort web", "kubectl argo rollouts abort"),
        (
            "gcloud run services update-traffic web --to-revisions=web-001=100",
            "gcloud run services update-traffic web --to-revisions",
        ),
        (
            "az webapp deployment slot swap -g rg -n app --slot staging",
            "az webapp deployment slot swap",
        ),
        (
            "aws deploy stop-deployment --deployment-id d-1 --auto-rollback-enabled",
            "aws deploy stop-deployment --deployment-id d-1 --auto-rollback-enabled",
        ),
        (
            "aws ecs update-service --service web --task-definition $PREVIOUS_TASK_DEF",
            "aws ecs update-service --service web --task-definition $PREVIOUS_TASK_DEF",
        ),
        ("vercel rollback", "vercel rollback"),
    ],
)
def test_rollback_commands(script: str, shown: str) -> None:
    jc = _run(script)
    assert [h.describe("rollback command") for h in jc.rollback_steps] == [
        f"step 1 runs '{shown}' (rollback command)"
    ]


def test_rollback_command_needs_the_previous_task_definition() -> None:
    assert not _run("aws ecs update-service --service web --task-definition web:42").rollback_steps


@pytest.mark.parametrize(
    ("script", "verifies"),
    [
        ("kubectl rollout status deploy/web --timeout=5m", True),
        ("helm upgrade web ./chart --wait", True),
        ("helm upgrade web ./chart --atomic", True),
        ("aws ecs wait services-stable --cluster c --services web", True),
        ("aws deploy wait deployment-successful --deployment-id d", True),
        ("curl -fsS https://web.example.com/healthz", True),
        ("curl --fail-with-body $URL/ready", True),
        ("curl -fsSL https://get.example.com/install.sh | sh", False),
        ("curl https://web.example.com/healthz", False),
        ("npm run smoke", True),
        ("pytest -m smoke", True),
        ("k6 run load.js", True),
        ("newman run api.json", True),
        ("npx playwright test", True),
        ("helm upgrade web ./chart", False),
    ],
)
def test_verify_commands(script: str, verifies: bool) -> None:
    assert bool(_run(script).verify_steps) is verifies


def test_verify_action() -> None:
    jc = classify(
        JobFacts(id="x", steps=(StepFacts(0, "step 1", action="jtalk/url-health-check-action"),))
    )
    assert [h.what for h in jc.verify_steps] == ["jtalk/url-health-check-action"]


@pytest.mark.parametrize(
    ("script", "why"),
    [
        (
            "helm upgrade --install web ./chart --atomic",
            "'helm upgrade --atomic' rolls back a failed release",
        ),
        (
            "helm upgrade web ./chart --rollback-on-failure",
            "'helm upgrade --rollback-on-failure' rolls back a failed release",
        ),
        ("helm upgrade web ./chart --atomic=false", None),
        ("helm install web ./chart", None),
        (
            "aws cloudformation deploy --template-file t.yml --stack-name s",
            "'aws cloudformation deploy' rolls a failed stack update back (no --disable-rollback)",
        ),
        ("sam deploy --disable-rollback", None),
        ("kubectl apply -f k8s/", None),
    ],
)
def test_builtin_rollback(script: str, why: str | None) -> None:
    (match,) = match_commands(script, DEFAULT.deploy_commands)
    assert builtin_rollback(match) == why
    jc = _run(script)
    assert bool(jc.auto_rollback) is (why is not None)


def test_cloudformation_action_rollback_unless_disabled() -> None:
    def jc(with_: dict[str, object]) -> JobClass:
        step = StepFacts(
            0, "step 1", action="aws-actions/aws-cloudformation-github-deploy", with_=with_
        )
        return classify(JobFacts(id="x", steps=(step,)))

    assert jc({}).auto_rollback[0].auto_rollback is not None
    assert not jc({"disable-rollback": "1"}).auto_rollback


@pytest.mark.parametrize(
    ("script", "why"),
    [
        (
            "helm upgrade web ./chart || helm rollback web",
            "'helm rollback' runs when 'helm upgrade' fails ('||')",
        ),
        (
            "kubectl apply -f k8s/ && kubectl rollout status deploy/web"
            " || kubectl rollout undo deploy/web",
            "'kubectl rollout undo' runs when 'kubectl apply' fails ('||')",
        ),
        (
            "if ! kubectl apply -f k8s/; then\n  echo failed\n"
            "  kubectl rollout undo deploy/web\nfi",
            "'kubectl rollout undo' runs in the failure branch of 'if ! kubectl apply'",
        ),
        (
            "if helm upgrade web .; then echo ok; else helm rollback web; fi",
            "'helm rollback' runs in the failure branch of 'if helm upgrade'",
        ),
        (
            "trap 'helm rollback web' ERR\nhelm upgrade web .",
            "'trap ... ERR' runs 'helm rollback' when 'helm upgrade' fails",
        ),
        ("kubectl apply -f k8s/\nkubectl rollout undo deploy/web", None),
        ("echo hi || helm rollback web", None),
        ("if kubectl apply -f k8s/; then kubectl rollout undo deploy/web; fi", None),
        ("trap 'helm rollback web' EXIT\nhelm upgrade web .", None),
    ],
)
def test_shell_rollback(script: str, why: str | None) -> None:
    assert shell_rollback(script) == why


def test_terraform_only() -> None:
    assert _run("terraform init", "terraform apply -auto-approve").terraform_only
    assert not _run("terraform apply", "kubectl apply -f x").terraform_only
    assert not _run(job_id="deploy").terraform_only


# --------------------------------------------------------------------------
# configuration


def test_extra_patterns_from_flat_and_nested_settings() -> None:
    facts = JobFacts(id="build", steps=(StepFacts(0, "step 1", run="./scripts/ship.sh prod"),))
    assert not classify(facts).is_deploy
    flat = classify(facts, {"gha.deploy_patterns": [r"^\./scripts/ship\.sh"]})
    assert flat.deploy_reasons == ("step 1 runs './scripts/ship.sh' (deploy command)",)
    nested = classify(facts, {"gha": {"deploy-patterns": r"(?:\./)?scripts/ship\.sh"}})
    assert nested.is_deploy
    gitlab = ClassifierConfig.from_settings({"gl.deploy_patterns": ["scripts/ship"]}, prefix="gl")
    assert classify(facts, gitlab).is_deploy


def test_replacing_regexes_and_extra_lists() -> None:
    settings = {
        "gha.prod_env_regex": "(?i)^prd$",
        "gha.deploy_job_regex": "(?i)^go-live$",
        "gha.test_patterns": ["^make ci"],
        "gha.rollback_patterns": [r"\./rollback\.sh"],
        "gha.verify_patterns": [r"\./smoke\.sh"],
        "gha.rollback_actions": ["octo/undo-action"],
        "gha.scan_patterns": {"sast": ["^my-sast"], "deps": "dep-check-lite"},
        "gha.scan_actions": ["octo/scanner*"],
        "gha.deploy_actions": ["octo/deployer"],
    }
    steps = (
        StepFacts(0, "step 1", run="make ci"),
        StepFacts(1, "step 2", run="my-sast src && dep-check-lite"),
        StepFacts(2, "step 3", run="./smoke.sh && ./rollback.sh"),
        StepFacts(3, "step 4", action="octo/undo-action"),
        StepFacts(4, "step 5", action="octo/scanner-pro/sub"),
        StepFacts(5, "step 6", action="octo/deployer"),
    )
    jc = classify(JobFacts(id="go-live", environment="prd", steps=steps), settings)
    assert jc.deploy_reasons == (
        "environment 'prd' is set",
        "job id 'go-live' matches the deploy-name pattern",
        "step 6 uses 'octo/deployer' (deploy action)",
    )
    assert jc.production_reasons == ("environment 'prd' matches the production pattern",)
    assert jc.is_test
    assert jc.scan_categories == {"sast", "deps", "custom"}
    assert [h.what for h in jc.rollback_steps] == ["./rollback.sh", "octo/undo-action"]
    assert [h.what for h in jc.verify_steps] == ["./smoke.sh"]
    # The default name rule is replaced, not extended.
    assert not classify(JobFacts(id="deploy"), settings).is_deploy


def test_config_is_cached_and_defaults_shared() -> None:
    assert ClassifierConfig.from_settings({}) is DEFAULT
    assert ClassifierConfig.from_settings({"unrelated": 1}) is DEFAULT
    a = ClassifierConfig.from_settings({"gha.deploy_patterns": ["x"]})
    b = ClassifierConfig.from_settings({"gha.deploy_patterns": ["x"]})
    assert a is b


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"gha.deploy_patterns": ["kubectl ("]}, "gha.deploy_patterns: invalid regex"),
        ({"gha.prod_env_regex": ["a", "b"]}, "gha.prod_env_regex: expected one regex"),
        ({"gha.test_patterns": 3}, "gha.test_patterns: expected a string or a list"),
    ],
)
def test_invalid_settings_name_the_setting(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ClassifierConfig.from_settings(settings)


def test_format_neutral_facts() -> None:
    """GitLab CI will classify from the same facts: a script per job, an environment."""
    facts = JobFacts(
        id="deploy:prod",
        environment="production",
        steps=(
            StepFacts(
                0, "script", run="helm upgrade --install web ./chart --atomic\nhelm test web"
            ),
        ),
    )
    jc = classify(facts)
    assert jc.is_deploy and jc.is_production
    assert jc.deploy_reasons[-1] == "script runs 'helm upgrade' (deploy command)"
    assert jc.auto_rollback and jc.verify_steps


# -- release jobs and environments that are not deployment targets (issue 16)


def test_environment_that_names_no_target_is_a_secrets_scope() -> None:
    jc = classify(JobFacts(id="triage", environment="automations"))
    assert not jc.is_deploy and not jc.is_release
    assert "does not name a deployment target" in jc.notes[0]
    assert "note: environment 'automations'" in jc.explain()


@pytest.mark.parametrize("env", ["production", "staging", "dev-eu", "github-pages", "us-east-1"])
def test_environment_naming_a_target_makes_a_deploy_job(env: str) -> None:
    assert classify(JobFacts(id="job", environment=env)).is_deploy


def test_environment_with_url_or_expression_counts() -> None:
    url = JobFacts(id="job", environment="blue", environment_url="https://blue.example.com")
    assert classify(url).is_deploy
    dynamic = JobFacts(id="job", environment="${{ inputs.env }}", environment_dynamic=True)
    assert classify(dynamic).is_deploy


def test_publishing_job_is_a_release_not_a_deploy() -> None:
    steps = (StepFacts(0, "step 1", run="uv build && uv publish"),)
    jc = classify(JobFacts(id="pypi-publish", environment="production", steps=steps))
    assert not jc.is_deploy and jc.is_release
    assert jc.release_reasons == (
        "job id 'pypi-publish' names a release",
        "step 1 runs 'uv publish' (publishes a release)",
    )
    assert "release job:" in jc.explain()


@pytest.mark.parametrize(
    ("run", "action", "with_", "release"),
    [
        ("python -m twine upload dist/*", None, {}, True),
        ("npm publish --access public", None, {}, True),
        ("cargo publish --dry-run", None, {}, False),
        ("gh release create v1.2.3 dist/*", None, {}, True),
        ("docker buildx build --push -t ghcr.io/o/a:1 .", None, {}, True),
        ("goreleaser release --snapshot --clean", None, {}, False),
        (None, "pypa/gh-action-pypi-publish", {}, True),
        (None, "docker/build-push-action", {"push": True}, True),
        (None, "docker/build-push-action", {"push": "${{ github.event_name == 'push' }}"}, True),
        (None, "docker/build-push-action", {"push": False}, False),
    ],
)
def test_release_steps(
    run: str | None, action: str | None, with_: dict[str, object], release: bool
) -> None:
    step = StepFacts(0, "step 1", run=run, action=action, with_=with_)
    jc = classify(JobFacts(id="build", steps=(step,)))
    assert bool(jc.release_steps) is release
    assert jc.is_release is release and not jc.is_deploy


def test_deploy_evidence_wins_over_release() -> None:
    steps = (
        StepFacts(0, "step 1", run="docker push ghcr.io/o/app:1"),
        StepFacts(1, "step 2", run="kubectl apply -f k8s/"),
    )
    jc = classify(JobFacts(id="release", steps=steps))
    assert jc.is_deploy and not jc.is_release
    assert jc.deploy_reasons[0] == "job id 'release' matches the deploy-name pattern"


def test_release_named_job_is_a_release_job() -> None:
    jc = classify(JobFacts(id="release", steps=(StepFacts(0, "step 1", run="./ship.sh"),)))
    assert jc.is_release and not jc.is_deploy
    # ... unless a target environment (or a deploy word, or a deploy step) says it deploys.
    target = JobFacts(id="release", environment="production")
    assert classify(target).is_deploy


def test_environment_on_a_test_job_scopes_its_secrets() -> None:
    steps = (StepFacts(0, "step 1", run="pytest -m registries"),)
    jc = classify(JobFacts(id="integration-test", environment="uv-test-registries", steps=steps))
    assert not jc.is_deploy
    assert "runs tests and deploys nothing" in jc.notes[0]


def test_expression_environment_with_known_names() -> None:
    jobs = _jobs(
        """
        on: push
        jobs:
          publish-image:
            runs-on: ubuntu-latest
            environment: ${{ inputs.push && 'release' || 'release-test' }}
            steps:
              - uses: depot/build-push-action@v1
                with: {push: true}
          ship:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                env: [staging, production]
            environment: ${{ matrix.env }}
            steps:
              - run: ./go.sh
        """
    )
    publish = classify_job(jobs["publish-image"])
    assert not publish.is_deploy and publish.is_release
    assert "can be 'release', 'release-test'" in " ".join(publish.notes)
    ship = classify_job(jobs["ship"])
    assert ship.is_production and not ship.environment_dynamic
    assert ship.production_reasons == (
        "environment '${{ matrix.env }}' (can be 'production') matches the production pattern",
    )


@pytest.mark.parametrize(
    "action",
    [
        "Azure/static-web-apps-deploy",
        "Azure/functions-container-action",
        "OctopusDeploy/deploy-release-action",
        "redhat-actions/oc-new-app",
    ],
)
def test_deploy_actions_of_the_deployment_templates(action: str) -> None:
    jobs = _jobs(
        f"""
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: {action}@v1
        """
    )
    jc = classify_job(jobs["build"])
    assert jc.is_deploy and jc.deploy_steps[0].what == action


def test_static_web_apps_close_is_no_deploy() -> None:
    jobs = _jobs(
        """
        on: pull_request
        jobs:
          close_pull_request_job:
            runs-on: ubuntu-latest
            steps:
              - uses: Azure/static-web-apps-deploy@v1
                with:
                  action: close
        """
    )
    assert not classify_job(jobs["close_pull_request_job"]).is_deploy
