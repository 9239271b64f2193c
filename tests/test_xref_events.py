"""knowledge.xref events (catalog §9.2-1, §9.4-1 "command parsing"): what each CI command
builds, pushes, side-loads, logs into, deploys or rewrites, with where it came from."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_devops_policy.formats.github_actions.workflow import Job, WorkflowFile
from pytest_devops_policy.formats.github_actions.workflow import parse as parse_workflow
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.formats.gitlab_ci.pipeline import parse as parse_pipeline
from pytest_devops_policy.knowledge.xref.events import (
    BuildEvent,
    DeployEvent,
    Event,
    LoginEvent,
    Origin,
    PushEvent,
    Rewrite,
    SideLoadEvent,
    Target,
    join_path,
    normalise_kind,
)
from pytest_devops_policy.knowledge.xref.gha_events import input_flag, input_list, job_events
from pytest_devops_policy.knowledge.xref.gl_events import gitlab_job_events
from pytest_devops_policy.knowledge.xref.script_events import script_events
from pytest_devops_policy.model import Source


def _where(n: int, line: int, text: str) -> Origin:
    return Origin("f.yml", "job", 0, "run", 0, n, line, ("steps", 0, "run"), 1, text)


def _events(script: str, cwd: str | None = ".") -> list[Event]:
    return script_events(script, _where, cwd)[0]


def _one(script: str, kind: type[Any]) -> Any:
    found = [e for e in _events(script) if isinstance(e, kind)]
    assert len(found) == 1, found
    return found[0]


D = "Deployment"


# -- kubectl set image: every argument form of kubectl's help ----------------------------


@pytest.mark.parametrize(
    ("command", "targets", "images", "namespace", "files"),
    [
        ("kubectl set image deployment/web web=img:1", [(D, "web")], [("web", "img:1")], None, ()),
        ("kubectl set image deployment web web=img", [(D, "web")], [("web", "img")], None, ()),
        ("kubectl set image deploy/web deploy/api web=img", [(D, "web"), (D, "api")],
         [("web", "img")], None, ()),
        ("kubectl set image deployment web api web=img", [(D, "web"), (D, "api")],
         [("web", "img")], None, ()),
        ("kubectl set image -f k8s/d.yaml web=img", [], [("web", "img")], None, ("k8s/d.yaml",)),
        ("kubectl set image deployment -l app=web web=img", [(D, None)], [("web", "img")], None,
         ()),
        ("kubectl set image deployment --all *=img", [(D, None)], [("*", "img")], None, ()),
        ("kubectl set image deployments,rc nginx=nginx:1.9.1 --all",
         [(D, None), ("ReplicationController", None)], [("nginx", "nginx:1.9.1")], None, ()),
        ("kubectl -n prod set image deployment/web web=img", [(D, "web")], [("web", "img")],
         "prod", ()),
        ("kubectl set image deployment/web web=img -n prod", [(D, "web")], [("web", "img")],
         "prod", ()),
        ("kubectl set image deployment/web web=img --namespace=prod", [(D, "web")],
         [("web", "img")], "prod", ()),
        ("kubectl set image --namespace prod sts/db db=pg:16 sidecar=envoy:1",
         [("StatefulSet", "db")], [("db", "pg:16"), ("sidecar", "envoy:1")], "prod", ()),
        ("kubectl set image deployment/app-deployment app=app:${{ github.sha }}",
         [(D, "app-deployment")], [("app", "app:${{ github.sha }}")], None, ()),
        ('sudo kubectl --context "$CTX" set image "deployment/$APP" "$APP=$IMAGE"',
         [(D, "$APP")], [("$APP", "$IMAGE")], None, ()),
        ("/usr/local/bin/kubectl set image daemonset abc *=nginx:1.9.1", [("DaemonSet", "abc")],
         [("*", "nginx:1.9.1")], None, ()),
    ],
)  # fmt: skip
def test_kubectl_set_image_forms(
    command: str,
    targets: list[tuple[str, str | None]],
    images: list[tuple[str, str]],
    namespace: str | None,
    files: tuple[str, ...],
) -> None:
    event = _one(command, DeployEvent)
    assert event.verb == "set-image"
    assert [(t.kind, t.name) for t in event.targets] == targets
    assert list(event.images) == images
    assert event.namespace == namespace
    assert event.files == files


def test_set_image_selector_and_all_are_kept() -> None:
    sel = _one("kubectl set image deployment -l app=web,tier=fe web=img", DeployEvent)
    assert sel.targets == (Target(D, "deployment", None, selector="app=web,tier=fe"),)
    every = _one("kubectl set image deployment --all *=img", DeployEvent)
    assert every.targets[0].all


@pytest.mark.parametrize(
    ("type_", "kind"),
    [
        ("deploy", D), ("deployment", D), ("deployments", D), ("deployment.apps", D),
        ("deployments.v1.apps", D), ("Deployment", D), ("sts", "StatefulSet"),
        ("ds", "DaemonSet"), ("rs", "ReplicaSet"), ("rc", "ReplicationController"),
        ("job", "Job"), ("cj", "CronJob"), ("po", "Pod"), ("rollout", "Rollout"),
        ("rollouts", "Rollout"), ("svc", "Service"), ("$TYPE", None), ("widgets", None),
    ],
)  # fmt: skip
def test_kubectl_type_aliases(type_: str, kind: str | None) -> None:
    assert normalise_kind(type_) == kind


# -- rollout / scale / patch / wait / apply ------------------------------------------------


@pytest.mark.parametrize(
    ("command", "verb", "action", "targets", "namespace"),
    [
        ("kubectl rollout status deployment/web --timeout=120s", "rollout", "status",
         [(D, "web")], None),
        ("kubectl rollout status deploy web -n prod", "rollout", "status", [(D, "web")], "prod"),
        ("kubectl -n prod rollout restart sts/db", "rollout", "restart", [("StatefulSet", "db")],
         "prod"),
        ("kubectl rollout undo deployment/web --to-revision=2", "rollout", "undo", [(D, "web")],
         None),
        ("kubectl rollout history deployment/web", "rollout", "history", [(D, "web")], None),
        ("kubectl scale --replicas=3 deployment/web", "scale", None, [(D, "web")], None),
        ("kubectl scale deployment web --replicas 3 -n prod", "scale", None, [(D, "web")],
         "prod"),
        ("kubectl patch deployment web -p '{\"spec\":{}}'", "patch", None, [(D, "web")], None),
        ("kubectl patch deploy/web --type merge --patch-file p.yaml", "patch", None,
         [(D, "web")], None),
        ("kubectl wait --for=condition=available deployment/web --timeout=60s", "wait", None,
         [(D, "web")], None),
        ("kubectl wait --for condition=Ready pod -l app=web", "wait", None, [("Pod", None)],
         None),
        ("kubectl delete deployment web", "delete", None, [(D, "web")], None),
        ("kubectl argo rollouts set image web web=img:2", "set-image", None,
         [("Rollout", "web")], None),
        ("kubectl argo rollouts promote web -n prod", "rollout", "promote", [("Rollout", "web")],
         "prod"),
        ("kubectl create deployment web --image=img:1", "create", "deployment", [(D, "web")],
         None),
        ("kubectl create namespace prod", "create", "namespace", [("Namespace", "prod")], None),
    ],
)  # fmt: skip
def test_kubectl_object_verbs(
    command: str,
    verb: str,
    action: str | None,
    targets: list[tuple[str, str | None]],
    namespace: str | None,
) -> None:
    event = _one(command, DeployEvent)
    assert (event.verb, event.action) == (verb, action)
    assert [(t.kind, t.name) for t in event.targets] == targets
    assert event.namespace == namespace


@pytest.mark.parametrize(
    ("command", "files", "dirs", "recursive", "namespace"),
    [
        ("kubectl apply -f k8s/", ("k8s/",), (), False, None),
        ("kubectl apply -R -f k8s/ -n prod", ("k8s/",), (), True, "prod"),
        ("kubectl apply -f a.yaml -f b.yaml", ("a.yaml", "b.yaml"), (), False, None),
        ("kubectl apply -f a.yaml,b.yaml", ("a.yaml", "b.yaml"), (), False, None),
        ("kubectl apply -k overlays/prod", (), ("overlays/prod",), False, None),
        ("kubectl -n prod apply --kustomize=overlays/prod", (), ("overlays/prod",), False, "prod"),
        ("kubectl replace --force -f d.yaml", ("d.yaml",), (), False, None),
        ("kubectl diff -f d.yaml", ("d.yaml",), (), False, None),
        ("kubectl delete -f d.yaml --ignore-not-found", ("d.yaml",), (), False, None),
    ],
)  # fmt: skip
def test_kubectl_apply_forms(
    command: str,
    files: tuple[str, ...],
    dirs: tuple[str, ...],
    recursive: bool,
    namespace: str | None,
) -> None:
    event = _one(command, DeployEvent)
    assert (event.files, event.kustomize_dirs, event.recursive) == (files, dirs, recursive)
    assert event.namespace == namespace


def test_kubectl_apply_from_kustomize_build() -> None:
    event = _one("kustomize build overlays/prod | kubectl apply -n prod -f -", DeployEvent)
    assert event.files == ("-",)
    assert event.stdin_kustomize == "overlays/prod"
    assert not event.stdin_rewritten
    event = _one("kubectl kustomize k8s | envsubst | kubectl apply -f -", DeployEvent)
    assert event.stdin_kustomize == "k8s" and event.stdin_rewritten
    event = _one("cat d.yaml | kubectl apply -f -", DeployEvent)
    assert event.stdin_kustomize is None and event.stdin_from == ("cat d.yaml",)


def test_dry_run_is_marked() -> None:
    assert _one("kubectl apply -f d.yaml --dry-run=client", DeployEvent).dry_run
    assert _one("kubectl apply -f d.yaml --dry-run", DeployEvent).dry_run
    assert not _one("kubectl apply -f d.yaml --dry-run=none", DeployEvent).dry_run
    assert not _one("kubectl apply -f d.yaml", DeployEvent).dry_run


# -- helm ------------------------------------------------------------------------------------


def test_helm_upgrade_install_flags() -> None:
    event = _one(
        "helm upgrade --install web ./charts/web -f values.yaml --values prod.yaml,extra.yaml "
        "--set image.repository=ghcr.io/o/web,image.tag=${{ github.sha }} "
        "--set-string 'a=b\\,c' --set list={x,y} -n prod --wait --atomic --create-namespace",
        DeployEvent,
    )
    assert (event.verb, event.action, event.release, event.chart) == (
        "helm", "upgrade", "web", "./charts/web",
    )  # fmt: skip
    assert event.install and event.namespace == "prod"
    assert event.values_files == ("values.yaml", "prod.yaml", "extra.yaml")
    assert event.set_values == (
        ("image.repository", "ghcr.io/o/web"),
        ("image.tag", "${{ github.sha }}"),
        ("a", "b\\,c"),
        ("list", "{x,y}"),
    )


@pytest.mark.parametrize(
    ("command", "release", "chart", "install", "repo"),
    [
        ("helm upgrade web charts/web", "web", "charts/web", False, None),
        ("helm upgrade -i web charts/web", "web", "charts/web", True, None),
        ("helm install web bitnami/nginx --version 15.0.0", "web", "bitnami/nginx", True, None),
        ("helm install charts/web --generate-name", None, "charts/web", True, None),
        ("helm upgrade --install web nginx --repo https://charts.example.com", "web", "nginx",
         True, "https://charts.example.com"),
        ("helm --kube-context prod upgrade web oci://ghcr.io/o/charts/web", "web",
         "oci://ghcr.io/o/charts/web", False, None),
    ],
)  # fmt: skip
def test_helm_forms(
    command: str, release: str | None, chart: str, install: bool, repo: str | None
) -> None:
    event = _one(command, DeployEvent)
    assert (event.release, event.chart, event.install, event.chart_repo) == (
        release, chart, install, repo,
    )  # fmt: skip


def test_helm_other_commands_are_not_deploys() -> None:
    assert _events("helm lint charts/web\nhelm template web charts/web\nhelm repo add a b") == []


# -- docker build and friends ----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "tool", "dockerfile", "context", "tags", "push", "load", "target"),
    [
        ("docker build -t app:${{ github.sha }} .", "docker", "Dockerfile", ".",
         ("app:${{ github.sha }}",), False, False, None),
        ("docker build -t a:1 -t a:latest --tag=b:1 -f docker/Dockerfile.web ctx", "docker",
         "docker/Dockerfile.web", "ctx", ("a:1", "a:latest", "b:1"), False, False, None),
        ("docker build --file=x/Dockerfile --target runtime services/web", "docker",
         "x/Dockerfile", "services/web", (), False, False, "runtime"),
        ("docker buildx build --push -t ghcr.io/o/app:1 --platform linux/amd64 .", "buildx",
         "Dockerfile", ".", ("ghcr.io/o/app:1",), True, False, None),
        ("docker buildx build --load -t app .", "buildx", "Dockerfile", ".", ("app",), False,
         True, None),
        ("docker buildx build --output type=registry -t r/app .", "buildx", "Dockerfile", ".",
         ("r/app",), True, False, None),
        ("docker buildx build --push=false -t r/app .", "buildx", "Dockerfile", ".",
         ("r/app",), False, False, None),
        ("docker image build -t app sub/", "docker", "sub/Dockerfile", "sub/", ("app",), False,
         False, None),
        ("podman build -t quay.io/o/app -f Containerfile .", "podman", "Containerfile", ".",
         ("quay.io/o/app",), False, False, None),
        ("buildah bud -t app .", "buildah", "Dockerfile", ".", ("app",), False, False, None),
        ("docker --context remote build -t app .", "docker", "Dockerfile", ".", ("app",), False,
         False, None),
        ("docker build -tapp:1 .", "docker", "Dockerfile", ".", ("app:1",), False, False, None),
    ],
)  # fmt: skip
def test_docker_build_flags(
    command: str,
    tool: str,
    dockerfile: str,
    context: str,
    tags: tuple[str, ...],
    push: bool,
    load: bool,
    target: str | None,
) -> None:
    build = _one(command, BuildEvent)
    assert (build.tool, build.dockerfile, build.context, build.tags) == (
        tool, dockerfile, context, tags,
    )  # fmt: skip
    assert (build.push, build.load, build.target) == (push, load, target)
    pushes = [e for e in _events(command) if isinstance(e, PushEvent)]
    assert [p.refs for p in pushes] == ([tags] if push else [])
    assert all(p.via_build for p in pushes)


def test_docker_build_args_and_contexts() -> None:
    build = _one("docker build --build-arg A=1 --build-arg B --build-arg C=x=y .", BuildEvent)
    assert build.build_args == (("A", "1"), ("B", None), ("C", "x=y"))
    assert _one("docker build -t a -", BuildEvent).context_kind == "stdin"
    url = _one("docker build https://github.com/o/r.git#main:web", BuildEvent)
    assert url.context_kind == "url" and url.dockerfile_path is None


def test_paths_resolve_against_the_cwd() -> None:
    build = _one("cd services && docker build -f web/Dockerfile ..", BuildEvent)
    assert build.cwd == "services"
    assert build.dockerfile_path == "services/web/Dockerfile"
    assert build.context_path == "."
    assert join_path(".", "$GITHUB_WORKSPACE/k8s") == "k8s"
    assert join_path("sub", "${{ github.workspace }}/k8s/") == "k8s"
    assert join_path("sub", "$CI_PROJECT_DIR") == "."
    assert join_path("a", "../b") == "b"
    assert join_path("a", "/tmp/x") == "/tmp/x"
    assert join_path(None, "x") is None


@pytest.mark.parametrize(
    ("command", "tool", "tags", "push", "dockerfile"),
    [
        ("/kaniko/executor --context $CI_PROJECT_DIR --dockerfile $CI_PROJECT_DIR/Dockerfile "
         "--destination $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA --destination $CI_REGISTRY_IMAGE:latest",
         "kaniko", ("$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA", "$CI_REGISTRY_IMAGE:latest"), True,
         "$CI_PROJECT_DIR/Dockerfile"),
        ("/kaniko/executor --context=dir://. --no-push --destination=app", "kaniko", ("app",),
         False, "Dockerfile"),
        ("gcloud builds submit --tag gcr.io/p/app:1 .", "gcloud", ("gcr.io/p/app:1",), True,
         "Dockerfile"),
        ("gcloud builds submit --pack image=gcr.io/p/app", "gcloud", ("gcr.io/p/app",), True,
         None),
        ("az acr build -t app:{{.Run.ID}} -r myreg .", "az-acr",
         ("myreg.azurecr.io/app:{{.Run.ID}}",), True, "Dockerfile"),
        ("az acr build --image app:1 --registry myreg -f docker/Dockerfile ./src", "az-acr",
         ("myreg.azurecr.io/app:1",), True, "docker/Dockerfile"),
        # the login server already written (GitHub's AKS starter workflow); `.` in ${{ }}
        ("az acr build --image ${{ env.R }}.azurecr.io/app:1 --registry ${{ env.R }} .",
         "az-acr", ("${{ env.R }}.azurecr.io/app:1",), True, "Dockerfile"),
        ("az acr build -t myreg.azurecr.io/app:1 -r myreg .", "az-acr",
         ("myreg.azurecr.io/app:1",), True, "Dockerfile"),
        ("ko build ./cmd/app --bare", "ko", (), True, None),
        ("ko build --local ./cmd/app", "ko", (), False, None),
        ("mvn -B package jib:build -Djib.to.image=ghcr.io/o/app:1", "jib", ("ghcr.io/o/app:1",),
         True, None),
        ("./mvnw compile com.google.cloud.tools:jib-maven-plugin:build -Dimage=a", "jib", (),
         False, None),
        ("./gradlew jib --image=ghcr.io/o/app", "jib", ("ghcr.io/o/app",), True, None),
        ("pack build ghcr.io/o/app --builder paketobuildpacks/builder --publish", "pack",
         ("ghcr.io/o/app",), True, None),
        ("pack build app --path .", "pack", ("app",), False, None),
    ],
)  # fmt: skip
def test_other_builders(
    command: str, tool: str, tags: tuple[str, ...], push: bool, dockerfile: str | None
) -> None:
    builds = [e for e in _events(command) if isinstance(e, BuildEvent)]
    if command.startswith("./mvnw compile"):
        assert builds == []  # a plugin coordinate, not the jib:build goal
        return
    (build,) = builds
    assert (build.tool, build.tags, build.push, build.dockerfile) == (tool, tags, push, dockerfile)
    pushes = [e for e in _events(command) if isinstance(e, PushEvent)]
    assert bool(pushes) == (push and bool(tags))


# -- push / side-load / login ------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "refs", "all_tags"),
    [
        ("docker push ghcr.io/o/app:${{ github.sha }}", ("ghcr.io/o/app:${{ github.sha }}",),
         None),
        ("docker image push app:1", ("app:1",), None),
        ("docker push --all-tags ghcr.io/o/app", (), "ghcr.io/o/app"),
        ("docker push -a app", (), "app"),
        ("podman push app docker://quay.io/o/app:1", ("quay.io/o/app:1",), None),
        ("buildah push app:1", ("app:1",), None),
        ("crane push image.tar ghcr.io/o/app:1", ("ghcr.io/o/app:1",), None),
        ("crane copy src:1 ghcr.io/o/app:1", ("ghcr.io/o/app:1",), None),
        ("skopeo copy docker-archive:app.tar docker://ghcr.io/o/app:1", ("ghcr.io/o/app:1",),
         None),
        ("docker buildx imagetools create -t ghcr.io/o/app:1 a@sha256:1 b@sha256:2",
         ("ghcr.io/o/app:1",), None),
        ("docker manifest push ghcr.io/o/app:1", ("ghcr.io/o/app:1",), None),
    ],
)  # fmt: skip
def test_pushes(command: str, refs: tuple[str, ...], all_tags: str | None) -> None:
    push = _one(command, PushEvent)
    assert (push.refs, push.all_tags, push.via_build) == (refs, all_tags, False)


def test_skopeo_to_a_local_transport_is_no_push() -> None:
    assert _events("skopeo copy docker://a:1 oci:out:1") == []


@pytest.mark.parametrize(
    ("command", "tool", "refs", "cluster"),
    [
        ("kind load docker-image app:${{ github.sha }}", "kind", ("app:${{ github.sha }}",), None),
        ("kind load docker-image a:1 b:1 --name ci", "kind", ("a:1", "b:1"), "ci"),
        ("minikube image load app:1 -p dev", "minikube", ("app:1",), "dev"),
        ("k3d image import app:1 -c dev", "k3d", ("app:1",), "dev"),
    ],
)  # fmt: skip
def test_side_loads(command: str, tool: str, refs: tuple[str, ...], cluster: str | None) -> None:
    load = _one(command, SideLoadEvent)
    assert (load.tool, load.refs, load.cluster) == (tool, refs, cluster)


@pytest.mark.parametrize(
    ("command", "registry"),
    [
        ("docker login ghcr.io -u $USER --password-stdin", "ghcr.io"),
        ("docker login -u u -p $P registry.gitlab.com", "registry.gitlab.com"),
        ("aws ecr get-login-password | docker login --username AWS --password-stdin "
         "123.dkr.ecr.eu-west-1.amazonaws.com", "123.dkr.ecr.eu-west-1.amazonaws.com"),
        ("docker login -u u --password-stdin", None),
        ("podman login $CI_REGISTRY", "$CI_REGISTRY"),
    ],
)  # fmt: skip
def test_logins(command: str, registry: str | None) -> None:
    assert _one(command, LoginEvent).registry == registry


# -- deploys to services, rewrites -------------------------------------------------------


def test_service_deploys() -> None:
    run = _one("gcloud run deploy web --image gcr.io/p/web:1 --region eu", DeployEvent)
    assert (run.verb, run.service, run.image) == ("gcloud-run", "web", "gcr.io/p/web:1")
    az = _one("az containerapp update -n web -g rg --image acr.io/web:1", DeployEvent)
    assert (az.verb, az.service, az.image) == ("az-containerapp", "web", "acr.io/web:1")


def test_rewrites() -> None:
    sed = _one("sed -i 's|IMAGE|app:1|' k8s/d.yaml k8s/s.yaml", Rewrite)
    assert sed.files == ("k8s/d.yaml", "k8s/s.yaml")
    assert _one("sed -i -e s/a/b/ -e s/c/d/ d.yaml", Rewrite).files == ("d.yaml",)
    assert _one("sed -i '' 's/a/b/' d.yaml", Rewrite).files == ("d.yaml",)
    assert _one("sed --in-place=.bak s/a/b/ d.yaml", Rewrite).files == ("d.yaml",)
    assert _events("sed 's/a/b/' d.yaml > e.yaml") == []  # not in place
    assert _one("yq -i '.spec.x = 1' d.yaml", Rewrite).files == ("d.yaml",)
    assert _one("yq e -i '.a = \"b\"' k8s/d.yaml", Rewrite).files == ("k8s/d.yaml",)
    assert _events("yq '.a' d.yaml") == []
    env = _one("envsubst < k8s/d.tpl.yaml > k8s/d.yaml", Rewrite)
    assert (env.files, env.source) == (("k8s/d.yaml",), "k8s/d.tpl.yaml")


def test_kustomize_edit_set_image() -> None:
    events = _events("cd k8s/overlays/prod && kustomize edit set image app=ghcr.io/o/app:1 db:16")
    deploy, rewrite = events
    assert isinstance(deploy, DeployEvent) and isinstance(rewrite, Rewrite)
    assert deploy.verb == "kustomize-set-image"
    assert deploy.images == (("app", "ghcr.io/o/app:1"), ("db", "db:16"))
    assert deploy.kustomize_dirs == ("k8s/overlays/prod",)
    assert rewrite.kustomization == "k8s/overlays/prod"
    assert _events("kustomize build k8s") == []


# -- cd tracking ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "cwd"),
    [
        ("kubectl apply -f d.yaml", "."),
        ("cd deploy && kubectl apply -f d.yaml", "deploy"),
        ("cd deploy\nkubectl apply -f d.yaml", "deploy"),
        ("cd deploy; cd ../k8s; kubectl apply -f d.yaml", "k8s"),
        ("(cd deploy && make) && kubectl apply -f d.yaml", "."),
        ("pushd deploy\npopd\nkubectl apply -f d.yaml", "."),
        ("pushd deploy && kubectl apply -f d.yaml", "deploy"),
        ("cd $GITHUB_WORKSPACE/deploy && kubectl apply -f d.yaml", "deploy"),
        ("cd - && kubectl apply -f d.yaml", None),
        ("cd && kubectl apply -f d.yaml", None),
        ("cd $(dirname $0) && kubectl apply -f d.yaml", None),
        ("cd $DIR && kubectl apply -f d.yaml", "$DIR"),
        ("TAG=$(cd x && git rev-parse HEAD) && kubectl apply -f d.yaml", "."),
    ],
)  # fmt: skip
def test_cd_tracking(script: str, cwd: str | None) -> None:
    assert _one(script, DeployEvent).cwd == cwd


# -- negatives ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        'echo "kubectl set image deployment/web web=img"',
        "echo kubectl apply -f d.yaml",
        "# kubectl apply -f d.yaml",
        "docker build --help",
        "docker push -h",
        "kubectl set image --help",
        "kubectl help apply",
        "helm upgrade --help",
        "kubectl get pods -n prod",
        "kubectl apply view-last-applied deployment/web",
        "docker run --rm app:1",
        "docker pull app:1",
        "printf 'docker push %s' app",
        "make deploy",
        "./scripts/deploy.sh",
        "executor --help",
        "executor run",
        "cat <<EOF\nkubectl apply -f d.yaml\nEOF",
    ],
)
def test_not_events(script: str) -> None:
    assert _events(script) == []


def test_script_origins() -> None:
    events = _events("docker build -t a .\n\nkubectl set image deploy/w w=a\n")
    assert [(e.origin.command, e.origin.script_line) for e in events] == [(0, 1), (1, 3)]
    assert events[1].origin.text == "kubectl set image deploy/w w=a"


# -- GitHub Actions: action inputs and a job end to end ----------------------------------


def _gha(text: str, job: str = "deploy") -> Job:
    parsed = parse_workflow(Source("/r/.github/workflows/d.yml", ".github/workflows/d.yml", text))
    assert isinstance(parsed, WorkflowFile) and parsed.workflow is not None
    return parsed.workflow.jobs[job]


@pytest.mark.parametrize(
    ("value", "commas", "items"),
    [
        ("a:1,b:2", True, ("a:1", "b:2")),
        ("a:1\nb:2\n", True, ("a:1", "b:2")),
        ("a:1, b:2\nc:3", True, ("a:1", "b:2", "c:3")),
        (["a:1", "b:2"], True, ("a:1", "b:2")),
        ('"a,b",c', True, ("a,b", "c")),
        ("A=1,2\nB=3", False, ("A=1,2", "B=3")),
        (None, True, ()),
    ],
)
def test_input_list(value: Any, commas: bool, items: tuple[str, ...]) -> None:
    assert input_list(value, commas) == items


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        (None, False), (True, True), (False, False), ("true", True), ("false", False),
        ("${{ true }}", True), ("${{ false }}", False),
        ("${{ github.event_name != 'pull_request' }}", None),
    ],
)  # fmt: skip
def test_input_flag(value: Any, flag: bool | None) -> None:
    assert input_flag(value, False) is flag


GHA = """\
on: push
defaults:
  run:
    working-directory: services
