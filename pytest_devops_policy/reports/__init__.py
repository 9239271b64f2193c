"""The report formats: one module each, over one result model (``reports/model.py``).

A format is a row here and a module with ``write(results: RunResults, path: str) -> str``
(the line the terminal prints about the file written). The row gives its command-line
option and its ``[tool.devops-policy]`` key; nothing else in the plugin names a format.
This module imports nothing heavy: ``plugin.py`` reads it to declare the options.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_devops_policy.reports.model import RunResults


@dataclass(frozen=True)
class ReportFormat:
    name: str  # the pyproject key, and the option's tail: --devops-policy-<name with ->
    module: str
    help: str
    repeat: bool = False  # the option may be given more than once (one file per path)

    @property
    def option(self) -> str:
        return "--devops-policy-" + self.name.replace("_", "-")

    @property
    def dest(self) -> str:
        return "devops_policy_report_" + self.name

    def writer(self) -> Callable[[RunResults, str], str]:
        module = importlib.import_module(self.module)
        write: Callable[[RunResults, str], str] = module.write
        return write


FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat(
        "json",
        "pytest_devops_policy.reports.json_report",
        "write every item's verdicts as JSON (schema pytest-devops-policy/report, version 1; "
        "see the README)",
    ),
    ReportFormat(
        "sarif",
        "pytest_devops_policy.reports.sarif",
        "write the failing findings as SARIF 2.1.0 for GitHub code scanning (waived and "
        "below-threshold findings left out; see --devops-policy-report-suppressed)",
    ),
    ReportFormat(
        "gitlab_codequality",
        "pytest_devops_policy.reports.gitlab_codequality",
        "write the failing findings as a GitLab Code Quality report "
        "(artifacts:reports:codequality)",
    ),
    ReportFormat(
        "controls_report",
        "pytest_devops_policy.reports.controls",
        "write the evidence by control (CIS, NSA/CISA, NIST...) for an auditor: JSON when "
        "PATH ends in .json, else Markdown; may be repeated",
        repeat=True,
    ),
)


def by_name(name: str) -> ReportFormat:
    return next(f for f in FORMATS if f.name == name)
