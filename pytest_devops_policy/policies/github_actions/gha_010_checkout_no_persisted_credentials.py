"""GHA-010: actions/checkout does not leave the job's token in .git/config unless a later step
of the job pushes with it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Step

# Steps that write to the repository with the credentials checkout persisted.
_PUSH_RUN = re.compile(
    r"\bgit\s+(?:-[cC]\s+\S+\s+)*push\b"
    r"|\bgh\s+(?:release\s+(?:create|upload|edit|delete)|pr\s+(?:create|merge|edit|comment|close))\b"
    r"|\bgh\s+api\b[^\n]*(?:-X|--method)\s*(?:POST|PUT|PATCH|DELETE)\b",
    re.IGNORECASE,
)
_PUSH_ACTIONS = frozenset(
    {
        "stefanzweifel/git-auto-commit-action",
        "ad-m/github-push-action",
        "endbug/add-and-commit",
        "peter-evans/create-pull-request",
        "actions-js/push",
    }
)
# checkout v6 keeps the credentials under $RUNNER_TEMP instead of .git/config.
_V6_OR_LATER = re.compile(r"^v?([6-9]|\d{2,})(?:\.|$)")
# The version a SHA pin names in its trailing comment: `@<sha> # v6.0.2` (or `# tag=v6.0.2`).
_PIN_COMMENT = re.compile(r"#\s*(?:tag\s*[=:]\s*)?(v?\d+(?:\.\d+)*)\b")


def _version(job: Job, step: Step) -> str | None:
    """The checkout version: the ref, or for a SHA pin the version its comment names."""
    uses = step.uses
    if uses is None or not uses.ref:
        return None
    if not uses.is_sha_pinned:
        return uses.ref
    pos = job.locate(step.path("uses"))
    lines = job.source.lines
    if pos is None or not 0 < pos[0] <= len(lines):
        return None
    text = lines[pos[0] - 1]
    found = _PIN_COMMENT.search(text[text.find(uses.ref) :] if uses.ref in text else "")
    return found.group(1) if found else None


def _pushes(step: Step) -> bool:
    if step.run is not None and _PUSH_RUN.search(step.run):
        return True
    uses = step.uses
    return uses is not None and uses.is_remote and uses.slug.lower() in _PUSH_ACTIONS


def _is_checkout(step: Step) -> bool:
    uses = step.uses
    return uses is not None and uses.is_remote and uses.name.lower() == "actions/checkout"


def _setting(step: Step) -> bool | str | None:
    """``persist-credentials``: True/False, None when absent, the text of an expression."""
    if "persist-credentials" not in step.with_:
        return None
    value = step.with_["persist-credentials"]
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if "${{" in text:
        return text
    return text.lower() == "true"


@policy(
    id="GHA-010",
    name="checkout-no-persisted-credentials",
    title="actions/checkout does not persist the token",
    severity=Severity.MEDIUM,
    rationale=(
        "By default actions/checkout writes the job's GITHUB_TOKEN into .git/config, where "
        "every later step, action and build script can read it, and where an uploaded "
        "artifact of the workspace ships it (ArtiPACKED). A job that never pushes has no "
        "use for it there."
    ),
    remediation=(
        "Add 'with: persist-credentials: false' to actions/checkout. A job that pushes later "
        "says so: 'persist-credentials: true', explicitly."
    ),
    controls=("CWE-522", "OpenSSF-Scorecard-Token-Permissions"),
    references=(
        "zizmor:artipacked",
        "https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/",
    ),
    applies=lambda job: any(_is_checkout(s) for s in job.steps),
    example=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: make\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          persist-credentials: false\n"
        "      - run: make\n"
    ),
)
def checkout_no_persisted_credentials(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    steps = job.steps
    for i, step in enumerate(steps):
        if not _is_checkout(step):
            continue
        with_ = step.raw.get("with")
        if isinstance(with_, str) and "${{" in with_:
            yield Unknown(f"{step.label} takes all its inputs from an expression ({with_.strip()})")
            continue
        setting = _setting(step)
        if setting is False:
            continue
        if isinstance(setting, str):
            yield Unknown(f"{step.label} sets persist-credentials from an expression ({setting})")
            continue
        pusher = next((s for s in steps[i + 1 :] if _pushes(s)), None)
        version = _version(job, step)
        severity = Severity.LOW if version and _V6_OR_LATER.match(version) else None
        if pusher is not None:
            if setting is True:
                continue
            yield Violation(
                f"{step.label} (actions/checkout) persists the token by default and "
                f"{pusher.label} pushes with it: say so with 'persist-credentials: true'",
                path=step.path("uses"),
                severity=severity,
            )
            continue
        how = "with persist-credentials: true" if setting is True else "by default"
        yield Violation(
            f"{step.label} (actions/checkout) leaves the job's token in the checkout {how}, "
            "and no later step of the job pushes: set 'persist-credentials: false'",
            path=step.path("with", "persist-credentials") if setting is True else step.path("uses"),
            severity=severity,
        )
