"""The Terraform module index.

A module is a directory (§5.1): its ``*.tf`` and ``*.tf.json`` files,
``terraform.tfvars[.json]`` and ``*.auto.tfvars[.json]``. ``build_index`` parses them
once through the run's parse cache and gathers what values refer to: variables (tfvars
override defaults), locals, data sources, and the resources by type. ``TfModule`` answers policies'
questions about values (``knowledge.terraform.evaluate.Evaluator``) and links
between resources (``knowledge.terraform.links``); it satisfies
``knowledge.terraform.module.Module``.

Built once per module directory and run (``index_for``); ``dependencies`` names the files a
verdict reads, for the result cache.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.terraform.calls import call_disabled
from pytest_devops_policy.formats.terraform.model import (
    Attribute,
    Block,
    Expr,
    Template,
    TfFile,
    Value,
    is_literal,
)
from pytest_devops_policy.formats.terraform.overrides import MergedResource, is_override, merge
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform import links
from pytest_devops_policy.knowledge.terraform.evaluate import Evaluator, Variable
from pytest_devops_policy.model import Subject
from pytest_devops_policy.options import TfOptions
from pytest_devops_policy.safefile import is_regular_file

__all__ = [
    "TfModule",
    "build_index",
    "dependencies",
    "file_text",
    "index_for",
    "index_of",
    "index_scope",
    "module_files",
]


class TfModule(Evaluator):
    """The files of one module directory: resources, variables, locals, data sources."""

    def __init__(
        self,
        directory: str,
        files: Sequence[TfFile],
        var_files: Sequence[TfFile] = (),
        cli_vars: Mapping[str, str] | None = None,
        arguments: Mapping[str, Value] | None = None,
        call: str = "",
    ) -> None:
        """``arguments``: the module as a call creates it (``indexes.terraform_calls``): the
        call's arguments set its variables, and tfvars files are not read (Terraform reads
        them for the root module only)."""
        self.directory = directory
        self.files = list(files)
        self.resources: list[TfResource] = []
        self._by_type: dict[str, list[TfResource]] = {}
        # (type, name) -> the resource with the module's override files merged in
        self.merged: dict[tuple[str, str], TfResource] = {}
        self._absent: dict[int, bool] = {}  # id(resource) -> count resolves to nothing
        variables: dict[str, Variable] = {}
        local_values: dict[str, Attribute] = {}
        data: dict[tuple[str, str], Block] = {}
        tfvars: dict[str, Value] = {}
        overrides: list[TfFile] = []
        for parsed in self.files:
            if is_override(parsed.source.path):
                overrides.append(parsed)  # merged once every other file is read
                continue
            if _is_tfvars(parsed.source.path):
                if arguments is not None:
                    continue
                for attr in parsed.attributes.values():
                    tfvars[attr.name] = attr.value
                continue
            for subject in parsed.subjects:
                if isinstance(subject, TfResource):
                    self.resources.append(subject)
                    self._by_type.setdefault(subject.type, []).append(subject)
            for block in parsed.blocks:
                if block.type == "variable" and block.labels:
                    variables[block.labels[0]] = Variable(
                        name=block.labels[0],
                        line=block.line,
                        source=parsed.source.relpath,
                        has_value=block.has("default"),
                        value=block.get("default"),
                    )
                elif block.type == "locals":
                    local_values.update(block.attributes)
                elif block.type == "data" and len(block.labels) >= 2:
                    data[(block.labels[0], block.labels[1])] = block
        for parsed in overrides:
            self._override(parsed, variables, local_values, data)
        # -var-file values after the module's own tfvars, then -var (terraform's order).
        for parsed in var_files:
            for attr in parsed.attributes.values():
                tfvars[attr.name] = attr.value
        tfvars.update(cli_vars or {})
        if arguments is not None:
            tfvars = dict(arguments)
        for name, value in tfvars.items():
            var = variables.get(name)
            if var is not None:
                var.value, var.has_value = value, True
        super().__init__(variables, local_values, data, call)
        # Where ``callees`` finds the modules this one's local calls create; set by
        # build_index (when module calls are followed). A reference, not a closure over
        # the module: a closure would make every module a reference cycle, whose files
        # and blocks only the (paused) cyclic collector could free.
        self.calls_cache: ParseCache | None = None

    def _override(
        self,
        parsed: TfFile,
        variables: dict[str, Variable],
        local_values: dict[str, Attribute],
        data: dict[tuple[str, str], Block],
    ) -> None:
        """Merge one override file's blocks into the module (§5.2-8)."""
        resources = {(r.type, r.name): r for r in self.resources}
        for subject in parsed.subjects:
            if not isinstance(subject, TfResource):
                continue
            base = resources.get((subject.type, subject.name))
            if base is None:  # Terraform rejects it; judged as written
                self.resources.append(subject)
                self._by_type.setdefault(subject.type, []).append(subject)
                continue
            block, names = merge(base.block, subject.block)
            overridden = dict(getattr(base, "overridden", {}))
            overridden.update(dict.fromkeys(names, parsed.source))
            merged = MergedResource(base.source, block, overridden)
            self.merged[(subject.type, subject.name)] = merged
            self.resources[self.resources.index(base)] = merged
            same = self._by_type[subject.type]
            same[same.index(base)] = merged
            resources[(subject.type, subject.name)] = merged
        for block in parsed.blocks:
            if block.type == "locals":
                local_values.update(block.attributes)
            elif block.type == "variable" and block.labels and block.labels[0] in variables:
                var = variables[block.labels[0]]
                if block.has("default"):
                    var.value, var.has_value = block.get("default"), True
            elif block.type == "data" and len(block.labels) >= 2:
                key = (block.labels[0], block.labels[1])
                if key in data:
                    data[key] = merge(data[key], block)[0]

    # -- resources

    def by_type(self, *types: str) -> list[TfResource]:
        """The module's resources of ``types`` that exist: one whose ``count``/``for_each``
        resolves to nothing (``count = var.create ? 1 : 0``, create false) is left out."""
        out: list[TfResource] = []
        for t in types:
            out.extend(r for r in self._by_type.get(t, ()) if not self.absent(r))
        return out

    def absent(self, resource: TfResource) -> bool:
        """``count``/``for_each`` resolves to no instance (memoised per resource)."""
        if not (resource.has("count") or resource.has("for_each")):
            return False
        key = id(resource)
        found = self._absent.get(key)
        if found is None:
            found = self._absent[key] = call_disabled(resource.block, self.resolve)
        return found

    def resource(self, address: str) -> TfResource | None:
        rtype, _, name = address.partition(".")
        return next((r for r in self._by_type.get(rtype, ()) if r.name == name), None)

    # -- linking (§5.2-4)

    def refers_to(self, value: Value, target: TfResource, attrs: Sequence[str] = ("id",)) -> bool:
        """Does the value reference ``<target>.<attr>`` (any instance index)?"""
        return links.refers_to(self.resolve(value), target, attrs)

    def linked(
        self,
        target: TfResource,
        types: Sequence[str],
        via: str,
        attrs: Sequence[str] = ("id",),
        name_attr: str | None = None,
    ) -> list[TfResource]:
        """Resources of ``types`` whose ``via`` attribute points at ``target``."""
        return links.linked(self.by_type(*types), target, via, self.resolve, attrs, name_attr)

    def callees(self) -> list[tuple[Block, TfResource]]:
        """(call block, resource) of every module this one's local calls create."""
        if self.calls_cache is None:
            return []
        from pytest_devops_policy.indexes.terraform_calls import callees

        return callees(self, self.calls_cache)

    def opaque(self, value: Value) -> bool:
        """True when the value might point anywhere (``links.is_opaque``)."""
        return links.is_opaque(self.resolve(value))

    def unlinked(self, types: Sequence[str], via: str) -> list[TfResource]:
        """Resources of ``types`` whose ``via`` target cannot be determined statically:
        they might attach to anything, so absence of a link is not proof. That includes the
        resources of a called module that set ``via`` from an argument the call passes a
        reference or unresolved value to (``bucket = var.bucket_id``, passed
        ``aws_s3_bucket.this.id``): they may attach to this module's resources."""
        own = [r for r in self.by_type(*types) if not r.disabled and self.opaque(r.get(via))]
        for block, res in self.callees():
            if res.type not in types or res.disabled:
                continue
            value = res.get(via)
            if not (isinstance(value, Expr) and value.kind == "ref" and len(value.ref) == 2):
                continue
            root, name = value.ref
            passed = block.get(name) if isinstance(name, str) and root == "var" else None
            if passed is not None and not is_literal(self.resolve(passed)):
                own.append(res)
        return own


