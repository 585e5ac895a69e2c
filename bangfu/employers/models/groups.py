"""Demonstration sites (示范基地、盲人按摩示范店) and labour cooperatives (劳务合作社) with their team
leaders, organised dispatches (组织输出) and semi-annual appraisals (评优)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bangfu.core.history import history_user
from bangfu.core.models import ChoiceLabels
from bangfu.employers import choices as c
from bangfu.employers.models.employers import Employer
from bangfu.registry.models import Person


def month_index(day) -> int:
    """Months since year 0: dispatches keep their first and last month so that overlaps with a
    period are integer arithmetic in one grouped query on any database."""
    return day.year * 12 + day.month - 1


class Programme(models.Model):
    """A programme a site takes part in (双百双千 …): a tag kept by the officers."""

    name = models.CharField(_("项目名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["name"]
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")

    def __str__(self):
        return self.name


class Site(ChoiceLabels, models.Model):
    """A demonstration site named by a level of government: a base, a demonstration point, a
    blind-massage demonstration shop."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=c.SiteKind.choices)
    level = models.CharField(_("命名层级"), max_length=16, choices=c.Level.choices)
    region_code = models.CharField(_("所在地"), max_length=12)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    employer = models.ForeignKey(Employer, verbose_name=_("运营单位"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="sites")
    named_on = models.DateField(_("命名日期"), null=True, blank=True)
    named_by = models.CharField(_("命名单位"), max_length=100, blank=True)
    programmes = models.ManyToManyField(Programme, verbose_name=_("所属项目"), blank=True, related_name="sites")
    note = models.CharField(_("备注"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[programmes], get_user=history_user)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("示范基地")
        verbose_name_plural = _("示范基地")
        indexes = [
            models.Index(fields=["region_code", "id"], name="site_region"),
            models.Index(fields=["level", "kind"], name="site_level_kind"),
        ]
        constraints = [
            models.CheckConstraint(name="site_kind", condition=Q(kind__in=c.SiteKind.values)),
            models.CheckConstraint(name="site_level", condition=Q(level__in=c.Level.values)),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site_detail", args=[self.pk])


class SiteMember(ChoiceLabels, models.Model):
    """A person of the ledger at a site: employed or trained there (a disabled person), or in its
    management; from a date to a date or still on."""

    site = models.ForeignKey(Site, verbose_name=_("示范基地"), on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="site_members")
    relation = models.CharField(_("关系"), max_length=16, choices=c.SiteRelation.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["site", "start_date", "id"]
        verbose_name = _("示范基地人员")
        verbose_name_plural = _("示范基地人员")
        indexes = [models.Index(fields=["site", "person"], name="site_member_person")]
        constraints = [
            models.CheckConstraint(name="site_member_relation", condition=Q(relation__in=c.SiteRelation.values)),
            models.CheckConstraint(name="site_member_dates",
                                   condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))),
        ]

    def __str__(self):
        return f"{self.site} · {self.person.name}"


class Cooperative(models.Model):
    """A labour cooperative (劳务合作社) that organises its members for work elsewhere."""

    name = models.CharField(_("合作社名称"), max_length=200)
    region_code = models.CharField(_("所在地"), max_length=12)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    employer = models.ForeignKey(Employer, verbose_name=_("登记主体"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="cooperatives")
    chair = models.CharField(_("理事长"), max_length=50, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], get_user=history_user)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("劳务合作社")
        verbose_name_plural = _("劳务合作社")
        indexes = [models.Index(fields=["region_code", "id"], name="cooperative_region")]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cooperative_detail", args=[self.pk])


class CoopMember(models.Model):
    """A person's membership of a cooperative, from joining to leaving."""

    cooperative = models.ForeignKey(Cooperative, verbose_name=_("劳务合作社"), on_delete=models.CASCADE,
                                    related_name="members")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="coop_members")
    joined_on = models.DateField(_("入社日期"))
    left_on = models.DateField(_("退社日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["cooperative", "joined_on", "id"]
        verbose_name = _("合作社成员")
        verbose_name_plural = _("合作社成员")
        indexes = [models.Index(fields=["cooperative", "person"], name="coop_member_person")]
        constraints = [
            models.CheckConstraint(name="coop_member_dates",
                                   condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on"))),
        ]

    def __str__(self):
        return self.person.name

    def is_current(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


class TeamLeader(models.Model):
    """A member serving as labour team leader (劳务队长) from a date to a date or still."""

    member = models.ForeignKey(CoopMember, verbose_name=_("成员"), on_delete=models.CASCADE, related_name="leads")
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("卸任日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["member", "start_date", "id"]
        verbose_name = _("劳务队长")
        verbose_name_plural = _("劳务队长")
        constraints = [
            models.CheckConstraint(name="team_leader_dates",
                                   condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))),
        ]

    def __str__(self):
        return self.member.person.name

    def is_current(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Dispatch(ChoiceLabels, models.Model):
    """An organised dispatch (组织输出): members sent together by their cooperative, led by a team
    leader, to a partner city or an employer."""

    cooperative = models.ForeignKey(Cooperative, verbose_name=_("劳务合作社"), on_delete=models.PROTECT,
                                    related_name="dispatches")
    # The cooperative's region, copied: the figures by region need no join.
    region_code = models.CharField(_("所在地"), max_length=12)
    leader = models.ForeignKey(TeamLeader, verbose_name=_("带队劳务队长"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="dispatches")
    destination = models.CharField(_("输出去向"), max_length=16, choices=c.Destination.choices)
    city = models.CharField(_("协作城市"), max_length=100, blank=True)
    city_code = models.CharField(_("城市区划代码"), max_length=12, blank=True)
    employer = models.ForeignKey(Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="dispatches")
    employer_name = models.CharField(_("用人单位名称"), max_length=200, blank=True)
    start_date = models.DateField(_("出发日期"))
    end_date = models.DateField(_("返回日期"), null=True, blank=True)
    planned_months = models.PositiveSmallIntegerField(_("计划务工月数"), null=True, blank=True)
    # Kept by the actions: the last day (the end date, else the last day of the planned months) and
    # the first and last month as month_index().
    until = models.DateField(_("截止日期"))
    first_month = models.PositiveIntegerField()
    last_month = models.PositiveIntegerField()
    people = models.ManyToManyField(CoopMember, verbose_name=_("输出人员"), through="DispatchPerson",
                                    related_name="dispatches")
    note = models.CharField(_("备注"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("组织输出")
        verbose_name_plural = _("组织输出")
        indexes = [
            models.Index(fields=["region_code", "first_month"], name="dispatch_region"),
            models.Index(fields=["cooperative", "start_date"], name="dispatch_cooperative"),
        ]
        constraints = [
            models.CheckConstraint(name="dispatch_destination", condition=Q(destination__in=c.Destination.values)),
            models.CheckConstraint(name="dispatch_dates",
                                   condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="dispatch_end_or_months",
                                   condition=Q(end_date__isnull=False) | Q(planned_months__gt=0)),
            models.CheckConstraint(name="dispatch_months", condition=Q(last_month__gte=F("first_month"))),
        ]

    def __str__(self):
        return f"{self.destination_label} {self.start_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch_detail", args=[self.pk])

    @property
    def destination_label(self) -> str:
        if self.destination == c.Destination.EMPLOYER:
            return self.employer.name if self.employer_id else self.employer_name
        return self.city


class DispatchPerson(models.Model):
    """A member who went on a dispatch (the person copied: overlaps are checked per person)."""

    dispatch = models.ForeignKey(Dispatch, verbose_name=_("组织输出"), on_delete=models.CASCADE, related_name="went")
    member = models.ForeignKey(CoopMember, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="went")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="dispatched")

    # Who was added to or taken off a dispatch, when and by whom (a dispatch can be edited).
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("输出人员")
        verbose_name_plural = _("输出人员")
        indexes = [models.Index(fields=["person", "dispatch"], name="dispatch_person")]
        constraints = [models.UniqueConstraint(fields=["dispatch", "member"], name="dispatch_member_once")]

    def __str__(self):
        return f"{self.dispatch_id} · {self.person_id}"


class Appraisal(models.Model):
    """A semi-annual appraisal (评优) of a region's cooperatives and team leaders: their figures for
    the half year, computed from the dispatches and kept, and the awards marked by an officer."""

    region_code = models.CharField(_("区划"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=((1, _("上半年")), (2, _("下半年"))))
    computed_at = models.DateTimeField(_("统计时间"), auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    awarded_at = models.DateTimeField(_("评定时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-year", "-half", "region_code"]
        verbose_name = _("评优")
        verbose_name_plural = _("评优")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year", "half"], name="appraisal_unique"),
            models.CheckConstraint(name="appraisal_half", condition=Q(half__in=(1, 2))),
        ]

    def __str__(self):
        return f"{self.period}"

    def get_absolute_url(self) -> str:
        return reverse("appraisal_detail", args=[self.pk])

    @property
    def period(self) -> str:
        return (_("%(y)d年上半年") if self.half == 1 else _("%(y)d年下半年")) % {"y": self.year}

    @property
    def first_month(self) -> int:
        return self.year * 12 + (0 if self.half == 1 else 6)

    @property
    def last_month(self) -> int:
        return self.first_month + 5


class AppraisalEntry(ChoiceLabels, models.Model):
    """One cooperative's or team leader's figures in an appraisal, its rank and its award."""

    appraisal = models.ForeignKey(Appraisal, verbose_name=_("评优"), on_delete=models.CASCADE, related_name="entries")
    subject = models.CharField(_("对象"), max_length=16, choices=c.AppraisalSubject.choices)
    cooperative = models.ForeignKey(Cooperative, verbose_name=_("劳务合作社"), on_delete=models.PROTECT,
                                    related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("劳务队长"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    people = models.PositiveIntegerField(_("输出人数"), default=0)
    person_months = models.PositiveIntegerField(_("输出人月"), default=0)
    dispatches = models.PositiveIntegerField(_("组织输出批次"), default=0)
    rank = models.PositiveIntegerField(_("排名"))
    awarded = models.BooleanField(_("评为先进"), default=False)
    award = models.PositiveIntegerField(_("奖励金额（元）"), default=0)

    class Meta:
        ordering = ["appraisal", "subject", "rank", "id"]
        verbose_name = _("评优结果")
        verbose_name_plural = _("评优结果")
        constraints = [
            models.CheckConstraint(name="appraisal_entry_subject", condition=Q(subject__in=c.AppraisalSubject.values)),
            models.CheckConstraint(name="appraisal_entry_leader_person",
                                   condition=Q(subject="cooperative", person__isnull=True)
                                   | Q(subject="leader", person__isnull=False)),
        ]

    def __str__(self):
        return f"{self.appraisal_id} · {self.subject} · {self.rank}"
