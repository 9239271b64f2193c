"""Image ↔ Dockerfile links (indexes/xref_links.py, catalog §9.2-4): each link level, the
linking build's stage and build args, the threshold and ``pick``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_devops_policy import kinds
from pytest_devops_policy.api import Unknown
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.indexes.xref import xref_index
from pytest_devops_policy.indexes.xref_links import ImageLink, image_links, pick, trusted
from pytest_devops_policy.options import Options

DOCKERFILE = """\
FROM node:20 AS build
RUN npm ci
FROM node:20-slim AS runtime
USER 1001
"""


def _repo(tmp_path: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _context(tmp_path: Path, **settings: Any) -> Context:
    options = Options.from_flat(settings, kinds.option_classes())
    cache = ParseCache(str(tmp_path), [str(tmp_path)], options=options)
    return Context(options, cache)


def _gha(steps: str, env: str = "") -> str:
    return (
        "on: push\n" + env + "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n" + steps
    )


def test_literal_tag_is_high_with_target_and_build_args(tmp_path: Path) -> None:
    _repo(
        tmp_path,
        {
            "services/web/Dockerfile": DOCKERFILE,
            ".github/workflows/ci.yml": _gha(
                "      - run: docker build -f services/web/Dockerfile --target build"
                " --build-arg V=1 --build-arg T=$X -t ghcr.io/acme/web:1 services/web\n"
            ),
        },
    )
    links = image_links("ghcr.io/acme/web:2", _context(tmp_path))
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in links] == [
        ("services/web/Dockerfile", "high")
    ]
    link = links[0]
    assert link.stage.name == "build"
    assert link.build_args == {"V": "1"}
    assert link.source == ".github/workflows/ci.yml:7"
    assert link.how == "built with tag ghcr.io/acme/web:1 by .github/workflows/ci.yml:7"


def test_env_indirection_and_metadata_action_are_medium(tmp_path: Path) -> None:
    _repo(
        tmp_path,
        {
            "api/Dockerfile": DOCKERFILE,
            "web/Dockerfile": DOCKERFILE,
            ".github/workflows/ci.yml": _gha(
                "      - run: docker build -t $IMAGE:${{ github.sha }} api\n"
                "      - id: meta\n"
                "        uses: docker/metadata-action@v5\n"
                "        with:\n"
                "          images: ghcr.io/acme/web\n"
                "      - uses: docker/build-push-action@v6\n"
                "        with:\n"
                "          context: web\n"
                "          tags: ${{ steps.meta.outputs.tags }}\n",
                env="env:\n  IMAGE: ghcr.io/acme/api\n",
            ),
        },
    )
    context = _context(tmp_path)
    api = image_links("ghcr.io/acme/api:abc", context)
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in api] == [("api/Dockerfile", "medium")]
    web = image_links("ghcr.io/acme/web:abc", context)
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in web] == [
        ("web/Dockerfile", "medium"),
    ]
    assert trusted(web[0], context)
    assert not trusted(web[0], _context(tmp_path, **{"xref.min_link_confidence": "high"}))


def test_gitlab_build_links(tmp_path: Path) -> None:
    _repo(
        tmp_path,
        {
            "Dockerfile": DOCKERFILE,
            ".gitlab-ci.yml": (
                "variables:\n  IMAGE: registry.gitlab.com/acme/app\n"
                "build:\n  script:\n    - docker build -t $IMAGE:$CI_COMMIT_SHA .\n"
            ),
        },
    )
    links = image_links("registry.gitlab.com/acme/app:1", _context(tmp_path))
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in links] == [("Dockerfile", "medium")]
    assert links[0].source == ".gitlab-ci.yml:5"


def test_declared_links_come_first(tmp_path: Path) -> None:
    _repo(
        tmp_path,
        {
            "services/web/Dockerfile": DOCKERFILE,
            "other/Dockerfile": (
                "# devops-policy: image=ghcr.io/acme/web (the web tier)\nFROM alpine\n"
            ),
            "deploy/web.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
                "  annotations:\n    devops-policy.io/dockerfile.app: third/Dockerfile\n"
                "spec:\n  template:\n    spec:\n      containers:\n"
                "        - name: app\n          image: ghcr.io/acme/web:1\n"
            ),
            "third/Dockerfile": "FROM alpine\n",
        },
    )
    context = _context(
        tmp_path, **{"xref.image_map": {"ghcr.io/acme/web": "services/web/Dockerfile#build"}}
    )
    workload = xref_index(context.cache).workloads("Deployment", "web")[0]
    links = image_links("ghcr.io/acme/web:1", context, workload, "app")
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in links] == [
        ("services/web/Dockerfile", "declared"),
        ("third/Dockerfile", "declared"),
        ("other/Dockerfile", "declared"),
    ]
    assert links[0].stage.name == "build"
    assert links[0].source == "pyproject.toml [tool.devops-policy.xref] image_map"
    assert links[1].source == "deploy/web.yaml:1"
    assert links[2].source == "other/Dockerfile:1"
    # services/web is also a name match: kept once, at its strongest
    assert all(lk.confidence != "low" for lk in links)


def test_name_heuristics_are_low_and_pick_says_so(tmp_path: Path) -> None:
    _repo(tmp_path, {"services/web-app/Dockerfile": DOCKERFILE, "Dockerfile.api": DOCKERFILE})
    context = _context(tmp_path)
    links = image_links("ghcr.io/o/web-app:1", context)
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in links] == [
        ("services/web-app/Dockerfile", "low")
    ]
    assert not trusted(links[0], context)
    chosen = pick(links, lambda lk: lk.stage.user, context)
    assert isinstance(chosen, Unknown)
    assert chosen.reason == (
        "linked by name only (services/web-app/Dockerfile); declare it with xref.image_map to check"
    )
    assert [lk.dockerfile.relpath for lk in image_links("acme/api", context)] == ["Dockerfile.api"]
    low_ok = _context(tmp_path, **{"xref.min_link_confidence": "low"})
    assert pick(links, lambda lk: 1, low_ok) == links[0]
    assert pick([], lambda lk: 1, context) is None


def test_root_dockerfile_and_the_only_in_house_image(tmp_path: Path) -> None:
    _repo(
        tmp_path,
        {
            "Dockerfile": DOCKERFILE,
            ".git/config": '[remote "origin"]\n\turl = https://github.com/acme/shop.git\n',
            "k8s/app.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
                "spec:\n  template:\n    spec:\n      containers:\n"
                "        - {name: app, image: 'ghcr.io/acme/frontend:1'}\n"
                "        - {name: cache, image: 'redis:7'}\n"
            ),
        },
    )
    context = _context(tmp_path)
    shop = image_links("ghcr.io/acme/shop:1", context)
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in shop] == [("Dockerfile", "low")]
    assert "acme/shop" in shop[0].how
    only = image_links("ghcr.io/acme/frontend:2", context)
    assert [(lk.dockerfile.relpath, lk.confidence) for lk in only] == [("Dockerfile", "low")]
    assert image_links("ghcr.io/acme/other:2", context) == []
    assert image_links("redis:7", context) == []


def _user(link: ImageLink) -> object:
    return None if link.stage.user is None else link.stage.user.get("user")


def test_pick_disagreement_and_the_deploying_workflow(tmp_path: Path) -> None:
    files = {
        "a/Dockerfile": "FROM node:20\nUSER 1001\n",
        "b/Dockerfile": "FROM node:20\nUSER node\n",
        ".github/workflows/a.yml": _gha("      - run: docker build -t ghcr.io/acme/web:1 a\n"),
        ".github/workflows/b.yml": _gha("      - run: docker build -t ghcr.io/acme/web:1 b\n"),
    }
    _repo(tmp_path, files)
    context = _context(tmp_path)
    links = image_links("ghcr.io/acme/web:1", context)
    assert [lk.confidence for lk in links] == ["high", "high"]
    found = pick(links, _user, context)
    assert isinstance(found, Unknown)
    assert "a/Dockerfile" in found.reason and "b/Dockerfile" in found.reason
    assert pick(links, lambda lk: "same", context) == links[0]
    # b.yml also deploys: its build wins
    _repo(
        tmp_path,
        {
            ".github/workflows/b.yml": _gha(
                "      - run: docker build -t ghcr.io/acme/web:1 b\n"
                "      - run: kubectl set image deployment/web web=ghcr.io/acme/web:1\n"
            )
        },
    )
    context = _context(tmp_path)
    links = image_links("ghcr.io/acme/web:1", context)
    chosen = pick(links, _user, context)
    assert isinstance(chosen, ImageLink) and chosen.dockerfile.relpath == "b/Dockerfile"


def test_no_dockerfiles_no_links(tmp_path: Path) -> None:
    _repo(tmp_path, {".github/workflows/a.yml": _gha("      - run: docker build -t x/web .\n")})
    assert image_links("x/web", _context(tmp_path)) == []
