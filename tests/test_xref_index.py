"""The run-wide cross-artifact index (indexes/xref.py): facts of a small repository, lookups,
unknown sources, the token, and that a run parses each file once and a warm run none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.indexes.xref import xref_index, xref_inputs, xref_token

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    devops-policy.io/dockerfile.web-app: services/web-app/Dockerfile#runtime
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
      initContainers:
        - name: migrate
          image: ghcr.io/acme/migrate:1
      containers:
        - name: web-app
          image: ghcr.io/acme/web-app:1.2
          securityContext:
            runAsUser: 1001
          ports:
            - {name: http, containerPort: 3000}
          readinessProbe:
            httpGet: {path: /ready, port: http}
          livenessProbe:
            tcpSocket: {port: 3000}
          env:
            - {name: PORT, value: "3000"}
            - {name: JAVA_OPTS, valueFrom: {configMapKeyRef: {name: c, key: k}}}
            - {name: OTHER, value: x}
          resources:
            limits: {memory: 512Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
"""

STATEFUL_AND_LIST = """\
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db}
    spec:
      template:
        spec:
          containers:
            - {name: postgres, image: postgres:16}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: cfg}
"""

CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: ops}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: ghcr.io/acme/report:2
              env:
                - {name: JAVA_TOOL_OPTIONS, value: "-Xmx2g"}
"""

BASE_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - {name: api, image: api:dev}
"""

KUSTOMIZATION = """\
resources:
  - ../base
namePrefix: prod-
namespace: prod
images:
  - name: api
    newName: ghcr.io/acme/api
    newTag: "1.0"
"""

REMOTE_KUSTOMIZATION = """\
resources:
  - https://github.com/acme/platform//base?ref=v1
"""

CHART_TEMPLATE = "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"

DOCKERFILE = """\
# devops-policy: image=ghcr.io/acme/web-app
FROM node:20 AS build
RUN npm ci

FROM node:20-slim AS Runtime
ENV PORT=3000 NODE_OPTIONS=--max-old-space-size=256
EXPOSE 3000 9090/udp
USER nodeuser
HEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1
CMD ["node", "server.js"]

FROM runtime AS debug
USER 0
"""

API_DOCKERFILE = """\
FROM eclipse-temurin:21
USER 10001:10001
ENTRYPOINT java $JAVA_OPTS -jar /app.jar
"""


