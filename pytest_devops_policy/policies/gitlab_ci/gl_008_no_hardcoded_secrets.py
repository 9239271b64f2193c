"""GL-008: no credentials written into a GitLab CI file.

What is a secret comes from the shared secret knowledge, the same as GHA-005 and DOCKER-006:
secret-like names (``knowledge.secrets.names``) with the SECRET-009 value gate
(``knowledge.secrets.gates``), the provider-token detectors (``knowledge.secrets.values``)
for any value, and the SECRET engine (``knowledge.secrets.engine.file_hits``) over scripts.
Commands are read with the CI segment reader (``knowledge.ci.script_exprs``).

One item per file (the ``pipeline`` node), so a global variable or a template's script is
reported once, at the line that wrote it, not once per job that inherits it. Keys written in
an included file are judged in that file's own item.

Decisions where the catalog is silent:

* ``variables:`` of ``rules:`` entries count like job variables.
* A value that references another variable (``$DB_PASSWORD``) is a reference, not a secret.
* ``docker login -p X`` (and podman/buildah/nerdctl/skopeo/oras, ``helm registry login``)
  and ``echo X | docker login --password-stdin`` fail when X is a literal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.formats.gitlab_ci.config import GLOBAL_KEYWORDS
from pytest_devops_policy.formats.gitlab_ci.pipeline import Pipeline
from pytest_devops_policy.knowledge.ci.script_exprs import ScriptCommand, script_commands
from pytest_devops_policy.knowledge.secrets.engine import file_hits
from pytest_devops_policy.knowledge.secrets.gates import credential_shaped
from pytest_devops_policy.knowledge.secrets.names import (
    is_placeholder,
    is_reference,
    is_secret_like,
)
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.masking import mask

Path = tuple[PathPart, ...]
_SECTIONS = ("before_script", "script", "after_script")
_LOGINS = frozenset({"docker", "podman", "buildah", "nerdctl", "skopeo", "oras", "crane", "regctl"})


def _a(label: str) -> str:
    return f"{'an' if label[:1] in 'AEIOUaeiou' else 'a'} {label}"


def _text(value: Any) -> str | None:
    """A variable's value as written: ``X: v`` or ``X: {value: v, description: …}``."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    return str(value)


def _variable(where: str, name: str, value: Any, path: Path) -> Iterator[Violation]:
    text = _text(value)
    if text is None or not text.strip():
        return
    if isinstance(value, Mapping):
        path = (*path, "value")
    hits = detect_secrets(text)
    for hit in hits:
        yield Violation(
            f"{where} {name} holds {_a(hit.label)} ({hit.detector}): {mask(hit.match)}; "
            "anyone who can read the repository can use it",
            path=path,
            secret=hit.match,
        )
    value_text = text.strip()
    if hits or is_placeholder(value_text, name) or is_reference(value_text):
        return
    if is_secret_like(name, value_text) and credential_shaped(name, value_text):
        yield Violation(
            f"{where} {name} has a literal value {mask(value_text)} under a secret-like name: "
            "it is in the repository and its history, readable by everyone who can clone it; "
            "define it as a masked, protected CI/CD variable in the project settings instead",
            path=path,
            secret=value_text,
        )


def _variables(where: str, block: Any, path: Path) -> Iterator[Violation]:
    if isinstance(block, Mapping):
        for name, value in block.items():
            yield from _variable(where, str(name), value, (*path, name))


def _is_literal(word: str) -> bool:
    return bool(word) and "$" not in word and not is_placeholder(word)


def _option(words: Sequence[str], short: str, long: str) -> str | None:
    for i, w in enumerate(words):
        if w in (short, long):
            return words[i + 1] if i + 1 < len(words) else None
        if w.startswith(long + "="):
            return w[len(long) + 1 :]
        if w.startswith(short) and not w.startswith("--") and len(w) > len(short):
            return w[len(short) :]
    return None


def _login_password(cmd: ScriptCommand, prev: ScriptCommand | None) -> str | None:
    words = cmd.command.words
    login = (cmd.name in _LOGINS and len(words) > 1 and words[1] == "login") or (
        cmd.name == "helm" and words[1:3] == ("registry", "login")
    )
    if not login:
        return None
    value = _option(words[2:], "-p", "--password")
    if value is not None:
        return value if _is_literal(value) else None
    piped = prev is not None and cmd.segment.op == "|" and prev.name in ("echo", "printf")
    if "--password-stdin" in words and piped and prev is not None:
        args = [w for w in prev.command.words[1:] if not w.startswith("-")]
        if args and all(_is_literal(a) for a in args):
            return args[-1]
    return None


