"""Unit tests of the package layer: formats/packages.py and formats/docker_build.py."""

from __future__ import annotations

import textwrap

import pytest

from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, Unresolved, parse
from pytest_devops_policy.knowledge.docker.build import (
    build_command,
    env_value,
    is_toolchain_package,
    mounted_cache,
    package_ops,
    scan_build,
    ssh_daemon,
    toolchain_image,
    unresolved_names,
)
from pytest_devops_policy.knowledge.docker.run import run_scripts
from pytest_devops_policy.knowledge.packages import (
    Install,
    cleans_cache,
    is_ssh_server_package,
    option_values,
    parse_install,
)
from pytest_devops_policy.knowledge.shell import Command, parse_script
from pytest_devops_policy.model import Source


def command(text: str) -> Command:
    """The last command of ``text`` (the wrapped one for ``sudo x``)."""
    return parse_script(text).commands[-1]


def install(text: str) -> Install:
    """The package-manager command of ``text``."""
    for c in parse_script(text).commands:
        found = parse_install(c)
        if found is not None:
            return found
    raise AssertionError(f"no package manager in {text!r}")


def pins(text: str) -> dict[str, bool]:
    return {p.raw: p.pinned for p in install(text).packages}


def df(text: str) -> Dockerfile:
    parsed = parse(Source(path="/x/Dockerfile", relpath="Dockerfile", text=textwrap.dedent(text)))
    (subject,) = parsed.subjects
    assert isinstance(subject, Dockerfile)
    return subject


# --------------------------------------------------------------------------- recognising


@pytest.mark.parametrize(
    ("text", "manager", "family", "action"),
    [
        ("apt-get install -y curl", "apt-get", "apt", "install"),
        ("apt-get -y install curl", "apt-get", "apt", "install"),
        ("apt update", "apt", "apt", "update"),
        ("apk --no-cache add curl", "apk", "apk", "add"),
        ("dnf -y install nginx", "dnf", "rpm", "install"),
        ("microdnf install nginx", "microdnf", "rpm", "install"),
        ("dnf group install -y 'Development Tools'", "dnf", "rpm", "groupinstall"),
        ("zypper -n in curl", "zypper", "zypper", "in"),
        ("pip3 install flask", "pip", "pip", "install"),
        ("pip3.12 install flask", "pip", "pip", "install"),
        ("python3 -m pip install flask", "pip", "pip", "install"),
        ("/usr/local/bin/python3.12 -m pip install flask", "pip", "pip", "install"),
        ("uv pip install flask", "uv", "pip", "install"),
        ("npm ci", "npm", "npm", "ci"),
        ("yarn", "yarn", "yarn", "install"),
        ("yarn global add serve", "yarn", "yarn", "add"),
        ("pnpm i --frozen-lockfile", "pnpm", "pnpm", "i"),
        ("gem install rails", "gem", "gem", "install"),
        ("go install golang.org/x/tools/gopls@v0.15.3", "go", "go", "install"),
        ("sudo apt-get install -y curl", "apt-get", "apt", "install"),
    ],
)
def test_recognises_managers(text: str, manager: str, family: str, action: str) -> None:
    found = install(text)
    assert (found.manager, found.family, found.action) == (manager, family, action)


@pytest.mark.parametrize(
    "text", ["echo apt-get install curl", "python3 -m venv /venv", "uv sync", "pipx install x"]
)
def test_not_a_package_manager(text: str) -> None:
    assert all(parse_install(c) is None for c in parse_script(text).commands)


def test_value_options_are_not_packages() -> None:
    assert [p.name for p in install("apk add --virtual .build-deps gcc").packages] == ["gcc"]
    assert [p.name for p in install("apt-get install -t bookworm-backports -y jq").packages] == [
        "jq"
    ]
    found = install(
        "pip install -r requirements.txt -c constraints.txt --index-url https://x gunicorn"
    )
    assert [p.name for p in found.packages] == ["gunicorn"]
    assert found.files == ("requirements.txt", "constraints.txt")
    assert install("pip install --requirement=req.txt").files == ("req.txt",)
    assert install("pip install -rreq.txt").files == ("req.txt",)


