"""The Kubernetes object model: recognition, labels, lines, workload model, containers."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.formats.kubernetes.objects import (
    Container,
    K8sObject,
    is_true,
    long_running_workloads,
    looks_like_kubernetes,
    parse,
    workloads,
)
from pytest_devops_policy.model import ParsedFile, ParseError, Source


def _parse(text: str, name: str = "deploy/app.yaml") -> ParsedFile:
    return parse(Source(path=f"/repo/{name}", relpath=name, text=textwrap.dedent(text)))


def _objects(text: str, name: str = "deploy/app.yaml") -> list[K8sObject]:
    subjects = _parse(text, name).subjects
    assert all(isinstance(s, K8sObject) for s in subjects)
    return [s for s in subjects if isinstance(s, K8sObject)]


def _one(text: str) -> K8sObject:
    (obj,) = _objects(text)
    return obj


def _pos(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the first occurrence of ``needle``."""
    for n, line in enumerate(textwrap.dedent(text).splitlines(), start=1):
        if needle in line:
            return n, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in text")


def _line_of(text: str, needle: str) -> int:
    return _pos(text, needle)[0]


DEPLOYMENT = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: prod
      labels: {app: web, tier: front}
      annotations: {team: payments}
    spec:
      replicas: 3
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
"""


# -- recognition --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("values.yaml", "replicaCount: 2\nimage:\n  repository: nginx\n  tag: latest\n"),
        ("Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.2.3\n"),
        ("compose.yaml", "services:\n  web:\n    image: nginx\n"),
        ("config/app.yml", "server:\n  port: 8080\nkind: not-a-manifest-without-apiVersion\n"),
        ("odd.yaml", "apiVersion: 2\nkind: 3\n"),  # not strings
        ("seq.yaml", "- apiVersion: v1\n  kind: Pod\n"),  # a list is not an object
        ("package.json", '{"name": "web", "version": "1.0.0"}'),
        ("empty.yaml", ""),
        ("comments.yaml", "# nothing\n---\n# here either\n"),
    ],
)
def test_non_kubernetes_files_are_not_recognised(name: str, text: str) -> None:
    parsed = _parse(text, name)
    assert parsed.kind == "kubernetes"
    assert parsed.subjects == []
    assert parsed.recognised is False


def test_broken_yaml_that_does_not_look_like_kubernetes_is_not_an_error() -> None:
    parsed = _parse("key: [unclosed\nother: {\n", "values.yaml")
    assert parsed.recognised is False


def test_broken_yaml_that_looks_like_kubernetes_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        _parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n")
    assert info.value.message.startswith("invalid YAML")
    assert info.value.line >= 4


def test_prefilter() -> None:
    assert looks_like_kubernetes("apiVersion: v1\nkind: Pod\n")
    assert looks_like_kubernetes('{"apiVersion":"v1","kind":"Pod"}')  # minified JSON
    assert looks_like_kubernetes('"apiVersion": v1\n"kind": Pod\n')
    assert looks_like_kubernetes("items:\n  - apiVersion: v1\n    kind: Pod\n")
    assert not looks_like_kubernetes("apiVersion: v1\nname: chart\n")
    assert not looks_like_kubernetes("kind: Pod\n")
    assert not looks_like_kubernetes("myapiVersion: 1\nkindness: 2\n")


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
        "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: widgets.example.com}\n",
    ],
)
def test_recognised_but_not_judged(text: str) -> None:
    parsed = _parse(text, "kustomization.yaml")
    assert parsed.recognised is True
    assert parsed.subjects == []
    assert len(parsed.unjudged) == 1


def test_flux_kustomization_is_a_cluster_object() -> None:
    obj = _one(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\n"
    )
    assert obj.label == "Kustomization/apps"
    assert not obj.is_workload


def test_multi_document_with_empty_and_comment_documents() -> None:
    text = """\
        # leading comment
        ---
        ---
        # comment-only document
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        ...
        ---
        replicaCount: 3
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
    """
    parsed = _parse(text)
    assert parsed.recognised is True
    svc, dep = parsed.subjects
    assert (svc.label, dep.label) == ("Service/web", "Deployment/web")
    assert svc.line == _line_of(text, "kind: Service") - 1
    assert dep.line == _line_of(text, "kind: Deployment") - 1
    assert isinstance(dep, K8sObject)
    assert dep.document_index > 0


def test_list_kinds_are_flattened_recursively() -> None:
    text = """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              containers:
                - name: c
                  image: busybox
          - not-an-object
          - {name: no-api-version}
          - apiVersion: apps/v1
            kind: DeploymentList
            items:
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: b}
    """
    pod, dep = _objects(text)
    assert (pod.label, dep.label) == ("Pod/a", "Deployment/b")
    assert pod.base == ("items", 0)
    assert pod.line == _line_of(text, "kind: Pod") - 1
    assert pod["kind"] == "Pod"
    (c,) = pod.containers()
    assert pod.locate(c.at("image")) == _pos(text, "image: busybox")
    assert dep.base == ("items", 3, "items", 0)
    assert dep.line == _line_of(text, "metadata: {name: b}") - 2


def test_list_kind_without_items_is_an_object_itself() -> None:
    obj = _one("apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: a}\nspec: {}\n")
    assert obj.label == "AllowList/a"


def test_empty_list_is_recognised_with_no_subjects() -> None:
    parsed = _parse("apiVersion: v1\nkind: List\nitems: []\n")
    assert parsed.recognised is True
    assert parsed.subjects == []


# -- JSON ---------------------------------------------------------------------

JSON_LIST = (
    "{\n"
    '\t"apiVersion": "v1",\n'
    '\t"kind": "List",\n'
    '\t"items": [\n'
    "\t\t{\n"
    '\t\t\t"apiVersion": "apps/v1",\n'
    '\t\t\t"kind": "Deployment",\n'
    '\t\t\t"metadata": {"name": "web"},\n'
    '\t\t\t"spec": {"template": {"spec": {"containers": [\n'
    '\t\t\t\t{"name": "web", "image": "nginx:latest"}\n'
    "\t\t\t]}}}\n"
    "\t\t}\n"
    "\t]\n"
    "}\n"
)


def test_json_with_tabs_has_line_numbers() -> None:
    (dep,) = _objects(JSON_LIST, "deploy/list.json")
    assert dep.label == "Deployment/web"
    assert dep.line == 5  # the item's opening brace
    assert dep.replicas == 1
    (c,) = dep.containers()
    assert c.image == "nginx:latest"
    pos = dep.locate(c.at("image"))
    assert pos is not None and pos[0] == 10
    assert list(dep.waiver_lines()) == [5, 7, 8]


def test_minified_json_is_recognised() -> None:
    text = '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"n"}}'
    (pod,) = _objects(text, "pod.json")
    assert pod.label == "Pod/n/p"
    assert pod.line == 1


def test_json_the_yaml_loader_refuses_falls_back_to_json_without_lines() -> None:
    # A key longer than 1024 characters is valid JSON but not a YAML simple key.
    long_key = "k" * 1100
    text = (
        '{"apiVersion": "v1",\n"kind": "ConfigMap",\n"metadata": {"name": "big"},\n'
        f'"data": {{"{long_key}": "x"}}}}\n'
    )
    (cm,) = _objects(text, "cm.json")
    assert cm.label == "ConfigMap/big"
    assert cm.line == 1
    assert cm.locate(("data",)) == (1, 1)


def test_invalid_json_is_a_parse_error_with_json_position() -> None:
    text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"\n}\n'
    with pytest.raises(ParseError) as info:
        _parse(text, "pod.json")
    assert info.value.message == "invalid JSON: Expecting ',' delimiter"
    assert (info.value.line, info.value.col) == (6, 1)


def _cm(name: str, extra: str = "") -> str:
    return f'{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}}{extra}}}'


def test_json_stream_on_one_line() -> None:
    # kubectl apply -f accepts values back to back; each is a document of its own.
    first = _cm("a")
    text = first + _cm("b", ',"data":{"k":"v"}') + "\n"
    a, b = _objects(text, "stream.json")
    assert (a.label, a.line, a.col, a.document_index) == ("ConfigMap/a", 1, 1, 0)
    assert (b.label, b.line, b.col, b.document_index) == ("ConfigMap/b", 1, len(first) + 1, 1)
    assert b.locate(("data", "k")) == (1, text.index('"k"') + 1)
    assert list(b.waiver_lines()) == [1]


def test_json_stream_on_several_lines_has_a_line_for_every_key() -> None:
    text = (
        _cm("a")
        + "\n\n"
        + '  {"apiVersion": "apps/v1",\n'
        + '   "kind": "Deployment",\n'
        + '   "metadata": {"name": "web"},\n'
        + '   "spec": {"template": {"spec": {"containers": [\n'
        + '\t{"name": "web", "image": "nginx:latest"}]}}}}\n'
        + _cm("b")
    )
    a, dep, b = _objects(text, "stream.json")
    assert (a.line, dep.line, b.line) == (1, 3, 8)
    assert dep.col == 3
    assert dep.locate(("metadata", "name")) == (5, 17)
    (c,) = dep.containers()
    assert c.image == "nginx:latest"
    assert dep.locate(c.at("image")) == (7, 18)
    assert list(dep.waiver_lines()) == [3, 4, 5]


def test_json_stream_flattens_lists_and_numbers_duplicate_labels() -> None:
    text = (
        '{"apiVersion": "v1", "kind": "List", "items": [\n  '
        + _cm("a")
        + ",\n  "
        + _cm("b")
        + "\n]}\n"
        + _cm("a")
    )
    a, b, again = _objects(text, "list.json")
    assert (a.label, b.label, again.label) == ("ConfigMap/a", "ConfigMap/b", "ConfigMap/a#2")
    assert (a.line, a.col, b.line, again.line) == (2, 3, 3, 5)


def test_json_stream_with_an_invalid_value_is_a_parse_error_at_it() -> None:
    with pytest.raises(ParseError) as info:
        _parse(_cm("a") + '\n{"apiVersion": "v1", oops}\n', "stream.json")
    assert info.value.message == "invalid JSON: Expecting property name enclosed in double quotes"
    assert (info.value.line, info.value.col) == (2, 22)


def test_json_stream_value_the_yaml_loaders_refuse_keeps_its_start() -> None:
    long_key = "k" * 1100
    text = _cm("a") + "\n" + _cm("big", f',"data":{{"{long_key}":"x"}}') + "\n" + _cm("c")
    a, big, c = _objects(text, "stream.json")
    assert (a.line, big.line, c.line) == (1, 2, 3)
    assert big.locate(("data",)) == (2, 1)  # only the value's start is known
    assert c.locate(("metadata", "name")) == (3, _cm("c").index('"name"') + 1)


def test_json_escaped_surrogate_pairs_keep_their_lines() -> None:
    # json.dumps writes non-BMP characters as surrogate pairs, which libyaml refuses.
    text = '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "m"},\n'
    text += '  "data": {"greeting": "\\ud83d\\udc4b"}\n}\n'
    (cm,) = _objects(text, "cm.json")
    assert cm["data"] == {"greeting": "\U0001f44b"}
    assert cm.locate(("data", "greeting")) == (5, 12)


# -- templates outside Helm charts --------------------------------------------

GO_TEMPLATE = """\
{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "lib.fullname" . }}
spec:
  replicas: {{ .Values.replicas }}
{{- end }}
"""

JINJA_TEMPLATE = """\
{% for name in services %}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ name }}
{% endfor %}
"""


@pytest.mark.parametrize(
    ("name", "text", "marker", "line"),
    [
        ("lib/templates/_deploy.yaml", GO_TEMPLATE, "{{ }}", 1),
        ("bundle/services.yaml", JINJA_TEMPLATE, "{% %}", 1),
        (
            "envsubst/job.json",
            '{"apiVersion": "batch/v1", "kind": "Job",\n "spec": {{- toJson .Values.spec }}}',
            "{{ }}",
            2,
        ),
    ],
)
def test_template_that_does_not_parse_is_skipped_not_broken(
    name: str, text: str, marker: str, line: int
) -> None:
    parsed = _parse(text, name)
    assert parsed.subjects == []
    assert parsed.recognised is True
    reason = parsed.skip_reason
    assert reason is not None
    assert reason.startswith(f"a template ({marker} markers from line {line}), not YAML until")
    assert "render it" in reason and "scan the output" in reason


def test_template_skip_reason_keeps_the_parse_error() -> None:
    reason = _parse(GO_TEMPLATE).skip_reason
    assert reason is not None
    assert "(as written, line 1: invalid YAML: " in reason


def test_template_markers_that_parse_are_judged() -> None:
    # Quoted markers are YAML strings; policies answer Unknown for templated values.
    text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ .Values.name }}"\n'
    (cm,) = _objects(text)
    assert cm.name == "{{ .Values.name }}"
    assert _parse(text).skip_reason is None


@pytest.mark.parametrize(
    "text",
    [
        # Markers only inside quotes or comments cannot be what broke the YAML.
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ .Values.name }}"\ndata: [a,\n',
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '{{ x }}'\ndata: [a,\n",
        "apiVersion: v1\nkind: Pod  # {{ not this }}\nmetadata:\n  name: [unclosed\n",
        # A marker after the error, or one never closed.
        "apiVersion: v1\nkind: Pod\nmetadata: [a,\n  b: c\n---\nname: {{ .Values.x }}\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ unclosed\n",
    ],
)
def test_broken_yaml_with_harmless_markers_is_still_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        _parse(text)


def test_template_becomes_one_skipped_item(pytester: pytest.Pytester) -> None:
    (pytester.path / "deploy").mkdir()
    (pytester.path / "deploy" / "app.yaml").write_text(GO_TEMPLATE)
    result = pytester.runpytest("--devops-policy-only", "-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*deploy/app.yaml: a template ({{ }} markers from line 1)*"])
    assert "PARSE-ERROR" not in result.stdout.str()


# -- labels, metadata, mapping access ----------------------------------------


def test_metadata_helpers_and_mapping_access() -> None:
    obj = _one(DEPLOYMENT)
    assert obj.label == "Deployment/prod/web"
    assert (obj.name, obj.namespace, obj.kind_name) == ("web", "prod", "Deployment")
    assert (obj.api_version, obj.group) == ("apps/v1", "apps")
    assert dict(obj.labels) == {"app": "web", "tier": "front"}
    assert dict(obj.annotations) == {"team": "payments"}
    assert obj["spec"]["replicas"] == 3
    assert obj.get("status") is None
    assert "metadata" in obj and "status" not in obj
    assert list(obj) == ["apiVersion", "kind", "metadata", "spec"]
    assert len(obj) == 4
    assert dict(obj.pod_template_metadata) == {"labels": {"app": "web"}}
    assert obj.kind == "kubernetes" and obj.key == "k8s_object"
    assert obj.line == 1


def test_core_group_and_missing_metadata() -> None:
    obj = _one("apiVersion: v1\nkind: Namespace\n")
    assert obj.group == ""
    assert obj.label == "Namespace/~"
    assert obj.name is None and obj.namespace is None
    assert dict(obj.labels) == {} and dict(obj.annotations) == {}


def test_labels_are_unique_within_a_file() -> None:
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, namespace: x}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {}
        ---
        apiVersion: v1
        kind: Pod
    """
    labels = [o.label for o in _objects(text)]
    assert labels == [
        "ConfigMap/a",
        "ConfigMap/a#2",
        "ConfigMap/x/a",
        "Secret/a",
        "ConfigMap/a#3",
        "Pod/~",
        "Pod/~#2",
    ]


