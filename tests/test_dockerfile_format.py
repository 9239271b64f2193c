"""Unit tests of the Dockerfile parser (formats/dockerfile.py) and the secret-name helpers."""

from __future__ import annotations

import textwrap
import time

import pytest

from pytest_devops_policy.formats.dockerfile.parser import (
    RESERVED_STAGE_NAMES,
    UNRESOLVED_MARK,
    Dockerfile,
    Unresolved,
    expand,
    image_matches,
    is_absolute_path,
    is_root_user,
    is_windows_image,
    json_form_hint,
    parse,
    parse_mount,
)
from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.kinds import option_classes
from pytest_devops_policy.knowledge.secrets.names import (
    is_allowed_name,
    is_known_secret_name,
    is_placeholder,
    is_secret_like,
    is_secret_name,
)
from pytest_devops_policy.model import ParseError, Source, decode
from pytest_devops_policy.options import DockerOptions, Options


def df(text: str, dedent: bool = True) -> Dockerfile:
    if dedent:
        text = textwrap.dedent(text)
    parsed = parse(Source(path="/x/Dockerfile", relpath="Dockerfile", text=text))
    assert parsed.kind == "dockerfile"
    (subject,) = parsed.subjects
    assert isinstance(subject, Dockerfile)
    return subject


def error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        df(text)
    return info.value


def keywords(d: Dockerfile) -> list[tuple[str, int, int]]:
    return [(i.keyword, i.line, i.end_line) for i in d.instructions]


# --------------------------------------------------------------------------- directives


def test_directives_at_top() -> None:
    d = df(
        """\
        # syntax=docker/dockerfile:1.7
        #  CHECK = skip=JSONArgsRecommended;error=true
        FROM alpine:3.20
        """
    )
    assert d.directives == {
        "syntax": "docker/dockerfile:1.7",
        "check": "skip=JSONArgsRecommended;error=true",
    }
    assert d.directive_lines == {"syntax": 1, "check": 2}
    assert d.escape == "\\"


@pytest.mark.parametrize(
    "text",
    [
        "# a comment\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n",
        "\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n",
        "FROM alpine:3.20\n# syntax=docker/dockerfile:1\n",
        "# unknown=1\n# escape=`\nFROM alpine:3.20\n",
    ],
    ids=["after-comment", "after-blank", "after-instruction", "after-unknown-directive"],
)
def test_directives_only_count_before_anything_else(text: str) -> None:
    d = df(text, dedent=False)
    assert d.directives == {}
    assert d.escape == "\\"


def test_duplicate_and_invalid_directives_are_errors() -> None:
    assert error("# escape=`\n# escape=\\\nFROM a:1\n").line == 2
    err = error("# escape=x\nFROM a:1\n")
    assert err.line == 1 and "escape" in err.message


def test_escape_backtick_windows() -> None:
    d = df(
        """\
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        COPY app C:\\app\\
        RUN powershell -Command `
            Write-Host 'hi'; `
            Write-Host 'there'
        WORKDIR C:\\app
        """
    )
    assert d.escape == "`"
    assert keywords(d) == [("FROM", 2, 2), ("COPY", 3, 3), ("RUN", 4, 6), ("WORKDIR", 7, 7)]
    copy, run, workdir = d.final_stage.instructions
    assert copy.args == "app C:\\app\\"  # a trailing backslash is literal with escape=`
    assert run.args == "powershell -Command     Write-Host 'hi';     Write-Host 'there'"
    assert d.resolve(workdir.args, workdir).text == "C:\\app"
    assert d.is_windows(d.final_stage)
    assert d.shell(run) == ("cmd", "/S", "/C")


# --------------------------------------------------------------------------- continuations


def test_continuations_comments_blank_lines_and_trailing_whitespace() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update && \\\n"
        "    # a comment inside is dropped\n"
        "  # and an indented one\n"
        "    apt-get install -y curl \\   \t\n"  # blanks after the escape still continue
        "\n"  # empty continuation line: tolerated
        "    && rm -rf /var/lib/apt/lists/*\n"
        "# a comment between instructions\n"
        'CMD ["bash"]\n'
    )
    d = df(text, dedent=False)
    assert keywords(d) == [("FROM", 1, 1), ("RUN", 2, 7), ("CMD", 9, 9)]
    run = d.final_stage.instructions[0]
    assert (
        run.args
        == "apt-get update &&     apt-get install -y curl     && rm -rf /var/lib/apt/lists/*"
    )
    assert (8, "# a comment between instructions") in d.comments


def test_continuation_at_end_of_file() -> None:
    d = df("FROM alpine:3.20\nRUN echo a \\\n")
    (run,) = d.final_stage.instructions
    assert (run.line, run.end_line, run.args) == (2, 2, "echo a")


def test_leading_whitespace_and_blank_lines() -> None:
    d = df("\n\n   FROM alpine:3.20\n\t\n\tRUN true\n", dedent=False)
    assert keywords(d) == [("FROM", 3, 3), ("RUN", 5, 5)]


# --------------------------------------------------------------------------- heredocs


def test_heredoc_basic_and_hash_in_body() -> None:
    d = df(
        """\
        FROM alpine:3.20
        RUN <<EOF
        # not a Dockerfile comment
        FROM ubuntu
        echo $HOME
        EOF
        CMD ["sh"]
        """
    )
    assert keywords(d) == [("FROM", 1, 1), ("RUN", 2, 6), ("CMD", 7, 7)]
    (h,) = d.final_stage.instructions[0].heredocs
    assert (h.name, h.line, h.end_line, h.expand, h.chomp) == ("EOF", 3, 6, True, False)
    assert h.body == "# not a Dockerfile comment\nFROM ubuntu\necho $HOME\n"
    assert d.comments == ()


def test_heredoc_chomp_strips_leading_tabs() -> None:
    d = df("FROM alpine:3.20\nRUN <<-EOT\n\t\techo hi\n\t  x\n\tEOT\n")
    (h,) = d.final_stage.instructions[0].heredocs
    assert h.chomp and h.body == "echo hi\n  x\n"


def test_heredoc_without_chomp_needs_exact_terminator() -> None:
    d = df("FROM alpine:3.20\nRUN <<EOT\n\tEOT\nEOT\n")
    (h,) = d.final_stage.instructions[0].heredocs
    assert h.body == "\tEOT\n"


