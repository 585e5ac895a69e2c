"""Scoped reads of employment records, monthly records and roster submissions."""

from django.db.models import QuerySet

from bangfu.core.permissions import get_for_user, scope
from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission
from bangfu.employers.permissions import Perm


def employments_for_user(user, perm: str = Perm.VIEW_EMPLOYMENT) -> QuerySet[Employment]:
    return scope(user, Employment.objects.select_related("person", "employer", "workshop"), perm)


def get_employment_for_user(user, pk, perm: str = Perm.VIEW_EMPLOYMENT) -> Employment:
    return get_for_user(user, Employment.objects.select_related("person", "employer", "workshop", "spell"), pk, perm)


def months_for_user(user, perm: str = Perm.VIEW_EMPLOYMENT) -> QuerySet[MonthlyRecord]:
    return scope(user, MonthlyRecord.objects.select_related("employment"), perm)


def get_month_for_user(user, pk, perm: str = Perm.VIEW_EMPLOYMENT) -> MonthlyRecord:
    return get_for_user(user, MonthlyRecord.objects.select_related("employment__person", "employment__employer"),
                        pk, perm)


def submissions_for_user(user, perm: str = Perm.VIEW_EMPLOYMENT) -> QuerySet[RosterSubmission]:
    return scope(user, RosterSubmission.objects.select_related("employer", "workshop", "submitted_by"), perm)


def get_submission_for_user(user, pk, perm: str = Perm.VIEW_EMPLOYMENT) -> RosterSubmission:
    return get_for_user(user, RosterSubmission.objects.select_related("employer", "workshop", "submitted_by"), pk,
                        perm)
