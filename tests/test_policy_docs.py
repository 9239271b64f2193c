"""Generated policy pages: up to date with the code, rendered correctly, and explained offline."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OWNER_POLICY

from pytest_devops_policy import docs
from pytest_devops_policy.api import Policy, Severity, Unknown, Violation, get_policy, policy
from pytest_devops_policy.docs import (
    INDEX_NAME,
    expected_pages,
    render_index,
    render_page,
    stale_pages,
    write_pages,
)
from pytest_devops_policy.model import Source
from pytest_devops_policy.policies import builtin_policies
from pytest_devops_policy.waivers import inline_waivers

ROOT = Path(__file__).resolve().parent.parent
NO_BUILTIN = ("-p", "no:devops_policy.builtin")
COMMAND = "python -m pytest_devops_policy.docs"
# Import every built-in policy (and the formats they use) now, at collection: pytester drops the
# modules a test imports when it ends, while builtin_policies() caches its result, so a first
# import inside a pytester test would leave later in-process runs with stale format classes.
BUILTINS = builtin_policies()


def test_policy_pages_are_up_to_date() -> None:
    problems = stale_pages(ROOT / "policies")
    assert not problems, (
        "policies/ is out of date with the built-in policies:\n  "
        + "\n  ".join(problems)
        + f"\nregenerate it from the repository root: {COMMAND}"
    )


# -- a synthetic policy -----------------------------------------------------------------------


def _synthetic(**overrides: object) -> Policy:
    fields: dict[str, object] = {
        "id": "ACME-042",
        "name": "no-debug-port",
        "title": "Containers do not expose the debug port",
        "severity": Severity.MEDIUM,
        "rationale": "A debug port (*9229*) lets <anyone> attach & run code; _see_ the runbook.",
        "remediation": "Remove the EXPOSE 9229 line | or bind it to localhost.",
        "controls": ("CIS-Docker-5.7", "NIST-800-53-CM-7", "ACME-SEC-12"),
        "references": (
            "hadolint:DL3011",
            "checkov:CKV_DOCKER_1",
            "checkov:CKV_DOCKER_9",
            "trivy:AVD-DS-0004",
            "https://example.org/runbooks/debug-ports",
            "internal wiki: debug ports",
        ),
        "example": "FROM node:20.11-alpine\nEXPOSE 9229\n",
        "use_instead": "FROM node:20.11-alpine\nEXPOSE 8080\n",
    }
    fields.update(overrides)

    @policy(**fields)  # type: ignore[arg-type]
    def no_debug_port(dockerfile: object) -> list[Violation | Unknown]:
        return []

    meta = get_policy(no_debug_port)
    assert meta is not None
    return meta


def _sections(page: str) -> list[str]:
    return re.findall(r"(?m)^## (.+)$", page)


def test_page_layout_for_a_synthetic_policy() -> None:
    page = render_page(_synthetic())
    lines = page.split("\n")
    assert lines[0] == "# ACME-042 no-debug-port"
    assert lines[2] == "Containers do not expose the debug port."
    assert "- **Kind:** Dockerfile (pytest marker `dockerfile`)" in lines
    assert "- **Severity:** medium (pytest marker `medium`)" in lines
    assert "`Dockerfile::stage:<stage>::ACME-042`; `-k ACME-042` or `-k no-debug-port`" in page
    assert _sections(page) == [
        "Why",
        "Example",
        "Use instead",
        "How to fix",
        "Waive it",
        "References",
    ]
    example = page.split("## Example\n\n", 1)[1]
    assert example.startswith("```dockerfile\nFROM node:20.11-alpine\nEXPOSE 9229\n```\n")
    assert page.split("## Use instead\n\n", 1)[1].startswith("```dockerfile\n")
    # Deterministic, LF only, exactly one trailing newline.
    assert page == render_page(_synthetic())
    assert "\r" not in page and page.endswith("\n") and not page.endswith("\n\n")


def test_prose_is_escaped_but_code_is_not() -> None:
    page = render_page(_synthetic())
    why = page.split("## Why\n\n", 1)[1].split("\n", 1)[0]
    assert why == (
        r"A debug port (\*9229\*) lets \<anyone> attach & run code; \_see\_ the runbook."
    )
    assert "EXPOSE 9229 line | or bind" in page  # a pipe outside a table stays as written
    index = render_index([_synthetic(title="Ports | debug")])
    assert r"| Ports \| debug |" in index


def test_references_are_readable_and_invent_no_urls() -> None:
    page = render_page(_synthetic())
    refs = page.split("## References\n\n", 1)[1]
    assert "- CIS Docker Benchmark 5.7 (`CIS-Docker-5.7`)" in refs
    assert "- NIST SP 800-53 CM-7 (`NIST-800-53-CM-7`)" in refs
    assert "- `ACME-SEC-12`" in refs  # an unknown control family is shown as it is
    assert "| hadolint | `DL3011` |" in refs
    assert "| Checkov | `CKV_DOCKER_1`, `CKV_DOCKER_9` |" in refs
    assert "| Trivy | `AVD-DS-0004` |" in refs
    assert "- <https://example.org/runbooks/debug-ports>" in refs
    assert "- internal wiki: debug ports" in refs
    assert re.findall(r"https?://[^\s>)]+", page) == ["https://example.org/runbooks/debug-ports"]


def test_no_references_and_no_example() -> None:
    page = render_page(_synthetic(controls=(), references=(), example="", use_instead=""))
    assert _sections(page) == ["Why", "How to fix", "Waive it", "References"]
    assert page.endswith("## References\n\nNone.\n")


def test_fence_outlasts_backticks_in_the_example() -> None:
    page = render_page(_synthetic(example="FROM alpine:3.20\nRUN echo '```'\n"))
    assert "````dockerfile\nFROM alpine:3.20\nRUN echo '```'\n````\n" in page


@pytest.mark.parametrize(
    ("subject", "language", "node_id"),
    [
        ("dockerfile", "dockerfile", "Dockerfile::stage:<stage>::ACME-042"),
        ("k8s_object", "yaml", "deploy/web.yaml::<Kind>/<name>::ACME-042"),
        ("workflow", "yaml", ".github/workflows/<file>.yml::workflow::ACME-042"),
        ("job", "yaml", ".github/workflows/<file>.yml::job:<job-id>::ACME-042"),
        ("tf_resource", "hcl", "infra/main.tf::<type>.<name>::ACME-042"),
        ("tf_block", "hcl", "infra/main.tf::<block>::ACME-042"),
    ],
)
def test_language_node_id_and_waiver_per_subject(subject: str, language: str, node_id: str) -> None:
    p = _policy_for(subject)
    page = render_page(p)
    assert f"## Example\n\n```{language}\n" in page
    assert f"`{node_id}`" in page
    waiver = page.split("## Waive it\n\n", 1)[1].split("## References", 1)[0]
    # Every waiver the page shows is one the waiver parser accepts.
    shown = "\n".join(
        line
        for line in waiver.split("\n")
        if "devops-policy: ignore" in line and not line.startswith("For the whole file")
    )
    found = inline_waivers(Source("/x", "x", shown))
    assert [w.ids for w in found] == [("ACME-042",)]
    assert found[0].valid and found[0].reason and found[0].owner and found[0].expires
    assert ("devops-policy.io/ignore-reason" in waiver) == (subject == "k8s_object")
    assert 'policy = "ACME-042"' in waiver


def _policy_for(subject: str) -> Policy:
    """The synthetic policy for another subject (the first parameter's name selects it)."""
    namespace: dict[str, object] = {}
    exec(f"def check({subject}):\n    return []\n", namespace)
    meta = _synthetic()
    decorated = policy(
        id=meta.id,
        name=meta.name,
        title=meta.title,
        severity=meta.severity,
        rationale=meta.rationale,
        remediation=meta.remediation,
        example="x = 1\n",
    )(namespace["check"])  # type: ignore[arg-type]
    found = get_policy(decorated)
    assert found is not None
    return found


def test_kind_markers_and_annotation_prefix_match_the_plugin() -> None:
    from pytest_devops_policy.formats.kubernetes.objects import ANNOTATION_PREFIX
    from pytest_devops_policy.pytest_layer.nodes import KIND_MARKERS

    for kind, marker in KIND_MARKERS.items():
        assert docs.kind_marker(kind) == marker
    assert docs._ANNOTATION_PREFIX == ANNOTATION_PREFIX
    from pytest_devops_policy.pytest_layer.baseline import ANNOTATION_KEY

    assert ANNOTATION_KEY == ANNOTATION_PREFIX + "ignore"


def test_builtin_references_are_all_readable() -> None:
    """A new peer tool prefix needs a display name, or its rows fall into "Further reading"."""
    for p in builtin_policies():
        for ref in p.references:
            tool = ref.partition(":")[0]
            assert ref.startswith("https://") or tool in docs.PEER_TOOLS, (p.id, ref)


# -- the index and the directory ---------------------------------------------------------------


def test_index_sorted_by_id_with_links() -> None:
    a = _synthetic()
    c = _synthetic(id="ACME-007", name="other-thing", severity="critical", title="Other")
    index = render_index([a, c, a])  # the same policy twice is harmless
    rows = [line for line in index.split("\n") if line.startswith("| [")]
    assert rows == [
        "| [ACME-007](ACME-007.md) | other-thing | critical | Dockerfile | Other |",
        "| [ACME-042](ACME-042.md) | no-debug-port | medium | Dockerfile "
        "| Containers do not expose the debug port |",
    ]
    assert "2 policies (Dockerfile 2)." in index
    assert index == render_index([c, a])


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="ACME-042"):
        render_index([_synthetic(), _synthetic(name="another-name")])


