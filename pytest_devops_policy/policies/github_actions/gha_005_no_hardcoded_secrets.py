"""GHA-005: no credentials written into the workflow file, and none kept in ``vars``.

What is a secret comes from the shared secret knowledge: the DOCKER-006 secret-like names
(``knowledge.secrets.names``), the SECRET-001…008 value detectors (``knowledge.secrets.values``
and the header scan of ``knowledge.secrets.scan``), the SECRET-009 value gate
(``knowledge.secrets.gates``) and the shared placeholder test. Scripts are read with the CI
segment reader (``knowledge.ci.script_exprs``), expressions with the one expression reader.

Decisions where the catalog is silent:

* ``services.<id>.env`` is the environment of a throwaway container the job starts (a test
  database): only the value detectors apply there, not the name rule; and a value equal to
  a password given to one of the job's service containers, or a URL password for a database
  on ``localhost``/a service of the job, is that throwaway's and passes.
* ``secrets:`` of a reusable-workflow caller holds secrets by definition: any literal fails.
* ``${{ vars.X }}`` fails (high) under a secret-like key, and anywhere when ``X`` itself is a
  secret-like name (``vars.DEPLOY_TOKEN``).
* ``with:`` inputs named ``*-key`` count when the word before ``key`` names a credential
  (``api-key``, ``ssh-private-key``, ``deploy-key``...), not for ``cache-key`` or
  ``prefix-key`` (rust-cache), which real workflows fill with literals.
* A string literal an expression can return (``${{ secrets.X || 'fallback-pw-123' }}``) is a
  literal written in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.formats.github_actions.expressions import Expression, find_expressions
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.script_exprs import (
    ScriptCommand,
    literal_outputs,
    placeholders_in,
    script_assignments,
    script_commands,
    var_contexts,
)
from pytest_devops_policy.knowledge.secrets.gates import credential_shaped
from pytest_devops_policy.knowledge.secrets.names import (
    is_placeholder,
    is_reference,
    is_secret_like,
)
from pytest_devops_policy.knowledge.secrets.scan import text_secrets
from pytest_devops_policy.knowledge.secrets.values import SecretHit, detect_secrets
from pytest_devops_policy.masking import mask

Path = tuple[PathPart, ...]

# `with:` inputs that hold nothing but a credential (catalog GHA-005), by normalised name.
_SECRET_INPUTS = frozenset(
    {"password", "token", "secret", "credentials", "api-key", "client-secret", "passphrase"}
)
_SECRET_INPUT_SUFFIXES = (
    "-password",
    "-token",
    "-secret",
    "-credentials",
    "-passphrase",
)
# `*-key` names many things (cache keys, prefix keys, sort keys): an input counts as a
# credential when the word before `key` names one.
_SECRET_KEY_INPUT = re.compile(
    r"(?:^|-)(?:api|private|access|secret|ssh|deploy|signing|gpg|pgp|license|licence|"
    r"encryption|master|auth|account|service|client|app|sas|storage|admin|write|upload)-key$"
)
# `*-key` inputs that are not keys to anything secret.
_NOT_SECRET_INPUTS = frozenset(
    {
        "cache-key",
        "restore-key",
        "primary-key",
        "public-key",
        "sort-key",
        "partition-key",
        "lookup-key",
        "hash-key",
        "idempotency-key",
        "persist-credentials",
    }
)
_BOOLEAN = re.compile(r"(?i)^(?:true|false|yes|no|on|off|0|1)$")
# Registry logins that take a password on the command line.
_LOGINS = {
    ("docker", "login"),
    ("podman", "login"),
    ("buildah", "login"),
    ("skopeo", "login"),
    ("nerdctl", "login"),
    ("oras", "login"),
    ("helm", "registry"),
}
_MYSQL = frozenset({"mysql", "mysqladmin", "mysqldump", "mariadb", "mariadb-admin"})
_LOCAL_HOSTS = frozenset(
    {"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "host.docker.internal"}
)


@dataclass(frozen=True)
class _Field:
    """One value the policy judges: where it is (for messages and the line) and its key."""

    where: str
    key: str
    value: Any
    path: Path | None
    line: int | None = None


def _text(value: Any) -> str | None:
    """A scalar as the runner reads it; booleans and containers hold no credential."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _norm_input(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower().replace("_", "-")


