"""Host specs and their labels (catalog §8.1): what the user names, what node ids show.

A spec is a testinfra hostspec (``ssh://deploy@web1?sudo=true``) or ``chroot:///abs/path``.
Its label goes into node ids and JUnit, so it is stable and safe: credentials and query
strings are dropped (a password never reaches a report), IPv6 literals are written out
uncompressed (a ``::`` would split pytest's node id), and equal labels get ``~2``, ``~3``.
Nothing here contacts a host.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["PROFILE_OF_SCHEME", "HostSpec", "SpecError", "parse_specs"]

# The profile a scheme fixes at collection; local:// is decided at run time from the facts.
PROFILE_OF_SCHEME = {
    "ssh": "server",
    "paramiko": "server",
    "ansible": "server",
    "salt": "server",
    "docker": "container",
    "podman": "container",
    "kubectl": "container",
    "openshift": "container",
    "lxc": "container",
    "chroot": "image",
    "local": "auto",
    "winrm": "windows",
}
# The query keys kept in a kubectl:// or openshift:// label (they name a different target).
_TARGET_KEYS = ("namespace", "container")


class SpecError(ValueError):
    """A host spec that cannot name a host (a usage error at start-up)."""


@dataclass(frozen=True)
class HostSpec:
    spec: str  # as the user wrote it (may hold credentials: never shown)
    scheme: str
    host: str  # testinfra's host argument (the chroot directory for chroot://)
    label: str  # node ids, JUnit, waivers: host:<label>::HOST-nnn

    @property
    def profile(self) -> str:
        return PROFILE_OF_SCHEME.get(self.scheme, "server")

    @property
    def node_name(self) -> str:
        return f"host:{self.label}"


def _uncompressed(host: str) -> str:
    """``[::1]`` -> ``[0:0:0:0:0:0:0:1]``: no ``::`` inside a node id."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    zone = ""
    if "%" in bare:
        bare, zone = bare.split("%", 1)
        zone = "%" + zone
    try:
        addr = ipaddress.IPv6Address(bare)
    except ValueError:
        return host
    full = ":".join(str(int(part, 16)) if part else "0" for part in addr.exploded.split(":"))
    return f"[{full}{zone}]"


def _label(scheme: str, parsed: urllib.parse.SplitResult) -> str:
    if scheme == "local":
        return "local"
    if scheme == "chroot":
        return f"chroot://{parsed.path}"
    user = parsed.username
    host = parsed.hostname or ""
    if ":" in host:  # urllib strips the brackets of an IPv6 literal
        host = _uncompressed(f"[{host}]")
    elif host:
        host = _uncompressed(host)
    try:
        port = parsed.port
    except ValueError:
        raise SpecError(f"bad port in host spec {scheme}://{parsed.hostname}") from None
    where = (f"{user}@" if user else "") + host + (f":{port}" if port else "")
    if scheme in ("kubectl", "openshift"):
        query = urllib.parse.parse_qs(parsed.query)
        parts = [query.get(k, [""])[0] for k in _TARGET_KEYS]
        namespace, container = parts
        pod = where
        where = "/".join(p for p in (namespace, pod, container) if p)
    return f"{scheme}://{where}"


def parse_spec(text: str) -> HostSpec:
    text = text.strip()
    if not text:
        raise SpecError("an empty host spec")
    if "://" not in text:
        text = "paramiko://" + text  # testinfra's default backend
    scheme = text.split("://", 1)[0].lower()
    if scheme not in PROFILE_OF_SCHEME:
        known = ", ".join(f"{s}://" for s in sorted(PROFILE_OF_SCHEME))
        raise SpecError(f"unknown host scheme {scheme}:// (known: {known})")
    parsed = urllib.parse.urlsplit(text)
    if scheme == "chroot":
        path = parsed.path
        if not path.startswith("/") or parsed.netloc:
            raise SpecError(f"chroot:// needs an absolute path, as in chroot:///srv/image: {text}")
        return HostSpec(text, scheme, path, _label(scheme, parsed))
    if scheme == "local":
        return HostSpec(text, scheme, "", "local")
    if not parsed.hostname and scheme not in ("ansible", "salt"):
        raise SpecError(f"host spec {scheme}:// names no host")
    host = parsed.netloc
    return HostSpec(text, scheme, host, _label(scheme, parsed))


def parse_specs(texts: Sequence[str]) -> list[HostSpec]:
    """Each spec parsed (comma-separated lists allowed), equal labels told apart in order."""
    specs: list[HostSpec] = []
    seen: dict[str, int] = {}
    for text in texts:
        for part in str(text).split(","):
            if not part.strip():
                continue
            spec = parse_spec(part)
            n = seen[spec.label] = seen.get(spec.label, 0) + 1
            if n > 1:
                spec = HostSpec(spec.spec, spec.scheme, spec.host, f"{spec.label}~{n}")
            specs.append(spec)
    return specs
