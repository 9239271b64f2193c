"""A content-addressed cache of file results under pytest's cache directory.

A file's entry is keyed by everything its outcomes depend on: its bytes and
path, the bytes of the files its cross-file index reads (a Terraform module's
siblings) or the listings of the directories it looked into (a Dockerfile's
build context, digested by entry names), the policies that ran (builtin code,
plugin and conftest modules), the settings, and the parser backend. A changed
input is therefore a miss, never a stale hit. ``pytest --cache-clear`` empties it.

Entries live in one pack file per settings generation, read once when the run
first needs it and written once when it ends (issue 15: a file per entry cost
more than a millisecond each). A pack is a header line and one line per entry,
``<hmac> <name> <json>``, each signed with this user's key: a line that is not
(partial, corrupt, forged, from another user) is dropped on reading, a pack
without the header is ignored whole. It is replaced atomically (temporary file
plus rename); a writer first merges the entries a concurrent run wrote since
this run read it. Its size is bounded: the entries this run used come first,
then the older ones, and a pack keeps at most max(``MIN_KEPT_ENTRIES``, twice
the entries this run used), so entries unused for many runs fall off the end.

The same directory lets xdist workers share the work: worker k analyses the
files whose collection index is k modulo the worker count, and reads the
others' results as they appear. For that, each worker also appends its results
to its own journal (one open file, one write per entry); peers tail the
journals while they wait, and a worker deletes its journal once its pack is
written.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import importlib.metadata
import inspect
import json
import os
import shutil
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pytest_devops_policy.api import Policy, Severity
from pytest_devops_policy.engine.analysis import FileResult, ResourceResult, outcome
from pytest_devops_policy.engine.evaluate import ResolvedViolation
from pytest_devops_policy.engine.registry import PolicySet
from pytest_devops_policy.masking import redact

HINT_PREFIX = "hint-"  # a journal line naming a file's key (ResultCache.hint)
READ_FOR_SECRETS = "secrets"  # the kind of a file read only for secrets (engine.analysis)
_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the whole plugin, not engine/
_JUDGING_DISTRIBUTIONS = (
    "PyYAML",
    "tree-sitter",
    "tree-sitter-hcl",
    "bashlex",
    "kubernetes-validate",
)


def _digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _file_digest(path: str | Path) -> str:
    try:
        with open(path, "rb") as fh:
            return _digest(fh.read())
    except OSError:
        return "missing"


def _listing_digest(path: str | Path) -> str:
    """A directory by its sorted entry names (and kinds), not their content: what a glob
    expansion or a directory walk saw."""
    names: list[str] = []
    try:
        with os.scandir(path) as it:
            for entry in it:
                try:
                    if entry.is_symlink():
                        mark = "@"
                    elif entry.is_dir(follow_symlinks=False):
                        mark = "/"
                    else:
                        mark = ""
                except OSError:
                    mark = "?"
                names.append(entry.name + mark)
    except OSError:
        return "unlistable"
    return _digest("dir", *sorted(names))


def dependency_digest(path: str | Path) -> str:
    """A dependency of a file's outcome: a directory by its listing, a file by its bytes.
    Anything else (a FIFO, a device) only by its type: opening it could block."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISDIR(mode):
        return _listing_digest(path)
    if stat.S_ISREG(mode):
        return _file_digest(path)
    return f"special:{stat.S_IFMT(mode)}"


def package_digest() -> str:
    """The plugin's own code: any edit to a policy or parser invalidates results."""
    parts = [f"format={FORMAT_VERSION}", f"python={sys.version_info[:2]}"]
    # The parsers and schemas verdicts are made with: an upgrade of one re-judges.
    for dist in _JUDGING_DISTRIBUTIONS:
        try:
            parts.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{dist}=absent")
    for path in package_files():
        parts.append(f"{path.relative_to(_PACKAGE_DIR).as_posix()}={_file_digest(path)}")
    return _digest(*parts)


