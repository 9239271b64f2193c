"""Certificates that renew themselves, and those that someone must renew (TF-030).

ACM renews DNS-validated certificates (while the validation CNAME records stay
published) and Private-CA-issued ones; imported certificates (``private_key`` +
``certificate_body``) and IAM server certificates are renewed by hand. GCP managed
certificates renew, uploaded ones (``private_key``, ``self_managed``) do not; Azure
Key Vault certificates renew with an ``AutoRenew`` lifetime action, App Service
managed certificates always, uploaded PFX files never.

``CERTIFICATES`` maps each resource type to its check.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Severity, Violation
from pytest_devops_policy.formats.terraform.model import Value
from pytest_devops_policy.formats.terraform.plan import from_plan
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.https import setting
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, unknown
from pytest_devops_policy.knowledge.terraform.values import one_of, to_bool

__all__ = ["CERTIFICATES", "VALIDATION_RECORD_TYPES"]

# Resources that publish ACM's DNS validation records (they read domain_validation_options).
VALIDATION_RECORD_TYPES = (
    "aws_route53_record",
    "cloudflare_record",
    "cloudflare_dns_record",
    "google_dns_record_set",
    "azurerm_dns_cname_record",
)
_IMPORTED = "renewal is manual: someone must replace it before it expires"


def _uploaded(res: TfResource, attrs: tuple[str, ...], what: str) -> Findings:
    for attr in attrs:
        if res.get(attr) is not None:
            yield Violation(f"{what} ({attr} is set): {_IMPORTED}", path=(attr,))
            return


def _validated(cert: TfResource, module: Module) -> bool:
    """Does a resource of this module publish or wait for the certificate's DNS records?"""
    for record in module.by_type(*VALIDATION_RECORD_TYPES):
        for attr in ("for_each", "count", "name", "records", "record", "value", "content"):
            raw = record.get(attr)
            if raw is not None and module.refers_to(
                module.resolve(raw), cert, ("domain_validation_options",)
            ):
                return True
    for validation in module.by_type("aws_acm_certificate_validation"):
        if module.refers_to(module.resolve(validation.get("certificate_arn")), cert, ("arn", "id")):
            return True
    return False


def _acm(res: TfResource, module: Module) -> Findings:
    if res.get("private_key") is not None or res.get("certificate_body") is not None:
        yield from _uploaded(
            res, ("private_key", "certificate_body"), "an imported ACM certificate"
        )
        return
    if res.get("certificate_authority_arn") is None:
        raw = res.get("validation_method")
        verdict = module.decide(raw, one_of(("dns",), absent=False), res)
        if verdict is None:
            yield unknown("validation_method", raw, module)
            return
        if verdict is False:
            shown = "is not set" if raw is None else f"= {raw!s}"
            yield Violation(
                f"validation_method {shown}: ACM renews automatically only DNS-validated "
                'certificates (validation_method = "DNS") or Private CA ones',
                path=("validation_method",),
            )
            return
        if not _validated(res, module):
            yield Violation(
                "no validation record (aws_route53_record over domain_validation_options) or "
                "aws_acm_certificate_validation for this certificate in this module: ACM "
                "renews only while the validation CNAME records stay published",
                severity=Severity.LOW,
            )
    if from_plan(res):
        return  # a plan JSON carries no lifecycle meta-arguments: its .tf is judged
    lifecycle = next((b for b in res.block.blocks if b.type == "lifecycle"), None)
    value: Value = None if lifecycle is None else lifecycle.get("create_before_destroy")
    if to_bool(value, default=False) is not True:
        yield Violation(
            "lifecycle { create_before_destroy = true } is not set: replacing the certificate "
            "deletes the one listeners still use before the new one exists",
            path=("lifecycle", "create_before_destroy") if lifecycle is not None else (),
            severity=Severity.LOW,
        )


def _iam_server_certificate(res: TfResource, module: Module) -> Findings:
    yield Violation(
        f"an IAM server certificate is uploaded by hand and {_IMPORTED}; use ACM",
        path=("certificate_body",) if res.get("certificate_body") is not None else (),
    )


def _gcp_ssl_certificate(res: TfResource, module: Module) -> Findings:
    yield from _uploaded(
        res,
        ("private_key",),
        "a self-managed certificate (use google_compute_managed_ssl_certificate)",
    )


def _gcp_certificate_manager(res: TfResource, module: Module) -> Findings:
    self_managed = module.first(res, "self_managed")
    if self_managed is not None:
        yield Violation(
            f"a self_managed certificate: {_IMPORTED}; use managed {{ domains = [...] }}",
            path=self_managed.path,
        )


def _key_vault_certificate(res: TfResource, module: Module) -> Findings:
    imported = module.first(res, "certificate")
    if imported is not None and imported.get("contents") is not None:
        yield Violation(f"an imported certificate: {_IMPORTED}", path=(*imported.path, "contents"))
        return
    policy = module.first(res, "certificate_policy")
    if policy is None:
        return  # the provider requires certificate_policy unless a certificate is imported
    actions = [
        action
        for lifetime in module.blocks(policy, "lifetime_action")
        for action in module.blocks(lifetime, "action")
    ]
    if not actions:
        yield Violation(
            'certificate_policy has no lifetime_action { action { action_type = "AutoRenew" } '
            "}: nothing renews the certificate",
            path=policy.path,
        )
        return
    findings = []
    for action in actions:
        found = list(
            setting(
                action,
                "action_type",
                module,
                res,
                one_of(("autorenew",)),
                "Key Vault only emails the contacts; nothing renews the certificate "
                "(use AutoRenew)",
            )
        )
        if not found:
            return
        findings.extend(found)
    yield from findings


def _app_service_certificate(res: TfResource, module: Module) -> Findings:
    yield from _uploaded(
        res,
        ("pfx_blob",),
        "an uploaded PFX certificate (use azurerm_app_service_managed_certificate or a Key "
        "Vault certificate)",
    )


CERTIFICATES: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_acm_certificate": _acm,
    "aws_iam_server_certificate": _iam_server_certificate,
    "google_compute_ssl_certificate": _gcp_ssl_certificate,
    "google_compute_region_ssl_certificate": _gcp_ssl_certificate,
    "google_certificate_manager_certificate": _gcp_certificate_manager,
    "azurerm_key_vault_certificate": _key_vault_certificate,
    "azurerm_app_service_certificate": _app_service_certificate,
}
