"""DOCKER-002: builds happen in a builder stage, not in the shipped image."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile
from pytest_devops_policy.knowledge.docker.build import scan_build, unresolved_why
from pytest_devops_policy.knowledge.docker.run import stage_run_scripts
from pytest_devops_policy.options import DockerOptions


@policy(
    id="DOCKER-002",
    name="multi-stage-build",
    title="Build steps must run in a builder stage, not in the shipped image",
    severity=Severity.MEDIUM,
    rationale=(
        "A single-stage Dockerfile that compiles, bundles or installs a toolchain ships "
        "everything the build needed: compilers, SDKs, -dev headers, source code, "
        "devDependencies and intermediate files. The image is several times larger, and "
        "every extra binary is attack surface and CVE noise in scans. A multi-stage build "
        "runs the build in a builder stage and copies only its output into a small runtime "
        "stage. Interpreted apps that only install their runtime dependencies (pip install "
        "-r requirements.txt, npm ci --omit=dev) are not builds; a toolchain removed again in "
        "the same RUN (apk del .build-deps) does not ship."
    ),
    remediation=(
        "Split the Dockerfile: FROM <sdk-image> AS build runs the build, and the final "
        "FROM <runtime-image> stage takes only the output with COPY --from=build (a binary, "
        "dist/, a wheel directory or a publish folder)."
    ),
    controls=("CIS-Docker-4.3", "NIST-800-53-CM-7"),
    references=("https://docs.docker.com/build/building/multi-stage/",),
    example="""\
FROM node:20.11-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
CMD ["node", "dist/server.js"]
""",
    use_instead="""\
FROM node:20.11-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20.11-alpine
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
""",
)
def multi_stage_build(dockerfile: Dockerfile, context: Context) -> Iterator[Violation | Unknown]:
    if len(dockerfile.stages) > 1:
        # With two or more stages, builds (or a build stage inherited) in the shipped stage
        # are DOCKER-024's finding (lean-final-stage).
        return
    build_args = context.options(DockerOptions).build_args
    stage = dockerfile.stages[0]
    where = dockerfile.shipped_title(stage)
    # An ONBUILD trigger builds in the images FROM this one, where the child decides whether
    # that is a builder stage: what ships from this file is its own build.
    runs = stage_run_scripts(dockerfile, stage, build_args, triggers=False)
    scan = scan_build(dockerfile, runs, build_args)
    if scan.steps:
        # "make (line 28)" three times says nothing more than once
        listing = ", ".join(dict.fromkeys(step.describe() for step in scan.steps))
        yield Violation(
            f"{where} builds in its only stage: {listing}; the toolchain and build inputs "
            "ship with it",
            line=scan.steps[0].line,
        )
        return
    for op in scan.unresolved:
        source = "xargs input" if op.from_stdin else unresolved_why(op)
        yield Unknown(
            f"{op.install.describe()} (line {op.line}) installs packages from {source}; "
            "they may be a toolchain"
        )
