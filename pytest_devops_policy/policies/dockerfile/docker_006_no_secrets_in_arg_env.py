"""DOCKER-006: no secrets in ARG or ENV."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Instruction, KeyValue
from pytest_devops_policy.knowledge.secrets.names import (
    is_allowed_name,
    is_known_secret_name,
    is_placeholder,
    is_secret_name,
)
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.masking import mask


def _strip_quotes(value: str) -> str:
    """The value as it appears in the file, minus one pair of enclosing quotes (what the
    report's source excerpt must mask)."""
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v


def _first_use(later: Sequence[Instruction], name: str) -> Instruction | None:
    """The first later RUN (or ENV) that reads build arg ``name``.

    A RUN sees every ARG of its stage as an environment variable, and BuildKit records the
    values in the build cache and history. An ENV that copies it bakes it into the image.
    A RUN that mounts a secret into that variable (``--mount=type=secret,env=NAME``) reads
    the secret, not the ARG.
    """
    ref = re.compile(r"\$\{?" + re.escape(name) + r"(?![A-Za-z0-9_])")
    for ins in later:
        if ins.keyword == "RUN":
            if any(m.get("type") == "secret" and m.get("env") == name for m in ins.mounts):
                continue
            if ref.search(ins.script) or ref.search(" ".join(ins.exec_form or ())):
                return ins
        elif ins.keyword == "ENV" and any(ref.search(kv.value or "") for kv in ins.pairs):
            return ins
    return None


def _check(
    dockerfile: Dockerfile, ins: Instruction, kv: KeyValue, later: Sequence[Instruction] | None
) -> Violation | None:
    """``later`` is None for global ARGs (before the first FROM), which no RUN can read."""
    name, keyword = kv.name, ins.keyword
    if not is_secret_name(name):
        return _by_value(ins, kv)
    where = f"{keyword} {name} (line {ins.line})"
    expansion = dockerfile.resolve(kv.value, ins) if kv.value is not None else None

    if expansion is None or (keyword == "ARG" and expansion.references):
        # An ARG without a literal default: its value arrives with --build-arg.
        value = expansion.text if expansion is not None and expansion.resolved else None
        if is_allowed_name(name, value) or later is None:
            return None
        user = _first_use(later, name)
        if user is None:
            return None
        return Violation(
            f"{where} is read by {user.keyword} on line {user.line}: build-arg values are "
            "kept in the build cache and image history",
            line=ins.line,
        )

    if expansion.references:  # ENV NAME=$ARG: the build-time value is baked into the image
        value = expansion.text if expansion.resolved else None
        if is_allowed_name(name, value):
            return None
        secret = value if value and not is_placeholder(value) else None
        return Violation(
            f"{where} is set from {kv.value}: the value is stored in the image config, "
            "readable by anyone who can pull the image",
            line=ins.line,
            secret=secret,
        )

    literal = expansion.text
    if is_allowed_name(name, literal):
        return None
    raw = _strip_quotes(kv.value or "")
    if is_placeholder(literal, name):
        # A placeholder is no leak, but a well-known credential variable declared in the
        # image invites the real value to be passed the same way. (Catalog: placeholders
        # downgrade to medium only for known names; other names with one pass.)
        if not is_known_secret_name(name):
            return None
        what = "an empty value" if not literal.strip() else "a placeholder value"
        return Violation(
            f"{where} declares a well-known credential variable with {what}; the real "
            "value would end up in the same place",
            line=ins.line,
            severity=Severity.MEDIUM,
            secret=raw or None,
        )
    shown = mask(raw)
    persisted = (
        "stored in the image config"
        if keyword == "ENV"
        else "visible in the Dockerfile, build cache and image history"
    )
    return Violation(
        f"{where} has a literal value {shown}, {persisted}",
        line=ins.line,
        secret=raw,
    )


def _by_value(ins: Instruction, kv: KeyValue) -> Violation | None:
    """Any name: a literal value in a well-known credential format (catalog SECRET-001..008)."""
    if kv.value is None:
        return None
    hits = detect_secrets(_strip_quotes(kv.value))
    if not hits:
        return None
    hit = hits[0]
    return Violation(
        f"{ins.keyword} {kv.name} (line {ins.line}) holds a {hit.label} ({hit.detector}): "
        f"{mask(hit.match)}",
        line=ins.line,
        secret=hit.match,
    )


@policy(
    id="DOCKER-006",
    name="no-secrets-in-arg-env",
    title="No secrets in ARG or ENV",
    severity=Severity.CRITICAL,
    rationale=(
        "ENV values are part of the image configuration: anyone who can pull the image reads "
        "them with docker inspect, and every container inherits them. ARG values are not in "
        "the final filesystem, but a default is in the Dockerfile (and so in version "
        "control), and the value a RUN step uses is kept in the build cache and shown by "
        "docker history. Either way the secret outlives the build and cannot be rotated "
        "without rebuilding every image that carries it."
    ),
    remediation=(
        "Pass build-time secrets as BuildKit secret mounts, which never reach a layer: "
        "RUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci (built with "
        "docker build --secret id=npm,src=$HOME/.npmrc). Give runtime secrets to the "
        "container when it starts (orchestrator secrets, a secrets manager), or point at a "
        "file with a *_FILE variable."
    ),
    controls=("CIS-Docker-4.10", "NIST-800-53-IA-5"),
    references=("hadolint:DL3064", "trivy:AVD-DS-0031"),
    example="""\
FROM node:20.11-alpine
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
ENV API_KEY=sk_live_51H8xExampleOnly
""",
    use_instead="""\
# syntax=docker/dockerfile:1
FROM node:20.11-alpine
RUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci
ENV API_KEY_FILE=/run/secrets/api_key
""",
)
def no_secrets_in_arg_env(dockerfile: Dockerfile) -> Iterator[Violation]:
    blocks: list[tuple[Sequence[Instruction], bool]] = [(dockerfile.preamble, False)]
    blocks.extend((st.instructions, True) for st in dockerfile.stages)
    for instructions, in_stage in blocks:
        for pos, ins in enumerate(instructions):
            if ins.keyword not in ("ARG", "ENV"):
                continue
            later = instructions[pos + 1 :] if in_stage else None
            for kv in ins.pairs:
                found = _check(dockerfile, ins, kv, later)
                if found is not None:
                    yield found
