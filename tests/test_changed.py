"""``--devops-policy-changed=REF``: the files changed since the merge-base with REF, plus the
files whose results depend on them (issue 22 item 2), on real git repositories.

Each test builds a repository in pytester's directory, commits a base on ``main``, branches,
changes something and checks which files are collected (``--co``), what the summary says
and that nothing else was parsed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_devops_policy.context import ParseCache

ONLY = ("--devops-policy-only", "-p", "no:cacheprovider", "--devops-policy-no-cache")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: NAME, labels: {app: NAME}}
spec:
  replicas: 2
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      containers: [{name: NAME, image: "nginx:1.25"}]
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: NAME}
spec: {selector: {app: NAME}, ports: [{port: 80}]}
"""
BUCKET = 'resource "aws_s3_bucket" "NAME" {\n  bucket = "NAME"\n}\n'
BLOCKED = """\
resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"""
WORKFLOW = """\
on: [push]
permissions: {contents: read}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
"""


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "t")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "t@t")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "core.quotepath=off", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def repo(root: Path, files: dict[str, str]) -> None:
    """``files`` committed on ``main``, then a ``feature`` branch checked out."""
    git(root, "init", "-q", "-b", "main")
    write(root, files)
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "feature")


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)


def k8s(kind: str, name: str) -> str:
    return (DEPLOYMENT if kind == "deploy" else SERVICE).replace("NAME", name)


def collected(pytester: pytest.Pytester, *args: str) -> tuple[set[str], list[str]]:
    """(the files with collected items, the output lines) of ``--co`` on the changes."""
    result = pytester.runpytest(*ONLY, "--co", "-q", *args)
    files = {line.split("::")[0] for line in result.outlines if "::" in line}
    return files, result.outlines


def summary(pytester: pytest.Pytester, *args: str) -> str:
    result = pytester.runpytest(*ONLY, "--devops-policy-changed=main", *args)
    lines = [line for line in result.outlines if line.startswith("changed: ")]
    assert len(lines) == 1, result.outlines
    return lines[0]


CHANGED = "--devops-policy-changed=main"


# -- the dependency rules ----------------------------------------------------------------


def test_terraform_module_directory(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            "infra/main.tf": BUCKET.replace("NAME", "a"),
            "infra/more.tf": BUCKET.replace("NAME", "b"),
            "other/main.tf": BUCKET.replace("NAME", "c"),
        },
    )
    (root / "infra/main.tf").write_text(BUCKET.replace("NAME", "a2"))
    files, _ = collected(pytester, CHANGED)
    assert files == {"infra/main.tf", "infra/more.tf"}
    line = summary(pytester)
    assert "changed: 1 file since " in line and "(main)" in line
    assert "1 more pulled in: infra/more.tf (reads infra/main.tf)" in line


def test_terraform_called_local_module(pytester: pytest.Pytester) -> None:
    root = pytester.path
    call = 'module "m" {\n  source = "../modules/m"\n}\n'
    repo(
        root,
        {
            "live/main.tf": call + BUCKET.replace("NAME", "own"),
            "modules/m/main.tf": BUCKET.replace("NAME", "inner"),
            "unrelated/main.tf": BUCKET.replace("NAME", "u"),
        },
    )
    (root / "modules/m/main.tf").write_text(BUCKET.replace("NAME", "inner2"))
    commit(root, "change the module")
    files, _ = collected(pytester, CHANGED)
    assert files == {"live/main.tf", "modules/m/main.tf"}
    assert "live/main.tf (reads modules/m/main.tf)" in summary(pytester)


def test_kubernetes_same_unit_and_not_others(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            "web/deploy.yaml": k8s("deploy", "web"),
            "web/svc.yaml": k8s("svc", "web"),
            "api/deploy.yaml": k8s("deploy", "api"),
        },
    )
    (root / "web/svc.yaml").write_text(k8s("svc", "web") + "# edited\n")
    files, _ = collected(pytester, CHANGED)
    assert files == {"web/svc.yaml", "web/deploy.yaml"}
    assert "web/deploy.yaml (same Kubernetes unit as web/svc.yaml)" in summary(pytester)
    # k8s.scope = file: a file's cross-object checks read only itself.
    files, _ = collected(pytester, CHANGED, "--devops-policy-k8s-scope=file")
    assert files == {"web/svc.yaml"}


