"""Employers, their operators' accounts, the industry classification and the quota parameters."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bangfu.core.history import history_user
from bangfu.core.models import ChoiceLabels
from bangfu.employers import choices as c


class Industry(models.Model):
    """A class of GB/T 4754-2017 (国民经济行业分类): 门类 (a letter), 大类 (2 digits), 中类 (3), 小类 (4)."""

    code = models.CharField(_("行业代码"), max_length=5, unique=True)
    name = models.CharField(_("行业名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"))
    # The 门类 letter every class belongs to (its own code for a 门类): lists sort by it, then by code.
    section = models.CharField(_("门类"), max_length=1)
    parent = models.ForeignKey("self", verbose_name=_("上级"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children")

    class Meta:
        ordering = ["section", "code"]
        verbose_name = _("行业分类")
        verbose_name_plural = _("行业分类")

    def __str__(self):
        return f"{self.code} {self.name}"


class Employer(ChoiceLabels, models.Model):
    """An employer (用人单位): an enterprise, an individual business, a cooperative, a social organisation."""

    name = models.CharField(_("单位名称"), max_length=200)
    kind = models.CharField(_("单位类型"), max_length=16, choices=c.EmployerKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    industry = models.ForeignKey(Industry, verbose_name=_("所属行业"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    region_code = models.CharField(_("所在地"), max_length=12)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    staff_count = models.PositiveIntegerField(_("在职职工人数"), default=0)
    disabled_staff_count = models.PositiveIntegerField(_("残疾职工人数"), default=0)
    # The employer's own average annual wage of last year: the disabled-employment levy is reckoned on
    # it (capped at a multiple of the local average, employers.quota).
    average_wage = models.PositiveIntegerField(_("上年职工年平均工资（元）"), null=True, blank=True)
    active = models.BooleanField(_("在营"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        indexes = [
            models.Index(fields=["region_code", "id"], name="employer_region"),
            models.Index(fields=["name", "region_code"], name="employer_name"),
        ]
        constraints = [
            models.CheckConstraint(name="employer_kind", condition=Q(kind__in=c.EmployerKind.values)),
            models.CheckConstraint(name="employer_disabled_within_staff",
                                   condition=Q(disabled_staff_count__lte=F("staff_count"))),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employer_detail", args=[self.pk])


class EmployerOperator(models.Model):
    """An employer operator's account bound to the organisation it acts for: the gate's organisation
    scope (core.permissions.Reach.organisation_id) comes from here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                                related_name="employer_binding")
    employer = models.ForeignKey(Employer, verbose_name=_("用人单位"), on_delete=models.CASCADE,
                                 related_name="operators")
    bound_at = models.DateTimeField(_("绑定时间"), auto_now_add=True)
    bound_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("单位操作员")
        verbose_name_plural = _("单位操作员")

    def __str__(self):
        return f"{self.user} → {self.employer}"


class QuotaRule(models.Model):
    """The disabled-employment quota (按比例安排残疾人就业) of a region for a year: the parameters of
    employers.quota. The rule of the longest region prefix covering an employer applies."""

    region_prefix = models.CharField(_("适用区划"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    ratio = models.DecimalField(_("安排比例"), max_digits=5, decimal_places=4)
    local_average_wage = models.PositiveIntegerField(_("当地社会平均工资（元/年）"))
    # An employer's own average wage counts up to this multiple of the local average.
    wage_cap_multiple = models.DecimalField(_("工资计算上限（倍）"), max_digits=4, decimal_places=2, default=2)
    # Employers with at most this many staff pay no levy (0: none exempt).
    exempt_up_to_staff = models.PositiveIntegerField(_("免征人数上限"), default=0)
    # Share of the levy charged by how far the employer reached the ratio (empty: charged whole).
    reduced_from_ratio = models.DecimalField(_("减征起点比例"), max_digits=5, decimal_places=4, null=True,
                                             blank=True)
    share_from_reduced = models.DecimalField(_("达减征起点时征收比例"), max_digits=4, decimal_places=2, null=True,
                                             blank=True)
    share_below_reduced = models.DecimalField(_("未达减征起点时征收比例"), max_digits=4, decimal_places=2,
                                              null=True, blank=True)
    retirement_age_male = models.PositiveSmallIntegerField(_("男职工退休年龄"), default=60)
    retirement_age_female = models.PositiveSmallIntegerField(_("女职工退休年龄"), default=50)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    # Two officers editing at once: the later edit, made on an older version, is refused (core.writes).
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["region_prefix", "-year"]
        verbose_name = _("按比例就业参数")
        verbose_name_plural = _("按比例就业参数")
        constraints = [
            models.UniqueConstraint(fields=["region_prefix", "year"], name="quota_rule_unique"),
            models.CheckConstraint(name="quota_rule_ratio", condition=Q(ratio__gt=0) & Q(ratio__lt=1)),
        ]

    def __str__(self):
        return f"{self.region_prefix} {self.year} {self.ratio:%}"
