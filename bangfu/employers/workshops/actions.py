"""Writes other than lifecycle moves: a workshop's yearly report, criteria sets and criteria edited on
the policy pages (the lifecycle's moves are in lifecycle.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import writes
from bangfu.core.permissions import Forbidden, has_perm, reaches, require
from bangfu.employers.models import CriteriaSet, Criterion, Purpose, Workshop, WorkshopReport
from bangfu.employers.permissions import Perm
from bangfu.employers.workshops import criteria as cr
from bangfu.employers.workshops.rules import clean_report


@transaction.atomic
def do_record_workshop_report(user, workshop: Workshop, data: dict, *, key: str | None = None,
                              request=None) -> WorkshopReport:
    """A yearly report (年度经营情况) of a workshop, by its operator or an officer who may apply for it."""
    if not has_perm(user, Perm.APPLY_WORKSHOP) or not reaches(user, workshop, Perm.APPLY_WORKSHOP):
        raise Forbidden(_("您无权为车间“%(name)s”报送年度经营情况") % {"name": workshop.name})

    def create() -> WorkshopReport:
        report = WorkshopReport(workshop=workshop, **clean_report(data, workshop))
        report._history_user = user
        report.save()
        log.record(user, Action.CREATE, report, region_code=workshop.region_code, request=request)
        return report

    return writes.once(user, key, create)[0]


def _set_values(data: dict, criteria_set: CriteriaSet | None) -> dict:
    raw = {"purpose": data.get("purpose"), "name": data.get("name"), "note": data.get("note"),
           "effective_from": data.get("effective_from") and str(data["effective_from"]),
           "effective_to": data.get("effective_to") and str(data["effective_to"]),
           "buffer_months": data.get("buffer_months"), "period_months": data.get("period_months") or 3,
           "criteria": [{"measure": "workers", "threshold": 0}]}
    values, _criteria = cr.clean_set(raw, _("标准"), str(data.get("region_prefix") or ""))
    prefix = values["region_prefix"]
    if not prefix.isdigit() or len(prefix) > 12:
        raise ValidationError({"region_prefix": [_("适用区划应为 1 至 12 位数字")]})
    clash = CriteriaSet.objects.filter(region_prefix=prefix, purpose=values["purpose"],
                                       effective_from=values["effective_from"]).exclude(
        pk=getattr(criteria_set, "pk", None))
    if clash.exists():
        raise ValidationError(_("区划 %(p)s 已有 %(d)s 施行的%(purpose)s标准") % {
            "p": prefix, "d": values["effective_from"].isoformat(), "purpose": Purpose(values["purpose"]).label})
    return values


@transaction.atomic
def do_save_criteria_set(user, data: dict, criteria_set: CriteriaSet | None = None, *, request=None) -> CriteriaSet:
    require(user, Perm.MANAGE_POLICY)
    values = _set_values(data, criteria_set)
    criteria_set = criteria_set or CriteriaSet()
    for field, value in values.items():
        setattr(criteria_set, field, value)
    criteria_set._history_user = user
    criteria_set.save()
    log.record(user, Action.UPDATE, criteria_set, region_code=criteria_set.region_prefix, request=request)
    return criteria_set


@transaction.atomic
def do_save_criterion(user, criteria_set: CriteriaSet, data: dict, criterion: Criterion | None = None, *,
                      request=None) -> Criterion:
    require(user, Perm.MANAGE_POLICY)
    values = cr.clean_criterion(data, _("条件"))
    criterion = criterion or Criterion(criteria_set=criteria_set,
                                       position=criteria_set.criteria.count())
    for field, value in values.items():
        setattr(criterion, field, value)
    criterion._history_user = user
    criterion.save()
    log.record(user, Action.UPDATE, criteria_set, region_code=criteria_set.region_prefix, request=request,
               detail={"criterion": criterion.label})
    return criterion


@transaction.atomic
def do_delete_criterion(user, criterion: Criterion, *, request=None) -> None:
    require(user, Perm.MANAGE_POLICY)
    criteria_set = criterion.criteria_set
    criterion._history_user = user
    criterion.delete()
    log.record(user, Action.DELETE, criteria_set, region_code=criteria_set.region_prefix, request=request,
               detail={"criterion": criterion.label})
