"""XREF-006: ``kubectl apply -n NS`` reads no object of another namespace (catalog §9.3).

Anchored on the GitHub Actions job. ``kubectl apply|create|replace|delete|diff -n NS`` with
``-f PATH``/``-k DIR`` (or ``kustomize build DIR | kubectl apply -n NS -f -``) aborts the
whole command when a namespaced object it reads has another ``metadata.namespace`` (after
the kustomization's ``namespace:``): kubectl enforces an explicit namespace. Objects
without a namespace take NS; cluster-scoped kinds have none (built-in list plus
``xref.cluster_scoped_kinds``; other custom kinds are assumed namespaced). ``-f DIR`` reads
the directory's top level unless ``-R``; globs expand against the repository. UNKNOWN: NS
or a path known only at run time, URLs, piped scripts, files the job rewrites or may have
made, remote bases. The decisions are kind-neutral (``indexes.xref_deploys``).
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_deploys import check_namespaces, namespace_events
from pytest_devops_policy.indexes.xref_deploys_gha import job_view, report, settings
from pytest_devops_policy.knowledge.xref.gha_events import job_events


def _applies(job: Job, context: Context) -> bool:
    """A job with such commands, in a run with Kubernetes manifests (else N/A: no item)."""
    if not namespace_events(job_events(job)):
        return False
    from pytest_devops_policy.indexes.xref import xref_index  # only for deploying jobs

    index = xref_index(context.cache)
    return bool(index.manifests or index.kustomizations)


@policy(
    id="XREF-006",
    name="apply-namespace-consistent",
    title="kubectl -n matches the namespace of the manifests it applies",
    severity=Severity.MEDIUM,
    rationale=(
        "kubectl apply -n prod -f k8s/ aborts when any object in k8s/ says namespace: "
        'staging (\'the namespace from the provided object "staging" does not match the '
        'namespace "prod"\'), so the deploy fails after the build, on the branch that '
        "deploys. Each file is valid alone; only the pair fails."
    ),
    remediation=(
        "Either drop -n (the manifests carry their namespace) or remove metadata.namespace "
        "from the manifests (or set it once with the kustomization's namespace:) so that "
        "they take the namespace the workflow gives."
    ),
    controls=("NIST-800-53-CM-3",),
    references=(
        "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/",
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/namespace/",
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
        "      - run: kubectl apply -n prod -f k8s/\n"
        "---\n"
        "# k8s/web.yaml\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: staging\n"
    ),
    use_instead=(
        "# .github/workflows/deploy.yml\n"
        "on: push\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: kubectl apply -n prod -f k8s/\n"
        "---\n"
        "# k8s/web.yaml\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: web\n"
    ),
)
def apply_namespace_consistent(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    from pytest_devops_policy.indexes.xref import xref_index

    index = xref_index(context.cache)
    view = job_view(job, context)
    yield from report(check_namespaces(view, context.cache, index, settings(context)))