@pytest.mark.parametrize("word", ["<<'EOF'", '<<"EOF"', "<<-'EOF'"])
def test_quoted_heredoc_disables_expansion(word: str) -> None:
    d = df(f"FROM alpine:3.20\nRUN {word}\necho $X\nEOF\n")
    (h,) = d.final_stage.instructions[0].heredocs
    assert h.name == "EOF" and not h.expand


def test_heredoc_with_interpreter_and_flags() -> None:
    d = df(
        """\
        FROM python:3.12-slim
        RUN --mount=type=cache,target=/root/.cache python3 <<PY > /out.txt
        print("hi")
        PY
        """
    )
    (run,) = d.final_stage.instructions
    assert run.args == "python3 <<PY > /out.txt"
    assert run.heredocs[0].body == 'print("hi")\n'
    assert run.mounts == [{"type": "cache", "target": "/root/.cache"}]
    assert 'print("hi")' in run.script


def test_several_heredocs_in_one_instruction() -> None:
    d = df(
        """\
        FROM alpine:3.20
        COPY --chmod=644 <<a.txt <<b.txt /dst/
        alpha
        a.txt
        beta
        b.txt
        RUN 3<<IN cat <&3
        x
        IN
        """
    )
    copy, run = d.final_stage.instructions
    assert [(h.name, h.body, h.line, h.end_line) for h in copy.heredocs] == [
        ("a.txt", "alpha\n", 3, 4),
        ("b.txt", "beta\n", 5, 6),
    ]
    assert (copy.line, copy.end_line) == (2, 6)
    assert run.heredocs[0].fd == 3


def test_heredoc_after_continued_line_and_in_onbuild() -> None:
    d = df(
        """\
        FROM alpine:3.20
        RUN set -e; \\
            sh <<EOF
        echo one
        EOF
        ONBUILD RUN <<EOF
        echo child
        EOF
        """
    )
    run, onbuild = d.final_stage.instructions
    assert (run.line, run.end_line, run.heredocs[0].body) == (2, 5, "echo one\n")
    assert onbuild.trigger is not None
    assert (onbuild.line, onbuild.end_line) == (6, 8)
    assert onbuild.trigger.heredocs[0].body == "echo child\n"


@pytest.mark.parametrize(
    "line",
    [
        'RUN ["sh", "-c", "cat <<EOF"]',  # exec form has no heredocs
        'RUN echo "<<EOF"',  # quoted
        "RUN cat << EOF",  # space: not a heredoc word
        "WORKDIR <<EOF",  # not a heredoc instruction
    ],
)
def test_not_heredocs(line: str) -> None:
    d = df(f"FROM alpine:3.20\n{line}\n")
    assert d.final_stage.instructions[0].heredocs == ()


def test_unterminated_heredoc_is_an_error() -> None:
    err = error("FROM alpine:3.20\nRUN true\nRUN <<EOF\necho never ends\n")
    assert err.line == 3
    assert "unterminated heredoc" in err.message and "EOF" in err.message


# --------------------------------------------------------------------------- forms and flags


@pytest.mark.parametrize(
    ("args", "exec_form"),
    [
        ('["node", "server.js"]', ("node", "server.js")),
        ('  [ "a" ,"b c" ]  ', ("a", "b c")),
        ("[]", ()),
        ("['node', 'server.js']", None),  # single quotes: not JSON
        ('["node", "server.js",]', None),  # trailing comma
        ("node server.js", None),
        ('["unterminated"', None),
        ('["node"] server.js', None),  # text after the array
        ('["say \\"hi\\"", "C:\\\\app"]', ('say "hi"', "C:\\app")),  # JSON escapes
    ],
)
def test_exec_form_only_for_valid_json_arrays_of_strings(
    args: str, exec_form: tuple[str, ...] | None
) -> None:
    d = df(f"FROM alpine:3.20\nCMD {args}\n")
    cmd = d.final_stage.instructions[0]
    assert cmd.exec_form == exec_form
    assert cmd.shell_form is (exec_form is None)


def test_flags_are_parsed_out() -> None:
    d = df(
        """\
        FROM --platform=linux/amd64 golang:1.22 AS build
        COPY --from=build --chown=app:app --chmod=0644 --link --parents --exclude=*.md \\
             --exclude="docs/**" src/ /app/
        ADD --checksum=sha256:abc --keep-git-dir=true https://example.com/x.tar.gz /x
        RUN --mount=type=secret,id=npm,target=/root/.npmrc --mount=type=cache,target=/c \\
            --network=none --security=insecure npm ci
        HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1
        """
    )
    st = d.final_stage
    assert st.platform == "linux/amd64"
    assert st.from_instruction.flag("platform") == "linux/amd64"
    copy, add, run, health = st.instructions
    assert copy.flag("from") == "build" and copy.flag("chown") == "app:app"
    assert copy.flag("chmod") == "0644"
    assert copy.has_flag("link") and copy.flag("link") == ""
    assert copy.has_flag("parents")
    assert copy.flag_values("exclude") == ("*.md", "docs/**")
    assert copy.args == "src/ /app/"
    assert add.flag("checksum") == "sha256:abc" and add.flag("keep-git-dir") == "true"
    assert add.args == "https://example.com/x.tar.gz /x"
    assert len(run.flag_values("mount")) == 2
    assert run.mounts[0] == {"type": "secret", "id": "npm", "target": "/root/.npmrc"}
    assert run.flag("network") == "none" and run.flag("security") == "insecure"
    assert run.args == "npm ci"
    assert health.flag("interval") == "30s" and health.command.startswith("curl -f")
    assert health.exec_form is None and not health.healthcheck_none
    assert copy.flag("missing") is None and not copy.has_flag("missing")


def test_healthcheck_forms() -> None:
    d = df('FROM a:1\nHEALTHCHECK none\nHEALTHCHECK CMD ["/bin/check", "-q"]\n')
    none, cmd = d.final_stage.instructions
    assert none.healthcheck_none and none.command == ""
    assert cmd.exec_form == ("/bin/check", "-q") and not cmd.healthcheck_none


def test_parse_mount_defaults_and_bare_keys() -> None:
    assert parse_mount("target=/x,readonly") == {"target": "/x", "readonly": "true", "type": "bind"}
    assert parse_mount("type=bind,from=builder,source=/out") == {
        "type": "bind",
        "from": "builder",
        "source": "/out",
    }