def package_files() -> list[Path]:
    """The plugin's code and its data tables (end-of-life dates, registry-module
    stand-ins), which decide verdicts like code does."""
    data = (p for p in (_PACKAGE_DIR / "data").rglob("*") if p.is_file())
    return sorted([*_PACKAGE_DIR.rglob("*.py"), *data])


def _policy_origin(policy: Policy) -> str:
    module = sys.modules.get(policy.func.__module__)
    if module is not None and module.__name__.startswith("pytest_devops_policy."):
        return "builtin"  # covered by package_digest
    try:
        source = inspect.getsourcefile(policy.func)
    except TypeError:
        source = None
    if source is None:
        return f"uncacheable:{os.getpid()}:{time.time_ns()}"  # never the same key twice
    return _file_digest(source)


# The pack of one settings generation, and the xdist journals beside it.
PACK_NAME = "pack"
JOURNAL_PREFIX = "journal-"
JOURNAL_RELIST = 0.05
# A pack (or journal) over this size is not read: a miss, never a run out of memory.
MAX_PACK_BYTES = 256 * 1024 * 1024
# A pack keeps at most max(this, twice the entries of the run) entries (module docstring).
MIN_KEPT_ENTRIES = 20_000
# A journal untouched this long belongs to a crashed worker: read it, then delete it.
STALE_JOURNAL_SECONDS = 3600.0
_MAC_HEX = 64  # hex digits of an HMAC-SHA256
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _pack_header() -> bytes:
    return f"pytest-devops-policy result pack {FORMAT_VERSION}".encode()


def _read_from(path: Path, offset: int = 0) -> bytes | None:
    """The bytes of a regular file from ``offset`` (None: absent, special or too big).
    Never blocks on a FIFO: the cache directory may sit inside the scanned tree."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_PACK_BYTES:
            return None
        if offset:
            os.lseek(fd, offset, os.SEEK_SET)
        chunks = []
        while chunk := os.read(fd, 1 << 22):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _stat_id(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@contextlib.contextmanager
def _locked(path: Path, timeout: float = 5.0) -> Iterator[None]:
    """Writers take turns merging, so a concurrent run's entries are not lost. Best effort:
    without ``fcntl`` or after ``timeout`` the write goes ahead unlocked, and the atomic
    rename still keeps the pack whole."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # releases the lock


