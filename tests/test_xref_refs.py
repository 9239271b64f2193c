"""knowledge.xref.refs and templated: image refs normalised for cross-artifact links (§9.2-2)."""

from __future__ import annotations

import pytest

from pytest_devops_policy.knowledge.xref.refs import (
    EcrHost,
    GarRepository,
    parse_ref,
    same_image,
    same_repository,
)
from pytest_devops_policy.knowledge.xref.templated import (
    ECR_REGISTRY,
    Templated,
    Token,
    equal,
    split_template,
)

DIGEST = "sha256:" + "ab" * 32
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("ref", "repository", "tag", "digest"),
    [
        ("app", "docker.io/library/app", None, None),
        ("library/app", "docker.io/library/app", None, None),
        ("docker.io/library/app", "docker.io/library/app", None, None),
        ("index.docker.io/library/app", "docker.io/library/app", None, None),
        ("registry-1.docker.io/library/app:1", "docker.io/library/app", "1", None),
        ("docker.io/app:2", "docker.io/library/app", "2", None),
        ("org/app:1.2", "docker.io/org/app", "1.2", None),
        ("docker.io/org/app", "docker.io/org/app", None, None),
        ("App:V1", "docker.io/library/app", "V1", None),  # tags keep their case
        ("GHCR.IO/o/app", "ghcr.io/o/app", None, None),
        ("localhost:5000/app:1", "localhost:5000/app", "1", None),
        ("localhost:5000/app", "localhost:5000/app", None, None),
        ("registry.example.com:8443/team/app", "registry.example.com:8443/team/app", None, None),
        ("localhost/app", "localhost/app", None, None),
        (f"ghcr.io/o/app@{DIGEST}", "ghcr.io/o/app", None, DIGEST),
        (f"ghcr.io/o/app:1@{DIGEST}", "ghcr.io/o/app", "1", DIGEST),
        ("  ghcr.io/o/app:1  ", "ghcr.io/o/app", "1", None),
        ("quay.io/org/sub/app:1", "quay.io/org/sub/app", "1", None),
    ],
)
def test_literal_refs_normalise(
    ref: str, repository: str, tag: str | None, digest: str | None
) -> None:
    r = parse_ref(ref)
    assert r.repository.literal == repository
    assert (r.tag.literal if r.tag else None) == tag
    assert (r.digest.literal if r.digest else None) == digest
    assert not r.has_tokens


@pytest.mark.parametrize(
    "left",
    ["app", "library/app", "docker.io/library/app", "index.docker.io/library/app", "APP"],
)
@pytest.mark.parametrize("right", ["app", "docker.io/library/app:latest"])
def test_implicit_registry_equivalences(left: str, right: str) -> None:
    assert same_repository(parse_ref(left), parse_ref(right)) is True


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("docker.io/org/app", "org/app", True),
        ("org/app", "library/app", False),
        ("app", "ghcr.io/library/app", False),
        ("localhost:5000/app", "localhost/app", False),  # the port is part of the host
        ("localhost:5000/app:1", "localhost:5000/app:2", True),  # the tag is not
        ("ghcr.io/Acme/Web", "ghcr.io/acme/web", True),
    ],
)
def test_same_repository_literal(a: str, b: str, same: bool) -> None:
    assert same_repository(parse_ref(a), parse_ref(b)) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("app", "app:latest", True),  # no tag pulls latest
        ("app:1", "docker.io/library/app:1", True),
        ("app:1", "app:2", False),
        ("app:1", "web:1", False),
        (f"app@{DIGEST}", f"docker.io/library/app@{DIGEST}", True),
        (f"app@{DIGEST}", "app@sha256:" + "cd" * 32, False),
        (f"app@{DIGEST}", "app:1", None),  # a digest against a tag: cannot tell
        ("app:${{ github.sha }}", "app:$GITHUB_SHA", True),
        ("app:${{ github.sha }}", "app:abc", None),
        ("app:${{ github.sha }}", "web:${{ github.sha }}", False),
        ("app:${{ github.sha }}", "app:${{ github.run_id }}", None),
        ("app:v-${{ github.sha }}", "app:w-${{ github.sha }}", False),
    ],
)
def test_same_image(a: str, b: str, same: bool | None) -> None:
    assert same_image(parse_ref(a), parse_ref(b)) is same


