"""DOCKER-024: the shipped stage carries no toolchain, build inheritance or devDependencies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Stage,
    Unresolved,
    why_no_value,
)
from pytest_devops_policy.knowledge.docker.build import (
    BuildStep,
    PackageOp,
    env_value,
    package_ops,
    scan_build,
    toolchain_image,
    unresolved_why,
)
from pytest_devops_policy.knowledge.docker.run import RunScript, shown, stage_run_scripts
from pytest_devops_policy.knowledge.packages import NPM_CI_ACTIONS, parse_install
from pytest_devops_policy.options import DockerOptions

_JS_INSTALLS = {
    "npm": NPM_CI_ACTIONS | {"install", "i", "in", "isntall", "add"},
    "yarn": frozenset({"install"}),
    "pnpm": frozenset({"install", "i"}),
}
_VCS = frozenset({"git", "git-core", "git-all"})
# Environment variables that make a project install skip devDependencies, per manager.
_PROD_ENV: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "npm": (
        ("NPM_CONFIG_OMIT", frozenset({"dev"})),
        ("npm_config_omit", frozenset({"dev"})),
        ("NPM_CONFIG_PRODUCTION", frozenset({"true", "1"})),
        ("npm_config_production", frozenset({"true", "1"})),
    ),
    "yarn": (("YARN_PRODUCTION", frozenset({"true", "1"})),),
    "pnpm": (
        ("NPM_CONFIG_PRODUCTION", frozenset({"true", "1"})),
        ("npm_config_production", frozenset({"true", "1"})),
    ),
}


def _pruned_later(op: PackageOp) -> bool:
    """``npm ci && npm run build && npm prune --omit=dev`` in one RUN ships no dev deps."""
    for command, _line in list(op.run.commands)[op.index + 1 :]:
        inst = parse_install(command)
        if (
            inst is not None
            and inst.family == op.install.family
            and inst.action == "prune"
            and inst.dev_dependencies == "omit"
        ):
            return True
    return False


def _dev_install(
    dockerfile: Dockerfile, op: PackageOp, build_args: Mapping[str, str]
) -> bool | str:
    """Whether a project install brings devDependencies (a variable, with why it has no
    value: not known)."""
    inst = op.install
    if inst.action not in _JS_INSTALLS.get(inst.family, frozenset()):
        return False
    # npm install -g tool, or npm install <names>: not the project's dependency tree.
    if inst.global_install or inst.packages or op.unresolved:
        return False
    mode = inst.dev_dependencies
    if mode is not None:
        return mode == "include" and not _pruned_later(op)
    unknown: str | None = None
    for name, values in (("NODE_ENV", frozenset({"production"})), *_PROD_ENV[inst.family]):
        value = env_value(dockerfile, op.run, op.index, name, build_args)
        if isinstance(value, Unresolved):  # the variable, and why it has no value
            big = [name] if value is Unresolved.TOO_LARGE else []
            unknown = unknown or why_no_value([name], big, "which has no default")
        elif value is not None and value.strip().lower() in values:
            return False
    if _pruned_later(op):
        return False
    return unknown if unknown is not None else True


def _dev_dependencies(
    dockerfile: Dockerfile,
    stage: Stage,
    runs: Sequence[RunScript],
    build_args: Mapping[str, str],
) -> Iterator[Violation | Unknown]:
    label = dockerfile.shipped_title(stage)
    for op in package_ops(dockerfile, runs, build_args):
        found = _dev_install(dockerfile, op, build_args)
        if found is False:
            continue
        inherited = "" if op.run.stage is stage else f", stage {op.run.stage.display}"
        where = f"{shown(op.install.command, 60)} (line {op.line}{inherited})"
        if isinstance(found, str):
            yield Unknown(
                f"{where} skips devDependencies only if told to (NODE_ENV=production) by "
                f"{found} (docker.build_args can supply one)"
            )
            continue
        fix = {"npm": "--omit=dev", "yarn": "--production", "pnpm": "--prod"}[op.install.family]
        yield Violation(
            f"{where} installs devDependencies into {label}; add {fix} or set "
            "ENV NODE_ENV=production",
            line=op.line,
        )


def _source(op: PackageOp) -> str:
    return "xargs input" if op.from_stdin else unresolved_why(op)


def _base(
    dockerfile: Dockerfile, stage: Stage, build_args: Mapping[str, str]
) -> tuple[str | None, Unknown | None]:
    """A description of the chain's root image when it is a build image (golang, maven,
    dotnet/sdk, a *-jdk tag). Not in the catalog row, but a final stage FROM a build image
    ships its compiler exactly like one that installs it."""
    root, image = dockerfile.root_image(stage, build_args)
    if not image.resolved:
        return None, Unknown(
            f"{dockerfile.shipped_title(stage)} is built FROM {root.base} "
            f"(line {root.from_line}), which depends on {image.why()}; it may be a build image"
        )
    if toolchain_image(image.text):
        return f"the build image {image.text.strip()} (line {root.from_line})", None
    return None, None


def _inherited(
    dockerfile: Dockerfile,
    stage: Stage,
    parents: Sequence[Stage],
    base: str | None,
    build_args: Mapping[str, str],
) -> Iterator[Violation | Unknown]:
    """One finding at the shipped stage's FROM for everything it inherits from its parents."""
    where = dockerfile.shipped_title(stage)
    if not parents:
        if base is not None:
            yield Violation(
                f"{where} is built FROM {base}, which ships the compiler; use its runtime variant",
                line=stage.from_line,
            )
        return
    steps: list[BuildStep] = []
    for parent in parents:
        runs = stage_run_scripts(dockerfile, parent, build_args, triggers=False)
        scan = scan_build(dockerfile, runs, build_args, vcs=True)
        steps.extend(scan.steps)
        for op in scan.unresolved:
            yield Unknown(
                f"{op.install.describe()} (line {op.line}, stage {parent.display}, inherited by "
                f"{where}) installs packages from {_source(op)}; they may be build tools"
            )
    direct = parents[-1]
    listing = ", ".join(
        f"{s.describe()} in stage {s.run.stage.display}" if s.run.stage is not direct
        else s.describe()
        for s in steps
    )  # fmt: skip
    found = [f"starts from {base}"] if base is not None else []
    if steps:
        found.append(f"ran build steps: {listing}")
    if found:
        yield Violation(
            f"{where} is built FROM stage {direct.display} (line {stage.from_line}), which "
            f"{' and '.join(found)}; the toolchain and build inputs ship with it. Start the "
            "final stage from a runtime image and COPY --from only the output",
            line=stage.from_line,
        )


