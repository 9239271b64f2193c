"""IAM policy documents and bindings, however Terraform spells them (§5.2-9).

AWS documents arrive as a JSON string or heredoc (with interpolations), as
``jsonencode({...})``, or as ``data "aws_iam_policy_document"`` blocks;
``read_document`` turns each into JSON-like data in which an unresolved piece is
an ``Expr`` or a string holding ``HOLE``, and ``data_document`` renders the data
sources (also ``data "google_iam_policy"``). On that data: who a statement
allows (``public_statement``: everyone, unless a Condition ties the caller to a
network, organisation or source). GCP bindings: ``allUsers`` and
``allAuthenticatedUsers`` are the internet (``public_members``).

``public_policy`` and ``gcp_public_grants`` are the findings a resource policy or
an IAM binding that opens a resource to everyone gets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pytest_devops_policy.api import Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Expr, Template, Value, hcl
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.dynamic import nested
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, short, unknown
from pytest_devops_policy.knowledge.terraform.network import is_internet_cidr

__all__ = [
    "HOLE",
    "PUBLIC_MEMBERS",
    "RESTRICTING_KEYS",
    "actions_text",
    "data_document",
    "gcp_public_grants",
    "known",
    "principal_public",
    "public_members",
    "public_policy",
    "public_statement",
    "read_document",
    "restricting",
    "statement_label",
]

HOLE = "\u2063tf-expr\u2063"  # stands in for an interpolation while parsing heredoc JSON

# Condition keys that tie an "everyone" grant to the caller's network, organisation or source.
RESTRICTING_KEYS = frozenset(
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
        # appended: the caller's VPC endpoint / source organisation, and the caller's id
        "aws:vpceaccount",
        "aws:vpceorgid",
        "aws:vpceorgpaths",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:userid",
    }
)
# Operators whose values are patterns (``*``/``?`` match anything).
_PATTERN_OPERATORS = frozenset({"stringlike", "arnequals", "arnlike"})
_ARN_KEYS = frozenset({"aws:principalarn", "aws:sourcearn"})
# "...IfExists" and ForAllValues pass when the key is absent, which it is for anonymous callers.
_RESTRICTING_OPERATORS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
)
# GCP IAM members (lower case) that mean anyone on the internet.
PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})


# --------------------------------------------------------------------------- documents


def data_document(block: Block, attr: str, resolve: Callable[[Value], Value]) -> Value | None:
    """``data "aws_iam_policy_document"`` (``.json``) and ``data "google_iam_policy"``
    (``.policy_data``) as the JSON structure they render; ``None`` for anything else."""
    dtype = block.labels[0]
    if dtype == "aws_iam_policy_document" and attr in ("json", "minified_json"):
        if any(block.has(a) for a in ("source_policy_documents", "override_policy_documents")):
            return None  # merged documents: not a shallow evaluation
        statements: list[Value] = []
        for st in nested(block, "statement", resolve):
            stmt: dict[str, Value] = {"Effect": st.get("effect", "Allow")}
            if st.has("sid"):
                stmt["Sid"] = st.get("sid")
            for hcl_name, json_name in (
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ):
                if st.has(hcl_name):
                    stmt[json_name] = st.get(hcl_name)
            for hcl_name, json_name in (
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
            ):
                principals = nested(st, hcl_name, resolve)
                if principals:
                    stmt[json_name] = _principal_json(principals)
            conditions: dict[str, Value] = {}
            for cond in nested(st, "condition", resolve):
                test, variable = cond.get("test"), cond.get("variable")
                if not isinstance(test, str) or not isinstance(variable, str):
                    return None
                bucket = conditions.setdefault(test, {})
                if isinstance(bucket, dict):
                    bucket[variable] = cond.get("values")
            if conditions:
                stmt["Condition"] = conditions
            statements.append(stmt)
        return {"Version": block.get("version", "2012-10-17"), "Statement": statements}
    if dtype == "google_iam_policy" and attr == "policy_data":
        bindings: list[Value] = [
            {"role": b.get("role"), "members": b.get("members")}
            for b in nested(block, "binding", resolve)
        ]
        return {"bindings": bindings}
    return None


def _principal_json(blocks: list[Block]) -> Value:
    merged: dict[str, Value] = {}
    for principal in blocks:
        ptype = principal.get("type")
        identifiers = principal.get("identifiers")
        if ptype == "*":
            return "*"
        if not isinstance(ptype, str):
            return Expr(hcl(ptype))
        current = merged.get(ptype)
        if isinstance(current, list) and isinstance(identifiers, list):
            current.extend(identifiers)
        else:
            merged[ptype] = identifiers
    return merged


def read_document(value: Value) -> Any:
    """A (resolved) policy document as JSON-like data; unresolved pieces stay as
    ``Expr`` or ``HOLE``. ``None`` when it is no document (not JSON, unresolved)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    if isinstance(value, Template):
        # Interpolations usually sit inside JSON strings (ARNs): parse around them.
        text = "".join(p if isinstance(p, str) else HOLE for p in value.parts)
        try:
            return json.loads(text, strict=False)
        except ValueError:
            return None
    if isinstance(value, Expr) and value.kind == "call" and value.op == "jsonencode" and value.args:
        return value.args[0]
    return None


def known(value: Any) -> str | None:
    """A plain string from the document, or ``None`` if it hides an expression."""
    if isinstance(value, str) and HOLE not in value:
        return value
    return None


# --------------------------------------------------------------------------- statements


def statement_label(statement: Any, index: int) -> str:
    """``"Sid"`` when the statement has a known one, else ``#<index>``."""
    sid = known(statement.get("Sid")) if isinstance(statement, dict) else None
    return json.dumps(sid) if sid else f"#{index}"


