"""DOCKER-007: no secret-bearing files copied into the shipped image."""

from __future__ import annotations

import dataclasses
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Instruction,
    Stage,
    is_absolute_path,
)
from pytest_devops_policy.indexes.docker_context import (
    ContextFile,
    ContextSource,
    go_clean,
    has_wildcards,
    match_segment,
    scan,
    workdir,
)
from pytest_devops_policy.knowledge.secrets.files import SECRET_FILE_ENVS
from pytest_devops_policy.options import DockerOptions

_SHOWN_MAX = 5
_COMMAND_SPLIT = re.compile(r"&&|\|\||[;|\n]")


@dataclass(frozen=True)
class _Held:
    """A secret file (or an unknown source) held in a stage's filesystem."""

    origin: Instruction  # the COPY/ADD that took it from the context
    what: str  # for messages
    landing: str | None  # absolute path in the stage; None: not known statically
    unknown: str | None = None  # not a known secret: a source we could not resolve
    removed: bool = False  # a later RUN deletes it (the layer still has it)


def _shown(ins: Instruction) -> str:
    args = ins.args if len(ins.args) <= 60 else ins.args[:57] + "..."
    flag = ins.flag("from")
    return f"{ins.keyword} --from={flag} {args}" if flag is not None else f"{ins.keyword} {args}"


def _describe(src: ContextSource, f: ContextFile) -> str:
    if src.kind == "remote":
        return f"{f.path} ({f.secret}, downloaded)"
    if src.kind == "unresolved":
        return f"{src.word} ({f.secret}, by its name)"
    if f.present:
        return f"{f.path} ({f.secret})"
    if src.glob:
        return f"{f.path} ({f.secret} pattern; nothing in the build context matches it now)"
    return f"{f.path} ({f.secret}; named, though not in the build context now)"


def _listing(items: Sequence[str]) -> str:
    shown = list(dict.fromkeys(items))
    extra = len(shown) - _SHOWN_MAX
    text = ", ".join(shown[:_SHOWN_MAX])
    return f"{text} and {extra} more" if extra > 0 else text


def _join(base: str, *parts: str) -> str:
    return go_clean(posixpath.join(base, *parts))


def _destination(
    dockerfile: Dockerfile, ins: Instruction, word: str, build_args: Mapping[str, str]
) -> str | None:
    """The absolute destination of a COPY/ADD, or None when it is not known statically."""
    exp = dockerfile.resolve(word, ins, build_args)
    if not exp.resolved:
        return None
    if exp.text.startswith("/"):
        return go_clean(exp.text)
    if is_absolute_path(exp.text):
        return None  # a Windows path: not tracked
    cwd = workdir(dockerfile, ins, build_args)
    return _join(cwd, exp.text) if cwd is not None else None


def _covers(pattern: str, path: str) -> int | None:
    """How many leading segments of absolute ``path`` the absolute source ``pattern`` of a
    ``COPY --from`` (or an ``rm`` argument) matches; None when it does not cover ``path``."""
    psegs = [s for s in pattern.split("/") if s]
    lsegs = [s for s in path.split("/") if s]
    if len(psegs) > len(lsegs):
        return None
    if all(match_segment(p, s) for p, s in zip(psegs, lsegs, strict=False)):
        return len(psegs)
    return None


def _pointed(
    dockerfile: Dockerfile, chain: Sequence[Stage], build_args: Mapping[str, str]
) -> dict[str, str]:
    """Absolute paths the image's ENV makes a credential-file variable point at (Trivy DS031:
    ``ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json``): {path: variable}."""
    out: dict[str, str] = {}
    for st in chain:
        for ins in st.find("ENV"):
            for kv in ins.pairs:
                if kv.name not in SECRET_FILE_ENVS or not kv.value:
                    continue
                exp = dockerfile.resolve(kv.value, ins, build_args)
                text = exp.text.strip()
                if not exp.resolved or not text or is_absolute_path(text) != text.startswith("/"):
                    continue
                if not text.startswith("/"):
                    cwd = workdir(dockerfile, ins, build_args)
                    if cwd is None:
                        continue
                    text = posixpath.join(cwd, text)
                out[go_clean(text)] = kv.name
    return out


