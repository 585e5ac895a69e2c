"""How the employer side plugs into the platform: permissions and the operators' organisation here;
each part (organisations, workshops, employment, groups) registers its own pages, API, scopes and
exports from its package's plugin module."""

from bangfu.core.permissions import register_organisation
from bangfu.employers.employment import plugin as employment
from bangfu.employers.groups import plugin as groups
from bangfu.employers.organisations import plugin as organisations
from bangfu.employers.permissions import grant_roles
from bangfu.employers.workshops import plugin as workshops


def _organisation_of(user) -> int | None:
    from bangfu.employers.models import EmployerOperator

    return EmployerOperator.objects.filter(user_id=user.pk).values_list("employer_id", flat=True).first()


def register() -> None:
    grant_roles()
    register_organisation(_organisation_of)
    organisations.register()
    groups.register()
    employment.register()
    workshops.register()
