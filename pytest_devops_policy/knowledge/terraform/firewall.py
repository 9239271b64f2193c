"""Ingress rules of AWS, GCP and Azure as one model: who may reach which ports.

``ingress_rules`` reads a security group (inline ``ingress`` blocks or standalone
rule resources), a network ACL, a GCP firewall or an Azure network security group
and yields ``Rule``s: sources (resolved), the reachable port ranges, and, for the
ordered lists (NACL rule numbers, NSG priorities), the deny entries evaluated
first. Provider defaults are applied here: a GCP firewall without any source
admits ``0.0.0.0/0``, protocol ``-1``/``all`` reaches every port, an ``allow``
without ports reaches them all.

``exposures`` is the judgement TF-006 makes: which of a set of ports an internet
source reaches, after the earlier deny entries. ``egress_rules`` reads the outbound
side the same way (destinations in ``sources``), and ``unrestricted`` is TF-007's
judgement: an internet peer that reaches every port.

Rules written in attribute syntax (``ingress = [{ ... }]``, ``security_rule = [...]``)
are read like blocks (``dynamic.nested``); one that does not resolve to a list of
objects is a rule whose peers are unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.dynamic import unread_list
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, unknown, unresolved
from pytest_devops_policy.knowledge.terraform.network import (
    ALL_PORTS,
    AZURE_ANY,
    PortRange,
    SensitivePorts,
    describe_ports,
    internet_sources,
    is_internet,
    parse_port_range,
    protocol_kind,
)
from pytest_devops_policy.knowledge.terraform.values import keyword, to_bool, to_whole_number

__all__ = [
    "ANY_PORT_TYPES",
    "DEFAULT_GROUP",
    "RULE_TYPES",
    "Deny",
    "Rule",
    "RuleSource",
    "covers_all",
    "default_group_rules",
    "egress_rules",
    "exposures",
    "ingress_rules",
    "unrestricted",
]

# Resources that admit traffic: security groups and their rules, NACLs, firewalls, NSGs.
RULE_TYPES = frozenset(
    {
        "aws_security_group",
        "aws_default_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_network_acl",
        "aws_default_network_acl",
        "aws_network_acl_rule",
        "google_compute_firewall",
        "azurerm_network_security_group",
        "azurerm_network_security_rule",
    }
)


@dataclass
class RuleSource:
    """One source attribute of a rule (``cidr_blocks``, ``source_ranges``...)."""

    attr: str
    path: tuple[PathPart, ...]
    value: Value  # resolved
    raw: Value
    implicit: str = ""  # why an absent source means "anywhere"


@dataclass
class Rule:
    """One permission: who (sources) may reach what (ports), normalised across providers."""

    what: str
    sources: list[RuleSource]
    reach: list[PortRange]
    reach_unknown: str  # non-empty: why the reachable ports are unknown
    detail: str
    azure: bool = False
    dynamic: bool = False
    unknown: str = ""  # non-empty: whether this is an inbound allow is undecidable
    shadowing: list[Deny] = field(default_factory=list)


@dataclass
class Deny:
    """An earlier deny entry of an ordered rule list (NACL rule numbers, NSG priorities)."""

    sources: list[str]
    reach: list[PortRange]
    decided: bool


# --------------------------------------------------------------------------- judgement


def _internet_peers(rule: Rule, module: Module) -> Iterator[Unknown | tuple[RuleSource, str]]:
    """Each (source, internet origin) of ``rule``; an Unknown where a source does not resolve
    far enough to tell, or the rule itself cannot be read. Shared by ``exposures`` and
    ``unrestricted``."""
    for source in rule.sources:
        open_to, undecided = internet_sources(source.value, rule.azure)
        if source.implicit:
            open_to = [source.implicit]
        if not open_to:
            if undecided:
                yield unknown(source.attr, source.raw, module)
            continue
        if rule.unknown:
            yield Unknown(rule.unknown)
            continue
        for origin in open_to:
            yield source, origin


def exposures(
    rule: Rule, sensitive: Sequence[SensitivePorts], worst_case: bool, module: Module
) -> Findings:
    """Violations for the ``sensitive`` ports an internet source of ``rule`` reaches.

    ``worst_case``: a ``dynamic`` block whose ports do not resolve reaches any port
    (§5.2-3, ``tf.dynamic_worst_case``); otherwise it cannot be checked.
    """
    hits = [s for s in sensitive if s.within(rule.reach)]
    if not hits and not rule.reach_unknown:
        return
    for found in _internet_peers(rule, module):
        if isinstance(found, Unknown):
            yield found
            continue
        source, origin = found
        remaining = [h for h in hits if not _shadowed(h, origin, rule.shadowing)]
        if any(not d.decided for d in rule.shadowing) and remaining:
            yield Unknown(f"an earlier deny entry of {rule.what} is unresolved")
            continue
        who = f"{rule.what} from {origin}"
        if remaining:
            yield Violation(
                f"{who} reaches {describe_ports(remaining)} {rule.detail}",
                path=source.path,
            )
        elif rule.reach_unknown and not hits:
            if rule.dynamic and worst_case:
                yield Violation(
                    f"{who} reaches any port (dynamic ports, assumed worst case) {rule.detail}",
                    path=source.path,
                )
            else:
                yield Unknown(rule.reach_unknown)


def _family(text: str) -> str:
    return "v6" if ":" in text else "v4"


def _shadowed(hit: SensitivePorts, origin: str, denies: Sequence[Deny]) -> bool:
    """An earlier deny for the same (or wider) internet source covers the whole hit."""
    for deny in denies:
        if not deny.decided:
            continue
        same_source = any(
            s.lower() in AZURE_ANY or (is_internet(s, False) and _family(s) == _family(origin))
            for s in deny.sources
        )
        if same_source and any(lo <= hit.lo and hit.hi <= hi for lo, hi in deny.reach):
            return True
    return False


# --------------------------------------------------------------------------- reading rules


def ingress_rules(res: TfResource, module: Module) -> Iterator[Rule]:
    """The inbound permissions ``res`` defines (nothing for other resource types)."""
    return _rules(res, module, "ingress")


def egress_rules(res: TfResource, module: Module) -> Iterator[Rule]:
    """The outbound permissions ``res`` defines; a rule's ``sources`` are its destinations."""
    return _rules(res, module, "egress")


