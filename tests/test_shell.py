"""Unit tests of the shell layer: formats/shell.py, formats/docker_run.py, formats/downloads.py."""

from __future__ import annotations

import textwrap
import time

import pytest

from pytest_devops_policy.formats.dockerfile.parser import Dockerfile, parse
from pytest_devops_policy.knowledge.docker.run import run_scripts, written_files
from pytest_devops_policy.knowledge.downloads import (
    apt_sources,
    command_downloads,
    downloaded_then_run,
    is_loopback_host,
    options,
    parse_url,
    piped_to_interpreter,
    reads_program_from_stdin,
    signature_bypass,
    substituted_into_interpreter,
    tls_bypass,
    tls_bypass_in_config,
    tls_bypass_setting,
    verification,
)
from pytest_devops_policy.knowledge.shell import (
    Command,
    Mark,
    command_substitutions,
    parse_argv,
    parse_script,
    pipefail_setting,
)
from pytest_devops_policy.model import Source


def words(text: str) -> list[tuple[str, ...]]:
    return [c.words for c in parse_script(text).commands]


def names(text: str) -> list[str]:
    return [c.name for c in parse_script(text).commands]


def one(text: str) -> Command:
    commands = parse_script(text).commands
    assert len(commands) == 1, commands
    return commands[0]


def first(text: str) -> Command:
    return parse_script(text).commands[0]


def df(text: str) -> Dockerfile:
    parsed = parse(Source("/x/Dockerfile", "Dockerfile", textwrap.dedent(text)))
    subject = parsed.subjects[0]
    assert isinstance(subject, Dockerfile)
    return subject


# --------------------------------------------------------------------------- command words


def test_quoted_words_are_data() -> None:
    assert words('echo "no sudo"') == [("echo", "no sudo")]
    assert names("printf '%s\\n' 'sudo rm -rf /'") == ["printf"]
    assert names("echo sudo") == ["echo"]


def test_control_operators() -> None:
    s = parse_script("a && b || c; d | e |& f\ng")
    assert [c.name for c in s.commands] == ["a", "b", "c", "d", "e", "f", "g"]
    assert [c.piped for c in s.commands] == [False, False, False, True, True, True, False]
    assert [c.line for c in s.commands] == [0, 0, 0, 0, 0, 0, 1]
    (pipeline,) = s.pipelines()
    assert [c.name for c in pipeline] == ["d", "e", "f"]
    assert [c.position for c in pipeline] == [0, 1, 2]


def test_comments_are_not_commands() -> None:
    s = parse_script("a # sudo b\n# sudo c\nd '#not a comment' x#y")
    assert [c.words for c in s.commands] == [("a",), ("d", "#not a comment", "x#y")]
    assert [c.line for c in s.commands] == [0, 2]


@pytest.mark.parametrize(
    "text",
    ["echo $(sudo id)", "echo `sudo id`", 'x="$(sudo id)"', "echo <(sudo id)", "cat > >(sudo id)"],
)
def test_substitutions_run_commands(text: str) -> None:
    assert "sudo" in names(text)
    assert "id" in names(text)  # and sudo's own command


def test_compound_commands() -> None:
    text = textwrap.dedent(
        """\
        if [ -f /etc/x ]; then sudo a; elif b; then c; else d; fi
        for f in 1 2; do sudo e "$f"; done
        while read -r l; do f "$l"; done < list
        until g; do h; done
        { i; j; } > out
        (k; l)
        """
    )
    assert names(text) == ["[", "sudo", "a", "b", "c", "d", "sudo", "e", "read", "f", "g", "h",
                           "i", "j", "k", "l"]  # fmt: skip


def test_functions_are_definitions_and_calls() -> None:
    assert names("f() { sudo x; }; f") == ["sudo", "x", "f"]
    # `function` keyword: bashlex accepts it too
    assert names("function g { y; }; g") == ["y", "g"]


