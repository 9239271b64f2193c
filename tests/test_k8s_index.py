"""The run-wide Kubernetes index: selectors, kustomize facts, scopes, caching and xdist."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.kubernetes.kustomize import read_kustomization
from pytest_devops_policy.indexes import k8s_run
from pytest_devops_policy.indexes.k8s_units import Unit
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex, _target_of, pdb_selects
from pytest_devops_policy.knowledge.kubernetes.selectors import (
    label_selector_matches,
    map_selector_matches,
    selector_text,
)

pytest_plugins = ["pytester"]

WEB = {"app": "web", "tier": "front"}


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"app": "web"}, WEB, True),
        ({"app": "web", "tier": "back"}, WEB, False),
        ({}, WEB, False),  # an empty Service selector selects nothing
        (None, WEB, False),
        ({"enabled": True}, {"enabled": "true"}, True),  # YAML 1.1 booleans are label text
    ],
)
def test_map_selectors(selector: object, labels: dict[str, str], expected: bool) -> None:
    assert map_selector_matches(selector, labels) is expected


@pytest.mark.parametrize(
    ("selector", "empty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        (None, True, True),
        ({"matchLabels": {"app": "web"}}, True, True),
        ({"matchLabels": {"app": "api"}}, True, False),
        ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}, True, True),
        (
            {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]},
            True,
            False,
        ),
        ({"matchExpressions": [{"key": "gone", "operator": "NotIn", "values": ["x"]}]}, True, True),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, True, True),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, True, False),
        ({"matchExpressions": [{"key": "tier", "operator": "Gt", "values": ["1"]}]}, True, False),
        (
            {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["back"]}],
            },
            True,
            False,
        ),
        ({"matchLabels": "app=web"}, True, False),  # malformed: selects nothing
    ],
)
def test_label_selectors(selector: object, empty: bool, expected: bool) -> None:
    assert label_selector_matches(selector, WEB, empty_matches=empty) is expected


def test_selector_text() -> None:
    assert selector_text({"app": "web"}) == "app=web"
    expr = {"matchExpressions": [{"key": "tier", "operator": "Exists"}]}
    assert selector_text({"matchLabels": {"app": "web"}, **expr}) == "app=web,tier Exists"
    assert selector_text({}) == "{}"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 3
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: registry.example.com/{name}:1.0.0
"""
PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {{app: {name}}}
"""


def test_kustomization_facts(tmp_path: Path) -> None:
    path = tmp_path / "overlays" / "prod" / "kustomization.yaml"
    text = """\
