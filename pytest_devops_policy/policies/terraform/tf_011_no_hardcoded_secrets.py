"""TF-011 no-hardcoded-secrets: no literal credential in Terraform code or committed tfvars.

A resource policy (one item per resource that has a credential-bearing attribute) that also
judges ``provider``, ``variable`` and ``module`` blocks (``kinds.TF_BLOCK_POLICIES``): a
provider's credentials, a secret-named variable's default and tfvars value, and secret-named
arguments of a module call.

A value counts when it is a literal, or resolves to one through a variable default, a
committed tfvars file or a local. A reference that does not resolve (a variable without a
value, ``random_password.x.result``, a data source, an ephemeral value) is supplied at run
time: that is the fix, so it passes rather than being Unknown.

Not judged on a Terraform plan JSON (``formats.terraform.plan``): a plan holds every value
resolved, from wherever it came (a vault, an environment variable, a ``-var`` on the command
line), so a credential in a plan says nothing about the code. The ``.tf`` and tfvars files
the plan was made from are judged instead; the plan's sensitive values are masked in every
output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.terraform.blocks import TfBlock
from pytest_devops_policy.formats.terraform.calls import ModuleResource
from pytest_devops_policy.formats.terraform.model import Block, Expr, TfFile, Value, is_literal
from pytest_devops_policy.formats.terraform.plan import from_plan
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule
from pytest_devops_policy.indexes.terraform_blocks import repo_file
from pytest_devops_policy.knowledge.secrets.gates import credential_shaped
from pytest_devops_policy.knowledge.secrets.names import is_placeholder, is_secret_like
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.knowledge.terraform.backends import is_json_credentials
from pytest_devops_policy.knowledge.terraform.hardcoded_secrets import (
    BLOB_ATTRIBUTES,
    ENV_MAPS,
    PROVIDER_CREDENTIALS,
    SECRET_MAPS,
    SECRET_VALUES,
    is_secret_attribute,
    is_secret_variable,
)
from pytest_devops_policy.knowledge.terraform.module import Findings
from pytest_devops_policy.knowledge.terraform.values import to_bool, to_string
from pytest_devops_policy.masking import mask

Subject = TfResource | TfBlock
_MAX_FINDINGS = 20  # per item: a generated file full of keys needs no more to be fixed
# Values that reference a secret held elsewhere (App Service Key Vault references).
_REFERENCE_VALUE = re.compile(r"^@Microsoft\.KeyVault\(", re.I)
# ``NAME=value`` / ``export NAME="value"`` lines of a script: a literal assigned in user data.
_SCRIPT_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=([\"']?)([^\"'\s$`]+)\2[ \t]*$", re.M
)
# Script-like metadata keys: scanned as blobs, not as settings.
_SCRIPT_KEYS = ("startup-script", "user-data", "windows-startup-script-ps1")
# Attributes named like a secret that name or point at one in these resource types.
_NOT_CREDENTIAL: frozenset[tuple[str, str]] = frozenset(
    {
        ("google_secret_manager_secret_version", "secret"),
        ("google_secret_manager_regional_secret_version", "secret"),
    }
)

# --------------------------------------------------------------------------- which items


def _walk(block: Block) -> Iterator[tuple[Block, str]]:
    """Every (block, attribute name) of a block and its nested blocks."""
    for name in block.attributes:
        yield block, name
    for child in block.blocks:
        yield from _walk(child)


def _provider_names(block: Block) -> Iterator[tuple[Block, str]]:
    listed = PROVIDER_CREDENTIALS.get(block.labels[0] if block.labels else "", ())
    for owner, name in _walk(block):
        low = name.lower()
        if low.endswith(("_file", "_files", "_path", "_paths")):
            continue
        if name in listed or is_secret_like(name):
            yield owner, name


def _applies(tf_resource: Subject) -> bool:
    if isinstance(tf_resource, TfBlock):
        if tf_resource.type == "provider":
            return any(True for _ in _provider_names(tf_resource.block))
        if tf_resource.type == "variable":
            return is_secret_variable(tf_resource.name) and not _typed_scalar(tf_resource)
        if tf_resource.type == "module":
            return any(is_secret_attribute(n) for n in tf_resource.block.attributes)
        return False
    if tf_resource.disabled or isinstance(tf_resource, ModuleResource):
        # A called module's resource: its literals are the child's own (judged in the
        # child) or the call's arguments (judged on the module block): never twice.
        return False
    if from_plan(tf_resource):
        return False  # a plan's values are resolved from anywhere: not code
    t = tf_resource.type
    if t in SECRET_VALUES or t in SECRET_MAPS or t in ENV_MAPS or t in BLOB_ATTRIBUTES:
        return True
    if t in ("aws_ecs_task_definition", "google_compute_instance"):
        return True
    return any(is_secret_attribute(n) for _, n in _walk(tf_resource.block))


def _typed_scalar(var: TfBlock) -> bool:
    """``type = bool`` or ``number``: a switch or a length, never a credential."""
    t = var.get("type")
    return isinstance(t, Expr) and t.text.strip() in ("bool", "number")


# --------------------------------------------------------------------------- values


def _origin(raw: Value, module: TfModule) -> str:
    """Where a resolved literal comes from, for the message."""
    if is_literal(raw):
        return ""
    if isinstance(raw, Expr) and raw.kind == "ref" and len(raw.ref) >= 2 and raw.ref[0] == "var":
        name = str(raw.ref[1])
        found = _tfvars(module, name)
        if found is not None:
            return f" (var.{name}, set in {found[0]}:{found[1]})"
        return f" (the default of var.{name})"
    if isinstance(raw, Expr) and raw.kind == "ref":
        return " (from " + ".".join(str(p) for p in raw.ref) + ")"
    if isinstance(raw, Expr) and raw.kind == "call":
        return f" (from {raw.op}(...))"
    if isinstance(raw, Expr) and raw.kind == "cond":
        return " (a branch of a conditional)"
    return " (from an expression)"


def _tfvars(module: TfModule, name: str) -> tuple[str, int, Value] | None:
    """The committed tfvars file that sets ``name`` last (the one Terraform uses)."""
    found: tuple[str, int, Value] | None = None
    for parsed in module.files:
        if isinstance(parsed, TfFile) and not parsed.source.path.endswith(".tf"):
            attr = parsed.attributes.get(name)
            if attr is not None:
                found = (parsed.source.relpath, attr.line, attr.value)
    return found


def _texts(value: Value) -> Iterator[str]:
    """The strings (and numbers) of a literal value, leaves of lists and maps included."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (str, int, float)):
        text = to_string(value)
        if text is not None:
            yield text
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)


