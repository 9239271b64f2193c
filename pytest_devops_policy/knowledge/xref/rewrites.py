"""Rewrite events: files a job changes before a later step reads them (catalog §9.2-1).

``sed -i`` (GNU ``-i[SUFFIX]``/``--in-place``, BSD ``-i ''``; the files follow the script,
or all positionals are files when ``-e``/``-f`` gave it), ``yq -i`` / ``yq e|eval -i``
(the files follow the expression) and ``envsubst [FORMAT] < a > b`` (``b`` is written
from ``a``). ``kustomize edit set image`` is read with the kustomize commands (``kube``).
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_devops_policy.knowledge.xref.argv import Call, parse_argv
from pytest_devops_policy.knowledge.xref.events import Event, Rewrite

__all__ = ["rewrite_events"]


def rewrite_events(call: Call) -> list[Event]:
    """``sed -i``, ``yq -i`` and ``envsubst < a > b`` (files changed in place or made)."""
    name = call.words[0].rsplit("/", 1)[-1]
    files: tuple[str, ...] = ()
    source = None
    if name == "sed":
        files = _sed_files(call.args)
    elif name == "yq":
        argv = parse_argv(call.args, {"-o", "--output-format", "-p", "--input-format", "-I"})
        if argv.has("-i", "--inplace"):
            pos = list(argv.positionals)
            if pos[:1] and pos[0] in ("e", "eval", "ea", "eval-all", "w", "write"):
                pos = pos[1:]
            files = tuple(pos[1:])
    elif name == "envsubst":
        outs = [t for op, t in call.redirects if op in (">", ">|", ">>")]
        ins = [t for op, t in call.redirects if op == "<"]
        files, source = tuple(outs[-1:]), (ins[0] if ins else None)
    if not files:
        return []
    return [Rewrite(origin=call.origin, cwd=call.cwd, tool=name, files=files, source=source)]


def _sed_files(args: Sequence[str]) -> tuple[str, ...]:
    in_place = False
    scripts = False
    positionals: list[str] = []
    it = iter(enumerate(args))
    for i, word in it:
        if word in ("-e", "--expression", "-f", "--file"):
            scripts = True
            next(it, None)
        elif word.startswith(("--expression=", "--file=")):
            scripts = True
        elif word.startswith("--in-place"):
            in_place = True
        elif word.startswith("-") and not word.startswith("--") and len(word) > 1:
            if "i" in word[1:]:
                in_place = True
                # BSD sed: `-i ''` (an empty backup suffix as its own word)
                if word == "-i" and i + 1 < len(args) and args[i + 1] == "":
                    next(it, None)
            if word[-1] in "ef" and word[1] != "i":
                scripts = True
                next(it, None)
        elif not word.startswith("-"):
            positionals.append(word)
    if not in_place:
        return ()
    return tuple(positionals if scripts else positionals[1:])