def actions_text(statement: Any) -> str:
    """``(s3:GetObject, s3:ListBucket)`` for messages; empty when not plain strings."""
    actions = statement.get("Action", statement.get("NotAction"))
    if isinstance(actions, str):
        return f"({actions})"
    if isinstance(actions, list) and all(isinstance(a, str) for a in actions):
        return "(" + ", ".join(actions) + ")"
    return ""


def public_statement(statement: Any) -> tuple[bool | None, str]:
    """Is this an Allow to everyone with no restricting Condition? And to whom, in words."""
    if not isinstance(statement, dict):
        return None, ""
    effect = known(statement.get("Effect"))
    if effect is None:
        return None, ""
    if effect.lower() != "allow":
        return False, ""
    if "NotPrincipal" in statement:
        public: bool | None = True  # Allow + NotPrincipal grants everyone else
        who = "everyone except NotPrincipal"
    else:
        public = principal_public(statement.get("Principal"))
        who = f"Principal {_principal_text(statement.get('Principal'))}"
    if public is False:
        return False, who
    restricted = restricting(statement.get("Condition"))
    if restricted is True:
        return False, who
    if public is None or restricted is None:
        return None, who
    return True, who


def principal_public(principal: Any) -> bool | None:
    """``"*"`` or ``{"AWS": "*"}`` (anywhere in a list or map of principals)."""
    if principal is None:
        return False
    if isinstance(principal, str):
        if HOLE in principal:
            return None
        return principal.strip() == "*"
    if isinstance(principal, list):
        results = [principal_public(p) for p in principal]
    elif isinstance(principal, dict):
        results = [principal_public(p) for p in principal.values()]
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


def restricting(condition: Any) -> bool | None:
    """Does a Condition tie the caller to a network, organisation, account or source?"""
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
            if str(key).lower() not in RESTRICTING_KEYS:
                continue
            items = values if isinstance(values, list) else [values]
            texts = [known(v) for v in items]
            if any(t == "*" for t in texts):
                continue
            if op in _PATTERN_OPERATORS and any(
                t is not None and not _pattern_pins(str(key).lower(), t) for t in texts
            ):
                continue
            if str(key).lower() == "aws:sourceip" and any(t and is_internet_cidr(t) for t in texts):
                continue
            return True
    return False


def _pattern_pins(key: str, pattern: str) -> bool:
    """Does a Like/Arn pattern still pin an account, organisation or endpoint?
    ``arn:aws:iam::*`` or ``arn:aws:iam::*:role/x`` match a caller in any account (anyone
    can create that role), so they restrict nothing; ``arn:aws:sns:*:111122223333:*``
    pins the account."""
    if "*" not in pattern and "?" not in pattern:
        return True
    if key in _ARN_KEYS:
        fields = pattern.split(":", 5)
        if len(fields) < 5:
            return False
        account = fields[4]
        return bool(account) and "*" not in account and "?" not in account
    return any(c.isalnum() for c in pattern.replace("*", "").replace("?", ""))


def public_policy(res: TfResource, module: Module, attr: str) -> Findings:
    """Statements of the resource policy in ``attr`` that Allow everyone unrestricted."""
    raw = res.get(attr)
    if raw is None:
        return
    doc = read_document(module.resolve(raw))
    if not isinstance(doc, dict):
        reason = "not valid JSON" if isinstance(module.resolve(raw), str) else module.explain(raw)
        yield Unknown(f"{attr} = {short(raw)} ({reason})")
        return
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        yield Unknown(f"{attr} has no readable Statement list")
        return
    for index, statement in enumerate(statements, start=1):
        verdict, who = public_statement(statement)
        label = statement_label(statement, index)
        if verdict is True:
            yield Violation(
                f"{attr}: statement {label} allows {who} {actions_text(statement)} without a "
                "restricting Condition (aws:SourceVpce, aws:PrincipalOrgID, aws:SourceArn)",
                path=(attr,),
            )
        elif verdict is None:
            yield Unknown(
                f"{attr} statement {label} has an unresolved Effect, Principal or Condition"
            )


# --------------------------------------------------------------------------- GCP bindings


def _is_public_member(member: str) -> bool:
    return member.strip().lower() in PUBLIC_MEMBERS


def public_members(raw: Value, module: Module) -> tuple[list[str], bool]:
    """Public principals among IAM members, and whether some member is unresolved.

    The one reading of GCP members (TF-001 and TF-009): ``allUsers`` and
    ``allAuthenticatedUsers`` are public; a member whose literal prefix names its type
    (``"serviceAccount:${...}"``, ``"user:${var.x}"``) is known not to be; anything else
    that does not resolve leaves the answer open."""
    items, undecided = _member_list(raw, module)
    found: list[str] = []
    for item in items:
        if isinstance(item, str):
            if _is_public_member(item):
                found.append(item.strip())
        elif item is not None:
            prefix = _member_prefix(item)
            if prefix is None or ":" not in prefix:
                undecided = True
    return found, undecided


def _bindings(res: TfResource, module: Module) -> list[dict[str, Any]] | None:
    """The bindings of a ``google_*_iam_policy``'s ``policy_data`` (``None``: the document
    does not resolve); bindings that are not objects are left out."""
    doc = read_document(module.resolve(res.get("policy_data")))
    bindings = doc.get("bindings") if isinstance(doc, dict) else None
    if not isinstance(bindings, list):
        return None
    return [b for b in bindings if isinstance(b, dict)]