def _candidates(module: TfModule, raw: Value, within: TfResource | None) -> list[Value]:
    return [c for c in module.candidates(raw, within) if is_literal(c)]


def _credential(
    what: str, name: str, raw: Value, path: tuple[PathPart, ...], module: TfModule, within: Subject
) -> Iterator[Violation]:
    """A credential-named argument: any literal it takes is a committed secret."""
    resource = within if isinstance(within, TfResource) else None
    origin = _origin(raw, module)
    if isinstance(raw, Expr) and raw.kind == "call" and raw.op == "jsonencode" and raw.args:
        document = module.resolve(raw.args[0])
        if isinstance(document, dict):  # a JSON secret: judge its values by their keys
            yield from _env(what, document, path, secrets=True)
            return
    for candidate in _candidates(module, raw, resource):
        for text in _texts(candidate):
            if not text.strip() or _REFERENCE_VALUE.match(text):
                continue
            if is_placeholder(text, name):
                yield Violation(
                    f"{what} is the literal placeholder {mask(text)}{origin}: once applied it "
                    "is the real credential, and it is in the repository",
                    path=path,
                    severity=Severity.MEDIUM,
                    secret=text,
                )
                continue
            yield Violation(
                f"{what} is a literal credential {mask(text)}{origin}: it is committed with the "
                "code and stored in the state; read it from a secret store (a data source, an "
                "ephemeral value) or generate it (random_password)",
                path=path,
                secret=text,
            )
            return


# --------------------------------------------------------------------------- resources


def _resource(r: TfResource, module: TfModule) -> Findings:
    store = SECRET_VALUES.get(r.type, ())
    if r.type == "aws_ssm_parameter" and module.resolve(r.get("type")) != "SecureString":
        store = ()
    manages = to_bool(module.resolve(r.get("manage_master_user_password"))) is True
    for owner, name in _walk(r.block):
        path = (*owner.path, name)
        if name in store and owner is r.block:
            what = f"{r.address} {name} (a secret store's value)"
            yield from _credential(what, name, owner.get(name), path, module, r)
        elif is_secret_attribute(name) and (r.type, name) not in _NOT_CREDENTIAL:
            if manages and name == "password":
                continue  # RDS manages the master password in Secrets Manager
            what = f"{r.address} {'.'.join(str(p) for p in path if isinstance(p, str))}"
            yield from _credential(what, name, owner.get(name), path, module, r)
    for map_path in SECRET_MAPS.get(r.type, ()):
        for owner, name, path in _at(r, map_path):
            value = module.resolve(owner.get(name))
            if isinstance(value, dict):
                # Azure's secure_environment_variables are secret by declaration, whatever
                # their names; a Kubernetes Secret also holds usernames and hosts.
                every = map_path[-1] == "secure_environment_variables"
                yield from _env(
                    f"{r.address} {'.'.join(map_path)}", value, path, secrets=True, every=every
                )
    for map_path in ENV_MAPS.get(r.type, ()):
        for owner, name, path in _at(r, map_path):
            value = module.resolve(owner.get(name))
            if isinstance(value, dict):
                yield from _env(f"{r.address} {'.'.join(map_path)}", value, path)
    for name in BLOB_ATTRIBUTES.get(r.type, ()):
        yield from _blob(f"{r.address} {name}", module.resolve(r.get(name)), (name,))
    if r.type in ("google_compute_instance", "google_compute_instance_template"):
        metadata = module.resolve(r.get("metadata"))
        if isinstance(metadata, dict):
            for key in _SCRIPT_KEYS:
                yield from _blob(f"{r.address} metadata.{key}", metadata.get(key), ("metadata",))
            settings = {k: v for k, v in metadata.items() if k not in _SCRIPT_KEYS}
            yield from _env(f"{r.address} metadata", settings, ("metadata",))
    if r.type == "aws_ecs_task_definition":
        yield from _container_definitions(r, module)


