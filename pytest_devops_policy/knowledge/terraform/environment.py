"""Is a Terraform resource part of production? (§5.2-10 environment hints)

Production is a module whose path (relative to the rootdir) matches
``tf.prod_paths``, or a resource tagged (AWS/Azure ``tags``) or labelled (GCP
``labels``) ``env``/``environment`` = ``prod*``. The answer is tri-state: tags that
do not resolve (``tags = var.tags`` without a default) leave it open.

``production`` (one detector for TF-014, TF-019, TF-021) also reads ``merge(...)``
tag maps, Cloud SQL ``settings.user_labels``, GKE ``resource_labels`` and the AWS
provider's ``default_tags``, and ``production_unresolved`` says why it is open;
``on_ephemeral_path`` matches ``tf.ephemeral_paths`` globs such as ``**/examples/**``;
``provider_block`` finds the ``provider`` block a resource uses (its ``provider =
aws.alias`` meta-argument, or the default one), for azurerm ``features`` and AWS
``default_tags``.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable, Sequence

from pytest_devops_policy.formats.terraform.model import Block, Expr, TfFile, Value, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Module, unresolved

__all__ = [
    "DEFAULT_PROD_PATHS",
    "ENV_KEYS",
    "environment_tag",
    "module_dir",
    "on_ephemeral_path",
    "production",
    "production_unresolved",
    "provider_block",
    "provider_file",
    "provider_name",
]

DEFAULT_PROD_PATHS = r"(^|/)(prod|production|live)(/|$)"
ENV_KEYS = frozenset({"env", "environment"})


# The resource arguments that carry tags or labels, by provider.
_TAG_ATTRS = ("tags", "labels", "resource_labels")


def module_dir(res: TfResource) -> str:
    """The resource's module directory as reports show it (``live/prod/db``; ``""`` at
    the rootdir)."""
    return posixpath.dirname(res.source.relpath)


def _glob(pattern: str, path: str) -> bool:
    # fnmatch's '*' crosses '/', so a leading '**/' only needs to also match nothing.
    return fnmatch.fnmatchcase(path, pattern) or (
        pattern.startswith("**/") and fnmatch.fnmatchcase(path, pattern[3:])
    )


def on_ephemeral_path(res: TfResource, globs: Iterable[str]) -> bool:
    """Does the resource's file (or its directory) match one of ``globs``?"""
    path = res.source.relpath
    directory = module_dir(res)
    candidates = (path, directory, directory + "/")
    return any(_glob(g, c) for g in globs for c in candidates if c)


def environment_tag(tags: Value) -> bool | None:
    """Does a resolved tag map say ``env``/``environment`` = ``prod*``? ``None`` when
    it does not resolve far enough to tell. ``merge(a, b)`` is read right to left."""
    if tags is None:
        return False
    if isinstance(tags, dict):
        for key, value in tags.items():
            if key.strip().lower() in ENV_KEYS:
                if isinstance(value, str):
                    return value.strip().lower().startswith("prod")
                return None if not is_literal(value) else False
        return False  # HCL map keys are known even where values are not
    if isinstance(tags, Expr) and tags.kind == "call" and tags.op == "merge":
        for arg in reversed(tags.args):
            if isinstance(arg, dict):
                verdict = environment_tag(arg)
                if verdict is not False or any(k.strip().lower() in ENV_KEYS for k in arg):
                    return verdict
                continue
            if arg is None:
                continue
            return None  # an unresolved map may set the environment
        return False
    return None if not is_literal(tags) else False


def production(
    res: TfResource,
    module: Module,
    files: Sequence[TfFile],
    prod_paths: str,
) -> bool | None:
    """Is the resource production (§5.2-10)? ``None`` when its tags do not resolve."""
    if prod_paths and re.search(prod_paths, module_dir(res)):
        return True
    verdicts = [environment_tag(module.resolve(v)) for _, v in _tag_maps(res, module)]
    provider = provider_block(res, files)
    if provider is not None:
        for default_tags in provider.blocks:
            if default_tags.type == "default_tags" and default_tags.has("tags"):
                verdicts.append(environment_tag(module.resolve(default_tags.get("tags"))))
    if True in verdicts:
        return True
    if None in verdicts:
        return None
    return False


def _tag_maps(res: TfResource, module: Module) -> list[tuple[str, Value]]:
    """The resource's tag and label maps, with their names: ``tags``, ``labels``,
    ``resource_labels`` and Cloud SQL's ``settings.user_labels``."""
    found = [(a, res.get(a)) for a in _TAG_ATTRS if res.has(a)]
    settings = module.first(res, "settings")
    if settings is not None and settings.has("user_labels"):
        found.append(("settings.user_labels", settings.get("user_labels")))
    return found


def production_unresolved(res: TfResource, module: Module, files: Sequence[TfFile]) -> str:
    """Why ``production`` answered ``None``: the tag map that does not resolve."""
    for name, raw in _tag_maps(res, module):
        if environment_tag(module.resolve(raw)) is None:
            return unresolved(name, raw, module)
    provider = provider_block(res, files)
    if provider is not None:
        for block in provider.blocks:
            if block.type == "default_tags" and block.has("tags"):
                return "provider default_tags " + unresolved("tags", block.get("tags"), module)
    return "its tags do not resolve"


def provider_name(res: TfResource) -> str:
    """``aws_db_instance`` -> ``aws``; ``azurerm_key_vault`` -> ``azurerm``."""
    return res.type.split("_", 1)[0]


def provider_block(res: TfResource, files: Sequence[TfFile]) -> Block | None:
    """The module's ``provider`` block the resource uses: the one named by its
    ``provider = <name>.<alias>`` meta-argument, else the default (no ``alias``)."""
    name, alias = provider_name(res), None
    chosen = res.get("provider")
    if isinstance(chosen, Expr) and chosen.kind == "ref" and chosen.ref:
        name = str(chosen.ref[0])
        alias = str(chosen.ref[1]) if len(chosen.ref) > 1 else None
    for parsed in files:
        for block in parsed.blocks:
            if block.type != "provider" or not block.labels or block.labels[0] != name:
                continue
            if block.get("alias") == alias:
                return block
    return None


def provider_file(block: Block, files: Sequence[TfFile]) -> str:
    """The relpath of the file holding ``block``."""
    for parsed in files:
        if any(b is block for b in parsed.blocks):
            return parsed.source.relpath
    return ""
