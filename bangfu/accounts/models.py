import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core.permissions import NOWHERE, Reach
from bangfu.regions.models import Region


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    HRSS_OFFICER = "hrss", _("人社局工作人员")
    DPF_OFFICER = "dpf", _("残联工作人员")
    TOWNSHIP_OFFICER = "township", _("乡镇干部")
    SURVEYOR = "surveyor", _("村级走访员")
    EMPLOYER = "employer", _("企业/车间负责人")
    AUDITOR = "auditor", _("审计人员")


class User(AbstractUser):
    """A staff member, surveyor, employer operator or auditor; one role and one region each."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.SURVEYOR)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    organisation = models.CharField(_("所属单位"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def reach(self) -> Reach:
        """Where the gate lets this user's role reach: an employer operator their organisation
        (bound with the employers app), anyone else their region; an administrator without a
        region everything, anyone else without one nothing."""
        if self.role == Role.EMPLOYER:
            return Reach(user_id=self.pk)
        if self.region_id:
            return Reach(user_id=self.pk, region_prefix=self.region.prefix)
        if self.role == Role.ADMIN:
            return Reach(user_id=self.pk, region_prefix="", everything=True)
        return NOWHERE


class LoginFailure(models.Model):
    """A failed login; recent ones throttle further attempts for that name and address."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for another system; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        token = "bf_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.digest_of(token), prefix=token[:8]), token
