"""XREF-002: the CI-neutral decision (``indexes.xref_pushes``), the GitHub Actions facts
(``indexes.xref_pushes_gha``) and the policy on small repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.indexes.xref_pushes import (
    Built,
    Deployed,
    JobFacts,
    Offer,
    Opaque,
    judge,
    version_equal,
)
from pytest_devops_policy.indexes.xref_pushes_gha import opaque_command
from pytest_devops_policy.knowledge.xref.events import Origin
from pytest_devops_policy.knowledge.xref.templated import split_template
from pytest_devops_policy.policies.github_actions.xref_002_deployed_image_is_pushed import (
    deployed_image_is_pushed,
)
from pytest_devops_policy.testing import actual

SHA = "${{ github.sha }}"


@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        ("latest", SHA, False),  # a sha is 40 hex digits
        ("0123456789abcdef0123456789abcdef01234567", SHA, None),
        ("v1", "${{ github.run_number }}", False),
        ("42", "${{ github.run_number }}", None),
        ("latest", "${TAG}", None),  # any value
        ("sha-" + SHA, "latest", False),
        (SHA, "$GITHUB_SHA", True),
        ("v1", "v1", True),
    ],
)
def test_version_equal(a: str, b: str, want: bool | None) -> None:
    assert version_equal(split_template(a), split_template(b)) is want


@pytest.mark.parametrize(
    ("command", "opaque"),
    [
        ("./scripts/release.sh app:1", True),
        ("bash scripts/push.sh", True),
        ("bash -c 'docker push x'", True),
        ("python tools/publish.py", True),
        ("make push", True),
        ("make", True),
        ("make test lint", False),
        ("npm run deploy", True),
        ("npm ci", False),
        ("npm run test", False),
        ("./gradlew jib", True),
        ("./gradlew test", False),
        ("skaffold run", True),
        ("docker compose push", True),
        ("./kustomize edit set image a=b", False),
        ("kubectl apply -f k8s", False),
        ("echo hello", False),
        ("docker buildx bake --push", True),
        ("kind load image-archive app.tar", True),
        ("minikube image load app.tar", True),
        ("minikube image build -t app .", True),
        ("k3d image import app.tar -c dev", True),
        ("k3s ctr images import app.tar", True),
        ("kind load docker-image app:dev", False),
    ],
)
def test_opaque_commands(command: str, opaque: bool) -> None:
    assert (opaque_command(command.split()) is not None) is opaque


# -- the decision, CI-neutral ------------------------------------------------------------


def _origin(job: str, step: int, line: int) -> Origin:
    return Origin("ci.yml", job, step, "run", 0, 0, 1, ("steps", step, "run"), line, "cmd")


def _built(ref: str, job: str = "deploy", pos: int = 10) -> Built:
    return Built(split_template(ref), ref, _origin(job, pos, pos), pos)


def _offer(kind: str, ref: str, job: str = "deploy", pos: int = 20, maybe: bool = False) -> Offer:
    return Offer(kind, (split_template(ref),), _origin(job, pos, pos), pos, maybe)


def _deployed(ref: str, pos: int = 30, manifest: str | None = None) -> Deployed:
    return Deployed(split_template(ref), ref, _origin("deploy", pos, pos), pos, manifest)


APP = f"ghcr.io/acme/app:{SHA}"


def test_built_and_never_pushed_is_case_a() -> None:
    job = JobFacts("deploy", builds=(_built(APP),))
    decision = judge(_deployed(APP), job, [])
    assert decision is not None and (decision.status, decision.case) == ("fail", "a")


def test_an_external_image_is_out_of_scope() -> None:
    job = JobFacts("deploy", builds=(_built(APP),))
    assert judge(_deployed("nginx:1.27"), job, []) is None


def test_another_version_named_by_a_command_is_out_of_scope() -> None:
    job = JobFacts("deploy", builds=(_built(APP),), offers=(_offer("push", APP),))
    assert judge(_deployed("ghcr.io/acme/app:v1"), job, []) is None


def test_push_before_passes_and_after_fails_b() -> None:
    before = JobFacts("deploy", builds=(_built(APP),), offers=(_offer("push", APP, pos=20),))
    decision = judge(_deployed(APP, pos=30), before, [])
    assert decision is not None and decision.status == "pass"
    after = JobFacts("deploy", builds=(_built(APP),), offers=(_offer("push", APP, pos=40),))
    decision = judge(_deployed(APP, pos=30), after, [])
    assert decision is not None and (decision.status, decision.case) == ("fail", "b")


def test_needed_job_passes_parallel_job_races_c() -> None:
    build = JobFacts("build", builds=(_built(APP, "build"),), offers=(_offer("build-push", APP),))
    deploy = JobFacts("deploy")
    decision = judge(_deployed(APP), deploy, [build])
    assert decision is not None and decision.status == "pass"
    decision = judge(_deployed(APP), deploy, [], parallel=[build])
    assert decision is not None and (decision.status, decision.case) == ("fail", "c")


def test_a_dependent_job_pushes_too_late_b() -> None:
    build = JobFacts("build", builds=(_built(APP, "build"),))
    late = JobFacts("publish", offers=(_offer("push", APP, "publish"),))
    decision = judge(_deployed(APP), JobFacts("deploy"), [build], after=[late])
    assert decision is not None and (decision.status, decision.case) == ("fail", "b")


def test_side_load_and_cluster_daemon_pass() -> None:
    local = "app:dev"
    job = JobFacts("e2e", builds=(_built(local),), offers=(_offer("sideload", local),))
    assert judge(_deployed(local), job, []).status == "pass"  # type: ignore[union-attr]
    daemon = Offer("cluster-daemon", (), _origin("e2e", 5, 5), 5)
    job = JobFacts("e2e", builds=(_built(local),), offers=(daemon,))
    assert judge(_deployed(local), job, []).status == "pass"  # type: ignore[union-attr]


def test_manifest_pinning_another_tag_is_case_d() -> None:
    job = JobFacts("deploy", builds=(_built(APP),), offers=(_offer("build-push", APP),))
    pinned = _deployed("ghcr.io/acme/app:latest", manifest="k8s/web.yaml:19")
    decision = judge(pinned, job, [])
    assert decision is not None and (decision.status, decision.case) == ("fail", "d")
    # the repository is pushed under no tag at all: not this pipeline's image
    job = JobFacts("deploy", builds=(_built(APP),))
    assert judge(pinned, job, []) is None


@pytest.mark.parametrize(
    "change",
    [
        {"offers": (_offer("push", "ghcr.io/acme/app:${TAG}"),)},  # token equality
        {"offers": (_offer("build-push", APP, maybe=True),)},  # push: ${{ expr }}
        {"opaque": (Opaque("make push", _origin("deploy", 20, 20), 20),)},
        {"shared_store": "self-hosted runner"},
    ],
)
def test_undecidable_is_unknown(change: dict[str, object]) -> None:
    job = JobFacts("deploy", builds=(_built(APP),), **change)  # type: ignore[arg-type]
    decision = judge(_deployed(APP), job, [])
    assert decision is not None and decision.status == "unknown"


def test_an_opaque_step_before_the_build_cannot_push_it() -> None:
    early = Opaque("make deps-image", _origin("deploy", 5, 5), 5)
    job = JobFacts("deploy", builds=(_built(APP),), opaque=(early,))
    decision = judge(_deployed(APP), job, [])
    assert decision is not None and (decision.status, decision.case) == ("fail", "a")


def test_blockers_and_other_pipelines_make_it_unknown() -> None:
    job = JobFacts("deploy", builds=(_built(APP),))
    blocked = judge(_deployed(APP), job, [], blockers=["workflow_run upstream not read"])
    assert blocked is not None and blocked.status == "unknown"
    release = _offer("push", APP, "release")
    other = judge(_deployed(APP), job, [], elsewhere=[release])
    assert other is not None and other.status == "unknown"


# -- the policy on small repositories ----------------------------------------------------


def _repo(tmp_path: Path, workflow: str, files: dict[str, str] | None = None) -> Path:
    wf = tmp_path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(workflow, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.27\n", encoding="utf-8")
    for rel, text in (files or {}).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return wf


def _run(tmp_path: Path, wf: Path, settings: dict[str, object] | None = None) -> tuple[int, bool]:
    got = actual(wf, deployed_image_is_pushed, settings or {}, tmp_path, [tmp_path])
    return len(got.violations), "XREF-002" in got.unknown


BUILD_ONLY = f"""\
on: {{trigger}}
jobs:
  deploy:
    runs-on: {{runner}}
    steps:
      - run: docker build -t ghcr.io/acme/app:{SHA} .
      - run: kubectl set image deployment/web web=ghcr.io/acme/app:{SHA}
