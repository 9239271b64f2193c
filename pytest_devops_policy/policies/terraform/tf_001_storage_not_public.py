"""TF-001 storage-not-public: object storage must not be readable by the internet."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.engine.evaluate import Context
from pytest_devops_policy.formats.terraform.model import (
    Expr,
    Template,
    TfModule,
    TfResource,
    Value,
    hcl,
    is_internet_cidr,
    is_literal,
)

Findings = Iterator[Violation | Unknown]

_PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GRANTEES = ("/groups/global/allusers", "/groups/global/authenticatedusers")
_PAB_SETTINGS = {
    "block_public_acls": "new public ACLs are accepted",
    "ignore_public_acls": "existing public ACLs stay in effect",
    "block_public_policy": "a public bucket policy can be attached",
    "restrict_public_buckets": "a public bucket policy still grants anonymous access",
}
_GCP_PUBLIC = frozenset({"allusers", "allauthenticatedusers"})
_GCP_PUBLIC_PREDEFINED = frozenset({"publicread", "publicreadwrite", "authenticatedread"})
# Condition keys that tie an "everyone" grant to the caller's network, organisation or source.
_RESTRICTING_KEYS = frozenset(
    {
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceip",
    }
)
# "...IfExists" and ForAllValues pass when the key is absent, which it is for anonymous callers.
_RESTRICTING_OPERATORS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
)
_HOLE = "\u2063tf-expr\u2063"  # stands in for an interpolation while parsing heredoc JSON

_TYPES = frozenset(
    {
        "aws_s3_bucket",
        "aws_s3_bucket_acl",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "google_storage_bucket",
        "google_storage_bucket_iam_binding",
        "google_storage_bucket_iam_member",
        "google_storage_bucket_iam_policy",
        "google_storage_bucket_acl",
        "google_storage_bucket_access_control",
        "google_storage_default_object_access_control",
        "google_storage_object_access_control",
        "azurerm_storage_account",
        "azurerm_storage_container",
    }
)


@policy(
    id="TF-001",
    name="storage-not-public",
    title="Object storage is not publicly accessible",
    severity=Severity.CRITICAL,
    rationale=(
        "A bucket or container that anyone on the internet can list or read is the most common "
        "way cloud data leaks. Public access must be blocked by default (S3 public access "
        "blocks, GCS public access prevention, Azure nested-item public access off) and never "
        "granted through ACLs, IAM bindings or bucket policies addressed to everyone."
    ),
    remediation=(
        "AWS: attach an aws_s3_bucket_public_access_block with all four settings true (or an "
        'account-level block), drop public-read ACLs and restrict any Principal "*" statement '
        "with aws:SourceVpce / aws:PrincipalOrgID / aws:SourceArn. GCP: set "
        'public_access_prevention = "enforced" and uniform_bucket_level_access = true, and never '
        "bind allUsers/allAuthenticatedUsers. Azure: set allow_nested_items_to_be_public = false, "
        "keep containers private and deny public network access."
    ),
    controls=(
        "CIS-AWS-2.1.5",
        "CIS-GCP-5.1",
        "CIS-GCP-5.2",
        "CIS-Azure-3.7",
        "NIST-800-53-AC-3",
        "NIST-800-53-AC-6",
    ),
    references=(
        "checkov:CKV_AWS_53",
        "checkov:CKV_AWS_54",
        "checkov:CKV_AWS_55",
        "checkov:CKV_AWS_56",
        "checkov:CKV2_AWS_6",
        "checkov:CKV_AWS_20",
        "checkov:CKV_AWS_57",
        "checkov:CKV_AWS_70",
        "checkov:CKV_GCP_114",
        "checkov:CKV_GCP_29",
        "checkov:CKV_GCP_28",
        "checkov:CKV_AZURE_59",
        "checkov:CKV_AZURE_190",
        "checkov:CKV_AZURE_34",
        "checkov:CKV2_AZURE_47",
        "trivy:AVD-AWS-0086",
        "trivy:AVD-AWS-0087",
        "trivy:AVD-AWS-0091",
        "trivy:AVD-AWS-0092",
        "trivy:AVD-AWS-0093",
        "trivy:AVD-AWS-0094",
        "trivy:AVD-GCP-0001",
        "trivy:AVD-GCP-0002",
        "trivy:AVD-AZU-0007",
    ),
    applies=lambda r: r.type in _TYPES and not r.disabled,
    example="""\
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_s3_bucket_acl" "assets" {
  bucket = aws_s3_bucket.assets.id
  acl    = "public-read"
}
""",
    use_instead="""\
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
""",
)
def storage_not_public(tf_resource: TfResource, context: Context) -> Findings:
    module: TfModule = context.index(tf_resource)
    check = _CHECKS.get(tf_resource.type)
    if check is not None:
        yield from check(tf_resource, module)


# --------------------------------------------------------------------------- helpers


def _unknown(name: str, raw: Value, module: TfModule) -> Unknown:
    return Unknown(f"{name} = {_short(raw)} ({module.explain(raw)})")


def _short(value: Value) -> str:
    text = hcl(value)
    return text if len(text) <= 100 else text[:97] + "..."


def _shown(raw: Value, module: TfModule) -> str:
    """The value as written, plus what it resolves to when that differs."""
    resolved = module.resolve(raw)
    if is_literal(raw) or not is_literal(resolved):
        return _short(raw)
    return f"{_short(raw)} (= {_short(resolved)})"


def _truthy(value: Value) -> bool | None:
    """Terraform converts "true"/"false" strings for bool arguments; null means unset."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _is_false(value: Value) -> bool | None:
    """Explicitly false (null keeps the provider default, which is true here)."""
    verdict = _truthy(value)
    return None if value is not None and verdict is None else verdict is False


