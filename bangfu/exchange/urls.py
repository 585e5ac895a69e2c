from django.urls import path

from bangfu.exchange import views
from bangfu.exchange.imports import views as imports

urlpatterns = [
    path("export/<slug:name>.xlsx", views.export, name="export"),
    path("exports/", views.job_list, name="export_jobs"),
    path("exports/<int:pk>/", views.job_detail, name="export_job"),
    path("exports/<int:pk>/download", views.download, name="export_download"),
    path("import/template/<slug:kind>.xlsx", imports.template_download, name="import_template"),
]
