"""Encryption in transit to data services (TF-005).

Each data service type maps to its check: ElastiCache transit encryption, the
RDS parameter group forcing TLS (``rds.force_ssl`` / ``require_secure_transport``,
linked through ``parameter_group_name``; RDS for PostgreSQL >= 15 forces TLS by
default), ECS EFS volumes, MSK client-broker TLS, S3 bucket policies denying
``aws:SecureTransport = false``; Cloud SQL ``ssl_mode``; Azure storage accounts,
PostgreSQL/MySQL single servers, SQL servers, flexible-server configurations and
Redis caches.

Several Azure defaults changed between azurerm major versions; ``TRANSIT`` checks
take the lowest azurerm major version the module can run with (``tf.azurerm_min_version``
or the ``required_providers`` constraint, see ``azurerm_major``), ``None`` when unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, TfFile, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.aws_s3 import attached
from pytest_devops_policy.knowledge.terraform.dynamic import unread_list
from pytest_devops_policy.knowledge.terraform.https import setting
from pytest_devops_policy.knowledge.terraform.iam import read_policy
from pytest_devops_policy.knowledge.terraform.links import is_opaque
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import keyword, one_of, to_bool, to_string

__all__ = ["TRANSIT", "azurerm_major", "constraint_floor"]

Check = Callable[[TfResource, Module, "int | None"], Findings]

_FORCE_SSL = {"postgres": "rds.force_ssl", "mysql": "require_secure_transport"}
_FORCE_SSL["mariadb"] = "require_secure_transport"
_ON = frozenset({"1", "on", "true"})
_OFF = frozenset({"0", "off", "false"})


# --------------------------------------------------------------------------- AWS


def _elasticache(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    yield from required_true(
        res,
        "transit_encryption_enabled",
        module,
        res,
        "clients talk to the cache in plain text",
    )


def _major(value: Value) -> int | None:
    text = to_string(value)
    if text is None:
        return None
    match = re.match(r"\s*(\d+)", text)
    return int(match.group(1)) if match else None


def _parameter_groups(res: TfResource, module: Module) -> tuple[list[TfResource], Value]:
    resolved = module.resolve(res.get("parameter_group_name"))
    groups = [
        g
        for g in module.by_type("aws_db_parameter_group")
        if not g.disabled
        and (
            module.refers_to(resolved, g, ("name", "id"))
            or (isinstance(resolved, str) and resolved == module.resolve(g.get("name")))
        )
    ]
    return groups, resolved


def _parameter_setting(group: TfResource, name: str, module: Module) -> tuple[Value, bool]:
    """The value ``group`` gives parameter ``name`` (None when it does not), and whether
    some parameter's name does not resolve."""
    unresolved = False
    for parameter in module.blocks(group, "parameter"):
        pname = module.resolve(parameter.get("name"))
        if not is_literal(pname):
            unresolved = True
        elif isinstance(pname, str) and pname.strip().lower() == name:
            return module.resolve(parameter.get("value")), False
    return None, unresolved


def _family_engine(res: TfResource, module: Module) -> tuple[str, int | None] | None:
    """Engine and major version from the family of the instance's own parameter group
    (``postgres13``, ``mysql8.0``, ``mariadb10.6``): a replica or snapshot restore has no
    ``engine``, but its parameter group must match the engine it runs."""
    if res.get("parameter_group_name") is None:
        return None
    groups, _ = _parameter_groups(res, module)
    for group in groups:
        family = keyword(module.resolve(group.get("family")))
        match = re.fullmatch(r"(postgres|mysql|mariadb)(\d+)?(?:\.\d+)*", family or "")
        if match:
            return match.group(1), int(match.group(2)) if match.group(2) else None
    return None


