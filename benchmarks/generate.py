"""Generate a deterministic, realistic mixed infrastructure repository for the benchmarks.

    python benchmarks/generate.py OUT_DIR --files 2000 [--profile mixed|clean|dirty] [--seed 0]

The tree looks like a checkout of an organisation's repositories: one directory per project,
each with ``services/*/Dockerfile*``, multi-document Kubernetes manifests under ``deploy/``,
GitHub Actions workflows under ``.github/workflows/`` and Terraform module directories under
``infra/`` (``main.tf``, ``variables.tf``, ``outputs.tf``, ``locals.tf``, ``terraform.tfvars``).
By file count it is about 40% Kubernetes, 20% Dockerfiles, 15% workflows and 25% Terraform.

Profiles differ only in *values*, never in structure:

* ``mixed`` (default): about a third of the files carry violations;
* ``clean``: no file does;
* ``dirty``: every violation site of every file is set to its violating value.

Every builder asks ``Faults`` once per violation site, in a fixed order, and draws from its
structure RNG the same way whatever the answer. So the three profiles produce the same files,
the same resources and the same pytest items; only the outcome of the items changes.
Randomness comes from ``random.Random`` seeded with strings (stable across runs and
platforms); nothing depends on time, the environment or dict/set ordering.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emit import (
    Annotated,
    Expr,
    Flow,
    Heredoc,
    hcl_attributes,
    hcl_block,
    hcl_value,
    yaml_document,
    yaml_stream,
)

__all__ = [
    "KINDS",
    "PROFILES",
    "FileSpec",
    "GenerationResult",
    "generate",
    "generate_files",
    "plan",
    "render",
]

PROFILES = ("mixed", "clean", "dirty")
KINDS = ("kubernetes", "dockerfile", "github-actions", "terraform")
SHARES = {"kubernetes": 0.40, "dockerfile": 0.20, "github-actions": 0.15, "terraform": 0.25}
FILES_PER_PROJECT = 25
MIXED_VIOLATING_SHARE = 1 / 3  # files with at least one violation in the mixed profile
MIXED_SITE_SHARE = 0.4  # in such a file, the share of its other sites that violate too


# --------------------------------------------------------------------------- violations


class Faults:
    """Decides, site by site, whether a generated value is the violating one.

    ``bad`` is the set of site indexes to violate (``None`` with ``every=True`` for all of
    them). ``fake()`` makes obviously fake credentials from a hash, never from the structure
    RNG, so asking for one cannot shift the structure.
    """

    def __init__(self, salt: str, bad: frozenset[int] = frozenset(), every: bool = False):
        self.salt = salt
        self.sites = 0
        self.hits = 0
        self._bad = bad
        self._every = every
        self._fakes = 0

    def __call__(self) -> bool:
        index = self.sites
        self.sites += 1
        hit = self._every or index in self._bad
        self.hits += hit
        return hit

    def pick(self, clean: Any, dirty: Any) -> Any:
        """One violation site: the clean or the violating value."""
        return dirty if self() else clean

    def fake(self, style: str = "token") -> str:
        self._fakes += 1
        digest = hashlib.sha256(f"{self.salt}/{self._fakes}".encode()).hexdigest()
        if style == "aws":
            return "AKIAFAKE" + digest[:12].upper()
        if style == "password":
            return "FAKE-pw-" + digest[:16]
        return "fake_" + digest[:32]


Builder = Callable[[random.Random, Faults], str]


@dataclass(frozen=True)
class FileSpec:
    relpath: str
    kind: str  # one of KINDS (terraform.tfvars counts as terraform)
    build: Builder = field(repr=False, compare=False)


def render(spec: FileSpec, seed: int, profile: str) -> tuple[str, int, int]:
    """The text of one file, its number of violation sites, and how many of them violate."""
    salt = f"{seed}:{spec.relpath}"
    if profile == "clean":
        faults = Faults(salt)
    elif profile == "dirty":
        faults = Faults(salt, every=True)
    elif profile == "mixed":
        chooser = random.Random(f"{salt}:violations")
        faults = Faults(salt)
        if chooser.random() < MIXED_VIOLATING_SHARE:
            # A dry run counts the sites; one is forced so the file really violates.
            counter = Faults(salt)
            spec.build(random.Random(salt), counter)
            if counter.sites:
                forced = chooser.randrange(counter.sites)
                bad = frozenset(
                    i
                    for i in range(counter.sites)
                    if chooser.random() < MIXED_SITE_SHARE or i == forced
                )
                faults = Faults(salt, bad)
    else:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    text = spec.build(random.Random(salt), faults)
    return text, faults.sites, faults.hits


# --------------------------------------------------------------------------- vocabulary

WORDS_A = (
    "amber", "atlas", "aurora", "beacon", "cedar", "cobalt", "comet", "coral", "delta", "ember",
    "falcon", "fjord", "granite", "harbor", "helix", "indigo", "juniper", "kestrel", "lumen",
    "maple", "meridian", "nimbus", "onyx", "orbit", "pioneer", "quartz", "raven", "saffron",
    "sierra", "summit", "tango", "tundra", "umbra", "vector", "willow", "zephyr",
)  # fmt: skip
WORDS_B = (
    "shop", "pay", "ledger", "portal", "cloud", "hub", "stack", "works", "labs", "data", "ops",
    "core", "mesh", "grid", "link", "sync", "flow", "vault", "desk", "forge",
)  # fmt: skip
SERVICE_NAMES = (
    "api", "web", "auth", "billing", "catalog", "checkout", "search", "notifications", "orders",
    "payments", "inventory", "gateway", "reports", "scheduler", "ledger", "profile", "media",
    "email", "analytics", "recommendations", "shipping", "pricing", "reviews", "identity",
    "audit", "export", "importer", "webhooks", "frontend", "admin",
)  # fmt: skip
NAME_SUFFIXES = ("worker", "consumer", "internal", "sync", "admin", "canary", "batch", "edge")
TEAMS = ("platform", "payments", "growth", "core", "data", "identity", "search", "commerce")
LANGS = ("python", "node", "go", "java", "rust", "static")
LANG_WEIGHTS = (30, 25, 20, 12, 5, 8)
ENVS = ("production", "staging", "shared", "dev")

# name -> (tag used in files, major tag an unpinned reference would use)
ACTIONS: dict[str, tuple[str, str]] = {
    "actions/checkout": ("v4.2.2", "v4"),
    "actions/setup-python": ("v5.3.0", "v5"),
    "actions/setup-node": ("v4.1.0", "v4"),
    "actions/setup-go": ("v5.2.0", "v5"),
    "actions/setup-java": ("v4.5.0", "v4"),
    "actions/cache": ("v4.1.2", "v4"),
    "actions/upload-artifact": ("v4.4.3", "v4"),
    "actions/download-artifact": ("v4.1.8", "v4"),
    "actions/github-script": ("v7.0.1", "v7"),
    "actions/dependency-review-action": ("v4.5.0", "v4"),
    "actions/stale": ("v9.0.0", "v9"),
    "actions/delete-package-versions": ("v5.0.0", "v5"),
    "docker/setup-buildx-action": ("v3.7.1", "v3"),
    "docker/setup-qemu-action": ("v3.2.0", "v3"),
    "docker/login-action": ("v3.3.0", "v3"),
    "docker/metadata-action": ("v5.6.1", "v5"),
    "docker/build-push-action": ("v6.10.0", "v6"),
    "aws-actions/configure-aws-credentials": ("v4.0.2", "v4"),
    "azure/setup-helm": ("v4.2.0", "v4"),
    "azure/setup-kubectl": ("v4.0.0", "v4"),
    "hashicorp/setup-terraform": ("v3.1.2", "v3"),
    "github/codeql-action/init": ("v3.27.6", "v3"),
    "github/codeql-action/autobuild": ("v3.27.6", "v3"),
    "github/codeql-action/analyze": ("v3.27.6", "v3"),
    "aquasecurity/trivy-action": ("0.28.0", "master"),
    "codecov/codecov-action": ("v5.1.1", "v5"),
    "dorny/paths-filter": ("v3.0.2", "v3"),
    "slackapi/slack-github-action": ("v2.0.0", "v2"),
}


def _hex(text: str, n: int = 64) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _digest(ref: str) -> str:
    return "sha256:" + _hex(ref)


# --------------------------------------------------------------------------- project model


@dataclass(frozen=True)
class Service:
    name: str
    lang: str
    port: int
    version: str
    team: str


@dataclass
class Project:
    name: str
    org: str
    namespace: str
    registry: str
    domain: str
    cloud: str
    services: list[Service]
    used_names: set[str] = field(default_factory=set)

    def unique(self, name: str) -> str:
        """A Kubernetes object / file name not used yet in this project."""
        candidates = [name, *(f"{name}-{s}" for s in NAME_SUFFIXES)]
        candidate = next((c for c in candidates if c not in self.used_names), None)
        n = 2
        while candidate is None or candidate in self.used_names:
            candidate = f"{name}-{n}"
            n += 1
        self.used_names.add(candidate)
        return candidate

    @property
    def lang(self) -> str:
        return self.services[0].lang


def _image(project: Project, svc: str, version: str, f: Faults, digest: bool) -> str:
    """A registry image: pinned by tag (and digest) when clean, ``:latest`` when not."""
    repo = f"{project.registry}/{svc}"
    pinned = f"{repo}:{version}"
    if digest:
        pinned += "@" + _digest(pinned)
    return f.pick(pinned, f"{repo}:latest")


# --------------------------------------------------------------------------- Kubernetes


def _labels(project: Project, name: str, component: str = "server") -> dict[str, Any]:
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": project.name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/managed-by": "kustomize",
    }


def _meta(project: Project, name: str, labels: Mapping[str, Any] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": project.namespace}
    if labels:
        meta["labels"] = dict(labels)
    return meta


def _resources(rng: random.Random, f: Faults, scale: int = 1) -> dict[str, Any]:
    cpu = rng.choice((50, 100, 200, 250, 500)) * scale
    mem = rng.choice((64, 128, 256, 512)) * scale
    limits = f.pick(
        {"cpu": f"{cpu * 4}m", "memory": f"{mem * 2}Mi"},
        {"cpu": "0", "memory": "0"},  # "unlimited": K8S-010
    )
    return {"requests": {"cpu": f"{cpu}m", "memory": f"{mem}Mi"}, "limits": limits}


def _container_security(f: Faults) -> dict[str, Any]:
    privileged = f()
    return {
        "allowPrivilegeEscalation": privileged,
        "privileged": privileged,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": Flow(["ALL"])},
    }


def _env(rng: random.Random, f: Faults, project: Project, name: str, port: int) -> list[Any]:
    env: list[Any] = [
        {"name": "APP_ENV", "value": "production"},
        {"name": "LOG_LEVEL", "value": rng.choice(("info", "warn", "debug"))},
        {"name": "PORT", "value": str(port)},
        {"name": "OTEL_SERVICE_NAME", "value": name},
        {
            "name": "OTEL_EXPORTER_OTLP_ENDPOINT",
            "value": "http://otel-collector.observability.svc:4317",
        },
        {
            "name": "POD_NAMESPACE",
            "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
        },
    ]
    if rng.random() < 0.6:
        env.append({"name": "DATABASE_HOST", "value": f"{project.name}-db.{project.namespace}.svc"})
        env.append(
            {
                "name": "DATABASE_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": f"{name}-db", "key": "password"}},
            }
        )
    if rng.random() < 0.5:
        env.append(
            {
                "name": "GOMAXPROCS",
                "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1"}},
            }
        )
    for i in range(rng.randint(0, 4)):
        env.append({"name": f"FEATURE_{rng.choice(WORDS_A).upper()}_{i}", "value": "true"})
    # The secret site: a harmless setting, or a credential written in clear.
    fake = f.fake("token")
    env.append(
        f.pick(
            {"name": "FEATURE_FLAGS", "value": "checkout-v2,search-beta"},
            {"name": "PAYMENT_API_TOKEN", "value": fake},
        )
    )
    return env


def _probe(path: str, port_name: str, period: int, delay: int = 0) -> dict[str, Any]:
    probe: dict[str, Any] = {"httpGet": {"path": path, "port": port_name}}
    if delay:
        probe["initialDelaySeconds"] = delay
    probe["periodSeconds"] = period
    probe["timeoutSeconds"] = 2
    probe["failureThreshold"] = 3
    return probe


def _main_container(
    rng: random.Random,
    f: Faults,
    project: Project,
    name: str,
    svc: Service,
    long_running: bool,
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": name,
        "image": _image(project, svc.name, svc.version, f, digest=rng.random() < 0.5),
        "imagePullPolicy": "IfNotPresent",
    }
    if rng.random() < 0.5:
        container["args"] = Flow(["serve", f"--port={svc.port}"])
    if long_running:
        container["ports"] = [
            {"name": "http", "containerPort": svc.port, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
        ]
    container["env"] = _env(rng, f, project, name, svc.port)
    container["envFrom"] = [{"configMapRef": {"name": f"{name}-config"}}]
    container["resources"] = _resources(rng, f)
    if long_running:
        # A named port that does not exist is a value-level probe bug (K8S-012).
        ready_port = f.pick("http", "web")
        container["readinessProbe"] = _probe("/readyz", ready_port, 5)
        container["livenessProbe"] = _probe("/livez", "http", 10, delay=rng.choice((10, 15, 30)))
        if rng.random() < 0.3:
            container["startupProbe"] = {
                "httpGet": {"path": "/livez", "port": "http"},
                "periodSeconds": 5,
                "failureThreshold": 30,
            }
    container["securityContext"] = _container_security(f)
    mounts: list[Any] = [{"name": "tmp", "mountPath": "/tmp"}]
    mounts.append({"name": "config", "mountPath": f"/etc/{svc.name}", "readOnly": True})
    container["volumeMounts"] = mounts
    return container


SIDECARS = (
    ("log-shipper", "fluent/fluent-bit", "3.2.2", 2020),
    ("cloud-sql-proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy", "2.14.2", 9801),
    ("envoy", "envoyproxy/envoy", "v1.32.2", 9901),
    ("oauth2-proxy", "quay.io/oauth2-proxy/oauth2-proxy", "v7.7.1", 4180),
)


def _sidecar(rng: random.Random, f: Faults, long_running: bool) -> dict[str, Any]:
    name, repo, tag, port = rng.choice(SIDECARS)
    pinned = f"{repo}:{tag}"
    sidecar: dict[str, Any] = {
        "name": name,
        "image": f.pick(pinned, f"{repo}:latest"),
        "ports": [{"name": "admin", "containerPort": port}],
        "resources": _resources(rng, f),
    }
    if long_running:
        sidecar["readinessProbe"] = {"tcpSocket": {"port": "admin"}, "periodSeconds": 10}
        sidecar["livenessProbe"] = {"tcpSocket": {"port": "admin"}, "periodSeconds": 20}
    sidecar["securityContext"] = _container_security(f)
    sidecar["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]
    return sidecar


def _init_container(
    rng: random.Random, f: Faults, project: Project, svc: Service, name: str
) -> dict[str, Any]:
    return {
        "name": "migrate",
        "image": _image(project, f"{svc.name}-migrate", svc.version, f, digest=False),
        "command": Flow(["/app/migrate", "up"]),
        "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
        "resources": _resources(rng, f),
        "securityContext": _container_security(f),
    }


def _pod_spec(
    rng: random.Random,
    f: Faults,
    project: Project,
    name: str,
    svc: Service,
    long_running: bool,
    restart: str | None = None,
) -> dict[str, Any]:
    root = f()  # pod-level: every container inherits it (K8S-001)
    spec: dict[str, Any] = {
        "serviceAccountName": name,
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": not root,
            "runAsUser": 0 if root else 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": f.pick("RuntimeDefault", "Unconfined")},
        },
    }
    if restart:
        spec["restartPolicy"] = restart
    if long_running:
        spec["terminationGracePeriodSeconds"] = rng.choice((30, 45, 60))
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
            }
        ]
    if rng.random() < 0.3:
        spec["initContainers"] = [_init_container(rng, f, project, svc, name)]
    containers = [_main_container(rng, f, project, name, svc, long_running)]
    if rng.random() < 0.3:
        containers.append(_sidecar(rng, f, long_running))
    spec["containers"] = containers
    spec["volumes"] = [
        {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
        {"name": "config", "configMap": {"name": f"{name}-config"}},
    ]
    if rng.random() < 0.3:
        spec["nodeSelector"] = {"kubernetes.io/os": "linux"}
    return spec


def _config_map(rng: random.Random, f: Faults, project: Project, name: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "APP_NAME": name,
        "HTTP_READ_TIMEOUT": f"{rng.choice((5, 10, 15, 30))}s",
        "METRICS_PATH": "/metrics",
        "CACHE_TTL_SECONDS": str(rng.choice((30, 60, 300, 900))),
    }
    for i in range(rng.randint(2, 10)):
        data[f"{rng.choice(WORDS_A).upper()}_{rng.choice(WORDS_B).upper()}_{i}"] = str(
            rng.randint(1, 500)
        )
    password_line = f.pick(
        "  password_file: /var/run/secrets/db/password",
        f"  password: {f.fake('password')}",
    )
    lines = [
        "server:",
        "  host: 0.0.0.0",
        f"  port: {rng.choice((8000, 8080, 3000))}",
        "  graceful_shutdown: 20s",
        "database:",
        f"  host: {project.name}-db.{project.namespace}.svc",
        f"  name: {name.replace('-', '_')}",
        "  user: app",
        password_line,
        f"  pool_size: {rng.choice((5, 10, 20))}",
        "logging:",
        "  format: json",
        "  level: info",
    ]
    for i in range(rng.randint(0, 12)):
        lines.append(f"feature_{i}: {rng.choice(('true', 'false'))}")
    data["application.yaml"] = "\n".join(lines) + "\n"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta(project, f"{name}-config", _labels(project, name)),
        "data": data,
    }


def _secret(f: Faults, project: Project, name: str) -> dict[str, Any]:
    keys = ("password", "api-key")
    # Placeholders filled in at deploy time (envsubst) when clean; literal values when not.
    values = {
        k: f.pick(f"${{{name.upper().replace('-', '_')}_{i}}}", f.fake())
        for i, k in enumerate(keys)
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            **_meta(project, f"{name}-db", _labels(project, name)),
            "annotations": {"kubernetes.io/description": "values are substituted at deploy time"},
        },
        "type": "Opaque",
        "stringData": values,
    }


def _workload(
    rng: random.Random, f: Faults, project: Project, name: str, svc: Service, kind: str
) -> dict[str, Any]:
    labels = _labels(project, name)
    selector = {"matchLabels": {"app.kubernetes.io/name": name}}
    template = {
        "metadata": {
            "labels": {**labels, "app.kubernetes.io/version": svc.version},
            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
        },
        "spec": _pod_spec(rng, f, project, name, svc, long_running=True),
    }
    spec: dict[str, Any] = {}
    if kind in ("Deployment", "StatefulSet"):
        spec["replicas"] = rng.choice((2, 3, 4, 6))
        spec["revisionHistoryLimit"] = rng.choice((3, 5, 10))
    spec["selector"] = selector
    if kind == "Deployment":
        spec["strategy"] = {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": rng.choice((1, "25%"))},
        }
        spec["progressDeadlineSeconds"] = 600
    elif kind == "StatefulSet":
        spec["serviceName"] = f"{name}-headless"
        spec["podManagementPolicy"] = "Parallel"
        spec["updateStrategy"] = {"type": "RollingUpdate"}
    else:
        spec["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}
    spec["template"] = template
    if kind == "StatefulSet":
        spec["volumeClaimTemplates"] = [
            {
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": Flow(["ReadWriteOnce"]),
                    "storageClassName": "gp3-encrypted",
                    "resources": {"requests": {"storage": f"{rng.choice((10, 20, 50))}Gi"}},
                },
            }
        ]
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {
            **_meta(project, name, labels),
            "annotations": {"app.example.com/owner": f"team-{svc.team}"},
        },
        "spec": spec,
    }


def _service(project: Project, name: str, port: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(project, name, _labels(project, name)),
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": name},
            "ports": [
                {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                {"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"},
            ],
        },
    }


def _pdb(f: Faults, project: Project, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _meta(project, name, _labels(project, name)),
        "spec": {
            "maxUnavailable": f.pick(1, 0),  # 0 blocks every node drain
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
        },
    }


def _network_policy(project: Project, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(project, name, _labels(project, name)),
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "policyTypes": Flow(["Ingress", "Egress"]),
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
                            }
                        },
                        {
                            "podSelector": {
                                "matchLabels": {"app.kubernetes.io/part-of": project.name}
                            }
                        },
                    ],
                    "ports": [{"port": "http", "protocol": "TCP"}],
                },
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
                            }
                        }
                    ],
                    "ports": [{"port": "metrics", "protocol": "TCP"}],
                },
            ],
            "egress": [
                {"to": [{"namespaceSelector": {}}], "ports": [{"port": 53, "protocol": "UDP"}]},
                {
                    "to": [
                        {
                            "podSelector": {
                                "matchLabels": {"app.kubernetes.io/part-of": project.name}
                            }
                        }
                    ]
                },
            ],
        },
    }


def _ingress(f: Faults, project: Project, name: str) -> dict[str, Any]:
    host = f"{name}.{project.domain}"
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            **_meta(project, name, _labels(project, name)),
            "annotations": {
                "cert-manager.io/cluster-issuer": "letsencrypt",
                "nginx.ingress.kubernetes.io/ssl-redirect": f.pick("true", "false"),
                "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
            },
        },
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": Flow([host]), "secretName": f"{name}-tls"}],
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": name, "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ],
        },
    }


def _hpa(rng: random.Random, f: Faults, project: Project, name: str, kind: str) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _meta(project, name, _labels(project, name)),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": name},
            "minReplicas": f.pick(2, 1),
            "maxReplicas": rng.choice((6, 10, 20)),
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }


def _service_account(project: Project, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta(project, name, _labels(project, name)),
        "automountServiceAccountToken": False,
    }


def k8s_app(project: Project, name: str, svc: Service) -> Builder:
    """An application: SA, config, (secret), workload, service, PDB, netpol, (ingress, HPA)."""

    def build(rng: random.Random, f: Faults) -> str:
        kind = rng.choices(("Deployment", "StatefulSet", "DaemonSet"), (70, 18, 12))[0]
        docs = [_service_account(project, name), _config_map(rng, f, project, name)]
        if rng.random() < 0.3:
            docs.append(_secret(f, project, name))
        docs.append(_workload(rng, f, project, name, svc, kind))
        docs.append(_service(project, name, svc.port))
        if kind != "DaemonSet":
            docs.append(_pdb(f, project, name))
        docs.append(_network_policy(project, name))
        if rng.random() < 0.5:
            docs.append(_ingress(f, project, name))
        if kind == "Deployment" and rng.random() < 0.4:
            docs.append(_hpa(rng, f, project, name, kind))
        return yaml_stream(docs, [f"{name}: {project.name} ({project.namespace})"])

    return build


def k8s_batch(project: Project, name: str, svc: Service) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        docs: list[dict[str, Any]] = [_service_account(project, name)]
        docs.append(_config_map(rng, f, project, name))
        for i in range(rng.randint(1, 2)):
            job_name = f"{name}-{('nightly', 'hourly', 'weekly')[i]}"
            pod = _pod_spec(rng, f, project, name, svc, long_running=False, restart="OnFailure")
            docs.append(
                {
                    "apiVersion": "batch/v1",
                    "kind": "CronJob",
                    "metadata": _meta(project, job_name, _labels(project, name, "job")),
                    "spec": {
                        "schedule": rng.choice(("17 3 * * *", "5 * * * *", "30 2 * * 0")),
                        "timeZone": "Etc/UTC",
                        "concurrencyPolicy": "Forbid",
                        "startingDeadlineSeconds": 300,
                        "successfulJobsHistoryLimit": 3,
                        "failedJobsHistoryLimit": 5,
                        "jobTemplate": {
                            "spec": {
                                "backoffLimit": 2,
                                "activeDeadlineSeconds": 3600,
                                "ttlSecondsAfterFinished": 86400,
                                "template": {
                                    "metadata": {"labels": _labels(project, name, "job")},
                                    "spec": pod,
                                },
                            }
                        },
                    },
                }
            )
        if rng.random() < 0.5:
            pod = _pod_spec(rng, f, project, name, svc, long_running=False, restart="Never")
            docs.append(
                {
                    "apiVersion": "batch/v1",
                    "kind": "Job",
                    "metadata": _meta(project, f"{name}-backfill", _labels(project, name, "job")),
                    "spec": {
                        "backoffLimit": 1,
                        "ttlSecondsAfterFinished": 3600,
                        "template": {
                            "metadata": {"labels": _labels(project, name, "job")},
                            "spec": pod,
                        },
                    },
                }
            )
        return yaml_stream(docs, [f"Scheduled jobs of {name} ({project.name})"])

    return build


def _rules(f: Faults, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wildcard = {"apiGroups": Flow(["*"]), "resources": Flow(["*"]), "verbs": Flow(["*"])}
    return [f.pick(r, wildcard) for r in rules]


def k8s_rbac(project: Project, name: str) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        labels = _labels(project, name, "rbac")
        docs: list[dict[str, Any]] = [_service_account(project, name)]
        read = Flow(["get", "list", "watch"])
        docs.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": _meta(project, name, labels),
                "rules": _rules(
                    f,
                    [
                        {"apiGroups": Flow([""]), "resources": Flow(["configmaps"]), "verbs": read},
                        {
                            "apiGroups": Flow([""]),
                            "resources": Flow(["secrets"]),
                            "resourceNames": Flow([f"{name}-db"]),
                            "verbs": Flow(["get"]),
                        },
                        {
                            "apiGroups": Flow(["apps"]),
                            "resources": Flow(["deployments"]),
                            "verbs": read,
                        },
                    ],
                ),
            }
        )
        docs.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": _meta(project, name, labels),
                "subjects": [
                    {"kind": "ServiceAccount", "name": name, "namespace": project.namespace}
                ],
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            }
        )
        if rng.random() < 0.6:
            cluster_name = f"{project.namespace}:{name}"
            docs.append(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRole",
                    "metadata": {"name": cluster_name, "labels": labels},
                    "rules": _rules(
                        f,
                        [
                            {
                                "apiGroups": Flow([""]),
                                "resources": Flow(["namespaces", "nodes"]),
                                "verbs": read,
                            },
                            {
                                "apiGroups": Flow(["metrics.k8s.io"]),
                                "resources": Flow(["pods"]),
                                "verbs": read,
                            },
                        ],
                    ),
                }
            )
            docs.append(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRoleBinding",
                    "metadata": {"name": cluster_name, "labels": labels},
                    "subjects": [
                        {"kind": "ServiceAccount", "name": name, "namespace": project.namespace}
                    ],
                    "roleRef": {
                        "apiGroup": "rbac.authorization.k8s.io",
                        "kind": "ClusterRole",
                        "name": f.pick(cluster_name, "cluster-admin"),
                    },
                }
            )
        for i in range(rng.randint(0, 2)):
            docs.append(_service_account(project, f"{name}-ci-{i}"))
        return yaml_stream(docs, [f"Access for {name} ({project.name})"])

    return build


OPERATORS = (
    ("postgres-operator", "PostgresCluster", "postgresclusters"),
    ("redis-operator", "RedisFailover", "redisfailovers"),
    ("cert-rotator", "RotationPolicy", "rotationpolicies"),
    ("backup-operator", "BackupSchedule", "backupschedules"),
    ("kafka-topics", "KafkaTopic", "kafkatopics"),
    ("feature-flags", "FeatureFlag", "featureflags"),
    ("dns-records", "DNSRecord", "dnsrecords"),
)


def _schema_props(rng: random.Random, n: int) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for i in range(n):
        field_name = f"{rng.choice(WORDS_A)}{rng.choice(WORDS_B).capitalize()}{i}"
        kind = rng.choice(("string", "integer", "boolean", "array", "object"))
        prop: dict[str, Any] = {"type": kind, "description": f"The {field_name} setting."}
        if kind == "integer":
            prop.update({"minimum": 0, "maximum": rng.choice((10, 100, 1000))})
        elif kind == "array":
            prop["items"] = {"type": "string"}
        elif kind == "object":
            prop["additionalProperties"] = {"type": "string"}
        elif kind == "string" and rng.random() < 0.4:
            prop["enum"] = Flow(["low", "medium", "high"])
        props[field_name] = prop
    return props


def k8s_operator(project: Project, name: str, crd: tuple[str, str, str], svc: Service) -> Builder:
    op, kind, plural = crd

    def build(rng: random.Random, f: Faults) -> str:
        group = f"{project.name}.example.com"
        props = _schema_props(rng, rng.randint(4, 10))
        props["tls"] = {
            "type": "object",
            "properties": {"enabled": {"type": "boolean"}, "secretName": {"type": "string"}},
        }
        crd_doc = {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.{group}"},
            "spec": {
                "group": group,
                "scope": "Namespaced",
                "names": {
                    "kind": kind,
                    "plural": plural,
                    "singular": kind.lower(),
                    "listKind": f"{kind}List",
                },
                "versions": [
                    {
                        "name": "v1alpha1",
                        "served": True,
                        "storage": True,
                        "subresources": {"status": {}},
                        "additionalPrinterColumns": [
                            {"name": "Ready", "type": "string", "jsonPath": ".status.ready"},
                            {
                                "name": "Age",
                                "type": "date",
                                "jsonPath": ".metadata.creationTimestamp",
                            },
                        ],
                        "schema": {
                            "openAPIV3Schema": {
                                "type": "object",
                                "properties": {
                                    "spec": {"type": "object", "properties": props},
                                    "status": {
                                        "type": "object",
                                        "x-kubernetes-preserve-unknown-fields": True,
                                    },
                                },
                            }
                        },
                    }
                ],
            },
        }
        docs: list[dict[str, Any]] = [crd_doc]
        for i in range(rng.randint(1, 4)):
            spec: dict[str, Any] = {}
            for key, prop in list(props.items())[:6]:
                t = prop.get("type")
                if t == "integer":
                    spec[key] = rng.randint(0, 10)
                elif t == "boolean":
                    spec[key] = rng.random() < 0.5
                elif t == "array":
                    spec[key] = Flow([rng.choice(WORDS_B) for _ in range(2)])
                elif t == "string":
                    spec[key] = rng.choice(("low", "medium", "high"))
            spec["tls"] = {"enabled": f.pick(True, False), "secretName": f"{op}-{i}-tls"}
            docs.append(
                {
                    "apiVersion": f"{group}/v1alpha1",
                    "kind": kind,
                    "metadata": _meta(project, f"{kind.lower()}-{i}"),
                    "spec": spec,
                }
            )
        docs.append(_service_account(project, name))
        docs.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": f"{project.namespace}:{name}"},
                "rules": _rules(
                    f,
                    [
                        {
                            "apiGroups": Flow([group]),
                            "resources": Flow([plural, f"{plural}/status"]),
                            "verbs": Flow(["get", "list", "watch", "update", "patch"]),
                        },
                        {
                            "apiGroups": Flow([""]),
                            "resources": Flow(["events"]),
                            "verbs": Flow(["create", "patch"]),
                        },
                    ],
                ),
            }
        )
        docs.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": f"{project.namespace}:{name}"},
                "subjects": [
                    {"kind": "ServiceAccount", "name": name, "namespace": project.namespace}
                ],
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": f"{project.namespace}:{name}",
                },
            }
        )
        docs.append(_config_map(rng, f, project, name))
        docs.append(_workload(rng, f, project, name, svc, "Deployment"))
        docs.append(_pdb(f, project, name))
        return yaml_stream(docs, [f"{op}: CRD, custom resources and controller"])

    return build


def k8s_platform(project: Project, namespace: str) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        labels = {
            "kubernetes.io/metadata.name": namespace,
            "pod-security.kubernetes.io/enforce": f.pick("restricted", "privileged"),
            "pod-security.kubernetes.io/audit": "restricted",
            "app.kubernetes.io/part-of": project.name,
        }
        cpu = rng.choice((8, 16, 32))
        docs = [
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": namespace, "labels": labels},
            },
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "compute", "namespace": namespace},
                "spec": {
                    "hard": {
                        "requests.cpu": str(cpu),
                        "requests.memory": f"{cpu * 2}Gi",
                        "limits.cpu": str(cpu * 2),
                        "limits.memory": f"{cpu * 4}Gi",
                        "pods": str(cpu * 10),
                    }
                },
            },
            {
                "apiVersion": "v1",
                "kind": "LimitRange",
                "metadata": {"name": "defaults", "namespace": namespace},
                "spec": {
                    "limits": [
                        {
                            "type": "Container",
                            "default": {"cpu": "500m", "memory": "256Mi"},
                            "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                            "max": {"cpu": "4", "memory": "8Gi"},
                        }
                    ]
                },
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "default-deny", "namespace": namespace},
                "spec": {"podSelector": {}, "policyTypes": Flow(["Ingress", "Egress"])},
            },
        ]
        return yaml_stream(docs, [f"Namespace {namespace} for {project.name}"])

    return build


# --------------------------------------------------------------------------- Dockerfiles

# lang -> (build image, runtime image, runtime user, health check (exec form or shell))
IMAGES: dict[str, tuple[str, str, str, str]] = {
    "python": (
        "python:3.12.7-slim-bookworm",
        "python:3.12.7-slim-bookworm",
        "10001:10001",
        '["python", "-c", "import urllib.request; '
        "urllib.request.urlopen('http://127.0.0.1:{port}/livez', timeout=2)\"]",
    ),
    "node": (
        "node:22.11.0-bookworm-slim",
        "gcr.io/distroless/nodejs22-debian12:nonroot",
        "65532:65532",
        '["/nodejs/bin/node", "dist/healthcheck.js"]',
    ),
    "go": (
        "golang:1.23.4-bookworm",
        "gcr.io/distroless/static-debian12:nonroot",
        "65532:65532",
        '["/app/{svc}", "healthcheck"]',
    ),
    "java": (
        "eclipse-temurin:21.0.5_11-jdk-jammy",
        "eclipse-temurin:21.0.5_11-jre-jammy",
        "10001:10001",
        "curl -fsS http://127.0.0.1:{port}/actuator/health || exit 1",
    ),
    "rust": (
        "rust:1.83.0-slim-bookworm",
        "debian:12.8-slim",
        "10001:10001",
        '["/usr/local/bin/{svc}", "--healthcheck"]',
    ),
    "static": (
        "node:22.11.0-alpine3.20",
        "nginxinc/nginx-unprivileged:1.27.3-alpine",
        "101:101",
        "wget -qO- http://127.0.0.1:8080/healthz || exit 1",
    ),
}


def _from(image: str, stage: str, f: Faults, digest: bool) -> str:
    repo = image.split(":", 1)[0]
    pinned = image + ("@" + _digest(image) if digest else "")
    return f"FROM {f.pick(pinned, repo + ':latest')} AS {stage}"


def _build_steps(rng: random.Random, f: Faults, lang: str, svc: str) -> list[str]:
    if lang == "python":
        return [
            "ENV PIP_NO_CACHE_DIR=1 \\",
            "    PIP_DISABLE_PIP_VERSION_CHECK=1 \\",
            "    PYTHONDONTWRITEBYTECODE=1",
            "WORKDIR /src",
            "RUN apt-get update \\",
            " && apt-get install -y --no-install-recommends \\",
            "      build-essential=12.9 \\",
            "      libpq-dev=15.10-0+deb12u1 \\",
            " && rm -rf /var/lib/apt/lists/*",
            "COPY requirements.lock ./",
            "RUN --mount=type=cache,target=/root/.cache/pip \\",
            "    pip wheel --wheel-dir /wheels -r requirements.lock",
            "COPY pyproject.toml ./",
            "COPY src/ ./src/",
            "RUN pip wheel --no-deps --wheel-dir /wheels .",
        ]
    if lang in ("node", "static"):
        return [
            "WORKDIR /src",
            "COPY package.json package-lock.json ./",
            "RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts",
            "COPY tsconfig.json ./",
            "COPY src/ ./src/",
            "RUN npm run build \\",
            " && npm prune --omit=dev",
        ]
    if lang == "go":
        return [
            "ENV CGO_ENABLED=0 GOFLAGS=-trimpath",
            "WORKDIR /src",
            "COPY go.mod go.sum ./",
            "RUN --mount=type=cache,target=/go/pkg/mod go mod download",
            "COPY . .",
            "RUN --mount=type=cache,target=/go/pkg/mod \\",
            "    --mount=type=cache,target=/root/.cache/go-build \\",
            f'    go build -ldflags="-s -w" -o /out/{svc} ./cmd/{svc}',
        ]
    if lang == "java":
        return [
            "WORKDIR /src",
            "COPY gradlew settings.gradle.kts build.gradle.kts ./",
            "COPY gradle/ ./gradle/",
            "RUN --mount=type=cache,target=/root/.gradle ./gradlew --no-daemon dependencies",
            "COPY src/ ./src/",
            "RUN --mount=type=cache,target=/root/.gradle ./gradlew --no-daemon bootJar \\",
            " && cp build/libs/*.jar /src/app.jar",
        ]
    return [  # rust
        "WORKDIR /src",
        "RUN apt-get update \\",
        " && apt-get install -y --no-install-recommends \\",
        "      pkg-config=1.8.1-1 libssl-dev=3.0.15-1~deb12u1 \\",
        " && rm -rf /var/lib/apt/lists/*",
        "COPY Cargo.toml Cargo.lock ./",
        "COPY src/ ./src/",
        "RUN --mount=type=cache,target=/usr/local/cargo/registry \\",
        f"    cargo build --release --locked && cp target/release/{svc} /out-{svc}",
    ]


def _runtime_steps(lang: str, svc: str, variant: str) -> tuple[list[str], list[str]]:
    """(COPY/RUN lines of the runtime stage, ENTRYPOINT/CMD lines)."""
    module = svc.replace("-", "_")
    worker = variant == "worker"
    if lang == "python":
        cmd = f'CMD ["python", "-m", "{module}.worker"]' if worker else 'CMD ["serve"]'
        return (
            [
                "RUN groupadd --system --gid 10001 app \\",
                " && useradd --system --uid 10001 --gid app --no-create-home \\",
                "      --shell /usr/sbin/nologin app",
                "WORKDIR /app",
                "COPY --from=build /wheels /wheels",
                "RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl \\",
                " && rm -rf /wheels",
                "COPY --chown=10001:10001 config/ /app/config/",
            ],
            [f'ENTRYPOINT ["python", "-m", "{module}"]', cmd],
        )
    if lang == "node":
        script = "dist/worker.js" if worker else "dist/server.js"
        return (
            [
                "WORKDIR /app",
                "COPY --from=build --chown=65532:65532 /src/node_modules ./node_modules",
                "COPY --from=build --chown=65532:65532 /src/dist ./dist",
                "COPY --chown=65532:65532 package.json ./",
            ],
            [f'CMD ["{script}"]'],
        )
    if lang == "go":
        return (
            ["WORKDIR /app", f"COPY --from=build /out/{svc} /app/{svc}"],
            [f'ENTRYPOINT ["/app/{svc}"]', f'CMD ["{"work" if worker else "serve"}"]'],
        )
    if lang == "java":
        return (
            [
                "RUN apt-get update \\",
                " && apt-get install -y --no-install-recommends curl=7.81.0-1ubuntu1.20 \\",
                " && rm -rf /var/lib/apt/lists/* \\",
                " && useradd --system --uid 10001 --no-create-home app",
                "WORKDIR /app",
                "COPY --from=build --chown=10001:10001 /src/app.jar /app/app.jar",
            ],
            ['ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]'],
        )
    if lang == "rust":
        return (
            [
                "RUN useradd --system --uid 10001 --no-create-home app",
                f"COPY --from=build /out-{svc} /usr/local/bin/{svc}",
            ],
            [f'ENTRYPOINT ["/usr/local/bin/{svc}"]'],
        )
    return (  # static site on nginx
        [
            "COPY --from=build /src/dist /usr/share/nginx/html",
            "COPY nginx/default.conf /etc/nginx/conf.d/default.conf",
        ],
        [],
    )


def dockerfile(project: Project, svc: Service, variant: str) -> Builder:
    """A service image: usually multi-stage (build + runtime), sometimes single-stage."""

    def build(rng: random.Random, f: Faults) -> str:
        build_image, run_image, user, health = IMAGES[svc.lang]
        multi = variant != "dev" and rng.random() < 0.8
        digest = rng.random() < 0.6
        lines = ["# syntax=docker/dockerfile:1.7"]
        lines.append(
            f"# {svc.name} ({variant}) of {project.name}: built by .github/workflows/build.yml"
        )
        version_arg = rng.random() < 0.4
        lines.append(f"ARG APP_VERSION={svc.version}")
        if version_arg:
            lines.append("ARG BUILD_DATE=unknown")
        lines.append("")
        if multi:
            lines.append(_from(build_image, "build", f, digest))
            lines.extend(_build_steps(rng, f, svc.lang, svc.name))
        else:
            lines.append(_from(build_image, "app", f, digest))
            lines.extend(_build_steps(rng, f, svc.lang, svc.name))
        if rng.random() < 0.5:
            url = (
                "https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/"
                "v0.4.35/grpc_health_probe-linux-amd64"
            )
            clean = [
                f"RUN curl -fsSLo /tmp/grpc_health_probe {url} \\",
                f' && echo "{_hex(url)}  /tmp/grpc_health_probe" | sha256sum -c - \\',
                " && install -m 0755 /tmp/grpc_health_probe /usr/local/bin/grpc_health_probe",
            ]
            dirty = ["RUN curl -fsSL https://tools.example.com/install.sh | sh"]
            lines.extend(f.pick(clean, dirty))
        if rng.random() < 0.35:
            lines.extend(
                [
                    "RUN <<EOF",
                    "set -eux",
                    "mkdir -p /out/licenses",
                    f"echo '{svc.name} {svc.version}' > /out/VERSION",
                    "find . -name 'LICENSE*' -maxdepth 3 -exec cp {} /out/licenses/ \\;",
                    "EOF",
                ]
            )
        if multi:
            lines.append("")
            lines.append(_from(run_image, "runtime", f, digest))
            steps, cmd = _runtime_steps(svc.lang, svc.name, variant)
            lines.extend(steps)
            if svc.lang in ("node", "go"):
                lines.append("COPY --from=build /out/VERSION* /app/")
        else:
            user = "10001:10001"
            lines.append("RUN useradd --system --uid 10001 --no-create-home app || true")
            cmd = ['CMD ["make", "run"]']
        lines.append(
            f'LABEL org.opencontainers.image.source="https://github.com/{project.org}/'
            f'{project.name}" \\'
        )
        lines.append(f'      org.opencontainers.image.title="{svc.name}" \\')
        lines.append('      org.opencontainers.image.version="${APP_VERSION}"')
        if rng.random() < 0.3:
            lines.extend(
                [
                    "COPY <<EOF /etc/app/defaults.env",
                    "LOG_FORMAT=json",
                    f"HTTP_PORT={svc.port}",
                    "EOF",
                ]
            )
        secret = f.pick("LOG_LEVEL=info", f"API_TOKEN={f.fake()}")
        lines.append(f"ENV APP_ENV=production \\\n    {secret} \\\n    PORT={svc.port}")
        lines.append(f"EXPOSE {svc.port}")
        lines.append(f"USER {f.pick(user, 'root')}")
        check = health.replace("{port}", str(svc.port)).replace("{svc}", svc.name)
        lines.append(
            f.pick(
                "HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 "
                f"CMD {check}",
                "HEALTHCHECK NONE",
            )
        )
        lines.extend(cmd)
        return "\n".join(lines) + "\n"

    return build


# --------------------------------------------------------------------------- GitHub Actions


def _uses(f: Faults, action: str) -> Any:
    tag, major = ACTIONS[action]
    if f():
        return f"{action}@{major}"
    return Annotated(f"{action}@{_sha1(action + '@' + tag)}", tag)


def _checkout(f: Faults) -> dict[str, Any]:
    return {
        "uses": _uses(f, "actions/checkout"),
        "with": {"persist-credentials": f.pick(False, True)},
    }


def _setup(f: Faults, lang: str, version: str = "") -> list[dict[str, Any]]:
    if lang == "python":
        return [
            {
                "uses": _uses(f, "actions/setup-python"),
                "with": {"python-version": version or "3.12", "cache": "pip"},
            },
            {"run": "python -m pip install -r requirements-dev.lock"},
        ]
    if lang in ("node", "static"):
        return [
            {
                "uses": _uses(f, "actions/setup-node"),
                "with": {"node-version": version or "22", "cache": "npm"},
            },
            {"run": "npm ci"},
        ]
    if lang == "go":
        return [
            {"uses": _uses(f, "actions/setup-go"), "with": {"go-version-file": "go.mod"}},
            {"run": "go mod download"},
        ]
    if lang == "java":
        return [
            {
                "uses": _uses(f, "actions/setup-java"),
                "with": {
                    "distribution": "temurin",
                    "java-version": version or "21",
                    "cache": "gradle",
                },
            }
        ]
    return [
        {
            "uses": _uses(f, "actions/cache"),
            "with": {
                "path": "~/.cargo/registry\ntarget\n",
                "key": "cargo-${{ hashFiles('Cargo.lock') }}",
            },
        }
    ]


TEST_CMD = {
    "python": "python -m pytest -q --cov --cov-report=xml",
    "node": "npm test -- --ci",
    "static": "npm test -- --ci",
    "go": "go test -race -coverprofile=coverage.out ./...",
    "java": "./gradlew --no-daemon test",
    "rust": "cargo test --locked",
}
LINT_CMD = {
    "python": "ruff check .\nruff format --check .\nmypy src",
    "node": "npm run lint\nnpm run typecheck",
    "static": "npm run lint",
    "go": "go vet ./...\ngofmt -l . | tee /dev/stderr | (! read)",
    "java": "./gradlew --no-daemon spotlessCheck",
    "rust": "cargo fmt --check\ncargo clippy --locked -- -D warnings",
}
MATRIX = {
    "python": ("python-version", ["3.11", "3.12", "3.13"]),
    "node": ("node-version", ["20", "22"]),
    "static": ("node-version", ["20", "22"]),
    "go": ("go-version", ["1.22", "1.23"]),
    "java": ("java-version", ["17", "21"]),
    "rust": ("toolchain", ["stable", "beta"]),
}


def _permissions(f: Faults, scopes: Mapping[str, str] | None = None) -> Any:
    return f.pick(dict(scopes or {"contents": "read"}), "write-all")


def _job(runs_on: str, timeout: int, steps: list[Any], **extra: Any) -> dict[str, Any]:
    job: dict[str, Any] = {}
    for key in ("name", "needs", "if"):
        if key in extra:
            job[key] = extra.pop(key)
    job["runs-on"] = runs_on
    job["timeout-minutes"] = timeout
    job.update(extra)
    job["steps"] = steps
    return job


def _echo_context(f: Faults) -> dict[str, Any]:
    # Attacker-controlled text expanded inside a script (GHA-008) vs a safe context.
    ref = f.pick("${{ github.sha }}", "${{ github.event.pull_request.title }}")
    return {
        "name": "Show build context",
        "run": f'echo "Building {ref} on ${{{{ github.ref_name }}}}"',
    }


def gha_ci(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        lang = project.lang
        key, versions = MATRIX[lang]
        lint = _job(
            "ubuntu-24.04",
            10,
            [
                _checkout(f),
                _echo_context(f),
                *_setup(f, lang),
                {"name": "Lint", "run": LINT_CMD[lang] + "\n"},
            ],
        )
        test_steps: list[Any] = [
            _checkout(f),
            *_setup(f, lang, "${{ matrix." + key + " }}"),
            {"name": "Test", "run": TEST_CMD[lang]},
            {
                "uses": _uses(f, "codecov/codecov-action"),
                "with": {"token": "${{ secrets.CODECOV_TOKEN }}", "fail_ci_if_error": True},
            },
        ]
        test = _job(
            "ubuntu-24.04",
            15,
            test_steps,
            strategy={"fail-fast": False, "matrix": {key: Flow(versions)}},
        )
        if rng.random() < 0.5:
            test["services"] = {
                "postgres": {
                    "image": "postgres:16.6",
                    "env": {"POSTGRES_HOST_AUTH_METHOD": "trust"},
                    "ports": Flow(["5432:5432"]),
                    "options": "--health-cmd pg_isready --health-interval 10s --health-retries 5",
                }
            }
        image = _job(
            "ubuntu-24.04",
            20,
            [
                _checkout(f),
                {"uses": _uses(f, "docker/setup-buildx-action")},
                {
                    "uses": _uses(f, "docker/build-push-action"),
                    "with": {
                        "context": ".",
                        "push": False,
                        "tags": f"{project.registry}/{project.services[0].name}:ci",
                        "cache-from": "type=gha",
                        "cache-to": "type=gha,mode=max",
                    },
                },
            ],
            needs=Flow(["lint", "test"]),
        )
        doc: dict[str, Any] = {
            "name": "CI",
            "on": {
                "push": {"branches": Flow(["main"])},
                "pull_request": {"branches": Flow(["main"])},
            },
            "permissions": _permissions(f),
            "concurrency": {
                "group": "ci-${{ github.workflow }}-${{ github.ref }}",
                "cancel-in-progress": True,
            },
            "env": {"FORCE_COLOR": "1"},
            "jobs": {"lint": lint, "test": test, "image": image},
        }
        return yaml_document(doc)

    return build


def _deploy_job(
    f: Faults, project: Project, svc: str, env: str, needs: Any, helm: bool, **extra: Any
) -> dict[str, Any]:
    namespace = project.namespace if env == "production" else f"{project.namespace}-{env}"
    steps: list[Any] = [
        _checkout(f),
        {
            "uses": _uses(f, "aws-actions/configure-aws-credentials"),
            "with": {
                "role-to-assume": f"arn:aws:iam::123456789012:role/{project.name}-deploy-{env}",
                "aws-region": "eu-west-1",
            },
        },
    ]
    if helm:
        atomic = f.pick(" --atomic", "")  # without it a failed upgrade stays half-rolled
        steps.append({"uses": _uses(f, "azure/setup-helm"), "with": {"version": "v3.16.3"}})
        steps.append(
            {
                "name": f"Deploy to {env}",
                "run": (
                    f"aws eks update-kubeconfig --name {project.name}-{env}\n"
                    f"helm upgrade {svc} ./charts/{svc} --install{atomic} --wait --timeout 10m \\\n"
                    f"  --namespace {namespace} \\\n"
                    f"  --set image.tag=${{{{ needs.build.outputs.version }}}}\n"
                ),
            }
        )
    else:
        steps.append({"uses": _uses(f, "azure/setup-kubectl"), "with": {"version": "v1.31.3"}})
        steps.append(
            {
                "name": f"Deploy to {env}",
                "id": "rollout",
                "run": (
                    f"aws eks update-kubeconfig --name {project.name}-{env}\n"
                    f"kubectl -n {namespace} set image deployment/{svc} "
                    f"{svc}={project.registry}/{svc}:${{{{ needs.build.outputs.version }}}}\n"
                    f"kubectl -n {namespace} rollout status deployment/{svc} --timeout=5m\n"
                ),
            }
        )
        steps.append(
            {
                "name": "Roll back on failure",
                "if": f.pick("failure()", "always()"),
                "run": f"kubectl -n {namespace} rollout undo deployment/{svc}",
            }
        )
    steps.append(
        {
            "name": "Smoke test",
            "run": f"curl -fsS --retry 5 --retry-delay 5 https://{svc}.{env}.{project.domain}/readyz",
        }
    )
    datadog = f.pick("${{ secrets.DATADOG_API_KEY }}", f.fake())
    return _job(
        "ubuntu-24.04",
        30,
        steps,
        needs=needs,
        environment={"name": env, "url": f"https://{svc}.{env}.{project.domain}"},
        permissions={"contents": "read", "id-token": "write"},
        env={"DATADOG_API_KEY": datadog},
        **extra,
    )


def gha_deploy(project: Project, svc: Service) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        helm = rng.random() < 0.6
        lang = svc.lang
        test = _job(
            "ubuntu-24.04",
            15,
            [_checkout(f), *_setup(f, lang), {"name": "Unit tests", "run": TEST_CMD[lang]}],
        )
        build_job = _job(
            "ubuntu-24.04",
            20,
            [
                _checkout(f),
                {"uses": _uses(f, "docker/setup-buildx-action")},
                {
                    "uses": _uses(f, "docker/login-action"),
                    "with": {
                        "registry": "ghcr.io",
                        "username": "${{ github.actor }}",
                        "password": "${{ secrets.GITHUB_TOKEN }}",
                    },
                },
                {
                    "id": "meta",
                    "uses": _uses(f, "docker/metadata-action"),
                    "with": {
                        "images": f"{project.registry}/{svc.name}",
                        "tags": "type=sha,format=long\n",
                    },
                },
                {
                    "id": "push",
                    "uses": _uses(f, "docker/build-push-action"),
                    "with": {
                        "context": f"services/{svc.name}",
                        "push": True,
                        "tags": "${{ steps.meta.outputs.tags }}",
                        "labels": "${{ steps.meta.outputs.labels }}",
                        "provenance": "mode=max",
                    },
                },
                {
                    "id": "version",
                    "run": 'echo "version=sha-${{ github.sha }}" >> "$GITHUB_OUTPUT"',
                },
            ],
            needs="test",
            permissions={"contents": "read", "packages": "write", "id-token": "write"},
            outputs={"version": "${{ steps.version.outputs.version }}"},
        )
        jobs: dict[str, Any] = {"test": test, "build": build_job}
        jobs["deploy-staging"] = _deploy_job(f, project, svc.name, "staging", "build", helm)
        jobs["deploy-production"] = _deploy_job(
            f,
            project,
            svc.name,
            "production",
            Flow(["build", "deploy-staging"]),
            helm,
            **{"if": "github.ref == 'refs/heads/main'"},
        )
        doc: dict[str, Any] = {
            "name": f"Deploy {svc.name}",
            "on": {
                "push": {
                    "branches": Flow(["main"]),
                    "paths": Flow([f"services/{svc.name}/**", f"deploy/k8s/{svc.name}*.yaml"]),
                },
                "workflow_dispatch": {},
            },
            "permissions": _permissions(f),
            "concurrency": {"group": f"deploy-{svc.name}", "cancel-in-progress": False},
            "jobs": jobs,
        }
        return yaml_document(doc)

    return build


def gha_build(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        services = Flow([s.name for s in project.services[: rng.randint(1, 6)]])
        steps: list[Any] = [
            _checkout(f),
            {"uses": _uses(f, "docker/setup-qemu-action")},
            {"uses": _uses(f, "docker/setup-buildx-action")},
            {
                "uses": _uses(f, "docker/login-action"),
                "if": "github.event_name != 'pull_request'",
                "with": {
                    "registry": "ghcr.io",
                    "username": "${{ github.actor }}",
                    "password": "${{ secrets.GITHUB_TOKEN }}",
                },
            },
            {
                "id": "meta",
                "uses": _uses(f, "docker/metadata-action"),
                "with": {
                    "images": f"{project.registry}/${{{{ matrix.service }}}}",
                    "tags": (
                        "type=ref,event=branch\ntype=ref,event=pr\n"
                        "type=semver,pattern={{version}}\n"
                    ),
                },
            },
            {
                "uses": _uses(f, "docker/build-push-action"),
                "with": {
                    "context": "services/${{ matrix.service }}",
                    "platforms": "linux/amd64,linux/arm64",
                    "push": "${{ github.event_name != 'pull_request' }}",
                    "tags": "${{ steps.meta.outputs.tags }}",
                    "cache-from": "type=gha,scope=${{ matrix.service }}",
                    "cache-to": "type=gha,mode=max,scope=${{ matrix.service }}",
                },
            },
            {
                "uses": _uses(f, "aquasecurity/trivy-action"),
                "with": {
                    "image-ref": (
                        f"{project.registry}/${{{{ matrix.service }}}}:${{{{ github.sha }}}}"
                    ),
                    "severity": "CRITICAL,HIGH",
                    "exit-code": "1",
                    "ignore-unfixed": True,
                },
            },
        ]
        doc: dict[str, Any] = {
            "name": "Build images",
            "on": {
                "push": {"branches": Flow(["main"]), "tags": Flow(["v*"])},
                "pull_request": {},
            },
            "permissions": _permissions(f),
            "jobs": {
                "image": _job(
                    "ubuntu-24.04",
                    30,
                    steps,
                    strategy={"matrix": {"service": services}},
                    permissions={"contents": "read", "packages": "write"},
                )
            },
        }
        return yaml_document(doc)

    return build


def gha_test(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        lang = project.lang
        key, versions = MATRIX[lang]
        jobs: dict[str, Any] = {}
        for suite in ("unit", "integration", "contract")[: rng.randint(1, 3)]:
            jobs[f"{suite}-tests"] = _job(
                "${{ matrix.os }}",
                15,
                [
                    _checkout(f),
                    _echo_context(f),
                    *_setup(f, lang, "${{ matrix." + key + " }}"),
                    {"name": f"{suite} tests", "run": TEST_CMD[lang]},
                    {
                        "uses": _uses(f, "actions/upload-artifact"),
                        "if": "always()",
                        "with": {
                            "name": f"{suite}-results-${{{{ matrix.os }}}}",
                            "path": "reports/",
                        },
                    },
                ],
                strategy={
                    "fail-fast": False,
                    "matrix": {"os": Flow(["ubuntu-24.04", "macos-14"]), key: Flow(versions)},
                },
            )
        doc = {
            "name": "Tests",
            "on": {"pull_request": {}, "push": {"branches": Flow(["main", "release/*"])}},
            "permissions": _permissions(f),
            "concurrency": {"group": "tests-${{ github.ref }}", "cancel-in-progress": True},
            "jobs": jobs,
        }
        return yaml_document(doc)

    return build


def gha_release(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        lang = project.lang
        steps: list[Any] = [
            _checkout(f),
            *_setup(f, lang),
            {"name": "Package", "run": "make dist"},
            {
                "name": "Create the GitHub release",
                "env": {"GH_TOKEN": "${{ github.token }}"},
                "run": 'gh release create "$GITHUB_REF_NAME" --generate-notes dist/*',
            },
        ]
        doc = {
            "name": "Release",
            "on": {"push": {"tags": Flow(["v*.*.*"])}},
            "permissions": _permissions(f),
            "jobs": {
                "changelog": _job(
                    "ubuntu-24.04",
                    10,
                    [_checkout(f), {"run": "git log --oneline -20"}],
                ),
                "assets": _job(
                    "ubuntu-24.04",
                    20,
                    steps,
                    needs="changelog",
                    permissions={"contents": "write"},
                ),
            },
        }
        return yaml_document(doc)

    return build


CODEQL_LANGUAGES = {
    "python": "python",
    "node": "javascript-typescript",
    "static": "javascript-typescript",
    "go": "go",
    "java": "java-kotlin",
    "rust": "rust",
}


def gha_codeql(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        language = CODEQL_LANGUAGES[project.lang]
        doc = {
            "name": "CodeQL",
            "on": {
                "push": {"branches": Flow(["main"])},
                "pull_request": {"branches": Flow(["main"])},
                "schedule": [{"cron": f"{rng.randint(0, 59)} {rng.randint(0, 23)} * * 1"}],
            },
            "permissions": _permissions(f),
            "jobs": {
                "analyze": _job(
                    "ubuntu-24.04",
                    30,
                    [
                        _checkout(f),
                        {
                            "uses": _uses(f, "github/codeql-action/init"),
                            "with": {"languages": language},
                        },
                        {"uses": _uses(f, "github/codeql-action/autobuild")},
                        {
                            "uses": _uses(f, "github/codeql-action/analyze"),
                            "with": {"category": "/language:" + language},
                        },
                    ],
                    permissions={"contents": "read", "security-events": "write", "actions": "read"},
                )
            },
        }
        return yaml_document(doc)

    return build


def gha_terraform(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        common = [
            _checkout(f),
            {"uses": _uses(f, "hashicorp/setup-terraform"), "with": {"terraform_version": "1.9.8"}},
            {
                "uses": _uses(f, "aws-actions/configure-aws-credentials"),
                "with": {
                    "role-to-assume": f"arn:aws:iam::123456789012:role/{project.name}-terraform",
                    "aws-region": "eu-west-1",
                },
            },
        ]
        plan = _job(
            "ubuntu-24.04",
            20,
            [
                *common,
                {"run": "terraform fmt -check -recursive infra/"},
                {"run": "terraform -chdir=infra/envs/production init -input=false"},
                {"run": "terraform -chdir=infra/envs/production validate"},
                {"run": "terraform -chdir=infra/envs/production plan -input=false -out=tfplan"},
            ],
            permissions={"contents": "read", "id-token": "write", "pull-requests": "write"},
        )
        apply = _job(
            "ubuntu-24.04",
            30,
            [
                *common,
                {"run": "terraform -chdir=infra/envs/production init -input=false"},
                {"run": "terraform -chdir=infra/envs/production apply -input=false -auto-approve"},
            ],
            needs="plan",
            **{"if": "github.ref == 'refs/heads/main' && github.event_name == 'push'"},
            environment="production",
            permissions={"contents": "read", "id-token": "write"},
        )
        doc = {
            "name": "Terraform",
            "on": {
                "pull_request": {"paths": Flow(["infra/**"])},
                "push": {"branches": Flow(["main"]), "paths": Flow(["infra/**"])},
            },
            "permissions": _permissions(f),
            "concurrency": {"group": "terraform-production", "cancel-in-progress": False},
            "jobs": {"plan": plan, "apply": apply},
        }
        return yaml_document(doc)

    return build


def gha_nightly(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        lang = project.lang
        e2e = _job(
            "ubuntu-24.04",
            45,
            [
                _checkout(f),
                *_setup(f, lang),
                {
                    "name": "End-to-end tests",
                    "run": f"make e2e BASE_URL=https://staging.{project.domain}",
                },
                {
                    "uses": _uses(f, "actions/upload-artifact"),
                    "if": "failure()",
                    "with": {
                        "name": "e2e-${{ matrix.browser }}",
                        "path": "e2e/output/",
                        "retention-days": 7,
                    },
                },
            ],
            strategy={
                "fail-fast": False,
                "matrix": {"browser": Flow(["chromium", "firefox", "webkit"])},
            },
        )
        notify = _job(
            "ubuntu-24.04",
            5,
            [
                {
                    "uses": _uses(f, "slackapi/slack-github-action"),
                    "with": {
                        "webhook": "${{ secrets.SLACK_WEBHOOK_URL }}",
                        "webhook-type": "incoming-webhook",
                        "payload": (
                            'text: "Nightly e2e failed: ${{ github.server_url }}/'
                            '${{ github.repository }}/actions/runs/${{ github.run_id }}"\n'
                        ),
                    },
                }
            ],
            needs="e2e",
            **{"if": "failure()"},
        )
        doc = {
            "name": "Nightly",
            "on": {
                "schedule": [{"cron": f"{rng.randint(0, 59)} 2 * * *"}],
                "workflow_dispatch": {},
            },
            "permissions": _permissions(f),
            "jobs": {"e2e": e2e, "notify": notify},
        }
        return yaml_document(doc)

    return build


def gha_triage(project: Project) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        title = f.pick(
            "${{ github.event.pull_request.number }}", "${{ github.event.pull_request.title }}"
        )
        doc = {
            "name": "PR triage",
            "on": {"pull_request_target": {"types": Flow(["opened", "edited", "synchronize"])}},
            "permissions": _permissions(f),
            "jobs": {
                "label": _job(
                    "ubuntu-24.04",
                    5,
                    [
                        {
                            "uses": _uses(f, "dorny/paths-filter"),
                            "id": "filter",
                            "with": {
                                "filters": "infra:\n  - 'infra/**'\ndeploy:\n  - 'deploy/**'\n"
                            },
                        },
                        {"name": "Log", "run": f'echo "Triaging PR {title}"'},
                        {
                            "uses": _uses(f, "actions/github-script"),
                            "with": {
                                "script": (
                                    "const labels = [];\n"
                                    "const infra = '${{ steps.filter.outputs.infra }}';\n"
                                    "if (infra === 'true') labels.push('infra');\n"
                                    "if (labels.length) {\n"
                                    "  const issue_number = context.issue.number;\n"
                                    "  await github.rest.issues.addLabels(\n"
                                    "    { ...context.repo, issue_number, labels });\n"
                                    "}\n"
                                )
                            },
                        },
                    ],
                    permissions={"pull-requests": "write", "contents": "read"},
                )
            },
        }
        return yaml_document(doc)

    return build


def gha_housekeeping(project: Project, name: str) -> Builder:
    def build(rng: random.Random, f: Faults) -> str:
        if name == "stale":
            step = {
                "uses": _uses(f, "actions/stale"),
                "with": {
                    "days-before-stale": 30,
                    "days-before-close": 7,
                    "stale-pr-label": "stale",
                },
            }
            perms = {"issues": "write", "pull-requests": "write"}
        elif name == "cleanup":
            step = {
                "uses": _uses(f, "actions/delete-package-versions"),
                "with": {"package-name": project.services[0].name, "package-type": "container",
                         "min-versions-to-keep": 20, "delete-only-untagged-versions": "true"},
            }  # fmt: skip
            perms = {"packages": "write"}
        else:  # dependency review
            step = {
                "uses": _uses(f, "actions/dependency-review-action"),
                "with": {"fail-on-severity": "high"},
            }
            perms = {"contents": "read", "pull-requests": "write"}
        trigger: dict[str, Any] = (
            {"pull_request": {}}
            if name == "dependency-review"
            else {"schedule": [{"cron": f"{rng.randint(0, 59)} {rng.randint(0, 23)} * * *"}]}
        )
        doc = {
            "name": name.replace("-", " ").capitalize(),
            "on": trigger,
            "permissions": _permissions(f),
            "jobs": {name: _job("ubuntu-24.04", 10, [_checkout(f), step], permissions=perms)},
        }
        return yaml_document(doc)

    return build


# --------------------------------------------------------------------------- Terraform

TF_THEMES = ("storage", "network", "database", "iam", "compute", "gcp", "azure")
TF_PARTS = ("main.tf", "variables.tf", "outputs.tf", "locals.tf", "terraform.tfvars")
_SLOT = re.compile(r"\{\{(\w+)\}\}")


def hcl(template: str, **values: Any) -> str:
    """An HCL snippet: ``{{name}}`` slots take HCL values (``Expr`` for expressions,
    Python values are quoted/rendered); HCL's own braces stay as they are."""
    text = textwrap.dedent(template).strip("\n")
    return _SLOT.sub(lambda m: hcl_value(values[m.group(1)], 2), text)


