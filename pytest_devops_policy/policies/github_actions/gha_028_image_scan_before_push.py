"""GHA-028: a job that pushes a container image scans an image first (earlier in the job, or
in a job it needs)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.knowledge.ci.deploys import callee_of, classifier_config, job_class
from pytest_devops_policy.knowledge.ci.images import image_pushes, image_scans, scan_order

_LOOKED_FOR = (
    "trivy image, grype <image>, snyk container test, aquasecurity/trivy-action with "
    "image-ref, anchore/scan-action, docker/scout-action with command: cves"
)


def _scans(job: Job, context: Context) -> str | None:
    """The job's first image scan, described; for a local caller, the first of its callee's."""
    callee = callee_of(job, context)
    if callee is not None:
        for inner in callee.jobs.values():
            hits = image_scans(inner, job_class(inner, context))
            if hits:
                return (
                    f"{job.display} calls '{job.uses.raw if job.uses else ''}', whose job "
                    f"'{inner.id}' scans: {hits[0].describe('image scan')}"
                )
        return None
    hits = image_scans(job, job_class(job, context))
    return f"{job.display}: {hits[0].describe('image scan')}" if hits else None


def _needed_scan(job: Job, context: Context) -> tuple[str | None, list[str]]:
    """A needed job (transitively) that scans an image, else the remote callers among them."""
    remote: list[str] = []
    wf = job.workflow
    for dep_id in sorted(job.needs_closure):
        dep = wf.jobs[dep_id]
        found = _scans(dep, context)
        if found is not None:
            return found, remote
        if dep.uses is not None and not dep.uses.is_local:
            remote.append(f"{dep.display} calls '{dep.uses.raw}'")
    return None, remote


@policy(
    id="GHA-028",
    name="image-scan-before-push",
    title="Container images are scanned before they are pushed",
    severity=Severity.HIGH,
    rationale=(
        "Once an image is in the registry, clusters, other pipelines and users pull it. A "
        "scan that runs after the push, or not at all, lets known-vulnerable packages (an "
        "old base image, a vulnerable library) ship before anyone looks."
    ),
    remediation=(
        "Build the image locally first (docker/build-push-action with 'load: true', or "
        "'docker build'), scan it (aquasecurity/trivy-action with 'image-ref' and "
        "'exit-code: 1', 'trivy image', 'grype', 'docker/scout-action' with 'command: cves'), "
        "then push; or scan in a job that the pushing job needs."
    ),
    controls=("NIST-800-53-RA-5", "NIST-800-53-SI-2", "NIST-800-53-SR-3"),
    references=(
        "checkov:CKV_GHA_5",
        "checkov:CKV_GHA_6",
        "https://docs.docker.com/build/ci/github-actions/test-before-push/",
        "https://github.com/aquasecurity/trivy-action#usage",
    ),
    applies=lambda job: bool(image_pushes(job)),
    example=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "  packages: write\n"
        "jobs:\n"
        "  image:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: docker/build-push-action@v6\n"
        "        with:\n"
        "          push: true\n"
        "          tags: ghcr.io/acme/app:${{ github.sha }}\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "  packages: write\n"
        "jobs:\n"
        "  image:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: docker/build-push-action@v6\n"
        "        with:\n"
        "          load: true\n"
        "          tags: ghcr.io/acme/app:${{ github.sha }}\n"
        "      - uses: aquasecurity/trivy-action@0.28.0\n"
        "        with:\n"
        "          image-ref: ghcr.io/acme/app:${{ github.sha }}\n"
        "          exit-code: '1'\n"
        "          severity: CRITICAL,HIGH\n"
        "      - uses: docker/build-push-action@v6\n"
        "        with:\n"
        "          push: true\n"
        "          tags: ghcr.io/acme/app:${{ github.sha }}\n"
    ),
)
def image_scan_before_push(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    settings = classifier_config(context)
    pushes = image_pushes(job)
    scans = image_scans(job, job_class(job, context))
    first_scan = min((scan_order(job, h, settings) for h in scans), default=None)
    if first_scan is not None and all(first_scan < p.order for p in pushes):
        return
    found, remote = _needed_scan(job, context)
    if found is not None:
        return
    reported: set[int] = set()
    for push in pushes:
        if first_scan is not None and first_scan < push.order:
            continue
        if push.step.index in reported:
            continue
        reported.add(push.step.index)
        later = [h for h in scans if scan_order(job, h, settings) > push.order]
        if remote and not later:
            yield Unknown(
                f"{job.display} pushes an image ({push.label}); no earlier step scans one, "
                "and the jobs it needs include remote reusable workflows that may: "
                + "; ".join(remote)
            )
            continue
        needs = (
            f"none of the jobs it needs ({', '.join(sorted(job.needs_closure))}) scans one"
            if job.needs_closure
            else "it needs no job that scans one"
        )
        message = (
            f"{job.display} pushes a container image ({push.label}) without scanning it "
            f"first: no earlier step of the job scans an image and {needs}. Looked for: "
            f"{_LOOKED_FOR}"
        )
        if later:
            message += (
                f". {later[0].describe('image scan')}, but only after the push: the image "
                "is in the registry before anyone looks"
            )
        key = "run" if push.step.run is not None else "uses"
        yield Violation(message, path=push.step.path(key))
