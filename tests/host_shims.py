"""Fake commands on PATH for HOST integration tests (catalog §8.4): a shim logs its argv to
``shim.log`` in its directory, prints a fixture and exits with a given status."""

from __future__ import annotations

import stat
from pathlib import Path


def make_shim(directory: Path, name: str, stdout: str = "", rc: int = 0, stderr: str = "") -> Path:
    """A POSIX sh program that logs its argv to shim.log, prints ``stdout`` and exits ``rc``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    out = directory / f"{name}.out"
    err = directory / f"{name}.err"
    out.write_text(stdout)
    err.write_text(stderr)
    path.write_text(
        "#!/bin/sh\n"
        f'echo "{name} $*" >> "{directory}/shim.log"\n'
        f'cat "{out}"\ncat "{err}" >&2\nexit {rc}\n'
    )
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path