def _at(r: TfResource, path: tuple[str, ...]) -> Iterator[tuple[Block, str, tuple[PathPart, ...]]]:
    """The attribute at ``path`` (nested block names, then the attribute) in every block."""
    owners = [r.block]
    for part in path[:-1]:
        owners = [b for o in owners for b in o.blocks if b.type == part]
    for owner in owners:
        if owner.has(path[-1]):
            yield owner, path[-1], (*owner.path, path[-1])


def _env(
    what: str,
    env: dict[str, Value],
    path: tuple[PathPart, ...],
    secrets: bool = False,
    every: bool = False,
) -> Iterator[Violation]:
    """Each value of an environment map: a well-known credential format, or a
    credential-shaped value under a secret-like key (``secrets``: a map of secrets, where
    any literal under a secret-like key counts)."""
    for key, value in env.items():
        text = to_string(value) if not isinstance(value, (dict, list)) else None
        if text is None or not text.strip() or _REFERENCE_VALUE.match(text):
            continue
        hits = detect_secrets(text)
        if hits:
            yield Violation(
                f"{what}[{key}] holds {hits[0].label} ({hits[0].detector}): {mask(hits[0].match)}",
                path=path,
                secret=hits[0].match,
            )
        elif is_placeholder(text, key) or not isinstance(value, str):
            continue
        elif every or (is_secret_like(key, text) and (secrets or credential_shaped(key, text))):
            yield Violation(
                f"{what}[{key}] is a literal credential {mask(text)}: it is committed with the "
                "code, stored in the state and shown by the console and API; reference a secret",
                path=path,
                secret=text,
            )


def _blob(what: str, value: Value, path: tuple[PathPart, ...]) -> Iterator[Violation]:
    if not isinstance(value, str) or not value.strip():
        return
    seen: set[str] = set()
    for hit in detect_secrets(value):
        if hit.match not in seen:
            seen.add(hit.match)
            yield Violation(
                f"{what} holds {hit.label} ({hit.detector}): {mask(hit.match)}",
                path=path,
                secret=hit.match,
            )
    for m in _SCRIPT_ASSIGNMENT.finditer(value):
        key, text = m.group(1), m.group(3)
        if not is_secret_like(key, text) or not credential_shaped(key, text):
            continue
        if is_placeholder(text, key):
            continue
        if text not in seen:
            seen.add(text)
            yield Violation(
                f"{what} assigns a literal credential {mask(text)} to a secret-named "
                "variable: user data is readable from the instance metadata and the API",
                path=path,
                secret=text,
            )


def _container_definitions(r: TfResource, module: TfModule) -> Findings:
    value = module.resolve(r.get("container_definitions"))
    if isinstance(value, Expr) and value.op == "jsonencode" and value.args:
        value = value.args[0]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return
    if not isinstance(value, list):
        return
    for container in value:
        if not isinstance(container, dict):
            continue
        env = container.get("environment")
        pairs: dict[str, Value] = {}
        for item in env if isinstance(env, list) else ():
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                pairs[str(item["name"])] = item.get("value")
        name = container.get("name")
        what = f"{r.address} container_definitions[{name}].environment"
        yield from _env(what, pairs, ("container_definitions",))


# --------------------------------------------------------------------------- blocks


def _provider(p: TfBlock, module: TfModule, context: Context) -> Findings:
    for owner, name in _provider_names(p.block):
        raw = owner.get(name)
        path = (*owner.path, name)
        what = f"{p.label} {name}"
        if name in ("credentials", "client_certificate_path") or name.endswith("credentials"):
            yield from _key_file(what, raw, path, module, context)
            continue
        yield from _credential(what, name, raw, path, module, p)