def _repo(root: Path) -> Path:
    files = {
        "deploy/web.yaml": DEPLOY,
        "deploy/db.yaml": STATEFUL_AND_LIST,
        "deploy/cron.yaml": CRONJOB,
        "deploy/broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n",
        "kustomize/base/deploy.yaml": BASE_DEPLOY,
        "kustomize/base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
        "kustomize/prod/kustomization.yaml": KUSTOMIZATION,
        "remote/kustomization.yaml": REMOTE_KUSTOMIZATION,
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "charts/web/templates/deploy.yaml": CHART_TEMPLATE,
        "services/web-app/Dockerfile": DOCKERFILE,
        "docker/Dockerfile.api": API_DOCKERFILE,
        "README.md": "# repo\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return _repo(tmp_path)


def _cache(root: Path, store: Any = None) -> ParseCache:
    return ParseCache(str(root), [str(root)], facts=store)


class _Store:
    """A fact store in memory, JSON round-tripped as the result cache stores facts."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    def load_facts(self, key: str) -> Any:
        import json

        return json.loads(self.data[key]) if key in self.data else None

    def store_facts(self, key: str, value: Any) -> None:
        import json

        self.data[key] = json.dumps(value, default=str)


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    original = ParseCache.parse_with

    def counting(self: ParseCache, path: str, fmt: kinds.Format, text: str | None = None) -> Any:
        if (path, fmt) not in self._files:
            parsed.append(path)
        return original(self, path, fmt, text)

    monkeypatch.setattr(ParseCache, "parse_with", counting)
    return parsed


# -- Kubernetes facts ------------------------------------------------------------------


def test_deployment_with_init_container_and_its_facts(repo: Path) -> None:
    index = xref_index(_cache(repo))
    [web] = index.workloads("Deployment", "web")
    assert (web.namespace, web.relpath, web.line) == ("shop", "deploy/web.yaml", 1)
    assert [c.ref for c in web.containers] == ["containers[web-app]", "initContainers[migrate]"]
    app = web.container("web-app")
    init = web.container("migrate")
    assert app is not None and init is not None
    assert app.image == "ghcr.io/acme/web-app:1.2" and app.line == 19 and app.image_line == 20
    assert init.image == "ghcr.io/acme/migrate:1" and init.kind == "init"
    # effective securityContext: the pod's runAsNonRoot, the container's runAsUser
    assert (app.run_as_non_root, app.run_as_user) == (True, 1001)
    assert (init.run_as_non_root, init.run_as_user) == (True, None)
    assert web.pod["runAsNonRoot"] is True and web.pod["runAsUser"] is None
    assert [(p["name"], p["containerPort"]) for p in app.ports] == [("http", 3000)]
    assert app.probes["readinessProbe"]["port"] == "http"
    assert app.probes["readinessProbe"]["path"] == "/ready"
    assert app.probes["livenessProbe"] == {
        "type": "tcpSocket",
        "port": 3000,
        "path": None,
        "line": 27,
    }
    assert dict(app.env) == {"PORT": "3000", "JAVA_OPTS": None}  # OTHER is not read
    assert app.memory_limit == "512Mi"
    assert web.dockerfile_links == {"web-app": "services/web-app/Dockerfile#runtime"}
    assert web.pod_labels == {"app": "web"}


def test_service_selects_the_deployment(repo: Path) -> None:
    index = xref_index(_cache(repo))
    [web] = index.workloads("Deployment", "web")
    [svc] = index.services_selecting(web)
    assert svc.name == "web" and svc.ports[0]["targetPort"] == "http"
    assert index.services("other") == []


def test_list_items_statefulset_and_cronjob_pod_spec(repo: Path) -> None:
    index = xref_index(_cache(repo))
    [db] = index.workloads("StatefulSet", "db")
    assert db.namespace is None and db.containers[0].image == "postgres:16"
    assert index.workloads("ConfigMap") == []  # not a workload
    [cron] = index.workloads("CronJob", "nightly", "ops")
    assert cron.containers[0].name == "report"
    assert cron.containers[0].env == {"JAVA_TOOL_OPTIONS": "-Xmx2g"}
    assert index.workloads("CronJob", "nightly", "prod") == []
    kinds_seen = {w.kind for w in index.workloads()}
    assert kinds_seen == {"Deployment", "StatefulSet", "CronJob"}
    assert index.has_kubernetes


def test_broken_yaml_is_skipped(repo: Path) -> None:
    index = xref_index(_cache(repo))
    assert index.workloads("Pod") == []
    assert str(repo / "deploy/broken.yaml") in index.manifests  # read, contributes nothing


# -- kustomize and unknown sources -----------------------------------------------------


def test_kustomize_is_built_on_request(repo: Path) -> None:
    index = xref_index(_cache(repo))
    assert index.workloads("Deployment", "api")  # as written in the base
    assert index._kustomized == {}  # nothing built up front
    prod = index.kustomize("kustomize/prod")
    [api] = prod.find("Deployment", "prod-api")
    assert (api.namespace, api.original_name, api.relpath) == (
        "prod",
        "api",
        "kustomize/base/deploy.yaml",
    )
    assert api.containers[0].image == "ghcr.io/acme/api:1.0"
    assert api.containers[0].image_from == "images"
    assert index.kustomize("kustomize/prod") is prod  # once per run
    assert [w.name for w in index.rendered_workloads("Deployment", "prod-api")] == ["prod-api"]
    assert index.rendered_workloads("Deployment", "api", "prod") == []


def test_unknown_sources_name_charts_and_remote_bases(repo: Path) -> None:
    index = xref_index(_cache(repo))
    found = {(u.path, u.reason.split(":")[0]) for u in index.unknown_sources()}
    assert found == {
        ("charts/web", "a Helm chart"),
        ("remote/kustomization.yaml", "a remote base"),
    }
    remote = index.kustomize("remote")
    assert remote.may_hide("Deployment")
    assert not index.workloads("Deployment", "{{ .Release.Name }}")  # templates not read


# -- Dockerfiles -----------------------------------------------------------------------


def test_dockerfile_stages_user_expose_healthcheck_env_cmd(repo: Path) -> None:
    index = xref_index(_cache(repo))
    assert index.has_dockerfiles
    df = index.dockerfile("./services/web-app/Dockerfile")
    assert df is not None and df.relpath == "services/web-app/Dockerfile"
    assert [(s.name, s.index, s.line) for s in df.stages] == [
        ("build", 0, 2),
        ("runtime", 1, 5),
        ("debug", 2, 12),
    ]
    assert df.has_stage("RUNTIME") and not df.has_stage("prod")
    assert df.shipped.name == "debug"
    runtime = df.stage("Runtime")
    assert runtime is not None and runtime.user is not None
    assert (runtime.user["user"], runtime.user["numeric"], runtime.user["line"]) == (
        "nodeuser",
        False,
        8,
    )
    assert [(e["port"], e["protocol"]) for e in runtime.expose] == [(3000, "tcp"), (9090, "udp")]
    assert runtime.healthcheck is not None
    assert runtime.healthcheck["argv"][:3] == ["curl", "-f", "http://localhost:3000/health"]
    assert runtime.env["PORT"] == {"value": "3000", "resolved": True, "line": 6}
    assert runtime.env["NODE_OPTIONS"]["value"] == "--max-old-space-size=256"
    assert runtime.cmd is not None and runtime.cmd["argv"] == ["node", "server.js"]
    # the debug stage inherits EXPOSE/HEALTHCHECK/ENV through FROM runtime; its USER is 0
    debug = df.shipped
    assert debug.user is not None and debug.user["uid"] == 0 and debug.user["root"]
    assert debug.expose == runtime.expose and debug.env == runtime.env
    assert [d["image"] for d in df.declared_images] == ["ghcr.io/acme/web-app"]
    assert index.declared_dockerfiles("ghcr.io/acme/web-app") == [df]


def test_dockerfile_name_heuristic_and_shell_entrypoint(repo: Path) -> None:
    index = xref_index(_cache(repo))
    assert [d.relpath for d in index.dockerfiles_named("Web-App")] == [
        "services/web-app/Dockerfile"
    ]
    [api] = index.dockerfiles_named("api")
    assert api.relpath == "docker/Dockerfile.api"
    stage = api.shipped
    assert stage.user is not None and stage.user["uid"] == 10001
    assert stage.entrypoint is not None and stage.entrypoint["shell"]
    assert "$JAVA_OPTS" in stage.entrypoint["argv"]
    assert index.dockerfiles_named("nothing") == []
    assert index.dockerfile("Dockerfile") is None


# -- token, inputs, parse counts -------------------------------------------------------


def test_inputs_list_every_file_read(repo: Path) -> None:
    inputs = {Path(p).relative_to(repo).as_posix() for p in xref_inputs(_cache(repo))}
    assert {
        "deploy/web.yaml",
        "kustomize/prod/kustomization.yaml",
        "charts/web",
        "services/web-app/Dockerfile",
        "docker/Dockerfile.api",
    } <= inputs
    assert "README.md" not in inputs


def test_token_follows_linked_files_only(repo: Path) -> None:
    before = xref_token(_cache(repo))
    assert xref_token(_cache(repo)) == before  # deterministic
    (repo / "README.md").write_text("# changed\n")
    (repo / "deploy/web.yaml").write_text(DEPLOY + "\n# a comment\n")
    assert xref_token(_cache(repo)) == before  # same facts: same token
    (repo / "services/web-app/Dockerfile").write_text(DOCKERFILE.replace("3000", "8080"))
    changed = xref_token(_cache(repo))
    assert changed != before
    (repo / "kustomize/prod/kustomization.yaml").write_text(KUSTOMIZATION.replace("1.0", "2.0"))
    assert xref_token(_cache(repo)) != changed
    (repo / "deploy/new.yaml").write_text(BASE_DEPLOY)
    assert xref_token(_cache(repo)) not in (before, changed)


def test_the_index_parses_each_file_once_and_only_when_asked(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _count_parses(monkeypatch)
    cache = _cache(repo)
    first = xref_index(cache)
    assert parsed == []  # built in parts, on first use
    first.dockerfile("services/web-app/Dockerfile")
    assert len(parsed) == 1
    first.workloads("Deployment", "web")
    xref_token(cache)  # reads every fact
    count = len(parsed)
    assert count >= 6  # every manifest and Dockerfile, once
    assert len(set(parsed)) == count
    assert xref_index(cache) is first
    xref_token(cache)
    xref_inputs(cache)
    first.dockerfiles()
    assert len(parsed) == count


def test_warm_run_reads_facts_without_parsing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _Store()
    cold = xref_index(_cache(repo, store))
    parsed = _count_parses(monkeypatch)
    warm = xref_index(_cache(repo, store))
    assert parsed == []
    assert warm.token == cold.token
    assert warm.workloads("Deployment", "web") == cold.workloads("Deployment", "web")
    assert warm.dockerfile("services/web-app/Dockerfile") == cold.dockerfile(
        "services/web-app/Dockerfile"
    )
