"""What justifies a ``write`` scope of the GITHUB_TOKEN (GHA-002): data, plus one reader.

For each judged scope, the families of the shared release table that need it
(``knowledge.ci.releases``: a GitHub release needs ``contents``, an image push or a
package for GitHub Packages ``packages``), and beyond that table the commands (by argv:
program, subcommand words, options) and the actions (``owner/repo[/path]`` globs, some
with a condition on their inputs) that need it. The tables are generous on purpose: a
job is only reported when *nothing* in it plausibly uses the scope. Beyond the tables, a
step whose content cannot be seen justifies every scope: a local action (``./…``), a
``docker://`` action, a third-party action handed the token explicitly,
``actions/github-script`` (it can call any API), and ``gh api`` with a write method or
fields.

Scopes not in ``JUSTIFIERS`` (issues, checks, statuses, deployments, actions,
discussions…) are not judged.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_devops_policy.formats.github_actions.workflow import Step
from pytest_devops_policy.knowledge.ci.patterns import IMAGE_PUSH_ACTIONS, PACKAGE_RELEASE_ACTIONS
from pytest_devops_policy.knowledge.ci.releases import IMAGE, step_publishes
from pytest_devops_policy.knowledge.ci.scripts import run_script
from pytest_devops_policy.knowledge.ci.segments import match_action
from pytest_devops_policy.knowledge.shell import Command

__all__ = [
    "JUSTIFIERS",
    "ActionRule",
    "CommandRule",
    "Justifiers",
    "justification",
    "opaque_step",
]


@dataclass(frozen=True)
class CommandRule:
    """``program`` (base name; ``gradlew`` also matches ``gradle``) whose first few
    positional words contain ``words`` in a row; with ``options``, one of them too.
    An empty word matches any positional word that starts with ``prefix``."""

    program: str
    words: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    prefix: str = ""

    def matches(self, c: Command) -> bool:
        name = c.name.lower().removesuffix(".exe")
        if name != self.program and not (self.program == "gradle" and name == "gradlew"):
            return False
        positional = [w for w in c.args if not w.startswith("-")][:4]
        if self.prefix and not any(w.startswith(self.prefix) for w in positional):
            return False
        if self.words:
            n = len(self.words)
            if not any(tuple(positional[i : i + n]) == self.words for i in range(len(positional))):
                return False
        if self.options:
            return c.has_option(*self.options) or any(
                o.startswith("--") and any(w.startswith(o + "=") for w in c.args)
                for o in self.options
            )
        return True

    @property
    def label(self) -> str:
        text = " ".join((self.program, *self.words, *(self.options[:1])))
        return f"{text} {self.prefix}…" if self.prefix else text


def _truthy(value: Any) -> bool:
    """An input that is on, or decided at run time (an expression)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return "${{" in text or text in ("true", "1", "yes")