@dataclass
class TfParts:
    """A module's content, split by the file it belongs in."""

    resources: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    locals: list[tuple[str, Any]] = field(default_factory=list)
    tfvars: list[tuple[str, Any]] = field(default_factory=list)

    def var(self, name: str, type_: str, description: str, default: Any) -> None:
        self.variables.append(
            hcl(
                f"""
                variable "{name}" {{
                  description = {{{{description}}}}
                  type        = {type_}
                  default     = {{{{default}}}}
                }}
                """,
                description=description,
                default=default,
            )
        )

    def out(self, name: str, value: str, description: str, sensitive: bool | None = None) -> None:
        extra = "" if sensitive is None else f"\n  sensitive   = {hcl_value(sensitive)}"
        self.outputs.append(
            f'output "{name}" {{\n  description = {json.dumps(description)}\n'
            f"  value       = {value}{extra}\n}}"
        )


@dataclass(frozen=True)
class TfFaults:
    """The Faults of each part of a module (each part is written to its own file)."""

    main: Faults
    variables: Faults
    outputs: Faults
    locals: Faults
    tfvars: Faults


def _tf_storage(rng: random.Random, f: TfFaults, mod: str, parts: TfParts) -> None:
    fv = f.variables
    parts.var("force_destroy", "bool", "Allow destroying non-empty buckets.", fv.pick(False, True))
    parts.var("noncurrent_days", "number", "Days to keep old object versions.", 90)
    parts.var(
        "cloudfront_distribution_arn",
        "string",
        "The distribution allowed to read the buckets.",
        f"arn:aws:cloudfront::123456789012:distribution/E{_hex(mod, 12).upper()}",
    )
    fm = f.main
    parts.resources.append(
        hcl(
            """
            resource "aws_kms_key" "buckets" {
              description             = "Encrypts the buckets of this module"
              deletion_window_in_days = 30
              enable_key_rotation     = {{rotation}}
              tags                    = local.common_tags
            }
            """,
            rotation=fm.pick(True, False),
        )
    )
    names = rng.sample(
        ("data", "logs", "artifacts", "backups", "exports", "uploads"), rng.randint(1, 2)
    )
    for name in names:
        public = fm()
        clean_reader = hcl(
            """
            {
                    Sid       = "AllowCloudFrontRead"
                    Effect    = "Allow"
                    Principal = { Service = "cloudfront.amazonaws.com" }
                    Action    = "s3:GetObject"
                    Resource  = "${aws_s3_bucket.NAME.arn}/*"
                    Condition = {
                      StringEquals = { "AWS:SourceArn" = var.cloudfront_distribution_arn }
                    }
                  }
            """
        )
        dirty_reader = hcl(
            """
            {
                    Sid       = "PublicRead"
                    Effect    = "Allow"
                    Principal = "*"
                    Action    = "s3:GetObject"
                    Resource  = "${aws_s3_bucket.NAME.arn}/*"
                  }
            """
        )
        reader = fm.pick(clean_reader, dirty_reader).replace("NAME", name)
        parts.resources.append(
            hcl(
                """
                # NAME: private, encrypted with the module key, versioned
                resource "aws_s3_bucket" "NAME" {
                  bucket        = "${local.name_prefix}-NAME"
                  force_destroy = var.force_destroy
                  tags = merge(local.common_tags, {
                    Name      = "NAME"
                    DataClass = {{data_class}}
                  })
                }

                resource "aws_s3_bucket_public_access_block" "NAME" {
                  bucket                  = aws_s3_bucket.NAME.id
                  block_public_acls       = {{block}}
                  block_public_policy     = {{block}}
                  ignore_public_acls      = {{block}}
                  restrict_public_buckets = {{block}}
                }

                resource "aws_s3_bucket_ownership_controls" "NAME" {
                  bucket = aws_s3_bucket.NAME.id

                  rule {
                    object_ownership = "BucketOwnerPreferred"
                  }
                }

                resource "aws_s3_bucket_acl" "NAME" {
                  bucket     = aws_s3_bucket.NAME.id
                  acl        = {{acl}}
                  depends_on = [aws_s3_bucket_ownership_controls.NAME]
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "NAME" {
                  bucket = aws_s3_bucket.NAME.id

                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm     = "aws:kms"
                      kms_master_key_id = aws_kms_key.buckets.arn
                    }
                    bucket_key_enabled = true
                  }
                }

                resource "aws_s3_bucket_versioning" "NAME" {
                  bucket = aws_s3_bucket.NAME.id

                  versioning_configuration {
                    status = {{versioning}}
                  }
                }

                resource "aws_s3_bucket_lifecycle_configuration" "NAME" {
                  bucket = aws_s3_bucket.NAME.id

                  rule {
                    id     = "expire-noncurrent"
                    status = "Enabled"

                    filter {}

                    noncurrent_version_expiration {
                      noncurrent_days = var.noncurrent_days
                    }

                    abort_incomplete_multipart_upload {
                      days_after_initiation = 7
                    }
                  }
                }

                resource "aws_s3_bucket_policy" "NAME" {
                  bucket = aws_s3_bucket.NAME.id
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [
                      {
                        Sid       = "DenyInsecureTransport"
                        Effect    = "Deny"
                        Principal = "*"
                        Action    = "s3:*"
                        Resource  = [aws_s3_bucket.NAME.arn, "${aws_s3_bucket.NAME.arn}/*"]
                        Condition = { Bool = { "aws:SecureTransport" = "false" } }
                      },
                      {{reader}},
                    ]
                  })
                }
                """,
                data_class=rng.choice(("internal", "confidential")),
                block=not public,
                acl=fm.pick("private", "public-read"),
                versioning=fm.pick("Enabled", "Suspended"),
                reader=Expr(reader),
            ).replace("NAME", name)
        )
        parts.out(f"{name}_bucket_id", f"aws_s3_bucket.{name}.id", f"Name of the {name} bucket.")
        parts.out(f"{name}_bucket_arn", f"aws_s3_bucket.{name}.arn", f"ARN of the {name} bucket.")
    parts.out("kms_key_arn", "aws_kms_key.buckets.arn", "Key of the buckets.")
    parts.tfvars.append(("noncurrent_days", rng.choice((30, 90, 180))))
    parts.tfvars.append(("force_destroy", f.tfvars.pick(False, True)))


