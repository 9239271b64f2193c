"""The bundled image EOL table (pytest_devops_policy/eol.py, data/image_eol.json)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pytest_devops_policy.api import get_policy
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.knowledge.eol import (
    EolCycle,
    as_of_date,
    family_name,
    is_eol,
    load_table,
    lookup,
    lookup_all,
    parse_table,
)
from pytest_devops_policy.policies import builtin_by_id
from pytest_devops_policy.testing import actual

TABLE_DATE = dt.date(2026, 11, 1)
DIGEST = "sha256:" + "ab" * 32


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# -- the table --------------------------------------------------------------------------------


def test_table_loads_once_with_its_date() -> None:
    table = load_table()
    assert table is load_table()
    assert table.valid_as_of == TABLE_DATE
    assert "endoflife.date" in table.source


def test_required_families_are_covered() -> None:
    products = load_table().products
    for key in (
        "node",
        "python",
        "go",
        "eclipse-temurin",
        "openjdk",
        "amazoncorretto",
        "ruby",
        "php",
        "dotnet",
        "ubuntu",
        "debian",
        "alpine",
        "centos",
        "rockylinux",
        "amazonlinux",
    ):
        assert key in products, key
    for image in (
        "mcr.microsoft.com/dotnet/sdk",
        "mcr.microsoft.com/dotnet/aspnet",
        "mcr.microsoft.com/dotnet/runtime",
    ):
        assert load_table().by_image[image] == "dotnet"


def test_table_is_consistent() -> None:
    table = load_table()
    for product in table.products.values():
        assert product.cycles, product.key
        for name in product.images:
            # Names are stored folded, as family_name() produces them.
            assert family_name(parse_image(name)) == name, name
        for word, cycle in product.codenames.items():
            # A codename may name a release the table does not list yet (forky); every
            # listed-codename cycle must otherwise be a real one.
            assert word.isalpha(), word
            assert cycle in product.cycles or product.key == "debian", (word, cycle)


# -- tag mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "product", "cycle"),
    [
        ("node:18-alpine", "node", "18"),
        ("node:18.20.4-bookworm-slim", "node", "18"),
        ("node:hydrogen-alpine3.19", "node", "18"),
        ("node:19", "node", "19"),
        ("node:21.7.3-slim", "node", "21"),
        ("python:3.8.10", "python", "3.8"),
        ("python:3.10-slim", "python", "3.10"),
        ("python:3.13.0rc2-bookworm", "python", "3.13"),
        ("python:2", "python", "2.7"),
        ("golang:1.20-alpine3.18", "go", "1.20"),
        ("golang:1.22rc1", "go", "1.22"),
        ("ubuntu:bionic", "ubuntu", "18.04"),
        ("ubuntu:18.04", "ubuntu", "18.04"),
        ("ubuntu:jammy-20240111", "ubuntu", "22.04"),
        ("debian:10-slim", "debian", "10"),
        ("debian:12.5", "debian", "12"),
        ("debian:buster", "debian", "10"),
        ("debian:bookworm-backports", "debian", "12"),
        ("debian:bullseye-20240110-slim", "debian", "11"),
        ("alpine:3.18.4", "alpine", "3.18"),
        ("eclipse-temurin:11-jre", "eclipse-temurin", "11"),
        ("eclipse-temurin:17.0.10_7-jdk-jammy", "eclipse-temurin", "17"),
        ("eclipse-temurin:8u402-b06-jre-focal", "eclipse-temurin", "8"),
        ("openjdk:11-jre-slim", "openjdk", "11"),
        ("amazoncorretto:17-al2023-headless", "amazoncorretto", "17"),
        ("ruby:2.7.8-slim-buster", "ruby", "2.7"),
        ("php:8.1-fpm-alpine3.16", "php", "8.1"),
        ("php:7", "php", "7.4"),
        ("centos:7", "centos", "7"),
        ("centos:centos7", "centos", "7"),
        ("centos:7.9.2009", "centos", "7"),
        ("quay.io/centos/centos:stream8", "centos", "stream8"),
        ("rockylinux:9-minimal", "rockylinux", "9"),
        ("rockylinux/rockylinux:8.9", "rockylinux", "8"),
        ("amazonlinux:2", "amazonlinux", "2"),
        ("amazonlinux:2023.3.20240108.0", "amazonlinux", "2023"),
        ("amazonlinux:2018.03", "amazonlinux", "2018.03"),
        # registry prefixes: Docker Hub spellings, its mirrors, and vendor registries
        ("docker.io/library/node:20", "node", "20"),
        ("docker.io/node:20", "node", "20"),
        ("index.docker.io/library/python:3.9", "python", "3.9"),
        ("public.ecr.aws/docker/library/python:3.12-slim", "python", "3.12"),
        ("mirror.gcr.io/library/golang:1.21", "go", "1.21"),
        ("public.ecr.aws/amazonlinux/amazonlinux:2023", "amazonlinux", "2023"),
        ("mcr.microsoft.com/dotnet/aspnet:6.0", "dotnet", "6.0"),
        ("mcr.microsoft.com/dotnet/sdk:8.0.404-bookworm-slim", "dotnet", "8.0"),
        ("mcr.microsoft.com/dotnet/core/runtime:3.1", "dotnet", "3.1"),
        ("mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled", "dotnet", "8.0"),
        # a digest next to the tag does not hide the tag
        (f"node:18@{DIGEST}", "node", "18"),
        ("gcr.io/distroless/nodejs22-debian12:nonroot", "node", "22"),
        ("gcr.io/distroless/base-nossl-debian11", "debian", "11"),
    ],
)
def test_own_cycle(ref: str, product: str, cycle: str) -> None:
    found = lookup(parse_image(ref))
    assert found is not None, ref
    assert (found.product, found.cycle) == (product, cycle)
    assert found == EolCycle(product, cycle, load_table().products[product].cycles[cycle])


def test_lookup_is_the_product_cycle_eol_triple() -> None:
    assert lookup(parse_image("node:18-alpine")) == ("node", "18", d("2025-04-30"))
    assert lookup(parse_image("centos:7")) == ("centos", "7", d("2024-06-30"))
    assert lookup(parse_image("mcr.microsoft.com/dotnet/aspnet:6.0")) == (
        "dotnet",
        "6.0",
        d("2024-11-12"),
    )


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("node:18.20.4-bookworm-slim", [("node", "18"), ("debian", "12")]),
        ("golang:1.20-alpine3.18", [("go", "1.20"), ("alpine", "3.18")]),
        ("python:3.12-slim-buster", [("python", "3.12"), ("debian", "10")]),
        ("ruby:3.3-alpine3.19", [("ruby", "3.3"), ("alpine", "3.19")]),
        ("eclipse-temurin:17-jdk-focal", [("eclipse-temurin", "17"), ("ubuntu", "20.04")]),
        ("eclipse-temurin:11-jdk-centos7", [("eclipse-temurin", "11"), ("centos", "7")]),
        ("amazoncorretto:17-al2-jdk", [("amazoncorretto", "17"), ("amazonlinux", "2")]),
        ("mcr.microsoft.com/dotnet/aspnet:8.0-noble", [("dotnet", "8.0"), ("ubuntu", "24.04")]),
        ("gcr.io/distroless/nodejs20-debian11", [("node", "20"), ("debian", "11")]),
        # an unversioned distro word follows the image's current default: not checked
        ("node:22-alpine", [("node", "22")]),
        ("python:3.12-slim", [("python", "3.12")]),
        ("mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022", [("dotnet", "8.0")]),
        # the distro images themselves: the first word is the release, nothing more to scan
        ("debian:bookworm-backports", [("debian", "12")]),
        ("ubuntu:jammy", [("ubuntu", "22.04")]),
    ],
)
def test_distro_in_tag(ref: str, expected: list[tuple[str, str]]) -> None:
    found = lookup_all(parse_image(ref))
    assert [(e.product, e.cycle) for e in found.entries] == expected
    assert found.gaps == ()


def test_distro_only_tag_still_names_the_distro() -> None:
    found = lookup_all(parse_image("python:alpine3.19"))
    assert [(e.product, e.cycle) for e in found.entries] == [("alpine", "3.19")]
    assert lookup(parse_image("python:alpine3.19")) is None  # no Python release named
    assert len(found.gaps) == 1 and "names no single Python release" in found.gaps[0]


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("node", "no tag"),
        ("node:latest", "'latest'"),
        (f"node@{DIGEST}", "only a digest"),
        (f"docker.io/library/python@{DIGEST}", "only a digest"),
        ("node:lts-alpine", "moving tag"),
        ("node:current", "moving tag"),
        ("python:3", "moves across 3.x"),
        ("golang:1", "moves across 1.x"),
        ("alpine:3", "moves across 3.x"),
        ("alpine:edge", "moving tag"),
        ("debian:stable-slim", "moving tag"),
        ("ubuntu:rolling", "moving tag"),
        ("python:slim", "moving tag"),
        ("python:3.99", "Python 3.99 is not"),
        ("alpine:3.99", "Alpine Linux 3.99 is not"),
        ("debian:forky", "Debian 14 (forky) is not"),
        ("registry.example.com/team/base:1.4", "registry.example.com/team/base is not"),
        ("localhost:5000/node:18", "localhost:5000/node is not"),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", "servercore is not"),
        ("bitnami/node:18", "bitnami/node is not"),
    ],
)
def test_unknown(ref: str, reason: str) -> None:
    found = lookup_all(parse_image(ref))
    assert found.entries == ()
    assert lookup(parse_image(ref)) is None
    assert found.gaps and reason in found.gaps[0], found.gaps
    assert all(g.endswith("not in the bundled EOL table") for g in found.gaps)


def test_unlisted_distro_in_tag_is_a_gap() -> None:
    found = lookup_all(parse_image("node:22-alpine3.99"))
    assert [(e.product, e.cycle) for e in found.entries] == [("node", "22")]
    assert found.gaps == ("Alpine Linux 3.99, named in the tag, is not in the bundled EOL table",)


def test_patch_of_an_unlisted_cycle_does_not_fall_back_to_an_alias() -> None:
    # python:2 is 2.7, but 2.5.6 is not 2.7.
    assert lookup(parse_image("python:2.5.6")) is None


def test_labels() -> None:
    def labels(ref: str) -> list[str]:
        return [p.label for p in lookup_all(parse_image(ref)).parts]

    assert labels("python:3.8-slim-buster") == ["Python 3.8", "Debian 10 (buster)"]
    assert labels("quay.io/centos/centos:stream9") == ["CentOS Stream 9"]
    assert labels("mcr.microsoft.com/dotnet/runtime:6.0") == [".NET 6.0"]


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "eol"),
    [
        ("node:18-alpine", True),
        ("node:19", True),  # odd releases count by their own (short) end of life
        ("node:21", True),
        ("node:20", True),
        ("node:22", False),
        ("node:25", True),
        ("python:3.8", True),
        ("python:3.9", True),
        ("python:3.10", True),  # 2026-10-31, the day before the table date
        ("python:3.11", False),
        ("golang:1.22", True),
        ("golang:1.24", True),  # ended before the table date, day not recorded
        ("golang:1.26", False),
        ("centos:7", True),
        ("centos:8", True),
        ("debian:buster", True),
        ("debian:bullseye", True),  # LTS ended 2026-08-31
        ("debian:bookworm", False),
        ("ubuntu:18.04", True),
        ("ubuntu:focal", True),
        ("ubuntu:22.04", False),
        ("alpine:3.20", True),
        ("alpine:3.21", True),  # ends on the table date: that day counts
        ("alpine:3.22", False),
        ("amazonlinux:2", True),
        ("amazonlinux:2023", False),
        ("mcr.microsoft.com/dotnet/aspnet:6.0", True),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", False),  # 2026-11-10
        ("mcr.microsoft.com/dotnet/aspnet:9.0", False),
        ("openjdk:17", True),  # deprecated image: GA tags no longer updated
        ("eclipse-temurin:21", False),
        ("php:8.1", True),
        ("php:8.2", False),
        ("ruby:3.1", True),
        ("rockylinux:8", False),
    ],
)
def test_status_at_table_date(ref: str, eol: bool) -> None:
    entry = lookup(parse_image(ref))
    assert entry is not None
    assert is_eol(entry, TABLE_DATE, TABLE_DATE) is eol


def test_status_with_other_dates() -> None:
    dated = EolCycle("node", "22", d("2027-04-30"))
    assert is_eol(dated, d("2027-04-29"), TABLE_DATE) is False
    assert is_eol(dated, d("2027-04-30"), TABLE_DATE) is True
    ended = EolCycle("go", "1.24", True)
    assert is_eol(ended, d("2027-01-01"), TABLE_DATE) is True
    assert is_eol(ended, d("2026-01-01"), TABLE_DATE) is None  # the day is not recorded
    supported = EolCycle("go", "1.26", False)
    assert is_eol(supported, d("2026-01-01"), TABLE_DATE) is False
    assert is_eol(supported, d("2027-01-01"), TABLE_DATE) is None  # the end is not recorded


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, TABLE_DATE),
        ("", TABLE_DATE),
        ("bundled", TABLE_DATE),
        ("2027-05-01", d("2027-05-01")),
        (d("2025-01-02"), d("2025-01-02")),
        (dt.datetime(2025, 1, 2, 3, 4), d("2025-01-02")),
    ],
)
def test_as_of_date(value: Any, expected: dt.date) -> None:
    assert as_of_date(value, load_table()) == expected


def test_as_of_today() -> None:
    assert as_of_date("today", load_table()) == dt.date.today()


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", 20261101, ["2026-11-01"]])
def test_as_of_date_rejects(value: Any) -> None:
    with pytest.raises(ValueError, match=r"docker\.eol_table_date"):
        as_of_date(value, load_table())


# -- validation -------------------------------------------------------------------------------


def _doc(**product: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"title": "X", "images": ["x"], "cycles": {"1": "2020-01-01"}}
    base.update(product)
    return {"valid_as_of": "2026-11-01", "products": {"x": base}}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"products": {}}, "valid_as_of"),
        ({"valid_as_of": "2026-11-01", "products": {}}, "products"),
        (_doc(cycles={"1": "soon"}), r"products\.x\.cycles\.1"),
        (_doc(cycles={"1": 2020}), r"products\.x\.cycles\.1"),
        (_doc(cycles={}), r"products\.x\.cycles"),
        (_doc(images="x"), r"products\.x\.images"),
        (_doc(aliases={"2": "2.7"}), "not a listed cycle"),
        (_doc(codenames={"a": 1}), "codenames"),
    ],
)
def test_broken_table_fails_loudly(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_table(doc)


def test_duplicate_image_and_bad_pattern_are_rejected() -> None:
    doc = _doc()
    doc["products"]["y"] = {"title": "Y", "images": ["x"], "cycles": {"1": True}}
    with pytest.raises(ValueError, match="listed under both"):
        parse_table(doc)
    doc = _doc()
    doc["image_patterns"] = [{"pattern": r"^x(?P<nope>\d+)$"}]
    with pytest.raises(ValueError, match="unknown: nope"):
        parse_table(doc)


def test_custom_table() -> None:
    doc = _doc(cycles={"1": "2020-01-01", "2": False})
    table = parse_table(doc)
    assert lookup(parse_image("x:1.4"), table) == ("x", "1", d("2020-01-01"))
    assert lookup(parse_image("x:2"), table) == ("x", "2", False)
    assert lookup(parse_image("node:18"), table) is None


# -- the policy's own example ------------------------------------------------------------------


def test_policy_example_fails_and_use_instead_passes(tmp_path: Path) -> None:
    pol = builtin_by_id()["DOCKER-023"]
    meta = get_policy(pol)
    assert meta is not None
    bad = tmp_path / "bad.Dockerfile"
    bad.write_text(meta.example, encoding="utf-8")
    good = tmp_path / "good.Dockerfile"
    good.write_text(meta.use_instead, encoding="utf-8")
    assert actual(bad, pol).violations == {(8, "DOCKER-023")}
    result = actual(good, pol)
    assert not result.violations and not result.unknown


def test_policy_rejects_a_bad_date_setting(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM node:22\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"docker\.eol_table_date"):
        actual(path, builtin_by_id()["DOCKER-023"], {"docker.eol_table_date": "soon"})
