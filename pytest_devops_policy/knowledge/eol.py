"""The bundled end-of-life table for base images (``data/image_eol.json``), used by DOCKER-023.

There is no network at test time, so the table is data shipped with the package and carries
the date it was valid on (``valid_as_of``). A cycle's end of life is a date, or ``True`` (ended
before the table date, day not recorded), or ``False`` (still supported on the table date, end
not recorded): the table states only what its author was sure of.

Mapping an image to cycles reads the tag: its first ``-``-separated word is the image's own
version (``node:18.20.4-bookworm-slim`` -> Node.js 18), later words may name the distribution
it is built on (``bookworm`` -> Debian 12, ``alpine3.18`` -> Alpine 3.18, ``al2`` -> Amazon
Linux 2, ``centos7``). Both are looked up, because either being end of life means the image
stops getting security fixes. A distribution named without a version (``-alpine``, ``-slim``)
follows the image's current default and is not checked.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

from pytest_devops_policy.formats.images import ImageRef

__all__ = [
    "EolCycle",
    "EolLookup",
    "EolPart",
    "EolTable",
    "Product",
    "as_of_date",
    "family_name",
    "is_eol",
    "load_table",
    "lookup",
    "lookup_all",
    "parse_table",
]

EolValue = dt.date | bool

# Spellings of Docker Hub (and its mirrors) that name the same official image.
_HUB_PREFIXES = (
    "docker.io/",
    "index.docker.io/",
    "registry-1.docker.io/",
    "registry.hub.docker.com/",
    "public.ecr.aws/docker/",
    "mirror.gcr.io/",
)
# A version word: digits and dots, then an optional suffix that does not change the release
# cycle (``8u402``, ``1.22rc1``, ``3.13.0a1``, ``17.0.10_7``).
_VERSION = re.compile(r"^(\d+(?:\.\d+)*)(?:[a-z_+~][0-9a-z_.+~]*)?$")
_PLAIN_VERSION = re.compile(r"^\d+(?:\.\d+)*$")


class EolCycle(NamedTuple):
    """One release cycle of one product: ``("node", "18", date(2025, 4, 30))``."""

    product: str
    cycle: str
    eol: EolValue


@dataclass(frozen=True)
class Product:
    key: str
    title: str
    eol_meaning: str
    images: tuple[str, ...]
    cycles: Mapping[str, EolValue]
    codenames: Mapping[str, str]
    aliases: Mapping[str, str]  # whole version words of closed lines: python "2" -> "2.7"
    distro: bool  # may be named inside other images' tags
    tag_prefix: str | None  # the distro word in tags: "alpine" in alpine3.18, "al" in al2023

    def label(self, cycle: str) -> str:
        """``Debian 10 (buster)``, ``Python 3.8``, ``CentOS Stream 9``."""
        names = [name for name, c in self.codenames.items() if c == cycle]
        shown = cycle
        m = re.fullmatch(r"([a-z]+)(\d+)", cycle)  # "stream9" -> "Stream 9"
        if m:
            shown = f"{m.group(1).capitalize()} {m.group(2)}"
        return f"{self.title} {shown}" + (f" ({names[0]})" if names else "")

    def find_cycle(self, version: str) -> str | None:
        """The listed cycle a version belongs to: the longest dotted prefix that is listed."""
        parts = version.split(".")
        for k in range(len(parts), 0, -1):
            candidate = ".".join(parts[:k])
            if candidate in self.cycles:
                return candidate
        return None

    def spans_cycles(self, version: str) -> bool:
        """``3`` for Python: a moving tag over several listed cycles."""
        return any(c.startswith(version + ".") for c in self.cycles)


@dataclass(frozen=True)
class EolTable:
    valid_as_of: dt.date
    source: str
    products: Mapping[str, Product]
    by_image: Mapping[str, str]  # family name -> product key
    patterns: tuple[re.Pattern[str], ...]  # image names that embed versions (distroless)


@dataclass(frozen=True)
class EolPart:
    """A cycle found for an image, and where in the reference it was named."""

    entry: EolCycle
    label: str  # "Debian 10 (buster)"
    origin: str  # "tag", "distro in tag" or "image name"


@dataclass(frozen=True)
class EolLookup:
    """Everything the table says about one image reference.

    ``parts`` holds the image's own product cycle first, then distributions named in the tag.
    ``gaps`` explains each part that could not be looked up; every gap ends with
    "not in the bundled EOL table".
    """

    family: str | None  # the image's own product, None when the image is not in the table
    parts: tuple[EolPart, ...]
    gaps: tuple[str, ...]

    @property
    def entries(self) -> tuple[EolCycle, ...]:
        return tuple(p.entry for p in self.parts)


# --------------------------------------------------------------------------- loading


@functools.cache
def load_table() -> EolTable:
    """The bundled table, read once per process."""
    ref = resources.files("pytest_devops_policy") / "data" / "image_eol.json"
    return parse_table(json.loads(ref.read_text(encoding="utf-8")))


def _date(value: Any, where: str) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a YYYY-MM-DD date, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{where}: expected a YYYY-MM-DD date, got {value!r}") from None


def _str_map(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"{where}: expected a table of strings")
    return {k.lower(): v for k, v in value.items()}


def _product(key: str, raw: Any) -> Product:
    where = f"image_eol.json products.{key}"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a table")
    title = raw.get("title")
    images = raw.get("images")
    cycles_raw = raw.get("cycles")
    if not isinstance(title, str) or not title:
        raise ValueError(f"{where}.title: expected a string")
    if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
        raise ValueError(f"{where}.images: expected a list of image names")
    if not isinstance(cycles_raw, Mapping) or not cycles_raw:
        raise ValueError(f"{where}.cycles: expected a table of cycles")
    cycles: dict[str, EolValue] = {}
    for cycle, value in cycles_raw.items():
        # bool first: the JSON true/false forms are not dates.
        cycles[str(cycle)] = (
            value if isinstance(value, bool) else _date(value, f"{where}.cycles.{cycle}")
        )
    codenames = _str_map(raw.get("codenames", {}), f"{where}.codenames")
    aliases = _str_map(raw.get("aliases", {}), f"{where}.aliases")
    for name, target in aliases.items():
        if target not in cycles:
            raise ValueError(f"{where}.aliases.{name}: {target!r} is not a listed cycle")
    prefix = raw.get("tag_prefix")
    if prefix is not None and not isinstance(prefix, str):
        raise ValueError(f"{where}.tag_prefix: expected a string")
    return Product(
        key=key,
        title=title,
        eol_meaning=str(raw.get("eol_meaning", "")),
        images=tuple(i.lower() for i in images),
        cycles=cycles,
        codenames=codenames,
        aliases=aliases,
        distro=bool(raw.get("distro", False)),
        tag_prefix=prefix.lower() if prefix else None,
    )


def parse_table(data: Mapping[str, Any]) -> EolTable:
    """Validate the JSON document; a broken table must fail loudly, not pass images."""
    valid_as_of = _date(data.get("valid_as_of"), "image_eol.json valid_as_of")
    products_raw = data.get("products")
    if not isinstance(products_raw, Mapping) or not products_raw:
        raise ValueError("image_eol.json products: expected a table of products")
    products = {str(k): _product(str(k), v) for k, v in products_raw.items()}
    by_image: dict[str, str] = {}
    for product in products.values():
        for image in product.images:
            if image in by_image:
                raise ValueError(
                    f"image_eol.json: image {image!r} is listed under both "
                    f"{by_image[image]!r} and {product.key!r}"
                )
            by_image[image] = product.key
    patterns: list[re.Pattern[str]] = []
    for i, item in enumerate(data.get("image_patterns", [])):
        text = item.get("pattern") if isinstance(item, Mapping) else None
        if not isinstance(text, str):
            raise ValueError(f"image_eol.json image_patterns[{i}]: expected a pattern")
        pattern = re.compile(text)
        unknown = set(pattern.groupindex) - set(products)
        if not pattern.groupindex or unknown:
            raise ValueError(
                f"image_eol.json image_patterns[{i}]: named groups must be product keys"
                + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else "")
            )
        patterns.append(pattern)
    return EolTable(
        valid_as_of=valid_as_of,
        source=str(data.get("source", "")),
        products=products,
        by_image=by_image,
        patterns=tuple(patterns),
    )


# --------------------------------------------------------------------------- lookup


def family_name(image: ImageRef) -> str:
    """The image name with Docker Hub spellings folded: ``docker.io/library/node`` -> ``node``,
    ``public.ecr.aws/docker/library/python`` -> ``python``."""
    name = image.name.lower()
    for prefix in _HUB_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name.removeprefix("library/")


def _part(product: Product, cycle: str, origin: str) -> EolPart:
    return EolPart(
        EolCycle(product.key, cycle, product.cycles[cycle]), product.label(cycle), origin
    )


def _own_cycle(product: Product, word: str, tag: str) -> str | EolPart:
    """The image's own cycle from the first word of its tag, or a gap."""
    if word in product.cycles:  # "stream9", "2018.03"
        return _part(product, word, "tag")
    if word in product.aliases:
        return _part(product, product.aliases[word], "tag")
    if word in product.codenames:
        cycle = product.codenames[word]
        if cycle in product.cycles:
            return _part(product, cycle, "tag")
        return f"{product.title} {cycle} ({word}) is not in the bundled EOL table"
    version_word = word
    if product.tag_prefix and word.startswith(product.tag_prefix):  # centos:centos7
        version_word = word[len(product.tag_prefix) :]
    m = _VERSION.match(version_word)
    if m is None:
        return (
            f"the tag '{tag}' names no single {product.title} release (a moving tag), "
            "so it is not in the bundled EOL table"
        )
    version = m.group(1)
    found = product.find_cycle(version)
    if found is not None:
        return _part(product, found, "tag")
    if product.spans_cycles(version):
        return (
            f"the tag '{tag}' names no single {product.title} release ({version} moves across "
            f"{version}.x), so it is not in the bundled EOL table"
        )
    return f"{product.title} {version} is not in the bundled EOL table"