def _tf_network(rng: random.Random, f: TfFaults, mod: str, parts: TfParts) -> None:
    octet = rng.randint(10, 200)
    vpc_cidr = f"10.{octet}.0.0/16"
    vpn, anywhere = ["10.20.0.0/16"], ["0.0.0.0/0"]
    fv = f.variables
    parts.var("vpc_cidr", "string", "CIDR block of the VPC.", vpc_cidr)
    parts.var(
        "azs", "list(string)", "Availability zones.", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    )
    for tier, octets in (("private", (0, 16, 32)), ("public", (48, 49, 50))):
        cidrs = [f"10.{octet}.{o}.0/{20 if tier == 'private' else 24}" for o in octets]
        parts.var(f"{tier}_subnets", "list(string)", f"{tier.capitalize()} subnet CIDRs.", cidrs)
    parts.var("admin_cidrs", "list(string)", "Who may SSH to the bastion.", fv.pick(vpn, anywhere))
    parts.var(
        "flow_log_bucket_arn", "string", "Bucket of the flow logs.", "arn:aws:s3:::org-flow-logs"
    )
    rules = [
        {"description": "app from the load balancers", "port": 8080, "cidr_blocks": [vpc_cidr]},
        {"description": "metrics from monitoring", "port": 9090, "cidr_blocks": ["10.8.0.0/16"]},
        {"description": "ssh from the VPN", "port": 22, "cidr_blocks": fv.pick(vpn, anywhere)},
    ]
    rule_type = "list(object({ description = string, port = number, cidr_blocks = list(string) }))"
    parts.var("app_ingress_rules", rule_type, "Ingress rules of the application group.", rules)
    fm = f.main
    parts.resources.append(
        hcl(
            """
            resource "aws_vpc" "this" {
              cidr_block           = var.vpc_cidr
              enable_dns_hostnames = true
              enable_dns_support   = true
              tags                 = merge(local.common_tags, { Name = local.name_prefix })
            }

            resource "aws_subnet" "private" {
              count             = length(var.private_subnets)
              vpc_id            = aws_vpc.this.id
              cidr_block        = var.private_subnets[count.index]
              availability_zone = var.azs[count.index]
              tags              = merge(local.common_tags, { Tier = "private" })
            }

            resource "aws_subnet" "public" {
              count                   = length(var.public_subnets)
              vpc_id                  = aws_vpc.this.id
              cidr_block              = var.public_subnets[count.index]
              availability_zone       = var.azs[count.index]
              map_public_ip_on_launch = {{public_ip}}
              tags                    = merge(local.common_tags, { Tier = "public" })
            }

            resource "aws_flow_log" "this" {
              vpc_id               = aws_vpc.this.id
              traffic_type         = {{traffic}}
              log_destination_type = "s3"
              log_destination      = var.flow_log_bucket_arn
            }

            resource "aws_security_group" "alb" {
              name        = "${local.name_prefix}-alb"
              description = "Public load balancer"
              vpc_id      = aws_vpc.this.id

              ingress {
                description = "HTTPS from the internet"
                from_port   = 443
                to_port     = 443
                protocol    = "tcp"
                cidr_blocks = ["0.0.0.0/0"]
              }

              egress {
                description = "to the application"
                from_port   = 8080
                to_port     = 8080
                protocol    = "tcp"
                cidr_blocks = [var.vpc_cidr]
              }

              tags = local.common_tags
            }

            resource "aws_security_group" "bastion" {
              name        = "${local.name_prefix}-bastion"
              description = "SSH bastion"
              vpc_id      = aws_vpc.this.id

              ingress {
                description = "SSH from the corporate VPN"
                from_port   = 22
                to_port     = 22
                protocol    = "tcp"
                cidr_blocks = {{vpn}}
              }

              ingress {
                description = "SSH from the admin networks"
                from_port   = 22
                to_port     = 22
                protocol    = "tcp"
                cidr_blocks = var.admin_cidrs
              }

              tags = local.common_tags
            }

            resource "aws_security_group" "app" {
              name        = "${local.name_prefix}-app"
              description = "Application instances"
              vpc_id      = aws_vpc.this.id

              dynamic "ingress" {
                for_each = var.app_ingress_rules
                content {
                  description = ingress.value.description
                  from_port   = ingress.value.port
                  to_port     = ingress.value.port
                  protocol    = "tcp"
                  cidr_blocks = ingress.value.cidr_blocks
                }
              }

              tags = local.common_tags
            }

            resource "aws_security_group_rule" "db_from_app" {
              type              = "ingress"
              description       = "PostgreSQL from the application"
              from_port         = 5432
              to_port           = 5432
              protocol          = "tcp"
              security_group_id = aws_security_group.app.id
              cidr_blocks       = {{db_cidrs}}
            }
            """,
            public_ip=fm.pick(False, True),
            traffic=fm.pick("ALL", "REJECT"),
            vpn=fm.pick(vpn, anywhere),
            db_cidrs=fm.pick([Expr("var.vpc_cidr")], anywhere),
        )
    )
    parts.out("vpc_id", "aws_vpc.this.id", "The VPC.")
    for group in ("alb", "bastion", "app"):
        parts.out(
            f"{group}_security_group_id", f"aws_security_group.{group}.id", f"The {group} group."
        )
    parts.out("private_subnet_ids", "aws_subnet.private[*].id", "Private subnets.")
    parts.out("public_subnet_ids", "aws_subnet.public[*].id", "Public subnets.")
    parts.tfvars.append(("vpc_cidr", vpc_cidr))
    parts.tfvars.append(("admin_cidrs", f.tfvars.pick(["10.20.0.0/16", "10.21.0.0/16"], anywhere)))