class ResultCache:
    def __init__(
        self, directory: Path, settings_key: str, secret: bytes, *, shared: bool = False
    ) -> None:
        """``shared``: an xdist worker, whose peers read its results while it runs."""
        self.secret = secret
        self.base = _digest(package_digest(), settings_key)
        self.directory = directory / self.base[:16]
        self.pack = self.directory / PACK_NAME
        self.shared = shared
        self._policy_keys: dict[int, str] = {}
        self._digests: dict[str, str] = {}
        self.hits = 0
        self.stores = 0
        # name -> its signed line (verified), in pack order, then journals and this run's.
        self._entries: dict[str, bytes] = {}
        self._hints: dict[str, bytes] = {}  # key hints read from this run's journals
        self.run_id = os.urandom(16).hex()  # shared with the jobs forked from this process
        self._used: dict[str, bytes] = {}  # what this run read or wrote, in that order
        self._loaded = False  # read lazily: an xdist controller never needs it
        self._pack_id: tuple[int, int, int] | None = None
        self._journal: int | None = None  # this worker's descriptor, opened on its first store
        self._journal_path: Path | None = None
        self._offsets: dict[str, int] = {}  # how far each peer journal was read
        self._journals: list[str] = []  # the peer journals last listed, and when
        self._listed = -1.0
        self._closed = False
        # Forked jobs run (pytest_layer/jobs.py): a missing fact may be in a peer's journal.
        self.polling = False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for other in directory.iterdir():  # results of older code or other settings
                if other != self.directory and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
        except OSError:
            pass

    # -- authentication: a cache inside a checkout may have been written by anyone ----------

    def _mac(self, name: str, payload: bytes) -> bytes:
        return hmac.new(self.secret, name.encode() + b"\0" + payload, hashlib.sha256).digest()

    def _line(self, name: str, payload: str) -> bytes:
        body = payload.encode("utf-8")
        return self._mac(name, body).hex().encode() + b" " + name.encode() + b" " + body

    def _take(
        self, data: bytes, into: dict[str, bytes], hints: dict[str, bytes] | None = None
    ) -> None:
        """Every line of ``data`` this user's key signed, into ``into`` by name (a partial,
        corrupt or forged line is skipped: a miss, never trusted). Key hints go to
        ``hints`` when they come from this run's journals, and nowhere from a pack."""
        for line in data.split(b"\n"):
            name_end = line.find(b" ", _MAC_HEX + 1)
            if name_end < 0 or line[_MAC_HEX : _MAC_HEX + 1] != b" ":
                continue
            try:
                name = line[_MAC_HEX + 1 : name_end].decode("ascii")
            except UnicodeDecodeError:
                continue
            mac = self._mac(name, line[name_end + 1 :]).hex().encode()
            if hmac.compare_digest(line[:_MAC_HEX], mac):
                if name.startswith(HINT_PREFIX):
                    if hints is not None:
                        hints[name] = line
                    continue
                into[name] = line

    @staticmethod
    def _body(name: str, line: bytes) -> bytes:
        return line[_MAC_HEX + 2 + len(name) :]

    # -- the pack and the journals ----------------------------------------------------------

    def _read_pack(self) -> tuple[dict[str, bytes], tuple[int, int, int] | None]:
        found: dict[str, bytes] = {}
        pack_id = _stat_id(self.pack)  # before reading: a swap in between merges again
        data = _read_from(self.pack)
        if data:
            header, _, rest = data.partition(b"\n")
            if header == _pack_header():  # another format: ignored whole
                self._take(rest, found)
        return found, pack_id

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        self._entries, self._pack_id = self._read_pack()
        self._poll_journals(at_start=True)

    def _poll_journals(self, at_start: bool = False) -> None:
        """Read what peers appended to their journals since the last poll (only whole
        lines: a writer may be in the middle of one)."""
        # A peer opens its journal once: once one is known, the directory is listed again
        # at most every JOURNAL_RELIST seconds (polls come per file, and a late listing
        # only costs a result analysed twice).
        now = time.monotonic()
        if at_start or not self._journals or now - self._listed >= JOURNAL_RELIST:
            try:
                listing = os.listdir(self.directory)
            except OSError:
                return
            own = self._journal_path.name if self._journal_path is not None else None
            self._journals = [n for n in listing if n.startswith(JOURNAL_PREFIX) and n != own]
            self._listed = now
        for name in self._journals:
            path = self.directory / name
            offset = self._offsets.get(name, 0)
            data = _read_from(path, offset)
            if not data:
                continue
            end = data.rfind(b"\n") + 1
            self._offsets[name] = offset + end
            self._take(data[:end], self._entries, self._hints)
            if at_start:
                with contextlib.suppress(OSError):
                    if time.time() - os.stat(path).st_mtime > STALE_JOURNAL_SECONDS:
                        os.unlink(path)  # a crashed worker's: its entries are read

    def _append(self, line: bytes) -> None:
        """Publish one entry to the peers: one write on an unbuffered append-only file."""
        try:
            if self._journal is None:
                self._journal_path = self.directory / (
                    f"{JOURNAL_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
                )
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
                self._journal = os.open(self._journal_path, flags, 0o600)
            data = memoryview(line + b"\n")
            while data:
                data = data[os.write(self._journal, data) :]
        except OSError:
            self.shared = False  # peers time out and analyse themselves; the pack still works

    # -- key hints: within one run, a forked job tells its parent a file's key ------------

    def hint_name(self, kind: str, relpath: str, data: bytes, policies: PolicySet) -> str:
        """What a hint is filed under: the run, the file's bytes and the policies judging
        it. The rest of a key (dependencies, run-wide tokens) is the same for every process
        of one run, which reads the same files; the run id (inherited by forked jobs, new
        in every run) keeps a journal a killed run left behind from hinting at a later
        run, whose files may differ."""
        return HINT_PREFIX + _digest(self.run_id, self._policies_key(policies), kind, relpath, data)

    def put_hint(self, name: str, key: str) -> None:
        """Publish a file's key to the peers (never kept in the pack: a later run's files
        may differ)."""
        line = self._line(name, key)
        self._hints[name] = line  # this process's own (a parent that analysed ahead)
        if self.shared:
            self._append(line)

    def hint(self, name: str) -> str | None:
        """The key a peer computed for the file ``name`` hints at, if it published one."""
        self._ensure_loaded()
        line = self._hints.get(name)
        if line is None and self.polling:
            self._poll_journals()
            line = self._hints.get(name)
        if line is None:
            return None
        return self._body(name, line).decode("ascii", "replace")

    def poll(self) -> None:
        """Read what peers (xdist workers, forked jobs) published since the last poll."""
        self._ensure_loaded()
        self._poll_journals()

    def has(self, key: str) -> bool:
        self._ensure_loaded()
        return key in self._entries

    def forked(self) -> None:
        """In a process just forked from the one that owns this cache: publish to a journal
        of its own (never the parent's descriptor), and never write the pack (the parent
        writes what it used)."""
        self._journal = None
        self._journal_path = None
        self.shared = True
        self._closed = True

    def close(self) -> None:
        """Write the pack (once per run or xdist worker) and drop this worker's journal."""
        if self._closed:
            return
        self._closed = True
        if self._journal is not None:
            with contextlib.suppress(OSError):
                os.close(self._journal)
        try:
            if self._used and not self._pack_is_current():
                self._write_pack()
        finally:
            if self._journal_path is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._journal_path)

    def _pack_is_current(self) -> bool:
        """Nothing new and the pack already starts with what this run used (a warm run
        does not rewrite it)."""
        if self.stores:
            return False
        first = list(self._entries)[: len(self._used)]
        return set(first) == self._used.keys() and _stat_id(self.pack) == self._pack_id

    def _write_pack(self) -> None:
        with _locked(self.directory / ".lock"):
            self._merge_and_write()

    def _merge_and_write(self) -> None:
        kept = dict(self._used)
        if _stat_id(self.pack) != self._pack_id:  # a concurrent run wrote it: keep its work
            theirs, _ = self._read_pack()
            for name, line in theirs.items():
                kept.setdefault(name, line)
        for name, line in self._entries.items():
            kept.setdefault(name, line)
        limit = max(MIN_KEPT_ENTRIES, 2 * len(self._used))
        lines = list(kept.values())[:limit]
        tmp = self.directory / f".{PACK_NAME}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            with open(tmp, "wb") as fh:
                # Line by line: one joined copy of every entry would raise the run's peak.
                fh.write(_pack_header() + b"\n")
                for line in lines:
                    fh.write(line)
                    fh.write(b"\n")
            os.replace(tmp, self.pack)  # readers see the whole pack or the previous one
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    # -- keys ---------------------------------------------------------------------------

    def _policies_key(self, policies: PolicySet) -> str:
        key = self._policy_keys.get(id(policies))
        if key is None:
            key = _digest(*(f"{p.id}:{_policy_origin(p)}" for p in policies.policies))
            self._policy_keys[id(policies)] = key
        return key

    def _dep_digest(self, path: str) -> str:
        hit = self._digests.get(path)
        if hit is None:
            hit = self._digests[path] = dependency_digest(path)
        return hit

    def key(
        self,
        kind: str,
        relpath: str,
        data: bytes,
        policies: PolicySet,
        dependencies: Iterable[str] = (),
        tokens: Iterable[str] = (),
    ) -> str:
        """``dependencies`` are paths (digested here); ``tokens`` are digests the
        format computed itself (the Kubernetes index of the file's scope)."""
        deps = [f"{os.path.basename(p)}={self._dep_digest(p)}" for p in dependencies]
        deps += [f"token={t}" for t in tokens]
        return _digest(self._policies_key(policies), kind, relpath, data, *deps)

    # -- results ------------------------------------------------------------------------

    def _get(self, name: str) -> bytes | None:
        """The verified body of an entry, marked as used by this run."""
        self._ensure_loaded()
        line = self._entries.get(name)
        if line is None:
            return None
        self._used.setdefault(name, line)
        return self._body(name, line)

    def _drop(self, name: str) -> None:
        """Forget a signed entry this code cannot read (written by an older shape)."""
        self._entries.pop(name, None)
        self._used.pop(name, None)

    def _put(self, name: str, payload: str) -> bytes:
        self._ensure_loaded()
        line = self._line(name, payload)
        self._entries[name] = line
        self._used.pop(name, None)  # re-inserted last: the order of use
        self._used[name] = line
        return line

    def load(self, key: str, kind: str, text: str) -> FileResult | None:
        body = self._get(key)
        if body is None:
            return None
        try:
            result = from_json(json.loads(body), text)
        except Exception:  # signed but unreadable (an older shape): analyse again
            self._drop(key)
            return None
        # A YAML file that turned out not to be of its kind (app config) is judged for
        # secrets only, and says so; any other kind would be a different file's entry.
        if result.kind not in (kind, READ_FOR_SECRETS):
            return None
        self.hits += 1
        return result

    def store(self, key: str, result: FileResult, text: str) -> None:
        try:
            payload = json.dumps(to_json(result, text), separators=(",", ":"))
        except (ValueError, TypeError):
            return
        line = self._put(key, payload)
        self.stores += 1
        if self.shared:
            self._append(line)

    # -- facts: what a file contributes to a run-wide index (engine.FactStore) ---------
    # Journaled like results: every process builds the run-wide indexes itself, and one
    # that polls first (a forked job) reads the facts a peer already extracted.

    def load_facts(self, key: str) -> Any:
        body = self._get(f"facts-{key}")
        if body is None and self.polling:
            self._poll_journals()
            body = self._get(f"facts-{key}")
        if body is None:
            return None
        try:
            return json.loads(body)
        except ValueError:
            self._drop(f"facts-{key}")
            return None

    def store_facts(self, key: str, value: Any) -> None:
        paused = gc.isenabled()
        if paused:  # as Analyser.analyse does: the encoder's garbage is freed by refcount
            gc.disable()
        try:
            payload = json.dumps(value, separators=(",", ":"), default=str)
        except (ValueError, TypeError):
            return
        finally:
            if paused:
                gc.enable()
        line = self._put(f"facts-{key}", payload)
        self.stores += 1
        if self.shared:
            self._append(line)

    def wait(self, key: str, kind: str, text: str, timeout: float) -> FileResult | None:
        """Poll the peers' journals for an entry another worker is writing; None on
        timeout."""
        self._ensure_loaded()
        deadline = time.monotonic() + timeout
        delay = 0.0002
        while True:
            self._poll_journals()
            if key in self._entries:
                return self.load(key, kind, text)
            if _stat_id(self.pack) != self._pack_id:  # a peer closed and wrote its pack
                theirs, self._pack_id = self._read_pack()
                for name, line in theirs.items():
                    self._entries.setdefault(name, line)
                continue
            if time.monotonic() > deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)


