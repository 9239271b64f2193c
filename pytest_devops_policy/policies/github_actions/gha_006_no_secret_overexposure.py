"""GHA-006: a job receives only the secrets it needs, and does not leak the ones it has.

Expressions are read with the one expression reader (``toJSON`` and ``fromJSON`` are
case-insensitive there, as on GitHub); ``run`` scripts with the CI segment reader
(``knowledge.ci.script_exprs``); untrusted checkouts with ``knowledge.ci.checkout``
(shared with GHA-009).

Decisions where the catalog is silent:

* ``secrets[<expression>]`` (a dynamic index) makes GitHub send every secret to the runner,
  like ``toJSON(secrets)``: it fails too.
* ``echo``/``printf`` fail when their output reaches the log: piped into another command
  (``echo "$T" | docker login --password-stdin``) or redirected to a file they pass. A shell
  variable set from a secret in ``env`` (``echo "$TOKEN"``) counts like the expression, and
  ``::add-mask::`` lines are the opposite of a leak.
* ``${{ github.token }}`` is the job's GITHUB_TOKEN: sent with curl/wget it may always go to
  GitHub's own hosts; every other secret only to ``gha.allowed_secret_hosts``. A host that is
  itself a variable is Unknown.
* Privileged workflows: any ``secrets.*`` other than GITHUB_TOKEN (whose scope is GHA-002's
  and GHA-009's business) in a job that checks out the pull request's code fails.
* ``gha.secrets_require_environment`` does not apply to reusable-workflow callers, which
  cannot carry ``environment`` (their callee's jobs are judged instead).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.expressions import (
    Call,
    Ctx,
    Expression,
    Index,
    find_expressions,
    walk,
)
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.checkout import (
    PRIVILEGED_TRIGGERS,
    is_privileged,
    untrusted_checkouts,
)
from pytest_devops_policy.knowledge.ci.script_exprs import (
    ScriptCommand,
    placeholders_in,
    script_commands,
)
from pytest_devops_policy.knowledge.ci.taint import flows
from pytest_devops_policy.options import GhaOptions

Path = tuple[PathPart, ...]

_GITHUB_TOKEN = frozenset({"secrets.github_token", "github.token"})
_GITHUB_HOSTS = (
    "github.com",
    "api.github.com",
    "uploads.github.com",
    "*.githubusercontent.com",
    "ghcr.io",
)
_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_PRINTERS = frozenset({"echo", "printf"})
_SENDERS = frozenset({"curl", "wget"})


@dataclass(frozen=True)
class _Where:
    """An expression found in the job: its job-relative path, or a line (workflow env)."""

    path: Path | None
    line: int | None
    label: str


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if k == "if" and isinstance(v, str) and "${{" not in v:
                yield (*path, k), "${{ " + v + " }}"  # `if:` may omit the braces
            else:
                yield from _strings(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*path, i))


def _label(job: Job, path: Path) -> str:
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        rest = ".".join(str(p) for p in path[2:])
        step = job.steps[path[1]] if path[1] < len(job.steps) else None
        return f"{step.label if step else f'step {path[1] + 1}'} {rest}".strip()
    return f"{job.display} {'.'.join(str(p) for p in path)}"


def _expressions(job: Job) -> Iterator[tuple[_Where, Expression, str]]:
    """Every expression the job evaluates, with the string holding it: in the job, and in
    the workflow's env."""
    wf = job.workflow
    for name, value in wf.env.items():
        if isinstance(value, str):
            line = (wf.document.locate(("env", name)) or (job.line, 1))[0]
            where = _Where(None, line, f"the workflow's env {name}")
            for expr in find_expressions(value):
                yield where, expr, value
    for path, text in _strings(job.raw, ()):
        if "${{" not in text:
            continue
        where = _Where(path, None, _label(job, path))
        for expr in find_expressions(text):
            yield where, expr, text


def _is_secret(ctx: str) -> bool:
    return ctx.startswith("secrets.") or ctx in ("secrets", "github.token")


def _secret_refs(expr: Expression) -> list[str]:
    """The secrets an expression reads (``secrets.x``, ``github.token``), lowercase."""
    return [c for c in expr.contexts if _is_secret(c)]


def _violation(where: _Where, message: str, severity: Severity | None = None) -> Violation:
    return Violation(message, path=where.path, line=where.line, severity=severity)