def _public_policy_data(res: TfResource, module: Module) -> Findings:
    """Bindings of a ``google_*_iam_policy``'s ``policy_data`` that grant to the internet
    (TF-001 and TF-009 read them alike)."""
    bindings = _bindings(res, module)
    if bindings is None:
        yield unknown("policy_data", res.get("policy_data"), module)
        return
    for binding in bindings:
        members = binding.get("members")
        items = members if isinstance(members, list) else [members]
        public = [m for m in items if isinstance(m, str) and _is_public_member(m)]
        if public:
            yield Violation(
                f"policy_data binds {', '.join(public)} to role "
                f"{known(binding.get('role')) or '(unresolved)'}: anyone on the internet",
                path=("policy_data",),
            )


def gcp_public_grants(res: TfResource, module: Module) -> Findings:
    """A ``google_*_iam_binding``/``_member``/``_policy`` that grants to the internet."""
    role = res.get("role")
    role_text = f" role {short(role)}" if role is not None else ""
    for attr in ("members", "member"):
        if not res.has(attr):
            continue
        raw = res.get(attr)
        found, undecided = public_members(raw, module)
        if found:
            yield Violation(
                f"{attr} includes {', '.join(found)}: grants{role_text} to anyone on the internet",
                path=(attr,),
            )
        elif undecided:
            yield unknown(attr, raw, module)
    if res.has("policy_data"):
        yield from _public_policy_data(res, module)


# =========================================================================== least privilege
#
# TF-009 reads every kind of IAM document and binding for what it *grants*:
#
# * identity policies (``aws_iam_policy``, ``aws_iam_{role,user,group}_policy``,
#   ``aws_iam_role.inline_policy``): Allow ``*`` on ``*``, ``<svc>:*`` on ``*``,
#   ``iam:PassRole``/``sts:AssumeRole`` on ``*`` without a Condition, Allow + NotAction;
#   an Allow with ``NotResource`` reaches every other resource, so it counts as ``*``;
# * trust policies (``aws_iam_role.assume_role_policy``): a public principal without a
#   Condition, a GitHub OIDC trust without a narrow ``token.actions...:sub`` condition;
# * resource policies (``aws_s3_bucket_policy``, ``aws_kms_key.policy``): a public
#   principal without a restricting Condition, Allow + NotAction. ``Resource "*"`` in a
#   resource policy means "this bucket/key" (the default KMS key policy grants the
#   account ``kms:*`` on ``*``), so the Resource rules do not apply there;
# * managed policy attachments, GCP IAM roles and members, Azure role definitions and
#   assignments.
#
# Interpolations in a heredoc are kept (``read_policy``): a ``Resource`` that is
# ``${aws_s3_bucket.b.arn}`` names one bucket, one that is ``${var.arn}`` (no default)
# may be ``*``, and only the second makes a verdict Unknown.

import fnmatch  # noqa: E402
import re  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from pytest_devops_policy.api import Severity  # noqa: E402
from pytest_devops_policy.knowledge.terraform.references import (  # noqa: E402
    first_unresolved,
)

__all__ += [
    "ADMIN_MANAGED_POLICIES",
    "AZURE_PRIVILEGED_ROLES",
    "GCP_PRIMITIVE_ROLES",
    "GCP_SA_IMPERSONATION_ROLES",
    "GITHUB_OIDC_HOST",
    "PolicyGrant",
    "aws_document_findings",
    "azure_role_assignment_findings",
    "azure_role_definition_findings",
    "gcp_binding_findings",
    "managed_policy_findings",
    "read_policy",
]

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
_GITHUB_SUB = GITHUB_OIDC_HOST + ":sub"
# GitHub Enterprise Cloud's unique issuer adds the enterprise slug: <host>/<slug>:sub.
_GITHUB_SUB_KEY = re.compile(re.escape(GITHUB_OIDC_HOST) + r"(?:/[^:/]+)?:sub")
# AWS managed policies: the severity attaching each one gets (by policy name).
ADMIN_MANAGED_POLICIES: dict[str, Severity] = {
    "administratoraccess": Severity.HIGH,
    "iamfullaccess": Severity.HIGH,
    "poweruseraccess": Severity.MEDIUM,
}
_MANAGED_ARN = re.compile(r"^arn:[a-z-]*:iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$", re.I)
# GCP basic roles, and the roles that let a member act as any service account of a project.
GCP_PRIMITIVE_ROLES = frozenset({"roles/owner", "roles/editor"})
GCP_SA_IMPERSONATION_ROLES = frozenset(
    {"roles/iam.serviceaccountuser", "roles/iam.serviceaccounttokencreator"}
)
# Azure built-in roles that can grant access to others, by name and by role definition GUID.
AZURE_PRIVILEGED_ROLES: dict[str, str] = {
    "owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "user access administrator": "18d7d88d-d35e-4fb5-a5c3-7773c6b72bc9",
}
_KMS_RESTRICTING_KEYS = frozenset({"kms:calleraccount", "kms:viaservice"})
# Roots of references that may stand for any value ("*"); others name a resource or data.
_OPAQUE_ROOTS = frozenset({"var", "local", "each", "count", "module", "path", "terraform", "self"})


@dataclass(frozen=True)
class PolicyGrant:
    """What one statement grants too broadly: a message and its severity."""

    message: str
    severity: Severity


# --------------------------------------------------------------------------- reading


def _marker(index: int) -> str:
    return f"{HOLE}{index}\u2063"


_MARKER = re.compile(re.escape(HOLE) + r"(\d+)\u2063")


