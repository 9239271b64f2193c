"""XREF-007: a job does not push a run-invariant tag to a registry with immutable tags.

Cross-artifact (catalog §9.3): the job's pushed refs (``knowledge.xref.gha_pushes``: ``docker
push``, pushing builds, ``--all-tags``, ``docker/metadata-action`` rules) are matched to the
Terraform registries of the run (``indexes.xref_terraform``: ECR ``image_tag_mutability``,
Artifact Registry ``docker_config.immutable_tags``). A tag that every run pushes again
(``latest``, a literal, the branch name on branch pushes) is accepted once and refused on
every later run (ECR: ``ImageTagAlreadyExistsException``), which blocks every later release
and rollback build. The decision is ``knowledge.xref.registry_tags.judge_tags`` (CI-neutral).

PASS: run-unique tags (``xref.run_unique_tokens``), a tag an ``IMMUTABLE_WITH_EXCLUSION``
wildcard filter exempts. UNKNOWN: a tag built from other tokens, a registry host that is a
token, a conditional push, Terraform values decided at plan time. No item when Terraform
declares no ECR or Artifact Registry repository, or the job pushes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_terraform import github_repository, xref_terraform
from pytest_devops_policy.knowledge.xref.events import PushEvent
from pytest_devops_policy.knowledge.xref.gha_events import job_events
from pytest_devops_policy.knowledge.xref.gha_pushes import pushed_tags, run_shape
from pytest_devops_policy.knowledge.xref.registry_tags import TagFinding, judge_tags
from pytest_devops_policy.knowledge.xref.tf_facts import EcrRepository
from pytest_devops_policy.options.xref import XrefOptions


def _applies(job: Job, context: Context) -> bool:
    # The job side first: it is cheap, and Terraform is read only for jobs that push.
    if not any(isinstance(e, PushEvent) for e in job_events(job)):
        return False
    facts = xref_terraform(context.cache)
    return bool(facts.ecr or facts.gar)


def _registry(f: TagFinding) -> str:
    r = f.registry
    if isinstance(r, EcrRepository):
        return f'ECR repository "{r.name}" ({r.where}, {r.where.address})'
    return f'Artifact Registry repository "{r.repository_id}" ({r.where}, {r.where.address})'


_GHA_UNIQUE = "${{ github.sha }}, metadata-action type=sha"


def _fix(f: TagFinding, unique: str) -> str:
    if isinstance(f.registry, EcrRepository):
        return (
            f"tag with a run-unique value ({unique}), or exempt this tag with "
            "IMMUTABLE_WITH_EXCLUSION and a WILDCARD exclusion filter"
        )
    return f"tag with a run-unique value ({unique})"


def _rejection(f: TagFinding) -> str:
    if isinstance(f.registry, EcrRepository):
        return "ECR rejects it with ImageTagAlreadyExistsException"
    return "Artifact Registry rejects it (the tag already exists and tags are immutable)"


@policy(
    id="XREF-007",
    name="pushed-tag-accepted-by-registry",
    title="Pushed tags are new on every run where the registry's tags are immutable",
    severity=Severity.MEDIUM,
    rationale=(
        "Immutable tags (ECR IMMUTABLE, Artifact Registry immutable_tags) refuse to "
        "overwrite a tag. A workflow that pushes the same tag on every run (latest, main, "
        "a fixed version) succeeds once; from the second run on the push fails with "
        "ImageTagAlreadyExistsException, and every later release and rollback build is "
        "blocked. Each file looks right alone: Terraform enforces immutability as the "
        "checks ask, the workflow pushes as it always did."
    ),
    remediation=(
        "Push a tag that is new on every run (${{ github.sha }}, ${{ github.run_id }}, "
        "metadata-action type=sha, a semver tag in a tag-only workflow), or exempt the "
        'moving tag with image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION" and an '
        'image_tag_mutability_exclusion_filter { filter = "latest", filter_type = '
        '"WILDCARD" }.'
    ),
    controls=("NIST-800-53-CM-3", "SLSA-Build-L2-scripted"),
    references=(
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"
        "ecr_repository",
        "https://github.com/docker/metadata-action#tags-input",
    ),
    applies=_applies,
    example=(
        "# .github/workflows/release.yml\n"
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  push:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - id: ecr\n"
        "        uses: aws-actions/amazon-ecr-login@v2\n"
        "      - run: |\n"
        "          docker build -t ${{ steps.ecr.outputs.registry }}/shop:latest .\n"
        "          docker push ${{ steps.ecr.outputs.registry }}/shop:latest\n"
        "---\n"
        "# infra/ecr.tf\n"
        'resource "aws_ecr_repository" "shop" {\n'
        '  name                 = "shop"\n'
        '  image_tag_mutability = "IMMUTABLE"\n'
        "}\n"
    ),
    use_instead=(
        "# .github/workflows/release.yml\n"
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  push:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - id: ecr\n"
        "        uses: aws-actions/amazon-ecr-login@v2\n"
        "      - run: |\n"
        "          docker build -t ${{ steps.ecr.outputs.registry }}/shop:${{ github.sha }} .\n"
        "          docker push ${{ steps.ecr.outputs.registry }}/shop:${{ github.sha }}\n"
        "---\n"
        "# infra/ecr.tf\n"
        'resource "aws_ecr_repository" "shop" {\n'
        '  name                 = "shop"\n'
        '  image_tag_mutability = "IMMUTABLE"\n'
        "}\n"
    ),
)
def pushed_tag_accepted_by_registry(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    facts = xref_terraform(context.cache)
    repo = github_repository(job.workflow.source.path, context.cache)
    pushed = pushed_tags(job, job_events(job), repo)
    unique = context.options(XrefOptions).run_unique_tokens
    findings = judge_tags(pushed, facts, run_shape(job.workflow), unique)
    yield from tag_verdicts(findings, _GHA_UNIQUE)


def tag_verdicts(findings: list[TagFinding], unique: str) -> Iterator[Violation | Unknown]:
    """XREF-007's items from ``judge_tags`` findings, for any CI system: ``unique`` names
    the run-unique tags of that system, for the fix."""
    seen: set[tuple[str, str, int]] = set()
    for f in findings:
        origin = f.pushed.origin
        key = (str(f.pushed.ref), f.registry.where.address, origin.line)
        if key in seen or f.fail is False:
            continue
        seen.add(key)
        where = f"{origin.file}:{origin.line}"
        link = f"{where} -> {f.registry.where}"
        if f.fail is None:
            yield Unknown(f"{where} pushes {f.pushed.ref} to {_registry(f)}: {f.why}")
            continue
        yield Violation(
            f"{where} pushes {f.pushed.ref} ({f.pushed.how}) to {_registry(f)}, linked by "
            f"repository name (high confidence): {f.why}. The first run pushes it; every "
            f"later run pushes the same tag again and {_rejection(f)}, failing the job and "
            f"blocking later releases and rollback builds. Fix: {_fix(f, unique)}",
            path=origin.path,
            links=(link,),
        )
