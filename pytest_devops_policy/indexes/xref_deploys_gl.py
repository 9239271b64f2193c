"""The GitLab CI side of XREF-001/006: a job as ``xref_deploys.JobView``.

The decisions are the GitHub anchor's (``xref_deploys``); a GitLab job differs in what it
runs and what it receives:

* words are read through the file's ``variables:`` unless the script may set them
  (``gl_resolve.resolve_script``); ``$CI_PROJECT_DIR/...`` is the repository root;
* a missing path may come from an earlier script line, the artifacts or cache the job
  receives, or no checkout at all (``gl_builds.may_create``);
* script commands that may create cluster objects no event shows (``make deploy``,
  ``./deploy.sh``, ``helmfile``...) are opaque, as are the scripts of a template the file
  could not resolve (``extends:`` of a remote include).
"""

from __future__ import annotations

import re

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.indexes.xref_builds import gitlab_root
from pytest_devops_policy.indexes.xref_deploys import JobView
from pytest_devops_policy.indexes.xref_deploys_gha import DEPLOYERS, EDITS
from pytest_devops_policy.knowledge.ci.script_exprs import script_commands
from pytest_devops_policy.knowledge.xref import gl_builds
from pytest_devops_policy.knowledge.xref.events import Origin, join_path
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.knowledge.xref.gl_resolve import resolve_script

__all__ = ["gl_job_view"]

_WRITES = frozenset({">", ">>", ">|", "&>", "&>>"})
_COPIES = frozenset({"cp", "mv", "install", "rsync"})
_CD = re.compile(r"(?:^|[;&|(\s])(?:cd|pushd)\s")


def _label(job: GitLabJob, origin: Origin) -> str:
    return f"{job.display} {origin.section}[{origin.index}]"


def _opaque(job: GitLabJob) -> tuple[str, ...]:
    out = [f"{job.display} extends {t}, whose scripts are not read" for t in job.unresolved_extends]
    for section, index, line in job.scripts():
        m = DEPLOYERS.search(line)
        if m is not None:
            out.append(f"{job.display} {section}[{index}] ({' '.join(m.group(0).split())}...)")
    return tuple(out)


def _written_paths(job: GitLabJob, before: Origin) -> list[tuple[str, str, bool]]:
    """(path, where, fuzzy) for each file a script line writes before ``before``:
    redirections, ``tee``, ``cp``/``mv`` destinations; ``fuzzy`` once a ``cd`` ran."""
    out: list[tuple[str, str, bool]] = []
    fuzzy = False
    for section, index, line in job.scripts():
        if section == "after_script" and before.section != "after_script":
            break
        here = (section, index) == (before.section, before.index)
        for n, cmd in enumerate(script_commands(line)):
            if here and n >= before.command:
                break
            words = [cmd.shown(w) for w in cmd.command.words]
            targets = [r.target for r in cmd.command.redirects if r.op in _WRITES]
            name = words[0].rsplit("/", 1)[-1] if words else ""
            if name == "tee":
                targets += [w for w in words[1:] if not w.startswith("-")]
            elif name in _COPIES and len(words) > 2:
                targets.append(words[-1])
            for t in targets:
                full = join_path(".", t)
                out.append((full or t, f"{job.display} {section}[{index}]", fuzzy or full is None))
        fuzzy = fuzzy or bool(_CD.search(line))
        if here:
            break
    return out


def gl_job_view(job: GitLabJob, context: Context) -> JobView:
    def resolve(text: str, origin: Origin) -> str | None:
        values = resolve_script(text, job)
        if len(values) != 1:
            return None
        value = values[0]
        if value.literal is not None:
            return value.literal
        rooted = join_path(".", value.text)  # $CI_PROJECT_DIR/...: the repository root
        return value.text if rooted is not None and "$" not in rooted else None

    def written(rel: str, origin: Origin) -> str | None:
        for path, where, fuzzy in _written_paths(job, origin):
            same = path == rel or path.startswith(rel.rstrip("/") + "/")
            if same or (fuzzy and path.rsplit("/", 1)[-1] == rel.rsplit("/", 1)[-1]):
                return f"{where} writes {path}"
        return None

    def created(rel: str, origin: Origin) -> str | None:
        return gl_builds.may_create(job, origin, rel) or written(rel, origin)

    scripts = " ".join(line for _, _, line in job.scripts())
    return JobView(
        events=gitlab_job_events(job),
        root=gitlab_root(job.source.path, context.cache),
        resolve=resolve,
        may_create=created,
        written=written,
        opaque=_opaque(job),
        where=lambda origin: f"{origin.file}:{origin.line}",
        label=lambda origin: _label(job, origin),
        edits_kustomizations=bool(EDITS.search(scripts)),
    )
