"""Scoped reads of the ledger: every page, API call and export starts from these."""

import re

from django.db.models import Q, QuerySet
from django.http import Http404

from bangfu import crypto
from bangfu.accounts.permissions import Perm, scope
from bangfu.regions import codes
from bangfu.registry import choices as c
from bangfu.registry.models import Household, Person, Survey

CJK = re.compile(r"[\u3400-\u9fff]")
VOWELS = frozenset("aeiouv")


def people_for_user(user, perm: Perm = Perm.VIEW_LEDGER) -> QuerySet[Person]:
    return scope(user, Person.objects.all(), perm=perm)


def get_person_for_user(user, pk, perm: Perm = Perm.VIEW_LEDGER) -> Person:
    """The person, or 404 alike for "absent" and "not yours"."""
    try:
        return people_for_user(user, perm).select_related("household").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def households_for_user(user, perm: Perm = Perm.VIEW_LEDGER) -> QuerySet[Household]:
    return scope(user, Household.objects.all(), perm=perm)


def get_household_for_user(user, pk, perm: Perm = Perm.VIEW_LEDGER) -> Household:
    try:
        return households_for_user(user, perm).get(pk=int(pk))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def surveys_for_user(user) -> QuerySet[Survey]:
    return scope(user, Survey.objects.all())


def _prefix_range(field: str, text: str) -> Q:
    # A prefix as a range: the B-tree index serves it on SQLite and PostgreSQL alike, unlike LIKE.
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})


def search_people(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Find by name (Chinese prefix), pinyin initials or full pinyin (zsf, zhangsan), the last
    four digits of the ID number or phone, or a whole ID number or phone."""
    text = re.sub(r"\s+", "", text or "")
    if not text:
        return queryset
    upper = text.upper()
    if CJK.search(text):
        return queryset.filter(_prefix_range("name", text))
    if re.fullmatch(r"[A-Za-z]+", text):
        lower = text.lower()
        initials = _prefix_range("name_initials", lower)
        if not VOWELS.intersection(lower):
            return queryset.filter(initials)  # zsf, lxy: no syllable is spelled without a vowel
        # Each prefix on its own index, then the union: an OR of the two would scan the region.
        matches = (Person.objects.filter(initials).order_by().values("pk")
                   .union(Person.objects.filter(_prefix_range("name_pinyin", lower)).order_by().values("pk")))
        return queryset.filter(pk__in=matches)
    if re.fullmatch(r"\d{17}[\dX]", upper):
        return queryset.filter(id_number_hash=crypto.lookup_hash(upper))
    if re.fullmatch(r"1\d{10}", text):
        return queryset.filter(phone_hash=crypto.lookup_hash(text))
    if re.fullmatch(r"\d{3}[\dX]", upper):
        return queryset.filter(Q(id_tail=upper) | Q(phone_tail=upper))
    return queryset.none()


# The filters of the person list: name -> how a value narrows the queryset.
PERSON_FILTERS = {
    "region": lambda v: codes.within(v) if v.isdigit() and len(v) <= 12 else Q(pk__in=[]),
    "employment": lambda v: (Q(employment_status__in=c.EMPLOYED_STATUSES) if v == "employed"
                             else Q(employment_status=v)),
    "poverty": lambda v: Q(poverty_status=v),
    "disability": lambda v: (Q(disability_category__isnull=False) if v == "any" else Q(disability_category=v)),
    "relocated": lambda v: Q(relocated=v == "1"),
    "labour": lambda v: Q(is_labour=v == "1"),
    "zero_employment": lambda v: Q(household__zero_employment=v == "1"),
    "gender": lambda v: Q(gender=v),
}

HOUSEHOLD_FILTERS = {
    "region": PERSON_FILTERS["region"],
    "poverty": lambda v: Q(poverty_status=v),
    "relocated": lambda v: Q(relocated=v == "1"),
    "zero_employment": lambda v: Q(zero_employment=v == "1"),
}


def apply_filters(queryset: QuerySet, params, table: dict) -> QuerySet:
    for name, make in table.items():
        value = (params.get(name) or "").strip()
        if value:
            queryset = queryset.filter(make(value))
    return queryset


def filter_people(queryset: QuerySet[Person], params) -> QuerySet[Person]:
    return search_people(apply_filters(queryset, params, PERSON_FILTERS), params.get("q", ""))


def filter_households(queryset: QuerySet[Household], params) -> QuerySet[Household]:
    queryset = apply_filters(queryset, params, HOUSEHOLD_FILTERS)
    text = re.sub(r"\s+", "", params.get("q") or "")
    if text:
        queryset = queryset.filter(_prefix_range("number", text) | _prefix_range("head_name", text))
    return queryset