# --------------------------------------------------------------------------- keywords and pairs


def test_keywords_are_case_insensitive() -> None:
    d = df('from alpine:3.20 As Build\nRun echo hi\nuSeR app\ncmd ["sh"]\n')
    assert [i.keyword for i in d.instructions] == ["FROM", "RUN", "USER", "CMD"]
    assert d.final_stage.name == "build"


def test_env_arg_label_pairs() -> None:
    d = df(
        """\
        FROM alpine:3.20
        ENV A=1 B="two words" C='$A' D=a\\ b
        ENV LEGACY value with spaces
        ARG X Y=2 Z="q q"
        LABEL org.opencontainers.image.title="My app" version=1
        """
    )
    env, legacy, arg, label = d.final_stage.instructions
    assert [(p.name, p.value) for p in env.pairs] == [
        ("A", "1"),
        ("B", '"two words"'),
        ("C", "'$A'"),
        ("D", "a\\ b"),
    ]
    assert [(p.name, p.value) for p in legacy.pairs] == [("LEGACY", "value with spaces")]
    assert [(p.name, p.value) for p in arg.pairs] == [("X", None), ("Y", "2"), ("Z", '"q q"')]
    assert [p.name for p in label.pairs] == ["org.opencontainers.image.title", "version"]
    scope = d.scope(d.final_stage)
    assert scope.env == {
        "A": "1",
        "B": "two words",
        "C": "$A",
        "D": "a b",
        "LEGACY": "value with spaces",
    }


# --------------------------------------------------------------------------- stages and ARGs


def test_global_args_only_in_from() -> None:
    d = df(
        """\
        ARG BASE=node:20
        ARG TAG
        FROM ${BASE} AS build
        RUN echo $BASE
        ARG BASE
        RUN echo $BASE
        """
    )
    assert [i.keyword for i in d.global_args] == ["ARG", "ARG"]
    build = d.final_stage
    assert d.base_image(build).text == "node:20"
    first_run, redeclare, second_run = build.instructions
    not_visible = d.resolve("$BASE", first_run)
    assert not not_visible.resolved and not_visible.unresolved == ("BASE",)
    assert d.resolve("$BASE", second_run).text == "node:20"
    assert d.resolve("$BASE", redeclare).unresolved == ("BASE",)  # before the ARG line
    # A global ARG without default is unset: plain use is unresolved, a default applies.
    assert d.resolve("${TAG}").unresolved == ("TAG",)
    assert d.resolve("${TAG:-20}").text == "20"


def test_build_args_override_defaults() -> None:
    d = df(
        """\
        ARG BASE=node:20
        FROM $BASE AS app
        ARG UID=1000
        USER $UID
        """
    )
    args = {"BASE": "node:22", "UID": "0"}
    assert d.base_image(d.final_stage, args).text == "node:22"
    user = d.effective_user(d.final_stage, args)
    assert user is not None and user.name == "0"
    default_user = d.effective_user(d.final_stage)
    assert default_user is not None and default_user.name == "1000"


def test_stages_names_parents_and_chain() -> None:
    d = df(
        """\
        ARG PARENT=Base
        FROM ubuntu:24.04 AS Base
        FROM base AS build
        FROM alpine:3.20
        FROM ${PARENT} AS final
        FROM later AS early
        FROM ubuntu:24.04 AS later
        """
    )
    base, build, third, final, early, later = d.stages
    assert [s.name for s in d.stages] == ["base", "build", None, "final", "early", "later"]
    assert build.parent == 0 and final.parent == 0
    assert third.parent is None and third.label == "2"
    assert early.parent is None  # FROM only sees earlier stages
    assert d.chain(final) == [base, final]
    assert d.chain(build) == [base, build]
    assert d.stage("BUILD") is build and d.stage(2) is third and d.stage("2") is third
    assert d.stage("nope") is None and d.stage(99) is None
    assert later.label == "later" and d.final_stage is later


def test_parent_depends_on_build_args() -> None:
    d = df("ARG FROM_STAGE=base\nFROM alpine:3.20 AS base\nFROM ${FROM_STAGE} AS app\n")
    app = d.final_stage
    assert [s.index for s in d.chain(app)] == [0, 1]
    assert [s.index for s in d.chain(app, {"FROM_STAGE": "debian:12"})] == [1]


def test_env_inherits_through_parent_chain_but_args_do_not() -> None:
    d = df(
        """\
        FROM alpine:3.20 AS base
        ARG VERSION=1
        ENV APP_HOME=/srv/app MAJOR=$VERSION
        FROM base AS app
        ENV APP_HOME=/opt/app LOG=$APP_HOME/log
        USER $MAJOR
        """
    )
    app = d.final_stage
    env_ins, user_ins = app.instructions
    assert d.resolve("$APP_HOME $MAJOR", env_ins).text == "/srv/app 1"
    assert d.resolve("$VERSION", user_ins).unresolved == ("VERSION",)
    # All pairs of one ENV see the values from before that ENV.
    assert d.resolve("$LOG", user_ins).text == "/srv/app/log"
    assert d.resolve("$APP_HOME", app).text == "/opt/app"


def test_env_wins_over_arg() -> None:
    d = df("FROM a:1\nENV V=env\nARG V=arg\nUSER $V\n")
    user = d.effective_user(d.final_stage)
    assert user is not None and user.expansion.text == "env"


def test_stage_name_and_from_errors() -> None:
    assert "one or three" in error("FROM a:1\nFROM alpine b c d\n").message
    assert error("FROM a:1\nFROM a AS\n").line == 2


def test_invalid_stage_names_are_kept_for_docker_020() -> None:
    # BuildKit refuses them; the parser keeps them so DOCKER-020 can report them.
    d = df("FROM alpine:3.20 AS 1abc\nFROM a:1 AS Build.Stage_2-x\nFROM b:1 AS x@y\nFROM c:1\n")
    assert [s.name for s in d.stages] == ["1abc", "build.stage_2-x", "x@y", None]
    assert [s.valid_name for s in d.stages] == [False, True, False, True]
    assert d.stage("1abc") is d.stages[0]


def test_instructions_before_from_are_kept() -> None:
    d = df("ARG A=1\nRUN echo early\nFROM alpine:3.20\n")
    assert [i.keyword for i in d.preamble] == ["ARG", "RUN"]
    assert [i.keyword for i in d.global_args] == ["ARG"]
    assert d.preamble[1].stage is None


