"""GL-011: jobs that install dependencies cache them with a key; tag and release jobs only
read caches.

Installs are GHA-020's table (``knowledge.ci.caching.script_installs``: ``npm ci``,
``pip install -r``, ``poetry install``, ``go mod download``, ``mvn``, ``bundle install``...),
matched on command segments of ``before_script``/``script``/``after_script`` (after
``extends:`` and ``default:``, so a cache set in ``default:`` or a template counts).

Decisions where the catalog is silent:

* ``cache:`` may be one mapping or a list (up to four caches): one cache with a ``key:``
  that holds the installed files is enough. A ``key:`` (string or ``files:``) is required:
  without one every job and branch shares the ``default`` cache. ``key: files:`` is GitLab's
  advice, but a string key (``$CI_COMMIT_REF_SLUG``) passes.
* A tag job: a ``rules:`` entry whose ``if`` reads ``$CI_COMMIT_TAG`` (not
  ``== null``) and whose ``when`` is not ``never``, ``only: [tags]`` (or ``only: refs:``),
  or a job with a ``release:`` keyword. Such a job fails when any of its caches uses
  ``policy: pull-push`` (the default) or ``push``: a release must not write a cache that
  later builds restore, nor should it depend on one a branch build poisoned; ``pull`` is
  the catalog's accepted compromise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.caching import script_installs

# `$CI_COMMIT_TAG`, `${CI_COMMIT_TAG}`, not compared to null (`== null` means "no tag").
_TAG_VAR = re.compile(r"\$\{?CI_COMMIT_TAG\b\}?(?!\s*==\s*(?:null|\"\"|''))")


def _caches(job: GitLabJob) -> list[tuple[tuple[PathPart, ...], Mapping[str, Any]]]:
    value = job.cache
    if isinstance(value, Mapping):
        return [(("cache",), value)] if value else []
    if isinstance(value, list):
        return [(("cache", i), c) for i, c in enumerate(value) if isinstance(c, Mapping) and c]
    return []


def _installs(job: GitLabJob) -> list[str]:
    found: list[str] = []
    for section in ("before_script", "script", "after_script"):
        lines: tuple[str, ...] = getattr(job, section)
        if lines:
            found += script_installs("\n".join(lines))
    return found


def _tag_job(job: GitLabJob) -> str | None:
    """Why the job runs for tags (a release build), or None."""
    if "release" in job.raw:
        return "it has a release: keyword"
    for rule in job.rules:
        if rule.if_ and _TAG_VAR.search(rule.if_) and rule.when != "never":
            return f"its rules run it for tags ({rule.if_})"
    only = job.only
    refs = only.get("refs") if isinstance(only, Mapping) else only
    if isinstance(refs, list) and "tags" in refs:
        return "it runs only for tags"
    return None


def _applies(gl_job: GitLabJob) -> bool:
    """Jobs that install dependencies, and tag/release jobs that define a cache."""
    return bool(_installs(gl_job)) or (_tag_job(gl_job) is not None and bool(_caches(gl_job)))


@policy(
    id="GL-011",
    name="dependency-caching",
    title="Dependency installs are cached; release jobs only read caches",
    severity=Severity.LOW,
    rationale=(
        "A job that downloads every dependency on every run is slow and depends on the "
        "registry being up; a cache keyed on the lockfile restores them in seconds and "
        "refreshes exactly when they change. A release built from a tag must not write a "
        "cache later builds restore, nor depend on one a branch pipeline could poison: it "
        "should only pull, or run without a cache."
    ),
    remediation=(
        "Add cache: with key: files: [<lockfile>] and the package manager's cache directory "
        "(cache: {key: {files: [package-lock.json]}, paths: [.npm/]} with npm ci --cache "
        ".npm). For jobs that run on $CI_COMMIT_TAG, set cache: policy: pull (or no cache)."
    ),
    controls=("SLSA-Build-L3-hermetic",),
    references=("https://docs.gitlab.com/ci/caching/",),
    applies=_applies,
    example=(
        "test:\n"
        "  image: node:20.11-bookworm\n"
        "  script:\n"
        "    - npm ci\n"
        "    - npm test\n"
        "release:\n"
        "  image: node:20.11-bookworm\n"
        "  rules:\n"
        "    - if: $CI_COMMIT_TAG\n"
        "  cache:\n"
        "    key:\n"
        "      files: [package-lock.json]\n"
        "    paths: [.npm/]\n"
        "  script:\n"
        "    - npm ci --cache .npm\n"
        "    - npm publish\n"
    ),
    use_instead=(
        "test:\n"
        "  image: node:20.11-bookworm\n"
        "  cache:\n"
        "    key:\n"
        "      files: [package-lock.json]\n"
        "    paths: [.npm/]\n"
        "  script:\n"
        "    - npm ci --cache .npm\n"
        "    - npm test\n"
        "release:\n"
        "  image: node:20.11-bookworm\n"
        "  rules:\n"
        "    - if: $CI_COMMIT_TAG\n"
        "  cache:\n"
        "    key:\n"
        "      files: [package-lock.json]\n"
        "    paths: [.npm/]\n"
        "    policy: pull\n"
        "  script:\n"
        "    - npm ci --cache .npm\n"
        "    - npm publish\n"
    ),
)
def dependency_caching(gl_job: GitLabJob) -> Iterator[Violation]:
    caches = _caches(gl_job)
    tag = _tag_job(gl_job)
    if tag is not None:
        for path, cache in caches:
            policy_ = str(cache.get("policy", "pull-push"))
            if policy_ != "pull":
                yield Violation(
                    f"{gl_job.display} runs for releases ({tag}) with a cache whose policy "
                    f"is {policy_}: a release may write a cache later builds restore, or "
                    "restore one a branch pipeline poisoned; use cache: policy: pull or no "
                    "cache",
                    path=(*path, "policy") if "policy" in cache else path,
                )
        return
    installs = _installs(gl_job)
    if not installs:
        return
    if not caches:
        yield Violation(
            f"{gl_job.display} installs dependencies ('{installs[0]}') without cache:; every "
            "run downloads them again. Add cache: with key: files: [<lockfile>]",
            path=("script",) if gl_job.script else None,
        )
    elif not any("key" in c for _, c in caches):
        yield Violation(
            f"{gl_job.display} installs dependencies ('{installs[0]}') with a cache that has "
            "no key: every job and branch shares the 'default' cache; key it on the "
            "lockfile (key: files: [<lockfile>])",
            path=caches[0][0],
        )
