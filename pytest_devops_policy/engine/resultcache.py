"""A content-addressed cache of file results under pytest's cache directory.

A file's entry is keyed by everything its outcomes depend on: its bytes and
path, the bytes of the files its cross-file index reads (a Terraform module's
siblings) or the listings of the directories it looked into (a Dockerfile's
build context, digested by entry names), the policies that ran (builtin code,
plugin and conftest modules), the settings, and the parser backend. A changed
input is therefore a miss, never a stale hit. Entries are JSON written
atomically; a missing, partial or corrupt entry is a miss. ``pytest
--cache-clear`` empties it.

The same directory lets xdist workers share the work: worker k analyses the
files whose collection index is k modulo the worker count, and reads the
others' results as they appear.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import inspect
import json
import os
import shutil
import stat
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pytest_devops_policy.api import Policy, Severity
from pytest_devops_policy.engine.analysis import FileResult, Outcome, ResourceResult
from pytest_devops_policy.engine.evaluate import ResolvedViolation
from pytest_devops_policy.engine.registry import PolicySet
from pytest_devops_policy.masking import redact

_PACKAGE_DIR = Path(__file__).resolve().parent


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
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        parts.append(f"{path.relative_to(_PACKAGE_DIR).as_posix()}={_file_digest(path)}")
    return _digest(*parts)


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


class ResultCache:
    def __init__(self, directory: Path, settings_key: str, secret: bytes) -> None:
        self.secret = secret
        self.base = _digest(package_digest(), settings_key)
        self.directory = directory / self.base[:16]
        self._policy_keys: dict[int, str] = {}
        self._digests: dict[str, str] = {}
        self.hits = 0
        self.stores = 0
        # One listing instead of a failed open per file on a cold run.
        self._present: set[str] = set()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._present = {name[:-5] for name in os.listdir(self.directory)}
            for other in directory.iterdir():  # results of older code or other settings
                if other != self.directory and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
        except OSError:
            pass

    # -- authentication: a cache inside a checkout may have been written by anyone ----------

    def _mac(self, name: str, payload: bytes) -> bytes:
        return hmac.new(self.secret, name.encode() + b"\0" + payload, hashlib.sha256).digest()

    def _signed(self, name: str, payload: str) -> bytes:
        body = payload.encode("utf-8")
        return self._mac(name, body).hex().encode() + b"\n" + body

    def _verified(self, name: str, raw: bytes) -> bytes:
        """The entry's body if this user's key signed it (a forged entry raises)."""
        mac, _, body = raw.partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(name, body).hex().encode()):
            raise ValueError("cache entry not signed with this user's key")
        return body

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

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def load(self, key: str, kind: str, text: str, *, listed: bool = True) -> FileResult | None:
        """The entry for ``key``; ``listed=False`` looks even if it was not there at start."""
        if listed and key not in self._present:
            return None
        try:
            with open(self._path(key), "rb") as fh:
                data: Any = json.loads(self._verified(key, fh.read()))
            result = from_json(data, text)
        except Exception:  # absent, partial, corrupt or forged: analyse again
            return None
        if result.kind != kind:
            return None
        self.hits += 1
        return result

    def store(self, key: str, result: FileResult, text: str) -> None:
        path = self._path(key)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            payload = json.dumps(to_json(result, text), separators=(",", ":"))
            with open(tmp, "wb") as fh:
                fh.write(self._signed(key, payload))
            os.replace(tmp, path)  # readers see the whole entry or none
            self.stores += 1
        except (OSError, ValueError, TypeError):
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    # -- facts: what a file contributes to a run-wide index (engine.FactStore) ---------

    def load_facts(self, key: str) -> Any:
        name = f"facts-{key}"
        if name not in self._present:
            return None
        try:
            with open(self.directory / f"{name}.json", "rb") as fh:
                return json.loads(self._verified(name, fh.read()))
        except Exception:  # absent, partial, corrupt or forged: extract again
            return None

    def store_facts(self, key: str, value: Any) -> None:
        path = self.directory / f"facts-{key}.json"
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                payload = json.dumps(value, separators=(",", ":"), default=str)
                fh.write(self._signed(f"facts-{key}", payload))
            os.replace(tmp, path)
        except (OSError, ValueError, TypeError):
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def wait(self, key: str, kind: str, text: str, timeout: float) -> FileResult | None:
        """Poll for an entry another worker is writing; None on timeout."""
        deadline = time.monotonic() + timeout
        delay = 0.0002
        path = self._path(key)
        while True:
            if path.exists():
                return self.load(key, kind, text, listed=False)
            if time.monotonic() > deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)


def settings_key(options: Any, extra: Iterable[str] = ()) -> str:
    """What of the settings can change an outcome (waivers are applied later, per run)."""
    return _digest(json.dumps(options, sort_keys=True, default=repr), *extra)


FORMAT_VERSION = 4  # bump when the entry shape changes: old cache entries become misses


# --------------------------------------------------------------------------- the codec
#
# JSON, not pickle: the cache directory may sit inside the scanned repository,
# and loading it must never execute anything. Secrets are not written: every
# text (messages, unknowns, errors, annotation attributes) is stored already
# redacted with all the secrets of the file (``FileResult.secrets``), and the
# secrets themselves are kept as offsets into the file text, read back from the
# (unchanged, same-hash) text when the entry is loaded.


def to_json(result: FileResult, text: str) -> dict[str, Any]:
    secrets = result.secrets or result.reported_secrets()

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
                    [clean(v.message), v.line, v.col, int(v.severity), span, list(v.anchors)]
                )
            error = clean(o.error) if o.error is not None else None
            outcomes.append([o.policy_id, violations, [clean(u) for u in o.unknowns], error])
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
    )
    for label, name, line, col, wlines, notes, outcomes in data["resources"]:
        parsed_outcomes = []
        for policy_id, violations, unknowns, err in outcomes:
            resolved = []
            for message, vline, vcol, severity, span, anchors in violations:
                secret = text[span[0] : span[0] + span[1]] if span else None
                resolved.append(
                    ResolvedViolation(
                        str(message),
                        int(vline),
                        int(vcol),
                        Severity(severity),
                        secret,
                        tuple(int(n) for n in anchors),
                    )
                )
            parsed_outcomes.append(Outcome(str(policy_id), resolved, list(unknowns), err))
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
