"""Employers' own registrations: their scope (a region's officers, and the organisation's operators),
pages, API, menu, export and where the scope-matrix test reads them."""

from django.utils.translation import gettext_lazy as _

from bangfu.core import plugins
from bangfu.core.permissions import Scope, register_scope
from bangfu.employers.models import Employer
from bangfu.employers.organisations import exports
from bangfu.employers.permissions import Perm


def register() -> None:
    register_scope(Employer, Scope(region="region_code", organisation="pk"))
    plugins.register(plugins.App(
        name="organisations",
        urls="bangfu.employers.organisations.urls",
        api=(("/employers", "bangfu.employers.organisations.api:employers"),
             ("/quota-rules", "bangfu.employers.organisations.api:quota_rules")),
        # An operator's entry leads to its own organisation (the list redirects it there).
        nav=(plugins.NavItem(_("用人单位"), "employer_list", Perm.VIEW_EMPLOYERS, 50,
                             active=("employer_detail", "employer_create", "employer_edit", "employer_history",
                                     "employer_operators")),
             plugins.NavItem(_("按比例就业参数"), "quota_rule_list", Perm.MANAGE_POLICY, 90,
                             active=("quota_rule_create", "quota_rule_edit", "quota_rule_history"))),
        exports=exports.EXPORTS,
        surfaces=(
            plugins.Surfaces(Employer, Perm.VIEW_EMPLOYERS, page="employer_detail", api="api:employer",
                             list_page="employer_list", api_list="api:employer_list", export=exports.EMPLOYERS.name,
                             more=(("employer_history", Perm.VIEW_EMPLOYERS),
                                   ("api:employer_history", Perm.VIEW_EMPLOYERS),
                                   ("api:employer_quota", Perm.VIEW_EMPLOYERS),
                                   ("employer_edit", Perm.EDIT_EMPLOYERS)),
                             shown_as=lambda employer: employer.name),
        ),
    ))
