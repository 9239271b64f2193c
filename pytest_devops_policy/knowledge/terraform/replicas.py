"""Read replicas: database instances whose data lives on (and is backed up by) a source.

An ``aws_db_instance`` with ``replicate_source_db`` and a
``google_sql_database_instance`` with ``master_instance_name`` are replicas, but
only when that argument has a value: ``replicate_source_db = var.source`` whose
default is ``null`` creates a primary (the usual pattern of reusable modules).
``is_replica`` answers ``None`` when the value does not resolve (a variable
without default, a conditional between a source and null): policies then judge
the instance as a primary and turn a failure into an Unknown (``unless_replica``),
because the verdict depends on whether it is a replica.
"""

from __future__ import annotations

from pytest_devops_policy.api import Unknown, Violation
from pytest_devops_policy.formats.terraform.model import is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, unresolved

__all__ = ["REPLICA_SOURCE", "is_replica", "unless_replica"]

# The argument that makes an instance a replica, per type.
REPLICA_SOURCE = {
    "aws_db_instance": "replicate_source_db",
    "google_sql_database_instance": "master_instance_name",
}


def is_replica(res: TfResource, module: Module) -> bool | None:
    """True when the replica source argument has a value, False when it is absent or
    resolves to null, None when that cannot be told statically."""
    attr = REPLICA_SOURCE.get(res.type)
    if attr is None or not res.has(attr):
        return False
    raw = res.get(attr)
    verdict = module.decide(raw, lambda v: v is not None, res)
    if verdict is not None:
        return verdict
    resolved = module.resolve(raw)
    if not is_literal(resolved) and not module.opaque(resolved):
        return True  # a reference to another instance (aws_db_instance.main.identifier)
    return None


def unless_replica(findings: Findings, res: TfResource, module: Module) -> Findings:
    """A primary's findings, for an instance that may be a replica: when ``is_replica``
    is unknown, violations become one Unknown that says why."""
    replica = is_replica(res, module)
    if replica is True:
        return
    if replica is False:
        yield from findings
        return
    found = list(findings)
    if not any(isinstance(f, Violation) for f in found):
        yield from found
        return
    attr = REPLICA_SOURCE[res.type]
    first = next(f for f in found if isinstance(f, Violation))
    yield Unknown(
        f"as a primary: {first.message}; but it is a read replica (exempt) if "
        f"{unresolved(attr, res.get(attr), module)} has a value"
    )
