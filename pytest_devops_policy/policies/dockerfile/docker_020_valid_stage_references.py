"""DOCKER-020: stage names are valid and unique, and stages only use earlier stages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    RESERVED_STAGE_NAMES,
    Dockerfile,
    ImageReference,
    Instruction,
    Stage,
)
from pytest_devops_policy.formats.numbers import whole_number
from pytest_devops_policy.options import DockerOptions


def _name_problems(dockerfile: Dockerfile, stage: Stage) -> list[str]:
    if stage.name is None:
        return []
    written = stage.from_instruction.args.split()[-1]
    problems: list[str] = []
    if not stage.valid_name:
        problems.append(
            f"'{written}' is not a valid stage name (a letter first, then letters, digits, "
            "'-', '_' or '.'), so the build fails"
        )
    if stage.name in RESERVED_STAGE_NAMES:
        problems.append(f"'{written}' is a reserved name and cannot name a stage")
    first = next(s for s in dockerfile.stages if s.name == stage.name)
    if first is not stage:
        # Names are case-insensitive: "AS Build" and "AS build" collide.
        problems.append(
            f"stage name '{written}' is already used by the stage on line {first.from_line}"
        )
    return problems


def _from_problem(
    dockerfile: Dockerfile, stage: Stage, build_args: Mapping[str, str]
) -> str | Unknown | None:
    base = dockerfile.base_image(stage, build_args)
    if not base.resolved:
        return Unknown(
            f"FROM {stage.base} (line {stage.from_line}) depends on {base.why()}, so it "
            "cannot be told which stage or image it names"
        )
    if dockerfile.parent(stage, build_args) is not None:
        return None  # an earlier stage
    text = base.text.strip()
    named = None if text.isdigit() else dockerfile.stage(text)  # FROM takes no indexes
    if named is None:
        return None
    if named is stage:
        return (
            f"the base '{text}' is this stage's own name, which FROM cannot refer to: Docker "
            f"pulls an image called '{text}' instead"
        )
    return (
        f"the base '{text}' is the name of stage {named.display}, defined later (line "
        f"{named.from_line}): FROM only sees earlier stages, so Docker pulls an image called "
        f"'{text}' instead"
    )


def _reference_problem(
    dockerfile: Dockerfile, stage: Stage, ref: ImageReference
) -> str | Unknown | None:
    line = ref.instruction.line
    if not ref.expansion.resolved:
        return Unknown(
            f"{ref.describe()} (line {line}) depends on {ref.expansion.why()}, so it "
            "cannot be told which stage or image it names"
        )
    text = ref.expansion.text.strip()
    index = whole_number(text) if text.isdigit() else None
    if index is None and text.isascii() and text.isdigit():
        count = len(dockerfile.stages)
        return (
            f"{ref.describe()} (line {line}) refers to stage index {text[:20]}... "
            f"({len(text)} digits), but the Dockerfile has only {count} "
            f"stage{'s' if count > 1 else ''}"
        )
    if index is not None:
        if index < stage.index:
            return None
        what = f"{ref.describe()} (line {line})"
        if index == stage.index:
            return f"{what} refers to its own stage (index {index})"
        count = len(dockerfile.stages)
        if index >= count:
            return (
                f"{what} refers to stage index {index}, but the Dockerfile has only {count} "
                f"stage{'s' if count > 1 else ''} (0-{count - 1})"
            )
        return (
            f"{what} refers to stage index {index}, which comes later (line "
            f"{dockerfile.stages[index].from_line}); only earlier stages can be used"
        )
    target = ref.stage
    if target is None or target.index < stage.index:
        return None  # an external image (DOCKER-003 checks it) or an earlier stage
    what = f"{ref.describe()} (line {line})"
    if target is stage:
        return f"{what} refers to its own stage {stage.display}"
    return (
        f"{what} refers to stage {target.display}, which is defined later (line "
        f"{target.from_line}); only earlier stages can be used"
    )


@policy(
    id="DOCKER-020",
    name="valid-stage-references",
    title="Stage names must be valid and unique, and stages may only use earlier stages",
    severity=Severity.MEDIUM,
    rationale=(
        "Multi-stage builds fail in confusing ways when stage references are wrong. FROM "
        "only sees earlier stages: FROM with the name of a later stage, or of its own stage, "
        "silently pulls an unrelated image of that name from Docker Hub, which is also a "
        "supply-chain risk. COPY --from and RUN --mount from= that point at the current or "
        "a later stage create a cycle or an order that readers do not expect. Duplicate "
        "names (compared case-insensitively) make references ambiguous, 'scratch' and "
        "'context' are reserved, and invalid names or instructions other than ARG before "
        "the first FROM break the build."
    ),
    remediation=(
        "Give every stage a unique lower-case name (FROM golang:1.22 AS build), define a "
        "stage before it is used, and refer to stages by name rather than by index. Move "
        "everything except global ARGs below the first FROM."
    ),
    references=(
        "hadolint:DL3022",
        "hadolint:DL3023",
        "hadolint:DL3024",
        "hadolint:DL3061",
        "hadolint:DL3063",
        "checkov:CKV_DOCKER_11",
        "trivy:AVD-DS-0006",
        "trivy:AVD-DS-0012",
        "https://docs.docker.com/go/dockerfile/rule/duplicate-stage-name/",
        "https://docs.docker.com/go/dockerfile/rule/reserved-stage-name/",
    ),
    example="""\
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM alpine:3.20 AS Build
COPY --from=runtime /etc/passwd /etc/passwd

FROM alpine:3.20 AS runtime
COPY --from=2 /out/app /app
""",
    use_instead="""\
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM alpine:3.20 AS users
RUN adduser -D -u 10001 app

FROM alpine:3.20 AS runtime
COPY --from=users /etc/passwd /etc/passwd
COPY --from=build /out/app /app
""",
)
def valid_stage_references(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    build_args = context.options(DockerOptions).build_args
    for ins in dockerfile.preamble:
        if ins.keyword != "ARG":
            yield Violation(
                f"{ins.keyword} {ins.args} (line {ins.line}) comes before the first FROM, where "
                "only ARG is allowed",
                line=ins.line,
            )

    problems: dict[Instruction, list[str]] = {}
    for stage in dockerfile.stages:
        found = _name_problems(dockerfile, stage)
        base = _from_problem(dockerfile, stage, build_args)
        if isinstance(base, Unknown):
            yield base
        elif base is not None:
            found.append(base)
        if found:
            problems[stage.from_instruction] = found
    for ref in dockerfile.image_references(build_args):  # ONBUILD triggers are not in it
        if ref.source == "FROM":
            continue
        ins = ref.instruction
        if ins.stage is None:  # pragma: no cover - COPY and RUN always belong to a stage
            continue
        problem = _reference_problem(dockerfile, dockerfile.stages[ins.stage], ref)
        if isinstance(problem, Unknown):
            yield problem
        elif problem is not None:
            problems.setdefault(ins, []).append(problem)
    for ins, texts in problems.items():
        message = "; ".join(texts)
        if ins.keyword == "FROM":
            message = f"FROM {ins.args} (line {ins.line}): {message}"
        yield Violation(message, line=ins.line)
