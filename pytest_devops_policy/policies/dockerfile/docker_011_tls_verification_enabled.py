"""DOCKER-011: nothing in the build turns TLS certificate verification off."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    Dockerfile,
    Expansion,
    Instruction,
    KeyValue,
    Unresolved,
    why_no_value,
)
from pytest_devops_policy.knowledge.docker.run import findings_message, run_scripts, written_files
from pytest_devops_policy.knowledge.downloads import (
    TLS_BYPASS_VARIABLES,
    assignments,
    tls_bypass,
    tls_bypass_in_config,
    tls_bypass_setting,
)
from pytest_devops_policy.options import DockerOptions


def _relevant(name: str) -> bool:
    # npm and yarn read their variables case-insensitively; the others are exact names
    return name in TLS_BYPASS_VARIABLES or (
        name.upper().startswith(("NPM_CONFIG_", "YARN_")) and name.upper() in TLS_BYPASS_VARIABLES
    )


def _declared_value(
    dockerfile: Dockerfile, ins: Instruction, kv: KeyValue, build_args: Mapping[str, str]
) -> Expansion | None:
    """The value an ARG or ENV pair sets (None: an ARG left unset unless --build-arg)."""
    if ins.keyword == "ARG":
        if kv.name in build_args:
            return Expansion(build_args[kv.name])
        if kv.value is None:
            inherited = dockerfile.global_scope(build_args).args.get(kv.name)
            if inherited is Unresolved.TOO_LARGE:  # it has a value, only too large to read
                name = (kv.name,)
                return Expansion(f"${kv.name}", name, name, too_large=name)
            return Expansion(inherited) if isinstance(inherited, str) else None
    return dockerfile.resolve(kv.value or "", ins, build_args)


@policy(
    id="DOCKER-011",
    name="tls-verification-enabled",
    title="Builds must not turn off TLS certificate verification",
    severity=Severity.HIGH,
    rationale=(
        "TLS only protects a download if the certificate is checked: with curl -k, wget "
        "--no-check-certificate, pip --trusted-host, NODE_TLS_REJECT_UNAUTHORIZED=0, "
        "GIT_SSL_NO_VERIFY or sslverify=0 anyone on the network path (a proxy, a hostile "
        "Wi-Fi, a compromised CI runner network) can serve their own packages, scripts and "
        "binaries into the image. Set through ENV the bypass also ships with the image and "
        "weakens every connection the application makes at run time."
    ),
    remediation=(
        "Fix the trust problem instead of switching the check off: install the "
        "organisation's CA into the image (COPY corp-ca.crt /usr/local/share/ca-certificates/ "
        "&& update-ca-certificates), or point the tool at it (curl --cacert, "
        "PIP_CERT / REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, git http.sslCAInfo, "
        "npm cafile). Use an HTTPS mirror with a valid certificate for internal package "
        "repositories."
    ),
    controls=("NIST-800-53-SC-8", "NIST-800-53-SI-7"),
    references=(
        "checkov:CKV2_DOCKER_2",
        "checkov:CKV2_DOCKER_3",
        "checkov:CKV2_DOCKER_4",
        "checkov:CKV2_DOCKER_5",
        "checkov:CKV2_DOCKER_6",
        "checkov:CKV2_DOCKER_12",
        "checkov:CKV2_DOCKER_13",
        "checkov:CKV2_DOCKER_14",
        "checkov:CKV2_DOCKER_15",
        "checkov:CKV2_DOCKER_16",
    ),
    example="""\
FROM node:20.11-bookworm-slim
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
RUN curl -fsSLk https://artifacts.internal.example/tools.tgz -o /tmp/tools.tgz \\
 && npm config set strict-ssl false \\
 && pip install --trusted-host pypi.internal.example -r requirements.txt
""",
    use_instead="""\
FROM node:20.11-bookworm-slim
COPY certs/internal-ca.crt /usr/local/share/ca-certificates/internal-ca.crt
RUN update-ca-certificates
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/internal-ca.crt \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
RUN curl -fsSL https://artifacts.internal.example/tools.tgz -o /tmp/tools.tgz \\
 && pip install --index-url https://pypi.internal.example/simple -r requirements.txt
""",
)
def tls_verification_enabled(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    build_args = context.options(DockerOptions).build_args
    found: dict[Instruction, list[tuple[int, str]]] = {}
    unknown: list[str] = []

    # ENV and ARG in every stage. Global ARGs (before the first FROM) reach RUN steps only
    # when a stage re-declares them, which the stage's own ARG covers.
    for stage in dockerfile.stages:
        for ins in stage.find("ENV", "ARG"):
            for kv in ins.pairs:
                if not _relevant(kv.name):
                    continue
                shown = kv.name if kv.value is None else f"{kv.name}={kv.value}"
                value = _declared_value(dockerfile, ins, kv, build_args)
                # GIT_SSL_NO_VERIFY disables verification with any value, known or not.
                if value is None or (not value.resolved and kv.name != "GIT_SSL_NO_VERIFY"):
                    names = why_no_value([kv.name]) if value is None else value.why()
                    unknown.append(
                        f"{ins.keyword} {shown} (line {ins.line}) depends on {names} "
                        "(docker.build_args can supply one)"
                    )
                    continue
                why = tls_bypass_setting(kv.name, value.text)
                if why is not None:
                    found.setdefault(ins, []).append((ins.line, f"{shown} (line {ins.line}) {why}"))

    for rs in run_scripts(dockerfile, build_args):
        for raw, line in rs.commands:
            c = rs.resolve_command(raw)
            pieces = found.setdefault(rs.instruction, [])
            why = tls_bypass(c)
            if why is not None:
                pieces.append((line, f"{rs.shown(c, line)} (line {line}) {why}"))
            for name, text in assignments(raw):
                if not _relevant(name):
                    continue
                resolved = rs.resolve(text)
                if resolved.build_time and name != "GIT_SSL_NO_VERIFY":
                    unknown.append(
                        rs.instruction.mark(
                            f"RUN {name}={text} (line {line}) depends on {resolved.why()}"
                        )
                    )
                    continue
                why = tls_bypass_setting(name, resolved.text)
                if why is not None:
                    pieces.append((line, f"{rs.shown(raw, line)} (line {line}) {why}"))

    for w in written_files(dockerfile, None, build_args):
        why = tls_bypass_in_config(w.path, w.text)
        if why is not None:
            found.setdefault(w.instruction, []).append(
                (w.line, f"{w.shown} (line {w.line}) writes {w.path}, which {why}")
            )

    for ins, pieces in sorted(found.items(), key=lambda item: item[0].line):
        if pieces:
            yield Violation(findings_message(ins, pieces), line=pieces[0][0])
    for reason in unknown:
        yield Unknown(reason)
