"""Site rent relief (场地租金减免, e.g. 三免两减半: years 1–3 free, years 4–5 at half rent).

A RentRule gives the share of the yearly rent payable in each year counted from the workshop's start
date; past its listed years the rent is due in full. The rule that applies is the one of the longest
region prefix covering the workshop that was in force on its start date: a workshop keeps the relief it
started under even when the rule later ends, and one started after the rule ended gets none.
"""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.permissions import require
from bangfu.employers.models import RentRule, Workshop
from bangfu.employers.permissions import Perm

CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class RentYear:
    number: int            # 1 for the first year from the start date
    start: datetime.date
    end: datetime.date     # the day before the next year starts
    share: Decimal         # of the rent payable
    rent: Decimal
    due: Decimal
    waived: Decimal


@dataclasses.dataclass(frozen=True)
class Schedule:
    rule: RentRule | None
    years: list[RentYear]
    note: str = ""

    @property
    def waived(self) -> Decimal:
        return sum((year.waived for year in self.years), Decimal(0))


def anniversary(start: datetime.date, years: int) -> datetime.date:
    """The start date `years` later; 29 February falls on 28 February in common years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def rule_for(region_code: str, on: datetime.date) -> RentRule | None:
    rules = RentRule.objects.filter(effective_from__lte=on).exclude(effective_to__lt=on)
    covering = [rule for rule in rules if region_code.startswith(rule.region_prefix)]
    return max(covering, key=lambda rule: (len(rule.region_prefix), rule.effective_from), default=None)


def schedule(workshop: Workshop) -> Schedule:
    """Per year from the start date: the rent, the amount due and the amount waived (the rule's years
    and the first full-rent year after them)."""
    if workshop.start_date is None:
        return Schedule(None, [], _("未填写投产日期，无法计算租金减免"))
    if workshop.site_rent is None:
        return Schedule(None, [], _("未填写场地年租金，无法计算租金减免"))
    rule = rule_for(workshop.region_code, workshop.start_date)
    shares = [Decimal(str(share)) for share in (rule.shares if rule else [])]
    rent = Decimal(workshop.site_rent)
    years = []
    for index in range(len(shares) + 1):
        share = shares[index] if index < len(shares) else Decimal(1)
        due = (rent * share).quantize(CENT, ROUND_HALF_UP)
        start = anniversary(workshop.start_date, index)
        end = anniversary(workshop.start_date, index + 1) - datetime.timedelta(days=1)
        years.append(RentYear(index + 1, start, end, share, rent, due, rent - due))
    note = "" if rule else _("投产日期 %(d)s 时所在地没有施行中的租金减免规则") % {"d": workshop.start_date.isoformat()}
    return Schedule(rule, years, note)


def clean_shares(value) -> list[float]:
    if not isinstance(value, list) or not value or len(value) > 30:
        raise ValidationError({"shares": [_("各年应缴比例应为 1 至 30 个数的列表，如 [0, 0, 0, 0.5, 0.5]")]})
    shares = []
    for i, share in enumerate(value, 1):
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise ValidationError({"shares": [_("第 %(n)d 年的应缴比例“%(v)s”应为 0 至 1 之间的数") % {
                "n": i, "v": share}]})
        shares.append(float(share))
    return shares


@transaction.atomic
def do_save_rent_rule(user, data: dict, rule: RentRule | None = None) -> RentRule:
    """Create or change a rent rule (administrators: MANAGE_POLICY)."""
    require(user, Perm.MANAGE_POLICY)
    prefix = str(data.get("region_prefix") or "")
    if not prefix.isdigit() or len(prefix) > 12:
        raise ValidationError({"region_prefix": [_("适用区划应为 1 至 12 位数字")]})
    start, end = data.get("effective_from"), data.get("effective_to")
    if not isinstance(start, datetime.date):
        raise ValidationError({"effective_from": [_("请填写施行日期")]})
    if end is not None and end < start:
        raise ValidationError({"effective_to": [_("失效日期早于施行日期")]})
    rule = rule or RentRule()
    rule.region_prefix, rule.effective_from, rule.effective_to = prefix, start, end
    rule.name = str(data.get("name") or "").strip()[:100] or _("场地租金减免")
    rule.shares = clean_shares(data.get("shares"))
    rule.note = str(data.get("note") or "")
    rule._history_user = user
    rule.save()
    log.record(user, Action.UPDATE, rule, region_code=prefix)
    return rule