def test_ecr_host_gives_account_and_region() -> None:
    r = parse_ref(f"{ECR}/team/web:1")
    assert r.ecr == EcrHost("123456789012", "eu-west-1")
    assert r.repository.literal == f"{ECR}/team/web"
    cn = parse_ref("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web")
    assert cn.ecr == EcrHost("123456789012", "cn-north-1")
    assert parse_ref("ghcr.io/o/web").ecr is None
    assert parse_ref("dkr.ecr.eu-west-1.amazonaws.com/web").ecr is None  # no account


def test_ecr_login_token_is_some_ecr_host() -> None:
    some = parse_ref(Templated.of((ECR_REGISTRY,)) + split_template("/web:${{ github.sha }}"))
    assert some.ecr == EcrHost(None, None)
    assert some.registry == Templated.of((ECR_REGISTRY,))
    assert str(some.path) == "web"
    assert same_repository(some, parse_ref(f"{ECR}/web:1")) is True
    assert same_repository(some, parse_ref("999999999999.dkr.ecr.us-east-1.amazonaws.com/web"))
    assert same_repository(some, parse_ref(f"{ECR}/api")) is False
    assert same_repository(some, parse_ref("ghcr.io/o/web")) is False
    assert same_repository(some, parse_ref(Templated.of((ECR_REGISTRY, "/web")))) is True
    # two literal ECR hosts compare account and region
    assert (
        same_repository(
            parse_ref(f"{ECR}/web"), parse_ref("1" * 12 + ".dkr.ecr.eu-west-1.amazonaws.com/web")
        )
        is False
    )
    assert same_image(some, parse_ref(f"{ECR}/web:${{{{ github.sha }}}}")) is True


def test_gar_parts() -> None:
    r = parse_ref("europe-west1-docker.pkg.dev/my-proj/images/api/worker:1")
    assert r.gar == GarRepository("europe-west1", "my-proj", "images", "api/worker")
    assert parse_ref("us-docker.pkg.dev/p/r/i").gar == GarRepository("us", "p", "r", "i")
    assert parse_ref("us-docker.pkg.dev/p/i").gar is None  # no image segment
    assert parse_ref("gcr.io/p/i").gar is None


def test_ghcr_upper_case_is_a_note() -> None:
    assert parse_ref("ghcr.io/Acme/web:1").notes
    assert "upper case" in parse_ref("ghcr.io/Acme/web:1").notes[0]
    token = parse_ref("ghcr.io/${{ github.repository }}:1")
    assert token.notes and "github.repository" in token.notes[0]
    assert parse_ref("ghcr.io/${{ github.repository_owner }}/web").notes
    assert parse_ref("ghcr.io/acme/web:Latest").notes == ()  # tags may have upper case
    assert parse_ref("docker.io/Acme/web").notes == ()  # only GHCR
    assert parse_ref("ghcr.io/acme/${{ env.NAME }}").notes == ()


def test_token_host_places_nothing() -> None:
    r = parse_ref("$REGISTRY/app:$GITHUB_SHA")
    assert r.registry is None
    assert r.repository.parts == (Token("${REGISTRY}", "variable"), "/app")
    assert r.tag == Templated.of((Token("${{ github.sha }}", "expression"),))
    assert same_repository(r, parse_ref("ghcr.io/o/app")) is None
    assert same_repository(r, parse_ref("app")) is None
    assert same_repository(r, parse_ref("ghcr.io/o/web")) is False  # the tail differs
    assert same_repository(r, parse_ref("${REGISTRY}/app")) is True
    # a token with a dot-free body is still placed by the literal part after it
    assert parse_ref("${{ env.REGISTRY }}/app").registry is None


