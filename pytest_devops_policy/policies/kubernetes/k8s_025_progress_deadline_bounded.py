"""K8S-025: a stuck Deployment rollout is reported, in time.

The Deployment controller marks a rollout ``ProgressDeadlineExceeded`` once it
has made no progress for ``progressDeadlineSeconds`` (default 600). That
condition is what makes ``kubectl rollout status`` exit non-zero, fails the CI
job and triggers automated rollback; a huge deadline (2147483647 switches it off)
leaves a broken release half-rolled for as long as nobody looks. ``paused: true``
committed to the manifest stops every future rollout silently.

Argo Rollouts have their own ``progressDeadlineSeconds`` and abort logic; the
catalog scopes this policy to Deployments.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_true, non_negative_int
from pytest_devops_policy.options import K8sOptions

DEFAULT_DEADLINE = 600
NO_DEADLINE = 2147483647  # math.MaxInt32: the controller never reports a stalled rollout


def _scope(subject: object) -> bool:
    return (
        isinstance(subject, K8sObject)
        and subject.is_workload
        and subject.kind_name == "Deployment"
        and subject.group in ("apps", "extensions")
    )


def _seconds(spec: Mapping[str, object], field: str, default: int) -> int | Unknown | str:
    raw = spec.get(field)
    return default if raw is None else non_negative_int(f"spec.{field}", raw)


@policy(
    id="K8S-025",
    name="progress-deadline-bounded",
    title="Deployments must report a stuck rollout within a bounded time",
    severity=Severity.MEDIUM,
    rationale=(
        "A rollout that cannot progress (an image that does not pull, pods that never "
        "become ready, a quota that is exhausted) is only reported as failed once "
        "progressDeadlineSeconds pass without progress. Until then kubectl rollout status "
        "keeps waiting, the deploy job keeps running and nothing rolls back. A deadline "
        "longer than the pipeline's patience hides the failure; one at or below "
        "minReadySeconds is rejected by the API. A Deployment committed with paused: true "
        "never rolls out any change at all, while the pipeline reports success."
    ),
    remediation=(
        "Leave progressDeadlineSeconds at its default (600) or set it above minReadySeconds "
        "and at most k8s.max_progress_deadline (default 1800). Pause and resume rollouts "
        "with kubectl rollout pause/resume during an operation; never commit paused: true."
    ),
    controls=("NIST-800-53-SI-4", "NIST-800-53-CP-10"),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment",
    ),
    applies=_scope,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  paused: true
  minReadySeconds: 30
  progressDeadlineSeconds: 7200
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  minReadySeconds: 30
  progressDeadlineSeconds: 600
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
)
def progress_deadline_bounded(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    raw_spec = k8s_object.value.get("spec")
    spec: Mapping[str, object] = raw_spec if isinstance(raw_spec, Mapping) else {}
    ceiling = context.options(K8sOptions).max_progress_deadline
    if is_true(spec.get("paused")):
        yield Violation(
            "Deployment is committed with spec.paused: true: no change to it ever rolls "
            "out, while kubectl apply reports success",
            path=("spec", "paused"),
        )
    deadline = _seconds(spec, "progressDeadlineSeconds", DEFAULT_DEADLINE)
    ready = _seconds(spec, "minReadySeconds", 0)
    deadline_path = (
        ("spec", "progressDeadlineSeconds") if "progressDeadlineSeconds" in spec else ("spec",)
    )
    for value, field in ((deadline, "progressDeadlineSeconds"), (ready, "minReadySeconds")):
        if isinstance(value, Unknown):
            yield value
        elif isinstance(value, str):
            yield Violation(value, path=("spec", field))
    if not isinstance(deadline, int):
        return
    shown = "" if "progressDeadlineSeconds" in spec else " (the default)"
    if isinstance(ready, int) and deadline <= ready:
        yield Violation(
            f"progressDeadlineSeconds {deadline}{shown} is not above minReadySeconds "
            f"{ready} (the API rejects it)",
            path=deadline_path if shown == "" else ("spec", "minReadySeconds"),
        )
    if deadline >= NO_DEADLINE:
        yield Violation(
            f"progressDeadlineSeconds {deadline} switches the progress deadline off: a "
            "stuck rollout is never reported as failed",
            path=deadline_path,
        )
    elif deadline > ceiling:
        yield Violation(
            f"progressDeadlineSeconds {deadline} is above k8s.max_progress_deadline "
            f"({ceiling}): a stuck rollout stays unreported for {deadline // 60} minutes",
            path=deadline_path,
        )
