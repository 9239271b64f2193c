"""Deployment units (issue item 1, "Unset namespaces match anything").

Cross-object verdicts relate objects only inside a deployment unit (what is applied
together: a kustomize root with its bases, a rendered chart, else a directory), an unset
namespace is the namespace the unit is applied to (not every namespace), and a file several
units apply is judged in each of them.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import parse_junit

from pytest_devops_policy import kinds
from pytest_devops_policy.api import Unknown, Violation, get_policy
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import Finding, evaluate
from pytest_devops_policy.formats.kubernetes.kustomize import read_kustomization
from pytest_devops_policy.indexes import k8s_run
from pytest_devops_policy.indexes.k8s_units import group_units
from pytest_devops_policy.indexes.k8s_verdicts import merge_verdicts
from pytest_devops_policy.indexes.kubernetes import kustomize_map
from pytest_devops_policy.policies import builtin_by_id

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _ns(namespace: str | None) -> str:
    return f"\n  namespace: {namespace}" if namespace else ""


def deployment(name: str, namespace: str | None = None, replicas: int | None = 3) -> str:
    count = f"\n  replicas: {replicas}" if replicas is not None else ""
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}{_ns(namespace)}
spec:{count}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: registry.example.com/{name}:1.0.0
"""


def pdb(name: str, namespace: str | None = None) -> str:
    return f"""\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}{_ns(namespace)}
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {{app: {name}}}
"""


def netpol(name: str, namespace: str | None = None) -> str:
    return f"""\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}{_ns(namespace)}
spec:
  podSelector:
    matchLabels: {{app: {name}}}
  policyTypes: [Ingress]
  ingress:
    - ports: [{{port: 8080}}]
"""


def limit_range(namespace: str | None = None) -> str:
    return f"""\
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults{_ns(namespace)}
spec:
  limits:
    - type: Container
      default: {{cpu: 500m, memory: 256Mi}}
      defaultRequest: {{cpu: 100m, memory: 128Mi}}
"""


def service(name: str, namespace: str | None = None) -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {name}{_ns(namespace)}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8080}}]
"""


def hpa(name: str, target: str, low: int = 2, namespace: str | None = None) -> str:
    return f"""\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}{_ns(namespace)}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
  minReplicas: {low}
  maxReplicas: 10
"""


def kustomization(*resources: str, namespace: str | None = None) -> str:
    ns = f"namespace: {namespace}\n" if namespace else ""
    return ns + "resources:\n" + "".join(f"  - {r}\n" for r in resources)


def _findings(
    root: Path, rel: str, policy_id: str, settings: dict[str, Any] | None = None
) -> list[Finding]:
    """The policy's findings on every applicable object of ``rel``, the run being ``root``."""
    meta = get_policy(builtin_by_id()[policy_id])
    assert meta is not None
    cache = ParseCache(str(root))
    context = Context(dict(settings or {}), cache)
    parsed = cache.get(str(root / rel), "kubernetes")
    assert not isinstance(parsed, Exception)
    parsed = kinds.by_name("kubernetes").format.adjust(parsed, context)
    return [evaluate(meta, s, context) for s in parsed.subjects if meta.applies_to(s, context)]


def _verdict(finding: Finding) -> str:
    if finding.violations:
        return "failed"
    return "unknown" if finding.unknowns else "passed"


def _one(root: Path, rel: str, policy_id: str, settings: dict[str, Any] | None = None) -> Finding:
    (finding,) = _findings(root, rel, policy_id, settings)
    return finding


# -- grouping ---------------------------------------------------------------------------------


