"""The Terraform kind: resources judged with their module (variables, locals, tfvars)."""

from __future__ import annotations

from collections.abc import Iterable

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import hcl_comments
from pytest_devops_policy.formats.terraform.parser import parse
from pytest_devops_policy.indexes.terraform import TfModule, dependencies, index_for
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options, TfOptions

__all__ = ["FORMAT"]


class TerraformFormat(FormatDefaults):
    keeps_parsed = True  # a module's index reads its other files' parsed blocks

    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return hcl_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        return parse(source, parser=options.of(TfOptions).hcl_parser)

    def index(self, subject: Subject[object], context: Context) -> TfModule:
        return index_for(subject, context.cache)

    def dependencies(self, path: str, context: Context) -> list[str]:
        # The whole module directory: a variable in another file changes a verdict here.
        return dependencies(path)


FORMAT = TerraformFormat()
