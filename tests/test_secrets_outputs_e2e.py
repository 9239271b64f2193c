"""Issue 18, point 4: nothing a run writes ever shows a secret, end to end.

Realistic fake secrets of every family the SECRET detectors know (``secret_fakes``: built at
run time, valid checksums where the format has one) sit in a tree of several kinds of files.
The real plugin runs over it in every way a user may run it: the default, ``-vv --tb=long``,
``--collect-only -q``, ``-rA``, ``--junitxml``, ``--devops-policy-items=policy``, xdist, a
second (cached) run, ``--lf`` and pytest-html when it is installed. Every byte each run
prints and every file it writes (the JUnit file, ``.pytest_cache``, the result cache, the
user's cache directory under ``XDG_CACHE_HOME``, an HTML report) is searched for each value,
its tail and each line of a key; and each family must be reported, as its mask.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from secret_fakes import NOT_REPORTED, fake_secrets, fake_tree, needles, reported_form

from pytest_devops_policy.masking import mask

FAKES = fake_secrets()
TREE = fake_tree(FAKES)
BASE = ("--devops-policy-only", "-p", "no:randomly")
SETTINGS = "[tool.devops-policy.secrets]\nentropy = true\n"

RUNS: list[tuple[str, tuple[str, ...]]] = [
    ("default", ()),
    ("verbose", ("-vv", "--tb=long")),
    ("collect-only", ("--collect-only", "-q")),
    ("report-all", ("-rA",)),
    ("junit", ("--junitxml=out/junit.xml", "-rA")),
    ("items-policy", ("--devops-policy-items=policy", "-rA", "-vv", "--tb=long")),
    ("select-secret", ("--devops-policy-select=SECRET", "-rA", "-vv")),
    # one SECRET policy: the excerpts of its findings show lines other policies' secrets sit on
    ("select-one", ("--devops-policy-select=SECRET-002", "-rA", "-vv", "--tb=long")),
    ("select-entropy", ("--devops-policy-select=SECRET-010", "-rA", "-vv")),
    # the kind policies alone (DOCKER-006, K8S-016, TF-011, GHA-005 report some of them)
    ("ignore-secret", ("--devops-policy-ignore=SECRET", "-rA", "-vv", "--tb=long")),
    ("no-cache", ("--devops-policy-no-cache", "-rA", "-vv")),
    ("xdist", ("-n", "2", "-rA", "--junitxml=out/junit-xdist.xml")),
    ("cached", ("-rA", "-vv", "--tb=long", "--junitxml=out/junit-cached.xml")),
    ("last-failed", ("--lf", "-rA", "-vv")),
    # issue 19: every report format, suppressed findings included, GitHub output forced on
    (
        "reports",
        (
            "--devops-policy-json=out/report.json",
            "--devops-policy-sarif=out/report.sarif",
            "--devops-policy-gitlab-codequality=out/codequality.json",
            "--devops-policy-controls-report=out/controls.md",
            "--devops-policy-controls-report=out/controls.json",
            "--devops-policy-report-suppressed",
            "--devops-policy-github=on",
        ),
    ),
    (
        "reports-xdist",
        (
            "-n",
            "2",
            "--devops-policy-items=policy",
            "--devops-policy-json=out/report-xdist.json",
            "--devops-policy-sarif=out/report-xdist.sarif",
            "--devops-policy-report-suppressed",
        ),
    ),
]
HTML = importlib.util.find_spec("pytest_html") is not None
if HTML:
    RUNS.append(("html", ("--html=out/report.html", "--self-contained-html", "-rA")))


def _written(root: Path, inputs: set[Path]) -> dict[str, str]:
    """Every file under ``root`` the runs wrote (not the scanned tree itself)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path not in inputs:
            out[str(path.relative_to(root))] = path.read_bytes().decode("utf-8", "replace")
    return out