def test_kustomize_overlay_of_a_changed_base(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            "base/kustomization.yaml": "resources: [deploy.yaml]\n",
            "base/deploy.yaml": k8s("deploy", "web"),
            "overlays/prod/kustomization.yaml": "resources: [../../base, svc.yaml]\n",
            "overlays/prod/svc.yaml": k8s("svc", "web"),
            "elsewhere/svc.yaml": k8s("svc", "other"),
        },
    )
    (root / "base/deploy.yaml").write_text(k8s("deploy", "web") + "# edited\n")
    files, _ = collected(pytester, CHANGED)
    assert files == {"base/deploy.yaml", "overlays/prod/svc.yaml"}
    # A changed kustomization pulls in what its units apply.
    git(root, "checkout", "-q", "--", "base/deploy.yaml")
    (root / "base/kustomization.yaml").write_text("resources: [deploy.yaml]\nnamespace: x\n")
    files, _ = collected(pytester, CHANGED)
    # (a kustomization is read for secrets: itself changed)
    assert files == {"base/kustomization.yaml", "base/deploy.yaml", "overlays/prod/svc.yaml"}
    assert "its kustomization base/kustomization.yaml changed" in summary(pytester)


def test_workflow_calling_a_changed_reusable_workflow_or_action(pytester: pytest.Pytester) -> None:
    root = pytester.path
    caller = WORKFLOW.replace("    runs-on: ubuntu-latest\n    steps:\n      - run: make\n", "")
    caller += "    uses: ./.github/workflows/reusable.yml\n"
    action_user = WORKFLOW + "      - uses: ./.github/actions/setup\n"
    repo(
        root,
        {
            ".github/workflows/deploy.yml": caller,
            ".github/workflows/reusable.yml": WORKFLOW.replace("[push]", "[workflow_call]"),
            ".github/actions/setup/action.yml": (
                "name: setup\nruns:\n  using: composite\n  steps:\n"
                "    - run: echo hi\n      shell: bash\n"
            ),
            "sub/.github/workflows/ci.yml": WORKFLOW,  # another repository: not pulled in
        },
    )
    (root / ".github/workflows/reusable.yml").write_text(
        WORKFLOW.replace("[push]", "[workflow_call]").replace("make", "make all")
    )
    commit(root, "reusable")
    files, _ = collected(pytester, CHANGED, "--devops-policy-ignore=GHA-015,GHA-023,GHA-027")
    # (the action's verdicts read the repository's workflows too: its declared dependencies)
    assert files == {
        ".github/workflows/deploy.yml",
        ".github/workflows/reusable.yml",
        ".github/actions/setup/action.yml",
    }
    assert ".github/workflows/deploy.yml (reads .github/workflows/reusable.yml)" in summary(
        pytester
    )
    # A local composite action: the workflows that use it.
    git(root, "reset", "-q", "--hard", "main")
    write(root, {".github/workflows/deploy.yml": action_user})
    commit(root, "use the action")
    git(root, "branch", "-q", "-f", "main")
    (root / ".github/actions/setup/action.yml").write_text(
        "name: setup\nruns:\n  using: composite\n  steps:\n    - run: echo bye\n      shell: bash\n"
    )
    files, _ = collected(pytester, CHANGED, "--devops-policy-ignore=GHA-015,GHA-023,GHA-027")
    assert ".github/workflows/deploy.yml" in files
    assert ".github/actions/setup/action.yml" in files
    assert "sub/.github/workflows/ci.yml" not in files


