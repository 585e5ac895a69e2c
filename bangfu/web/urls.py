from django.contrib.auth.views import LogoutView
from django.urls import path

from bangfu.accounts.views import LoginView
from bangfu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
