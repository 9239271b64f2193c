"""The Kubernetes kind: objects of YAML/JSON manifests (and, opted in, of rendered Helm
templates), judged against one index of the run."""

from __future__ import annotations

from collections.abc import Iterable

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.comments import yaml_comments
from pytest_devops_policy.formats.kubernetes.objects import parse
from pytest_devops_policy.indexes import helm, k8s_run
from pytest_devops_policy.indexes.kubernetes import K8sIndex
from pytest_devops_policy.kinds.base import FormatDefaults
from pytest_devops_policy.model import ParsedFile, Source, Subject
from pytest_devops_policy.options import Options

__all__ = ["FORMAT", "HELM_RENDERED"]


class KubernetesFormat(FormatDefaults):
    def comments(self, source: Source) -> Iterable[tuple[int, str]]:
        return yaml_comments(source.text)

    def parse(self, source: Source, options: Options) -> ParsedFile:
        return parse(source)

    def adjust(self, parsed: ParsedFile, context: Context) -> ParsedFile:
        return k8s_run.adjust(parsed, context)

    def index(self, subject: Subject[object], context: Context) -> K8sIndex:
        return k8s_run.index_for(subject.source.path, context)

    def cache_token(self, path: str, context: Context) -> str:
        return k8s_run.cache_token(path, context)


class HelmRenderedFormat(KubernetesFormat):
    """A Helm template as helm rendered it: ``source.text`` is the rendered text, and
    positions are mapped onto the template file at ``source.path``. The chart is part of the
    cache key through the rendered text."""

    def parse(self, source: Source, options: Options) -> ParsedFile:
        return helm.parse_rendered(source)


FORMAT = KubernetesFormat()
HELM_RENDERED = HelmRenderedFormat()
