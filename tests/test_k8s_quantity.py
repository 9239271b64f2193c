"""Kubernetes quantities: the notations of catalog §2.2-11 and the traps around them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pytest_devops_policy.knowledge.kubernetes.quantity import (
    InvalidQuantity,
    parse_quantity,
    try_parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100m", "0.1"),
        ("0.1", "0.1"),
        ("1", "1"),
        ("1.5", "1.5"),
        (".5", "0.5"),
        ("1.", "1"),
        ("+2", "2"),
        ("-1", "-1"),
        ("250M", "250000000"),
        ("128Mi", str(128 * 2**20)),
        ("256Mi", str(256 * 2**20)),
        ("1Gi", str(2**30)),
        ("1.5Gi", str(3 * 2**29)),
        ("1Ei", str(2**60)),
        ("1e3", "1000"),
        ("129e6", "129000000"),
        ("2E-3", "0.002"),
        ("1k", "1000"),
        ("1Ki", "1024"),
        ("1E", "1000000000000000000"),
        ("5n", "0.000000005"),
        ("5u", "0.000005"),
        ("0", "0"),
        ("0m", "0"),
    ],
)
def test_parses_like_the_api_server(text: str, value: str) -> None:
    assert parse_quantity(text).value == Decimal(value)


def test_decimal_and_milli_notations_are_equal() -> None:
    assert parse_quantity("100m").value == parse_quantity("0.1").value


def test_k_is_1000_and_ki_is_1024() -> None:
    assert parse_quantity("1k").value == 1000
    assert parse_quantity("1Ki").value == 1024
    assert parse_quantity("1Ki").is_binary
    assert not parse_quantity("1k").is_binary


def test_lowercase_m_on_memory_means_milli_bytes() -> None:
    q = parse_quantity("128m")
    assert q.value == Decimal("0.128")
    assert q.is_milli
    assert q.suffix == "m"
    assert not parse_quantity("128Mi").is_milli


def test_yaml_numbers() -> None:
    assert parse_quantity(2).value == 2
    assert parse_quantity(0.1).value == Decimal("0.1")  # not 0.1000000000000000055...
    assert parse_quantity(1.5).suffix == ""
    assert parse_quantity(0).is_zero
    assert parse_quantity(0.0).is_zero


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "1K",  # upper-case K is not a suffix
        "1 Gi",
        "1gi",
        "1GiB",
        "1e",
        "1e3m",
        "Mi",
        "abc",
        "1.2.3",
        "0x10",
        "1e99999999",
        True,  # ``cpu: yes`` under YAML 1.1
        False,
        None,
        float("inf"),
        float("nan"),
        [1],
        {"cpu": 1},
    ],
)
def test_rejects_what_the_api_server_rejects(value: object) -> None:
    with pytest.raises(InvalidQuantity):
        parse_quantity(value)
    assert try_parse_quantity(value) is None


def test_keeps_the_written_text_and_parts() -> None:
    q = parse_quantity("1.5Gi")
    assert (q.text, q.number, q.suffix) == ("1.5Gi", Decimal("1.5"), "Gi")
    assert parse_quantity("129e6").suffix == "e6"
