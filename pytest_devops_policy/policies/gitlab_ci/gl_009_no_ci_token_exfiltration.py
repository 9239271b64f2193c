"""GL-009: CI credentials are only sent to the GitLab instance (or hosts the user allows).

Scripts are read with the shared command-segment reader (``knowledge.ci.script_exprs``):
each ``curl``/``wget``/``nc`` command, wrappers such as ``sudo`` peeled off, with its words
unquoted. A command *sends* a credential when one of its words (a header, ``-d`` data, a
URL's user info) or its here-string reads one, or when it reads a pipe from an
``echo``/``printf``/``cat`` that does (``echo $CI_JOB_TOKEN | nc host 80``).

Decisions where the catalog is silent:

* Credentials: the predefined ``$CI_JOB_TOKEN``, ``$CI_REGISTRY_PASSWORD``,
  ``$CI_DEPLOY_PASSWORD``, ``$CI_DEPENDENCY_PROXY_PASSWORD``, ``$CI_JOB_JWT*``,
  ``$CI_REPOSITORY_URL`` (it carries the job token), the job's ``id_tokens``, names in
  ``gl.masked_variables``, and secret-like names (the shared DOCKER-006 name rule): masking
  is a project setting the file cannot show.
* The instance: ``$CI_SERVER_HOST``, ``$CI_SERVER_URL``, ``$CI_SERVER_FQDN``,
  ``$CI_API_V4_URL``, ``$CI_API_GRAPHQL_URL``, ``$CI_PROJECT_URL``, ``$CI_REPOSITORY_URL``,
  ``$CI_REGISTRY`` and ``$CI_DEPENDENCY_PROXY_SERVER``; loopback hosts (the runner itself);
  and ``gl.allowed_hosts`` (default ``gitlab.com``, a name also covering its subdomains).
* A destination held in a variable the file gives a literal value (``variables:`` of the
  job, then of the pipeline) is judged by that value; any other variable -> UNKNOWN.
* ``nc -l`` listens: it sends nothing anywhere.
* A secret-like variable that is not a GitLab credential, sent to the service its name
  names (``$COVERITY_SCAN_TOKEN`` to ``scan.coverity.com``), is where it belongs: no
  finding. A host named ``gitlab.*`` is probably a GitLab instance (maybe this one, whose
  name the file cannot show): UNKNOWN, until it is listed in ``gl.allowed_hosts``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.script_exprs import ScriptCommand, script_commands
from pytest_devops_policy.knowledge.secrets.names import is_secret_like
from pytest_devops_policy.options.gitlab_ci import GitLabOptions

_SENDERS = frozenset({"curl", "wget", "nc", "ncat", "netcat"})
_PREDEFINED = frozenset(
    {
        "CI_JOB_TOKEN",
        "CI_REGISTRY_PASSWORD",
        "CI_DEPLOY_PASSWORD",
        "CI_DEPENDENCY_PROXY_PASSWORD",
        "CI_JOB_JWT",
        "CI_JOB_JWT_V1",
        "CI_JOB_JWT_V2",
        "CI_REPOSITORY_URL",
    }
)
# Predefined variables naming the GitLab instance (or its registry) the job runs for.
_INSTANCE = frozenset(
    {
        "CI_SERVER_HOST",
        "CI_SERVER_URL",
        "CI_SERVER_FQDN",
        "CI_API_V4_URL",
        "CI_API_GRAPHQL_URL",
        "CI_PROJECT_URL",
        "CI_REPOSITORY_URL",
        "CI_REGISTRY",
        "CI_DEPENDENCY_PROXY_SERVER",
    }
)
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")
_LEADING_VAR = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
# Options whose value is the next word (so it is not a destination).
_VALUED = {
    "curl": frozenset(
        {
            "-H", "--header", "-d", "--data", "--data-raw", "--data-binary",
            "--data-urlencode", "--data-ascii", "--json", "-F", "--form", "--form-string",
            "-o", "--output", "-u", "--user", "-X", "--request", "-A", "--user-agent",
            "-e", "--referer", "-T", "--upload-file", "-b", "--cookie", "-c", "--cookie-jar",
            "--cacert", "--cert", "-E", "--key", "-x", "--proxy", "-U", "--proxy-user",
            "-w", "--write-out", "-m", "--max-time", "--connect-timeout", "--retry",
            "--retry-delay", "--retry-max-time", "-r", "--range", "-K", "--config",
            "--resolve", "--oauth2-bearer", "-D", "--dump-header", "--limit-rate", "-C",
            "--continue-at", "--output-dir", "-z", "--time-cond", "-Y", "-y", "--interface",
            "--max-filesize", "-Q", "--quote", "--variable", "--url-query",
        }
    ),
    "wget": frozenset(
        {
            "-O", "--output-document", "-o", "--output-file", "-a", "--append-output",
            "--header", "--user", "--password", "--http-user", "--http-password",
            "--post-data", "--post-file", "--body-data", "--body-file", "--method", "-P",
            "--directory-prefix", "-U", "--user-agent", "--referer", "-t", "--tries", "-T",
            "--timeout", "-e", "--execute", "-i", "--input-file", "--ca-certificate",
            "--certificate", "--private-key", "-w", "--wait", "-Q", "--quota",
            "--load-cookies", "--save-cookies", "-B", "--base",
        }
    ),
    "nc": frozenset({"-p", "-s", "-w", "-x", "-X", "-i", "-q", "-e", "-c", "-I", "-O", "-T", "-P"}),
}  # fmt: skip


@dataclass(frozen=True)
class _Dest:
    word: str  # as written
    host: str | None  # the literal host, or None when a variable holds it
    variable: str | None = None  # the variable the host comes from


def _var_names(text: str) -> list[str]:
    return [a or b for a, b in _VAR.findall(text)]


def _literal(value: object) -> str | None:
    """A variable's value when the file writes it (``X: v`` or ``X: {value: v}``)."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value)
        return None if "$" in text else text
    return None


