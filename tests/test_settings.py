"""Settings are typed and validated once, at start-up: one usage error per mistake, naming the
key, where it is written and the closest valid key; valid values reach the policies typed."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from pytest_devops_policy.kinds import option_classes
from pytest_devops_policy.options import (
    DockerOptions,
    GhaOptions,
    K8sOptions,
    OptionError,
    Options,
    TfOptions,
    declared,
)

RUN = ("--devops-policy-only",)


def _pyproject(pytester: pytest.Pytester, body: str) -> None:
    pytester.makepyprojecttoml(textwrap.dedent(body))


def _line(pytester: pytest.Pytester, text: str) -> int:
    lines = (pytester.path / "pyproject.toml").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


def _usage_error(pytester: pytest.Pytester, *args: str) -> str:
    result = pytester.runpytest(*RUN, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    assert "Traceback" not in result.stderr.str()
    return result.stderr.str()


def test_a_misspelled_key_names_the_file_line_and_the_closest_key(
    pytester: pytest.Pytester,
) -> None:
    _pyproject(
        pytester,
        """
        [tool.devops-policy]
        fail-on = "high"

        [tool.devops-policy.k8s]
        scope = "dir"
        min_replica = 3
        """,
    )
    err = _usage_error(pytester)
    line = _line(pytester, "min_replica")
    assert f"pyproject.toml:{line}: k8s.min_replica is not an option; did you mean " in err
    assert "'min_replicas'?" in err


def test_a_wrong_type_is_a_usage_error_at_its_line(pytester: pytest.Pytester) -> None:
    _pyproject(
        pytester,
        """
        [tool.devops-policy.k8s]
        min_revision_history = "two"
        """,
    )
    err = _usage_error(pytester)
    line = _line(pytester, "min_revision_history")
    assert f"pyproject.toml:{line}: k8s.min_revision_history must be an integer, not 'two'" in err


def test_an_unknown_table_or_setting_suggests_the_right_one(pytester: pytest.Pytester) -> None:
    _pyproject(pytester, "[tool.devops-policy.k8]\nscope = 'dir'\n")
    assert "k8 is not a setting; did you mean 'k8s'?" in _usage_error(pytester)
    _pyproject(pytester, "[tool.devops-policy]\nstrict_waiver = true\n")
    assert "did you mean 'strict_waivers'?" in _usage_error(pytester)


def test_command_line_options_are_validated_too(pytester: pytest.Pytester) -> None:
    err = _usage_error(pytester, "--devops-policy-option", "k8s.min_replicas=many")
    assert "k8s.min_replicas must be an integer, not 'many'" in err
    err = _usage_error(pytester, "--devops-policy-option", "docker.healtcheck=off")
    assert "did you mean 'healthcheck'?" in err
    err = _usage_error(pytester, "--devops-policy-option", "nodots=1")
    assert "must be TABLE.KEY" in err


def test_booleans_accept_their_spellings_and_nothing_else() -> None:
    classes = option_classes()
    for text, value in (("true", True), ("off", False), ("1", True), ("No", False)):
        opts = Options.from_flat({"k8s.require_digest": text}, classes)
        assert opts.of(K8sOptions).require_digest is value
    # DOCKER-012 and GHA-001 once read an unknown word in opposite ways; now it is an error.
    for key in ("docker.allow_signed_http_apt", "gha.callee_must_declare"):
        with pytest.raises(OptionError, match="must be true or false, not 'maybe'"):
            Options.from_flat({key: "maybe"}, classes)


def test_values_arrive_typed() -> None:
    opts = Options.from_flat(
        {
            "k8s.max_cpu_per_container": "500m",
            "k8s.allowed_host_paths": "/var/log",
            "docker.build_args": ["A=1"],
            "tf.admin_ports": [22, "8000-8100"],
            "gha.pin_policy": {"actions/*": "REF-PIN"},
        },
        option_classes(),
    )
    assert opts.of(K8sOptions).max_cpu_per_container == Decimal("0.5")
    assert opts.of(K8sOptions).allowed_host_paths == ("/var/log",)
    assert dict(opts.of(DockerOptions).build_args) == {"A": "1"}
    assert opts.of(TfOptions).admin_ports == (22, "8000-8100")
    assert dict(opts.of(GhaOptions).pin_policy or {}) == {"actions/*": "ref-pin"}
    with pytest.raises(OptionError, match=r"tf\.admin_ports"):
        Options.from_flat({"tf.admin_ports": ["ssh"]}, option_classes())


def test_every_default_passes_its_own_validation() -> None:
    for cls in option_classes():
        raw = {spec.name: spec.default for spec in declared(cls)}
        raw = {k: v for k, v in raw.items() if v is not None}
        assert Options.from_tables({cls.TABLE: raw}, option_classes()).of(cls) == cls(), cls


def test_the_hcl_parser_is_an_option(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tf", main='resource "aws_s3_bucket" "b" {\n  bucket = "x"\n')
    result = pytester.runpytest(*RUN, "--devops-policy-tf-parser=hcl2", "-rA")
    result.stdout.fnmatch_lines(["*PARSE-ERROR*"])
    # The older name still works.
    result = pytester.runpytest(*RUN, "--devops-policy-hcl-parser=hcl2", "-rA")
    result.stdout.fnmatch_lines(["*PARSE-ERROR*"])
    err = _usage_error(pytester, "--devops-policy-option", "tf.hcl_parser=lark")
    assert "tf.hcl_parser must be tree-sitter or hcl2, not 'lark'" in err


def test_today_replays_an_audit_date(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        "",
        Dockerfile='# devops-policy: ignore[DOCKER-003] reason="tracks latest" expires=2027-01-31\n'
        "FROM python:latest\nUSER 10001\n",
    )
    args = ("--devops-policy-select=DOCKER-003", "-rxX")
    before = pytester.runpytest(*RUN, *args, "--devops-policy-today=2027-01-31")
    before.assert_outcomes(xfailed=1)
    after = pytester.runpytest(*RUN, *args, "--devops-policy-today=2027-02-01")
    after.assert_outcomes(failed=1)
    after.stdout.fnmatch_lines(["*waiver expired on 2027-01-31*"])
    _pyproject(pytester, '[tool.devops-policy]\ntoday = "2027-02-01"\n')
    pytester.runpytest(*RUN, *args).assert_outcomes(failed=1)
    _pyproject(pytester, '[tool.devops-policy]\ntoday = "soon"\n')
    assert "today must be a YYYY-MM-DD date, not 'soon'" in _usage_error(pytester)
