"""The events of one shell script (a GitHub ``run:`` or a GitLab script line), in order.

The script is read by the shared readers (``knowledge.ci.script_exprs.script_commands``:
the quote-aware segmenter of the §3.3 classifier, wrappers such as ``sudo``/``env``
peeled, each ``${{ }}`` kept and written back into the words). Each command goes to the
reader of its program (``kube``, ``containers``); ``echo "kubectl apply"`` runs ``echo``
and ``--help`` / ``-h`` / ``help`` print without doing anything, so they yield nothing.

The working directory is tracked through the script (§9.2-7): ``cd DIR`` (wherever it
is, not only ``cd DIR &&``: the shell keeps it for the rest of the script),
``pushd``/``popd``, and subshells ``( … )`` / ``$( … )`` that restore it. A ``cd`` to
``-``, ``~``, nothing or a command substitution makes it unknown (None).
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.knowledge.ci.script_exprs import script_commands
from pytest_devops_policy.knowledge.xref.argv import Call
from pytest_devops_policy.knowledge.xref.containers import container_events
from pytest_devops_policy.knowledge.xref.events import Event, Origin, join_path
from pytest_devops_policy.knowledge.xref.kube import helm_events, kubectl_events, kustomize_events
from pytest_devops_policy.knowledge.xref.rewrites import rewrite_events

__all__ = ["OriginFactory", "script_events"]

# (command position in the script, 1-based line in the script, the command as written)
OriginFactory = Callable[[int, int, str], Origin]

_READERS: dict[str, Callable[[Call], list[Event]]] = {
    "kubectl": kubectl_events,
    "kubectl-argo-rollouts": kubectl_events,
    "helm": helm_events,
    "kustomize": kustomize_events,
    "sed": rewrite_events,
    "yq": rewrite_events,
    "envsubst": rewrite_events,
}
_HELP = frozenset({"--help", "-h"})


def _is_help(words: tuple[str, ...]) -> bool:
    return any(w in _HELP for w in words[1:]) or words[1:2] == ("help",)


def _cd(cwd: str | None, args: tuple[str, ...]) -> str | None:
    dirs = [a for a in args if not a.startswith("-")]
    if not dirs or args[:1] == ("-",):
        return None
    target = dirs[0]
    if "$(" in target or "`" in target:
        return None
    return join_path(cwd, target)


def script_events(
    script: str, where: OriginFactory, cwd: str | None = "."
) -> tuple[list[Event], str | None]:
    """The events of ``script`` run from ``cwd`` (repository-relative), and the working
    directory it leaves behind (a GitLab job's script lines share one shell)."""
    events: list[Event] = []
    saved: list[tuple[str | None, list[tuple[str, ...]]]] = []  # at each "(": cwd, pipe
    pushed: list[str | None] = []
    pipe: list[tuple[str, ...]] = []
    for n, cmd in enumerate(script_commands(script)):
        seg = cmd.segment
        if seg.op == "(":
            saved.append((cwd, pipe))
            pipe = []
        elif seg.op not in ("|", "|&"):
            pipe = []
        words = tuple(cmd.shown(w) for w in cmd.command.words)
        name = words[0].rsplit("/", 1)[-1] if words else ""
        if name == "cd":
            cwd = _cd(cwd, words[1:])
        elif name == "pushd":
            pushed.append(cwd)
            cwd = _cd(cwd, words[1:])
        elif name == "popd":
            cwd = pushed.pop() if pushed else None
        elif words and not _is_help(words):
            text = " ".join(cmd.shown(seg.text).split())
            call = Call(
                words,
                where(n, seg.line, text),
                cwd,
                tuple(pipe),
                tuple((r.op, r.target) for r in cmd.command.redirects),
            )
            reader = _READERS.get(name, container_events)
            events += reader(call)
        pipe.append(words)
        if seg.next_op == ")" and saved:
            cwd, pipe = saved.pop()
    return events, cwd