def _distro_in_word(table: EolTable, word: str) -> str | EolPart | None:
    """A distribution named by one tag word (``bookworm``, ``alpine3.18``, ``al2``), a gap
    for a recognisable but unlisted one (``alpine3.99``), or None."""
    for product in table.products.values():
        if not product.distro:
            continue
        if word in product.codenames:
            cycle = product.codenames[word]
            if cycle in product.cycles:
                return _part(product, cycle, "distro in tag")
            return (
                f"{product.title} {cycle} ({word}), named in the tag, "
                "is not in the bundled EOL table"
            )
        prefix = product.tag_prefix
        if prefix and word.startswith(prefix) and _PLAIN_VERSION.match(word[len(prefix) :]):
            version = word[len(prefix) :]
            found = product.find_cycle(version)
            if found is not None:
                return _part(product, found, "distro in tag")
            return f"{product.title} {version}, named in the tag, is not in the bundled EOL table"
    return None


def _by_pattern(table: EolTable, name: str) -> EolLookup | None:
    for pattern in table.patterns:
        m = pattern.match(name)
        if m is None:
            continue
        parts: list[EolPart] = []
        gaps: list[str] = []
        # Group order is the order of significance: the image's own product first.
        for key in sorted(pattern.groupindex, key=lambda k: pattern.groupindex[k]):
            product, version = table.products[key], m.group(key)
            cycle = product.find_cycle(version)
            if cycle is None:
                gaps.append(f"{product.title} {version} is not in the bundled EOL table")
            else:
                parts.append(_part(product, cycle, "image name"))
        first = min(pattern.groupindex, key=lambda k: pattern.groupindex[k])
        return EolLookup(first, tuple(parts), tuple(gaps))
    return None


