"""Is a deployed image in a registry (or a local cluster) when the deploy runs? (XREF-002)

The CI-neutral half of XREF-002 (catalog §9.3, §9.2-5): a GitHub Actions anchor and a
GitLab CI one describe each job as ordered ``JobFacts`` (builds, what makes images
available, opaque steps) with refs already resolved (``Templated``), and ``judge`` decides
for one deployed ref:

* the ref is in scope only when its **repository is built** in the pipeline (a build of any
  job tags it, ``refs.same_repository`` True); otherwise ``judge`` returns None (N/A);
* it is **available** when an offer that happens before the deploy (an earlier position
  of the deploy job, or any position of a job in ``before``: the needs closure, earlier
  stages) pushes or side-loads the same image (``same_version``: digests, else the tags
  pulled, three-valued);
* FAIL (a) built and never pushed; (b) pushed only after the deploy (later in the job, or
  in a job that runs after it); (c) pushed in a job with no order to the deploy job (a
  race); (d) the ref came from an applied manifest and the pipeline pushes that repository
  only under other tags;
* UNKNOWN instead of FAIL when a token decides an equality, when an offer's push depends
  on an expression, when an opaque step (a script, ``make``, a non-inert action, a remote
  reusable workflow) that may push runs before the deploy or in parallel with it, when a
  job's image store may be the cluster's (a self-hosted runner), when another pipeline of
  the repository pushes the ref (``elsewhere``: no order is known), or when the pipeline
  itself is not fully visible (``blockers``: a ``workflow_run`` upstream).

Positions are indexes in one job's event order; only their order within a job matters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pytest_devops_policy.knowledge.xref.events import Origin
from pytest_devops_policy.knowledge.xref.refs import ImageRef, parse_ref, same_repository
from pytest_devops_policy.knowledge.xref.templated import Templated, Token, equal

__all__ = [
    "Built",
    "Decision",
    "Deployed",
    "JobFacts",
    "Offer",
    "Opaque",
    "judge",
    "same_version",
    "version_equal",
]


@dataclass(frozen=True)
class Built:
    """One tag of a build (``ref`` resolved; ``written`` as in the file)."""

    ref: Templated
    written: str
    origin: Origin
    pos: int
    resolved: bool = False  # the value needed a resolution step (medium link)


@dataclass(frozen=True)
class Offer:
    """Something that makes refs available to a cluster. ``kind``: push, build-push,
    sideload, digest (a deployed digest from a pushing build's output), all-tags
    (``docker push --all-tags REPO``: ``refs`` holds the tags built for REPO in the job),
    cluster-daemon (the job builds straight into the cluster's image store, e.g. after
    ``minikube docker-env``: every later build is available). ``maybe``: the push is
    decided by an expression."""

    kind: str
    refs: tuple[Templated, ...]
    origin: Origin
    pos: int
    maybe: bool = False


@dataclass(frozen=True)
class Opaque:
    """A step that may push without saying so (``make push``, ``./release.sh``, an
    action that is not known to be inert)."""

    text: str
    origin: Origin
    pos: int


@dataclass(frozen=True)
class JobFacts:
    id: str
    builds: tuple[Built, ...] = ()
    offers: tuple[Offer, ...] = ()
    opaque: tuple[Opaque, ...] = ()
    # Why the job's image store may be the cluster's (a self-hosted runner): no FAIL (a).
    shared_store: str | None = None


@dataclass(frozen=True)
class Deployed:
    """A ref a deploy puts into a cluster or service. ``source``: where the ref is
    written (the deploy command, or the manifest's ``image:`` line); ``manifest`` is
    ``"path:line"`` when it came from an applied object."""

    ref: Templated
    written: str
    origin: Origin  # the deploy
    pos: int
    manifest: str | None = None
    resolved: bool = False


@dataclass(frozen=True)
class Decision:
    """``status``: pass, fail, unknown. ``case``: a, b, c, d for a FAIL. ``build`` and
    ``offer`` are the ends the finding rests on."""

    status: str
    case: str | None
    reason: str
    build: Built | None = None
    offer: Offer | None = None
    others: tuple[Offer, ...] = field(default=())


# -- version equality --------------------------------------------------------------

# What a run-unique token can hold: a commit sha is 40 hex digits, run ids are numbers.
_HEX40 = "[0-9a-f]{40}"
_DIGITS = "[0-9]+"
_SHAPES = {
    "${{ github.sha }}": _HEX40,
    "${{ github.run_id }}": _DIGITS,
    "${{ github.run_number }}": _DIGITS,
    "${{ github.run_attempt }}": _DIGITS,
    "${CI_COMMIT_SHA}": _HEX40,
    "${CI_PIPELINE_ID}": _DIGITS,
    "${CI_PIPELINE_IID}": _DIGITS,
    "${CI_JOB_ID}": _DIGITS,
}


def _pattern(value: Templated) -> re.Pattern[str]:
    out = []
    for part in value.parts:
        if isinstance(part, Token):
            out.append(_SHAPES.get(part.text, ".*"))
        else:
            out.append(re.escape(part))
    return re.compile("".join(out), re.S)


def version_equal(a: Templated, b: Templated) -> bool | None:
    """``templated.equal``, plus what a run-unique token can hold: ``latest`` is never
    ``${{ github.sha }}`` (40 hex digits)."""
    same = equal(a, b)
    if same is not None:
        return same
    for lit, other in ((a.literal, b), (b.literal, a)):
        if lit is not None and _pattern(other).fullmatch(lit) is None:
            return False
    return None


def same_version(a: ImageRef, b: ImageRef) -> bool | None:
    """``refs.same_image`` with ``version_equal`` for the tags."""
    repo = same_repository(a, b)
    if repo is False:
        return False
    if a.digest is not None and b.digest is not None:
        version = version_equal(a.digest, b.digest)
    elif a.digest is not None or b.digest is not None:
        version = None
    else:
        ta, tb = a.effective_tag, b.effective_tag
        version = version_equal(ta, tb) if ta is not None and tb is not None else None
    if version is False:
        return False
    return True if repo and version else None


def _and_all(values: Sequence[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _offers(ref: ImageRef, offer: Offer) -> bool | None:
    """Whether ``offer`` makes ``ref`` available (None: a token decides)."""
    if offer.kind == "cluster-daemon":
        return True
    if offer.kind == "digest":
        return True  # built for exactly this ref by the pushing build (GHA side checks)
    return _and_all([same_version(ref, parse_ref(r)) for r in offer.refs])


# -- the decision ---------------------------------------------------------------------


def _builds_of(ref: ImageRef, jobs: Sequence[JobFacts]) -> list[Built]:
    return [b for j in jobs for b in j.builds if same_repository(ref, parse_ref(b.ref)) is True]


def _matching(
    ref: ImageRef, offers: Sequence[Offer]
) -> tuple[list[Offer], list[Offer], list[Offer]]:
    """(offers that surely match, that may match, that match but only maybe push)."""
    sure: list[Offer] = []
    maybe: list[Offer] = []
    conditional: list[Offer] = []
    for offer in offers:
        hit = _offers(ref, offer)
        if hit is True and offer.maybe:
            conditional.append(offer)
        elif hit is True:
            sure.append(offer)
        elif hit is None:
            maybe.append(offer)
    return sure, maybe, conditional


def _repo_pushed(ref: ImageRef, offers: Sequence[Offer]) -> list[Offer]:
    """Offers that push ``ref``'s repository (under any tag)."""
    return [
        o
        for o in offers
        if o.kind in ("push", "build-push", "all-tags")
        and any(same_repository(ref, parse_ref(r)) is True for r in o.refs)
    ]


def judge(
    deployed: Deployed,
    job: JobFacts,
    before: Sequence[JobFacts],
    after: Sequence[JobFacts] = (),
    parallel: Sequence[JobFacts] = (),
    blockers: Sequence[str] = (),
    elsewhere: Sequence[Offer] = (),
) -> Decision | None:
    """The verdict for one deployed ref (see the module docstring); None when the ref's
    repository is not built in the pipeline (out of scope)."""
    ref = parse_ref(deployed.ref)
    everyone = [job, *before, *after, *parallel]
    built = _builds_of(ref, everyone)
    if not built:
        return None
    # A deploy command that names another version of a built repository (``app:v1`` while
    # the pipeline builds ``app:<sha>``) deploys an image made elsewhere: not judged. An
    # applied manifest that pins one is case (d).
    same = [b for b in built if same_version(ref, parse_ref(b.ref)) is not False]
    if not same and deployed.manifest is None:
        return None
    build = (same or built)[0]
    prior = [o for o in job.offers if o.pos < deployed.pos]
    prior += [o for j in before for o in j.offers]
    sure, maybe, conditional = _matching(ref, prior)
    if sure:
        return Decision("pass", None, "made available before the deploy", build, sure[0])
    if conditional:
        return Decision(
            "unknown",
            None,
            f"{_at(conditional[0].origin)} pushes {deployed.written} only when a "
            "condition holds (a push: ${{ ... }} expression, a shell test on its line)",
            build,
            conditional[0],
        )
    if maybe:
        shown = ", ".join(f"{_at(o.origin)} ({', '.join(r.text for r in o.refs)})" for o in maybe)
        return Decision(
            "unknown",
            None,
            f"whether {shown} pushes {deployed.written} depends on values known only at run time",
            build,
            maybe[0],
        )
    if blockers:
        return Decision("unknown", None, "; ".join(blockers), build)
    opaque = [o for o in job.opaque if o.pos < deployed.pos]
    if all(b in job.builds for b in built):
        # Built only in this job: a script before the first build has nothing to push.
        first = min(b.pos for b in built)
        opaque = [o for o in opaque if o.pos > first]
    opaque += [o for j in before for o in j.opaque]
    opaque += [o for j in parallel for o in j.opaque]
    if opaque:
        shown = ", ".join(f"{_at(o.origin)} ({o.text})" for o in opaque[:3])
        return Decision(
            "unknown",
            None,
            f"{shown} may push {deployed.written} (a script or action this check cannot read)",
            build,
        )
    shared = job.shared_store or next((j.shared_store for j in before if j.shared_store), None)
    later = [o for o in job.offers if o.pos > deployed.pos] + [o for j in after for o in j.offers]
    late_sure, late_maybe, late_cond = _matching(ref, later)
    race = [o for j in parallel for o in j.offers]
    race_sure, race_maybe, race_cond = _matching(ref, race)
    undecided = late_maybe + race_maybe + late_cond + race_cond
    if undecided:
        o = undecided[0]
        return Decision(
            "unknown",
            None,
            f"{_at(o.origin)} may push {deployed.written}, but only after the deploy or in a "
            "job with no order to it (a token or an expression decides)",
            build,
            o,
        )
    if shared is not None:
        return Decision("unknown", None, shared, build)
    # Pushed by another pipeline of the repository (a release workflow): no order is known.
    other_sure, other_maybe, other_cond = _matching(ref, elsewhere)
    other = other_sure + other_maybe + other_cond
    if other:
        return Decision(
            "unknown",
            None,
            f"{_at(other[0].origin)} in another pipeline pushes {deployed.written}; its order "
            "to this deploy is not known",
            build,
            other[0],
        )
    if race_sure:
        return Decision("fail", "c", "pushed in a job the deploy job does not need", build,
                        race_sure[0])  # fmt: skip
    if late_sure:
        return Decision("fail", "b", "pushed only after the deploy", build, late_sure[0])
    if deployed.manifest is not None:
        others = _repo_pushed(ref, prior)
        if others:
            return Decision(
                "fail", "d", "the manifest pins a tag the pipeline does not push", build,
                others[0], tuple(others),
            )  # fmt: skip
        if not same:
            return None  # another version, and the pipeline pushes none of the repository
    return Decision("fail", "a", "built and never pushed", build)


def _at(origin: Origin) -> str:
    return f"{origin.file}:{origin.line}"