def test_stale_pages_missing_outdated_orphaned(tmp_path: Path) -> None:
    policies = [_synthetic(), _synthetic(id="ACME-007", name="other-thing")]
    assert stale_pages(tmp_path / "nowhere", policies) == [
        f"{(tmp_path / 'nowhere').as_posix()}/ACME-007.md: missing",
        f"{(tmp_path / 'nowhere').as_posix()}/ACME-042.md: missing",
        f"{(tmp_path / 'nowhere').as_posix()}/README.md: missing",
    ]
    assert write_pages(tmp_path, policies) == [
        f"wrote {tmp_path.as_posix()}/ACME-007.md",
        f"wrote {tmp_path.as_posix()}/ACME-042.md",
        f"wrote {tmp_path.as_posix()}/README.md",
    ]
    assert stale_pages(tmp_path, policies) == []
    assert write_pages(tmp_path, policies) == []  # idempotent: nothing rewritten

    (tmp_path / "ACME-042.md").write_text("# edited by hand\n", encoding="utf-8")
    (tmp_path / "ACME-001.md").write_text("# a retired policy\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("hand-written, not a page\n", encoding="utf-8")
    assert stale_pages(tmp_path, policies) == [
        f"{tmp_path.as_posix()}/ACME-042.md: out of date",
        f"{tmp_path.as_posix()}/ACME-001.md: orphaned (no policy ACME-001 exists any more)",
    ]
    # The index changes when a policy goes away.
    assert f"{tmp_path.as_posix()}/README.md: out of date" in stale_pages(tmp_path, policies[:1])

    assert write_pages(tmp_path, policies) == [
        f"wrote {tmp_path.as_posix()}/ACME-042.md",
        f"removed {tmp_path.as_posix()}/ACME-001.md",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ACME-007.md",
        "ACME-042.md",
        "README.md",
        "notes.md",
    ]
    assert (tmp_path / "ACME-042.md").read_bytes() == render_page(policies[0]).encode()


def test_crlf_checkout_is_not_stale(tmp_path: Path) -> None:
    policies = [_synthetic()]
    write_pages(tmp_path, policies)
    page = tmp_path / "ACME-042.md"
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    assert stale_pages(tmp_path, policies) == []
    assert write_pages(tmp_path, policies) == [f"wrote {tmp_path.as_posix()}/ACME-042.md"]
    assert b"\r" not in page.read_bytes()


def test_expected_pages_cover_every_builtin() -> None:
    pages = expected_pages()
    assert set(pages) == {f"{p.id}.md" for p in builtin_policies()} | {INDEX_NAME}
    for p in builtin_policies():
        assert pages[f"{p.id}.md"].startswith(f"# {p.id} {p.name}\n")
        assert f"[{p.id}]({p.id}.md)" in pages[INDEX_NAME]


def test_command_line_writes_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "pages"
    cmd = [sys.executable, "-m", "pytest_devops_policy.docs"]
    check = subprocess.run([*cmd, "--check", str(target)], capture_output=True, text=True)
    assert check.returncode == 1
    assert f"{target.as_posix()}/DOCKER-001.md: missing" in check.stdout
    assert f"run: {COMMAND} {target.as_posix()}" in check.stdout
    write = subprocess.run([*cmd, str(target)], capture_output=True, text=True)
    assert write.returncode == 0, write.stderr
    assert f"wrote {target.as_posix()}/README.md" in write.stdout
    assert docs.main(["--check", str(target)]) == 0


# -- pytest --devops-policy-explain and the failure text ----------------------------------------


def test_explain_prints_a_builtin_page_and_runs_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_boom="def test_boom():\n    raise AssertionError('ran')\n")
    result = pytester.runpytest("--devops-policy-explain=docker-001")
    assert result.ret == 0
    expected = render_page(next(p for p in BUILTINS if p.id == "DOCKER-001"))
    assert result.stdout.str() == expected.rstrip("\n")
    assert "ran" not in result.stdout.str()


