"""GHA-003: remote actions and reusable workflows are pinned to a full commit SHA."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.uses import UsesRef
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.options import GhaOptions

_DEFAULT_MAP: Mapping[str, str] = {"*": "hash-pin"}
# GitHub-owned actions are a smaller supply-chain risk than third-party ones.
_FIRST_PARTY = ("actions", "github")

_REF_KINDS = {
    "version-tag": "a tag",
    "branch": "a branch",
    "short-sha": "an abbreviated commit SHA",
    "ref": "a tag or branch",
    "expression": "an expression",
}


def _mode(pin_map: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str | None]:
    """The mode of the most specific matching pattern (the one with most literal characters)."""
    best: tuple[int, str, str] | None = None
    for pattern, mode in pin_map.items():
        if any(fnmatch.fnmatchcase(n.lower(), pattern) for n in names):
            score = len(pattern.replace("*", "").replace("?", ""))
            if best is None or score > best[0]:
                best = (score, pattern, mode)
    return ("hash-pin", None) if best is None else (best[2], best[1])


def _check(
    ref: UsesRef, who: str, path: tuple[PathPart, ...], pin_map: Mapping[str, str]
) -> Violation | None:
    verb = "calls" if ref.is_workflow else "uses"
    if ref.kind == "invalid":
        return Violation(
            f"{who} {verb} '{ref.raw}' (not an owner/repo[/path]@ref reference)", path=path
        )
    image = ref.image
    if ref.is_docker and image is not None:
        mode, _ = _mode(pin_map, (f"docker://{image.name}",))
        if (
            ref.is_digest_pinned
            or mode == "any"
            or (mode == "ref-pin" and (image.tag or image.digest))
        ):
            return None
        what = f"tag '{image.tag}', not" if image.tag else "no"
        return Violation(f"{who} {verb} '{ref.raw}' ({what} @sha256: digest)", path=path)
    mode, pattern = _mode(pin_map, (ref.slug, ref.name))
    if ref.is_sha_pinned or mode == "any" or (mode == "ref-pin" and ref.ref):
        return None
    why = _REF_KINDS.get(ref.ref_kind, "a tag or branch")
    rule = f"; gha.pin_policy '{pattern}' = {mode}" if pattern not in (None, "*") else ""
    if ref.ref_kind == "short-sha":
        text = f"{who} {verb} '{ref.raw}' ({why}; use all 40 characters{rule})"
    elif ref.ref_kind == "missing":
        text = f"{who} {verb} '{ref.raw}' (no @ref at all; GitHub requires one{rule})"
    else:
        text = f"{who} {verb} '{ref.raw}' ({why}, not a commit SHA{rule})"
    first_party = ref.owner.lower() in _FIRST_PARTY
    return Violation(text, path=path, severity=Severity.MEDIUM if first_party else None)


@policy(
    id="GHA-003",
    name="actions-pinned-by-sha",
    title="Actions and reusable workflows are pinned to a commit SHA",
    severity=Severity.HIGH,
    rationale=(
        "Tags and branches are mutable: whoever controls the action's repository "
        "(or steals its maintainer's token) can move 'v4' to new code, which then "
        "runs in your job with its token and secrets. A full commit SHA is immutable."
    ),
    remediation=(
        "Pin 'uses:' to the 40-character commit SHA of the release, keep the version "
        "in a trailing comment (uses: actions/checkout@<sha> # v4.2.2), and let "
        "Dependabot or Renovate bump it. Pin docker:// images by @sha256: digest."
    ),
    controls=("NIST-800-53-SR-3", "OpenSSF-Scorecard-Pinned-Dependencies"),
    references=(
        "zizmor:unpinned-uses",
        "zizmor:ref-confusion",
        "zizmor:impostor-commit",
        "zizmor:stale-action-refs",
        "zizmor:ref-version-mismatch",
        "scorecard:Pinned-Dependencies",
    ),
    example=(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: docker/login-action@v3\n"
    ),
    use_instead=(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
        "      - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0\n"
    ),
)
def actions_pinned_by_sha(job: Job, context: Context) -> Iterator[Violation]:
    pin_map = context.options(GhaOptions).pin_policy or _DEFAULT_MAP
    if job.uses is not None and not job.uses.is_local:
        v = _check(job.uses, job.display, ("uses",), pin_map)
        if v is not None:
            yield v
    for step in job.steps:
        if step.uses is None or step.uses.is_local:
            continue
        v = _check(step.uses, step.label, step.path("uses"), pin_map)
        if v is not None:
            yield v