# --------------------------------------------------------------------------- subject


def test_subject_label_line_and_target() -> None:
    d = df("FROM a:1 AS build\n\nFROM b:2 AS runtime\nFROM c:3\n")
    assert d.kind == "dockerfile" and d.key == "dockerfile"
    assert d.label == "stage:2" and d.line == 4
    assert d.target_stage("runtime").name == "runtime"
    assert d.target_stage("missing") is d.final_stage  # not in this file: the last stage
    assert d.target_stage() is d.final_stage
    assert d.shipped_title(d.final_stage) == "final stage #2"
    named = df("FROM a:1 AS Runtime\n")
    assert named.label == "stage:runtime" and named.line == 1
    assert named.shipped_title(named.final_stage) == "final stage 'runtime'"
    assert df("FROM a:1\n").shipped_title(df("FROM a:1\n").final_stage) == "the image"


def test_subject_label_follows_the_target_setting() -> None:
    text = "FROM a:1 AS build\nFROM b:2 AS runtime\nUSER 10001\nFROM c:3\n"

    def subject(target: str | None) -> Dockerfile:
        parsed = parse(Source(path="/x/Dockerfile", relpath="Dockerfile", text=text), target)
        d = parsed.subjects[0]
        assert isinstance(d, Dockerfile)
        return d

    # A named stage is labelled by its name, an unnamed one by its index; the line (where
    # an inline waiver of the whole file sits) is the shipped stage's FROM.
    assert (subject("runtime").label, subject("runtime").line) == ("stage:runtime", 2)
    assert (subject("RUNTIME").label, subject("1").label) == ("stage:runtime", "stage:runtime")
    assert (subject("0").label, subject("0").line) == ("stage:build", 1)
    assert (subject(None).label, subject(None).line) == ("stage:2", 4)
    assert subject("missing").label == "stage:2"  # no such stage here: the last one
    pragma = "# devops-policy: target=build\n" + text
    parsed = parse(Source(path="/x/Dockerfile", relpath="Dockerfile", text=pragma), "runtime")
    assert parsed.subjects[0].label == "stage:build"  # the file's own pragma wins


def test_target_pragma() -> None:
    d = df("# devops-policy: target= app\nFROM a:1 AS app\nFROM app AS debug\n")
    assert d.label == "stage:app" and d.line == 2
    assert d.target_stage("debug").name == "app"  # the file's own pragma wins
    assert error("# devops-policy: target=nope\nFROM a:1\n").line == 1


def test_waiver_lines_cover_the_top_of_the_file() -> None:
    d = df("ARG X=1\nFROM a:1 AS build\nFROM b:2\n")
    assert list(d.waiver_lines()) == [1, 2, 3]


def test_docker_settings_from_context() -> None:
    def options(**flat: object) -> DockerOptions:
        return Options.from_flat(flat, option_classes()).of(DockerOptions)

    assert options() == DockerOptions()
    s = options(**{"docker.target": "app", "docker.build_args": {"A": 1}})
    assert s.target == "app" and s.build_args == {"A": "1"}
    s = options(**{"docker.build_args": ["A=1", "B=x=y"]})
    assert s.build_args == {"A": "1", "B": "x=y"}
    with pytest.raises(ValueError, match="KEY=VALUE"):
        options(**{"docker.build_args": ["nope"]})


# --------------------------------------------------------------------------- onbuild, shell


def test_onbuild_is_recorded_separately() -> None:
    d = df("FROM a:1\nONBUILD RUN make\nONBUILD COPY --from=x / /\nRUN real\n")
    st = d.final_stage
    assert [i.keyword for i in st.instructions] == ["ONBUILD", "ONBUILD", "RUN"]
    assert [t.keyword for t in st.triggers] == ["RUN", "COPY"]
    assert [i.args for i in st.find("RUN")] == ["real"]
    assert st.triggers[1].flag("from") == "x"
    assert [r.source for r in d.image_references()] == ["FROM"]


def test_triggers_are_marked_and_follow_the_stage() -> None:
    d = df(
        """\
        FROM a:1
        ONBUILD RUN --mount=type=cache,target=/root/.cache make "$TARGET"
        RUN real
        ONBUILD COPY --chown=app . /src
        ONBUILD CMD ["child"]
        """
    )
    st = d.final_stage
    run, copy, cmd = st.triggers
    assert (run.keyword, run.line, run.onbuild, run.stage) == ("RUN", 2, True, 0)
    assert run.args == 'make "$TARGET"' and run.mounts[0]["target"] == "/root/.cache"
    assert copy.flag("chown") == "app" and d.copy_paths(copy).dest == "/src"
    assert cmd.exec_form == ("child",)
    assert not any(i.onbuild for i in st.instructions)  # the wrappers are not triggers
    # Steps: the stage's instructions, then its triggers, which run after all of them.
    assert [(i.keyword, i.onbuild) for i in st.steps][-3:] == [
        ("RUN", True),
        ("COPY", True),
        ("CMD", True),
    ]
    assert [i.line for i in st.find("RUN", "COPY", triggers=True)] == [3, 2, 4]
    assert [i.line for i in st.find("RUN", "COPY")] == [3]
    assert run.mark("RUN make") == "ONBUILD trigger: RUN make"
    assert st.find("RUN")[0].mark("RUN real") == "RUN real"
    assert repr(run).startswith("<ONBUILD RUN line 2")


def test_trigger_scope_is_the_child_build() -> None:
    d = df(
        """\
        ARG GLOBAL=g
        FROM a:1 AS base
        ENV INHERITED=i
        FROM base
        ARG VERSION=1.2
        ONBUILD RUN echo "$INHERITED $LATER $VERSION $GLOBAL $CHILD $DEFAULTED"
        ENV LATER=l
        ONBUILD ARG CHILD
        ONBUILD ARG DEFAULTED=d
        ONBUILD ENV FROM_TRIGGER=$DEFAULTED
        ONBUILD RUN echo "$FROM_TRIGGER"
        """
    )
    first, _arg, _arg2, _env, last = d.final_stage.triggers
    # The image's ENV (its parents', and ENV set after the trigger): this build's ARGs
    # are not the child's.
    scope = d.scope(first)
    assert (scope.lookup("INHERITED"), scope.lookup("LATER")) == ("i", "l")
    assert scope.lookup("VERSION") is Unresolved.UNKNOWN
    assert scope.lookup("GLOBAL") is Unresolved.UNKNOWN
    assert d.resolve("$VERSION", first, {"VERSION": "9"}).unresolved == ("VERSION",)
    # Triggers before it declare variables for it; a bare ARG is the child's to give.
    scope = d.scope(last)
    assert scope.lookup("CHILD") is Unresolved.UNKNOWN
    assert (scope.lookup("DEFAULTED"), scope.lookup("FROM_TRIGGER")) == ("d", "d")
    assert d.resolve("$LATER-$FROM_TRIGGER", last).text == "l-d"


