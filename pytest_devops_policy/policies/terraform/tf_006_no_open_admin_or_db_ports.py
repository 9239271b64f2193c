"""TF-006 no-open-admin-or-db-ports: no ingress from the internet to admin or database ports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.engine.evaluate import Context
from pytest_devops_policy.formats.terraform.model import (
    Block,
    TfModule,
    TfResource,
    Value,
    hcl,
    is_internet_cidr,
    is_literal,
)

Findings = Iterator[Violation | Unknown]
Range = tuple[int, int]

ALL_PORTS: Range = (0, 65535)
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
DEFAULT_ADMIN_PORTS: tuple[int | str, ...] = (22, 3389, "5985-5986", "2375-2376", 6443, 10250, 23)
DEFAULT_DB_PORTS: tuple[int | str, ...] = (
    3306,
    5432,
    1433,
    1521,
    27017,
    6379,
    9200,
    5601,
    11211,
    9042,
    5984,
)
# Azure service tags and wildcards that mean "any source".
_AZURE_ANY = frozenset({"*", "internet", "any", "0.0.0.0"})
# Protocols that carry ports; anything else (icmp, esp, ah, gre...) cannot reach a service port.
_PORT_PROTOCOLS = frozenset({"tcp", "udp", "sctp", "6", "17", "132"})
_ALL_PROTOCOLS = frozenset({"-1", "all", "*"})

_TYPES = frozenset(
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


@policy(
    id="TF-006",
    name="no-open-admin-or-db-ports",
    title="No internet ingress to admin or database ports",
    severity=Severity.CRITICAL,
    rationale=(
        "SSH, RDP, WinRM, the Docker and Kubernetes APIs and database listeners reachable from "
        "0.0.0.0/0 are found by internet-wide scanners within minutes and then brute-forced or "
        "exploited. Administrative and data ports belong behind a bastion, VPN, private endpoint "
        "or an allow-list of known networks."
    ),
    remediation=(
        "Restrict the source to known CIDRs, a security group, a service tag such as "
        "VirtualNetwork, or remove the rule and use a bastion / SSM Session Manager / IAP "
        "tunnel. Narrow port ranges and avoid protocol -1/all on internet-facing rules."
    ),
    controls=(
        "CIS-AWS-5.1",
        "CIS-AWS-5.2",
        "CIS-AWS-5.3",
        "CIS-GCP-3.6",
        "CIS-GCP-3.7",
        "CIS-Azure-6.1",
        "CIS-Azure-6.2",
        "NIST-800-53-SC-7",
        "NIST-800-53-AC-17",
    ),
    references=(
        "checkov:CKV_AWS_24",
        "checkov:CKV_AWS_25",
        "checkov:CKV_AWS_260",
        "checkov:CKV_GCP_2",
        "checkov:CKV_GCP_3",
        "checkov:CKV_GCP_88",
        "checkov:CKV_AZURE_9",
        "checkov:CKV_AZURE_10",
        "trivy:AVD-AWS-0107",
        "trivy:AVD-AWS-0105",
        "trivy:AVD-GCP-0027",
        "trivy:AVD-GCP-0070",
        "trivy:AVD-GCP-0071",
        "trivy:AVD-AZU-0048",
        "trivy:AVD-AZU-0050",
        "trivy:AVD-AZU-0074",
    ),
    applies=lambda r: r.type in _TYPES and not r.disabled,
    example="""\
resource "aws_security_group" "bastion" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
""",
    use_instead="""\
