"""TF-022's repository-level question (``tf.require_cloudtrail``): does any Terraform module
of the tree create a CloudTrail trail?

Catalog §5.3 TF-022: with the option on, a root module with an ``aws`` provider fails when
no ``aws_cloudtrail`` exists anywhere in the repository. "Anywhere" is every Terraform
module directory under the rootdir (and under run paths outside it), child modules and
unrelated stacks included, whatever paths the run was given.

* ``tf_tree`` walks the tree once per run, as collection does: no symlinks, none of
  ``discovery.SKIP_DIRS`` (``.terraform``, ``node_modules``...), no dot-directories,
  ``build``/``dist``, nor the run's ``--ignore``/``--ignore-glob`` paths
  (``ParseCache.excludes``); it stops after ``MAX_ENTRIES`` directory entries. It reads
  every ``.tf`` file's bytes but parses none: only the files that mention ``cloudtrail``
  (a text prefilter) are parsed, with their modules.
* ``trail_search`` judges the ``aws_cloudtrail`` resources found: one counts when it exists
  and records (``count = 0``, an empty ``for_each`` or ``enable_logging = false`` do not;
  a count, for_each or enable_logging that does not resolve is "cannot tell"). An
  organization trail (``is_organization_trail = true``) counts like any other. A call of a
  module the search cannot read (a registry or git source, or a local one outside the tree)
  whose source names ``cloudtrail`` may create a trail, and a file that mentions
  ``cloudtrail`` but does not parse may hold one: "cannot tell" too.
* ``cache_token``: the module-level verdict depends on every ``.tf`` file of the tree. The
  token (what the result cache keys a file's outcomes on besides its dependencies) is a
  digest of the tree's ``.tf`` paths and bytes, plus the variable files of the modules that
  mention a trail. Only files that may carry a module-level item get it (a file with a
  ``terraform`` block, or a directory's first ``.tf`` file: ``terraform_blocks.is_anchor``),
  and only with the option on, so other files keep per-module caching.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import PurePath

from pytest_devops_policy import discovery, safefile
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.formats.terraform.model import Block, TfFile, Value
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule, index_of, module_files
from pytest_devops_policy.indexes.terraform_blocks import settings
from pytest_devops_policy.knowledge.terraform.module import shown, unresolved
from pytest_devops_policy.knowledge.terraform.values import is_true, to_bool, to_number
from pytest_devops_policy.model import ParseError

__all__ = [
    "MAX_ENTRIES",
    "AwsProvider",
    "Candidate",
    "TfTree",
    "TrailSearch",
    "aws_provider",
    "cache_token",
    "tf_tree",
    "trail_search",
]

MAX_ENTRIES = 200_000  # directory entries: a bound on the walk's cost in a huge monorepo
TRAIL = "aws_cloudtrail"
_MENTION = re.compile(rb"cloudtrail", re.I)
_TERRAFORM_BLOCK = re.compile(rb"(?m)^[ \t]*terraform[ \t]*\{")
_NORECURSE = frozenset({"build", "dist"})


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class TfTree:
    """The Terraform files of the tree (absolute paths), walked once per run."""

    bases: tuple[str, ...]  # the directories walked: the rootdir, run paths outside it
    modules: frozenset[str]  # directories holding .tf files
    files: frozenset[str]
    mentions: tuple[str, ...]  # .tf files whose text mentions cloudtrail, sorted
    anchors: frozenset[str]  # files that may carry a module-level item
    truncated: bool
    digest: str


def tf_tree(cache: ParseCache) -> TfTree:
    """The tree's Terraform files, once per run."""
    return cache.memo(_walk, cache.rootdir)


def _bases(cache: ParseCache) -> list[str]:
    root = os.path.abspath(cache.rootdir)
    bases = [root]
    for path in cache.roots:
        full = os.path.abspath(path)
        if full == root or full.startswith(root.rstrip(os.sep) + os.sep):
            continue
        directory = full if os.path.isdir(full) else os.path.dirname(full)
        if not any(
            directory == b or directory.startswith(b.rstrip(os.sep) + os.sep) for b in bases
        ):
            bases.append(directory)
    return bases


def _skip_dir(name: str) -> bool:
    return (
        name in discovery.SKIP_DIRS
        or name.startswith(".")
        or name in _NORECURSE
        or name.endswith(".egg")
    )