def test_units_follow_kustomize_roots_directories_and_unit_roots(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "base/kustomization.yaml": kustomization("web.yaml"),
            "base/web.yaml": deployment("web"),
            "overlays/a/kustomization.yaml": kustomization("../../base", "hpa.yaml", namespace="a"),
            "overlays/a/hpa.yaml": hpa("web", "web"),
            "overlays/b/kustomization.yaml": kustomization(
                "../../base", "https://example.com/remote.yaml", "../../elsewhere", namespace="b"
            ),
            "plain/app.yaml": deployment("app"),
            "plain/sub/pdb.yaml": pdb("app"),
            "tree/app.yaml": deployment("tree"),
            "tree/sub/pdb.yaml": pdb("tree"),
        },
    )
    cache = ParseCache(str(tmp_path))
    run = k8s_run.the_run(cache)
    units = group_units(run.manifests, run.kustomize, cache.relpath, ["tree"])
    labels = {
        cache.relpath(path): [u.label for u in units.units_of(path)] for path in run.manifests
    }
    assert labels == {
        # A base reached from two overlays belongs to both; base/ alone is no unit.
        "base/web.yaml": ["kustomization overlays/a/", "kustomization overlays/b/"],
        "overlays/a/hpa.yaml": ["kustomization overlays/a/"],
        # Subdirectories are units of their own (kubectl apply -f does not recurse)...
        "plain/app.yaml": ["directory plain/"],
        "plain/sub/pdb.yaml": ["directory plain/sub/"],
        # ...unless k8s.unit_roots names the tree.
        "tree/app.yaml": ["directory tree tree/"],
        "tree/sub/pdb.yaml": ["directory tree tree/"],
    }
    (b,) = [u for u in units.members if u.label == "kustomization overlays/b/"]
    assert b.unseen == ("https://example.com/remote.yaml", "elsewhere")
    namespaces = {u.label: dict(m) for u, m in units.members.items()}
    assert namespaces["kustomization overlays/a/"][str(tmp_path / "base/web.yaml")] == "a"
    assert namespaces["kustomization overlays/b/"][str(tmp_path / "base/web.yaml")] == "b"
    assert run.kustomize.namespace(str(tmp_path / "base/web.yaml")) is None  # they disagree


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (
            ["deploy/*"],
            {"deploy/a/x.yaml": "tree deploy/a/", "deploy/a/b/y.yaml": "tree deploy/a/"},
        ),
        (["*"], {"deploy/a/x.yaml": "tree deploy/", "deploy/a/b/y.yaml": "tree deploy/"}),
        (
            ["./deploy/a/"],
            {"deploy/a/x.yaml": "tree deploy/a/", "deploy/a/b/y.yaml": "tree deploy/a/"},
        ),
        (["deploy/a/b"], {"deploy/a/x.yaml": "deploy/a/", "deploy/a/b/y.yaml": "tree deploy/a/b/"}),
        ([], {"deploy/a/x.yaml": "deploy/a/", "deploy/a/b/y.yaml": "deploy/a/b/"}),
    ],
)
def test_unit_roots_match_a_glob_per_path_segment(
    tmp_path: Path, patterns: list[str], expected: dict[str, str]
) -> None:
    _write(tmp_path, {"deploy/a/x.yaml": pdb("x"), "deploy/a/b/y.yaml": pdb("y")})
    cache = ParseCache(str(tmp_path))
    run = k8s_run.the_run(cache)
    units = group_units(run.manifests, run.kustomize, cache.relpath, patterns)
    found = {
        cache.relpath(p): units.units_of(p)[0].label.removeprefix("directory ")
        for p in run.manifests
    }
    assert found == expected


def test_rendered_charts_are_one_unit_each(tmp_path: Path) -> None:
    chart = str(tmp_path / "chart")
    templates = {f"{chart}/templates/a.yaml": chart, f"{chart}/templates/sub/b.yaml": chart}
    units = group_units([], kustomize_map([], lambda p: None), lambda p: p, (), templates)
    assert {u.label for t in templates for u in units.units_of(t)} == {f"chart {chart}/"}


def test_helm_charts_of_a_kustomization_are_unseen(tmp_path: Path) -> None:
    text = "resources: [web.yaml]\nhelmCharts:\n  - name: redis\n    repo: https://x\n"
    k = read_kustomization(str(tmp_path / "kustomization.yaml"), text)
    assert k is not None and k.remote == ("helm chart redis",)


