"""knowledge.xref.heap (XREF-008) and knowledge.xref.healthcheck (XREF-011): pure logic."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from pytest_devops_policy.indexes.xref_facts import dockerfile_facts
from pytest_devops_policy.knowledge.xref.healthcheck import HealthTarget, healthcheck_targets
from pytest_devops_policy.knowledge.xref.heap import (
    CommandLine,
    ContainerSide,
    EnvEntry,
    Heap,
    ImageSide,
    Origin,
    effective_heaps,
    flag_setting,
    java_size,
    memory_limit,
)
from pytest_devops_policy.model import Source

GiB = 1 << 30
MiB = 1 << 20


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("2g", 2 * GiB),
        ("2G", 2 * GiB),
        ("512m", 512 * MiB),
        ("512M", 512 * MiB),
        ("1024k", MiB),
        ("1t", 1 << 40),
        ("1048576", MiB),
        ("", None),
        ("1.5g", None),
        ("2gb", None),
        ("$HEAP", None),
    ],
)
def test_java_size(text: str, size: int | None) -> None:
    assert java_size(text) == size


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1Gi", GiB),
        ("512Mi", 512 * MiB),
        ("1G", 10**9),
        ("500M", 500 * 10**6),
        ("128k", 128_000),
        (1073741824, GiB),
        ("1e9", 10**9),
        ("1.5Gi", 3 * GiB // 2),
    ],
)
def test_memory_limit(value: object, expected: int) -> None:
    assert memory_limit(value) == expected


@pytest.mark.parametrize("value", ["128m", "{{ .Values.mem }}", "0", "1Gb", None])
def test_memory_limit_not_judged(value: object) -> None:
    assert isinstance(memory_limit(value), str)


@pytest.mark.parametrize(
    ("word", "nxt", "expected"),
    [
        ("-Xmx2g", None, ("max", 2 * GiB)),
        ("-XX:MaxHeapSize=512m", None, ("max", 512 * MiB)),
        ("-XX:MaxRAMPercentage=75", None, ("percent", Decimal(75))),
        ("-XX:MaxRAMPercentage=75.0", None, ("percent", Decimal("75.0"))),
        ("-XX:MaxRAMFraction=2", None, ("percent", Decimal(50))),
        ("--max-old-space-size=4096", None, ("node", 4096 * MiB)),
        ("--max_old_space_size=256", None, ("node", 256 * MiB)),
        ("--max-old-space-size", "1024", ("node", 1024 * MiB)),
        ("-Xmx$HEAP", None, ("max", None)),
        ("--max-old-space-size=$(MEM)", None, ("node", None)),
        ("-Xms2g", None, None),
        ("-XX:InitialRAMPercentage=50", None, None),
        ("-jar", None, None),
    ],
)
def test_flag_setting(word: str, nxt: str | None, expected: object) -> None:
    assert flag_setting(word, nxt) == expected


# -- effective_heaps ----------------------------------------------------------------------


def _origin(source: str, image: bool = False) -> Origin:
    return Origin(source, "f:1", image)


def _line(
    words: Sequence[str] | None = None, text: str | None = None, source: str = "CMD"
) -> CommandLine:
    image = source in ("CMD", "ENTRYPOINT")
    return CommandLine(tuple(words) if words is not None else None, text, _origin(source, image))


def _image(
    env: dict[str, str | None] | None = None,
    entrypoint: CommandLine | None = None,
    cmd: CommandLine | None = None,
) -> ImageSide:
    entries = {k: EnvEntry(v, _origin(f"ENV {k}", True)) for k, v in (env or {}).items()}
    return ImageSide(entries, entrypoint, cmd)


def _pod(
    env: Sequence[tuple[str, str | None]] = (),
    env_from: bool = False,
    command: Sequence[str] | None = None,
    args: Sequence[str] | None = None,
) -> ContainerSide:
    return ContainerSide(
        tuple((k, EnvEntry(v, _origin(f"env {k}"))) for k, v in env),
        env_from,
        _line(command, source="command") if command is not None else None,
        _line(args, source="args") if args is not None else None,
    )


def _one(heaps: list[Heap]) -> Heap:
    assert len(heaps) == 1, heaps
    return heaps[0]


def _max(heaps: list[Heap]) -> tuple[int | None, str]:
    heap = _one(heaps)
    assert heap.doubt is None, heap.doubt
    assert heap.setting is not None
    return heap.setting.max_bytes, heap.setting.origin.source


def test_image_env_alone() -> None:
    heaps = effective_heaps(_pod(), _image({"JAVA_TOOL_OPTIONS": "-Xmx2g"}))
    assert _max(heaps) == (2 * GiB, "ENV JAVA_TOOL_OPTIONS")
    assert _one(heaps).from_image


def test_pod_env_overrides_image_env() -> None:
    heaps = effective_heaps(
        _pod([("JAVA_TOOL_OPTIONS", "-Xmx512m")]), _image({"JAVA_TOOL_OPTIONS": "-Xmx2g"})
    )
    assert _max(heaps) == (512 * MiB, "env JAVA_TOOL_OPTIONS")
    assert not _one(heaps).from_image


def test_pod_env_without_image() -> None:
    assert _max(effective_heaps(_pod([("JAVA_TOOL_OPTIONS", "-Xmx2g")]), None)) == (
        2 * GiB,
        "env JAVA_TOOL_OPTIONS",
    )


def test_a_later_duplicate_env_entry_wins() -> None:
    pod = _pod([("JAVA_TOOL_OPTIONS", "-Xmx4g"), ("JAVA_TOOL_OPTIONS", "-Xmx1g")])
    assert _max(effective_heaps(pod, None))[0] == GiB


def test_the_command_line_beats_java_tool_options() -> None:
    image = _image(
        {"JAVA_TOOL_OPTIONS": "-Xmx4g"},
        entrypoint=_line(["java", "-Xmx1g", "-jar", "/app.jar"], source="ENTRYPOINT"),
    )
    heap = _one(effective_heaps(_pod(), image))
    assert heap.setting is not None and heap.setting.max_bytes == GiB
    assert [r.text for r in heap.replaced] == ["-Xmx4g"]


def test_jdk_java_options_beats_java_tool_options_and_underscore_beats_all() -> None:
    env = {"JAVA_TOOL_OPTIONS": "-Xmx1g", "JDK_JAVA_OPTIONS": "-Xmx2g"}
    assert _max(effective_heaps(_pod(), _image(env)))[0] == 2 * GiB
    image = _image({**env, "_JAVA_OPTIONS": "-Xmx3g"}, cmd=_line(["java", "-Xmx256m", "Main"]))
    assert _max(effective_heaps(_pod(), image))[0] == 3 * GiB


def test_the_last_xmx_wins_and_max_heap_size_counts() -> None:
    pod = _pod(command=["java", "-Xmx1g", "-XX:MaxHeapSize=3g", "-Xmx2g", "Main"])
    assert _max(effective_heaps(pod, None))[0] == 2 * GiB
    pod = _pod(command=["java", "-Xmx1g", "-XX:MaxHeapSize=3g", "-jar", "a.jar"])
    assert _max(effective_heaps(pod, None))[0] == 3 * GiB


def test_program_arguments_after_the_main_class_or_jar_are_not_the_jvms() -> None:
    pod = _pod(command=["java", "-Xmx512m", "-jar", "/app.jar", "-Xmx8g"])
    assert _max(effective_heaps(pod, None))[0] == 512 * MiB
    pod = _pod(command=["java", "-cp", "/app/lib/*", "com.acme.Main", "-Xmx8g"])
    assert effective_heaps(pod, None) == []


def test_percentage_only_without_an_explicit_maximum() -> None:
    pod = _pod(command=["java", "-XX:MaxRAMPercentage=75", "-jar", "a.jar"])
    heap = _one(effective_heaps(pod, None))
    assert heap.setting is not None and heap.setting.percent == Decimal(75)
    pod = _pod(command=["java", "-XX:MaxRAMPercentage=75", "-Xmx2g", "-jar", "a.jar"])
    assert _max(effective_heaps(pod, None))[0] == 2 * GiB


def test_k8s_command_replaces_entrypoint_and_cmd() -> None:
    image = _image(entrypoint=_line(["java", "-Xmx4g", "-jar", "/a.jar"], source="ENTRYPOINT"))
    pod = _pod(command=["java", "-Xmx1g", "-jar", "/a.jar"])
    assert _max(effective_heaps(pod, image)) == (GiB, "command")
    # args replace CMD only: ENTRYPOINT + args
    image = _image(
        entrypoint=_line(["java", "-Xmx4g"], source="ENTRYPOINT"), cmd=_line(["-jar", "/a.jar"])
    )
    pod = _pod(args=["-Xmx1g", "-jar", "/a.jar"])
    assert _max(effective_heaps(pod, image)) == (GiB, "args")


def test_a_shell_form_entrypoint_ignores_cmd_and_args() -> None:
    image = _image(entrypoint=_line(text="java -Xmx1g -jar /a.jar", source="ENTRYPOINT"))
    assert _max(effective_heaps(_pod(args=["-Xmx8g"]), image)) == (GiB, "ENTRYPOINT")


def test_java_opts_counts_where_the_command_line_expands_it() -> None:
    image = _image({"JAVA_OPTS": "-Xmx3g"}, cmd=_line(text="java $JAVA_OPTS -jar /app.jar"))
    assert _max(effective_heaps(_pod(), image)) == (3 * GiB, "ENV JAVA_OPTS")
    pod = _pod([("JAVA_OPTS", "-Xmx1g")])
    assert _max(effective_heaps(pod, image)) == (GiB, "env JAVA_OPTS")
    image = _image({"JAVA_OPTS": "-Xmx3g"}, cmd=_line(text='java "${JAVA_OPTS}" -jar /a.jar'))
    assert _max(effective_heaps(_pod(), image))[0] == 3 * GiB


def test_java_opts_is_ignored_when_the_visible_command_does_not_expand_it() -> None:
    image = _image({"JAVA_OPTS": "-Xmx3g"}, entrypoint=_line(["java", "-jar", "/a.jar"]))
    assert effective_heaps(_pod(), image) == []


def test_java_opts_with_an_unseen_command_line_is_conditional() -> None:
    heap = _one(effective_heaps(_pod([("JAVA_OPTS", "-Xmx2g")]), None))
    assert heap.setting is not None and heap.setting.max_bytes == 2 * GiB
    assert heap.condition is not None and "JAVA_OPTS" in heap.condition


def test_sh_c_expands_the_process_env_in_order() -> None:
    pod = _pod(
        [("JAVA_OPTS", "-Xmx4g")],
        command=["sh", "-c", "exec java $JAVA_OPTS -Xmx1g -jar /a.jar"],
    )
    assert _max(effective_heaps(pod, None))[0] == GiB
    pod = _pod(
        [("JAVA_OPTS", "-Xmx4g")],
        command=["/bin/sh", "-c", "exec java -Xmx1g ${JAVA_OPTS} -jar /a.jar"],
    )
    assert _max(effective_heaps(pod, None)) == (4 * GiB, "env JAVA_OPTS")


def test_an_unknown_variable_after_the_setting_is_a_doubt() -> None:
    pod = _pod(command=["sh", "-c", "exec java -Xmx1g $EXTRA_OPTS -jar /a.jar"])
    heap = _one(effective_heaps(pod, None))
    assert heap.doubt is not None and heap.doubt.text == "$EXTRA_OPTS"
    pod = _pod(command=["sh", "-c", "exec java $EXTRA_OPTS -Xmx1g -jar /a.jar"])
    assert _max(effective_heaps(pod, None))[0] == GiB  # overridden by the later -Xmx


def test_value_from_is_a_strong_doubt() -> None:
    heap = _one(effective_heaps(_pod([("JAVA_TOOL_OPTIONS", None)]), None))
    assert heap.setting is None and heap.doubt is not None and heap.doubt.strong


def test_env_from_may_override_an_image_env_setting_but_not_a_command_line() -> None:
    heap = _one(effective_heaps(_pod(env_from=True), _image({"JAVA_TOOL_OPTIONS": "-Xmx2g"})))
    assert heap.doubt is not None and "envFrom" in heap.doubt.reason
    pod = _pod(env_from=True, command=["java", "-Xmx1g", "Main"])
    assert _max(effective_heaps(pod, None))[0] == GiB
    assert effective_heaps(_pod(env_from=True), None) == []  # no setting: nothing to judge
    # An explicit env entry wins over envFrom.
    pod = _pod([("JAVA_TOOL_OPTIONS", "-Xmx1g")], env_from=True)
    assert _max(effective_heaps(pod, None)) == (GiB, "env JAVA_TOOL_OPTIONS")


def test_kubernetes_dependent_variables() -> None:
    pod = _pod([("HEAP", "1g")], args=["-Xmx$(HEAP)", "-jar", "/a.jar"])
    assert _max(effective_heaps(pod, None)) == (GiB, "args")
    heap = _one(effective_heaps(_pod(args=["-Xmx$(HEAP)"]), None))
    assert heap.setting is None and heap.doubt is not None and heap.doubt.strong
    pod = _pod([("HEAP", "2g"), ("JAVA_TOOL_OPTIONS", "-Xmx$(HEAP)")])
    assert _max(effective_heaps(pod, None))[0] == 2 * GiB


def test_unresolved_sizes_are_doubts() -> None:
    heap = _one(effective_heaps(_pod(command=["java", "-Xmx${HEAP}", "Main"]), None))
    assert heap.setting is None and heap.doubt is not None


def test_init_wrappers_and_exec_are_looked_through() -> None:
    pod = _pod(command=["tini", "--", "java", "-Xmx1g", "-Xmx3g", "Main"])
    assert _max(effective_heaps(pod, None))[0] == 3 * GiB
    image = _image(cmd=_line(text="exec java -Xmx2g -jar /a.jar"))
    assert _max(effective_heaps(_pod(), image)) == (2 * GiB, "CMD")


def test_heap_options_for_an_unseen_runtime() -> None:
    # An entrypoint script (or an unlinked image) receiving JVM options.
    pod = _pod(args=["-Xmx2g", "-jar", "/a.jar", "-Xmx9g"])
    assert _max(effective_heaps(pod, None)) == (2 * GiB, "args")
    image = _image(entrypoint=_line(["/docker-entrypoint.sh"], source="ENTRYPOINT"))
    assert _max(effective_heaps(_pod(args=["-Xmx1g"]), image))[0] == GiB


def test_node() -> None:
    pod = _pod(command=["node", "--max-old-space-size=4096", "server.js", "--max-old-space-size=1"])
    heap = _one(effective_heaps(pod, None))
    assert heap.runtime == "node" and heap.setting is not None
    assert heap.setting.max_bytes == 4096 * MiB
    pod = _pod([("NODE_OPTIONS", "--max-old-space-size=900")], command=["npm", "start"])
    assert _max(effective_heaps(pod, None)) == (900 * MiB, "env NODE_OPTIONS")
    image = _image(
        {"NODE_OPTIONS": "--max-old-space-size=4096"},
        cmd=_line(["node", "--max-old-space-size=512", "server.js"]),
    )
    assert _max(effective_heaps(_pod(), image)) == (512 * MiB, "CMD")


def test_no_heap_setting() -> None:
    assert effective_heaps(_pod(), None) == []
    assert effective_heaps(_pod(command=["python", "app.py"]), _image(cmd=_line(["x"]))) == []
    assert effective_heaps(_pod(command=["java", "-Xms1g", "-jar", "a.jar"]), None) == []


# -- HEALTHCHECK targets -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        (None, "curl -f http://localhost:3000/health || exit 1", [("curl", 3000, "/health")]),
        (["curl", "-fsS", "127.0.0.1:8080/healthz"], None, [("curl", 8080, "/healthz")]),
        (None, "wget -qO- http://0.0.0.0:8080 || exit 1", [("wget", 8080, "/")]),
        (None, "wget --spider -q https://localhost:8443/x?y=1", [("wget", 8443, "/x?y=1")]),
        (["sh", "-c", "curl -f http://[::1]:9000/ping"], None, [("curl", 9000, "/ping")]),
        (None, "nc -z -w 2 localhost 5432", [("nc", 5432, None)]),
        (None, "nc -zv 127.0.0.1 6379", [("nc", 6379, None)]),
        (["/bin/grpc_health_probe", "-addr=:50051"], None, [("grpc_health_probe", 50051, None)]),
        (None, "grpc_health_probe -addr localhost:9090", [("grpc_health_probe", 9090, None)]),
        # no literal local port: no target
        (None, "curl -f http://localhost/ || exit 1", []),
        (None, "curl -f http://localhost:$PORT/health", []),
        (None, "curl -f http://api.internal:8080/health", []),
        (None, "nc localhost 5432", []),
        (None, "grpc_health_probe -addr=db:5432", []),
        (None, "/app/healthcheck", []),
        (None, "echo curl http://localhost:80/", []),
        ([], None, []),
    ],
)
def test_healthcheck_targets(
    words: list[str] | None, text: str | None, expected: list[tuple[str, int, str | None]]
) -> None:
    found = healthcheck_targets(words, text)
    assert [(t.tool, t.port, t.path) for t in found] == expected


def test_healthcheck_targets_are_deduplicated_in_order() -> None:
    text = "curl -f localhost:3000/a || curl -f localhost:3000/a || wget -q localhost:4000/"
    found = healthcheck_targets(None, text)
    assert found == [
        HealthTarget("curl", "localhost", 3000, "/a"),
        HealthTarget("wget", "localhost", 4000, "/"),
    ]


def test_dockerfile_facts_carry_the_healthcheck_targets() -> None:
    from pytest_devops_policy.formats.dockerfile.parser import parse

    text = (
        "FROM node:20\nENV _JAVA_OPTIONS=-Xmx1g\n"
        'HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://localhost:3000/health"]\n'
    )
    facts = dockerfile_facts(parse(Source("/x/Dockerfile", "Dockerfile", text)))
    assert facts is not None
    stage = facts["stages"][-1]
    assert stage["healthcheck"]["targets"] == [
        {"tool": "curl", "host": "localhost", "port": 3000, "path": "/health"}
    ]
    assert stage["env"]["_JAVA_OPTIONS"]["value"] == "-Xmx1g"
