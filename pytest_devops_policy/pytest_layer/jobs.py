"""``--devops-policy-jobs=N``: analyse files in N processes at collection.

Nothing is forked when the candidate files are those of the last collection jobs ran for
(``FINGERPRINT``): their results are cached. Unset, a run with at least ``AUTO_MIN_FILES``
candidate files uses one process per usable CPU, at most ``AUTO_MAX_JOBS`` (silently
serial where jobs cannot run, or when another thread exists: forking a threaded process
could leave a child blocked on a lock that thread held).

At the start of collection the run's candidate files are listed in the order pytest will
collect them (sorted names, depth first) and N-1 children are forked; they inherit
everything imported so far. The files are shared out in small units of consecutive files
(``claims.py``), each process owning every N-th. The Kubernetes index needs every
manifest's facts: each process extracts those of its own units, publishing them to the
result cache's journal and taking the others' (so each manifest is parsed about once, and
by the process likely to analyse it). Then units are taken near the parent's collection
point: children take the next free unit (their own first), analyse it and publish each
result with a hint naming its key; the parent collects as usual and, before
analysing a file, looks in the journals: a hint (filed under the run's id, the file's
bytes and its policies) spares it computing the key, whose dependencies (a Dockerfile's
build context, a manifest's deployment unit) cost more than reading the entry. A file no
one has taken, the parent takes and analyses; one a child is still analysing, it does not
wait for while free units remain: it analyses the next one ahead (and keeps the results).
So both work near the parent's collection point and finish together. A child that died,
lagged or computed a different key (a ``conftest.py`` it did not load, a listing that
missed an ``--ignore``) only costs time, never a wrong or missing result: the parent
analyses what it does not find.

Children write nothing to the terminal and leave with ``os._exit`` (no pytest teardown, no
cache or JUnit writes); the parent kills and reaps them when collection ends, however it
ends, and deletes their journals. Without ``fork`` (Windows), without the result cache, and
in xdist runs (their workers share the analysis themselves) the run is serial.
"""

from __future__ import annotations

import contextlib
import faulthandler
import fnmatch
import gc
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

import pytest

from pytest_devops_policy import discovery, kinds
from pytest_devops_policy.engine.registry import build_policy_set
from pytest_devops_policy.engine.resultcache import JOURNAL_PREFIX
from pytest_devops_policy.model import decode
from pytest_devops_policy.pytest_layer.claims import CHILD, DONE, PARENT, Claims
from pytest_devops_policy.pytest_layer.nodes import read_artifact
from pytest_devops_policy.settings import usable_cpus

if TYPE_CHECKING:
    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

__all__ = ["Jobs", "candidates", "start"]

# Unset, jobs are used from this many candidate files on: below it a fork and the
# children's start cost about what they save (and small runs are already fast). On the
# generated tree, 2 cores: 100 files 1.53 -> 1.31 s, 50 files 1.16 -> 1.13 s for a third
# more CPU.
AUTO_MIN_FILES = 100
# ...and at most this many processes: every child also walks the Kubernetes facts and
# holds a copy-on-write image of the parent, and only 2 cores were measured. ``jobs=N``
# or ``auto`` (one per CPU) asks for more.
AUTO_MAX_JOBS = 4

# The parent waits this long at most for a file a child took; then it stops waiting for
# children (one hung) and analyses what it does not find.
WAIT_LIMIT = 60.0


# In the cache generation's directory: the files of the last collection jobs ran for
# that ended normally (paths, sizes, mtimes). The same files again: their results are
# cached, and a warm run forks nothing. Only this decision reads it, never a verdict.
FINGERPRINT = "jobs-files"


