"""The format-neutral core of the job classifier (catalog §3.3): facts in, a verdict out.

A CI format describes a job as ``JobFacts`` (id, name, environment, steps with
their scripts and actions, triggers); ``classify`` decides whether it deploys (to
production? to staging?), tests, scans, rolls back or verifies, and keeps the
reasons for every decision (``JobClass.explain``), which verbose output prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.knowledge.ci.config import ClassifierConfig, config_of
from pytest_devops_policy.knowledge.ci.patterns import (
    DEFAULT_BRANCH_PLACEHOLDER,
    IMAGE_PUSH_ACTIONS,
    TRIVY_SCAN_TYPES,
    CommandPattern,
)
from pytest_devops_policy.knowledge.ci.rollback import builtin_rollback
from pytest_devops_policy.knowledge.ci.segments import (
    CommandMatch,
    Segment,
    command_segments,
    match_action,
    match_commands,
)

__all__ = ["JobClass", "JobFacts", "StepFacts", "StepHit", "classify"]


@dataclass(frozen=True)
class StepFacts:
    """What the classifier needs to know about one step (or script line group)."""

    index: int  # 0-based
    label: str  # 'step 3' / "step 3 ('Deploy')"
    run: str | None = None
    action: str | None = None  # owner/repo[/path], without @ref
    with_: Mapping[str, Any] = field(default_factory=dict)
    condition: str | None = None  # the step's `if`, as written
    id: str | None = None


@dataclass(frozen=True)
class JobFacts:
    id: str
    name: str | None = None
    environment: str | None = None  # the name as written (may be an expression)
    environment_dynamic: bool = False
    # an expression's possible names, when they are all known (``''``: no environment)
    environment_names: Sequence[str] | None = None
    environment_url: str | None = None
    steps: Sequence[StepFacts] = ()
    callee: str | None = None  # reusable workflow reference (jobs.<id>.uses)
    callee_file: str | None = None  # its file stem, for the name rule on unresolved callees
    callee_deploy_jobs: Sequence[str] | None = None  # ids of the resolved callee's deploy jobs
    workflow_name: str | None = None
    push_branches: Sequence[str] = ()  # default branches whose pushes trigger the workflow
    on_tags: bool = False
    on_release: bool = False

    @property
    def environment_set(self) -> bool:
        return self.environment is not None

    @property
    def unknown_environment(self) -> bool:
        """The environment's name is an expression whose values are not known here."""
        return self.environment_dynamic and self.environment_names is None

    @property
    def target_names(self) -> tuple[str, ...]:
        """The environment names the job can deploy to (none for an unknown expression)."""
        if self.environment is None or self.unknown_environment:
            return ()
        if self.environment_dynamic:
            return tuple(n for n in self.environment_names or () if n)
        return (self.environment,) if self.environment else ()


@dataclass(frozen=True)
class StepHit:
    """A step that matched a pattern list."""

    index: int  # 0-based step index
    label: str
    what: str  # matched command text or action name
    family: str
    via: str  # 'run' or 'uses'
    categories: frozenset[str] = frozenset()
    auto_rollback: str | None = None  # for deploy hits: why it rolls back by itself

    def describe(self, role: str) -> str:
        verb = "runs" if self.via == "run" else "uses"
        return f"{self.label} {verb} '{self.what}' ({role})"