def _tf_database(rng: random.Random, f: TfFaults, mod: str, parts: TfParts) -> None:
    postgres = rng.random() < 0.7
    engine, version, family, port = (
        ("postgres", "16.4", "postgres16", 5432)
        if postgres
        else ("mysql", "8.0.39", "mysql8.0", 3306)
    )
    fv = f.variables
    parts.var(
        "instance_class",
        "string",
        "RDS instance class.",
        rng.choice(("db.t4g.medium", "db.r6g.large")),
    )
    parts.var("allocated_storage", "number", "Initial storage in GiB.", rng.choice((50, 100, 200)))
    parts.var("backup_retention_days", "number", "Days of automated backups.", fv.pick(14, 0))
    parts.var("vpc_id", "string", "VPC of the database.", "vpc-0123456789abcdef0")
    parts.var(
        "subnet_ids", "list(string)", "Private subnets.", ["subnet-0a1b2c3d", "subnet-1a2b3c4d"]
    )
    parts.var(
        "app_cidr", "string", "Network of the application.", fv.pick("10.40.0.0/16", "0.0.0.0/0")
    )
    fm = f.main
    logs = ["postgresql", "upgrade"] if postgres else ["error", "slowquery"]
    parts.resources.append(
        hcl(
            """
            resource "random_password" "master" {
              length  = 32
              special = true
            }

            resource "aws_kms_key" "db" {
              description         = "Database storage"
              enable_key_rotation = {{rotation}}
              tags                = local.common_tags
            }

            resource "aws_db_subnet_group" "this" {
              name       = "${local.name_prefix}-db"
              subnet_ids = var.subnet_ids
              tags       = local.common_tags
            }

            resource "aws_db_parameter_group" "this" {
              name   = "${local.name_prefix}-db"
              family = {{family}}

              parameter {
                name  = {{tls_param}}
                value = {{tls}}
              }

              parameter {
                name  = {{slow_param}}
                value = "500"
              }
            }

            resource "aws_security_group" "db" {
              name        = "${local.name_prefix}-db"
              description = "Database clients"
              vpc_id      = var.vpc_id

              ingress {
                description = "application"
                from_port   = {{port}}
                to_port     = {{port}}
                protocol    = "tcp"
                cidr_blocks = [var.app_cidr]
              }

              ingress {
                description = "analysts"
                from_port   = {{port}}
                to_port     = {{port}}
                protocol    = "tcp"
                cidr_blocks = {{analysts}}
              }

              tags = local.common_tags
            }

            resource "aws_db_instance" "this" {
              identifier            = "${local.name_prefix}-db"
              engine                = {{engine}}
              engine_version        = {{version}}
              instance_class        = var.instance_class
              allocated_storage     = var.allocated_storage
              max_allocated_storage = 1000
              storage_type          = "gp3"
              storage_encrypted     = {{encrypted}}
              kms_key_id            = aws_kms_key.db.arn
              db_name               = "app"
              username              = "app_admin"
              password              = {{password}}
              port                  = {{port}}

              multi_az               = true
              publicly_accessible    = {{public}}
              db_subnet_group_name   = aws_db_subnet_group.this.name
              vpc_security_group_ids = [aws_security_group.db.id]
              parameter_group_name   = aws_db_parameter_group.this.name

              backup_retention_period             = {{retention}}
              backup_window                       = "02:00-03:00"
              maintenance_window                  = "sun:03:30-sun:04:30"
              copy_tags_to_snapshot               = true
              deletion_protection                 = {{deletion_protection}}
              skip_final_snapshot                 = false
              final_snapshot_identifier           = "${local.name_prefix}-db-final"
              performance_insights_enabled        = true
              iam_database_authentication_enabled = true
              auto_minor_version_upgrade          = true
              enabled_cloudwatch_logs_exports     = {{logs}}
              tags                                = merge(local.common_tags, { Backup = "daily" })

              lifecycle {
                prevent_destroy = true
                ignore_changes  = [password]
              }
            }
            """,
            rotation=fm.pick(True, False),
            family=family,
            tls_param="rds.force_ssl" if postgres else "require_secure_transport",
            tls=fm.pick("1", "0"),
            slow_param="log_min_duration_statement" if postgres else "long_query_time",
            port=port,
            analysts=fm.pick(["10.50.0.0/16"], ["0.0.0.0/0"]),
            engine=engine,
            version=version,
            encrypted=fm.pick(True, False),
            password=fm.pick(Expr("random_password.master.result"), fm.fake("password")),
            public=fm.pick(False, True),
            retention=fm.pick(Expr("var.backup_retention_days"), 0),
            deletion_protection=fm.pick(True, False),
            logs=logs,
        )
    )
    if rng.random() < 0.4:
        parts.resources.append(
            hcl(
                """
                resource "aws_elasticache_replication_group" "cache" {
                  replication_group_id       = "${local.name_prefix}-cache"
                  description                = "Session cache"
                  engine                     = "redis"
                  node_type                  = "cache.t4g.small"
                  num_cache_clusters         = 2
                  automatic_failover_enabled = true
                  at_rest_encryption_enabled = {{at_rest}}
                  transit_encryption_enabled = {{transit}}
                  snapshot_retention_limit   = {{snapshots}}
                  subnet_group_name          = aws_db_subnet_group.this.name
                }
                """,
                at_rest=fm.pick(True, False),
                transit=fm.pick(True, False),
                snapshots=fm.pick(7, 0),
            )
        )
    parts.out("endpoint", "aws_db_instance.this.endpoint", "Connection endpoint.")
    parts.out("port", "aws_db_instance.this.port", "Port.")
    parts.out("security_group_id", "aws_security_group.db.id", "Security group of the database.")
    parts.out("kms_key_arn", "aws_kms_key.db.arn", "Key of the storage.")
    secret_out = not f.outputs()  # an unmarked secret output is printed by every plan
    parts.out("master_password", "random_password.master.result", "First password.", secret_out)
    parts.tfvars.append(("instance_class", "db.r6g.large"))
    parts.tfvars.append(("backup_retention_days", f.tfvars.pick(30, 1)))


