"""K8S-015: container images name a fixed version (a tag other than latest, or a digest)."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.images import is_valid_digest, parse_image
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_templated, workloads
from pytest_devops_policy.options import K8sOptions


@policy(
    id="K8S-015",
    name="image-pinned",
    title="Container images must be pinned to a version",
    severity=Severity.HIGH,
    rationale=(
        "A missing tag means latest, and latest (like any tag reused for every build) "
        "points at whatever was pushed last. Two nodes can then run different code under "
        "one manifest, a restart can silently upgrade a pod, and rolling back to the "
        "previous manifest does not bring the previous image back. A digest names exactly "
        "one image."
    ),
    remediation=(
        "Reference every image by an immutable version tag, ideally with its digest "
        "(name:1.4.2@sha256:...), and let an update bot raise the pin. Set "
        "k8s.require_digest = true to require digests everywhere."
    ),
    controls=("NIST-800-53-CM-2",),
    references=(
        "checkov:CKV_K8S_14",
        "checkov:CKV_K8S_43",
        "kube-linter:latest-tag",
        "kube-score:container-image-tag",
        "polaris:tagNotSpecified",
        "trivy:AVD-KSV-0013",
    ),
    applies=workloads,
    example="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: migrate
          image: registry.example.com/migrate
      containers:
        - name: web
          image: registry.example.com/web:latest
""",
    use_instead="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: migrate
          image: registry.example.com/migrate:2.0.1
      containers:
        - name: web
          image: web:1.4.2@sha256:9b2a3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809
""",
)
def image_pinned(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    problem = k8s_object.pod_spec_problem
    if problem is not None:
        yield Unknown(problem)
        return
    require_digest = context.options(K8sOptions).require_digest
    for c in k8s_object.containers():
        image = c.get("image")
        where = c.at("image")
        if image is None or (isinstance(image, str) and not image.strip()):
            # The API lets controllers' templates leave the image to tooling
            # (kustomize `images:`, admission webhooks).
            yield Unknown(f"{c.ref} sets no image here; it is filled in elsewhere")
            continue
        if not isinstance(image, str):
            yield Violation(f"{c.ref} image {image!r} is not a string (type mismatch)", path=where)
            continue
        if is_templated(image):
            yield Unknown(f"{c.ref} image {image!r} is a template expression")
            continue
        ref = parse_image(image)
        if ref.digest is not None:
            if not is_valid_digest(ref.digest):
                yield Violation(
                    f"{c.ref} image {image!r} has a malformed digest {ref.digest!r}", path=where
                )
            continue
        if ref.tag is None:
            if ref.registry is not None and ":" in ref.registry:
                reason = f"has no tag ({ref.registry.split(':')[-1]} is the registry port)"
            else:
                reason = "has no tag (it means latest)"
            yield Violation(f"{c.ref} image {image!r} {reason}", path=where)
        elif ref.tag == "latest":
            yield Violation(f"{c.ref} image {image!r} uses the mutable tag latest", path=where)
        elif require_digest:
            yield Violation(
                f"{c.ref} image {image!r} is pinned by tag only; add its @sha256 digest",
                path=where,
                severity=Severity.LOW,
            )
