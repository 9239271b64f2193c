"""GL-004: every deploy job has a rollback path (GHA-016's rule with GitLab constructs): a
later ``when: on_failure`` job that rolls back, a rollback in the job's own scripts wired to
the deploy's failure, or a deploy command that rolls back by itself."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.deploys import why_deploy
from pytest_devops_policy.knowledge.ci.gl_deploys import (
    explain_gl_job,
    gl_classifier_config,
    gl_job_class,
    runs_when,
    upstream,
)
from pytest_devops_policy.knowledge.ci.rollback import (
    deploys_only_to_ecs,
    rollback_near_misses,
    shell_rollback,
)


def _on_failure_only(job: GitLabJob) -> bool:
    whens = {w for w, _ in runs_when(job)}
    return whens == {"on_failure"}


def _is_rollback_job(job: GitLabJob, context: Context) -> bool:
    """A job running rollback commands that deploys nothing else (a manual rollback job), or
    runs only on failure: the rollback path itself, not a deploy that needs one."""
    jc = gl_job_class(job, context)
    return bool(jc.rollback_steps) and (not jc.deploy_steps or _on_failure_only(job))


def _applies(gl_job: GitLabJob, context: Context) -> bool:
    # terraform apply rolls back by revert and re-apply (catalog GHA-016): N/A.
    jc = gl_job_class(gl_job, context)
    return jc.is_deploy and not jc.terraform_only and not _is_rollback_job(gl_job, context)


def _rollback_job(job: GitLabJob, context: Context, notes: list[str]) -> str | None:
    """(b): a job that runs after this one, only on failure, and rolls back."""
    for other in job.pipeline.jobs.values():
        if other is job:
            continue
        hits = gl_job_class(other, context).rollback_steps
        if not hits:
            continue
        after = any(j.name == job.name for j in upstream(other))
        if after and _on_failure_only(other):
            return (
                f"job '{other.name}' {hits[0].describe('rollback command')} with when: on_failure"
            )
        whens = ", ".join(sorted({w for w, _ in runs_when(other)})) or "never"
        where = "runs after it" if after else "does not run after it (stage order / needs)"
        notes.append(
            f"job '{other.name}' rolls back ('{hits[0].what}') but {where} with when: {whens}"
        )
    return None


def _after_script_rollback(job: GitLabJob, context: Context) -> str | None:
    """(a): ``after_script`` runs after a failed ``script`` too; a rollback there that checks
    ``$CI_JOB_STATUS`` for ``failed`` runs on failure only."""
    for hit in gl_job_class(job, context).rollback_steps:
        if hit.label != "after_script":
            continue
        text = "\n".join(job.after_script)
        if "CI_JOB_STATUS" in text and "failed" in text:
            return hit.describe("rollback command") + " when $CI_JOB_STATUS is failed"
    return None


@policy(
    id="GL-004",
    name="deploy-has-rollback",
    title="Deploy jobs have a rollback path",
    severity=Severity.HIGH,
    rationale=(
        "A deploy that fails half-way leaves production on a broken or mixed version. "
        "Without an automated way back, recovery becomes a manual, stressful fix-forward "
        "at the worst moment."
    ),
    remediation=(
        "Add a rollback that runs on failure: a job in a later stage with 'when: on_failure' "
        "running 'kubectl rollout undo' / 'helm rollback', a 'deploy || rollback' in the "
        "script, or a deploy command that rolls back by itself ('helm upgrade --atomic', "
        "CloudFormation without --disable-rollback)."
    ),
    controls=("NIST-800-53-CP-10", "NIST-800-53-CM-3"),
    references=(
        "https://docs.gitlab.com/ci/yaml/#when",
        "https://docs.gitlab.com/ci/environments/deployments/#deployment-rollback",
        "https://helm.sh/docs/helm/helm_upgrade/",
    ),
    applies=_applies,
    example=(
        "stages: [deploy]\n"
        "deploy:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "stages: [deploy, rollback]\n"
        "deploy:\n"
        "  stage: deploy\n"
        "  environment: production\n"
        "  script:\n"
        "    - kubectl apply -f k8s/\n"
        "    - kubectl rollout status deploy/web --timeout=5m\n"
        "rollback:\n"
        "  stage: rollback\n"
        "  environment: production\n"
        "  when: on_failure\n"
        "  script:\n"
        "    - kubectl rollout undo deploy/web\n"
    ),
    detail=explain_gl_job,
)
def deploy_has_rollback(gl_job: GitLabJob, context: Context) -> Iterator[Violation | Unknown]:
    jc = gl_job_class(gl_job, context)
    if not jc.is_deploy or jc.terraform_only or _is_rollback_job(gl_job, context):
        return
    notes: list[str] = []
    if _rollback_job(gl_job, context, notes) or jc.auto_rollback:
        return
    if _after_script_rollback(gl_job, context):
        return
    cfg = gl_classifier_config(context)
    for section in ("script", "after_script"):
        lines = getattr(gl_job, section)
        if lines and shell_rollback("\n".join(lines), cfg):
            return
    for hit in jc.rollback_steps:
        notes.append(f"{hit.label} runs '{hit.what}' whether or not the deploy failed")
    if gl_job.trigger is not None and not jc.deploy_steps:
        yield Unknown(
            f"job '{gl_job.name}' deploys through a downstream pipeline (trigger:); its "
            "rollback path is defined there"
        )
        return
    notes.extend(rollback_near_misses(jc))
    if deploys_only_to_ecs(jc):
        yield Unknown(
            f"job '{gl_job.name}' deploys to ECS; whether a failed deployment rolls back "
            "depends on the service's deployment circuit breaker (rollback = true, see "
            "TF-021), which is not in the pipeline"
        )
        return
    examples = ", ".join(p.label for p in cfg.rollback_commands[:3])
    message = (
        f"deploy job '{gl_job.name}' has no rollback path ({why_deploy(jc)}). Looked for: "
        f"(a) a job in a later stage (or needing '{gl_job.name}') with when: on_failure "
        f"running a rollback ({examples}, ...); (b) 'deploy || rollback' in the script, or an "
        "after_script rollback gated on $CI_JOB_STATUS == failed; (c) a deploy that rolls "
        "back by itself (helm --atomic / --rollback-on-failure; aws cloudformation deploy or "
        "sam deploy without --disable-rollback)"
    )
    if notes:
        message += ". Near misses: " + "; ".join(notes)
    message += (
        ". Fix: add a later-stage job with 'when: on_failure' and 'script: [kubectl rollout "
        "undo deploy/<name>]' (or helm rollback <release>)"
    )
    yield Violation(message, path=())
