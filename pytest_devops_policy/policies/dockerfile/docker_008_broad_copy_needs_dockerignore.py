"""DOCKER-008: a whole-context COPY needs a .dockerignore that keeps secrets and .git out."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Instruction
from pytest_devops_policy.indexes.docker_context import (
    ContextSource,
    DockerIgnore,
    display_path,
    scan,
)

# What the ignore file must exclude, probed with Docker's own matching (so `!` re-includes
# count). Only the context root is probed: the catalog accepts `.env*` and `*.pem`, which
# Docker matches at the top level only; files deeper down are DOCKER-007's business.
# `.git` is probed by its content, so `.git/*` and `.git/**` are as good as `.git`.
REQUIRED: tuple[tuple[str, tuple[str, ...]], ...] = (
    (".git", (".git/config", ".git/HEAD", ".git/objects/pack/pack-1.pack")),
    (".env*", (".env", ".env.local", ".env.production")),
    ("*.pem", ("server.pem",)),
    ("*.key", ("server.key",)),
)


def not_excluded(ignore: DockerIgnore | None) -> list[str]:
    """The REQUIRED entries some probe of which would still be sent to the builder."""
    if ignore is None:
        return [name for name, _probes in REQUIRED]
    return [name for name, probes in REQUIRED if any(not ignore.excluded(p) for p in probes)]


def _shown(ins: Instruction) -> str:
    args = ins.args if len(ins.args) <= 60 else ins.args[:57] + "..."
    return f"{ins.keyword} {args}"


@policy(
    id="DOCKER-008",
    name="broad-copy-needs-dockerignore",
    title="Copying the whole build context needs a protective .dockerignore",
    severity=Severity.MEDIUM,
    rationale=(
        "COPY . (or ADD .) copies everything in the build context that .dockerignore does not "
        "exclude: the .git directory with the full history and remote URLs, local .env files, "
        "TLS and SSH keys lying in the working tree. Once in a layer they are readable by "
        "anyone who can pull the image, and a later RUN rm does not remove them from the "
        "layer. A .dockerignore that excludes them is the only guard a whole-context copy has."
    ),
    remediation=(
        "Add a .dockerignore to the build context (or a <Dockerfile-name>.dockerignore next "
        "to the Dockerfile) that excludes at least .git, .env* and *.pem / *.key, for example "
        "'.git', '**/.env*', '**/*.pem', '**/*.key'; re-include template files with "
        "'!.env.example'. Better still, copy only what the build needs (COPY package.json "
        "src/ ./). The context directory defaults to the Dockerfile's directory; set "
        "docker.context or '# devops-policy: context= <dir>' when the build runs elsewhere."
    ),
    controls=("CIS-Docker-4.10", "NIST-800-53-IA-5"),
    # No peer tool checks this (catalog: novel).
    references=("https://docs.docker.com/build/concepts/context/#dockerignore-files",),
    example="""\
FROM node:20.11-alpine
WORKDIR /app
COPY --chown=node:node . .
RUN npm ci --omit=dev
USER node
CMD ["node", "server.js"]
""",
    use_instead="""\
FROM node:20.11-alpine
WORKDIR /app
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev
COPY --chown=node:node src/ ./src/
USER node
CMD ["node", "src/server.js"]
""",
)
def broad_copy_needs_dockerignore(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    result = scan(dockerfile, context)
    broad: list[tuple[Instruction, ContextSource]] = []
    unresolved: list[tuple[Instruction, ContextSource]] = []
    # Every stage counts: a builder stage's COPY . also ends up in the build cache, and the
    # shipped image often copies the builder's directory wholesale.
    for ins, sources in result.sources.items():
        for src in sources:
            if src.whole_context:
                broad.append((ins, src))
                break
        else:
            for src in sources:
                if src.kind == "unresolved" and src.expansion is not None:
                    unresolved.append((ins, src))
                    break
    if not broad and not unresolved:
        return
    if result.error is not None:
        yield Unknown(f"{result.error}, so its .dockerignore cannot be checked")
        return
    if result.ignore_error is not None:
        yield Unknown(f"the .dockerignore cannot be used: {result.ignore_error}")
        return
    missing = not_excluded(result.ignore)
    if not missing:
        return
    if result.ignore is None:
        looked = " or ".join(display_path(p, context) for p in result.location.ignore_candidates)
        problem = f"there is no .dockerignore ({looked}) to keep .git, .env*, *.pem and *.key out"
    else:
        assert result.ignore.path is not None
        shown = display_path(result.ignore.path, context)
        problem = f"{shown} does not exclude {', '.join(missing)}"
    for ins, src in broad:
        via = f"{src.shown}, " if src.shown != src.word else ""
        what = "every top-level entry of the" if src.path == "*" else "the whole"
        yield Violation(
            f"{_shown(ins)} (line {ins.line}) copies {via}{what} build context "
            f"({display_path(result.location.root, context, directory=True)}), but {problem}",
            line=ins.line,
        )
    for ins, src in unresolved:
        assert src.expansion is not None
        yield Unknown(
            f"{_shown(ins)} (line {ins.line}) copies {src.word}, which depends on "
            f"{src.expansion.why()}: if it is '.', the whole context is copied and {problem}"
        )
