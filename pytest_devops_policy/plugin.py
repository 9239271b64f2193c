"""pytest entry point: options, the hook spec, markers and opt-in activation.

This module stays tiny and imports no parser. The collecting plugin is only
registered when ``--devops-policy`` (or ``devops_policy = true``) is given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_devops_policy.api import Policy
    from pytest_devops_policy.settings import Settings

SEVERITY_MARKERS = ("critical", "high", "medium", "low")
# The active plugin of a run, for code that has the config only (tests, other plugins).
STATE_KEY = pytest.StashKey[object]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("devops-policy", "infrastructure policy checks")
    group.addoption(
        "--devops-policy",
        action="store_true",
        help="collect Dockerfiles, Kubernetes manifests, GitHub Actions workflows and "
        "Terraform as policy test items",
    )
    group.addoption(
        "--devops-policy-only",
        action="store_true",
        help="like --devops-policy, but collect nothing else: Python test modules are neither "
        "imported nor run",
    )
    group.addoption(
        "--devops-policy-select",
        action="append",
        metavar="SPECS",
        help="only these policies: comma-separated ids, prefixes or names (K8S,DOCKER-001)",
    )
    group.addoption(
        "--devops-policy-ignore",
        action="append",
        metavar="SPECS",
        help="leave out these policies: ids, prefixes or names",
    )
    group.addoption(
        "--devops-policy-fail-on",
        choices=list(SEVERITY_MARKERS),
        help="lowest severity that fails (default: low); lower findings are shown as xfail",
    )
    group.addoption(
        "--devops-policy-strict-waivers",
        action="store_true",
        help="fail the run when a waiver matches no finding",
    )
    group.addoption(
        "--devops-policy-config",
        metavar="PATH",
        help="TOML file with the settings (default: [tool.devops-policy] in pyproject.toml)",
    )
    group.addoption(
        "--devops-policy-max-file-size",
        metavar="SIZE",
        help="skip larger files with a note (default: 5MiB)",
    )
    group.addoption(
        "--devops-policy-file-timeout",
        metavar="SECONDS",
        help="longest one file's analysis may take before the file fails with a note "
        "(default 60; 0: no limit)",
    )
    group.addoption(
        "--devops-policy-file-memory",
        metavar="SIZE",
        help="most memory one file's analysis may add before the file fails with a note "
        "(default 2GiB; 0: no limit)",
    )
    group.addoption(
        "--devops-policy-option",
        action="append",
        metavar="KEY=VALUE",
        help="set a policy knob, e.g. docker.healthcheck=off (same keys as the config tables)",
    )
    group.addoption(
        "--devops-policy-docker-build-arg",
        action="append",
        metavar="KEY=VALUE",
        help="a Dockerfile build arg, used to resolve ARG values (like docker build --build-arg)",
    )
    group.addoption(
        "--devops-policy-k8s-scope",
        choices=["session", "dir", "file"],
        help="which objects Kubernetes cross-object policies see: the manifest's deployment "
        "unit (default: its kustomization, chart or directory), the part of the unit in its "
        "directory, or its own file (k8s.scope)",
    )
    group.addoption(
        "--devops-policy-k8s-version",
        metavar="VERSION",
        help="Kubernetes version whose API schemas K8S-031 validates against (default 1.35; "
        "k8s.version)",
    )
    group.addoption(
        "--devops-policy-helm-render",
        action="store_true",
        help="render Helm charts with the helm binary (helm template, default values) and "
        "check the output, attributed to the templates (k8s.helm_render)",
    )
    group.addoption(
        "--devops-policy-tf-var-file",
        action="append",
        metavar="PATH",
        help="a Terraform variable file used to resolve var.* in every module that declares "
        "its variables (like terraform plan -var-file; tf.var_files)",
    )
    group.addoption(
        "--devops-policy-tf-var",
        action="append",
        metavar="NAME=VALUE",
        help="a Terraform variable value (like terraform plan -var; tf.vars)",
    )
    group.addoption(
        "--devops-policy-tf-parser",
        "--devops-policy-hcl-parser",
        dest="devops_policy_hcl_parser",
        choices=["tree-sitter", "hcl2"],
        help="the HCL parser for Terraform: tree-sitter (default) or python-hcl2, the "
        "reference (pyproject tf.hcl_parser; the DEVOPS_POLICY_HCL_PARSER environment "
        "variable is only read when neither is given)",
    )
    group.addoption(
        "--devops-policy-today",
        metavar="YYYY-MM-DD",
        help="judge waiver expiry as of this date, to replay an audit (default: today; "
        "pyproject 'today', formerly the DEVOPS_POLICY_TODAY environment variable)",
    )
    group.addoption(
        "--devops-policy-no-cache",
        action="store_true",
        help="analyse every file again instead of reusing results cached by content "
        "(they live under pytest's cache directory; --cache-clear also empties them)",
    )
    group.addoption(
        "--devops-policy-protocol",
        choices=["lean", "standard"],
        help="how policy items run: 'lean' (default) reports them without pytest's "
        "setup/call/teardown hooks; 'standard' uses the full runtest protocol",
    )
    group.addoption(
        "--devops-policy-items",
        choices=["resource", "policy"],
        help="the pytest item model: 'resource' (default) makes one item per resource "
        "holding every policy's verdict on it; 'policy' one item per (resource, policy), "
        "for IDE explorers and node ids down to the policy (slower on big trees)",
    )
    group.addoption(
        "--devops-policy-jobs",
        metavar="N",
        help="analyse files in N processes at collection ('auto': one per CPU; default: one "
        "per CPU, at most 4, from 100 files on, else 1). Needs the result cache and fork "
        "(Linux, macOS); else the run is serial",
    )
    group.addoption(
        "--devops-policy-explain",
        metavar="ID",
        help="print the reference page of one policy (an id or a name; built-in, plugin or "
        "conftest.py policies) and exit without running tests",
    )
    group.addoption(
        "--devops-policy-list",
        action="store_true",
        help="print every policy (id, name, severity, kind, controls) as a table, narrowed "
        "by --devops-policy-select/-ignore and the pyproject select/ignore, and exit "
        "without running tests",
    )
    group.addoption(
        "--devops-policy-hosts",
        action="append",
        metavar="SPECS",
        help="audit these live hosts with the HOST policies (testinfra specs: local://, "
        "ssh://user@host, docker://ctr, chroot:///path; comma-separated; @testinfra takes "
        "testinfra's --hosts). Needs the 'host' extra; nothing runs on any host without it",
    )
    parser.addini(
        "devops_policy_hosts",
        type="linelist",
        default=[],
        help="live hosts to audit (same as --devops-policy-hosts)",
    )
    from pytest_devops_policy.reports import FORMATS

    for fmt in FORMATS:
        group.addoption(
            fmt.option,
            dest=fmt.dest,
            action="append" if fmt.repeat else "store",
            metavar="PATH",
            help=f"{fmt.help} (pyproject {fmt.name})",
        )
    group.addoption(
        "--devops-policy-sarif-category",
        metavar="ID",
        help="SARIF runAutomationDetails.id, so that a partial run (changed files) uploads "
        "under its own code-scanning category (pyproject sarif_category)",
    )
    group.addoption(
        "--devops-policy-report-suppressed",
        action="store_true",
        default=None,
        help="also put waived and below-threshold findings in SARIF and Code Quality "
        "reports, marked suppressed (GitHub code scanning would show them as open alerts; "
        "pyproject report_suppressed)",
    )
    group.addoption(
        "--devops-policy-github",
        choices=["auto", "on", "off"],
        help="GitHub Actions job summary and ::error annotations: 'auto' (default) when "
        "GITHUB_ACTIONS=true (pyproject github)",
    )
    # -- branch baseline (issue 22) --
    group.addoption(
        "--devops-policy-baseline",
        metavar="PATH",
        help="a findings baseline: failures listed there xfail, a listed finding that is "
        "gone fails the run until its entry is removed (pyproject baseline)",
    )
    group.addoption(
        "--devops-policy-baseline-write",
        metavar="PATH",
        help="write the run's failing findings to a baseline file; an existing one only "
        "loses the entries this run shows fixed (add new ones with "
        "--devops-policy-baseline-add)",
    )
    group.addoption(
        "--devops-policy-baseline-add",
        action="store_true",
        help="with --devops-policy-baseline-write: also add the new failing findings",
    )
    group.addoption(
        "--devops-policy-baseline-ref",
        metavar="REF",
        help="read the baseline and the waivers as they were at the merge-base of HEAD and "
        "REF (git), so a pull request cannot accept its own findings (pyproject "
        "baseline_ref)",
    )
    parser.addini(
        "devops_policy",
        type="bool",
        default=False,
        help="enable the infrastructure policy checks (same as --devops-policy)",
    )
    # -- branch changed (issue 22) --
    group.addoption(
        "--devops-policy-changed",
        metavar="REF",
        help="judge only the files changed since the merge-base of HEAD and REF (committed, "
        "staged, unstaged and untracked), plus the files whose results depend on them "
        "(pyproject changed)",
    )


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_devops_policy import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if config.getoption("devops_policy_list"):
        return list_policies(config)
    spec = config.getoption("devops_policy_explain")
    if spec is None:
        return None
    return explain(config, spec)


def _known(config: pytest.Config) -> Sequence[Policy]:
    """Every policy the hook returns here, unselected (raises PolicyConflict)."""
    from pytest_devops_policy.engine.registry import build_policy_set
    from pytest_devops_policy.settings import Settings

    results = config.hook.pytest_devops_policy_add_policies(config=config)
    # One row per policy: a policy anchored on several kinds shows its primary function.
    return [p for p in build_policy_set(results, Settings()).policies if p.primary]


def list_policies(config: pytest.Config) -> int:
    """``--devops-policy-list``: the policies a run would use, as a table; runs nothing."""
    import sys

    from pytest_devops_policy.engine.registry import PolicyConflict
    from pytest_devops_policy.listing import render
    from pytest_devops_policy.settings import build

    settings = build(config)  # the pyproject's select/ignore; its mistakes are usage errors
    try:
        known = _known(config)
    except PolicyConflict as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return int(pytest.ExitCode.USAGE_ERROR)
    _unmatched(known, settings.select, settings.ignore)
    chosen = [p for p in known if settings.selects(p.id, p.name)]
    sys.stdout.write(render(chosen, len(known), bool(settings.select or settings.ignore)))
    sys.stdout.flush()
    return int(pytest.ExitCode.OK)


def explain(config: pytest.Config, spec: str) -> int:
    """``--devops-policy-explain``: the page of one policy, like ``ruff rule``.

    The policies are those the hook returns here: built-ins, pytest11 plugins and the
    conftest.py files pytest has loaded for the rootdir and the given paths. A policy from a
    deeper conftest.py is found when its directory is named on the command line.
    """
    import sys

    from pytest_devops_policy.docs import explain as render
    from pytest_devops_policy.engine.registry import PolicyConflict

    # Select/ignore do not apply: an ignored policy can still be explained.
    try:
        policies = _known(config)
    except PolicyConflict as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return int(pytest.ExitCode.USAGE_ERROR)
    text, found = render(spec, policies)
    if not found:
        hint = (
            "\n(a policy from a conftest.py deeper in the tree is found when its directory "
            f"is given: pytest --devops-policy-explain={spec} path/to/dir)"
        )
        sys.stderr.write(f"ERROR: {text}{hint}\n")
        return int(pytest.ExitCode.USAGE_ERROR)
    sys.stdout.write(text)
    sys.stdout.flush()
    return int(pytest.ExitCode.OK)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "devops_policy: an infrastructure policy check")
    for sev in SEVERITY_MARKERS:
        config.addinivalue_line("markers", f"{sev}: a devops-policy finding of severity {sev}")
    from pytest_devops_policy.kinds import KINDS

    for kind in KINDS:
        config.addinivalue_line(
            "markers", f"{kind.marker}: a devops-policy check of a {kind.marker_help}"
        )
        if kind.name != kind.marker:  # the spelling JUnit and the summary use works too
            config.addinivalue_line("markers", f"{kind.name}: same as {kind.marker}")
    from pytest_devops_policy.api import XREF_MARKER

    config.addinivalue_line(
        "markers",
        f"{XREF_MARKER}: a devops-policy cross-artifact check (XREF-*), besides its anchor's kind",
    )
    enabled = (
        config.getoption("devops_policy")
        or config.getoption("devops_policy_only")
        or config.getini("devops_policy")
    )
    if not enabled:
        return
    from pytest_devops_policy.pytest_layer.collector import (
        DevopsPolicy,
        ReportTrimmer,
        XdistLedger,
    )
    from pytest_devops_policy.settings import build

    settings = build(config)
    if settings.select or settings.ignore:
        _check_selection(config, settings.select, settings.ignore)
    _check_image_map(str(config.rootpath), settings)
    state = DevopsPolicy(config, settings)
    config.stash[STATE_KEY] = state
    config.pluginmanager.register(state, "devops_policy_collector")
    config.pluginmanager.register(ReportTrimmer(), "devops_policy_report_trimmer")
    if settings.items == "resource":
        from pytest_devops_policy.pytest_layer.selection import VerdictSelection

        config.pluginmanager.register(VerdictSelection(config), "devops_policy_selection")
    from pytest_devops_policy.pytest_layer.gcpause import GcPause

    config.pluginmanager.register(GcPause(), "devops_policy_gc")
    if settings.lean:
        from pytest_devops_policy.pytest_layer.protocol import LeanProtocol

        config.pluginmanager.register(LeanProtocol(config), "devops_policy_protocol")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistLedger(state), "devops_policy_xdist")
    _register_hosts(config, state)
    if state.pending is not None and settings.reports.wanted(os.environ):
        # a report format (or GitHub's job summary) is asked for
        from pytest_devops_policy.pytest_layer.reports import ReportRun

        config.pluginmanager.register(ReportRun(state), "devops_policy_reports")
    if settings.baseline_write:  # branch baseline (issue 22)
        from pytest_devops_policy.pytest_layer.baseline import BaselineWrite

        writer = BaselineWrite(state, state.baseline_written)
        config.pluginmanager.register(writer, "devops_policy_baseline_write")


def _register_hosts(config: pytest.Config, state: object) -> None:
    """HOST items exist only when hosts are named (catalog §8.1): then the 'host' extra
    must be installed, and a bad spec is a usage error before anything runs."""
    from pytest_devops_policy.options import HostOptions
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

    assert isinstance(state, DevopsPolicy)
    if not (
        config.getoption("devops_policy_hosts")
        or config.getini("devops_policy_hosts")
        or state.settings.options.of(HostOptions).hosts
    ):
        return
    from pytest_devops_policy.hosts.testinfra_probe import MISSING_EXTRA, testinfra_available
    from pytest_devops_policy.pytest_layer.hosts import HostRun, host_specs

    if not testinfra_available():
        raise pytest.UsageError(MISSING_EXTRA)
    specs = host_specs(config, state.settings.options.of(HostOptions))
    windows = [s.label for s in specs if s.scheme == "winrm"]
    if windows:
        raise pytest.UsageError(
            f"--devops-policy-hosts: {', '.join(windows)}: HOST policies support Linux targets only"
        )
    if specs:
        config.pluginmanager.register(HostRun(state, specs), "devops_policy_hosts")


def _check_selection(config: pytest.Config, select: Sequence[str], ignore: Sequence[str]) -> None:
    """``--devops-policy-select/-ignore`` name policies that exist: a typo is a usage error,
    not a run that silently checks nothing. The policies known here are the built-ins,
    plugins and the conftest.py files pytest loaded at start-up (the rootdir's and those of
    the paths given), as for ``--devops-policy-explain``."""
    from pytest_devops_policy.engine.registry import PolicyConflict

    try:
        known = _known(config)
    except PolicyConflict:
        return  # reported where the policies are collected
    _unmatched(known, select, ignore)


def _check_image_map(rootdir: str, settings: Settings) -> None:
    """``xref.image_map`` declares links to Dockerfiles (and stages) that exist: a typo is
    a usage error, not a declaration that links nothing."""
    from pytest_devops_policy.options.xref import XrefOptions

    if not settings.options.of(XrefOptions).image_map:
        return
    from pytest_devops_policy.context import ParseCache
    from pytest_devops_policy.indexes.xref_links import image_map_problems

    problems = image_map_problems(ParseCache(rootdir, [rootdir], options=settings.options))
    if problems:
        raise pytest.UsageError("\n".join(problems))


def _unmatched(known: Sequence[Policy], select: Sequence[str], ignore: Sequence[str]) -> None:
    from pytest_devops_policy.engine.registry import unmatched_specs

    problems = []
    for option, specs in (("select", select), ("ignore", ignore)):
        for spec, close in unmatched_specs(specs, known):
            hint = f"; did you mean {close!r}?" if close else ""
            problems.append(f"--devops-policy-{option}: {spec!r} matches no policy{hint}")
    if problems:
        raise pytest.UsageError("\n".join(problems))


_REGISTERED = (
    "devops_policy_collector",
    "devops_policy_report_trimmer",
    "devops_policy_protocol",
    "devops_policy_xdist",
    "devops_policy_gc",
    "devops_policy_selection",
    "devops_policy_reports",
    "devops_policy_hosts",
    "devops_policy_baseline_write",
)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Unregister what ``pytest_configure`` registered, so nothing outlives the run (an
    in-process pytester run shares the interpreter with the next one)."""
    for name in _REGISTERED:
        plugin = config.pluginmanager.get_plugin(name)
        if plugin is not None:
            config.pluginmanager.unregister(plugin, name)
    if STATE_KEY in config.stash:
        del config.stash[STATE_KEY]
