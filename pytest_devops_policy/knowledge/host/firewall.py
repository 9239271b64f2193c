"""The host packet filter as HOST-009 reads it (catalog §8.2-7): nftables JSON, ``iptables
-S``, ``ufw status verbose`` (and its files) and firewalld's answers.

A packet arriving for the host passes every base chain hooked on ``input`` for its family,
and ``accept`` ends only its own chain. So inbound traffic is denied by default for a family
as soon as **one** base input chain covering it (``inet`` covers IPv4 and IPv6, ``ip`` IPv4,
``ip6`` IPv6) has policy ``drop`` or ends with an unconditional ``drop``/``reject``. iptables
(legacy or nft-backed) is the same model with one ``INPUT`` chain per family. Pure functions
of text.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "FAMILIES",
    "ChainView",
    "FirewalldState",
    "UfwState",
    "docker_published",
    "firewalld_zones",
    "iptables_input",
    "nft_input_chains",
    "ufw_from_files",
    "ufw_status",
]

FAMILIES = ("IPv4", "IPv6")
_NFT_COVERS = {"inet": FAMILIES, "ip": ("IPv4",), "ip6": ("IPv6",)}
# Statements that neither match nor decide: a rule made only of these and a verdict is
# unconditional (iptables-nft writes `counter` before every verdict).
_NEUTRAL = frozenset({"counter", "log", "comment"})
_DENY_TARGETS = frozenset({"DROP", "REJECT"})


@dataclass(frozen=True)
class ChainView:
    """One base chain on the input hook, as a finding names it."""

    name: str  # "inet filter input", "iptables INPUT"
    families: tuple[str, ...]
    policy: str  # accept, drop
    denies: bool  # policy drop, or an unconditional final drop/reject
    rules: int
    why: str  # "policy drop", "ends with an unconditional reject", "policy accept"


def _unconditional_deny(exprs: object) -> bool:
    if not isinstance(exprs, list) or not exprs:
        return False
    *head, last = exprs
    if not all(isinstance(e, dict) and set(e) <= _NEUTRAL for e in head):
        return False
    if not isinstance(last, dict):
        return False
    if "drop" in last or "reject" in last:
        return True
    # iptables-nft's REJECT is an xt target
    xt = last.get("xt")
    return isinstance(xt, dict) and xt.get("type") == "target" and xt.get("name") in (_DENY_TARGETS)


def nft_input_chains(text: str) -> list[ChainView] | None:
    """The base input chains of an ``nft -j list ruleset`` output (``[]`` for an empty
    ruleset, which prints nothing); ``None`` when the text is not nft JSON."""
    if not text.strip():
        return []
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    items = doc.get("nftables") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return None
    chains: dict[tuple[str, str, str], dict[str, object]] = {}
    last_rule: dict[tuple[str, str, str], object] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        chain = item.get("chain")
        if isinstance(chain, dict) and chain.get("hook") == "input":
            key = (str(chain.get("family")), str(chain.get("table")), str(chain.get("name")))
            chains[key] = chain
        rule = item.get("rule")
        if isinstance(rule, dict):
            key = (str(rule.get("family")), str(rule.get("table")), str(rule.get("chain")))
            last_rule[key] = rule.get("expr")
            counts[key] = counts.get(key, 0) + 1
    out = []
    for key, chain in chains.items():
        family = key[0]
        if family not in _NFT_COVERS:
            continue  # bridge, arp, netdev: not the host's inbound IP path
        policy = str(chain.get("policy", "accept"))
        if policy == "drop":
            denies, why = True, "policy drop"
        elif _unconditional_deny(last_rule.get(key)):
            denies, why = True, "ends with an unconditional drop/reject"
        else:
            denies, why = False, f"policy {policy}, no final drop/reject"
        out.append(
            ChainView(
                f"{family} {key[1]} {key[2]}",
                _NFT_COVERS[family],
                policy,
                denies,
                counts.get(key, 0),
                why,
            )
        )
    return out


def iptables_input(text: str, family: str) -> ChainView | None:
    """``iptables -S INPUT`` (or ``ip6tables``): the ``-P`` line and the last rule."""
    policy = ""
    rules: list[list[str]] = []
    for line in text.splitlines():
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if words[:2] == ["-P", "INPUT"] and len(words) >= 3:
            policy = words[2]
        elif words[:2] == ["-A", "INPUT"]:
            rules.append(words[2:])
    if not policy:
        return None
    tool = "iptables" if family == "IPv4" else "ip6tables"
    if policy in _DENY_TARGETS:
        return ChainView(f"{tool} INPUT", (family,), policy.lower(), True, len(rules), "")
    last = rules[-1] if rules else []
    # unconditional: the rule is only "-j DROP" or "-j REJECT [--reject-with X]"
    final = len(last) >= 2 and last[0] == "-j" and last[1] in _DENY_TARGETS
    if final and len(last) > 2:
        final = last[2] == "--reject-with" and len(last) == 4
    why = (
        f"ends with an unconditional {last[1]}"
        if final
        else f"policy {policy}, no final DROP/REJECT"
    )
    view = ChainView(f"{tool} INPUT", (family,), policy.lower(), final, len(rules), why)
    return view


@dataclass(frozen=True)
class UfwState:
    active: bool
    incoming: str  # deny, reject, allow, "" (unknown)
    ipv6: bool | None = None  # None: not known (the status command does not say)
    where: str = "ufw status verbose"

    @property
    def denies(self) -> bool:
        return self.incoming in ("deny", "reject")


def ufw_status(text: str) -> UfwState | None:
    """``ufw status verbose``: ``Status: active`` and ``Default: deny (incoming), ...``."""
    status = re.search(r"^Status:\s*(\w+)", text, re.M)
    if status is None:
        return None
    default = re.search(r"^Default:.*?(\w+) \(incoming\)", text, re.M)
    return UfwState(status.group(1) == "active", default.group(1) if default else "")


def _shell_vars(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            out[key.strip()] = value.strip().strip("\"'")
    return out


def ufw_from_files(ufw_conf: str, defaults: str) -> UfwState:
    """The configured state (``/etc/ufw/ufw.conf`` ``ENABLED=yes`` and ``/etc/default/ufw``
    ``DEFAULT_INPUT_POLICY``): what a non-root reader can see."""
    enabled = _shell_vars(ufw_conf).get("ENABLED", "no").lower() == "yes"
    values = _shell_vars(defaults)
    policy = values.get("DEFAULT_INPUT_POLICY", "").upper()
    incoming = {"DROP": "deny", "REJECT": "reject", "ACCEPT": "allow"}.get(policy, "")
    ipv6 = values.get("IPV6", "yes").lower() == "yes"
    return UfwState(enabled, incoming, ipv6, "/etc/ufw/ufw.conf, /etc/default/ufw")


@dataclass(frozen=True)
class FirewalldState:
    running: bool
    zones: Mapping[str, str] = field(default_factory=dict)  # zone -> target


def firewalld_zones(active: str, default: str) -> list[str]:
    """Zone names from ``--get-active-zones`` (a name line, then indented details) plus the
    default zone, in order, once each."""
    names = [
        line.strip()
        for line in active.splitlines()
        if line.strip() and not line[:1].isspace() and ":" not in line
    ]
    if default.strip():
        names.append(default.strip().splitlines()[0])
    return list(dict.fromkeys(names))


_PUBLISHED = re.compile(r"(0\.0\.0\.0|\[?::\]?|\*):(\d+(?:-\d+)?)->")


def docker_published(lines: Iterable[str]) -> list[str]:
    """Host ports published on every address, from ``docker ps --format '{{.Ports}}'``
    (``0.0.0.0:8080->80/tcp, :::8080->80/tcp``)."""
    found: dict[str, None] = {}
    for line in lines:
        for m in _PUBLISHED.finditer(line):
            found[m.group(2)] = None
    return list(found)
