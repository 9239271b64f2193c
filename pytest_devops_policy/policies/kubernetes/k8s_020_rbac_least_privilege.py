"""K8S-020: RBAC roles and bindings grant least privilege.

Judged: ``Role``, ``ClusterRole``, ``RoleBinding`` and ``ClusterRoleBinding``
(``rbac.authorization.k8s.io``). A role fails on its own rules (wildcards, the
privilege-escalation verbs, exec/attach/node-proxy); a ClusterRole that reads
Secrets fails when its deployment unit holds a ClusterRoleBinding that grants it
cluster-wide. A binding fails when it grants ``cluster-admin`` or a wildcard
role of its unit, and always (critical) when it grants a role to everyone
(``system:anonymous``, ``system:unauthenticated``, ``system:authenticated``).

Aggregated ClusterRoles (``aggregationRule``) have their rules filled in by the
controller from the ClusterRoles their selectors match, so they are judged
through those: a binding to an aggregated role sees the rules of the matching
ClusterRoles of the index, and a ClusterRole is bound cluster-wide when an
aggregating role that selects it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_templated
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.kubernetes import Entry, K8sIndex
from pytest_devops_policy.knowledge.kubernetes.selectors import label_selector_matches

RBAC_GROUP = "rbac.authorization.k8s.io"
_ROLE_KINDS = frozenset({"Role", "ClusterRole"})
_BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})

# Everyone: these subjects make any grant exploitable as written.
DANGEROUS_SUBJECTS = frozenset(
    {"system:anonymous", "system:unauthenticated", "system:authenticated"}
)
# What Kubernetes itself grants to everyone (API discovery, version, health).
_PUBLIC_ROLES = frozenset({"system:discovery", "system:basic-user", "system:public-info-viewer"})
_SYSTEM_NAMESPACE = "kube-system"
_ESCALATION_VERBS = ("escalate", "bind", "impersonate")
_EXEC_RESOURCES = ("pods/exec", "pods/attach", "nodes/proxy")
_READ_VERBS = ("get", "list", "watch")
# Built-in ClusterRoles that read Secrets: harmless inside a namespace (RoleBinding),
# every namespace's Secrets through a ClusterRoleBinding.
_BUILTIN_SECRET_READERS = frozenset({"admin", "edit"})


def rbac_objects(subject: object) -> bool:
    """``applies=`` predicate: RBAC roles and bindings."""
    return (
        isinstance(subject, K8sObject)
        and subject.kind_name in _ROLE_KINDS | _BINDING_KINDS
        and subject.group == RBAC_GROUP
    )


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(rule: Mapping[str, Any], key: str) -> list[str]:
    return [v for v in _list(rule.get(key)) if isinstance(v, str)]


def _core(rule: Mapping[str, Any]) -> bool:
    """The rule's apiGroups include the core group (pods, secrets, nodes live there)."""
    groups = _names(rule, "apiGroups")
    return "" in groups or "*" in groups


def _restricted_to_names(rule: Mapping[str, Any]) -> bool:
    return bool(_names(rule, "resourceNames"))


def _shown(values: list[str]) -> str:
    return ", ".join(v or '""' for v in values)


# -- rules -----------------------------------------------------------------------------------


def is_wildcard_rule(rule: object) -> bool:
    """``*`` in verbs or in resources: everything, including what the API adds later."""
    if not isinstance(rule, Mapping):
        return False
    return "*" in _names(rule, "verbs") or "*" in _names(rule, "resources")


def _reads_secrets(rule: Mapping[str, Any]) -> list[str]:
    """The read verbs a rule grants on Secrets named explicitly (``*`` is flagged apart)."""
    if not _core(rule) or "secrets" not in _names(rule, "resources"):
        return []
    if _restricted_to_names(rule):
        return []  # a few named Secrets, not every Secret
    verbs = _names(rule, "verbs")
    return [v for v in verbs if v in (*_READ_VERBS, "*")]


