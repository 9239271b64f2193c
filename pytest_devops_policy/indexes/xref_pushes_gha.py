"""GitHub Actions facts for XREF-002 (``xref_pushes``): each job of a workflow as
``JobFacts``, and the refs a deploy job puts into a cluster or service.

Refs are resolved literal-only (``resolve.GhaResolver``: env, ``$GITHUB_ENV`` writes, the
GITHUB_* twins, ``github.repository``, literal matrices), one value per matrix combination.

A job's image store is the runner's Docker daemon; what reaches a cluster is what a push
or a side-load puts there. Read as **opaque** (may push, cannot be read): scripts
(``./release.sh``, ``bash scripts/x.sh``, ``python tools/push.py``), task runners whose
target is not a known inert one (``make push``, ``just release``, ``npm run deploy``),
tools that build and push as part of a deploy (``skaffold``, ``goreleaser``, ``cdk``,
``copilot``, ``docker compose push``...), local actions, remote actions whose name speaks
of images or releases and that are not known to be inert, and jobs that call a remote
reusable workflow. A local reusable workflow (``uses: ./.github/workflows/x.yml``) is read
through the parse cache and its jobs count as one job.

The images of applied manifests (``kubectl apply -f/-k``, ``kustomize build DIR | kubectl
apply -f -``) come from the run index (``xref_index``), unless the job rewrites them before
the apply (``sed -i``/``yq -i``/``envsubst``/``kustomize edit``), downloads files
(``actions/download-artifact``), reads them from stdin otherwise, or sets the container's
image again afterwards (``kubectl set image`` on that object).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pytest_devops_policy.context import ParseCache
from pytest_devops_policy.formats.github_actions.workflow import Job, Step, Workflow
from pytest_devops_policy.indexes.xref_pushes import (
    Built,
    Decision,
    Deployed,
    JobFacts,
    Offer,
    Opaque,
)
from pytest_devops_policy.knowledge.ci.script_exprs import script_commands
from pytest_devops_policy.knowledge.xref.events import (
    BuildEvent,
    DeployEvent,
    Event,
    Origin,
    PushEvent,
    Rewrite,
    SideLoadEvent,
    join_path,
)
from pytest_devops_policy.knowledge.xref.gha_events import job_events
from pytest_devops_policy.knowledge.xref.resolve import GhaResolver
from pytest_devops_policy.knowledge.xref.templated import Templated, split_template

__all__ = ["GhaJob", "deploy_refs", "gha_job_facts", "is_deploy", "position"]

# Deploys that put an image somewhere (a dry run puts nothing).
_DEPLOY_VERBS = frozenset(
    {"set-image", "apply", "create", "replace", "helm", "gcloud-run", "az-containerapp",
     "ecs-render", "kustomize-set-image"}
)  # fmt: skip
_APPLY_VERBS = frozenset({"apply", "create", "replace"})

# Actions that set up the runner, log in, describe or deploy: none pushes an image.
_INERT_ACTIONS = re.compile(
    r"^(?:actions/[\w.-]+|docker/(?:setup-[\w-]+|login-action|metadata-action|"
    r"build-push-action)|depot/(?:setup-action|build-push-action)|"
    r"aws-actions/(?:configure-aws-credentials|amazon-ecr-login|amazon-ecs-[\w-]+|"
    r"amazon-eks-[\w-]+)|google-github-actions/(?:auth|setup-gcloud|get-gke-credentials|"
    r"deploy-cloudrun|get-secretmanager-secrets)|azure/(?:login|setup-kubectl|setup-helm|"
    r"k8s-set-context|aks-set-context|k8s-deploy|k8s-bake|container-apps-deploy-action)|"
    r"helm/kind-action|medyagh/setup-minikube|azure/setup-kubectl)$",
    re.I,
)
# Remote actions whose name suggests they build, push or release images.
_PUSHY_ACTION = re.compile(
    r"push|publish|registry|image|docker|build|release|deploy|bake|kaniko|buildah|podman|"
    r"container|\bko\b|jib|ecr|gcr|acr|skaffold|goreleaser|earthly|nix",
    re.I,
)
# Programs that may build and push as a side effect of what they run.
_PUSHY_TOOLS = frozenset(
    {"skaffold", "goreleaser", "earthly", "bazel", "bazelisk", "tilt", "devspace", "okteto",
     "copilot", "sam", "cdk", "pulumi", "serverless", "sls", "fly", "flyctl", "heroku",
     "docker-compose", "ansible-playbook", "werf", "garden", "porter", "dagger", "nix",
     "buildpacks", "s2i", "img", "depot"}
)  # fmt: skip
# Programs whose commands the event readers understand (``./kustomize`` is kustomize).
_KNOWN = frozenset(
    {"kubectl", "kustomize", "helm", "docker", "podman", "buildah", "nerdctl", "kind",
     "minikube", "k3d", "crane", "skopeo", "gcloud", "az", "aws", "ko", "pack", "executor",
     "sed", "yq", "jq", "envsubst", "curl", "wget", "git", "echo", "cat", "chmod", "tar",
     "unzip", "kubectl-argo-rollouts", "kubeval", "kubeconform", "trivy", "grype", "cosign"}
)  # fmt: skip
_RUNNERS = frozenset({"make", "gmake", "just", "task", "mage", "rake", "invoke", "nox", "tox"})
_PACKAGE_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_BUILD_TOOLS = frozenset({"mvn", "mvnw", "gradle", "gradlew", "sbt", "lein"})
_INERT_TARGET = re.compile(
    r"^(?:test|tests|unit|lint|check|checks|fmt|format|vet|install|deps|dependencies|setup|"
    r"clean|tidy|verify|generate|gen|codegen|manifests|help|coverage|cover|bench|ci|all|"
    r"build|compile|docs|audit|typecheck|e2e|integration)(?:[-_:.][\w.-]*)?$",
    re.I,
)
_PUSHY_WORD = re.compile(r"push|publish|deploy|release|jib|docker|image|container", re.I)
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "pwsh", "powershell", "source", "."})
_INTERPRETERS = frozenset({"python", "python3", "node", "ruby", "perl", "deno", "go", "php"})
_SCRIPT_EXT = re.compile(r"\.(?:sh|bash|py|rb|js|mjs|ts|pl|ps1)$")
_DAEMON_SWITCH = re.compile(r"\b(?:docker-env|podman-env)\b|\bDOCKER_HOST\s*=")
_DIGEST = re.compile(r"^\$\{\{ steps\.([\w-]+)\.outputs\.digest \}\}$")


def position(step: int | None, command: int) -> int:
    """A place in a job's order: steps first, commands within a step."""
    return (step if step is not None else 0) * 10_000 + command


