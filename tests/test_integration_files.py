"""The integration files (issue 19, point 5), read and run as their hosts would run them.

- ``.pre-commit-hooks.yaml``: its ``files`` pattern, and each hook's ``entry`` + ``args`` run
  on the files pre-commit would pass; then, when pre-commit is installed and can install the
  hook's environment from the package index, ``pre-commit try-repo`` itself.
- ``action.yml``: its structure (composite, pins, no ``${{ }}`` in scripts), our own policies
  over it, and its ``run:`` steps executed with bash with the environment the runner gives
  them (the steps that ``uses:`` other actions are left out).
- ``ci/gitlab/devops-policy.gitlab-ci.yml``: its structure, and its script lines run with bash.

The steps that install the plugin need the package index; without it they skip, saying why.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from report_repo import make_repo

from pytest_devops_policy.options.secrets import DEFAULT_INCLUDE
from pytest_devops_policy.pytest_layer.precommit import split_arguments

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
ACTION = ROOT / "action.yml"
GITLAB = ROOT / "ci" / "gitlab" / "devops-policy.gitlab-ci.yml"
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")

BAD_DOCKERFILE = "FROM node:latest\nCMD node server.js\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""
PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"""


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _environ(**extra: str) -> dict[str, str]:
    """This process's environment without the host CI's variables: a run inside GitHub
    Actions or GitLab must not switch on the plugin's GitHub mode or read their files."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "CI_", "PRE_COMMIT", "PYTEST_"))
        and k not in ("CI", "PYTHONPATH")
    }
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


def _checkout(target: Path) -> Path:
    """What a clone of this repository holds for the integration files to work: the package,
    its pyproject and README, and the files under test."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "action.yml"):
        shutil.copy2(ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "pytest_devops_policy", target / "pytest_devops_policy", ignore=ignore)
    shutil.copytree(ROOT / "ci", target / "ci", ignore=ignore)
    return target


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env=_environ(),
    )


def _write(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _user_repo(root: Path) -> Path:
    """A failing and a clean Dockerfile, a Deployment whose PDB is in another file of its
    directory, and files the plugin does not check."""
    hardened = (ROOT / "examples" / "hardened" / "Dockerfile").read_text(encoding="utf-8")
    return _write(
        root,
        {
            "bad/Dockerfile": BAD_DOCKERFILE,
            "ok/Dockerfile": hardened,
            "ok/Dockerfile.md": "# notes on the image\n",
            "k8s/app.yaml": DEPLOYMENT,
            "k8s/pdb.yaml": PDB,
            "README.md": "# app\n",
        },
    )


# --------------------------------------------------------------------------- pre-commit


def _hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for hook in _load(HOOKS)}


def test_the_hooks_are_defined() -> None:
    hooks = _hooks()
    assert set(hooks) == {"devops-policy", "devops-policy-repo"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True
        assert "--override-ini=addopts=" in hook["entry"]
        re.compile(hook["files"])
    assert hooks["devops-policy"].get("pass_filenames", True) is True
    assert hooks["devops-policy-repo"]["pass_filenames"] is False
    assert hooks["devops-policy-repo"]["files"] == hooks["devops-policy"]["files"]


def _sample(glob: str) -> str:
    """A file name a secrets.include glob matches: ``**/*.tfstate*`` -> ``a/b/x.tfstate``."""
    return glob.replace("**/", "a/b/").replace("*", "x", 1).replace("*", "")


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile",
        "services/api/Dockerfile.prod",
        "Containerfile",
        "build/app.Dockerfile",
        "images/base.dockerfile",
        "k8s/web.yaml",
        "deploy/web.yml",
        ".github/workflows/ci.yml",
        "action.yaml",
        ".gitlab-ci.yml",
        "infra/main.tf",
        "infra/main.tf.json",
        "plans/plan.json",
        "infra/prod.tfvars",
        ".env",
        ".env.production",
        "config/app.env",
        *(_sample(glob) for glob in DEFAULT_INCLUDE),
    ],
)
def test_the_files_pattern_covers_what_the_plugin_collects(name: str) -> None:
    assert re.search(_hooks()["devops-policy"]["files"], name), name