class Jobs:
    """The children of one collection."""

    def __init__(
        self,
        state: DevopsPolicy,
        session: pytest.Session,
        claims: Claims,
        pids: list[int],
        fingerprint: str = "",
    ) -> None:
        self.state = state
        self.session = session
        self.claims = claims
        self.pids = pids
        self.fingerprint = fingerprint
        self._ended: set[int] = set()  # reaped: never signalled again (the pid may be reused)

    def deliver(self, path: str, look: Callable[[], str | None]) -> str | None:
        """``Peers.deliver``: the key of a file a child took, once published; meanwhile the
        parent analyses free units ahead. None: the parent analyses the file itself."""
        claims = self.claims
        unit = claims.unit_of.get(path)
        if unit is None or claims.reach(unit) == PARENT:
            return look()  # not listed, or the parent's (it may have analysed it ahead)
        deadline = 0.0
        while True:
            found = look()
            if found is not None or claims.state(unit) != CHILD:
                return found  # a child's unit is DONE: what it did not publish is ours
            ahead = claims.take(PARENT)
            if ahead is not None:
                self._analyse_ahead(ahead)
                continue
            if not self._children_alive():
                return look()
            now = time.monotonic()
            if not deadline:
                deadline = now + WAIT_LIMIT
            elif now > deadline:  # a child hangs: wait for none again, analyse here
                self.state.analyser.peers = None
                return None
            time.sleep(0.0005)

    def _analyse_ahead(self, unit: int) -> None:
        state, session = self.state, self.session
        for path, kind in self.claims.files_of(unit):
            with contextlib.suppress(Exception):  # analysed again, or reported, when collected
                _publish(state, session, path, kind, keep=True)
        self.claims.set(unit, DONE)

    def _children_alive(self) -> bool:
        for pid in self.pids:
            if pid not in self._ended and not _alive(pid):
                self._ended.add(pid)
        return len(self._ended) < len(self.pids)

    def stop(self, completed: bool = False) -> None:
        """Kill and reap every child (no zombie, none outlives collection), then drop their
        journals: the parent has read what it used, and its pack keeps that. After a
        collection that ``completed``, remember its files (``FINGERPRINT``)."""
        running = [pid for pid in self.pids if pid not in self._ended]
        for pid in running:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in running:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        self.claims.close()
        analyser = self.state.analyser
        analyser.peers = None
        analyser.ahead.clear()  # of files collection never reached (a conftest's ignore)
        results = analyser.results
        if results is None:
            return
        results.polling = False
        if completed and self.fingerprint:
            with contextlib.suppress(OSError):
                (results.directory / FINGERPRINT).write_text(self.fingerprint)
        prefixes = tuple(f"{JOURNAL_PREFIX}{pid}-" for pid in self.pids)
        with contextlib.suppress(OSError):
            for name in os.listdir(results.directory):
                if name.startswith(prefixes):
                    with contextlib.suppress(OSError):
                        os.unlink(results.directory / name)


def start(state: DevopsPolicy, session: pytest.Session) -> Jobs | None:
    """Fork the children, or say why the run stays serial (None)."""
    jobs = state.settings.jobs
    asked = jobs != 0  # set by the user: a run that stays serial says why
    if not asked:
        jobs = min(usable_cpus(), AUTO_MAX_JOBS)
    config = state.config
    if jobs <= 1 or hasattr(config, "workerinput"):
        return None
    if getattr(config.option, "dist", "no") not in ("no", None) or getattr(
        config.option, "numprocesses", None
    ):
        if asked:
            state.notes.append(
                "--devops-policy-jobs is ignored under xdist (-n): its workers share the analysis"
            )
        return None
    analyser = state.analyser
    if analyser.results is None:
        if asked:
            state.notes.append(
                "--devops-policy-jobs needs the result cache (not -p no:cacheprovider or "
                "--devops-policy-no-cache): the files were analysed in this process"
            )
        return None
    if not hasattr(os, "fork"):
        if asked:
            state.notes.append("--devops-policy-jobs needs fork(), which this platform lacks")
        return None
    if not asked and threading.active_count() > 1:
        return None  # another plugin's thread may hold a lock a forked child would need
    files = candidates(analyser.cache.roots, config, analyser.cache.classify)
    changed = state.changed
    if changed is not None:  # children must not analyse what the run leaves out
        files = [(p, k) for p, k in files if changed.wants(str(p), kinds.by_name(k))]
    if len(files) < (2 if asked else AUTO_MIN_FILES):
        return None
    try:
        # The kinds with policies (built without keeping it: conftests load as pytest goes).
        hook = session.gethookproxy(config.rootpath / "_")
        policy_set = build_policy_set(
            hook.pytest_devops_policy_add_policies(config=config), state.settings
        )
        selected = policy_set.kinds()
        reads_all = "secrets" in selected  # the SECRET policies read every collected file
        formats = list(
            {k: kinds.by_name(k).format for _, k in files if k in selected or reads_all}.values()
        )
    except Exception:  # reported where the files are collected
        return None
    # The selection is not part of the cache generation: another one has other results.
    fingerprint = _fingerprint(files, " ".join(sorted(p.id for p in policy_set.policies)))
    with contextlib.suppress(OSError):
        if (analyser.results.directory / FINGERPRINT).read_text() == fingerprint:
            return None  # the files of the last such run, unchanged: their results are cached
    analyser.results.poll()  # read the pack once, here: children inherit it
    analyser.cache.prime_xref = bool(policy_set.xref_kinds)
    try:
        claims = Claims(files, processes=jobs)
    except OSError:
        return None
    analyser.results.shared = True  # the parent publishes too: children skip its files
    analyser.results.polling = True
    pids: list[int] = []
    running = Jobs(state, session, claims, pids, fingerprint)
    analyser.peers = running
    sys.stdout.flush()  # a child must not flush a copy of the parent's buffered output
    sys.stderr.flush()
    try:
        for rank in range(1, jobs):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; coverage never sees it exit
                claims.rank = rank
                _child(state, session, formats, claims)
            pids.append(pid)
        # The run-wide facts of this process's own units, while the children extract theirs.
        analyser.prepare(formats, claims.mine)
    except BaseException:
        running.stop()
        raise
    return running