def test_tokens_keep_their_punctuation() -> None:
    r = parse_ref("${{ steps.meta.outputs.image }}:${{ format('{0}:{1}', a, b) }}")
    assert r.registry is None
    assert r.tag is not None and r.tag.tokens
    assert r.has_tokens
    # a token in the name: the implicit registry is still known when no '/' is written
    assert (
        str(parse_ref("app-${{ matrix.x }}").repository) == "docker.io/library/app-${{ matrix.x }}"
    )


def test_effective_tag_and_str() -> None:
    assert parse_ref("app").effective_tag == Templated.literal_text("latest")
    assert parse_ref(f"app@{DIGEST}").effective_tag is None
    assert str(parse_ref("app:1")) == "docker.io/library/app:1"
    assert str(parse_ref(f"ghcr.io/o/a@{DIGEST}")) == f"ghcr.io/o/a@{DIGEST}"


# -- templated values --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("plain", ("plain",)),
        ("a:${{ github.sha }}", ("a:", "${{ github.sha }}")),
        ("a:${{github.sha}}", ("a:", "${{ github.sha }}")),
        ("a:${{ github['sha'] }}", ("a:", "${{ github.sha }}")),
        ("a:${{ GITHUB.SHA }}", ("a:", "${{ github.sha }}")),
        ("a:$GITHUB_SHA", ("a:", "${{ github.sha }}")),
        ("a:${GITHUB_SHA}", ("a:", "${{ github.sha }}")),
        ("a:$GITHUB_RUN_ID", ("a:", "${{ github.run_id }}")),
        ("a:$GITHUB_REF_NAME", ("a:", "${{ github.ref_name }}")),
        ("$X/${X}", ("${X}", "/", "${X}")),
        ("${X:-d}", ("${X:-d}",)),
        ("$(git  rev-parse HEAD)", ("$(git rev-parse HEAD)",)),
        ("`git rev-parse HEAD`", ("$(git rev-parse HEAD)",)),
        ("$((1+2))", ("$((1+2))",)),  # arithmetic stays literal text
        ("${{ format('{0}',  a) }}", ("${{ format('{0}', a) }}",)),
        ("${{ 'x}}' }}y", ("${{ 'x}}' }}", "y")),
        ("a ${{ b", ("a ${{ b",)),  # unclosed: literal
        ("cost $5", ("cost $5",)),
    ],
)
def test_split_template(text: str, parts: tuple[str, ...]) -> None:
    assert tuple(str(p) for p in split_template(text).parts) == parts


def test_dollar_escape_is_gitlabs() -> None:
    assert split_template("$$X", dollar_escape=True).literal == "$X"
    assert split_template("$$X").literal is None


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        ("x", "x", True),
        ("x", "y", False),
        ("a:${{ github.sha }}", "a:${{  github.sha  }}", True),
        ("a:${{ github.sha }}", "a:$GITHUB_SHA", True),
        ("a:${{ github.sha }}", "b:${{ github.sha }}", False),
        ("a:${{ github.sha }}", "a:1", None),
        ("a:${{ github.sha }}-x", "a:1-y", False),  # the suffix differs
        ("$X", "anything", None),
        ("$X", "$Y", None),
        ("$(date)", "$(date)", True),
    ],
)
def test_equal(a: str, b: str, verdict: bool | None) -> None:
    assert equal(split_template(a), split_template(b)) is verdict
    assert equal(split_template(b), split_template(a)) is verdict


def test_templated_helpers() -> None:
    t = Templated.of(("a", "", "b", Token("$(x)", "command"), "c"))
    assert t.parts == ("ab", Token("$(x)", "command"), "c")
    assert t.literal is None and t.text == "ab$(x)c"
    assert Templated.of(()).literal == ""
    assert t.startswith_literal("ab") is True
    assert t.startswith_literal("x") is False
    assert Templated.of(("a", Token("$(x)", "command"))).startswith_literal("abc") is None