def test_labels_never_contain_node_id_separators() -> None:
    obj = _one("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 'a::b'}\n")
    assert "::" not in obj.label


def test_objects_compare_by_identity() -> None:
    a, b = _objects("apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\n")
    assert dict(a) == dict(b)
    assert a != b
    assert len({a, b}) == 2


def test_yaml_11_scalars() -> None:
    obj = _one(
        """\
        apiVersion: v1
        kind: Pod
        spec:
          securityContext: {runAsNonRoot: yes, runAsUser: 0755}
          containers: [{name: c, image: x:1}]
        """
    )
    (c,) = obj.containers()
    assert c.security_context["runAsNonRoot"] is True
    assert c.security_context["runAsUser"] == 0o755


def test_is_true_accepts_only_booleans() -> None:
    assert is_true(True)
    assert not is_true("true")
    assert not is_true(1)
    assert not is_true(None)


# -- waivers ------------------------------------------------------------------


def test_waiver_lines() -> None:
    text = """\
        # devops-policy: ignore[K8S-001] reason="x"
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels: {a: b}
          name: web
    """
    obj = _one(text)
    assert list(obj.waiver_lines()) == [2, 3, 6]


def test_waiver_lines_without_a_name() -> None:
    obj = _one("kind: Pod\napiVersion: v1\n")
    assert list(obj.waiver_lines()) == [1]


