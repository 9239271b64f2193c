"""DOCKER-025: the shipped image's USER is a numeric UID."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, is_root_user
from pytest_devops_policy.options import DockerOptions


@policy(
    id="DOCKER-025",
    name="numeric-user-id",
    title="The shipped image should run as a numeric UID, not a user name",
    severity=Severity.LOW,
    rationale=(
        "Kubernetes can only enforce runAsNonRoot: true when it can see that the image user "
        "is not root without reading the image's /etc/passwd. A numeric USER (10001) shows "
        "that; a user name (USER app) does not, and the kubelet refuses to start the pod "
        "with CreateContainerConfigError unless the pod also sets runAsUser (see K8S-001). "
        "A numeric UID also means the same thing on every node and in every volume."
    ),
    remediation=(
        "Create the user with a fixed UID and GID and switch to it by number: RUN adduser "
        "-S -u 10001 -G app app, then USER 10001:10001. Prefer a UID of 10000 or more, "
        "above the ranges distributions and hosts use for their own accounts (the threshold "
        "kube-score and Checkov apply to runAsUser). The effective USER is the last one of "
        "the shipped stage and the stages it is built FROM; whether it is root is "
        "DOCKER-001's business."
    ),
    controls=("NIST-800-53-AC-6", "PSS-Restricted-runAsNonRoot"),
    references=(
        "hadolint:DL3066",
        "checkov:CKV_K8S_40",
        "kube-score:container-security-context-user-group-id",
        "trivy:AVD-KSV-0020",
    ),
    example="""\
FROM node:20.11-alpine
RUN addgroup -S app && adduser -S -G app app
COPY --chown=app:app . /app
USER app
CMD ["node", "/app/server.js"]
""",
    use_instead="""\
FROM node:20.11-alpine
RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app
COPY --chown=10001:10001 . /app
USER 10001:10001
CMD ["node", "/app/server.js"]
""",
)
def numeric_user_id(dockerfile: Dockerfile, context: Context) -> Iterator[Violation | Unknown]:
    settings = context.options(DockerOptions)
    stage = dockerfile.target_stage(settings.target)
    user = dockerfile.effective_user(stage, settings.build_args)
    if user is None:
        # No USER: the base image's user applies and there is nothing in this Dockerfile to
        # write as a number. DOCKER-001 fails the root case; a non-root base it allowlists
        # (distroless :nonroot, Chainguard) already declares a numeric UID. So: pass.
        return
    ins = user.instruction
    where = dockerfile.shipped_title(stage)
    inherited = "" if user.stage is stage else f", inherited from stage {user.stage.display}"
    if not user.expansion.resolved:
        yield Unknown(
            f"USER {ins.args} (line {ins.line}{inherited}) in {where} depends on "
            f"{user.expansion.why()} (a build arg or the base image sets it)"
        )
        return
    name = user.name
    if name.isascii() and name.isdigit():
        # A UID below 10000 is only worth a warning (catalog), and there is no warning
        # outcome: it passes, and the remediation recommends >= 10000. A named group
        # (USER 10001:app) passes too: runAsNonRoot only looks at the UID.
        return
    if is_root_user(name):
        return  # root, by name or number, is DOCKER-001's finding
    if dockerfile.is_windows(stage, settings.build_args):
        # Windows has no numeric UIDs; Kubernetes uses runAsUserName (ContainerUser) there.
        return
    shown = ins.args if user.expansion.text == ins.args else f"{ins.args} (= {user.name})"
    yield Violation(
        f"USER {shown} (line {ins.line}{inherited}) in {where} names a user instead of a "
        "numeric UID: Kubernetes cannot verify runAsNonRoot: true for a user name, so the pod "
        "fails with CreateContainerConfigError unless it sets runAsUser; use a numeric UID "
        "such as USER 10001:10001",
        line=ins.line,
    )
