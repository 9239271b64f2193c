"""Where Terraform code holds credentials (TF-011): provider arguments, resource attributes,
secret-store values, variables, and the text blobs (user data, environment maps) that the
shared secret detectors scan.

Names are matched exactly or by ``_<name>`` suffix (``db_password``, ``primary_auth_token``),
after dropping a write-only ``_wo`` suffix: a literal in ``password_wo`` is as committed as
one in ``password`` (write-only attributes keep a *reference*, such as an ephemeral value,
out of the state; they do not make a literal safe).
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_devops_policy.knowledge.secrets.names import is_known_secret_name, is_secret_like

__all__ = [
    "BLOB_ATTRIBUTES",
    "ENV_MAPS",
    "PROVIDER_CREDENTIALS",
    "SECRET_ATTRIBUTES",
    "SECRET_MAPS",
    "SECRET_VALUES",
    "is_secret_attribute",
    "is_secret_variable",
]

SECRET_ATTRIBUTES = (
    "password",
    "master_password",
    "admin_password",
    "administrator_login_password",
    "root_password",
    "auth_token",
    "client_secret",
    "private_key",
    "secret",
    "token",
    "api_key",
    "connection_string",
    "sas_token",
)

# Names that end like a secret attribute but are not one.
_NOT_SECRET = frozenset(
    {
        "creation_token",  # aws_efs_file_system: an idempotency token
        "client_request_token",
        "idempotency_token",
        "client_token",  # aws_ec2 fleet/capacity requests: idempotency
        "next_token",
    }
)

# Provider arguments that hold a credential, per provider (plus any secret-like name).
PROVIDER_CREDENTIALS: Mapping[str, tuple[str, ...]] = {
    "aws": ("access_key", "secret_key", "token"),
    "azurerm": ("client_secret", "client_certificate_password"),
    "azuread": ("client_secret", "client_certificate_password"),
    "google": ("credentials", "access_token"),
    "google-beta": ("credentials", "access_token"),
    "github": ("token",),
    "gitlab": ("token",),
    "kubernetes": ("token", "password", "client_key"),
    "vault": ("token",),
    "datadog": ("api_key", "app_key"),
    "cloudflare": ("api_token", "api_key"),
    "digitalocean": ("token", "spaces_secret_key"),
}

# (resource type, attribute): the value a secret store keeps. ``aws_ssm_parameter.value``
# only when ``type = "SecureString"`` (checked by the policy).
SECRET_VALUES: Mapping[str, tuple[str, ...]] = {
    "aws_ssm_parameter": ("value",),
    "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
    "azurerm_key_vault_secret": ("value",),
    "google_secret_manager_secret_version": ("secret_data",),
    "github_actions_secret": ("plaintext_value",),
    "github_actions_environment_secret": ("plaintext_value",),
    "github_dependabot_secret": ("plaintext_value",),
}

# (resource type, attribute or nested path): maps whose every value is a secret.
SECRET_MAPS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "kubernetes_secret": (("data",), ("binary_data",)),
    "kubernetes_secret_v1": (("data",), ("binary_data",)),
    "azurerm_container_group": (("container", "secure_environment_variables"),),
}

# Environment maps: a value is a secret if it is credential-shaped under a secret-like key,
# or a well-known credential format.
ENV_MAPS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "aws_lambda_function": (("environment", "variables"),),
    "azurerm_container_group": (("container", "environment_variables"),),
    "azurerm_linux_web_app": (("app_settings",),),
    "azurerm_windows_web_app": (("app_settings",),),
    "azurerm_linux_function_app": (("app_settings",),),
    "azurerm_windows_function_app": (("app_settings",),),
    "azurerm_app_service": (("app_settings",),),
}

# Text blobs run through the shared detectors (and secret-named assignments inside them).
BLOB_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "aws_instance": ("user_data",),
    "aws_launch_template": ("user_data",),
    "aws_launch_configuration": ("user_data",),
    "azurerm_linux_virtual_machine": ("custom_data", "user_data"),
    "azurerm_windows_virtual_machine": ("custom_data", "user_data"),
    "azurerm_virtual_machine": ("custom_data",),
    "azurerm_linux_virtual_machine_scale_set": ("custom_data", "user_data"),
    "azurerm_windows_virtual_machine_scale_set": ("custom_data", "user_data"),
    "google_compute_instance": ("metadata_startup_script",),
    "google_compute_instance_template": ("metadata_startup_script",),
}


def _base(name: str) -> str:
    n = name.lower()
    return n[:-3] if n.endswith("_wo") else n


def is_secret_attribute(name: str) -> bool:
    """A resource (or module) argument named like a credential (§5.3 TF-011)."""
    n = _base(name)
    if n in _NOT_SECRET:
        return False
    return any(n == a or n.endswith("_" + a) for a in SECRET_ATTRIBUTES)


# Variables named like a secret that hold a setting about it.
_SETTING_SUFFIXES = (
    "_arn",
    "_name",
    "_names",
    "_id",
    "_ids",
    "_enabled",
    "_length",
    "_policy",
    "_type",
    "_version",
    "_versions",
    "_path",
    "_file",
    "_rotation",
    "_rotation_days",
    "_ttl",
    "_kms_key_id",
    "_secret_id",
    "_parameter",
    "_ssm_parameter",
)


# Endings of variable names that hold a credential, besides the attribute names above.
_SECRET_ENDINGS = (
    "passwd",
    "_pwd",
    "_pass",
    "credentials",
    "credential",
    "access_key",
    "secret_key",
    "apikey",
    "_pat",
    "_key_pem",
)


def is_secret_variable(name: str) -> bool:
    """A variable named like a credential: the secret word ends the name
    (``db_password``, ``github_token``), so ``password_rotation_days`` or
    ``master_user_password_rotation_duration`` (settings about one) do not count."""
    n = _base(name)
    if n.endswith(_SETTING_SUFFIXES) or n.startswith(("create_", "manage_", "enable_", "use_")):
        return False
    if is_secret_attribute(n) or is_known_secret_name(n):
        return True
    return n.endswith(_SECRET_ENDINGS) and is_secret_like(n)
