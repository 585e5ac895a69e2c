"""Employment records: a person's employment at an employer or one of its workshops, month by month."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bangfu.core.history import history_user
from bangfu.core.models import ChoiceLabels
from bangfu.employers import choices as c
from bangfu.employers.models.employers import Employer
from bangfu.employers.models.workshops import Workshop
from bangfu.registry.models import EmploymentSpell, Person

EARLIEST_MONTH = datetime.date(2000, 1, 1)
MAX_MONTHLY_PAY = 1_000_000  # yuan: beyond it a monthly pay is a typing error


class Employment(ChoiceLabels, models.Model):
    """A person's employment at an employer (or one of its workshops): from a start date to an end
    date or still open, under a contract or labour agreement, linked to the person's job spell."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="employments")
    employer = models.ForeignKey(Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT,
                                 related_name="employments")
    workshop = models.ForeignKey(Workshop, verbose_name=_("车间"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="employments")
    # The workplace's region (the workshop's, else the employer's): scoped without a join.
    region_code = models.CharField(_("就业地"), max_length=12)
    job_title = models.CharField(_("岗位"), max_length=100, blank=True)
    start_date = models.DateField(_("入职日期"))
    end_date = models.DateField(_("离职日期"), null=True, blank=True)
    agreement = models.CharField(_("用工形式"), max_length=16, choices=c.Agreement.choices,
                                 default=c.Agreement.CONTRACT)
    agreement_months = models.PositiveSmallIntegerField(_("合同期限（月）"), null=True, blank=True)
    weekly_hours = models.PositiveSmallIntegerField(_("每周工时"), null=True, blank=True)
    spell = models.OneToOneField(EmploymentSpell, verbose_name=_("务工经历"), on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="employment")
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("用工记录")
        verbose_name_plural = _("用工记录")
        indexes = [
            models.Index(fields=["employer", "start_date"], name="employment_employer"),
            models.Index(fields=["workshop", "start_date"], name="employment_workshop"),
            models.Index(fields=["person", "start_date"], name="employment_person"),
            models.Index(fields=["region_code", "id"], name="employment_region"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "employer"], condition=Q(end_date__isnull=True),
                                    name="employment_one_open_per_employer"),
            models.CheckConstraint(name="employment_end_after_start",
                                   condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="employment_agreement", condition=Q(agreement__in=c.Agreement.values)),
        ]

    def __str__(self):
        return f"{self.person.name} @ {self.employer.name}"


class MonthlyRecord(models.Model):
    """One month of an employment (月度用工): days worked, pay, and the accident insurance paid for the
    person that month. Months are stored as the month's first day; a month resubmitted replaces its record."""

    employment = models.ForeignKey(Employment, verbose_name=_("用工记录"), on_delete=models.CASCADE,
                                   related_name="months")
    month = models.DateField(_("月份"))
    days_worked = models.PositiveSmallIntegerField(_("出勤天数"))
    pay = models.DecimalField(_("应发工资（元）"), max_digits=10, decimal_places=2)
    insurance = models.DecimalField(_("意外伤害保险（元）"), max_digits=8, decimal_places=2, default=0)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["employment", "month"]
        verbose_name = _("月度用工记录")
        verbose_name_plural = _("月度用工记录")
        constraints = [
            models.UniqueConstraint(fields=["employment", "month"], name="monthly_record_unique"),
            models.CheckConstraint(name="monthly_record_days", condition=Q(days_worked__lte=31)),
            models.CheckConstraint(name="monthly_record_pay", condition=Q(pay__gte=0) & Q(pay__lte=MAX_MONTHLY_PAY)),
            models.CheckConstraint(name="monthly_record_insurance", condition=Q(insurance__gte=0)),
            # The first of the month (employers' rules): a CHECK on the day would need a function SQLite lacks.
            models.CheckConstraint(name="monthly_record_month", condition=Q(month__gte=EARLIEST_MONTH)),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.days_worked} {self.pay}"


class RosterSubmission(models.Model):
    """One submission of a month's roster (月度用工花名册) of an employer or one of its workshops, from
    the form, the API or an import: what it did to that month's records, and the rows it refused."""

    class Source(models.TextChoices):
        FORM = "form", _("网页填报")
        IMPORT = "import", _("文件导入")
        API = "api", _("接口报送")

    employer = models.ForeignKey(Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT,
                                 related_name="roster_submissions")
    workshop = models.ForeignKey(Workshop, verbose_name=_("车间"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="roster_submissions")
    region_code = models.CharField(_("所在地"), max_length=12)
    month = models.DateField(_("月份"))
    submitted_by = models.ForeignKey("accounts.User", verbose_name=_("报送人"), on_delete=models.PROTECT,
                                     related_name="+")
    at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    source = models.CharField(_("报送方式"), max_length=8, choices=Source.choices, default=Source.FORM)
    added = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    removed = models.PositiveIntegerField(_("移除"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    refused = models.PositiveIntegerField(_("未通过"), default=0)
    started = models.PositiveIntegerField(_("新建用工记录"), default=0)
    # The refused rows as given, each with its reasons: [{"row", "who" (name, ID number masked), "errors"}].
    refusals = models.JSONField(_("未通过的行"), default=list, blank=True)
    # Set by a caller that makes one submission in parts, each in a transaction of its own (an import:
    # "import:<job id>", chunk by chunk): its later parts find and add to the submission of the
    # employer's month. Opaque here, so that this app knows nothing of who makes them; "" for a
    # submission made whole (form, API).
    reference = models.CharField(_("报送批次"), max_length=40, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("花名册报送")
        verbose_name_plural = _("花名册报送")
        indexes = [
            models.Index(fields=["employer", "month"], name="roster_employer_month"),
            models.Index(fields=["region_code", "id"], name="roster_region"),
        ]
        constraints = [
            # One submission per employer and month of a submission made in parts (an import's).
            models.UniqueConstraint(fields=["reference", "employer", "month"], condition=~Q(reference=""),
                                    name="roster_reference_month"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.employer_id}"