def test_annotation_waivers() -> None:
    obj = _one(
        """\
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
          annotations:
            devops-policy.io/ignore: "K8S-006,K8S-007"
            devops-policy.io/ignore-reason: "node agent needs the host log directory"
            devops-policy.io/ignore-expires: "2027-03-31"
            devops-policy.io/ignore-owner: platform-team
        """
    )
    assert list(obj.annotation_waivers()) == [
        (
            "K8S-006,K8S-007",
            {
                "reason": "node agent needs the host log directory",
                "expires": "2027-03-31",
                "owner": "platform-team",
            },
        )
    ]


def test_annotation_waiver_without_reason_is_still_reported() -> None:
    obj = _one(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations: {devops-policy.io/ignore: K8S-012}\n"
    )
    assert list(obj.annotation_waivers()) == [("K8S-012", {})]


@pytest.mark.parametrize("value", ['""', "null", "[K8S-001]"])
def test_no_annotation_waiver(value: str) -> None:
    obj = _one(
        "apiVersion: v1\nkind: Pod\nmetadata:\n"
        f"  annotations:\n    devops-policy.io/ignore: {value}\n"
        "    devops-policy.io/ignore-reason: because\n"
    )
    assert list(obj.annotation_waivers()) == []


# -- workload model -----------------------------------------------------------

