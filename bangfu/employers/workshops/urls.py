from django.urls import path

from bangfu.employers.workshops import views

urlpatterns = [
    path("workshops/", views.workshop_list, name="workshop_list"),
    path("workshops/apply/", views.workshop_apply, name="workshop_apply"),
    path("workshops/monitoring/", views.workshop_monitoring, name="workshop_monitoring"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/history/", views.workshop_history, name="workshop_history"),
    path("workshops/<int:pk>/report/", views.workshop_report, name="workshop_report"),
    path("workshops/<int:pk>/<str:action>/", views.workshop_move, name="workshop_move"),
    path("workshop-criteria/", views.criteria_list, name="criteria_list"),
    path("workshop-criteria/new/", views.criteria_set_create, name="criteria_set_create"),
    path("workshop-criteria/<int:pk>/", views.criteria_set_detail, name="criteria_set_detail"),
    path("workshop-criteria/<int:pk>/edit/", views.criteria_set_edit, name="criteria_set_edit"),
    path("workshop-criteria/<int:pk>/history/", views.criteria_set_history, name="criteria_set_history"),
    path("workshop-criteria/<int:pk>/criteria/new/", views.criterion_create, name="criterion_create"),
    path("workshop-criteria/criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("workshop-criteria/criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("rent-rules/", views.rent_rule_list, name="rent_rule_list"),
    path("rent-rules/new/", views.rent_rule_create, name="rent_rule_create"),
    path("rent-rules/<int:pk>/edit/", views.rent_rule_edit, name="rent_rule_edit"),
    path("rent-rules/<int:pk>/history/", views.rent_rule_history, name="rent_rule_history"),
]