def _credentials(job: GitLabJob, extra: Sequence[str]) -> frozenset[str]:
    tokens = job.raw.get("id_tokens")
    ids = {str(k) for k in tokens} if isinstance(tokens, Mapping) else set()
    return frozenset(_PREDEFINED | ids | set(extra))


def _is_credential(name: str, named: frozenset[str]) -> bool:
    if name in named:
        return True
    return name not in _INSTANCE and not name.startswith("CI_") and is_secret_like(name)


def _host_of(url: str) -> str:
    """The host of ``scheme://user:pw@host:port/path`` (or of ``host/path``)."""
    rest = url.split("://", 1)[1] if "://" in url else url
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    authority = authority.rsplit("@", 1)[-1]
    if authority.startswith("["):
        return authority.split("]", 1)[0] + "]"
    return authority.split(":", 1)[0].lower()


def _destinations(cmd: ScriptCommand) -> list[str] | None:
    """The words a sender connects to; None for ``nc -l`` (it listens)."""
    words = cmd.command.words
    name = "nc" if cmd.name in ("ncat", "netcat") else cmd.name
    valued = _VALUED.get(name, frozenset())
    out: list[str] = []
    i = 1
    while i < len(words):
        w = words[i]
        if w == "--url" and i + 1 < len(words):
            out.append(words[i + 1])
            i += 2
            continue
        if w.startswith("--url="):
            out.append(w[len("--url=") :])
        elif name == "nc" and w.startswith("-") and "l" in w.lstrip("-") and len(w) <= 4:
            return None
        elif w in valued:
            i += 1
        elif not w.startswith("-"):
            out.append(w)
            if name == "nc":
                break  # nc host port: the port is no destination
        i += 1
    return out


def _resolve(word: str, job: GitLabJob) -> _Dest:
    """Where a destination word points: a literal host, or the variable holding it (the URL
    starts with one, ``$CI_API_V4_URL/...``, or its host is one, ``https://${CI_SERVER_HOST}/``)."""
    m = _LEADING_VAR.match(word)
    if m is not None:
        return _resolved(word, m.group(1) or m.group(2), word[m.end() :], job)
    if "://" in word:
        rest = word.split("://", 1)[1]
        authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
        host = authority.rsplit("@", 1)[-1]
        m = _LEADING_VAR.match(host)
        if m is not None:
            tail = host[m.end() :] + rest[len(authority) :]
            return _resolved(word, m.group(1) or m.group(2), tail, job)
    return _Dest(word, _host_of(word))


def _resolved(word: str, var: str, tail: str, job: GitLabJob) -> _Dest:
    if var in _INSTANCE:
        return _Dest(word, None, var)
    for scope in (job.variables, job.pipeline.variables):
        if var in scope:
            value = _literal(scope[var])
            if value is not None:
                return _Dest(word, _host_of(value + tail), var)
    return _Dest(word, None, var)


# Host labels that say nothing about whose service it is.
_GENERIC_LABELS = frozenset({"www", "api", "com", "org", "net", "io", "dev", "app", "cloud"})


def _own_service(name: str, host: str) -> bool:
    """A secret-like variable sent to the service its name names is used, not leaked:
    ``$COVERITY_SCAN_TOKEN`` to ``scan.coverity.com``, ``$SENTRY_AUTH_TOKEN`` to
    ``sentry.io``. (GitLab's own credentials are judged by the host alone.)"""
    words = {w for w in re.split(r"[_\-]+", name.lower()) if len(w) >= 3}
    labels = {label for label in host.lower().split(".") if len(label) >= 3}
    return bool(words & (labels - _GENERIC_LABELS))


def _allowed(host: str, patterns: Sequence[str]) -> bool:
    if host in _LOOPBACK:
        return True
    for p in patterns:
        p = p.lower()
        if host == p or host.endswith("." + p) or fnmatch.fnmatchcase(host, p):
            return True
    return False