# -- expression-level overexposure


def _expression_findings(where: _Where, expr: Expression, text: str) -> Iterator[Violation]:
    before = text[: expr.start]
    in_script = where.path is not None and where.path[-1:] == ("run",)  # see _run_findings
    url = before.rsplit("://", 1)[1] if "://" in before else ""
    in_query = "?" in url and not any(ch.isspace() for ch in url)
    if not in_script and in_query and any(_is_secret(c) for c in flows(expr)):
        yield _violation(
            where,
            f"{where.label}: '{expr.text}' puts a secret into the query string of a URL, "
            "which servers, proxies and error messages log in clear; send it in a header",
        )
    if expr.node is None:
        return
    # fromJSON(secrets.X).field is reported as a field; a bare fromJSON(secrets.X) whose
    # result reaches the text is reported as a decoded secret.
    field_bases = {id(n.base) for n in walk(expr.node) if isinstance(n, Index)}
    decoded_out = any(_is_secret(c) for c in flows(expr))
    for node in walk(expr.node):
        if (
            isinstance(node, Call)
            and node.name == "fromjson"
            and id(node) not in field_bases
            and decoded_out
            and any(c.startswith("secrets.") for a in node.args for c in _flows_of_node(a))
        ):
            yield _violation(
                where,
                f"{where.label}: '{expr.text}' decodes a JSON secret; its decoded or "
                "re-serialised text is not what was registered for masking, so it is printed "
                "unredacted: use the secret as stored, or store each value as its own secret",
            )
        elif (
            isinstance(node, Call)
            and node.name == "tojson"
            and any(isinstance(a, Ctx) and a.path == ("secrets",) for a in node.args)
        ):
            yield _violation(
                where,
                f"{where.label}: '{expr.text}' serialises every secret of the repository and "
                "organisation: GitHub must send them all to the runner, and any step can read "
                "them; reference the secrets the job needs one by one",
            )
        elif isinstance(node, Ctx) and node.path[:2] == ("secrets", "*"):
            yield _violation(
                where,
                f"{where.label}: '{expr.text}' picks a secret by a computed name, so GitHub "
                "sends every secret to the runner; reference the secrets by name",
            )
        elif (
            isinstance(node, Index)
            and isinstance(node.base, Call)
            and node.base.name == "fromjson"
            and any(c.startswith("secrets.") for a in node.base.args for c in _flows_of_node(a))
        ):
            yield _violation(
                where,
                f"{where.label}: '{expr.text}' takes a field out of a JSON secret; only the "
                "whole secret is registered for masking, so the field's value is printed "
                "unredacted: store each field as its own secret",
            )


def _flows_of_node(node: Any) -> list[str]:
    return [n.text for n in walk(node) if isinstance(n, Ctx)]


# -- run scripts


def _env_secrets(job: Job, step: Step) -> dict[str, list[str]]:
    """Shell variables the step sees that are set from a secret: name -> secrets."""
    out: dict[str, list[str]] = {}
    for env in (job.workflow.env, job.env, step.env):  # later levels override
        for name, value in env.items():
            refs = (
                [r for e in find_expressions(value) for r in flows(e) if _is_secret(r)]
                if isinstance(value, str)
                else []
            )
            if refs:
                out[str(name)] = refs
            else:
                out.pop(str(name), None)
    return out


def _word_secrets(cmd: ScriptCommand, word: str, env: Mapping[str, list[str]]) -> list[str]:
    """What secrets a word of the command carries (by expression or shell variable)."""
    refs = [r for e in cmd.word_expressions(word) for r in flows(e) if _is_secret(r)]
    for m in _SHELL_VAR.finditer(word):
        refs += env.get(m.group(1), [])
    return refs


def _in_query(cmd: ScriptCommand, word: str, env: Mapping[str, list[str]]) -> bool:
    """A secret after the ``?`` of a URL."""
    shown = cmd.shown(word)
    if "://" not in shown or "?" not in shown:
        return False
    query = shown.split("?", 1)[1]
    if any(_secret_refs(e) for e in find_expressions(query)):
        return True
    return any(m.group(1) in env for m in _SHELL_VAR.finditer(query))


def _to_log(cmd: ScriptCommand) -> bool:
    """The command's standard output reaches the job log."""
    if cmd.segment.next_op in ("|", "|&"):
        return False
    return not any(r.writes_file for r in cmd.command.redirects)


