"""Which file names are Dockerfiles (``discovery.is_dockerfile_name``)."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from pytest_devops_policy.discovery import is_dockerfile_name, is_dockerfile_path

DOCKERFILES = [
    "Dockerfile",
    "dockerfile",
    "DOCKERFILE",
    "Containerfile",
    "Dockerfile.prod",
    "Dockerfile.dev",
    "Dockerfile.alpine",
    "Dockerfile.ubuntu-22.04",
    "Dockerfile.python3.12",
    "Dockerfile.golang",
    "Dockerfile.arm64v8",
    "Dockerfile.build",
    "Dockerfile.test",
    "Containerfile.dev",
    "prod.Dockerfile",
    "api.dockerfile",
    "web.prod.Dockerfile",
]

NOT_DOCKERFILES = [
    # source code (sigstore/cosign has cmd/cosign/cli/dockerfile.go)
    "dockerfile.go",
    "Dockerfile.py",
    "dockerfile.rs",
    "dockerfile.ts",
    "dockerfile.js",
    "Dockerfile.java",
    "dockerfile.rb",
    "Dockerfile.sh",
    "Dockerfile.ps1",
    # templates, rendered into a Dockerfile before a build
    "Dockerfile.template",
    "Dockerfile.tmpl",
    "Dockerfile.tpl",
    "Dockerfile.j2",
    "Dockerfile.prod.j2",
    "Dockerfile.jinja2",
    "Dockerfile.in",
    "Containerfile.erb",
    "prod.Dockerfile.tmpl",
    # documentation and data
    "Dockerfile.md",
    "README.Dockerfile.md",
    "Dockerfile.txt",
    "dockerfile.json",
    "Dockerfile.yaml",
    "Dockerfile.yml",
    "Dockerfile.toml",
    "dockerfile.png",
    # patches, backups, editor files
    "Dockerfile.orig",
    "Dockerfile.rej",
    "Dockerfile.patch",
    "Dockerfile.bak",
    "Dockerfile.prod.bak",
    "Dockerfile.swp",
    "Dockerfile.prod~",
    "Dockerfile~",
    # test snapshots
    "dockerfile.json.golden",
    "Dockerfile.golden",
    "Dockerfile.snap",
    # ignore files belong to a Dockerfile but are not one
    "Dockerfile.dockerignore",
    "Dockerfile.prod.dockerignore",
    "api.Dockerfile.dockerignore",
    ".dockerignore",
    # names that merely contain the word
    "dockerfile_test.go",
    "Dockerfiles",
    "my-Dockerfile",
    "docker-compose.yml",
]


@pytest.mark.parametrize("name", DOCKERFILES)
def test_dockerfile_names(name: str) -> None:
    assert is_dockerfile_name(name)


@pytest.mark.parametrize("name", NOT_DOCKERFILES)
def test_not_dockerfile_names(name: str) -> None:
    assert not is_dockerfile_name(name)


def test_the_path_is_judged_by_its_base_name() -> None:
    assert not is_dockerfile_path(PurePosixPath("cmd/cosign/cli/dockerfile.go"))
    assert is_dockerfile_path(PurePosixPath("images/base.go/Dockerfile"))
    assert is_dockerfile_path(PurePosixPath("docker/Dockerfile.prod"))


def test_collection_skips_source_files_named_dockerfile(pytester: pytest.Pytester) -> None:
    cli = pytester.path / "cmd" / "cosign" / "cli"
    cli.mkdir(parents=True)
    (cli / "dockerfile.go").write_text("package cli\n\nfunc Dockerfile() {}\n")
    (pytester.path / "Dockerfile.j2").write_text("FROM {{ base }}\n")
    (pytester.path / "Dockerfile.prod").write_text('FROM alpine:3.20\nCMD ["true"]\n')
    result = pytester.runpytest(
        "--devops-policy-only", "--co", "-q", "--devops-policy-select=DOCKER-003"
    )
    out = result.stdout.str()
    assert "Dockerfile.prod::stage:0::DOCKER-003" in out
    assert "dockerfile.go" not in out and "Dockerfile.j2" not in out
