"""The bundled Kubernetes version table (data/kubernetes_eol.json) used by TF-025."""

from __future__ import annotations

import datetime as dt

import pytest

from pytest_devops_policy.knowledge.terraform.kubernetes_versions import (
    kubernetes_status,
    load_kubernetes_table,
)


def _minor(cycle: str) -> tuple[int, int]:
    major, minor = cycle.split(".")
    return int(major), int(minor)


def test_the_table_loads_with_the_three_services() -> None:
    table = load_kubernetes_table()
    assert set(table.products) == {"eks", "gke", "aks"}
    assert table.valid_as_of == dt.date(2026, 11, 1)


@pytest.mark.parametrize("service", ["eks", "gke", "aks"])
def test_support_ends_in_version_order(service: str) -> None:
    """Ended (true) versions come before dated ones, dated ones in order, then supported."""
    cycles = load_kubernetes_table().products[service].cycles
    rank = {True: 0, False: 2}
    previous: tuple[int, dt.date | None] = (0, None)
    for cycle in sorted(cycles, key=_minor):
        eol = cycles[cycle]
        key = (1, eol) if isinstance(eol, dt.date) else (rank[eol], None)
        assert key[0] >= previous[0], cycle
        if key[0] == 1 and previous[0] == 1:
            assert previous[1] is not None and key[1] is not None and key[1] > previous[1]
        previous = key


@pytest.mark.parametrize(
    ("service", "version", "eol"),
    [
        ("eks", "1.29", True),
        ("eks", "1.21", True),
        ("eks", "1.34", False),
        ("eks", "1.99", None),
        ("eks", "latest", None),
        ("gke", "1.27.8-gke.1067004", True),
        ("gke", "1.35.1-gke.1", None),
        ("aks", "1.28.5", True),
        ("aks", "v1.30", True),
    ],
)
def test_status(service: str, version: str, eol: bool | None) -> None:
    assert kubernetes_status(service, version).eol is eol


def test_a_dated_end_is_judged_on_the_day_asked() -> None:
    assert kubernetes_status("eks", "1.33", dt.date(2026, 7, 28)).eol is False
    assert kubernetes_status("eks", "1.33", dt.date(2026, 7, 29)).eol is True