def _sent(cmd: ScriptCommand, prev: ScriptCommand | None, named: frozenset[str]) -> list[str]:
    """The credentials ``cmd`` carries: in its words, its here-string, or piped in."""
    texts = list(cmd.command.words[1:])
    if cmd.command.stdin:
        texts.append(cmd.command.stdin)
    if prev is not None and cmd.segment.op == "|" and prev.name in ("echo", "printf", "cat"):
        texts.extend(prev.command.words[1:])
    found = [n for t in texts for n in _var_names(t) if _is_credential(n, named)]
    return list(dict.fromkeys(found))


def _findings(
    job: GitLabJob, section: str, index: int, line: str, opts: GitLabOptions
) -> Iterator[Violation | Unknown]:
    named = _credentials(job, opts.masked_variables)
    prev: ScriptCommand | None = None
    for cmd in script_commands(line):
        before, prev = prev, cmd
        if cmd.name not in _SENDERS:
            continue
        sent = _sent(cmd, before, named)
        dests = _destinations(cmd)
        if not sent or dests is None:
            continue
        what = ", ".join(f"${n}" for n in sent)
        where = f"{job.display} {section}[{index}]"
        if not dests:
            yield Unknown(f"{where}: '{cmd.name}' sends {what} but names no URL the file shows")
            continue
        for dest in map(lambda w: _resolve(w, job), dests):
            if dest.host is None and dest.variable in _INSTANCE:
                continue
            if dest.host is not None:
                mine = [n for n in sent if n in named or not _own_service(n, dest.host)]
                if not mine:
                    continue  # $COVERITY_SCAN_TOKEN to scan.coverity.com: where it belongs
                what = ", ".join(f"${n}" for n in mine)
                if dest.host.startswith("gitlab.") and not _allowed(dest.host, opts.allowed_hosts):
                    yield Unknown(
                        f"{where}: '{cmd.name}' sends {what} to '{dest.host}', which looks like "
                        "a GitLab instance: if it is this one, add it to gl.allowed_hosts"
                    )
                    continue
            if dest.host is None:
                yield Unknown(
                    f"{where}: '{cmd.name}' sends {what} to ${dest.variable}, whose value is "
                    "set outside the file"
                )
            elif not _allowed(dest.host, opts.allowed_hosts):
                yield Violation(
                    f"{where}: '{cmd.name}' sends {what} to '{dest.host}', outside the GitLab "
                    "instance ($CI_SERVER_HOST, $CI_API_V4_URL) and gl.allowed_hosts: whoever "
                    "runs that host can act as this job (read the project, push packages and "
                    "images) until the job ends, or for as long as the credential lives",
                    path=(section, index),
                )
                break


def _applies(gl_job: GitLabJob) -> bool:
    """Jobs that run scripts (trigger jobs run none)."""
    return next(iter(gl_job.scripts()), None) is not None


@policy(
    id="GL-009",
    name="no-ci-token-exfiltration",
    title="CI credentials are only sent to the GitLab instance",
    severity=Severity.HIGH,
    rationale=(
        "$CI_JOB_TOKEN, $CI_REGISTRY_PASSWORD and deploy credentials let the holder act as "
        "the job: read the project and the projects it may access, pull and push packages "
        "and container images. Masking hides them in the log, not on the wire: a curl, wget "
        "or nc that sends one to another host hands those rights to whoever runs that host, "
        "which is the shape of a compromised script or a malicious merge request."
    ),
    remediation=(
        "Send CI credentials only to the instance: build URLs from $CI_API_V4_URL, "
        "$CI_SERVER_URL or $CI_REGISTRY. For an external service use its own credential, "
        "stored as a masked, protected CI/CD variable, or an OIDC id_token with the "
        "service as audience. If another host must receive the job token (a second name of "
        "your instance), list it in gl.allowed_hosts."
    ),
    controls=("CWE-200", "CWE-522", "NIST-800-53-IA-5"),
    references=(
        "checkov:CKV_GITLABCI_1",
        "https://docs.gitlab.com/ci/jobs/ci_job_token/",
    ),
    applies=_applies,
    example=(
        "upload:\n"
        "  stage: deploy\n"
        "  script:\n"
        '    - \'curl --fail -H "JOB-TOKEN: $CI_JOB_TOKEN" -T dist/app.tar.gz '
        "https://artifacts.example.net/upload'\n"
    ),
    use_instead=(
        "upload:\n"
        "  stage: deploy\n"
        "  script:\n"
        '    - \'curl --fail -H "JOB-TOKEN: $CI_JOB_TOKEN" -T dist/app.tar.gz '
        '"$CI_API_V4_URL/projects/$CI_PROJECT_ID/packages/generic/app/1.0.0/app.tar.gz"\'\n'
    ),
)
def no_ci_token_exfiltration(gl_job: GitLabJob, context: Context) -> Iterator[Violation | Unknown]:
    opts = context.options(GitLabOptions)
    for section, index, line in gl_job.scripts():
        yield from _findings(gl_job, section, index, line, opts)