# -- (a) a directory scanned alone or beside another gives the same verdicts ------------------

INSECURE = {
    "insecure/k8s/web.yaml": deployment("web")
    + """\
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: busybox:1.36
""",
}
HARDENED = {
    "hardened/k8s/web.yaml": "---\n".join(
        (limit_range("shop"), netpol("web", "shop"), pdb("web", "shop"))
    )
    + "---\n"
    + deployment("web", "shop").replace(
        "          image:", "          resources: {limits: {cpu: 1, memory: 1Gi}}\n          image:"
    ),
}


def _run(pytester: pytest.Pytester, *args: str) -> dict[str, str]:
    """Node id -> outcome of the Kubernetes items."""
    junit = pytester.path / "out.xml"
    pytester.runpytest(
        "--devops-policy-only",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
        *args,
    )
    cases = parse_junit(junit)
    return {
        f"{c.properties['file']}::{c.properties['resource']}::{c.properties['policy_id']}": (
            c.outcome
        )
        for c in cases.values()
        if c.properties.get("kind") == "kubernetes"
    }


def test_insecure_verdicts_do_not_change_beside_hardened(pytester: pytest.Pytester) -> None:
    _write(pytester.path, {**INSECURE, **HARDENED})
    alone = _run(pytester, "insecure")
    beside = {k: v for k, v in _run(pytester, ".").items() if k.startswith("insecure/")}
    assert alone == beside
    web = "insecure/k8s/web.yaml::Deployment/web::"
    for policy_id in ("K8S-010", "K8S-019", "K8S-026"):
        assert alone[web + policy_id] == "failed", policy_id
    assert alone["insecure/k8s/web.yaml::CronJob/nightly-report::K8S-010"] == "failed"
    # The hardened objects still cover each other.
    hardened = "hardened/k8s/web.yaml::Deployment/shop/web::"
    assert _run(pytester, ".")[hardened + "K8S-019"] == "passed"


def test_bundled_examples_insecure_alone_and_with_the_rest(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLES, pytester.path / "examples", symlinks=True)
    alone = _run(pytester, "examples/insecure")
    whole = _run(pytester, "examples")
    assert alone == {k: v for k, v in whole.items() if k.startswith("examples/insecure/")}
    assert alone["examples/insecure/k8s/web.yaml::Deployment/web::K8S-010"] == "failed"


# -- (b) a base and two overlays, each with its own HPA ----------------------------------------


def _overlays(root: Path, b_low: int = 3, b_extra: str = "") -> None:
    files = {
        "base/kustomization.yaml": kustomization("web.yaml", "svc.yaml"),
        "base/web.yaml": deployment("web", replicas=None),
        "base/svc.yaml": service("web"),
        "overlays/a/kustomization.yaml": kustomization("../../base", "hpa.yaml", namespace="a"),
        "overlays/a/hpa.yaml": hpa("web", "web", low=2),
        "overlays/b/kustomization.yaml": kustomization(
            "../../base", "hpa.yaml", *(["extra.yaml"] if b_extra else []), namespace="b"
        ),
        "overlays/b/hpa.yaml": hpa("web", "web", low=b_low),
    }
    if b_extra:
        files["overlays/b/extra.yaml"] = b_extra
    _write(root, files)


def test_base_is_not_judged_against_two_overlays_hpas_at_once(tmp_path: Path) -> None:
    _overlays(tmp_path)
    finding = _one(tmp_path, "base/web.yaml", "K8S-028")
    # Before: "targeted by 2 HorizontalPodAutoscalers ... which fight over its replica count".
    assert _verdict(finding) == "passed", finding


def test_overlays_that_disagree_make_the_base_unknown(tmp_path: Path) -> None:
    _overlays(tmp_path, b_low=1)
    finding = _one(tmp_path, "base/web.yaml", "K8S-028")
    assert _verdict(finding) == "unknown"
    (reason,) = finding.unknowns
    assert "the deployment units that apply this file disagree" in reason
    assert "fails in kustomization overlays/b/ (HorizontalPodAutoscaler/web" in reason
    assert "passes in kustomization overlays/a/" in reason


