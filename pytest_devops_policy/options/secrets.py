"""``[tool.devops-policy.secrets]``: what the SECRET policies read and how (catalog §6.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pytest_devops_policy.options.spec import KindOptions, option, positive_int

__all__ = ["DEFAULT_INCLUDE", "SecretsOptions"]

# Files read for secrets besides every collected infrastructure file (catalog §6.1).
DEFAULT_INCLUDE: tuple[str, ...] = (
    "**/.env*",
    "**/*.env",
    "**/.envrc",
    "**/*.tfvars",
    "**/*.pem",
    "**/*.key",
    "**/*.p12",
    "**/*.pfx",
    "**/*.json",
    "**/*.y*ml",
    "**/*.properties",
    "**/*.ini",
    "**/*.cfg",
    "**/*.conf",
    "**/*.toml",
    "**/*.sh",
    "**/.npmrc",
    "**/.pypirc",
    "**/.netrc",
    "**/.git-credentials",
    "**/*.tfstate*",
    "**/kubeconfig*",
    "**/.kube/config",
    "**/.docker/config.json",
    "**/.aws/credentials",
    "**/id_rsa",
    "**/id_dsa",
    "**/id_ecdsa",
    "**/id_ed25519",
    "**/*.ppk",
    "**/*.jks",
    "**/*.keystore",
    "**/*.publishsettings",
)


def _globs(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise ValueError("must be a list of glob patterns")


@dataclass(frozen=True)
class SecretsOptions(KindOptions):
    TABLE: ClassVar[str] = "secrets"

    include: tuple[str, ...] = option(
        DEFAULT_INCLUDE,
        "Files read for secrets besides every collected infrastructure file (globs relative "
        "to the rootdir, `**` for any directories).",
        parse=_globs,
        type_text="list of glob",
    )
    max_bytes: int = option(
        1024 * 1024,
        "Files larger than this many bytes are not read for secrets (they are named in the "
        "summary).",
        parse=positive_int,
        type_text="integer >= 1",
    )
    baseline: str = option(
        ".devops-policy-secrets-baseline.json",
        "The secrets baseline (relative to the rootdir): hashed hits accepted as waived; an "
        "entry that matches nothing is reported as an unused waiver. Written by `python -m "
        "pytest_devops_policy.secretsbaseline`.",
    )
    entropy: bool = option(
        False,
        "Report high-entropy strings no other rule explains (SECRET-010); noisy in "
        "infrastructure code, so off by default.",
        policies=("SECRET-010",),
    )
