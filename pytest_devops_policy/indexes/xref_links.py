"""Image ↔ Dockerfile links (catalog §9.2-4): which Dockerfile, and which stage of it, builds
the image a container runs, and how sure the link is.

Levels, strongest first:

* **declared**: ``xref.image_map`` (``repository = "path/Dockerfile[#stage]"``), a Dockerfile
  comment ``# devops-policy: image=<repository>``, the pod annotation
  ``devops-policy.io/dockerfile.<container>: path[#stage]`` (``Workload.dockerfile_links``);
* **high**: a build of any workflow of the run (GitHub Actions or GitLab CI) whose tags,
  as written, name the image's repository, and whose Dockerfile is in the index;
* **medium**: the same after a resolution step: env/variable indirection
  (``knowledge.xref.resolve``), a ``docker/metadata-action`` ``images`` input feeding
  ``tags: ${{ steps.<id>.outputs.tags }}`` (a kustomize ``images:`` rename is the caller's:
  it passes the rendered image);
* **low**: a name heuristic: the repository's last path segment names the Dockerfile's
  directory or suffix (``XrefIndex.dockerfiles_named``), or the Git repository's name for a
  root ``Dockerfile``, or the run has exactly one Dockerfile and its manifests exactly one
  in-house image.

The run's builds are read once per run (``ParseCache.memo``), from the workflows that name
a build tool at all (a text sniff before parsing). ``pick`` chooses among several links the
one a policy may judge (§9.2-4: the build in a workflow that also deploys wins a
disagreement; else UNKNOWN listing both).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from pytest_devops_policy.api import Unknown
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.indexes.xref import (
    DockerfileFacts,
    StageFacts,
    Workload,
    XrefIndex,
    xref_index,
)
from pytest_devops_policy.indexes.xref_inputs import run_files
from pytest_devops_policy.indexes.xref_sources import is_link_source_name, source_builds
from pytest_devops_policy.knowledge.xref.refs import ImageRef, parse_ref, same_repository
from pytest_devops_policy.knowledge.xref.templated import Templated
from pytest_devops_policy.options.xref import XrefOptions, confidence_rank
from pytest_devops_policy.safefile import read_text

__all__ = [
    "ImageLink",
    "RunBuild",
    "image_links",
    "indexed_workload",
    "pick",
    "run_builds",
    "trusted",
]

IMAGE_MAP_SOURCE = "pyproject.toml [tool.devops-policy.xref] image_map"

# A workflow whose text names none of these builds no image (every build reader of
# knowledge.xref is triggered by one of them): it is not parsed for links.
_SNIFF = re.compile(r"build|\bbud\b|kaniko|executor|set\s+image")
_META_TAGS = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.(?:tags|json)\s*\}\}$")
_METADATA_ACTION = "docker/metadata-action"

# Registries and namespaces of public images: not "in-house" for the one-image heuristic.
_PUBLIC = (
    "docker.io/library/",
    "registry.k8s.io/",
    "k8s.gcr.io/",
    "gcr.io/google-containers/",
    "gcr.io/distroless/",
    "quay.io/",
    "mcr.microsoft.com/",
    "public.ecr.aws/",
    "docker.io/bitnami/",
    "cgr.dev/",
)


@dataclass(frozen=True)
class ImageLink:
    """One Dockerfile (and shipped stage) an image's repository links to."""

    dockerfile: DockerfileFacts
    stage: StageFacts  # image_map '#stage', the linking build's --target, else shipped
    confidence: str  # declared | high | medium | low
    how: str  # "built with tag ghcr.io/acme/web by .github/workflows/ci.yml:14"
    source: str  # "path:line" of the link's evidence
    build_args: Mapping[str, str]  # the linking build's literal --build-arg values


@dataclass(frozen=True)
class RunBuild:
    """One image build of a workflow of the run, with the repositories its tags name."""

    workflow: str  # relpath of the workflow file
    line: int
    dockerfile: str | None  # relpath (to the rootdir) of the Dockerfile; None: unknown
    target: str | None
    build_args: Mapping[str, str]
    # (tag as written or resolved, its ref, "high" when as written / "medium" when resolved)
    tags: tuple[tuple[str, ImageRef, str], ...]
    tool: str = "workflow"  # or skaffold / compose: a link-only source (§9.1)

    @property
    def source(self) -> str:
        return f"{self.workflow}:{self.line}"


