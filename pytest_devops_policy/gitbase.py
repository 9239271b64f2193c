"""The merge-base of HEAD and a ref, and files as they were there (issue 22).

``--devops-policy-baseline-ref``: a pull request must not accept its own new findings, so
the baseline and the waivers are read from the commit the branch started from.
``--devops-policy-changed`` (``gitchanges.py``) diffs against the same commit. git runs as
a subprocess with a list argv (never a shell), never prompts and never takes the index lock;
nothing here writes to the repository.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field


class GitError(Exception):
    """Not a git repository, no git, or an unknown ref: a usage error for the caller."""


# A caller's GIT_DIR or GIT_WORK_TREE would point git at another repository.
_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")


def run_git(cwd: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_OPTIONAL_LOCKS"] = "0"  # a status read must not take the index lock
    try:
        return subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            input=stdin.encode("utf-8", "surrogateescape") if stdin is not None else b"",
            capture_output=True,
            env=env,
            check=False,
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None


_git = run_git


@dataclass
class MergeBase:
    """The merge-base commit of HEAD and ``ref``, and a reader of files at it."""

    ref: str
    top: str  # the repository's work tree
    commit: str
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)

    @property
    def short(self) -> str:
        return self.commit[:10]

    def repo_path(self, path: str) -> str | None:
        """``path`` (absolute or relative to the cwd) relative to the work tree, posix; None
        outside it."""
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(self.top))
        if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
            return None
        return rel.replace(os.sep, "/")

    def text(self, path: str) -> str | None:
        """The file's text at the merge-base; None when it did not exist there."""
        rel = self.repo_path(path)
        if rel is None:
            return None
        if rel not in self._texts:
            done = _git(self.top, "show", f"{self.commit}:{rel}")
            self._texts[rel] = (
                done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None
            )
        return self._texts[rel]


def merge_base(cwd: str, ref: str) -> MergeBase:
    top = _git(cwd, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise GitError(f"{cwd} is not inside a git repository")
    toplevel = top.stdout.decode("utf-8", "surrogateescape").strip()
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a ref")
    known = _git(
        toplevel, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
    )
    if known.returncode != 0:
        raise GitError(f"unknown ref {ref!r} (fetch it first: git fetch origin {ref})")
    base = _git(toplevel, "merge-base", "HEAD", known.stdout.decode().strip())
    if base.returncode != 0:
        raise GitError(f"HEAD and {ref} have no merge-base")
    return MergeBase(ref, toplevel, base.stdout.decode().strip())
