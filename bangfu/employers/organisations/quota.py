"""The disabled-employment quota (按比例安排残疾人就业) of an employer for a year, explained step by step.

Every figure comes from the QuotaRule of the year whose region prefix is the longest one covering
the employer's region (policy is data: administrators enter it, nothing is assumed here). The levy
(残疾人就业保障金) is the shortfall × the wage it is reckoned on × the share charged:

- required  = staff × ratio (a fraction of a person is kept: the levy is owed on it too);
- counted   = the disabled staff the employer declared (the ledger's own count is shown beside it);
- shortfall = required − counted, not below zero;
- wage      = the employer's average wage of last year, at most wage_cap_multiple × the local average
              (the local average when the employer gave none);
- share     = share_from_reduced when the employer's own ratio reached reduced_from_ratio, else
              share_below_reduced; whole when the rule has no reduction or leaves that share empty;
- exempt    = staff ≤ exempt_up_to_staff: nothing is owed.
"""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.employers.models import Employer, Employment, QuotaRule
from bangfu.employers.organisations.rules import percent
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry.choices import Gender

CENT = Decimal("0.01")
WHOLE = Decimal(1)


@dataclasses.dataclass
class Step:
    title: str
    text: str


@dataclasses.dataclass
class Quota:
    year: int
    rule: QuotaRule | None
    staff: int
    declared: int
    steps: list[Step]
    conclusion: str
    in_ledger: int | None = None
    required: Decimal | None = None
    shortfall: Decimal | None = None
    wage: Decimal | None = None
    share: Decimal | None = None
    levy: Decimal | None = None
    exempt: bool = False

    @property
    def computed(self) -> bool:
        return self.rule is not None


def rule_for(region_code: str, year: int) -> QuotaRule | None:
    """The year's rule of the longest region prefix that covers the code ("" covers every code)."""
    prefixes = {region_code[:n] for n in range(len(region_code) + 1)}
    rules = QuotaRule.objects.filter(year=year, region_prefix__in=prefixes)
    return max(rules, key=lambda rule: len(rule.region_prefix), default=None)


def number(value: Decimal) -> str:
    """Two decimals, grouped: 12345.6 → "12,345.60"; whole numbers without decimals."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}"


def disabled_in_ledger(employer: Employer, rule: QuotaRule, day: datetime.date) -> int:
    """The employer's open employment records of people the ledger has as disabled and who are, on
    `day`, under the rule's retirement age for their gender (one COUNT)."""
    def born_after(age: int) -> datetime.date:
        try:
            return day.replace(year=day.year - age)
        except ValueError:  # 29 February
            return day.replace(year=day.year - age, day=28)

    working_age = (Q(person__gender=Gender.MALE, person__birth_date__gt=born_after(rule.retirement_age_male))
                   | Q(person__gender=Gender.FEMALE,
                       person__birth_date__gt=born_after(rule.retirement_age_female)))
    return (Employment.objects.filter(employer=employer, end_date__isnull=True,
                                      person__disability_category__isnull=False)
            .filter(working_age).count())