def _points_at(pointed: Mapping[str, str], landing: str | None) -> str | None:
    """The variable pointing at ``landing`` (or at a directory holding it: DOCKER_CONFIG)."""
    if landing is None:
        return None
    for path, name in pointed.items():
        if landing == path or landing.startswith(path.rstrip("/") + "/"):
            return name
    return None


def _direct(
    dockerfile: Dockerfile,
    ins: Instruction,
    sources: Sequence[ContextSource],
    build_args: Mapping[str, str],
    pointed: Mapping[str, str],
) -> tuple[list[str], list[str], list[_Held]]:
    """(secret descriptions, unknown reasons, what the stage now holds) for a context COPY."""
    paths = dockerfile.copy_paths(ins)
    dest_word = paths.dest
    dest = _destination(dockerfile, ins, dest_word, build_args)
    into_dir = dest_word.endswith("/") or len(paths.sources) > 1
    # `COPY sa.json $GOOGLE_APPLICATION_CREDENTIALS`: whatever the file's name, it becomes
    # the credential file.
    dest_refs = dockerfile.resolve(dest_word, ins, build_args).references
    dest_env = next((n for n in dest_refs if n in SECRET_FILE_ENVS), None)
    hits: list[str] = []
    unknowns: list[str] = []
    held: list[_Held] = []
    for src in sources:
        if src.kind == "heredoc":
            continue  # the body is file content: the SECRET-* policies scan it
        if src.secret_env is not None:
            what = f"${src.secret_env} (the credential file {src.secret_env} points at)"
            hits.append(what)
            held.append(_Held(ins, what, None if into_dir or src.glob else dest))
            continue
        if src.kind == "unresolved" and not any(f.secret for f in src.files):
            assert src.expansion is not None
            why = (
                f"{_shown(ins)} (line {ins.line}) copies {src.word}, which depends on "
                f"{src.expansion.why()} (docker.build_args can supply one)"
            )
            unknowns.append(why)
            held.append(_Held(ins, src.word, dest, unknown=why))
            continue
        if src.incomplete is not None:
            why = (
                f"{_shown(ins)} (line {ins.line}): {src.incomplete}, so not every copied file "
                "was checked"
            )
            unknowns.append(why)
            held.append(_Held(ins, src.word, dest, unknown=why))
        for f in src.files:
            landing: str | None = None
            if dest is not None:
                if ins.has_flag("parents"):
                    landing = _join(dest, f.path)
                elif f.root != f.path:  # a directory's content goes into the destination
                    landing = _join(dest, posixpath.relpath(f.path, f.root))
                elif into_dir or src.glob or src.kind == "remote":
                    landing = _join(dest, posixpath.basename(f.path))
                else:
                    landing = dest
            if f.secret is not None:
                what = _describe(src, f)
            elif dest_env is not None:
                what = f"{f.path} (copied to ${dest_env}, the credential file it names)"
            elif (var := _points_at(pointed, landing)) is not None:
                what = f"{f.path} (to {landing}, the credential file ENV {var} names)"
            else:
                continue
            hits.append(what)
            held.append(_Held(ins, what, landing))
    return hits, unknowns, held


def _from_stage(
    dockerfile: Dockerfile, ins: Instruction, stage: Stage, build_args: Mapping[str, str]
) -> Stage | None:
    value = ins.flag("from")
    if value is None:
        return None
    exp = dockerfile.resolve(value, ins, build_args)
    if not exp.resolved:
        return None
    found = dockerfile.stage(exp.text.strip())
    # Only an earlier stage is a stage; anything else is an image (DOCKER-003/020).
    return found if found is not None and found.index < stage.index else None


