from django.urls import include, path

from bangfu.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("bangfu.web.urls")),
]
