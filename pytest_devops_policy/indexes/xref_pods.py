"""The pod side of the image-anchored XREF policies (XREF-003, 008, 009, 011): the
Dockerfile links of a workload's containers, and ``file:line`` texts.

The anchor object is read as parsed (its env, command, probes, limits with their lines);
the index supplies the workload record that declared links (the pod annotation) hang on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import Container, K8sObject
from pytest_devops_policy.indexes.xref import xref_index
from pytest_devops_policy.indexes.xref_links import (
    ImageLink,
    image_links,
    indexed_workload,
    set_images,
    strongest,
)

__all__ = ["container_links", "link_note", "manifest_at", "renamed_images"]


def container_links(c: Container, k8s_object: K8sObject, context: Context) -> list[ImageLink]:
    """The Dockerfiles the container's image links to, strongest first (none without an
    image or Dockerfiles): the image as written, and the images the run's kustomizations
    rename it to (``images:``, image patches), whose links are at most medium (§9.2-4: the
    equality needed a resolution step). One link per Dockerfile, its strongest."""
    if c.image is None:
        return []
    workload = indexed_workload(k8s_object, context)
    found = image_links(c.image, context, workload, c.name)
    for image, where in renamed_images(k8s_object, c.name, context):
        for link in image_links(image, context, workload, c.name):
            if link.confidence == "high":  # a declared link stays declared
                link = replace(link, confidence="medium")
            how = f"{link.how}, after {where} renames {c.image} to {image}"
            found.append(replace(link, how=how))
    # A workflow that sets the container's image deploys that image, not the manifest's:
    # a build of it links as strongly as it would link the manifest's own (§9.2-4 high).
    for image, where in set_images(context.cache, k8s_object.kind_name, k8s_object.name, c.name):
        for link in image_links(image, context, workload, c.name):
            how = f"{link.how}, and {where} sets {c.name} to {image}"
            found.append(replace(link, how=how))
    return strongest(found)


def renamed_images(
    k8s_object: K8sObject, container: str | None, context: Context
) -> list[tuple[str, str]]:
    """(image, "kustomize build DIR") for each image a root kustomization of the run gives
    this object's container in place of the one written (read once per object)."""
    if container is None:
        return []
    return context.cache.memo_on(
        k8s_object, lambda: _renames(k8s_object, context), "xref.renamed"
    ).get(container, [])


def _renames(k8s_object: K8sObject, context: Context) -> dict[str, list[tuple[str, str]]]:
    index = xref_index(context.cache)
    if not index.kustomizations:
        return {}
    rel = context.cache.relpath(k8s_object.source.path)
    out: dict[str, list[tuple[str, str]]] = {}
    for root in index.kustomize_roots():
        summary = index.kustomize(root)
        for o in summary.objects:
            if o.relpath != rel or o.line != k8s_object.line:
                continue
            for rc in o.containers:
                if rc.name and rc.image and rc.image != rc.original_image:
                    pair = (rc.image, f"kustomize build {summary.relpath}")
                    if pair not in out.setdefault(rc.name, []):
                        out[rc.name].append(pair)
    return out


def manifest_at(k8s_object: K8sObject, context: Context, path: Sequence[str | int]) -> str:
    """``relpath:line`` of a key path of the object (its first line when not found)."""
    found = k8s_object.locate(path)
    line = found[0] if found else k8s_object.line
    return f"{context.cache.relpath(k8s_object.source.path)}:{line}"


def link_note(link: ImageLink) -> str:
    return f"link: {link.how} ({link.confidence} confidence)"
