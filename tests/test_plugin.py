"""Plugin behaviour through pytester: activation, discovery, items, failures, hooks, options."""

from __future__ import annotations

import os
import textwrap

import pytest
from conftest import DEPLOYMENT, OWNER_POLICY

NO_BUILTIN = ("-p", "no:devops_policy.builtin")


def _k8s(pytester: pytest.Pytester, path: str, name: str = "web", extra: str = "") -> None:
    p = pytester.path / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(DEPLOYMENT.format(name=name) + extra, encoding="utf-8")


# -- activation ---------------------------------------------------------------------------


def test_inert_without_flag(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "deploy/web.yaml")
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest("--co", "-q")
    result.stdout.fnmatch_lines(["test_x.py::test_x", "1 test collected*"])


def test_no_parser_imported_without_flag(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import sys
        def pytest_sessionfinish(session):
            mods = sorted(m for m in sys.modules if m in ("yaml", "hcl2", "lark")
                          or m.startswith("pytest_devops_policy.formats")
                          or m.startswith("pytest_devops_policy.policies"))
            print("LOADED", mods)
        """
    )
    _k8s(pytester, "web.yaml")
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest_subprocess("-s")
    result.stdout.fnmatch_lines(["*LOADED []"])


def test_ini_option_enables(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ndevops_policy = true\n")
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "web.yaml")
    result = pytester.runpytest(*NO_BUILTIN, "--co", "-q")
    result.stdout.fnmatch_lines(["web.yaml::Deployment/web::ACME-001"])


def test_only_mode_never_imports_python_tests(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "pkg/web.yaml")
    pkg = pytester.path / "pkg"
    (pkg / "__init__.py").write_text("raise RuntimeError('package imported')\n")
    (pkg / "test_boom.py").write_text("raise RuntimeError('test module imported')\n")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-only", "-q")
    result.assert_outcomes(failed=1)
    assert "imported" not in result.stdout.str()


# -- discovery ----------------------------------------------------------------------------


def test_dockerfile_names_and_workflows_found(pytester: pytest.Pytester) -> None:
    for name in (
        "Dockerfile",
        "Dockerfile.prod",
        "api.Dockerfile",
        "web.dockerfile",
        "Containerfile",
        "Containerfile.dev",
        "sub/Dockerfile",
    ):
        p = pytester.path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text('FROM alpine:3.20\nCMD ["true"]\n')
    (pytester.path / "Dockerfile.dockerignore").write_text("*\n")
    (pytester.path / "README.Dockerfile.md").write_text("# no\n")
    wf = pytester.path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
    )
    result = pytester.runpytest(
        "--devops-policy", "--co", "-q", "--devops-policy-select=DOCKER-003,GHA-001"
    )
    out = result.stdout.str()
    for name in (
        "Dockerfile",
        "Dockerfile.prod",
        "api.Dockerfile",
        "web.dockerfile",
        "Containerfile",
        "Containerfile.dev",
        "sub/Dockerfile",
    ):
        assert f"{name}::" in out, name
    assert "dockerignore" not in out and "README" not in out
    assert ".github/workflows/ci.yml::job:t::GHA-001" in out


def test_skipped_directories_and_ignore_options(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for d in ("node_modules/x", "vendor", ".terraform/m", ".git", "venv", "keep", "ign", "glob"):
        _k8s(pytester, f"{d}/web.yaml")
    result = pytester.runpytest(
        *NO_BUILTIN, "--devops-policy", "--co", "-q", "--ignore=ign", "--ignore-glob=glob/*"
    )
    out = result.stdout.str()
    assert "keep/web.yaml::Deployment/web::ACME-001" in out
    for d in ("node_modules", "vendor", ".terraform", ".git", "venv", "ign/", "glob/"):
        assert d not in out, d


def test_non_kubernetes_yaml_is_not_judged(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    (pytester.path / "app.yaml").write_text("server:\n  port: 8080\nkind: of-a-thing\n")
    (pytester.path / "values.yaml").write_text("image:\n  tag: latest\n")
    (pytester.path / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (pytester.path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"
    )
    (pytester.path / "docker-compose.yml").write_text("services:\n  web:\n    image: x\n")
    (pytester.path / "broken-config.yaml").write_text("a: [1,\n")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes()
    assert "PARSE-ERROR" not in result.stdout.str()


def test_helm_templates_are_skipped_with_a_render_hint(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    chart = pytester.path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (chart / "templates" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "{{- if .Values.x }}\nspec: {}\n{{- end }}\n"
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*Helm chart template*helm template*"])


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_does_not_hang(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "a/web.yaml")
    os.symlink("..", pytester.path / "a" / "loop")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*skipped symlink loop*"])


def test_binary_and_oversized_files_are_skipped_with_a_note(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    (pytester.path / "Dockerfile").write_bytes(b"FROM x\0\0\0binary")
    _k8s(pytester, "big.yaml", extra="# " + "x" * 4000 + "\n")
    result = pytester.runpytest("--devops-policy", "-rs", "--devops-policy-max-file-size=2k")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*binary file*", "*over the 2,048-byte limit*"])


# -- items, ids, selection ----------------------------------------------------------------


def test_node_ids_and_collect_only_tree(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "deploy/web.yaml", name="billing-api")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "--co")
    result.stdout.fnmatch_lines(
        [
            "*<PolicyFile web.yaml>",
            "*<ResourceNode Deployment/billing-api>",
            "*<PolicyItem ACME-001>",
        ]
    )
    ids = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "--co", "-q")
    ids.stdout.fnmatch_lines(["deploy/web.yaml::Deployment/billing-api::ACME-001"])


@pytest.mark.parametrize("expr", ["ACME-001", "billing-api", "missing-owner-label"])
def test_keyword_selection(pytester: pytest.Pytester, expr: str) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "deploy/web.yaml", name="billing-api")
    _k8s(pytester, "deploy/other.yaml", name="other")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q", "-k", expr)
    n = 1 if expr == "billing-api" else 2
    result.assert_outcomes(failed=n)


def test_markers_and_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "web.yaml")
    result = pytester.runpytest(
        *NO_BUILTIN,
        "--devops-policy",
        "--strict-markers",
        "-q",
        "-m",
        "devops_policy and medium and kubernetes",
    )
    result.assert_outcomes(failed=1)
    result = pytester.runpytest(
        *NO_BUILTIN, "--devops-policy", "--strict-markers", "-q", "-m", "critical"
    )
    result.assert_outcomes()


def test_last_failed_and_deselect(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "a.yaml", name="a")
    _k8s(pytester, "b.yaml", name="b", extra="")
    (pytester.path / "b.yaml").write_text(
        DEPLOYMENT.format(name="b").replace("    app: b\n", "    app: b\n    owner: team\n", 1)
    )
    pytester.runpytest(*NO_BUILTIN, "--devops-policy")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "--lf", "-q")
    result.assert_outcomes(failed=1)
    result = pytester.runpytest(
        *NO_BUILTIN, "--devops-policy", "-q", "--deselect", "a.yaml::Deployment/a::ACME-001"
    )
    result.assert_outcomes(passed=1)


def test_xdist_gives_same_items_and_outcomes(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    for i in range(6):
        _k8s(pytester, f"d{i}.yaml", name=f"w{i}")
    a = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q", "--co")
    b = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q", "--co", "-n", "2")
    ids_a = [line for line in a.stdout.lines if "::" in line]
    assert len(ids_a) == 6
    assert ids_a == sorted(ids_a)
    run = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-n", "2")
    run.assert_outcomes(failed=6)
    assert b.ret == 0


# -- failure text, parse errors -----------------------------------------------------------


def test_failure_text_has_no_traceback(pytester: pytest.Pytester, xdist_args: list[str]) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "deploy/web.yaml")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", *xdist_args, "-rf")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "ACME-001 missing-owner-label [medium]: metadata.labels.owner is missing",
            "  --> deploy/web.yaml:5:3",
            "*|",
            "5 |   labels:",
            "*|",
            "  why: Every object needs an owner to page.",
            "  fix: Add metadata.labels.owner.",
            "FAILED deploy/web.yaml::Deployment/web::ACME-001 - ACME-001 missing-owner-label*",
        ]
    )
    out = result.stdout.str()
    assert "Traceback" not in out and "def missing_owner_label" not in out


def test_parse_error_is_one_item_and_others_still_run(
    pytester: pytest.Pytester, xdist_args: list[str]
) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "good.yaml")
    (pytester.path / "bad.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [a,\n"
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", *xdist_args, "-q")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*PARSE-ERROR [[]high[]]: cannot parse bad.yaml as kubernetes: invalid YAML*",
            "  --> bad.yaml:*",
        ]
    )


# -- the hook -----------------------------------------------------------------------------


def test_conftest_policies_are_scoped_by_directory(pytester: pytest.Pytester) -> None:
    infra = pytester.path / "infra"
    infra.mkdir()
    (infra / "conftest.py").write_text(textwrap.dedent(OWNER_POLICY))
    _k8s(pytester, "infra/web.yaml", name="inside")
    _k8s(pytester, "apps/web.yaml", name="outside")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "--co", "-q")
    out = result.stdout.str()
    assert "infra/web.yaml::Deployment/inside::ACME-001" in out
    assert "outside" not in out


def test_builtin_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    (pytester.path / "Dockerfile").write_text("FROM node\n")
    with_builtin = pytester.runpytest("--devops-policy", "--co", "-q")
    assert "DOCKER-003" in with_builtin.stdout.str()
    without = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "--co", "-q")
    assert "DOCKER-" not in without.stdout.str()


def test_duplicate_policy_id_names_both_origins(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        OWNER_POLICY
        + textwrap.dedent("""
        @policy(id="ACME-001", name="other", title="t", severity="low", rationale="r",
                remediation="f")
        def other(k8s_object):
            return []

        def pytest_devops_policy_add_policies(config):
            return [missing_owner_label, other]
        """)
    )
    _k8s(pytester, "web.yaml")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.stdout.fnmatch_lines(
        [
            "*duplicate policy id ACME-001: defined by conftest.missing_owner_label"
            "*and by conftest.other*"
        ]
    )
    assert result.ret != 0


# -- selection and thresholds -------------------------------------------------------------


def test_select_ignore_and_pyproject(pytester: pytest.Pytester) -> None:
    (pytester.path / "Dockerfile").write_text("FROM node\nUSER root\n")
    sel = pytester.runpytest("--devops-policy", "--co", "-q", "--devops-policy-select=DOCKER-00")
    assert "DOCKER-001" in sel.stdout.str() and "K8S" not in sel.stdout.str()
    ign = pytester.runpytest(
        "--devops-policy", "--co", "-q", "--devops-policy-ignore=final-stage-non-root-user"
    )
    assert "DOCKER-001" not in ign.stdout.str() and "DOCKER-003" in ign.stdout.str()
    pytester.makepyprojecttoml('[tool.devops-policy]\nselect = ["DOCKER-003"]\n')
    cfg = pytester.runpytest("--devops-policy", "--co", "-q")
    ids = [line for line in cfg.stdout.lines if "::" in line]
    assert ids == ["Dockerfile::stage:0::DOCKER-003"]


def test_fail_on_turns_lower_findings_into_xfail(
    pytester: pytest.Pytester, xdist_args: list[str]
) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "web.yaml")
    result = pytester.runpytest(
        *NO_BUILTIN, "--devops-policy", *xdist_args, "-rx", "--devops-policy-fail-on=high"
    )
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["*below --devops-policy-fail-on=high: ACME-001*owner*"])
    pytester.makepyprojecttoml('[tool.devops-policy]\nfail-on = "critical"\n')
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes(xfailed=1)


def test_terminal_summary(pytester: pytest.Pytester, xdist_args: list[str]) -> None:
    pytester.makeconftest(OWNER_POLICY)
    _k8s(pytester, "a.yaml", name="a")
    _k8s(pytester, "b.yaml", name="b")
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", *xdist_args)
    result.stdout.fnmatch_lines(
        [
            "*devops-policy summary*",
            "items: 2 (0 passed, 2 failed, 0 waived, 0 below threshold, 0 skipped)",
            "failed by severity: medium 2",
            "failed by kind: kubernetes 2",
            "most frequent failures: ACME-001 missing-owner-label ×2",
            "waivers: 0 used, 0 expired, 0 unused",
        ]
    )


def test_many_failures_report_in_linear_time(pytester: pytest.Pytester) -> None:
    """Not a timing test: checks the trimmed phase reports leave the failure summary intact."""
    pytester.makeconftest(OWNER_POLICY)
    docs = "\n---\n".join(DEPLOYMENT.format(name=f"w{i}") for i in range(300))
    (pytester.path / "many.yaml").write_text(docs)
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy", "-q")
    result.assert_outcomes(failed=300)
    assert result.stdout.str().count("  --> many.yaml:") == 300