# The runner's own GitHub URLs (github.com, or the GHES host the job runs against).
_GITHUB_URL = re.compile(
    r"^(?:\$\{\{\s*github\.(?:api_url|server_url|graphql_url)\s*\}\}"
    r"|\$\{?GITHUB_(?:API|SERVER|GRAPHQL)_URL\b\}?)",
    re.IGNORECASE,
)


def _host_of(cmd: ScriptCommand, url: str) -> str | None:
    """The host of one URL word; None when a variable or an expression sets it."""
    if _GITHUB_URL.match(cmd.shown(url)):
        return "api.github.com"
    if "://" not in url:
        return None
    authority = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    if "$" in authority or placeholders_in(authority):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def _hosts(cmd: ScriptCommand) -> list[str | None]:
    """The hosts a curl/wget command talks to (None: set at run time)."""
    out: list[str | None] = []
    words = cmd.command.words
    for i, word in enumerate(words[1:], 1):
        if words[i - 1] == "--url":
            out.append(_host_of(cmd, word if "://" in word else "https://" + word))
        elif not word.startswith("-") and ("://" in word or _GITHUB_URL.match(cmd.shown(word))):
            out.append(_host_of(cmd, word))
    if not out and any("$" in w or placeholders_in(w) for w in words[1:] if not w.startswith("-")):
        out.append(None)  # `curl "$API_URL/x"`: the URL is a variable
    return out


def _allowed(host: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(host, g.lower()) for g in globs)


def _run_findings(job: Job, step: Step, allowed: Sequence[str]) -> Iterator[Violation | Unknown]:
    if step.run is None:
        return
    env = _env_secrets(job, step)
    path = step.path("run")
    where = f"{step.label} run"
    for cmd in script_commands(step.run):
        args = cmd.command.words[1:]
        carried = {w: _word_secrets(cmd, w, env) for w in args}
        secret_words = [w for w, refs in carried.items() if refs]
        if not secret_words:
            continue
        shown = " ".join(cmd.shown(cmd.segment.text).split())
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        for w in secret_words:
            if _in_query(cmd, w, env):
                yield Violation(
                    f"{where}: the URL '{cmd.shown(w)}' carries a secret in its query string, "
                    "which servers, proxies and error messages log in clear; send it in a "
                    'header (-H "Authorization: Bearer $TOKEN")',
                    path=path,
                )
                break
        else:
            if cmd.name in _PRINTERS and _to_log(cmd):
                if not any(cmd.shown(w).startswith("::add-mask::") for w in secret_words):
                    yield Violation(
                        f"{where}: '{shown}' prints a secret to the job log; masking "
                        "hides only the exact value, not an encoded, split or transformed copy, "
                        "so do not print secrets",
                        path=path,
                    )
            elif cmd.name in _SENDERS:
                yield from _sender_findings(cmd, carried, where, path, allowed)


def _sender_findings(
    cmd: ScriptCommand,
    carried: Mapping[str, list[str]],
    where: str,
    path: Path,
    allowed: Sequence[str],
) -> Iterator[Violation | Unknown]:
    refs = {r for rs in carried.values() for r in rs}
    only_token = refs <= _GITHUB_TOKEN
    hosts = _hosts(cmd)
    if not hosts:
        yield Unknown(f"{where}: {cmd.name} sends a secret, but to no URL the command line names")
        return
    for host in hosts:
        if host is None:
            yield Unknown(f"{where}: {cmd.name} sends a secret to a host set at run time")
            continue
        if _allowed(host, allowed) or (only_token and _allowed(host, _GITHUB_HOSTS)):
            continue
        names = _names(refs)
        yield Violation(
            f"{where}: {cmd.name} sends {names} to {host}, which is not in "
            "gha.allowed_secret_hosts; a secret should only go to the service it belongs to "
            "(list the host if it does)",
            path=path,
        )
        return


# -- privileged triggers, environments


def _names(refs: Iterable[str]) -> str:
    """``secrets.api, secrets[…]`` for messages."""
    return ", ".join(sorted({r.replace("secrets.*", "secrets[…]") for r in refs}))


def _plain_secrets(refs: Sequence[str]) -> list[str]:
    return [r for r in refs if r.startswith("secrets.") and r not in _GITHUB_TOKEN]