def _key_file(
    what: str, raw: Value, path: tuple[PathPart, ...], module: TfModule, context: Context
) -> Findings:
    """``credentials`` takes a key's JSON or a path to it (also through ``file()``)."""
    target = raw
    if isinstance(raw, Expr) and raw.kind == "call" and raw.op == "file" and raw.args:
        target = module.resolve(raw.args[0])
    else:
        target = module.resolve(raw)
    if not isinstance(target, str) or not target.strip():
        return
    if is_json_credentials(target):
        yield Violation(
            f"{what} is a service-account key written inline{_origin(raw, module)}: "
            f"{mask(target)}; use workload identity or GOOGLE_APPLICATION_CREDENTIALS",
            path=path,
            secret=target,
        )
        return
    committed = repo_file(module, context, target)
    if committed is not None:
        yield Violation(
            f"{what} reads the key file {committed}, which is in the repository "
            "(SECRET-013): anyone with the code has the credential",
            path=path,
        )


def _variable(v: TfBlock, module: TfModule) -> Findings:
    if v.has("default"):
        yield from _credential(
            f"var.{v.name} default", v.name, v.get("default"), ("default",), module, v
        )
    found = _tfvars(module, v.name)
    if found is not None:
        relpath, line, value = found
        for text in _texts(value if is_literal(value) else None):
            if text.strip() and not is_placeholder(text, v.name):
                yield Violation(
                    f"var.{v.name} is set to a literal credential {mask(text)} in the "
                    f"committed {relpath}:{line}; pass it at run time (TF_VAR_{v.name}, a "
                    "-var-file kept out of the repository) or read it from a secret store",
                    path=(),
                    secret=text,
                )
                break
    sensitive = to_bool(v.get("sensitive")) is True
    ephemeral = to_bool(v.get("ephemeral")) is True
    if not sensitive and not ephemeral:
        yield Violation(
            f"var.{v.name} is named like a credential but not sensitive = true: its value is "
            "printed in plans and logs",
            path=("sensitive",),
            severity=Severity.MEDIUM,
        )


def _module_call(m: TfBlock, module: TfModule) -> Findings:
    for name in m.block.attributes:
        if is_secret_attribute(name):
            yield from _credential(f"{m.label} {name}", name, m.get(name), (name,), module, m)


@policy(
    id="TF-011",
    name="no-hardcoded-secrets",
    title="No hardcoded secrets in Terraform code",
    severity=Severity.CRITICAL,
    rationale=(
        "A credential written into Terraform is in the repository's history for good, in every "
        "clone, fork and CI log that prints the plan, and in the state. Provider keys grant the "
        "pipeline's whole cloud access; a database password or API token in a resource or a "
        "variable default is shared with everyone who can read the code, and cannot be rotated "
        "without a commit."
    ),
    remediation=(
        "Authenticate providers through the environment, a role or workload identity (OIDC), "
        "never provider arguments. Generate passwords (random_password, or "
        "manage_master_user_password = true on RDS) or read them from a secret store (data "
        "sources, ephemeral resources, write-only *_wo arguments); mark secret variables "
        "sensitive = true and give them no default; keep secret tfvars out of the repository. "
        "Rotate any credential that was committed."
    ),
    controls=("NIST-800-53-IA-5", "NIST-800-53-SC-28", "CIS-AWS-1.4"),
    references=(
        "checkov:CKV_AWS_41",
        "checkov:CKV_AWS_45",
        "checkov:CKV_AWS_46",
        "checkov:CKV_AZURE_45",
        "checkov:CKV_SECRET_2",
        "checkov:CKV_SECRET_6",
        "trivy:AVD-AWS-0029",
        "trivy:AVD-AWS-0129",
        "trivy:AVD-AWS-0036",
        "trivy:AVD-AWS-0134",
        "trivy:AVD-AZU-0037",
        "trivy:AVD-GCP-0037",
        "trivy:AVD-GIT-0002",
    ),
    applies=_applies,
    example="""\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  username       = "orders"
  password       = "Tr0ub4dor-and-3"
}
""",
    use_instead="""\
resource "aws_db_instance" "orders" {
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  username                    = "orders"
  manage_master_user_password = true
}
""",
)
def no_hardcoded_secrets(tf_resource: Subject, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    found: Findings
    if isinstance(tf_resource, TfResource):
        found = _resource(tf_resource, module)
    elif tf_resource.type == "provider":
        found = _provider(tf_resource, module, context)
    elif tf_resource.type == "variable":
        found = _variable(tf_resource, module)
    else:
        found = _module_call(tf_resource, module)
    for n, finding in enumerate(found):
        if n >= _MAX_FINDINGS:
            break
        yield finding
