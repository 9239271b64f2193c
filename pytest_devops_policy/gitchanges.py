"""What changed since the merge-base with a ref, read from ``git`` (``--devops-policy-changed``).

The changed paths are the union of the committed diff ``merge-base..HEAD``, the staged and the
unstaged changes, and the untracked files (not ignored ones): what a pull request would bring
plus what is still on the disk. ``--name-status -M`` gives a rename's old and new path (both
count) and deleted paths (they count too: the files that read them must be judged again).

Besides the paths, ``listings`` are the directories whose entries changed: the parent of every
added, deleted, renamed or retyped path, and further up while the directory itself appeared or
went. A dependency on a directory is on its listing (the result cache digests a directory by its
entry names), so a file depending on one of them must be judged again.

git runs as a subprocess with a list argv, ``core.quotepath=off`` and ``-z`` output; a missing
repository, an unknown ref or a git failure is a ``ChangesError`` (a usage error upstream).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pytest_devops_policy.gitbase import GitError, merge_base
from pytest_devops_policy.gitbase import run_git as _git

__all__ = ["Changes", "ChangesError", "read_changes"]


class ChangesError(GitError):
    """The changes cannot be read: not a repository, an unknown ref, no merge-base."""


@dataclass(frozen=True)
class Changes:
    ref: str
    base: str  # the merge-base commit (full sha)
    top: str  # the repository's top directory, as the run spells it
    paths: frozenset[str]  # absolute and normalised: changed, added, deleted, both of a rename
    listings: frozenset[str]  # absolute directories whose entries changed
    count: int  # changed files as a person counts them (a rename is one)

    @property
    def short(self) -> str:
        return self.base[:7]


def _text(raw: bytes) -> str:
    return os.fsdecode(raw)


def _name_status(raw: bytes) -> list[tuple[str, list[str]]]:
    """``--name-status -z`` output: (status letter, [path] or [old, new])."""
    fields = [_text(f) for f in raw.split(b"\0")]
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i][:1]
        width = 2 if status in ("R", "C") else 1
        out.append((status, fields[i + 1 : i + 1 + width]))
        i += 1 + width
    return out


def _checked(done: subprocess.CompletedProcess[bytes], what: str) -> bytes:
    if done.returncode != 0:
        message = _text(done.stderr).strip().splitlines()
        raise ChangesError(f"git {what} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _existed_at(top: str, base: str, directories: Iterable[str]) -> set[str]:
    """Which of the (top-relative) directories were trees at ``base``: one git call."""
    wanted = sorted(set(directories))
    if not wanted:
        return set()
    done = _git(top, "cat-file", "--batch-check", stdin="".join(f"{base}:{d}\n" for d in wanted))
    lines = _text(_checked(done, "cat-file")).splitlines()
    # One answer line per question: "<sha> tree <size>" or "<question> missing".
    return {d for d, line in zip(wanted, lines, strict=False) if " tree " in line}


def _ancestors(rel: str) -> list[str]:
    """``a/b/c`` -> ``["a/b", "a", ""]``."""
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(len(parts), -1, -1)]


def _listings(top: str, base: str, added: Sequence[str], removed: Sequence[str]) -> set[str]:
    """Directories (top-relative, "" for the top) whose entry names changed."""
    out: set[str] = set()
    candidates = {a for rel in added for a in _ancestors(rel)[:-1]}
    before = _existed_at(top, base, candidates)
    for rel, gone in [(r, False) for r in added] + [(r, True) for r in removed]:
        for directory in _ancestors(rel):
            out.add(directory)
            if not directory:
                break
            # Up one more level only if this directory itself appeared (or went).
            exists_now = os.path.isdir(os.path.join(top, directory))
            if gone and not exists_now:
                continue
            if not gone and directory not in before:
                continue
            break
    return out


def read_changes(directory: str, ref: str) -> Changes:
    """The changes of the repository holding ``directory`` since its merge-base with ``ref``."""
    try:
        found = merge_base(directory, ref)
    except GitError as exc:
        raise ChangesError(str(exc)) from None
    top = _spelled_top(directory, found.top)
    base = found.commit
    entries: list[tuple[str, list[str]]] = []
    for what, args in (
        ("diff", ["diff", "--name-status", "-z", "-M", "--no-ext-diff", base, "HEAD"]),
        ("diff --cached", ["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--cached"]),
        ("diff", ["diff", "--name-status", "-z", "-M", "--no-ext-diff"]),
    ):
        entries += _name_status(_checked(_git(top, *args), what))
    untracked = _checked(
        _git(top, "ls-files", "-z", "--others", "--exclude-standard", "--full-name"), "ls-files"
    )
    entries += [("A", [_text(p)]) for p in untracked.split(b"\0") if p]
    paths: set[str] = set()
    added: list[str] = []
    removed: list[str] = []
    shown: set[str] = set()
    for status, names in entries:
        paths.update(names)
        shown.add(names[-1])
        if status == "R":
            removed.append(names[0])
            added.append(names[1])
        elif status in ("A", "C"):
            added.append(names[-1])
        elif status == "D":
            removed.append(names[0])
        elif status == "T":
            added.append(names[0])
    listings = _listings(top, base, added, removed)

    def absolute(rel: str) -> str:
        return os.path.normpath(os.path.join(top, *rel.split("/"))) if rel else top

    return Changes(
        ref=ref,
        base=base,
        top=top,
        paths=frozenset(absolute(p) for p in paths),
        listings=frozenset(absolute(d) for d in listings),
        count=len(shown),
    )


def _spelled_top(directory: str, real_top: str) -> str:
    """The top directory in ``directory``'s spelling (which may go through a symlink),
    so that changed paths compare equal with the paths collection sees."""
    here = os.path.abspath(directory)
    rel = os.path.relpath(os.path.realpath(here), os.path.realpath(real_top))
    if rel == ".":
        return here
    if rel.startswith(".."):
        return real_top
    return os.path.normpath(os.path.join(here, *[".."] * len(rel.split(os.sep))))
