"""XREF-003: a pod that demands a non-root user without naming one needs an image whose
user is a numeric non-zero UID.

With ``runAsNonRoot: true`` and no ``runAsUser``, the kubelet decides from the image's
configured user: a name (``USER nodeuser``) cannot be checked, so the container is refused
(``CreateContainerConfigError``: "container has runAsNonRoot and image has non-numeric user
(nodeuser), cannot verify user is non-root"); root (``USER root``/``0``, or no USER on a base
that runs as root) is refused too ("container has runAsNonRoot and image will run as root").

The image is linked to a Dockerfile by ``indexes.xref_links`` (catalog §9.2-4); its shipped
stage's effective USER is the DOCKER-001 resolution (the parent chain included). FAIL only
on a link at or above ``xref.min_link_confidence``; UNKNOWN for a weaker link, a USER from a
build arg the linking build does not give, Dockerfiles that disagree, and no USER on a base
whose user is not known. Windows pods and Windows images: not applicable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import image_matches, is_root_user
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, is_true
from pytest_devops_policy.indexes.xref_links import ImageLink, pick
from pytest_devops_policy.indexes.xref_pods import container_links
from pytest_devops_policy.options import DockerOptions

# The user of base images when a Dockerfile has no USER (their image config's User).
# Official language and distribution images run as root; distroless ":nonroot" and
# Chainguard images (not their "-dev" variants) as 65532.
ROOT_BASES = (
    "scratch",
    "node",
    "python",
    "nginx",
    "httpd",
    "golang",
    "rust",
    "ruby",
    "php",
    "perl",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "maven",
    "gradle",
    "alpine",
    "busybox",
    "debian",
    "ubuntu",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "redis",
    "postgres",
    "mysql",
    "mongo",
)
NUMERIC_NONROOT_BASES = (
    "gcr.io/distroless/*:*nonroot*",
    "cgr.dev/chainguard/*",
    "!cgr.dev/chainguard/*:*-dev",
)
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def _matches(image_text: str, patterns: tuple[str, ...]) -> bool:
    image = parse_image(image_text)
    allowed = [p for p in patterns if not p.startswith("!")]
    denied = [p[1:] for p in patterns if p.startswith("!")]
    return any(image_matches(image, p) for p in allowed) and not any(
        image_matches(image, p) for p in denied
    )


def _in_scope(c: Container) -> bool:
    sc = c.security_context
    return is_true(sc.get("runAsNonRoot")) and "runAsUser" not in sc and c.image is not None


def _scoped(k8s_object: K8sObject) -> list[Container]:
    if k8s_object.pod_spec_problem is not None or k8s_object.is_windows:
        return []
    return [c for c in k8s_object.containers() if _in_scope(c)]


def _links(c: Container, k8s_object: K8sObject, context: Context) -> list[ImageLink]:
    assert c.image is not None
    return container_links(c, k8s_object, context)


def _applies(k8s_object: K8sObject, context: Context) -> bool:
    if not k8s_object.is_workload:
        return False
    return any(_links(c, k8s_object, context) for c in _scoped(k8s_object))


# -- the image side: what the kubelet will see as the image's user -------------------


def _user_text(user: Mapping[str, Any], args: Mapping[str, str]) -> str | None:
    """The USER value, with the linking build's --build-arg values for unresolved ARGs."""
    if user.get("resolved"):
        return str(user.get("user", ""))
    raw = str(user.get("raw", ""))
    missing = [m.group(1) for m in _VAR.finditer(raw) if m.group(1) not in args]
    if missing or not args:
        return None
    text = _VAR.sub(lambda m: args[m.group(1)], raw)
    return text.split(":", 1)[0].strip()


def _judge(link: ImageLink, context: Context) -> tuple[str, str]:
    """(verdict, detail): verdict in non-numeric, root, root-base, pass, unknown, windows."""
    stage = link.stage
    df = link.dockerfile.relpath
    if stage.windows:
        return "windows", ""
    user = stage.user
    if user is None:
        base = stage.root_image
        text = str(base.get("text", "")).strip()
        if not base.get("resolved") or not text:
            return "unknown", (
                f"{df} stage {stage.display} has no USER and its base image depends on a build arg"
            )
        if _matches(text, NUMERIC_NONROOT_BASES):
            return "pass", f"no USER; the base {text} runs as 65532"
        if _matches(text, ROOT_BASES):
            return "root-base", text
        extra = context.options(DockerOptions).nonroot_base_allowlist
        listed = (
            " (listed as non-root in docker.nonroot_base_allowlist)"
            if extra and (_matches(text, tuple(extra)))
            else ""
        )
        return "unknown", (
            f"{df} stage {stage.display} has no USER and the user of its base {text} is "
            f"not known to be numeric{listed}"
        )
    name = _user_text(user, link.build_args)
    where = f"{df}:{user.get('line', stage.line)} USER {user.get('raw', '')}"
    if name is not None and not user.get("resolved"):
        where += f" (= {name} with the linking build's --build-arg)"
    if name is None:
        names = ", ".join(user.get("unresolved") or ()) or "a build arg"
        return "unknown", f"{where} depends on {names}, which the linking build does not set"
    if is_root_user(name):
        return "root", where
    if name.isascii() and name.isdigit():
        return "pass", where
    return "non-numeric", f"{where}|{name}"