@policy(
    id="DOCKER-024",
    name="lean-final-stage",
    title="The shipped stage must not carry build tools, build stages or devDependencies",
    severity=Severity.MEDIUM,
    rationale=(
        "Whatever the shipped stage contains is deployed: a compiler, an SDK, -dev headers, "
        "git or a project's devDependencies are attack surface (they let an intruder build "
        "and fetch tools in place), make every image scan noisy and multiply the image size. "
        "A multi-stage build only helps when the final stage starts from a runtime image: "
        "FROM a stage that ran the build inherits everything it installed, and a build run "
        "in the final stage itself ships its inputs. Runtime git is sometimes intended; then "
        "waive the finding with a reason."
    ),
    remediation=(
        "Start the final stage from a runtime (or distroless) image and COPY --from=build "
        "only the artefacts. Install toolchains only in builder stages (or remove them in the "
        "same RUN, as apk add --virtual .build-deps ... && apk del .build-deps does). Install "
        "Node.js dependencies with npm ci --omit=dev (yarn --production, pnpm i --prod) or "
        "ENV NODE_ENV=production. Waive intended runtime git with # devops-policy: "
        'ignore[DOCKER-024] reason="...".'
    ),
    controls=("CIS-Docker-4.3", "NIST-800-53-CM-7"),
    references=("https://docs.docker.com/build/building/best-practices/",),
    example="""\
FROM golang:1.22.2 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

FROM build
RUN apt-get update && apt-get install -y --no-install-recommends git \\
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/out/app"]
""",
    use_instead="""\
FROM golang:1.22.2 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
""",
)
def lean_final_stage(dockerfile: Dockerfile, context: Context) -> Iterator[Violation | Unknown]:
    settings = context.options(DockerOptions)
    build_args = settings.build_args
    stage = dockerfile.target_stage(settings.target)
    chain = dockerfile.chain(stage, build_args)
    where = dockerfile.shipped_title(stage)

    base, unknown = _base(dockerfile, stage, build_args)
    if unknown is not None:
        yield unknown
    yield from _inherited(dockerfile, stage, chain[:-1], base, build_args)

    # What the shipped image holds: ONBUILD triggers build in the images FROM it instead,
    # where the child decides whether that is a builder stage.
    runs = stage_run_scripts(dockerfile, stage, build_args, triggers=False)
    scan = scan_build(dockerfile, runs, build_args, vcs=True)
    for step in scan.steps:
        if not step.toolchain:
            if len(dockerfile.stages) == 1:
                continue  # a build in a single-stage file is DOCKER-002's finding
            yield Violation(
                f"{step.describe()} builds inside {where}; build in an earlier stage and "
                "COPY --from only the output",
                line=step.line,
            )
            continue
        waiver = ""
        if _VCS & {p.lower() for p in step.packages}:
            waiver = (
                "; if git is needed at runtime, waive this with "
                '# devops-policy: ignore[DOCKER-024] reason="..."'
            )
        yield Violation(
            f"{step.describe()} installs build tools into {where}{waiver}", line=step.line
        )
    for op in scan.unresolved:
        yield Unknown(
            f"{op.install.describe()} (line {op.line}) installs packages from {_source(op)}; "
            "they may be build tools"
        )

    chain_runs = [
        r for st in chain for r in stage_run_scripts(dockerfile, st, build_args, triggers=False)
    ]
    yield from _dev_dependencies(dockerfile, stage, chain_runs, build_args)
