"""The shared YAML loader: libyaml first, PyYAML's pure-Python loader for what libyaml rejects.

libyaml (the C loader) rejects some YAML that PyYAML's pure-Python loader and Kubernetes'
go-yaml accept. Those texts are composed again by the pure loader, through the same resolver
and node walker, so values, lines and duplicate keys read the same as on the C path.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml

from pytest_devops_policy.formats import yamlload
from pytest_devops_policy.formats.github_actions.workflow import parse as parse_workflow
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.formats.kubernetes.objects import parse as parse_manifest
from pytest_devops_policy.formats.yamlload import HAVE_LIBYAML, Document, load_documents
from pytest_devops_policy.model import ParseError, Source

needs_libyaml = pytest.mark.skipif(not HAVE_LIBYAML, reason="needs PyYAML's libyaml binding")


def _c_rejects(text: str) -> bool:
    try:
        list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return True
    return False


@pytest.fixture
def pure_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the texts the pure-Python loader composes."""
    runs: list[int] = []

    class Counting(yamlload._PureLoader):
        def __init__(self, text: str) -> None:
            runs.append(len(text))
            super().__init__(text)

    monkeypatch.setattr(yamlload, "_PureLoader", Counting)
    return runs


def _values(text: str, yaml11: bool = True) -> list[Any]:
    return [d.value for d in load_documents(textwrap.dedent(text), yaml11=yaml11)]


# -- what libyaml rejects and the pure loader reads ------------------------------------------

# istio's serviceentry-valid.yaml: an IPv6 address ending in '::' in a flow sequence.
SERVICE_ENTRY = """\
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata:
  name: external-db
spec:
  hosts: [db.example.com]
  addresses: [1.2.3.4, 001:db8::]
  ports:
    - {number: 5432, name: tcp-postgres, protocol: TCP}
  location: MESH_EXTERNAL
"""


@needs_libyaml
def test_serviceentry_with_ipv6_in_a_flow_sequence_is_not_a_parse_error() -> None:
    assert _c_rejects(SERVICE_ENTRY)
    (obj,) = parse_manifest(Source("/r/se.yaml", "se.yaml", SERVICE_ENTRY)).subjects
    assert isinstance(obj, K8sObject)
    assert obj.label == "ServiceEntry/external-db"
    # As go-yaml (kubectl) reads it: one string, not PyYAML's {'001:db8:': None}.
    assert obj["spec"]["addresses"] == ["1.2.3.4", "001:db8::"]
    assert obj.locate(("spec", "addresses", 1)) == (7, 24)
    assert obj.locate(("spec", "ports", 0, "number")) == (9, 8)
    assert obj.locate(("spec", "location")) == (10, 3)


@needs_libyaml
@pytest.mark.parametrize(
    ("text", "kubernetes", "yaml12"),
    [
        # A plain scalar ending in ':' right before ',' or ']' in a flow sequence: go-yaml
        # keeps the ':' in the string; the YAML 1.2 spec (and PyYAML) make a one-pair map.
        ("d: [C:, D:]\n", {"d": ["C:", "D:"]}, {"d": [{"C": None}, {"D": None}]}),
        ("t: [12:]\n", {"t": ["12:"]}, {"t": [{"12": None}]}),
        # ':' directly before '{' or '[' in a flow collection (yaml/pyyaml#443).
        (
            "key1: {key2:{key3:value}}\n",
            {"key1": {"key2": {"key3:value": None}}},
            {"key1": {"key2": {"key3:value": None}}},
        ),
        # An escaped surrogate pair, as Python's json.dumps writes non-BMP characters.
        ('a: "\\ud83d\\ude00 ok"\n', {"a": "\U0001f600 ok"}, {"a": "\U0001f600 ok"}),
        # Directives libyaml does not know (the spec says: ignore them).
        ("%FOO bar\n---\na: 1\n", {"a": 1}, {"a": 1}),
        ("%YAML 1.3\n---\na: 1\n", {"a": 1}, {"a": 1}),
    ],
)
def test_constructs_libyaml_rejects(text: str, kubernetes: Any, yaml12: Any) -> None:
    assert _c_rejects(text)
    assert _values(text) == [kubernetes]
    assert _values(text, yaml11=False) == [yaml12]


