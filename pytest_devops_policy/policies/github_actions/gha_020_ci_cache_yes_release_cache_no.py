"""GHA-020: CI jobs that install dependencies cache them (low); jobs that release do not
restore caches (medium, cache poisoning).

The subject is the job. A job is a *release job* when it can run for a release event or a
tag push the workflow is filtered to (``on: push: tags: [...]``), or contains a publish
step (``knowledge.ci.releases``: PyPI/npm publish, GitHub releases, image pushes...), or is
needed (transitively) by a job that publishes (it builds what is shipped); its
``if:`` and its ``needs`` chain are evaluated per scenario (``knowledge.ci.scenarios``),
so a CI job of a mixed workflow that never runs for tags is not a release job. A *CI job*
is any other non-deploy job of a workflow triggered by ``push``, ``pull_request`` or
``merge_group`` (GHA-019's definition). Only release jobs that install dependencies or
restore a cache, and CI jobs that install dependencies, get an item.

(b) A cache step is judged in each release scenario the job runs in: skipped by its
``if:`` there, or with its cache input evaluating to off there
(``cache: ${{ !startsWith(github.ref, 'refs/tags/') && 'npm' || '' }}``) passes; an input
the scenario cannot evaluate is Unknown; setup-node v5+ without ``cache`` (it caches npm
when ``package.json`` names npm as ``packageManager``) is Unknown too.
(a) Any cache form that may be on in CI satisfies the job (an expression counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.knowledge.ci.caching import (
    WRITE_ONLY_INPUTS,
    action_major,
    cache_action,
    default_enabled,
    job_installs,
    self_hosted,
    setup_node_auto,
    value_enables,
)
from pytest_devops_policy.knowledge.ci.classify import ClassifierConfig, classify_job
from pytest_devops_policy.knowledge.ci.conditions import UNKNOWN
from pytest_devops_policy.knowledge.ci.releases import IMAGE, step_publishes
from pytest_devops_policy.knowledge.ci.scenarios import (
    Scenario,
    job_outcome,
    step_outcome,
    value_in,
)
from pytest_devops_policy.options import GhaOptions

_CI_EVENTS = ("push", "pull_request", "merge_group")
_TAG = "refs/tags/v1.0.0"
# How to turn each setup action's cache on, for (a)'s message.
_ENABLE = {
    "actions/setup-node": "cache: npm (or yarn, pnpm)",
    "actions/setup-python": "cache: pip (or poetry, pipenv)",
    "actions/setup-java": "cache: maven (or gradle, sbt)",
    "actions/setup-go": "cache: true (the default since v4)",
    "actions/setup-dotnet": "cache: true",
    "ruby/setup-ruby": "bundler-cache: true",
    "astral-sh/setup-uv": "enable-cache: true (the default since v5 on GitHub-hosted runners)",
}


@dataclass(frozen=True)
class _Release:
    scenario: Scenario
    why: str  # "it runs for a release event", "step 4 publishes ('twine upload')"


def _ordinary_scenarios(wf: Workflow) -> Iterator[Scenario]:
    """One representative run per trigger (for jobs that publish only sometimes)."""
    on = wf.on
    for event in on:
        if event == "push":
            push = on.get("push")
            if push is not None and push.matches_any_tag():
                yield Scenario("push", _TAG, "a tag push", ref_protected=True)
            yield Scenario("push", "refs/heads/main", "a push to main", ref_protected=True)
        elif event.startswith("pull_request") and event != "pull_request_target":
            yield Scenario(event, "refs/pull/1/merge", f"a {event} event")
        elif event == "release":
            yield Scenario("release", _TAG, "a release event", ref_protected=True)
        else:
            yield Scenario(event, "refs/heads/main", f"a {event} event", ref_protected=True)


def _releases(job: Job) -> list[_Release]:
    """The release runs the job takes part in (empty: not a release job)."""
    wf = job.workflow
    out: list[_Release] = []
    if "release" in wf.on:
        s = Scenario("release", _TAG, "a release event", ref_protected=True)
        if job_outcome(job, s) is not False:
            out.append(_Release(s, "the workflow runs on release events"))
    push = wf.on.get("push")
    if push is not None and push.filter("tags") is not None and push.matches_any_tag():
        s = Scenario("push", _TAG, "a tag push", ref_protected=True)
        if job_outcome(job, s) is not False:
            out.append(_Release(s, "the workflow runs on tag pushes"))
    out += _publish_runs(job, job)
    # A job whose output a publishing job needs (built dists, an image) is part of the release.
    for dependent in wf.dependents(job.id, transitive=True):
        out += _publish_runs(dependent, job)
    return out


def _publish_runs(publisher: Job, job: Job) -> list[_Release]:
    """Runs in which ``publisher`` publishes and ``job`` runs too."""
    steps = [(s, found[0]) for s in publisher.steps if (found := step_publishes(s, publisher))]
    out: list[_Release] = []
    if not steps:
        return out
    for scenario in _ordinary_scenarios(job.workflow):
        if job_outcome(publisher, scenario) is False or job_outcome(job, scenario) is False:
            continue
        for step, pub in steps:
            if step_outcome(step.if_, scenario) is not False:
                who = "" if publisher is job else f"{publisher.display}, which needs it: "
                what = f"{pub.what} (image push)" if pub.family == IMAGE else pub.what
                out.append(_Release(scenario, f"{who}{step.label} publishes with '{what}'"))
                break
    return out


def _state(step: Step, job: Job, scenario: Scenario) -> tuple[bool | None, str]:
    """Is the step's cache on in the scenario? (True/False/None for unknown, and how)."""
    action = cache_action(step)
    if action is None:
        return False, ""
    key = action.key
    if key is not None and key in step.with_:
        raw = step.with_[key]
        value = value_in(raw, scenario)
        if value is UNKNOWN:
            return None, f"{key}: {raw}"
        on = value_enables(action, value)
        if on and action.name == "astral-sh/setup-uv" and str(value).lower() == "auto":
            on = not self_hosted(job)
        return on, f"{key}: {raw}"
    on = default_enabled(action, action_major(step, job))
    if on and action.name == "astral-sh/setup-uv" and self_hosted(job):
        on = False  # 'auto' caches on GitHub-hosted runners only
    if on:
        how = "it always restores" if action.mode == "always" else "its cache is on by default"
        return True, how
    if setup_node_auto(step, job):
        return None, "setup-node v5+ caches npm by itself when package.json names npm"
    return False, ""


