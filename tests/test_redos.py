"""Regular expressions on file content stay linear on hostile input (catalog: hostile input).

Each case times a fixed pattern on a pathological input of size ``n`` and ``8 * n`` and
asserts the ratio is that of a linear scan (quadratic would be ~64, exponential far more),
not an absolute time: the machine's speed does not matter, only how the time grows. The
static test scans every compiled pattern of the package for the classic shapes that
backtrack: a repeat nested in an unbounded repeat, and two adjacent unbounded repeats over
overlapping characters.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator

import pytest
from conftest import Linear

import pytest_devops_policy
from pytest_devops_policy.formats.github_actions.expressions import find_expressions
from pytest_devops_policy.formats.github_actions.triggers import github_glob_match
from pytest_devops_policy.knowledge.ci.segments import command_segments
from pytest_devops_policy.knowledge.docker.run import shown
from pytest_devops_policy.knowledge.downloads import _OPTION
from pytest_devops_policy.knowledge.kubernetes.quantity import InvalidQuantity, parse_quantity
from pytest_devops_policy.knowledge.secrets.tokens import scan as scan_tokens
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.knowledge.terraform.values import _NUMBER as TF_NUMBER
from pytest_devops_policy.policies.dockerfile.docker_015_package_manager_hygiene import _APT_CONF
from pytest_devops_policy.policies.kubernetes.k8s_017_no_plaintext_secret_manifests import (
    _templated,
)

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]


def _quantity(text: str) -> object:
    try:
        return parse_quantity(text)
    except InvalidQuantity:
        return None


CASES: dict[str, tuple[Callable[[str], object], Callable[[int], str], int]] = {
    # GHA-016: `**` repeated became `.*` repeated: exponential backtracking
    "glob-double-star": (lambda p: github_glob_match(p, "a" * 60), lambda n: "**" * n + "x", 40),
    "glob-star-name": (lambda s: github_glob_match("*a*a*a*a*b", s), lambda n: "a" * n, 500),
    "glob-plus": (lambda p: github_glob_match(p, "a" * 60), lambda n: "a+" * n + "b", 40),
    # unparseable `${{ }}`: the context fallback rescanned every identifier
    "ctx-fallback-ident": (find_expressions, lambda n: "${{ #" + "a" * n + " }}", 2000),
    "ctx-fallback-words": (find_expressions, lambda n: "${{ #" + "a_" * n + " }}", 2000),
    "ctx-fallback-index": (find_expressions, lambda n: "${{ #" + "a[" * n + " }}", 2000),
    # `${{` without `}}` in a run: step
    "segments-unclosed": (command_segments, lambda n: "echo ${{" * n, 500),
    # secret detectors
    "secret-url-scheme": (detect_secrets, lambda n: "a+" * n + "a://", 2000),
    "secret-url-user": (detect_secrets, lambda n: "a://" + "x" * n + ":" * n, 2000),
    "secret-sas": (detect_secrets, lambda n: "SharedAccessSignature=" * n, 500),
    "secret-openai": (detect_secrets, lambda n: "sk--" * n, 1000),
    "secret-jwt": (detect_secrets, lambda n: "eyAA-" * n, 1000),
    # token detectors over a whole file (tokens.scan)
    "tokens-openai": (lambda s: scan_tokens(s, "f"), lambda n: "sk-" + "a-" * n, 1000),
    "tokens-pem": (
        lambda s: scan_tokens(s, "f"),
        lambda n: ("-----BEGIN PRIVATE" + " KEY-----\n") * n,
        500,
    ),
    "tokens-pem-body": (
        lambda s: scan_tokens(s, "f"),
        lambda n: "-----BEGIN PRIVATE" + " KEY-----\n" + "QUJD\n" * n,
        1000,
    ),
    "tokens-sas": (lambda s: scan_tokens(s, "f"), lambda n: "&sig=" + "a" * 40 * n, 200),
    "tokens-aws-secret": (
        lambda s: scan_tokens(s, "f"),
        lambda n: "aws_secret_access_key=" * n,
        300,
    ),
    "tokens-slack": (lambda s: scan_tokens(s, "f"), lambda n: "xoxb-" + "1-" * n, 1000),
    "tokens-keyword": (
        lambda s: scan_tokens(s, "f"),
        lambda n: "datadog_api_key: " + "a" * n + "\n",
        2000,
    ),
    "tokens-docker": (
        lambda s: scan_tokens(s, "f"),
        lambda n: '{"auths": {"r": {"auth": "' + "QUJD" * n + '"}}}',
        1000,
    ),
    # K8S-017 templated values
    "k8s-017-templated": (_templated, lambda n: "{{" * n, 2000),
    # Kubernetes quantities and Terraform numbers
    "k8s-quantity": (_quantity, lambda n: "0" * n + "\nx", 1000),
    "tf-number": (TF_NUMBER.fullmatch, lambda n: "0" * n + "-", 1000),
    # DOCKER-015 apt.conf settings, download options, RUN lines made one line
    "apt-conf": (
        lambda s: [rx.search(s) for rx in _APT_CONF.values()],
        lambda n: "APT::Get::Assume-Yes" + " " * n + "x",
        2000,
    ),
    "download-option": (lambda s: _OPTION.search(s), lambda n: "a-" * n, 2000),
    "run-one-line": (lambda s: shown(s, 10**9), lambda n: "a" + " " * n + "b", 5000),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_linear_on_hostile_input(case: str, assert_linear: Linear) -> None:
    run, make, n = CASES[case]
    inputs = {n: make(n), 8 * n: make(8 * n)}  # built once, outside the timed calls
    assert_linear(lambda k: run(inputs[k]), n)


def test_glob_double_star_is_fast_and_right() -> None:
    # the reported input: `'**' * 100 + 'x'` in on.push.branches
    assert not github_glob_match("**" * 100 + "x", "main")
    assert github_glob_match("**" * 100 + "x", "feature/x")
    assert github_glob_match("release/**", "release/1.0/hotfix")
    assert not github_glob_match("release/*", "release/1.0/hotfix")


def test_context_fallback_still_finds_contexts() -> None:
    (expr,) = find_expressions("${{ #bad github.event.issue.title 9x-y.z }}")
    assert expr.node is None
    assert "github.event.issue.title" in expr.contexts
    assert "x-y.z" in expr.contexts


# --- static check --------------------------------------------------------------------

_MAXREPEAT = sre_parse.MAXREPEAT
_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
_SAMPLE = [chr(c) for c in range(1, 128)] + ["é", "\u00a0"]


def _unbounded(av: tuple[int, int, object]) -> bool:
    return av[1] == _MAXREPEAT


def _walk(tree: list[tuple[object, object]]) -> Iterator[list[tuple[object, object]]]:
    yield tree
    for op, av in tree:
        if op is sre_parse.SUBPATTERN:
            yield from _walk(av[-1])  # type: ignore[index]
        elif op in _REPEATS:
            yield from _walk(av[2])  # type: ignore[index]
        elif op is sre_parse.BRANCH:
            for branch in av[1]:  # type: ignore[index]
                yield from _walk(branch)


def _nested_unbounded(tree: list[tuple[object, object]]) -> bool:
    """``(a+)+``, ``(.*)*``: an unbounded repeat whose body is a lone unbounded repeat."""
    for seq in _walk(tree):
        for op, av in seq:
            if op in _REPEATS and _unbounded(av):  # type: ignore[arg-type]
                body = list(av[2])  # type: ignore[index]
                while len(body) == 1 and body[0][0] is sre_parse.SUBPATTERN:
                    body = list(body[0][1][-1])  # type: ignore[index]
                if len(body) == 1 and body[0][0] in _REPEATS and _unbounded(body[0][1]):  # type: ignore[arg-type]
                    return True
    return False


def _class_text(item: tuple[object, object]) -> str | None:
    op, av = item
    if op is sre_parse.LITERAL:
        return re.escape(chr(av))  # type: ignore[arg-type]
    if op is sre_parse.NOT_LITERAL:
        return "[^" + re.escape(chr(av)) + "]"  # type: ignore[arg-type]
    if op is sre_parse.ANY:
        return "."
    if op is sre_parse.IN:
        parts = []
        for sub, arg in av:  # type: ignore[attr-defined]
            if sub is sre_parse.NEGATE:
                parts.insert(0, "^")
            elif sub is sre_parse.LITERAL:
                parts.append(re.escape(chr(arg)))
            elif sub is sre_parse.RANGE:
                parts.append(re.escape(chr(arg[0])) + "-" + re.escape(chr(arg[1])))
            elif sub is sre_parse.CATEGORY:
                parts.append(
                    {
                        sre_parse.CATEGORY_DIGIT: r"\d",
                        sre_parse.CATEGORY_NOT_DIGIT: r"\D",
                        sre_parse.CATEGORY_SPACE: r"\s",
                        sre_parse.CATEGORY_NOT_SPACE: r"\S",
                        sre_parse.CATEGORY_WORD: r"\w",
                        sre_parse.CATEGORY_NOT_WORD: r"\W",
                    }[arg]
                )
            else:
                return None
        return "[" + "".join(parts) + "]"
    return None


def _repeat_chars(item: tuple[object, object], flags: int) -> frozenset[str] | None:
    """The characters of ``X*`` / ``X+`` / ``X{n,}`` over one character class, else None."""
    op, av = item
    if op not in _REPEATS or not _unbounded(av):  # type: ignore[arg-type]
        return None
    body = list(av[2])  # type: ignore[index]
    if len(body) != 1:
        return None
    text = _class_text(body[0])
    if text is None:
        return None
    rx = re.compile(text, flags & (re.I | re.S))
    return frozenset(c for c in _SAMPLE if rx.fullmatch(c))


def _nullable(item: tuple[object, object]) -> bool:
    op, av = item
    if op in _REPEATS:
        return av[0] == 0  # type: ignore[index,no-any-return]
    return op is sre_parse.AT or op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT)


def _adjacent_overlap(tree: list[tuple[object, object]], flags: int) -> bool:
    """``\\s*\\s*``, ``.*.*``, ``\\w+\\d*``: two unbounded repeats with only optional items
    between them, over overlapping characters: polynomial backtracking."""
    for seq in _walk(tree):
        items = list(seq)
        for i, item in enumerate(items):
            first = _repeat_chars(item, flags)
            if not first:
                continue
            for other in items[i + 1 :]:
                second = _repeat_chars(other, flags)
                if second and first & second:
                    return True
                if not _nullable(other):
                    break
    return False


def _package_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    seen: set[int] = set()

    def collect(obj: object, where: str, depth: int) -> Iterator[tuple[str, re.Pattern[str]]]:
        if isinstance(obj, re.Pattern):
            if id(obj) not in seen and isinstance(obj.pattern, str):
                seen.add(id(obj))
                yield where, obj
        elif depth < 3 and isinstance(obj, (tuple, list, frozenset)):
            for x in obj:
                yield from collect(x, where, depth + 1)
        elif depth < 3 and isinstance(obj, dict):
            for x in obj.values():
                yield from collect(x, where, depth + 1)

    for info in pkgutil.walk_packages(pytest_devops_policy.__path__, "pytest_devops_policy."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            yield from collect(obj, f"{info.name}.{name}", 0)


# Known and owned elsewhere (see the hostile-input issue); remove an entry once fixed.
_KNOWN = {
    # `\s*(…)?\s*$`: a size option from the command line or pyproject, not file content
    "pytest_devops_policy.settings._SIZE",
}


def test_no_dangerous_regex_shapes() -> None:
    found = []
    for where, pattern in _package_patterns():
        tree = list(sre_parse.parse(pattern.pattern, pattern.flags))
        if _nested_unbounded(tree) or _adjacent_overlap(tree, pattern.flags):
            found.append(where)
    assert sorted(set(found) - _KNOWN) == []