def test_editable_and_end_of_options() -> None:
    assert [p.raw for p in install("pip install -e . --no-deps").packages] == ["."]
    assert [p.raw for p in install("pip install --editable=./lib").packages] == ["./lib"]
    assert [p.raw for p in install("apt-get install -y -- -weird").packages] == ["-weird"]


def test_has_option_and_values() -> None:
    apt = install("apt-get install -qy -oAPT::Install-Recommends=false --option=Foo=1 curl")
    assert apt.has_option("-y") and apt.has_option("-q")
    assert not apt.has_option("-A")  # the -o value is not a bundle of flags
    assert apt.has_option("-o")
    assert install("pip install -cconstraints.txt x").has_option("-c")
    assert apt.option_values("-o", "--option") == ["APT::Install-Recommends=false", "Foo=1"]
    assert install("apt-get install -o Dpkg::Options::=--force-confold x").option_values("-o") == [
        "Dpkg::Options::=--force-confold"
    ]
    assert option_values(["--setopt", "assumeyes=1", "-y"], ["--setopt"], "rpm") == ["assumeyes=1"]


def test_describe_names_the_invocation() -> None:
    assert install("python3 -m pip install --user x").describe() == "python3 -m pip install"
    assert install("uv pip install x").describe() == "uv pip install"
    assert install("apt-get -y install x").describe() == "apt-get install"
    assert install("yarn global add x").describe() == "yarn global add"
    assert install("yarn").describe() == "yarn install"


def test_targets_and_installs() -> None:
    found = install("apk del .build-deps")
    assert found.targets == (".build-deps",) and not found.installs and not found.packages
    assert install("apt-get purge -y --auto-remove gcc").targets == ("gcc",)
    assert install("npm ci").installs and install("zypper in x").installs
    assert not install("apt-get update").installs


def test_global_installs() -> None:
    assert install("npm install -g pm2@5.3.1").global_install
    assert install("npm i --location=global pm2").global_install
    assert install("pnpm add -g serve").global_install
    assert install("yarn global add serve").global_install
    assert not install("npm ci").global_install


# --------------------------------------------------------------------------- pinning


def test_apt_pins() -> None:
    assert pins(
        "apt-get install curl=7.88.1-10 tzdata=2024a-* libc6:amd64=2.36 git nginx/bookworm "
        "./agent_1.0_amd64.deb x=*"
    ) == {
        "curl=7.88.1-10": True,
        "tzdata=2024a-*": True,
        "libc6:amd64=2.36": True,
        "git": False,
        "nginx/bookworm": False,
        "./agent_1.0_amd64.deb": True,
        "x=*": False,
    }
    names = [p.name for p in install("apt-get install libc6:amd64=2.36 nginx/bookworm").packages]
    assert names == ["libc6", "nginx"]


def test_apk_pins() -> None:
    assert pins("apk add curl=8.5.0-r0 git~2.45 bash@edge jq=1.7.1-r0@community 'x>=1' y") == {
        "curl=8.5.0-r0": True,
        "git~2.45": True,
        "bash@edge": False,
        "jq=1.7.1-r0@community": True,
        "x>=1": False,
        "y": False,
    }


def test_rpm_pins() -> None:
    found = install(
        "dnf install curl-7.76.1-29.el9 java-17-openjdk java-1.8.0-openjdk-devel-1.8.0.402 "
        "nginx gcc-c++ /tmp/x.rpm curl-0:7.76.1"
    )
    assert {p.raw: (p.name, p.pinned) for p in found.packages} == {
        "curl-7.76.1-29.el9": ("curl", True),
        "java-17-openjdk": ("java-17-openjdk", False),
        "java-1.8.0-openjdk-devel-1.8.0.402": ("java-1.8.0-openjdk-devel", True),
        "nginx": ("nginx", False),
        "gcc-c++": ("gcc-c++", False),
        "/tmp/x.rpm": ("/tmp/x.rpm", True),
        "curl-0:7.76.1": ("curl", True),
    }


def test_zypper_pins() -> None:
    assert pins("zypper in curl=8.0.1 'git>=2' vim-9.1.0") == {
        "curl=8.0.1": True,
        "git>=2": False,
        "vim-9.1.0": True,
    }