def _script(where: str, lines: Any, path: Path, relpath: str) -> Iterator[Violation]:
    items = lines if isinstance(lines, list) else [lines]
    for i, line in enumerate(items):
        if not isinstance(line, str):
            continue
        at: Path = (*path, i) if isinstance(lines, list) else path
        for found in file_hits(line, relpath):
            secret = found.hit.secret or line[found.hit.start : found.hit.end]
            yield Violation(
                f"{where} holds {_a(found.hit.label)} ({found.hit.policy}): {mask(secret)}; "
                "anyone who can read the repository can use it, and the job log shows it",
                path=at,
                secret=secret,
            )
        prev: ScriptCommand | None = None
        for cmd in script_commands(line):
            password = _login_password(cmd, prev)
            prev = cmd
            if password is not None:
                yield Violation(
                    f"{where}: '{cmd.name} login' is given the literal password "
                    f"{mask(password)}; use a masked CI/CD variable through stdin "
                    '(echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" '
                    '--password-stdin "$CI_REGISTRY")',
                    path=at,
                    secret=password,
                )


def _job(pipeline: Pipeline, name: str, job: Mapping[str, Any]) -> Iterator[Violation]:
    what = "template" if name.startswith(".") else "job"
    yield from _variables(f"{what} '{name}' variable", job.get("variables"), (name, "variables"))
    rules = job.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, Mapping):
            where = f"{what} '{name}' rules[{i}] variable"
            yield from _variables(where, rule.get("variables"), (name, "rules", i, "variables"))
    for section in _SECTIONS:
        if section in job:
            where = f"{what} '{name}' {section}"
            yield from _script(where, job[section], (name, section), pipeline.source.relpath)


def _here(pipeline: Pipeline, path: Path) -> bool:
    """The key was written in this file (an included file's keys are judged there)."""
    return pipeline.elsewhere(path) is None


@policy(
    id="GL-008",
    name="no-hardcoded-secrets",
    title="No hardcoded secrets in GitLab CI files",
    severity=Severity.CRITICAL,
    rationale=(
        "A credential written into .gitlab-ci.yml is in the repository and all of its "
        "history: everyone who can read or fork the project can use it, it is copied into "
        "every clone, and it cannot be rotated by editing a setting. Masking and protection "
        "are properties of CI/CD variables defined in the project or group settings; a value "
        "in the file has neither, and GitLab prints it in job logs."
    ),
    remediation=(
        "Define the value as a masked (and protected) CI/CD variable in Settings > CI/CD > "
        "Variables, or fetch it from a secrets manager (secrets: with Vault, or an id_token "
        "for OIDC), and refer to it by name ($DEPLOY_TOKEN). Log in to registries with "
        'echo "$CI_REGISTRY_PASSWORD" | docker login --password-stdin. Rotate the exposed '
        "credential: removing it from the file does not remove it from the history."
    ),
    controls=("CWE-798", "NIST-800-53-IA-5", "CIS-SSCS-1.5"),
    references=(
        "checkov:CKV_SECRET_2",
        "checkov:CKV_SECRET_6",
        "https://docs.gitlab.com/ci/variables/#cicd-variable-security",
    ),
    example=(
        "variables:\n"
        "  API_TOKEN: 7f3c9a1e5b2d8f40c6a1\n"
        "publish:\n"
        "  stage: deploy\n"
        "  variables:\n"
        "    DB_PASSWORD:\n"
        "      value: Sup3rS3cret2024\n"
        "      description: production database\n"
        "  script:\n"
        "    - docker login -u ci -p Acme-Registry-2024 registry.example.com\n"
        "    - ./publish.sh\n"
    ),
    use_instead=(
        "# API_TOKEN and DB_PASSWORD are masked, protected CI/CD variables (project settings).\n"
        "publish:\n"
        "  stage: deploy\n"
        "  script:\n"
        '    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" '
        '--password-stdin "$CI_REGISTRY"\n'
        "    - ./publish.sh\n"
    ),
)
def no_hardcoded_secrets(gl_pipeline: Pipeline) -> Iterator[Violation]:
    raw = gl_pipeline.raw
    found = _variables("the global variable", raw.get("variables"), ("variables",))
    yield from (v for v in found if v.path is None or _here(gl_pipeline, v.path))
    default = raw.get("default")
    if isinstance(default, Mapping):
        for section in _SECTIONS:
            if section in default and _here(gl_pipeline, ("default", section)):
                where = f"default: {section}"
                relpath = gl_pipeline.source.relpath
                yield from _script(where, default[section], ("default", section), relpath)
    for section in _SECTIONS:  # deprecated top-level defaults
        if section in raw and _here(gl_pipeline, (section,)):
            yield from _script(section, raw[section], (section,), gl_pipeline.source.relpath)
    for name, job in raw.items():
        if name in GLOBAL_KEYWORDS or not isinstance(job, Mapping):
            continue
        yield from (v for v in _job(gl_pipeline, name, job) if _here(gl_pipeline, v.path or ()))