@dataclass(frozen=True)
class JobClass:
    """The classification of one job, with the reasons for each decision."""

    job_id: str
    deploy_reasons: tuple[str, ...] = ()
    deploy_steps: tuple[StepHit, ...] = ()
    production_reasons: tuple[str, ...] = ()
    environment_dynamic: bool = False
    staging_reason: str | None = None
    test_reasons: tuple[str, ...] = ()
    test_steps: tuple[StepHit, ...] = ()
    scan_steps: tuple[StepHit, ...] = ()
    rollback_steps: tuple[StepHit, ...] = ()
    verify_steps: tuple[StepHit, ...] = ()
    release_reasons: tuple[str, ...] = ()
    release_steps: tuple[StepHit, ...] = ()
    notes: tuple[str, ...] = ()  # evidence weighed and set aside, for explanations

    @property
    def is_release(self) -> bool:
        """Publishes a package, an image or a release, and deploys nothing."""
        return bool(self.release_reasons) and not self.is_deploy

    @property
    def is_deploy(self) -> bool:
        return bool(self.deploy_reasons)

    @property
    def is_production(self) -> bool:
        return self.is_deploy and bool(self.production_reasons)

    @property
    def is_staging(self) -> bool:
        """A deploy job to a staging-like environment (``staging_env_regex``)."""
        return self.is_deploy and self.staging_reason is not None

    @property
    def is_test(self) -> bool:
        return bool(self.test_reasons)

    @property
    def scan_categories(self) -> frozenset[str]:
        return frozenset(c for h in self.scan_steps for c in h.categories)

    @property
    def auto_rollback(self) -> tuple[StepHit, ...]:
        """Deploy steps whose command rolls back by itself (helm --atomic...)."""
        return tuple(h for h in self.deploy_steps if h.auto_rollback)

    @property
    def terraform_only(self) -> bool:
        """Every recognised deploy step is ``terraform``/``tofu apply``.

        Rollback there means revert + re-apply, so GHA-016 does not apply.
        """
        return bool(self.deploy_steps) and all(h.family == "terraform" for h in self.deploy_steps)

    def explain(self) -> str:
        """Multi-line text for verbose output."""
        lines = [
            f"job '{self.job_id}': " + ("deploy job" if self.is_deploy else "not a deploy job")
        ]
        lines += [f"  - {r}" for r in self.deploy_reasons]
        if self.is_release:
            lines.append("  release job:")
            lines += [f"  - {r}" for r in self.release_reasons]
        lines += [f"  note: {n}" for n in self.notes]
        if self.is_production:
            lines.append("  production deploy:")
            lines += [f"  - {r}" for r in self.production_reasons]
        if self.is_staging:
            lines.append(f"  staging deploy: {self.staging_reason}")
        if self.is_test:
            lines.append("  test job:")
            lines += [f"  - {r}" for r in self.test_reasons]
        for hit in self.scan_steps:
            cats = ", ".join(sorted(hit.categories))
            lines.append(f"  scan: {hit.describe('security scan: ' + cats)}")
        for hit in self.rollback_steps:
            lines.append(f"  rollback: {hit.describe('rollback command')}")
        for hit in self.verify_steps:
            lines.append(f"  verify: {hit.describe('verification')}")
        return "\n".join(lines)


def _command_hits(
    step: StepFacts, patterns: Sequence[CommandPattern], segments: Sequence[Segment]
) -> list[tuple[StepHit, CommandMatch]]:
    return [
        (
            StepHit(step.index, step.label, m.text, m.pattern.family, "run", m.pattern.categories),
            m,
        )
        for m in match_commands(segments, patterns)
    ]


# Image builders that push when their `push` input is true: the shared release table's
# (``patterns.IMAGE_PUSH_ACTIONS``; those that always push are in ``RELEASE_ACTIONS``).
_BUILD_PUSH_ACTIONS = tuple(
    name for name, (key, default) in IMAGE_PUSH_ACTIONS.items() if key == "push" and not default
)


# Deploy actions that an input turns into a teardown (closing a pull request's preview).
_TEARDOWN_INPUTS = {"azure/static-web-apps-deploy": ("action", "close")}


def _teardown(action: str, with_: Mapping[str, Any]) -> bool:
    found = _TEARDOWN_INPUTS.get(action.lower())
    return found is not None and str(with_.get(found[0], "")).strip().lower() == found[1]


def _pushes(with_: Mapping[str, Any]) -> bool:
    """docker/build-push-action pushes when ``push`` is true, or may (an expression)."""
    value = with_.get("push")
    return (isinstance(value, str) and "${{" in value) or _truthy_input(value)


