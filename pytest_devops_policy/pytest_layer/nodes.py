"""pytest nodes: an infrastructure file, its resources, one item per (resource, policy).

``--collect-only`` therefore reads file -> resource -> policy, and node ids look
like ``deploy/web.yaml::Deployment/web::K8S-001``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from _pytest._code.code import ExceptionInfo, ReprFileLocation, TerminalRepr
from _pytest._io import TerminalWriter

from pytest_devops_policy import kinds
from pytest_devops_policy.api import (
    CROSS_ARTIFACT,
    XREF_MARKER,
    Policy,
    is_cross_artifact,
    report_kind,
)
from pytest_devops_policy.baseline import Entry
from pytest_devops_policy.engine.analysis import FileResult, Outcome
from pytest_devops_policy.engine.registry import PolicySet
from pytest_devops_policy.formats.secrets import LABEL as SECRETS_LABEL
from pytest_devops_policy.formats.secrets import judged_by_name
from pytest_devops_policy.masking import Redactor, escape_controls
from pytest_devops_policy.model import FileText, ParseError, Source, decode
from pytest_devops_policy.options import K8sOptions
from pytest_devops_policy.pytest_layer import records
from pytest_devops_policy.pytest_layer.render import FailureText, excerpt
from pytest_devops_policy.pytest_layer.verdict import (
    BASELINED,
    BELOW,
    ERROR,
    FAILED,
    PASSED,
    UNKNOWN,
    WAIVED,
    Judged,
    ResourceScope,
    Verdict,
)
from pytest_devops_policy.reports.model import item_wire
from pytest_devops_policy.secretsbaseline import Baseline
from pytest_devops_policy.waivers import (
    FileWaivers,
    Waiver,
    annotation_waiver,
    inline_waivers,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from pytest_devops_policy.pytest_layer.collector import DevopsPolicy

KIND_MARKERS = {k.name: k.marker for k in kinds.KINDS}


class PolicyFailed(Exception):
    """Raised by an item to fail with pre-rendered text (never a traceback)."""

    def __init__(
        self, text: FailureText | Sequence[FailureText], crash: str, path: str, line: int
    ) -> None:
        super().__init__(crash)
        # A resource item fails with the text of each failing verdict, in order.
        self.texts = [text] if isinstance(text, FailureText) else list(text)
        self.crash = crash
        self.path = path
        self.line = line


class PolicyError(Exception):
    """A policy raised while it was evaluated at collection; carries its short traceback."""


class FindingLines(ReprFileLocation):
    """``--tb=line`` prints a failure's ``reprcrash``: one ``file:line:col: ID message`` line
    per finding. ``message`` stays the one-line summary JUnit and ``-rf`` use."""

    def __init__(self, path: str, lineno: int, message: str, lines: list[str]) -> None:
        super().__init__(path, lineno, message)
        self.lines = lines

    def toterminal(self, tw: TerminalWriter) -> None:
        tw.line("\n".join(self.lines) or f"{self.path}:{self.lineno}: {self.message}")


class PolicyFailureRepr(TerminalRepr):
    """Plain failure text in the shape ``--tb`` asks for; ``explained`` (decided once, when
    the report is made) says its policy's why/fix were already printed in this run."""

    def __init__(
        self, exc: PolicyFailed, style: str, explained: set[str], verbose: bool = False
    ) -> None:
        self.style = style
        parts = []
        for text in exc.texts:  # why/fix once per policy and run; how it was read with -v
            parts.append(text.render(style, text.policy_id in explained, verbose))
            explained.add(text.policy_id)
        self.text = "\n".join(parts)
        lines = [line for text in exc.texts for line in text.lines]
        self.reprcrash = FindingLines(exc.path, exc.line, exc.crash, lines)

    def __str__(self) -> str:  # the JUnit body, whatever the terminal shows
        return self.text

    def toterminal(self, tw: TerminalWriter) -> None:
        if self.style == "line":
            return  # pytest prints the reprcrash (our one line per finding) itself
        first, _, rest = self.text.partition("\n")
        tw.line(first, red=True, bold=True)
        if rest:
            tw.line(rest)


