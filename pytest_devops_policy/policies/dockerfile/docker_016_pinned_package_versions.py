"""DOCKER-016: packages are installed at pinned versions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Unresolved
from pytest_devops_policy.knowledge.docker.build import (
    PackageOp,
    env_value,
    package_ops,
    unresolved_why,
)
from pytest_devops_policy.knowledge.docker.run import run_scripts
from pytest_devops_policy.knowledge.packages import NPM_CI_ACTIONS
from pytest_devops_policy.options import DockerOptions

_HOW = {
    "apt": "name=<version>",
    "apk": "name=<version>",
    "rpm": "name-<version>",
    "zypper": "name=<version>",
    "pip": "name==<version>",
    "npm": "name@<version>",
    "yarn": "name@<version>",
    "pnpm": "name@<version>",
    "gem": "name:<version> or -v <version>",
    "go": "module@vX.Y.Z",
}
_TRUE = frozenset({"1", "true", "yes", "on"})


def _frozen_by_env(
    dockerfile: Dockerfile, op: PackageOp, name: str, build_args: Mapping[str, str]
) -> bool | str:
    """True/False, or the variable name when its value is not known statically."""
    value = env_value(dockerfile, op.run, op.index, name, build_args)
    if isinstance(value, Unresolved):
        return name
    return value is not None and value.strip().lower() in _TRUE


def _lockfile_install(
    dockerfile: Dockerfile, op: PackageOp, where: str, build_args: Mapping[str, str]
) -> Violation | Unknown | None:
    """``npm install`` / ``yarn install`` / ``pnpm install`` without package names: the
    versions come from the lockfile only if the install is told not to update it."""
    inst = op.install
    if inst.family == "npm":
        if inst.action in NPM_CI_ACTIONS:
            return None
        if inst.global_install:  # npm install -g (no names) installs the local directory
            return None
        # npm install may resolve package.json ranges anew and rewrite package-lock.json.
        return Violation(
            f"{where} installs from package.json ranges and may update package-lock.json; "
            "use npm ci, which installs exactly the lockfile",
            line=op.line,
        )
    if inst.family == "yarn":
        if inst.has_option("--frozen-lockfile", "--immutable"):
            return None
        frozen = _frozen_by_env(dockerfile, op, "YARN_ENABLE_IMMUTABLE_INSTALLS", build_args)
    else:  # pnpm: --frozen-lockfile is the default when CI is set
        if inst.has_option("--frozen-lockfile"):
            return None
        frozen = _frozen_by_env(dockerfile, op, "CI", build_args)
    if frozen is True:
        return None
    if isinstance(frozen, str):
        return Unknown(
            f"{where} is lockfile-frozen only if {frozen} is true, and {frozen} has no "
            f"default ({op.instruction.value_hint})"
        )
    flag = "--frozen-lockfile (yarn 1) or --immutable (yarn 2+)"
    if inst.family == "pnpm":
        flag = "--frozen-lockfile"
    return Violation(
        f"{where} may resolve new versions and rewrite the lockfile; add {flag}",
        line=op.line,
    )


def _check(
    dockerfile: Dockerfile, op: PackageOp, where: str, build_args: Mapping[str, str]
) -> Iterator[Violation | Unknown]:
    inst = op.install
    if inst.family in ("npm", "yarn", "pnpm") and not inst.packages and not op.unresolved:
        found = _lockfile_install(dockerfile, op, where, build_args)
        if found is not None:
            yield found
        return
    if inst.family == "pip" and inst.has_option("--require-hashes", "--no-index"):
        # Hash-checking mode only accepts exact, hashed pins; --no-index installs only the
        # local wheels given with --find-links, so nothing floats.
        return
    packages = list(inst.packages)
    if inst.family == "pip" and inst.has_option("-c", "--constraint"):
        packages = []  # a constraints file pins what the command line names
    if inst.action == "groupinstall" or inst.option_values("-t", "--type") not in ([], ["package"]):
        packages = []  # package groups and zypper patterns have no version to pin
    unpinned = [p.raw for p in packages if not p.pinned and not p.dynamic and p.raw[:1] != "@"]
    if unpinned:
        noun = "package" if len(unpinned) == 1 else "packages"
        yield Violation(
            f"{where} installs {len(unpinned)} unpinned {noun}: {', '.join(unpinned)} "
            f"(pin as {_HOW.get(inst.family, 'name=<version>')})",
            line=op.line,
        )
    if op.from_stdin:
        yield Unknown(f"{where} reads its package list from xargs input, not from the Dockerfile")
    elif op.unresolved:
        yield Unknown(
            f"{where} installs packages that depend on {unresolved_why(op)} "
            f"({op.instruction.value_hint})"
        )


@policy(
    id="DOCKER-016",
    name="pinned-package-versions",
    title="Packages must be installed at pinned versions",
    severity=Severity.LOW,
    rationale=(
        "An unpinned package installs whatever the repository serves on the day of the "
        "build: two builds of the same commit differ, a rebuild for a security fix can pull "
        "in an unrelated major upgrade, and a compromised or yanked release lands without "
        "review. Builder stages count too: what they compile ships through COPY --from. "
        "Lockfile installs (npm ci, yarn --frozen-lockfile/--immutable, pip -r with pinned "
        "files or --require-hashes) are pinned by the lockfile."
    ),
    remediation=(
        "Pin every package: apt-get install curl=7.88.1-10+deb12u5 (or curl=7.88.*), apk add "
        "curl=8.5.0-r0, dnf install curl-7.76.1, pip install flask==3.0.2 (better: -r "
        "requirements.txt with hashes), npm ci instead of npm install, yarn install "
        "--frozen-lockfile, gem install rails:7.1.3, go install example.com/tool@v1.2.3. "
        "Let Dependabot or Renovate raise the pins."
    ),
    controls=("NIST-800-53-CM-2",),
    references=(
        "hadolint:DL3008",
        "hadolint:DL3013",
        "hadolint:DL3016",
        "hadolint:DL3018",
        "hadolint:DL3028",
        "hadolint:DL3033",
        "hadolint:DL3037",
        "hadolint:DL3041",
        "hadolint:DL3062",
    ),
    example="""\
FROM python:3.12-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl \\
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir flask gunicorn
""",
    use_instead="""\
FROM python:3.12-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \\
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
""",
)
def pinned_package_versions(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    # Every stage: reproducible images need reproducible builders (hadolint checks all
    # stages too). A PowerShell or cmd SHELL is not POSIX: those RUNs are not parsed.
    build_args = context.options(DockerOptions).build_args
    runs = [r for r in run_scripts(dockerfile, build_args) if r.posix]
    multi = len(dockerfile.stages) > 1
    for op in package_ops(dockerfile, runs, build_args):
        if not op.install.installs:
            continue
        stage = f", stage {op.run.stage.display}" if multi else ""
        where = op.instruction.mark(f"{op.install.describe()} (line {op.line}{stage})")
        yield from _check(dockerfile, op, where, build_args)