def lookup_all(image: ImageRef, table: EolTable | None = None) -> EolLookup:
    """The cycles an image reference names: its own product and any distro in the tag."""
    table = table or load_table()
    name = family_name(image)
    found = _by_pattern(table, name)
    if found is not None:
        return found
    key = table.by_image.get(name)
    if key is None:
        return EolLookup(None, (), (f"{name} is not in the bundled EOL table",))
    product = table.products[key]
    tag = (image.tag or "").lower()
    if not tag or tag == "latest":
        if tag:
            what = "the tag 'latest' names"
        elif image.digest:
            what = "only a digest (no tag), which names"
        else:
            what = "no tag (it pulls 'latest'), which names"
        gap = f"{what} no single {product.title} release, so it is not in the bundled EOL table"
        return EolLookup(key, (), (gap,))
    words = tag.split("-")
    own = _own_cycle(product, words[0], tag)
    parts: list[EolPart] = [own] if isinstance(own, EolPart) else []
    gaps: list[str] = [] if isinstance(own, EolPart) else [own]
    # A tag without a version may still name a distro (python:alpine3.19): scan every word.
    rest = words[1:] if isinstance(own, EolPart) else words
    if not product.distro:
        for word in rest:
            distro = _distro_in_word(table, word)
            if isinstance(distro, EolPart):
                if distro.entry not in {p.entry for p in parts}:
                    parts.append(distro)
            elif distro is not None:
                gaps.append(distro)
    return EolLookup(key, tuple(parts), tuple(gaps))


def lookup(image: ImageRef, table: EolTable | None = None) -> EolCycle | None:
    """The image's own release cycle (product, cycle, end of life), or None when the table
    cannot tell (unknown image, no version in the tag, unlisted cycle)."""
    found = lookup_all(image, table)
    for part in found.parts:
        if part.entry.product == found.family:
            return part.entry
    return None


# --------------------------------------------------------------------------- dates


def is_eol(entry: EolCycle, as_of: dt.date, table_date: dt.date) -> bool | None:
    """Whether ``entry`` is end of life on ``as_of`` (an EOL on that very day counts).

    None when the table cannot tell: ``True``/``False`` entries are only known on the
    table's own date, so an earlier/later ``as_of`` leaves them open.
    """
    eol = entry.eol
    if isinstance(eol, bool):
        if eol:
            return True if as_of >= table_date else None
        return False if as_of <= table_date else None
    return eol <= as_of


def as_of_date(value: Any, table: EolTable) -> dt.date:
    """The date to judge against (``docker.eol_table_date``): the table's own date by default,
    so a result is the same tomorrow; an ISO date (or TOML date); or ``today``."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "bundled")):
        return table.valid_as_of
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "today":
            return dt.date.today()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(
        f'docker.eol_table_date must be "bundled", "today" or a YYYY-MM-DD date, got {value!r}'
    )
