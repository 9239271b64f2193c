"""The secrets kind: files read only for secrets (``secrets.include``: ``.env``, ``*.pem``,
config files). Every other collected file gets its secrets subject from the engine
(``engine.analysis.with_secrets_subject``), whatever its kind."""

from __future__ import annotations

from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source
from pytest_devops_policy.options import Options

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


FORMAT = SecretsFormat()
