"""The built-in baseline, as its own ``pytest11`` plugin.

``-p no:devops_policy.builtin`` removes it and leaves only an organisation's
own policies. Policies are imported only when the hook is called, which only
happens when the plugin is enabled.
"""

from __future__ import annotations

from typing import Any

import pytest


# optionalhook: with ``-p no:devops_policy`` the hook spec is never added, and the
# built-ins must then stay silent rather than fail pytest's start-up.
@pytest.hookimpl(optionalhook=True)
def pytest_devops_policy_add_policies(config: pytest.Config) -> list[Any]:
    from pytest_devops_policy.policies import builtin_policies

    return list(builtin_policies())
