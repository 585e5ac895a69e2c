from django.contrib.auth.views import LogoutView
from django.urls import path

from bangfu.accounts.views import LoginView
from bangfu.registry import views as ledger
from bangfu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("regions/", views.regions, name="regions"),
    path("regions/<str:code>/", views.regions, name="region"),
    path("audit/", views.audit_log, name="audit_log"),
    path("people/", ledger.person_list, name="person_list"),
    path("people/export.xlsx", ledger.person_export, name="person_export"),
    path("people/new/", ledger.person_create, name="person_create"),
    path("people/<int:pk>/", ledger.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", ledger.person_edit, name="person_edit"),
    path("people/<int:pk>/history/", ledger.person_history, name="person_history"),
    path("people/<int:pk>/reveal/<str:field>/", ledger.person_reveal, name="person_reveal"),
    path("people/<int:pk>/survey/", ledger.survey_create, name="survey_create"),
    path("households/", ledger.household_list, name="household_list"),
    path("households/export.xlsx", ledger.household_export, name="household_export"),
    path("households/new/", ledger.household_create, name="household_create"),
    path("households/<int:pk>/", ledger.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", ledger.household_edit, name="household_edit"),
    path("households/<int:pk>/history/", ledger.household_history, name="household_history"),
    path("zero-employment/", ledger.zero_employment, name="zero_employment"),
]
