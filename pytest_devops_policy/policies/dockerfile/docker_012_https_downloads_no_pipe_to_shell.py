"""DOCKER-012: downloads use HTTPS, and downloaded code is verified before it runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Instruction
from pytest_devops_policy.knowledge.docker.run import (
    RunScript,
    findings_message,
    run_scripts,
    written_files,
)
from pytest_devops_policy.knowledge.downloads import (
    URL_ENV_VARS,
    add_apt_repository_sources,
    apt_sources,
    assignments,
    command_downloads,
    downloaded_then_run,
    embedded_urls,
    is_apt_sources_path,
    parse_url,
    piped_to_interpreter,
    substituted_into_interpreter,
    verification,
)
from pytest_devops_policy.options import DockerOptions

# scheme://host/ with the host complete: enough to judge a URL whose path is unknown
_KNOWN_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*[/?#]")
_Finding = tuple[int, str, bool]  # (line, text, plaintext code execution: raise to high)
_UNVERIFIED = "without a checksum or signature check in this RUN"


def _plaintext(text: str, prefix: str, build_time: tuple[str, ...]) -> str | None:
    """ "plain" for a plaintext URL to a non-loopback host, "unknown" when the scheme or
    host depends on a build arg without value, None otherwise.

    A URL that depends only on shell variables of the script is not judged on its
    scheme (it cannot be known); with a known plaintext scheme its unknown host is not
    assumed to be loopback.
    """
    url = parse_url(text) if not build_time and prefix == text else None
    if url is None and _KNOWN_HOST.match(prefix):
        url = parse_url(prefix)
    if url is not None:
        return "plain" if url.plaintext and not url.loopback else None
    partial = parse_url(prefix) if "://" in prefix else None
    if partial is not None:  # scheme known, host not
        if not partial.plaintext:
            return None
        return "unknown" if build_time else "plain"
    return "unknown" if build_time else None


def _run_findings(
    rs: RunScript, allow_signed_http_apt: bool, unknown: list[str]
) -> Iterator[_Finding]:
    verified = verification(rs.resolve_command(c) for c, _line in rs.commands) is not None
    substituted: set[tuple[int, str]] = set()
    for raw, line in rs.commands:
        c = rs.resolve_command(raw)
        for d in command_downloads(c):
            r = rs.resolve(d.url)
            verdict = _plaintext(r.text, r.known_prefix or "", r.build_time)
            if verdict == "plain":
                scheme = r.text.split("://", 1)[0] if "://" in r.text else "http"
                how = (
                    "downloads"
                    if d.option is None or d.option.startswith("-")
                    else (f"sets {d.option} to")
                )
                text = f"{rs.shown(c, line)} (line {line}) {how} {d.url} over plaintext"
                yield line, f"{text} {scheme}://", False
            elif verdict == "unknown":
                unknown.append(
                    rs.instruction.mark(
                        f"RUN {rs.shown(c, line)} (line {line}): the URL {d.url} depends on "
                        f"{r.why()} ({rs.instruction.value_hint})"
                    )
                )
        for name, value in assignments(c):
            if name.upper() in URL_ENV_VARS:
                for url in embedded_urls(value):
                    if url.plaintext and not url.loopback:
                        tool = URL_ENV_VARS[name.upper()]
                        text = f"{rs.shown(c, line)} (line {line}) points {tool} at plaintext"
                        yield line, f"{text} {url.text}", False
        if not allow_signed_http_apt:
            for src in add_apt_repository_sources(c):
                for uri in src.uris:
                    if _is_plain(uri):
                        text = f"{rs.shown(c, line)} (line {line}) adds the plaintext APT source"
                        yield line, f"{text} {uri}", False
        if verified:
            continue
        for d in substituted_into_interpreter(c):
            if (line, d.url) in substituted:
                continue  # sh -c "$(curl URL)": the sh and the script it runs are one finding
            substituted.add((line, d.url))
            text = f"{rs.shown(c, line)} (line {line}) runs what {d.url} returns as a program"
            yield line, f"{text}, {_UNVERIFIED}", _is_plain(d.url)
    if verified:
        return
    for script, first in rs.parts:
        for d, runner in piped_to_interpreter(script):
            line = first + d.command.line
            text = f"{rs.shown_pipeline(d.command, line)} (line {line}) pipes {d.url} into"
            yield line, f"{text} {runner.name} {_UNVERIFIED}", _is_plain(d.url)
        for d, runner in downloaded_then_run(script.commands):
            line = first + runner.line
            text = f"{rs.shown(runner, line)} (line {line}) runs {d.output}, downloaded from"
            yield line, f"{text} {d.url}, {_UNVERIFIED}", _is_plain(d.url)


def _is_plain(url_text: str) -> bool:
    url = parse_url(url_text)
    return url is not None and url.plaintext and not url.loopback


@policy(
    id="DOCKER-012",
    name="https-downloads-no-pipe-to-shell",
    title="Download over HTTPS, and verify downloaded code before running it",
    severity=Severity.MEDIUM,
    rationale=(
        "Anything fetched over http://, ftp:// or git:// can be read and replaced on the "
        "way by whoever sits on the network path, so the build installs what they choose. "
        "Piping a download straight into sh, bash or python (curl ... | sh, sh -c "
        '"$(curl ...)", bash <(curl ...)) runs whatever the server returns at that moment, '
        "as root, with no record of what ran and no chance to check it: a compromised or "
        "hijacked download site owns every image built afterwards."
    ),
    remediation=(
        "Use https:// URLs (and ADD --checksum=sha256:... for ADD). Download installers to "
        'a file, verify them in the same RUN (echo "<sha256>  install.sh" | sha256sum -c -, '
        "gpg --verify, cosign verify-blob, minisign -V) and only then run them; better, "
        "install a pinned package or COPY --from a pinned image. APT sources over http "
        "are accepted while docker.allow_signed_http_apt is true (APT checks the "
        "repository signatures); set it to false to require https there too."
    ),
    controls=("NIST-800-53-SC-8", "NIST-800-53-SI-7"),
    references=("scorecard:Pinned-Dependencies", "hadolint:DL4001"),
    example="""\
