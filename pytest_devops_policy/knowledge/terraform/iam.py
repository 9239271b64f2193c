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
    }
)
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
            if str(key).lower() == "aws:sourceip" and any(t and is_internet_cidr(t) for t in texts):
                continue
            return True
    return False


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
    """Public principals among IAM members, and whether some member is unresolved."""
    value = module.resolve(raw)
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    undecided = not isinstance(value, (list, str))
    for item in items:
        if isinstance(item, str):
            if _is_public_member(item):
                found.append(item.strip())
        elif item is not None:
            undecided = True
    return found, undecided


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
        raw = res.get("policy_data")
        doc = read_document(module.resolve(raw))
        bindings = doc.get("bindings") if isinstance(doc, dict) else None
        if not isinstance(bindings, list):
            yield unknown("policy_data", raw, module)
            return
        for binding in bindings:
            if not isinstance(binding, dict):
                continue
            members = binding.get("members")
            items = members if isinstance(members, list) else [members]
            public = [
                m for m in items if isinstance(m, str) and m.strip().lower() in PUBLIC_MEMBERS
            ]
            if public:
                yield Violation(
                    f"policy_data binds {', '.join(public)} to role "
                    f"{known(binding.get('role')) or '(unresolved)'}: anyone on the internet",
                    path=("policy_data",),
                )
