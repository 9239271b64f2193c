"""The pod side of the image-anchored XREF policies (XREF-008, XREF-011): the Dockerfile
links of a workload's containers, and ``file:line`` texts.

The anchor object is read as parsed (its env, command, probes, limits with their lines);
the index supplies the workload record that declared links (the pod annotation) hang on.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject
from pytest_devops_policy.indexes.xref_links import ImageLink, image_links, indexed_workload

__all__ = ["container_links", "link_note", "manifest_at"]


def container_links(c: Container, k8s_object: K8sObject, context: Context) -> list[ImageLink]:
    """The Dockerfiles the container's image links to, strongest first (none without an
    image or Dockerfiles)."""
    if c.image is None:
        return []
    return image_links(c.image, context, indexed_workload(k8s_object, context), c.name)


def manifest_at(k8s_object: K8sObject, context: Context, path: Sequence[str | int]) -> str:
    """``relpath:line`` of a key path of the object (its first line when not found)."""
    found = k8s_object.locate(path)
    line = found[0] if found else k8s_object.line
    return f"{context.cache.relpath(k8s_object.source.path)}:{line}"


def link_note(link: ImageLink) -> str:
    return f"link: {link.how} ({link.confidence} confidence)"