def _rules(subject: TfResource, module: Module, way: str) -> Iterator[Rule]:
    # One rule resource per count.index / each.key (a module's list of rules).
    for res in module.views(subject):
        yield from _rules_of(res, module, way)


def _rules_of(res: TfResource, module: Module, way: str) -> Iterator[Rule]:
    if res.type in ("aws_security_group", "aws_default_security_group"):
        yield from _unread(res, way, module)
        for block in module.blocks(res, way):
            yield _aws_rule(way, block, module, ("cidr_blocks", "ipv6_cidr_blocks"))
    elif res.type == "aws_security_group_rule":
        rule = _aws_rule(way, res, module, ("cidr_blocks", "ipv6_cidr_blocks"))
        kind = _setting(module, res.get("type"), "")
        if kind == way:
            yield rule
        elif kind is None:
            rule.unknown = unresolved("type", res.get("type"), module)
            yield rule
    elif res.type == f"aws_vpc_security_group_{way}_rule":
        yield _aws_rule(way, res, module, ("cidr_ipv4", "cidr_ipv6"), "ip_protocol")
    elif res.type in ("aws_network_acl", "aws_default_network_acl"):
        yield from _nacl_inline(res, module, way)
    elif res.type == "aws_network_acl_rule":
        yield from _nacl_standalone(res, module, way)
    elif res.type == "google_compute_firewall":
        yield from _gcp_firewall(res, module, way)
    elif res.type == "azurerm_network_security_group":
        yield from _nsg_inline(res, module, way)
    elif res.type == "azurerm_network_security_rule":
        yield from _nsg_standalone(res, module, way)


def _unread(res: TfResource, name: str, module: Module) -> Iterator[Rule]:
    """A rule list in attribute syntax that does not resolve: peers and ports unknown."""
    raw = unread_list(res, name, module.resolve)
    if raw is not None:
        why = unresolved(name, raw, module)
        source = RuleSource(name, (name,), raw, raw)
        yield Rule(name, [source], [], why, "", azure=res.type.startswith("azurerm_"))


