"""Per-file facts of the cross-artifact index (catalog §9.2-1): what one Kubernetes manifest
or one Dockerfile contributes, as plain JSON (lists, dicts, strings, numbers, booleans,
None), so the fact store caches them by file content and a warm run builds the index
without parsing.

* ``k8s_facts``: workloads (the kinds of ``WORKLOAD_KINDS``) with their containers and
  initContainers (name, image, line, effective ``runAsNonRoot``/``runAsUser`` from
  ``K8sObject.containers``, ports, probes, the env literals of ``ENV_NAMES``, whether
  ``envFrom`` is set, command/args, ``resources.limits.memory``), the pod's own
  securityContext and OS, and the ``devops-policy.io/dockerfile.<container>`` link
  annotations; Services (selector, ports).
* ``dockerfile_facts``: every stage (a build's ``--target`` picks the shipped one), each
  with the DOCKER-001/025 effective USER, EXPOSE ports, the last HEALTHCHECK with its local
  targets (``knowledge.xref.healthcheck``: curl/wget URL, ``nc -z``, ``grpc_health_probe``),
  the ENV values of ``ENV_NAMES`` and the CMD/ENTRYPOINT in effect; the
  ``# devops-policy: image=`` declarations.

Values are as written, resolved with the Dockerfile's own ARG defaults only: a value that
needs a build arg is recorded unresolved (``resolved: false`` and the names), and a
consumer with the linking build's ``--build-arg`` re-parses the file. Env values and
command lines go to disk: recognised credentials are masked, as in the Kubernetes index.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pytest_devops_policy.formats.kubernetes.objects import K8sObject, as_mapping
from pytest_devops_policy.knowledge.secrets.scan import text_secrets
from pytest_devops_policy.masking import redact
from pytest_devops_policy.model import ParsedFile, ParseError

if TYPE_CHECKING:
    from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Instruction, Stage

__all__ = [
    "ENV_NAMES",
    "FACTS_VERSION",
    "WORKLOAD_KINDS",
    "dockerfile_facts",
    "k8s_facts",
]

FACTS_VERSION = 2
WORKLOAD_KINDS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "Pod",
        "Rollout",
    }
)
# Port variables (XREF-009, xref.port_env_names defaults) and heap settings (XREF-008).
ENV_NAMES = (
    "PORT",
    "HTTP_PORT",
    "SERVER_PORT",
    "APP_PORT",
    "JAVA_TOOL_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "NODE_OPTIONS",
    "JAVA_OPTS",
    "_JAVA_OPTIONS",
)
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_DOCKERFILE_ANNOTATION = "devops-policy.io/dockerfile."
# ``# devops-policy: image=ghcr.io/acme/web`` (text after the repository is a remark).
_DECLARED_IMAGE = re.compile(r"^#\s*devops-policy:\s*image\s*=\s*(\S+)(?:\s.*)?$", re.I)


def _masked(text: str) -> str:
    spans = text_secrets(text) if len(text) >= 8 else []
    return redact(text, [text[at : at + n] for at, n in spans]) if spans else text


def _scalar(value: object) -> str | int | float | bool | None:
    """A JSON scalar as written (YAML may give dates or other objects: kept as text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _items(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _words(value: object) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [_masked(str(w)) for w in value]


# -- Kubernetes -------------------------------------------------------------------


def _line(obj: K8sObject, path: Sequence[str | int]) -> int:
    found = obj.locate(path)
    return found[0] if found else obj.line


def _probe(obj: K8sObject, at: Sequence[str | int], probe: Mapping[str, Any]) -> dict[str, Any]:
    line = _line(obj, at)
    for handler in ("httpGet", "tcpSocket", "grpc"):
        spec = as_mapping(probe.get(handler))
        if handler in probe:
            return {
                "type": handler,
                "port": _scalar(spec.get("port")),
                "path": _scalar(spec.get("path")) if handler == "httpGet" else None,
                "line": line,
            }
    exec_ = as_mapping(probe.get("exec"))
    return {
        "type": "exec" if exec_ else "other",
        "command": _words(exec_.get("command")),
        "line": line,
    }


def _env(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The literal values of ``ENV_NAMES`` (a ``valueFrom`` is recorded as None)."""
    out: dict[str, Any] = {}
    env = raw.get("env")
    for item in env if isinstance(env, list) else ():
        item = as_mapping(item)
        name = item.get("name")
        if name not in ENV_NAMES:
            continue
        value = item.get("value")
        out[str(name)] = (
            _masked(str(value)) if value is not None and "valueFrom" not in item else None
        )
    return out


def _container(obj: K8sObject, c: Any) -> dict[str, Any]:
    raw: Mapping[str, Any] = c.raw
    sc = c.security_context
    ports = []
    for i, p in enumerate(_items(raw.get("ports"))):
        p = as_mapping(p)
        ports.append(
            {
                "name": _scalar(p.get("name")),
                "containerPort": _scalar(p.get("containerPort")),
                "protocol": _scalar(p.get("protocol")) or "TCP",
                "line": _line(obj, c.at("ports", i)),
            }
        )
    probes = {
        name: _probe(obj, c.at(name), as_mapping(raw[name]))
        for name in _PROBES
        if isinstance(raw.get(name), Mapping)
    }
    limits = as_mapping(as_mapping(raw.get("resources")).get("limits"))
    return {
        "name": c.name,
        "list": c.list_name,
        "index": c.index,
        "kind": c.kind,
        "image": c.image,
        "line": _line(obj, c.path),
        "image_line": _line(obj, c.at("image")),
        "runAsNonRoot": _scalar(sc.get("runAsNonRoot")),
        "runAsUser": _scalar(sc.get("runAsUser")),
        "ports": ports,
        "probes": probes,
        "env": _env(raw),
        "command": _words(raw.get("command")),
        "args": _words(raw.get("args")),
        "memory_limit": _scalar(limits.get("memory")),
        "env_from": bool(_items(raw.get("envFrom"))),
    }


def _labels(value: object) -> dict[str, Any]:
    return {str(k): _scalar(v) for k, v in as_mapping(value).items()}


def _workload(obj: K8sObject) -> dict[str, Any]:
    spec = as_mapping(obj.pod_spec)
    pod_sc = as_mapping(spec.get("securityContext"))
    pod_meta = obj.pod_template_metadata
    # The link annotation may sit on the object or on its pod template (the pod's wins).
    links: dict[str, str] = {}
    for notes in (obj.annotations, as_mapping(pod_meta.get("annotations"))):
        for k, v in notes.items():
            if str(k).startswith(_DOCKERFILE_ANNOTATION) and isinstance(v, str):
                links[str(k)[len(_DOCKERFILE_ANNOTATION) :]] = v
    return {
        "pod_labels": _labels(pod_meta.get("labels")),
        "pod": {
            "runAsNonRoot": _scalar(pod_sc.get("runAsNonRoot")),
            "runAsUser": _scalar(pod_sc.get("runAsUser")),
            "os": _scalar(as_mapping(spec.get("os")).get("name")),
            "windows": obj.is_windows,
        },
        "pod_spec_problem": obj.pod_spec_problem,
        "containers": [_container(obj, c) for c in obj.containers()],
        "dockerfile_links": links,
    }


def _service(obj: K8sObject) -> dict[str, Any]:
    spec = as_mapping(obj.value.get("spec"))
    selector = spec.get("selector")
    ports = []
    for i, p in enumerate(_items(spec.get("ports"))):
        p = as_mapping(p)
        ports.append(
            {
                "name": _scalar(p.get("name")),
                "port": _scalar(p.get("port")),
                # An unset targetPort is the port (the API server defaults it so).
                "targetPort": _scalar(p.get("targetPort", p.get("port"))),
                "protocol": _scalar(p.get("protocol")) or "TCP",
                "line": _line(obj, ("spec", "ports", i)),
            }
        )
    return {
        "selector": {str(k): _scalar(v) for k, v in selector.items()}
        if isinstance(selector, Mapping)
        else None,
        "ports": ports,
    }


def k8s_facts(parsed: ParsedFile | ParseError) -> list[dict[str, Any]]:
    """What one manifest contributes: one dict per workload or Service (plain JSON). A file
    that does not parse contributes nothing (its own items report the parse error)."""
    if isinstance(parsed, ParseError):
        return []
    out: list[dict[str, Any]] = []
    for subject in parsed.subjects:
        if isinstance(subject, K8sObject):
            fact = object_facts(subject)
            if fact is not None:
                out.append(fact)
    return out


def object_facts(subject: K8sObject) -> dict[str, Any] | None:
    """The facts of one workload or core Service (None: another kind of object)."""
    kind = subject.kind_name
    is_workload = kind in WORKLOAD_KINDS and subject.is_workload
    if not is_workload and not (kind == "Service" and subject.group == ""):
        return None
    fact: dict[str, Any] = {
        "kind": kind,
        "apiVersion": subject.api_version,
        "name": subject.name,
        "namespace": subject.namespace,
        "labels": _labels(subject.labels),
        "line": subject.line,
    }
    fact.update(_workload(subject) if is_workload else _service(subject))
    return fact


# -- Dockerfiles ------------------------------------------------------------------


def _argv(ins: Instruction | None, text: str | None = None) -> dict[str, Any] | None:
    """An exec-form or shell-form command line: ``argv`` (shell words split as POSIX
    ``sh`` would, without expansion; None when they cannot be split) and ``shell``."""
    if ins is None:
        return None
    if ins.exec_form is not None and text is None:
        return {"argv": [_masked(w) for w in ins.exec_form], "shell": False, "line": ins.line}
    command = ins.command if text is None else text
    try:
        words: list[str] | None = [_masked(w) for w in shlex.split(command, posix=True)]
    except ValueError:
        words = None
    return {"argv": words, "shell": True, "text": _masked(command), "line": ins.line}


def _expansion(exp: Any) -> dict[str, Any]:
    return {"text": exp.text, "resolved": exp.resolved, "unresolved": list(exp.unresolved)}


def _user(df: Dockerfile, stage: Stage) -> dict[str, Any] | None:
    from pytest_devops_policy.formats.dockerfile.parser import is_root_user

    user = df.effective_user(stage)
    if user is None:
        return None
    name = user.name
    numeric = name.isascii() and name.isdigit()
    return {
        "raw": user.instruction.args,
        **_expansion(user.expansion),
        "user": name,
        "group": user.group,
        "numeric": numeric,
        "uid": int(name) if numeric else None,
        "root": is_root_user(name) if user.expansion.resolved else None,
        "line": user.instruction.line,
        "stage": user.stage.index,
    }


def _expose(df: Dockerfile, chain: Sequence[Stage]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for st in chain:
        for ins in st.find("EXPOSE"):
            for word in ins.args.split():
                exp = df.resolve(word, ins)
                if not exp.resolved:
                    out.append({"raw": word, "port": None, "resolved": False, "line": ins.line})
                    continue
                for spec in exp.text.split():
                    port, _sep, proto = spec.partition("/")
                    low, _dash, high = port.partition("-")
                    ok = low.isascii() and low.isdigit() and (not high or high.isdigit())
                    out.append(
                        {
                            "raw": word,
                            "port": int(low) if ok else None,
                            "port_end": int(high) if ok and high else None,
                            "protocol": (proto or "tcp").lower(),
                            "resolved": ok,
                            "line": ins.line,
                        }
                    )
    return out


def _healthcheck(chain: Sequence[Stage]) -> dict[str, Any] | None:
    last: Instruction | None = None
    for st in chain:
        for ins in st.find("HEALTHCHECK"):
            last = ins
    if last is None:
        return None
    if last.healthcheck_none:
        return {"none": True, "line": last.line}
    from pytest_devops_policy.knowledge.xref.healthcheck import healthcheck_targets

    found = _argv(last)
    assert found is not None
    targets = healthcheck_targets(last.exec_form, last.command)
    return {"none": False, **found, "targets": [t.as_json() for t in targets]}


def _env_values(df: Dockerfile, stage: Stage, chain: Sequence[Stage]) -> dict[str, Any]:
    from pytest_devops_policy.formats.dockerfile.parser import Unresolved

    scope = df.scope(stage)
    lines: dict[str, int] = {}
    for st in chain:
        for ins in st.find("ENV"):
            for kv in ins.pairs:
                if kv.name in ENV_NAMES:
                    lines[kv.name] = ins.line
    out: dict[str, Any] = {}
    for name in ENV_NAMES:
        if name not in scope.env:
            continue
        value = scope.env[name]
        out[name] = {
            "value": None if isinstance(value, Unresolved) else _masked(value),
            "resolved": not isinstance(value, Unresolved),
            "line": lines.get(name),
        }
    return out


def _stage(df: Dockerfile, stage: Stage) -> dict[str, Any]:
    chain = df.chain(stage)
    root, image = df.root_image(stage)
    command = df.container_command(stage)
    return {
        "index": stage.index,
        "name": stage.name,
        "line": stage.from_line,
        "base": stage.base,
        "parent": stage.parent,
        "root_image": _expansion(image),
        "root_line": root.from_line,
        "user": _user(df, stage),
        "expose": _expose(df, chain),
        "healthcheck": _healthcheck(chain),
        "env": _env_values(df, stage, chain),
        "entrypoint": _argv(command.entrypoint),
        "cmd": _argv(command.cmd),
        "windows": df.is_windows(stage),
    }


def dockerfile_facts(parsed: ParsedFile | ParseError) -> dict[str, Any] | None:
    """What one Dockerfile contributes (plain JSON); None when it does not parse."""
    from pytest_devops_policy.formats.dockerfile.parser import Dockerfile

    if isinstance(parsed, ParseError):
        return None
    df = next((s for s in parsed.subjects if isinstance(s, Dockerfile)), None)
    if df is None or not df.stages:
        return None
    declared = []
    for line, text in df.comments:
        m = _DECLARED_IMAGE.match(text.strip())
        if m:
            declared.append({"image": m.group(1), "line": line})
    return {
        "stages": [_stage(df, st) for st in df.stages],
        "final": df.final_stage.index,
        "pragma_target": df.pragma_target.index if df.pragma_target is not None else None,
        "declared_images": declared,
    }