def _has(*names: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda w: any(w.get(n) not in (None, "") for n in names)


def _push_input(w: Mapping[str, Any]) -> bool:
    return _truthy(w.get("push", False))


def _azure_oidc(w: Mapping[str, Any]) -> bool:
    # azure/login with a client id and no secret or creds JSON is federated (OIDC)
    return "client-id" in w and not any(k in w for k in ("creds", "client-secret"))


def _pypi_trusted(w: Mapping[str, Any]) -> bool:
    return not w.get("password")


@dataclass(frozen=True)
class ActionRule:
    """An action glob (lowercase ``owner/repo[/path]``), with a condition on its inputs."""

    glob: str
    when: Callable[[Mapping[str, Any]], bool] | None = field(default=None, compare=False)
    label: str = ""

    def matches(self, name: str, with_: Mapping[str, Any]) -> bool:
        name = name.lower()
        if self.glob.count("/") <= 1:
            name = "/".join(name.split("/")[:2])
        return fnmatch.fnmatchcase(name, self.glob) and (self.when is None or self.when(with_))


@dataclass(frozen=True)
class Justifiers:
    looked_for: str  # for messages: what would have justified the scope
    commands: tuple[CommandRule, ...] = ()
    actions: tuple[ActionRule, ...] = ()
    markers: tuple[str, ...] = ()  # text in a run script that uses the scope
    # families of the shared release table (``releases.step_publishes``) that use the scope
    publishes: frozenset[str] = frozenset()


def _a(*globs: str, when: Callable[[Mapping[str, Any]], bool] | None = None) -> list[ActionRule]:
    return [ActionRule(g, when) for g in globs]


def _cmds(program: str, *subcommands: str) -> list[CommandRule]:
    return [CommandRule(program, tuple(s.split())) for s in subcommands]


_GIT_PUSHERS = [
    *_cmds("git", "push"),
    *_cmds("gh", "release", "pr merge", "repo sync", "workflow run"),
    *_cmds("hub", "release"),
    CommandRule("semantic-release"),
    CommandRule("release-it"),
    CommandRule("goreleaser"),
    CommandRule("jreleaser"),
    CommandRule("release-please"),
    CommandRule("changeset", ("publish",)),
    CommandRule("changeset", ("tag",)),
    CommandRule("lerna", ("publish",)),
    CommandRule("lerna", ("version",)),
    CommandRule("mkdocs", ("gh-deploy",)),
    CommandRule("mike", options=("--push", "-p")),
    CommandRule("ghp-import", options=("--push", "-p")),
    CommandRule("gh-pages"),
    CommandRule("cargo", ("release",)),
    CommandRule("auto", ("shipit",)),
    CommandRule("cz", ("bump",)),
]
_RELEASE_ACTIONS = [
    *_a(
        "changesets/action",
        "peter-evans/create-pull-request",
        "stefanzweifel/git-auto-commit-action",
        "endbug/add-and-commit",
        "ad-m/github-push-action",
        "actions-js/push",
        "jamesives/github-pages-deploy-action",
        "peaceiris/actions-gh-pages",
        "marvinpinto/action-automatic-releases",
        "release-drafter/release-drafter",
        "cycjimmy/semantic-release-action",
        "python-semantic-release/python-semantic-release",
        "python-semantic-release/publish-action",
        "mathieudutour/github-tag-action",
        "anothrnick/github-tag-action",
        "rickstaa/action-create-tag",
        "crazy-max/ghaction-github-pages",
        "dependabot/fetch-metadata",
        "pascalgn/automerge-action",
        "peter-evans/enable-pull-request-automerge",
        "test-room-7/action-update-file",
        "jasonetco/build-and-tag-action",
        "taiki-e/create-gh-release-action",
        "taiki-e/upload-rust-binary-action",
        "rust-lang/crates-io-auth-action",
        "orhun/git-cliff-action",
        "actions/github-script",
    ),
]
# Beyond the shared release table (image pushes, npm/Maven/NuGet/RubyGems/Helm packages,
# goreleaser: ``releases.step_publishes``), what writes to GitHub Packages.
_PACKAGE_WRITERS = [
    *_cmds("crane", "append", "mutate", "tag", "index append"),
    *_cmds("oras", "push", "attach", "copy", "cp"),
    *_cmds("cosign", "sign", "attest", "copy"),
    CommandRule("docker", ("buildx",), ("--output", "-o")),  # an exporter may push
    *_cmds("gh", "package"),
]
_PACKAGE_ACTIONS = [
    *_a("devcontainers/ci", when=lambda w: str(w.get("push", "filter")).lower() != "never"),
    *_a("actions/attest-build-provenance", when=lambda w: _truthy(w.get("push-to-registry", ""))),
    *_a(
        "actions/delete-package-versions",
        "snok/container-retention-policy",
        "dataaxiom/ghcr-cleanup-action",
        "actions/github-script",
    ),
]
_OIDC_COMMANDS = [
    CommandRule("aws", ("sts", "assume-role-with-web-identity")),
    *_cmds("cosign", "sign", "sign-blob", "attest", "attest-blob"),
    *_cmds("npm", "publish"),
    *_cmds("pnpm", "publish"),
    *_cmds("bun", "publish"),
    *_cmds("yarn", "npm publish"),
    *_cmds("uv", "publish"),
    *_cmds("twine", "upload"),
    *_cmds("gem", "push"),
    *_cmds("cargo", "publish"),
    *_cmds("vault", "write"),
    CommandRule("goreleaser"),
    *_cmds("gh", "attestation"),
]
_OIDC_ACTIONS = [
    *_a("aws-actions/configure-aws-credentials", when=_has("role-to-assume")),
    *_a("google-github-actions/auth", when=_has("workload_identity_provider")),
    *_a("azure/login", when=_azure_oidc),
    *_a("pypa/gh-action-pypi-publish", when=_pypi_trusted),
    *_a("hashicorp/vault-action", when=lambda w: str(w.get("method", "")).lower() == "jwt"),
    *_a("codecov/codecov-action", when=lambda w: _truthy(w.get("use_oidc", False))),
    *_a(
        "sigstore/cosign-installer",
        "sigstore/gh-action-sigstore-python",
        "actions/attest",
        "actions/attest-*",
        "slsa-framework/slsa-github-generator",
        "slsa-framework/slsa-github-generator/*",
        "rubygems/release-gem",
        "rubygems/configure-rubygems-credentials",
        "rust-lang/crates-io-auth-action",
        "jfrog/setup-jfrog-cli",
        "octo-sts/action",
        "chainguard-dev/setup-chainctl",
        "chainguard-dev/actions/setup-chainctl",
        "pulumi/auth-actions",
        "docker/build-push-action",
        "goreleaser/goreleaser-action",
        "anchore/sbom-action",
        "ossf/scorecard-action",
        "actions/github-script",
    ),
]
_PR_COMMANDS = [
    *_cmds("gh", "pr comment", "pr create", "pr edit", "pr merge", "pr review", "pr close"),
    *_cmds("gh", "pr reopen", "pr ready", "pr lock", "pr unlock"),
    CommandRule("danger"),
    CommandRule("reviewdog"),
]
_PR_ACTIONS = [
    *_a(
        "peter-evans/create-or-update-comment",
        "peter-evans/create-pull-request",
        "peter-evans/enable-pull-request-automerge",
        "marocchino/sticky-pull-request-comment",
        "thollander/actions-comment-pull-request",
        "mshick/add-pr-comment",
        "actions/labeler",
        "actions/stale",
        "actions/first-interaction",
        "actions/github-script",
        "pascalgn/automerge-action",
        "hmarr/auto-approve-action",
        "reviewdog/*",
        "actions-ecosystem/action-add-labels",
        "actions-ecosystem/action-remove-labels",
        "release-drafter/release-drafter",
        "googleapis/release-please-action",
        "google-github-actions/release-please-action",
        "changesets/action",
        "enricomi/publish-unit-test-result-action",
        "enricomi/publish-unit-test-result-action/*",
        "mishakav/pytest-coverage-comment",
        "py-cov-action/python-coverage-comment-action",
        "romeovs/lcov-reporter-action",
        "dorny/test-reporter",
        "amannn/action-semantic-pull-request",
        "github/issue-labeler",
        "dependabot/fetch-metadata",
        "danger/danger-js",
        "codelytv/pr-size-labeler",
        "kentaro-m/auto-assign-action",
        "actions/dependency-review-action",
        "orgoro/coverage",
        "5monkeys/cobertura-action",
        "irongut/codecoveragesummary",
        "github/codeql-action/*",
    ),
]

JUSTIFIERS: Mapping[str, Justifiers] = {
    "contents": Justifiers(
        "git push, gh release, a release or commit-back action",
        tuple(_GIT_PUSHERS),
        tuple(_RELEASE_ACTIONS),
        publishes=frozenset({"github-release", "goreleaser"}),
    ),
    "packages": Justifiers(
        "an image or package push (docker push, buildx --push, docker/build-push-action "
        "with push, npm publish...)",
        tuple(_PACKAGE_WRITERS),
        tuple(_PACKAGE_ACTIONS),
        publishes=frozenset(
            {IMAGE, "npm", "maven", "nuget", "rubygems", "helm-chart", "goreleaser"}
        ),
    ),
    "id-token": Justifiers(
        "an OIDC consumer (configure-aws-credentials with role-to-assume, "
        "google-github-actions/auth with workload_identity_provider, azure/login without "
        "a secret, PyPI trusted publishing, cosign, actions/attest-*)",
        tuple(_OIDC_COMMANDS),
        tuple(_OIDC_ACTIONS),
        ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "getIDToken"),
    ),
    "pull-requests": Justifiers(
        "a pull-request comment, review, label or merge (gh pr ..., a PR-comment action)",
        tuple(_PR_COMMANDS),
        tuple(_PR_ACTIONS),
    ),
    "pages": Justifiers(
        "actions/deploy-pages",
        (),
        tuple(_a("actions/deploy-pages", "actions/github-script")),
    ),
    "security-events": Justifiers(
        "a SARIF upload (github/codeql-action, ossf/scorecard-action...)",
        (),
        tuple(
            _a(
                "github/codeql-action/*",
                "ossf/scorecard-action",
                "zizmorcore/zizmor-action",
                "microsoft/security-devops-action",
                "advanced-security/*",
                "actions/github-script",
            )
        ),
    ),
    "attestations": Justifiers(
        "actions/attest-* or gh attestation",
        tuple(_cmds("gh", "attestation")),
        tuple(_a("actions/attest", "actions/attest-*", "actions/github-script")),
    ),
}
# Actions whose use of the token is known to need no write scope (not "opaque").
_KNOWN_READERS = ("actions/*", "github/*", "docker/*")
_TOKEN_CONTEXTS = ("github.token", "secrets.github_token")