def _pos(origin: Origin) -> int:
    return position(origin.step, origin.command)


def is_deploy(event: Event) -> bool:
    return isinstance(event, DeployEvent) and event.verb in _DEPLOY_VERBS and not event.dry_run


@dataclass(frozen=True)
class GhaJob:
    """A job's facts plus what the deploy side needs: its events and resolver."""

    job: Job
    events: tuple[Event, ...]
    facts: JobFacts
    resolver: GhaResolver


def _values(resolver: GhaResolver, job: Job, origin: Origin, text: str) -> list[Templated]:
    step = job.steps[origin.step] if origin.step is not None else None
    shell = origin.section == "run"
    return list(resolver.resolve(text, step, shell=shell).values)


def _resolved(value: Templated, written: str) -> bool:
    return value != split_template(written)


def gha_job_facts(
    job: Job, github_repository: str | None, cache: ParseCache | None = None, depth: int = 0
) -> GhaJob:
    """The job as ``JobFacts`` (builds, offers, opaque steps), with its events."""
    resolver = GhaResolver(job, github_repository=github_repository)
    events = tuple(job_events(job))
    if job.uses is not None:
        return GhaJob(job, events, _caller(job, github_repository, cache, depth), resolver)
    builds: list[Built] = []
    offers: list[Offer] = []
    built_tags: list[Templated] = []
    for event in events:
        pos = _pos(event.origin)
        if isinstance(event, BuildEvent):
            for tag in event.tags:
                for value in _values(resolver, job, event.origin, tag):
                    builds.append(Built(value, tag, event.origin, pos, _resolved(value, tag)))
                    built_tags.append(value)
        elif isinstance(event, PushEvent):
            kind = "build-push" if event.via_build else "push"
            refs = [v for r in event.refs for v in _values(resolver, job, event.origin, r)]
            if event.all_tags is not None:
                kind = "all-tags"
                refs = _all_tags(resolver, job, event, built_tags)
            offers.append(Offer(kind, tuple(refs), event.origin, pos, event.maybe))
        elif isinstance(event, SideLoadEvent):
            refs = [v for r in event.refs for v in _values(resolver, job, event.origin, r)]
            offers.append(Offer("sideload", tuple(refs), event.origin, pos))
    opaque: list[Opaque] = []
    for step in job.steps:
        opaque += _opaque_step(job, step)
        daemon = _daemon_switch(job, step)
        if daemon is not None:
            offers.append(daemon)
    offers.sort(key=lambda o: o.pos)
    runs_on = str(job.runs_on)
    shared = (
        f"{job.display} runs on a self-hosted runner, whose image store may be the cluster's"
        if "self-hosted" in runs_on
        else None
    )
    facts = JobFacts(job.id, tuple(builds), tuple(offers), tuple(opaque), shared)
    return GhaJob(job, events, facts, resolver)


