"""The built-in baseline, as its own ``pytest11`` plugin.

``-p no:devops_policy.builtin`` removes it and leaves only an organisation's
own policies. The hook returns the catalog's stand-ins (``policies.catalog``): a
policy's module is imported only when a collected file has a subject for it.
"""

from __future__ import annotations

from typing import Any

import pytest


# optionalhook: with ``-p no:devops_policy`` the hook spec is never added, and the
# built-ins must then stay silent rather than fail pytest's start-up.
@pytest.hookimpl(optionalhook=True)
def pytest_devops_policy_add_policies(config: pytest.Config) -> list[Any]:
    from pytest_devops_policy.policies.catalog import lazy_builtin_policies

    return list(lazy_builtin_policies())
