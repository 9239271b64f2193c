"""The catalog's CI command and action patterns (§3.3): deploy, test, scan, rollback, verify.

A ``CommandPattern`` is a regex matched at the start of a command segment (see
``segments``); an ``ActionPattern`` is a glob over a ``uses:`` action name. Each
carries a ``family`` (``helm``, ``terraform``...) policies can tell apart.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DEFAULT_BRANCHES",
    "DEFAULT_BRANCH_PLACEHOLDER",
    "DEPLOY_ACTIONS",
    "DEPLOY_COMMANDS",
    "DEPLOY_ENV_REGEX",
    "DEPLOY_JOB_REGEX",
    "IMAGE_PUSH_ACTIONS",
    "IMAGE_PUSH_COMMANDS",
    "PACKAGE_RELEASE_ACTIONS",
    "PACKAGE_RELEASE_COMMANDS",
    "PATH_PREFIX",
    "PROD_ENV_REGEX",
    "PROD_NAME_REGEX",
    "RELEASE_ACTIONS",
    "RELEASE_COMMANDS",
    "RELEASE_NAME_REGEX",
    "ROLLBACK_COMMANDS",
    "SCAN_ACTIONS",
    "SCAN_COMMANDS",
    "STAGING_ENV_REGEX",
    "TEST_COMMANDS",
    "TEST_JOB_REGEX",
    "TRIVY_SCAN_TYPES",
    "VERIFY_ACTIONS",
    "VERIFY_COMMANDS",
    "ActionPattern",
    "CommandPattern",
]


@dataclass(frozen=True)
class CommandPattern:
    """A command regex, matched at the start of a command segment.

    ``label`` names it in explanations; ``family`` lets policies tell commands
    apart (``terraform`` apply jobs are N/A for rollback, ``helm`` may roll back
    by itself); ``categories`` are the scan categories of a scan command.
    """

    label: str
    regex: re.Pattern[str]
    family: str = ""
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ActionPattern:
    """An fnmatch glob over ``owner/repo[/path]`` (lowercase).

    A glob without a path part (``aquasecurity/trivy-action``) matches the
    action's ``owner/repo`` whatever its path; one with a path matches the full name.
    """

    glob: str
    family: str = ""
    categories: frozenset[str] = frozenset()

    def matches(self, name: str) -> bool:
        name = name.lower()
        glob = self.glob.lower()
        if glob.count("/") <= 1:
            name = "/".join(name.split("/")[:2])
        return fnmatch.fnmatchcase(name, glob)


# Options between a program and its subcommand (`kubectl -n prod apply`,
# `aws --region x ecs update-service`), each with an optional value.
_O = r"(?:\s+--?[A-Za-z][\w.-]*(?:=\S*|\s+(?![-|;&])[^\s;|&]+)?)*"
# A command may be called by path (`/usr/local/bin/kubectl`, `./node_modules/.bin/cdk`).
PATH_PREFIX = r"(?:[\w.~${}/-]*/)?"


def _rx(template: str) -> re.Pattern[str]:
    return re.compile(PATH_PREFIX + template.replace("{O}", _O))


def _c(
    label: str, template: str, family: str = "", categories: Iterable[str] = ()
) -> CommandPattern:
    return CommandPattern(label, _rx(template), family, frozenset(categories))


def _a(glob: str, family: str = "", categories: Iterable[str] = ()) -> ActionPattern:
    return ActionPattern(glob, family, frozenset(categories))


DEPLOY_JOB_REGEX = r"(?i)\b(deploy\w*|release|publish|rollout|promote|prod(uction)?|ship)\b"
PROD_ENV_REGEX = r"(?i)^(prod|production|live)$"
PROD_NAME_REGEX = r"(?i)prod"
STAGING_ENV_REGEX = r"(?i)stag|preprod|pre-prod|uat|qa"
# `\b` treats `_` as a word character; job ids like `unit_tests` should count too.
TEST_JOB_REGEX = r"(?i)(?:^|[^a-z0-9])tests?(?:$|[^a-z0-9])"
DEFAULT_BRANCHES = ("main", "master")
# Workflow templates (actions/starter-workflows, an organisation's .github repository) say
# `branches: [$default-branch]`; GitHub puts the repository's default branch there.
DEFAULT_BRANCH_PLACEHOLDER = "$default-branch"
# The words of DEPLOY_JOB_REGEX that name a release: a job called `publish` or `release` that
# publishes a package or an image, and changes no running system, is a release job.
RELEASE_NAME_REGEX = r"(?i)^(?:release|publish)$"
# Environment names that name a place software runs. An environment called `automations`,
# `pypi` or `release` is a secrets scope or a release gate, not a deployment target, so on
# its own it does not make a job a deploy job (an environment with a `url` always does).
DEPLOY_ENV_REGEX = (
    r"(?i)(?:^|[^a-z0-9])(?:prod\w*|live|stag\w*|stg|pre-?prod\w*|uat|qa|dev|develop\w*|"
    r"preview\w*|review\w*|sandbox|demo|canary|perf|dr|tests?|testing|int|integration|"
    r"github-pages|pages|web|www|site|app|api|cluster|k8s|kubernetes|eks|gke|aks|aws|gcp|"
    r"azure|heroku|vercel|netlify|fly|cloudflare|cloud-?run|lambda|ecs|eu|us|asia|"
    r"(?:us|eu|ap|sa|ca|me|af)-\w+-\d)(?:$|[^a-z0-9])"
)

DEPLOY_COMMANDS: tuple[CommandPattern, ...] = (
    _c(
        "kubectl apply/create/replace/set image/rollout restart/patch",
        r"kubectl{O}\s+(?:apply|create|replace|set{O}\s+image|rollout{O}\s+restart|patch)\b",
        "kubectl",
    ),
    _c("helm upgrade/install", r"helm{O}\s+(?:upgrade|install)\b", "helm"),
    _c("terraform apply", r"terraform{O}\s+apply\b", "terraform"),
    _c("tofu apply", r"tofu{O}\s+apply\b", "terraform"),
    _c("pulumi up", r"pulumi{O}\s+up\b", "pulumi"),
    _c("cdk deploy", r"cdk{O}\s+deploy\b", "cdk"),
    _c("aws ecs update-service", r"aws{O}\s+ecs{O}\s+update-service\b", "aws-ecs"),
    _c(
        "aws deploy create-deployment",
        r"aws{O}\s+deploy{O}\s+create-deployment\b",
        "aws-codedeploy",
    ),
    _c(
        "aws cloudformation deploy",
        r"aws{O}\s+cloudformation{O}\s+deploy\b",
        "cloudformation",
    ),
    _c(
        "aws lambda update-function-code",
        r"aws{O}\s+lambda{O}\s+update-function-code\b",
        "aws-lambda",
    ),
    _c("aws s3 sync", r"aws{O}\s+s3{O}\s+sync\b", "aws-s3"),
    _c("sam deploy", r"sam{O}\s+deploy\b", "cloudformation"),
    _c(
        "gcloud run/app/functions deploy",
        r"gcloud{O}\s+(?:(?:alpha|beta)\s+)?(?:run|app|functions){O}\s+deploy\b",
        "gcloud",
    ),
    _c(
        "az webapp/functionapp/containerapp/deployment",
        r"az{O}\s+(?:webapp{O}\s+(?:deploy|up)|functionapp{O}\s+deployment"
        r"|containerapp{O}\s+update|deployment{O}\s+group{O}\s+create)\b",
        "az",
    ),
    _c("flyctl deploy", r"(?:flyctl|fly){O}\s+deploy\b", "fly"),
    _c("serverless deploy", r"(?:serverless|sls){O}\s+deploy\b", "serverless"),
    _c("argocd app sync", r"argocd{O}\s+app{O}\s+sync\b", "argocd"),
    _c("vercel --prod", r"vercel\b.*\s--prod\b", "vercel"),
    _c("netlify deploy --prod", r"netlify{O}\s+deploy\b.*\s--prod\b", "netlify"),
    _c("docker stack deploy", r"docker{O}\s+stack{O}\s+deploy\b", "docker-swarm"),
    _c("ssh … docker/systemctl/kubectl", r"ssh\b.*\b(?:docker|systemctl|kubectl)\b", "ssh"),
    _c("ansible-playbook", r"ansible-playbook\b", "ansible"),
)

DEPLOY_ACTIONS: tuple[ActionPattern, ...] = (
    _a("azure/webapps-deploy", "az"),
    _a("azure/k8s-deploy", "kubectl"),
    _a("azure/functions-action", "az"),
    _a("azure/arm-deploy", "az"),
    _a("aws-actions/amazon-ecs-deploy-task-definition", "aws-ecs"),
    _a("aws-actions/aws-cloudformation-github-deploy", "cloudformation"),
    _a("google-github-actions/deploy-cloudrun", "gcloud"),
    _a("google-github-actions/deploy-appengine", "gcloud"),
    _a("appleboy/ssh-action", "ssh"),
    _a("cloudflare/wrangler-action", "cloudflare"),
    _a("actions/deploy-pages", "pages"),
    # Beyond the catalog's list: the deploy steps of GitHub's own deployment templates
    # (actions/starter-workflows deployments/*.yml) and their neighbours.
    _a("azure/static-web-apps-deploy", "az"),
    _a("azure/functions-container-action", "az"),
    _a("azure/container-apps-deploy-action", "az"),
    _a("azure/aci-deploy", "az"),
    _a("google-github-actions/deploy-cloud-functions", "gcloud"),
    _a("octopusdeploy/deploy-release-action", "octopus"),
    _a("redhat-actions/oc-new-app", "openshift"),
)

# Publishing an artefact: one source of truth for "this step publishes a release" and "this
# step pushes an image" (catalog §3.3 "release" and "image push"). Readers:
#
# * the classifier (``JobClass.release_steps``) matches ``RELEASE_COMMANDS`` /
#   ``RELEASE_ACTIONS``, the union below, as regexes over command segments;
# * ``knowledge.ci.releases.step_publishes`` (GHA-019's release-job test, GHA-020's release
#   jobs) adds the precise image-push logic of ``knowledge.ci.images`` (push inputs of
#   build-push-action and bake-action, ``ko --local``, ``--help``);
# * ``knowledge.ci.images.step_pushes`` (GHA-028) reads the ``IMAGE_PUSH_*`` part only;
# * GHA-002 (``knowledge.ci.permissions``) reads both parts through
#   ``releases.step_publishes``, filtered by family: a GitHub release needs ``contents:
#   write``, an image or a GitHub-Packages package ``packages: write``.
#
# A dry run, a snapshot or ``--help`` publishes nothing.
_NOT_DRY = r"(?!.*\s(?:--dry-run|--snapshot|--help|-h)(?:[\s=]|$))"
PACKAGE_RELEASE_COMMANDS: tuple[CommandPattern, ...] = (
    _c("twine upload", _NOT_DRY + r"(?:python[\d.]*{O}\s+-m\s+)?twine{O}\s+upload\b", "pypi"),
    _c(
        "uv/poetry/flit/hatch/pdm publish",
        _NOT_DRY + r"(?:uv|poetry|flit|hatch|pdm){O}\s+publish\b",
        "pypi",
    ),
    _c(
        "npm/yarn/pnpm publish",
        _NOT_DRY + r"(?:npm|pnpm|bun|yarn(?:{O}\s+npm)?){O}\s+publish\b",
        "npm",
    ),
    _c("cargo publish", _NOT_DRY + r"cargo{O}\s+publish\b", "crates"),
    _c("gem push", _NOT_DRY + r"gem{O}\s+push\b", "rubygems"),
    _c("mvn deploy", _NOT_DRY + r"mvnw?(?:\.cmd)?\b.*?\sdeploy\b", "maven"),
    _c(
        "gradle publish", _NOT_DRY + r"gradlew?(?:\.bat)?\b.*?\s:?(?:[\w-]+:)*publish\w*\b", "maven"
    ),
    _c("nuget push", _NOT_DRY + r"(?:dotnet{O}\s+)?nuget{O}\s+push\b", "nuget"),
    _c(
        "gh release create/upload/edit",
        _NOT_DRY + r"gh{O}\s+release{O}\s+(?:create|upload|edit)\b",
        "github-release",
    ),
    _c("goreleaser release", _NOT_DRY + r"goreleaser(?:{O}\s+release)?{O}\s*$", "goreleaser"),
    _c("helm push", r"helm{O}\s+push\b", "helm-chart"),
)
PACKAGE_RELEASE_ACTIONS: tuple[ActionPattern, ...] = (
    _a("pypa/gh-action-pypi-publish", "pypi"),
    _a("js-devtools/npm-publish", "npm"),
    _a("softprops/action-gh-release", "github-release"),
    _a("ncipollo/release-action", "github-release"),
    _a("actions/create-release", "github-release"),
    _a("actions/upload-release-asset", "github-release"),
    _a("svenstaro/upload-release-action", "github-release"),
    _a("googleapis/release-please-action", "github-release"),
    _a("google-github-actions/release-please-action", "github-release"),
    _a("goreleaser/goreleaser-action", "goreleaser"),
    # publishes only when given a `publish` command (``releases.step_publishes`` checks it;
    # the classifier counts the action either way).
    _a("changesets/action", "npm"),
)

# Image pushes, matched per command segment. ``images.step_pushes`` drops ``--help`` and a
# ko build kept local; the build commands push only with ``--push`` or a registry output.
# Families ``manifest`` (a manifest list of images already pushed) and ``copy`` (an image
# copied between registries) push no newly built content: GHA-028 leaves them out.
IMAGE_PUSH_COMMANDS: tuple[CommandPattern, ...] = (
    _c("docker push", r"docker{O}\s+(?:image{O}\s+)?push\b", "docker"),
    _c("docker manifest push", r"docker{O}\s+manifest{O}\s+push\b", "manifest"),
    _c(
        "docker build --push",
        r"docker{O}\s+(?:buildx{O}\s+)?(?:build|bake)\b.*?\s(?:--push\b(?!=false)"
        r"|(?:--output|-o)[=\s]+\S*(?:type=registry|push=true))",
        "buildx",
    ),
    _c(
        "docker buildx imagetools create",
        _NOT_DRY + r"docker{O}\s+buildx{O}\s+imagetools{O}\s+create\b",
        "manifest",
    ),
    _c("docker compose push", r"(?:docker{O}\s+compose|docker-compose){O}\s+push\b", "compose"),
    _c("podman push", r"podman{O}\s+(?:manifest{O}\s+)?push\b", "podman"),
    _c("buildah push", r"buildah{O}\s+(?:manifest{O}\s+)?push\b", "buildah"),
    _c("nerdctl push", r"nerdctl{O}\s+push\b", "nerdctl"),
    _c("crane push", r"crane{O}\s+push\b", "crane"),
    _c("crane copy", r"crane{O}\s+(?:copy|cp)\b", "copy"),
    _c("skopeo copy/sync", r"skopeo{O}\s+(?:copy|sync)\b", "copy"),
    _c("ko build/publish/resolve/apply", r"ko{O}\s+(?:build|publish|resolve|apply)\b", "ko"),
    _c(
        "gcloud builds submit",
        r"gcloud{O}\s+(?:(?:alpha|beta)\s+)?builds{O}\s+submit\b",
        "gcloud",
    ),
    _c("pack build --publish", r"pack{O}\s+build\b.*\s--publish\b", "pack"),
    _c("earthly --push", r"earthly\b.*\s--push\b", "earthly"),
    _c("devcontainer build --push", r"devcontainer{O}\s+build\b.*\s--push\b", "devcontainer"),
    _c("mvn jib:build", r"mvnw?\b.*\s(?:[\w.-]+:)*jib:build\b", "jib"),
    _c("gradle jib", r"gradlew?\b.*\s:?(?:[\w-]+:)*jib(?=\s|$)", "jib"),
)
# action (lowercase owner/repo) -> (the input that turns pushing on, its default).
IMAGE_PUSH_ACTIONS: dict[str, tuple[str | None, bool]] = {
    "docker/build-push-action": ("push", False),
    "docker/bake-action": ("push", False),
    "depot/build-push-action": ("push", False),  # drop-in replacements of docker's
    "depot/bake-action": ("push", False),
    "int128/kaniko-action": ("push", False),
    "mr-smithers-excellent/docker-build-push": ("pushImage", True),
    "redhat-actions/push-to-registry": (None, True),
    "elgohr/publish-docker-github-action": (None, True),
    "aevea/action-kaniko": (None, True),
    "macbre/push-to-ghcr": (None, True),
    "pmorelli92/github-container-registry-build-push": (None, True),
}

# The classifier's union: the image actions that push whatever their inputs say count as
# releases here; the others are judged by their inputs (``images.step_pushes``; the
# classifier reads docker/build-push-action's ``push`` itself).
RELEASE_COMMANDS: tuple[CommandPattern, ...] = PACKAGE_RELEASE_COMMANDS + tuple(
    CommandPattern(p.label, p.regex, "image", p.categories) for p in IMAGE_PUSH_COMMANDS
)
RELEASE_ACTIONS: tuple[ActionPattern, ...] = PACKAGE_RELEASE_ACTIONS + tuple(
    _a(name, "image")
    for name, (key, default) in IMAGE_PUSH_ACTIONS.items()
    if key is None and default
)

TEST_COMMANDS: tuple[CommandPattern, ...] = (
    _c("pytest", r"(?:pytest|py\.test)\b", "pytest"),
    _c("python -m pytest", r"python[\d.]*{O}\s+-m\s+pytest\b", "pytest"),
    _c("tox", r"tox\b", "tox"),
    _c("nox", r"nox\b", "nox"),
    _c("npm/yarn/pnpm test", r"(?:npm|yarn|pnpm|bun){O}\s+(?:run\s+)?test\b", "js"),
    _c("jest", r"jest\b", "js"),
    _c("vitest", r"vitest\b", "js"),
    _c("go test", r"go{O}\s+test\b", "go"),
    _c("cargo test/nextest", r"cargo{O}\s+(?:test|nextest)\b", "rust"),
    _c("mvn test/verify", r"mvnw?\b.*?\s(?:[\w.-]+:)*(?:test|verify)\b", "maven"),
    _c("gradle test/check", r"gradlew?\b.*?\s(?::?[\w.-]+:)*(?:test|check)\b", "gradle"),
    _c("dotnet test", r"dotnet{O}\s+test\b", "dotnet"),
    _c("make test/check/e2e", r"make\b.*?\s(?:[\w-]*-)?(?:tests?|check|e2e)(?:-[\w-]*)?\b", "make"),
    _c("rspec", r"rspec\b", "ruby"),
    _c("rake test", r"rake{O}\s+test\b", "ruby"),
    _c("phpunit", r"phpunit\b", "php"),
    _c("ctest", r"ctest\b", "cmake"),
    _c("bats", r"bats\b", "bats"),
)

SCAN_COMMANDS: tuple[CommandPattern, ...] = (
    _c("trivy image", r"trivy{O}\s+image\b", "trivy", ["image"]),
    _c(
        "trivy fs/repo",
        r"trivy{O}\s+(?:fs|filesystem|rootfs|repo|repository)\b",
        "trivy",
        ["deps", "secrets"],
    ),
    _c("trivy config", r"trivy{O}\s+config\b", "trivy", ["iac"]),
    _c("grype (directory)", r"grype{O}\s+['\"]?(?:dir|file|sbom):", "grype", ["deps"]),
    _c("grype", r"grype\b(?!{O}\s+['\"]?(?:dir|file|sbom):)", "grype", ["image"]),
    _c("snyk test", r"snyk{O}\s+test\b", "snyk", ["deps"]),
    _c("snyk container test", r"snyk{O}\s+container{O}\s+test\b", "snyk", ["image"]),
    _c("snyk code test", r"snyk{O}\s+code{O}\s+test\b", "snyk", ["sast"]),
    _c("snyk iac test", r"snyk{O}\s+iac{O}\s+test\b", "snyk", ["iac"]),
    _c("npm/yarn/pnpm audit", r"(?:npm|yarn|pnpm){O}\s+audit\b", "js", ["deps"]),
    _c("pip-audit", r"pip-audit\b", "python", ["deps"]),
    _c("safety check/scan", r"safety{O}\s+(?:check|scan)\b", "python", ["deps"]),
    _c("bandit", r"bandit\b", "python", ["sast"]),
    _c("semgrep", r"semgrep\b", "semgrep", ["sast"]),
    _c("gosec", r"gosec\b", "go", ["sast"]),
    _c("govulncheck", r"govulncheck\b", "go", ["deps"]),
    _c("cargo audit/deny", r"cargo{O}\s+(?:audit|deny)\b", "rust", ["deps"]),
    _c("osv-scanner", r"osv-scanner\b", "osv", ["deps"]),
    _c("dependency-check", r"dependency-check(?:\.sh|\.bat)?\b", "owasp", ["deps"]),
    _c("checkov", r"checkov\b", "checkov", ["iac"]),
    _c("tfsec", r"tfsec\b", "tfsec", ["iac"]),
    _c("hadolint", r"hadolint\b", "hadolint", ["iac"]),
    _c("kube-linter", r"kube-linter\b", "kube-linter", ["iac"]),
    _c("gitleaks", r"gitleaks\b", "gitleaks", ["secrets"]),
    _c("trufflehog", r"trufflehog\b", "trufflehog", ["secrets"]),
    _c(
        "pytest --devops-policy",
        r"(?:pytest|py\.test)\b.*\s--devops-policy\b",
        "devops-policy",
        ["iac"],
    ),
)

SCAN_ACTIONS: tuple[ActionPattern, ...] = (
    _a("github/codeql-action/analyze", "codeql", ["sast"]),
    _a("semgrep/semgrep-action", "semgrep", ["sast"]),
    _a("returntocorp/semgrep-action", "semgrep", ["sast"]),
    _a("aquasecurity/trivy-action", "trivy", ["image"]),
    _a("anchore/scan-action", "grype", ["image"]),
    _a("docker/scout-action", "scout", ["image"]),
    _a("snyk/actions/docker", "snyk", ["image"]),
    _a("snyk/actions/iac", "snyk", ["iac"]),
    _a("snyk/actions/*", "snyk", ["deps"]),
    _a("actions/dependency-review-action", "dependency-review", ["deps"]),
    _a("google/osv-scanner-action", "osv", ["deps"]),
    _a("golang/govulncheck-action", "go", ["deps"]),
    _a("pypa/gh-action-pip-audit", "python", ["deps"]),
    _a("securego/gosec", "go", ["sast"]),
    _a("bridgecrewio/checkov-action", "checkov", ["iac"]),
    _a("zizmorcore/zizmor-action", "zizmor", ["iac"]),
    _a("gitleaks/gitleaks-action", "gitleaks", ["secrets"]),
    _a("trufflesecurity/trufflehog", "trufflehog", ["secrets"]),
    _a("sonarsource/sonarqube-scan-action", "sonar", ["sast"]),
)
# aquasecurity/trivy-action's `scan-type` input changes what it scans.
TRIVY_SCAN_TYPES: dict[str, frozenset[str]] = {
    "image": frozenset({"image"}),
    "fs": frozenset({"deps", "secrets"}),
    "rootfs": frozenset({"deps", "secrets"}),
    "repo": frozenset({"deps", "secrets"}),
    "config": frozenset({"iac"}),
    "sbom": frozenset({"deps"}),
}

ROLLBACK_COMMANDS: tuple[CommandPattern, ...] = (
    _c("kubectl rollout undo", r"kubectl{O}\s+rollout{O}\s+undo\b", "kubectl"),
    _c("helm rollback", r"helm{O}\s+rollback\b", "helm"),
    _c("argocd app rollback", r"argocd{O}\s+app{O}\s+rollback\b", "argocd"),
    _c(
        "kubectl argo rollouts abort/undo",
        r"(?:kubectl{O}\s+argo{O}\s+rollouts|kubectl-argo-rollouts){O}\s+(?:abort|undo)\b",
        "argo-rollouts",
    ),
    _c(
        "gcloud run services update-traffic --to-revisions",
        r"gcloud{O}\s+(?:(?:alpha|beta)\s+)?run{O}\s+services{O}\s+update-traffic\b.*\s--to-revisions\b",
        "gcloud",
    ),
    _c(
        "az webapp deployment slot swap",
        r"az{O}\s+webapp{O}\s+deployment{O}\s+slot{O}\s+swap\b",
        "az",
    ),
    _c(
        "aws deploy stop-deployment --auto-rollback-enabled",
        r"aws{O}\s+deploy{O}\s+stop-deployment\b.*\s--auto-rollback-enabled\b",
        "aws-codedeploy",
    ),
    _c(
        "aws ecs update-service --task-definition <previous>",
        r"aws{O}\s+ecs{O}\s+update-service\b.*\s--task-definition[=\s]+\S*"
        r"(?i:prev|last|stable|rollback|old|known.?good)\S*",
        "aws-ecs",
    ),
    _c("vercel rollback", r"vercel{O}\s+rollback\b", "vercel"),
)

VERIFY_COMMANDS: tuple[CommandPattern, ...] = (
    _c("kubectl rollout status", r"kubectl{O}\s+rollout{O}\s+status\b", "kubectl"),
    _c(
        "helm --wait",
        r"helm{O}\s+(?:upgrade|install)\b.*\s--(?:wait|wait-for-jobs|atomic|rollback-on-failure)\b",
        "helm",
    ),
    _c("aws ecs wait services-stable", r"aws{O}\s+ecs{O}\s+wait{O}\s+services-stable\b", "aws-ecs"),
    _c(
        "aws deploy wait deployment-successful",
        r"aws{O}\s+deploy{O}\s+wait{O}\s+deployment-successful\b",
        "aws-codedeploy",
    ),
    _c(
        "curl --fail <url>",
        r"curl\b(?=.*\s(?:-[A-Za-z]*f[A-Za-z]*|--fail|--fail-with-body)(?:\s|$))"
        r"(?=.*(?:https?://|\$|__EXPR__))",
        "http",
    ),
    _c("npm/yarn/pnpm smoke/e2e", r"(?:npm|yarn|pnpm){O}\s+(?:run\s+)?(?:smoke|e2e)[\w:-]*", "js"),
    _c(
        "pytest -m smoke/e2e",
        r"(?:pytest|python[\d.]*\s+-m\s+pytest)\b.*\s-m\s*['\"]?(?:smoke|e2e)",
        "pytest",
    ),
    _c("k6 run", r"k6{O}\s+run\b", "k6"),
    _c("newman run", r"newman{O}\s+run\b", "newman"),
    _c("playwright test", r"playwright{O}\s+test\b", "playwright"),
    _c("cypress run", r"cypress{O}\s+run\b", "cypress"),
    # Appended for GHA-017 (common forms beyond the catalog's list).
    _c("kubectl wait", r"kubectl{O}\s+wait\b", "kubectl"),
    _c(
        "kubectl argo rollouts status",
        r"(?:kubectl{O}\s+argo{O}\s+rollouts|kubectl-argo-rollouts){O}\s+status\b",
        "argo-rollouts",
    ),
    _c("argocd app wait", r"argocd{O}\s+app{O}\s+wait\b", "argocd"),
    _c("helm test", r"helm{O}\s+test\b", "helm"),
    _c(
        "npm/yarn/pnpm test:smoke/e2e",
        r"(?:npm|yarn|pnpm){O}\s+(?:run\s+)?test[:-](?:smoke|e2e)[\w:-]*",
        "js",
    ),
    _c(
        "pytest <smoke/e2e tests>",
        r"(?:pytest|python[\d.]*\s+-m\s+pytest)\b.*\s[\w./-]*(?:smoke|e2e)[\w./-]*(?:\s|$)",
        "pytest",
    ),
    _c("make smoke/e2e", r"make\b.*?\s(?:smoke|e2e)[\w-]*", "make"),
)
VERIFY_ACTIONS: tuple[ActionPattern, ...] = (_a("jtalk/url-health-check-action", "http"),)
