"""Terraform's JSON syntax (``*.tf.json``) and JSON variable files (catalog §5.1, issue 17).

The differential test converts every single-file TF golden fixture to Terraform JSON with the
small serializer below (blocks as objects, expressions as ``"${...}"``, the literal and
reference-string arguments as Terraform documents them) and checks that each policy reports
the same findings on both files; the other tests pin positions, modules mixing ``.tf`` and
``.tf.json`` files, JSON variable files, waivers and parse errors.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.discovery import is_terraform_path
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.formats.terraform import json_syntax
from pytest_devops_policy.formats.terraform.model import Block, Expr, Template, TfFile, Value
from pytest_devops_policy.formats.terraform.parser import adapter
from pytest_devops_policy.indexes.terraform import module_files
from pytest_devops_policy.kinds import by_name, judges, option_classes
from pytest_devops_policy.model import ParseError, Source
from pytest_devops_policy.options import Options
from pytest_devops_policy.policies import builtin_policies
from pytest_devops_policy.testing import case_settings

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
FIXTURES = sorted(
    p for p in GOLDEN.glob("TF-*/*.tf") if p.is_file() and p.name.startswith(("pass_", "fail_"))
)

# Fixtures whose JSON form cannot say the same thing (see EXCLUDED's reasons).
EXCLUDED: dict[str, str] = {
    "TF-028/fail_unknown_expression_version.tf": (
        "a module's version is a literal string in JSON syntax: `version = var.x` has no spelling"
    ),
}


# --------------------------------------------------------------------------- HCL model -> JSON

# (block type, attribute): written literally / as a bare reference string (Terraform's rules).
_LITERAL = {
    ("variable", "default"),
    ("variable", "description"),
    ("output", "description"),
    ("output", "sensitive"),
    ("module", "source"),
    ("module", "version"),
    ("provider", "alias"),
    ("provider", "version"),
    ("connection", "type"),
}
_BARE = {
    ("variable", "type"),
    ("lifecycle", "ignore_changes"),
    ("lifecycle", "replace_triggered_by"),
    ("dynamic", "iterator"),
}
_META_BODIES = ("resource", "data", "module", "output")


class NotExpressible(Exception):
    """A value Terraform's JSON syntax has no spelling for at that place."""


def _escape(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


def _template(value: Value) -> Any:
    """A value where Terraform reads strings as templates."""
    if isinstance(value, Expr):
        return "${" + value.text + "}"
    if isinstance(value, Template):
        out = []
        for part in value.parts:
            if isinstance(part, str):
                out.append(_escape(part))
            elif part.text.startswith("%{"):  # a directive, kept as written
                out.append(part.text)
            else:
                out.append("${" + part.text + "}")
        return "".join(out)
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, list):
        return [_template(v) for v in value]
    if isinstance(value, dict):
        return {k: _template(v) for k, v in value.items()}
    return value


def _literal(value: Value) -> Any:
    if isinstance(value, (Expr, Template)):
        raise NotExpressible(f"a literal argument holds {value}")
    if isinstance(value, list):
        return [_literal(v) for v in value]
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    return value


def _bare(value: Value) -> Any:
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, list):
        return [_bare(v) for v in value]
    if isinstance(value, dict):
        return {k: _bare(v) for k, v in value.items()}
    if isinstance(value, str) and "${" not in value:
        return value  # `iterator = "rule"` reads like `iterator = rule`
    raise NotExpressible(f"a reference argument holds {value!r}")


def _meta_reference(btype: str, name: str) -> bool:
    if btype == "module" and name == "providers":
        return True
    return btype in _META_BODIES and name in ("depends_on", "provider")