def _is_tfvars(path: str) -> bool:
    name = os.path.basename(path)
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json")
    )


def module_files(scope: str) -> list[str]:
    """Every ``*.tf`` and ``*.tf.json`` plus the variable files Terraform loads by itself.

    Later files win, as in Terraform: terraform.tfvars, terraform.tfvars.json, then
    *.auto.tfvars and *.auto.tfvars.json together in lexical order.
    """
    base = glob.escape(scope)
    paths = sorted(
        glob.glob(os.path.join(base, "*.tf")) + glob.glob(os.path.join(base, "*.tf.json"))
    )
    paths.append(os.path.join(scope, "terraform.tfvars"))
    paths.append(os.path.join(scope, "terraform.tfvars.json"))
    paths.extend(
        sorted(
            glob.glob(os.path.join(base, "*.auto.tfvars"))
            + glob.glob(os.path.join(base, "*.auto.tfvars.json"))
        )
    )
    # Named by the tree: a FIFO, a device or a huge file is not a module file.
    return [p for p in paths if is_regular_file(p)]


# --------------------------------------------------------------------------- the run's modules


def index_for(subject: Subject[Any], cache: ParseCache) -> TfModule:
    """The module of the subject's directory, built once per run; for a resource that a
    module call creates, that module as the call creates it."""
    if getattr(subject, "plan_address", None) is not None:  # a plan: its own module
        from pytest_devops_policy.indexes.terraform_plan import plan_index

        return plan_index(subject, cache)
    scope = getattr(subject, "scope", None)
    if scope is not None:
        from pytest_devops_policy.indexes.terraform_calls import instance

        found = instance(cache, scope)
        if found is not None:
            return found
    return cache.memo(_build, index_scope(subject))