def _setting(module: Module, raw: Value, default: str) -> str | None:
    """An enumerated setting resolved and lower-cased; ``default`` when unset."""
    value = module.resolve(raw)
    return default if value is None else keyword(value)


def _source(owner: Block | TfResource, attr: str, module: Module) -> RuleSource | None:
    if not owner.has(attr):
        return None
    raw = owner.get(attr)
    return RuleSource(attr, (*owner.path, attr), module.resolve(raw), raw)


def _port_list(ports: Value, raw: Value, module: Module) -> tuple[list[PortRange], str]:
    items = ports if isinstance(ports, list) else [ports]
    reach: list[PortRange] = []
    why = ""
    for item in items:
        if isinstance(item, str) and item.strip() == "*":
            reach.append(ALL_PORTS)
            continue
        span = parse_port_range(item) if is_literal(item) else None
        if span is None:
            why = unresolved("ports", raw, module)
        else:
            reach.append(span)
    return reach, why


# --------------------------------------------------------------------------- AWS


def _aws_reach(
    block: Block | TfResource, module: Module, proto_attr: str = "protocol"
) -> tuple[list[PortRange], str, str]:
    """Reachable port ranges of an AWS from_port/to_port/protocol triple."""
    raw_proto = block.get(proto_attr)
    kind = protocol_kind(module.resolve(raw_proto))
    if kind is None:
        return [], unresolved(proto_attr, raw_proto, module), ""
    if kind == "all":
        return [ALL_PORTS], "", f"[{proto_attr}={hcl(raw_proto)}: all ports]"
    if kind == "none":
        return [], "", ""
    raw_from, raw_to = block.get("from_port"), block.get("to_port")
    lo = to_whole_number(module.resolve(raw_from))
    hi = to_whole_number(module.resolve(raw_to))
    shown_from = hcl(raw_from) if lo is None else str(lo)
    shown_to = hcl(raw_to) if hi is None else str(hi)
    detail = f"[from_port={shown_from}, to_port={shown_to}]"
    if lo is None or hi is None:
        return [], unresolved("port", raw_from if lo is None else raw_to, module), detail
    if lo == -1 and hi == -1:
        # -1/-1 is the "all" port spelling (ICMP's all types); for tcp/udp it is not port 0:
        # either EC2 refuses it or the rule opens every port, so judge the worst case.
        return [ALL_PORTS], "", f"[from_port={lo}, to_port={hi}: all ports]"
    lo, hi = max(0, min(lo, hi)), min(65535, max(lo, hi))
    return [(lo, hi)], "", detail


def _aws_rule(
    what: str,
    owner: Block | TfResource,
    module: Module,
    source_attrs: Sequence[str],
    proto_attr: str = "protocol",
) -> Rule:
    reach, why, detail = _aws_reach(owner, module, proto_attr)
    sources = [s for a in source_attrs if (s := _source(owner, a, module)) is not None]
    dynamic = isinstance(owner, Block) and owner.dynamic
    return Rule(what, sources, reach, why, detail, dynamic=dynamic)


def _nacl_entry(
    what: str, owner: Block | TfResource, module: Module, action_attr: str
) -> tuple[Rule, bool | None]:
    """A NACL entry as a rule plus whether it allows (None: unresolved)."""
    rule = _aws_rule(what, owner, module, ("cidr_block", "ipv6_cidr_block"))
    action = _setting(module, owner.get(action_attr), "")
    allow = None if action is None else action == "allow"
    return rule, allow


def _as_deny(rule: Rule) -> Deny:
    sources: list[str] = []
    decided = not rule.reach_unknown
    for source in rule.sources:
        found, undecided = internet_sources(source.value, rule.azure)
        sources.extend(found)
        decided = decided and not undecided
    return Deny(sources, rule.reach, decided)