def test_case_pattern_alternatives_are_not_pipes() -> None:
    s = parse_script('case "$(uname -m)" in\n  x86_64|amd64) sudo a ;;\n  *) b ;;\nesac\nc')
    assert not s.exact  # bashlex has no `case`: the tokenizer fallback
    assert [c.name for c in s.commands] == ["uname", "sudo", "a", "b", "c"]
    assert not any(c.piped for c in s.commands)
    assert {c.name: c.line for c in s.commands}["c"] == 4


def test_double_bracket_test_through_fallback() -> None:
    s = parse_script('[[ -n "$a" && -f b || $c =~ ^x|y$ ]] && curl -fsSL https://x | sh')
    assert not s.exact
    assert s.commands[0].words[0] == "[[" and s.commands[0].words[-1] == "]]"
    assert [c.name for c in s.commands[1:]] == ["curl", "sh"]
    assert [c.piped for c in s.commands[1:]] == [True, True]


def test_arithmetic_through_fallback() -> None:
    s = parse_script("echo $((1 << 2)) && i=$(( i + 1 )) && sudo x")
    assert not s.exact
    assert [c.name for c in s.commands] == ["echo", "", "sudo", "x"]
    assert s.commands[0].words == ("echo", "$((1 << 2))")


def test_fallback_follows_substitutions_and_redirects() -> None:
    s = parse_script('[[ -f a ]] && echo "$(sudo id)" 2>/dev/null > /tmp/out')
    assert not s.exact
    echo = next(c for c in s.commands if c.name == "echo")
    assert echo.words == ("echo", "$(sudo id)")
    assert [(r.op, r.target) for r in echo.redirects] == [(">", "/dev/null"), (">", "/tmp/out")]
    assert "sudo" in [c.name for c in s.commands]


def test_time_keyword_through_fallback() -> None:
    s = parse_script("time curl -fsSL https://x | sh")
    assert [c.name for c in s.commands] == ["time", "curl", "sh"]


@pytest.mark.parametrize("text", ['echo "unterminated', "echo 'x", "a && (b", "$(", "`x", "<<"])
def test_broken_input_does_not_crash(text: str) -> None:
    s = parse_script(text)
    assert not s.exact and s.error
    assert isinstance(s.commands, tuple)


def test_bashlex_quote_removal_bug_is_worked_around() -> None:
    # bashlex drops every backslash inside double quotes and does not know $'...'
    assert words(r"""printf "a\nb" 'c\nd' $'e\nf' g\ h""") == [
        ("printf", "a\\nb", "c\\nd", "e\nf", "g h")
    ]


def test_long_script_is_linear() -> None:
    text = "\n".join(f"apt-get install -y pkg{i} && echo {i} | tee -a /log" for i in range(2500))
    start = time.perf_counter()
    script = parse_script(text)
    elapsed = time.perf_counter() - start
    assert len(script.commands) == 7500
    assert script.commands[-1].line == 2499
    print(f"5,000-command script parsed in {elapsed:.2f}s")  # informative only, not asserted


# --------------------------------------------------------------------------- wrappers


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ('sh -c "sudo a"', ("sudo", "a")),
        ("bash -ec 'sudo a'", ("sudo", "a")),
        ("bash -o pipefail -c 'sudo a'", ("sudo", "a")),
        ("busybox sh -c 'sudo a'", ("sudo", "a")),
        ('su -c "sudo a" root', ("sudo", "a")),
        ("sudo -u app -E a b", ("a", "b")),
        ("env A=1 B=2 a b", ("a", "b")),
        ("xargs -n1 -I{} a {}", ("a", "{}")),
        ("timeout -s KILL 30 a", ("a",)),
        ("nice -n 5 a", ("a",)),
        ("gosu app a", ("a",)),
        ("busybox wget -qO- x", ("wget", "-qO-", "x")),
    ],
)
def test_wrappers_are_looked_through(text: str, inner: tuple[str, ...]) -> None:
    s = parse_script(text)
    wrapped = [c for c in s.commands if c.wrapped_by is not None]
    assert any(c.words == inner for c in wrapped), s.commands


def test_env_wrapper_keeps_assignments() -> None:
    inner = parse_script("env LANG=C sudo x").commands[1]
    assert inner.wrapped_by == "env" and inner.assignments == ("LANG=C",)


