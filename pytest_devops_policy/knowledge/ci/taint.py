"""What reaches a script when GitHub expands ``${{ }}``, and which contexts an outsider sets.

``flows`` tells the contexts an expression *outputs* (their value lands in the
expanded text) from those it merely *tests* (``contains(github.event.issue.title,
'x')`` yields a boolean). ``TAINTED`` and ``INPUTS`` are the contexts whose
values come from outside the repository (catalog GHA-008), shared by every
policy that follows untrusted data (injection, secrets, privileged triggers).
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_devops_policy.formats.github_actions.expressions import (
    BinOp,
    Call,
    Ctx,
    Expression,
    Index,
    Lit,
    Node,
)
from pytest_devops_policy.formats.github_actions.workflow import Workflow
from pytest_devops_policy.knowledge.ci.conditions import STATUS_FUNCTIONS

__all__ = [
    "INPUTS",
    "TAINTED",
    "context_matches",
    "flows",
    "input_is_typed_safe",
]

# Event fields any outside contributor can set (catalog GHA-008). `*` is one
# segment; a context that is a prefix (`github.event.issue`, `toJSON(github.event)`)
# also matches, since the object carries the field.
TAINTED: tuple[str, ...] = (
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.*",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.*",
    "github.event.workflow_run.display_title",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.head_ref",
)
# Workflow inputs: set by whoever dispatches or calls the workflow.
INPUTS: tuple[str, ...] = ("inputs.*", "github.event.inputs.*")
_SAFE_INPUT_TYPES = frozenset({"boolean", "number"})

# Functions whose result is a boolean or a hash: their arguments never reach the output text.
_OPAQUE_FUNCTIONS = STATUS_FUNCTIONS | {"contains", "startswith", "endswith", "hashfiles"}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def flows(expression: Expression) -> tuple[str, ...]:
    """Contexts whose value can end up in the expression's expanded text.

    An expression the parser gave up on is treated conservatively: every
    context-looking token in it flows.
    """
    if expression.node is None:
        return expression.contexts
    return tuple(dict.fromkeys(_flows(expression.node)))


def _flows(node: Node) -> list[str]:
    """Contexts whose value can end up in the expression's result text."""
    if isinstance(node, Ctx):
        return [node.text]
    if isinstance(node, BinOp):
        # Comparisons return booleans. `a || b` returns a (when truthy) or b. `a && b` returns
        # b, or a only when a is falsy: '', 0, false or null, which carries no text. So in
        # `inputs.flag && '-x' || ''` only the literals reach the script.
        if node.op in _COMPARISONS:
            return []
        if node.op == "&&":
            return _flows(node.right)
        return _flows(node.left) + _flows(node.right)
    if isinstance(node, Call):
        if node.name in _OPAQUE_FUNCTIONS:
            return []
        return [c for a in node.args for c in _flows(a)]
    if isinstance(node, Index):
        # A field of whatever the base yields: `(github.event.pull_request ||
        # github.event.issue).number` outputs the two `.number` fields, not the objects.
        return [f"{c}.{_segment(node.index)}" for c in _flows(node.base)]
    return []


def _segment(index: Node) -> str:
    """The context segment an index selects (``*``: decided at run time)."""
    if isinstance(index, Lit) and isinstance(index.value, (str, float)):
        value = index.value
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else str(value)
        return value.lower()
    return "*"


def context_matches(context: str, pattern: str) -> bool:
    """Whether a normalised context is, contains, or lies inside ``pattern``.

    ``*`` in the pattern matches one segment. A context that is a *prefix* of
    the pattern (``github.event.issue``) matches, because the object holds the
    field; so does one that extends it (``github.event.head_commit.author.name``
    for ``...author.*``).
    """
    c = context.split(".")
    p = pattern.lower().split(".")
    return all(ps in ("*", cs) or cs == "*" for cs, ps in zip(c, p, strict=False))


def _input_name(ctx: str) -> str | None:
    parts = ctx.split(".")
    if parts[0] == "inputs":
        return parts[1] if len(parts) > 1 else None
    return parts[3] if len(parts) > 3 else None


def input_is_typed_safe(workflow: Workflow, ctx: str) -> bool:
    """Whether the input ``ctx`` names is declared boolean or number (it cannot carry
    shell syntax) by every trigger that declares it."""
    name = _input_name(ctx)
    if name is None or name == "*":
        return False
    types: list[str] = []
    for event in ("workflow_dispatch", "workflow_call"):
        trigger = workflow.on.get(event)
        if trigger is None:
            continue
        for key, spec in trigger.inputs.items():
            if str(key).lower() == name and isinstance(spec, Mapping):
                types.append(str(spec.get("type", "string")).lower())
    return bool(types) and all(t in _SAFE_INPUT_TYPES for t in types)