def _restores(step: Step) -> bool:
    return cache_action(step) is not None


def _writes_cache(step: Step) -> bool:
    uses = step.uses
    if uses is None or not uses.is_remote:
        return False
    name = uses.name.lower()
    if name not in WRITE_ONLY_INPUTS:
        return False
    key = WRITE_ONLY_INPUTS[name]
    return key is None or bool(str(step.with_.get(key) or "").strip())


def _is_ci(job: Job, context: Context) -> bool:
    if not any(e in job.workflow.on for e in _CI_EVENTS):
        return False
    settings = ClassifierConfig.from_options(context.options(GhaOptions))
    return not classify_job(job, settings).is_deploy


def _applies(job: Job, context: Context) -> bool:
    if not job.steps:
        return False
    installing = bool(job_installs(job))
    if _releases(job):
        return installing or any(_restores(s) for s in job.steps)
    return installing and _is_ci(job, context)


def _ci_cached(job: Job) -> bool:
    ci = Scenario("pull_request", "refs/pull/1/merge", "a pull request")
    for step in job.steps:
        if _writes_cache(step):
            return True
        if _restores(step) and _state(step, job, ci)[0] is not False:
            return True
    return False


def _disable_hint(step: Step, scenario: Scenario) -> str:
    """How to keep the cache out of this release run: for tag/release runs, off for tags
    only; for a publish on a branch, off in this job (or publish from a job without it)."""
    action = cache_action(step)
    tags = scenario.ref_type == "tag"
    if action is None or action.mode == "always":
        if tags:
            return "if: ${{ !startsWith(github.ref, 'refs/tags/') }} on the step, or drop it"
        return "drop the step, or publish from a separate job that restores no cache"
    key = action.key or "cache"
    if action.mode == "off-flag":
        return f"{key}: true"
    if action.name == "actions/setup-node" and key not in step.with_:
        return "package-manager-cache: false"
    if action.mode == "name":
        if tags:
            return f"{key}: ${{{{ !startsWith(github.ref, 'refs/tags/') && '<value>' || '' }}}}"
        return f"remove '{key}' (or publish from a separate job that restores no cache)"
    return f"{key}: false"


