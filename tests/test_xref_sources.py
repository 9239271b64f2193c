"""Link-only sources (catalog §9.1): skaffold build artifacts and Compose build/image pairs
name the Dockerfile that builds an image; they are read, never judged."""

from __future__ import annotations

from pytest_devops_policy.indexes.xref_sources import is_link_source_name, source_builds

SKAFFOLD = """\
apiVersion: skaffold/v4beta6
kind: Config
build:
  artifacts:
    - image: web
      context: services/web
    - image: api
      context: services/api
      docker:
        dockerfile: build/api.Dockerfile
        target: runtime
        buildArgs: {VERSION: "1.2", TOKEN: "{{.TOKEN}}"}
    - image: jvm
      jib: {}
---
apiVersion: skaffold/v4beta6
kind: Config
build:
  artifacts:
    - image: worker
"""
COMPOSE = """\
services:
  web:
    build: ./web
    image: ghcr.io/acme/web
  api:
    image: ghcr.io/acme/api
    build:
      context: api
      dockerfile: Dockerfile.prod
      target: prod
      args: ["PORT=8080", "SECRET=$SECRET"]
  db:
    image: postgres:16
"""


def test_skaffold_artifacts_are_high_links_with_their_dockerfiles() -> None:
    found = source_builds("deploy/skaffold.yaml", SKAFFOLD)
    assert [(b.image, b.dockerfile, b.target, b.confidence) for b in found] == [
        ("web", "deploy/services/web/Dockerfile", None, "high"),
        ("api", "deploy/services/api/build/api.Dockerfile", "runtime", "high"),
        ("worker", "deploy/Dockerfile", None, "high"),  # the second config document
    ]
    assert found[1].build_args == {"VERSION": "1.2"}  # the template is not a literal
    assert found[1].line == 7 and found[1].tool == "skaffold"


def test_compose_build_and_image_pairs_are_medium_links() -> None:
    found = source_builds("compose.yaml", COMPOSE)
    assert [(b.image, b.dockerfile, b.target, b.confidence) for b in found] == [
        ("ghcr.io/acme/web", "web/Dockerfile", None, "medium"),
        ("ghcr.io/acme/api", "api/Dockerfile.prod", "prod", "medium"),
    ]
    assert found[1].build_args == {"PORT": "8080"}


def test_names_and_bad_files() -> None:
    assert is_link_source_name("skaffold.yaml") and is_link_source_name("skaffold-dev.yml")
    assert is_link_source_name("docker-compose.override.yml")
    assert is_link_source_name("compose.yaml")
    assert not is_link_source_name("values.yaml")
    assert source_builds("skaffold.yaml", "build: [unclosed") == []
    assert source_builds("skaffold.yaml", "apiVersion: v1\nkind: Pod\n") == []  # not skaffold
    outside = (
        "apiVersion: skaffold/v2\nbuild:\n  artifacts:\n    - image: x\n      context: ../..\n"
    )
    assert source_builds("skaffold.yaml", outside) == []  # outside the repository