def _ordered(
    entries: list[tuple[int | None, Rule, bool | None]], own: set[int] | None = None
) -> Iterator[Rule]:
    """Attach the deny entries that are evaluated before each allow (lower number first).

    ``own`` limits the yielded allows to these indexes (a standalone rule yields
    only itself, but is shadowed by its siblings)."""
    for index, (number, rule, allow) in enumerate(entries):
        if own is not None and index not in own:
            continue
        if allow is False:
            continue
        if allow is None:
            rule.unknown = f"whether {rule.what} allows or denies is unresolved"
        for other_number, other, other_allow in entries:
            if other is rule or other_allow is True:
                continue
            if number is None or other_number is None or other_allow is None:
                rule.shadowing.append(Deny([], [], decided=False))
            elif other_number < number:
                rule.shadowing.append(_as_deny(other))
        yield rule


def _nacl_inline(res: TfResource, module: Module, way: str = "ingress") -> Iterator[Rule]:
    entries: list[tuple[int | None, Rule, bool | None]] = []
    yield from _unread(res, way, module)
    for block in module.blocks(res, way):
        number = to_whole_number(module.resolve(block.get("rule_no")))
        what = f"NACL {way} rule {number if number is not None else hcl(block.get('rule_no'))}"
        rule, allow = _nacl_entry(what, block, module, "action")
        entries.append((number, rule, allow))
    yield from _ordered(entries)


def _nacl_standalone(res: TfResource, module: Module, way: str = "ingress") -> Iterator[Rule]:
    egress = to_bool(module.resolve(res.get("egress")), default=False)
    if egress is (way == "ingress"):
        return
    outbound = way == "egress"
    acl_text = hcl(module.resolve(res.get("network_acl_id")))
    entries: list[tuple[int | None, Rule, bool | None]] = []
    own: set[int] = set()
    for sibling in module.by_type("aws_network_acl_rule"):
        sibling_egress = to_bool(module.resolve(sibling.get("egress")), default=False)
        if sibling.disabled or (sibling_egress is (not outbound) and sibling is not res):
            continue
        if hcl(module.resolve(sibling.get("network_acl_id"))) != acl_text:
            continue
        number = to_whole_number(module.resolve(sibling.get("rule_number")))
        what = f"NACL rule {number if number is not None else hcl(sibling.get('rule_number'))}"
        rule, allow = _nacl_entry(what, sibling, module, "rule_action")
        if sibling is res:
            own.add(len(entries))
            if egress is None:
                rule.unknown = f"egress = {hcl(res.get('egress'))} is unresolved"
        entries.append((number, rule, allow))
    yield from _ordered(entries, own)


# --------------------------------------------------------------------------- GCP


def _gcp_firewall(res: TfResource, module: Module, way: str = "ingress") -> Iterator[Rule]:
    disabled = to_bool(module.resolve(res.get("disabled")), default=False)
    if disabled is True:
        return
    direction = _setting(module, res.get("direction"), "ingress")
    if direction not in (None, way):
        return
    why = ""
    if direction is None:
        why = unresolved("direction", res.get("direction"), module)
    elif disabled is None:
        why = unresolved("disabled", res.get("disabled"), module)
    sources: list[RuleSource] = []
    if way == "egress":
        ranges = _source(res, "destination_ranges", module)
        if ranges is not None and ranges.value not in (None, []):
            sources.append(ranges)
        else:  # an egress rule without destination_ranges applies to 0.0.0.0/0
            sources.append(
                RuleSource(
                    "destination_ranges",
                    ("destination_ranges",),
                    None,
                    None,
                    implicit="0.0.0.0/0 (no destination_ranges)",
                )
            )
    elif (ranges := _source(res, "source_ranges", module)) is not None and ranges.value not in (
        None,
        [],
    ):
        sources.append(ranges)
    elif not any(_given(res, a, module) for a in ("source_tags", "source_service_accounts")):
        # With no source at all (absent, null or []), GCP applies an ingress rule to 0.0.0.0/0.
        sources.append(
            RuleSource(
                "source_ranges",
                ("source_ranges",),
                None,
                None,
                implicit="0.0.0.0/0 (no source_ranges, source_tags or source_service_accounts)",
            )
        )
    yield from (replace(r, unknown=r.unknown or why) for r in _unread(res, "allow", module))
    for allow in module.blocks(res, "allow"):
        raw_proto = allow.get("protocol")
        kind = protocol_kind(module.resolve(raw_proto))
        reach: list[PortRange] = []
        reach_unknown = ""
        detail = ""
        if kind is None:
            reach_unknown = unresolved("protocol", raw_proto, module)
        elif kind == "all":
            reach, detail = [ALL_PORTS], f"[allow protocol={hcl(raw_proto)}: all ports]"
        elif kind == "ports":
            raw_ports = allow.get("ports")
            ports = module.resolve(raw_ports)
            if ports is None or ports == []:
                reach, detail = [ALL_PORTS], f"[allow {hcl(raw_proto)} with no ports: all ports]"
            else:
                detail = f"[allow {hcl(raw_proto)} ports={hcl(raw_ports)}]"
                reach, reach_unknown = _port_list(ports, raw_ports, module)
        if kind == "none":
            continue
        yield Rule(
            f"firewall {way}",
            sources,
            reach,
            reach_unknown,
            detail,
            dynamic=allow.dynamic,
            unknown=why,
        )