@needs_libyaml
def test_byte_order_mark_starting_a_document_of_a_concatenated_file() -> None:
    text = "apiVersion: v1\nkind: Namespace\n---\n\ufeffapiVersion: v1\nkind: Pod\n"
    assert _c_rejects(text)
    _, second = load_documents(text, yaml11=True)
    assert second.value == {"apiVersion": "v1", "kind": "Pod"}  # not '\ufeffapiVersion'
    assert second.lines[("kind",)] == (5, 1)


def test_json_style_escapes_libyaml_and_go_yaml_reject_stay_errors() -> None:
    for text in ('a: "\\ud83d"\n', 'a: "\\ude00\\ud83d"\n', 'a: "\\U00110000"\n'):
        with pytest.raises(ParseError) as info:
            load_documents(text, yaml11=True)
        assert info.value.line == 1


# -- the retried text reads as the C path reads it --------------------------------------------

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels {app: web, tier: front}
spec:
  replicas: 0755
  paused: yes
  template:
    metadata:
      labels: *labels
    spec:
      containers:
        - &c
          name: web
          image: nginx:1.27
          ports: [{containerPort: 8080}]
          env:
            - {name: A, value: "x"}
            - name: B
              value: >-
                folded
                text
        - <<: *c
          name: sidecar
      nodeSelector:
        on: "true"
        on: "false"