def _rule_findings(rule: Mapping[str, Any], i: int) -> Iterator[Violation]:
    verbs, resources = _names(rule, "verbs"), _names(rule, "resources")
    at: tuple[PathPart, ...] = ("rules", i)
    if "*" in verbs:
        what = f"resources {_shown(resources)}" if resources else "the rule's targets"
        urls = _names(rule, "nonResourceURLs")
        if urls and not resources:
            what = f"nonResourceURLs {_shown(urls)}"
        yield Violation(
            f'rules[{i}] grants every verb (verbs: ["*"]) on {what}', path=(*at, "verbs")
        )
    if "*" in resources:
        groups = _names(rule, "apiGroups")
        scope = "of every API group" if "*" in groups else f"of apiGroups {_shown(groups)}"
        yield Violation(
            f'rules[{i}] grants every resource {scope} (resources: ["*"])',
            path=(*at, "resources"),
        )
    escalation = [v for v in _ESCALATION_VERBS if v in verbs]
    if escalation:
        yield Violation(
            f"rules[{i}] grants {', '.join(escalation)} on {_shown(resources) or 'its targets'}: "
            "a path to privileges the holder does not have",
            path=(*at, "verbs"),
        )
    if _core(rule) and ("create" in verbs or "*" in verbs):
        # "*/exec" is RBAC's "this subresource of every resource".
        shells = [
            r
            for r in resources
            if r in _EXEC_RESOURCES
            or (r.startswith("*/") and any(e.endswith(r[1:]) for e in _EXEC_RESOURCES))
        ]
        if shells:
            yield Violation(
                f"rules[{i}] grants create on {', '.join(shells)}: a shell in running pods "
                "(or the kubelet API), with their service accounts and mounted secrets",
                path=(*at, "resources"),
            )


# -- subjects --------------------------------------------------------------------------------


def _subject_ns(subject: Mapping[str, Any], binding_ns: str | None) -> str | None:
    ns = subject.get("namespace")
    return str(ns) if isinstance(ns, str) and ns else binding_ns


def subject_class(subject: Mapping[str, Any], binding_ns: str | None) -> str:
    """``dangerous`` (everyone), ``system`` (control plane) or ``ordinary``.

    The control plane's own identities (``system:`` users and groups such as
    ``system:kube-scheduler`` or ``system:nodes``, and service accounts of
    kube-system) are exempt from the cluster-admin and wildcard checks. The
    service-account groups (``system:serviceaccounts[:<ns>]``) are ordinary: they
    stand for every application's service account.
    """
    kind, name = subject.get("kind"), subject.get("name")
    if not isinstance(name, str):
        return "ordinary"
    if name in DANGEROUS_SUBJECTS:
        return "dangerous"
    if kind == "ServiceAccount":
        return "system" if _subject_ns(subject, binding_ns) == _SYSTEM_NAMESPACE else "ordinary"
    if not name.startswith("system:"):
        return "ordinary"
    for prefix in ("system:serviceaccounts:", "system:serviceaccount:"):
        if name.startswith(prefix):
            ns = name[len(prefix) :].split(":", 1)[0]
            return "system" if ns == _SYSTEM_NAMESPACE else "ordinary"
    return "ordinary" if name == "system:serviceaccounts" else "system"


def _subject_text(subject: Mapping[str, Any], binding_ns: str | None) -> str:
    kind, name = subject.get("kind") or "subject", subject.get("name")
    if kind == "ServiceAccount":
        ns = _subject_ns(subject, binding_ns)
        return f"ServiceAccount {ns}/{name}" if ns else f"ServiceAccount {name}"
    return f"{kind} {name}"


