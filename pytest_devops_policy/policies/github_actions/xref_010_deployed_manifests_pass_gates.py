"""XREF-010: a production deploy applies no object that fails the K8S gates (catalog §9.3).

Off by default (``xref.gate_deploys``): it re-reports K8S findings, which the K8S items
already report, as a verdict on the job that ships them. Anchored on a production deploy
job (the §3.3 classifier, as XREF-004) that applies manifests of the repository with
``kubectl apply|create|replace -f PATH``/``-k DIR`` or ``kustomize build DIR | kubectl
apply -f -``. Each applied object is judged by the policies of ``xref.gate_policies``
(default: every critical K8S policy, K8S-001 and K8S-010), recomputed through the policy
engine (not read from the K8S items' reports, so it is xdist-safe). An object that only a
kustomize render produces is judged on the object of its source file (the same file and
line); a finding on an object that a patch changes beyond what the static render applies
is UNKNOWN. The K8S finding's inline comment waivers and the object's
``devops-policy.io/ignore`` annotation are honoured; a waiver in pyproject.toml is not
(config waivers are applied by the pytest layer, after the verdicts). UNKNOWN: URLs, piped
scripts, files the job rewrites or may have made, remote bases, paths known only at run
time. Local Helm charts are not rendered here. The decisions are kind-neutral
(``indexes.xref_gates``).
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_deploys_gha import job_view, report, settings
from pytest_devops_policy.indexes.xref_gates import check_gates, gate_events, today
from pytest_devops_policy.knowledge.ci.deploys import explain_job, job_class
from pytest_devops_policy.knowledge.xref.gha_events import job_events
from pytest_devops_policy.options.xref import XrefOptions


def _applies(job: Job, context: Context) -> bool:
    """Turned on, a production deploy job that applies manifest paths (else no item)."""
    if not context.options(XrefOptions).gate_deploys or job.uses is not None:
        return False
    if not gate_events(job_events(job)):
        return False
    return job_class(job, context).is_production


@policy(
    id="XREF-010",
    name="deployed-manifests-pass-gates",
    title="Production deploys apply only manifests that pass the Kubernetes gates",
    severity=Severity.MEDIUM,
    rationale=(
        "The K8S items fail a privileged container or a pod without limits in the manifest, "
        "but nothing stops the production job that applies that manifest: the finding is "
        "one red item among many while the workflow ships the object. This opt-in gate "
        "(xref.gate_deploys = true) fails the deploy job itself when an object it applies "
        "fails a policy of xref.gate_policies and the finding is not waived in the manifest. "
        "A waiver in pyproject.toml does not clear XREF-010; waive the K8S finding inline or "
        "with the object's annotation. A waiver of XREF-010 does not touch the K8S items."
    ),
    remediation=(
        "Fix the applied manifests (the failing K8S items say how), or waive the accepted "
        "K8S finding in the manifest: a '# devops-policy: ignore[K8S-002] reason=\"...\"' "
        "comment on the object or the line, or the object's devops-policy.io/ignore and "
        "devops-policy.io/ignore-reason annotations."
    ),
    controls=("NIST-800-53-CM-3", "NIST-800-53-CM-6", "NIST-800-53-SA-10"),
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/",
    ),
    applies=_applies,
    detail=explain_job,
    example=(
        "# .github/workflows/deploy.yml\n"
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: kubectl apply -f k8s/\n"
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
        "          securityContext:\n"
        "            privileged: true\n"
    ),
    use_instead=(
        "# .github/workflows/deploy.yml\n"
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: kubectl apply -f k8s/\n"
        "---\n"
        "# k8s/web.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      securityContext:\n"
        "        runAsNonRoot: true\n"
        "        runAsUser: 10001\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: ghcr.io/acme/web:1.0.0\n"
        "          securityContext:\n"
        "            allowPrivilegeEscalation: false\n"
        "          resources:\n"
        "            requests:\n"
        "              cpu: 100m\n"
        "              memory: 128Mi\n"
        "            limits:\n"
        "              cpu: 500m\n"
        "              memory: 128Mi\n"
    ),
)
def deployed_manifests_pass_gates(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    from pytest_devops_policy.indexes.xref import xref_index  # only for gated deploy jobs

    gates = context.options(XrefOptions).gate_policies
    outcomes = check_gates(
        job_view(job, context),
        context.cache,
        xref_index(context.cache),
        context,
        settings(context),
        gates,
        today(context.cache),
    )
    yield from report(outcomes)