def _is_true(value: Value) -> bool | None:
    """Strictly true; unset (null) counts as not true."""
    if value is None:
        return False
    return _truthy(value)


def _lower(value: Value) -> str | None:
    return value.strip().lower() if isinstance(value, str) else None


def _one_of(choices: frozenset[str], absent: bool = False) -> Callable[[Value], bool | None]:
    """A test for ``decide``: the (case-insensitive) string is one of ``choices``;
    ``absent`` is the verdict for null, i.e. the provider default."""

    def test(value: Value) -> bool | None:
        if value is None:
            return absent
        text = _lower(value)
        return None if text is None else text in choices

    return test


def _true_unless_false(value: Value) -> bool | None:
    """For settings whose provider default is true: null counts as true."""
    return True if value is None else _truthy(value)


# --------------------------------------------------------------------------- AWS


def _aws_bucket(res: TfResource, module: TfModule) -> Findings:
    if res.has("acl"):
        yield from _acl(res, module, res.get("acl"), ("acl",), "")
    for grant in res.blocks("grant", module):
        yield from _grantee_uri(grant.get("uri"), (*grant.path, "uri"), module, res)
    if res.has("policy"):
        yield from _bucket_policy(res, module, "policy")
    yield from _public_access_block_coverage(res, module)


def _acl(
    res: TfResource, module: TfModule, raw: Value, path: tuple[str, ...], target: str
) -> Findings:
    verdict = module.violates(raw, _one_of(_PUBLIC_ACLS), res)
    if verdict is True:
        yield Violation(
            f"acl = {_shown(raw, module)}{target} makes objects readable without credentials",
            path=path,
        )
    elif verdict is None and raw is not None:
        yield _unknown("acl", raw, module)


