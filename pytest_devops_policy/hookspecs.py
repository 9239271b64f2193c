"""Hooks this plugin adds to pytest's own plugin manager (see ``pytest_addhooks``)."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_devops_policy_add_policies(config: pytest.Config) -> list[Any] | None:
    """Return policy functions (decorated with ``@policy``) to add to the run.

    Implement it in a ``conftest.py`` or in a ``pytest11`` plugin. It is called
    through the collected file's ``ihook``, so a policy defined in
    ``infra/conftest.py`` applies only to files under ``infra/``.
    All results are combined; a duplicate policy id is an error naming both origins.
    """
