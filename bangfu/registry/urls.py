from django.urls import path

from bangfu.registry import views as ledger

urlpatterns = [
    path("people/", ledger.person_list, name="person_list"),
    path("people/new/", ledger.person_create, name="person_create"),
    path("people/<int:pk>/", ledger.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", ledger.person_edit, name="person_edit"),
    path("people/<int:pk>/history/", ledger.person_history, name="person_history"),
    path("people/<int:pk>/reveal/<str:field>/", ledger.person_reveal, name="person_reveal"),
    path("people/<int:pk>/survey/", ledger.survey_create, name="survey_create"),
    path("people/<int:pk>/spells/new/", ledger.spell_create, name="spell_create"),
    path("spells/<int:pk>/edit/", ledger.spell_edit, name="spell_edit"),
    path("spells/<int:pk>/end/", ledger.spell_end, name="spell_end"),
    path("spells/<int:pk>/delete/", ledger.spell_delete, name="spell_delete"),
    path("households/", ledger.household_list, name="household_list"),
    path("households/new/", ledger.household_create, name="household_create"),
    path("households/<int:pk>/", ledger.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", ledger.household_edit, name="household_edit"),
    path("households/<int:pk>/history/", ledger.household_history, name="household_history"),
    path("villages/", ledger.village_options, name="village_options"),
    path("zero-employment/", ledger.zero_employment, name="zero_employment"),
]
