"""How sites and cooperatives plug in: scopes (by region, and an employer's operators read the sites
and cooperatives it runs), pages, API, menu, exports and where each scoped model is read."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bangfu.core import plugins
from bangfu.core.permissions import Scope, register_scope
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


def register() -> None:
    from bangfu.employers.groups import exports

    register_scope(Site, Scope(region="region_code", organisation="employer_id"))
    register_scope(SiteMember, Scope(region="site__region_code", organisation="site__employer_id"))
    register_scope(Cooperative, Scope(region="region_code", organisation="employer_id"))
    register_scope(CoopMember, Scope(region="cooperative__region_code", organisation="cooperative__employer_id"))
    register_scope(TeamLeader, Scope(region="member__cooperative__region_code",
                                     organisation="member__cooperative__employer_id"))
    # A dispatch keeps its cooperative's region (figures by region without a join).
    register_scope(Dispatch, Scope(region="region_code", organisation="cooperative__employer_id"))
    register_scope(DispatchPerson, Scope(region="dispatch__region_code",
                                         organisation="dispatch__cooperative__employer_id"))
    # An appraisal covers a region's cooperatives: its officers only (its code may be a county's prefix).
    register_scope(Appraisal, Scope(region="region_code"))
    register_scope(AppraisalEntry, Scope(region="appraisal__region_code"))
    view = Perm.VIEW_EMPLOYERS
    plugins.register(plugins.App(
        name="groups",
        urls="bangfu.employers.groups.urls",
        api=(("/groups", "bangfu.employers.groups.api:router"),),
        nav=(
            plugins.NavItem(_("示范基地"), "site_list", view, 64, active=("site_detail", "site_create", "site_edit",
                                                                       "site_member_add", "site_history",
                                                                       "programme_list")),
            plugins.NavItem(_("劳务合作社"), "cooperative_list", view, 65,
                            active=("cooperative_detail", "cooperative_create", "cooperative_edit",
                                    "coop_member_add", "dispatch_create", "dispatch_detail", "dispatch_edit",
                                    "dispatch_history", "cooperative_history", "appraisal_list", "appraisal_detail")),
        ),
        exports=exports.EXPORTS,
        surfaces=(
            plugins.Surfaces(Site, view, page="site_detail", api="api:site", list_page="site_list",
                             api_list="api:site_list", export=exports.SITES.name,
                             more=(("site_edit", Perm.MANAGE_GROUPS), ("site_member_add", Perm.MANAGE_GROUPS),
                                   ("site_history", view), ("api:site_history", view)),
                             shown_as=lambda site: site.name),
            plugins.Surfaces(SiteMember, view, list_page=lambda m: reverse("site_detail", args=[m.site_id]),
                             export=exports.SITE_MEMBERS.name, shown_as=lambda m: m.person.name),
            plugins.Surfaces(Cooperative, view, page="cooperative_detail", api="api:cooperative",
                             list_page="cooperative_list", api_list="api:cooperative_list",
                             export=exports.COOPERATIVES.name,
                             more=(("cooperative_edit", Perm.MANAGE_GROUPS), ("dispatch_create", Perm.MANAGE_GROUPS),
                                   ("cooperative_history", view), ("api:cooperative_history", view)),
                             shown_as=lambda coop: coop.name),
            plugins.Surfaces(CoopMember, view, list_page=lambda m: reverse("cooperative_detail",
                                                                           args=[m.cooperative_id]),
                             shown_as=lambda m: m.person.name),
            plugins.Surfaces(TeamLeader, view, list_page=lambda t: reverse("cooperative_detail",
                                                                           args=[t.member.cooperative_id]),
                             shown_as=lambda t: t.member.person.name),
            plugins.Surfaces(Dispatch, view, page="dispatch_detail", api="api:dispatch",
                             list_page=lambda d: reverse("cooperative_detail", args=[d.cooperative_id]),
                             api_list="api:dispatch_list", export=exports.DISPATCHES.name,
                             more=(("dispatch_edit", Perm.MANAGE_GROUPS), ("dispatch_history", view),
                                   ("api:dispatch_history", view)),
                             shown_as=lambda d: d.city),
            plugins.Surfaces(DispatchPerson, view, list_page=lambda w: reverse("dispatch_detail", args=[w.dispatch_id]),
                             shown_as=lambda w: w.person.name),
            plugins.Surfaces(Appraisal, view, page="appraisal_detail", api="api:appraisal", list_page="appraisal_list",
                             api_list="api:appraisal_list",
                             shown_as=lambda a: a.note),
            plugins.Surfaces(AppraisalEntry, view, list_page=lambda e: reverse("appraisal_detail",
                                                                               args=[e.appraisal_id]),
                             export=exports.APPRAISAL_ENTRIES.name, shown_as=lambda e: e.cooperative.name),
        ),
    ))
