"""Branch protection managed as code: GitHub and GitLab providers (TF-029).

* GitHub ``github_branch_protection`` (GraphQL; ``repository_id`` = the repository's
  ``node_id`` or name, ``pattern`` a branch glob) and ``github_branch_protection_v3``
  (REST; ``repository`` name, ``branch`` name). Provider defaults: force pushes and
  deletions off, ``enforce_admins`` false, ``strict`` false, ``dismiss_stale_reviews``
  false, ``required_approving_review_count`` 1. ``_v3`` has no force-push/deletion
  arguments (the REST defaults keep both off).
* ``github_repository_ruleset`` / ``github_organization_ruleset``: ``target =
  "branch"``, ``enforcement = "active"`` (``evaluate`` only reports), ``conditions {
  ref_name { include, exclude } }`` with ``~DEFAULT_BRANCH``/``~ALL``/``refs/heads/<glob>``,
  ``rules { deletion, non_fast_forward, pull_request {...}, required_status_checks {...} }``
  (the ruleset's ``required_approving_review_count`` defaults to 0).
* A ``github_repository`` (not archived) needs a protection or an active ruleset
  covering its default branch: ``github_branch_default.branch``, else the deprecated
  ``default_branch`` argument, else ``main`` (``master`` is accepted too while the
  default branch is not set in code).
* GitLab ``gitlab_branch_protection``: ``allow_force_push`` (default false) and
  ``push_access_level`` (``developer`` lets every developer push past review).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.references import expr_texts, mentions
from pytest_devops_policy.knowledge.terraform.requirements import dotted
from pytest_devops_policy.knowledge.terraform.values import is_true, keyword, to_number

__all__ = ["CHECKS", "judged"]

PROTECTIONS = ("github_branch_protection", "github_branch_protection_v3")
RULESETS = ("github_repository_ruleset",)
_REPO_ATTRS = ("node_id", "name", "id", "full_name")
_VIA = {
    "github_branch_protection": "repository_id",
    "github_branch_protection_v3": "repository",
    "github_repository_ruleset": "repository",
    "github_branch_default": "repository",
}
# Branch names and glob prefixes treated as release branches besides the default one.
_RELEASE_PREFIXES = ("release", "releases", "prod", "production", "stable")
_DEFAULT_GUESS = ("main", "master")


# --------------------------------------------------------------------------- which branches


def _is_release(name: str) -> bool:
    head = name.removeprefix("refs/heads/").lower()
    return any(
        head == p or head.startswith((p + "/", p + "-", p + "_", p + "*"))
        for p in _RELEASE_PREFIXES
    )


def _per_instance(res: TfResource, repo: TfResource, module: Module) -> bool:
    """``for_each = github_repository.x`` (or a for expression over it) with the
    repository argument taken from ``each.value``: one instance per repository."""
    if not mentions(res.get(_VIA[res.type]), ("each",)):
        return False
    pattern = re.compile(r"(?<![\w.-])github_repository\." + re.escape(repo.name) + r"(?![\w-])")
    return any(pattern.search(t) for t in expr_texts(module.resolve(res.get("for_each"))))


def links(repo: TfResource, types: Sequence[str], module: Module) -> list[TfResource]:
    """The resources of ``types`` that belong to ``repo``: by reference to its
    ``node_id``/``name``, by its literal name, or one instance per repository."""
    out: list[TfResource] = []
    for rtype in types:
        out += module.linked(repo, (rtype,), _VIA[rtype], _REPO_ATTRS, name_attr="name")
        out += [r for r in module.by_type(rtype) if r not in out and _per_instance(r, repo, module)]
    return [r for r in out if not r.disabled]


def _opaque(types: Sequence[str], module: Module) -> list[TfResource]:
    """Resources of ``types`` whose repository cannot be told: they may belong to any."""
    repos = module.by_type("github_repository")
    return [
        r
        for rtype in types
        for r in module.unlinked((rtype,), _VIA[rtype])
        if not any(_per_instance(r, repo, module) for repo in repos)
    ]


def _repo_of(res: TfResource, module: Module) -> TfResource | None:
    for repo in module.by_type("github_repository"):
        if res in links(repo, (res.type,), module):
            return repo
    return None


def default_branches(repo: TfResource | None, module: Module) -> tuple[list[str], bool]:
    """The repository's default branch names, and whether they are known (set in code)
    rather than assumed. ``([], True)``-like unresolvable cases give the guess."""
    if repo is not None:
        for res in links(repo, ("github_branch_default",), module):
            branch = module.resolve(res.get("branch"))
            if isinstance(branch, str) and branch:
                return [branch], True
        branch = module.resolve(repo.get("default_branch"))
        if isinstance(branch, str) and branch:
            return [branch], True
    return list(_DEFAULT_GUESS), False


def _pattern_covers(pattern: str, branches: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(b, pattern) for b in branches)


def _ruleset_covers(res: TfResource, module: Module, branches: list[str]) -> bool | None:
    """Does the ruleset's ``conditions.ref_name`` include one of ``branches`` (the
    default branch) and not exclude it? None when the condition does not resolve."""
    conditions = module.first(res, "conditions")
    ref_name = module.first(conditions, "ref_name") if conditions is not None else None
    if ref_name is None:
        return False  # a branch ruleset without conditions applies to no branch
    include = module.resolve(ref_name.get("include"))
    exclude = module.resolve(ref_name.get("exclude"))
    if not (is_literal(include) and is_literal(exclude)):
        return None
    refs = [f"refs/heads/{b}" for b in branches]

    def matches(patterns: Value, default_token: bool) -> bool:
        if not isinstance(patterns, list):
            return False
        for p in patterns:
            if not isinstance(p, str):
                continue
            if p in ("~ALL",) or (default_token and p == "~DEFAULT_BRANCH"):
                return True
            if _pattern_covers(p, refs):
                return True
        return False

    return matches(include, True) and not matches(exclude, True)


def _ruleset_patterns(res: TfResource, module: Module) -> list[str]:
    conditions = module.first(res, "conditions")
    ref_name = module.first(conditions, "ref_name") if conditions is not None else None
    include = module.resolve(ref_name.get("include")) if ref_name is not None else None
    return [p for p in include if isinstance(p, str)] if isinstance(include, list) else []


def judged(res: TfResource, module: Module) -> bool:
    """Is this protection or ruleset about the default branch or a release branch?
    Unresolved branch names are judged (the settings do not depend on them)."""
    if res.type in RULESETS:
        target = keyword(module.resolve(res.get("target")))
        if target is not None and target != "branch":
            return False  # tag and push rulesets protect no branch
        branches, _ = default_branches(_repo_of(res, module), module)
        covers = _ruleset_covers(res, module, branches)
        return covers is not False or any(_is_release(p) for p in _ruleset_patterns(res, module))
    if res.type == "gitlab_branch_protection":
        return True  # every gitlab_branch_protection is a protected branch
    attr = "pattern" if res.type == "github_branch_protection" else "branch"
    name = module.resolve(res.get(attr))
    if not isinstance(name, str):
        return True
    branches, _ = default_branches(_repo_of(res, module), module)
    return _pattern_covers(name, branches) or _is_release(name)


# --------------------------------------------------------------------------- requirements


def _must(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    res: TfResource,
    test: Callable[[Value], bool | None],
    why: str,
    absent: str,
    severity: Severity | None = None,
) -> Findings:
    raw = owner.get(attr)
    path: tuple[PathPart, ...] = (*owner.path, attr)
    name = dotted(path)
    verdict = module.decide(raw, test, res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(name, raw, module)
    elif raw is None:
        yield Violation(f"{name} is not set ({absent}): {why}", path=path, severity=severity)
    else:
        yield Violation(f"{name} = {shown(raw, module)}: {why}", path=path, severity=severity)


def _not_true(value: Value) -> bool | None:
    verdict = is_true(value)
    return None if verdict is None else not verdict


def _count_at_least_one(default: int) -> Callable[[Value], bool | None]:
    def test(value: Value) -> bool | None:
        if value is None:
            return default >= 1
        number = to_number(value)
        return None if number is None else number >= 1

    return test


def _non_empty(value: Value) -> bool | None:
    if value is None:
        return False
    if isinstance(value, list):
        return bool(value)
    return None


def _missing_block(owner: Block | TfResource, name: str, why: str) -> Violation:
    path: tuple[PathPart, ...] = tuple(owner.path) if isinstance(owner, Block) else ()
    where = dotted((*path, name))
    return Violation(f"no {where} block: {why}", path=path)


_FORCE = "anyone with push access can rewrite the branch history"
_DELETE = "anyone with push access can delete the branch"
_ADMINS = "administrators bypass every rule of this protection"
_STRICT = "a pull request can merge without being tested against the latest base branch"
_CHECKS = "no status check has to pass before merging"
_REVIEWS = "changes reach the branch without an approving review"
_STALE = "an approval stays valid after new commits are pushed"


def _github_protection(res: TfResource, module: Module) -> Findings:
    if res.type == "github_branch_protection":
        yield from _must(
            res,
            "allows_force_pushes",
            module,
            res,
            _not_true,
            _FORCE,
            "defaults to false",
            severity=Severity.CRITICAL,
        )
        yield from _must(
            res, "allows_deletions", module, res, _not_true, _DELETE, "defaults to false"
        )
    yield from _must(res, "enforce_admins", module, res, is_true, _ADMINS, "defaults to false")
    checks = module.first(res, "required_status_checks")
    if checks is None:
        yield _missing_block(res, "required_status_checks", _CHECKS)
    else:
        yield from _must(checks, "strict", module, res, is_true, _STRICT, "defaults to false")
        yield from _status_contexts(checks, ("contexts", "checks"), module, res)
    reviews = module.first(res, "required_pull_request_reviews")
    if reviews is None:
        yield _missing_block(res, "required_pull_request_reviews", _REVIEWS)
    else:
        yield from _must(
            reviews,
            "required_approving_review_count",
            module,
            res,
            _count_at_least_one(1),
            _REVIEWS,
            "defaults to 1",
        )
        yield from _must(
            reviews, "dismiss_stale_reviews", module, res, is_true, _STALE, "defaults to false"
        )


def _status_contexts(
    checks: Block, attrs: tuple[str, ...], module: Module, res: TfResource
) -> Findings:
    """At least one of ``attrs`` (``contexts``, the newer ``checks``) lists a check."""
    verdicts = [module.decide(checks.get(a), _non_empty, res) for a in attrs]
    if True in verdicts:
        return
    for attr, verdict in zip(attrs, verdicts, strict=False):
        if verdict is None:
            yield unknown(dotted((*checks.path, attr)), checks.get(attr), module)
            return
    names = " or ".join(dotted((*checks.path, a)) for a in attrs)
    yield Violation(f"{names} lists no check: {_CHECKS}", path=tuple(checks.path))


def _ruleset(res: TfResource, module: Module) -> Findings:
    raw = res.get("enforcement")
    verdict = module.decide(raw, lambda v: keyword(v) == "active" if v is not None else False, res)
    if verdict is None:
        yield unknown("enforcement", raw, module)
    elif verdict is False:
        yield Violation(
            f"enforcement = {shown(raw, module)}: the ruleset's rules are not enforced",
            path=("enforcement",),
        )
    rules = module.first(res, "rules")
    if rules is None:
        yield Violation("no rules block: the ruleset protects nothing", path=())
        return
    yield from _must(
        rules, "non_fast_forward", module, res, is_true, _FORCE, "force pushes are allowed"
    )
    yield from _must(rules, "deletion", module, res, is_true, _DELETE, "deletion is allowed")
    checks = module.first(rules, "required_status_checks")
    if checks is None:
        yield _missing_block(rules, "required_status_checks", _CHECKS)
    else:
        yield from _must(
            checks,
            "strict_required_status_checks_policy",
            module,
            res,
            is_true,
            _STRICT,
            "defaults to false",
        )
        if not module.blocks(checks, "required_check"):
            yield Violation(
                f"{dotted((*checks.path, 'required_check'))} is empty: {_CHECKS}",
                path=tuple(checks.path),
            )
    reviews = module.first(rules, "pull_request")
    if reviews is None:
        yield _missing_block(rules, "pull_request", _REVIEWS)
    else:
        yield from _must(
            reviews,
            "required_approving_review_count",
            module,
            res,
            _count_at_least_one(0),
            _REVIEWS,
            "defaults to 0",
        )


def _covered(repo: TfResource, module: Module) -> bool | None:
    """Does some protection or active branch ruleset cover the repository's default
    branch? None when a protection's branch, a ruleset's conditions or a link does not
    resolve."""
    branches, _ = default_branches(repo, module)
    unsure = False
    for res in links(repo, (*PROTECTIONS, *RULESETS), module):
        if res.type in RULESETS:
            target = keyword(module.resolve(res.get("target")))
            enforcement = module.resolve(res.get("enforcement"))
            if target not in ("branch", None) or keyword(enforcement) in ("disabled", "evaluate"):
                continue
            covers = _ruleset_covers(res, module, branches)
            if covers is None or target is None or not isinstance(enforcement, str):
                unsure = True
            elif covers:
                return True
            continue
        attr = "pattern" if res.type == "github_branch_protection" else "branch"
        name = module.resolve(res.get(attr))
        if not isinstance(name, str):
            unsure = True
        elif _pattern_covers(name, branches):
            return True
    if unsure:
        return None
    for res in module.by_type("github_organization_ruleset"):
        active = keyword(module.resolve(res.get("enforcement"))) == "active"
        if not res.disabled and active and _ruleset_covers(res, module, branches) is not False:
            return True  # an organization ruleset may cover every repository
    return False


def _repository(res: TfResource, module: Module) -> Findings:
    if module.decide(res.get("archived"), is_true, res) is True:
        return  # an archived repository is read-only
    verdict = _covered(res, module)
    if verdict is True:
        return
    if verdict is None:
        yield Unknown(
            "a branch protection or ruleset of this repository names its branch through a "
            "value that does not resolve"
        )
        return
    opaque = _opaque((*PROTECTIONS, *RULESETS), module)
    if opaque:
        other = opaque[0]
        via = _VIA[other.type]
        yield unknown(f"{other.address}.{via}", other.get(via), module)
        return
    branches, known = default_branches(res, module)
    branch = branches[0] if known else "main"
    yield Violation(
        f"no github_branch_protection or active github_repository_ruleset covers the default "
        f"branch ({branch}) of this repository: anyone with write access can push to it "
        "directly, force-push or delete it"
    )


def _gitlab_protection(res: TfResource, module: Module) -> Findings:
    yield from _must(
        res,
        "allow_force_push",
        module,
        res,
        _not_true,
        _FORCE,
        "defaults to false",
        severity=Severity.CRITICAL,
    )

    def not_developer(value: Value) -> bool | None:
        if value is None:
            return True  # the provider default is maintainer
        text = keyword(value)
        return None if text is None else text != "developer"

    yield from _must(
        res,
        "push_access_level",
        module,
        res,
        not_developer,
        "every developer can push to the protected branch without a merge request",
        "defaults to maintainer",
    )


CHECKS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "github_branch_protection": _github_protection,
    "github_branch_protection_v3": _github_protection,
    "github_repository_ruleset": _ruleset,
    "github_repository": _repository,
    "gitlab_branch_protection": _gitlab_protection,
}