def _through(
    dockerfile: Dockerfile,
    ins: Instruction,
    held: Sequence[_Held],
    build_args: Mapping[str, str],
) -> tuple[list[_Held], bool, list[str]]:
    """What a ``COPY --from=<stage>`` brings over: (items, whole filesystem?, unknowns)."""
    live = [h for h in held if not h.removed]
    if not live:
        return [], False, []
    paths = dockerfile.copy_paths(ins)
    words = [src.raw for src in paths.sources]
    dest_word = paths.dest
    dest = _destination(dockerfile, ins, dest_word, build_args)
    out: list[_Held] = []
    unknowns: list[str] = []
    wholesale = False
    for word in words:
        exp = dockerfile.resolve(word, ins, build_args)
        if not exp.resolved:
            if any(h.unknown is None for h in live):
                unknowns.append(
                    f"{_shown(ins)} (line {ins.line}) copies {word} from a stage holding "
                    f"secret files, and {word} depends on {exp.why()}"
                )
            continue
        src = go_clean("/" + exp.text.strip())
        into_dir = dest_word.endswith("/") or len(words) > 1 or has_wildcards(src)
        if src == "/":
            # The whole filesystem (DL3067): everything comes along, known location or not.
            wholesale = True
            for h in live:
                lsegs = [s for s in (h.landing or "").split("/") if s]
                landing = _join(dest, *lsegs) if dest is not None and h.landing else None
                out.append(dataclasses.replace(h, landing=landing))
            continue
        for h in live:
            if h.landing is None:
                continue  # cannot tell where it is: only a whole-filesystem copy takes it
            k = _covers(src, h.landing)
            if k is None:
                # An unresolved source landed in a directory this copy takes part of.
                if h.unknown is not None and _covers(h.landing, src) is not None:
                    out.append(dataclasses.replace(h, landing=dest))
                continue
            lsegs = [s for s in h.landing.split("/") if s]
            landing = None
            if dest is not None:
                if k < len(lsegs):
                    landing = _join(dest, *lsegs[k:])
                elif into_dir:
                    landing = _join(dest, lsegs[-1])
                else:
                    landing = dest
            out.append(dataclasses.replace(h, landing=landing))
    return out, wholesale, unknowns


def _removes(
    dockerfile: Dockerfile, ins: Instruction, path: str, build_args: Mapping[str, str]
) -> bool:
    """Does this RUN delete ``path``? Only plain ``rm`` commands with literal arguments count:
    it matters only for what a later ``COPY --from`` takes out of the stage."""
    text = " ".join(ins.exec_form) if ins.exec_form is not None else ins.script
    cwd: str | None = None
    for segment in _COMMAND_SPLIT.split(text):
        try:
            words = shlex.split(segment)
        except ValueError:
            continue
        while words and (words[0] == "sudo" or re.match(r"^[A-Za-z_]\w*=", words[0])):
            words.pop(0)
        if not words or posixpath.basename(words[0]) != "rm":
            continue
        for arg in words[1:]:
            if arg.startswith("-") or "$" in arg:
                continue
            if not arg.startswith("/"):
                if cwd is None:
                    cwd = workdir(dockerfile, ins, build_args) or ""
                if not cwd:
                    continue
                arg = posixpath.join(cwd, arg)
            if _covers(go_clean(arg), path) is not None:
                return True
    return False


