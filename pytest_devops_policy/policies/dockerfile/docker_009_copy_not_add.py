"""DOCKER-009: COPY, not ADD, unless ADD's extra behaviour is wanted and made safe."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.dockerfile.parser import (
    UNRESOLVED_MARK,
    CopySource,
    Dockerfile,
    Instruction,
    why_no_value,
)
from pytest_devops_policy.options import DockerOptions

# ADD extracts local tar archives (plain or compressed); these names announce one. Docker
# looks at the content, not the name, so a name is the only static evidence of intent.
_ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
)
# A checksum BuildKit accepts for an HTTP source: an OCI digest.
_DIGEST = re.compile(r"^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$")
# A full commit id (SHA-1, or SHA-256 object format).
_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
# BuildKit's scp-like git remote: user@host:path[?query][#fragment]
_SCP_GIT = re.compile(r"^[A-Za-z0-9_-]+@[A-Za-z0-9.-]+:(?P<path>.*?)(?:\?(?P<query>.*?))?(?:#.*)?$")
_SCHEME = re.compile(r"^([A-Za-z0-9]+)://")


@dataclass(frozen=True)
class _Finding:
    shown: str  # the source as written (and as resolved)
    problem: str
    severity: Severity


def _git_remote(text: str) -> tuple[str, str] | None:
    """(scheme, query) if BuildKit fetches ``text`` with git, else None.

    As in BuildKit: git://, ssh:// and ``user@host:path`` are always git; an http(s) URL
    only when its path ends in ``.git``. (``--keep-git-dir`` does not make a plain URL a
    git source, so it plays no part.)
    """
    scheme_match = _SCHEME.match(text)
    if scheme_match is None:
        scp = _SCP_GIT.match(text)
        return ("ssh", scp.group("query") or "") if scp else None
    scheme = scheme_match.group(1).lower()
    try:
        parts = urlsplit(text)
    except ValueError:  # a malformed URL (http://[]host/...): not a git source we can read
        return None
    if scheme in ("git", "ssh"):
        return scheme, parts.query
    if scheme in ("http", "https") and parts.path.endswith(".git"):
        return scheme, parts.query
    return None


def _git_pin(text: str, query: str, checksum: str | None) -> str | None:
    """The commit a git source is pinned to; UNRESOLVED_MARK when that depends on a
    variable; None when it is not pinned. A ref that is a full commit id pins it, and so
    does a checksum (``--checksum=``, ``?checksum=`` / ``?commit=``), which BuildKit
    verifies against the fetched commit."""
    candidates: list[str] = []
    if checksum:
        candidates.append(checksum)
    fragment = text.partition("#")[2]
    if fragment:
        candidates.append(fragment.partition(":")[0])  # "#ref:subdir"
    values = parse_qs(query, keep_blank_values=True)
    for key in ("checksum", "commit", "ref"):
        candidates.extend(values.get(key, []))
    for value in candidates:
        if _COMMIT.match(value.lower()):
            return value
    if any(UNRESOLVED_MARK in v for v in candidates):
        return UNRESOLVED_MARK
    return None


def _is_archive(marked: str) -> bool | None:
    """Whether a local source names a tar archive; None when a variable decides it
    (``${NAME}.gz`` may be ``x.tar.gz``, ``app-${V}.py`` is never an archive)."""
    low = marked.lower()
    if low.endswith(_ARCHIVE_SUFFIXES):
        return True
    if UNRESOLVED_MARK not in low:
        return False
    tail = low.rsplit(UNRESOLVED_MARK, 1)[1]
    # The unknown value right before `tail` could complete an archive suffix.
    return None if any(s.endswith(tail) for s in _ARCHIVE_SUFFIXES) else False


def _judge(
    dockerfile: Dockerfile, ins: Instruction, source: CopySource, build_args: Mapping[str, str]
) -> _Finding | Unknown | None:
    if source.heredoc is not None:
        return _Finding(
            source.raw, "adds inline content, which COPY does the same way", Severity.MEDIUM
        )
    exp = dockerfile.resolve(source.raw, ins, build_args)
    shown = source.raw if exp.text == source.raw else f"{source.raw} (= {exp.text})"
    marked = exp.marked if exp.marked is not None else exp.text
    why = exp.why()
    if marked.startswith(UNRESOLVED_MARK):
        return Unknown(
            f"ADD {source.raw} (line {ins.line}) depends on {why}, so it "
            "cannot be told whether it is a URL, a git repository or a local file"
        )
    flag = ins.flag("checksum")
    checksum: str | None = None
    if flag is not None:
        cexp = dockerfile.resolve(flag, ins, build_args)
        checksum = cexp.marked if cexp.marked is not None else cexp.text
        why = why_no_value([*exp.unresolved, *cexp.unresolved], [*exp.too_large, *cexp.too_large])

    git = _git_remote(marked)
    if git is not None:
        scheme, query = git
        if scheme in ("http", "git"):
            return _Finding(
                shown, f"fetches a git repository over unencrypted {scheme}://", Severity.HIGH
            )
        pin = _git_pin(marked, query, checksum)
        if pin == UNRESOLVED_MARK:
            return Unknown(
                f"ADD {source.raw} (line {ins.line}): whether the git ref is a commit depends "
                f"on {why}"
            )
        if pin is None:
            return _Finding(
                shown,
                "fetches a git ref that is not a full commit id, so the code behind it can "
                "change; pin #<40-hex commit> or --checksum=<commit>",
                Severity.HIGH,
            )
        return None

    low = marked.lower()
    if low.startswith("http://"):
        # Even with a checksum: the catalog allows https only (DOCKER-012 flags it too).
        return _Finding(shown, "downloads over plaintext http://", Severity.HIGH)
    if low.startswith("https://"):
        if checksum is None:
            problem = "downloads without --checksum"
            if ins.has_flag("keep-git-dir"):
                problem += (
                    " (--keep-git-dir has no effect: BuildKit clones a URL with git only "
                    "when its path ends in .git)"
                )
            return _Finding(shown, problem, Severity.HIGH)
        if UNRESOLVED_MARK in checksum:
            return Unknown(f"ADD --checksum={flag} (line {ins.line}) depends on {why}")
        if not _DIGEST.match(checksum):
            return _Finding(
                shown,
                f"has --checksum={flag}, which is not a sha256:<64 hex> digest",
                Severity.HIGH,
            )
        return None

    # A local path: only the auto-extraction of a tar archive needs ADD.
    archive = _is_archive(marked)
    if archive is None:
        return Unknown(
            f"ADD {source.raw} (line {ins.line}): whether it is a tar archive depends on {why}"
        )
    if not archive:
        return _Finding(
            shown, "is a local file or directory, not a tar archive: use COPY", Severity.MEDIUM
        )
    if (ins.flag("unpack") or "").lower() == "false":
        return _Finding(shown, "is added with --unpack=false, a plain copy", Severity.MEDIUM)
    return None


@policy(
    id="DOCKER-009",
    name="copy-not-add",
    title="Use COPY instead of ADD, unless ADD extracts a local archive or verifies a download",
    severity=Severity.MEDIUM,
    rationale=(
        "ADD does more than COPY, implicitly: it extracts local tar archives, downloads "
        "URLs and clones git repositories. A download without a checksum builds whatever the "
        "server returns that day (and over http:// whatever a network attacker returns); a "
        "git branch or tag can be moved to other code; and a local file that happens to be "
        "an archive is silently unpacked. COPY copies exactly what it names."
    ),
    remediation=(
        "Use COPY for local files and directories. Keep ADD only for extracting a local tar "
        "archive, for an https:// download with --checksum=sha256:<digest> (BuildKit "
        "verifies it), or for a git source pinned to a full commit id "
        "(ADD https://github.com/org/repo.git#<40-hex commit> /src, or "
        "--checksum=<commit>). Or download in a RUN step that verifies the checksum "
        "(curl -fsSLo f.tgz URL && echo '<sha256>  f.tgz' | sha256sum -c -)."
    ),
    controls=("CIS-Docker-4.9", "NIST-800-53-SI-7"),
    references=("hadolint:DL3020", "checkov:CKV_DOCKER_4", "trivy:AVD-DS-0005"),
    example="""\
