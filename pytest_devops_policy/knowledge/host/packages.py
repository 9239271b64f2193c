"""What the package managers say (catalog §8.2-9): pending updates from the local index, the
automatic-update configuration, installed kernels. Pure functions of command output and file
text; HOST-013 and HOST-014 run the commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Pending",
    "apk_pending",
    "apt_conf",
    "apt_config_dump",
    "apt_pending",
    "dnf_security_pending",
    "dpkg_installed",
    "dpkg_kernels",
    "ini_values",
    "kernel_key",
    "newest_kernel",
    "rpm_kernels",
]


@dataclass(frozen=True)
class Pending:
    """One pending update: the package, its versions and where the new one comes from."""

    package: str
    installed: str  # "" for a new package (a new kernel ABI)
    candidate: str
    origin: str  # apt origins, an advisory id and severity, "" for apk
    security: bool

    def describe(self) -> str:
        versions = f"{self.installed} -> {self.candidate}" if self.installed else self.candidate
        source = f" ({self.origin})" if self.origin else ""
        return " ".join(p for p in (self.package, versions) if p) + source


# Inst liblzma-dev [5.4.1-1] (5.4.1-1+deb12u2 Debian-Security:12/oldstable-security [amd64])
# Inst linux-image-6.1.0-21-amd64 (6.1.90-1 Debian-Security:12/stable-security [amd64])
_INST = re.compile(
    r"^Inst (?P<pkg>\S+)(?: \[(?P<old>[^\]]*)\])? \((?P<new>\S+)(?: (?P<origins>.*?))?"
    r"(?: \[[^\]]*\])?\)"
)


def apt_pending(text: str) -> list[Pending]:
    """The ``Inst`` lines of ``apt-get -s dist-upgrade``; security when an origin's suite ends
    in ``-security`` (``Debian-Security:12/stable-security``, ``Ubuntu:22.04/jammy-security``)."""
    out = []
    for line in text.splitlines():
        m = _INST.match(line.strip())
        if not m:
            continue
        origins = (m["origins"] or "").strip()
        suites = [o.strip().rsplit("/", 1)[-1] for o in origins.split(",")]
        out.append(
            Pending(
                m["pkg"],
                m["old"] or "",
                m["new"],
                origins,
                any(s.endswith("-security") for s in suites),
            )
        )
    return out


# RHSA-2024:1234 Important/Sec. openssl-1:3.0.7-25.el9_3.x86_64
# FEDORA-2024-0b2ff8a7c3 Moderate/Sec. curl-8.2.1-4.fc39.x86_64
_ADVISORY = re.compile(r"^(?P<id>\S+)\s+(?P<kind>\S+)\s+(?P<nevra>\S+)\s*$")


def dnf_security_pending(text: str) -> list[Pending]:
    """``dnf -q updateinfo list --security --available``: one line per advisory and package."""
    out = []
    for line in text.splitlines():
        m = _ADVISORY.match(line.strip())
        if not m or ("/" not in m["kind"] and "sec" not in m["kind"].lower()):
            continue
        severity = m["kind"].split("/", 1)[0]
        out.append(Pending(m["nevra"], "", "", f"{m['id']}, {severity}", True))
    return out


# busybox-1.36.1-r5                       < 1.36.1-r15
_APK = re.compile(r"^(?P<pkg>\S+)\s+<\s+(?P<new>\S+)")
_APK_NAME = re.compile(r"^(?P<name>.+?)-(?P<ver>\d[^-]*-r\d+)$")


def apk_pending(text: str) -> list[Pending]:
    """``apk version -l '<'``: installed ``name-version`` lines older than the index."""
    out = []
    for line in text.splitlines():
        m = _APK.match(line.strip())
        if not m:
            continue
        n = _APK_NAME.match(m["pkg"])
        name, old = (n["name"], n["ver"]) if n else (m["pkg"], "")
        out.append(Pending(name, old, m["new"], "", False))
    return out


# -- installed packages and kernels


def dpkg_installed(status: str) -> bool:
    """``dpkg-query -W -f='${Status}'``: ``install ok installed`` (or ``hold ok installed``)."""
    words = status.split()
    return len(words) == 3 and words[2] == "installed"


def dpkg_kernels(text: str) -> list[str]:
    """Kernel releases from ``dpkg-query -W -f='${Package} ${Status}\\n' 'linux-image-[0-9]*'``
    (the package ``linux-image-6.1.0-21-amd64`` holds the release ``6.1.0-21-amd64``)."""
    out = []
    for line in text.splitlines():
        name, _, status = line.strip().partition(" ")
        if name.startswith("linux-image-") and dpkg_installed(status):
            out.append(name.removeprefix("linux-image-"))
    return out


def rpm_kernels(text: str) -> list[str]:
    """Kernel releases from ``rpm -q kernel`` (``kernel-5.14.0-362.8.1.el9_3.x86_64``)."""
    return [
        line.strip().removeprefix("kernel-")
        for line in text.splitlines()
        if line.strip().startswith("kernel-") and " " not in line.strip()
    ]


def kernel_key(release: str) -> tuple[tuple[int, str], ...]:
    """A sort key for kernel releases: numbers compare as numbers (6.1.0-21 > 6.1.0-9)."""
    return tuple(
        (int(part), "") if part.isdigit() else (-1, part)
        for part in re.findall(r"\d+|[a-z]+", release.lower())
    )


def newest_kernel(releases: Iterable[str]) -> str | None:
    found = sorted(set(releases), key=kernel_key)
    return found[-1] if found else None


# -- APT configuration (HOST-013)


def apt_config_dump(text: str) -> dict[str, list[str]]:
    """``apt-config dump`` lines (``APT::Periodic::Unattended-Upgrade "1";``) as key -> values;
    list items (``Unattended-Upgrade::Origins-Pattern:: "..."``) gather under their list."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r'^(\S+)\s+"(.*)";\s*$', line.strip())
        if not m:
            continue
        key, value = m[1], m[2]
        if key.endswith("::"):
            out.setdefault(key[:-2], []).append(value)
        elif value or key not in out:
            out[key] = [value] if value else out.get(key, [])
    return out


