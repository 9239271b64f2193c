"""GHA-011: cloud and package-registry logins use OIDC, not long-lived keys.

A job gets an item only when it authenticates somewhere this policy knows (one of the login
actions below, or a cloud credential variable in its ``env``): other jobs are N/A.

Decisions where the catalog is silent:

* A credential input or variable whose value comes only from an earlier step or job
  (``${{ steps.vault.outputs.key }}``) is minted at run time (Vault, a role chain) and
  passes; one from ``secrets``, ``vars`` or a literal is long-lived and fails.
* ``AZURE_CLIENT_SECRET`` (the Azure SDKs' name) counts like ``ARM_CLIENT_SECRET``.
* Static keys next to ``role-to-assume`` still fail: the role is assumed *with* them.
* ``AWS_SECRET_ACCESS_KEY`` for an S3-compatible store that is not AWS (``AWS_ENDPOINT_URL``
  or ``aws --endpoint-url`` pointing elsewhere, e.g. Cloudflare R2) passes: there is no
  OIDC to move to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.formats.github_actions.expressions import find_expressions
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.knowledge.ci.taint import flows
from pytest_devops_policy.knowledge.secrets.names import is_placeholder

Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class _Login:
    provider: str
    static_inputs: tuple[str, ...]  # inputs that carry a long-lived credential
    instead: str  # the OIDC form, for the message
    # Inputs naming the server, and the hosts that offer OIDC (trusted publishing): a
    # credential for another server (a private index) has no OIDC alternative.
    server_inputs: tuple[str, ...] = ()
    oidc_hosts: tuple[str, ...] = ()


_LOGINS: Mapping[str, _Login] = {
    "aws-actions/configure-aws-credentials": _Login(
        "AWS",
        ("aws-access-key-id", "aws-secret-access-key"),
        "role-to-assume: arn:aws:iam::<account>:role/<role> with 'permissions: id-token: write'",
    ),
    "google-github-actions/auth": _Login(
        "Google Cloud",
        ("credentials_json",),
        "workload_identity_provider: projects/<n>/locations/global/workloadIdentityPools/<pool>/"
        "providers/<provider> with 'permissions: id-token: write'",
    ),
    "azure/login": _Login(
        "Azure",
        ("creds", "client-secret"),
        "only client-id, tenant-id and subscription-id (a federated credential) with "
        "'permissions: id-token: write'",
    ),
    "pypa/gh-action-pypi-publish": _Login(
        "PyPI",
        ("password",),
        "trusted publishing: drop 'password' and grant 'permissions: id-token: write'",
        ("repository-url", "repository_url"),
        ("upload.pypi.org", "test.pypi.org", "pypi.org"),
    ),
    "rubygems/configure-rubygems-credentials": _Login(
        "RubyGems",
        ("api-token",),
        "trusted publishing: drop 'api-token' and grant 'permissions: id-token: write'",
        ("gem-server",),
        ("rubygems.org",),
    ),
}
# Variables the cloud SDKs and Terraform providers read a long-lived credential from.
_CREDENTIAL_ENV: Mapping[str, str] = {
    "AWS_SECRET_ACCESS_KEY": "AWS",
    "GOOGLE_CREDENTIALS": "Google Cloud",
    "GOOGLE_APPLICATION_CREDENTIALS": "Google Cloud",
    "ARM_CLIENT_SECRET": "Azure",
    "AZURE_CLIENT_SECRET": "Azure",
}
# Usually a file path; only the key JSON itself, pasted from a secret, is a finding.
_PATH_VALUED = frozenset({"GOOGLE_APPLICATION_CREDENTIALS"})
_RUNTIME = ("steps.", "needs.", "jobs.")


def _login(step: Step) -> tuple[str, _Login] | None:
    uses = step.uses
    if uses is None or not uses.is_remote:
        return None
    name = uses.slug.lower()
    found = _LOGINS.get(name)
    return (name, found) if found is not None else None


def _other_server(step: Step, login: _Login) -> bool:
    """The step logs in to a server other than the provider's own (or one only known at run
    time), for which OIDC may not exist."""
    for name in login.server_inputs:
        value = step.with_.get(name)
        if value is None or not str(value).strip():
            continue
        text = str(value).strip()
        if "${{" in text:
            return True
        host = text.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
        return host not in login.oidc_hosts
    return False


def _long_lived(value: Any, path_valued: bool = False) -> bool:
    """The value is a stored credential: from ``secrets``/``vars``, or a literal."""
    if value is None or isinstance(value, bool):
        return False
    text = str(value).strip()
    if not text:
        return False
    exprs = find_expressions(text)
    if not exprs:
        return not path_valued and not is_placeholder(text)
    contexts = [c for e in exprs for c in flows(e)]
    if path_valued:
        return any(c.startswith("secrets.") for c in contexts)
    return any(not c.startswith(_RUNTIME) for c in contexts)


_ENDPOINTS = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")


def _elsewhere(value: Any) -> bool:
    """An endpoint that is not AWS's own (R2, MinIO, Backblaze...)."""
    return isinstance(value, str) and bool(value.strip()) and "amazonaws.com" not in value


