"""Reads of workshops and what hangs on them, through the user's scope."""

from bangfu.core.permissions import get_for_user, scope
from bangfu.employers.models import Workshop, WorkshopEvent, WorkshopReport
from bangfu.employers.permissions import Perm


def workshops_for_user(user, perm: str = Perm.VIEW_EMPLOYERS):
    return scope(user, Workshop.objects.select_related("employer"), perm)


def get_workshop_for_user(user, pk, perm: str = Perm.VIEW_EMPLOYERS) -> Workshop:
    return get_for_user(user, Workshop.objects.select_related("employer"), pk, perm)


def events_for_user(user, perm: str = Perm.VIEW_EMPLOYERS):
    return scope(user, WorkshopEvent.objects.select_related("actor"), perm)


def reports_for_user(user, perm: str = Perm.VIEW_EMPLOYERS):
    return scope(user, WorkshopReport.objects.all(), perm)

