"""Refusing logins after repeated failures, without letting strangers lock a user out.

Every name is counted as authentication sees it (accounts.names.normalise_username), so `zf2 `,
`ZF2` and full-width `ｚｆ２` share one allowance. Three counters, over the last
LOGIN_FAILURE_WINDOW_SECONDS:

- a browser that has logged in as this name before carries a signed device cookie for it, and is
  refused only after LOGIN_FAILURE_LIMIT failures *of that browser*: failures elsewhere (someone
  guessing the administrator's password, twenty random names from the office's shared address)
  never lock out a user on a browser they have used;
- any other browser is refused after LOGIN_FAILURE_LIMIT failures for the name from browsers
  without its device cookie, or after ADDRESS_FACTOR times that from its address (one address
  trying many names is password spraying; an office NAT gets the larger allowance).

The reasoning is written up in docs/operations.md ("Login throttling").
"""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.utils import timezone

from bangfu.accounts.models import LoginFailure
from bangfu.accounts.names import normalise_username

COOKIE = "bangfu_device"
SALT = "bangfu.accounts.device"
ADDRESS_FACTOR = 4
MAX_NAMES = 5  # a shared office computer remembers this many accounts


def window_minutes() -> int:
    return max(1, -(-settings.LOGIN_FAILURE_WINDOW_SECONDS // 60))


def _recent():
    start = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(at__gte=start)


def _devices(request) -> dict[str, str]:
    """{name: nonce} from the request's device cookie; empty when absent, forged or too old."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return {}
    try:
        pairs = signing.loads(raw, salt=SALT, max_age=datetime.timedelta(days=settings.LOGIN_DEVICE_COOKIE_DAYS))
        return {str(name): str(nonce) for name, nonce in pairs}
    except (signing.BadSignature, TypeError, ValueError):
        return {}


def device_of(request, username: str) -> str:
    """The nonce by which this browser is known for this name ("" for a browser never logged in as it)."""
    return _devices(request).get(normalise_username(username), "")


def is_locked(request, username: str, ip: str | None) -> bool:
    name = normalise_username(username)
    device = device_of(request, name)
    limit = settings.LOGIN_FAILURE_LIMIT
    if device:
        return _recent().filter(username=name, device=device).count() >= limit
    if _recent().filter(username=name, device="").count() >= limit:
        return True
    return bool(ip) and _recent().filter(ip=ip).count() >= limit * ADDRESS_FACTOR


def note_failure(request, username: str, ip: str | None) -> None:
    name = normalise_username(username)
    LoginFailure.objects.create(username=name, ip=ip, device=device_of(request, name))
    # Rows older than the window (kept a day at least, for the account page) are of no further use.
    keep = datetime.timedelta(seconds=max(settings.LOGIN_FAILURE_WINDOW_SECONDS, 86400))
    LoginFailure.objects.filter(at__lt=timezone.now() - keep).delete()


def note_success(request, response, username: str) -> None:
    """Forget this browser's failures for the name and remember the browser as one the user uses."""
    name = normalise_username(username)
    devices = _devices(request)
    LoginFailure.objects.filter(username=name, device=devices.get(name, "")).delete()
    devices[name] = devices.get(name) or secrets.token_hex(8)
    # Most recent last; the oldest names drop out of a crowded shared computer.
    pairs = [(n, d) for n, d in devices.items() if n != name][-(MAX_NAMES - 1):] + [(name, devices[name])]
    response.set_cookie(COOKIE, signing.dumps(pairs, salt=SALT, compress=True),
                        max_age=settings.LOGIN_DEVICE_COOKIE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def clear(username: str) -> None:
    """Unlock a name (the administrator's 解锁): every failure recorded for it, from any browser."""
    LoginFailure.objects.filter(username=normalise_username(username)).delete()


def locked_names(names: list[str]) -> list[str]:
    """Which of these names a browser they have not used would now be refused for."""
    counts = {}
    for name in _recent().filter(username__in=names, device="").values_list("username", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return [name for name, count in counts.items() if count >= settings.LOGIN_FAILURE_LIMIT]


def failures_of(username: str) -> int:
    return _recent().filter(username=normalise_username(username)).count()
