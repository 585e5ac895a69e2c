"""Evaluating workshops against the criteria in force, set-based.

`evaluate(workshops, on, purpose)` reads every measure of MANY workshops in one grouped query per
distinct period (MonthlyRecord ⋈ Employment ⋈ Person, grouped by workshop), one query for the yearly
reports when a set asks for revenue, and one for the sets in force; then it compares, criterion by
criterion, in Python, and says why in Chinese ("脱贫劳动力 4 人，须不少于 5 人").

A worker counts in a workshop when they have at least one monthly record with days_worked > 0 in the
period through an employment at that workshop: someone who left mid-month counts for that month, and
someone who worked in two workshops of one employer counts in each.
"""

import dataclasses
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bangfu.employers.models import CriteriaSet, MonthlyRecord, Purpose, Workshop, WorkshopReport
from bangfu.employers.workshops import criteria as cr

TUOPIN = Q(employment__person__poverty_status__in=cr.TUOPIN_STATUSES)
CONTRACT = TUOPIN & Q(employment__agreement_months__gte=cr.CONTRACT_MONTHS)
CENT = Decimal("0.01")


# --- periods -------------------------------------------------------------------------------------

def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def parse_quarter(text: str) -> datetime.date:
    """"2026Q3" → the quarter's last day (the evaluation date)."""
    match = re.fullmatch(r"\s*([0-9]{4})\s*[Qq]([1-4])\s*", text or "")
    if match is None:
        raise ValueError(_("季度“%(v)s”的格式应为 2026Q3") % {"v": text})
    return quarter_end(int(match.group(1)), int(match.group(2)))


def quarter_label(on: datetime.date) -> str:
    year, quarter = quarter_of(on)
    return f"{year}Q{quarter}"