def settings_key(options: Any, extra: Iterable[str] = ()) -> str:
    """What of the settings can change an outcome (waivers are applied later, per run)."""
    return _digest(json.dumps(options, sort_keys=True, default=repr), *extra)


FORMAT_VERSION = 8  # bump when the entry or pack shape changes: old entries become misses


# --------------------------------------------------------------------------- the codec
#
# JSON, not pickle: the cache directory may sit inside the scanned repository,
# and loading it must never execute anything. Secrets are not written: every
# text (messages, unknowns, errors, annotation attributes) is stored already
# redacted with all the secrets of the file (``FileResult.secrets``), and the
# secrets themselves are kept as offsets into the file text, read back from the
# (unchanged, same-hash) text when the entry is loaded.


def to_json(result: FileResult, text: str) -> dict[str, Any]:
    secrets = result.secrets
    # Usually set (``with_secrets``); else the reported ones, looked for without building
    # a list per outcome (most files have no secret at all).
    if not secrets and any(
        v.secret for r in result.resources for o in r.outcomes for v in o.violations
    ):
        secrets = result.reported_secrets()

    def clean(value: str) -> str:  # stored already redacted, with every secret of the file
        return redact(value, secrets) if secrets else value

    resources = []
    for r in result.resources:
        outcomes = []
        for o in r.outcomes:
            violations = []
            for v in o.violations:
                span = None
                if v.secret:
                    at = text.find(v.secret)
                    span = [at, len(v.secret)] if at >= 0 else None
                violations.append(
                    [
                        clean(v.message),
                        v.line,
                        v.col,
                        int(v.severity),
                        span,
                        list(v.anchors),
                        [clean(link) for link in v.links],
                    ]
                )
            error = clean(o.error) if o.error is not None else None
            detail = clean(o.detail) if o.detail is not None else None
            outcomes.append(
                [o.policy_id, violations, [clean(u) for u in o.unknowns], error, detail]
            )
        annotations = [
            [ids, {k: clean(str(val)) for k, val in attrs.items()}] for ids, attrs in r.annotations
        ]
        resources.append(
            [r.label, r.name, r.line, r.col, list(r.waiver_lines), annotations, outcomes]
        )
    spans = []
    for secret in secrets:
        at = text.find(secret)
        if at >= 0:
            spans.append([at, len(secret)])
    parse_error = None
    if result.parse_error:
        message, line, col = result.parse_error
        parse_error = [clean(message), line, col]
    return {
        "v": FORMAT_VERSION,
        "kind": result.kind,
        "parse_error": parse_error,
        "skip_reason": clean(result.skip_reason) if result.skip_reason else result.skip_reason,
        "recognised": result.recognised,
        "secrets": spans,
        "resources": resources,
        "notes": [[label, note, line, clean(reason)] for label, note, line, reason in result.notes],
    }