@policy(
    id="DOCKER-007",
    name="no-secret-files-in-image",
    title="No secret-bearing files may be copied into the image",
    severity=Severity.HIGH,
    rationale=(
        "A file COPY'd or ADD'ed into an image is stored in a layer: anyone who can pull the "
        "image can extract it, and a later RUN rm only hides it in a newer layer. .env files, "
        "private keys, keystores, registry and cloud credentials, kubeconfigs and Terraform "
        "state do not belong there. Sources are expanded against the build context (globs, "
        "directories) with .dockerignore applied, as BuildKit does; a named file that is not "
        "in the context yet still counts, since the build may generate it. A builder stage "
        "may hold such a file as long as the shipped image never takes it: a COPY --from of "
        "the builder's whole filesystem, or of the directory the file landed in, does."
    ),
    remediation=(
        "Keep credentials out of the image: use a BuildKit secret mount for build-time "
        "access (RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci), mount runtime "
        "credentials when the container starts (orchestrator secrets, a secrets manager), "
        "exclude the files in .dockerignore ('**/.env*', '**/*.pem', '**/*.key'), and copy "
        "only the build outputs out of builder stages instead of their whole filesystem."
    ),
    controls=("CIS-Docker-4.10", "NIST-800-53-IA-5"),
    references=("trivy:AVD-DS-0031", "hadolint:DL3067"),
    example="""\
FROM node:20.11-alpine AS build
WORKDIR /src
COPY .npmrc package.json package-lock.json ./
RUN npm ci && npm run build

FROM node:20.11-alpine
COPY --from=build / /
COPY .env /app/.env
CMD ["node", "/src/dist/server.js"]
""",
    use_instead="""\
# syntax=docker/dockerfile:1
FROM node:20.11-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci && npm run build

FROM node:20.11-alpine
COPY --from=build /src/dist /app/dist
CMD ["node", "/app/dist/server.js"]
""",
)
def no_secret_files_in_image(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    settings = context.options(DockerOptions)
    build_args = settings.build_args
    result = scan(dockerfile, context)
    if result.error is not None:
        yield Unknown(f"{result.error}, so the files COPY and ADD take from it are unknown")
        return
    if result.ignore_error is not None:
        yield Unknown(f"the .dockerignore cannot be used: {result.ignore_error}")
        return
    target = dockerfile.target_stage(settings.target)
    chain = dockerfile.chain(target, build_args)
    shipped = {st.index for st in chain}
    pointed = _pointed(dockerfile, chain, build_args)
    holds: dict[int, list[_Held]] = {}
    for st in dockerfile.stages:
        parent = dockerfile.parent(st, build_args)
        held = list(holds.get(parent.index, ())) if parent is not None else []
        for ins in st.instructions:
            if ins.keyword in ("COPY", "ADD") and not ins.has_flag("from"):
                hits, unknowns, taken = _direct(
                    dockerfile,
                    ins,
                    result.of(ins),
                    build_args,
                    pointed if st.index in shipped else {},
                )
                held.extend(taken)
                if st.index not in shipped:
                    continue
                if hits:
                    yield Violation(
                        f"{_shown(ins)} (line {ins.line}) copies secret-bearing files into "
                        f"the image: {_listing(hits)}",
                        line=ins.line,
                    )
                for why in unknowns:
                    yield Unknown(why)
            elif ins.keyword == "COPY":
                source = _from_stage(dockerfile, ins, st, build_args)
                if source is None:
                    continue
                taken, wholesale, unknowns = _through(
                    dockerfile, ins, holds.get(source.index, ()), build_args
                )
                held.extend(taken)
                if st.index not in shipped:
                    continue
                secrets = [h for h in taken if h.unknown is None]
                if secrets:
                    what = "the whole filesystem of" if wholesale else "files of"
                    by_origin: dict[Instruction, list[str]] = {}
                    for h in secrets:
                        by_origin.setdefault(h.origin, []).append(h.what)
                    items = "; ".join(
                        f"{_listing(whats)} from {_shown(origin)} (line {origin.line})"
                        for origin, whats in by_origin.items()
                    )
                    yield Violation(
                        f"{_shown(ins)} (line {ins.line}) copies {what} stage "
                        f"{source.display}, which holds secret-bearing files: {items}",
                        line=ins.line,
                    )
                    continue
                for why in unknowns:
                    yield Unknown(why)
                what = "the whole filesystem of" if wholesale else "files of"
                for h in taken:
                    if h.unknown is not None:
                        yield Unknown(
                            f"{_shown(ins)} (line {ins.line}) copies {what} stage "
                            f"{source.display}, where {h.unknown}"
                        )
            elif ins.keyword == "RUN" and held:
                held = [
                    dataclasses.replace(h, removed=True)
                    if h.landing is not None
                    and not h.removed
                    and _removes(dockerfile, ins, h.landing, build_args)
                    else h
                    for h in held
                ]
        holds[st.index] = held
