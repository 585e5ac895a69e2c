"""Refusing logins after repeated failures for one user name or one address."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bangfu.accounts.models import LoginFailure


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_locked(username: str, ip: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    by_name = recent.filter(username=username.lower()).count()
    by_ip = recent.filter(ip=ip).count() if ip else 0
    # An address may try a few names (a shared office connection), so it gets a larger allowance.
    return by_name >= settings.LOGIN_FAILURE_LIMIT or by_ip >= settings.LOGIN_FAILURE_LIMIT * 4


def note_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)
    LoginFailure.objects.filter(at__lt=_window_start() - datetime.timedelta(days=1)).delete()


def clear(username: str) -> None:
    LoginFailure.objects.filter(Q(username=username.lower())).delete()