def test_no_secret_of_any_family_is_ever_printed_or_stored(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(pytester.path / "xdg-cache"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(pytester.path / "out/step-summary.md"))
    inputs = set()
    for relpath, text in TREE.items():
        path = pytester.path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        inputs.add(path)
    pyproject = pytester.path / "pyproject.toml"
    pyproject.write_text(SETTINGS)
    inputs.add(pyproject)
    (pytester.path / "out").mkdir()

    printed: dict[str, str] = {}
    for name, args in RUNS:
        result = pytester.runpytest(*BASE, *args)
        assert result.ret in (0, 1), (name, result.ret, result.stdout.str()[-3000:])
        printed[name] = result.stdout.str() + "\n" + result.stderr.str()
    assert "SECRET-010" in printed["report-all"]  # the settings were read: entropy is on
    written = _written(pytester.path, inputs)
    assert any(name.startswith(".pytest_cache/") and "devops-policy" in name for name in written)
    assert any(name.startswith("xdg-cache/") for name in written)
    assert {"out/junit.xml", "out/junit-xdist.xml", "out/junit-cached.xml"} <= set(written)
    reports = {
        "out/report.json",
        "out/report.sarif",
        "out/codequality.json",
        "out/controls.md",
        "out/controls.json",
        "out/step-summary.md",
        "out/report-xdist.json",
        "out/report-xdist.sarif",
    }
    assert reports <= set(written)

    outputs = {**{f"stdout of {k}": v for k, v in printed.items()}, **written}
    for fake in FAKES.values():
        for needle in needles(fake):
            for where, text in outputs.items():
                assert needle not in text, f"{fake.family} ({fake.policy}) shown raw in {where}"

    # every family was reached and reported, masked, in each run that reports findings
    for family, fake in FAKES.items():
        if family in NOT_REPORTED:
            continue
        shown = mask(reported_form(FAKES, family))
        for name in ("verbose", "report-all", "xdist", "cached", "items-policy"):
            assert shown in printed[name], f"{family} ({fake.policy}) not reported in {name}"
        assert shown in written["out/junit.xml"], f"{family} not in the JUnit report"
        for report in ("out/report.json", "out/report.sarif", "out/report-xdist.json"):
            # JSON escapes non-ASCII masks only with ensure_ascii; ours writes UTF-8 as is
            assert shown in written[report], f"{family} not in {report}"
    policies = {fake.policy for fake in FAKES.values()}
    for name in ("report-all", "items-policy"):
        assert all(p in printed[name] for p in policies)


@pytest.mark.skipif(not HTML, reason="pytest-html is not installed")
def test_html_report_is_covered() -> None:
    assert any(name == "html" for name, _ in RUNS)


def test_hidden_directories_the_include_globs_name_are_walked() -> None:
    # pytest's norecursedirs ('.*') hid .docker/config.json from the secrets scan
    from pytest_devops_policy.discovery import secrets_dot_dirs
    from pytest_devops_policy.options.secrets import DEFAULT_INCLUDE

    assert secrets_dot_dirs(DEFAULT_INCLUDE) == {".docker", ".aws", ".kube"}
    assert secrets_dot_dirs(["**/.config/app/*.yaml", "**/.env*", ".*/x", "**/.git/y"]) == {
        ".config"
    }


def test_binary_huge_and_oddly_encoded_files_never_crash_the_scan(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 18, point 7: zero crashes, and what can be read is still scanned.
    monkeypatch.setenv("XDG_CACHE_HOME", str(pytester.path / "xdg-cache"))
    pw = FAKES["env-password"].value
    token = FAKES["github-token"].value
    b64 = FAKES["azure-storage-key"].value
    files: dict[str, bytes] = {
        # binary under a name secrets.include reads: skipped (NUL bytes)
        ".env.bin.env": b"\x00\x01\x02PASSWORD=" + pw.encode() + b"\x00" * 100,
        "keys/store.p12": bytes(range(256)) * 64,
        # over secrets.max_bytes: skipped, named in the summary
        "big/huge.yaml": b"a: " + b"x" * (2 * 1024 * 1024) + b"\n",
        # one very long line of base64 (entropy on), under the limit
        "big/oneline.json": b'{"blob": "' + (b64 * 8000).encode()[:900_000] + b'"}\n',
        # Latin-1, invalid UTF-8, UTF-16 with a BOM, CRLF, lone CRs, control characters
        "legacy/app.properties": "# caf\xe9\ndb.password=".encode("latin-1") + pw.encode() + b"\n",
        "legacy/broken.yaml": b"name: \xff\xfe\xc3\x28 bad\ntoken: " + token.encode() + b"\n",
        "legacy/utf16.json": ('{"password": "' + pw + '"}').encode("utf-16"),
        "legacy/crlf.env": b"A=1\r\nAPI_TOKEN=" + token.encode() + b"\r\n\rB=2\x1b[2J\r\n",
        "legacy/bom.yaml": "\ufeffpassword: ".encode() + pw.encode() + b"\n",
        "empty/.env": b"",
    }
    for relpath, data in files.items():
        path = pytester.path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (pytester.path / "pyproject.toml").write_text(SETTINGS)
    result = pytester.runpytest(*BASE, "--devops-policy-select=SECRET", "-rA", "-vv")
    out = result.stdout.str() + result.stderr.str()
    assert result.ret == 1, out[-3000:]
    assert "INTERNALERROR" not in out and "Traceback" not in out
    assert "errors" not in result.parseoutcomes()
    assert pw not in out and token not in out and b64 not in out
    # the readable files are scanned: the password in Latin-1, the token past bad bytes and
    # in CRLF; the binaries and the huge file are not
    for name in ("legacy/app.properties", "legacy/broken.yaml", "legacy/crlf.env"):
        assert f"{name}::secrets::SECRET-00" in out
    assert "huge.yaml::secrets" not in out
    # a binary key store is judged by its name only (SECRET-012), its bytes never scanned
    assert "store.p12::secrets::SECRET-012 FAILED" in out
    assert "store.p12::secrets::SECRET-00" not in out