class _Verdict:
    """What ``pick`` compares across linked Dockerfiles: the verdict, shown with its user."""

    def __init__(self, verdict: str, text: str) -> None:
        self.verdict = verdict
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Verdict) and other.verdict == self.verdict

    def __hash__(self) -> int:
        return hash(self.verdict)

    def __str__(self) -> str:
        return self.text


def _verdict(link: ImageLink, context: Context) -> _Verdict:
    stage = link.stage
    user = stage.user
    shown = f"USER {user.get('raw', '')}" if user is not None else f"no USER, FROM {stage.base}"
    return _Verdict(_judge(link, context)[0], shown)


# -- the policy -------------------------------------------------------------------------


def _message(
    verdict: str, detail: str, link: ImageLink, c: Container, manifest: str, line: int
) -> tuple[str, str]:
    """(message, Dockerfile end) of a finding."""
    df = link.dockerfile.relpath
    pod_end = f"{manifest}:{line} {c.ref}"
    via = f"link: {link.how} ({link.confidence} confidence)"
    fix = (
        f"Fix: a numeric non-root user in the image (USER 1001 in {df}), or runAsUser: 1001 "
        f"in the securityContext of {c.ref}"
    )
    if verdict == "non-numeric":
        where, name = detail.rsplit("|", 1)
        return (
            f"{where} <-> {pod_end}: the pod sets runAsNonRoot: true without runAsUser and "
            f"the image's user '{name}' is not numeric, so the kubelet refuses the container "
            f"(CreateContainerConfigError: container has runAsNonRoot and image has "
            f"non-numeric user ({name}), cannot verify user is non-root); {via}. {fix}",
            where,
        )
    if verdict == "root":
        return (
            f"{detail} <-> {pod_end}: the pod sets runAsNonRoot: true without runAsUser and "
            "the image runs as root, so the kubelet refuses the container "
            "(CreateContainerConfigError: container has runAsNonRoot and image will run as "
            f"root); {via}. {fix}",
            detail,
        )
    where = f"{df}:{link.stage.line} FROM {link.stage.base}"
    return (
        f"{where} <-> {pod_end}: the shipped stage {link.stage.display} has no USER and its "
        f"base {detail} runs as root, so with runAsNonRoot: true and no runAsUser the kubelet "
        "refuses the container (CreateContainerConfigError: container has runAsNonRoot and "
        f"image will run as root); {via}. {fix}",
        where,
    )


@policy(
    id="XREF-003",
    name="nonroot-pod-needs-numeric-image-user",
    title="A runAsNonRoot pod without runAsUser needs an image with a numeric non-root USER",
    severity=Severity.HIGH,
    rationale=(
        "runAsNonRoot: true without runAsUser makes the kubelet check the image's own user "
        "before it starts the container. A user name (USER node, USER app) cannot be "
        "checked, and root is refused: either way the pod never starts "
        "(CreateContainerConfigError). The manifest and the Dockerfile each look fine alone; "
        "the failure appears only at deploy time."
    ),
    remediation=(
        "Give the image a numeric non-root user (USER 1001, or USER 10001:10001) in the "
        "shipped stage, or set securityContext.runAsUser to a non-zero UID in the pod or "
        "container. If the link to the Dockerfile is wrong or missing, declare it with "
        "xref.image_map."
    ),
    controls=("CIS-K8s-5.2.6", "PSS-Restricted-runAsNonRoot"),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kuberuntime/security_context_others.go",
    ),
    applies=_applies,
    example=(
        "# deploy/web.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    devops-policy.io/dockerfile.web: services/web/Dockerfile\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      securityContext:\n"
        "        runAsNonRoot: true\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: ghcr.io/acme/web:1.4.2\n"
        "---\n"
        "# services/web/Dockerfile\n"
        "FROM node:20-alpine\n"
        "RUN adduser -S -u 1001 nodeuser\n"
        "USER nodeuser\n"
    ),
    use_instead=(
        "# deploy/web.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    devops-policy.io/dockerfile.web: services/web/Dockerfile\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      securityContext:\n"
        "        runAsNonRoot: true\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: ghcr.io/acme/web:1.4.2\n"
        "---\n"
        "# services/web/Dockerfile\n"
        "FROM node:20-alpine\n"
        "RUN adduser -S -u 1001 nodeuser\n"
        "USER 1001\n"
    ),
)
def nonroot_pod_needs_numeric_image_user(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    manifest = context.cache.relpath(k8s_object.source.path)
    for c in _scoped(k8s_object):
        links = _links(c, k8s_object, context)
        chosen = pick(links, lambda link: _verdict(link, context), context)
        if chosen is None:
            continue
        if isinstance(chosen, Unknown):
            yield Unknown(f"{c.ref} ({c.image}): {chosen.reason}")
            continue
        verdict, detail = _judge(chosen, context)
        if verdict in ("pass", "windows"):
            continue
        if verdict == "unknown":
            yield Unknown(f"{c.ref} ({c.image}): {detail}")
            continue
        found = k8s_object.locate(c.path)
        line = found[0] if found else k8s_object.line
        message, image_end = _message(verdict, detail, chosen, c, manifest, line)
        end = image_end.split(" ", 1)[0]
        pairs = [f"{end} -> {manifest}:{line}"]
        if chosen.source != end and ":" in chosen.source and " " not in chosen.source:
            pairs.append(f"{chosen.source} -> {manifest}:{line}")
        yield Violation(message, path=c.path, links=tuple(pairs))
