"""Reading a file the scanned tree names, safely: only a regular file, only so many bytes.

A tree is input like any other. A name in it can be a FIFO (``open`` blocks forever), a
symlink to ``/dev/zero`` (``read`` never ends) or a huge file. Everything the run reads
besides the files discovery hands to the parsers (kustomizations, Helm templates,
Terraform module files and tfvars, sibling workflows) goes through ``read_bytes``: the
path is opened without blocking, must be a regular file on the opened descriptor (no
race with a swap after a ``stat``), and at most ``limit`` + 1 bytes are read.
"""

from __future__ import annotations

import os
import stat

__all__ = ["MAX_BYTES", "is_regular_file", "read_bytes", "read_text"]

MAX_BYTES = 5 * 1024 * 1024
"""The default limit, the same as ``max_file_size``'s default and the manifests' limit."""

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def is_regular_file(path: str, limit: int = MAX_BYTES) -> bool:
    """Whether ``path`` is (or links to) a regular file of at most ``limit`` bytes."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size <= limit


def read_bytes(path: str, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of ``path``, or ``None`` if it is not a regular file, is over ``limit``
    bytes or cannot be read. Never blocks on a FIFO or device."""
    if not is_regular_file(path, limit):  # cheap early answer; checked again on the fd
        return None
    try:
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return None if len(data) > limit else data  # grew since the stat
    except OSError:
        return None
    finally:
        os.close(fd)


def read_text(path: str, limit: int = MAX_BYTES) -> str | None:
    """``read_bytes`` decoded as UTF-8 (bad bytes replaced), or ``None``."""
    data = read_bytes(path, limit)
    return None if data is None else data.decode("utf-8", errors="replace")