def _input_kind(name: str) -> str | None:
    """``explicit`` (the catalog's credential inputs), ``named`` (a secret-like name) or None."""
    n = _norm_input(name)
    if n in _NOT_SECRET_INPUTS:
        return None
    if n in _SECRET_INPUTS or n.endswith(_SECRET_INPUT_SUFFIXES) or _SECRET_KEY_INPUT.search(n):
        return "explicit"
    return "named" if is_secret_like(name) else None


def _a(label: str) -> str:
    return f"{'an' if label[:1] in 'AEIOUaeiou' else 'a'} {label}"


# -- the job's throwaway service containers


def _service_passwords(job: Job) -> frozenset[str]:
    """Passwords the job gives its own service containers (``POSTGRES_PASSWORD: postgres``)."""
    out: set[str] = set()
    for service in job.services.values():
        env = service.get("env") if isinstance(service, Mapping) else None
        for name, value in (env if isinstance(env, Mapping) else {}).items():
            text = _text(value)
            if text and is_secret_like(str(name), text) and "${{" not in text:
                out.add(text)
    return frozenset(out)


def _local_host(host: str, job: Job) -> bool:
    h = host.strip().lower()
    return h in _LOCAL_HOSTS or h in {str(s).lower() for s in job.services}


def _url_host(text: str, end: int) -> str:
    """The host after a URL's ``user:password@`` that ends at ``end``."""
    rest = text[end:].lstrip("@")
    return re.split(r"[:/?#\s\"']", rest, maxsplit=1)[0]


def _throwaway(hit: SecretHit, text: str, job: Job) -> bool:
    """A URL password for a database on this job's runner (a service container, localhost)."""
    if hit.detector != "SECRET-008":
        return False
    return _local_host(_url_host(text, hit.start + len(hit.match)), job)


# -- judging one value


def _vars_findings(f: _Field, exprs: Sequence[Expression], secret_key: bool) -> Iterator[Violation]:
    for expr in exprs:
        for ctx in var_contexts(expr):
            name = ctx.split(".", 1)[1] if "." in ctx else ""
            if secret_key or (name and is_secret_like(name)):
                why = (
                    f"under the secret-like key '{f.key}'" if secret_key else "named like a secret"
                )
                yield Violation(
                    f"{f.where}: '{expr.text}' reads a configuration variable {why}; vars are "
                    "plaintext, readable by anyone with read access to the repository settings "
                    "and printed unmasked in logs: store it as a secret",
                    path=f.path,
                    line=f.line,
                    severity=Severity.HIGH,
                )
                return


def _detected(f: _Field, text: str, job: Job) -> Iterator[Violation]:
    for hit in detect_secrets(text):
        if _throwaway(hit, text, job) or hit.match in _service_passwords(job):
            continue
        yield Violation(
            f"{f.where} holds {_a(hit.label)} ({hit.detector}): {mask(hit.match)}; anyone who "
            "can read the repository can use it",
            path=f.path,
            line=f.line,
            secret=hit.match,
        )


def _literal_finding(f: _Field, literal: str, mode: str, job: Job) -> Violation | None:
    """``mode``: ``credential`` (any non-placeholder literal), ``named`` (SECRET-009 gate)."""
    value = literal.strip()
    if not value or is_placeholder(value, f.key) or is_reference(value):
        return None
    if value in _service_passwords(job):
        return None
    if mode == "credential" and _BOOLEAN.match(value):
        return None
    if mode == "named" and (
        not is_secret_like(f.key, value) or not credential_shaped(f.key, value)
    ):
        return None
    return Violation(
        f"{f.where} has a literal value {mask(value)} under the secret-like key '{f.key}': it is "
        "in the repository and its history, readable by everyone who can clone it; use "
        f"${{{{ secrets.{re.sub(r'[^A-Za-z0-9_]', '_', f.key).upper()} }}}}",
        path=f.path,
        line=f.line,
        secret=value,
    )