def test_dockerfile_build_context_gained_or_lost_a_file(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            "app/Dockerfile": "FROM python:3.12\nCOPY . /app\n",
            "app/main.py": "print(1)\n",
            "app/old.py": "print(2)\n",
            "other/Dockerfile": "FROM python:3.12\nCOPY main.py /app/\n",
            "other/main.py": "print(3)\n",
        },
    )
    # Editing a file the policies only list (not read) judges nothing again.
    (root / "app/main.py").write_text("print(10)\n")
    files, _ = collected(pytester, CHANGED)
    assert files == set()
    # A file added to the context does.
    (root / "app/new.py").write_text("print(4)\n")
    files, _ = collected(pytester, CHANGED)
    assert files == {"app/Dockerfile"}
    assert "app/Dockerfile (lists app/, where a file was added or removed)" in summary(pytester)
    # ... and one removed.
    (root / "app/new.py").unlink()
    git(root, "rm", "-q", "app/old.py")
    files, _ = collected(pytester, CHANGED)
    assert files == {"app/Dockerfile"}


def test_repository_items_follow_workflows_and_update_configs(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            ".github/workflows/ci.yml": WORKFLOW,
            ".github/dependabot.yml": "version: 2\nupdates: []\n",
            "web/svc.yaml": k8s("svc", "web"),
            "renovate.json": "{}\n",
        },
    )
    (root / "web/svc.yaml").write_text(k8s("svc", "web") + "# edited\n")
    ids, _ = collected(pytester, CHANGED)
    assert ".github" not in ids  # an unrelated change: no repository item
    (root / ".github/dependabot.yml").write_text("version: 2\nupdates: []\n# x\n")
    ids, _ = collected(pytester, CHANGED)
    assert ".github" in ids and ".github/workflows/ci.yml" not in ids
    assert ".github (.github/dependabot.yml: a dependency-update config)" in summary(pytester)
    git(root, "checkout", "-q", "--", ".github/dependabot.yml")
    (root / "renovate.json").write_text('{"extends": []}\n')
    ids, _ = collected(pytester, CHANGED)
    assert ".github" in ids
    git(root, "checkout", "-q", "--", "renovate.json")
    (root / ".github/workflows/ci.yml").write_text(WORKFLOW + "# x\n")
    ids, _ = collected(pytester, CHANGED)
    assert {".github", ".github/workflows/ci.yml"} <= ids
    git(root, "checkout", "-q", "--", ".github/workflows/ci.yml")
    (root / "go.mod").write_text("module x\n")  # a new ecosystem for Dependabot
    ids, _ = collected(pytester, CHANGED)
    assert ".github" in ids


# -- what git reports ----------------------------------------------------------------------


def test_renames_give_old_and_new_paths(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            "web/a.yaml": k8s("deploy", "web"),
            "web/svc.yaml": k8s("svc", "web"),
            "infra/main.tf": BUCKET.replace("NAME", "a"),
            "infra/old.tf": BUCKET.replace("NAME", "b"),
        },
    )
    git(root, "mv", "web/a.yaml", "web/b.yaml")
    git(root, "mv", "infra/old.tf", "infra/new.tf")
    commit(root, "renames")
    files, _ = collected(pytester, CHANGED)
    assert files == {"web/b.yaml", "web/svc.yaml", "infra/new.tf", "infra/main.tf"}
    assert "changed: 2 files since " in summary(pytester)


def test_deleted_files_pull_in_their_readers(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            "web/deploy.yaml": k8s("deploy", "web"),
            "web/svc.yaml": k8s("svc", "web"),
            "infra/main.tf": BUCKET.replace("NAME", "a"),
            "infra/extra.tf": BUCKET.replace("NAME", "b"),
            "other/main.tf": BUCKET.replace("NAME", "c"),
        },
    )
    git(root, "rm", "-q", "infra/extra.tf", "web/svc.yaml")
    commit(root, "deletes")
    files, _ = collected(pytester, CHANGED)
    assert files == {"infra/main.tf", "web/deploy.yaml"}
    line = summary(pytester)
    assert "infra/main.tf (reads infra/extra.tf)" in line or "lists infra/" in line
    assert "web/deploy.yaml (same Kubernetes unit as web/svc.yaml (removed))" in line


