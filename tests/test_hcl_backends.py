"""The two HCL backends of the Terraform model: tree-sitter-hcl (default) and python-hcl2.

python-hcl2 is the oracle: on every Terraform file in the repository both must build
the same model and every policy must report the same findings. ``Expr.text`` is the
one intended difference (python-hcl2 re-serializes expressions, tree-sitter keeps
their source on one line), so it is compared with whitespace, commas and ``:``/``=``
spelling ignored.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.formats.terraform.hcl_treesitter import TreeSitterAdapter, _parser
from pytest_devops_policy.formats.terraform.model import Attribute, Block, Expr, Template, Value
from pytest_devops_policy.formats.terraform.parser import (
    PARSER_ENV,
    adapter,
    build_adapter,
    hcl_parser_from_env,
    parse,
)
from pytest_devops_policy.kinds import by_name, judges, option_classes
from pytest_devops_policy.model import ParseError, Source
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies import builtin_policies
from pytest_devops_policy.testing import case_settings

ROOT = Path(__file__).resolve().parent.parent
HCL_FILES = sorted(
    p
    for base in (ROOT / "tests", ROOT / "examples")
    for p in base.rglob("*")
    if p.suffix in (".tf", ".tfvars") and p.is_file()
)
TF_CASES = [p for p in HCL_FILES if p.suffix == ".tf"]


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture(scope="module")
def hcl2_adapter() -> Any:
    pytest.importorskip("hcl2")
    from pytest_devops_policy.formats.terraform.hcl_python_hcl2 import Hcl2Adapter

    return Hcl2Adapter()


def ts_parse(text: str) -> tuple[dict[str, Attribute], list[Block]]:
    return TreeSitterAdapter().parse(textwrap.dedent(text))


def ts_value(expression: str) -> Value:
    return ts_parse(f"x = {expression}\n")[0]["x"].value


# --------------------------------------------------------------------------- comparing models


def _loose(text: str) -> str:
    return re.sub(r"[\s,]+", "", text).replace(":", "=")


def _value(value: Value) -> object:
    if isinstance(value, Expr):
        args = tuple(_value(a) for a in value.args)
        return ("Expr", value.kind, value.ref, value.op, args, _loose(value.text))
    if isinstance(value, Template):
        return ("Template", tuple(p if isinstance(p, str) else _value(p) for p in value.parts))
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    return (type(value).__name__, value)


def _model(attributes: dict[str, Attribute], blocks: list[Block]) -> object:
    return (
        [(a.name, a.line, a.col, a.end_line, _value(a.value)) for a in attributes.values()],
        [
            (b.type, b.labels, b.line, b.col, b.end_line, _model(b.attributes, b.blocks))
            for b in blocks
        ],
    )


@pytest.mark.parametrize("path", HCL_FILES, ids=_ids)
def test_both_backends_build_the_same_model(path: Path, hcl2_adapter: Any) -> None:
    text = path.read_text(encoding="utf-8")
    assert _model(*TreeSitterAdapter().parse(text)) == _model(*hcl2_adapter.parse(text))


KITCHEN_SINK = r"""
# every construct the model distinguishes, for the differential test
variable "ports" {
  default = [22, -1, 3.50, 1.5e3, true, null]
}
locals {
  refs     = [var.a, var.a.b[0]["k"], aws_instance.web.0.id, x.y[count.index].z, (var.p).q]
  splats   = [aws_instance.web[*].id, aws_instance.web.*.private_ip, a[*].b[0][*].c]
  fors     = [for s in var.l : upper(s) if s != ""]
  map_for  = { for k, v in var.m : k => v... }
  calls    = [lower("ABC"), provider::aws::arn_parse(var.arn), concat(var.l...), f()]
  ops      = var.a + 1 * 2 == 3 || !var.b && -var.c < 4
  cond     = var.a ? "x" : var.b ? "y" : "z"
  paren    = (var.a + 1) * 2
  strings  = ["tab\there", "quote \" and \\", "\u00e9\U0001F600", "$${lit} %%{lit}", "  pad  "]
  template = "logs-${var.env}-${lookup(var.m, "k", "d")} %{ if var.a }yes%{ else }no%{ endif }."
  keys     = { a = 1, "b:c" = 2, 3 = 3, true = 4, (var.k) = 5 }
  tmplkey  = { "${var.k}" = 1 }
  literal  = { a = { b = [1, { c = "d" }] } }
  nested   = jsonencode({
    Version = "2012-10-17" # trailing comment
    Statement = [
      { Effect = "Allow", Resource = "${aws_s3_bucket.b.arn}/*" },
    ]
  })
  heredoc  = <<-EOT
    {
      "arn": "${aws_s3_bucket.b.arn}",
      "literal": "$${not_interpolated}"
    }
  EOT
  raw      = <<EOF
%{ for p in var.ports }${p}%{ endfor }
EOF
  non_ascii = "ünïcödé ${var.x} ü"
}
resource "aws_security_group" "sg" {
  name = "sg-${var.env}"
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port   = port.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  lifecycle { prevent_destroy = true }
}
"""


def test_a_kitchen_sink_builds_the_same_model(hcl2_adapter: Any) -> None:
    ts_model = _model(*TreeSitterAdapter().parse(KITCHEN_SINK))
    assert ts_model == _model(*hcl2_adapter.parse(KITCHEN_SINK))


# --------------------------------------------------------------------------- comparing findings


def _findings(path: Path) -> Iterator[tuple[object, ...]]:
    choice = Options.from_flat({"tf.hcl_parser": hcl_parser_from_env()}, option_classes())
    cache = ParseCache(str(path.parent), options=choice)
    parsed = cache.get(str(path), "terraform")
    if isinstance(parsed, ParseError):
        yield ("PARSE-ERROR", parsed.line, parsed.col, parsed.message)
        return
    context = Context(case_settings(path), cache)
    parsed = by_name("terraform").format.adjust(parsed, context)  # a module's stand-in block
    for policy in builtin_policies():
        if policy.kind != "terraform":
            continue
        for subject in parsed.subjects:
            if not judges(policy.subject, policy.id, subject.key):
                continue
            if not policy.applies_to(subject, context):
                continue
            finding = evaluate(policy, subject, context)
            for v in finding.violations:
                yield (policy.id, subject.label, v.line, v.col, v.message, v.severity)
            for reason in finding.unknowns:
                yield (policy.id, subject.label, "unknown", reason)


@pytest.mark.parametrize("path", TF_CASES, ids=_ids)
def test_both_backends_report_the_same_findings(
    path: Path, hcl2_adapter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PARSER_ENV, "hcl2")
    oracle = list(_findings(path))
    monkeypatch.setenv(PARSER_ENV, "tree-sitter")
    assert list(_findings(path)) == oracle


# --------------------------------------------------------------------------- backend selection


def test_tree_sitter_is_the_default_and_hcl2_is_not_imported() -> None:
    code = textwrap.dedent(
        """
        import sys
        from pytest_devops_policy.formats.terraform.parser import parse
        from pytest_devops_policy.model import Source
        assert "tree_sitter" not in sys.modules, "imported at module import"
        parsed = parse(Source(path="m.tf", relpath="m.tf", text='resource "a" "b" {}\\n'))
        assert [s.label for s in parsed.subjects] == ["a.b"]
        assert "tree_sitter" in sys.modules
        assert "hcl2" not in sys.modules and "lark" not in sys.modules
        """
    )
    env = {k: v for k, v in os.environ.items() if k != PARSER_ENV}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


def test_the_environment_selects_python_hcl2(
    hcl2_adapter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Source(path="m.tf", relpath="m.tf", text="a = 1\n")
    monkeypatch.setenv(PARSER_ENV, "hcl2")
    assert hcl_parser_from_env() == "hcl2"
    parse(source, parser=hcl_parser_from_env())
    monkeypatch.setenv(PARSER_ENV, "")
    assert hcl_parser_from_env() == "tree-sitter"
    parse(source, parser=hcl_parser_from_env())
    # one adapter per choice, built once
    assert {c: type(adapter(c)).__name__ for c in ("hcl2", "tree-sitter")} == {
        "hcl2": "Hcl2Adapter",
        "tree-sitter": "TreeSitterAdapter",
    }
    assert adapter("hcl2") is adapter("hcl2")
    monkeypatch.setenv(PARSER_ENV, "lark")
    with pytest.raises(ParseError, match="not a parser"):
        parse(source, parser=hcl_parser_from_env())


def _without_tree_sitter(monkeypatch: pytest.MonkeyPatch) -> None:
    _parser.cache_clear()  # built again, without tree_sitter, on the next use
    monkeypatch.setitem(sys.modules, "tree_sitter", None)  # makes the import fail


def test_without_tree_sitter_python_hcl2_takes_over(
    hcl2_adapter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_tree_sitter(monkeypatch)
    assert type(build_adapter("tree-sitter")).__name__ == "Hcl2Adapter"


def test_without_any_parser_the_error_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_tree_sitter(monkeypatch)
    monkeypatch.setitem(sys.modules, "hcl2", None)
    pins = "pip install 'tree-sitter>=0.24,<0.27' 'tree-sitter-hcl>=1.2,<1.3'"
    with pytest.raises(ParseError, match=re.escape(pins)):
        build_adapter("tree-sitter")
    with pytest.raises(ParseError, match="needs python-hcl2"):
        build_adapter("hcl2")


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ('resource "a" "b" {\n  x = 1\n', 3, 1, "unexpected end of file; expected '}'"),
        ("}\n", 1, 1, "unexpected token '}'"),
        ('r "a" {\n  x = 1\n}\n}\n', 4, 1, "unexpected token '}'"),
        ('x = "open\n', 1, 6, "unexpected end of file; unterminated string"),
        ("x = = 1\n", 1, 5, "unexpected token '='; expected an expression"),
        ('r "a" {\n  x =\n}\n', 2, 6, "unexpected newline; expected an expression"),
        ("x = [1, 2\ny = 3\n", 2, 1, "unexpected token 'y'; expected ',' or ']'"),
        ("x = f(1 2)\n", 1, 9, "unexpected token '2'; expected ',' or ')'"),
        ('x = "a${var.x"\n', 1, 14, "unexpected token '\"'; expected '}'"),
        ("x = @\n", 1, 5, "unexpected character '@'; expected an expression"),
        ('r "a" {\n  y = 2 3\n}\n', 2, 9, "unexpected token '3'; expected a newline"),
        ("x = <<EOT\nabc\n", 1, 5, "unterminated heredoc: no line with only 'EOT' closes it"),
        ("\x00\x01garbage\n", 1, 1, "unexpected character '\\x00'"),
        ('r "é" {\n  ü = "ä" @\n}\n', 2, 11, "unexpected character '@'; expected a newline"),
        ('x = "bad \\q escape"\n', 1, 10, "invalid escape sequence '\\\\q'"),
        ("x = 0x1F\n", 1, 5, "invalid number '0x1F'"),
        ("x = 1e3\n", 1, 5, "cannot read the number '1e3': write it with a fraction (1.0e3)"),
        ('x = "${}"\n', 1, 6, "empty interpolation '${}'"),
        ("{ a = 1 }\n", 1, 1, "unexpected token '{'"),
        (
            'r "a" {\n  s = [{\n    p {\n      t = 1\n    }\n  }]\n}\n',
            3,
            7,
            "unexpected token '{'; expected '=' or ':'"
            " (an object value cannot hold a nested block)",
        ),
    ],
)
def test_malformed_hcl_names_the_first_problem(
    text: str, line: int, col: int, message: str
) -> None:
    with pytest.raises(ParseError) as info:
        TreeSitterAdapter().parse(text)
    assert (info.value.line, info.value.col, info.value.message) == (line, col, message)


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "1" + "]" * 5000 + "\n",
        "a {\n" * 3000 + "}\n" * 3000,
        "x = " + "f(" * 3000 + "1" + ")" * 3000 + "\n",
    ],
    ids=["list", "blocks", "calls"],
)
def test_deep_nesting_is_a_parse_error_not_a_crash(text: str) -> None:
    with pytest.raises(ParseError, match="nesting too deep"):
        TreeSitterAdapter().parse(text)


def test_unclosed_deep_nesting_is_reported_quickly() -> None:
    with pytest.raises(ParseError) as info:
        TreeSitterAdapter().parse("x = " + "[" * 50000 + "\n")
    assert info.value.line == 2
    assert info.value.message == "unexpected end of file; expected ',' or ']'"


def test_mangled_files_raise_only_parse_errors() -> None:
    import random

    rnd = random.Random(7)
    sources = [p.read_text(encoding="utf-8") for p in TF_CASES]
    alphabet = [*'{}[]()"=:,.?!<>$%~#/*\n \\', "${", "%{", "<<EOT\n", "\x00", "é"]
    adapter = TreeSitterAdapter()
    for _ in range(300):
        text = rnd.choice(sources)
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(text) + 1)
            if rnd.random() < 0.5:
                text = text[:at] + text[at + rnd.randint(1, 3) :]
            else:
                text = text[:at] + rnd.choice(alphabet) + text[at:]
        try:
            adapter.parse(text)
        except ParseError as exc:
            assert 1 <= exc.line <= text.count("\n") + 2


# --------------------------------------------------------------------------- values


def test_literals_templates_and_escapes() -> None:
    assert ts_value('"tab\\there \\"q\\" \\\\ \\u00e9\\U0001F600 $${lit} %%{lit}"') == (
        'tab\there "q" \\ é😀 ${lit} %{lit}'
    )
    assert ts_value('"  spaced ${var.x}  "') == Template(
        ("  spaced ", Expr("var.x", "ref", ref=("var", "x")), "  ")
    )
    assert ts_value('"${var.x}"') == Expr("var.x", "ref", ref=("var", "x"))
    var_x = Expr("var.x", "ref", ref=("var", "x"))
    assert ts_value('"a ${~ var.x ~} b"') == Template(("a", var_x, "b"))
    directive = ts_value('"x %{ if var.a }y%{ else }z%{ endif } w"')
    assert directive == Template(("x ", Expr("%{ if var.a }y%{ else }z%{ endif }"), " w"))
    assert [ts_value(v) for v in ("-3", "- 2", "-1.5", "1.50", "1.5e3", "-(4)")] == [
        -3,
        -2,
        -1.5,
        1.5,
        1500.0,
        -4,
    ]
    assert ts_value("-var.n") == Expr("-var.n", "unary", op="-", args=(ts_value("var.n"),))


def test_heredocs() -> None:
    attributes, _ = ts_parse(
        """\
        plain = <<EOF
        {"a": "b"}
        EOF
        trimmed = <<-EOT
            line ${var.x}
              $${kept}
          EOT
        """
    )
    assert attributes["plain"].value == '{"a": "b"}\n'
    assert attributes["trimmed"].value == Template(
        ("line ", Expr("var.x", "ref", ref=("var", "x")), "\n  ${kept}\n")
    )
    assert (attributes["trimmed"].line, attributes["trimmed"].end_line) == (4, 7)


def test_traversals_calls_and_opaque_expressions() -> None:
    assert ts_value("aws_s3_bucket.b[0].id") == Expr(
        "aws_s3_bucket.b[0].id", "ref", ref=("aws_s3_bucket", "b", 0, "id")
    )
    assert ts_value("aws_instance.web.0.id") == Expr(
        "aws_instance.web.0.id", "ref", ref=("aws_instance", "web", 0, "id")
    )
    dyn = ts_value("x.y[count.index].id")
    assert isinstance(dyn, Expr) and dyn.kind == "getattr" and dyn.args[1] == "id"
    for text in ("web[*].id", "web.*.ip[0]", "[for s in var.l : upper(s)]", "f(var.l...)"):
        assert ts_value(text) == Expr(text), text
    assert ts_value("{for k, v in var.m : k => v}") == Expr("{for k, v in var.m : k => v}")
    assert ts_value("provider::aws::arn_parse(var.arn)") == Expr(
        "provider::aws::arn_parse(var.arn)",
        "call",
        op="provider::aws::arn_parse",
        args=(Expr("var.arn", "ref", ref=("var", "arn")),),
    )
    assert ts_value("{ (var.k) = 1 }") == Expr("{ (var.k) = 1 }")
    assert ts_value('{ "${var.k}" = 1 }') == Expr('{ "${var.k}" = 1 }')
    assert ts_value('{ a = 1, "b" : 2, 3 = 3, true = 4 }') == {"a": 1, "b": 2, "3": 3, "true": 4}


def test_operators_keep_hcl_precedence_and_grouping() -> None:
    value = ts_value("a ? b : c ? d : e")
    assert isinstance(value, Expr) and value.kind == "cond"
    assert value.args[0] == Expr("a", "ref", ref=("a",))
    inner = value.args[2]
    assert isinstance(inner, Expr) and inner.kind == "cond" and inner.text == "c ? d : e"
    value = ts_value("var.a + 1 * 2 == 3 || !var.b")
    assert isinstance(value, Expr) and (value.kind, value.op) == ("binary", "||")
    left = value.args[0]
    assert isinstance(left, Expr) and left.op == "=="
    assert isinstance(left.args[0], Expr) and left.args[0].text == "var.a + 1 * 2"


def test_expression_text_is_the_source_on_one_line() -> None:
    value = ts_value(
        """jsonencode({
          # a comment
          Version = "2012-10-17"
          Statement = [
            { Effect = "Allow", Resource = "${aws_s3_bucket.b.arn}/*" },
          ]
        })"""
    )
    assert isinstance(value, Expr)
    assert value.text == (
        'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", '
        'Resource = "${aws_s3_bucket.b.arn}/*" }] })'
    )
    assert ts_value('lookup( var.m ,  "k" )') == Expr(
        'lookup(var.m, "k")', "call", op="lookup", args=(ts_value("var.m"), "k")
    )


def test_dynamic_blocks_and_positions_in_characters() -> None:
    _, blocks = ts_parse(
        """\
        resource "aws_security_group" "é" {
          dynamic "ingress" {
            for_each = var.ports
            content { from_port = ingress.value }
          }
          tags = { "ü" = "x" }
        }
        """
    )
    (sg,) = blocks
    assert (sg.labels, sg.line, sg.col, sg.end_line) == (("aws_security_group", "é"), 1, 1, 7)
    (dyn,) = sg.blocks
    assert (dyn.labels, dyn.line, dyn.col, dyn.end_line) == (("ingress",), 2, 3, 5)
    (content,) = dyn.blocks
    assert content.get("from_port") == Expr("ingress.value", "ref", ref=("ingress", "value"))
    _, blocks = ts_parse('r "é" { ü = 1\n  ä = "ö" }\n')
    attrs = blocks[0].attributes
    assert [(a.line, a.col) for a in attrs.values()] == [(1, 9), (2, 3)]


def test_redefined_attribute_is_an_error() -> None:
    with pytest.raises(ParseError) as info:
        ts_parse('r "a" {\n  x = 1\n  x = 2\n}\n')
    assert (info.value.line, info.value.col) == (3, 3)
    assert info.value.message == "attribute 'x' redefined (first set on line 2)"


@pytest.mark.parametrize(
    "text",
    [
        'r "é" {\n  a = "ü${var.o}"\n  b = <<-EOT\n    ü\n  EOT\n  c = [1, -2, 3.5]\n}\n',
        'x = { a = 1\n  "b" : [true, null]\n}\ny = "a ${x} %{ if a }b%{ endif }"\n',
        "locals {\n  m = { for k, v in var.m : k => v if v != null }\n  n = var.a ? 1 : 2\n}\n",
    ],
)
def test_small_inputs_agree_with_python_hcl2(text: str, hcl2_adapter: Any) -> None:
    assert _model(*TreeSitterAdapter().parse(text)) == _model(*hcl2_adapter.parse(text))
