"""The analyser: one run's parsing, evaluation, result cache and xdist sharding, without pytest.

``analyse`` turns one file's bytes into a ``FileResult``: from the result cache when every
input is unchanged, else by parsing once and running every applicable policy. Under xdist,
workers share the work: worker k analyses every k-th cached file and reads its peers'
results as they appear (``ResultCache.wait``). ``close`` ends the run: the cache writes its
pack then.
"""

from __future__ import annotations

import contextlib
import gc
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.analysis import (
    SECRETS_SUBJECT,
    FileResult,
    analyse,
    with_secrets,
    with_secrets_subject,
)
from pytest_devops_policy.engine.budget import Budget, BudgetExceeded
from pytest_devops_policy.engine.registry import PolicySet
from pytest_devops_policy.engine.resultcache import ResultCache, settings_key, user_key
from pytest_devops_policy.kinds import Format
from pytest_devops_policy.model import ParsedFile, ParseError, Source
from pytest_devops_policy.options import Options, TfOptions

__all__ = ["SHARD_TIMEOUT", "Analyser", "Peers", "Shard"]

# How long a worker waits for a result its peer is analysing before it stops sharing and
# analyses everything itself (the peer crashed or diverged).
SHARD_TIMEOUT = 60.0


class Peers(Protocol):
    """The forked jobs of this run, as the analyser sees them."""

    def deliver(self, path: str, look: Callable[[], str | None]) -> str | None:
        """The key a job published for ``path`` (``look`` finds it), once there is one
        worth waiting for; None: analyse the file here."""


@dataclass(frozen=True)
class Shard:
    """This worker's index among ``count`` workers sharing the analysis."""

    index: int
    count: int


