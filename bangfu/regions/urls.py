from django.urls import path

from bangfu.regions import views

urlpatterns = [
    path("regions/", views.regions, name="regions"),
    path("regions/<str:code>/", views.regions, name="region"),
]
