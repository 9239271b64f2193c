"""The two halves of the "floor" benchmark case.

* ``python benchmarks/floor.py parse TREE``: discover the files the plugin would collect and
  parse each once with the plugin's own parsers (no pytest, no policies). Prints JSON with the
  time spent importing the parsers and parsing.
* ``write_bare_tree()``: a tree with one ``.bare`` file per infrastructure file of TREE, plus a
  tiny pytest plugin that collects exactly N do-nothing items from them. Running pytest on it
  measures what pytest itself costs for that many items and files.

floor = import + parse time + bare pytest wall time: what a run cannot go below without
parsing less or creating fewer items.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

BARE_PLUGIN_NAME = "devops_policy_bench_bare"
BARE_PLUGIN = '''\
"""Collects N trivial items from *.bare files (N is the file's content). Benchmark floor."""

import pytest


class BareItem(pytest.Item):
    def runtest(self):
        pass

    def reportinfo(self):
        return self.path, None, self.name


class BareFile(pytest.File):
    def collect(self):
        for i in range(int(self.path.read_text())):
            yield BareItem.from_parent(self, name=f"item{i}")


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".bare":
        return BareFile.from_parent(parent, path=file_path)
    return None
'''

# pytest's default norecursedirs; the plugin additionally un-ignores .github (and .docker,
# .aws, .kube for secrets).
_NORECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")


@functools.cache
def _secret_dirs() -> frozenset[str]:
    # The plugin also walks the hidden directories secrets.include names (.docker, .aws, .kube).
    from pytest_devops_policy.discovery import secrets_dot_dirs
    from pytest_devops_policy.options.secrets import DEFAULT_INCLUDE

    return secrets_dot_dirs(DEFAULT_INCLUDE)


def _skip_dir(name: str, skip_dirs: frozenset[str]) -> bool:
    if name in skip_dirs:
        return True
    if name == ".github" or name in _secret_dirs():
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _NORECURSE)


def _is_tfvars(name: str) -> bool:
    # Read by the plugin's Terraform module index (not collected as items).
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def discover(tree: Path) -> Iterator[tuple[Path, str]]:
    """(path, kind) of every file the plugin parses, in a stable order."""
    from pytest_devops_policy import discovery, kinds

    charts = discovery.HelmCharts()  # templates are not parsed unless rendered
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d, discovery.SKIP_DIRS))
        for name in sorted(filenames):
            path = Path(dirpath, name)
            kind = kinds.classify(path)
            if kind is not None and kind.load_format is not None:
                if kind.name != "kubernetes" or not charts.is_template(path):
                    yield path, kind.name
            elif kind is None and _is_tfvars(name):
                yield path, "terraform"


def parse_all(tree: Path) -> dict[str, object]:
    """Import the parsers, then parse every discovered file once; times in seconds."""
    start = time.perf_counter()
    from pytest_devops_policy import kinds
    from pytest_devops_policy.model import ParseError, Source, decode
    from pytest_devops_policy.options import Options

    formats = {k.name: k.format for k in kinds.KINDS if k.load_format is not None}
    options = Options()
    imported = time.perf_counter()
    files = subjects = errors = 0
    collected = 0  # files that become pytest File nodes (tfvars are not collected)
    by_kind: dict[str, int] = {}
    for path, kind in discover(tree):
        text = decode(path.read_bytes())
        rel = path.relative_to(tree).as_posix()
        try:
            source = Source(path=str(path), relpath=rel, text=text)
            parsed = formats[kind].parse(source, options)
            subjects += len(parsed.subjects)
        except ParseError:
            errors += 1
        files += 1
        collected += not _is_tfvars(path.name)
        by_kind[kind] = by_kind.get(kind, 0) + 1
    done = time.perf_counter()
    return {
        "files": files,
        "collected_files": collected,
        "by_kind": dict(sorted(by_kind.items())),
        "subjects": subjects,
        "parse_errors": errors,
        "import_s": imported - start,
        "parse_s": done - imported,
    }


def write_bare_tree(tree: Path, out: Path, items: int) -> tuple[Path, int]:
    """Mirror the collected files of ``tree`` as ``.bare`` files under ``out/tree`` holding
    ``items`` items in all (spread evenly), and write the plugin under ``out/plugin``.
    Returns (bare tree root, number of files)."""
    paths = [p for p, _ in discover(tree) if not _is_tfvars(p.name)]
    root = out / "tree"
    plugin_dir = out / "plugin"
    plugin_dir.mkdir(parents=True, exist_ok=True)
    (plugin_dir / f"{BARE_PLUGIN_NAME}.py").write_text(BARE_PLUGIN)
    if not paths:
        root.mkdir(parents=True, exist_ok=True)
        return root, 0
    base, extra = divmod(items, len(paths))
    for i, path in enumerate(paths):
        # Dot directories (.github) would be skipped by pytest's norecursedirs.
        parts = [p.lstrip(".") or "_" for p in path.relative_to(tree).parts]
        target = root.joinpath(*parts).with_name(parts[-1] + ".bare")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(base + (i < extra)))
    return root, len(paths)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "parse":
        print("usage: floor.py parse TREE", file=sys.stderr)
        return 2
    json.dump(parse_all(Path(args[1]).resolve()), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
