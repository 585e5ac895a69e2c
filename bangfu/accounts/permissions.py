"""The one permission gate: what each role may do, and the region every query is limited to.

Pages, API, exports and reports all ask here; nothing else decides who sees what.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from bangfu.accounts.models import Role
from bangfu.regions import codes


class Perm(StrEnum):
    VIEW_LEDGER = "view_ledger"
    EDIT_LEDGER = "edit_ledger"
    RECORD_SURVEY = "record_survey"
    REVEAL_IDENTIFIER = "reveal_identifier"
    VIEW_HISTORY = "view_history"
    EXPORT = "export"
    FOLLOW_UP = "follow_up"
    VIEW_AUDIT = "view_audit"
    MANAGE_REGIONS = "manage_regions"


_OFFICER = {
    Perm.VIEW_LEDGER, Perm.EDIT_LEDGER, Perm.RECORD_SURVEY, Perm.REVEAL_IDENTIFIER,
    Perm.VIEW_HISTORY, Perm.EXPORT, Perm.FOLLOW_UP,
}
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.HRSS_OFFICER: frozenset(_OFFICER),
    Role.DPF_OFFICER: frozenset(_OFFICER),
    Role.TOWNSHIP_OFFICER: frozenset(_OFFICER),
    # Surveyors keep the ledger current through door-to-door surveys in their own villages.
    Role.SURVEYOR: frozenset({Perm.VIEW_LEDGER, Perm.RECORD_SURVEY}),
    # Employer operators will see their own organisation's records (employers issue); no ledger.
    Role.EMPLOYER: frozenset(),
    Role.AUDITOR: frozenset({Perm.VIEW_LEDGER, Perm.REVEAL_IDENTIFIER, Perm.VIEW_HISTORY,
                             Perm.EXPORT, Perm.VIEW_AUDIT}),
}


def has_perm(user, perm: Perm) -> bool:
    return perm in permissions_of(user)


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied(perm)


def in_region(user, region_code: str) -> bool:
    return codes.covers(user.region_prefix, region_code)


def can(user, perm: Perm, region_code: str) -> bool:
    """May the user do this to a record filed under this region?"""
    return has_perm(user, perm) and in_region(user, region_code)


def scope(user, queryset: QuerySet, field: str = "region_code", perm: Perm = Perm.VIEW_LEDGER) -> QuerySet:
    """The part of a queryset the user may see: nothing without the permission, else their region."""
    if not has_perm(user, perm):
        return queryset.none()
    prefix = user.region_prefix
    if prefix == "-":
        return queryset.none()
    return queryset.filter(codes.within(prefix, field))


def permissions_of(user) -> frozenset[Perm]:
    """Everything the user may do (templates use it to show only the actions that will work)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return ROLE_PERMS.get(user.role, frozenset())