def _judge(f: _Field, mode: str | None, job: Job) -> Iterator[Violation]:
    """``mode``: ``credential``, ``named`` or ``None`` (value detectors only)."""
    text = _text(f.value)
    if text is None:
        return
    exprs = find_expressions(text)
    secret_key = mode == "credential" or (mode == "named" and is_secret_like(f.key))
    yield from _vars_findings(f, exprs, secret_key)
    found = list(_detected(f, text, job))
    yield from found
    if found or mode is None:
        return
    literals = [s for e in exprs for s in literal_outputs(e)] if exprs else [text]
    for literal in literals:
        v = _literal_finding(f, literal, mode, job)
        if v is not None:
            yield v
            return


# -- the places a job holds values


def _env_fields(job: Job) -> Iterator[tuple[_Field, str | None]]:
    wf = job.workflow
    for name, value in wf.env.items():
        line = (wf.document.locate(("env", name)) or (job.line, 1))[0]
        yield _Field(f"the workflow's env {name}", str(name), value, None, line), "named"
    for name, value in job.env.items():
        yield _Field(f"{job.display} env {name}", str(name), value, ("env", name)), "named"
    container = job.container
    if isinstance(container, Mapping) and isinstance(container.get("env"), Mapping):
        for name, value in container["env"].items():
            path: Path = ("container", "env", name)
            yield _Field(f"the job container's env {name}", str(name), value, path), "named"
    for sid, service in job.services.items():
        env = service.get("env") if isinstance(service, Mapping) else None
        for name, value in (env if isinstance(env, Mapping) else {}).items():
            path = ("services", sid, "env", name)
            yield _Field(f"service '{sid}' env {name}", str(name), value, path), None
    for step in job.steps:
        for name, value in step.env.items():
            path = step.path("env", name)
            yield _Field(f"{step.label} env {name}", str(name), value, path), "named"


def _credential_fields(job: Job) -> Iterator[_Field]:
    container = job.container
    if isinstance(container, Mapping):
        creds = container.get("credentials")
        if isinstance(creds, Mapping) and "password" in creds:
            path: Path = ("container", "credentials", "password")
            yield _Field(
                "the job container's credentials.password", "password", creds["password"], path
            )
    for sid, service in job.services.items():
        creds = service.get("credentials") if isinstance(service, Mapping) else None
        if isinstance(creds, Mapping) and "password" in creds:
            path = ("services", sid, "credentials", "password")
            yield _Field(
                f"service '{sid}' credentials.password", "password", creds["password"], path
            )


def _input_fields(job: Job) -> Iterator[tuple[_Field, str | None]]:
    def kind(name: str) -> str | None:
        k = _input_kind(name)
        return "credential" if k == "explicit" else k

    for name, value in job.with_.items():
        yield (
            _Field(f"{job.display} with.{name}", str(name), value, ("with", name)),
            kind(str(name)),
        )
    if isinstance(job.secrets, Mapping):
        for name, value in job.secrets.items():
            where = f"{job.display} secrets.{name}"
            yield _Field(where, str(name), value, ("secrets", name)), "credential"
    for step in job.steps:
        for name, value in step.with_.items():
            path = step.path("with", name)
            yield _Field(f"{step.label} with.{name}", str(name), value, path), kind(str(name))


# -- run scripts


