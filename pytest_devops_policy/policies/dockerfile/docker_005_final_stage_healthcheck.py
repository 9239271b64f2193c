"""DOCKER-005: the shipped image defines a HEALTHCHECK."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, image_matches
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.options import DockerOptions


@policy(
    id="DOCKER-005",
    name="final-stage-healthcheck",
    title="The shipped image must define a HEALTHCHECK",
    severity=Severity.MEDIUM,
    rationale=(
        "Without a health check, Docker, Compose and Swarm only notice a container whose "
        "process exited; a hung or deadlocked service keeps receiving traffic and is never "
        "restarted. Only the shipped stage (with the stages it is built FROM) counts: a "
        "HEALTHCHECK in a builder stage is not in the image, HEALTHCHECK NONE switches the "
        "base image's check off, and a check inherited from the base image cannot be seen "
        "from the Dockerfile."
    ),
    remediation=(
        "Add HEALTHCHECK --interval=30s --timeout=3s CMD <probe> to the final stage, probing "
        "the service itself (an HTTP health endpoint, a TCP connect). Base images known to "
        "define one can be listed in docker.healthcheck_inherited. Repositories that deploy "
        'only to Kubernetes (which ignores HEALTHCHECK) can set docker.healthcheck = "off" '
        "and rely on the readiness and liveness probe policies."
    ),
    controls=("CIS-Docker-4.6",),
    references=("hadolint:DL3057", "checkov:CKV_DOCKER_2", "trivy:AVD-DS-0026"),
    example="""\
FROM python:3.12-slim AS build
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1

FROM python:3.12-slim
COPY --from=build /app /app
CMD ["python", "-m", "app"]
""",
    use_instead="""\
FROM python:3.12-slim AS build
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
COPY --from=build /app /app
HEALTHCHECK --interval=30s --timeout=3s \\
  CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
CMD ["python", "-m", "app"]
""",
)
def final_stage_healthcheck(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    options = context.options(DockerOptions)
    if options.healthcheck == "off":
        return
    settings = context.options(DockerOptions)
    stage = dockerfile.target_stage(settings.target)
    chain = dockerfile.chain(stage, settings.build_args)
    where = dockerfile.shipped_title(stage)

    last = None
    for st in chain:
        for ins in st.find("HEALTHCHECK"):
            last = ins
    if last is not None:
        if last.healthcheck_none:
            yield Violation(
                f"{where} disables the health check: HEALTHCHECK NONE (line {last.line})",
                line=last.line,
            )
        return

    inherited = options.healthcheck_inherited
    if inherited:
        root, image = dockerfile.root_image(stage, settings.build_args)
        if not image.resolved:
            yield Unknown(
                f"{where} has no HEALTHCHECK and its base image FROM {root.base} "
                f"(line {root.from_line}) depends on {image.why(None)}; it may inherit one"
            )
            return
        text = image.text.strip()
        if text.lower() != "scratch" and any(
            image_matches(parse_image(text), str(p)) for p in inherited
        ):
            return

    shipped = {st.index for st in chain}
    elsewhere = [
        (st, ins)
        for st in dockerfile.stages
        if st.index not in shipped
        for ins in st.find("HEALTHCHECK")
    ]
    hint = ""
    if elsewhere:
        st, ins = elsewhere[0]
        hint = (
            f"; the HEALTHCHECK on line {ins.line} is in stage {st.display}, which is not shipped"
        )
    yield Violation(
        f"{where} has no HEALTHCHECK (FROM line {stage.from_line}){hint}", line=stage.from_line
    )