def test_pip_pins() -> None:
    assert pins(
        "pip install flask==3.0.2 'requests>=2' 'django==5.*' 'x~=1.2' 'y===1.0' "
        "'uvicorn[standard]==0.29.0' 'z==1.0; python_version<\"3.9\"' celery . ./wheels/a.whl "
        "git+https://github.com/o/r.git@main "
        "git+https://github.com/o/r.git@0123456789abcdef0123456789abcdef01234567 "
        "'pkg @ https://example.com/pkg-1.0.tar.gz'"
    ) == {
        "flask==3.0.2": True,
        "requests>=2": False,
        "django==5.*": False,
        "x~=1.2": False,
        "y===1.0": True,
        "uvicorn[standard]==0.29.0": True,
        'z==1.0; python_version<"3.9"': True,
        "celery": False,
        ".": True,
        "./wheels/a.whl": True,
        "git+https://github.com/o/r.git@main": False,
        "git+https://github.com/o/r.git@0123456789abcdef0123456789abcdef01234567": True,
        "pkg @ https://example.com/pkg-1.0.tar.gz": True,
    }
    assert [p.name for p in install("pip install 'uvicorn[standard]'").packages] == ["uvicorn"]


def test_npm_pins() -> None:
    assert pins(
        "npm install a@1.2.3 @s/b@2.0.0 c@^1.0.0 d@~1.2.3 e@1.2 f@latest g@next h "
        "i@npm:j@1.0.0 k@v1.2.3 ./local.tgz github:o/r#0123456789abcdef0123456789abcdef01234567 "
        "github:o/r#main"
    ) == {
        "a@1.2.3": True,
        "@s/b@2.0.0": True,
        "c@^1.0.0": False,
        "d@~1.2.3": False,
        "e@1.2": False,
        "f@latest": False,
        "g@next": False,
        "h": False,
        "i@npm:j@1.0.0": True,
        "k@v1.2.3": True,
        "./local.tgz": True,
        "github:o/r#0123456789abcdef0123456789abcdef01234567": True,
        "github:o/r#main": False,
    }
    assert [p.name for p in install("npm i @scope/name@1.0.0").packages] == ["@scope/name"]


def test_gem_and_go_pins() -> None:
    assert pins("gem install rails:7.1.3 bundler") == {"rails:7.1.3": True, "bundler": False}
    assert pins("gem install bundler -v 2.5.9") == {"bundler": True}
    assert pins("gem install bundler --version='~> 2.5'") == {"bundler": False}
    assert pins(
        "go install a.io/x@v1.2.3 a.io/y@latest a.io/z@master ./cmd/app a.io/w "
        "a.io/v@v0.0.0-20240101000000-0123456789ab a.io/u@0123abc"
    ) == {
        "a.io/x@v1.2.3": True,
        "a.io/y@latest": False,
        "a.io/z@master": False,
        "./cmd/app": True,
        "a.io/w": True,  # no @version: go.mod of the main module pins it
        "a.io/v@v0.0.0-20240101000000-0123456789ab": True,
        "a.io/u@0123abc": True,
    }
    assert pins("go get a.io/w") == {"a.io/w": False}


def test_dynamic_specs_are_never_pinned() -> None:
    for text in ("apt-get install $PKGS", "pip install ${PKG}", "apk add $(cat list)"):
        (pkg,) = install(text).packages
        assert pkg.dynamic and not pkg.pinned, text


def test_dev_dependencies() -> None:
    cases = {
        "npm ci": None,
        "npm ci --omit=dev": "omit",
        "npm ci --omit dev": "omit",
        "npm ci --only=production": "omit",
        "npm install --production": "omit",
        "npm ci --include=dev": "include",
        "yarn install --production": "omit",
        "yarn --production=false": "include",
        "pnpm i --prod": "omit",
        "pnpm i -P": "omit",
        "apt-get install -y x": None,
    }
    for text, expected in cases.items():
        assert install(text).dev_dependencies == expected, text


# --------------------------------------------------------------------------- package facts


def test_ssh_server_packages() -> None:
    def servers(text: str) -> list[str]:
        inst = install(text)
        return [p.name for p in inst.packages if is_ssh_server_package(inst, p)]

    assert servers("apt-get install openssh-server openssh-client ssh dropbear-bin") == [
        "openssh-server",
        "ssh",
        "dropbear-bin",
    ]
    assert servers("apk add openssh openssh-client dropbear") == ["openssh", "dropbear"]
    assert servers("dnf install openssh openssh-clients openssh-server") == ["openssh-server"]
    assert servers("pip install ssh") == []