def _option_value(words: Sequence[str], short: str | None, long: str) -> tuple[int, str] | None:
    """(index, value) of ``-p X``, ``-pX``, ``--password X`` or ``--password=X``."""
    for i, w in enumerate(words):
        if w == "--":
            return None
        if w == long or (short is not None and w == short):
            return (i + 1, words[i + 1]) if i + 1 < len(words) else None
        if w.startswith(long + "="):
            return i, w[len(long) + 1 :]
        if short is not None and w.startswith(short) and len(w) > 2 and not w.startswith("--"):
            return i, w[2:]
    return None


def _is_literal(word: str) -> bool:
    return bool(word) and "$" not in word and not placeholders_in(word) and not is_placeholder(word)


def _login(cmd: ScriptCommand) -> bool:
    words = cmd.command.words
    return len(words) >= 2 and (cmd.name, words[1]) in _LOGINS


def _positionals(words: Sequence[str]) -> list[str]:
    return [w for w in words if not w.startswith("-")]


def _cli_password(
    cmd: ScriptCommand, prev: ScriptCommand | None, job: Job
) -> tuple[str, str] | None:
    """(what, literal password) a command line carries, if any."""
    words = cmd.command.words
    if _login(cmd):
        registry = _positionals(words[2:])
        if registry and _local_host(registry[-1].split(":")[0].split("/")[0], job):
            return None
        found = _option_value(words[2:], "-p", "--password")
        if found is not None and _is_literal(found[1]):
            return f"'{cmd.name} {words[1]} --password'", found[1]
        piped = prev is not None and cmd.segment.op == "|" and prev.name in ("echo", "printf")
        if "--password-stdin" in words and prev is not None and piped:
            args = [w for w in prev.command.args if not w.startswith("-")]
            if args and all(_is_literal(a) for a in args):
                return f"'{prev.name} … | {cmd.name} {words[1]} --password-stdin'", args[-1]
        return None
    if cmd.name in _MYSQL:
        host = _option_value(words[1:], "-h", "--host")
        if host is None or _local_host(host[1], job) or not _is_literal(host[1]):
            return None  # a database on the runner (a service container), or unknown
        for w in words[1:]:
            # Only the attached forms carry a password: `-p` alone (or `-p db`) prompts.
            value = w[2:] if w.startswith("-p") else w.removeprefix("--password=")
            if value != w and w != "--password" and _is_literal(value):
                return f"'{cmd.name} --password'", value
        return None
    if cmd.name == "sshpass":
        found = _option_value(words[1:], "-p", "--password")
        if found is not None and _is_literal(found[1]):
            return "'sshpass -p'", found[1]
    if cmd.name == "curl":
        found = _option_value(words[1:], "-u", "--user")
        if found is not None and ":" in found[1]:
            password = found[1].split(":", 1)[1]
            urls = [w for w in words if "://" in w]
            if urls and all(_local_host(_url_host(u, u.index("://") + 3), job) for u in urls):
                return None
            if _is_literal(password):
                return "'curl --user user:password'", password
    return None


def _run_findings(job: Job, step: Step) -> Iterator[Violation]:
    run = step.run
    if run is None:
        return
    where = f"{step.label} run"
    path = step.path("run")
    f = _Field(where, "run", run, path)
    # Values in a well-known credential format, and HTTP Authorization headers.
    labels = {hit.start: hit for hit in detect_secrets(run)}
    for start, length in sorted(set(text_secrets(run))):
        secret = run[start : start + length]
        hit = labels.get(start)
        if hit is not None and (_throwaway(hit, run, job) or secret in _service_passwords(job)):
            continue
        label = f"{_a(hit.label)} ({hit.detector})" if hit else "an HTTP Authorization credential"
        yield Violation(
            f"{where} holds {label}: {mask(secret)}; anyone who can read the repository can "
            "use it, and the job log shows it",
            path=path,
            secret=secret,
        )
    yield from _vars_findings(f, find_expressions(run), False)
    # NAME=value / export NAME=value with a secret-like name (SECRET-009).
    for a in script_assignments(run):
        if is_secret_like(a.name, a.value) and _is_literal(a.value):
            v = _literal_finding(
                _Field(f"{where} ({a.name}=…)", a.name, a.value, path), a.value, "named", job
            )
            if v is not None:
                yield v
    # Passwords on command lines (docker login -p, mysql --password=...).
    prev: ScriptCommand | None = None
    for cmd in script_commands(run):
        found = _cli_password(cmd, prev, job)
        prev = cmd
        if found is None or found[1] in _service_passwords(job):
            continue
        what, secret = found
        yield Violation(
            f"{where}: {what} is given the literal password {mask(secret)}; it is in the "
            "repository and on the runner's process list: pass a secret through env and "
            'stdin (echo "$PASSWORD" | docker login --password-stdin)',
            path=path,
            secret=secret,
        )


