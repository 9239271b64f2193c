"""The repository node: repo-level policies (GHA-015, GHA-023, GHA-027) as pytest items.

Node ids, when the node exists (and only once), selection, JUnit properties, waivers and the
result cache (a changed dependabot.yml, a new manifest or workflow re-evaluates it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import parse_junit

ONLY = ("--devops-policy-only", "--devops-policy-ignore=SECRET", "-p", "no:cacheprovider")
POLICY_ITEMS = "--devops-policy-items=policy"
RESOURCE_ITEMS = "--devops-policy-items=resource"
REPO_IDS = [f".github::repository::{pid}" for pid in ("GHA-015", "GHA-023", "GHA-027")]

CI = """\
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: ruff check .
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest
  codeql:
    runs-on: ubuntu-latest
    permissions:
      security-events: write
    steps:
      - uses: github/codeql-action/analyze@v3
"""
RELEASE = """\
on:
  push:
    tags: ['v*']
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make dist
"""
DEPENDABOT = """\
version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
"""


def _repo(root: Path, *, dependabot: str | None = DEPENDABOT) -> None:
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(CI, encoding="utf-8")
    (wf / "release.yml").write_text(RELEASE, encoding="utf-8")
    if dependabot is not None:
        (root / ".github" / "dependabot.yml").write_text(dependabot, encoding="utf-8")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('hi')\n", encoding="utf-8")


def _collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = pytester.runpytest(*ONLY, "--collect-only", "-q", *args)
    return [line for line in result.outlines if "::" in line and not line.startswith(" ")]


def _repo_ids(ids: list[str]) -> list[str]:
    return [i for i in ids if "::repository" in i]


def test_node_ids_in_both_item_models(pytester: pytest.Pytester) -> None:
    _repo(pytester.path)
    ids = _collected(pytester, POLICY_ITEMS)
    assert _repo_ids(ids) == REPO_IDS
    # After the directory's own files: the workflows' items come first.
    assert ids.index(REPO_IDS[0]) > max(i for i, n in enumerate(ids) if "workflows/" in n)
    assert _repo_ids(_collected(pytester, RESOURCE_ITEMS)) == [".github::repository"]


def test_the_node_exists_once_per_collected_github_directory(pytester: pytest.Pytester) -> None:
    _repo(pytester.path)
    _repo(pytester.path / "services" / "api")
    ids = _repo_ids(_collected(pytester, POLICY_ITEMS))
    assert ids == [*REPO_IDS, *(f"services/api/{i}" for i in REPO_IDS)]
    # Only when .github itself is collected: not for a subdirectory, .github/workflows or a
    # single workflow file.
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, ".github")) == REPO_IDS
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, "src")) == []
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, ".github/workflows")) == []
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, ".github/workflows/ci.yml")) == []
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, "--ignore=.github")) == [
        f"services/api/{i}" for i in REPO_IDS
    ]
    # A repo-level policy left out by the selection: no node, no walk.
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, "--devops-policy-select=GHA-001")) == []


def test_outcomes_once_with_and_without_xdist(
    pytester: pytest.Pytester, xdist_args: list[str]
) -> None:
    _repo(pytester.path, dependabot=None)
    junit = pytester.path / "out.xml"
    result = pytester.runpytest(
        *ONLY, POLICY_ITEMS, "-k", "repository", f"--junitxml={junit}", *xdist_args
    )
    # Without dependabot.yml, GHA-015 wants dependency scanning and GHA-027 a config.
    result.assert_outcomes(passed=1, failed=2)
    cases = parse_junit(junit)
    by_id = {c.properties["policy_id"]: c for c in cases.values()}
    assert sorted(by_id) == ["GHA-015", "GHA-023", "GHA-027"]
    assert (
        by_id["GHA-015"].outcome == "failed" and "dependency scanning" in by_id["GHA-015"].message
    )
    props = by_id["GHA-027"].properties
    assert props["kind"] == "github-actions"
    assert props["resource"] == "repository"
    assert props["file"] == ".github"
    assert props["line"] == "1"
    assert props["policy_name"] == "dependency-updates-configured"
    assert props["severity"] == "low"


def test_selection_by_keyword_and_deselect(pytester: pytest.Pytester) -> None:
    _repo(pytester.path)
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, "-k", "GHA-027")) == [REPO_IDS[2]]
    assert _repo_ids(_collected(pytester, POLICY_ITEMS, "-k", "dependency-updates-configured")) == [
        REPO_IDS[2]
    ]
    ids = _collected(pytester, POLICY_ITEMS, "-k", "repository")
    assert ids == REPO_IDS
    ids = _collected(pytester, POLICY_ITEMS, "--deselect", REPO_IDS[0], "-k", "repository")
    assert ids == REPO_IDS[1:]
    # The resource model narrows the node's verdicts the same way.
    result = pytester.runpytest(*ONLY, RESOURCE_ITEMS, "-k", "repository and GHA-027")
    result.assert_outcomes(passed=1)


def test_a_repository_without_workflows(pytester: pytest.Pytester) -> None:
    (pytester.path / ".github").mkdir()
    (pytester.path / ".github" / "CODEOWNERS").write_text("* @team\n", encoding="utf-8")
    (pytester.path / "Dockerfile").write_text("FROM python:3.12-slim\n", encoding="utf-8")
    result = pytester.runpytest(*ONLY, POLICY_ITEMS, "-k", "repository", "--tb=line")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*GHA-015*no workflow runs on pull requests*",
            "*GHA-023*no workflow runs on pull requests*",
            "*GHA-027*nothing proposes updates for: docker (/)*",
        ]
    )


def test_waivers_by_config_path_and_in_dependabot_yml(pytester: pytest.Pytester) -> None:
    _repo(pytester.path, dependabot=None)
    pytester.makepyprojecttoml(
        """
        [[tool.devops-policy.waivers]]
        policy = "GHA-015"
        path = ".github"
        resource = "repository"
        reason = "scanned by the org-wide required workflow"
        """
    )
    result = pytester.runpytest(*ONLY, POLICY_ITEMS, "-k", "repository")
    result.assert_outcomes(passed=1, failed=1, xfailed=1)  # GHA-027: no config at all
    (pytester.path / ".github" / "dependabot.yml").write_text(
        '# devops-policy: ignore[GHA-027] reason="Renovate runs from the platform repo"\n'
        "version: 2\nupdates: []\n",
        encoding="utf-8",
    )
    result = pytester.runpytest(*ONLY, POLICY_ITEMS, "-k", "repository", "-rx")
    result.assert_outcomes(passed=1, xfailed=2)
    result.stdout.fnmatch_lines(["*GHA-027*waived by .github/dependabot.yml:1*"])
    (pytester.path / ".github" / "dependabot.yml").write_text(
        "# devops-policy: ignore[GHA-027]\nversion: 2\nupdates: []\n", encoding="utf-8"
    )
    result = pytester.runpytest(*ONLY, POLICY_ITEMS, "-k", "repository or WAIVER")
    result.assert_outcomes(passed=1, failed=2, xfailed=1)  # the reasonless waiver, GHA-027


def test_ignored_paths_are_not_ecosystems(pytester: pytest.Pytester) -> None:
    _repo(pytester.path)
    (pytester.path / "legacy").mkdir()
    (pytester.path / "legacy" / "go.mod").write_text("module x\n", encoding="utf-8")
    args = (*ONLY, POLICY_ITEMS, "-k", "GHA-027")
    pytester.runpytest(*args).assert_outcomes(failed=1)
    pytester.runpytest(*args, "--ignore=legacy").assert_outcomes(passed=1)
    pytester.runpytest(*args, "--ignore-glob=*legacy").assert_outcomes(passed=1)


def _cached_run(pytester: pytest.Pytester, *args: str) -> dict[str, int]:
    result = pytester.runpytest(
        "--devops-policy-only", "--devops-policy-ignore=SECRET", POLICY_ITEMS, *args
    )
    return {k: v for k, v in result.parseoutcomes().items() if k in ("passed", "failed")}


def _entries(pytester: pytest.Pytester) -> int:
    packs = list((pytester.path / ".pytest_cache" / "d" / "devops-policy").glob("*/pack"))
    return sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in packs)


def test_the_result_cache_follows_dependabot_manifests_and_workflows(
    pytester: pytest.Pytester,
) -> None:
    _repo(pytester.path)
    dependabot = pytester.path / ".github" / "dependabot.yml"
    assert _cached_run(pytester, "-k", "GHA-027") == {"passed": 1}
    before = _entries(pytester)
    assert _cached_run(pytester, "-k", "GHA-027") == {"passed": 1}
    assert _entries(pytester) == before  # the unchanged second run was a hit
    # A new manifest: its ecosystem is not covered.
    (pytester.path / "src" / "go.mod").write_text("module x\n", encoding="utf-8")
    assert _cached_run(pytester, "-k", "GHA-027") == {"failed": 1}
    # dependabot.yml covers it now.
    dependabot.write_text(
        DEPENDABOT + "  - package-ecosystem: gomod\n    directory: /src\n"
        "    schedule:\n      interval: weekly\n",
        encoding="utf-8",
    )
    assert _cached_run(pytester, "-k", "GHA-027") == {"passed": 1}
    dependabot.write_text(DEPENDABOT, encoding="utf-8")
    assert _cached_run(pytester, "-k", "GHA-027") == {"failed": 1}
    # A workflow edit re-evaluates GHA-023: no pull_request trigger any more.
    assert _cached_run(pytester, "-k", "GHA-023") == {"passed": 1}
    ci = pytester.path / ".github" / "workflows" / "ci.yml"
    ci.write_text(CI.replace("  pull_request:\n", ""), encoding="utf-8")
    assert _cached_run(pytester, "-k", "GHA-023") == {"failed": 1}
    # A new workflow file restores it.
    (ci.parent / "pr.yml").write_text(CI, encoding="utf-8")
    assert _cached_run(pytester, "-k", "GHA-023") == {"passed": 1}


def test_renovate_json5_is_read() -> None:
    from pytest_devops_policy.formats.github_actions.repository import parse_renovate

    text = (
        '{\n  // a comment\n  "description": "see https://x.example//y, not a comment",\n'
        '  /* block */ "enabledManagers": ["npm", "dockerfile",],\n}\n'
    )
    config = parse_renovate("renovate.json5", text)
    assert config.error is None
    assert config.managers == frozenset({"npm", "dockerfile"})
    # Unquoted keys and single quotes are JSON5 (astral-sh/uv, GoogleCloudPlatform's samples).
    config = parse_renovate("renovate.json5", "{ extends: ['config:recommended'], $x: 0x1F }")
    assert config.error is None and config.managers is None
    # A text that is not JSON5 is reported with where it stopped.
    broken = parse_renovate("renovate.json5", "{ extends: ['config:recommended'] enabled: 1 }")
    assert broken.error is not None and "renovate.json5" in broken.error
    assert "line 1 column 35" in broken.error
    # A .json file with comments: Renovate reads it as JSON5 too.
    assert parse_renovate("renovate.json", '{"enabled": false // off\n}').enabled is False


def test_the_walk_is_cheap_on_a_large_tree(tmp_path: Path) -> None:
    import time

    from pytest_devops_policy.indexes.repository import describe

    for i in range(200):
        d = tmp_path / f"pkg{i}" / "sub"
        d.mkdir(parents=True)
        for k in range(50):
            (d / f"m{k}.py").touch()
    (tmp_path / "pkg7" / "go.mod").write_text("module x\n", encoding="utf-8")
    start = time.perf_counter()
    facts = describe(str(tmp_path))
    assert time.perf_counter() - start < 2.0  # ~10,000 files: about 50 ms here
    assert '"gomod": [\n   "pkg7"' in facts


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("{a: 1, 'b': 'x', \"c\": [1, 2,],}", {"a": 1, "b": "x", "c": [1, 2]}),
        ("// c\n/* d */ [+1, -.5, 0x10, 1e2, true, null]", [1, -0.5, 16, 100.0, True, None]),
        ("'a\\\nb\\u00e9\\x41\\''", "ab\u00e9A'"),
        ("{_a$: {b: []}}", {"_a$": {"b": []}}),
    ],
)
def test_json5_values(text: str, value: object) -> None:
    from pytest_devops_policy.formats.github_actions.repository import loads_json5

    assert loads_json5(text) == value


@pytest.mark.parametrize("text", ["", "{a:1", "{a b}", "[1,,2]", "'x", "{}x", "[" * 1000])
def test_json5_errors(text: str) -> None:
    from pytest_devops_policy.formats.github_actions.repository import parse_renovate

    assert parse_renovate("renovate.json5", text).error is not None


@pytest.mark.parametrize(
    ("directories", "rel", "covered"),
    [
        (["/"], ".", True),
        (["/.github/actions/*"], ".github/actions/setup", True),
        (["/.github/actions/*"], ".github/actions/setup/nested", False),
        (["/**"], "services/api", True),
        (["/**"], ".", True),
        (["/apps/**"], "apps", True),
        (["/apps/**"], "apps/web/ui", True),
        (["/apps/*"], "apps", False),
        (["/services/api/"], "services/api", True),
    ],
)
def test_dependabot_directories(directories: list[str], rel: str, covered: bool) -> None:
    from pytest_devops_policy.formats.github_actions.repository import parse_dependabot

    listed = "".join(f"      - {d!r}\n" for d in directories)
    text = f"version: 2\nupdates:\n  - package-ecosystem: npm\n    directories:\n{listed}"
    (entry,) = parse_dependabot(".github/dependabot.yml", text).updates
    assert entry.covers_dir(rel) is covered


def test_multi_ecosystem_groups_are_ordinary_entries() -> None:
    from pytest_devops_policy.formats.github_actions.repository import parse_dependabot

    text = (
        "version: 2\nmulti-ecosystem-groups:\n  infra:\n    schedule: {interval: weekly}\n"
        "updates:\n  - package-ecosystem: docker\n    directory: /\n    patterns: ['*']\n"
        "    multi-ecosystem-group: infra\n  - package-ecosystem: terraform\n"
        "    directories: ['/infra/*']\n    patterns: ['*']\n    multi-ecosystem-group: infra\n"
    )
    config = parse_dependabot(".github/dependabot.yml", text)
    assert config.error is None
    assert [(u.ecosystem, u.directories) for u in config.updates] == [
        ("docker", ("",)),
        ("terraform", ("infra/*",)),
    ]


@pytest.mark.parametrize(
    ("ignore", "include", "rel", "reads"),
    [
        (["demos/**"], [], "demos/app", False),
        (["demos/**"], [], "demo", True),
        (["legacy"], [], "src/legacy/tool", False),  # ignorePaths: the path contains it
        (["**/e2e/**"], [], "web/e2e", False),
        ([], ["services/"], "services/api", True),
        ([], ["services/"], "tools", False),
        ([], ["services/**"], ".", False),
    ],
)
def test_renovate_paths(ignore: list[str], include: list[str], rel: str, reads: bool) -> None:
    import json

    from pytest_devops_policy.formats.github_actions.repository import parse_renovate

    text = json.dumps({"ignorePaths": ignore, "includePaths": include})
    assert parse_renovate("renovate.json", text).reads_dir(rel) is reads


def test_fixture_repositories_and_test_projects(tmp_path: Path) -> None:
    from pytest_devops_policy.indexes.repository import describe, fixture_of

    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    inner = tmp_path / "checks" / "testdata"
    (inner / ".github" / "workflows").mkdir(parents=True)
    assert fixture_of(str(inner)) == "checks/testdata"
    assert fixture_of(str(tmp_path)) is None
    for rel in ("tests/requirements.txt", "tests/fixtures/app/package.json",
                "test/ecosystem/flask/pyproject.toml", "src/pyproject.toml"):  # fmt: skip
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).touch()
    facts = json.loads(describe(str(tmp_path)))
    assert facts["ecosystems"] == {"pip": ["src", "tests"]}
    assert "fixture" not in facts
    assert json.loads(describe(str(inner)))["fixture"] == "checks/testdata"


LINT_ACTION = """\
name: Lint
description: the linters
runs:
  using: composite
  steps:
    - run: ruff check .
      shell: bash
"""


def test_a_linter_in_a_local_composite_action_counts_and_is_followed(
    pytester: pytest.Pytester,
) -> None:
    _repo(pytester.path)
    ci = pytester.path / ".github" / "workflows" / "ci.yml"
    ci.write_text(
        CI.replace("      - run: ruff check .\n", "      - uses: ./.github/actions/lint\n")
    )
    action = pytester.path / ".github" / "actions" / "lint" / "action.yml"
    action.parent.mkdir(parents=True)
    action.write_text(LINT_ACTION, encoding="utf-8")
    assert _cached_run(pytester, "-k", "GHA-023") == {"passed": 1}
    # The result cache keys the repository's verdict on the action too.
    action.write_text(LINT_ACTION.replace("ruff check .", "echo no lint"), encoding="utf-8")
    assert _cached_run(pytester, "-k", "GHA-023") == {"failed": 1}
    # A test data repository inside this one is no repository GitHub runs: no items.
    _repo(pytester.path / "tests" / "testdata" / "repo")
    result = pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-ignore=SECRET",
        POLICY_ITEMS,
        "--collect-only",
        "-q",
    )
    repos = [line for line in result.outlines if "::repository::" in line]
    assert repos and not [line for line in repos if "testdata" in line]