def _release_findings(job: Job, releases: list[_Release]) -> Iterator[Violation | Unknown]:
    unknowns: list[str] = []
    found = False
    for step in job.steps:
        if not _restores(step):
            continue
        for rel in releases:
            if step_outcome(step.if_, rel.scenario) is False:
                continue
            on, how = _state(step, job, rel.scenario)
            name = step.uses.name if step.uses is not None else "?"
            if on is None:
                unknowns.append(
                    f"{step.label} ('{name}', {how}) may restore a cache in {rel.scenario.label}"
                )
                break
            if not on:
                continue
            action = cache_action(step)
            key = action.key if action is not None else None
            path = step.path("with", key) if key and key in step.with_ else step.path("uses")
            yield Violation(
                f"{job.display} releases in {rel.scenario.label} ({rel.why}) and {step.label} "
                f"restores a cache there ('{name}', {how}): an entry any branch or pull-request "
                "run wrote can poison what the release builds and ships (cache poisoning). "
                f"Keep it out of the release: {_disable_hint(step, rel.scenario)}",
                path=path,
                severity=Severity.MEDIUM,
            )
            found = True
            break
    if not found:
        for reason in unknowns:
            yield Unknown(f"{job.display} releases, and {reason}")


@policy(
    id="GHA-020",
    name="ci-cache-yes-release-cache-no",
    title="CI jobs cache dependencies; release jobs do not restore caches",
    severity=Severity.MEDIUM,
    rationale=(
        "CI that downloads every dependency on every run is slow and leans on registries "
        "(low). But a cache is shared across branches: any workflow run, including one for "
        "a pull request branch, can write an entry that a release job later restores, so a "
        "release that restores caches can ship poisoned dependencies or build outputs "
        "(medium)."
    ),
    remediation=(
        "In CI jobs, turn on the setup action's cache (cache: npm, cache: pip, "
        "bundler-cache: true, enable-cache: true) or add actions/cache. In jobs that "
        "release (release/tag triggers, publish steps), remove caching or disable it for "
        "tags: cache: ${{ !startsWith(github.ref, 'refs/tags/') && 'npm' || '' }}."
    ),
    controls=("NIST-800-53-SI-7", "NIST-800-53-SR-3"),
    references=(
        "zizmor:cache-poisoning",
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/caching-dependencies-to-speed-up-workflows",
        "https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  push:\n"
        "    tags: ['v*']\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: npm\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/setup-node@v4\n"
        "        with:\n"
        "          cache: npm\n"
        "      - run: npm ci && npm publish\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    tags: ['v*']\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: npm\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/setup-node@v4\n"
        "        with:\n"
        "          package-manager-cache: false\n"
        "      - run: npm ci && npm publish\n"
    ),
)
def ci_cache_yes_release_cache_no(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    releases = _releases(job)
    if releases:
        yield from _release_findings(job, releases)
        return
    if not _is_ci(job, context) or _ci_cached(job):
        return
    installers = job_installs(job)
    if not installers:
        return
    first, _ = installers[0]
    shown = ", ".join(
        f"{s.label} {'uses' if s.run is None else 'runs'} '{what}'" for s, what in installers[:3]
    )
    setup = next((s for s, _ in installers if s.uses is not None), None)
    hint = _ENABLE.get(setup.uses.name.lower(), "") if setup and setup.uses else ""
    fix = (
        f"set '{hint}' on {setup.label} (or add an actions/cache step keyed on the lockfile)"
        if setup and hint
        else "add an actions/cache step keyed on the lockfile"
    )
    key = "uses" if first.run is None else "run"
    yield Violation(
        f"CI {job.display} installs dependencies ({shown}) without caching them: every run "
        f"downloads them again. Enable a cache: {fix}",
        path=first.path(key),
        severity=Severity.LOW,
    )
