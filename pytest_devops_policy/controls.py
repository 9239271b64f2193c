"""The control frameworks that policies cite in ``controls``, by id prefix.

A policy's ``controls`` are ids such as ``CIS-Docker-4.1`` or ``NIST-800-53-AC-6``: a
framework prefix and the framework's own number or name for the control. This table is
the one place that knows the prefixes: the policy pages (``docs.py``) render a control's
title from it and the controls report (``reports/controls.py``) groups the evidence by
framework. An id with no known prefix (a plugin's ``ACME-OPS-7``) belongs to no framework;
its readers show it as it is, under "other controls".

Pure data and string functions: imported by the report layer, which imports no pytest and
no parser.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FRAMEWORKS", "Framework", "framework_of", "title"]


@dataclass(frozen=True)
class Framework:
    key: str  # a stable short name for machine-readable output
    prefix: str  # how its control ids start, "-" included
    name: str  # the document, as an auditor knows it
    template: str  # a control's title; {rest} is the id without the prefix
    words: bool = False  # "-" in the rest separates words (NSA-K8s-Pod-Security)

    def short(self, control: str) -> str:
        """The control within its framework: "4.1", "Pod Security"."""
        rest = control[len(self.prefix) :]
        return rest.replace("-", " ") if self.words else rest

    def control_title(self, control: str) -> str:
        return self.template.format(rest=self.short(control))


# Longer prefixes first where one is the start of another (none is today; keep it so).
FRAMEWORKS: tuple[Framework, ...] = (
    Framework("cis-docker", "CIS-Docker-", "CIS Docker Benchmark", "CIS Docker Benchmark {rest}"),
    Framework(
        "cis-kubernetes", "CIS-K8s-", "CIS Kubernetes Benchmark", "CIS Kubernetes Benchmark {rest}"
    ),
    Framework(
        "nsa-cisa-kubernetes",
        "NSA-K8s-",
        "NSA/CISA Kubernetes Hardening Guidance",
        "NSA/CISA Kubernetes Hardening Guidance: {rest}",
        words=True,
    ),
    Framework(
        "pss-baseline",
        "PSS-Baseline-",
        "Kubernetes Pod Security Standards, Baseline",
        "Kubernetes Pod Security Standards, Baseline: {rest}",
        words=True,
    ),
    Framework(
        "pss-restricted",
        "PSS-Restricted-",
        "Kubernetes Pod Security Standards, Restricted",
        "Kubernetes Pod Security Standards, Restricted: {rest}",
        words=True,
    ),
    Framework(
        "cis-linux",
        "CIS-DIL-",
        "CIS Distribution Independent Linux Benchmark",
        "CIS Distribution Independent Linux Benchmark {rest}",
    ),
    Framework(
        "cis-ubuntu-22",
        "CIS-U22-",
        "CIS Ubuntu Linux 22.04 LTS Benchmark",
        "CIS Ubuntu Linux 22.04 LTS Benchmark {rest}",
    ),
    Framework(
        "cis-aws",
        "CIS-AWS-",
        "CIS AWS Foundations Benchmark",
        "CIS AWS Foundations Benchmark {rest}",
    ),
    Framework(
        "cis-gcp",
        "CIS-GCP-",
        "CIS Google Cloud Platform Foundation Benchmark",
        "CIS Google Cloud Platform Foundation Benchmark {rest}",
    ),
    Framework(
        "cis-azure",
        "CIS-Azure-",
        "CIS Microsoft Azure Foundations Benchmark",
        "CIS Microsoft Azure Foundations Benchmark {rest}",
    ),
    Framework(
        "cis-sscs",
        "CIS-SSCS-",
        "CIS Software Supply Chain Security Guide",
        "CIS Software Supply Chain Security Guide {rest}",
    ),
    Framework("nist-800-53", "NIST-800-53-", "NIST SP 800-53", "NIST SP 800-53 {rest}"),
    Framework(
        "cwe",
        "CWE-",
        "MITRE Common Weakness Enumeration (CWE)",
        "Common Weakness Enumeration CWE-{rest}",
    ),
    Framework(
        "openssf-scorecard",
        "OpenSSF-Scorecard-",
        "OpenSSF Scorecard",
        "OpenSSF Scorecard check {rest}",
    ),
    Framework("slsa", "SLSA-", "SLSA (Supply-chain Levels for Software Artifacts)", "SLSA {rest}"),
)


def framework_of(control: str) -> Framework | None:
    """The framework a control id belongs to; None for an unknown prefix (or a bare prefix)."""
    for fw in FRAMEWORKS:
        if control.startswith(fw.prefix) and len(control) > len(fw.prefix):
            return fw
    return None


def title(control: str) -> str:
    """A control's title in words ("CIS Docker Benchmark 4.1"); an unknown id as it is."""
    fw = framework_of(control)
    return fw.control_title(control) if fw is not None else control