def from_json(data: Mapping[str, Any], text: str) -> FileResult:
    """The inverse of ``to_json``; raises (any error) on a malformed entry."""
    if data["v"] != FORMAT_VERSION:
        raise ValueError("old cache format")
    error = data["parse_error"]
    result = FileResult(
        str(data["kind"]),
        parse_error=(str(error[0]), int(error[1]), int(error[2])) if error else None,
        skip_reason=data["skip_reason"],
        recognised=bool(data["recognised"]),
        secrets=[text[int(at) : int(at) + int(n)] for at, n in data["secrets"]],
        notes=[(str(a), str(b), int(c), str(d)) for a, b, c, d in data["notes"]],
    )
    for label, name, line, col, wlines, notes, outcomes in data["resources"]:
        parsed_outcomes = []
        for policy_id, violations, unknowns, err, detail in outcomes:
            resolved = []
            for message, vline, vcol, severity, span, anchors, links in violations:
                secret = text[span[0] : span[0] + span[1]] if span else None
                resolved.append(
                    ResolvedViolation(
                        str(message),
                        int(vline),
                        int(vcol),
                        Severity(severity),
                        secret,
                        tuple(int(n) for n in anchors),
                        tuple(str(link) for link in links),
                    )
                )
            parsed_outcomes.append(
                outcome(str(policy_id), resolved, [str(u) for u in unknowns], err, detail)
            )
        result.resources.append(
            ResourceResult(
                str(label),
                str(name),
                int(line),
                int(col),
                tuple(int(n) for n in wlines),
                [(str(ids), dict(attrs)) for ids, attrs in notes],
                parsed_outcomes,
            )
        )
    return result


def user_key() -> bytes | None:
    """This user's key for the result cache, kept outside any checkout
    (``$XDG_CACHE_HOME/pytest-devops-policy/cache-key``, default ``~/.cache``) and made on
    first use; None when it cannot be kept, and then nothing is cached."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "pytest-devops-policy", "cache-key")
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
    for _ in range(50):  # another worker may be writing it this very moment
        try:
            with open(path, "rb") as fh:
                key = fh.read()
        except OSError:
            return None
        if len(key) >= 32:
            return key
        time.sleep(0.01)
    return None