FROM python:3.12-slim
ADD requirements.txt /app/
ADD https://example.com/tool-1.4.tar.gz /opt/
ADD https://github.com/acme/plugins.git#main /opt/plugins
""",
    use_instead="""\
FROM python:3.12-slim
COPY requirements.txt /app/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \\
    https://example.com/tool-1.4.tar.gz /opt/
ADD https://github.com/acme/plugins.git#1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 /opt/plugins
""",
)
def copy_not_add(dockerfile: Dockerfile, context: Context) -> Iterator[Violation | Unknown]:
    build_args = context.options(DockerOptions).build_args
    for stage in dockerfile.stages:
        # A trigger's ADD runs in every build FROM this stage: judged the same way.
        for ins in stage.find("ADD", triggers=True):
            findings: list[_Finding] = []
            for source in dockerfile.copy_paths(ins).sources:
                result = _judge(dockerfile, ins, source, build_args)
                if isinstance(result, Unknown):
                    yield Unknown(ins.mark(result.reason))
                elif result is not None:
                    findings.append(result)
            if not findings:
                continue
            if len(findings) == 1:
                f = findings[0]
                message = f"ADD {f.shown} (line {ins.line}) {f.problem}"
            else:
                parts = "; ".join(f"{f.shown} {f.problem}" for f in findings)
                message = f"ADD (line {ins.line}): {parts}"
            worst = max(f.severity for f in findings)
            yield Violation(
                ins.mark(message),
                line=ins.line,
                severity=worst if worst > Severity.MEDIUM else None,
            )
