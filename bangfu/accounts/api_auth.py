"""Who is calling the API: another system with a bearer token, or a logged-in browser session."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from bangfu.accounts.models import ApiToken

# Writing last_used_at on every call would turn each read into a write; once a minute is enough
# to tell an administrator whether a token is still in use.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bf_…`, checked against the SHA-256 digests of issued tokens."""

    def authenticate(self, request, token: str):
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        api_token = (ApiToken.objects.select_related("user", "user__region")
                     .filter(digest=ApiToken.digest_of(token)).first())
        if api_token is None or not api_token.user.is_active or not api_token.is_valid:
            return None  # unknown, revoked, expired or of a deactivated account: all 401 alike
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        # History records and the audit log read the acting user from the request.
        request.user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The browser's Django session, so logged-in staff can use the API (and its docs page).

    Unlike ninja's own SessionAuth, the CSRF check runs only once a session user is found: a
    request without a session then gets 401, not a CSRF 403.
    """

    def __init__(self):
        self.param_name = settings.SESSION_COOKIE_NAME  # the cookie the docs page names
        super().__init__(csrf=True)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF 校验失败，请刷新页面后重试"))
        return user

    def authenticate(self, request, key):  # pragma: no cover (__call__ does the work)
        return self(request)