@pytest.mark.parametrize(
    "name", ["README.md", "src/main.py", "cmd/app/main.go", "Makefile", "docs/dockerfiles.rst"]
)
def test_the_files_pattern_leaves_out_other_files(name: str) -> None:
    assert not re.search(_hooks()["devops-policy"]["files"], name)


def _hook_command(hook: Mapping[str, Any]) -> list[str]:
    """The hook's ``entry`` + ``args`` as pre-commit runs them, with this interpreter."""
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    if command[0] == "python":
        return [sys.executable, *command[1:]]
    assert command[0] == "pytest", command
    return [sys.executable, "-m", "pytest", *command[1:]]


def _run_hook(
    repo: Path, hook_id: str, changed: list[str], *extra: str
) -> subprocess.CompletedProcess[str]:
    """Run a hook as pre-commit would: on the changed files its ``files`` pattern matches."""
    hook = _hooks()[hook_id]
    command = _hook_command(hook) + list(extra)
    if hook.get("pass_filenames", True):
        command += [name for name in changed if re.search(hook["files"], name)]
    return subprocess.run(
        command,
        cwd=repo,
        env=_environ(PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("items", ["resource", "policy"])
def test_the_changed_files_hook_judges_only_the_changed_files(tmp_path: Path, items: str) -> None:
    repo = _user_repo(tmp_path)
    model = f"--devops-policy-items={items}"
    clean = _run_hook(repo, "devops-policy", ["ok/Dockerfile", "README.md"], model)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    mixed = _run_hook(repo, "devops-policy", ["bad/Dockerfile", "ok/Dockerfile"], model)
    assert mixed.returncode == 1, mixed.stdout + mixed.stderr
    assert "bad/Dockerfile:1:1: DOCKER-003" in mixed.stdout  # --tb=line: one line a finding
    assert "ok/Dockerfile:" not in mixed.stdout


def test_the_hook_arguments() -> None:
    assert split_arguments(["-q", "--tb=line", "a/Dockerfile", "b.tf"]) == (
        ["-q", "--tb=line"],
        ["a/Dockerfile", "b.tf"],
    )
    assert split_arguments(["-p", "no:cacheprovider", "--", "-odd-name.yaml"]) == (
        ["-p", "no:cacheprovider"],
        ["-odd-name.yaml"],
    )


def test_waivers_of_unchanged_files_are_not_unused(tmp_path: Path) -> None:
    # With strict-waivers, a waiver that matches nothing fails the run; the hook's run
    # leaves other directories out, so their waivers are not "unused" in it.
    repo = _user_repo(tmp_path)
    (repo / "pyproject.toml").write_text(
        "[tool.devops-policy]\nstrict-waivers = true\n\n[[tool.devops-policy.waivers]]\n"
        'policy = "DOCKER-003"\npath = "bad/Dockerfile"\nreason = "vendor image"\n',
        encoding="utf-8",
    )
    clean = _run_hook(repo, "devops-policy", ["ok/Dockerfile"])
    assert clean.returncode == 0, clean.stdout + clean.stderr
    bad = _run_hook(repo, "devops-policy", ["bad/Dockerfile"])
    assert "used: DOCKER-003" in bad.stdout
    assert "DOCKER-003" not in bad.stdout.split("=== devops-policy summary")[0]  # waived


def test_the_hook_refuses_xdist(tmp_path: Path) -> None:
    # Workers would not get the hook's plugin and would check everything.
    result = _run_hook(_user_repo(tmp_path), "devops-policy", ["ok/Dockerfile"], "-n2")
    assert result.returncode == 4
    assert "unrecognized arguments: -n2" in result.stderr


def test_pytest_collects_explicit_file_arguments_of_every_kind(pytester: pytest.Pytester) -> None:
    # What a hook passing file names straight to pytest would rely on (the repository hook
    # and the action pass directories; the changed-files hook collects directories).
    make_repo(pytester.path)
    files = ["Dockerfile", "infra/main.tf", ".github/workflows/ci.yml", "k8s/web.yaml"]
    result = pytester.runpytest(
        "--devops-policy-only", "-p", "no:cacheprovider", "--co", "-q", *files
    )
    collected = {line.split("::")[0] for line in result.stdout.lines if "::" in line}
    assert collected == set(files)


def test_a_changed_manifest_is_judged_with_its_directory(tmp_path: Path) -> None:
    # The PDB in k8s/pdb.yaml covers the Deployment: given alone to pytest, k8s/app.yaml
    # would fail K8S-026. pdb.yaml is read, and its own items are not reported.
    repo = _user_repo(tmp_path)
    result = _run_hook(
        repo, "devops-policy", ["k8s/app.yaml"], "--devops-policy-items=policy", "-rA"
    )
    assert "PASSED k8s/app.yaml::Deployment/web::K8S-026" in result.stdout, result.stdout
    assert "k8s/pdb.yaml::" not in result.stdout
    assert " deselected" in result.stdout


def test_changes_with_nothing_to_check_pass(tmp_path: Path) -> None:
    # Dockerfile.md matches the hook's pattern (Dockerfile.*) but is not a Dockerfile:
    # pytest would say "no tests ran" (exit 5) or, given the file, "not found" (exit 4).
    repo = _user_repo(tmp_path)
    result = _run_hook(repo, "devops-policy", ["ok/Dockerfile.md"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repository_hook_checks_everything(tmp_path: Path) -> None:
    repo = _user_repo(tmp_path)
    result = _run_hook(repo, "devops-policy-repo", ["ok/Dockerfile"])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "bad/Dockerfile:1:1: DOCKER-003" in result.stdout
    assert "k8s/app.yaml:" in result.stdout


def _pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=_environ(PRE_COMMIT_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_pre_commit_runs_the_hooks(tmp_path: Path) -> None:
    """pre-commit itself: it clones the hook repository, pip-installs the plugin from it into
    an environment of its own, and runs the hooks. ``pre-commit try-repo`` does the same with
    a throwaway store, so each call installs again (30 to 90 s here); a config naming the
    clone and its commit installs once for all the cases below."""
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed in this environment (pip install pre-commit)")
    hooks = _checkout(tmp_path / "hooks")
    _git(hooks, "init", "-q")
    _git(hooks, "add", "-A")
    _git(hooks, "commit", "-q", "-m", "hooks")
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hooks, capture_output=True, text=True, check=True
    ).stdout.strip()
    user = _user_repo(tmp_path / "user")
    config = {
        "repos": [
            {
                "repo": str(hooks),
                "rev": rev,
                "hooks": [{"id": "devops-policy"}, {"id": "devops-policy-repo"}],
            }
        ]
    }
    (user / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(user, "init", "-q")
    _git(user, "add", "-A")
    home = tmp_path / "pre-commit-home"

    both = _pre_commit(user, home, "run", "--files", "bad/Dockerfile", "ok/Dockerfile")
    out = both.stdout + both.stderr
    if both.returncode != 0 and "- hook id:" not in out and "CalledProcessError" in out:
        # pre-commit could not build the hook's environment (pip and the package index).
        reason = " | ".join(out.strip().splitlines()[-6:])
        pytest.skip(f"pre-commit could not install the hook's environment: {reason}")
    assert both.returncode == 1, out
    changed, _, whole = out.partition("- hook id: devops-policy-repo")
    assert "bad/Dockerfile:1:1: DOCKER-003" in changed
    assert "ok/Dockerfile:" not in changed and "k8s/app.yaml:" not in changed
    assert "bad/Dockerfile:1:1: DOCKER-003" in whole and "k8s/app.yaml:" in whole

    def outcome(hook_id: str, *files: str) -> tuple[int, str]:
        result = _pre_commit(user, home, "run", hook_id, "--files", *files)
        return result.returncode, result.stdout + result.stderr

    code, out = outcome("devops-policy", "ok/Dockerfile", "README.md")
    assert code == 0 and re.search(r"\(changed infrastructure files\)\.+Passed", out), out
    code, out = outcome("devops-policy", "README.md")
    assert code == 0 and "(no files to check)Skipped" in out, out
    code, out = outcome("devops-policy", "ok/Dockerfile.md")  # matched, then not collected
    assert code == 0 and "Passed" in out, out


# --------------------------------------------------------------------------- action.yml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _action() -> dict[str, Any]:
    data: dict[str, Any] = _load(ACTION)
    return data


def _steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _action()["runs"]["steps"]
    return steps


def _step(step_id: str) -> dict[str, Any]:
    return next(s for s in _steps() if s.get("id") == step_id)


def test_the_action_is_composite_and_pinned() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    for name in ("paths", "sarif-file", "upload-sarif", "category", "fail-on", "select",
                 "ignore", "args", "version", "python-version"):  # fmt: skip
        assert name in inputs and "description" in inputs[name], name
        assert isinstance(inputs[name]["default"], str), name
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}
    text = ACTION.read_text(encoding="utf-8")
    uses = [s["uses"] for s in _steps() if "uses" in s]
    assert {u.split("@")[0] for u in uses} == {
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    }
    for use in uses:
        assert SHA_PIN.match(use), use  # GHA-003: a tag or branch can be moved
        assert re.search(re.escape(use) + r" # v\d+\.\d+\.\d+$", text, re.M), use
    for step in _steps():
        if "run" in step:
            assert step["shell"] == "bash"
            # GHA-008: an input in a script is code; they reach it through env.
            assert "${{" not in step["run"], step["name"]


def test_the_upload_runs_after_a_failing_scan() -> None:
    upload = next(s for s in _steps() if "upload-sarif" in s.get("uses", ""))
    condition = upload["if"]
    assert "!cancelled()" in condition  # success() || failure(): a failing scan uploads too
    assert "steps.scan.outputs.sarif-file != ''" in condition
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-file }}"
    assert upload["with"]["category"] == "${{ inputs.category }}"
    names = [s.get("id") or s.get("uses", "") for s in _steps()]
    assert names.index("scan") < names.index(upload["uses"])


@pytest.fixture
def action_copy(pytester: pytest.Pytester) -> Path:
    target = pytester.path / "action" / "action.yml"
    target.parent.mkdir()
    shutil.copy2(ACTION, target)
    return target


def test_the_action_passes_our_own_policies(pytester: pytest.Pytester, action_copy: Path) -> None:
    result = pytester.runpytest("--devops-policy-only", "-p", "no:cacheprovider", "-rA", "action")
    result.stdout.fnmatch_lines(["PASSED action/action.yml::action::GHA-003", "PASSED *GHA-008"])
    assert result.ret == 0, result.stdout.str()


def test_our_policies_would_catch_a_drifting_action(
    pytester: pytest.Pytester, action_copy: Path
) -> None:
    # The control for the test above: the plugin does read action.yml.
    text = action_copy.read_text(encoding="utf-8")
    text = re.sub(r"(upload-sarif)@[0-9a-f]{40}", r"\1@v4", text)
    text = text.replace('exit "$code"', 'echo "${{ inputs.paths }}"; exit "$code"')
    action_copy.write_text(text, encoding="utf-8")
    result = pytester.runpytest("--devops-policy-only", "-p", "no:cacheprovider", "action")
    result.stdout.fnmatch_lines(["FAILED *GHA-003*", "FAILED *GHA-008*"])


def _expand(value: str, inputs: Mapping[str, str], outputs: Mapping[str, dict[str, str]]) -> str:
    """The expressions the action's env may hold: inputs and earlier steps' outputs."""

    def one(match: re.Match[str]) -> str:
        parts = match.group(1).split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"an expression the test does not know: {match.group(0)}")

    return EXPRESSION.sub(one, value)


class Runner:
    """Runs the action's ``run:`` steps as a GitHub runner does (bash -eo pipefail, the step's
    env, GITHUB_OUTPUT, GITHUB_ACTION_PATH, RUNNER_TEMP)."""

    def __init__(self, action_path: Path, temp: Path) -> None:
        self.action_path = action_path
        self.temp = temp
        self.outputs: dict[str, dict[str, str]] = {}

    def run(
        self, step_id: str, workspace: Path, given: Mapping[str, str]
    ) -> subprocess.CompletedProcess[str]:
        inputs = {k: v["default"] for k, v in _action()["inputs"].items()}
        inputs.update(given)
        step = _step(step_id)
        env_vars = {k: _expand(str(v), inputs, self.outputs) for k, v in step["env"].items()}
        output = self.temp / f"{step_id}.out"
        output.write_text("", encoding="utf-8")
        script = self.temp / f"{step_id}.sh"
        script.write_text(step["run"], encoding="utf-8")
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=_environ(
                GITHUB_OUTPUT=str(output),
                GITHUB_ACTION_PATH=str(self.action_path),
                GITHUB_WORKSPACE=str(workspace),
                RUNNER_TEMP=str(self.temp),
                **env_vars,
            ),
            capture_output=True,
            text=True,
            timeout=600,
        )
        lines = output.read_text(encoding="utf-8").splitlines()
        self.outputs[step_id] = dict(line.split("=", 1) for line in lines)
        return result


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """The action's install step, run once: a virtual environment with the plugin installed
    from a copy of this checkout, as GITHUB_ACTION_PATH holds it."""
    base = tmp_path_factory.mktemp("action")
    runner = Runner(_checkout(base / "action-path"), base / "runner-temp")
    runner.temp.mkdir()
    result = runner.run("install", base, {})
    if result.returncode != 0:
        tail = " | ".join((result.stdout + result.stderr).strip().splitlines()[-4:])
        pytest.skip(f"the action's install step could not install the plugin here: {tail}")
    yield runner