resource "aws_security_group" "bastion" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"] # office VPN egress
  }
}
""",
)
def no_open_admin_or_db_ports(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    sensitive = _sensitive_ports(
        context.option("tf.admin_ports", DEFAULT_ADMIN_PORTS),
        context.option("tf.db_ports", DEFAULT_DB_PORTS),
    )
    worst_case = context.option("tf.dynamic_worst_case", True) is not False
    for rule in _rules(tf_resource, module):
        yield from _judge(rule, sensitive, worst_case, module)


# --------------------------------------------------------------------------- ports


@dataclass(frozen=True)
class _Sensitive:
    lo: int
    hi: int
    name: str

    def __str__(self) -> str:
        span = str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"
        return f"{span} ({self.name})" if self.name else span


def _parse_range(item: Any) -> Range | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return (item, item) if 0 <= item <= 65535 else None
    if isinstance(item, str):
        text = item.strip()
        lo, sep, hi = text.partition("-")
        if text.isdigit():
            return _parse_range(int(text))
        if sep and lo.strip().isdigit() and hi.strip().isdigit():
            a, b = int(lo), int(hi)
            if 0 <= a <= b <= 65535:
                return (a, b)
    return None


def _sensitive_ports(*groups: Any) -> list[_Sensitive]:
    out: list[_Sensitive] = []
    for group in groups:
        items = group if isinstance(group, (list, tuple)) else [group]
        for item in items:
            span = _parse_range(item)
            if span is None:
                continue
            names = sorted({_PORT_NAMES[p] for p in _PORT_NAMES if span[0] <= p <= span[1]})
            out.append(_Sensitive(span[0], span[1], "/".join(names[:2])))
    return sorted(set(out), key=lambda s: (s.lo, s.hi))


def _hits(reach: Sequence[Range], sensitive: Sequence[_Sensitive]) -> list[_Sensitive]:
    return [s for s in sensitive if any(lo <= s.hi and s.lo <= hi for lo, hi in reach)]


def _describe(hits: Sequence[_Sensitive]) -> str:
    shown = ", ".join(str(h) for h in hits[:3])
    noun = "port" if len(hits) == 1 else "ports"
    more = f" and {len(hits) - 3} more sensitive ports" if len(hits) > 3 else ""
    return f"{noun} {shown}{more}"


# --------------------------------------------------------------------------- model


@dataclass
class _Source:
    attr: str
    path: tuple[PathPart, ...]
    value: Value  # resolved
    raw: Value
    implicit: str = ""  # why an absent source means "anywhere"


@dataclass
class _Rule:
    """One permission: who (sources) may reach what (ports), normalised across providers."""

    what: str
    sources: list[_Source]
    reach: list[Range]
    reach_unknown: str  # non-empty: why the reachable ports are unknown
    detail: str
    azure: bool = False
    dynamic: bool = False
    unknown: str = ""  # non-empty: whether this is an inbound allow is undecidable
    shadowing: list[_Deny] = field(default_factory=list)


@dataclass
class _Deny:
    """An earlier deny entry of an ordered rule list (NACL rule numbers, NSG priorities)."""

    sources: list[str]
    reach: list[Range]
    decided: bool


def _judge(
    rule: _Rule, sensitive: list[_Sensitive], worst_case: bool, module: TfModule
) -> Findings:
    hits = _hits(rule.reach, sensitive)
    if not hits and not rule.reach_unknown:
        return
    for source in rule.sources:
        open_to, unresolved = _internet(source.value, rule.azure)
        if source.implicit:
            open_to = [source.implicit]
        if not open_to:
            if unresolved:
                yield Unknown(f"{source.attr} = {hcl(source.raw)} ({module.explain(source.raw)})")
            continue
        if rule.unknown:
            yield Unknown(f"{rule.unknown}")
            continue
        for origin in open_to:
            remaining = [h for h in hits if not _shadowed(h, origin, rule.shadowing)]
            if any(not d.decided for d in rule.shadowing) and remaining:
                yield Unknown(f"an earlier deny entry of {rule.what} is unresolved")
                continue
            who = f"{rule.what} from {origin}"
            if remaining:
                yield Violation(
                    f"{who} reaches {_describe(remaining)} {rule.detail}",
                    path=source.path,
                )
            elif rule.reach_unknown and not hits:
                if rule.dynamic and worst_case:
                    yield Violation(
                        f"{who} reaches any port (dynamic ports, assumed worst case) {rule.detail}",
                        path=source.path,
                    )
                else:
                    yield Unknown(f"{rule.reach_unknown}")


def _internet(value: Value, azure: bool) -> tuple[list[str], bool]:
    """Internet sources among the values, and whether some value is unresolved."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    unresolved = False
    for item in items:
        if isinstance(item, str):
            if _is_internet(item, azure):
                found.append(item.strip())
        elif item is not None:
            unresolved = True
    return found, unresolved


def _is_internet(text: str, azure: bool) -> bool:
    return (azure and text.strip().lower() in _AZURE_ANY) or is_internet_cidr(text)


def _family(text: str) -> str:
    return "v6" if ":" in text else "v4"


