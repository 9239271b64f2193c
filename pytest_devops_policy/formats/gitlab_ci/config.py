"""Building one GitLab CI configuration the way GitLab does (catalog §4.1), as ``Node`` trees.

The order is GitLab's (``Gitlab::Ci::Config``): load the file, merge its ``include:`` files
(local ones read from the repository, the others recorded), resolve ``!reference`` tags
against that merged configuration, then expand each job's ``extends:`` and apply
``default:``. Line numbers ride along on the nodes (``tree.py``).

Nothing is fetched over the network and nothing from the file is executed.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.formats.gitlab_ci.tree import Node, Origin, Ref, deep_merge
from pytest_devops_policy.formats.yamlload import load_documents
from pytest_devops_policy.model import ParseError

__all__ = [
    "DEFAULT_KEYS",
    "GLOBAL_KEYWORDS",
    "Config",
    "Include",
    "build_config",
    "load_node",
]

# Top-level keys that are not jobs.
GLOBAL_KEYWORDS = frozenset(
    {
        "default",
        "include",
        "stages",
        "variables",
        "workflow",
        "spec",
        # deprecated globals, still honoured as defaults
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
    }
)
# What ``default:`` may set for every job (GitLab's list).
DEFAULT_KEYS = (
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
)
# The deprecated top-level forms of some defaults.
GLOBAL_DEFAULTS = ("image", "services", "cache", "before_script", "after_script")

MAX_INCLUDES = 150  # GitLab's default limit per pipeline
MAX_EXTENDS_DEPTH = 11  # GitLab: "nesting too deep" past 11 levels
MAX_REFERENCE_DEPTH = 10  # GitLab: !reference may nest 10 levels

Reader = Callable[[str], str]


@dataclass(frozen=True)
class Include:
    """One ``include:`` entry: ``kind`` is local, project, remote, template or component.

    ``target`` is the path, URL, template name or component address; ``project``/``ref``
    for project includes. ``files`` are the repository files a local include read
    (a glob may read several); ``problem`` says why a local include was not read."""

    kind: str
    target: str
    origin: Origin
    project: str | None = None
    ref: str | None = None
    files: tuple[str, ...] = ()
    problem: str | None = None
    rules: bool = False  # the include has ``rules:`` (it may not apply)
    inputs: bool = False  # ``inputs:`` are passed (components, spec'd files)


@dataclass
class Config:
    """The merged configuration of one file plus its local includes."""

    root: Node  # top-level mapping, includes merged, references resolved
    includes: list[Include] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file read (relpaths), root first
    unresolved: list[tuple[Origin, str]] = field(default_factory=list)  # notes
    # The file's own document as written (no includes, references unresolved) and its
    # ``spec:`` header: what GitLab's schema validates (GL-014).
    document: Node | None = None
    header: Node | None = None
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every include was read: a template or job the file names must then be in it."""
        return all(i.kind == "local" and not i.problem for i in self.includes)


def load_node(
    text: str, relpath: str, duplicates: list[tuple[str, int]] | None = None
) -> tuple[Node | None, Node | None]:
    """The configuration document of a file and its ``spec:`` header document, if any.
    Duplicate keys are appended to ``duplicates`` (dotted path, line): GitLab's YAML
    parser (Ruby's Psych) keeps the last value without a word, so they are no parse error
    (GL-014 reports them)."""
    from pytest_devops_policy.formats.gitlab_ci.tree import from_document

    docs = load_documents(text, yaml11=False, keep_tags=frozenset({"!reference"}))
    docs = [d for d in docs if d.value is not None]
    header: Node | None = None
    if len(docs) == 2 and isinstance(docs[0].value, dict) and "spec" in docs[0].value:
        header = from_document(docs[0], relpath)
        docs = docs[1:]
    if len(docs) > 1:
        raise ParseError(
            "a GitLab CI file holds one YAML document (after an optional spec: header), "
            "found another one here",
            docs[1].start_line,
        )
    if not docs:
        return None, header
    doc = docs[0]
    if duplicates is not None:
        duplicates.extend((".".join(str(p) for p in path), n) for path, n in doc.duplicate_keys)
    return from_document(doc, relpath), header


