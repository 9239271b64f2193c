"""The secrets baseline (catalog §6.1, issue 18 point 5): legacy hits accepted explicitly.

``.devops-policy-secrets-baseline.json`` (``secrets.baseline``, relative to the rootdir)
lists hits by file, policy and a hash of the secret, never the value::

    {"version": 1, "entries": [
        {"file": "deploy/app.env", "policy": "SECRET-009", "sha256": "9f86d081884c7d65"}
    ]}

A hit the baseline lists passes as waived, the baseline being the reason; every entry is a
waiver of the run's ledger, so an entry that no longer matches anything is reported as
unused ("stale"), and ``--devops-policy-strict-waivers`` fails the run on it. Lines are
not part of an entry: editing other lines of the file does not break it.

``python -m pytest_devops_policy.secretsbaseline [ROOT]`` writes the baseline of a tree:
every SECRET hit the default options find, so a team adopting the plugin starts from zero
and fixes the listed secrets over time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_devops_policy.waivers import Waiver

__all__ = ["Baseline", "Entry", "fingerprint", "load", "write"]

VERSION = 1


def fingerprint(secret: str) -> str:
    """What an entry keeps of a secret: 16 hex digits of its SHA-256."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()[:16]


@dataclass(frozen=True)
class Entry:
    file: str  # relpath, '/' separated
    policy: str
    sha256: str


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline: its path as shown, and one waiver per entry."""

    path: str
    waivers: dict[Entry, Waiver]

    def waiver(self, relpath: str, policy: str, secret: str, line: int) -> Waiver | None:
        """The entry's waiver, placed on the hit's line, when the baseline lists the hit."""
        found = self.waivers.get(Entry(relpath, policy, fingerprint(secret)))
        if found is None:
            return None
        return Waiver(
            found.ids,
            "baseline",
            found.source,
            path=relpath,
            line=line,
            reason=found.reason,
        )


class BaselineError(ValueError):
    """A baseline file that cannot be read: one usage error at start-up."""


def load(path: str, shown: str) -> Baseline:
    """Read a baseline; a missing file is an empty baseline."""
    if not os.path.isfile(path):
        return Baseline(shown, {})
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{shown}: not a secrets baseline ({exc})") from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BaselineError(f'{shown}: expected {{"version": 1, "entries": [...]}}')
    waivers: dict[Entry, Waiver] = {}
    for i, item in enumerate(entries):
        fields = [item.get(k) if isinstance(item, dict) else None for k in ("file", "policy")]
        digest = item.get("sha256") if isinstance(item, dict) else None
        if not all(isinstance(f, str) and f for f in fields) or not isinstance(digest, str):
            raise BaselineError(f"{shown}: entry {i + 1} needs file, policy and sha256")
        entry = Entry(str(fields[0]), str(fields[1]), digest)
        source = f"{shown}#{entry.file}:{entry.policy}:{entry.sha256}"
        reason = f"in secrets baseline {shown}"
        waivers[entry] = Waiver((entry.policy,), "baseline", source, reason=reason)
    return Baseline(shown, waivers)


def write(root: str, out: str) -> int:
    """Write the baseline of every SECRET finding that carries a value under ``root`` (the
    files a run collects, judged by the SECRET policies with the default options, exactly as
    in a run); the number of entries. Findings without a value (a key store committed, by its
    name) are accepted with an ordinary waiver instead."""
    from pytest_devops_policy import kinds
    from pytest_devops_policy.context import Context, ParseCache
    from pytest_devops_policy.engine.analysis import analyse, with_secrets_subject
    from pytest_devops_policy.engine.registry import PolicySet
    from pytest_devops_policy.model import ParsedFile, ParseError, Source, decode
    from pytest_devops_policy.options import Options
    from pytest_devops_policy.policies import builtin_policies
    from pytest_devops_policy.safefile import read_bytes

    chosen = tuple(p for p in builtin_policies() if p.kind == "secrets")
    by_subject: dict[str, list[Any]] = {}
    for p in chosen:
        by_subject.setdefault(p.subject, []).append(p)
    policies = PolicySet(chosen, {k: tuple(v) for k, v in by_subject.items()})
    options = Options.from_flat({}, kinds.option_classes())
    cache = ParseCache(root, [root], options=options)
    context = Context(options, cache)
    entries: set[Entry] = set()
    skip = {".git", "node_modules", ".terraform", "vendor", ".venv", "venv", "__pycache__"}
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith(".pytest"))
        for name in sorted(files):
            path = os.path.join(directory, name)
            kind = kinds.classify(Path(path))
            if kind is None or os.path.islink(path):
                continue
            data = read_bytes(path)
            if data is None:
                continue
            text = decode(data, kind.format.lone_cr_newline)
            parsed = cache.get(path, kind.name, text)
            if isinstance(parsed, ParseError):  # still read for secrets, as in a run
                parsed = ParsedFile(Source(path, cache.relpath(path), text), kind.name, [])
            else:
                parsed = kind.format.adjust(parsed, context)
            result = analyse(with_secrets_subject(parsed, True, context), policies, context)
            rel = cache.relpath(path)
            for resource in result.resources:
                for outcome in resource.outcomes:
                    for v in outcome.violations:
                        if v.secret:
                            entries.add(Entry(rel, outcome.policy_id, fingerprint(v.secret)))
    body = {
        "version": VERSION,
        "entries": [
            {"file": e.file, "policy": e.policy, "sha256": e.sha256}
            for e in sorted(entries, key=lambda e: (e.file, e.policy, e.sha256))
        ],
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=2)
        handle.write("\n")
    return len(entries)


if __name__ == "__main__":  # python -m pytest_devops_policy.secretsbaseline [ROOT]
    tree = sys.argv[1] if len(sys.argv) > 1 else "."
    target = os.path.join(tree, ".devops-policy-secrets-baseline.json")
    count = write(tree, target)
    print(f"wrote {count} entries to {target}")