def test_trigger_shell_is_the_image_shell() -> None:
    d = df(
        """\
        FROM debian:12 AS base
        SHELL ["/bin/bash", "-c"]
        FROM base
        ONBUILD RUN a | b
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN c
        ONBUILD SHELL ["/bin/sh", "-c"]
        ONBUILD RUN d | e
        """
    )
    first, _shell, last = d.final_stage.triggers
    assert d.shell(first) == ("/bin/bash", "-o", "pipefail", "-c")
    assert d.shell(last) == ("/bin/sh", "-c")
    assert d.shell(d.final_stage.find("RUN")[0]) == ("/bin/bash", "-o", "pipefail", "-c")


@pytest.mark.parametrize("trigger", ["FROM a", "ONBUILD RUN x", "MAINTAINER me"])
def test_onbuild_forbidden_triggers(trigger: str) -> None:
    assert error(f"FROM a:1\nONBUILD {trigger}\n").line == 2


def test_shell_changes() -> None:
    d = df(
        """\
        FROM debian:12 AS base
        RUN echo default
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN echo bash
        FROM base
        RUN echo inherited
        """
    )
    first, _shell, second = d.stages[0].instructions
    (third,) = d.final_stage.instructions
    assert d.shell(first) == ("/bin/sh", "-c")
    assert d.shell(second) == ("/bin/bash", "-o", "pipefail", "-c")
    assert d.shell(third) == ("/bin/bash", "-o", "pipefail", "-c")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("# only a comment\n", 1, "no FROM"),
        ("ARG A=1\nRUN x\n", 1, "no FROM"),
        ("", 1, "no FROM"),
        ("FROM a:1\nRUN ok\nFRUM b\n", 3, "unknown instruction: FRUM"),
        ("FROM a:1\nRUN a \\\n  b\nCOPPY x y\n", 4, "unknown instruction"),
        ("FROM a:1\nSHELL /bin/bash -c\n", 2, "JSON"),
        ("FROM a:1\nHEALTHCHECK PING x\n", 2, "HEALTHCHECK"),
        ("FROM a:1\nHEALTHCHECK NONE x\n", 2, "HEALTHCHECK"),
        ("FROM a:1\nHEALTHCHECK CMD\n", 2, "HEALTHCHECK"),
        ("FROM a:1\nENV ONLYNAME\n", 2, "two arguments"),
        ("FROM a:1\nENV A=1 B\n", 2, "name=value"),
        ("FROM a:1\nUSER\n", 2, "requires at least one argument"),
        ("FROM\n", 1, "requires at least one argument"),
    ],
)
def test_parse_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    err = error(text)
    assert err.line == line
    assert fragment in err.message


# --------------------------------------------------------------------------- decoding


def test_crlf_and_bom_via_engine_decode() -> None:
    raw = b"\xef\xbb\xbf# syntax=docker/dockerfile:1\r\nFROM alpine:3.20\r\nRUN a \\\r\n  b\r\n"
    d = df(decode(raw), dedent=False)
    assert d.directives == {"syntax": "docker/dockerfile:1"}
    assert keywords(d) == [("FROM", 2, 2), ("RUN", 3, 4)]
    assert d.final_stage.instructions[0].args == "a   b"


def test_crlf_and_bom_without_decode() -> None:
    d = df("\ufeffFROM alpine:3.20\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n", dedent=False)
    assert keywords(d) == [("FROM", 1, 1), ("RUN", 2, 4)]
    assert d.final_stage.instructions[0].heredocs[0].body == "echo hi\n"


# --------------------------------------------------------------------------- expansion


def _lookup(values: dict[str, str | Unresolved]):  # type: ignore[no-untyped-def]
    return lambda name: values.get(name, Unresolved.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "result", "unresolved"),
    [
        ("$A/${A}", "a/a", ()),
        ("${A:-d} ${E:-d} ${U:-d} ${N:-d}", "a d d ${N:-d}", ("N",)),
        ("${A-d} ${E-d} ${U-d}", "a  d", ()),
        ("${A:+x} ${E:+x} ${U:+x}", "x  ", ()),
        ("${A+x} ${E+x} ${U+x}", "x x ", ()),
        ("${U:-${A}-${U:-b}}", "a-b", ()),
        ("${U:-${B:-b}}", "${B:-b}", ("B",)),
        ("${A:?must be set} ${U:?no}", "a ${U:?no}", ("U",)),
        ("$U", "$U", ("U",)),
        ("${A#prefix}", "${A#prefix}", ("A",)),
        ("'$A' \"$A\" \\$A", "$A a $A", ()),
        ("$ and $1 and ${", "$ and $1 and ${", ()),
        ("pre${A}post$A_x", "preapost$A_x", ("A_x",)),
    ],
)
def test_expand(text: str, result: str, unresolved: tuple[str, ...]) -> None:
    values: dict[str, str | Unresolved] = {"A": "a", "E": "", "U": Unresolved.UNSET}
    e = expand(text, _lookup(values))
    assert e.text == result
    assert e.unresolved == unresolved
    assert e.resolved is (not unresolved)


def test_expand_records_references_and_escape_token() -> None:
    e = expand("${A}:$B", _lookup({"A": "x", "B": "y"}))
    assert e.references == ("A", "B")
    assert expand("a`$A b", _lookup({"A": "x"}), escape="`").text == "a$A b"
    assert expand("C:\\dir\\$A", _lookup({"A": "x"}), escape="`").text == "C:\\dir\\x"


