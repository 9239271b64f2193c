"""XREF-008 and XREF-011 through the plugin: outcomes, severities, knobs and messages."""

from __future__ import annotations

import pytest

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {{app: api}}
  template:
    metadata:
      labels: {{app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
{container}
"""
JAVA = (
    "FROM eclipse-temurin:21-jre\n"
    "ENV JAVA_TOOL_OPTIONS=-Xmx2g\n"
    'ENTRYPOINT ["java", "-jar", "/a.jar"]\n'
)
NODE = (
    "FROM node:20-alpine\n"
    "HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1\n"
    'CMD ["node", "server.js"]\n'
)
HEAP = ("--devops-policy-only", "--devops-policy-select=XREF-008", "-rs", "-v")
PROBE = ("--devops-policy-only", "--devops-policy-select=XREF-011", "-rs", "-v")


def _repo(pytester: pytest.Pytester, container: str, dockerfile: str | None = None) -> None:
    manifest = pytester.path / "k8s" / "deploy.yaml"
    manifest.parent.mkdir(exist_ok=True)
    manifest.write_text(DEPLOY.format(container=container), encoding="utf-8")
    if dockerfile is not None:
        df = pytester.path / "services" / "api" / "Dockerfile"
        df.parent.mkdir(parents=True, exist_ok=True)
        df.write_text(dockerfile, encoding="utf-8")


def _limit(memory: str, extra: str = "") -> str:
    return f"{extra}          resources:\n            limits:\n              memory: {memory}\n"


def _env(name: str, value: str) -> str:
    return f"          env:\n            - name: {name}\n              value: {value}\n"


# -- XREF-008 -----------------------------------------------------------------------------


def test_pod_env_alone_fails_with_both_ends(pytester: pytest.Pytester) -> None:
    _repo(pytester, _limit("1Gi", _env("JAVA_TOOL_OPTIONS", "-Xmx2g")))
    result = pytester.runpytest(*HEAP)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*k8s/deploy.yaml:16 env JAVA_TOOL_OPTIONS -Xmx2g <-> k8s/deploy.yaml:20 "
            "containers[[]api] limits.memory 1Gi*OOMKilled*-Xmx768m or -XX:MaxRAMPercentage=75*"
        ]
    )


def test_above_the_warn_ratio_is_a_low_finding_and_the_ratio_is_a_knob(
    pytester: pytest.Pytester,
) -> None:
    _repo(pytester, _limit("1Gi", _env("JAVA_TOOL_OPTIONS", "-Xmx900m")))
    result = pytester.runpytest(*HEAP)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*XREF-008*[[]low[]]*above 80% of the container's memory*"])
    pytester.runpytest(*HEAP, "--devops-policy-option=xref.heap_warn_ratio=0.9").assert_outcomes(
        passed=1
    )


def test_below_the_ratio_passes(pytester: pytest.Pytester) -> None:
    _repo(pytester, _limit("1Gi", _env("JAVA_TOOL_OPTIONS", "-Xmx512m")))
    pytester.runpytest(*HEAP).assert_outcomes(passed=1)


def test_percentage_sizing(pytester: pytest.Pytester) -> None:
    _repo(pytester, _limit("1Gi", _env("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75")))
    pytester.runpytest(*HEAP).assert_outcomes(passed=1)
    _repo(pytester, _limit("1Gi", _env("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=100")))
    pytester.runpytest(*HEAP).assert_outcomes(failed=1)


@pytest.mark.parametrize(
    "container",
    [
        _env("JAVA_TOOL_OPTIONS", "-Xmx2g"),  # no memory limit: K8S-010's business
        _limit("1Gi"),  # no heap setting anywhere
    ],
)
def test_no_item(pytester: pytest.Pytester, container: str) -> None:
    _repo(pytester, container)
    pytester.runpytest(*HEAP).assert_outcomes()


def test_java_opts_harmless_either_way_passes(pytester: pytest.Pytester) -> None:
    _repo(pytester, _limit("1Gi", _env("JAVA_OPTS", "-Xmx512m")))
    pytester.runpytest(*HEAP).assert_outcomes(passed=1)


def test_java_opts_with_an_unseen_command_line_is_unknown(pytester: pytest.Pytester) -> None:
    _repo(pytester, _limit("1Gi", _env("JAVA_OPTS", "-Xmx2g")))
    result = pytester.runpytest(*HEAP)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*JAVA_OPTS is read only by a command line that expands*"])


def test_the_image_side_needs_a_trusted_link(pytester: pytest.Pytester) -> None:
    # services/api/Dockerfile <-> ghcr.io/acme/api: a name-only link.
    _repo(pytester, _limit("1Gi"), JAVA)
    result = pytester.runpytest(*HEAP)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*depends on the image: linked by name only*"])
    result = pytester.runpytest(*HEAP, "--devops-policy-option=xref.min_link_confidence=low")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*services/api/Dockerfile:2 ENV JAVA_TOOL_OPTIONS -Xmx2g <-> *link: *low confidence*"]
    )


def test_the_pod_overrides_a_declared_image(pytester: pytest.Pytester) -> None:
    annotated = DEPLOY.replace(
        "      labels: {{app: api}}\n    spec:",
        "      labels: {{app: api}}\n      annotations:\n"
        "        devops-policy.io/dockerfile.api: services/api/Dockerfile\n    spec:",
    )
    _repo(pytester, "", JAVA)
    manifest = pytester.path / "k8s" / "deploy.yaml"
    manifest.write_text(annotated.format(container=_limit("1Gi")), encoding="utf-8")
    result = pytester.runpytest(*HEAP)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*link: declared by the annotation devops-policy.io/dockerfile.api*(declared confidence)*"]
    )
    container = _limit("1Gi", _env("JAVA_TOOL_OPTIONS", "-Xmx512m"))
    manifest.write_text(annotated.format(container=container), encoding="utf-8")
    pytester.runpytest(*HEAP).assert_outcomes(passed=1)


def test_a_value_from_heap_variable_is_unknown(pytester: pytest.Pytester) -> None:
    env = (
        "          env:\n            - name: NODE_OPTIONS\n              valueFrom:\n"
        "                configMapKeyRef: {name: node, key: options}\n"
    )
    _repo(pytester, _limit("1Gi", env))
    result = pytester.runpytest(*HEAP)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*NODE_OPTIONS*its value is not a literal*"])


def test_a_milli_byte_limit_is_unknown(pytester: pytest.Pytester) -> None:
    _repo(pytester, _limit("1024m", _env("JAVA_TOOL_OPTIONS", "-Xmx2g")))
    result = pytester.runpytest(*HEAP)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*K8S-011 reports it*"])


# -- XREF-011 -----------------------------------------------------------------------------

ANNOTATED = DEPLOY.replace(
    "metadata:\n  name: api\n",
    "metadata:\n  name: api\n  annotations:\n"
    "    devops-policy.io/dockerfile.api: services/api/Dockerfile\n",
)


def _probe_repo(pytester: pytest.Pytester, probes: str, dockerfile: str = NODE) -> None:
    _repo(pytester, "", dockerfile)
    manifest = pytester.path / "k8s" / "deploy.yaml"
    manifest.write_text(ANNOTATED.format(container=probes), encoding="utf-8")


def test_probes_on_another_port_fail_low_with_the_translation(pytester: pytest.Pytester) -> None:
    _probe_repo(pytester, "          readinessProbe:\n            tcpSocket: {port: 8080}\n")
    result = pytester.runpytest(*PROBE)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*XREF-011*[[]low[]]: services/api/Dockerfile:2 HEALTHCHECK CMD wget*<-> "
            "k8s/deploy.yaml:17 containers[[]api] readinessProbe tcpSocket port 8080*"
            "httpGet: {path: /health, port: 3000}*"
        ]
    )


@pytest.mark.parametrize(
    "probes",
    [
        "          livenessProbe:\n            httpGet: {path: /livez, port: 3000}\n",
        "          ports:\n            - {name: http, containerPort: 3000}\n"
        "          readinessProbe:\n            httpGet: {path: /ready, port: http}\n",
        "          readinessProbe:\n            exec:\n"
        '              command: ["curl", "-f", "localhost:3000/ready"]\n',
    ],
)
def test_a_probe_on_the_healthcheck_port_passes(pytester: pytest.Pytester, probes: str) -> None:
    _probe_repo(pytester, probes)
    pytester.runpytest(*PROBE).assert_outcomes(passed=1)


def test_a_probe_whose_port_is_not_known_is_unknown(pytester: pytest.Pytester) -> None:
    probes = "          readinessProbe:\n            exec:\n              command: [/bin/check]\n"
    _probe_repo(pytester, probes)
    result = pytester.runpytest(*PROBE)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*the port it checks is not read*"])


@pytest.mark.parametrize(
    ("probes", "dockerfile"),
    [
        ("", NODE),  # no probe: K8S-012/013 report it
        ("          readinessProbe:\n            tcpSocket: {port: 8080}\n", "FROM node:20\n"),
        (
            "          readinessProbe:\n            tcpSocket: {port: 8080}\n",
            "FROM node:20\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
        ),
        (
            "          readinessProbe:\n            tcpSocket: {port: 8080}\n",
            NODE + "HEALTHCHECK NONE\n",
        ),
    ],
)
def test_no_item_for_probes(pytester: pytest.Pytester, probes: str, dockerfile: str) -> None:
    _probe_repo(pytester, probes, dockerfile)
    pytester.runpytest(*PROBE).assert_outcomes()
