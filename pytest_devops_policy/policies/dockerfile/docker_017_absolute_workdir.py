"""DOCKER-017: WORKDIR is absolute, and relative COPY/ADD destinations have a WORKDIR."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    UNRESOLVED_MARK,
    Dockerfile,
    Expansion,
    Stage,
    is_absolute_path,
)
from pytest_devops_policy.options import DockerOptions

_DRIVE_START = re.compile(r"[A-Za-z]:?")


def _absolute(exp: Expansion) -> bool | None:
    """Whether an expanded path is absolute; None when a variable at its very start
    decides (``/srv/$APP`` is absolute whatever APP is, ``$HOME/app`` may not be)."""
    if exp.resolved:
        return is_absolute_path(exp.text)
    prefix = exp.known_prefix.strip()
    if not prefix or _DRIVE_START.fullmatch(prefix):  # "C${SEP}app" could be C:\app
        return None
    return is_absolute_path(prefix + UNRESOLVED_MARK)


def _shown(raw: str, exp: Expansion) -> str:
    return raw if exp.text == raw else f"{raw} (= {exp.text})"


def _check_stage(
    dockerfile: Dockerfile, stage: Stage, build_args: Mapping[str, str]
) -> Iterator[Violation | Unknown]:
    # A WORKDIR in a stage this one is built FROM counts: the setting is inherited.
    has_workdir = any(st.find("WORKDIR") for st in dockerfile.chain(stage, build_args)[:-1])
    # ONBUILD triggers follow the stage's instructions (they run after all of them, in the
    # builds FROM it). A trigger's COPY/ADD is judged like the stage's own; its WORKDIR
    # only counts as one being set (triggers are judged where they wrap RUN, COPY or ADD).
    for ins in stage.steps:
        if ins.keyword == "WORKDIR" and ins.onbuild:
            has_workdir = True
        elif ins.keyword == "WORKDIR":
            exp = dockerfile.resolve(ins.args, ins, build_args)
            absolute = _absolute(exp)
            if absolute is None:
                yield Unknown(
                    f"WORKDIR {ins.args} (line {ins.line}) depends on {exp.why()}, so it "
                    "cannot be told whether the path is absolute"
                )
            elif not absolute:
                yield Violation(
                    f"WORKDIR {_shown(ins.args, exp)} (line {ins.line}) is a relative path: it "
                    "depends on the WORKDIR before it, possibly the base image's",
                    line=ins.line,
                )
            has_workdir = True
        elif ins.keyword in ("COPY", "ADD") and not has_workdir:
            raw = dockerfile.copy_paths(ins).dest
            exp = dockerfile.resolve(raw, ins, build_args)
            absolute = _absolute(exp)
            if absolute is None:
                yield Unknown(
                    ins.mark(
                        f"{ins.keyword} destination {raw} (line {ins.line}) depends on "
                        f"{exp.why()}, and no WORKDIR is set before it"
                    )
                )
            elif not absolute:
                where = dockerfile.stage_title(stage)
                yield Violation(
                    ins.mark(
                        f"{ins.keyword} to relative destination {_shown(raw, exp)} (line "
                        f"{ins.line}) with no WORKDIR set before it in {where}: the files "
                        "land wherever the base image's working directory is"
                    ),
                    line=ins.line,
                )


@policy(
    id="DOCKER-017",
    name="absolute-workdir",
    title="WORKDIR must be absolute, and relative COPY/ADD destinations need a WORKDIR",
    severity=Severity.LOW,
    rationale=(
        "A relative WORKDIR is resolved against the previous working directory, which may "
        "come from the base image and change when the base image changes. The same holds "
        "for a COPY or ADD to a relative destination (COPY app.py . or COPY src/ app/) "
        "before any WORKDIR: the files land in the base image's working directory, often /, "
        "and the CMD that expects them elsewhere breaks on the next base-image update."
    ),
    remediation=(
        "Give WORKDIR an absolute path (WORKDIR /app; on Windows WORKDIR C:\\app) and set it "
        "before the first COPY or ADD with a relative destination, or copy to an absolute "
        "destination (COPY app.py /app/)."
    ),
    references=(
        "hadolint:DL3000",
        "hadolint:DL3045",
        "checkov:CKV_DOCKER_10",
        "trivy:AVD-DS-0009",
        "https://docs.docker.com/go/dockerfile/rule/workdir-relative-path/",
    ),
    example="""\
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
WORKDIR app
COPY . .
""",
    use_instead="""\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
""",
)
def absolute_workdir(dockerfile: Dockerfile, context: Context) -> Iterator[Violation | Unknown]:
    build_args = context.options(DockerOptions).build_args
    for stage in dockerfile.stages:
        yield from _check_stage(dockerfile, stage, build_args)