def _restore(value: Any, exprs: list[Value]) -> Any:
    """Put back the expressions a heredoc's markers stand for (a whole string only)."""
    if isinstance(value, str):
        m = _MARKER.fullmatch(value)
        return exprs[int(m.group(1))] if m else value
    if isinstance(value, list):
        return [_restore(v, exprs) for v in value]
    if isinstance(value, dict):
        return {k: _restore(v, exprs) for k, v in value.items()}
    return value


def read_policy(
    raw: Value, module: Module, read_file: Callable[[Value], str | None]
) -> tuple[Any, str]:
    """A policy document as JSON-like data, with interpolated pieces kept as the
    (resolved) expressions they are; or ``(None, why)``."""
    value = module.resolve(raw)
    if isinstance(value, Template):
        exprs: list[Value] = []
        chunks: list[str] = []
        for part in value.parts:
            if isinstance(part, str):
                chunks.append(part)
            else:
                chunks.append(_marker(len(exprs)))
                exprs.append(part)
        try:
            return _restore(json.loads("".join(chunks), strict=False), exprs), ""
        except ValueError:
            return None, "not valid JSON around its interpolations"
    text = read_file(value)
    if text is not None:
        try:
            return json.loads(text), ""
        except ValueError:
            return None, "the file is not valid JSON"
    if isinstance(value, Expr) and value.kind == "call" and value.op == "file":
        return None, "file() names no readable file inside the repository"
    doc = read_document(value)
    if doc is None:
        if isinstance(value, str):
            return None, "not valid JSON"
        if isinstance(value, Expr) and value.kind == "call":
            return None, f"{value.op}() is not evaluated statically"
        if (
            isinstance(value, Expr)
            and value.kind == "ref"
            and value.ref[:2]
            == (
                "data",
                "aws_iam_policy_document",
            )
        ):
            return None, "a document merged from source/override documents is not evaluated"
        return None, module.explain(raw)
    return doc, ""


# --------------------------------------------------------------------------- classifying


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(item: Any) -> str | None:
    """A plain string of the document (no interpolation), or ``None``."""
    return item if isinstance(item, str) and HOLE not in item else None


def _may_be_any(item: Any) -> bool:
    """An unresolved item that could stand for ``*`` (a variable, a local, a call),
    as opposed to a reference to a resource's ARN or a partly literal string."""
    if isinstance(item, str):
        return _MARKER.sub("", item).strip("*") == ""
    if isinstance(item, Template):
        return item.literal_text.strip("*") == ""
    if isinstance(item, Expr):
        inner = first_unresolved(item)
        if inner is not None and inner.kind == "ref" and inner.ref:
            return str(inner.ref[0]) in _OPAQUE_ROOTS
        return True
    return not isinstance(item, (int, float, bool))


def _patterns(items: list[Any]) -> tuple[list[str], bool]:
    """Lower-cased plain strings, and whether some item may still be anything."""
    known_items = [t.strip().lower() for t in (_text(i) for i in items) if t is not None]
    undecided = any(_text(i) is None and _may_be_any(i) for i in items)
    return known_items, undecided


def _grants(patterns: list[str], action: str) -> bool:
    return any(fnmatch.fnmatchcase(action, p) for p in patterns)


def _condition_present(condition: Any) -> bool | None:
    """A Condition that constrains the caller: an operator other than ``...IfExists``
    and ``ForAllValues:``, which hold when the key is absent."""
    if condition is None:
        return False
    if not isinstance(condition, dict):
        return None
    for operator, clauses in condition.items():
        op = str(operator).lower()
        if op.endswith("ifexists") or op.startswith("forallvalues:") or op == "null":
            continue
        if clauses:
            return True
    return False


def _statements(doc: Any) -> list[Any] | None:
    if not isinstance(doc, dict):
        return None
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        return [statements]
    return statements if isinstance(statements, list) else None


def _effect(statement: dict[str, Any]) -> bool | None:
    """Is the statement an Allow? ``None`` when its Effect does not resolve."""
    effect = _text(statement.get("Effect"))
    if effect is None:
        return None
    return effect.strip().lower() == "allow"


def _actions_words(statement: dict[str, Any], key: str) -> str:
    items = [_text(a) or "(unresolved)" for a in _as_list(statement.get(key))]
    return ", ".join(items[:5]) + (", ..." if len(items) > 5 else "")


# --------------------------------------------------------------------------- AWS statements


def _identity_statement(statement: dict[str, Any]) -> tuple[list[PolicyGrant], bool]:
    """What an identity policy statement grants too broadly, and whether an unresolved
    piece may hide such a grant."""
    found: list[PolicyGrant] = []
    if "NotAction" in statement:
        found.append(
            PolicyGrant(
                f"Allow with NotAction [{_actions_words(statement, 'NotAction')}] grants every "
                "other action, including ones added to AWS later",
                Severity.HIGH,
            )
        )
    actions, actions_open = _patterns(_as_list(statement.get("Action")))
    if "NotResource" in statement:
        everywhere: bool | None = True
        where = "every resource outside NotResource"
    else:
        resources, resources_open = _patterns(_as_list(statement.get("Resource")))
        everywhere = True if "*" in resources else (None if resources_open else False)
        where = 'Resource "*"'
    if everywhere is False:
        return found, False
    full = [a for a in actions if a in ("*", "*:*")]
    service = [a for a in actions if a.endswith(":*") and a not in full]
    sensitive = [a for a in ("iam:passrole", "sts:assumerole") if _grants(actions, a)]
    conditioned = _condition_present(statement.get("Condition"))
    bad = bool(full or service or (sensitive and conditioned is False))
    if everywhere is None:
        return found, bad or actions_open or (bool(sensitive) and conditioned is None)
    if full:
        found.append(
            PolicyGrant(f'Allow Action "*" on {where}: full administrator', Severity.CRITICAL)
        )
    elif service:
        found.append(
            PolicyGrant(
                f"Allow {', '.join(service)} on {where}: every action of the service on "
                "every resource",
                Severity.HIGH,
            )
        )
    elif sensitive and conditioned is False:
        effects = {
            "iam:passrole": "iam:PassRole lets it hand any role to a service it controls",
            "sts:assumerole": "sts:AssumeRole lets it become any role that trusts the account",
        }
        found.append(
            PolicyGrant(
                f"Allow {' and '.join(effects[a].split(' ', 1)[0] for a in sensitive)} on "
                f"{where} without a Condition: {'; '.join(effects[a] for a in sensitive)} "
                "(privilege escalation)",
                Severity.HIGH,
            )
        )
    undecided = not found and (actions_open or (bool(sensitive) and conditioned is None))
    return found, undecided