def _build(cache: ParseCache, scope: str) -> TfModule:
    return build_index(scope, cache)


def index_scope(subject: Subject[Any]) -> str:
    """Terraform indexes are per module, and a module is a directory (§5.1)."""
    return os.path.dirname(subject.source.path)


def dependencies(path: str) -> list[str]:
    """The files whose content a file's outcomes depend on: its whole module (result cache),
    and the files its ``file("...")`` calls read (policy documents, TF-009)."""
    files = module_files(os.path.dirname(path))
    return files + _read_files(os.path.dirname(path), files)


# file("policies/x.json") and file("${path.module}/policies/x.json") with a literal path
# (its quotes escaped, \", in a .tf.json string).
_FILE_CALL = re.compile(r'\bfile\(\s*\\?"(?:\$\{path\.module\}/)?([^"$\\]+)\\?"\s*\)')


def raw_texts(files: Sequence[str]) -> Iterator[str]:
    """The text of each readable file, for the cheap regex scans that name dependencies
    (the result cache): no parsing."""
    for name in files:
        try:
            with open(name, encoding="utf-8", errors="replace") as handle:
                yield handle.read()
        except OSError:
            continue


def _read_files(scope: str, files: Sequence[str]) -> list[str]:
    found: list[str] = []
    for text in raw_texts(files):
        for m in _FILE_CALL.finditer(text):
            target = os.path.join(scope, m.group(1))
            if target not in found and is_regular_file(target):
                found.append(target)
    return found


def build_index(scope: str, cache: ParseCache) -> TfModule:
    """Parse the module's files (``module_files``) once through the shared cache;
    files that fail to parse are skipped (they get their own PARSE-ERROR item)."""
    files: list[TfFile] = []
    for path in module_files(scope):
        parsed = cache.get(path, "terraform")
        if isinstance(parsed, TfFile):
            files.append(parsed)
    options = cache.options.of(TfOptions)
    var_files = [
        parsed
        for path in var_file_paths(options, cache.rootdir)
        if isinstance(parsed := cache.get(path, "terraform"), TfFile)
    ]
    module = TfModule(scope, files, var_files, options.vars)
    if options.module_calls:
        module.calls_cache = cache
    return module


def var_file_paths(options: TfOptions, rootdir: str) -> list[str]:
    """The ``tf.var_files`` that exist, as absolute paths (relative ones from the rootdir)."""
    paths = (p if os.path.isabs(p) else os.path.join(rootdir, p) for p in options.var_files)
    return [p for p in paths if is_regular_file(p)]


_MAX_READ_FILE = 1024 * 1024


def file_text(value: Value, directory: str, rootdir: str) -> str | None:
    """The text of ``file("<path>")`` (``path.module`` = ``directory``) when the path
    resolves to a regular file inside ``rootdir`` (in the repository); else ``None``."""
    if not (isinstance(value, Expr) and value.kind == "call" and value.op == "file"):
        return None
    if len(value.args) != 1:
        return None
    arg = value.args[0]
    if isinstance(arg, Template):
        parts: list[str] = []
        for part in arg.parts:
            if isinstance(part, str):
                parts.append(part)
            elif part.kind == "ref" and part.ref == ("path", "module"):
                parts.append(directory)
            else:
                return None
        arg = "".join(parts)
    elif isinstance(arg, Expr) and arg.kind == "ref" and arg.ref == ("path", "module"):
        return None
    if not isinstance(arg, str) or not arg:
        return None
    path = arg if os.path.isabs(arg) else os.path.join(directory, arg)
    real, root = os.path.realpath(path), os.path.realpath(rootdir)
    if os.path.commonpath([real, root]) != root or not is_regular_file(real):
        return None
    try:
        if os.path.getsize(real) > _MAX_READ_FILE:
            return None
        with open(real, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def index_of(directory: str, cache: ParseCache) -> TfModule:
    """The module of a directory, built once per run (the one ``index_for`` returns)."""
    return cache.memo(_build, directory)
