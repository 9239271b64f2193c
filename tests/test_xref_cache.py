"""Cross-artifact verdicts and the result cache (catalog §9.1, issue 23 point 1): a warm run
re-judges an anchor when a file it links to changes, and reuses its result otherwise."""

from __future__ import annotations

import pytest

from pytest_devops_policy.indexes.xref_inputs import relevant

# An XREF policy on the job that reads the run-wide index: the container names of the
# Deployment the job sets an image on; and one on the workload that reads the Dockerfiles.
POLICIES = """
from pytest_devops_policy import policy, Severity, Violation
from pytest_devops_policy.indexes.xref import xref_index

@policy(id="XREF-901", name="set-image-container-exists", title="t", severity=Severity.HIGH,
        rationale="r", remediation="m")
def set_image_container_exists(job, context):
    index = xref_index(context.cache)
    for step in job.steps:
        if step.run and "set image" in step.run:
            names = [c.name for w in index.workloads("Deployment", "web") for c in w.containers]
            if "app" not in names:
                yield Violation("containers: " + ", ".join(map(str, names)), line=step.line)

@policy(id="XREF-902", name="image-has-dockerfile", title="t", severity=Severity.HIGH,
        rationale="r", remediation="m")
def image_has_dockerfile(k8s_object, context):
    if k8s_object.kind_name == "Deployment":
        if xref_index(context.cache).dockerfile("web/Dockerfile") is None:
            yield Violation("no web/Dockerfile")

def pytest_devops_policy_add_policies(config):
    return [set_image_container_exists, image_has_dockerfile]
"""

WORKFLOW = """\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/web app=ghcr.io/acme/web:1
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: %s
          image: ghcr.io/acme/web:1
"""
RUN = ("-p", "no:devops_policy.builtin", "--devops-policy-only", "-v")


def _repo(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(POLICIES)
    wf = pytester.path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(WORKFLOW, encoding="utf-8")
    (pytester.path / "deploy.yaml").write_text(DEPLOYMENT % "web-app", encoding="utf-8")


def test_a_warm_run_follows_the_linked_files(pytester: pytest.Pytester) -> None:
    _repo(pytester)
    first = pytester.runpytest(*RUN)
    first.stdout.fnmatch_lines(["*deploy.yml::job:deploy::XREF-901 FAILED*"])
    first.stdout.fnmatch_lines(["*Deployment/web::XREF-902 FAILED*"])
    first.assert_outcomes(failed=2)
    (pytester.path / "deploy.yaml").write_text(DEPLOYMENT % "app", encoding="utf-8")
    (pytester.path / "web").mkdir()
    (pytester.path / "web" / "Dockerfile").write_text("FROM alpine:3.20\n", encoding="utf-8")
    # Neither anchor file changed; the files they link to did.
    pytester.runpytest(*RUN).assert_outcomes(passed=2)
    (pytester.path / "web" / "Dockerfile").unlink()
    pytester.runpytest(*RUN).assert_outcomes(passed=1, failed=1)
    pytester.runpytest(*RUN, "--devops-policy-no-cache").assert_outcomes(passed=1, failed=1)


def test_only_workflows_that_can_link_carry_the_token() -> None:
    assert relevant("github-actions", b"steps:\n  - run: kubectl apply -k deploy/\n")
    assert relevant("gitlab-ci", b"deploy:\n  environment: production\n")
    assert not relevant("github-actions", b"steps:\n  - run: pytest -q\n")
    assert relevant("kubernetes", b"kind: Deployment\nspec: {template: {spec: {containers: []}}}\n")
    assert not relevant("kubernetes", b"kind: Service\n")


def test_workload_inputs_hold_the_building_workflows(tmp_path: object) -> None:
    from pathlib import Path

    from pytest_devops_policy import kinds
    from pytest_devops_policy.context import ParseCache
    from pytest_devops_policy.indexes.xref_inputs import input_paths, run_token
    from pytest_devops_policy.options import Options

    root = Path(str(tmp_path))
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "build.yml").write_text("jobs: {b: {steps: [{run: docker build -t a .}]}}\n")
    (wf / "lint.yml").write_text("jobs: {l: {steps: [{run: ruff check}]}}\n")
    (root / "Dockerfile").write_text("FROM alpine:3.20\n")
    (root / "web.yaml").write_text("kind: Deployment\n")

    def cache() -> ParseCache:
        options = Options.from_flat({}, kinds.option_classes())
        return ParseCache(str(root), [str(root)], options=options)

    rel = {Path(p).relative_to(root).as_posix() for p in input_paths(cache(), "kubernetes")}
    assert {".github/workflows/build.yml", "Dockerfile"} <= rel
    assert not {".github/workflows/lint.yml", "web.yaml"} & rel
    jobs = {Path(p).relative_to(root).as_posix() for p in input_paths(cache(), "github-actions")}
    assert "web.yaml" in jobs
    before = run_token(cache(), "kubernetes")
    (wf / "build.yml").write_text("jobs: {b: {steps: [{run: docker build -t b .}]}}\n")
    assert run_token(cache(), "kubernetes") != before


HELM = """\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: helm upgrade --install web ./charts/web -f charts/web/values-prod.yaml
"""


def test_a_warm_run_follows_the_paths_a_deploy_names(pytester: pytest.Pytester) -> None:
    wf = pytester.path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(HELM, encoding="utf-8")
    chart = pytester.path / "charts" / "web"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    run = ("--devops-policy-only", "--devops-policy-select=XREF-001", "-v")
    first = pytester.runpytest(*run)
    first.stdout.fnmatch_lines(["*deploy.yml::job:deploy::XREF-001 FAILED*"])
    first.stdout.fnmatch_lines(["*values-prod.yaml*"])
    (chart / "values-prod.yaml").write_text("replicas: 2\n")
    pytester.runpytest(*run).assert_outcomes(passed=1)
    (chart / "values-prod.yaml").unlink()
    pytester.runpytest(*run).assert_outcomes(failed=1)


def test_a_warm_run_follows_a_kustomize_image_rename(pytester: pytest.Pytester) -> None:
    """XREF-003 links the base's ``storefront`` through the overlay's ``images:`` rename to
    the image a workflow builds: editing the overlay re-judges the base manifest."""
    import shutil
    from pathlib import Path

    case = Path(__file__).parent / "golden" / "XREF-003" / "fail_kustomize_renamed_image"
    shutil.copytree(case, pytester.path, dirs_exist_ok=True)
    run = ("--devops-policy-only", "--devops-policy-select=XREF-003", "-v")
    pytester.runpytest(*run).assert_outcomes(failed=1)
    overlay = pytester.path / "k8s" / "overlays" / "prod" / "kustomization.yaml"
    overlay.write_text(overlay.read_text().replace("acme/storefront", "acme/other"))
    # No link left: the base manifest did not change, its verdict did (no item).
    pytester.runpytest(*run).assert_outcomes()