def _tf_iam(rng: random.Random, f: TfFaults, mod: str, parts: TfParts) -> None:
    oidc = "token.actions.githubusercontent.com"
    parts.locals.append(("oidc", oidc))
    fv, fm = f.variables, f.main
    key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-1111-2222-3333-444444444444"
    parts.var("bucket_arn", "string", "Bucket the service reads.", f"arn:aws:s3:::{mod}-data")
    parts.var("kms_key_arn", "string", "Key the service decrypts with.", key_arn)
    parts.var("github_repository", "string", "owner/repo that may deploy.", f"example/{mod}")
    parts.var("max_session_duration", "number", "Seconds.", fv.pick(3600, 43200))
    read = fm.pick(
        """
        {
                Sid      = "ReadData"
                Effect   = "Allow"
                Action   = ["s3:GetObject", "s3:ListBucket"]
                Resource = [var.bucket_arn, "${var.bucket_arn}/*"]
              }""",
        """
        {
                Sid      = "ReadData"
                Effect   = "Allow"
                Action   = "s3:*"
                Resource = "*"
              }""",
    )
    decrypt = fm.pick('["kms:Decrypt"]', '"*"')
    parts.resources.append(
        hcl(
            """
            resource "aws_iam_role" "service" {
              name                 = "${local.name_prefix}-service"
              max_session_duration = var.max_session_duration
              assume_role_policy = jsonencode({
                Version = "2012-10-17"
                Statement = [{
                  Effect    = "Allow"
                  Principal = { Service = "ecs-tasks.amazonaws.com" }
                  Action    = "sts:AssumeRole"
                }]
              })
              tags = local.common_tags
            }

            resource "aws_iam_policy" "service" {
              name        = "${local.name_prefix}-service"
              description = "Least-privilege access of the service"
              policy = jsonencode({
                Version = "2012-10-17"
                Statement = [
                  {{read}},
                  {
                    Sid      = "Decrypt"
                    Effect   = "Allow"
                    Action   = {{decrypt}}
                    Resource = [var.kms_key_arn]
                  },
                  {
                    Sid      = "Logs"
                    Effect   = "Allow"
                    Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
                    Resource = "arn:aws:logs:*:*:log-group:/ecs/${local.name_prefix}*"
                  },
                ]
              })
            }

            resource "aws_iam_role_policy_attachment" "service" {
              role       = aws_iam_role.service.name
              policy_arn = aws_iam_policy.service.arn
            }

            resource "aws_iam_role" "deploy" {
              name = "${local.name_prefix}-github-deploy"
              assume_role_policy = jsonencode({
                Version = "2012-10-17"
                Statement = [{
                  Effect    = "Allow"
                  Principal = { Federated = {{provider}} }
                  Action    = "sts:AssumeRoleWithWebIdentity"
                  Condition = {
                    StringEquals = { "${local.oidc}:aud" = "sts.amazonaws.com" }
                    StringLike   = { "${local.oidc}:sub" = {{subject}} }
                  }
                }]
              })
            }
            """,
            read=Expr(textwrap.dedent(read).strip()),
            decrypt=Expr(decrypt),
            provider=f"arn:aws:iam::123456789012:oidc-provider/{oidc}",
            subject=fm.pick("repo:${var.github_repository}:environment:production", "repo:*"),
        )
    )
    managed = (
        "CloudWatchAgentServerPolicy",
        "AWSXRayDaemonWriteAccess",
        "AmazonSSMManagedInstanceCore",
    )
    for i in range(rng.randint(0, 3)):
        arn = fm.pick(
            f"arn:aws:iam::aws:policy/{managed[i]}", "arn:aws:iam::aws:policy/AdministratorAccess"
        )
        parts.resources.append(
            hcl(
                f"""
                resource "aws_iam_role_policy_attachment" "managed_{i}" {{
                  role       = aws_iam_role.service.name
                  policy_arn = {{{{arn}}}}
                }}
                """,
                arn=arn,
            )
        )
    parts.out("service_role_arn", "aws_iam_role.service.arn", "Role of the service.")
    parts.out("service_role_name", "aws_iam_role.service.name", "Name of the service role.")
    parts.out("deploy_role_arn", "aws_iam_role.deploy.arn", "Role assumed by GitHub Actions.")
    parts.out("policy_arn", "aws_iam_policy.service.arn", "Policy of the service.")
    parts.tfvars.append(("github_repository", f"example/{mod}"))
    parts.tfvars.append(("max_session_duration", f.tfvars.pick(3600, 43200)))


