"""Force pushes in CI scripts and actions (GHA-022): which ref a command rewrites, and how.

Read from a command's argv (``knowledge.shell``), never from the raw text, so that
``echo "git push --force"`` or a ``# git push -f`` comment is not a push:

* ``git [-C dir] [-c k=v] push [options] [remote [refspec...]]``: ``-f``/``--force``
  (also in short bundles such as ``-fu``), ``--force-with-lease[=…]``,
  ``--force-if-includes``, ``--mirror``, or a refspec starting with ``+``;
  ``--dry-run``/``-n`` and ``--help`` push nothing;
* ``gh api … git/refs/<ref> -F force=true`` (also ``-f``/``--field``/``--raw-field``);
* ``git push`` arguments given to an action (``EndBug/add-and-commit`` ``push:``).

A target is the branch a refspec writes (``+HEAD:main`` -> ``main``; ``refs/heads/x``
-> ``x``), a ``tag`` ref, or ``None`` when it cannot be known statically (no refspec:
the current branch; ``HEAD``; a ``${{ }}`` or shell variable; ``--mirror``/``--all``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_devops_policy.knowledge.shell import Command

__all__ = [
    "PROTECTED_BRANCH_GLOBS",
    "ForcePush",
    "command_force_pushes",
    "gh_api_force",
    "git_push_force",
    "git_subcommand",
    "is_protected",
    "literal_value",
    "push_args_force",
]

# Branches whose history others build on: rewriting them destroys work and audit trail.
PROTECTED_BRANCH_GLOBS: tuple[str, ...] = ("main", "master", "prod*", "release*")

# git's own options before the subcommand that take a separate value.
_GIT_GLOBAL_VALUED = frozenset(
    {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"}
)
# git push options that take a separate value (``--repo x``, ``-o opt``).
_PUSH_VALUED_LONG = frozenset({"--repo", "--receive-pack", "--exec", "--push-option"})
_PUSH_VALUED_SHORT = "o"
_FORCE_LONG = ("--force", "--force-with-lease", "--force-if-includes", "--mirror")
# gh api options that take a value; -f/-F carry the request fields.
_GH_API_VALUED = frozenset(
    {"-X", "--method", "-H", "--header", "-q", "--jq", "-t", "--template", "--input",
     "--hostname", "-p", "--preview", "--cache"}
)  # fmt: skip
_GH_FIELDS = frozenset({"-f", "-F", "--field", "--raw-field"})


@dataclass(frozen=True)
class ForcePush:
    """One forced ref update: how it was forced, and the ref it rewrites (``None``: unknown)."""

    how: str  # "--force", "+HEAD:main", "gh api … force=true"
    target: str | None  # a branch name, "tag <name>", or None when unresolved
    tag: bool = False

    def describe(self) -> str:
        if self.target is None:
            return "a branch that cannot be known statically"
        return f"tag '{self.target}'" if self.tag else f"branch '{self.target}'"


def is_protected(branch: str | None, default_branches: Sequence[str]) -> bool:
    """``main``, ``master``, ``prod*``, ``release*`` or a default branch (case-insensitive);
    an unresolved target counts as protected."""
    if branch is None:
        return True
    name = branch.lower()
    globs = (*PROTECTED_BRANCH_GLOBS, *(b.lower() for b in default_branches))
    return any(fnmatch.fnmatchcase(name, g) for g in globs)


def _dynamic(text: str) -> bool:
    return "$" in text or "`" in text


def _ref_target(ref: str) -> tuple[str | None, bool]:
    """(branch or tag name, is a tag) of a destination ref; (None, False) when unknown."""
    if not ref or _dynamic(ref) or ref in ("HEAD", "@"):
        return None, False
    if ref.startswith("refs/heads/"):
        return ref[len("refs/heads/") :], False
    if ref.startswith("refs/tags/"):
        return ref[len("refs/tags/") :], True
    if ref.startswith("refs/"):
        return ref, False
    return ref, False


def _refspec_target(spec: str) -> tuple[str | None, bool]:
    src, sep, dst = spec.lstrip("+").partition(":")
    return _ref_target(dst if sep else src)


def push_args_force(args: Sequence[str]) -> list[ForcePush]:
    """The forced updates of ``git push`` given ``args`` (everything after ``push``)."""
    flags: list[str] = []
    operands: list[str] = []
    tags = everything = False
    it = iter(args)
    for w in it:
        if w == "--":
            operands.extend(it)
            break
        if w in ("--dry-run", "--help", "-h") or (
            w.startswith("-") and not w.startswith("--") and "n" in w[1:].split("o", 1)[0]
        ):
            return []  # nothing is pushed
        if w.startswith("--"):
            name = w.split("=", 1)[0]
            if name in _FORCE_LONG:
                flags.append(w)
            elif name in ("--all", "--branches"):
                everything = True
            elif name == "--tags":
                tags = True
            elif name in _PUSH_VALUED_LONG and "=" not in w:
                next(it, None)
            continue
        if w.startswith("-") and len(w) > 1:
            letters = w[1:]
            for i, letter in enumerate(letters):
                if letter == "f":
                    flags.append("-f" if len(letters) == 1 else f"-f (in {w})")
                if letter in _PUSH_VALUED_SHORT:
                    if i == len(letters) - 1:
                        next(it, None)
                    break
            continue
        operands.append(w)
    mirror = any(f.startswith("--mirror") for f in flags)
    refspecs = operands[1:]
    everything = everything or mirror
    out: list[ForcePush] = []
    if flags:
        how = flags[0]
        if everything or (not refspecs and not tags):
            out.append(ForcePush(how, None))
        elif not refspecs and tags:
            out.append(ForcePush(how, "(all tags)", tag=True))
        for spec in refspecs:
            if spec.startswith(":"):
                continue  # a deletion, not a rewrite
            target, is_tag = _refspec_target(spec)
            out.append(ForcePush(how, target, is_tag))
        return out
    for spec in refspecs:
        if spec.startswith("+"):
            target, is_tag = _refspec_target(spec)
            out.append(ForcePush(spec, target, is_tag))
    return out


def git_subcommand(words: Sequence[str]) -> int | None:
    """The index of git's subcommand in ``words`` (``git -C dir push`` -> 3)."""
    i = 1
    while i < len(words):
        w = words[i]
        if w in _GIT_GLOBAL_VALUED:
            i += 2
            continue
        if w.startswith("-"):
            i += 1
            continue
        return i
    return None


