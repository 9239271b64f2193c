"""Build, push, side-load, login and rewrite events of container command lines.

Read from the words of one command (``argv.Call``): ``docker``/``podman``/``nerdctl``
``[buildx|image|builder] build``, ``buildah bud|build``, ``docker push`` (``--all-tags``),
``docker login``, ``docker buildx imagetools create -t``, kaniko's ``executor``, ``gcloud
builds submit --tag|--pack``, ``az acr build -t -r``, ``ko build|publish``, Jib
(``mvn … jib:build``, ``gradle jib``), ``pack build [--publish]``, ``crane push|copy``,
``skopeo copy … docker://REF``, ``kind load docker-image``, ``minikube image load``,
``k3d image import``.
Values are kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_devops_policy.knowledge.xref.argv import Argv, Call, parse_argv
from pytest_devops_policy.knowledge.xref.events import (
    BuildEvent,
    DeployEvent,
    Event,
    LoginEvent,
    PushEvent,
    SideLoadEvent,
)

__all__ = ["container_events"]

_DOCKER_GLOBAL = {
    "--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert",
    "--tlscert", "--tlskey", "--connection", "--identity", "--url", "--root", "--runroot",
    "--storage-driver", "--storage-opt", "--cgroup-manager", "--tmpdir",
}  # fmt: skip
_BUILD_VALUED = frozenset(
    {
        *_DOCKER_GLOBAL, "-t", "--tag", "-f", "--file", "--target", "--build-arg",
        "--platform", "--cache-from", "--cache-to", "--label", "--secret", "--ssh", "-o",
        "--output", "--progress", "--network", "--iidfile", "--metadata-file",
        "--build-context", "--add-host", "--shm-size", "--ulimit", "--cgroup-parent",
        "--isolation", "-m", "--memory", "--memory-swap", "--cpu-shares", "--cpu-period",
        "--cpu-quota", "--cpuset-cpus", "--cpuset-mems", "--builder", "--attest",
        "--annotation", "--allow", "--call", "--no-cache-filter", "--format", "--authfile",
        "--creds", "--arch", "--os", "--variant", "--jobs", "-v", "--volume", "--env",
        "--runtime", "--logfile", "--manifest", "--from", "--sign-by", "--timestamp",
        "--retry", "--retry-delay", "--cert-dir", "--security-opt", "--device", "--dns",
        "--dns-option", "--dns-search", "--ignorefile", "--unsetenv", "--unsetlabel",
        "--userns", "--cap-add", "--cap-drop", "--signature-policy", "-u", "--username",
        "-p", "--password", "--digestfile",
    }
)  # fmt: skip
_BUILDERS = frozenset({"docker", "podman", "nerdctl", "buildah", "buildx"})
_KANIKO_VALUED = frozenset(
    {
        "-c", "--context", "-f", "--dockerfile", "-d", "--destination", "--target",
        "--build-arg", "--tar-path", "--cache-repo", "--cache-dir", "--cache-ttl",
        "--snapshot-mode", "-v", "--verbosity", "--label", "--digest-file",
        "--image-name-with-digest-file", "--image-name-tag-with-digest-file",
        "--oci-layout-path", "--registry-mirror", "--registry-map", "--insecure-registry",
        "--skip-tls-verify-registry", "--custom-platform", "--context-sub-path",
        "--kaniko-dir", "--log-format", "--ignore-path", "--git", "--registry-certificate",
        "--registry-client-cert", "--push-retry", "--image-fs-extract-retry",
    }
)  # fmt: skip
_GCLOUD_VALUED = frozenset(
    {
        "--tag", "-t", "--config", "--region", "--project", "--image", "--platform",
        "--service-account", "--set-env-vars", "--update-env-vars", "--memory", "--cpu",
        "--port", "--timeout", "--concurrency", "--max-instances", "--min-instances",
        "--ingress", "--vpc-connector", "--gcs-source-staging-dir", "--machine-type",
        "--substitutions", "--source", "--format", "--account", "--labels", "--pack",
        "--impersonate-service-account", "--revision-suffix", "--env-vars-file",
        "--set-secrets", "--update-secrets", "--network", "--subnet", "--vpc-egress",
        "--worker-pool", "--ignore-file", "--disk-size", "--dir", "--service",
    }
)  # fmt: skip
_AZ_VALUED = frozenset(
    {
        "-t", "--image", "-r", "--registry", "-f", "--file", "--target", "--build-arg",
        "--secret-build-arg", "--platform", "-g", "--resource-group", "--timeout",
        "--agent-pool", "--subscription", "--log-template", "--auth-mode", "-o", "--output",
        "--query", "-n", "--name", "--environment", "--container-name", "--revision-suffix",
        "--cpu", "--memory", "--min-replicas", "--max-replicas", "--set-env-vars",
        "--replace-env-vars", "--remove-env-vars", "--yaml", "--registry-server",
        "--registry-username", "--registry-password", "--ingress", "--target-port",
        "--source", "-l", "--location",
    }
)  # fmt: skip
_PACK_VALUED = frozenset(
    {
        "-B", "--builder", "-p", "--path", "-b", "--buildpack", "-e", "--env", "--env-file",
        "-t", "--tag", "--run-image", "--cache-image", "-d", "--descriptor", "--network",
        "--volume", "--workspace", "--lifecycle-image", "--platform", "--creation-time",
        "--gid", "--uid", "--previous-image", "--report-output-dir", "--sbom-output-dir",
        "--cache", "--pull-policy", "-D", "--default-process",
    }
)  # fmt: skip
_KO_VALUED = frozenset(
    {"-t", "--tags", "--platform", "--image-refs", "--image-label", "--sbom", "-f",
     "--filename", "--tag-only", "--sbom-dir", "-j", "--jobs", "--image-user"}
)  # fmt: skip
_SKOPEO_VALUED = frozenset(
    {
        "--src-creds", "--dest-creds", "--authfile", "--src-authfile", "--dest-authfile",
        "-f", "--format", "--override-os", "--override-arch", "--override-variant",
        "--src-cert-dir", "--dest-cert-dir", "--sign-by", "--retry-times", "--multi-arch",
        "--additional-tag", "--dest-compress-format", "--src-registry-token",
        "--dest-registry-token", "--encryption-key", "--decryption-key", "--digestfile",
        "--image-parallel-copies", "--src-shared-blob-dir", "--dest-shared-blob-dir",
        "--dest-compress-level", "--registries-conf",
    }
)  # fmt: skip
_LOCAL_CLUSTER_VALUED = frozenset(
    {"--name", "--nodes", "-p", "--profile", "-c", "--cluster", "--mode", "--daemon"}
)
_REGISTRY_LOGIN_VALUED = frozenset({"-u", "--username", "-p", "--password", "--authfile"})
_JIB_GOAL = re.compile(r"^(?:[\w.-]+:)*jib:(build|dockerBuild)$")
_GRADLE_JIB = re.compile(r"^:?(?:[\w-]+:)*(jib|jibDockerBuild)$")


def _name(words: Sequence[str]) -> str:
    return words[0].rsplit("/", 1)[-1] if words else ""


def container_events(call: Call) -> list[Event]:
    """The build/push/side-load/login events of one command (none for other commands)."""
    name = _name(call.words)
    if name in _BUILDERS:
        return _builder(call, name)
    if name == "executor":
        return _kaniko(call)
    reader = _READERS.get(name)
    return reader(call) if reader is not None else []


def _build_args(argv: Argv) -> tuple[tuple[str, str | None], ...]:
    out: list[tuple[str, str | None]] = []
    for value in argv.values("--build-arg"):
        key, eq, val = value.partition("=")
        out.append((key, val if eq else None))
    return tuple(out)


def _builder(call: Call, name: str) -> list[Event]:
    argv = parse_argv(call.args, _BUILD_VALUED)
    pos = list(argv.positionals)
    tool = name
    if name == "buildx":
        pos = ["buildx", *pos]
        tool = "docker"
    if pos[:1] in (["buildx"], ["image"], ["builder"]) and name != "buildah":
        if pos[:3] == ["buildx", "imagetools", "create"]:
            tags = tuple(argv.values("-t", "--tag"))
            return [_push(call, tool, tags)] if tags else []
        tool = "buildx" if pos[0] == "buildx" else tool
        pos = pos[1:]
    if pos[:1] in (["build"], ["bud"]) and (name == "buildah" or pos[0] == "build"):
        return _build(call, argv, tool, pos[1:])
    if pos[:1] == ["push"] or (pos[:2] == ["manifest", "push"] and name != "nerdctl"):
        rest = pos[1:] if pos[0] == "push" else pos[2:]
        if argv.has("-a", "--all-tags") and rest:
            return [_push(call, tool, (), all_tags=rest[0])]
        if not rest:
            return []
        # `podman push IMAGE DEST` / `buildah push IMAGE DEST`: DEST is where it goes.
        ref = rest[1] if len(rest) > 1 and name in ("podman", "buildah") else rest[0]
        return [_push(call, tool, (ref.removeprefix("docker://"),))]
    if pos[:1] == ["login"]:
        login = parse_argv(call.args, _REGISTRY_LOGIN_VALUED | _DOCKER_GLOBAL)
        rest = list(login.positionals[1:])
        return [LoginEvent(origin=call.origin, cwd=call.cwd, tool=tool, registry=_first(rest))]
    return []


def _first(items: Sequence[str]) -> str | None:
    return items[0] if items else None


def _push(
    call: Call,
    tool: str,
    refs: tuple[str, ...],
    all_tags: str | None = None,
    via_build: bool = False,
) -> PushEvent:
    return PushEvent(
        origin=call.origin, cwd=call.cwd, tool=tool, refs=refs, all_tags=all_tags,
        via_build=via_build,
    )  # fmt: skip


def _build(call: Call, argv: Argv, tool: str, pos: list[str]) -> list[Event]:
    context = pos[0] if pos else None
    if context is None:
        kind = "none"
    elif context == "-":
        kind = "stdin"
    elif re.match(r"^(?:https?|git|ssh)://|^git@|\.git(?:#|$)", context):
        kind = "url"
    else:
        kind = "path"
    dockerfile = argv.last("-f", "--file")
    outputs = " ".join(argv.values("-o", "--output"))
    push = argv.has("--push") or "type=registry" in outputs or "push=true" in outputs
    load = argv.has("--load") or "type=docker" in outputs
    tags = tuple(argv.values("-t", "--tag"))
    build = BuildEvent(
        origin=call.origin,
        cwd=call.cwd,
        tool=tool,
        dockerfile=dockerfile if dockerfile is not None else _default_file(context),
        dockerfile_default=dockerfile is None,
        context=context,
        context_kind=kind,
        target=argv.last("--target"),
        build_args=_build_args(argv),
        tags=tags,
        push=push,
        load=load,
    )
    out: list[Event] = [build]
    if push:
        out.append(_push(call, tool, tags, via_build=True))
    return out


def _default_file(context: str | None) -> str | None:
    if context is None or context == "-":
        return None
    return "Dockerfile" if context in (".", "./") else f"{context.rstrip('/')}/Dockerfile"


def _kaniko(call: Call) -> list[Event]:
    argv = parse_argv(call.args, _KANIKO_VALUED)
    kaniko = "kaniko" in call.words[0] or argv.given("--destination", "-d", "--no-push")
    if not kaniko:
        return []
    context = argv.last("-c", "--context") or "/workspace"
    kind = "path"
    if context.startswith("dir://"):
        context = context.removeprefix("dir://")
    elif "://" in context:
        kind = "url"
    dockerfile = argv.last("-f", "--dockerfile")
    tags = tuple(argv.values("-d", "--destination"))
    push = not argv.has("--no-push")
    build = BuildEvent(
        origin=call.origin,
        cwd=call.cwd,
        tool="kaniko",
        dockerfile=dockerfile if dockerfile is not None else _default_file(context),
        dockerfile_default=dockerfile is None,
        context=context,
        context_kind=kind,
        target=argv.last("--target"),
        build_args=_build_args(argv),
        tags=tags,
        push=push,
    )
    return [build, _push(call, "kaniko", tags, via_build=True)] if push and tags else [build]


def _gcloud(call: Call) -> list[Event]:
    argv = parse_argv(call.args, _GCLOUD_VALUED)
    pos = [p for p in argv.positionals if p not in ("alpha", "beta")]
    if pos[:2] == ["builds", "submit"]:
        tags = tuple(argv.values("--tag", "-t"))
        packs = [
            kv.partition("=")[2]
            for v in argv.values("--pack")
            for kv in v.split(",")
            if kv.startswith("image=")
        ]
        if not tags and not packs:
            return []  # --config cloudbuild.yaml: the steps are in a file we do not read here
        source = pos[2] if len(pos) > 2 else "."
        build = BuildEvent(
            origin=call.origin,
            cwd=call.cwd,
            tool="gcloud",
            dockerfile=None if packs else _default_file(source),
            dockerfile_default=True,
            context=source,
            context_kind="none" if packs else "path",
            tags=tags + tuple(packs),
            push=True,
        )
        return [build, _push(call, "gcloud", build.tags, via_build=True)]
    if pos[:2] == ["run", "deploy"] or pos[:3] == ["run", "services", "update"]:
        service = pos[3] if pos[1] == "services" and len(pos) > 3 else _first(pos[2:])
        return [
            DeployEvent(
                origin=call.origin, cwd=call.cwd, tool="gcloud", verb="gcloud-run",
                image=argv.last("--image"), service=service,
            )
        ]  # fmt: skip
    return []


def _az(call: Call) -> list[Event]:
    argv = parse_argv(call.args, _AZ_VALUED)
    pos = argv.positionals
    if pos[:2] == ("acr", "build"):
        registry = argv.last("-r", "--registry")
        tags = tuple(_acr_ref(registry, t) for t in argv.values("-t", "--image"))
        context = pos[2] if len(pos) > 2 else None
        dockerfile = argv.last("-f", "--file")
        push = not argv.has("--no-push")
        build = BuildEvent(
            origin=call.origin,
            cwd=call.cwd,
            tool="az-acr",
            dockerfile=dockerfile if dockerfile is not None else _default_file(context),
            dockerfile_default=dockerfile is None,
            context=context,
            context_kind="path" if context is not None else "none",
            target=argv.last("--target"),
            build_args=_build_args(argv),
            tags=tags,
            push=push,
            registry=registry,
        )
        return [build, _push(call, "az-acr", tags, via_build=True)] if push and tags else [build]
    if pos[:1] == ("containerapp",) and pos[1:2] in (("update",), ("create",), ("up",)):
        return [
            DeployEvent(
                origin=call.origin, cwd=call.cwd, tool="az", verb="az-containerapp",
                action=pos[1], image=argv.last("--image"), service=argv.last("-n", "--name"),
            )
        ]  # fmt: skip
    return []


def _acr_ref(registry: str | None, tag: str) -> str:
    """``az acr build -r myreg -t app:1`` pushes ``myreg.azurecr.io/app:1``."""
    if not registry:
        return tag
    # A `.` inside `${{ env.X }}` is not a domain.
    bare = re.sub(r"\$\{\{.*?\}\}", "", registry)
    host = registry if "." in bare else f"{registry}.azurecr.io"
    if tag.lower().startswith(host.lower() + "/"):
        return tag  # already written with the login server
    return f"{host}/{tag}"


def _ko(call: Call) -> list[Event]:
    argv = parse_argv(call.args, _KO_VALUED)
    pos = argv.positionals
    if not pos or pos[0] not in ("build", "publish", "apply", "resolve"):
        return []
    local = argv.has("-L", "--local") or argv.last("--push") in ("false", "0")
    build = BuildEvent(
        origin=call.origin, cwd=call.cwd, tool="ko", dockerfile=None, context=_first(pos[1:]),
        context_kind="none", tags=tuple(argv.values("-t", "--tags")), push=not local,
        load=local,
    )  # fmt: skip
    out: list[Event] = [build]
    if pos[0] == "apply":
        files = tuple(argv.values("-f", "--filename"))
        out.append(
            DeployEvent(origin=call.origin, cwd=call.cwd, tool="ko", verb="apply", files=files)
        )
    return out


def _jib(call: Call) -> list[Event]:
    name = _name(call.words)
    goals = [w for w in call.args if not w.startswith("-")]
    if name.startswith("mvn"):
        found = [m.group(1) for g in goals if (m := _JIB_GOAL.match(g))]
    else:
        found = [m.group(1) for g in goals if (m := _GRADLE_JIB.match(g))]
        found = ["build" if f == "jib" else "dockerBuild" for f in found]
    if not found:
        return []
    props: dict[str, str] = {}
    for word in call.args:
        if word.startswith("-D"):
            key, _, value = word[2:].partition("=")
            props[key] = value
    argv = parse_argv(call.args, {"--image"})
    image = argv.last("--image") or props.get("jib.to.image") or props.get("image")
    tags = (image,) if image else ()
    push = found[-1] == "build"
    build = BuildEvent(
        origin=call.origin, cwd=call.cwd, tool="jib", dockerfile=None, context=".",
        context_kind="none", tags=tags, push=push, load=not push,
    )  # fmt: skip
    return [build, _push(call, "jib", tags, via_build=True)] if push else [build]


def _pack(call: Call) -> list[Event]:
    argv = parse_argv(call.args, _PACK_VALUED)
    pos = argv.positionals
    if pos[:1] != ("build",) or len(pos) < 2:
        return []
    tags = (pos[1], *argv.values("-t", "--tag"))
    push = argv.has("--publish")
    build = BuildEvent(
        origin=call.origin, cwd=call.cwd, tool="pack", dockerfile=None,
        context=argv.last("-p", "--path") or ".", context_kind="none", tags=tags, push=push,
        load=not push,
    )  # fmt: skip
    return [build, _push(call, "pack", tags, via_build=True)] if push else [build]


def _crane(call: Call) -> list[Event]:
    argv = parse_argv(call.args, {"--platform"})
    pos = argv.positionals
    if pos[:1] in (("push",), ("copy",), ("cp",)) and len(pos) >= 3:
        return [_push(call, "crane", (pos[2],))]
    return []


def _skopeo(call: Call) -> list[Event]:
    argv = parse_argv(call.args, _SKOPEO_VALUED)
    pos = argv.positionals
    if pos[:1] == ("copy",) and len(pos) >= 3 and pos[2].startswith("docker://"):
        return [_push(call, "skopeo", (pos[2].removeprefix("docker://"),))]
    return []


def _sideload(call: Call) -> list[Event]:
    name = _name(call.words)
    argv = parse_argv(call.args, _LOCAL_CLUSTER_VALUED)
    pos = argv.positionals
    refs: tuple[str, ...] = ()
    if name == "kind" and pos[:2] == ("load", "docker-image"):
        refs, cluster = pos[2:], argv.last("--name")
    elif name == "minikube" and pos[:2] == ("image", "load"):
        refs, cluster = pos[2:], argv.last("-p", "--profile")
    elif name == "k3d" and pos[:1] == ("image",) and pos[1:2] in (("import",), ("load",)):
        refs, cluster = pos[2:], argv.last("-c", "--cluster")
    if not refs:
        return []
    return [SideLoadEvent(origin=call.origin, cwd=call.cwd, tool=name, refs=refs, cluster=cluster)]


_READERS = {
    "gcloud": _gcloud,
    "az": _az,
    "ko": _ko,
    "mvn": _jib,
    "mvnw": _jib,
    "gradle": _jib,
    "gradlew": _jib,
    "pack": _pack,
    "crane": _crane,
    "skopeo": _skopeo,
    "kind": _sideload,
    "minikube": _sideload,
    "k3d": _sideload,
}
