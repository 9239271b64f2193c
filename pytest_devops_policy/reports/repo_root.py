"""Report paths relative to the repository's root, not pytest's rootdir.

Every ``file`` in the result model is relative to the rootdir. CI systems want paths
relative to the checkout (GitHub's annotations and blob links, GitLab's Code Quality
``location.path``); the two differ when pytest runs from a subdirectory of the repository
(``cd infra && pytest``). The checkout is what the CI names (``GITHUB_WORKSPACE``,
``CI_PROJECT_DIR``); when it is unknown or does not contain the rootdir, the rootdir's
paths are the best there is.
"""

from __future__ import annotations

import os


def prefix(root: str, checkout: str | None) -> str:
    """The rootdir's path inside the checkout, with "/" and a trailing "/" ("" for none)."""
    if not checkout or not root:
        return ""
    try:
        rel = os.path.relpath(os.path.realpath(root), os.path.realpath(checkout))
    except ValueError:  # another drive on Windows
        return ""
    if rel == "." or rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
        return ""
    return rel.replace(os.sep, "/") + "/"


def join(head: str, relpath: str) -> str:
    """``relpath`` (relative to the rootdir) relative to the checkout, never with "./"."""
    path = relpath.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    if path in ("", "."):
        return head.rstrip("/")
    return head + path
