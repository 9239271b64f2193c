"""A ``chroot://`` golden host, good and bad (issue 20, catalog §8.4-4).

A tiny image tree holds copies of ``sh``, ``cat``, ``head``, ``stat``, ``ls``, ``id``,
``uname`` and ``tr`` with the libraries ``ldd`` names; testinfra's chroot backend runs the
policies' commands inside it. This covers the ``chroot:///path`` translation, the label, the
image profile and HOST-004 through a real backend. It needs root and ``chroot`` (CI has both).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("testinfra")
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("chroot") or not shutil.which("ldd"),
    reason="a chroot needs root, chroot and ldd",
)

PROGRAMS = ("sh", "cat", "head", "stat", "ls", "id", "uname", "tr")
GOOD = "root:x:0:0:root:/root:/bin/sh\nops:x:1001:1001::/home/ops:/bin/sh\n"
BAD = "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0:backdoor:/root:/bin/sh\n"


def _image(root: Path, passwd: str) -> Path:
    (root / "bin").mkdir(parents=True)
    (root / "etc").mkdir()
    for name in PROGRAMS:
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not on this machine")
        shutil.copy(os.path.realpath(found), root / "bin" / name)
        libs = subprocess.run(["ldd", found], capture_output=True, text=True).stdout
        for word in libs.split():
            if word.startswith("/") and os.path.exists(word):
                target = root / word.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    shutil.copy(os.path.realpath(word), target)
    (root / "etc/passwd").write_text(passwd)
    (root / "etc/shadow").write_text("root:*:19000::::::\n")
    probe = subprocess.run(["chroot", str(root), "/bin/sh", "-c", "id -u"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"chroot does not run here: {probe.stderr.decode(errors='replace')}")
    return root


@pytest.mark.parametrize(("passwd", "outcome"), [(GOOD, "passed"), (BAD, "failed")])
def test_chroot_image(pytester: pytest.Pytester, tmp_path: Path, passwd: str, outcome: str) -> None:
    image = _image(tmp_path / "image", passwd)
    spec = f"chroot://{image}"
    result = pytester.runpytest(
        "--devops-policy-only",
        "--devops-policy-select=HOST-004",
        f"--devops-policy-hosts={spec}",
        "-p",
        "no:cacheprovider",
        "-v",
    )
    result.stdout.fnmatch_lines(
        [f"host:{spec}::CONNECT PASSED*", f"host:{spec}::HOST-004 {outcome.upper()}*"]
    )
    if outcome == "failed":
        result.stdout.fnmatch_lines(["*account 'toor' has UID 0 (/etc/passwd:2)*"])
