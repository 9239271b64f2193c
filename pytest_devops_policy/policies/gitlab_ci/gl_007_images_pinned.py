"""GL-007: a job's image and service images name a version (a tag other than latest, or a
digest), whether the job sets them or inherits them from ``default:`` or the top level.

One item per job that runs a container (its own ``image``/``services`` or inherited ones;
trigger jobs run none); one finding per image, at the line that set it. ``$VAR`` parts are
read from the file's ``variables:`` (``knowledge.ci.gl_variables``); a value only known at
run time is UNKNOWN unless the literal parts already decide (``$REGISTRY/node`` has no tag,
``node:20-$FLAVOR`` has one). A few predefined variables have a known shape: the registry
and dependency proxy prefixes never carry a tag, and a commit SHA or pipeline id makes a
fixed tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.formats.gitlab_ci.pipeline import GitLabJob
from pytest_devops_policy.formats.images import is_valid_digest, parse_image
from pytest_devops_policy.knowledge.ci.gl_variables import UNSET, Expansion, expand_variables

_Path = tuple[PathPart, ...]
# GitLab's hosted macOS runners take `image:` as the name of a VM image they provide.
_MACOS_VM = re.compile(r"^macos-\d+(?:-xcode-\d+)?$")

# Predefined variables (when the file does not set them) with a value of known shape:
# registry hosts and image paths, which hold no tag, and ids that make a fixed tag.
_HOST = "gitlab.example.com"
_PROXY = f"{_HOST}:443/group/dependency_proxy/containers"
PREDEFINED = {
    "CI_REGISTRY": f"registry.{_HOST}",
    "CI_REGISTRY_IMAGE": f"registry.{_HOST}/group/project",
    "CI_DEPENDENCY_PROXY_SERVER": f"{_HOST}:443",
    "CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX": _PROXY,
    "CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX": _PROXY,
    "CI_TEMPLATE_REGISTRY_HOST": "registry.gitlab.com",
    "CI_SERVER_HOST": _HOST,
    "CI_SERVER_FQDN": _HOST,
    "CI_PROJECT_PATH": "group/project",
    "CI_PROJECT_NAMESPACE": "group",
    "CI_PROJECT_NAME": "project",
    "CI_PROJECT_PATH_SLUG": "group-project",
    "CI_COMMIT_SHA": "0123456789abcdef0123456789abcdef01234567",
    "CI_COMMIT_SHORT_SHA": "01234567",
    "CI_PIPELINE_ID": "1234",
    "CI_PIPELINE_IID": "12",
}


def _entries(job: GitLabJob) -> Iterator[tuple[str, Any, _Path]]:
    """(what it is, the image value, its job-relative path): the job's image (a string or
    ``{name: ...}``) and each service (a string or ``{name: ..., alias: ...}``)."""
    image = job.image
    if isinstance(image, Mapping):
        if "name" in image:
            yield "image", image["name"], ("image", "name")
    elif image is not None:
        yield "image", image, ("image",)
    for i, service in enumerate(job.services):
        if isinstance(service, Mapping):
            if "name" in service:
                alias = service.get("alias")
                what = f"service (alias {alias})" if isinstance(alias, str) and alias else "service"
                yield what, service["name"], ("services", i, "name")
        elif service is not None:
            yield "service", service, ("services", i)


def _applies(gl_job: GitLabJob) -> bool:
    """Jobs that run a container: an image or services (inherited ones included); trigger
    jobs start another pipeline and run no container of their own."""
    return gl_job.trigger is None and next(_entries(gl_job), None) is not None


def _inherited(job: GitLabJob, path: _Path) -> str:
    """' (from default:)' when the value is the one ``default:`` or the top level sets."""
    own = job.origin(path[:1])
    for where, key in (("default:", ("default", path[0])), (f"the top-level {path[0]}:", path[:1])):
        if own is not None and job.pipeline.origins.get(key) == own:
            return f" (inherited from {where})"
    return ""


@policy(
    id="GL-007",
    name="images-pinned",
    title="Job and service images are pinned",
    severity=Severity.MEDIUM,
    rationale=(
        "An image without a tag, or tagged latest, is whatever the registry serves when the "
        "job starts: a rebuilt upstream image, a new major version or a compromised push "
        "changes what runs with your code and CI/CD variables, without any change in the "
        "repository, and a failure cannot be reproduced. The image set in default: (or at "
        "the top level) runs every job that does not choose its own."
    ),
    remediation=(
        "Name a version in image: and services: (node:20.11-bookworm, postgres:16.4), or a "
        "digest (postgres:16.4@sha256:…) kept fresh by Renovate or Dependabot. With a "
        "variable, set it in variables: (NODE_IMAGE: node:20.11) so the version is in the "
        "file."
    ),
    controls=("SLSA-Build-L3-hermetic", "OpenSSF-Scorecard-Pinned-Dependencies"),
    references=(
        "checkov:CKV_GITLABCI_3",
        "https://docs.gitlab.com/ci/yaml/#image",
        "https://docs.gitlab.com/ci/yaml/#services",
    ),
    applies=_applies,
    example=(
        "default:\n"
        "  image: node\n"
        "\n"
        "test:\n"
        "  services:\n"
        "    - name: postgres:latest\n"
        "      alias: db\n"
        "  script:\n"
        "    - npm test\n"
    ),
    use_instead=(
        "default:\n"
        "  image: node:20.11-bookworm\n"
        "\n"
        "test:\n"
        "  services:\n"
        "    - name: postgres:16.4\n"
        "      alias: db\n"
        "  script:\n"
        "    - npm test\n"
    ),
)
def images_pinned(gl_job: GitLabJob) -> Iterator[Violation | Unknown]:
    for what, value, path in _entries(gl_job):
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            yield Unknown(f"the {what} of job '{gl_job.name}' is not a name ({value!r})")
            continue
        text = str(value).strip()
        if not text:
            continue  # no image named: the runner's default image, outside the file
        if what == "image" and _MACOS_VM.match(text):
            continue  # a hosted macOS runner's VM image (macos-14-xcode-15), no container
        label = f"job '{gl_job.name}': {what.split(' ')[0]} '{text}'"
        if " " in what:
            label += f" {what.split(' ', 1)[1]}"
        label += _inherited(gl_job, path)
        found: list[Violation] = []
        unknown: list[str] = []
        for expansion in expand_variables(text, gl_job, PREDEFINED):
            verdict = _judge(expansion, text, label, path)
            if isinstance(verdict, Violation):
                if verdict not in found:
                    found.append(verdict)
            elif verdict is not None:
                unknown.append(verdict)
        yield from found
        if unknown and not found:
            yield Unknown(unknown[0])


def _via(e: Expansion, text: str) -> str:
    """How the value came from variables:, for messages."""
    if not e.used:
        return ""
    shown = e.text.replace(UNSET, "…")
    pairs = [u.split("=", 1) for u in e.used]
    sets = ", ".join(f"{n}: '{v}'" for n, v in pairs)
    if any(v == shown for _, v in pairs):
        return f" ({sets} in variables:)"
    return f" (= '{shown}', with {sets} in variables:)"


def _could_be(pattern: str, value: str) -> bool:
    """Whether a text with run-time parts could equal ``value``."""
    regex = ".*".join(re.escape(p) for p in pattern.split(UNSET))
    return re.fullmatch(regex, value) is not None


def _judge(e: Expansion, text: str, label: str, path: _Path) -> Violation | str | None:
    """A finding, an unknown reason, or ``None`` (pinned) for one value of an image."""
    value = e.text.strip()
    runtime = ", ".join(f"${n}" for n in e.unset)
    if not value or value == UNSET:
        if not e.unset:
            return None  # the variable is set to '': no image named
        return f"{label} is only known at run time ({runtime} is not set in variables:)"
    ref = parse_image(value)
    via = _via(e, text)
    if ref.digest is not None:
        if UNSET in ref.digest or is_valid_digest(ref.digest):
            return None
        return Violation(
            f"{label}{via} has a malformed digest '{ref.digest}': name sha256:<64 hex digits>",
            path=path,
        )
    last = ref.path.rsplit("/", 1)[-1]
    if ref.tag is None:
        if UNSET in last:
            return (
                f"{label} may carry its tag in {runtime}, which is only known at run time "
                "(not set in variables:)"
            )
        # Sample values of predefined variables stay out of messages: read the port from
        # the text as written.
        written = parse_image(text).registry or ""
        port = ""
        if ":" in written and "$" not in written:
            port = f" ({written.rsplit(':', 1)[1]} is the registry's port)"
        return Violation(
            f"{label}{via} has no tag{port}: it pulls 'latest', whatever that is when the "
            "job starts. Fix: name a version or a digest",
            path=path,
        )
    if UNSET in ref.tag:
        if _could_be(ref.tag, "latest"):
            return (
                f"{label}: its tag comes from {runtime}, which is only known at run time "
                "(not set in variables:)"
            )
        return None
    if ref.tag == "latest":
        return Violation(
            f"{label}{via} is tagged latest, which moves: each run may get a different "
            "image. Fix: name a version or a digest",
            path=path,
        )
    return None
