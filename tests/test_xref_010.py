"""XREF-010 (indexes/xref_gates.py): the knobs, when the item exists, waivers and the
cases the golden trees do not pin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.api import get_policy
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.formats.github_actions.workflow import Job
from pytest_devops_policy.indexes.xref_gates import gate_policies
from pytest_devops_policy.options import OptionError, Options, XrefOptions
from pytest_devops_policy.policies.github_actions.xref_010_deployed_manifests_pass_gates import (
    deployed_manifests_pass_gates,
)

ON = {"xref.gate_deploys": True}
WORKFLOW = """\
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
{environment}    steps:
      - uses: actions/checkout@v4
      - run: {command}
"""
PRODUCTION = "    environment: production\n"
OBJECT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          securityContext:
{waiver}            privileged: true
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 128Mi
"""


def _repo(
    root: Path,
    command: str = "kubectl apply -f k8s/",
    environment: str = PRODUCTION,
    objects: int = 1,
    waiver: str = "",
) -> Path:
    wf = root / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(WORKFLOW.format(environment=environment, command=command), encoding="utf-8")
    (root / "k8s").mkdir()
    text = "---\n".join(OBJECT.format(name=f"web{i}", waiver=waiver) for i in range(objects))
    (root / "k8s" / "web.yaml").write_text(text, encoding="utf-8")
    return wf


def _run(root: Path, wf: Path, settings: dict[str, Any]) -> list[tuple[list[str], list[str]]]:
    """(violation messages, unknowns) of each job the policy applies to: [] is no item."""
    options = Options.from_flat(settings, kinds.option_classes())
    cache = ParseCache(str(root), [str(root)], options=options)
    context = Context(options, cache)
    meta = get_policy(deployed_manifests_pass_gates)
    assert meta is not None
    parsed = cache.get(str(wf), "github-actions")
    out = []
    for job in getattr(parsed, "subjects", ()):
        if isinstance(job, Job) and meta.applies_to(job, context):
            found = evaluate(meta, job, context)
            out.append(([v.message for v in found.violations], found.unknowns))
    return out


def test_off_by_default_there_is_no_item(tmp_path: Path) -> None:
    wf = _repo(tmp_path)
    assert XrefOptions().gate_deploys is False
    assert _run(tmp_path, wf, {}) == []
    [(fails, _)] = _run(tmp_path, wf, ON)
    assert fails and "K8S-002" in fails[0]


@pytest.mark.parametrize(
    ("command", "environment"),
    [
        ("kubectl apply -f k8s/", "    environment: staging\n"),  # not production
        ("kubectl apply --dry-run=server -f k8s/", PRODUCTION),  # applies nothing
        ("kubectl set image deployment/web0 web=ghcr.io/acme/web:2", PRODUCTION),
        ("kubectl delete -f k8s/", PRODUCTION),
    ],
)
def test_no_item_unless_a_production_job_applies_paths(
    tmp_path: Path, command: str, environment: str
) -> None:
    wf = _repo(tmp_path, command, environment)
    assert _run(tmp_path, wf, ON) == []


@pytest.mark.parametrize(
    "entry", ["K8S:urgent", "K8S-999", "DOCKER-001", "XREF-003", "k8s critical", ":high"]
)
def test_a_bad_gate_policy_is_an_option_error(entry: str) -> None:
    with pytest.raises(OptionError, match=r"xref\.gate_policies"):
        Options.from_flat({"xref.gate_policies": [entry]}, kinds.option_classes())


def test_a_bad_gate_policy_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--devops-policy",
        "--devops-policy-option", "xref.gate_policies=K8S:urgent",
    )  # fmt: skip
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "xref.gate_policies" in result.stderr.str()