class _Base(pytest.Item):
    """What every item of this plugin shares: properties, markers, plain failures."""

    policy_id = ""
    state: DevopsPolicy
    # The secrets of the item's file: every text the item gives pytest (failure text,
    # crash/xfail/skip reasons, JUnit properties) goes through it.
    redactor: Redactor = Redactor()

    def _setup_item(
        self, kind: str, severity: str, props: list[tuple[str, object]], xref: bool = False
    ) -> None:
        # A host's items have no file node: they are handed the state before this.
        state = self.state = self.__dict__.get("state") or _file_node(self).state
        self.add_marker(state.marker("devops_policy"))
        self.add_marker(state.marker(severity))
        _kind_markers(self, state, kind)
        if xref:  # a cross-artifact verdict: -m xref, besides its anchor's kind
            self.add_marker(state.marker(XREF_MARKER))
        self.user_properties = [(name, self._clean_prop(value)) for name, value in props]

    def _clean_prop(self, value: object) -> object:
        return self.redactor(value, newlines=False) if isinstance(value, str) else value

    def _record(
        self, kind: str, resource: str, relpath: str, line: int, verdicts: list[list[Any]]
    ) -> None:
        """Leave the item's record for the report formats (only when one is asked for)."""
        pending = self.state.pending
        if pending is not None:
            pending[self.nodeid] = item_wire(kind, resource, relpath, line, verdicts)

    def _record_one(
        self,
        kind: str,
        relpath: str,
        status: str,
        severity: str,
        line: int,
        reason: str,
        message: str | None = None,
        col: int = 1,
        lines: Sequence[str] = (),
    ) -> None:
        """The record of an item that is not a policy's verdict (PARSE-ERROR, a note...)."""
        if self.state.pending is None:
            return
        found = []
        if message is not None:
            found.append(
                records.finding(self.policy_id, relpath, "", lines, line, col, severity, message)
            )
        verdict = [self.policy_id, status, severity, line, reason, found, []]
        self._record(kind, "", relpath, line, [verdict])

    def repr_failure(
        self, excinfo: ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, PolicyFailed):
            style = str(self.config.getoption("tbstyle", "auto") or "auto")
            verbose = self.config.get_verbosity() > 0
            return PolicyFailureRepr(excinfo.value, style, self.state.explained, verbose)
        if isinstance(excinfo.value, PolicyError):
            return f"internal error while checking {self.nodeid}:\n{excinfo.value}"
        # A bug in a policy: keep it short but honest about where it happened.
        return f"internal error while checking {self.nodeid}:\n" + str(
            excinfo.getrepr(style="short", chain=False)
        )

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self._where, 0, self.name  # file-level items point at the top of the file

    @property
    def _where(self) -> str:
        # Relative to the rootdir: skip reasons and JUnit bodies carry it (no absolute paths).
        return _file_node(self).relfspath

    # pytest computes these per item; every item of a file shares them, so ask the file.
    @cached_property
    def location(self) -> tuple[str, int | None, str]:
        _, line, domain = self.reportinfo()
        return (_file_node(self).relfspath, line, domain)

    @property
    def ihook(self) -> Any:
        return _file_node(self).ihook

    # pytest gives every node an empty set of extra ``-k`` names (216 bytes, tens of
    # thousands of items); most of these never get one, so the set is made when asked for.
    @property
    def extra_keyword_matches(self) -> set[str]:
        found: set[str] | None = self.__dict__.get("_extra_keywords")
        if found is None:
            found = self.__dict__["_extra_keywords"] = set()
        return found

    @extra_keyword_matches.setter
    def extra_keyword_matches(self, value: set[str]) -> None:
        if value or "_extra_keywords" in self.__dict__:
            self.__dict__["_extra_keywords"] = value


def _kind_markers(item: pytest.Item, state: DevopsPolicy, kind: str) -> None:
    if kind in KIND_MARKERS:
        item.add_marker(state.marker(KIND_MARKERS[kind]))
        if kind != KIND_MARKERS[kind]:  # -m github-actions, as JUnit spells the kind
            item.add_marker(state.marker(kind))


def _file_node(node: pytest.Item | pytest.Collector) -> _FileBase:
    parent = node.parent
    while not isinstance(parent, _FileBase):
        assert parent is not None
        parent = parent.parent
    return parent


