"""The roster import (月度用工花名册): each chunk's rows grouped by employer and month and handed to
the employer side's set-based roster function (employers.employment.actions.roster_outcomes), the
same one the roster form uses; the engine calls `row` and `write` through its table of writers.

An operator imports its own organisation's rosters (a 统一社会信用代码 column, if given, must be
its own); an officer names the employer of each row by that column. A row naming a workshop by
name (车间) starts new employments there. An import adds and updates the month's records it holds;
unlike a submission of the whole month it removes none: a file may come in several chunks."""

import collections

from django.db.models import Q
from django.utils.translation import gettext as _

from bangfu.core.permissions import reach_of, scope
from bangfu.employers.employment import actions as employment
from bangfu.employers.employment import rules
from bangfu.employers.models import Employer, RosterSubmission, Workshop
from bangfu.employers.permissions import Perm
from bangfu.exchange.imports.records import Record
from bangfu.registry import bulk

FIELDS = ("id_number", "name", "month", "days_worked", "pay", "insurance", "workshop", "start_date", "credit_code")


def row(record: Record) -> bulk.Row:
    return bulk.Row(record, {name: record.values[name] for name in FIELDS if name in record.values})


def _employers(user, rows: list[bulk.Row]) -> tuple[Employer | None, dict[str, Employer]]:
    """The operator's own organisation (None for an officer), and the employers the rows name by
    credit code that the user may submit for."""
    own_id = reach_of(user).organisation_id
    codes = {r.data["credit_code"].strip().upper() for r in rows if r.data.get("credit_code")}
    reachable = scope(user, Employer.objects.all(), Perm.SUBMIT_ROSTER)
    named = {e.credit_code: e for e in reachable.filter(credit_code__in=codes)} if codes else {}
    own = reachable.filter(pk=own_id).first() if own_id is not None else None
    return own, named


def write(user, rows: list[bulk.Row], *, reason: str, write: bool) -> list[bulk.Outcome]:
    own, named = _employers(user, rows)
    outcomes: dict[object, bulk.Outcome] = {}
    groups: dict[tuple, list[dict]] = collections.defaultdict(list)
    months: dict = {}
    for given in rows:
        data = given.data
        errors, fail = rules._collector()
        code = str(data.get("credit_code") or "").strip().upper()
        employer = own
        if own is not None and code and code != own.credit_code:
            fail("credit_code", _("只能导入本单位的花名册：统一社会信用代码应为 %(code)s") % {"code": own.credit_code})
        elif own is None:
            employer = named.get(code)
            if not code:
                fail("credit_code", _("请填写用人单位的统一社会信用代码"))
            elif employer is None:
                fail("credit_code", _("没有统一社会信用代码为 %(code)s 的单位，或不在您的管辖范围") % {"code": code})
        given_month = data.get("month")
        if given_month not in months:  # checked once per distinct month (today's date is looked up)
            month_errors, month_fail = rules._collector()
            months[given_month] = (rules.clean_month(given_month, month_fail), month_errors)
        month, month_errors = months[given_month]
        for field, messages in month_errors.items():
            for message in messages:
                fail(field, message)
        if errors:
            outcomes[given.ref] = bulk.Outcome(given.ref, bulk.REJECTED, errors, who=str(data.get("name") or ""))
            continue
        groups[employer.pk, month].append({**data, "ref": given.ref, "row": given.ref, "employer": employer})
    workshops = _workshops({r["employer"].pk for group in groups.values() for r in group},
                           {r["workshop"] for group in groups.values() for r in group if r.get("workshop")})
    for (_employer_id, month), group in groups.items():
        employer = group[0]["employer"]
        ready = []
        for item in group:
            name = item.pop("workshop", "") or ""
            if name:
                workshop = workshops.get((employer.pk, name))
                if workshop is None:
                    outcomes[item["ref"]] = bulk.Outcome(item["ref"], bulk.REJECTED, {"workshop": [
                        _("本单位没有名为“%(name)s”的车间") % {"name": name}]}, who=str(item.get("name") or ""))
                    continue
                item["workshop"] = workshop
            ready.append(item)
        result = employment.roster_outcomes(user, employer, None, month, ready, write=write, reason=reason,
                                            replace=False, numbers_checked=True)
        for item, outcome in zip(ready, result.outcomes, strict=True):
            outcomes[item["ref"]] = bulk.Outcome(item["ref"], outcome.action, outcome.errors, outcome.changes,
                                                 who=outcome.who)
        if write and (result.count(employment.ADD) or result.count(employment.UPDATE)):
            _submission(user, employer, month, result, reason)
    return [outcomes[given.ref] for given in rows]


def _workshops(employer_ids: set[int], names: set[str]) -> dict[tuple[int, str], Workshop]:
    if not names:
        return {}
    found = Workshop.objects.filter(Q(employer_id__in=employer_ids), name__in=names)
    return {(w.employer_id, w.name): w for w in found}


def _submission(user, employer: Employer, month, result, reason: str) -> None:
    """The chunk's part of the month as one submission of source 导入 (its audit entry with it)."""
    from bangfu.audit import log
    from bangfu.audit.models import Action

    submission = RosterSubmission.objects.create(
        employer=employer, region_code=employer.region_code, month=month, submitted_by=user,
        source=RosterSubmission.Source.IMPORT, added=result.count(employment.ADD),
        updated=result.count(employment.UPDATE), unchanged=result.count(employment.UNCHANGED),
        refused=result.count(employment.REJECTED), started=result.started, refusals=employment._refusals(result))
    log.record(user, Action.BULK, submission, region_code=submission.region_code, detail={
        "what": "roster", "month": month.isoformat(), "added": submission.added, "updated": submission.updated,
        "reason": reason})
