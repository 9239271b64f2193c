"""CI events for cross-artifact links (catalog §9.2-1 "Workflows"): the model.

Each step of a GitHub Actions job (``gha_events.job_events``) and each script line of a
GitLab CI job (``gl_events.gitlab_job_events``) yields, in order, the image builds,
pushes, side-loads, registry logins, deploys and file rewrites it performs. The shell
commands are read by ``script_events`` (the shared command segmenter; wrappers such as
``sudo`` and ``env`` peeled; ``echo "kubectl ..."`` runs ``echo``), the known actions by
``gha_events``.

Values stay **as written**: ``${{ github.sha }}``, ``$IMAGE``, ``$(git rev-parse HEAD)``
are kept in the strings. Resolving variables and comparing refs is ``knowledge.xref.resolve``
and ``refs``; nothing here substitutes anything. Paths are kept as written too, with the
tracked working directory (``cwd``, §9.2-7) beside them; ``join_path`` resolves one
against the other (workspace spellings such as ``$GITHUB_WORKSPACE`` and
``$CI_PROJECT_DIR`` mean the repository root).

Deliberately UNKNOWN (left as written, never guessed): every template token
(``${{ }}`` other than the workspace, ``$VAR``, ``$(...)``, secrets, step outputs other than
``amazon-ecr-login``'s ``registry``); opaque wrappers (``make deploy``, ``./deploy.sh``,
``sh -c '...'``); a ``cd`` to ``-``, ``~`` or a command substitution (``cwd`` becomes None).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Union

from pytest_devops_policy.api import PathPart

__all__ = [
    "ECR_LOGIN_ACTION",
    "BuildEvent",
    "DeployEvent",
    "Event",
    "LoginEvent",
    "Origin",
    "PushEvent",
    "Rewrite",
    "SideLoadEvent",
    "Target",
    "ecr_registry_token",
    "join_path",
    "normalise_kind",
]

ECR_LOGIN_ACTION = "aws-actions/amazon-ecr-login"


@dataclass(frozen=True)
class Origin:
    """Where an event comes from, and the line a policy reports for it.

    GitHub Actions: ``step`` is the step index (0-based), ``section`` ``"run"`` or
    ``"uses"``, ``path`` ``("steps", i, "run")`` / ``("steps", i, "uses")`` (what
    ``Violation(path=...)`` takes; ``job.locate(path)`` is ``line``); an action's inputs
    are at ``("steps", i, "with", key)``. GitLab CI: ``step`` is None, ``section`` the
    script keyword, ``index`` the line's index in it, ``path`` ``(section, index)``
    (``GitLabJob.locate``). ``command`` is the command's position in its script text and
    ``script_line`` its 1-based line there (1 for actions)."""

    file: str
    job: str
    step: int | None
    section: str
    index: int
    command: int
    script_line: int
    path: tuple[PathPart, ...]
    line: int
    text: str  # the command or action as written, for messages


@dataclass(frozen=True, kw_only=True)
class _Event:
    origin: Origin
    cwd: str | None  # repository-relative ("." is the root); None when unknown
    tool: str  # docker, podman, buildah, kaniko, build-push-action, kubectl, helm...


@dataclass(frozen=True, kw_only=True)
class BuildEvent(_Event):
    """An image build. ``context_kind``: ``path``, ``git`` (build-push-action's default:
    the repository at the ref, rooted at ``.``), ``url`` (a Git or tarball URL), ``stdin``
    (``-``) or ``none`` (ko, Jib, pack: no Dockerfile). ``dockerfile`` is None when there
    is none; ``dockerfile_default`` when it was not written (``{context}/Dockerfile``).
    ``push`` is True / False / None (an expression decides); ``registry`` is ``az acr
    build -r`` (already joined into ``tags``)."""

    dockerfile: str | None
    dockerfile_default: bool = False
    context: str | None = None
    context_kind: str = "path"
    target: str | None = None
    build_args: tuple[tuple[str, str | None], ...] = ()
    tags: tuple[str, ...] = ()
    push: bool | None = False
    load: bool = False
    registry: str | None = None

    @property
    def dockerfile_path(self) -> str | None:
        """The Dockerfile, repository-relative (None when unknown or not a local path).
        ``docker build -f`` is relative to the cwd; the default sits in the context."""
        if self.dockerfile is None or self.context_kind in ("url", "stdin", "none"):
            return None
        return join_path(self.cwd, self.dockerfile)

    @property
    def context_path(self) -> str | None:
        if self.context is None or self.context_kind not in ("path", "git"):
            return None
        return join_path(self.cwd, self.context)


@dataclass(frozen=True, kw_only=True)
class PushEvent(_Event):
    """Refs put into a registry. ``all_tags``: ``docker push --all-tags REPO`` (every tag
    built for REPO in the job). ``maybe``: a build whose ``push`` is an expression.
    ``via_build``: the push of a build event (build-push-action, ``--push``, kaniko...)."""

    refs: tuple[str, ...]
    all_tags: str | None = None
    maybe: bool = False
    via_build: bool = False


@dataclass(frozen=True, kw_only=True)
class SideLoadEvent(_Event):
    """An image loaded into a local cluster's nodes (kind, minikube, k3d)."""

    refs: tuple[str, ...]
    cluster: str | None = None