def _truthy_input(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def classify(
    facts: JobFacts, settings: Mapping[str, Any] | ClassifierConfig | None = None
) -> JobClass:
    """Classify a job from format-neutral facts."""
    cfg = config_of(settings)
    deploy_reasons: list[str] = []
    deploy_steps: list[StepHit] = []
    test_steps: list[StepHit] = []
    scan_steps: list[StepHit] = []
    rollback_steps: list[StepHit] = []
    verify_steps: list[StepHit] = []

    # Weak evidence, weighed once the steps are known: (a) environment, (b) job id / name.
    env_reasons: list[str] = []
    notes: list[str] = []
    if facts.environment is not None:
        targets = [
            n
            for n in facts.target_names
            if any(rx.search(n) for rx in (cfg.deploy_env, cfg.prod_env, cfg.staging_env))
        ]
        can_be = (
            f" (an expression that can be {', '.join(repr(n) for n in facts.environment_names)})"
            if facts.environment_dynamic and facts.environment_names is not None
            else ""
        )
        if facts.unknown_environment:
            env_reasons.append(f"environment '{facts.environment}' is set (dynamic)")
        elif facts.environment_url:
            env_reasons.append(f"environment '{facts.environment}' is set, with a url")
        elif targets:
            env_reasons.append(f"environment '{facts.environment}' is set{can_be}")
        else:
            shown = f"'{facts.environment}'" if facts.environment else "(no name)"
            notes.append(
                f"environment {shown}{can_be} does not name a deployment target "
                "(gha.deploy_env_regex): read as a secrets scope or an approval gate"
            )
    # (what matched, whether the matched word only names a release: `publish`, `release`)
    names: list[tuple[str, bool]] = []
    for what, text in (("job id", facts.id), ("job name", facts.name)):
        found = cfg.deploy_job.search(text) if text else None
        if found is not None:
            names.append((f"{what} '{text}'", bool(cfg.release_name.search(found.group(0)))))
    name_reasons = [f"{w} matches the deploy-name pattern" for w, _ in names]
    release_steps: list[StepHit] = []

    for step in facts.steps:
        if step.run:
            segments = command_segments(step.run)
            for hit, m in _command_hits(step, cfg.deploy_commands, segments):
                why = builtin_rollback(m)
                deploy_steps.append(
                    StepHit(hit.index, hit.label, hit.what, hit.family, "run", auto_rollback=why)
                )
            test_steps += [h for h, _ in _command_hits(step, cfg.test_commands, segments)]
            scan_steps += _merge_scan_hits(
                [h for h, _ in _command_hits(step, cfg.scan_commands, segments)]
            )
            rollback_steps += [h for h, _ in _command_hits(step, cfg.rollback_commands, segments)]
            release_steps += [h for h, _ in _command_hits(step, cfg.release_commands, segments)]
            verify_steps += [
                h
                for h, m in _command_hits(step, cfg.verify_commands, segments)
                # `curl -fsSL https://…/install.sh | sh` downloads, it does not verify.
                if not (h.family == "http" and m.segment.next_op == "|")
            ]
        if step.action:
            act = step.action
            p = match_action(act, cfg.deploy_actions)
            if p is not None and not _teardown(act, step.with_):
                why = None
                if act.lower().startswith(
                    "aws-actions/aws-cloudformation-github-deploy"
                ) and not _truthy_input(step.with_.get("disable-rollback", "")):
                    why = f"'{act}' rolls a failed stack update back (disable-rollback is not set)"
                elif act.lower().startswith("actions/deploy-pages"):
                    why = (
                        f"'{act}' publishes the site only when the deployment succeeds: a failed "
                        "deployment leaves the previous site live"
                    )
                deploy_steps.append(
                    StepHit(step.index, step.label, act, p.family, "uses", auto_rollback=why)
                )
            p = match_action(act, cfg.release_actions)
            if p is not None:
                release_steps.append(StepHit(step.index, step.label, act, p.family, "uses"))
            elif act.lower().startswith(_BUILD_PUSH_ACTIONS) and _pushes(step.with_):
                release_steps.append(StepHit(step.index, step.label, act, "image", "uses"))
            p = match_action(act, cfg.scan_actions)
            if p is not None:
                cats = p.categories
                if p.family == "trivy":
                    kind = str(step.with_.get("scan-type", "image")).strip().lower()
                    cats = TRIVY_SCAN_TYPES.get(kind, cats)
                scan_steps.append(StepHit(step.index, step.label, act, p.family, "uses", cats))
            p = match_action(act, cfg.rollback_actions)
            if p is not None:
                rollback_steps.append(StepHit(step.index, step.label, act, p.family, "uses"))
            p = match_action(act, cfg.verify_actions)
            if p is not None:
                verify_steps.append(StepHit(step.index, step.label, act, p.family, "uses"))

    release_reasons = [f"{w} names a release" for w, rel in names if rel]
    release_reasons += [h.describe("publishes a release") for h in release_steps]
    # (c) and (d), the strong evidence
    for hit in deploy_steps:
        deploy_reasons.append(
            hit.describe("deploy command" if hit.via == "run" else "deploy action")
        )
    # (e) reusable-workflow callers
    if facts.callee:
        if facts.callee_deploy_jobs:
            ids = ", ".join(f"'{j}'" for j in facts.callee_deploy_jobs)
            deploy_reasons.append(
                f"calls reusable workflow '{facts.callee}', whose job(s) {ids} deploy"
            )
        elif (
            facts.callee_deploy_jobs is None
            and facts.callee_file
            and cfg.deploy_job.search(facts.callee_file)
        ):
            deploy_reasons.append(
                f"calls reusable workflow '{facts.callee}', "
                "whose file name matches the deploy-name pattern"
            )

    strong = bool(deploy_reasons)
    deploy_named = any(not rel for _, rel in names)
    deploys = strong or deploy_named
    if not deploys and env_reasons:
        # An environment alone: a job that publishes or tests uses it for its secrets.
        if release_steps:
            notes.append(f"{env_reasons[0]}, but the job publishes a release and deploys nothing")
        elif test_steps or cfg.test_job.search(facts.id):
            notes.append(f"{env_reasons[0]}, but the job runs tests and deploys nothing")
        else:
            deploys = True
    # Named `release`/`publish` only (no deploy word, no deploy step, no target environment):
    # a release job, whatever its steps publish.
    if deploys:
        deploy_reasons[:0] = env_reasons + name_reasons
        release_reasons = []

    production: list[str] = []
    staging = None
    if deploy_reasons:
        production = _production_reasons(facts, cfg)
        env_names = facts.target_names
        if env_names and all(cfg.staging_env.search(n) for n in env_names):
            listed = ", ".join(repr(n) for n in env_names)
            shown = f"'{facts.environment}'" + (
                f" (can be {listed})" if facts.environment_dynamic else ""
            )
            staging = f"environment {shown} matches the staging pattern"

    test_reasons = [h.describe("test command") for h in test_steps]
    if cfg.test_job.search(facts.id):
        test_reasons.insert(0, f"job id '{facts.id}' matches the test-job pattern")

    return JobClass(
        job_id=facts.id,
        deploy_reasons=tuple(deploy_reasons),
        deploy_steps=tuple(deploy_steps),
        production_reasons=tuple(production),
        environment_dynamic=facts.unknown_environment,
        staging_reason=staging,
        test_reasons=tuple(test_reasons),
        test_steps=tuple(test_steps),
        scan_steps=tuple(scan_steps),
        rollback_steps=tuple(rollback_steps),
        verify_steps=tuple(verify_steps),
        release_reasons=tuple(release_reasons),
        release_steps=tuple(release_steps),
        notes=tuple(notes),
    )


def _merge_scan_hits(hits: list[StepHit]) -> list[StepHit]:
    """One hit per (step, command) with the union of categories (``trivy fs`` = deps + secrets)."""
    merged: dict[tuple[int, str], StepHit] = {}
    for h in hits:
        key = (h.index, h.what)
        old = merged.get(key)
        merged[key] = (
            h
            if old is None
            else StepHit(h.index, h.label, h.what, h.family, h.via, old.categories | h.categories)
        )
    return list(merged.values())


def _production_reasons(facts: JobFacts, cfg: ClassifierConfig) -> list[str]:
    env = facts.environment
    names = facts.target_names
    prod = [n for n in names if cfg.prod_env.search(n)]
    if prod:
        can_be = f" (can be '{prod[0]}')" if facts.environment_dynamic else ""
        return [f"environment '{env}'{can_be} matches the production pattern"]
    if names and (not facts.environment_dynamic or "" not in (facts.environment_names or ())):
        return []  # named, non-production environments decide
    reasons: list[str] = []
    if facts.workflow_name and cfg.prod_name.search(facts.workflow_name):
        reasons.append(f"workflow name '{facts.workflow_name}' matches the production-name pattern")
    if cfg.prod_name.search(facts.id):
        reasons.append(f"job id '{facts.id}' matches the production-name pattern")
    if facts.name and cfg.prod_name.search(facts.name):
        reasons.append(f"job name '{facts.name}' matches the production-name pattern")
    for b in facts.push_branches:
        shown = (
            "the default branch ('$default-branch')"
            if b == DEFAULT_BRANCH_PLACEHOLDER
            else f"'{b}'"
        )
        reasons.append(f"the workflow runs on push to {shown}")
    if facts.on_tags:
        reasons.append("the workflow runs on tag pushes")
    if facts.on_release:
        reasons.append("the workflow runs on release events")
    return reasons