def _all_tags(
    resolver: GhaResolver, job: Job, event: PushEvent, built: Sequence[Templated]
) -> list[Templated]:
    from pytest_devops_policy.knowledge.xref.refs import parse_ref, same_repository

    assert event.all_tags is not None
    repos = _values(resolver, job, event.origin, event.all_tags)
    out = [
        b for b in built if any(same_repository(parse_ref(b), parse_ref(r)) is True for r in repos)
    ]
    # No tag built for it here: whatever tags the daemon holds (a token decides).
    unknown = Templated.of((*repos[0].parts, ":", *split_template("${PUSHED_TAGS}").parts))
    return out or [unknown]


def _origin(job: Job, step: Step, section: str, command: int, text: str) -> Origin:
    path = step.path(section)
    found = job.locate(path)
    return Origin(
        file=job.source.relpath,
        job=job.id,
        step=step.index,
        section=section,
        index=0,
        command=command,
        script_line=1,
        path=path,
        line=found[0] if found else step.line,
        text=text,
    )


def _opaque_step(job: Job, step: Step) -> list[Opaque]:
    if step.uses is not None:
        uses = step.uses
        if uses.is_local:
            why = f"local action {uses.raw}"
        elif (
            uses.is_remote
            and not _INERT_ACTIONS.match(uses.slug)
            and (_PUSHY_ACTION.search(uses.name))
        ):
            why = f"action {uses.name}"
        else:
            return []
        origin = _origin(job, step, "uses", 0, uses.raw)
        return [Opaque(why, origin, position(step.index, 0))]
    if not step.run:
        return []
    out: list[Opaque] = []
    for n, cmd in enumerate(script_commands(step.run)):
        words = [cmd.shown(w) for w in cmd.command.words]
        reason = opaque_command(words)
        if reason is not None:
            text = " ".join(words)
            origin = _origin(job, step, "run", n, text)
            out.append(Opaque(reason, origin, position(step.index, n)))
    return out