_APT_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{};]|[^\s{};"]+')


def _apt_tokens(text: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith(("#clear", "#include")):
            continue
        lines.append(re.sub(r'//[^"]*$', "", line) if "//" in line else line)
    return _APT_TOKEN.findall("\n".join(lines))


def apt_conf(texts: Iterable[str]) -> dict[str, list[str]]:
    """The apt.conf files in the order APT reads them, in ``apt-config dump``'s shape: later
    scalars win, lists accumulate, ``#clear`` empties (for trees, where apt-config would
    describe the auditing machine)."""
    out: dict[str, list[str]] = {}
    for text in texts:
        stack: list[str] = []
        pending: list[str] = []
        tokens = _apt_tokens(text)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok == "#clear":
                i += 1
                while i < len(tokens) and tokens[i] != ";":
                    name = tokens[i].strip('"')
                    for key in [k for k in out if k == name or k.startswith(name + "::")]:
                        del out[key]
                    i += 1
            elif tok == "{":
                stack.append("::".join(pending))
                pending = []
            elif tok == "}":
                if stack:
                    stack.pop()
                pending = []
            elif tok == ";":
                pending = []
            elif tok.startswith('"'):
                value = tok[1:-1]
                scope = "::".join(p for p in [*stack, *pending] if p)
                if pending:  # Key "value";
                    out[scope] = [value]
                else:  # a list item inside Key { "a"; "b"; };
                    out.setdefault(scope, []).append(value)
                pending = []
            else:
                pending.append(tok.rstrip(":"))
            i += 1
    return out


def ini_values(text: str) -> Mapping[str, str]:
    """``section.key`` -> value of an INI file (``/etc/dnf/automatic.conf``): the last
    assignment wins; keys are lower-cased."""
    out: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            continue
        key, sep, value = line.partition("=")
        if sep:
            out[f"{section}.{key.strip().lower()}"] = value.strip()
    return out