def _child(
    state: DevopsPolicy,
    session: pytest.Session,
    formats: list[kinds.Format],
    claims: Claims,
) -> None:
    """Analyse the units it takes and exit, whatever happens: never return into pytest."""
    try:
        # The inherited heap is shared copy-on-write: the cyclic GC must not walk it (that
        # would copy every page it touches and cost as much as the parent's collections).
        gc.freeze()
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it at once
        faulthandler.disable()  # it holds a copy of the terminal's descriptor
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        assert state.analyser.results is not None
        state.analyser.results.forked()
        state.analyser.prepare(formats, claims.mine)
        while (unit := claims.take(CHILD)) is not None:
            for path, kind in claims.files_of(unit):
                with contextlib.suppress(Exception):  # the parent analyses this file itself
                    _publish(state, session, path, kind)
            claims.set(unit, DONE)
    finally:
        os._exit(0)


def _publish(
    state: DevopsPolicy, session: pytest.Session, path: Path, kind_name: str, keep: bool = False
) -> bool | None:
    """What ``PolicyFile.collect`` would analyse of this file, with the same cache key; the
    files it turns into notes (too big, binary, UTF-16, Helm templates) are left to it
    (None). True: analysed here; False: already analysed."""
    policies = state.policies_at(path, session.gethookproxy(path))
    if not policies.reads(kind_name):
        return None
    if kind_name == "kubernetes" and state.charts.is_template(path):
        return None
    name = str(path)
    analyser = state.analyser
    data = read_artifact(name, name, kind_name, state.settings.max_file_size)
    if isinstance(data, str):
        return None
    fmt = kinds.by_name(kind_name).format
    text = decode(data, fmt.lone_cr_newline)
    relpath = analyser.relpath(name)
    return analyser.publish(name, relpath, kind_name, fmt, data, text, policies, keep)


def _alive(pid: int) -> bool:
    """Whether a forked child still runs (reaping it if it ended)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0


def _fingerprint(files: Sequence[tuple[Path, str]], selection: str) -> str:
    """The candidate files by path, kind, size, mtime and inode, and the policies selected:
    any edit, new or removed file changes it (an edit that keeps all three only makes the
    run serial)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(selection.encode() + b"\n")
    for path, kind in files:
        try:
            st = os.stat(path)
        except OSError:
            continue
        line = f"{path}\0{kind}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def candidates(
    roots: Sequence[str],
    config: pytest.Config,
    classify: Callable[[PurePath], kinds.Kind | None] = kinds.classify,
) -> list[tuple[Path, str]]:
    """The artifact files under ``roots`` and their kinds, in pytest's collection order
    (each directory's entries sorted by name, depth first). An approximation of what
    pytest will collect (``norecursedirs``, ``--ignore``, ``--ignore-glob``): a file
    missed or added here costs time, never correctness."""
    norecurse = [str(p) for p in config.getini("norecursedirs")]
    ignored = {Path(p).resolve() for p in config.getoption("ignore") or []}
    globs = [str(Path(g).absolute()) for g in config.getoption("ignore_glob") or []]
    found: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def skipped(path: Path) -> bool:
        return (bool(ignored) and path.resolve() in ignored) or any(
            fnmatch.fnmatch(str(path), g) for g in globs
        )

    def add(path: Path) -> None:
        kind = classify(path)
        if kind is not None and str(path) not in seen and not skipped(path):
            seen.add(str(path))
            found.append((path, kind.name))

    def walk(directory: Path) -> None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    name = entry.name
                    if name in discovery.SKIP_DIRS or skipped(path):
                        continue
                    if discovery.is_package_data(path):
                        continue
                    if name != ".github" and any(fnmatch.fnmatch(name, p) for p in norecurse):
                        continue
                    walk(path)
                elif entry.is_file(follow_symlinks=False):
                    add(path)
            except OSError:
                continue

    for root in roots:
        path = Path(root)
        if path.is_dir():
            walk(path)
        elif path.is_file():
            add(path)
    return found
