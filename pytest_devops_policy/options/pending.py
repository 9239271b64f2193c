"""Option tables of kinds whose policies have not landed yet: they accept no key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pytest_devops_policy.options.spec import KindOptions

__all__ = ["GitLabOptions"]


@dataclass(frozen=True)
class GitLabOptions(KindOptions):
    TABLE: ClassVar[str] = "gl"