def test_explain_by_name(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--devops-policy-explain=run-as-non-root")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["# K8S-001 run-as-non-root", "", "## Why"], consecutive=False)


def test_explain_finds_a_conftest_policy(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(OWNER_POLICY)
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-explain=ACME-001")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "# ACME-001 missing-owner-label",
            "Object has no owner label.",
            "- **Kind:** Kubernetes (pytest marker `kubernetes`)",
            "Every object needs an owner to page.",
        ],
        consecutive=False,
    )
    assert "## Example" not in result.stdout.str()  # the policy has none


def test_explain_ignores_selection(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--devops-policy-explain=TF-001", "--devops-policy-ignore=TF", "--devops-policy"
    )
    assert result.ret == 0
    result.stdout.fnmatch_lines(["# TF-001 storage-not-public"])


def test_explain_unknown_policy_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--devops-policy-explain=run-as-nonroot")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "no policy 'run-as-nonroot'" in err and "Did you mean: run-as-non-root?" in err
    assert "path/to/dir" in err


def test_explain_reports_duplicate_ids(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        OWNER_POLICY.replace("def pytest_devops_policy_add_policies", "def _unused")
        + "\n"
        + OWNER_POLICY.replace("missing_owner_label", "other_label")
        + "\n"
        + "def pytest_devops_policy_add_policies(config):\n"
        + "    return [missing_owner_label, other_label]\n"
    )
    result = pytester.runpytest(*NO_BUILTIN, "--devops-policy-explain=ACME-001")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "duplicate policy id ACME-001" in result.stderr.str()