FROM debian:12.5-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSL https://get.example.com/install.sh | sh
ADD http://downloads.example.com/tool-1.4.2.tar.gz /opt/
""",
    use_instead="""\
FROM debian:12.5-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install-2.3.1.sh \\
 && echo "3f5a1e0c2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f  /tmp/install.sh" \\
    | sha256sum -c - \\
 && sh /tmp/install.sh
ADD --checksum=sha256:8d2f6a4b0c9e7d5f3a1b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f \\
    https://downloads.example.com/tool-1.4.2.tar.gz /opt/
""",
)
def https_downloads_no_pipe_to_shell(
    dockerfile: Dockerfile, context: Context
) -> Iterator[Violation | Unknown]:
    build_args = context.options(DockerOptions).build_args
    allow_signed_http_apt = context.options(DockerOptions).allow_signed_http_apt
    found: dict[Instruction, list[_Finding]] = {}
    unknown: list[str] = []

    for stage in dockerfile.stages:
        # A trigger's ADD downloads in every build FROM this stage: judged the same way.
        for ins in stage.find("ADD", triggers=True):
            for src in dockerfile.copy_paths(ins).sources:
                if src.heredoc is not None:
                    continue
                exp = dockerfile.resolve(src.raw, ins, build_args)
                verdict = _plaintext(exp.text, exp.known_prefix, exp.unresolved)
                if verdict == "plain":
                    scheme = exp.known_prefix.split("://", 1)[0]
                    text = f"{src.raw} (line {ins.line}) downloads over plaintext {scheme}://"
                    found.setdefault(ins, []).append((ins.line, text, False))
                elif verdict == "unknown":
                    unknown.append(
                        ins.mark(
                            f"ADD {src.raw} (line {ins.line}) depends on {exp.why()} "
                            f"({ins.value_hint})"
                        )
                    )
        # ENV PIP_INDEX_URL=http://... makes every later install download in plaintext. An
        # index URL without a static value is not judged (like a URL from a shell variable).
        for ins in stage.find("ENV", "ARG"):
            for kv in ins.pairs:
                if kv.name.upper() not in URL_ENV_VARS or kv.value is None:
                    continue
                given = build_args.get(kv.name) if ins.keyword == "ARG" else None
                value = given or dockerfile.resolve(kv.value, ins, build_args).text
                for url in embedded_urls(value):
                    if url.plaintext and not url.loopback:
                        tool = URL_ENV_VARS[kv.name.upper()]
                        text = f"{kv.name}={kv.value} (line {ins.line}) points {tool} at"
                        found.setdefault(ins, []).append(
                            (ins.line, f"{text} plaintext {url.text}", False)
                        )

    for rs in run_scripts(dockerfile, build_args):
        found.setdefault(rs.instruction, []).extend(
            _run_findings(rs, allow_signed_http_apt, unknown)
        )

    if not allow_signed_http_apt:
        for w in written_files(dockerfile, None, build_args):
            if not is_apt_sources_path(w.path):
                continue
            for entry in apt_sources(w.text, edit=w.mode == "edit"):
                for uri in entry.uris:
                    source = parse_url(uri)
                    if source is not None and source.plaintext and not source.loopback:
                        text = f"{w.shown} (line {w.line}) writes the plaintext APT source"
                        found.setdefault(w.instruction, []).append(
                            (w.line, f"{text} {uri} into {w.path}", False)
                        )

    for ins, items in sorted(found.items(), key=lambda item: item[0].line):
        if not items:
            continue
        # Plaintext code that is also executed unverified: anyone on the path runs code.
        severity = Severity.HIGH if any(high for _l, _t, high in items) else None
        pieces = [(line, text) for line, text, _high in items]
        yield Violation(findings_message(ins, pieces), line=pieces[0][0], severity=severity)
    for reason in unknown:
        yield Unknown(reason)