def _given(res: TfResource, attr: str, module: Module) -> bool:
    """Set to something other than null or an empty list (unresolved counts as given)."""
    return res.has(attr) and module.resolve(res.get(attr)) not in (None, [])


# --------------------------------------------------------------------------- Azure


def _nsg_rule(
    owner: Block | TfResource, module: Module, way: str = "ingress"
) -> tuple[Rule, int | None, bool | None]:
    raw_name = owner.get("name")
    name = module.resolve(raw_name)
    what = f"security rule {hcl(name) if is_literal(name) else hcl(raw_name)}"
    peer = "source" if way == "ingress" else "destination"
    sources = [
        s
        for a in (f"{peer}_address_prefix", f"{peer}_address_prefixes")
        if (s := _source(owner, a, module)) is not None
    ]
    reach: list[PortRange] = []
    reach_unknown = ""
    detail = ""
    raw_proto = owner.get("protocol")
    kind = protocol_kind(module.resolve(raw_proto))
    if kind is None:
        reach_unknown = unresolved("protocol", raw_proto, module)
    elif kind != "none":
        for attr in ("destination_port_range", "destination_port_ranges"):
            if not owner.has(attr):
                continue
            raw_ports = owner.get(attr)
            detail = f"[{attr}={hcl(raw_ports)}]"
            more, why = _port_list(module.resolve(raw_ports), raw_ports, module)
            reach.extend(more)
            reach_unknown = reach_unknown or why
    dynamic = isinstance(owner, Block) and owner.dynamic
    rule = Rule(what, sources, reach, reach_unknown, detail, azure=True, dynamic=dynamic)
    direction = _setting(module, owner.get("direction"), "")
    access = _setting(module, owner.get("access"), "")
    inbound_allow: bool | None
    if direction is None or access is None:
        inbound_allow = None
    elif direction != _AZURE_WAY[way]:
        inbound_allow = False
    else:
        inbound_allow = access == "allow"
    priority = to_whole_number(module.resolve(owner.get("priority")))
    return rule, priority, inbound_allow


_AZURE_WAY = {"ingress": "inbound", "egress": "outbound"}


def _nsg_inline(res: TfResource, module: Module, way: str = "ingress") -> Iterator[Rule]:
    entries: list[tuple[int | None, Rule, bool | None]] = []
    if way == "ingress":  # reported once, on the inbound side
        yield from _unread(res, "security_rule", module)
    for block in module.blocks(res, "security_rule"):
        rule, priority, allow = _nsg_rule(block, module, way)
        direction = _setting(module, block.get("direction"), "")
        if direction not in (None, _AZURE_WAY[way]):
            continue  # rules of the other direction never shadow these
        entries.append((priority, rule, allow))
    yield from _ordered(entries)


def _nsg_standalone(res: TfResource, module: Module, way: str = "ingress") -> Iterator[Rule]:
    def group(r: TfResource) -> tuple[str, str]:
        return (
            hcl(module.resolve(r.get("network_security_group_name"))),
            hcl(module.resolve(r.get("resource_group_name"))),
        )

    mine = group(res)
    entries: list[tuple[int | None, Rule, bool | None]] = []
    own: set[int] = set()
    for sibling in module.by_type("azurerm_network_security_rule"):
        if sibling.disabled or group(sibling) != mine:
            continue
        direction = _setting(module, sibling.get("direction"), "")
        if direction not in (None, _AZURE_WAY[way]) and sibling is not res:
            continue
        rule, priority, allow = _nsg_rule(sibling, module, way)
        if sibling is res:
            own.add(len(entries))
        entries.append((priority, rule, allow))
    yield from _ordered(entries, own)