def _tf_compute(rng: random.Random, f: TfFaults, mod: str, parts: TfParts) -> None:
    fv, fm = f.variables, f.main
    parts.var(
        "instance_type", "string", "EC2 instance type.", rng.choice(("t3.medium", "m6i.large"))
    )
    parts.var(
        "subnet_ids",
        "list(string)",
        "Subnets of the group.",
        ["subnet-0a1b2c3d", "subnet-1a2b3c4d"],
    )
    parts.var("min_size", "number", "Minimum instances.", 2)
    parts.var("max_size", "number", "Maximum instances.", rng.choice((4, 6, 10)))
    parts.var("associate_public_ip", "bool", "Give instances a public IP.", fv.pick(False, True))
    script = (
        "#!/bin/bash\nset -euo pipefail\ndnf install -y amazon-cloudwatch-agent\n"
        f"systemctl enable --now {mod}\n"
    )
    parts.locals.append(("user_data", Heredoc(script)))
    parts.resources.append(
        hcl(
            """
            data "aws_ami" "al2023" {
              most_recent = true
              owners      = ["amazon"]

              filter {
                name   = "name"
                values = ["al2023-ami-2023.*-x86_64"]
              }
            }

            resource "aws_launch_template" "this" {
              name_prefix   = "${local.name_prefix}-"
              image_id      = data.aws_ami.al2023.id
              instance_type = var.instance_type
              user_data     = base64encode(local.user_data)

              metadata_options {
                http_endpoint               = "enabled"
                http_tokens                 = {{imds}}
                http_put_response_hop_limit = 1
              }

              block_device_mappings {
                device_name = "/dev/xvda"

                ebs {
                  volume_size           = 30
                  volume_type           = "gp3"
                  encrypted             = {{encrypted}}
                  delete_on_termination = true
                }
              }

              network_interfaces {
                associate_public_ip_address = var.associate_public_ip
              }

              tag_specifications {
                resource_type = "instance"
                tags          = local.common_tags
              }
            }

            resource "aws_autoscaling_group" "this" {
              name_prefix         = "${local.name_prefix}-"
              min_size            = var.min_size
              max_size            = var.max_size
              vpc_zone_identifier = var.subnet_ids
              health_check_type   = "ELB"

              launch_template {
                id      = aws_launch_template.this.id
                version = "$Latest"
              }

              dynamic "tag" {
                for_each = local.common_tags
                content {
                  key                 = tag.key
                  value               = tag.value
                  propagate_at_launch = true
                }
              }
            }

            resource "aws_instance" "bastion" {
              ami                         = data.aws_ami.al2023.id
              instance_type               = "t3.micro"
              subnet_id                   = var.subnet_ids[0]
              associate_public_ip_address = {{public_ip}}
              monitoring                  = true
              ebs_optimized               = true

              root_block_device {
                encrypted   = {{root_encrypted}}
                volume_size = 20
              }

              metadata_options {
                http_tokens = {{bastion_imds}}
              }

              tags = merge(local.common_tags, { Name = "bastion" })
            }
            """,
            imds=fm.pick("required", "optional"),
            encrypted=fm.pick(True, False),
            public_ip=fm.pick(False, True),
            root_encrypted=fm.pick(True, False),
            bastion_imds=fm.pick("required", "optional"),
        )
    )
    if rng.random() < 0.5:
        parts.resources.append(
            hcl(
                """
                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 100
                  type              = "gp3"
                  encrypted         = {{encrypted}}
                  tags              = local.common_tags
                }
                """,
                encrypted=fm.pick(True, False),
            )
        )
    parts.out("asg_name", "aws_autoscaling_group.this.name", "Auto Scaling group.")
    parts.out("launch_template_id", "aws_launch_template.this.id", "Launch template.")
    parts.out("bastion_id", "aws_instance.bastion.id", "Bastion instance.")
    parts.out("bastion_private_ip", "aws_instance.bastion.private_ip", "Bastion address.")
    parts.tfvars.append(("instance_type", "m6i.large"))
    parts.tfvars.append(("associate_public_ip", f.tfvars.pick(False, True)))


