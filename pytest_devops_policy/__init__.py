"""pytest-devops-policy: infrastructure files as pytest items, checked against policy baselines.

The public API for writing policies::

    from pytest_devops_policy import policy, Severity, Violation, Unknown
"""

from __future__ import annotations

from pytest_devops_policy.api import (
    NotApplicable,
    Policy,
    Severity,
    Unknown,
    Violation,
    get_policy,
    policy,
)

__all__ = ["NotApplicable", "Policy", "Severity", "Unknown", "Violation", "get_policy", "policy"]
__version__ = "0.1.0"
