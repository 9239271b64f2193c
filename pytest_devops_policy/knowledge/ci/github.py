"""The job classifier for GitHub Actions: a ``Job`` as ``JobFacts``, its verdict memoised.

A job that calls a local reusable workflow is a deploy job when the callee's
jobs deploy (§3.3 (e)); ``resolve`` (``indexes.workflows.WorkflowIndex.resolve``)
finds the callee.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import find_expressions
from pytest_devops_policy.formats.github_actions.uses import UsesRef
from pytest_devops_policy.formats.github_actions.workflow import Job, Workflow
from pytest_devops_policy.knowledge.ci.config import ClassifierConfig, config_of
from pytest_devops_policy.knowledge.ci.jobs import JobClass, JobFacts, StepFacts, classify
from pytest_devops_policy.knowledge.ci.patterns import DEFAULT_BRANCH_PLACEHOLDER
from pytest_devops_policy.knowledge.ci.scenarios import possible_values

__all__ = ["classify_job", "expression_values", "gha_job_facts", "matrix_lookup"]


def gha_job_facts(
    job: Job,
    settings: Mapping[str, Any] | ClassifierConfig | None = None,
    resolve: Callable[[UsesRef], Workflow | None] | None = None,
    _seen: frozenset[str] = frozenset(),
) -> JobFacts:
    """``JobFacts`` for a GitHub Actions job; ``resolve`` finds local reusable workflows."""
    cfg = config_of(settings)
    steps = tuple(
        StepFacts(
            index=s.index,
            label=s.label,
            run=s.run,
            action=s.uses.name if s.uses is not None and s.uses.is_remote else None,
            with_=s.with_,
            condition=s.if_,
            id=s.id,
        )
        for s in job.steps
    )
    wf = job.workflow
    env = job.environment
    callee = callee_file = None
    callee_jobs: list[str] | None = None
    if job.uses is not None:
        callee = job.uses.raw
        callee_file = job.uses.file_stem or job.uses.name
        target = resolve(job.uses) if resolve is not None else None
        key = f"{target.source.path}" if target is not None else ""
        if target is not None and key not in _seen and len(_seen) < 10:
            callee_jobs = [
                j.id
                for j in target.jobs.values()
                if classify(gha_job_facts(j, cfg, resolve, _seen | {key}), cfg).is_deploy
            ]
    return JobFacts(
        id=job.id,
        name=job.name,
        environment=env.text if env is not None else None,
        environment_dynamic=env.dynamic if env is not None else False,
        environment_names=_environment_names(job) if env is not None and env.dynamic else None,
        environment_url=env.url if env is not None else None,
        steps=steps,
        callee=callee,
        callee_file=callee_file,
        callee_deploy_jobs=callee_jobs,
        workflow_name=wf.name,
        push_branches=_default_pushes(wf, cfg),
        on_tags=wf.on.pushes_tags(),
        on_release="release" in wf.on,
    )


def matrix_lookup(job: Job) -> Callable[[tuple[str, ...]], list[Any] | None]:
    """The literal values of ``matrix.<key>[.<field>...]``: each entry of the key's list, and
    of ``include`` entries that set it (``None`` when one is not a literal)."""
    matrix = job.strategy.get("matrix")

    def lookup(path: tuple[str, ...]) -> list[Any] | None:
        if len(path) < 2 or path[0] != "matrix" or not isinstance(matrix, Mapping):
            return None
        key = path[1]
        rows = matrix.get(key, [])
        if not isinstance(rows, list):
            return None
        include = matrix.get("include", [])
        if isinstance(include, list):
            rows = [*rows, *(e[key] for e in include if isinstance(e, Mapping) and key in e)]
        if not rows:
            return None
        out: list[Any] = []
        for row in rows:
            for part in path[2:]:
                row = row.get(part) if isinstance(row, Mapping) else None
            if isinstance(row, (Mapping, list)) or (isinstance(row, str) and "${{" in row):
                return None
            out.append(row)
        return out

    return lookup


def expression_values(text: str, job: Job) -> list[Any] | None:
    """The values a job-level ``${{ }}`` value can take (matrix values known), ``None`` when
    one is only known at run time or the text is not a single expression."""
    exprs = find_expressions(text.strip())
    if len(exprs) != 1 or exprs[0].text != text.strip() or exprs[0].node is None:
        return None
    return possible_values(exprs[0].node, matrix_lookup(job))


def _environment_names(job: Job) -> tuple[str, ...] | None:
    """``environment: ${{ a && 'release' || 'release-test' }}``: the names it can be."""
    env = job.environment
    values = expression_values(env.text, job) if env is not None else None
    if values is None or not all(v is None or isinstance(v, str) for v in values):
        return None
    return tuple(v or "" for v in values)


def _default_pushes(wf: Workflow, cfg: ClassifierConfig) -> tuple[str, ...]:
    """The default branches whose pushes run the workflow; a template's literal
    ``branches: [$default-branch]`` counts as the default branch."""
    found = tuple(b for b in cfg.default_branches if wf.on.pushes_branch(b))
    push = wf.on.get("push")
    listed = push.filter("branches") if push is not None else None
    if listed and DEFAULT_BRANCH_PLACEHOLDER in listed:
        found += (DEFAULT_BRANCH_PLACEHOLDER,)
    return found


def classify_job(
    job: Job,
    settings: Mapping[str, Any] | ClassifierConfig | None = None,
    resolve: Callable[[UsesRef], Workflow | None] | None = None,
) -> JobClass:
    """Classify a GitHub Actions job. ``settings`` is a ``ClassifierConfig`` (or dotted settings).

    Without ``resolve`` the verdict is memoised on the job; configs are interned by
    ``ClassifierConfig.from_settings``, so identity is the right key.
    """
    cfg = config_of(settings)
    if resolve is not None:
        return classify(gha_job_facts(job, cfg, resolve), cfg)
    hit = job.classified
    if hit is not None and hit[0] is cfg:
        result: JobClass = hit[1]
        return result
    result = classify(gha_job_facts(job, cfg, None), cfg)
    job.classified = (cfg, result)
    return result