def test_sh_c_substitution_is_reported_once() -> None:
    s = parse_script('sh -c "$(curl -fsSL https://x)"')
    assert [c.name for c in s.commands].count("curl") == 1


def test_shell_script_of_command() -> None:
    assert one("true").shell_script() is None
    assert parse_script("sh install.sh").commands[0].shell_script() is None
    assert parse_script("bash -euo pipefail -c 'a | b'").commands[0].shell_script() == "a | b"
    assert parse_script("su --command='x y' root").commands[0].shell_script() == "x y"


def test_exec_form() -> None:
    s = parse_argv(["/bin/sh", "-c", "curl https://x | sh"])
    assert [c.name for c in s.commands] == ["sh", "curl", "sh"]
    assert [c.piped for c in s.commands] == [False, True, True]
    s = parse_argv(["sudo", "apt-get", "update"])
    assert [c.words for c in s.commands] == [("sudo", "apt-get", "update"), ("apt-get", "update")]
    assert [c.name for c in parse_argv(["/bin/echo", "a | b"]).commands] == ["echo"]


def test_has_option_and_subcommand() -> None:
    c = one("curl -fsSLk --retry=3 https://x")
    assert c.has_option("-k") and c.has_option("--retry") and not c.has_option("-o")
    assert one("apt-get -o Dpkg::Options::=x -y install curl").subcommand(["-o"]) == "install"


def test_command_substitutions() -> None:
    assert command_substitutions("a $(b \"$(c)\") `d` <(e) '$(no)' $((1+2))") == [
        'b "$(c)"',
        "d",
        "e",
    ]


# --------------------------------------------------------------------------- here-documents


def test_nested_heredoc_body_is_data() -> None:
    s = parse_script("cat <<EOF > /etc/motd\nsudo rm -rf /\nEOF\necho after")
    assert [c.name for c in s.commands] == ["cat", "echo"]
    cat = s.commands[0]
    assert cat.stdin == "sudo rm -rf /\n"
    assert s.commands[1].line == 3


@pytest.mark.parametrize(
    "opener", ["<<EOF", "<<'EOF'", '<<"EOF"', "<< EOF", "<<-EOF", "<<-'EOF'", '<<-"EOF"']
)
def test_heredoc_delimiter_forms(opener: str) -> None:
    end = "\tEOF" if "-" in opener else "EOF"  # only <<- strips the tabs before EOF
    s = parse_script(f"cat {opener} > /x\n\tsudo a\n{end}\nsudo b")
    assert [c.words for c in s.commands if c.wrapped_by is None] == [("cat",), ("sudo", "b")]
    assert s.commands[-1].line == 3


def test_heredoc_look_alikes() -> None:
    assert names('echo "<<EOF" && echo $((1 << 2)) && sudo x') == ["echo", "echo", "sudo", "x"]
    assert one('tee /x <<<"gpgcheck=0"').stdin == "gpgcheck=0\n"


def test_heredoc_bodies_given_from_outside() -> None:
    s = parse_script("cat <<EOF > /etc/apt/sources.list", heredocs=["deb http://x y main\n"])
    (write,) = s.file_writes()
    assert write.path == "/etc/apt/sources.list" and write.text == "deb http://x y main\n"


# --------------------------------------------------------------------------- file writes


@pytest.mark.parametrize(
    ("text", "path", "content", "mode"),
    [
        ("echo 'deb [trusted=yes] http://x y main' > /etc/apt/sources.list.d/x.list",
         "/etc/apt/sources.list.d/x.list", "deb [trusted=yes] http://x y main\n", "write"),
        ("echo insecure >> ~/.curlrc", "~/.curlrc", "insecure\n", "append"),
        ("printf 'deb %s main\\n' http://a > /s.list", "/s.list", "deb http://a main\n", "write"),
        ("echo gpgcheck=0 | sudo tee -a /etc/yum.repos.d/x.repo > /dev/null",
         "/etc/yum.repos.d/x.repo", "gpgcheck=0\n", "append"),
        ("cat > /etc/x.conf <<'EOF'\nsslverify=0\nEOF", "/etc/x.conf", "sslverify=0\n", "write"),
        ("sed -i 's/gpgcheck=1/gpgcheck=0/g' /etc/yum.repos.d/a.repo",
         "/etc/yum.repos.d/a.repo", "gpgcheck=0\n", "edit"),
        ("sed -i -e '/^\\[main\\]/a sslverify=0' /etc/dnf/dnf.conf",
         "/etc/dnf/dnf.conf", "sslverify=0\n", "edit"),
    ],
)  # fmt: skip
def test_file_writes(text: str, path: str, content: str, mode: str) -> None:
    writes = [w for w in parse_script(text).file_writes() if w.path != "/dev/null"]
    assert [(w.path, w.text, w.mode) for w in writes] == [(path, content, mode)]


