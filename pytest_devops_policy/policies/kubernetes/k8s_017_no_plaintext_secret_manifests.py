"""K8S-017: no plaintext Secret manifests, and no credentials in ConfigMaps."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping

from pytest_devops_policy.api import PathPart, Severity, Violation, policy
from pytest_devops_policy.formats.kubernetes.objects import K8sObject
from pytest_devops_policy.knowledge.secrets.gates import credential_shaped
from pytest_devops_policy.knowledge.secrets.names import (
    is_allowed_name,
    is_placeholder,
    is_secret_name,
)
from pytest_devops_policy.knowledge.secrets.values import detect_secrets
from pytest_devops_policy.masking import mask

# Kinds that keep the secret out of the repository by design (encrypted, or fetched from a
# secrets manager at run time): they always pass.
_SAFE_KINDS = frozenset({"SealedSecret", "ExternalSecret", "SecretProviderClass"})
_SOPS_VALUE = re.compile(r"^ENC\[AES256_GCM,.*\]$", re.S)
# Rendered before apply (Helm/Go templates, envsubst): not a committed value.
# ``{{`` with a ``}}`` after it is tested with ``str.find``: the regex ``\\{\\{.*\\}\\}``
# rescans the text from every ``{{``, quadratic on hostile input.
_DOLLAR_BRACE = re.compile(r"\$\{[^{}]*\}")


def _templated(text: str) -> bool:
    opening = text.find("{{")
    return (opening >= 0 and text.find("}}", opening + 2) >= 0) or bool(_DOLLAR_BRACE.search(text))


# Public material (catalog §6.1): a certificate or an SSH public key is no secret.
_PUBLIC = re.compile(
    r"^(?:(?:-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\s*)+"
    r"|(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+) AAAA[A-Za-z0-9+/=]+(?: [^\n]*)?\s*)$"
)
# Names that point at an object: tls-secret-name, tokenSecretRef.
_OBJECT_POINTER = re.compile(r"(?i)(name|ref)$")


def secret_objects(subject: object) -> bool:
    """``applies=`` predicate: core Secrets and ConfigMaps, and the secret-manager kinds."""
    if not isinstance(subject, K8sObject):
        return False
    kind = subject.kind_name
    if kind in ("Secret", "ConfigMap"):
        return subject.group == ""
    return kind in _SAFE_KINDS


def _a(label: str) -> str:
    return f"{'an' if label[:1] in 'AEIOUaeiou' else 'a'} {label}"


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _decode(value: str) -> str | bytes | None:
    """A ``data`` value decoded: text, raw bytes (binary content), or None (not base64)."""
    compact = "".join(value.split())  # the API's decoder skips line breaks
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _has_sops(k8s_object: K8sObject) -> bool:
    top = k8s_object.document.value
    return isinstance(k8s_object.get("sops"), Mapping) or (
        isinstance(top, Mapping) and isinstance(top.get("sops"), Mapping)
    )


def _harmless(plain: str) -> bool:
    return is_placeholder(plain) or _templated(plain) or bool(_PUBLIC.match(plain))


def _entries(k8s_object: K8sObject, section: str) -> Iterator[tuple[PathPart, str] | Violation]:
    """``(key, value as written)`` for a ``data``-like section, or a type mismatch."""
    values = k8s_object.get(section)
    if values is None:
        return
    if not isinstance(values, Mapping):
        yield Violation(
            f"{k8s_object.kind_name} {section} is not a mapping (type mismatch)", path=(section,)
        )
        return
    for key, raw in values.items():
        text = _text(raw)
        if text is not None and text != "":
            yield (key if isinstance(key, (str, int)) else str(key)), text


def _secret(k8s_object: K8sObject) -> Iterator[Violation]:
    sops = _has_sops(k8s_object)
    for section in ("data", "stringData"):
        for entry in _entries(k8s_object, section):
            if isinstance(entry, Violation):
                yield entry
                continue
            key, text = entry
            where = (section, key)
            field = f"Secret {section}[{key}]"
            if _SOPS_VALUE.match(text.strip()):
                if not sops:
                    yield Violation(
                        f"{field} looks SOPS-encrypted but the object has no top-level sops"
                        " metadata, so it cannot be decrypted (was the metadata stripped?)",
                        path=where,
                        severity=Severity.MEDIUM,
                    )
                continue
            how = ""
            plain: str | None = text
            if section == "data":
                decoded = _decode(text)
                if decoded is None:
                    plain, how = None, " (not valid base64: the API rejects it as written)"
                elif isinstance(decoded, bytes):
                    plain, how = None, " (binary content, base64-encoded, not encrypted)"
                else:
                    plain, how = decoded, " (base64 is an encoding, not encryption)"
            hits = detect_secrets(plain) if plain is not None else []
            # A template fills the value in at render time, unless a real credential
            # sits next to the expression.
            if not hits and (_templated(text) or (plain is not None and _harmless(plain))):
                continue
            what = f"{_a(hits[0].label)} ({hits[0].detector})" if hits else "a plaintext value"
            unencrypted = " outside the SOPS-encrypted fields" if sops else ""
            yield Violation(
                f"{field} holds {what}{unencrypted}{how}: {mask(text)}",
                path=where,
                secret=text,
            )


def _config_map(k8s_object: K8sObject) -> Iterator[Violation]:
    sops = _has_sops(k8s_object)
    for section in ("data", "binaryData"):
        for entry in _entries(k8s_object, section):
            if isinstance(entry, Violation):
                yield entry
                continue
            key, text = entry
            where = (section, key)
            field = f"ConfigMap {section}[{key}]"
            if sops and _SOPS_VALUE.match(text.strip()):
                continue
            plain = text
            if section == "binaryData":
                decoded = _decode(text)
                if not isinstance(decoded, str):
                    continue  # binary (or broken) content: no text to inspect
                plain = decoded
            hits = detect_secrets(plain)
            if hits:
                hit = hits[0]
                yield Violation(
                    f"{field} holds {_a(hit.label)} ({hit.detector}): {mask(hit.match)};"
                    " ConfigMaps are not meant for credentials",
                    path=where,
                    severity=Severity.HIGH,
                    # binaryData shows only the encoded form in the file
                    secret=hit.match if section == "data" else text,
                )
                continue
            name = str(key)
            if (
                "\n" in plain  # a whole file: only the value detectors judge its content
                or not is_secret_name(name)
                or is_allowed_name(name, plain)
                or _OBJECT_POINTER.search(name.replace("-", "_").rstrip("_"))
                or _harmless(plain)
                or not credential_shaped(name, plain)
            ):
                continue
            yield Violation(
                f"{field}: a credential-named key with a literal value {mask(plain)};"
                " keep it in a Secret",
                path=where,
                severity=Severity.HIGH,
                secret=text,
            )


@policy(
    id="K8S-017",
    name="no-plaintext-secret-manifests",
    title="No plaintext Secret manifests or credentials in ConfigMaps",
    severity=Severity.CRITICAL,
    rationale=(
        "A committed Secret manifest puts the credential in version control, where every "
        "clone, fork, CI cache and backup keeps it forever; base64 in data is an encoding, "
        "not encryption. Rotating it means rewriting history. A credential in a ConfigMap "
        "is worse still: far more roles may read ConfigMaps than Secrets, and kubectl "
        "describe prints their values in plain text."
    ),
    remediation=(
        "Do not commit Secret values. Encrypt the manifest with SOPS, commit a "
        "SealedSecret, or let External Secrets / the Secrets Store CSI driver fetch the "
        "value from a secrets manager. Placeholder or templated values in a Secret that "
        "the pipeline fills in are fine. Move credentials out of ConfigMaps into Secrets."
    ),
    controls=("CIS-K8s-5.4.2", "NIST-800-53-IA-5", "NIST-800-53-SC-28"),
    references=(
        "trivy:AVD-KSV-0109",
        "trivy:AVD-KSV-01010",
        "polaris:sensitiveConfigmapContent",
        "gitleaks:kubernetes-secret-yaml",
    ),
    applies=secret_objects,
    example="""\
apiVersion: v1
kind: Secret
metadata:
  name: api-db
type: Opaque
stringData:
  username: app
  password: "pr0d-Passw0rd!"
""",
    use_instead="""\
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-db
spec:
  refreshInterval: 1h
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {name: api-db}
  data:
    - secretKey: password
      remoteRef: {key: prod/api/db, property: password}
""",
)
def no_plaintext_secret_manifests(k8s_object: K8sObject) -> Iterator[Violation]:
    kind = k8s_object.kind_name
    if kind == "Secret":
        # A service-account-token Secret without data is filled in by the token
        # controller; with no data it passes like any empty Secret.
        yield from _secret(k8s_object)
    elif kind == "ConfigMap":
        yield from _config_map(k8s_object)