def test_gate_entries_are_normalised_and_resolved() -> None:
    opts = Options.from_flat(
        {"xref.gate_policies": ["k8s:CRITICAL", "k8s-001", "K8S-001"]}, kinds.option_classes()
    )
    gates = opts.of(XrefOptions).gate_policies
    assert gates == ("K8S:critical", "K8S-001")
    assert [p.id for p in gate_policies(gates)] == ["K8S-001", "K8S-002", "K8S-016", "K8S-017"]
    default = gate_policies(XrefOptions().gate_policies)
    assert [p.id for p in default] == ["K8S-001", "K8S-002", "K8S-010", "K8S-016", "K8S-017"]


def test_only_the_gate_policies_are_judged(tmp_path: Path) -> None:
    wf = _repo(tmp_path)
    assert _run(tmp_path, wf, {**ON, "xref.gate_policies": ["K8S-010"]}) == [([], [])]


def test_an_expired_waiver_does_not_clear_the_gate(tmp_path: Path) -> None:
    expired = '            # devops-policy: ignore[K8S-002] reason="agent" expires=2020-01-01\n'
    wf = _repo(tmp_path, waiver=expired)
    [(fails, _)] = _run(tmp_path, wf, ON)
    assert fails and "K8S-002" in fails[0]


def test_a_waiver_of_another_policy_does_not_clear_it(tmp_path: Path) -> None:
    other = '            # devops-policy: ignore[K8S-003] reason="agent"\n'
    wf = _repo(tmp_path, waiver=other)
    [(fails, _)] = _run(tmp_path, wf, ON)
    assert fails


def test_the_listing_is_capped_and_linked(tmp_path: Path) -> None:
    wf = _repo(tmp_path, objects=10)
    [(fails, _)] = _run(tmp_path, wf, ON)
    [message] = fails
    assert message.count("-> K8S-002") == 8 and "and 2 more" in message
    assert "Deployment/web0 (k8s/web.yaml:1) -> K8S-002" in message
    assert "(.github/workflows/deploy.yml:10)" in message
    assert "pyproject.toml does not clear XREF-010" in message


def test_links_name_both_ends(tmp_path: Path) -> None:
    wf = _repo(tmp_path)
    options = Options.from_flat(ON, kinds.option_classes())
    cache = ParseCache(str(tmp_path), [str(tmp_path)], options=options)
    context = Context(options, cache)
    meta = get_policy(deployed_manifests_pass_gates)
    assert meta is not None
    parsed = cache.get(str(wf), "github-actions")
    [job] = [j for j in getattr(parsed, "subjects", ()) if isinstance(j, Job)]
    [v] = evaluate(meta, job, context).violations
    assert v.links == (".github/workflows/deploy.yml:10 -> k8s/web.yaml:1",)


def test_below_the_link_threshold_it_is_unknown(tmp_path: Path) -> None:
    wf = _repo(tmp_path)
    [(fails, unknowns)] = _run(tmp_path, wf, {**ON, "xref.min_link_confidence": "declared"})
    assert not fails and unknowns and "K8S-002" in unknowns[0]


def test_a_cached_verdict_follows_the_runs_date(pytester: pytest.Pytester) -> None:
    """The waiver's expiry is judged as of the run's date (``--devops-policy-today``),
    and the cached XREF-010 verdict is keyed on it: a replayed audit date is honoured."""
    waiver = (
        '            # devops-policy: ignore[K8S-002] reason="lab cluster" expires=2027-01-31\n'
    )
    _repo(pytester.path, waiver=waiver)
    pytester.makepyprojecttoml("[tool.devops-policy.xref]\ngate_deploys = true\n")
    run = ("--devops-policy-only", "--devops-policy-select=XREF-010", "-v")
    pytester.runpytest(*run, "--devops-policy-today=2027-01-01").assert_outcomes(passed=1)
    pytester.runpytest(*run, "--devops-policy-today=2027-02-01").assert_outcomes(failed=1)
    pytester.runpytest(*run, "--devops-policy-today=2027-01-01").assert_outcomes(passed=1)
