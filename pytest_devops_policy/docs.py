"""Policy reference pages, generated from the ``@policy`` metadata.

``policies/<ID>.md`` holds one page per built-in policy and ``policies/README.md``
an index table. The pages are a pure function of the metadata (no dates, stable
order, LF line endings), so a test can tell when they are out of date:

    python -m pytest_devops_policy.docs [DIR]          # write the pages (default: policies)
    python -m pytest_devops_policy.docs --check [DIR]  # exit 1 and list stale pages

``pytest --devops-policy-explain=ID`` prints the same page for any policy,
built-in or custom, without a checkout.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from pytest_devops_policy.api import (
    _ID_RE,
    CROSS_ARTIFACT,
    SUBJECT_KINDS,
    XREF_MARKER,
    Policy,
    is_cross_artifact,
)
from pytest_devops_policy.controls import framework_of
from pytest_devops_policy.kinds import KINDS, Kind, by_name, judges
from pytest_devops_policy.options import declared

__all__ = [
    "INDEX_NAME",
    "expected_pages",
    "explain",
    "find_policies",
    "main",
    "node_id_example",
    "render_index",
    "render_page",
    "stale_pages",
    "write_pages",
]

INDEX_NAME = "README.md"
GENERATOR = "python -m pytest_devops_policy.docs"

# Peer tool prefixes of ``references`` ("hadolint:DL3002") and how the tools spell their names.
PEER_TOOLS: Mapping[str, str] = {
    "hadolint": "hadolint",
    "checkov": "Checkov",
    "trivy": "Trivy",
    "kube-linter": "kube-linter",
    "kube-score": "kube-score",
    "polaris": "Polaris",
    "zizmor": "zizmor",
    "actionlint": "actionlint",
    "scorecard": "OpenSSF Scorecard",
    "gitleaks": "gitleaks",
    "detect-secrets": "detect-secrets",
    "kubeconform": "kubeconform",
    "kubectl": "kubectl",
    "stig": "DISA STIG",
    "dev-sec": "dev-sec baselines",
    "lynis": "Lynis",
    "check-jsonschema": "check-jsonschema",
}

# The same key as formats.kubernetes.ANNOTATION_PREFIX; not imported so that rendering a page
# never loads a parser (a test keeps the two equal).
_ANNOTATION_PREFIX = "devops-policy.io/"
_WAIVER_ATTRS = 'reason="why the risk is accepted here" owner=platform-team expires=2027-12-31'
_PAGE_NAME = re.compile(r"^(?P<id>.+)\.md$")


# -- Markdown helpers -------------------------------------------------------------------------


def _text(value: str) -> str:
    """Metadata prose as Markdown: dedented, and literal where Markdown would reinterpret it."""
    text = textwrap.dedent(value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("<", "\\<")
    # An intraword "_" (docker.healthcheck_inherited) never emphasises; only the others can.
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    return re.sub(r"(?m)^(\s*)([#>])", r"\1\\\2", text)


def _cell(value: str) -> str:
    return " ".join(_text(value).split()).replace("|", "\\|")


def _sentence(value: str) -> str:
    text = _text(value)
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _fenced(code: str, language: str) -> list[str]:
    body = code.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *body.split("\n"), fence]


def _inline_code(value: str) -> str:
    ticks = "``" if "`" in value else "`"
    pad = " " if ticks == "``" else ""
    return f"{ticks}{pad}{value}{pad}{ticks}"


# -- one page ---------------------------------------------------------------------------------


def _kind(name: str) -> Kind | None:
    try:
        return by_name(name)
    except KeyError:  # a plugin's policy of a kind this version does not know
        return None


def kind_title(kind: str) -> str:
    found = _kind(kind)
    return found.title if found is not None else kind


def kind_marker(kind: str) -> str:
    found = _kind(kind)
    return found.marker if found is not None else kind.replace("-", "_")


def _fence(kind: str) -> str:
    found = _kind(kind)
    return found.fence if found is not None else ""


def node_id_example(policy: Policy) -> str:
    """A node id of one of the policy's items, with placeholders for file and resource.

    Items are named by the policy id (nodes.ResourceNode); the kebab-case name is an extra
    ``-k`` keyword of every item.
    """
    found = _kind(policy.kind)
    specs = {s.param: s.node_id for s in found.subjects} if found is not None else {}
    pattern = specs.get(policy.subject, "<file>::<resource>::{id}")
    return pattern.format(id=policy.id)


def borrowed_node_ids(policy: Policy) -> list[str]:
    """Node ids of the other subjects that borrow this policy (a composite action's steps)."""
    found = _kind(policy.kind)
    specs = found.subjects if found is not None else ()
    return [
        s.node_id.format(id=policy.id)
        for s in specs
        if s.param != policy.subject and judges(policy.subject, policy.id, s.param)
    ]


def _borrowed(policy: Policy) -> list[tuple[str, str]]:
    """(what, node id) of the other subjects that borrow this policy."""
    found = _kind(policy.kind)
    specs = found.subjects if found is not None else ()
    return [
        (s.borrowed_title(policy.id) or "composite actions' steps", s.node_id.format(id=policy.id))
        for s in specs
        if s.param != policy.subject and judges(policy.subject, policy.id, s.param)
    ]


CROSS_ARTIFACT_TITLE = "Cross-artifact"


def _anchors(policy: Policy) -> list[Policy]:
    """The policy on each subject it anchors on: a built-in's rows in the catalog (no
    module is imported), else the policy itself."""
    from pytest_devops_policy.policies.catalog import CATALOG

    subjects = [subject for pid, _, subject in CATALOG if pid == policy.id]
    if policy.subject not in subjects:
        return [policy]
    return [
        policy
        if s == policy.subject
        else dataclasses.replace(policy.resolved(), subject=s, kind=SUBJECT_KINDS[s])
        for s in subjects
    ]


def _kind_line(policy: Policy) -> str:
    anchors = _anchors(policy)
    markers = " and ".join(f"`{kind_marker(a.kind)}`" for a in anchors)
    if is_cross_artifact(policy):  # items, node ids and waivers are its anchor kind's
        where = " and ".join(kind_title(a.kind) for a in anchors)
        return (
            f"- **Kind:** {CROSS_ARTIFACT_TITLE} (anchored on {where}; "
            f"pytest markers `{XREF_MARKER}` and {markers})"
        )
    return f"- **Kind:** {kind_title(policy.kind)} (pytest marker {markers})"


def _facts(policy: Policy) -> list[str]:
    sev = str(policy.severity)
    ids = "`, `".join(node_id_example(a) for a in _anchors(policy))
    return [
        _kind_line(policy),
        f"- **Severity:** {sev} (pytest marker `{sev}`)",
        f"- **Node id:** `{ids}`; `-k {policy.id}` or `-k {policy.name}` selects its items",
        *(f"- **Also judges:** {what}, `{n}`" for what, n in _borrowed(policy)),
        f"- **Leave it out:** `--devops-policy-ignore={policy.id}`, or "
        f'`ignore = ["{policy.id}"]` in `[tool.devops-policy]`',
    ]


def _host_reads(policy: Policy) -> list[str]:
    """A live-host policy's read-only commands and files, for the audited hosts' owners."""
    if not (policy.commands or policy.reads or policy.profiles):
        return []
    out = ["## What it runs on the host", ""]
    out.append("Read-only: nothing is written, no package index is refreshed, no service is")
    out.append("restarted. Every command runs under `host.command_timeout`.")
    out.append("")
    if policy.commands:
        out += ["Commands:", "", *(f"- `{c}`" for c in policy.commands), ""]
    if policy.reads:
        out += ["Files:", "", *(f"- {_inline_code(r)}" for r in policy.reads), ""]
    if policy.needs_root:
        roots = ", ".join(_inline_code(r) for r in policy.needs_root)
        out += [f"Needs root (or `--sudo`) for: {roots}; without it the item is Unknown.", ""]
    if policy.profiles:
        shown = ", ".join(f"`{p}`" for p in policy.profiles)
        out += [f"Profiles with an item: {shown}.", ""]
    return out


def _example_lines(policy: Policy, pattern: str) -> list[str]:
    """Top-level lines of the policy's example that match ``pattern``, stripped."""
    rx = re.compile(pattern)
    return [line.rstrip() for line in policy.example.splitlines() if rx.match(line)]


def _inline_waiver(policy: Policy) -> list[str]:
    """Where an inline waiver goes for this subject, and a snippet showing it."""
    comment = f"# devops-policy: ignore[{policy.id}] {_WAIVER_ATTRS}"
    lang = _fence(policy.kind)
    subject = policy.subject
    if subject == "dockerfile":
        where = (
            # Docker has no trailing comments: "USER root # ..." would make the comment an argument.
            "Put the comment in the comment lines directly above the offending instruction, or "
            "directly above the `FROM` of the shipped stage. Placed before the first `FROM` it "
            "covers the whole file."
        )
        # The example's last FROM is its shipped stage.
        froms = _example_lines(policy, r"(?i)FROM\s+\S")
        snippet = [comment, froms[-1] if froms else "FROM registry.example.com/base:1.4.2"]
    elif subject == "k8s_object":
        where = (
            "Put the comment on the offending line or in the comment lines directly above it, "
            "or directly above the object (its first line, `kind:` or `metadata.name`)."
        )
        apis = _example_lines(policy, r"apiVersion:\s*\S")
        kinds = _example_lines(policy, r"kind:\s*\S")
        snippet = [
            comment,
            *(apis[:1] or ["apiVersion: apps/v1"]),
            *(kinds[:1] or ["kind: Deployment"]),
        ]
    elif subject == "job":
        where = (
            "Put the comment on the offending line or in the comment lines directly above it, "
            "directly above the job's key, or directly above `jobs:` for every job of the "
            "workflow."
        )
        snippet = ["jobs:", f"  {comment}", "  deploy:"]
    elif subject == "workflow":
        where = (
            "Put the comment on the offending line or in the comment lines directly above it, "
            "or directly above `jobs:`."
        )
        snippet = [comment, "jobs:"]
    elif subject == "repository":
        where = (
            "A repo-level item has no line of its own: put the comment anywhere in "
            "`.github/dependabot.yml` (it waives the repository's item whole), or use a "
            "config waiver with the repository's `.github` directory as its path."
        )
        snippet = [comment, "version: 2", "updates:"]
    elif subject == "tf_resource":
        where = (
            "Put the comment anywhere inside the block, or in the comment lines directly above it."
        )
        blocks = _example_lines(policy, r'resource\s+"[^"]+"\s+"[^"]+"\s*\{')
        first = blocks[0] if blocks else 'resource "aws_s3_bucket" "assets" {'
        snippet = [first, f"  {comment}", "  # ...", "}"]
    elif subject == "tf_block":
        where = (
            "Put the comment anywhere inside the block, or in the comment lines directly above "
            "it. A module without any `terraform` block has its module-level item on line 1 of "
            "its first `.tf` file (in name order): put the comment at the top of that file."
        )
        blocks = _example_lines(policy, r'(terraform|provider\s+"[^"]+"|module\s+"[^"]+")\s*\{')
        first = blocks[0] if blocks else "terraform {"
        snippet = [first, f"  {comment}", "  # ...", "}"]
    else:
        where = "Put the comment on the offending line or in the comment lines directly above it."
        snippet = [comment]
    return [where, "", *_fenced("\n".join(snippet), lang)]


def _waivers(policy: Policy) -> list[str]:
    if policy.kind == "host":
        # Nothing is read from an audited host to waive its own findings (catalog §8.1).
        return [
            "Only in `pyproject.toml`, for hosts matched by their label (`local`, "
            "`ssh://deploy@web1`, globs allowed); there is no inline form. A waived finding is "
            "reported as xfail with its reason; after `expires` it fails again.",
            "",
            *_fenced(
                "[[tool.devops-policy.waivers]]\n"
                f'policy = "{policy.id}"\n'
                'resource = "ssh://bastion*"\n'
                'reason = "why the risk is accepted here"\n'
                'owner = "platform-team"\n'
                "expires = 2027-12-31",
                "toml",
            ),
        ]
    lines = [
        'A waiver needs a reason (`reason="..."`); `owner`, `expires` (YYYY-MM-DD) and `ticket` '
        "are optional. A waived finding is reported as xfail with its reason; after `expires` "
        "the waiver no longer applies and the finding fails again.",
        "",
        *_inline_waiver(policy),
    ]
    if policy.subject != "repository":
        lines += [
            "",
            f'For the whole file: `# devops-policy: ignore-file[{policy.id}] reason="..."`.',
        ]
    if policy.subject == "k8s_object":
        a = _ANNOTATION_PREFIX
        lines += [
            "",
            "As annotations of the object (the only way in a JSON manifest):",
            "",
            *_fenced(
                "metadata:\n"
                "  annotations:\n"
                f'    {a}ignore: "{policy.id}"\n'
                f'    {a}ignore-reason: "why the risk is accepted here"\n'
                f'    {a}ignore-owner: "platform-team"\n'
                f'    {a}ignore-expires: "2027-12-31"',
                "yaml",
            ),
        ]
    lines += [
        "",
        "In `pyproject.toml`, for paths (and optionally resources) matched by globs:",
        "",
        *_fenced(
            "[[tool.devops-policy.waivers]]\n"
            f'policy = "{policy.id}"\n'
            f'path = "{_waiver_path(policy.kind, policy.subject)}"\n'
            'reason = "why the risk is accepted here"\n'
            'owner = "platform-team"\n'
            "expires = 2027-12-31",
            "toml",
        ),
    ]
    return lines


def _control(control: str) -> str:
    found = framework_of(control)
    if found is None:
        return _inline_code(control)
    return f"{_text(found.control_title(control))} ({_inline_code(control)})"


def _link(url: str) -> str:
    if re.search(r"[\s<>]", url):
        return _inline_code(url)
    return f"<{url}>"


def _references(policy: Policy) -> list[str]:
    lines: list[str] = []
    if policy.controls:
        lines += ["Controls:", "", *(f"- {_control(c)}" for c in policy.controls), ""]
    peers: dict[str, list[str]] = {}
    urls: list[str] = []
    other: list[str] = []
    for ref in policy.references:
        tool, sep, rule = ref.partition(":")
        if ref.startswith(("http://", "https://")):
            urls.append(ref)
        elif sep and tool in PEER_TOOLS and rule:
            peers.setdefault(tool, []).append(rule)
        else:
            other.append(ref)
    if peers:
        lines += ["The same or a related check in other tools:", "", "| Tool | Rule |", "|---|---|"]
        for tool, rules in peers.items():
            lines.append(f"| {PEER_TOOLS[tool]} | {', '.join(_inline_code(r) for r in rules)} |")
        lines.append("")
    if urls or other:
        lines += ["Further reading:", ""]
        lines += [f"- {_link(u)}" for u in urls]
        lines += [f"- {_text(o)}" for o in other]
        lines.append("")
    return lines[:-1] if lines else ["None."]


def _waiver_path(kind: str, subject: str = "") -> str:
    found = _kind(kind)
    if found is None:
        return "**/*"
    spec = next((s.waiver_path for s in found.subjects if s.param == subject), "")
    return spec or found.waiver_path


def _options(policy: Policy) -> list[str]:
    """The options this policy reads, from their declarations (``options/``): its own
    kind's table first, then any other table that declares it (the CI classifier's knobs
    in ``gha`` serve GitLab CI too)."""
    own = _kind(policy.kind)
    if own is None:
        return []
    tables = [own.options, *(k.options for k in KINDS if k.options is not own.options)]
    lines: list[str] = []
    seen: set[str] = set()
    for options in tables:
        specs = [o for o in declared(options) if policy.id in o.policies]
        if not specs or options.TABLE in seen:
            continue
        seen.add(options.TABLE)
        table = options.TABLE
        lines += [
            "## Options" if not lines else f"### Shared with other kinds: `{table}`",
            "",
            f"In `[tool.devops-policy.{table}]`, or `--devops-policy-option {table}.KEY=VALUE`:",
            "",
            "| Option | Type | Default | Meaning |",
            "|---|---|---|---|",
        ]
        for o in specs:
            default = _inline_code(_shown_default(o.default))
            lines.append(f"| `{o.name}` | {_cell(o.type_text)} | {default} | {_cell(o.doc)} |")
        lines.append("")
    return lines


def _shown_default(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return (
            "["
            + ", ".join(_shown_default(v) if not isinstance(v, str) else f'"{v}"' for v in value)
            + "]"
        )
    if isinstance(value, Mapping):
        return "{" + ", ".join(f'{k} = "{v}"' for k, v in value.items()) + "}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def render_page(policy: Policy) -> str:
    """The Markdown page of one policy."""
    lang = _fence(policy.kind)
    out = [
        f"# {policy.id} {policy.name}",
        "",
        _sentence(policy.title),
        "",
        *_facts(policy),
        "",
        "## Why",
        "",
        _text(policy.rationale),
        "",
    ]
    if policy.example.strip():
        out += ["## Example", "", *_fenced(policy.example, lang), ""]
    if policy.use_instead.strip():
        out += ["## Use instead", "", *_fenced(policy.use_instead, lang), ""]
    out += [
        "## How to fix",
        "",
        _text(policy.remediation),
        "",
        *_host_reads(policy),
        *_options(policy),
        "## Waive it",
        "",
        *_waivers(policy),
        "",
        "## References",
        "",
        *_references(policy),
    ]
    return "\n".join(out) + "\n"


# -- the index --------------------------------------------------------------------------------


def _unique(policies: Iterable[Policy]) -> list[Policy]:
    """One policy per id: its primary function (``api.also_anchored`` adds the others)."""
    by_id: dict[str, Policy] = {}
    for p in policies:
        if not p.primary:
            continue
        other = by_id.get(p.id)
        if other is not None and other.resolved().func is not p.resolved().func:
            raise ValueError(f"two policies share the id {p.id}: {other.origin} and {p.origin}")
        by_id[p.id] = p
    return [by_id[i] for i in sorted(by_id)]


def _page_name(policy: Policy) -> str:
    return PurePosixPath(policy.doc_path).name


def render_index(policies: Iterable[Policy]) -> str:
    """``README.md`` of the pages directory: one table row per policy, sorted by id."""
    chosen = _unique(policies)
    xref = [p for p in chosen if is_cross_artifact(p)]
    counts: dict[str, int] = {}
    for p in chosen:
        kind = CROSS_ARTIFACT if is_cross_artifact(p) else p.kind
        counts[kind] = counts.get(kind, 0) + 1
    summary = ", ".join(
        f"{CROSS_ARTIFACT_TITLE if k == CROSS_ARTIFACT else kind_title(k)} {n}"
        for k, n in sorted(counts.items())
    )
    out = [
        "# Policies",
        "",
        f"One page per built-in policy, generated from the policy metadata by `{GENERATOR}`; "
        "edit the policy module, not these pages. `pytest --devops-policy-explain=ID` prints "
        "the same page for any policy, custom ones included.",
        "",
        f"{len(chosen)} policies" + (f" ({summary})." if summary else "."),
        "",
        "| Id | Name | Severity | Kind | Title |",
        "|---|---|---|---|---|",
    ]
    for p in chosen:
        if not is_cross_artifact(p):
            out.append(
                f"| [{p.id}]({_page_name(p)}) | {p.name} | {p.severity} | {kind_title(p.kind)} "
                f"| {_cell(p.title)} |"
            )
    if xref:  # their own section: each judges links between kinds, anchored on one of them
        out += [
            "",
            f"## {CROSS_ARTIFACT_TITLE}",
            "",
            "Policies that judge links between artifacts of different kinds (catalog §9). "
            "Each item belongs to its anchor: node ids, waivers and selection are the "
            f"anchor kind's, and the marker `{XREF_MARKER}` selects them all.",
            "",
            "| Id | Name | Severity | Anchored on | Title |",
            "|---|---|---|---|---|",
            *(
                f"| [{p.id}]({_page_name(p)}) | {p.name} | {p.severity} | "
                f"{kind_title(p.kind)} | {_cell(p.title)} |"
                for p in xref
            ),
        ]
    return "\n".join(out) + "\n"


# -- files ------------------------------------------------------------------------------------


def _builtin() -> tuple[Policy, ...]:
    from pytest_devops_policy.policies import builtin_policies

    return builtin_policies()


def expected_pages(policies: Iterable[Policy] | None = None) -> dict[str, str]:
    """File name -> content of every file the pages directory must hold."""
    chosen = _unique(_builtin() if policies is None else policies)
    pages = {_page_name(p): render_page(p) for p in chosen}
    pages[INDEX_NAME] = render_index(chosen)
    return pages


def _display(directory: Path, name: str) -> str:
    return (directory / name).as_posix()


def _orphans(directory: Path, expected: Mapping[str, str]) -> list[str]:
    """Page-shaped files (``<ID>.md``) for which no policy exists; other files are left alone."""
    if not directory.is_dir():
        return []
    out = []
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        m = _PAGE_NAME.match(entry.name)
        if m and _ID_RE.match(m["id"]) and entry.name not in expected and entry.is_file():
            out.append(entry.name)
    return out


def _current(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    # A checkout with core.autocrlf turns LF into CRLF; the content is what must match.
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def stale_pages(
    directory: str | Path = "policies", policies: Iterable[Policy] | None = None
) -> list[str]:
    """Problems that make the pages differ from the metadata: missing, outdated, orphaned."""
    directory = Path(directory)
    expected = expected_pages(policies)
    problems: list[str] = []
    for name in sorted(expected):
        current = _current(directory / name)
        if current is None:
            problems.append(f"{_display(directory, name)}: missing")
        elif current != expected[name]:
            problems.append(f"{_display(directory, name)}: out of date")
    for name in _orphans(directory, expected):
        problems.append(
            f"{_display(directory, name)}: orphaned (no policy {name[:-3]} exists any more)"
        )
    return problems


def write_pages(
    directory: str | Path = "policies", policies: Iterable[Policy] | None = None
) -> list[str]:
    """Bring the directory up to date; returns what changed ("wrote ...", "removed ...")."""
    directory = Path(directory)
    expected = expected_pages(policies)
    directory.mkdir(parents=True, exist_ok=True)
    changes: list[str] = []
    for name in sorted(expected):
        path = directory / name
        data = expected[name].encode("utf-8")
        try:
            unchanged = path.read_bytes() == data
        except FileNotFoundError:
            unchanged = False
        if not unchanged:  # untouched files keep their mtime
            path.write_bytes(data)
            changes.append(f"wrote {_display(directory, name)}")
    for name in _orphans(directory, expected):
        (directory / name).unlink()
        changes.append(f"removed {_display(directory, name)}")
    return changes


# -- pytest --devops-policy-explain -----------------------------------------------------------


def find_policies(spec: str, policies: Iterable[Policy]) -> list[Policy]:
    """The policies an explain spec names: an id (any case) or a kebab-case name."""
    wanted = spec.strip()
    chosen = _unique(policies)
    by_id = [p for p in chosen if p.id == wanted.upper()]
    # Names are unique per kind only, so a name may name several policies.
    return by_id or [p for p in chosen if p.name == wanted.lower()]


def explain(spec: str, policies: Iterable[Policy]) -> tuple[str, bool]:
    """(text, found): the page(s) for ``spec``, or an error naming close matches."""
    import difflib

    chosen = _unique(policies)
    found = find_policies(spec, chosen)
    if found:
        return "\n".join(render_page(p) for p in found), True
    wanted = spec.strip()
    close = difflib.get_close_matches(wanted.upper(), [p.id for p in chosen], n=3)
    close += difflib.get_close_matches(wanted.lower(), [p.name for p in chosen], n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return f"no policy {wanted!r} among the {len(chosen)} policies found.{hint}", False


# -- command line -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=GENERATOR,
        description="Write one Markdown page per built-in policy, plus an index table.",
    )
    parser.add_argument(
        "directory", nargs="?", default="policies", help="where the pages go (default: policies)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list the pages that are missing, outdated or orphaned",
    )
    args = parser.parse_args(argv)
    directory = Path(args.directory)
    if args.check:
        problems = stale_pages(directory)
        if not problems:
            print(f"{directory.as_posix()}: all pages up to date")
            return 0
        print(f"{directory.as_posix()}/ is out of date with the policies:")
        for problem in problems:
            print(f"  {problem}")
        print(f"run: {GENERATOR} {directory.as_posix()}")
        return 1
    for change in write_pages(directory):
        print(change)
    count = len(expected_pages()) - 1
    print(f"{directory.as_posix()}: {count} policy pages and {INDEX_NAME} up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