def test_no_visible_content_no_write() -> None:
    assert parse_script("cat /src/file > /dst/file && cp a b && sed 's/a/b/' f").file_writes() == []


# --------------------------------------------------------------------------- pipefail


@pytest.mark.parametrize(
    ("argv", "state"),
    [
        (["-o", "pipefail"], True),
        (["-euo", "pipefail"], True),
        (["-Eeuxo", "pipefail"], True),
        (["-e", "-o", "errexit", "-o", "pipefail"], True),
        (["+o", "pipefail"], False),
        (["-e"], None),
        (["-c", "set -o pipefail"], None),
        (["--noprofile", "-o", "pipefail", "-c"], True),
        (["--", "-o", "pipefail"], None),
    ],
)
def test_pipefail_setting(argv: list[str], state: bool | None) -> None:
    assert pipefail_setting(argv) is state


# --------------------------------------------------------------------------- RUN scripts


def test_run_scripts_heredocs_exec_form_and_lines() -> None:
    d = df(
        """\
        FROM debian:12.5-slim
        RUN apt-get update && sudo apt-get install -y curl
        RUN <<EOF
        set -e
        sudo a
        EOF
        RUN python3 <<EOF
        import sudo
        EOF
        RUN <<EOF
        #!/usr/bin/env python3
        print("sudo")
        EOF
        RUN bash -eu <<'EOF'
        sudo b
        EOF
        RUN cat <<EOF > /etc/motd
        sudo c
        EOF
        RUN ["sudo", "d"]
        ONBUILD RUN sudo e
        """
    )
    scripts = run_scripts(d, triggers=False)
    assert [rs.instruction.line for rs in scripts] == [2, 3, 7, 10, 14, 17, 20]
    # The stage's RUN triggers follow its RUNs, marked.
    assert [(rs.instruction.line, rs.onbuild) for rs in run_scripts(d)][-2:] == [
        (20, False),
        (21, True),
    ]
    sudo = [(line, c.args) for rs in scripts for c, line in rs.named("sudo")]
    assert sudo == [(2, ("apt-get", "install", "-y", "curl")), (5, ("a",)), (15, ("b",)),
                    (20, ("d",))]  # fmt: skip
    by_line = {rs.instruction.line: rs for rs in scripts}
    assert by_line[3].interpreters == (("/bin/sh", "-c"), ("/bin/sh", "-c"))
    assert by_line[14].interpreters == (("/bin/sh", "-c"), ("bash", "-eu"))
    assert len(by_line[7].parts) == 1 and len(by_line[10].parts) == 1  # python bodies: data
    assert by_line[3].texts == ("<<EOF", "set -e\nsudo a\n")


def test_nested_heredoc_inside_run_heredoc_is_data() -> None:
    d = df(
        """\
        FROM debian:12.5-slim
        RUN <<EOF
        cat <<'CONF' > /etc/app.conf
        sudo inside the file
        CONF
        sudo real
        EOF
        """
    )
    (rs,) = run_scripts(d)
    assert [(line, c.words) for c, line in rs.named("sudo")] == [(6, ("sudo", "real"))]
    ((write, line),) = rs.file_writes
    assert (write.path, write.text, line) == ("/etc/app.conf", "sudo inside the file\n", 3)


