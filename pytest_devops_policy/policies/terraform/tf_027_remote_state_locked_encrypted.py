"""TF-027 remote-state-locked-encrypted: a root module keeps its state remotely, encrypted and
locked, without credentials in the backend configuration.

One item per root module (§5.1), on the ``terraform`` block that declares the backend (or
the first ``terraform`` block); a root module without any ``terraform`` block has its item
on line 1 of its first ``.tf`` file (``indexes.terraform_blocks``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.blocks import TfBlock
from pytest_devops_policy.formats.terraform.model import Attribute, Block, Value, is_literal
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.indexes.terraform_blocks import (
    BackendFile,
    backend_files,
    has_lock_file,
    is_anchor,
    is_root,
    lock_file_expected,
    settings,
)
from pytest_devops_policy.knowledge.secrets.names import is_placeholder
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.knowledge.terraform.backends import (
    CREDENTIAL_SETTINGS,
    LOCAL_BACKENDS,
    REQUIRED_SETTINGS,
    SELF_MANAGING,
    is_json_credentials,
)
from pytest_devops_policy.knowledge.terraform.module import Findings, short
from pytest_devops_policy.knowledge.terraform.values import to_bool
from pytest_devops_policy.masking import mask


def _applies(tf_block: TfBlock, context: Context) -> bool:
    if tf_block.type != "terraform":
        return False
    module: TfModule = context.index(tf_block)
    return is_root(module, context) and is_anchor(tf_block, module, context)


@dataclass(frozen=True)
class _Setting:
    value: Value
    path: tuple[PathPart, ...]  # inside the anchor block
    origin: str = ""  # "config/prod.s3.tfbackend:3" for a value from a backend file

    @property
    def where(self) -> str:
        return f" (in {self.origin})" if self.origin else ""


@dataclass(frozen=True)
class _Config:
    """One way the backend is configured: the block, plus one committed backend file."""

    settings: dict[str, _Setting]
    partial: bool  # settings init needs are missing and no file supplies them
    origin: str  # "" or the backend file


def _configs(
    backend: Block, base: tuple[PathPart, ...], files: tuple[BackendFile, ...]
) -> list[_Config]:
    own = {name: _Setting(attr.value, (*base, name)) for name, attr in backend.attributes.items()}
    required = REQUIRED_SETTINGS.get(backend.labels[0] if backend.labels else "", ())
    if all(name in own for name in required):
        return [_Config(own, False, "")]
    if not files:
        return [_Config(own, True, "")]
    out: list[_Config] = []
    for f in files:
        merged = dict(own)
        for name, attr in f.attributes.items():
            merged[name] = _from_file(attr, base, f.relpath)
        out.append(_Config(merged, False, f.relpath))
    return out


def _from_file(attr: Attribute, base: tuple[PathPart, ...], relpath: str) -> _Setting:
    return _Setting(attr.value, base, f"{relpath}:{attr.line}")


def _credentials(kind: str, config: _Config) -> Findings:
    for name in sorted(CREDENTIAL_SETTINGS):
        setting = config.settings.get(name)
        if setting is None or not isinstance(setting.value, str):
            continue
        text = setting.value
        if not text.strip() or is_placeholder(text, name):
            continue
        if name == "credentials" and not is_json_credentials(text):
            continue  # a path to a key file (SECRET-013 judges a committed one)
        if name == "conn_str" and not any(h.detector == "SECRET-008" for h in detect_secrets(text)):
            continue
        secret = text
        if name == "conn_str":
            secret = next(h.match for h in detect_secrets(text) if h.detector == "SECRET-008")
        yield Violation(
            f'backend "{kind}" has a literal {name} value{setting.where}: {mask(secret)}. Backend '
            "settings are committed with the code and copied into .terraform/ on every "
            "machine that runs init; give credentials through the environment or a role",
            path=setting.path,
            severity=Severity.CRITICAL,
            secret=secret,
        )


def _flag(config: _Config, name: str) -> bool | None:
    setting = config.settings.get(name)
    if setting is None:
        return None
    return to_bool(setting.value) if is_literal(setting.value) else None


def _not_literal(kind: str, name: str, s: _Setting) -> Unknown:
    return Unknown(
        f'backend "{kind}" {name} = {short(s.value)}{s.where}: a backend block cannot use '
        "variables or expressions (terraform init rejects it)"
    )


def _s3(config: _Config, base: tuple[PathPart, ...], partial_note: str) -> Findings:
    encrypt = config.settings.get("encrypt")
    if encrypt is not None and not is_literal(encrypt.value):
        yield _not_literal("s3", "encrypt", encrypt)
    elif encrypt is None and config.partial:
        yield Unknown(f'backend "s3" encrypt is not set{partial_note}')
    elif to_bool(encrypt.value if encrypt is not None else None) is not True:
        shown = "is not set" if encrypt is None else f"= {short(encrypt.value)}"
        where = encrypt.where if encrypt is not None else _in(config)
        yield Violation(
            f'backend "s3" encrypt {shown}{where}: state (with every secret and resource '
            "attribute it records) is not written with server-side encryption; set "
            "encrypt = true (and kms_key_id for a customer-managed key)",
            path=encrypt.path if encrypt is not None else (*base, "encrypt"),
        )
    table = config.settings.get("dynamodb_table")
    lockfile = config.settings.get("use_lockfile")
    for s, name in ((table, "dynamodb_table"), (lockfile, "use_lockfile")):
        if s is not None and not is_literal(s.value):
            yield _not_literal("s3", name, s)
            return
    has_table = table is not None and isinstance(table.value, str) and bool(table.value.strip())
    if has_table or _flag(config, "use_lockfile") is True:
        return
    if config.partial and table is None and lockfile is None:
        yield Unknown(f'backend "s3" state locking is not set{partial_note}')
        return
    yield Violation(
        f'backend "s3" has no state locking{_in(config)}: two concurrent applies can '
        "overwrite each other's state; set use_lockfile = true (Terraform >= 1.10) or "
        "dynamodb_table",
        path=lockfile.path if lockfile is not None else base,
    )


def _gcs(config: _Config, base: tuple[PathPart, ...], partial_note: str) -> Findings:
    bucket = config.settings.get("bucket")
    if bucket is None:
        yield Unknown(f'backend "gcs" bucket is not set{partial_note}')
    elif not is_literal(bucket.value):
        yield _not_literal("gcs", "bucket", bucket)
    elif not (isinstance(bucket.value, str) and bucket.value.strip()):
        yield Violation(f'backend "gcs" bucket is empty{bucket.where}', path=bucket.path)


def _azurerm(config: _Config, base: tuple[PathPart, ...], partial_note: str) -> Findings:
    aad = config.settings.get("use_azuread_auth")
    if aad is None and config.partial:
        yield Unknown(f'backend "azurerm" use_azuread_auth is not set{partial_note}')
        return
    if aad is not None and not is_literal(aad.value):
        yield _not_literal("azurerm", "use_azuread_auth", aad)
    elif _flag(config, "use_azuread_auth") is not True:
        shown = "is not set" if aad is None else f"= {short(aad.value)}"
        yield Violation(
            f'backend "azurerm" use_azuread_auth {shown}{aad.where if aad else _in(config)}: '
            "the backend reads the storage account's access key, which grants full control of "
            "the account; set use_azuread_auth = true and grant Storage Blob Data Contributor",
            path=aad.path if aad is not None else base,
            severity=Severity.LOW,
        )


def _in(config: _Config) -> str:
    return f" (with {config.origin})" if config.origin else ""


_CHECKS = {"s3": _s3, "gcs": _gcs, "azurerm": _azurerm}


def _backend(module: TfModule, context: Context, backend: Block) -> Findings:
    kind = backend.labels[0] if backend.type == "backend" and backend.labels else backend.type
    index = 0  # terraform allows one backend (or cloud) block per module
    base: tuple[PathPart, ...] = (backend.type, index)
    if kind in LOCAL_BACKENDS:
        yield Violation(
            f'backend "{kind}" keeps the state in a file on the machine that runs Terraform: '
            "it is not shared, locked across machines, backed up or encrypted; use a remote "
            "backend (s3, gcs, azurerm) or HCP Terraform (cloud {})",
            path=base,
        )
        return
    files = backend_files(module, context) if kind in REQUIRED_SETTINGS else ()
    configs = _configs(backend, base, files)
    note = (
        f': a partial configuration (backend "{kind}" without '
        f"{', '.join(n for n in REQUIRED_SETTINGS.get(kind, ()) if n not in backend.attributes)}"
        ") completed at init time by -backend-config, and no committed *.tfbackend or "
        "backend.hcl file says what it is"
    )
    for config in configs:
        yield from _credentials(kind, config)
        if kind in SELF_MANAGING:
            continue
        check = _CHECKS.get(kind)
        if check is not None:
            yield from check(config, base, note)


def _module_name(module: TfModule, context: Context) -> str:
    rel = context.cache.relpath(module.directory)
    return "the root module" if rel in (".", "") else f"root module {rel}"


@policy(
    id="TF-027",
    name="remote-state-locked-encrypted",
    title="Root modules keep their state remote, encrypted and locked",
    severity=Severity.MEDIUM,
    rationale=(
        "Terraform state holds every resource attribute, including generated passwords and "
        "keys. Local state lives on one laptop or CI runner: it is lost with it, cannot be "
        "shared, and two people applying at once corrupt it. A remote backend without "
        "encryption stores those secrets in clear; one without locking lets concurrent applies "
        "overwrite each other. Credentials written into the backend block are committed with "
        "the code. Pinning the Terraform version (required_version) and committing the "
        "dependency lock file make the state's writer reproducible."
    ),
    remediation=(
        'Declare a remote backend in each root module: backend "s3" with encrypt = true and '
        'use_lockfile = true (or dynamodb_table), backend "gcs" with a bucket, backend '
        '"azurerm" with use_azuread_auth = true, or cloud {} for HCP Terraform. Pass '
        "credentials through the environment, not the block. Set terraform { required_version } "
        "and commit .terraform.lock.hcl."
    ),
    controls=("NIST-800-53-SC-28", "NIST-800-53-CP-9", "NIST-800-53-CM-2"),
    references=(
        "https://developer.hashicorp.com/terraform/language/backend/s3",
        "https://developer.hashicorp.com/terraform/language/backend/gcs",
        "https://developer.hashicorp.com/terraform/language/backend/azurerm",
        "https://developer.hashicorp.com/terraform/language/backend#partial-configuration",
        "https://developer.hashicorp.com/terraform/language/files/dependency-lock",
    ),
    applies=_applies,
    example="""\
