"""Figures of demonstration sites and labour cooperatives that reports and appraisals read: each one
grouped aggregate (or two), never a loop over records. Callers pass the scoped querysets
(selectors) so the figures cover what the user may see."""

import datetime

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest, Least, Substr

from bangfu.core.permissions import prefix_q
from bangfu.employers import choices as c
from bangfu.employers.models import Cooperative, CoopMember, DispatchPerson, Site, SiteMember, TeamLeader
from bangfu.employers.models.groups import month_index


def sites_by_level_and_kind(sites: QuerySet[Site]) -> dict[tuple[str, str], int]:
    """{(level, kind): number of sites}."""
    rows = sites.order_by().values("level", "kind").annotate(n=Count("id"))
    return {(row["level"], row["kind"]): row["n"] for row in rows}


def _during(start_field: str, end_field: str, start: datetime.date, end: datetime.date) -> Q:
    """Records whose [start, end or still] meets the period [start, end]."""
    return Q(**{f"{start_field}__lte": end}) & (Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start}))


def site_people(members: QuerySet[SiteMember], start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Disabled people employed and trained in sites at some time in the period: {relation: people},
    each person counted once per relation however many sites or spells."""
    rows = (members.filter(_during("start_date", "end_date", start, end), person__disability_category__isnull=False,
                           relation__in=(c.SiteRelation.EMPLOYED, c.SiteRelation.TRAINED))
            .order_by().values("relation").annotate(n=Count("person_id", distinct=True)))
    found = {row["relation"]: row["n"] for row in rows}
    return {relation: found.get(relation, 0) for relation in (c.SiteRelation.EMPLOYED, c.SiteRelation.TRAINED)}


def _months_in(first: int, last: int):
    """A dispatched person's months inside the period of month indexes [first, last] (the rows are
    filtered to dispatches that meet the period, so the result is at least 1)."""
    return Least(F("dispatch__last_month"), Value(last)) - Greatest(F("dispatch__first_month"), Value(first)) + 1


def _went_during(went: QuerySet[DispatchPerson], first: int, last: int) -> QuerySet[DispatchPerson]:
    return went.filter(dispatch__first_month__lte=last, dispatch__last_month__gte=first).order_by()


def cooperative_figures(cooperatives: QuerySet[Cooperative], start: datetime.date, end: datetime.date,
                        digits: int = 9) -> dict[str, dict[str, int]]:
    """By region (the first `digits` digits of the code: 6 county, 9 township, 12 village) for the
    period: cooperatives, members at some time in it, people dispatched, person-months, dispatches."""
    first, last = month_index(start), month_index(end)
    figures: dict[str, dict[str, int]] = {}

    def row(code):
        return figures.setdefault(code, {"cooperatives": 0, "members": 0, "people": 0, "person_months": 0,
                                         "dispatches": 0})

    for item in cooperatives.order_by().annotate(area=Substr("region_code", 1, digits)).values("area").annotate(
            n=Count("id")):
        row(item["area"])["cooperatives"] = item["n"]
    members = CoopMember.objects.filter(cooperative__in=cooperatives.values("pk"))
    for item in (members.filter(_during("joined_on", "left_on", start, end)).order_by()
                 .annotate(area=Substr("cooperative__region_code", 1, digits)).values("area")
                 .annotate(n=Count("person_id", distinct=True))):
        row(item["area"])["members"] = item["n"]
    went = _went_during(DispatchPerson.objects.filter(dispatch__cooperative__in=cooperatives.values("pk")), first, last)
    for item in (went.annotate(area=Substr("dispatch__region_code", 1, digits)).values("area")
                 .annotate(people=Count("person_id", distinct=True), person_months=Sum(_months_in(first, last)),
                           dispatches=Count("dispatch_id", distinct=True))):
        row(item["area"]).update(people=item["people"], person_months=item["person_months"] or 0,
                                 dispatches=item["dispatches"])
    return figures


def _ranked(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["person_months"], -r["people"], -r["dispatches"], r["cooperative_id"],
                                       r.get("person_id") or 0))


def cooperative_results(appraisal) -> list[dict]:
    """Every cooperative of the appraisal's region with its figures for the half year, best first."""
    first, last = appraisal.first_month, appraisal.last_month
    cooperatives = Cooperative.objects.filter(prefix_q("region_code", appraisal.region_code))
    went = _went_during(DispatchPerson.objects.filter(prefix_q("dispatch__region_code", appraisal.region_code)),
                        first, last)
    figures = {item["dispatch__cooperative_id"]: item for item in went.values("dispatch__cooperative_id").annotate(
        people=Count("person_id", distinct=True), person_months=Sum(_months_in(first, last)),
        dispatches=Count("dispatch_id", distinct=True))}
    rows = []
    for pk in cooperatives.order_by("id").values_list("pk", flat=True):
        found = figures.get(pk, {})
        rows.append({"cooperative_id": pk, "people": found.get("people", 0),
                     "person_months": found.get("person_months") or 0, "dispatches": found.get("dispatches", 0)})
    return _ranked(rows)


def leader_results(appraisal) -> list[dict]:
    """Every team leader in office at some time in the half year in the region, with the figures of
    the dispatches they led that meet it, best first."""
    first, last = appraisal.first_month, appraisal.last_month
    start = datetime.date(appraisal.year, 1 if appraisal.half == 1 else 7, 1)
    end = datetime.date(appraisal.year, 6, 30) if appraisal.half == 1 else datetime.date(appraisal.year, 12, 31)
    leaders = (TeamLeader.objects.filter(prefix_q("member__cooperative__region_code", appraisal.region_code))
               .filter(_during("start_date", "end_date", start, end)).order_by()
               .values_list("member__cooperative_id", "member__person_id").distinct())
    went = _went_during(DispatchPerson.objects.filter(prefix_q("dispatch__region_code", appraisal.region_code),
                                                      dispatch__leader__isnull=False), first, last)
    figures = {(item["dispatch__cooperative_id"], item["dispatch__leader__member__person_id"]): item
               for item in went.values("dispatch__cooperative_id", "dispatch__leader__member__person_id").annotate(
                   people=Count("person_id", distinct=True), person_months=Sum(_months_in(first, last)),
                   dispatches=Count("dispatch_id", distinct=True))}
    rows = []
    for key in sorted(set(leaders) | set(figures)):
        found = figures.get(key, {})
        rows.append({"cooperative_id": key[0], "person_id": key[1], "people": found.get("people", 0),
                     "person_months": found.get("person_months") or 0, "dispatches": found.get("dispatches", 0)})
    return _ranked(rows)