def _not_aws(job: Job, steps: list[Step]) -> bool:
    """The AWS variables are for an S3-compatible store elsewhere: an endpoint variable the
    steps see, or ``--endpoint-url`` on their command lines, names another host."""
    for step in steps:
        for name in _ENDPOINTS:
            found = job.env_value(name, step)
            if found is not None and _elsewhere(found[0]):
                return True
        run = step.run or ""
        if "--endpoint-url" in run and "amazonaws.com" not in run:
            return True
    return False


def _env_entries(job: Job) -> Iterator[tuple[str, str, Any, Path | None, int | None]]:
    """(where, name, value, job-relative path, line) of each cloud credential variable."""
    wf = job.workflow

    def wanted(name: object, steps: list[Step]) -> bool:
        n = str(name).upper()
        if n not in _CREDENTIAL_ENV:
            return False
        return n != "AWS_SECRET_ACCESS_KEY" or not _not_aws(job, steps or [])

    for name, value in wf.env.items():
        if wanted(name, job.steps):
            line = (wf.document.locate(("env", name)) or (job.line, 1))[0]
            yield "the workflow's env", str(name), value, None, line
    for name, value in job.env.items():
        if wanted(name, job.steps):
            yield f"{job.display} env", str(name), value, ("env", name), None
    for step in job.steps:
        for name, value in step.env.items():
            if wanted(name, [step]):
                yield f"{step.label} env", str(name), value, step.path("env", name), None


def _applies(job: Job) -> bool:
    """Jobs that log in to a cloud, PyPI or RubyGems (N/A for the others, catalog §7.3)."""
    return (
        any(_login(s) is not None for s in job.steps) or next(_env_entries(job), None) is not None
    )


@policy(
    id="GHA-011",
    name="prefer-oidc-over-static-cloud-keys",
    title="Cloud logins use OIDC, not long-lived keys",
    severity=Severity.MEDIUM,
    rationale=(
        "An access key, service-account key or client secret stored as a secret works from "
        "anywhere until someone rotates it: a leaked log, a compromised action or a fork "
        "that gets hold of it keeps the access for months. With OpenID Connect the job "
        "exchanges a short-lived GitHub token for credentials that expire within the hour, "
        "and the cloud side can restrict them to this repository, branch or environment. "
        "PyPI's trusted publishing does the same for package uploads."
    ),
    remediation=(
        "Grant 'permissions: id-token: write' to the job and federate: "
        "aws-actions/configure-aws-credentials with role-to-assume; google-github-actions/auth "
        "with workload_identity_provider (and service_account); azure/login with client-id, "
        "tenant-id and subscription-id only; pypa/gh-action-pypi-publish without a password "
        "(a trusted publisher on PyPI). Then delete the stored keys."
    ),
    controls=(
        "CWE-798",
        "NIST-800-53-IA-5",
        "OpenSSF-Scorecard-Token-Permissions",
        "CIS-SSCS-2.3",
    ),
    references=(
        "zizmor:use-trusted-publishing",
        "checkov:CKV_AWS_358",
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect",
        "https://docs.pypi.org/trusted-publishers/",
    ),
    applies=_applies,
    example=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
        "        with:\n"
        "          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
        "          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
        "          aws-region: eu-west-1\n"
        "      - run: aws s3 sync site/ s3://example-site\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "  id-token: write\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
        "        with:\n"
        "          role-to-assume: arn:aws:iam::123456789012:role/site-deploy\n"
        "          aws-region: eu-west-1\n"
        "      - run: aws s3 sync site/ s3://example-site\n"
    ),
)
def prefer_oidc_over_static_cloud_keys(job: Job) -> Iterator[Violation]:
    for step in job.steps:
        found = _login(step)
        if found is None:
            continue
        action, login = found
        static = [i for i in login.static_inputs if _long_lived(step.with_.get(i))]
        if not static or _other_server(step, login):
            continue
        inputs = ", ".join(static)
        yield Violation(
            f"{step.label} ({action}) logs in to {login.provider} with a long-lived credential "
            f"({inputs}); use OIDC instead: {login.instead}",
            path=step.path("with", static[0]),
        )
    for where, name, value, path, line in _env_entries(job):
        if not _long_lived(value, path_valued=name.upper() in _PATH_VALUED):
            continue
        provider = _CREDENTIAL_ENV[name.upper()]
        yield Violation(
            f"{where} sets {name} from a stored credential: a long-lived {provider} key that "
            f"every step of the job can read; log in with OIDC instead (see the remediation) "
            "and let the login action export short-lived credentials",
            path=path,
            line=line,
        )
