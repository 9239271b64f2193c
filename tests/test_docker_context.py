"""The build-context helper: Docker's .dockerignore semantics, COPY glob rules, bounded and
loop-free walks, and the result-cache dependencies of a Dockerfile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.dockerfile.parser import Dockerfile
from pytest_devops_policy.indexes import docker_context as dc
from pytest_devops_policy.knowledge.secrets.files import secret_file_kind

# --------------------------------------------------------------------------- .dockerignore


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        # a pattern also excludes everything below a directory it matches
        ("dir", "dir", True),
        ("dir", "dir/x", True),
        ("dir", "dir/a/b", True),
        ("dir", "a/dir", False),
        ("dir", "xdir", False),
        # * and ? never cross '/'
        ("*.pem", "key.pem", True),
        ("*.pem", "sub/key.pem", False),
        ("?.key", "a.key", True),
        ("?.key", "ab.key", False),
        ("*/*.key", "a/b.key", True),
        ("*/*.key", "a/b/c.key", False),
        # ** matches any number of directories, none included
        ("**/*.pem", "key.pem", True),
        ("**/*.pem", "a/b/key.pem", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**/b", "a/xb", False),
        ("**/foo", "foo", True),
        ("**/foo", "x/foo", True),
        ("**/foo", "xfoo", False),
        ("foo/**", "foo", False),
        ("foo/**", "foo/x/y", True),
        ("**", "anything/at/all", True),
        ("**/.env*", "deep/er/.env.local", True),
        # leading '/' is dropped, the pattern is cleaned
        ("/.git", ".git/HEAD", True),
        ("./a/../secrets/", "secrets/k", True),
        # '!' re-includes, the last match wins, even inside an excluded directory
        ("*.pem\n!ca.pem", "ca.pem", False),
        ("*.pem\n!ca.pem", "x.pem", True),
        ("dir\n!dir/keep", "dir/keep", False),
        ("dir\n!dir/keep", "dir/keep/sub", False),
        ("dir\n!dir/keep", "dir/other", True),
        ("!ca.pem\n*.pem", "ca.pem", True),
        ("*\n!src", "src/main.go", False),
        ("*\n!src", ".env", True),
        # character classes (Go syntax: ^ negates)
        ("[a-c].key", "b.key", True),
        ("[^a-c].key", "b.key", False),
        ("[^a-c].key", "d.key", True),
        # regex metacharacters are literal; \ escapes
        ("a+b(1).txt", "a+b(1).txt", True),
        ("a.txt", "abtxt", False),
        ("\\*.txt", "*.txt", True),
        ("\\*.txt", "a.txt", False),
        # only '#' in column 1 starts a comment
        ("# .env", ".env", False),
        (" # x", "# x", True),
        # the context root itself is never excluded
        ("*", ".", False),
    ],
)
def test_dockerignore_semantics(patterns: str, path: str, excluded: bool) -> None:
    assert dc.DockerIgnore.parse(patterns).excluded(path) is excluded


def test_ignore_file_reading() -> None:
    text = "\ufeff.git\r\n\n# comment\n  /node_modules/  \n! /keep.txt\n!x/../y\n"
    assert dc.read_patterns(text) == [
        (1, ".git"),
        (4, "node_modules"),
        (5, "!keep.txt"),
        (6, "!y"),
    ]


@pytest.mark.parametrize("bad", ["!", "! ", "[abc", "a\\", "[]a]", "[z-]"])
def test_patterns_docker_refuses(bad: str) -> None:
    with pytest.raises(dc.IgnoreFileError):
        dc.DockerIgnore.parse(f".git\n{bad}\n")


def test_excluded_directory_is_pruned_only_when_nothing_can_be_re_included() -> None:
    plain = dc.DockerIgnore.parse("node_modules\n")
    assert plain.prunable("node_modules")
    keep = dc.DockerIgnore.parse("node_modules\n!node_modules/keep.js\n")
    assert not keep.prunable("node_modules")
    other = dc.DockerIgnore.parse("node_modules\n!src\n")
    assert other.prunable("node_modules")
    deep = dc.DockerIgnore.parse("node_modules\n!**/keep.js\n")
    assert not deep.prunable("node_modules")


# --------------------------------------------------------------------------- COPY globs


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("*", ".env", True),  # Go's glob matches a leading dot
        ("*.pem", "a.pem", True),
        ("**", "x", True),  # no '**' in COPY: it is just '*'
        ("?", "ab", False),
        ("[!a]", "!", True),  # '!' is no negation in Go
        ("[^a]", "b", True),
        ("[a-]", "a", False),  # malformed: never matches
        ("\\[x]", "[x]", True),
    ],
)
def test_copy_glob_segments(pattern: str, name: str, matches: bool) -> None:
    assert dc.match_segment(pattern, name) is matches


def test_go_clean() -> None:
    assert dc.go_clean("//a/./b/../c/") == "/a/c"
    assert dc.go_clean("../a/..") == ".."
    assert dc.go_clean("") == "."
    assert dc.go_clean("/..") == "/"


# --------------------------------------------------------------------------- the filesystem


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_walk_never_follows_symlinks(tmp_path: Path) -> None:
    _tree(tmp_path, {"a/x.txt": "x", "a/b/.env": "A=1"})
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "up").symlink_to(tmp_path)
    (tmp_path / "a" / "root").symlink_to("/")
    (tmp_path / "a" / "link.env").symlink_to(tmp_path / "a" / "b" / ".env")
    ctx = dc.BuildContext(str(tmp_path), None)
    files, incomplete = ctx.walk("a")
    assert files == ["a/b/.env", "a/x.txt"]
    assert incomplete is None
    assert ctx.glob("a/*/.env") == ["a/b/.env"]  # not a/loop/b/.env, a/up/a/b/.env ...


def test_walk_is_bounded(tmp_path: Path) -> None:
    _tree(tmp_path, {f"d/{i}.txt": "" for i in range(10)})
    files, incomplete = dc.BuildContext(str(tmp_path), None, max_files=4).walk("d")
    assert len(files) == 4
    assert incomplete is not None and "more than 4" in incomplete
    deep = tmp_path / "deep"
    deep.mkdir()
    current = deep
    for _ in range(dc.MAX_DEPTH + 3):
        current = current / "d"
        current.mkdir()
    files, incomplete = dc.BuildContext(str(tmp_path), None).walk("deep")
    assert incomplete is not None and "levels deep" in incomplete


def test_walk_prunes_ignored_directories_and_keeps_re_included_files(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {"node_modules/p/index.js": "", "vendor/keep.pem": "", "vendor/drop.pem": "", "a": ""},
    )
    ignore = dc.DockerIgnore.parse("node_modules\nvendor\n!vendor/keep.pem\n")
    ctx = dc.BuildContext(str(tmp_path), ignore)
    files, _ = ctx.walk(".")
    assert files == ["a", "vendor/keep.pem"]
    assert str(tmp_path / "node_modules") not in ctx.reads  # pruned: never listed


def test_unreadable_binary_and_special_files_never_raise(tmp_path: Path) -> None:
    _tree(tmp_path, {"ok.txt": ""})
    (tmp_path / "bin.pem").write_bytes(b"\x00\xff\xfe-----BEGIN CERTIFICATE-----\x00")
    (tmp_path / "big.pem").write_bytes(b"-----BEGIN CERTIFICATE-----" + b"x" * (2 << 20))
    os.mkfifo(tmp_path / "pipe.pem")  # opening it would block
    ctx = dc.BuildContext(str(tmp_path), None)
    assert ctx.read_head("bin.pem") is not None
    assert ctx.read_head("big.pem") is None
    assert ctx.read_head("pipe.pem") is None
    assert ctx.read_head("missing.pem") is None
    assert ctx.entries("ok.txt") is None  # not a directory
    assert ctx.entries("missing") is None


def _dockerfile(path: Path, text: str, rootdir: Path | None = None) -> tuple[Dockerfile, Context]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    cache = ParseCache(str(rootdir or path.parent))
    parsed = cache.get(str(path), "dockerfile")
    assert not isinstance(parsed, Exception)
    subject = parsed.subjects[0]
    assert isinstance(subject, Dockerfile)
    return subject, Context({}, cache)


def test_ignore_files_that_cannot_be_used_are_reported(tmp_path: Path) -> None:
    df, ctx = _dockerfile(tmp_path / "Dockerfile", "FROM alpine:3.19\nCOPY . /app\n")
    (tmp_path / ".dockerignore").write_bytes(b"#" * (dc.MAX_IGNORE_BYTES + 1))
    result = dc.scan(df, ctx)
    assert result.ignore is None
    assert result.ignore_error is not None and "larger than" in result.ignore_error
    (tmp_path / ".dockerignore").unlink()
    os.mkfifo(tmp_path / ".dockerignore")  # not a file: ignored, never opened
    df, ctx = _dockerfile(tmp_path / "Dockerfile", "FROM alpine:3.19\nCOPY . /app\n")
    result = dc.scan(df, ctx)
    assert result.ignore is None and result.ignore_error is None


def test_binary_dockerignore_is_read_without_crashing(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_bytes(b".git\n\xff\xfe\x00*.pem\n*.key\n")
    df, ctx = _dockerfile(tmp_path / "Dockerfile", "FROM alpine:3.19\nCOPY . /app\n")
    result = dc.scan(df, ctx)
    assert result.ignore is not None
    assert result.ignore.excluded(".git/config")


# --------------------------------------------------------------------------- the context


def test_context_location_pragma_over_setting_over_default(tmp_path: Path) -> None:
    df, ctx = _dockerfile(tmp_path / "docker" / "Dockerfile", "FROM alpine:3.19\n", tmp_path)
    assert dc.locate(df, ctx).root == str(tmp_path / "docker")
    setting = Context({"docker.context": "."}, ctx.cache)
    assert dc.locate(df, setting).root == str(tmp_path)
    absolute = Context({"docker.context": str(tmp_path / "x")}, ctx.cache)
    assert dc.locate(df, absolute).root == str(tmp_path / "x")
    df, ctx = _dockerfile(
        tmp_path / "docker" / "Dockerfile",
        "# devops-policy: context= ../ctx\nFROM alpine:3.19\n",
        tmp_path,
    )
    assert dc.locate(df, setting).root == str(tmp_path / "ctx")


def test_missing_context_directory(tmp_path: Path) -> None:
    df, ctx = _dockerfile(tmp_path / "Dockerfile", "FROM alpine:3.19\nCOPY . /app\n")
    result = dc.scan(df, Context({"docker.context": "nowhere"}, ctx.cache))
    assert result.error is not None and "nowhere/" in result.error
    assert [s.whole_context for s in result.of(df.stages[0].instructions[0])] == [True]


def test_scan_is_done_once_per_file_and_settings(tmp_path: Path) -> None:
    df, ctx = _dockerfile(tmp_path / "Dockerfile", "FROM alpine:3.19\nCOPY . /app\n")
    assert dc.scan(df, ctx) is dc.scan(df, Context({}, ctx.cache))
    assert dc.scan(df, ctx) is not dc.scan(df, Context({"docker.context_max_files": 5}, ctx.cache))


def test_dependencies_name_ignore_files_and_listed_directories(tmp_path: Path) -> None:
    _tree(tmp_path, {"conf/app.json": "{}", "conf/sub/x.json": "{}", "src/main.py": ""})
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12-slim\nCOPY conf/*.json /etc/app/\nCOPY src/ /app/\n"
    )
    deps = dc.dependencies(str(tmp_path / "Dockerfile"))
    assert str(tmp_path / ".dockerignore") in deps  # absent now: a new one must invalidate
    assert str(tmp_path / "Dockerfile.dockerignore") in deps
    assert str(tmp_path / "conf") in deps  # the glob was expanded against it
    assert str(tmp_path / "src") in deps  # walked
    assert str(tmp_path / "conf" / "sub") not in deps  # '*.json' never descends


def test_dependencies_follow_the_context_setting(tmp_path: Path) -> None:
    df_path = tmp_path / "docker" / "Dockerfile"
    df_path.parent.mkdir()
    df_path.write_text("FROM python:3.12-slim\nCOPY . /app\n")
    context = Context({"docker.context": "."}, ParseCache(str(tmp_path)))
    deps = dc.dependencies(str(df_path), context)
    assert str(tmp_path / ".dockerignore") in deps
    assert str(tmp_path / "docker" / "Dockerfile.dockerignore") in deps
    assert str(tmp_path) in deps


def test_dependencies_of_a_broken_dockerfile_are_none(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("RUN echo no FROM\n")
    assert dc.dependencies(str(tmp_path / "Dockerfile")) == []


# --------------------------------------------------------------------------- secret files


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        (".env", True),
        ("sub/.env.local", True),
        (".env.production", True),
        (".env.example", False),
        (".env.sample", False),
        (".env.template", False),
        (".env.dist", False),
        (".env.prod.example", False),
        (".envrc", False),
        ("tls.KEY", True),
        ("cert.pem", True),
        ("ca.crt", False),
        ("store.p12", True),
        ("store.pfx", True),
        ("app.jks", True),
        ("app.keystore", True),
        ("id_rsa", True),
        ("id_rsa.old", True),
        ("id_rsa.pub", False),
        ("id_ed25519", True),
        ("id_ecdsa_sk", True),
        (".npmrc", True),
        (".pypirc", True),
        (".netrc", True),
        (".git-credentials", True),
        ("home/.aws/credentials", True),
        ("credentials", False),
        (".docker/config.json", True),
        ("config.json", False),
        (".kube/config", True),
        ("kubeconfig", True),
        ("prod.kubeconfig", True),
        ("terraform.tfstate", True),
        ("terraform.tfstate.backup", True),
        ("credentials.json", True),
        ("gcp-service-account-prod.json", True),
        ("service-account.yaml", False),
        ("README.md", False),
    ],
)
def test_secret_file_names(path: str, secret: bool) -> None:
    assert (secret_file_kind(path) is not None) is secret


def test_triggers_read_no_context_and_run_in_the_final_workdir(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TOKEN=x\n")
    d, context = _dockerfile(
        tmp_path / "Dockerfile",
        "FROM alpine:3.20\nWORKDIR /a\nONBUILD COPY .env ./\nONBUILD WORKDIR b\n"
        "ONBUILD COPY x ./\nWORKDIR /srv\nCOPY app /app\n",
    )
    first, _workdir, last = d.final_stage.triggers
    # A trigger's COPY reads the context of the build FROM this image, not this one.
    assert [i.line for i in dc.scan(d, context).sources] == [7]
    assert dc.workdir(d, first) == "/srv"  # after the whole stage
    assert dc.workdir(d, last) == "/srv/b"  # and after the triggers before it
    assert dc.workdir(d, d.final_stage.find("COPY")[0]) == "/srv"
