"""The Kubernetes kind: objects of YAML/JSON manifests (and, opted in, of rendered Helm
templates), judged against one index of the run.

The parser, the index and Helm rendering are imported on first use: ``.format`` is read for
every collected file, also one whose kind the selection leaves out (issue 15).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import yaml_comments
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options

if TYPE_CHECKING:
    from pytest_devops_policy.indexes.kubernetes import K8sIndex

__all__ = ["FORMAT", "HELM_RENDERED"]


class KubernetesFormat(FormatDefaults):
    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return yaml_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.formats.kubernetes.objects import parse

        return parse(source)

    def adjust(self, parsed: ParsedFile, context: Context) -> ParsedFile:
        from pytest_devops_policy.indexes import k8s_run

        return k8s_run.adjust(parsed, context)

    def index(self, subject: Subject[object], context: Context) -> K8sIndex:
        from pytest_devops_policy.indexes import k8s_run

        return k8s_run.index_for(subject.source.path, context)

    def dependencies(self, path: str, context: Context) -> list[str]:
        import os

        name = os.path.basename(path).lower()
        if name.startswith("values") and name.endswith((".yaml", ".yml")):
            # SECRET-014 judges a chart's values files: a Chart.yaml beside it.
            return [os.path.join(os.path.dirname(path), "Chart.yaml")]
        return []

    def cache_token(self, path: str, context: Context) -> str:
        from pytest_devops_policy.indexes import k8s_run

        return k8s_run.cache_token(path, context)

    def prime(self, context: Context, mine: Callable[[str], bool]) -> None:
        from pytest_devops_policy.indexes import k8s_run

        k8s_run.prime(context, mine)


class HelmRenderedFormat(KubernetesFormat):
    """A Helm template as helm rendered it: ``source.text`` is the rendered text, and
    positions are mapped onto the template file at ``source.path``. The chart is part of the
    cache key through the rendered text."""

    def parse(self, source: Source, options: Options) -> ParsedFile:
        from pytest_devops_policy.indexes import helm

        return helm.parse_rendered(source)


FORMAT = KubernetesFormat()
HELM_RENDERED = HelmRenderedFormat()
