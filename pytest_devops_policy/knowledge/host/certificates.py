"""X.509 certificates read from a host, parsed here with ``cryptography`` (catalog §8.2-10).

No network and no ``openssl`` on the target: the bytes come through ``host.read`` and are
parsed locally. A file with a PEM marker may hold a bundle (leaf first, then intermediates,
and for HAProxy the private key too: only the CERTIFICATE blocks count); without one it is
read as DER. ``cryptography`` belongs to the 'host' extra, so it is imported when a
certificate is parsed, never when the plugin loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.x509 import Name

__all__ = ["Certificate", "parse_certificates"]


@dataclass(frozen=True)
class Certificate:
    subject: str  # the common name, or the whole subject when it has none
    issuer: str
    not_before: datetime  # aware, UTC
    not_after: datetime  # aware, UTC

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer


def _name(name: Name) -> str:
    from cryptography.x509.oid import NameOID

    cns = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if cns:
        return str(cns[0].value)
    return name.rfc4514_string()


def parse_certificates(data: bytes) -> list[Certificate]:
    """Every certificate in a PEM bundle (in file order) or the one of a DER file;
    ``ValueError`` when there is none."""
    from cryptography import x509

    if b"-----BEGIN CERTIFICATE-----" in data:
        loaded = x509.load_pem_x509_certificates(data)
    elif b"-----BEGIN" in data:
        raise ValueError("a PEM file without a CERTIFICATE block")
    else:
        loaded = [x509.load_der_x509_certificate(data)]
    return [
        Certificate(
            _name(cert.subject),
            _name(cert.issuer),
            cert.not_valid_before_utc,
            cert.not_valid_after_utc,
        )
        for cert in loaded
    ]
