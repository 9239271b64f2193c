"""GHA-026: steps keep TLS verification on, download over HTTPS, and check downloaded code
before running it."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.knowledge.ci.insecure_downloads import (
    DownloadFinding,
    env_findings,
    step_download_findings,
)

_TLS_WHY = ": anyone on the network path can replace what the job fetches"
_RUN_WHY = ": save it to a file, verify its checksum or signature, then run it"


@policy(
    id="GHA-026",
    name="no-insecure-downloads",
    title="Steps download over verified TLS and check what they run",
    severity=Severity.HIGH,
    rationale=(
        "A CI job holds the repository token, secrets and the artifacts it builds. With "
        "curl -k, wget --no-check-certificate, git http.sslVerify false, "
        "NODE_TLS_REJECT_UNAUTHORIZED=0 or GIT_SSL_NO_VERIFY, or a download over plain "
        "http://, anyone on the network path can serve their own tools, scripts and "
        "packages into the build (high). Piping a download into sh or bash (curl … | "
        "bash) runs whatever the server returns at that moment, with nothing pinned or "
        "checked (medium)."
    ),
    remediation=(
        "Use https:// URLs and keep certificate checks on: trust a private CA with "
        "curl --cacert, NODE_EXTRA_CA_CERTS or git http.sslCAInfo instead of switching "
        "verification off. Download installers to a file, verify them in the same step "
        "(echo '<sha256>  install.sh' | sha256sum -c -, gpg --verify, cosign verify-blob) "
        "and only then run them; better, use a pinned setup action or package."
    ),
    controls=("CWE-295", "CWE-494", "NIST-800-53-SC-8", "NIST-800-53-SI-7"),
    references=(
        "scorecard:Pinned-Dependencies",
        "zizmor:insecure-url-scheme",
        "checkov:CKV2_DOCKER_2",
        "checkov:CKV2_DOCKER_3",
    ),
    applies=lambda job: bool(job.steps),
    example=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    env:\n"
        "      NODE_TLS_REJECT_UNAUTHORIZED: 0\n"
        "    steps:\n"
        "      - run: curl -sSLk https://tools.example.com/install.sh | bash\n"
        "      - run: wget http://downloads.example.com/tool.tar.gz\n"
    ),
    use_instead=(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    env:\n"
        "      NODE_EXTRA_CA_CERTS: /etc/ssl/certs/internal-ca.pem\n"
        "    steps:\n"
        "      - run: |\n"
        "          curl -fsSLo install.sh https://tools.example.com/install-2.3.1.sh\n"
        '          echo "3f5a1e0c2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f'
        '  install.sh" | sha256sum -c -\n'
        "          bash install.sh\n"
        "      - run: wget https://downloads.example.com/tool.tar.gz\n"
    ),
)
def no_insecure_downloads(job: Job, context: Context) -> Iterator[Violation | Unknown]:
    workflow = job.workflow
    for name, message in env_findings(workflow.env, "the workflow"):
        if message is None:
            yield Unknown(f"the workflow's env sets {name} from an expression")
            continue
        line, _ = workflow.document.locate(("env", name)) or (job.line, 1)
        yield Violation(message + _TLS_WHY, line=line)
    for name, message in env_findings(job.env, job.display):
        if message is None:
            yield Unknown(f"{job.display} sets {name} from an expression in its env")
            continue
        yield Violation(message + _TLS_WHY, path=("env", name))
    # A job's service containers are reached by name on the job's own network.
    services = frozenset(str(s) for s in job.services)
    for found in step_download_findings(job.steps, services):
        if not isinstance(found, DownloadFinding):
            yield Unknown(found[1])
            continue
        yield Violation(
            found.message + (_TLS_WHY if found.tls else _RUN_WHY),
            path=found.step.path(*found.key),
            severity=None if found.tls else Severity.MEDIUM,
        )
