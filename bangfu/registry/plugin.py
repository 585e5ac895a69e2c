"""How the ledger plugs into the platform: permissions, scopes, pages, API, menu, home, exports."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from bangfu.core import plugins
from bangfu.core.permissions import Scope, register_scope
from bangfu.registry import exports, figures, stats
from bangfu.registry.models import EmploymentSpell, FollowUp, Household, Person, Survey
from bangfu.registry.permissions import Perm, grant_roles, narrow_roles


def _home(user) -> dict:
    reading = figures.read(user)
    people_url = reverse("person_list")
    return {
        "figures": {key: {"value": reading.values[key], "url": people_url + (f"?{urlencode(query)}" if query else "")}
                    for key, (_q, query) in stats.PERSON_FIGURES.items()},
        "households": reading.values,
        "reading": reading,
    }


def register() -> None:
    grant_roles()
    narrow_roles()
    register_scope(Person, Scope(region="region_code"))
    register_scope(Household, Scope(region="region_code"))
    # A survey or follow-up is seen where its person or household is now, not where it was.
    register_scope(Survey, Scope(region="person__region_code"))
    register_scope(FollowUp, Scope(region="household__region_code"))
    # A spell keeps its person's village (services.follow_person_region): scoped without a join.
    register_scope(EmploymentSpell, Scope(region="region_code"))
    plugins.register(plugins.App(
        name="registry",
        urls="bangfu.registry.urls",
        api=(("/people", "bangfu.registry.api:people"), ("/households", "bangfu.registry.api:households"),
             ("/surveys", "bangfu.registry.api:surveys")),
        nav=(
            plugins.NavItem(_("人员台账"), "person_list", Perm.VIEW_LEDGER, 10),
            plugins.NavItem(_("家庭户"), "household_list", Perm.VIEW_LEDGER, 20),
            plugins.NavItem(_("零就业家庭"), "zero_employment", Perm.VIEW_LEDGER, 30),
            plugins.NavItem(_("行政区划"), "regions", Perm.VIEW_LEDGER, 40, active=("region",)),
        ),
        home=(plugins.HomeSection("registry/_home.html", _home, Perm.VIEW_LEDGER, 10),),
        region_figures=(plugins.RegionFigure("people", _("登记人数"), Perm.VIEW_LEDGER, figures.people_by_child,
                                             figures.people_under, "person_list", reading=figures.read),),
        kept_figures=(figures.KEEPER,),
        exports=exports.EXPORTS,
        surfaces=(
            plugins.Surfaces(Person, Perm.VIEW_LEDGER, page="person_detail", api="api:person",
                             list_page="person_list", api_list="api:person_list", export=exports.PEOPLE.name,
                             more=(("person_history", Perm.VIEW_HISTORY), ("api:person_history", Perm.VIEW_HISTORY),
                                   ("person_edit", Perm.EDIT_LEDGER), ("survey_create", Perm.RECORD_SURVEY)),
                             shown_as=lambda person: person.name),
            plugins.Surfaces(Household, Perm.VIEW_LEDGER, page="household_detail", api="api:household",
                             list_page="household_list", api_list="api:household_list",
                             export=exports.HOUSEHOLDS.name,
                             more=(("household_history", Perm.VIEW_HISTORY),
                                   ("api:household_history", Perm.VIEW_HISTORY), ("household_edit", Perm.EDIT_LEDGER)),
                             shown_as=lambda household: household.number),
            # Surveys are listed on their person's page, follow-ups on their household's.
            plugins.Surfaces(Survey, Perm.VIEW_LEDGER, api_list="api:survey_list",
                             list_page=lambda survey: reverse("person_detail", args=[survey.person_id]),
                             shown_as=lambda survey: survey.findings),
            # Spells are listed on their person's page and in the person's API list.
            plugins.Surfaces(EmploymentSpell, Perm.VIEW_LEDGER,
                             list_page=lambda spell: reverse("person_detail", args=[spell.person_id]),
                             more=(("spell_edit", Perm.EDIT_LEDGER), ("spell_end", Perm.EDIT_LEDGER)),
                             shown_as=lambda spell: spell.employer_name),
            plugins.Surfaces(FollowUp, Perm.VIEW_LEDGER,
                             list_page=lambda follow_up: reverse("household_detail", args=[follow_up.household_id]),
                             shown_as=lambda follow_up: follow_up.note),
        ),
    ))
