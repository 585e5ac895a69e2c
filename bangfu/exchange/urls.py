from django.urls import path

from bangfu.exchange import views
from bangfu.exchange.imports import views as imports

urlpatterns = [
    path("export/<slug:name>.xlsx", views.export, name="export"),
    path("exports/", views.job_list, name="export_jobs"),
    path("exports/<int:pk>/", views.job_detail, name="export_job"),
    path("exports/<int:pk>/download", views.download, name="export_download"),
    path("import/", imports.upload, name="import_upload"),
    path("import/template/<slug:kind>.xlsx", imports.template_download, name="import_template"),
    path("imports/", imports.job_list, name="import_jobs"),
    path("imports/<int:pk>/", imports.job_detail, name="import_job"),
    path("imports/<int:pk>/tables/<int:index>/mapping", imports.mapping, name="import_mapping"),
    path("imports/<int:pk>/preview", imports.preview, name="import_preview"),
    path("imports/<int:pk>/commit", imports.commit, name="import_commit"),
    path("imports/<int:pk>/resume", imports.resume, name="import_resume"),
    path("imports/<int:pk>/cancel", imports.cancel, name="import_cancel"),
    path("imports/<int:pk>/errors.xlsx", imports.errors, name="import_errors"),
]
