"""Who commands and background work act as: a named account, or the built-in system account."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from bangfu.accounts.models import Role, User

SYSTEM_USERNAME = "system"


def system_account() -> User:
    """The account scheduled and command-line work writes history as when no one is named: it
    cannot log in (inactive, no usable password) and appears in history as 系统."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"role": Role.ADMIN, "is_active": False, "first_name": _("系统")})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def command_actor(username: str | None) -> User:
    """The account a command acts as (`--actor NAME`), the system account by default."""
    if not username:
        return system_account()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no account {username!r} (--actor)")
    return user
