"""The GitLab side of ``knowledge.ci.deploys``: the one ``gl_job_class`` every GitLab
deploy-discipline policy (GL-001, 002, 004, 005, 013) asks, so a job is classified the
same way everywhere.

The classifier's knobs are the ``[tool.devops-policy.gha]`` ones (``deploy_patterns``,
``prod_env_regex``, ``test_job_regex``...), read for both CI systems: one idea of "deploy
job", "test job" and "rollback", configured once.
"""

from __future__ import annotations

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.config import ClassifierConfig
from pytest_devops_policy.knowledge.ci.gitlab import classify_gl_job
from pytest_devops_policy.knowledge.ci.jobs import JobClass
from pytest_devops_policy.options import GhaOptions

__all__ = ["explain_gl_job", "gl_classifier_config", "gl_job_class", "stage_order"]


def gl_classifier_config(context: Context | None = None) -> ClassifierConfig:
    """The run's classifier (the catalog defaults without a context)."""
    if context is None:
        return ClassifierConfig.from_settings({})
    return ClassifierConfig.from_options(context.options(GhaOptions))


def gl_job_class(job: GitLabJob, context: Context) -> JobClass:
    """The job's classification, memoised per job and classifier config."""
    cfg = gl_classifier_config(context)
    return context.cache.memo_on(
        job, lambda: classify_gl_job(job, cfg), ("gl_deploys.job_class", id(cfg))
    )


def explain_gl_job(job: GitLabJob, context: Context) -> str:
    """How the classifier read the job (``@policy(detail=...)``, printed with ``-v``)."""
    return gl_job_class(job, context).explain()


def stage_order(job: GitLabJob) -> int | None:
    """The job's stage position in its pipeline (``None``: a stage the pipeline lacks)."""
    return job.pipeline.stage_index(job.stage)


# Environment actions that deploy nothing (GitLab: prepare, verify, access) or tear down (stop).
NON_DEPLOY_ACTIONS = frozenset({"stop", "prepare", "verify", "access"})


def production_environment(job: GitLabJob, cfg: ClassifierConfig) -> str | None:
    """Why the job's environment is production-tier (catalog GL-001), or ``None``: a
    ``deployment_tier: production``, or a name matching the production regex."""
    env = job.environment
    if env is None or (env.action or "start") in NON_DEPLOY_ACTIONS:
        return None
    if (env.deployment_tier or "").strip().lower() == "production":
        return f"its environment '{env.name}' has deployment_tier: production"
    if env.name and not env.dynamic and cfg.prod_env.search(env.name):
        return f"its environment '{env.name}' is production-tier"
    return None


def staging_environment(job: GitLabJob, cfg: ClassifierConfig) -> str | None:
    """Why the job deploys to a staging-like environment, or ``None``: ``deployment_tier:
    staging`` or a name matching the staging regex (``gha.staging_env_regex``'s default)."""
    env = job.environment
    if env is None or (env.action or "start") in NON_DEPLOY_ACTIONS:
        return None
    if (env.deployment_tier or "").strip().lower() == "staging":
        return f"environment '{env.name}' has deployment_tier: staging"
    if env.name and cfg.staging_env.search(env.name):
        return f"environment '{env.name}' matches the staging pattern"
    return None


def manual_gate(job: GitLabJob) -> tuple[bool, str]:
    """Whether every way the job can run waits for a person (``when: manual``), and why not.

    Without ``rules`` the job-level ``when`` decides. With ``rules`` the first matching rule
    does; a rule without ``when`` takes the job-level one. Rules with ``when: never`` never
    run the job; when no rule matches the job is left out of the pipeline.
    """
    if not job.rules:
        if job.when == "manual":
            return True, "when: manual"
        return False, f"when: {job.when}"
    running = [r for r in job.rules if (r.when or job.when) != "never"]
    if not running:
        return True, "every rule has when: never"
    automatic = [r for r in running if (r.when or job.when) != "manual"]
    if not automatic:
        return True, "every rule that runs it has when: manual"
    rule = automatic[0]
    return False, f"rules[{rule.index}] runs it with when: {rule.when or job.when}"


def waits_for(job: GitLabJob) -> list[GitLabJob]:
    """The jobs ``job`` starts after: those it ``needs`` (jobs of this pipeline), or without
    ``needs`` every job of an earlier stage (``needs: []`` waits for none)."""
    jobs = job.pipeline.jobs
    if job.needs is not None:
        return [jobs[n.job] for n in job.needs if n.local and n.job in jobs]
    mine = stage_order(job)
    if mine is None:
        return []
    out = []
    for other in jobs.values():
        pos = stage_order(other)
        if other is not job and pos is not None and pos < mine:
            out.append(other)
    return out


def upstream(job: GitLabJob) -> list[GitLabJob]:
    """Every job ``job`` transitively waits for (``waits_for`` closed), in discovery order."""
    seen: dict[str, GitLabJob] = {}
    todo = waits_for(job)
    while todo:
        other = todo.pop(0)
        if other.name in seen or other is job:
            continue
        seen[other.name] = other
        todo.extend(waits_for(other))
    return list(seen.values())


def runs_when(job: GitLabJob) -> list[tuple[str, tuple[str | int, ...]]]:
    """Every ``when`` the job can run with, and where it is written (rules first)."""
    if not job.rules:
        return [(job.when, ("when",) if "when" in job.raw else ())]
    out: list[tuple[str, tuple[str | int, ...]]] = []
    for rule in job.rules:
        when = rule.when or job.when
        if when == "never":
            continue
        if rule.when:
            out.append((when, ("rules", rule.index, "when")))
        else:
            out.append((when, ("when",) if "when" in job.raw else ("rules", rule.index)))
    return out


def may_fail(job: GitLabJob) -> str | None:
    """Why a failure of ``job`` does not stop the pipeline, or ``None`` (it does).

    ``allow_failure: true`` (at job level or in a rule); a manual job is allowed to fail
    unless it says ``allow_failure: false``. ``allow_failure: exit_codes`` tolerates only
    those codes: not counted."""
    if job.allow_failure is True:
        return "allow_failure: true"
    for rule in job.rules:
        if rule.allow_failure is True and (rule.when or job.when) != "never":
            return f"rules[{rule.index}] sets allow_failure: true"
    manual = any(w == "manual" for w, _ in runs_when(job))
    if manual and "allow_failure" not in job.raw:
        return "a manual job is allowed to fail by default"
    return None
