"""GL-010: no script line rewrites a branch's history with a force push (GHA-022's rule)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.force_push import (
    command_force_pushes,
    is_protected,
    literal_value,
)
from pytest_devops_policy.knowledge.ci.patterns import DEFAULT_BRANCHES
from pytest_devops_policy.knowledge.ci.scripts import run_script


def _known(job: GitLabJob) -> dict[str, str]:
    """Literal CI/CD variables the job's shell sees: global ``variables:``, then the job's."""
    out: dict[str, str] = {}
    for name, value in (*job.pipeline.variables.items(), *job.variables.items()):
        lit = literal_value(value)
        if lit is not None:
            out[str(name)] = lit
        else:
            out.pop(str(name), None)
    return out


@policy(
    id="GL-010",
    name="no-force-push",
    title="GitLab CI jobs do not force-push",
    severity=Severity.CRITICAL,
    rationale=(
        "A force push replaces a branch's history: reviewed commits disappear, the audit "
        "trail of what was deployed is rewritten, and everyone building on the branch is "
        "broken. From CI it runs unattended with a project or deploy token and bypasses the "
        "merge request review that protected branches are meant to enforce. Critical when "
        "the target is main, master, prod*, release* or cannot be known statically "
        "($CI_DEFAULT_BRANCH, $CI_COMMIT_REF_NAME, no refspec); high for other branches "
        "and tags."
    ),
    remediation=(
        "Push without force (git push origin HEAD:<branch>); if the branch moved, rebase "
        "and push again, or open a merge request (git push -o merge_request.create). "
        "Protect the branch with 'Allowed to force push' off in the project settings."
    ),
    controls=("NIST-800-53-CM-3",),
    references=(
        "https://docs.gitlab.com/user/project/repository/branches/protected/",
        "https://docs.gitlab.com/topics/git/git_rebase/#force-push-to-a-remote-branch",
    ),
    applies=lambda gl_job: any(True for _ in gl_job.scripts()),
    example=(
        "bump:\n"
        "  stage: deploy\n"
        "  script:\n"
        "    - npm version patch --no-git-tag-version\n"
        "    - \"git commit -am 'chore: bump version'\"\n"
        "    - git push --force origin HEAD:main\n"
    ),
    use_instead=(
        "bump:\n"
        "  stage: deploy\n"
        "  script:\n"
        "    - npm version patch --no-git-tag-version\n"
        "    - \"git commit -am 'chore: bump version'\"\n"
        "    - git pull --rebase origin main\n"
        "    - git push origin HEAD:main\n"
    ),
)
def no_force_push(gl_job: GitLabJob, context: Context) -> Iterator[Violation]:
    base = _known(gl_job)
    known = dict(base)
    for key in ("before_script", "script", "after_script"):
        # before_script and script share one shell (a branch set in one is seen by the
        # next line); after_script runs in a new shell with only the CI/CD variables.
        if key == "after_script":
            known = dict(base)
        for index, line in enumerate(getattr(gl_job, key)):
            yield from _line_pushes(gl_job, key, index, line, known)


def _line_pushes(
    job: GitLabJob, key: str, index: int, line: str, known: dict[str, str]
) -> Iterator[Violation]:
    rs = run_script(line)
    for c, push in command_force_pushes(rs.script.commands, known):
        severity = (
            Severity.CRITICAL
            if not push.tag and is_protected(push.target, DEFAULT_BRANCHES)
            else Severity.HIGH
        )
        if push.target is None:
            why = "the target is not known statically, so it may be a protected branch"
        elif severity is Severity.CRITICAL:
            why = "a protected branch's history is rewritten"
        else:
            why = "history others may rely on is rewritten"
        shown = rs.show(" ".join(c.words), 80)
        yield Violation(
            f"{job.display} {key}[{index}] ('{shown}') force-pushes ({push.how}) to "
            f"{push.describe()}: {why}; push without force, or open a merge request",
            path=(key, index),
            severity=severity,
        )
