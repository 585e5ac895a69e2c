"""Scoped reads of the ledger: every page, API call and export starts from these."""

import re

from django.db.models import Q, QuerySet

from bangfu.core.pages import counted_by
from bangfu.core.permissions import get_for_user, scope
from bangfu.registry.models import NUMBER_TAIL, FollowUp, Household, Person, Survey
from bangfu.registry.permissions import Perm

CJK = re.compile(r"[\u3400-\u9fff]")
VOWELS = frozenset("aeiouv")
NEVER_INITIAL = frozenset("iuv")  # a, e and o start syllables (安, 额, 欧); i, u and v never do


def people_for_user(user, perm: str = Perm.VIEW_LEDGER) -> QuerySet[Person]:
    return scope(user, Person.objects.all(), perm)


def get_person_for_user(user, pk, perm: str = Perm.VIEW_LEDGER) -> Person:
    """The person, or 404 alike for "absent" and "not yours"."""
    return get_for_user(user, Person.objects.select_related("household"), pk, perm)


def households_for_user(user, perm: str = Perm.VIEW_LEDGER) -> QuerySet[Household]:
    return scope(user, Household.objects.all(), perm)


def get_household_for_user(user, pk, perm: str = Perm.VIEW_LEDGER) -> Household:
    return get_for_user(user, Household.objects.all(), pk, perm)


def members_for_user(user, household: Household, perm: str = Perm.VIEW_LEDGER) -> QuerySet[Person]:
    """A household's members that the user may see (all of them, as members live where it does)."""
    return people_for_user(user, perm).filter(household=household).order_by("id")


def surveys_for_user(user, perm: str = Perm.VIEW_LEDGER) -> QuerySet[Survey]:
    """Surveys of the people the user may see, wherever the person lived when visited."""
    return scope(user, Survey.objects.all(), perm)


def follow_ups_for_user(user, perm: str = Perm.VIEW_LEDGER) -> QuerySet[FollowUp]:
    return scope(user, FollowUp.objects.all(), perm)


def _prefix_range(field: str, text: str) -> Q:
    # A prefix as a range: the B-tree index serves it on SQLite and PostgreSQL alike, unlike LIKE.
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})


WHOLE_ID = re.compile(r"\d{17}[\dX]")
WHOLE_PHONE = re.compile(r"1\d{10}")


def whole_identifier(text: str):
    """The identifier (Person.id_number, Person.phone) a search text is a whole value of, if any."""
    text = re.sub(r"\s+", "", text or "").upper()
    if WHOLE_ID.fullmatch(text):
        return Person.id_number
    if WHOLE_PHONE.fullmatch(text):
        return Person.phone
    return None


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
        return _by_pinyin(queryset, text, "name_initials", "name_pinyin")
    if WHOLE_ID.fullmatch(upper):
        return queryset.filter(Person.id_number.lookup(upper))
    if WHOLE_PHONE.fullmatch(text):
        return queryset.filter(Person.phone.lookup(text))
    if re.fullmatch(r"\d{3}[\dX]", upper):
        return queryset.filter(Q(id_number_tail=upper) | Q(phone_tail=upper))
    return queryset.none()


def _by_pinyin(queryset: QuerySet, text: str, initials: str, full: str) -> QuerySet:
    """Records whose name's initials (zsf) or full pinyin (zhangsan) start with the text.

    One WHERE with the user's scope and filters beside it, so the planner weighs each prefix's
    index against reading the list in its order (a common surname is every tenth row: the first
    page is near). Counting the OR of two indexes would read every matching row, so the count adds
    the full-pinyin matches and the initials matches that are not among them, each from its index."""
    lower = text.lower()
    by_initials = _prefix_range(initials, lower)
    if not VOWELS.intersection(lower):
        return queryset.filter(by_initials)  # zsf, lxy: no syllable is spelled without a vowel
    by_full = _prefix_range(full, lower)
    if NEVER_INITIAL.intersection(lower):
        return queryset.filter(by_full)  # li, liu, ouyang: no syllable starts with i, u or v
    return counted_by(queryset.filter(by_initials | by_full),
                      lambda: queryset.filter(by_full).count() + queryset.filter(by_initials).exclude(by_full).count())


def search_households(queryset: QuerySet[Household], text: str) -> QuerySet[Household]:
    """Find by the head's name (Chinese prefix), pinyin initials or full pinyin (zsf, zhangsan),
    the last four digits of the household number, or its leading digits."""
    text = re.sub(r"\s+", "", text or "")
    if not text:
        return queryset
    if CJK.search(text):
        return queryset.filter(_prefix_range("head_name", text))
    if re.fullmatch(r"[A-Za-z]+", text):
        return _by_pinyin(queryset, text, "head_initials", "head_pinyin")
    if len(text) == NUMBER_TAIL and text.isascii() and text.isdigit():
        return queryset.filter(number_tail=text)
    return queryset.filter(_prefix_range("number", text))
