"""TF-028 modules-and-providers-pinned: module sources and provider versions are pinned.

Items: each ``module`` call with a non-local source (``module.db``), each ``terraform``
block with ``required_providers`` (``terraform``), and each ``provider`` block that still
sets the deprecated ``version`` argument (``provider.aws``).
"""

from __future__ import annotations

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.blocks import TfBlock
from pytest_devops_policy.formats.terraform.model import Block, Value
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.indexes.terraform_blocks import is_root, lock_file_text
from pytest_devops_policy.knowledge.terraform.module import Findings, short
from pytest_devops_policy.knowledge.terraform.pinning import (
    constraint_pins,
    git_ref,
    is_semver_tag,
    is_sha,
    is_short_sha,
    locked_providers,
    source_kind,
)
from pytest_devops_policy.options import TfOptions


def _required_providers(block: Block) -> list[Block]:
    return [b for b in block.blocks if b.type == "required_providers"]


def _applies(tf_block: TfBlock) -> bool:
    if tf_block.type == "module":
        source = tf_block.get("source")
        return not (isinstance(source, str) and source_kind(source) == "local")
    if tf_block.type == "terraform":
        return any(rp.attributes for rp in _required_providers(tf_block.block))
    if tf_block.type == "provider":
        return tf_block.has("version")
    return False


@policy(
    id="TF-028",
    name="modules-and-providers-pinned",
    title="Module sources and provider versions are pinned",
    severity=Severity.MEDIUM,
    rationale=(
        "A module fetched from a branch, or a registry module or provider without an upper "
        "version bound, changes under the same code: the next init pulls whatever was "
        "published last, so a plan that was reviewed is not the plan that is applied, and a "
        "compromised or broken release reaches every environment on its next run. Tags can be "
        "moved; a commit SHA cannot."
    ),
    remediation=(
        "Pin git module sources with ?ref=<40-hex commit SHA> (or a release tag where "
        'tf.module_ref_policy = "tag-ok"), give registry modules an exact version or a '
        '"~> x.y" constraint, and give every required_providers entry a bounded version '
        "constraint; commit .terraform.lock.hcl and let Dependabot or Renovate bump them."
    ),
    controls=("NIST-800-53-CM-2", "NIST-800-53-SA-12", "NIST-800-53-SI-7"),
    references=(
        "checkov:CKV_TF_1",
        "checkov:CKV_TF_2",
        "https://developer.hashicorp.com/terraform/language/modules/sources",
        "https://developer.hashicorp.com/terraform/language/expressions/version-constraints",
    ),
    applies=_applies,
    example="""\
module "vpc" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=main"
}
""",
    use_instead="""\
module "vpc" {
  source = "git::https://github.com/acme/terraform-modules.git//vpc?ref=3f5c2a9e8b1d4c7f6a0e9d8c7b6a5f4e3d2c1b0a"
}
""",
)
def modules_and_providers_pinned(tf_block: TfBlock, context: Context) -> Findings:
    if tf_block.type == "module":
        yield from _module(tf_block, context.options(TfOptions).module_ref_policy)
    elif tf_block.type == "terraform":
        yield from _providers(tf_block, context)
    elif tf_block.type == "provider":
        yield from _legacy_provider_version(tf_block, context)


# --------------------------------------------------------------------------- module calls


def _module(call: TfBlock, ref_policy: str) -> Findings:
    source = call.get("source")
    if not isinstance(source, str):
        yield Unknown(
            f"{call.label} source = {short(source)}: Terraform needs a literal source "
            "(init rejects an expression)"
        )
        return
    kind = source_kind(source)
    if kind == "git":
        yield from _git(call, source, ref_policy)
    elif kind == "registry":
        yield from _registry(call, source)
    else:
        yield Unknown(
            f"{call.label} source {source!r} is an archive or another remote that TF-028 "
            "cannot judge: pin it to an immutable object (a versioned key, a checksum)"
        )


