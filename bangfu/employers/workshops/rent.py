"""Site rent relief (场地租金减免, e.g. 三免两减半: years 1–3 free, years 4–5 at half rent).

A RentRule gives the share of the yearly rent payable in each year counted from the workshop's start
date; past its listed years the rent is due in full. The rule that applies is the one of the longest
region prefix covering the workshop that was in force on its start date: a workshop keeps the relief it
started under even when the rule later ends, and one started after the rule ended gets none.
"""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import writes
from bangfu.core.history import changes_since
from bangfu.core.permissions import check, prefix_q, reach_of, require
from bangfu.employers.models import RentRule, Workshop
from bangfu.employers.permissions import Perm
from bangfu.employers.workshops import rules
from bangfu.regions import codes

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
    in_force = RentRule.objects.filter(effective_from__lte=on).exclude(effective_to__lt=on)
    covering = [rule for rule in in_force if region_code.startswith(rule.region_prefix)]
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


# --- the rules: kept by the holders of MANAGE_POLICY, each within their region ------------------------

def rent_rules_for_user(user):
    """The rules a policy keeper sees: those of their region and below, and those above it that apply
    there too (read only). Policy data, not personal: no organisation scope."""
    require(user, Perm.MANAGE_POLICY)
    reach = reach_of(user)
    found = RentRule.objects.all()
    if reach.everything:
        return found
    if reach.region_prefix is None:
        return found.none()
    prefix = reach.region_prefix
    above = {prefix[:digits] for digits in (0, *codes.LEVEL_DIGITS.values()) if digits < len(prefix)}
    return found.filter(prefix_q("region_prefix", prefix) | Q(region_prefix__in=above))


def get_rent_rule_for_user(user, pk) -> RentRule:
    """One rule the user sees, or 404 alike for absent and not theirs."""
    try:
        return rent_rules_for_user(user).get(pk=int(pk))
    except (RentRule.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _save(user, rule: RentRule, reason: str) -> None:
    rule._history_user = user
    rule._change_reason = reason
    rule.save()


@transaction.atomic
def do_create_rent_rule(user, data: dict, *, key: str | None = None, request=None) -> RentRule:
    """A new rule of a region within the user's (the same key again returns the rule made)."""
    def create() -> RentRule:
        require(user, Perm.MANAGE_POLICY)
        values = rules.clean_rent_rule(data)
        check(user, Perm.MANAGE_POLICY, values["region_prefix"])
        rule = RentRule(**values)
        _save(user, rule, _("新增"))
        log.record(user, Action.CREATE, rule, request=request, region_code=rule.region_prefix)
        return rule

    return writes.once(user, key, create)[0]


@transaction.atomic
def do_update_rent_rule(user, rule: RentRule, data: dict, *, version: int | None = None,
                        request=None) -> list[str]:
    """Change the fields given; returns their names. An edit made on an older version than the stored
    one is refused (StaleEdit); a rule above the user's region is not theirs to change."""
    require(user, Perm.MANAGE_POLICY)
    current = writes.lock(RentRule, rule.pk)
    check(user, Perm.MANAGE_POLICY, current.region_prefix)
    writes.check_version(current, version, changes_since)
    values = rules.clean_rent_rule(data, current)
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return []
    if "region_prefix" in changed:
        check(user, Perm.MANAGE_POLICY, values["region_prefix"])
    for k in changed:
        setattr(current, k, values[k])
    current.version += 1
    _save(user, current, _("修改"))
    for field in RentRule._meta.concrete_fields:
        setattr(rule, field.attname, getattr(current, field.attname))
    log.record(user, Action.UPDATE, rule, request=request, region_code=rule.region_prefix,
               detail={"fields": changed})
    return changed


def do_save_rent_rule(user, data: dict, rule: RentRule | None = None, *, version: int | None = None,
                      request=None) -> RentRule:
    """Create a rule, or change one (for the demo and the commands)."""
    if rule is None:
        return do_create_rent_rule(user, data, request=request)
    do_update_rent_rule(user, rule, data, version=version, request=request)
    return rule
