"""The shared CI job classifier (catalog §3.3): deploy, production, test, scan, rollback, verify.

One module, so every CI policy agrees on what a "deploy job" is, and every
decision carries its reasons (``JobClass.deploy_reasons``), which verbose
output prints.

The core is independent of any CI format: ``classify(JobFacts, config)``
works on a job id, name, environment and per-step commands/action names.
``classify_job`` adapts a GitHub Actions ``Job``; GitLab CI builds
``JobFacts`` from its own model.

Commands are matched per *command segment*: a run script is read by
``knowledge.shell`` (the reader Dockerfile RUN lines use), and each simple command
as written, with wrappers (``sudo``, ``env``, ``VAR=x``, ``npx``, ``uv run``...)
and keywords (``if``, ``!``...) peeled off, is one segment; every pattern is then
anchored at the start of a segment. So ``echo "kubectl apply"`` is not a deploy,
while ``make build && kubectl -n prod apply -f k8s/`` is.

Every pattern list is extendable through settings (``gha.deploy_patterns``...,
see ``ClassifierConfig.from_settings``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pytest_devops_policy.knowledge.shell import Mark, parse_script

if TYPE_CHECKING:
    from pytest_devops_policy.formats.github_actions.uses import UsesRef
    from pytest_devops_policy.formats.github_actions.workflow import Job, Workflow

__all__ = [
    "ActionPattern",
    "ClassifierConfig",
    "CommandMatch",
    "CommandPattern",
    "JobClass",
    "JobFacts",
    "Segment",
    "StepFacts",
    "StepHit",
    "builtin_rollback",
    "classify",
    "classify_job",
    "command_segments",
    "gha_job_facts",
    "match_action",
    "match_commands",
    "shell_rollback",
]

# --------------------------------------------------------------------------
# patterns


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
_PATH_PREFIX = r"(?:[\w.~${}/-]*/)?"


def _rx(template: str) -> re.Pattern[str]:
    return re.compile(_PATH_PREFIX + template.replace("{O}", _O))


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
    _c("make test/check", r"make\b.*?\s(?:test|check)\b", "make"),
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
    _a("pypa/gh-action-pip-audit", "python", ["deps"]),
    _a("securego/gosec", "go", ["sast"]),
    _a("bridgecrewio/checkov-action", "checkov", ["iac"]),
    _a("zizmorcore/zizmor-action", "zizmor", ["iac"]),
    _a("gitleaks/gitleaks-action", "gitleaks", ["secrets"]),
    _a("trufflesecurity/trufflehog", "trufflehog", ["secrets"]),
    _a("sonarsource/sonarqube-scan-action", "sonar", ["sast"]),
)
# aquasecurity/trivy-action's `scan-type` input changes what it scans.
_TRIVY_SCAN_TYPES: dict[str, frozenset[str]] = {
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
)
VERIFY_ACTIONS: tuple[ActionPattern, ...] = (_a("jtalk/url-health-check-action", "http"),)


def builtin_rollback(match: CommandMatch) -> str | None:
    """Why a deploy command rolls back by itself on failure (``None`` if it does not).

    Helm 3 ``--atomic`` (Helm 4: ``--rollback-on-failure``); CloudFormation and
    SAM roll a failed stack update back unless ``--disable-rollback`` is given.
    """
    text = match.segment.text
    family = match.pattern.family
    if family == "helm":
        m = re.search(r"\s(--atomic|--rollback-on-failure)(?:=(\S+))?(?=\s|$)", text)
        if m and (m.group(2) or "true").lower() != "false":
            return f"'{match.text} {m.group(1)}' rolls back a failed release"
        return None
    if family == "cloudformation" and match.pattern.label in (
        "aws cloudformation deploy",
        "sam deploy",
    ):
        if re.search(r"\s--disable-rollback\b(?!=false)", text):
            return None
        return f"'{match.text}' rolls a failed stack update back (no --disable-rollback)"
    return None


# --------------------------------------------------------------------------
# shell command segments


@dataclass(frozen=True)
class Segment:
    """One simple command of a script, with wrappers and shell keywords peeled off."""

    text: str  # as written, from the first word that is not a wrapper
    line: int  # 1-based, inside the script
    op: str  # the operator before it: '', '\n', ';', '&&', '||', '|', '&', '(', ')'
    keywords: tuple[str, ...] = ()  # leading shell keywords removed: 'if', '!', 'then'...
    next_op: str = ""


# `${{ }}` is GitHub's, not the shell's: the shell sees the value GitHub pastes in.
_EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)
_OPERATORS = frozenset({"\n", ";", "&&", "||", "|", "|&", "&", "(", ")", "`", ";;", ";&", ";;&"})
# Reserved words that introduce the next command (shell_rollback reads if/!/then/else).
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{"})
# Reserved words that close a construct: segments of their own (`fi` closes an `if`).
_CLOSERS = frozenset({"fi", "done", "esac", "}"})
# Words that run the rest of the command line as it is, so patterns look past them.
_PREFIX_KEYWORDS = frozenset({"time", "exec", "nohup", "command", *_KEYWORDS})
_SUDO_VALUE_OPTIONS = frozenset({"-u", "-g", "-C", "-h", "-p", "-D", "-R", "-r", "-T"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_RUNNERS = frozenset({"uv", "poetry", "pipenv", "pdm", "hatch", "rye"})


def _options(words: Sequence[str], i: int) -> int:
    """The index of the first word from ``i`` on that is not an option (``-x``)."""
    while i < len(words) and words[i].startswith("-"):
        i += 1
    return i


def _wrapper(words: Sequence[str], i: int) -> int:
    """How many words from ``i`` are a wrapper that runs the command after them
    (``sudo -u app``, ``env -i``, ``timeout 5m``, ``uv run``, ``npx``, ``bundle exec``...);
    0 when ``words[i]`` starts the command itself."""
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    j = i
    if word == "sudo":
        j = i + 1
        while j < len(words) and words[j].startswith("-"):
            j += 2 if words[j] in _SUDO_VALUE_OPTIONS else 1
    elif word in ("env", "xvfb-run", "npx", "bunx"):
        j = _options(words, i + 1)
    elif word == "timeout":
        j = _options(words, i + 1)
        j = j + 1 if j < len(words) and words[j][:1].isdigit() else i
    elif word in _RUNNERS and nxt == "run":
        j = _options(words, i + 2)
    elif (word in ("pnpm", "yarn") and nxt in ("exec", "dlx")) or (
        word == "bundle" and nxt == "exec"
    ):
        j = i + 2
    # A wrapper with nothing after it is the command itself.
    return j - i if i < j < len(words) else 0


def _peel(words: Sequence[str]) -> tuple[int, tuple[str, ...]]:
    """The index of the word that starts the command proper, and the keywords before it."""
    keywords: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _PREFIX_KEYWORDS:
            keywords.append(word)
            i += 1
        elif _ASSIGNMENT.match(word):
            i += 1
        else:
            n = _wrapper(words, i)
            if not n:
                break
            i += n
    return i, tuple(keywords)


def command_segments(script: str) -> list[Segment]:
    """The simple commands of a shell script, as ``knowledge.shell`` reads it (quotes,
    comments, here-documents, ``$(...)`` and compound commands understood)."""
    return list(_segments(script))


@lru_cache(maxsize=2048)
def _segments(script: str) -> tuple[Segment, ...]:
    text = _EXPR.sub("__EXPR__", script)
    # (text, line, op, keywords) of each segment, and the operator that ends each one
    found: list[tuple[str, int, str, tuple[str, ...]]] = []
    ends: list[str] = []
    op = ""
    keywords: list[str] = []
    for item in parse_script(text).outline:
        if isinstance(item, Mark):
            if item.text in _OPERATORS:
                if len(ends) < len(found):
                    ends.append(item.text)
                op = item.text
            elif item.text in _KEYWORDS:
                keywords.append(item.text)
            elif item.text in _CLOSERS:
                found.append((item.text, item.line + 1, op, tuple(keywords)))
                op, keywords = "", []
            continue
        first, peeled = _peel(item.words)
        keywords += peeled
        if first == len(item.words):
            continue  # assignments or keywords only: they introduce the next command
        found.append((item.written(text, first), item.line + 1, op, tuple(keywords)))
        op, keywords = "", []
    ends += [""] * (len(found) - len(ends))
    return tuple(
        Segment(seg_text, line, seg_op, kws, end)
        for (seg_text, line, seg_op, kws), end in zip(found, ends, strict=True)
    )


@dataclass(frozen=True)
class CommandMatch:
    pattern: CommandPattern
    segment: Segment
    text: str  # the matched command words, whitespace collapsed


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def match_commands(
    script: str | Sequence[Segment], patterns: Sequence[CommandPattern]
) -> list[CommandMatch]:
    """Every (segment, pattern) match, in script order."""
    segments = command_segments(script) if isinstance(script, str) else script
    out: list[CommandMatch] = []
    for seg in segments:
        for p in patterns:
            m = p.regex.match(seg.text)
            if m:
                out.append(CommandMatch(p, seg, _shown(m.group())))
    return out


def match_action(name: str | None, patterns: Sequence[ActionPattern]) -> ActionPattern | None:
    """The first pattern matching an action name (``owner/repo[/path]``, no ref)."""
    if not name:
        return None
    for p in patterns:
        if p.matches(name):
            return p
    return None


_TRAP = re.compile(r"trap\s+(['\"])(.*?)\1\s+(.*)", re.S)


def shell_rollback(
    script: str, settings: Mapping[str, Any] | ClassifierConfig | None = None
) -> str | None:
    """A rollback wired to a deploy command's failure inside one script, explained.

    Accepted forms: ``deploy || rollback`` (also after ``&&``-chained checks),
    ``if ! deploy; then rollback; fi``, ``if deploy; then ...; else rollback; fi``,
    and ``trap 'rollback' ERR`` before the deploy command.
    """
    cfg = _config(settings)
    segs = command_segments(script)

    def first(seg: Segment, patterns: Sequence[CommandPattern]) -> CommandMatch | None:
        found = match_commands([seg], patterns)
        return found[0] if found else None

    deploys = [first(s, cfg.deploy_commands) for s in segs]
    trap: str | None = None
    # Each open `if`: (its condition is a deploy command, negated, current branch).
    frames: list[tuple[CommandMatch | None, bool, str]] = []
    for k, seg in enumerate(segs):
        if "if" in seg.keywords or "elif" in seg.keywords:
            if "elif" in seg.keywords and frames:
                frames.pop()
            frames.append((deploys[k], "!" in seg.keywords, "cond"))
        if frames and ("then" in seg.keywords or "else" in seg.keywords):
            dep, neg, _ = frames[-1]
            frames[-1] = (dep, neg, "then" if "then" in seg.keywords else "else")
        m = _TRAP.match(seg.text)
        if m and re.search(r"\bERR\b", m.group(3)):
            hits = match_commands(m.group(2), cfg.rollback_commands)
            if hits:
                trap = hits[0].text
        here = deploys[k]
        if here is not None and trap is not None:
            return f"'trap ... ERR' runs '{trap}' when '{here.text}' fails"
        rb = first(seg, cfg.rollback_commands)
        if rb is not None:
            if seg.op == "||":
                j = k - 1
                while j >= 0:
                    dep_j = deploys[j]
                    if dep_j is not None:
                        return f"'{rb.text}' runs when '{dep_j.text}' fails ('||')"
                    if segs[j].op not in ("&&", "||", "|"):
                        break
                    j -= 1
            if frames:
                dep, neg, branch = frames[-1]
                if dep is not None and (
                    (neg and branch == "then") or (not neg and branch == "else")
                ):
                    cond = f"if {'! ' if neg else ''}{dep.text}"
                    return f"'{rb.text}' runs in the failure branch of '{cond}'"
        if seg.text == "fi" and frames:
            frames.pop()
    return None


# --------------------------------------------------------------------------
# configuration


def _setting(settings: Mapping[str, Any], prefix: str, key: str) -> Any:
    """``settings["gha.key"]``, or the nested ``settings["gha"]["key"]`` form."""
    for k in (f"{prefix}.{key}", f"{prefix}.{key.replace('_', '-')}"):
        if k in settings:
            return settings[k]
    table = settings.get(prefix)
    if isinstance(table, Mapping):
        for k in (key, key.replace("_", "-")):
            if k in table:
                return table[k]
    return None


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    raise ValueError(f"{name}: expected a string or a list of strings, got {value!r}")


def _compile(pattern: str, name: str, anchored: bool) -> re.Pattern[str]:
    try:
        if anchored:
            return re.compile(_PATH_PREFIX + pattern.removeprefix("^"))
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{name}: invalid regex {pattern!r}: {exc}") from None


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


_KNOBS = (
    "deploy_patterns",
    "deploy_actions",
    "deploy_job_regex",
    "prod_env_regex",
    "prod_name_regex",
    "staging_env_regex",
    "default_branches",
    "test_patterns",
    "test_job_regex",
    "scan_patterns",
    "scan_actions",
    "rollback_patterns",
    "rollback_actions",
    "verify_patterns",
    "verify_actions",
)


@dataclass(frozen=True)
class ClassifierConfig:
    """Compiled classifier patterns: catalog defaults plus user extensions."""

    deploy_job: re.Pattern[str] = field(default_factory=lambda: re.compile(DEPLOY_JOB_REGEX))
    deploy_commands: tuple[CommandPattern, ...] = DEPLOY_COMMANDS
    deploy_actions: tuple[ActionPattern, ...] = DEPLOY_ACTIONS
    prod_env: re.Pattern[str] = field(default_factory=lambda: re.compile(PROD_ENV_REGEX))
    prod_name: re.Pattern[str] = field(default_factory=lambda: re.compile(PROD_NAME_REGEX))
    staging_env: re.Pattern[str] = field(default_factory=lambda: re.compile(STAGING_ENV_REGEX))
    default_branches: tuple[str, ...] = DEFAULT_BRANCHES
    test_commands: tuple[CommandPattern, ...] = TEST_COMMANDS
    test_job: re.Pattern[str] = field(default_factory=lambda: re.compile(TEST_JOB_REGEX))
    scan_commands: tuple[CommandPattern, ...] = SCAN_COMMANDS
    scan_actions: tuple[ActionPattern, ...] = SCAN_ACTIONS
    rollback_commands: tuple[CommandPattern, ...] = ROLLBACK_COMMANDS
    rollback_actions: tuple[ActionPattern, ...] = ()
    verify_commands: tuple[CommandPattern, ...] = VERIFY_COMMANDS
    verify_actions: tuple[ActionPattern, ...] = VERIFY_ACTIONS

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any] | None = None, prefix: str = "gha"
    ) -> ClassifierConfig:
        """Defaults extended by ``<prefix>.*`` settings (flat dotted keys or a nested table).

        Lists *add* to the defaults: ``deploy_patterns``, ``test_patterns``,
        ``rollback_patterns``, ``verify_patterns`` (command regexes, anchored at a
        command start), ``deploy_actions``, ``rollback_actions``, ``verify_actions``
        (globs over ``owner/repo[/path]``), ``scan_patterns`` / ``scan_actions``
        (a list, category ``custom``, or a ``{category: [...]}`` table).
        Single regexes *replace* the defaults: ``deploy_job_regex``,
        ``prod_env_regex``, ``prod_name_regex``, ``staging_env_regex``,
        ``test_job_regex``; ``default_branches`` replaces ``["main", "master"]``.
        Invalid values raise ``ValueError`` naming the setting.
        """
        if not settings:
            return _default_config()
        key = tuple((k, _frozen(_setting(settings, prefix, k))) for k in _KNOBS)
        if all(v is None for _, v in key):
            return _default_config()
        return _build_config(prefix, key)


@lru_cache(maxsize=1)
def _default_config() -> ClassifierConfig:
    return ClassifierConfig()


def _extra_commands(prefix: str, name: str, value: Any, family: str) -> tuple[CommandPattern, ...]:
    full = f"{prefix}.{name}"
    return tuple(
        CommandPattern(p, _compile(p, full, anchored=True), family) for p in _strings(value, full)
    )


def _extra_actions(prefix: str, name: str, value: Any, family: str) -> tuple[ActionPattern, ...]:
    return tuple(ActionPattern(g, family) for g in _strings(value, f"{prefix}.{name}"))


def _categorised(value: Any) -> list[tuple[str, Any]]:
    if (
        isinstance(value, tuple)
        and value
        and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) for v in value)
    ):  # a frozen {category: [...]} table
        return list(value)
    return [("custom", value)]


@lru_cache(maxsize=64)
def _build_config(prefix: str, key: tuple[tuple[str, Any], ...]) -> ClassifierConfig:
    s = dict(key)
    base = ClassifierConfig()

    def regex(name: str, default: re.Pattern[str]) -> re.Pattern[str]:
        value = s.get(name)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ValueError(f"{prefix}.{name}: expected one regex string, got {value!r}")
        return _compile(value, f"{prefix}.{name}", anchored=False)

    scan_cmds = list(base.scan_commands)
    scan_acts = list(base.scan_actions)
    if s.get("scan_patterns") is not None:
        for cat, vals in _categorised(s["scan_patterns"]):
            full = f"{prefix}.scan_patterns"
            scan_cmds += [
                CommandPattern(p, _compile(p, full, anchored=True), "custom", frozenset({cat}))
                for p in _strings(vals, full)
            ]
    if s.get("scan_actions") is not None:
        for cat, vals in _categorised(s["scan_actions"]):
            scan_acts += [
                ActionPattern(g, "custom", frozenset({cat}))
                for g in _strings(vals, f"{prefix}.scan_actions")
            ]
    branches = s.get("default_branches")
    return ClassifierConfig(
        deploy_job=regex("deploy_job_regex", base.deploy_job),
        deploy_commands=base.deploy_commands
        + _extra_commands(prefix, "deploy_patterns", s.get("deploy_patterns"), "custom"),
        deploy_actions=base.deploy_actions
        + _extra_actions(prefix, "deploy_actions", s.get("deploy_actions"), "custom"),
        prod_env=regex("prod_env_regex", base.prod_env),
        prod_name=regex("prod_name_regex", base.prod_name),
        staging_env=regex("staging_env_regex", base.staging_env),
        default_branches=_strings(branches, f"{prefix}.default_branches")
        if branches is not None
        else base.default_branches,
        test_commands=base.test_commands
        + _extra_commands(prefix, "test_patterns", s.get("test_patterns"), "custom"),
        test_job=regex("test_job_regex", base.test_job),
        scan_commands=tuple(scan_cmds),
        scan_actions=tuple(scan_acts),
        rollback_commands=base.rollback_commands
        + _extra_commands(prefix, "rollback_patterns", s.get("rollback_patterns"), "custom"),
        rollback_actions=base.rollback_actions
        + _extra_actions(prefix, "rollback_actions", s.get("rollback_actions"), "custom"),
        verify_commands=base.verify_commands
        + _extra_commands(prefix, "verify_patterns", s.get("verify_patterns"), "custom"),
        verify_actions=base.verify_actions
        + _extra_actions(prefix, "verify_actions", s.get("verify_actions"), "custom"),
    )


def _config(settings: Mapping[str, Any] | ClassifierConfig | None) -> ClassifierConfig:
    if isinstance(settings, ClassifierConfig):
        return settings
    return ClassifierConfig.from_settings(settings)


# --------------------------------------------------------------------------
# format-neutral facts and the classification


@dataclass(frozen=True)
class StepFacts:
    """What the classifier needs to know about one step (or script line group)."""

    index: int  # 0-based
    label: str  # 'step 3' / "step 3 ('Deploy')"
    run: str | None = None
    action: str | None = None  # owner/repo[/path], without @ref
    with_: Mapping[str, Any] = field(default_factory=dict)
    condition: str | None = None  # the step's `if`, as written
    id: str | None = None


@dataclass(frozen=True)
class JobFacts:
    id: str
    name: str | None = None
    environment: str | None = None  # the name as written (may be an expression)
    environment_dynamic: bool = False
    steps: Sequence[StepFacts] = ()
    callee: str | None = None  # reusable workflow reference (jobs.<id>.uses)
    callee_file: str | None = None  # its file stem, for the name rule on unresolved callees
    callee_deploy_jobs: Sequence[str] | None = None  # ids of the resolved callee's deploy jobs
    workflow_name: str | None = None
    push_branches: Sequence[str] = ()  # default branches whose pushes trigger the workflow
    on_tags: bool = False
    on_release: bool = False

    @property
    def environment_set(self) -> bool:
        return self.environment is not None


@dataclass(frozen=True)
class StepHit:
    """A step that matched a pattern list."""

    index: int  # 0-based step index
    label: str
    what: str  # matched command text or action name
    family: str
    via: str  # 'run' or 'uses'
    categories: frozenset[str] = frozenset()
    auto_rollback: str | None = None  # for deploy hits: why it rolls back by itself

    def describe(self, role: str) -> str:
        verb = "runs" if self.via == "run" else "uses"
        return f"{self.label} {verb} '{self.what}' ({role})"


@dataclass(frozen=True)
class JobClass:
    """The classification of one job, with the reasons for each decision."""

    job_id: str
    deploy_reasons: tuple[str, ...] = ()
    deploy_steps: tuple[StepHit, ...] = ()
    production_reasons: tuple[str, ...] = ()
    environment_dynamic: bool = False
    staging_reason: str | None = None
    test_reasons: tuple[str, ...] = ()
    test_steps: tuple[StepHit, ...] = ()
    scan_steps: tuple[StepHit, ...] = ()
    rollback_steps: tuple[StepHit, ...] = ()
    verify_steps: tuple[StepHit, ...] = ()

    @property
    def is_deploy(self) -> bool:
        return bool(self.deploy_reasons)

    @property
    def is_production(self) -> bool:
        return self.is_deploy and bool(self.production_reasons)

    @property
    def is_staging(self) -> bool:
        """A deploy job to a staging-like environment (``staging_env_regex``)."""
        return self.is_deploy and self.staging_reason is not None

    @property
    def is_test(self) -> bool:
        return bool(self.test_reasons)

    @property
    def scan_categories(self) -> frozenset[str]:
        return frozenset(c for h in self.scan_steps for c in h.categories)

    @property
    def auto_rollback(self) -> tuple[StepHit, ...]:
        """Deploy steps whose command rolls back by itself (helm --atomic...)."""
        return tuple(h for h in self.deploy_steps if h.auto_rollback)

    @property
    def terraform_only(self) -> bool:
        """Every recognised deploy step is ``terraform``/``tofu apply``.

        Rollback there means revert + re-apply, so GHA-016 does not apply.
        """
        return bool(self.deploy_steps) and all(h.family == "terraform" for h in self.deploy_steps)

    def explain(self) -> str:
        """Multi-line text for verbose output."""
        lines = [
            f"job '{self.job_id}': " + ("deploy job" if self.is_deploy else "not a deploy job")
        ]
        lines += [f"  - {r}" for r in self.deploy_reasons]
        if self.is_production:
            lines.append("  production deploy:")
            lines += [f"  - {r}" for r in self.production_reasons]
        if self.is_staging:
            lines.append(f"  staging deploy: {self.staging_reason}")
        if self.is_test:
            lines.append("  test job:")
            lines += [f"  - {r}" for r in self.test_reasons]
        for hit in self.scan_steps:
            cats = ", ".join(sorted(hit.categories))
            lines.append(f"  scan: {hit.describe('security scan: ' + cats)}")
        for hit in self.rollback_steps:
            lines.append(f"  rollback: {hit.describe('rollback command')}")
        for hit in self.verify_steps:
            lines.append(f"  verify: {hit.describe('verification')}")
        return "\n".join(lines)


def _command_hits(
    step: StepFacts, patterns: Sequence[CommandPattern], segments: Sequence[Segment]
) -> list[tuple[StepHit, CommandMatch]]:
    return [
        (
            StepHit(step.index, step.label, m.text, m.pattern.family, "run", m.pattern.categories),
            m,
        )
        for m in match_commands(segments, patterns)
    ]


def _truthy_input(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def classify(
    facts: JobFacts, settings: Mapping[str, Any] | ClassifierConfig | None = None
) -> JobClass:
    """Classify a job from format-neutral facts."""
    cfg = _config(settings)
    deploy_reasons: list[str] = []
    deploy_steps: list[StepHit] = []
    test_steps: list[StepHit] = []
    scan_steps: list[StepHit] = []
    rollback_steps: list[StepHit] = []
    verify_steps: list[StepHit] = []

    # (a) environment
    if facts.environment is not None:
        if facts.environment_dynamic:
            deploy_reasons.append(f"environment '{facts.environment}' is set (dynamic)")
        elif facts.environment:
            deploy_reasons.append(f"environment '{facts.environment}' is set")
        else:
            deploy_reasons.append("an environment is set")
    # (b) job id / name
    if cfg.deploy_job.search(facts.id):
        deploy_reasons.append(f"job id '{facts.id}' matches the deploy-name pattern")
    if facts.name and cfg.deploy_job.search(facts.name):
        deploy_reasons.append(f"job name '{facts.name}' matches the deploy-name pattern")

    for step in facts.steps:
        if step.run:
            segments = command_segments(step.run)
            for hit, m in _command_hits(step, cfg.deploy_commands, segments):
                why = builtin_rollback(m)
                deploy_steps.append(
                    StepHit(hit.index, hit.label, hit.what, hit.family, "run", auto_rollback=why)
                )
            test_steps += [h for h, _ in _command_hits(step, cfg.test_commands, segments)]
            scan_steps += _merge_scan_hits(
                [h for h, _ in _command_hits(step, cfg.scan_commands, segments)]
            )
            rollback_steps += [h for h, _ in _command_hits(step, cfg.rollback_commands, segments)]
            verify_steps += [
                h
                for h, m in _command_hits(step, cfg.verify_commands, segments)
                # `curl -fsSL https://…/install.sh | sh` downloads, it does not verify.
                if not (h.family == "http" and m.segment.next_op == "|")
            ]
        if step.action:
            act = step.action
            p = match_action(act, cfg.deploy_actions)
            if p is not None:
                why = None
                if act.lower().startswith(
                    "aws-actions/aws-cloudformation-github-deploy"
                ) and not _truthy_input(step.with_.get("disable-rollback", "")):
                    why = f"'{act}' rolls a failed stack update back (disable-rollback is not set)"
                deploy_steps.append(
                    StepHit(step.index, step.label, act, p.family, "uses", auto_rollback=why)
                )
            p = match_action(act, cfg.scan_actions)
            if p is not None:
                cats = p.categories
                if p.family == "trivy":
                    kind = str(step.with_.get("scan-type", "image")).strip().lower()
                    cats = _TRIVY_SCAN_TYPES.get(kind, cats)
                scan_steps.append(StepHit(step.index, step.label, act, p.family, "uses", cats))
            p = match_action(act, cfg.rollback_actions)
            if p is not None:
                rollback_steps.append(StepHit(step.index, step.label, act, p.family, "uses"))
            p = match_action(act, cfg.verify_actions)
            if p is not None:
                verify_steps.append(StepHit(step.index, step.label, act, p.family, "uses"))

    # (c) and (d)
    for hit in deploy_steps:
        deploy_reasons.append(
            hit.describe("deploy command" if hit.via == "run" else "deploy action")
        )
    # (e) reusable-workflow callers
    if facts.callee:
        if facts.callee_deploy_jobs:
            ids = ", ".join(f"'{j}'" for j in facts.callee_deploy_jobs)
            deploy_reasons.append(
                f"calls reusable workflow '{facts.callee}', whose job(s) {ids} deploy"
            )
        elif (
            facts.callee_deploy_jobs is None
            and facts.callee_file
            and cfg.deploy_job.search(facts.callee_file)
        ):
            deploy_reasons.append(
                f"calls reusable workflow '{facts.callee}', "
                "whose file name matches the deploy-name pattern"
            )

    production: list[str] = []
    staging = None
    if deploy_reasons:
        production = _production_reasons(facts, cfg)
        env = facts.environment
        if env and not facts.environment_dynamic and cfg.staging_env.search(env):
            staging = f"environment '{env}' matches the staging pattern"

    test_reasons = [h.describe("test command") for h in test_steps]
    if cfg.test_job.search(facts.id):
        test_reasons.insert(0, f"job id '{facts.id}' matches the test-job pattern")

    return JobClass(
        job_id=facts.id,
        deploy_reasons=tuple(deploy_reasons),
        deploy_steps=tuple(deploy_steps),
        production_reasons=tuple(production),
        environment_dynamic=facts.environment_dynamic,
        staging_reason=staging,
        test_reasons=tuple(test_reasons),
        test_steps=tuple(test_steps),
        scan_steps=tuple(scan_steps),
        rollback_steps=tuple(rollback_steps),
        verify_steps=tuple(verify_steps),
    )


def _merge_scan_hits(hits: list[StepHit]) -> list[StepHit]:
    """One hit per (step, command) with the union of categories (``trivy fs`` = deps + secrets)."""
    merged: dict[tuple[int, str], StepHit] = {}
    for h in hits:
        key = (h.index, h.what)
        old = merged.get(key)
        merged[key] = (
            h
            if old is None
            else StepHit(h.index, h.label, h.what, h.family, h.via, old.categories | h.categories)
        )
    return list(merged.values())


def _production_reasons(facts: JobFacts, cfg: ClassifierConfig) -> list[str]:
    env = facts.environment
    if env is not None and not facts.environment_dynamic and env:
        if cfg.prod_env.search(env):
            return [f"environment '{env}' matches the production pattern"]
        return []  # a named, non-production environment decides
    reasons: list[str] = []
    if facts.workflow_name and cfg.prod_name.search(facts.workflow_name):
        reasons.append(f"workflow name '{facts.workflow_name}' matches the production-name pattern")
    if cfg.prod_name.search(facts.id):
        reasons.append(f"job id '{facts.id}' matches the production-name pattern")
    if facts.name and cfg.prod_name.search(facts.name):
        reasons.append(f"job name '{facts.name}' matches the production-name pattern")
    for b in facts.push_branches:
        reasons.append(f"the workflow runs on push to '{b}'")
    if facts.on_tags:
        reasons.append("the workflow runs on tag pushes")
    if facts.on_release:
        reasons.append("the workflow runs on release events")
    return reasons


# --------------------------------------------------------------------------
# GitHub Actions adapter


def gha_job_facts(
    job: Job,
    settings: Mapping[str, Any] | ClassifierConfig | None = None,
    resolve: Callable[[UsesRef], Workflow | None] | None = None,
    _seen: frozenset[str] = frozenset(),
) -> JobFacts:
    """``JobFacts`` for a GitHub Actions job; ``resolve`` finds local reusable workflows."""
    cfg = _config(settings)
    steps = tuple(
        StepFacts(
            index=s.index,
            label=s.label,
            run=s.run,
            action=s.uses.name if s.uses is not None and s.uses.is_remote else None,
            with_=s.with_,
            condition=s.if_,
            id=s.id,
        )
        for s in job.steps
    )
    wf = job.workflow
    env = job.environment
    callee = callee_file = None
    callee_jobs: list[str] | None = None
    if job.uses is not None:
        callee = job.uses.raw
        callee_file = job.uses.file_stem or job.uses.name
        target = resolve(job.uses) if resolve is not None else None
        key = f"{target.source.path}" if target is not None else ""
        if target is not None and key not in _seen and len(_seen) < 10:
            callee_jobs = [
                j.id
                for j in target.jobs.values()
                if classify(gha_job_facts(j, cfg, resolve, _seen | {key}), cfg).is_deploy
            ]
    return JobFacts(
        id=job.id,
        name=job.name,
        environment=env.text if env is not None else None,
        environment_dynamic=env.dynamic if env is not None else False,
        steps=steps,
        callee=callee,
        callee_file=callee_file,
        callee_deploy_jobs=callee_jobs,
        workflow_name=wf.name,
        push_branches=tuple(b for b in cfg.default_branches if wf.on.pushes_branch(b)),
        on_tags=wf.on.pushes_tags(),
        on_release="release" in wf.on,
    )


def classify_job(
    job: Job,
    settings: Mapping[str, Any] | ClassifierConfig | None = None,
    resolve: Callable[[UsesRef], Workflow | None] | None = None,
) -> JobClass:
    """Classify a GitHub Actions job. ``settings`` is ``context.settings`` (or a config).

    Without ``resolve`` the verdict is memoised on the job; configs are interned by
    ``ClassifierConfig.from_settings``, so identity is the right key.
    """
    cfg = _config(settings)
    if resolve is not None:
        return classify(gha_job_facts(job, cfg, resolve), cfg)
    hit = job.classified
    if hit is not None and hit[0] is cfg:
        result: JobClass = hit[1]
        return result
    result = classify(gha_job_facts(job, cfg, None), cfg)
    job.classified = (cfg, result)
    return result