# --------------------------------------------------------------------------
# include:


def _include_entries(node: Node) -> list[Node]:
    value = node.value
    if isinstance(value, list):
        return list(value)
    return [node]


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    v = node.value
    return v if isinstance(v, str) else None


def parse_include(entry: Node) -> list[Include]:
    """The ``Include`` records of one ``include:`` entry (a ``project`` entry with a list
    of ``file:`` gives one per file)."""
    origin = entry.origin
    value = entry.value
    if isinstance(value, str):
        kind = "remote" if value.startswith(("http://", "https://")) else "local"
        return [Include(kind, value, origin)]
    if not isinstance(value, dict):
        raise ParseError("an include: entry must be a path or a mapping", origin.line, origin.col)
    rules = "rules" in value
    inputs = "inputs" in value
    for kind in ("local", "remote", "template", "component"):
        target = _text(entry.get(kind))
        if target is not None:
            return [Include(kind, target, origin, rules=rules, inputs=inputs)]
    project = _text(entry.get("project"))
    if project is not None:
        files = entry.get("file")
        names = (
            [n.value for n in files.value if isinstance(n.value, str)]
            if files is not None and isinstance(files.value, list)
            else [_text(files) or ""]
        )
        ref = _text(entry.get("ref"))
        return [
            Include("project", n, origin, project=project, ref=ref, rules=rules, inputs=inputs)
            for n in names
        ]
    keys = ", ".join(sorted(value)) or "nothing"
    raise ParseError(
        f"an include: entry needs local, project, remote, template or component (has {keys})",
        origin.line,
        origin.col,
    )


def _local_files(repo_root: str, target: str) -> tuple[list[str], str | None]:
    """The repository files (relpaths) a local include names, or why none."""
    if "$" in target:
        return [], "the path holds a CI/CD variable"
    rel = target.lstrip("/")
    if not rel:
        return [], "empty path"
    if any(c in rel for c in "*?["):
        found = sorted(
            os.path.relpath(p, repo_root).replace(os.sep, "/")
            for p in glob.glob(os.path.join(repo_root, rel), recursive=True)
            if os.path.isfile(p)
        )
        return found, None if found else "no file matches"
    full = os.path.normpath(os.path.join(repo_root, rel))
    if os.path.relpath(full, repo_root).startswith(".."):
        return [], "the path leaves the repository"
    if not os.path.isfile(full):
        return [], "no such file in the repository"
    return [rel.replace(os.sep, "/")], None


# --------------------------------------------------------------------------
# !reference


def _resolve_refs(root: Node, strict: bool, unresolved: list[tuple[Origin, str]]) -> Node:
    """``root`` with every ``!reference`` replaced by a copy of what it names. In a list, a
    reference to a list is spliced in (GitLab flattens ``script`` and ``rules``)."""

    def lookup(ref: Ref, depth: int) -> Node | None:
        if depth > MAX_REFERENCE_DEPTH:
            raise ParseError(
                f"!reference {list(ref.path)} nests more than {MAX_REFERENCE_DEPTH} levels "
                "(or refers to itself)",
                ref.origin.line,
                ref.origin.col,
            )
        node: Node | None = root
        for key in ref.path:
            node = node.get(key) if node is not None else None
        if node is None:
            message = f"!reference {list(ref.path)} names nothing in the configuration"
            if strict:
                raise ParseError(message, ref.origin.line, ref.origin.col)
            unresolved.append((ref.origin, message))
            return None
        return resolve(node, depth + 1)

    def resolve(node: Node, depth: int) -> Node:
        value = node.value
        if isinstance(value, Ref):
            found = lookup(value, depth)
            # An unresolved reference (a template in a file that includes this one) is
            # left out: the key is there, its value unknown.
            return Node(found.value if found is not None else None, node.origin)
        if isinstance(value, dict):
            return Node({k: resolve(v, depth) for k, v in value.items()}, node.origin)
        if isinstance(value, list):
            items: list[Node] = []
            for item in value:
                if isinstance(item.value, Ref):
                    found = lookup(item.value, depth)
                    if found is not None and isinstance(found.value, list):
                        items.extend(found.value)
                    elif found is not None:
                        items.append(Node(found.value, item.origin))
                    continue
                items.append(resolve(item, depth))
            return Node(items, node.origin)
        return node

    return resolve(root, 0)


