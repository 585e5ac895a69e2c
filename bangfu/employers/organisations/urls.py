from django.urls import path

from bangfu.employers.organisations import views

urlpatterns = [
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/new/", views.employer_create, name="employer_create"),
    path("employers/options/", views.employer_options, name="employer_options"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employers/<int:pk>/history/", views.employer_history, name="employer_history"),
    path("employers/<int:pk>/operators/", views.employer_operators, name="employer_operators"),
    path("employers/<int:pk>/operators/<int:user_id>/unbind/", views.employer_unbind, name="employer_unbind"),
    path("quota-rules/", views.quota_rule_list, name="quota_rule_list"),
    path("quota-rules/new/", views.quota_rule_create, name="quota_rule_create"),
    path("quota-rules/<int:pk>/edit/", views.quota_rule_edit, name="quota_rule_edit"),
    path("quota-rules/<int:pk>/history/", views.quota_rule_history, name="quota_rule_history"),
]