def _grantee_uri(raw: Value, path: tuple[Any, ...], module: TfModule, res: TfResource) -> Findings:
    if raw is None:
        return

    def public(v: Value) -> bool | None:
        text = _lower(v)
        return None if text is None else text.endswith(_PUBLIC_GRANTEES)

    verdict = module.violates(raw, public, res)
    if verdict is True:
        yield Violation(
            f"grant to uri = {_shown(raw, module)} opens the bucket to everyone", path=path
        )
    elif verdict is None:
        yield _unknown("uri", raw, module)


def _public_access_block_coverage(bucket: TfResource, module: TfModule) -> Findings:
    linked = [
        p for p in module.s3_linked(bucket, "aws_s3_bucket_public_access_block") if not p.disabled
    ]
    if linked:
        return  # the block's own item judges its four settings
    accounts = module.account_public_access_blocks()
    missing: list[str] = []
    undecided: list[tuple[str, Value]] = []
    for setting in _PAB_SETTINGS:
        verdicts = [module.decide(a.get(setting), _is_true, a) for a in accounts]
        if True in verdicts:
            continue
        if None in verdicts:
            acct = accounts[verdicts.index(None)]
            undecided.append((f"{acct.address}.{setting}", acct.get(setting)))
        else:
            missing.append(setting)
    if not missing and not undecided:
        return
    unlinked = module.unlinked(("aws_s3_bucket_public_access_block",), "bucket")
    if unlinked:
        blk = unlinked[0]
        yield _unknown(f"{blk.address}.bucket", blk.get("bucket"), module)
        return
    if undecided and not missing:
        name, raw = undecided[0]
        yield _unknown(name, raw, module)
        return
    if not accounts:
        yield Violation(
            "no aws_s3_bucket_public_access_block is attached to this bucket and the module has "
            "no aws_s3_account_public_access_block: public ACLs and policies are not blocked"
        )
    else:
        names = ", ".join(missing)
        yield Violation(
            f"no aws_s3_bucket_public_access_block is attached to this bucket and "
            f"{accounts[0].address} leaves {names} off"
        )


def _aws_public_access_block(res: TfResource, module: TfModule) -> Findings:
    accounts = module.account_public_access_blocks()
    bucket = module.s3_bucket_of(res)
    target = f" for {bucket.address}" if bucket is not None else ""
    for setting, consequence in _PAB_SETTINGS.items():
        raw = res.get(setting)
        verdict = module.decide(raw, _is_true, res)
        if verdict is True:
            continue
        if any(module.decide(a.get(setting), _is_true, a) is True for a in accounts):
            continue  # the account-level block enforces it for every bucket
        if verdict is None:
            yield _unknown(setting, raw, module)
        elif res.has(setting) and raw is not None:
            yield Violation(
                f"{setting} = {_shown(raw, module)}{target}: {consequence}", path=(setting,)
            )
        else:
            yield Violation(
                f"{setting} is not set (defaults to false){target}: {consequence}", path=(setting,)
            )


def _aws_bucket_acl(res: TfResource, module: TfModule) -> Findings:
    bucket = module.s3_bucket_of(res)
    target = f" on {bucket.address}" if bucket is not None else ""
    if res.has("acl"):
        yield from _acl(res, module, res.get("acl"), ("acl",), target)
    for acp in res.blocks("access_control_policy", module):
        for grant in acp.nested("grant", module):
            for grantee in grant.nested("grantee", module):
                yield from _grantee_uri(grantee.get("uri"), (*grantee.path, "uri"), module, res)


def _aws_bucket_policy(res: TfResource, module: TfModule) -> Findings:
    yield from _bucket_policy(res, module, "policy")


