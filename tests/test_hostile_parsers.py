"""Hostile inputs: small files that would cost unbounded time or memory, or raise out of a
parser. Each becomes a parse error, a kept-as-text value or an Unknown, cheaply."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DEPLOYMENT, Linear

from pytest_devops_policy import safefile
from pytest_devops_policy.formats import yamlload
from pytest_devops_policy.formats.dockerfile.parser import is_root_user
from pytest_devops_policy.formats.dockerfile.parser import parse as parse_dockerfile
from pytest_devops_policy.formats.github_actions.expressions import parse_expression
from pytest_devops_policy.formats.kubernetes.objects import parse as parse_manifest
from pytest_devops_policy.formats.numbers import MAX_INT_BITS, whole_number
from pytest_devops_policy.formats.terraform.model import Expr
from pytest_devops_policy.formats.terraform.parser import parse as parse_terraform
from pytest_devops_policy.knowledge.terraform.network import parse_port_range
from pytest_devops_policy.model import ParseError, Source


def _alias_bomb(levels: int = 10, width: int = 10) -> str:
    lines = [f"  a0: &a0 [{', '.join(['x'] * width).replace(' ', '')}]"]
    for i in range(1, levels):
        lines.append(f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width).replace(' ', '')}]")
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n" + "\n".join(lines)


# -- 1. alias expansion ---------------------------------------------------------------


def test_alias_bomb_is_one_parse_error() -> None:
    text = _alias_bomb()
    assert len(text) < 650
    start = time.process_time()
    with pytest.raises(ParseError, match=r"expands to more than \d+ nodes through aliases"):
        yamlload.load_documents(text, yaml11=True)
    assert time.process_time() - start < 5


def test_alias_bomb_in_a_manifest_is_a_parse_error_of_that_file() -> None:
    with pytest.raises(ParseError, match="through aliases") as caught:
        parse_manifest(Source("/x/cm.yaml", "cm.yaml", _alias_bomb()))
    assert (caught.value.line, caught.value.col) == (1, 1)


def test_ordinary_aliases_stay_within_the_limit() -> None:
    # A shared block used a hundred times in a small file: well within the floor.
    base = "base: &b {cpu: 1, memory: 2, labels: {a: 1, b: 2}}\n"
    text = base + "".join(f"k{i}: *b\n" for i in range(100))
    (doc,) = yamlload.load_documents(text, yaml11=True)
    assert doc.value["k99"] == {"cpu": 1, "memory": 2, "labels": {"a": 1, "b": 2}}


def test_alias_limit_scales_with_the_document_and_is_capped() -> None:
    limit = yamlload.alias_expansion_limit
    assert limit(10) == 10 + yamlload.ALIAS_EXPANSION_FLOOR
    assert limit(50_000) == 50_000 + 10 * 50_000
    assert limit(10**7) == 10**7 + yamlload.ALIAS_EXPANSION_CAP


def test_merge_keys_count_what_they_merge() -> None:
    lines = ["a0: &a0 {" + ", ".join(f"k{j}: [1, 2, 3, 4, 5, 6, 7, 8, 9]" for j in range(10)) + "}"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} {{" + ", ".join(f"m{j}: *a{i - 1}" for j in range(10)) + "}")
    with pytest.raises(ParseError, match="through aliases"):
        yamlload.load_documents("\n".join(lines) + "\n", yaml11=True)


# -- 2. numbers too big to convert -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [("42", 10, 42), ("1_000", 10, 1000), ("ff", 16, 255), ("9" * 5000, 10, None)],
)
def test_whole_number(text: str, base: int, expected: int | None) -> None:
    assert whole_number(text, base) == expected


def test_whole_number_bounds_every_base() -> None:
    assert whole_number("1" + "0" * MAX_INT_BITS, 2) is None
    assert whole_number("1" + "0" * (MAX_INT_BITS - 1), 2) == 1 << (MAX_INT_BITS - 1)
    assert whole_number("f" * 3600, 16) is None
    assert whole_number("²") is None


def test_yaml_hex_literal_too_big_stays_text() -> None:
    literal = "0x" + "f" * 3600
    (doc,) = yamlload.load_documents(f"n: {literal}\nm: 0x10\n", yaml11=True)
    assert doc.value == {"n": literal, "m": 16}


def test_json_manifest_number_too_big_stays_text() -> None:
    big = "9" * 4301
    # Two values back to back: the YAML loader refuses the stream, json reads them one by one.
    text = (
        '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"x": '
        + big
        + "}}\n"
        + '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"}}\n'
    )
    parsed = parse_manifest(Source("/x/pod.json", "pod.json", text))
    assert parsed.subjects[0]["spec"]["x"] == big  # type: ignore[index]


def test_hcl_number_too_big_is_unresolved() -> None:
    text = 'resource "aws_instance" "a" {\n  count = ' + "9" * 5000 + '\n  ami = "x"\n}\n'
    parsed = parse_terraform(Source("/x/main.tf", "main.tf", text))
    (block,) = parsed.blocks
    assert isinstance(block.attributes["count"].value, Expr)
    assert block.attributes["ami"].value == "x"


def test_dockerfile_numbers_too_big() -> None:
    assert is_root_user("0" * 5000)
    assert not is_root_user("0" * 5000 + "1")
    text = "FROM alpine AS a\nFROM alpine\nCOPY --from=" + "9" * 5000 + " /a /b\n"
    parsed = parse_dockerfile(Source("/x/Dockerfile", "Dockerfile", text))
    assert parsed.subjects[0].stage("9" * 5000) is None  # type: ignore[attr-defined]
    assert parsed.subjects[0].stage("²") is None  # type: ignore[attr-defined]


def test_expression_hex_literal_past_a_double() -> None:
    node = parse_expression("0x" + "f" * 400 + " == 1")
    assert node is not None


def test_port_ranges_of_many_digits_are_not_ports() -> None:
    assert parse_port_range("9" * 5000) is None
    assert parse_port_range("1-" + "9" * 5000) is None
    assert parse_port_range("00022") == (22, 22)


def test_a_run_survives_huge_numbers_in_every_format(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        cm="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n\ndata:\n  x: 0x"
        + "f" * 3600
        + "\n",
    )
    pytester.makefile(".tf", main="locals {\n  n = " + "9" * 5000 + "\n}\n")
    pytester.makefile(
        ".json",
        pod='{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "x": '
        + "9" * 4301
        + "}\n",
    )
    pytester.makefile("", Dockerfile="FROM alpine\nUSER " + "1" * 5000 + "\n")
    pytester.makefile(".yaml", bomb=_alias_bomb())
    result = pytester.runpytest("--devops-policy-only")
    assert result.ret in (0, 1), result.stdout.str()[-2000:]
    assert "Interrupted" not in result.stdout.str()


# -- 3. exponential expansion ------------------------------------------------------------


def test_doubling_build_args_stop_at_the_bound() -> None:
    from pytest_devops_policy.formats.dockerfile.parser import MAX_EXPANDED

    lines = ["FROM alpine", "ARG A0=xy"]
    lines += [f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 41)]
    lines += ["RUN echo $A40"]
    text = "\n".join(lines) + "\n"
    assert len(text) < 900
    start = time.process_time()
    parsed = parse_dockerfile(Source("/x/Dockerfile", "Dockerfile", text))
    dockerfile: Any = parsed.subjects[0]
    run = dockerfile.instructions[-1]
    small = dockerfile.resolve("$A10", run)
    assert small.resolved and small.text == "xy" * 2**10
    big = dockerfile.resolve("$A40", run)
    assert not big.resolved
    past = dockerfile.resolve("$A15$A15", run)  # 2 x 64 KiB: past the bound, with a reason
    assert not past.resolved and past.reason and str(MAX_EXPANDED // 1024) in past.reason
    assert time.process_time() - start < 5


_DOUBLING = "ARG A0=xyzxyz\n" + "".join(
    f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 41)
)
_TOO_LARGE = "whose expansion is more than 64 KiB"


def _policy_messages(tmp_path: Path, policy_id: str, text: str) -> tuple[list[str], list[str]]:
    from pytest_devops_policy import kinds
    from pytest_devops_policy.context import Context, ParseCache
    from pytest_devops_policy.engine.evaluate import evaluate
    from pytest_devops_policy.options import Options
    from pytest_devops_policy.policies import builtin_by_id

    path = tmp_path / "Dockerfile"
    path.write_text(text)
    options = Options.from_flat({}, kinds.option_classes())
    cache = ParseCache(str(tmp_path), options=options)
    parsed = cache.get(str(path), "dockerfile")
    assert not isinstance(parsed, Exception), parsed
    finding = evaluate(builtin_by_id()[policy_id], parsed.subjects[-1], Context(options, cache))
    return [v.message for v in finding.violations], finding.unknowns


@pytest.mark.parametrize(
    ("policy_id", "body", "want"),
    [
        ("DOCKER-020", "FROM ${A40}\n", "FROM ${A40} (line 42) depends on A40, " + _TOO_LARGE),
        ("DOCKER-023", "FROM ${A40}\n", "depends on A40, " + _TOO_LARGE),
        ("DOCKER-025", "FROM alpine\nARG A40\nUSER ${A40}\n", "depends on A40, " + _TOO_LARGE),
        ("DOCKER-001", "FROM alpine\nARG A40\nUSER ${A40}\n", "depends on A40, " + _TOO_LARGE),
        (
            "DOCKER-012",
            "FROM alpine\nARG A40\nRUN curl -fsSL $A40 -o /x\n",
            "the URL $A40 depends on A40, " + _TOO_LARGE,
        ),
        ("DOCKER-017", "FROM alpine\nARG A40\nWORKDIR ${A40}\n", "on A40, " + _TOO_LARGE),
        ("DOCKER-008", "FROM alpine\nARG A40\nCOPY ${A40} /x\n", "on A40, " + _TOO_LARGE),
        ("DOCKER-007", "FROM alpine\nARG A40\nCOPY ${A40} /x\n", "on A40, " + _TOO_LARGE),
        ("DOCKER-016", "FROM alpine\nARG A40\nRUN apk add $A40\n", "on A40, " + _TOO_LARGE),
        # ENV built from it, inherited by a later stage
        (
            "DOCKER-025",
            "FROM alpine AS base\nARG A40\nENV BIG=x${A40}\nFROM base\nUSER $BIG\n",
            "depends on BIG, " + _TOO_LARGE,
        ),
        # an ONBUILD trigger sees the stage's ENV
        (
            "DOCKER-012",
            "FROM alpine\nARG A40\nENV BIG=${A40}\nONBUILD RUN curl -fsSL $BIG -o /x\n",
            "depends on BIG, " + _TOO_LARGE,
        ),
        # A13 is 48 KiB: twice is past the bound where it is used
        ("DOCKER-020", "FROM ${A13}${A13}\n", "depends on A13, " + _TOO_LARGE),
    ],
)
def test_a_value_past_the_bound_is_unknown_for_that_reason(
    tmp_path: Path, policy_id: str, body: str, want: str
) -> None:
    violations, unknowns = _policy_messages(tmp_path, policy_id, _DOUBLING + body)
    assert not violations
    assert any(want in u for u in unknowns), unknowns
    assert not any("no default" in u or "no value" in u for u in unknowns), unknowns


@pytest.mark.parametrize(
    ("policy_id", "body"),
    [
        ("DOCKER-020", "ARG NONE\nFROM ${NONE}\n"),
        ("DOCKER-025", "FROM alpine\nARG NONE\nUSER ${NONE}\n"),
        ("DOCKER-012", "FROM alpine\nARG NONE\nRUN curl -fsSL $NONE -o /x\n"),
        ("DOCKER-017", "FROM alpine\nARG NONE\nWORKDIR ${NONE}\n"),
        ("DOCKER-008", "FROM alpine\nARG NONE\nCOPY ${NONE} /x\n"),
    ],
)
def test_a_missing_default_still_says_so(tmp_path: Path, policy_id: str, body: str) -> None:
    _violations, unknowns = _policy_messages(tmp_path, policy_id, body)
    assert any("NONE, which has no default" in u for u in unknowns), unknowns
    assert not any("KiB" in u for u in unknowns), unknowns


def test_too_large_values_carry_their_reason_through_scopes() -> None:
    from pytest_devops_policy.formats.dockerfile.parser import Unresolved, why_no_value

    text = _DOUBLING + "FROM alpine\nARG A40\nENV BIG=x${A40} PLUS=${A40:+set}\nRUN true\n"
    dockerfile: Any = parse_dockerfile(Source("/x/Dockerfile", "Dockerfile", text)).subjects[0]
    run = dockerfile.instructions[-1]
    assert dockerfile.global_scope().args["A40"] is Unresolved.TOO_LARGE
    assert dockerfile.global_scope().args["A13"] == "xyzxyz" * 2**13
    scope = dockerfile.scope(run)
    assert scope.args["A40"] is Unresolved.TOO_LARGE
    assert scope.env["BIG"] is Unresolved.TOO_LARGE
    assert scope.env["PLUS"] == "set"  # set and not empty: only its length is unknown
    exp = dockerfile.resolve("$NOPE/$BIG", run)
    assert not exp.resolved and exp.too_large == ("BIG",)
    assert why_no_value(["X", "BIG"], exp.too_large) == (
        "X, which has no default, and BIG, " + _TOO_LARGE
    )
    # a build arg gives it an ordinary value again
    assert dockerfile.scope(run, {"A40": "v"}).env["BIG"] == "xv"


def _locals_module(kind: str, width: int = 60, levels: int = 7) -> str:
    lines = ["locals {", '  l0 = "ab"']
    for i in range(1, levels + 1):
        refs = [f"local.l{i - 1}"] * width
        if kind == "template":
            lines.append(f'  l{i} = "' + "".join("${" + r + "}" for r in refs) + '"')
        else:
            lines.append(f"  l{i} = [{', '.join(refs)}]")
    return "\n".join([*lines, "}"]) + "\n"


@pytest.mark.parametrize("kind", ["template", "list"])
def test_locals_repeating_the_previous_one_resolve_once_each(kind: str) -> None:
    from pytest_devops_policy.knowledge.terraform.evaluate import Evaluator

    parsed = parse_terraform(Source("/x/main.tf", "main.tf", _locals_module(kind)))
    (block,) = parsed.blocks
    evaluator = Evaluator({}, block.attributes, {})
    start = time.process_time()
    from pytest_devops_policy.formats.terraform.model import is_literal

    assert not is_literal(evaluator.resolve(Expr("local.l7", "ref", ref=("local", "l7"))))
    big = Expr("local.l3", "ref", ref=("local", "l3"))  # 60**3 copies: past MAX_RESOLVED
    assert evaluator.resolve(big) == big
    assert "expands to more than" in evaluator.explain(big)
    small = evaluator.resolve(Expr("local.l2", "ref", ref=("local", "l2")))
    assert small == ("ab" * 3600 if kind == "template" else [["ab"] * 60] * 60)
    assert time.process_time() - start < 5


def test_a_terraform_policy_says_a_local_is_too_large(tmp_path: Path) -> None:
    from pytest_devops_policy import kinds
    from pytest_devops_policy.context import Context, ParseCache
    from pytest_devops_policy.engine.evaluate import evaluate
    from pytest_devops_policy.options import Options
    from pytest_devops_policy.policies import builtin_by_id

    path = tmp_path / "main.tf"
    rds = 'resource "aws_db_instance" "d" {\n  backup_retention_period = local.l3\n}\n'
    path.write_text(_locals_module("template", levels=3) + rds)
    options = Options.from_flat({}, kinds.option_classes())
    cache = ParseCache(str(tmp_path), options=options)
    parsed = cache.get(str(path), "terraform")
    assert not isinstance(parsed, Exception), parsed
    (db,) = parsed.subjects
    finding = evaluate(builtin_by_id()["TF-017"], db, Context(options, cache))
    assert not finding.violations
    assert finding.unknowns == [
        "backup_retention_period = local.l3 (local.l3 expands to more than 64 Ki values)"
    ]


# -- 4. files the tree names -------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


@needs_fifo
def test_safe_read_refuses_what_is_not_a_small_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    zero = tmp_path / "zero"
    zero.symlink_to("/dev/zero")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    fine = tmp_path / "fine"
    fine.write_bytes(b"caf\xc3\xa9 \xff")
    start = time.process_time()
    assert safefile.read_bytes(str(fifo)) is None
    assert safefile.read_bytes(str(zero)) is None
    assert safefile.read_bytes(str(big), limit=100) is None
    assert safefile.read_bytes(str(tmp_path / "missing")) is None
    assert safefile.read_bytes(str(tmp_path)) is None
    assert safefile.read_text(str(fine)) == "café \ufffd"
    assert not safefile.is_regular_file(str(fifo))
    assert time.process_time() - start < 5


@needs_fifo
def test_hostile_kustomization_and_module_files_do_not_hang(pytester: pytest.Pytester) -> None:
    base = pytester.path / "k8s"
    base.mkdir()
    (base / "deploy.yaml").write_text(DEPLOYMENT.format(name="web"))
    os.mkfifo(base / "kustomization.yaml")
    other = pytester.path / "k8s2"
    other.mkdir()
    (other / "deploy.yaml").write_text(DEPLOYMENT.format(name="api"))
    (other / "kustomization.yaml").symlink_to("/dev/zero")
    tf = pytester.path / "tf"
    tf.mkdir()
    (tf / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    os.mkfifo(tf / "terraform.tfvars")
    (tf / "zero.auto.tfvars").symlink_to("/dev/zero")
    wf = pytester.path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
    )
    os.mkfifo(wf / "fifo.yml")
    result = pytester.runpytest_subprocess(
        "--devops-policy-only", "-p", "no:cacheprovider", timeout=120
    )
    assert result.ret in (0, 1), result.stdout.str()[-3000:]
    assert "Deployment/web" in result.stdout.str() or result.parseoutcomes()


# -- 6. quadratic shapes -----------------------------------------------------------------


def _policy_cost(tmp_path: Path, policy_id: str, command: str) -> Callable[[int], object]:
    from pytest_devops_policy.policies import builtin_by_id
    from pytest_devops_policy.testing import actual

    pol = builtin_by_id()[policy_id]

    def cost(n: int) -> object:
        path = tmp_path / f"Dockerfile.{n}"
        path.write_text("FROM debian:12\nRUN " + " && ".join([command] * n) + "\n")
        return actual(path, pol)

    return cost


@pytest.mark.parametrize(
    ("policy_id", "command"),
    [
        ("DOCKER-015", "apt-get install -y --no-install-recommends gcc"),
        ("DOCKER-002", "apt-get install -y --no-install-recommends gcc"),
        ("DOCKER-015", "pip install --no-cache-dir x"),
        ("DOCKER-010", "cat | cat > /etc/x"),
    ],
)
def test_one_run_of_many_commands_costs_linear_time(
    tmp_path: Path, policy_id: str, command: str, assert_linear: Linear
) -> None:
    assert_linear(_policy_cost(tmp_path, policy_id, command), 150)


def test_file_writes_through_long_cat_pipelines_are_linear(assert_linear: Linear) -> None:
    from pytest_devops_policy.knowledge.shell import parse_script

    def cost(n: int) -> object:
        return parse_script("echo hi | " + "cat | " * n + "cat > /etc/x").file_writes()

    assert_linear(cost, 500)