"""


@pytest.mark.parametrize(
    ("trigger", "runner", "want"),
    [
        ("push", "ubuntu-latest", (1, False)),
        ("{workflow_run: {workflows: [ci], types: [completed]}}", "ubuntu-latest", (0, True)),
        ("push", "[self-hosted, linux]", (0, True)),
    ],
)
def test_triggers_and_runners(tmp_path: Path, trigger: str, runner: str, want: object) -> None:
    wf = _repo(tmp_path, BUILD_ONLY.format(trigger=trigger, runner=runner))
    assert _run(tmp_path, wf) == want


def test_remote_reusable_workflow_in_the_closure_is_unknown(tmp_path: Path) -> None:
    wf = _repo(
        tmp_path,
        f"""\
on: push
jobs:
  publish:
    uses: acme/workflows/.github/workflows/publish.yml@v1
  deploy:
    needs: publish
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t ghcr.io/acme/app:{SHA} .
      - run: kubectl set image deployment/web web=ghcr.io/acme/app:{SHA}
""",
    )
    assert _run(tmp_path, wf) == (0, True)


def test_local_reusable_workflow_is_read(tmp_path: Path) -> None:
    callee = f"""\
on: workflow_call
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:{SHA}
"""
    caller = f"""\
on: push
jobs:
  build:
    uses: ./.github/workflows/image.yml
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/web web=ghcr.io/acme/app:{SHA}
"""
    wf = _repo(tmp_path, caller, {".github/workflows/image.yml": callee})
    assert _run(tmp_path, wf) == (0, False)
    # without the needs, the callee's push races the deploy (c)
    wf.write_text(caller.replace("    needs: build\n", ""), encoding="utf-8")
    assert _run(tmp_path, wf) == (1, False)


def test_a_link_through_env_is_medium_confidence(tmp_path: Path) -> None:
    wf = _repo(
        tmp_path,
        """\