def _knows(python: str, option: str) -> bool:
    """Whether the installed plugin has this option (report formats land one by one)."""
    help_text = subprocess.run(
        [python, "-m", "pytest", "--help"], capture_output=True, text=True, env=_environ()
    ).stdout
    return option in help_text


def test_the_install_step_installs_the_action_checkout(runner: Runner) -> None:
    python = runner.outputs["install"]["python"]
    assert python.startswith(str(runner.temp))
    where = subprocess.run(
        [python, "-c", "import pytest_devops_policy; print(pytest_devops_policy.__file__)"],
        capture_output=True,
        text=True,
        env=_environ(),
        cwd=runner.temp,  # python -c puts the working directory first on sys.path
        check=True,
    ).stdout
    assert where.startswith(str(runner.temp)), where  # installed, not this checkout


def test_the_scan_step_fails_on_findings_and_writes_sarif(runner: Runner, tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    sarif = _knows(runner.outputs["install"]["python"], "--devops-policy-sarif=")
    given = {"sarif-file": "reports/devops-policy.sarif" if sarif else "", "category": "infra"}
    result = runner.run("scan", repo, given)
    outputs = runner.outputs["scan"]
    assert result.returncode == 1, result.stdout + result.stderr
    assert outputs["exit-code"] == "1"
    assert "DOCKER-001" in result.stdout
    if sarif:
        assert outputs["sarif-file"] == "reports/devops-policy.sarif"
        report = (repo / "reports" / "devops-policy.sarif").read_text(encoding="utf-8")
        assert '"version": "2.1.0"' in report.replace('"version":"2.1.0"', '"version": "2.1.0"')
        assert '"infra' in report  # runAutomationDetails.id from the category input
    else:  # the SARIF format is not in this build yet: nothing written, nothing uploaded
        assert "sarif-file" not in outputs


def test_the_scan_step_passes_inputs_through(runner: Runner, tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    given = {
        "sarif-file": "",
        "paths": "infra\n.github",  # newline-separated, as a YAML block gives them
        "select": "TF",
        "args": "--devops-policy-items=policy -rA",
    }
    result = runner.run("scan", repo, given)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED infra/main.tf::aws_security_group.admin::TF-006" in result.stdout
    assert "Dockerfile" not in result.stdout  # only the paths given
    assert "::GHA-" not in result.stdout  # only the policies selected

    result = runner.run("scan", repo, {**given, "ignore": "TF-006"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TF-006" not in result.stdout
    assert runner.outputs["scan"] == {"exit-code": "0"}


def test_the_fail_on_input(runner: Runner, tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    assert runner.run("scan", repo, {"sarif-file": "", "paths": "k8s/web.yaml"}).returncode == 1
    given = {"sarif-file": "", "paths": "k8s/web.yaml", "fail-on": "critical"}
    result = runner.run("scan", repo, given)
    assert result.returncode == 0, result.stdout + result.stderr  # nothing critical there


def test_an_input_is_data_not_code(runner: Runner, tmp_path: Path) -> None:
    # A value a workflow passes from an untrusted source (a branch name, a PR title).
    repo = make_repo(tmp_path)
    marker = tmp_path / "owned"
    result = runner.run("scan", repo, {"sarif-file": "", "paths": f"$(touch {marker}) *"})
    assert not marker.exists()
    assert result.returncode == 4  # pytest: the path "$(touch ...)" is not found


# --------------------------------------------------------------------------- GitLab CI


def test_the_gitlab_template_structure() -> None:
    template = _load(GITLAB)
    hidden = template[".devops-policy"]
    assert template["devops-policy"]["extends"] == ".devops-policy"
    artifacts = hidden["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["reports"] == {
        "junit": "devops-policy-junit.xml",
        "codequality": "gl-code-quality-report.json",
    }
    assert set(artifacts["paths"]) == set(artifacts["reports"].values())
    command = hidden["script"][-1]
    assert "--junitxml=devops-policy-junit.xml" in command
    assert "--devops-policy-gitlab-codequality=gl-code-quality-report.json" in command
    assert "-o junit_family=xunit1" in command


def test_the_gitlab_script_runs(runner: Runner, tmp_path: Path) -> None:
    template = _load(GITLAB)
    job = template[".devops-policy"]
    python = runner.outputs["install"]["python"]
    codequality = _knows(python, "--devops-policy-gitlab-codequality=")
    lines = list(job["script"])
    if not codequality:  # that format is not in this build yet
        lines = [line.replace(" --devops-policy-gitlab-codequality=gl-code-quality-report.json",
                              "") for line in lines]  # fmt: skip
    repo = make_repo(tmp_path / "project")
    variables = {k: str(v) for k, v in job["variables"].items()}
    variables["DEVOPS_POLICY_PACKAGE"] = str(runner.action_path)  # this checkout, not PyPI
    env = _environ(**variables)
    env["PATH"] = os.pathsep.join([str(Path(python).parent), env["PATH"]])
    script = tmp_path / "job.sh"
    script.write_text("set -eo pipefail\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", str(script)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # the policies fail the job
    junit = (repo / "devops-policy-junit.xml").read_text(encoding="utf-8")
    assert "<testcase" in junit and 'file="Dockerfile"' in junit  # xunit1: file and line
    if codequality:
        assert (repo / "gl-code-quality-report.json").is_file()
