"""Deploy events of Kubernetes command lines: kubectl, kubectl argo rollouts, helm, kustomize.

Read from the words of one command (``argv.Call``), with kubectl's own argument rules:
for ``set image``, ``rollout``, ``scale``, ``patch``, ``wait``, ``delete``... the arguments
holding ``=`` are ``container=image`` pairs, the others name objects either as
``TYPE/NAME`` (each) or as ``TYPE[,TYPE] NAME...``; ``-f``/``-k``/``-l``/``--all``/``-n``
may come anywhere. A ``kubectl apply -f -`` remembers what was piped into it
(``kustomize build DIR |``). Values are kept as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pytest_devops_policy.knowledge.xref.argv import Argv, Call, parse_argv
from pytest_devops_policy.knowledge.xref.events import (
    DeployEvent,
    Event,
    Rewrite,
    Target,
    join_path,
    normalise_kind,
)

__all__ = ["helm_events", "kubectl_events", "kustomize_events", "stdin_kustomize"]

# kubectl options that take a value (global ones and those of the verbs read here); any
# other option is a switch (`--all`, `-R`, `--record`, `--dry-run` without `=`...).
_KUBECTL_VALUED = frozenset(
    {
        "-n", "--namespace", "--context", "--kubeconfig", "-s", "--server", "--cluster",
        "--user", "--token", "--as", "--as-group", "--as-uid", "--request-timeout",
        "--certificate-authority", "--client-key", "--client-certificate",
        "--tls-server-name", "-v", "--v", "--log-file", "--cache-dir", "--password",
        "--username", "--profile", "--profile-output", "-l", "--selector", "-f",
        "--filename", "-k", "--kustomize", "-c", "--container", "-o", "--output",
        "--field-manager", "--timeout", "--for", "--replicas", "-p", "--patch", "--type",
        "--patch-file", "--subresource", "--current-replicas", "--resource-version",
        "--grace-period", "--field-selector", "--template", "--revision", "--to-revision",
        "--sort-by", "--chunk-size", "--prune-allowlist", "--prune-whitelist", "--applyset",
        "-L", "--label-columns", "--image", "--port", "--schedule", "--restart", "--from",
        "--from-literal", "--from-file", "--from-env-file", "--docker-server",
        "--docker-username", "--docker-password", "--docker-email", "--cert", "--key",
        "--serviceaccount", "--clusterrole", "--role", "--group", "--verb", "--resource",
        "--tcp", "--min", "--max", "--cpu-percent", "--name", "--env", "--overrides",
    }
)  # fmt: skip
_HELM_VALUED = frozenset(
    {
        "-f", "--values", "--set", "--set-string", "--set-file", "--set-json",
        "--set-literal", "-n", "--namespace", "--version", "--repo", "--timeout",
        "--kube-context", "--kubeconfig", "--post-renderer", "--post-renderer-args",
        "--description", "--username", "--password", "--ca-file", "--cert-file",
        "--key-file", "--history-max", "-o", "--output", "--registry-config",
        "--repository-cache", "--repository-config", "--burst-limit", "--qps",
        "--kube-apiserver", "--kube-as-user", "--kube-as-group", "--kube-ca-file",
        "--kube-token", "--kube-tls-server-name", "-l", "--labels", "--name-template",
        "--keyring",
    }
)  # fmt: skip
_SET_OPTIONS = ("--set", "--set-string", "--set-file", "--set-json", "--set-literal")
# Verbs whose positional arguments name objects.
_OBJECT_VERBS = frozenset(
    {"scale", "patch", "wait", "delete", "apply", "create", "replace", "diff"}
)
_ROLLOUT_ACTIONS = frozenset({"status", "restart", "undo", "pause", "resume", "history"})
_ARGO_ACTIONS = frozenset(
    {"status", "restart", "undo", "pause", "resume", "promote", "abort", "retry", "history"}
)
# `kubectl create <generator> NAME`; secret and service take a sub-type first.
_CREATE_SUBTYPED = frozenset({"secret", "service", "svc"})
_STREAM_EDITORS = frozenset({"envsubst", "sed", "yq", "awk", "perl"})


def _dry_run(argv: Argv) -> bool:
    value = next((v for n, v in reversed(argv.options) if n == "--dry-run"), "")
    if not argv.given("--dry-run"):
        return False
    return (value or "unchanged").lower() not in ("none", "false")


def targets(args: Sequence[str], argv: Argv) -> tuple[Target, ...]:
    """The objects named by kubectl resource arguments (``=`` pairs already removed)."""
    selector = argv.last("-l", "--selector")
    every = argv.has("--all")
    if not args:
        return ()
    if any("/" in a for a in args):
        out = []
        for a in args:
            type_, _, name = a.partition("/")
            if name:
                out.append(Target(normalise_kind(type_), type_, name))
        return tuple(out)
    types = [t for t in args[0].split(",") if t]
    names = args[1:]
    if not names:
        return tuple(Target(normalise_kind(t), t, None, selector, every) for t in types)
    return tuple(Target(normalise_kind(t), t, n) for t in types for n in names)


def _base(call: Call, argv: Argv, verb: str, **kw: Any) -> DeployEvent:
    files = tuple(f for v in argv.values("-f", "--filename") for f in v.split(",") if f)
    event = DeployEvent(
        origin=call.origin,
        cwd=call.cwd,
        tool="kubectl",
        verb=verb,
        namespace=argv.last("-n", "--namespace"),
        all_namespaces=argv.has("-A", "--all-namespaces"),
        files=files,
        kustomize_dirs=tuple(argv.values("-k", "--kustomize")),
        recursive=argv.has("-R", "--recursive"),
        dry_run=_dry_run(argv),
    )
    return replace(event, **_stdin(call, files), **kw)


def stdin_kustomize(words: Sequence[str]) -> str | None:
    """The directory of ``kustomize build [DIR]`` / ``kubectl kustomize [DIR]``."""
    name = words[0].rsplit("/", 1)[-1] if words else ""
    argv = parse_argv(words[1:], _KUBECTL_VALUED | {"--load-restrictor", "--enable-helm"})
    pos = argv.positionals
    if name == "kustomize" and pos[:1] == ("build",):
        return pos[1] if len(pos) > 1 else "."
    if name == "kubectl" and pos[:1] == ("kustomize",):
        return pos[1] if len(pos) > 1 else "."
    return None


def _stdin(call: Call, files: Sequence[str]) -> dict[str, Any]:
    if "-" not in files or not call.pipe:
        return {}
    first = call.pipe[0]
    between = [w[0].rsplit("/", 1)[-1] for w in call.pipe[1:] if w]
    return {
        "stdin_from": tuple(" ".join(w) for w in call.pipe),
        "stdin_kustomize": stdin_kustomize(first),
        "stdin_rewritten": any(n in _STREAM_EDITORS for n in between),
    }


def kubectl_events(call: Call) -> list[Event]:
    """``kubectl`` (and ``kubectl-argo-rollouts``) commands that deploy or look up objects."""
    program = call.words[0].rsplit("/", 1)[-1]
    argv = parse_argv(call.args, _KUBECTL_VALUED)
    pos = list(argv.positionals)
    if program == "kubectl-argo-rollouts":
        return _argo(call, argv, pos)
    if pos[:2] == ["argo", "rollouts"]:
        return _argo(call, argv, pos[2:])
    if not pos:
        return []
    verb, rest = pos[0], pos[1:]
    if verb == "set" and rest[:1] == ["image"]:
        pairs = tuple(_pair(a) for a in rest[1:] if "=" in a)
        objs = [a for a in rest[1:] if "=" not in a]
        return [_base(call, argv, "set-image", targets=targets(objs, argv), images=pairs)]
    if verb == "rollout" and rest and rest[0] in _ROLLOUT_ACTIONS:
        return [_base(call, argv, "rollout", action=rest[0], targets=targets(rest[1:], argv))]
    if verb == "apply" and rest[:1] and rest[0].endswith("-last-applied"):
        return []  # view/edit/set-last-applied: bookkeeping, not a deploy
    if verb == "create" and rest:
        return [_create(call, argv, rest)]
    if verb in _OBJECT_VERBS:
        return [_base(call, argv, verb, targets=targets(rest, argv))]
    return []


def _pair(arg: str) -> tuple[str, str]:
    name, _, value = arg.partition("=")
    return name, value


def _create(call: Call, argv: Argv, rest: list[str]) -> DeployEvent:
    gen = rest[0]
    names = rest[2:3] if gen in _CREATE_SUBTYPED else rest[1:2]
    objs = [gen, *names] if names else []
    return _base(
        call,
        argv,
        "create",
        action=gen,
        targets=targets(objs, argv) if normalise_kind(gen) else (),
        image=argv.last("--image"),
    )


def _argo(call: Call, argv: Argv, pos: list[str]) -> list[Event]:
    if pos[:2] == ["set", "image"] and len(pos) > 2:
        pairs = tuple(_pair(a) for a in pos[3:] if "=" in a)
        target = Target("Rollout", "rollout", pos[2])
        return [_base(call, argv, "set-image", targets=(target,), images=pairs, tool="argo")]
    if pos and pos[0] in _ARGO_ACTIONS:
        objs = tuple(Target("Rollout", "rollout", n) for n in pos[1:2])
        return [_base(call, argv, "rollout", action=pos[0], targets=objs, tool="argo")]
    return []


# --------------------------------------------------------------------------
# helm


def split_set(value: str) -> list[tuple[str, str]]:
    """``--set a=1,b={x,y},c=p\\,q`` as pairs: commas split, except escaped or in braces."""
    parts: list[str] = []
    buf: list[str] = []
    depth = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            buf.append(value[i : i + 2])
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth <= 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return [_pair(p) for p in parts if p]


def helm_events(call: Call) -> list[Event]:
    """``helm upgrade [--install] REL CHART`` and ``helm install [REL] CHART``."""
    argv = parse_argv(call.args, _HELM_VALUED)
    pos = argv.positionals
    if not pos or pos[0] not in ("upgrade", "install"):
        return []
    action, rest = pos[0], pos[1:]
    if action == "install" and argv.has("-g", "--generate-name"):
        release, chart = None, (rest[0] if rest else None)
    else:
        release = rest[0] if rest else None
        chart = rest[1] if len(rest) > 1 else None
    sets = tuple(p for n, v in argv.options if n in _SET_OPTIONS and v for p in split_set(v))
    values = tuple(f for v in argv.values("-f", "--values") for f in v.split(",") if f)
    return [
        DeployEvent(
            origin=call.origin,
            cwd=call.cwd,
            tool="helm",
            verb="helm",
            action=action,
            namespace=argv.last("-n", "--namespace"),
            release=release,
            chart=chart,
            chart_repo=argv.last("--repo"),
            values_files=values,
            set_values=sets,
            install=action == "install" or argv.has("-i", "--install"),
            dry_run=argv.given("--dry-run") and argv.last("--dry-run") not in ("false", "none"),
        )
    ]


# --------------------------------------------------------------------------
# kustomize edit set image


def kustomize_events(call: Call) -> list[Event]:
    """``kustomize edit set image NAME=REF...`` changes the kustomization in the cwd: a
    deploy event (XREF-001 (4): NAME must be an image of its resources) and a rewrite."""
    argv = parse_argv(call.args, ())
    pos = argv.positionals
    if pos[:3] != ("edit", "set", "image") or len(pos) < 4:
        return []
    images = tuple(_image_arg(a) for a in pos[3:])
    directory = join_path(call.cwd, ".")
    file = "kustomization.yaml"
    return [
        DeployEvent(
            origin=call.origin,
            cwd=call.cwd,
            tool="kustomize",
            verb="kustomize-set-image",
            images=images,
            kustomize_dirs=(directory or ".",) if directory is not None else (),
        ),
        Rewrite(
            origin=call.origin, cwd=call.cwd, tool="kustomize", files=(file,),
            kustomization=directory,
        ),
    ]  # fmt: skip


def _image_arg(arg: str) -> tuple[str, str]:
    """``NAME=NEW[:TAG|@DIGEST]`` or ``NAME[:TAG|@DIGEST]`` (the name sets its own tag)."""
    if "=" in arg:
        return _pair(arg)
    at = arg.find("@")
    head = arg if at < 0 else arg[:at]
    colon = head.rfind(":")
    name = head[:colon] if colon > head.rfind("/") else head
    return name, arg
