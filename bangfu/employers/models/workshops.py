"""Employment-assistance workshops (就业帮扶车间)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bangfu.core.history import history_user
from bangfu.core.models import ChoiceLabels
from bangfu.employers import choices as c
from bangfu.employers.models.employers import Employer


class Workshop(ChoiceLabels, models.Model):
    """A workshop run by an employer, from its application through certification and monitoring to
    revocation or upgrade (the allowed moves of `status` are in employers.lifecycle)."""

    employer = models.ForeignKey(Employer, verbose_name=_("经营主体"), on_delete=models.PROTECT,
                                 related_name="workshops")
    name = models.CharField(_("车间名称"), max_length=200)
    kind = models.CharField(_("车间类型"), max_length=16, choices=c.WorkshopKind.choices)
    site = models.CharField(_("所在地类型"), max_length=16, choices=c.WorkshopSite.choices)
    region_code = models.CharField(_("所在地"), max_length=12)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    products = models.CharField(_("主要产品或业务"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("可吸纳就业岗位数"), default=0)
    start_date = models.DateField(_("投产日期"), null=True, blank=True)
    site_rent = models.PositiveIntegerField(_("场地年租金（元）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=c.WorkshopStatus.choices,
                              default=c.WorkshopStatus.APPLIED)
    certificate_number = models.CharField(_("认定证书编号"), max_length=50, null=True, blank=True, unique=True)
    certified_on = models.DateField(_("认定日期"), null=True, blank=True)
    certified_level = models.CharField(_("认定层级"), max_length=16, choices=c.Level.choices, blank=True)
    # Set when monitoring finds it below the standard: until then it may put things right.
    buffer_until = models.DateField(_("整改期限"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("就业帮扶车间")
        verbose_name_plural = _("就业帮扶车间")
        indexes = [
            models.Index(fields=["region_code", "id"], name="workshop_region"),
            models.Index(fields=["status", "region_code"], name="workshop_status"),
        ]
        constraints = [
            models.CheckConstraint(name="workshop_kind", condition=Q(kind__in=c.WorkshopKind.values)),
            models.CheckConstraint(name="workshop_site", condition=Q(site__in=c.WorkshopSite.values)),
            models.CheckConstraint(name="workshop_status", condition=Q(status__in=c.WorkshopStatus.values)),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workshop_detail", args=[self.pk])