def _public_principal(principal: Any) -> bool | None:
    """``"*"`` or ``{"AWS": "*"}`` (in any list or map); unresolved parts that may be
    anything give ``None``."""
    if principal is None:
        return False
    if isinstance(principal, dict):
        results = [_public_principal(v) for v in principal.values()]
    elif isinstance(principal, list):
        results = [_public_principal(v) for v in principal]
    else:
        text = _text(principal)
        if text is not None:
            return text.strip() == "*"
        return None if _may_be_any(principal) else False
    if True in results:
        return True
    return None if None in results else False


def _federated(principal: Any) -> list[Any]:
    if isinstance(principal, dict):
        for key, value in principal.items():
            if str(key).lower() == "federated":
                return _as_list(value)
    return []


def _github_provider(item: Any, module: Module) -> bool | None:
    """Is this Federated principal GitHub's OIDC provider?"""
    text = _text(item)
    if text is not None:
        return GITHUB_OIDC_HOST in text.lower()
    if isinstance(item, str):  # partly interpolated: the literal part decides
        return GITHUB_OIDC_HOST in _MARKER.sub("", item).lower() or None
    if isinstance(item, Template):
        return GITHUB_OIDC_HOST in item.literal_text.lower() or None
    if isinstance(item, Expr):
        inner = first_unresolved(item)
        if inner is not None and inner.kind == "ref" and len(inner.ref) >= 2:
            rtype, name = str(inner.ref[0]), str(inner.ref[1])
            if rtype == "aws_iam_openid_connect_provider":
                for provider in module.by_type(rtype):
                    if provider.name == name:
                        url = module.resolve(provider.get("url"))
                        return GITHUB_OIDC_HOST in url.lower() if isinstance(url, str) else None
                return None
            if rtype in _OPAQUE_ROOTS:
                return None
            if (
                rtype == "data"
                and len(inner.ref) >= 3
                and inner.ref[1] == "aws_iam_openid_connect_provider"
            ):
                return None
            return False
    return None


