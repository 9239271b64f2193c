"""Azure Storage in Terraform: who can read a storage account's blobs (TF-001).

``allow_nested_items_to_be_public`` (azurerm v3+; ``allow_blob_public_access`` in
v2) defaults to true: any container may then be switched to anonymous access,
which ``container_access_type = "blob"``/``"container"`` does. The network side:
an account accepts connections from any network unless
``public_network_access_enabled = false`` or a network rule set (inline
``network_rules`` or ``azurerm_storage_account_network_rules``) denies by default.
``PUBLIC_ACCESS`` maps each resource type to the findings it gets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_devops_policy.api import Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.values import is_false, one_of, to_bool

__all__ = ["PUBLIC_ACCESS", "PUBLIC_NESTED_ITEMS"]

# The current and the azurerm v2 name of the account-wide anonymous access switch.
PUBLIC_NESTED_ITEMS = ("allow_nested_items_to_be_public", "allow_blob_public_access")


def _true_by_default(value: Value) -> bool | None:
    # null means unset, and the provider default is true
    return to_bool(value, default=True)


def _account(res: TfResource, module: Module) -> Findings:
    name = next((n for n in PUBLIC_NESTED_ITEMS if res.has(n)), None)
    if name is None:
        yield Violation(
            "allow_nested_items_to_be_public is not set: the provider default (true) lets any "
            "container be switched to anonymous access"
        )
    else:
        raw = res.get(name)
        verdict = module.violates(raw, _true_by_default, res)
        if verdict is True:
            yield Violation(
                f"{name} = {shown(raw, module)}: containers may allow anonymous access",
                path=(name,),
            )
        elif verdict is None:
            yield unknown(name, raw, module)
    yield from _network(res, module)


def _network(res: TfResource, module: Module) -> Findings:
    verdicts: list[bool | None] = []
    if res.has("public_network_access_enabled"):
        raw = res.get("public_network_access_enabled")
        verdicts.append(module.decide(raw, is_false, res))
    rules = module.blocks(res, "network_rules") + module.linked(
        res, ("azurerm_storage_account_network_rules",), via="storage_account_id"
    )
    for rule in rules:
        verdicts.append(module.decide(rule.get("default_action"), one_of(frozenset({"deny"}))))
    if True in verdicts:
        return
    if None in verdicts:
        yield Unknown("public_network_access_enabled / network_rules.default_action is unresolved")
        return
    inline = module.blocks(res, "network_rules")
    where: tuple[Any, ...] = ("public_network_access_enabled",)
    if inline:
        where = (*inline[0].path, "default_action")
    yield Violation(
        "storage account accepts connections from any network: set "
        'public_network_access_enabled = false or network_rules { default_action = "Deny" }',
        path=where,
        severity=Severity.MEDIUM,
    )


def _container(res: TfResource, module: Module) -> Findings:
    raw = res.get("container_access_type")
    verdict = module.violates(raw, one_of(frozenset({"blob", "container"})), res)
    if verdict is True:
        yield Violation(
            f'container_access_type = {shown(raw, module)} allows anonymous reads (use "private")',
            path=("container_access_type",),
        )
    elif verdict is None:
        yield unknown("container_access_type", raw, module)


PUBLIC_ACCESS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "azurerm_storage_account": _account,
    "azurerm_storage_container": _container,
}