def test_messages_show_commands_as_written() -> None:
    d = df(
        """\
        FROM debian:12.5-slim
        RUN find /srv -type d | xargs sudo chmod 0755
        """
    )
    (rs,) = run_scripts(d)
    ((sudo, line),) = rs.named("sudo")
    assert rs.shown(sudo, line) == "xargs sudo chmod 0755"
    assert rs.shown_pipeline(sudo, line) == "find /srv -type d | xargs sudo chmod 0755"
    assert str(first('sh -c "$(curl -fsSL https://x)" > /log')) == (
        'sh -c "$(curl -fsSL https://x)" > /log'
    )


def test_powershell_shell_is_not_posix() -> None:
    d = df(
        """\
        FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
        RUN ls | wc -l
        SHELL ["pwsh", "-Command"]
        RUN Get-ChildItem | Measure-Object
        """
    )
    assert [rs.posix for rs in run_scripts(d)] == [True, False]


def test_resolved_commands_use_arg_and_env() -> None:
    d = df(
        """\
        FROM debian:12.5-slim
        ARG BASE=https://downloads.example.com
        ARG TOKEN
        ENV CURL_OPTS="-k -sS" URL=${BASE}/x.tgz
        RUN curl $CURL_OPTS -o /x.tgz "$URL" $TOKEN $LOCAL
        """
    )
    (rs,) = run_scripts(d)
    ((c, line),) = list(rs.resolved_commands())
    assert line == 5
    assert c.words == ("curl", "-k", "-sS", "-o", "/x.tgz", "https://downloads.example.com/x.tgz",
                       "$TOKEN", "$LOCAL")  # fmt: skip
    assert rs.resolve("$TOKEN").build_time == ("TOKEN",)
    assert rs.resolve("$LOCAL").runtime == ("LOCAL",)
    assert rs.resolve("https://$HOST/x").known_prefix == "https://"


def test_written_files_include_copy_heredocs() -> None:
    d = df(
        """\
        FROM debian:12.5-slim
        RUN echo 'deb http://x y main' > /etc/apt/sources.list.d/x.list
        COPY <<EOF /etc/yum.repos.d/x.repo
        gpgcheck=0
        EOF
        COPY <<a.conf <<b.conf /etc/conf.d/
        a
        a.conf
        b
        b.conf
        """
    )
    assert [(w.path, w.text, w.line) for w in written_files(d)] == [
        ("/etc/apt/sources.list.d/x.list", "deb http://x y main\n", 2),
        ("/etc/yum.repos.d/x.repo", "gpgcheck=0\n", 3),
        ("/etc/conf.d/a.conf", "a\n", 6),
        ("/etc/conf.d/b.conf", "b\n", 6),
    ]


# --------------------------------------------------------------------------- downloads


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("localhost", True), ("app.localhost", True), ("127.0.0.1", True), ("127.9.8.7", True),
     ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True), ("10.0.0.1", False),
     ("example.com", False), ("localhost.example.com", False), ("0.0.0.0", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_parse_url() -> None:
    url = parse_url("git+http://user:pw@[::1]:8080/x")
    assert url is not None and url.transport == "http" and url.host == "::1" and url.loopback
    assert parse_url("git@github.com:org/repo.git") is None
    assert parse_url("ftp://files.example.com/a") is not None


def test_option_scanner_skips_values() -> None:
    scanned = options(["-fsSLo", "out.tgz", "-H", "X: http://no", "https://yes"], "curl")
    assert scanned.operands == ("https://yes",)
    assert scanned.values("-o") == ["out.tgz"]


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("curl -fsSL -o /t http://a/x", [("http://a/x", "/t")]),
        ("curl -O https://a/b/c.sh", [("https://a/b/c.sh", "c.sh")]),
        ("curl https://a/x", [("https://a/x", "-")]),
        ("wget -qO- https://a/x", [("https://a/x", "-")]),
        ("wget -P /d https://a/y.tgz", [("https://a/y.tgz", "/d/y.tgz")]),
        ("git clone --depth 1 -b main git://a/r.git /src", [("git://a/r.git", None)]),
        ("pip install -i http://p/simple x", [("http://p/simple", None)]),
        ("npm install --registry=http://r/ a@1", [("http://r/", None)]),
    ],
)
def test_command_downloads(text: str, urls: list[tuple[str, str | None]]) -> None:
    found = [(d.url, d.output) for c in parse_script(text).commands for d in command_downloads(c)]
    assert found == urls


