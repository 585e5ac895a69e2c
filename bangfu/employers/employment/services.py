"""Figures derived from the monthly records, per person and per year: the months worked (months
with days_worked > 0) and the total pay. One grouped aggregate each (never a loop of queries)."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from bangfu.employers.models import MonthlyRecord


def _by_year(records) -> list[dict]:
    rows = (records.annotate(year=ExtractYear("month")).values("year")
            .annotate(months=Count("id", filter=Q(days_worked__gt=0)), pay=Sum("pay"), days=Sum("days_worked"))
            .order_by("-year"))
    return [{"year": r["year"], "months": r["months"], "pay": r["pay"] or 0, "days": r["days"] or 0} for r in rows]


def employment_years(employment) -> list[dict]:
    """[{year, months, pay, days}] of one employment, newest year first."""
    return _by_year(MonthlyRecord.objects.filter(employment=employment))


def person_years(person, employments) -> list[dict]:
    """[{year, months, pay, days}] of a person across the employments given (those the user sees)."""
    return _by_year(MonthlyRecord.objects.filter(employment__in=employments, employment__person=person))


def years_of_people(employments) -> dict[tuple[int, int], dict]:
    """{(person id, year): {months, pay}} over these employments (one aggregate)."""
    rows = (MonthlyRecord.objects.filter(employment__in=employments)
            .annotate(year=ExtractYear("month")).values("employment__person_id", "year")
            .annotate(months=Count("id", filter=Q(days_worked__gt=0)), pay=Sum("pay")))
    return {(r["employment__person_id"], r["year"]): {"months": r["months"], "pay": r["pay"] or 0} for r in rows}