def test_failure_text_points_at_page_and_option(pytester: pytest.Pytester) -> None:
    pytester.makefile("", Dockerfile='FROM alpine:3.20\nUSER root\nCMD ["true"]\n')
    result = pytester.runpytest("--devops-policy-only", "--devops-policy-select=DOCKER-001")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  see: pytest --devops-policy-explain=DOCKER-001"])


def _above_last_from(lines: list[str], comment: str) -> None:
    lines.insert(max(i for i, x in enumerate(lines) if x.upper().startswith("FROM ")), comment)


def _above_object(lines: list[str], comment: str) -> None:
    lines.insert(0, comment)


def _above_first_job(lines: list[str], comment: str) -> None:
    lines.insert(lines.index("jobs:") + 1, comment)


def _inside_first_block(lines: list[str], comment: str) -> None:
    lines.insert(next(i for i, x in enumerate(lines) if x.startswith("resource ")) + 1, comment)


@pytest.mark.parametrize(
    ("policy_id", "filename", "place"),
    [
        ("DOCKER-001", "Dockerfile", _above_last_from),
        ("K8S-001", "deploy/web.yaml", _above_object),
        ("GHA-001", ".github/workflows/ci.yml", _above_first_job),
        ("TF-017", "infra/main.tf", _inside_first_block),
    ],
)
def test_page_waiver_snippet_really_waives(
    pytester: pytest.Pytester, policy_id: str, filename: str, place: object
) -> None:
    """The inline waiver a page shows, placed where the page says, waives the example."""
    meta = next(p for p in BUILTINS if p.id == policy_id)
    waive = render_page(meta).split("## Waive it\n\n", 1)[1]
    comment = next(x for x in waive.split("\n") if x.lstrip().startswith("# devops-policy:"))
    comment = re.sub(r"expires=\S+", "expires=2999-12-31", comment)  # the page's date ages
    lines = meta.example.rstrip("\n").split("\n")
    assert callable(place)
    place(lines, comment)
    target = pytester.path / filename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = pytester.runpytest("--devops-policy-only", f"--devops-policy-select={policy_id}")
    outcomes = result.parseoutcomes()
    assert outcomes.get("xfailed", 0) >= 1 and "failed" not in outcomes, result.stdout.str()
