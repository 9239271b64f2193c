"""Audit logs of cloud control planes and data services (TF-022).

* AWS: CloudTrail trails record every region, validate their log files, include
  global services and are on; EKS control planes ship ``api``, ``audit`` and
  ``authenticator`` logs.
* GCP: Data Access audit logs are off by default; an IAM audit config for
  ``allServices`` turns on ``ADMIN_READ``, ``DATA_READ`` and ``DATA_WRITE``, with
  no exempted members. A project this module creates needs one.
* Azure: Key Vault ``AuditEvent`` and AKS ``kube-audit`` logs go nowhere without a
  diagnostic setting; SQL servers (and the deprecated azurerm_sql_server) need an
  auditing policy keeping logs >= 90 days.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import at_least, dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import is_false, to_number

__all__ = ["AUDIT", "DIAGNOSTIC_SETTING", "SQL_AUDIT_RETENTION_DAYS", "diagnostic_categories"]

DIAGNOSTIC_SETTING = "azurerm_monitor_diagnostic_setting"
SQL_AUDIT_RETENTION_DAYS = 90
_EKS_LOGS = ("api", "audit", "authenticator")
_GCP_LOG_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
_AUDIT_GROUPS = ("audit", "alllogs")


# --------------------------------------------------------------------------- AWS


def _not_false(res: TfResource, attr: str, module: Module, why: str) -> Findings:
    raw = res.get(attr)
    verdict = module.decide(raw, is_false, res)
    if verdict is True:
        yield Violation(f"{attr} = {shown(raw, module)}: {why}", path=(attr,))
    elif verdict is None:
        yield unknown(attr, raw, module)


def _set(res: TfResource, attr: str, why: str, severity: Severity) -> Findings:
    if res.get(attr) is None:
        yield Violation(f"{attr} is not set: {why}", path=(attr,), severity=severity)


def _cloudtrail(res: TfResource, module: Module) -> Findings:
    yield from required_true(
        res, "is_multi_region_trail", module, res, "activity in other regions is not recorded"
    )
    yield from required_true(
        res,
        "enable_log_file_validation",
        module,
        res,
        "altered or deleted log files cannot be detected",
    )
    yield from _not_false(
        res,
        "include_global_service_events",
        module,
        "IAM, STS and other global service calls are not recorded",
    )
    yield from _not_false(res, "enable_logging", module, "the trail records nothing")
    yield from _set(
        res,
        "kms_key_id",
        "log files are encrypted with S3-managed keys only; a KMS key limits who can read them",
        Severity.MEDIUM,
    )
    yield from _set(
        res,
        "cloud_watch_logs_group_arn",
        "events are not delivered to CloudWatch Logs, so no metric filter or alarm sees them",
        Severity.LOW,
    )


def _covers(required: Collection[str]) -> Callable[[Value], bool | None]:
    def test(value: Value) -> bool | None:
        if value is None:
            return False
        if not isinstance(value, list):
            return None
        have = {v.strip().lower() for v in value if isinstance(v, str)}
        return all(r.lower() in have for r in required)

    return test


def _eks(res: TfResource, module: Module) -> Findings:
    raw = res.get("enabled_cluster_log_types")
    verdict = module.decide(raw, _covers(_EKS_LOGS), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("enabled_cluster_log_types", raw, module)
        return
    have: set[str] = set()
    for candidate in module.candidates(raw, res):
        if isinstance(candidate, list):
            have |= {v.lower() for v in candidate if isinstance(v, str)}
    missing = [t for t in _EKS_LOGS if t not in have] or list(_EKS_LOGS)
    now = "is not set" if raw is None else f"= {shown(raw, module)} lacks {', '.join(missing)}"
    yield Violation(
        f"enabled_cluster_log_types {now}: who called the Kubernetes API, and as whom, is "
        "not recorded",
        path=("enabled_cluster_log_types",),
    )


# --------------------------------------------------------------------------- GCP


def _gcp_audit_config(res: TfResource, module: Module) -> Findings:
    service = module.resolve(res.get("service"))
    configs = module.blocks(res, "audit_log_config")
    for config in configs:
        members = config.get("exempted_members")
        path: tuple[PathPart, ...] = (*config.path, "exempted_members")
        exempt = module.violates(members, lambda v: isinstance(v, list) and len(v) > 0, res)
        if exempt is True:
            yield Violation(
                f"{dotted(path)} = {shown(members, module)}: these identities act without an "
                "audit trail",
                path=path,
            )
        elif exempt is None:
            yield unknown(dotted(path), members, module)
    if not isinstance(service, str):
        yield unknown("service", res.get("service"), module)
        return
    if service != "allServices":
        return
    have: set[str] = set()
    for config in configs:
        log_type = module.resolve(config.get("log_type"))
        if not isinstance(log_type, str):
            yield unknown(dotted((*config.path, "log_type")), config.get("log_type"), module)
            return
        have.add(log_type.strip().upper())
    missing = [t for t in _GCP_LOG_TYPES if t not in have]
    if missing:
        yield Violation(
            f"allServices audit config lacks log_type {', '.join(missing)}: reads and writes "
            "of data are not recorded",
            path=("audit_log_config",) if configs else (),
        )


def _gcp_project(res: TfResource, module: Module) -> Findings:
    project_id = module.resolve(res.get("project_id"))
    configs = [c for c in module.by_type("google_project_iam_audit_config") if not c.disabled]
    opaque = False
    for config in configs:
        raw = config.get("project")
        resolved = module.resolve(raw)
        linked = module.refers_to(raw, res, ("project_id", "id", "number")) or (
            isinstance(project_id, str) and resolved == project_id
        )
        if not linked:
            opaque = opaque or module.opaque(raw)
            continue
        service = module.resolve(config.get("service"))
        if service == "allServices":
            return
        if not isinstance(service, str):
            opaque = True
    if opaque:
        yield Unknown(
            "a google_project_iam_audit_config names a project or service that does not resolve"
        )
        return
    yield Violation(
        'no google_project_iam_audit_config with service = "allServices" for this project: '
        "Data Access audit logs are off by default",
    )


# --------------------------------------------------------------------------- Azure


def diagnostic_categories(setting: TfResource, module: Module) -> tuple[set[str], bool]:
    """The log categories and category groups (lower case) a diagnostic setting enables,
    and whether some of them do not resolve."""
    found: set[str] = set()
    opaque = False
    for name in ("enabled_log", "log"):
        for block in module.blocks(setting, name):
            if name == "log" and module.decide(block.get("enabled"), is_false, setting) is True:
                continue
            for attr in ("category", "category_group"):
                if block.get(attr) is None:
                    continue
                value = module.resolve(block.get(attr))
                if isinstance(value, str):
                    found.add(value.strip().lower())
                else:
                    opaque = True
    return found, opaque


def _diagnostics(
    res: TfResource, module: Module, categories: Collection[str], what: str
) -> Findings:
    settings = [
        s
        for s in module.linked(res, (DIAGNOSTIC_SETTING,), via="target_resource_id")
        if not s.disabled
    ]
    opaque = bool(module.unlinked((DIAGNOSTIC_SETTING,), "target_resource_id"))
    wanted = {c.lower() for c in categories} | set(_AUDIT_GROUPS)
    for setting in settings:
        found, unresolved = diagnostic_categories(setting, module)
        if found & wanted:
            return
        opaque = opaque or unresolved
    if opaque:
        yield Unknown(
            f"an {DIAGNOSTIC_SETTING} of this module does not resolve: {what} may be sent"
        )
        return
    names = " or ".join(hcl(c) for c in categories)
    if settings:
        yield Violation(
            f"{settings[0].address} does not enable {names} (or the audit category group): "
            f"{what} are not kept"
        )
    else:
        yield Violation(
            f"no {DIAGNOSTIC_SETTING} sends {names} logs of this resource anywhere: {what} "
            "are not kept"
        )


def _key_vault(res: TfResource, module: Module) -> Findings:
    yield from _diagnostics(res, module, ("AuditEvent",), "key, secret and access operations")


def _aks(res: TfResource, module: Module) -> Findings:
    yield from _diagnostics(res, module, ("kube-audit",), "Kubernetes API audit events")


def _sql_retention(owner: Block | TfResource, module: Module, res: TfResource) -> Findings:
    raw = owner.get("retention_in_days")

    def unlimited(value: Value) -> bool | None:
        number = to_number(value)
        return None if number is None else number == 0

    # Unset is 0, and 0 keeps audit logs forever (or the Log Analytics workspace decides).
    if raw is None or module.decide(raw, unlimited, res) is True:
        return
    yield from at_least(owner, "retention_in_days", module, res, SQL_AUDIT_RETENTION_DAYS, None)


def _sql_policy(res: TfResource, module: Module) -> Findings:
    enabled = res.get("enabled")
    if module.decide(enabled, is_false, res) is True:
        yield Violation(
            f"enabled = {shown(enabled, module)}: the server is not audited", path=("enabled",)
        )
        return
    yield from _sql_retention(res, module, res)


def _sql_server(res: TfResource, module: Module) -> Findings:
    if module.blocks(res, "extended_auditing_policy"):
        return  # the inline (azurerm v2/v3) policy; its retention is judged below
    kinds = ("azurerm_mssql_server_extended_auditing_policy",)
    if any(not p.disabled for p in module.linked(res, kinds, via="server_id")):
        return
    if module.unlinked(kinds, "server_id"):
        yield Unknown(
            "an azurerm_mssql_server_extended_auditing_policy names a server that does not resolve"
        )
        return
    yield Violation(
        "no azurerm_mssql_server_extended_auditing_policy audits this server: logins, "
        "queries and permission changes are not recorded"
    )


def _sql_server_inline(res: TfResource, module: Module) -> Findings:
    for block in module.blocks(res, "extended_auditing_policy"):
        yield from _sql_retention(block, module, res)
    yield from _sql_server(res, module)


AUDIT: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_cloudtrail": _cloudtrail,
    "aws_eks_cluster": _eks,
    "google_project_iam_audit_config": _gcp_audit_config,
    "google_folder_iam_audit_config": _gcp_audit_config,
    "google_organization_iam_audit_config": _gcp_audit_config,
    "google_project": _gcp_project,
    "azurerm_key_vault": _key_vault,
    "azurerm_kubernetes_cluster": _aks,
    "azurerm_mssql_server": _sql_server_inline,
    "azurerm_sql_server": _sql_server_inline,  # deprecated (azurerm < 4): same auditing
    "azurerm_mssql_server_extended_auditing_policy": _sql_policy,
}
