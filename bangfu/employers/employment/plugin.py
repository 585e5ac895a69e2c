"""How employment records plug in: scopes (an employment is where its workplace is, and its
employer's operators reach it), the federation's narrowing, pages, API, menu, export."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import Role
from bangfu.core import plugins
from bangfu.core.permissions import Scope, narrow, register_scope
from bangfu.employers.employment import exports
from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission
from bangfu.employers.permissions import Perm


def register() -> None:
    register_scope(Employment, Scope(region="region_code", organisation="employer_id"))
    register_scope(MonthlyRecord, Scope(region="employment__region_code", organisation="employment__employer_id"))
    register_scope(RosterSubmission, Scope(region="region_code", organisation="employer_id"))
    # The disabled persons' federation works with disabled people (as the ledger narrows Person).
    refusal = _("残联工作人员只能查看残疾人的用工记录")
    narrow([Role.DPF_OFFICER], Employment, Q(person__disability_category__isnull=False), refusal)
    narrow([Role.DPF_OFFICER], MonthlyRecord, Q(employment__person__disability_category__isnull=False), refusal)
    plugins.register(plugins.App(
        name="employment",
        urls="bangfu.employers.employment.urls",
        api=(("/employments", "bangfu.employers.employment.api:employments"),
             ("/rosters", "bangfu.employers.employment.api:rosters")),
        nav=(plugins.NavItem(_("用工记录"), "employment_list", Perm.VIEW_EMPLOYMENT, 62,
                             active=("employment_detail", "employment_start", "employment_end", "roster",
                                     "roster_submissions", "roster_submission")),),
        exports=exports.EXPORTS,
        surfaces=(
            plugins.Surfaces(Employment, Perm.VIEW_EMPLOYMENT, page="employment_detail", api="api:employment",
                             list_page="employment_list", api_list="api:employment_list",
                             export=exports.EMPLOYMENTS.name,
                             more=(("employment_end", Perm.SUBMIT_ROSTER),),
                             shown_as=lambda employment: employment.job_title),
            # Monthly records are listed on their employment's page.
            plugins.Surfaces(MonthlyRecord, Perm.VIEW_EMPLOYMENT,
                             list_page=lambda record: reverse("employment_detail", args=[record.employment_id]),
                             shown_as=lambda record: f"{record.pay}"),
            plugins.Surfaces(RosterSubmission, Perm.VIEW_EMPLOYMENT, page="roster_submission",
                             api="api:roster", list_page="roster_submissions", api_list="api:roster_list",
                             shown_as=lambda submission: submission.employer.name),
        ),
    ))