class _FileBase(pytest.File):
    """A file node; ``state`` is the active plugin, handed down to every node under it."""

    state: DevopsPolicy

    @classmethod
    def from_parent(  # type: ignore[override]
        cls, parent: pytest.Collector, *, path: Path, state: DevopsPolicy, **kw: Any
    ) -> Self:
        node: Self = super().from_parent(parent, path=path, **kw)
        node.state = state
        return node

    @cached_property
    def relfspath(self) -> str:
        return self.session._node_location_to_relpath(self.path)

    @cached_property
    def ihook(self) -> Any:  # the conftests of a directory are loaded before its files
        return self.session.gethookproxy(self.path)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 text by its byte-order mark (their zero bytes look binary)."""
    for bom, name in (
        (b"\xff\xfe\x00\x00", "UTF-32LE"),
        (b"\x00\x00\xfe\xff", "UTF-32BE"),
        (b"\xff\xfe", "UTF-16LE"),
        (b"\xfe\xff", "UTF-16BE"),
    ):
        if data.startswith(bom):
            return name
    return None


def read_artifact(path: str, relpath: str, kind: str, limit: int) -> bytes | str:
    """The bytes of a file to analyse, or why it is a note instead (unreadable, over the size
    limit, UTF-16/32, binary). Collection and ``--devops-policy-jobs`` children ask the same."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        return f"cannot read {relpath}: {exc.strerror}"
    if size > limit:
        return (
            f"{relpath} is {size:,} bytes, over the {limit:,}-byte limit "
            "(raise it with --devops-policy-max-file-size)"
        )
    with open(path, "rb") as fh:
        data = fh.read()
    encoding = _wide_encoding(data)
    if encoding is not None:
        return (
            f"{relpath} is {encoding} text (it starts with a byte-order mark); the tools "
            f"that read it expect UTF-8: convert it (iconv -f {encoding} -t UTF-8) to check it"
        )
    if b"\0" in data[:8192]:
        if kind == "secrets" and judged_by_name(relpath):
            return data  # a key store: judged by its name (SECRET-012), never read as text
        return f"{relpath} is a binary file, not {kind}"
    return data


def _skip_here(reason: str, redactor: Redactor) -> NoReturn:
    """Skip, reported at the item's file:line (``-rs``) rather than at this module."""
    raise pytest.skip.Exception(redactor(reason, newlines=False), _use_item_location=True)


def _props(
    policy_id: str,
    name: str,
    severity: str,
    kind: str,
    resource: str,
    relpath: str,
    line: int,
    controls: Iterable[str] = (),
) -> list[tuple[str, object]]:
    return [
        ("policy_id", policy_id),
        ("policy_name", name),
        ("severity", severity),
        ("kind", kind),
        ("resource", resource),
        ("file", relpath),
        ("line", str(line)),
        ("controls", ",".join(controls)),
    ]


