"""Local module calls: the child module as the call creates it (issue 17 point 3).

A ``module`` block whose ``source`` is a local path (``./modules/db``) creates the child
directory's resources with the call's arguments as the child's variables. ``instance``
builds that module once per call chain and run: the arguments are resolved in the caller
first; what the caller cannot resolve stays unknown inside the child, with the caller's
reason (``foreign``), and never meets the child's own names (``var.x`` of the caller is not
the child's ``var.x``). ``subjects`` lists, for one calling file, a
``formats.terraform.calls.ModuleResource`` per resource of every module its calls create,
nested calls included (up to ``MAX_DEPTH`` levels, never through a cycle).

Only directories inside the rootdir are followed: a call that leaves the repository is not
read. Registry and Git sources are not local; ``formats.terraform.calls`` says how they are
reported.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from pytest_devops_policy.formats.terraform.calls import (
    CALL_META,
    ModuleResource,
    call_disabled,
    local_source,
)
from pytest_devops_policy.formats.terraform.model import (
    Block,
    Expr,
    Template,
    TfFile,
    Value,
    make_template,
)
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.indexes.terraform import TfModule, index_of, module_files, raw_texts

if TYPE_CHECKING:
    from pytest_devops_policy.context import ParseCache

__all__ = [
    "MAX_DEPTH",
    "NOT_READ",
    "call_dependencies",
    "callees",
    "child_directory",
    "instance",
    "notes",
    "subjects",
]

MAX_DEPTH = 5  # module.a.module.b... deeper chains are not followed
Scope = tuple[str, tuple[str, ...]]  # (the outermost caller's directory, call names)


def child_directory(parent: str, block: Block, rootdir: str) -> str | None:
    """The directory a local call reads, when it is a directory inside the rootdir."""
    source = local_source(block)
    if source is None:
        return None
    path = os.path.normpath(os.path.join(parent, source.split("//")[0]))
    real, root = os.path.realpath(path), os.path.realpath(rootdir)
    if os.path.commonpath([real, root]) != root or not os.path.isdir(path):
        return None
    return path


def registry_stand_in(block: Block) -> str | None:
    """The shipped stand-in directory of a mapped registry module call
    (``knowledge.terraform.registry_modules``), else ``None``."""
    from pytest_devops_policy.knowledge.terraform.registry_modules import stand_in

    source, version = block.get("source"), block.get("version")
    if not isinstance(source, str) or local_source(block) is not None:
        return None
    return stand_in(source, version if isinstance(version, str) else None)


def _target(parent: str, block: Block, rootdir: str) -> str | None:
    """The directory a call creates its resources from: a local path inside the rootdir,
    or a mapped registry module's stand-in."""
    if local_source(block) is not None:
        return child_directory(parent, block, rootdir)
    return registry_stand_in(block)


def _calls(module: TfModule) -> dict[str, Block]:
    return {
        b.labels[0]: b
        for f in module.files
        for b in f.blocks
        if b.type == "module"
        and b.labels
        and (local_source(b) is not None or registry_stand_in(b) is not None)
    }


def instance(cache: ParseCache, scope: Scope) -> TfModule | None:
    """The module the call chain ``scope`` creates, built once per run."""
    return cache.memo(_instance, scope)


def _instance(cache: ParseCache, scope: Scope) -> TfModule | None:
    root, names = scope
    parent = index_of(root, cache) if len(names) == 1 else instance(cache, (root, names[:-1]))
    if parent is None:
        return None
    block = _calls(parent).get(names[-1])
    if block is None:
        return None
    directory = _target(parent.directory, block, cache.rootdir)
    if directory is None:
        return None
    call = ".".join(f"module.{n}" for n in names)
    arguments = {
        name: _foreign(parent.resolve(attr.value), parent, call, name)
        for name, attr in block.attributes.items()
        if name not in CALL_META
    }
    files = [
        parsed
        for path in _tf_files(directory)
        if isinstance(parsed := cache.get(path, "terraform"), TfFile)
    ]
    return TfModule(directory, files, arguments=arguments, call=call)


def _tf_files(directory: str) -> list[str]:
    """The configuration files of a called module (``.tf``, ``.tf.json``): Terraform
    reads no tfvars for a child module."""
    return [p for p in module_files(directory) if p.endswith((".tf", ".tf.json"))]


def _foreign(value: Value, parent: TfModule, call: str, name: str) -> Value:
    """The caller's resolved argument as the child sees it: unresolved parts become
    ``foreign`` expressions that keep the caller's reason."""
    if isinstance(value, Expr):
        why = parent.explain(value)
        return Expr(value.text, "foreign", op=f"{call} passes {name} = {value.text}: {why}")
    if isinstance(value, Template):
        return make_template(
            p if isinstance(p, str) else _foreign(p, parent, call, name) for p in value.parts
        )
    if isinstance(value, list):
        return [_foreign(v, parent, call, name) for v in value]
    if isinstance(value, dict):
        return {k: _foreign(v, parent, call, name) for k, v in value.items()}
    return value