namespace: prod
resources: [../../base, extra.yaml, https://example.com/remote.yaml]
patches:
  - path: replicas.yaml
  - patch: |-
      - op: replace
patchesStrategicMerge: [memory.yaml]
patchesJson6902:
  - path: json.yaml
"""
    k = read_kustomization(str(path), text)
    assert k is not None
    assert k.namespace == "prod"
    d = str(path.parent)
    assert k.resources == (str(tmp_path / "base"), f"{d}/extra.yaml")
    assert sorted(k.patches) == sorted(
        f"{d}/{n}" for n in ("replicas.yaml", "memory.yaml", "json.yaml")
    )
    assert read_kustomization(str(path), ": : broken") is None
    assert read_kustomization(str(path), "- a list") is None


def _index(root: Path, **settings: object) -> tuple[K8sIndex, ParseCache, Context]:
    cache = ParseCache(str(root))
    context = Context(dict(settings), cache)
    return k8s_run.run_index(context), cache, context


def test_outer_kustomization_namespace_wins(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "base/kustomization.yaml": "namespace: base\nresources: [web.yaml]\n",
            "base/web.yaml": DEPLOY.format(name="web"),
            "prod/kustomization.yaml": "namespace: prod\nresources: [../base]\n",
            "solo/kustomization.yaml": "namespace: solo\nresources: [api.yaml]\n",
            "solo/api.yaml": DEPLOY.format(name="api"),
        },
    )
    index, _, _ = _index(tmp_path)
    by_name = {e.name: e for e in index.objects("Deployment")}
    assert by_name["api"].namespace == "solo"
    # prod/ uses base/, so base/web.yaml is applied only through prod/: with its namespace.
    assert by_name["web"].namespace == "prod"


def test_patch_files_are_not_indexed_and_not_judged(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "kustomization.yaml": "resources: [web.yaml]\npatches:\n  - path: patch.yaml\n",
            "web.yaml": DEPLOY.format(name="web"),
            "patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
            "spec: {replicas: 5}\n",
        },
    )
    index, cache, context = _index(tmp_path)
    assert [e.relpath for e in index.objects()] == ["web.yaml"]
    parsed = cache.get(str(tmp_path / "patch.yaml"), "kubernetes")
    assert not isinstance(parsed, Exception)
    adjusted = k8s_run.adjust(parsed, context)
    assert "kustomize patch applied by kustomization.yaml" in adjusted.skip_reason


def test_queries_follow_namespaces_and_selectors(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "web.yaml": DEPLOY.format(name="web").replace(
                "name: web\n", "name: web\n  namespace: a\n", 1
            ),
            "pdb.yaml": PDB.format(name="web"),  # no namespace: maybe a, maybe not
            "other.yaml": PDB.format(name="web").replace(
                "name: web\n", "name: x\n  namespace: b\n", 1
            ),
            "beta.yaml": "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n"
            "metadata: {name: all, namespace: a}\nspec: {selector: {}, minAvailable: 1}\n",
            "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: a}\n"
            "spec: {selector: {app: web}, ports: [{port: 80}]}\n",
            "hpa.yaml": "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
            "metadata: {name: web, namespace: a}\n"
            "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, "
            "minReplicas: 2, maxReplicas: 5}\n",
        },
    )
    _, cache, context = _index(tmp_path)
    parsed = cache.get(str(tmp_path / "web.yaml"), "kubernetes")
    assert not isinstance(parsed, Exception)
    web = parsed.subjects[0]
    index = context.index(web)
    assert index.namespace_of(web) == "a"
    # Not b, not the v1beta1 {} one; the unset one only maybe (it is where the unit goes).
    budgets = index.pdbs_selecting(web)
    assert budgets == [] and [p.name for p in budgets.maybe] == ["web"]
    assert budgets.doubt is not None and "sets no namespace" in budgets.doubt
    assert [s.ref for s in index.services_selecting(web)] == ["Service/web (svc.yaml:1)"]
    assert [h.name for h in index.hpas_targeting(web)] == ["web"]
    entry = index.entry_for(web)
    assert entry is not None and entry.replicas == 3 and entry.pod_labels == {"app": "web"}
    pdb = next(p for p in index.objects("PodDisruptionBudget") if p.name == "web")
    selected = index.workloads_selected_by(pdb)
    assert selected == [] and [w.name for w in selected.maybe] == ["web"]


def test_buckets_keep_run_order_and_unset_namespaces_are_maybe(tmp_path: Path) -> None:
    np = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {{name: {name}{ns}}}\nspec: {{podSelector: {{matchLabels: {{app: web}}}}}}\n"
    )
    _write(
        tmp_path,
        {
            "a1.yaml": np.format(name="a1", ns=", namespace: a"),
            "b1.yaml": np.format(name="b1", ns=", namespace: b"),
            "c1.yaml": np.format(name="any", ns=""),
            "d1.yaml": np.format(name="a2", ns=", namespace: a"),
        },
    )
    index, _, _ = _index(tmp_path)
    assert [p.name for p in index.objects("NetworkPolicy", "a")] == ["a1", "a2"]
    found = index.related("NetworkPolicy", "a")
    assert [p.name for p in found] == ["a1", "a2"] and [p.name for p in found.maybe] == ["any"]
    unset = index.related("NetworkPolicy", None)
    assert [p.name for p in unset] == ["any"]
    assert [p.name for p in unset.maybe] == ["a1", "b1", "a2"]
    assert [p.name for p in index.objects("NetworkPolicy")] == ["a1", "b1", "any", "a2"]
    assert index.memo("k", lambda i: len(i.entries)) == 4
    assert index.memo("k", lambda i: 0) == 4  # computed once


def test_network_policy_hint_names_policies_in_other_namespaces(tmp_path: Path) -> None:
    from pytest_devops_policy.api import get_policy
    from pytest_devops_policy.engine.evaluate import evaluate
    from pytest_devops_policy.policies.kubernetes import k8s_019_network_policy_coverage as k019

    deploy = DEPLOY.format(name="web").replace("name: web\n", "name: web\n  namespace: a\n", 1)
    np = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {{name: {name}, namespace: {ns}}}\n"
        "spec: {{podSelector: {{matchLabels: {{{labels}}}}}}}\n"
    )
    _write(
        tmp_path,
        {
            "web.yaml": deploy,
            "x.yaml": np.format(name="x", ns="b", labels="app: web"),
            "y.yaml": np.format(name="y", ns="c", labels="app: other"),
            "z.yaml": np.format(name="z", ns="d", labels="app: web, tier: db"),
        },
    )
    _, cache, context = _index(tmp_path)
    parsed = cache.get(str(tmp_path / "web.yaml"), "kubernetes")
    assert not isinstance(parsed, Exception)
    meta = get_policy(k019.network_policy_coverage)
    assert meta is not None
    (violation,) = evaluate(meta, parsed.subjects[0], context).violations
    assert "NetworkPolicy/x (x.yaml:1) matches them but is in namespace b" in violation.message
    assert "/y" not in violation.message and "/z" not in violation.message


def test_scopes_restrict_the_view(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/web.yaml": DEPLOY.format(name="web"),
            "app/pdb.yaml": PDB.format(name="web"),
            "other/pdb.yaml": PDB.format(name="api"),
        },
    )
    cache = ParseCache(str(tmp_path))
    web = cache.get(str(tmp_path / "app/web.yaml"), "kubernetes")
    assert not isinstance(web, Exception)
    subject = web.subjects[0]
    counts = {}
    for scope in ("session", "dir", "file"):
        # One tree applied together, so the session scope is wider than the directory.
        context = Context({"k8s.scope": scope, "k8s.unit_roots": ["."]}, cache)
        counts[scope] = len(list(context.index(subject).objects("PodDisruptionBudget")))
    assert counts == {"session": 2, "dir": 1, "file": 0}
    # By default app/ and other/ are two deployment units: other/pdb.yaml is not related.
    context = Context({"k8s.scope": "session"}, cache)
    assert len(list(context.index(subject).objects("PodDisruptionBudget"))) == 1


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
NO_BUILTIN = ("-p", "no:devops_policy.builtin")


def _outcomes(result: pytest.RunResult) -> dict[str, int]:
    return {k: v for k, v in result.parseoutcomes().items() if k in ("passed", "failed")}


def test_warm_run_sees_a_change_in_another_file(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CROSS_POLICY)
    _write(pytester.path, {"web.yaml": DEPLOY.format(name="web")})
    cold = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    assert _outcomes(cold) == {"failed": 1}
    # Same web.yaml, new PDB elsewhere: the cached result of web.yaml must not be reused.
    _write(pytester.path, {"pdb.yaml": PDB.format(name="web")})
    warm = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    assert _outcomes(warm) == {"passed": 1}
    # An unrelated edit (the image) keeps the index digest: still correct.
    text = (pytester.path / "web.yaml").read_text().replace("1.0.0", "1.0.1")
    (pytester.path / "web.yaml").write_text(text)
    again = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only")
    assert _outcomes(again) == {"passed": 1}


def test_index_covers_the_paths_given(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CROSS_POLICY)
    _write(
        pytester.path,
        {"a/web.yaml": DEPLOY.format(name="web"), "b/pdb.yaml": PDB.format(name="web")},
    )
    tree = ("--devops-policy-option", "k8s.unit_roots=.")  # a/ and b/ applied together
    run = (*NO_BUILTIN, "--devops-policy-only", "-p", "no:cacheprovider", *tree)
    whole = pytester.runpytest(*run)
    assert _outcomes(whole) == {"passed": 1}
    only_a = pytester.runpytest(*run, "a")
    assert _outcomes(only_a) == {"failed": 1}
    dir_scope = pytester.runpytest(*run, "--devops-policy-k8s-scope=dir")
    assert _outcomes(dir_scope) == {"failed": 1}
    # By default a/ and b/ are two deployment units: b's budget does not cover a's pods.
    units = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "-p", "no:cacheprovider")
    assert _outcomes(units) == {"failed": 1}


def test_xdist_workers_build_the_same_index(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makeconftest(CROSS_POLICY)
    files = {}
    for i in range(8):
        files[f"d{i}.yaml"] = DEPLOY.format(name=f"w{i}")
        if i % 2:
            files[f"p{i}.yaml"] = PDB.format(name=f"w{i}")
    _write(pytester.path, files)
    serial = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "--devops-policy-no-cache")
    parallel = pytester.runpytest_subprocess(*NO_BUILTIN, "--devops-policy-only", "-n", "2")
    assert _outcomes(serial) == _outcomes(parallel) == {"failed": 4, "passed": 4}


def test_an_unknown_scope_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-option", "k8s.scope=repo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*k8s.scope must be session, dir or file*"])


# -- lookups by key (issue 15): same answers as filtering the related objects, linear cost --


_NS = st.sampled_from([None, "a", "b"])
_VALUE = st.one_of(st.sampled_from(["web", "api", "1"]), st.just(1), st.booleans(), st.just([1]))
_LABELS = st.dictionaries(st.sampled_from(["app", "tier", "on"]), _VALUE, max_size=3)
_LABEL_SELECTOR = st.one_of(
    st.none(),
    st.just({}),
    st.just("junk"),
    st.fixed_dictionaries({"matchLabels": st.one_of(_LABELS, st.just([1]))}),
    st.just({"matchExpressions": [{"key": "app", "operator": "Exists"}]}),
)


def _obj(kind: str, api: str, name: Any, ns: str | None, i: int, **more: Any) -> Entry:
    value = {"spec": more.pop("spec")} if "spec" in more else {}
    return Entry(
        kind=kind,
        api_version=api,
        name=name,
        namespace=ns,
        labels={},
        pod_labels=more.get("pod_labels"),
        replicas=None,
        value=value,
        path=f"/r/{i}.yaml",
        relpath=f"{i}.yaml",
        line=1,
    )


@st.composite
def _entries(draw: st.DrawFn) -> list[Entry]:
    made: list[Entry] = []
    for i in range(draw(st.integers(0, 14))):
        ns = draw(_NS)
        name = draw(st.sampled_from(["web", "api", None, ["x"]]))
        shape = draw(st.sampled_from(["svc", "np", "pdb", "pdb-beta", "hpa", "deploy", "sa"]))
        if shape == "svc":
            sel = draw(st.one_of(st.none(), _LABELS, st.just("junk")))
            made.append(
                _obj(
                    "Service",
                    draw(st.sampled_from(["v1", "x/v1"])),
                    name,
                    ns,
                    i,
                    spec={"selector": sel},
                )
            )
        elif shape == "np":
            made.append(
                _obj(
                    "NetworkPolicy",
                    "networking.k8s.io/v1",
                    name,
                    ns,
                    i,
                    spec={"podSelector": draw(_LABEL_SELECTOR)},
                )
            )
        elif shape.startswith("pdb"):
            api = "policy/v1beta1" if shape == "pdb-beta" else "policy/v1"
            made.append(
                _obj(
                    "PodDisruptionBudget",
                    api,
                    name,
                    ns,
                    i,
                    spec={"selector": draw(_LABEL_SELECTOR)},
                )
            )
        elif shape == "hpa":
            target = {"kind": draw(st.sampled_from(["Deployment", ["x"]])), "name": name}
            made.append(
                _obj(
                    "HorizontalPodAutoscaler",
                    "autoscaling/v2",
                    name,
                    ns,
                    i,
                    spec={"scaleTargetRef": target},
                )
            )
        elif shape == "deploy":
            made.append(_obj("Deployment", "apps/v1", name, ns, i, pod_labels=draw(_LABELS)))
        else:
            made.append(_obj("ServiceAccount", "v1", name, ns, i))
    return made


def _same(got: Any, want: Any) -> None:
    assert [id(e) for e in got] == [id(e) for e in want]
    assert [id(e) for e in got.maybe] == [id(e) for e in want.maybe]


@settings(max_examples=300, deadline=None)
@given(_entries(), _LABELS, _NS, st.sampled_from(["web", "api", None]))
def test_lookups_by_key_answer_as_the_filters_do(
    entries: list[Entry], labels: dict[str, Any], ns: str | None, name: str | None
) -> None:
    index = K8sIndex(entries, Unit("dir:/r", "directory ."))
    obj = SimpleNamespace(
        pod_template_metadata={"labels": labels},
        source=SimpleNamespace(path="/r/obj.yaml"),
        namespace=ns,
        kind_name="Deployment",
        name=name,
    )
    related = index.related
    _same(
        index.services_selecting(obj),
        related("Service", ns).filter(
            lambda s: s.group == "" and map_selector_matches(s.spec.get("selector"), labels)
        ),
    )
    _same(
        index.network_policies_selecting(obj),
        related("NetworkPolicy", ns).filter(
            lambda p: (
                "podSelector" in p.spec
                and label_selector_matches(p.spec.get("podSelector"), labels)
            )
        ),
    )
    _same(
        index.pdbs_selecting(obj),
        related("PodDisruptionBudget", ns).filter(lambda p: pdb_selects(p, labels)),
    )
    target = ("Deployment", name)
    want_hpas = related("HorizontalPodAutoscaler", ns).filter(lambda h: _target_of(h) == target)
    _same(index.hpas_targeting(obj), want_hpas)
    for kind in ("ServiceAccount", "Service", None):
        _same(index.named(kind, name, ns), related(kind, ns).filter(lambda e: e.name == name))  # type: ignore[arg-type]
    for e in entries:
        if e.kind == "PodDisruptionBudget":
            _same(
                index.workloads_selected_by(e),
                index._related("<workload>", e.namespace).filter(
                    lambda w, e=e: w.pod_labels is not None and pdb_selects(e, w.pod_labels)
                ),
            )
        if e.is_workload:
            _same(
                index.hpas_for(e),
                related("HorizontalPodAutoscaler", e.namespace).filter(
                    lambda h, e=e: _target_of(h) == (e.kind, e.name)
                ),
            )


def test_cross_object_lookups_cost_linear_time(assert_linear: Any) -> None:
    """One namespace (or none) with n workloads, Services, HPAs and PDBs: every lookup of
    every workload reads its few candidates, not the whole namespace (issue 15)."""

    def cost(n: int) -> None:
        for ns in (None, "prod"):
            entries = []
            for i in range(n):
                app = {"app": f"a{i}", "tier": "web"}
                entries += [
                    _obj("Deployment", "apps/v1", f"a{i}", ns, 4 * i, pod_labels=app),
                    _obj("Service", "v1", f"a{i}", ns, 4 * i + 1, spec={"selector": app}),
                    _obj(
                        "HorizontalPodAutoscaler",
                        "autoscaling/v2",
                        f"a{i}",
                        ns,
                        4 * i + 2,
                        spec={"scaleTargetRef": {"kind": "Deployment", "name": f"a{i}"}},
                    ),
                    _obj(
                        "PodDisruptionBudget",
                        "policy/v1",
                        f"a{i}",
                        ns,
                        4 * i + 3,
                        spec={"selector": {"matchLabels": app}},
                    ),
                ]
            index = K8sIndex(entries, Unit("dir:/r", "directory ."))
            for e in index.entries:
                if e.is_workload:
                    obj = SimpleNamespace(
                        pod_template_metadata={"labels": e.pod_labels},
                        source=SimpleNamespace(path=e.path),
                        namespace=ns,
                        kind_name=e.kind,
                        name=e.name,
                    )
                    assert len(index.services_selecting(obj)) == 1
                    assert len(index.pdbs_selecting(obj)) == 1
                    assert len(index.hpas_for(e)) == 1
                    assert len(index.named("Service", str(e.name), ns)) == 1
                elif e.kind == "PodDisruptionBudget":
                    assert len(index.workloads_selected_by(e)) == 1

    assert_linear(cost, 150)