class PolicyFile(_FileBase):
    """One infrastructure file. Analysis happens here, once."""

    kind: str = ""

    @classmethod
    def from_parent(  # type: ignore[override]
        cls, parent: pytest.Collector, *, path: Path, state: DevopsPolicy, kind: str
    ) -> Self:
        node: Self = super().from_parent(parent, path=path, state=state)
        node.kind = kind
        return node

    def _note(
        self, reason: str, name: str = "FILE-SKIPPED", redactor: Redactor | None = None
    ) -> NoteItem:
        relpath = self.state.analyser.relpath(str(self.path))
        return NoteItem.from_parent(
            self,
            name=name,
            kind=self.kind,
            relpath=relpath,
            reason=reason,
            redactor=redactor or Redactor(),
        )

    def _render(self, path: str, relpath: str) -> str | NoteItem:
        """A Helm template's rendered text, or the note saying why it stays unjudged."""
        name = "K8S-HELM-UNRENDERED"
        analyser = self.state.analyser
        if not analyser.context.options(K8sOptions).helm_render:
            return self._note(
                f"{relpath} is a Helm chart template, not YAML; render the chart "
                "(helm template <chart-dir> > rendered.yaml) and scan the output, "
                "or pass --devops-policy-helm-render",
                name=name,
            )
        from pytest_devops_policy.indexes import helm

        rendered = helm.rendered_template(path, analyser.cache)
        if rendered is None:
            return self._note(
                f"{relpath} is a Helm chart template; --devops-policy-helm-render needs the "
                "helm binary, which is not on PATH",
                name=name,
            )
        if not isinstance(rendered, str):
            return self._note(f"{relpath}: {rendered.error}", name=name)
        if not rendered.strip():
            return self._note(
                f"{relpath} renders no objects with the chart's default values", name=name
            )
        return rendered

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        state = self.state
        path = str(self.path)
        relpath = state.analyser.relpath(path)
        policies = state.policies_for(self)
        if not policies.reads(self.kind):
            return  # nothing selected reads this kind: do not even read the file
        data = read_artifact(path, relpath, self.kind, state.settings.max_file_size)
        if isinstance(data, str):
            yield self._note(data)
            return
        kind = kinds.by_name(self.kind)
        fmt, variant = kind.format, ""
        file_text_now = decode(data, fmt.lone_cr_newline)
        text = file_text_now
        if self.kind == "kubernetes" and state.charts.is_template(self.path):
            rendered = self._render(path, relpath)
            if not isinstance(rendered, str):
                yield rendered
                return
            # Judged as the Kubernetes objects helm made of it, positioned on the template.
            from pytest_devops_policy.kinds.kubernetes import HELM_RENDERED

            fmt, variant = HELM_RENDERED, "helm-rendered"
            text = rendered
            data = rendered.encode("utf-8", "surrogatepass")
        result = state.analyser.analyse(
            path, relpath, self.kind, fmt, data, text, policies, variant
        )
        if result.internal_error is not None:
            yield InternalErrorItem.from_parent(
                self,
                name="INTERNAL-ERROR",
                kind=self.kind,
                relpath=relpath,
                text=result.internal_error,
            )
            return
        if not result.recognised:
            return  # not this kind's file after all (YAML that is app config): not counted
        if state.tracks_files:
            state.baseline_files.add(relpath)  # judged: its missing verdicts are stale
        redactor = Redactor(result.secrets)
        state.scan.add(
            result.kind or self.kind,  # app-config YAML read only for secrets: "secrets"
            relpath,
            judged=bool(result.parse_error or result.skip_reason)
            or any(r.outcomes for r in result.resources),
        )
        if result.parse_error is not None:
            message, line, col = result.parse_error
            yield ParseErrorItem.from_parent(
                self,
                name="PARSE-ERROR",
                kind=self.kind,
                source=Source(path, relpath, text),
                error=ParseError(message, line, col),
                redactor=redactor,
            )
            if not result.resources:
                return  # (a file that does not parse is still read for secrets)
        if result.skip_reason:
            yield self._note(f"{relpath}: {result.skip_reason}", redactor=redactor)
            return
        source = Source(path, relpath, file_text_now)
        inline = inline_waivers(source, kind.format.comments(source))
        if state.settings.merge_base is not None:
            from pytest_devops_policy.pytest_layer.baseline import honoured_inline

            inline = honoured_inline(state, source, kind.format, inline)
        # Only failing items read the lines again; the text is not kept.
        file_text = FileText(path, relpath, state.recent, fmt.lone_cr_newline)
        file_waivers = FileWaivers(relpath, file_text, inline, state.settings.waivers)
        file_waivers.baseline = _baselined(result, relpath, state.secrets_baseline)
        state.ledger.declare(inline)
        for w in inline:
            if not w.valid:
                yield WaiverErrorItem.from_parent(
                    self,
                    name=f"WAIVER-INVALID-L{w.line}",
                    waiver=w,
                    kind=self.kind,
                    redactor=redactor,
                )
        yield from self._resources(result, policies, file_text, file_waivers, redactor)
        for label, note, line, reason in result.notes:
            yield NoteItem.from_parent(
                self,
                name=escape_controls(label, newlines=False),
                kind=self.kind,
                relpath=relpath,
                reason=reason,
                redactor=redactor,
                note=note,
                line=line,
            )

    def _resources(
        self,
        result: FileResult,
        policies: PolicySet,
        file_text: FileText,
        file_waivers: FileWaivers,
        redactor: Redactor,
        extra_waivers: Sequence[Waiver] = (),
    ) -> Iterator[pytest.Item | pytest.Collector]:
        """The nodes of each judged resource of an analysed file, in the run's item model.
        ``extra_waivers`` (valid ones) cover every resource whole (a repository's waivers
        in its dependabot.yml)."""
        state = self.state
        relpath = file_text.relpath
        by_id = policies.by_id
        for resource in result.resources:
            annotations = [
                annotation_waiver(ids, attrs, relpath, resource.line)
                for ids, attrs in resource.annotations
            ]
            if annotations and state.settings.merge_base is not None:
                from pytest_devops_policy.pytest_layer.baseline import honoured_annotations

                annotations = honoured_annotations(state, file_text.path, annotations)
            state.ledger.declare(annotations)
            for w in annotations:
                if not w.valid:
                    yield WaiverErrorItem.from_parent(
                        self,
                        name=f"WAIVER-INVALID-L{w.line}",
                        waiver=w,
                        kind=self.kind,
                        redactor=redactor,
                    )
            if not resource.outcomes:
                continue
            valid = [w for w in annotations if w.valid] + list(extra_waivers)
            scope = ResourceScope(resource, file_text, file_waivers, valid, redactor)
            name = escape_controls(resource.name, newlines=False)
            # A file's secrets node is of the secrets kind, whatever the file's kind.
            kind = "secrets" if resource.label == SECRETS_LABEL else self.kind
            if state.settings.items == "resource":
                yield ResourceItem.from_parent(
                    self, name=name, scope=scope, policies=by_id, kind=kind
                )
            else:
                yield ResourceNode.from_parent(self, name=name, scope=scope, policies=by_id)


def _baselined(result: FileResult, relpath: str, baseline: Baseline) -> list[Waiver]:
    """The secrets-baseline entries that list hits of this file, on the hits' lines."""
    if not baseline.waivers:
        return []
    found: list[Waiver] = []
    for resource in result.resources:
        if resource.label != SECRETS_LABEL:
            continue
        for outcome in resource.outcomes:
            for v in outcome.violations:
                if v.secret:
                    w = baseline.waiver(relpath, outcome.policy_id, v.secret, v.line)
                    if w is not None:
                        found.append(w)
    return found


