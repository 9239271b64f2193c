"""The GitLab CI parser (catalog §4.1, issue 21): merging, references, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.discovery import is_gitlab_ci_path
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob, PipelineFile, parse
from pytest_devops_policy.model import ParseError, Source


def _parse(
    tmp_path: Path, files: dict[str, str], main: str = ".gitlab-ci.yml", root: bool = True
) -> PipelineFile:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    path = tmp_path / main
    return parse(Source(str(path), main, path.read_text()), root_config=root)


def _jobs(pf: PipelineFile) -> dict[str, GitLabJob]:
    return {s.name: s for s in pf.subjects if isinstance(s, GitLabJob)}


MAIN = """\
include:
  - local: ci/templates.yml
  - template: Jobs/SAST.gitlab-ci.yml
  - project: group/ci
    file: [a.yml, b.yml]
    ref: v1
  - component: $CI_SERVER_FQDN/org/comp/sast@1.0
  - https://example.com/x.yml
stages: [build, test, deploy]
default:
  image: alpine:3.19
  timeout: 10m
.setup:
  script:
    - echo setup
test:
  script:
    - !reference [.setup, script]
    - pytest
deploy:
  extends: .deploy-base
  script:
    - helm upgrade --install web ./chart
  needs: [test]
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      when: manual
"""
TEMPLATES = """\
.deploy-base:
  stage: deploy
  environment:
    name: production
    url: https://x
  resource_group: prod
"""


def test_golden_pipeline(tmp_path: Path) -> None:
    pf = _parse(tmp_path, {".gitlab-ci.yml": MAIN, "ci/templates.yml": TEMPLATES})
    assert pf.pipeline is not None
    assert [s.label for s in pf.subjects] == ["pipeline", "job:test", "job:deploy"]
    assert pf.pipeline.stages == (".pre", "build", "test", "deploy", ".post")
    assert [(i.kind, i.target, i.files) for i in pf.pipeline.includes] == [
        ("local", "ci/templates.yml", ("ci/templates.yml",)),
        ("template", "Jobs/SAST.gitlab-ci.yml", ()),
        ("project", "a.yml", ()),
        ("project", "b.yml", ()),
        ("component", "$CI_SERVER_FQDN/org/comp/sast@1.0", ()),
        ("remote", "https://example.com/x.yml", ()),
    ]
    jobs = _jobs(pf)
    test, deploy = jobs["test"], jobs["deploy"]
    assert test.script == ("echo setup", "pytest")  # the !reference spliced in
    assert test.stage == "test" and test.needs is None and test.when == "on_success"
    assert test.image == "alpine:3.19" and test.timeout == "10m"  # from default:
    assert test.locate(("timeout",)) == (12, 3)  # default:'s line
    assert deploy.stage == "deploy" and deploy.resource_group == "prod"
    assert deploy.environment is not None and deploy.environment.name == "production"
    assert [n.job for n in deploy.needs or ()] == ["test"]
    assert deploy.rules[0].when == "manual" and deploy.rules[0].if_ is not None
    # A key from a template in another file: the job's own line here, the template's there.
    assert deploy.locate(("environment", "name")) == (20, 1)
    assert deploy.elsewhere(("environment", "name")) == "ci/templates.yml:4"
    assert deploy.elsewhere(("script",)) is None


def test_extends_deep_merges_in_order(tmp_path: Path) -> None:
    text = """\
.a:
  variables: {X: "1", Y: "1"}
  script: [a]
  tags: [one]
.b:
  extends: .a
  variables: {Y: "2"}
  script: [b]
job:
  extends: [.b]
  variables: {Z: "3"}
"""
    job = _jobs(_parse(tmp_path, {".gitlab-ci.yml": text}))["job"]
    assert job.variables == {"X": "1", "Y": "2", "Z": "3"}
    assert job.script == ("b",)  # lists are replaced, not merged
    assert job.locate(("variables", "X")) == (2, 15)
    assert job.locate(("variables", "Y")) == (7, 15)
    assert job.locate(("script",)) == (8, 3)
    assert job.tags == ["one"]


def test_needs_empty_and_inherit_default(tmp_path: Path) -> None:
    text = """\
default:
  timeout: 5m
a:
  script: [x]
  needs: []
  inherit:
    default: false
"""
    job = _jobs(_parse(tmp_path, {".gitlab-ci.yml": text}))["a"]
    assert job.needs_nothing and job.timeout is None


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a:\n  extends: .missing\n  script: [x]\n", "extends '.missing'", 2),
        ("a:\n  script:\n    - !reference [.nope, script]\n", "names nothing", 3),
        (".a:\n  extends: .b\n.b:\n  extends: .a\nc:\n  extends: .a\n", "circular", 1),
        ("a:\n  script: [x]\n  needs: [b]\n", "needs 'b'", 3),
        ("a: [1]\n", "must be a mapping", 1),
        ("a:\n  script: [x\n", "invalid YAML", 3),
        ("a:\n  script:\n    - echo ok\n    - curl -H Accept: json\n", "holds a mapping", 4),
        (".t:\n  after_script:\n    - x: y\na:\n  extends: .t\n  script: [z]\n", "after_script", 3),
    ],
)
def test_broken_files_are_parse_errors(tmp_path: Path, text: str, message: str, line: int) -> None:
    with pytest.raises(ParseError, match=message) as exc:
        _parse(tmp_path, {".gitlab-ci.yml": text})
    assert exc.value.line == line


def test_an_included_fragment_records_what_it_cannot_resolve(tmp_path: Path) -> None:
    text = "a:\n  extends: .from-root\n  script:\n    - !reference [.x, script]\n"
    pf = _parse(tmp_path, {"ci/a.gitlab-ci.yml": text}, main="ci/a.gitlab-ci.yml", root=False)
    job = _jobs(pf)["a"]
    assert job.unresolved_extends == (".from-root",)
    assert [n[1] for n in pf.notes] == ["GL-UNRESOLVED"]


def test_recognition() -> None:
    assert is_gitlab_ci_path(Path(".gitlab-ci.yml"))
    assert is_gitlab_ci_path(Path("ci/deploy.gitlab-ci.yml"))
    assert not is_gitlab_ci_path(Path("ci/deploy.yml"))


@pytest.mark.parametrize(
    "text",
    [
        # a template from a project include (freedesktop's ci-templates, GNOME's pipelines)
        "include:\n  - project: fdo/ci-templates\n    file: templates/fedora.yml\n"
        "img:\n  extends: .fdo.container-build@fedora\n",
        "include:\n  - remote: https://example.com/t.yml\n"
        "a:\n  script:\n    - !reference [.remote-setup, script]\n",
        # an instance of a parallel:matrix job
        "build:\n  script: [make]\n  parallel:\n    matrix:\n      - ARCH: [x86_64]\n"
        'test:\n  needs: ["build: [x86_64]"]\n  script: [make check]\n',
        # GitLab keeps the last of two equal keys (GL-014 reports it)
        "a:\n  script: [x]\na:\n  script: [y]\n",
    ],
)
def test_what_gitlab_accepts_is_no_parse_error(tmp_path: Path, text: str) -> None:
    assert _parse(tmp_path, {".gitlab-ci.yml": text}) is not None
