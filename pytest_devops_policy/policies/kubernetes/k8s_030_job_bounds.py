"""K8S-030: Jobs and CronJobs are bounded in time, retries, overlap and leftovers.

A Job runs until it succeeds, exhausts ``backoffLimit`` (default 6) or passes
``activeDeadlineSeconds``; without a deadline a hung run holds its pods, its
node resources and, under ``concurrencyPolicy: Forbid``, every later run of its
CronJob forever. Finished standalone Jobs stay in the cluster, with their pods
and logs, until ``ttlSecondsAfterFinished`` deletes them. A CronJob's Jobs are
cleaned up by its ``successfulJobsHistoryLimit``/``failedJobsHistoryLimit``
instead, so its ``jobTemplate`` needs no TTL.

Values: a templated value is Unknown. A value that is not an integer (``"600"``)
is a type mismatch the API rejects: reported as a failure here (K8S-031 reports
it too) rather than Unknown, because nothing about it is undecidable. A negative
value is rejected by the API and fails.

``spec.suspend: true`` on a CronJob does not exempt it: suspension is a
temporary switch, and the same template runs as soon as it is resumed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import (
    K8sObject,
    as_mapping,
    is_templated,
    non_negative_int,
)

Path = tuple[PathPart, ...]
Finding = Violation | Unknown

DEFAULT_BACKOFF_LIMIT = 6
# The CronJob controller checks schedules about every 10 s; the Kubernetes docs
# warn that a shorter startingDeadlineSeconds may never let a run start.
MIN_STARTING_DEADLINE = 10
_RESTART_POLICIES = ("OnFailure", "Never")
_CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")
# A Helm or Argo CD hook Job is deleted by its tool's hook-delete-policy, which
# does the TTL's job; demanding a TTL there as well would be a false failure.
_HOOK_DELETE_POLICIES = ("helm.sh/hook-delete-policy", "argocd.argoproj.io/hook-delete-policy")


def _scope(subject: object) -> bool:
    # Only the batch group: a CRD that happens to be called Job or CronJob has
    # other fields.
    return (
        isinstance(subject, K8sObject)
        and subject.kind_name in ("Job", "CronJob")
        and subject.group == "batch"
    )


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _seconds(spec: Mapping[str, Any], base: Path, field: str) -> int | Finding | None:
    """A non-negative integer field: its value, None when unset, or why it is unusable."""
    raw = spec.get(field)
    if raw is None:
        return None
    value = non_negative_int(_dotted((*base, field)), raw)
    return Violation(value, path=(*base, field)) if isinstance(value, str) else value


def _deadline(kind: str, spec: Mapping[str, Any], base: Path) -> Iterator[Finding]:
    value = _seconds(spec, base, "activeDeadlineSeconds")
    shown = _dotted((*base, "activeDeadlineSeconds"))
    if value is None:
        # The pod template's own activeDeadlineSeconds is not a substitute: it
        # bounds one pod, and the Job starts a new one after each failure.
        yield Violation(f"{kind} sets no {shown}: a hung run is never stopped", path=base)
    elif isinstance(value, (Violation, Unknown)):
        yield value
    elif value == 0:
        yield Violation(
            f"{kind} sets {shown}: 0: every run fails at once with DeadlineExceeded",
            path=(*base, "activeDeadlineSeconds"),
        )


def _backoff(kind: str, spec: Mapping[str, Any], base: Path, required: bool) -> Iterator[Finding]:
    value = _seconds(spec, base, "backoffLimit")
    if isinstance(value, (Violation, Unknown)):
        yield value
    if value is not None or not required:
        return
    # An Indexed Job's backoffLimitPerIndex is an explicit retry budget too
    # (backoffLimit then defaults to unlimited and the per-index limit governs).
    per_index = _seconds(spec, base, "backoffLimitPerIndex")
    if isinstance(per_index, (Violation, Unknown)):
        yield per_index
    if per_index is not None:
        return
    yield Violation(
        f"{kind} sets no {_dotted((*base, 'backoffLimit'))}: a failing run is retried "
        f"{DEFAULT_BACKOFF_LIMIT} times by default; set the retry budget explicitly",
        path=base,
    )


def _ttl(
    kind: str, obj: K8sObject, spec: Mapping[str, Any], base: Path, required: bool
) -> Iterator[Finding]:
    value = _seconds(spec, base, "ttlSecondsAfterFinished")
    if isinstance(value, (Violation, Unknown)):
        yield value
    if value is not None or not required:
        return
    if any(obj.annotations.get(name) for name in _HOOK_DELETE_POLICIES):
        return
    yield Violation(
        f"{kind} sets no {_dotted((*base, 'ttlSecondsAfterFinished'))}: the finished Job and "
        "its pods stay in the cluster until someone deletes them",
        path=base,
    )


def _restart_policy(kind: str, obj: K8sObject) -> Iterator[Finding]:
    pod_path = obj.pod_spec_path or ()
    pod = as_mapping(obj.pod_spec)
    raw = pod.get("restartPolicy")
    shown, at = _dotted((*pod_path, "restartPolicy")), (*pod_path, "restartPolicy")
    if raw is None:
        # The pod default (Always) is not allowed for a Job's pods, so leaving the
        # field out makes the API reject the object.
        yield Violation(
            f"{kind} sets no {shown}: the pod default Always is rejected for Jobs; set "
            "OnFailure or Never",
            path=pod_path,
        )
    elif is_templated(raw):
        yield Unknown(f"{shown} is templated ({raw!r}); render it first")
    elif raw == "Always":
        yield Violation(
            f"{kind} sets {shown}: Always, which the API rejects for Jobs; use OnFailure or Never",
            path=at,
        )
    elif raw not in _RESTART_POLICIES:
        yield Violation(
            f"{kind} sets {shown}: {raw!r}, not OnFailure or Never (the API rejects it)",
            path=at,
        )


def _concurrency(spec: Mapping[str, Any]) -> Iterator[Finding]:
    raw = spec.get("concurrencyPolicy")
    at: Path = ("spec", "concurrencyPolicy")
    if raw is None:
        yield Violation(
            "CronJob sets no spec.concurrencyPolicy (default Allow): a run that outlasts the "
            "schedule interval overlaps the next one",
            path=("spec",),
        )
    elif is_templated(raw):
        yield Unknown(f"spec.concurrencyPolicy is templated ({raw!r}); render it first")
    elif raw == "Allow":
        yield Violation(
            "CronJob sets spec.concurrencyPolicy: Allow: a run that outlasts the schedule "
            "interval overlaps the next one; use Forbid or Replace",
            path=at,
        )
    elif raw not in _CONCURRENCY_POLICIES:
        yield Violation(
            f"CronJob sets spec.concurrencyPolicy: {raw!r}, not Allow, Forbid or Replace "
            "(the API rejects it; the values are case-sensitive)",
            path=at,
        )


def _starting_deadline(spec: Mapping[str, Any]) -> Iterator[Finding]:
    value = _seconds(spec, ("spec",), "startingDeadlineSeconds")
    if value is None:
        yield Violation(
            "CronJob sets no spec.startingDeadlineSeconds: a missed run is started arbitrarily "
            "late, and after 100 missed schedules the CronJob stops starting runs",
            path=("spec",),
        )
    elif isinstance(value, (Violation, Unknown)):
        yield value
    elif value < MIN_STARTING_DEADLINE:
        yield Violation(
            f"CronJob sets spec.startingDeadlineSeconds: {value}, below "
            f"{MIN_STARTING_DEADLINE}: the controller can miss the window and never start the run",
            path=("spec", "startingDeadlineSeconds"),
        )


def _job(obj: K8sObject) -> Iterator[Finding]:
    # A top-level Job is standalone: nothing else deletes it once it finishes.
    spec = as_mapping(obj.value.get("spec"))
    base: Path = ("spec",)
    yield from _deadline("Job", spec, base)
    yield from _backoff("Job", spec, base, required=True)
    yield from _ttl("Job", obj, spec, base, required=True)
    yield from _restart_policy("Job", obj)


def _cronjob(obj: K8sObject) -> Iterator[Finding]:
    spec = as_mapping(obj.value.get("spec"))
    job_spec = as_mapping(as_mapping(spec.get("jobTemplate")).get("spec"))
    base: Path = ("spec", "jobTemplate", "spec")
    yield from _starting_deadline(spec)
    yield from _concurrency(spec)
    yield from _deadline("CronJob", job_spec, base)
    # The catalog asks a CronJob's template for a deadline only: its Jobs' cleanup
    # belongs to the history limits, and the retry default is not required to be
    # spelt out there. Values that are written are still checked.
    yield from _backoff("CronJob", job_spec, base, required=False)
    yield from _ttl("CronJob", obj, job_spec, base, required=False)
    yield from _restart_policy("CronJob", obj)


@policy(
    id="K8S-030",
    name="job-bounds",
    title="Jobs and CronJobs must bound run time, retries, overlap and cleanup",
    severity=Severity.LOW,
    rationale=(
        "A Job without activeDeadlineSeconds runs for as long as its process hangs, holding "
        "its pods and their node resources; with concurrencyPolicy: Forbid one hung run also "
        "blocks every later run of its CronJob. An implicit backoffLimit retries a failing run "
        "6 times, which is rarely what a migration or a payment batch wants. Finished "
        "standalone Jobs and their pods are never deleted without ttlSecondsAfterFinished. A "
        "CronJob without startingDeadlineSeconds starts missed runs arbitrarily late and stops "
        "scheduling after 100 misses; with concurrencyPolicy Allow (the default) a slow run "
        "overlaps the next one. A Job's pods must use restartPolicy OnFailure or Never: the "
        "API rejects Always, which is also the pod default."
    ),
    remediation=(
        "Jobs: set spec.activeDeadlineSeconds, spec.backoffLimit and (for standalone Jobs) "
        "spec.ttlSecondsAfterFinished. CronJobs: set spec.startingDeadlineSeconds (10 or "
        "more), spec.concurrencyPolicy: Forbid or Replace and "
        "spec.jobTemplate.spec.activeDeadlineSeconds. Set the pod template's restartPolicy "
        "to OnFailure or Never."
    ),
    controls=("NSA-K8s-Resource-Policies", "NIST-800-53-SC-6"),
    references=(
        "kube-score:cronjob-has-deadline",
        "kube-score:cronjob-restartpolicy",
        "kube-linter:job-ttl-seconds-after-finished",
        "https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup",
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy",
    ),
    applies=_scope,
    example="""\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/report:2.3.0
""",
    use_instead="""\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 2 * * *"
  startingDeadlineSeconds: 600
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 3
  jobTemplate:
    spec:
      activeDeadlineSeconds: 3600
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/report:2.3.0
""",
)
def job_bounds(k8s_object: K8sObject) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    if k8s_object.kind_name == "CronJob":
        yield from _cronjob(k8s_object)
    else:
        yield from _job(k8s_object)