# --------------------------------------------------------------------------- every port (TF-007)

# The rule resources TF-007 reads: TF-006's, plus the standalone egress rule.
ANY_PORT_TYPES = RULE_TYPES | {"aws_vpc_security_group_egress_rule"}

# Port 0 is reserved and never a service, so 1-65535 is every port too.
_EVERY_PORT = SensitivePorts(1, 65535, "")


def covers_all(reach: Sequence[PortRange]) -> bool:
    """Do the ranges, together, reach every port 1-65535?"""
    upto = 0  # every port up to this one is reached
    for lo, hi in sorted(reach):
        if lo > upto + 1:
            return False
        upto = max(upto, hi)
    return upto >= 65535


def unrestricted(
    rule: Rule,
    worst_case: bool,
    module: Module,
    way: str = "ingress",
    severity: Severity | None = None,
) -> Findings:
    """Violations when an internet peer of ``rule`` (a source, or for ``egress`` a
    destination) reaches every port; ``severity`` overrides the policy's."""
    everything = covers_all(rule.reach)
    if not everything and not rule.reach_unknown:
        return
    preposition = "from" if way == "ingress" else "to"
    for found in _internet_peers(rule, module):
        if isinstance(found, Unknown):
            yield found
            continue
        source, origin = found
        who = f"{rule.what} {preposition} {origin}"
        if everything:
            if _shadowed(_EVERY_PORT, origin, rule.shadowing):
                continue
            if any(not d.decided for d in rule.shadowing):
                yield Unknown(f"an earlier deny entry of {rule.what} is unresolved")
                continue
            yield Violation(
                f"{who} reaches every port {rule.detail}".rstrip(),
                path=source.path,
                severity=severity,
            )
        elif rule.dynamic and worst_case:
            yield Violation(
                f"{who} may reach every port (dynamic ports, assumed worst case) "
                f"{rule.detail}".rstrip(),
                path=source.path,
                severity=severity,
            )
        else:
            yield Unknown(rule.reach_unknown)


# --------------------------------------------------------------------------- default security group

DEFAULT_GROUP = "aws_default_security_group"
# Standalone rules that can add to a security group, and the attribute naming the group.
_GROUP_RULE_TYPES = (
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
)


def default_group_rules(res: TfResource, module: Module, worst_case: bool) -> Findings:
    """Every rule the default security group would carry: its own ``ingress``/``egress``
    (blocks, attribute lists, ``dynamic`` blocks), or, for a standalone rule, membership
    of a default group of this module (CIS: the default group restricts all traffic)."""
    if res.type == DEFAULT_GROUP:
        for way in ("ingress", "egress"):
            raw = unread_list(res, way, module.resolve)
            if raw is not None:
                yield unknown(way, raw, module)
            for block in module.blocks(res, way):
                if block.dynamic:
                    if worst_case:
                        yield Violation(
                            f"the default security group has a dynamic {way} rule (for_each "
                            "unresolved, assumed worst case: at least one rule)",
                            path=block.path,
                        )
                    else:
                        yield Unknown(f"a dynamic {way} block of the default security group")
                    continue
                yield Violation(
                    f"the default security group has an {way} rule "
                    f"({_rule_summary(block, module)}); it must restrict all traffic",
                    path=block.path,
                )
    elif res.type in _GROUP_RULE_TYPES:
        group = res.get("security_group_id")
        for target in module.by_type(DEFAULT_GROUP):
            if not target.disabled and module.refers_to(group, target):
                yield Violation(
                    f"this rule adds to the default security group {target.address}; "
                    "it must restrict all traffic",
                    path=("security_group_id",),
                )


def _rule_summary(block: Block, module: Module) -> str:
    parts = []
    for attr in ("protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks"):
        if block.has(attr):
            parts.append(f"{attr} = {hcl(module.resolve(block.get(attr)))}")
    return ", ".join(parts) or "empty"