def test_builder_platform_args_are_unknown() -> None:
    d = df("FROM --platform=$BUILDPLATFORM alpine:3.20\nARG TARGETARCH\nRUN x\n")
    run = d.final_stage.instructions[-1]
    assert d.resolve("${TARGETARCH:-amd64}", run).unresolved == ("TARGETARCH",)
    assert d.resolve("$BUILDPLATFORM").unresolved == ("BUILDPLATFORM",)


# --------------------------------------------------------------------------- users and images


@pytest.mark.parametrize(
    ("user", "root"),
    [
        ("root", True),
        ("0", True),
        ("00", True),
        ("0000", True),
        ("ContainerAdministrator", True),
        ("administrator", True),
        ("app", False),
        ("10001", False),
        ("0100", False),
        ("ContainerUser", False),
        ("rooter", False),
    ],
)
def test_is_root_user(user: str, root: bool) -> None:
    assert is_root_user(user) is root


def test_effective_user_takes_last_user_and_group() -> None:
    d = df("FROM a:1 AS base\nUSER root:root\nFROM base\nUSER app:staff\nRUN x\n")
    user = d.effective_user(d.final_stage)
    assert user is not None and (user.name, user.group) == ("app", "staff")
    base_user = d.effective_user(d.stages[0])
    assert base_user is not None and (base_user.name, base_user.group) == ("root", "root")
    assert df("FROM a:1\n").effective_user(df("FROM a:1\n").final_stage) is None


def test_windows_images() -> None:
    assert is_windows_image("mcr.microsoft.com/windows/servercore:ltsc2022")
    assert is_windows_image("mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022")
    assert is_windows_image("mcr.microsoft.com/windows:ltsc2019")
    assert not is_windows_image("ubuntu:24.04")
    d = df("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS w\nFROM w\n")
    assert d.is_windows(d.final_stage)


def test_image_references() -> None:
    d = df(
        """\
        ARG HELPER=busybox:1.36
        FROM golang:1.22 AS Build
        FROM scratch AS empty
        FROM alpine:3.20
        ARG HELPER=busybox:1.36
        COPY --from=build /a /a
        COPY --from=0 /a /b
        COPY --from=$HELPER /bin/wget /bin/wget
        RUN --mount=type=bind,from=python:3.12,target=/py --mount=type=cache,target=/c true
        """
    )
    refs = d.image_references()
    assert [(r.source, r.raw, r.instruction.line) for r in refs] == [
        ("FROM", "golang:1.22", 2),
        ("FROM", "scratch", 3),
        ("FROM", "alpine:3.20", 4),
        ("COPY --from", "build", 6),
        ("COPY --from", "0", 7),
        ("COPY --from", "$HELPER", 8),
        ("RUN --mount from", "python:3.12", 9),
    ]
    external = [r.expansion.text for r in refs if r.external]
    assert external == ["golang:1.22", "alpine:3.20", "busybox:1.36", "python:3.12"]
    assert refs[1].is_scratch and refs[1].image is None
    assert refs[3].stage is d.stages[0] and refs[4].stage is d.stages[0]
    assert refs[5].describe() == "COPY --from=$HELPER (= busybox:1.36)"


def test_image_matches_compares_name_and_tag_separately() -> None:
    def m(image: str, pattern: str) -> bool:
        return image_matches(parse_image(image), pattern)

    assert m("gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/*:*nonroot*")
    assert not m("gcr.io/distroless/static-debian12:latest", "gcr.io/distroless/*:*nonroot*")
    assert m("cgr.dev/chainguard/node:latest-dev", "cgr.dev/chainguard/*")
    assert m("app:1-nonroot@sha256:" + "a" * 64, "*:*nonroot*")
    assert not m("localhost:5000/nonroot", "*:*nonroot*")  # a port is no tag
    assert m("docker.io/library/node:20", "node:*") and m("node:20", "docker.io/library/node")


# --------------------------------------------------------------------------- performance


def test_parse_is_fast() -> None:
    text = textwrap.dedent(
        """\
        # syntax=docker/dockerfile:1.7
        ARG NODE=20.11
        FROM node:${NODE}-alpine AS build
        WORKDIR /app
        COPY package*.json ./
        RUN --mount=type=cache,target=/root/.npm npm ci
        COPY . .
        RUN npm run build && \\
            npm prune --omit=dev
        FROM node:${NODE}-alpine AS runtime
        ENV NODE_ENV=production PORT=3000
        WORKDIR /app
        COPY --from=build --chown=node:node /app/dist ./dist
        COPY --from=build --chown=node:node /app/node_modules ./node_modules
        USER node
        EXPOSE 3000
        HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3000/health || exit 1
        CMD ["node", "dist/server.js"]
        """
    )
    source = Source(path="/x/Dockerfile", relpath="Dockerfile", text=text)
    parse(source)
    runs = 200
    start = time.process_time()
    for _ in range(runs):
        parse(source)
    per_parse = (time.process_time() - start) / runs
    assert per_parse < 0.005  # typically ~0.2 ms; generous for slow CI machines


# --------------------------------------------------------------------------- secret names


