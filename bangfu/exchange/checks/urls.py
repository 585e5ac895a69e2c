from django.urls import path

from bangfu.exchange.checks import views

urlpatterns = [
    path("checks/", views.check_list, name="check_list"),
    path("checks/run", views.check_run, name="check_run"),
    path("checks/<str:check_id>/", views.check_detail, name="check_detail"),
]
