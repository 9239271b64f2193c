"""The Terraform kind: resources judged with their module (variables, locals, tfvars).

The parser and the module index are imported on first use: ``.format`` is read for every
collected file, also one whose kind the selection leaves out (issue 15).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import hcl_comments
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options, TfOptions

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.terraform import TfModule

__all__ = ["FORMAT"]


class TerraformFormat(FormatDefaults):
    keeps_parsed = True  # a module's index reads its other files' parsed blocks

    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        if _is_plan(source.path, source.text):
            return ()  # JSON has no comments
        return hcl_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.formats.terraform.parser import parse

        if _is_plan(source.path, source.text):
            from pytest_devops_policy.formats.terraform.plan import parse_plan

            return parse_plan(source)  # terraform show -json output (a plan)

        return parse(source, parser=options.of(TfOptions).hcl_parser)

    def adjust(self, parsed: ParsedFile, context: Context) -> ParsedFile:
        from pytest_devops_policy.indexes.terraform_blocks import adjust

        # A module without a terraform block gets a stand-in for its module-level items.
        return adjust(parsed, context)

    def index(self, subject: Subject[object], context: Context) -> TfModule:
        from pytest_devops_policy.indexes.terraform import index_for

        return index_for(subject, context.cache)

    def dependencies(self, path: str, context: Context) -> list[str]:
        from pytest_devops_policy.indexes.terraform import dependencies, var_file_paths
        from pytest_devops_policy.indexes.terraform_blocks import settings_dependencies
        from pytest_devops_policy.options import TfOptions

        if _is_plan(path, None):
            return []  # a plan holds its resolved values: nothing else is read
        # The whole module directory: a variable in another file changes a verdict here;
        # so does a -var-file (tf.var_files).
        var_files = var_file_paths(context.options(TfOptions), context.cache.rootdir)
        return [*dependencies(path), *settings_dependencies(path), *var_files]


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