---
# a comment document
---
apiVersion: v1
kind: ConfigMap
data: {when: 2001-12-14, ratio: 1.5e3, inf: .inf, time: 22:22, empty: , n: ~}
"""
ONLY_PURE = "---\nextra: [fe80::]\n"


def _same_reading(a: Document, b: Document) -> None:
    assert (a.value, a.index, a.start_line) == (b.value, b.index, b.start_line)
    assert a.lines == b.lines
    assert a.duplicate_keys == b.duplicate_keys


@needs_libyaml
@pytest.mark.parametrize("yaml11", [True, False])
def test_the_pure_path_reads_values_lines_and_duplicates_as_the_c_path(
    yaml11: bool, pure_runs: list[int]
) -> None:
    fast = load_documents(MANIFESTS, yaml11=yaml11)
    assert not pure_runs
    retried = load_documents(MANIFESTS + ONLY_PURE, yaml11=yaml11)
    assert len(pure_runs) == 1
    assert len(retried) == len(fast) + 1
    for a, b in zip(fast, retried[:-1], strict=True):
        _same_reading(a, b)
    deployment = retried[0]
    assert deployment.duplicate_keys  # the 'on' key twice
    spec = deployment.value["spec"]
    if yaml11:
        assert (spec["replicas"], spec["paused"]) == (0o755, True)
    else:
        assert (spec["replicas"], spec["paused"]) == (755, "yes")


def test_the_c_loader_alone_reads_valid_files(pure_runs: list[int]) -> None:
    load_documents(MANIFESTS, yaml11=True)
    load_documents("on: push\njobs: {}\n", yaml11=False)
    assert pure_runs == []


def test_recursive_alias_in_a_retried_text_is_still_an_error() -> None:
    with pytest.raises(ParseError, match="recursive YAML alias"):
        load_documents("a: &x [*x]\nb: [c:]\n", yaml11=True)


# -- both reject: which error is reported ------------------------------------------------------


@needs_libyaml
def test_both_reject_the_later_error_wins_when_the_pure_loader_stops_early() -> None:
    # The pure loader stops at the tab after 'image:' (line 2), which libyaml and go-yaml
    # accept; libyaml reads past it to the real error.
    text = "kind: Pod\nimage:\tnginx\nports: [80\n"
    with pytest.raises(ParseError) as info:
        load_documents(text, yaml11=True)
    assert info.value.line == 4
    assert "did not find expected ',' or ']'" in info.value.message


@needs_libyaml
def test_both_reject_the_later_error_wins_when_libyaml_stops_early() -> None:
    # libyaml stops at 'C:,' (line 2), which the pure loader and go-yaml accept.
    text = "kind: Pod\ndrives: [C:, D:]\nname: a: b\n"
    with pytest.raises(ParseError) as info:
        load_documents(text, yaml11=True)
    assert (info.value.line, info.value.col) == (3, 8)
    assert info.value.message == "invalid YAML: mapping values are not allowed here"


@needs_libyaml
def test_both_reject_at_the_same_place_the_message_naming_the_culprit_wins() -> None:
    with pytest.raises(ParseError) as info:
        load_documents("a: 1\nb: *nope\n", yaml11=True)
    assert (info.value.line, info.value.col) == (2, 4)
    assert info.value.message == "invalid YAML: found undefined alias 'nope'"
    with pytest.raises(ParseError) as info:
        load_documents("a: @x\n", yaml11=True)
    assert "found character '@' that cannot start any token" in info.value.message


# -- limits ------------------------------------------------------------------------------------


@needs_libyaml
def test_texts_over_the_bound_are_not_retried(
    monkeypatch: pytest.MonkeyPatch, pure_runs: list[int]
) -> None:
    monkeypatch.setattr(yamlload, "PURE_RETRY_LIMIT", 16)
    with pytest.raises(ParseError) as info:
        load_documents("addresses: [1.2.3.4, fe80::]\n", yaml11=True)
    assert pure_runs == []
    assert info.value.message.startswith("invalid YAML: while scanning a plain scalar")
    assert "not retried with PyYAML's pure-Python parser" in info.value.message
    assert (info.value.line, info.value.col) == (1, 27)  # libyaml's position


def test_the_default_bound_is_one_mib() -> None:
    assert yamlload.PURE_RETRY_LIMIT == 1 << 20


@needs_libyaml
def test_retry_can_be_turned_off(pure_runs: list[int]) -> None:
    with pytest.raises(ParseError, match="found unexpected ':'"):
        load_documents("a: [fe80::]\n", yaml11=True, retry=False)
    assert pure_runs == []


@needs_libyaml
def test_nesting_libyaml_refuses_is_not_retried(pure_runs: list[int]) -> None:
    with pytest.raises(ParseError, match="exceeded maximum nesting depth"):
        load_documents("a: " + "[" * 5000, yaml11=True)
    assert pure_runs == []


def test_nesting_too_deep_for_the_pure_loader_is_an_error_not_a_crash() -> None:
    # Under libyaml's limit, but rejected; the pure composer recurses past Python's limit,
    # so libyaml's error (the only one with a position) is reported.
    with pytest.raises(ParseError) as info:
        load_documents("a: " + "[" * 600 + "]" * 600 + " ]\n", yaml11=True)
    assert info.value.message.startswith("invalid YAML: ")


def test_without_libyaml_the_pure_loader_reads_alone(
    monkeypatch: pytest.MonkeyPatch, pure_runs: list[int]
) -> None:
    monkeypatch.setattr(yamlload, "HAVE_LIBYAML", False)
    assert _values("a: [fe80::]\n") == [{"a": ["fe80::"]}]
    with pytest.raises(ParseError, match="found undefined alias 'x'"):
        load_documents("a: *x\n", yaml11=True)
    assert len(pure_runs) == 2


# -- GitHub Actions (YAML 1.2) go through the same loader ----------------------------------------


@needs_libyaml
def test_a_workflow_libyaml_rejects_is_parsed() -> None:
    text = textwrap.dedent(
        """\
        on: push
        jobs:
          build:
            runs-on: ubuntu-24.04
            env: {GREETING: "\\ud83d\\udc4b hello"}
            steps:
              - run: make
        """
    )
    assert _c_rejects(text)
    parsed = parse_workflow(Source("/r/.github/workflows/ci.yml", ".github/workflows/ci.yml", text))
    assert parsed.skip_reason is None
    jobs = {s.label: s for s in parsed.subjects}
    assert jobs["job:build"].line == 3
    assert parsed.document is not None
    env = parsed.document.value["jobs"]["build"]["env"]
    assert env == {"GREETING": "\U0001f44b hello"}
    assert parsed.document.lines[("jobs", "build", "env", "GREETING")] == (5, 11)
