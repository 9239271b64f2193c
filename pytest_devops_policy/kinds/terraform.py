"""The Terraform kind: resources judged with their module (variables, locals, tfvars)."""

from __future__ import annotations

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.terraform import model
from pytest_devops_policy.formats.terraform.model import TfModule
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options

__all__ = ["FORMAT"]


def _build(cache: ParseCache, scope: str) -> TfModule:
    return model.build_index(scope, cache)


class TerraformFormat(FormatDefaults):
    keeps_parsed = True  # a module's index reads its other files' parsed blocks

    def parse(self, source: Source, options: Options) -> ParsedFile:
        return model.parse(source)

    def index(self, subject: Subject[object], context: Context) -> TfModule:
        return context.cache.memo(_build, model.index_scope(subject))

    def dependencies(self, path: str, context: Context) -> list[str]:
        # The whole module directory: a variable in another file changes a verdict here.
        return model.dependencies(path)


FORMAT = TerraformFormat()
