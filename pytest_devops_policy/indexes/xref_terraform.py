"""Terraform facts for the cross-artifact policies (catalog §9.2-1 "Terraform").

Registries with their tag mutability (XREF-007) and the GitHub environments of a repository
with their protection rules (XREF-004), read from the run's Terraform files:

* ``aws_ecr_repository``: ``name``, ``image_tag_mutability`` (default ``MUTABLE``),
  ``image_tag_mutability_exclusion_filter { filter, filter_type }``;
* ``google_artifact_registry_repository``: ``repository_id``, ``location``, ``project``,
  ``format``, ``docker_config { immutable_tags }``;
* ``github_repository`` (``name``), ``github_repository_environment`` (``repository``,
  ``environment``, ``reviewers { users, teams }``, ``wait_timer``, ``prevent_self_review``,
  ``deployment_branch_policy { protected_branches, custom_branch_policies }``) and
  ``github_repository_environment_deployment_policy`` (``repository``, ``environment``,
  ``branch_pattern``/``tag_pattern``).

Values go through the module index (``indexes.terraform.index_of``: variables, tfvars,
locals, §5.2-2); what stays an expression is kept as ``Opaque`` (its HCL text), never
guessed. A reference to a ``github_repository``'s name/id, or to an environment resource's
``environment``, is followed inside the module. A resource with a literal ``for_each`` or
``count`` gives one fact per instance (``each.key``/``each.value`` bound); otherwise one
fact whose instance-dependent values are opaque.

Cheap on repositories without these resources: a ``.tf``/``.tf.json`` file is parsed only
when its text names one of the types. Built once per run (``ParseCache.memo``).
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.knowledge.xref.tf_facts import TfFacts
from pytest_devops_policy.safefile import read_bytes, read_text

__all__ = ["RESOURCE_TYPES", "github_repository", "xref_terraform"]

RESOURCE_TYPES = (
    "aws_ecr_repository",
    "google_artifact_registry_repository",
    "github_repository",
    "github_repository_environment",
    "github_repository_environment_deployment_policy",
)
# github_repository also finds github_repository_environment[_deployment_policy].
_SNIFF = re.compile(
    rb"\b(?:aws_ecr_repository|google_artifact_registry_repository|github_repository)"
)


def xref_terraform(cache: ParseCache) -> TfFacts:
    """The run's Terraform registry and GitHub environment facts, built once per run."""
    return cache.memo(_build, None)


def _candidate_dirs(cache: ParseCache) -> tuple[list[str], list[str]]:
    from pytest_devops_policy.indexes.xref_inputs import xref_paths  # the run's one walk

    dirs: list[str] = []
    files: list[str] = []
    for path in xref_paths(cache):
        if not path.endswith((".tf", ".tf.json")):
            continue
        kind = cache.classify(PurePath(path))
        if kind is None or kind.name != "terraform":
            continue
        data = read_bytes(path)
        if data is None or _SNIFF.search(data) is None:
            continue
        files.append(cache.relpath(path))
        directory = os.path.dirname(path)
        if directory not in dirs:
            dirs.append(directory)
    return dirs, files


def _build(cache: ParseCache, _: None) -> TfFacts:
    dirs, files = _candidate_dirs(cache)
    if not dirs:
        return TfFacts()
    # The Terraform parser and module index are imported only when a file names a type.
    from pytest_devops_policy.indexes.xref_terraform_read import read_facts

    return read_facts(cache, dirs, tuple(files))


def github_repository(workflow_path: str, cache: ParseCache) -> str | None:
    """This repository's ``owner/name``: ``xref.github_repository``, else the ``origin``
    remote of the ``.git/config`` beside the workflow's ``.github`` (a file read only)."""
    from pytest_devops_policy.indexes.xref_builds import repository_of
    from pytest_devops_policy.knowledge.xref.resolve import read_github_repository
    from pytest_devops_policy.options.xref import XrefOptions

    given = cache.options.of(XrefOptions).github_repository
    if given:
        return given
    return read_github_repository(repository_of(workflow_path, cache), read_text)