def explain(employer: Employer, year: int, today: datetime.date | None = None) -> Quota:
    today = today or timezone.localdate()
    staff, declared = employer.staff_count, employer.disabled_staff_count
    rule = rule_for(employer.region_code, year)
    if rule is None:
        return Quota(year, None, staff, declared, steps=[], conclusion=_(
            "未找到 %(year)d 年适用于该单位所在地（%(code)s）的按比例安排残疾人就业参数，无法计算。"
            "请系统管理员先录入该年度的参数。") % {"year": year, "code": employer.region_code})
    steps = [Step(_("适用参数"), _(
        "%(year)d 年区划 %(prefix)s 的参数：安排比例 %(ratio)s，当地社会平均工资 %(wage)s 元/年，"
        "工资计算上限为其 %(cap)s 倍，依据：%(note)s") % {
        "year": year, "prefix": _region_label(rule.region_prefix), "ratio": percent(rule.ratio),
        "wage": number(rule.local_average_wage), "cap": number(rule.wage_cap_multiple),
        "note": rule.note or _("（未填写）")})]
    quota = Quota(year, rule, staff, declared, steps=steps, conclusion="")

    quota.required = staff * rule.ratio
    steps.append(Step(_("应安排残疾人就业人数"), _("在职职工 %(staff)s 人 × %(ratio)s = %(required)s 人") % {
        "staff": number(staff), "ratio": percent(rule.ratio), "required": number(quota.required)}))

    day = min(today, datetime.date(year, 12, 31))
    quota.in_ledger = disabled_in_ledger(employer, rule, day)
    steps.append(Step(_("已安排残疾人就业人数"), _(
        "按单位申报的残疾职工 %(declared)s 人计算。本系统用工记录中在岗、台账登记为残疾人且未达退休年龄"
        "（男 %(male)d 岁、女 %(female)d 岁，截至 %(day)s）的有 %(ledger)s 人，仅供核对：保障金以单位申报、"
        "经残联审核的人数为准，用工记录只包括在本系统登记的人员。") % {
        "declared": number(declared), "male": rule.retirement_age_male, "female": rule.retirement_age_female,
        "day": day.isoformat(), "ledger": number(quota.in_ledger)}))

    quota.shortfall = max(quota.required - declared, Decimal(0))
    steps.append(Step(_("差额人数"), _("%(required)s − %(declared)s = %(shortfall)s 人") % {
        "required": number(quota.required), "declared": number(declared),
        "shortfall": number(quota.shortfall)}))
    if quota.shortfall == 0:
        quota.levy = Decimal(0)
        quota.conclusion = _("已达到规定的安排比例，无需缴纳残疾人就业保障金。")
        return quota

    if staff <= rule.exempt_up_to_staff:
        quota.exempt, quota.levy = True, Decimal(0)
        steps.append(Step(_("免征"), _("在职职工 %(staff)s 人，不超过免征人数上限 %(limit)s 人") % {
            "staff": number(staff), "limit": number(rule.exempt_up_to_staff)}))
        quota.conclusion = _("暂免征收残疾人就业保障金。")
        return quota

    cap = rule.local_average_wage * rule.wage_cap_multiple
    if employer.average_wage is None:
        quota.wage = Decimal(rule.local_average_wage)
        wage_text = _("单位未填报上年职工年平均工资，按当地社会平均工资 %(wage)s 元计算") % {
            "wage": number(quota.wage)}
    elif employer.average_wage > cap:
        quota.wage = cap
        wage_text = _("单位上年职工年平均工资 %(own)s 元，高于当地社会平均工资的 %(times)s 倍（%(cap)s 元），"
                      "按 %(cap)s 元计算") % {"own": number(employer.average_wage),
                                             "times": number(rule.wage_cap_multiple), "cap": number(cap)}
    else:
        quota.wage = Decimal(employer.average_wage)
        wage_text = _("按单位上年职工年平均工资 %(own)s 元计算（未超过上限 %(cap)s 元）") % {
            "own": number(employer.average_wage), "cap": number(cap)}
    steps.append(Step(_("计征工资"), wage_text))

    quota.share, share_text = _share(rule, staff, declared)
    steps.append(Step(_("征收比例"), share_text))

    quota.levy = (quota.shortfall * quota.wage * quota.share).quantize(CENT, ROUND_HALF_UP)
    steps.append(Step(_("残疾人就业保障金"), _("%(shortfall)s 人 × %(wage)s 元 × %(share)s = %(levy)s 元") % {
        "shortfall": number(quota.shortfall), "wage": number(quota.wage), "share": percent(quota.share),
        "levy": number(quota.levy)}))
    quota.conclusion = _("%(year)d 年应缴纳残疾人就业保障金 %(levy)s 元。") % {
        "year": year, "levy": number(quota.levy)}
    return quota


def _region_label(prefix: str) -> str:
    if not prefix:
        return _("全国")
    name = Region.objects.filter(code=codes.full_code(prefix)).values_list("name", flat=True).first()
    return f"{prefix}（{name}）" if name else prefix


def _share(rule: QuotaRule, staff: int, declared: int) -> tuple[Decimal, str]:
    if rule.reduced_from_ratio is None:
        return WHOLE, _("参数未设减征，按应缴额全额征收")
    own = percent(Decimal(declared) / staff, 2)  # staff > 0: without staff nothing is short
    if declared >= staff * rule.reduced_from_ratio:
        # The rules ask for this share with a threshold; a row written around them is charged whole.
        share = rule.share_from_reduced if rule.share_from_reduced is not None else WHOLE
        return share, _("单位实际安排比例 %(own)s，达到减征起点 %(from)s，按应缴额的 %(share)s 征收") % {
            "own": own, "from": percent(rule.reduced_from_ratio), "share": percent(share)}
    share = rule.share_below_reduced if rule.share_below_reduced is not None else WHOLE
    return share, _("单位实际安排比例 %(own)s，未达到减征起点 %(from)s，按应缴额的 %(share)s 征收") % {
        "own": own, "from": percent(rule.reduced_from_ratio), "share": percent(share)}