def opaque_command(words: Sequence[str]) -> str | None:
    """Why a command may push an image without saying so; None when it cannot."""
    if not words:
        return None
    program = words[0]
    name = program.rsplit("/", 1)[-1]
    args = [w for w in words[1:] if not w.startswith("-")]
    shown = " ".join(words[:3])
    side = _side_channel(name, args, words)
    if side is not None:
        return side
    if name in ("docker", "podman") and args[:1] == ["compose"]:
        return f"{shown} (may push)" if _PUSHY_WORD.search(" ".join(args[1:])) else None
    if name in _KNOWN:
        return None
    if "/" in program and not program.startswith(("/usr/", "/bin/", "/opt/", "/sbin/")):
        if name in _BUILD_TOOLS:  # ./gradlew, ./mvnw: judged by their tasks below
            pass
        else:
            return f"script {shown}"
    if _SCRIPT_EXT.search(name):
        return f"script {shown}"
    if name in _SHELLS or name in _INTERPRETERS:
        if any(_SCRIPT_EXT.search(a) or "/" in a for a in args) or "-c" in words[1:]:
            return f"script {shown}"
        return None
    if name in _PUSHY_TOOLS:
        return f"{name} (may build and push)"
    if name in _RUNNERS:
        targets = [a for a in args if "=" not in a]
        if not targets or any(not _INERT_TARGET.match(t) for t in targets):
            return f"{name} {' '.join(targets) or '(default target)'}"
        return None
    if name in _PACKAGE_RUNNERS:
        rest = args[1:] if args[:1] == ["run"] else args
        if (
            rest
            and rest[0] not in ("ci", "install", "i", "add")
            and not _INERT_TARGET.match(rest[0])
        ):
            return f"{name} {' '.join(args[:2])}"
        return None
    if name in _BUILD_TOOLS and any(_PUSHY_WORD.search(a) for a in args):
        return f"{name} {' '.join(a for a in args if _PUSHY_WORD.search(a))}"
    return None


_ARCHIVE = re.compile(r"\.(?:tar|tgz|tar\.gz|oci)$|^-$")


def _side_channel(name: str, args: Sequence[str], words: Sequence[str]) -> str | None:
    """Commands that push or load images the event readers do not name: ``buildx bake``
    (its file says what is pushed), image archives loaded into a local cluster, builds
    straight into the cluster's containerd."""
    if name in ("docker", "podman") and (args[:2] == ["buildx", "bake"] or args[:1] == ["bake"]):
        return f"{name} buildx bake (its bake file may push)"
    if name == "kind" and args[:2] == ["load", "image-archive"]:
        return "kind load image-archive (the archive's images are not read)"
    local = name in ("minikube", "k3d") and args[:1] == ["image"]
    if local and (args[1:2] == ["build"] or any(_ARCHIVE.search(a) for a in args[2:])):
        return f"{name} image {' '.join(args[1:3])} (the images are not read)"
    if name in ("ctr", "microk8s", "k3s") and "import" in args:
        return f"{name} ... import (the archive's images are not read)"
    if name == "nerdctl" and any("k8s.io" in w for w in words):
        return "nerdctl in the k8s.io namespace (the cluster's own image store)"
    return None


def _daemon_switch(job: Job, step: Step) -> Offer | None:
    """``eval $(minikube docker-env)`` or ``DOCKER_HOST=...``: later builds of the job go
    straight into the cluster's image store."""
    env_host = "DOCKER_HOST" in step.env
    if not env_host and not (step.run and _DAEMON_SWITCH.search(step.run)):
        return None
    section = "run" if step.run else "uses"
    origin = _origin(job, step, section, 0, "docker-env")
    return Offer("cluster-daemon", (), origin, position(step.index, 0))