def _walk(cache: ParseCache, _rootdir: str) -> TfTree:
    excludes = cache.excludes
    bases = _bases(cache)
    digests: dict[str, str] = {}
    mentions: list[str] = []
    anchors: set[str] = set()
    modules: set[str] = set()
    seen = 0
    truncated = False
    for base in bases:
        stack = [base]
        while stack and not truncated:
            directory = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError:
                continue
            seen += len(entries)
            if seen > MAX_ENTRIES:
                truncated = True
                break
            tf_here: list[str] = []
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if not _skip_dir(entry.name) and not excludes.excluded(entry.path):
                            stack.append(entry.path)
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        continue
                except OSError:
                    continue
                if not discovery.is_terraform_path(PurePath(entry.name)):
                    continue
                if excludes.excluded(entry.path):
                    continue
                data = safefile.read_bytes(entry.path)
                if data is None:
                    continue
                digests[entry.path] = hashlib.blake2b(data, digest_size=16).hexdigest()
                tf_here.append(entry.path)
                if _MENTION.search(data):
                    mentions.append(entry.path)
                if _TERRAFORM_BLOCK.search(data):
                    anchors.add(entry.path)
            if tf_here:
                modules.add(directory)
                first = [p for p in tf_here if p.endswith(".tf")]  # module_files' glob
                anchors.add((first or tf_here)[0])
    mentions.sort()
    h = hashlib.blake2b(digest_size=20)
    parts = [f"truncated={truncated}"]
    parts += [f"{cache.relpath(p)}={d}" for p, d in sorted(digests.items())]
    # A trail's count or enable_logging may come from its module's variable files.
    for directory in sorted({os.path.dirname(p) for p in mentions}):
        for path in module_files(directory):
            if path not in digests:
                data = safefile.read_bytes(path)
                digest = "-" if data is None else hashlib.blake2b(data, digest_size=16).hexdigest()
                parts.append(f"{cache.relpath(path)}={digest}")
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass")
        h.update(len(raw).to_bytes(8, "little"))
        h.update(raw)
    return TfTree(
        tuple(bases),
        frozenset(modules),
        frozenset(digests),
        tuple(mentions),
        frozenset(anchors),
        truncated,
        h.hexdigest(),
    )


def cache_token(path: str, cache: ParseCache) -> str:
    """The tree's digest for a file that may carry a module-level item (any file the walk
    did not see, to be safe); ``""`` for the others."""
    tree = tf_tree(cache)
    if path in tree.files and path not in tree.anchors:
        return ""
    return tree.digest


# --------------------------------------------------------------------------- the trails


@dataclass(frozen=True)
class Candidate:
    """An ``aws_cloudtrail`` (or a module call that may create one) and whether it counts."""

    what: str  # "aws_cloudtrail.main (org/main.tf:3)"
    records: bool | None  # True: exists and records; False: does not; None: cannot tell
    why: str = ""  # for False and None: "count = 0", "count = var.n (var.n has no default)"
    organization: bool = False


@dataclass(frozen=True)
class TrailSearch:
    tree: TfTree
    candidates: tuple[Candidate, ...]

    @property
    def found(self) -> Candidate | None:
        """A trail that surely exists and records, an organization trail first."""
        sure = [c for c in self.candidates if c.records is True]
        return next((c for c in sure if c.organization), sure[0] if sure else None)

    def undecided(self) -> list[Candidate]:
        return [c for c in self.candidates if c.records is None]

    def not_counted(self) -> list[Candidate]:
        return [c for c in self.candidates if c.records is False]

    def searched(self, cache: ParseCache) -> str:
        """Where the search looked: "the 12 Terraform modules under infra/ (the rootdir)"."""
        count = len(self.tree.modules)
        modules = f"{count} Terraform module{'' if count == 1 else 's'}"
        shown = []
        for base in self.tree.bases:
            rel = cache.relpath(base)
            name = os.path.basename(base.rstrip(os.sep)) or base
            shown.append(f"{name}/ (the rootdir)" if rel == "." else f"{rel}/")
        return f"the {modules} under {' and '.join(shown)}"


def trail_search(cache: ParseCache) -> TrailSearch:
    """The trails of the tree, judged once per run."""
    return cache.memo(_search, cache.rootdir)