def _git(call: TfBlock, source: str, ref_policy: str) -> Findings:
    ref = git_ref(source)
    path = ("source",)
    if ref is None or not ref.strip():
        yield Violation(
            f"{call.label} source {source!r} has no ?ref=: every init fetches the default "
            "branch as it is then; pin a commit SHA (?ref=<40-hex>)",
            path=path,
        )
        return
    if is_sha(ref):
        return
    if is_semver_tag(ref):
        if ref_policy == "sha-only":
            yield Violation(
                f"{call.label} source pins the tag {ref!r}; tf.module_ref_policy = "
                '"sha-only" asks for a commit SHA, because a tag can be moved',
                path=path,
            )
        return
    if is_short_sha(ref):
        problem = "an abbreviated commit id, which may become ambiguous; use all 40 hex digits"
    else:
        problem = "a branch or non-release ref, which moves with every push"
    yield Violation(f"{call.label} source ?ref={ref} is {problem}", path=path)


def _registry(call: TfBlock, source: str) -> Findings:
    version = call.get("version")
    if not call.has("version"):
        yield Violation(
            f"{call.label} uses the registry module {source} without a version: every init "
            'takes the newest release; set version = "x.y.z" or "~> x.y"',
            path=(),
        )
        return
    if not isinstance(version, str):
        yield Unknown(
            f"{call.label} version = {short(version)}: Terraform needs a literal version "
            "constraint here"
        )
        return
    pins = constraint_pins(version)
    if pins is None:
        yield Unknown(f"{call.label} version {version!r} is not a version constraint")
    elif not pins:
        yield Violation(
            f"{call.label} version {version!r} has no upper bound: any future release "
            '(a new major version included) is accepted; use "x.y.z" or "~> x.y"',
            path=("version",),
        )


# --------------------------------------------------------------------------- providers


def _locked(module: TfModule, context: Context) -> dict[str, str]:
    text = lock_file_text(module, context)
    return locked_providers(text) if text else {}


def _lock_key(name: str, source: Value) -> str:
    src = source if isinstance(source, str) and source.strip() else f"hashicorp/{name}"
    src = src.strip().lower()
    return src if src.count("/") >= 2 else f"registry.terraform.io/{src}"


def _providers(tf_block: TfBlock, context: Context) -> Findings:
    module: TfModule = context.index(tf_block)
    root = is_root(module, context)
    locked = _locked(module, context)
    for index, rp in enumerate(_required_providers(tf_block.block)):
        for name, attr in rp.attributes.items():
            value = attr.value
            if isinstance(value, dict):
                source, version = value.get("source"), value.get("version")
                has_version = "version" in value
            else:  # the legacy form: aws = "~> 3.0"
                source, version, has_version = None, value, True
            path = ("required_providers", index, name)
            lock = locked.get(_lock_key(name, source))
            yield from _constraint(
                f"required_providers.{name}", version, has_version, path, root, lock
            )


def _legacy_provider_version(tf_block: TfBlock, context: Context) -> Findings:
    module: TfModule = context.index(tf_block)
    locked = _locked(module, context).get(_lock_key(tf_block.name, None))
    yield from _constraint(
        f"{tf_block.label} (the deprecated provider version argument)",
        tf_block.get("version"),
        True,
        ("version",),
        is_root(module, context),
        locked,
    )


def _constraint(
    what: str,
    version: Value,
    has_version: bool,
    path: tuple[str | int, ...],
    root: bool,
    locked: str | None,
) -> Findings:
    lock_note = (
        f"; .terraform.lock.hcl pins {locked} until the next init -upgrade" if locked else ""
    )
    if not has_version or version is None:
        yield Violation(
            f"{what} has no version constraint: init takes the newest provider release{lock_note}",
            path=path,
            severity=Severity.LOW if (locked or not root) else None,
        )
        return
    if not isinstance(version, str):
        yield Unknown(f"{what} version = {short(version)}: not a literal version constraint")
        return
    pins = constraint_pins(version)
    if pins is None:
        yield Unknown(f"{what} version {version!r} is not a version constraint")
    elif not pins:
        if not root:
            return  # a reusable module states the minimum it needs; its callers bound it
        yield Violation(
            f"{what} version {version!r} has no upper bound: a new major provider version "
            f'is taken on the next init -upgrade; use "~> x.y"{lock_note}',
            path=path,
            severity=Severity.LOW if locked else None,
        )
