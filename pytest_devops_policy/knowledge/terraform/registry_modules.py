"""Registry modules judged through a shipped stand-in (issue 17 point 3).

A call of a remote module is Unknown: its code is not in the repository. For a few widely
used modules whose inputs map directly onto the attributes the policies read, the package
ships a *stand-in*: a small Terraform module under ``data/terraform_modules/<name>/``,
written for judging only, that declares the real module's inputs with the real module's
defaults and sets the same resource attributes from them (see each stand-in's header and
``data/terraform_modules/README.md``). A call whose source maps to a stand-in is evaluated
like a local call of that directory.

What maps:

* the registry address ``terraform-aws-modules/<name>/aws``, also with the host
  ``registry.terraform.io/`` or ``registry.opentofu.org/`` (any case), and a ``version``
  constraint whose newest admitted major version is one the stand-in was checked against
  (Terraform installs the newest version a constraint admits; without ``version`` it is the
  newest release, taken to be the newest major listed here);
* the module's GitHub repository (``github.com/terraform-aws-modules/terraform-aws-<name>``,
  ``git::https://github.com/...``, ``git@github.com:...``, ``git::ssh://git@github.com/...``,
  with or without ``.git``), with ``?ref=`` a release tag (``v7.2.0``, ``7.2.0``) of a
  supported major, or no ref (the default branch: the newest release line).

What does not: a submodule (``terraform-aws-modules/rds/aws//modules/db_instance``,
``.../security-group/aws//modules/ssh``): its inputs and defaults are not the root
module's (db_instance takes ``create`` and has no parameter group; the named security
groups add their own ingress rules and an all-all egress rule), so judging it with the
root module's stand-in would be a guess. Nor a ref that is a commit or a branch other than
the default (which release it is cannot be told), other hosts, mirrors or forks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

__all__ = ["STAND_IN_ROOT", "MappedModule", "mapped_sources", "stand_in"]

STAND_IN_ROOT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "data",
    "terraform_modules",
)
"""Where the stand-ins are (``pytest_devops_policy/data/terraform_modules``)."""


@dataclass(frozen=True)
class MappedModule:
    """One registry module and its stand-in."""

    source: str  # the registry address, ``terraform-aws-modules/rds/aws``
    directory: str  # the stand-in's directory name under STAND_IN_ROOT
    majors: tuple[int, ...]  # major versions whose defaults and mapping the stand-in matches
    read_at: str  # the release the stand-in was written from

    @property
    def repository(self) -> str:
        """The GitHub repository, ``terraform-aws-modules/terraform-aws-rds``."""
        namespace, name, provider = self.source.split("/")
        return f"{namespace}/terraform-{provider}-{name}"

    @property
    def path(self) -> str:
        return os.path.join(STAND_IN_ROOT, self.directory)

    @property
    def versions(self) -> str:
        """``v6, v7`` for documentation."""
        return ", ".join(f"v{m}" for m in self.majors)


_MODULES = (
    MappedModule("terraform-aws-modules/rds/aws", "rds", (6, 7), "v7.2.0"),
    MappedModule("terraform-aws-modules/s3-bucket/aws", "s3-bucket", (4, 5), "v5.15.4"),
    MappedModule("terraform-aws-modules/security-group/aws", "security-group", (4, 5), "v5.3.1"),
    MappedModule("terraform-aws-modules/vpc/aws", "vpc", (4, 5, 6), "v6.6.0"),
)
_BY_SOURCE = {m.source: m for m in _MODULES}
_BY_REPOSITORY = {m.repository: m for m in _MODULES}

_REGISTRY_HOSTS = ("registry.terraform.io/", "registry.opentofu.org/")
_GITHUB = re.compile(
    r"^(?:git::)?(?:https://|ssh://git@|git@)?github\.com[/:]"
    r"(?P<repo>[\w.-]+/[\w.-]+?)(?:\.git)?/?(?:\?(?P<query>.*))?$",
    re.IGNORECASE,
)
_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
_OPERATORS = ("~>", ">=", "<=", "!=", "=", ">", "<")  # longest first
_CONSTRAINT_VERSION = re.compile(r"v?(\d+(?:\.\d+){0,2})(?:-[\w.]+)?")


def mapped_sources() -> tuple[MappedModule, ...]:
    """The registry modules that have a stand-in, for the documentation."""
    return _MODULES


def stand_in(source: str, version: str | None) -> str | None:
    """The stand-in directory for a ``module`` call's ``source`` and ``version``, or ``None``
    when the source is not a mapped module, names a submodule, or pins a release line the
    stand-in was not checked against (the call stays Unknown then)."""
    text = source.strip()
    github = _GITHUB.match(text)
    if github is not None:
        return _from_github(github.group("repo"), github.group("query") or "")
    low = text.lower()
    for host in _REGISTRY_HOSTS:
        if low.startswith(host):
            low = low[len(host) :]
            break
    module = _BY_SOURCE.get(low)
    if module is None:  # another module, or a submodule ("...//modules/db_instance")
        return None
    major = _resolved_major(version, max(module.majors))
    return module.path if major in module.majors else None


def _from_github(repo: str, query: str) -> str | None:
    module = _BY_REPOSITORY.get(repo.lower())
    if module is None:
        return None
    ref = None
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key == "ref":
            ref = value
        elif key in ("depth", "sshkey"):
            continue
        elif part:
            return None  # an archive or other getter option: not the plain repository
    if ref is None:
        return module.path  # the default branch: the newest release line
    tag = _TAG.match(ref)
    if tag is None:
        return None  # a commit or a branch: which release it is cannot be told
    return module.path if int(tag.group(1)) in module.majors else None


def _version(text: str) -> tuple[int, int, int]:
    major, minor, patch = [*(int(p) for p in text.split(".")), 0, 0][:3]
    return major, minor, patch


def _resolved_major(constraint: str | None, newest: int) -> int | None:
    """The major version Terraform installs for a ``version`` constraint, if it can be
    told: the newest major up to ``newest`` that the constraint admits. ``None`` when the
    constraint does not parse or admits nothing released."""
    if constraint is None or not constraint.strip():
        return newest
    lo: tuple[int, ...] = (0, 0, 0)
    hi: tuple[int, ...] = (newest + 1, 0, 0)  # exclusive
    hi_inclusive = False
    for part in constraint.split(","):
        text = part.strip()
        op = next((o for o in _OPERATORS if text.startswith(o)), "=")
        if text.startswith(op):
            text = text[len(op) :].strip()
        m = _CONSTRAINT_VERSION.fullmatch(text)
        if m is None:
            return None
        raw = m.group(1)
        v = _version(raw)
        if op == "=":
            lo, hi, hi_inclusive = max(lo, v), min(hi, v), True
        elif op in (">=", ">"):
            lo = max(lo, v if op == ">=" else (v[0], v[1], v[2] + 1))
        elif op == "<=":
            if v < hi or (v == hi and not hi_inclusive):
                hi, hi_inclusive = v, True
        elif op == "<":
            if v <= hi:
                hi, hi_inclusive = v, False
        elif op == "~>":
            lo = max(lo, v)
            depth = raw.count(".")
            upper = (v[0] + 1, 0, 0) if depth <= 1 else (v[0], v[1] + 1, 0)
            if upper <= hi:
                hi, hi_inclusive = upper, False
        # "!=" excludes one release: it never changes the major installed
    if lo > hi or (lo == hi and not hi_inclusive):
        return None
    top = hi if hi_inclusive else _before(hi)
    if top is None or top < lo:
        return None
    return min(top[0], newest)


def _before(v: tuple[int, ...]) -> tuple[int, ...] | None:
    """The highest version below ``v``, as far as the major goes."""
    if v == (0, 0, 0):
        return None
    if v[1] == 0 and v[2] == 0:
        return (v[0] - 1, 999, 999)
    return (v[0], max(v[1] - (v[2] == 0), 0), 999)
