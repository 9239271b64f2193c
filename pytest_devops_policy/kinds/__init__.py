"""The kinds registry: every artifact kind the plugin knows, declared once.

A kind is one ``Kind`` record: its name (the JUnit ``kind`` property and ``Policy.kind``),
policy id prefix, marker, title, the policy parameters that name its subjects, how its files
are recognised, its options dataclass and its ``Format``. Discovery, markers, settings, the
policy pages, the meta-tests and the summary all read this table, so adding a kind is:

1. one ``Kind`` entry below;
2. a parser package ``formats/<kind>/`` and a ``Format`` in ``kinds/<kind>.py``;
3. an options dataclass in ``options/`` (may be empty);
4. its policies under ``policies/<package>/`` and their golden fixtures.

Formats load lazily (``load_format``): a plain ``pytest`` run imports no parser.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Protocol

from pytest_devops_policy import discovery

if TYPE_CHECKING:
    from pytest_devops_policy.context import Context
    from pytest_devops_policy.model import ParsedFile, Source, Subject
    from pytest_devops_policy.options import KindOptions, Options

__all__ = [
    "KINDS",
    "Format",
    "Kind",
    "SubjectSpec",
    "by_name",
    "classify",
    "judges",
    "kind_of_subject",
    "recogniser",
]


class Format(Protocol):
    """What the engine needs of a kind (mypy checks every implementation).

    ``parse`` turns one file into subjects (raising ``ParseError`` for a recognised file that
    is broken). ``adjust`` lets the run change a parsed file (a kustomize patch is not judged).
    ``index`` is the run-wide index a subject's policies may read. For the result cache,
    ``dependencies`` names the other files and directories a file's outcomes depend on and
    ``cache_token`` the run-wide inputs (an index digest). ``comments`` are the file's real
    comments in its syntax, as (line, text): only they may hold inline waivers.
    ``keeps_parsed`` says that the index reads other parsed files, so they stay in memory.
    ``prime`` computes, ahead of analysis, what the run-wide index reads of the files
    ``mine`` accepts (forked jobs split the files between them).
    """

    keeps_parsed: bool
    lone_cr_newline: bool  # a lone CR ends a line for this kind's tools (not for BuildKit)

    def parse(self, source: Source, options: Options) -> ParsedFile: ...

    def adjust(self, parsed: ParsedFile, context: Context) -> ParsedFile: ...

    def index(self, subject: Subject[object], context: Context) -> object: ...

    def dependencies(self, path: str, context: Context) -> list[str]: ...

    def cache_token(self, path: str, context: Context) -> str: ...

    def prime(self, context: Context, mine: Callable[[str], bool]) -> None: ...

    def comments(self, source: Source) -> Iterable[tuple[int, str]] | None: ...


@dataclass(frozen=True)
class SubjectSpec:
    """One thing a policy of the kind can judge, named by the policy's first parameter."""

    param: str  # the policy function's first parameter: "k8s_object"
    node_id: str  # what its items' node ids look like, for the docs ("{id}" = policy id)
    # Policies written for another subject of the kind that judge this one too: the other
    # subject's parameter and the ids it lends (a composite action borrows the step-level
    # job policies). Ids, not modules: a policy not yet written is named here all the same.
    borrows: str = ""
    borrowed: frozenset[str] = frozenset()
    waiver_path: str = ""  # a config waiver's path for its items, for the docs ("": the kind's)
    borrow_title: str = ""  # what the borrowing subject is, for the docs ("Also judges: ...")
    # (policy id, what it judges of this subject) where that differs from ``borrow_title``.
    borrow_titles: tuple[tuple[str, str], ...] = ()

    def borrowed_title(self, policy_id: str) -> str:
        """What ``policy_id`` judges of this subject, for the docs."""
        return dict(self.borrow_titles).get(policy_id, self.borrow_title)


