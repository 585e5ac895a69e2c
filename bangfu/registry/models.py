import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bangfu.core.figures import KeptFigures
from bangfu.core.history import history_user
from bangfu.core.models import ChoiceLabels
from bangfu.core.sensitive import SensitiveIdentifier
from bangfu.registry import choices as c

# The earliest date a survey or follow-up can carry: one floor for both, in the rules
# (validation._day) and in the tables' CHECK constraints.
EARLIEST_DAY = datetime.date(2000, 1, 1)


def _monitored_has_category() -> Q:
    return ~Q(poverty_status=c.PovertyStatus.MONITORED) | ~Q(monitoring_category="")


def _relocated_has_site() -> Q:
    return Q(relocated=False) | ~Q(relocation_site="")


class Skill(models.Model):
    name = models.CharField(_("技能"), max_length=40, unique=True)
    standard = models.BooleanField(_("标准技能"), default=False)

    class Meta:
        ordering = ["-standard", "name"]
        verbose_name = _("技能")
        verbose_name_plural = _("技能")

    def __str__(self):
        return self.name


NUMBER_TAIL = 4  # a household is found by the last digits of its number, as a person by the ID's


class Household(ChoiceLabels, models.Model):
    """A household (户) in a village, with its members' employment summed up."""

    number = models.CharField(_("户编号"), max_length=30, unique=True)
    region_code = models.CharField(_("所在村"), max_length=12)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    poverty_status = models.CharField(_("户类型"), max_length=16, choices=c.HouseholdType.choices,
                                      default=c.HouseholdType.NONE)
    monitoring_category = models.CharField(_("监测类型"), max_length=16, blank=True,
                                           choices=c.MonitoringCategory.choices)
    relocated = models.BooleanField(_("易地扶贫搬迁户"), default=False)
    relocation_site = models.CharField(_("安置点"), max_length=100, blank=True)
    # Derived from the members by services.refresh_households; never edited by hand.
    head_name = models.CharField(_("户主"), max_length=50, blank=True)
    # Search keys (selectors.search_households): the head's pinyin as services.pinyin_keys gives it,
    # copied from the head's record with head_name; the number's last four digits, set on save.
    head_pinyin = models.CharField(max_length=120, blank=True)
    head_initials = models.CharField(max_length=20, blank=True)
    number_tail = models.CharField(max_length=4, blank=True)
    member_count = models.PositiveSmallIntegerField(_("人口数"), default=0)
    labour_count = models.PositiveSmallIntegerField(_("劳动力数"), default=0)
    employed_count = models.PositiveSmallIntegerField(_("就业人数"), default=0)
    zero_employment = models.BooleanField(_("零就业家庭"), default=False)
    # Raised by every edit: an edit made on an older version is refused (core.writes).
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["head_name", "head_pinyin", "head_initials", "number_tail", "member_count",
                         "labour_count", "employed_count", "zero_employment", "updated_at"],
        get_user=history_user,
    )

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")
        indexes = [
            models.Index(fields=["region_code", "id"], name="household_region"),
            models.Index(fields=["zero_employment", "region_code"], name="household_zero"),
            models.Index(fields=["head_name", "region_code"], name="household_head"),
            models.Index(fields=["head_initials", "region_code"], name="household_head_initials"),
            models.Index(fields=["head_pinyin", "region_code"], name="household_head_pinyin"),
            models.Index(fields=["number_tail", "region_code"], name="household_number_tail"),
        ]
        constraints = [
            models.CheckConstraint(name="household_monitored_has_category", condition=_monitored_has_category()),
            models.CheckConstraint(name="household_relocated_has_site", condition=_relocated_has_site()),
            models.CheckConstraint(name="household_poverty_status",
                                   condition=Q(poverty_status__in=c.HouseholdType.values)),
        ]

    def __str__(self):
        return f"{self.number} {self.head_name}".strip()

    def save(self, *args, **kwargs):
        self.number_tail = self.number[-NUMBER_TAIL:]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("household_detail", args=[self.pk])


