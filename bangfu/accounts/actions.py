"""Every change to an account or an API token, whoever asks (pages, commands): rules, then audit."""

import secrets
import string

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.accounts import throttle
from bangfu.accounts.models import ApiToken, Role, User
from bangfu.accounts.names import normalise_username
from bangfu.accounts.permissions import Perm
from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.permissions import has_perm, require
from bangfu.regions import codes
from bangfu.regions.models import Region

EDITABLE = ("first_name", "role", "region", "organisation")


def _audit(actor, action, target, request=None, **detail) -> None:
    region = getattr(target, "region_id", None) or getattr(getattr(target, "user", None), "region_id", None)
    log.record(actor, action, target, region_code=region or "", detail=detail, request=request,
               username="" if actor else "(command line)")


def find_region(code: str) -> Region | None:
    """The region of a code typed in full (12 digits) or by its significant digits (522633)."""
    code = (code or "").strip()
    if not code:
        return None
    if not (code.isascii() and code.isdigit() and len(code) in codes.LEVEL_DIGITS.values()):
        raise ValidationError({"region": _("区划代码应为 2、4、6、9 或 12 位数字")})
    region = Region.objects.filter(code=codes.full_code(code)).first()
    if region is None:
        raise ValidationError({"region": _("没有区划代码为 %(code)s 的区划") % {"code": codes.full_code(code)}})
    return region


def clean_account(user: User) -> None:
    """An account's rules: a unique normalised login name; every role but the administrator
    works within a region (an administrator without one reaches everything)."""
    errors = {}
    user.username = normalise_username(user.username)
    if not user.username:
        errors["username"] = _("请填写登录名")
    elif User.objects.filter(username=user.username).exclude(pk=user.pk).exists():
        errors["username"] = _("登录名 %(name)s 已被使用") % {"name": user.username}
    if user.role != Role.ADMIN and user.region_id is None:
        errors["region"] = _("除系统管理员外，每个账号都须指定所属区划")
    if errors:
        raise ValidationError(errors)


def _other_active_admins(user: User) -> bool:
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


def _keep_an_admin(user: User, *, role: str, active: bool) -> None:
    """The last active administrator cannot be demoted or deactivated: nobody could undo it."""
    was_admin = user.role == Role.ADMIN and user.is_active
    if was_admin and (role != Role.ADMIN or not active) and not _other_active_admins(user):
        raise ValidationError(_("这是唯一一个启用的系统管理员账号，不能停用或改为其他角色"))


def temporary_password() -> str:
    """12 characters, easy to read out over the phone (no 0/O, 1/l/I)."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(12))


def do_create_account(actor: User | None, *, username: str, role: str, region: Region | None,
                      first_name: str = "", organisation: str = "", password: str | None = None,
                      request=None) -> tuple[User, str]:
    """A new account and its password: the one given, or a temporary one the user must change at
    first login (returned so it can be shown once)."""
    if actor is not None:
        require(actor, Perm.MANAGE_ACCOUNTS)
    user = User(username=username, role=role, region=region, first_name=first_name.strip(),
                organisation=organisation.strip())
    clean_account(user)
    temporary = password is None
    password = temporary_password() if temporary else password
    if not temporary:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.must_change_password = temporary
    with transaction.atomic():
        user.save()
        _audit(actor, Action.CREATE, user, request, role=user.role)
    return user, password


def do_update_account(actor: User, user: User, *, request=None, **changes) -> list[str]:
    """Name, role, region and organisation; returns the fields that changed."""
    require(actor, Perm.MANAGE_ACCOUNTS)
    changed = [field for field in EDITABLE if field in changes and getattr(user, field) != changes[field]]
    if not changed:
        return []
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _keep_an_admin(user, role=changes.get("role", user.role), active=user.is_active)
        for field in changed:
            setattr(user, field, changes[field])
        clean_account(user)
        user.save(update_fields=changed)
        _audit(actor, Action.UPDATE, user, request, fields=changed)
    return changed


def do_set_active(actor: User, user: User, active: bool, *, request=None) -> None:
    require(actor, Perm.MANAGE_ACCOUNTS)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return
        _keep_an_admin(user, role=user.role, active=active)
        user.is_active = active
        user.save(update_fields=["is_active"])
        _audit(actor, Action.UPDATE, user, request, reason="启用账号" if active else "停用账号")


def do_reset_password(actor: User, user: User, *, request=None) -> str:
    """A temporary password (shown once to the administrator) that the user must change at their
    next login; the failed-login lock is lifted with it."""
    require(actor, Perm.MANAGE_ACCOUNTS)
    password = temporary_password()
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        throttle.clear(user.username)
        _audit(actor, Action.UPDATE, user, request, reason="重置密码")
    return password


def do_unlock(actor: User, user: User, *, request=None) -> int:
    """Forget the recent failed logins of the account's name; returns how many there were."""
    require(actor, Perm.MANAGE_ACCOUNTS)
    with transaction.atomic():
        failures = throttle.failures_of(user.username)
        throttle.clear(user.username)
        _audit(actor, Action.UPDATE, user, request, reason="解除登录锁定")
    return failures


def do_change_password(user: User, new_password: str, *, request=None) -> None:
    """The user's own new password (the form has checked the old one and Django's validators)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        _audit(user, Action.UPDATE, user, request, reason="修改密码")


# --- API tokens ----------------------------------------------------------------------------------

def tokens_for_user(user: User):
    """The tokens a user may see: an administrator everyone's, anyone else their own."""
    tokens = ApiToken.objects.select_related("user", "user__region").order_by("-created_at")
    return tokens if has_perm(user, Perm.MANAGE_ACCOUNTS) else tokens.filter(user=user)


def do_issue_token(actor: User | None, owner: User, name: str, *, days: int | None = None,
                   request=None) -> tuple[ApiToken, str]:
    """A token for an active account with API access, for at most API_TOKEN_MAX_DAYS. A user
    issues their own; only an administrator issues tokens for others."""
    if actor is not None and actor.pk != owner.pk:
        require(actor, Perm.MANAGE_ACCOUNTS)
    errors = {}
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = _("有效期应为 1 至 %(max)s 天") % {"max": settings.API_TOKEN_MAX_DAYS}
    if not name.strip():
        errors["name"] = _("请写明令牌的用途（哪个系统使用它）")
    if not owner.is_active:
        errors["user"] = _("账号 %(name)s 已停用") % {"name": owner.username}
    elif not has_perm(owner, Perm.USE_API):
        errors["user"] = _("账号 %(name)s 的角色不能使用 API") % {"name": owner.username}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        api_token, token = ApiToken.issue(owner, name.strip()[:100], days=days, created_by=actor)
        _audit(actor, Action.CREATE, api_token, request, user=owner.username, name=api_token.name,
               prefix=api_token.prefix, expires=f"{timezone.localtime(api_token.expires_at):%Y-%m-%d}")
    return api_token, token


def do_revoke_token(actor: User, api_token: ApiToken, *, request=None) -> None:
    if actor.pk != api_token.user_id:
        require(actor, Perm.MANAGE_ACCOUNTS)
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            _audit(actor, Action.UPDATE, api_token, request, fields=["revoked_at"])