_TEMPLATE = ("spec", "template", "spec")


def _workload(api: str, kind: str, body: str) -> K8sObject:
    return _one(f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: w}}\n{body}")


_POD_TEMPLATE = "spec:\n  template:\n    spec:\n      containers: [{name: c, image: x:1}]\n"


@pytest.mark.parametrize(
    ("api", "kind", "long_running", "replicas"),
    [
        ("apps/v1", "Deployment", True, 1),
        ("extensions/v1beta1", "Deployment", True, 1),
        ("apps/v1", "StatefulSet", True, 1),
        ("apps/v1", "DaemonSet", True, None),
        ("apps/v1", "ReplicaSet", True, 1),
        ("v1", "ReplicationController", True, 1),
        ("batch/v1", "Job", False, None),
        ("apps.openshift.io/v1", "DeploymentConfig", True, 1),
        ("argoproj.io/v1alpha1", "Rollout", True, 1),
        ("serving.knative.dev/v1", "Service", True, None),
        ("apps.kruise.io/v1alpha1", "CloneSet", False, None),  # unknown kind: fallback
    ],
)
def test_template_workloads(api: str, kind: str, long_running: bool, replicas: int | None) -> None:
    obj = _workload(api, kind, _POD_TEMPLATE)
    assert obj.is_workload and workloads(obj)
    assert obj.pod_spec_path == _TEMPLATE
    assert obj.pod_spec is not None and "containers" in obj.pod_spec
    assert obj.pod_spec_problem is None
    assert obj.is_long_running is long_running
    assert long_running_workloads(obj) is long_running
    assert obj.replicas == replicas
    assert [c.name for c in obj.containers()] == ["c"]


