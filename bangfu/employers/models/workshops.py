"""Employment-assistance workshops (就业帮扶车间)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
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


class WorkshopEvent(models.Model):
    """One step of a workshop's lifecycle (申报, 审核意见, 认定, 监测结果, 摘牌…): who did it, when, the
    status before and after, and the evaluation that decided it when one did."""

    workshop = models.ForeignKey(Workshop, verbose_name=_("就业帮扶车间"), on_delete=models.CASCADE,
                                 related_name="events")
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    comment = models.TextField(_("意见"), blank=True)
    # The move's own facts (certificate number, monitoring date, revocation reason).
    details = models.JSONField(_("详情"), default=dict, blank=True)
    evaluation = models.JSONField(_("评估结果"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["workshop", "at", "id"]
        verbose_name = _("车间办理记录")
        verbose_name_plural = _("车间办理记录")
        indexes = [models.Index(fields=["workshop", "at"], name="workshop_event_workshop")]

    def __str__(self):
        return f"{self.workshop_id} {self.action} {self.to_status}"


class WorkshopReport(models.Model):
    """A workshop's yearly report (年度经营情况): the revenue and what else the upgrade to 乡村就业工厂 asks."""

    workshop = models.ForeignKey(Workshop, verbose_name=_("就业帮扶车间"), on_delete=models.CASCADE,
                                 related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = models.DecimalField(_("年营业收入（元）"), max_digits=14, decimal_places=2)
    wages_paid = models.DecimalField(_("年发放工资总额（元）"), max_digits=14, decimal_places=2, null=True,
                                     blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["workshop", "-year"]
        verbose_name = _("车间年度经营情况")
        verbose_name_plural = _("车间年度经营情况")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "year"], name="workshop_report_unique"),
            models.CheckConstraint(name="workshop_report_revenue", condition=Q(revenue__gte=0)),
        ]

    def __str__(self):
        return f"{self.year} {self.revenue}"


class Purpose(models.TextChoices):
    CERTIFY = "certify", _("认定")
    MONITOR = "monitor", _("动态监测")
    UPGRADE = "upgrade", _("升级为乡村就业工厂")


class CriteriaSet(models.Model):
    """A region's criteria for one purpose over a span of dates (a province's 认定标准 of 2022…). The set
    of the longest region prefix covering a workshop, in force on the evaluation date, applies."""

    region_prefix = models.CharField(_("适用区划"), max_length=12)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    name = models.CharField(_("名称"), max_length=200)
    note = models.TextField(_("依据"), blank=True)
    # Monitoring: months a workshop found below the standard has to put it right (监测待处置).
    buffer_months = models.PositiveSmallIntegerField(_("整改缓冲期（月）"), null=True, blank=True)
    # How many months of records each evaluation reads, ending with the evaluated quarter.
    period_months = models.PositiveSmallIntegerField(_("统计期（月）"), default=3)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["region_prefix", "purpose", "-effective_from"]
        verbose_name = _("车间认定标准")
        verbose_name_plural = _("车间认定标准")
        constraints = [
            models.UniqueConstraint(fields=["region_prefix", "purpose", "effective_from"], name="criteria_set_unique"),
            models.CheckConstraint(name="criteria_set_purpose", condition=Q(purpose__in=Purpose.values)),
            models.CheckConstraint(name="criteria_set_dates", condition=Q(effective_to__isnull=True)
                                   | Q(effective_to__gte=F("effective_from"))),
            models.CheckConstraint(name="criteria_set_period", condition=Q(period_months__gte=1)
                                   & Q(period_months__lte=36)),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("criteria_set_detail", args=[self.pk])


class Comparison(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"


class Criterion(models.Model):
    """One test of a set: a measure (employers.workshops.criteria.MEASURES), compared with a threshold,
    for every workshop kind or only those listed."""

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("标准"), on_delete=models.CASCADE,
                                     related_name="criteria")
    measure = models.CharField(_("指标"), max_length=40)
    comparison = models.CharField(_("比较"), max_length=4, choices=Comparison.choices, default=Comparison.GTE)
    threshold = models.DecimalField(_("标准值"), max_digits=14, decimal_places=2)
    kinds = models.JSONField(_("适用车间类型"), default=list, blank=True)  # [] for every kind
    label = models.CharField(_("条件"), max_length=200)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["criteria_set", "position", "id"]
        verbose_name = _("认定条件")
        verbose_name_plural = _("认定条件")
        constraints = [
            models.CheckConstraint(name="criterion_comparison", condition=Q(comparison__in=Comparison.values)),
        ]

    def __str__(self):
        return self.label


class RentRule(models.Model):
    """Site rent relief of a region (三免两减半…): the share of the rent payable in each year counted from
    a workshop's start date; past the listed years the rent is due in full."""

    region_prefix = models.CharField(_("适用区划"), max_length=12)
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    name = models.CharField(_("名称"), max_length=100)
    shares = models.JSONField(_("各年应缴比例"))
    note = models.TextField(_("依据"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["region_prefix", "-effective_from"]
        verbose_name = _("场地租金减免规则")
        verbose_name_plural = _("场地租金减免规则")
        constraints = [
            models.CheckConstraint(name="rent_rule_dates", condition=Q(effective_to__isnull=True)
                                   | Q(effective_to__gte=F("effective_from"))),
        ]

    def __str__(self):
        return self.name
