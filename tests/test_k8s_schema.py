"""Schema validation: offline schemas, version resolution, and one validator per kind."""

from __future__ import annotations

import pytest

from pytest_devops_policy.knowledge.kubernetes import schema as k8s_schema
from pytest_devops_policy.knowledge.kubernetes.schema import (
    resolve_version,
    schema_errors,
    supported_versions,
    validator_for,
)

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "api"},
    "spec": {"containers": [{"name": "api", "image": "registry.example.com/api:1.0.0"}]},
}


def test_versions_ship_offline() -> None:
    versions = supported_versions()
    assert "1.35" in versions and versions == tuple(sorted(versions, key=lambda v: int(v[2:])))
    assert resolve_version("v1.33.2") == resolve_version("1.33") == "1.33"
    assert resolve_version("1.12") is None
    assert resolve_version("latest") is None


def test_validators_are_built_once_per_kind() -> None:
    validator_for.cache_clear()
    assert schema_errors(POD, "1.35", True) == []
    first = validator_for.cache_info()
    for _ in range(50):
        schema_errors(POD, "1.35", True)
    info = validator_for.cache_info()
    assert info.misses == first.misses == 1
    assert info.hits == first.hits + 50


def test_errors_name_the_field_without_quoting_values() -> None:
    pod = {**POD, "spec": {"containers": [{"name": "api", "image": 12345678}]}}
    (error,) = schema_errors(pod, "1.35", True) or []
    assert error.path == ("spec", "containers", 0, "image")
    assert "12345678" not in error.message  # a mistyped field may hold a credential


def test_unknown_kinds_have_no_schema() -> None:
    assert schema_errors({"apiVersion": "example.com/v1", "kind": "Widget"}, "1.35", True) is None
    assert schema_errors({"kind": "Pod"}, "1.35", True) is None


@pytest.mark.parametrize("strict", [True, False])
def test_strict_mode_reports_unknown_fields(strict: bool) -> None:
    pod = {**POD, "spec": {**POD["spec"], "hostnetwork": True}}
    errors = schema_errors(pod, "1.35", strict) or []
    assert [e.message for e in errors] == (["unknown field 'hostnetwork'"] if strict else [])


def test_missing_package_means_no_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(k8s_schema, "_root", lambda: None)
    k8s_schema.supported_versions.cache_clear()
    try:
        assert k8s_schema.supported_versions() == ()
    finally:
        monkeypatch.undo()
        k8s_schema.supported_versions.cache_clear()


POD_LEVEL = """\
apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  resources:
    limits: {cpu: "1", memory: 256Mi}
  containers:
    - name: api
      image: registry.example.com/api:3.2.0
"""


def test_the_version_option_and_pyproject(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", pod=POD_LEVEL)
    run = ("--devops-policy-only", "--devops-policy-select=K8S-031", "-p", "no:cacheprovider")
    pytester.runpytest(*run, "--devops-policy-k8s-version=1.31").assert_outcomes(failed=1)
    pytester.runpytest(*run, "--devops-policy-k8s-version=v1.34").assert_outcomes(passed=1)
    pytester.makepyprojecttoml('[tool.devops-policy.k8s]\nversion = "1.31"\n')
    pytester.runpytest(*run).assert_outcomes(failed=1)
