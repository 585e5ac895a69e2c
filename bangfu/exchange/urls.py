from django.urls import path

from bangfu.exchange import views
from bangfu.exchange.imports import views as imports

urlpatterns = [
    path("export/<slug:name>.xlsx", views.export, name="export"),
    path("import/template/<slug:kind>.xlsx", imports.template_download, name="import_template"),
]
