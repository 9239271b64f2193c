"""GitHub Actions output: the job summary and the ::error/::warning annotations (issue 19)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import parse_junit
from report_repo import SECRET, make_repo

from pytest_devops_policy.reports import github
from pytest_devops_policy.reports.model import (
    FindingRecord,
    ItemRecord,
    ReportSettings,
    RunResults,
    VerdictRecord,
)

pytest_plugins = ["pytester"]

GITHUB = {
    "GITHUB_SERVER_URL": "https://github.example",
    "GITHUB_REPOSITORY": "acme/infra",
    "GITHUB_SHA": "0123abcd",
}
ANNOTATION = re.compile(r"^::(error|warning) ([^:]*)::(.*)$")  # no ":" in escaped properties
META = {"resource", "kind", "file", "line", "policy_id", "policy_name", "severity", "controls"}


@pytest.fixture
def actions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A GitHub Actions step: GITHUB_ACTIONS=true and a step summary file of its own."""
    for name in ("GITHUB_WORKSPACE", "GITHUB_STEP_SUMMARY", *GITHUB):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    for name, value in GITHUB.items():
        monkeypatch.setenv(name, value)
    summary = tmp_path / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return summary


def annotations(lines: list[str]) -> list[tuple[str, dict[str, str], str]]:
    out = []
    for line in lines:
        m = ANNOTATION.match(line)
        if m:
            props = dict(p.split("=", 1) for p in m.group(2).split(","))
            out.append((m.group(1), props, m.group(3)))
    return out


def table(summary: str, heading: str) -> dict[str, str]:
    """The two-column table under ``### heading``."""
    section = summary.split(f"### {heading}\n", 1)[1].split("\n\n", 1)[0].strip()
    rows = [r.strip("|").split("|") for r in section.splitlines()[2:]]
    return {r[0].strip(): r[1].strip() for r in rows}


def junit_classes(path: Path) -> dict[str, int]:
    """Verdicts of the JUnit XML as failing / passed / other, in either item model."""
    out = {"failing": 0, "passed": 0, "other": 0}

    def add(status: str) -> None:
        cls = {"failed": "failing", "error": "failing", "passed": "passed"}.get(status, "other")
        out[cls] += 1

    for case in parse_junit(path).values():
        props = case.properties
        if "policy_id" in props:  # one verdict: the test case's outcome says it
            add(case.outcome)
            continue
        for key, status in props.items():  # a resource: one property per policy
            if "." not in key and key not in META:
                add(status)
    return out


