from django.urls import path

from bangfu.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