def test_overlay_hpa_whose_target_is_not_in_its_unit_fails(tmp_path: Path) -> None:
    _overlays(tmp_path, b_extra=hpa("api", "backend"))
    (finding,) = _findings(tmp_path, "overlays/b/extra.yaml", "K8S-028")
    (violation,) = finding.violations
    assert violation.message.startswith(
        "scaleTargetRef names Deployment/backend, which is not in namespace b of "
        "kustomization overlays/b/ (its Deployments: web)"
    )
    assert violation.line == 6  # the scaleTargetRef line
    # The overlay's own HPA names a Deployment of its unit.
    (own,) = _findings(tmp_path, "overlays/b/hpa.yaml", "K8S-028")
    assert _verdict(own) == "passed"


def test_podinfo_frontend_hpa_targeting_backend_is_reported(tmp_path: Path) -> None:
    # deploy/webapp/{backend,frontend} are applied one directory at a time (their README).
    _write(
        tmp_path,
        {
            "webapp/backend/deployment.yaml": deployment("backend", "webapp", replicas=None),
            "webapp/backend/hpa.yaml": hpa("backend", "backend", namespace="webapp"),
            "webapp/backend/service.yaml": service("backend", "webapp"),
            "webapp/frontend/deployment.yaml": deployment("frontend", "webapp", replicas=None),
            "webapp/frontend/hpa.yaml": hpa("frontend", "backend", namespace="webapp"),
            "webapp/frontend/service.yaml": service("frontend", "webapp"),
        },
    )
    (dangling,) = _findings(tmp_path, "webapp/frontend/hpa.yaml", "K8S-028")
    assert _verdict(dangling) == "failed"
    assert "Deployment/backend, which is not in namespace webapp of directory" in (
        dangling.violations[0].message
    )
    # The frontend Deployment it was meant for runs without an autoscaler.
    frontend = _one(tmp_path, "webapp/frontend/deployment.yaml", "K8S-028")
    assert "no HorizontalPodAutoscaler targets it" in frontend.violations[0].message
    # Applied as one tree, both HPAs land on backend: the fight is the finding.
    tree = {"k8s.unit_roots": ["webapp"]}
    backend = _one(tmp_path, "webapp/backend/deployment.yaml", "K8S-028", tree)
    assert any("fight over its replica count" in v.message for v in backend.violations)
    (same_unit,) = _findings(tmp_path, "webapp/frontend/hpa.yaml", "K8S-028", tree)
    assert _verdict(same_unit) == "passed"


def test_a_verdict_that_holds_in_every_overlay_is_kept(tmp_path: Path) -> None:
    _overlays(tmp_path)
    finding = _one(tmp_path, "base/web.yaml", "K8S-026")  # no budget in either overlay
    messages = sorted(v.message for v in finding.violations)
    assert len(messages) == 2  # one per overlay: the namespaces differ
    assert "in namespace a selects its pods (in kustomization overlays/a/)" in messages[0]
    assert "in namespace b selects its pods (in kustomization overlays/b/)" in messages[1]


def test_hpa_target_custom_kinds_and_templates_are_unknown(tmp_path: Path) -> None:
    custom = hpa("x", "x").replace("apiVersion: apps/v1, kind: Deployment", "kind: Widget")
    templated = hpa("y", "{{ .Values.name }}").replace("{{ .Values.name }}", "'{{ .Values.name }}'")
    _write(tmp_path, {"custom.yaml": custom, "templated.yaml": templated})
    assert _verdict(_one(tmp_path, "custom.yaml", "K8S-028")) == "unknown"
    assert _verdict(_one(tmp_path, "templated.yaml", "K8S-028")) == "unknown"


# -- (c) unset and explicit namespaces in one unit ---------------------------------------------