@pytest.mark.parametrize("items", ["policy", "resource"])
def test_summary_and_annotations_agree_with_junit(
    pytester: pytest.Pytester, actions: Path, xdist_args: list[str], items: str
) -> None:
    make_repo(pytester.path)
    result = pytester.runpytest(
        "--devops-policy-only",
        f"--devops-policy-items={items}",
        "--junitxml=out/junit.xml",
        *xdist_args,
    )
    assert result.ret == 1
    text = actions.read_text(encoding="utf-8")
    # once per run, also under xdist (only the controller emits)
    assert text.count("## pytest-devops-policy") == 1
    status = {k: int(v) for k, v in table(text, "Verdicts by status").items()}
    junit = junit_classes(pytester.path / "out" / "junit.xml")
    failing = status.get("failed", 0) + status.get("error", 0)
    assert failing == junit["failing"] == 26
    assert status["passed"] == junit["passed"]
    other = sum(n for s, n in status.items() if s not in ("failed", "error", "passed"))
    assert other == junit["other"]
    assert status["waived"] == 2 and status["unknown"] == 1
    severity = table(text, "Failing by severity")
    assert sum(int(n) for n in severity.values()) == failing
    assert severity["critical"] == "2"
    kind = table(text, "Failing by kind")
    assert kind["kubernetes"] == "12" and kind["terraform"] == "1"
    # findings grouped by policy, most severe first, each a link to the blob at the commit
    blob = "https://github.example/acme/infra/blob/0123abcd/"
    assert f"[Dockerfile\\:2]({blob}Dockerfile#L2)" in text
    assert f"({blob}infra/main.tf#L9)" in text
    policies = re.findall(r"^#### (\S+) ", text, re.M)
    assert policies[:2] == ["DOCKER-006", "TF-006"] and "PARSE-ERROR" in policies
    assert "K8S-001" not in policies and "DOCKER-003" not in policies  # waived
    # waivers with reason, owner and expiry; Unknowns by policy
    waivers = text.split("### Waivers", 1)[1]
    assert "2 used · 1 expired · 0 unused" in waivers
    assert "| expired | GHA-003 | pyproject.toml\\:10 | temporary | ci-team | 2020-01-01 |" in (
        waivers
    )
    assert "| used | K8S-001 | k8s/web.yaml\\:18 | vendor image runs as root, OPS-12 |" in waivers
    assert "| DOCKER-023 | base-image-not-eol | 1 |" in text
    assert SECRET not in text
    # annotations: the 10 most severe failing findings, then one line for the rest
    out = result.outlines
    found = annotations(out)
    assert SECRET not in "\n".join(out)
    assert len(found) == 10 and {level for level, _, _ in found} == {"error"}
    titles = [props["title"] for _, props, _ in found]
    assert titles[0].startswith("DOCKER-006 no-secrets-in-arg-env [critical]")
    assert titles[1].startswith("TF-006 ")
    assert all("[critical]" in t or "[high]" in t for t in titles[:9])  # 2 critical, 7 high
    assert "[medium]" in titles[9]
    _, first, message = found[0]
    assert first["file"] == "Dockerfile" and first["line"] == "2" and first["col"] == "1"
    assert first["endLine"] == "2" and int(first["endColumn"]) > 1
    assert message.startswith("ENV API_KEY (line 2) has a literal value")
    result.stdout.fnmatch_lines(
        [
            "devops-policy: 16 of 26 failing findings not annotated (GitHub shows 10 error "
            "and 10 warning annotations per step, the most severe first): see the job summary",
            f"devops-policy: wrote the GitHub job summary to {actions}",
        ]
    )
    assert sum(1 for line in out if line.startswith("::")) == 10  # once, also under xdist


def test_below_threshold_are_warnings_and_waived_get_nothing(
    pytester: pytest.Pytester, actions: Path
) -> None:
    make_repo(pytester.path)
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-fail-on=high")
    found = annotations(result.outlines)
    errors = [p["title"] for level, p, _ in found if level == "error"]
    warnings = [p["title"] for level, p, _ in found if level == "warning"]
    # 2 critical, 7 high, and GHA-003 (a high policy, medium here) failing: its waiver expired
    assert len(errors) == 10 and errors[-1].startswith("GHA-003 ")
    assert all("[critical]" in t or "[high]" in t for t in errors[:9])
    assert len(warnings) == 10 and all("[medium]" in t for t in warnings)
    assert not any(t.startswith(("K8S-001", "DOCKER-003")) for t in errors + warnings)
    result.stdout.fnmatch_lines(["devops-policy: 6 of 16 below-threshold findings not annotated*"])
    text = actions.read_text(encoding="utf-8")
    assert "### Below the fail-on threshold (high)" in text
    assert "| K8S-029 | replica-spread | low | 1 |" in text


HOSTILE_POLICY = """
from pytest_devops_policy import policy, Severity, Violation

@policy(id="ACME-100", name="hostile-message", title="A <i>title</i> | with a pipe",
        severity=Severity.HIGH, rationale="r", remediation="m")
def hostile(k8s_object):
    yield Violation("100% a|b <b>bold</b> `tick` [x](http://evil) @team :x: $y$, c:d",
                    path=("metadata",))

def pytest_devops_policy_add_policies(config):
    return [hostile]
"""


def test_escaping_of_messages(pytester: pytest.Pytester, actions: Path) -> None:
    pytester.makeconftest(HOSTILE_POLICY)
    (pytester.path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {}\n", encoding="utf-8"
    )
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=ACME-100")
    text = actions.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("- [cm.yaml"))
    assert line.endswith(
        "100% a\\|b &lt;b&gt;bold&lt;/b&gt; \\`tick\\` \\[x\\]\\(http\\://evil\\) \\@team "
        "\\:x\\: \\$y\\$, c\\:d"
    )
    assert "<b>" not in text and "<i>" not in text
    assert "_A &lt;i&gt;title&lt;/i&gt; \\| with a pipe_" in text
    [(level, props, _)] = annotations(result.outlines)
    assert level == "error"
    raw = next(x for x in result.outlines if x.startswith("::error"))
    assert raw.endswith("::100%25 a|b <b>bold</b> `tick` [x](http://evil) @team :x: $y$, c:d")
    assert props["title"] == "ACME-100 hostile-message [high]"
    assert props["file"] == "cm.yaml"


