"""Value detectors: each well-known credential shape is found, look-alikes are not."""

from __future__ import annotations

import pytest

from pytest_devops_policy.knowledge.secrets.values import detect_secrets

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"

# Synthetic values in the documented shapes; none of them is a real credential.
FOUND = [
    ("SECRET-001", "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEA" * 6 + "\n-----END"),
    ("SECRET-001", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "b3BlbnNzaC1rZXk" * 6),
    ("SECRET-002", "AKIAZ7QXEXAMPLEKEY23"),
    ("SECRET-002", "key=AIza" + "A" * 35),
    ("SECRET-002", "DefaultEndpointsProtocol=https;AccountKey=" + "a" * 86 + "==;"),
    ("SECRET-003", "ghp_" + "a1" * 18),
    ("SECRET-003", "glpat-" + "x" * 20),
    ("SECRET-004", "npm_" + "A" * 36),
    ("SECRET-005", "xoxb-1234567890-abcdefghij"),
    ("SECRET-005", "https://hooks.slack.com/services/T0000/B0000/" + "x" * 24),
    ("SECRET-006", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
    ("SECRET-006", "SG." + "a" * 22 + "." + "b" * 43),
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
