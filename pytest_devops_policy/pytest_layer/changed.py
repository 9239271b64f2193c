"""``--devops-policy-changed=REF``: judge the files changed since the merge-base with REF, and
the files whose results depend on them.

A file is *changed* when git says so (``gitchanges``). Another file is *pulled in* when

* one of its kind's ``Format.dependencies`` (what the result cache keys its outcome on) is a
  changed path, or a directory whose entries changed (a file added or removed there): the
  cache and this mode read one declaration, so they cannot disagree;
* it is a Kubernetes file whose index (its deployment units in ``k8s.scope``) applies a changed
  file, is shaped by a changed kustomization, or is a directory unit that lost a manifest
  (``k8s_run.scope_inputs``: names and kustomizations only, no manifest parsed);
* it is a repository (``.github::repository``) whose facts a change touches: a
  dependency-update config, or a package manifest added or removed (``facts_change``);
* it anchors cross-artifact verdicts (a workflow that builds or deploys, a workload) and a
  file of a kind they may link to changed (``xref_inputs.linked_kinds``: the result cache
  keys them on the same files);
* the settings file (``[tool.devops-policy]``: knobs, waivers) changed, which may change any
  verdict, or a ``conftest.py`` above it did (its policies and hooks).

Files neither changed nor pulled in are left out before anything parses them:
``pytest_ignore_collect`` answers for files, the repository node is not made. Computing a
file's dependencies may read it (a Dockerfile's build context needs its COPY lines); that
parse is released at once. The run is partial (``PARTIAL_RUN``): unused waivers are not
reported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

import pytest

from pytest_devops_policy.gitchanges import Changes, ChangesError, read_changes

if TYPE_CHECKING:
    from pytest_devops_policy.context import Context
    from pytest_devops_policy.kinds import Kind

__all__ = ["ChangedSelection", "from_settings"]

SHOWN = 10  # pulled-in files named in the summary; the rest are counted


def from_settings(
    rootdir: str,
    ref: str | None,
    context: Context,
    config_path: str | None = None,
    xref_kinds: frozenset[str] = frozenset(),
) -> ChangedSelection | None:
    """The selection of a run given ``--devops-policy-changed`` (None without it); git's
    complaint is one usage error. ``xref_kinds``: the kinds that anchor a selected
    cross-artifact policy."""
    if not ref:
        return None
    try:
        changes = read_changes(rootdir, ref)
    except ChangesError as exc:
        raise pytest.UsageError(f"--devops-policy-changed: {exc}") from None
    selection = ChangedSelection(changes, context, xref_kinds=xref_kinds)
    if config_path and os.path.normpath(os.path.abspath(config_path)) in changes.paths:
        selection.settings_changed = context.cache.relpath(config_path)
    return selection


@dataclass
class ChangedSelection:
    changes: Changes
    context: Context
    # path -> why it is judged though unchanged, in the order found
    pulled: dict[str, str] = field(default_factory=dict)
    _decided: dict[str, bool] = field(default_factory=dict)
    # The settings file, when it changed: every verdict may change (a knob, a waiver).
    settings_changed: str = ""
    xref_kinds: frozenset[str] = frozenset()

    def _rel(self, path: str) -> str:
        return self.context.cache.relpath(path)

    def wants(self, path: str, kind: Kind) -> bool:
        """Judge this file? (remembered: pytest may ask twice)."""
        norm = os.path.normpath(os.path.abspath(path))
        hit = self._decided.get(norm)
        if hit is None:
            why = "" if norm in self.changes.paths else self._why(norm, kind)
            hit = self._decided[norm] = why is not None
            if why:
                self.pulled[norm] = why
        return hit

    def _why_settings(self, path: str) -> str | None:
        if self.settings_changed:
            return f"the settings in {self.settings_changed} changed"
        policies = self._conftest(path)
        return f"{self._rel(policies)} changed" if policies else None

    def _why(self, path: str, kind: Kind) -> str | None:
        why = self._why_settings(path)
        if why:
            return why
        fmt = kind.format
        try:
            deps = fmt.dependencies(path, self.context)
        except Exception:  # the cache would analyse it uncached: judge it
            return "its dependencies could not be read"
        finally:
            if not fmt.keeps_parsed:
                self.context.cache.release(path, fmt)  # the reading above may have parsed it
        why = self._dependency(deps)
        if why is None and kind.name == "kubernetes":
            why = self._k8s(path)
        if why is None and kind.name in self.xref_kinds:
            why = self._xref(path, kind.name)
        return why

    def _xref(self, path: str, anchor: str) -> str | None:
        """A changed file that this file's cross-artifact verdicts may read."""
        from pytest_devops_policy.indexes.xref_inputs import is_link_source, linked_kinds, relevant
        from pytest_devops_policy.safefile import read_bytes

        cache = self.context.cache
        wanted = linked_kinds(anchor)
        changed = [
            p
            for p in sorted(self.changes.paths)
            if p != path
            and (
                (
                    (k := cache.classify(PurePath(p))) is not None
                    and k.name in wanted
                    and is_link_source(k.name, p)
                )
                or os.path.basename(p) in _KUSTOMIZATIONS
            )
        ]
        if not changed or not relevant(anchor, read_bytes(path) or b""):
            return None
        return f"links to {self._rel(changed[0])} (cross-artifact)"

    def _conftest(self, path: str) -> str | None:
        """A changed ``conftest.py`` whose scope holds ``path`` (its policies and hooks)."""
        for changed in sorted(self.changes.paths):
            if os.path.basename(changed) == "conftest.py":
                here = os.path.dirname(changed)
                if path.startswith(here.rstrip(os.sep) + os.sep):
                    return changed
        return None

    def _dependency(self, deps: list[str]) -> str | None:
        changes = self.changes
        for dep in deps:
            norm = os.path.normpath(dep)
            if norm in changes.paths:
                return f"reads {self._rel(norm)}"
            if norm in changes.listings:
                return f"lists {self._rel(norm).rstrip('/')}/, where a file was added or removed"
        return None

    def _k8s(self, path: str) -> str | None:
        from pytest_devops_policy.indexes.k8s_run import scope_inputs

        try:
            scope = scope_inputs(path, self.context)
        except Exception:
            return "its Kubernetes units could not be read"
        paths = self.changes.paths
        for changed in sorted(paths & scope.kustomizations):
            return f"its kustomization {self._rel(changed)} changed"
        for changed in sorted(paths & scope.files):
            if changed != path:
                return f"same Kubernetes unit as {self._rel(changed)}"
        for changed in sorted(paths):
            here = os.path.dirname(changed)
            in_tree = any(here == t or here.startswith(t + os.sep) for t in scope.trees)
            applied_here = here in scope.directories or in_tree
            if applied_here and _manifest_name(changed) and not os.path.exists(changed):
                return f"same Kubernetes unit as {self._rel(changed)} (removed)"
        return None

    def wants_repository(self, github_dir: str) -> bool:
        """Judge the repository of this ``.github`` directory?"""
        from pytest_devops_policy.indexes.repository import facts_change
        from pytest_devops_policy.kinds.github_repository import REPOSITORY

        norm = os.path.normpath(github_dir)
        hit = self._decided.get(norm)
        if hit is not None:
            return hit
        root = os.path.dirname(norm)
        why = self._why_settings(norm) or self._dependency(
            REPOSITORY.dependencies(norm, self.context)
        )
        if why is None:
            changes = self.changes
            for changed in sorted(changes.paths):
                listed = os.path.dirname(changed) in changes.listings
                reason = facts_change(root, changed, listed, changes.listings)
                if reason is not None:
                    why = f"{self._rel(changed)}: {reason}"
                    break
        self._decided[norm] = why is not None
        if why is not None:
            self.pulled[norm] = why
        return why is not None

    def summary(self) -> str:
        """``changed: N files since abc1234 (REF); M more pulled in: a (why), ...``."""
        changes = self.changes
        files = "file" if changes.count == 1 else "files"
        line = f"changed: {changes.count} {files} since {changes.short} ({changes.ref})"
        if not self.pulled:
            return line + "; nothing else pulled in"
        shown = [f"{self._rel(p)} ({why})" for p, why in list(self.pulled.items())[:SHOWN]]
        more = len(self.pulled) - SHOWN
        tail = f", and {more} more" if more > 0 else ""
        return f"{line}; {len(self.pulled)} more pulled in: {', '.join(shown)}{tail}"


_KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _manifest_name(path: str) -> bool:
    return path.lower().endswith((".yaml", ".yml", ".json"))
