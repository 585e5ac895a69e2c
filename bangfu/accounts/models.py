import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.accounts.names import normalise_username
from bangfu.core.permissions import NOWHERE, Reach, organisation_of
from bangfu.regions.models import Region


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    HRSS_OFFICER = "hrss", _("人社局工作人员")
    DPF_OFFICER = "dpf", _("残联工作人员")
    TOWNSHIP_OFFICER = "township", _("乡镇干部")
    SURVEYOR = "surveyor", _("村级走访员")
    EMPLOYER = "employer", _("企业/车间负责人")
    AUDITOR = "auditor", _("审计人员")


class Users(UserManager):
    """Login names are found the way they are stored: normalised (accounts.names)."""

    def get_by_natural_key(self, username):
        return self.get(username=normalise_username(username))


class User(AbstractUser):
    """A staff member, surveyor, employer operator or auditor; one role and one region each."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.SURVEYOR)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    organisation = models.CharField(_("所属单位"), max_length=200, blank=True)
    # Set when an administrator resets the password: the next login leads to the password page first.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    objects = Users()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @classmethod
    def normalize_username(cls, username):
        return normalise_username(username)

    @property
    def reach(self) -> Reach:
        """Where the gate lets this user's role reach: an employer operator their organisation
        (bound with the employers app), anyone else their region; an administrator without a
        region everything, anyone else without one nothing."""
        if self.role == Role.EMPLOYER:
            # Looked up once per user object (a request loads its user afresh).
            if "_organisation" not in self.__dict__:
                self.__dict__["_organisation"] = organisation_of(self)
            return Reach(user_id=self.pk, organisation_id=self.__dict__["_organisation"])
        if self.region_id:
            return Reach(user_id=self.pk, region_prefix=self.region.prefix)
        if self.role == Role.ADMIN:
            return Reach(user_id=self.pk, region_prefix="", everything=True)
        return NOWHERE


class LoginFailure(models.Model):
    """A failed login; recent ones throttle further attempts for that name and address.

    `device` is the nonce of the failing browser's device cookie for that name (accounts.throttle),
    empty for a browser that has never logged in as it."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    device = models.CharField(max_length=32, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for another system; only its SHA-256 digest is stored. It works until it
    expires or is revoked."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(User, verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def status_label(self) -> str:
        if self.revoked_at is not None:
            return _("已吊销")
        return _("已过期") if self.expires_at <= timezone.now() else _("有效")

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, *, days: int | None = None, created_by: User | None = None,
              ) -> tuple["ApiToken", str]:
        """A new token (shown once, never stored) valid for `days` (the configured default)."""
        token = "bf_" + secrets.token_urlsafe(32)
        expires = timezone.now() + datetime.timedelta(days=days or settings.API_TOKEN_DEFAULT_DAYS)
        api_token = cls.objects.create(user=user, name=name, digest=cls.digest_of(token), prefix=token[:8],
                                       expires_at=expires, created_by=created_by)
        return api_token, token