IDENTIFIERS = ("id_number", "phone", "disability_card")  # Person's SensitiveIdentifier fields


class Person(ChoiceLabels, models.Model):
    """One person of the labour ledger (台账)."""

    household = models.ForeignKey(Household, verbose_name=_("家庭户"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="members")
    relationship = models.CharField(_("与户主关系"), max_length=16, choices=c.Relationship.choices,
                                    default=c.Relationship.HEAD)
    region_code = models.CharField(_("所在村"), max_length=12)
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=120)
    name_initials = models.CharField(max_length=20)
    # Identifiers: encrypted, found by keyed hash, shown masked (core.sensitive).
    id_number = SensitiveIdentifier(_("身份证号"), keep=(4, 4), unique=True, max_length=18,
                                    pattern=r"\d{17}[\dXx]")
    gender = models.CharField(_("性别"), max_length=1, choices=c.Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = SensitiveIdentifier(_("联系电话"), keep=(3, 4), max_length=11,
                                pattern=r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
    education = models.CharField(_("文化程度"), max_length=16, choices=c.Education.choices, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("技能"), blank=True, related_name="people")
    labour_ability = models.CharField(_("劳动能力"), max_length=8, choices=c.LabourAbility.choices,
                                      default=c.LabourAbility.FULL)
    # Working age (16–59) with some labour ability; refreshed daily as people age.
    is_labour = models.BooleanField(_("劳动力"), default=False)
    poverty_status = models.CharField(_("人口类型"), max_length=16, choices=c.PovertyStatus.choices,
                                      default=c.PovertyStatus.NONE)
    monitoring_category = models.CharField(_("监测类型"), max_length=16, blank=True,
                                           choices=c.MonitoringCategory.choices)
    relocated = models.BooleanField(_("易地扶贫搬迁"), default=False)
    relocation_site = models.CharField(_("安置点"), max_length=100, blank=True)
    disability_category = models.PositiveSmallIntegerField(
        _("残疾类别"), choices=c.DisabilityCategory.choices, null=True, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), choices=c.DisabilityGrade.choices, null=True, blank=True)
    # The card number is the ID number and two digits: its mask hides what the ID number's hides.
    disability_card = SensitiveIdentifier(_("残疾人证号"), keep=(4, 6), max_length=20, index_tail=False,
                                          pattern=r"\d{17}[\dXx]\d{2}")
    employment_status = models.CharField(_("就业状态"), max_length=16, choices=c.EmploymentStatus.choices,
                                         default=c.EmploymentStatus.SEEKING)
    employer_name = models.CharField(_("就业单位/地点"), max_length=200, blank=True)
    not_seeking_reason = models.CharField(_("无就业意愿原因"), max_length=16, blank=True,
                                          choices=c.NotSeekingReason.choices)
    wish_jobs = models.CharField(_("意向岗位"), max_length=200, blank=True)
    wish_travel = models.CharField(_("可接受务工范围"), max_length=16, blank=True,
                                   choices=c.TravelRange.choices)
    wish_pay = models.PositiveIntegerField(_("期望月薪（元）"), null=True, blank=True)
    wish_hours = models.CharField(_("工作时间意向"), max_length=16, blank=True, choices=c.Hours.choices)
    training_wishes = models.CharField(_("培训意愿"), max_length=200, blank=True)
    # As the monitoring system records it (职业介绍, 职业指导, 技能培训 …): free text, several at once.
    service_needs = models.CharField(_("就业服务需求"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # The visit date of the latest survey applied: an older survey does not overwrite it.
    surveyed_on = models.DateField(_("最近走访日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # History keeps an identifier's keyed hash (to show that it changed), never its ciphertext:
    # a retired field key must leave nothing behind that only it can read. Nobody looks history up
    # by a hash, so those columns carry no index there (each would cost every history row).
    history = HistoricalRecords(
        excluded_fields=["name_pinyin", "name_initials", "updated_at",
                         *(f"{name}_{part}" for name in IDENTIFIERS for part in ("enc", "head", "tail"))],
        no_db_index=[f"{name}_hash" for name in IDENTIFIERS],
        m2m_fields=[skills], get_user=history_user)

    class Meta:
        ordering = ["region_code", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [
            models.Index(fields=["region_code", "id"], name="person_region"),
            models.Index(fields=["name_initials", "region_code"], name="person_initials"),
            models.Index(fields=["name", "region_code"], name="person_name"),
            models.Index(fields=["employment_status", "region_code"], name="person_employment"),
            # The officers' commonest list: people of one employment status and one poverty status.
            models.Index(fields=["employment_status", "poverty_status", "region_code"],
                         name="person_employment_poverty"),
            models.Index(fields=["poverty_status", "region_code"], name="person_poverty"),
            models.Index(fields=["disability_category", "region_code"], name="person_disability"),
            # The list's sort orders (registry.filters.PEOPLE_SORTS) with their tiebreaker: a sorted
            # page reads its rows in index order; with the region code, a page deep in the list
            # skips its ids within the index (core.pages.rows_of_page). The first also serves the
            # full-pinyin search.
            models.Index(fields=["name_pinyin", "id", "region_code"], name="person_pinyin_sort"),
            models.Index(fields=["birth_date", "id", "region_code"], name="person_birth_sort"),
        ]
        constraints = [
            models.CheckConstraint(name="person_monitored_has_category", condition=_monitored_has_category()),
            models.CheckConstraint(name="person_relocated_has_site", condition=_relocated_has_site()),
            models.CheckConstraint(
                name="person_not_seeking_has_reason",
                condition=~Q(employment_status=c.EmploymentStatus.NOT_SEEKING) | ~Q(not_seeking_reason="")),
            models.CheckConstraint(
                name="person_disability_category_and_grade",
                condition=Q(disability_category__isnull=True, disability_grade__isnull=True)
                # IS NOT NULL spelled out: a CHECK that evaluates to NULL passes
                | Q(disability_category__isnull=False, disability_grade__isnull=False,
                    disability_category__in=c.DisabilityCategory.values,
                    disability_grade__in=c.DisabilityGrade.values)),
            models.CheckConstraint(name="person_card_needs_disability",
                                   condition=Q(disability_card_hash="") | Q(disability_category__isnull=False)),
            models.CheckConstraint(name="person_employment_status",
                                   condition=Q(employment_status__in=c.EmploymentStatus.values)),
            models.CheckConstraint(name="person_poverty_status",
                                   condition=Q(poverty_status__in=c.PovertyStatus.values)),
            models.CheckConstraint(name="person_labour_ability",
                                   condition=Q(labour_ability__in=c.LabourAbility.values)),
            models.CheckConstraint(name="person_wish_pay",
                                   condition=Q(wish_pay__isnull=True) | Q(wish_pay__lte=1_000_000)),
            models.CheckConstraint(name="person_id_number_set", condition=~Q(id_number_hash="")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.pk])

    @property
    def is_employed(self) -> bool:
        return self.employment_status in c.EMPLOYED_STATUSES

    @property
    def is_disabled(self) -> bool:
        return self.disability_category is not None

    @property
    def working_age_note(self) -> str:
        """未到劳动年龄 / 已过劳动年龄 for someone outside working age without work: a child's or an
        old person's "wish to work" is not the ledger's question. "" for everyone else."""
        from bangfu.registry.services import WORKING_AGE

        if self.is_employed:
            return ""
        low, high = WORKING_AGE
        age = self.age
        if age < low:
            return str(_("未到劳动年龄"))
        if age > high:
            return str(_("已过劳动年龄"))
        return ""

    @property
    def work_status_label(self) -> str:
        """The employment status as pages show it (the note above, else the status)."""
        return self.working_age_note or self.get_employment_status_display()

    @property
    def age(self) -> int:
        """Whole years today. Pages, API and exports show this, never the birth date: the date with
        the ID number's mask (its first and last four characters) would give the whole number back."""
        from bangfu.registry.services import age_on

        return age_on(self.birth_date, timezone.localdate())


class Survey(ChoiceLabels, models.Model):
    """A door-to-door visit (走访): what the surveyor found, and the fields it changed."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE,
                               related_name="surveys")
    region_code = models.CharField(_("所在村"), max_length=12, db_index=True)
    visited_on = models.DateField(_("走访日期"))
    surveyor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("走访人"),
                                 on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("走访情况"))
    changes = models.JSONField(_("更新的字段"), default=dict, blank=True)
    # Recorded after a newer visit had been applied: kept, but it changed nothing.
    superseded = models.BooleanField(_("已有较新走访"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        constraints = [
            models.CheckConstraint(name="survey_visited_on", condition=Q(visited_on__gte=EARLIEST_DAY)),
            models.CheckConstraint(name="survey_findings", condition=~Q(findings="")),
        ]

    def __str__(self):
        return f"{self.visited_on} {self.person_id}"

    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) for what this survey changed, labels in the reader's language."""
        named = {"phone": _("联系电话"), "disability_card": _("残疾人证号"), "skills": _("技能")}
        rows = []
        for name, (old, new) in self.changes.items():
            if name in named:
                rows.append((str(named[name]), old or "—", new or "—"))
                continue
            field = Person._meta.get_field(name)
            labels = {str(k): str(v) for k, v in field.flatchoices} if field.choices else {}
            rows.append((str(field.verbose_name), labels.get(old, old) or "—", labels.get(new, new) or "—"))
        return rows


class FollowUp(ChoiceLabels, models.Model):
    """An officer's follow-up of a zero-employment household (零就业家庭动态清零)."""

    household = models.ForeignKey(Household, verbose_name=_("家庭户"), on_delete=models.CASCADE,
                                  related_name="follow_ups")
    region_code = models.CharField(_("所在村"), max_length=12, db_index=True)
    done_on = models.DateField(_("日期"))
    action = models.CharField(_("跟进措施"), max_length=20, choices=c.FollowUpAction.choices)
    note = models.TextField(_("说明"), blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"),
                                on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("零就业家庭跟进")
        verbose_name_plural = _("零就业家庭跟进")
        constraints = [
            models.CheckConstraint(name="follow_up_done_on", condition=Q(done_on__gte=EARLIEST_DAY)),
            models.CheckConstraint(name="follow_up_action", condition=Q(action__in=c.FollowUpAction.values)),
        ]

    def __str__(self):
        return f"{self.done_on} {self.get_action_display()}"


class VillageFigures(KeptFigures):
    """The ledger's figures of one village (registry.figures keeps them; pages sum them)."""

    # registry.stats.PERSON_FIGURES
    people = models.IntegerField(default=0)
    labour = models.IntegerField(default=0)
    employed = models.IntegerField(default=0)
    in_county = models.IntegerField(default=0)
    out_county = models.IntegerField(default=0)
    out_province = models.IntegerField(default=0)
    seeking = models.IntegerField(default=0)
    disabled = models.IntegerField(default=0)
    formerly_poor = models.IntegerField(default=0)
    monitored = models.IntegerField(default=0)
    relocated = models.IntegerField(default=0)
    # registry.stats.household_counts
    households = models.IntegerField(default=0)
    zero_employment = models.IntegerField(default=0)
    relocated_households = models.IntegerField(default=0)
    relocated_with_labour = models.IntegerField(default=0)
    relocated_employed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region_code", "population"], name="village_figures_unique")]
        indexes = [models.Index(fields=["region_code"], condition=Q(stale=True), name="village_figures_stale")]

    def __str__(self):
        return f"{self.region_code} {self.population}".strip()
# --- job spells ------------------------------------------------------------------------------------

# The earliest month a job spell can start; months are stored as the first day of the month.
EARLIEST_MONTH = datetime.date(1970, 1, 1)
MAX_MONEY = 1_000_000  # yuan: a monthly income or a year's subsidy beyond it is a typing error


class EmploymentSpell(ChoiceLabels, models.Model):
    """One job a person held or holds (务工经历): from a start month to an end month, or still open.

    The person's employment status and workplace follow their open spell (services.sync_status_from_spells);
    a person has at most one open spell. Months are stored as the month's first day; the end month
    is the last month worked, and the next spell may start in it (a change of job within a month).
    """

    # Indexed by spell_person (person, start month) below, not on its own: one index less to fill.
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="spells",
                               db_index=False)
    # The person's village, kept in step with theirs: scope and set-based checks by region without a join.
    region_code = models.CharField(_("所在村"), max_length=12)
    start_month = models.DateField(_("开始年月"))
    end_month = models.DateField(_("结束年月"), null=True, blank=True)
    place = models.CharField(_("务工地域"), max_length=16, choices=c.SpellPlace.choices)
    place_text = models.CharField(_("务工所在地"), max_length=100, blank=True)
    channel = models.CharField(_("就业渠道"), max_length=16, choices=c.Channel.choices, blank=True)
    employer_name = models.CharField(_("就业单位"), max_length=200, blank=True)
    monthly_income = models.PositiveIntegerField(_("务工月收入（元）"), null=True, blank=True)
    transport_subsidy = models.PositiveIntegerField(_("年度交通费补助（元）"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=c.SpellSource.choices,
                              default=c.SpellSource.MANUAL)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The region code only follows the person's, whose own history shows a move.
    history = HistoricalRecords(excluded_fields=["region_code", "updated_at"], get_user=history_user)

    class Meta:
        ordering = ["-start_month", "-id"]
        verbose_name = _("务工经历")
        verbose_name_plural = _("务工经历")
        indexes = [
            models.Index(fields=["person", "start_month"], name="spell_person"),
            # Per region, as every set-based check reads them (a county's range of codes).
            models.Index(fields=["region_code", "id"], name="spell_region"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(end_month__isnull=True), name="spell_one_open"),
            models.CheckConstraint(name="spell_end_after_start",
                                   condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month"))),
            models.CheckConstraint(name="spell_start_month", condition=Q(start_month__gte=EARLIEST_MONTH)),
            models.CheckConstraint(name="spell_place", condition=Q(place__in=c.SpellPlace.values)),
            models.CheckConstraint(name="spell_channel", condition=Q(channel__in=["", *c.Channel.values])),
            models.CheckConstraint(name="spell_source", condition=Q(source__in=c.SpellSource.values)),
            models.CheckConstraint(name="spell_money", condition=(
                (Q(monthly_income__isnull=True) | Q(monthly_income__lte=MAX_MONEY))
                & (Q(transport_subsidy__isnull=True) | Q(transport_subsidy__lte=MAX_MONEY)))),
        ]

    def __str__(self):
        return f"{self.months_label} {self.employer_name or self.get_place_display()}"

    @property
    def is_open(self) -> bool:
        return self.end_month is None

    @property
    def status(self) -> str:
        return c.spell_status(self.place, self.channel)

    @property
    def months_label(self) -> str:
        """2023年05月–2024年01月, or 2023年05月起 for an open spell."""
        start = month_label(self.start_month)
        if self.end_month is None:
            return str(_("%(start)s起") % {"start": start})
        return f"{start}–{month_label(self.end_month)}"


def month_label(month: datetime.date | None) -> str:
    """A month as the monitoring system writes it: 2023年05月."""
    return f"{month.year}年{month.month:02d}月" if month else ""