@dataclass(frozen=True, kw_only=True)
class LoginEvent(_Event):
    """A registry login. ``registry`` None: Docker Hub (the default). ``ecr``: an
    ``amazon-ecr-login`` step, whose ``registry`` is the token ``ecr_registry_token``
    (some ECR host, account and region unknown)."""

    registry: str | None
    ecr: bool = False


@dataclass(frozen=True)
class Target:
    """A Kubernetes object a command names. ``kind`` is normalised (``deploy`` →
    ``Deployment``); None when the type is a token or unknown (``type`` keeps it as
    written). ``name`` is None for ``TYPE -l SEL`` / ``TYPE --all`` / a bare TYPE."""

    kind: str | None
    type: str
    name: str | None
    selector: str | None = None
    all: bool = False


@dataclass(frozen=True, kw_only=True)
class DeployEvent(_Event):
    """Something put into (or looked up in) a cluster or a service.

    ``verb``: set-image, rollout, scale, patch, wait, apply, create, replace, delete, diff,
    kustomize-set-image, helm, gcloud-run, az-containerapp, ecs-render. ``action``: the
    rollout action (status, restart, undo...), the helm command (upgrade, install) or the
    create generator. ``images``: (container, image) pairs of ``set image`` (``*`` for
    all); for ``kustomize-set-image`` (image name, new ref); for ``azure/k8s-deploy``
    ("", ref). ``files`` (``-f``; ``-`` is stdin), ``kustomize_dirs`` (``-k``; for
    ``kustomize edit`` the kustomization's directory), ``recursive`` (``-R``), ``stdin_from``
    the commands piped in, ``stdin_kustomize`` the DIR of a piped ``kustomize build DIR`` /
    ``kubectl kustomize DIR``, ``stdin_rewritten`` when ``envsubst``/``sed`` sit between.
    Helm: ``release``, ``chart``, ``chart_repo`` (``--repo``), ``values_files``,
    ``set_values`` (``--set*`` pairs in order), ``install`` (install, or ``--install``).
    ``image``/``service``: gcloud run, az containerapp, ECS render (container name),
    ``kubectl create deployment --image``."""

    verb: str
    action: str | None = None
    targets: tuple[Target, ...] = ()
    namespace: str | None = None
    all_namespaces: bool = False
    images: tuple[tuple[str, str], ...] = ()
    files: tuple[str, ...] = ()
    kustomize_dirs: tuple[str, ...] = ()
    recursive: bool = False
    stdin_from: tuple[str, ...] = ()
    stdin_kustomize: str | None = None
    stdin_rewritten: bool = False
    release: str | None = None
    chart: str | None = None
    chart_repo: str | None = None
    values_files: tuple[str, ...] = ()
    set_values: tuple[tuple[str, str], ...] = ()
    install: bool = False
    image: str | None = None
    service: str | None = None
    dry_run: bool = False