def _tf_gcp(rng: random.Random, f: TfFaults, mod: str, parts: TfParts) -> None:
    fv, fm = f.variables, f.main
    iap, anywhere = ["35.235.240.0/20"], ["0.0.0.0/0"]
    parts.var("project_id", "string", "GCP project.", f"{mod}-prod")
    parts.var("region", "string", "GCP region.", "europe-west1")
    parts.var("network_id", "string", "VPC self link.", f"projects/{mod}-prod/global/networks/main")
    parts.var("readers_group", "string", "Group that may read the bucket.", f"{mod}@example.com")
    parts.var(
        "ssh_source_ranges", "list(string)", "Where SSH may come from.", fv.pick(iap, anywhere)
    )
    parts.resources.append(
        hcl(
            """
            resource "google_storage_bucket" "data" {
              name                        = "${var.project_id}-data"
              location                    = "EU"
              force_destroy               = false
              uniform_bucket_level_access = true
              public_access_prevention    = {{prevention}}

              versioning {
                enabled = true
              }

              lifecycle_rule {
                condition {
                  age = 365
                }
                action {
                  type = "Delete"
                }
              }

              logging {
                log_bucket = "${var.project_id}-access-logs"
              }
            }

            resource "google_storage_bucket_iam_member" "readers" {
              bucket = google_storage_bucket.data.name
              role   = "roles/storage.objectViewer"
              member = {{member}}
            }

            resource "google_compute_firewall" "ssh" {
              name      = "allow-ssh-iap"
              network   = var.network_id
              direction = "INGRESS"

              allow {
                protocol = "tcp"
                ports    = ["22"]
              }

              source_ranges = {{ssh_ranges}}
              target_tags   = ["ssh"]
            }

            resource "google_compute_firewall" "https" {
              name    = "allow-https"
              network = var.network_id

              allow {
                protocol = "tcp"
                ports    = ["443"]
              }

              source_ranges = ["0.0.0.0/0"]
              target_tags   = ["web"]
            }

            resource "google_sql_database_instance" "main" {
              name                = "${var.project_id}-pg"
              database_version    = "POSTGRES_16"
              region              = var.region
              deletion_protection = {{deletion_protection}}

              settings {
                tier              = "db-custom-2-7680"
                availability_type = "REGIONAL"

                ip_configuration {
                  ipv4_enabled    = {{public_ip}}
                  private_network = var.network_id
                  ssl_mode        = "ENCRYPTED_ONLY"
                }

                backup_configuration {
                  enabled                        = {{backups}}
                  point_in_time_recovery_enabled = true
                  start_time                     = "02:00"

                  backup_retention_settings {
                    retained_backups = {{retained}}
                  }
                }

                database_flags {
                  name  = "log_connections"
                  value = "on"
                }
              }
            }

            resource "google_kms_crypto_key" "data" {
              name            = "data"
              key_ring        = "projects/${var.project_id}/locations/europe/keyRings/main"
              rotation_period = {{rotation}}

              lifecycle {
                prevent_destroy = true
              }
            }
            """,
            prevention=fm.pick("enforced", "inherited"),
            member=fm.pick("group:${var.readers_group}", "allUsers"),
            ssh_ranges=fm.pick(Expr("var.ssh_source_ranges"), anywhere),
            deletion_protection=fm.pick(True, False),
            public_ip=fm.pick(False, True),
            backups=fm.pick(True, False),
            retained=fm.pick(14, 3),
            rotation=fm.pick("7776000s", "31536000s"),
        )
    )
    parts.out("bucket_name", "google_storage_bucket.data.name", "Data bucket.")
    parts.out("bucket_url", "google_storage_bucket.data.url", "Data bucket URL.")
    parts.out("sql_connection", "google_sql_database_instance.main.connection_name", "Cloud SQL.")
    parts.out("kms_key_id", "google_kms_crypto_key.data.id", "Crypto key.")
    parts.tfvars.append(("region", "europe-west1"))
    parts.tfvars.append(("ssh_source_ranges", f.tfvars.pick(iap, anywhere)))


def _tf_azure(rng: random.Random, f: TfFaults, mod: str, parts: TfParts) -> None:
    fv, fm = f.variables, f.main
    short = "".join(ch for ch in mod if ch.isalnum())[:14]
    parts.var("location", "string", "Azure region.", "westeurope")
    parts.var("admin_source", "string", "Where RDP may come from.", fv.pick("10.0.0.0/8", "*"))
    parts.var("backup_retention_days", "number", "PostgreSQL backup retention.", fv.pick(14, 1))
    parts.resources.append(
        hcl(
            """
            resource "azurerm_resource_group" "this" {
              name     = "rg-SHORT"
              location = var.location
            }

            resource "azurerm_storage_account" "this" {
              name                            = "stSHORT"
              resource_group_name             = azurerm_resource_group.this.name
              location                        = azurerm_resource_group.this.location
              account_tier                    = "Standard"
              account_replication_type        = "GRS"
              min_tls_version                 = {{tls}}
              https_traffic_only_enabled      = {{https_only}}
              allow_nested_items_to_be_public = {{nested_public}}
              public_network_access_enabled   = false

              blob_properties {
                versioning_enabled = true

                delete_retention_policy {
                  days = 30
                }
              }

              tags = local.common_tags
            }

            resource "azurerm_storage_container" "data" {
              name                  = "data"
              storage_account_id    = azurerm_storage_account.this.id
              container_access_type = {{access}}
            }

            resource "azurerm_network_security_group" "this" {
              name                = "nsg-SHORT"
              resource_group_name = azurerm_resource_group.this.name
              location            = azurerm_resource_group.this.location

              security_rule {
                name                       = "allow-https"
                priority                   = 100
                direction                  = "Inbound"
                access                     = "Allow"
                protocol                   = "Tcp"
                source_port_range          = "*"
                destination_port_range     = "443"
                source_address_prefix      = "Internet"
                destination_address_prefix = "*"
              }

              security_rule {
                name                       = "allow-rdp"
                priority                   = 110
                direction                  = "Inbound"
                access                     = "Allow"
                protocol                   = "Tcp"
                source_port_range          = "*"
                destination_port_range     = "3389"
                source_address_prefix      = {{rdp_source}}
                destination_address_prefix = "*"
              }

              tags = local.common_tags
            }

            resource "random_password" "pg" {
              length  = 32
              special = true
            }

            resource "azurerm_postgresql_flexible_server" "this" {
              name                          = "psql-SHORT"
              resource_group_name           = azurerm_resource_group.this.name
              location                      = azurerm_resource_group.this.location
              version                       = "16"
              sku_name                      = "GP_Standard_D2s_v3"
              storage_mb                    = 65536
              zone                          = "1"
              backup_retention_days         = {{retention}}
              geo_redundant_backup_enabled  = true
              public_network_access_enabled = {{public}}
              administrator_login           = "psqladmin"
              administrator_password        = {{password}}

              high_availability {
                mode = "ZoneRedundant"
              }

              tags = local.common_tags
            }

            resource "azurerm_key_vault" "this" {
              name                       = "kv-SHORT"
              resource_group_name        = azurerm_resource_group.this.name
              location                   = azurerm_resource_group.this.location
              tenant_id                  = "00000000-0000-0000-0000-000000000000"
              sku_name                   = "standard"
              purge_protection_enabled   = {{purge_protection}}
              soft_delete_retention_days = 90

              network_acls {
                default_action = {{default_action}}
                bypass         = "AzureServices"
              }
            }
            """,
            tls=fm.pick("TLS1_2", "TLS1_0"),
            https_only=fm.pick(True, False),
            nested_public=fm.pick(False, True),
            access=fm.pick("private", "blob"),
            rdp_source=fm.pick(Expr("var.admin_source"), "*"),
            retention=fm.pick(Expr("var.backup_retention_days"), 1),
            public=fm.pick(False, True),
            password=fm.pick(Expr("random_password.pg.result"), fm.fake("password")),
            purge_protection=fm.pick(True, False),
            default_action=fm.pick("Deny", "Allow"),
        ).replace("SHORT", short)
    )
    parts.out("resource_group_name", "azurerm_resource_group.this.name", "Resource group.")
    parts.out("storage_account_id", "azurerm_storage_account.this.id", "Storage account.")
    parts.out("postgres_fqdn", "azurerm_postgresql_flexible_server.this.fqdn", "PostgreSQL.")
    parts.out("key_vault_uri", "azurerm_key_vault.this.vault_uri", "Key Vault.")
    parts.tfvars.append(("location", "westeurope"))
    parts.tfvars.append(("admin_source", f.tfvars.pick("10.0.0.0/8", "*")))


THEME_BUILDERS: dict[str, Callable[[random.Random, TfFaults, str, TfParts], None]] = {
    "storage": _tf_storage,
    "network": _tf_network,
    "database": _tf_database,
    "iam": _tf_iam,
    "compute": _tf_compute,
    "gcp": _tf_gcp,
    "azure": _tf_azure,
}
PROVIDERS = {
    "aws": ("hashicorp/aws", "~> 5.80"),
    "google": ("hashicorp/google", "~> 6.12"),
    "azurerm": ("hashicorp/azurerm", "~> 4.12"),
    "random": ("hashicorp/random", "~> 3.6"),
}


def _header(theme: str, mod: str, env: str, root: bool, fm: Faults) -> str:
    """The terraform block (and, for root modules, backend and provider)."""
    providers = {"gcp": ["google", "random"], "azure": ["azurerm", "random"]}.get(
        theme, ["aws", "random"]
    )
    required = "\n".join(
        f"    {p} = {{\n      source  = {json.dumps(PROVIDERS[p][0])}\n"
        f"      version = {json.dumps(fm.pick(PROVIDERS[p][1], '>= 0'))}\n    }}"
        for p in providers
    )
    backend = ""
    if root:
        backend = hcl(
            """

              backend "s3" {
                bucket         = "example-terraform-state"
                key            = {{key}}
                region         = "eu-west-1"
                encrypt        = {{encrypt}}
                dynamodb_table = "terraform-locks"
              }
            """,
            key=f"{mod}/{env}.tfstate",
            encrypt=fm.pick(True, False),
        )
        backend = "\n\n" + textwrap.indent(backend, "  ")
    text = (
        f'terraform {{\n  required_version = ">= 1.6.0"\n\n'
        f"  required_providers {{\n{required}\n  }}{backend}\n}}"
    )
    if root and providers[0] == "aws":
        text += (
            '\n\nprovider "aws" {\n  region = "eu-west-1"\n\n'
            "  default_tags {\n    tags = local.common_tags\n  }\n}"
        )
    elif root and providers[0] == "azurerm":
        text += '\n\nprovider "azurerm" {\n  features {}\n}'
    return text


