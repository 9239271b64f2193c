"""The GitLab CI kind: a pipeline file and its jobs (catalog §4.1, issue 21).

A file's jobs are merged with its local includes when it is parsed (``formats/gitlab_ci``);
there is no run-wide index yet. The parser is imported on first use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import PurePath

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import yaml_comments
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, ParseError, Source
from pytest_devops_policy.options import KindOptions, Options
from pytest_devops_policy.options.gitlab_ci import GitLabOptions

__all__ = ["FORMAT", "claims"]


class GitLabCIFormat(FormatDefaults):
    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return yaml_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.formats.gitlab_ci.pipeline import parse

        config_path = options.of(GitLabOptions).ci_config_path
        return parse(source, root_config=source.relpath == config_path)

    def dependencies(self, path: str, context: Context) -> list[str]:
        from pytest_devops_policy.indexes.xref_builds import build_inputs, gitlab_root

        # The files it includes locally decide its verdicts too; so do the Dockerfiles and
        # contexts its builds name (XREF-005).
        cache = context.cache
        builds = build_inputs(path, gitlab_root(path, cache), cache, "gitlab-ci")
        return [*included_files(path, cache.rootdir), *builds]

    def cache_token(self, path: str, context: Context) -> str:
        from pytest_devops_policy.indexes import gitlab_repository

        return gitlab_repository.cache_token(context.cache)


FORMAT = GitLabCIFormat()


def _config_of(path: str, rootdir: str) -> list[str]:
    """The repository files (relpaths) the file at ``path`` reads: itself and its local
    includes, transitively; just itself when it cannot be read or parsed."""
    from pytest_devops_policy.formats.gitlab_ci.config import build_config
    from pytest_devops_policy.model import decode

    root = os.path.abspath(rootdir)
    rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    try:
        with open(path, "rb") as fh:
            text = decode(fh.read())
        config, _ = build_config(text, rel, root, strict=False)
    except (OSError, ParseError):
        return [rel]  # reported when the file itself is parsed
    return config.files if config is not None else [rel]


def included_files(path: str, rootdir: str) -> list[str]:
    """Absolute paths of the files ``path`` includes locally."""
    root = os.path.abspath(rootdir)
    return [os.path.join(root, f) for f in _config_of(path, rootdir)[1:]]


def claims(rootdir: str, options: KindOptions) -> Callable[[PurePath], bool] | None:
    """``gl.ci_config_path`` and the YAML files the root configuration includes with a local
    ``include:`` (transitively): they are GitLab CI whatever their name."""
    config_path: str = getattr(options, "ci_config_path", ".gitlab-ci.yml")
    root = os.path.abspath(rootdir)
    full = os.path.join(root, config_path)
    if not os.path.isfile(full):
        return None
    wanted = {os.path.normpath(os.path.join(root, f)) for f in _config_of(full, root)}

    def matches(path: PurePath) -> bool:
        return os.path.normpath(os.path.abspath(str(path))) in wanted

    return matches
