"""Counts of the ledger for a region: the home page, the region tree and (later) reports."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from bangfu.regions import codes
from bangfu.registry import choices as c
from bangfu.registry.models import Household, Person

E = c.EmploymentStatus

# Each figure of the home page: its key, and the person-list filter it links to.
PERSON_FIGURES = {
    "people": (Q(), {}),
    "labour": (Q(is_labour=True), {"labour": "1"}),
    "employed": (Q(employment_status__in=c.EMPLOYED_STATUSES), {"employment": "employed"}),
    "in_county": (Q(employment_status=E.IN_COUNTY), {"employment": E.IN_COUNTY}),
    "out_county": (Q(employment_status=E.OUT_COUNTY), {"employment": E.OUT_COUNTY}),
    "out_province": (Q(employment_status=E.OUT_PROVINCE), {"employment": E.OUT_PROVINCE}),
    "seeking": (Q(employment_status=E.SEEKING), {"employment": E.SEEKING}),
    "disabled": (Q(disability_category__isnull=False), {"disability": "any"}),
    "formerly_poor": (Q(poverty_status=c.PovertyStatus.FORMERLY_POOR), {"poverty": c.PovertyStatus.FORMERLY_POOR}),
    "monitored": (Q(poverty_status=c.PovertyStatus.MONITORED), {"poverty": c.PovertyStatus.MONITORED}),
    "relocated": (Q(relocated=True), {"relocated": "1"}),
}


def person_counts(people: QuerySet[Person]) -> dict[str, int]:
    """All the person figures in one aggregate query over an already scoped queryset."""
    return people.aggregate(**{key: Count("id", filter=q) for key, (q, _) in PERSON_FIGURES.items()})


# Each household figure of the home page.
HOUSEHOLD_FIGURES = {
    "households": Q(),
    "zero_employment": Q(zero_employment=True),
    "relocated_households": Q(relocated=True),
    "relocated_with_labour": Q(relocated=True, labour_count__gt=0),
    # 一户一人以上就业: relocated households with labour where at least one member works
    # (a different measure from 零就业家庭, reported separately).
    "relocated_employed": Q(relocated=True, labour_count__gt=0, employed_count__gt=0),
}


def household_counts(households: QuerySet[Household]) -> dict[str, int]:
    return households.aggregate(**{key: Count("id", filter=q) for key, q in HOUSEHOLD_FIGURES.items()})


def counts_by_child(people: QuerySet[Person], prefix: str, child_level: int) -> dict[str, int]:
    """Number of people under each child node of the node with this prefix: child code -> count."""
    digits = codes.LEVEL_DIGITS[child_level]
    rows = (
        people.filter(codes.within(prefix))
        .annotate(child=Substr("region_code", 1, digits))
        .values("child")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {codes.full_code(row["child"]): row["n"] for row in rows}