def period_of(on: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The `months` calendar months ending with the month of `on`: (first month's 1st, on)."""
    index = on.year * 12 + on.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1), on


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has no such day: 08-31 + 6 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    last = (datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def months_between(start: datetime.date, on: datetime.date) -> int:
    """Whole months from start to on (0 when on is before start)."""
    months = (on.year - start.year) * 12 + on.month - start.month - (on.day < start.day)
    return max(months, 0)


# --- results -------------------------------------------------------------------------------------

@dataclasses.dataclass
class Result:
    measure: str
    label: str
    comparison: str
    threshold: Decimal
    value: Decimal | int | None
    passed: bool
    why: str

    def as_dict(self) -> dict:
        return {"measure": self.measure, "label": self.label, "comparison": self.comparison,
                "threshold": str(self.threshold), "value": None if self.value is None else str(self.value),
                "passed": self.passed, "why": self.why}


@dataclasses.dataclass
class Evaluation:
    workshop: Workshop
    purpose: str
    on: datetime.date
    criteria_set: CriteriaSet | None
    period: tuple[datetime.date, datetime.date] | None
    results: list[Result]
    note: str = ""

    @property
    def passed(self) -> bool | None:
        """True when every criterion passes; None when no set is in force."""
        if self.criteria_set is None:
            return None
        return all(result.passed for result in self.results)

    @property
    def failing(self) -> list[Result]:
        return [result for result in self.results if not result.passed]

    def as_dict(self) -> dict:
        return {"purpose": self.purpose, "on": self.on.isoformat(), "passed": self.passed, "note": self.note,
                "criteria_set": self.criteria_set.pk if self.criteria_set else None,
                "criteria_set_name": self.criteria_set.name if self.criteria_set else "",
                "period": [day.isoformat() for day in self.period] if self.period else None,
                "results": [result.as_dict() for result in self.results]}


def _shown(measure: cr.Measure, number) -> str:
    if measure.money:
        return f"{Decimal(number).quantize(CENT, ROUND_HALF_UP):,}"
    return f"{Decimal(number).normalize():f}" if isinstance(number, Decimal) else f"{number:,}"


def explain(measure: cr.Measure, comparison: str, threshold: Decimal, value, missing: str = "") -> str:
    """"脱贫劳动力 4 人，须不少于 5 人"."""
    return Phrases(measure, comparison, threshold).why(value, missing)


class Phrases:
    """A criterion's words, translated once per evaluation run (gettext per workshop would be most
    of the time of a run over thousands of workshops)."""

    def __init__(self, measure: cr.Measure, comparison: str, threshold: Decimal):
        self.measure = measure
        self.label, self.unit = str(measure.label), str(measure.unit)
        self.need = _("须%(word)s %(t)s %(unit)s") % {"word": cr.WORDS[comparison], "t": _shown(measure, threshold),
                                                       "unit": self.unit}
        self.with_value = _("%(label)s %(v)s %(unit)s，%(need)s")
        self.without = _("%(label)s：%(missing)s，%(need)s")

    def why(self, value, missing: str = "") -> str:
        if value is None:
            return self.without % {"label": self.label, "missing": missing, "need": self.need}
        return self.with_value % {"label": self.label, "v": _shown(self.measure, value), "unit": self.unit,
                                  "need": self.need}


# --- measures, set-based -------------------------------------------------------------------------

def worked(workshops: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    """Monthly records with days worked in the period, through employments at these workshops."""
    return MonthlyRecord.objects.filter(employment__workshop__in=workshops.values("pk"), month__gte=start,
                                        month__lte=end, days_worked__gt=0)


def aggregates(workshops: QuerySet, start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """{workshop id: the record measures} for every workshop with records in the period: one query."""
    rows = (worked(workshops, start, end).values("employment__workshop_id")
            .annotate(workers=Count("employment__person_id", distinct=True),
                      tuopin=Count("employment__person_id", distinct=True, filter=TUOPIN),
                      person_months=Count("id"), insurance=Sum("insurance"),
                      contract=Count("employment__person_id", distinct=True, filter=CONTRACT),
                      contract_pay=Sum("pay", filter=CONTRACT))
            .order_by())
    return {row.pop("employment__workshop_id"): row for row in rows}


def revenues(workshops: QuerySet, year: int) -> dict[int, tuple[int, Decimal]]:
    """{workshop id: (year, revenue)} of the latest report of the year or before: one query."""
    found: dict[int, tuple[int, Decimal]] = {}
    rows = (WorkshopReport.objects.filter(workshop__in=workshops.values("pk"), year__lte=year)
            .order_by("workshop_id", "-year").values_list("workshop_id", "year", "revenue"))
    for workshop_id, report_year, revenue in rows:
        found.setdefault(workshop_id, (report_year, revenue))
    return found


MISSING = {"start": gettext_noop("未填写投产日期"),
           "report": gettext_noop("未报送 %(y)d 年度或之前的经营情况"),
           "records": gettext_noop("统计期内无出勤记录"),
           "contract": gettext_noop("统计期内无签订一年以上合同的脱贫劳动力")}


def _missing(key: str, **values) -> str:
    """Why a measure has no value (translated only when it has none)."""
    return _(MISSING[key]) % values if values else _(MISSING[key])


def _value(measure: str, workshop: Workshop, on: datetime.date, period_months: int, row: dict | None,
           revenue: tuple[int, Decimal] | None) -> tuple[Decimal | int | None, str]:
    """A measure's value for one workshop, or None and why there is none."""
    row = row or {}
    if measure == "months_running":
        if workshop.start_date is None:
            return None, _missing("start")
        return months_between(workshop.start_date, on), ""
    if measure == "revenue":
        if revenue is None:
            return None, _missing("report", y=on.year)
        return revenue[1], ""
    if measure == "tuopin_workers":
        return row.get("tuopin", 0), ""
    if measure == "workers":
        return row.get("workers", 0), ""
    if measure == "tuopin_contract_workers":
        return row.get("contract", 0), ""
    if measure == "insurance_per_person_month":
        if not row.get("person_months"):
            return None, _missing("records")
        return (Decimal(row["insurance"] or 0) / row["person_months"]).quantize(CENT, ROUND_HALF_UP), ""
    if measure == "tuopin_average_pay":
        if not row.get("contract"):
            return None, _missing("contract")
        yearly = Decimal(row["contract_pay"] or 0) * 12 / (row["contract"] * period_months)
        return yearly.quantize(CENT, ROUND_HALF_UP), ""
    raise LookupError(measure)


def evaluate(workshops, on: datetime.date, purpose: str = Purpose.MONITOR) -> list[Evaluation]:
    """The evaluation of each workshop (a queryset, or a list) on the date, against its set in force."""
    if not isinstance(workshops, QuerySet):
        workshops = Workshop.objects.filter(pk__in=[w.pk for w in workshops])
    listed = list(workshops.order_by("region_code", "id"))
    sets = cr.sets_in_force(purpose, on)
    chosen = {w.pk: cr.set_for(w.region_code, sets) for w in listed}
    periods = {s.period_months for s in chosen.values() if s is not None}
    rows = {months: aggregates(workshops, *period_of(on, months)) for months in periods}
    wants_revenue = any(crit.measure == "revenue" for s in chosen.values() if s is not None
                        for crit in s.criteria.all())
    reports = revenues(workshops, on.year) if wants_revenue else {}
    evaluations = []
    phrases: dict[int, Phrases] = {}
    for workshop in listed:
        criteria_set = chosen[workshop.pk]
        if criteria_set is None:
            evaluations.append(Evaluation(workshop, purpose, on, None, None, [], _(
                "没有适用于车间“%(name)s”（所在地 %(code)s）、在 %(on)s 施行的%(purpose)s标准") % {
                "name": workshop.name, "code": workshop.region_code, "on": on.isoformat(),
                "purpose": Purpose(purpose).label}))
            continue
        results = []
        for crit in cr.criteria_for(criteria_set, workshop.kind):
            measure = cr.MEASURES[crit.measure]
            value, missing = _value(crit.measure, workshop, on, criteria_set.period_months,
                                    rows[criteria_set.period_months].get(workshop.pk), reports.get(workshop.pk))
            passed = value is not None and cr.compare(crit.comparison, value, crit.threshold)
            if crit.pk not in phrases:
                phrases[crit.pk] = Phrases(measure, crit.comparison, crit.threshold)
            results.append(Result(crit.measure, crit.label, crit.comparison, crit.threshold, value, passed,
                                  phrases[crit.pk].why(value, missing)))
        evaluations.append(Evaluation(workshop, purpose, on, criteria_set,
                                      period_of(on, criteria_set.period_months), results))
    return evaluations


def evaluate_one(workshop: Workshop, on: datetime.date, purpose: str = Purpose.MONITOR) -> Evaluation:
    return evaluate([workshop], on, purpose)[0]


def who_counts(workshop: Workshop, measure: str, start: datetime.date, end: datetime.date) -> list[dict]:
    """The people behind a head-count measure in the period (name, village, months worked)."""
    condition = {"tuopin_workers": TUOPIN, "workers": Q(), "tuopin_contract_workers": CONTRACT}[measure]
    rows = (worked(Workshop.objects.filter(pk=workshop.pk), start, end).filter(condition)
            .values("employment__person_id", "employment__person__name", "employment__person__poverty_status")
            .annotate(months=Count("month", distinct=True)).order_by("employment__person__name",
                                                                       "employment__person_id"))
    return [{"id": row["employment__person_id"], "name": row["employment__person__name"],
             "poverty_status": row["employment__person__poverty_status"], "months": row["months"]} for row in rows]
