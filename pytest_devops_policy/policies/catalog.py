"""The built-in policies by id, name and subject, known without importing them (issue 15).

A run imports a built-in's module only when it is needed: when a subject of a collected file
asks whether the policy applies. A workflows-only run (or ``--devops-policy-select GHA``)
then never pays for the Kubernetes schemas, the HCL parsers or bashlex that other kinds'
policies import. The builtin hook returns one ``LazyPolicy`` per row of ``CATALOG``: its id,
name, subject and kind come from the table, which is all that validating
``--devops-policy-select``/``--ignore``, selecting and grouping by subject read; reading any
other field loads the module, and the object becomes that module's ``Policy``.

``tests/test_meta.py`` fails when this table and the modules disagree; ``python -m
pytest_devops_policy.policies.catalog`` prints the table from the modules.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from pytest_devops_policy.api import SUBJECT_KINDS, Policy, get_policy
from pytest_devops_policy.kinds import by_name

__all__ = ["CATALOG", "LazyPolicy", "lazy_builtin_policies", "module_name"]

# (id, name, subject) of every built-in; the module is policies/<kind>/<id>_<name>.py. A
# policy with several anchors (``api.also_anchored``) has one row per anchor, the primary
# first.
CATALOG: tuple[tuple[str, str, str], ...] = (
    ("DOCKER-001", "final-stage-non-root-user", "dockerfile"),
    ("DOCKER-002", "multi-stage-build", "dockerfile"),
    ("DOCKER-003", "base-image-tag-pinned", "dockerfile"),
    ("DOCKER-004", "base-image-digest-pinned", "dockerfile"),
    ("DOCKER-005", "final-stage-healthcheck", "dockerfile"),
    ("DOCKER-006", "no-secrets-in-arg-env", "dockerfile"),
    ("DOCKER-007", "no-secret-files-in-image", "dockerfile"),
    ("DOCKER-008", "broad-copy-needs-dockerignore", "dockerfile"),
    ("DOCKER-009", "copy-not-add", "dockerfile"),
    ("DOCKER-010", "no-sudo", "dockerfile"),
    ("DOCKER-011", "tls-verification-enabled", "dockerfile"),
    ("DOCKER-012", "https-downloads-no-pipe-to-shell", "dockerfile"),
    ("DOCKER-013", "package-signatures-verified", "dockerfile"),
    ("DOCKER-014", "no-ssh-in-image", "dockerfile"),
    ("DOCKER-015", "package-manager-hygiene", "dockerfile"),
    ("DOCKER-016", "pinned-package-versions", "dockerfile"),
    ("DOCKER-017", "absolute-workdir", "dockerfile"),
    ("DOCKER-018", "exec-form-cmd-entrypoint", "dockerfile"),
    ("DOCKER-019", "single-cmd-entrypoint-healthcheck", "dockerfile"),
    ("DOCKER-020", "valid-stage-references", "dockerfile"),
    ("DOCKER-021", "no-insecure-build-features", "dockerfile"),
    ("DOCKER-022", "pipefail-for-pipes", "dockerfile"),
    ("DOCKER-023", "base-image-not-eol", "dockerfile"),
    ("DOCKER-024", "lean-final-stage", "dockerfile"),
    ("DOCKER-025", "numeric-user-id", "dockerfile"),
    ("GHA-001", "permissions-declared", "job"),
    ("GHA-002", "no-broad-write-permissions", "workflow"),
    ("GHA-003", "actions-pinned-by-sha", "job"),
    ("GHA-004", "job-images-pinned", "job"),
    ("GHA-005", "no-hardcoded-secrets", "job"),
    ("GHA-006", "no-secret-overexposure", "job"),
    ("GHA-007", "no-insecure-workflow-commands", "job"),
    ("GHA-008", "no-template-injection", "job"),
    ("GHA-009", "no-untrusted-code-in-privileged-triggers", "job"),
    ("GHA-010", "checkout-no-persisted-credentials", "job"),
    ("GHA-011", "prefer-oidc-over-static-cloud-keys", "job"),
    ("GHA-012", "deploy-job-uses-environment", "job"),
    ("GHA-013", "deploy-after-tests", "job"),
    ("GHA-014", "deploy-after-security-scan", "job"),
    ("GHA-015", "repo-scans-on-pull-requests", "repository"),
    ("GHA-016", "deploy-has-rollback", "job"),
    ("GHA-017", "post-deploy-verification", "job"),
    ("GHA-018", "deploy-concurrency", "job"),
    ("GHA-019", "job-timeouts-bounded", "job"),
    ("GHA-020", "ci-cache-yes-release-cache-no", "job"),
    ("GHA-021", "staging-before-production", "job"),
    ("GHA-022", "no-force-push", "job"),
    ("GHA-023", "commit-checks-present", "repository"),
    ("GHA-024", "no-unapproved-friday-deploy", "job"),
    ("GHA-025", "migration-preceded-by-backup", "job"),
    ("GHA-026", "no-insecure-downloads", "job"),
    ("GHA-027", "dependency-updates-configured", "repository"),
    ("GHA-028", "image-scan-before-push", "job"),
    ("GHA-029", "prod-deploy-from-protected-ref", "job"),
    ("GL-001", "deploy-job-environment", "gl_job"),
    ("GL-002", "deploy-after-tests", "gl_job"),
    ("GL-003", "security-scanning-included", "gl_pipeline"),
    ("GL-004", "deploy-has-rollback", "gl_job"),
    ("GL-005", "deploy-resource-group", "gl_job"),
    ("GL-006", "job-timeout-bounded", "gl_job"),
    ("GL-007", "images-pinned", "gl_job"),
    ("GL-008", "no-hardcoded-secrets", "gl_pipeline"),
    ("GL-009", "no-ci-token-exfiltration", "gl_job"),
    ("GL-010", "no-force-push", "gl_job"),
    ("GL-011", "dependency-caching", "gl_job"),
    ("GL-012", "no-duplicate-pipelines", "gl_pipeline"),
    ("GL-013", "staging-before-production", "gl_job"),
    ("GL-014", "schema-valid", "gl_pipeline"),
    ("HOST-001", "ssh-root-login-disabled", "host"),
    ("HOST-002", "ssh-password-auth-disabled", "host"),
    ("HOST-003", "ssh-hardened-options", "host"),
    ("HOST-004", "no-extra-uid0-or-empty-passwords", "host"),
    ("HOST-005", "sudo-no-passwordless-root", "host"),
    ("HOST-006", "system-file-permissions", "host"),
    ("HOST-007", "no-world-writable-files", "host"),
    ("HOST-008", "secrets-not-exposed", "host"),
    ("HOST-009", "firewall-default-deny-inbound", "host"),
    ("HOST-010", "listeners-allowlisted", "host"),
    ("HOST-011", "container-daemon-not-exposed", "host"),
    ("HOST-012", "kernel-sysctl-hardening", "host"),
    ("HOST-013", "automatic-security-updates", "host"),
    ("HOST-014", "no-pending-security-updates", "host"),
    ("HOST-015", "time-synchronized", "host"),
    ("HOST-016", "audit-logging-active", "host"),
    ("HOST-017", "logs-persistent-and-retained", "host"),
    ("HOST-018", "tls-endpoints-valid", "host"),
    ("HOST-019", "monitoring-agent-running", "host"),
    ("HOST-020", "backups-scheduled-encrypted-verified", "host"),
    ("HOST-021", "services-healthy", "host"),
    ("HOST-022", "resource-limits-set", "host"),
    ("K8S-001", "run-as-non-root", "k8s_object"),
    ("K8S-002", "no-privileged-containers", "k8s_object"),
    ("K8S-003", "no-privilege-escalation", "k8s_object"),
    ("K8S-004", "drop-all-capabilities", "k8s_object"),
    ("K8S-005", "read-only-root-fs", "k8s_object"),
    ("K8S-006", "no-host-namespaces-or-ports", "k8s_object"),
    ("K8S-007", "no-hostpath-volumes", "k8s_object"),
    ("K8S-008", "seccomp-runtime-default", "k8s_object"),
    ("K8S-009", "service-account-least-privilege", "k8s_object"),
    ("K8S-010", "resource-requests-and-limits", "k8s_object"),
    ("K8S-011", "resource-values-valid", "k8s_object"),
    ("K8S-012", "readiness-probe", "k8s_object"),
    ("K8S-013", "liveness-probe", "k8s_object"),
    ("K8S-014", "namespace-quota-and-isolation", "k8s_object"),
    ("K8S-015", "image-pinned", "k8s_object"),
    ("K8S-016", "no-secret-literals-in-env", "k8s_object"),
    ("K8S-017", "no-plaintext-secret-manifests", "k8s_object"),
    ("K8S-018", "ingress-tls", "k8s_object"),
    ("K8S-019", "network-policy-coverage", "k8s_object"),
    ("K8S-020", "rbac-least-privilege", "k8s_object"),
    ("K8S-021", "service-exposure-restricted", "k8s_object"),
    ("K8S-022", "rolling-update-strategy", "k8s_object"),
    ("K8S-023", "rollout-max-unavailable-bounded", "k8s_object"),
    ("K8S-024", "revision-history-retained", "k8s_object"),
    ("K8S-025", "progress-deadline-bounded", "k8s_object"),
    ("K8S-026", "pdb-for-multi-replica", "k8s_object"),
    ("K8S-027", "pdb-allows-eviction", "k8s_object"),
    ("K8S-028", "replicas-and-autoscaling", "k8s_object"),
    ("K8S-029", "replica-spread", "k8s_object"),
    ("K8S-030", "job-bounds", "k8s_object"),
    ("K8S-031", "schema-valid", "k8s_object"),
    ("SECRET-001", "private-key-material", "secrets_file"),
    ("SECRET-002", "cloud-access-keys", "secrets_file"),
    ("SECRET-003", "vcs-and-ci-tokens", "secrets_file"),
    ("SECRET-004", "package-registry-tokens", "secrets_file"),
    ("SECRET-005", "chat-and-webhook-secrets", "secrets_file"),
    ("SECRET-006", "saas-api-keys", "secrets_file"),
    ("SECRET-007", "jwt-tokens", "secrets_file"),
    ("SECRET-008", "credentials-in-urls", "secrets_file"),
    ("SECRET-009", "keyword-assigned-secrets", "secrets_file"),
    ("SECRET-010", "high-entropy-strings", "secrets_file"),
    ("SECRET-011", "env-file-committed", "secrets_file"),
    ("SECRET-012", "credential-files-committed", "secrets_file"),
    ("SECRET-013", "state-and-kubeconfig-committed", "secrets_file"),
    ("SECRET-014", "k8s-secret-objects-plaintext", "secrets_file"),
    ("TF-001", "storage-not-public", "tf_resource"),
    ("TF-002", "encryption-at-rest", "tf_resource"),
    ("TF-003", "backups-encrypted", "tf_resource"),
    ("TF-004", "https-only-endpoints", "tf_resource"),
    ("TF-005", "tls-to-data-services", "tf_resource"),
    ("TF-006", "no-open-admin-or-db-ports", "tf_resource"),
    ("TF-007", "no-unrestricted-any-port", "tf_resource"),
    ("TF-008", "no-public-datastores-or-instances", "tf_resource"),
    ("TF-009", "iam-least-privilege", "tf_resource"),
    ("TF-010", "no-long-lived-credentials", "tf_resource"),
    ("TF-011", "no-hardcoded-secrets", "tf_resource"),
    ("TF-012", "secret-rotation-configured", "tf_resource"),
    ("TF-013", "kms-key-rotation", "tf_resource"),
    ("TF-014", "deletion-protection", "tf_resource"),
    ("TF-015", "prevent-destroy-on-stateful", "tf_resource"),
    ("TF-016", "final-snapshot-on-delete", "tf_resource"),
    ("TF-017", "automated-backups-retained", "tf_resource"),
    ("TF-018", "object-versioning", "tf_resource"),
    ("TF-019", "ha-datastores", "tf_resource"),
    ("TF-020", "health-checks-configured", "tf_resource"),
    ("TF-021", "deployment-auto-rollback", "tf_resource"),
    ("TF-022", "audit-logging", "tf_resource"),
    ("TF-023", "monitoring-enabled", "tf_resource"),
    ("TF-024", "log-retention-set", "tf_resource"),
    ("TF-025", "managed-patching", "tf_resource"),
    ("TF-026", "registry-scanning-and-immutable-tags", "tf_resource"),
    ("TF-027", "remote-state-locked-encrypted", "tf_block"),
    ("TF-028", "modules-and-providers-pinned", "tf_block"),
    ("TF-029", "branch-protection-as-code", "tf_resource"),
    ("TF-030", "certificates-auto-renew", "tf_resource"),
    ("XREF-001", "deploy-target-exists", "job"),
    ("XREF-001", "deploy-target-exists", "gl_job"),
    ("XREF-002", "deployed-image-is-pushed", "job"),
    ("XREF-002", "deployed-image-is-pushed", "gl_job"),
    ("XREF-003", "nonroot-pod-needs-numeric-image-user", "k8s_object"),
    ("XREF-004", "deploy-environment-protected", "job"),
    ("XREF-005", "build-dockerfile-exists", "job"),
    ("XREF-005", "build-dockerfile-exists", "gl_job"),
    ("XREF-006", "apply-namespace-consistent", "job"),
    ("XREF-006", "apply-namespace-consistent", "gl_job"),
    ("XREF-007", "pushed-tag-accepted-by-registry", "job"),
    ("XREF-007", "pushed-tag-accepted-by-registry", "gl_job"),
    ("XREF-008", "heap-fits-memory-limit", "k8s_object"),
    ("XREF-009", "pod-ports-match-image", "k8s_object"),
    ("XREF-010", "deployed-manifests-pass-gates", "job"),
    ("XREF-011", "probe-matches-healthcheck", "k8s_object"),
)

_FIELDS = tuple(f.name for f in dataclasses.fields(Policy))
_KNOWN = frozenset({"id", "name", "subject", "kind", "func", "primary"})
# What needs the module: the other fields, and the methods that read them (the dataclass's
# __eq__/__hash__/__repr__ are looked up on the type; LazyPolicy overrides them below).
_DEFERRED = frozenset(_FIELDS) - _KNOWN | {"origin", "evaluate", "applies_to"}


def module_name(policy_id: str, name: str, subject: str) -> str:
    """The module of a built-in (``tests/test_meta.py`` holds every module to this shape)."""
    package = by_name(SUBJECT_KINDS[subject]).package
    stem = f"{policy_id.lower().replace('-', '_')}_{name.replace('-', '_')}"
    return f"pytest_devops_policy.policies.{package}.{stem}"


def _load(module: str, policy_id: str) -> Policy:
    for value in vars(importlib.import_module(module)).values():
        meta = get_policy(value)
        if meta is not None and meta.id == policy_id and meta.func.__module__ == module:
            return meta
    raise LookupError(
        f"built-in policy {policy_id} is not in {module}: policies/catalog.py is out of date "
        "(python -m pytest_devops_policy.policies.catalog prints it from the modules)"
    )


class LazyPolicy(Policy):
    """A built-in ``Policy`` whose module is imported on first use of a field the catalog
    does not hold; then the object turns into the module's ``Policy`` (same fields, same
    class), so later reads cost nothing extra."""

    def __init__(self, policy_id: str, name: str, subject: str, primary: bool = True) -> None:
        module = module_name(policy_id, name, subject)
        set_ = object.__setattr__
        set_(self, "id", policy_id)
        set_(self, "name", name)
        set_(self, "subject", subject)
        set_(self, "kind", SUBJECT_KINDS[subject])
        set_(self, "func", _stand_in(self))
        set_(self, "primary", primary)
        set_(self, "_module", module)

    def __getattribute__(self, attr: str) -> Any:
        if attr in _DEFERRED:
            LazyPolicy.resolved(self)
        return object.__getattribute__(self, attr)

    def resolved(self) -> Policy:
        if type(self) is LazyPolicy:  # not yet loaded
            real = _load(object.__getattribute__(self, "_module"), self.id)
            for field in _FIELDS:
                object.__setattr__(self, field, getattr(real, field))
            object.__setattr__(self, "__class__", Policy)
        return self

    def __eq__(self, other: object) -> bool:
        return Policy.__eq__(self.resolved(), other)

    def __hash__(self) -> int:
        return Policy.__hash__(self.resolved())

    def __repr__(self) -> str:
        return f"LazyPolicy({self.id!r})"


def _stand_in(policy: LazyPolicy) -> Callable[..., Any]:
    """``func`` until the module is loaded. It is a function of this module, so the result
    cache (which keys a built-in as "builtin" by the module of ``func``) and the report's
    "is it built in" test see the same answer before and after loading."""

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        return policy.resolved().func(*args, **kwargs)

    stand_in.__qualname__ = stand_in.__name__ = f"lazy_{policy.id.replace('-', '_')}"
    return stand_in


@cache
def lazy_builtin_policies() -> tuple[Policy, ...]:
    # A policy anchored on several subjects has a row per anchor; the first is its
    # primary (``api.also_anchored``).
    seen: set[str] = set()
    out: list[Policy] = []
    for pid, name, subject in CATALOG:
        out.append(LazyPolicy(pid, name, subject, primary=pid not in seen))
        seen.add(pid)
    return tuple(out)


def catalog_rows(policies: tuple[Policy, ...]) -> list[str]:
    return [f'    ("{p.id}", "{p.name}", "{p.subject}"),' for p in policies]


if __name__ == "__main__":
    from pytest_devops_policy.policies import builtin_policies

    print("\n".join(catalog_rows(builtin_policies())))
