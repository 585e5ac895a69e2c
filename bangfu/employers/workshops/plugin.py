"""How the workshops part plugs in: scopes, pages, API, menu, export and the surfaces of the scope matrix."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bangfu.core import plugins
from bangfu.core.permissions import Scope, register_scope
from bangfu.employers.models import Workshop, WorkshopEvent, WorkshopReport
from bangfu.employers.permissions import Perm


def register() -> None:
    from bangfu.employers.workshops import exports

    register_scope(Workshop, Scope(region="region_code", organisation="employer_id"))
    # Events and reports are seen where their workshop is.
    register_scope(WorkshopEvent, Scope(region="workshop__region_code", organisation="workshop__employer_id"))
    register_scope(WorkshopReport, Scope(region="workshop__region_code", organisation="workshop__employer_id"))
    plugins.register(plugins.App(
        name="workshops",
        urls="bangfu.employers.workshops.urls",
        api=(("/workshops", "bangfu.employers.workshops.api:workshops"),
             ("/workshop-criteria", "bangfu.employers.workshops.api:criteria"),
             ("/rent-rules", "bangfu.employers.workshops.api:rent_rules")),
        nav=(
            plugins.NavItem(_("就业帮扶车间"), "workshop_list", Perm.VIEW_EMPLOYERS, 60,
                            active=("workshop_detail", "workshop_apply", "workshop_move", "workshop_history",
                                    "workshop_report")),
            plugins.NavItem(_("车间监测"), "workshop_monitoring", Perm.MONITOR_WORKSHOP, 61),
            plugins.NavItem(_("车间认定标准"), "criteria_list", Perm.MANAGE_POLICY, 62,
                            active=("criteria_set_detail", "criteria_set_edit", "criteria_set_create",
                                    "criterion_edit", "criterion_create", "criteria_set_history",
                                    "rent_rule_list", "rent_rule_create", "rent_rule_edit", "rent_rule_history")),
        ),
        exports=(exports.WORKSHOPS,),
        surfaces=(
            plugins.Surfaces(Workshop, Perm.VIEW_EMPLOYERS, page="workshop_detail", api="api:workshop",
                             list_page="workshop_list", api_list="api:workshop_list",
                             export=exports.WORKSHOPS.name,
                             more=(("workshop_history", Perm.VIEW_EMPLOYERS),
                                   ("api:workshop_evaluation", Perm.VIEW_EMPLOYERS)),
                             shown_as=lambda workshop: workshop.name),
            plugins.Surfaces(WorkshopEvent, Perm.VIEW_EMPLOYERS,
                             list_page=lambda event: reverse("workshop_detail", args=[event.workshop_id]),
                             shown_as=lambda event: event.comment),
            plugins.Surfaces(WorkshopReport, Perm.VIEW_EMPLOYERS,
                             list_page=lambda report: reverse("workshop_detail", args=[report.workshop_id]),
                             shown_as=lambda report: report.note),
        ),
    ))
