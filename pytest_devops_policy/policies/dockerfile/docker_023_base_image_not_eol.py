"""DOCKER-023: the shipped image is not built on an end-of-life release."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.knowledge.eol import as_of_date, is_eol, load_table, lookup_all
from pytest_devops_policy.options import DockerOptions


@policy(
    id="DOCKER-023",
    name="base-image-not-eol",
    title="The shipped image must not be built on an end-of-life release",
    severity=Severity.MEDIUM,
    rationale=(
        "A runtime or distribution past its end of life gets no more security fixes: every "
        "rebuild ships the same known vulnerabilities, however often the image is rebuilt. "
        "The root image of the shipped stage's chain is looked up in a bundled EOL table; "
        "both the image's own release (node:18 -> Node.js 18) and a distribution named in "
        "its tag (python:3.12-slim-buster -> Debian 10) count, because either being end of "
        "life stops the fixes. The table is judged at its own 'valid as of' date, not "
        "today's, so the same commit gives the same result tomorrow; builder stages do not "
        "ship and are not checked."
    ),
    remediation=(
        "Move the final stage to a supported release (node:22, python:3.12-slim-bookworm, "
        "debian:12-slim, ubuntu:24.04, alpine:3.22) and pin it. A distribution named in the "
        "tag must be supported too. To see what goes end of life next, set "
        'docker.eol_table_date to a later date (or "today"); refreshing the bundled table '
        "is part of each release of this plugin."
    ),
    controls=("CIS-Docker-4.4", "NIST-800-53-SA-22", "NIST-800-53-SI-2"),
    references=("https://endoflife.date/",),
    example="""\
FROM node:18-alpine AS builder
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:18-alpine AS runtime
WORKDIR /app
COPY --from=builder /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
""",
    use_instead="""\
FROM node:22.11-alpine3.22 AS builder
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:22.11-alpine3.22 AS runtime
WORKDIR /app
COPY --from=builder /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
""",
)
def base_image_not_eol(dockerfile: Dockerfile, context: Context) -> Iterator[Violation | Unknown]:
    table = load_table()
    valid = table.valid_as_of
    as_of = as_of_date(context.options(DockerOptions).eol_table_date, table)
    settings = context.options(DockerOptions)
    stage = dockerfile.target_stage(settings.target)
    root, image = dockerfile.root_image(stage, settings.build_args)
    line = root.from_line

    shown = root.base if image.text == root.base else f"{root.base} (= {image.text})"
    where = f"line {line}"
    if root is not stage:
        where += f", stage {root.display}, the base of {dockerfile.shipped_title(stage)}"
    subject = f"FROM {shown} ({where})"
    if not image.resolved:
        yield Unknown(f"{subject} depends on {image.why()} (docker.build_args can supply one)")
        return
    text = image.text.strip()
    if not text:
        yield Unknown(f"{subject} resolves to an empty image name")
        return
    if text.lower() == "scratch":  # nothing in it to go out of support
        return

    found = lookup_all(parse_image(text), table)
    checked = "" if as_of == valid else f"; checked as of {as_of} per docker.eol_table_date"
    ended: list[str] = []
    open_: list[str] = []
    for part in found.parts:
        named = ", the distribution named in the tag," if part.origin == "distro in tag" else ""
        status = is_eol(part.entry, as_of, valid)
        eol = part.entry.eol
        if status:
            if isinstance(eol, bool):
                ended.append(
                    f"{part.label}{named} had reached end of life by {valid} (day not recorded)"
                )
            else:
                ended.append(f"{part.label}{named} reached end of life on {eol}")
        elif status is None:
            # True/False entries are facts about the table's date only.
            if eol:
                open_.append(
                    f"{part.label}{named} had reached end of life by {valid}, but the day is "
                    f"not recorded, so its status on {as_of} is unknown"
                )
            else:
                open_.append(
                    f"{part.label}{named} was still supported on {valid} with no end date "
                    f"recorded, so its status on {as_of} is unknown"
                )
    if ended:
        # One finding for the FROM, naming every end-of-life part; an unknown other part
        # cannot make an end-of-life one acceptable.
        why = "; ".join(ended)
        yield Violation(
            f"{subject} is end of life: {why} (EOL table valid as of {valid}{checked})", line=line
        )
        return
    if found.gaps or open_:
        yield Unknown(
            f"{subject}: {'; '.join([*found.gaps, *open_])} (valid as of {valid}{checked})"
        )