@policy(
    id="GHA-005",
    name="no-hardcoded-secrets",
    title="No hardcoded secrets in workflows",
    severity=Severity.CRITICAL,
    rationale=(
        "A credential written into a workflow is in the repository and in all of its history: "
        "everyone who can read or fork the repository can use it, it is copied into every "
        "clone and CI cache, and it cannot be rotated by editing a setting. Encrypted secrets "
        "are masked in logs and scoped to the repository or an environment; configuration "
        "variables (vars) are plaintext and are not."
    ),
    remediation=(
        "Store the value as an encrypted secret (repository, organisation or environment "
        "secret) and reference it: env: API_TOKEN: ${{ secrets.API_TOKEN }}. Rotate the "
        "exposed credential: removing it from the file does not remove it from the history. "
        "For registries use docker/login-action with password: ${{ secrets.X }} or "
        "--password-stdin; for cloud providers prefer OIDC (GHA-011)."
    ),
    controls=(
        "CWE-798",
        "NIST-800-53-IA-5",
        "OpenSSF-Scorecard-Dangerous-Workflow",
        "CIS-SSCS-1.5",
    ),
    references=(
        "zizmor:hardcoded-container-credentials",
        "actionlint:credentials",
        "checkov:CKV_SECRET_2",
        "checkov:CKV_SECRET_6",
        "gitleaks:generic-api-key",
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions",
    ),
    example=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
        "    container:\n"
        "      image: ghcr.io/acme/builder:1.4\n"
        "      credentials:\n"
        "        username: acme-ci\n"
        "        password: Acme-Registry-2024\n"
        "    env:\n"
        "      API_TOKEN: 7f3c9a1e5b2d8f40\n"
        "      DEPLOY_KEY: ${{ vars.DEPLOY_KEY }}\n"
        "    steps:\n"
        "      - run: docker login -u acme -p Acme-Registry-2024 registry.example.com\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
        "    container:\n"
        "      image: ghcr.io/acme/builder:1.4\n"
        "      credentials:\n"
        "        username: acme-ci\n"
        "        password: ${{ secrets.REGISTRY_PASSWORD }}\n"
        "    env:\n"
        "      API_TOKEN: ${{ secrets.API_TOKEN }}\n"
        "      DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n"
        "    steps:\n"
        "      - env:\n"
        "          REGISTRY_PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}\n"
        '        run: echo "$REGISTRY_PASSWORD" | docker login -u acme --password-stdin '
        "registry.example.com\n"
    ),
)
def no_hardcoded_secrets(job: Job) -> Iterator[Violation]:
    seen: set[tuple[Path | None, int | None, str, str | None]] = set()

    def fresh(v: Violation) -> bool:
        key = (v.path, v.line, v.message, v.secret)
        if key in seen:
            return False
        seen.add(key)
        return True

    for f, mode in _env_fields(job):
        yield from filter(fresh, _judge(f, mode, job))
    for f in _credential_fields(job):
        yield from filter(fresh, _judge(f, "credential", job))
    for f, mode in _input_fields(job):
        yield from filter(fresh, _judge(f, mode, job))
    for step in job.steps:
        yield from filter(fresh, _run_findings(job, step))