@pytest.mark.parametrize(
    ("name", "secret", "known"),
    [
        ("DB_PASSWORD", True, False),
        ("db_passwd", True, False),
        ("GITHUB_TOKEN", True, True),
        ("api-key", True, False),
        ("APIKEY", True, False),
        ("CLIENT_SECRET", True, False),
        ("AWS_SECRET_ACCESS_KEY", True, True),
        ("PGPASSWORD", True, True),
        ("RABBITMQ_DEFAULT_PASS", True, True),
        ("RAILS_MASTER_KEY", True, True),
        ("TF_TOKEN_app_terraform_io", True, True),
        ("NODE_ENV", False, False),
        ("KEYBOARD_LAYOUT", False, False),
    ],
)
def test_secret_names(name: str, secret: bool, known: bool) -> None:
    assert is_secret_name(name) is secret
    assert is_known_secret_name(name) is known


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("DB_PASSWORD_FILE", "/run/secrets/db", True),
        ("API_KEY_PATH", None, True),
        ("SECRETS_DIR", "/run/secrets", True),
        ("TOKEN_URL", "https://auth.example.com/token", True),
        ("TOKEN_URL", "https://user:pw@auth.example.com/token", False),
        ("TOKEN_URL", "https://tok@example.com/", False),
        ("CLIENT_SECRET_ID", "abc", True),
        ("AWS_ACCESS_KEY_ID", "AKIA...", False),
        ("TOKEN_TTL", "3600", True),
        ("TOKEN_TTL", "15m", True),
        ("TOKEN_TTL", "abc", False),
        ("PASSWORD_MIN_LENGTH", "12", True),
        ("GOOGLE_APPLICATION_CREDENTIALS", "/k.json", True),
        ("DB_PASSWORD", "x", False),
        ("MAX_TOTAL_TOKENS", "4096", True),
        ("MAX_INPUT_TOKENS", "2048", True),
        ("NUM_TOKENS", "512", True),
        ("MIN_SECRET_SIZE", "16", True),
        ("MAX_TOTAL_TOKENS", "tok_9f8e7d6c5b4a", False),
        ("MAX_API_KEY", "sk-live-1234", False),
        ("DB_PASSWORD", "4096", False),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", "1", True),
        ("MYSQL_RANDOM_ROOT_PASSWORD", "yes", True),
        ("REDIS_PASSWORD_ENABLED", "true", True),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", "s3cr3t-Value", False),
        ("DB_PASSWORD", "true", False),
        ("SECRET_VERSION", "latest", True),
    ],
)
def test_allowed_names(name: str, value: str | None, allowed: bool) -> None:
    assert is_allowed_name(name, value) is allowed
    assert is_secret_like(name, value) is (is_secret_name(name) and not allowed)


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("", True),
        ('""', True),
        ("changeme", True),
        ("CHANGE_ME", True),
        ("<your token>", True),
        ("xxx", True),
        ("xxxxxxxx", True),
        ("example", True),
        ("dummy", True),
        ("${NPM_TOKEN}", True),
        ("$NPM_TOKEN", True),
        ("${{ secrets.NPM_TOKEN }}", True),
        ("ghp_realLookingToken123", False),
        ("changeme-later-9f8e", False),
        ("x", False),
        ("yourpassword", True),
        ("YourSecretKey", True),
        ("yourpassword9f8e7d", False),
    ],
)
def test_placeholders(value: str, placeholder: bool) -> None:
    assert is_placeholder(value) is placeholder


@pytest.mark.parametrize(
    ("name", "value", "placeholder"),
    [
        ("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL", True),
        ("DB_PASSWORD", "DB_PASSWORD", True),
        ("db-password", "DB_PASSWORD_HERE", True),
        ("DB_PASSWORD", "DB_PASSWORD_9f8E7d", False),
        ("DB_PASSWORD", "OTHER_VALUE", False),
    ],
)
def test_the_variables_own_name_is_a_placeholder(name: str, value: str, placeholder: bool) -> None:
    assert is_placeholder(value, name) is placeholder


# --------------------------------------------------------------------------- more parsing cases


def test_shebang_keeps_syntax_but_ends_other_directives() -> None:
    # The frontend selection skips a "#!" line; the parser itself stops reading directives.
    d = df("#!/usr/bin/env docker-build\n# syntax=acme/frontend:1\n# escape=`\nFROM a:1\n")
    assert d.directives == {"syntax": "acme/frontend:1"}
    assert d.directive("syntax") == ("acme/frontend:1", 2)
    assert d.escape == "\\"
    assert [line for line, _ in d.comments] == [1, 2, 3]
    assert df("#!/bin/sh\nFROM a:1\n").directives == {}


def test_directive_accessor() -> None:
    d = df("# SYNTAX=docker/dockerfile:1 --opt=x\n# check=error=true\nFROM a:1\n")
    assert d.directive("syntax") == ("docker/dockerfile:1 --opt=x", 1)
    assert d.directive("Check") == ("error=true", 2)
    assert d.directive("escape") is None


def test_bom_crlf_directives_and_chomped_heredoc() -> None:
    raw = (
        b'\xef\xbb\xbf# escape=`\r\nFROM a:1\r\nRUN <<-EOT\r\n\t\techo `\r\n\tEOT\r\nCMD ["x"]\r\n'
    )
    d = df(decode(raw), dedent=False)
    assert d.escape == "`"
    assert keywords(d) == [("FROM", 2, 2), ("RUN", 3, 5), ("CMD", 6, 6)]
    (run, _cmd) = d.final_stage.instructions
    assert run.heredocs[0].body == "echo `\n"  # the body is not a continued line


def test_backtick_continuation_with_comments_and_blank_lines() -> None:
    d = df(
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN Write-Host one; `\n"
        "    # dropped comment `\n"
        "\n"
        "    Write-Host C:\\path\\\n"
        'COPY ["C:\\\\src\\\\app", "C:\\\\dst\\\\"]\n',
        dedent=False,
    )
    assert keywords(d) == [("FROM", 2, 2), ("RUN", 3, 6), ("COPY", 7, 7)]
    run, copy = d.final_stage.instructions
    assert run.args == "Write-Host one;     Write-Host C:\\path\\"
    assert copy.exec_form == ("C:\\src\\app", "C:\\dst\\")
    paths = d.copy_paths(copy)
    assert [s.raw for s in paths.sources] == ["C:\\src\\app"] and paths.dest == "C:\\dst\\"


def test_heredoc_forms_on_run_copy_and_add() -> None:
    d = df(
        """\
        FROM python:3.12-slim
        RUN python3 <<EOF
        print("$HOME")
        EOF
        RUN <<A <<"B"
        echo a
        A
        echo $b
        B
        ADD --chmod=755 <<'SCRIPT' /usr/local/bin/run
        #!/bin/sh
        exec "$@"
        SCRIPT
        """
    )
    py, two, add = d.final_stage.instructions
    assert py.args == "python3 <<EOF" and py.heredocs[0].body == 'print("$HOME")\n'
    assert [(h.name, h.expand) for h in two.heredocs] == [("A", True), ("B", False)]
    assert (two.line, two.end_line) == (5, 9)
    assert add.heredocs[0].body == '#!/bin/sh\nexec "$@"\n' and not add.heredocs[0].expand
    assert d.comments == ()  # "#!/bin/sh" is heredoc content, not a comment


def test_lowercase_everything() -> None:
    d = df(
        """\
        from alpine:3.20 as base
        onbuild run echo child
        healthcheck --interval=5s cmd ["/bin/true"]
        from base
        copy --from=base /a /b
        entrypoint ["/app"]
        """
    )
    assert [i.keyword for i in d.instructions] == [
        "FROM", "ONBUILD", "HEALTHCHECK", "FROM", "COPY", "ENTRYPOINT",
    ]  # fmt: skip
    assert d.stages[0].triggers[0].keyword == "RUN"
    assert d.stages[0].instructions[1].exec_form == ("/bin/true",)
    assert d.final_stage.parent == 0