on: push
env:
  IMAGE: ghcr.io/acme/app
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t $IMAGE:$GITHUB_SHA .
      - run: kubectl set image deployment/web web=$IMAGE:$GITHUB_SHA
""",
    )
    assert _run(tmp_path, wf) == (1, False)
    assert _run(tmp_path, wf, {"xref.min_link_confidence": "high"}) == (0, True)


def test_apply_then_set_image_judges_the_set_ref_only(tmp_path: Path) -> None:
    manifest = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/app:latest
"""
    wf = _repo(
        tmp_path,
        f"""\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t ghcr.io/acme/app:{SHA} . && docker push ghcr.io/acme/app:{SHA}
      - run: |
          kubectl apply -f k8s/
          kubectl set image deployment/web web=ghcr.io/acme/app:{SHA}
""",
        {"k8s/web.yaml": manifest},
    )
    assert _run(tmp_path, wf) == (0, False)


CONDITIONAL = f"""\
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: ${{{{ github.event_name != 'pull_request' }}}}
          tags: ghcr.io/acme/app:{SHA}
  deploy:
    needs: build
    if: GUARD
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/web web=ghcr.io/acme/app:{SHA}
"""


@pytest.mark.parametrize(
    ("guard", "want"),
    [
        ("github.event_name != 'pull_request'", (0, False)),  # the same test guards both
        ("github.ref == 'refs/heads/main' && github.event_name != 'pull_request'", (0, False)),
        ("github.ref == 'refs/heads/main'", (0, True)),  # a PR may still deploy: unknown
    ],
)
def test_a_push_condition_the_deploy_shares(tmp_path: Path, guard: str, want: object) -> None:
    wf = _repo(tmp_path, CONDITIONAL.replace("GUARD", guard))
    assert _run(tmp_path, wf) == want


def test_an_edit_the_readers_do_not_see_skips_the_manifest(tmp_path: Path) -> None:
    manifest = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/app:latest
"""
    steps = {
        "plain": "",
        "perl": f"      - run: perl -pi -e 's/latest/{SHA}/' k8s/web.yaml\n",
        "action": "      - uses: cschleiden/replace-tokens@v1\n",
    }
    for name, step in steps.items():
        root = tmp_path / name
        root.mkdir()
        wf = _repo(
            root,
            f"""\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t ghcr.io/acme/app:{SHA} . && docker push ghcr.io/acme/app:{SHA}
{step}      - run: kubectl apply -f k8s/
""",
            {"k8s/web.yaml": manifest},
        )
        assert _run(root, wf) == ((1, False) if name == "plain" else (0, False)), name
