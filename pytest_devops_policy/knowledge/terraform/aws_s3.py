"""Amazon S3 in Terraform: which resources configure a bucket, and who can read it.

Since AWS provider v4 a bucket is configured by separate resources
(``aws_s3_bucket_acl``, ``_policy``, ``_public_access_block``, ``_versioning``,
``_server_side_encryption_configuration``, ``_logging``...) attached by
``bucket = aws_s3_bucket.x.id``, ``.bucket`` or the same literal name
(``attached``, ``bucket_of``); v3 kept some of them inline on the bucket.

Public access (TF-001): a bucket is public through a public canned ACL or a
grant to the AllUsers/AuthenticatedUsers groups, or a bucket policy allowing
everyone (``iam.public_policy``), unless a public access block covers it: its
own, with all four settings true, or the account-level one.
``PUBLIC_ACCESS`` maps each resource type to the findings it gets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_devops_policy.api import Violation
from pytest_devops_policy.formats.terraform.model import Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.iam import public_policy
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.values import is_true, keyword, one_of

__all__ = [
    "PUBLIC_ACCESS",
    "PUBLIC_ACCESS_BLOCK_SETTINGS",
    "PUBLIC_ACLS",
    "account_public_access_blocks",
    "attached",
    "bucket_of",
]

PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GRANTEES = ("/groups/global/allusers", "/groups/global/authenticatedusers")
# The four settings of a public access block, and what leaving each off allows.
PUBLIC_ACCESS_BLOCK_SETTINGS = {
    "block_public_acls": "new public ACLs are accepted",
    "ignore_public_acls": "existing public ACLs stay in effect",
    "block_public_policy": "a public bucket policy can be attached",
    "restrict_public_buckets": "a public bucket policy still grants anonymous access",
}


# --------------------------------------------------------------------------- linking


def attached(module: Module, bucket: TfResource, rtype: str) -> list[TfResource]:
    """``aws_s3_bucket_<x>`` resources of type ``rtype`` attached to this bucket."""
    return module.linked(bucket, (rtype,), via="bucket", attrs=("id", "bucket"), name_attr="bucket")


def bucket_of(module: Module, resource: TfResource) -> TfResource | None:
    """The ``aws_s3_bucket`` a bucket-level resource attaches to, if in this module."""
    for bucket in module.by_type("aws_s3_bucket"):
        if resource in attached(module, bucket, resource.type):
            return bucket
    return None


def account_public_access_blocks(module: Module) -> list[TfResource]:
    """``aws_s3_account_public_access_block``s: they cover every bucket of the account."""
    return [r for r in module.by_type("aws_s3_account_public_access_block") if not r.disabled]


# --------------------------------------------------------------------------- public access


def _bucket(res: TfResource, module: Module) -> Findings:
    if res.has("acl"):
        yield from _acl(res, module, "")
    for grant in module.blocks(res, "grant"):
        yield from _grantee_uri(grant.get("uri"), (*grant.path, "uri"), module, res)
    if res.has("policy"):
        yield from public_policy(res, module, "policy")
    yield from _public_access_block_coverage(res, module)


def _acl(res: TfResource, module: Module, target: str) -> Findings:
    raw = res.get("acl")
    verdict = module.violates(raw, one_of(PUBLIC_ACLS), res)
    if verdict is True:
        yield Violation(
            f"acl = {shown(raw, module)}{target} makes objects readable without credentials",
            path=("acl",),
        )
    elif verdict is None and raw is not None:
        yield unknown("acl", raw, module)


def _grantee_uri(raw: Value, path: tuple[Any, ...], module: Module, res: TfResource) -> Findings:
    if raw is None:
        return

    def public(v: Value) -> bool | None:
        text = keyword(v)
        return None if text is None else text.endswith(_PUBLIC_GRANTEES)

    verdict = module.violates(raw, public, res)
    if verdict is True:
        yield Violation(
            f"grant to uri = {shown(raw, module)} opens the bucket to everyone", path=path
        )
    elif verdict is None:
        yield unknown("uri", raw, module)


def _public_access_block_coverage(bucket: TfResource, module: Module) -> Findings:
    linked = [
        p for p in attached(module, bucket, "aws_s3_bucket_public_access_block") if not p.disabled
    ]
    if linked:
        return  # the block's own item judges its four settings
    accounts = account_public_access_blocks(module)
    missing: list[str] = []
    undecided: list[tuple[str, Value]] = []
    for setting in PUBLIC_ACCESS_BLOCK_SETTINGS:
        verdicts = [module.decide(a.get(setting), is_true, a) for a in accounts]
        if True in verdicts:
            continue
        if None in verdicts:
            acct = accounts[verdicts.index(None)]
            undecided.append((f"{acct.address}.{setting}", acct.get(setting)))
        else:
            missing.append(setting)
    if not missing and not undecided:
        return
    unlinked = module.unlinked(("aws_s3_bucket_public_access_block",), "bucket")
    if unlinked:
        blk = unlinked[0]
        yield unknown(f"{blk.address}.bucket", blk.get("bucket"), module)
        return
    if undecided and not missing:
        name, raw = undecided[0]
        yield unknown(name, raw, module)
        return
    if not accounts:
        yield Violation(
            "no aws_s3_bucket_public_access_block is attached to this bucket and the module has "
            "no aws_s3_account_public_access_block: public ACLs and policies are not blocked"
        )
    else:
        names = ", ".join(missing)
        yield Violation(
            f"no aws_s3_bucket_public_access_block is attached to this bucket and "
            f"{accounts[0].address} leaves {names} off"
        )


def _public_access_block(res: TfResource, module: Module) -> Findings:
    accounts = account_public_access_blocks(module)
    bucket = bucket_of(module, res)
    target = f" for {bucket.address}" if bucket is not None else ""
    for setting, consequence in PUBLIC_ACCESS_BLOCK_SETTINGS.items():
        raw = res.get(setting)
        verdict = module.decide(raw, is_true, res)
        if verdict is True:
            continue
        if any(module.decide(a.get(setting), is_true, a) is True for a in accounts):
            continue  # the account-level block enforces it for every bucket
        if verdict is None:
            yield unknown(setting, raw, module)
        elif res.has(setting) and raw is not None:
            yield Violation(
                f"{setting} = {shown(raw, module)}{target}: {consequence}", path=(setting,)
            )
        else:
            yield Violation(
                f"{setting} is not set (defaults to false){target}: {consequence}", path=(setting,)
            )


def _bucket_acl(res: TfResource, module: Module) -> Findings:
    bucket = bucket_of(module, res)
    target = f" on {bucket.address}" if bucket is not None else ""
    if res.has("acl"):
        yield from _acl(res, module, target)
    for acp in module.blocks(res, "access_control_policy"):
        for grant in module.blocks(acp, "grant"):
            for grantee in module.blocks(grant, "grantee"):
                yield from _grantee_uri(grantee.get("uri"), (*grantee.path, "uri"), module, res)


def _bucket_policy(res: TfResource, module: Module) -> Findings:
    yield from public_policy(res, module, "policy")


PUBLIC_ACCESS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_s3_bucket": _bucket,
    "aws_s3_bucket_acl": _bucket_acl,
    "aws_s3_bucket_policy": _bucket_policy,
    "aws_s3_bucket_public_access_block": _public_access_block,
}
