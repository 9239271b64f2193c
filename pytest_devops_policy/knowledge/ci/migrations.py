"""Database schema migrations and database backups, as CI command patterns (GHA-025).

Matched per command segment (``segments``), anchored at the command's start, so
``echo "alembic upgrade head"`` and a ``# manage.py migrate`` comment are not
migrations. A migration may also run inside a container or pod (``docker compose run
web python manage.py migrate``, ``kubectl exec deploy/web -- rails db:migrate``,
``heroku run rake db:migrate``): the patterns allow those launchers in front.
Segments that only ask for help or a plan (``--help``, ``--dry-run``, ``--plan``,
``--check``, ``--version``) change nothing and are not matches; read-only
subcommands (``alembic history``, ``manage.py makemigrations``,
``rails db:migrate:status``) do not match in the first place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_devops_policy.knowledge.ci.patterns import _O, PATH_PREFIX, CommandPattern
from pytest_devops_policy.knowledge.ci.segments import Segment, command_segments, match_commands

__all__ = [
    "BACKUP_COMMANDS",
    "MIGRATION_COMMANDS",
    "CommandHit",
    "backup_hits",
    "migration_hits",
]

# A launcher that runs the rest of the line in a container, a pod or a dyno.
_LAUNCHER = (
    r"(?:(?:kubectl|oc)\b[^|;&]*?\s--\s+"
    r"|docker(?:-compose|\s+compose)?{O}\s+(?:run|exec){O}\s+[^\s;|&]+\s+"
    r"|podman{O}\s+(?:run|exec){O}\s+[^\s;|&]+\s+"
    r"|heroku{O}\s+run{O}\s+)?"
)
# A shell word: quoted or bare (goose takes a quoted DSN before `up`).
_ARG = r"""(?:"[^"]*"|'[^']*'|[^\s"';|&]+)"""
_PY = r"(?:python[\d.]*{O}\s+)?"


def _c(label: str, template: str, family: str) -> CommandPattern:
    return CommandPattern(
        label, re.compile((_LAUNCHER + PATH_PREFIX + template).replace("{O}", _O)), family
    )


MIGRATION_COMMANDS: tuple[CommandPattern, ...] = (
    _c("alembic upgrade", r"alembic{O}\s+upgrade\b", "alembic"),
    _c("manage.py migrate", _PY + r"(?:[\w.~/-]*/)?manage\.py{O}\s+migrate\b", "django"),
    _c("django-admin migrate", r"django-admin{O}\s+migrate\b", "django"),
    _c("rails db:migrate", r"(?:bin/)?rails{O}\s+db:migrate\b(?!:)", "rails"),
    _c("rake db:migrate", r"(?:bin/)?rake{O}\s+db:migrate\b(?!:)", "rails"),
    _c("flyway migrate", r"flyway{O}\s+migrate\b", "flyway"),
    _c(
        "liquibase update",
        r"liquibase{O}\s+update(?:-count|-to-tag|-testing-rollback)?(?![\w-])",
        "liquibase",
    ),
    _c("prisma migrate deploy", r"prisma{O}\s+migrate{O}\s+deploy\b", "prisma"),
    _c("knex migrate:latest", r"knex{O}\s+migrate:latest\b", "knex"),
    _c("sequelize db:migrate", r"sequelize(?:-cli)?{O}\s+db:migrate\b(?!:)", "sequelize"),
    _c("goose up", r"goose(?:\s+" + _ARG + r")*?\s+up(?:-by-one|-to)?\b", "goose"),
    _c("migrate … up", r"migrate(?:\s+" + _ARG + r")*?\s+up\b", "golang-migrate"),
    _c("dbmate up", r"dbmate{O}\s+(?:up|migrate)\b", "dbmate"),
    _c("atlas migrate apply", r"atlas{O}\s+migrate{O}\s+apply\b", "atlas"),
)

BACKUP_COMMANDS: tuple[CommandPattern, ...] = (
    _c("pg_dump", r"pg_dump(?:all)?\b", "postgres"),
    _c("mysqldump", r"(?:mysqldump|mariadb-dump)\b", "mysql"),
    _c(
        "aws rds create-db-snapshot / create-db-cluster-snapshot",
        r"aws{O}\s+rds{O}\s+create-db-(?:cluster-)?snapshot\b",
        "aws-rds",
    ),
    _c(
        "gcloud sql backups create",
        r"gcloud{O}\s+(?:(?:alpha|beta)\s+)?sql{O}\s+backups{O}\s+create\b",
        "gcloud-sql",
    ),
    _c(
        "az postgres/mysql flexible-server backup create",
        r"az{O}\s+(?:postgres|mysql){O}\s+flexible-server{O}\s+backup{O}\s+create\b",
        "azure",
    ),
    _c("az sql db export", r"az{O}\s+sql{O}\s+db{O}\s+export\b", "azure"),
)

# Options that make a command only print help, a plan or a check.
_NO_CHANGE = re.compile(r"(?:^|\s)(?:--help|--version|--dry-run|--plan|--check|-dryRunOutput)\b")


@dataclass(frozen=True)
class CommandHit:
    """A matched command: which segment of the script (its order) and the words matched."""

    order: int  # the segment's position in the script
    text: str
    label: str


def _hits(script: str, patterns: Sequence[CommandPattern]) -> list[CommandHit]:
    segments: list[Segment] = command_segments(script)
    order = {id(s): i for i, s in enumerate(segments)}
    return [
        CommandHit(order[id(m.segment)], m.text, m.pattern.label)
        for m in match_commands(segments, patterns)
        if not _NO_CHANGE.search(m.segment.text)
    ]


def migration_hits(script: str) -> list[CommandHit]:
    """The schema migrations a script runs, in order."""
    return _hits(script, MIGRATION_COMMANDS)


def backup_hits(script: str) -> list[CommandHit]:
    """The database backups a script takes, in order."""
    return _hits(script, BACKUP_COMMANDS)
