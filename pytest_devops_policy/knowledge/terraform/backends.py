"""Terraform state backends: which settings make remote state encrypted, locked and free of
committed credentials (TF-027).

A backend block is *partial* when a setting ``terraform init`` cannot do without is missing
(``backend "s3" {}``): the rest comes from ``-backend-config`` at init time, and only a
committed backend file can tell what it is. A block with those settings is complete, and a
missing optional setting (``encrypt``) then means its default.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "CREDENTIAL_SETTINGS",
    "LOCAL_BACKENDS",
    "REQUIRED_SETTINGS",
    "SELF_MANAGING",
    "is_json_credentials",
]

# Settings ``terraform init`` needs: without them a block is a partial configuration.
REQUIRED_SETTINGS: Mapping[str, tuple[str, ...]] = {
    "s3": ("bucket", "key"),
    "gcs": ("bucket",),
    "azurerm": ("storage_account_name", "container_name", "key"),
}

# Backends that keep state on the machine that runs Terraform.
LOCAL_BACKENDS = frozenset({"local"})

# HCP Terraform / Terraform Enterprise encrypt state at rest and lock runs themselves.
SELF_MANAGING = frozenset({"remote", "cloud"})

# Backend settings that hold a credential: a literal one is committed with the code.
CREDENTIAL_SETTINGS = frozenset(
    {
        "access_key",  # s3, azurerm, oss, cos
        "secret_key",  # s3, oss, cos
        "token",  # s3 session token, remote/cloud API token, consul
        "sas_token",  # azurerm
        "client_secret",  # azurerm
        "client_certificate_password",  # azurerm
        "access_token",  # gcs, consul
        "credentials",  # gcs: a literal service-account key JSON (a path is not a secret)
        "encryption_key",  # gcs: a customer-supplied AES key
        "password",  # http, swift, pg-like
        "secret_id",  # oss
        "conn_str",  # pg: only when it carries a password (checked by the caller)
    }
)


def is_json_credentials(text: str) -> bool:
    """A service-account key written inline (JSON with a private key), not a file path."""
    stripped = text.lstrip()
    return stripped.startswith("{") and "private_key" in stripped
