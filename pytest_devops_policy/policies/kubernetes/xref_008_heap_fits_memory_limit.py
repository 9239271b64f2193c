"""XREF-008: a JVM or Node heap maximum fits the container's memory limit.

The heap is not the process: metaspace, thread stacks, the code cache, GC structures and
native buffers come on top. A heap maximum at or above ``limits.memory`` lets the runtime
grow past the cgroup limit, and the kernel kills the container (``OOMKilled``, a restart
loop under load) instead of the runtime reporting ``OutOfMemoryError``.

The heap setting is read by ``knowledge.xref.heap`` from the image (its ``ENV`` and
ENTRYPOINT/CMD, through the Dockerfile the image links to, ``indexes.xref_links``) and the
container (``env``, ``command``/``args``), with the runtimes' precedence. The Dockerfile is
optional: a setting in the pod alone is judged (``JAVA_TOOL_OPTIONS=-Xmx2g`` in ``env``).
A verdict that depends on an image linked below ``xref.min_link_confidence`` is UNKNOWN.

FAIL: heap maximum >= limit (or ``MaxRAMPercentage`` >= 100). Low-severity finding: above
``xref.heap_warn_ratio`` (0.8) of the limit. No item: no memory limit, or no heap setting.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject, as_mapping
from pytest_devops_policy.indexes.xref import StageFacts
from pytest_devops_policy.indexes.xref_links import ImageLink, pick
from pytest_devops_policy.indexes.xref_pods import container_links, link_note, manifest_at
from pytest_devops_policy.knowledge.xref.heap import (
    HEAP_ENV,
    CommandLine,
    ContainerSide,
    EnvEntry,
    Heap,
    ImageSide,
    Origin,
    effective_heaps,
    memory_limit,
)
from pytest_devops_policy.options.xref import XrefOptions

_LIMIT_PATH = ("resources", "limits", "memory")


# -- the two sides ----------------------------------------------------------------------


def _container_side(k8s_object: K8sObject, c: Container, context: Context) -> ContainerSide:
    env: list[tuple[str, EnvEntry]] = []
    items = c.get("env")
    for i, item in enumerate(items if isinstance(items, list) else ()):
        item = as_mapping(item)
        name = item.get("name")
        if not isinstance(name, str):
            continue
        value = item.get("value")
        known = "valueFrom" not in item
        text = None if not known else "" if value is None else str(value)
        where = manifest_at(k8s_object, context, c.at("env", i))
        env.append((name, EnvEntry(text, Origin(f"env {name}", where, False))))

    def line(key: str) -> CommandLine | None:
        words = c.get(key)
        if not isinstance(words, list):
            return None
        where = manifest_at(k8s_object, context, c.at(key))
        return CommandLine(tuple(str(w) for w in words), None, Origin(key, where, False))

    env_from = c.get("envFrom")
    return ContainerSide(tuple(env), bool(env_from), line("command"), line("args"))


def _image_side(link: ImageLink) -> ImageSide:
    stage = link.stage
    df = link.dockerfile.relpath
    env: dict[str, EnvEntry] = {}
    for name in HEAP_ENV:
        fact = stage.env.get(name)
        if not isinstance(fact, Mapping):
            continue
        value = fact.get("value") if fact.get("resolved") else None
        where = f"{df}:{fact.get('line') or stage.line}"
        env[name] = EnvEntry(
            None if value is None else str(value), Origin(f"ENV {name}", where, True)
        )
    return ImageSide(env, _command(stage, "entrypoint", df), _command(stage, "cmd", df))


def _command(stage: StageFacts, key: str, df: str) -> CommandLine | None:
    fact = stage.entrypoint if key == "entrypoint" else stage.cmd
    if not isinstance(fact, Mapping):
        return None
    origin = Origin(key.upper(), f"{df}:{fact.get('line') or stage.line}", True)
    if fact.get("shell"):
        return CommandLine(None, str(fact.get("text") or ""), origin)
    argv = fact.get("argv")
    return CommandLine(tuple(str(w) for w in argv) if isinstance(argv, list) else (), None, origin)


def _image_facts(link: ImageLink) -> object:
    """What of a stage the heap depends on (links that agree on it are one)."""
    stage = link.stage
    env = {n: dict(v) for n, v in stage.env.items() if n in HEAP_ENV and isinstance(v, Mapping)}
    return (env, stage.entrypoint, stage.cmd)


# -- verdicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Verdict:
    kind: str  # fail | warn | pass | unknown
    heap: Heap
    detail: str = ""


def _size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << (shift - 4 if shift > 10 else 0)) == 0:
            value = Decimal(n) / (1 << shift)
            return f"{value.normalize():f} {unit}"
    return f"{n} bytes"


def _verdict(heap: Heap, limit: int, ratio: float) -> _Verdict:
    if heap.doubt is not None:
        return _Verdict("unknown", heap, heap.doubt.shown)
    setting = heap.setting
    assert setting is not None
    if setting.percent is not None:
        share = setting.percent / 100
    else:
        assert setting.max_bytes is not None
        share = Decimal(setting.max_bytes) / limit
    kind = "fail" if share >= 1 else "warn" if share > Decimal(str(ratio)) else "pass"
    if heap.condition is not None and kind != "pass":
        return _Verdict("unknown", heap, f"{setting.shown}: {heap.condition}")
    return _Verdict(kind, heap)


def _verdicts(heaps: list[Heap], limit: int, ratio: float) -> list[_Verdict]:
    return [_verdict(h, limit, ratio) for h in heaps]


def _bad(verdicts: list[_Verdict]) -> bool:
    return any(v.kind != "pass" for v in verdicts)


@dataclass(frozen=True)
class _Judgement:
    container: Container
    limit_text: str
    limit_where: str
    limit: int = 0
    verdicts: tuple[_Verdict, ...] = ()
    link: ImageLink | None = None
    unknown: str | None = None  # the whole container is undecidable


def _judge(k8s_object: K8sObject, c: Container, context: Context) -> _Judgement | None:
    limit_raw = as_mapping(as_mapping(c.get("resources")).get("limits")).get("memory")
    if limit_raw is None:
        return None  # no limit: K8S-010 reports it
    side = _container_side(k8s_object, c, context)
    links = container_links(c, k8s_object, context)
    chosen = pick(links, _image_facts, context)
    link = chosen if isinstance(chosen, ImageLink) else None
    heaps = effective_heaps(side, _image_side(link) if link is not None else None)
    # A link below the threshold (or Dockerfiles that disagree): judge what the pod shows,
    # unless the image's facts would change the verdict.
    with_image = (
        effective_heaps(side, _image_side(links[0]))
        if chosen is not None and link is None
        else heaps
    )
    if not heaps and not with_image:
        return None
    where = manifest_at(k8s_object, context, c.at(*_LIMIT_PATH))
    limit = memory_limit(limit_raw)
    if isinstance(limit, str):
        return _Judgement(c, str(limit_raw), where, unknown=limit)
    ratio = context.options(XrefOptions).heap_warn_ratio
    verdicts = _verdicts(heaps, limit, ratio)
    if isinstance(chosen, Unknown):
        alt = _verdicts(with_image, limit, ratio)
        same = [(v.kind, v.heap.setting) for v in verdicts] == [
            (v.kind, v.heap.setting) for v in alt
        ]
        if not same and (_bad(verdicts) or _bad(alt)):
            reason = f"the heap setting depends on the image: {chosen.reason}"
            return _Judgement(c, str(limit_raw), where, unknown=reason)
    return _Judgement(c, str(limit_raw), where, limit, tuple(verdicts), link)


def _judgements(k8s_object: K8sObject, context: Context) -> list[_Judgement]:
    if not k8s_object.is_workload or k8s_object.pod_spec_problem is not None:
        return []
    out = []
    for c in k8s_object.containers():
        found = _judge(k8s_object, c, context)
        if found is not None:
            out.append(found)
    return out


def _applies(k8s_object: K8sObject, context: Context) -> bool:
    if not k8s_object.is_workload or k8s_object.pod_spec_problem is not None:
        return False
    limited = [
        c
        for c in k8s_object.containers()
        if as_mapping(as_mapping(c.get("resources")).get("limits")).get("memory") is not None
    ]
    return bool(limited) and bool(_judgements(k8s_object, context))


# -- messages ---------------------------------------------------------------------------


def _message(j: _Judgement, v: _Verdict, limit: int, ratio: float) -> str:
    setting = v.heap.setting
    assert setting is not None
    c = j.container
    runtime = "JVM heap" if v.heap.runtime == "jvm" else "V8 old-space"
    if setting.percent is not None:
        amount = f"{setting.percent.normalize():f}% of the limit"
    else:
        assert setting.max_bytes is not None
        amount = _size(setting.max_bytes)
    end = f"{j.limit_where} {c.ref} limits.memory {j.limit_text}"
    replaced = (
        f" (it overrides {', '.join(r.shown for r in v.heap.replaced)})" if v.heap.replaced else ""
    )
    via = f"; {link_note(j.link)}" if j.link is not None and setting.origin.image else ""
    room = int(limit * 3 / 4)
    suggestion = (
        f"-Xmx{room >> 20}m or -XX:MaxRAMPercentage=75"
        if v.heap.runtime == "jvm"
        else f"--max-old-space-size={room >> 20}"
    )
    if v.kind == "fail":
        what = (
            f"the {runtime} maximum ({amount}) is not below the container's memory limit: "
            "heap plus metaspace, thread stacks and native memory exceed the cgroup, and the "
            "pod is OOMKilled under load (restart loop)"
        )
    else:
        what = (
            f"the {runtime} maximum ({amount}) is above {ratio:.0%} of the container's "
            "memory limit: little is left for metaspace, thread stacks and native memory, "
            "so the pod risks OOMKilled under load"
        )
    return (
        f"{setting.shown} <-> {end}: {what}{replaced}{via}. Fix: lower the heap to about "
        f"75% of the limit ({suggestion}), or raise limits.memory"
    )


@policy(
    id="XREF-008",
    name="heap-fits-memory-limit",
    title="A JVM or Node heap maximum leaves room below the container's memory limit",
    severity=Severity.MEDIUM,
    rationale=(
        "A heap maximum (-Xmx, -XX:MaxHeapSize, --max-old-space-size) is only part of a "
        "runtime's memory: metaspace, thread stacks, the code cache and native buffers come "
        "on top. When the heap alone may reach the container's limits.memory, the process "
        "outgrows the cgroup under load and the kernel kills it (OOMKilled, restart loop) "
        "instead of the runtime failing cleanly. The heap is often set in the Dockerfile and "
        "the limit in the manifest, so neither file shows the conflict."
    ),
    remediation=(
        "Size the heap relative to the container (-XX:MaxRAMPercentage=75 for the JVM), or "
        "keep a fixed heap at about 75% of limits.memory, or raise the limit. Set it in one "
        "place (the pod's env or args override the image's)."
    ),
    controls=("NIST-800-53-SC-6",),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://docs.oracle.com/en/java/javase/21/docs/specs/man/java.html",
        "https://nodejs.org/api/cli.html#--max-old-space-sizesize-in-mib",
    ),
    applies=_applies,
    example=(
        "# deploy/api.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: api\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: api}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: api}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: api\n"
        "          image: ghcr.io/acme/api:1.4.2\n"
        "          env:\n"
        "            - name: JAVA_TOOL_OPTIONS\n"
        "              value: -Xmx2g\n"
        "          resources:\n"
        "            limits: {memory: 1Gi}\n"
    ),
    use_instead=(
        "# deploy/api.yaml\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: api\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: api}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: api}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: api\n"
        "          image: ghcr.io/acme/api:1.4.2\n"
        "          env:\n"
        "            - name: JAVA_TOOL_OPTIONS\n"
        "              value: -XX:MaxRAMPercentage=75\n"
        "          resources:\n"
        "            limits: {memory: 1Gi}\n"
    ),
)
def heap_fits_memory_limit(
    k8s_object: K8sObject, context: Context
) -> Iterator[Violation | Unknown]:
    ratio = context.options(XrefOptions).heap_warn_ratio
    for j in _judgements(k8s_object, context):
        if j.unknown is not None:
            yield Unknown(f"{j.container.ref}: {j.unknown}")
            continue
        for v in j.verdicts:
            if v.kind == "unknown":
                yield Unknown(f"{j.container.ref}: the heap setting cannot be read: {v.detail}")
            elif v.kind in ("fail", "warn"):
                setting = v.heap.setting
                assert setting is not None
                yield Violation(
                    _message(j, v, j.limit, ratio),
                    path=j.container.at(*_LIMIT_PATH),
                    severity=None if v.kind == "fail" else Severity.LOW,
                    links=(f"{setting.origin.where} -> {j.limit_where}",),
                )