class ResourceNode(pytest.Collector):
    """One resource (a Kubernetes object, a Dockerfile's shipped stage, a job, a TF resource)."""

    def __init__(
        self, *, scope: ResourceScope, policies: Mapping[str, Policy], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.scope = scope
        self.redactor = scope.redactor
        self.result = scope.result
        self.policies = policies

    def collect(self) -> Iterator[pytest.Item]:
        for outcome in self.result.outcomes:
            yield PolicyItem.from_parent(
                self,
                name=outcome.policy_id,
                policy=self.policies[outcome.policy_id],
                outcome=outcome,
            )


class PolicyItem(_Base):
    """One verdict as one item (``--devops-policy-items=policy``)."""

    def __init__(self, *, policy: Policy, outcome: Outcome, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parent = self.parent
        assert isinstance(parent, ResourceNode)
        self.resource: ResourceNode = parent
        self.policy = policy
        self.policy_id = policy.id
        self.redactor = parent.redactor
        self.state = _file_node(self).state
        self.extra_keyword_matches.add(policy.name)
        self.verdict = verdict = Verdict(policy, outcome, parent.scope, self.state)
        self.severity = verdict.severity
        self.line = verdict.line
        self._setup_item(
            policy.kind,  # the anchor's kind markers; JUnit's kind is the report kind
            str(self.severity),
            _props(
                policy.id,
                policy.name,
                str(self.severity),
                report_kind(policy),
                parent.result.label,
                parent.scope.file_text.relpath,
                self.line,
                policy.controls,
            ),
            xref=is_cross_artifact(policy),
        )

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self._where, self.line - 1, f"{self.resource.name}::{self.name}"

    def runtest(self) -> None:
        scope = self.resource.scope
        report_verdict(
            self, self.verdict, self.verdict.judge(self.state), self.policy.kind, scope.result.label
        )


def fixed_text(verdict: Verdict, judged: Judged, shown: str) -> FailureText:
    """A verdict's baseline entries whose findings are gone: the ratchet's XPASS(strict)."""
    relpath = verdict.scope.file_text.relpath
    clean = verdict.scope.redactor
    lines = [
        clean(f"XPASS(strict) {verdict.policy.id} {line}", newlines=False)
        for line in judged.fixed_lines(shown)
    ]
    return FailureText(
        [lines[0], f"  --> {relpath}", *lines[1:]],
        [],
        [f"{relpath}: {x}" for x in lines],
        verdict.policy.id,
    )


def verdict_links(verdict: Verdict) -> str:
    """The ``path:line -> path:line`` links of a verdict's findings, comma-separated, each
    once (masked like the messages)."""
    seen = dict.fromkeys(link for f in verdict.outcome.violations for link in f.links)
    if not seen:
        return ""
    clean = verdict.scope.redactor.with_secrets(verdict.outcome.secrets)
    return clean(", ".join(seen), newlines=False)


def report_verdict(item: _Base, verdict: Verdict, judged: Judged, kind: str, label: str) -> None:
    """One verdict as one item's outcome: its waiver properties, its record for the
    reports, then pass, fail, skip (Unknown) or xfail (waived, below the threshold,
    baselined); a baseline entry found fixed fails it whatever its status."""
    item.user_properties.extend(judged.waiver_props)
    item.user_properties.extend(judged.baseline_props)
    links = verdict_links(verdict)
    if links:  # the cross-artifact links its findings rest on (catalog §9.1)
        item.user_properties.append(("links", links))
    status = judged.status
    if item.state.pending is not None:
        scope = verdict.scope
        item._record(
            kind,
            label,
            scope.file_text.relpath,
            scope.result.line,
            [records.verdict_record(verdict, judged)],
        )
    fixed: list[FailureText] = []
    if judged.fixed:
        baseline = item.state.baseline
        fixed.append(fixed_text(verdict, judged, baseline.shown if baseline else ""))
    if status == PASSED and not fixed:
        return
    if status == ERROR:
        raise PolicyError(judged.reason)
    if status == UNKNOWN:
        _skip_here(judged.reason, item.redactor)
    if status in (WAIVED, BELOW, BASELINED, PASSED):
        if fixed:
            raise PolicyFailed(fixed, fixed[0].short[0], item._where, verdict.line)
        pytest.xfail(judged.reason)
    assert judged.text is not None
    raise PolicyFailed([judged.text, *fixed], judged.reason, item._where, judged.line)


@dataclass(frozen=True)
class _VerdictKeys:
    """A policy's JUnit property names, and the properties that never vary, made once per
    policy rather than once per verdict (tens of thousands of equal strings otherwise)."""

    severity: str
    line: str
    reason: str
    shared: tuple[tuple[str, str], ...]
    # All the properties of a verdict without findings, unknowns or baseline entries
    # (most verdicts): its severity is then the policy's.
    passed: tuple[tuple[str, str], ...]


# policy object's id -> (the policy, its keys): made once per policy, looked up per
# verdict; the policy is kept so that its id is never reused while the run lasts.
_KEYS_BY_POLICY: dict[int, tuple[Policy, _VerdictKeys]] = {}


def _verdict_keys(policy: Policy) -> _VerdictKeys:
    hit = _KEYS_BY_POLICY.get(id(policy))
    if hit is not None:
        return hit[1]
    pid = policy.id
    shared = [(f"{pid}.name", policy.name)]
    if policy.controls:
        shared.append((f"{pid}.controls", ",".join(policy.controls)))
    if is_cross_artifact(pid):  # the item's ``kind`` is the anchor's; this verdict's differs
        shared.append((f"{pid}.kind", CROSS_ARTIFACT))
    passed = ((pid, PASSED), (f"{pid}.severity", str(policy.severity)), *shared)
    keys = _VerdictKeys(f"{pid}.severity", f"{pid}.line", f"{pid}.reason", tuple(shared), passed)
    _KEYS_BY_POLICY[id(policy)] = (policy, keys)
    return keys


class ResourceItem(_Base):
    """All of one resource's verdicts as one item (``--devops-policy-items=resource``).

    pytest's cost is per item, so this model pays it once per resource rather than once
    per (resource, policy). What users select still narrows to verdicts: ``-k``, ``-m``
    and ``--deselect`` are applied to each verdict (selection.py), and the item reports
    only the verdicts left. Each verdict's outcome, severity and waiver travel in the
    item's properties (JUnit, the summary, xdist), named after its policy id.
    """

    def __init__(
        self, *, scope: ResourceScope, policies: Mapping[str, Policy], kind: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        state = self.state = _file_node(self).state
        self.scope = scope
        self.redactor = scope.redactor
        self.kind = kind
        result = scope.result
        self.verdicts = [Verdict(policies[o.policy_id], o, scope, state) for o in result.outcomes]
        self.selected: list[Verdict] = self.verdicts  # narrowed by selection.py
        # What -k/-m see of the item besides each verdict's own names (selection.py)
        self.match_base: tuple[frozenset[str], tuple[Any, ...]] | None = None
        self.line = result.line
        self.add_marker(state.marker("devops_policy"))
        _kind_markers(self, state, kind)
        for severity in sorted({str(v.severity) for v in self.verdicts}):
            self.add_marker(state.marker(severity))
        # Like the severities, matched verdict by verdict (selection.py): -m xref keeps only
        # the XREF verdicts of the item, -m "not xref" only the others.
        if any(is_cross_artifact(v.policy) for v in self.verdicts):
            self.add_marker(state.marker(XREF_MARKER))
        self.user_properties = [
            ("resource", self._clean_prop(result.label)),
            ("kind", kind),
            ("file", scope.file_text.relpath),
            ("line", str(result.line)),
        ]

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self._where, self.line - 1, self.name

    def runtest(self) -> None:
        state = self.state
        props = self.user_properties
        failed: list[tuple[Verdict, Judged]] = []
        xfails: list[str] = []
        unknowns: list[str] = []
        passed = False
        recorded: list[list[Any]] | None = [] if state.pending is not None else None
        fixed: list[FailureText] = []  # the baseline's entries found fixed (XPASS(strict))
        plain = recorded is None and state.baseline is None  # nothing else to note per verdict
        for v in self.selected:
            o = v.outcome
            if plain and o.passed:
                props.extend(_verdict_keys(v.policy).passed)  # judge() would say PASSED
                passed = True
                continue
            j = v.judge(state)
            pid = v.policy.id
            if recorded is not None:
                recorded.append(records.verdict_record(v, j))
            keys = _verdict_keys(v.policy)
            props.append((pid, j.status))
            props.append((keys.severity, str(v.severity)))
            props.extend(keys.shared)
            props.extend((f"{pid}.{key}", value) for key, value in j.baseline_props)
            links = verdict_links(v)
            if links:
                props.append((f"{pid}.links", links))
            if j.fixed:
                baseline = state.baseline
                fixed.append(fixed_text(v, j, baseline.shown if baseline else ""))
            if j.status == PASSED:
                passed = True
                continue
            props.append((keys.line, str(j.line)))
            props.append((keys.reason, j.reason))
            props.extend((f"{pid}.{key}", self._clean_prop(value)) for key, value in j.waiver_props)
            if j.status in (FAILED, ERROR):
                failed.append((v, j))
            elif j.status == UNKNOWN:
                unknowns.append(f"{pid}: {j.reason}")
            else:
                xfails.append(j.reason)
        if recorded is not None:
            scope = self.scope
            self._record(
                self.kind, scope.result.label, scope.file_text.relpath, self.line, recorded
            )
        if failed or fixed:
            self._fail(failed, fixed)
        if passed or not self.selected:
            return
        if xfails:
            pytest.xfail("; ".join(xfails))
        _skip_here("; ".join(unknowns), self.redactor)

    def _fail(
        self, failed: list[tuple[Verdict, Judged]], fixed: Sequence[FailureText] = ()
    ) -> NoReturn:
        if not failed:
            crash = fixed[0].short[0]
            if len(fixed) > 1:
                crash += f" (+{len(fixed) - 1} more fixed)"
            raise PolicyFailed(list(fixed), crash, self._where, self.line)
        failed.sort(key=lambda vj: (-vj[0].severity, vj[1].line, vj[0].policy.id))
        texts: list[FailureText] = []
        for v, j in failed:
            if j.text is not None:
                texts.append(j.text)
                continue
            head = f"{v.policy.id} {v.policy.name}: internal error while checking {self.nodeid}:"
            texts.append(FailureText([head, j.reason], [], [head], v.policy.id))
        first = failed[0][1]
        crash = first.reason if first.status == FAILED else texts[0].short[0]
        if len(failed) > 1:
            crash += f" (+{len(failed) - 1} more: {', '.join(v.policy.id for v, _ in failed[1:])})"
        if fixed:
            crash += f" (+{len(fixed)} fixed in the baseline)"
        raise PolicyFailed([*texts, *fixed], crash, self._where, first.line)


class ParseErrorItem(_Base):
    policy_id = "PARSE-ERROR"

    def __init__(
        self, *, kind: str, source: Source, error: ParseError, redactor: Redactor, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.source, self.error, self.kind = source, error, kind
        self.redactor = redactor
        self._setup_item(
            kind,
            "high",
            _props("PARSE-ERROR", "parse-error", "high", kind, "", source.relpath, error.line),
        )

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self._where, self.error.line - 1, self.name

    def runtest(self) -> None:
        e, src = self.error, self.source
        head = f"PARSE-ERROR [high]: cannot parse {src.relpath} as {self.kind}: {e.message}"
        clean = self.redactor
        head = clean(head, newlines=False)
        short = [head, f"  --> {src.relpath}:{e.line}:{e.col}", *excerpt(src, e.line, clean)]
        why = [
            "  why: a file that cannot be parsed cannot be checked; "
            "the tools that deploy it will reject it too"
        ]
        line = clean(f"{src.relpath}:{e.line}:{e.col}: PARSE-ERROR {e.message}", newlines=False)
        text = FailureText([clean(t) for t in short], why, [line], "PARSE-ERROR")
        message = clean(f"cannot parse {src.relpath} as {self.kind}: {e.message}", newlines=False)
        self._record_one(
            self.kind, src.relpath, "failed", "high", e.line, head, message, e.col, src.lines
        )
        raise PolicyFailed(text, head, self._where, e.line)


class NoteItem(_Base):
    """A file, or a part of one, that we recognised but will not judge (binary, too large,
    a Helm template, a remote module call...): one skipped item saying why."""

    def __init__(
        self,
        *,
        kind: str,
        relpath: str,
        reason: str,
        redactor: Redactor,
        note: str = "",
        line: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.redactor = redactor
        self.reason = reason
        self.line = line
        self.kind, self.relpath = kind, relpath
        self.policy_id = note or self.name
        resource = self.name if note else ""
        self._setup_item(
            kind,
            "low",
            _props(self.policy_id, self.policy_id.lower(), "low", kind, resource, relpath, line),
        )

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self._where, self.line - 1, self.name

    def runtest(self) -> None:
        if self.state.pending is not None:
            reason = self.redactor(self.reason, newlines=False)
            self._record_one(self.kind, self.relpath, "skipped", "low", self.line, reason)
        _skip_here(self.reason, self.redactor)


class InternalErrorItem(_Base):
    """The analysis of one file failed (a bug, or input no bound caught): the file fails,
    the run goes on."""

    policy_id = "INTERNAL-ERROR"

    def __init__(self, *, kind: str, relpath: str, text: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = text
        self.kind, self.relpath = kind, relpath
        self._setup_item(
            kind, "high", _props("INTERNAL-ERROR", "internal-error", "high", kind, "", relpath, 1)
        )

    def runtest(self) -> None:
        last = (self.text.strip().splitlines() or [""])[-1]
        reason = f"internal error while analysing {self._where}: {last}"
        self._record_one(self.kind, self.relpath, "error", "high", 1, reason)
        raise PolicyError(f"while analysing {self._where}:\n{self.text}")


class WaiverErrorItem(_Base):
    """A waiver that waives nothing because it is malformed (no reason, bad date...)."""

    policy_id = "WAIVER-INVALID"

    def __init__(
        self, *, waiver: Waiver, kind: str, redactor: Redactor | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.waiver = waiver
        self.redactor = redactor or Redactor()
        self.kind = kind
        relpath = self.relpath = waiver.source.rsplit(":", 1)[0]
        self._setup_item(
            kind,
            "medium",
            _props(
                "WAIVER-INVALID", "waiver-invalid", "medium", kind, "", relpath, waiver.line or 1
            ),
        )

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self._where, (self.waiver.line or 1) - 1, self.name

    def runtest(self) -> None:
        w = self.waiver
        problems = "; ".join(w.problems)
        head = f"WAIVER-INVALID [medium]: waiver {','.join(w.ids) or '[]'} {problems}"
        why = [
            "  why: a waiver must say why the finding is accepted; "
            "until it does, the finding stands",
            '  fix: add reason="..." (and expires=YYYY-MM-DD, owner=...)',
        ]
        clean = self.redactor
        head = clean(head, newlines=False)
        line = clean(f"{w.source}: WAIVER-INVALID {problems}", newlines=False)
        where = clean(f"  --> {w.source}", newlines=False)
        text = FailureText([head, where], why, [line], "WAIVER-INVALID")
        message = clean(f"waiver {','.join(w.ids) or '[]'} {problems}", newlines=False)
        self._record_one(self.kind, self.relpath, "failed", "medium", w.line or 1, head, message)
        raise PolicyFailed(text, head, self._where, w.line or 1)


class ConfigWaivers(_FileBase):
    """Holds the items for malformed ``[[tool.devops-policy.waivers]]`` entries."""

    def collect(self) -> Iterator[pytest.Item]:
        for i, w in enumerate(self.state.settings.waivers):
            if not w.valid:
                yield WaiverErrorItem.from_parent(
                    self, name=f"WAIVER-INVALID-{w.line or i}", waiver=w, kind="config"
                )


class BaselineFile(_FileBase):
    """The findings baseline file: holds the item for its stale entries (issue 22)."""

    entries: list[Entry]

    @classmethod
    def from_parent(  # type: ignore[override]
        cls, parent: pytest.Collector, *, path: Path, state: DevopsPolicy, entries: list[Entry]
    ) -> Self:
        node: Self = super().from_parent(parent, path=path, state=state)
        node.entries = entries
        return node

    def collect(self) -> Iterator[pytest.Item]:
        yield BaselineStaleItem.from_parent(self, name="stale", entries=self.entries)


class BaselineStaleItem(_Base):
    """Baseline entries whose file or resource is gone: no verdict can XPASS for them, so
    they fail here, on full runs only (a partial run did not judge everything)."""

    policy_id = "BASELINE-STALE"

    def __init__(self, *, entries: list[Entry], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entries = entries
        self.relpath = _file_node(self).relfspath
        self._setup_item(
            "config",
            "medium",
            _props("BASELINE-STALE", "baseline-stale", "medium", "config", "", self.relpath, 1),
        )

    def runtest(self) -> None:
        state = self.state
        baseline = state.baseline
        shown = baseline.shown if baseline is not None else self.relpath
        if not state._full_run():
            _skip_here(
                f"{len(self.entries)} baseline entries name files or resources this partial "
                "run did not judge; a full run checks them",
                self.redactor,
            )
        self.user_properties.append(("baseline", shown))
        self.user_properties.append(("baseline_fixed", str(len(self.entries))))
        lines = [
            f"fixed: remove this entry from the baseline {shown} ({e.describe()}: "
            + ("the file is gone)" if e.file not in state.baseline_files else "it is gone)")
            for e in self.entries
        ]
        n = len(self.entries)
        head = (
            f"XPASS(strict) {n} {'entry' if n == 1 else 'entries'} of the baseline {shown} "
            f"{'names' if n == 1 else 'name'} a file or resource that no longer exists"
        )
        text = FailureText(
            [head, *(f"  {x}" for x in lines)],
            [],
            [f"{shown}: {x}" for x in lines],
            "BASELINE-STALE",
        )
        self._record_one("config", self.relpath, "failed", "medium", 1, head, head)
        raise PolicyFailed(text, head, self._where, 1)
