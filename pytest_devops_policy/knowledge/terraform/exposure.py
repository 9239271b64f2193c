"""Public reachability of datastores, instances and cluster endpoints (TF-008).

What makes a database, an instance or a Kubernetes API reachable from the
internet, per provider, and the provider defaults behind each setting:

* AWS: ``publicly_accessible`` (RDS defaults to false; Redshift defaulted to true
  before AWS provider 6), public IPs on instances and subnets, the EKS public
  endpoint (on, open to ``0.0.0.0/0``, unless configured);
* GCP: Cloud SQL public IP (``ipv4_enabled`` defaults to true) with an authorized
  network of ``0.0.0.0/0``, instances with an ``access_config`` (an external IP),
  GKE without private nodes or master authorized networks;
* Azure: ``public_network_access_enabled`` (defaults to true) on SQL, flexible
  servers (a ``delegated_subnet_id`` makes them VNet-only), the deprecated
  PostgreSQL/MySQL/MariaDB single servers and Cosmos DB, server
  firewall rules spanning every address (or ``0.0.0.0``: "allow Azure services"),
  AKS without authorized IP ranges or a private cluster.

``PUBLIC_EXPOSURE`` maps each resource type to its check; a check takes the
resource, the module and the ``Exposure`` settings.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.network import is_internet_cidr
from pytest_devops_policy.knowledge.terraform.requirements import dotted
from pytest_devops_policy.knowledge.terraform.values import is_false, is_true, to_string

__all__ = [
    "AZURE_FIREWALL_RULE_TYPES",
    "PUBLIC_EXPOSURE",
    "Exposure",
    "public_tier",
]

# Server-level IP firewall rules of Azure data services (start_ip_address/end_ip_address).
AZURE_FIREWALL_RULE_TYPES = frozenset(
    {
        "azurerm_mssql_firewall_rule",
        "azurerm_sql_firewall_rule",
        "azurerm_postgresql_firewall_rule",
        "azurerm_postgresql_flexible_server_firewall_rule",
        "azurerm_mysql_firewall_rule",
        "azurerm_mysql_flexible_server_firewall_rule",
        "azurerm_mariadb_firewall_rule",
        "azurerm_redis_firewall_rule",
        "azurerm_synapse_firewall_rule",
    }
)


@dataclass(frozen=True)
class Exposure:
    """Settings of the checks: the tags (``key=glob`` or ``key``) that mark a subnet as
    the intended public tier (``tf.public_subnet_tags``)."""

    public_subnet_tags: Sequence[str]


Check = Callable[[TfResource, Module, Exposure], Findings]


# --------------------------------------------------------------------------- helpers


def _not_true(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    res: TfResource,
    why: str,
    severity: Severity | None = None,
) -> Findings:
    """``attr`` must not be true (absent or null is the provider's false)."""
    raw = owner.get(attr)
    path = (*owner.path, attr)
    verdict = module.violates(raw, is_true, res)
    if verdict is None:
        yield unknown(dotted(path), raw, module)
    elif verdict:
        yield Violation(
            f"{dotted(path)} = {shown(raw, module)}: {why}", path=path, severity=severity
        )


def _must_be_false(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    res: TfResource,
    why: str,
    severity: Severity | None = None,
) -> Findings:
    """``attr`` must be false; absent or null is the provider default ``true``."""
    raw = owner.get(attr)
    path = (*owner.path, attr)
    verdict = module.decide(raw, is_false, res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(dotted(path), raw, module)
    elif raw is None:
        yield Violation(
            f"{dotted(path)} is not set (defaults to true): {why}", path=path, severity=severity
        )
    else:
        yield Violation(
            f"{dotted(path)} = {shown(raw, module)}: {why}", path=path, severity=severity
        )


def _has_internet(value: Value) -> bool | None:
    """A ``violates`` test: a CIDR or list of CIDRs that includes ``0.0.0.0/0``/``::/0``."""
    items = value if isinstance(value, list) else [value]
    texts = [to_string(i) for i in items if i is not None]
    return any(t is not None and is_internet_cidr(t) for t in texts)


def _opens_eks_endpoint(value: Value) -> bool | None:
    """public_access_cidrs that leave the public endpoint open: an internet CIDR, or an
    empty list (the attribute is optional and computed, so ``[]`` gets the default
    ``0.0.0.0/0``)."""
    if isinstance(value, list) and not value:
        return True
    return _has_internet(value)


# --------------------------------------------------------------------------- AWS


def _aws_db(res: TfResource, module: Module, settings: Exposure) -> Findings:
    yield from _not_true(
        res,
        "publicly_accessible",
        module,
        res,
        "the database gets a public DNS name and address; keep it in private subnets",
    )


def _aws_redshift(res: TfResource, module: Module, settings: Exposure) -> Findings:
    raw = res.get("publicly_accessible")
    if raw is None:
        yield Violation(
            "publicly_accessible is not set: it defaulted to true before AWS provider 6; "
            "set it to false",
            path=("publicly_accessible",),
        )
        return
    yield from _must_be_false(
        res, "publicly_accessible", module, res, "the cluster is reachable from the internet"
    )


def _aws_instance(res: TfResource, module: Module, settings: Exposure) -> Findings:
    yield from _not_true(
        res,
        "associate_public_ip_address",
        module,
        res,
        "the instance gets a public IP address; reach it through a load balancer, "
        "a bastion or SSM Session Manager",
        Severity.MEDIUM,
    )


def public_tier(tags: Value, patterns: Sequence[str]) -> bool | None:
    """Do the (resolved) tags mark a public tier? ``None`` when they do not resolve."""
    if tags is None:
        return False
    if not isinstance(tags, dict) or not is_literal(tags):
        return None
    for pattern in patterns:
        key, sep, glob = pattern.partition("=")
        for tag, value in tags.items():
            if tag.lower() != key.strip().lower():
                continue
            text = to_string(value)
            if not sep or (text is not None and fnmatch.fnmatch(text.lower(), glob.lower())):
                return True
    return False


def _aws_subnet(res: TfResource, module: Module, settings: Exposure) -> Findings:
    raw = res.get("map_public_ip_on_launch")
    verdict = module.violates(raw, is_true, res)
    if verdict is False:
        return
    if verdict is None:
        yield unknown("map_public_ip_on_launch", raw, module)
        return
    raw_tags = res.get("tags")
    public = public_tier(module.resolve(raw_tags), settings.public_subnet_tags)
    if public is True:
        return
    if public is None:
        yield unknown("tags", raw_tags, module)
        return
    yield Violation(
        f"map_public_ip_on_launch = {shown(raw, module)}: every instance launched here gets a "
        "public IP, and the subnet is not tagged as a public tier ("
        + ", ".join(settings.public_subnet_tags)
        + ")",
        path=("map_public_ip_on_launch",),
        severity=Severity.MEDIUM,
    )


def _aws_eks(res: TfResource, module: Module, settings: Exposure) -> Findings:
    vpc = module.first(res, "vpc_config")
    if vpc is None:
        yield Violation(
            "vpc_config is not set: the API endpoint is public (endpoint_public_access "
            "defaults to true) and open to 0.0.0.0/0",
        )
        return
    raw_public = vpc.get("endpoint_public_access")
    private = module.decide(raw_public, is_false, res)
    if private is True:
        return
    raw_cidrs = vpc.get("public_access_cidrs")
    if raw_cidrs is None:
        open_cidrs: bool | None = True  # the provider default is ["0.0.0.0/0"]
    else:
        open_cidrs = module.violates(raw_cidrs, _opens_eks_endpoint, res)
    if open_cidrs is False:
        return
    if private is None:
        yield unknown("vpc_config.endpoint_public_access", raw_public, module)
        return
    if open_cidrs is None:
        yield unknown("vpc_config.public_access_cidrs", raw_cidrs, module)
        return
    public_text = "not set (defaults to true)" if raw_public is None else shown(raw_public, module)
    if raw_cidrs is None:
        yield Violation(
            f"vpc_config.endpoint_public_access is {public_text} and public_access_cidrs is "
            "not set (defaults to 0.0.0.0/0): the Kubernetes API is open to the internet",
            path=(*vpc.path, "endpoint_public_access"),
        )
    else:
        empty = ""
        if module.resolve(raw_cidrs) == []:
            empty = " (an empty list means the default, 0.0.0.0/0)"
        yield Violation(
            f"vpc_config.public_access_cidrs = {shown(raw_cidrs, module)}{empty} opens the public "
            "Kubernetes API endpoint to the internet",
            path=(*vpc.path, "public_access_cidrs"),
        )


# --------------------------------------------------------------------------- GCP


def _gcp_sql(res: TfResource, module: Module, settings: Exposure) -> Findings:
    block = module.first(res, "settings")
    ip_config = module.first(block, "ip_configuration") if block is not None else None
    if ip_config is None:
        return  # a public IP with no authorized network admits nobody
    raw_ipv4 = ip_config.get("ipv4_enabled")
    private = module.decide(raw_ipv4, is_false, res)
    if private is True:
        return
    for network in module.blocks(ip_config, "authorized_networks"):
        raw = network.get("value")
        path: tuple[PathPart, ...] = (*network.path, "value")
        verdict = module.violates(raw, _has_internet, res)
        if verdict is False:
            continue
        if verdict is None:
            yield unknown(dotted(path), raw, module)
        elif private is None:
            yield unknown(dotted((*ip_config.path, "ipv4_enabled")), raw_ipv4, module)
        else:
            yield Violation(
                f"{dotted(path)} = {shown(raw, module)} authorizes the whole internet to the "
                "instance's public IP (ipv4_enabled is on)",
                path=path,
            )


def _gcp_instance(res: TfResource, module: Module, settings: Exposure) -> Findings:
    for interface in module.blocks(res, "network_interface"):
        for access in module.blocks(interface, "access_config"):
            if access.dynamic:
                yield Unknown(
                    "a dynamic access_config block whose for_each does not resolve "
                    "(an external IP if it has any element)"
                )
                continue
            yield Violation(
                "network_interface.access_config gives the instance an external IP address; "
                "use Cloud NAT for egress and IAP or a load balancer for ingress",
                path=access.path,
                severity=Severity.MEDIUM,
            )


def _gcp_gke(res: TfResource, module: Module, settings: Exposure) -> Findings:
    private = module.first(res, "private_cluster_config")
    if private is None:
        yield Violation(
            "private_cluster_config is not set: nodes get public IP addresses "
            "(set enable_private_nodes = true)",
            path=("private_cluster_config",),
        )
    else:
        raw = private.get("enable_private_nodes")
        path = (*private.path, "enable_private_nodes")
        verdict = module.decide(raw, is_true, res)
        if verdict is None:
            yield unknown(dotted(path), raw, module)
        elif verdict is False:
            state = "is not set (defaults to false)" if raw is None else f"= {shown(raw, module)}"
            yield Violation(
                f"private_cluster_config.enable_private_nodes {state}: nodes get public IP "
                "addresses",
                path=path,
            )
    authorized = module.first(res, "master_authorized_networks_config")
    if authorized is None:
        yield Violation(
            "master_authorized_networks_config is not set: the control plane endpoint "
            "accepts connections from any address",
            path=("master_authorized_networks_config",),
        )
        return
    for block in module.blocks(authorized, "cidr_blocks"):
        raw = block.get("cidr_block")
        path = (*block.path, "cidr_block")
        verdict = module.violates(raw, _has_internet, res)
        if verdict is None:
            yield unknown(dotted(path), raw, module)
        elif verdict:
            yield Violation(
                f"{dotted(path)} = {shown(raw, module)} authorizes the whole internet to the "
                "control plane",
                path=path,
            )


# --------------------------------------------------------------------------- Azure


def _azure_server(res: TfResource, module: Module, settings: Exposure) -> Findings:
    if res.type.endswith("_flexible_server") and res.get("delegated_subnet_id") is not None:
        return  # VNet-integrated: reachable only from the delegated subnet
    yield from _must_be_false(
        res,
        "public_network_access_enabled",
        module,
        res,
        "the service accepts connections from the internet (subject to its firewall); "
        "use a private endpoint",
    )


def _azure_firewall_rule(res: TfResource, module: Module, settings: Exposure) -> Findings:
    raw_start, raw_end = res.get("start_ip_address"), res.get("end_ip_address")
    start, end = module.resolve(raw_start), module.resolve(raw_end)
    start_text, end_text = to_string(start), to_string(end)
    if start_text is None or not is_literal(start):
        yield unknown("start_ip_address", raw_start, module)
        return
    if end_text is None or not is_literal(end):
        if start_text.strip() == "0.0.0.0":
            yield unknown("end_ip_address", raw_end, module)
        return
    span = f"{start_text.strip()}-{end_text.strip()}"
    if span == "0.0.0.0-255.255.255.255":
        yield Violation(
            f"the firewall rule admits every IPv4 address ({span})",
            path=("start_ip_address",),
            severity=Severity.CRITICAL,
        )
    elif span == "0.0.0.0-0.0.0.0":
        yield Violation(
            "the firewall rule 0.0.0.0-0.0.0.0 allows all Azure services, including other "
            "customers' resources; use a private endpoint or VNet rules",
            path=("start_ip_address",),
            severity=Severity.MEDIUM,
        )


def _azure_aks(res: TfResource, module: Module, settings: Exposure) -> Findings:
    raw_private = res.get("private_cluster_enabled")
    private = module.decide(raw_private, is_true, res)
    if private is True:
        return
    profile = module.first(res, "api_server_access_profile")
    owner: Block | TfResource = res
    attr = "api_server_authorized_ip_ranges"  # azurerm v3 (removed in v4)
    if profile is not None and profile.has("authorized_ip_ranges"):
        owner, attr = profile, "authorized_ip_ranges"
    raw = owner.get(attr)
    path = (*owner.path, attr)

    def restricted(value: Value) -> bool | None:
        if value is None:
            return False
        items = value if isinstance(value, list) else [value]
        if not items:
            return False
        return not _has_internet(value)

    verdict = module.decide(raw, restricted, res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(dotted(path), raw, module)
        return
    if private is None:
        yield unknown("private_cluster_enabled", raw_private, module)
        return
    if raw is None:
        yield Violation(
            "the API server is public and api_server_access_profile.authorized_ip_ranges is "
            "not set: set private_cluster_enabled = true or restrict the ranges",
            path=("api_server_access_profile",) if profile is not None else (),
        )
    else:
        yield Violation(
            f"{dotted(path)} = {hcl(module.resolve(raw))} does not restrict the public API "
            "server (empty or open to the internet)",
            path=path,
        )


PUBLIC_EXPOSURE: dict[str, Check] = {
    "aws_db_instance": _aws_db,
    "aws_rds_cluster_instance": _aws_db,
    "aws_redshift_cluster": _aws_redshift,
    "aws_instance": _aws_instance,
    "aws_subnet": _aws_subnet,
    "aws_eks_cluster": _aws_eks,
    "google_sql_database_instance": _gcp_sql,
    "google_compute_instance": _gcp_instance,
    "google_compute_instance_template": _gcp_instance,
    "google_compute_instance_from_template": _gcp_instance,
    "google_container_cluster": _gcp_gke,
    "azurerm_mssql_server": _azure_server,
    "azurerm_postgresql_flexible_server": _azure_server,
    "azurerm_mysql_flexible_server": _azure_server,
    # The deprecated single servers (same argument, same default true).
    "azurerm_postgresql_server": _azure_server,
    "azurerm_mysql_server": _azure_server,
    "azurerm_mariadb_server": _azure_server,
    "azurerm_cosmosdb_account": _azure_server,
    "azurerm_kubernetes_cluster": _azure_aks,
    **{t: _azure_firewall_rule for t in AZURE_FIREWALL_RULE_TYPES},
}
