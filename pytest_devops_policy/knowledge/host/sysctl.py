"""Kernel parameters (catalog HOST-012, §8.2-4): running values from ``/proc/sys`` and the
boot-time values the sysctl configuration files set.

Running values are read by one shell loop over the keys (not ``sysctl -n``, which stops at
the first missing key): ``key=value`` per line, ``?`` for a key the kernel does not have
(IPv6 disabled, no Yama), ``!`` for one that cannot be read. The directory is
``host.paths.proc_sys``, which ``host.root`` does not prefix. Expectations are written
``"2"`` (exactly) or ``">=1"`` (at least).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BOOT_DIRS",
    "FORWARDING_KEYS",
    "LOW_KEYS",
    "Expectation",
    "boot_files_command",
    "boot_values",
    "parse_expectation",
    "parse_values",
    "valid_key",
    "values_command",
]

# Judged only when forwarding is not allowed (sysctl.allow_forwarding, host.role).
FORWARDING_KEYS = frozenset({"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"})
# Information leaks rather than exploitation paths: a low finding.
LOW_KEYS = frozenset({"kernel.kptr_restrict", "kernel.dmesg_restrict"})
# systemd-sysctl's directories, most important first (a file name in /etc hides the same
# name in /run and /usr/lib); /etc/sysctl.conf is read after all of them.
BOOT_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d")
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Expectation:
    text: str  # as written: "2", ">=1"
    at_least: bool
    value: int

    def met(self, actual: str) -> bool | None:
        """Whether a running value meets it; ``None`` for a value that is not a number."""
        try:
            number = int(actual.split()[0])
        except (ValueError, IndexError):
            return None
        return number >= self.value if self.at_least else number == self.value


def parse_expectation(text: object) -> Expectation:
    """``2``, ``"2"`` or ``">=1"``; ValueError otherwise."""
    if isinstance(text, bool):
        raise ValueError(f'{text!r} is not a value such as 2 or ">=1"')
    raw = str(text).strip()
    at_least = raw.startswith(">=")
    number = raw[2:].strip() if at_least else raw
    if not re.fullmatch(r"-?\d+", number):
        raise ValueError(f'{text!r} is not a value such as 2 or ">=1"')
    return Expectation(raw, at_least, int(number))


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key)) and ".." not in key


def values_command(proc_sys: str, keys: Iterable[str]) -> str:
    """One loop printing ``key=value`` (``?`` absent, ``!`` unreadable) for each key."""
    words = " ".join(shlex.quote(k) for k in keys)
    return (
        f"P={shlex.quote(proc_sys.rstrip('/') or '/')}; for k in {words}; do "
        'f="$P/$(printf \'%s\' "$k" | tr . /)"; '
        'if [ -r "$f" ]; then printf \'%s=%s\\n\' "$k" "$(cat "$f" 2>/dev/null)"; '
        'elif [ -e "$f" ]; then echo "$k=!"; else echo "$k=?"; fi; done'
    )


def parse_values(text: str) -> dict[str, str]:
    """The loop's output: key -> value (whitespace runs folded), ``?`` or ``!``."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and valid_key(key.strip()):
            out[key.strip()] = " ".join(value.split())
    return out


def boot_files_command() -> str:
    """Every sysctl configuration file, each after a ``==> path`` line (one round trip)."""
    globs = " ".join(f"{d}/*.conf" for d in BOOT_DIRS)
    return (
        f"for f in {globs} /etc/sysctl.conf; do "
        '[ -f "$f" ] && [ -r "$f" ] && { echo "==> $f"; cat "$f"; echo; }; done'
    )


def _split_files(text: str) -> dict[str, str]:
    files: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("==> /"):
            current = files.setdefault(line[4:].strip(), [])
        elif current is not None:
            current.append(line)
    return {path: "\n".join(lines) for path, lines in files.items()}


def boot_values(text: str) -> dict[str, tuple[str, str]]:
    """What boot applies: key -> (value, ``file:line``). Files are taken in systemd's order
    (by name across the directories, the first directory hiding a same-named file in the
    later ones, ``/etc/sysctl.conf`` last); the last assignment wins."""
    files = _split_files(text)
    chosen: dict[str, str] = {}
    for directory in BOOT_DIRS:
        for path in files:
            if posixpath.dirname(path) == directory:
                chosen.setdefault(posixpath.basename(path), path)
    order = [chosen[name] for name in sorted(chosen)]
    if "/etc/sysctl.conf" in files:
        order.append("/etc/sysctl.conf")
    out: dict[str, tuple[str, str]] = {}
    for path in order:
        for n, line in enumerate(files[path].splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            key, sep, value = stripped.partition("=")
            if not sep:
                continue
            # "-key = v" ignores errors; "a/b/c" is the same key as "a.b.c"
            key = key.strip().lstrip("-").strip().replace("/", ".")
            out[key] = (" ".join(value.split()), f"{path}:{n}")
    return out