@pytest.mark.parametrize(
    ("text", "reads"),
    [("sh", True), ("bash -s -- -y", True), ("bash -", True), ("python3", True),
     ("python3 -", True), ("node", True), ("sh install.sh", False), ("bash -c 'x'", False),
     ("python3 -c 'import sys'", False), ("perl -e 1", False), ("jq .", False)],
)  # fmt: skip
def test_reads_program_from_stdin(text: str, reads: bool) -> None:
    assert reads_program_from_stdin(parse_script(text).commands[0]) is reads


def test_piped_substituted_and_downloaded_then_run() -> None:
    assert piped_to_interpreter(parse_script("curl -fsSL https://x | sudo -E bash -"))
    assert not piped_to_interpreter(parse_script("curl -fsSL https://x | tar -xz"))
    assert not piped_to_interpreter(parse_script("curl -o f https://x | sh"))
    assert not piped_to_interpreter(parse_script("curl https://x | xargs bash"))
    assert substituted_into_interpreter(first("bash <(curl -fsSL https://x)"))
    assert not substituted_into_interpreter(first('echo "$(curl -fsSL https://x)"'))
    s = parse_script("wget https://a/i.sh && chmod +x i.sh && ./i.sh")
    assert [r.words for _d, r in downloaded_then_run(s.commands)] == [("./i.sh",)]


@pytest.mark.parametrize(
    ("text", "verified"),
    [('echo "abc  f" | sha256sum -c -', True), ("shasum -a 256 --check f.sha", True),
     ("gpg --batch --verify f.asc f", True), ("cosign verify-blob --key k --signature s f", True),
     ("minisign -Vm f -P key", True), ("md5sum -c f.md5", False), ("shasum -a 1 -c f", False),
     ("sha256sum f", False), ('[ "$(sha256sum f | cut -c1-64)" = "$SUM" ]', True)],
)  # fmt: skip
def test_verification(text: str, verified: bool) -> None:
    assert (verification(parse_script(text).commands) is not None) is verified


def test_apt_sources() -> None:
    text = "deb [arch=amd64 trusted=yes] http://a/d x main\n# deb http://b\nTypes: deb\n" \
           "URIs: https://c\nTrusted: yes\n"  # fmt: skip
    found = apt_sources(text)
    assert [(s.uris, s.trusted) for s in found] == [(("http://a/d",), True), (("https://c",), True)]
    assert apt_sources("deb [trusted=yes] ", edit=True)[0].trusted


def test_tls_and_signature_facts() -> None:
    assert tls_bypass(one("curl -fsSLk https://x"))
    assert not tls_bypass(one("curl -K cfg https://x"))
    assert tls_bypass(one("git -c http.sslVerify=false clone https://x"))
    assert not tls_bypass(one("pip install --trusted-host localhost x"))
    assert tls_bypass_setting("GIT_SSL_NO_VERIFY", "")
    assert not tls_bypass_setting("NODE_TLS_REJECT_UNAUTHORIZED", "1")
    assert tls_bypass_in_config("/etc/pip.conf", "[global]\ntrusted-host =\n    pypi.example\n")
    assert signature_bypass(one("rpm -Uvh --nosignature x.rpm"))
    assert not signature_bypass(one("rpm -qa --nosignature"))


# --------------------------------------------------------------------------- outline


def _outline(text: str) -> list[str]:
    """Marks as their text, commands as they are written."""
    return [
        item.text if isinstance(item, Mark) else f"<{item.written(text)}>"
        for item in parse_script(text).outline
    ]


def test_outline_reads_commands_and_marks_in_order() -> None:
    text = "a && b || c; d | e\n\n# note\nif ! f; then g; fi"
    assert _outline(text) == [
        "<a>", "&&", "<b>", "||", "<c>", ";", "<d>", "|", "<e>", "\n",
        "if", "!", "<f>", ";", "then", "<g>", ";", "fi",
    ]  # fmt: skip