def _hands_token(step: Step) -> bool:
    values: Iterable[Any] = (*step.with_.values(), *step.env.values())
    for v in values:
        text = str(v).lower().replace(" ", "")
        if any("${{" + c in text for c in _TOKEN_CONTEXTS):
            return True
    return False


def _known(name: str) -> bool:
    lower = name.lower()
    slug = "/".join(lower.split("/")[:2])
    if any(fnmatch.fnmatchcase(slug, g) for g in _KNOWN_READERS):
        return True
    if match_action(lower, PACKAGE_RELEASE_ACTIONS) is not None or slug in IMAGE_PUSH_ACTIONS:
        return True
    return any(
        a.matches(lower, {}) or a.glob == slug for j in JUSTIFIERS.values() for a in j.actions
    )


def _gh_api_writes(c: Command) -> bool:
    if c.name != "gh" or c.args[:1] != ("api",):
        return False
    args = list(c.args)
    for i, w in enumerate(args):
        if w in ("-X", "--method") and i + 1 < len(args):
            return args[i + 1].upper() != "GET"
        if w.startswith("--method="):
            return w.split("=", 1)[1].upper() != "GET"
    # fields make gh api POST by default
    return any(w in ("-f", "-F", "--field", "--raw-field") for w in args) or any(
        w.startswith(("--field=", "--raw-field=")) for w in args
    )