@dataclass(frozen=True)
class Kind:
    name: str  # Policy.kind and the JUnit ``kind`` property: "github-actions"
    prefix: str  # built-in policy ids: "GHA-nnn"
    title: str  # for people: "GitHub Actions"
    marker: str  # the pytest marker: "github_actions"
    marker_help: str  # "GitHub Actions workflow"
    subjects: tuple[SubjectSpec, ...] = ()
    package: str | None = None  # built-in policies: pytest_devops_policy.policies.<package>
    recognise: Callable[[PurePath], bool] | None = None  # None: not collected from files yet
    load_format: Callable[[], Format] | None = None
    fence: str = ""  # the fenced-code language of its examples
    example_file: str = ""  # where a policy example is written to check it (meta-test)
    waiver_path: str = "**/*"  # a config waiver's path glob, for the docs
    # More files of the kind when options ask for them (``gha.workflow_dirs``): given the
    # rootdir and the kind's options, a path predicate, or None when nothing is asked.
    claims: Callable[[str, KindOptions], Callable[[PurePath], bool] | None] | None = None

    @property
    def options(self) -> type[KindOptions]:
        """``[tool.devops-policy.<TABLE>]``: the kind's options dataclass."""
        return _option_classes()[self.name]

    @property
    def format(self) -> Format:
        if self.load_format is None:
            raise LookupError(f"kind {self.name!r} has no format")
        return self.load_format()


# Each loader imports its kind's (stateless) Format on first use.
@cache
def _dockerfile() -> Format:
    from pytest_devops_policy.kinds.dockerfile import FORMAT

    return FORMAT


@cache
def _kubernetes() -> Format:
    from pytest_devops_policy.kinds.kubernetes import FORMAT

    return FORMAT


@cache
def _github_actions() -> Format:
    from pytest_devops_policy.kinds.github_actions import FORMAT

    return FORMAT


@cache
def _gitlab_ci() -> Format:
    from pytest_devops_policy.kinds.gitlab_ci import FORMAT

    return FORMAT


@cache
def _terraform() -> Format:
    from pytest_devops_policy.kinds.terraform import FORMAT

    return FORMAT


@cache
def _secrets() -> Format:
    from pytest_devops_policy.kinds.secrets import FORMAT

    return FORMAT


@cache
def _option_classes() -> Mapping[str, type[KindOptions]]:
    """Each kind's options dataclass, loaded on first use: a plain pytest run declares
    markers from this table without building any option dataclass."""
    from pytest_devops_policy.options import (
        DockerOptions,
        GhaOptions,
        GitLabOptions,
        HostOptions,
        K8sOptions,
        SecretsOptions,
        TfOptions,
    )

    return {
        "dockerfile": DockerOptions,
        "terraform": TfOptions,
        "github-actions": GhaOptions,
        "gitlab-ci": GitLabOptions,
        "kubernetes": K8sOptions,
        "secrets": SecretsOptions,
        "host": HostOptions,
    }


# The job policies that also judge a composite action's ``runs.steps`` (catalog §3.1): those
# that read steps only (their uses, run scripts, env and with inputs). Job-level policies
# (permissions, runs-on, environments, needs, the deploy classifier) are N/A for an action.
# GHA-007 and GHA-010 are step-level too: ACTIONS_ALLOW_UNSECURE_COMMANDS in a step's env or
# '::set-env' in a run, and a checkout step that persists credentials, are as dangerous in an
# action as in the job that runs it. This is the one place that decides it.
COMPOSITE_ACTION_POLICIES: frozenset[str] = frozenset(
    {"GHA-003", "GHA-005", "GHA-007", "GHA-008", "GHA-010", "GHA-022", "GHA-026"}
)


# The resource policies that also judge provider, variable and module blocks: TF-011 (a
# literal credential in a provider block, a variable default or a module argument); and
# TF-022, whose module-level item (tf.require_cloudtrail: a root module with an aws
# provider needs a trail somewhere in the repository) hangs on the terraform block, as
# TF-027's does.
TF_BLOCK_POLICIES: frozenset[str] = frozenset({"TF-011", "TF-022"})


def _secrets_claims(rootdir: str, options: KindOptions) -> Callable[[PurePath], bool] | None:
    """``secrets.include``: files read only for secrets (catalog §6.1)."""
    from pytest_devops_policy.formats.secrets import included
    from pytest_devops_policy.options.secrets import DEFAULT_INCLUDE

    globs: tuple[str, ...] = getattr(options, "include", ())
    if not globs or globs == DEFAULT_INCLUDE:
        return None  # the default globs are the kind's path rule (recognise)
    root = os.path.abspath(rootdir)

    def matches(path: PurePath) -> bool:
        try:
            rel = os.path.relpath(os.path.abspath(str(path)), root)
        except ValueError:
            return False
        return not rel.startswith("..") and included(rel, globs)

    return matches