@pytest.mark.parametrize(
    "line",
    ['CMD ["node", 1]', "COPY [1, 2]", 'HEALTHCHECK CMD ["curl", null]', 'RUN ["a", ["b"]]'],
)
def test_json_arrays_of_non_strings_are_errors(line: str) -> None:
    err = error(f"FROM a:1\n{line}\n")
    assert err.line == 2 and "string" in err.message


@pytest.mark.parametrize(
    "line", ["COPY onlyone", "ADD https://example.com/x", 'COPY ["only"]', "COPY --from=x /a"]
)
def test_copy_and_add_need_a_destination(line: str) -> None:
    err = error(f"FROM a:1\n{line}\n")
    assert err.line == 2 and "destination" in err.message


def test_more_flags() -> None:
    d = df(
        """\
        FROM a:1
        ADD --unpack=false --checksum="sha256:abc" --link a.tar.gz /x/
        COPY --chown="app user:staff" -- --weird-name /dst/
        """
    )
    add, copy = d.final_stage.instructions
    assert add.flag("unpack") == "false" and add.flag("checksum") == "sha256:abc"
    assert add.has_flag("link") and add.args == "a.tar.gz /x/"
    assert copy.flag("chown") == "app user:staff" and copy.args == "--weird-name /dst/"


# --------------------------------------------------------------------------- model helpers


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        ('["node", "a.js"]', None),
        ("node a.js", None),
        ("['node', 'a.js']", "single quotes"),
        ('["node", "a.js",]', "trailing comma"),
        ('["node", "a.js"] extra', "closing bracket"),
        ('["node", "a.js"', "closing bracket"),
    ],
)
def test_json_form_hint(args: str, hint: str | None) -> None:
    got = json_form_hint(args)
    if hint is None:
        assert got is None
    else:
        assert got is not None and hint in got and "shell form" in got


def test_expansion_marks_unresolved_parts() -> None:
    values: dict[str, str | Unresolved] = {"A": "/srv", "U": Unresolved.UNSET}
    e = expand("$A/${X}/$U", _lookup(values))
    assert e.text == "/srv/${X}/$U" and e.unresolved == ("X", "U")
    assert e.marked == f"/srv/{UNRESOLVED_MARK}/{UNRESOLVED_MARK}"
    assert e.known_prefix == "/srv/"
    resolved = expand("$A/x", _lookup(values))
    assert resolved.marked is None and resolved.known_prefix == "/srv/x"
    assert expand("${X:-/d}/y", _lookup(values)).known_prefix == ""
    assert expand("${U:-/d}/${X#p}", _lookup(values)).known_prefix == "/d/"


@pytest.mark.parametrize(
    ("path", "absolute"),
    [
        ("/app", True),
        ("  /app", True),
        ("C:\\app", True),
        ("c:/app", True),
        ("C:", True),
        ("\\app", True),
        ("\\\\server\\share", True),
        ("app", False),
        ("./app", False),
        (".", False),
        ("", False),
        ("C:app", False),
        ("~/app", False),
    ],
)
def test_is_absolute_path(path: str, absolute: bool) -> None:
    assert is_absolute_path(path) is absolute


def test_copy_paths() -> None:
    d = df(
        """\
        FROM a:1
        COPY --chown=app a.txt "b.txt" /dst/
        COPY <<one.txt <<'two.txt' /etc/
        1
        one.txt
        2
        two.txt
        ADD ["https://example.com/x.tgz", "/opt/"]
        RUN true
        ONBUILD COPY x y
        """
    )
    copy, heredocs, add, run, onbuild = d.final_stage.instructions
    paths = d.copy_paths(copy)
    assert [s.raw for s in paths.sources] == ["a.txt", '"b.txt"'] and paths.dest == "/dst/"
    assert d.resolve(paths.sources[1].raw, copy).text == "b.txt"
    assert all(s.heredoc is None for s in paths.sources)
    hd = d.copy_paths(heredocs)
    assert [(s.raw, s.heredoc.name if s.heredoc else None) for s in hd.sources] == [
        ("<<one.txt", "one.txt"),
        ("<<'two.txt'", "two.txt"),
    ]
    assert d.copy_paths(add).dest == "/opt/"
    assert onbuild.trigger is not None and d.copy_paths(onbuild.trigger).dest == "y"
    with pytest.raises(ValueError, match="not COPY or ADD"):
        d.copy_paths(run)


def test_container_command_follows_buildkit() -> None:
    d = df(
        """\
        FROM a:1 AS base
        CMD ["serve"]
        FROM base AS ep
        ENTRYPOINT ["/app"]
        FROM base AS both
        CMD ["run"]
        ENTRYPOINT ["/app"]
        FROM ep AS cleared
        ENTRYPOINT []
        FROM base AS onbuild
        ONBUILD CMD ["child"]
        FROM a:1 AS empty
        CMD
        """
    )
    base, ep, both, cleared, onbuild, empty = d.stages
    c = d.container_command(base)
    assert c.entrypoint is None and c.cmd is not None and c.cmd.args == '["serve"]'
    c = d.container_command(ep)  # an ENTRYPOINT drops the CMD inherited from the parent
    assert c.entrypoint is not None and c.cmd is None
    c = d.container_command(both)  # ... but not one set earlier in its own stage
    assert c.entrypoint is not None and c.cmd is not None and c.cmd.args == '["run"]'
    c = d.container_command(cleared)  # ENTRYPOINT [] clears it
    assert c.entrypoint is None and c.cmd is None
    c = d.container_command(onbuild)  # a trigger sets nothing in this build
    assert c.cmd is base.instructions[0]
    assert d.container_command(empty).cmd is None


def test_stage_titles_and_reserved_names() -> None:
    one = df("FROM a:1\n")
    assert one.stage_title(one.final_stage) == "the image"
    d = df("FROM a:1 AS build\nFROM b:1\n")
    assert [d.stage_title(s) for s in d.stages] == ["stage 'build'", "stage #1"]
    assert {"scratch", "context"} == RESERVED_STAGE_NAMES