def opaque_step(step: Step) -> str | None:
    """Why a step may use any scope although no table says so (None: it is legible)."""
    uses = step.uses
    if uses is not None:
        if uses.kind == "local":
            return f"{step.label} runs the local action {uses.raw}"
        if uses.is_docker:
            return f"{step.label} runs the container action {uses.raw}"
        if uses.is_remote and not _known(uses.name) and _hands_token(step):
            return f"{step.label} hands the token to {uses.name}"
    if step.run is not None:
        handed = _hands_token(step)
        for c in run_script(step.run).script.commands:
            if _gh_api_writes(c):
                return f"{step.label} writes through gh api"
            if handed and _runs_repository_script(c):
                return f"{step.label} runs the repository's own script with the token"
    return None


_SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".sh", ".ps1", ".pl")


def _runs_repository_script(c: Command) -> bool:
    """``./scripts/label.py``, ``uv run scripts/x.py``, ``node tools/y.js``: code in the
    repository that may call any API the token allows, which no table can read."""
    for i, word in enumerate(c.words):
        if "://" in word or word.startswith("-"):
            continue
        local = word.startswith("./") or (i > 0 and "/" in word and not word.startswith("/"))
        if local and (word.startswith("./") or word.endswith(_SCRIPT_SUFFIXES)):
            return True
    return False


def justification(scope: str, steps: Sequence[Step]) -> str | None:
    """The first step that uses ``scope`` (described), or None.

    Call only for scopes in ``JUSTIFIERS``."""
    rules = JUSTIFIERS[scope]
    for step in steps:
        for pub in step_publishes(step):
            if pub.family in rules.publishes:
                return pub.label
        uses = step.uses
        if uses is not None and uses.is_remote:
            for a in rules.actions:
                if a.matches(uses.name, step.with_):
                    return f"{step.label} uses {uses.name}"
            if scope == "id-token" and not _known(uses.name):
                # The runner hands every action the OIDC request variables: an action the
                # tables do not know (a registry login, an STS broker...) may use them.
                return f"{step.label} uses {uses.name}, which may request an OIDC token"
        if step.run is not None:
            for marker in rules.markers:
                if marker in step.run:
                    return f"{step.label} uses {marker}"
            for c in run_script(step.run).script.commands:
                for r in rules.commands:
                    if r.matches(c):
                        return f"{step.label} runs {r.label}"
        why = opaque_step(step)
        if why is not None:
            return why
    return None
