"""-var-file and -var (catalog §5.2-2): values a plan would be given resolve var.* like
terraform.tfvars does, after it; without them the verdict stays "cannot be checked"."""

from __future__ import annotations

import pytest

MAIN = """\
variable "retention_days" {}

resource "aws_db_instance" "orders" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = var.retention_days
}
"""
RUN = ("--devops-policy-only", "--devops-policy-select=TF-017", "-p", "no:cacheprovider", "-rA")


@pytest.fixture
def module(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "db").mkdir()
    (pytester.path / "db" / "main.tf").write_text(MAIN)
    (pytester.path / "envs").mkdir()
    (pytester.path / "envs" / "prod.tfvars").write_text("retention_days = 14\n")
    (pytester.path / "envs" / "dev.tfvars").write_text("retention_days = 0\n")
    return pytester


def test_unset_variable_is_unknown(module: pytest.Pytester) -> None:
    result = module.runpytest(*RUN)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*retention_days*"])


def test_var_file_on_the_command_line(module: pytest.Pytester) -> None:
    module.runpytest(*RUN, "--devops-policy-tf-var-file=envs/prod.tfvars").assert_outcomes(passed=1)
    # Later files win, as on terraform's command line.
    result = module.runpytest(
        *RUN,
        "--devops-policy-tf-var-file=envs/prod.tfvars",
        "--devops-policy-tf-var-file=envs/dev.tfvars",
    )
    result.assert_outcomes(failed=1)


def test_var_wins_over_var_files(module: pytest.Pytester) -> None:
    result = module.runpytest(
        *RUN,
        "--devops-policy-tf-var-file=envs/dev.tfvars",
        "--devops-policy-tf-var=retention_days=30",
    )
    result.assert_outcomes(passed=1)


def test_var_files_from_pyproject(module: pytest.Pytester) -> None:
    module.makepyprojecttoml('[tool.devops-policy.tf]\nvar_files = ["envs/dev.tfvars"]\n')
    module.runpytest(*RUN).assert_outcomes(failed=1)


def test_a_changed_var_file_is_seen_by_a_warm_run(module: pytest.Pytester) -> None:
    args = (
        "--devops-policy-only",
        "--devops-policy-select=TF-017",
        "--devops-policy-tf-var-file=envs/prod.tfvars",
    )
    module.runpytest(*args).assert_outcomes(passed=1)
    (module.path / "envs" / "prod.tfvars").write_text("retention_days = 1\n")
    module.runpytest(*args).assert_outcomes(failed=1)


def test_bad_var_is_one_usage_error(module: pytest.Pytester) -> None:
    result = module.runpytest(*RUN, "--devops-policy-tf-var=retention_days")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--devops-policy-tf-var expects NAME=VALUE*"])