def _search(cache: ParseCache, _rootdir: str) -> TrailSearch:
    tree = tf_tree(cache)
    found: list[Candidate] = []
    for path in tree.mentions:
        parsed = cache.get(path, "terraform")
        if isinstance(parsed, ParseError):  # its own PARSE-ERROR item says why
            found.append(Candidate(cache.relpath(path), None, "it does not parse"))
    for directory in sorted({os.path.dirname(p) for p in tree.mentions}):
        module = index_of(directory, cache)
        for trail in module.by_type(TRAIL):
            found.append(_trail(trail, module))
        for parsed in module.files:
            if parsed.source.path.endswith(".tf"):
                found.extend(_module_calls(parsed, module, tree))
    return TrailSearch(tree, tuple(found))


def _positive(value: Value) -> bool | None:
    number = to_number(value)
    return None if number is None else number > 0


def _non_empty(value: Value) -> bool | None:
    if isinstance(value, (list, dict)):
        return bool(value)
    return None


def _exists(what: str, owner: TfResource | Block, module: TfModule) -> Candidate | None:
    """A ``False``/``None`` candidate when ``count``/``for_each`` says no instance exists or
    cannot be resolved; ``None`` when the trail exists."""
    for name, test in (("count", _positive), ("for_each", _non_empty)):
        if not owner.has(name):
            continue
        raw = owner.get(name)
        verdict = module.decide(raw, test)
        if verdict is False:
            return Candidate(what, False, f"{name} = {shown(raw, module)}")
        if verdict is None:
            return Candidate(what, None, unresolved(name, raw, module))
    return None


def _trail(trail: TfResource, module: TfModule) -> Candidate:
    what = f"{trail.address} ({trail.source.relpath}:{trail.line})"
    absent = _exists(what, trail, module)
    if absent is not None:
        return absent
    raw = trail.get("enable_logging")
    logging = module.decide(raw, lambda v: to_bool(v, default=True), trail)
    if logging is False:
        return Candidate(what, False, f"enable_logging = {shown(raw, module)}")
    if logging is None:
        return Candidate(what, None, unresolved("enable_logging", raw, module))
    organization = module.decide(trail.get("is_organization_trail"), is_true, trail) is True
    return Candidate(what, True, organization=organization)


def _module_calls(parsed: TfFile, module: TfModule, tree: TfTree) -> list[Candidate]:
    """Calls of modules the search does not read whose source names cloudtrail."""
    out: list[Candidate] = []
    for block in parsed.blocks:
        if block.type != "module" or not block.labels:
            continue
        source = module.resolve(block.get("source"))
        if not isinstance(source, str) or "cloudtrail" not in source.lower():
            continue
        if source.startswith(("./", "../")):
            target = os.path.normpath(os.path.join(module.directory, source))
            if target in tree.modules:
                continue  # searched on its own
            where = "a directory outside the searched tree"
        else:
            where = "a module the search does not read"
        what = f"module.{block.labels[0]} ({parsed.source.relpath}:{block.line})"
        absent = _exists(what, block, module)
        if absent is not None and absent.records is False:
            continue
        out.append(Candidate(what, None, f'source = "{source}" is {where}; it may create a trail'))
    return out


# --------------------------------------------------------------------------- the root module


@dataclass(frozen=True)
class AwsProvider:
    """Where a module declares the ``aws`` provider."""

    what: str  # 'provider "aws"', "required_providers aws"
    where: str  # "providers.tf:1"


def aws_provider(module: TfModule, context: Context) -> AwsProvider | None:
    """A ``provider "aws"`` block; or ``aws`` (``hashicorp/aws``) in required_providers of a
    module with ``aws_*`` resources."""
    return context.cache.memo_on(module, lambda: _aws_provider(module, context), "tf-aws-provider")


def _aws_provider(module: TfModule, context: Context) -> AwsProvider | None:
    found = settings(module, context)
    for parsed, block in found.providers:
        if block.labels[0] == "aws":
            return AwsProvider('provider "aws"', f"{parsed.source.relpath}:{block.line}")
    if not any(r.type.startswith("aws_") and not r.disabled for r in module.resources):
        return None
    for parsed, block in found.terraform:
        for required in block.blocks:
            if required.type != "required_providers":
                continue
            for name, attr in required.attributes.items():
                if name == "aws" or _aws_source(module.resolve(attr.value)):
                    return AwsProvider(
                        f"required_providers {name}", f"{parsed.source.relpath}:{attr.line}"
                    )
    return None


def _aws_source(value: Value) -> bool:
    source = value.get("source") if isinstance(value, dict) else None
    return isinstance(source, str) and source.strip().lower().endswith("hashicorp/aws")
