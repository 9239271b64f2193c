"""Literal-only variable resolution in workflows (catalog §9.2-3).

Reads a value as written in a GitHub Actions job (``with:`` input, ``env`` value, ``run:``
script) or a GitLab CI job (keyword or script line) and returns it as ``Templated``: the
parts the files decide are literal text, the rest stay tokens (``templated.Token``).

GitHub Actions (``GhaResolver``):

* ``${{ env.X }}`` (case-insensitive, as GitHub's property access) and, in ``run:`` scripts
  (``shell=True``), ``$X`` / ``${X}``: the step's ``env``, else the last ``X=literal`` an
  earlier step of the job appended to ``$GITHUB_ENV`` (``echo``/``printf``/``cat <<EOF``,
  ``>> $GITHUB_ENV`` or ``>> "$GITHUB_ENV"``, read by the shared shell reader), else the job's,
  else the workflow's ``env`` (assumed order: step env > $GITHUB_ENV > job > workflow). A value
  found at one level is read in the levels above it (a step env value may use the job's). A
  write in a step with an ``if:`` may not happen: that variable stays a token;
* ``$GITHUB_SHA`` ≡ ``${{ github.sha }}``, ``$GITHUB_RUN_ID`` ≡ ``${{ github.run_id }}``,
  ``$GITHUB_REF_NAME`` ≡ ``${{ github.ref_name }}`` (and the other twins in
  ``templated.GITHUB_ALIASES``): tokens with one canonical text;
* ``${{ github.repository }}`` (``repository_owner``, ``event.repository.name``): the
  ``github_repository`` given, e.g. ``xref.github_repository`` or ``read_github_repository``
  (``.git/config`` ``[remote "origin"] url``, https or ssh, ``.git`` suffix; a file read only);
* ``${{ steps.<id>.outputs.registry }}`` of an ``aws-actions/amazon-ecr-login`` step:
  ``templated.ECR_REGISTRY`` ("some ECR host");
* ``${{ matrix.K }}``: literal matrices are expanded (``strategy.matrix`` keys, ``include``,
  ``exclude``), one evaluation per combination, at most ``cap`` (64) combinations
  (``Resolution.capped`` says when more were left out).

GitLab CI (``resolve_gitlab``): ``$X`` / ``${X}`` from the job's ``variables:`` (global →
job, rules and workflow rules as candidates: knowledge/ci/gl_variables.py), nested values
expanded unless ``expand: false``, ``$$`` a literal ``$`` in keywords, and ``parallel:
matrix`` expanded like a GHA matrix. Predefined ``CI_*`` variables stay tokens.

Deliberately UNKNOWN (tokens): ``$(…)`` and backticks, ``steps.*.outputs.*`` other than the
ecr-login registry, ``needs.*``, ``vars.*``, ``secrets.*``, ``inputs.*``, any ``${{ }}`` that
is not a bare known context (functions, operators), shell variables set by the script itself,
``${X:-default}`` forms, matrices built from expressions, project/group CI variables.

Equality of two resolved values is ``templated.equal`` (re-exported as ``equal``):
True / False / None (UNKNOWN).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_devops_policy.formats.github_actions.expressions import (
    Ctx,
    ExpressionError,
    Lit,
    parse_expression,
)
from pytest_devops_policy.formats.github_actions.values import as_text
from pytest_devops_policy.formats.github_actions.workflow import Job, Step
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.knowledge.ci.gl_variables import variable_values
from pytest_devops_policy.knowledge.ci.scripts import PLACEHOLDER, run_script
from pytest_devops_policy.knowledge.xref.templated import (
    ECR_REGISTRY,
    Part,
    Templated,
    Token,
    equal,
    split_template,
)

__all__ = [
    "MATRIX_CAP",
    "GhaResolver",
    "Resolution",
    "equal",
    "github_env_writes",
    "github_repository_from_config",
    "matrix_combinations",
    "read_github_repository",
    "repository_from_url",
    "resolve_gha",
    "resolve_gitlab",
]

MATRIX_CAP = 64
_MAX_DEPTH = 8
_ECR_LOGIN = "aws-actions/amazon-ecr-login"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Resolution:
    """The values a text takes: one per matrix combination (or GitLab candidate), distinct."""

    values: tuple[Templated, ...]
    capped: bool = False  # combinations beyond the cap were not evaluated
    notes: tuple[str, ...] = ()

    @property
    def single(self) -> Templated | None:
        """The value when every evaluation agrees."""
        return self.values[0] if len(self.values) == 1 else None


def _capped_note(total: int, cap: int) -> str:
    return f"{total} matrix combinations: only the first {cap} were evaluated"


# -- matrices ------------------------------------------------------------------


def _is_expression(value: object) -> bool:
    return isinstance(value, str) and "${{" in value


def matrix_combinations(
    matrix: object, cap: int = MATRIX_CAP
) -> tuple[list[dict[str, Any]] | None, int]:
    """The combinations of a literal ``strategy.matrix`` (GitHub's include/exclude rules) and
    how many there are in all; None when the matrix itself is an expression. Keys whose values
    are expressions are left out, so ``matrix.<key>`` stays a token."""
    if not isinstance(matrix, Mapping):
        return None, 0
    axes = {
        str(k): v
        for k, v in matrix.items()
        if k not in ("include", "exclude") and isinstance(v, list) and v
    }
    combos: list[dict[str, Any]] = (
        [dict(zip(axes, vals, strict=True)) for vals in itertools.product(*axes.values())]
        if axes
        else []
    )
    excludes = _entries(matrix.get("exclude"))
    combos = [c for c in combos if not any(_matches(c, e) for e in excludes)]
    includes = _entries(matrix.get("include"))
    if not axes:
        combos = [dict(e) for e in includes]
    else:
        # An include entry extends every original combination whose original values it
        # does not overwrite (values added by earlier entries may be); else it is a new one.
        originals = [(c, dict(c)) for c in combos]
        for entry in includes:
            merged = False
            for combo, original in originals:
                if all(k not in axes or original[k] == v for k, v in entry.items()):
                    combo.update(entry)
                    merged = True
            if not merged:
                combos.append(dict(entry))
    total = len(combos)
    return combos[:cap], total


def _entries(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [{str(k): v for k, v in e.items()} for e in value if isinstance(e, Mapping)]


def _matches(combo: Mapping[str, Any], entry: Mapping[str, Any]) -> bool:
    return all(k in combo and combo[k] == v for k, v in entry.items())


# -- .git/config -----------------------------------------------------------------

_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")


def repository_from_url(url: str) -> str | None:
    """``owner/name`` of a remote URL: https, ssh://, git://, scp-like ``git@host:o/n.git``."""
    url = url.strip()
    if "://" in url:
        rest = url.split("://", 1)[1]
        path = rest.split("/", 1)[1] if "/" in rest else ""
    else:
        m = _SCP.match(url)
        if m is None:
            return None
        path = m.group("path")
    path = path.split("?")[0].split("#")[0].strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    return f"{parts[-2]}/{parts[-1]}"


def github_repository_from_config(text: str) -> str | None:
    """``owner/name`` from the ``url`` of ``[remote "origin"]`` in a git config file."""
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = " ".join(line.strip("[]").split())
            continue
        if section == 'remote "origin"':
            key, sep, value = line.partition("=")
            if sep and key.strip().lower() == "url":
                return repository_from_url(value.strip().strip('"'))
    return None


def read_github_repository(root: str, read: Callable[[str], str | None]) -> str | None:
    """``owner/name`` of the repository at ``root`` from its git config (``read`` gives a
    file's text or None; no git call). A worktree's ``.git`` file points to its gitdir,
    whose ``commondir`` holds the shared config."""
    dot_git = root.rstrip("/") + "/.git"
    pointer = read(dot_git)
    if pointer is not None and pointer.startswith("gitdir:"):
        gitdir = pointer[len("gitdir:") :].strip()
        if not gitdir.startswith("/"):
            gitdir = root.rstrip("/") + "/" + gitdir
        common = read(gitdir + "/commondir")
        if common is not None:
            common = common.strip()
            gitdir = common if common.startswith("/") else gitdir + "/" + common
        config = read(gitdir + "/config")
    else:
        config = read(dot_git + "/config")
    return github_repository_from_config(config) if config is not None else None


# -- GitHub Actions ------------------------------------------------------------------


def github_env_writes(step: Step) -> list[tuple[str, str | None]]:
    """(name, written text) for each ``NAME=value`` line a ``run:`` step appends to
    ``$GITHUB_ENV``, ``${{ }}`` restored; None for a multi-line ``NAME<<EOF`` value."""
    if step.run is None or "GITHUB_ENV" not in step.run:
        return []
    rs = run_script(step.run)
    out: list[tuple[str, str | None]] = []

    def back(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return rs.expressions[n].text if n < len(rs.expressions) else m.group(0)

    for write in rs.script.file_writes():
        if "GITHUB_ENV" not in write.path or write.mode == "edit":
            continue
        lines = iter(write.text.splitlines())
        for line in lines:
            name, sep, value = line.partition("=")
            if sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
                out.append((name.strip(), PLACEHOLDER.sub(back, value)))
                continue
            name, sep, _ = line.partition("<<")
            if sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
                out.append((name.strip(), None))
    return out


def _lookup(env: Mapping[str, Any], name: str, fold: bool) -> tuple[bool, Any]:
    if name in env:
        return True, env[name]
    if fold:
        for key, value in env.items():
            if str(key).lower() == name.lower():
                return True, value
    return False, None


class GhaResolver:
    """Resolves values in one job (see the module docstring)."""

    # Levels of the env lookup, most specific first.
    _LEVELS = ("step", "github_env", "job", "workflow")

    def __init__(
        self, job: Job, *, github_repository: str | None = None, cap: int = MATRIX_CAP
    ) -> None:
        self.job = job
        self.github_repository = github_repository
        self.cap = cap
        self.matrix, self.matrix_total = matrix_combinations(job.strategy.get("matrix"), cap)

    # -- entry points

    def resolve(self, text: str, step: Step | None = None, *, shell: bool = False) -> Resolution:
        """Every value of ``text`` over the matrix combinations. ``shell``: a ``run:``
        script, where ``$X`` reads the environment."""
        combos: Sequence[Mapping[str, Any] | None] = [*(self.matrix or [])] or [None]
        values = tuple(
            dict.fromkeys(self.resolve_one(text, step, shell=shell, matrix=c) for c in combos)
        )
        capped = self.matrix_total > self.cap
        notes = (_capped_note(self.matrix_total, self.cap),) if capped else ()
        return Resolution(values, capped, notes)

    def resolve_one(
        self,
        text: str,
        step: Step | None = None,
        *,
        shell: bool = False,
        matrix: Mapping[str, Any] | None = None,
    ) -> Templated:
        """One evaluation, with ``matrix`` as the combination (None: matrix.* are tokens)."""
        return self._resolve(text, step, shell, matrix, "step", 0)

    # -- internals

    def _resolve(
        self,
        text: str,
        step: Step | None,
        shell: bool,
        matrix: Mapping[str, Any] | None,
        level: str,
        depth: int,
    ) -> Templated:
        parts: list[Part] = []
        for part in split_template(text).parts:
            if isinstance(part, str) or depth >= _MAX_DEPTH:
                parts.append(part)
            elif part.kind == "expression":
                parts.extend(self._expression(part, step, matrix, level, depth).parts)
            elif part.kind == "variable" and shell:
                parts.extend(self._shell_variable(part, step, matrix, level, depth).parts)
            else:
                parts.append(part)
        return Templated.of(parts)

    def _env(
        self, name: str, step: Step | None, level: str, fold: bool
    ) -> tuple[str, Any, Step | None] | None:
        """(level found, raw value, writer step for $GITHUB_ENV) of ``name``, searching from
        ``level`` upwards."""
        start = self._LEVELS.index(level)
        for lv in self._LEVELS[start:]:
            if lv == "step" and step is not None:
                found, value = _lookup(step.env, name, fold)
            elif lv == "github_env" and step is not None:
                hit = self._github_env(name, step, fold)
                if hit is not None:
                    return "github_env", hit[0], hit[1]
                continue
            elif lv == "job":
                found, value = _lookup(self.job.env, name, fold)
            elif lv == "workflow":
                found, value = _lookup(self.job.workflow.env, name, fold)
            else:
                continue
            if found:
                return lv, value, None
        return None

    def _github_env(self, name: str, step: Step, fold: bool) -> tuple[Any, Step] | None:
        last: tuple[Any, Step] | None = None
        for earlier in self.job.steps[: step.index]:
            for written, value in github_env_writes(earlier):
                if written == name or (fold and written.lower() == name.lower()):
                    # A conditional step may not run: the value is not decided by the file.
                    last = (value if earlier.if_ is None else None), earlier
        return last

    def _value(
        self,
        token: Token,
        name: str,
        step: Step | None,
        matrix: Mapping[str, Any] | None,
        level: str,
        depth: int,
        fold: bool,
    ) -> Templated:
        hit = self._env(name, step, level, fold)
        if hit is None:
            return Templated.of((token,))
        found, raw, writer = hit
        if found == "github_env":
            if raw is None or writer is None:
                return Templated.of((token,))
            return self._resolve(raw, writer, True, matrix, "step", depth + 1)
        text = as_text(raw)
        if text is None:
            return Templated.of((token,))
        above = self._LEVELS[self._LEVELS.index(found) + 1] if found != "workflow" else None
        if above is None:
            # Workflow env cannot read env: only non-env references resolve there.
            return self._resolve(text, None, False, matrix, "workflow_top", depth + 1)
        return self._resolve(text, step, False, matrix, above, depth + 1)

    def _shell_variable(
        self,
        token: Token,
        step: Step | None,
        matrix: Mapping[str, Any] | None,
        level: str,
        depth: int,
    ) -> Templated:
        m = _VAR.fullmatch(token.text)
        if m is None:  # ${X:-default} and other forms: not resolved
            return Templated.of((token,))
        return self._value(token, m.group(1), step, matrix, level, depth, fold=False)

    def _expression(
        self,
        token: Token,
        step: Step | None,
        matrix: Mapping[str, Any] | None,
        level: str,
        depth: int,
    ) -> Templated:
        body = token.text[3:-2].strip()
        try:
            node = parse_expression(body)
        except ExpressionError:
            return Templated.of((token,))
        if isinstance(node, Lit) and isinstance(node.value, str):
            return Templated.literal_text(node.value)
        if not isinstance(node, Ctx):
            return Templated.of((token,))
        path = node.path
        if len(path) == 2 and path[0] == "env":
            if level == "workflow_top":
                return Templated.of((token,))
            return self._value(token, path[1], step, matrix, level, depth, fold=True)
        if len(path) == 2 and path[0] == "matrix" and matrix is not None:
            hit = _lookup(matrix, path[1], True)
            text = as_text(hit[1]) if hit[0] else None
            return Templated.literal_text(text) if text is not None else Templated.of((token,))
        repo = self._repository(path)
        if repo is not None:
            return Templated.literal_text(repo)
        registry = len(path) == 4 and path[0] == "steps" and path[2:] == ("outputs", "registry")
        if registry and self._is_ecr_login(path[1]):
            return Templated.of((ECR_REGISTRY,))
        return Templated.of((token,))

    def _repository(self, path: tuple[str, ...]) -> str | None:
        repo = self.github_repository
        if not repo or "/" not in repo:
            return None
        owner, _, name = repo.partition("/")
        if path == ("github", "repository"):
            return repo
        if path == ("github", "repository_owner"):
            return owner
        if path == ("github", "event", "repository", "name"):
            return name
        return None

    def _is_ecr_login(self, step_id: str) -> bool:
        for s in self.job.steps:
            if s.id is not None and s.id.lower() == step_id and s.uses is not None:
                return f"{s.uses.owner}/{s.uses.repo}".lower() == _ECR_LOGIN
        return False


def resolve_gha(
    text: str,
    job: Job,
    step: Step | None = None,
    *,
    shell: bool = False,
    github_repository: str | None = None,
    cap: int = MATRIX_CAP,
) -> Resolution:
    """``GhaResolver(job, ...).resolve(text, step, shell=shell)`` in one call."""
    return GhaResolver(job, github_repository=github_repository, cap=cap).resolve(
        text, step, shell=shell
    )


# -- GitLab CI ---------------------------------------------------------------------


def _gl_matrix(job: GitLabJob) -> list[dict[str, str]]:
    parallel = job.raw.get("parallel")
    entries = parallel.get("matrix") if isinstance(parallel, Mapping) else None
    out: list[dict[str, str]] = []
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, Mapping):
            continue
        axes: dict[str, list[str]] = {}
        for key, value in entry.items():
            values = value if isinstance(value, list) else [value]
            axes[str(key)] = [t for t in (as_text(v) for v in values) if t is not None]
        for vals in itertools.product(*axes.values()):
            out.append(dict(zip(axes, vals, strict=True)))
    return out


def resolve_gitlab(
    text: str, job: GitLabJob, *, script: bool = False, cap: int = MATRIX_CAP
) -> Resolution:
    """The values ``text`` takes in ``job``: one per ``parallel: matrix`` combination and
    per candidate definition of the variables it reads (at most ``cap``). ``script``: a
    script line, where ``$$`` is the shell's own (a token), not an escaped ``$``."""
    combos: list[dict[str, str] | None] = [*_gl_matrix(job)] or [None]
    values: list[Templated] = []
    total = 0
    for combo in combos:
        for value in _gl_expand(split_template(text, dollar_escape=not script), job, combo, ()):
            total += 1
            if len(values) < cap:
                values.append(value)
    capped = total > cap
    notes = (f"{total} evaluations: only the first {cap} were kept",) if capped else ()
    return Resolution(tuple(dict.fromkeys(values)), capped, notes)


def _gl_expand(
    value: Templated,
    job: GitLabJob,
    matrix: Mapping[str, str] | None,
    chain: tuple[str, ...],
) -> Iterator[Templated]:
    choices: list[list[Templated]] = []
    for part in value.parts:
        if isinstance(part, str) or part.kind != "variable":
            choices.append([Templated.of((part,))])
            continue
        m = _VAR.fullmatch(part.text)
        if m is None or m.group(1) in chain or len(chain) >= _MAX_DEPTH:
            choices.append([Templated.of((part,))])
            continue
        choices.append(list(_gl_variable(part, m.group(1), job, matrix, chain)))
    for combo in itertools.product(*choices):
        yield Templated.of(p for t in combo for p in t.parts)


def _gl_variable(
    token: Token,
    name: str,
    job: GitLabJob,
    matrix: Mapping[str, str] | None,
    chain: tuple[str, ...],
) -> Iterator[Templated]:
    if matrix is not None and name in matrix:
        yield Templated.literal_text(matrix[name])
        return
    definitions = variable_values(job, name)
    if not definitions:
        yield Templated.of((token,))
        return
    for definition in dict.fromkeys(definitions):
        if definition is None:
            yield Templated.of((token,))
            continue
        text, expand = definition
        if not expand:
            yield Templated.literal_text(text)
            continue
        yield from _gl_expand(split_template(text, dollar_escape=True), job, matrix, (*chain, name))
