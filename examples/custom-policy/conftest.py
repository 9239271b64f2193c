"""An organisation policy, written next to the manifests it governs.

Run from the repository root:  pytest --devops-policy-only examples/custom-policy
Only files under this directory get ACME-001, because the hook is found through
this conftest.py.
"""

from collections.abc import Iterator

from pytest_devops_policy import Severity, Violation, policy


@policy(
    id="ACME-001",
    name="missing-owner-label",
    title="Workload has no owner label",
    severity=Severity.MEDIUM,
    rationale="On-call needs to know which team to page when this workload misbehaves.",
    remediation="Add metadata.labels.owner with the owning team's handle.",
    controls=("ACME-OPS-7",),
    applies=lambda obj: obj.is_workload,
)
def missing_owner_label(k8s_object) -> Iterator[Violation]:
    if "owner" not in k8s_object.labels:
        yield Violation(
            f"{k8s_object.kind_name} '{k8s_object.name}' has no metadata.labels.owner",
            path=("metadata", "labels") if k8s_object.labels else ("metadata",),
        )


def pytest_devops_policy_add_policies(config):
    return [missing_owner_label]
