"""Deploy-discipline policies (GHA-012, 013, 014, 017): what golden fixtures cannot show.

Golden cases check a whole case directory; here the run covers only the caller's file, so
a callee outside the run must be reported on the caller, and option validation is a usage
error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.kinds import option_classes
from pytest_devops_policy.options import GhaOptions, OptionError, Options
from pytest_devops_policy.policies import builtin_by_id
from pytest_devops_policy.testing import actual

CALLER = "on: push\njobs:\n  ship:\n    uses: ./.github/workflows/deploy.yml\n"
CALLEE = (
    "on: workflow_call\n"
    "jobs:\n"
    "  rollout:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - run: kubectl apply -f k8s/\n"
)


def _repo(tmp_path: Path) -> Path:
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(CALLER, encoding="utf-8")
    (wf / "deploy.yml").write_text(CALLEE, encoding="utf-8")
    return wf / "ci.yml"


@pytest.mark.parametrize("pid", ["GHA-012", "GHA-013", "GHA-014", "GHA-017"])
def test_callee_outside_the_run_is_reported_on_the_caller(pid: str, tmp_path: Path) -> None:
    caller = _repo(tmp_path)
    policy = builtin_by_id()[pid]
    alone = actual(caller, policy, rootdir=tmp_path, roots=[caller])
    assert alone.violations == {(4, pid)}
    whole = actual(caller, policy, rootdir=tmp_path, roots=[tmp_path])
    if pid == "GHA-012":  # judged in the callee's own file only
        assert not whole.violations
    else:  # the callee only runs on workflow_call: its caller is where the gate goes
        assert whole.violations == {(4, pid)}


@pytest.mark.parametrize("pid", ["GHA-013", "GHA-014", "GHA-017"])
def test_callee_defers_to_its_callers(pid: str, tmp_path: Path) -> None:
    _repo(tmp_path)
    callee = tmp_path / ".github" / "workflows" / "deploy.yml"
    got = actual(callee, builtin_by_id()[pid], rootdir=tmp_path, roots=[tmp_path])
    assert not got.violations and not got.unknown


def test_required_scan_kinds_are_validated() -> None:
    opts = Options.from_flat({"gha.required_scan_kinds": ["Deps", "image"]}, option_classes())
    assert opts.of(GhaOptions).required_scan_kinds == ("deps", "image")
    with pytest.raises(OptionError, match=r"gha\.required_scan_kinds.*'dast'"):
        Options.from_flat({"gha.required_scan_kinds": ["dast"]}, option_classes())
    with pytest.raises(OptionError, match=r"gha\.required_scan_kinds"):
        Options.from_flat({"gha.required_scan_kinds": [1]}, option_classes())


# Every deploy-discipline policy whose items exist only for deploy jobs (GHA-021 and GHA-029:
# production deploys; the caller below runs on push to main, which makes it one).
DEPLOY_ITEMS = ("GHA-012", "GHA-013", "GHA-014", "GHA-016", "GHA-017", "GHA-018", "GHA-021")
PUSH_MAIN = (
    "on:\n  push:\n    branches: [main]\njobs:\n  {job}:\n    uses: ./.github/workflows/{callee}\n"
)


def _applies(tmp_path: Path, job: str, callee: str, callee_text: str) -> dict[str, bool]:
    from pytest_devops_policy.context import Context, ParseCache

    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    caller = wf / "ci.yml"
    caller.write_text(PUSH_MAIN.format(job=job, callee=callee), encoding="utf-8")
    (wf / callee).write_text(callee_text, encoding="utf-8")
    options = Options.from_flat({}, option_classes())
    cache = ParseCache(str(tmp_path), [str(tmp_path)], options=options)
    context = Context(options, cache)
    parsed = cache.get(str(caller), "github-actions")
    subject = next(s for s in parsed.subjects if getattr(s, "id", None) == job)
    return {
        pid: builtin_by_id()[pid].applies_to(subject, context) for pid in (*DEPLOY_ITEMS, "GHA-029")
    }


def test_caller_of_a_non_deploying_callee_gets_no_deploy_items(tmp_path: Path) -> None:
    # The callee's file name says "publish", its job only builds: every policy resolves the
    # callee (none falls back to the file name), so this CI workflow gets no deploy items.
    build = (
        "on: workflow_call\njobs:\n  docs:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: mkdocs build\n"
    )
    got = _applies(tmp_path, "docs", "publish-docs.yml", build)
    assert not any(got.values()), got


def test_caller_of_a_deploying_callee_is_a_deploy_job_everywhere(tmp_path: Path) -> None:
    got = _applies(tmp_path, "stage", "steps.yml", CALLEE)
    assert all(got.values()), got


def test_gha019_callee_missing_timeout_reported_once(tmp_path: Path) -> None:
    # The callee's rollout job sets no timeout: reported on the caller only when the callee's
    # own file is outside the run (its own item reports it otherwise).
    caller = _repo(tmp_path)
    policy = builtin_by_id()["GHA-019"]
    assert actual(caller, policy, rootdir=tmp_path, roots=[caller]).violations == {(4, "GHA-019")}
    assert not actual(caller, policy, rootdir=tmp_path, roots=[tmp_path]).violations
    callee = tmp_path / ".github" / "workflows" / "deploy.yml"
    own = actual(callee, policy, rootdir=tmp_path, roots=[tmp_path])
    assert own.violations == {(3, "GHA-019")}