terraform {
  required_version = ">= 1.10"

  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "network/terraform.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = "eu-west-1"
}
""",
    use_instead="""\
terraform {
  required_version = ">= 1.10"

  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "network/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"
}
""",
)
def remote_state_locked_encrypted(tf_block: TfBlock, context: Context) -> Findings:
    module: TfModule = context.index(tf_block)
    found = settings(module, context)
    name = _module_name(module, context)
    if found.backend is None:
        if tf_block.synthetic:
            what = "has no terraform block, so no backend"
        else:
            what = "declares no backend or cloud block"
        yield Violation(
            f"{name} {what}: its state is a local terraform.tfstate, which is not shared, "
            "locked, backed up or encrypted (and is easily committed)",
            path=(),
        )
    else:
        yield from _backend(module, context, found.backend[2])
    yield from _version_and_lock(tf_block, module, context, name)


def _version_and_lock(
    tf_block: TfBlock, module: TfModule, context: Context, name: str
) -> Iterator[Violation]:
    found = settings(module, context)
    if not any(b.has("required_version") for _, b in found.terraform):
        yield Violation(
            f"{name} does not set terraform {{ required_version }}: any Terraform version may "
            "write (and upgrade) its state",
            path=(),
            severity=Severity.LOW,
        )
    if lock_file_expected(module, context) and not has_lock_file(module):
        rel = context.cache.relpath(module.directory)
        where = ".terraform.lock.hcl" if rel in (".", "") else f"{rel}/.terraform.lock.hcl"
        yield Violation(
            f"{name} has no committed {where}: each init may select "
            "different provider versions (and unverified checksums)",
            path=(),
            severity=Severity.LOW,
        )
