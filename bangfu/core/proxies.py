"""The client's address and scheme behind the county's reverse proxy.

`X-Forwarded-For` and `X-Forwarded-Proto` are believed only when the connection itself comes from
an address in settings.TRUSTED_PROXIES (addresses or CIDR networks); from anyone else they are
ignored, so a client cannot pick the address the login throttle and the audit log see, nor claim
HTTPS. `ProxyMiddleware` applies the rule first thing in a request; `client_address()` is the same
rule for code that reads the address (the audit log), with or without the middleware having run.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RESOLVED = "bangfu.proxy_resolved"  # set in META once the address has been resolved

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"BANGFU_TRUSTED_PROXIES: {exc} (give addresses or networks, "
                                   "e.g. 10.0.0.5,192.168.1.0/24)") from None


def trusted_networks() -> tuple[Network, ...]:
    return parse_networks(tuple(settings.TRUSTED_PROXIES))


def is_trusted(address: str | None, networks: tuple[Network, ...]) -> bool:
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def resolve(meta: dict) -> tuple[str | None, str | None]:
    """(client address, scheme) for this request's WSGI environ; the scheme None when the
    connection's own applies. The forwarded chain is read right to left: every hop added by a
    trusted proxy is skipped, and the first address no trusted proxy vouches for is the client."""
    peer = meta.get("REMOTE_ADDR")
    networks = trusted_networks()
    if not is_trusted(peer, networks):
        return peer, None
    client = peer
    for hop in reversed([hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage in the chain: stop at the last address we could trust
        client = hop
        if not is_trusted(hop, networks):
            break
    proto = meta.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
    return client, proto if proto in ("http", "https") else None


def client_address(request) -> str | None:
    if request is None:
        return None
    if request.META.get(RESOLVED):
        return request.META.get("REMOTE_ADDR")
    return resolve(request.META)[0]


class ProxyMiddleware:
    """First in MIDDLEWARE: rewrites REMOTE_ADDR and the scheme from a trusted proxy's headers, so
    SecurityMiddleware (HSTS), secure cookies, the throttle and the audit log see the real client."""

    def __init__(self, get_response):
        self.get_response = get_response
        trusted_networks()  # a bad setting stops the start, not the first request

    def __call__(self, request):
        if not request.META.get(RESOLVED):
            address, scheme = resolve(request.META)
            request.META["REMOTE_ADDR"] = address
            if scheme:
                request.META["wsgi.url_scheme"] = scheme
            request.META[RESOLVED] = True
        return self.get_response(request)
