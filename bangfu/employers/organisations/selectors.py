"""Reads of employers through the gate: officers see their region's, an operator its own organisation."""


from bangfu.accounts.models import Role, User
from bangfu.core.permissions import get_for_user, organisation_of, require, scope
from bangfu.employers.models import Employer, EmployerOperator, Employment, QuotaRule, Workshop
from bangfu.employers.permissions import Perm
from bangfu.regions import codes


def employers_for_user(user, perm: str = Perm.VIEW_EMPLOYERS):
    return scope(user, Employer.objects.all(), perm)


def employers_for_applying(user):
    """The employers the user may apply for a workshop of (an operator: its own), active ones."""
    return scope(user, Employer.objects.filter(active=True), Perm.APPLY_WORKSHOP)


def get_employer_for_user(user, pk, perm: str = Perm.VIEW_EMPLOYERS) -> Employer:
    """One employer, or 404 alike for absent, not yours and not allowed."""
    return get_for_user(user, Employer.objects.select_related("industry"), pk, perm)


def own_employer_id(user) -> int | None:
    """The organisation an operator account is bound to (None for other roles and unbound operators)."""
    if getattr(user, "role", None) != Role.EMPLOYER:
        return None
    return organisation_of(user)


def operators_of(employer: Employer):
    return EmployerOperator.objects.filter(employer=employer).select_related("user", "bound_by").order_by("bound_at")


def workshops_of(employer: Employer):
    return Workshop.objects.filter(employer=employer).order_by("id")


def open_employment_count(employer: Employer) -> int:
    return Employment.objects.filter(employer=employer, end_date__isnull=True).count()


def officers_to_ask(user, limit: int = 5) -> list[User]:
    """Who can bind an operator's account: active officers whose region covers the operator's."""
    region = user.region_id or ""
    covering = {codes.full_code(region[:digits]) for digits in codes.LEVEL_DIGITS.values() if region[:digits]}
    roles = [Role.HRSS_OFFICER, Role.TOWNSHIP_OFFICER]
    return list(User.objects.filter(is_active=True, role__in=roles, region_id__in=covering)
                .order_by("role", "region_id", "username")[:limit])


def quota_rules_for_user(user):
    """The quota parameters (policy, not personal data): kept and read by holders of MANAGE_POLICY."""
    require(user, Perm.MANAGE_POLICY)
    return QuotaRule.objects.all()