def callees(module: TfModule, cache: ParseCache) -> list[tuple[Block, TfResource]]:
    """(call block, resource) for the resources ``module``'s own local calls create (one
    level: what the call's arguments reach directly)."""
    found: list[tuple[Block, TfResource]] = []
    for name, block in _calls(module).items():
        disabled = call_disabled(block, module.resolve)
        child = None if disabled else instance(cache, (module.directory, (name,)))
        if child is not None and child is not module:
            found.extend((block, r) for r in child.resources)
    return found


def subjects(parsed: TfFile, cache: ParseCache) -> list[ModuleResource]:
    """The resources the file's local module calls create, nested calls included."""
    blocks = [b for b in parsed.blocks if b.type == "module" and b.labels]
    if not any(local_source(b) is not None or registry_stand_in(b) for b in blocks):
        return []
    root = os.path.dirname(parsed.source.path)
    caller = index_of(root, cache)
    out: list[ModuleResource] = []
    for block in blocks:
        if local_source(block) is None and registry_stand_in(block) is None:
            continue
        if call_disabled(block, caller.resolve):
            continue
        _collect(cache, parsed, (root, (block.labels[0],)), (block,), [root], out)
    return out


def _collect(
    cache: ParseCache,
    caller: TfFile,
    scope: Scope,
    chain: tuple[Block, ...],
    seen: list[str],
    out: list[ModuleResource],
) -> None:
    module = instance(cache, scope)
    if module is None:
        return
    real = os.path.realpath(module.directory)
    if real in seen:  # a module that calls itself, directly or not
        return
    shown = _stand_in_label(module.directory)
    for resource in module.resources:
        # count = var.create ? 1 : 0, resolved with the call's arguments: not created.
        if not module.absent(resource):
            out.append(ModuleResource(caller.source, resource, chain, scope, shown))
    if len(chain) >= MAX_DEPTH:
        return
    for name, block in _calls(module).items():
        if not call_disabled(block, module.resolve):
            root, names = scope
            _collect(cache, caller, (root, (*names, name)), (*chain, block), [*seen, real], out)


NOT_READ = "TF-MODULE-NOT-READ"  # the note id of a call whose resources are not judged


def notes(parsed: TfFile, rootdir: str, local: bool = True) -> list[tuple[str, str, int, str]]:
    """One note per module call whose resources nothing judges: a remote source (registry,
    Git, HTTP, S3...), never downloaded at scan time, or a local path that is not a
    directory inside the rootdir (when ``local`` calls are followed at all). Calls that
    create nothing (``count = 0``) need none."""
    out: list[tuple[str, str, int, str]] = []
    directory = os.path.dirname(parsed.source.path)
    for block in parsed.blocks:
        if block.type != "module" or not block.labels or call_disabled(block):
            continue
        call = f"module.{block.labels[0]}"
        # Not the call's own node (``module.vpc``, judged by TF-028): a note about it.
        label = f"{call}[not-read]"
        source = block.get("source")
        if local_source(block) is not None:
            if local and child_directory(directory, block, rootdir) is None:
                out.append(
                    (
                        label,
                        NOT_READ,
                        block.line,
                        f"{call} reads {source}, which is not a directory inside the "
                        "scanned tree: the resources it creates are not checked",
                    )
                )
            continue
        if registry_stand_in(block) is not None:
            continue  # judged through its shipped stand-in
        shown = source if isinstance(source, str) else "a source that does not resolve"
        version = block.get("version")
        at = f" {version}" if isinstance(version, str) else ""
        out.append(
            (
                label,
                NOT_READ,
                block.line,
                f"{call} comes from {shown}{at}, a remote module, which is not downloaded "
                "at scan time: the resources it creates are not checked (judge a plan JSON, "
                "`terraform show -json`, to check them)",
            )
        )
    return out


def _stand_in_label(directory: str) -> str | None:
    """How messages name a stand-in's directory (it is not in the repository)."""
    from pytest_devops_policy.knowledge.terraform.registry_modules import STAND_IN_ROOT

    root = os.path.realpath(STAND_IN_ROOT)
    real = os.path.realpath(directory)
    if os.path.commonpath([real, root]) != root:
        return None
    return f"the stand-in data/terraform_modules/{os.path.relpath(real, root)}"


# --------------------------------------------------------------------------- result cache

_LOCAL_SOURCE = re.compile(r'\bsource\s*=\s*"(\.\.?[/\\][^"$]*)"')


def call_dependencies(directory: str, rootdir: str, depth: int = 0) -> list[str]:
    """The ``.tf`` files of the modules that the directory's local calls read, nested calls
    included: a change there changes the caller's items."""
    if depth >= MAX_DEPTH:
        return []
    found: list[str] = []
    root = os.path.realpath(rootdir)
    for text in raw_texts(_tf_files(directory)):
        for m in _LOCAL_SOURCE.finditer(text):
            child = os.path.normpath(os.path.join(directory, m.group(1).split("//")[0]))
            real = os.path.realpath(child)
            if os.path.commonpath([real, root]) != root or not os.path.isdir(child):
                continue
            for path in [child, *_tf_files(child)]:
                if path not in found:
                    found.append(path)
            if real != os.path.realpath(directory):
                found.extend(
                    p for p in call_dependencies(child, rootdir, depth + 1) if p not in found
                )
    return found