def test_workflow_command_escaping_is_the_toolkit_s() -> None:
    assert github.escape_data("50% a:b,c\r\nd") == "50%25 a:b,c%0D%0Ad"
    assert github.escape_property("50% a:b,c\r\nd") == "50%25 a%3Ab%2Cc%0D%0Ad"
    line = github.command("error", "x\ny", [("file", "a,b.yml"), ("title", "T: 1")])
    assert line == "::error file=a%2Cb.yml,title=T%3A 1::x%0Ay"


MANY_POLICY = """
from pytest_devops_policy import policy, Severity, Violation

@policy(id="ACME-200", name="many-findings", title="Many", severity=Severity.MEDIUM,
        rationale="r", remediation="m")
def many(k8s_object):
    for i in range(60):
        yield Violation(f"finding number {i} " + "x" * 500, path=("metadata",))

def pytest_devops_policy_add_policies(config):
    return [many]
"""


def _many_repo(pytester: pytest.Pytester, objects: int) -> None:
    pytester.makeconftest(MANY_POLICY)
    docs = [
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata: {{}}\n"
        for i in range(objects)
    ]
    (pytester.path / "cms.yaml").write_text("---\n".join(docs), encoding="utf-8")


def test_caps_per_policy_and_annotations(pytester: pytest.Pytester, actions: Path) -> None:
    _many_repo(pytester, 1)
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=ACME-200")
    text = actions.read_text(encoding="utf-8")
    assert "#### ACME-200 many-findings · medium · 60 findings" in text
    listed = [x for x in text.splitlines() if x.startswith("- [cms.yaml")]
    assert len(listed) == github.PER_POLICY
    assert f"- … and {60 - github.PER_POLICY} more" in text
    assert all(len(x) < github.MESSAGE_CHARS + 200 for x in listed)  # long messages cut
    assert len(annotations(result.outlines)) == 10
    result.stdout.fnmatch_lines(["devops-policy: 50 of 60 failing findings not annotated*"])


SEVERAL_POLICIES = """
from pytest_devops_policy import policy, Severity, Violation

def make(n):
    @policy(id=f"ACME-{n}", name=f"many-{n}", title="Many", severity=Severity.MEDIUM,
            rationale="r", remediation="m")
    def many(k8s_object):
        for i in range(30):
            yield Violation(f"finding number {i} " + "x" * 500, path=("metadata",))
    return many

POLICIES = [make(n) for n in range(300, 320)]

def pytest_devops_policy_add_policies(config):
    return POLICIES
"""


def test_summary_stays_under_github_s_limit(pytester: pytest.Pytester, actions: Path) -> None:
    """Another command of the step already filled most of the file: the policies that do
    not fit are counted, the head and the tables stay."""
    actions.write_text("x" * (github.SUMMARY_LIMIT - 60_000) + "\n", encoding="utf-8")
    pytester.makeconftest(SEVERAL_POLICIES)
    (pytester.path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {}\n", encoding="utf-8"
    )
    select = ",".join(f"ACME-{n}" for n in range(300, 320))
    result = pytester.runpytest("--devops-policy-only", f"--devops-policy-select={select}")
    assert result.ret == 1
    assert actions.stat().st_size <= github.SUMMARY_LIMIT
    text = actions.read_text(encoding="utf-8")
    assert "### Verdicts by status" in text and "| failed | 20 |" in text
    shown = len(re.findall(r"^#### ACME-3", text, re.M))
    assert 0 < shown < 20
    assert (
        f"_… and {20 - shown} more policies with {(20 - shown) * 30} failing findings, left "
        "out to keep the summary under GitHub's 1 MiB limit: see the test report in the log._"
    ) in text


