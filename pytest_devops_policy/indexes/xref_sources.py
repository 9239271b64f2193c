"""Link-only sources of the cross-artifact index (catalog §9.1): ``skaffold.yaml`` build
artifacts and Compose ``build:``/``image:`` pairs.

They are never judged: they only say which Dockerfile builds which image. A skaffold
artifact is a build that tags its ``image`` (a high link, §9.2-4: skaffold substitutes the
built image for exactly that name in the manifests it deploys); a Compose service that
builds and names its image is a medium link. A file that does not parse, or an entry we do
not understand, gives no link (a note at most, never a ``PARSE-ERROR``).

YAML is read with the safe C loader, each document of a multi-config skaffold file apart.
Profiles, ``requires`` (other configs) and custom/buildpacks/jib builders give no link: no
Dockerfile is named.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["SourceBuild", "is_link_source_name", "source_builds"]

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

_SKAFFOLD = re.compile(r"^skaffold(?:[.-][\w.-]+)?\.ya?ml$", re.I)
_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$", re.I)
_MAX_BYTES = 2_000_000  # a link source is small; anything bigger is not read


@dataclass(frozen=True)
class SourceBuild:
    """One image a link source builds: from ``dockerfile`` (repository-relative, as
    written joined to the file's directory and the context), tagged ``image``."""

    source: str  # relpath of the skaffold or Compose file
    line: int
    image: str
    dockerfile: str
    target: str | None
    build_args: Mapping[str, str]
    confidence: str  # high (skaffold) / medium (Compose)
    tool: str  # skaffold / compose


def is_link_source_name(name: str) -> bool:
    """A skaffold or Compose file, by its name."""
    return bool(_SKAFFOLD.match(name) or _COMPOSE.match(name))


def _line(text: str, value: str) -> int:
    """The first line that names ``value`` after a key (1 when not found)."""
    at = re.search(rf"(?m)^.*:\s*[\"']?{re.escape(value)}[\"']?\s*$", text)
    return text.count("\n", 0, at.start()) + 1 if at else 1


def _literal(value: object) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text if text and "$" not in text and "{{" not in text else None
    return None


def _args(value: object) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(value, Mapping):
        for k, v in value.items():
            lit = _literal(v)
            if lit is not None:
                out[str(k)] = lit
    elif isinstance(value, list):  # Compose's ["KEY=value"] form
        for item in value:
            if isinstance(item, str) and "=" in item and "$" not in item:
                k, _, v = item.partition("=")
                out[k.strip()] = v
    return out


def _join(base: str, context: str, dockerfile: str) -> str | None:
    if os.path.isabs(context) or os.path.isabs(dockerfile) or "://" in context:
        return None
    path = os.path.normpath(os.path.join(base, context, dockerfile)).replace(os.sep, "/")
    return None if path.startswith("..") else path


def _skaffold(doc: Mapping[str, Any], rel: str, text: str) -> Iterator[SourceBuild]:
    build = doc.get("build")
    artifacts = build.get("artifacts") if isinstance(build, Mapping) else None
    base = os.path.dirname(rel)
    for art in artifacts if isinstance(artifacts, list) else ():
        if not isinstance(art, Mapping):
            continue
        image = _literal(art.get("image"))
        context = _literal(art.get("context")) or "."
        if image is None or any(k in art for k in ("custom", "buildpacks", "jib", "ko", "bazel")):
            continue
        found = art.get("docker")
        docker: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        dockerfile = _literal(docker.get("dockerfile")) or "Dockerfile"
        path = _join(base, context, dockerfile)
        if path is None:
            continue
        yield SourceBuild(
            rel,
            _line(text, image),
            image,
            path,
            _literal(docker.get("target")),
            _args(docker.get("buildArgs")),
            "high",
            "skaffold",
        )


def _compose(doc: Mapping[str, Any], rel: str, text: str) -> Iterator[SourceBuild]:
    services = doc.get("services")
    base = os.path.dirname(rel)
    for service in services.values() if isinstance(services, Mapping) else ():
        if not isinstance(service, Mapping):
            continue
        image = _literal(service.get("image"))
        build = service.get("build")
        if image is None or build is None:
            continue
        if isinstance(build, str):
            context, dockerfile, target, args = build, "Dockerfile", None, {}
        elif isinstance(build, Mapping):
            context = _literal(build.get("context")) or "."
            dockerfile = _literal(build.get("dockerfile")) or "Dockerfile"
            target, args = _literal(build.get("target")), _args(build.get("args"))
        else:
            continue
        path = _join(base, context, dockerfile)
        if path is not None and "$" not in context:
            yield SourceBuild(
                rel, _line(text, image), image, path, target, args, "medium", "compose"
            )


def source_builds(rel: str, text: str) -> list[SourceBuild]:
    """The builds one skaffold or Compose file declares (none when it does not parse)."""
    name = os.path.basename(rel)
    if len(text) > _MAX_BYTES:
        return []
    try:
        docs = [d for d in yaml.load_all(text, Loader=_Loader) if isinstance(d, Mapping)]
    except (yaml.YAMLError, ValueError, RecursionError):
        return []
    out: list[SourceBuild] = []
    for doc in docs:
        if _SKAFFOLD.match(name) and str(doc.get("apiVersion", "")).startswith("skaffold/"):
            out += _skaffold(doc, rel, text)
        elif _COMPOSE.match(name):
            out += _compose(doc, rel, text)
    return out
