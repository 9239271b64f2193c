"""The Dockerfile kind: one subject per file; outcomes also depend on the build context.

The parser and the build-context index (bashlex and the shell analysis with them) are
imported on first use: ``kinds.by_name(...).format`` is read for every collected file, also
one whose kind the selection leaves out (issue 15).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import dockerfile_comments
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source
from pytest_devops_policy.options import DockerOptions, Options

__all__ = ["FORMAT"]


class DockerfileFormat(FormatDefaults):
    lone_cr_newline = False  # BuildKit splits lines on LF only: a CR stays inside its line

    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return dockerfile_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.formats.dockerfile.parser import parse

        # The shipped stage names the item (its name, or its index when it has none).
        return parse(source, options.of(DockerOptions).target)

    def prime(self, context: Context, mine: Callable[[str], bool]) -> None:
        # With XREF policies, every process of a forked run soon asks for the cross-artifact
        # facts of the run's Dockerfiles: each extracts those of its share, once, up front.
        if not context.cache.prime_xref:
            return
        from pytest_devops_policy.indexes.xref import xref_index
        from pytest_devops_policy.indexes.xref_facts import dockerfile_facts

        paths = xref_index(context.cache).dockerfile_paths
        for path in filter(mine, paths):
            context.cache.facts(path, "dockerfile", "xref.dockerfile", dockerfile_facts)

    def dependencies(self, path: str, context: Context) -> list[str]:
        from pytest_devops_policy.indexes.docker_context import dependencies

        # The build context and its .dockerignore (DOCKER-007/008 read them).
        return dependencies(path, context)


FORMAT = DockerfileFormat()
