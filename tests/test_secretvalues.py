"""Value detectors: each well-known credential shape is found, look-alikes are not."""

from __future__ import annotations

import base64

import pytest
from secret_fakes import BASE32, DIGITS, URLSAFE, Fakes

from pytest_devops_policy.knowledge.secrets.values import detect_secrets

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"


def _openssh_key(f: Fakes) -> str:
    """An unencrypted OpenSSH key's armour: the ``openssh-key-v1`` header, random bytes."""
    raw = b"openssh-key-v1\0" + b"\0\0\0\x04none" + f.rng.randbytes(280)
    body = base64.b64encode(raw).decode()
    armour = "OPENSSH PRIV" + "ATE KEY-----"
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "-----BEGIN " + armour + "\n" + "\n".join(lines) + "\n-----END " + armour


# Realistic fakes in the documented shapes, built at run time (random bodies, valid GitHub
# and npm checksums): the detectors rightly reject low-randomness fillers like "a" * 36.
_F = Fakes(23)
FOUND = [
    ("SECRET-001", _F.pem()),
    ("SECRET-001", _openssh_key(_F)),
    ("SECRET-002", "AK" + "IA" + _F.rnd(16, BASE32)),
    ("SECRET-002", "key=AI" + "za" + _F.rnd(35, URLSAFE)),
    (
        "SECRET-002",
        "DefaultEndpointsProtocol=https;Account"
        + "Key="
        + base64.b64encode(_F.rng.randbytes(64)).decode()
        + ";",
    ),
    ("SECRET-003", _F.checksummed("gh" + "p_")),
    ("SECRET-003", "gl" + "pat-" + _F.rnd(20, URLSAFE)),
    ("SECRET-004", _F.checksummed("np" + "m_")),
    ("SECRET-005", "xo" + "xb-" + _F.rnd(12, DIGITS) + "-" + _F.rnd(13, DIGITS) + "-" + _F.rnd(24)),
    (
        "SECRET-005",
        "https://hooks.slack"
        + ".com/services/T"
        + _F.rnd(10, BASE32)
        + "/B"
        + _F.rnd(10, BASE32)
        + "/"
        + _F.rnd(24),
    ),
    ("SECRET-006", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
    ("SECRET-006", "SG." + _F.rnd(22, URLSAFE) + "." + _F.rnd(43, URLSAFE)),
    ("SECRET-007", JWT),
    ("SECRET-008", "postgres://app:S3cr3tPw@db:5432/app"),
]

NOT_FOUND = [
    "AKIAIOSFODNN7EXAMPLE",  # AWS's documentation example
    "postgres://app:${DB_PASSWORD}@db/app",
    "https://user:****@example.com",
    "https://pypi.org/simple",
    "${GITHUB_TOKEN}",
    "changeme",
    "-----BEGIN CERTIFICATE-----\nMIIB" + "A" * 80,
    "python@sha256:" + "0" * 64,
    "0123456789abcdef0123456789abcdef01234567",
    "eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlX3g",  # header has no alg
    "ghp_short",
]


@pytest.mark.parametrize(("detector", "value"), FOUND, ids=[f[0] for f in FOUND])
def test_found(detector: str, value: str) -> None:
    hits = detect_secrets(value)
    assert [h.detector for h in hits][:1] == [detector]
    assert hits[0].match in value


@pytest.mark.parametrize("value", NOT_FOUND)
def test_not_found(value: str) -> None:
    assert detect_secrets(value) == []


def test_url_password_is_the_secret_part() -> None:
    (hit,) = detect_secrets("amqp://guest:Wq8vZ2kP@rabbit:5672/")
    assert hit.match == "Wq8vZ2kP"