jobs:
  deploy:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: web
    steps:
      - uses: actions/checkout@v4
      - id: ecr
        uses: aws-actions/amazon-ecr-login@v2
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
      - name: Build
        uses: docker/build-push-action@v6
        with:
          context: ./services/web
          tags: |
            ghcr.io/o/web:${{ github.sha }}
            ghcr.io/o/web:latest
          build-args: |
            VERSION=1,2
          target: runtime
          push: ${{ github.event_name != 'pull_request' }}
      - uses: docker/build-push-action@v6
        with:
          tags: a:1,a:2
          load: true
      - name: Deploy
        working-directory: k8s
        run: |
          docker build -t app:${{ github.sha }} .
          kubectl set image deployment/app-deployment app=app:${{ github.sha }}
          cd .. && kubectl rollout status deployment/app-deployment
      - uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: task.json
          container-name: web
          image: ${{ steps.ecr.outputs.registry }}/web:${{ github.sha }}
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: web
          image: gcr.io/p/web:1
"""


def test_gha_job_end_to_end() -> None:
    job = _gha(GHA)
    events = job_events(job)
    kinds = [type(e).__name__ for e in events]
    assert kinds == [
        "LoginEvent", "LoginEvent", "BuildEvent", "PushEvent", "BuildEvent", "BuildEvent",
        "DeployEvent", "DeployEvent", "DeployEvent", "DeployEvent",
    ]  # fmt: skip
    ecr, ghcr, build, push, load, docker, set_image, status, ecs, run = events
    assert isinstance(ecr, LoginEvent) and ecr.ecr
    assert ecr.registry == "${{ steps.ecr.outputs.registry }}"
    assert isinstance(ghcr, LoginEvent) and ghcr.registry == "ghcr.io"
    assert isinstance(build, BuildEvent)
    assert build.tags == ("ghcr.io/o/web:${{ github.sha }}", "ghcr.io/o/web:latest")
    assert (build.context, build.context_kind) == ("./services/web", "path")
    assert build.dockerfile_path == "services/web/Dockerfile" and build.dockerfile_default
    assert build.build_args == (("VERSION", "1,2"),) and build.target == "runtime"
    assert build.push is None and build.cwd == "."  # actions ignore working-directory
    assert isinstance(push, PushEvent) and push.maybe and push.refs == build.tags
    assert isinstance(load, BuildEvent)
    assert (load.context_kind, load.dockerfile, load.tags) == ("git", "Dockerfile", ("a:1", "a:2"))
    assert load.push is False and load.load
    # job defaults replace the workflow's; the step's directory is below them
    assert isinstance(docker, BuildEvent) and docker.cwd == "web/k8s"
    assert docker.context_path == "web/k8s"
    assert isinstance(set_image, DeployEvent) and set_image.images == (
        ("app", "app:${{ github.sha }}"),
    )
    assert isinstance(status, DeployEvent) and status.cwd == "web"
    assert isinstance(ecs, DeployEvent) and ecs.verb == "ecs-render"
    assert (ecs.service, ecs.files) == ("web", ("task.json",))
    assert ecs.image == "${{ steps.ecr.outputs.registry }}/web:${{ github.sha }}"
    assert isinstance(run, DeployEvent) and (run.verb, run.service) == ("gcloud-run", "web")
    # origins: the step path policies report, and its line
    assert set_image.origin.path == ("steps", 5, "run") and set_image.origin.step == 5
    assert set_image.origin.line == GHA.splitlines().index("        run: |") + 1
    assert set_image.origin.script_line == 2 and set_image.origin.file == ".github/workflows/d.yml"
    assert build.origin.path == ("steps", 3, "uses")
    assert (
        build.origin.line == GHA.splitlines().index("        uses: docker/build-push-action@v6") + 1
    )


def test_gha_seed_s003_deploy_step() -> None:
    job = _gha(
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker build -t app:${{ github.sha }} .\n"
        "      - run: kubectl set image deployment/app-deployment app=app:${{ github.sha }}\n"
    )
    build, deploy = job_events(job)
    assert isinstance(build, BuildEvent) and build.push is False
    assert isinstance(deploy, DeployEvent)
    assert deploy.targets == (Target(D, "deployment", "app-deployment"),)
    assert deploy.origin.line == 8


# -- GitLab CI: a job end to end ---------------------------------------------------------


GITLAB = """\
stages: [build, deploy]
build:
  stage: build
  image: gcr.io/kaniko-project/executor:debug
  script:
    - /kaniko/executor --context "$CI_PROJECT_DIR" --dockerfile "$CI_PROJECT_DIR/Dockerfile"
      --destination "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"
