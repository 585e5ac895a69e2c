from django.urls import include, path

from bangfu.api import api
from bangfu.core import plugins

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("bangfu.web.urls")),
    *(path("", include(app.urls)) for app in plugins.apps() if app.urls),
]
