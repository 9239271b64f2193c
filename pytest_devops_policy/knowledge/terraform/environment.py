"""Is a Terraform resource part of production? (§5.2-10 environment hints)

Production is a module whose path (relative to the rootdir) matches
``tf.prod_paths``, or a resource tagged (AWS/Azure ``tags``) or labelled (GCP
``labels``) ``env``/``environment`` = ``prod*``. The answer is tri-state: tags that
do not resolve (``tags = var.tags`` without a default) leave it open.
"""

from __future__ import annotations

import os
import re

from pytest_devops_policy.formats.terraform.model import Value, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Module

__all__ = ["DEFAULT_PROD_PATHS", "ENV_KEYS", "is_production", "path_is_production"]

DEFAULT_PROD_PATHS = r"(^|/)(prod|production|live)(/|$)"
ENV_KEYS = frozenset({"env", "environment"})


def path_is_production(resource: TfResource, prod_paths: str) -> bool:
    """The module directory (relative to the rootdir, ``/``-separated) matches."""
    directory = os.path.dirname(resource.source.relpath.replace("\\", "/"))
    return re.search(prod_paths, directory) is not None


def _tagged(tags: Value) -> bool | None:
    if not isinstance(tags, dict):
        return None if not is_literal(tags) else False
    verdict: bool | None = False
    for key, value in tags.items():
        if key.strip().lower() not in ENV_KEYS:
            continue
        if isinstance(value, str):
            if value.strip().lower().startswith("prod"):
                return True
        elif not is_literal(value):
            verdict = None
    return verdict


def is_production(resource: TfResource, module: Module, prod_paths: str) -> bool | None:
    """True when the path or the tags say production; None when the tags do not resolve
    (and the path does not decide it)."""
    if path_is_production(resource, prod_paths):
        return True
    verdict: bool | None = False
    for attr in ("tags", "labels"):
        if not resource.has(attr):
            continue
        raw = resource.get(attr)
        if raw is None:
            continue
        found = [_tagged(c) for c in module.candidates(raw, resource)]
        if True in found:
            return True
        if None in found:
            verdict = None
    return verdict
