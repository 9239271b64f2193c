"""Network vocabulary shared by the firewall and exposure policies (TF-006, TF-007, TF-008).

What counts as "the internet" as a source (``0.0.0.0/0``, ``::/0``, Azure's
``*``/``Internet``/``Any``), port ranges as written in AWS, GCP and Azure rules,
protocols that carry ports, and the admin and database ports the catalog names
as sensitive (with their service names, for messages).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.formats.terraform.model import Value

__all__ = [
    "ALL_PORTS",
    "AZURE_ANY",
    "PortRange",
    "SensitivePorts",
    "describe_ports",
    "internet_sources",
    "is_internet",
    "is_internet_cidr",
    "parse_port_range",
    "protocol_kind",
    "sensitive_ports",
]

PortRange = tuple[int, int]
ALL_PORTS: PortRange = (0, 65535)

_PORT_NAMES = {
    22: "ssh",
    23: "telnet",
    3389: "rdp",
    5985: "winrm",
    5986: "winrm-https",
    2375: "docker",
    2376: "docker-tls",
    6443: "kube-apiserver",
    10250: "kubelet",
    3306: "mysql",
    5432: "postgresql",
    1433: "mssql",
    1521: "oracle",
    27017: "mongodb",
    6379: "redis",
    9200: "elasticsearch",
    5601: "kibana",
    11211: "memcached",
    9042: "cassandra",
    5984: "couchdb",
}
# Azure service tags and wildcards that mean "any source".
AZURE_ANY = frozenset({"*", "internet", "any", "0.0.0.0"})
# Protocols that carry ports; anything else (icmp, esp, ah, gre...) cannot reach a service port.
_PORT_PROTOCOLS = frozenset({"tcp", "udp", "sctp", "6", "17", "132"})
_ALL_PROTOCOLS = frozenset({"-1", "all", "*"})


# --------------------------------------------------------------------------- sources


def is_internet_cidr(value: str) -> bool:
    """``0.0.0.0/0``, ``::/0`` and any other spelling of a zero-length prefix."""
    text = value.strip()
    if "/" not in text:
        return False
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def is_internet(text: str, azure: bool) -> bool:
    """A source that means anywhere; Azure rules also take ``*``, ``Internet``, ``Any``."""
    return (azure and text.strip().lower() in AZURE_ANY) or is_internet_cidr(text)


def internet_sources(value: Value, azure: bool) -> tuple[list[str], bool]:
    """Internet sources among a (resolved) source value, and whether some part is unresolved."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    unresolved = False
    for item in items:
        if isinstance(item, str):
            if is_internet(item, azure):
                found.append(item.strip())
        elif item is not None:
            unresolved = True
    return found, unresolved


# --------------------------------------------------------------------------- ports


def parse_port_range(item: Any) -> PortRange | None:
    """``22``, ``"22"`` or ``"20-30"`` as an inclusive range; ``None`` if not a port."""
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return (item, item) if 0 <= item <= 65535 else None
    if isinstance(item, str):
        text = item.strip()
        lo, sep, hi = text.partition("-")
        # isdecimal: what int() reads ('²' is a digit it refuses); a port has at most five
        # digits, and int() would refuse 4,300 of them.
        if text.isdecimal():
            return parse_port_range(int(text)) if len(text.lstrip("0")) <= 5 else None
        lo, hi = lo.strip(), hi.strip()
        if sep and lo.isdecimal() and hi.isdecimal():
            if len(lo.lstrip("0")) > 5 or len(hi.lstrip("0")) > 5:
                return None
            a, b = int(lo), int(hi)
            if 0 <= a <= b <= 65535:
                return (a, b)
    return None


def protocol_kind(value: Value) -> str | None:
    """``"all"``, ``"ports"`` (tcp/udp/sctp) or ``"none"``; ``None`` when unresolved."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float)):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in _ALL_PROTOCOLS:
        return "all"
    if text in _PORT_PROTOCOLS:
        return "ports"
    return "none"


@dataclass(frozen=True)
class SensitivePorts:
    """A range of ports a policy protects, with the services usually found there."""

    lo: int
    hi: int
    name: str

    def __str__(self) -> str:
        span = str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"
        return f"{span} ({self.name})" if self.name else span

    def within(self, reach: Iterable[PortRange]) -> bool:
        """Does some reachable range overlap these ports?"""
        return any(lo <= self.hi and self.lo <= hi for lo, hi in reach)


def sensitive_ports(*groups: Any) -> list[SensitivePorts]:
    """Settings such as ``tf.admin_ports`` (ports and ``"lo-hi"`` ranges) as ranges;
    entries that are not ports are ignored."""
    out: list[SensitivePorts] = []
    for group in groups:
        items = group if isinstance(group, (list, tuple)) else [group]
        for item in items:
            span = parse_port_range(item)
            if span is None:
                continue
            names = sorted({_PORT_NAMES[p] for p in _PORT_NAMES if span[0] <= p <= span[1]})
            out.append(SensitivePorts(span[0], span[1], "/".join(names[:2])))
    return sorted(set(out), key=lambda s: (s.lo, s.hi))


def describe_ports(hits: Sequence[SensitivePorts]) -> str:
    """``port 22 (ssh)``, ``ports 22 (ssh), 3389 (rdp) and 2 more sensitive ports``."""
    shown = ", ".join(str(h) for h in hits[:3])
    noun = "port" if len(hits) == 1 else "ports"
    more = f" and {len(hits) - 3} more sensitive ports" if len(hits) > 3 else ""
    return f"{noun} {shown}{more}"