def _shadowed(hit: _Sensitive, origin: str, denies: Sequence[_Deny]) -> bool:
    """An earlier deny for the same (or wider) internet source covers the whole hit."""
    for deny in denies:
        if not deny.decided:
            continue
        same_source = any(
            s.lower() in _AZURE_ANY or (_is_internet(s, False) and _family(s) == _family(origin))
            for s in deny.sources
        )
        if same_source and any(lo <= hit.lo and hit.hi <= hi for lo, hi in deny.reach):
            return True
    return False


# --------------------------------------------------------------------------- value helpers


def _int(value: Value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _protocol_kind(value: Value) -> str | None:
    """ "all", "ports" or "none"; ``None`` when unresolved."""
    if isinstance(value, bool) or value is None:
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


def _aws_reach(
    block: Block | TfResource, module: TfModule, proto_attr: str = "protocol"
) -> tuple[list[Range], str, str]:
    """Reachable port ranges of an AWS from_port/to_port/protocol triple."""
    raw_proto = block.get(proto_attr)
    kind = _protocol_kind(module.resolve(raw_proto))
    if kind is None:
        return [], f"{proto_attr} = {hcl(raw_proto)} ({module.explain(raw_proto)})", ""
    if kind == "all":
        return [ALL_PORTS], "", f"[{proto_attr}={hcl(raw_proto)}: all ports]"
    if kind == "none":
        return [], "", ""
    raw_from, raw_to = block.get("from_port"), block.get("to_port")
    lo, hi = _int(module.resolve(raw_from)), _int(module.resolve(raw_to))
    shown_from = hcl(raw_from) if lo is None else str(lo)
    shown_to = hcl(raw_to) if hi is None else str(hi)
    detail = f"[from_port={shown_from}, to_port={shown_to}]"
    if lo is None or hi is None:
        missing = raw_from if lo is None else raw_to
        return [], f"port = {hcl(missing)} ({module.explain(missing)})", detail
    lo, hi = max(0, min(lo, hi)), min(65535, max(lo, hi))
    return [(lo, hi)], "", detail


def _source(owner: Block | TfResource, attr: str, module: TfModule) -> _Source | None:
    if not owner.has(attr):
        return None
    raw = owner.get(attr)
    path = (*owner.block.path, attr) if isinstance(owner, TfResource) else (*owner.path, attr)
    return _Source(attr, path, module.resolve(raw), raw)


def _decided_str(module: TfModule, raw: Value, default: str) -> str | None:
    value = module.resolve(raw)
    if value is None:
        return default
    return value.strip().lower() if isinstance(value, str) else None


# --------------------------------------------------------------------------- AWS


def _rules(res: TfResource, module: TfModule) -> Iterator[_Rule]:
    if res.type in ("aws_security_group", "aws_default_security_group"):
        for block in res.blocks("ingress", module):
            yield _aws_rule("ingress", block, module, ("cidr_blocks", "ipv6_cidr_blocks"))
    elif res.type == "aws_security_group_rule":
        rule = _aws_rule("ingress", res, module, ("cidr_blocks", "ipv6_cidr_blocks"))
        kind = _decided_str(module, res.get("type"), "")
        if kind == "ingress":
            yield rule
        elif kind is None:
            rule.unknown = f"type = {hcl(res.get('type'))} ({module.explain(res.get('type'))})"
            yield rule
    elif res.type == "aws_vpc_security_group_ingress_rule":
        yield _aws_rule("ingress", res, module, ("cidr_ipv4", "cidr_ipv6"), "ip_protocol")
    elif res.type in ("aws_network_acl", "aws_default_network_acl"):
        yield from _nacl_inline(res, module)
    elif res.type == "aws_network_acl_rule":
        yield from _nacl_standalone(res, module)
    elif res.type == "google_compute_firewall":
        yield from _gcp_firewall(res, module)
    elif res.type == "azurerm_network_security_group":
        yield from _nsg_inline(res, module)
    elif res.type == "azurerm_network_security_rule":
        yield from _nsg_standalone(res, module)


def _aws_rule(
    what: str,
    owner: Block | TfResource,
    module: TfModule,
    source_attrs: Sequence[str],
    proto_attr: str = "protocol",
) -> _Rule:
    reach, unknown, detail = _aws_reach(owner, module, proto_attr)
    sources = [s for a in source_attrs if (s := _source(owner, a, module)) is not None]
    dynamic = isinstance(owner, Block) and owner.dynamic
    return _Rule(what, sources, reach, unknown, detail, dynamic=dynamic)


def _nacl_entry(
    what: str, owner: Block | TfResource, module: TfModule, action_attr: str
) -> tuple[_Rule, bool | None]:
    """A NACL entry as a rule plus whether it allows (None: unresolved)."""
    rule = _aws_rule(what, owner, module, ("cidr_block", "ipv6_cidr_block"))
    action = _decided_str(module, owner.get(action_attr), "")
    allow = None if action is None else action == "allow"
    return rule, allow


def _as_deny(rule: _Rule) -> _Deny:
    sources: list[str] = []
    decided = not rule.reach_unknown
    for source in rule.sources:
        found, unresolved = _internet(source.value, rule.azure)
        sources.extend(found)
        decided = decided and not unresolved
    return _Deny(sources, rule.reach, decided)


def _ordered(
    entries: list[tuple[int | None, _Rule, bool | None]], own: set[int] | None = None
) -> Iterator[_Rule]:
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
                rule.shadowing.append(_Deny([], [], decided=False))
            elif other_number < number:
                rule.shadowing.append(_as_deny(other))
        yield rule


def _nacl_inline(res: TfResource, module: TfModule) -> Iterator[_Rule]:
    entries: list[tuple[int | None, _Rule, bool | None]] = []
    for block in res.blocks("ingress", module):
        number = _int(module.resolve(block.get("rule_no")))
        what = f"NACL ingress rule {number if number is not None else hcl(block.get('rule_no'))}"
        rule, allow = _nacl_entry(what, block, module, "action")
        entries.append((number, rule, allow))
    yield from _ordered(entries)


def _nacl_standalone(res: TfResource, module: TfModule) -> Iterator[_Rule]:
    egress = module.resolve(res.get("egress"))
    if egress is True or egress == "true":
        return
    acl_text = hcl(module.resolve(res.get("network_acl_id")))
    entries: list[tuple[int | None, _Rule, bool | None]] = []
    own: set[int] = set()
    for sibling in module.by_type("aws_network_acl_rule"):
        sib_egress = module.resolve(sibling.get("egress"))
        if sib_egress is True or sib_egress == "true" or sibling.disabled:
            continue
        if hcl(module.resolve(sibling.get("network_acl_id"))) != acl_text:
            continue
        number = _int(module.resolve(sibling.get("rule_number")))
        what = f"NACL rule {number if number is not None else hcl(sibling.get('rule_number'))}"
        rule, allow = _nacl_entry(what, sibling, module, "rule_action")
        if sibling is res:
            own.add(len(entries))
            if egress is not None and egress is not False and egress != "false":
                rule.unknown = f"egress = {hcl(res.get('egress'))} is unresolved"
        entries.append((number, rule, allow))
    yield from _ordered(entries, own)


# --------------------------------------------------------------------------- GCP


def _gcp_firewall(res: TfResource, module: TfModule) -> Iterator[_Rule]:
    disabled = module.resolve(res.get("disabled"))
    if disabled is True or disabled == "true":
        return
    direction = _decided_str(module, res.get("direction"), "ingress")
    if direction == "egress":
        return
    unknown = ""
    if direction is None:
        raw = res.get("direction")
        unknown = f"direction = {hcl(raw)} ({module.explain(raw)})"
    elif not (disabled is None or disabled is False or disabled == "false"):
        unknown = f"disabled = {hcl(res.get('disabled'))} ({module.explain(res.get('disabled'))})"
    sources: list[_Source] = []
    ranges = _source(res, "source_ranges", module)
    if ranges is not None and ranges.value not in (None, []):
        sources.append(ranges)
    elif not any(_given(res, a, module) for a in ("source_tags", "source_service_accounts")):
        # With no source at all (absent, null or []), GCP applies an ingress rule to 0.0.0.0/0.
        sources.append(
            _Source(
                "source_ranges",
                ("source_ranges",),
                None,
                None,
                implicit="0.0.0.0/0 (no source_ranges, source_tags or source_service_accounts)",
            )
        )
    for allow in res.blocks("allow", module):
        raw_proto = allow.get("protocol")
        kind = _protocol_kind(module.resolve(raw_proto))
        reach: list[Range] = []
        reach_unknown = ""
        detail = ""
        if kind is None:
            reach_unknown = f"protocol = {hcl(raw_proto)} ({module.explain(raw_proto)})"
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
        yield _Rule(
            "firewall ingress",
            sources,
            reach,
            reach_unknown,
            detail,
            dynamic=allow.dynamic,
            unknown=unknown,
        )


def _given(res: TfResource, attr: str, module: TfModule) -> bool:
    """Set to something other than null or an empty list (unresolved counts as given)."""
    return res.has(attr) and module.resolve(res.get(attr)) not in (None, [])


def _port_list(ports: Value, raw: Value, module: TfModule) -> tuple[list[Range], str]:
    items = ports if isinstance(ports, list) else [ports]
    reach: list[Range] = []
    unknown = ""
    for item in items:
        if isinstance(item, str) and item.strip() == "*":
            reach.append(ALL_PORTS)
            continue
        span = _parse_range(item) if is_literal(item) else None
        if span is None:
            unknown = f"ports = {hcl(raw)} ({module.explain(raw)})"
        else:
            reach.append(span)
    return reach, unknown


# --------------------------------------------------------------------------- Azure


def _nsg_rule(owner: Block | TfResource, module: TfModule) -> tuple[_Rule, int | None, bool | None]:
    raw_name = owner.get("name")
    name = module.resolve(raw_name)
    what = f"security rule {hcl(name) if is_literal(name) else hcl(raw_name)}"
    sources = [
        s
        for a in ("source_address_prefix", "source_address_prefixes")
        if (s := _source(owner, a, module)) is not None
    ]
    reach: list[Range] = []
    reach_unknown = ""
    detail = ""
    raw_proto = owner.get("protocol")
    kind = _protocol_kind(module.resolve(raw_proto))
    if kind is None:
        reach_unknown = f"protocol = {hcl(raw_proto)} ({module.explain(raw_proto)})"
    elif kind != "none":
        for attr in ("destination_port_range", "destination_port_ranges"):
            if not owner.has(attr):
                continue
            raw_ports = owner.get(attr)
            detail = f"[{attr}={hcl(raw_ports)}]"
            more, unknown = _port_list(module.resolve(raw_ports), raw_ports, module)
            reach.extend(more)
            reach_unknown = reach_unknown or unknown
    dynamic = isinstance(owner, Block) and owner.dynamic
    rule = _Rule(what, sources, reach, reach_unknown, detail, azure=True, dynamic=dynamic)
    direction = _decided_str(module, owner.get("direction"), "")
    access = _decided_str(module, owner.get("access"), "")
    inbound_allow: bool | None
    if direction is None or access is None:
        inbound_allow = None
    elif direction != "inbound":
        inbound_allow = False
    else:
        inbound_allow = access == "allow"
    priority = _int(module.resolve(owner.get("priority")))
    return rule, priority, inbound_allow


def _nsg_inline(res: TfResource, module: TfModule) -> Iterator[_Rule]:
    entries: list[tuple[int | None, _Rule, bool | None]] = []
    for block in res.blocks("security_rule", module):
        rule, priority, allow = _nsg_rule(block, module)
        direction = _decided_str(module, block.get("direction"), "")
        if direction not in (None, "inbound"):
            continue  # outbound rules never shadow inbound ones
        entries.append((priority, rule, allow))
    yield from _ordered(entries)


def _nsg_standalone(res: TfResource, module: TfModule) -> Iterator[_Rule]:
    def group(r: TfResource) -> tuple[str, str]:
        return (
            hcl(module.resolve(r.get("network_security_group_name"))),
            hcl(module.resolve(r.get("resource_group_name"))),
        )

    mine = group(res)
    entries: list[tuple[int | None, _Rule, bool | None]] = []
    own: set[int] = set()
    for sibling in module.by_type("azurerm_network_security_rule"):
        if sibling.disabled or group(sibling) != mine:
            continue
        direction = _decided_str(module, sibling.get("direction"), "")
        if direction not in (None, "inbound") and sibling is not res:
            continue
        rule, priority, allow = _nsg_rule(sibling, module)
        if sibling is res:
            own.add(len(entries))
        entries.append((priority, rule, allow))
    yield from _ordered(entries, own)