def _github_sub(statement: dict[str, Any]) -> tuple[str | None, bool]:
    """A problem with the ``token.actions.githubusercontent.com:sub`` condition of a
    GitHub OIDC trust (``None``: fine), and whether it is unresolved."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        if condition is None:
            return (
                f"no {_GITHUB_SUB} condition: any repository on GitHub can assume the role",
                False,
            )
        return None, True
    values: list[tuple[bool, Any]] = []
    for operator, clauses in condition.items():
        op = str(operator).lower().removeprefix("foranyvalue:").removeprefix("forallvalues:")
        if op.endswith("ifexists") or not op.startswith("string") or op.startswith("stringnot"):
            continue
        if not isinstance(clauses, dict):
            return None, True
        for key, value in clauses.items():
            if _GITHUB_SUB_KEY.fullmatch(str(key).lower()):
                values.extend((op.startswith("stringlike"), v) for v in _as_list(value))
    if not values:
        return f"no {_GITHUB_SUB} condition: any repository on GitHub can assume the role", False
    undecided = False
    for like, value in values:
        text = _text(value)
        if text is None:
            undecided = undecided or _may_be_any(value)
            continue
        if like and _repo_wildcard(text):
            return (
                f"{_GITHUB_SUB} StringLike {json.dumps(text)} matches repositories other than "
                "your own",
                False,
            )
    return None, undecided


def _repo_wildcard(pattern: str) -> bool:
    """``*``, ``repo:*``, ``repo:org/*``, ``repo:org/*:*``: the owner or the repository
    is a wildcard."""
    text = pattern.strip()
    if not text.lower().startswith("repo:"):
        return "*" in text.split(":", 1)[0] or text.startswith("*")
    slug = text[5:].split(":", 1)[0]
    owner, _, repo = slug.partition("/")
    return "*" in owner or "?" in owner or repo.startswith(("*", "?")) or not repo


def _trust_statement(statement: dict[str, Any], module: Module) -> tuple[list[PolicyGrant], bool]:
    found: list[PolicyGrant] = []
    undecided = False
    principal = statement.get("Principal")
    public = True if "NotPrincipal" in statement else _public_principal(principal)
    conditioned = _condition_present(statement.get("Condition"))
    if public is True and conditioned is False:
        who = (
            "everyone except NotPrincipal"
            if "NotPrincipal" in statement
            else f"Principal {_principal_text(principal)}"
        )
        found.append(
            PolicyGrant(
                f"trust policy allows {who} without a Condition that constrains the caller: "
                "any AWS account can "
                "assume the role",
                Severity.CRITICAL,
            )
        )
    elif public is None or (public is True and conditioned is None):
        undecided = True
    github = [_github_provider(p, module) for p in _federated(principal)]
    if True in github:
        problem, open_sub = _github_sub(statement)
        if problem is not None:
            found.append(PolicyGrant(f"GitHub OIDC trust: {problem}", Severity.CRITICAL))
        undecided = undecided or open_sub
    elif None in github:
        problem, open_sub = _github_sub(statement)
        undecided = undecided or problem is not None or open_sub
    return found, undecided


def _resource_statement(statement: dict[str, Any], kms: bool) -> tuple[list[PolicyGrant], bool]:
    found: list[PolicyGrant] = []
    if "NotAction" in statement:
        found.append(
            PolicyGrant(
                f"Allow with NotAction [{_actions_words(statement, 'NotAction')}] grants every "
                "other action",
                Severity.HIGH,
            )
        )
    if "NotPrincipal" in statement:
        public: bool | None = True
        who = "everyone except NotPrincipal"
    else:
        public = _public_principal(statement.get("Principal"))
        who = f"Principal {_principal_text(statement.get('Principal'))}"
    restricted = restricting(statement.get("Condition"))
    if kms and _kms_restricted(statement.get("Condition")):
        restricted = True
    verdict: bool | None = False
    if public is not False and restricted is not True:
        verdict = None if public is None or restricted is None else True
    if verdict is True:
        found.append(
            PolicyGrant(
                f"allows {who} {actions_text(statement)} without a restricting Condition "
                "(aws:PrincipalOrgID, aws:SourceArn, aws:SourceVpce"
                + (", kms:CallerAccount" if kms else "")
                + ")",
                Severity.CRITICAL,
            )
        )
    return found, verdict is None


def _kms_restricted(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator, clauses in condition.items():
        op = str(operator).lower()
        if op.endswith("ifexists") or not isinstance(clauses, dict):
            continue
        for key, value in clauses.items():
            if str(key).lower() in _KMS_RESTRICTING_KEYS:
                texts = [_text(v) for v in _as_list(value)]
                if texts and all(t is not None and t != "*" for t in texts):
                    return True
    return False


def aws_document_findings(
    raw: Value,
    kind: str,
    path: tuple[Any, ...],
    module: Module,
    read_file: Callable[[Value], str | None],
    name: str,
) -> Findings:
    """Findings of one AWS policy document. ``kind`` is ``identity``, ``trust``,
    ``resource`` or ``kms``; ``name`` is how messages call the attribute."""
    doc, why = read_policy(raw, module, read_file)
    if doc is None:
        brief = f"{raw.op}(...)" if isinstance(raw, Expr) and raw.kind == "call" else short(raw)
        yield Unknown(f"{name} = {brief} ({why})")
        return
    statements = _statements(doc)
    if statements is None:
        yield Unknown(f"{name} has no readable Statement list")
        return
    source = ""
    resolved_from = first_unresolved(raw) if isinstance(raw, Expr) else None
    if (
        resolved_from is not None
        and resolved_from.kind == "ref"
        and resolved_from.ref[:1] == ("data",)
    ):
        source = f" ({'.'.join(str(p) for p in resolved_from.ref[:3])})"
    for index, statement in enumerate(statements, start=1):
        if not isinstance(statement, dict):
            yield Unknown(f"{name} statement #{index} does not resolve to an object")
            continue
        allow = _effect(statement)
        if allow is False:
            continue
        if kind == "identity":
            found, undecided = _identity_statement(statement)
        elif kind == "trust":
            found, undecided = _trust_statement(statement, module)
        else:
            found, undecided = _resource_statement(statement, kms=kind == "kms")
        label = statement_label(statement, index)
        if allow is None:
            if found or undecided:
                yield Unknown(f"{name} statement {label} has an unresolved Effect")
            continue
        for grant in found:
            yield Violation(
                f"{name}{source} statement {label}: {grant.message}",
                path=path,
                severity=grant.severity,
            )
        if undecided and not found:
            yield Unknown(
                f"{name}{source} statement {label}: {_first_open(statement, module)}, which "
                "may grant too much"
            )


def _first_open(statement: dict[str, Any], module: Module) -> str:
    """The first piece of a statement that may stand for anything, in words."""
    for key in ("Effect", "Action", "NotAction", "Resource", "Principal", "Condition"):
        found = _open_item(statement.get(key))
        if found is None:
            continue
        if isinstance(found, (Expr, Template)):
            return f"{key} uses {short(found)} ({module.explain(found)})"
        return f"{key} holds an interpolation of the heredoc that does not resolve"
    return "a value does not resolve"


def _open_item(value: Any) -> Any:
    if isinstance(value, dict):
        items: list[Any] = list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        items = [value] if value is not None else []
    for item in items:
        if isinstance(item, (dict, list)):
            inner = _open_item(item)
            if inner is not None:
                return inner
        elif _text(item) is None and not isinstance(item, (int, float, bool)) and _may_be_any(item):
            return item
    return None


# --------------------------------------------------------------------------- AWS attachments


def _managed_name(item: Any, module: Module) -> tuple[str | None, bool]:
    """The AWS managed policy an ARN names (lower case), and whether it is unresolved."""
    text = _text(item)
    if text is None and isinstance(item, Template):
        text = (
            item.literal_text if item.literal_text.lower().find(":iam::aws:policy/") >= 0 else None
        )
        if text is not None:
            text = "arn:aws" + text[text.lower().find(":iam::aws:policy/") :]
    if text is not None:
        m = _MANAGED_ARN.match(text.strip())
        return (m.group(1).lower() if m else None), False
    if isinstance(item, Expr):
        inner = first_unresolved(item)
        if (
            inner is not None
            and inner.kind == "ref"
            and inner.ref[:2] == ("data", "aws_iam_policy")
            and len(inner.ref) >= 3
        ):
            data = getattr(module, "data", {}).get(("aws_iam_policy", str(inner.ref[2])))
            if data is not None:
                for attr in ("arn", "name"):
                    value = module.resolve(data.get(attr))
                    if isinstance(value, str):
                        if attr == "name":
                            return value.lower(), False
                        m = _MANAGED_ARN.match(value.strip())
                        return (m.group(1).lower() if m else None), False
            return None, True
        return None, _may_be_any(item)
    return None, _may_be_any(item)


def managed_policy_findings(res: TfResource, attr: str, module: Module) -> Findings:
    """An attachment (or ``managed_policy_arns``) of AdministratorAccess, IAMFullAccess
    (high) or PowerUserAccess (medium)."""
    raw = res.get(attr)
    if raw is None:
        return
    undecided_any = False
    for candidate in module.candidates(raw, res):
        items = candidate if isinstance(candidate, list) else [candidate]
        if not isinstance(candidate, (list, str, Expr, Template)):
            continue
        for item in items:
            name, undecided = _managed_name(item, module)
            if name in ADMIN_MANAGED_POLICIES:
                yield Violation(
                    f"{attr} attaches the AWS managed policy {name_of(name)}: "
                    + (
                        "full administrator access"
                        if name == "administratoraccess"
                        else "control over every IAM user, role and policy"
                        if name == "iamfullaccess"
                        else "every action outside IAM and Organizations"
                    ),
                    path=(attr,),
                    severity=ADMIN_MANAGED_POLICIES[name],
                )
                return
            undecided_any = undecided_any or undecided
    if undecided_any:
        yield unknown(attr, raw, module)


def name_of(managed: str) -> str:
    return {
        "administratoraccess": "AdministratorAccess",
        "iamfullaccess": "IAMFullAccess",
        "poweruseraccess": "PowerUserAccess",
    }.get(managed, managed)


# --------------------------------------------------------------------------- GCP roles


def gcp_binding_findings(res: TfResource, module: Module) -> Findings:
    """``google_{project,folder,organization}_iam_{member,binding,policy}``: basic roles
    (high; critical at organisation level) and service-account impersonation roles
    granted to users or groups at project level (high). Public members on any IAM
    resource are ``gcp_public_grants``."""
    rtype = res.type
    level = (
        "organization"
        if rtype.startswith("google_organization_")
        else ("folder" if rtype.startswith("google_folder_") else "project")
    )
    if res.has("role"):
        raw_role = res.get("role")
        members = res.get("members") if res.has("members") else res.get("member")
        yield from _gcp_role(raw_role, members, level, ("role",), res, module)
    if res.has("policy_data"):
        bindings = _bindings(res, module)
        if bindings is None:
            yield unknown("policy_data", res.get("policy_data"), module)
            return
        for binding in bindings:
            yield from _gcp_role(
                binding.get("role"), binding.get("members"), level, ("policy_data",), res, module
            )


def _gcp_role(
    raw_role: Value,
    raw_members: Value,
    level: str,
    path: tuple[Any, ...],
    res: TfResource,
    module: Module,
) -> Findings:
    role_values = module.candidates(raw_role, res)
    roles = [r.strip() for r in role_values if isinstance(r, str)]
    role_open = any(not isinstance(r, str) for r in role_values)
    basic = sorted({r for r in roles if r.lower() in GCP_PRIMITIVE_ROLES})
    if basic:
        yield Violation(
            f"role {basic[0]} at {level} level: a basic role grants (almost) every permission "
            "of every service; grant predefined or custom roles instead",
            path=path,
            severity=Severity.CRITICAL if level == "organization" else Severity.HIGH,
        )
        return
    impersonation = sorted({r for r in roles if r.lower() in GCP_SA_IMPERSONATION_ROLES})
    if level != "project":
        if role_open:
            yield Unknown(f"role = {short(raw_role)} ({module.explain(raw_role)})")
        return
    if not impersonation and not role_open:
        return
    items, members_open = _member_list(raw_members, module)
    prefixes = [_member_prefix(m) for m in items]
    humans = [
        hcl(m) if not isinstance(m, str) else m.strip()
        for m, p in zip(items, prefixes, strict=True)
        if p is not None and p.startswith(("user:", "group:"))
    ]
    members_open = members_open or any(p is None or ":" not in p for p in prefixes)
    if impersonation and humans:
        yield Violation(
            f"role {impersonation[0]} granted to {', '.join(humans[:3])} at project level: "
            "they can act as every service account of the project; grant it on one "
            "google_service_account_iam_* instead",
            path=path,
            severity=Severity.HIGH,
        )
    elif role_open:
        yield Unknown(f"role = {short(raw_role)} ({module.explain(raw_role)})")
    elif members_open:
        yield Unknown(
            f"members of {impersonation[0]} do not resolve ({module.explain(raw_members)})"
        )


def _member_prefix(item: Any) -> str | None:
    """A member's text, or for ``"user:${var.x}"`` its literal prefix; ``None`` when
    nothing literal is known."""
    if isinstance(item, str):
        return item.strip().lower()
    if isinstance(item, Template) and item.parts and isinstance(item.parts[0], str):
        return item.parts[0].strip().lower()
    return None


def _member_list(raw: Value, module: Module) -> tuple[list[Any], bool]:
    value = module.resolve(raw)
    if isinstance(value, list):
        return value, False
    if isinstance(value, (str, Template)):
        return [value], False
    return [], True


# --------------------------------------------------------------------------- Azure roles


def _has_star(actions: Value) -> bool | None:
    if not isinstance(actions, list):
        return None
    if any(isinstance(a, str) and a.strip() == "*" for a in actions):
        return True
    return None if any(not isinstance(a, str) for a in actions) else False


def azure_role_definition_findings(res: TfResource, module: Module) -> Findings:
    """``azurerm_role_definition``: ``permissions.actions`` containing ``"*"``."""
    for block in module.blocks(res, "permissions"):
        raw = block.get("actions")
        if raw is None:
            continue
        verdict = module.violates(raw, _has_star, res)
        if verdict is True:
            yield Violation(
                'permissions.actions contains "*": the custom role can do everything Owner '
                "can, including granting access",
                path=(*block.path, "actions"),
            )
        elif verdict is None:
            yield unknown("permissions.actions", raw, module)


_SUBSCRIPTION_SCOPE = re.compile(r"^/subscriptions/[^/]+/?$", re.I)
_MANAGEMENT_GROUP_SCOPE = re.compile(
    r"^/providers/microsoft\.management/managementgroups/[^/]+/?$", re.I
)
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def _azure_scope(raw: Value, module: Module) -> tuple[bool | None, str]:
    """Is the scope a subscription or a management group? And which, in words."""
    value = module.resolve(raw)
    if isinstance(value, str):
        text = value.strip()
        if _SUBSCRIPTION_SCOPE.match(text):
            return True, "subscription"
        if _MANAGEMENT_GROUP_SCOPE.match(text):
            return True, "management group"
        return False, ""
    if isinstance(value, Template):
        pattern = "".join(p if isinstance(p, str) else "\x00" for p in value.parts)
        if re.fullmatch(r"/subscriptions/\x00/?", pattern, re.I):
            return True, "subscription"
        if re.fullmatch(r"/providers/microsoft\.management/managementgroups/\x00/?", pattern, re.I):
            return True, "management group"
        if "/resourcegroups/" in pattern.lower() or "/providers/" in pattern.lower():
            return False, ""
        return None, ""
    if isinstance(value, Expr):
        inner = first_unresolved(value)
        if inner is not None and inner.kind == "ref" and inner.ref:
            ref = tuple(str(p) for p in inner.ref)
            if ref[:2] == ("data", "azurerm_subscription") and ref[-1] == "id":
                return True, "subscription"
            if (
                ref[:2] == ("data", "azurerm_management_group")
                or ref[0] == "azurerm_management_group"
            ):
                return (True, "management group") if ref[-1] == "id" else (None, "")
            if ref[0] in _OPAQUE_ROOTS or ref[0] == "data":
                return None, ""
            return False, ""  # another resource's id: a resource group or a resource
    return None, ""


def _azure_role(res: TfResource, module: Module) -> tuple[str | None, bool]:
    """The privileged role an assignment grants (its name), and whether unresolved."""
    if res.has("role_definition_name"):
        value = module.resolve(res.get("role_definition_name"))
        if isinstance(value, str):
            name = value.strip().lower()
            return (value.strip() if name in AZURE_PRIVILEGED_ROLES else None), False
        return None, True
    raw = res.get("role_definition_id")
    if raw is None:
        return None, False
    value = module.resolve(raw)
    texts: list[str] = []
    refs: list[Expr] = []
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, Template):
        texts = [value.literal_text]
        refs = [p for p in value.parts if isinstance(p, Expr)]
    elif isinstance(value, Expr):
        refs = [value]
    if texts:
        for name, guid in AZURE_PRIVILEGED_ROLES.items():
            if any(guid in t.lower() for t in texts):
                return name.title(), False
        if any(_GUID.search(t) for t in texts):
            return None, False
    for expr in refs:
        first = first_unresolved(expr)
        if first is None or first.kind != "ref":
            return None, True
        ref = tuple(str(p) for p in first.ref)
        if ref[:2] == ("data", "azurerm_role_definition") and len(ref) >= 3:
            data = getattr(module, "data", {}).get(("azurerm_role_definition", ref[2]))
            if data is not None:
                role_name = module.resolve(data.get("name"))
                if isinstance(role_name, str):
                    privileged = role_name.strip().lower() in AZURE_PRIVILEGED_ROLES
                    return (role_name if privileged else None), False
                rid = module.resolve(data.get("role_definition_id"))
                if isinstance(rid, str):
                    for role, guid in AZURE_PRIVILEGED_ROLES.items():
                        if guid in rid.lower():
                            return role.title(), False
                    return None, False
            return None, True
        if ref[0] in _OPAQUE_ROOTS:
            return None, True
    return None, False


def azure_role_assignment_findings(res: TfResource, module: Module) -> Findings:
    """``azurerm_role_assignment`` of Owner or User Access Administrator at subscription
    or management-group scope (high)."""
    role, role_open = _azure_role(res, module)
    if role is None and not role_open:
        return
    at_top, where = _azure_scope(res.get("scope"), module)
    if at_top is False:
        return
    if role is not None and at_top is True:
        yield Violation(
            f"{role} assigned at {where} scope: "
            + (
                "full control of every resource below it, including granting access to anyone"
                if role.lower() == "owner"
                else "it can grant any role on every resource below it to anyone"
            )
            + "; assign it on a resource group, or use a narrower role",
            path=("role_definition_name",)
            if res.has("role_definition_name")
            else ("role_definition_id",),
            severity=Severity.HIGH,
        )
    elif role_open:
        attr = "role_definition_name" if res.has("role_definition_name") else "role_definition_id"
        yield unknown(attr, res.get(attr), module)
    else:
        yield unknown("scope", res.get("scope"), module)