@pytest.mark.parametrize(
    ("cover", "policy_id"),
    [(netpol, "K8S-019"), (pdb, "K8S-026")],
)
def test_unset_workload_and_explicit_cover_is_unknown(
    tmp_path: Path, cover: Any, policy_id: str
) -> None:
    _write(tmp_path, {"app/web.yaml": deployment("web"), "app/cover.yaml": cover("web", "shop")})
    finding = _one(tmp_path, "app/web.yaml", policy_id)
    assert _verdict(finding) == "unknown"
    (reason,) = finding.unknowns
    assert "would count if this object were applied into namespace shop" in reason
    assert "directory app/" in reason
    # Saying what unset means settles it, either way.
    settled = _one(tmp_path, "app/web.yaml", policy_id, {"k8s.default_namespace": "shop"})
    assert _verdict(settled) == "passed"
    other = _one(tmp_path, "app/web.yaml", policy_id, {"k8s.default_namespace": "billing"})
    assert _verdict(other) == "failed"


def test_explicit_workload_and_unset_cover_is_unknown(tmp_path: Path) -> None:
    _write(tmp_path, {"app/web.yaml": deployment("web", "shop"), "app/pdb.yaml": pdb("web")})
    finding = _one(tmp_path, "app/web.yaml", "K8S-026")
    (reason,) = finding.unknowns
    assert "sets no namespace: it lands wherever directory app/ is applied" in reason
    assert "need not be namespace shop" in reason


def test_budget_over_pods_of_uncertain_namespace_is_unknown(tmp_path: Path) -> None:
    strict = pdb("web", "shop").replace("maxUnavailable: 1", "minAvailable: 3")
    _write(tmp_path, {"web.yaml": deployment("web"), "pdb.yaml": strict})
    finding = _one(tmp_path, "pdb.yaml", "K8S-027")
    assert _verdict(finding) == "unknown"
    assert any("the pods it guards are uncertain" in u for u in finding.unknowns)
    assert any("matches no workload certainly in its namespace" in u for u in finding.unknowns)
    # Known to share the namespace, the budget blocks every eviction.
    same = _one(tmp_path, "pdb.yaml", "K8S-027", {"k8s.default_namespace": "shop"})
    assert "minAvailable 3 is not below the 3 pods it guards" in same.violations[0].message


def test_unset_namespaces_of_one_unit_match_each_other(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/web.yaml": deployment("web"),
            "app/pdb.yaml": pdb("web"),
            "app/netpol.yaml": netpol("web"),
            "app/limits.yaml": limit_range(),
        },
    )
    for policy_id in ("K8S-010", "K8S-019", "K8S-026"):
        assert _verdict(_one(tmp_path, "app/web.yaml", policy_id)) == "passed", policy_id


def test_explicit_limit_range_and_unset_workload_is_unknown(tmp_path: Path) -> None:
    _write(tmp_path, {"web.yaml": deployment("web"), "limits.yaml": limit_range("shop")})
    finding = _one(tmp_path, "web.yaml", "K8S-010")
    assert _verdict(finding) == "unknown"
    assert "sets no resources.requests.cpu" in finding.unknowns[0]


def test_unrelated_directories_do_not_cover_each_other(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/web.yaml": deployment("web", "shop"),
            "policies/netpol.yaml": netpol("web", "shop"),
            "policies/pdb.yaml": pdb("web", "shop"),
        },
    )
    for policy_id in ("K8S-019", "K8S-026"):
        assert _verdict(_one(tmp_path, "app/web.yaml", policy_id)) == "failed", policy_id
        tree = {"k8s.unit_roots": ["."]}
        assert _verdict(_one(tmp_path, "app/web.yaml", policy_id, tree)) == "passed"


def test_resources_the_run_cannot_read_make_an_absence_unknown(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "overlay/kustomization.yaml": kustomization(
                "web.yaml", "github.com/acme/policies//budgets?ref=v1", namespace="shop"
            ),
            "overlay/web.yaml": deployment("web"),
        },
    )
    finding = _one(tmp_path, "overlay/web.yaml", "K8S-026")
    (reason,) = finding.unknowns
    assert "also applies github.com/acme/policies//budgets?ref=v1" in reason


