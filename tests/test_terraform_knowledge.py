"""Shared Terraform knowledge: conversion rules, functions, policy documents, network vocabulary."""

from __future__ import annotations

import pytest

from pytest_devops_policy.formats.terraform.model import Expr, Template, Value
from pytest_devops_policy.knowledge.terraform import iam, network, values
from pytest_devops_policy.knowledge.terraform.functions import binary, call
from pytest_devops_policy.knowledge.terraform.references import MISSING

VAR_X = Expr("var.x", "ref", ref=("var", "x"))


# --------------------------------------------------------------------------- conversions


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        ("TRUE", True),
        ("yes", None),
        (1, None),
        (None, None),
        (VAR_X, None),
        ([True], None),
    ],
)
def test_to_bool(value: Value, expected: bool | None) -> None:
    assert values.to_bool(value) is expected


def test_null_takes_the_provider_default() -> None:
    assert values.to_bool(None, default=True) is True
    assert values.is_true(None) is False  # unset is not on
    assert values.is_false(None) is False  # ... nor explicitly off
    assert values.is_true("true") is True and values.is_false("false") is True
    assert values.is_true("maybe") is None and values.is_false("maybe") is None


@pytest.mark.parametrize(
    ("value", "number", "whole"),
    [
        (14, 14.0, 14),
        (1.5, 1.5, None),
        (22.0, 22.0, 22),
        ("14", 14.0, 14),
        (" 7 ", 7.0, 7),
        ("-1", -1.0, -1),
        ("2.50", 2.5, None),
        ("1e3", 1000.0, 1000),
        (True, None, None),
        ("0x1F", None, None),
        ("nan", None, None),
        ("1_000", None, None),
        ("", None, None),
        (None, None, None),
        (VAR_X, None, None),
    ],
)
def test_to_number_and_whole_number(value: Value, number: float | None, whole: int | None) -> None:
    assert values.to_number(value) == number
    assert values.to_whole_number(value) == whole


def test_to_string_and_keywords() -> None:
    assert [values.to_string(v) for v in ("a", True, 14, 1.5, 2.0)] == [
        "a",
        "true",
        "14",
        "1.5",
        "2",
    ]
    assert values.to_string(None) is None and values.to_string([1]) is None
    assert values.keyword("  Public-Read ") == "public-read" and values.keyword(1) is None
    test = values.one_of({"deny"}, absent=True)
    assert (test("Deny"), test("allow"), test(None), test(3)) == (True, False, True, None)


def test_functions_convert_with_the_same_rules() -> None:
    assert call("tobool", ("true",)) is True
    assert call("tobool", ("yes",)) is MISSING
    assert call("tonumber", ("7",)) == 7 and isinstance(call("tonumber", ("7",)), int)
    assert call("tonumber", ("7.0",)) == 7.0 and isinstance(call("tonumber", ("7.0",)), float)
    assert call("tonumber", ("seven",)) is MISSING and call("tonumber", (True,)) is MISSING
    assert call("tostring", (14,)) == "14" and call("tostring", (None,)) is MISSING
    assert call("format", ("%s-%d", "prod", 3)) == "prod-3"
    assert call("file", ("policy.json",)) is MISSING
    assert binary("<=", 1, 2) is True and binary("<", "a", 2) is MISSING


# --------------------------------------------------------------------------- policy documents


def test_documents_are_read_from_strings_templates_and_jsonencode() -> None:
    assert iam.read_document('{"Statement": []}') == {"Statement": []}
    assert iam.read_document("not json") is None
    doc = iam.read_document(Template(('{"Resource": "', VAR_X, '/*"}')))
    assert doc["Resource"] == iam.HOLE + "/*" and iam.known(doc["Resource"]) is None
    assert iam.read_document(Expr("jsonencode(x)", "call", op="jsonencode", args=({"a": 1},))) == {
        "a": 1
    }
    assert iam.read_document(VAR_X) is None


@pytest.mark.parametrize(
    ("statement", "public"),
    [
        ({"Effect": "Allow", "Principal": "*"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}}, True),
        ({"Effect": "Deny", "Principal": "*"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}, False),
        ({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}, True),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
            },
            False,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
            },
            True,
        ),
        ({"Effect": "Allow", "Principal": iam.HOLE}, None),
        ({"Effect": iam.HOLE, "Principal": "*"}, None),
    ],
)
def test_public_statements(statement: dict[str, object], public: bool | None) -> None:
    assert iam.public_statement(statement)[0] is public


# --------------------------------------------------------------------------- network


def test_internet_sources_and_ports() -> None:
    assert network.is_internet_cidr("0.0.0.0/0") and network.is_internet_cidr(" ::/0 ")
    assert not network.is_internet_cidr("10.0.0.0/8") and not network.is_internet_cidr("0.0.0.0")
    assert network.is_internet("Internet", azure=True) and not network.is_internet("*", False)
    assert network.internet_sources(["10.0.0.0/8", "0.0.0.0/0", VAR_X], azure=False) == (
        ["0.0.0.0/0"],
        True,
    )
    assert [network.parse_port_range(p) for p in (22, "22", "20-30", "30-20", 70000, True)] == [
        (22, 22),
        (22, 22),
        (20, 30),
        None,
        None,
        None,
    ]
    assert [network.protocol_kind(p) for p in ("-1", "TCP", 6, "icmp", None)] == [
        "all",
        "ports",
        "ports",
        "none",
        None,
    ]
    ports = network.sensitive_ports([22, "5985-5986"], ["x"])
    assert [str(p) for p in ports] == ["22 (ssh)", "5985-5986 (winrm/winrm-https)"]
    assert ports[1].within([(5986, 6000)]) and not ports[0].within([(23, 80)])
