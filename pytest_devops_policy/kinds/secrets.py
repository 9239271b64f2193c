"""The secrets kind: files read only for secrets (``secrets.include``: ``.env``, ``*.pem``,
config files). Every other collected file gets its secrets subject from the engine
(``engine.analysis.with_secrets_subject``), whatever its kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source
from pytest_devops_policy.options import Options

if TYPE_CHECKING:
    from pytest_devops_policy.context import Context

__all__ = ["FORMAT"]


class SecretsFormat(FormatDefaults):
    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.formats.secrets import included
        from pytest_devops_policy.options import SecretsOptions

        # Named by the default globs but not by the run's secrets.include: not read.
        if not included(source.relpath, options.of(SecretsOptions).include):
            return ParsedFile(source, "secrets", [], recognised=False)
        # Nothing to parse: the text is the subject (added with the others' secrets subjects).
        return ParsedFile(source, "secrets", [])

    def dependencies(self, path: str, context: Context) -> list[str]:
        from pytest_devops_policy.knowledge.secrets.generic import env_file_class

        if env_file_class(context.cache.relpath(path)) != "env":
            return []
        from pytest_devops_policy.indexes.secrets_files import gitignore_files

        # SECRET-011 asks whether a .gitignore covers an environment file.
        return gitignore_files(context.cache, path)


FORMAT = SecretsFormat()
