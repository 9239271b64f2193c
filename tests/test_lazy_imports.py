"""A run imports only the kinds it needs (issue 15): a kind's policies, parser and heavy
dependencies load when the selection can include its policies and a file of the kind is
collected. Checked in a subprocess: tests/conftest.py imports every module of the plugin."""

from __future__ import annotations

import pytest
from conftest import DEPLOYMENT

from pytest_devops_policy.policies.catalog import LazyPolicy, lazy_builtin_policies

REPORT_MODULES = """
import sys
def pytest_sessionfinish(session):
    with open("modules.txt", "w") as fh:
        fh.write("\\n".join(sorted(m for m in sys.modules
                                   if m.startswith("pytest_devops_policy.")
                                   or m.split(".")[0] in THIRD_PARTY)))
THIRD_PARTY = {"kubernetes_validate", "jsonschema", "hcl2", "lark", "tree_sitter",
               "tree_sitter_hcl", "bashlex", "yaml"}
"""

WORKFLOW = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
"""

# Modules that belong to the other kinds alone (the Terraform model and parser front end
# are read by the settings for the HCL parser's name; its backends are not).
OTHER_KINDS = (
    "pytest_devops_policy.policies.dockerfile",
    "pytest_devops_policy.policies.kubernetes",
    "pytest_devops_policy.policies.terraform",
    "pytest_devops_policy.formats.dockerfile",
    "pytest_devops_policy.formats.kubernetes",
    "pytest_devops_policy.formats.terraform.hcl_",
    "pytest_devops_policy.indexes.docker_context",
    "pytest_devops_policy.indexes.kubernetes",
    "pytest_devops_policy.indexes.k8s_",
    "pytest_devops_policy.indexes.helm",
    "pytest_devops_policy.indexes.terraform",
    "pytest_devops_policy.knowledge.docker",
    "pytest_devops_policy.knowledge.kubernetes",
    "pytest_devops_policy.knowledge.terraform",
    "kubernetes_validate",
    "jsonschema",
    "hcl2",
    "lark",
    "tree_sitter",
)


def _workflows(pytester: pytest.Pytester) -> None:
    wf = pytester.path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    (wf / "release.yml").write_text(WORKFLOW, encoding="utf-8")


def _loaded(pytester: pytest.Pytester, *args: str) -> list[str]:
    pytester.makeconftest(REPORT_MODULES)
    result = pytester.runpytest_subprocess("--devops-policy-only", "-p", "no:cacheprovider", *args)
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED), result.stdout.str()
    return (pytester.path / "modules.txt").read_text(encoding="utf-8").split("\n")


def _others(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith(OTHER_KINDS)]


def test_a_workflows_only_run_imports_only_github_actions(pytester: pytest.Pytester) -> None:
    _workflows(pytester)
    modules = _loaded(pytester)
    assert "pytest_devops_policy.policies.github_actions.gha_001_permissions_declared" in modules
    assert _others(modules) == []


def test_a_selection_leaves_the_other_kinds_unimported(pytester: pytest.Pytester) -> None:
    _workflows(pytester)
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.20\nRUN apk add curl\n")
    (pytester.path / "web.yaml").write_text(DEPLOYMENT.format(name="web"))
    (pytester.path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    modules = _loaded(pytester, "--devops-policy-select", "GHA")
    assert "pytest_devops_policy.policies.github_actions.gha_001_permissions_declared" in modules
    assert _others(modules) == []


def test_selecting_a_kind_without_files_validates_without_importing(
    pytester: pytest.Pytester,
) -> None:
    _workflows(pytester)
    modules = _loaded(pytester, "--devops-policy-select", "K8S-031,DOCKER-015,TF-001,GHA-001")
    assert _others(modules) == []
    result = pytester.runpytest_subprocess(
        "--devops-policy-only", "-p", "no:cacheprovider", "--devops-policy-select", "K8S-0031"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'K8S-0031' matches no policy; did you mean 'K8S-031'?"])


def test_a_lazy_policy_becomes_the_module_policy() -> None:
    from pytest_devops_policy.policies import builtin_by_id

    lazy = LazyPolicy("K8S-001", "run-as-non-root", "k8s_object")
    assert lazy.kind == "kubernetes"
    assert lazy.func.__module__.startswith("pytest_devops_policy.policies.")  # "builtin"
    real = builtin_by_id()["K8S-001"]
    assert lazy.title == real.title  # loads the module
    assert type(lazy) is type(real)
    assert lazy == real and hash(lazy) == hash(real)
    assert lazy.func is real.func and lazy.applies is real.applies
    lazy_ids = [p.id for p in lazy_builtin_policies() if p.primary]
    assert lazy_ids == sorted(builtin_by_id())
