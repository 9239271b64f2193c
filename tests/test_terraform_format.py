"""The Terraform adapter: positions, values, dynamic blocks, resolution, linking, errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.terraform.model import Expr, Template, TfFile, Value, is_literal
from pytest_devops_policy.formats.terraform.parser import parse as parse_hcl
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes import terraform as tf
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.knowledge.terraform import aws_s3
from pytest_devops_policy.knowledge.terraform.dynamic import nested
from pytest_devops_policy.model import ParseError, Source
from pytest_devops_policy.policies import builtin_by_id
from pytest_devops_policy.testing import actual


def parse(text: str, path: str = "/repo/main.tf") -> TfFile:
    return parse_hcl(Source(path=path, relpath="main.tf", text=textwrap.dedent(text)))


def resources(text: str) -> dict[str, TfResource]:
    return {s.label: s for s in parse(text).subjects if isinstance(s, TfResource)}


def module(tmp_path: Path, files: dict[str, str]) -> TfModule:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tf.build_index(str(tmp_path), ParseCache(str(tmp_path)))


MAIN = """\
# header comment
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs" # inline comment
  acl    = "private"

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_security_group" "web" {
  ingress {
    from_port = 443
  }
  ingress {
    from_port   = 22
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port = 0
  }
}

data "aws_caller_identity" "me" {}
"""


# --------------------------------------------------------------------------- structure


def test_resources_are_subjects_with_address_labels() -> None:
    parsed = parse(MAIN)
    assert parsed.kind == "terraform"
    assert [s.label for s in parsed.subjects] == ["aws_s3_bucket.logs", "aws_security_group.web"]
    bucket = parsed.subjects[0]
    assert isinstance(bucket, TfResource)
    assert (bucket.type, bucket.name, bucket.address) == ("aws_s3_bucket", "logs", bucket.label)
    assert bucket.kind == "terraform" and bucket.key == "tf_resource"
    # top-level blocks are kept for the module index, data sources included
    assert [b.type for b in parsed.blocks] == ["resource", "resource", "data"]


def test_block_and_attribute_positions() -> None:
    bucket = resources(MAIN)["aws_s3_bucket.logs"]
    assert (bucket.line, bucket.col, bucket.end_line) == (2, 1, 9)
    acl = bucket.attr("acl")
    assert acl is not None and (acl.line, acl.col) == (4, 3)
    lifecycle = nested(bucket, "lifecycle")[0]
    assert lifecycle is not None
    assert (lifecycle.line, lifecycle.end_line, lifecycle.col) == (6, 8, 3)
    assert lifecycle.attributes["prevent_destroy"].line == 7
    assert lifecycle.attributes["prevent_destroy"].col == 5


def test_labels_and_nested_blocks_in_order() -> None:
    sg = resources(MAIN)["aws_security_group.web"]
    assert sg.block.labels == ("aws_security_group", "web")
    assert [b.type for b in sg.block.blocks] == ["ingress", "ingress", "egress"]
    ingress = nested(sg, "ingress")
    assert [b.get("from_port") for b in ingress] == [443, 22]
    assert [b.path for b in ingress] == [("ingress", 0), ("ingress", 1)]
    assert nested(sg, "egress")[0].path == ("egress", 0)
    assert nested(sg, "missing") == []


def test_locate_attributes_and_nested_blocks() -> None:
    subjects = resources(MAIN)
    bucket, sg = subjects["aws_s3_bucket.logs"], subjects["aws_security_group.web"]
    assert bucket.locate(("acl",)) == (4, 3)
    assert bucket.locate(("lifecycle", "prevent_destroy")) == (7, 5)
    assert bucket.locate(("lifecycle", 0, "prevent_destroy")) == (7, 5)
    assert sg.locate(("ingress", 1, "cidr_blocks")) == (17, 5)
    assert sg.locate(("ingress", 1)) == (15, 3)
    # an absent attribute resolves to the block where it belongs
    assert sg.locate(("ingress", 0, "cidr_blocks")) == (12, 3)
    assert bucket.locate(("versioning", "enabled")) == (2, 1)
    assert bucket.locate(()) == (2, 1)
    assert sg.locate(("ingress", 5, "cidr_blocks")) == (2 + 9, 1)


def test_waiver_lines_cover_the_whole_block() -> None:
    bucket = resources(MAIN)["aws_s3_bucket.logs"]
    assert list(bucket.waiver_lines()) == list(range(2, 10))


# --------------------------------------------------------------------------- values


def test_literals_and_expressions_are_told_apart() -> None:
    res = resources(
        """\
        resource "x_thing" "v" {
          s     = "plain"
          i     = 12
          f     = 1.5
          n     = -3
          t     = true
          z     = null
          l     = ["a", 1, false]
          m     = { a = 1, "b:c" = "d" }
          ref   = var.x
          attr  = aws_s3_bucket.b.id
          idx   = aws_s3_bucket.b[0].id
          dyn   = aws_s3_bucket.b[count.index].id
          whole = "${var.x}"
          tmpl  = "logs-${var.env}"
          esc   = "cost $${x} and %%{y} \\n"
          call  = lower("ABC")
          cond  = var.a ? "x" : "y"
          op    = var.n + 1
          mixed = ["a", var.b]
          splat = aws_instance.web[*].id
          paren = (7)
        }
        """
    )["x_thing.v"]
    get = res.get
    assert get("s") == "plain" and get("i") == 12 and get("f") == 1.5 and get("n") == -3
    assert get("t") is True and get("z") is None and res.has("z")
    assert get("l") == ["a", 1, False] and get("m") == {"a": 1, "b:c": "d"}
    assert get("paren") == 7
    for name in ("s", "i", "l", "m", "paren"):
        assert is_literal(get(name))
    assert get("ref") == Expr("var.x", "ref", ref=("var", "x"))
    assert get("attr") == Expr("aws_s3_bucket.b.id", "ref", ref=("aws_s3_bucket", "b", "id"))
    idx = get("idx")
    assert isinstance(idx, Expr) and idx.ref == ("aws_s3_bucket", "b", 0, "id")
    dyn = get("dyn")
    assert isinstance(dyn, Expr) and dyn.kind == "getattr"
    assert dyn.text == "aws_s3_bucket.b[count.index].id"
    assert get("whole") == get("ref")  # a lone interpolation keeps the expression
    tmpl = get("tmpl")
    assert isinstance(tmpl, Template)
    assert tmpl.text == "logs-${var.env}" and tmpl.literal_text == "logs-"
    assert get("esc") == "cost ${x} and %{y} \n"  # escapes make plain literal text
    call = get("call")
    assert isinstance(call, Expr) and (call.kind, call.op, call.args) == ("call", "lower", ("ABC",))
    cond = get("cond")
    assert isinstance(cond, Expr) and cond.kind == "cond" and cond.args[1:] == ("x", "y")
    op = get("op")
    assert isinstance(op, Expr) and (op.kind, op.op) == ("binary", "+")
    mixed = get("mixed")
    assert isinstance(mixed, list) and mixed[0] == "a" and not is_literal(mixed)
    splat = get("splat")
    assert isinstance(splat, Expr) and splat.kind == "other"
    assert splat.text == "aws_instance.web[*].id"
    for name in ("ref", "attr", "tmpl", "call", "cond", "mixed", "splat"):
        assert not is_literal(get(name)), name


def test_heredoc_strings() -> None:
    res = resources(
        """\
        resource "x_thing" "h" {
          plain = <<EOF
        {"a": "b"}
        EOF
          trimmed = <<-EOT
            {
              "quoted": "value"
            }
          EOT
          interpolated = <<EOT
        arn:${aws_s3_bucket.b.arn}/* $${literal}
        EOT
          empty = <<EOF
        EOF
        }
        """
    )["x_thing.h"]
    assert res.get("plain") == '{"a": "b"}\n'
    assert res.get("trimmed") == '{\n  "quoted": "value"\n}\n'
    assert json.loads(str(res.get("trimmed"))) == {"quoted": "value"}
    interpolated = res.get("interpolated")
    assert isinstance(interpolated, Template)
    assert interpolated.parts[0] == "arn:"
    assert interpolated.parts[1] == Expr(
        "aws_s3_bucket.b.arn", "ref", ref=("aws_s3_bucket", "b", "arn")
    )
    assert interpolated.parts[2] == "/* ${literal}\n"
    assert res.get("empty") == ""


def test_comments_are_ignored_by_the_model() -> None:
    res = resources(
        """\
        /* block
           comment */
        resource "x_thing" "c" { // slash comment
          a = 1 # hash
          # between
          b = [ # inside a list
            2,
          ]
        }
        """
    )["x_thing.c"]
    assert res.line == 3
    assert res.get("a") == 1 and res.get("b") == [2]
    assert res.attr("b") is not None and res.attr("b").line == 6  # type: ignore[union-attr]


def test_empty_and_comment_only_files() -> None:
    assert parse("").subjects == []
    assert parse("# nothing here\n// nor here\n").subjects == []
    assert parse("\n\n").blocks == []


def test_count_zero_and_empty_for_each_disable_a_resource() -> None:
    subjects = resources(
        """\
        resource "x_thing" "off" {
          count = 0
        }
        resource "x_thing" "none" {
          for_each = {}
        }
        resource "x_thing" "on" {
          count = 2
        }
        """
    )
    assert subjects["x_thing.off"].disabled and subjects["x_thing.none"].disabled
    assert not subjects["x_thing.on"].disabled


# --------------------------------------------------------------------------- dynamic blocks


DYNAMIC = """\
variable "ports" {
  default = [80, 443]
}
variable "unknown_ports" {
  type = list(number)
}
resource "aws_security_group" "d" {
  ingress {
    from_port = 8080
  }
  dynamic "ingress" {
    for_each = [22, 3389]
    content {
      from_port   = ingress.value
      description = "port ${ingress.key}"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  dynamic "ingress" {
    for_each = { web = { port = 8443 } }
    iterator = rule
    content {
      from_port   = rule.value.port
      description = rule.key
    }
  }
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value
    }
  }
  dynamic "ingress" {
    for_each = var.unknown_ports
    content {
      from_port   = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
"""


def test_dynamic_blocks_expand_literal_for_each(tmp_path: Path) -> None:
    mod = module(tmp_path, {"main.tf": DYNAMIC})
    sg = mod.resource("aws_security_group.d")
    assert sg is not None
    blocks = mod.blocks(sg, "ingress")
    ports = [b.get("from_port") for b in blocks]
    assert ports[:6] == [8080, 22, 3389, 8443, 80, 443]
    assert [b.get("description") for b in blocks[1:4]] == ["port 0", "port 1", "web"]
    # the iterator-dependent template stays unresolved and is marked dynamic
    last = blocks[6]
    assert last.dynamic and last.get("cidr_blocks") == ["0.0.0.0/0"]
    assert last.get("from_port") == Expr("ingress.value", "ref", ref=("ingress", "value"))
    assert not any(b.dynamic for b in blocks[:6])
    # paths and positions point at the dynamic block's content
    assert blocks[1].path == blocks[2].path == ("ingress", 1)
    assert sg.locate((*blocks[1].path, "cidr_blocks")) == (16, 7)
    assert sg.locate((*blocks[1].path, "for_each")) == (12, 5)


def test_dynamic_blocks_without_module_expand_only_literals(tmp_path: Path) -> None:
    sg = resources(DYNAMIC)["aws_security_group.d"]
    blocks = nested(sg, "ingress")
    assert [b.dynamic for b in blocks] == [False, False, False, False, True, True]


# --------------------------------------------------------------------------- resolution


RESOLVE = """\
variable "env" {
  default = "prod"
}
variable "retention" {
  default = 14
}
variable "nested" {
  default = { ports = [22, 80], name = "n" }
}
variable "no_default" {
  type = string
}
locals {
  a = local.b
  b = local.c
  c = var.retention
  deep1 = local.deep2
  deep2 = local.deep3
  deep3 = local.deep4
  deep4 = local.deep5
  deep5 = local.deep6
  deep6 = local.deep7
  deep7 = 1
  bucket_ref = aws_s3_bucket.logs.id
}
"""


def test_variables_and_locals_resolve(tmp_path: Path) -> None:
    mod = module(tmp_path, {"vars.tf": RESOLVE})
    assert mod.variables["env"].has_value and not mod.variables["no_default"].has_value
    assert mod.resolve(Expr("var.env", "ref", ref=("var", "env"))) == "prod"
    assert mod.resolve(Expr("local.a", "ref", ref=("local", "a"))) == 14
    nested = Expr("var.nested.ports[0]", "ref", ref=("var", "nested", "ports", 0))
    assert mod.resolve(nested) == 22
    unresolved = Expr("var.no_default", "ref", ref=("var", "no_default"))
    assert mod.resolve(unresolved) == unresolved
    assert mod.explain(unresolved) == "var.no_default has no default"
    missing = Expr("var.nope", "ref", ref=("var", "nope"))
    assert mod.explain(missing) == "var.nope is not declared in this module"
    # a local that is a resource reference resolves to that expression (for linking)
    bucket_ref = mod.resolve(Expr("local.bucket_ref", "ref", ref=("local", "bucket_ref")))
    assert isinstance(bucket_ref, Expr) and bucket_ref.text == "aws_s3_bucket.logs.id"


def test_local_resolution_depth_is_bounded(tmp_path: Path) -> None:
    mod = module(tmp_path, {"vars.tf": RESOLVE})
    assert mod.resolve(Expr("local.deep3", "ref", ref=("local", "deep3"))) == 1
    deep = mod.resolve(Expr("local.deep1", "ref", ref=("local", "deep1")))
    assert not is_literal(deep)


def test_tfvars_override_defaults(tmp_path: Path) -> None:
    mod = module(
        tmp_path,
        {
            "vars.tf": RESOLVE,
            "terraform.tfvars": 'env = "staging"\n',
            "z.auto.tfvars": "retention = 30\n",
        },
    )
    assert mod.resolve(Expr("var.env", "ref", ref=("var", "env"))) == "staging"
    assert mod.resolve(Expr("local.a", "ref", ref=("local", "a"))) == 30


def test_functions_templates_and_conditionals(tmp_path: Path) -> None:
    mod = module(
        tmp_path,
        {
            "vars.tf": RESOLVE,
            "main.tf": """\
            resource "x_thing" "r" {
              json   = jsonencode({ a = [1, var.env] })
              lower  = lower("ABC")
              fmt    = format("%s-%d", var.env, 3)
              set    = toset(["a", "b", "a"])
              num    = tonumber("7")
              tmpl   = "logs-${var.env}-${var.retention}"
              pick   = var.env == "prod" ? 35 : 1
              same   = var.no_default ? 7 : 7
              open   = var.no_default ? 7 : 1
              notb   = !true
              file   = file("policy.json")
            }
            """,
        },
    )
    res = mod.resource("x_thing.r")
    assert res is not None

    def value(name: str) -> Value:
        return mod.resolve(res.get(name))

    assert json.loads(str(value("json"))) == {"a": [1, "prod"]}
    assert value("lower") == "abc"
    assert value("fmt") == "prod-3"
    assert value("set") == ["a", "b"]
    assert value("num") == 7
    assert value("tmpl") == "logs-prod-14"
    assert value("pick") == 35
    assert value("same") == 7
    assert not is_literal(value("open"))
    assert mod.alternatives(res.get("open")) == [7, 1]
    assert value("notb") is False
    assert not is_literal(value("file"))
    assert mod.explain(res.get("file")) == "file() is not evaluated statically"


def test_decide_treats_branches_as_alternatives_and_instances_as_all(tmp_path: Path) -> None:
    mod = module(
        tmp_path,
        {
            "vars.tf": RESOLVE,
            "main.tf": """\
            resource "x_thing" "each" {
              for_each = { a = 14, b = 1 }
              days     = each.value
            }
            resource "x_thing" "cond" {
              days = var.no_default ? 14 : 1
              both = var.no_default ? 1 : 2
            }
            """,
        },
    )

    def at_least_7(v: Value) -> bool:
        return isinstance(v, int) and v >= 7

    def is_one(v: Value) -> bool:
        return v == 1

    each, cond = mod.resource("x_thing.each"), mod.resource("x_thing.cond")
    assert each is not None and cond is not None
    assert mod.candidates(each.get("days"), each) == [14, 1]
    assert mod.decide(each.get("days"), at_least_7, each) is False  # instance b fails
    assert mod.decide(cond.get("days"), at_least_7, cond) is None  # one branch passes
    assert mod.decide(cond.get("both"), at_least_7, cond) is False  # both branches fail
    assert mod.violates(cond.get("both"), is_one, cond) is None
    assert mod.violates(each.get("days"), is_one, each) is True


def test_policy_document_data_sources_render_as_json(tmp_path: Path) -> None:
    mod = module(
        tmp_path,
        {
            "main.tf": """\
            data "aws_iam_policy_document" "doc" {
              statement {
                actions   = ["s3:GetObject"]
                resources = ["arn:aws:s3:::b/*"]
                principals {
                  type        = "AWS"
                  identifiers = ["*"]
                }
                condition {
                  test     = "StringEquals"
                  variable = "aws:SourceVpce"
                  values   = ["vpce-1"]
                }
              }
            }
            data "aws_iam_policy_document" "holes" {
              statement {
                resources = ["${aws_s3_bucket.b.arn}/*"]
              }
            }
            """
        },
    )
    doc = mod.resolve(Expr("x", "ref", ref=("data", "aws_iam_policy_document", "doc", "json")))
    assert json.loads(str(doc)) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": ["arn:aws:s3:::b/*"],
                "Principal": {"AWS": ["*"]},
                "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1"]}},
            }
        ],
    }
    holes = mod.resolve(Expr("y", "ref", ref=("data", "aws_iam_policy_document", "holes", "json")))
    assert isinstance(holes, Expr) and holes.op == "jsonencode"
    assert isinstance(holes.args[0], dict) and holes.args[0]["Statement"]


# --------------------------------------------------------------------------- linking


LINKS = """\
resource "aws_s3_bucket" "by_id" {
  bucket = "acme-by-id"
}
resource "aws_s3_bucket" "by_name" {
  bucket = "acme-by-name"
}
resource "aws_s3_bucket" "counted" {
  count  = 2
  bucket = "acme-counted-${count.index}"
}
resource "aws_s3_bucket_public_access_block" "by_id" {
  bucket = aws_s3_bucket.by_id.id
}
resource "aws_s3_bucket_acl" "by_name_ref" {
  bucket = aws_s3_bucket.by_name.bucket
}
resource "aws_s3_bucket_policy" "by_literal" {
  bucket = "acme-by-name"
}
resource "aws_s3_bucket_public_access_block" "counted" {
  count  = 2
  bucket = aws_s3_bucket.counted[count.index].id
}
resource "aws_s3_bucket_public_access_block" "via_local" {
  bucket = local.target
}
locals {
  target = aws_s3_bucket.by_name.id
}
"""


def test_s3_linking_by_reference_name_and_local(tmp_path: Path) -> None:
    mod = module(tmp_path, {"main.tf": LINKS})
    by_id, by_name, counted = (
        mod.resource("aws_s3_bucket.by_id"),
        mod.resource("aws_s3_bucket.by_name"),
        mod.resource("aws_s3_bucket.counted"),
    )
    assert by_id is not None and by_name is not None and counted is not None
    pab = "aws_s3_bucket_public_access_block"
    assert [r.address for r in aws_s3.attached(mod, by_id, pab)] == [f"{pab}.by_id"]
    assert [r.address for r in aws_s3.attached(mod, by_name, pab)] == [f"{pab}.via_local"]
    assert [r.address for r in aws_s3.attached(mod, counted, pab)] == [f"{pab}.counted"]
    assert [r.address for r in aws_s3.attached(mod, by_name, "aws_s3_bucket_acl")] == [
        "aws_s3_bucket_acl.by_name_ref"
    ]
    assert [r.address for r in aws_s3.attached(mod, by_name, "aws_s3_bucket_policy")] == [
        "aws_s3_bucket_policy.by_literal"
    ]
    acl = mod.resource("aws_s3_bucket_acl.by_name_ref")
    assert acl is not None and aws_s3.bucket_of(mod, acl) is by_name
    assert mod.unlinked((pab,), "bucket") == []
    assert aws_s3.account_public_access_blocks(mod) == []


def test_build_index_reads_each_file_once_and_skips_broken_files(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "x_a" "one" {}\n', encoding="utf-8")
    (tmp_path / "b.tf").write_text('resource "x_b" "two" {\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not terraform", encoding="utf-8")
    cache = ParseCache(str(tmp_path))
    first = cache.get(str(tmp_path / "a.tf"), "terraform")
    mod = tf.build_index(str(tmp_path), cache)
    assert [r.address for r in mod.resources] == ["x_a.one"]
    assert mod.resources[0] is first.subjects[0]  # type: ignore[union-attr]
    assert isinstance(cache.get(str(tmp_path / "b.tf"), "terraform"), ParseError)
    context = Context({}, cache)
    assert context.index(mod.resources[0]) is context.index(mod.resources[0])
    assert tf.index_scope(mod.resources[0]) == str(tmp_path)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ('resource "a" "b" {\n  x = 1\n', 3, 1, "unexpected end of file; expected '}'"),
        ("}\n", 1, 1, "unexpected token '}'"),
        ('resource "a" "b" {\n  x =\n}\n', 2, 6, "unexpected newline; expected an expression"),
        ('x = "open\n', 1, 6, "unexpected end of file; unterminated string"),
        ("x = [1, 2\n", 2, 1, "unexpected end of file; expected ',' or ']'"),
        ('res "a" {\n  y = 2 3\n}\n', 2, 9, "unexpected token '3'; expected a newline"),
    ],
)
def test_syntax_errors_carry_line_column_and_a_short_message(
    text: str, line: int, col: int, message: str
) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert (err.line, err.col) == (line, col)
    assert err.message == message
    assert "Expected one of" not in err.message


def test_redefined_attribute_and_duplicate_resource_are_errors() -> None:
    with pytest.raises(ParseError) as info:
        parse('resource "a" "b" {\n  x = 1\n  x = 2\n}\n')
    assert (info.value.line, info.value.col) == (3, 3)
    assert "redefined" in info.value.message
    with pytest.raises(ParseError) as info:
        parse('resource "a" "b" {}\n\nresource "a" "b" {}\n')
    assert info.value.line == 3 and "duplicate resource a.b" in info.value.message


# --------------------------------------------------------------------------- policies on a module


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "main.tf"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


ACCOUNT_BLOCK = """\
resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = %s
  restrict_public_buckets = true
}
resource "aws_s3_bucket" "covered_by_account" {
  bucket = "acme-account"
}
resource "aws_s3_bucket" "partial_bucket_block" {
  bucket = "acme-partial-account"
}
resource "aws_s3_bucket_public_access_block" "partial_bucket_block" {
  bucket             = aws_s3_bucket.partial_bucket_block.id
  ignore_public_acls = true
}
"""


def test_account_level_block_covers_every_bucket(tmp_path: Path) -> None:
    """An all-true account-level block satisfies every bucket and every bucket-level setting.

    (Account-level blocks apply module-wide, so they cannot share the golden directory.)"""
    path = _write(tmp_path, ACCOUNT_BLOCK % "true")
    result = actual(path, builtin_by_id()["TF-001"])
    assert result.violations == frozenset() and result.unknown == frozenset()


def test_incomplete_account_level_block_does_not_cover(tmp_path: Path) -> None:
    path = _write(tmp_path, ACCOUNT_BLOCK % "false")
    result = actual(path, builtin_by_id()["TF-001"])
    # the bucket with no block of its own, at its resource line; the bucket-level
    # block is fine because it sets ignore_public_acls and the account sets the rest
    assert result.violations == frozenset({(7, "TF-001")})


def test_public_access_block_with_unresolved_target_makes_coverage_unknown(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        """\
        variable "bucket_id" {
          type = string
        }
        resource "aws_s3_bucket" "maybe_covered" {
          bucket = "acme-maybe"
        }
        resource "aws_s3_bucket_public_access_block" "somewhere" {
          bucket                  = var.bucket_id
          block_public_acls       = true
          block_public_policy     = true
          ignore_public_acls      = true
          restrict_public_buckets = true
        }
        """,
    )
    result = actual(path, builtin_by_id()["TF-001"])
    assert result.violations == frozenset() and result.unknown == frozenset({"TF-001"})


def test_backup_selection_with_unresolved_resources_makes_efs_unknown(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        variable "protected_arns" {
          type = list(string)
        }
        resource "aws_efs_file_system" "maybe" {
          creation_token = "maybe"
        }
        resource "aws_backup_selection" "from_variable" {
          name         = "x"
          iam_role_arn = "arn:aws:iam::123456789012:role/backup"
          plan_id      = "plan"
          resources    = var.protected_arns
        }
        """,
    )
    result = actual(path, builtin_by_id()["TF-017"])
    assert result.violations == frozenset() and result.unknown == frozenset({"TF-017"})
