"""Golden-fixture helpers: compare a policy's findings with annotations in the fixture.

Annotations (comments in the fixture file):

* ``# expect: K8S-001`` at the end of the offending line (YAML, HCL); in Terraform JSON
  (``*.tf.json``) a comment property there: ``"acl": "public-read", "//": "expect: TF-001"``;
* ``# expect-next: DOCKER-001`` on the line above the offending line, for formats
  whose comments must be whole lines (Dockerfiles);
* ``# expect-unknown: DOCKER-003`` anywhere: the policy must answer "cannot be
  checked statically" (a skip) and report no violation.

A case is a file (``pass_<case>.Dockerfile``) or a directory (``pass_<case>/``) holding a
small tree, for policies that read other files (a Dockerfile's build context and its
``.dockerignore``). In a directory case the checked file is the one named by the key
``case`` of the sibling ``<case>.toml`` (a path inside the directory), by default
``Dockerfile``; annotations go in that file, and the directory is the rootdir (what
``docker.context`` is relative to). Per-case settings live in the sibling ``<case>.toml``
(``pass_<case>.Dockerfile.toml`` for a file case) as flat, quoted keys.

A repo-level policy (first parameter ``repository``: GHA-015, GHA-023, GHA-027) judges the
repository the checked file is in, the nearest directory holding ``.github`` (a directory
case holding ``.github/``); its findings are at line 1, so the annotation goes on the first
line of the checked file (``# expect: GHA-027``).

A format without comments (a Terraform plan in JSON, ``pass_<case>.json``) carries its
annotations in the case's ``<case>.toml`` instead: ``expect = ["<line>: TF-017"]`` and
``expect-unknown = ["TF-017"]`` (``expectations``).

Organisation policies can use these helpers for their own fixtures.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_devops_policy import kinds, tomlfile
from pytest_devops_policy.api import Policy, get_policy
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.engine.analysis import SECRETS_SUBJECT, with_secrets_subject
from pytest_devops_policy.engine.evaluate import evaluate
from pytest_devops_policy.model import ParseError
from pytest_devops_policy.options import Options

_EXPECT = re.compile(r"(?:#|//)\s*expect(-next|-unknown)?:\s*([A-Z0-9, -]+?)\s*$")


def _annotation(line: str) -> re.Match[str] | None:
    """``# expect: ID``, ``// expect: ID``, and in JSON (``*.tf.json``) a comment property
    on the offending line: ``"acl": "public-read", "//": "expect: TF-001"``."""
    m = _EXPECT.search(line)
    if m is None and '"//": "' in line:
        m = _EXPECT.search(line.replace('"//": "', "// ").rstrip().rstrip(",").rstrip('"'))
    return m


@dataclass(frozen=True)
class GoldenResult:
    violations: frozenset[tuple[int, str]]
    unknown: frozenset[str]


def case_settings(case: str | os.PathLike[str]) -> dict[str, Any]:
    """Optional per-case settings: a sibling ``<case>.toml`` with flat, quoted keys."""
    cfg = os.fspath(case) + ".toml"
    if not os.path.exists(cfg):
        return {}
    return tomlfile.load(cfg)


DEFAULT_CASE_FILE = "Dockerfile"
CASE_KEY = "case"


@dataclass(frozen=True)
class GoldenCase:
    """One golden case: the file to check, its settings and the rootdir to check it from."""

    path: Path  # the case as found: a file, or a directory holding a small tree
    checked: Path  # the file the policy judges (and that carries the annotations)
    settings: dict[str, Any]
    rootdir: Path
    annotations: GoldenResult | None = None  # from the .toml, for files without comments

    @property
    def passing(self) -> bool:
        return self.path.name.startswith("pass")

    def expectations(self) -> GoldenResult:
        """What the case expects: its annotations (in the file, or in its .toml)."""
        if self.annotations is not None:
            return self.annotations
        return expected(self.checked.read_text(encoding="utf-8"))


def golden_case(case: str | os.PathLike[str]) -> GoldenCase:
    """Resolve a file or directory case (see the module docstring)."""
    path = Path(case)
    settings = case_settings(path)
    annotations = _toml_annotations(settings)
    if not path.is_dir():
        return GoldenCase(path, path, settings, path.parent, annotations)
    name = settings.pop(CASE_KEY, DEFAULT_CASE_FILE)
    if not isinstance(name, str) or not name:
        raise ValueError(f"{path}.toml: {CASE_KEY!r} must name a file inside the case")
    checked = path / name
    if not checked.is_file():
        raise FileNotFoundError(f"golden case {path} has no {name} to check")
    return GoldenCase(path, checked, settings, path, annotations)


def _toml_annotations(settings: dict[str, Any]) -> GoldenResult | None:
    """``expect = ["12: TF-017"]`` / ``expect-unknown = ["TF-017"]`` taken out of a case's
    settings, for a checked file that has no comments."""
    if "expect" not in settings and "expect-unknown" not in settings:
        return None
    found: set[tuple[int, str]] = set()
    for entry in settings.pop("expect", []):
        line, _, ids = str(entry).partition(":")
        found.update((int(line), i.strip()) for i in ids.split(",") if i.strip())
    unknown = {str(i).strip() for i in settings.pop("expect-unknown", [])}
    return GoldenResult(frozenset(found), frozenset(unknown))


def golden_cases(directory: str | os.PathLike[str]) -> list[Path]:
    """The ``pass_*``/``fail_*`` cases under ``directory/<ID>/``: files and directories."""
    root = Path(directory)
    return sorted(
        p
        for p in root.glob("*/*")
        if p.name.startswith(("pass", "fail"))
        and (p.is_dir() or (p.is_file() and not p.name.endswith(".toml")))
    )


def expected(text: str) -> GoldenResult:
    lines = text.splitlines()
    found: set[tuple[int, str]] = set()
    unknown: set[str] = set()
    for n, line in enumerate(lines, start=1):
        m = _annotation(line)
        if not m:
            continue
        ids = [i.strip() for i in m.group(2).split(",") if i.strip()]
        if m.group(1) == "-unknown":
            unknown.update(ids)
            continue
        target = n
        if m.group(1) == "-next":
            target = n + 1
            while target <= len(lines) and _annotation(lines[target - 1]):
                target += 1
        found.update((target, i) for i in ids)
    return GoldenResult(frozenset(found), frozenset(unknown))


def actual(
    path: str | os.PathLike[str],
    policy: Any,
    settings: Mapping[str, Any] | None = None,
    rootdir: str | os.PathLike[str] | None = None,
    roots: Iterable[str | os.PathLike[str]] = (),
) -> GoldenResult:
    """Run ``policy`` on the file ``path``; ``rootdir`` defaults to the file's directory.

    ``roots`` are the paths of the "run" that run-wide indexes see (default: the
    rootdir); a golden file case passes itself, so cases do not see each other.
    """
    meta = get_policy(policy)
    if meta is None:
        raise TypeError(f"{policy!r} is not a policy")
    path = os.path.abspath(os.fspath(path))
    root = os.path.abspath(os.fspath(rootdir)) if rootdir is not None else os.path.dirname(path)
    options = Options.from_flat(settings or {}, kinds.option_classes())
    cache = ParseCache(root, [os.path.abspath(os.fspath(r)) for r in roots], options=options)
    if meta.subject == "repository":
        return _repository(meta, path, cache, Context(options, cache))
    parsed = cache.get(path, meta.kind)
    if isinstance(parsed, ParseError):
        raise AssertionError(f"{path}:{parsed.line}:{parsed.col}: {parsed.message}")
    context = Context(options, cache)
    parsed = kinds.by_name(meta.kind).format.adjust(parsed, context)
    # Every file gets its secrets subject when a SECRET policy is asked for, as in a run.
    parsed = with_secrets_subject(parsed, meta.subject == SECRETS_SUBJECT, context)
    if parsed.skip_reason:
        return GoldenResult(frozenset(), frozenset())
    return _run(meta, parsed.subjects, context)


def _repository(meta: Policy, path: str, cache: ParseCache, context: Context) -> GoldenResult:
    """A repo-level policy judges the repository ``path`` is in (the directory holding
    ``.github``); its findings are at line 1 (of any file of the case)."""
    from pytest_devops_policy.indexes.repository import repository_root
    from pytest_devops_policy.kinds.github_repository import REPOSITORY

    root = repository_root(path)
    github = os.path.join(root, ".github")
    parsed = cache.parse_with(github, REPOSITORY, REPOSITORY.facts(root))
    if isinstance(parsed, ParseError):
        raise AssertionError(f"{github}: {parsed.message}")
    return _run(meta, parsed.subjects, context)


def _run(meta: Policy, subjects: Iterable[Any], context: Context) -> GoldenResult:
    found: set[tuple[int, str]] = set()
    unknown: set[str] = set()
    for subject in subjects:
        if not kinds.judges(meta.subject, meta.id, subject.key):
            continue
        if not meta.applies_to(subject, context):
            continue
        finding = evaluate(meta, subject, context)
        found.update((v.line, meta.id) for v in finding.violations)
        if finding.unknowns and not finding.violations:
            unknown.add(meta.id)
    return GoldenResult(frozenset(found), frozenset(unknown))