def test_off_silences_it(pytester: pytest.Pytester, actions: Path) -> None:
    make_repo(pytester.path, 'github = "off"')
    result = pytester.runpytest("--devops-policy-only")
    assert not annotations(result.outlines)
    assert not actions.exists()
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-github=on")
    assert annotations(result.outlines) and actions.exists()  # the option beats pyproject
    actions.unlink()
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-github=off")
    assert not annotations(result.outlines) and not actions.exists()
    assert "GITHUB_STEP_SUMMARY" not in result.stdout.str()


def test_on_without_github_actions(
    pytester: pytest.Pytester, actions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    make_repo(pytester.path)
    result = pytester.runpytest("--devops-policy-only")
    assert not annotations(result.outlines)  # auto, outside GitHub Actions
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-github=on")
    assert len(annotations(result.outlines)) == 10
    result.stdout.fnmatch_lines(
        ["devops-policy: GITHUB_STEP_SUMMARY is not set: no job summary written"]
    )
    assert result.ret == 1


def test_bad_github_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    make_repo(pytester.path, 'github = "sometimes"')
    result = pytester.runpytest("--devops-policy-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "Traceback" not in result.stderr.str()


def test_an_unwritable_summary_is_an_error_but_annotations_stay(
    pytester: pytest.Pytester, actions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(pytester.path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(pytester.path))  # a directory
    result = pytester.runpytest("--devops-policy-only")
    assert len(annotations(result.outlines)) == 10
    result.stdout.fnmatch_lines(
        [f"ERROR: devops-policy: cannot write the GitHub job summary {pytester.path}: *"]
    )
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR or result.ret == 1


def test_paths_are_relative_to_the_checkout(
    pytester: pytest.Pytester, actions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest run in a subdirectory of the repository: annotations and links name the file
    from the repository's root, as GitHub resolves them."""
    make_repo(pytester.path)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(pytester.path.parent))
    result = pytester.runpytest("--devops-policy-only")
    sub = pytester.path.name
    _, props, _ = annotations(result.outlines)[0]
    assert props["file"] == f"{sub}/Dockerfile"
    text = actions.read_text(encoding="utf-8")
    assert f"/blob/0123abcd/{sub}/Dockerfile#L2)" in text


def test_no_links_without_the_repository_variables(
    pytester: pytest.Pytester, actions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_SHA")
    make_repo(pytester.path)
    pytester.runpytest("--devops-policy-only")
    text = actions.read_text(encoding="utf-8")
    assert "- Dockerfile\\:2 ENV API\\_KEY" in text and "](" not in text


def test_the_summary_is_appended(pytester: pytest.Pytester, actions: Path) -> None:
    actions.write_text("# an earlier step\n", encoding="utf-8")
    make_repo(pytester.path)
    pytester.runpytest("--devops-policy-only")
    pytester.runpytest("--devops-policy-only")
    text = actions.read_text(encoding="utf-8")
    assert text.startswith("# an earlier step\n")
    assert text.count("## pytest-devops-policy") == 2


def _synthetic(findings: int) -> RunResults:
    items = []
    for i in range(findings // 10):
        found = tuple(
            FindingRecord(j + 1, 1, j + 1, 20, "high", f"m{i}-{j} | <x>", f"{i:016x}{j:016x}")
            for j in range(10)
        )
        verdict = VerdictRecord(f"P-{i % 50:03d}", "failed", "high", 1, "", found)
        items.append(
            ItemRecord(f"f{i}.yaml::r", "kubernetes", "r", f"f{i}.yaml", 1, "failed", (verdict,))
        )
    return RunResults(items, {}, [], {"kubernetes": findings // 10}, ReportSettings(), "/r")


def test_emit_is_fast(tmp_path: Path) -> None:
    results = _synthetic(5000)
    environ = {**GITHUB, "GITHUB_STEP_SUMMARY": str(tmp_path / "s.md")}
    start = time.perf_counter()
    lines = github.emit(results, environ)
    took = time.perf_counter() - start
    assert took < 0.5, took
    assert len(annotations(lines)) == 10
    assert (tmp_path / "s.md").stat().st_size < github.SUMMARY_LIMIT
