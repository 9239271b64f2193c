"""The shared CI job classifier (catalog §3.3): deploy, production, test, scan, rollback, verify.

One entry point, so every CI policy agrees on what a "deploy job" is, and every
decision carries its reasons (``JobClass.deploy_reasons``), which verbose
output prints.

The core is independent of any CI format: ``classify(JobFacts, config)``
works on a job id, name, environment and per-step commands/action names.
``classify_job`` adapts a GitHub Actions ``Job``; GitLab CI builds
``JobFacts`` from its own model.

Commands are matched per *command segment*: a run script is read by
``knowledge.shell`` (the reader Dockerfile RUN lines use), and each simple command
as written, with wrappers (``sudo``, ``env``, ``VAR=x``, ``npx``, ``uv run``...)
and keywords (``if``, ``!``...) peeled off, is one segment; every pattern is then
anchored at the start of a segment. So ``echo "kubectl apply"`` is not a deploy,
while ``make build && kubectl -n prod apply -f k8s/`` is.

Every pattern list is extendable through settings (``gha.deploy_patterns``...,
see ``ClassifierConfig.from_settings``).

The parts: ``patterns`` (the catalog lists), ``config`` (settings), ``segments``
(scripts as commands), ``rollback`` (rollback inside a command or script),
``jobs`` (the format-neutral core) and ``github`` (the GitHub Actions adapter).
"""

from __future__ import annotations

from pytest_devops_policy.knowledge.ci.config import ClassifierConfig
from pytest_devops_policy.knowledge.ci.github import classify_job, gha_job_facts
from pytest_devops_policy.knowledge.ci.jobs import JobClass, JobFacts, StepFacts, StepHit, classify
from pytest_devops_policy.knowledge.ci.patterns import ActionPattern, CommandPattern
from pytest_devops_policy.knowledge.ci.rollback import builtin_rollback, shell_rollback
from pytest_devops_policy.knowledge.ci.segments import (
    CommandMatch,
    Segment,
    command_segments,
    match_action,
    match_commands,
)

__all__ = [
    "ActionPattern",
    "ClassifierConfig",
    "CommandMatch",
    "CommandPattern",
    "JobClass",
    "JobFacts",
    "Segment",
    "StepFacts",
    "StepHit",
    "builtin_rollback",
    "classify",
    "classify_job",
    "command_segments",
    "gha_job_facts",
    "match_action",
    "match_commands",
    "shell_rollback",
]