@pytest.mark.parametrize(
    ("text", "cache", "expected"),
    [
        ("rm -rf /var/lib/apt/lists/*", "apt", True),
        ("rm -rf /var/lib/apt/lists", "apt", True),
        ("rm -rf /var/lib/apt", "apt", True),
        ("rm -rf /var", "apt", False),
        ("rm -rf /var/lib/apt/lists/partial", "apt", False),
        ("apt-get clean", "apt", False),
        ("find /var/lib/apt/lists -type f -delete", "apt", True),
        ("rm -rf /var/cache/apk/*", "apk", True),
        ("apk cache clean", "apk", True),
        ("dnf clean all", "dnf", True),
        ("dnf clean packages", "dnf", False),
        ("yum clean all", "dnf", False),
        ("yum -y clean all", "yum", True),
        ("zypper cc", "zypper", True),
        ("zypper clean --all", "zypper", True),
        ("pip cache purge", "pip", True),
        ("python3 -m pip cache purge", "pip", True),
        ("rm -rf /root/.cache/pip", "pip", True),
        ("rm -rf ~/.cache", "pip", True),
        ("uv cache clean", "uv", True),
    ],
)
def test_cleans_cache(text: str, cache: str, expected: bool) -> None:
    assert cleans_cache(command(text), cache) is expected


# --------------------------------------------------------------------------- build knowledge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("npm run build", "npm run build"),
        ("npm run build:prod", "npm run build:prod"),
        ("npm run test", None),
        ("npm start", None),
        ("npm ci --omit=dev", None),
        ("yarn build", "yarn build"),
        ("yarn install", None),
        ("yarn tsc -p .", "tsc"),
        ("yarn workspace web build", "yarn build"),
        ("pnpm -r --filter web run build", "pnpm build"),
        ("npx --yes webpack --mode production", "webpack"),
        ("npm exec -- vite build", "vite build"),
        ("vite", None),
        ("go build -o /app .", "go build"),
        ("go mod download", None),
        ("cargo build --release", "cargo build"),
        ("mvn -B -DskipTests clean package", "mvn package"),
        ("mvn dependency:go-offline", None),
        ("./mvnw -q verify", "./mvnw verify"),
        ("./gradlew :app:bootJar --no-daemon", "./gradlew :app:bootJar"),
        ("gradle dependencies", None),
        ("dotnet publish -c Release", "dotnet publish"),
        ("dotnet restore", None),
        ("make -j4", "make"),
        ("cmake --build build", "cmake"),
        ("gcc -O2 -o a a.c", "gcc"),
        ("python -m build", "python -m build"),
        ("python3 -m pip wheel -r r.txt", "python3 -m pip wheel"),
        ("pip wheel .", "pip wheel"),
        ("pip install -r r.txt", None),
        ("poetry build", "poetry build"),
        ("poetry install", None),
        ("python setup.py bdist_wheel", "python setup.py bdist_wheel"),
        ("bundle exec rake assets:precompile", "rake assets:precompile"),
        ("echo make", None),
    ],
)
def test_build_command(text: str, expected: str | None) -> None:
    found = [b for c in parse_script(text).commands if (b := build_command(c)) is not None]
    assert found == ([expected] if expected else [])