def test_replicas() -> None:
    body = "spec:\n  replicas: {}\n  template: {{spec: {{containers: []}}}}\n"
    assert _workload("apps/v1", "Deployment", body.format(5)).replicas == 5
    assert _workload("apps/v1", "Deployment", body.format(0)).replicas == 0
    assert _workload("apps/v1", "Deployment", body.format("null")).replicas == 1
    assert _workload("apps/v1", "Deployment", body.format('"3"')).replicas is None
    assert _workload("argoproj.io/v1alpha1", "Rollout", body.format(4)).replicas == 4
    assert _workload("v1", "ConfigMap", "data: {}\n").replicas is None


@pytest.mark.parametrize("api", ["batch/v1", "batch/v1beta1"])
def test_cronjob(api: str) -> None:
    obj = _workload(
        api,
        "CronJob",
        "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          containers: [{name: c, image: x:1}]\n",
    )
    assert obj.pod_spec_path == ("spec", "jobTemplate", "spec", "template", "spec")
    assert obj.is_workload and not obj.is_long_running
    assert obj.replicas is None
    (c,) = obj.containers()
    assert c.path == ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0)


def test_unknown_kind_with_a_job_template() -> None:
    obj = _workload(
        "example.com/v1",
        "ScheduledThing",
        "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          containers: [{name: c}]\n",
    )
    assert obj.pod_spec_path == ("spec", "jobTemplate", "spec", "template", "spec")


