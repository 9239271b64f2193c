"""The Terraform kind: resources judged with their module (variables, locals, tfvars).

The parser and the module index are imported on first use: ``.format`` is read for every
collected file, also one whose kind the selection leaves out (issue 15).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.comments import hcl_comments
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options, TfOptions

if TYPE_CHECKING:
    from pytest_devops_policy.formats.terraform.model import TfFile
    from pytest_devops_policy.indexes.terraform import TfModule

__all__ = ["FORMAT"]


class TerraformFormat(FormatDefaults):
    keeps_parsed = True  # a module's index reads its other files' parsed blocks

    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        if _is_plan(source.path, source.text):
            return ()  # a plan is JSON, with no comments
        if source.path.lower().endswith(".json"):
            from pytest_devops_policy.formats.terraform.json_syntax import comments

            # JSON has no comments: Terraform ignores "//" properties of block bodies.
            return comments(source.text)
        return hcl_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        parser = options.of(TfOptions).hcl_parser
        if _is_plan(source.path, source.text):
            from pytest_devops_policy.formats.terraform.plan import parse_plan

            return parse_plan(source)  # terraform show -json output (a plan)
        if source.path.lower().endswith(".json"):  # *.tf.json, *.tfvars.json
            from pytest_devops_policy.formats.terraform import json_syntax

            return json_syntax.parse(source, parser)
        from pytest_devops_policy.formats.terraform.parser import parse

        return parse(source, parser=parser)

    def adjust(self, parsed: ParsedFile, context: Context) -> ParsedFile:
        from dataclasses import replace

        from pytest_devops_policy.formats.terraform.model import TfFile
        from pytest_devops_policy.formats.terraform.plan import PlanFile
        from pytest_devops_policy.indexes.terraform_blocks import adjust
        from pytest_devops_policy.indexes.terraform_calls import notes, subjects

        if isinstance(parsed, PlanFile):
            return parsed  # a plan's resources are all there, values resolved
        # A module without a terraform block gets a stand-in for its module-level items.
        parsed = adjust(parsed, context)
        if not isinstance(parsed, TfFile):
            return parsed
        parsed = _with_overrides(parsed, context)
        # The resources that the file's local module calls create, judged at the call; a
        # call whose resources are not read says so.
        local = context.options(TfOptions).module_calls
        created = subjects(parsed, context.cache) if local else []
        unread = notes(parsed, context.cache.rootdir, local)
        if not created and not unread:
            return parsed
        return replace(
            parsed, subjects=[*parsed.subjects, *created], notes=[*parsed.notes, *unread]
        )

    def index(self, subject: Subject[object], context: Context) -> TfModule:
        from pytest_devops_policy.indexes.terraform import index_for

        return index_for(subject, context.cache)

    def dependencies(self, path: str, context: Context) -> list[str]:
        from pytest_devops_policy.indexes.terraform import var_file_paths

        if _is_plan(path, None):
            return []  # a plan holds its resolved values: nothing else is read
        options = context.options(TfOptions)
        # A -var-file (tf.var_files) decides values here too.
        var_files = var_file_paths(options, context.cache.rootdir)
        # The rest is the same for every file of a module: found once per directory.
        key = (os.path.dirname(path), options.module_calls)
        return [*context.cache.memo(_module_dependencies, key), *var_files]

    def cache_token(self, path: str, context: Context) -> str:
        # tf.require_cloudtrail: a root module's TF-022 item depends on every .tf file of
        # the tree (is there a trail anywhere?); off, a file depends on its module only.
        if not context.options(TfOptions).require_cloudtrail:
            return ""
        from pytest_devops_policy.indexes.terraform_trails import cache_token

        return cache_token(path, context.cache)


def _module_dependencies(cache: ParseCache, key: tuple[str, bool]) -> tuple[str, ...]:
    """What the files of a module directory depend on (the same for each of its files)."""
    from pytest_devops_policy.indexes.terraform import dependencies
    from pytest_devops_policy.indexes.terraform_blocks import settings_dependencies
    from pytest_devops_policy.indexes.terraform_calls import call_dependencies

    directory, module_calls = key
    path = os.path.join(directory, "_")  # these readers take a file and read its directory
    # The whole module directory: a variable in another file changes a verdict here;
    # and the modules its local calls create (their files, nested calls included).
    calls = call_dependencies(directory, cache.rootdir) if module_calls else []
    return (*dependencies(path), *settings_dependencies(path), *calls)


def _with_overrides(parsed: TfFile, context: Context) -> TfFile:
    """The file's resources with the module's override files merged in (§5.2-8); an
    override file's merged resources are judged in their own files, not here. Resources
    whose ``count``/``for_each`` resolves to nothing (``count = var.create ? 1 : 0`` with
    ``create = false``) do not exist and are left out."""
    from dataclasses import replace

    from pytest_devops_policy.formats.terraform.overrides import is_override
    from pytest_devops_policy.formats.terraform.resource import TfResource
    from pytest_devops_policy.indexes.terraform import index_of

    counted = any(
        isinstance(s, TfResource) and (s.has("count") or s.has("for_each")) for s in parsed.subjects
    )
    module = index_of(os.path.dirname(parsed.source.path), context.cache)
    if not module.merged and not counted:
        return parsed
    dropping = is_override(parsed.source.path)
    subjects: list[Subject[object]] = []
    for subject in parsed.subjects:
        if isinstance(subject, TfResource):
            if module.absent(subject):
                continue
            merged = module.merged.get((subject.type, subject.name))
            if merged is not None:
                if dropping:
                    continue
                subjects.append(merged)
                continue
        subjects.append(subject)
    return replace(parsed, subjects=subjects)


def _is_plan(path: str, text: str | None) -> bool:
    """A Terraform plan in JSON (``discovery.is_terraform_plan_path``): the same peek, on
    the text when it is at hand."""
    from pathlib import PurePath

    from pytest_devops_policy.discovery import is_plan_text, is_terraform_plan_path

    if not path.lower().endswith(".json") or path.lower().endswith(".tf.json"):
        return False
    if text is None:
        return is_terraform_plan_path(PurePath(path))
    return is_plan_text(text)


FORMAT = TerraformFormat()