def _bucket_policy(res: TfResource, module: TfModule, attr: str) -> Findings:
    raw = res.get(attr)
    if raw is None:
        return
    doc = _document(module.resolve(raw))
    if not isinstance(doc, dict):
        reason = "not valid JSON" if isinstance(module.resolve(raw), str) else module.explain(raw)
        yield Unknown(f"{attr} = {_short(raw)} ({reason})")
        return
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        yield Unknown(f"{attr} has no readable Statement list")
        return
    for index, statement in enumerate(statements, start=1):
        verdict, who = _public_statement(statement)
        label = _statement_label(statement, index)
        if verdict is True:
            yield Violation(
                f"{attr}: statement {label} allows {who} {_actions(statement)} without a "
                "restricting Condition (aws:SourceVpce, aws:PrincipalOrgID, aws:SourceArn)",
                path=(attr,),
            )
        elif verdict is None:
            yield Unknown(
                f"{attr} statement {label} has an unresolved Effect, Principal or Condition"
            )


def _document(value: Value) -> Any:
    """A policy document as JSON-like data; unresolved pieces stay as ``Expr``/holes."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    if isinstance(value, Template):
        # Interpolations usually sit inside JSON strings (ARNs): parse around them.
        text = "".join(p if isinstance(p, str) else _HOLE for p in value.parts)
        try:
            return json.loads(text, strict=False)
        except ValueError:
            return None
    if isinstance(value, Expr) and value.kind == "call" and value.op == "jsonencode" and value.args:
        return value.args[0]
    return None


def _known(value: Any) -> str | None:
    """A plain string from the document, or ``None`` if it hides an expression."""
    if isinstance(value, str) and _HOLE not in value:
        return value
    return None


def _statement_label(statement: Any, index: int) -> str:
    sid = _known(statement.get("Sid")) if isinstance(statement, dict) else None
    return json.dumps(sid) if sid else f"#{index}"


def _actions(statement: Any) -> str:
    actions = statement.get("Action", statement.get("NotAction"))
    if isinstance(actions, str):
        return f"({actions})"
    if isinstance(actions, list) and all(isinstance(a, str) for a in actions):
        return "(" + ", ".join(actions) + ")"
    return ""


def _public_statement(statement: Any) -> tuple[bool | None, str]:
    """Is this an Allow to everyone with no restricting Condition?"""
    if not isinstance(statement, dict):
        return None, ""
    effect = _known(statement.get("Effect"))
    if effect is None:
        return None, ""
    if effect.lower() != "allow":
        return False, ""
    if "NotPrincipal" in statement:
        public: bool | None = True  # Allow + NotPrincipal grants everyone else
        who = "everyone except NotPrincipal"
    else:
        public = _principal_public(statement.get("Principal"))
        who = f"Principal {_principal_text(statement.get('Principal'))}"
    if public is False:
        return False, who
    restricted = _restricting(statement.get("Condition"))
    if restricted is True:
        return False, who
    if public is None or restricted is None:
        return None, who
    return True, who


def _principal_public(principal: Any) -> bool | None:
    if principal is None:
        return False
    if isinstance(principal, str):
        if _HOLE in principal:
            return None
        return principal.strip() == "*"
    if isinstance(principal, list):
        results = [_principal_public(p) for p in principal]
    elif isinstance(principal, dict):
        results = [_principal_public(p) for p in principal.values()]
    else:
        return None
    if True in results:
        return True
    if None in results:
        return None
    return False


def _principal_text(principal: Any) -> str:
    if isinstance(principal, (str, list, dict)):
        try:
            return json.dumps(principal)
        except TypeError:
            pass
    return "(unresolved)"


def _restricting(condition: Any) -> bool | None:
    if condition is None:
        return False
    if not isinstance(condition, dict):
        return None
    for operator, clauses in condition.items():
        op = str(operator).lower()
        if op.startswith("forallvalues:") or op.endswith("ifexists"):
            continue
        op = op.removeprefix("foranyvalue:")
        if op not in _RESTRICTING_OPERATORS:
            continue
        if not isinstance(clauses, dict):
            return None
        for key, values in clauses.items():
            if str(key).lower() not in _RESTRICTING_KEYS:
                continue
            items = values if isinstance(values, list) else [values]
            texts = [_known(v) for v in items]
            if any(t == "*" for t in texts):
                continue
            if str(key).lower() == "aws:sourceip" and any(t and is_internet_cidr(t) for t in texts):
                continue
            return True
    return False


# --------------------------------------------------------------------------- GCP


def _gcp_bucket(res: TfResource, module: TfModule) -> Findings:
    raw = res.get("public_access_prevention")
    verdict = module.decide(raw, _one_of(frozenset({"enforced"})), res)
    if verdict is False:
        if raw is None:
            yield Violation(
                'public_access_prevention is not set (defaults to "inherited"): IAM or ACLs can '
                "make objects public",
                path=("public_access_prevention",),
            )
        else:
            yield Violation(
                f'public_access_prevention = {_shown(raw, module)} (must be "enforced")',
                path=("public_access_prevention",),
            )
    elif verdict is None:
        yield _unknown("public_access_prevention", raw, module)
    raw = res.get("uniform_bucket_level_access")
    verdict = module.decide(raw, _is_true, res)
    if verdict is False:
        text = (
            "uniform_bucket_level_access is not set (defaults to false)"
            if raw is None
            else f"uniform_bucket_level_access = {_shown(raw, module)}"
        )
        yield Violation(
            f"{text}: per-object ACLs can still grant public access",
            path=("uniform_bucket_level_access",),
        )
    elif verdict is None:
        yield _unknown("uniform_bucket_level_access", raw, module)


def _public_members(raw: Value, module: TfModule) -> tuple[list[str], bool]:
    """Public principals among IAM members, and whether some member is unresolved."""
    value = module.resolve(raw)
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    unknown = not isinstance(value, (list, str))
    for item in items:
        if isinstance(item, str):
            if item.strip().lower() in _GCP_PUBLIC:
                found.append(item.strip())
        elif item is not None:
            unknown = True
    return found, unknown


def _gcp_iam(res: TfResource, module: TfModule) -> Findings:
    role = res.get("role")
    role_text = f" role {_short(role)}" if role is not None else ""
    for attr in ("members", "member"):
        if not res.has(attr):
            continue
        raw = res.get(attr)
        found, unknown = _public_members(raw, module)
        if found:
            yield Violation(
                f"{attr} includes {', '.join(found)}: grants{role_text} to anyone on the internet",
                path=(attr,),
            )
        elif unknown:
            yield _unknown(attr, raw, module)
    if res.has("policy_data"):
        raw = res.get("policy_data")
        doc = _document(module.resolve(raw))
        bindings = doc.get("bindings") if isinstance(doc, dict) else None
        if not isinstance(bindings, list):
            yield _unknown("policy_data", raw, module)
            return
        for binding in bindings:
            if not isinstance(binding, dict):
                continue
            members = binding.get("members")
            items = members if isinstance(members, list) else [members]
            public = [m for m in items if isinstance(m, str) and m.strip().lower() in _GCP_PUBLIC]
            if public:
                yield Violation(
                    f"policy_data binds {', '.join(public)} to role "
                    f"{_known(binding.get('role')) or '(unresolved)'}: anyone on the internet",
                    path=("policy_data",),
                )


def _gcp_acl(res: TfResource, module: TfModule) -> Findings:
    if res.has("predefined_acl"):
        raw = res.get("predefined_acl")
        verdict = module.violates(raw, _one_of(_GCP_PUBLIC_PREDEFINED), res)
        if verdict is True:
            yield Violation(
                f"predefined_acl = {_shown(raw, module)} makes the bucket public",
                path=("predefined_acl",),
            )
        elif verdict is None:
            yield _unknown("predefined_acl", raw, module)
    if res.has("role_entity"):
        raw = res.get("role_entity")
        value = module.resolve(raw)
        items = value if isinstance(value, list) else [value]
        public = [
            e
            for e in items
            if isinstance(e, str) and e.rpartition(":")[2].strip().lower() in _GCP_PUBLIC
        ]
        if public:
            yield Violation(
                f"role_entity includes {', '.join(public)}: anyone on the internet",
                path=("role_entity",),
            )
        elif not is_literal(value):
            yield _unknown("role_entity", raw, module)


def _gcp_access_control(res: TfResource, module: TfModule) -> Findings:
    raw = res.get("entity")
    verdict = module.violates(raw, _one_of(_GCP_PUBLIC), res)
    if verdict is True:
        yield Violation(f"entity = {_shown(raw, module)} grants access to anyone", path=("entity",))
    elif verdict is None and raw is not None:
        yield _unknown("entity", raw, module)


# --------------------------------------------------------------------------- Azure


def _azure_account(res: TfResource, module: TfModule) -> Findings:
    name = next(
        (n for n in ("allow_nested_items_to_be_public", "allow_blob_public_access") if res.has(n)),
        None,
    )
    if name is None:
        yield Violation(
            "allow_nested_items_to_be_public is not set: the provider default (true) lets any "
            "container be switched to anonymous access"
        )
    else:
        raw = res.get(name)
        # null means unset, and the provider default is true
        verdict = module.violates(raw, _true_unless_false, res)
        if verdict is True:
            yield Violation(
                f"{name} = {_shown(raw, module)}: containers may allow anonymous access",
                path=(name,),
            )
        elif verdict is None:
            yield _unknown(name, raw, module)
    yield from _azure_network(res, module)


def _azure_network(res: TfResource, module: TfModule) -> Findings:
    verdicts: list[bool | None] = []
    if res.has("public_network_access_enabled"):
        raw = res.get("public_network_access_enabled")
        verdicts.append(module.decide(raw, _is_false, res))
    rules = res.blocks("network_rules", module) + module.linked(
        res, ("azurerm_storage_account_network_rules",), via="storage_account_id"
    )
    for rule in rules:
        verdicts.append(module.decide(rule.get("default_action"), _one_of(frozenset({"deny"}))))
    if True in verdicts:
        return
    if None in verdicts:
        yield Unknown("public_network_access_enabled / network_rules.default_action is unresolved")
        return
    inline = res.blocks("network_rules", module)
    where: tuple[Any, ...] = ("public_network_access_enabled",)
    if inline:
        where = (*inline[0].path, "default_action")
    yield Violation(
        "storage account accepts connections from any network: set "
        'public_network_access_enabled = false or network_rules { default_action = "Deny" }',
        path=where,
        severity=Severity.MEDIUM,
    )


def _azure_container(res: TfResource, module: TfModule) -> Findings:
    raw = res.get("container_access_type")
    verdict = module.violates(raw, _one_of(frozenset({"blob", "container"})), res)
    if verdict is True:
        yield Violation(
            f'container_access_type = {_shown(raw, module)} allows anonymous reads (use "private")',
            path=("container_access_type",),
        )
    elif verdict is None:
        yield _unknown("container_access_type", raw, module)


_CHECKS: dict[str, Callable[[TfResource, TfModule], Findings]] = {
    "aws_s3_bucket": _aws_bucket,
    "aws_s3_bucket_acl": _aws_bucket_acl,
    "aws_s3_bucket_policy": _aws_bucket_policy,
    "aws_s3_bucket_public_access_block": _aws_public_access_block,
    "google_storage_bucket": _gcp_bucket,
    "google_storage_bucket_iam_binding": _gcp_iam,
    "google_storage_bucket_iam_member": _gcp_iam,
    "google_storage_bucket_iam_policy": _gcp_iam,
    "google_storage_bucket_acl": _gcp_acl,
    "google_storage_bucket_access_control": _gcp_access_control,
    "google_storage_default_object_access_control": _gcp_access_control,
    "google_storage_object_access_control": _gcp_access_control,
    "azurerm_storage_account": _azure_account,
    "azurerm_storage_container": _azure_container,
}