def _caller(
    job: Job, github_repository: str | None, cache: ParseCache | None, depth: int
) -> JobFacts:
    """A reusable-workflow caller: a local callee's jobs read as one job; anything else
    is opaque."""
    uses = job.uses
    assert uses is not None
    origin = Origin(job.source.relpath, job.id, None, "uses", 0, 0, 1, ("uses",),
                    (job.locate(("uses",)) or (job.line, 0))[0], uses.raw)  # fmt: skip
    opaque = JobFacts(job.id, opaque=(Opaque(f"reusable workflow {uses.raw}", origin, 0),))
    if uses.kind != "local-workflow" or cache is None or depth > 0:
        return opaque
    callee = _local_workflow(job, uses.raw, cache)
    if callee is None:
        return opaque
    builds: list[Built] = []
    offers: list[Offer] = []
    hidden: list[Opaque] = []
    stores: list[str] = []
    for sub in callee.jobs.values():
        facts = gha_job_facts(sub, github_repository, cache, depth + 1).facts
        builds += facts.builds
        offers += facts.offers
        hidden += facts.opaque
        if facts.shared_store:
            stores.append(facts.shared_store)
    return JobFacts(job.id, tuple(builds), tuple(offers), tuple(hidden), next(iter(stores), None))


def _local_workflow(job: Job, raw: str, cache: ParseCache) -> Workflow | None:
    from pytest_devops_policy.formats.github_actions.workflow import KIND, WorkflowFile
    from pytest_devops_policy.indexes.xref_builds import repository_of

    root = repository_of(job.workflow.source.path, cache)
    rel = raw.split("@", 1)[0].removeprefix("./")
    parsed = cache.get(posixpath.join(root, rel), KIND)
    if isinstance(parsed, WorkflowFile) and parsed.workflow is not None:
        return parsed.workflow
    return None


# -- what a deploy job deploys --------------------------------------------------------


def deploy_refs(gha: GhaJob, cache: ParseCache, root: str) -> tuple[list[Deployed], list[Offer]]:
    """Every ref the job's deploys put into a cluster or service, and the digest offers
    (``ref@${{ steps.<build>.outputs.digest }}`` of a pushing build-push-action)."""
    out: list[Deployed] = []
    for i, event in enumerate(gha.events):
        if not isinstance(event, DeployEvent) or not is_deploy(event):
            continue
        if event.verb in _APPLY_VERBS:
            out += _applied(gha, i, event, cache, root)
        if event.verb == "kustomize-set-image":
            at = next_apply(gha.events, i)
            if at is None:
                continue  # committed for a GitOps tool, or never applied here
            pos = _pos(at.origin)
            for _, ref in event.images:
                out += _written(gha, event, ref, pos)
            continue
        for ref in command_refs(event):
            out += _written(gha, event, ref, _pos(event.origin))
    return out, _digest_offers(gha, out)


def _written(gha: GhaJob, event: DeployEvent, ref: str, pos: int) -> list[Deployed]:
    return [
        Deployed(v, ref, event.origin, pos, None, _resolved(v, ref))
        for v in _values(gha.resolver, gha.job, event.origin, ref)
        if v.text.strip()
    ]


def command_refs(event: DeployEvent) -> list[str]:
    refs = [ref for _, ref in event.images] if event.verb != "kustomize-set-image" else []
    if event.image:
        refs.append(event.image)
    if event.verb == "helm":
        refs += _helm_refs(event.set_values)
    return [r for r in refs if r.strip()]