def _gitlab_claims(rootdir: str, options: KindOptions) -> Callable[[PurePath], bool] | None:
    """``gl.ci_config_path`` and the files the root configuration includes locally."""
    from pytest_devops_policy.kinds.gitlab_ci import claims

    return claims(rootdir, options)


def _gha_claims(rootdir: str, options: KindOptions) -> Callable[[PurePath], bool] | None:
    """``gha.workflow_dirs``: YAML files directly in those directories may be workflows."""
    patterns: tuple[str, ...] = getattr(options, "workflow_dirs", ())
    return discovery.in_workflow_dirs(rootdir, patterns) if patterns else None


# Recognition order matters: the first kind whose ``recognise`` accepts a path wins, and
# Kubernetes (any other YAML/JSON) comes last.
KINDS: Sequence[Kind] = (
    Kind(
        name="dockerfile",
        prefix="DOCKER",
        title="Dockerfile",
        marker="dockerfile",
        marker_help="Dockerfile",
        subjects=(SubjectSpec("dockerfile", "Dockerfile::stage:<stage>::{id}"),),
        package="dockerfile",
        recognise=discovery.is_dockerfile_path,
        load_format=_dockerfile,
        fence="dockerfile",
        example_file="Dockerfile",
        waiver_path="services/legacy/Dockerfile",
    ),
    Kind(
        name="terraform",
        prefix="TF",
        title="Terraform",
        marker="terraform",
        marker_help="Terraform",
        subjects=(
            SubjectSpec("tf_resource", "infra/main.tf::<type>.<name>::{id}"),
            # provider, terraform, module and variable blocks (formats/terraform/blocks.py):
            # module-level policies (TF-027, TF-028) and TF-011, a resource policy that also
            # judges provider credentials, variable defaults and module arguments.
            SubjectSpec(
                "tf_block",
                "infra/main.tf::<block>::{id}",
                borrows="tf_resource",
                borrowed=TF_BLOCK_POLICIES,
                borrow_title="provider, variable and module blocks",
                borrow_titles=(
                    (
                        "TF-022",
                        "a root module's terraform block, when tf.require_cloudtrail is on",
                    ),
                ),
            ),
        ),
        package="terraform",
        recognise=discovery.is_terraform_path,
        load_format=_terraform,
        fence="hcl",
        example_file="main.tf",
        waiver_path="infra/legacy/*.tf",
    ),
    Kind(
        name="github-actions",
        prefix="GHA",
        title="GitHub Actions",
        marker="github_actions",
        marker_help="GitHub Actions workflow",
        subjects=(
            SubjectSpec("workflow", ".github/workflows/<file>.yml::workflow::{id}"),
            SubjectSpec("job", ".github/workflows/<file>.yml::job:<job-id>::{id}"),
            SubjectSpec(
                "action",
                "<path>/action.yml::action::{id}",
                borrows="job",
                borrowed=COMPOSITE_ACTION_POLICIES,
            ),
            # Repo-level policies: one node per repository, on its .github directory
            # (formats/github_actions/repository.py, pytest_layer/repository.py).
            SubjectSpec("repository", ".github::repository::{id}", waiver_path=".github"),
        ),
        package="github_actions",
        recognise=discovery.is_github_actions_path,
        load_format=_github_actions,
        claims=_gha_claims,
        fence="yaml",
        example_file=".github/workflows/ci.yml",
        waiver_path=".github/workflows/legacy.yml",
    ),
    Kind(
        name="gitlab-ci",
        prefix="GL",
        title="GitLab CI",
        marker="gitlab_ci",
        marker_help="GitLab CI pipeline",
        subjects=(
            SubjectSpec("gl_pipeline", ".gitlab-ci.yml::pipeline::{id}"),
            SubjectSpec("gl_job", ".gitlab-ci.yml::job:<name>::{id}"),
        ),
        recognise=discovery.is_gitlab_ci_path,
        load_format=_gitlab_ci,
        package="gitlab_ci",
        claims=_gitlab_claims,
        fence="yaml",
        example_file=".gitlab-ci.yml",
        waiver_path="ci/legacy.gitlab-ci.yml",
    ),
    Kind(
        name="kubernetes",
        prefix="K8S",
        title="Kubernetes",
        marker="kubernetes",
        marker_help="Kubernetes manifest",
        subjects=(SubjectSpec("k8s_object", "deploy/web.yaml::<Kind>/<name>::{id}"),),
        package="kubernetes",
        recognise=discovery.is_manifest_candidate,
        load_format=_kubernetes,
        fence="yaml",
        example_file="manifest.yaml",
        waiver_path="deploy/legacy/*.yaml",
    ),
    Kind(
        name="secrets",
        prefix="SECRET",
        title="Secrets",
        marker="secrets",
        marker_help="secret scanning",
        # Every collected file of any kind gets a secrets subject too (the engine adds it);
        # this kind collects the other files secrets.include names (.env, *.pem, configs).
        subjects=(
            SubjectSpec("secrets_file", "<file>::secrets::{id}"),
            # A key store (binary) or a state file over secrets.max_bytes: not read as text,
            # judged by its name by the file-class policies (formats/secrets.py NamedFile).
            SubjectSpec(
                "secrets_named_file",
                "<file>::secrets::{id}",
                borrows="secrets_file",
                borrowed=frozenset({"SECRET-012", "SECRET-013"}),
                borrow_title="key stores and state files not read as text (binary, too large)",
            ),
        ),
        package="secrets",
        recognise=discovery.is_secrets_candidate,
        load_format=_secrets,
        claims=_secrets_claims,
        fence="ini",
        example_file="app.env",
        waiver_path="config/legacy.env",
    ),
    Kind(
        name="host",
        prefix="HOST",
        title="Live hosts",
        marker="host",
        marker_help="live host (testinfra)",
        # Not collected from files: one collector per host named with --devops-policy-hosts
        # (pytest_layer/hosts.py); the subject is the connected host (hosts/probe.py Host).
        subjects=(SubjectSpec("host", "host:<label>::{id}", waiver_path=""),),
        package="host",
        fence="text",
    ),
)