class Analyser:
    def __init__(
        self,
        rootdir: str,
        roots: list[str],
        options: Options,
        cache_dir: Path | None = None,
        shard: Shard | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.budget = budget if budget is not None else Budget(0, 0)
        self.results = None
        secret = user_key() if cache_dir is not None else None
        if cache_dir is not None and secret is not None:
            parser = options.of(TfOptions).hcl_parser
            key = settings_key(options.digest_items(), [f"hcl={parser}"])
            self.results = ResultCache(cache_dir, key, secret, shared=shard is not None)
        self.cache = ParseCache(rootdir, roots, self.results, options)
        self.context = Context(options, self.cache)
        self.shard = shard if self.results is not None else None
        self._files_seen = 0
        # Forked jobs (pytest_layer/jobs.py) publish results to their journals: look there
        # before analysing a file; they say whether one is worth waiting for.
        self.peers: Peers | None = None
        # What this process analysed ahead for itself while a job had the file it needed
        # (by key): taken as is, not decoded again from the cache; dropped with the jobs.
        self.ahead: dict[str, FileResult] = {}

    def close(self) -> None:
        """The run is over: persist what it analysed (once, not per file)."""
        if self.results is not None:
            self.results.close()

    def relpath(self, path: str) -> str:
        return self.cache.relpath(path)

    def analyse(
        self,
        path: str,
        relpath: str,
        kind: str,
        fmt: Format,
        data: bytes,
        text: str,
        policies: PolicySet,
        variant: str = "",
    ) -> FileResult:
        """The outcomes of one file. ``variant`` names a second reading of a kind's files
        (``helm-rendered``), so the cache keeps them apart."""
        results = self.results
        if self.peers is not None and results is not None and not variant:
            # A forked job that analysed (or looked up) this file names its key: reading
            # the entry costs nothing, computing the key would (its dependencies).
            name = results.hint_name(kind, relpath, data, policies)
            hinted = results.hint(name)
            if hinted is None:
                hinted = self.peers.deliver(path, lambda: results.hint(name))
            if hinted is not None:
                hit = self.ahead.pop(hinted, None)
                if hit is None:
                    hit = results.load(hinted, kind, text)
                if hit is not None:
                    self._files_seen += 1
                    return hit
        key = self._key(path, relpath, kind, fmt, data, policies, variant)
        if key is not None and results is not None:
            hit = self._cached(key, kind, text)
            if hit is not None:
                if not fmt.keeps_parsed:
                    self.cache.release(path, fmt)  # ``dependencies`` may have parsed it
                return hit
        return self._fresh(key, path, kind, fmt, text, policies)

    def _fresh(
        self, key: str | None, path: str, kind: str, fmt: Format, text: str, policies: PolicySet
    ) -> FileResult:
        """Analyse the file (not in the cache) and store its result under ``key``."""
        results = self.results
        # Parsing allocates many small acyclic objects; the cyclic GC would rescan the
        # whole (growing) heap again and again meanwhile (~15% of a cold run). It stays
        # paused until the documents are released and the result encoded for the cache:
        # freed objects no longer count towards a collection, so none is due on resuming.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            result = self._analyse(path, kind, fmt, text, policies)
            with_secrets(result, text)  # every output of the file is redacted with all of them
            if key is not None and results is not None and result.internal_error is None:
                results.store(key, result, text)
            if not fmt.keeps_parsed:
                self.cache.release(path, fmt)  # nothing else reads it: free the documents
        finally:
            if paused:
                gc.enable()
        return result

    def _key(
        self,
        path: str,
        relpath: str,
        kind: str,
        fmt: Format,
        data: bytes,
        policies: PolicySet,
        variant: str,
    ) -> str | None:
        """The file's result-cache key; None without a cache or when an input is unknown."""
        if self.results is None:
            return None
        deps = self._dependencies(fmt, path)
        token = self._token(fmt, path)
        if deps is None or token is None:
            return None
        if kind in policies.xref_kinds:
            from pytest_devops_policy.indexes import xref_inputs

            if xref_inputs.relevant(kind, data):
                # Its cross-artifact verdicts read other files: a change to one re-judges it.
                token = [*token, xref_inputs.run_token(self.cache, kind)]
        return self.results.key(variant or kind, relpath, data, policies, deps, token)

    def prepare(self, formats: list[Format], mine: Callable[[str], bool]) -> None:
        """What the run-wide indexes read of the files ``mine`` accepts (the Kubernetes
        facts), now: forked jobs and their parent split that work."""
        for fmt in formats:
            with contextlib.suppress(Exception):  # computed again, or reported, where needed
                fmt.prime(self.context, mine)

    def publish(
        self,
        path: str,
        relpath: str,
        kind: str,
        fmt: Format,
        data: bytes,
        text: str,
        policies: PolicySet,
        keep: bool = False,
    ) -> bool | None:
        """A forked job's work on one file: analyse and store it (True) unless a peer or the
        cache already has it (False; None: not cacheable). Nothing is decoded: the parent
        reads the entry. ``keep``: the parent analysing ahead keeps the result itself."""
        results = self.results
        if results is None:
            return None
        results.poll()  # before the key: the facts a run-wide index needs may be there
        key = self._key(path, relpath, kind, fmt, data, policies, "")
        if key is None:
            return None
        hint = results.hint_name(kind, relpath, data, policies)
        if results.has(key):
            results.put_hint(hint, key)
            return False
        result = self._fresh(key, path, kind, fmt, text, policies)
        if keep:
            self.ahead[key] = result
        results.put_hint(hint, key)  # after the entry: a parent that reads it finds both
        return True

    def _analyse(
        self, path: str, kind: str, fmt: Format, text: str, policies: PolicySet
    ) -> FileResult:
        try:
            with self.budget.enforced():
                parsed = self.cache.parse_with(path, fmt, text)
                if isinstance(parsed, ParseError):
                    error = (parsed.message, parsed.line, parsed.col)
                    result = FileResult(kind, parse_error=error)
                    # A file that does not parse is still read for secrets.
                    source = Source(path, self.cache.relpath(path), text)
                    scanned = with_secrets_subject(
                        ParsedFile(source, kind, []), _secrets_wanted(policies), self.context
                    )
                    if scanned.subjects:
                        result.resources = analyse(scanned, policies, self.context).resources
                    return result
                adjusted = fmt.adjust(parsed, self.context)
                scanned = with_secrets_subject(adjusted, _secrets_wanted(policies), self.context)
                return analyse(scanned, policies, self.context)
        except BudgetExceeded as exc:
            self.cache.release(path, fmt)
            return FileResult(kind, internal_error=str(exc))
        except RecursionError:
            return FileResult(kind, internal_error="the file nests too deeply to analyse")
        except Exception as exc:
            # (an `applies` predicate, kustomize reading...) fails this file, never the run.
            return FileResult(kind, internal_error=_short_traceback(exc))

    def _cached(self, key: str, kind: str, text: str) -> FileResult | None:
        assert self.results is not None
        index = self._files_seen
        self._files_seen += 1
        hit = self.results.load(key, kind, text)
        if hit is None and self.peers is not None:  # a forked job may have analysed it meanwhile
            self.results.poll()
            hit = self.results.load(key, kind, text)
        shard = self.shard
        if hit is None and shard is not None and index % shard.count != shard.index:
            hit = self.results.wait(key, kind, text, SHARD_TIMEOUT)
            if hit is None:
                self.shard = None  # the owner did not deliver: analyse everything here
        return hit

    def _token(self, fmt: Format, path: str) -> list[str] | None:
        """Run-wide inputs of a file's outcome (the Kubernetes index); None when they
        cannot be computed."""
        try:
            token = fmt.cache_token(path, self.context)
        except Exception:  # analyse uncached rather than fail collection
            return None
        return [token] if token else []

    def _dependencies(self, fmt: Format, path: str) -> list[str] | None:
        """The other files and directories a file's outcomes depend on; None: not cacheable."""
        try:
            return [str(p) for p in fmt.dependencies(path, self.context)]
        except Exception:  # a broken reader must not break collection: analyse, uncached
            return None


def _secrets_wanted(policies: PolicySet) -> bool:
    return bool(policies.for_subject(SECRETS_SUBJECT))


def _short_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-4))