# --------------------------------------------------------------------------
# the whole configuration


def build_config(
    text: str,
    relpath: str,
    repo_root: str | None,
    read: Reader | None = None,
    strict: bool = True,
) -> tuple[Config | None, Node | None]:
    """The merged configuration of the file ``relpath`` (its text given), or ``None`` when
    it holds no document. ``repo_root`` (absolute) is where local includes are read from;
    ``None`` records them unread. ``strict``: a reference or template that names nothing is
    a parse error (a root pipeline); otherwise it is recorded (a file that others include).
    Returns the configuration and the file's ``spec:`` header. With an include that was not
    read (project, remote, template, component), a missing name may come from it: recorded,
    never an error."""
    duplicates: list[tuple[str, int]] = []
    node, header = load_node(text, relpath, duplicates)
    if node is None:
        return None, header
    config = Config(node, files=[relpath], document=node, header=header, duplicate_keys=duplicates)
    if not isinstance(node.value, dict):
        return config, header
    seen = {relpath}
    merged = _with_includes(node, config, repo_root, read or _read_file, seen)
    config.root = _resolve_refs(merged, strict and config.complete, config.unresolved)
    return config, header


def _read_file(path: str) -> str:
    from pytest_devops_policy.model import decode

    with open(path, "rb") as fh:
        return decode(fh.read())


def _with_includes(
    node: Node, config: Config, repo_root: str | None, read: Reader, seen: set[str]
) -> Node:
    """``node`` deep-merged over its included files (included first, in order: the
    including file's own keys win, as in GitLab)."""
    inc = node.get("include")
    if inc is None or inc.value is None:
        return node
    base: Node | None = None
    for entry in _include_entries(inc):
        for record in parse_include(entry):
            if record.kind != "local":
                config.includes.append(record)
                continue
            if repo_root is None:
                config.includes.append(_with_problem(record, "the repository root is unknown"))
                continue
            files, problem = _local_files(repo_root, record.target)
            config.includes.append(
                Include(
                    record.kind,
                    record.target,
                    record.origin,
                    files=tuple(files),
                    problem=problem,
                    rules=record.rules,
                    inputs=record.inputs,
                )
            )
            for rel in files:
                if rel in seen:
                    continue  # GitLab rejects duplicates only within one include chain
                if len(config.files) >= MAX_INCLUDES:
                    raise ParseError(
                        f"more than {MAX_INCLUDES} included files",
                        record.origin.line,
                        record.origin.col,
                    )
                seen.add(rel)
                config.files.append(rel)
                sub = _included(rel, repo_root, read, record.origin)
                if sub is None:
                    continue
                sub = _with_includes(sub, config, repo_root, read, seen)
                base = sub if base is None else deep_merge(base, sub)
    if base is None:
        return node
    return deep_merge(base, node)


def _with_problem(record: Include, problem: str) -> Include:
    return Include(
        record.kind,
        record.target,
        record.origin,
        problem=problem,
        rules=record.rules,
        inputs=record.inputs,
    )


def _included(rel: str, repo_root: str, read: Reader, origin: Origin) -> Node | None:
    try:
        text = read(os.path.join(repo_root, rel))
    except OSError as exc:
        raise ParseError(
            f"included file {rel} cannot be read ({exc.strerror})", origin.line, origin.col
        ) from None
    try:
        node, _header = load_node(text, rel)
    except ParseError as exc:
        raise ParseError(
            f"included file {rel}:{exc.line}: {exc.message}", origin.line, origin.col
        ) from None
    if node is not None and not isinstance(node.value, dict):
        raise ParseError(
            f"included file {rel} is not a mapping of jobs and keywords", origin.line, origin.col
        )
    return node


def as_list(value: Any) -> list[Any]:
    """A string-or-list keyword as a list (``extends``, ``stages``...)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