@pytest.mark.parametrize(
    ("restart", "long_running"),
    [("", True), ("  restartPolicy: Always\n", True), ("  restartPolicy: OnFailure\n", False)],
)
def test_bare_pod(restart: str, long_running: bool) -> None:
    obj = _workload("v1", "Pod", f"spec:\n{restart}  containers: [{{name: c, image: x:1}}]\n")
    assert obj.pod_spec_path == ("spec",)
    assert obj.is_workload
    assert obj.is_long_running is long_running
    assert obj.replicas == 1
    assert dict(obj.pod_template_metadata) == {"name": "w"}


def test_pod_template() -> None:
    obj = _workload(
        "v1",
        "PodTemplate",
        "template:\n  metadata: {labels: {a: b}}\n  spec:\n    containers: [{name: c}]\n",
    )
    assert obj.pod_spec_path == ("template", "spec")
    assert obj.is_workload and not obj.is_long_running
    assert dict(obj.pod_template_metadata) == {"labels": {"a": "b"}}


@pytest.mark.parametrize(
    ("api", "kind", "body"),
    [
        ("v1", "Service", "spec:\n  selector: {app: web}\n"),
        ("v1", "ConfigMap", "data: {a: b}\n"),
        ("example.com/v1", "Widget", "spec:\n  template:\n    spec: {}\n"),  # no containers list
        # A Rollout of another group is an unknown kind; without containers, no workload.
        ("example.com/v1", "Rollout", "spec: {}\n"),
    ],
)
def test_not_workloads(api: str, kind: str, body: str) -> None:
    obj = _workload(api, kind, body)
    assert not obj.is_workload and not workloads(obj)
    assert not obj.is_long_running
    assert obj.pod_spec is None and obj.pod_spec_path is None
    assert obj.pod_spec_problem is None
    assert list(obj.containers()) == []


def test_unknown_group_rollout_with_template_is_not_long_running() -> None:
    obj = _workload("example.com/v1", "Rollout", _POD_TEMPLATE)
    assert obj.is_workload
    assert not obj.is_long_running


def test_rollout_with_workload_ref_cannot_be_read() -> None:
    obj = _workload(
        "argoproj.io/v1alpha1",
        "Rollout",
        "spec:\n  replicas: 2\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: w}\n",
    )
    assert obj.is_workload and obj.is_long_running
    assert obj.pod_spec is None
    assert obj.pod_spec_problem is not None and "workloadRef" in obj.pod_spec_problem
    assert obj.replicas == 2
    assert list(obj.containers()) == []


def test_workload_without_pod_template_is_a_problem_not_a_pass() -> None:
    obj = _workload("apps/v1", "Deployment", "spec:\n  replicas: 3\n")
    assert obj.is_workload
    problem = obj.pod_spec_problem
    assert problem is not None and "spec.template.spec" in problem


# -- containers ---------------------------------------------------------------

CONTAINER_SETS = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          initContainers:
            - name: migrate
              image: migrate:1
            - name: proxy
              image: proxy:1
              restartPolicy: Always
            - image: anonymous:1
          containers:
            - name: web
              image: web:1
            - "not a container"
          ephemeralContainers:
            - name: debug
              image: busybox
"""


def test_container_sets() -> None:
    obj = _one(CONTAINER_SETS)
    got = [(c.ref, c.kind, c.long_running) for c in obj.containers()]
    assert got == [
        ("containers[web]", "container", True),
        ("initContainers[migrate]", "init", False),
        ("initContainers[proxy]", "sidecar", True),
        ("initContainers[2]", "init", False),
    ]
    probed = [c.ref for c in obj.containers(kinds=("container", "sidecar"))]
    assert probed == ["containers[web]", "initContainers[proxy]"]


def test_container_paths_resolve_to_lines() -> None:
    obj = _one(CONTAINER_SETS)
    by_name = {c.name: c for c in obj.containers()}
    web, proxy = by_name["web"], by_name["proxy"]
    assert web.path == ("spec", "template", "spec", "containers", 0)
    assert web.list_name == "containers" and web.index == 0
    assert web.image == "web:1"
    assert web.get("image") == "web:1"
    line, col = _pos(CONTAINER_SETS, "- name: web")
    assert obj.locate(web.path) == (line, col + 2)  # the item, after "- "
    assert obj.locate(proxy.at("restartPolicy")) == _pos(CONTAINER_SETS, "restartPolicy")
    # A path that does not exist resolves to its nearest ancestor.
    assert obj.locate(web.at("securityContext", "runAsUser")) == obj.locate(web.path)


def test_container_image_must_be_a_string() -> None:
    obj = _workload("v1", "Pod", "spec:\n  containers: [{name: c, image: 5}, {name: d}]\n")
    assert [c.image for c in obj.containers()] == [None, None]


# -- effective securityContext -------------------------------------------------

SECURITY = """\
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      securityContext:
        runAsUser: 1000
        runAsNonRoot: true
        runAsGroup: 3000
        fsGroup: 2000
        supplementalGroups: [4000]
        seccompProfile: {type: RuntimeDefault}
        privileged: true
        windowsOptions: {runAsUserName: PodUser, gmsaCredentialSpecName: spec}
      containers:
        - name: inherits
          image: a:1
        - name: overrides
          image: b:1
          securityContext:
            runAsUser: 0
            seccompProfile: {type: Unconfined}
            privileged: false
            readOnlyRootFilesystem: true
            runAsNonRoot: null
            windowsOptions: {hostProcess: true}
