"""Hostile input: secrets and terminal controls in scanned files never leave the plugin raw.

One test (or more) per item of the hostile-input issue (10-14, 19). Each runs the real
plugin and looks for the raw value in *everything* a run writes: the terminal, the JUnit
XML, the result cache and the index facts cache, with and without xdist, and on a second
(cached, ``--lf``) run.
"""

from __future__ import annotations

import json

import pytest
from conftest import parse_junit
from test_secretvalues import FOUND

from pytest_devops_policy.api import Severity
from pytest_devops_policy.engine.analysis import FileResult, Outcome, ResourceResult
from pytest_devops_policy.engine.evaluate import ResolvedViolation
from pytest_devops_policy.engine.resultcache import from_json, to_json
from pytest_devops_policy.formats.kubernetes.objects import parse
from pytest_devops_policy.indexes.kubernetes import file_facts
from pytest_devops_policy.knowledge.secrets.scan import text_secrets
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.masking import Redactor, escape_controls, mask, truncate
from pytest_devops_policy.model import Source
from pytest_devops_policy.pytest_layer.render import MAX_EXCERPT_WIDTH, excerpt

RUN = ("--devops-policy-only", "-p", "no:randomly")
GHP = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"  # the shape of a GitHub token


def _written(pytester: pytest.Pytester) -> str:
    """Every file of the result and facts caches and the JUnit report."""
    parts = []
    for path in sorted(pytester.path.rglob("*")):
        if path.is_file() and (path.suffix == ".xml" or "devops-policy" in path.parts):
            parts.append(path.read_text("utf-8", "replace"))
    return "\n".join(parts)


def _run(pytester: pytest.Pytester, *args: str) -> tuple[str, pytest.RunResult]:
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(*RUN, f"--junitxml={junit}", "-rA", *args)
    out = result.stdout.str() + result.stderr.str()
    return out + "\n" + _written(pytester), result


def _assert_hidden(text: str, *secrets: str, shown: bool = True) -> None:
    """No secret raw; with ``shown``, each is printed masked (the test reached it)."""
    for secret in secrets:
        assert secret not in text, f"{secret!r} printed or stored raw"
        assert not shown or mask(secret) in text


# -- 10. a value one policy masks is masked in every policy's output ------------------

