"""Pushed tags against immutable registries (XREF-007), independent of the CI system.

A registry with immutable tags refuses to overwrite a tag (ECR ``ImageTagAlreadyExists
Exception``; Artifact Registry rejects the push), so a tag that every run pushes again
(``latest``, ``main``, ``v1``) succeeds once and fails on every later run. The CI side gives
``PushedTag`` values (the ref, where it is pushed, and how the tag was made); this module
decides, per tag:

* which Terraform registry the ref goes to (``registries_of``): ECR by repository name on any
  ECR host (a literal ``<acct>.dkr.ecr.<region>.amazonaws.com`` or the ``amazon-ecr-login``
  output: Terraform gives no account or region to compare), GAR by
  ``<location>-docker.pkg.dev/<project>/<repository_id>/...`` (location and project
  compared when both sides are literal);
* whether that registry refuses the tag (``immutable_for``): ``IMMUTABLE``;
  ``IMMUTABLE_WITH_EXCLUSION`` unless a ``WILDCARD`` exclusion filter matches the tag;
  GAR ``docker_config.immutable_tags = true``;
* whether the tag is the same on every run (``classify_tag``): a literal, no tag (``latest``),
  a ref-name token in a pipeline run by branch pushes; run-unique when it holds one of
  ``xref.run_unique_tokens``; UNKNOWN for any other token.

``MUTABLE_WITH_EXCLUSION`` (immutable only for the filtered tags) is not judged.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_devops_policy.knowledge.xref.events import Origin
from pytest_devops_policy.knowledge.xref.refs import ImageRef
from pytest_devops_policy.knowledge.xref.templated import GITHUB_ALIASES, Templated, Token
from pytest_devops_policy.knowledge.xref.tf_facts import (
    EcrRepository,
    Fact,
    GarRepository,
    Opaque,
    TfFacts,
)

__all__ = [
    "REF_NAME_TOKENS",
    "PushedTag",
    "RunShape",
    "TagClass",
    "TagFinding",
    "classify_tag",
    "immutable_for",
    "judge_tags",
    "registries_of",
    "token_name",
]

# Tokens that hold the branch or tag name of the run (GitHub Actions, GitLab CI).
REF_NAME_TOKENS = frozenset(
    {"github.ref_name", "CI_COMMIT_REF_NAME", "CI_COMMIT_REF_SLUG", "CI_COMMIT_BRANCH"}
)
_VAR_NAME = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)")

Registry = EcrRepository | GarRepository


@dataclass(frozen=True)
class RunShape:
    """What runs the pipeline, as far as tags go. ``branch_runs``: branch pushes (or a
    schedule) run it, so a ref name is a branch name seen again on the next run;
    ``tag_only``: only tag pushes or releases run it, so a ref name is a new tag each time;
    ``tag_pushes``: tag pushes (or releases) are among its triggers."""

    branch_runs: bool
    tag_only: bool
    tag_pushes: bool = False


@dataclass(frozen=True)
class TagClass:
    verdict: str  # invariant / unique / unknown
    why: str


@dataclass(frozen=True)
class PushedTag:
    """One ref a job pushes. ``tag`` None: no tag (``latest``). ``how``: how the tag was
    made, for messages. ``fixed``: a class decided by the producer (metadata-action rules).
    ``maybe``: the push itself depends on a run-time condition."""

    ref: ImageRef
    tag: Templated | None
    origin: Origin
    how: str
    fixed: TagClass | None = None
    maybe: str | None = None


@dataclass(frozen=True)
class TagFinding:
    """The verdict on one pushed tag against one registry: ``fail`` True (refused on the
    second run), None (UNKNOWN, ``why`` says what decides)."""

    pushed: PushedTag
    registry: Registry
    fail: bool | None
    why: str


def token_name(token: Token) -> str:
    """``github.sha`` for ``${{ github.sha }}``, ``CI_COMMIT_SHA`` for ``${CI_COMMIT_SHA}``
    (also ``${CI_COMMIT_SHA:0:8}``); the text otherwise."""
    if token.kind == "expression":
        return token.text[3:-2].strip()
    m = _VAR_NAME.match(token.text)
    return m.group(1) if m else token.text


def classify_tag(tag: Templated | None, shape: RunShape, unique: Sequence[str]) -> TagClass:
    """Is ``tag`` the same on every run (see the module docstring)?"""
    if tag is None:
        return TagClass("invariant", "no tag: the push is 'latest'")
    if not tag.tokens:
        return TagClass("invariant", f"the literal tag '{tag.text}'")
    names = [token_name(t) for t in tag.tokens]
    # $GITHUB_SHA is read as ${{ github.sha }}: a knob may name either spelling.
    wanted = set(unique) | {GITHUB_ALIASES[n] for n in unique if n in GITHUB_ALIASES}
    hit = next((n for n in names if n in wanted), None)
    if hit is not None:
        return TagClass("unique", f"'{tag.text}' holds {hit}, new on every run")
    if all(n in REF_NAME_TOKENS for n in names):
        if shape.tag_only:
            return TagClass("unique", f"'{tag.text}' is the pushed Git tag (tag-only pipeline)")
        if shape.branch_runs:
            return TagClass(
                "invariant",
                f"'{tag.text}' is the branch name, the same on every push to that branch",
            )
    other = ", ".join(t.text for t in tag.tokens)
    return TagClass("unknown", f"the tag '{tag.text}' depends on {other}")


def _literal(fact: Fact) -> str | None:
    # An empty string (a variable defaulting to "") leaves the provider's value: unknown.
    return fact if isinstance(fact, str) and fact else None


def _segments(path: Templated) -> list[Templated]:
    """The ``/``-separated segments of a path, tokens kept inside their segment."""
    out: list[list[str | Token]] = [[]]
    for part in path.parts:
        if isinstance(part, Token):
            out[-1].append(part)
            continue
        pieces = part.split("/")
        out[-1].append(pieces[0])
        out.extend([p] for p in pieces[1:])
    return [Templated.of(seg) for seg in out]


def _same(a: Templated, b: str) -> bool | None:
    if a.literal is not None:
        return a.literal.lower() == b.lower()
    return None


def _ecr_match(ref: ImageRef, repo: EcrRepository) -> bool | None:
    name = _literal(repo.name)
    if ref.ecr is None:
        if ref.registry is not None:
            return False  # a literal host that is no ECR one (or Docker Hub)
        # A token host (``$REGISTRY/shop``) may be an ECR one: the literal tail after the
        # token is all that can be compared.
        tail = ref.path.parts[-1] if ref.path.parts else ""
        if name is None or not isinstance(tail, str) or len(ref.path.parts) < 2:
            return False
        return None if tail.lower() == "/" + name.lower() else False
    if name is None:
        return None
    return _same(ref.path, name)


def _gar_match(ref: ImageRef, repo: GarRepository) -> bool | None:
    host = ref.registry.literal if ref.registry is not None else None
    if host is None or not host.endswith("-docker.pkg.dev"):
        return False
    if repo.format is not None and repo.format != "DOCKER":
        return False
    segs = _segments(ref.path)
    if len(segs) < 3:
        return False
    repo_id = _literal(repo.repository_id)
    if repo_id is None:
        return None
    verdicts = [_same(segs[1], repo_id)]
    location = _literal(repo.location)
    if location is not None:
        verdicts.append(host.removesuffix("-docker.pkg.dev") == location.lower())
    project = _literal(repo.project)
    if project is not None:
        verdicts.append(_same(segs[0], project))
    if False in verdicts:
        return False
    return True if all(verdicts) else None


def registries_of(ref: ImageRef, facts: TfFacts) -> list[tuple[Registry, bool | None]]:
    """The Terraform registries ``ref`` may go to: (registry, True = surely, None = maybe)."""
    out: list[tuple[Registry, bool | None]] = []
    for ecr in facts.ecr:
        found = _ecr_match(ref, ecr)
        if found is not False:
            out.append((ecr, found))
    for gar in facts.gar:
        found = _gar_match(ref, gar)
        if found is not False:
            out.append((gar, found))
    return out


def _wildcard(pattern: str, tag: str) -> bool:
    # ECR wildcard filters know only '*' (any run of characters).
    return fnmatch.fnmatchcase(tag, pattern.replace("[", "[[]").replace("?", "[?]"))


def immutable_for(registry: Registry, tag: Templated | None) -> tuple[bool | None, str]:
    """Whether ``registry`` refuses to overwrite ``tag`` (None: undecidable), and why."""
    if isinstance(registry, GarRepository):
        flag = registry.immutable_tags
        if isinstance(flag, Opaque):
            return None, f"docker_config.immutable_tags = {flag} is decided at plan time"
        return flag is True, "docker_config.immutable_tags = true"
    mode = registry.mutability
    if isinstance(mode, Opaque):
        return None, f"image_tag_mutability = {mode} is decided at plan time"
    if mode == "IMMUTABLE":
        return True, 'image_tag_mutability = "IMMUTABLE"'
    if mode != "IMMUTABLE_WITH_EXCLUSION":
        return False, f'image_tag_mutability = "{mode}"'
    text = "latest" if tag is None else tag.literal
    for flt in registry.exclusions:
        pattern, kind = _literal(flt.filter), flt.filter_type
        if pattern is None or isinstance(kind, Opaque):
            return None, "an exclusion filter is decided at plan time"
        if kind not in (None, "WILDCARD"):
            continue
        if text is None:
            return None, f'the tag is known only at run time; exclusion filter "{pattern}"'
        if _wildcard(pattern, text):
            return False, f'the exclusion filter "{pattern}" matches "{text}"'
    return True, 'image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION", no exclusion filter matches'


def judge_tags(
    pushed: Sequence[PushedTag], facts: TfFacts, shape: RunShape, unique: Sequence[str]
) -> list[TagFinding]:
    """One finding per (pushed tag, immutable registry it may go to); tags that go to no
    immutable registry of the run give none."""
    out: list[TagFinding] = []
    for p in pushed:
        for registry, sure in registries_of(p.ref, facts):
            immutable, why_registry = immutable_for(registry, p.tag)
            if immutable is False:
                continue
            cls = p.fixed or classify_tag(p.tag, shape, unique)
            if cls.verdict == "unique":
                out.append(TagFinding(p, registry, False, cls.why))
                continue
            why = f"{cls.why}; {why_registry}"
            fail: bool | None = cls.verdict == "invariant" and immutable is True and bool(sure)
            if fail and p.maybe:
                fail, why = None, f"{why}; the push runs only when {p.maybe}"
            if not fail:
                if sure is None:
                    why += "; the registry host is a token, so the repository may be another"
                fail = None
            out.append(TagFinding(p, registry, fail, why))
    return out
