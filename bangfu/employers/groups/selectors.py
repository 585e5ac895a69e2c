"""Scoped reads of sites and cooperatives: every page, API call and export starts from these. An
operator bound to the employer running a site or registered as a cooperative reads it too."""

from django.db.models import QuerySet

from bangfu.core.permissions import get_for_user, scope
from bangfu.employers.models import (
    Appraisal,
    AppraisalEntry,
    Cooperative,
    CoopMember,
    Dispatch,
    DispatchPerson,
    Site,
    SiteMember,
    TeamLeader,
)
from bangfu.employers.permissions import Perm
from bangfu.registry.models import Person
from bangfu.registry.permissions import Perm as LedgerPerm
from bangfu.registry.selectors import people_for_user

VIEW = Perm.VIEW_EMPLOYERS


def sites_for_user(user, perm: str = VIEW) -> QuerySet[Site]:
    return scope(user, Site.objects.all(), perm)


def get_site_for_user(user, pk, perm: str = VIEW) -> Site:
    return get_for_user(user, Site.objects.select_related("employer"), pk, perm)


def site_members_for_user(user, perm: str = VIEW) -> QuerySet[SiteMember]:
    return scope(user, SiteMember.objects.all(), perm)


def cooperatives_for_user(user, perm: str = VIEW) -> QuerySet[Cooperative]:
    return scope(user, Cooperative.objects.all(), perm)


def get_cooperative_for_user(user, pk, perm: str = VIEW) -> Cooperative:
    return get_for_user(user, Cooperative.objects.select_related("employer"), pk, perm)


def coop_members_for_user(user, perm: str = VIEW) -> QuerySet[CoopMember]:
    return scope(user, CoopMember.objects.all(), perm)


def leaders_for_user(user, perm: str = VIEW) -> QuerySet[TeamLeader]:
    return scope(user, TeamLeader.objects.all(), perm)


def dispatches_for_user(user, perm: str = VIEW) -> QuerySet[Dispatch]:
    return scope(user, Dispatch.objects.all(), perm)


def get_dispatch_for_user(user, pk, perm: str = VIEW) -> Dispatch:
    return get_for_user(user, Dispatch.objects.select_related("cooperative", "employer", "leader__member__person"),
                        pk, perm)


def dispatch_people_for_user(user, perm: str = VIEW) -> QuerySet[DispatchPerson]:
    return scope(user, DispatchPerson.objects.all(), perm)


def appraisals_for_user(user, perm: str = VIEW) -> QuerySet[Appraisal]:
    return scope(user, Appraisal.objects.all(), perm)


def get_appraisal_for_user(user, pk, perm: str = VIEW) -> Appraisal:
    return get_for_user(user, Appraisal.objects.all(), pk, perm)


def appraisal_entries_for_user(user, perm: str = VIEW) -> QuerySet[AppraisalEntry]:
    return scope(user, AppraisalEntry.objects.all(), perm)


def mask_name(name: str) -> str:
    """A name as shown to whom the person is not in reach: its first character (张**)."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def label_people(user, rows, attr: str = "person") -> None:
    """Give each row `shown_name` (the person's name when the user sees the person in the ledger,
    else masked) and `person_link` (whether the person's page may be linked): one query."""
    ids = {getattr(row, f"{attr}_id") for row in rows}
    visible = set(people_for_user(user, LedgerPerm.VIEW_LEDGER).filter(pk__in=ids).values_list("pk", flat=True))
    for row in rows:
        person: Person = getattr(row, attr)
        row.person_link = person.pk in visible
        row.shown_name = person.name if row.person_link else mask_name(person.name)