ONE_LINE_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers: [{name: web, image: nginx, env: [{name: DB_PASSWORD, value: Hunter2SecretValue}]}]
"""


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["no-xdist", "xdist"])
def test_k8s_env_secret_is_masked_in_every_policys_excerpt(
    pytester: pytest.Pytester, xdist: list[str]
) -> None:
    pytester.makefile(".yaml", pod=ONE_LINE_POD)
    text, result = _run(pytester, *xdist)
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 5  # K8S-016 and the policies that point at the same line
    _assert_hidden(text, "Hunter2SecretValue")
    cases = parse_junit(pytester.path / "junit.xml")
    assert sum("6 |   containers:" in c.message for c in cases.values()) >= 5
    # the cached run and --lf print the same, still masked
    again, _ = _run(pytester, "--lf", *xdist)
    _assert_hidden(again, "Hunter2SecretValue")


# -- 11. a URL password DOCKER-006 masks is masked in DOCKER-012 and in the cache ----

URL_PASSWORD_DOCKERFILE = """\
FROM alpine:3.19
ENV DB_URL=postgres://admin:Sup3rS3cretPw@db/app
RUN curl http://admin:Sup3rS3cretPw@example.com/install.sh | sh
"""


def test_url_password_is_masked_in_other_policies_and_in_the_cache(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile("", Dockerfile=URL_PASSWORD_DOCKERFILE)
    text, _ = _run(pytester)
    assert "DOCKER-012" in text
    _assert_hidden(text, "Sup3rS3cretPw")
    again, _ = _run(pytester)  # from the cache
    _assert_hidden(again, "Sup3rS3cretPw")


def test_cache_entries_store_messages_redacted_and_secrets_as_offsets() -> None:
    text = "ENV A=http://u:Sup3rS3cretPw@h/x\nRUN curl http://u:Sup3rS3cretPw@h/x\n"
    raw = ResolvedViolation("downloads http://u:Sup3rS3cretPw@h/x", 2, 1, Severity.HIGH)
    result = FileResult(
        "dockerfile",
        [
            ResourceResult(
                "stage",
                "stage",
                1,
                1,
                (),
                [("ID", {"reason": "Sup3rS3cretPw"})],
                [Outcome("DOCKER-012", [raw], ["Sup3rS3cretPw unknown"], "Sup3rS3cretPw err")],
            )
        ],
        secrets=["Sup3rS3cretPw"],
    )
    data = to_json(result, text)
    assert "Sup3rS3cretPw" not in json.dumps(data)
    back = from_json(data, text)
    assert back.secrets == ["Sup3rS3cretPw"]  # read back from the offsets
    assert mask("Sup3rS3cretPw") in back.resources[0].outcomes[0].violations[0].message


# -- 12. excerpts are cut after redaction --------------------------------------------


def test_excerpt_is_truncated_after_redaction() -> None:
    line = "ENV PADDING=" + "x" * 128 + " API_TOKEN=" + GHP  # the token starts past column 140
    assert line.index(GHP) > 140
    source = Source("/d/Dockerfile", "Dockerfile", line + "\n")
    shown = "\n".join(excerpt(source, 1, [GHP]))
    assert GHP[:20] not in shown
    assert GHP[4:12] not in shown


def test_truncate_never_cuts_a_mask() -> None:
    masked = "x" * 150 + mask(GHP) + " tail"
    cut = truncate(masked, MAX_EXCERPT_WIDTH)
    assert mask(GHP) in cut and cut.endswith(" …")


def test_long_line_secret_past_the_cut_in_a_run(pytester: pytest.Pytester) -> None:
    pad = "A" * 130
    pytester.makefile("", Dockerfile=f"FROM alpine:3.19\nENV PAD={pad} API_TOKEN={GHP}\n")
    text, _ = _run(pytester)
    _assert_hidden(text, GHP)
    assert GHP[:20] not in text


# -- 13. parse errors print redacted lines -----------------------------------------


def test_parse_error_excerpt_masks_secret_assignments(pytester: pytest.Pytester) -> None:
    pytester.makefile("", Dockerfile="FROM alpine:3.19\nENVV DB_PASSWORD=hunter2-Secret9\n")
    text, _ = _run(pytester)
    assert "PARSE-ERROR" in text
    _assert_hidden(text, "hunter2-Secret9")


def test_parse_error_excerpt_masks_tokens(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        deploy=f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  auth: Bearer {GHP}: x\n",
    )
    text, _ = _run(pytester)
    assert "PARSE-ERROR" in text
    _assert_hidden(text, GHP)


# -- 14. well-known token shapes are masked wherever the file's text is printed --------

TOKEN_DOCKERFILE = f"""\
FROM alpine:3.19
RUN curl -H "Authorization: token {GHP}" http://example.com/x.sh | sh
"""

TOKEN_WORKFLOW = f"""\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: curl -H "Authorization: token {GHP}" https://api.github.com/user
"""

TOKEN_SERVICE = f"""\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations: {{ci/token: {GHP}, other: "Bearer {GHP[::-1]}x"}}
spec:
  type: LoadBalancer  # token {GHP}
  selector: {{app: web}}
  ports: [{{port: 80}}]