def _helm_refs(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """``--set image.repository=R,image.tag=T`` (``image.registry`` too) and ``--set
    image=REF``. A repository without a tag takes the chart's: not judged."""
    values = dict(pairs)
    out: list[str] = []
    for key, value in values.items():
        if key.endswith("repository"):
            prefix = key[: -len("repository")]
            tag = values.get(prefix + "tag")
            registry = values.get(prefix + "registry")
            if tag:
                out.append(f"{registry}/{value}:{tag}" if registry else f"{value}:{tag}")
        elif (key == "image" or key.endswith(".image")) and (":" in value or "@" in value):
            out.append(value)
    return out


def next_apply(events: Sequence[Event], after: int) -> DeployEvent | None:
    for event in events[after + 1 :]:
        if not isinstance(event, DeployEvent) or event.verb != "apply" or event.dry_run:
            continue
        if event.kustomize_dirs or event.stdin_kustomize is not None:
            return event
    return None


def _digest_offers(gha: GhaJob, deployed: Sequence[Deployed]) -> list[Offer]:
    """A deployed ``repo@${{ steps.X.outputs.digest }}`` is the image a pushing
    build-push-action step X of this job made: available once X ran."""
    out: list[Offer] = []
    for d in deployed:
        from pytest_devops_policy.knowledge.xref.refs import parse_ref

        digest = parse_ref(d.ref).digest
        m = _DIGEST.match(digest.text) if digest is not None else None
        if m is None:
            continue
        step = gha.job.step_by_id(m.group(1))
        if step is None or step.index is None:
            continue
        for event in gha.events:
            if (
                isinstance(event, PushEvent)
                and event.via_build
                and not event.maybe
                and event.origin.step == step.index
            ):
                out.append(Offer("digest", (d.ref,), event.origin, _pos(event.origin)))
    return out


def _applied(
    gha: GhaJob, i: int, event: DeployEvent, cache: ParseCache, root: str
) -> list[Deployed]:
    """The images of the objects an apply reads from this repository."""
    from pytest_devops_policy.indexes.xref import xref_index

    if event.images or _downloads_before(gha.job, event.origin.step):
        return []  # azure/k8s-deploy substitutes its `images` into the manifests
    if _may_edit(gha.job, event.origin):
        return []  # the files applied may not be the files in the repository
    rewrites = [e for e in gha.events[:i] if isinstance(e, Rewrite)]
    index = xref_index(cache)
    prefix = cache.relpath(root)
    pos = _pos(event.origin)
    later = [e for e in gha.events[i + 1 :] if isinstance(e, DeployEvent) and e.verb == "set-image"]
    out: list[Deployed] = []
    dirs = list(event.kustomize_dirs)
    if event.stdin_kustomize is not None and not event.stdin_rewritten:
        dirs.append(event.stdin_kustomize)
    for directory in dirs:
        path = join_path(event.cwd, directory)
        if path is None or "$" in path or rewrites or path.startswith(("/", "..")):
            continue
        summary = index.kustomize(_under(prefix, path))
        for obj in summary.objects:
            for rc in obj.containers:
                if rc.image and not _set_later(later, obj.kind, obj.name, rc.name):
                    where = f"{obj.relpath}:{obj.line}"
                    value = split_template(rc.image)
                    renamed = rc.image_from != "manifest"
                    out.append(Deployed(value, rc.image, event.origin, pos, where, renamed))
    for file in event.files:
        if file == "-" or "://" in file:
            continue
        path = join_path(event.cwd, file)
        if path is None or "$" in path or "*" in path or path.startswith(("/", "..")):
            continue
        target = _under(prefix, path)
        if _rewritten(rewrites, path):
            continue
        for w in index.workloads():
            if not _applies_to(w.relpath, target, event.recursive):
                continue
            for c in w.containers:
                if c.image and not _set_later(later, w.kind, w.name, c.name):
                    where = f"{w.relpath}:{c.image_line}"
                    value = split_template(c.image)
                    out.append(Deployed(value, c.image, event.origin, pos, where))
    return out


def _under(prefix: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(prefix, path)) if prefix not in ("", ".") else path


def _applies_to(relpath: str, target: str, recursive: bool) -> bool:
    if relpath == target:
        return True
    parent = posixpath.dirname(relpath)
    if target in (".", ""):
        return recursive or parent == ""
    return parent == target or (recursive and relpath.startswith(target.rstrip("/") + "/"))


def _rewritten(rewrites: Sequence[Rewrite], path: str) -> bool:
    """Whether a rewrite before the apply may have changed ``path`` (a file or a dir)."""
    for r in rewrites:
        for f in r.files:
            changed = join_path(r.cwd, f)
            if changed is None or "$" in changed or "*" in changed:
                return True
            if changed == path or changed.startswith(path.rstrip("/") + "/") or path == ".":
                return True
    return False


def _set_later(later: Sequence[DeployEvent], kind: str, name: str | None, container: Any) -> bool:
    """A ``kubectl set image`` after the apply replaces the manifest's image."""
    for e in later:
        names = {c for c, _ in e.images}
        if container not in names and "*" not in names:
            continue
        if not e.targets:
            return True
        for t in e.targets:
            if t.kind in (None, kind) and (t.name is None or t.name == name or "$" in t.name):
                return True
    return False


def _downloads_before(job: Job, step: int | None) -> bool:
    for s in job.steps[: step if step is not None else len(job.steps)]:
        if s.uses is not None and s.uses.slug.lower() in (
            "actions/download-artifact",
            "actions/checkout",
        ):
            other = s.with_.get("path") or s.with_.get("repository")
            if s.uses.slug.lower() != "actions/checkout" or other:
                return True
    return False


# -- one deploy job, judged -----------------------------------------------------------


def github_repository(cache: ParseCache, root: str, configured: str) -> str | None:
    """``xref.github_repository``, else the origin remote of ``root``'s ``.git/config``."""
    if configured:
        return configured
    from pytest_devops_policy.knowledge.xref.resolve import read_github_repository
    from pytest_devops_policy.safefile import read_text

    return read_github_repository(root, read_text)


def workflow_jobs(
    workflow: Workflow, cache: ParseCache, repository: str | None
) -> dict[str, GhaJob]:
    """Every job of the workflow as ``GhaJob``, once per run."""

    def build() -> dict[str, GhaJob]:
        return {jid: gha_job_facts(j, repository, cache) for jid, j in workflow.jobs.items()}

    return cache.memo_on(workflow, build, ("xref-002-jobs", repository))


def judge_job(
    job: Job, cache: ParseCache, repository: str | None
) -> list[tuple[Deployed, Decision]]:
    """(deployed ref, decision) for every in-scope ref the job deploys."""
    from pytest_devops_policy.indexes.xref_builds import repository_of
    from pytest_devops_policy.indexes.xref_pushes import judge

    def build() -> list[tuple[Deployed, Decision]]:
        if not any(is_deploy(e) for e in job_events(job)):
            return []
        jobs = workflow_jobs(job.workflow, cache, repository)
        mine = jobs[job.id]
        root = repository_of(job.workflow.source.path, cache)
        deployed, digests = deploy_refs(mine, cache, root)
        offers = sorted((*mine.facts.offers, *digests), key=lambda o: o.pos)
        facts = replace(mine.facts, offers=tuple(_settled(mine, offers, job)))
        closure = job.needs_closure
        before = [
            replace(jobs[j].facts, offers=tuple(_settled(jobs[j], jobs[j].facts.offers, job)))
            for j in jobs
            if j in closure
        ]
        after = [jobs[j].facts for j in jobs if j != job.id and job.id in jobs[j].job.needs_closure]
        parallel = [
            jobs[j].facts
            for j in jobs
            if j != job.id and j not in closure and job.id not in jobs[j].job.needs_closure
        ]
        blockers = []
        if "workflow_run" in job.workflow.on:
            blockers.append(
                "the workflow runs on workflow_run: the upstream workflow's pushes are not read"
            )
        elsewhere = _elsewhere(job.workflow, cache, repository)
        out: list[tuple[Deployed, Decision]] = []
        for d in deployed:
            decision = judge(d, facts, before, after, parallel, blockers, elsewhere)
            if decision is not None:
                out.append((d, decision))
        return out

    return cache.memo_on(job, build, ("xref-002", repository))


def _elsewhere(workflow: Workflow, cache: ParseCache, repository: str | None) -> list[Offer]:
    """The pushes of the repository's other workflows (``.github/workflows``)."""
    import os

    from pytest_devops_policy.formats.github_actions.workflow import KIND, WorkflowFile

    here = os.path.abspath(workflow.source.path)
    directory = os.path.dirname(here)
    called = {  # local reusable workflows are read as jobs of this one
        os.path.basename(j.uses.raw.split("@", 1)[0])
        for j in workflow.jobs.values()
        if j.uses is not None and j.uses.kind == "local-workflow"
    }
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    out: list[Offer] = []
    for name in names:
        path = os.path.join(directory, name)
        if path == here or name in called or not name.endswith((".yml", ".yaml")):
            continue
        parsed = cache.get(path, KIND)
        if not isinstance(parsed, WorkflowFile) or parsed.workflow is None:
            continue
        for gha in workflow_jobs(parsed.workflow, cache, repository).values():
            out += [o for o in gha.facts.offers if o.kind != "cluster-daemon"]
    return out


_EVENT_TEST = re.compile(r"^github\.event_name\s*(==|!=)\s*'([\w-]+)'$")


def _bare(text: str) -> str:
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return " ".join(text.split())


def _holds(condition: str, deploy: Job) -> bool:
    """Whether a push decided by ``condition`` surely runs when ``deploy`` runs: the deploy
    job (or a job it needs) is guarded by the same test, or the workflow's triggers decide
    an ``github.event_name`` test (``!= 'pull_request'`` in a push-only workflow)."""
    cond = _bare(condition)
    jobs = deploy.workflow.jobs
    guards = [deploy.if_, *(jobs[j].if_ for j in deploy.needs_closure if j in jobs)]
    for guard in guards:
        if guard and cond in [c.strip("() ") for c in _bare(guard).split("&&")]:
            return True
    m = _EVENT_TEST.match(cond)
    if m is None:
        return False
    names = set(deploy.workflow.on.names)
    if m.group(1) == "!=":
        return m.group(2) not in names
    return names == {m.group(2)}


def _settled(gha: GhaJob, offers: Sequence[Offer], deploy: Job) -> list[Offer]:
    """``offers`` with the expression-decided pushes that surely run made certain."""
    out = []
    for offer in offers:
        mine = offer.origin.file == gha.job.source.relpath and offer.origin.job == gha.job.id
        index = offer.origin.step
        step = gha.job.steps[index] if mine and index is not None else None
        raw = step.with_.get("push") if offer.maybe and step is not None else None
        if isinstance(raw, str) and _holds(raw, deploy):
            offer = replace(offer, maybe=False)
        out.append(offer)
    return out


# Programs that may write a manifest before it is applied (besides sed/yq/envsubst, which
# are read as rewrites).
_EDITORS = frozenset(
    {"perl", "awk", "gawk", "python", "python3", "ruby", "node", "cp", "mv", "tee", "rsync",
     "install", "ln", "jsonnet", "ytt", "cue", "kpt", "kustomize", "helm", "envsubst", "j2",
     "jinja2", "gomplate", "mustache", "dd", "printf", "cat", "echo", "kapp", "kompose"}
)  # fmt: skip


def _may_edit(job: Job, apply: Origin) -> bool:
    """Whether a step before the apply may have changed the files it reads in a way the
    rewrite readers do not see: an action that is not known to be inert, a script, or an
    editor (``perl -pi``, ``cp``, a template tool, a redirect)."""
    if apply.step is None:
        return True
    for step in job.steps[: apply.step + 1]:
        if step.uses is not None:
            if step.uses.is_local or (
                step.uses.is_remote and not _INERT_ACTIONS.match(step.uses.slug)
            ):
                return True
            continue
        if not step.run:
            continue
        for n, cmd in enumerate(script_commands(step.run)):
            if step.index == apply.step and n >= apply.command:
                break
            words = [cmd.shown(w) for w in cmd.command.words]
            name = words[0].rsplit("/", 1)[-1] if words else ""
            writes = [
                r
                for r in cmd.command.redirects
                if r.op in (">", ">>", ">|")
                and not r.target.startswith("/dev/")
                and "GITHUB_" not in r.target
            ]
            if writes:
                return True
            if name == "kustomize" and words[1:2] == ["build"]:
                continue  # renders to stdout; the apply reads the build itself
            if name in _EDITORS and name not in ("cat", "echo", "printf"):
                return True
            if opaque_command(words) is not None:
                return True
    return False
