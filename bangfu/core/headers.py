"""Response headers that keep personal data out of caches and scripts out of the pages.

- `Content-Security-Policy` on every response (settings.CONTENT_SECURITY_POLICY): scripts and
  styles only from the site's own static files, never inline, so text that slipped into a page
  cannot run.
- `Cache-Control: no-store` on every response but static files: pages, API answers, exports and
  reveals hold personal data that must not stay in a browser's or a proxy's cache.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control


def policy_header(policy: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(" ".join((directive, *sources)) for directive, sources in policy.items())


class HeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = policy_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True)
        return response
