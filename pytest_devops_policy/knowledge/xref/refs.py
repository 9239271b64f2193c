"""Image references normalised for linking (catalog §9.2-2).

``parse_ref`` reads ``[registry/]path[:tag][@digest]`` (a plain string, or a ``Templated``
value from ``resolve.py``) with the shared parser of formats/images.py, tokens masked so
that the punctuation inside ``${{ }}`` never splits a ref. On top of it:

* the implicit registry: ``app`` ≡ ``library/app`` ≡ ``docker.io/library/app`` ≡
  ``index.docker.io/library/app`` (and ``registry-1.docker.io``); ``docker.io/org/app`` ≡
  ``org/app``;
* host and path are lowercase (registries compare them so; a port in the host stays there
  and is never a tag);
* ``repository`` (registry + path) is the link key; tag and digest are kept apart. A ref with
  neither tag nor digest pulls ``latest``;
* ECR hosts ``<account>.dkr.ecr.<region>.amazonaws.com`` (and ``.com.cn``) give account and
  region; ``templated.ECR_REGISTRY`` (``amazon-ecr-login``'s ``registry`` output) is "some ECR
  host" and matches any ECR host whose path is equal;
* GAR ``<location>-docker.pkg.dev/<project>/<repository>/<image>`` gives its parts;
* GHCR requires lowercase names: upper case in a ``ghcr.io`` path, or a token that may hold
  an owner (``github.repository``, ``github.repository_owner``, ``github.actor``), is a note.

UNKNOWN on purpose: a registry segment that is a token other than the ECR one (``$REGISTRY/app``
could be ``ghcr.io/org`` or a Docker Hub namespace), so no implicit registry is added and
comparisons that need it answer None; any part holding a token compares per ``templated.equal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_devops_policy.formats.images import parse_image
from pytest_devops_policy.knowledge.xref.templated import (
    ECR_REGISTRY,
    Part,
    Templated,
    Token,
    equal,
    split_template,
)

__all__ = [
    "DOCKER_HUB",
    "EcrHost",
    "GarRepository",
    "ImageRef",
    "parse_ref",
    "same_image",
    "same_repository",
]

DOCKER_HUB = "docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_ECR = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
)
_GAR = re.compile(r"(?P<location>[a-z0-9-]+)-docker\.pkg\.dev")
# Tokens whose value holds a GitHub owner, which may be upper case.
_OWNER_TOKENS = ("github.repository", "github.repository_owner", "github.actor")
_MASK = 0xE000  # private-use characters stand for tokens while parsing


@dataclass(frozen=True)
class EcrHost:
    account: str | None  # None: "some ECR host" (amazon-ecr-login output)
    region: str | None


@dataclass(frozen=True)
class GarRepository:
    location: str
    project: str
    repository: str  # the Artifact Registry repository_id
    image: str


@dataclass(frozen=True)
class ImageRef:
    """A normalised image reference. ``registry`` is None only when its segment is a token
    that is not the ECR one (the implicit Docker Hub rule cannot apply)."""

    raw: str
    registry: Templated | None
    path: Templated
    tag: Templated | None
    digest: Templated | None
    ecr: EcrHost | None = None
    gar: GarRepository | None = None
    notes: tuple[str, ...] = ()

    @property
    def repository(self) -> Templated:
        """The link key: ``registry/path``."""
        if self.registry is None:
            return self.path
        return self.registry + Templated.literal_text("/") + self.path

    @property
    def effective_tag(self) -> Templated | None:
        """The tag pulled: ``latest`` when neither tag nor digest is given."""
        if self.tag is None and self.digest is None:
            return Templated.literal_text("latest")
        return self.tag

    @property
    def has_tokens(self) -> bool:
        parts = (self.registry, self.path, self.tag, self.digest)
        return any(p is not None and p.tokens for p in parts)

    def __str__(self) -> str:
        out = self.repository.text
        if self.tag is not None:
            out += ":" + self.tag.text
        if self.digest is not None:
            out += "@" + self.digest.text
        return out


def _mask(value: Templated) -> tuple[str, dict[str, Token]]:
    out: list[str] = []
    tokens: dict[str, Token] = {}
    for part in value.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            mark = chr(_MASK + len(tokens))
            tokens[mark] = part
            out.append(mark)
    return "".join(out), tokens


def _unmask(text: str, tokens: dict[str, Token], lower: bool) -> Templated:
    parts: list[Part] = []
    for ch in text:
        token = tokens.get(ch)
        parts.append(token if token is not None else (ch.lower() if lower else ch))
    return Templated.of(parts)


def parse_ref(ref: str | Templated) -> ImageRef:
    """Normalise one image reference (see the module docstring)."""
    value = split_template(ref) if isinstance(ref, str) else ref
    raw = ref if isinstance(ref, str) else ref.text
    masked, tokens = _mask(value)
    masked = masked.strip()
    parsed = parse_image(masked)
    first, sep, _ = masked.partition("/")
    registry: Templated | None
    if parsed.registry is not None:
        registry = _unmask(parsed.registry, tokens, True)
        if registry.literal in _HUB_ALIASES:
            registry = Templated.literal_text(DOCKER_HUB)
        path_text = parsed.path
    elif (sep and any(ch in tokens for ch in first)) or masked[:1] in tokens:
        # `$REGISTRY/app`, `${{ steps.meta.outputs.image }}`: a token that may hold a host or
        # a namespace, which Docker's host rule cannot place.
        host = _unmask(first, tokens, True)
        if host.parts == (ECR_REGISTRY,):
            registry, path_text = host, parsed.path[len(first) + 1 :]
        else:
            registry, path_text = None, parsed.path
    else:
        registry, path_text = Templated.literal_text(DOCKER_HUB), parsed.path
    path = _unmask(path_text, tokens, True)
    hub = registry is not None and registry.literal == DOCKER_HUB
    if hub and not any(isinstance(p, str) and "/" in p for p in path.parts):
        path = Templated.literal_text("library/") + path
    tag = _unmask(parsed.tag, tokens, False) if parsed.tag is not None else None
    digest = _unmask(parsed.digest, tokens, True) if parsed.digest is not None else None
    notes = tuple(_ghcr_notes(registry, path_text, tokens))
    return ImageRef(raw, registry, path, tag, digest, _ecr(registry), _gar(registry, path), notes)


def _ecr(registry: Templated | None) -> EcrHost | None:
    if registry is None:
        return None
    if registry.parts == (ECR_REGISTRY,):
        return EcrHost(None, None)
    host = registry.literal
    m = _ECR.fullmatch(host) if host is not None else None
    return EcrHost(m.group("account"), m.group("region")) if m else None


def _gar(registry: Templated | None, path: Templated) -> GarRepository | None:
    host = registry.literal if registry is not None else None
    m = _GAR.fullmatch(host) if host is not None else None
    text = path.literal
    if m is None or text is None:
        return None
    parts = text.split("/")
    if len(parts) < 3:
        return None
    return GarRepository(m.group("location"), parts[0], parts[1], "/".join(parts[2:]))


def _ghcr_notes(registry: Templated | None, path_text: str, tokens: dict[str, Token]) -> list[str]:
    if registry is None or registry.literal != "ghcr.io":
        return []
    written = "".join(tokens[ch].text if ch in tokens else ch for ch in path_text)
    if any(ch.isupper() for ch in path_text if ch not in tokens):
        return [f"ghcr.io requires a lowercase name: '{written}' has upper case (push is refused)"]
    owner_tokens = [t.text for t in tokens.values() if any(o in t.text for o in _OWNER_TOKENS)]
    if any(ch in tokens and tokens[ch].text in owner_tokens for ch in path_text):
        return [
            f"ghcr.io requires a lowercase name: {owner_tokens[0]} keeps the owner's case, so "
            "an upper-case owner makes the push fail (lowercase it first)"
        ]
    return []


def same_repository(a: ImageRef, b: ImageRef) -> bool | None:
    """Whether two refs name the same repository; None when a token decides."""
    some_ecr = a.ecr is not None and b.ecr is not None and None in (a.ecr.account, b.ecr.account)
    if some_ecr:
        # "Some ECR host" matches any ECR host: only the paths decide.
        return equal(a.path, b.path)
    for x, y in ((a, b), (b, a)):
        if x.ecr is not None and x.ecr.account is None and y.registry is not None:
            if y.registry.literal is not None:
                return False  # a literal host that is no ECR one
            return None
    # A token host may hold any registry and namespace: ``equal`` then only trusts the
    # literal tail (``/app`` vs ``/web``), which is what we want.
    return equal(a.repository, b.repository)


def same_image(a: ImageRef, b: ImageRef) -> bool | None:
    """Same repository and same version: digests when both have one, else the tags pulled
    (no tag means ``latest``). A digest on one side only cannot be compared (None)."""
    repo = same_repository(a, b)
    if repo is False:
        return False
    if a.digest is not None and b.digest is not None:
        version = equal(a.digest, b.digest)
    elif a.digest is not None or b.digest is not None:
        version = None
    else:
        ta, tb = a.effective_tag, b.effective_tag
        assert ta is not None and tb is not None
        version = equal(ta, tb)
    if version is False:
        return False
    if repo is None or version is None:
        return None
    return True