def test_outline_commands_keep_their_text_and_word_offsets() -> None:
    text = 'X=1 sudo -E kubectl apply -f "a b.yml" > log  # c'
    (command,) = [i for i in parse_script(text).outline if isinstance(i, Command)]
    assert command.written(text) == 'sudo -E kubectl apply -f "a b.yml" > log'
    assert command.written(text, 2) == 'kubectl apply -f "a b.yml" > log'
    wrapped = parse_script(text).commands[1]
    assert (
        wrapped.wrapped_by == "sudo" and wrapped.written(text) == 'kubectl apply -f "a b.yml" > log'
    )


def test_outline_substitutions_follow_their_command() -> None:
    text = 'REV=$(kubectl rollout undo x)\necho "`date`"'
    assert _outline(text) == [
        "<>", "(", "<kubectl rollout undo x>", ")", "\n", '<echo "`date`">', "`", "<date>", "`",
    ]  # fmt: skip


def test_outline_offsets_survive_heredocs_and_continuations() -> None:
    text = "cat <<'EOF' > notes.txt\nkubectl apply\nEOF\nhelm upgrade web . \\\n  --atomic"
    assert _outline(text) == [
        "<cat <<'EOF' > notes.txt>",
        "\n",
        "<helm upgrade web . \\\n  --atomic>",
    ]


def test_outline_through_the_fallback_renders_words() -> None:
    text = "case $x in a) kubectl apply -f 'k 8s' ;; esac\n[[ -n a ]] && Y=$(helm upgrade a b)"
    script = parse_script(text)
    assert not script.exact
    assert _outline(text) == [
        "case", "<kubectl apply -f 'k 8s'>", ";;", "\n", "<'[[' -n a ']]'>", "&&", "<>",
        "(", "<helm upgrade a b>", ")",
    ]  # fmt: skip


def test_sh_c_commands_are_not_in_the_outline() -> None:
    script = parse_script("sh -c 'kubectl apply -f x'")
    assert [c.name for c in script.commands] == ["sh", "kubectl"]
    assert [i.name for i in script.outline if isinstance(i, Command)] == ["sh"]


def test_fallback_joins_line_continuations_and_keeps_line_numbers() -> None:
    # `[[ ]]` sends the script to the tokenizer fallback; `\` + newline still joins lines.
    script = 'if [[ "$x" == "y" ]]; then\n  gh api \\\n    --method DELETE r\nfi\necho after\n'
    commands = [(c.words, c.line) for c in parse_script(script).commands]
    assert (("gh", "api", "--method", "DELETE", "r"), 1) in commands
    assert (("echo", "after"), 4) in commands


def test_a_second_elif_is_read() -> None:
    """bashlex gives the second ``elif`` of a chain as a list of nodes (a real GNOME script
    crashed the classifier with it): its clause's commands are still read."""
    text = "if a; then\n  b\nelif c; then\n  d\nelif e; then\n  f\nfi\n"
    assert names(text) == ["a", "b", "c", "d", "e", "f"]


@pytest.mark.parametrize(
    "text",
    [
        "apt-get update && apt-get install -y curl",
        "echo a; echo b\nls -l | wc -l\n",
        "cat <<EOF > /etc/x.conf\nkey=value\nEOF\nchmod 600 /etc/x.conf",
        "if [ -f x ]; then rm x; fi\nfor i in 1 2; do echo $i; done",
        'docker build -t "$IMAGE:${GITHUB_SHA}" -f docker/Dockerfile .\ndocker push "$IMAGE"',
        'x=$(curl -fsSL https://example.com/a.sh) && echo "$x"',
    ],
)
def test_bashlex_trees_are_bashlex_parse(text: str) -> None:
    # The parse without bashlex's per-call class: the same trees, positions included.
    import bashlex

    from pytest_devops_policy.knowledge.shell import _bashlex_trees

    assert [t.dump() for t in _bashlex_trees(text)] == [t.dump() for t in bashlex.parse(text)]