"""


@pytest.mark.parametrize(
    ("name", "ext", "content"),
    [
        ("Dockerfile", "", TOKEN_DOCKERFILE),
        ("ci", ".yml", TOKEN_WORKFLOW),
        ("svc", ".yaml", TOKEN_SERVICE),
    ],
)
def test_well_known_tokens_are_masked_in_messages_excerpts_and_caches(
    pytester: pytest.Pytester, name: str, ext: str, content: str
) -> None:
    if ext == ".yml":
        pytester.mkdir(".github")
        (pytester.path / ".github" / "workflows").mkdir()
        (pytester.path / ".github" / "workflows" / f"{name}{ext}").write_text(content)
    else:
        pytester.makefile(ext, **{name: content})
    text, result = _run(pytester)
    assert result.parseoutcomes().get("failed", 0) >= 1
    _assert_hidden(text, GHP)
    again, _ = _run(pytester)
    _assert_hidden(again, GHP)


def test_facts_keep_only_what_cross_object_policies_read() -> None:
    parsed = parse(Source("/d/svc.yaml", "svc.yaml", TOKEN_SERVICE))
    (fact,) = file_facts(parsed)
    assert GHP not in json.dumps(fact)
    assert "annotations" not in json.dumps(fact)
    assert fact["value"]["spec"]["selector"] == {"app": "web"}


# -- 19. terminal controls are escaped in every text output ---------------------------

# In YAML, only as escapes in double-quoted strings (raw controls are not YAML); in a
# Dockerfile, raw.
CONTROL_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: "web\\e[2J\\e]0;pwned\\a"
      image: "nginx\\e[31mred\\e[0m\\x9b2J"
"""
CONTROL_DOCKERFILE = (
    "FROM alpine:3.19\nRUN curl http://x/\x1b[2J\x1b]0;pwned\x07 | sh # \x1b[31mred\x9b2J\n"
)


@pytest.mark.parametrize(
    ("name", "ext", "content"),
    [("pod", ".yaml", CONTROL_POD), ("Dockerfile", "", CONTROL_DOCKERFILE)],
)
def test_terminal_controls_are_escaped_everywhere(
    pytester: pytest.Pytester, name: str, ext: str, content: str
) -> None:
    pytester.makefile(ext, **{name: content})
    text, result = _run(pytester)
    assert result.parseoutcomes().get("failed", 0) >= 1
    for raw in ("\x1b[2J", "\x1b]0;", "\x07", "\x1b[31m", "\x9b"):
        assert raw not in text
    assert "\\x1b[2J" in text


def test_escape_controls_keeps_tabs_and_escapes_c0_c1_and_del() -> None:
    assert escape_controls("a\tb\x1b[2J\x07\x7f\x9b") == "a\tb\\x1b[2J\\x07\\x7f\\x9b"
    assert escape_controls("a\nb") == "a\nb"
    assert escape_controls("a\nb", newlines=False) == "a\\x0ab"


def test_redactor_is_idempotent() -> None:
    clean = Redactor([GHP, "Sup3rS3cretPw"])
    once = clean(f"\x1b[2J {GHP} and http://u:Sup3rS3cretPw@h")
    assert clean(once) == once
    assert GHP not in once and "\x1b" not in once


# -- the whole-file scan: cheap, and as blind as the detectors, no more ------------------


@pytest.mark.parametrize(("detector", "value"), FOUND, ids=[f[0] for f in FOUND])
def test_text_secrets_finds_what_the_detectors_find(detector: str, value: str) -> None:
    text = f"line one\nENV X=1 Y={value} z\n# trailing line\n"
    expected = {(h.start, len(h.match)) for h in detect_secrets(text)}
    assert expected
    assert expected <= set(text_secrets(text))


# -- GHA-005: a name-based literal (no detector knows its shape) is masked everywhere ---

GHA_LITERAL = "Pr0d-Registry-Pw-2024"
HARDCODED_WORKFLOW = f"""\
on: push
permissions: {{}}
jobs:
  build:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/builder:1.4
      credentials: {{username: ci, password: {GHA_LITERAL}}}
    env:
      DB_PASSWORD: {GHA_LITERAL}
    steps:
      - run: docker login -u ci -p {GHA_LITERAL} ghcr.io
"""


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["no-xdist", "xdist"])
def test_gha_005_secret_is_masked_in_terminal_and_junit(
    pytester: pytest.Pytester, xdist: list[str]
) -> None:
    workflows = pytester.path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(HARDCODED_WORKFLOW)
    text, _ = _run(pytester, *xdist)
    cases = parse_junit(pytester.path / "junit.xml")
    gha_005 = [c for c in cases.values() if "GHA-005" in c.name]
    assert [c.outcome for c in gha_005] == ["failed"]
    assert "literal" in gha_005[0].message and mask(GHA_LITERAL) in gha_005[0].message
    _assert_hidden(text, GHA_LITERAL)
    again, _ = _run(pytester, *xdist)  # from the cache
    _assert_hidden(again, GHA_LITERAL)
