"""XREF-001/006 decision logic (indexes/xref_deploys.py): which events are read, the
knobs, and the cases the golden trees do not pin (N/A, confidence threshold, -R, globs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.api import get_policy
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes import xref_deploys as xd
from pytest_devops_policy.indexes.xref_facts import WORKLOAD_KINDS
from pytest_devops_policy.knowledge.xref.events import DeployEvent, Origin, Target
from pytest_devops_policy.options import Options
from pytest_devops_policy.options.xref import _object_globs
from pytest_devops_policy.policies.github_actions.xref_001_deploy_target_exists import (
    deploy_target_exists,
)
from pytest_devops_policy.policies.github_actions.xref_006_apply_namespace_consistent import (
    apply_namespace_consistent,
)
from pytest_devops_policy.testing import actual

ORIGIN = Origin("w.yml", "deploy", 0, "run", 0, 0, 1, ("steps", 0, "run"), 1, "kubectl")
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
{namespace}spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
"""


def _event(verb: str, **kw: object) -> DeployEvent:
    return DeployEvent(origin=ORIGIN, cwd=".", tool="kubectl", verb=verb, **kw)  # type: ignore[arg-type]


def test_the_workload_kinds_are_the_index_s() -> None:
    assert xd.WORKLOAD_KINDS == WORKLOAD_KINDS


def test_which_events_each_policy_reads() -> None:
    web = (Target("Deployment", "deployment", "web"),)
    named = _event("set-image", targets=web, images=(("web", "x"),))
    selector = _event("rollout", targets=(Target("Deployment", "deploy", None, "app=web"),))
    apply_ns = _event("apply", namespace="prod", files=("k8s/",))
    apply_plain = _event("apply", files=("k8s/",))
    get = _event("delete", targets=web)
    helm = _event("helm", chart="./charts/web")
    edit = _event("kustomize-set-image", images=(("app", "ghcr.io/acme/app:1"),))
    events = [named, selector, apply_ns, apply_plain, get, helm, edit]
    assert xd.target_events(events) == [named, selector, helm, edit]
    assert xd.namespace_events(events) == [apply_ns]


@pytest.mark.parametrize(
    ("kind", "ns", "name", "hit"),
    [
        ("Deployment", "prod", "legacy-billing", True),
        ("Deployment", None, "legacy-billing", True),  # no -n: any namespace
        ("StatefulSet", "prod", "legacy-billing", False),
        ("Deployment", "prod", "billing", False),
    ],
)
def test_external_object_globs(kind: str, ns: str | None, name: str, hit: bool) -> None:
    settings = xd.Settings(external_objects=("deployment/*/legacy-*",))
    assert (xd._external(settings, kind, ns, name) is not None) is hit


def test_external_objects_must_be_kind_namespace_name() -> None:
    assert _object_globs(["Deployment/*/legacy-*"]) == ("Deployment/*/legacy-*",)
    with pytest.raises(ValueError, match="Kind/namespace/name"):
        _object_globs(["Deployment/legacy-*"])


def test_directory_reads_are_not_recursive_without_r(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.yaml").write_text("")
    (tmp_path / "sub" / "b.yaml").write_text("")
    top = xd._directory(str(tmp_path), recursive=False)
    assert [Path(p).name for p in top] == ["a.yaml"]
    assert [Path(p).name for p in xd._directory(str(tmp_path), recursive=True)] == [
        "a.yaml",
        "b.yaml",
    ]


def test_not_found_errors_spell_kubectl_resources() -> None:
    assert xd._resource("Deployment") == "deployments.apps"
    assert xd._resource("CronJob") == "cronjobs.batch"
    assert xd._resource("Service") == "services"


def _repo(tmp_path: Path, script: str, manifest: str | None) -> Path:
    wf = tmp_path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@v4\n      - run: {script}\n",
        encoding="utf-8",
    )
    if manifest is not None:
        (tmp_path / "k8s").mkdir()
        (tmp_path / "k8s" / "web.yaml").write_text(manifest, encoding="utf-8")
    return wf


def test_no_kubernetes_in_the_run_is_not_applicable(tmp_path: Path) -> None:
    wf = _repo(tmp_path, "kubectl set image deployment/web app=x:1", None)
    result = actual(wf, deploy_target_exists, rootdir=tmp_path)
    assert not result.violations and not result.unknown


def test_a_job_without_deploys_has_no_item(tmp_path: Path) -> None:
    wf = _repo(tmp_path, "kubectl get pods -n prod", DEPLOYMENT.format(namespace=""))
    cache = ParseCache(str(tmp_path), [str(tmp_path)])
    parsed = cache.get(str(wf), "github-actions")
    jobs = [s for s in getattr(parsed, "subjects", ()) if isinstance(s, Job)]
    context = Context(Options.from_flat({}, kinds.option_classes()), cache)
    assert jobs
    for policy in (deploy_target_exists, apply_namespace_consistent):
        meta = get_policy(policy)
        assert meta is not None
        assert not any(meta.applies_to(j, context) for j in jobs)


def test_a_threshold_above_explicit_names_makes_it_unknown(tmp_path: Path) -> None:
    wf = _repo(
        tmp_path, "kubectl set image deployment/web app=x:1", DEPLOYMENT.format(namespace="")
    )
    strict = actual(
        wf, deploy_target_exists, {"xref.min_link_confidence": "declared"}, rootdir=tmp_path
    )
    assert not strict.violations and strict.unknown == {"XREF-001"}
    assert actual(wf, deploy_target_exists, rootdir=tmp_path).violations


def test_namespace_object_in_the_given_namespace_or_none(tmp_path: Path) -> None:
    wf = _repo(
        tmp_path,
        "kubectl apply -n prod -f k8s/web.yaml",
        DEPLOYMENT.format(namespace="  namespace: prod\n"),
    )
    result = actual(wf, apply_namespace_consistent, rootdir=tmp_path)
    assert not result.violations and not result.unknown


def test_namespace_without_n_is_not_applicable(tmp_path: Path) -> None:
    wf = _repo(
        tmp_path,
        "kubectl apply -f k8s/web.yaml",
        DEPLOYMENT.format(namespace="  namespace: staging\n"),
    )
    result = actual(wf, apply_namespace_consistent, rootdir=tmp_path)
    assert not result.violations and not result.unknown


def test_namespace_mismatch_found_through_a_glob(tmp_path: Path) -> None:
    wf = _repo(
        tmp_path,
        "kubectl apply -n prod -f 'k8s/*.yaml'",
        DEPLOYMENT.format(namespace="  namespace: staging\n"),
    )
    result = actual(wf, apply_namespace_consistent, rootdir=tmp_path)
    assert result.violations == {(7, "XREF-006")}


@pytest.mark.parametrize(
    ("name", "image", "hit"),
    [
        ("app", "app", True),
        ("app", "app:1.0", True),
        ("app", "app@sha256:abc", True),
        ("gcr.io/PROJECT_ID/IMAGE:TAG", "gcr.io/PROJECT_ID/IMAGE:TAG", True),  # starter workflow
        ("app", "app-worker:1", False),
        ("acme/web", "ghcr.io/acme/web:1", False),
    ],
)
def test_kustomize_image_names_match_as_kustomize_does(name: str, image: str, hit: bool) -> None:
    assert xd.kustomize_matches(name, image) is hit