def _body(block: Block, top: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, attr in block.attributes.items():
        key = (block.type, name)
        if top == "terraform" or key in _LITERAL:
            out[name] = _literal(attr.value)
        elif key in _BARE or _meta_reference(block.type, name):
            out[name] = _bare(attr.value)
        else:
            out[name] = _template(attr.value)
    groups: dict[str, list[Any]] = {}
    for child in block.blocks:
        groups.setdefault(child.type, []).append(_labelled(child, top))
    for name, entries in groups.items():
        if name in out:
            raise NotExpressible(f"{name} is both an attribute and a block")
        # one block as an object (what generators write), several as an array
        out[name] = entries[0] if len(entries) == 1 else entries
    return out


def _labelled(block: Block, top: str) -> Any:
    value: Any = _body(block, top)
    for label in reversed(block.labels):
        value = {label: value}
    return value


def to_json(parsed: TfFile) -> str:
    """The ``.tf.json`` spelling of a parsed ``.tf`` file."""
    out: dict[str, Any] = {}
    for block in parsed.blocks:
        # resource -> {type: {name: body}}, label levels merged as generators write them;
        # blocks with the same labels (provider aliases, several locals) -> an array
        level = out
        path = (block.type, *block.labels)
        for key in path[:-1]:
            level = level.setdefault(key, {})
        body = _body(block, block.type)
        last = path[-1]
        if last not in level:
            level[last] = body
        elif isinstance(level[last], list):
            level[last].append(body)
        else:
            level[last] = [level[last], body]
    return json.dumps(out, indent=2) + "\n"


# --------------------------------------------------------------------------- findings


def _findings(path: Path, settings: dict[str, Any]) -> list[tuple[str, ...]]:
    options = Options.from_flat(settings, option_classes())
    cache = ParseCache(str(path.parent), options=options)
    parsed = cache.get(str(path), "terraform")
    if isinstance(parsed, ParseError):
        return [("PARSE-ERROR", parsed.message)]
    context = Context(options, cache)
    parsed = by_name("terraform").format.adjust(parsed, context)
    found: list[tuple[str, ...]] = []
    for policy in builtin_policies():
        if policy.kind != "terraform":
            continue
        for subject in parsed.subjects:
            if not judges(policy.subject, policy.id, subject.key):
                continue
            if not policy.applies_to(subject, context):
                found.append((policy.id, subject.label, "n/a"))
                continue
            finding = evaluate(policy, subject, context)
            for v in finding.violations:
                # positions differ between the two files; so do line numbers in messages
                found.append((policy.id, subject.label, "fail", re.sub(r"\d+", "N", v.message)))
            if finding.unknowns and not finding.violations:
                found.append((policy.id, subject.label, "unknown"))
            if not finding.violations and not finding.unknowns:
                found.append((policy.id, subject.label, "pass"))
    return sorted(found)


def _pair(fixture: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The fixture alone in a module as ``main.tf``, and its JSON form as ``main.tf.json``."""
    hcl_dir, json_dir = tmp_path / "hcl", tmp_path / "json"
    hcl_dir.mkdir()
    json_dir.mkdir()
    hcl = hcl_dir / "main.tf"
    shutil.copyfile(fixture, hcl)
    text = fixture.read_text(encoding="utf-8")
    attributes, blocks = adapter("tree-sitter").parse(text)
    source = Source(str(hcl), "main.tf", text)
    parsed = TfFile(source, "terraform", [], attributes=attributes, blocks=blocks)
    converted = json_dir / "main.tf.json"
    converted.write_text(to_json(parsed), encoding="utf-8")
    return hcl, converted


@pytest.mark.parametrize("parser", ["tree-sitter", "hcl2"])
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_json_syntax_gives_the_same_findings(fixture: Path, parser: str, tmp_path: Path) -> None:
    name = f"{fixture.parent.name}/{fixture.name}"
    if name in EXCLUDED:
        pytest.skip(EXCLUDED[name])
    if parser == "hcl2":
        pytest.importorskip("hcl2")
    settings = {**case_settings(fixture), "tf.hcl_parser": parser}
    try:
        hcl, converted = _pair(fixture, tmp_path)
    except NotExpressible as exc:
        pytest.fail(f"{name}: {exc}")
    assert _findings(converted, settings) == _findings(hcl, settings)


def test_the_differential_test_covers_the_fixtures() -> None:
    assert len(FIXTURES) > 200
    assert all(name in {f"{p.parent.name}/{p.name}" for p in FIXTURES} for name in EXCLUDED)


# --------------------------------------------------------------------------- the model


def _parse(text: str, path: str = "/m/main.tf.json", parser: str = "tree-sitter") -> TfFile:
    return json_syntax.parse(Source(path, Path(path).name, textwrap.dedent(text)), parser)


BUCKET = """\
{
  "//": "generated by a tool",
  "resource": {
    "aws_s3_bucket": {
      "site": {
        "bucket": "site-${var.env}",
        "acl": "public-read",
        "tags": {"Name": "site", "env": "${var.env}"},
        "versioning": {"enabled": true},
        "depends_on": ["aws_kms_key.k", "${aws_iam_role.r}"]
      }
    }
  }
}
"""


def test_blocks_and_attributes_have_positions() -> None:
    parsed = _parse(BUCKET)
    (resource,) = parsed.subjects
    assert (resource.label, resource.line, resource.end_line) == ("aws_s3_bucket.site", 5, 11)
    block = parsed.blocks[0]
    assert [(a.name, a.line, a.col) for a in block.attributes.values()] == [
        ("bucket", 6, 9),
        ("acl", 7, 9),
        ("tags", 8, 9),
        ("depends_on", 10, 9),
    ]
    (versioning,) = block.blocks
    assert (versioning.type, versioning.line, versioning.path) == (
        "versioning",
        9,
        ("versioning", 0),
    )
    assert versioning.get("enabled") is True


def test_strings_are_templates_parsed_as_hcl() -> None:
    block = _parse(BUCKET).blocks[0]
    assert block.get("bucket") == Template(("site-", Expr("var.env", "ref", ref=("var", "env"))))
    tags = block.get("tags")
    assert isinstance(tags, dict) and tags["Name"] == "site"
    assert tags["env"] == Expr("var.env", "ref", ref=("var", "env"))
    # depends_on holds references written as strings
    assert block.get("depends_on") == [
        Expr("aws_kms_key.k", "ref", ref=("aws_kms_key", "k")),
        Expr("aws_iam_role.r", "ref", ref=("aws_iam_role", "r")),
    ]


@pytest.mark.parametrize("parser", ["tree-sitter", "hcl2"])
def test_both_hcl_parsers_read_the_templates(parser: str) -> None:
    if parser == "hcl2":
        pytest.importorskip("hcl2")
    text = """\
    {"locals": {
      "a": "${aws_s3_bucket.b.id}",
      "b": "x \\"q\\" $${lit} ${lookup(var.m, \\"k\\", 1)}",
      "c": "line\\nnext",
      "d": "${var.on ? \\"x\\" : \\"y\\"}"
    }}
    """
    values = {k: a.value for k, a in _parse(text, parser=parser).blocks[0].attributes.items()}
    assert values["a"] == Expr("aws_s3_bucket.b.id", "ref", ref=("aws_s3_bucket", "b", "id"))
    b = values["b"]
    assert isinstance(b, Template) and b.parts[0] == 'x "q" ${lit} '
    call = b.parts[1]
    assert isinstance(call, Expr) and call.kind == "call" and call.op == "lookup"
    assert values["c"] == "line\nnext"
    cond = values["d"]
    assert isinstance(cond, Expr) and cond.kind == "cond" and cond.args[1:] == ("x", "y")


def test_literal_arguments_are_not_templates() -> None:
    text = """\
    {
      "variable": {"name": {"type": "list(string)", "default": ["${not.a.ref}"],
                            "description": "${neither}"}},
      "module": {"m": {"source": "./m", "version": "${v}", "providers": {"aws": "aws.west"},
                       "settings": {"a": {"b": 1}}}},
      "terraform": {"backend": {"s3": {"key": "${literal}"}},
                    "required_providers": {"aws": {"source": "hashicorp/aws"}}}
    }
    """
    variable, module, terraform = _parse(text).blocks
    assert variable.get("default") == ["${not.a.ref}"]
    assert variable.get("description") == "${neither}"
    vtype = variable.get("type")
    assert isinstance(vtype, Expr) and vtype.kind == "call" and vtype.op == "list"
    assert module.get("version") == "${v}"
    assert module.get("providers") == {"aws": Expr("aws.west", "ref", ref=("aws", "west"))}
    assert module.get("settings") == {"a": {"b": 1}} and not module.blocks  # module args: values
    backend, required = terraform.blocks
    assert (backend.type, backend.labels, backend.get("key")) == ("backend", ("s3",), "${literal}")
    assert required.get("aws") == {"source": "hashicorp/aws"}


def test_provider_aliases_dynamic_blocks_and_lists_of_blocks() -> None:
    text = """\
    {
      "provider": {"aws": [{"region": "us-east-1"}, {"alias": "west", "region": "us-west-2"}]},
      "resource": {"aws_security_group": {"sg": {
        "ingress": [{"from_port": 22, "cidr_blocks": ["0.0.0.0/0"]}, {"from_port": 443}],
        "dynamic": {"egress": {"for_each": "${var.rules}", "iterator": "rule",
                               "content": {"from_port": "${rule.value}"}}},
        "lifecycle": {"ignore_changes": "all"}
      }}}
    }
    """
    parsed = _parse(text)
    assert [s.label for s in parsed.subjects] == [
        "provider.aws",
        "provider.aws.west",
        "aws_security_group.sg",
    ]
    sg = parsed.blocks[2]
    assert [(b.type, b.labels, b.path) for b in sg.blocks] == [
        ("ingress", (), ("ingress", 0)),
        ("ingress", (), ("ingress", 1)),
        ("dynamic", ("egress",), ("egress", 0)),
        ("lifecycle", (), ("lifecycle", 0)),
    ]
    dynamic = sg.blocks[2]
    assert dynamic.get("iterator") == Expr("rule", "ref", ref=("rule",))
    assert dynamic.blocks[0].type == "content"
    assert sg.blocks[3].get("ignore_changes") == Expr("all", "ref", ref=("all",))


def test_maps_stay_attributes() -> None:
    text = """\
    {"resource": {"google_compute_instance": {"vm": {
      "metadata": {"enable-oslogin": "TRUE"},
      "labels": {},
      "custom_thing": {"Name": "not a schema name"},
      "service_account": {"scopes": ["cloud-platform"]}
    }}, "kubernetes_pod": {"p": {"metadata": {"name": "p"}}}}}
    """
    vm, pod = _parse(text).blocks
    assert set(vm.attributes) == {"metadata", "labels", "custom_thing"}
    assert [b.type for b in vm.blocks] == ["service_account"]
    assert [b.type for b in pod.blocks] == ["metadata"]  # a block in kubernetes_* resources


def test_tfvars_json_is_literal_values() -> None:
    parsed = _parse(
        '{\n  "//": "note",\n  "env": "${x}",\n  "sizes": [1, 2]\n}\n',
        "/m/terraform.tfvars.json",
    )
    assert {k: (a.value, a.line) for k, a in parsed.attributes.items()} == {
        "env": ("${x}", 3),
        "sizes": ([1, 2], 4),
    }
    assert not parsed.subjects


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ('{\n  "resource": {,}\n}\n', 2, 16, "Expecting property name enclosed in double quotes"),
        ('{"a": 1}\n{}', 2, 1, "Extra data"),
        ('{\n  "locals": {"a": "x" "b": 1}\n}', 2, 23, "Expecting ',' delimiter"),
        ("[]", 1, 1, "must hold one JSON object"),
        ('{"resource": {"aws_s3_bucket": {"b": {"acl": "${oops("}}}}', 1, 46, "cannot read"),
        ('{"locals": {"a": NaN}}', 1, 18, "Expecting value"),
    ],
)
def test_malformed_json_is_one_parse_error(text: str, line: int, col: int, message: str) -> None:
    with pytest.raises(ParseError) as exc:
        _parse(text)
    assert (exc.value.line, exc.value.col) == (line, col)
    assert message in exc.value.message


def test_comment_properties_are_the_files_comments() -> None:
    text = BUCKET.replace(
        '"acl": "public-read",',
        '"acl": "public-read",\n        "//": "devops-policy: ignore[TF-001] reason=demo",',
    )
    assert json_syntax.comments(text) == [
        (2, "// generated by a tool"),
        (8, "// devops-policy: ignore[TF-001] reason=demo"),
    ]
    assert json_syntax.comments("{broken") == []


# --------------------------------------------------------------------------- recognition


def test_recognition_and_module_files(tmp_path: Path) -> None:
    assert is_terraform_path(Path("infra/main.tf.json"))
    assert is_terraform_path(Path("infra/MAIN.TF.JSON"))
    assert not is_terraform_path(Path("infra/terraform.tfvars.json"))
    assert not is_terraform_path(Path("infra/package.json"))
    names = [
        "b.tf",
        "a.tf.json",
        "terraform.tfvars.json",
        "terraform.tfvars",
        "z.auto.tfvars",
        "m.auto.tfvars.json",
        "a.auto.tfvars",
        "other.tfvars.json",
        "package.json",
    ]
    for name in names:
        (tmp_path / name).write_text("{}\n")
    assert [Path(p).name for p in module_files(str(tmp_path))] == [
        "a.tf.json",
        "b.tf",
        "terraform.tfvars",
        "terraform.tfvars.json",
        "a.auto.tfvars",
        "m.auto.tfvars.json",
        "z.auto.tfvars",
    ]


# --------------------------------------------------------------------------- in a run

RUN = ("--devops-policy-only", "-p", "no:cacheprovider", "-rA")


def test_a_finding_points_at_its_line(pytester: pytest.Pytester) -> None:
    (pytester.path / "site.tf.json").write_text(BUCKET)
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-001")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*site.tf.json::aws_s3_bucket.site::TF-001*"])
    result.stdout.fnmatch_lines(["*--> site.tf.json:7:9*"])


def test_a_comment_property_waives(pytester: pytest.Pytester) -> None:
    waived = BUCKET.replace(
        '"bucket": "site-${var.env}",',
        '"//": "devops-policy: ignore[TF-001] reason=\'a public site\'",\n'
        '        "bucket": "site-${var.env}",',
    )
    (pytester.path / "site.tf.json").write_text(waived)
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-001")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(['*waived by site.tf.json:6 (reason="a public site"*'])


MAIN_TF = """\
variable "retention_days" {}
"""
DB_JSON = """\
{
  "resource": {
    "aws_db_instance": {
      "orders": {
        "engine": "postgres",
        "instance_class": "db.t4g.medium",
        "backup_retention_period": "${var.retention_days}"
      }
    }
  }
}
"""


def test_a_module_of_tf_and_tf_json_files_with_json_tfvars(pytester: pytest.Pytester) -> None:
    db = pytester.path / "db"
    db.mkdir()
    (db / "variables.tf").write_text(MAIN_TF)
    (db / "db.tf.json").write_text(DB_JSON)
    run = (*RUN, "--devops-policy-select=TF-017")
    pytester.runpytest(*run).assert_outcomes(skipped=1)  # var.retention_days has no value
    (db / "terraform.tfvars.json").write_text('{"retention_days": 14}\n')
    pytester.runpytest(*run).assert_outcomes(passed=1)
    # *.auto.tfvars.json come after terraform.tfvars.json, in lexical order with *.auto.tfvars
    (db / "a.auto.tfvars").write_text("retention_days = 0\n")
    pytester.runpytest(*run).assert_outcomes(failed=1)
    (db / "b.auto.tfvars.json").write_text('{"retention_days": 30}\n')
    pytester.runpytest(*run).assert_outcomes(passed=1)


def test_malformed_tf_json_is_one_parse_error_item(pytester: pytest.Pytester) -> None:
    (pytester.path / "bad.tf.json").write_text('{\n  "resource": {\n    "aws_s3_bucket": [}\n}\n')
    (pytester.path / "good.tf.json").write_text(BUCKET)
    result = pytester.runpytest(*RUN, "--devops-policy-select=TF-001")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "PARSE-ERROR [[]high[]]: cannot parse bad.tf.json as terraform: Expecting value",
            "  --> bad.tf.json:3:23",
        ]
    )
    assert result.stdout.str().count("FAILED bad.tf.json") == 1  # one item for the file


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.data())
def test_any_mangled_file_parses_or_is_one_parse_error(data: st.DataObject) -> None:
    text = BUCKET
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 8))
        insert = data.draw(
            st.sampled_from(["", "{", "}", "[", "]", ",", ":", '"', "\\", "${", "\n"])
        )
        text = text[:at] + insert + text[at + cut :]
    try:
        parsed = _parse(text)
    except ParseError as exc:
        assert exc.line >= 1 and exc.col >= 1
    else:
        assert isinstance(parsed, TfFile)
    json_syntax.comments(text)  # never raises
