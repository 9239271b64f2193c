"""Google Cloud Storage in Terraform: who can read a bucket (TF-001).

A bucket is kept private by ``public_access_prevention = "enforced"`` (the default
``inherited`` lets IAM or ACLs open it) and ``uniform_bucket_level_access = true``
(otherwise per-object ACLs apply). It is opened by IAM bindings to ``allUsers`` or
``allAuthenticatedUsers`` (``iam.gcp_public_grants``), public predefined ACLs, or
ACL entries for those entities. ``PUBLIC_ACCESS`` maps each resource type to the
findings it gets.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import Violation
from pytest_devops_policy.formats.terraform.model import is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.iam import PUBLIC_MEMBERS, gcp_public_grants
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.values import is_true, one_of

__all__ = ["PUBLIC_ACCESS", "PUBLIC_PREDEFINED_ACLS"]

PUBLIC_PREDEFINED_ACLS = frozenset({"publicread", "publicreadwrite", "authenticatedread"})


def _bucket(res: TfResource, module: Module) -> Findings:
    raw = res.get("public_access_prevention")
    verdict = module.decide(raw, one_of(frozenset({"enforced"})), res)
    if verdict is False:
        if raw is None:
            yield Violation(
                'public_access_prevention is not set (defaults to "inherited"): IAM or ACLs can '
                "make objects public",
                path=("public_access_prevention",),
            )
        else:
            yield Violation(
                f'public_access_prevention = {shown(raw, module)} (must be "enforced")',
                path=("public_access_prevention",),
            )
    elif verdict is None:
        yield unknown("public_access_prevention", raw, module)
    raw = res.get("uniform_bucket_level_access")
    verdict = module.decide(raw, is_true, res)
    if verdict is False:
        text = (
            "uniform_bucket_level_access is not set (defaults to false)"
            if raw is None
            else f"uniform_bucket_level_access = {shown(raw, module)}"
        )
        yield Violation(
            f"{text}: per-object ACLs can still grant public access",
            path=("uniform_bucket_level_access",),
        )
    elif verdict is None:
        yield unknown("uniform_bucket_level_access", raw, module)


def _acl(res: TfResource, module: Module) -> Findings:
    if res.has("predefined_acl"):
        raw = res.get("predefined_acl")
        verdict = module.violates(raw, one_of(PUBLIC_PREDEFINED_ACLS), res)
        if verdict is True:
            yield Violation(
                f"predefined_acl = {shown(raw, module)} makes the bucket public",
                path=("predefined_acl",),
            )
        elif verdict is None:
            yield unknown("predefined_acl", raw, module)
    if res.has("role_entity"):
        raw = res.get("role_entity")
        value = module.resolve(raw)
        items = value if isinstance(value, list) else [value]
        public = [
            e
            for e in items
            if isinstance(e, str) and e.rpartition(":")[2].strip().lower() in PUBLIC_MEMBERS
        ]
        if public:
            yield Violation(
                f"role_entity includes {', '.join(public)}: anyone on the internet",
                path=("role_entity",),
            )
        elif not is_literal(value):
            yield unknown("role_entity", raw, module)


def _access_control(res: TfResource, module: Module) -> Findings:
    raw = res.get("entity")
    verdict = module.violates(raw, one_of(PUBLIC_MEMBERS), res)
    if verdict is True:
        yield Violation(f"entity = {shown(raw, module)} grants access to anyone", path=("entity",))
    elif verdict is None and raw is not None:
        yield unknown("entity", raw, module)


PUBLIC_ACCESS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "google_storage_bucket": _bucket,
    "google_storage_bucket_iam_binding": gcp_public_grants,
    "google_storage_bucket_iam_member": gcp_public_grants,
    "google_storage_bucket_iam_policy": gcp_public_grants,
    "google_storage_bucket_acl": _acl,
    "google_storage_bucket_access_control": _access_control,
    "google_storage_default_object_access_control": _access_control,
    "google_storage_object_access_control": _access_control,
}
