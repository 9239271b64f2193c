"""XREF-001: the objects a workflow's deploy commands name exist as named (catalog §9.3).

Anchored on the GitHub Actions job. Each ``kubectl set image``/``rollout``/``scale``/
``patch``/``wait`` (and ``kubectl argo rollouts``) target is looked up among the run's
objects, as written and as its kustomizations render them (``namePrefix``...); ``set
image`` containers must be containers or init containers of it (kubectl: ``error: unable
to find container named "app"``). A local Helm chart needs its Chart.yaml and its ``-f``
values files; ``kustomize edit set image NAME=`` needs an image NAME among the
kustomization's resources. An object the run does not hold FAILs only when the job applies
the repository's manifests (or ``xref.manifests_complete``); otherwise, and whenever a Helm
chart, a remote base or a URL may hold it, UNKNOWN. The decisions are kind-neutral
(``indexes.xref_deploys``).
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_deploys import check_targets, target_events
from pytest_devops_policy.indexes.xref_deploys_gha import job_view, report, settings
from pytest_devops_policy.knowledge.xref.gha_events import job_events


def _applies(job: Job, context: Context) -> bool:
    """A job with such commands, in a run with Kubernetes manifests (else N/A: no item)."""
    if not target_events(job_events(job)):
        return False
    from pytest_devops_policy.indexes.xref import xref_index  # only for deploying jobs

    index = xref_index(context.cache)
    return bool(index.has_kubernetes)


@policy(
    id="XREF-001",
    name="deploy-target-exists",
    title="Deploy steps name objects and containers that the manifests define",
    severity=Severity.HIGH,
    rationale=(
        "A deploy step that names a container the Deployment does not have (kubectl set "
        "image deployment/web app=...), an object the applied manifests call something "
        "else (a kustomize namePrefix), a Helm chart directory without Chart.yaml or a "
        "kustomize image name no resource uses fails or silently changes nothing, on the "
        "branch that deploys. The workflow and the manifests are each valid alone."
    ),
    remediation=(
        "Name objects and containers as the applied manifests define them (after kustomize's "
        "namePrefix/nameSuffix), point helm at the chart directory and existing values "
        "files, and use the image name the manifests write in kustomize edit set image. "
        "Objects defined in another repository: list them in xref.external_objects."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-SI-7"),
    references=(
        "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_set/kubectl_set_image/",
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/nameprefix/",
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
        "      - run: kubectl set image deployment/web app=ghcr.io/acme/web:${{ github.sha }}\n"
        "---\n"
        "# k8s/web.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: ghcr.io/acme/web:1.0.0\n"
    ),
    use_instead=(
        "# .github/workflows/deploy.yml\n"
        "on: push\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: kubectl set image deployment/web web=ghcr.io/acme/web:${{ github.sha }}\n"
        "---\n"
        "# k8s/web.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: ghcr.io/acme/web:1.0.0\n"
    ),
)
def deploy_target_exists(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    from pytest_devops_policy.indexes.xref import xref_index

    index = xref_index(context.cache)
    yield from report(
        check_targets(job_view(job, context), context.cache, index, settings(context))
    )