def test_toolchain_packages_and_images() -> None:
    for name in ("gcc", "build-essential", "libpq-dev", "openssl-devel", "gcc-12",
                 "openjdk-17-jdk-headless", "openjdk17", "golang", "Development Tools",
                 "@development-tools", "dotnet-sdk-8.0"):  # fmt: skip
        assert is_toolchain_package(name), name
    for name in ("curl", "udev", "openjdk-17-jre", "openjdk17-jre", "python3", "git"):
        assert not is_toolchain_package(name), name
    assert is_toolchain_package("git", vcs=True)
    assert toolchain_image("golang:1.22") and toolchain_image("docker.io/library/maven")
    assert toolchain_image("mcr.microsoft.com/dotnet/sdk:8.0")
    assert toolchain_image("eclipse-temurin:21-jdk") and not toolchain_image(
        "eclipse-temurin:21-jre"
    )
    assert not toolchain_image("mcr.microsoft.com/dotnet/aspnet:8.0")
    assert not toolchain_image("localhost:5000/golang:1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/usr/sbin/sshd -D", "/usr/sbin/sshd"),
        ("service ssh start", "service ssh start"),
        ("/etc/init.d/ssh start", "/etc/init.d/ssh start"),
        ("rc-service sshd start", "rc-service sshd start"),
        ("systemctl start sshd.service", "systemctl start sshd.service"),
        ("tini -- /usr/sbin/sshd -D", "/usr/sbin/sshd"),
        ("dropbear -F", "dropbear"),
        ("ssh user@host", None),
        ("service nginx start", None),
    ],
)
def test_ssh_daemon(text: str, expected: str | None) -> None:
    found = [d for c in parse_script(text).commands if (d := ssh_daemon(c)) is not None]
    assert found == ([expected] if expected else [])


# --------------------------------------------------------------------------- Dockerfile level


def test_package_ops_expand_arg_and_env() -> None:
    d = df(
        """\
        FROM debian:12
        ARG CURL=7.88.1-10
        ENV PKGS="tzdata=2024a git"
        ARG EXTRA
        RUN apt-get install -y curl=$CURL $PKGS $EXTRA
        """
    )
    (op,) = package_ops(d, run_scripts(d))
    assert [p.raw for p in op.install.packages] == [
        "curl=7.88.1-10",
        "tzdata=2024a",
        "git",
        "$EXTRA",
    ]
    assert op.unresolved == ("$EXTRA",) and unresolved_names(op) == "EXTRA"
    (op,) = package_ops(d, run_scripts(d, {"EXTRA": "jq"}), {"EXTRA": "jq"})
    assert op.unresolved == () and op.install.packages[-1].raw == "jq"


def test_package_ops_lines_and_stdin() -> None:
    d = df(
        """\
        FROM debian:12
        RUN apt-get update \\
         && xargs apt-get install -y < /tmp/list
        RUN <<EOF
        set -e
        pip install flask
        EOF
        """
    )
    ops = package_ops(d, run_scripts(d))
    assert [(o.install.manager, o.install.action, o.line) for o in ops] == [
        ("apt-get", "update", 2),
        ("apt-get", "install", 2),
        ("pip", "install", 6),
    ]
    assert ops[1].from_stdin and ops[1].unknown_packages


def test_env_value_sources() -> None:
    d = df(
        """\
        FROM python:3.12
        ENV PIP_NO_CACHE_DIR=1
        ARG NODE_ENV
        RUN export UV_NO_CACHE=1 && X=2 pip install a
        """
    )
    (run,) = run_scripts(d)
    index = next(i for i, (c, _l) in enumerate(run.commands) if c.name == "pip")
    assert env_value(d, run, index, "PIP_NO_CACHE_DIR") == "1"
    assert env_value(d, run, index, "UV_NO_CACHE") == "1"
    assert env_value(d, run, index, "X") == "2"
    assert isinstance(env_value(d, run, index, "NODE_ENV"), Unresolved)
    assert env_value(d, run, index, "HOME") is None


def test_mounted_cache() -> None:
    d = df(
        """\
        FROM debian:12
        RUN --mount=type=cache,target=/var/lib/apt --mount=type=bind,target=/var/cache/apt true
        """
    )
    (run,) = run_scripts(d)
    assert mounted_cache(run, "/var/lib/apt/lists")
    assert not mounted_cache(run, "/var/cache/apt")  # a bind mount is not a cache


def test_scan_build_removed_toolchains() -> None:
    d = df(
        """\
        FROM alpine:3.20
        RUN apk add --virtual .deps gcc musl-dev && pip install x && apk del .deps
        RUN apk add gcc musl-dev && apk del gcc
        RUN apk add git && make
        """
    )
    scan = scan_build(d, run_scripts(d), vcs=True)
    assert [(s.line, s.what) for s in scan.steps] == [
        (3, "apk add musl-dev"),
        (4, "apk add git"),
        (4, "make"),
    ]
    assert [s.toolchain for s in scan.steps] == [True, True, False]