"""


def _containers(text: str) -> dict[str, Container]:
    return {c.name or "": c for c in _one(text).containers()}


def test_effective_security_context_inherits_pod_fields() -> None:
    c = _containers(SECURITY)["inherits"]
    assert dict(c.security_context) == {
        "runAsUser": 1000,
        "runAsNonRoot": True,
        "runAsGroup": 3000,
        "fsGroup": 2000,
        "supplementalGroups": [4000],
        "seccompProfile": {"type": "RuntimeDefault"},
        "windowsOptions": {"runAsUserName": "PodUser", "gmsaCredentialSpecName": "spec"},
    }
    # privileged is container-only: a pod-level value means nothing.
    assert "privileged" not in c.security_context
    assert c.inherits("runAsUser")
    assert c.security_context_path("runAsUser") == ("spec", "securityContext", "runAsUser")
    assert c.security_context_path("windowsOptions.runAsUserName") == (
        "spec",
        "securityContext",
        "windowsOptions",
        "runAsUserName",
    )
    # Unset fields point where they would be written: the container's own securityContext.
    assert not c.inherits("readOnlyRootFilesystem")
    assert c.security_context_path("readOnlyRootFilesystem") == (
        "spec",
        "containers",
        0,
        "securityContext",
        "readOnlyRootFilesystem",
    )


def test_effective_security_context_container_overrides() -> None:
    c = _containers(SECURITY)["overrides"]
    sc = c.security_context
    assert sc["runAsUser"] == 0
    assert not c.inherits("runAsUser")
    assert c.security_context_path("runAsUser") == (
        "spec",
        "containers",
        1,
        "securityContext",
        "runAsUser",
    )
    assert sc["seccompProfile"] == {"type": "Unconfined"}
    assert sc["privileged"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["runAsNonRoot"] is True  # an explicit null does not override
    assert sc["runAsGroup"] == 3000 and sc["fsGroup"] == 2000
    # windowsOptions merge field by field, as the kubelet does.
    assert sc["windowsOptions"] == {
        "runAsUserName": "PodUser",
        "gmsaCredentialSpecName": "spec",
        "hostProcess": True,
    }
    assert c.inherits("windowsOptions.runAsUserName")
    assert not c.inherits("windowsOptions.hostProcess")


def test_security_context_of_wrong_type_is_ignored() -> None:
    obj = _workload(
        "v1", "Pod", "spec:\n  securityContext: 5\n  containers: [{name: c, securityContext: x}]\n"
    )
    (c,) = obj.containers()
    assert dict(c.security_context) == {}


def test_is_windows() -> None:
    win = _workload("v1", "Pod", "spec:\n  os: {name: windows}\n  containers: []\n")
    linux = _workload("v1", "Pod", "spec:\n  os: {name: linux}\n  containers: []\n")
    assert win.is_windows and not linux.is_windows


def test_scalars_keep_their_types_after_yaml_is_imported_again() -> None:
    # pytester and IDE runners re-import modules; libyaml keeps the node classes of the
    # first import, and integers once came back as strings after a second import.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pytest_devops_policy.formats.yamlload import load_documents\n"
        "for m in list(sys.modules):\n"
        "    if m.split('.')[0] in ('yaml', 'pytest_devops_policy'):\n"
        "        del sys.modules[m]\n"
        "from pytest_devops_policy.formats.yamlload import load_documents\n"
        "print(load_documents('a: 10001\\nb: [1, yes]\\n', yaml11=True)[0].value)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "{'a': 10001, 'b': [1, True]}"
