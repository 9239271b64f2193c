"""What a run shares (``ParseCache``) and what a policy may read besides its subject
(``Context``): typed options and the run-wide index of its subject's kind.

``ParseCache`` is the run: the paths it checks, each file parsed once, per-file facts
persisted by content (``FactStore``), and ``memo`` for run-wide structures, keyed by the
function that builds them (never by strings). Formats and indexes build through it;
policies only see a ``Context``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import PurePath
from typing import Any, Protocol, TypeVar

from pytest_devops_policy import kinds, safefile
from pytest_devops_policy.discovery import Excludes
from pytest_devops_policy.model import ParsedFile, ParseError, Source, Subject, decode
from pytest_devops_policy.options import KindOptions, Options

__all__ = ["Context", "FactStore", "ParseCache"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
O = TypeVar("O", bound=KindOptions)  # noqa: E741
I = TypeVar("I")  # noqa: E741


class FactStore(Protocol):
    """Where per-file facts for cross-file indexes persist between runs (the result cache)."""

    def load_facts(self, key: str) -> Any: ...

    def store_facts(self, key: str, value: Any) -> None: ...


class ParseCache:
    """One run: its roots, each file parsed once, and run-wide structures built once.

    ``roots`` are the paths the run was asked to check (pytest's arguments): run-wide
    indexes walk them.
    """

    def __init__(
        self,
        rootdir: str,
        roots: Sequence[str] = (),
        facts: FactStore | None = None,
        options: Options | None = None,
    ) -> None:
        self.rootdir = rootdir
        self.roots = list(roots) or [rootdir]
        self.fact_store = facts
        self.options = options if options is not None else Options()
        # The run's --ignore/--ignore-glob paths, for indexes that walk a whole tree
        # (TF-022's trail search); the plugin sets them.
        self.excludes = Excludes()
        # The date waivers expire against (``Settings.today``; the plugin sets it): a policy
        # that honours another policy's waivers (XREF-010) judges expiry as the run does.
        self.today: dt.date = dt.date.today()
        # An XREF policy is selected: priming (``Format.prime``, forked jobs) extracts the
        # cross-artifact index's facts too, so that each process extracts half of them.
        self.prime_xref = False
        self._recognise: Callable[[PurePath], kinds.Kind | None] | None = None
        # path -> its kind: collection, the jobs' listing and the run-wide indexes each ask
        # about the same files (about 7 times each on a real repository).
        self._kinds: dict[str, kinds.Kind | None] = {}
        self._files: dict[tuple[str, kinds.Format], ParsedFile | ParseError] = {}
        self._memo: dict[tuple[Callable[..., Any], Hashable], Any] = {}
        # Results about one parsed object live as long as it (parsed files are released).
        self._about: weakref.WeakKeyDictionary[object, dict[Hashable, Any]] = (
            weakref.WeakKeyDictionary()
        )

    def classify(self, path: PurePath) -> kinds.Kind | None:
        """The kind of a file by its path, with the files the run's options add
        (``gha.workflow_dirs``): what collection and the run-wide indexes agree on."""
        name = str(path)
        try:
            return self._kinds[name]
        except KeyError:
            pass
        recognise = self._recognise
        if recognise is None:
            recognise = self._recognise = kinds.recogniser(self.rootdir, self.options)
        kind = self._kinds[name] = recognise(path)
        return kind

    def relpath(self, path: str) -> str:
        try:
            rel = os.path.relpath(path, self.rootdir)
        except ValueError:  # another drive on Windows
            rel = path
        if rel.startswith(".."):
            rel = path
        return rel.replace(os.sep, "/")

    def get(self, path: str, kind: str, text: str | None = None) -> ParsedFile | ParseError:
        """The file parsed as ``kind`` (or its ``ParseError``), parsed on first request."""
        return self.parse_with(path, kinds.by_name(kind).format, text)

    def parse_with(
        self, path: str, fmt: kinds.Format, text: str | None = None
    ) -> ParsedFile | ParseError:
        key = (path, fmt)
        hit = self._files.get(key)
        if hit is None:
            if text is None:  # another file an index reads: only a small regular file
                data = safefile.read_bytes(path)
                if data is None:
                    hit = self._files[key] = ParseError(f"{self.relpath(path)} is not readable")
                    return hit
                text = decode(data, fmt.lone_cr_newline)
            source = Source(path=path, relpath=self.relpath(path), text=text)
            try:
                hit = fmt.parse(source, self.options)
            except ParseError as exc:
                hit = exc
            self._files[key] = hit
        return hit

    def release(self, path: str, fmt: kinds.Format) -> None:
        hit = self._files.pop((path, fmt), None)
        if isinstance(hit, ParsedFile):
            hit.release()

    def forget(self) -> None:
        """Drop every parsed file and run-wide structure: once items are collected nothing
        reads them, and the run loop's reports would otherwise pile up on top of them."""
        for hit in self._files.values():
            if isinstance(hit, ParsedFile):
                hit.release(final=True)
        self._files.clear()
        self._memo.clear()
        self._about.clear()

    def memo(self, build: Callable[[ParseCache, K], T], key: K) -> T:
        """``build(self, key)``, once per run for each (build, key)."""
        slot = (build, key)
        if slot in self._memo:
            hit: T = self._memo[slot]
            return hit
        value = self._memo[slot] = build(self, key)
        return value

    def memo_on(self, owner: object, build: Callable[[], T], key: Hashable) -> T:
        """``build()`` once per run for each (owner, key), forgotten with ``owner``."""
        slots = self._about.get(owner)
        if slots is None:
            slots = self._about[owner] = {}
        if key in slots:
            hit: T = slots[key]
            return hit
        value = slots[key] = build()
        return value

    def facts(
        self, path: str, kind: str, name: str, extract: Callable[[ParsedFile | ParseError], T]
    ) -> T:
        """``extract(parsed file)``, remembered by file content across runs when a
        fact store is set: a warm run reads facts without parsing."""
        data = safefile.read_bytes(path)
        if data is None:
            return extract(ParseError(f"cannot read {path}"))
        key = None
        if self.fact_store is not None:
            h = hashlib.blake2b(digest_size=20)
            for part in (name, kind, self.relpath(path), data):
                raw = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
                h.update(len(raw).to_bytes(8, "little"))
                h.update(raw)
            key = h.hexdigest()
            hit: T | None = self.fact_store.load_facts(key)
            if hit is not None:
                return hit
        value = extract(self.get(path, kind, decode(data)))
        if key is not None and self.fact_store is not None:
            self.fact_store.store_facts(key, value)
        return value


class Context:
    """What a policy may read besides its subject: the run's typed options and the
    run-wide index of its subject's kind (built lazily, once per scope)."""

    def __init__(
        self,
        settings: Options | Mapping[str, Any],
        cache: ParseCache,
        subject: Subject[Any] | None = None,
    ) -> None:
        if isinstance(settings, Options):
            self._options = settings
        else:  # dotted keys, as golden cases and tests give them; validated here too
            self._options = Options.from_flat(settings, kinds.option_classes())
        self.cache = cache
        self.subject = subject

    @property
    def all_options(self) -> Options:
        return self._options

    def options(self, cls: type[O]) -> O:
        """The run's options of one kind: ``context.options(K8sOptions).min_replicas``."""
        return self._options.of(cls)

    def index(self, subject: Subject[I]) -> I:
        """The run-wide index the subject's kind gives its policies (``None`` for none)."""
        found: I = kinds.by_name(subject.kind).format.index(subject, self)  # type: ignore[assignment]
        return found

    def for_subject(self, subject: Subject[Any]) -> Context:
        return Context(self._options, self.cache, subject)