def _db_instance(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    engine_raw = res.get("engine")
    engine = module.resolve(engine_raw)
    version_raw = res.get("engine_version")
    if engine_raw is None:
        # a replica or a snapshot restore: the engine comes from elsewhere, unless the
        # instance's parameter group says which engine it is for
        found = _family_engine(res, module)
        if found is None:
            return
        kind, major = found
    else:
        if not is_literal(engine):
            yield unknown("engine", engine_raw, module)
            return
        kind = keyword(engine) or ""
        # RDS for PostgreSQL 15 and later default to rds.force_ssl = 1. Without
        # engine_version RDS creates the current default version, >= 15 since 2023.
        major = 15 if version_raw is None else _major(module.resolve(version_raw))
    if kind not in _FORCE_SSL:
        return
    parameter = _FORCE_SSL[kind]
    default_on = kind == "postgres" and major is not None and major >= 15
    version_unknown = kind == "postgres" and major is None
    if res.get("parameter_group_name") is None:
        if default_on:
            return
        if version_unknown:
            yield unknown("engine_version", version_raw, module)
            return
        yield Violation(
            f"parameter_group_name is not set: the default parameter group leaves {parameter} "
            f"off, so clients may connect without TLS; use an aws_db_parameter_group with "
            f"{parameter} = 1",
            severity=Severity.MEDIUM,
        )
        return
    groups, resolved = _parameter_groups(res, module)
    if not groups:
        if isinstance(resolved, str) and resolved.startswith("default."):
            if default_on:
                return
            if version_unknown:
                yield unknown("engine_version", version_raw, module)
                return
            yield Violation(
                f"parameter_group_name = {shown(res.get('parameter_group_name'), module)} is a "
                f"default parameter group, which leaves {parameter} off",
                path=("parameter_group_name",),
                severity=Severity.MEDIUM,
            )
            return
        why = (
            module.explain(res.get("parameter_group_name"))
            if is_opaque(resolved)
            else ("a parameter group outside this module")
        )
        yield Unknown(
            f"parameter_group_name = {hcl(res.get('parameter_group_name'))} ({why}): cannot "
            f"check {parameter}"
        )
        return
    for group in groups:
        value, unresolved = _parameter_setting(group, parameter, module)
        if value is None:
            if unresolved:
                yield Unknown(f"{group.address} has parameter names that do not resolve")
            elif not default_on:
                if version_unknown:
                    yield unknown("engine_version", version_raw, module)
                    continue
                yield Violation(
                    f"parameter group {group.address} does not set {parameter} = 1: clients "
                    "may connect without TLS",
                    path=("parameter_group_name",),
                )
            continue
        text = to_string(value)
        if not is_literal(value) or text is None:
            yield Unknown(f"{group.address}: {parameter} = {hcl(value)} does not resolve")
        elif text.strip().lower() not in _ON:
            yield Violation(
                f"parameter group {group.address} sets {parameter} = {hcl(value)}: clients may "
                "connect without TLS",
                path=("parameter_group_name",),
            )


def _ecs_task(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    for volume in module.blocks(res, "volume"):
        for efs in module.blocks(volume, "efs_volume_configuration"):
            yield from setting(
                efs,
                "transit_encryption",
                module,
                res,
                one_of(("enabled",), absent=False),
                "NFS traffic to EFS is not encrypted (set ENABLED)",
                absent="defaults to DISABLED: NFS traffic to EFS is not encrypted",
            )


def _msk(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    for info in module.blocks(res, "encryption_info"):
        for transit in module.blocks(info, "encryption_in_transit"):
            yield from setting(
                transit,
                "client_broker",
                module,
                res,
                one_of(("tls",), absent=True),
                "clients may talk to the brokers in plain text (use TLS)",
            )
            yield from setting(
                transit,
                "in_cluster",
                module,
                res,
                lambda v: to_bool(v, default=True),
                "brokers replicate to each other in plain text",
            )


def _denies_plain(statement: Any) -> bool | None:
    """Is the statement a Deny on ``aws:SecureTransport = false``?"""
    if not isinstance(statement, dict):
        return False
    effect = statement.get("Effect")
    if not isinstance(effect, str):
        return None
    if effect.strip().lower() != "deny":
        return False
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    for operator, body in condition.items():
        if not isinstance(operator, str) or not operator.lower().startswith("bool"):
            continue
        if not isinstance(body, dict):
            continue
        for key, value in body.items():
            if isinstance(key, str) and key.lower() == "aws:securetransport":
                values = value if isinstance(value, list) else [value]
                if any(
                    (isinstance(v, bool) and v is False)
                    or (isinstance(v, str) and v.strip().lower() == "false")
                    for v in values
                ):
                    return True
    return False


def _policy_denies(raw: Value, module: Module) -> tuple[bool | None, str]:
    doc, why = read_policy(raw, module, lambda _value: None)
    if not isinstance(doc, dict):
        return None, why or "not a policy document"
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return None, "no readable Statement list"
    verdicts = [_denies_plain(s) for s in statements]
    if True in verdicts:
        return True, ""
    return (None, "a statement's Effect does not resolve") if None in verdicts else (False, "")


def _s3_bucket(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    policies: list[tuple[str, Value]] = []
    if res.get("policy") is not None:  # AWS provider v3 inline policy
        policies.append(("policy", res.get("policy")))
    for policy_res in attached(module, res, "aws_s3_bucket_policy"):
        policies.append((f"{policy_res.address}.policy", policy_res.get("policy")))
    unknowns: list[str] = []
    for name, raw in policies:
        verdict, why = _policy_denies(raw, module)
        if verdict is True:
            return
        if verdict is None:
            unknowns.append(f"{name} ({why})")
    if unknowns:
        yield Unknown(f"cannot read the bucket policy: {'; '.join(unknowns)}")
        return
    if not policies and module.unlinked(("aws_s3_bucket_policy",), "bucket"):
        other = module.unlinked(("aws_s3_bucket_policy",), "bucket")[0]
        yield unknown(f"{other.address}.bucket", other.get("bucket"), module)
        return
    what = "no statement of its bucket policy" if policies else "no bucket policy"
    yield Violation(
        f"{what} denies requests with aws:SecureTransport = false: objects can be read and "
        "written over plain HTTP",
        severity=Severity.MEDIUM,
    )


# --------------------------------------------------------------------------- GCP


def _cloud_sql(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    for settings in module.blocks(res, "settings"):
        ip = module.first(settings, "ip_configuration")
        if ip is None:
            yield Violation(
                "settings.ip_configuration is not set: the instance accepts unencrypted "
                'connections (set ssl_mode = "ENCRYPTED_ONLY")',
                path=settings.path,
            )
            continue
        if ip.get("ssl_mode") is not None or ip.get("require_ssl") is None:
            yield from setting(
                ip,
                "ssl_mode",
                module,
                res,
                one_of(("encrypted_only", "trusted_client_certificate_required"), absent=False),
                "the instance accepts unencrypted connections (use ENCRYPTED_ONLY or "
                "TRUSTED_CLIENT_CERTIFICATE_REQUIRED)",
                absent="defaults to ALLOW_UNENCRYPTED_AND_ENCRYPTED; set ENCRYPTED_ONLY",
            )
        else:  # google provider < 5: require_ssl
            yield from required_true(
                ip, "require_ssl", module, res, "the instance accepts unencrypted connections"
            )


# --------------------------------------------------------------------------- Azure


def _tls_at_least_12(value: Value) -> bool | None:
    text = to_string(value)
    if text is None:
        return None
    match = re.fullmatch(r"(?:tls)?(\d)[._](\d)", text.strip().lower())
    if match is None:
        return False if text.strip().lower() in ("tlsenforcementdisabled", "disabled") else None
    return (int(match.group(1)), int(match.group(2))) >= (1, 2)


def _default_tls(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    res: TfResource,
    azurerm: int | None,
    since: int,
    old_default: str,
) -> Findings:
    """``attr`` must name TLS >= 1.2; unset, it is so from azurerm ``since`` on."""
    raw = owner.get(attr)
    if raw is None:
        if azurerm is not None and azurerm >= since:
            return
        known = "" if azurerm is None else f" (the module allows azurerm {azurerm}.x)"
        yield Violation(
            f"{dotted((*owner.path, attr))} is not set: azurerm before v{since} defaulted to "
            f"{old_default}{known}; set it explicitly (or require azurerm >= {since} in "
            f"required_providers, or set tf.azurerm_min_version = {since})",
            path=(*owner.path, attr),
        )
        return
    yield from setting(owner, attr, module, res, _tls_at_least_12, "allows TLS below 1.2")


def _storage_account(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    for attr in ("https_traffic_only_enabled", "enable_https_traffic_only"):  # v4 / v3
        if res.has(attr):
            yield from setting(
                res,
                attr,
                module,
                res,
                lambda v: to_bool(v, default=True),
                "the account accepts plain HTTP requests",
            )
    yield from _default_tls(res, "min_tls_version", module, res, azurerm, 3, "TLS1_0")


def _single_server(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    yield from required_true(
        res, "ssl_enforcement_enabled", module, res, "clients may connect without TLS"
    )
    if res.get("ssl_minimal_tls_version_enforced") is not None:
        yield from setting(
            res,
            "ssl_minimal_tls_version_enforced",
            module,
            res,
            _tls_at_least_12,
            "allows TLS below 1.2 (use TLS1_2)",
        )


def _mssql_server(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    yield from _default_tls(res, "minimum_tls_version", module, res, azurerm, 3, "no minimum")


def _flexible_configuration(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    name = module.resolve(res.get("name"))
    if not is_literal(name):
        yield unknown("name", res.get("name"), module)
        return
    if not isinstance(name, str) or name.strip().lower() != "require_secure_transport":
        return
    yield from setting(
        res,
        "value",
        module,
        res,
        _not_off,
        "the flexible server accepts connections without TLS",
    )


def _not_off(value: Value) -> bool | None:
    text = to_string(value)
    return None if text is None else text.strip().lower() not in _OFF


def _not_enabled(value: Value) -> bool | None:
    verdict = to_bool(value, default=False)
    return None if verdict is None else not verdict


def _redis(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    yield from _default_tls(res, "minimum_tls_version", module, res, azurerm, 4, "1.0")
    for attr in ("non_ssl_port_enabled", "enable_non_ssl_port"):  # v4 / v3
        if res.has(attr):
            yield from setting(
                res,
                attr,
                module,
                res,
                _not_enabled,
                "the plain-text port 6379 is open",
            )


TRANSIT: dict[str, Check] = {
    "aws_elasticache_replication_group": _elasticache,
    "aws_db_instance": _db_instance,
    "aws_ecs_task_definition": _ecs_task,
    "aws_msk_cluster": _msk,
    "aws_s3_bucket": _s3_bucket,
    "google_sql_database_instance": _cloud_sql,
    "azurerm_storage_account": _storage_account,
    "azurerm_postgresql_server": _single_server,
    "azurerm_mysql_server": _single_server,
    "azurerm_mssql_server": _mssql_server,
    "azurerm_postgresql_flexible_server_configuration": _flexible_configuration,
    "azurerm_mysql_flexible_server_configuration": _flexible_configuration,
    "azurerm_redis_cache": _redis,
}


# --------------------------------------------------------------------------- azurerm version

_OPERATOR = re.compile(r">=|~>|<=|!=|=|>|<")
_VERSION = re.compile(r"v?(\d+)(?:\.(\d+))?")


def constraint_floor(constraint: str) -> int | None:
    """The lowest major version a version constraint allows (``"~> 3.0"`` -> 3,
    ``">= 2.99, < 4"`` -> 2); ``None`` without a lower bound."""
    floors: list[int] = []
    for part in constraint.split(","):
        text = part.strip()
        operator = _OPERATOR.match(text)
        op = operator.group(0) if operator else "="
        match = _VERSION.match(text[operator.end() if operator else 0 :].strip())
        if match is None:
            continue
        major, minor = int(match.group(1)), match.group(2)
        if op in (">=", "~>", "="):
            floors.append(major)
        elif op == ">":
            floors.append(major if minor is not None else major + 1)
    return max(floors) if floors else None


def azurerm_major(files: Sequence[TfFile], configured: int | None) -> int | None:
    """``tf.azurerm_min_version`` when set, else the floor of the module's
    ``required_providers.azurerm`` version constraint."""
    if configured is not None:
        return configured
    for parsed in files:
        for block in parsed.blocks:
            if block.type != "terraform":
                continue
            for required in block.blocks:
                if required.type != "required_providers":
                    continue
                entry = required.get("azurerm")
                version = entry.get("version") if isinstance(entry, dict) else entry
                if isinstance(version, str):
                    return constraint_floor(version)
    return None


# --------------------------------------------------------------------------- AWS search domains
#
# aws_opensearch_domain / aws_elasticsearch_domain: traffic between the domain's nodes
# is plain text unless node_to_node_encryption { enabled = true } ("If the
# node_to_node_encryption block is not provided then this defaults to false", AWS
# provider docs). Client-to-endpoint HTTPS is TF-004's domain_endpoint_options.


def _search_domain(res: TfResource, module: Module, azurerm: int | None) -> Findings:
    why = "the domain's nodes exchange index data and queries in plain text"
    blocks = module.blocks(res, "node_to_node_encryption")
    if not blocks:
        raw = unread_list(res, "node_to_node_encryption", module.resolve)
        if raw is not None:
            yield unknown("node_to_node_encryption", raw, module)
        else:
            yield Violation(f"no node_to_node_encryption block (defaults to off): {why}")
        return
    for block in blocks:
        yield from required_true(block, "enabled", module, res, why)


TRANSIT.update(
    {
        "aws_opensearch_domain": _search_domain,
        "aws_elasticsearch_domain": _search_domain,
    }
)