def git_push_force(words: Sequence[str]) -> list[ForcePush]:
    """The forced updates a ``git … push …`` argv makes (``[]`` for anything else)."""
    if not words or words[0].rsplit("/", 1)[-1] != "git":
        return []
    sub = git_subcommand(words)
    if sub is None or words[sub] != "push":
        return []
    return push_args_force(words[sub + 1 :])


def _truthy_field(value: str) -> bool:
    return value.strip().strip("'\"").lower() == "true"


def gh_api_force(words: Sequence[str]) -> list[ForcePush]:
    """``gh api repos/o/r/git/refs/heads/main -X PATCH -F force=true``: a forced ref update."""
    if len(words) < 2 or words[0].rsplit("/", 1)[-1] != "gh" or words[1] != "api":
        return []
    endpoint: str | None = None
    forced = False
    it = iter(words[2:])
    for w in it:
        name, eq, inline = w.partition("=") if w.startswith("--") else (w, "", "")
        if name in _GH_FIELDS or (w[:2] in ("-f", "-F") and len(w) > 2 and not w.startswith("--")):
            value = (inline if eq else next(it, "")) if name in _GH_FIELDS else w[2:]
            key, _sep, val = value.partition("=")
            if key.strip() == "force" and _truthy_field(val):
                forced = True
            continue
        if name in _GH_API_VALUED:
            if not eq:
                next(it, None)
            continue
        if w.startswith("-"):
            continue
        if endpoint is None:
            endpoint = w
    if not forced or endpoint is None or "git/refs" not in endpoint:
        return []
    ref = endpoint.split("git/refs", 1)[1].lstrip("/").split("?", 1)[0]
    target, is_tag = _ref_target(f"refs/{ref}") if ref else (None, False)
    return [ForcePush("gh api … force=true", target, is_tag)]


_VAR = re.compile(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")


def literal_value(value: object) -> str | None:
    """A variable's value when it is a literal (GitLab's ``{value: …}`` form included): no
    ``$`` and no backquote, so the shell sees it as written."""
    if isinstance(value, Mapping):
        value = value.get("value")
    text = str(value) if isinstance(value, (str, int, float)) else None
    return text if text is not None and "$" not in text and "`" not in text else None


def command_force_pushes(
    commands: Iterable[Command], known: MutableMapping[str, str]
) -> Iterator[tuple[Command, ForcePush]]:
    """The force pushes of a script's commands, in order. ``known`` holds the literal
    variables the script sees (a branch in the step's env or ``variables:``); the script's
    own assignments update it as they run, so ``branch=main; git push -f origin $branch``
    targets main."""
    for c in commands:
        if not c.words:
            for assignment in c.assignments:
                name, _, value = assignment.partition("=")
                lit = literal_value(value)
                if lit is not None:
                    known[name] = lit
                else:
                    known.pop(name, None)
            continue
        words = (
            tuple(
                _VAR.sub(lambda m: known.get(m.group(1) or m.group(2), m.group(0)), w)
                for w in c.words
            )
            if known
            else c.words
        )
        for push in (*git_push_force(words), *gh_api_force(words)):
            yield c, push