def test_untracked_staged_and_unstaged_count(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(root, {f"d{i}/main.tf": BUCKET.replace("NAME", f"b{i}") for i in range(4)})
    (root / "d0/main.tf").write_text(BUCKET.replace("NAME", "x"))  # unstaged
    (root / "d1/main.tf").write_text(BUCKET.replace("NAME", "y"))
    git(root, "add", "d1/main.tf")  # staged
    write(root, {"d9/main.tf": BUCKET.replace("NAME", "z")})  # untracked
    write(root, {"d8/main.tf": BUCKET.replace("NAME", "ignored"), ".gitignore": "d8/\n"})
    files, _ = collected(pytester, CHANGED)
    assert files == {"d0/main.tf", "d1/main.tf", "d9/main.tf"}


def test_merge_base_branch_ahead_and_behind(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(root, {f"d{i}/main.tf": BUCKET.replace("NAME", f"b{i}") for i in range(3)})
    (root / "d0/main.tf").write_text(BUCKET.replace("NAME", "feature"))
    commit(root, "on the feature branch")
    git(root, "checkout", "-q", "main")
    (root / "d1/main.tf").write_text(BUCKET.replace("NAME", "main"))
    commit(root, "main moves on")
    git(root, "checkout", "-q", "feature")
    # Ahead of the merge-base: only the branch's own change, not main's newer one.
    files, _ = collected(pytester, CHANGED)
    assert files == {"d0/main.tf"}
    # A branch behind REF (REF descends from HEAD): nothing committed is new.
    git(root, "checkout", "-q", "-b", "old", "main~1")
    files, _ = collected(pytester, CHANGED)
    assert files == set()
    result = pytester.runpytest(*ONLY, CHANGED)
    assert result.ret == 0  # nothing to check is a success, not pytest's "no tests" (5)
    result.stdout.fnmatch_lines(["changed: 0 files since * (main); nothing else pulled in"])


# -- usage errors, settings, partial run ---------------------------------------------------


def test_not_a_repository_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write(pytester.path, {"infra/main.tf": BUCKET.replace("NAME", "a")})
    result = pytester.runpytest(*ONLY, CHANGED)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--devops-policy-changed: * is not inside a git repository*"])
    assert "Traceback" not in result.stderr.str()


def test_unknown_ref_is_a_usage_error(pytester: pytest.Pytester) -> None:
    repo(pytester.path, {"infra/main.tf": BUCKET.replace("NAME", "a")})
    for ref in ("no-such-branch", "--output=x"):
        result = pytester.runpytest(*ONLY, f"--devops-policy-changed={ref}")
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*--devops-policy-changed: *"])
    result = pytester.runpytest(*ONLY, "--devops-policy-changed=no-such-branch")
    result.stderr.fnmatch_lines(["*unknown ref 'no-such-branch'*"])


def test_pyproject_key(pytester: pytest.Pytester) -> None:
    root = pytester.path
    files = {f"d{i}/main.tf": BUCKET.replace("NAME", f"b{i}") for i in range(2)}
    repo(root, {**files, "pyproject.toml": '[tool.devops-policy]\nchanged = "main"\n'})
    (root / "d0/main.tf").write_text(BUCKET.replace("NAME", "x"))
    assert collected(pytester)[0] == {"d0/main.tf"}
    (root / "pyproject.toml").write_text("[tool.devops-policy]\nchanged = 3\n")
    result = pytester.runpytest(*ONLY)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*changed must be a git ref*"])


def test_unchanged_files_are_not_parsed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = pytester.path
    files = {f"k{i}/deploy.yaml": k8s("deploy", f"w{i}") for i in range(3)}
    files.update({f"t{i}/main.tf": BUCKET.replace("NAME", f"b{i}") for i in range(3)})
    files.update({f"a{i}/Dockerfile": "FROM python:3.12\nCOPY x /x\n" for i in range(3)})
    files[".github/workflows/ci.yml"] = WORKFLOW
    repo(root, files)
    (root / "k0/deploy.yaml").write_text(k8s("deploy", "w0") + "# x\n")
    parsed: list[str] = []
    real = ParseCache.parse_with

    def spy(self: ParseCache, path: str, fmt: object, text: str | None = None) -> object:
        parsed.append(Path(path).relative_to(root).as_posix())
        return real(self, path, fmt, text)  # type: ignore[arg-type]

    monkeypatch.setattr(ParseCache, "parse_with", spy)
    result = pytester.runpytest(*ONLY, CHANGED, "--devops-policy-items=resource")
    assert result.ret == 1
    assert all(line.startswith("FAILED k0/") for line in result.outlines if "FAILED" in line)
    # Computing dependencies reads Dockerfiles (their COPY lines name the build context)
    # and workflows (the local actions they use); no other unchanged file is parsed.
    read_for_dependencies = ("Dockerfile", ".github/workflows/ci.yml")
    assert {p for p in parsed if not p.endswith(read_for_dependencies)} == {"k0/deploy.yaml"}


def test_partial_run_does_not_report_unused_waivers(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(
        root,
        {
            "a/main.tf": BUCKET.replace("NAME", "a"),
            "b/main.tf": BUCKET.replace("NAME", "b") + BLOCKED,
            "pyproject.toml": (
                "[tool.devops-policy]\nstrict_waivers = true\n[[tool.devops-policy.waivers]]\n"
                'policy = "TF-001"\npath = "b/main.tf"\nreason = "legacy"\n'
            ),
        },
    )
    (root / "a/main.tf").write_text(BUCKET.replace("NAME", "a2"))
    full = pytester.runpytest(*ONLY, "--devops-policy-select=TF-001")
    full.stdout.fnmatch_lines(["waivers: * 1 unused*"])
    result = pytester.runpytest(*ONLY, CHANGED, "--devops-policy-select=TF-001")
    result.stdout.fnmatch_lines(["waivers: * 0 unused*"])


def test_under_xdist_the_summary_names_what_workers_pulled_in(pytester: pytest.Pytester) -> None:
    root = pytester.path
    repo(root, {"web/deploy.yaml": k8s("deploy", "web"), "web/svc.yaml": k8s("svc", "web")})
    (root / "web/svc.yaml").write_text(k8s("svc", "web") + "# edited\n")
    line = summary(pytester, "-n", "2")
    assert "1 more pulled in: web/deploy.yaml (same Kubernetes unit as web/svc.yaml)" in line


def test_changed_settings_or_conftest_judge_what_they_govern(pytester: pytest.Pytester) -> None:
    root = pytester.path
    files = {f"d{i}/main.tf": BUCKET.replace("NAME", f"b{i}") for i in range(2)}
    files["pyproject.toml"] = "[tool.devops-policy]\n"
    files["d1/conftest.py"] = ""
    repo(root, files)
    (root / "d1/conftest.py").write_text("# new hooks\n")
    assert collected(pytester, CHANGED)[0] == {"d1/main.tf"}
    assert "d1/main.tf (d1/conftest.py changed)" in summary(pytester)
    (root / "pyproject.toml").write_text('[tool.devops-policy]\nignore = ["TF-002"]\n')
    assert collected(pytester, CHANGED)[0] >= {"d0/main.tf", "d1/main.tf"}
    assert "(the settings in pyproject.toml changed)" in summary(pytester)


def test_cross_artifact_anchors_follow_the_files_they_link_to(pytester: pytest.Pytester) -> None:
    root = pytester.path
    deploy = WORKFLOW.replace("run: make", "run: kubectl apply -f k8s/")
    repo(
        root,
        {
            ".github/workflows/deploy.yml": deploy,
            ".github/workflows/ci.yml": WORKFLOW,
            "k8s/web.yaml": k8s("deploy", "web"),
        },
    )
    (root / "k8s/web.yaml").write_text(k8s("deploy", "web2"))
    files, _ = collected(pytester, CHANGED)
    # The workflow that deploys may link to the manifest; the one that runs make cannot.
    assert files == {"k8s/web.yaml", ".github/workflows/deploy.yml"}
    assert "links to k8s/web.yaml (cross-artifact)" in summary(pytester)
    files, _ = collected(pytester, CHANGED, "--devops-policy-ignore=XREF")
    assert files == {"k8s/web.yaml"}
