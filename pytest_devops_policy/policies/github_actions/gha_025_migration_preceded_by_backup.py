"""GHA-025: a deploy that migrates a database takes a backup first."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.knowledge.ci.deploys import explain_job, job_class, why_deploy
from pytest_devops_policy.knowledge.ci.migrations import (
    BACKUP_COMMANDS,
    CommandHit,
    backup_hits,
    migration_hits,
)


def _first_migration(job: Job) -> tuple[int, CommandHit] | None:
    for step in job.steps:
        if step.run:
            hits = migration_hits(step.run)
            if hits:
                return step.index, hits[0]
    return None


def _backup_before(job: Job, index: int, order: int) -> str | None:
    """A backup step earlier in the job (or earlier in the migrating step's script)."""
    for step in job.steps[: index + 1]:
        if not step.run:
            continue
        for hit in backup_hits(step.run):
            if step.index < index or hit.order < order:
                return f"{step.label} runs '{hit.text}'"
    return None


def _backup_in_needs(job: Job) -> str | None:
    for dep in sorted(job.needs_closure):
        other = job.workflow.jobs[dep]
        for step in other.steps:
            hits = backup_hits(step.run) if step.run else []
            if hits:
                return f"job '{dep}' {step.label} runs '{hits[0].text}'"
    return None


def _deploy_context(job: Job, context: Context) -> str | None:
    """Why this job's migration belongs to a deploy: it deploys, or a deploy job needs it."""
    jc = job_class(job, context)
    if jc.is_deploy:
        return f"it is a deploy job ({why_deploy(jc)})"
    for other in job.workflow.dependents(job.id, transitive=True):
        if job_class(other, context).is_deploy:
            return f"deploy job '{other.id}' needs it"
    return None


def _applies(job: Job, context: Context) -> bool:
    return _first_migration(job) is not None and _deploy_context(job, context) is not None


@policy(
    id="GHA-025",
    name="migration-preceded-by-backup",
    title="Database migrations in a deploy run after a backup",
    severity=Severity.LOW,
    rationale=(
        "A schema migration that drops or rewrites data cannot be undone by redeploying the "
        "previous version. A backup or snapshot taken just before the migration is the only "
        "way back to the data as it was."
    ),
    remediation=(
        "Take a backup before migrating, earlier in the same job or in a job the migrating "
        "job needs: pg_dump / mysqldump, aws rds create-db-snapshot, gcloud sql backups "
        "create, az postgres|mysql flexible-server backup create or az sql db export."
    ),
    controls=("NIST-800-53-CP-9", "NIST-800-53-CM-3"),
    references=(
        "https://docs.aws.amazon.com/cli/latest/reference/rds/create-db-snapshot.html",
        "https://cloud.google.com/sql/docs/postgres/backup-recovery/backing-up",
    ),
    applies=_applies,
    example=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions: {}\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: alembic upgrade head\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    use_instead=(
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "permissions: {}\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: >-\n"
        "          aws rds create-db-snapshot --db-instance-identifier app\n"
        "          --db-snapshot-identifier pre-deploy-${{ github.run_id }}\n"
        "      - run: alembic upgrade head\n"
        "      - run: kubectl apply -f k8s/\n"
    ),
    detail=explain_job,
)
def migration_preceded_by_backup(job: Job, context: Context) -> Iterator[Violation]:
    first = _first_migration(job)
    why = _deploy_context(job, context)
    if first is None or why is None:
        return
    index, hit = first
    if _backup_before(job, index, hit.order) or _backup_in_needs(job):
        return
    step = job.steps[index]
    later = [
        s.label
        for s in job.steps[index:]
        if s.run and any(b.order > hit.order or s.index > index for b in backup_hits(s.run))
    ]
    note = f"; {', '.join(later)} backs up only after the migration" if later else ""
    looked = ", ".join(p.label for p in BACKUP_COMMANDS)
    yield Violation(
        f"job '{job.id}' migrates the database ({step.label} runs '{hit.text}') with no "
        f"backup before it ({why}). Looked for earlier in the job or in a job it needs: "
        f"{looked}{note}",
        path=step.path("run"),
    )