@dataclass(frozen=True)
class _RunScan:
    builds: tuple[RunBuild, ...]
    deploying: frozenset[str]  # workflows (relpaths) with a deploy event
    # (kind, name, container) -> (ref, "workflow:line") of each ``kubectl set image`` of
    # the run's workflows: the image the cluster runs, whatever the manifest says.
    set_images: Mapping[tuple[str, str, str], tuple[tuple[str, str], ...]] = field(
        default_factory=dict
    )


# -- the run's builds ---------------------------------------------------------------


def _literal_args(pairs: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    return {k: v for k, v in pairs if v is not None and "$" not in v and k}


def _refs(values: Iterable[Templated | str], level: str) -> Iterator[tuple[str, ImageRef, str]]:
    for value in values:
        text = value if isinstance(value, str) else value.text
        if not text.strip():
            continue
        yield text, parse_ref(value), level


def _gha_tags(
    job: Any, build: Any, github_repository: str | None
) -> list[tuple[str, ImageRef, str]]:
    from pytest_devops_policy.knowledge.xref.gha_events import input_list
    from pytest_devops_policy.knowledge.xref.resolve import GhaResolver

    resolver = GhaResolver(job, github_repository=github_repository)
    index = build.origin.step
    step = job.steps[index] if index is not None and index < len(job.steps) else None
    shell = build.origin.section == "run"
    out: list[tuple[str, ImageRef, str]] = []
    for tag in build.tags:
        meta = _META_TAGS.match(tag.strip())
        if meta is not None:
            # docker/metadata-action: its `images` input names the repositories.
            for s in job.steps[: step.index if step is not None else len(job.steps)]:
                if (
                    s.id == meta.group(1)
                    and s.uses is not None
                    and s.uses.slug.lower() == _METADATA_ACTION
                ):
                    for image in input_list(s.with_.get("images")):
                        name = image.split(",", 1)[0].split("=", 1)[-1].strip()
                        values = resolver.resolve(name, s).values
                        out += _refs(values, "medium")
            continue
        written = parse_ref(tag)
        if not written.has_tokens:
            out.append((tag, written, "high"))
            continue
        # As written first: a literal repository with a token tag is a direct match.
        out.append((tag, written, "high"))
        values = resolver.resolve(tag, step, shell=shell).values
        out += _refs([v for v in values if v.text != tag], "medium")
    return out


def _gl_tags(gl_job: Any, build: Any) -> list[tuple[str, ImageRef, str]]:
    from pytest_devops_policy.knowledge.xref.resolve import resolve_gitlab

    out: list[tuple[str, ImageRef, str]] = []
    for tag in build.tags:
        written = parse_ref(tag)
        out.append((tag, written, "high"))
        if written.has_tokens:
            values = resolve_gitlab(tag, gl_job, script=True).values
            out += _refs([v for v in values if v.text != tag], "medium")
    return out


def _github_repository(cache: ParseCache) -> str | None:
    configured = cache.options.of(XrefOptions).github_repository
    if configured:
        return configured
    from pytest_devops_policy.knowledge.xref.resolve import read_github_repository

    return read_github_repository(cache.rootdir, read_text)


def _dockerfile_rel(cache: ParseCache, root: str, build: Any) -> str | None:
    rel = build.dockerfile_path
    if rel is None or "$" in rel or os.path.isabs(rel) or rel.startswith(".."):
        return None
    return cache.relpath(os.path.normpath(os.path.join(root, rel)))


def _source_builds(cache: ParseCache, path: str) -> list[RunBuild]:
    """The builds of a skaffold or Compose file (link-only sources, §9.1)."""
    text = read_text(path)
    if text is None or not re.search(r"\b(?:artifacts|build)\s*:", text):
        return []
    out = []
    for b in source_builds(cache.relpath(path), text):
        out.append(
            RunBuild(
                workflow=b.source,
                line=b.line,
                dockerfile=b.dockerfile,
                target=b.target,
                build_args=dict(b.build_args),
                tags=((b.image, parse_ref(b.image), b.confidence),),
                tool=b.tool,
            )
        )
    return out


def _scan(cache: ParseCache, _: None) -> _RunScan:
    from pytest_devops_policy.formats.github_actions.workflow import Job
    from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
    from pytest_devops_policy.indexes.workflows import repository_root
    from pytest_devops_policy.knowledge.xref.events import BuildEvent, DeployEvent
    from pytest_devops_policy.knowledge.xref.gha_events import job_events
    from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events

    builds: list[RunBuild] = []
    deploying: set[str] = set()
    sets: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    repo = _github_repository(cache)
    for path in run_files(cache):
        if is_link_source_name(os.path.basename(path)):
            builds += _source_builds(cache, path)
            continue
        kind = cache.classify(PurePath(path))
        if kind is None or kind.name not in ("github-actions", "gitlab-ci"):
            continue
        text = read_text(path)
        if text is None or not _SNIFF.search(text):
            continue
        parsed = cache.get(path, kind.name, text)
        subjects = getattr(parsed, "subjects", ())
        rel = cache.relpath(path)
        if kind.name == "github-actions":
            root = repository_root(path, cache.rootdir)
        else:
            root = os.path.dirname(path)
        for subject in subjects:
            if isinstance(subject, Job):
                events = job_events(subject)
            elif isinstance(subject, GitLabJob):
                events = gitlab_job_events(subject)
            else:
                continue
            for event in events:
                if isinstance(event, DeployEvent):
                    deploying.add(rel)
                    if event.verb == "set-image":
                        _set_images(event, f"{rel}:{event.origin.line}", sets)
                if not isinstance(event, BuildEvent) or not event.tags:
                    continue
                if isinstance(subject, Job):
                    tags = _gha_tags(subject, event, repo)
                else:
                    tags = _gl_tags(subject, event)
                builds.append(
                    RunBuild(
                        workflow=rel,
                        line=event.origin.line,
                        dockerfile=_dockerfile_rel(cache, root, event),
                        target=event.target,
                        build_args=_literal_args(event.build_args),
                        tags=tuple(tags),
                    )
                )
    return _RunScan(
        tuple(builds),
        frozenset(deploying),
        {k: tuple(dict.fromkeys(v)) for k, v in sets.items()},
    )


def _set_images(
    event: Any, source: str, sets: dict[tuple[str, str, str], list[tuple[str, str]]]
) -> None:
    """The literal (kind, name, container) -> ref pairs of one ``set image``."""
    for target in event.targets:
        if target.kind is None or not target.name or "$" in target.name:
            continue
        for container, ref in event.images:
            if container and container != "*" and ref and "{{" not in container:
                sets.setdefault((target.kind, target.name, container), []).append((ref, source))


def set_images(
    cache: ParseCache, kind: str, name: str | None, container: str | None
) -> tuple[tuple[str, str], ...]:
    """(ref, "workflow:line") of each ``kubectl set image`` of the run's workflows that
    sets this container of ``kind/name``."""
    if name is None or container is None:
        return ()
    return cache.memo(_scan, None).set_images.get((kind, name, container), ())


def run_builds(cache: ParseCache) -> tuple[RunBuild, ...]:
    """Every image build with tags of every workflow of the run (read once per run)."""
    return cache.memo(_scan, None).builds


def _deploying(cache: ParseCache) -> frozenset[str]:
    return cache.memo(_scan, None).deploying


# -- links --------------------------------------------------------------------------


def _split_target(target: str) -> tuple[str, str | None]:
    path, _, stage = target.partition("#")
    return path.strip().removeprefix("./"), (stage.strip() or None)


def _same(a: ImageRef, b: ImageRef) -> bool:
    return same_repository(a, b) is True


def _declared(
    index: XrefIndex, ref: ImageRef, cache: ParseCache, options: XrefOptions
) -> Iterator[ImageLink]:
    image_map = options.image_map
    for key, target in image_map.items():
        if not _same(parse_ref(key), ref):
            continue
        path, stage_name = _split_target(target)
        df = index.dockerfile(path)
        stage = df.stage(stage_name) if df is not None else None
        if df is not None and stage is not None:
            yield ImageLink(
                df,
                stage,
                "declared",
                f"declared in xref.image_map ({key} = {target})",
                IMAGE_MAP_SOURCE,
                {},
            )
    for df in _declaring_dockerfiles(cache):
        for entry in df.declared_images:
            image = entry.get("image")
            if isinstance(image, str) and _same(parse_ref(image), ref):
                line = entry.get("line", 1)
                yield ImageLink(
                    df,
                    df.shipped,
                    "declared",
                    f"declared by '# devops-policy: image={image}' ({df.relpath}:{line})",
                    f"{df.relpath}:{line}",
                    {},
                )


def _annotated(
    index: XrefIndex, workload: Workload | None, container: str | None
) -> Iterator[ImageLink]:
    if workload is not None and container is not None and container in workload.dockerfile_links:
        target = workload.dockerfile_links[container]
        path, stage_name = _split_target(target)
        df = index.dockerfile(path)
        stage = df.stage(stage_name) if df is not None else None
        if df is not None and stage is not None:
            yield ImageLink(
                df,
                stage,
                "declared",
                f"declared by the annotation devops-policy.io/dockerfile.{container}: {target}",
                f"{workload.relpath}:{workload.line}",
                {},
            )


def _declaring(cache: ParseCache, _: None) -> tuple[DockerfileFacts, ...]:
    """The run's Dockerfiles with a ``# devops-policy: image=`` comment (only files whose
    bytes hold the word are parsed)."""
    from pytest_devops_policy.safefile import read_bytes

    index = xref_index(cache)
    found = []
    for path in index.dockerfile_paths:
        data = read_bytes(path)
        if data is None or b"devops-policy" not in data:
            continue
        df = index.dockerfile(cache.relpath(path))
        if df is not None and df.declared_images:
            found.append(df)
    return tuple(found)


def _declaring_dockerfiles(cache: ParseCache) -> tuple[DockerfileFacts, ...]:
    return cache.memo(_declaring, None)


def _in_house_images(cache: ParseCache, _: None) -> frozenset[str]:
    """The repositories of the manifests' in-house images (once per run)."""
    return frozenset(
        str(parse_ref(c.image).repository.text)
        for w in xref_index(cache).workloads()
        for c in w.containers
        if isinstance(c.image, str) and _in_house(c.image)
    )


def _built(index: XrefIndex, ref: ImageRef, cache: ParseCache) -> Iterator[ImageLink]:
    for build in run_builds(cache):
        if build.dockerfile is None:
            continue
        df = index.dockerfile(build.dockerfile)
        if df is None:
            continue
        stage = df.stage(build.target) if build.target else df.shipped
        if stage is None:  # a --target the Dockerfile lacks: XREF-005 reports it
            continue
        for text, tag, level in build.tags:
            if _same(tag, ref):
                yield ImageLink(
                    df,
                    stage,
                    level,
                    f"built with tag {text} by {build.source}"
                    + (f" ({build.tool})" if build.tool != "workflow" else ""),
                    build.source,
                    dict(build.build_args),
                )
                break


def _in_house(image: str) -> bool:
    text = str(parse_ref(image).repository.text)
    return "$" not in text and not text.startswith(_PUBLIC)


def _named(index: XrefIndex, ref: ImageRef, cache: ParseCache) -> Iterator[ImageLink]:
    last = ref.path.text.rsplit("/", 1)[-1]
    if not last or "$" in last:
        return
    for df in index.dockerfiles_named(last):
        yield _low(df, f"linked by name only ({df.relpath})")
    root = index.dockerfile("Dockerfile")
    if root is not None:
        repo = _github_repository(cache)
        if repo and repo.rsplit("/", 1)[-1].lower() == last.lower():
            yield _low(root, f"linked by name only (Dockerfile, the repository {repo})")
    if len(index.dockerfile_paths) == 1:
        images = cache.memo(_in_house_images, None)
        only = index.dockerfile(cache.relpath(index.dockerfile_paths[0]))
        if only is not None and images == {str(ref.repository.text)}:
            df = only
            yield _low(
                df,
                f"linked by name only ({df.relpath}: the only Dockerfile, and the only "
                "in-house image of the manifests)",
            )


def _low(df: DockerfileFacts, how: str) -> ImageLink:
    return ImageLink(df, df.shipped, "low", how, f"{df.relpath}:{df.shipped.line}", {})


def image_links(
    image: str,
    context: Context,
    workload: Workload | None = None,
    container: str | None = None,
) -> list[ImageLink]:
    """Every Dockerfile (and stage) the image's repository links to, strongest first, one
    link per Dockerfile: its strongest evidence."""
    if not image or not image.strip():
        return []
    cache = context.cache
    index = xref_index(cache)
    if not index.dockerfile_paths:
        return []
    # What depends on the image alone is found once per run and image; the annotation
    # depends on the workload.
    mapped, others = cache.memo(_links_of_image, image)
    found = [*mapped, *_annotated(index, workload, container), *others]
    return strongest(found)


def strongest(links: Iterable[ImageLink]) -> list[ImageLink]:
    """One link per Dockerfile, its strongest, strongest first (a stable sort: among equals
    the order found is kept)."""
    seen: set[str] = set()
    out: list[ImageLink] = []
    for link in sorted(links, key=lambda link: confidence_rank(link.confidence)):
        if link.dockerfile.relpath not in seen:
            seen.add(link.dockerfile.relpath)
            out.append(link)
    return out


def _links_of_image(
    cache: ParseCache, image: str
) -> tuple[tuple[ImageLink, ...], tuple[ImageLink, ...]]:
    """(the image_map's links, the other links that depend on the image alone)."""
    options = cache.options.of(XrefOptions)  # the run's: the same for every image
    ref = parse_ref(image)
    index = xref_index(cache)
    declared = list(_declared(index, ref, cache, options))
    mapped = [lk for lk in declared if lk.source == IMAGE_MAP_SOURCE]
    others = [lk for lk in declared if lk.source != IMAGE_MAP_SOURCE]
    others += [*_built(index, ref, cache), *_named(index, ref, cache)]
    return tuple(mapped), tuple(others)


def indexed_workload(k8s_object: Any, context: Context) -> Workload | None:
    """The ``Workload`` the index would hold for a ``K8sObject`` being judged, read from the
    object itself (once per object): judging one workload never reads the others."""
    from pytest_devops_policy.indexes.xref import workload_of

    return context.cache.memo_on(
        k8s_object,
        lambda: workload_of(k8s_object, context.cache.relpath(k8s_object.source.path)),
        "xref.workload",
    )


def trusted(link: ImageLink, context: Context) -> bool:
    """The link is at or above ``xref.min_link_confidence``: a finding may rest on it."""
    threshold = context.options(XrefOptions).min_link_confidence
    return confidence_rank(link.confidence) <= confidence_rank(threshold)


def _below(link: ImageLink) -> Unknown:
    if link.confidence == "low":
        lead = (
            link.how
            if link.how.startswith("linked by name only")
            else (f"linked by name only ({link.dockerfile.relpath})")
        )
    else:
        lead = f"linked with {link.confidence} confidence only ({link.how})"
    return Unknown(f"{lead}; declare it with xref.image_map to check")


def pick(
    links: list[ImageLink], attribute: Callable[[ImageLink], object], context: Context
) -> ImageLink | Unknown | None:
    """The link a policy judges: None without links; UNKNOWN when the best link is below
    the threshold, or when trusted links disagree on ``attribute`` and no single build in a
    deploying workflow settles it. Declared links outrank every other kind."""
    if not links:
        return None
    if not trusted(links[0], context):
        return _below(links[0])
    candidates = [link for link in links if trusted(link, context)]
    if candidates[0].confidence == "declared":
        candidates = [link for link in candidates if link.confidence == "declared"]
    values = [attribute(link) for link in candidates]
    if all(v == values[0] for v in values[1:]):
        return candidates[0]
    deploying = _deploying(context.cache)
    local = [
        (link, v)
        for link, v in zip(candidates, values, strict=True)
        if link.source.rsplit(":", 1)[0] in deploying
    ]
    if local and all(v == local[0][1] for _, v in local[1:]):
        return local[0][0]
    shown = "; ".join(
        f"{link.dockerfile.relpath} stage {link.stage.display} ({link.how}) gives {v}"
        for link, v in zip(candidates, values, strict=True)
    )
    return Unknown(f"the Dockerfiles linked to this image disagree: {shown}")


def image_map_problems(cache: ParseCache) -> list[str]:
    """What is wrong with ``xref.image_map``'s targets: a Dockerfile that is not there, or
    a ``#stage`` it does not declare (read with the Dockerfile parser). Checked at start-up:
    a declared link that points nowhere would silently link nothing."""
    from pytest_devops_policy.indexes.xref_builds import path_kind, stage_names

    problems = []
    for repository, target in cache.options.of(XrefOptions).image_map.items():
        path, stage = _split_target(target)
        where = f'xref.image_map: "{repository}" = "{target}"'
        if path_kind(cache.rootdir, path) != "file":
            problems.append(f"{where}: there is no file {path} under {cache.rootdir}")
            continue
        if stage is None or stage.isdigit():
            continue
        names = [n for n, _ in stage_names(cache.rootdir, path, cache) or ()]
        if stage.lower() not in {n.lower() for n in names}:
            shown = ", ".join(names) or "none: no FROM ... AS <name>"
            problems.append(f"{where}: {path} has no stage {stage!r} (its stages: {shown})")
    return problems
