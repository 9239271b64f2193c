"""DOCKER-019: at most one CMD, ENTRYPOINT and HEALTHCHECK per stage."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile

_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


@policy(
    id="DOCKER-019",
    name="single-cmd-entrypoint-healthcheck",
    title="At most one CMD, ENTRYPOINT and HEALTHCHECK per stage",
    severity=Severity.LOW,
    rationale=(
        "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect; the earlier "
        "ones are silently discarded. A second one is usually a merge or copy-paste mistake, "
        "and whoever reads the first one is misled about what the container runs or how its "
        "health is checked. Overriding the value of a parent stage in a child stage is "
        "normal and not flagged; ONBUILD triggers are not counted."
    ),
    remediation=(
        "Keep one CMD, one ENTRYPOINT and one HEALTHCHECK per stage and delete the "
        "overridden ones. To run several commands, use one exec-form entrypoint script."
    ),
    references=(
        "hadolint:DL4003",
        "hadolint:DL4004",
        "hadolint:DL3012",
        "trivy:AVD-DS-0016",
        "trivy:AVD-DS-0007",
        "trivy:AVD-DS-0023",
        "https://docs.docker.com/go/dockerfile/rule/multiple-instructions-disallowed/",
    ),
    example="""\
FROM python:3.12-slim
COPY app /app
HEALTHCHECK CMD python -m app.health
CMD ["python", "-m", "app.worker"]
HEALTHCHECK --interval=30s CMD python -m app.health --deep
CMD ["python", "-m", "app"]
""",
    use_instead="""\
FROM python:3.12-slim
COPY app /app
HEALTHCHECK --interval=30s CMD python -m app.health --deep
CMD ["python", "-m", "app"]
""",
)
def single_cmd_entrypoint_healthcheck(dockerfile: Dockerfile) -> Iterator[Violation]:
    for stage in dockerfile.stages:
        where = dockerfile.stage_title(stage)
        for keyword in _ONCE:
            found = stage.find(keyword)  # ONBUILD wrappers have their own keyword
            for ins in found[:-1]:
                yield Violation(
                    f"{keyword} {ins.args} (line {ins.line}) in {where} is overridden by the "
                    f"{keyword} on line {found[-1].line}; only the last one takes effect",
                    line=ins.line,
                )
