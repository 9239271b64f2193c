"""The bundled Kubernetes version support table for EKS, GKE and AKS (``data/kubernetes_eol.json``).

Offline, like the image table (``knowledge/eol.py``, whose format and date rules it
shares): each managed Kubernetes service maps minor versions to the end of their
standard support, or ``true``/``false`` when only the status on the table's date is
certain. A version written as ``1.29``, ``"1.29.3"`` or ``1.29.3-gke.1093000`` is
looked up by its minor version; a version the table does not list is "not in the
bundled table".
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from pytest_devops_policy.knowledge.eol import EolCycle, EolTable, is_eol, parse_table

__all__ = ["VersionStatus", "kubernetes_status", "load_kubernetes_table"]

_MINOR = re.compile(r"^v?(\d+)\.(\d+)(?:[.\-+].*)?$")


@functools.cache
def load_kubernetes_table() -> EolTable:
    """The bundled table, read once per process."""
    ref = resources.files("pytest_devops_policy") / "data" / "kubernetes_eol.json"
    return parse_table(json.loads(ref.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class VersionStatus:
    """What the table says about one version: ``eol`` is tri-state, ``text`` says why."""

    eol: bool | None
    text: str


def kubernetes_status(service: str, version: str, as_of: dt.date | None = None) -> VersionStatus:
    """``service`` is ``eks``, ``gke`` or ``aks``."""
    table = load_kubernetes_table()
    product = table.products[service]
    valid = table.valid_as_of
    when = as_of or valid
    m = _MINOR.match(version.strip())
    if m is None:
        return VersionStatus(None, f"{version!r} names no Kubernetes minor version")
    minor = f"{int(m.group(1))}.{int(m.group(2))}"
    eol = product.cycles.get(minor)
    label = f"{product.title} {minor}"
    if eol is None:
        return VersionStatus(
            None, f"{label} is not in the bundled version table (valid as of {valid})"
        )
    status = is_eol(EolCycle(service, minor, eol), when, valid)
    if status is True:
        day = f"on {eol}" if isinstance(eol, dt.date) else f"by {valid} (day not recorded)"
        return VersionStatus(
            True,
            f"{label} reached the end of its support {day}: {product.eol_meaning} "
            f"(table valid as of {valid})",
        )
    if status is False:
        return VersionStatus(False, f"{label} is supported (table valid as of {valid})")
    return VersionStatus(None, f"{label}: status on {when} unknown (table valid as of {valid})")
