"""HTTPS-only endpoints and their minimum TLS versions (TF-004).

Each resource type that terminates HTTP(S) for clients maps to a check:
AWS load balancer listeners (HTTP must redirect to HTTPS; HTTPS/TLS needs a
TLS >= 1.2 ``ssl_policy``), CloudFront distributions (viewer protocol, minimum
protocol version, custom origin protocol), API Gateway custom domains; GCP
target proxies (HTTP through a redirecting URL map, HTTPS with a TLS >= 1.2
SSL policy; an SSL policy no proxy of the module uses is judged on its own);
Azure App Service apps (https_only, minimum TLS, FTPS) and
Application Gateway HTTP listeners (redirected to an HTTPS listener).

``ENDPOINTS`` maps each resource type to its check.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.dynamic import unread_list
from pytest_devops_policy.knowledge.terraform.links import is_opaque
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import keyword, one_of, to_bool, to_string

__all__ = ["ELB_TLS12_POLICIES", "ENDPOINTS", "setting"]

Test = Callable[[Value], "bool | None"]

# ELB security policies whose minimum protocol is TLS 1.2 or 1.3 (lower case globs).
ELB_TLS12_POLICIES: tuple[str, ...] = (
    "elbsecuritypolicy-tls13-1-2-*",
    "elbsecuritypolicy-tls13-1-3-*",
    "elbsecuritypolicy-tls-1-2-*",
    "elbsecuritypolicy-fs-1-2-*",
)

# CloudFront minimum_protocol_version values, weakest first; TLSv1.2_2021 is the floor.
_CLOUDFRONT_VERSIONS = (
    "sslv3",
    "tlsv1",
    "tlsv1_2016",
    "tlsv1.1_2016",
    "tlsv1.2_2018",
    "tlsv1.2_2019",
    "tlsv1.2_2021",
    "tlsv1.2_2025",
    "tlsv1.3_2025",
)
_CLOUDFRONT_FLOOR = _CLOUDFRONT_VERSIONS.index("tlsv1.2_2021")

_API_GATEWAY_TLS12 = re.compile(r"tls_1_2|securitypolicy_tls1(?:2|3_1_[23])_.*")


def setting(
    owner: Block | TfResource,
    attr: str,
    module: Module,
    within: TfResource,
    fine: Test,
    why: str,
    absent: str | None = None,
    severity: Severity | None = None,
) -> Findings:
    """``owner.attr`` must pass ``fine`` (which answers for null, the provider default,
    too). ``absent`` words the finding when the attribute is unset."""
    raw = owner.get(attr)
    path: tuple[PathPart, ...] = (*owner.path, attr)
    name = dotted(path)
    verdict = module.decide(raw, fine, within)
    if verdict is True:
        return
    if verdict is None:
        yield unknown(name, raw, module)
    elif raw is None:
        yield Violation(f"{name} is not set ({absent or why})", path=path, severity=severity)
    else:
        yield Violation(f"{name} = {shown(raw, module)}: {why}", path=path, severity=severity)


# --------------------------------------------------------------------------- AWS


def _elb_policy(value: Value) -> bool | None:
    text = keyword(value)
    if text is None:
        return None
    return any(fnmatch.fnmatchcase(text, glob) for glob in ELB_TLS12_POLICIES)


def _redirects_to_https(block: Block, module: Module) -> bool | None:
    kind = module.resolve(block.get("type"))
    if not is_literal(kind):
        return None
    if keyword(kind) != "redirect":
        return False
    verdicts: list[bool | None] = []
    for redirect in module.blocks(block, "redirect"):
        protocol = module.resolve(redirect.get("protocol"))
        # The redirect keeps the request's protocol (#{protocol}) when unset.
        verdicts.append(keyword(protocol) == "https" if is_literal(protocol) else None)
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _aws_listener(res: TfResource, module: Module) -> Findings:
    raw = res.get("protocol")
    protocol = module.resolve(raw)
    if not is_literal(protocol):
        yield unknown("protocol", raw, module)
        return
    # An ALB listener defaults to HTTP (NLB/GWLB listeners must name their protocol).
    kind = keyword(protocol) if protocol is not None else "http"
    if kind == "http":
        verdicts = [_redirects_to_https(b, module) for b in module.blocks(res, "default_action")]
        if True in verdicts:
            return
        if None in verdicts:
            yield Unknown(
                "protocol = HTTP and the default_action's redirect does not resolve: cannot "
                "tell whether it redirects to HTTPS"
            )
            return
        yield Violation(
            'an HTTP listener must redirect to HTTPS (default_action { type = "redirect" '
            'redirect { protocol = "HTTPS" } }); this one serves plain HTTP',
            path=("protocol",) if raw is not None else (),
        )
    elif kind in ("https", "tls"):
        yield from setting(
            res,
            "ssl_policy",
            module,
            res,
            lambda v: False if v is None else _elb_policy(v),
            "not a TLS >= 1.2 policy (use ELBSecurityPolicy-TLS13-1-2-2021-06 or stricter)",
            absent=(
                "the implicit default policy has changed over time and older defaults allowed "
                "TLS 1.0; set a TLS >= 1.2 policy such as ELBSecurityPolicy-TLS13-1-2-2021-06"
            ),
            severity=Severity.MEDIUM if res.get("ssl_policy") is None else None,
        )


def _viewer_protocol(value: Value) -> bool | None:
    if value is None:
        return None  # required by the provider
    return one_of(("redirect-to-https", "https-only"))(value)


def _cloudfront_version(value: Value) -> bool | None:
    if value is None:
        return False  # TLSv1
    text = keyword(value)
    if text is None or text not in _CLOUDFRONT_VERSIONS:
        return None
    return _CLOUDFRONT_VERSIONS.index(text) >= _CLOUDFRONT_FLOOR


def _aws_cloudfront(res: TfResource, module: Module) -> Findings:
    behaviours = module.blocks(res, "default_cache_behavior") + module.blocks(
        res, "ordered_cache_behavior"
    )
    for behaviour in behaviours:
        if behaviour.get("viewer_protocol_policy") is None:
            continue
        yield from setting(
            behaviour,
            "viewer_protocol_policy",
            module,
            res,
            _viewer_protocol,
            "viewers may use plain HTTP (use redirect-to-https or https-only)",
        )
    for cert in module.blocks(res, "viewer_certificate"):
        default = module.decide(cert.get("cloudfront_default_certificate"), _is_set, res)
        if default is True:
            yield Violation(
                "viewer_certificate uses cloudfront_default_certificate = true, whose minimum "
                "TLS version cannot be raised above TLSv1; use an ACM certificate with "
                'minimum_protocol_version = "TLSv1.2_2021"',
                path=(*cert.path, "cloudfront_default_certificate"),
                severity=Severity.MEDIUM,
            )
            continue
        if default is None:
            yield unknown(
                dotted((*cert.path, "cloudfront_default_certificate")),
                cert.get("cloudfront_default_certificate"),
                module,
            )
            continue
        yield from setting(
            cert,
            "minimum_protocol_version",
            module,
            res,
            _cloudfront_version,
            "below TLSv1.2_2021",
            absent="defaults to TLSv1; set TLSv1.2_2021 or later",
        )
    for origin in module.blocks(res, "origin"):
        for custom in module.blocks(origin, "custom_origin_config"):
            yield from setting(
                custom,
                "origin_protocol_policy",
                module,
                res,
                _https_only,
                "CloudFront may reach the origin over plain HTTP (use https-only)",
            )


def _https_only(value: Value) -> bool | None:
    if value is None:
        return None  # required by the provider
    text = keyword(value)
    return None if text is None else text == "https-only"


def _is_set(value: Value) -> bool | None:
    return to_bool(value, default=False)


def _api_gateway_policy(value: Value) -> bool | None:
    if value is None:
        return False  # TLS_1_0
    text = keyword(value)
    return None if text is None else bool(_API_GATEWAY_TLS12.fullmatch(text))


def _aws_api_gateway_domain(res: TfResource, module: Module) -> Findings:
    yield from setting(
        res,
        "security_policy",
        module,
        res,
        _api_gateway_policy,
        "allows TLS below 1.2 (use TLS_1_2)",
        absent="defaults to TLS_1_0; set TLS_1_2",
    )


def _aws_apigatewayv2_domain(res: TfResource, module: Module) -> Findings:
    for config in module.blocks(res, "domain_name_configuration"):
        yield from setting(
            config,
            "security_policy",
            module,
            res,
            lambda v: None if v is None else _api_gateway_policy(v),
            "allows TLS below 1.2 (use TLS_1_2)",
        )


# --------------------------------------------------------------------------- GCP

_URL_MAPS = ("google_compute_url_map", "google_compute_region_url_map")
_SSL_POLICIES = ("google_compute_ssl_policy", "google_compute_region_ssl_policy")
_GCP_ATTRS = ("id", "self_link", "name")


def _target(
    res: TfResource, attr: str, types: tuple[str, ...], module: Module
) -> tuple[list[TfResource], bool]:
    """The resources of ``types`` that ``res.attr`` points at, and whether the value is
    opaque (might point anywhere)."""
    resolved = module.resolve(res.get(attr))
    found = [
        t
        for t in module.by_type(*types)
        if not t.disabled
        and (
            module.refers_to(resolved, t, _GCP_ATTRS)
            or (isinstance(resolved, str) and resolved == module.resolve(t.get("name")))
        )
    ]
    return found, is_opaque(resolved) or isinstance(resolved, str)


def _gcp_http_proxy(res: TfResource, module: Module) -> Findings:
    maps, opaque = _target(res, "url_map", _URL_MAPS, module)
    if not maps:
        if opaque or res.get("url_map") is not None:
            yield Unknown(
                f"url_map = {hcl(res.get('url_map'))} is not a URL map of this module: cannot "
                "tell whether it redirects HTTP to HTTPS"
            )
        return
    for url_map in maps:
        redirect = module.first(url_map, "default_url_redirect")
        if redirect is None:
            yield Violation(
                f"url_map {url_map.address} has no default_url_redirect "
                "{ https_redirect = true }: this HTTP proxy serves plain HTTP",
                path=("url_map",),
            )
            continue
        verdict = module.decide(redirect.get("https_redirect"), _is_set, url_map)
        if verdict is None:
            yield unknown(
                f"{url_map.address}.default_url_redirect.https_redirect",
                redirect.get("https_redirect"),
                module,
            )
        elif verdict is False:
            yield Violation(
                f"url_map {url_map.address} does not set default_url_redirect.https_redirect = "
                "true: this HTTP proxy serves plain HTTP",
                path=("url_map",),
            )


def _gcp_https_proxy(res: TfResource, module: Module) -> Findings:
    if res.get("ssl_policy") is None:
        yield Violation(
            "ssl_policy is not set: the default GCP SSL policy (COMPATIBLE) allows TLS 1.0; "
            'attach a google_compute_ssl_policy with min_tls_version = "TLS_1_2" and profile '
            "MODERN or RESTRICTED",
        )
        return
    policies, _ = _target(res, "ssl_policy", _SSL_POLICIES, module)
    if not policies:
        yield Unknown(
            f"ssl_policy = {hcl(res.get('ssl_policy'))} is not an SSL policy of this module: "
            "cannot check its minimum TLS version"
        )
        return
    for ssl in policies:
        for attr, raw, verdict, value in _weak_ssl_policy(ssl, module):
            if verdict is None:
                yield unknown(f"{ssl.address}.{attr}", raw, module)
            else:
                yield Violation(
                    f"ssl_policy {ssl.address}: {attr} {value}; use min_tls_version = "
                    '"TLS_1_2" and profile MODERN or RESTRICTED',
                    path=("ssl_policy",),
                )


_HTTPS_PROXIES = ("google_compute_target_https_proxy", "google_compute_region_target_https_proxy")


def _weak_ssl_policy(
    ssl: TfResource, module: Module
) -> Iterator[tuple[str, Value, bool | None, str]]:
    """(attribute, raw value, None when it does not resolve / False when too weak, shown
    value) for each setting of an SSL policy that is not surely TLS >= 1.2 and MODERN or
    RESTRICTED."""
    for attr, fine, why in (
        ("min_tls_version", one_of(("tls_1_2", "tls_1_3")), "TLS_1_0 by default"),
        ("profile", one_of(("modern", "restricted")), "COMPATIBLE by default"),
    ):
        raw = ssl.get(attr)
        verdict = module.decide(raw, fine, ssl)
        if verdict is not True:
            value = "not set (" + why + ")" if raw is None else f"= {shown(raw, module)}"
            yield attr, raw, verdict, value


def _gcp_ssl_policy(res: TfResource, module: Module) -> Findings:
    """An SSL policy no HTTPS proxy of this module uses (it is attached elsewhere, by
    name or self_link): judged on its own; an attached one is judged on its proxy."""
    for proxy in module.by_type(*_HTTPS_PROXIES):
        if not proxy.disabled and res in _target(proxy, "ssl_policy", _SSL_POLICIES, module)[0]:
            return
    for attr, raw, verdict, value in _weak_ssl_policy(res, module):
        if verdict is None:
            yield unknown(attr, raw, module)
        else:
            yield Violation(
                f"{attr} {value}: load balancers using this SSL policy accept TLS below 1.2 "
                'or weak ciphers; use min_tls_version = "TLS_1_2" and profile MODERN or '
                "RESTRICTED",
                path=(attr,),
            )


# --------------------------------------------------------------------------- Azure


def _min_tls(value: Value) -> bool | None:
    if value is None:
        return True  # 1.2 by default in azurerm v3+ app services
    text = to_string(value)
    if text is None:
        return None
    try:
        return float(text) >= 1.2
    except ValueError:
        return None


def _azure_app(ftps_default: str) -> Callable[[TfResource, Module], Findings]:
    def check(res: TfResource, module: Module) -> Findings:
        yield from required_true(
            res, "https_only", module, res, "the app also answers plain HTTP requests"
        )
        for config in module.blocks(res, "site_config"):
            for attr in ("minimum_tls_version", "min_tls_version"):  # web apps / app_service
                if config.has(attr):
                    yield from setting(
                        config, attr, module, res, _min_tls, "below TLS 1.2 (use 1.2)"
                    )
            yield from setting(
                config,
                "ftps_state",
                module,
                res,
                one_of(("ftpsonly", "disabled"), absent=ftps_default != "AllAllowed"),
                "plain FTP is allowed (use FtpsOnly or Disabled)",
                absent=f"defaults to {ftps_default}: plain FTP is allowed; use FtpsOnly/Disabled",
            )
        if module.first(res, "site_config") is None and ftps_default == "AllAllowed":
            yield Violation(
                "site_config.ftps_state is not set (defaults to AllAllowed: plain FTP is "
                "allowed; use FtpsOnly or Disabled)",
            )

    return check


def _to_https(
    redirect: Block, https_names: set[str], unresolved: bool, module: Module
) -> bool | None:
    """Does a redirect_configuration send clients to an HTTPS listener or URL?"""
    to_listener = module.resolve(redirect.get("target_listener_name"))
    to_url = module.resolve(redirect.get("target_url"))
    if (isinstance(to_listener, str) and to_listener in https_names) or (
        isinstance(to_url, str) and to_url.lower().startswith("https://")
    ):
        return True
    if not is_literal(to_listener) or not is_literal(to_url) or unresolved:
        return None
    return False


def _azure_app_gateway(res: TfResource, module: Module) -> Findings:
    listeners = module.blocks(res, "http_listener")
    rules = module.blocks(res, "request_routing_rule")
    redirects = module.blocks(res, "redirect_configuration")

    def name_of(block: Block) -> Value:
        return module.resolve(block.get("name"))

    https_names: set[str] = set()
    unresolved = False
    for listener in listeners:
        name, protocol = name_of(listener), module.resolve(listener.get("protocol"))
        if not is_literal(name) or not is_literal(protocol):
            unresolved = True
        elif isinstance(name, str) and keyword(protocol) == "https":
            https_names.add(name)
    for listener in listeners:
        raw_protocol = listener.get("protocol")
        protocol = module.resolve(raw_protocol)
        if not is_literal(protocol):
            yield unknown(dotted((*listener.path, "protocol")), raw_protocol, module)
            continue
        if keyword(protocol) != "http":
            continue
        name = name_of(listener)
        verdict: bool | None = False
        for rule in rules:
            target = module.resolve(rule.get("http_listener_name"))
            if not is_literal(target) or not is_literal(name):
                verdict = None
                continue
            if target != name:
                continue
            redirect_name = module.resolve(rule.get("redirect_configuration_name"))
            if not is_literal(redirect_name):
                verdict = None
                continue
            for redirect in redirects:
                if name_of(redirect) != redirect_name:
                    continue
                found = _to_https(redirect, https_names, unresolved, module)
                if found is True:
                    verdict = True
                elif found is None and verdict is False:
                    verdict = None
            if verdict is True:
                break
        if verdict is True:
            continue
        if verdict is None:
            yield Unknown(
                f"http_listener {hcl(listener.get('name'))}: its routing rule or redirect "
                "does not resolve: cannot tell whether it redirects to HTTPS"
            )
            continue
        yield Violation(
            f"http_listener {hcl(listener.get('name'))} serves plain HTTP: route it through a "
            "redirect_configuration whose target_listener_name is an HTTPS listener",
            path=(*listener.path, "protocol"),
        )


ENDPOINTS: dict[str, Callable[[TfResource, Module], Findings]] = {
    "aws_lb_listener": _aws_listener,
    "aws_alb_listener": _aws_listener,
    "aws_cloudfront_distribution": _aws_cloudfront,
    "aws_api_gateway_domain_name": _aws_api_gateway_domain,
    "aws_apigatewayv2_domain_name": _aws_apigatewayv2_domain,
    "google_compute_target_http_proxy": _gcp_http_proxy,
    "google_compute_region_target_http_proxy": _gcp_http_proxy,
    "google_compute_target_https_proxy": _gcp_https_proxy,
    "google_compute_region_target_https_proxy": _gcp_https_proxy,
    "google_compute_ssl_policy": _gcp_ssl_policy,
    "google_compute_region_ssl_policy": _gcp_ssl_policy,
    "azurerm_linux_web_app": _azure_app("Disabled"),
    "azurerm_windows_web_app": _azure_app("Disabled"),
    "azurerm_linux_function_app": _azure_app("Disabled"),
    "azurerm_windows_function_app": _azure_app("Disabled"),
    "azurerm_app_service": _azure_app("AllAllowed"),
    "azurerm_application_gateway": _azure_app_gateway,
}


# --------------------------------------------------------------------------- AWS search domains
#
# aws_opensearch_domain / aws_elasticsearch_domain (AWS provider docs):
# ``domain_endpoint_options.enforce_https`` defaults to true inside the block, but
# without the block the provider sends no endpoint options and AWS keeps the domain's
# own default, which accepts plain HTTP; ``tls_security_policy`` is only what AWS
# applies when unset ("drift detection only if a configuration value is provided"),
# historically Policy-Min-TLS-1-0-2019-07, so it has to be set, as for ELB listeners.

# Policy-Min-TLS-1-2-2019-07, Policy-Min-TLS-1-2-PFS-2023-10, and any later TLS 1.3 family.
_SEARCH_TLS12 = ("policy-min-tls-1-2-*", "policy-min-tls-1-3-*")


def _search_tls_policy(value: Value) -> bool | None:
    text = keyword(value)
    return None if text is None else any(fnmatch.fnmatchcase(text, g) for g in _SEARCH_TLS12)


def _aws_search_domain(res: TfResource, module: Module) -> Findings:
    options = module.blocks(res, "domain_endpoint_options")
    if not options:
        raw = unread_list(res, "domain_endpoint_options", module.resolve)
        if raw is not None:
            yield unknown("domain_endpoint_options", raw, module)
            return
        yield Violation(
            "no domain_endpoint_options block: the domain endpoint accepts plain HTTP and "
            "keeps AWS's default TLS policy; set domain_endpoint_options { enforce_https = "
            'true, tls_security_policy = "Policy-Min-TLS-1-2-2019-07" }'
        )
        return
    for block in options:
        yield from setting(
            block,
            "enforce_https",
            module,
            res,
            lambda v: to_bool(v, default=True),
            "the domain endpoint accepts plain HTTP",
        )
        if block.get("tls_security_policy") is None:
            path = (*block.path, "tls_security_policy")
            yield Violation(
                f"{dotted(path)} is not set: AWS applies its default policy, which has "
                "allowed TLS 1.0 (Policy-Min-TLS-1-0-2019-07); set Policy-Min-TLS-1-2-2019-07 "
                "or Policy-Min-TLS-1-2-PFS-2023-10",
                path=path,
                severity=Severity.MEDIUM,
            )
            continue
        yield from setting(
            block,
            "tls_security_policy",
            module,
            res,
            _search_tls_policy,
            "allows TLS below 1.2 (use Policy-Min-TLS-1-2-2019-07 or "
            "Policy-Min-TLS-1-2-PFS-2023-10)",
        )


ENDPOINTS.update(
    {
        "aws_opensearch_domain": _aws_search_domain,
        "aws_elasticsearch_domain": _aws_search_domain,
    }
)