@policy(
    id="GHA-006",
    name="no-secret-overexposure",
    title="Secrets are not overexposed",
    severity=Severity.HIGH,
    rationale=(
        "A job should receive only the secrets it uses, and keep them out of logs, URLs and "
        "untrusted code. 'secrets: inherit' and toJSON(secrets) hand every secret to code "
        "that needs none of them; a field taken out of a JSON secret, a printed secret or a "
        "token in a URL query escapes log masking; a secret sent to an unexpected host is "
        "exfiltration; and a privileged workflow that checks out a pull request runs the "
        "author's code next to the secrets."
    ),
    remediation=(
        "Pass reusable workflows only the secrets they declare (secrets: {token: "
        "${{ secrets.TOKEN }}}); reference secrets one by one; store each field of a JSON "
        "credential as its own secret; send tokens in headers, never in URLs or logs; list "
        "the hosts secrets may go to in gha.allowed_secret_hosts; never use secrets in a "
        "pull_request_target/workflow_run job that checks out the pull request's code."
    ),
    controls=("CWE-200", "CWE-532", "NIST-800-53-AC-6", "OpenSSF-Scorecard-Dangerous-Workflow"),
    references=(
        "zizmor:secrets-inherit",
        "zizmor:overprovisioned-secrets",
        "zizmor:unredacted-secrets",
        "zizmor:secrets-outside-env",
        "checkov:CKV_GHA_3",
        "scorecard:Dangerous-Workflow",
        "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
    ),
    example=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  deploy:\n"
        "    uses: ./.github/workflows/deploy.yml\n"
        "    secrets: inherit\n"
        "  notify:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - env:\n"
        "          ALL: ${{ toJSON(secrets) }}\n"
        "        run: ./notify.sh\n"
        '      - run: curl "https://hooks.example.com/x?token=${{ secrets.HOOK_TOKEN }}"\n'
    ),
    use_instead=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  deploy:\n"
        "    uses: ./.github/workflows/deploy.yml\n"
        "    secrets:\n"
        "      registry-password: ${{ secrets.REGISTRY_PASSWORD }}\n"
        "  notify:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - env:\n"
        "          SLACK_TOKEN: ${{ secrets.SLACK_TOKEN }}\n"
        "          HOOK_TOKEN: ${{ secrets.HOOK_TOKEN }}\n"
        "        run: ./notify.sh  # sends $HOOK_TOKEN in an Authorization header\n"
    ),
)
def no_secret_overexposure(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    options = context.options(GhaOptions)
    if job.is_caller and isinstance(job.secrets, str) and job.secrets.strip() == "inherit":
        yield Violation(
            f"{job.display} passes 'secrets: inherit': the called workflow "
            f"({job.uses.raw if job.uses else '?'}) receives every secret of the repository, "
            "not just the ones it declares; pass them by name",
            path=("secrets",),
        )
    found = list(_expressions(job))
    seen: set[tuple[Path | None, int | None, str]] = set()
    for where, expr, text in found:
        for v in _expression_findings(where, expr, text):
            key = (v.path, v.line, v.message)
            if key not in seen:
                seen.add(key)
                yield v
    for step in job.steps:
        yield from _run_findings(job, step, options.allowed_secret_hosts)
    used = [(where, expr, _plain_secrets(_secret_refs(expr))) for where, expr, _ in found]
    used = [u for u in used if u[2]]
    if not used:
        return
    if is_privileged(job.workflow):
        checkouts = untrusted_checkouts(job)
        if checkouts:
            first = checkouts[0]
            where = used[0][0]
            triggers = ", ".join(t for t in PRIVILEGED_TRIGGERS if t in job.workflow.on)
            names = _names(r for _, _, rs in used for r in rs)
            yield _violation(
                where,
                f"{job.display} uses {names} in a {triggers} workflow and checks out the pull "
                f"request's code ({first.step.label}: {first.what}): that code runs with the "
                "secrets within reach; split the job, and keep secrets out of the one that "
                "handles untrusted code",
            )
    if options.secrets_require_environment and job.environment is None and not job.is_caller:
        where = used[0][0]
        names = _names(r for _, _, rs in used for r in rs)
        yield _violation(
            where,
            f"{job.display} uses {names} without an environment; gha.secrets_require_environment "
            "asks for environment secrets, which only jobs of a protected environment receive",
            Severity.MEDIUM,
        )
