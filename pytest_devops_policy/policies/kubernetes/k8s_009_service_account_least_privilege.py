"""K8S-009: pods do not run as the namespace's default ServiceAccount with its token mounted.

The pod's ``automountServiceAccountToken`` wins over the ServiceAccount's, so
a pod that sets it to ``true`` mounts the token whatever the ServiceAccount
says; only when the pod leaves it unset does the ServiceAccount's ``false``
(found in the index of the pod's deployment unit) count. A default ServiceAccount
whose namespace may or may not be the pod's makes the answer Unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, workloads
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.k8s_workloads import is_templated
from pytest_devops_policy.indexes.kubernetes import K8sIndex, Matches


def _service_account(spec: Mapping[str, object]) -> tuple[str, object]:
    """(field, value) naming the pod's ServiceAccount; an empty name means "default"."""
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        # The API copies the deprecated serviceAccount only into an empty serviceAccountName.
        if value is not None and value != "":
            return field, value
    return "", None


@policy(
    id="K8S-009",
    name="service-account-least-privilege",
    title="Pods must not mount the default ServiceAccount's token",
    severity=Severity.MEDIUM,
    rationale=(
        "Every namespace has a ServiceAccount named default, and a pod that names none runs "
        "as it with an API token mounted at /var/run/secrets/kubernetes.io/serviceaccount. "
        "Whatever any RoleBinding grants default is then granted to every such pod, and an "
        "attacker who gets code execution in any of them can call the API server with it. A "
        "pod that does not talk to the API needs no token; one that does needs its own "
        "ServiceAccount with only the permissions it uses."
    ),
    remediation=(
        "Set automountServiceAccountToken: false in the pod spec (or on the default "
        "ServiceAccount) when the pod does not call the Kubernetes API; otherwise create a "
        "dedicated ServiceAccount, bind only the Role it needs and set serviceAccountName."
    ),
    controls=("CIS-K8s-5.1.5", "CIS-K8s-5.1.6", "NSA-K8s-Pod-Security"),
    references=(
        "checkov:CKV_K8S_38",
        "checkov:CKV_K8S_41",
        "checkov:CKV_K8S_42",
        "kube-linter:default-service-account",
        "kube-linter:deprecated-service-account-field",
        "polaris:automountServiceAccountToken",
        "trivy:AVD-KSV-0036",
    ),
    applies=workloads,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
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
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
""",
)
def service_account_least_privilege(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    spec, spec_path = k8s_object.pod_spec, k8s_object.pod_spec_path
    if spec is None or spec_path is None:
        yield Unknown(k8s_object.pod_spec_problem or "the pod spec cannot be read")
        return
    field, name = _service_account(spec)
    if is_templated(name):
        yield Unknown(f"{field} is templated ({name!r}); render it first")
        return
    if name is not None and not isinstance(name, str):
        yield Violation(
            f"{field} {name!r} is not a string (type mismatch; the API rejects it)",
            path=(*spec_path, field),
        )
        return
    if name is not None and name != "default":
        return  # a dedicated ServiceAccount: its RBAC is K8S-020's business
    automount = spec.get("automountServiceAccountToken")
    if automount is False:
        return
    using = (
        f"uses the default ServiceAccount ({field}: default)"
        if name == "default"
        else "uses the default ServiceAccount (no serviceAccountName)"
    )
    where = (*spec_path, field) if name == "default" else spec_path
    if automount is True:
        yield Violation(
            f"pod {using} and sets automountServiceAccountToken: true, which mounts its API "
            "token whatever the ServiceAccount says",
            path=(*spec_path, "automountServiceAccountToken"),
        )
        return
    if automount is not None:
        # A string "false" is a type mismatch: the API rejects it, nothing is switched off.
        yield Violation(
            f"pod {using}; its automountServiceAccountToken {automount!r} is not a boolean "
            "(type mismatch), so the token is not switched off",
            path=(*spec_path, "automountServiceAccountToken"),
        )
        return
    index: K8sIndex | None = context.index(k8s_object)
    accounts = (
        index.service_accounts(index.namespace_of(k8s_object), "default")
        if index is not None
        else Matches()
    )
    account = accounts[0] if accounts else None
    if account is not None:
        sa_automount = account.value.get("automountServiceAccountToken")
        if sa_automount is False:
            return
        if sa_automount is None:
            detail = f"{account.ref} does not set automountServiceAccountToken: false"
        elif sa_automount is True:
            detail = f"{account.ref} sets automountServiceAccountToken: true"
        else:
            detail = (
                f"{account.ref} sets automountServiceAccountToken: {sa_automount!r}, "
                "not a boolean (type mismatch)"
            )
    else:
        # A default ServiceAccount that switches the token off, but may not be this pod's.
        off = accounts.filter(lambda a: a.value.get("automountServiceAccountToken") is False)
        if off.doubt:
            yield Unknown(
                f"pod {using}; no default ServiceAccount of its namespace certainly switches "
                f"the token off: {off.doubt}"
            )
            return
        detail = "neither the pod nor a default ServiceAccount in the index sets it to false"
    yield Violation(f"pod {using} and mounts its API token: {detail}", path=where)