def test_readiness_only_if_service_with_a_maybe_service_is_unknown(tmp_path: Path) -> None:
    _write(tmp_path, {"web.yaml": deployment("web"), "svc.yaml": service("web", "shop")})
    settings = {"k8s.readiness_only_if_service": True}
    finding = _one(tmp_path, "web.yaml", "K8S-012", settings)
    assert _verdict(finding) == "unknown"
    assert "only a Service of uncertain namespace selects the pods" in finding.unknowns[0]


# -- the result cache --------------------------------------------------------------------------


def _token(root: Path, rel: str) -> str:
    cache = ParseCache(str(root))
    return k8s_run.cache_token(str(root / rel), Context({}, cache))


def test_cache_token_covers_every_unit_of_the_file(tmp_path: Path) -> None:
    _overlays(tmp_path)
    _write(tmp_path, {"unrelated/web.yaml": deployment("other")})
    before = _token(tmp_path, "base/web.yaml")
    _write(tmp_path, {"unrelated/web.yaml": deployment("other", replicas=5)})
    assert _token(tmp_path, "base/web.yaml") == before  # another unit
    _write(tmp_path, {"overlays/b/hpa.yaml": hpa("web", "web", low=4)})
    assert _token(tmp_path, "base/web.yaml") != before  # an object of one of its units


CROSS_POLICY = """
from pytest_devops_policy import Severity, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import workloads

@policy(id="ACME-010", name="needs-pdb", title="t", severity=Severity.MEDIUM,
        rationale="r", remediation="m", applies=workloads)
def needs_pdb(k8s_object, context):
    if not context.index(k8s_object).pdbs_selecting(k8s_object):
        yield Violation("no PodDisruptionBudget selects the pods")

def pytest_devops_policy_add_policies(config):
    return [needs_pdb]
"""


def test_warm_run_sees_a_change_in_another_directory_of_the_unit(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CROSS_POLICY)
    _write(
        pytester.path,
        {
            "base/kustomization.yaml": kustomization("web.yaml"),
            "base/web.yaml": deployment("web"),
            "overlay/kustomization.yaml": kustomization("../base", "pdb.yaml", namespace="a"),
            "overlay/pdb.yaml": pdb("web"),
        },
    )
    args = ("-p", "no:devops_policy.builtin", "--devops-policy-only", "-k", "Deployment")
    assert pytester.runpytest(*args).parseoutcomes().get("passed") == 1
    _write(pytester.path, {"overlay/pdb.yaml": pdb("api")})  # base/web.yaml unchanged
    assert pytester.runpytest(*args).parseoutcomes().get("failed") == 1


# -- combining per-unit verdicts ---------------------------------------------------------------


def test_merge_verdicts() -> None:
    bad, other = Violation("bad", path=("spec",)), Violation("worse", line=3)
    doubt = Unknown("cannot tell")
    assert list(merge_verdicts([("a", []), ("b", [])])) == []
    assert list(merge_verdicts([("a", [bad]), ("b", [bad])])) == [bad]
    assert [v.message for v in merge_verdicts([("a", [bad]), ("b", [other])])] == [  # type: ignore[union-attr]
        "bad (in a)",
        "worse (in b)",
    ]
    (mixed,) = merge_verdicts([("a", [bad]), ("b", []), ("c", [bad]), ("d", [doubt])])
    assert isinstance(mixed, Unknown)
    assert mixed.reason == (
        "the deployment units that apply this file disagree: fails in a, c (bad); "
        "cannot be decided in d (cannot tell); passes in b"
    )
    assert list(merge_verdicts([("a", [doubt]), ("b", [doubt])])) == [doubt]
    # An Unknown carries no secret to mask: a secret in a summarised message is masked.
    token = "sk_live_abcdefghijklmnop1234"
    leaked = Violation(f"token {token} in env", secret=token)
    (summary,) = merge_verdicts([("a", [leaked]), ("b", [])])
    assert isinstance(summary, Unknown) and token not in summary.reason
