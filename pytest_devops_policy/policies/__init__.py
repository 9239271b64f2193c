"""The built-in policies: one module per policy under ``policies/<kind>/``.

Nothing registers on import. ``builtin_policies()`` walks the package and picks
up every function that carries ``@policy`` metadata (the docs and tests use it). A run
uses ``catalog.lazy_builtin_policies()`` instead, which imports a module only when a
collected file needs it; so adding a policy means adding one module, its golden fixtures
and its row in ``catalog.py`` (``tests/test_meta.py`` fails until the row is there).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from pytest_devops_policy.api import Policy, get_policy
from pytest_devops_policy.kinds import KINDS

# The kinds registry names each kind's package of built-in policies.
KIND_PACKAGES = tuple(k.package for k in KINDS if k.package is not None)


@cache
def builtin_policies() -> tuple[Policy, ...]:
    found: list[Policy] = []
    for pkg_name in KIND_PACKAGES:
        pkg = importlib.import_module(f"{__name__}.{pkg_name}")
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"{pkg.__name__}.{info.name}")
            for value in vars(module).values():
                meta = get_policy(value)
                if meta is not None and meta.func.__module__ == module.__name__:
                    found.append(meta)
    # By id, each policy's primary function before its other anchors (``also_anchored``).
    return tuple(sorted(found, key=lambda p: (p.id, not p.primary, p.subject)))


def builtin_by_id() -> dict[str, Policy]:
    """Each built-in by id: its primary function (the one its docs and metadata come from)."""
    return {p.id: p for p in builtin_policies() if p.primary}


def builtin_anchors(policy_id: str) -> tuple[Policy, ...]:
    """Every function of one built-in policy: the primary, then its other anchors."""
    return tuple(p for p in builtin_policies() if p.id == policy_id)