def _subjects(binding: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for i, subject in enumerate(_list(binding.get("subjects"))):
        if isinstance(subject, Mapping):
            yield i, subject


# -- the index: roles, aggregation, bindings -------------------------------------------------


def _cluster_roles(index: K8sIndex) -> list[Entry]:
    return [e for e in index.objects("ClusterRole") if e.group == RBAC_GROUP]


def _aggregates(aggregator: Entry, role_labels: Mapping[str, Any]) -> bool:
    rule = aggregator.value.get("aggregationRule")
    if not isinstance(rule, Mapping):
        return False
    return any(
        s is not None and label_selector_matches(s, role_labels)
        for s in _list(rule.get("clusterRoleSelectors"))
    )


def effective_rules(
    index: K8sIndex, role: Entry, seen: frozenset[int] = frozenset()
) -> Iterator[tuple[Entry, Mapping[str, Any]]]:
    """(where the rule is written, rule) for a role, through aggregation."""
    if not isinstance(role.value.get("aggregationRule"), Mapping):
        for rule in _list(role.value.get("rules")):
            if isinstance(rule, Mapping):
                yield role, rule
        return
    seen = seen | {id(role)}
    for other in _cluster_roles(index):
        if id(other) not in seen and _aggregates(role, other.labels):
            yield from effective_rules(index, other, seen)


def _roles_for(index: K8sIndex, binding: Mapping[str, Any], ns: str | None) -> list[Entry]:
    """The roles of the index a binding's roleRef names."""
    ref = binding.get("roleRef")
    if not isinstance(ref, Mapping):
        return []
    kind, name = ref.get("kind"), ref.get("name")
    if kind == "ClusterRole":
        return [e for e in _cluster_roles(index) if e.name == name]
    if kind == "Role" and binding.get("kind") == "RoleBinding":
        return [e for e in index.objects("Role", ns) if e.group == RBAC_GROUP and e.name == name]
    return []


def _grants_anyone_else(binding: Mapping[str, Any], ns: str | None) -> bool:
    return any(subject_class(s, ns) != "system" for _, s in _subjects(binding))


def cluster_bindings(
    index: K8sIndex, name: str | None, labels: Mapping[str, Any], seen: frozenset[str] = frozenset()
) -> list[Entry]:
    """ClusterRoleBindings that grant the ClusterRole ``name`` (directly, or through an
    aggregating ClusterRole) to someone other than the control plane."""
    found = [
        b
        for b in index.objects("ClusterRoleBinding")
        if b.group == RBAC_GROUP
        and isinstance(ref := b.value.get("roleRef"), Mapping)
        and ref.get("kind") == "ClusterRole"
        and ref.get("name") == name
        and _grants_anyone_else(b.value, None)
    ]
    seen = seen | {str(name)}
    for aggregator in _cluster_roles(index):
        if aggregator.name not in seen and _aggregates(aggregator, labels):
            found += cluster_bindings(index, aggregator.name, aggregator.labels, seen)
    return found


# -- the policy ------------------------------------------------------------------------------


def _role(k8s_object: K8sObject, index: K8sIndex | None) -> Iterator[Violation | Unknown]:
    if k8s_object.get("aggregationRule") is not None:
        return  # no rules of its own: the controller fills them in
    rules = k8s_object.get("rules")
    secret_rules: list[tuple[int, list[str]]] = []
    for i, rule in enumerate(_list(rules)):
        if not isinstance(rule, Mapping):
            continue
        yield from _rule_findings(rule, i)
        verbs = _reads_secrets(rule)
        if verbs:
            secret_rules.append((i, verbs))
    if not secret_rules or k8s_object.kind_name != "ClusterRole" or index is None:
        return
    bindings = cluster_bindings(index, k8s_object.name, k8s_object.labels)
    if not bindings:
        return
    via = ", ".join(dict.fromkeys(b.ref for b in bindings))
    for i, verbs in secret_rules:
        yield Violation(
            f"rules[{i}] grants {', '.join(verbs)} on secrets, and the ClusterRole is bound "
            f"cluster-wide by {via}: every Secret of every namespace is readable",
            path=("rules", i, "resources"),
        )


def _wildcard_source(index: K8sIndex | None, binding: K8sObject, ns: str | None) -> str | None:
    """Why the bound role is a wildcard role of the index, or None."""
    if index is None:
        return None
    for role in _roles_for(index, binding, ns):
        for where, rule in effective_rules(index, role):
            if is_wildcard_rule(rule):
                verbs, resources = _names(rule, "verbs"), _names(rule, "resources")
                through = "" if where is role else f", aggregated from {where.ref}"
                return (
                    f"{role.ref} is a wildcard role (verbs {_shown(verbs)} on resources "
                    f"{_shown(resources) or '(none)'}{through})"
                )
    return None


def _maybe_wildcard(index: K8sIndex, name: str, ns: str | None) -> str | None:
    """Why the Role a RoleBinding names may be a wildcard role of the unit whose namespace
    is not certainly the binding's, or None."""
    roles = index.named("Role", name, ns).filter(lambda e: e.group == RBAC_GROUP)
    wild = roles.filter(
        lambda r: any(is_wildcard_rule(rule) for _, rule in effective_rules(index, r))
    )
    return f"it may be a wildcard role: {wild.namespace_doubt}" if wild.maybe else None


def _binding(k8s_object: K8sObject, index: K8sIndex | None) -> Iterator[Violation | Unknown]:
    ref = k8s_object.get("roleRef")
    if not isinstance(ref, Mapping):
        return
    role_kind, role_name = ref.get("kind"), ref.get("name")
    if is_templated(role_name):
        yield Unknown(f"roleRef.name is templated ({role_name})")
        return
    if not isinstance(role_name, str):
        return
    cluster_wide = k8s_object.kind_name == "ClusterRoleBinding"
    ns = index.namespace_of(k8s_object) if index is not None else k8s_object.effective_namespace
    where = "cluster-wide" if cluster_wide else f"in namespace {ns}" if ns else "in its namespace"
    grant = f"grants {role_kind} {role_name} {where}"
    in_index = index is not None and bool(_roles_for(index, k8s_object, ns))
    problem: str | None = None  # why granting the role is too much
    if role_kind == "ClusterRole" and role_name == "cluster-admin":
        problem = "full control of " + ("the cluster" if cluster_wide else "the namespace")
    elif (source := _wildcard_source(index, k8s_object, ns)) is not None:
        problem = source
    elif (
        cluster_wide
        and role_kind == "ClusterRole"
        and role_name in _BUILTIN_SECRET_READERS
        and not in_index
    ):
        problem = (
            f"the built-in {role_name} role reads and writes the Secrets of every namespace "
            "and execs into every pod"
        )
    doubt = None
    if problem is None and role_kind == "Role" and not in_index and index is not None:
        doubt = _maybe_wildcard(index, role_name, ns)
    for i, subject in _subjects(k8s_object):
        kind = subject_class(subject, ns)
        who = _subject_text(subject, ns)
        if kind == "ordinary" and doubt is not None:
            yield Unknown(f"{grant} to {who}: {doubt}")
            continue
        path = ("subjects", i, "name") if "name" in subject else ("subjects", i)
        if kind == "dangerous":
            if problem is None and role_name in _PUBLIC_ROLES and role_kind == "ClusterRole":
                continue
            why = f" ({problem})" if problem else ""
            yield Violation(
                f"{grant} to {who}{why}: that is everyone who can reach the API server",
                path=path,
                severity=Severity.CRITICAL,
            )
        elif kind == "ordinary" and problem is not None:
            yield Violation(f"{grant} to {who}: {problem}", path=path)


@policy(
    id="K8S-020",
    name="rbac-least-privilege",
    title="RBAC roles and bindings must grant least privilege",
    severity=Severity.HIGH,
    rationale=(
        "RBAC is the boundary between a compromised pod or leaked token and the whole "
        "cluster. Wildcards grant every verb and resource, including ones added later; "
        "escalate, bind and impersonate let the holder grant itself more; create on "
        "pods/exec or nodes/proxy is a shell in other workloads; reading Secrets "
        "cluster-wide yields every credential; and cluster-admin bound to users, groups or "
        "application service accounts, or anything bound to system:authenticated or "
        "system:anonymous, hands the cluster away."
    ),
    remediation=(
        "List the exact apiGroups, resources and verbs each workload needs, in a Role bound "
        "by a RoleBinding in its own namespace. Keep escalate, bind, impersonate, "
        "pods/exec and Secret reads out of ClusterRoles bound cluster-wide (or restrict them "
        "with resourceNames), reserve cluster-admin for break-glass groups, and never bind "
        "roles to system:anonymous, system:unauthenticated or system:authenticated."
    ),
    controls=(
        "CIS-K8s-5.1.1",
        "CIS-K8s-5.1.2",
        "CIS-K8s-5.1.3",
        "CIS-K8s-5.1.8",
        "CIS-K8s-5.1.10",
        "NSA-K8s-Authentication-Authorization",
        "NIST-800-53-AC-6",
    ),
    references=(
        "checkov:CKV_K8S_49",
        "checkov:CKV_K8S_155",
        "checkov:CKV_K8S_156",
        "checkov:CKV_K8S_157",
        "checkov:CKV_K8S_158",
        "checkov:CKV2_K8S_1",
        "checkov:CKV2_K8S_2",
        "checkov:CKV2_K8S_3",
        "checkov:CKV2_K8S_4",
        "checkov:CKV2_K8S_5",
        "kube-linter:wildcard-in-rules",
        "kube-linter:cluster-admin-role-binding",
        "kube-linter:access-to-secrets",
        "kube-linter:access-to-create-pods",
        "polaris:clusterrolebindingClusterAdmin",
        "polaris:rolebindingClusterAdminClusterRole",
        "polaris:clusterrolePodExecAttach",
        "trivy:AVD-KSV-0041",
        "trivy:AVD-KSV-0044",
        "trivy:AVD-KSV-0045",
        "trivy:AVD-KSV-0046",
        "trivy:AVD-KSV-0053",
        "trivy:AVD-KSV-0111",
        "trivy:AVD-KSV-0112",
        "trivy:AVD-KSV-0122",
        "trivy:AVD-KSV-0123",
        "trivy:AVD-KSV-01011",
    ),
    applies=rbac_objects,
    example="""\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: deployer
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: deployer
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: deployer
subjects:
  - kind: ServiceAccount
    name: ci
    namespace: ci
""",
    use_instead="""\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: shop
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch", "patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployer
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: deployer
subjects:
  - kind: ServiceAccount
    name: ci
    namespace: ci
""",
)
def rbac_least_privilege(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    index: K8sIndex | None = context.index(k8s_object)
    if k8s_object.kind_name in _ROLE_KINDS:
        yield from _role(k8s_object, index)
    else:
        yield from _binding(k8s_object, index)
