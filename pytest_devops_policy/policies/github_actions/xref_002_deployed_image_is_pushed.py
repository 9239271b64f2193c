"""XREF-002: an image a workflow builds and deploys is pushed before the deploy.

Anchored on the deploy job (catalog §9.3). For each ref the job puts into a cluster or a
service (``kubectl set image``, helm ``--set image.repository/tag``, ``gcloud run deploy
--image``, ``az containerapp update --image``, ECS render ``image``, and the images of
manifests applied from this repository), when the ref's repository is built in the same
workflow: a push (tags compared literally, tokens only when identical), a pushing build,
a pushing build's digest or a side-load into kind/minikube/k3d must happen before the
deploy: earlier in the job, or in a job of its ``needs`` closure (§9.2-5). The decision is
``indexes.xref_pushes`` (shared with the GitLab anchor); the job facts are
``indexes.xref_pushes_gha``.

Out of scope (no item): images the workflow does not build. UNKNOWN rather than FAIL: a
token decides an equality, a push depends on an expression, a script/``make``/non-inert
action before the deploy or in a parallel job may push, a remote reusable workflow, a
``workflow_run`` trigger (the upstream's pushes are not read), a self-hosted runner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_builds import repository_of
from pytest_devops_policy.indexes.xref_pushes import Decision, Deployed
from pytest_devops_policy.indexes.xref_pushes_gha import github_repository, is_deploy, judge_job
from pytest_devops_policy.knowledge.xref.events import Origin
from pytest_devops_policy.knowledge.xref.gha_events import job_events
from pytest_devops_policy.knowledge.xref.refs import parse_ref
from pytest_devops_policy.options.xref import XrefOptions, confidence_rank

_FAILURE = (
    "the cluster's nodes do not share the runner's Docker daemon, so the pods fail with "
    "ErrImagePull / ImagePullBackOff"
)


def _judged(job: Job, context: Context) -> list[tuple[Deployed, Decision]]:
    options = context.options(XrefOptions)
    root = repository_of(job.workflow.source.path, context.cache)
    repository = github_repository(context.cache, root, options.github_repository)
    return judge_job(job, context.cache, repository)


def _applies(job: Job, context: Context) -> bool:
    if job.uses is not None or not any(is_deploy(e) for e in job_events(job)):
        return False
    return bool(_judged(job, context))


def _hub_note(written: str, resolved: str) -> str:
    ref = parse_ref(resolved)
    name = written.split(":", 1)[0]
    hub = ref.registry is not None and ref.registry.literal == "docker.io"
    if hub and ref.path.text.startswith("library/") and "/" not in name:
        return (
            f" '{name}' also names docker.io/{ref.path.text}, which this pipeline cannot push to."
        )
    return ""


def _message(step: str, display: str, d: Deployed, decision: Decision, confidence: str) -> str:
    deploy_at = f"{d.origin.file}:{d.origin.line}"
    shown = d.written if d.written == d.ref.text else f"{d.written} (= {d.ref.text})"
    source = f" (from {d.manifest})" if d.manifest else ""
    build = decision.build
    assert build is not None
    built = f"{build.origin.file}:{build.origin.line} builds {build.written}"
    link = f"linked by repository{' after resolution' if confidence == 'medium' else ''}, "
    link += f"{confidence} confidence"
    offer = decision.offer
    pushed = f"{offer.origin.file}:{offer.origin.line}" if offer is not None else ""
    head = f"{step} ({deploy_at}) deploys {shown}{source}; {built}"
    if decision.case == "a":
        return (
            f"{head}, but nothing pushes it before the deploy (no push, pushing build or "
            f"side-load in this job or the jobs it needs): {_FAILURE}."
            f"{_hub_note(d.written, d.ref.text)}"
            f" ({link}). Fix: push it to a registry the cluster pulls from before the deploy "
            "(docker push, or build-push-action with push: true) and deploy that registry "
            "ref; for a kind/minikube cluster, side-load it (kind load docker-image)."
        )
    if decision.case == "b":
        return (
            f"{head}, but it is pushed only after the deploy ({pushed}): at deploy time the "
            f"registry does not have it and the pods fail with ErrImagePull / "
            f"ImagePullBackOff ({link}). Fix: push before the deploy step."
        )
    if decision.case == "c":
        return (
            f"{head}; it is pushed in job '{offer.origin.job if offer else '?'}' ({pushed}), "
            f"which {display} does not need: the two jobs run in parallel, so the deploy "
            f"races the push and may hit ErrImagePull / ImagePullBackOff ({link}). Fix: add "
            f"needs: [{offer.origin.job if offer else '?'}] to {display}."
        )
    tags = ", ".join(r.text for o in decision.others for r in o.refs)
    return (
        f"{head}; the workflow pushes that repository only as {tags} ({pushed}) and the job "
        f"does not rewrite the manifest before applying it: the cluster runs whatever "
        f"{d.written} points to (an old image, or ErrImagePull if it was never pushed) "
        f"({link}). Fix: set the pushed tag before the apply (kustomize edit set image, "
        "kubectl set image, or a sed/yq rewrite), or push the tag the manifest pins."
    )


def _links(d: Deployed, decision: Decision) -> tuple[str, ...]:
    deploy_at = f"{d.origin.file}:{d.origin.line}"
    out = []
    if decision.build is not None:
        b = decision.build.origin
        out.append(f"{b.file}:{b.line} -> {deploy_at}")
    if decision.offer is not None:
        o = decision.offer.origin
        out.append(f"{o.file}:{o.line} -> {deploy_at}")
    if d.manifest:
        out.append(f"{deploy_at} -> {d.manifest}")
    return tuple(dict.fromkeys(out))


@policy(
    id="XREF-002",
    name="deployed-image-is-pushed",
    title="A deployed image built by the workflow is pushed before the deploy",
    severity=Severity.HIGH,
    rationale=(
        "A workflow that builds an image and deploys it must put it where the cluster can "
        "pull it before the deploy runs. An image only built (docker build) lives in the "
        "runner's Docker daemon, which no cluster node shares; a push after the deploy, or "
        "in a job the deploy job does not wait for, arrives too late or by chance; a "
        "manifest that pins :latest while the workflow pushes :<sha> runs an older image. "
        "Each file looks fine alone; the pods fail with ErrImagePull / ImagePullBackOff."
    ),
    remediation=(
        "Push the image before the deploy, in the same job or in a job the deploy job "
        "needs (docker push, docker/build-push-action with push: true), and deploy the "
        "pushed registry ref (ghcr.io/org/app:${{ github.sha }}). For a local kind or "
        "minikube cluster, side-load the image (kind load docker-image, minikube image "
        "load). When manifests pin a tag, set the pushed one before applying (kustomize "
        "edit set image, kubectl set image)."
    ),
    controls=("NIST-800-53-CM-3", "SLSA-Build-L2-scripted"),
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff",
        "https://docs.github.com/en/actions/using-jobs/using-jobs-in-a-workflow#defining-prerequisite-jobs",
        "https://github.com/docker/build-push-action#inputs",
    ),
    applies=_applies,
    example=(
        "# .github/workflows/deploy.yml\n"
        "on: push\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker build -t app:${{ github.sha }} .\n"
        "      - run: kubectl set image deployment/web web=app:${{ github.sha }}\n"
        "---\n"
        "# Dockerfile\n"
        "FROM nginx:1.27\n"
    ),
    use_instead=(
        "# .github/workflows/deploy.yml\n"
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: {contents: read, packages: write}\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: docker/login-action@v3\n"
        "        with: {registry: ghcr.io, username: '${{ github.actor }}', "
        "password: '${{ secrets.GITHUB_TOKEN }}'}\n"
        "      - uses: docker/build-push-action@v6\n"
        "        with: {push: true, tags: 'ghcr.io/acme/app:${{ github.sha }}'}\n"
        "  deploy:\n"
        "    needs: build\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: kubectl set image deployment/web web=ghcr.io/acme/app:${{ github.sha }}\n"
        "---\n"
        "# Dockerfile\n"
        "FROM nginx:1.27\n"
    ),
)
def deployed_image_is_pushed(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    def step(origin: Origin) -> str:
        return job.steps[origin.step].label if origin.step is not None else job.display

    yield from push_verdicts(_judged(job, context), step, job.display, context)


def push_verdicts(
    judged: list[tuple[Deployed, Decision]],
    step: Callable[[Origin], str],
    display: str,
    context: Context,
) -> Iterator[Violation | Unknown]:
    """XREF-002's items from ``xref_pushes.judge`` decisions, for any CI system: ``step``
    names the command a deploy is in, ``display`` the deploy job."""
    threshold = confidence_rank(context.options(XrefOptions).min_link_confidence)
    seen: set[tuple[str, int, str]] = set()
    for d, decision in judged:
        key = (d.ref.text, d.origin.line, decision.status)
        if key in seen:
            continue
        seen.add(key)
        if decision.status == "pass":
            continue
        at = f"{d.origin.file}:{d.origin.line}"
        if decision.status == "unknown":
            yield Unknown(f"{at} deploys {d.written}: {decision.reason}")
            continue
        build = decision.build
        resolved = d.resolved or (build is not None and build.resolved)
        confidence = "medium" if resolved else "high"
        if confidence_rank(confidence) > threshold:
            yield Unknown(
                f"{at} deploys {d.written}, linked to its build only after resolving "
                f"variables ({confidence} confidence, below xref.min_link_confidence)"
            )
            continue
        yield Violation(
            _message(step(d.origin), display, d, decision, confidence),
            path=d.origin.path,
            links=_links(d, decision),
        )