_BY_NAME: Mapping[str, Kind] = {k.name: k for k in KINDS}
_BY_SUBJECT: Mapping[str, Kind] = {s.param: k for k in KINDS for s in k.subjects}
_SPECS: Mapping[str, SubjectSpec] = {s.param: s for k in KINDS for s in k.subjects}


def by_name(name: str) -> Kind:
    """The kind called ``name`` (``KeyError`` for an unknown one)."""
    return _BY_NAME[name]


def kind_of_subject(param: str) -> Kind | None:
    """The kind whose policies take a first parameter called ``param``."""
    return _BY_SUBJECT.get(param)


def subject_params() -> tuple[str, ...]:
    return tuple(_BY_SUBJECT)


def option_classes() -> tuple[type[KindOptions], ...]:
    """Every kind's options, and the cross-artifact family's (``[tool.devops-policy.xref]``:
    not a kind of file, but a table of the same sort)."""
    from pytest_devops_policy.options.xref import XrefOptions

    return (*(k.options for k in KINDS), XrefOptions)


def classify(path: PurePath) -> Kind | None:
    """The kind of an infrastructure file by its path alone (no file is read), or ``None``."""
    for kind in KINDS:
        if kind.recognise is not None and kind.recognise(path):
            return kind
    return None


def recogniser(rootdir: str, options: Options) -> Callable[[PurePath], Kind | None]:
    """``classify`` plus the files the run's options add to a kind (``Kind.claims``), in the
    same order: a workflow directory's YAML is GitHub Actions before it is Kubernetes."""
    tests: list[tuple[Kind, Callable[[PurePath], bool]]] = []
    for kind in KINDS:
        if kind.recognise is not None:
            tests.append((kind, kind.recognise))
        if kind.claims is not None and kind.load_format is not None:
            extra = kind.claims(rootdir, options.of(kind.options))
            if extra is not None:
                tests.append((kind, extra))
    if len(tests) == sum(1 for k in KINDS if k.recognise is not None):
        return classify  # nothing claimed: the path rules alone

    def classify_with_options(path: PurePath) -> Kind | None:
        for kind, test in tests:
            if test(path):
                return kind
        return None

    return classify_with_options


def judges(policy_subject: str, policy_id: str, subject_key: str) -> bool:
    """Whether a policy whose first parameter is ``policy_subject`` judges subjects whose key
    is ``subject_key``: its own, or a subject that borrows it (``SubjectSpec.borrows``)."""
    if policy_subject == subject_key:
        return True
    spec = _SPECS.get(subject_key)
    return spec is not None and spec.borrows == policy_subject and policy_id in spec.borrowed


def borrowing_subjects() -> tuple[SubjectSpec, ...]:
    """The subjects that borrow another subject's policies."""
    return tuple(s for s in _SPECS.values() if s.borrows)
