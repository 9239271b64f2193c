"""Object versioning and soft delete: what brings back an overwritten or deleted object (TF-018).

* S3: versioning is configured by a linked ``aws_s3_bucket_versioning``
  (``versioning_configuration { status = "Enabled" }``; ``Suspended``/``Disabled``
  keep no new versions) or, with AWS provider v3, an inline ``versioning { enabled =
  true }``. Object Lock turns versioning on by itself. MFA delete (``mfa_delete``)
  additionally guards version deletion (low).
* GCS: ``versioning { enabled = true }``; an explicit ``soft_delete_policy`` with a
  retention keeps deleted objects for a while and is accepted instead.
* Azure: ``blob_properties { versioning_enabled = true }`` plus blob and container soft
  delete (``delete_retention_policy``, ``container_delete_retention_policy``, 7 days
  when the block is present) of at least 7 days. Accounts with a hierarchical namespace
  (Data Lake Gen2) do not support blob versioning; premium ``FileStorage`` accounts
  hold no blobs.

``VERSIONING_CHECKS`` maps each resource type to its check; ``exempt`` tells a bucket
exempted by the user (log-only buckets) by address, name or tag.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence

from pytest_devops_policy.api import Severity, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.aws_s3 import attached, bucket_of
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import at_least, required_true
from pytest_devops_policy.knowledge.terraform.values import is_true, one_of, to_number

__all__ = ["NAME_ATTRS", "VERSIONING_CHECKS", "exempt", "judged"]

# The argument holding each storage resource's own name.
NAME_ATTRS = {
    "aws_s3_bucket": "bucket",
    "google_storage_bucket": "name",
    "azurerm_storage_account": "name",
}
_ENABLED = one_of(frozenset({"enabled"}))
_MIN_SOFT_DELETE_DAYS = 7


def exempt(res: TfResource, module: Module, globs: Sequence[str], tags: Sequence[str]) -> bool:
    """Is the bucket exempted: its address or literal name matches one of ``globs``, or
    one of its tags/labels is one of ``tags`` (``key=value``, case-insensitive)?"""
    name = module.resolve(res.get(NAME_ATTRS.get(res.type, "name")))
    names = [res.address] + ([name] if isinstance(name, str) else [])
    if any(fnmatch.fnmatchcase(n, g) for g in globs for n in names):
        return True
    wanted = {_pair(t) for t in tags}
    for attr in ("tags", "labels"):
        values = module.resolve(res.get(attr))
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if isinstance(value, str) and (key.strip().lower(), value.strip().lower()) in wanted:
                return True
    return False


def _pair(tag: str) -> tuple[str, str]:
    key, _, value = tag.partition("=")
    return key.strip().lower(), value.strip().lower()


# --------------------------------------------------------------------------- S3


def _object_lock(res: TfResource, module: Module) -> bool:
    """Object Lock enables versioning on the bucket by itself."""
    if module.decide(res.get("object_lock_enabled"), is_true, res) is True:
        return True
    for block in module.blocks(res, "object_lock_configuration"):
        if module.decide(block.get("object_lock_enabled"), _ENABLED, res) is True:
            return True
    return False


def _s3_bucket(res: TfResource, module: Module) -> Findings:
    linked = [v for v in attached(module, res, "aws_s3_bucket_versioning") if not v.disabled]
    if linked:
        return  # the aws_s3_bucket_versioning's own item judges its status
    inline = module.blocks(res, "versioning")
    if inline:
        block = inline[0]
        raw = block.get("enabled")
        verdict = module.decide(raw, is_true, res)
        if verdict is True:
            yield from _mfa_delete(block, "mfa_delete", is_true, module, res)
            return
        if _object_lock(res, module):
            return
        if verdict is None:
            yield unknown("versioning.enabled", raw, module)
            return
        what = (
            "versioning.enabled is not set"
            if raw is None
            else f"versioning.enabled = {shown(raw, module)}"
        )
        yield Violation(
            f"{what}: an overwritten or deleted object cannot be recovered",
            path=(*block.path, "enabled"),
        )
        return
    if _object_lock(res, module):
        return
    unlinked = module.unlinked(("aws_s3_bucket_versioning",), "bucket")
    if unlinked:
        other = unlinked[0]
        yield unknown(f"{other.address}.bucket", other.get("bucket"), module)
        return
    yield Violation(
        'no aws_s3_bucket_versioning with status = "Enabled" is attached to this bucket (and '
        "no inline versioning block): an overwritten or deleted object cannot be recovered"
    )


def _s3_versioning(res: TfResource, module: Module) -> Findings:
    bucket = bucket_of(module, res)
    target = f" for {bucket.address}" if bucket is not None else ""
    config = module.first(res, "versioning_configuration")
    if config is None:
        yield Violation(
            f"versioning_configuration is missing{target}", path=("versioning_configuration",)
        )
        return
    raw = config.get("status")
    verdict = module.decide(raw, _ENABLED, res)
    if verdict is None:
        yield unknown("versioning_configuration.status", raw, module)
        return
    if verdict is False:
        yield Violation(
            f"versioning_configuration.status = {shown(raw, module)}{target}: new writes keep "
            "no previous versions",
            path=(*config.path, "status"),
        )
        return
    yield from _mfa_delete(config, "mfa_delete", _ENABLED, module, res)


def _mfa_delete(
    block: Block,
    attr: str,
    enabled: Callable[[Value], bool | None],
    module: Module,
    res: TfResource,
) -> Findings:
    raw = block.get(attr)
    verdict = module.decide(raw, enabled, res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(attr, raw, module)
        return
    yield Violation(
        f"{'mfa_delete is not set' if raw is None else f'mfa_delete = {shown(raw, module)}'}: "
        "anyone with the bucket's delete permissions can remove every version",
        path=(*block.path, attr),
        severity=Severity.LOW,
    )


# --------------------------------------------------------------------------- GCS


def _soft_delete_kept(res: TfResource, module: Module) -> bool | None:
    """An explicit ``soft_delete_policy`` that keeps deleted objects (default 7 days)."""
    blocks = module.blocks(res, "soft_delete_policy")
    if not blocks:
        return False
    raw = blocks[0].get("retention_duration_seconds")

    def keeps(value: Value) -> bool | None:
        if value is None:
            return True  # the service default: 7 days
        number = to_number(value)
        return None if number is None else number > 0

    return module.decide(raw, keeps, res)


def _gcs_bucket(res: TfResource, module: Module) -> Findings:
    blocks = module.blocks(res, "versioning")
    raw = blocks[0].get("enabled") if blocks else None
    verdict = module.decide(raw, is_true, res) if blocks else False
    if verdict is True:
        return
    soft = _soft_delete_kept(res, module)
    if soft is True:
        return  # soft delete keeps deleted objects (not overwritten ones) for a while
    if verdict is None or soft is None:
        if verdict is None:
            yield unknown("versioning.enabled", raw, module)
        else:
            policy = module.blocks(res, "soft_delete_policy")[0]
            yield unknown(
                "soft_delete_policy.retention_duration_seconds",
                policy.get("retention_duration_seconds"),
                module,
            )
        return
    if not blocks:
        yield Violation(
            "no versioning { enabled = true }, and no soft_delete_policy keeps deleted "
            "objects: an overwritten or deleted object cannot be recovered",
            path=("versioning",),
        )
        return
    what = (
        "versioning.enabled is not set"
        if raw is None
        else f"versioning.enabled = {shown(raw, module)}"
    )
    yield Violation(
        f"{what}: an overwritten or deleted object cannot be recovered",
        path=(*blocks[0].path, "enabled"),
    )


# --------------------------------------------------------------------------- Azure


def _storage_account(res: TfResource, module: Module) -> Findings:
    props = module.first(res, "blob_properties")
    if props is None:
        yield Violation(
            "no blob_properties: blob versioning and blob/container soft delete are off",
            path=("blob_properties",),
        )
        return
    hns = module.decide(res.get("is_hns_enabled"), is_true, res)
    if hns is not True:  # Data Lake Gen2 accounts cannot version blobs
        yield from required_true(
            props,
            "versioning_enabled",
            module,
            res,
            "an overwritten blob cannot be recovered",
        )
    for name, what in (
        ("delete_retention_policy", "deleted blobs"),
        ("container_delete_retention_policy", "deleted containers"),
    ):
        policy = module.first(props, name)
        if policy is None:
            yield Violation(
                f"blob_properties.{name} is not set: {what} cannot be recovered",
                path=(*props.path, name),
            )
            continue
        yield from at_least(policy, "days", module, res, _MIN_SOFT_DELETE_DAYS, 7.0)


def _applies_to_account(res: TfResource) -> bool:
    kind = res.get("account_kind")
    return not (isinstance(kind, str) and kind.lower() == "filestorage")


VERSIONING_CHECKS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_s3_bucket": _s3_bucket,
    "aws_s3_bucket_versioning": _s3_versioning,
    "google_storage_bucket": _gcs_bucket,
    "azurerm_storage_account": _storage_account,
}


def judged(res: TfResource) -> bool:
    """Does TF-018 judge this resource at all (before exemptions)?"""
    if res.type == "azurerm_storage_account":
        return _applies_to_account(res)
    return res.type in VERSIONING_CHECKS