def _common(rng: random.Random, f: TfFaults, mod: str, env: str, parts: TfParts) -> None:
    """Variables and locals every module has."""
    parts.variables.append(
        hcl(
            """
            variable "environment" {
              description = "Deployment environment."
              type        = string
              default     = {{env}}

              validation {
                condition     = contains(local.environments, var.environment)
                error_message = "environment must be dev, staging, shared or production."
              }
            }
            """,
            env=env,
        )
    )
    parts.var("owner", "string", "Team that owns these resources.", f"team-{rng.choice(TEAMS)}")
    parts.var("extra_tags", "map(string)", "Tags added to every resource.", {})
    parts.var("alert_webhook_url", "string", "Where alarms are posted (set by CI).", None)
    parts.out("name_prefix", "local.name_prefix", "Prefix of every resource name.")
    parts.out("common_tags", "local.common_tags", "Tags of every resource.")
    # A credential pasted into an output is printed by every plan and stored in the state.
    hook = f"https://hooks.example.com/services/{f.outputs.fake()}"
    leaked = f.outputs()
    value = json.dumps(hook) if leaked else "var.alert_webhook_url"
    parts.out("alert_webhook_url", value, "Alarm webhook.", sensitive=not leaked)
    settings = {
        name: {
            "instance_count": {"dev": 1, "staging": 2, "production": rng.choice((3, 4, 6))}[name],
            "log_retention_days": f.locals.pick(365, 1) if name == "production" else 30,
            "alarm_email": f"oncall-{name}@example.com",
        }
        for name in ("dev", "staging", "production")
    }
    tags = (
        "merge(var.extra_tags, {\n"
        f'    Project     = "{mod}"\n'
        "    Environment = var.environment\n"
        "    Owner       = var.owner\n"
        '    ManagedBy   = "terraform"\n'
        "  })"
    )
    parts.locals[:0] = [
        ("name_prefix", f"{mod}-${{var.environment}}"),
        ("common_tags", Expr(tags)),
        ("environments", ["dev", "staging", "shared", "production"]),
        ("env_settings", settings),
        (
            "settings",
            Expr(
                'local.env_settings[var.environment == "shared" ? "production" : var.environment]'
            ),
        ),
    ]


def terraform_file(
    module_seed: str,
    theme: str,
    mod_dir: str,
    env: str,
    root: bool,
    files: Sequence[str],
    part: str,
) -> Builder:
    """One file of a module directory. The whole module is rebuilt for each of its files from
    the module's own seed, so the files agree (every ``var.x`` used is declared)."""
    mod = mod_dir.split("/", 1)[0] + "-" + mod_dir.rsplit("/", 1)[-1]

    def build(rng: random.Random, f: Faults) -> str:
        # A part whose file is absent is written into main.tf, with main.tf's faults. tfvars
        # values without a tfvars file are dropped, so they must not count as sites.
        owner = {p: (p if p in files else "main.tf") for p in TF_PARTS}
        null = Faults(f.salt)

        def faults_of(p: str) -> Faults:
            if p == "terraform.tfvars" and p not in files:
                return null
            return f if owner[p] == part else null

        faults = TfFaults(*(faults_of(p) for p in TF_PARTS))
        module_rng = random.Random(module_seed)
        parts = TfParts()
        _common(module_rng, faults, mod, env, parts)
        THEME_BUILDERS[theme](module_rng, faults, mod, parts)
        if part == "terraform.tfvars":
            extra = ("extra_tags", {"CostCenter": f"cc-{_hex(mod, 4)}"})
            return f"# {mod} ({env})\n" + hcl_attributes(
                [("environment", env), *parts.tfvars, extra]
            )
        blocks: list[str] = []
        if part == "main.tf":
            blocks.append(f"# {mod}: {theme} ({env})")
            blocks.append(_header(theme, mod, env, root, faults.main))
        if owner["locals.tf"] == part:
            blocks.append(hcl_block("locals", parts.locals))
        if owner["variables.tf"] == part:
            blocks.extend(parts.variables)
        if part == "main.tf":
            blocks.extend(parts.resources)
        if owner["outputs.tf"] == part:
            blocks.extend(parts.outputs)
        return "\n\n".join(blocks) + "\n"

    return build


# --------------------------------------------------------------------------- planning


def split_counts(n_files: int) -> dict[str, int]:
    """Files per kind by SHARES, rounded by largest remainder so they sum to n_files."""
    raw = {k: SHARES[k] * n_files for k in KINDS}
    counts = {k: math.floor(v) for k, v in raw.items()}
    order = sorted(KINDS, key=lambda k: (-(raw[k] - counts[k]), KINDS.index(k)))
    for k in order[: n_files - sum(counts.values())]:
        counts[k] += 1
    return counts


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    base, extra = divmod(total, buckets)
    lucky = set(rng.sample(range(buckets), extra))
    return [base + (i in lucky) for i in range(buckets)]


def _project(index: int, rng: random.Random, n_services: int) -> Project:
    name = f"{rng.choice(WORDS_A)}-{rng.choice(WORDS_B)}"
    if index:
        name = f"{name}-{index}"  # names stay unique however many projects there are
    pool = list(SERVICE_NAMES)
    rng.shuffle(pool)
    names = pool[:n_services]
    for i in range(len(names), n_services):
        names.append(
            f"{pool[i % len(pool)]}-{NAME_SUFFIXES[(i // len(pool)) % len(NAME_SUFFIXES)]}{i}"
        )
    services = [
        Service(
            name=n,
            lang=rng.choices(LANGS, LANG_WEIGHTS)[0],
            port=rng.choice((8000, 8080, 3000, 9000)),
            version=f"{rng.randint(0, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
            team=rng.choice(TEAMS),
        )
        for n in names
    ]
    org = rng.choice(("example", "acme-corp", "initech", "globex"))
    return Project(
        name=name,
        org=org,
        namespace=name,
        registry=f"ghcr.io/{org}",
        domain=f"{name}.example.com",
        cloud=rng.choice(("aws", "aws", "aws", "gcp", "azure")),
        services=services,
    )


def _project_files(
    project: Project, rng: random.Random, counts: Mapping[str, int], seed: int
) -> list[FileSpec]:
    specs: list[FileSpec] = []
    root = project.name
    services = project.services

    # Dockerfiles: one per service first, then variants.
    variants = ("main", "worker", "migrate", "dev")
    for j in range(counts["dockerfile"]):
        svc = services[j % len(services)]
        variant = variants[min(j // len(services), len(variants) - 1)]
        round_ = j // len(services)
        path = {
            "main": f"services/{svc.name}/Dockerfile",
            "worker": f"services/{svc.name}/Dockerfile.worker",
            "migrate": f"docker/{svc.name}-migrate.Dockerfile",
        }.get(variant, f"services/{svc.name}/Dockerfile.dev{round_ - 3 or ''}")
        specs.append(FileSpec(f"{root}/{path}", "dockerfile", dockerfile(project, svc, variant)))

    # Kubernetes: the first file is an application, the rest drawn by weight.
    drawn = rng.choices(
        ("app", "batch", "rbac", "operator", "platform"),
        (55, 12, 10, 13, 10),
        k=max(0, counts["kubernetes"] - 1),
    )
    kinds = ["app", *drawn]
    kinds = kinds[: counts["kubernetes"]]
    app_i = 0
    for j, kind in enumerate(kinds):
        svc = services[app_i % len(services)]
        if kind == "app":
            app_i += 1
            name = project.unique(svc.name)
            builder, path = k8s_app(project, name, svc), f"deploy/k8s/{name}.yaml"
        elif kind == "batch":
            name = project.unique(f"{svc.name}-jobs")
            builder, path = k8s_batch(project, name, svc), f"deploy/k8s/jobs/{name}.yaml"
        elif kind == "rbac":
            name = project.unique(f"{svc.name}-access")
            builder, path = k8s_rbac(project, name), f"deploy/k8s/rbac/{name}.yaml"
        elif kind == "operator":
            crd = OPERATORS[j % len(OPERATORS)]
            name = project.unique(crd[0])
            builder, path = k8s_operator(project, name, crd, svc), f"deploy/operators/{name}.yaml"
        else:
            ns = project.unique(f"{project.namespace}-{rng.choice(TEAMS)}")
            builder, path = k8s_platform(project, ns), f"deploy/platform/{ns}.yaml"
        specs.append(FileSpec(f"{root}/{path}", "kubernetes", builder))

    # Workflows: the usual ones first, then one deploy workflow per service.
    usual: list[tuple[str, Callable[[], Builder]]] = [
        ("ci", lambda: gha_ci(project)),
        ("deploy", lambda: gha_deploy(project, services[0])),
        ("build", lambda: gha_build(project)),
        ("test", lambda: gha_test(project)),
        ("release", lambda: gha_release(project)),
        ("codeql", lambda: gha_codeql(project)),
        ("terraform", lambda: gha_terraform(project)),
        ("nightly", lambda: gha_nightly(project)),
        ("pr-triage", lambda: gha_triage(project)),
        ("dependency-review", lambda: gha_housekeeping(project, "dependency-review")),
        ("stale", lambda: gha_housekeeping(project, "stale")),
        ("cleanup", lambda: gha_housekeeping(project, "cleanup")),
    ]
    rest = usual[2:]
    rng.shuffle(rest)
    ordered = [*usual[:2], *rest]
    for j in range(counts["github-actions"]):
        if j < len(ordered):
            wf, make = ordered[j]
            builder = make()
        else:
            svc = services[(j - len(ordered) + 1) % len(services)]
            wf = f"deploy-{svc.name}-{j}"
            builder = gha_deploy(project, svc)
        specs.append(FileSpec(f"{root}/.github/workflows/{wf}.yml", "github-actions", builder))

    # Terraform: module directories of 1-5 files.
    remaining = counts["terraform"]
    aws_themes = [t for t in TF_THEMES if t not in ("gcp", "azure")]
    themes = aws_themes if project.cloud == "aws" else [project.cloud, project.cloud, "iam"]
    rng.shuffle(themes)
    m = 0
    while remaining > 0:
        size = min(remaining, rng.choice((2, 3, 4, 5, 5, 5)))
        remaining -= size
        theme = themes[m % len(themes)] if m < len(themes) else rng.choice(themes)
        env = ENVS[m % len(ENVS)]
        is_root = m % 2 == 1
        mod_dir = f"infra/envs/{env}/{theme}" if is_root else f"infra/modules/{theme}"
        base = mod_dir
        n = 2
        while f"{root}/{mod_dir}/main.tf" in {s.relpath for s in specs}:
            mod_dir = f"{base}-{n}"
            n += 1
        files = TF_PARTS[:size]
        for part in files:
            specs.append(
                FileSpec(
                    f"{root}/{mod_dir}/{part}",
                    "terraform",
                    terraform_file(
                        f"{seed}:{root}/{mod_dir}",
                        theme,
                        f"{root}/{mod_dir}",
                        env,
                        is_root,
                        files,
                        part,
                    ),
                )
            )
        m += 1
    return specs


def plan(n_files: int, seed: int = 0) -> list[FileSpec]:
    """Which files to write, in a stable order; independent of the profile."""
    if n_files < 1:
        raise ValueError("n_files must be at least 1")
    counts = split_counts(n_files)
    rng = random.Random(f"{seed}:plan")
    n_projects = max(1, round(n_files / FILES_PER_PROJECT))
    per_project = {k: _spread(counts[k], n_projects, rng) for k in KINDS}
    specs: list[FileSpec] = []
    for i in range(n_projects):
        prng = random.Random(f"{seed}:project:{i}")
        mine = {k: per_project[k][i] for k in KINDS}
        n_services = max(
            2, math.ceil(mine["dockerfile"] * 0.8), math.ceil(mine["kubernetes"] * 0.6)
        )
        project = _project(i, prng, n_services)
        specs.extend(_project_files(project, prng, mine, seed))
    paths = [s.relpath for s in specs]
    if len(paths) != n_files or len(set(paths)) != n_files:  # a bug in the planner, not user error
        raise AssertionError(
            f"planned {len(paths)} files ({len(set(paths))} unique), wanted {n_files}"
        )
    return specs


# --------------------------------------------------------------------------- output


@dataclass
class GenerationResult:
    root: Path
    files: int
    bytes: int
    lines: int
    by_kind: dict[str, int]
    violating_files: int
    violation_sites: int
    violations: int

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "bytes": self.bytes,
            "lines": self.lines,
            "by_kind": dict(sorted(self.by_kind.items())),
            "violating_files": self.violating_files,
            "violation_sites": self.violation_sites,
            "violations": self.violations,
        }


def generate_files(n_files: int, profile: str = "mixed", seed: int = 0) -> dict[str, str]:
    """relpath -> text, without touching the disk."""
    return {spec.relpath: render(spec, seed, profile)[0] for spec in plan(n_files, seed)}


def generate(
    out_dir: str | os.PathLike[str], n_files: int, profile: str = "mixed", seed: int = 0
) -> GenerationResult:
    """Write the tree into ``out_dir`` (which must not exist or be empty)."""
    root = Path(out_dir)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    total_bytes = total_lines = sites = hits = violating = 0
    by_kind: Counter[str] = Counter()
    for spec in plan(n_files, seed):
        text, n_sites, n_hits = render(spec, seed, profile)
        path = root / spec.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        path.write_bytes(data)
        total_bytes += len(data)
        total_lines += text.count("\n")
        by_kind[spec.kind] += 1
        sites += n_sites
        hits += n_hits
        violating += n_hits > 0
    return GenerationResult(
        root, n_files, total_bytes, total_lines, dict(by_kind), violating, sites, hits
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", help="directory to create (must not exist, or be empty)")
    parser.add_argument("--files", type=int, default=2000, help="number of files (default: 2000)")
    parser.add_argument("--profile", choices=PROFILES, default="mixed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace out_dir if it exists")
    args = parser.parse_args(argv)
    if args.force and os.path.isdir(args.out_dir):
        shutil.rmtree(args.out_dir)
    result = generate(args.out_dir, args.files, args.profile, args.seed)
    json.dump({"root": str(result.root), **result.to_json()}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
