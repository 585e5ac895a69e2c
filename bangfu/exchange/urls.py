from django.urls import path

from bangfu.exchange import views

urlpatterns = [
    path("export/<slug:name>.xlsx", views.export, name="export"),
]
