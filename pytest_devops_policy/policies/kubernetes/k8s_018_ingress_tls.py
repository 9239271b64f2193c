"""K8S-018: Ingresses and Gateways serve HTTPS, redirect HTTP, and renew certificates automatically.

Judged: ``Ingress`` (``networking.k8s.io/v1``, the legacy ``networking.k8s.io/v1beta1``
and ``extensions/v1beta1``, which share ``spec.tls`` and ``spec.rules``) and Gateway
API ``Gateway`` objects (Istio's ``networking.istio.io`` Gateway is another API).
Certificates come from the index of the object's deployment unit: a tls secret (an
Ingress ``secretName``, a Gateway listener's ``certificateRefs``) is renewed
automatically when cert-manager issues it, through an issuer annotation on the object
(ingress-shim, gateway-shim) or a cert-manager ``Certificate`` in the same namespace
whose ``spec.secretName`` names it.
Anything else is a low "renewal not automated" finding; a Certificate whose
namespace may or may not be the object's makes it Unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.kubernetes.objects import K8sObject, is_templated
from pytest_devops_policy.indexes.k8s_verdicts import each_unit
from pytest_devops_policy.indexes.kubernetes import K8sIndex, Matches

_INGRESS_GROUPS = frozenset({"networking.k8s.io", "extensions"})
_GATEWAY_GROUP = "gateway.networking.k8s.io"
_CERT_MANAGER_GROUP = "cert-manager.io"
_ISSUER_ANNOTATIONS = ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer")

# Annotations that switch the HTTP -> HTTPS redirect off when set to "false". ingress-nginx
# (the catalog's), plus the same switch of haproxy-ingress (whose legacy prefix Traefik 1.x
# also read) and the HAProxy Technologies controller.
_NGINX_SSL_REDIRECT = "nginx.ingress.kubernetes.io/ssl-redirect"
_NGINX_FORCE_SSL_REDIRECT = "nginx.ingress.kubernetes.io/force-ssl-redirect"
_REDIRECT_SWITCHES = (
    _NGINX_SSL_REDIRECT,
    _NGINX_FORCE_SSL_REDIRECT,
    "ingress.kubernetes.io/ssl-redirect",
    "haproxy-ingress.github.io/ssl-redirect",
    "haproxy.org/ssl-redirect",
)
_TRAEFIK = "traefik.ingress.kubernetes.io/"
_TRAEFIK_ENTRYPOINTS = _TRAEFIK + "router.entrypoints"
_TRAEFIK_TLS = _TRAEFIK + "router.tls"
_TRAEFIK_MIDDLEWARES = _TRAEFIK + "router.middlewares"
_HTTP_ENTRYPOINT = "web"


def ingresses_and_gateways(subject: object) -> bool:
    """``applies=`` predicate: Ingress (v1 and legacy groups) and Gateway API Gateways."""
    if not isinstance(subject, K8sObject):
        return False
    kind, group = subject.kind_name, subject.group
    return (kind == "Ingress" and group in _INGRESS_GROUPS) or (
        kind == "Gateway" and group == _GATEWAY_GROUP
    )


def _annotation_path(key: str) -> tuple[PathPart, ...]:
    return ("metadata", "annotations", key)


def host_covered(host: str, tls_host: str) -> bool:
    """A tls host covers a rule host when equal, or as ``*.example.com`` for exactly one
    more label (``a.example.com``, not ``example.com`` nor ``a.b.example.com``)."""
    host, tls_host = host.lower().rstrip("."), tls_host.lower().rstrip(".")
    if host == tls_host:
        return True
    if not tls_host.startswith("*.") or host.startswith("*."):
        return False
    label, dot, rest = host.partition(".")
    return bool(label) and bool(dot) and rest == tls_host[2:]


# -- Ingress ---------------------------------------------------------------------------------


def _redirects(annotations: Mapping[str, Any]) -> Iterator[Violation]:
    # force-ssl-redirect: "true" redirects whatever ssl-redirect says.
    force = annotations.get(_NGINX_FORCE_SSL_REDIRECT)
    forced = isinstance(force, str) and force.strip().lower() == "true"
    for key in _REDIRECT_SWITCHES:
        if key not in annotations:
            continue
        value = annotations[key]
        if value is False:
            # The API rejects a non-string annotation; quoted, it would switch redirects off.
            yield Violation(
                f'{key}: false is a boolean, not the string "false" (type mismatch), and '
                "switches the HTTP to HTTPS redirect off",
                path=_annotation_path(key),
            )
        elif isinstance(value, str) and value.strip().lower() == "false":
            if key == _NGINX_SSL_REDIRECT and forced:
                continue
            yield Violation(
                f'{key}: "false" switches the HTTP to HTTPS redirect off',
                path=_annotation_path(key),
            )


def _traefik_redirect_router(annotations: Mapping[str, Any]) -> bool:
    """An HTTP router whose middleware redirects: the usual Traefik way to send port 80 to
    HTTPS (a separate websecure router carries the TLS). Middleware objects are not in
    the index, so the middleware is recognised by name (``redirect-https@kubernetescrd``)."""
    middlewares = annotations.get(_TRAEFIK_MIDDLEWARES)
    if not isinstance(middlewares, str):
        return False
    return any("redirect" in m.split("@")[0].lower() for m in middlewares.split(","))


def _traefik(annotations: Mapping[str, Any]) -> tuple[bool, list[Violation | Unknown]]:
    """(the router terminates TLS itself, findings on the Traefik annotations)."""
    found: list[Violation | Unknown] = []
    tls = annotations.get(_TRAEFIK_TLS)
    router_tls = isinstance(tls, str) and tls.strip().lower() == "true"
    if tls is True:
        found.append(
            Violation(
                f'{_TRAEFIK_TLS}: true is a boolean, not the string "true" (type mismatch): '
                "the API rejects it",
                path=_annotation_path(_TRAEFIK_TLS),
            )
        )
    entrypoints = annotations.get(_TRAEFIK_ENTRYPOINTS)
    if is_templated(entrypoints):
        found.append(Unknown(f"{_TRAEFIK_ENTRYPOINTS} is templated ({entrypoints})"))
    elif isinstance(entrypoints, str):
        names = {e.strip() for e in entrypoints.split(",") if e.strip()}
        if names == {_HTTP_ENTRYPOINT}:
            found.append(
                Violation(
                    f"{_TRAEFIK_ENTRYPOINTS}: {entrypoints} serves the routes on the HTTP "
                    "entrypoint only",
                    path=_annotation_path(_TRAEFIK_ENTRYPOINTS),
                )
            )
    return router_tls, found


def _strings(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _coverage(spec: Mapping[str, Any], tls: list[Any]) -> Iterator[Violation | Unknown]:
    tls_hosts: list[str] = []
    templated_tls = False
    catch_all = False  # a tls entry without hosts: the controller's default server
    for entry in tls:
        hosts = entry.get("hosts") if isinstance(entry, Mapping) else None
        if not hosts:
            catch_all = True
            continue
        for host in _strings(hosts):
            if is_templated(host):
                templated_tls = True
            elif isinstance(host, str):
                tls_hosts.append(host)
    rules = _strings(spec.get("rules"))
    if not rules and not catch_all:
        # Only a default backend: it answers for every host name, like a host-less rule.
        for key in ("defaultBackend", "backend"):  # v1, and the legacy v1beta1 name
            if isinstance(spec.get(key), Mapping):
                yield Violation(
                    f"spec.{key} serves every host name but no tls entry without hosts covers it",
                    path=("spec", key),
                )
    for i, rule in enumerate(rules):
        if not isinstance(rule, Mapping):
            continue
        host = rule.get("host")
        if not host:
            if not catch_all:
                yield Violation(
                    f"rules[{i}] has no host (it serves every host name) but no tls entry "
                    "without hosts covers it",
                    path=("spec", "rules", i),
                )
            continue
        if not isinstance(host, str):
            continue
        if is_templated(host):
            yield Unknown(f"rules[{i}].host is templated ({host})")
            continue
        if any(host_covered(host, t) for t in tls_hosts):
            continue
        if templated_tls:
            yield Unknown(f"rules[{i}].host {host} may be covered by a templated tls host")
            continue
        yield Violation(
            f"rules[{i}].host {host} is not covered by any spec.tls[].hosts entry: it is "
            "served over plain HTTP",
            path=("spec", "rules", i, "host"),
        )


def _rule_hosts(spec: Mapping[str, Any]) -> list[str]:
    hosts = []
    for rule in _strings(spec.get("rules")):
        host = rule.get("host") if isinstance(rule, Mapping) else None
        hosts.append(host if isinstance(host, str) and host else "every host name")
    return hosts


def _certificates(index: K8sIndex | None, namespace: str | None) -> Matches:
    """cert-manager Certificates in ``namespace`` (and those that may be)."""
    if index is None:
        return Matches()
    return index.related("Certificate", namespace).filter(
        lambda c: c.group == _CERT_MANAGER_GROUP and isinstance(c.spec.get("secretName"), str)
    )


def _issued(certificates: Matches, secret: str) -> tuple[bool, str | None]:
    """Whether a Certificate issues ``secret`` (and the doubt when only one that may be
    in the namespace does, or one the run does not read might)."""
    found = certificates.filter(lambda c: c.spec.get("secretName") == secret)
    return bool(found), None if found else found.doubt


def _issuer_annotation(annotations: Mapping[str, Any]) -> str | None:
    for key in _ISSUER_ANNOTATIONS:
        value = annotations.get(key)
        if isinstance(value, str) and value.strip():
            return key
    return None


def _renewal(
    tls: list[Any], annotations: Mapping[str, Any], index: K8sIndex | None, ns: str | None
) -> Iterator[Violation | Unknown]:
    if _issuer_annotation(annotations) is not None:
        return
    certificates = _certificates(index, ns)
    for i, entry in enumerate(tls):
        secret = entry.get("secretName") if isinstance(entry, Mapping) else None
        # No secretName: the controller's default certificate, managed with the controller.
        if secret is None or secret == "":
            continue
        if is_templated(secret):
            yield Unknown(f"tls[{i}].secretName is templated ({secret})")
            continue
        issued, doubt = _issued(certificates, secret)
        if issued:
            continue
        if doubt:
            yield Unknown(
                f"tls[{i}].secretName {secret}: no Certificate certainly issues it: {doubt}"
            )
            continue
        yield Violation(
            f"tls[{i}].secretName {secret} is not issued by cert-manager (no "
            f"{' or '.join(_ISSUER_ANNOTATIONS)} annotation, no cert-manager Certificate with "
            f"spec.secretName: {secret} in the index): renewal not automated",
            path=("spec", "tls", i, "secretName"),
            severity=Severity.LOW,
        )


def _ingress(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    spec = k8s_object.get("spec")
    if not isinstance(spec, Mapping):
        yield Unknown("the Ingress has no spec (a partial manifest or kustomize patch?)")
        return
    annotations = k8s_object.annotations
    router_tls, traefik = _traefik(annotations)
    if not router_tls and _traefik_redirect_router(annotations) and not spec.get("tls"):
        # The plain-HTTP half of a Traefik redirect pair: it only sends clients to HTTPS.
        return
    yield from traefik
    yield from _redirects(annotations)
    tls = spec.get("tls")
    if tls is not None and not isinstance(tls, list):
        yield Violation("spec.tls is not a list (type mismatch)", path=("spec", "tls"))
        return
    if not tls:
        if not router_tls:
            hosts = list(dict.fromkeys(_rule_hosts(spec)))
            served = f"{', '.join(hosts)} {'is' if len(hosts) == 1 else 'are'}" if hosts else ""
            yield Violation(
                f"no spec.tls: {served or 'every host is'} served over plain HTTP",
                path=("spec", "tls") if tls is not None else ("spec",),
            )
        return
    # With router.tls: "true" Traefik terminates TLS for every host of the router.
    if not router_tls:
        yield from _coverage(spec, tls)
    index: K8sIndex | None = context.index(k8s_object)
    ns = index.namespace_of(k8s_object) if index is not None else k8s_object.effective_namespace
    yield from _renewal(tls, annotations, index, ns)


# -- Gateway ---------------------------------------------------------------------------------


def _gateway_secrets(
    listeners: list[Any],
) -> Iterator[tuple[tuple[PathPart, ...], str, str, Any]]:
    """(path, label, namespace or "", name) of the Secrets HTTPS/TLS listeners terminate with."""
    for i, listener in enumerate(listeners):
        if not isinstance(listener, Mapping) or listener.get("protocol") not in ("HTTPS", "TLS"):
            continue
        tls = listener.get("tls")
        if not isinstance(tls, Mapping) or tls.get("mode", "Terminate") != "Terminate":
            continue  # Passthrough: the backend holds the certificate
        for j, ref in enumerate(_strings(tls.get("certificateRefs"))):
            if not isinstance(ref, Mapping):
                continue
            if ref.get("kind", "Secret") != "Secret" or ref.get("group", "") not in ("", None):
                continue
            path = ("spec", "listeners", i, "tls", "certificateRefs", j, "name")
            label = f"listeners[{listener.get('name') or i}].tls.certificateRefs[{j}]"
            yield path, label, str(ref.get("namespace") or ""), ref.get("name")


def _gateway_renewal(
    k8s_object: K8sObject, listeners: list[Any], context: Context
) -> Iterator[Violation | Unknown]:
    # cert-manager's gateway-shim reads the same issuer annotations on a Gateway.
    if _issuer_annotation(k8s_object.annotations) is not None:
        return
    index: K8sIndex | None = context.index(k8s_object)
    own = index.namespace_of(k8s_object) if index is not None else k8s_object.effective_namespace
    for path, label, namespace, secret in _gateway_secrets(listeners):
        if is_templated(secret):
            yield Unknown(f"{label}.name is templated ({secret})")
            continue
        if not isinstance(secret, str) or not secret:
            continue
        issued, doubt = _issued(_certificates(index, namespace or own), secret)
        if issued:
            continue
        if doubt:
            yield Unknown(f"{label} Secret {secret}: no Certificate certainly issues it: {doubt}")
            continue
        yield Violation(
            f"{label} Secret {secret} is not issued by cert-manager (no "
            f"{' or '.join(_ISSUER_ANNOTATIONS)} annotation, no cert-manager Certificate with "
            f"spec.secretName: {secret} in the index): renewal not automated",
            path=path,
            severity=Severity.LOW,
        )


def _gateway(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    spec = k8s_object.get("spec")
    listeners = spec.get("listeners") if isinstance(spec, Mapping) else None
    if not isinstance(listeners, list):
        return
    protocols: list[tuple[int, str]] = []
    for i, listener in enumerate(listeners):
        protocol = listener.get("protocol") if isinstance(listener, Mapping) else None
        if is_templated(protocol):
            yield Unknown(f"listeners[{i}].protocol is templated ({protocol})")
            return
        if isinstance(protocol, str):
            protocols.append((i, protocol))
    secure = any(p in ("HTTPS", "TLS") for _, p in protocols)
    http = [i for i, p in protocols if p == "HTTP"]
    if http and not secure:
        names = [str(listeners[i].get("name") or i) for i in http]
        yield Violation(
            f"the Gateway has only HTTP listeners ({', '.join(names)}), no HTTPS or TLS listener",
            path=("spec", "listeners", http[0], "protocol"),
            severity=Severity.MEDIUM,
        )
    yield from _gateway_renewal(k8s_object, listeners, context)


@policy(
    id="K8S-018",
    name="ingress-tls",
    title="Ingresses must terminate TLS for every host and redirect HTTP",
    severity=Severity.HIGH,
    rationale=(
        "An Ingress host without a TLS certificate is served over plain HTTP: credentials, "
        "session cookies and API tokens cross the network readable and modifiable. A "
        "disabled HTTP to HTTPS redirect leaves the plain-text path open for clients that "
        "start on http://. Certificates that are renewed by hand expire unnoticed, which "
        "takes the service down."
    ),
    remediation=(
        "List every rules[].host in spec.tls[].hosts (a wildcard *.example.com covers one "
        "label), keep the controller's HTTPS redirect on, serve Traefik routers on the "
        "websecure entrypoint and give Gateways an HTTPS listener. Let cert-manager issue "
        "and renew the secrets: a cert-manager.io/cluster-issuer annotation on the Ingress or "
        "a Certificate object for each secretName."
    ),
    controls=("NSA-K8s-Network-Separation", "NIST-800-53-SC-8", "NIST-800-53-SC-17"),
    references=("polaris:tlsSettingsMissing",),
    applies=ingresses_and_gateways,
    example="""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "false"
spec:
  ingressClassName: nginx
  tls:
    - hosts: ["shop.example.com"]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: shop, port: {number: 80}}
    - host: api.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: api, port: {number: 80}}
""",
    use_instead="""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-prod
spec:
  ingressClassName: nginx
  tls:
    - hosts: ["shop.example.com", "api.example.com"]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: shop, port: {number: 80}}
    - host: api.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: api, port: {number: 80}}
""",
)
def ingress_tls(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    return each_unit(k8s_object, context, _judge)


def _judge(k8s_object: K8sObject, context: Context) -> Iterator[Violation | Unknown]:
    if k8s_object.kind_name == "Gateway":
        yield from _gateway(k8s_object, context)
    else:
        yield from _ingress(k8s_object, context)