@dataclass(frozen=True, kw_only=True)
class Rewrite(_Event):
    """Files whose content the job changes before a later step reads them (``sed -i``,
    ``yq -i``, ``envsubst < a > b``, ``kustomize edit set image``): their image refs are
    "rewritten in job" (§9.2-1). ``files`` as written (relative to ``cwd``); ``source``
    is what ``envsubst`` read; ``kustomization`` the directory ``kustomize edit`` changed."""

    files: tuple[str, ...]
    source: str | None = None
    kustomization: str | None = None


Event = Union[BuildEvent, PushEvent, SideLoadEvent, LoginEvent, DeployEvent, Rewrite]  # noqa: UP007


def ecr_registry_token(step_id: str | None) -> str:
    """The value an ``amazon-ecr-login`` step's ``registry`` output is written as."""
    return f"${{{{ steps.{step_id or '?'}.outputs.registry }}}}"


# --------------------------------------------------------------------------
# Kubernetes resource types as kubectl reads them (XREF-001's aliases)

_KINDS: dict[str, str] = {}
for _kind, _names in {
    "Deployment": ("deploy", "deployment", "deployments"),
    "StatefulSet": ("sts", "statefulset", "statefulsets"),
    "DaemonSet": ("ds", "daemonset", "daemonsets"),
    "ReplicaSet": ("rs", "replicaset", "replicasets"),
    "ReplicationController": ("rc", "replicationcontroller", "replicationcontrollers"),
    "Job": ("job", "jobs"),
    "CronJob": ("cj", "cronjob", "cronjobs"),
    "Pod": ("po", "pod", "pods"),
    "Rollout": ("ro", "rollout", "rollouts"),
    "Service": ("svc", "service", "services"),
    "Namespace": ("ns", "namespace", "namespaces"),
    "ConfigMap": ("cm", "configmap", "configmaps"),
    "Secret": ("secret", "secrets"),
    "Ingress": ("ing", "ingress", "ingresses"),
    "ServiceAccount": ("sa", "serviceaccount", "serviceaccounts"),
    "HorizontalPodAutoscaler": ("hpa", "horizontalpodautoscaler", "horizontalpodautoscalers"),
    "PersistentVolumeClaim": ("pvc", "persistentvolumeclaim", "persistentvolumeclaims"),
    "Node": ("no", "node", "nodes"),
}.items():
    for _name in _names:
        _KINDS[_name] = _kind


def normalise_kind(type_: str) -> str | None:
    """The Kubernetes kind a kubectl resource type names (``deploy``, ``deployments``,
    ``deployment.apps``, ``deployments.v1.apps`` → ``Deployment``); None when unknown
    or a template token."""
    head = type_.strip().lower().split(".", 1)[0]
    return _KINDS.get(head)


# --------------------------------------------------------------------------
# paths (§9.2-7)

# The workspace root as scripts spell it: GitHub's and GitLab's checkout directory.
_WORKSPACE = re.compile(
    r"^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?|\$\{?CI_PROJECT_DIR\}?"
    r"|\$\{?CI_BUILDS_DIR\}?/\$\{?CI_PROJECT_PATH\}?)(?=/|$)"
)


def join_path(cwd: str | None, path: str) -> str | None:
    """``path`` seen from ``cwd``, repository-relative and normalised (``.`` is the root).
    Absolute paths outside the workspace stay absolute; None when ``cwd`` is unknown."""
    path = path.strip()
    rooted = _WORKSPACE.match(path)
    if rooted:  # the workspace is the root, wherever the script is
        return posixpath.normpath("." + path[rooted.end() :])
    if path.startswith("/"):
        return posixpath.normpath(path)
    if cwd is None:
        return None
    if path.startswith("~"):
        return None
    return posixpath.normpath(posixpath.join(cwd, path)) if path else posixpath.normpath(cwd)