deploy:
  stage: deploy
  before_script:
    - echo "$PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY
    - cd deploy
  script:
    - sed -i "s|IMAGE|$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA|" k8s/deployment.yaml
    - kubectl apply -n production -f k8s/
    - |
      kubectl set image deployment/web web=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA
      kubectl rollout status deployment/web
  after_script:
    - kubectl get pods
    - kubectl rollout undo deployment/web
"""


def _gitlab(tmp_path: Any, name: str) -> GitLabJob:
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(GITLAB)
    pf = parse_pipeline(Source(str(path), ".gitlab-ci.yml", GITLAB))
    return {s.name: s for s in pf.subjects if isinstance(s, GitLabJob)}[name]


def test_gitlab_build_job(tmp_path: Any) -> None:
    build, push = gitlab_job_events(_gitlab(tmp_path, "build"))
    assert isinstance(build, BuildEvent) and isinstance(push, PushEvent)
    assert build.tool == "kaniko" and build.push
    assert build.dockerfile_path == "Dockerfile" and build.context_path == "."
    assert push.refs == ("$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA",)
    assert build.origin.path == ("script", 0) and build.origin.line == 6
    assert build.origin.job == "build" and build.origin.step is None


def test_gitlab_deploy_job(tmp_path: Any) -> None:
    events = gitlab_job_events(_gitlab(tmp_path, "deploy"))
    login, sed, apply, set_image, status, undo = events
    assert isinstance(login, LoginEvent) and login.registry == "$CI_REGISTRY"
    assert login.origin.path == ("before_script", 0) and login.origin.line == 11
    # `cd deploy` in before_script holds for script (one shell) but not after_script
    assert (
        isinstance(sed, Rewrite) and sed.cwd == "deploy" and sed.files == ("k8s/deployment.yaml",)
    )
    assert isinstance(apply, DeployEvent) and apply.namespace == "production"
    assert join_path(apply.cwd, apply.files[0]) == "deploy/k8s"
    assert isinstance(set_image, DeployEvent) and set_image.origin.path == ("script", 2)
    assert set_image.origin.script_line == 1 and status.origin.script_line == 2
    assert isinstance(status, DeployEvent) and status.action == "status"
    assert isinstance(undo, DeployEvent) and undo.action == "undo" and undo.cwd == "."
    assert undo.origin.section == "after_script" and undo.origin.index == 1
